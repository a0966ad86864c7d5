/* test-application.c — the app as it starts: `gridpatrol --demo --data-dir DIR`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-application.h"
#include "gp-demo.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-window.h"

#include <adwaita.h>

typedef struct
{
  GApplication *application;
  gboolean      saw_demo;
  gboolean      saw_about;
  guint         ticks;
} Run;

/* Drives the running app the way a user would, then quits it. */
static gboolean
on_tick (gpointer data)
{
  Run *run = data;
  GtkWindow *window = gp_test_find_window (GP_TYPE_WINDOW);

  if (++run->ticks > 2000)
    {
      g_application_quit (run->application);
      return G_SOURCE_REMOVE;
    }

  if (!run->saw_demo && window != NULL)
    {
      GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), GP_TYPE_WINDOW,
                                                                  "stack"));
      AdwWindowTitle *title =
        ADW_WINDOW_TITLE (gtk_widget_get_template_child (GTK_WIDGET (window), GP_TYPE_WINDOW, "window_title"));

      if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "main") == 0 &&
          g_strcmp0 (adw_window_title_get_title (title), "文昌花园网格") == 0)
        {
          run->saw_demo = TRUE;
          g_action_group_activate_action (G_ACTION_GROUP (run->application), "about", NULL);
        }
      return G_SOURCE_CONTINUE;
    }

  if (run->saw_demo && !run->saw_about)
    {
      AdwDialog *about = gp_test_find_dialog (ADW_TYPE_ABOUT_DIALOG);

      if (about != NULL)
        {
          g_autofree char *name = NULL;

          g_object_get (about, "application-name", &name, NULL);
          g_assert_cmpstr (name, ==, "GridPatrol");
          run->saw_about = TRUE;
          g_application_quit (run->application);
          return G_SOURCE_REMOVE;
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
test_demo_from_command_line (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpApplication) application = gp_application_new ();
  g_autoptr(GpStore) store = NULL;
  char *argv[] = { "gridpatrol", "--demo", "--data-dir", dir, NULL };
  Run run = { G_APPLICATION (application) };
  int status;

  /* Not unique: a test must not hand its command line to a running app. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_timeout_add (10, on_tick, &run);
  status = g_application_run (G_APPLICATION (application), G_N_ELEMENTS (argv) - 1, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.saw_demo);
  g_assert_true (run.saw_about);

  /* The demo grid went to --data-dir, nowhere else. */
  store = gp_test_open_store (dir);
  g_assert_cmpint (gp_store_count (store, "household", GP_DEMO_GRID_CODE, NULL), ==, 420);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

/* With the cairo renderer asked for, GDK sets up no OpenGL: it serves
 * nothing then. */
static void
test_cairo_without_gl (void)
{
  g_auto(GStrv) env = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;

      gp_application_prepare_renderer ();
      g_assert_cmpstr (g_getenv ("GDK_DISABLE"), ==, "gl,vulkan");
      gtk_init ();
      g_assert_false (gdk_display_prepare_gl (gdk_display_get_default (), &error));
      g_assert_nonnull (error);
      return;
    }
  env = g_environ_unsetenv (g_get_environ (), "GDK_DISABLE");
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  g_test_trap_subprocess_with_envp (NULL, (const char * const *) env, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* What the user set GDK_DISABLE to, even empty, stays; without the cairo
 * renderer nothing is set. */
static void
test_renderer_left_alone (void)
{
  g_auto(GStrv) env = NULL;

  if (g_test_subprocess ())
    {
      const char *renderer = g_getenv ("GSK_RENDERER");

      gp_application_prepare_renderer ();
      if (renderer == NULL)
        g_assert_null (g_getenv ("GDK_DISABLE"));
      else
        g_assert_cmpstr (g_getenv ("GDK_DISABLE"), ==, "");
      return;
    }
  env = g_environ_setenv (g_get_environ (), "GDK_DISABLE", "", TRUE);
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  g_test_trap_subprocess_with_envp (NULL, (const char * const *) env, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_clear_pointer (&env, g_strfreev);
  env = g_environ_unsetenv (g_get_environ (), "GDK_DISABLE");
  env = g_environ_unsetenv (env, "GSK_RENDERER");
  g_test_trap_subprocess_with_envp (NULL, (const char * const *) env, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/application/demo-from-command-line", test_demo_from_command_line);
  g_test_add_func ("/ui/application/renderer/cairo-without-gl", test_cairo_without_gl);
  g_test_add_func ("/ui/application/renderer/left-alone", test_renderer_left_alone);

  return g_test_run ();
}
