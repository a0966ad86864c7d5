/* gp-replicator.c
 *
 * CouchDB's replication protocol (docs.couchdb.org, "Replication
 * Protocol"), one direction at a time, between the store and one grid
 * database of the centre.
 *
 * Each direction is a replication with its own id — a digest of this
 * store's replica id, the direction and the database's address — and its
 * checkpoint in `_local/<id>` on both sides. It starts from the last
 * checkpoint both sides agree on and goes in batches: read the source's
 * change feed; ask the target which leaf revisions it lacks (`_revs_diff`
 * when the target is the centre, the store itself when it is the store);
 * copy those revisions with their history (`new_edits: false`), so that
 * both sides keep the same revision trees and pick the same winner; then
 * record the checkpoint. A failure anywhere leaves the last checkpoint, and
 * the next run continues from there; copying a revision twice does nothing.
 *
 * Attachments (photos) travel as binary, never base64, and only when the
 * target lacks them: pushed as parts of a `multipart/related` `PUT
 * ?new_edits=false` when the centre has no ancestor holding them, pulled
 * with `GET /db/doc/name?rev=…` when the store has no file with their
 * digest. Revisions arrive as stubs (`_bulk_get`, or `open_revs` from a
 * server without it).
 *
 * A photo's thumbnail travels inside its document instead: on the way and
 * at the centre, the photo's entry in "photos" carries it as
 * "thumbnail_data" (base64); on the phone it is the attachment the entry
 * names ("thumbnail"), as when the photo was taken. A pull so brings a
 * case's thumbnails in the reply that brings the case, not one request
 * each (inline_thumbnails(), take_thumbnails()).
 *
 * One bad document never stops the rest. Writes the centre refuses (its
 * `validate_doc_update`) are listed with the reason. A document this phone
 * cannot send — a photo of it missing or damaged here, or larger than its
 * kind may be — is held back and listed. A document received that is not
 * what this phone would write itself (its type and id, its members, its
 * grid, its size, a position far from the grid) or that is too large to
 * read is skipped and listed; the skipped revisions are remembered and
 * asked for again when the centre could not give them, or once a new
 * version of the app may read them.
 *
 * Runs synchronously: call it from a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-replicator"

#include "config.h"

#include "gp-replicator.h"
#include "gp-attachment.h"
#include "gp-casework.h"
#include "gp-centre.h"
#include "gp-documents.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define REPLICA_ID     "_local/gridpatrol-replica"
#define SKIPPED_PREFIX "_local/gridpatrol-skipped/"
#define HISTORY_LENGTH 10

/* Requests sent side by side (run_side_by_side()), counted down. */
typedef struct
{
  GMutex lock;
  GCond  cond;
  guint  left;
} SideWait;

/* The first member of a job run_side_by_side() runs: its replication,
 * and its failure, if it failed. */
typedef struct _Replication Replication;
typedef struct
{
  void       (*run) (gpointer job);
  Replication *r;
  GError      *error;
} SideJob;

struct _Replication
{
  GpStore                *store;
  GpCouch                *couch;
  char                   *db_path;        /* "/gridpatrol-610103003003" */
  GpReplicationDirection  direction;
  GpReplicationFlags      flags;
  char                   *checkpoint_id;  /* "_local/<replication id>" */
  char                   *session_id;
  GpReplicationStats     *stats;
  GCancellable           *cancellable;
  JsonObject             *remote_checkpoint;
  char                   *grid_code;      /* "610103003003", from the database's name */
  GpGrid                 *grid;           /* (nullable) the grid, when the store has it */
  JsonArray              *skipped;        /* {"id", "rev", "reason", "retry"}: not received */
  gboolean                skipped_loaded; /* r->skipped holds the remembered ones too */
  GHashTable             *received;       /* (nullable) id → rev: what this pull wrote */
  GPtrArray              *arrived;        /* JsonObject: revisions received, their photos not yet */
  GHashTable             *thumbnails;     /* digest → GBytes: thumbnails that came inside r->arrived */
  GPtrArray              *pending;        /* GpStoreEdit: the batch received, to write in one go */
  GThreadPool            *pool;           /* (nullable) sending requests side by side */
  SideWait                side_wait;
  GMutex                  lock;           /* r->skipped, shared with the pull's writer */
  gboolean                unflushed;      /* written without waiting for the disk */
  int                     inside;         /* the centre takes thumbnails inside: 1, 0, -1 not asked */
};

char *
gp_replication_database_name (const char *grid_code)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (grid_code != NULL, NULL);

  lower = g_ascii_strdown (grid_code, -1);
  return g_strconcat ("gridpatrol-", lower, NULL);
}

void
gp_replication_stats_clear (GpReplicationStats *stats)
{
  g_clear_pointer (&stats->refused, g_ptr_array_unref);
  g_clear_pointer (&stats->held, g_ptr_array_unref);
  g_clear_pointer (&stats->skipped, g_ptr_array_unref);
  memset (stats, 0, sizeof *stats);
}

/* Adds "id rev: reason" to one of the lists of @stats. */
static void
list_document (GPtrArray  **list,
               const char  *what,
               const char  *id,
               const char  *rev,
               const char  *reason)
{
  if (*list == NULL)
    *list = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*list, g_strdup_printf ("%s %s: %s", id ? id : "?", rev ? rev : "", reason ? reason : ""));
  g_debug ("%s: %s %s: %s", what, id ? id : "?", rev ? rev : "", reason ? reason : "");
}

/* The centre's rules refused a write. */
static void
refuse (Replication *r,
        const char  *id,
        const char  *rev,
        const char  *reason)
{
  g_mutex_lock (&r->lock);
  list_document (&r->stats->refused, "Refused", id, rev, reason);
  g_mutex_unlock (&r->lock);
}

/* A document this phone cannot send as it is. */
static void
hold (Replication *r,
      const char  *id,
      const char  *rev,
      const char  *reason)
{
  g_mutex_lock (&r->lock);
  list_document (&r->stats->held, "Held back", id, rev, reason);
  g_mutex_unlock (&r->lock);
}

/* A revision received that this phone does not keep. @retry: it may come
 * right next time (the centre could not give it, or gave it garbled). */
static void
skip (Replication *r,
      const char  *id,
      const char  *rev,
      const char  *reason,
      gboolean     retry)
{
  JsonObject *entry = json_object_new ();

  g_debug ("Skipped: %s %s: %s", id ? id : "?", rev ? rev : "", reason ? reason : "");
  json_object_set_string_member (entry, "id", id ? id : "?");
  json_object_set_string_member (entry, "rev", rev ? rev : "");
  json_object_set_string_member (entry, "reason", reason ? reason : "");
  json_object_set_boolean_member (entry, "retry", retry);
  /* The pull's writer thread skips too. */
  g_mutex_lock (&r->lock);
  json_array_add_object_element (r->skipped, entry);
  g_mutex_unlock (&r->lock);
}

static void
set_bad_reply (GError     **error,
               const char  *what)
{
  g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY,
               _("The grid centre’s reply to %s is not what the replication protocol says"), what);
}

/* This store's lasting identity among the replicas, made once. */
static char *
dup_replica_id (GpStore  *store,
                GError  **error)
{
  g_autoptr(JsonObject) replica = gp_store_get_local (store, REPLICA_ID, NULL);
  const char *uuid = gp_json_get_string (replica, "uuid");

  if (uuid != NULL)
    return g_strdup (uuid);
  g_clear_pointer (&replica, json_object_unref);
  replica = json_object_new ();
  {
    g_autofree char *fresh = g_uuid_string_random ();

    json_object_set_string_member (replica, "uuid", fresh);
  }
  if (!gp_store_put_local (store, REPLICA_ID, replica, error))
    return NULL;
  return g_strdup (gp_json_get_string (replica, "uuid"));
}

/* "_local/<replication id>": this replica, the direction, the database. */
static char *
checkpoint_id_for (const char             *replica,
                   GpReplicationDirection  direction,
                   const char             *url,
                   const char             *database)
{
  g_autofree char *source = g_strdup_printf ("gridpatrol/1\n%s\n%s\n%s/%s", replica,
                                             direction == GP_REPLICATION_PUSH ? "push" : "pull", url, database);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_MD5, source, -1);

  return g_strconcat ("_local/", digest, NULL);
}

/**
 * gp_replication_get_pushed_seq:
 * @url: the centre, as given to gp_couch_new()
 *
 * Returns: the store's sequence up to which everything was pushed to
 *   @database; 0 before the first push
 */
gint64
gp_replication_get_pushed_seq (GpStore    *store,
                               const char *url,
                               const char *database)
{
  g_autoptr(JsonObject) replica = gp_store_get_local (store, REPLICA_ID, NULL);
  const char *uuid = gp_json_get_string (replica, "uuid");
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) checkpoint = NULL;
  g_autofree char *trimmed = NULL;
  gint64 seq = 0;

  if (uuid == NULL)
    return 0;
  trimmed = g_strdup (url);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  id = checkpoint_id_for (uuid, GP_REPLICATION_PUSH, trimmed, database);
  checkpoint = gp_store_get_local (store, id, NULL);
  gp_json_get_int (checkpoint, "source_last_seq", &seq);
  return seq;
}

/* The checkpoint both sides agree on: the same session, or the newest
 * session in both histories. NULL: from the start. */
static JsonNode *
agreed_since (JsonObject *local,
              JsonObject *remote)
{
  JsonArray *local_history = gp_json_get_array (local, "history");
  JsonArray *remote_history = gp_json_get_array (remote, "history");

  if (local == NULL || remote == NULL)
    return NULL;
  if (g_strcmp0 (gp_json_get_string (local, "session_id"), gp_json_get_string (remote, "session_id")) == 0 &&
      gp_json_get_string (local, "session_id") != NULL && json_object_has_member (local, "source_last_seq"))
    return json_node_copy (json_object_get_member (local, "source_last_seq"));
  for (guint i = 0; local_history != NULL && i < json_array_get_length (local_history); i++)
    {
      JsonObject *entry = json_array_get_object_element (local_history, i);
      const char *session = gp_json_get_string (entry, "session_id");

      for (guint j = 0; session != NULL && remote_history != NULL && j < json_array_get_length (remote_history); j++)
        if (g_strcmp0 (session, gp_json_get_string (json_array_get_object_element (remote_history, j),
                                                    "session_id")) == 0 &&
            json_object_has_member (entry, "recorded_seq"))
          return json_node_copy (json_object_get_member (entry, "recorded_seq"));
    }
  return NULL;
}

static JsonObject *
get_remote_checkpoint (Replication  *r,
                       GError      **error)
{
  g_autofree char *path = g_strconcat (r->db_path, "/", r->checkpoint_id, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) reply = gp_couch_request (r->couch, "GET", path, NULL, NULL, r->cancellable, &local_error);

  if (reply == NULL)
    {
      if (g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (reply))
    {
      set_bad_reply (error, "a checkpoint");
      return NULL;
    }
  return json_object_ref (json_node_get_object (reply));
}

/* Records @seq on both sides: the centre first, then the store. */
static gboolean
save_checkpoint (Replication  *r,
                 JsonNode     *seq,
                 GError      **error)
{
  g_autoptr(JsonObject) local = gp_store_get_local (r->store, r->checkpoint_id, NULL);
  g_autoptr(JsonObject) checkpoint = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *path = g_strconcat (r->db_path, "/", r->checkpoint_id, NULL);
  JsonArray *old_history = gp_json_get_array (local, "history");
  JsonArray *history = json_array_new ();
  JsonObject *entry = json_object_new ();
  const char *remote_rev = gp_json_get_string (r->remote_checkpoint, "_rev");
  g_autoptr(GError) local_error = NULL;

  json_object_set_string_member (entry, "session_id", r->session_id);
  json_object_set_member (entry, "recorded_seq", json_node_copy (seq));
  json_array_add_object_element (history, entry);
  for (guint i = 0; old_history != NULL && i < json_array_get_length (old_history) && i < HISTORY_LENGTH - 1; i++)
    {
      JsonObject *old = json_array_get_object_element (old_history, i);

      if (g_strcmp0 (gp_json_get_string (old, "session_id"), r->session_id) != 0)
        json_array_add_object_element (history, json_object_ref (old));
    }
  json_object_set_string_member (checkpoint, "session_id", r->session_id);
  json_object_set_member (checkpoint, "source_last_seq", json_node_copy (seq));
  json_object_set_int_member (checkpoint, "replication_id_version", 3);
  json_object_set_array_member (checkpoint, "history", history);

  /* The centre's copy carries its _rev. */
  {
    g_autoptr(JsonObject) remote = json_object_new ();
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, checkpoint);
    while (json_object_iter_next (&iter, &name, &value))
      json_object_set_member (remote, name, json_node_copy (value));
    json_object_set_string_member (remote, "_id", r->checkpoint_id);
    if (remote_rev != NULL)
      json_object_set_string_member (remote, "_rev", remote_rev);
    node = json_node_init_object (json_node_alloc (), remote);
    reply = gp_couch_request (r->couch, "PUT", path, node, NULL, r->cancellable, &local_error);
    /* The reply to an earlier try was lost on the way, or another run of
     * this replication moved it: write over the centre's current copy (a
     * few times: the reply to that write may be lost too). */
    for (guint attempt = 0;
         attempt < 4 && reply == NULL && g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_CONFLICT);
         attempt++)
      {
        g_autoptr(JsonObject) current = NULL;

        g_clear_error (&local_error);
        current = get_remote_checkpoint (r, error);
        if (current == NULL)
          {
            if (error != NULL && *error == NULL)
              set_bad_reply (error, "a checkpoint");
            return FALSE;
          }
        json_object_set_string_member (remote, "_rev", gp_json_get_string (current, "_rev"));
        reply = gp_couch_request (r->couch, "PUT", path, node, NULL, r->cancellable, &local_error);
      }
    if (reply == NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
    if (JSON_NODE_HOLDS_OBJECT (reply) && gp_json_get_string (json_node_get_object (reply), "rev") != NULL)
      {
        json_object_set_string_member (remote, "_rev", gp_json_get_string (json_node_get_object (reply), "rev"));
        g_clear_pointer (&r->remote_checkpoint, json_object_unref);
        r->remote_checkpoint = json_object_ref (remote);
      }
  }
  r->unflushed = TRUE;
  return gp_store_put_checkpoint (r->store, r->checkpoint_id, checkpoint, error);
}

/* ---- push ---- */

static void
run_side_job (gpointer data,
              gpointer user_data)
{
  SideWait *wait = user_data;

  ((SideJob *) data)->run (data);
  g_mutex_lock (&wait->lock);
  if (--wait->left == 0)
    g_cond_signal (&wait->cond);
  g_mutex_unlock (&wait->lock);
}

/* Runs @jobs (SideJob first in each) by up to GP_COUCH_MAX_CONNECTIONS
 * threads at once, and waits for them all: requests that need not wait for
 * one another, so that on a link with a long round trip they go side by
 * side, not in turn. */
static void
run_side_by_side (Replication *r,
                  GPtrArray   *jobs)
{
  if (jobs->len == 0)
    return;
  if (r->pool == NULL)
    r->pool = g_thread_pool_new (run_side_job, &r->side_wait, GP_COUCH_MAX_CONNECTIONS, FALSE, NULL);
  g_mutex_lock (&r->side_wait.lock);
  r->side_wait.left = jobs->len;
  g_mutex_unlock (&r->side_wait.lock);
  for (guint i = 0; i < jobs->len; i++)
    g_thread_pool_push (r->pool, g_ptr_array_index (jobs, i), NULL);
  g_mutex_lock (&r->side_wait.lock);
  while (r->side_wait.left > 0)
    g_cond_wait (&r->side_wait.cond, &r->side_wait.lock);
  g_mutex_unlock (&r->side_wait.lock);
}

static void
append_part_head (GByteArray *body,
                  const char *boundary,
                  const char *headers)
{
  g_autofree char *head = g_strdup_printf ("\r\n--%s\r\n%s\r\n", boundary, headers);

  g_byte_array_append (body, (const guint8 *) head, strlen (head));
}

/* Whether reading an attachment failed because the phone lacks its bytes
 * or holds them damaged: its document is held back, not the sync. */
static gboolean
is_missing_here (const GError *error)
{
  return error->domain == GP_STORE_ERROR &&
         (error->code == GP_STORE_ERROR_NOT_FOUND || error->code == GP_STORE_ERROR_CORRUPT ||
          error->code == GP_STORE_ERROR_INVALID || error->code == GP_STORE_ERROR_NOT_HERE);
}

/* The bytes of @doc's attachment @name, to send. NULL with @held set when
 * they are missing or damaged here: @doc is then held back, listed. */
static GBytes *
read_to_send (Replication  *r,
              JsonObject   *doc,
              const char   *name,
              gboolean     *held,
              GError      **error)
{
  JsonObject *stub = gp_json_get_object (gp_json_get_object (doc, "_attachments"), name);
  g_autoptr(GError) read_error = NULL;
  GBytes *data = gp_store_read_attachment (r->store, gp_json_get_string (stub, "digest"), &read_error);

  *held = FALSE;
  if (data == NULL && is_missing_here (read_error))
    {
      g_autofree char *reason =
        g_strdup_printf (_("its attachment “%s” is missing or damaged on this phone, so it was not sent"), name);

      hold (r, gp_json_get_string (doc, "_id"), gp_json_get_string (doc, "_rev"), reason);
      *held = TRUE;
    }
  else if (data == NULL)
    g_propagate_error (error, g_steal_pointer (&read_error));
  return data;
}

/* Whether the centre's rules take thumbnails inside documents, asked once
 * a push: `centre setup`'s say so in their design document from version 2,
 * and a database without rules takes anything. Rules from before would
 * count a thumbnail in the body's size and in a step's hash, and refuse
 * the step: to them, thumbnails go as attachments, as they did. */
static gboolean
centre_takes_inside (Replication  *r,
                     gboolean     *inside,
                     GError      **error)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) design = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;

  if (r->inside < 0)
    {
      path = g_strconcat (r->db_path, "/" GP_CENTRE_DESIGN_ID, NULL);
      design = gp_couch_request (r->couch, "GET", path, NULL, NULL, r->cancellable, &local_error);
      if (design == NULL && g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND))
        r->inside = TRUE;
      else if (design == NULL && (g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN) ||
                                  g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED)))
        r->inside = FALSE;
      else if (design == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      else
        r->inside = JSON_NODE_HOLDS_OBJECT (design) &&
                    gp_json_get_int (json_node_get_object (design), "gridpatrol_rules", &version) && version >= 2;
      g_debug ("The centre's rules take thumbnails %s", r->inside ? "inside documents" : "as attachments");
    }
  *inside = r->inside;
  return TRUE;
}

/* The revision as the centre keeps it: each thumbnail moved from the
 * attachments into its photo's entry, when the centre's rules take them
 * so. @held is set when one is missing or damaged here: the revision is
 * then held back. */
static gboolean
inline_thumbnails (Replication  *r,
                   JsonObject   *doc,
                   gboolean     *held,
                   GError      **error)
{
  JsonArray *photos = gp_json_get_array (doc, "photos");
  JsonObject *attachments = gp_json_get_object (doc, "_attachments");
  gboolean inside;

  *held = FALSE;
  for (guint i = 0; attachments != NULL && photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonNode *node = json_array_get_element (photos, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = gp_json_get_string (entry, "thumbnail");
      JsonObject *stub = name != NULL ? gp_json_get_object (attachments, name) : NULL;
      g_autoptr(GBytes) data = NULL;
      g_autofree char *text = NULL;

      /* Only one the entry names by its digest, as receivers check it. */
      if (stub == NULL ||
          g_strcmp0 (gp_json_get_string (entry, "thumbnail_digest"), gp_json_get_string (stub, "digest")) != 0)
        continue;
      if (!centre_takes_inside (r, &inside, error))
        return FALSE;
      if (!inside)
        return TRUE;
      data = read_to_send (r, doc, name, held, error);
      if (data == NULL)
        return *held;
      text = g_base64_encode (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
      json_object_set_string_member (entry, "thumbnail_data", text);
      json_object_remove_member (attachments, name);
    }
  if (attachments != NULL && json_object_get_size (attachments) == 0)
    json_object_remove_member (doc, "_attachments");
  return TRUE;
}

/* One revision with the attachments the centre lacks, as a multipart PUT. */
static gboolean
put_multipart (Replication  *r,
               JsonObject   *doc,
               GPtrArray    *names,
               GError      **error)
{
  g_autofree char *boundary = g_uuid_string_random ();
  g_autofree char *content_type = g_strdup_printf ("multipart/related; boundary=\"%s\"", boundary);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *escaped = gp_couch_escape_id (gp_json_get_string (doc, "_id"));
  g_autofree char *path = g_strconcat (r->db_path, "/", escaped, "?new_edits=false", NULL);
  JsonObject *attachments = gp_json_get_object (doc, "_attachments");

  /* The document first, each attachment sent marked "follows". */
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonObject *stub = gp_json_get_object (attachments, name);
      gboolean held;
      GBytes *data = read_to_send (r, doc, name, &held, error);

      if (data == NULL)
        return held;
      g_ptr_array_add (parts, data);
      json_object_remove_member (stub, "stub");
      json_object_set_boolean_member (stub, "follows", TRUE);
      json_object_set_int_member (stub, "length", (gint64) g_bytes_get_size (data));
    }
  node = json_node_init_object (json_node_alloc (), doc);
  json = json_to_string (node, FALSE);
  append_part_head (body, boundary, "Content-Type: application/json\r\n");
  g_byte_array_append (body, (const guint8 *) json, strlen (json));
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonObject *stub = gp_json_get_object (attachments, name);
      GBytes *data = g_ptr_array_index (parts, i);
      g_autofree char *quoted = g_strescape (name, NULL);
      g_autofree char *headers =
        g_strdup_printf ("Content-Disposition: attachment; filename=\"%s\"\r\nContent-Type: %s\r\n"
                         "Content-Length: %" G_GSIZE_FORMAT "\r\n",
                         quoted, gp_json_get_string (stub, "content_type") ? gp_json_get_string (stub, "content_type")
                                                                           : "application/octet-stream",
                         g_bytes_get_size (data));

      append_part_head (body, boundary, headers);
      g_byte_array_append (body, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    }
  {
    g_autofree char *end = g_strdup_printf ("\r\n--%s--\r\n", boundary);

    g_byte_array_append (body, (const guint8 *) end, strlen (end));
  }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&body));
  reply = gp_couch_request_bytes (r->couch, "PUT", path, content_type, bytes, NULL, r->cancellable, &local_error);
  if (reply == NULL)
    {
      if (g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN) ||
          g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED))
        {
          refuse (r, gp_json_get_string (doc, "_id"), gp_json_get_string (doc, "_rev"), local_error->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Sent side by side with the batch's others. */
  g_mutex_lock (&r->lock);
  r->stats->revisions_written++;
  for (guint i = 0; i < parts->len; i++)
    {
      r->stats->attachments++;
      r->stats->attachment_bytes += g_bytes_get_size (g_ptr_array_index (parts, i));
    }
  g_mutex_unlock (&r->lock);
  return TRUE;
}

/* A document with new photos, PUT side by side with the batch's others. */
typedef struct
{
  SideJob     side;
  JsonObject *doc;
  GPtrArray  *names;
} PutJob;

static void
put_job_free (PutJob *job)
{
  json_object_unref (job->doc);
  g_ptr_array_unref (job->names);
  g_clear_error (&job->side.error);
  g_free (job);
}

static void
put_job_run (gpointer data)
{
  PutJob *job = data;

  put_multipart (job->side.r, job->doc, job->names, &job->side.error);
}

static guint
revision_pos (const char *rev)
{
  return rev ? (guint) g_ascii_strtoull (rev, NULL, 10) : 0;
}

static gboolean
is_deleted (JsonObject *doc)
{
  JsonNode *node = json_object_get_member (doc, "_deleted");

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

/* The size of @doc's body as the centre's rules measure it: without the
 * members that start with "_". */
static gsize
body_size (JsonObject *doc)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *json = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, doc);
  while (json_object_iter_next (&iter, &member, &value))
    if (member[0] != '_')
      json_object_set_member (body, member, json_node_ref (value));
  json = gp_json_to_string (body, FALSE);
  return strlen (json);
}

static gboolean
push_batch (Replication  *r,
            GPtrArray    *changes,
            GError      **error)
{
  g_autoptr(JsonObject) ask = json_object_new ();
  g_autoptr(JsonNode) ask_node = NULL;
  g_autoptr(JsonNode) diff = NULL;
  g_autoptr(JsonArray) bulk = json_array_new ();
  g_autoptr(GPtrArray) puts = g_ptr_array_new_with_free_func ((GDestroyNotify) put_job_free);
  g_autofree char *diff_path = g_strconcat (r->db_path, "/_revs_diff", NULL);
  JsonObjectIter iter;
  const char *id;
  JsonNode *value;

  for (guint i = 0; i < changes->len; i++)
    {
      GpStoreChange *change = g_ptr_array_index (changes, i);
      g_auto(GStrv) leaves = gp_store_get_leaves (r->store, change->id, error);
      JsonArray *revs = json_array_new ();

      if (leaves == NULL)
        {
          json_array_unref (revs);
          return FALSE;
        }
      for (guint j = 0; leaves[j] != NULL; j++)
        json_array_add_string_element (revs, leaves[j]);
      json_object_set_array_member (ask, change->id, revs);
    }
  ask_node = json_node_init_object (json_node_alloc (), ask);
  diff = gp_couch_request (r->couch, "POST", diff_path, ask_node, NULL, r->cancellable, error);
  if (diff == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (diff))
    {
      set_bad_reply (error, "_revs_diff");
      return FALSE;
    }

  json_object_iter_init (&iter, json_node_get_object (diff));
  while (json_object_iter_next (&iter, &id, &value))
    {
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
      JsonArray *missing = gp_json_get_array (entry, "missing");
      JsonArray *ancestors = gp_json_get_array (entry, "possible_ancestors");
      guint ancestor_pos = 0;

      if (missing == NULL)
        {
          set_bad_reply (error, "_revs_diff");
          return FALSE;
        }
      for (guint i = 0; ancestors != NULL && i < json_array_get_length (ancestors); i++)
        {
          JsonNode *ancestor = json_array_get_element (ancestors, i);

          if (gp_json_node_is_string (ancestor))
            ancestor_pos = MAX (ancestor_pos, revision_pos (json_node_get_string (ancestor)));
        }

      for (guint i = 0; i < json_array_get_length (missing); i++)
        {
          JsonNode *rev_node = json_array_get_element (missing, i);
          g_autoptr(JsonObject) doc = NULL;
          g_autoptr(GPtrArray) to_send = g_ptr_array_new ();
          JsonObject *attachments;
          JsonObjectIter atts;
          const char *name;
          JsonNode *info;
          gboolean held;

          if (!gp_json_node_is_string (rev_node))
            {
              set_bad_reply (error, "_revs_diff");
              return FALSE;
            }
          doc = gp_store_get_revision (r->store, id, json_node_get_string (rev_node), GP_STORE_GET_REVISIONS, error);
          if (doc == NULL)
            return FALSE;
          /* Written before this version had limits: no centre takes it,
           * and in a batch it would sink the others. */
          if (!is_deleted (doc) &&
              body_size (doc) > gp_document_type_get_max_size (gp_json_get_string (doc, "type")))
            {
              g_autofree char *reason =
                g_strdup_printf (_("it is larger than the %zu KB a document of its kind may be, so it was not sent"),
                                 gp_document_type_get_max_size (gp_json_get_string (doc, "type")) / 1024);

              hold (r, id, json_node_get_string (rev_node), reason);
              continue;
            }
          if (!inline_thumbnails (r, doc, &held, error))
            return FALSE;
          if (held)
            continue;
          /* Attachments added after every revision the centre has. */
          attachments = gp_json_get_object (doc, "_attachments");
          if (attachments != NULL)
            {
              json_object_iter_init (&atts, attachments);
              while (json_object_iter_next (&atts, &name, &info))
                {
                  gint64 revpos = 0;

                  if (JSON_NODE_HOLDS_OBJECT (info) && gp_json_get_int (json_node_get_object (info), "revpos", &revpos) &&
                      (guint) revpos <= ancestor_pos)
                    continue;
                  g_ptr_array_add (to_send, (gpointer) name);
                }
            }
          if (to_send->len > 0)
            {
              PutJob *job = g_new0 (PutJob, 1);

              job->side.run = put_job_run;
              job->side.r = r;
              job->doc = json_object_ref (doc);
              job->names = g_ptr_array_ref (to_send);
              g_ptr_array_add (puts, job);
            }
          else
            json_array_add_object_element (bulk, json_object_ref (doc));
        }
    }

  /* The documents with new photos, side by side; then the others. */
  run_side_by_side (r, puts);
  for (guint i = 0; i < puts->len; i++)
    {
      PutJob *job = g_ptr_array_index (puts, i);

      if (job->side.error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&job->side.error));
          return FALSE;
        }
    }

  if (json_array_get_length (bulk) > 0)
    {
      g_autoptr(JsonObject) request = json_object_new ();
      g_autoptr(JsonNode) request_node = NULL;
      g_autoptr(JsonNode) reply = NULL;
      g_autofree char *bulk_path = g_strconcat (r->db_path, "/_bulk_docs", NULL);
      guint sent = json_array_get_length (bulk);
      guint refused = 0;

      json_object_set_array_member (request, "docs", json_array_ref (bulk));
      json_object_set_boolean_member (request, "new_edits", FALSE);
      request_node = json_node_init_object (json_node_alloc (), request);
      reply = gp_couch_request (r->couch, "POST", bulk_path, request_node, NULL, r->cancellable, error);
      if (reply == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_ARRAY (reply))
        {
          set_bad_reply (error, "_bulk_docs");
          return FALSE;
        }
      /* With new_edits false, only failures are listed. */
      for (guint i = 0; i < json_array_get_length (json_node_get_array (reply)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (reply), i);
          JsonObject *result = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

          if (gp_json_get_string (result, "error") != NULL)
            {
              const char *failed_id = gp_json_get_string (result, "id");
              const char *failed_rev = gp_json_get_string (result, "rev");

              /* Servers leave the revision out: it is the one sent. */
              for (guint j = 0; failed_rev == NULL && j < sent; j++)
                {
                  JsonObject *doc = json_array_get_object_element (bulk, j);

                  if (g_strcmp0 (gp_json_get_string (doc, "_id"), failed_id) == 0)
                    failed_rev = gp_json_get_string (doc, "_rev");
                }
              refuse (r, failed_id, failed_rev,
                      gp_json_get_string (result, "reason") ? gp_json_get_string (result, "reason")
                                                            : gp_json_get_string (result, "error"));
              refused++;
            }
        }
      r->stats->revisions_written += sent - MIN (refused, sent);
    }
  return TRUE;
}

static gboolean
push (Replication  *r,
      JsonNode     *since_node,
      GError      **error)
{
  gint64 since = since_node && JSON_NODE_HOLDS_VALUE (since_node) &&
                 json_node_get_value_type (since_node) == G_TYPE_INT64 ? json_node_get_int (since_node) : 0;

  for (;;)
    {
      g_autoptr(GPtrArray) changes = gp_store_changes (r->store, since, GP_REPLICATION_BATCH, error);
      g_autoptr(JsonNode) seq = NULL;

      if (changes == NULL)
        return FALSE;
      if (changes->len == 0)
        return TRUE;
      if (g_cancellable_set_error_if_cancelled (r->cancellable, error))
        return FALSE;
      r->stats->changes_read += changes->len;
      r->stats->batches++;
      if (!push_batch (r, changes, error))
        return FALSE;
      since = ((GpStoreChange *) g_ptr_array_index (changes, changes->len - 1))->seq;
      seq = json_node_init_int (json_node_alloc (), since);
      if (!save_checkpoint (r, seq, error))
        return FALSE;
    }
}

/* ---- pull ---- */

/* Whether a failure to fetch one document's revision or photos is about
 * that document alone, not the connection. */
static gboolean
is_document_failure (const GError *error)
{
  return error->domain == GP_COUCH_ERROR &&
         (error->code == GP_COUCH_ERROR_BAD_REPLY || error->code == GP_COUCH_ERROR_TOO_LARGE ||
          error->code == GP_COUCH_ERROR_NOT_FOUND || error->code == GP_COUCH_ERROR_SERVER);
}

/* A photo the store lacks, fetched as binary, side by side with the
 * batch's others. */
typedef struct
{
  SideJob       side;
  JsonObject   *doc;
  char         *name;
  const char   *digest;
  const char   *content_type;  /* the stub's */
  gint64        revpos;
  GpAttachment *attachment;    /* when fetched */
} PhotoJob;

static void
photo_job_free (PhotoJob *job)
{
  g_free (job->name);
  g_clear_pointer (&job->attachment, gp_attachment_unref);
  g_clear_error (&job->side.error);
  g_free (job);
}

static void
set_digest_error (GError     **error,
                  const char  *name,
                  const char  *doc_id)
{
  g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY,
               _("The grid centre sent attachment “%s” of %s with bytes that do not match its digest"), name, doc_id);
}

static void
fetch_photo (gpointer data)
{
  PhotoJob *job = data;
  Replication *r = job->side.r;
  g_autofree char *escaped_id = gp_couch_escape_id (gp_json_get_string (job->doc, "_id"));
  g_autofree char *escaped_name = g_uri_escape_string (job->name, NULL, FALSE);
  g_autofree char *escaped_rev = g_uri_escape_string (gp_json_get_string (job->doc, "_rev"), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("%s/%s/%s?rev=%s", r->db_path, escaped_id, escaped_name, escaped_rev);
  g_autofree char *content_type = NULL;
  g_autofree char *computed = NULL;
  g_autoptr(GBytes) data_bytes = gp_couch_get_bytes (r->couch, path, &content_type, r->cancellable,
                                                     &job->side.error);

  if (data_bytes != NULL)
    {
      computed = gp_attachment_compute_digest (data_bytes);
      if (g_strcmp0 (computed, job->digest) != 0)
        set_digest_error (&job->side.error, job->name, gp_json_get_string (job->doc, "_id"));
      else
        {
          job->attachment = gp_attachment_new_checked (job->name, job->content_type ? job->content_type
                                                                                    : content_type,
                                                       data_bytes, computed);
          if (job->revpos > 0)
            job->attachment->revpos = (guint) job->revpos;
        }
    }
}

/* The photos of the revisions received (r->arrived), fetched side by
 * side; each revision whose photos all came goes to r->pending. A photo
 * the centre cannot give skips its document alone; a failure of the
 * connection stops the batch, after what came whole. */
static gboolean
fetch_photos (Replication  *r,
              GError      **error)
{
  g_autoptr(GPtrArray) arrived = g_steal_pointer (&r->arrived);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) photo_job_free);
  g_autoptr(GPtrArray) to_fetch = g_ptr_array_new ();
  g_autoptr(GError) failure = NULL;
  guint next = 0;

  r->arrived = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < arrived->len; i++)
    {
      JsonObject *doc = g_ptr_array_index (arrived, i);
      JsonObject *attachments = gp_json_get_object (doc, "_attachments");
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (attachments == NULL)
        continue;
      json_object_iter_init (&iter, attachments);
      while (json_object_iter_next (&iter, &name, &value))
        {
          JsonObject *stub = JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
          const char *digest = gp_json_get_string (stub, "digest");
          GBytes *inside;
          PhotoJob *job;

          if (digest != NULL && gp_store_has_blob (r->store, digest))
            continue;
          if (digest != NULL && (r->flags & GP_REPLICATION_PHOTOS_ON_DEMAND) &&
              gp_casework_is_full_photo (doc, name))
            {
              r->stats->deferred++;
              continue;
            }
          job = g_new0 (PhotoJob, 1);
          job->side.run = fetch_photo;
          job->side.r = r;
          job->doc = doc;
          job->name = g_strdup (name);
          job->digest = digest;
          job->content_type = gp_json_get_string (stub, "content_type");
          gp_json_get_int (stub, "revpos", &job->revpos);
          if (digest == NULL)
            set_bad_reply (&job->side.error, "a document’s attachments");
          /* A thumbnail that came inside its document, checked then. */
          else if ((inside = g_hash_table_lookup (r->thumbnails, digest)) != NULL)
            {
              job->attachment = gp_attachment_new_checked (name, job->content_type, inside, digest);
              job->attachment->revpos = (guint) job->revpos;
            }
          g_ptr_array_add (jobs, job);
        }
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      PhotoJob *job = g_ptr_array_index (jobs, i);

      if (job->side.error == NULL && job->attachment == NULL)
        g_ptr_array_add (to_fetch, job);
    }
  run_side_by_side (r, to_fetch);
  g_hash_table_remove_all (r->thumbnails);

  /* Each revision with its photos, in the order they came. */
  for (guint i = 0; i < arrived->len; i++)
    {
      JsonObject *doc = g_ptr_array_index (arrived, i);
      g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
      const GError *problem = NULL;
      guint64 bytes = 0;

      for (; next < jobs->len && ((PhotoJob *) g_ptr_array_index (jobs, next))->doc == doc; next++)
        {
          PhotoJob *job = g_ptr_array_index (jobs, next);

          if (job->side.error != NULL && problem == NULL)
            problem = job->side.error;
          else if (job->attachment != NULL)
            {
              g_ptr_array_add (attachments, gp_attachment_ref (job->attachment));
              bytes += job->attachment->length;
            }
        }
      if (problem != NULL && is_document_failure (problem))
        {
          skip (r, gp_json_get_string (doc, "_id"), gp_json_get_string (doc, "_rev"), problem->message,
                !g_error_matches (problem, GP_COUCH_ERROR, GP_COUCH_ERROR_TOO_LARGE));
          continue;
        }
      if (problem != NULL)
        {
          if (failure == NULL)
            failure = g_error_copy (problem);
          continue;
        }
      r->stats->attachments += attachments->len;
      r->stats->attachment_bytes += bytes;
      g_ptr_array_add (r->pending, gp_store_edit_new (doc, attachments));
    }

  if (failure != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failure));
      return FALSE;
    }
  return TRUE;
}

/**
 * gp_replication_fetch_photo:
 * @rev: the revision of @doc_id the store has, which names the photo
 * @digest: the photo's digest, as the store knows it
 * @progress: (nullable): told, on this thread, how much has come
 *
 * Fetches the bytes of an attachment that was left at the centre
 * (%GP_REPLICATION_PHOTOS_ON_DEMAND) and stores them. The revision the
 * store has may be one the centre has since superseded (or not yet
 * received); the photo is then asked for as the centre has it now, and
 * taken when its bytes match the digest.
 */
gboolean
gp_replication_fetch_photo (GpStore              *store,
                            GpCouch              *couch,
                            const char           *database,
                            const char           *doc_id,
                            const char           *rev,
                            const char           *name,
                            const char           *digest,
                            GpCouchProgressFunc   progress,
                            gpointer              user_data,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_autofree char *escaped_db = NULL;
  g_autofree char *escaped_id = NULL;
  g_autofree char *escaped_name = NULL;
  g_autofree char *escaped_rev = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (GP_IS_STORE (store) && GP_IS_COUCH (couch), FALSE);
  g_return_val_if_fail (database != NULL && doc_id != NULL && rev != NULL, FALSE);
  g_return_val_if_fail (name != NULL && digest != NULL, FALSE);

  escaped_db = g_uri_escape_string (database, NULL, FALSE);
  escaped_id = gp_couch_escape_id (doc_id);
  escaped_name = g_uri_escape_string (name, NULL, FALSE);
  escaped_rev = g_uri_escape_string (rev, NULL, FALSE);
  for (guint attempt = 0; data == NULL && attempt < 2; attempt++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s/%s%s%s", escaped_db, escaped_id, escaped_name,
                                               attempt == 0 ? "?rev=" : "", attempt == 0 ? escaped_rev : "");

      g_clear_error (&local_error);
      data = progress ? gp_couch_get_bytes_with_progress (couch, path, NULL, progress, user_data, cancellable,
                                                          &local_error)
                      : gp_couch_get_bytes (couch, path, NULL, cancellable, &local_error);
      if (data == NULL && !g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND))
        break;
    }
  if (data == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Stopped meanwhile (a log-out wiping the phone's copy): nothing kept. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* The store checks the bytes against the digest (once): a mismatch is
   * the centre's reply, garbled. */
  g_clear_error (&local_error);
  if (!gp_store_put_blob (store, digest, data, &local_error))
    {
      if (g_error_matches (local_error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT))
        set_digest_error (error, name, doc_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * gp_replication_check_document:
 * @grid_code: the grid of the database @doc comes from
 * @grid: (nullable): that grid, when the store has it
 *
 * Whether a received revision is one this phone would write itself: a
 * known type with an id of its type, valid members, no larger than its
 * kind may be, of the database's grid and, with a position, near it; and,
 * for a workflow step, not a second version of one @store has.
 */
gboolean
gp_replication_check_document (GpStore     *store,
                               const char  *grid_code,
                               GpGrid      *grid_doc,
                               JsonObject  *doc,
                               GError     **error)
{
  g_autoptr(GpDocument) document = NULL;
  JsonObject *geometry;
  const char *grid;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (grid_code != NULL && doc != NULL, FALSE);

  if (is_deleted (doc))
    return TRUE;
  document = gp_document_new_from_json (doc, error);
  if (document == NULL || !gp_document_validate (document, error))
    return FALSE;

  /* A step never changes: another version of one the phone has is a
   * forgery (a sibling branch a server let through), kept out of the case. */
  if (GP_IS_EVENT (document))
    {
      g_auto(GStrv) leaves = gp_store_get_leaves (store, gp_json_get_string (doc, "_id"), NULL);

      if (leaves != NULL && leaves[0] != NULL && !g_strv_contains ((const char * const *) leaves,
                                                                   gp_json_get_string (doc, "_rev")))
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                               _("a second version of a workflow step, which never changes: kept out as "
                                 "tampering"));
          return FALSE;
        }
    }

  grid = GP_IS_GRID (document) ? gp_grid_get_code (GP_GRID (document)) : gp_json_get_string (doc, "grid");
  if (grid != NULL && g_ascii_strcasecmp (grid, grid_code) != 0)
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("it belongs to grid %s, not to the grid of this database"), grid);
      return FALSE;
    }

  geometry = gp_document_get_geometry (document);
  if (geometry != NULL && grid_doc != NULL && !GP_IS_GRID (document) &&
      !gp_grid_check_reach (grid_doc, geometry, error))
    return FALSE;
  return TRUE;
}

static gboolean
check_received (Replication  *r,
                JsonObject   *doc,
                GError      **error)
{
  if (r->grid == NULL)
    {
      g_autofree char *grid_id = g_strconcat ("grid:", r->grid_code, NULL);

      r->grid = GP_GRID (gp_documents_load (r->store, grid_id, NULL));
    }
  return gp_replication_check_document (r->store, r->grid_code, r->grid, doc, error);
}

/* Writes what batches received hold in one transaction, with one flush. */
static gboolean
write_batch (Replication  *r,
             GPtrArray    *pending,
             GError      **error)
{
  g_autoptr(GPtrArray) refused = NULL;

  if (pending->len == 0)
    return TRUE;
  r->unflushed = TRUE;
  if (!gp_store_put_revisions (r->store, pending, &refused, error))
    return FALSE;
  r->stats->writes++;
  for (guint i = 0; i < pending->len; i++)
    {
      JsonObject *doc = ((GpStoreEdit *) g_ptr_array_index (pending, i))->doc;
      const GError *reason = g_ptr_array_index (refused, i);
      const char *id = gp_json_get_string (doc, "_id");
      const char *rev = gp_json_get_string (doc, "_rev");
      g_auto(GStrv) conflicts = NULL;

      /* A document this version cannot keep is listed, not fatal. */
      if (reason != NULL)
        {
          skip (r, id, rev, reason->message, FALSE);
          continue;
        }
      r->stats->revisions_written++;
      if (r->received != NULL)
        g_hash_table_insert (r->received, g_strdup (id), g_strdup (rev));
      conflicts = gp_store_get_conflicts (r->store, id, NULL);
      if (conflicts != NULL && conflicts[0] != NULL)
        r->stats->conflicts++;
    }
  return TRUE;
}

static gboolean
write_received (Replication  *r,
                GError      **error)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&r->pending);

  r->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_store_edit_free);
  return write_batch (r, pending, error);
}

/* Whether @text is base64 as CouchDB writes it: the alphabet, padded to
 * a multiple of four. */
static gboolean
is_base64 (const char *text,
           gsize       length)
{
  gsize padding = 0;

  if (length % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '=' && i + 2 >= length)
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }
  return TRUE;
}

/* A revision received, as the phone keeps it: each thumbnail that came
 * inside its photo's entry checked against the digest the entry gives and
 * made the attachment the entry names, added when the photo was; its
 * bytes wait in r->thumbnails for fetch_photos(). */
static gboolean
take_thumbnails (Replication  *r,
                 JsonObject   *doc,
                 GError      **error)
{
  JsonArray *photos = gp_json_get_array (doc, "photos");
  guint pos = revision_pos (gp_json_get_string (doc, "_rev"));

  for (guint i = 0; photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonNode *node = json_array_get_element (photos, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *data = entry != NULL ? json_object_get_member (entry, "thumbnail_data") : NULL;
      const char *name = gp_json_get_string (entry, "thumbnail");
      const char *digest = gp_json_get_string (entry, "thumbnail_digest");
      JsonObject *attachments = gp_json_get_object (doc, "_attachments");
      JsonObject *stub;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *computed = NULL;
      const char *text;
      gint64 revpos = pos;
      gsize length;

      if (data == NULL)
        continue;
      if (!gp_json_node_is_string (data) || name == NULL || *name == '\0' || digest == NULL)
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                               _("a thumbnail inside it is not text with a name and a digest"));
          return FALSE;
        }
      text = json_node_get_string (data);
      length = strlen (text);
      if (length > GP_REPLICATION_MAX_THUMBNAIL_TEXT)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_TOO_LARGE,
                       _("its thumbnail “%s” is larger than the %d KB a thumbnail may be"), name,
                       GP_REPLICATION_MAX_THUMBNAIL_TEXT / 1024);
          return FALSE;
        }
      if (!is_base64 (text, length))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("its thumbnail “%s” is not base64"), name);
          return FALSE;
        }
      {
        gsize size = 0;
        guchar *decoded = g_base64_decode (text, &size);

        bytes = g_bytes_new_take (decoded, size);
      }
      computed = gp_attachment_compute_digest (bytes);
      if (g_strcmp0 (computed, digest) != 0)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("its thumbnail “%s” does not match the digest its photo gives"), name);
          return FALSE;
        }

      if (attachments == NULL)
        {
          attachments = json_object_new ();
          json_object_set_object_member (doc, "_attachments", attachments);
        }
      /* Added with its photo. */
      if (gp_json_get_string (entry, "name") != NULL)
        gp_json_get_int (gp_json_get_object (attachments, gp_json_get_string (entry, "name")), "revpos", &revpos);
      stub = json_object_new ();
      json_object_set_string_member (stub, "content_type", "image/jpeg");
      json_object_set_string_member (stub, "digest", digest);
      json_object_set_int_member (stub, "length", (gint64) g_bytes_get_size (bytes));
      json_object_set_int_member (stub, "revpos", CLAMP (revpos, 1, (gint64) pos));
      json_object_set_boolean_member (stub, "stub", TRUE);
      json_object_set_object_member (attachments, name, stub);
      g_hash_table_replace (r->thumbnails, g_strdup (digest), g_steal_pointer (&bytes));
      json_object_remove_member (entry, "thumbnail_data");
    }
  return TRUE;
}

/* Checks a revision received; fetch_photos() then fetches its photos. */
static gboolean
store_revision (Replication  *r,
                JsonObject   *doc,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *id = gp_json_get_string (doc, "_id");
  const char *rev = gp_json_get_string (doc, "_rev");

  if (id == NULL || rev == NULL)
    {
      set_bad_reply (error, "_bulk_get");
      return FALSE;
    }
  if (!take_thumbnails (r, doc, &local_error) || !check_received (r, doc, &local_error))
    {
      skip (r, id, rev, local_error->message, FALSE);
      return TRUE;
    }
  g_ptr_array_add (r->arrived, json_object_ref (doc));
  return TRUE;
}

/* The revisions, with their history and attachment stubs: `_bulk_get`, or
 * one `open_revs` request per document from a server without it. */
static gboolean
fetch_revisions (Replication  *r,
                 JsonArray    *wanted,
                 GError      **error)
{
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonNode) request_node = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_strconcat (r->db_path, "/_bulk_get?revs=true&attachments=false", NULL);
  JsonArray *results;
  guint status = 0;

  json_object_set_array_member (request, "docs", json_array_ref (wanted));
  request_node = json_node_init_object (json_node_alloc (), request);
  reply = gp_couch_request (r->couch, "POST", path, request_node, &status, r->cancellable, &local_error);
  if (reply == NULL && g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_TOO_LARGE))
    {
      JsonObject *want = json_array_get_length (wanted) == 1 ? json_array_get_object_element (wanted, 0) : NULL;

      /* One document too large to read is skipped; a batch too large to
       * read is asked for a document at a time. */
      if (want != NULL)
        {
          skip (r, gp_json_get_string (want, "id"), gp_json_get_string (want, "rev"), local_error->message, FALSE);
          return TRUE;
        }
      for (guint i = 0; i < json_array_get_length (wanted); i++)
        {
          g_autoptr(JsonArray) one = json_array_new ();

          json_array_add_element (one, json_node_copy (json_array_get_element (wanted, i)));
          if (!fetch_revisions (r, one, error))
            return FALSE;
        }
      return TRUE;
    }
  if (reply == NULL && (status == 400 || status == 404 || status == 405 || status == 501))
    {
      /* No _bulk_get: open_revs, one document at a time. */
      g_clear_error (&local_error);
      for (guint i = 0; i < json_array_get_length (wanted); i++)
        {
          JsonObject *want = json_array_get_object_element (wanted, i);
          g_autofree char *escaped = gp_couch_escape_id (gp_json_get_string (want, "id"));
          g_autofree char *revs = g_strdup_printf ("[\"%s\"]", gp_json_get_string (want, "rev"));
          g_autofree char *escaped_revs = g_uri_escape_string (revs, NULL, FALSE);
          g_autofree char *open_path = g_strdup_printf ("%s/%s?revs=true&open_revs=%s", r->db_path, escaped,
                                                        escaped_revs);
          g_autoptr(JsonNode) found = gp_couch_request (r->couch, "GET", open_path, NULL, NULL, r->cancellable, error);

          if (found == NULL)
            return FALSE;
          if (!JSON_NODE_HOLDS_ARRAY (found))
            {
              set_bad_reply (error, "open_revs");
              return FALSE;
            }
          for (guint j = 0; j < json_array_get_length (json_node_get_array (found)); j++)
            {
              JsonNode *item = json_array_get_element (json_node_get_array (found), j);
              JsonObject *doc = JSON_NODE_HOLDS_OBJECT (item)
                                ? gp_json_get_object (json_node_get_object (item), "ok") : NULL;

              if (doc != NULL && !store_revision (r, doc, error))
                return FALSE;
            }
        }
      return TRUE;
    }
  if (reply == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  results = JSON_NODE_HOLDS_OBJECT (reply) ? gp_json_get_array (json_node_get_object (reply), "results") : NULL;
  if (results == NULL)
    {
      set_bad_reply (error, "_bulk_get");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *item = json_array_get_element (results, i);
      JsonArray *docs = JSON_NODE_HOLDS_OBJECT (item) ? gp_json_get_array (json_node_get_object (item), "docs") : NULL;

      if (docs == NULL)
        {
          set_bad_reply (error, "_bulk_get");
          return FALSE;
        }
      for (guint j = 0; j < json_array_get_length (docs); j++)
        {
          JsonNode *entry = json_array_get_element (docs, j);
          JsonObject *doc = JSON_NODE_HOLDS_OBJECT (entry) ? gp_json_get_object (json_node_get_object (entry), "ok")
                                                           : NULL;

          if (doc == NULL)
            {
              JsonObject *failure = JSON_NODE_HOLDS_OBJECT (entry)
                                    ? gp_json_get_object (json_node_get_object (entry), "error") : NULL;

              /* A revision the centre could not give: listed, asked again. */
              skip (r, JSON_NODE_HOLDS_OBJECT (item) ? gp_json_get_string (json_node_get_object (item), "id") : "?",
                    gp_json_get_string (failure, "rev"), _("the grid centre could not give this revision"), TRUE);
              continue;
            }
          if (!store_revision (r, doc, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* The revisions @wanted and their photos, into r->pending: what came
 * whole, even when the rest did not come (then %FALSE). */
static gboolean
fetch_batch (Replication  *r,
             JsonArray    *wanted,
             GError      **error)
{
  gboolean fetched = fetch_revisions (r, wanted, error);

  return fetch_photos (r, fetched ? error : NULL) && fetched;
}

/* fetch_batch(), then what came whole is written. */
static gboolean
receive_revisions (Replication  *r,
                   JsonArray    *wanted,
                   GError      **error)
{
  gboolean fetched = fetch_batch (r, wanted, error);

  return write_received (r, fetched ? error : NULL) && fetched;
}

static char *
seq_to_query (JsonNode *seq)
{
  g_autofree char *text = NULL;

  if (seq == NULL)
    return g_strdup ("0");
  if (JSON_NODE_HOLDS_VALUE (seq) && json_node_get_value_type (seq) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (seq));
  else
    text = json_to_string (seq, FALSE);
  return g_uri_escape_string (text, NULL, FALSE);
}

static char *
skipped_id (Replication *r)
{
  return g_strconcat (SKIPPED_PREFIX, r->db_path + 1, NULL);
}

/* The revisions skipped before, in r->skipped; those that may come right
 * now — the centre could not give them, or this is a newer version of the
 * app — are asked for again. */
static gboolean
retry_skipped (Replication  *r,
               GError      **error)
{
  g_autofree char *local_id = skipped_id (r);
  g_autoptr(JsonObject) kept = gp_store_get_local (r->store, local_id, NULL);
  JsonArray *entries = gp_json_get_array (kept, "revisions");
  gboolean upgraded = g_strcmp0 (gp_json_get_string (kept, "version"), PACKAGE_VERSION) != 0;
  g_autoptr(JsonArray) again = json_array_new ();

  r->skipped_loaded = TRUE;
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = gp_json_get_string (entry, "id");
      const char *rev = gp_json_get_string (entry, "rev");
      JsonNode *retry = entry ? json_object_get_member (entry, "retry") : NULL;
      JsonObject *want;

      if (id == NULL || rev == NULL)
        continue;
      json_array_add_object_element (r->skipped, json_object_ref (entry));
      if (!upgraded && (retry == NULL || !JSON_NODE_HOLDS_VALUE (retry) || !json_node_get_boolean (retry)))
        continue;
      want = json_object_new ();
      json_object_set_string_member (want, "id", id);
      json_object_set_string_member (want, "rev", rev);
      json_array_add_object_element (again, want);
    }
  if (json_array_get_length (again) == 0)
    return TRUE;
  g_debug ("Asking again for %u revisions skipped before", json_array_get_length (again));
  return receive_revisions (r, again, error);
}

/* Remembers what is skipped now — each revision once, the latest reason,
 * none the store has meanwhile — and lists it in the stats. */
static void
save_skipped (Replication *r)
{
  g_autofree char *local_id = skipped_id (r);
  g_autoptr(JsonObject) save = json_object_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *entries = json_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = json_array_get_length (r->skipped); i-- > 0;)
    {
      JsonObject *entry = json_array_get_object_element (r->skipped, i);
      const char *id = gp_json_get_string (entry, "id");
      const char *rev = gp_json_get_string (entry, "rev");
      g_autofree char *key = g_strconcat (id, " ", rev, NULL);
      g_autoptr(JsonObject) have = NULL;

      if (g_hash_table_contains (seen, key))
        continue;
      have = gp_store_get_revision (r->store, id, rev, GP_STORE_GET_NONE, NULL);
      if (have != NULL)
        continue;
      list_document (&r->stats->skipped, "Not received", id, rev, gp_json_get_string (entry, "reason"));
      json_array_add_object_element (entries, json_object_ref (entry));
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
  json_object_set_string_member (save, "version", PACKAGE_VERSION);
  json_object_set_array_member (save, "revisions", entries);
  if (!gp_store_put_local (r->store, local_id, save, &error))
    g_debug ("The skipped revisions are not remembered: %s", error->message);
}

/* The pull's writer: it writes the batches it is handed two at a time, in
 * one transaction and with one flush, while the next are fetched: two
 * being written and one waiting at most, as PouchDB's `batches_limit`.
 * A flush costs the phone's storage far more than its bytes; a crash
 * loses at most the last write's two batches, until the next flush, and
 * the next sync receives them again. The pull's thread records the
 * checkpoint of each write. */
#define WRITER_BATCHES 2

typedef struct
{
  GPtrArray *pending;
  JsonNode  *seq;      /* (nullable) the checkpoint it completes */
} Batch;

typedef struct
{
  Replication *r;
  GThread     *thread;
  GMutex       lock;
  GCond        cond;
  GQueue       batches;
  gboolean     closing;
  GError      *error;
  JsonNode    *written;  /* (nullable) the checkpoint of the last batch written */
} Writer;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->pending);
  g_clear_pointer (&batch->seq, json_node_unref);
  g_free (batch);
}

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;

  for (;;)
    {
      g_autoptr(GPtrArray) pending = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *seq = NULL;
      guint n;
      gboolean ok;

      g_mutex_lock (&writer->lock);
      while (g_queue_get_length (&writer->batches) < WRITER_BATCHES && !writer->closing)
        g_cond_wait (&writer->cond, &writer->lock);
      n = MIN (g_queue_get_length (&writer->batches), WRITER_BATCHES);
      for (guint i = 0; i < n; i++)
        {
          Batch *batch = g_queue_peek_nth (&writer->batches, i);

          for (guint j = 0; j < batch->pending->len; j++)
            g_ptr_array_add (pending, g_ptr_array_index (batch->pending, j));
          if (batch->seq != NULL)
            seq = batch->seq;
        }
      ok = writer->error == NULL;
      g_mutex_unlock (&writer->lock);
      if (n == 0)
        break;

      /* The batches stay at the queue's head, the pull's thread adding at
       * its tail, until written. */
      ok = ok && write_batch (writer->r, pending, &error);

      g_mutex_lock (&writer->lock);
      if (!ok && writer->error == NULL && error != NULL)
        writer->error = g_steal_pointer (&error);
      else if (ok && seq != NULL)
        {
          g_clear_pointer (&writer->written, json_node_unref);
          writer->written = json_node_ref (seq);
        }
      for (guint i = 0; i < n; i++)
        batch_free (g_queue_pop_head (&writer->batches));
      g_cond_broadcast (&writer->cond);
      g_mutex_unlock (&writer->lock);
    }
  return NULL;
}

static void
writer_start (Writer      *writer,
              Replication *r)
{
  writer->r = r;
  g_mutex_init (&writer->lock);
  g_cond_init (&writer->cond);
  g_queue_init (&writer->batches);
  writer->thread = g_thread_new ("pull-writer", writer_thread, writer);
}

/* Hands over what r->pending holds, with the checkpoint it completes;
 * waits while a batch is already waiting beside those being written. */
static gboolean
writer_hand_over (Writer    *writer,
                  JsonNode  *seq,
                  GError   **error)
{
  Batch *batch = g_new0 (Batch, 1);
  Replication *r = writer->r;

  batch->pending = g_steal_pointer (&r->pending);
  batch->seq = seq ? json_node_copy (seq) : NULL;
  r->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_store_edit_free);

  g_mutex_lock (&writer->lock);
  while (g_queue_get_length (&writer->batches) > WRITER_BATCHES && writer->error == NULL)
    g_cond_wait (&writer->cond, &writer->lock);
  if (writer->error != NULL)
    {
      g_mutex_unlock (&writer->lock);
      batch_free (batch);
      if (error != NULL)
        *error = g_error_copy (writer->error);
      return FALSE;
    }
  g_queue_push_tail (&writer->batches, batch);
  g_cond_broadcast (&writer->cond);
  g_mutex_unlock (&writer->lock);
  return TRUE;
}

/* Records the checkpoint of the last batch written, if it moved. */
static gboolean
writer_checkpoint (Writer  *writer,
                   GError **error)
{
  g_autoptr(JsonNode) seq = NULL;

  g_mutex_lock (&writer->lock);
  seq = g_steal_pointer (&writer->written);
  g_mutex_unlock (&writer->lock);
  return seq == NULL || save_checkpoint (writer->r, seq, error);
}

/* Writes what is handed over, then records its checkpoint; @error: the
 * writer's failure, or the checkpoint's, unless already set. */
static gboolean
writer_finish (Writer  *writer,
               GError **error)
{
  gboolean ok;

  g_mutex_lock (&writer->lock);
  writer->closing = TRUE;
  g_cond_broadcast (&writer->cond);
  g_mutex_unlock (&writer->lock);
  g_thread_join (writer->thread);

  ok = writer->error == NULL;
  if (!ok && error != NULL && *error == NULL)
    g_propagate_error (error, g_steal_pointer (&writer->error));
  g_clear_error (&writer->error);
  if (ok)
    ok = writer_checkpoint (writer, error != NULL && *error == NULL ? error : NULL);
  g_clear_pointer (&writer->written, json_node_unref);
  g_mutex_clear (&writer->lock);
  g_cond_clear (&writer->cond);
  return ok;
}

static gboolean pull_batches (Replication  *r,
                              Writer       *writer,
                              JsonNode     *since_node,
                              GError      **error);

static gboolean
pull (Replication  *r,
      JsonNode     *since_node,
      GError      **error)
{
  Writer writer = { 0 };
  gboolean ok;

  if (!retry_skipped (r, error))
    return FALSE;
  writer_start (&writer, r);
  ok = pull_batches (r, &writer, since_node, error);
  /* Even after a failure, what came whole is written. */
  return writer_finish (&writer, error) && ok;
}

/* The change feed a batch at a time: each batch's revisions and photos
 * fetched, then handed to the writer. */
static gboolean
pull_batches (Replication  *r,
              Writer       *writer,
              JsonNode     *since_node,
              GError      **error)
{
  g_autoptr(JsonNode) since = since_node ? json_node_copy (since_node) : NULL;

  for (;;)
    {
      g_autofree char *since_text = seq_to_query (since);
      g_autofree char *path = g_strdup_printf ("%s/_changes?style=all_docs&since=%s&limit=%d", r->db_path,
                                               since_text, GP_REPLICATION_BATCH);
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(JsonArray) wanted = json_array_new ();
      JsonArray *results;
      JsonNode *last_seq;

      if (g_cancellable_set_error_if_cancelled (r->cancellable, error))
        return FALSE;
      reply = gp_couch_request (r->couch, "GET", path, NULL, NULL, r->cancellable, error);
      if (reply == NULL)
        return FALSE;
      results = JSON_NODE_HOLDS_OBJECT (reply) ? gp_json_get_array (json_node_get_object (reply), "results") : NULL;
      last_seq = JSON_NODE_HOLDS_OBJECT (reply) ? json_object_get_member (json_node_get_object (reply), "last_seq")
                                                : NULL;
      if (results == NULL || last_seq == NULL)
        {
          set_bad_reply (error, "_changes");
          return FALSE;
        }
      if (json_array_get_length (results) == 0)
        return TRUE;
      r->stats->changes_read += json_array_get_length (results);
      r->stats->batches++;

      /* The leaf revisions the store does not have. */
      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonNode *item = json_array_get_element (results, i);
          JsonObject *change = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          const char *id = gp_json_get_string (change, "id");
          JsonArray *revs = gp_json_get_array (change, "changes");

          if (id == NULL || revs == NULL)
            {
              set_bad_reply (error, "_changes");
              return FALSE;
            }
          /* The centre's rules travel in its design document, not to phones. */
          if (g_str_has_prefix (id, "_design/"))
            continue;
          for (guint j = 0; j < json_array_get_length (revs); j++)
            {
              JsonNode *rev_item = json_array_get_element (revs, j);
              const char *rev = JSON_NODE_HOLDS_OBJECT (rev_item)
                                ? gp_json_get_string (json_node_get_object (rev_item), "rev") : NULL;
              g_autoptr(JsonObject) have = NULL;
              g_autoptr(GError) local_error = NULL;

              if (rev == NULL)
                {
                  set_bad_reply (error, "_changes");
                  return FALSE;
                }
              have = gp_store_get_revision (r->store, id, rev, GP_STORE_GET_NONE, &local_error);
              if (have == NULL)
                {
                  JsonObject *want;

                  if (!g_error_matches (local_error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND))
                    {
                      g_propagate_error (error, g_steal_pointer (&local_error));
                      return FALSE;
                    }
                  want = json_object_new ();
                  json_object_set_string_member (want, "id", id);
                  json_object_set_string_member (want, "rev", rev);
                  json_array_add_object_element (wanted, want);
                }
            }
        }
      if (json_array_get_length (wanted) > 0 && !fetch_batch (r, wanted, error))
        {
          /* What came whole, without a checkpoint. */
          writer_hand_over (writer, NULL, NULL);
          return FALSE;
        }

      g_clear_pointer (&since, json_node_unref);
      since = json_node_copy (last_seq);
      if (!writer_hand_over (writer, since, error) || !writer_checkpoint (writer, error))
        return FALSE;
      if (json_array_get_length (results) < GP_REPLICATION_BATCH)
        return TRUE;
    }
}

/* After a pull: what it wrote came from the centre, so the next push
 * need not ask the centre about it again (one `_revs_diff` and one
 * checkpoint a batch of 100). When everything local had been pushed before
 * the pull began, and every change since is a document the pull wrote with
 * that revision its only leaf, the push's checkpoint moves past them: one
 * request to read it, one to write it. Anything else (a report saved
 * meanwhile, a conflict) leaves it, and the push checks as always. */
static gboolean
push_skips_pulled (Replication  *r,
                   const char   *replica,
                   const char   *database,
                   gint64        start_seq,
                   GError      **error)
{
  Replication push = *r;
  g_autoptr(JsonNode) seq = NULL;
  gint64 since = start_seq, last = start_seq;
  gboolean ok;

  for (;;)
    {
      g_autoptr(GPtrArray) changes = gp_store_changes (r->store, since, GP_REPLICATION_BATCH, error);

      if (changes == NULL)
        return FALSE;
      if (changes->len == 0)
        break;
      for (guint i = 0; i < changes->len; i++)
        {
          GpStoreChange *change = g_ptr_array_index (changes, i);
          const char *rev = g_hash_table_lookup (r->received, change->id);
          g_auto(GStrv) leaves = gp_store_get_leaves (r->store, change->id, error);

          if (leaves == NULL)
            return FALSE;
          if (rev == NULL || leaves[0] == NULL || leaves[1] != NULL || !g_str_equal (leaves[0], rev))
            return TRUE;
          last = change->seq;
        }
      since = last;
    }
  if (last == start_seq)
    return TRUE;

  push.direction = GP_REPLICATION_PUSH;
  push.checkpoint_id = checkpoint_id_for (replica, GP_REPLICATION_PUSH, gp_couch_get_url (r->couch), database);
  push.session_id = g_uuid_string_random ();
  push.remote_checkpoint = get_remote_checkpoint (&push, error);
  ok = error == NULL || *error == NULL;
  if (ok)
    {
      seq = json_node_init_int (json_node_alloc (), last);
      ok = save_checkpoint (&push, seq, error);
    }
  g_free (push.checkpoint_id);
  g_free (push.session_id);
  g_clear_pointer (&push.remote_checkpoint, json_object_unref);
  return ok;
}

/**
 * gp_replicate:
 * @database: the grid's database on the centre, see gp_replication_database_name()
 * @stats: (out caller-allocates): what was done; clear it with gp_replication_stats_clear()
 *
 * Replicates one way, from the last checkpoint, to the end of the source's
 * change feed. Blocks: call it from a worker thread.
 */
gboolean
gp_replicate (GpStore                 *store,
              GpCouch                 *couch,
              const char              *database,
              GpReplicationDirection   direction,
              GpReplicationFlags       flags,
              GpReplicationStats      *stats,
              GCancellable            *cancellable,
              GError                 **error)
{
  Replication r = { 0 };
  g_autofree char *replica = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(JsonObject) local = NULL;
  g_autoptr(JsonNode) since = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 start_seq = 0;
  gboolean ok;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (GP_IS_COUCH (couch), FALSE);
  g_return_val_if_fail (database != NULL && stats != NULL, FALSE);

  memset (stats, 0, sizeof *stats);
  replica = dup_replica_id (store, error);
  if (replica == NULL)
    return FALSE;
  escaped = g_uri_escape_string (database, NULL, FALSE);

  r.store = store;
  r.couch = couch;
  r.db_path = g_strconcat ("/", escaped, NULL);
  r.direction = direction;
  r.flags = flags;
  r.checkpoint_id = checkpoint_id_for (replica, direction, gp_couch_get_url (couch), database);
  r.session_id = g_uuid_string_random ();
  r.stats = stats;
  r.cancellable = cancellable;
  r.grid_code = g_strdup (g_str_has_prefix (database, "gridpatrol-") ? database + strlen ("gridpatrol-") : database);
  r.skipped = json_array_new ();
  r.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_store_edit_free);
  r.arrived = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  r.inside = -1;
  r.thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  g_mutex_init (&r.side_wait.lock);
  g_cond_init (&r.side_wait.cond);
  g_mutex_init (&r.lock);

  /* A pull that starts with everything pushed notes what it writes, for
   * push_skips_pulled(). */
  if (direction == GP_REPLICATION_PULL)
    {
      start_seq = gp_store_get_update_seq (store);
      if (gp_replication_get_pushed_seq (store, gp_couch_get_url (couch), database) == start_seq)
        r.received = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }

  local = gp_store_get_local (store, r.checkpoint_id, NULL);
  r.remote_checkpoint = get_remote_checkpoint (&r, &local_error);
  if (local_error != NULL)
    ok = FALSE;
  else
    {
      since = agreed_since (local, r.remote_checkpoint);
      g_debug ("%s %s%s from %s", direction == GP_REPLICATION_PUSH ? "Pushing to" : "Pulling from", gp_couch_get_url (couch),
               r.db_path, since ? "a checkpoint" : "the start");
      ok = direction == GP_REPLICATION_PUSH ? push (&r, since, &local_error) : pull (&r, since, &local_error);
    }
  if (r.skipped_loaded)
    save_skipped (&r);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (r.received != NULL && g_hash_table_size (r.received) > 0)
    {
      g_autoptr(GError) skip_error = NULL;

      /* Only a saving: the push checks as always if it cannot be made. */
      if (!push_skips_pulled (&r, replica, database, start_seq, &skip_error))
        g_debug ("The push will check what was pulled: %s", skip_error->message);
    }
  /* The batches and checkpoints were written without waiting for the disk
   * (the checkpoint push_skips_pulled() moves comes after a batch). */
  if (r.unflushed && !gp_store_flush (store, ok ? error : NULL))
    ok = FALSE;

  g_free (r.db_path);
  g_free (r.grid_code);
  g_clear_object (&r.grid);
  json_array_unref (r.skipped);
  g_free (r.checkpoint_id);
  g_free (r.session_id);
  g_clear_pointer (&r.remote_checkpoint, json_object_unref);
  g_clear_pointer (&r.received, g_hash_table_unref);
  g_ptr_array_unref (r.pending);
  g_ptr_array_unref (r.arrived);
  g_hash_table_unref (r.thumbnails);
  if (r.pool != NULL)
    g_thread_pool_free (r.pool, FALSE, TRUE);
  g_mutex_clear (&r.side_wait.lock);
  g_cond_clear (&r.side_wait.cond);
  g_mutex_clear (&r.lock);
  return ok;
}
