/* gp-application.c
 *
 * gridpatrol [--demo] [--data-dir DIR] [--location-replay FILE [--replay-speed X]]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-application"

#include "config.h"

#include "gp-application.h"
#include "gp-context.h"
#include "gp-geoclue-location.h"
#include "gp-replay-location.h"
#include "gp-preferences-dialog.h"
#include "gp-store.h"
#include "gp-window.h"
#include "gp-worker.h"

#include <glib/gi18n.h>

struct _GpApplication
{
  AdwApplication  parent_instance;

  GpContext      *context;
  char           *data_dir;
  gboolean        demo;
  char           *replay_file;     /* positions from a recorded track, not GeoClue */
  double          replay_speed;
};

G_DEFINE_FINAL_TYPE (GpApplication, gp_application, ADW_TYPE_APPLICATION)

static int
gp_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  GpApplication *self = GP_APPLICATION (application);
  const char *data_dir = NULL;
  const char *replay = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("gridpatrol %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->demo = g_variant_dict_contains (options, "demo");
  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    self->data_dir = g_strdup (data_dir);
  if (g_variant_dict_lookup (options, "location-replay", "^&ay", &replay))
    self->replay_file = g_strdup (replay);
  if (!g_variant_dict_lookup (options, "replay-speed", "d", &self->replay_speed) || self->replay_speed <= 0)
    self->replay_speed = 1.0;

  return -1;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *application = user_data;
  AdwDialog *about;

  about = g_object_new (ADW_TYPE_ABOUT_DIALOG,
                        "application-icon", APPLICATION_ID,
                        "application-name", _("GridPatrol"),
                        "comments", _("Patrol a community grid, report incidents and visit "
                                      "households, also offline."),
                        "developer-name", _("The GridPatrol developers"),
                        "version", PACKAGE_VERSION,
                        "website", "https://gridpatrol.example.org/",
                        "issue-url", "https://gridpatrol.example.org/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The GridPatrol developers",
                        /* Translators: your names, one a line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_dialog_present (about, GTK_WIDGET (gtk_application_get_active_window (application)));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GpApplication *self = user_data;
  GtkWidget *dialog = gp_preferences_dialog_new (self->context);

  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
choose_location (GpApplication *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *file = g_settings_get_string (settings, "location-replay-file");
  g_autoptr(GpLocation) location = NULL;

  if (*file != '\0')
    {
      g_autoptr(GError) error = NULL;

      location = gp_replay_location_new_for_file (file, g_settings_get_double (settings, "location-replay-speed"),
                                                  &error);
      if (location == NULL)
        g_message ("The recorded track is not used: %s", error->message);
    }
  if (location == NULL)
    location = gp_geoclue_location_new (APPLICATION_ID);
  gp_context_set_location (self->context, location);
}

static void
gp_application_startup (GApplication *application)
{
  GpApplication *self = GP_APPLICATION (application);
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GpLocation) location = NULL;

  G_APPLICATION_CLASS (gp_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });

  settings = g_settings_new (APPLICATION_ID);
  self->context = gp_context_new (settings);
  if (self->replay_file != NULL)
    {
      g_autoptr(GError) error = NULL;

      location = gp_replay_location_new_for_file (self->replay_file, self->replay_speed, &error);
      if (location == NULL)
        g_printerr ("gridpatrol: %s: %s\n", self->replay_file, error->message);
      gp_context_set_location (self->context, location);
    }
  else
    {
      /* The device's position, or the recorded track chosen in preferences. */
      g_signal_connect_object (settings, "changed::location-replay-file", G_CALLBACK (choose_location), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::location-replay-speed", G_CALLBACK (choose_location), self,
                               G_CONNECT_SWAPPED);
      choose_location (self);
    }
  if (self->data_dir == NULL)
    self->data_dir = gp_store_dup_default_dir ();
  gp_context_open_store (self->context, self->data_dir);
}

static void
gp_application_activate (GApplication *application)
{
  GpApplication *self = GP_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (gp_window_new (GTK_APPLICATION (self), self->context));
  if (self->demo)
    {
      self->demo = FALSE;
      gp_window_open_demo (GP_WINDOW (window));
    }
  gtk_window_present (window);
}

static void
gp_application_shutdown (GApplication *application)
{
  GpApplication *self = GP_APPLICATION (application);
  GList *windows;

  /* Closing the windows cancels what their pages started; then wait for
   * the workers, so that a save is finished and nothing draws or decodes
   * while the process exits. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (windows->data);
  gp_worker_wait_all (10000);
  g_clear_object (&self->context);

  G_APPLICATION_CLASS (gp_application_parent_class)->shutdown (application);
}

static void
gp_application_finalize (GObject *object)
{
  GpApplication *self = (GpApplication *) object;

  g_free (self->data_dir);
  g_free (self->replay_file);

  G_OBJECT_CLASS (gp_application_parent_class)->finalize (object);
}

static void
gp_application_class_init (GpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = gp_application_finalize;
  application_class->handle_local_options = gp_application_handle_local_options;
  application_class->startup = gp_application_startup;
  application_class->activate = gp_application_activate;
  application_class->shutdown = gp_application_shutdown;
}

static void
gp_application_init (GpApplication *self)
{
  const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the demo grid, generating it if needed"), NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Keep the grid data in DIR instead of the usual place"), N_("DIR") },
    { "location-replay", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Take positions from a recorded track (GPX or NMEA) instead of the device"), N_("FILE") },
    { "replay-speed", 0, 0, G_OPTION_ARG_DOUBLE, NULL,
      N_("Play the recorded track this many times faster (default 1)"), N_("X") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/**
 * gp_application_prepare_renderer:
 *
 * Called first thing, before any other thread starts: when the cairo
 * renderer is asked for (GSK_RENDERER=cairo, as on a phone whose GPU GTK
 * cannot draw with), tells GDK not to set up OpenGL and Vulkan, which it
 * does for any renderer and which then serve nothing: where OpenGL runs
 * in software, 70 MB and a tenth of a second of the start. GDK_DISABLE
 * set by the user, even empty, is left as it is.
 */
void
gp_application_prepare_renderer (void)
{
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0 && g_getenv ("GDK_DISABLE") == NULL)
    g_setenv ("GDK_DISABLE", "gl,vulkan", FALSE);
}

GpApplication *
gp_application_new (void)
{
  return g_object_new (GP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/example/GridPatrol",
                       NULL);
}
