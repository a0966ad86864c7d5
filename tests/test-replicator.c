/* test-replicator.c — two phones' stores, a worker's and a leader's,
 * replicating through a real PouchDB Server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-attachment.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-incident-item.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-photo.h"
#include "gp-replicator.h"
#include "gp-sync-manager.h"
#include "gp-test-photo.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"
#include "gp-worker.h"

#include <string.h>

#define GRID        GP_DEMO_GRID_CODE
#define ROLE_WORKER "grid:610103003003:worker"
#define ROLE_LEADER "grid:610103003003:leader"

typedef GpTestGrid Fixture;

/* The grid's database with its two users, and no rules: the replicator's
 * own checks are what these tests see. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *database = NULL;

  gp_test_grid_set_up (fixture, GRID);
  database = gp_test_pouchdb_add_grid (fixture->server, GRID);
  g_assert_cmpstr (database, ==, fixture->database);
  gp_test_pouchdb_add_user (fixture->server, "wang", "wang-pw", ROLE_WORKER, NULL);
  gp_test_pouchdb_add_user (fixture->server, "li", "li-pw", ROLE_LEADER, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_test_grid_tear_down (fixture);
}

static void
replicate_with (Fixture                *fixture,
                GpStore                *store,
                GpCouch                *couch,
                GpReplicationDirection  direction,
                GpReplicationFlags      flags,
                GpReplicationStats     *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_replicate (store, couch, fixture->database, direction, flags, stats, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %u changes, %u revisions, %u attachments (%" G_GUINT64_FORMAT " bytes), %u refused",
                  direction == GP_REPLICATION_PUSH ? "push" : "pull", stats->changes_read, stats->revisions_written,
                  stats->attachments, stats->attachment_bytes, stats->refused ? stats->refused->len : 0);
}

/* A report of wang's at the square, not yet saved. */
static GpIncident *
new_report (const char *description)
{
  GpIncident *incident = gp_incident_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { 108.9402, 34.2586 });

  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", now, "description", description, NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  return incident;
}

static char *
save_report (GpStore    *store,
             GpIncident *incident)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  return g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));
}

/* A report with a photo taken in as the app does: the photo and its
 * thumbnail, described in "photos"; each report's photo its own. */
static char *
report_with_taken_photo (GpStore  *store,
                         GBytes  **kept)
{
  static int taken;
  g_autoptr(GpIncident) incident = new_report ("暴露垃圾");
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (1200 + taken++, 900);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPhoto) photo = gp_photo_process (jpeg, NULL, &error);

  g_assert_no_error (error);
  gp_casework_add_photo (GP_DOCUMENT (incident), photo);
  *kept = g_bytes_ref (photo->jpeg);
  return save_report (store, incident);
}

static char *
digest_of (GpStore    *store,
           const char *id,
           const char *name)
{
  g_autoptr(JsonObject) doc = gp_store_get (store, id, GP_STORE_GET_NONE, NULL);

  return g_strdup (gp_json_get_string (gp_json_get_object (gp_json_get_object (doc, "_attachments"), name),
                                       "digest"));
}

static void
replicate (Fixture                *fixture,
           GpStore                *store,
           GpCouch                *couch,
           GpReplicationDirection  direction,
           GpReplicationStats     *stats)
{
  replicate_with (fixture, store, couch, direction, GP_REPLICATION_FLAGS_NONE, stats);
}

/* A report with a @width × @height photo: reports with the same size have
 * the same photo, byte for byte. */
static char *
report_with_photo_of (GpStore    *store,
                      int         width,
                      int         height,
                      const char *description)
{
  g_autoptr(GpIncident) incident = new_report (description);
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (width, height);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
  g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", jpeg);

  gp_document_add_attachment (GP_DOCUMENT (incident), photo);
  return save_report (store, incident);
}

static char *
report_with_photo (GpStore *store)
{
  return report_with_photo_of (store, 800, 600, "暴露垃圾");
}

/* Another report, with a photo of its own. */
static char *
report_with_other_photo (GpStore *store)
{
  return report_with_photo_of (store, 640, 480, "井盖破损");
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

/* The incident list's "not sent" mark, from the push checkpoint. */
static void
assert_sent (Fixture    *fixture,
             GpStore    *store,
             const char *incident_id,
             gboolean    sent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = gp_incident_items_load (store, GRID, gp_clock_get_now (), &error);
  gint64 seq = gp_replication_get_pushed_seq (store, gp_test_pouchdb_get_url (fixture->server), fixture->database);
  gboolean found = FALSE;

  g_assert_no_error (error);
  gp_incident_items_mark_sent (items, store, seq);
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (gp_incident_item_get_id (g_ptr_array_index (items, i)), incident_id))
      {
        g_assert_cmpint (gp_incident_item_is_sent (g_ptr_array_index (items, i)), ==, sent);
        found = TRUE;
      }
  g_assert_true (found);
}

/* The worker's phone sends the grid and a report with a photo; the leader's
 * phone receives them, byte for byte, registers the case, and the worker
 * receives that. Nothing goes twice, and a sync with nothing new costs a
 * few requests. */
static void
test_two_phones (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autofree char *incident_id = NULL;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(GBytes) received = NULL;
  g_autoptr(JsonObject) incident = NULL;
  GpReplicationStats stats = { 0 };
  guint requests, connections;
  gint64 households;

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  incident_id = report_with_photo (fixture->worker);

  /* Before any push the report is not sent. */
  assert_sent (fixture, fixture->worker, incident_id, FALSE);

  /* The worker pushes everything: 473 documents, one photo, on the one
   * connection kept alive (POSTs included). */
  connections = gp_couch_get_n_connections (wang);
  requests = gp_couch_get_n_requests (wang);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_test_message ("push: %u requests on %u new connections", gp_couch_get_n_requests (wang) - requests,
                  gp_couch_get_n_connections (wang) - connections);
  g_assert_cmpuint (gp_couch_get_n_requests (wang) - requests, >, 10);
  g_assert_cmpuint (gp_couch_get_n_connections (wang) - connections, <=, 1);
  assert_sent (fixture, fixture->worker, incident_id, TRUE);
  g_assert_cmpuint (stats.changes_read, ==, 473);
  g_assert_cmpuint (stats.revisions_written, ==, 473);
  g_assert_cmpuint (stats.attachments, ==, 1);
  g_assert_null (stats.refused);
  gp_replication_stats_clear (&stats);

  /* The leader pulls them: the same revisions, the same photo bytes; the
   * five batches written two at a time, each write one transaction and
   * one flush. */
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 473);
  g_assert_cmpuint (stats.attachments, ==, 1);
  g_assert_cmpuint (stats.batches, ==, 5);
  g_assert_cmpuint (stats.writes, ==, 3);
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

  /* The leader's push: all of it came from the centre, the photo
   * included, so it is not asked about again: the checkpoint alone. */
  requests = gp_couch_get_n_requests (li);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.changes_read, ==, 0);
  g_assert_cmpuint (stats.revisions_written, ==, 0);
  g_assert_cmpuint (stats.attachments, ==, 0);
  g_assert_cmpuint (gp_couch_get_n_requests (li) - requests, ==, 1);
  gp_replication_stats_clear (&stats);

  /* The leader registers the case; the worker receives only that. */
  event = gp_event_new (incident_id);
  g_object_set (event, "grid", GRID, "action", "register", "actor", "li", "role", "leader", "at", now,
                "level", "B", NULL);
  g_assert_true (gp_documents_save (fixture->leader, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  g_assert_cmpuint (stats.attachments, ==, 0);
  gp_replication_stats_clear (&stats);
  assert_same_document (fixture->worker, fixture->leader, gp_document_get_id (GP_DOCUMENT (event)));

  /* Nothing new either way, right after a pull: the event pulled is not
   * asked about again; a sync, push and pull, costs the two checkpoints
   * and the change feed. */
  requests = gp_couch_get_n_requests (wang);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.changes_read, ==, 0);
  g_assert_cmpuint (stats.revisions_written, ==, 0);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 0);
  gp_replication_stats_clear (&stats);
  g_test_message ("%u requests for a sync with nothing new after a pull", gp_couch_get_n_requests (wang) - requests);
  g_assert_cmpuint (gp_couch_get_n_requests (wang) - requests, <=, 3);

  /* A report not pushed yet when a pull brings a step: the push checks
   * both as always, and sends the report. */
  {
    g_autofree char *second = report_with_photo (fixture->worker);
    g_autoptr(GpEvent) comment = gp_event_new (incident_id);

    g_object_set (comment, "grid", GRID, "action", "comment", "actor", "li", "role", "leader", "at", now,
                  "note", "请尽快处理", NULL);
    g_assert_true (gp_documents_save (fixture->leader, GP_DOCUMENT (comment), GP_STORE_PUT_NONE, &error));
    g_assert_no_error (error);
    replicate (fixture, fixture->leader, li, GP_REPLICATION_PUSH, &stats);
    gp_replication_stats_clear (&stats);
    replicate (fixture, fixture->worker, wang, GP_REPLICATION_PULL, &stats);
    g_assert_cmpuint (stats.revisions_written, ==, 1);
    gp_replication_stats_clear (&stats);
    replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
    g_assert_cmpuint (stats.changes_read, ==, 2);
    g_assert_cmpuint (stats.revisions_written, ==, 1);
    g_assert_cmpuint (stats.attachments, ==, 1);
    gp_replication_stats_clear (&stats);
    assert_sent (fixture, fixture->worker, second, TRUE);
  }
}

/* gridpatrolctl sync: the grids of the user's roles, both ways, what moved;
 * a wrong password and an unreachable server fail in words, the store as
 * it was. */
static void
test_ctl_sync (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *password = g_build_filename (fixture->worker_dir, "password", NULL);
  g_autofree char *wrong = g_build_filename (fixture->worker_dir, "wrong", NULL);
  g_autofree char *unreachable = g_strdup_printf ("http://127.0.0.1:%u", gp_test_free_port ());
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = gp_test_pouchdb_get_url (fixture->server);

  g_clear_object (&fixture->worker);
  g_assert_true (g_file_set_contents (password, "wang-pw\n", -1, NULL));
  g_assert_true (g_file_set_contents (wrong, "guess\n", -1, NULL));
  g_free (gp_test_ctl (0, NULL, "--data-dir", fixture->worker_dir, "demo", NULL));

  out = gp_test_ctl (0, NULL, "--data-dir", fixture->worker_dir, "sync", "--server", url, "--user", "wang",
             "--password-file", password, NULL);
  g_test_message ("%s", out);
  g_assert_true (g_str_has_prefix (out, GRID ": synced in "));
  g_assert_nonnull (strstr (out, "  sent: 472 documents, 0 photos"));
  g_assert_nonnull (strstr (out, "  received: 0 documents, 0 photos"));
  g_assert_null (strstr (out, "wang-pw"));

  again = gp_test_ctl (0, NULL, "--data-dir", fixture->worker_dir, "sync", "--server", url, "--user", "wang",
               "--password-file", password, NULL);
  g_assert_nonnull (strstr (again, "  sent: 0 documents"));

  fixture->worker = gp_test_open_store (fixture->worker_dir);
  before = gp_test_store_snapshot (fixture->worker);
  g_clear_object (&fixture->worker);
  g_free (gp_test_ctl (1, &err, "--data-dir", fixture->worker_dir, "sync", "--server", url, "--user", "wang",
               "--password-file", wrong, NULL));
  g_assert_cmpstr (err, ==, "gridpatrolctl: The user name or password is wrong\n");
  g_clear_pointer (&err, g_free);
  g_free (gp_test_ctl (1, &err, "--data-dir", fixture->worker_dir, "sync", "--server", unreachable, "--user", "wang",
               "--password-file", password, NULL));
  g_assert_true (g_str_has_prefix (err, "gridpatrolctl: The grid centre cannot be reached"));
  g_clear_pointer (&err, g_free);
  g_free (gp_test_ctl (1, &err, "--data-dir", fixture->worker_dir, "sync", "--server", "http://centre.example.org",
               "--user", "wang", "--password-file", password, NULL));
  g_assert_nonnull (strstr (err, "use https://"));
  fixture->worker = gp_test_open_store (fixture->worker_dir);
  after = gp_test_store_snapshot (fixture->worker);
  g_assert_cmpstr (before, ==, after);
}

/* Writes @doc (a JSON object) as a new document on the centre, as its
 * admin, past any rules: what a broken or hostile server could hold. */
static void
forge_on_centre (Fixture    *fixture,
                 JsonObject *doc)
{
  g_autofree char *escaped = gp_couch_escape_id (gp_json_get_string (doc, "_id"));
  g_autofree char *path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
  g_autofree char *json = gp_json_to_string (doc, FALSE);
  g_autoptr(JsonNode) reply = gp_test_pouchdb_admin (fixture->server, "PUT", path, json);
}

/* A copy of the report @id as the centre would hold it, with a new id. */
static JsonObject *
forgery_of (GpStore    *store,
            const char *id,
            const char *new_id)
{
  g_autoptr(JsonObject) doc = gp_store_get (store, id, GP_STORE_GET_NONE, NULL);
  JsonObject *copy = gp_json_object_copy (doc);

  json_object_remove_member (copy, "_rev");
  json_object_remove_member (copy, "_attachments");
  json_object_set_string_member (copy, "_id", new_id);
  return copy;
}

static gboolean
listed (GPtrArray  *lines,
        const char *id)
{
  g_autofree char *prefix = g_strconcat (id, " ", NULL);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (lines, i), prefix))
      return TRUE;
  return FALSE;
}

/* One bad document stops nothing. A photo damaged on the worker's phone
 * holds back its report, listed; the rest goes. Documents on the centre
 * that no phone would write — too large to read, larger than their kind
 * may be, with members of the wrong type, far from the grid, typed other
 * than their id, of another grid — are skipped and listed by the leader's
 * phone, which receives everything else, keeps nothing of them, and does
 * not fetch them again on the next sync. */
static void
test_one_bad_document (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *good = NULL;
  GpReplicationStats stats = { 0 };
  const char *forged[] = {
    "incident:too-large-to-read", "incident:too-large", "incident:category-object", "incident:far-away",
    "building:typed-household", "incident:other-grid",
  };
  guint requests;

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  damaged = report_with_photo (fixture->worker);
  good = report_with_photo (fixture->worker);

  /* What a write cut short would have left, had it not been atomic. */
  {
    g_autoptr(JsonObject) doc = gp_store_get (fixture->worker, damaged, GP_STORE_GET_NONE, NULL);
    JsonObject *stub = gp_json_get_object (gp_json_get_object (doc, "_attachments"), "photo-1.jpg");
    g_autofree char *hex = gp_attachment_digest_to_hex (gp_json_get_string (stub, "digest"));
    char prefix[3] = { hex[0], hex[1], 0 };
    g_autofree char *blob = g_build_filename (fixture->worker_dir, "attachments", prefix, hex, NULL);
    g_autofree char *zeros = g_malloc0 (4096);

    /* Both reports carry the same photo: damaging it damages both. A
     * second photo for the good one keeps it whole. */
    g_assert_true (g_file_set_contents (blob, zeros, 4096, NULL));
  }
  g_clear_pointer (&good, g_free);
  good = report_with_other_photo (fixture->worker);

  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_true (listed (stats.held, damaged));
  g_assert_false (listed (stats.held, good));
  g_assert_cmpuint (stats.held->len, ==, 2); /* the two reports of the damaged photo */
  gp_replication_stats_clear (&stats);
  {
    g_autofree char *escaped = gp_couch_escape_id (good);
    g_autofree char *path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
    g_autoptr(JsonNode) on_centre = gp_test_pouchdb_admin (fixture->server, "GET", path, NULL);

    g_assert_nonnull (on_centre);
  }

  /* The forgeries. */
  {
    g_autoptr(JsonObject) huge = forgery_of (fixture->worker, good, forged[0]);
    g_autoptr(JsonObject) large = forgery_of (fixture->worker, good, forged[1]);
    g_autoptr(JsonObject) category = forgery_of (fixture->worker, good, forged[2]);
    g_autoptr(JsonObject) far = forgery_of (fixture->worker, good, forged[3]);
    g_autoptr(JsonObject) household = forgery_of (fixture->worker, good, forged[4]);
    g_autoptr(JsonObject) other = forgery_of (fixture->worker, good, forged[5]);
    g_autofree char *two_mb = g_strnfill (2 * 1024 * 1024, 'x');
    g_autofree char *hundred_kb = g_strnfill (100 * 1024, 'x');
    g_autoptr(JsonObject) far_point = gp_geo_point_new ((GpGeoPoint) { 108.9402, -1 });

    json_object_set_string_member (huge, "description", two_mb);
    json_object_set_string_member (large, "description", hundred_kb);
    json_object_set_object_member (category, "category", json_object_new ());
    json_object_set_object_member (far, "geometry", json_object_ref (far_point));
    json_object_set_string_member (household, "type", "household");
    json_object_set_string_member (other, "grid", "610103003999");
    forge_on_centre (fixture, huge);
    forge_on_centre (fixture, large);
    forge_on_centre (fixture, category);
    forge_on_centre (fixture, far);
    forge_on_centre (fixture, household);
    forge_on_centre (fixture, other);
  }

  /* The leader's phone reads replies of up to 1 MB here. */
  gp_couch_set_max_reply (li, 1024 * 1024);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  for (guint i = 0; i < stats.skipped->len; i++)
    g_test_message ("not received: %s", (char *) g_ptr_array_index (stats.skipped, i));
  g_assert_cmpuint (stats.skipped->len, ==, G_N_ELEMENTS (forged));
  for (guint i = 0; i < G_N_ELEMENTS (forged); i++)
    {
      g_autoptr(JsonObject) kept = gp_store_get (fixture->leader, forged[i], GP_STORE_GET_NONE, NULL);

      g_assert_true (listed (stats.skipped, forged[i]));
      g_assert_null (kept);
    }
  g_assert_cmpint (gp_store_count (fixture->leader, "household", GRID, NULL), ==, 420);
  assert_same_document (fixture->worker, fixture->leader, good);
  gp_replication_stats_clear (&stats);

  /* Still listed next time, and not fetched again. */
  requests = gp_couch_get_n_requests (li);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.skipped->len, ==, G_N_ELEMENTS (forged));
  g_assert_cmpuint (gp_couch_get_n_requests (li) - requests, <=, 3);
  gp_replication_stats_clear (&stats);
}

/* An HTTP relay to the server that spoils a share of the exchanges, as a
 * poor mobile link or a broken proxy does: the connection dropped before
 * the reply, the reply cut in half, no answer until past the client's
 * timeout, a 500 or 503 from a gateway, or the reply gzipped with the
 * compressed length. One request per connection. */
typedef enum
{
  FAULT_NONE,
  FAULT_DROP,
  FAULT_TRUNCATE,
  FAULT_DELAY,
  FAULT_500,
  FAULT_503,
  FAULT_GZIP,
  N_FAULTS
} Fault;

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  guint16          upstream_port;
  double           rate;
  GRand           *rand;
  GMutex           lock;
  guint            exchanges;
  guint            faults[N_FAULTS];
  GThread         *thread;
  gboolean         stopping;
  char            *garble;    /* (nullable) a request line holding this gets a byte of its reply's body changed */
  guint            garbled;
} FaultRelay;

static GBytes *
read_head_and_body (GInputStream *in)
{
  GByteArray *data = g_byte_array_new ();
  gsize length = 0;
  char c;
  const char *header;

  while (g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
    {
      g_byte_array_append (data, (guint8 *) &c, 1);
      if (data->len >= 4 && memcmp (data->data + data->len - 4, "\r\n\r\n", 4) == 0)
        break;
    }
  g_byte_array_append (data, (guint8 *) "", 1);
  header = strcasestr ((char *) data->data, "\r\nContent-Length:");
  length = header ? g_ascii_strtoull (header + 17, NULL, 10) : 0;
  g_byte_array_set_size (data, data->len - 1);
  if (length > 0)
    {
      gsize start = data->len;
      gsize got = 0;

      g_byte_array_set_size (data, start + length);
      g_input_stream_read_all (in, data->data + start, length, &got, NULL, NULL);
      g_byte_array_set_size (data, start + got);
    }
  return g_byte_array_free_to_bytes (data);
}

/* The request with "Connection: close", so the server ends its reply by
 * closing. */
static GBytes *
closing (GBytes *request)
{
  gsize size;
  const char *data = g_bytes_get_data (request, &size);
  const char *end = g_strstr_len (data, size, "\r\n\r\n");
  GString *out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;

  if (end == NULL)
    return g_bytes_ref (request);
  {
    g_autofree char *head = g_strndup (data, end - data);

    lines = g_strsplit (head, "\r\n", -1);
  }
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Connection:", 11) != 0 &&
        g_ascii_strncasecmp (lines[i], "Accept-Encoding:", 16) != 0)
      g_string_append_printf (out, "%s\r\n", lines[i]);
  g_string_append (out, "Connection: close\r\n\r\n");
  g_string_append_len (out, end + 4, size - (end + 4 - data));
  return g_string_free_to_bytes (out);
}

static GBytes *
gzipped_reply (GBytes *reply)
{
  gsize size;
  const char *data = g_bytes_get_data (reply, &size);
  const char *end = g_strstr_len (data, size, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GBytes) body = NULL;
  GString *result = g_string_new (NULL);

  if (end == NULL || g_strstr_len (data, end - data, "chunked") != NULL)
    return g_bytes_ref (reply);   /* only replies with a length */
  head = g_strndup (data, end - data);
  lines = g_strsplit (head, "\r\n", -1);
  g_output_stream_write_all (out, end + 4, size - (end + 4 - data), NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) != 0)
      g_string_append_printf (result, "%s\r\n", lines[i]);
  g_string_append_printf (result, "Content-Encoding: gzip\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (result, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_string_free_to_bytes (result);
}

typedef struct
{
  FaultRelay        *relay;
  GSocketConnection *client;
} Exchange;

static gpointer
exchange_thread (gpointer data)
{
  Exchange *exchange = data;
  FaultRelay *relay = exchange->relay;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (exchange->client));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (exchange->client));
  g_autoptr(GBytes) request = read_head_and_body (in);
  g_autoptr(GBytes) sent = closing (request);
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GSocketConnection) server = NULL;
  g_autoptr(GOutputStream) reply_bytes = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) reply = NULL;
  Fault fault = FAULT_NONE;

  g_mutex_lock (&relay->lock);
  relay->exchanges++;
  if (g_rand_double (relay->rand) < relay->rate)
    fault = (Fault) g_rand_int_range (relay->rand, FAULT_DROP, N_FAULTS);
  relay->faults[fault]++;
  g_mutex_unlock (&relay->lock);

  if (fault == FAULT_DROP)
    goto done;
  if (fault == FAULT_500 || fault == FAULT_503)
    {
      const char *text = fault == FAULT_500 ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                              "Connection: close\r\n\r\n"
                                            : "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                                              "Connection: close\r\n\r\n";

      g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
      goto done;
    }
  if (fault == FAULT_DELAY)
    {
      g_usleep (G_USEC_PER_SEC * 3 / 2);   /* past the client's 1 s */
      goto done;
    }

  server = g_socket_client_connect_to_host (connector, "127.0.0.1", relay->upstream_port, NULL, NULL);
  if (server == NULL)
    goto done;
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (server)), g_bytes_get_data (sent, NULL),
                             g_bytes_get_size (sent), NULL, NULL, NULL);
  g_output_stream_splice (reply_bytes, g_io_stream_get_input_stream (G_IO_STREAM (server)),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL);
  reply = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (reply_bytes));
  if (relay->garble != NULL)
    {
      gsize size;
      const char *request_data = g_bytes_get_data (request, &size);
      const char *line_end = g_strstr_len (request_data, size, "\r\n");
      const char *reply_data = g_bytes_get_data (reply, NULL);
      const char *body = g_strstr_len (reply_data, g_bytes_get_size (reply), "\r\n\r\n");

      if (line_end != NULL && g_strstr_len (request_data, line_end - request_data, relay->garble) != NULL &&
          body != NULL && (gsize) (body + 4 + 100 - reply_data) < g_bytes_get_size (reply))
        {
          guint8 *copy = g_memdup2 (reply_data, g_bytes_get_size (reply));
          gsize length = g_bytes_get_size (reply);

          copy[body + 4 + 100 - reply_data] ^= 0x20;
          g_bytes_unref (reply);
          reply = g_bytes_new_take (copy, length);
          g_mutex_lock (&relay->lock);
          relay->garbled++;
          g_mutex_unlock (&relay->lock);
        }
    }
  if (fault == FAULT_GZIP)
    {
      GBytes *compressed = gzipped_reply (reply);

      g_bytes_unref (reply);
      reply = compressed;
    }
  g_output_stream_write_all (out, g_bytes_get_data (reply, NULL),
                             fault == FAULT_TRUNCATE ? g_bytes_get_size (reply) / 2 : g_bytes_get_size (reply),
                             NULL, NULL, NULL);

done:
  g_io_stream_close (G_IO_STREAM (exchange->client), NULL, NULL);
  g_object_unref (exchange->client);
  g_free (exchange);
  return NULL;
}

static gpointer
fault_relay_thread (gpointer data)
{
  FaultRelay *relay = data;

  for (;;)
    {
      GSocketConnection *client = g_socket_listener_accept (relay->listener, NULL, NULL, NULL);
      Exchange *exchange;

      if (client == NULL || g_atomic_int_get (&relay->stopping))
        {
          g_clear_object (&client);
          break;
        }
      exchange = g_new0 (Exchange, 1);
      exchange->relay = relay;
      exchange->client = client;
      g_thread_unref (g_thread_new ("exchange", exchange_thread, exchange));
    }
  return NULL;
}

static FaultRelay *
fault_relay_start (guint16 upstream_port,
                   double  rate,
                   guint32 seed)
{
  FaultRelay *relay = g_new0 (FaultRelay, 1);

  relay->listener = gp_test_listen_loopback (&relay->port);
  relay->upstream_port = upstream_port;
  relay->rate = rate;
  relay->rand = g_rand_new_with_seed (seed);
  g_mutex_init (&relay->lock);
  relay->thread = g_thread_new ("fault-relay", fault_relay_thread, relay);
  return relay;
}

static void
fault_relay_stop (FaultRelay *relay)
{
  g_autoptr(GSocketClient) waker = g_socket_client_new ();
  g_autoptr(GSocketConnection) wake = NULL;

  /* accept() wakes for a connection, not for the listener closing. */
  g_atomic_int_set (&relay->stopping, TRUE);
  wake = g_socket_client_connect_to_host (waker, "127.0.0.1", relay->port, NULL, NULL);
  g_thread_join (relay->thread);
  g_socket_listener_close (relay->listener);
  g_usleep (G_USEC_PER_SEC * 2);   /* exchanges still delaying */
  g_object_unref (relay->listener);
  g_rand_free (relay->rand);
  g_free (relay->garble);
  g_free (relay);
}

/* Every live document of @store, "id rev" a line, and every photo's bytes
 * by digest. */
static char *
store_fingerprint (GpStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = gp_store_changes (store, 0, 0, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      GpStoreChange *change = g_ptr_array_index (changes, i);
      g_autoptr(JsonObject) doc = gp_store_get (store, change->id, GP_STORE_GET_NONE, NULL);
      JsonObject *attachments = gp_json_get_object (doc, "_attachments");
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "%s %s", change->id, change->rev);
      if (attachments != NULL)
        {
          g_autoptr(GList) names = json_object_get_members (attachments);

          for (GList *l = names; l != NULL; l = l->next)
            {
              const char *digest = gp_json_get_string (gp_json_get_object (attachments, l->data), "digest");
              g_autoptr(GBytes) bytes = gp_store_read_attachment (store, digest, &error);
              g_autofree char *sum = NULL;

              g_assert_no_error (error);
              sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
              g_string_append_printf (line, " %s=%s", (char *) l->data, sum);
            }
        }
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  g_ptr_array_sort_values (lines, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}

/* A photo whose bytes change on the way (a proxy, a bad link) does not
 * match its digest: its report is skipped, listed and asked for again
 * next time; the report beside it, in the same batch, arrives with its
 * photo; the garbled bytes are kept nowhere. */
static void
test_garbled_photo (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GUri) uri = g_uri_parse (gp_test_pouchdb_get_url (fixture->server), G_URI_FLAGS_NONE, NULL);
  FaultRelay *relay = fault_relay_start ((guint16) g_uri_get_port (uri), 0, 1);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", relay->port);
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_couch_new (url, FALSE, NULL);
  g_autoptr(GpCouch) direct = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autofree char *garbled = report_with_photo (fixture->worker);
  g_autofree char *kept = NULL;
  g_autofree char *digest = NULL;
  GpReplicationStats stats = { 0 };

  kept = report_with_other_photo (fixture->worker);
  {
    g_autoptr(JsonObject) doc = gp_store_get (fixture->worker, garbled, GP_STORE_GET_NONE, NULL);

    digest = g_strdup (gp_json_get_string (gp_json_get_object (gp_json_get_object (doc, "_attachments"),
                                                               "photo-1.jpg"), "digest"));
  }
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);

  /* The leader pulls through a relay that changes a byte of one photo. */
  {
    g_autofree char *escaped = gp_couch_escape_id (garbled);

    relay->garble = g_strconcat (escaped, "/photo-1.jpg", NULL);
  }
  gp_couch_set_credentials (li, "li", "li-pw");
  g_assert_true (gp_couch_login (li, NULL, &error));
  g_assert_no_error (error);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (relay->garbled, >=, 1);
  g_assert_true (listed (stats.skipped, garbled));
  g_assert_true (strstr (g_ptr_array_index (stats.skipped, 0), "do not match its digest") != NULL);
  g_assert_cmpuint (stats.skipped->len, ==, 1);
  assert_same_document (fixture->worker, fixture->leader, kept);
  {
    g_autoptr(JsonObject) absent = gp_store_get (fixture->leader, garbled, GP_STORE_GET_NONE, NULL);

    g_assert_null (absent);
    g_assert_false (gp_store_has_blob (fixture->leader, digest));
  }
  gp_replication_stats_clear (&stats);

  /* Asked for again, straight from the centre: it arrives whole. */
  replicate (fixture, fixture->leader, direct, GP_REPLICATION_PULL, &stats);
  g_assert_true (stats.skipped == NULL || stats.skipped->len == 0);
  assert_same_document (fixture->worker, fixture->leader, garbled);
  g_assert_true (gp_store_has_blob (fixture->leader, digest));
  gp_replication_stats_clear (&stats);
  fault_relay_stop (relay);
}

/* Two phones, each with reports and photos and steps, syncing through a link
 * that spoils 30 % of the exchanges, round after round: both end with the
 * same documents at the same revisions and the same photo bytes as each
 * other, and as a third phone that reads the centre directly. */
static void
test_faulty_link (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GUri) uri = g_uri_parse (gp_test_pouchdb_get_url (fixture->server), G_URI_FLAGS_NONE, NULL);
  FaultRelay *relay = fault_relay_start ((guint16) g_uri_get_port (uri), 0.30, 20261203);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", relay->port);
  g_autoptr(GpCouch) wang = gp_couch_new (url, FALSE, NULL);
  g_autoptr(GpCouch) li = gp_couch_new (url, FALSE, NULL);
  g_autoptr(GpCouch) direct = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autofree char *third_dir = gp_test_make_dir ();
  g_autoptr(GpStore) third = gp_test_open_store (third_dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *incident = NULL;
  guint rounds = 0, failed_syncs = 0, syncs = 0;
  gboolean converged = FALSE;

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  for (guint i = 0; i < 3; i++)
    g_free (report_with_photo (fixture->worker));
  incident = report_with_photo (fixture->worker);
  {
    g_autoptr(GpEvent) draft = gp_event_new (incident);
    g_autoptr(GDateTime) now = gp_clock_new_now_utc ();

    g_object_set (draft, "grid", GRID, "action", GP_ACTION_COMMENT, "actor", "wang", "role", GP_ROLE_WORKER,
                  "at", now, "note", "已通知物业", NULL);
    g_assert_true (gp_casework_act (fixture->worker, draft, NULL, &error));
  }
  for (GpCouch **couch = (GpCouch *[]) { wang, li, NULL }; *couch != NULL; couch++)
    {
      gp_couch_set_timeout (*couch, 1);
      gp_couch_set_retries (*couch, 3, 20);
    }
  gp_couch_set_credentials (wang, "wang", "wang-pw");
  gp_couch_set_credentials (li, "li", "li-pw");

  while (!converged && rounds < 40)
    {
      struct { GpStore *store; GpCouch *couch; } phones[] = { { fixture->worker, wang }, { fixture->leader, li } };

      rounds++;
      for (guint p = 0; p < G_N_ELEMENTS (phones); p++)
        for (GpReplicationDirection d = GP_REPLICATION_PUSH; d <= GP_REPLICATION_PULL; d++)
          {
            GpReplicationStats stats = { 0 };
            g_autoptr(GError) sync_error = NULL;

            syncs++;
            if ((gp_couch_get_user (phones[p].couch) == NULL &&
                 !gp_couch_login (phones[p].couch, NULL, &sync_error)) ||
                !gp_replicate (phones[p].store, phones[p].couch, fixture->database, d, GP_REPLICATION_FLAGS_NONE, &stats, NULL, &sync_error))
              {
                failed_syncs++;
                g_test_message ("round %u: %s", rounds, sync_error->message);
              }
            gp_replication_stats_clear (&stats);
          }
      /* The leader takes a step once the report is there. */
      if (rounds == 2)
        {
          g_autoptr(GpEvent) draft = gp_event_new (incident);
          g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
          g_autoptr(GError) act_error = NULL;

          g_object_set (draft, "grid", GRID, "action", GP_ACTION_REGISTER, "actor", "li", "role", GP_ROLE_LEADER,
                        "at", now, "level", "B", NULL);
          if (!gp_casework_act (fixture->leader, draft, NULL, &act_error))
            g_test_message ("not yet: %s", act_error->message);
        }
      if (rounds >= 3)
        {
          g_autofree char *a = store_fingerprint (fixture->worker);
          g_autofree char *b = store_fingerprint (fixture->leader);

          converged = g_str_equal (a, b);
        }
    }
  g_test_message ("%u exchanges, spoiled: %u dropped, %u cut, %u late, %u 500, %u 503, %u gzipped; "
                  "%u of %u replications failed; converged after %u rounds",
                  relay->exchanges, relay->faults[FAULT_DROP], relay->faults[FAULT_TRUNCATE],
                  relay->faults[FAULT_DELAY], relay->faults[FAULT_500], relay->faults[FAULT_503],
                  relay->faults[FAULT_GZIP], failed_syncs, syncs, rounds);
  g_assert_true (converged);
  g_assert_cmpuint (relay->faults[FAULT_NONE], <, relay->exchanges);

  /* And the centre holds exactly that: a phone reading it directly agrees. */
  {
    GpReplicationStats stats = { 0 };
    g_autofree char *a = store_fingerprint (fixture->worker);
    g_autofree char *c = NULL;

    replicate (fixture, third, direct, GP_REPLICATION_PULL, &stats);
    gp_replication_stats_clear (&stats);
    c = store_fingerprint (third);
    g_assert_cmpstr (a, ==, c);
  }
  g_clear_object (&third);
  gp_test_remove_dir (third_dir);
  fault_relay_stop (relay);
}

/* Writes a sibling revision of @id on the centre, as its admin, with
 * @note changed: what a server that lets an unrelated history through
 * would hold. */
static void
forge_sibling (Fixture    *fixture,
               GpStore    *store,
               const char *id,
               const char *note)
{
  g_autoptr(JsonObject) doc = gp_store_get (store, id, GP_STORE_GET_NONE, NULL);
  g_autoptr(JsonObject) request = json_object_new ();
  g_autofree char *path = g_strconcat ("/", fixture->database, "/_bulk_docs", NULL);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *docs = json_array_new ();

  json_object_set_string_member (doc, "note", note);
  json_object_set_string_member (doc, "_rev", "1-ffffffffffffffffffffffffffffffff");
  json_array_add_object_element (docs, json_object_ref (doc));
  json_object_set_array_member (request, "docs", docs);
  json_object_set_boolean_member (request, "new_edits", FALSE);
  json = gp_json_to_string (request, FALSE);
  reply = gp_test_pouchdb_admin (fixture->server, "POST", path, json);
}

/* A step rewritten on the centre as a sibling branch — the one way past
 * "append-only" a server can let through — is kept out of every phone's
 * case and listed: a step named by its content cannot take other content
 * at all; a step from before that, once on the phone, takes no second
 * version. */
static void
test_forged_step (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(GpEvent) legacy = NULL;
  g_autoptr(GpEvent) draft = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autofree char *incident = NULL;
  g_autofree char *sealed_id = NULL;
  g_autofree char *fresh_dir = gp_test_make_dir ();
  g_autoptr(GpStore) fresh = gp_test_open_store (fresh_dir);
  GpReplicationStats stats = { 0 };

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  incident = report_with_photo (fixture->worker);
  legacy = gp_event_new (incident);
  g_object_set (legacy, "grid", GRID, "action", GP_ACTION_COMMENT, "actor", "wang", "role", GP_ROLE_WORKER, "at", now,
                "note", "已通知物业", NULL);
  g_assert_true (gp_documents_save (fixture->worker, GP_DOCUMENT (legacy), GP_STORE_PUT_NONE, &error));
  draft = gp_event_new (incident);
  g_object_set (draft, "grid", GRID, "action", GP_ACTION_COMMENT, "actor", "wang", "role", GP_ROLE_WORKER, "at", now,
                "note", "明早复查", NULL);
  g_assert_true (gp_casework_act (fixture->worker, draft, &sealed_id, &error));
  g_assert_no_error (error);

  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  gp_replication_stats_clear (&stats);

  forge_sibling (fixture, fixture->worker, gp_document_get_id (GP_DOCUMENT (legacy)), "从未通知");
  forge_sibling (fixture, fixture->worker, sealed_id, "不必复查");

  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  for (guint i = 0; stats.skipped != NULL && i < stats.skipped->len; i++)
    g_test_message ("not received: %s", (char *) g_ptr_array_index (stats.skipped, i));
  g_assert_true (listed (stats.skipped, gp_document_get_id (GP_DOCUMENT (legacy))));
  g_assert_true (listed (stats.skipped, sealed_id));
  gp_replication_stats_clear (&stats);
  assert_same_document (fixture->worker, fixture->leader, gp_document_get_id (GP_DOCUMENT (legacy)));
  assert_same_document (fixture->worker, fixture->leader, sealed_id);
  {
    g_auto(GStrv) conflicts = gp_store_get_conflicts (fixture->leader, sealed_id, &error);
    g_auto(GStrv) legacy_conflicts = gp_store_get_conflicts (fixture->leader,
                                                             gp_document_get_id (GP_DOCUMENT (legacy)), &error);

    g_assert_cmpuint (g_strv_length (conflicts), ==, 0);
    g_assert_cmpuint (g_strv_length (legacy_conflicts), ==, 0);
  }

  /* A phone new to the grid never takes the rewritten sealed step. */
  replicate (fixture, fresh, li, GP_REPLICATION_PULL, &stats);
  g_assert_true (listed (stats.skipped, sealed_id));
  gp_replication_stats_clear (&stats);
  assert_same_document (fixture->worker, fresh, sealed_id);
  g_clear_object (&fresh);
  gp_test_remove_dir (fresh_dir);
}

/* A TCP relay to the server that cuts every connection once the client has
 * sent a given number of bytes through it — a network lost in the middle
 * of a batch — and relays faithfully after that. */
typedef struct
{
  GSocket  *listener;
  guint16   port;
  guint16   upstream_port;
  gint64    cut_after;      /* bytes from clients; -1 once cut */
  gint64    sent;
  GMutex    lock;
  GThread  *thread;
  gboolean  stopping;
  GPtrArray *sockets;       /* GSocket, to close when cutting */
} Relay;

typedef struct
{
  Relay   *relay;
  GSocket *from;
  GSocket *to;
  gboolean upload;
} Pipe;

static void
relay_cut (Relay *relay)
{
  for (guint i = 0; i < relay->sockets->len; i++)
    {
      g_socket_shutdown (g_ptr_array_index (relay->sockets, i), TRUE, TRUE, NULL);
      g_socket_close (g_ptr_array_index (relay->sockets, i), NULL);
    }
  g_ptr_array_set_size (relay->sockets, 0);
  relay->cut_after = -1;
}

static gpointer
pipe_thread (gpointer data)
{
  Pipe *pipe = data;
  char buffer[16384];

  for (;;)
    {
      gssize n = g_socket_receive (pipe->from, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      if (pipe->upload)
        {
          gboolean cut = FALSE;

          g_mutex_lock (&pipe->relay->lock);
          pipe->relay->sent += n;
          if (pipe->relay->cut_after >= 0 && pipe->relay->sent > pipe->relay->cut_after)
            {
              relay_cut (pipe->relay);
              cut = TRUE;
            }
          g_mutex_unlock (&pipe->relay->lock);
          if (cut)
            break;
        }
      if (g_socket_send (pipe->to, buffer, n, NULL, NULL) != n)
        break;
    }
  g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
  g_object_unref (pipe->from);
  g_object_unref (pipe->to);
  g_free (pipe);
  return NULL;
}

static gpointer
relay_thread (gpointer data)
{
  Relay *relay = data;

  for (;;)
    {
      g_autoptr(GSocket) client = g_socket_accept (relay->listener, NULL, NULL);
      g_autoptr(GSocket) server = NULL;
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, relay->upstream_port);
      Pipe *up, *down;

      if (client == NULL || relay->stopping)
        break;
      server = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
      if (!g_socket_connect (server, address, NULL, NULL))
        continue;
      g_mutex_lock (&relay->lock);
      g_ptr_array_add (relay->sockets, g_object_ref (client));
      g_ptr_array_add (relay->sockets, g_object_ref (server));
      g_mutex_unlock (&relay->lock);
      up = g_new0 (Pipe, 1);
      *up = (Pipe) { relay, g_object_ref (client), g_object_ref (server), TRUE };
      down = g_new0 (Pipe, 1);
      *down = (Pipe) { relay, g_object_ref (server), g_object_ref (client), FALSE };
      g_thread_unref (g_thread_new ("relay-up", pipe_thread, up));
      g_thread_unref (g_thread_new ("relay-down", pipe_thread, down));
    }
  return NULL;
}

/* A relay listening on @port (0: any free one). */
static Relay *
relay_start_at (guint16 port,
                guint16 upstream_port,
                gint64  cut_after)
{
  Relay *relay = g_new0 (Relay, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  relay->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_true (g_socket_bind (relay->listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (relay->listener, &error));
  bound = g_socket_get_local_address (relay->listener, &error);
  relay->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  relay->upstream_port = upstream_port;
  relay->cut_after = cut_after;
  relay->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&relay->lock);
  relay->thread = g_thread_new ("relay", relay_thread, relay);
  return relay;
}

static Relay *
relay_start (guint16 upstream_port,
             gint64  cut_after)
{
  return relay_start_at (0, upstream_port, cut_after);
}

static void
relay_stop (Relay *relay)
{
  relay->stopping = TRUE;
  g_socket_shutdown (relay->listener, TRUE, TRUE, NULL);
  g_socket_close (relay->listener, NULL);
  g_thread_join (relay->thread);
  g_mutex_lock (&relay->lock);
  relay_cut (relay);
  g_mutex_unlock (&relay->lock);
  g_object_unref (relay->listener);
  g_ptr_array_unref (relay->sockets);
  g_mutex_clear (&relay->lock);
  g_free (relay);
}

typedef struct
{
  guint  calls;
  gsize  received;
  gssize length;
} Told;

static void
on_told (gsize    received,
         gssize   length,
         gpointer user_data)
{
  Told *told = user_data;

  g_assert_cmpuint (received, >=, told->received);
  told->calls++;
  told->received = received;
  told->length = length;
}

/* Photos on demand: a pull brings the documents and thumbnails and leaves
 * the full photos at the centre; the case shows the thumbnail meanwhile;
 * a photo fetched later is checked against its digest (garbled bytes are
 * kept nowhere) and then shown whole. */
static void
test_photos_on_demand (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GUri) uri = g_uri_parse (gp_test_pouchdb_get_url (fixture->server), G_URI_FLAGS_NONE, NULL);
  FaultRelay *relay = fault_relay_start ((guint16) g_uri_get_port (uri), 0, 1);
  g_autofree char *relay_url = g_strdup_printf ("http://127.0.0.1:%u", relay->port);
  g_autoptr(GpCouch) through = gp_couch_new (relay_url, FALSE, NULL);
  g_autoptr(GBytes) kept = NULL;
  g_autofree char *id = report_with_taken_photo (fixture->worker, &kept);
  g_autofree char *photo = digest_of (fixture->worker, id, "photo-1.jpg");
  g_autofree char *thumb = digest_of (fixture->worker, id, "thumb-1.jpg");
  g_autofree char *rev = NULL;
  g_autoptr(GpCaseSheet) sheet = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  GpReplicationStats stats = { 0 };
  Told told = { 0 };

  /* The grid with its grading scheme, for the case to be shown. */
  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);

  /* The leader's pull: the report and its thumbnail, not its photo. */
  replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
  g_assert_cmpuint (stats.deferred, ==, 1);
  g_assert_cmpuint (stats.attachments, ==, 1);
  g_assert_null (stats.skipped);
  gp_replication_stats_clear (&stats);
  g_assert_true (gp_store_has_blob (fixture->leader, thumb));
  g_assert_false (gp_store_has_blob (fixture->leader, photo));
  read = gp_store_read_attachment (fixture->leader, photo, &error);
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_HERE);
  g_clear_error (&error);
  assert_same_document (fixture->worker, fixture->leader, id);
  missing = gp_store_list_missing_blobs (fixture->leader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->doc_id, ==, id);
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->name, ==, "photo-1.jpg");
  g_assert_true (gp_store_check (fixture->leader, &problems, &error));
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The case shows the thumbnail, marked as the photo still at the centre. */
  sheet = gp_case_sheet_load (fixture->leader, id, gp_clock_get_now (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sheet->pictures->len, ==, 1);
  g_assert_true (g_array_index (sheet->remote, gboolean, 0));
  g_assert_cmpstr (g_ptr_array_index (sheet->sources, 0), ==, id);
  g_assert_cmpstr (g_ptr_array_index (sheet->names, 0), ==, "photo-1.jpg");
  g_assert_cmpint (gdk_pixbuf_get_width (g_ptr_array_index (sheet->pictures, 0)), ==, GP_PHOTO_THUMBNAIL_EDGE);
  g_clear_pointer (&sheet, gp_case_sheet_free);

  /* Pulling again fetches nothing: the photo stays wanted only on demand. */
  replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
  g_assert_cmpuint (stats.attachments, ==, 0);
  gp_replication_stats_clear (&stats);

  /* Garbled on the way: refused with the reason, nothing kept. */
  {
    g_autofree char *escaped = gp_couch_escape_id (id);

    relay->garble = g_strconcat (escaped, "/photo-1.jpg", NULL);
  }
  gp_couch_set_credentials (through, "li", "li-pw");
  g_assert_true (gp_couch_login (through, NULL, &error));
  rev = g_strdup (((GpMissingBlob *) g_ptr_array_index (missing, 0))->rev);
  g_assert_false (gp_replication_fetch_photo (fixture->leader, through, fixture->database, id, rev, "photo-1.jpg",
                                              photo, NULL, NULL, NULL, &error));
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY);
  g_assert_nonnull (strstr (error->message, "do not match its digest"));
  g_clear_error (&error);
  g_assert_cmpuint (relay->garbled, ==, 1);
  g_assert_false (gp_store_has_blob (fixture->leader, photo));

  /* Fetched whole, with its progress told: the case shows the photo. */
  g_assert_true (gp_replication_fetch_photo (fixture->leader, li, fixture->database, id, rev, "photo-1.jpg", photo,
                                             on_told, &told, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (told.calls, >=, 1);
  g_assert_cmpuint (told.received, ==, g_bytes_get_size (kept));
  g_assert_cmpint (told.length, ==, (gssize) g_bytes_get_size (kept));
  g_assert_true (gp_store_has_blob (fixture->leader, photo));
  read = gp_store_read_attachment (fixture->leader, photo, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, kept));
  sheet = gp_case_sheet_load (fixture->leader, id, gp_clock_get_now (), &error);
  g_assert_false (g_array_index (sheet->remote, gboolean, 0));
  {
    g_autoptr(GdkPixbuf) whole = gp_photo_decode (kept, &error);

    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (g_ptr_array_index (sheet->pictures, 0)), ==,
                     gdk_pixbuf_get_width (whole));
  }
  g_clear_pointer (&missing, g_ptr_array_unref);
  missing = gp_store_list_missing_blobs (fixture->leader, &error);
  g_assert_cmpuint (missing->len, ==, 0);
  g_assert_true (gp_store_check (fixture->leader, &problems, &error));
  g_assert_cmpuint (problems->len, ==, 0);
  fault_relay_stop (relay);
}

typedef struct
{
  char     *failed;
  gboolean  will_retry;
  guint     arrived;
} PhotoNews;

static void
on_photo_failed (GpSyncManager *manager,
                 const char    *doc_id,
                 const char    *name,
                 const char    *message,
                 gboolean       will_retry,
                 PhotoNews     *news)
{
  g_free (news->failed);
  news->failed = g_strdup (message);
  news->will_retry = will_retry;
}

static void
on_photo_arrived (GpSyncManager *manager,
                  const char    *doc_id,
                  const char    *name,
                  PhotoNews     *news)
{
  news->arrived++;
}

static gboolean
photo_failed (gpointer data)
{
  return ((PhotoNews *) data)->failed != NULL;
}

static gboolean
photo_arrived (gpointer data)
{
  return ((PhotoNews *) data)->arrived > 0;
}

static gboolean
sync_settled (gpointer data)
{
  return gp_sync_manager_get_n_runs (data) >= 1 && gp_sync_manager_get_state (data) != GP_SYNC_SYNCING;
}

/* The line of @lines about @id that says @reason. */
static gboolean
listed_for (GPtrArray  *lines,
            const char *id,
            const char *reason)
{
  g_autofree char *prefix = g_strconcat (id, " ", NULL);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (lines, i), prefix) && strstr (g_ptr_array_index (lines, i), reason))
      return TRUE;
  return FALSE;
}

/* The report as the centre has it, its photo's entry's thumbnail inside
 * replaced by @data (a JSON value), written over it as a new revision. */
static void
put_thumbnail_at_centre (Fixture    *fixture,
                         const char *id,
                         const char *data)
{
  g_autofree char *escaped = gp_couch_escape_id (id);
  g_autofree char *path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
  g_autoptr(JsonNode) current = gp_test_pouchdb_admin (fixture->server, "GET", path, NULL);
  g_autoptr(JsonNode) value = json_from_string (data, NULL);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *text = NULL;
  JsonObject *entry = json_array_get_object_element (gp_json_get_array (json_node_get_object (current), "photos"), 0);

  g_assert_nonnull (value);
  json_object_set_member (entry, "thumbnail_data", g_steal_pointer (&value));
  text = gp_json_node_to_string (current, FALSE);
  reply = gp_test_pouchdb_admin (fixture->server, "PUT", path, text);
}

/* A photo's thumbnail travels inside its document: the centre keeps it in
 * the photo's entry, not as an attachment, and the leader's pull brings it
 * with the document, without a request of its own; on the leader's phone
 * it is the attachment it is on the worker's, the document the same. A
 * thumbnail inside that does not match its digest, is not base64, is too
 * long or is not text skips its document alone, listed with the reason,
 * and what the leader's phone had of it stays as it was. */
static void
test_thumbnails_inside (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GBytes) kept = NULL;
  g_autofree char *id = report_with_taken_photo (fixture->worker, &kept);
  g_autofree char *thumb = digest_of (fixture->worker, id, "thumb-1.jpg");
  g_autofree char *escaped = gp_couch_escape_id (id);
  g_autofree char *path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
  g_autofree char *long_text = g_strnfill (GP_REPLICATION_MAX_THUMBNAIL_TEXT + 4, 'A');
  g_autofree char *long_data = g_strdup_printf ("\"%s\"", long_text);
  g_autofree char *other_data = NULL;
  g_autofree char *good_data = NULL;
  g_autofree char *before = NULL;
  g_autofree char *mended = NULL;
  g_autoptr(GBytes) thumb_bytes = NULL;
  g_autoptr(GError) error = NULL;
  GpReplicationStats stats = { 0 };
  const struct
  {
    const char *data;
    const char *reason;
  } bad[] = {
    { "\"bm90IHRoZSB0aHVtYm5haWw=\"", "does not match the digest its photo gives" },
    { "\"not base64!\"", "is not base64" },
    { long_data, "is larger than the 128 KB a thumbnail may be" },
    { "42", "is not text with a name and a digest" },
  };

  thumb_bytes = gp_store_read_attachment (fixture->worker, thumb, &error);
  g_assert_no_error (error);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  gp_replication_stats_clear (&stats);

  /* At the centre: the photo an attachment, the thumbnail inside. */
  {
    g_autoptr(JsonNode) doc = gp_test_pouchdb_admin (fixture->server, "GET", path, NULL);
    JsonObject *attachments = gp_json_get_object (json_node_get_object (doc), "_attachments");
    JsonObject *entry = json_array_get_object_element (gp_json_get_array (json_node_get_object (doc), "photos"), 0);
    g_autofree guchar *decoded = NULL;
    gsize size = 0;

    g_assert_nonnull (gp_json_get_object (attachments, "photo-1.jpg"));
    g_assert_null (gp_json_get_object (attachments, "thumb-1.jpg"));
    g_assert_cmpstr (gp_json_get_string (entry, "thumbnail"), ==, "thumb-1.jpg");
    decoded = g_base64_decode (gp_json_get_string (entry, "thumbnail_data"), &size);
    g_assert_cmpmem (decoded, size, g_bytes_get_data (thumb_bytes, NULL), g_bytes_get_size (thumb_bytes));
    good_data = g_strdup_printf ("\"%s\"", gp_json_get_string (entry, "thumbnail_data"));
  }

  /* The leader's pull: the report and its thumbnail, which the centre
   * has only inside the report; the photo left there. */
  replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
  g_assert_null (stats.skipped);
  g_assert_cmpuint (stats.attachments, ==, 1);
  g_assert_cmpuint (stats.deferred, ==, 1);
  gp_replication_stats_clear (&stats);
  g_assert_true (gp_store_has_blob (fixture->leader, thumb));
  assert_same_document (fixture->worker, fixture->leader, id);

  /* Thumbnails inside that no phone would send. */
  {
    g_autoptr(JsonObject) doc = gp_store_get (fixture->leader, id, GP_STORE_GET_REVISIONS, NULL);
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), doc);

    before = gp_json_node_to_string (node, FALSE);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) doc = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *after = NULL;

      put_thumbnail_at_centre (fixture, id, bad[i].data);
      replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
      for (guint j = 0; stats.skipped != NULL && j < stats.skipped->len; j++)
        g_test_message ("not received: %s", (char *) g_ptr_array_index (stats.skipped, j));
      g_assert_true (listed_for (stats.skipped, id, bad[i].reason));
      gp_replication_stats_clear (&stats);
      doc = gp_store_get (fixture->leader, id, GP_STORE_GET_REVISIONS, NULL);
      node = json_node_init_object (json_node_alloc (), doc);
      after = gp_json_node_to_string (node, FALSE);
      g_assert_cmpstr (after, ==, before);
      g_assert_true (gp_store_has_blob (fixture->leader, thumb));
    }

  /* Mended at the centre: it comes, its thumbnail the worker's. */
  put_thumbnail_at_centre (fixture, id, good_data);
  replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  gp_replication_stats_clear (&stats);
  {
    g_autoptr(JsonNode) at_centre = gp_test_pouchdb_admin (fixture->server, "GET", path, NULL);
    g_autoptr(JsonObject) doc = gp_store_get (fixture->leader, id, GP_STORE_GET_NONE, NULL);

    g_assert_cmpstr (gp_json_get_string (doc, "_rev"), ==,
                     gp_json_get_string (json_node_get_object (at_centre), "_rev"));
  }
  mended = digest_of (fixture->leader, id, "thumb-1.jpg");
  g_assert_cmpstr (mended, ==, thumb);
}

/* A photo asked for while the centre cannot be reached says so, is kept
 * nowhere half, and comes when the network returns. */
static void
test_photo_offline (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GUri) uri = g_uri_parse (gp_test_pouchdb_get_url (fixture->server), G_URI_FLAGS_NONE, NULL);
  guint16 port = gp_test_free_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(GBytes) kept = NULL;
  g_autofree char *id = report_with_taken_photo (fixture->worker, &kept);
  g_autofree char *photo = digest_of (fixture->worker, id, "photo-1.jpg");
  g_autoptr(GpSyncManager) manager = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  const char *grids[] = { GRID, NULL };
  GpReplicationStats stats = { 0 };
  PhotoNews news = { 0 };
  guint files;
  Relay *relay;

  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);
  replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
  gp_replication_stats_clear (&stats);
  g_assert_false (gp_store_has_blob (fixture->leader, photo));
  files = gp_test_count_photo_files (fixture->leader_dir);

  /* Offline: the centre's address answers nothing. */
  manager = gp_sync_manager_new (fixture->leader, NULL);
  g_signal_connect (manager, "photo-failed", G_CALLBACK (on_photo_failed), &news);
  g_signal_connect (manager, "photo-arrived", G_CALLBACK (on_photo_arrived), &news);
  gp_sync_manager_set_grids (manager, grids);
  gp_sync_manager_set_account (manager, url, "li", "li-pw", FALSE);
  g_assert_true (gp_test_wait_until (sync_settled, manager, 60000));
  g_assert_cmpint (gp_sync_manager_get_state (manager), ==, GP_SYNC_OFFLINE);
  gp_sync_manager_want_photo (manager, id, "photo-1.jpg");
  g_assert_true (gp_test_wait_until (photo_failed, &news, 60000));
  g_assert_cmpstr (news.failed, ==, "Offline: the photo will download when the network returns");
  g_assert_true (news.will_retry);
  g_assert_cmpuint (news.arrived, ==, 0);
  g_assert_false (gp_store_has_blob (fixture->leader, photo));
  g_assert_cmpuint (gp_test_count_photo_files (fixture->leader_dir), ==, files);

  /* The network returns: the next sync brings the photo. */
  relay = relay_start_at (port, (guint16) g_uri_get_port (uri), -1);
  gp_sync_manager_sync_now (manager);
  g_assert_true (gp_test_wait_until (photo_arrived, &news, 60000));
  g_assert_cmpuint (news.arrived, ==, 1);
  read = gp_store_read_attachment (fixture->leader, photo, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, kept));
  g_clear_object (&manager);
  g_assert_true (gp_worker_wait_all (60000));
  relay_stop (relay);
  g_free (news.failed);
}

static gboolean
two_arrived (gpointer data)
{
  return ((PhotoNews *) data)->arrived >= 2;
}

/* Fetched ahead after a sync, on a network that is not metered: the photos
 * of the cases waiting for the user — for a leader, a report to register —
 * and not those of a case voided; with "download all photos", every one. */
static void
test_photos_ahead (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GBytes) waiting_photo = NULL;
  g_autoptr(GBytes) voided_photo = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *voided = NULL;
  g_autoptr(GpEvent) voiding = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GpSyncManager) manager = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  const char *grids[] = { GRID, NULL };
  GpReplicationStats stats = { 0 };
  PhotoNews news = { 0 };

  if (g_network_monitor_get_network_metered (g_network_monitor_get_default ()))
    {
      g_test_skip ("this machine's network is metered: nothing is fetched ahead on it");
      return;
    }
  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  waiting = report_with_taken_photo (fixture->worker, &waiting_photo);
  voided = report_with_taken_photo (fixture->worker, &voided_photo);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);
  replicate_with (fixture, fixture->leader, li, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND, &stats);
  g_assert_cmpuint (stats.deferred, ==, 2);
  gp_replication_stats_clear (&stats);
  voiding = gp_event_new (voided);
  g_object_set (voiding, "grid", GRID, "action", GP_ACTION_VOID, "actor", "li", "role", "leader", "at", now,
                "reason", "重复上报", NULL);
  g_assert_true (gp_documents_save (fixture->leader, GP_DOCUMENT (voiding), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);

  /* The leader's phone syncs: the report waiting to be registered comes. */
  manager = gp_sync_manager_new (fixture->leader, NULL);
  g_signal_connect (manager, "photo-arrived", G_CALLBACK (on_photo_arrived), &news);
  gp_sync_manager_set_grids (manager, grids);
  gp_sync_manager_set_account (manager, gp_test_pouchdb_get_url (fixture->server), "li", "li-pw", FALSE);
  g_assert_true (gp_test_wait_until (photo_arrived, &news, 60000));
  g_assert_true (gp_worker_wait_all (60000));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (news.arrived, ==, 1);
  missing = gp_store_list_missing_blobs (fixture->leader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((GpMissingBlob *) g_ptr_array_index (missing, 0))->doc_id, ==, voided);

  /* Download all photos: the voided case's comes too. */
  gp_sync_manager_set_all_photos (manager, TRUE);
  g_assert_true (gp_test_wait_until (two_arrived, &news, 60000));
  g_clear_pointer (&missing, g_ptr_array_unref);
  missing = gp_store_list_missing_blobs (fixture->leader, &error);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_object (&manager);
  g_assert_true (gp_worker_wait_all (60000));
}

/* The network goes in the middle of a batch: the sync fails in words;
 * the next one continues from the last checkpoint, and the centre ends
 * with every document once. */
static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GUri) uri = g_uri_parse (gp_test_pouchdb_get_url (fixture->server), G_URI_FLAGS_NONE, NULL);
  Relay *relay = relay_start ((guint16) g_uri_get_port (uri), 150 * 1024);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", relay->port);
  g_autoptr(GpCouch) wang = gp_couch_new (url, FALSE, NULL);
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  GpReplicationStats stats = { 0 };
  guint first_batches;

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  gp_couch_set_credentials (wang, "wang", "wang-pw");
  g_assert_true (gp_couch_login (wang, NULL, &error));

  /* Gone for longer than a request's retries. */
  gp_couch_set_retries (wang, 0, 0);
  g_assert_false (gp_replicate (fixture->worker, wang, fixture->database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE, &stats, NULL, &error));
  g_test_message ("cut after %u batches: %s", stats.batches, error->message);
  g_assert_true (error->domain == GP_COUCH_ERROR);
  g_assert_cmpuint (stats.batches, >=, 2);
  first_batches = stats.batches;
  g_clear_error (&error);
  gp_replication_stats_clear (&stats);
  g_assert_cmpint (gp_test_pouchdb_doc_count (fixture->server, fixture->database), <, 472);

  /* The network is back. */
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.changes_read, <=, 472 - (first_batches - 1) * GP_REPLICATION_BATCH);
  gp_replication_stats_clear (&stats);
  g_assert_cmpint (gp_test_pouchdb_doc_count (fixture->server, fixture->database), ==, 472);

  relay_stop (relay);

  /* A connection lost for a moment is retried within the sync, which
   * goes through in one run. */
  {
    Relay *blip = relay_start ((guint16) g_uri_get_port (uri), 20 * 1024);
    g_autofree char *blip_url = g_strdup_printf ("http://127.0.0.1:%u", blip->port);
    g_autoptr(GpCouch) li_blip = gp_couch_new (blip_url, FALSE, NULL);

    gp_couch_set_credentials (li_blip, "li", "li-pw");
    gp_couch_set_retries (li_blip, 3, 10);
    g_assert_true (gp_couch_login (li_blip, NULL, &error));
    g_assert_no_error (error);
    replicate (fixture, fixture->leader, li_blip, GP_REPLICATION_PULL, &stats);
    g_assert_cmpuint (stats.revisions_written, ==, 472);
    g_assert_cmpuint (gp_couch_get_n_retries (li_blip), >=, 1);
    gp_replication_stats_clear (&stats);
    relay_stop (blip);
  }
  g_assert_cmpint (gp_store_count (fixture->leader, "household", GRID, NULL), ==, 420);
  (void) li;
}

/* Both phones edit the same household offline: after syncing, both stores
 * and the centre keep both edits as leaves and agree on the winner. */
static void
test_conflict (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) on_server = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *path = NULL;
  const char *id = "household:610103003003-01-1-101";
  GpReplicationStats stats = { 0 };

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  gp_replication_stats_clear (&stats);

  /* Offline, each changes the phone number. */
  {
    GpStore *stores[] = { fixture->worker, fixture->leader };
    const char *phones[] = { "13800000001", "13900000002" };

    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(JsonObject) doc = gp_store_get (stores[i], id, GP_STORE_GET_NONE, &error);
        g_autofree char *rev = NULL;

        g_assert_no_error (error);
        json_object_set_string_member (doc, "phone", phones[i]);
        rev = gp_store_put (stores[i], doc, NULL, GP_STORE_PUT_NONE, &error);
        g_assert_no_error (error);
      }
  }
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.conflicts, ==, 1);
  gp_replication_stats_clear (&stats);
  replicate (fixture, fixture->worker, wang, GP_REPLICATION_PULL, &stats);
  g_assert_cmpuint (stats.conflicts, ==, 1);
  gp_replication_stats_clear (&stats);

  /* The same winner on both phones as on the centre, the loser a conflict. */
  path = g_strdup_printf ("/%s/%s?conflicts=true", fixture->database, "household%3A610103003003-01-1-101");
  reply = gp_test_pouchdb_admin (fixture->server, "GET", path, NULL);
  on_server = json_object_ref (json_node_get_object (reply));
  {
    GpStore *stores[] = { fixture->worker, fixture->leader };

    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(JsonObject) winner = gp_store_get (stores[i], id, GP_STORE_GET_CONFLICTS, &error);
        JsonArray *conflicts = gp_json_get_array (winner, "_conflicts");

        g_assert_no_error (error);
        g_assert_cmpstr (gp_json_get_string (winner, "_rev"), ==, gp_json_get_string (on_server, "_rev"));
        g_assert_cmpstr (gp_json_get_string (winner, "phone"), ==, gp_json_get_string (on_server, "phone"));
        g_assert_nonnull (conflicts);
        g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
        g_assert_cmpstr (json_array_get_string_element (conflicts, 0), ==,
                         json_array_get_string_element (gp_json_get_array (on_server, "_conflicts"), 0));
      }
  }
}

/* `gridpatrolctl sync` killed in the middle (as a phone's battery dies),
 * then run again: the centre ends with every document once, the store as
 * it was, and the second run starts from the last checkpoint. */
static void
test_killed_mid_sync (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *password = g_build_filename (fixture->worker_dir, "password", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GPtrArray) command = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *url = gp_test_pouchdb_get_url (fixture->server);
  gint64 total;

  g_assert_true (gp_demo_install (fixture->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  /* Enough to take a few seconds: 600 reports with 4 steps each. */
  {
    g_autoptr(GDateTime) now = gp_clock_new_now_utc ();

    for (guint i = 0; i < 600; i += 50)
      {
        g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

        for (guint j = 0; j < 50; j++)
          {
            GpIncident *incident = gp_incident_new ();

            g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter",
                          "wang", "reported-at", now, "description", "暴露垃圾", NULL);
            g_ptr_array_add (batch, incident);
            for (guint e = 0; e < 4; e++)
              {
                GpEvent *event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));

                g_object_set (event, "grid", GRID, "action", GP_ACTION_COMMENT, "actor", "wang", "role",
                              GP_ROLE_WORKER, "at", now, "note", "跟进", NULL);
                g_ptr_array_add (batch, event);
              }
          }
        g_assert_true (gp_documents_save_all (fixture->worker, batch, GP_STORE_PUT_NONE, &error));
      }
  }
  total = 472 + 3000;
  before = gp_test_store_snapshot (fixture->worker);
  g_clear_object (&fixture->worker);
  g_assert_true (g_file_set_contents (password, "wang-pw\n", -1, NULL));

  command = gp_test_ctl_command ("--data-dir", fixture->worker_dir, "sync", "--server", url, "--user", "wang",
                                 "--password-file", password, NULL);
  first = g_subprocess_newv ((const char * const *) command->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_usleep (1200 * 1000);
  g_subprocess_force_exit (first);
  g_subprocess_wait (first, NULL, NULL);
  g_test_message ("first run %s; the centre has %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " documents",
                  g_subprocess_get_if_signaled (first) ? "killed" : "finished", gp_test_pouchdb_doc_count (fixture->server, fixture->database), total);

  /* Started again: it finishes, and nothing is there twice. */
  out = gp_test_ctl (0, NULL, "--data-dir", fixture->worker_dir, "sync", "--server", url, "--user", "wang",
             "--password-file", password, NULL);
  g_test_message ("%s", out);
  g_assert_cmpint (gp_test_pouchdb_doc_count (fixture->server, fixture->database), ==, total);
  fixture->worker = gp_test_open_store (fixture->worker_dir);
  after = gp_test_store_snapshot (fixture->worker);
  g_assert_cmpstr (before, ==, after);
  {
    GpReplicationStats stats = { 0 };
    g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");

    replicate (fixture, fixture->leader, li, GP_REPLICATION_PULL, &stats);
    g_assert_cmpuint (stats.revisions_written, ==, total);
    gp_replication_stats_clear (&stats);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/sync/replicator/two-phones", Fixture, NULL, fixture_set_up, test_two_phones, fixture_tear_down);
  g_test_add ("/sync/replicator/one-bad-document", Fixture, NULL, fixture_set_up, test_one_bad_document,
              fixture_tear_down);
  g_test_add ("/sync/replicator/faulty-link", Fixture, NULL, fixture_set_up, test_faulty_link, fixture_tear_down);
  g_test_add ("/sync/replicator/garbled-photo", Fixture, NULL, fixture_set_up, test_garbled_photo,
              fixture_tear_down);
  g_test_add ("/sync/replicator/photos-on-demand", Fixture, NULL, fixture_set_up, test_photos_on_demand,
              fixture_tear_down);
  g_test_add ("/sync/replicator/thumbnails-inside", Fixture, NULL, fixture_set_up, test_thumbnails_inside,
              fixture_tear_down);
  g_test_add ("/sync/replicator/photo-offline", Fixture, NULL, fixture_set_up, test_photo_offline,
              fixture_tear_down);
  g_test_add ("/sync/replicator/photos-ahead", Fixture, NULL, fixture_set_up, test_photos_ahead,
              fixture_tear_down);
  g_test_add ("/sync/replicator/forged-step", Fixture, NULL, fixture_set_up, test_forged_step, fixture_tear_down);
  g_test_add ("/sync/replicator/resume", Fixture, NULL, fixture_set_up, test_resume, fixture_tear_down);
  g_test_add ("/sync/replicator/conflict", Fixture, NULL, fixture_set_up, test_conflict, fixture_tear_down);
  g_test_add ("/sync/replicator/killed-mid-sync", Fixture, NULL, fixture_set_up, test_killed_mid_sync,
              fixture_tear_down);
  g_test_add ("/sync/replicator/ctl-sync", Fixture, NULL, fixture_set_up, test_ctl_sync, fixture_tear_down);

  return g_test_run ();
}
