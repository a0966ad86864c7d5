/* test-interop.c — what the app pushes, PouchDB's own replicator (in Node)
 * reads exactly; what PouchDB writes, the app pulls exactly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-attachment.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-test-photo.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <string.h>

#define GRID      GP_DEMO_GRID_CODE
#define HOUSEHOLD "household:610103003003-01-1-101"

static void
add_expected (JsonArray  *expected,
              GpStore    *store,
              const char *id)
{
  g_autoptr(JsonObject) doc = gp_store_get (store, id, GP_STORE_GET_REVISIONS, NULL);
  JsonObject *want = json_object_new ();
  JsonObject *revisions = gp_json_get_object (doc, "_revisions");
  JsonArray *ids = gp_json_get_array (revisions, "ids");
  JsonArray *history = json_array_new ();
  JsonObject *attachments = gp_json_get_object (doc, "_attachments");
  JsonObject *digests = json_object_new ();
  gint64 start = 0;

  g_assert_nonnull (doc);
  gp_json_get_int (revisions, "start", &start);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      g_autofree char *rev = g_strdup_printf ("%" G_GINT64_FORMAT "-%s", start - (gint64) i,
                                              json_array_get_string_element (ids, i));

      json_array_add_string_element (history, rev);
    }
  if (attachments != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, attachments);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_string_member (digests, name, gp_json_get_string (json_node_get_object (value), "digest"));
    }
  json_object_set_string_member (want, "id", id);
  json_object_set_string_member (want, "rev", gp_json_get_string (doc, "_rev"));
  json_object_set_array_member (want, "history", history);
  json_object_set_object_member (want, "attachments", digests);
  json_array_add_object_element (expected, want);
}

static void
test_interop (void)
{
  GpTestPouchdb *server = gp_test_pouchdb_start ();
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autofree char *database = gp_replication_database_name (GRID);
  g_autofree char *db_path = g_strconcat ("/", database, NULL);
  g_autoptr(JsonNode) created = gp_test_pouchdb_admin (server, "PUT", db_path, NULL);
  g_autoptr(GUri) base = g_uri_parse (gp_test_pouchdb_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autofree char *url = g_strdup_printf ("http://%s:%s@127.0.0.1:%d/%s", GP_TEST_POUCHDB_ADMIN,
                                          GP_TEST_POUCHDB_ADMIN_PASSWORD, g_uri_get_port (base), database);
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (1200, 900);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
  g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", jpeg);
  g_autoptr(JsonObject) household = NULL;
  g_autoptr(JsonArray) expected = json_array_new ();
  g_autoptr(JsonNode) expected_node = NULL;
  g_autofree char *expected_path = g_build_filename (dir, "expected.json", NULL);
  g_autofree char *expected_json = NULL;
  g_autofree char *read = NULL;
  g_autofree char *written = NULL;
  g_autofree char *rev = NULL;
  g_autoptr(JsonNode) wrote = NULL;
  g_autoptr(GError) error = NULL;
  GpReplicationStats stats = { 0 };

  /* The app's side: the grid, a household edited twice, a report with a
   * photo and a step. */
  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&household, json_object_unref);
      household = gp_store_get (store, HOUSEHOLD, GP_STORE_GET_NONE, &error);
      json_object_set_int_member (household, "visits_planned", i + 1);
      g_free (gp_store_put (store, household, NULL, GP_STORE_PUT_NONE, &error));
      g_assert_no_error (error);
    }
  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", now, "description", "井盖破损", NULL);
  gp_document_add_attachment (GP_DOCUMENT (incident), photo);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));
  g_object_set (event, "grid", GRID, "action", GP_ACTION_REGISTER, "actor", "li", "role", GP_ROLE_LEADER, "at", now,
                "level", "B", NULL);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (gp_replicate (store, gp_test_pouchdb_get_admin (server), database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE, &stats,
                               NULL, &error));
  g_assert_no_error (error);
  gp_replication_stats_clear (&stats);

  /* PouchDB reads exactly that. */
  add_expected (expected, store, "grid:" GRID);
  add_expected (expected, store, HOUSEHOLD);
  add_expected (expected, store, gp_document_get_id (GP_DOCUMENT (incident)));
  add_expected (expected, store, gp_document_get_id (GP_DOCUMENT (event)));
  expected_node = json_node_init_array (json_node_alloc (), expected);
  expected_json = json_to_string (expected_node, TRUE);
  g_assert_true (g_file_set_contents (expected_path, expected_json, -1, NULL));
  read = gp_test_run_pouchdb_js ("read", url, expected_path);
  g_assert_cmpstr (read, ==, "ok 4\n");

  /* PouchDB writes; the app pulls exactly that. */
  written = gp_test_run_pouchdb_js ("write", url, HOUSEHOLD);
  wrote = json_from_string (written, &error);
  g_assert_no_error (error);
  g_assert_true (gp_replicate (store, gp_test_pouchdb_get_admin (server), database, GP_REPLICATION_PULL, GP_REPLICATION_FLAGS_NONE, &stats,
                               NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.revisions_written, ==, 2);
  g_assert_cmpuint (stats.attachments, ==, 1);
  gp_replication_stats_clear (&stats);
  {
    JsonObject *from_pouch = json_node_get_object (wrote);
    JsonObject *pouch_incident = gp_json_get_object (from_pouch, "incident");
    JsonObject *pouch_household = gp_json_get_object (from_pouch, "household");
    g_autoptr(JsonObject) got = gp_store_get (store, gp_json_get_string (pouch_incident, "id"), GP_STORE_GET_NONE,
                                              &error);
    g_autoptr(JsonObject) edited = gp_store_get (store, HOUSEHOLD, GP_STORE_GET_NONE, &error);
    JsonObject *stub = gp_json_get_object (gp_json_get_object (got, "_attachments"), "photo-1.jpg");
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *digest = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (gp_json_get_string (got, "_rev"), ==, gp_json_get_string (pouch_incident, "rev"));
    g_assert_cmpstr (gp_json_get_string (stub, "digest"), ==, gp_json_get_string (pouch_incident, "digest"));
    bytes = gp_store_read_attachment (store, gp_json_get_string (stub, "digest"), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (bytes), ==, 48 * 1024);
    digest = gp_attachment_compute_digest (bytes);
    g_assert_cmpstr (digest, ==, gp_json_get_string (pouch_incident, "digest"));
    g_assert_cmpstr (gp_json_get_string (edited, "_rev"), ==, gp_json_get_string (pouch_household, "rev"));
    g_assert_cmpstr (gp_json_get_string (edited, "note"), ==, "edited by PouchDB");
  }

  g_clear_object (&store);
  gp_test_remove_dir (dir);
  gp_test_pouchdb_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/sync/interop/pouchdb", test_interop);

  return g_test_run ();
}
