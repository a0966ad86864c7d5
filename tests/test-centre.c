/* test-centre.c — a grid set up on a real PouchDB Server with
 * `gridpatrolctl centre setup`, and its write rules (validate_doc_update)
 * as the phones meet them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-attachment.h"
#include "gp-centre.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-test-photo.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <string.h>

#define GRID GP_DEMO_GRID_CODE

typedef struct
{
  GpTestPouchdb *server;
  char          *database;
  char          *centre_dir;
  char          *worker_dir;
  char          *leader_dir;
  GpStore       *worker;
  GpStore       *leader;
} Fixture;


static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *password = NULL;
  g_autofree char *out = NULL;
  g_autofree char *again = NULL;

  fixture->server = gp_test_pouchdb_start ();
  fixture->database = gp_replication_database_name (GRID);
  fixture->centre_dir = gp_test_make_dir ();
  fixture->worker_dir = gp_test_make_dir ();
  fixture->leader_dir = gp_test_make_dir ();

  /* The centre prepares the grid and sets it up, twice: the second run
   * only brings it up to date. */
  password = g_build_filename (fixture->centre_dir, "admin-password", NULL);
  g_assert_true (g_file_set_contents (password, GP_TEST_POUCHDB_ADMIN_PASSWORD "\n", -1, NULL));
  g_free (gp_test_ctl (0, NULL, "--data-dir", fixture->centre_dir, "demo", NULL));
  out = gp_test_ctl (0, NULL, "--data-dir", fixture->centre_dir, "centre", "setup",
             "--server", gp_test_pouchdb_get_url (fixture->server), "--admin", GP_TEST_POUCHDB_ADMIN,
             "--admin-password-file", password, "--grid", GRID, "--worker", "wang:wang-pw",
             "--worker", "zhao:zhao-pw", "--leader", "li:li-pw", "--from-data-dir", NULL);
  g_assert_cmpstr (out, ==, "gridpatrol-610103003003: created, with its members and rules\n"
                            "3 users set up\n"
                            "471 documents of the grid package uploaded\n");
  again = gp_test_ctl (0, NULL, "--data-dir", fixture->centre_dir, "centre", "setup",
               "--server", gp_test_pouchdb_get_url (fixture->server), "--admin", GP_TEST_POUCHDB_ADMIN,
               "--admin-password-file", password, "--grid", GRID, "--worker", "wang:wang-pw", NULL);
  g_assert_true (g_str_has_prefix (again, "gridpatrol-610103003003: already there"));

  fixture->worker = gp_test_open_store (fixture->worker_dir);
  fixture->leader = gp_test_open_store (fixture->leader_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->worker);
  g_clear_object (&fixture->leader);
  gp_test_remove_dir (fixture->centre_dir);
  gp_test_remove_dir (fixture->worker_dir);
  gp_test_remove_dir (fixture->leader_dir);
  g_free (fixture->centre_dir);
  g_free (fixture->worker_dir);
  g_free (fixture->leader_dir);
  g_free (fixture->database);
  gp_test_pouchdb_stop (fixture->server);
}

static void
sync_both_ways (Fixture            *fixture,
                GpStore            *store,
                GpCouch            *couch,
                GpReplicationStats *sent,
                GpReplicationStats *received)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_replicate (store, couch, fixture->database, GP_REPLICATION_PUSH, sent, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gp_replicate (store, couch, fixture->database, GP_REPLICATION_PULL, received, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
refused_with (GpReplicationStats *stats,
              const char         *id,
              const char         *reason)
{
  for (guint i = 0; stats->refused != NULL && i < stats->refused->len; i++)
    {
      const char *line = g_ptr_array_index (stats->refused, i);

      g_test_message ("refused: %s", line);
      if (g_str_has_prefix (line, id) && strstr (line, reason) != NULL)
        return TRUE;
    }
  return FALSE;
}

static GpEvent *
step (GpStore    *store,
      const char *incident,
      const char *action,
      const char *actor,
      const char *role)
{
  g_autoptr(GpEvent) event = gp_event_new (incident);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_object_set (event, "grid", GRID, "action", action, "actor", actor, "role", role, "at", now, NULL);
  if (g_str_equal (action, GP_ACTION_REGISTER))
    g_object_set (event, "level", "B", NULL);
  else if (g_str_equal (action, GP_ACTION_DISPATCH))
    g_object_set (event, "target", "市政养护所", NULL);
  else if (g_str_equal (action, GP_ACTION_COMMENT))
    g_object_set (event, "note", "已通知物业", NULL);
  g_assert_true (gp_store_save (store, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&event);
}

/* The phones receive the grid the centre set up; a worker reports, the
 * leader registers; everything a worker may not write is refused by the
 * centre with its reason, listed, and stays on the phone as it was. */
static void
test_rules (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GpIncident) forged = gp_incident_new ();
  g_autoptr(GpEvent) claimed = NULL;
  g_autoptr(GpEvent) registered = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(JsonObject) building = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autofree char *rev = NULL;
  GpReplicationStats sent = { 0 }, received = { 0 };
  const char *building_id = "building:610103003003-01";

  /* The grid reaches both phones from the centre. */
  sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
  g_assert_cmpuint (received.revisions_written, ==, 471);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);
  sync_both_ways (fixture, fixture->leader, li, &sent, &received);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);

  /* Wang reports an incident, and forges one in zhao's name, renames a
   * building and verifies his own report as if he were the leader. */
  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", now, "description", "暴露垃圾", "building", building_id, NULL);
  {
    g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (1000, 750);
    g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
    g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", jpeg);

    gp_document_add_attachment (GP_DOCUMENT (incident), photo);
  }
  g_assert_true (gp_store_save (fixture->worker, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_object_set (forged, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "zhao",
                "reported-at", now, "description", "暴露垃圾", "building", building_id, NULL);
  g_assert_true (gp_store_save (fixture->worker, GP_DOCUMENT (forged), GP_STORE_PUT_NONE, &error));
  building = gp_store_get (fixture->worker, building_id, GP_STORE_GET_NONE, &error);
  json_object_set_string_member (building, "name", "王的楼");
  rev = gp_store_put (fixture->worker, building, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  claimed = step (fixture->worker, gp_document_get_id (GP_DOCUMENT (incident)), GP_ACTION_REGISTER, "wang",
                  GP_ROLE_LEADER);

  sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
  g_assert_cmpuint (sent.revisions_written, ==, 1);    /* the report */
  g_assert_nonnull (sent.refused);
  g_assert_cmpuint (sent.refused->len, ==, 3);
  g_assert_true (refused_with (&sent, gp_document_get_id (GP_DOCUMENT (forged)),
                               "An incident is reported under the reporter's own name"));
  g_assert_true (refused_with (&sent, building_id, "Only the grid centre changes the building documents."));
  g_assert_true (refused_with (&sent, gp_document_get_id (GP_DOCUMENT (claimed)),
                               "You are not a leader of grid 610103003003."));
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);

  /* Refused, not lost: the phone keeps what was written on it. */
  kept = gp_store_get (fixture->worker, building_id, GP_STORE_GET_NONE, &error);
  g_assert_cmpstr (gp_json_get_string (kept, "name"), ==, "王的楼");

  /* The leader receives the report and registers it; wang receives that. */
  sync_both_ways (fixture, fixture->leader, li, &sent, &received);
  g_assert_cmpuint (received.revisions_written, ==, 1);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);
  registered = step (fixture->leader, gp_document_get_id (GP_DOCUMENT (incident)), GP_ACTION_REGISTER, "li",
                     GP_ROLE_LEADER);
  sync_both_ways (fixture, fixture->leader, li, &sent, &received);
  g_assert_cmpuint (sent.revisions_written, ==, 1);
  g_assert_null (sent.refused);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);
  sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
  g_assert_cmpuint (received.revisions_written, ==, 1);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);

  /* Steps are append-only: wang edits the leader's step on his phone. */
  {
    g_autoptr(JsonObject) doc = gp_store_get (fixture->worker, gp_document_get_id (GP_DOCUMENT (registered)),
                                              GP_STORE_GET_NONE, &error);
    g_autofree char *edited = NULL;

    json_object_set_string_member (doc, "level", "A");
    edited = gp_store_put (fixture->worker, doc, NULL, GP_STORE_PUT_NONE, &error);
    g_assert_no_error (error);
    sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
    g_assert_true (refused_with (&sent, gp_document_get_id (GP_DOCUMENT (registered)),
                                 "Workflow steps are never changed once written."));
    gp_replication_stats_clear (&sent);
    gp_replication_stats_clear (&received);
  }

  /* Offline on both phones: wang visits a household and comments on the
   * case, li dispatches it; after syncing, both phones hold the same
   * documents at the same revisions — but for what the centre refused,
   * which stays on wang's phone — and the same photo bytes. */
  {
    g_autoptr(GpVisit) visit = gp_visit_new ();
    g_autoptr(GpEvent) comment = step (fixture->worker, gp_document_get_id (GP_DOCUMENT (incident)),
                                       GP_ACTION_COMMENT, "wang", GP_ROLE_WORKER);
    g_autoptr(GpEvent) dispatched = NULL;
    g_autoptr(GPtrArray) worker_changes = NULL;
    g_autoptr(GPtrArray) leader_changes = NULL;
    g_autoptr(GHashTable) leader_revs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    const char *diverging[] = { building_id, gp_document_get_id (GP_DOCUMENT (forged)),
                                gp_document_get_id (GP_DOCUMENT (claimed)),
                                gp_document_get_id (GP_DOCUMENT (registered)), NULL };
    guint compared = 0;

    g_object_set (visit, "grid", GRID, "household", "household:610103003003-01-1-101", "worker", "wang", "at", now,
                  "note", "身体好", NULL);
    g_assert_true (gp_store_save (fixture->worker, GP_DOCUMENT (visit), GP_STORE_PUT_NONE, &error));
    dispatched = step (fixture->leader, gp_document_get_id (GP_DOCUMENT (incident)), GP_ACTION_DISPATCH, "li",
                       GP_ROLE_LEADER);
    for (guint round = 0; round < 2; round++)
      {
        sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
        gp_replication_stats_clear (&sent);
        gp_replication_stats_clear (&received);
        sync_both_ways (fixture, fixture->leader, li, &sent, &received);
        gp_replication_stats_clear (&sent);
        gp_replication_stats_clear (&received);
      }

    worker_changes = gp_store_changes (fixture->worker, 0, 0, &error);
    leader_changes = gp_store_changes (fixture->leader, 0, 0, &error);
    for (guint i = 0; i < leader_changes->len; i++)
      {
        GpStoreChange *change = g_ptr_array_index (leader_changes, i);

        g_hash_table_insert (leader_revs, g_strdup (change->id), g_strdup (change->rev));
      }
    for (guint i = 0; i < worker_changes->len; i++)
      {
        GpStoreChange *change = g_ptr_array_index (worker_changes, i);

        if (g_strv_contains (diverging, change->id))
          continue;
        g_assert_cmpstr (g_hash_table_lookup (leader_revs, change->id), ==, change->rev);
        compared++;
      }
    g_test_message ("%u documents the same on both phones", compared);
    /* The grid but the refused building, the report, its comment and dispatch, the visit. */
    g_assert_cmpuint (compared, ==, 470 + 4);
    {
      g_autoptr(JsonObject) doc = gp_store_get (fixture->leader, gp_document_get_id (GP_DOCUMENT (incident)),
                                                GP_STORE_GET_NONE, &error);
      const char *digest = gp_json_get_string (gp_json_get_object (gp_json_get_object (doc, "_attachments"),
                                                                   "photo-1.jpg"), "digest");
      g_autoptr(GBytes) here = gp_store_read_attachment (fixture->worker, digest, &error);
      g_autoptr(GBytes) there = gp_store_read_attachment (fixture->leader, digest, &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (here, there));
    }
  }

  /* Nobody logged in writes nothing. */
  {
    g_autoptr(GpCouch) anonymous = gp_couch_new (gp_test_pouchdb_get_url (fixture->server), FALSE, NULL);
    g_autoptr(JsonNode) doc = json_from_string ("{\"_id\": \"visit:x\", \"type\": \"visit\", \"grid\": \"" GRID "\"}",
                                                NULL);
    g_autofree char *path = g_strconcat ("/", fixture->database, "/visit%3Ax", NULL);
    g_autoptr(JsonNode) reply = gp_couch_request (anonymous, "PUT", path, doc, NULL, NULL, &error);

    g_assert_null (reply);
    g_assert_true (g_error_matches (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED) ||
                   g_error_matches (error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN));
    /* CouchDB refuses it by _security; a server that does not check
     * members (PouchDB Server 4.2.0 does not always) by the rules. */
    g_test_message ("anonymous write: %s", error->message);
    g_assert_true (strstr (error->message, "Log in to write to this grid.") != NULL ||
                   strstr (error->message, "not authorized") != NULL);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/sync/centre/rules", Fixture, NULL, fixture_set_up, test_rules, fixture_tear_down);

  return g_test_run ();
}
