/* bench-incidents.c — reporting an incident with three 12-megapixel photos
 * end to end, opening the incident list with 10,000 incidents and 40,000
 * events (their case table built first, as after a first sync), and the
 * app's start on that store: its first frame, the first frame showing the
 * grid, and its peak memory, in a process of its own.
 *
 * Run with `build-aux/dev bench`. Prints numbers; it never fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-application.h"
#include "gp-case-index.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-incident-item.h"
#include "gp-incidents-page.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-report-draft.h"
#include "gp-store.h"
#include "gp-test-photo.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-window.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#define INCIDENTS 10000
#define EVENTS_EACH 4

/* Three photos from the camera to a saved incident: intake (decode, turn,
 * scale, encode) of each, then one transaction with the attachments. */
static void
bench_report (GpStore    *store,
              const char *dir)
{
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (4000, 3000);
  g_autofree char *paths[3] = { NULL };
  double intake[15], save[5], total[5];
  gsize in_bytes = 0, out_bytes = 0;
  guint n_intake = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, i == 1 ? 6 : 1, TRUE);

      paths[i] = g_strdup_printf ("%s/IMG_%u.jpg", dir, i);
      g_assert_true (g_file_set_contents (paths[i], g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), NULL));
      in_bytes += g_bytes_get_size (jpeg);
    }

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GpReportDraft) draft = gp_report_draft_new ();
      g_autoptr(GpIncident) incident = NULL;
      g_autoptr(GDateTime) at = gp_clock_new_now_utc ();
      g_autoptr(GError) error = NULL;
      double start = gp_test_now_ms (), step;

      draft->grid = g_strdup (GP_DEMO_GRID_CODE);
      draft->category = g_strdup ("06010");
      draft->grade = g_strdup ("A");
      draft->has_position = TRUE;
      draft->latitude = 34.2586;
      draft->longitude = 108.9402;
      for (guint i = 0; i < 3; i++)
        {
          GpPhoto *photo;

          step = gp_test_now_ms ();
          photo = gp_photo_process_file (paths[i], NULL, &error);
          g_assert_no_error (error);
          intake[n_intake++] = gp_test_now_ms () - step;
          if (round == 0)
            out_bytes += g_bytes_get_size (photo->jpeg);
          g_ptr_array_add (draft->photos, photo);
        }
      step = gp_test_now_ms ();
      incident = gp_report_draft_to_incident (draft, "wang", at, &error);
      g_assert_no_error (error);
      g_assert_true (gp_casework_report (store, incident, &error));
      save[round] = gp_test_now_ms () - step;
      total[round] = gp_test_now_ms () - start;
    }

  printf ("three photos of 12 MP: %.1f MB from the camera, %.0f KB kept\n", in_bytes / 1e6, out_bytes / 1024.0);
  gp_test_bench_report ("photo intake, one 12 MP photo (worker thread)", intake, n_intake);
  gp_test_bench_report ("save the incident with three photos (store thread)", save, 5);
  gp_test_bench_report ("report with three 12 MP photos, end to end", total, 5);
}

/* A grid's worth of years: 10,000 incidents, 40,000 events. */
static void
make_incidents (GpStore *store)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 ("2025-01-06T09:00:00+08:00", NULL);
  const char *categories[] = { "06010", "06013", "09006", "91001", "92004", "01037" };
  const char *path[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH, GP_ACTION_ACCEPT, GP_ACTION_START };

  for (guint batch = 0; batch < INCIDENTS / 500; batch++)
    {
      g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = batch * 500; i < (batch + 1) * 500; i++)
        {
          GpIncident *incident = gp_incident_new ();
          g_autoptr(GDateTime) at = g_date_time_add_minutes (start, i * 60);
          GpGeoPoint where = gp_geo_offset ((GpGeoPoint) { 108.9402, 34.2586 }, g_rand_double_range (rand, -150, 150),
                                            g_rand_double_range (rand, -120, 120));
          g_autoptr(JsonObject) point = gp_geo_point_new (where);

          g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", GP_SOURCE_PATROL,
                        "category", categories[i % G_N_ELEMENTS (categories)], "grade", "B", "reporter", "wang",
                        "reported-at", at, "description", "暴露垃圾", NULL);
          gp_document_set_geometry (GP_DOCUMENT (incident), point);
          g_ptr_array_add (documents, incident);
          for (guint e = 0; e < EVENTS_EACH; e++)
            {
              GpEvent *event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));
              g_autoptr(GDateTime) when = g_date_time_add_minutes (at, 10 + e * 30);

              g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", path[e], "actor", "li",
                            "role", GP_ROLE_LEADER, "at", when, "target", "市政养护所", NULL);
              g_ptr_array_add (documents, event);
            }
        }
      g_assert_true (gp_documents_save_all (store, documents, GP_STORE_PUT_NONE, &error));
    }
}

/* Loaded and listed: the page is not loading before its first load starts. */
static gboolean
page_loaded (gpointer data)
{
  return !gp_incidents_page_get_loading (data) &&
         g_list_model_get_n_items (gp_incidents_page_get_model (GP_INCIDENTS_PAGE (data))) > 0;
}

static void
bench_list (GpStore   *store,
            GpContext *context)
{
  double load[5], open[3];

  /* The case table, built once from nothing (after a first sync). */
  {
    g_autoptr(GError) error = NULL;
    double start = gp_test_now_ms ();

    g_assert_true (gp_case_index_update (store, NULL, &error));
    g_assert_no_error (error);
    printf ("%-56s %9.0f ms\n", "build the case table of 10,005 cases (thread, once)", gp_test_now_ms () - start);
  }
  for (guint i = 0; i < G_N_ELEMENTS (load); i++)
    {
      g_autoptr(GError) error = NULL;
      double start = gp_test_now_ms ();
      g_autoptr(GPtrArray) items = gp_incident_items_load (store, GP_DEMO_GRID_CODE, gp_clock_get_now (),
                                                           &error);

      g_assert_no_error (error);
      g_assert_cmpuint (items->len, ==, INCIDENTS + 5);
      load[i] = gp_test_now_ms () - start;
    }
  gp_test_bench_report ("load the list's 10,005 cases from the case table (thread)", load, G_N_ELEMENTS (load));

  /* The page as the user opens it: from nothing to the list drawn. */
  for (guint i = 0; i < G_N_ELEMENTS (open); i++)
    {
      GtkWidget *window = gtk_window_new ();
      GtkWidget *page;
      double start = gp_test_now_ms ();

      page = gp_incidents_page_new (context);
      gtk_window_set_child (GTK_WINDOW (window), page);
      gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (gp_test_wait_until (page_loaded, page, 60000));
      gp_test_wait_frames (window, 1);
      open[i] = gp_test_now_ms () - start;
      g_assert_cmpuint (g_list_model_get_n_items (gp_incidents_page_get_model (GP_INCIDENTS_PAGE (page))), >, 0);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  gp_test_bench_report ("open the incident list with 10,005 incidents, drawn", open, G_N_ELEMENTS (open));
}

/* ---- the app's start, in a child process ---- */

typedef struct
{
  GApplication *application;
  GtkWidget    *window;
  gint64        first_frame;
  gint64        grid_frame;
} StartUp;

static gboolean
quit_start_up (gpointer data)
{
  StartUp *run = data;
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  printf ("rss %ld\n", usage.ru_maxrss);
  g_application_quit (run->application);
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *clock,
                StartUp       *run)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (run->window, GP_TYPE_WINDOW, "stack"));

  if (run->first_frame == 0)
    {
      run->first_frame = g_get_monotonic_time ();
      printf ("first-frame %" G_GINT64_FORMAT "\n", run->first_frame);
    }
  if (run->grid_frame == 0 && g_strcmp0 (gtk_stack_get_visible_child_name (stack), "main") == 0)
    {
      run->grid_frame = g_get_monotonic_time ();
      printf ("grid-frame %" G_GINT64_FORMAT "\n", run->grid_frame);
      /* What loads after the first frame (markers, lists, figures) counts
       * in the peak too. */
      g_timeout_add_seconds (5, quit_start_up, run);
    }
}

static void
on_window_realize (GtkWidget *window,
                   StartUp   *run)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint), run);
}

static void
on_window_added (GtkApplication *application,
                 GtkWindow      *window,
                 StartUp        *run)
{
  if (!GP_IS_WINDOW (window) || run->window != NULL)
    return;
  run->window = GTK_WIDGET (window);
  g_signal_connect (window, "realize", G_CALLBACK (on_window_realize), run);
}

static int
start_up_child (const char *dir)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GpApplication) application = gp_application_new ();
  const char *args[] = { "gridpatrol", "--data-dir", dir, NULL };
  StartUp run = { G_APPLICATION (application) };

  setvbuf (stdout, NULL, _IOLBF, 0);
  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 720);
  g_signal_connect (application, "window-added", G_CALLBACK (on_window_added), &run);
  return g_application_run (G_APPLICATION (application), 3, (char **) args);
}

/* From the process's start to its first frame and to the grid shown, and
 * its peak memory: five starts, with the cairo renderer. @keep_gl: with
 * GDK_DISABLE set empty, so that GDK still sets up OpenGL (on this machine
 * in software, llvmpipe), as it did before the app turned it off for the
 * cairo renderer. */
static void
bench_start_up (const char *self,
                const char *dir,
                gboolean    keep_gl)
{
  double first[5], grid[5], rss[5];
  const char *how = keep_gl ? " (GDK's OpenGL kept)" : "";
  g_auto(GStrv) env = g_get_environ ();

  env = keep_gl ? g_environ_setenv (env, "GDK_DISABLE", "", TRUE) : g_environ_unsetenv (env, "GDK_DISABLE");
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    {
      const char *argv[] = { self, "--start-up", dir, NULL };
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) lines = NULL;
      gint64 start = g_get_monotonic_time ();
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                                   &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      lines = g_strsplit (out, "\n", -1);
      first[i] = grid[i] = rss[i] = -1;
      for (guint j = 0; lines[j] != NULL; j++)
        {
          gint64 value = 0;

          if (sscanf (lines[j], "first-frame %" G_GINT64_FORMAT, &value) == 1)
            first[i] = (value - start) / 1000.0;
          else if (sscanf (lines[j], "grid-frame %" G_GINT64_FORMAT, &value) == 1)
            grid[i] = (value - start) / 1000.0;
          else if (sscanf (lines[j], "rss %" G_GINT64_FORMAT, &value) == 1)
            rss[i] = value / 1024.0;
        }
      g_assert_cmpfloat (grid[i], >, 0);
      g_assert_cmpfloat (rss[i], >, 0);
    }
  {
    g_autofree char *what_first = g_strdup_printf ("start with 10,005 incidents%s: the process to its first frame",
                                                   how);
    g_autofree char *what_grid = g_strdup_printf ("start with 10,005 incidents%s: to the first frame showing the "
                                                  "grid", how);
    g_autofree char *what_rss = g_strdup_printf ("start with 10,005 incidents%s: peak memory (RSS), 5 s after", how);
    gp_test_bench_report (what_first, first, G_N_ELEMENTS (first));
    gp_test_bench_report (what_grid, grid, G_N_ELEMENTS (grid));
    gp_test_sort_doubles (rss, G_N_ELEMENTS (rss));
    printf ("%-56s %9.0f MB (%.0f–%.0f)\n", what_rss, rss[G_N_ELEMENTS (rss) / 2], rss[0],
            rss[G_N_ELEMENTS (rss) - 1]);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GpStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GpContext) context = NULL;
  g_autoptr(GError) error = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--start-up"))
    {
      gp_application_prepare_renderer ();
      return start_up_child (argv[2]);
    }
  dir = gp_test_make_dir ();
  store = gp_test_open_store (dir);

  setvbuf (stdout, NULL, _IOLBF, 0);
  gtk_init ();
  adw_init ();

  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  bench_report (store, dir);

  {
    double start = gp_test_now_ms ();

    make_incidents (store);
    printf ("(made 10,000 incidents and 40,000 events in %.1f s)\n", (gp_test_now_ms () - start) / 1000);
  }
  settings = g_settings_new (APPLICATION_ID);
  context = gp_context_new (settings);
  gp_context_set_store (context, store);
  bench_list (store, context);
  g_clear_object (&context);
  g_clear_object (&store);
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
  bench_start_up (argv[0], dir, FALSE);
  bench_start_up (argv[0], dir, TRUE);

  gp_test_remove_dir (dir);
  return 0;
}
