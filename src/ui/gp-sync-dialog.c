/* gp-sync-dialog.c
 *
 * The grid centre, on one page: logging in (server, user name, password)
 * while there is no account; then how sync goes — up to date, syncing,
 * offline or the error in words, when it last went through, how many
 * changes wait on the phone, what the centre refused — with Sync Now and
 * Log Out (which warns about unsent changes and wipes the phone's copy).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-sync-dialog"

#include "config.h"

#include "gp-sync-dialog.h"
#include "gp-conflicts.h"
#include "gp-couch.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-privacy.h"

#include <glib/gi18n.h>

struct _GpSyncDialog
{
  AdwDialog      parent_instance;

  GpContext     *context;
  GpSyncManager *sync;
  GCancellable  *cancellable;
  char          *message;
  gboolean       busy;

  GtkWidget     *log_in_page;
  GtkWidget     *status_page;
  AdwEntryRow   *server_row;
  AdwEntryRow   *user_row;
  AdwPasswordEntryRow *password_row;
  GtkButton     *log_in_button;
  GtkLabel      *message_label;
  AdwActionRow  *state_row;
  AdwActionRow  *last_row;
  AdwActionRow  *pending_row;
  AdwActionRow  *account_row;
  AdwPreferencesGroup *refused_group;
  GPtrArray     *refused_rows;
  AdwPreferencesGroup *conflicts_group;
  GPtrArray     *conflict_rows;
};

G_DEFINE_FINAL_TYPE (GpSyncDialog, gp_sync_dialog, ADW_TYPE_DIALOG)

/* The state in words, for the header's tooltip and this page. */
char *
gp_sync_describe (GpSyncManager *sync)
{
  if (sync == NULL)
    return g_strdup (_("Not connected to a grid centre"));
  switch (gp_sync_manager_get_state (sync))
    {
    case GP_SYNC_NOT_SET_UP:
      return g_strdup (_("Not connected to a grid centre"));
    case GP_SYNC_IDLE:
      return g_strdup (_("Up to date with the grid centre"));
    case GP_SYNC_SYNCING:
      return g_strdup_printf (_("Syncing grid %u of %u…"), MAX (1, gp_sync_manager_get_step (sync)),
                              MAX (1, gp_sync_manager_get_n_steps (sync)));
    case GP_SYNC_OFFLINE:
      return g_strdup (_("Offline: changes wait on this phone"));
    case GP_SYNC_ERROR:
    default:
      return g_strdup (gp_sync_manager_get_message (sync) ? gp_sync_manager_get_message (sync)
                                                          : _("The last sync failed"));
    }
}

const char *
gp_sync_icon_name (GpSyncManager *sync)
{
  switch (sync ? gp_sync_manager_get_state (sync) : GP_SYNC_NOT_SET_UP)
    {
    case GP_SYNC_IDLE:
      return "object-select-symbolic";
    case GP_SYNC_SYNCING:
      return "view-refresh-symbolic";
    case GP_SYNC_OFFLINE:
      return "network-offline-symbolic";
    case GP_SYNC_ERROR:
      return "dialog-warning-symbolic";
    case GP_SYNC_NOT_SET_UP:
    default:
      return "network-server-symbolic";
    }
}

static void
set_message (GpSyncDialog *self,
             const char   *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* Conflicts: households and routes edited apart, for a leader to settle. */

static char *
describe_value (const char *member,
                JsonNode   *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    return g_strdup (_("(none)"));
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (value));
  else
    text = json_to_string (value, FALSE);
  /* Residents' details stay masked here too. */
  if (g_str_equal (member, "phone"))
    return gp_privacy_mask_phone (text);
  if (g_str_equal (member, "head") || g_str_equal (member, "name_of_head"))
    return gp_privacy_mask_name (text);
  if (g_str_equal (member, "id_number"))
    return gp_privacy_mask_id_number (text);
  return g_steal_pointer (&text);
}

/* What one version says where the versions differ. */
static char *
describe_version (JsonObject *version,
                  GPtrArray  *others)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GHashTable) members = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) names = NULL;

  for (guint i = 0; i < others->len; i++)
    {
      g_autoptr(GList) list = json_object_get_members (g_ptr_array_index (others, i));

      for (GList *l = list; l != NULL; l = l->next)
        g_hash_table_add (members, l->data);
    }
  names = g_hash_table_get_keys (members);
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *mine = json_object_get_member (version, member);
      gboolean differs = FALSE;
      g_autofree char *value = NULL;

      if (member[0] == '_')
        continue;
      for (guint i = 0; i < others->len; i++)
        {
          JsonNode *theirs = json_object_get_member (g_ptr_array_index (others, i), member);

          differs |= mine == NULL || theirs == NULL ? mine != theirs : !json_node_equal (mine, theirs);
        }
      if (!differs)
        continue;
      value = describe_value (member, mine);
      g_string_append_printf (text, "%s%s: %s", text->len ? "\n" : "", member, value);
    }
  return g_string_free (text, FALSE);
}

typedef struct
{
  GpSyncDialog *self;
  char         *id;
} Settle;

static void update (GpSyncDialog *self);

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpSyncDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gp_store_resolve_conflict_finish (GP_STORE (source), result, &error))
    set_message (self, error->message);
  update (self);
}

static void
on_settle_response (AdwAlertDialog   *dialog,
                    const char       *response,
                    gpointer          data)
{
  Settle *settle = data;
  GpStore *store = gp_context_get_store (settle->self->context);

  if (g_str_has_prefix (response, "keep:") && store != NULL)
    gp_store_resolve_conflict_async (store, settle->id, response + strlen ("keep:"), NULL, on_resolved,
                                     g_object_ref (settle->self));
}

static void
free_settle (gpointer  data,
             GClosure *closure)
{
  Settle *settle = data;

  g_object_unref (settle->self);
  g_free (settle->id);
  g_free (settle);
}

/* Shows the versions side by side, each with its own "Keep" answer. */
static void
on_versions (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpSyncDialog) self = user_data;
  g_autoptr(GPtrArray) versions = gp_store_get_versions_finish (GP_STORE (source), result, NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  AdwDialog *dialog;
  Settle *settle;

  if (versions == NULL || versions->len == 0)
    return;

  dialog = adw_alert_dialog_new (_("Which Version Is Right?"), NULL);
  for (guint i = 0; i < versions->len; i++)
    {
      g_autoptr(GPtrArray) others = g_ptr_array_new ();
      g_autofree char *described = NULL;
      g_autofree char *response = g_strconcat ("keep:", gp_json_get_string (g_ptr_array_index (versions, i), "_rev"),
                                               NULL);
      g_autofree char *label = g_strdup_printf (_("Keep Version %u"), i + 1);

      for (guint j = 0; j < versions->len; j++)
        if (j != i)
          g_ptr_array_add (others, g_ptr_array_index (versions, j));
      described = describe_version (g_ptr_array_index (versions, i), others);
      g_string_append_printf (body, "%s%s\n%s", body->len ? "\n\n" : "", label, described);
      adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), response, label);
    }
  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_alert_dialog_set_body (ADW_ALERT_DIALOG (dialog), body->str);
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
  settle = g_new0 (Settle, 1);
  settle->self = g_object_ref (self);
  settle->id = g_strdup (gp_json_get_string (g_ptr_array_index (versions, 0), "_id"));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_settle_response), settle, free_settle, 0);
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

void
gp_sync_dialog_settle (GpSyncDialog *self,
                       const char   *id)
{
  GpStore *store = gp_context_get_store (self->context);

  g_return_if_fail (GP_IS_SYNC_DIALOG (self));

  if (store != NULL)
    gp_store_get_versions_async (store, id, NULL, on_versions, g_object_ref (self));
}

static void
settle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gp_sync_dialog_settle (GP_SYNC_DIALOG (widget), g_variant_get_string (parameter, NULL));
}

static void
add_conflict_row (GpSyncDialog *self,
                  const char   *id,
                  const char   *title,
                  const char   *kind)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Settle…"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), kind);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "sync.settle");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (self->conflicts_group, row);
  g_ptr_array_add (self->conflict_rows, row);
}

/* Leaders and the centre see the conflicts of their grid, listed off the
 * main loop. */
static void
on_conflicts (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GpSyncDialog) self = user_data;
  g_autoptr(GPtrArray) conflicts = gp_conflicts_list_finish (GP_STORE (source), result, NULL);

  if (conflicts == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  for (guint i = 0; i < self->conflict_rows->len; i++)
    adw_preferences_group_remove (self->conflicts_group, g_ptr_array_index (self->conflict_rows, i));
  g_ptr_array_set_size (self->conflict_rows, 0);
  for (guint i = 0; i < conflicts->len; i++)
    {
      GpConflict *conflict = g_ptr_array_index (conflicts, i);

      add_conflict_row (self, conflict->id, conflict->title, conflict->kind);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group), self->conflict_rows->len > 0);
}

static void
update_conflicts (GpSyncDialog *self)
{
  GpStore *store = gp_context_get_store (self->context);
  GpGrid *grid = gp_context_get_grid (self->context);
  g_autofree char *role = gp_context_dup_role (self->context);

  if (store != NULL && grid != NULL && !g_str_equal (role, GP_ROLE_WORKER))
    {
      gp_conflicts_list_async (store, gp_grid_get_code (grid), self->cancellable, on_conflicts, g_object_ref (self));
      return;
    }
  for (guint i = 0; i < self->conflict_rows->len; i++)
    adw_preferences_group_remove (self->conflicts_group, g_ptr_array_index (self->conflict_rows, i));
  g_ptr_array_set_size (self->conflict_rows, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group), FALSE);
}

guint
gp_sync_dialog_get_n_conflicts (GpSyncDialog *self)
{
  g_return_val_if_fail (GP_IS_SYNC_DIALOG (self), 0);

  return self->conflict_rows->len;
}

/* "building:610103003003-01 2-8ed0…" → "Building · 1号楼": what a person
 * recognises, and short enough for a phone. */
static char *
describe_refused (GpSyncDialog *self,
                  const char   *line)
{
  const struct { const char *prefix; const char *label; } kinds[] = {
    { "grid:", N_("Grid") }, { "policy:", N_("Grading scheme") }, { "building:", N_("Building") },
    { "household:", N_("Household") }, { "lane:", N_("Lane") }, { "component:", N_("City component") },
    { "route:", N_("Patrol route") }, { "patrol:", N_("Patrol") }, { "incident:", N_("Incident report") },
    { "event:", N_("Workflow step") }, { "visit:", N_("Household visit") },
  };
  const char *space = strchr (line, ' ');
  g_autofree char *id = space ? g_strndup (line, space - line) : g_strdup (line);
  const char *name = gp_sync_manager_get_refused_name (self->sync, id);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_has_prefix (id, kinds[i].prefix))
      return name ? g_strdup_printf ("%s · %s", _(kinds[i].label), name) : g_strdup (_(kinds[i].label));
  return g_steal_pointer (&id);
}

static void
update (GpSyncDialog *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *server = g_settings_get_string (settings, "sync-server");
  g_autofree char *user = g_settings_get_string (settings, "sync-user");
  g_autofree char *state = gp_sync_describe (self->sync);
  g_autofree char *account = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *last = NULL;
  const char * const *refused;
  gint64 when;

  if (*server == '\0' || self->sync == NULL)
    {
      gtk_widget_set_visible (self->status_page, FALSE);
      gtk_widget_set_visible (self->log_in_page, TRUE);
      return;
    }
  gtk_widget_set_visible (self->log_in_page, FALSE);
  gtk_widget_set_visible (self->status_page, TRUE);
  adw_action_row_set_subtitle (self->state_row, state);
  when = gp_sync_manager_get_last_success (self->sync);
  if (when > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (when);

      last = g_date_time_format (time, C_("last sync", "%b %-d, %H:%M"));
    }
  adw_action_row_set_subtitle (self->last_row, last ? last : _("Not yet"));
  pending = g_strdup_printf (ngettext ("%u change not yet on the grid centre", "%u changes not yet on the grid centre",
                                       gp_sync_manager_get_pending (self->sync)),
                             gp_sync_manager_get_pending (self->sync));
  adw_action_row_set_subtitle (self->pending_row, pending);
  /* Translators: user name at the grid centre's address */
  account = g_strdup_printf (_("%s at %s"), user, server);
  adw_action_row_set_subtitle (self->account_row, account);

  for (guint i = 0; i < self->refused_rows->len; i++)
    adw_preferences_group_remove (self->refused_group, g_ptr_array_index (self->refused_rows, i));
  g_ptr_array_set_size (self->refused_rows, 0);
  refused = gp_sync_manager_get_refused (self->sync);
  for (guint i = 0; refused[i] != NULL; i++)
    {
      GtkWidget *row = adw_preferences_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
      const char *colon = strstr (refused[i], ": ");
      g_autofree char *what = describe_refused (self, refused[i]);
      GtkWidget *reason = gtk_label_new (colon ? colon + 2 : refused[i]);
      GtkWidget *subject = gtk_label_new (what);

      /* The reason can be long, in two languages: it wraps, whatever the
       * width it asks for. */
      for (GtkWidget *label = reason; label != NULL; label = label == reason ? subject : NULL)
        {
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_set_hexpand (label, TRUE);
        }
      gtk_widget_add_css_class (subject, "dim-label");
      gtk_widget_add_css_class (subject, "caption");
      gtk_box_append (GTK_BOX (box), reason);
      gtk_box_append (GTK_BOX (box), subject);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 10);
      gtk_widget_set_margin_bottom (box, 10);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      adw_preferences_group_add (self->refused_group, row);
      g_ptr_array_add (self->refused_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->refused_group), refused[0] != NULL);
  update_conflicts (self);
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GpSyncDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->log_in_button), TRUE);
  if (!gp_context_log_in_finish (GP_CONTEXT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_message (self, error->message);
      return;
    }
  set_message (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  update (self);
}

/* Logs in with what the rows say; the result shows on the page. */
void
gp_sync_dialog_log_in (GpSyncDialog *self)
{
  const char *server;
  const char *user;
  const char *password;

  g_return_if_fail (GP_IS_SYNC_DIALOG (self));

  if (self->busy)
    return;
  server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*server == '\0' || *user == '\0' || *password == '\0')
    {
      set_message (self, _("Enter the grid centre’s address, your user name and your password"));
      return;
    }
  self->busy = TRUE;
  set_message (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->log_in_button), FALSE);
  gp_context_log_in_async (self->context, server, user, password, FALSE, self->cancellable, on_logged_in,
                           g_object_ref (self));
}

void
gp_sync_dialog_set_account (GpSyncDialog *self,
                            const char   *server,
                            const char   *user,
                            const char   *password)
{
  g_return_if_fail (GP_IS_SYNC_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server ? server : "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user ? user : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
}

const char *
gp_sync_dialog_get_message (GpSyncDialog *self)
{
  g_return_val_if_fail (GP_IS_SYNC_DIALOG (self), NULL);

  return self->message;
}

gboolean
gp_sync_dialog_get_busy (GpSyncDialog *self)
{
  g_return_val_if_fail (GP_IS_SYNC_DIALOG (self), FALSE);

  return self->busy;
}

static void
on_sync_now (GpSyncDialog *self)
{
  if (self->sync != NULL)
    gp_sync_manager_sync_now (self->sync);
}

/* Logging out closes this page and drops the store: done after the
 * question's click has been handled, not from inside its response. */
static gboolean
log_out_later (gpointer data)
{
  GpSyncDialog *self = data;
  g_autoptr(GError) error = NULL;

  if (!gp_context_log_out (self->context, &error))
    {
      set_message (self, error->message);
      return G_SOURCE_REMOVE;
    }
  adw_dialog_close (ADW_DIALOG (self));
  return G_SOURCE_REMOVE;
}

static void
on_log_out_response (AdwAlertDialog   *dialog,
                     const char       *response,
                     GpSyncDialog     *self)
{
  if (g_strcmp0 (response, "log-out") == 0)
    g_idle_add_full (G_PRIORITY_LOW, log_out_later, g_object_ref (self), g_object_unref);
}

static void
on_log_out (GpSyncDialog *self)
{
  guint unsent = gp_context_get_unsent (self->context);
  g_autofree char *body = NULL;
  AdwDialog *dialog;

  body = unsent > 0
         ? g_strdup_printf (ngettext ("%u change on this phone has not reached the grid centre and will be lost. "
                                      "This phone’s copy of the grid is wiped.",
                                      "%u changes on this phone have not reached the grid centre and will be lost. "
                                      "This phone’s copy of the grid is wiped.", unsent), unsent)
         : g_strdup (_("Everything on this phone is on the grid centre. This phone’s copy of the grid is wiped."));
  dialog = adw_alert_dialog_new (_("Log Out?"), body);
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "cancel", _("_Cancel"), "log-out", _("_Log Out"),
                                  NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "log-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "cancel");
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_log_out_response), self, 0);
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

static GtkWidget *
status_row (const char    *title,
            AdwActionRow **row)
{
  *row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (*row), title);
  gtk_widget_add_css_class (GTK_WIDGET (*row), "property");
  return GTK_WIDGET (*row);
}

static GtkWidget *
pill (const char *label,
      const char *style)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, style);
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  return button;
}

static void
gp_sync_dialog_dispose (GObject *object)
{
  GpSyncDialog *self = (GpSyncDialog *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (gp_sync_dialog_parent_class)->dispose (object);
}

static void
gp_sync_dialog_finalize (GObject *object)
{
  GpSyncDialog *self = (GpSyncDialog *) object;

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->refused_rows, g_ptr_array_unref);
  g_clear_pointer (&self->conflict_rows, g_ptr_array_unref);
  g_free (self->message);

  G_OBJECT_CLASS (gp_sync_dialog_parent_class)->finalize (object);
}

static void
gp_sync_dialog_class_init (GpSyncDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gp_sync_dialog_dispose;
  object_class->finalize = gp_sync_dialog_finalize;

  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "sync.settle", "s", settle_action);
}

static void
gp_sync_dialog_init (GpSyncDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *log_in = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *status = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *account_group = adw_preferences_group_new ();
  GtkWidget *status_group = adw_preferences_group_new ();
  GtkWidget *sync_now = pill (_("_Sync Now"), "suggested-action");
  GtkWidget *log_out = pill (_("_Log Out…"), "destructive-action");

  self->cancellable = g_cancellable_new ();
  self->refused_rows = g_ptr_array_new ();
  self->conflict_rows = g_ptr_array_new ();
  adw_dialog_set_title (ADW_DIALOG (self), _("Grid Centre"));
  adw_dialog_set_content_width (ADW_DIALOG (self), 420);
  adw_dialog_set_content_height (ADW_DIALOG (self), 560);
  gtk_box_append (GTK_BOX (box), header);

  /* Logging in. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (account_group), _("Connect to a Grid Centre"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (account_group),
                                         _("Your account comes from the street grid centre. Reports, steps and "
                                           "visits then go to the centre whenever there is a network."));
  self->server_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->server_row), _("Grid Centre Address"));
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), "https://");
  self->user_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->user_row), _("User Name"));
  self->password_row = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row), _("Password"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (account_group), GTK_WIDGET (self->server_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (account_group), GTK_WIDGET (self->user_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (account_group), GTK_WIDGET (self->password_row));
  self->log_in_button = GTK_BUTTON (pill (_("_Log In"), "suggested-action"));
  g_signal_connect_swapped (self->log_in_button, "clicked", G_CALLBACK (gp_sync_dialog_log_in), self);
  g_signal_connect_swapped (self->password_row, "entry-activated", G_CALLBACK (gp_sync_dialog_log_in), self);
  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_label_set_xalign (self->message_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_box_append (GTK_BOX (log_in), account_group);
  gtk_box_append (GTK_BOX (log_in), GTK_WIDGET (self->message_label));
  gtk_box_append (GTK_BOX (log_in), GTK_WIDGET (self->log_in_button));

  /* How sync goes. */
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), status_row (_("Status"), &self->state_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), status_row (_("Last Synced"), &self->last_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group),
                             status_row (_("On This Phone Only"), &self->pending_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), status_row (_("Account"), &self->account_row));
  self->refused_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->refused_group, _("Not Synced"));
  adw_preferences_group_set_description (self->refused_group,
                                         _("These stay where they are; each says why: the centre’s rules do not "
                                           "allow it, it is damaged on this phone, or it could not be received."));
  self->conflicts_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->conflicts_group, _("Edits That Disagree"));
  adw_preferences_group_set_description (self->conflicts_group,
                                         _("Changed on two phones before either reached the centre. Choose the "
                                           "version that is right; the choice goes to everyone with the next sync."));
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group), FALSE);
  g_signal_connect_swapped (sync_now, "clicked", G_CALLBACK (on_sync_now), self);
  g_signal_connect_swapped (log_out, "clicked", G_CALLBACK (on_log_out), self);
  gtk_box_append (GTK_BOX (status), status_group);
  gtk_box_append (GTK_BOX (status), sync_now);
  gtk_box_append (GTK_BOX (status), GTK_WIDGET (self->conflicts_group));
  gtk_box_append (GTK_BOX (status), GTK_WIDGET (self->refused_group));
  gtk_box_append (GTK_BOX (status), log_out);

  /* One page or the other, each sized for itself. */
  self->log_in_page = log_in;
  self->status_page = status;
  gtk_widget_set_visible (status, FALSE);
  gtk_box_append (GTK_BOX (content), log_in);
  gtk_box_append (GTK_BOX (content), status);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_dialog_set_child (ADW_DIALOG (self), box);
}

static void
on_sync_changed (GpSyncDialog *self)
{
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, gp_context_get_sync (self->context));
  if (self->sync != NULL)
    g_signal_connect_object (self->sync, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

GpSyncDialog *
gp_sync_dialog_new (GpContext *context)
{
  GpSyncDialog *self = g_object_new (GP_TYPE_SYNC_DIALOG, NULL);

  self->context = g_object_ref (context);
  g_signal_connect_object (context, "notify::sync", G_CALLBACK (on_sync_changed), self, G_CONNECT_SWAPPED);
  on_sync_changed (self);
  return self;
}
