/* test-centre.c — a grid set up on a real PouchDB Server with
 * `gridpatrolctl centre setup`, and its write rules (validate_doc_update)
 * as the phones meet them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-attachment.h"
#include "gp-casework.h"
#include "gp-centre.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-test-photo.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <math.h>
#include <string.h>

#define GRID GP_DEMO_GRID_CODE

typedef GpTestGrid Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *password = NULL;
  g_autofree char *passwords = NULL;
  g_autofree char *out = NULL;
  g_autofree char *again = NULL;

  gp_test_grid_set_up (fixture, GRID);

  /* The centre prepares the grid and sets it up, twice: the second run
   * only brings it up to date. */
  password = g_build_filename (fixture->centre_dir, "admin-password", NULL);
  passwords = g_build_filename (fixture->centre_dir, "passwords", NULL);
  g_assert_true (g_file_set_contents (password, GP_TEST_POUCHDB_ADMIN_PASSWORD "\n", -1, NULL));
  g_assert_true (g_file_set_contents (passwords, "wang:wang-pw\nzhao:zhao-pw\nli:li-pw\nsun:sun-pw\n", -1, NULL));
  g_free (gp_test_ctl (0, NULL, "--data-dir", fixture->centre_dir, "demo", NULL));
  out = gp_test_ctl (0, NULL, "--data-dir", fixture->centre_dir, "centre", "setup",
             "--server", gp_test_pouchdb_get_url (fixture->server), "--admin", GP_TEST_POUCHDB_ADMIN,
             "--admin-password-file", password, "--grid", GRID, "--worker", "wang",
             "--worker", "zhao", "--leader", "li", "--passwords-file", passwords, "--from-data-dir",
             "--test-server", NULL);
  g_assert_cmpstr (out, ==, "gridpatrol-610103003003: created, with its members and rules\n"
                            "3 users set up\n"
                            "472 documents of the grid package uploaded\n");
  again = gp_test_ctl (0, NULL, "--data-dir", fixture->centre_dir, "centre", "setup",
               "--server", gp_test_pouchdb_get_url (fixture->server), "--admin", GP_TEST_POUCHDB_ADMIN,
               "--admin-password-file", password, "--grid", GRID, "--worker", "wang", "--worker", "sun",
               "--passwords-file", passwords, "--test-server", NULL);
  g_assert_true (g_str_has_prefix (again, "gridpatrol-610103003003: already there"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_test_grid_tear_down (fixture);
}

static void
sync_both_ways (Fixture            *fixture,
                GpStore            *store,
                GpCouch            *couch,
                GpReplicationStats *sent,
                GpReplicationStats *received)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_replicate (store, couch, fixture->database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE, sent, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gp_replicate (store, couch, fixture->database, GP_REPLICATION_PULL, GP_REPLICATION_FLAGS_NONE, received, NULL, &error));
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
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
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
  g_assert_cmpuint (received.revisions_written, ==, 472);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);
  /* The directory the leader dispatches from: the package's, with the
   * worker the second setup added. */
  {
    g_autoptr(GpDocument) directory = gp_documents_load (fixture->worker, "directory:" GRID, &error);
    g_autoptr(GArray) entries = NULL;
    guint sun = 0, departments = 0;

    g_assert_no_error (error);
    g_assert_true (GP_IS_DIRECTORY (directory));
    entries = gp_directory_list (GP_DIRECTORY (directory));
    for (guint i = 0; i < entries->len; i++)
      {
        GpDirectoryEntry *entry = &g_array_index (entries, GpDirectoryEntry, i);

        sun += g_str_equal (entry->target, "sun") && g_strcmp0 (entry->role, GP_ROLE_WORKER) == 0;
        departments += entry->role == NULL;
      }
    g_assert_cmpuint (sun, ==, 1);
    g_assert_cmpuint (departments, ==, 10);
  }
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
  g_assert_true (gp_documents_save (fixture->worker, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_object_set (forged, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "zhao",
                "reported-at", now, "description", "暴露垃圾", "building", building_id, NULL);
  g_assert_true (gp_documents_save (fixture->worker, GP_DOCUMENT (forged), GP_STORE_PUT_NONE, &error));
  building = gp_store_get (fixture->worker, building_id, GP_STORE_GET_NONE, &error);
  json_object_set_string_member (building, "name", "王的楼");
  rev = gp_store_put (fixture->worker, building, NULL, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
  /* …and makes himself a department to be given cases. */
  {
    g_autoptr(GpDocument) directory = gp_documents_load (fixture->worker, "directory:" GRID, &error);

    g_assert_true (gp_directory_add_department (GP_DIRECTORY (directory), "王的办公室"));
    g_assert_true (gp_documents_save (fixture->worker, directory, GP_STORE_PUT_NONE, &error));
    g_assert_no_error (error);
  }
  claimed = step (fixture->worker, gp_document_get_id (GP_DOCUMENT (incident)), GP_ACTION_REGISTER, "wang",
                  GP_ROLE_LEADER);

  sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
  g_assert_cmpuint (sent.revisions_written, ==, 1);    /* the report */
  g_assert_nonnull (sent.refused);
  g_assert_cmpuint (sent.refused->len, ==, 4);
  g_assert_true (refused_with (&sent, gp_document_get_id (GP_DOCUMENT (forged)),
                               "An incident is reported under the reporter's own name"));
  g_assert_true (refused_with (&sent, building_id, "Only the grid centre changes the building documents."));
  g_assert_true (refused_with (&sent, "directory:" GRID, "Only the grid centre changes the directory documents."));
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
    const char *diverging[] = { building_id, "directory:" GRID, gp_document_get_id (GP_DOCUMENT (forged)),
                                gp_document_get_id (GP_DOCUMENT (claimed)),
                                gp_document_get_id (GP_DOCUMENT (registered)), NULL };
    guint compared = 0;

    g_object_set (visit, "grid", GRID, "household", "household:610103003003-01-1-101", "worker", "wang", "at", now,
                  "note", "身体好", NULL);
    g_assert_true (gp_documents_save (fixture->worker, GP_DOCUMENT (visit), GP_STORE_PUT_NONE, &error));
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
    /* The grid but the refused building and directory, the report, its
     * comment and dispatch, the visit. */
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

#define OTHER "610103003004"

typedef struct
{
  const char *user;     /* NULL: nobody logged in */
  char        db;       /* 'A': the fixture's grid, 'B': the other */
  const char *method;   /* PUT, or DELETE of what is there */
  const char *id;
  const char *json;     /* {A} {B}: the grids' codes; {BIG}: 100 KB; {HUGE}: 1.1 MB; {ATTS}: 33 attachments */
  const char *says;     /* in the refusal; alternatives split by "|" (the server's own words, or the rules') */
} Forgery;

static gboolean
says_one_of (const char *message,
             const char *alternatives)
{
  g_auto(GStrv) each = g_strsplit (alternatives, "|", -1);

  for (guint i = 0; each[i] != NULL; i++)
    if (strstr (message, each[i]) != NULL)
      return TRUE;
  return FALSE;
}

static char *
expand (const char *text)
{
  g_autofree char *big = g_strnfill (100 * 1024, 'x');
  g_autofree char *huge = g_strnfill (1100 * 1024, 'x');
  g_autofree char *thumb = g_strnfill (30 * 1024, 'A');
  g_autoptr(GString) atts = g_string_new (NULL);
  g_autoptr(GString) thumbs4 = g_string_new (NULL);
  g_autoptr(GString) thumbs33 = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (text);

  for (guint i = 0; i < 33; i++)
    g_string_append_printf (atts, "%s\"p%u.jpg\": {\"content_type\": \"image/jpeg\", \"data\": \"/9j/\"}",
                            i ? ", " : "", i);
  for (guint i = 0; i < 33; i++)
    g_string_append_printf (i < 4 ? thumbs4 : thumbs33,
                            "%s{\"name\": \"photo-%u.jpg\", \"thumbnail\": \"thumb-%u.jpg\", \"thumbnail_data\": \"%s\"}",
                            i == 0 || i == 4 ? "" : ", ", i + 1, i + 1, i < 4 ? thumb : "/9j/");
  g_string_prepend (thumbs33, ", ");
  g_string_prepend (thumbs33, thumbs4->str);
  g_string_replace (out, "{A}", GRID, 0);
  g_string_replace (out, "{B}", OTHER, 0);
  g_string_replace (out, "{BIG}", big, 0);
  g_string_replace (out, "{HUGE}", huge, 0);
  g_string_replace (out, "{ATTS}", atts->str, 0);
  g_string_replace (out, "{THUMBS4}", thumbs4->str, 0);
  g_string_replace (out, "{THUMBS33}", thumbs33->str, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
doc_count (GpCouch    *admin,
           const char *database)
{
  g_autofree char *path = g_strconcat ("/", database, NULL);
  g_autoptr(JsonNode) info = gp_couch_request (admin, "GET", path, NULL, NULL, NULL, NULL);
  gint64 count = -1;

  g_assert_nonnull (info);
  gp_json_get_int (json_node_get_object (info), "doc_count", &count);
  return (guint) count;
}

/* Forged, oversized, out-of-grid, wrong-database and out-of-role writes,
 * each refused by the centre's rules with its reason; nothing of them is
 * stored, nothing already stored changes. Users: wang and zhao are workers
 * of grid A, li its leader; sun leads A and works in B; qian works in B. */
static void
test_forged_writes (Fixture       *fixture,
                    gconstpointer  data)
{
  static const Forgery forgeries[] = {
    /* Who writes */
    { NULL, 'A', "PUT", "incident:f01", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\"}", "log in" },
    { "wang", 'A', "PUT", "incident:f02", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"zhao\"}", "under the reporter's own name" },
    { "wang", 'A', "PUT", "visit:f03", "{\"type\": \"visit\", \"grid\": \"{A}\", \"worker\": \"zhao\"}", "recorded by the worker who made it" },
    { "wang", 'A', "PUT", "patrol:f04", "{\"type\": \"patrol\", \"grid\": \"{A}\", \"worker\": \"li\"}", "recorded by the worker who made it" },
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000005", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"li\", \"role\": \"leader\", \"action\": \"comment\"}", "under the actor's own name" },
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000006", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"wang\", \"role\": \"leader\", \"action\": \"comment\"}", "You are not a leader of grid" },
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000007", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"wang\", \"role\": \"worker\", \"action\": \"register\"}", "Only grid leaders and the grid centre register" },
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000008", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"wang\", \"role\": \"centre\", \"action\": \"close\"}", "You are not a centre of grid" },
    { "li", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000009", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"li\", \"role\": \"centre\", \"action\": \"close\"}", "You are not a centre of grid" },
    { "wang", 'A', "PUT", "building:{A}-90", "{\"type\": \"building\", \"grid\": \"{A}\", \"name\": \"x\"}", "Only the grid centre changes the building" },
    { "li", 'A', "PUT", "building:{A}-91", "{\"type\": \"building\", \"grid\": \"{A}\", \"name\": \"x\"}", "Only the grid centre changes the building" },
    { "wang", 'A', "PUT", "lane:{A}-L90", "{\"type\": \"lane\", \"grid\": \"{A}\"}", "Only the grid centre changes the lane" },
    { "wang", 'A', "PUT", "component:{A}-x-90", "{\"type\": \"component\", \"grid\": \"{A}\"}", "Only the grid centre changes the component" },
    { "li", 'A', "PUT", "policy:f14", "{\"type\": \"policy\", \"name\": \"x\"}", "Only the grid centre changes the policy" },
    { "wang", 'A', "PUT", "route:{A}-R90", "{\"type\": \"route\", \"grid\": \"{A}\"}", "Only the grid centre and grid leaders change patrol routes" },
    { "wang", 'A', "PUT", "_design/mine", "{\"validate_doc_update\": \"function () {}\"}", "Only an administrator changes the rules|not authorized|not a db or server admin" },
    { "wang", 'A', "DELETE", "household:{A}-01-1-101", NULL, "Only grid leaders and the grid centre remove a household" },
    { "li", 'A', "DELETE", "building:{A}-01", NULL, "Only the grid centre changes the building" },
    /* Ids and types */
    { "wang", 'A', "PUT", "building:{A}-92", "{\"type\": \"household\", \"grid\": \"{A}\"}", "does not fit a document of type household" },
    { "wang", 'A', "PUT", "grid:{A}x", "{\"type\": \"household\", \"grid\": \"{A}\"}", "does not fit a document of type household" },
    { "wang", 'A', "PUT", "policy:f21", "{\"type\": \"household\", \"grid\": \"{A}\"}", "does not fit a document of type household" },
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000022", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\"}", "does not fit a document of type incident" },
    { "wang", 'A', "PUT", "household:{B}-01-1-101", "{\"type\": \"household\", \"grid\": \"{A}\"}", "does not fit a document of type household in grid" },
    { "wang", 'A', "PUT", "spaceship:f24", "{\"type\": \"spaceship\", \"grid\": \"{A}\"}", "holds no spaceship documents" },
    { "wang", 'A', "PUT", "note:f25", "{\"grid\": \"{A}\"}", "holds no undefined documents" },
    { "wang", 'A', "PUT", "worker:f26", "{\"type\": \"worker\", \"grid\": \"{A}\"}", "holds no worker documents" },
    { "li", 'A', "PUT", "grid:{B}", "{\"type\": \"grid\", \"code\": \"{B}\", \"name\": \"x\"}", "does not fit a document of type grid" },
    /* Grids and databases */
    { "wang", 'A', "PUT", "incident:f28", "{\"type\": \"incident\", \"grid\": \"{B}\", \"reporter\": \"wang\"}", "the document says grid " OTHER },
    { "wang", 'A', "PUT", "incident:f29", "{\"type\": \"incident\", \"reporter\": \"wang\"}", "the document says grid undefined" },
    { "sun", 'B', "PUT", "route:{B}-R90", "{\"type\": \"route\", \"grid\": \"{A}\"}", "This database is grid " OTHER "'s" },
    { "sun", 'B', "PUT", "incident:f31", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"sun\"}", "This database is grid " OTHER "'s" },
    { "sun", 'B', "PUT", "route:{B}-R91", "{\"type\": \"route\", \"grid\": \"{B}\"}", "Only the grid centre and grid leaders change patrol routes" },
    { "wang", 'B', "PUT", "incident:f33", "{\"type\": \"incident\", \"grid\": \"{B}\", \"reporter\": \"wang\"}", "You have no role in grid " OTHER "|not authorized" },
    { "qian", 'A', "PUT", "incident:f34", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"qian\"}", "You have no role in grid " GRID "|not authorized" },
    /* What a document names */
    { "wang", 'A', "PUT", "incident:f35", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"building\": \"building:{B}-01\"}", "must name a building of grid" },
    { "wang", 'A', "PUT", "incident:f36", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"household\": \"household:{B}-01-1-101\"}", "must name a household of grid" },
    { "wang", 'A', "PUT", "visit:f37", "{\"type\": \"visit\", \"grid\": \"{A}\", \"worker\": \"wang\", \"household\": \"building:{A}-01\"}", "must name a household of grid" },
    { "wang", 'A', "PUT", "household:{A}-90-1-101", "{\"type\": \"household\", \"grid\": \"{A}\", \"building\": \"building:{B}-01\"}", "must name a building of grid" },
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-f00000000039", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z2\", \"actor\": \"wang\", \"role\": \"worker\", \"action\": \"comment\"}", "belongs to the incident its id names" },
    { "wang", 'A', "PUT", "patrol:f40", "{\"type\": \"patrol\", \"grid\": \"{A}\", \"worker\": \"wang\", \"route\": \"route:{B}-R1\"}", "must name a route of grid" },
    { "li", 'A', "PUT", "route:{A}-R92", "{\"type\": \"route\", \"grid\": \"{A}\", \"checkpoints\": [{\"building\": \"building:{B}-01\"}]}", "A checkpoint must name a building of grid" },
    /* Sizes */
    { "wang", 'A', "PUT", "incident:f42", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"description\": \"{BIG}\"}", "may be at most 64 KB" },
    { "wang", 'A', "PUT", "household:{A}-01-9-901", "{\"type\": \"household\", \"grid\": \"{A}\", \"note\": \"{BIG}\"}", "may be at most 64 KB" },
    { "li", 'A', "PUT", "route:{A}-R93", "{\"type\": \"route\", \"grid\": \"{A}\", \"description\": \"{HUGE}\"}", "may be at most 1024 KB" },
    { "wang", 'A', "PUT", "incident:f45", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"_attachments\": { {ATTS} }}", "at most 32 attachments" },
    /* Thumbnails inside their photos' entries: base64, not too long, and
     * counted with the attachments. */
    { "wang", 'A', "PUT", "incident:f46", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"photos\": [{\"name\": \"photo-1.jpg\", \"thumbnail\": \"thumb-1.jpg\", \"thumbnail_data\": \"not base64!\"}]}", "A thumbnail must be base64 of at most 128 KB" },
    { "wang", 'A', "PUT", "incident:f47", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"photos\": [{\"name\": \"photo-1.jpg\", \"thumbnail\": \"thumb-1.jpg\", \"thumbnail_data\": \"{HUGE}\"}]}", "A thumbnail must be base64 of at most 128 KB" },
    { "wang", 'A', "PUT", "incident:f48", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"photos\": [{\"name\": \"photo-1.jpg\", \"thumbnail\": \"thumb-1.jpg\", \"thumbnail_data\": 42}]}", "A thumbnail must be base64 of at most 128 KB" },
    { "wang", 'A', "PUT", "incident:f49", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"photos\": [{THUMBS33}]}", "at most 32 attachments" },
    /* What is written stays written */
    { "wang", 'A', "PUT", "event:z1:00000000-0000-4000-8000-a00000000001", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"wang\", \"role\": \"worker\", \"action\": \"comment\", \"note\": \"changed\"}", "never changed once written" },
    { "li", 'A', "DELETE", "event:z1:00000000-0000-4000-8000-a00000000001", NULL, "never changed once written" },
    { "wang", 'A', "DELETE", "incident:ok2", NULL, "voided with a step, not deleted" },
    { "wang", 'A', "PUT", "incident:ok3", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\"}", "Only zhao changes this report" },
    { "zhao", 'A', "PUT", "incident:ok3", "{\"type\": \"visit\", \"grid\": \"{A}\", \"worker\": \"zhao\"}", "does not fit a document of type visit" },
  };
  g_autoptr(GpCouch) admin = gp_test_pouchdb_login (fixture->server, GP_TEST_POUCHDB_ADMIN,
                                                    GP_TEST_POUCHDB_ADMIN_PASSWORD);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(GpCouch) nobody = gp_couch_new (gp_test_pouchdb_get_url (fixture->server), FALSE, NULL);
  g_autofree char *other_db = gp_replication_database_name (OTHER);
  g_autoptr(GError) error = NULL;
  const char *names[] = { "wang", "zhao", "li", "sun", "qian" };
  const char *allowed[][3] = {
    /* user, id, json: what may be written, so that the refusals are the rules' */
    { "wang", "event:z1:00000000-0000-4000-8000-a00000000001", "{\"type\": \"event\", \"grid\": \"{A}\", \"incident\": \"incident:z1\", \"actor\": \"wang\", \"role\": \"worker\", \"action\": \"comment\"}" },
    { "wang", "incident:ok2", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"building\": \"building:{A}-01\"}" },
    { "zhao", "incident:ok3", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"zhao\"}" },
    /* 4 thumbnails of 30 KB inside: over 64 KB with them, not without. */
    { "wang", "incident:ok4", "{\"type\": \"incident\", \"grid\": \"{A}\", \"reporter\": \"wang\", \"photos\": [{THUMBS4}]}" },
  };
  guint count_a, count_b;
  g_autofree char *snapshot_a = NULL;
  g_autoptr(GpEvent) sealed = NULL;
  g_autofree char *sealed_path = NULL;

  /* sun leads A and works in B; qian works in B. */
  {
    GpCentreUser a_users[] = { { "sun", "sun-pw", "leader" } };
    GpCentreUser b_users[] = { { "sun", "sun-pw", "worker" }, { "qian", "qian-pw", "worker" } };
    g_auto(GpCentreSetup) a = { 0 };
    g_auto(GpCentreSetup) b = { 0 };

    g_assert_true (gp_centre_setup (admin, GRID, a_users, 1, NULL, GP_CENTRE_SETUP_TEST_SERVER, &a, NULL, &error));
    g_assert_true (gp_centre_setup (admin, OTHER, b_users, 2, NULL, GP_CENTRE_SETUP_TEST_SERVER, &b, NULL, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *password = g_strconcat (names[i], "-pw", NULL);
      GpCouch *couch = gp_test_pouchdb_login (fixture->server, names[i], password);

      gp_couch_set_retries (couch, 0, 0);
      g_hash_table_insert (users, (gpointer) names[i], couch);
    }
  gp_couch_set_retries (nobody, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      g_autofree char *id = expand (allowed[i][1]);
      g_autofree char *json = expand (allowed[i][2]);
      g_autofree char *escaped = gp_couch_escape_id (id);
      g_autofree char *path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
      g_autoptr(JsonNode) body = json_from_string (json, NULL);
      g_autoptr(JsonNode) reply = gp_couch_request (g_hash_table_lookup (users, allowed[i][0]), "PUT", path, body,
                                                    NULL, NULL, &error);

      g_assert_no_error (error);
    }
  /* A step sealed on the phone — its id the hash of its content, written
   * with non-ASCII text, quotes, a line break, a position and a photo —
   * passes the centre's own hash of it, with the photo's thumbnail inside
   * as it travels. */
  {
    g_autoptr(GpEvent) draft = gp_event_new ("incident:z1");
    g_autoptr(GDateTime) at = gp_clock_new_now_utc ();
    g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { 108.9402, 34.2586 });
    g_autoptr(JsonObject) json = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autofree char *escaped = NULL;

    g_object_set (draft, "grid", GRID, "action", GP_ACTION_COMMENT, "actor", "wang", "role", GP_ROLE_WORKER,
                  "at", at, "note", "已通知物业 “三号楼”\n\t明早复查 \\ 1e21", NULL);
    gp_document_set_geometry (GP_DOCUMENT (draft), point);
    {
      g_autoptr(JsonArray) photos = json_array_new ();
      JsonObject *photo = json_object_new ();

      json_object_set_string_member (photo, "name", "photo-1.jpg");
      json_object_set_string_member (photo, "thumbnail", "thumb-1.jpg");
      json_object_set_string_member (photo, "thumbnail_digest", "md5-AAAAAAAAAAAAAAAAAAAAAA==");
      json_array_add_object_element (photos, photo);
      gp_document_set_member (GP_DOCUMENT (draft), "photos", json_node_init_array (json_node_alloc (), photos));
    }
    sealed = gp_event_seal (draft, 3);
    g_assert_true (gp_document_validate (GP_DOCUMENT (sealed), &error));
    json = gp_document_to_json (GP_DOCUMENT (sealed));
    json_object_set_string_member (json_array_get_object_element (gp_json_get_array (json, "photos"), 0),
                                   "thumbnail_data", "/9j/4AAQ");
    node = json_node_init_object (json_node_alloc (), json);
    escaped = gp_couch_escape_id (gp_document_get_id (GP_DOCUMENT (sealed)));
    sealed_path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
    reply = gp_couch_request (g_hash_table_lookup (users, "wang"), "PUT", sealed_path, node, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  count_a = doc_count (admin, fixture->database);
  count_b = doc_count (admin, other_db);
  {
    g_autofree char *path = g_strconcat ("/", fixture->database, "/_all_docs?include_docs=true", NULL);
    g_autoptr(JsonNode) all = gp_couch_request (admin, "GET", path, NULL, NULL, NULL, &error);

    snapshot_a = gp_json_node_to_string (all, FALSE);
  }

  for (guint i = 0; i < G_N_ELEMENTS (forgeries); i++)
    {
      const Forgery *f = &forgeries[i];
      GpCouch *couch = f->user ? g_hash_table_lookup (users, f->user) : nobody;
      const char *database = f->db == 'A' ? fixture->database : other_db;
      g_autofree char *id = expand (f->id);
      g_autofree char *escaped = gp_couch_escape_id (id);
      g_autofree char *path = g_strconcat ("/", database, "/", escaped, NULL);
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(GError) refusal = NULL;

      if (g_str_equal (f->method, "DELETE"))
        {
          g_autoptr(JsonNode) current = gp_couch_request (admin, "GET", path, NULL, NULL, NULL, &error);
          g_autofree char *escaped_rev = NULL;
          g_autofree char *delete_path = NULL;

          g_assert_no_error (error);
          escaped_rev = g_uri_escape_string (gp_json_get_string (json_node_get_object (current), "_rev"), NULL, FALSE);
          delete_path = g_strconcat (path, "?rev=", escaped_rev, NULL);
          reply = gp_couch_request (couch, "DELETE", delete_path, NULL, NULL, NULL, &refusal);
        }
      else
        {
          g_autofree char *json = expand (f->json);
          g_autoptr(JsonNode) body = json_from_string (json, NULL);
          g_autoptr(JsonNode) current = gp_couch_request (admin, "GET", path, NULL, NULL, NULL, NULL);

          g_assert_nonnull (body);
          /* An edit names the revision it edits. */
          if (current != NULL)
            json_object_set_string_member (json_node_get_object (body), "_rev",
                                           gp_json_get_string (json_node_get_object (current), "_rev"));
          reply = gp_couch_request (couch, "PUT", path, body, NULL, NULL, &refusal);
        }
      g_test_message ("%u %s %s %s: %s", i + 1, f->user ? f->user : "nobody", f->method, id,
                      refusal ? refusal->message : "(written)");
      g_assert_null (reply);
      g_assert_nonnull (refusal);
      g_assert_true (g_error_matches (refusal, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN) ||
                     g_error_matches (refusal, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED));
      if (!says_one_of (refusal->message, f->says))
        g_error ("forgery %u: “%s” does not say “%s”", i + 1, refusal->message, f->says);
    }
  g_assert_cmpuint (G_N_ELEMENTS (forgeries), >=, 40);

  /* The sealed step with other content, as a new write under its id on a
   * database that does not have it: the rules see no earlier step, only
   * content that does not hash to its id. */
  {
    g_autoptr(JsonObject) json = gp_document_to_json (GP_DOCUMENT (sealed));
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) refusal = NULL;
    g_autofree char *escaped = gp_couch_escape_id (gp_document_get_id (GP_DOCUMENT (sealed)));
    g_autofree char *path = g_strconcat ("/", other_db, "/", escaped, NULL);
    g_autoptr(GpCouch) sun = gp_test_pouchdb_login (fixture->server, "sun", "sun-pw");

    json_object_set_string_member (json, "grid", OTHER);
    json_object_set_string_member (json, "actor", "sun");
    node = json_node_init_object (json_node_alloc (), json);
    reply = gp_couch_request (sun, "PUT", path, node, NULL, NULL, &refusal);
    g_assert_null (reply);
    g_test_message ("rewritten step: %s", refusal->message);
    g_assert_nonnull (strstr (refusal->message, "does not match its content"));
  }
  /* A step in the new form without its place, or under a made-up id. */
  {
    g_autoptr(JsonNode) body = json_from_string ("{\"type\": \"event\", \"grid\": \"" GRID "\", \"incident\": "
                                                 "\"incident:z1\", \"actor\": \"wang\", \"role\": \"worker\", "
                                                 "\"action\": \"comment\"}", NULL);
    g_autofree char *path = g_strconcat ("/", fixture->database, "/event%3Az1%3Amine", NULL);
    g_autoptr(JsonNode) reply = gp_couch_request (g_hash_table_lookup (users, "wang"), "PUT", path, body, NULL,
                                                  NULL, &error);

    g_assert_null (reply);
    g_assert_nonnull (strstr (error->message, "must say its place in the case"));
    g_clear_error (&error);
  }

  /* Nothing of them stored, nothing stored changed. */
  g_assert_cmpuint (doc_count (admin, fixture->database), ==, count_a);
  g_assert_cmpuint (doc_count (admin, other_db), ==, count_b);
  {
    g_autofree char *path = g_strconcat ("/", fixture->database, "/_all_docs?include_docs=true", NULL);
    g_autoptr(JsonNode) all = gp_couch_request (admin, "GET", path, NULL, NULL, NULL, &error);
    g_autofree char *after = gp_json_node_to_string (all, FALSE);

    g_assert_cmpstr (after, ==, snapshot_a);
  }
}

/* A report and a handling step with a photo taken in as the app does, by
 * wang, on @store. Returns the step's id. */
static char *
report_and_step_with_photos (GpStore *store,
                             char   **incident_id)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GpEvent) draft = NULL;
  g_autoptr(GpEvent) sealed = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GError) error = NULL;
  static int taken;

  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", now, "description", "暴露垃圾", "building", "building:610103003003-01", NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (1000 + taken++, 750);
      g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
      g_autoptr(GpPhoto) photo = gp_photo_process (jpeg, NULL, &error);

      g_assert_no_error (error);
      if (i == 0)
        gp_casework_add_photo (GP_DOCUMENT (incident), photo);
      else
        {
          draft = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));
          g_object_set (draft, "grid", GRID, "action", GP_ACTION_COMMENT, "actor", "wang", "role", GP_ROLE_WORKER,
                        "at", now, "note", "清运前", NULL);
          gp_casework_add_photo (GP_DOCUMENT (draft), photo);
        }
    }
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  sealed = gp_event_seal (draft, 1);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (sealed), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  *incident_id = g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));
  return g_strdup (gp_document_get_id (GP_DOCUMENT (sealed)));
}

/* Whether the centre keeps the thumbnail of @id's photo inside it (and
 * not as an attachment). */
static gboolean
thumbnail_inside (Fixture    *fixture,
                  GpCouch    *admin,
                  const char *id)
{
  g_autofree char *escaped = gp_couch_escape_id (id);
  g_autofree char *path = g_strconcat ("/", fixture->database, "/", escaped, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) doc = gp_couch_request (admin, "GET", path, NULL, NULL, NULL, &error);
  JsonObject *entry;
  gboolean as_attachment;

  g_assert_no_error (error);
  entry = json_array_get_object_element (gp_json_get_array (json_node_get_object (doc), "photos"), 0);
  as_attachment = gp_json_get_object (gp_json_get_object (json_node_get_object (doc), "_attachments"),
                                      "thumb-1.jpg") != NULL;
  g_assert_true (as_attachment != (gp_json_get_string (entry, "thumbnail_data") != NULL));
  return !as_attachment;
}

/* To the centre this version sets up, a report's and a step's thumbnails
 * go inside them, and its rules take them (a step's id is the hash of its
 * content without them); to a centre whose rules are older, without the
 * version in their design document, they go as attachments, as they did,
 * and are taken too. The leader's phone receives the same documents
 * either way. */
static void
test_thumbnails_and_rules (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GpCouch) wang = gp_test_pouchdb_login (fixture->server, "wang", "wang-pw");
  g_autoptr(GpCouch) li = gp_test_pouchdb_login (fixture->server, "li", "li-pw");
  g_autoptr(GpCouch) admin = gp_test_pouchdb_login (fixture->server, GP_TEST_POUCHDB_ADMIN,
                                                    GP_TEST_POUCHDB_ADMIN_PASSWORD);
  g_autofree char *design_path = g_strconcat ("/", fixture->database, "/" GP_CENTRE_DESIGN_ID, NULL);
  g_autoptr(GError) error = NULL;
  GpReplicationStats sent = { 0 }, received = { 0 };

  sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
  gp_replication_stats_clear (&sent);
  gp_replication_stats_clear (&received);

  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *incident = NULL;
      g_autofree char *step_id = report_and_step_with_photos (fixture->worker, &incident);
      const char *ids[] = { incident, step_id };

      /* The second round: the rules as versions before this one set
       * them up, without "gridpatrol_rules". */
      if (round == 1)
        {
          g_autoptr(JsonNode) design = gp_couch_request (admin, "GET", design_path, NULL, NULL, NULL, &error);
          g_autoptr(JsonNode) reply = NULL;

          g_assert_no_error (error);
          g_assert_true (json_object_has_member (json_node_get_object (design), "gridpatrol_rules"));
          json_object_remove_member (json_node_get_object (design), "gridpatrol_rules");
          reply = gp_couch_request (admin, "PUT", design_path, design, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      sync_both_ways (fixture, fixture->worker, wang, &sent, &received);
      g_assert_cmpuint (sent.revisions_written, ==, 2);
      g_assert_true (sent.refused == NULL || sent.refused->len == 0);
      gp_replication_stats_clear (&sent);
      gp_replication_stats_clear (&received);
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        g_assert_true (thumbnail_inside (fixture, admin, ids[i]) == (round == 0));

      sync_both_ways (fixture, fixture->leader, li, &sent, &received);
      g_assert_true (received.skipped == NULL || received.skipped->len == 0);
      gp_replication_stats_clear (&sent);
      gp_replication_stats_clear (&received);
      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        {
          g_autoptr(JsonObject) x = gp_store_get (fixture->worker, ids[i], GP_STORE_GET_REVISIONS, NULL);
          g_autoptr(JsonObject) y = gp_store_get (fixture->leader, ids[i], GP_STORE_GET_REVISIONS, NULL);
          g_autoptr(JsonNode) xn = json_node_init_object (json_node_alloc (), x);
          g_autoptr(JsonNode) yn = json_node_init_object (json_node_alloc (), y);

          g_assert_true (json_node_equal (xn, yn));
          g_assert_true (gp_store_has_blob (fixture->leader,
                                            gp_json_get_string (gp_json_get_object (gp_json_get_object (y, "_attachments"),
                                                                                    "thumb-1.jpg"), "digest")));
        }
    }
}

/* The phones and the centre's JavaScript write a step's content the same
 * way, byte for byte, or no sealed step would pass the rules: 3,000
 * doubles of every magnitude and every special string character, written
 * by GridPatrol and by JSON.stringify() in Node. */
static void
test_canonical_json (void)
{
  g_autofree char *node_path = g_find_program_in_path ("node");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GSubprocess) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *script =
    "let s = require('fs').readFileSync(0, 'utf8').split('\\n'); let out = [];"
    "for (const line of s) { if (!line) continue;"
    "  if (line[0] === 'd') { const b = Buffer.from(line.slice(1), 'hex'); out.push(JSON.stringify(b.readDoubleBE(0))); }"
    "  else out.push(JSON.stringify(Buffer.from(line.slice(1), 'hex').toString('utf8'))); }"
    "process.stdout.write(out.join('\\n') + '\\n');";
  const char *strings[] = { "", "plain", "quote \" and \\ backslash", "\n\r\t\b\f", "\x01\x1f\x7f", "已通知物业",
                            "“三号楼”", "emoji 🚒", "\xe2\x80\xa8 line separator" };
  const double fixed[] = { 0, -0.0, 1, -1, 0.1, 0.2, 0.3, 1e21, 1e-7, 123456789012345678.0, 5e-324,
                           1.7976931348623157e308, 108.9402, 34.2586, 1e-6, 9.999999e20, 0.000001234, 100, 1e20 };

  g_assert_nonnull (node_path);
  for (guint i = 0; i < 3000 + G_N_ELEMENTS (fixed); i++)
    {
      double value;
      guint64 bits;
      g_autoptr(JsonNode) json = json_node_init_double (json_node_alloc (), 0);
      g_autofree char *mine = NULL;

      if (i < G_N_ELEMENTS (fixed))
        value = fixed[i];
      else if (i % 3 == 0)
        value = g_rand_double_range (rand, -180, 180);
      else if (i % 3 == 1)
        value = ldexp (g_rand_double (rand), g_rand_int_range (rand, -1070, 1020)) * (g_rand_boolean (rand) ? 1 : -1);
      else
        value = (double) g_rand_int_range (rand, -100000, 100000) / pow (10, g_rand_int_range (rand, 0, 9));
      memcpy (&bits, &value, sizeof bits);
      g_string_append_printf (input, "d%016" G_GINT64_MODIFIER "x\n", bits);
      json_node_set_double (json, value);
      mine = gp_json_canonical_string (json);
      g_string_append_printf (expected, "%s\n", mine);
    }
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autoptr(JsonNode) json = json_node_init_string (json_node_alloc (), strings[i]);
      g_autofree char *mine = gp_json_canonical_string (json);

      g_string_append_c (input, 's');
      for (const char *c = strings[i]; *c; c++)
        g_string_append_printf (input, "%02x", (guchar) *c);
      g_string_append_c (input, '\n');
      g_string_append_printf (expected, "%s\n", mine);
    }

  node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           node_path, "-e", script, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (node, input->str, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  {
    g_auto(GStrv) theirs = g_strsplit (out, "\n", -1);
    g_auto(GStrv) ours = g_strsplit (expected->str, "\n", -1);

    g_assert_cmpuint (g_strv_length (theirs), ==, g_strv_length (ours));
    for (guint i = 0; ours[i] != NULL; i++)
      if (g_strcmp0 (ours[i], theirs[i]) != 0)
        g_error ("value %u: GridPatrol writes %s, JavaScript %s", i, ours[i], theirs[i]);
  }
}

/* `centre setup` puts residents' data only where it is protected: PouchDB
 * Server lets anyone read through _bulk_get and _find and lets a new
 * user give themselves any role, so it is refused — nothing left behind —
 * unless the administrator says it is a test server, and then warned
 * about. Passwords never go on the command line. */
static void
test_setup_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *password = g_build_filename (fixture->centre_dir, "admin-password", NULL);
  g_autofree char *passwords = g_build_filename (fixture->centre_dir, "passwords", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  const char *other = "610103003099";
  g_autoptr(GpCouch) admin = gp_test_pouchdb_login (fixture->server, GP_TEST_POUCHDB_ADMIN,
                                                    GP_TEST_POUCHDB_ADMIN_PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  /* Not a real centre: refused, the database it made removed again. */
  out = gp_test_ctl (1, &err, "--data-dir", fixture->centre_dir, "centre", "setup",
                     "--server", gp_test_pouchdb_get_url (fixture->server), "--admin", GP_TEST_POUCHDB_ADMIN,
                     "--admin-password-file", password, "--grid", other, "--worker", "wang",
                     "--passwords-file", passwords, "--from-data-dir", NULL);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "PouchDB Server"));
  g_assert_nonnull (strstr (err, "_bulk_get"));
  g_assert_nonnull (strstr (err, "_find"));
  g_assert_nonnull (strstr (err, "give themselves the grid centre’s role"));
  g_assert_nonnull (strstr (err, "--test-server"));
  reply = gp_couch_request (admin, "GET", "/gridpatrol-610103003099", NULL, NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The probe's own account is gone too. */
  reply = gp_couch_request (admin, "GET", "/_users/_all_docs", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *json = gp_json_node_to_string (reply, FALSE);

    g_assert_null (strstr (json, "gridpatrol-probe-"));
  }
  g_clear_pointer (&reply, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A password on the command line is refused before anything is done. */
  out = gp_test_ctl (2, &err, "--data-dir", fixture->centre_dir, "centre", "setup",
                     "--server", gp_test_pouchdb_get_url (fixture->server), "--admin", GP_TEST_POUCHDB_ADMIN,
                     "--admin-password-file", password, "--grid", other, "--worker", "wang:wang-pw",
                     "--test-server", NULL);
  g_assert_nonnull (strstr (err, "passwords do not go on the command line"));
  g_assert_null (strstr (err, "wang-pw"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A test server, with the passwords on standard input: set up, and
   * warned about. */
  {
    g_autoptr(GPtrArray) argv = gp_test_ctl_argv ();
    g_autoptr(GSubprocess) ctl = NULL;
    g_autofree char *url = g_strdup (gp_test_pouchdb_get_url (fixture->server));
    const char *args[] = { "--data-dir", fixture->centre_dir, "centre", "setup", "--server", url,
                           "--admin", GP_TEST_POUCHDB_ADMIN, "--admin-password-file", password, "--grid", other,
                           "--leader", "sun", "--passwords-file", "-", "--test-server", NULL };
    g_autoptr(GpCouch) sun = NULL;

    for (guint i = 0; args[i] != NULL; i++)
      g_ptr_array_add (argv, (gpointer) args[i]);
    g_ptr_array_add (argv, NULL);
    ctl = g_subprocess_newv ((const char * const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (ctl, "sun:sun-pw\n", NULL, &out, &err, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (ctl), ==, 0);
    g_assert_nonnull (strstr (out, "1 user set up"));
    g_assert_nonnull (strstr (err, "warning: on this test server (PouchDB Server"));
    g_assert_nonnull (strstr (err, "_bulk_get"));
    sun = gp_test_pouchdb_login (fixture->server, "sun", "sun-pw");
    g_assert_nonnull (sun);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/sync/centre/canonical-json", test_canonical_json);
  g_test_add ("/sync/centre/rules", Fixture, NULL, fixture_set_up, test_rules, fixture_tear_down);
  g_test_add ("/sync/centre/forged-writes", Fixture, NULL, fixture_set_up, test_forged_writes, fixture_tear_down);
  g_test_add ("/sync/centre/thumbnails-and-rules", Fixture, NULL, fixture_set_up, test_thumbnails_and_rules,
              fixture_tear_down);
  g_test_add ("/sync/centre/setup-refused", Fixture, NULL, fixture_set_up, test_setup_refused, fixture_tear_down);

  return g_test_run ();
}
