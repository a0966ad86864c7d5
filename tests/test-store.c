/* test-store.c — documents, revisions, the winner, tombstones, attachments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-attachment.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-revision.h"
#include "gp-store.h"
#include "gp-store-private.h"
#include "gp-test-util.h"
#include "gp-worker.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  char    *dir;
  GpStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static JsonObject *
doc_new (const char *id,
         const char *rev,
         const char *name)
{
  JsonObject *doc = json_object_new ();

  json_object_set_string_member (doc, "_id", id);
  if (rev != NULL)
    json_object_set_string_member (doc, "_rev", rev);
  json_object_set_string_member (doc, "type", "note");
  json_object_set_string_member (doc, "name", name);
  return doc;
}

static char *
put (GpStore    *store,
     const char *id,
     const char *rev,
     const char *name)
{
  g_autoptr(JsonObject) doc = doc_new (id, rev, name);
  g_autoptr(GError) error = NULL;
  char *new_rev = gp_store_put (store, doc, NULL, GP_STORE_PUT_NONE, &error);

  g_assert_no_error (error);
  return new_rev;
}

/* A revision from elsewhere with its history, as replication brings it. */
static void
put_branch (GpStore            *store,
            const char         *id,
            guint               pos,
            const char * const *hashes,
            gboolean            deleted,
            const char         *name)
{
  g_autoptr(JsonObject) doc = doc_new (id, NULL, name);
  g_autoptr(JsonObject) revisions = json_object_new ();
  g_autoptr(JsonArray) ids = json_array_new ();
  g_autofree char *rev = g_strdup_printf ("%u-%s", pos, hashes[0]);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; hashes[i] != NULL; i++)
    json_array_add_string_element (ids, hashes[i]);
  json_object_set_int_member (revisions, "start", pos);
  json_object_set_array_member (revisions, "ids", json_array_ref (ids));
  json_object_set_string_member (doc, "_rev", rev);
  json_object_set_object_member (doc, "_revisions", json_object_ref (revisions));
  if (deleted)
    json_object_set_boolean_member (doc, "_deleted", TRUE);

  gp_store_put_revision (store, doc, NULL, &error);
  g_assert_no_error (error);
}

static int
query_int (GpStore    *store,
           const char *sql)
{
  g_autofree char *path = g_build_filename (gp_store_get_dir (store), GP_STORE_FILE_NAME, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_revision_ids (void)
{
  guint pos = 0;
  g_autofree char *hash = NULL;
  g_autofree char *first = gp_revision_make (NULL, FALSE, "{\"a\":1}", NULL);
  g_autofree char *again = gp_revision_make (NULL, FALSE, "{\"a\":1}", NULL);
  g_autofree char *other = gp_revision_make (NULL, FALSE, "{\"a\":2}", NULL);
  g_autofree char *child = gp_revision_make (first, FALSE, "{\"a\":1}", NULL);
  g_autofree char *deleted = gp_revision_make (first, TRUE, "{\"a\":1}", NULL);

  g_assert_true (gp_revision_parse ("12-abcdef0123", &pos, &hash));
  g_assert_cmpuint (pos, ==, 12);
  g_assert_cmpstr (hash, ==, "abcdef0123");
  g_assert_false (gp_revision_parse ("0-abc", NULL, NULL));
  g_assert_false (gp_revision_parse ("01-abc", NULL, NULL));
  g_assert_false (gp_revision_parse ("3-", NULL, NULL));
  g_assert_false (gp_revision_parse ("x-abc", NULL, NULL));
  g_assert_false (gp_revision_parse ("3-a b", NULL, NULL));
  g_assert_false (gp_revision_parse (NULL, NULL, NULL));

  /* N-<32 hex>, the same for the same edit, different otherwise. */
  g_assert_true (g_str_has_prefix (first, "1-"));
  g_assert_cmpuint (strlen (first), ==, 2 + 32);
  g_assert_cmpstr (first, ==, again);
  g_assert_cmpstr (first, !=, other);
  g_assert_true (g_str_has_prefix (child, "2-"));
  g_assert_cmpstr (child, !=, deleted);

  g_assert_cmpint (gp_revision_compare ("2-aaa", "10-aaa"), <, 0);
  g_assert_cmpint (gp_revision_compare ("3-bbb", "3-aaa"), >, 0);
  g_assert_cmpint (gp_revision_compare ("3-aaa", "3-aaa"), ==, 0);
}

static void
test_open_settings (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, GP_STORE_FILE_NAME, NULL);
  GStatBuf st;

  g_assert_cmpint (query_int (fixture->store, "PRAGMA user_version"), ==, GP_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->store, "SELECT count(*) FROM pragma_journal_mode "
                                              "WHERE journal_mode = 'wal'"), ==, 1);
  /* synchronous and foreign_keys are per connection: ask the store's own. */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (fixture->store->writer->handle, "PRAGMA synchronous",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2); /* FULL */
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (fixture->store->writer->handle, "PRAGMA foreign_keys",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
  }

  /* Household data: the file is the user's alone. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (fixture->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
}

static void
test_edit_chain (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *rev1 = put (fixture->store, "note:a", NULL, "first");
  g_autofree char *rev2 = put (fixture->store, "note:a", rev1, "second");
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) leaves = NULL;
  JsonObject *revisions;
  JsonArray *ids;
  g_autofree char *hash1 = NULL;
  g_autofree char *hash2 = NULL;

  g_assert_true (g_str_has_prefix (rev1, "1-"));
  g_assert_true (g_str_has_prefix (rev2, "2-"));

  doc = gp_store_get (fixture->store, "note:a", GP_STORE_GET_REVISIONS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (doc, "_rev"), ==, rev2);
  g_assert_cmpstr (gp_json_get_string (doc, "name"), ==, "second");

  /* The history is CouchDB's _revisions: start and hashes, newest first. */
  revisions = gp_json_get_object (doc, "_revisions");
  ids = gp_json_get_array (revisions, "ids");
  gp_revision_parse (rev1, NULL, &hash1);
  gp_revision_parse (rev2, NULL, &hash2);
  g_assert_cmpint (json_object_get_int_member (revisions, "start"), ==, 2);
  g_assert_cmpuint (json_array_get_length (ids), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, hash2);
  g_assert_cmpstr (json_array_get_string_element (ids, 1), ==, hash1);

  leaves = gp_store_get_leaves (fixture->store, "note:a", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (leaves), ==, 1);
  g_assert_cmpstr (leaves[0], ==, rev2);

  /* The edited revision is no longer a leaf; its body is gone, as after
   * CouchDB's compaction. */
  g_clear_pointer (&doc, json_object_unref);
  doc = gp_store_get_revision (fixture->store, "note:a", rev1, GP_STORE_GET_NONE, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND);
  g_assert_null (doc);
}

static void
test_conflicting_edits (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *rev1 = put (fixture->store, "note:a", NULL, "first");
  g_autofree char *rev2 = put (fixture->store, "note:a", rev1, "second");
  g_autofree char *before = gp_test_store_snapshot (fixture->store);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stale = doc_new ("note:a", rev1, "stale edit");
  g_autoptr(JsonObject) fresh = doc_new ("note:a", NULL, "no rev");
  g_autoptr(JsonObject) unknown = doc_new ("note:a", "9-0123456789abcdef", "unknown rev");
  g_autofree char *rev = NULL;

  /* Editing a revision that has been edited since is a conflict... */
  rev = gp_store_put (fixture->store, stale, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT);
  g_assert_null (rev);
  g_clear_error (&error);

  /* ...so is creating a document that exists, or naming a revision it never had. */
  rev = gp_store_put (fixture->store, fresh, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  rev = gp_store_put (fixture->store, unknown, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* and none of it changed anything. */
  after = gp_test_store_snapshot (fixture->store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_tombstones (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *rev1 = put (fixture->store, "note:a", NULL, "first");
  g_autofree char *rev2 = NULL;
  g_autofree char *rev3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_auto(GStrv) leaves = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  GpStoreChange *change;

  rev2 = gp_store_delete (fixture->store, "note:a", rev1, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (rev2, "2-"));

  /* Deleted documents are not found, but their tombstone is kept... */
  doc = gp_store_get (fixture->store, "note:a", GP_STORE_GET_NONE, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  leaves = gp_store_get_leaves (fixture->store, "note:a", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (leaves, ((const char * const[]) { rev2, NULL }));
  doc = gp_store_get_revision (fixture->store, "note:a", rev2, GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (doc, "_deleted"));
  g_clear_pointer (&doc, json_object_unref);

  /* ...and travel in the change feed, so replicas learn of the deletion. */
  changes = gp_store_changes (fixture->store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  change = g_ptr_array_index (changes, 0);
  g_assert_true (change->deleted);
  g_assert_cmpstr (change->rev, ==, rev2);

  /* A deleted document is not in typed lists. */
  g_assert_cmpint (gp_store_count (fixture->store, "note", NULL, &error), ==, 0);

  /* Recreating it continues the tree from the tombstone, as in CouchDB. */
  rev3 = put (fixture->store, "note:a", NULL, "again");
  g_assert_true (g_str_has_prefix (rev3, "3-"));
  doc = gp_store_get (fixture->store, "note:a", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (doc, "name"), ==, "again");

  /* Deleting what does not exist is "not found". */
  g_clear_pointer (&rev2, g_free);
  rev2 = gp_store_delete (fixture->store, "note:none", "1-abc", &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND);
  g_assert_null (rev2);
}

static void
test_winner (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_auto(GStrv) leaves = NULL;
  g_auto(GStrv) conflicts = NULL;

  /* Two replicas edited 1-a1 to the same depth: the greater hash wins. */
  put_branch (fixture->store, "household:h", 2, (const char *[]) { "b2", "a1", NULL }, FALSE, "b");
  put_branch (fixture->store, "household:h", 2, (const char *[]) { "c2", "a1", NULL }, FALSE, "c");
  doc = gp_store_get (fixture->store, "household:h", GP_STORE_GET_CONFLICTS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (doc, "_rev"), ==, "2-c2");
  g_assert_cmpstr (gp_json_get_string (doc, "name"), ==, "c");
  g_assert_cmpuint (json_array_get_length (gp_json_get_array (doc, "_conflicts")), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (gp_json_get_array (doc, "_conflicts"), 0),
                   ==, "2-b2");
  g_clear_pointer (&doc, json_object_unref);

  /* A longer history wins over a greater hash. */
  put_branch (fixture->store, "household:h", 3, (const char *[]) { "a3", "b2", "a1", NULL }, FALSE, "b3");
  doc = gp_store_get (fixture->store, "household:h", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (doc, "_rev"), ==, "3-a3");
  g_clear_pointer (&doc, json_object_unref);

  /* A deleted leaf never wins over a live one, however long its history. */
  put_branch (fixture->store, "household:h", 4,
              (const char *[]) { "d4", "d3", "b2", "a1", NULL }, TRUE, "gone");
  doc = gp_store_get (fixture->store, "household:h", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (doc, "_rev"), ==, "3-a3");
  g_clear_pointer (&doc, json_object_unref);

  /* Every leaf is kept: live ones first, then by history and hash. */
  leaves = gp_store_get_leaves (fixture->store, "household:h", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (leaves, ((const char * const[]) { "3-a3", "2-c2", "4-d4", NULL }));
  conflicts = gp_store_get_conflicts (fixture->store, "household:h", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (conflicts, ((const char * const[]) { "2-c2", NULL }));
  g_clear_pointer (&conflicts, g_strfreev);

  /* A leader settles the conflict by deleting the losing leaf. */
  {
    g_autofree char *rev = gp_store_delete (fixture->store, "household:h", "2-c2", &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (rev, "3-"));
  }
  conflicts = gp_store_get_conflicts (fixture->store, "household:h", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (conflicts, ((const char * const[]) { NULL }));
  doc = gp_store_get (fixture->store, "household:h", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (doc, "_rev"), ==, "3-a3");
}

static void
test_put_revision_idempotent (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  put_branch (fixture->store, "route:r", 3, (const char *[]) { "c3", "b2", "a1", NULL }, FALSE, "r");
  before = gp_test_store_snapshot (fixture->store);

  /* The same revision, or one of its ancestors, again: nothing to add. */
  put_branch (fixture->store, "route:r", 3, (const char *[]) { "c3", "b2", "a1", NULL }, FALSE, "r");
  put_branch (fixture->store, "route:r", 2, (const char *[]) { "b2", "a1", NULL }, FALSE, "old");
  after = gp_test_store_snapshot (fixture->store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *rev = put (fixture->store, "note:a", NULL, "kept");
  g_autofree char *before = gp_test_store_snapshot (fixture->store);
  g_autofree char *after = NULL;
  struct
  {
    const char *json;
    gboolean    replicated;
  } cases[] = {
    { "{\"name\": \"no id\"}", FALSE },
    { "{\"_id\": \"\", \"name\": \"empty id\"}", FALSE },
    { "{\"_id\": \"_secret\", \"name\": \"reserved\"}", FALSE },
    { "{\"_id\": \"note:b\", \"_bogus\": 1}", FALSE },
    { "{\"_id\": \"note:b\", \"_rev\": \"banana\"}", FALSE },
    { "{\"_id\": \"note:b\", \"_rev\": \"2-abc\", \"_revisions\": {\"start\": 3, \"ids\": [\"abc\"]}}", TRUE },
    { "{\"_id\": \"note:b\", \"_rev\": \"2-abc\", \"_revisions\": {\"start\": 2, \"ids\": [\"xyz\"]}}", TRUE },
    { "{\"_id\": \"note:b\", \"_rev\": \"1-abc\", \"_revisions\": {\"start\": 1, \"ids\": [\"abc\", \"zzz\"]}}", TRUE },
    { "{\"_id\": \"note:b\", \"_rev\": \"1-abc\", \"_attachments\": {\"p.jpg\": {\"stub\": true, \"digest\": \"md5-XUFAKrxLKna5cZ2REBfFkg==\"}}}", TRUE },
    { "{\"_id\": \"note:b\", \"_attachments\": {\"p.jpg\": {\"stub\": true}}}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) doc = gp_json_parse_object (cases[i].json, -1, &error);

      g_assert_no_error (error);
      if (cases[i].replicated)
        g_assert_false (gp_store_put_revision (fixture->store, doc, NULL, &error));
      else
        {
          g_autofree char *new_rev = gp_store_put (fixture->store, doc, NULL, GP_STORE_PUT_NONE, &error);

          g_assert_null (new_rev);
        }
      g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID);
    }

  after = gp_test_store_snapshot (fixture->store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_change_feed (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *a1 = put (fixture->store, "note:a", NULL, "a");
  g_autofree char *b1 = put (fixture->store, "note:b", NULL, "b");
  g_autofree char *a2 = put (fixture->store, "note:a", a1, "a again");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = gp_store_changes (fixture->store, 0, 0, &error);
  g_autoptr(GPtrArray) since = NULL;
  g_autoptr(GPtrArray) limited = NULL;
  GpStoreChange *first, *second;

  g_assert_no_error (error);
  g_assert_cmpint (gp_store_get_update_seq (fixture->store), ==, 3);

  /* Each document once, at its latest change, in sequence order. */
  g_assert_cmpuint (all->len, ==, 2);
  first = g_ptr_array_index (all, 0);
  second = g_ptr_array_index (all, 1);
  g_assert_cmpstr (first->id, ==, "note:b");
  g_assert_cmpint (first->seq, ==, 2);
  g_assert_cmpstr (second->id, ==, "note:a");
  g_assert_cmpint (second->seq, ==, 3);
  g_assert_cmpstr (second->rev, ==, a2);

  since = gp_store_changes (fixture->store, 2, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (since->len, ==, 1);
  limited = gp_store_changes (fixture->store, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (limited->len, ==, 1);
}

static GPtrArray *
attachments_of (GpAttachment *attachment)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);

  g_ptr_array_add (array, attachment);
  return array;
}

static void
test_attachments (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GBytes) photo = g_bytes_new_static ("photo-1", 7);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = doc_new ("incident:1", NULL, "manhole");
  g_autoptr(JsonObject) twin = doc_new ("incident:2", NULL, "same photo");
  g_autoptr(GPtrArray) new_photo = attachments_of (gp_attachment_new ("before.jpg", "image/jpeg", photo));
  g_autoptr(GPtrArray) same_photo = attachments_of (gp_attachment_new ("p.jpg", "image/jpeg", photo));
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autofree char *rev1 = NULL;
  g_autofree char *rev2 = NULL;
  g_autofree char *rev3 = NULL;
  g_autofree char *blob = NULL;
  JsonObject *info;

  /* CouchDB's digest. */
  {
    g_autoptr(GBytes) hello = g_bytes_new_static ("hello", 5);
    g_autofree char *digest = gp_attachment_compute_digest (hello);
    g_autofree char *hex = gp_attachment_digest_to_hex (digest);

    g_assert_cmpstr (digest, ==, "md5-XUFAKrxLKna5cZ2REBfFkg==");
    g_assert_cmpstr (hex, ==, "5d41402abc4b2a76b9719d911017c592");
  }

  rev1 = gp_store_put (fixture->store, doc, new_photo, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);

  stored = gp_store_get (fixture->store, "incident:1", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  info = gp_json_get_object (gp_json_get_object (stored, "_attachments"), "before.jpg");
  g_assert_nonnull (info);
  g_assert_cmpstr (gp_json_get_string (info, "content_type"), ==, "image/jpeg");
  g_assert_cmpstr (gp_json_get_string (info, "digest"), ==, "md5-XL2VbcuTUutGhUpctwfRpA==");
  g_assert_cmpint (json_object_get_int_member (info, "length"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (info, "revpos"), ==, 1);
  g_assert_true (json_object_get_boolean_member (info, "stub"));

  /* Content-addressed beside the database, private to the user. */
  blob = g_build_filename (fixture->dir, "attachments", "5c", "5cbd956dcb9352eb46854a5cb707d1a4", NULL);
  g_assert_true (g_file_test (blob, G_FILE_TEST_IS_REGULAR));
  read = gp_store_read_attachment (fixture->store, "md5-XL2VbcuTUutGhUpctwfRpA==", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, photo));

  /* The same bytes in another document are stored once. */
  g_free (gp_store_put (fixture->store, twin, same_photo, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gp_test_count_photo_files (fixture->dir), ==, 1);

  /* An edit that keeps the stub keeps the photo and its revpos. */
  json_object_set_string_member (stored, "name", "manhole, edited");
  rev2 = gp_store_put (fixture->store, stored, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&stored, json_object_unref);
  stored = gp_store_get (fixture->store, "incident:1", GP_STORE_GET_NONE, &error);
  info = gp_json_get_object (gp_json_get_object (stored, "_attachments"), "before.jpg");
  g_assert_nonnull (info);
  g_assert_cmpint (json_object_get_int_member (info, "revpos"), ==, 1);

  /* An edit without the stub drops the attachment; the blob stays while
   * incident:2 uses it. */
  json_object_remove_member (stored, "_attachments");
  rev3 = gp_store_put (fixture->store, stored, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (blob, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&stored, json_object_unref);

  /* Once no revision uses it, it goes. */
  stored = gp_store_get (fixture->store, "incident:2", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_free (gp_store_delete (fixture->store, "incident:2", gp_json_get_string (stored, "_rev"), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (blob, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (gp_test_count_photo_files (fixture->dir), ==, 0);
}

/* A pull's batch: one transaction; a revision the store cannot keep is
 * refused alone, with its reason, and leaves no photo file behind. */
static void
test_put_revisions_batch (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *rev = put (fixture->store, "note:a", NULL, "kept");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_store_edit_free);
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  const char *docs[] = {
    "{\"_id\": \"note:b\", \"_rev\": \"1-aaa\", \"name\": \"good\"}",
    "{\"_id\": \"note:c\", \"_rev\": \"2-abc\", \"_revisions\": {\"start\": 2, \"ids\": [\"xyz\"]}}",
    "{\"_id\": \"note:d\", \"_rev\": \"1-ddd\", \"name\": \"good too\"}",
  };
  const char *photos[] = { "the first photo", "the refused one's photo", NULL };
  g_autoptr(JsonObject) got = NULL;
  g_autofree char *digest = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonObject) doc = gp_json_parse_object (docs[i], -1, &error);
      g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);

      g_assert_no_error (error);
      if (photos[i] != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_static (photos[i], strlen (photos[i]));
          GpAttachment *photo = gp_attachment_new ("p.jpg", "image/jpeg", bytes);
          g_autoptr(JsonObject) stubs = json_object_new ();

          json_object_set_object_member (stubs, "p.jpg", gp_attachment_to_stub_json (photo));
          json_object_set_object_member (doc, "_attachments", g_steal_pointer (&stubs));
          g_ptr_array_add (attachments, photo);
        }
      g_ptr_array_add (batch, gp_store_edit_new (doc, attachments));
    }

  g_assert_true (gp_store_put_revisions (fixture->store, batch, &refused, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 3);
  g_assert_null (g_ptr_array_index (refused, 0));
  g_assert_error ((GError *) g_ptr_array_index (refused, 1), GP_STORE_ERROR, GP_STORE_ERROR_INVALID);
  g_assert_null (g_ptr_array_index (refused, 2));

  /* The good ones, with the photo; the refused one nowhere, nor its photo. */
  got = gp_store_get (fixture->store, "note:b", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gp_json_get_object (got, "_attachments"));
  g_clear_pointer (&got, json_object_unref);
  got = gp_store_get (fixture->store, "note:d", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&got, json_object_unref);
  got = gp_store_get (fixture->store, "note:c", GP_STORE_GET_NONE, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (gp_test_count_photo_files (fixture->dir), ==, 1);
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static (photos[1], strlen (photos[1]));

    digest = gp_attachment_compute_digest (bytes);
    g_assert_false (gp_store_has_blob (fixture->store, digest));
  }

  /* What was there before is as it was. */
  {
    g_autoptr(JsonObject) kept = gp_store_get (fixture->store, "note:a", GP_STORE_GET_NONE, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (gp_json_get_string (kept, "_rev"), ==, rev);
  }
  g_assert_true (gp_store_flush (fixture->store, &error));
  g_assert_no_error (error);
}

/* A revision received with a photo's stub but not its bytes (photos on
 * demand): stored, the photo known but not here, said so when read; the
 * bytes brought later are checked against the digest, and only bytes a
 * revision names are taken. */
static void
test_photo_not_here (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *text = "the photo, at the centre";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", bytes);
  g_autoptr(GBytes) other = g_bytes_new_static ("other bytes", 11);
  g_autofree char *other_digest = gp_attachment_compute_digest (other);
  g_autoptr(JsonObject) doc = gp_json_parse_object ("{\"_id\": \"note:far\", \"_rev\": \"1-aaa\"}", -1, NULL);
  g_autoptr(JsonObject) bad = gp_json_parse_object ("{\"_id\": \"note:bad\", \"_rev\": \"1-bbb\","
                                                    " \"_attachments\": {\"p.jpg\": {\"stub\": true,"
                                                    " \"content_type\": \"image/jpeg\","
                                                    " \"digest\": \"md5-nonsense\"}}}", -1, NULL);
  g_autoptr(JsonObject) stubs = json_object_new ();
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *rev = NULL;

  json_object_set_object_member (stubs, "photo-1.jpg", gp_attachment_to_stub_json (photo));
  json_object_set_object_member (doc, "_attachments", g_steal_pointer (&stubs));
  g_assert_true (gp_store_put_revision (fixture->store, doc, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (gp_store_has_blob (fixture->store, photo->digest));
  g_assert_cmpuint (gp_test_count_photo_files (fixture->dir), ==, 0);

  read = gp_store_read_attachment (fixture->store, photo->digest, &error);
  g_assert_null (read);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_HERE);
  g_assert_cmpstr (error->message, ==, "The photo has not been downloaded to this device yet");
  g_clear_error (&error);

  /* Not a problem of the folder: nothing here to be damaged. */
  g_assert_true (gp_store_check (fixture->store, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  missing = gp_store_list_missing_blobs (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->doc_id, ==, "note:far");
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->rev, ==, "1-aaa");
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->name, ==, "photo-1.jpg");
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->digest, ==, photo->digest);
  g_assert_cmpint (((GpMissingBlob *) g_ptr_array_index (missing, 0))->length, ==, strlen (text));
  g_clear_pointer (&missing, g_ptr_array_unref);

  /* A stub with no valid digest or length is refused, and nothing changes. */
  before = gp_test_store_snapshot (fixture->store);
  g_assert_false (gp_store_put_revision (fixture->store, bad, NULL, &error));
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autofree char *after = gp_test_store_snapshot (fixture->store);

    g_assert_cmpstr (after, ==, before);
  }

  /* Bytes that do not match, or that no revision names: refused, and the
   * photo is still known, not here. */
  g_assert_false (gp_store_put_blob (fixture->store, photo->digest, other, &error));
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (gp_store_put_blob (fixture->store, other_digest, other, &error));
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (gp_test_count_photo_files (fixture->dir), ==, 0);
  g_assert_false (gp_store_has_blob (fixture->store, photo->digest));
  {
    g_autofree char *after = gp_test_store_snapshot (fixture->store);

    g_assert_cmpstr (after, ==, before);
  }

  /* The bytes come: here, read whole, no longer missing. */
  g_assert_true (gp_store_put_blob (fixture->store, photo->digest, bytes, &error));
  g_assert_no_error (error);
  g_assert_true (gp_store_has_blob (fixture->store, photo->digest));
  read = gp_store_read_attachment (fixture->store, photo->digest, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, bytes));
  missing = gp_store_list_missing_blobs (fixture->store, &error);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);
  g_assert_true (gp_store_check (fixture->store, &problems, &error));
  g_assert_cmpuint (problems->len, ==, 0);

  /* A local edit keeps the photo, as a stub. */
  {
    g_autoptr(JsonObject) edit = gp_store_get (fixture->store, "note:far", GP_STORE_GET_NONE, &error);

    json_object_set_string_member (edit, "name", "edited");
    rev = gp_store_put (fixture->store, edit, NULL, GP_STORE_PUT_NONE, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (rev, "2-"));
  }
}

/* Open descriptors of this process on @path. */
static guint
count_open (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      n += g_strcmp0 (target, path) == 0;
    }
  return n;
}

static gpointer
read_once (gpointer data)
{
  return GINT_TO_POINTER (gp_store_get_update_seq (data) >= 0);
}

/* Each thread reads on a connection of its own, and a pool's threads come
 * and go all day: a thread's connection closes when the thread ends. */
static void
test_readers_end_with_threads (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, GP_STORE_FILE_NAME, NULL);
  guint before;

  g_assert_cmpint (gp_store_get_update_seq (fixture->store), >=, 0);
  before = count_open (path);
  for (guint i = 0; i < 20; i++)
    {
      GThread *thread = g_thread_new ("reader", read_once, fixture->store);

      g_assert_true (GPOINTER_TO_INT (g_thread_join (thread)));
    }
  /* SQLite keeps the descriptor of a connection closed while others hold
   * locks on the file, and gives it to the next one opened: one more at
   * most, however many threads came and went. */
  g_assert_cmpuint (count_open (path), <=, before + 1);
}

static void
test_attachment_damage (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) photo = g_bytes_new_static ("photo-2", 7);
  g_autoptr(JsonObject) doc = doc_new ("incident:1", NULL, "x");
  g_autoptr(GPtrArray) attachments = attachments_of (gp_attachment_new ("a.jpg", "image/jpeg", photo));
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = gp_store_put (fixture->store, doc, attachments, GP_STORE_PUT_NONE, &error);
  g_autofree char *blob = g_build_filename (fixture->dir, "attachments", "74",
                                            "747bee27fa72ee9c700490ddf6cc6d16", NULL);
  g_autofree char *orphan_dir = g_build_filename (fixture->dir, "attachments", "00", NULL);
  g_autofree char *orphan = g_build_filename (orphan_dir, "00112233445566778899aabbccddeeff", NULL);
  g_autoptr(GBytes) read = NULL;

  g_assert_no_error (error);

  /* A damaged file is reported, never returned. */
  g_assert_true (g_file_set_contents (blob, "photo-X", 7, NULL));
  read = gp_store_read_attachment (fixture->store, "md5-dHvuJ/py7pxwBJDd9sxtFg==", &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT);
  g_assert_null (read);
  g_clear_error (&error);

  /* Garbage collection removes what a crash left behind, nothing else. */
  g_assert_cmpint (g_mkdir_with_parents (orphan_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (orphan, "left over", -1, NULL));
  g_assert_cmpuint (gp_store_collect_garbage (fixture->store, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (blob, G_FILE_TEST_EXISTS));
}

/* What a write killed half way leaves: a file under the digest with the
 * wrong bytes (zeros, or nothing), and temporary files. Neither is trusted
 * nor kept. */
static void
test_attachment_killed_write (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GBytes) photo = g_bytes_new_static ("photo-2", 7);
  g_autoptr(JsonObject) doc = doc_new ("incident:1", NULL, "x");
  g_autoptr(GPtrArray) attachments = attachments_of (gp_attachment_new ("a.jpg", "image/jpeg", photo));
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *blob_dir = g_build_filename (fixture->dir, "attachments", "74", NULL);
  g_autofree char *blob = g_build_filename (blob_dir, "747bee27fa72ee9c700490ddf6cc6d16", NULL);
  g_autofree char *temp = g_build_filename (blob_dir, ".tmp-747bee27fa72ee9c700490ddf6cc6d16-Ab12Cd", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) read = NULL;
  gsize length = 0;

  g_assert_cmpint (g_mkdir_with_parents (blob_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blob, "\0\0\0\0\0\0\0", 7, NULL));

  /* Sending the report again stores the right bytes over the zeros. */
  rev = gp_store_put (fixture->store, doc, attachments, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (blob, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, "photo-2", 7);
  read = gp_store_read_attachment (fixture->store, "md5-dHvuJ/py7pxwBJDd9sxtFg==", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (read, NULL), g_bytes_get_size (read), "photo-2", 7);

  /* An empty file is replaced the same way, for a second document. */
  g_clear_pointer (&doc, json_object_unref);
  g_clear_pointer (&rev, g_free);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_set_contents (blob, "", 0, NULL));
  doc = doc_new ("incident:2", NULL, "y");
  rev = gp_store_put (fixture->store, doc, attachments, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (blob, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, "photo-2", 7);

  /* A temporary file is gone when the store opens next, the photo stays. */
  g_assert_true (g_file_set_contents (temp, "phot", 4, NULL));
  g_clear_object (&fixture->store);
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_clear_pointer (&read, g_bytes_unref);
  read = gp_store_read_attachment (fixture->store, "md5-dHvuJ/py7pxwBJDd9sxtFg==", &error);
  g_assert_no_error (error);
}

/* Two processes on one folder: one deletes the last document naming a
 * photo while the other stores a new one with the same photo. The photo's
 * file goes only while no document names it, under the database's write
 * lock — here the delete's unlink is held up by strace for 1.5 s, after
 * its commit, and the new document comes in meanwhile. */
static void
test_attachment_shared_by_two_processes (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GBytes) photo = g_bytes_new_static ("photo-2", 7);
  g_autoptr(JsonObject) first = doc_new ("incident:1", NULL, "x");
  g_autoptr(JsonObject) second = doc_new ("incident:2", NULL, "y");
  g_autoptr(GPtrArray) attachments = attachments_of (gp_attachment_new ("a.jpg", "image/jpeg", photo));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) deleter = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autofree char *rev = gp_store_put (fixture->store, first, attachments, GP_STORE_PUT_NONE, &error);
  g_autofree char *rev2 = NULL;
  gint64 deadline;
  gboolean gone = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (g_getenv ("GP_STORE_OP"));
  deleter = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "strace", "-f", "-qq", "-o", "/dev/null",
                              "-e", "trace=unlink", "-e", "inject=unlink:delay_enter=1500000",
                              g_getenv ("GP_STORE_OP"), fixture->dir, "delete", "incident:1", NULL);
  g_assert_no_error (error);

  /* The delete is committed: now, while its unlink waits, the new one. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!gone && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonObject) there = gp_store_get (fixture->store, "incident:1", GP_STORE_GET_NONE, NULL);

      gone = there == NULL;
      if (!gone)
        g_usleep (2000);
    }
  g_assert_true (gone);
  rev2 = gp_store_put (fixture->store, second, attachments, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (deleter, NULL, &error));
  g_assert_no_error (error);

  read = gp_store_read_attachment (fixture->store, "md5-dHvuJ/py7pxwBJDd9sxtFg==", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (read, NULL), g_bytes_get_size (read), "photo-2", 7);
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The same off the main loop, as the app settles a conflict: the versions,
 * the winner first, then keeping the other one. */
static void
test_resolve_conflict_async (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *rev1 = put (fixture->store, "note:async", NULL, "base");
  g_autofree char *rev2 = put (fixture->store, "note:async", rev1, "edited here");
  const char *history[] = { "dddddddddddddddddddddddddddddddd", strchr (rev1, '-') + 1, NULL };
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GAsyncResult) resolved = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_auto(GStrv) left = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *kept_name = NULL;

  put_branch (fixture->store, "note:async", 2, history, FALSE, "edited there");
  gp_store_get_versions_async (fixture->store, "note:async", NULL, on_async_done, &listed);
  versions = gp_store_get_versions_finish (fixture->store, wait_for_result (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  {
    g_autoptr(JsonObject) winner = gp_store_get (fixture->store, "note:async", GP_STORE_GET_NONE, NULL);

    g_assert_cmpstr (gp_json_get_string (g_ptr_array_index (versions, 0), "_rev"), ==,
                     gp_json_get_string (winner, "_rev"));
  }
  keep = g_strdup (gp_json_get_string (g_ptr_array_index (versions, 1), "_rev"));
  kept_name = g_strdup (gp_json_get_string (g_ptr_array_index (versions, 1), "name"));

  gp_store_resolve_conflict_async (fixture->store, "note:async", keep, NULL, on_async_done, &resolved);
  g_assert_true (gp_store_resolve_conflict_finish (fixture->store, wait_for_result (&resolved), &error));
  g_assert_no_error (error);
  after = gp_store_get (fixture->store, "note:async", GP_STORE_GET_NONE, &error);
  g_assert_cmpstr (gp_json_get_string (after, "name"), ==, kept_name);
  left = gp_store_get_conflicts (fixture->store, "note:async", &error);
  g_assert_cmpuint (g_strv_length (left), ==, 0);
}

/* Household data is personal information: a folder or database that was
 * there with wider permissions is the user's alone once the store opens. */
static void
test_private_files (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  g_autoptr(GpStore) store = NULL;
  GStatBuf st;

  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  store = gp_test_open_store (dir);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_object (&store);

  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  store = gp_test_open_store (dir);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

static void
test_upsert (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) doc = doc_new ("note:a", NULL, "a");
  g_autoptr(JsonObject) reordered = json_object_new ();
  g_autoptr(JsonObject) changed = doc_new ("note:a", NULL, "b");
  g_autoptr(GError) error = NULL;
  g_autofree char *rev1 = gp_store_put (fixture->store, doc, NULL, GP_STORE_PUT_UPSERT, &error);
  g_autofree char *rev2 = NULL;
  g_autofree char *rev3 = NULL;
  gint64 seq;

  g_assert_no_error (error);
  seq = gp_store_get_update_seq (fixture->store);

  /* The same members in another order are the same document. */
  json_object_set_string_member (reordered, "name", "a");
  json_object_set_string_member (reordered, "type", "note");
  json_object_set_string_member (reordered, "_id", "note:a");
  rev2 = gp_store_put (fixture->store, reordered, NULL, GP_STORE_PUT_UPSERT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rev2, ==, rev1);
  g_assert_cmpint (gp_store_get_update_seq (fixture->store), ==, seq);

  rev3 = gp_store_put (fixture->store, changed, NULL, GP_STORE_PUT_UPSERT, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (rev3, "2-"));
}

static void
test_typed_queries_use_index (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *queries[] = {
    "EXPLAIN QUERY PLAN SELECT doc_id, id, rev, body FROM docs "
    "WHERE type = 'household' AND deleted = 0 ORDER BY id",
    "EXPLAIN QUERY PLAN SELECT doc_id, id, rev, body FROM docs "
    "WHERE type = 'household' AND grid = 'x' AND deleted = 0 ORDER BY id",
    "EXPLAIN QUERY PLAN SELECT count(*) FROM docs WHERE type = 'household' AND deleted = 0",
    "EXPLAIN QUERY PLAN SELECT doc_id, id, rev, body FROM docs WHERE type = 'household' "
    "AND building = 'b' AND deleted = 0 AND building IS NOT NULL ORDER BY id",
    "EXPLAIN QUERY PLAN SELECT doc_id, id, rev, body FROM docs WHERE type = 'visit' "
    "AND household = 'h' AND deleted = 0 AND household IS NOT NULL ORDER BY id",
    "EXPLAIN QUERY PLAN SELECT doc_id, id, rev, body FROM docs WHERE type = 'event' "
    "AND incident = 'i' AND deleted = 0 AND incident IS NOT NULL ORDER BY id",
  };
  const char *indexes[] = {
    "docs_by_type", "docs_by_type", "docs_by_type", "docs_by_building", "docs_by_household",
    "docs_by_incident",
  };
  g_autofree char *path = g_build_filename (fixture->dir, GP_STORE_FILE_NAME, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *stmt = NULL;
      g_autoptr(GString) plan = g_string_new (NULL);

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[i], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);

      g_test_message ("%s", plan->str);
      g_assert_nonnull (strstr (plan->str, indexes[i]));
      g_assert_null (strstr (plan->str, "SCAN docs\n"));
    }
  sqlite3_close (db);
}

static void
test_list_by (Fixture       *fixture,
              gconstpointer  data)
{
  const char *docs[] = {
    "{\"_id\":\"household:a\",\"type\":\"household\",\"building\":\"building:1\"}",
    "{\"_id\":\"household:b\",\"type\":\"household\",\"building\":\"building:1\"}",
    "{\"_id\":\"household:c\",\"type\":\"household\",\"building\":\"building:2\"}",
    "{\"_id\":\"visit:1\",\"type\":\"visit\",\"household\":\"household:a\",\"building\":\"building:1\"}",
    "{\"_id\":\"event:x:1\",\"type\":\"event\",\"incident\":\"incident:x\"}",
    "{\"_id\":\"event:x:2\",\"type\":\"event\",\"incident\":\"incident:x\"}",
    "{\"_id\":\"event:y:1\",\"type\":\"event\",\"incident\":\"incident:y\"}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(JsonObject) gone = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonObject) doc = gp_json_parse_object (docs[i], -1, NULL);

      g_free (gp_store_put (fixture->store, doc, NULL, GP_STORE_PUT_NONE, &error));
      g_assert_no_error (error);
    }

  households = gp_store_list_by (fixture->store, "household", GP_STORE_REF_BUILDING, "building:1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (households->len, ==, 2);
  g_assert_cmpstr (gp_json_get_string (g_ptr_array_index (households, 1), "_id"), ==, "household:b");

  /* A type is a type: the visit also names building:1. */
  visits = gp_store_list_by (fixture->store, "visit", GP_STORE_REF_HOUSEHOLD, "household:a", &error);
  g_assert_cmpuint (visits->len, ==, 1);
  events = gp_store_list_by (fixture->store, "event", GP_STORE_REF_INCIDENT, "incident:x", &error);
  g_assert_cmpuint (events->len, ==, 2);

  /* Deleted documents are not listed. */
  gone = gp_store_get (fixture->store, "household:b", GP_STORE_GET_NONE, &error);
  g_free (gp_store_delete (fixture->store, "household:b", gp_json_get_string (gone, "_rev"), &error));
  g_clear_pointer (&households, g_ptr_array_unref);
  households = gp_store_list_by (fixture->store, "household", GP_STORE_REF_BUILDING, "building:1", &error);
  g_assert_cmpuint (households->len, ==, 1);

  none = gp_store_list_by (fixture->store, "household", GP_STORE_REF_BUILDING, "building:9", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

typedef struct
{
  guint  done;
  char **changed;
} AsyncState;

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_documents_save_all_finish (GP_STORE (source), result, &error));
  g_assert_no_error (error);
  state->done++;
}

static void
on_documents_changed (GpStore    *store,
                      char      **ids,
                      AsyncState *state)
{
  g_strfreev (state->changed);
  state->changed = g_strdupv (ids);
}

static gboolean
both_saved (gpointer data)
{
  AsyncState *state = data;

  return state->done == 3 && state->changed != NULL;
}

static void
test_async_save (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GpVisit) first = gp_visit_new ();
  g_autoptr(GpVisit) second = gp_visit_new ();
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autoptr(GPtrArray) two = g_ptr_array_new ();
  AsyncState state = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2026-11-22T09:30:00+08:00", NULL);

  for (guint i = 0; i < 2; i++)
    {
      GpVisit *visit = i == 0 ? first : second;

      g_object_set (visit,
                    "grid", "G1",
                    "household", "household:G1-01-1-101",
                    "worker", "wang",
                    "note", i == 0 ? "first" : "second",
                    NULL);
      g_object_set (visit, "at", at, NULL);
    }
  g_ptr_array_add (one, first);
  g_ptr_array_add (two, second);

  g_signal_connect (fixture->store, "documents-changed", G_CALLBACK (on_documents_changed), &state);
  gp_documents_save_all_async (fixture->store, one, GP_STORE_PUT_NONE, NULL, on_saved, &state);
  gp_documents_save_all_async (fixture->store, two, GP_STORE_PUT_NONE, NULL, on_saved, &state);

  /* A third save whose document the caller drops at once: it is still
   * saved, and nothing touches freed memory when it finishes. */
  {
    g_autoptr(GPtrArray) dropped = g_ptr_array_new ();   /* holds no references */
    g_autoptr(GpVisit) visit = gp_visit_new ();

    g_object_set (visit, "grid", "G1", "household", "household:G1-01-1-102", "worker", "li", NULL);
    g_object_set (visit, "at", at, NULL);
    g_ptr_array_add (dropped, visit);
    gp_documents_save_all_async (fixture->store, dropped, GP_STORE_PUT_NONE, NULL, on_saved, &state);
  }
  g_assert_null (gp_document_get_rev (GP_DOCUMENT (first)));

  g_assert_true (gp_test_wait_until (both_saved, &state, 10000));
  g_assert_true (g_str_has_prefix (gp_document_get_rev (GP_DOCUMENT (first)), "1-"));
  g_assert_true (g_str_has_prefix (gp_document_get_rev (GP_DOCUMENT (second)), "1-"));

  /* Writes happen in the order they were asked for. */
  {
    g_autoptr(GPtrArray) changes = gp_store_changes (fixture->store, 0, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (((GpStoreChange *) g_ptr_array_index (changes, 0))->id, ==,
                     gp_document_get_id (GP_DOCUMENT (first)));
  }

  visits = gp_documents_load_all (fixture->store, "visit", "G1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 3);

  g_strfreev (state.changed);
}

static void
test_save_all_is_one_transaction (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GpLane) good = gp_lane_new ("G1-L1");
  g_autoptr(GpLane) taken = gp_lane_new ("G1-L2");
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GpGeoPoint line[2] = { { 108.94, 34.26 }, { 108.941, 34.26 } };
  g_autoptr(JsonObject) geometry = gp_geo_line_new (line, 2);

  g_object_set (good, "grid", "G1", "name", "1号巷", NULL);
  g_object_set (taken, "grid", "G1", "name", "2号巷", NULL);
  gp_document_set_geometry (GP_DOCUMENT (good), geometry);
  gp_document_set_geometry (GP_DOCUMENT (taken), geometry);

  /* lane:G1-L2 exists, so saving it as new is a conflict... */
  g_assert_true (gp_documents_save (fixture->store, GP_DOCUMENT (taken), GP_STORE_PUT_NONE, &error));
  gp_document_set_rev (GP_DOCUMENT (taken), NULL);
  before = gp_test_store_snapshot (fixture->store);

  g_ptr_array_add (documents, good);
  g_ptr_array_add (documents, taken);
  g_assert_false (gp_documents_save_all (fixture->store, documents, GP_STORE_PUT_NONE, &error));
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CONFLICT);

  /* ...and the lane before it in the same save was not written either. */
  after = gp_test_store_snapshot (fixture->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_null (gp_document_get_rev (GP_DOCUMENT (good)));
}

static void
slow_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  /* Until cancelled, or a while. */
  for (guint i = 0; i < 500 && !g_cancellable_is_cancelled (cancellable); i++)
    g_usleep (10000);
  g_task_return_boolean (task, TRUE);
}

/* The app waits for its workers before it exits: the count follows the
 * work started and finished, asynchronous saves included, and a cancelled
 * worker is waited for only until it stops. */
static void
test_worker_wait (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, NULL, NULL);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GpVisit) visit = gp_visit_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GpDocument) saved = NULL;

  g_assert_true (gp_worker_wait_all (1000));
  g_assert_cmpuint (gp_worker_get_busy (), ==, 0);

  gp_worker_run (task, slow_thread);
  g_assert_cmpuint (gp_worker_get_busy (), ==, 1);
  g_cancellable_cancel (cancellable);
  g_assert_true (gp_worker_wait_all (30000));
  g_assert_cmpuint (gp_worker_get_busy (), ==, 0);

  /* A save asked for just before quitting is on disk after the wait. */
  g_object_set (visit, "grid", "610103003003", "household", "household:x", "worker", "wang", "at", now, NULL);
  g_ptr_array_add (documents, g_object_ref (visit));
  gp_documents_save_all_async (store, documents, GP_STORE_PUT_NONE, NULL, NULL, NULL);
  g_assert_true (gp_worker_wait_all (30000));
  g_assert_cmpuint (gp_worker_get_busy (), ==, 0);
  saved = gp_documents_load (store, gp_document_get_id (GP_DOCUMENT (visit)), NULL);
  g_assert_nonnull (saved);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

/* Edits made apart that disagree are listed, and settled by keeping one:
 * its content wins on top of the old winner and the other leaves get
 * tombstones; either version can be kept. */
static void
test_resolve_conflict (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *branches[] = { "ffffffffffffffffffffffffffffffff", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee" };
  const char *ids[] = { "note:keep-loser", "note:keep-winner" };

  for (guint k = 0; k < G_N_ELEMENTS (ids); k++)
    {
      g_autofree char *rev1 = put (fixture->store, ids[k], NULL, "base");
      g_autofree char *rev2 = put (fixture->store, ids[k], rev1, "edited here");
      const char *hash1 = strchr (rev1, '-') + 1;
      const char *history[] = { branches[k], hash1, NULL };
      g_autoptr(GPtrArray) conflicted = NULL;
      g_autoptr(GPtrArray) settled = NULL;
      g_autoptr(JsonObject) winner = NULL;
      g_autoptr(JsonObject) after = NULL;
      g_auto(GStrv) conflicts = NULL;
      g_auto(GStrv) left = NULL;
      g_autoptr(GError) error = NULL;
      const char *loser;
      const char *keep;
      const char *expected;

      /* The other phone's edit arrives: two live leaves. */
      put_branch (fixture->store, ids[k], 2, history, FALSE, "edited there");
      conflicted = gp_store_list_conflicted (fixture->store, "note", NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (conflicted->len, ==, 1);
      g_assert_cmpstr (gp_json_get_string (g_ptr_array_index (conflicted, 0), "_id"), ==, ids[k]);
      winner = gp_store_get (fixture->store, ids[k], GP_STORE_GET_NONE, &error);
      conflicts = gp_store_get_conflicts (fixture->store, ids[k], &error);
      g_assert_cmpuint (g_strv_length (conflicts), ==, 1);
      loser = conflicts[0];

      /* Keep the losing edit, then the winning one. */
      keep = k == 0 ? loser : gp_json_get_string (winner, "_rev");
      expected = k == 0 ? (g_str_equal (gp_json_get_string (winner, "name"), "edited here") ? "edited there"
                                                                                             : "edited here")
                        : gp_json_get_string (winner, "name");
      g_assert_true (gp_store_resolve_conflict (fixture->store, ids[k], keep, &error));
      g_assert_no_error (error);
      after = gp_store_get (fixture->store, ids[k], GP_STORE_GET_NONE, &error);
      g_assert_cmpstr (gp_json_get_string (after, "name"), ==, expected);
      left = gp_store_get_conflicts (fixture->store, ids[k], &error);
      g_assert_cmpuint (g_strv_length (left), ==, 0);
      settled = gp_store_list_conflicted (fixture->store, "note", NULL, &error);
      g_assert_cmpuint (settled->len, ==, 0);
    }

  /* A version that is not there is refused. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (gp_store_resolve_conflict (fixture->store, ids[0], "9-0123", &error));
    g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/store/revision/ids", test_revision_ids);
  g_test_add_func ("/store/worker/wait", test_worker_wait);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/open/settings", test_open_settings);
  ADD ("/store/revision/edit-chain", test_edit_chain);
  ADD ("/store/revision/conflicting-edits", test_conflicting_edits);
  ADD ("/store/revision/tombstones", test_tombstones);
  ADD ("/store/revision/winner", test_winner);
  ADD ("/store/revision/replicated-twice", test_put_revision_idempotent);
  ADD ("/store/revision/resolve-conflict", test_resolve_conflict);
  ADD ("/store/revision/resolve-conflict-async", test_resolve_conflict_async);
  ADD ("/store/bad-input", test_bad_input);
  ADD ("/store/revision/pulled-batch", test_put_revisions_batch);
  ADD ("/store/revision/photo-not-here", test_photo_not_here);
  ADD ("/store/readers-end-with-threads", test_readers_end_with_threads);
  ADD ("/store/changes", test_change_feed);
  ADD ("/store/attachments/digest-dedupe-stubs", test_attachments);
  ADD ("/store/attachments/damage-and-garbage", test_attachment_damage);
  ADD ("/store/attachments/killed-write", test_attachment_killed_write);
  ADD ("/store/attachments/shared-by-two-processes", test_attachment_shared_by_two_processes);
  g_test_add_func ("/store/private-files", test_private_files);
  ADD ("/store/upsert", test_upsert);
  ADD ("/store/query/uses-index", test_typed_queries_use_index);
  ADD ("/store/query/list-by", test_list_by);
  ADD ("/store/save/async-in-order", test_async_save);
  ADD ("/store/save/one-transaction", test_save_all_is_one_transaction);
#undef ADD

  return g_test_run ();
}
