/* gp-preferences-dialog.c
 *
 * The base map: the grid's own map only, an MBTiles file over it (imagery
 * the centre prepared, say), or online tiles over it where there is
 * coverage. A file is opened and checked in a worker thread before it is
 * used; a file that is not a usable MBTiles is refused with the reason and
 * the map stays as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-preferences-dialog"

#include "config.h"

#include "gp-preferences-dialog.h"
#include "gp-track-reader.h"
#include "gp-mbtiles.h"

#include <glib/gi18n.h>
#include <string.h>

struct _GpPreferencesDialog
{
  AdwPreferencesDialog  parent_instance;

  GpContext            *context;
  GCancellable         *cancellable;
  char                 *last_message;
  gboolean              busy;
  gboolean              updating;

  AdwActionRow         *file_row;
  GtkCheckButton       *basemap_check;
  GtkCheckButton       *file_check;
  GtkCheckButton       *online_check;
  GtkLabel             *message_label;
  GtkLabel             *track_message_label;
  AdwEntryRow          *user_row;
  AdwComboRow          *role_row;
  AdwActionRow         *track_row;
  GtkButton            *device_button;
  GtkButton            *track_button;
  GtkButton            *choose_button;
  AdwEntryRow          *url_row;
  AdwSwitchRow         *photos_row;
};

G_DEFINE_FINAL_TYPE (GpPreferencesDialog, gp_preferences_dialog, ADW_TYPE_PREFERENCES_DIALOG)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tell_in (GpPreferencesDialog *self,
         GtkLabel            *label,
         const char          *message)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  /* Said in full under the choices (a toast would cut the reason short),
   * until the next choice. */
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
tell (GpPreferencesDialog *self,
      const char          *message)
{
  tell_in (self, self->message_label, message);
}

/* The rows show what the settings say. */
static void
sync_from_settings (GpPreferencesDialog *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *base = g_settings_get_string (settings, "map-base");
  g_autofree char *file = g_settings_get_string (settings, "map-mbtiles-file");
  g_autofree char *url = g_settings_get_string (settings, "map-online-url");

  self->updating = TRUE;
  gtk_check_button_set_active (self->file_check, g_str_equal (base, "mbtiles"));
  gtk_check_button_set_active (self->online_check, g_str_equal (base, "online"));
  gtk_check_button_set_active (self->basemap_check, g_str_equal (base, "basemap"));
  if (*file != '\0')
    {
      g_autofree char *name = g_path_get_basename (file);

      adw_action_row_set_subtitle (self->file_row, name);
    }
  else
    adw_action_row_set_subtitle (self->file_row, _("No file chosen"));
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->url_row)), url) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  self->updating = FALSE;
}

/* Files. */

/* A file being checked, and for which dialog. */
typedef struct
{
  GpPreferencesDialog *self;
  char                *path;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->self);
  g_free (check->path);
  g_free (check);
}

static Check *
check_new (GpPreferencesDialog *self,
           const char          *path)
{
  Check *check = g_new0 (Check, 1);

  check->self = g_object_ref (self);
  check->path = g_strdup (path);
  return check;
}

static void
on_file_checked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Check *check = user_data;
  g_autoptr(GpPreferencesDialog) self = g_object_ref (check->self);
  g_autofree char *path = g_steal_pointer (&check->path);
  GSettings *settings = gp_context_get_settings (self->context);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_open_finish (result, &error);

  check_free (check);
  self->busy = FALSE;
  if (mbtiles == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("This file cannot be used: %s"), error->message);
      tell (self, message);
      sync_from_settings (self);   /* the map stays as it was */
      return;
    }

  g_settings_delay (settings);
  g_settings_set_string (settings, "map-mbtiles-file", path);
  g_settings_set_string (settings, "map-base", "mbtiles");
  g_settings_apply (settings);
  tell (self, NULL);
  sync_from_settings (self);
}

/**
 * gp_preferences_dialog_use_file:
 *
 * Checks @file off the main loop and, if it is a usable MBTiles file, makes
 * it the base map; otherwise says why and changes nothing.
 */
void
gp_preferences_dialog_use_file (GpPreferencesDialog *self,
                                GFile               *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (GP_IS_PREFERENCES_DIALOG (self));

  if (path == NULL)
    {
      tell (self, _("This file cannot be used: it is not on this device"));
      sync_from_settings (self);
      return;
    }

  self->busy = TRUE;
  gp_mbtiles_open_async (path, self->cancellable, on_file_checked, check_new (self, path));
}

static void
on_file_dialog_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GpPreferencesDialog) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, NULL);

  if (file != NULL)
    gp_preferences_dialog_use_file (self, file);
  else
    sync_from_settings (self);
}

static void
choose_file (GpPreferencesDialog *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (filter, _("Map files (MBTiles)"));
  gtk_file_filter_add_pattern (filter, "*.mbtiles");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Choose a Map File"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_open (dialog, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->cancellable,
                        on_file_dialog_done, g_object_ref (self));
}

static void
on_choose_clicked (GpPreferencesDialog *self)
{
  choose_file (self);
}

/* Online tiles. */

/**
 * gp_preferences_dialog_use_online_url:
 *
 * Takes an address of XYZ tiles ("https://…/{z}/{x}/{y}.png") as the base
 * map; refuses one without {z}, {x} and {y} or not on the web.
 */
gboolean
gp_preferences_dialog_use_online_url (GpPreferencesDialog *self,
                                      const char          *url)
{
  GSettings *settings;

  g_return_val_if_fail (GP_IS_PREFERENCES_DIALOG (self), FALSE);

  if (url == NULL || (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://")) ||
      strstr (url, "{z}") == NULL || strstr (url, "{x}") == NULL || strstr (url, "{y}") == NULL)
    {
      tell (self, _("A tile address starts with https:// and has {z}, {x} and {y} in it"));
      sync_from_settings (self);
      return FALSE;
    }

  settings = gp_context_get_settings (self->context);
  g_settings_delay (settings);
  g_settings_set_string (settings, "map-online-url", url);
  g_settings_set_string (settings, "map-base", "online");
  g_settings_apply (settings);
  tell (self, NULL);
  sync_from_settings (self);
  return TRUE;
}

static void
on_url_applied (GpPreferencesDialog *self)
{
  gp_preferences_dialog_use_online_url (self, gtk_editable_get_text (GTK_EDITABLE (self->url_row)));
}

static void
on_check_toggled (GtkCheckButton      *check,
                  GpPreferencesDialog *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *file = NULL;
  g_autofree char *url = NULL;

  if (self->updating || !gtk_check_button_get_active (check))
    return;

  tell (self, NULL);
  if (check == self->basemap_check)
    g_settings_set_string (settings, "map-base", "basemap");
  else if (check == self->file_check)
    {
      file = g_settings_get_string (settings, "map-mbtiles-file");
      if (*file == '\0')
        choose_file (self);
      else
        g_settings_set_string (settings, "map-base", "mbtiles");
    }
  else if (check == self->online_check)
    {
      url = g_settings_get_string (settings, "map-online-url");
      if (*url == '\0')
        {
          tell (self, _("Enter the address of the tiles first"));
          sync_from_settings (self);
          gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
        }
      else
        g_settings_set_string (settings, "map-base", "online");
    }
}

/* Why the last thing asked was refused, for tests. */
const char *
gp_preferences_dialog_get_last_message (GpPreferencesDialog *self)
{
  g_return_val_if_fail (GP_IS_PREFERENCES_DIALOG (self), NULL);

  return self->last_message;
}

gboolean
gp_preferences_dialog_get_busy (GpPreferencesDialog *self)
{
  g_return_val_if_fail (GP_IS_PREFERENCES_DIALOG (self), FALSE);

  return self->busy;
}

/* Who acts: the name as typed, the role by its place in the list. */

static const char * const roles[] = { "worker", "leader", "centre", NULL };

static gboolean
role_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *role = g_variant_get_string (variant, NULL);

  for (guint i = 0; roles[i] != NULL; i++)
    if (g_str_equal (roles[i], role))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
selected_to_role (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_string (roles[MIN (selected, G_N_ELEMENTS (roles) - 2)]);
}

/**
 * gp_preferences_bind_role:
 *
 * Binds a combo row listing the grid worker, the grid leader and the
 * grid centre, in that order, to the role in @settings.
 */
void
gp_preferences_bind_role (GSettings   *settings,
                          AdwComboRow *row)
{
  g_settings_bind_with_mapping (settings, "role", row, "selected", G_SETTINGS_BIND_DEFAULT,
                                role_to_selected, selected_to_role, NULL, NULL);
}

/* Where positions come from: the device, or a recorded walk checked off
 * the main loop before it is used. */

static void
show_track (GpPreferencesDialog *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *file = g_settings_get_string (settings, "location-replay-file");

  if (*file == '\0')
    adw_action_row_set_subtitle (self->track_row, _("This device"));
  else
    {
      g_autofree char *name = g_path_get_basename (file);
      g_autofree char *text = g_strdup_printf (_("The recorded walk %s"), name);

      adw_action_row_set_subtitle (self->track_row, text);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_button), *file != '\0');
}

static void
on_track_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Check *check = user_data;
  g_autoptr(GpPreferencesDialog) self = g_object_ref (check->self);
  g_autofree char *path = g_steal_pointer (&check->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpTrack) track = gp_track_read_file_finish (result, &error);

  check_free (check);
  self->busy = FALSE;
  /* A file with no position in it is no walk to play. */
  if (track != NULL && track->fixes->len == 0)
    error = g_error_new_literal (GP_TRACK_ERROR, GP_TRACK_ERROR_FAILED, _("it has no position in it"));
  if (error != NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("This track cannot be used: %s"), error->message);
      tell_in (self, self->track_message_label, message);
      return;
    }
  tell_in (self, self->track_message_label, NULL);
  g_settings_set_string (gp_context_get_settings (self->context), "location-replay-file", path);
}

/**
 * gp_preferences_dialog_use_track:
 *
 * Checks a GPX or NMEA file off the main loop and, if it has positions,
 * plays it instead of the device's position.
 */
void
gp_preferences_dialog_use_track (GpPreferencesDialog *self,
                                 GFile               *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (GP_IS_PREFERENCES_DIALOG (self));

  if (path == NULL)
    {
      tell_in (self, self->track_message_label, _("This file cannot be used: it is not on this device"));
      return;
    }
  self->busy = TRUE;
  gp_track_read_file_async (path, self->cancellable, on_track_checked, check_new (self, path));
}

static void
on_track_dialog_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GpPreferencesDialog) self = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, NULL);

  if (file != NULL)
    gp_preferences_dialog_use_track (self, file);
}

static void
on_track_clicked (GpPreferencesDialog *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (filter, _("Tracks (GPX, NMEA)"));
  gtk_file_filter_add_pattern (filter, "*.gpx");
  gtk_file_filter_add_pattern (filter, "*.nmea");
  gtk_file_filter_add_pattern (filter, "*.nma");
  gtk_file_filter_add_pattern (filter, "*.log");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Choose a Recorded Walk"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_open (dialog, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->cancellable,
                        on_track_dialog_done, g_object_ref (self));
}

static void
on_device_clicked (GpPreferencesDialog *self)
{
  tell_in (self, self->track_message_label, NULL);
  g_settings_set_string (gp_context_get_settings (self->context), "location-replay-file", "");
}

static void
on_user_changed (GpPreferencesDialog *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));

  g_settings_set_string (settings, "user-name", name);
}

static void
gp_preferences_dialog_constructed (GObject *object)
{
  GpPreferencesDialog *self = (GpPreferencesDialog *) object;
  GSettings *settings = gp_context_get_settings (self->context);

  G_OBJECT_CLASS (gp_preferences_dialog_parent_class)->constructed (object);

  sync_from_settings (self);
  g_signal_connect_object (settings, "changed", G_CALLBACK (sync_from_settings), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->basemap_check, "toggled", G_CALLBACK (on_check_toggled), self, 0);
  g_signal_connect_object (self->file_check, "toggled", G_CALLBACK (on_check_toggled), self, 0);
  g_signal_connect_object (self->online_check, "toggled", G_CALLBACK (on_check_toggled), self, 0);
  g_signal_connect_object (self->choose_button, "clicked", G_CALLBACK (on_choose_clicked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->url_row, "apply", G_CALLBACK (on_url_applied), self, G_CONNECT_SWAPPED);

  {
    g_autofree char *user = gp_context_dup_user_name (self->context);

    gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  }
  g_signal_connect_object (self->user_row, "changed", G_CALLBACK (on_user_changed), self, G_CONNECT_SWAPPED);
  gp_preferences_bind_role (settings, self->role_row);
  g_settings_bind (settings, "download-all-photos", self->photos_row, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::location-replay-file", G_CALLBACK (show_track), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->track_button, "clicked", G_CALLBACK (on_track_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->device_button, "clicked", G_CALLBACK (on_device_clicked), self,
                           G_CONNECT_SWAPPED);
  show_track (self);
}

static void
gp_preferences_dialog_dispose (GObject *object)
{
  GpPreferencesDialog *self = (GpPreferencesDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->context);
  g_clear_pointer (&self->last_message, g_free);

  G_OBJECT_CLASS (gp_preferences_dialog_parent_class)->dispose (object);
}

static void
gp_preferences_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTEXT:
      GP_PREFERENCES_DIALOG (object)->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_preferences_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, GP_PREFERENCES_DIALOG (object)->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_preferences_dialog_class_init (GpPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gp_preferences_dialog_constructed;
  object_class->dispose = gp_preferences_dialog_dispose;
  object_class->get_property = gp_preferences_dialog_get_property;
  object_class->set_property = gp_preferences_dialog_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, GP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/GridPatrol/gp-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, basemap_check);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, file_check);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, online_check);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, choose_button);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, track_message_label);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, track_row);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, device_button);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, track_button);
  gtk_widget_class_bind_template_child (widget_class, GpPreferencesDialog, photos_row);
}

static void
gp_preferences_dialog_init (GpPreferencesDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gp_preferences_dialog_new (GpContext *context)
{
  return g_object_new (GP_TYPE_PREFERENCES_DIALOG, "context", context, NULL);
}
