/* test-sync-manager.c — when the app syncs and what it says, against a
 * real PouchDB Server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-sync-manager.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"
#include "gp-worker.h"

#include <string.h>

#define GRID GP_DEMO_GRID_CODE

typedef struct
{
  GpTestPouchdb *server;
  char          *dir;
  GpStore       *store;
  char          *database;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = gp_test_pouchdb_start ();
  fixture->database = gp_test_pouchdb_add_grid (fixture->server, GRID);
  gp_test_pouchdb_add_user (fixture->server, "wang", "wang-pw", "grid:" GRID ":worker", NULL);
  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_true (gp_worker_wait_all (60000));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->store);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->database);
  gp_test_pouchdb_stop (fixture->server);
}

typedef struct
{
  GpSyncManager *manager;
  guint          runs;
} Wait;

static gboolean
settled (gpointer data)
{
  Wait *wait = data;
  GpSyncState state = gp_sync_manager_get_state (wait->manager);

  return gp_sync_manager_get_n_runs (wait->manager) >= wait->runs && state != GP_SYNC_SYNCING;
}

static gboolean
one_pending (gpointer data)
{
  return gp_sync_manager_get_pending (data) == 1;
}

static void
wait_for_runs (GpSyncManager *manager,
               guint          runs)
{
  Wait wait = { manager, runs };

  g_assert_true (gp_test_wait_until (settled, &wait, 60000));
}

static gboolean
no_worker_busy (gpointer data)
{
  return gp_worker_get_busy () == 0;
}

/* Set up: it syncs at once; a change syncs a moment later; asking while
 * a sync runs runs one more after it, never two together. */
static void
test_sync (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GpSyncManager) manager = gp_sync_manager_new (fixture->store, NULL);
  const char *grids[] = { GRID, NULL };
  g_autoptr(GpVisit) visit = gp_visit_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gp_sync_manager_get_state (manager), ==, GP_SYNC_NOT_SET_UP);
  gp_sync_manager_set_grids (manager, grids);
  gp_sync_manager_set_change_delay (manager, 200);
  gp_sync_manager_set_account (manager, gp_test_pouchdb_get_url (fixture->server), "wang", "wang-pw", FALSE);
  g_assert_cmpint (gp_sync_manager_get_state (manager), ==, GP_SYNC_SYNCING);
  wait_for_runs (manager, 1);
  g_assert_cmpint (gp_sync_manager_get_state (manager), ==, GP_SYNC_IDLE);
  g_assert_null (gp_sync_manager_get_message (manager));
  g_assert_cmpint (gp_sync_manager_get_last_success (manager), >, 0);
  g_assert_cmpuint (gp_sync_manager_get_pending (manager), ==, 0);
  g_assert_true (g_strv_contains (gp_sync_manager_get_roles (manager), "grid:" GRID ":worker"));
  g_assert_cmpint (gp_test_pouchdb_doc_count (fixture->server, fixture->database), ==, 472);

  /* A visit: pending at once, on the centre a moment later. */
  g_object_set (visit, "grid", GRID, "household", "household:610103003003-01-1-101", "worker", "wang", "at", now,
                NULL);
  g_assert_true (gp_documents_save (fixture->store, GP_DOCUMENT (visit), GP_STORE_PUT_NONE, &error));
  /* Counted off the main loop, before the sync a moment later. */
  g_assert_true (gp_test_wait_until (one_pending, manager, 10000));
  g_assert_cmpuint (gp_sync_manager_get_pending (manager), ==, 1);
  wait_for_runs (manager, 2);
  g_assert_cmpuint (gp_sync_manager_get_pending (manager), ==, 0);
  g_assert_cmpint (gp_test_pouchdb_doc_count (fixture->server, fixture->database), ==, 473);

  /* "Sync now" twice in a row: the second waits for the first. What the
   * last sync started after it (the photos to fetch ahead) ends first, so
   * that the work counted below is the syncs' alone. */
  g_assert_true (gp_test_wait_until (no_worker_busy, NULL, 10000));
  gp_sync_manager_sync_now (manager);
  gp_sync_manager_sync_now (manager);
  g_assert_cmpuint (gp_sync_manager_get_n_runs (manager), ==, 3);
  g_assert_cmpuint (gp_worker_get_busy (), <=, 1);
  wait_for_runs (manager, 4);
  g_assert_cmpint (gp_sync_manager_get_state (manager), ==, GP_SYNC_IDLE);
}

/* A wrong password is said, and not tried again by itself. */
static void
test_bad_password (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GpSyncManager) manager = gp_sync_manager_new (fixture->store, NULL);
  const char *grids[] = { GRID, NULL };

  gp_sync_manager_set_grids (manager, grids);
  gp_sync_manager_set_account (manager, gp_test_pouchdb_get_url (fixture->server), "wang", "guess", FALSE);
  wait_for_runs (manager, 1);
  g_assert_cmpint (gp_sync_manager_get_state (manager), ==, GP_SYNC_ERROR);
  g_assert_cmpstr (gp_sync_manager_get_message (manager), ==, "The user name or password is wrong");
  g_assert_cmpuint (gp_sync_manager_get_retry_delay (manager), ==, 0);
  g_assert_cmpint (gp_sync_manager_get_last_success (manager), ==, 0);
  g_assert_cmpuint (gp_sync_manager_get_pending (manager), ==, 472);
  g_assert_cmpint (gp_test_pouchdb_doc_count (fixture->server, fixture->database), ==, 0);
}

/* A centre that cannot be reached: said in words, tried again after a
 * wait of about ten seconds. */
static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GpSyncManager) manager = gp_sync_manager_new (fixture->store, NULL);
  const char *grids[] = { GRID, NULL };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", gp_test_free_port ());
  GpSyncState state;
  guint delay;

  gp_sync_manager_set_grids (manager, grids);
  gp_sync_manager_set_account (manager, url, "wang", "wang-pw", FALSE);
  wait_for_runs (manager, 1);
  state = gp_sync_manager_get_state (manager);
  /* Out of reach is offline, said calmly, not an error. */
  g_assert_cmpint (state, ==, GP_SYNC_OFFLINE);
  g_assert_true (g_str_has_prefix (gp_sync_manager_get_message (manager), "The grid centre cannot be reached"));
  delay = gp_sync_manager_get_retry_delay (manager);
  g_test_message ("retry in %u s", delay);
  g_assert_cmpuint (delay, >=, 8);
  g_assert_cmpuint (delay, <=, 12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/sync/manager/sync", Fixture, NULL, fixture_set_up, test_sync, fixture_tear_down);
  g_test_add ("/sync/manager/bad-password", Fixture, NULL, fixture_set_up, test_bad_password, fixture_tear_down);
  g_test_add ("/sync/manager/unreachable", Fixture, NULL, fixture_set_up, test_unreachable, fixture_tear_down);

  return g_test_run ();
}
