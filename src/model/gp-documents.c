/* gp-documents.c — typed documents in a store.
 *
 * The store keeps JSON; these read it as GpDocument objects of the type
 * each names, and write documents back after validating them, several in
 * one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-documents"

#include "config.h"

#include "gp-documents.h"
#include "gp-worker.h"

GpDocument *
gp_documents_load (GpStore     *store,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(JsonObject) json = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  json = gp_store_get (store, id, GP_STORE_GET_NONE, error);
  if (json == NULL)
    return NULL;
  return gp_document_new_take_json (g_steal_pointer (&json), error);
}

static GPtrArray *
to_documents (GPtrArray  *json,
              GError    **error)
{
  g_autoptr(GPtrArray) documents = NULL;

  if (json == NULL)
    return NULL;

  documents = g_ptr_array_new_full (json->len, g_object_unref);
  for (guint i = 0; i < json->len; i++)
    {
      GpDocument *document = gp_document_new_take_json (json_object_ref (g_ptr_array_index (json, i)), error);

      if (document == NULL)
        return NULL;
      g_ptr_array_add (documents, document);
    }
  return g_steal_pointer (&documents);
}

GPtrArray *
gp_documents_load_all (GpStore     *store,
                       const char  *type,
                       const char  *grid,
                       GError     **error)
{
  g_autoptr(GPtrArray) json = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  json = gp_store_list (store, type, grid, error);
  return to_documents (json, error);
}

GPtrArray *
gp_documents_load_by (GpStore     *store,
                      const char  *type,
                      GpStoreRef   ref,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(GPtrArray) json = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  json = gp_store_list_by (store, type, ref, id, error);
  return to_documents (json, error);
}

/* Loading off the main loop: every document of a type in a grid, or those
 * a reference names. */
typedef struct
{
  char       *type;
  char       *key;     /* the grid, or the id referred to */
  gboolean    by_ref;
  GpStoreRef  ref;
} Load;

static void
load_free (Load *load)
{
  g_free (load->type);
  g_free (load->key);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  GError *error = NULL;
  GPtrArray *documents = load->by_ref ? gp_documents_load_by (source_object, load->type, load->ref, load->key, &error)
                                      : gp_documents_load_all (source_object, load->type, load->key, &error);

  if (documents == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, documents, (GDestroyNotify) g_ptr_array_unref);
}

static void
load_async (GpStore             *store,
            Load                *load,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  gp_worker_run (task, load_thread);
}

/**
 * gp_documents_load_all_async:
 *
 * gp_documents_load_all() in a worker thread.
 */
void
gp_documents_load_all_async (GpStore             *store,
                             const char          *type,
                             const char          *grid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Load *load;

  g_return_if_fail (GP_IS_STORE (store));

  load = g_new0 (Load, 1);
  load->type = g_strdup (type);
  load->key = g_strdup (grid);
  load_async (store, load, gp_documents_load_all_async, cancellable, callback, user_data);
}

GPtrArray *
gp_documents_load_all_finish (GpStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gp_documents_load_by_async:
 *
 * gp_documents_load_by() in a worker thread.
 */
void
gp_documents_load_by_async (GpStore             *store,
                            const char          *type,
                            GpStoreRef           ref,
                            const char          *id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Load *load;

  g_return_if_fail (GP_IS_STORE (store));

  load = g_new0 (Load, 1);
  load->type = g_strdup (type);
  load->key = g_strdup (id);
  load->by_ref = TRUE;
  load->ref = ref;
  load_async (store, load, gp_documents_load_by_async, cancellable, callback, user_data);
}

GPtrArray *
gp_documents_load_by_finish (GpStore       *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  return gp_documents_load_all_finish (store, result, error);
}

/* The store's edits for the documents, made on the caller's thread so the
 * writer touches no GObject. */
static GPtrArray *
to_edits (GPtrArray  *documents,
          GError    **error)
{
  g_autoptr(GPtrArray) edits = g_ptr_array_new_full (documents->len, (GDestroyNotify) gp_store_edit_free);

  for (guint i = 0; i < documents->len; i++)
    {
      GpDocument *document = g_ptr_array_index (documents, i);
      GPtrArray *attachments = gp_document_get_attachments (document);
      g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
      g_autoptr(JsonObject) json = NULL;

      if (!gp_document_validate (document, error))
        {
          g_prefix_error (error, "%s: ", gp_document_get_id (document));
          return NULL;
        }

      json = gp_document_to_json (document);
      for (guint j = 0; j < attachments->len; j++)
        if (!gp_attachment_is_stub (g_ptr_array_index (attachments, j)))
          g_ptr_array_add (fresh, gp_attachment_ref (g_ptr_array_index (attachments, j)));
      g_ptr_array_add (edits, gp_store_edit_new (json, fresh));
    }
  return g_steal_pointer (&edits);
}

static void
apply_revs (GPtrArray  *documents,
            char      **revs)
{
  for (guint i = 0; i < documents->len; i++)
    gp_document_mark_saved (g_ptr_array_index (documents, i), revs[i]);
}

/**
 * gp_documents_save_all:
 *
 * Validates the documents and saves them in one transaction: all or
 * nothing. They get their new revisions.
 */
gboolean
gp_documents_save_all (GpStore          *store,
                       GPtrArray        *documents,
                       GpStorePutFlags   flags,
                       GError          **error)
{
  g_autoptr(GPtrArray) edits = NULL;
  g_auto(GStrv) revs = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (documents != NULL, FALSE);

  edits = to_edits (documents, error);
  if (edits == NULL)
    return FALSE;
  revs = gp_store_put_all (store, edits, flags, error);
  if (revs == NULL)
    return FALSE;

  apply_revs (documents, revs);
  return TRUE;
}

gboolean
gp_documents_save (GpStore          *store,
                   GpDocument       *document,
                   GpStorePutFlags   flags,
                   GError          **error)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();

  g_return_val_if_fail (GP_IS_DOCUMENT (document), FALSE);

  g_ptr_array_add (documents, document);
  return gp_documents_save_all (store, documents, flags, error);
}

static void
on_put_all (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_auto(GStrv) revs = gp_store_put_all_finish (GP_STORE (source), result, &error);

  if (revs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  apply_revs (g_task_get_task_data (task), revs);
  g_task_return_boolean (task, TRUE);
}

/**
 * gp_documents_save_all_async:
 *
 * gp_documents_save_all() on the store's writer thread. Writes run in the
 * order they were asked for. The documents get their new revisions when
 * the save is done, before @callback runs; leave them unchanged until then.
 */
void
gp_documents_save_all_async (GpStore             *store,
                             GPtrArray           *documents,
                             GpStorePutFlags      flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) owned = NULL;
  g_autoptr(GPtrArray) edits = NULL;
  GError *error = NULL;

  g_return_if_fail (GP_IS_STORE (store));
  g_return_if_fail (documents != NULL);

  /* The documents get their revisions at the end; keep them alive until
   * then, whatever the caller does with its own references. */
  owned = g_ptr_array_new_full (documents->len, g_object_unref);
  for (guint i = 0; i < documents->len; i++)
    g_ptr_array_add (owned, g_object_ref (g_ptr_array_index (documents, i)));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_documents_save_all_async);
  g_task_set_task_data (task, g_steal_pointer (&owned), (GDestroyNotify) g_ptr_array_unref);

  edits = to_edits (documents, &error);
  if (edits == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  gp_store_put_all_async (store, edits, flags, cancellable, on_put_all, g_steal_pointer (&task));
}

gboolean
gp_documents_save_all_finish (GpStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
