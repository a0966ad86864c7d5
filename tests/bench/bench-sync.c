/* bench-sync.c — what sync costs, against a real PouchDB Server on this
 * machine, with PouchDB's own replicator as the reference:
 *
 * - push and pull of 2,000 incidents with 8,000 events and 2,000 photos
 *   of about 250 KB;
 * - bytes sent and received against the payload;
 * - the flushes to disk (fsync, fdatasync, syncfs) of the pull, counted
 *   by wrapping those calls in this program, SQLite's included;
 * - requests and time of a sync with no change right after the pull;
 * - requests and time of a sync with no change, and with one new
 *   incident, on a database of 100,000 documents;
 * - push and pull through an emulated mobile link (gp-test-link.c), 4G-like
 *   and poor, the app and PouchDB's replicator through the same link in
 *   the same run, and the app's pull to usable (photos on demand: the
 *   documents and thumbnails) against PouchDB's full pull:
 *   GP_BENCH_LINK_ROUNDS rounds (default 1), each row's ratios with their
 *   spread. The link's incidents carry a photo and its thumbnail, as the
 *   app takes them.
 *
 * Run with `build-aux/dev bench`; numbers go in README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* syncfs, RTLD_NEXT */
#include "config.h"

#include "gp-attachment.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-test-link.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define GRID        GP_DEMO_GRID_CODE
#define PHOTO_BYTES (250 * 1024)
/* The grid's own database: a pull takes in only the documents of its grid. */
#define BENCH_DB    "gridpatrol-" GRID

/* Every flush to disk of this process, the store's and SQLite's: these
 * definitions come before the C library's. */
static gint flushes[3];

#define WRAP_FLUSH(call, n)                                               \
  int call (int fd)                                                       \
  {                                                                       \
    static int (*real) (int);                                             \
                                                                          \
    if (real == NULL)                                                     \
      real = (int (*) (int)) dlsym (RTLD_NEXT, #call);                    \
    g_atomic_int_inc (&flushes[n]);                                       \
    return real (fd);                                                     \
  }

WRAP_FLUSH (fsync, 0)
WRAP_FLUSH (fdatasync, 1)
WRAP_FLUSH (syncfs, 2)

#define THUMB_BYTES (16 * 1024)

typedef enum
{
  NO_PHOTO,
  PHOTO,            /* a photo attached */
  PHOTO_AS_TAKEN,   /* a photo and its thumbnail, described in "photos", as the app takes them */
} Photos;

/* @n incidents, each with @events steps and, unless NO_PHOTO, a photo. */
static guint64
add_incidents (GpStore  *store,
               guint     n,
               guint     events,
               Photos    photos,
               GRand    *rand)
{
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  const char *actions[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH, GP_ACTION_ACCEPT, GP_ACTION_START };
  guint64 payload = 0;

  for (guint i = 0; i < n; i += 100)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint j = i; j < MIN (n, i + 100); j++)
        {
          GpIncident *incident = gp_incident_new ();
          g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { 108.94 + j * 1e-6, 34.258 });

          g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                        "reported-at", now, "description", "暴露垃圾", NULL);
          gp_document_set_geometry (GP_DOCUMENT (incident), point);
          if (photos != NO_PHOTO)
            {
              guint8 *bytes = g_malloc (PHOTO_BYTES);
              g_autoptr(GBytes) data = NULL;
              g_autoptr(GpAttachment) photo = NULL;

              for (guint k = 0; k < PHOTO_BYTES / 4; k++)
                ((guint32 *) bytes)[k] = g_rand_int (rand);
              data = g_bytes_new_take (bytes, PHOTO_BYTES);
              photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", data);
              gp_document_add_attachment (GP_DOCUMENT (incident), photo);
              payload += PHOTO_BYTES;
            }
          if (photos == PHOTO_AS_TAKEN)
            {
              guint8 *bytes = g_malloc (THUMB_BYTES);
              g_autoptr(GBytes) data = NULL;
              g_autoptr(GpAttachment) thumb = NULL;
              g_autoptr(JsonNode) described = json_node_init_array (json_node_alloc (), json_array_new ());
              JsonObject *entry = json_object_new ();

              for (guint k = 0; k < THUMB_BYTES / 4; k++)
                ((guint32 *) bytes)[k] = g_rand_int (rand);
              data = g_bytes_new_take (bytes, THUMB_BYTES);
              thumb = gp_attachment_new ("thumb-1.jpg", "image/jpeg", data);
              gp_document_add_attachment (GP_DOCUMENT (incident), thumb);
              json_object_set_string_member (entry, "name", "photo-1.jpg");
              json_object_set_string_member (entry, "digest",
                                             gp_document_get_attachment (GP_DOCUMENT (incident), "photo-1.jpg")->digest);
              json_object_set_string_member (entry, "thumbnail", "thumb-1.jpg");
              json_object_set_string_member (entry, "thumbnail_digest", thumb->digest);
              json_array_add_object_element (json_node_get_array (described), entry);
              gp_document_set_member (GP_DOCUMENT (incident), "photos", described);
              payload += THUMB_BYTES;
            }
          g_ptr_array_add (batch, incident);
          for (guint e = 0; e < events; e++)
            {
              GpEvent *event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));

              g_object_set (event, "grid", GRID, "action", actions[e % G_N_ELEMENTS (actions)], "actor", "li",
                            "role", GP_ROLE_LEADER, "at", now, "level", "B", "target", "市政养护所", NULL);
              g_ptr_array_add (batch, event);
            }
        }
      g_assert_true (gp_documents_save_all (store, batch, GP_STORE_PUT_NONE, &error));
      g_assert_no_error (error);
    }
  return payload;
}

static void
create_database (GpTestPouchdb *server,
                 const char    *name)
{
  g_autofree char *path = g_strconcat ("/", name, NULL);
  g_autoptr(JsonNode) reply = gp_test_pouchdb_admin (server, "PUT", path, NULL);
}

/* Gone, if it was there. */
static void
drop_database (GpTestPouchdb *server,
               const char    *name)
{
  g_autofree char *path = g_strconcat ("/", name, NULL);
  g_autoptr(JsonNode) reply = gp_couch_request (gp_test_pouchdb_get_admin (server), "DELETE", path, NULL, NULL,
                                                NULL, NULL);
}

typedef struct
{
  double  seconds;
  guint   requests;
  guint   connections;
  guint64 sent;
  guint64 received;
} Cost;

static Cost
replicate_with (GpStore                *store,
                GpCouch                *couch,
                const char             *database,
                GpReplicationDirection  direction,
                GpReplicationFlags      flags,
                GpReplicationStats     *stats)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) error = NULL;
  guint requests = gp_couch_get_n_requests (couch);
  guint connections = gp_couch_get_n_connections (couch);
  guint64 sent = gp_couch_get_bytes_sent (couch), received = gp_couch_get_bytes_received (couch);
  Cost cost;

  g_assert_true (gp_replicate (store, couch, database, direction, flags, stats, NULL, &error));
  g_assert_no_error (error);
  cost.seconds = g_timer_elapsed (timer, NULL);
  cost.requests = gp_couch_get_n_requests (couch) - requests;
  cost.connections = gp_couch_get_n_connections (couch) - connections;
  cost.sent = gp_couch_get_bytes_sent (couch) - sent;
  cost.received = gp_couch_get_bytes_received (couch) - received;
  return cost;
}

static Cost
replicate (GpStore                *store,
           GpCouch                *couch,
           const char             *database,
           GpReplicationDirection  direction,
           GpReplicationStats     *stats)
{
  return replicate_with (store, couch, database, direction, GP_REPLICATION_FLAGS_NONE, stats);
}

static double
cpu_seconds (const struct rusage *usage)
{
  return usage->ru_utime.tv_sec + usage->ru_stime.tv_sec + (usage->ru_utime.tv_usec + usage->ru_stime.tv_usec) / 1e6;
}

static void
bench_photos (GpTestPouchdb *server)
{
  g_autofree char *dir_a = gp_test_make_dir ();
  g_autofree char *dir_b = gp_test_make_dir ();
  g_autoptr(GpStore) a = gp_test_open_store (dir_a);
  g_autoptr(GpStore) b = gp_test_open_store (dir_b);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = g_uri_parse (gp_test_pouchdb_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autofree char *url = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *reference = NULL;
  GpCouch *couch = gp_test_pouchdb_get_admin (server);
  GpReplicationStats stats = { 0 };
  guint64 payload;
  Cost push, pull;
  struct rusage before, after;
  double server_cpu;

  create_database (server, BENCH_DB);
  create_database (server, "gridpatrol-bench-copy");
  payload = add_incidents (a, 2000, 4, PHOTO, rand);

  push = replicate (a, couch, BENCH_DB, GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 10000);
  g_print ("push of 2,000 incidents, 8,000 events, 2,000 photos (%.0f MB): %.1f s, %u requests on %u new "
           "connections, %.1f MB sent (%.3f of the photos' bytes), %.2f MB received\n",
           payload / 1e6, push.seconds, push.requests, push.connections, push.sent / 1e6,
           (double) push.sent / payload, push.received / 1e6);
  gp_replication_stats_clear (&stats);

  for (guint i = 0; i < G_N_ELEMENTS (flushes); i++)
    g_atomic_int_set (&flushes[i], 0);
  server_cpu = gp_test_pouchdb_get_cpu_seconds (server);
  getrusage (RUSAGE_SELF, &before);
  pull = replicate (b, couch, BENCH_DB, GP_REPLICATION_PULL, &stats);
  getrusage (RUSAGE_SELF, &after);
  server_cpu = gp_test_pouchdb_get_cpu_seconds (server) - server_cpu;
  g_assert_cmpuint (stats.revisions_written, ==, 10000);
  g_assert_cmpuint (stats.attachments, ==, 2000);
  g_print ("pull of the same into an empty store: %.1f s, %u requests on %u new connections, %.2f MB sent, "
           "%.1f MB received (%.3f of the photos' bytes), %d flushes to disk (fsync %d, fdatasync %d, syncfs %d) "
           "in %u batches written in %u transactions (%.2f flushes a batch)\n",
           pull.seconds, pull.requests, pull.connections, pull.sent / 1e6, pull.received / 1e6,
           (double) pull.received / payload, flushes[0] + flushes[1] + flushes[2], flushes[0], flushes[1],
           flushes[2], stats.batches, stats.writes,
           (double) (flushes[0] + flushes[1] + flushes[2]) / MAX (stats.batches, 1));
  g_print ("processor time during that pull: the server %.1f s (busy %.0f %% of the pull), the app %.1f s (all "
           "its threads)\n",
           server_cpu, 100 * server_cpu / pull.seconds, cpu_seconds (&after) - cpu_seconds (&before));
  gp_replication_stats_clear (&stats);

  /* Right after the pull, a sync with nothing new: the push does not ask
   * about what the pull just wrote. */
  {
    Cost quiet_push, quiet_pull;

    quiet_push = replicate (b, couch, BENCH_DB, GP_REPLICATION_PUSH, &stats);
    g_assert_cmpuint (stats.revisions_written, ==, 0);
    gp_replication_stats_clear (&stats);
    quiet_pull = replicate (b, couch, BENCH_DB, GP_REPLICATION_PULL, &stats);
    g_assert_cmpuint (stats.revisions_written, ==, 0);
    gp_replication_stats_clear (&stats);
    g_print ("sync with no change right after that pull: %u requests (push %u, pull %u), %.0f ms\n",
             quiet_push.requests + quiet_pull.requests, quiet_push.requests, quiet_pull.requests,
             (quiet_push.seconds + quiet_pull.seconds) * 1000);
  }

  url = g_strdup_printf ("http://%s:%s@127.0.0.1:%d/" BENCH_DB, GP_TEST_POUCHDB_ADMIN,
                         GP_TEST_POUCHDB_ADMIN_PASSWORD, g_uri_get_port (base));
  copy = g_strdup_printf ("http://%s:%s@127.0.0.1:%d/gridpatrol-bench-copy", GP_TEST_POUCHDB_ADMIN,
                          GP_TEST_POUCHDB_ADMIN_PASSWORD, g_uri_get_port (base));
  reference = gp_test_run_pouchdb_js ("bench", url, copy);
  g_print ("PouchDB 7.3.1's replicator, the same data: %s", reference);

  g_clear_object (&a);
  g_clear_object (&b);
  gp_test_remove_dir (dir_a);
  gp_test_remove_dir (dir_b);
}

static void
bench_big_database (GpTestPouchdb *server)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GpCouch *couch = gp_test_pouchdb_get_admin (server);
  GpReplicationStats stats = { 0 };
  Cost push, quiet_push, quiet_pull, one_push, one_pull;

  create_database (server, "gridpatrol-bench100k");
  add_incidents (store, 20000, 4, NO_PHOTO, rand);
  push = replicate (store, couch, "gridpatrol-bench100k", GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 100000);
  gp_replication_stats_clear (&stats);
  g_print ("first push of 100,000 documents: %.1f s, %u requests\n", push.seconds, push.requests);
  /* The pull checkpoint catches up once. */
  replicate (store, couch, "gridpatrol-bench100k", GP_REPLICATION_PULL, &stats);
  gp_replication_stats_clear (&stats);

  quiet_push = replicate (store, couch, "gridpatrol-bench100k", GP_REPLICATION_PUSH, &stats);
  gp_replication_stats_clear (&stats);
  quiet_pull = replicate (store, couch, "gridpatrol-bench100k", GP_REPLICATION_PULL, &stats);
  gp_replication_stats_clear (&stats);
  g_print ("sync with no change on 100,000 documents: %u requests, %.0f ms (push %u, pull %u)\n",
           quiet_push.requests + quiet_pull.requests, (quiet_push.seconds + quiet_pull.seconds) * 1000,
           quiet_push.requests, quiet_pull.requests);

  add_incidents (store, 1, 0, NO_PHOTO, rand);
  one_push = replicate (store, couch, "gridpatrol-bench100k", GP_REPLICATION_PUSH, &stats);
  g_assert_cmpuint (stats.revisions_written, ==, 1);
  gp_replication_stats_clear (&stats);
  one_pull = replicate (store, couch, "gridpatrol-bench100k", GP_REPLICATION_PULL, &stats);
  gp_replication_stats_clear (&stats);
  g_print ("sync with one new incident on 100,000 documents: %u requests, %.0f ms\n",
           one_push.requests + one_pull.requests, (one_push.seconds + one_pull.seconds) * 1000);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

/* ---- on a mobile link ---- */

static const GpTestLinkShape links[] = {
  { "4G-like: 5 Mbit/s up, 20 down, 60 ms", 5, 20, 60, 0 },
  { "poor: 1 Mbit/s both ways, 300 ms, 2 % loss", 1, 1, 300, 0.02 },
};

/* Incidents with photos a link carries in minutes: on the 4G-like link,
 * 200 (51 MB of photos); on the poor one, 20 (5 MB). */
static const guint link_incidents[] = { 200, 20 };

static double
seconds_from_json (const char *json,
                   const char *member)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  gint64 ms = -1;

  g_assert_nonnull (object);
  g_assert_true (gp_json_get_int (object, member, &ms));
  return ms / 1000.0;
}

static void
report_ratios (const char *what,
               GArray     *ratios)
{
  double low = G_MAXDOUBLE, high = 0, sum = 0;

  for (guint i = 0; i < ratios->len; i++)
    {
      double r = g_array_index (ratios, double, i);

      low = MIN (low, r);
      high = MAX (high, r);
      sum += r;
    }
  g_print ("  %s: %.2f x PouchDB's (%.2f to %.2f, %u rounds)\n", what, sum / ratios->len, low, high, ratios->len);
}

static void
bench_link (GpTestPouchdb         *server,
            const GpTestLinkShape *shape,
            guint                  incidents,
            guint                  rounds)
{
  g_autoptr(GUri) base = g_uri_parse (gp_test_pouchdb_get_url (server), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GArray) push_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pull_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) usable_ratios = g_array_new (FALSE, FALSE, sizeof (double));

  g_print ("on a %s link, %u incidents with %u events and a photo each:\n", shape->name, incidents, incidents * 4);
  for (guint round = 0; round < rounds; round++)
    {
      GpTestLink *link = gp_test_link_start (g_uri_get_port (base), shape, 100 + round);
      g_autofree char *relay = g_strdup_printf ("http://127.0.0.1:%u", gp_test_link_get_port (link));
      g_autoptr(GRand) rand = g_rand_new_with_seed (11);
      /* A new phone each round, pushing to a new database from the start. */
      g_autofree char *source_dir = gp_test_make_dir ();
      g_autoptr(GpStore) source = gp_test_open_store (source_dir);
      g_autofree char *dir = gp_test_make_dir ();
      g_autoptr(GpStore) store = gp_test_open_store (dir);
      g_autofree char *usable_dir = gp_test_make_dir ();
      g_autoptr(GpStore) usable_store = gp_test_open_store (usable_dir);
      g_autoptr(GpCouch) couch = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *url = NULL;
      g_autofree char *copy = NULL;
      g_autofree char *reference = NULL;
      GpReplicationStats stats = { 0 };
      Cost push, pull, usable;
      double theirs_push, theirs_pull;

      add_incidents (source, incidents, 4, PHOTO_AS_TAKEN, rand);
      drop_database (server, BENCH_DB);
      drop_database (server, "gridpatrol-bench-copy");
      create_database (server, BENCH_DB);
      create_database (server, "gridpatrol-bench-copy");

      couch = gp_couch_new (relay, FALSE, &error);
      g_assert_no_error (error);
      gp_couch_set_timeout (couch, 600);
      gp_couch_set_credentials (couch, GP_TEST_POUCHDB_ADMIN, GP_TEST_POUCHDB_ADMIN_PASSWORD);
      g_assert_true (gp_couch_login (couch, NULL, &error));
      g_assert_no_error (error);

      push = replicate (source, couch, BENCH_DB, GP_REPLICATION_PUSH, &stats);
      g_assert_cmpuint (stats.revisions_written, ==, incidents * 5);
      gp_replication_stats_clear (&stats);
      pull = replicate (store, couch, BENCH_DB, GP_REPLICATION_PULL, &stats);
      g_assert_cmpuint (stats.revisions_written, ==, incidents * 5);
      gp_replication_stats_clear (&stats);
      /* Another phone's first pull, usable once its documents and
       * thumbnails are in: the photos stay at the centre until shown. */
      usable = replicate_with (usable_store, couch, BENCH_DB, GP_REPLICATION_PULL, GP_REPLICATION_PHOTOS_ON_DEMAND,
                               &stats);
      g_assert_cmpuint (stats.revisions_written, ==, incidents * 5);
      g_assert_cmpuint (stats.deferred, ==, incidents);
      gp_replication_stats_clear (&stats);

      url = g_strdup_printf ("http://%s:%s@127.0.0.1:%u/" BENCH_DB, GP_TEST_POUCHDB_ADMIN,
                             GP_TEST_POUCHDB_ADMIN_PASSWORD, gp_test_link_get_port (link));
      copy = g_strdup_printf ("http://%s:%s@127.0.0.1:%u/gridpatrol-bench-copy", GP_TEST_POUCHDB_ADMIN,
                              GP_TEST_POUCHDB_ADMIN_PASSWORD, gp_test_link_get_port (link));
      reference = gp_test_run_pouchdb_js ("bench", url, copy);
      theirs_pull = seconds_from_json (reference, "pull_ms");
      theirs_push = seconds_from_json (reference, "push_ms");
      g_print ("  round %u: push %.1f s (%.1f MB sent), PouchDB %.1f s; pull %.1f s (%.1f MB received), "
               "PouchDB %.1f s; pull to usable %.1f s (%.1f MB received, %u requests)\n",
               round + 1, push.seconds, push.sent / 1e6, theirs_push, pull.seconds, pull.received / 1e6, theirs_pull,
               usable.seconds, usable.received / 1e6, usable.requests);
      g_array_append_val (push_ratios, (double) { push.seconds / theirs_push });
      g_array_append_val (pull_ratios, (double) { pull.seconds / theirs_pull });
      g_array_append_val (usable_ratios, (double) { usable.seconds / theirs_pull });

      g_clear_object (&couch);
      gp_test_link_stop (link);
      g_clear_object (&store);
      gp_test_remove_dir (dir);
      g_clear_object (&usable_store);
      gp_test_remove_dir (usable_dir);
      g_clear_object (&source);
      gp_test_remove_dir (source_dir);
    }
  report_ratios ("push", push_ratios);
  report_ratios ("pull (documents and photos)", pull_ratios);
  report_ratios ("pull to usable (documents and thumbnails), against PouchDB's full pull", usable_ratios);
}

int
main (int   argc,
      char *argv[])
{
  const char *quick = g_getenv ("GP_BENCH_SYNC_QUICK");
  GpTestPouchdb *server;

  g_test_init (&argc, &argv, NULL);
  server = gp_test_pouchdb_start ();
  /* GP_BENCH_SYNC_QUICK=1 leaves out the database of 100,000, =link
   * runs the mobile links only, =loopback the photos on loopback only. */
  if (g_strcmp0 (quick, "link") != 0)
    bench_photos (server);
  if (quick == NULL)
    bench_big_database (server);
  if (g_strcmp0 (quick, "loopback") != 0)
    {
      const char *rounds = g_getenv ("GP_BENCH_LINK_ROUNDS");

      for (guint i = 0; i < G_N_ELEMENTS (links); i++)
        bench_link (server, &links[i], link_incidents[i], rounds ? MAX (1, atoi (rounds)) : 1);
    }
  gp_test_pouchdb_stop (server);
  return 0;
}
