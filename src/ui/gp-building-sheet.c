/* gp-building-sheet.c
 *
 * Tapping a building on the map raises this sheet: its units and the
 * households in them with their tags (党员中心户, 独居老人, 出租屋…), its
 * open incidents and the last visit. Residents' names and phone numbers are
 * masked (src/model/README.md §7). Tapping a marker or a cluster shows the incidents
 * under it instead.
 *
 * The building, its households and its last visit are read off the main
 * loop (gp-building-info.c) before the sheet is filled; the incidents come
 * from the map's data, already loaded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-building-sheet"

#include "config.h"

#include "gp-building-sheet.h"
#include "gp-clock.h"
#include "gp-building.h"
#include "gp-household.h"
#include "gp-privacy.h"
#include "gp-visit.h"

#include <glib/gi18n.h>

struct _GpBuildingSheet
{
  GtkBox     parent_instance;

  char      *building;
  guint      n_rows;
  GHashTable *phones;   /* household id → its phone number, for a call */
  char       *calling;  /* the number asked about */

  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
  GtkBox    *content;
};

G_DEFINE_FINAL_TYPE (GpBuildingSheet, gp_building_sheet, GTK_TYPE_BOX)

enum {
  CLOSE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear (GpBuildingSheet *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);
  g_clear_pointer (&self->building, g_free);
  g_hash_table_remove_all (self->phones);
  self->n_rows = 0;
}

static GtkWidget *
tag_chip (const char *tag)
{
  GtkWidget *label = gtk_label_new (gp_household_tag_label (tag));

  gtk_widget_add_css_class (label, "gp-tag");
  gtk_widget_add_css_class (label, tag);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static GtkWidget *
household_row (GpHousehold *household)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autofree char *head = gp_privacy_mask_name (gp_household_get_head (household));
  g_autofree char *phone = gp_privacy_mask_phone (gp_household_get_phone (household));
  g_autofree char *people = NULL;
  g_autofree char *subtitle = NULL;
  g_auto(GStrv) tags = gp_household_dup_tags (household);
  GtkWidget *chips;

  /* Translators: a room number, as in “602室” */
  title = g_strdup_printf (_("Room %s"), gp_household_get_room (household));
  people = g_strdup_printf (ngettext ("%d person", "%d people", gp_household_get_people (household)),
                            gp_household_get_people (household));
  subtitle = g_strjoin (" · ", head ? head : "—", people, phone ? phone : "—", NULL);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* A tap at the door: the visit to this household. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.visit-household");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", gp_document_get_id (GP_DOCUMENT (household)));

  /* A call to the household, asked first: the number stays masked. */
  if (gp_household_get_phone (household) != NULL && *gp_household_get_phone (household) != '\0')
    {
      GtkWidget *call = gtk_button_new_from_icon_name ("call-start-symbolic");

      gtk_widget_set_valign (call, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (call, "flat");
      gtk_widget_set_tooltip_text (call, _("Call"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (call), "sheet.call");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (call), "s",
                                        gp_document_get_id (GP_DOCUMENT (household)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), call);
    }

  if (tags[0] == NULL)
    return row;

  /* Tags flow onto a second line rather than push the row off a phone. */
  chips = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (chips), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (chips), 2);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (chips), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (chips), 4);
  gtk_widget_set_can_target (chips, FALSE);
  gtk_widget_set_valign (chips, GTK_ALIGN_CENTER);
  for (guint i = 0; tags[i] != NULL; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (chips), tag_chip (tags[i]));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), chips);
  return row;
}

static void
add_units (GpBuildingSheet *self,
           GPtrArray       *households)
{
  GtkWidget *group = adw_preferences_group_new ();
  AdwExpanderRow *unit_row = NULL;
  int unit = -1, in_unit = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Households"));

  for (guint i = 0; i <= households->len; i++)
    {
      GpHousehold *household = i < households->len ? g_ptr_array_index (households, i) : NULL;

      /* Close the unit before: its count is known now. */
      if (unit_row != NULL && (household == NULL || gp_household_get_unit (household) != unit))
        {
          g_autofree char *count = g_strdup_printf (ngettext ("%d household", "%d households", in_unit),
                                                    in_unit);

          adw_expander_row_set_subtitle (unit_row, count);
          unit_row = NULL;
        }
      if (household == NULL)
        break;

      if (unit_row == NULL)
        {
          g_autofree char *title = NULL;

          unit = gp_household_get_unit (household);
          in_unit = 0;
          /* Translators: a unit (entrance) of a building, as in “2单元” */
          title = g_strdup_printf (_("Unit %d"), unit);
          unit_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (unit_row), title);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (unit_row));
        }
      if (gp_household_get_phone (household) != NULL)
        g_hash_table_insert (self->phones, g_strdup (gp_document_get_id (GP_DOCUMENT (household))),
                             g_strdup (gp_household_get_phone (household)));
      adw_expander_row_add_row (unit_row, household_row (household));
      in_unit++;
      self->n_rows++;
    }

  if (households->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No households are registered here"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->content, group);
}

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);

  /* Translators: a date and time on the map's sheets; see g_date_time_format() */
  return g_date_time_format (local, C_("sheet time", "%b %-d, %H:%M"));
}

static GtkWidget *
incident_row (GpMapIncident *incident)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = incident->reported_at ? format_time (incident->reported_at) : g_strdup ("");
  const char *state = incident->state ? incident->state : "";
  g_autofree char *subtitle = g_strjoin (" · ", incident->category ? incident->category : "",
                                         when, state, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), incident->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* A tap opens the incident on the incidents page. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-incident");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", incident->id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static void
add_open_incidents (GpBuildingSheet *self,
                    GpMapData       *data,
                    const char      *building_id)
{
  GtkWidget *group = adw_preferences_group_new ();
  GArray *incidents = data ? gp_map_data_get_incidents (data) : NULL;
  guint shown = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Open Incidents"));
  for (guint i = 0; incidents != NULL && i < incidents->len; i++)
    {
      GpMapIncident *incident = &g_array_index (incidents, GpMapIncident, i);

      if (g_strcmp0 (incident->building, building_id) != 0)
        continue;
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), incident_row (incident));
      shown++;
    }
  if (shown == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No open incidents"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->content, group);
}

static void
add_last_visit (GpBuildingSheet *self,
                const char      *building_id,
                GpVisit         *last)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Last Visit"));
  {
    GtkWidget *visit = gtk_button_new_with_mnemonic (_("_Visit"));

    gtk_widget_set_valign (visit, GTK_ALIGN_CENTER);
    gtk_widget_set_tooltip_text (visit, _("Record a household visit in this building"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (visit), "win.visit-building");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (visit), "s", building_id);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), visit);
  }
  if (last == NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("No visit has been recorded in this building"));
  else
    {
      g_autoptr(GDateTime) at = gp_visit_dup_at (last);
      g_autofree char *when = format_time (g_date_time_to_unix (at));
      g_autofree char *tags = gp_visit_format_tags (last);
      g_autoptr(GStrvBuilder) parts = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;
      g_autofree char *subtitle = NULL;

      g_strv_builder_add (parts, when);
      if (gp_visit_get_worker (last) != NULL)
        g_strv_builder_add (parts, gp_visit_get_worker (last));
      if (*tags != '\0')
        g_strv_builder_add (parts, tags);
      if (gp_visit_get_note (last) != NULL)
        g_strv_builder_add (parts, gp_visit_get_note (last));
      strv = g_strv_builder_end (parts);
      subtitle = g_strjoinv (" · ", strv);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  gtk_box_append (self->content, group);
}

/**
 * gp_building_sheet_show_building:
 *
 * Fills the sheet with a building: its units and households, its open
 * incidents (from @data) and its last visit.
 */
void
gp_building_sheet_show_building (GpBuildingSheet *self,
                                 GpBuildingInfo  *info,
                                 GpMapData       *data)
{
  const char *building_id;
  g_autofree char *subtitle = NULL;
  g_autofree char *households_text = NULL;
  g_autofree char *units_text = NULL;

  g_return_if_fail (GP_IS_BUILDING_SHEET (self));
  g_return_if_fail (info != NULL);

  building_id = gp_document_get_id (GP_DOCUMENT (info->building));
  clear (self);
  self->building = g_strdup (building_id);

  households_text = g_strdup_printf (ngettext ("%d household", "%d households", info->households->len),
                                     info->households->len);
  units_text = g_strdup_printf (ngettext ("%u unit", "%u units", gp_building_get_n_units (info->building)),
                                gp_building_get_n_units (info->building));
  subtitle = g_strjoin (" · ", households_text, units_text,
                        gp_building_get_address (info->building) ? gp_building_get_address (info->building) : "",
                        NULL);
  gtk_label_set_text (self->title_label, gp_building_get_name (info->building));
  gtk_label_set_text (self->subtitle_label, subtitle);

  add_open_incidents (self, data, building_id);
  add_units (self, info->households);
  add_last_visit (self, building_id, info->last_visit);
}

/**
 * gp_building_sheet_show_error:
 *
 * A building that cannot be read says why.
 */
void
gp_building_sheet_show_error (GpBuildingSheet *self,
                              const char      *building_id,
                              const GError    *error)
{
  g_return_if_fail (GP_IS_BUILDING_SHEET (self));

  clear (self);
  self->building = g_strdup (building_id);
  gtk_label_set_text (self->title_label, _("Building not found"));
  gtk_label_set_text (self->subtitle_label, error ? error->message : "");
}

/**
 * gp_building_sheet_show_incidents:
 *
 * Fills the sheet with the incidents under a tapped marker or cluster.
 */
void
gp_building_sheet_show_incidents (GpBuildingSheet    *self,
                                  GpMapData          *data,
                                  const GpMapCluster *cluster)
{
  GArray *incidents = gp_map_data_get_incidents (data);
  GtkWidget *group = adw_preferences_group_new ();

  g_return_if_fail (GP_IS_BUILDING_SHEET (self));

  clear (self);
  if (cluster->count == 1)
    {
      GpMapIncident *only = &g_array_index (incidents, GpMapIncident, cluster->first);

      gtk_label_set_text (self->title_label, only->title);
      gtk_label_set_text (self->subtitle_label, _("Incident"));
    }
  else
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u incident here", "%u incidents here",
                                                          cluster->count),
                                                cluster->count);

      gtk_label_set_text (self->title_label, title);
      gtk_label_set_text (self->subtitle_label, _("Zoom in to see them one by one"));
    }

  for (guint i = 0; i < cluster->count; i++)
    {
      GpMapIncident *incident = &g_array_index (incidents, GpMapIncident,
                                                gp_map_cluster_get_member (cluster, i));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), incident_row (incident));
      self->n_rows++;
    }
  gtk_box_append (self->content, group);
}

const char *
gp_building_sheet_get_building (GpBuildingSheet *self)
{
  g_return_val_if_fail (GP_IS_BUILDING_SHEET (self), NULL);

  return self->building;
}

/* How many households or incidents the sheet lists. */
guint
gp_building_sheet_get_n_rows (GpBuildingSheet *self)
{
  g_return_val_if_fail (GP_IS_BUILDING_SHEET (self), 0);

  return self->n_rows;
}

static void
on_call_launched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_uri_launcher_launch_finish (GTK_URI_LAUNCHER (source), result, &error) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
      g_autofree char *message = g_strdup_printf (_("The call cannot be made: %s"), error->message);

      g_message ("%s", message);
      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
    }
}

static void
on_call_response (AdwAlertDialog  *dialog,
                  const char      *response,
                  GpBuildingSheet *self)
{
  g_autofree char *phone = g_steal_pointer (&self->calling);
  g_autofree char *uri = NULL;
  g_autoptr(GtkUriLauncher) launcher = NULL;

  if (g_strcmp0 (response, "call") != 0 || phone == NULL)
    return;
  /* Through the portal in a sandbox: the phone's dialer takes it. */
  uri = g_strconcat ("tel:", phone, NULL);
  launcher = gtk_uri_launcher_new (uri);
  gtk_uri_launcher_launch (launcher, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, on_call_launched,
                           g_object_ref (self));
}

static void
call_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GpBuildingSheet *self = GP_BUILDING_SHEET (widget);
  const char *phone = g_hash_table_lookup (self->phones, g_variant_get_string (parameter, NULL));
  g_autofree char *masked = NULL;
  AdwDialog *dialog;

  if (phone == NULL)
    return;
  masked = gp_privacy_mask_phone (phone);
  dialog = adw_alert_dialog_new (_("Call This Household?"), masked);
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "cancel", _("_Cancel"), "call", _("_Call"), NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "call", ADW_RESPONSE_SUGGESTED);
  g_free (self->calling);
  self->calling = g_strdup (phone);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_call_response), self, 0);
  adw_dialog_present (dialog, widget);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[CLOSE_REQUESTED], 0);
}

static void
gp_building_sheet_dispose (GObject *object)
{
  GpBuildingSheet *self = (GpBuildingSheet *) object;

  g_clear_pointer (&self->building, g_free);
  g_clear_pointer (&self->phones, g_hash_table_unref);
  g_clear_pointer (&self->calling, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_BUILDING_SHEET);

  G_OBJECT_CLASS (gp_building_sheet_parent_class)->dispose (object);
}

static void
gp_building_sheet_class_init (GpBuildingSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_building_sheet_dispose;

  signals[CLOSE_REQUESTED] =
    g_signal_new ("close-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/GridPatrol/gp-building-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, GpBuildingSheet, title_label);
  gtk_widget_class_bind_template_child (widget_class, GpBuildingSheet, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, GpBuildingSheet, content);
  gtk_widget_class_install_action (widget_class, "sheet.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "sheet.call", "s", call_action);
}

static void
gp_building_sheet_init (GpBuildingSheet *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->phones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GtkWidget *
gp_building_sheet_new (void)
{
  return g_object_new (GP_TYPE_BUILDING_SHEET, NULL);
}
