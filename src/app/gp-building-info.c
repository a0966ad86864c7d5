/* gp-building-info.c
 *
 * One building as the map's sheet shows it: the building, its households
 * in the order a worker walks them (unit, floor, room) and its latest
 * visit. Read off the main loop when a building is tapped: the store's
 * reader may be busy with a sync for a while, and the map must not stop
 * under the finger meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-building-info"

#include "config.h"

#include "gp-building-info.h"
#include "gp-building.h"
#include "gp-documents.h"
#include "gp-household.h"
#include "gp-store.h"
#include "gp-visit.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>

void
gp_building_info_free (GpBuildingInfo *info)
{
  if (info == NULL)
    return;
  g_clear_object (&info->building);
  g_clear_pointer (&info->households, g_ptr_array_unref);
  g_clear_object (&info->last_visit);
  g_free (info);
}

static GpVisit *
find_last_visit (GPtrArray *visits)
{
  GpVisit *last = NULL;
  g_autoptr(GDateTime) last_at = NULL;

  for (guint i = 0; visits != NULL && i < visits->len; i++)
    {
      GpVisit *visit = g_ptr_array_index (visits, i);
      g_autoptr(GDateTime) at = gp_visit_dup_at (visit);

      if (at != NULL && (last_at == NULL || g_date_time_compare (at, last_at) > 0))
        {
          g_clear_pointer (&last_at, g_date_time_unref);
          last_at = g_steal_pointer (&at);
          last = visit;
        }
    }
  return last ? g_object_ref (last) : NULL;
}

/**
 * gp_building_info_load:
 *
 * A building that cannot be read, or that is not a building, is an error;
 * its visits are only a nicety: when they cannot be read there is no
 * latest visit.
 */
GpBuildingInfo *
gp_building_info_load (GpStore     *store,
                       const char  *building_id,
                       GError     **error)
{
  g_autoptr(GpBuildingInfo) info = g_new0 (GpBuildingInfo, 1);
  g_autoptr(GpDocument) building = NULL;
  g_autoptr(GPtrArray) visits = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);
  g_return_val_if_fail (building_id != NULL, NULL);

  building = gp_documents_load (store, building_id, error);
  if (building == NULL)
    return NULL;
  if (!GP_IS_BUILDING (building))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not a building"), building_id);
      return NULL;
    }
  info->households = gp_documents_load_by (store, "household", GP_STORE_REF_BUILDING, building_id, error);
  if (info->households == NULL)
    return NULL;
  g_ptr_array_sort (info->households, gp_household_compare_doors);
  info->building = GP_BUILDING (g_steal_pointer (&building));
  visits = gp_documents_load_by (store, "visit", GP_STORE_REF_BUILDING, building_id, NULL);
  info->last_visit = find_last_visit (visits);
  return g_steal_pointer (&info);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GpBuildingInfo *info = gp_building_info_load (source_object, task_data, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) gp_building_info_free);
}

void
gp_building_info_load_async (GpStore             *store,
                             const char          *building_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (store));
  g_return_if_fail (building_id != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_building_info_load_async);
  g_task_set_task_data (task, g_strdup (building_id), g_free);
  gp_worker_run (task, load_thread);
}

GpBuildingInfo *
gp_building_info_load_finish (GpStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
