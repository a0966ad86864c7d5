/* gp-store-read.c — lookups, lists, the change feed and attachment bytes.
 *
 * Reads go through the reader connection, which WAL never blocks on the
 * writer; inside a write the same helpers run on the writer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-store"

#include "config.h"

#include "gp-store.h"
#include "gp-store-private.h"
#include "gp-attachment.h"
#include "gp-json.h"
#include "gp-revision.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

/* Reading documents; @db is the reader, or the writer inside a transaction. */

void
gp_store_doc_row_clear (GpStoreDocRow *row)
{
  g_clear_pointer (&row->rev, g_free);
  g_clear_pointer (&row->body, g_free);
}

void
gp_store_rev_row_clear (GpStoreRevRow *row)
{
  g_clear_pointer (&row->parent, g_free);
  g_clear_pointer (&row->body, g_free);
}

gboolean
gp_store_lookup_doc (GpDb        *db,
            const char  *id,
            GpStoreDocRow      *out,
            gboolean    *found,
            GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;

  stmt = gp_db_prepare (db, "SELECT doc_id, rev, deleted, body FROM docs WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!gp_db_step (db, stmt, found, error))
    return FALSE;

  if (*found)
    {
      out->doc_id = sqlite3_column_int64 (stmt, 0);
      out->rev = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      out->deleted = sqlite3_column_int (stmt, 2);
      out->body = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  return TRUE;
}

gboolean
gp_store_lookup_rev (GpDb        *db,
            gint64       doc_id,
            guint        pos,
            const char  *hash,
            GpStoreRevRow      *out,
            GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;

  stmt = gp_db_prepare (db,
                        "SELECT leaf, deleted, parent, body FROM revs "
                        "WHERE doc_id = ?1 AND pos = ?2 AND hash = ?3",
                        error);
  if (stmt == NULL)
    return FALSE;
  gp_db_bind_revision (stmt, doc_id, pos, hash);
  if (!gp_db_step (db, stmt, &out->exists, error))
    return FALSE;

  if (out->exists)
    {
      out->leaf = sqlite3_column_int (stmt, 0);
      out->deleted = sqlite3_column_int (stmt, 1);
      out->parent = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      out->body = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  return TRUE;
}

GPtrArray *
gp_store_read_attachments (GpDb        *db,
                  gint64       doc_id,
                  guint        pos,
                  const char  *hash,
                  GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
  g_autoptr(GError) local_error = NULL;
  gboolean row;

  stmt = gp_db_prepare (db,
                        "SELECT name, content_type, digest, length, revpos FROM attachments "
                        "WHERE doc_id = ?1 AND pos = ?2 AND hash = ?3 ORDER BY name",
                        error);
  if (stmt == NULL)
    return NULL;
  gp_db_bind_revision (stmt, doc_id, pos, hash);

  while (gp_db_step (db, stmt, &row, &local_error) && row)
    g_ptr_array_add (attachments,
                     gp_attachment_new_stub ((const char *) sqlite3_column_text (stmt, 0),
                                             (const char *) sqlite3_column_text (stmt, 1),
                                             (const char *) sqlite3_column_text (stmt, 2),
                                             sqlite3_column_int64 (stmt, 3),
                                             sqlite3_column_int (stmt, 4)));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&attachments);
}

char **
gp_store_read_leaves (GpDb        *db,
             gint64       doc_id,
             gboolean     live_only,
             GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean row;

  stmt = gp_db_prepare (db,
                        "SELECT pos, hash, deleted FROM revs WHERE doc_id = ?1 AND leaf = 1 "
                        "ORDER BY deleted ASC, pos DESC, hash DESC",
                        error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, doc_id);

  while (gp_db_step (db, stmt, &row, &local_error) && row)
    {
      g_autofree char *rev = NULL;

      if (live_only && sqlite3_column_int (stmt, 2))
        continue;
      rev = g_strdup_printf ("%d-%s", sqlite3_column_int (stmt, 0),
                             (const char *) sqlite3_column_text (stmt, 1));
      g_strv_builder_add (builder, rev);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_strv_builder_end (builder);
}

/* The JSON CouchDB would answer for this revision. */
JsonObject *
gp_store_build_doc (GpDb             *db,
           gint64            doc_id,
           const char       *id,
           const char       *rev,
           gboolean          deleted,
           const char       *body,
           GpStoreGetFlags   flags,
           GError          **error)
{
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(JsonObject) doc = json_object_new ();
  g_autoptr(GPtrArray) attachments = NULL;
  g_autofree char *hash = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  guint pos;

  parsed = gp_json_parse_object (body ? body : "{}", -1, error);
  if (parsed == NULL || !gp_revision_parse (rev, &pos, &hash))
    {
      g_clear_error (error);
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT,
                   _("The stored revision %s of %s is damaged"), rev, id);
      return NULL;
    }

  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "_rev", rev);
  json_object_iter_init_ordered (&iter, parsed);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    json_object_set_member (doc, member, json_node_ref (value));
  if (deleted)
    json_object_set_boolean_member (doc, "_deleted", TRUE);

  attachments = gp_store_read_attachments (db, doc_id, pos, hash, error);
  if (attachments == NULL)
    return NULL;
  if (attachments->len > 0)
    {
      JsonObject *stubs = json_object_new ();

      for (guint i = 0; i < attachments->len; i++)
        {
          GpAttachment *attachment = g_ptr_array_index (attachments, i);

          json_object_set_object_member (stubs, attachment->name,
                                         gp_attachment_to_stub_json (attachment));
        }
      json_object_set_object_member (doc, "_attachments", stubs);
    }

  if (flags & GP_STORE_GET_REVISIONS)
    {
      JsonObject *revisions = json_object_new ();
      JsonArray *ids = json_array_new ();
      g_autofree char *current = g_strdup (rev);

      /* Walk up the parents as far as they are known. */
      while (current != NULL)
        {
          g_auto(GpStoreRevRow) row = { 0 };
          g_autofree char *current_hash = NULL;
          guint current_pos;

          if (!gp_revision_parse (current, &current_pos, &current_hash))
            break;
          json_array_add_string_element (ids, current_hash);
          if (!gp_store_lookup_rev (db, doc_id, current_pos, current_hash, &row, error))
            {
              json_array_unref (ids);
              json_object_unref (revisions);
              return NULL;
            }
          g_free (current);
          current = row.exists ? g_steal_pointer (&row.parent) : NULL;
        }

      json_object_set_int_member (revisions, "start", pos);
      json_object_set_array_member (revisions, "ids", ids);
      json_object_set_object_member (doc, "_revisions", revisions);
    }

  if (flags & GP_STORE_GET_CONFLICTS)
    {
      g_auto(GStrv) leaves = gp_store_read_leaves (db, doc_id, TRUE, error);

      if (leaves == NULL)
        return NULL;
      if (leaves[0] != NULL && leaves[1] != NULL)
        {
          JsonArray *conflicts = json_array_new ();

          for (guint i = 0; leaves[i] != NULL; i++)
            if (!g_str_equal (leaves[i], rev))
              json_array_add_string_element (conflicts, leaves[i]);
          json_object_set_array_member (doc, "_conflicts", conflicts);
        }
    }

  return g_steal_pointer (&doc);
}

void
gp_store_set_not_found (GError     **error,
               const char  *id)
{
  g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("No document %s"), id);
}

/**
 * gp_store_get:
 *
 * The winning revision of a document, as CouchDB returns it: `_id`, `_rev`,
 * the body and attachment stubs. A deleted document is not found.
 */
JsonObject *
gp_store_get (GpStore          *self,
              const char       *id,
              GpStoreGetFlags   flags,
              GError          **error)
{
  GpDb *reader;
  g_auto(GpStoreDocRow) doc = { 0 };
  gboolean found = FALSE;
  JsonObject *result = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  if (gp_store_lookup_doc (reader, id, &doc, &found, error))
    {
      if (!found || doc.deleted)
        gp_store_set_not_found (error, id);
      else
        result = gp_store_build_doc (reader, doc.doc_id, id, doc.rev, FALSE, doc.body, flags, error);
    }
  g_rec_mutex_unlock (&reader->lock);

  return result;
}

/**
 * gp_store_get_revision:
 *
 * A given revision, deleted or not, as long as its body is kept (leaves).
 */
JsonObject *
gp_store_get_revision (GpStore          *self,
                       const char       *id,
                       const char       *rev,
                       GpStoreGetFlags   flags,
                       GError          **error)
{
  GpDb *reader;
  g_auto(GpStoreDocRow) doc = { 0 };
  g_auto(GpStoreRevRow) row = { 0 };
  g_autofree char *hash = NULL;
  gboolean found = FALSE;
  JsonObject *result = NULL;
  guint pos;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!gp_revision_parse (rev, &pos, &hash))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                   _("“%s” is not a revision id"), rev ? rev : "");
      return NULL;
    }

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  if (gp_store_lookup_doc (reader, id, &doc, &found, error))
    {
      if (!found)
        gp_store_set_not_found (error, id);
      else if (gp_store_lookup_rev (reader, doc.doc_id, pos, hash, &row, error))
        {
          if (!row.exists || row.body == NULL)
            g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND,
                         _("No revision %s of %s"), rev, id);
          else
            result = gp_store_build_doc (reader, doc.doc_id, id, rev, row.deleted, row.body,
                                flags, error);
        }
    }
  g_rec_mutex_unlock (&reader->lock);

  return result;
}

static char **
get_leaves (GpStore     *self,
            const char  *id,
            gboolean     conflicts_only,
            GError     **error)
{
  GpDb *reader;
  g_auto(GpStoreDocRow) doc = { 0 };
  gboolean found = FALSE;
  char **result = NULL;

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  if (gp_store_lookup_doc (reader, id, &doc, &found, error))
    {
      if (!found)
        gp_store_set_not_found (error, id);
      else if (!conflicts_only)
        result = gp_store_read_leaves (reader, doc.doc_id, FALSE, error);
      else
        {
          g_auto(GStrv) live = gp_store_read_leaves (reader, doc.doc_id, TRUE, error);

          if (live != NULL)
            {
              g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

              for (guint i = 0; live[i] != NULL; i++)
                if (!g_str_equal (live[i], doc.rev))
                  g_strv_builder_add (builder, live[i]);
              result = g_strv_builder_end (builder);
            }
        }
    }
  g_rec_mutex_unlock (&reader->lock);

  return result;
}

/**
 * gp_store_get_leaves:
 *
 * Every leaf revision of the document, deleted or not, the winner first.
 */
char **
gp_store_get_leaves (GpStore     *self,
                     const char  *id,
                     GError     **error)
{
  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return get_leaves (self, id, FALSE, error);
}

/**
 * gp_store_get_conflicts:
 *
 * The live leaves that lost to the winner: what a leader may have to settle.
 */
char **
gp_store_get_conflicts (GpStore     *self,
                        const char  *id,
                        GError     **error)
{
  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return get_leaves (self, id, TRUE, error);
}

/* Queries. */

/* Reads rows of (doc_id, id, rev, body) into documents. The statement is
 * the reader's, bound, and released here. */
static GPtrArray *
read_documents (GpStore   *self,
                GpDbStmt  *stmt,
                GError   **error)
{
  GpDb *reader;
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) local_error = NULL;
  gboolean row;

  reader = gp_store_reader (self);
  while (gp_db_step (reader, stmt, &row, &local_error) && row)
    {
      JsonObject *doc = gp_store_build_doc (reader, sqlite3_column_int64 (stmt, 0),
                                            (const char *) sqlite3_column_text (stmt, 1),
                                            (const char *) sqlite3_column_text (stmt, 2), FALSE,
                                            (const char *) sqlite3_column_text (stmt, 3),
                                            GP_STORE_GET_NONE, &local_error);
      if (doc == NULL)
        break;
      g_ptr_array_add (docs, doc);
    }
  gp_db_stmt_release (stmt);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&docs);
}

/* A document as a one-pass read hands it over: its body with _id and _rev,
 * without its attachments' stubs (which would cost a query each). */
static JsonObject *
bare_doc (GpDbStmt  *stmt,
          GError   **error)
{
  const char *id = (const char *) sqlite3_column_text (stmt, 0);
  const char *rev = (const char *) sqlite3_column_text (stmt, 1);
  JsonObject *doc = gp_json_parse_object ((const char *) sqlite3_column_text (stmt, 2), -1, NULL);

  if (doc == NULL)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT, _("The stored revision %s of %s is damaged"), rev,
                   id);
      return NULL;
    }
  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "_rev", rev);
  return doc;
}

/* The ids of @type lie in ["<type>:", "<type>;"): ';' follows ':'. */
static void
type_bounds (const char  *type,
             char       **first,
             char       **last)
{
  *first = g_strconcat (type, ":", NULL);
  *last = g_strconcat (type, ";", NULL);
}

/**
 * gp_store_split_ids:
 * @type: a document type, whose ids are "<type>:…"
 * @n_parts: at most how many parts, at least 1
 * @min_size: at least how many documents in a part
 *
 * Where to cut the ids of a type so that each part holds about as many
 * documents: the ids each part after the first starts at, in order, for
 * gp_store_foreach_family()'s @from and @to; one fewer than the parts,
 * which are fewer than @n_parts where there are not @min_size documents
 * for each. Read from the id index alone.
 *
 * Returns: (transfer full): the ids, %NULL-terminated
 */
GStrv
gp_store_split_ids (GpStore     *self,
                    const char  *type,
                    guint        n_parts,
                    guint        min_size,
                    GError     **error)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GStrvBuilder) cuts = g_strv_builder_new ();
  GpDbStmt *count, *nth = NULL;
  gboolean ok, row = FALSE;
  gint64 n = 0;
  GpDb *db;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (n_parts > 0, NULL);

  db = gp_store_reader (self);
  g_rec_mutex_lock (&db->lock);
  type_bounds (type, &first, &last);
  ok = gp_db_exec (db, "BEGIN", error);
  count = ok ? gp_db_prepare (db, "SELECT count(*) FROM docs WHERE id >= ?1 AND id < ?2", error) : NULL;
  if ((ok = count != NULL))
    {
      sqlite3_bind_text (count, 1, first, -1, SQLITE_STATIC);
      sqlite3_bind_text (count, 2, last, -1, SQLITE_STATIC);
      if ((ok = gp_db_step (db, count, &row, error)) && row)
        n = sqlite3_column_int64 (count, 0);
    }
  if (ok)
    {
      nth = gp_db_prepare (db, "SELECT id FROM docs WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 1 OFFSET ?3", error);
      ok = nth != NULL;
    }
  n_parts = (guint) CLAMP (n / MAX (min_size, 1), 1, n_parts);
  for (guint i = 1; ok && i < n_parts; i++)
    {
      gp_db_stmt_release (nth);
      sqlite3_bind_text (nth, 1, first, -1, SQLITE_STATIC);
      sqlite3_bind_text (nth, 2, last, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (nth, 3, n * i / n_parts);
      if ((ok = gp_db_step (db, nth, &row, error)) && row)
        g_strv_builder_add (cuts, (const char *) sqlite3_column_text (nth, 0));
    }
  g_clear_pointer (&count, gp_db_stmt_release);
  g_clear_pointer (&nth, gp_db_stmt_release);
  gp_db_exec (db, "COMMIT", NULL);
  g_rec_mutex_unlock (&db->lock);
  return ok ? g_strv_builder_end (cuts) : NULL;
}

/**
 * gp_store_foreach_family:
 * @type: the parents' type, whose ids are "<type>:…" ("incident")
 * @child_type: the type of the documents that name a parent ("event")
 * @ref: the member that names it; only %GP_STORE_REF_INCIDENT
 * @from: (nullable): the first parent id to read, or %NULL from the first
 * @to: (nullable): the parent id to stop before, or %NULL to the last
 * @func: called for each live parent in id order, with its live children
 *   in id order (without their attachments' stubs); returning %FALSE with
 *   an error stops the read
 *
 * Reads every parent and its children in one pass of two ordered cursors,
 * in one read transaction (a snapshot) on the calling thread's reader,
 * which no other thread waits for. For rebuilding what is derived from
 * them all (the case table); threads of their own may read the parts of
 * gp_store_split_ids() side by side.
 */
gboolean
gp_store_foreach_family (GpStore             *self,
                         const char          *type,
                         const char          *child_type,
                         GpStoreRef           ref,
                         const char          *from,
                         const char          *to,
                         GpStoreFamilyFunc    func,
                         gpointer             user_data,
                         GError             **error)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonObject) pending = NULL;   /* a child read ahead */
  g_autofree char *pending_parent = NULL;
  g_autoptr(GError) local_error = NULL;
  GpDbStmt *parents = NULL, *kids = NULL;
  gboolean ok, row = FALSE, kid_row = FALSE, kids_done = FALSE;
  GpDb *db;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (ref == GP_STORE_REF_INCIDENT, FALSE);

  db = gp_store_reader (self);
  g_rec_mutex_lock (&db->lock);
  type_bounds (type, &first, &last);
  if (from != NULL)
    g_set_str (&first, from);
  if (to != NULL)
    g_set_str (&last, to);
  /* The file mapped for the pass (up to SQLite's limit of 2 GB), its pages
   * read where they lie rather than copied one by one; unmapped after, as
   * a phone's memory is short. */
  if (!gp_db_exec (db, "PRAGMA mmap_size = 2147483647", &local_error))
    g_debug ("Reading without mapping the file: %s", local_error->message);
  g_clear_error (&local_error);
  ok = gp_db_exec (db, "BEGIN", error);
  if (ok)
    {
      /* By the unique index on id, and by docs_by_incident: no sorting. */
      parents = gp_db_prepare (db,
                               "SELECT id, rev, body FROM docs WHERE id >= ?1 AND id < ?2 AND type = ?3 "
                               "AND deleted = 0 ORDER BY id",
                               error);
      kids = parents ? gp_db_prepare (db,
                                      "SELECT id, rev, body, incident FROM docs WHERE type = ?1 AND deleted = 0 "
                                      "AND incident IS NOT NULL AND incident >= ?2 AND incident < ?3 "
                                      "ORDER BY incident, id",
                                      error)
                     : NULL;
      ok = kids != NULL;
    }
  if (ok)
    {
      sqlite3_bind_text (parents, 1, first, -1, SQLITE_STATIC);
      sqlite3_bind_text (parents, 2, last, -1, SQLITE_STATIC);
      sqlite3_bind_text (parents, 3, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (kids, 1, child_type, -1, SQLITE_STATIC);
      sqlite3_bind_text (kids, 2, first, -1, SQLITE_STATIC);
      sqlite3_bind_text (kids, 3, last, -1, SQLITE_STATIC);
    }
  while (ok && (ok = gp_db_step (db, parents, &row, error)) && row)
    {
      const char *id = (const char *) sqlite3_column_text (parents, 0);
      g_autoptr(JsonObject) parent = bare_doc (parents, error);

      if (parent == NULL)
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_set_size (children, 0);
      /* Children of parents before this one (or of none) are passed by. */
      for (;;)
        {
          int order;

          if (pending == NULL && !kids_done)
            {
              if (!(ok = gp_db_step (db, kids, &kid_row, error)))
                break;
              if (!kid_row)
                kids_done = TRUE;
              else
                {
                  g_free (pending_parent);
                  pending_parent = g_strdup ((const char *) sqlite3_column_text (kids, 3));
                  pending = bare_doc (kids, error);
                  if (pending == NULL)
                    {
                      ok = FALSE;
                      break;
                    }
                }
            }
          if (pending == NULL)
            break;
          order = strcmp (pending_parent, id);
          if (order > 0)
            break;
          if (order == 0)
            g_ptr_array_add (children, g_steal_pointer (&pending));
          else
            g_clear_pointer (&pending, json_object_unref);
        }
      if (ok)
        ok = func (parent, children, user_data, error);
    }
  g_clear_pointer (&parents, gp_db_stmt_release);
  g_clear_pointer (&kids, gp_db_stmt_release);
  gp_db_exec (db, "COMMIT", NULL);
  gp_db_exec (db, "PRAGMA mmap_size = 0", NULL);
  g_rec_mutex_unlock (&db->lock);
  return ok;
}

/**
 * gp_store_list:
 * @type: a document type
 * @grid: (nullable): only documents of this grid
 *
 * The live documents of a type, by id. Served by the docs_by_type index.
 */
GPtrArray *
gp_store_list (GpStore     *self,
               const char  *type,
               const char  *grid,
               GError     **error)
{
  GpDb *reader;
  GpDbStmt *stmt;
  GPtrArray *docs = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  if (grid == NULL)
    stmt = gp_db_prepare (reader,
                          "SELECT doc_id, id, rev, body FROM docs "
                          "WHERE type = ?1 AND deleted = 0 ORDER BY id",
                          error);
  else
    stmt = gp_db_prepare (reader,
                          "SELECT doc_id, id, rev, body FROM docs "
                          "WHERE type = ?1 AND grid = ?2 AND deleted = 0 ORDER BY id",
                          error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
      if (grid != NULL)
        sqlite3_bind_text (stmt, 2, grid, -1, SQLITE_TRANSIENT);
      docs = read_documents (self, stmt, error);
    }
  g_rec_mutex_unlock (&reader->lock);

  return docs;
}

/**
 * gp_store_list_conflicted:
 * @grid: (nullable): only this grid's
 *
 * The live documents of a type with more than one live leaf — edits made
 * apart that disagree — as CouchDB would list them with `_conflicts`.
 *
 * Returns: (transfer full) (element-type JsonObject): the winners
 */
GPtrArray *
gp_store_list_conflicted (GpStore     *self,
                          const char  *type,
                          const char  *grid,
                          GError     **error)
{
  GpDb *reader;
  GpDbStmt *stmt;
  GPtrArray *docs = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  stmt = gp_db_prepare (reader,
                        "SELECT doc_id, id, rev, body FROM docs "
                        "WHERE type = ?1 AND (?2 IS NULL OR grid = ?2) AND deleted = 0 "
                        "AND (SELECT count (*) FROM revs WHERE revs.doc_id = docs.doc_id "
                        "     AND revs.leaf = 1 AND revs.deleted = 0) > 1 "
                        "ORDER BY id",
                        error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
      if (grid != NULL)
        sqlite3_bind_text (stmt, 2, grid, -1, SQLITE_TRANSIENT);
      docs = read_documents (self, stmt, error);
    }
  g_rec_mutex_unlock (&reader->lock);

  return docs;
}

/**
 * gp_store_list_by:
 * @type: a document type
 * @ref: which reference to follow
 * @id: the id it names
 *
 * The live documents of a type that refer to @id: the households of a
 * building, the events of an incident. Served by an index of its own.
 */
GPtrArray *
gp_store_list_by (GpStore     *self,
                  const char  *type,
                  GpStoreRef   ref,
                  const char  *id,
                  GError     **error)
{
  GpDb *reader;
  GpDbStmt *stmt = NULL;
  GPtrArray *docs = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL && id != NULL, NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  switch (ref)
    {
    case GP_STORE_REF_BUILDING:
      stmt = gp_db_prepare (reader,
                            "SELECT doc_id, id, rev, body FROM docs WHERE type = ?1 AND building = ?2 "
                            "AND deleted = 0 AND building IS NOT NULL ORDER BY id",
                            error);
      break;
    case GP_STORE_REF_HOUSEHOLD:
      stmt = gp_db_prepare (reader,
                            "SELECT doc_id, id, rev, body FROM docs WHERE type = ?1 AND household = ?2 "
                            "AND deleted = 0 AND household IS NOT NULL ORDER BY id",
                            error);
      break;
    case GP_STORE_REF_INCIDENT:
      stmt = gp_db_prepare (reader,
                            "SELECT doc_id, id, rev, body FROM docs WHERE type = ?1 AND incident = ?2 "
                            "AND deleted = 0 AND incident IS NOT NULL ORDER BY id",
                            error);
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      docs = read_documents (self, stmt, error);
    }
  g_rec_mutex_unlock (&reader->lock);

  return docs;
}

gint64
gp_store_count (GpStore     *self,
                const char  *type,
                const char  *grid,
                GError     **error)
{
  GpDb *reader;
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;
  gint64 count = -1;

  g_return_val_if_fail (GP_IS_STORE (self), -1);
  g_return_val_if_fail (type != NULL, -1);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  if (grid == NULL)
    stmt = gp_db_prepare (reader,
                          "SELECT count(*) FROM docs WHERE type = ?1 AND deleted = 0", error);
  else
    stmt = gp_db_prepare (reader,
                          "SELECT count(*) FROM docs WHERE type = ?1 AND grid = ?2 AND deleted = 0",
                          error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
      if (grid != NULL)
        sqlite3_bind_text (stmt, 2, grid, -1, SQLITE_TRANSIENT);
      if (gp_db_step (reader, stmt, &row, error) && row)
        count = sqlite3_column_int64 (stmt, 0);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&reader->lock);

  return count;
}

void
gp_store_change_free (GpStoreChange *change)
{
  if (change == NULL)
    return;
  g_free (change->id);
  g_free (change->rev);
  g_free (change);
}

/**
 * gp_store_changes:
 * @since: the sequence already seen; 0 for everything
 * @limit: how many at most; 0 for no limit
 *
 * The change feed: each document changed after @since, once, at its latest
 * sequence, in sequence order.
 */
GPtrArray *
gp_store_changes (GpStore     *self,
                  gint64       since,
                  guint        limit,
                  GError     **error)
{
  GpDb *reader;
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_store_change_free);
  g_autoptr(GError) local_error = NULL;
  gboolean row;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  stmt = gp_db_prepare (reader,
                        "SELECT seq, id, rev, deleted FROM docs WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                        &local_error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, since);
      sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
      while (gp_db_step (reader, stmt, &row, &local_error) && row)
        {
          GpStoreChange *change = g_new0 (GpStoreChange, 1);

          change->seq = sqlite3_column_int64 (stmt, 0);
          change->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          change->rev = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          change->deleted = sqlite3_column_int (stmt, 3);
          g_ptr_array_add (changes, change);
        }
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&reader->lock);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&changes);
}

/* Attachments. */

/* Whether a blob is listed and its bytes here (1), listed only (0), or
 * not listed (-1), as @db sees it. */
static int
blob_state (GpDb       *db,
            const char *digest)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;
  int state = -1;

  g_rec_mutex_lock (&db->lock);
  stmt = gp_db_prepare (db, "SELECT here FROM blobs WHERE digest = ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
      if (gp_db_step (db, stmt, &row, NULL) && row)
        state = sqlite3_column_int (stmt, 0);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&db->lock);

  return state;
}

gboolean
gp_store_has_blob (GpStore    *self,
                   const char *digest)
{
  g_return_val_if_fail (GP_IS_STORE (self), FALSE);

  /* Inside a write the writer sees blobs the reader cannot see yet. */
  return blob_state (self->writer, digest) == 1;
}

void
gp_missing_blob_free (GpMissingBlob *missing)
{
  if (missing == NULL)
    return;
  g_free (missing->doc_id);
  g_free (missing->rev);
  g_free (missing->name);
  g_free (missing->digest);
  g_free (missing->incident);
  g_free (missing);
}

/**
 * gp_store_list_missing_blobs:
 *
 * The attachments of current revisions whose bytes are not on this device,
 * with the incident each document belongs to, if any.
 *
 * Returns: (transfer full) (element-type GpMissingBlob): what is missing,
 *   by document and name
 */
GPtrArray *
gp_store_list_missing_blobs (GpStore  *self,
                             GError  **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_missing_blob_free);
  g_autoptr(GpDbStmt) stmt = NULL;
  GpDb *reader;
  gboolean row = FALSE;
  gboolean ok;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  stmt = gp_db_prepare (reader,
                        "SELECT d.id, d.rev, a.name, a.digest, a.length, d.incident FROM blobs b "
                        "JOIN attachments a ON a.digest = b.digest "
                        "JOIN docs d ON d.doc_id = a.doc_id AND d.rev = a.pos || '-' || a.hash "
                        "WHERE b.here = 0 AND d.deleted = 0 "
                        "ORDER BY d.id, a.name",
                        error);
  ok = stmt != NULL;
  while (ok && (ok = gp_db_step (reader, stmt, &row, error)) && row)
    {
      GpMissingBlob *blob = g_new0 (GpMissingBlob, 1);

      blob->doc_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      blob->rev = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      blob->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      blob->digest = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      blob->length = sqlite3_column_int64 (stmt, 4);
      blob->incident = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (missing, blob);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&reader->lock);

  return ok ? g_steal_pointer (&missing) : NULL;
}

/**
 * gp_store_read_attachment:
 *
 * The bytes of an attachment, checked against their digest.
 */
GBytes *
gp_store_read_attachment (GpStore     *self,
                          const char  *digest,
                          GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *actual = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  path = gp_store_blob_path (self, digest);
  if (path == NULL)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                   _("“%s” is not an attachment digest"), digest ? digest : "");
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, NULL))
    {
      if (blob_state (gp_store_reader (self), digest) == 0)
        g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_HERE,
                     _("The photo has not been downloaded to this device yet"));
      else
        g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND,
                     _("The attachment %s is missing from the store"), digest);
      return NULL;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  actual = gp_attachment_compute_digest (bytes);
  if (!g_str_equal (actual, digest))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT,
                   _("The attachment %s is damaged"), digest);
      return NULL;
    }

  return g_steal_pointer (&bytes);
}

/* The digest a blob file's name stands for ("md5-<base64>"), or %NULL
 * when @name is not one: 32 hex digits of the MD5. */
static char *
digest_of_blob_name (const char *name)
{
  guint8 raw[16];
  g_autofree char *base64 = NULL;

  if (strlen (name) != 32)
    return NULL;
  for (guint i = 0; i < 16; i++)
    {
      int hi = g_ascii_xdigit_value (name[2 * i]);
      int lo = g_ascii_xdigit_value (name[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return NULL;
      raw[i] = (guint8) (hi * 16 + lo);
    }
  base64 = g_base64_encode (raw, sizeof raw);
  return g_strconcat ("md5-", base64, NULL);
}

/**
 * gp_store_collect_garbage:
 *
 * Removes the blob files no stored revision uses and the temporary files
 * of blob writes: leftovers of a write that a crash interrupted. Holds the
 * database's write lock meanwhile, so that no write of another process is
 * half done. The store does it when it opens. Returns how many files went.
 */
guint
gp_store_collect_garbage (GpStore  *self,
                          GError  **error)
{
  g_auto(GpStoreTxn) txn = { 0 };
  g_autoptr(GDir) top = NULL;
  const char *prefix;
  guint removed = 0;

  g_return_val_if_fail (GP_IS_STORE (self), 0);

  if (!gp_store_txn_begin (self, &txn, error))
    return 0;

  top = g_dir_open (self->blob_dir, 0, error);
  while (top != NULL && (prefix = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub_path = g_build_filename (self->blob_dir, prefix, NULL);
      g_autoptr(GDir) sub = g_dir_open (sub_path, 0, NULL);
      const char *name;

      while (sub != NULL && (name = g_dir_read_name (sub)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub_path, name, NULL);
          g_autofree char *digest = NULL;

          if (g_str_has_prefix (name, GP_STORE_TEMP_PREFIX))
            {
              if (g_unlink (path) == 0)
                removed++;
              continue;
            }
          digest = digest_of_blob_name (name);
          if (digest == NULL)
            continue; /* not ours; leave it */
          if (!gp_store_has_blob (self, digest) && g_unlink (path) == 0)
            removed++;
        }
    }

  gp_store_txn_rollback (self, &txn);

  return removed;
}

/**
 * gp_store_check:
 * @problems: (out) (transfer full): what is wrong, in words; empty when
 *   nothing is
 *
 * Checks the whole store: the database's own integrity, every photo the
 * documents name present with the bytes of its digest, no photo file that
 * no document names. Reads every photo: for support and for tests, not
 * for the app's every start.
 *
 * Returns: %FALSE when the store could not be read at all
 */
gboolean
gp_store_check (GpStore     *self,
                GPtrArray  **problems,
                GError     **error)
{
  g_auto(GpStoreTxn) txn = { 0 };
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) top = NULL;
  GpDbStmt *stmt;
  gboolean row = FALSE;
  const char *prefix;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  if (!gp_store_txn_begin (self, &txn, error))
    return FALSE;

  stmt = gp_db_prepare (self->writer, "PRAGMA integrity_check", error);
  while (stmt != NULL && gp_db_step (self->writer, stmt, &row, error) && row)
    {
      const char *said = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (said, "ok") != 0)
        g_ptr_array_add (found, g_strdup_printf (_("the database is damaged: %s"), said ? said : "?"));
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);

  /* Every photo a revision names, with its bytes. */
  stmt = gp_db_prepare (self->writer,
                        "SELECT DISTINCT a.digest, b.here, b.digest IS NOT NULL, "
                        "  (SELECT id FROM docs WHERE docs.doc_id = a.doc_id) "
                        "FROM attachments a LEFT JOIN blobs b ON b.digest = a.digest",
                        error);
  while (stmt != NULL && gp_db_step (self->writer, stmt, &row, error) && row)
    {
      const char *digest = (const char *) sqlite3_column_text (stmt, 0);
      const char *doc = (const char *) sqlite3_column_text (stmt, 3);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) read_error = NULL;

      if (digest == NULL || g_hash_table_contains (digests, digest))
        continue;
      g_hash_table_add (digests, g_strdup (digest));
      if (!sqlite3_column_int (stmt, 2))
        g_ptr_array_add (found, g_strdup_printf (_("%s names attachment %s, which the store does not list"),
                                                 doc ? doc : "?", digest));
      else if (sqlite3_column_int (stmt, 1) == 0)
        continue;   /* known, not downloaded: nothing here to check */
      bytes = gp_store_read_attachment (self, digest, &read_error);
      if (bytes == NULL)
        g_ptr_array_add (found, g_strdup_printf ("%s: %s", doc ? doc : "?", read_error->message));
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);

  /* No file that no document names, and no half-written one. */
  top = g_dir_open (self->blob_dir, 0, NULL);
  while (top != NULL && (prefix = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub_path = g_build_filename (self->blob_dir, prefix, NULL);
      g_autoptr(GDir) sub = g_dir_open (sub_path, 0, NULL);
      const char *name;

      while (sub != NULL && (name = g_dir_read_name (sub)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub_path, name, NULL);

          g_autofree char *digest = digest_of_blob_name (name);

          if (g_str_has_prefix (name, GP_STORE_TEMP_PREFIX))
            g_ptr_array_add (found, g_strdup_printf (_("%s is a photo written only in part"), path));
          else if (digest != NULL && !g_hash_table_contains (digests, digest) && !gp_store_has_blob (self, digest))
            g_ptr_array_add (found, g_strdup_printf (_("%s is a photo no document names"), path));
        }
    }

  gp_store_txn_rollback (self, &txn);
  if (error != NULL && *error != NULL)
    return FALSE;
  *problems = g_steal_pointer (&found);
  return TRUE;
}
