/* gp-store-write.c — edits and received revisions, as CouchDB makes them.
 *
 * Every function here runs inside a transaction on the writer connection.
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

/* Writing. */

static gint64
next_seq (GpStore  *self,
          GError  **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;

  stmt = gp_db_prepare (self->writer,
                        "UPDATE meta SET value = value + 1 WHERE key = 'update_seq' RETURNING value",
                        error);
  if (stmt == NULL || !gp_db_step (self->writer, stmt, &row, error))
    return -1;
  return row ? sqlite3_column_int64 (stmt, 0) : -1;
}

static gboolean
validate_doc_id (const char  *id,
                 GError     **error)
{
  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                           _("The document has no _id"));
      return FALSE;
    }
  if (!g_utf8_validate (id, -1, NULL) || (id[0] == '_' && !g_str_has_prefix (id, "_design/")))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                   _("“%s” is not a valid document id"), id);
      return FALSE;
    }
  return TRUE;
}

/* The body is everything but CouchDB's own members. Members starting
 * with "_" that CouchDB does not know are refused, as CouchDB does. */
static char *
body_from_doc (JsonObject  *doc,
               JsonObject **body_out,
               GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  static const char * const special[] = {
    "_id", "_rev", "_deleted", "_attachments", "_revisions", "_conflicts",
    "_deleted_conflicts", "_local_seq", "_revs_info", NULL
  };

  json_object_iter_init_ordered (&iter, doc);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      if (member[0] != '_')
        json_object_set_member (body, member, json_node_ref (value));
      else if (!g_strv_contains (special, member))
        {
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                       _("“%s” is not a member a document may have"), member);
          return NULL;
        }
    }

  if (body_out != NULL)
    *body_out = json_object_ref (body);
  return gp_json_to_string (body, FALSE);
}

/* Whether the file at @path holds exactly the bytes of @digest. */
static gboolean
blob_file_is_sound (const char *path,
                    const char *digest)
{
  g_autofree char *contents = NULL;
  g_autofree char *actual = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  actual = gp_attachment_compute_digest (bytes);
  return g_strcmp0 (actual, digest) == 0;
}

/* Makes sure the bytes of a new attachment are on disk, durably, under
 * their digest. A file already there is trusted only when its bytes match
 * the digest: a write a crash cut short leaves an empty or zero-filled
 * file, which is replaced. */
static gboolean
store_blob (GpStore       *self,
            GpStoreTxn    *txn,
            GpAttachment  *attachment,
            GError       **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autofree char *path = gp_store_blob_path (self, attachment->digest);
  gsize size;
  const char *data = g_bytes_get_data (attachment->data, &size);

  if (path == NULL)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                   _("Attachment “%s” has no valid digest"), attachment->name);
      return FALSE;
    }

  if (!blob_file_is_sound (path, attachment->digest))
    {
      gboolean existed = g_file_test (path, G_FILE_TEST_EXISTS);

      if (existed)
        g_message ("Replacing the damaged file of attachment %s", attachment->digest);
      if (!gp_store_write_file (path, data, size, !txn->lazy, error))
        {
          g_prefix_error (error, _("Cannot store attachment “%s”: "), attachment->name);
          return FALSE;
        }
      if (txn->lazy)
        txn->unflushed++;
      if (!existed)
        g_ptr_array_add (txn->created_files, g_steal_pointer (&path));
    }

  stmt = gp_db_prepare (self->writer,
                        "INSERT INTO blobs (digest, length) VALUES (?1, ?2) "
                        "ON CONFLICT (digest) DO UPDATE SET here = 1 WHERE here = 0",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, attachment->digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, attachment->length);
  return gp_db_step_done (self->writer, stmt, error);
}

static gboolean
insert_attachment_row (GpStore       *self,
                       gint64         doc_id,
                       guint          pos,
                       const char    *hash,
                       GpAttachment  *attachment,
                       guint          revpos,
                       GError       **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;

  stmt = gp_db_prepare (self->writer,
                        "INSERT INTO attachments "
                        "(doc_id, pos, hash, name, content_type, digest, length, revpos) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        error);
  if (stmt == NULL)
    return FALSE;
  gp_db_bind_revision (stmt, doc_id, pos, hash);
  sqlite3_bind_text (stmt, 4, attachment->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, attachment->content_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, attachment->digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, attachment->length);
  sqlite3_bind_int (stmt, 8, revpos);
  return gp_db_step_done (self->writer, stmt, error);
}

/* A revision that got a child is no longer a leaf: its body and its
 * attachment rows go (CouchDB keeps them only until compaction), and blobs
 * no revision uses any more are dropped. */
static gboolean
retire_revision (GpStore     *self,
                 GpStoreTxn         *txn,
                 gint64       doc_id,
                 guint        pos,
                 const char  *hash,
                 GError     **error)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GpDbStmt) update = NULL;
  g_autoptr(GpDbStmt) remove = NULL;

  update = gp_db_prepare (self->writer,
                          "UPDATE revs SET leaf = 0, body = NULL "
                          "WHERE doc_id = ?1 AND pos = ?2 AND hash = ?3",
                          error);
  if (update == NULL)
    return FALSE;
  gp_db_bind_revision (update, doc_id, pos, hash);
  if (!gp_db_step_done (self->writer, update, error))
    return FALSE;

  attachments = gp_store_read_attachments (self->writer, doc_id, pos, hash, error);
  if (attachments == NULL)
    return FALSE;
  if (attachments->len == 0)
    return TRUE;

  remove = gp_db_prepare (self->writer,
                          "DELETE FROM attachments WHERE doc_id = ?1 AND pos = ?2 AND hash = ?3",
                          error);
  if (remove == NULL)
    return FALSE;
  gp_db_bind_revision (remove, doc_id, pos, hash);
  if (!gp_db_step_done (self->writer, remove, error))
    return FALSE;

  for (guint i = 0; i < attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (attachments, i);
      g_autoptr(GpDbStmt) drop = NULL;

      drop = gp_db_prepare (self->writer,
                            "DELETE FROM blobs WHERE digest = ?1 AND NOT EXISTS "
                            "(SELECT 1 FROM attachments WHERE digest = ?1)",
                            error);
      if (drop == NULL)
        return FALSE;
      sqlite3_bind_text (drop, 1, attachment->digest, -1, SQLITE_TRANSIENT);
      if (!gp_db_step_done (self->writer, drop, error))
        return FALSE;
      if (sqlite3_changes (self->writer->handle) > 0)
        g_ptr_array_add (txn->dropped_digests, g_strdup (attachment->digest));
    }

  return TRUE;
}

static gboolean
insert_revision (GpStore     *self,
                 gint64       doc_id,
                 guint        pos,
                 const char  *hash,
                 const char  *parent,
                 gboolean     deleted,
                 gboolean     leaf,
                 gint64       seq,
                 const char  *body,
                 GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;

  stmt = gp_db_prepare (self->writer,
                        "INSERT INTO revs (doc_id, pos, hash, parent, deleted, leaf, seq, body) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        error);
  if (stmt == NULL)
    return FALSE;
  gp_db_bind_revision (stmt, doc_id, pos, hash);
  if (parent != NULL)
    sqlite3_bind_text (stmt, 4, parent, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, deleted);
  sqlite3_bind_int (stmt, 6, leaf);
  sqlite3_bind_int64 (stmt, 7, seq);
  if (body != NULL)
    sqlite3_bind_text (stmt, 8, body, -1, SQLITE_TRANSIENT);
  return gp_db_step_done (self->writer, stmt, error);
}

/* A document's row before its first revision exists, so revisions can
 * refer to it; update_winner() fills it in. */
static gint64
insert_doc (GpStore     *self,
            const char  *id,
            const char  *rev,
            gint64       seq,
            GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;

  stmt = gp_db_prepare (self->writer,
                        "INSERT INTO docs (id, rev, deleted, seq, body) VALUES (?1, ?2, 0, ?3, '{}')",
                        error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, rev, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, seq);
  if (!gp_db_step_done (self->writer, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (self->writer->handle);
}

/* CouchDB's winner: live leaves before deleted ones, then the longest
 * history, then the greatest hash. Every replica picks the same. */
static gboolean
update_winner (GpStore     *self,
               gint64       doc_id,
               gint64       seq,
               GError     **error)
{
  g_autoptr(GpDbStmt) update = NULL;

  update = gp_db_prepare (self->writer,
                          "UPDATE docs SET (rev, deleted, body, seq) = "
                          "(SELECT pos || '-' || hash, deleted, coalesce (body, '{}'), ?2 "
                          " FROM revs WHERE doc_id = ?1 AND leaf = 1 "
                          " ORDER BY deleted ASC, pos DESC, hash DESC LIMIT 1) "
                          "WHERE doc_id = ?1",
                          error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_int64 (update, 1, doc_id);
  sqlite3_bind_int64 (update, 2, seq);
  return gp_db_step_done (self->writer, update, error);
}

static gboolean
attachment_sets_equal (GPtrArray *a,
                       GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      GpAttachment *x = g_ptr_array_index (a, i);
      gboolean matched = FALSE;

      for (guint j = 0; j < b->len && !matched; j++)
        {
          GpAttachment *y = g_ptr_array_index (b, j);

          matched = g_str_equal (x->name, y->name) && g_strcmp0 (x->digest, y->digest) == 0 &&
                    g_strcmp0 (x->content_type, y->content_type) == 0;
        }
      if (!matched)
        return FALSE;
    }
  return TRUE;
}

static int
compare_attachment_names (gconstpointer a,
                          gconstpointer b)
{
  const GpAttachment *x = *(const GpAttachment * const *) a;
  const GpAttachment *y = *(const GpAttachment * const *) b;

  return strcmp (x->name, y->name);
}

/* The attachments of a new revision: stubs carried over from the parent,
 * and new ones given with their bytes. */
static GPtrArray *
resolve_attachments (JsonObject   *doc,
                     GPtrArray    *parent_attachments,
                     GPtrArray    *new_attachments,
                     GError      **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
  JsonObject *stubs = gp_json_get_object (doc, "_attachments");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (stubs != NULL)
    {
      json_object_iter_init_ordered (&iter, stubs);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          GpAttachment *found = NULL;

          for (guint i = 0; new_attachments != NULL && i < new_attachments->len; i++)
            if (g_str_equal (((GpAttachment *) g_ptr_array_index (new_attachments, i))->name, name))
              found = g_ptr_array_index (new_attachments, i);
          if (found != NULL)
            continue; /* the new bytes replace the stub */

          for (guint i = 0; parent_attachments != NULL && i < parent_attachments->len; i++)
            if (g_str_equal (((GpAttachment *) g_ptr_array_index (parent_attachments, i))->name, name))
              found = g_ptr_array_index (parent_attachments, i);
          if (found == NULL)
            {
              g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                           _("Attachment “%s” is a stub but the revision edited has no such "
                             "attachment"), name);
              return NULL;
            }
          g_ptr_array_add (result, gp_attachment_ref (found));
        }
    }

  for (guint i = 0; new_attachments != NULL && i < new_attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (new_attachments, i);

      if (attachment->data == NULL)
        {
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                       _("New attachment “%s” has no data"), attachment->name);
          return NULL;
        }
      g_ptr_array_add (result, gp_attachment_ref (attachment));
    }

  g_ptr_array_sort (result, compare_attachment_names);
  for (guint i = 1; i < result->len; i++)
    if (compare_attachment_names (&result->pdata[i - 1], &result->pdata[i]) == 0)
      {
        g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                     _("Attachment “%s” is given twice"),
                     ((GpAttachment *) result->pdata[i])->name);
        return NULL;
      }

  return g_steal_pointer (&result);
}

/* An edit, as CouchDB's PUT with new_edits=true. Runs inside a transaction. */
char *
gp_store_put_locked (GpStore          *self,
            GpStoreTxn              *txn,
            JsonObject       *doc,
            GPtrArray        *new_attachments,
            GpStorePutFlags   flags,
            GError          **error)
{
  const char *id = gp_json_get_string (doc, "_id");
  const char *given_rev = gp_json_get_string (doc, "_rev");
  JsonNode *deleted_node = json_object_get_member (doc, "_deleted");
  gboolean deleted = deleted_node != NULL && JSON_NODE_HOLDS_VALUE (deleted_node) &&
                     json_node_get_value_type (deleted_node) == G_TYPE_BOOLEAN &&
                     json_node_get_boolean (deleted_node);
  g_auto(GpStoreDocRow) current = { 0 };
  g_autoptr(JsonObject) body_object = NULL;
  g_autofree char *body = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *parent_hash = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GPtrArray) parent_attachments = NULL;
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GPtrArray) digests = NULL;
  guint parent_pos = 0, pos;
  gboolean found = FALSE;
  gint64 doc_id, seq;

  if (!validate_doc_id (id, error))
    return NULL;
  body = body_from_doc (doc, &body_object, error);
  if (body == NULL)
    return NULL;
  if (given_rev != NULL && !gp_revision_parse (given_rev, NULL, NULL))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                   _("“%s” is not a revision id"), given_rev);
      return NULL;
    }

  if (!gp_store_lookup_doc (self->writer, id, &current, &found, error))
    return NULL;

  /* Which revision this edits. */
  if (!found)
    {
      if (deleted)
        {
          gp_store_set_not_found (error, id);
          return NULL;
        }
      if (given_rev != NULL)
        {
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT,
                       _("%s was edited elsewhere: it has no revision %s"), id, given_rev);
          return NULL;
        }
    }
  else if (given_rev != NULL)
    parent = g_strdup (given_rev);
  else if (current.deleted || (flags & GP_STORE_PUT_UPSERT))
    parent = g_strdup (current.rev); /* recreating builds on the tombstone, as CouchDB does */
  else
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT,
                   _("%s already exists"), id);
      return NULL;
    }

  if (parent != NULL)
    {
      g_auto(GpStoreRevRow) parent_row = { 0 };

      gp_revision_parse (parent, &parent_pos, &parent_hash);
      if (!gp_store_lookup_rev (self->writer, current.doc_id, parent_pos, parent_hash, &parent_row, error))
        return NULL;
      if (!parent_row.exists || !parent_row.leaf)
        {
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT,
                       _("%s was changed since revision %s was read"), id, parent);
          return NULL;
        }
      parent_attachments = gp_store_read_attachments (self->writer, current.doc_id, parent_pos,
                                             parent_hash, error);
      if (parent_attachments == NULL)
        return NULL;
    }

  attachments = resolve_attachments (doc, parent_attachments, new_attachments, error);
  if (attachments == NULL)
    return NULL;
  if (deleted && attachments->len > 0)
    g_ptr_array_set_size (attachments, 0); /* a tombstone keeps no files */

  /* Nothing to write when an upsert brings what is already there. */
  if ((flags & GP_STORE_PUT_UPSERT) && parent != NULL && !deleted && !current.deleted &&
      parent_attachments != NULL && attachment_sets_equal (attachments, parent_attachments))
    {
      g_autoptr(JsonObject) current_body = gp_json_parse_object (current.body, -1, NULL);

      if (current_body != NULL && gp_json_object_equal (current_body, body_object) &&
          g_strcmp0 (parent, current.rev) == 0)
        return g_strdup (current.rev);
    }

  digests = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (attachments, i);

      g_ptr_array_add (digests, g_strconcat (attachment->name, ":", attachment->digest, NULL));
    }
  g_ptr_array_add (digests, NULL);

  rev = gp_revision_make (parent, deleted, body, (const char * const *) digests->pdata);
  gp_revision_parse (rev, &pos, &hash);

  seq = next_seq (self, error);
  if (seq < 0)
    return NULL;

  if (found)
    doc_id = current.doc_id;
  else if ((doc_id = insert_doc (self, id, rev, seq, error)) < 0)
    return NULL;

  if (!insert_revision (self, doc_id, pos, hash, parent, deleted, TRUE, seq, body, error))
    {
      if (g_error_matches (*error, GP_STORE_ERROR, GP_STORE_ERROR_CONSTRAINT))
        {
          g_clear_error (error);
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT,
                       _("%s already has revision %s"), id, rev);
        }
      return NULL;
    }

  for (guint i = 0; i < attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (attachments, i);
      guint revpos = attachment->data != NULL ? pos : attachment->revpos;

      if (attachment->data != NULL && !store_blob (self, txn, attachment, error))
        return NULL;
      if (!insert_attachment_row (self, doc_id, pos, hash, attachment, revpos, error))
        return NULL;
    }

  if (parent != NULL && !retire_revision (self, txn, doc_id, parent_pos, parent_hash, error))
    return NULL;

  if (!update_winner (self, doc_id, seq, error))
    return NULL;

  g_ptr_array_add (txn->changed_ids, g_strdup (id));
  return g_steal_pointer (&rev);
}

/**
 * gp_store_put:
 * @doc: the document with `_id`, and `_rev` when it edits an existing one;
 *   `_deleted: true` makes a tombstone; `_attachments` stubs keep the parent's
 * @attachments: (nullable): new #GpAttachment with their bytes
 *
 * One edit in its own transaction. Returns the new revision, or fails with
 * %GP_STORE_ERROR_CONFLICT when `_rev` is not a current leaf.
 */
char *
gp_store_put (GpStore          *self,
              JsonObject       *doc,
              GPtrArray        *attachments,
              GpStorePutFlags   flags,
              GError          **error)
{
  g_auto(GpStoreTxn) txn = { 0 };
  g_autofree char *rev = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (doc != NULL, NULL);

  if (!gp_store_txn_begin (self, &txn, error))
    return NULL;

  rev = gp_store_put_locked (self, &txn, doc, attachments, flags, error);
  if (rev == NULL)
    {
      gp_store_txn_rollback (self, &txn);
      return NULL;
    }
  if (!gp_store_txn_commit (self, &txn, error))
    return NULL;

  return g_steal_pointer (&rev);
}

/**
 * gp_store_put_blob:
 * @digest: the digest a stored revision names the bytes by
 * @data: the bytes, fetched since
 *
 * Brings the bytes of an attachment received as a stub onto this device,
 * durably. They must match the digest, and a revision must name it: bytes
 * nobody asked for are refused. Nothing stored changes when it fails.
 */
gboolean
gp_store_put_blob (GpStore     *self,
                   const char  *digest,
                   GBytes      *data,
                   GError     **error)
{
  g_auto(GpStoreTxn) txn = { 0 };
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GpAttachment) attachment = NULL;
  g_autofree char *actual = NULL;
  gboolean row = FALSE;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (digest != NULL && data != NULL, FALSE);

  actual = gp_attachment_compute_digest (data);
  if (!g_str_equal (actual, digest))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT,
                   _("The bytes received for attachment %s do not match its digest"), digest);
      return FALSE;
    }

  if (!gp_store_txn_begin (self, &txn, error))
    return FALSE;
  stmt = gp_db_prepare (self->writer, "SELECT 1 FROM blobs WHERE digest = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
      if (gp_db_step (self->writer, stmt, &row, error) && !row)
        g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND,
                     _("No document names attachment %s"), digest);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  attachment = gp_attachment_new_checked (digest, "application/octet-stream", data, actual);
  if (!row || !store_blob (self, &txn, attachment, error))
    {
      gp_store_txn_rollback (self, &txn);
      return FALSE;
    }
  return gp_store_txn_commit (self, &txn, error);
}

char *
gp_store_delete (GpStore     *self,
                 const char  *id,
                 const char  *rev,
                 GError     **error)
{
  g_autoptr(JsonObject) doc = json_object_new ();

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (rev != NULL, NULL);

  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "_rev", rev);
  json_object_set_boolean_member (doc, "_deleted", TRUE);
  return gp_store_put (self, doc, NULL, GP_STORE_PUT_NONE, error);
}

/* A blob known by a stub received without its bytes: listed, not here,
 * until gp_store_put_blob() brings them. */
static gboolean
note_remote_blob (GpStore     *self,
                  const char  *digest,
                  gint64       length,
                  GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;

  stmt = gp_db_prepare (self->writer,
                        "INSERT INTO blobs (digest, length, here) VALUES (?1, ?2, 0) "
                        "ON CONFLICT (digest) DO NOTHING",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, length);
  return gp_db_step_done (self->writer, stmt, error);
}

/* The attachments of a received revision: new bytes given with it, and
 * stubs naming blobs by digest. A stub whose bytes this device does not
 * have is kept as known but not here (photos on demand); it must name a
 * digest and a length, which the bytes are checked against when they come. */
static gboolean
attach_received (GpStore     *self,
                 GpStoreTxn         *txn,
                 JsonObject  *doc,
                 GPtrArray   *new_attachments,
                 gint64       doc_id,
                 guint        pos,
                 const char  *hash,
                 GError     **error)
{
  JsonObject *stubs = gp_json_get_object (doc, "_attachments");
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  for (guint i = 0; new_attachments != NULL && i < new_attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (new_attachments, i);

      if (!store_blob (self, txn, attachment, error))
        return FALSE;
      g_ptr_array_add (attachments, gp_attachment_ref (attachment));
    }

  if (stubs != NULL)
    {
      json_object_iter_init_ordered (&iter, stubs);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          JsonObject *info = JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
          const char *digest = gp_json_get_string (info, "digest");
          gint64 length = 0, revpos = 0;
          gboolean given = FALSE;

          for (guint i = 0; i < attachments->len; i++)
            given |= g_str_equal (((GpAttachment *) g_ptr_array_index (attachments, i))->name, name);
          if (given)
            continue;

          g_autofree char *path = digest ? gp_store_blob_path (self, digest) : NULL;

          if (path == NULL || !gp_json_get_int (info, "length", &length) || length < 0)
            {
              g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                           _("%s: attachment “%s” has no valid digest and length"),
                           gp_json_get_string (doc, "_id"), name);
              return FALSE;
            }
          if (!note_remote_blob (self, digest, length, error))
            return FALSE;
          gp_json_get_int (info, "revpos", &revpos);
          g_ptr_array_add (attachments,
                           gp_attachment_new_stub (name, gp_json_get_string (info, "content_type"),
                                                   digest, length, (guint) CLAMP (revpos, 1, pos)));
        }
    }

  for (guint i = 0; i < attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (attachments, i);
      guint revpos = attachment->revpos ? attachment->revpos : pos;

      if (!insert_attachment_row (self, doc_id, pos, hash, attachment, revpos, error))
        return FALSE;
    }

  return TRUE;
}

/* A revision made elsewhere, with its history, as CouchDB's
 * new_edits=false: it joins the tree as it is, conflicts included. */
static gboolean
put_revision_locked (GpStore     *self,
                     GpStoreTxn         *txn,
                     JsonObject  *doc,
                     GPtrArray   *new_attachments,
                     GError     **error)
{
  const char *id = gp_json_get_string (doc, "_id");
  const char *rev = gp_json_get_string (doc, "_rev");
  JsonObject *revisions = gp_json_get_object (doc, "_revisions");
  JsonArray *ids = gp_json_get_array (revisions, "ids");
  JsonNode *deleted_node = json_object_get_member (doc, "_deleted");
  gboolean deleted = deleted_node != NULL && JSON_NODE_HOLDS_VALUE (deleted_node) &&
                     json_node_get_value_type (deleted_node) == G_TYPE_BOOLEAN &&
                     json_node_get_boolean (deleted_node);
  g_auto(GpStoreDocRow) current = { 0 };
  g_autofree char *body = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_free);
  guint pos;
  gint64 start = 0, seq, doc_id;
  gboolean found = FALSE;

  if (!validate_doc_id (id, error))
    return FALSE;
  if (!gp_revision_parse (rev, &pos, &hash))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                   _("%s: “%s” is not a revision id"), id, rev ? rev : "");
      return FALSE;
    }
  body = body_from_doc (doc, NULL, error);
  if (body == NULL)
    return FALSE;

  /* The history, newest first: the revision itself, then its ancestors. */
  if (revisions != NULL)
    {
      if (!gp_json_get_int (revisions, "start", &start) || start != pos || ids == NULL ||
          json_array_get_length (ids) == 0 ||
          g_strcmp0 (json_array_get_string_element (ids, 0), hash) != 0 ||
          json_array_get_length (ids) > pos)
        {
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                       _("%s: “_revisions” does not describe revision %s"), id, rev);
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *node = json_array_get_element (ids, i);
          g_autofree char *ancestor = NULL;

          if (!gp_json_node_is_string (node))
            {
              g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                           _("%s: “_revisions” holds something that is not a hash"), id);
              return FALSE;
            }
          ancestor = g_strdup_printf ("%u-%s", pos - i, json_node_get_string (node));
          if (!gp_revision_parse (ancestor, NULL, NULL))
            {
              g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID,
                           _("%s: “%s” is not a revision id"), id, ancestor);
              return FALSE;
            }
          g_ptr_array_add (history, g_steal_pointer (&ancestor));
        }
    }
  else
    g_ptr_array_add (history, g_strdup (rev));

  if (!gp_store_lookup_doc (self->writer, id, &current, &found, error))
    return FALSE;

  if (found)
    {
      g_auto(GpStoreRevRow) existing = { 0 };

      if (!gp_store_lookup_rev (self->writer, current.doc_id, pos, hash, &existing, error))
        return FALSE;
      if (existing.exists && existing.body != NULL)
        return TRUE; /* already here */
      if (existing.exists && !existing.leaf)
        return TRUE; /* an ancestor of what we have: nothing to add */
    }

  seq = next_seq (self, error);
  if (seq < 0)
    return FALSE;

  if (found)
    doc_id = current.doc_id;
  else if ((doc_id = insert_doc (self, id, rev, seq, error)) < 0)
    return FALSE;

  /* Ancestors we lack join as bodiless inner revisions, oldest first;
   * ancestors we have that were leaves stop being leaves. */
  for (guint i = history->len; i-- > 0;)
    {
      const char *ancestor = g_ptr_array_index (history, i);
      const char *its_parent = i + 1 < history->len ? g_ptr_array_index (history, i + 1) : NULL;
      g_autofree char *ancestor_hash = NULL;
      g_auto(GpStoreRevRow) row = { 0 };
      guint ancestor_pos;

      gp_revision_parse (ancestor, &ancestor_pos, &ancestor_hash);
      if (!gp_store_lookup_rev (self->writer, doc_id, ancestor_pos, ancestor_hash, &row, error))
        return FALSE;

      if (i == 0)
        {
          if (!insert_revision (self, doc_id, ancestor_pos, ancestor_hash, its_parent, deleted,
                                TRUE, seq, body, error))
            return FALSE;
        }
      else if (!row.exists)
        {
          if (!insert_revision (self, doc_id, ancestor_pos, ancestor_hash, its_parent, FALSE,
                                FALSE, seq, NULL, error))
            return FALSE;
        }
      else if (row.leaf &&
               !retire_revision (self, txn, doc_id, ancestor_pos, ancestor_hash, error))
        return FALSE;
    }

  if (!deleted &&
      !attach_received (self, txn, doc, new_attachments, doc_id, pos, hash, error))
    return FALSE;

  if (!update_winner (self, doc_id, seq, error))
    return FALSE;

  g_ptr_array_add (txn->changed_ids, g_strdup (id));
  return TRUE;
}

static void
free_reason (gpointer error)
{
  if (error != NULL)
    g_error_free (error);
}

/**
 * gp_store_put_revisions:
 * @revisions: (element-type GpStoreEdit): revisions made elsewhere, each
 *   with the attachments whose bytes the store lacks
 * @refused: (out) (optional) (transfer full) (element-type GError): for
 *   each revision in order, %NULL or why the store refused it
 *
 * Stores a batch of revisions as gp_store_put_revision() does, in one
 * transaction and with one flush of the disk: a pull's. A revision the
 * store cannot keep (%GP_STORE_ERROR_INVALID) is refused alone; any other
 * error stores none.
 *
 * The photo files are written unflushed, the file system flushed once,
 * then the revisions committed without waiting for the disk: a crash
 * leaves either the batch with every photo it names, or no revision and
 * files nothing names, which the next opening removes. The commit itself
 * becomes durable with the next flush (the next batch's, a durable write,
 * or gp_store_flush()); lost, it is only received again.
 */
gboolean
gp_store_put_revisions (GpStore     *self,
                        GPtrArray   *revisions,
                        GPtrArray  **refused,
                        GError     **error)
{
  g_auto(GpStoreTxn) txn = { 0 };
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (free_reason);
  gboolean ok;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (revisions != NULL, FALSE);

  if (!gp_store_lazy_begin (self, error))
    return FALSE;
  ok = gp_store_txn_begin (self, &txn, error);
  txn.lazy = TRUE;
  for (guint i = 0; ok && i < revisions->len; i++)
    {
      GpStoreEdit *revision = g_ptr_array_index (revisions, i);
      g_autoptr(GError) reason = NULL;
      guint files = txn.created_files->len;

      ok = gp_db_exec (self->writer, "SAVEPOINT revision", error);
      if (ok && put_revision_locked (self, &txn, revision->doc, revision->attachments, &reason))
        ok = gp_db_exec (self->writer, "RELEASE revision", error);
      else if (ok && g_error_matches (reason, GP_STORE_ERROR, GP_STORE_ERROR_INVALID))
        {
          /* Refused alone: its rows go, and the files it made, which a
           * later revision of the batch would otherwise take as written. */
          ok = gp_db_exec (self->writer, "ROLLBACK TO revision", error) &&
               gp_db_exec (self->writer, "RELEASE revision", error);
          while (txn.created_files->len > files)
            {
              g_unlink (g_ptr_array_index (txn.created_files, txn.created_files->len - 1));
              g_ptr_array_set_size (txn.created_files, txn.created_files->len - 1);
            }
        }
      else if (ok)
        {
          g_propagate_error (error, g_steal_pointer (&reason));
          ok = FALSE;
        }
      g_ptr_array_add (reasons, g_steal_pointer (&reason));
    }
  if (ok && txn.unflushed > 0)
    ok = gp_store_flush_dir (self->blob_dir, error);
  if (ok)
    ok = gp_store_txn_commit (self, &txn, error);
  else if (txn.changed_ids != NULL)
    gp_store_txn_rollback (self, &txn);
  gp_store_lazy_end (self);

  if (ok && refused != NULL)
    *refused = g_steal_pointer (&reasons);
  return ok;
}

/**
 * gp_store_put_revision:
 * @doc: a revision with `_id`, `_rev` and, as CouchDB sends it, `_revisions`
 *
 * Stores a revision made on another replica (CouchDB's `new_edits=false`).
 * A revision already stored is left as it is.
 */
gboolean
gp_store_put_revision (GpStore     *self,
                       JsonObject  *doc,
                       GPtrArray   *attachments,
                       GError     **error)
{
  g_auto(GpStoreTxn) txn = { 0 };

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (doc != NULL, FALSE);

  if (!gp_store_txn_begin (self, &txn, error))
    return FALSE;
  if (!put_revision_locked (self, &txn, doc, attachments, error))
    {
      gp_store_txn_rollback (self, &txn);
      return FALSE;
    }
  return gp_store_txn_commit (self, &txn, error);
}
