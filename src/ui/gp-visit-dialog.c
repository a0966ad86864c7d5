/* gp-visit-dialog.c
 *
 * A visit: which household (a building, then its households, residents'
 * names masked), a note of what was found and needed, tags for what was
 * seen (all well, needs help, a hazard…), and photos where something at
 * the door must be shown (the camera's stamped, as a report's).
 * Saved in the store's thread; the patrol walked, if any, is noted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-visit-dialog"

#include "config.h"

#include "gp-visit-dialog.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-photo-picker.h"
#include "gp-documents.h"
#include "gp-store.h"
#include "gp-window.h"

#include <glib/gi18n.h>

struct _GpVisitDialog
{
  AdwDialog      parent_instance;

  GpContext     *context;
  char          *patrol_id;
  GPtrArray     *buildings;    /* GpBuilding */
  GPtrArray     *all_households; /* GpHousehold, of the grid */
  GPtrArray     *households;   /* GpHousehold, of the chosen building */
  char          *message;
  char          *saved_message; /* the confirmation, once saved */
  char          *building_id;  /* to start from */
  char          *household_id; /* to choose once the households are read */
  gboolean       busy;
  gboolean       ready;        /* the grid's buildings and households are read */
  GCancellable  *cancellable;

  AdwComboRow   *building_row;
  AdwComboRow   *household_row;
  AdwEntryRow   *note_row;
  GtkFlowBox    *tags_box;
  GPtrArray     *tag_buttons;  /* GtkToggleButton, in gp_visit_list_tags() order */
  GpPhotoPicker *photo_picker;
  GtkLabel      *message_label;
  GtkButton     *save_button;
};

G_DEFINE_FINAL_TYPE (GpVisitDialog, gp_visit_dialog, ADW_TYPE_DIALOG)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_message (GpVisitDialog *self,
             const char    *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
on_building_selected (GpVisitDialog *self)
{
  guint index = adw_combo_row_get_selected (self->building_row);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const char *building_id;

  g_clear_pointer (&self->households, g_ptr_array_unref);
  if (self->buildings == NULL || index >= self->buildings->len)
    return;
  building_id = gp_document_get_id (g_ptr_array_index (self->buildings, index));
  /* The building's households, from those read with the dialog. */
  self->households = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; self->all_households != NULL && i < self->all_households->len; i++)
    if (g_strcmp0 (gp_household_get_building (g_ptr_array_index (self->all_households, i)), building_id) == 0)
      g_ptr_array_add (self->households, g_object_ref (g_ptr_array_index (self->all_households, i)));
  g_ptr_array_sort (self->households, gp_household_compare_doors);
  for (guint i = 0; i < self->households->len; i++)
    {
      GpHousehold *household = g_ptr_array_index (self->households, i);
      g_autofree char *label = gp_household_dup_label (household);

      gtk_string_list_append (labels, label);
    }
  adw_combo_row_set_model (self->household_row, G_LIST_MODEL (labels));
}

/* Chooses a household by id; FALSE if it is not one of the grid's. */
gboolean
gp_visit_dialog_choose (GpVisitDialog *self,
                        const char    *household_id)
{
  GpHousehold *household = NULL;

  g_return_val_if_fail (GP_IS_VISIT_DIALOG (self), FALSE);

  for (guint i = 0; self->all_households != NULL && i < self->all_households->len; i++)
    if (g_strcmp0 (gp_document_get_id (g_ptr_array_index (self->all_households, i)), household_id) == 0)
      household = g_ptr_array_index (self->all_households, i);
  if (household == NULL)
    return FALSE;
  for (guint i = 0; i < self->buildings->len; i++)
    if (g_strcmp0 (gp_document_get_id (g_ptr_array_index (self->buildings, i)),
                                gp_household_get_building (household)) == 0)
      adw_combo_row_set_selected (self->building_row, i);
  for (guint i = 0; self->households != NULL && i < self->households->len; i++)
    if (g_strcmp0 (gp_document_get_id (g_ptr_array_index (self->households, i)), household_id) == 0)
      {
        adw_combo_row_set_selected (self->household_row, i);
        return TRUE;
      }
  return FALSE;
}

void
gp_visit_dialog_set_note (GpVisitDialog *self,
                          const char    *note)
{
  g_return_if_fail (GP_IS_VISIT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->note_row), note ? note : "");
}

/* Ticks the given tags and unticks the rest. */
void
gp_visit_dialog_set_tags (GpVisitDialog      *self,
                          const char * const *tags)
{
  const char * const *ids = gp_visit_list_tags ();

  g_return_if_fail (GP_IS_VISIT_DIALOG (self));

  for (guint i = 0; ids[i] != NULL; i++)
    gtk_toggle_button_set_active (g_ptr_array_index (self->tag_buttons, i),
                                  tags != NULL && g_strv_contains (tags, ids[i]));
}

static GStrv
dup_chosen_tags (GpVisitDialog *self)
{
  const char * const *ids = gp_visit_list_tags ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; ids[i] != NULL; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->tag_buttons, i)))
      g_strv_builder_add (builder, ids[i]);
  return g_strv_builder_end (builder);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GpVisitDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!gp_documents_save_all_finish (GP_STORE (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The visit cannot be saved: %s"), error->message);

      set_message (self, message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0);
  /* Said where the worker looks next, as the dialog closes. */
  if (GP_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
    gp_window_show_message (GP_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->saved_message);
  adw_dialog_close (ADW_DIALOG (self));
}

void
gp_visit_dialog_save (GpVisitDialog *self)
{
  g_autoptr(GpVisit) visit = NULL;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autofree char *worker = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tags = NULL;
  guint index;
  GpHousehold *household;
  const char *note;

  g_return_if_fail (GP_IS_VISIT_DIALOG (self));

  if (self->busy)
    return;
  if (gp_photo_picker_get_busy (self->photo_picker))
    {
      set_message (self, _("Wait until the photos are ready"));
      return;
    }
  index = adw_combo_row_get_selected (self->household_row);
  if (self->households == NULL || index >= self->households->len)
    {
      set_message (self, _("Choose the household first"));
      return;
    }
  household = g_ptr_array_index (self->households, index);
  {
    g_autofree char *label = gp_household_dup_label (household);

    g_free (self->saved_message);
    self->saved_message = g_strdup_printf (_("Visit saved: %s"), label);
  }
  worker = gp_context_dup_user_name (self->context);
  note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  tags = dup_chosen_tags (self);
  visit = gp_visit_new ();
  g_object_set (visit, "grid", gp_household_get_grid (household),
                "household", gp_document_get_id (GP_DOCUMENT (household)), "worker", worker, "at", now,
                "note", note && *note ? note : NULL, "patrol", self->patrol_id,
                "tags", tags[0] != NULL ? tags : NULL, NULL);
  /* The building too, so that a building's sheet finds its last visit. */
  gp_document_set_member (GP_DOCUMENT (visit), "building",
                          json_node_init_string (json_node_alloc (), gp_household_get_building (household)));
  {
    GPtrArray *photos = gp_photo_picker_get_photos (self->photo_picker);

    for (guint i = 0; i < photos->len; i++)
      gp_casework_add_photo (GP_DOCUMENT (visit), g_ptr_array_index (photos, i));
  }
  if (!gp_document_validate (GP_DOCUMENT (visit), &error))
    {
      set_message (self, error->message);
      return;
    }
  self->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  g_ptr_array_add (documents, g_object_ref (visit));
  gp_documents_save_all_async (gp_context_get_store (self->context), documents, GP_STORE_PUT_NONE, NULL, on_saved,
                           g_object_ref (self));
}

/* Starts at @household_id: its building, then it. */
void
gp_visit_dialog_set_household (GpVisitDialog *self,
                               const char    *household_id)
{
  g_return_if_fail (GP_IS_VISIT_DIALOG (self));

  g_free (self->household_id);
  self->household_id = g_strdup (household_id);
  if (self->ready && household_id != NULL)
    gp_visit_dialog_choose (self, household_id);
}

/* The household chosen, or NULL. */
const char *
gp_visit_dialog_get_household (GpVisitDialog *self)
{
  guint index;

  g_return_val_if_fail (GP_IS_VISIT_DIALOG (self), NULL);

  index = adw_combo_row_get_selected (self->household_row);
  if (self->households == NULL || index >= self->households->len)
    return NULL;
  return gp_document_get_id (g_ptr_array_index (self->households, index));
}

const char *
gp_visit_dialog_get_message (GpVisitDialog *self)
{
  g_return_val_if_fail (GP_IS_VISIT_DIALOG (self), NULL);

  return self->message;
}

static void
gp_visit_dialog_dispose (GObject *object)
{
  GpVisitDialog *self = (GpVisitDialog *) object;

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (gp_visit_dialog_parent_class)->dispose (object);
}

static void
gp_visit_dialog_finalize (GObject *object)
{
  GpVisitDialog *self = (GpVisitDialog *) object;

  g_clear_object (&self->context);
  g_clear_pointer (&self->buildings, g_ptr_array_unref);
  g_clear_pointer (&self->households, g_ptr_array_unref);
  g_clear_pointer (&self->all_households, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->building_id);
  g_free (self->household_id);
  g_free (self->saved_message);
  g_clear_pointer (&self->tag_buttons, g_ptr_array_unref);
  g_free (self->patrol_id);
  g_free (self->message);

  G_OBJECT_CLASS (gp_visit_dialog_parent_class)->finalize (object);
}

static void
gp_visit_dialog_class_init (GpVisitDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gp_visit_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = gp_visit_dialog_finalize;

  /**
   * GpVisitDialog::saved:
   *
   * The visit was saved.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);
}

static void
gp_visit_dialog_init (GpVisitDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->cancellable = g_cancellable_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *tags_group = adw_preferences_group_new ();
  GtkWidget *photo_group = adw_preferences_group_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  const char * const *tag_ids = gp_visit_list_tags ();

  adw_dialog_set_title (ADW_DIALOG (self), _("Household Visit"));
  adw_dialog_set_content_width (ADW_DIALOG (self), 420);
  adw_dialog_set_content_height (ADW_DIALOG (self), 560);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (adw_dialog_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->save_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Save")));
  gtk_widget_add_css_class (GTK_WIDGET (self->save_button), "suggested-action");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (gp_visit_dialog_save), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->save_button));
  gtk_box_append (GTK_BOX (box), header);

  self->building_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->building_row), _("Building"));
  self->household_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->household_row), _("Household"));
  self->note_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->note_row), _("What Was Found, What They Need"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->building_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->household_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->note_row));
  /* Tags: what was seen at the door, a tap each. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (tags_group), _("What You Saw"));
  self->tags_box = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->tags_box, GTK_SELECTION_NONE);
  /* Two a line at least: the Chinese labels are four characters and fit
   * three; longer ones wrap inside their button. */
  gtk_flow_box_set_min_children_per_line (self->tags_box, 2);
  gtk_flow_box_set_max_children_per_line (self->tags_box, 4);
  gtk_flow_box_set_homogeneous (self->tags_box, TRUE);
  gtk_flow_box_set_column_spacing (self->tags_box, 6);
  gtk_flow_box_set_row_spacing (self->tags_box, 6);
  self->tag_buttons = g_ptr_array_new ();
  for (guint i = 0; tag_ids[i] != NULL; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *label = gtk_label_new (gp_visit_tag_label (tag_ids[i]));

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_button_set_child (GTK_BUTTON (button), label);

      gtk_widget_add_css_class (button, "gp-tag-toggle");
      gtk_flow_box_append (self->tags_box, button);
      g_ptr_array_add (self->tag_buttons, button);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (tags_group), GTK_WIDGET (self->tags_box));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (photo_group), _("Photos"));
  self->photo_picker = GP_PHOTO_PICKER (gp_photo_picker_new ());
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (photo_group), GTK_WIDGET (self->photo_picker));
  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_label_set_xalign (self->message_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);

  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);
  gtk_box_append (GTK_BOX (content), group);
  gtk_box_append (GTK_BOX (content), tags_group);
  gtk_box_append (GTK_BOX (content), photo_group);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->message_label));
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_dialog_set_child (ADW_DIALOG (self), box);
}

/**
 * gp_visit_dialog_new:
 * @building_id: (nullable): the building to start from
 * @patrol_id: (nullable): the patrol being walked
 */
static void
on_households (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpVisitDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *households = gp_documents_load_all_finish (GP_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->all_households = households ? households : g_ptr_array_new_with_free_func (g_object_unref);
  if (error != NULL)
    set_message (self, error->message);
  self->ready = TRUE;
  on_building_selected (self);
  if (self->household_id != NULL)
    gp_visit_dialog_choose (self, self->household_id);
}

static void
on_buildings (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GpVisitDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *buildings = gp_documents_load_all_finish (GP_STORE (source), result, &error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GpGrid *grid = gp_context_get_grid (self->context);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->buildings = buildings ? buildings : g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->buildings->len; i++)
    gtk_string_list_append (names, gp_building_get_name (g_ptr_array_index (self->buildings, i)));
  adw_combo_row_set_model (self->building_row, G_LIST_MODEL (names));
  for (guint i = 0; self->building_id != NULL && i < self->buildings->len; i++)
    if (g_strcmp0 (gp_document_get_id (g_ptr_array_index (self->buildings, i)), self->building_id) == 0)
      adw_combo_row_set_selected (self->building_row, i);
  /* With no building to start from, the one the worker stands nearest. */
  if (self->building_id == NULL)
    {
      GpLocation *location = gp_context_get_location (self->context);

      if (location != NULL && gp_location_get_state (location) == GP_LOCATION_STATE_FIX)
        {
          const GpFix *fix = gp_location_get_fix (location);
          GpGeoPoint here = { fix->longitude, fix->latitude };
          double best = G_MAXDOUBLE;

          for (guint i = 0; i < self->buildings->len; i++)
            {
              GpGeoPoint centre;
              double distance;

              if (!gp_geo_geometry_get_center (gp_document_get_geometry (g_ptr_array_index (self->buildings, i)),
                                               &centre))
                continue;
              distance = gp_geo_distance (here, centre);
              if (distance < best)
                {
                  best = distance;
                  adw_combo_row_set_selected (self->building_row, i);
                }
            }
        }
    }
  g_signal_connect_object (self->building_row, "notify::selected", G_CALLBACK (on_building_selected), self,
                           G_CONNECT_SWAPPED);
  gp_documents_load_all_async (GP_STORE (source), "household", grid ? gp_grid_get_code (grid) : NULL,
                               self->cancellable, on_households, g_object_ref (self));
}

/**
 * gp_visit_dialog_new:
 * @building_id: (nullable): the building to start from
 * @patrol_id: (nullable): the patrol being walked
 *
 * The grid's buildings and households are read off the main loop; the
 * dialog is ready to choose from when gp_visit_dialog_get_ready() says so.
 */
GpVisitDialog *
gp_visit_dialog_new (GpContext  *context,
                     const char *building_id,
                     const char *patrol_id)
{
  GpVisitDialog *self = g_object_new (GP_TYPE_VISIT_DIALOG, NULL);
  GpGrid *grid = gp_context_get_grid (context);

  self->context = g_object_ref (context);
  gp_photo_picker_set_context (self->photo_picker, context);
  self->patrol_id = g_strdup (patrol_id);
  self->building_id = g_strdup (building_id);
  gp_documents_load_all_async (gp_context_get_store (context), "building", grid ? gp_grid_get_code (grid) : NULL,
                               self->cancellable, on_buildings, g_object_ref (self));
  return self;
}

GpPhotoPicker *
gp_visit_dialog_get_photo_picker (GpVisitDialog *self)
{
  g_return_val_if_fail (GP_IS_VISIT_DIALOG (self), NULL);

  return self->photo_picker;
}

/* The building chosen, or NULL before the buildings are read. */
const char *
gp_visit_dialog_get_building (GpVisitDialog *self)
{
  guint index;

  g_return_val_if_fail (GP_IS_VISIT_DIALOG (self), NULL);

  index = adw_combo_row_get_selected (self->building_row);
  if (self->buildings == NULL || index >= self->buildings->len)
    return NULL;
  return gp_document_get_id (g_ptr_array_index (self->buildings, index));
}

gboolean
gp_visit_dialog_get_ready (GpVisitDialog *self)
{
  g_return_val_if_fail (GP_IS_VISIT_DIALOG (self), FALSE);

  return self->ready;
}
