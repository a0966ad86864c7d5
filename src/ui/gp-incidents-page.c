/* gp-incidents-page.c
 *
 * The incidents of the grid in a GtkListView, newest first: category,
 * place, age, state, the warning's colour, a thumbnail and a mark while
 * the grid centre does not have it. Filters: open, mine, overdue, reported
 * today, and a category class. The list is loaded off the main loop with
 * each case folded (gp_incident_items_load) and again a moment after the
 * store changes; thumbnails are read and decoded off the main loop as rows
 * come into view. On a phone the incident opens over the list, pushed as a
 * page of an AdwNavigationSplitView (back by button or swipe); on a wide
 * window it is beside it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-incidents-page"

#include "config.h"

#include "gp-incidents-page.h"
#include "gp-live-query.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-incident-item.h"
#include "gp-incident-row.h"
#include "gp-casework.h"
#include "gp-texture.h"
#include "gp-store.h"

#include <glib/gi18n.h>

#define RELOAD_DELAY_MS 400

struct _GpIncidentsPage
{
  AdwBin              parent_instance;

  GpContext          *context;
  GpStore            *store;          /* the context's, while watched */
  GListStore         *items;          /* GpIncidentItem */
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  GHashTable         *thumbnails;     /* incident id → GdkTexture, or a placeholder while loading */
  GCancellable       *cancellable;
  GpIncidentFilter    filters;
  char               *class_code;
  char               *user;
  char               *grid_code;
  gboolean            loading;
  GpLiveQuery        *live;           /* reports and steps, followed while hidden too (the tab's count) */
  GpLiveQuery        *clock;          /* the minute, for ages and colours, while on screen */
  gint64              today_start;
  gint64              today_end;
  GpIncidentView     *view;
  GHashTable         *assigned;       /* ids of the cases given to the user, waiting to be accepted */
  char               *assigned_user;  /* whom they were counted for: new ones are announced */

  AdwNavigationSplitView *split_view;
  GtkToggleButton    *open_toggle;
  GtkToggleButton    *mine_toggle;
  GtkToggleButton    *overdue_toggle;
  GtkToggleButton    *today_toggle;
  GtkDropDown        *class_dropdown;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_status;
  AdwBin             *view_bin;
};

G_DEFINE_FINAL_TYPE (GpIncidentsPage, gp_incidents_page, ADW_TYPE_BIN)

static void update_stack (GpIncidentsPage *self);

enum {
  ASSIGNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Filtering. */

/* Today's bounds in the grid's calendar (China's, whatever zone the device
 * is set to), worked out once per filtering rather than per row. */
static void
update_today (GpIncidentsPage *self)
{
  g_autoptr(GDateTime) now = gp_clock_new_now_at_offset (GP_CLOCK_CHINA_UTC_OFFSET);
  g_autoptr(GDateTime) midnight = g_date_time_add_full (now, 0, 0, 0, -g_date_time_get_hour (now),
                                                         -g_date_time_get_minute (now),
                                                         -g_date_time_get_seconds (now));
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (midnight, 1);

  self->today_start = g_date_time_to_unix (midnight);
  self->today_end = g_date_time_to_unix (tomorrow);
}

static gboolean
keep (gpointer item,
      gpointer user_data)
{
  GpIncidentsPage *self = user_data;
  GpIncidentItem *incident = item;

  if ((self->filters & GP_INCIDENT_FILTER_OPEN) && !gp_incident_item_is_open (incident))
    return FALSE;
  /* Mine: what I reported, and what was given to me to handle. */
  if ((self->filters & GP_INCIDENT_FILTER_MINE) &&
      g_strcmp0 (gp_incident_item_get_reporter (incident), self->user) != 0 &&
      g_strcmp0 (gp_incident_item_get_owner (incident), self->user) != 0)
    return FALSE;
  if ((self->filters & GP_INCIDENT_FILTER_OVERDUE) && gp_incident_item_get_warning (incident) != GP_WARNING_RED)
    return FALSE;
  if ((self->filters & GP_INCIDENT_FILTER_TODAY) &&
      (gp_incident_item_get_reported_at (incident) < self->today_start ||
       gp_incident_item_get_reported_at (incident) >= self->today_end))
    return FALSE;
  if (self->class_code != NULL &&
      !g_str_has_prefix (gp_incident_item_get_category (incident) ?: "", self->class_code))
    return FALSE;
  return TRUE;
}

static void
refilter (GpIncidentsPage *self)
{
  update_today (self);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_stack (self);
}

static void
on_toggles_changed (GpIncidentsPage *self)
{
  GpIncidentFilter filters = 0;

  if (gtk_toggle_button_get_active (self->open_toggle))
    filters |= GP_INCIDENT_FILTER_OPEN;
  if (gtk_toggle_button_get_active (self->mine_toggle))
    filters |= GP_INCIDENT_FILTER_MINE;
  if (gtk_toggle_button_get_active (self->overdue_toggle))
    filters |= GP_INCIDENT_FILTER_OVERDUE;
  if (gtk_toggle_button_get_active (self->today_toggle))
    filters |= GP_INCIDENT_FILTER_TODAY;
  self->filters = filters;
  g_free (self->user);
  self->user = gp_context_dup_user_name (self->context);
  refilter (self);
}

static void
on_class_selected (GpIncidentsPage *self)
{
  GObject *item = gtk_drop_down_get_selected_item (self->class_dropdown);
  const char *label = item ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : NULL;

  g_clear_pointer (&self->class_code, g_free);
  /* "06 市容环境类": the code before the space; the first entry is all. */
  if (label != NULL && gtk_drop_down_get_selected (self->class_dropdown) > 0)
    self->class_code = g_strndup (label, strcspn (label, " "));
  refilter (self);
}

/**
 * gp_incidents_page_set_filters:
 * @class_code: (nullable): a category class, as "06"
 */
void
gp_incidents_page_set_filters (GpIncidentsPage  *self,
                               GpIncidentFilter  filters,
                               const char       *class_code)
{
  GListModel *classes;

  g_return_if_fail (GP_IS_INCIDENTS_PAGE (self));

  gtk_toggle_button_set_active (self->open_toggle, filters & GP_INCIDENT_FILTER_OPEN);
  gtk_toggle_button_set_active (self->mine_toggle, filters & GP_INCIDENT_FILTER_MINE);
  gtk_toggle_button_set_active (self->overdue_toggle, filters & GP_INCIDENT_FILTER_OVERDUE);
  gtk_toggle_button_set_active (self->today_toggle, filters & GP_INCIDENT_FILTER_TODAY);
  classes = gtk_drop_down_get_model (self->class_dropdown);
  gtk_drop_down_set_selected (self->class_dropdown, 0);
  for (guint i = 1; class_code != NULL && i < g_list_model_get_n_items (classes); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (classes), i), class_code))
      gtk_drop_down_set_selected (self->class_dropdown, i);
  on_toggles_changed (self);
  on_class_selected (self);
}

static void
update_stack (GpIncidentsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if ((self->loading && g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0) ||
      (n == 0 && gtk_filter_list_model_get_pending (self->filtered) > 0))
    gtk_stack_set_visible_child_name (self->list_stack, "loading");
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else
    {
      gboolean none = g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0;

      adw_status_page_set_title (self->empty_status, none ? _("No Incidents") : _("Nothing Matches"));
      adw_status_page_set_description (self->empty_status,
                                       none ? _("Nothing has been reported in this grid yet. "
                                                "Report what you find with the button below.")
                                            : _("No incident matches these filters."));
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
}

/* Thumbnails. */

/* Thumbnails: read and decoded off the main loop by the incidents layer,
 * kept by incident while the page lives. */

typedef struct
{
  GpIncidentsPage *self;
  GpIncidentRow   *row;
  char            *id;
} Thumb;

static void
on_thumbnail (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Thumb *thumb = user_data;
  g_autoptr(GdkPixbuf) pixbuf = gp_casework_load_picture_finish (GP_STORE (source), result, NULL);

  if (pixbuf != NULL)
    {
      g_autoptr(GdkTexture) texture = gp_texture_new_for_pixels (pixbuf);

      g_hash_table_replace (thumb->self->thumbnails, g_strdup (thumb->id), g_object_ref (texture));
      gp_incident_row_set_thumbnail (thumb->row, thumb->id, GDK_PAINTABLE (texture));
    }
  g_object_unref (thumb->self);
  g_object_unref (thumb->row);
  g_free (thumb->id);
  g_free (thumb);
}

static void
request_thumbnail (GpIncidentsPage *self,
                   GpIncidentItem  *item,
                   GpIncidentRow   *row)
{
  GdkTexture *cached = g_hash_table_lookup (self->thumbnails, gp_incident_item_get_id (item));
  Thumb *thumb;

  if (gp_incident_item_get_thumbnail (item) == NULL)
    return;
  if (cached != NULL)
    {
      gp_incident_row_set_thumbnail (row, gp_incident_item_get_id (item), GDK_PAINTABLE (cached));
      return;
    }
  thumb = g_new0 (Thumb, 1);
  thumb->self = g_object_ref (self);
  thumb->row = g_object_ref (row);
  thumb->id = g_strdup (gp_incident_item_get_id (item));
  gp_casework_load_picture_async (self->store, thumb->id, gp_incident_item_get_thumbnail (item), self->cancellable,
                                  on_thumbnail, thumb);
}

/* Rows. */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           GpIncidentsPage          *self)
{
  gtk_list_item_set_child (list_item, gp_incident_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          GpIncidentsPage          *self)
{
  GpIncidentItem *item = gtk_list_item_get_item (list_item);
  GpIncidentRow *row = GP_INCIDENT_ROW (gtk_list_item_get_child (list_item));

  gp_incident_row_show (row, item);
  request_thumbnail (self, item, row);
}

static void
on_activate (GtkListView     *list_view,
             guint            position,
             GpIncidentsPage *self)
{
  g_autoptr(GpIncidentItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (item != NULL)
    gp_incidents_page_show (self, gp_incident_item_get_id (item));
}

/* Loading. */

/* The cases given to the user and waiting for them to accept: their
 * number for the tab's badge, and the ones that arrived since the last
 * look, to be announced. */
static void
count_assigned (GpIncidentsPage *self,
                GPtrArray       *items)
{
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *user = gp_context_dup_user_name (self->context);
  g_autoptr(GPtrArray) arrived = g_ptr_array_new ();

  for (guint i = 0; i < items->len; i++)
    {
      GpIncidentItem *item = g_ptr_array_index (items, i);

      if (gp_incident_item_get_state (item) != GP_STATE_DISPATCHED ||
          g_strcmp0 (gp_incident_item_get_owner (item), user) != 0)
        continue;
      g_hash_table_add (now, g_strdup (gp_incident_item_get_id (item)));
      if (g_strcmp0 (self->assigned_user, user) == 0 &&
          !g_hash_table_contains (self->assigned, gp_incident_item_get_id (item)))
        g_ptr_array_add (arrived, item);
    }
  g_hash_table_unref (self->assigned);
  self->assigned = g_steal_pointer (&now);
  g_free (self->assigned_user);
  self->assigned_user = g_steal_pointer (&user);
  g_signal_emit (self, signals[ASSIGNED], 0, g_hash_table_size (self->assigned), arrived->len,
                 arrived->len > 0 ? gp_incident_item_get_title (g_ptr_array_index (arrived, 0)) : NULL);
}

/* How many cases are given to the user and wait for them to accept. */
guint
gp_incidents_page_get_n_assigned (GpIncidentsPage *self)
{
  g_return_val_if_fail (GP_IS_INCIDENTS_PAGE (self), 0);

  return g_hash_table_size (self->assigned);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GpIncidentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = gp_incident_items_load_finish (GP_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (items == NULL)
    {
      adw_status_page_set_title (self->empty_status, _("The Incidents Cannot Be Shown"));
      adw_status_page_set_description (self->empty_status, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
      return;
    }
  update_today (self);
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  update_stack (self);
  count_assigned (self, items);
}

void
gp_incidents_page_reload (GpIncidentsPage *self)
{
  GpGrid *grid;

  g_return_if_fail (GP_IS_INCIDENTS_PAGE (self));

  if (self->live != NULL)
    gp_live_query_stop (self->live);
  grid = gp_context_get_grid (self->context);
  if (self->store == NULL || grid == NULL)
    return;
  self->loading = TRUE;
  update_stack (self);
  gp_incident_items_load_async (self->store, gp_grid_get_code (grid),
                                gp_context_get_sync (self->context)
                                ? gp_sync_manager_get_sent_seq (gp_context_get_sync (self->context)) : -1,
                                self->cancellable, on_loaded, g_object_ref (self));
}

static void
on_refresh (GpIncidentsPage *self)
{
  gp_incidents_page_reload (self);
}

/* The minute turned: ages and warning colours are read again, at once if
 * the list is on screen, else when it comes back. */
static void
on_minute (GpIncidentsPage *self)
{
  if (!gp_live_query_get_queued (self->live) && !self->loading)
    gp_incidents_page_reload (self);
}

static void
on_mapped (GpIncidentsPage *self)
{
  gp_live_query_set_active (self->clock, gtk_widget_get_mapped (GTK_WIDGET (self)));
}

/* After a sync the "not sent" marks change: read the list again. */
static void
on_synced (GpIncidentsPage *self)
{
  gp_live_query_queue (self->live);
}

static void
on_sync_changed (GpIncidentsPage *self)
{
  GpSyncManager *sync = gp_context_get_sync (self->context);

  if (sync != NULL)
    g_signal_connect_object (sync, "notify::last-success", G_CALLBACK (on_synced), self, G_CONNECT_SWAPPED);
}

/* Reports and steps make the list; a report's photos may have changed, so
 * its thumbnail is read again. */
static gboolean
is_of_list (const char *id,
            gpointer    user_data)
{
  GpIncidentsPage *self = user_data;

  if (g_str_has_prefix (id, "incident:"))
    {
      g_hash_table_remove (self->thumbnails, id);
      return TRUE;
    }
  return g_str_has_prefix (id, "event:");
}

static gboolean
is_nothing (const char *id,
            gpointer    user_data)
{
  return FALSE;
}

static void
on_context_changed (GpIncidentsPage *self)
{
  GpStore *store = gp_context_get_store (self->context);

  if (store != self->store)
    {
      g_set_object (&self->store, store);
      g_hash_table_remove_all (self->thumbnails);
    }
  g_list_store_remove_all (self->items);
  gp_incident_view_show (self->view, NULL);
  gp_incidents_page_reload (self);
}

/* Navigation. */

static void
update_back (GpIncidentsPage *self)
{
  gp_incident_view_set_can_go_back (self->view, adw_navigation_split_view_get_collapsed (self->split_view));
}

void
gp_incidents_page_show (GpIncidentsPage *self,
                        const char      *incident_id)
{
  g_return_if_fail (GP_IS_INCIDENTS_PAGE (self));

  gp_incident_view_show (self->view, incident_id);
  adw_navigation_split_view_set_show_content (self->split_view, TRUE);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GpIncidentsPage *self = GP_INCIDENTS_PAGE (widget);

  adw_navigation_split_view_set_show_content (self->split_view, FALSE);
}

GListModel *
gp_incidents_page_get_model (GpIncidentsPage *self)
{
  g_return_val_if_fail (GP_IS_INCIDENTS_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

gboolean
gp_incidents_page_get_loading (GpIncidentsPage *self)
{
  g_return_val_if_fail (GP_IS_INCIDENTS_PAGE (self), FALSE);

  return self->loading || gp_live_query_get_queued (self->live) ||
         gtk_filter_list_model_get_pending (self->filtered) > 0;
}

GpIncidentView *
gp_incidents_page_get_view (GpIncidentsPage *self)
{
  g_return_val_if_fail (GP_IS_INCIDENTS_PAGE (self), NULL);

  return self->view;
}

static GListModel *
classes_model (GpCategories *categories)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  const char *last = NULL;

  gtk_string_list_append (list, _("All Categories"));
  for (guint i = 0; i < gp_categories_get_n_items (categories); i++)
    {
      const GpCategory *category = gp_categories_get_item (categories, i);

      if (g_strcmp0 (last, category->class_code) != 0)
        {
          g_autofree char *label = g_strdup_printf ("%s %s", category->class_code, category->class_label);

          gtk_string_list_append (list, label);
          last = category->class_code;
        }
    }
  return G_LIST_MODEL (list);
}

static void
on_categories (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpIncidentsPage) self = user_data;
  g_autoptr(GpCategories) categories = gp_categories_load_finish (GP_STORE (source), result, NULL);
  g_autoptr(GListModel) classes = NULL;
  g_autofree char *chosen = NULL;

  if (categories == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  /* The class chosen meanwhile stays chosen. */
  chosen = g_strdup (self->class_code);
  classes = classes_model (categories);
  g_signal_handlers_block_by_func (self->class_dropdown, on_class_selected, self);
  gtk_drop_down_set_model (self->class_dropdown, classes);
  gtk_drop_down_set_selected (self->class_dropdown, 0);
  for (guint i = 1; chosen != NULL && i < g_list_model_get_n_items (classes); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (classes), i), chosen))
      gtk_drop_down_set_selected (self->class_dropdown, i);
  g_signal_handlers_unblock_by_func (self->class_dropdown, on_class_selected, self);
}

static void
gp_incidents_page_dispose (GObject *object)
{
  GpIncidentsPage *self = (GpIncidentsPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->live);
  g_clear_object (&self->clock);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_INCIDENTS_PAGE);

  G_OBJECT_CLASS (gp_incidents_page_parent_class)->dispose (object);
}

static void
gp_incidents_page_finalize (GObject *object)
{
  GpIncidentsPage *self = (GpIncidentsPage *) object;

  g_clear_object (&self->context);
  g_clear_object (&self->store);
  g_clear_object (&self->items);
  g_clear_object (&self->filtered);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->assigned, g_hash_table_unref);
  g_free (self->assigned_user);
  g_free (self->class_code);
  g_free (self->user);
  g_free (self->grid_code);

  G_OBJECT_CLASS (gp_incidents_page_parent_class)->finalize (object);
}

static void
gp_incidents_page_class_init (GpIncidentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_incidents_page_dispose;
  object_class->finalize = gp_incidents_page_finalize;

  /**
   * GpIncidentsPage::assigned:
   * @total: the cases given to the user, waiting to be accepted
   * @arrived: how many of them arrived since the list was last read
   * @title: (nullable): the first of those that arrived
   */
  signals[ASSIGNED] = g_signal_new ("assigned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-incidents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, split_view);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, open_toggle);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, mine_toggle);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, overdue_toggle);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, today_toggle);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, class_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentsPage, view_bin);
  gtk_widget_class_install_action (widget_class, "incidents.back", NULL, back_action);
}

static void
gp_incidents_page_init (GpIncidentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->assigned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filters = GP_INCIDENT_FILTER_OPEN;
}

GtkWidget *
gp_incidents_page_new (GpContext *context)
{
  GpIncidentsPage *self = g_object_new (GP_TYPE_INCIDENTS_PAGE, NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GListModel) classes = NULL;
  GtkNoSelection *selection;

  self->context = g_object_ref (context);
  self->user = gp_context_dup_user_name (context);
  self->items = g_list_store_new (GP_TYPE_INCIDENT_ITEM);
  self->filter = gtk_custom_filter_new (keep, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->items)), GTK_FILTER (self->filter));
  /* Thousands of rows are filtered a slice per frame, not in one go. */
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  g_signal_connect_object (self->filtered, "notify::pending", G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
  update_today (self);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (on_activate), self, 0);

  /* The shipped classes now, the grid centre's once read off the main loop. */
  {
    g_autoptr(GpCategories) shipped = gp_categories_new_default ();

    classes = classes_model (shipped);
    gtk_drop_down_set_model (self->class_dropdown, classes);
    if (gp_context_get_store (context) != NULL)
      gp_categories_load_async (gp_context_get_store (context), self->cancellable, on_categories,
                                g_object_ref (self));
  }
  g_signal_connect_object (self->class_dropdown, "notify::selected", G_CALLBACK (on_class_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->open_toggle, "toggled", G_CALLBACK (on_toggles_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mine_toggle, "toggled", G_CALLBACK (on_toggles_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->overdue_toggle, "toggled", G_CALLBACK (on_toggles_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->today_toggle, "toggled", G_CALLBACK (on_toggles_changed), self, G_CONNECT_SWAPPED);

  self->view = GP_INCIDENT_VIEW (gp_incident_view_new (context));
  adw_bin_set_child (self->view_bin, GTK_WIDGET (self->view));
  g_signal_connect_object (self->split_view, "notify::collapsed", G_CALLBACK (update_back), self,
                           G_CONNECT_SWAPPED);
  update_back (self);

  g_signal_connect_object (context, "notify::store", G_CALLBACK (on_context_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::grid", G_CALLBACK (on_context_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::sync", G_CALLBACK (on_sync_changed), self, G_CONNECT_SWAPPED);
  /* Reports and steps are followed while hidden too: the tab counts the
   * cases given to the worker. The minute only while on screen. */
  self->live = gp_live_query_new (context, RELOAD_DELAY_MS);
  gp_live_query_set_filter (self->live, is_of_list, self);
  g_signal_connect_object (self->live, "refresh", G_CALLBACK (on_refresh), self, G_CONNECT_SWAPPED);
  self->clock = gp_live_query_new (context, 0);
  gp_live_query_set_filter (self->clock, is_nothing, NULL);
  gp_live_query_set_per_minute (self->clock, TRUE);
  gp_live_query_set_active (self->clock, FALSE);
  g_signal_connect_object (self->clock, "refresh", G_CALLBACK (on_minute), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_mapped), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_mapped), NULL);
  on_sync_changed (self);
  on_context_changed (self);
  return GTK_WIDGET (self);
}
