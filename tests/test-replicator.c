/* test-replicator.c — two phones' stores, a worker's and a leader's,
 * replicating through a real PouchDB Server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-attachment.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-test-photo.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <string.h>

#define GRID        GP_DEMO_GRID_CODE
#define ROLE_WORKER "grid:610103003003:worker"
#define ROLE_LEADER "grid:610103003003:leader"

typedef struct
{
  GpTestPouchdb *server;
  char          *database;
  char          *worker_dir;
  char          *leader_dir;
  GpStore       *worker;
  GpStore       *leader;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) reply = NULL;

  fixture->server = gp_test_pouchdb_start ();
  fixture->database = gp_replication_database_name (GRID);
  path = g_strconcat ("/", fixture->database, NULL);
  reply = gp_test_pouchdb_admin (fixture->server, "PUT", path, NULL);
  gp_test_pouchdb_add_user (fixture->server, "wang", "wang-pw", ROLE_WORKER, NULL);
  gp_test_pouchdb_add_user (fixture->server, "li", "li-pw", ROLE_LEADER, NULL);
  fixture->worker_dir = gp_test_make_dir ();
  fixture->leader_dir = gp_test_make_dir ();
  fixture->worker = gp_test_open_store (fixture->worker_dir);
  fixture->leader = gp_test_open_store (fixture->leader_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->worker);
  g_clear_object (&fixture->leader);
  gp_test_remove_dir (fixture->worker_dir);
  gp_test_remove_dir (fixture->leader_dir);
  g_free (fixture->worker_dir);
  g_free (fixture->leader_dir);
  g_free (fixture->database);
  gp_test_pouchdb_stop (fixture->server);
}

static GpCouch *
login (Fixture    *fixture,
       const char *name,
       const char *password)
{
  g_autoptr(GError) error = NULL;
  GpCouch *couch = gp_couch_new (gp_test_pouchdb_get_url (fixture->server), FALSE, &error);

  g_assert_no_error (error);
  gp_couch_set_credentials (couch, name, password);
  g_assert_true (gp_couch_login (couch, NULL, &error));
  g_assert_no_error (error);
  return couch;
}

static void
replicate (Fixture                *fixture,
           GpStore                *store,
           GpCouch                *couch,
           GpReplicationDirection  direction,
           GpReplicationStats     *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_replicate (store, couch, fixture->database, direction, stats, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %u changes, %u revisions, %u attachments (%" G_GUINT64_FORMAT " bytes), %u refused",
                  direction == GP_REPLICATION_PUSH ? "push" : "pull", stats->changes_read, stats->revisions_written,
                  stats->attachments, stats->attachment_bytes, stats->refused ? stats->refused->len : 0);
}

static char *
report_with_photo (GpStore *store)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (800, 600);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
  g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", jpeg);
  g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { 108.9402, 34.2586 });
  g_autoptr(GError) error = NULL;

  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", now, "description", "暴露垃圾", NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  gp_document_add_attachment (GP_DOCUMENT (incident), photo);
  g_assert_true (gp_store_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  return g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));
}

static void
assert_same_document (GpStore    *a,
                      GpStore    *b,
                      const char *id)
{
  g_autoptr(JsonObject) x = gp_store_get (a, id, GP_STORE_GET_REVISIONS, NULL);
  g_autoptr(JsonObject) y = gp_store_get (b, id, GP_STORE_GET_REVISIONS, NULL);
  g_autoptr(JsonNode) xn = NULL;
  g_autoptr(JsonNode) yn = NULL;

  g_assert_nonnull (x);
  g_assert_nonnull (y);
  xn = json_node_init_object (json_node_alloc (), x);
  yn = json_node_init_object (json_node_alloc (), y);
  g_assert_true (json_node_equal (xn, yn));
}

/* The worker's phone sends the grid and a report with a photo; the leader's
 * phone receives them, byte for byte, registers the case, and the worker
 * receives that. Nothing goes twice, and a sync with nothing new costs a
 * few requests. */
static void
test_two_phones (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GpCouch) wang = login (fixture, "wang", "wang-pw");
  g_autoptr(GpCouch) li = login (fixture, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autofree char *incident_id = NULL;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autoptr(JsonObject) incident = NULL;
  GpReplicationStats stats = { 0 };
  guint requests;
  gint64 households;

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  incident_id = report_with_photo (fixture->worker);

  /* The worker pushes everything: 472 documents, one photo. */
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.changes_read, ==, 472);
  g_assert_cmpuint (stats.revisions_written, ==, 472);
  g_assert_cmpuint (stats.attachments, ==, 1);
  g_assert_null (stats.refused);
  gp_replication_stats_clear (&stats);

  /* The leader pulls them: the same revisions, the same photo bytes. */
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 472);
  g_assert_cmpuint (stats.attachments, ==, 1);
  gp_replication_stats_clear (&stats);
  households = gp_store_count (fixture->leader, "household", GRID, &error);
  g_assert_cmpint (households, ==, 420);
  assert_same_document (fixture->worker, fixture->leader, incident_id);
  assert_same_document (fixture->worker, fixture->leader, "grid:" GRID);
  incident = gp_store_get (fixture->leader, incident_id, GP_STORE_GET_NONE, &error);
  {
    const char *digest = gp_json_get_string (gp_json_get_object (gp_json_get_object (incident, "_attachments"),
                                                                 "photo-1.jpg"), "digest");

    sent = gp_store_read_attachment (fixture->worker, digest, &error);
    received = gp_store_read_attachment (fixture->leader, digest, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (sent, received));
  }

  /* The leader's push: all of it is on the centre already, the photo
   * included, so nothing is written and no photo sent. */
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 0);
  g_assert_cmpuint (stats.attachments, ==, 0);
  gp_replication_stats_clear (&stats);

  /* The leader registers the case; the worker receives only that. */
  event = gp_event_new (incident_id);
  g_object_set (event, "grid", GRID, "action", "register", "actor", "li", "role", "leader", "at", now,
                "level", "B", NULL);
  g_assert_true (gp_store_save (fixture->leader, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  g_assert_cmpuint (stats.attachments, ==, 0);
  gp_replication_stats_clear (&stats);
  assert_same_document (fixture->worker, fixture->leader, gp_document_get_id (GP_DOCUMENT (event)));

  /* Nothing new either way: a handful of requests, from the checkpoints. */
  requests = gp_couch_get_n_requests (wang);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.changes_read, ==, 1);   /* the event pulled, seen once */
  g_assert_cmpuint (stats.revisions_written, ==, 0);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.changes_read, ==, 0);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 0);
  gp_replication_stats_clear (&stats);
  g_test_message ("%u requests for three syncs with nothing new", gp_couch_get_n_requests (wang) - requests);
  g_assert_cmpuint (gp_couch_get_n_requests (wang) - requests, <=, 12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/replicator/two-phones", Fixture, NULL, fixture_set_up, test_two_phones, fixture_tear_down);

  return g_test_run ();
}
