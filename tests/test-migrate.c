/* test-migrate.c — older stores are upgraded, newer and damaged ones refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-case-index.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-recorded-track.h"
#include "gp-store.h"
#include "gp-store-table.h"
#include "gp-test-util.h"

#include <sqlite3.h>
#include <string.h>

static char *
load_fixture (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  g_autofree char *sql = NULL;
  g_autofree char *blob_dir = g_build_filename (dir, "attachments", "5c", NULL);
  g_autofree char *blob = g_build_filename (blob_dir, "5cbd956dcb9352eb46854a5cb707d1a4", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  char *message = NULL;

  g_file_get_contents (g_test_get_filename (G_TEST_DIST, "fixtures", "store-v1.sql", NULL),
                       &sql, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("fixture: %s", message);
  sqlite3_close (db);

  /* The photo's bytes, as the old version left them beside the database. */
  g_assert_cmpint (g_mkdir_with_parents (blob_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blob, "photo-1", 7, NULL));

  return g_steal_pointer (&path);
}

static void
test_upgrade_v1 (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *path = load_fixture (dir);
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) household = NULL;
  g_autoptr(JsonObject) incident = NULL;
  g_autoptr(GPtrArray) households = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GBytes) photo = NULL;
  g_auto(GStrv) conflicts = NULL;
  g_autofree char *rev = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* The schema is current... */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, GP_STORE_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* ...and everything the old version stored is there, as it was. */
  g_assert_cmpint (gp_store_get_update_seq (store), ==, 7);
  household = gp_store_get (store, "household:G1-01-1-101", GP_STORE_GET_REVISIONS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_json_get_string (household, "_rev"), ==, "2-22222222222222222222222222222222");
  g_assert_true (json_object_get_boolean_member (gp_json_get_object (household, "future_field"), "kept"));
  g_assert_cmpuint (json_array_get_length (gp_json_get_array (gp_json_get_object (household, "_revisions"),
                                                                "ids")), ==, 2);

  conflicts = gp_store_get_conflicts (store, "household:G1-01-1-102", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (conflicts, ((const char * const[]) { "2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", NULL }));

  incident = gp_store_get (store, "incident:5f1e", GP_STORE_GET_NONE, &error);
  g_assert_no_error (error);
  photo = gp_store_read_attachment (store,
                                    gp_json_get_string (gp_json_get_object (gp_json_get_object (incident, "_attachments"),
                                                                            "before.jpg"), "digest"),
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (photo), ==, 7);

  changes = gp_store_changes (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 6);
  g_assert_true (((GpStoreChange *) g_ptr_array_index (changes, 5))->deleted);

  /* The new typed columns work on the old rows. */
  households = gp_store_list (store, "household", "G1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (households->len, ==, 2);
  g_assert_cmpint (gp_store_count (store, "grid", NULL, &error), ==, 1);

  /* And the store goes on from where it was. */
  json_object_set_string_member (household, "note", "visited");
  json_object_remove_member (household, "_revisions");
  rev = gp_store_put (store, household, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (rev, "3-"));
  g_assert_cmpint (gp_store_get_update_seq (store), ==, 8);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* A store of schema 6 kept the case table and the recorded track among the
 * store's own tables; from 7 they are their owners'. Upgraded, both are
 * still there as they were: the track's points, and the case index's rows
 * and progress, so nothing is folded again. */
static void
test_upgrade_v6 (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) reported = g_date_time_new_utc (2026, 10, 9, 2, 0, 0);
  g_autoptr(GArray) fixes = g_array_new (FALSE, TRUE, sizeof (GpFix));
  g_autoptr(GArray) kept = NULL;
  g_autoptr(GError) error = NULL;
  GpFix fix = { .time = G_GINT64_CONSTANT (1791511200) * G_USEC_PER_SEC, .latitude = 34.26, .longitude = 108.94, .accuracy = 5 };
  guint folded = 1;
  gint64 seq;
  sqlite3 *db = NULL;

  g_assert_true (gp_demo_install (store, GP_DEMO_MIN_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
  g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", GP_SOURCE_PATROL, "category", "06010",
                "reporter", "wang", "reported-at", reported, "grade", "B", NULL);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (gp_case_index_update (store, NULL, &error));
  g_assert_no_error (error);
  g_array_append_val (fixes, fix);
  g_assert_true (gp_recorded_track_append (store, "patrol:1", fixes, &error));
  g_assert_no_error (error);
  seq = gp_store_get_update_seq (store);
  g_clear_object (&store);

  /* Back to how schema 6 kept them. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf ("BEGIN; DROP VIEW documents; DROP TABLE tables;"
                                            " ALTER TABLE cases DROP COLUMN photos; ALTER TABLE cases DROP COLUMN gallery;"
                                            " ALTER TABLE cases DROP COLUMN far;"
                                            " ALTER TABLE blobs DROP COLUMN here;"
                                            " INSERT INTO meta (key, value) VALUES ('cases_seq', %" G_GINT64_FORMAT ");"
                                            " PRAGMA user_version = 6; COMMIT;", seq);

    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  sqlite3_close (db);

  store = gp_test_open_store (dir);
  g_assert_cmpint (gp_store_get_table_seq (store, "cases", &error), ==, seq);
  /* The case table's own version 2 (its photo columns) folds every case
   * once more; the one after that finds nothing to do. */
  g_assert_true (gp_case_index_update (store, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, 1);
  g_assert_true (gp_case_index_update (store, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, 0);
  kept = gp_recorded_track_load (store, "patrol:1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 1);
  g_assert_cmpint (g_array_index (kept, GpFix, 0).time, ==, fix.time);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count (*) FROM cases", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count (*) FROM meta WHERE key = 'cases_seq'", -1, &stmt,
                                         NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

static void
test_refuse_newer (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(JsonObject) doc = gp_json_parse_object ("{\"_id\":\"note:a\",\"type\":\"note\"}", -1, NULL);
  sqlite3 *db = NULL;

  g_free (gp_store_put (store, doc, NULL, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* A newer GridPatrol wrote this store. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = file_checksum (path);

  store = gp_store_open (dir, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer version"));

  /* Refusing it changed nothing in it. */
  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);

  gp_test_remove_dir (dir);
}

static void
test_refuse_damaged (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  char garbage[4096];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));
  before = file_checksum (path);

  store = gp_store_open (dir, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT);
  g_assert_null (store);

  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);

  gp_test_remove_dir (dir);
}

/* A store of schema 7 had every photo it named on the device; upgraded,
 * each is still here and read whole, none listed as missing. */
static void
test_upgrade_v7 (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("a photo", 7);
  g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", bytes);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  g_autoptr(JsonObject) doc = json_object_new ();
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = NULL;
  sqlite3 *db = NULL;

  json_object_set_string_member (doc, "_id", "note:photo");
  g_ptr_array_add (attachments, photo);
  rev = gp_store_put (store, doc, attachments, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN; ALTER TABLE blobs DROP COLUMN here; PRAGMA user_version = 7; COMMIT;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = gp_test_open_store (dir);
  g_assert_true (gp_store_has_blob (store, photo->digest));
  read = gp_store_read_attachment (store, photo->digest, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, bytes));
  missing = gp_store_list_missing_blobs (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/migrate/v1-v2", test_upgrade_v1);
  g_test_add_func ("/store/migrate/v6-v7", test_upgrade_v6);
  g_test_add_func ("/store/migrate/v7-v8", test_upgrade_v7);
  g_test_add_func ("/store/migrate/refuse-newer", test_refuse_newer);
  g_test_add_func ("/store/migrate/refuse-damaged", test_refuse_damaged);

  return g_test_run ();
}
