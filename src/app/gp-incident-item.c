/* gp-incident-item.c
 *
 * Lists load every incident of a grid with one query on the case table,
 * where each case's fold is kept (gp-case-index.c), and one for the
 * buildings' names: no query per row, no fold unless a case changed.
 * Loading runs in a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-incident-item"

#include "config.h"

#include "gp-incident-item.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-stats.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>

struct _GpIncidentItem
{
  GObject    parent_instance;

  char      *id;
  char      *title;
  char      *category;
  char      *category_label;
  char      *place;
  char      *reporter;
  char      *owner;         /* to whom it was given, if anyone */
  char      *thumbnail;
  gint64     reported_at;
  gint64     deadline;
  GpState    state;
  GpWarning  warning;
  gboolean   has_position;
  double     latitude;
  double     longitude;
  gboolean   sent;
};

G_DEFINE_FINAL_TYPE (GpIncidentItem, gp_incident_item, G_TYPE_OBJECT)

static void
gp_incident_item_finalize (GObject *object)
{
  GpIncidentItem *self = (GpIncidentItem *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->category);
  g_free (self->category_label);
  g_free (self->place);
  g_free (self->reporter);
  g_free (self->owner);
  g_free (self->thumbnail);

  G_OBJECT_CLASS (gp_incident_item_parent_class)->finalize (object);
}

static void
gp_incident_item_class_init (GpIncidentItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_incident_item_finalize;
}

static void
gp_incident_item_init (GpIncidentItem *self)
{
}

#define GETTER(type, name, field) \
  type gp_incident_item_get_##name (GpIncidentItem *self) \
  { \
    g_return_val_if_fail (GP_IS_INCIDENT_ITEM (self), (type) 0); \
    return self->field; \
  }

GETTER (const char *, id, id)
GETTER (const char *, title, title)
GETTER (const char *, category, category)
GETTER (const char *, category_label, category_label)
GETTER (const char *, place, place)
GETTER (const char *, reporter, reporter)
GETTER (const char *, owner, owner)
GETTER (const char *, thumbnail, thumbnail)
GETTER (gint64, reported_at, reported_at)
GETTER (gint64, deadline, deadline)
GETTER (GpState, state, state)
GETTER (GpWarning, warning, warning)

gboolean
gp_incident_item_get_position (GpIncidentItem *self,
                               double         *latitude,
                               double         *longitude)
{
  g_return_val_if_fail (GP_IS_INCIDENT_ITEM (self), FALSE);

  *latitude = self->latitude;
  *longitude = self->longitude;
  return self->has_position;
}

gboolean
gp_incident_item_is_open (GpIncidentItem *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_ITEM (self), FALSE);

  return self->state != GP_STATE_VOID && self->state != GP_STATE_CLOSED;
}

/* Whether the grid centre has it as it is here (see
 * gp_incident_items_mark_sent()). */
gboolean
gp_incident_item_is_sent (GpIncidentItem *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_ITEM (self), FALSE);

  return self->sent;
}

/**
 * gp_incident_items_mark_sent:
 * @sent_seq: the store's sequence up to which everything reached the centre;
 *   -1 when the phone syncs with no centre
 *
 * An incident is sent when it has not changed in the store since: the
 * change feed after @sent_seq lists what the centre does not have yet.
 */
void
gp_incident_items_mark_sent (GPtrArray *items,
                             GpStore   *store,
                             gint64     sent_seq)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) unsent = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (items != NULL && GP_IS_STORE (store));

  if (sent_seq >= 0)
    changes = gp_store_changes (store, sent_seq, 0, NULL);
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    g_hash_table_add (unsent, ((GpStoreChange *) g_ptr_array_index (changes, i))->id);
  for (guint i = 0; i < items->len; i++)
    {
      GpIncidentItem *item = g_ptr_array_index (items, i);

      item->sent = changes != NULL && !g_hash_table_contains (unsent, item->id);
    }
}

/**
 * gp_incident_items_load:
 * @now: UNIX time the cases' clocks are read at
 *
 * Every incident of a grid, newest first, where its case stands at @now:
 * one query on the case table (gp-case-index.c), brought up to date first.
 *
 * Returns: (transfer full) (element-type GpIncidentItem):
 */
GPtrArray *
gp_incident_items_load (GpStore     *store,
                        const char  *grid_code,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) buildings = NULL;
  g_autoptr(GpCategories) categories = NULL;
  g_autoptr(GHashTable) building_names = NULL;
  GPtrArray *items;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  if ((cases = gp_stats_list_cases (store, grid_code, now, error)) == NULL ||
      (buildings = gp_store_list (store, "building", grid_code, error)) == NULL)
    return NULL;
  categories = gp_categories_load (store);

  building_names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < buildings->len; i++)
    g_hash_table_insert (building_names, (gpointer) gp_json_get_string (g_ptr_array_index (buildings, i), "_id"),
                         (gpointer) gp_json_get_string (g_ptr_array_index (buildings, i), "name"));

  items = g_ptr_array_new_full (cases->len, g_object_unref);
  for (guint i = 0; i < cases->len; i++)
    {
      GpBoardCase *c = g_ptr_array_index (cases, i);
      GpIncidentItem *item = g_object_new (GP_TYPE_INCIDENT_ITEM, NULL);

      item->id = g_strdup (c->incident);
      item->category = g_strdup (c->category);
      item->category_label = g_strdup (gp_categories_label (categories, c->category));
      item->title = g_strdup (c->title ? c->title : item->category_label);
      item->place = g_strdup (c->building ? g_hash_table_lookup (building_names, c->building) : NULL);
      if (item->place == NULL)
        item->place = g_strdup (c->address);
      item->reporter = g_strdup (c->reporter);
      item->owner = g_strdup (c->owner);
      item->thumbnail = g_strdup (c->thumbnail);
      item->has_position = c->has_position;
      item->latitude = c->lat;
      item->longitude = c->lon;
      item->reported_at = c->reported_at;
      item->deadline = c->deadline;
      item->state = c->state;
      item->warning = c->warning;
      g_ptr_array_add (items, item);
    }
  return items;
}

typedef struct
{
  char   *grid;
  gint64  sent_seq;
} ItemsQuery;

static void
items_query_free (ItemsQuery *query)
{
  g_free (query->grid);
  g_free (query);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ItemsQuery *query = task_data;
  GError *error = NULL;
  GPtrArray *items = gp_incident_items_load (source_object, query->grid, gp_clock_get_now (), &error);

  if (items == NULL)
    g_task_return_error (task, error);
  else
    {
      gp_incident_items_mark_sent (items, source_object, query->sent_seq);
      g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
    }
}

/**
 * gp_incident_items_load_async:
 * @sent_seq: for gp_incident_items_mark_sent()
 */
void
gp_incident_items_load_async (GpStore             *store,
                              const char          *grid_code,
                              gint64               sent_seq,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ItemsQuery *query = g_new0 (ItemsQuery, 1);

  g_task_set_source_tag (task, gp_incident_items_load_async);
  query->grid = g_strdup (grid_code);
  query->sent_seq = sent_seq;
  g_task_set_task_data (task, query, (GDestroyNotify) items_query_free);
  gp_worker_run (task, load_thread);
}

GPtrArray *
gp_incident_items_load_finish (GpStore       *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gp_incident_items_find_duplicates:
 *
 * Returns: (transfer full) (element-type GpIncidentItem): the open cases
 *   of @category in the grid reported in the last %GP_DUPLICATE_DAYS days
 *   within %GP_DUPLICATE_RADIUS_M of the place, newest first
 */
GPtrArray *
gp_incident_items_find_duplicates (GpStore     *store,
                                   const char  *grid_code,
                                   const char  *category,
                                   double       lat,
                                   double       lon,
                                   gint64       now,
                                   GError     **error)
{
  g_autoptr(GPtrArray) items = gp_incident_items_load (store, grid_code, now, error);
  GPtrArray *near;
  GpGeoPoint where = { .lat = lat, .lon = lon };

  if (items == NULL)
    return NULL;
  near = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < items->len; i++)
    {
      GpIncidentItem *item = g_ptr_array_index (items, i);
      GpGeoPoint point;

      if (!gp_incident_item_is_open (item) ||
          g_strcmp0 (gp_incident_item_get_category (item), category) != 0 ||
          gp_incident_item_get_reported_at (item) < now - GP_DUPLICATE_DAYS * 86400 ||
          !gp_incident_item_get_position (item, &point.lat, &point.lon) ||
          gp_geo_distance (point, where) > GP_DUPLICATE_RADIUS_M)
        continue;
      g_ptr_array_add (near, g_object_ref (item));
    }
  return near;
}

typedef struct
{
  char   *grid;
  char   *category;
  double  lat, lon;
  gint64  now;
} Duplicates;

static void
duplicates_free (Duplicates *query)
{
  g_free (query->grid);
  g_free (query->category);
  g_free (query);
}

static void
duplicates_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Duplicates *query = task_data;
  GError *error = NULL;
  GPtrArray *near = gp_incident_items_find_duplicates (source_object, query->grid, query->category, query->lat,
                                                       query->lon, query->now, &error);

  if (near == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, near, (GDestroyNotify) g_ptr_array_unref);
}

void
gp_incident_items_find_duplicates_async (GpStore             *store,
                                         const char          *grid_code,
                                         const char          *category,
                                         double               lat,
                                         double               lon,
                                         gint64               now,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Duplicates *query;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_incident_items_find_duplicates_async);
  query = g_new0 (Duplicates, 1);
  query->grid = g_strdup (grid_code);
  query->category = g_strdup (category);
  query->lat = lat;
  query->lon = lon;
  query->now = now;
  g_task_set_task_data (task, query, (GDestroyNotify) duplicates_free);
  gp_worker_run (task, duplicates_thread);
}

GPtrArray *
gp_incident_items_find_duplicates_finish (GpStore       *store,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
