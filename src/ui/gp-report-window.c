/* gp-report-window.c
 *
 * Snap and report (随手拍、随手报), one thumb: photos first, then the
 * category (recent ones first, searchable by name or code), the place
 * (the current position, the photo's, a building — the nearest first — or
 * a point pressed on the map), a line of text; source, level and urgency
 * come filled in from the category and the grid's grading scheme.
 *
 * Everything entered is kept as a draft on disk a moment after each
 * change, so a report survives the app being closed; sending saves the
 * incident with its photos in one transaction off the main loop. While the
 * worker reports, open cases of the same category within 50 m of the last
 * 7 days are listed, to add to one instead of reporting it twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-report-window"

#include "config.h"

#include "gp-report-window.h"
#include "gp-window.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-incident-item.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-basemap.h"
#include "gp-mbtiles.h"
#include "gp-tile-source.h"

#include <glib/gi18n.h>

#define SAVE_DELAY_MS       800
#define RECENT_CATEGORIES   6

struct _GpReportWindow
{
  AdwWindow         parent_instance;

  GpContext        *context;
  GpStore          *store;
  GpPolicy         *policy;
  GpCategories     *categories;
  GArray           *buildings;      /* GpReportPlace: the grid's buildings */
  char             *draft_dir;
  GpReportDraft    *draft;
  gboolean          ready;          /* the draft is loaded */
  gboolean          sending;
  char             *commenting;      /* the case a comment is being added to */
  GpIncident       *sending_incident; /* the report being saved */
  GCancellable     *households_cancellable;
  GHashTable       *household_labels; /* id → label, of the building's list shown */
  gboolean          photos_changed;
  gboolean          has_pending;     /* a point pressed on the map, for when the draft is loaded */
  double            pending_latitude;
  double            pending_longitude;
  guint             save_timeout_id;
  GCancellable     *duplicates_cancellable;   /* the question now asked */
  guint             n_duplicates;
  char             *message;
  GCancellable     *cancellable;
  GtkWidget        *duplicate_rows[8];

  AdwToastOverlay  *toast_overlay;
  AdwNavigationView *navigation;
  GtkButton        *report_button;
  GtkOverlay       *point_overlay;   /* the map to choose a point on, once built */
  GtkLabel         *point_label;
  ShumateMap       *point_map;
  guint             point_retry_id;  /* the basemap asked for again, not drawn yet */
  guint             point_refresh_id;
  guint             point_refreshes;
  ShumateMapSource *basemap;         /* the map page's, when it has it open */
  GtkLabel         *missing_label;   /* what the report still needs, at the top */
  GpPhotoPicker    *photo_picker;
  AdwActionRow     *category_row;
  AdwActionRow     *place_row;
  AdwActionRow     *household_row;
  char             *household_label;  /* the chosen household, masked */
  AdwWindowTitle   *households_title;
  GtkListBox       *household_list;
  AdwEntryRow      *text_row;
  AdwPreferencesGroup *duplicates_group;
  AdwComboRow      *source_row;
  AdwComboRow      *level_row;
  AdwComboRow      *urgency_row;
  GtkSearchEntry   *category_search;
  GtkListBox       *category_list;
  GtkListBox       *place_list;
};

G_DEFINE_FINAL_TYPE (GpReportWindow, gp_report_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  REPORTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_form       (GpReportWindow *self);
static void show_point_page   (GpReportWindow *self);
static void find_duplicates   (GpReportWindow *self);

static void
tell (GpReportWindow *self,
      const char     *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* Keeping the draft. */

/* A draft that cannot be kept is said to the worker: in the report
 * window while it is open, else in the main window. */
static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GApplication *application = g_application_get_default ();
  GWeakRef *window_ref = user_data;
  g_autoptr(GpReportWindow) self = g_weak_ref_get (window_ref);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (window_ref);
  g_free (window_ref);
  if (!gp_report_draft_keep_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report in progress cannot be kept: %s"), error->message);
      GtkWindow *main_window = GTK_IS_APPLICATION (application)
                                 ? gtk_application_get_active_window (GTK_APPLICATION (application)) : NULL;

      g_message ("%s", message);
      if (self != NULL)
        tell (self, message);
      else if (GP_IS_WINDOW (main_window))
        gp_window_show_message (GP_WINDOW (main_window), message);
    }
  if (application != NULL)
    g_application_release (application);
}

static gpointer
weak_ref_to (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

/* Keeps the draft now, off the main loop; the application stays up until
 * it is written, even if this window is already gone. */
static void
save_draft_now (GpReportWindow *self)
{
  gboolean with_photos = self->photos_changed;

  g_clear_handle_id (&self->save_timeout_id, g_source_remove);
  if (!self->ready || self->draft == NULL)
    return;

  self->photos_changed = FALSE;
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  gp_report_draft_keep_async (self->draft, self->draft_dir, with_photos, NULL, on_saved, weak_ref_to (self));
}

static gboolean
on_save_timeout (gpointer data)
{
  GpReportWindow *self = data;

  self->save_timeout_id = 0;
  save_draft_now (self);
  return G_SOURCE_REMOVE;
}

static void
draft_changed (GpReportWindow *self)
{
  if (!self->ready)
    return;
  g_clear_handle_id (&self->save_timeout_id, g_source_remove);
  self->save_timeout_id = g_timeout_add (SAVE_DELAY_MS, on_save_timeout, self);
  update_form (self);
}

/* The form. */

static const GpReportPlace *
find_building (GpReportWindow *self,
               const char     *id)
{
  for (guint i = 0; self->buildings != NULL && i < self->buildings->len; i++)
    if (g_strcmp0 (g_array_index (self->buildings, GpReportPlace, i).id, id) == 0)
      return &g_array_index (self->buildings, GpReportPlace, i);
  return NULL;
}

static const GpReportPlace *
nearest_building (GpReportWindow *self,
                  GpGeoPoint      where,
                  double         *distance)
{
  const GpReportPlace *best = NULL;

  *distance = G_MAXDOUBLE;
  for (guint i = 0; self->buildings != NULL && i < self->buildings->len; i++)
    {
      const GpReportPlace *building = &g_array_index (self->buildings, GpReportPlace, i);
      double d = gp_geo_distance (where, building->centre);

      if (d < *distance)
        {
          *distance = d;
          best = building;
        }
    }
  return best;
}

static char *
describe_place (GpReportWindow *self)
{
  GpReportDraft *draft = self->draft;
  const GpReportPlace *building = find_building (self, draft->building);
  g_autofree char *from = NULL;

  if (!draft->has_position && building == NULL)
    return g_strdup (_("Not chosen yet"));

  if (g_strcmp0 (draft->position_from, "fix") == 0)
    from = draft->accuracy > 0 ? g_strdup_printf (_("my position, ±%.0f m"), draft->accuracy)
                               : g_strdup (_("my position"));
  else if (g_strcmp0 (draft->position_from, "photo") == 0)
    from = g_strdup (_("where the photo was taken"));
  else if (g_strcmp0 (draft->position_from, "map") == 0)
    from = g_strdup (_("pressed on the map"));

  if (building != NULL && from != NULL)
    return g_strdup_printf ("%s · %s", building->name, from);
  if (building != NULL)
    return g_strdup (building->name);
  return g_steal_pointer (&from);
}

/* What is still missing, all of it, at the top of the form: calm while
 * the worker fills it in, in the error colour once they tried to send. */
static gboolean
show_missing (GpReportWindow *self,
              gboolean        tried)
{
  g_auto(GStrv) missing = self->draft != NULL ? gp_report_draft_dup_missing (self->draft) : NULL;
  g_autoptr(GString) text = g_string_new (_("Still needed:"));

  if (missing == NULL || missing[0] == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->missing_label), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->missing_label), "error");
      return FALSE;
    }
  for (guint i = 0; missing[i] != NULL; i++)
    g_string_append_printf (text, "\n• %s", missing[i]);
  gtk_label_set_text (self->missing_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_label), TRUE);
  if (tried)
    gtk_widget_add_css_class (GTK_WIDGET (self->missing_label), "error");
  return TRUE;
}

static void
update_form (GpReportWindow *self)
{
  GpReportDraft *draft = self->draft;
  const GpCategory *category;
  g_autofree char *place = NULL;

  if (draft == NULL)
    return;

  category = gp_categories_lookup (self->categories, draft->category);
  if (category != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf ("%s %s · %s", category->code, category->label,
                                                   category->class_label);

      adw_action_row_set_subtitle (self->category_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->category_row, _("Not chosen yet"));

  place = describe_place (self);
  adw_action_row_set_subtitle (self->place_row, place);
  gtk_widget_set_visible (GTK_WIDGET (self->household_row), draft->building != NULL);
  if (draft->household == NULL || self->household_label == NULL)
    adw_action_row_set_subtitle (self->household_row, _("None: it concerns the building or the street"));
  else
    adw_action_row_set_subtitle (self->household_row, self->household_label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->report_button), self->ready && !self->sending);
  show_missing (self, FALSE);
}

/* The level and urgency a category suggests, unless the worker chose. */
static void
apply_defaults (GpReportWindow *self)
{
  g_autofree char *grade = NULL;
  g_autofree char *urgency = NULL;
  g_auto(GStrv) levels = NULL;
  JsonArray *urgencies;

  if (self->policy == NULL || self->draft->grade_chosen)
    return;
  gp_casework_defaults (self->policy, gp_categories_lookup (self->categories, self->draft->category),
                         &grade, &urgency);
  g_free (self->draft->grade);
  self->draft->grade = g_steal_pointer (&grade);
  g_free (self->draft->urgency);
  self->draft->urgency = g_steal_pointer (&urgency);

  levels = gp_policy_dup_level_codes (self->policy);
  for (guint i = 0; levels[i] != NULL; i++)
    if (g_strcmp0 (levels[i], self->draft->grade) == 0)
      adw_combo_row_set_selected (self->level_row, i);
  urgencies = gp_document_get_array_member (GP_DOCUMENT (self->policy), "urgencies");
  for (guint i = 0; urgencies != NULL && i < json_array_get_length (urgencies); i++)
    if (g_strcmp0 (gp_json_get_string (json_array_get_object_element (urgencies, i), "code"),
                   self->draft->urgency) == 0)
      adw_combo_row_set_selected (self->urgency_row, i);
}

/**
 * gp_report_window_set_category:
 *
 * The category of the report: its level and urgency follow, unless the
 * worker chose them.
 */
void
gp_report_window_set_category (GpReportWindow *self,
                               const char     *code)
{
  g_return_if_fail (GP_IS_REPORT_WINDOW (self));
  g_return_if_fail (self->draft != NULL);

  if (gp_categories_lookup (self->categories, code) == NULL)
    return;
  g_free (self->draft->category);
  self->draft->category = g_strdup (code);
  apply_defaults (self);
  draft_changed (self);
  find_duplicates (self);
}

/* A building close to the point (in it, or at its door) is taken as the
 * place; a farther one is only offered first in the list. */
static void
suggest_building (GpReportWindow *self)
{
  GpGeoPoint where = { self->draft->longitude, self->draft->latitude };
  const GpReportPlace *building;
  double distance;

  if (self->draft->building != NULL || !self->draft->has_position)
    return;
  building = nearest_building (self, where, &distance);
  if (building != NULL && distance <= 25.0)
    self->draft->building = g_strdup (building->id);
}

void
gp_report_window_set_position (GpReportWindow *self,
                               double          latitude,
                               double          longitude,
                               const char     *from)
{
  g_return_if_fail (GP_IS_REPORT_WINDOW (self));
  g_return_if_fail (self->draft != NULL);

  self->draft->has_position = TRUE;
  self->draft->latitude = latitude;
  self->draft->longitude = longitude;
  self->draft->accuracy = 0;
  g_free (self->draft->position_from);
  self->draft->position_from = g_strdup (from);
  g_clear_pointer (&self->draft->building, g_free);
  g_clear_pointer (&self->draft->household, g_free);
  suggest_building (self);
  draft_changed (self);
  find_duplicates (self);
}

void
gp_report_window_set_building (GpReportWindow *self,
                               const char     *building_id)
{
  const GpReportPlace *building;

  g_return_if_fail (GP_IS_REPORT_WINDOW (self));
  g_return_if_fail (self->draft != NULL);

  building = find_building (self, building_id);
  if (building == NULL)
    return;
  if (g_strcmp0 (self->draft->building, building->id) != 0)
    g_clear_pointer (&self->draft->household, g_free);
  g_free (self->draft->building);
  self->draft->building = g_strdup (building->id);
  /* Without a point of its own, the building's middle. */
  if (!self->draft->has_position)
    {
      self->draft->has_position = TRUE;
      self->draft->latitude = building->centre.lat;
      self->draft->longitude = building->centre.lon;
      self->draft->accuracy = 0;
      g_free (self->draft->position_from);
      self->draft->position_from = g_strdup ("building");
    }
  draft_changed (self);
  find_duplicates (self);
}

/* The current fix, when the draft has no place yet. */
static void
take_fix (GpReportWindow *self)
{
  GpLocation *location = gp_context_get_location (self->context);
  const GpFix *fix;

  if (self->draft->has_position || self->draft->building != NULL || location == NULL ||
      gp_location_get_state (location) != GP_LOCATION_STATE_FIX ||
      (fix = gp_location_get_fix (location)) == NULL)
    return;
  gp_report_window_set_position (self, fix->latitude, fix->longitude, "fix");
  self->draft->accuracy = fix->accuracy;
  update_form (self);
}

/* A photo's GPS, when there is no other place. */
static void
on_photos_changed (GpReportWindow *self)
{
  GPtrArray *photos = gp_photo_picker_get_photos (self->photo_picker);

  if (self->draft == NULL)
    return;
  /* The picker owns its photos; the draft keeps references to their bytes. */
  g_ptr_array_set_size (self->draft->photos, 0);
  for (guint i = 0; i < photos->len; i++)
    {
      GpPhoto *photo = g_ptr_array_index (photos, i);
      GpPhoto *copy = gp_photo_copy (photo);

      g_ptr_array_add (self->draft->photos, copy);
      if (photo->has_position && !self->draft->has_position && self->draft->building == NULL)
        gp_report_window_set_position (self, photo->latitude, photo->longitude, "photo");
    }
  self->photos_changed = TRUE;
  draft_changed (self);
}

static void
on_text_changed (GpReportWindow *self)
{
  if (self->draft == NULL)
    return;
  g_free (self->draft->text);
  self->draft->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->text_row)));
  draft_changed (self);
}

static void
on_source_selected (GpReportWindow *self)
{
  guint index = adw_combo_row_get_selected (self->source_row);
  const char * const *sources = gp_incident_get_sources ();

  if (self->draft == NULL || index >= g_strv_length ((char **) sources))
    return;
  g_free (self->draft->source);
  self->draft->source = g_strdup (sources[index]);
  draft_changed (self);
}

static void
on_level_selected (GpReportWindow *self)
{
  g_auto(GStrv) levels = NULL;
  guint index = adw_combo_row_get_selected (self->level_row);

  if (self->draft == NULL || self->policy == NULL || !self->ready)
    return;
  levels = gp_policy_dup_level_codes (self->policy);
  if (index >= g_strv_length (levels) || g_strcmp0 (levels[index], self->draft->grade) == 0)
    return;
  g_free (self->draft->grade);
  self->draft->grade = g_strdup (levels[index]);
  self->draft->grade_chosen = TRUE;
  draft_changed (self);
}

static void
on_urgency_selected (GpReportWindow *self)
{
  JsonArray *urgencies;
  guint index = adw_combo_row_get_selected (self->urgency_row);
  const char *code;

  if (self->draft == NULL || self->policy == NULL || !self->ready)
    return;
  urgencies = gp_document_get_array_member (GP_DOCUMENT (self->policy), "urgencies");
  if (urgencies == NULL || index >= json_array_get_length (urgencies))
    return;
  code = gp_json_get_string (json_array_get_object_element (urgencies, index), "code");
  if (g_strcmp0 (code, self->draft->urgency) == 0)
    return;
  g_free (self->draft->urgency);
  self->draft->urgency = g_strdup (code);
  self->draft->grade_chosen = TRUE;
  draft_changed (self);
}

/* Choosing the category. */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* The lists' rows are actions of the window, the choice their target. */
static void
set_category_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);

  gp_report_window_set_category (self, g_variant_get_string (parameter, NULL));
  adw_navigation_view_pop_to_tag (self->navigation, "form");
}

static GtkWidget *
category_row (GpReportWindow   *self,
              const GpCategory *category)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", category->code, category->class_label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), category->label);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "report.set-category");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", category->code);
  return row;
}

static GtkWidget *
heading_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* A long message wraps rather than widen the page past the phone. */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_start (label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_can_focus (row, FALSE);
  return row;
}

static void
fill_categories (GpReportWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->category_search));
  g_autoptr(GPtrArray) found = gp_categories_search (self->categories, text);
  g_auto(GStrv) recent = g_settings_get_strv (gp_context_get_settings (self->context), "recent-categories");
  const char *last_class = NULL;
  guint n_recent = 0;

  clear_list (self->category_list);

  /* Recent ones first, of those the search finds. */
  for (guint i = 0; recent[i] != NULL; i++)
    {
      const GpCategory *category = gp_categories_lookup (self->categories, recent[i]);

      if (category == NULL || !g_ptr_array_find (found, category, NULL))
        continue;
      if (n_recent++ == 0)
        gtk_list_box_append (self->category_list, heading_row (_("Recent")));
      gtk_list_box_append (self->category_list, category_row (self, category));
    }

  for (guint i = 0; i < found->len; i++)
    {
      const GpCategory *category = g_ptr_array_index (found, i);

      /* While searching, a recent one is not listed twice. */
      if (text != NULL && *text != '\0' && g_strv_contains ((const char * const *) recent, category->code))
        continue;
      if (g_strcmp0 (last_class, category->class_code) != 0)
        {
          g_autofree char *heading = g_strdup_printf ("%s %s", category->class_code, category->class_label);

          gtk_list_box_append (self->category_list, heading_row (heading));
          last_class = category->class_code;
        }
      gtk_list_box_append (self->category_list, category_row (self, category));
    }
  if (found->len == 0)
    gtk_list_box_append (self->category_list, heading_row (_("No category has this name or code")));
}

static void
choose_category_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->category_search), "");
  fill_categories (self);
  adw_navigation_view_push_by_tag (self->navigation, "categories");
  gtk_widget_grab_focus (GTK_WIDGET (self->category_search));
}

/* Choosing the household: the residents' names masked (src/model/README.md §7). */

/* The target: the household's id, "" for none. */
static void
set_household_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (*id == '\0')
    id = NULL;
  g_free (self->draft->household);
  self->draft->household = g_strdup (id);
  g_free (self->household_label);
  self->household_label = id && self->household_labels ? g_strdup (g_hash_table_lookup (self->household_labels, id))
                                                       : NULL;
  draft_changed (self);
  adw_navigation_view_pop_to_tag (self->navigation, "form");
}

static int
compare_households (gconstpointer a,
                    gconstpointer b)
{
  GpHousehold *x = *(GpHousehold **) a, *y = *(GpHousehold **) b;

  if (gp_household_get_unit (x) != gp_household_get_unit (y))
    return gp_household_get_unit (x) - gp_household_get_unit (y);
  return g_strcmp0 (gp_household_get_room (x), gp_household_get_room (y));
}

static void on_households (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

static void
choose_household_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  const GpReportPlace *building = find_building (self, self->draft->building);

  if (building == NULL)
    return;
  /* A building's households, read off the main loop. */
  g_cancellable_cancel (self->households_cancellable);
  g_clear_object (&self->households_cancellable);
  self->households_cancellable = g_cancellable_new ();
  gp_documents_load_by_async (self->store, "household", GP_STORE_REF_BUILDING, building->id,
                              self->households_cancellable, on_households, g_object_ref (self));
}

static void
on_households (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = gp_documents_load_by_finish (GP_STORE (source), result, &error);
  const GpReportPlace *building = find_building (self, self->draft->building);
  GtkWidget *none;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || building == NULL)
    return;
  if (households == NULL)
    {
      tell (self, error->message);
      return;
    }
  clear_list (self->household_list);
  g_clear_pointer (&self->household_labels, g_hash_table_unref);
  self->household_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  adw_window_title_set_subtitle (self->households_title, building->name);

  none = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (none), _("No Household"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (none), _("It concerns the building or the street"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (none), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (none), "report.set-household");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (none), "s", "");
  gtk_list_box_append (self->household_list, none);

  g_ptr_array_sort (households, compare_households);
  for (guint i = 0; i < households->len; i++)
    {
      GpHousehold *household = g_ptr_array_index (households, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *text = gp_household_dup_label (household);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "report.set-household");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", gp_document_get_id (GP_DOCUMENT (household)));
      g_hash_table_insert (self->household_labels, g_strdup (gp_document_get_id (GP_DOCUMENT (household))),
                           g_strdup (text));
      gtk_list_box_append (self->household_list, row);
    }
  adw_navigation_view_push_by_tag (self->navigation, "households");
}

/* Choosing the place. */

/* The target: "fix", "photo", "map" (a point chosen on a map), or a
 * building's id. */
static void
set_place_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  const char *what = g_variant_get_string (parameter, NULL);

  if (g_str_equal (what, "fix"))
    {
      g_clear_pointer (&self->draft->building, g_free);
      self->draft->has_position = FALSE;
      take_fix (self);
    }
  else if (g_str_equal (what, "photo"))
    {
      GPtrArray *photos = self->draft->photos;

      for (guint i = 0; i < photos->len; i++)
        {
          GpPhoto *photo = g_ptr_array_index (photos, i);

          if (photo->has_position)
            {
              gp_report_window_set_position (self, photo->latitude, photo->longitude, "photo");
              break;
            }
        }
    }
  else if (g_str_equal (what, "map"))
    {
      show_point_page (self);
      return;
    }
  else
    {
      /* A building chosen from the list is the place: its middle. */
      self->draft->has_position = FALSE;
      gp_report_window_set_building (self, what);
    }
  adw_navigation_view_pop_to_tag (self->navigation, "form");
}

/* A tile layer asks for its tiles as the view changes; one added to a
 * map already laid out may wait for a change that does not come. As the
 * map page does, the view says its zoom changed, a few times, 200 ms
 * apart. */
static gboolean
on_point_refresh (gpointer data)
{
  GpReportWindow *self = data;

  g_object_notify (G_OBJECT (shumate_map_get_viewport (self->point_map)), "zoom-level");
  if (--self->point_refreshes > 0)
    return G_SOURCE_CONTINUE;
  self->point_refresh_id = 0;
  return G_SOURCE_REMOVE;
}

static void
add_point_layer (GpReportWindow   *self,
                 ShumateMapSource *tiles)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->point_map);

  shumate_viewport_set_reference_map_source (viewport, tiles);
  shumate_map_add_layer (self->point_map, SHUMATE_LAYER (shumate_map_layer_new (tiles, viewport)));
  self->point_refreshes = 10;
  if (self->point_refresh_id == 0)
    self->point_refresh_id = g_timeout_add (200, on_point_refresh, self);
}

static void open_point_basemap (GpReportWindow *self);

static gboolean
on_point_retry (gpointer data)
{
  GpReportWindow *self = data;

  self->point_retry_id = 0;
  open_point_basemap (self);
  return G_SOURCE_REMOVE;
}

/* The map to choose a point on: the grid's basemap, drawn by the map page
 * in the data folder, opened off the main loop. */
static void
on_point_basemap (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_open_finish (result, &error);
  g_autoptr(GpTileSource) tiles = NULL;

  if (mbtiles == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The map cannot be shown here: %s. Choose a building instead."), error->message);
      gtk_label_set_text (self->point_label, message);
      return;
    }
  /* The grid's first basemap is drawn in one transaction as the grid
   * opens: until it is in, the file has no tiles; asked again in a
   * second. */
  if (gp_mbtiles_count_tiles (mbtiles) <= 0)
    {
      gtk_label_set_text (self->point_label, _("The map is being drawn…"));
      self->point_retry_id = g_timeout_add_seconds (1, on_point_retry, self);
      return;
    }
  gtk_label_set_text (self->point_label, _("Move the map until the pin is on the place"));
  tiles = gp_tile_source_new (mbtiles, "gridpatrol-basemap");
  add_point_layer (self, SHUMATE_MAP_SOURCE (tiles));
}

static void
open_point_basemap (GpReportWindow *self)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  g_autofree char *path = NULL;

  if (grid == NULL || self->store == NULL)
    return;
  path = gp_basemap_dup_path (gp_store_get_dir (self->store), gp_grid_get_code (grid));
  gp_mbtiles_open_async (path, self->cancellable, on_point_basemap, g_object_ref (self));
}

static void
show_point_page (GpReportWindow *self)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  GpGeoPoint centre = { 0, 0 };

  if (self->point_map == NULL && grid != NULL)
    {
      ShumateViewport *viewport;

      self->point_map = shumate_map_new ();
      viewport = shumate_map_get_viewport (self->point_map);
      shumate_viewport_set_min_zoom_level (viewport, 14);
      shumate_viewport_set_max_zoom_level (viewport, 20);
      gtk_widget_set_vexpand (GTK_WIDGET (self->point_map), TRUE);
      gtk_overlay_set_child (self->point_overlay, GTK_WIDGET (self->point_map));
      /* The map page's basemap, already open; else opened here. */
      if (self->basemap != NULL)
        add_point_layer (self, self->basemap);
      else
        open_point_basemap (self);
    }
  if (self->point_map == NULL)
    return;
  /* From where the report is, or the grid's middle. */
  if (self->draft->has_position)
    {
      centre.lat = self->draft->latitude;
      centre.lon = self->draft->longitude;
    }
  else if (grid != NULL)
    gp_grid_get_center (grid, &centre);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (self->point_map), 18);
  shumate_map_center_on (self->point_map, centre.lat, centre.lon);
  adw_navigation_view_push_by_tag (self->navigation, "point");
}

/* The point under the pin, as the report's place. */
static void
use_point_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  ShumateLocation *location;

  if (self->point_map == NULL || self->draft == NULL)
    return;
  location = SHUMATE_LOCATION (shumate_map_get_viewport (self->point_map));
  gp_report_window_set_position (self, shumate_location_get_latitude (location),
                                 shumate_location_get_longitude (location), "map");
  adw_navigation_view_pop_to_tag (self->navigation, "form");
}

static GtkWidget *
place_row (GpReportWindow *self,
           const char     *title,
           const char     *subtitle,
           const char     *what)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "report.set-place");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", what);
  return row;
}

typedef struct
{
  const GpReportPlace *building;
  double          distance;
} Near;

static int
compare_near (gconstpointer a,
              gconstpointer b)
{
  const Near *x = a, *y = b;

  return x->distance < y->distance ? -1 : x->distance > y->distance;
}

static void
choose_place_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  GpLocation *location = gp_context_get_location (self->context);
  g_autoptr(GArray) near = g_array_new (FALSE, FALSE, sizeof (Near));
  gboolean has_reference = FALSE;
  GpGeoPoint reference = { 0, 0 };

  clear_list (self->place_list);

  if (location != NULL && gp_location_get_state (location) == GP_LOCATION_STATE_FIX)
    {
      const GpFix *fix = gp_location_get_fix (location);
      g_autofree char *accuracy = g_strdup_printf (_("±%.0f m"), fix->accuracy);

      gtk_list_box_append (self->place_list, place_row (self, _("My Position"), accuracy, "fix"));
      reference.lat = fix->latitude;
      reference.lon = fix->longitude;
      has_reference = TRUE;
    }
  else
    gtk_list_box_append (self->place_list,
                         heading_row (location ? gp_location_state_describe (gp_location_get_state (location))
                                               : gp_location_state_describe (GP_LOCATION_STATE_OFF)));
  for (guint i = 0; i < self->draft->photos->len; i++)
    if (((GpPhoto *) g_ptr_array_index (self->draft->photos, i))->has_position)
      {
        gtk_list_box_append (self->place_list, place_row (self, _("Where the Photo Was Taken"), NULL, "photo"));
        break;
      }
  if (self->draft->has_position)
    {
      reference.lat = self->draft->latitude;
      reference.lon = self->draft->longitude;
      has_reference = TRUE;
    }

  gtk_list_box_append (self->place_list, place_row (self, _("A Point on the Map"),
                                                    _("For a place between buildings"), "map"));
  gtk_list_box_append (self->place_list, heading_row (has_reference ? _("Buildings, Nearest First")
                                                                    : _("Buildings")));
  for (guint i = 0; self->buildings != NULL && i < self->buildings->len; i++)
    {
      Near entry = { &g_array_index (self->buildings, GpReportPlace, i), 0 };

      entry.distance = has_reference ? gp_geo_distance (reference, entry.building->centre) : i;
      g_array_append_val (near, entry);
    }
  g_array_sort (near, compare_near);
  for (guint i = 0; i < near->len; i++)
    {
      Near *entry = &g_array_index (near, Near, i);
      g_autofree char *distance = has_reference ? g_strdup_printf (_("%.0f m away"), entry->distance) : NULL;

      gtk_list_box_append (self->place_list, place_row (self, entry->building->name, distance,
                                                        entry->building->id));
    }
  adw_navigation_view_push_by_tag (self->navigation, "place");
}

/* Similar cases nearby, found off the main loop; a newer question
 * cancels the one before. */

static void add_to_case (GpReportWindow *self,
                         const char     *incident_id);

static void
add_to_case_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  add_to_case (GP_REPORT_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_duplicates_found (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GpReportWindow) self = user_data;
  g_autoptr(GPtrArray) near = gp_incident_items_find_duplicates_finish (GP_STORE (source), result, NULL);
  GpGeoPoint where = { .lat = self->draft->latitude, .lon = self->draft->longitude };
  gint64 now = gp_clock_get_now ();

  if (near == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->duplicate_rows); i++)
    if (self->duplicate_rows[i] != NULL)
      {
        adw_preferences_group_remove (self->duplicates_group, self->duplicate_rows[i]);
        self->duplicate_rows[i] = NULL;
      }

  self->n_duplicates = near->len;
  for (guint i = 0; i < near->len && i < G_N_ELEMENTS (self->duplicate_rows); i++)
    {
      GpIncidentItem *item = g_ptr_array_index (near, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("Add to It"));
      GpGeoPoint point;
      g_autofree char *subtitle = NULL;
      g_autofree char *age = gp_clock_format_age (gp_incident_item_get_reported_at (item), now);

      gp_incident_item_get_position (item, &point.lat, &point.lon);

      subtitle = g_strdup_printf (_("%.0f m away · %s · %s"), gp_geo_distance (point, where),
                                  gp_state_label (gp_incident_item_get_state (item)), age);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), gp_incident_item_get_title (item));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "report.add-to-case");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", gp_incident_item_get_id (item));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->duplicates_group, row);
      self->duplicate_rows[i] = row;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->duplicates_group), near->len > 0);
}

static void
find_duplicates (GpReportWindow *self)
{
  g_cancellable_cancel (self->duplicates_cancellable);
  g_clear_object (&self->duplicates_cancellable);
  g_cancellable_cancel (self->households_cancellable);
  if (self->draft->category == NULL || !self->draft->has_position || self->store == NULL)
    return;

  self->duplicates_cancellable = g_cancellable_new ();
  gp_incident_items_find_duplicates_async (self->store, self->draft->grid, self->draft->category,
                                           self->draft->latitude, self->draft->longitude, gp_clock_get_now (),
                                           self->duplicates_cancellable, on_duplicates_found, g_object_ref (self));
}

/* Sending. */

static void
remember_category (GpReportWindow *self,
                   const char     *code)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_auto(GStrv) recent = g_settings_get_strv (settings, "recent-categories");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_strv_builder_add (builder, code);
  for (guint i = 0; recent[i] != NULL && n < RECENT_CATEGORIES; i++)
    if (g_strcmp0 (recent[i], code) != 0)
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-categories", (const char * const *) updated);
}

static void
finish (GpReportWindow *self,
        const char     *incident_id)
{
  /* The draft is done with: an empty one removes the files. */
  gp_report_draft_free (self->draft);
  self->draft = gp_report_draft_new ();
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  gp_report_draft_keep_async (self->draft, self->draft_dir, FALSE, NULL, on_saved, weak_ref_to (self));

  self->ready = FALSE;   /* nothing more to keep */
  g_signal_emit (self, signals[REPORTED], 0, incident_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_incident_saved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpIncident) incident = g_steal_pointer (&self->sending_incident);
  g_autofree char *id = g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));

  self->sending = FALSE;
  if (!gp_documents_save_all_finish (GP_STORE (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report cannot be saved: %s"), error->message);

      tell (self, message);
      update_form (self);
      return;
    }
  remember_category (self, self->draft->category);
  finish (self, id);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autofree char *reporter = gp_context_dup_user_name (self->context);
  g_autoptr(GError) error = NULL;

  if (!self->ready || self->sending)
    return;
  if (gp_photo_picker_get_busy (self->photo_picker))
    {
      tell (self, _("Wait until the photos are ready"));
      return;
    }
  if (show_missing (self, TRUE))
    return;
  incident = gp_report_draft_to_incident (self->draft, reporter, now, &error);
  if (incident == NULL)
    {
      tell (self, error->message);
      return;
    }

  self->sending = TRUE;
  update_form (self);
  g_ptr_array_add (documents, g_object_ref (incident));
  g_set_object (&self->sending_incident, incident);
  /* The store writes in its own thread. */
  gp_documents_save_all_async (self->store, documents, GP_STORE_PUT_NONE, NULL,
                           on_incident_saved, g_object_ref (self));
}

static void
on_comment_saved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *incident_id = g_steal_pointer (&self->commenting);

  self->sending = FALSE;
  if (!gp_casework_act_finish (GP_STORE (source), result, NULL, &error))
    {
      tell (self, error->message);
      update_form (self);
      return;
    }
  finish (self, incident_id);
}

/* Adds what the worker has (text, photos) to an open case, as a comment. */
static void
add_to_case (GpReportWindow *self,
             const char     *incident_id)
{
  g_autoptr(GpEvent) event = gp_event_new (incident_id);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autofree char *actor = gp_context_dup_user_name (self->context);
  g_autofree char *role = gp_context_dup_role (self->context);
  const char *text = self->draft->text;

  if (self->sending)
    return;
  g_object_set (event, "grid", self->draft->grid, "action", GP_ACTION_COMMENT, "actor", actor, "role", role,
                "at", now, "note", text && *text ? text : _("Seen again on patrol"), NULL);
  if (self->draft->has_position)
    {
      GpGeoPoint where = { self->draft->longitude, self->draft->latitude };
      g_autoptr(JsonObject) point = gp_geo_point_new (where);

      gp_document_set_geometry (GP_DOCUMENT (event), point);
    }
  for (guint i = 0; i < self->draft->photos->len; i++)
    gp_casework_add_photo (GP_DOCUMENT (event), g_ptr_array_index (self->draft->photos, i));

  self->sending = TRUE;
  update_form (self);
  g_free (self->commenting);
  self->commenting = g_strdup (incident_id);
  gp_casework_act_async (self->store, event, NULL, on_comment_saved, g_object_ref (self));
}

/* The window goes after the question's click has been handled, not from
 * inside its response: freeing it there would free the question's parent
 * under it. */
static gboolean
discard_later (gpointer data)
{
  GpReportWindow *self = data;

  finish (self, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_discard_response (AdwAlertDialog   *dialog,
                     const char       *response,
                     GpReportWindow   *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    g_idle_add_full (G_PRIORITY_LOW, discard_later, g_object_ref (self), g_object_unref);
}

static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GpReportWindow *self = GP_REPORT_WINDOW (widget);
  AdwDialog *dialog;

  if (gp_report_draft_is_empty (self->draft))
    {
      finish (self, NULL);
      return;
    }
  dialog = adw_alert_dialog_new (_("Discard This Report?"),
                                 _("The photos and what was entered will be gone."));
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "cancel", _("_Keep"),
                                  "discard", _("_Discard"), NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "discard",
                                            ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

/* The grid's levels and urgencies to choose from; none without a scheme. */
static void
show_policy (GpReportWindow *self)
{
  g_autoptr(GtkStringList) levels = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) urgencies = gtk_string_list_new (NULL);
  JsonArray *array = NULL;

  if (self->policy != NULL)
    {
      array = gp_document_get_array_member (GP_DOCUMENT (self->policy), "levels");
      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        gtk_string_list_append (levels, gp_json_get_string (json_array_get_object_element (array, i), "label"));
      array = gp_document_get_array_member (GP_DOCUMENT (self->policy), "urgencies");
      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        gtk_string_list_append (urgencies, gp_json_get_string (json_array_get_object_element (array, i), "label"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->urgency_row), array != NULL && json_array_get_length (array) > 0);
  adw_combo_row_set_model (self->level_row, G_LIST_MODEL (levels));
  adw_combo_row_set_model (self->urgency_row, G_LIST_MODEL (urgencies));
}

/* Loading: the categories, the grading scheme, the draft kept and the
 * grid's buildings, off the main loop. */

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GpReportWindow) self = user_data;
  g_autoptr(GpReportForm) loaded = gp_report_form_load_finish (GP_STORE (source), result, NULL);
  GpReportDraft *restored;
  const char * const *sources = gp_incident_get_sources ();
  gboolean was_saved;

  if (loaded == NULL)
    return;
  g_set_object (&self->categories, loaded->categories);
  g_set_object (&self->policy, loaded->policy);
  show_policy (self);
  fill_categories (self);
  self->buildings = g_steal_pointer (&loaded->places);
  self->household_label = g_steal_pointer (&loaded->household_label);
  restored = g_steal_pointer (&loaded->draft);
  was_saved = restored != NULL;
  if (restored == NULL)
    {
      GpGrid *grid = gp_context_get_grid (self->context);

      restored = gp_report_draft_new ();
      restored->grid = g_strdup (grid ? gp_grid_get_code (grid) : NULL);
      restored->started_at = gp_clock_get_now ();
    }

  /* The form shows the draft: photos, text, source, level. */
  self->draft = restored;
  gtk_editable_set_text (GTK_EDITABLE (self->text_row), self->draft->text ? self->draft->text : "");
  for (guint i = 0; sources[i] != NULL; i++)
    if (g_strcmp0 (sources[i], self->draft->source) == 0)
      adw_combo_row_set_selected (self->source_row, i);
  if (self->draft->grade != NULL)
    {
      g_auto(GStrv) levels = self->policy ? gp_policy_dup_level_codes (self->policy) : NULL;

      for (guint i = 0; levels != NULL && levels[i] != NULL; i++)
        if (g_strcmp0 (levels[i], self->draft->grade) == 0)
          adw_combo_row_set_selected (self->level_row, i);
    }
  else
    apply_defaults (self);
  for (guint i = 0; i < self->draft->photos->len; i++)
    {
      GpPhoto *photo = g_ptr_array_index (self->draft->photos, i);
      GpPhoto *copy = gp_photo_copy (photo);

      gp_photo_picker_add_photo (self->photo_picker, copy);
    }

  self->ready = TRUE;
  self->photos_changed = FALSE;
  if (self->has_pending)
    gp_report_window_set_position (self, self->pending_latitude, self->pending_longitude, "map");
  take_fix (self);
  update_form (self);
  find_duplicates (self);
  if (was_saved)
    tell (self, _("The report you started earlier is back"));
}

/* Construction. */

static GListModel *
sources_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  const char * const *sources = gp_incident_get_sources ();

  for (guint i = 0; sources[i] != NULL; i++)
    gtk_string_list_append (list, gp_incident_source_label (sources[i]));
  return G_LIST_MODEL (list);
}

static void
gp_report_window_constructed (GObject *object)
{
  GpReportWindow *self = (GpReportWindow *) object;
  GpGrid *grid = gp_context_get_grid (self->context);
  g_autoptr(GListModel) sources = sources_model ();

  G_OBJECT_CLASS (gp_report_window_parent_class)->constructed (object);

  self->store = g_object_ref (gp_context_get_store (self->context));
  self->draft_dir = gp_report_draft_dup_dir (gp_store_get_dir (self->store));
  /* The shipped categories, and no grading scheme, until the grid's are read. */
  self->categories = gp_categories_new_default ();

  adw_combo_row_set_model (self->source_row, sources);
  show_policy (self);

  g_signal_connect_object (self->photo_picker, "changed", G_CALLBACK (on_photos_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->text_row, "changed", G_CALLBACK (on_text_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->source_row, "notify::selected", G_CALLBACK (on_source_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->level_row, "notify::selected", G_CALLBACK (on_level_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->urgency_row, "notify::selected", G_CALLBACK (on_urgency_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->category_search, "search-changed", G_CALLBACK (fill_categories), self,
                           G_CONNECT_SWAPPED);

  update_form (self);
  gp_report_form_load_async (self->store, self->draft_dir, grid ? gp_grid_get_code (grid) : NULL, self->cancellable,
                             on_loaded, g_object_ref (self));
}

static gboolean
gp_report_window_close_request (GtkWindow *window)
{
  GpReportWindow *self = GP_REPORT_WINDOW (window);

  /* Closing keeps the report for later. */
  if (self->ready)
    {
      self->photos_changed = TRUE;
      save_draft_now (self);
    }
  return GTK_WINDOW_CLASS (gp_report_window_parent_class)->close_request (window);
}

static void
gp_report_window_dispose (GObject *object)
{
  GpReportWindow *self = (GpReportWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->duplicates_cancellable);
  g_clear_object (&self->duplicates_cancellable);
  g_cancellable_cancel (self->households_cancellable);
  g_clear_handle_id (&self->point_retry_id, g_source_remove);
  g_clear_handle_id (&self->point_refresh_id, g_source_remove);
  g_clear_object (&self->basemap);
  if (self->save_timeout_id != 0)
    save_draft_now (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_REPORT_WINDOW);

  G_OBJECT_CLASS (gp_report_window_parent_class)->dispose (object);
}

static void
gp_report_window_finalize (GObject *object)
{
  GpReportWindow *self = (GpReportWindow *) object;

  g_clear_object (&self->context);
  g_clear_object (&self->store);
  g_clear_object (&self->policy);
  g_clear_object (&self->categories);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->buildings, g_array_unref);
  g_clear_pointer (&self->draft, gp_report_draft_free);
  g_free (self->draft_dir);
  g_free (self->household_label);
  g_free (self->message);
  g_free (self->commenting);
  g_clear_object (&self->sending_incident);
  g_clear_object (&self->households_cancellable);
  g_clear_pointer (&self->household_labels, g_hash_table_unref);

  G_OBJECT_CLASS (gp_report_window_parent_class)->finalize (object);
}

static void
gp_report_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  GpReportWindow *self = GP_REPORT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      gp_photo_picker_set_context (self->photo_picker, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_report_window_class_init (GpReportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = gp_report_window_constructed;
  object_class->dispose = gp_report_window_dispose;
  object_class->finalize = gp_report_window_finalize;
  object_class->set_property = gp_report_window_set_property;
  window_class->close_request = gp_report_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, GP_TYPE_CONTEXT,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GpReportWindow::reported:
   * @incident_id: (nullable): the incident reported or added to; %NULL when
   *   the report was discarded
   */
  signals[REPORTED] = g_signal_new ("reported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                    NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (GP_TYPE_PHOTO_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-report-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, navigation);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, report_button);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, point_overlay);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, point_label);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, missing_label);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, photo_picker);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, category_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, place_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, household_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, households_title);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, household_list);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, text_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, duplicates_group);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, source_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, level_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, urgency_row);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, category_search);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, category_list);
  gtk_widget_class_bind_template_child (widget_class, GpReportWindow, place_list);

  gtk_widget_class_install_action (widget_class, "report.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "report.discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "report.choose-category", NULL, choose_category_action);
  gtk_widget_class_install_action (widget_class, "report.choose-place", NULL, choose_place_action);
  gtk_widget_class_install_action (widget_class, "report.choose-household", NULL, choose_household_action);
  gtk_widget_class_install_action (widget_class, "report.add-to-case", "s", add_to_case_action);
  gtk_widget_class_install_action (widget_class, "report.set-category", "s", set_category_action);
  gtk_widget_class_install_action (widget_class, "report.set-household", "s", set_household_action);
  gtk_widget_class_install_action (widget_class, "report.set-place", "s", set_place_action);
  gtk_widget_class_install_action (widget_class, "report.use-point", NULL, use_point_action);
}

static void
gp_report_window_init (GpReportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GpReportWindow *
gp_report_window_new (GtkWindow *parent,
                      GpContext *context)
{
  g_return_val_if_fail (GP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (gp_context_get_store (context) != NULL, NULL);

  return g_object_new (GP_TYPE_REPORT_WINDOW, "transient-for", parent, "context", context, NULL);
}

/**
 * gp_report_window_place_at:
 *
 * The place is a point pressed on the map, as soon as the form is ready.
 */
void
gp_report_window_place_at (GpReportWindow *self,
                           double          latitude,
                           double          longitude)
{
  g_return_if_fail (GP_IS_REPORT_WINDOW (self));

  if (self->ready)
    {
      gp_report_window_set_position (self, latitude, longitude, "map");
      return;
    }
  self->has_pending = TRUE;
  self->pending_latitude = latitude;
  self->pending_longitude = longitude;
}

const GpReportDraft *
gp_report_window_get_draft (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), NULL);

  return self->draft;
}

GpPhotoPicker *
gp_report_window_get_photo_picker (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), NULL);

  return self->photo_picker;
}

/* The draft is loaded and the form can be used. */
gboolean
gp_report_window_get_ready (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), FALSE);

  return self->ready;
}

gboolean
gp_report_window_get_busy (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), FALSE);

  return self->sending || gp_photo_picker_get_busy (self->photo_picker);
}

guint
gp_report_window_get_n_duplicates (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), 0);

  return gtk_widget_get_visible (GTK_WIDGET (self->duplicates_group)) ? self->n_duplicates : 0;
}

/* What the window last told the user, for tests. */
/* The grid's basemap as the map page has it open, for choosing a point
 * without opening it again. */
void
gp_report_window_set_basemap (GpReportWindow   *self,
                              ShumateMapSource *basemap)
{
  g_return_if_fail (GP_IS_REPORT_WINDOW (self));

  g_set_object (&self->basemap, basemap);
}

/* What the form says is still missing, or NULL when nothing is. */
const char *
gp_report_window_get_missing (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->missing_label)))
    return NULL;
  return gtk_label_get_text (self->missing_label);
}

const char *
gp_report_window_get_message (GpReportWindow *self)
{
  g_return_val_if_fail (GP_IS_REPORT_WINDOW (self), NULL);

  return self->message;
}
