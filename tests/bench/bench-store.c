/* bench-store.c — what a store write costs, and what the main loop pays.
 *
 * Run with `meson test -C _build --benchmark --verbose`. Prints numbers; it
 * never fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-test-util.h"

#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 200

static GpHousehold *
make_household (guint i)
{
  g_autofree char *code = g_strdup_printf ("B-01-1-%04u", i);
  GpHousehold *household = gp_household_new (code);
  const char *tags[] = { GP_TAG_RENTAL, NULL };

  g_object_set (household,
                "grid", "B", "building", "building:B-01", "unit", 1, "floor", 1 + i % 6,
                "room", "101", "head", "王建国", "phone", "13800000000", "people", 3,
                "tags", tags, NULL);
  return household;
}

static void
bench_single_saves (GpStore *store)
{
  double ms[ROUNDS];

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(GpHousehold) household = make_household (i);
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      if (!gp_documents_save (store, GP_DOCUMENT (household), GP_STORE_PUT_NONE, &error))
        g_error ("%s", error->message);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  gp_test_bench_report ("save one household (new, fsync)", ms, ROUNDS);

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autofree char *id = g_strdup_printf ("household:B-01-1-%04u", i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GpDocument) household = gp_documents_load (store, id, &error);
      gint64 start;

      g_object_set (household, "note", "走访：身体健康", NULL);
      start = g_get_monotonic_time ();
      if (!gp_documents_save (store, household, GP_STORE_PUT_NONE, &error))
        g_error ("%s", error->message);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  gp_test_bench_report ("edit one household (new revision, fsync)", ms, ROUNDS);
}

static void
bench_photo (GpStore *store)
{
  double ms[ROUNDS / 4];
  gsize size = 350 * 1024; /* a processed 1600 px photo */
  g_autofree guchar *data = g_malloc (size);

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      g_autoptr(GpIncident) incident = gp_incident_new ();
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GBytes) photo = NULL;
      g_autoptr(GpAttachment) attachment = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;

      for (gsize j = 0; j < size; j++)
        data[j] = (guchar) (g_random_int () & 0xff);
      photo = g_bytes_new (data, size);
      attachment = gp_attachment_new ("photo-1.jpg", "image/jpeg", photo);
      g_object_set (incident, "grid", "B", "source", "patrol", "category", "01001",
                    "reporter", "wang", "reported-at", now, NULL);
      gp_document_add_attachment (GP_DOCUMENT (incident), attachment);

      start = g_get_monotonic_time ();
      if (!gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error))
        g_error ("%s", error->message);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  gp_test_bench_report ("save an incident with a 350 KB photo", ms, G_N_ELEMENTS (ms));
}

typedef struct
{
  guint pending;
} AsyncState;

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  if (!gp_documents_save_all_finish (GP_STORE (source), result, &error))
    g_error ("%s", error->message);
  state->pending--;
}

static gboolean
all_saved (gpointer data)
{
  return ((AsyncState *) data)->pending == 0;
}

/* What the UI's main loop pays for a save: preparing it and queueing it,
 * not the fsync, which happens on the writer thread. */
static void
bench_async (GpStore *store)
{
  double ms[ROUNDS];
  AsyncState state = { 0 };

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(GpHousehold) household = make_household (10000 + i);
      g_autoptr(GPtrArray) documents = g_ptr_array_new ();
      gint64 start;

      g_ptr_array_add (documents, household);
      state.pending++;
      start = g_get_monotonic_time ();
      gp_documents_save_all_async (store, documents, GP_STORE_PUT_NONE, NULL, on_saved, &state);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  if (!gp_test_wait_until (all_saved, &state, 120000))
    g_error ("async saves did not finish");
  gp_test_bench_report ("main loop's share of an async save", ms, ROUNDS);
}

static void
bench_demo_and_lists (GpStore *store)
{
  double ms[20];
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  if (!gp_demo_install (store, 420, GP_DEMO_DEFAULT_SEED, &error))
    g_error ("%s", error->message);
  printf ("%-46s %7.1f ms\n", "demo grid: 472 documents in one transaction",
          (g_get_monotonic_time () - start) / 1000.0);

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      g_autoptr(GPtrArray) households = NULL;

      start = g_get_monotonic_time ();
      households = gp_documents_load_all (store, "household", GP_DEMO_GRID_CODE, &error);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_cmpuint (households->len, ==, 420);
    }
  gp_test_bench_report ("load the 420 households of a grid", ms, G_N_ELEMENTS (ms));

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      start = g_get_monotonic_time ();
      g_assert_cmpint (gp_store_count (store, "household", GP_DEMO_GRID_CODE, NULL), ==, 420);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  gp_test_bench_report ("count the households of a grid", ms, G_N_ELEMENTS (ms));
}

int
main (int   argc,
      char *argv[])
{
  const char *where = argc > 1 ? argv[1] : NULL;
  g_autofree char *dir = where ? g_strdup (where) : gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);

  printf ("Store in %s (synchronous=FULL, WAL)\n", dir);
  bench_single_saves (store);
  bench_photo (store);
  bench_async (store);
  bench_demo_and_lists (store);

  g_clear_object (&store);
  if (where == NULL)
    gp_test_remove_dir (dir);
  return 0;
}
