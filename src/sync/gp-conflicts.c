/* gp-conflicts.c — the grid's documents whose edits disagree.
 *
 * Households and routes are the documents two people edit apart (a
 * worker at the door, the centre at its desk); when sync brings both
 * edits, a leader chooses. Steps never conflict: each is its own
 * document.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-conflicts"

#include "config.h"

#include "gp-conflicts.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>

static void
conflict_free (GpConflict *conflict)
{
  g_free (conflict->id);
  g_free (conflict->title);
  g_free (conflict->kind);
  g_free (conflict);
}

static void
add (GPtrArray  *conflicts,
     const char *id,
     const char *title,
     const char *kind)
{
  GpConflict *conflict = g_new0 (GpConflict, 1);

  conflict->id = g_strdup (id);
  conflict->title = g_strdup (title);
  conflict->kind = g_strdup (kind);
  g_ptr_array_add (conflicts, conflict);
}

/**
 * gp_conflicts_list:
 *
 * Returns: (transfer full) (element-type GpConflict): the grid's
 *   conflicted households, each named by its address, then its routes
 */
GPtrArray *
gp_conflicts_list (GpStore    *store,
                   const char *grid)
{
  GPtrArray *conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) conflict_free);
  g_autoptr(GPtrArray) households = gp_store_list_conflicted (store, "household", grid, NULL);
  g_autoptr(GPtrArray) routes = gp_store_list_conflicted (store, "route", grid, NULL);

  for (guint i = 0; households != NULL && i < households->len; i++)
    {
      JsonObject *doc = g_ptr_array_index (households, i);
      g_autoptr(GpDocument) household = gp_documents_load (store, gp_json_get_string (doc, "_id"), NULL);
      g_autoptr(GpDocument) building = NULL;
      g_autofree char *address = NULL;

      if (household == NULL || !GP_IS_HOUSEHOLD (household))
        continue;
      building = gp_documents_load (store, gp_household_get_building (GP_HOUSEHOLD (household)), NULL);
      address = gp_household_format_address (GP_HOUSEHOLD (household),
                                             building && GP_IS_BUILDING (building)
                                             ? gp_building_get_name (GP_BUILDING (building)) : NULL);
      add (conflicts, gp_json_get_string (doc, "_id"), address, _("Household"));
    }
  for (guint i = 0; routes != NULL && i < routes->len; i++)
    {
      JsonObject *doc = g_ptr_array_index (routes, i);

      add (conflicts, gp_json_get_string (doc, "_id"),
           gp_json_get_string (doc, "name") ? gp_json_get_string (doc, "name") : gp_json_get_string (doc, "_id"),
           _("Patrol route"));
    }
  return conflicts;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_pointer (task, gp_conflicts_list (source_object, task_data), (GDestroyNotify) g_ptr_array_unref);
}

void
gp_conflicts_list_async (GpStore             *store,
                         const char          *grid,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_conflicts_list_async);
  g_task_set_task_data (task, g_strdup (grid), g_free);
  gp_worker_run (task, list_thread);
}

GPtrArray *
gp_conflicts_list_finish (GpStore       *store,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
