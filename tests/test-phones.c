/* test-phones.c — many phones on one grid centre (a real PouchDB Server).
 *
 * Each phone has the demo grid, its own user and GP_PHONES_REPORTS reports
 * of its own, each with a photo taken in as the app takes them (the photo
 * and its thumbnail). Every phone pushes, side by side with the others;
 * then every phone pulls everyone's reports as the app does: documents and
 * thumbnails, the photos left at the centre until shown. Nothing may be
 * lost or duplicated: the centre holds each report once, every phone holds
 * every report with its thumbnail, no document has conflicting versions,
 * and no sync failed. The thumbnails come inside the reports: a phone's
 * pull makes fewer requests than the others' reports it brings.
 *
 * GP_PHONES phones (20 in the suite); `build-aux/dev bench phones` runs
 * 200 and the README has its numbers: the time of each round and the
 * requests a phone. No time is asserted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/resource.h>

#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-photo.h"
#include "gp-replicator.h"
#include "gp-test-photo.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <stdlib.h>
#include <string.h>

#define GRID      GP_DEMO_GRID_CODE
#define REPORTS   5
#define PARALLEL  8     /* phones syncing at the same moment */

typedef struct
{
  char      *dir;
  GpStore   *store;
  GpCouch   *couch;
  char      *user;
  GPtrArray *reports;   /* char *: its reports' ids */
  guint      requests;  /* of the round */
  double     seconds;
  GError    *error;
  guint      problems;  /* refused, held or skipped in the round */
} Phone;

typedef struct
{
  GpTestPouchdb *server;
  char          *database;
  Phone         *phones;
  guint          n;
  guint          grid_docs;   /* the demo grid's documents */
} Fleet;

/* A report with a photo as the app takes one in; photo @n differs from
 * every other. */
static char *
report (GpStore    *store,
        const char *user,
        guint       n)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (400 + n % 800, 300 + n / 800);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
  g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { 108.9402 + n * 1e-6, 34.2586 });
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPhoto) photo = gp_photo_process (jpeg, NULL, &error);

  g_assert_no_error (error);
  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", user,
                "reported-at", now, "description", "暴露垃圾", NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  gp_casework_add_photo (GP_DOCUMENT (incident), photo);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  return g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));
}

static void
fleet_set_up (Fleet *fleet,
              guint  n)
{
  g_autoptr(GTimer) timer = g_timer_new ();

  fleet->server = gp_test_pouchdb_start ();
  fleet->database = gp_test_pouchdb_add_grid (fleet->server, GRID);
  fleet->n = n;
  fleet->phones = g_new0 (Phone, n);
  for (guint i = 0; i < n; i++)
    {
      Phone *phone = &fleet->phones[i];
      g_autoptr(GError) error = NULL;

      phone->user = g_strdup_printf ("worker%03u", i);
      gp_test_pouchdb_add_user (fleet->server, phone->user, "pw", "grid:" GRID ":worker", NULL);
      phone->dir = gp_test_make_dir ();
      phone->store = gp_test_open_store (phone->dir);
      g_assert_true (gp_demo_install (phone->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
      g_assert_no_error (error);
      if (i == 0)
        {
          g_autoptr(GPtrArray) changes = gp_store_changes (phone->store, 0, 0, &error);

          g_assert_no_error (error);
          fleet->grid_docs = changes->len;
        }
      phone->reports = g_ptr_array_new_with_free_func (g_free);
      for (guint k = 0; k < REPORTS; k++)
        g_ptr_array_add (phone->reports, report (phone->store, phone->user, i * REPORTS + k));
      phone->couch = gp_couch_new (gp_test_pouchdb_get_url (fleet->server), FALSE, &error);
      g_assert_no_error (error);
      gp_couch_set_timeout (phone->couch, 600);
      gp_couch_set_credentials (phone->couch, phone->user, "pw");
    }
  g_test_message ("%u phones set up in %.1f s", n, g_timer_elapsed (timer, NULL));
}

static void
fleet_tear_down (Fleet *fleet)
{
  for (guint i = 0; i < fleet->n; i++)
    {
      Phone *phone = &fleet->phones[i];

      g_clear_object (&phone->couch);
      g_clear_object (&phone->store);
      gp_test_remove_dir (phone->dir);
      g_free (phone->dir);
      g_free (phone->user);
      g_ptr_array_unref (phone->reports);
      g_clear_error (&phone->error);
    }
  g_free (fleet->phones);
  g_free (fleet->database);
  gp_test_pouchdb_stop (fleet->server);
}

typedef struct
{
  Fleet                  *fleet;
  GpReplicationDirection  direction;
} Round;

/* The processor time this process has used, all its threads. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
sync_phone (gpointer data,
            gpointer user_data)
{
  Phone *phone = data;
  Round *round = user_data;
  g_autoptr(GTimer) timer = g_timer_new ();
  guint requests = gp_couch_get_n_requests (phone->couch);
  GpReplicationStats stats = { 0 };
  GpReplicationFlags flags = round->direction == GP_REPLICATION_PULL ? GP_REPLICATION_PHOTOS_ON_DEMAND
                                                                     : GP_REPLICATION_FLAGS_NONE;

  if ((gp_couch_get_user (phone->couch) != NULL || gp_couch_login (phone->couch, NULL, &phone->error)) &&
      gp_replicate (phone->store, phone->couch, round->fleet->database, round->direction, flags, &stats, NULL,
                    &phone->error))
    phone->problems = (stats.refused ? stats.refused->len : 0) + (stats.held ? stats.held->len : 0) +
                      (stats.skipped ? stats.skipped->len : 0);
  gp_replication_stats_clear (&stats);
  phone->requests = gp_couch_get_n_requests (phone->couch) - requests;
  phone->seconds = g_timer_elapsed (timer, NULL);
}

/* Every phone syncs one way, PARALLEL at a time. */
static void
run_round (Fleet                  *fleet,
           GpReplicationDirection  direction)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  Round round = { fleet, direction };
  GThreadPool *pool = g_thread_pool_new (sync_phone, &round, PARALLEL, TRUE, NULL);
  guint most = 0, total = 0;
  double slowest = 0;
  double server_cpu = gp_test_pouchdb_get_cpu_seconds (fleet->server);
  double phones_cpu = cpu_seconds ();

  for (guint i = 0; i < fleet->n; i++)
    g_thread_pool_push (pool, &fleet->phones[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < fleet->n; i++)
    {
      Phone *phone = &fleet->phones[i];

      g_assert_no_error (phone->error);
      g_assert_cmpuint (phone->problems, ==, 0);
      total += phone->requests;
      most = MAX (most, phone->requests);
      slowest = MAX (slowest, phone->seconds);
    }
  g_print ("# %u phones %s, %u at a time: %.1f s, %.1f requests a phone (at most %u), the slowest phone %.1f s\n",
           fleet->n, direction == GP_REPLICATION_PUSH ? "push" : "pull everyone's reports", PARALLEL,
           g_timer_elapsed (timer, NULL), (double) total / fleet->n, most, slowest);
  g_print ("# processor time in the round: the server %.1f s, the phones %.1f s\n",
           gp_test_pouchdb_get_cpu_seconds (fleet->server) - server_cpu, cpu_seconds () - phones_cpu);
}

static void
test_phones (void)
{
  const char *env = g_getenv ("GP_PHONES");
  guint n = env != NULL ? (guint) MAX (2, atoi (env)) : 20;
  Fleet fleet = { 0 };

  fleet_set_up (&fleet, n);
  run_round (&fleet, GP_REPLICATION_PUSH);
  /* Each report once at the centre, and the grid once. */
  g_assert_cmpint (gp_test_pouchdb_doc_count (fleet.server, fleet.database), ==, fleet.grid_docs + n * REPORTS);
  run_round (&fleet, GP_REPLICATION_PULL);
  /* No request for each thumbnail: a request for each report received
   * would make more than these (the pull's own are about 15 for 100
   * reports, 43 for 1,000). */
  for (guint i = 0; i < n && (n - 1) * REPORTS >= 50; i++)
    g_assert_cmpuint (fleet.phones[i].requests, <, (n - 1) * REPORTS);

  /* Every phone has every report, with its thumbnail, and one version of
   * each; the others' photos wait at the centre. */
  for (guint i = 0; i < n; i++)
    {
      Phone *phone = &fleet.phones[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) conflicted = gp_store_list_conflicted (phone->store, "incident", NULL, &error);
      g_autoptr(GPtrArray) missing = gp_store_list_missing_blobs (phone->store, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (conflicted->len, ==, 0);
      g_assert_cmpint (gp_store_count (phone->store, "incident", NULL, &error), ==, n * REPORTS);
      for (guint j = 0; j < n; j++)
        for (guint k = 0; k < REPORTS; k++)
          {
            const char *id = g_ptr_array_index (fleet.phones[j].reports, k);
            g_autoptr(JsonObject) doc = gp_store_get (phone->store, id, GP_STORE_GET_NONE, &error);
            JsonObject *stubs;

            g_assert_no_error (error);
            stubs = gp_json_get_object (doc, "_attachments");
            g_assert_true (gp_store_has_blob (phone->store,
                                              gp_json_get_string (gp_json_get_object (stubs, "thumb-1.jpg"),
                                                                  "digest")));
            g_assert_true (gp_store_has_blob (phone->store,
                                              gp_json_get_string (gp_json_get_object (stubs, "photo-1.jpg"),
                                                                  "digest")) == (i == j));
          }
      g_assert_cmpuint (missing->len, ==, (n - 1) * REPORTS);
    }
  g_assert_cmpint (gp_test_pouchdb_doc_count (fleet.server, fleet.database), ==, fleet.grid_docs + n * REPORTS);
  fleet_tear_down (&fleet);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/sync/phones", test_phones);

  return g_test_run ();
}
