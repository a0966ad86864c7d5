/* gp-step-dialog.c
 *
 * One step of the workflow, with what it needs: a reason to void or
 * suspend, whom to dispatch to, the level to escalate to, the result of a
 * verification, what the resident said at the callback, photos of the
 * result. The step is checked against the case as it is now and saved off
 * the main loop; a refusal is shown in words and nothing is saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-step-dialog"

#include "config.h"

#include "gp-step-dialog.h"
#include "gp-clock.h"
#include "gp-geo.h"
#include "gp-casework.h"
#include "gp-json.h"

#include <glib/gi18n.h>

struct _GpStepDialog
{
  AdwDialog      parent_instance;

  GpContext     *context;
  char          *incident_id;
  char          *grid;
  char          *action;
  GpPolicy      *policy;
  char          *level;          /* the case's, for escalation */
  GStrv          level_choices;  /* codes offered in level_row */
  gboolean       busy;
  gboolean       loaded;         /* the case is read */
  gboolean       done_pending;   /* confirmed before it was */
  char          *message;
  GCancellable  *cancellable;
  GpDirectory   *directory;
  GArray        *entries;        /* GpDirectoryEntry, of directory */

  AdwWindowTitle *window_title;
  GtkButton      *done_button;
  AdwPreferencesGroup *choice_group;
  AdwComboRow    *level_row;
  AdwComboRow    *urgency_row;
  AdwComboRow    *result_row;
  AdwComboRow    *satisfaction_row;
  AdwActionRow   *resolved_row;
  GtkSwitch      *resolved_switch;
  AdwComboRow    *to_row;         /* the directory's entries, between "Choose…" and "Someone else…" */
  AdwEntryRow    *target_row;     /* whom, in words, when not in the directory */
  AdwPreferencesGroup *note_group;
  AdwEntryRow    *note_row;
  AdwPreferencesGroup *photo_group;
  GpPhotoPicker  *photo_picker;
  GtkLabel       *message_label;
};

G_DEFINE_FINAL_TYPE (GpStepDialog, gp_step_dialog, ADW_TYPE_DIALOG)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const results[] = { GP_VERIFY_PASS, GP_VERIFY_FAIL, NULL };
static const char * const satisfactions[] = { GP_SATISFIED, GP_BASICALLY_SATISFIED, GP_UNSATISFIED, NULL };

static gboolean
is (GpStepDialog *self,
    const char   *action)
{
  return g_str_equal (self->action, action);
}

static void
set_message (GpStepDialog *self,
             const char   *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static gboolean
targeted (GpStepDialog *self)
{
  return is (self, GP_ACTION_DISPATCH) || is (self, GP_ACTION_TRANSFER);
}

/* Whom the step names: a directory entry, or the name written in. */
static const char *
chosen_target (GpStepDialog *self)
{
  guint n = self->entries != NULL ? self->entries->len : 0;
  guint chosen = adw_combo_row_get_selected (self->to_row);

  if (n > 0 && chosen >= 1 && chosen <= n)
    return g_array_index (self->entries, GpDirectoryEntry, chosen - 1).target;
  if (n > 0 && chosen != n + 1)
    return "";
  return gtk_editable_get_text (GTK_EDITABLE (self->target_row));
}

static GpEvent *
build_event (GpStepDialog *self)
{
  GpEvent *event = gp_event_new (self->incident_id);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autofree char *actor = gp_context_dup_user_name (self->context);
  g_autofree char *role = gp_context_dup_role (self->context);
  const char *note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  g_autofree char *target = g_strstrip (g_strdup (chosen_target (self)));
  GpLocation *location = gp_context_get_location (self->context);
  GPtrArray *photos = gp_photo_picker_get_photos (self->photo_picker);
  gboolean reason = is (self, GP_ACTION_VOID) || is (self, GP_ACTION_SUSPEND);

  g_object_set (event, "grid", self->grid, "action", self->action, "actor", actor, "role", role, "at", now, NULL);
  if (note != NULL && *note != '\0')
    g_object_set (event, reason ? "reason" : "note", note, NULL);
  if (targeted (self) && *target != '\0')
    g_object_set (event, "target", target, NULL);
  if (is (self, GP_ACTION_ESCALATE) && self->level_choices != NULL &&
      adw_combo_row_get_selected (self->level_row) < g_strv_length (self->level_choices))
    g_object_set (event, "level", self->level_choices[adw_combo_row_get_selected (self->level_row)], NULL);
  if (is (self, GP_ACTION_REGISTER) && self->level_choices != NULL &&
      adw_combo_row_get_selected (self->level_row) < g_strv_length (self->level_choices))
    g_object_set (event, "grade", self->level_choices[adw_combo_row_get_selected (self->level_row)], NULL);
  if (is (self, GP_ACTION_REGISTER) && gtk_widget_get_visible (GTK_WIDGET (self->urgency_row)))
    {
      JsonArray *urgencies = gp_document_get_array_member (GP_DOCUMENT (self->policy), "urgencies");
      guint index = adw_combo_row_get_selected (self->urgency_row);

      if (urgencies != NULL && index < json_array_get_length (urgencies))
        g_object_set (event, "urgency",
                      gp_json_get_string (json_array_get_object_element (urgencies, index), "code"), NULL);
    }
  if (is (self, GP_ACTION_VERIFY))
    g_object_set (event, "result", results[MIN (adw_combo_row_get_selected (self->result_row), 1)], NULL);
  if (is (self, GP_ACTION_CALLBACK))
    {
      g_autoptr(JsonNode) resolved = json_node_init_boolean (json_node_alloc (),
                                                             gtk_switch_get_active (self->resolved_switch));

      guint chosen = adw_combo_row_get_selected (self->satisfaction_row);

      if (chosen >= 1 && chosen <= 3)
        g_object_set (event, "satisfaction", satisfactions[chosen - 1], NULL);
      gp_document_set_member (GP_DOCUMENT (event), "resolved", resolved);
    }
  for (guint i = 0; i < photos->len; i++)
    gp_casework_add_photo (GP_DOCUMENT (event), g_ptr_array_index (photos, i));
  /* Where the step was taken, when the position is known. */
  if (location != NULL && gp_location_get_state (location) == GP_LOCATION_STATE_FIX)
    {
      const GpFix *fix = gp_location_get_fix (location);
      GpGeoPoint where = { fix->longitude, fix->latitude };
      g_autoptr(JsonObject) point = gp_geo_point_new (where);

      gp_document_set_geometry (GP_DOCUMENT (event), point);
    }
  return event;
}

static void
on_acted (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GpStepDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->done_button), TRUE);
  if (!gp_casework_act_finish (GP_STORE (source), result, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("This step cannot be taken: %s"), error->message);

      set_message (self, message);
      return;
    }
  g_signal_emit (self, signals[DONE], 0);
  adw_dialog_close (ADW_DIALOG (self));
}

/* What the step still needs, said as the user would say it; NULL when
 * nothing is missing. */
static const char *
missing_in_words (GpStepDialog *self)
{
  const char *note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  g_autofree char *trimmed = g_strstrip (g_strdup (note));
  g_autofree char *target = g_strstrip (g_strdup (chosen_target (self)));

  if ((is (self, GP_ACTION_VOID) || is (self, GP_ACTION_SUSPEND)) && *trimmed == '\0')
    return _("Give the reason in the box below");
  if (targeted (self) && *target == '\0')
    return self->entries != NULL && self->entries->len > 0 ? _("Choose to whom it goes")
                                                            : _("Say to whom it goes");
  if (is (self, GP_ACTION_CALLBACK) && adw_combo_row_get_selected (self->satisfaction_row) == 0)
    return _("Choose what the resident said");
  return NULL;
}

/**
 * gp_step_dialog_done:
 *
 * Takes the step as filled in: checked, then taken off the main loop.
 */
void
gp_step_dialog_done (GpStepDialog *self)
{
  const char *missing;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  GpStore *store = gp_context_get_store (self->context);

  g_return_if_fail (GP_IS_STEP_DIALOG (self));

  if (self->busy)
    return;
  if (!self->loaded)
    {
      self->done_pending = TRUE;
      return;
    }
  if (gp_photo_picker_get_busy (self->photo_picker))
    {
      set_message (self, _("Wait until the photos are ready"));
      return;
    }
  missing = missing_in_words (self);
  if (missing != NULL)
    {
      set_message (self, missing);
      return;
    }
  event = build_event (self);
  if (!gp_document_validate (GP_DOCUMENT (event), &error))
    {
      g_autofree char *message = g_strdup_printf (_("This step cannot be taken: %s"), error->message);

      set_message (self, message);
      return;
    }

  set_message (self, NULL);
  self->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->done_button), FALSE);
  gp_casework_act_async (store, event, NULL, on_acted, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  adw_dialog_close (ADW_DIALOG (widget));
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gp_step_dialog_done (GP_STEP_DIALOG (widget));
}

static GListModel *
labels_of (JsonArray *array)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    gtk_string_list_append (list, gp_json_get_string (json_array_get_object_element (array, i), "label"));
  return G_LIST_MODEL (list);
}

/* Not satisfied usually means not solved; the leader can still say otherwise. */
static void
on_satisfaction_changed (GpStepDialog *self)
{
  guint chosen = adw_combo_row_get_selected (self->satisfaction_row);

  if (chosen >= 1 && chosen <= 3)
    {
      gtk_switch_set_active (self->resolved_switch, chosen != 3);
      set_message (self, NULL);
    }
}

/* Free text only for whom the directory does not list. */
static void
show_target_row (GpStepDialog *self)
{
  gboolean listed = self->entries != NULL && self->entries->len > 0;

  gtk_widget_set_visible (GTK_WIDGET (self->target_row),
                          targeted (self) &&
                          (!listed || adw_combo_row_get_selected (self->to_row) == self->entries->len + 1));
}

/* Shows the fields this step needs and nothing else. */
static void
set_up (GpStepDialog *self)
{
  g_autoptr(GStrvBuilder) choices = g_strv_builder_new ();
  g_autoptr(GtkStringList) level_labels = gtk_string_list_new (NULL);
  gboolean escalate = is (self, GP_ACTION_ESCALATE);
  gboolean register_ = is (self, GP_ACTION_REGISTER);
  gboolean verify = is (self, GP_ACTION_VERIFY);
  gboolean callback = is (self, GP_ACTION_CALLBACK);
  gboolean to_whom = targeted (self);
  gboolean listed = to_whom && self->entries != NULL && self->entries->len > 0;
  gboolean photos = is (self, GP_ACTION_SELF_HANDLE) || is (self, GP_ACTION_HANDLED) || is (self, GP_ACTION_COMMENT);
  JsonArray *urgencies = self->policy ? gp_document_get_array_member (GP_DOCUMENT (self->policy), "urgencies")
                                      : NULL;
  const char *note_title;

  adw_window_title_set_title (self->window_title, gp_action_label (self->action));
  gtk_button_set_label (self->done_button, gp_action_label (self->action));

  if ((escalate || register_) && self->policy != NULL)
    {
      g_auto(GStrv) order = escalate ? gp_policy_dup_escalation (self->policy)
                                     : gp_policy_dup_level_codes (self->policy);
      gboolean after = !escalate;

      for (guint i = 0; order[i] != NULL; i++)
        {
          const char *code = order[i];
          JsonObject *level = gp_policy_get_level (self->policy, code);

          if (after)
            {
              g_strv_builder_add (choices, code);
              gtk_string_list_append (level_labels, gp_json_get_string (level, "label"));
            }
          if (g_strcmp0 (code, self->level) == 0)
            after = TRUE;
        }
      self->level_choices = g_strv_builder_end (choices);
      adw_combo_row_set_model (self->level_row, G_LIST_MODEL (level_labels));
      /* Registration keeps the level the report came with, unless changed. */
      for (guint i = 0; register_ && self->level_choices[i] != NULL; i++)
        if (g_strcmp0 (self->level_choices[i], self->level) == 0)
          adw_combo_row_set_selected (self->level_row, i);
    }
  if (register_ && urgencies != NULL && json_array_get_length (urgencies) > 0)
    {
      g_autoptr(GListModel) model = labels_of (urgencies);

      adw_combo_row_set_model (self->urgency_row, model);
    }
  if (verify)
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

      gtk_string_list_append (model, _("Passed: handled well"));
      gtk_string_list_append (model, _("Failed: handle it again"));
      adw_combo_row_set_model (self->result_row, G_LIST_MODEL (model));
    }
  if (callback)
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

      /* The resident is asked: no answer is chosen for them. */
      gtk_string_list_append (model, _("Choose…"));
      gtk_string_list_append (model, _("Satisfied"));
      gtk_string_list_append (model, _("Basically satisfied"));
      gtk_string_list_append (model, _("Not satisfied"));
      adw_combo_row_set_model (self->satisfaction_row, G_LIST_MODEL (model));
      g_signal_connect_object (self->satisfaction_row, "notify::selected", G_CALLBACK (on_satisfaction_changed),
                               self, G_CONNECT_SWAPPED);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->level_row), escalate || register_);
  gtk_widget_set_visible (GTK_WIDGET (self->urgency_row),
                          register_ && urgencies != NULL && json_array_get_length (urgencies) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->result_row), verify);
  gtk_widget_set_visible (GTK_WIDGET (self->satisfaction_row), callback);
  gtk_widget_set_visible (GTK_WIDGET (self->resolved_row), callback);
  gtk_widget_set_visible (GTK_WIDGET (self->to_row), listed);
  show_target_row (self);
  gtk_widget_set_visible (GTK_WIDGET (self->choice_group), escalate || register_ || verify || callback || to_whom);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_group), photos);

  if (is (self, GP_ACTION_VOID) || is (self, GP_ACTION_SUSPEND))
    note_title = _("Reason (needed)");
  else if (is (self, GP_ACTION_COMMENT) || is (self, GP_ACTION_REOPEN))
    note_title = _("Note (needed)");
  else if (is (self, GP_ACTION_HANDLED))
    note_title = _("How It Was Handled");
  else if (verify)
    note_title = _("Note (needed when it failed)");
  else
    note_title = _("Note");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->note_row), note_title);
}

void
gp_step_dialog_set_note (GpStepDialog *self,
                         const char   *note)
{
  g_return_if_fail (GP_IS_STEP_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->note_row), note ? note : "");
}

/* Chooses the directory's entry for the name written in, if it lists it. */
static void
choose_written_target (GpStepDialog *self)
{
  const char *target = gtk_editable_get_text (GTK_EDITABLE (self->target_row));

  if (self->entries == NULL || self->entries->len == 0 || *target == '\0')
    return;
  for (guint i = 0; i < self->entries->len; i++)
    {
      GpDirectoryEntry *entry = &g_array_index (self->entries, GpDirectoryEntry, i);

      if (g_str_equal (entry->target, target) || g_str_equal (entry->label, target))
        {
          adw_combo_row_set_selected (self->to_row, i + 1);
          return;
        }
    }
  adw_combo_row_set_selected (self->to_row, self->entries->len + 1);
}

/* Whom to dispatch to: an account or department the directory lists is
 * chosen there; any other name is written in. */
void
gp_step_dialog_set_target (GpStepDialog *self,
                           const char   *target)
{
  g_return_if_fail (GP_IS_STEP_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->target_row), target ? target : "");
  choose_written_target (self);
}

/* What the directory offers, as the combo row shows it. */
char **
gp_step_dialog_dup_targets (GpStepDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (GP_IS_STEP_DIALOG (self), NULL);

  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    g_strv_builder_add (builder, g_array_index (self->entries, GpDirectoryEntry, i).target);
  return g_strv_builder_end (builder);
}

/* The choice of the step by its value: a level, "fail", "unsatisfied"… */
void
gp_step_dialog_set_choice (GpStepDialog *self,
                           const char   *value)
{
  g_return_if_fail (GP_IS_STEP_DIALOG (self));

  for (guint i = 0; self->level_choices != NULL && self->level_choices[i] != NULL; i++)
    if (g_strcmp0 (self->level_choices[i], value) == 0)
      adw_combo_row_set_selected (self->level_row, i);
  for (guint i = 0; results[i] != NULL; i++)
    if (g_strcmp0 (results[i], value) == 0)
      adw_combo_row_set_selected (self->result_row, i);
  for (guint i = 0; satisfactions[i] != NULL; i++)
    if (g_strcmp0 (satisfactions[i], value) == 0)
      adw_combo_row_set_selected (self->satisfaction_row, i + 1);
}

GpPhotoPicker *
gp_step_dialog_get_photo_picker (GpStepDialog *self)
{
  g_return_val_if_fail (GP_IS_STEP_DIALOG (self), NULL);

  return self->photo_picker;
}

const char *
gp_step_dialog_get_message (GpStepDialog *self)
{
  g_return_val_if_fail (GP_IS_STEP_DIALOG (self), NULL);

  return self->message;
}

/* The case is read and the dialog filled in for it. */
gboolean
gp_step_dialog_get_ready (GpStepDialog *self)
{
  g_return_val_if_fail (GP_IS_STEP_DIALOG (self), FALSE);

  return self->loaded;
}

gboolean
gp_step_dialog_get_busy (GpStepDialog *self)
{
  g_return_val_if_fail (GP_IS_STEP_DIALOG (self), FALSE);

  return self->busy || gp_photo_picker_get_busy (self->photo_picker);
}

static void
gp_step_dialog_dispose (GObject *object)
{
  GpStepDialog *self = (GpStepDialog *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), GP_TYPE_STEP_DIALOG);

  G_OBJECT_CLASS (gp_step_dialog_parent_class)->dispose (object);
}

static void
gp_step_dialog_finalize (GObject *object)
{
  GpStepDialog *self = (GpStepDialog *) object;

  g_clear_object (&self->context);
  g_clear_object (&self->policy);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_object (&self->directory);
  g_free (self->incident_id);
  g_free (self->grid);
  g_free (self->action);
  g_free (self->level);
  g_strfreev (self->level_choices);
  g_free (self->message);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gp_step_dialog_parent_class)->finalize (object);
}

static void
gp_step_dialog_class_init (GpStepDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_step_dialog_dispose;
  object_class->finalize = gp_step_dialog_finalize;

  /**
   * GpStepDialog::done:
   *
   * The step was saved.
   */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 0);

  g_type_ensure (GP_TYPE_PHOTO_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-step-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, choice_group);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, level_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, urgency_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, result_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, satisfaction_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, resolved_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, resolved_switch);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, to_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, note_group);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, photo_group);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, photo_picker);
  gtk_widget_class_bind_template_child (widget_class, GpStepDialog, message_label);
  gtk_widget_class_install_action (widget_class, "step.done", NULL, done_action);
  gtk_widget_class_install_action (widget_class, "step.cancel", NULL, cancel_action);
}

static void
gp_step_dialog_init (GpStepDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static void
on_to_row_selected (GpStepDialog *self)
{
  show_target_row (self);
  set_message (self, NULL);
}

static void
finish_loading (GpStepDialog *self,
                const char   *message)
{
  self->loaded = TRUE;
  set_up (self);
  if (message != NULL)
    set_message (self, message);
  if (self->done_pending)
    {
      self->done_pending = FALSE;
      gp_step_dialog_done (self);
    }
}

/* The grid's directory, for whom to dispatch to: its people, then the
 * street's departments; "Choose…" first, so no one is preset. */
static void
on_directory_loaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GpStepDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = gp_documents_load_all_finish (GP_STORE (source), result, &error);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (found != NULL && found->len > 0 && GP_IS_DIRECTORY (g_ptr_array_index (found, 0)))
    {
      self->directory = g_object_ref (g_ptr_array_index (found, 0));
      self->entries = gp_directory_list (self->directory);
    }
  gtk_string_list_append (model, _("Choose…"));
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      GpDirectoryEntry *entry = &g_array_index (self->entries, GpDirectoryEntry, i);
      g_autofree char *label = entry->role != NULL ? g_strdup_printf (_("%s (%s)"), entry->label,
                                                                      gp_role_label (entry->role))
                                                   : g_strdup (entry->label);

      gtk_string_list_append (model, label);
    }
  gtk_string_list_append (model, _("Someone else…"));
  adw_combo_row_set_model (self->to_row, G_LIST_MODEL (model));
  choose_written_target (self);
  g_signal_connect_object (self->to_row, "notify::selected", G_CALLBACK (on_to_row_selected), self,
                           G_CONNECT_SWAPPED);
  /* Without a directory the name is written in; a read error says so. */
  finish_loading (self, error != NULL ? error->message : NULL);
}

static void
on_case_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpStepDialog) self = user_data;
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpCase) now = gp_casework_load_case_finish (GP_STORE (source), result, &incident, &self->policy,
                                                        &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->level = g_strdup (now ? now->level : NULL);
  self->grid = g_strdup (incident ? gp_incident_get_grid (incident) : NULL);
  if (error == NULL && targeted (self) && self->grid != NULL)
    {
      gp_documents_load_all_async (GP_STORE (source), "directory", self->grid, self->cancellable,
                                   on_directory_loaded, g_object_ref (self));
      return;
    }
  finish_loading (self, error != NULL ? error->message : NULL);
}

/**
 * gp_step_dialog_new:
 * @action: the step, as in #GP_ACTION_REGISTER
 *
 * The level offered to escalate to, or to register at, is read from the
 * case off the main loop; the dialog fills in when it is, and a step
 * confirmed before then is taken once it is.
 */
GpStepDialog *
gp_step_dialog_new (GpContext  *context,
                    const char *incident_id,
                    const char *action)
{
  GpStepDialog *self;

  g_return_val_if_fail (GP_IS_CONTEXT (context), NULL);

  self = g_object_new (GP_TYPE_STEP_DIALOG, NULL);
  self->context = g_object_ref (context);
  gp_photo_picker_set_context (self->photo_picker, context);
  self->incident_id = g_strdup (incident_id);
  self->action = g_strdup (action);
  adw_window_title_set_title (self->window_title, gp_action_label (action));
  gtk_button_set_label (self->done_button, gp_action_label (action));
  gtk_widget_set_visible (GTK_WIDGET (self->choice_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_group), FALSE);
  gp_casework_load_case_async (gp_context_get_store (context), incident_id, gp_clock_get_now (), self->cancellable,
                               on_case_loaded, g_object_ref (self));
  return self;
}
