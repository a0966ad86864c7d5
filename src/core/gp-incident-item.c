/* gp-incident-item.c
 *
 * Lists load every incident of a grid with one query for the incidents,
 * one for their events and one for the buildings, and fold each case in
 * memory: no query per row. Loading runs in a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-incident-item"

#include "config.h"

#include "gp-incident-item.h"
#include "gp-categories.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-incidents.h"
#include "gp-json.h"
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

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  GpIncidentItem *x = *(GpIncidentItem **) a;
  GpIncidentItem *y = *(GpIncidentItem **) b;

  if (x->reported_at != y->reported_at)
    return x->reported_at > y->reported_at ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/**
 * gp_incident_items_load:
 * @now: UNIX time the cases' clocks are read at
 *
 * Every incident of a grid, newest first, with its case folded at @now.
 *
 * Returns: (transfer full) (element-type GpIncidentItem):
 */
GPtrArray *
gp_incident_items_load (GpStore     *store,
                        const char  *grid_code,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) buildings = NULL;
  g_autoptr(GpPolicy) policy = NULL;
  g_autoptr(GpCategories) categories = NULL;
  g_autoptr(GHashTable) by_incident = NULL;
  g_autoptr(GHashTable) building_names = NULL;
  GPtrArray *items;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  policy = gp_incidents_load_policy (store, grid_code, error);
  if (policy == NULL ||
      (incidents = gp_store_load_all (store, "incident", grid_code, error)) == NULL ||
      (events = gp_store_load_all (store, "event", grid_code, error)) == NULL ||
      (buildings = gp_store_list (store, "building", grid_code, error)) == NULL)
    return NULL;
  categories = gp_categories_load (store);

  by_incident = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < events->len; i++)
    {
      GpEvent *event = g_ptr_array_index (events, i);
      GPtrArray *list = g_hash_table_lookup (by_incident, gp_event_get_incident (event));

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_incident, (gpointer) gp_event_get_incident (event), list);
        }
      g_ptr_array_add (list, event);
    }
  building_names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < buildings->len; i++)
    g_hash_table_insert (building_names, (gpointer) gp_json_get_string (g_ptr_array_index (buildings, i), "_id"),
                         (gpointer) gp_json_get_string (g_ptr_array_index (buildings, i), "name"));

  items = g_ptr_array_new_full (incidents->len, g_object_unref);
  for (guint i = 0; i < incidents->len; i++)
    {
      GpIncident *incident = g_ptr_array_index (incidents, i);
      const char *id = gp_document_get_id (GP_DOCUMENT (incident));
      g_autoptr(GpCase) c = gp_case_fold (incident, g_hash_table_lookup (by_incident, id), policy, now);
      GpIncidentItem *item = g_object_new (GP_TYPE_INCIDENT_ITEM, NULL);
      const GpCategory *category = gp_categories_lookup (categories, c->category);
      const char *description = gp_incident_get_description (incident);
      const char *building = gp_incident_get_building (incident);
      JsonArray *photos = gp_document_get_array_member (GP_DOCUMENT (incident), "photos");

      item->id = g_strdup (id);
      item->category = g_strdup (c->category);
      item->category_label = g_strdup (category ? category->label : c->category);
      item->title = g_strdup (description && *description ? description : item->category_label);
      item->place = g_strdup (building ? g_hash_table_lookup (building_names, building) : NULL);
      if (item->place == NULL)
        item->place = g_strdup (gp_incident_get_address (incident));
      item->reporter = g_strdup (gp_incident_get_reporter (incident));
      if (photos != NULL && json_array_get_length (photos) > 0)
        item->thumbnail = g_strdup (gp_json_get_string (json_array_get_object_element (photos, 0), "thumbnail"));
      {
        JsonObject *geometry = gp_document_get_geometry (GP_DOCUMENT (incident));
        GpGeoPoint point;

        if (geometry != NULL && g_strcmp0 (gp_json_get_string (geometry, "type"), "Point") == 0 &&
            gp_geo_position_parse (json_object_get_member (geometry, "coordinates"), &point, NULL))
          {
            item->has_position = TRUE;
            item->latitude = point.lat;
            item->longitude = point.lon;
          }
      }
      item->reported_at = c->reported_at;
      item->deadline = c->deadline;
      item->state = c->state;
      item->warning = c->warning;
      g_ptr_array_add (items, item);
    }
  g_ptr_array_sort (items, newest_first);
  return items;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  gint64 sent_seq = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "sent-seq")) - 1;
  GPtrArray *items = gp_incident_items_load (source_object, task_data, g_get_real_time () / G_USEC_PER_SEC,
                                             &error);

  if (items == NULL)
    g_task_return_error (task, error);
  else
    {
      gp_incident_items_mark_sent (items, source_object, sent_seq);
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

  g_task_set_source_tag (task, gp_incident_items_load_async);
  g_object_set_data (G_OBJECT (task), "sent-seq", GSIZE_TO_POINTER ((gsize) (sent_seq + 1)));
  g_task_set_task_data (task, g_strdup (grid_code), g_free);
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
