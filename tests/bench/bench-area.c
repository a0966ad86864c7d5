/* bench-area.c — the area review on a city's worth of cases: 100,000
 * incidents and 400,000 events over 23 months. Measures the case table's
 * first build (once, after the first sync), keeping it current after a
 * change, a month's figures, the weekly summary, and the area page opened
 * at 360×720.
 *
 * Run with `build-aux/dev bench`. Prints numbers; it never fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gp-area-page.h"
#include "gp-case-index.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-stats.h"
#include "gp-store.h"
#include "gp-summary.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"

#include <adwaita.h>
#include <stdio.h>

#define INCIDENTS 100000

/* Every 7 cases: 3 closed out (8 events each), 4 voided (1 event); in the
 * last 30 days every 10th is left in progress (3 events) — 4 events a case
 * on average. */
static guint
make_cases (GpStore *store,
            gint64   now)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 first = now - 700 * 86400;
  const char *categories[] = { "06010", "06013", "09006", "91001", "92004", "01037", "07001", "06028" };
  const char *closed[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH, GP_ACTION_ACCEPT, GP_ACTION_START,
                           GP_ACTION_HANDLED, GP_ACTION_VERIFY, GP_ACTION_CALLBACK, GP_ACTION_CLOSE, NULL };
  const char *open[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH, GP_ACTION_ACCEPT, NULL };
  const char *voided[] = { GP_ACTION_VOID, NULL };
  guint n_events = 0;

  for (guint batch = 0; batch < INCIDENTS / 1000; batch++)
    {
      g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = batch * 1000; i < (batch + 1) * 1000; i++)
        {
          GpIncident *incident = gp_incident_new ();
          gint64 reported = first + (gint64) i * (700 * 86400 / INCIDENTS);
          g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (reported);
          GpGeoPoint where = gp_geo_offset ((GpGeoPoint) { 108.9402, 34.2586 }, g_rand_double_range (rand, -400, 400),
                                            g_rand_double_range (rand, -300, 300));
          g_autoptr(JsonObject) point = gp_geo_point_new (where);
          const char **path = now - reported < 30 * 86400 && i % 10 == 0 ? open : i % 7 < 3 ? closed : voided;

          g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", i % 3 ? GP_SOURCE_PATROL : GP_SOURCE_RESIDENT,
                        "category", categories[i % G_N_ELEMENTS (categories)], "grade", "B",
                        "reporter", i % 2 ? "wang" : "zhao", "reported-at", at, "description", "暴露垃圾", NULL);
          gp_document_set_geometry (GP_DOCUMENT (incident), point);
          g_ptr_array_add (documents, incident);
          for (guint e = 0; path[e] != NULL; e++)
            {
              GpEvent *event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));
              g_autoptr(GDateTime) when = g_date_time_add_minutes (at, 5 + e * 90);
              gboolean worker = e >= 2 && e <= 4;

              g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", path[e], "actor", worker ? "wang" : "li",
                            "role", worker ? GP_ROLE_WORKER : GP_ROLE_LEADER, "at", when, "target", "wang",
                            "reason", "重复上报", "note", "已处理", "result", GP_VERIFY_PASS,
                            "satisfaction", i % 5 ? GP_SATISFIED : GP_BASICALLY_SATISFIED, NULL);
              g_ptr_array_add (documents, event);
              n_events++;
            }
        }
      g_assert_true (gp_documents_save_all (store, documents, GP_STORE_PUT_NONE, &error));
      g_assert_no_error (error);
    }
  return n_events;
}

static gboolean
page_loaded (gpointer data)
{
  return gp_area_page_get_stats (data) != NULL && !gp_area_page_get_loading (data);
}

int
main (int   argc,
      char *argv[])
{
  /* GP_BENCH_AREA_DIR keeps the made store, for profiling runs. */
  const char *kept = g_getenv ("GP_BENCH_AREA_DIR");
  g_autofree char *dir = kept ? g_strdup (kept) : gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GpContext) context = NULL;
  gint64 now = gp_clock_get_now ();
  double build, month[5], week[5], year[3], change[5], summary[3], open[3], switched[3];
  GpStatsQuery query = { 0 };
  GDate today;
  guint n_events, folded = 0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  gtk_init ();
  adw_init ();

  if (gp_store_count (store, "incident", NULL, NULL) < INCIDENTS)
  {
    g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
    double start = gp_test_now_ms ();

    n_events = make_cases (store, now);
    printf ("(made %u incidents and %u events in %.1f s)\n", INCIDENTS, n_events,
            (gp_test_now_ms () - start) / 1000);
  }

  /* The case table from nothing: once, after the first sync of a store. */
  {
    double start = gp_test_now_ms ();

    g_assert_true (gp_case_index_rebuild (store, &error));
    g_assert_no_error (error);
    build = gp_test_now_ms () - start;
    folded = gp_store_count (store, "incident", NULL, NULL);
    printf ("%-56s %9.0f ms  (%u cases, %.1f µs a case)\n", "build the case table from nothing (thread)", build,
            folded, 1000 * build / folded);
  }
  /* The same in one part, as on a phone of one core. */
  {
    double start = gp_test_now_ms ();

    gp_case_index_set_parts (1, 0);
    g_assert_true (gp_case_index_rebuild (store, &error));
    g_assert_no_error (error);
    gp_case_index_set_parts (0, 0);
    printf ("%-56s %9.0f ms\n", "the same, one thread", gp_test_now_ms () - start);
  }

  g_date_clear (&today, 1);
  g_date_set_time_t (&today, now);
  query.not_visited_days = 30;
  for (guint i = 0; i < G_N_ELEMENTS (month); i++)
    {
      double start = gp_test_now_ms ();
      g_autoptr(GpStats) stats = NULL;

      gp_period_bounds (GP_PERIOD_MONTH, &today, 8 * 3600, &query.from, &query.to);
      stats = gp_stats_compute (store, &query, now, &error);
      g_assert_no_error (error);
      month[i] = gp_test_now_ms () - start;
      if (i == 0)
        printf ("(this month: %lld reported, %u overdue or nearly, %u to do, %u hot spots)\n",
                (long long) stats->reported, stats->overdue->len, stats->todo->len, stats->hot_spots->len);
    }
  gp_test_bench_report ("a month's figures, table current (thread)", month, G_N_ELEMENTS (month));
  for (guint i = 0; i < G_N_ELEMENTS (week); i++)
    {
      double start = gp_test_now_ms ();
      g_autoptr(GpStats) stats = NULL;

      gp_period_bounds (GP_PERIOD_WEEK, &today, 8 * 3600, &query.from, &query.to);
      stats = gp_stats_compute (store, &query, now, &error);
      week[i] = gp_test_now_ms () - start;
    }
  gp_test_bench_report ("a week's figures, table current (thread)", week, G_N_ELEMENTS (week));
  for (guint i = 0; i < G_N_ELEMENTS (year); i++)
    {
      double start = gp_test_now_ms ();
      g_autoptr(GpStats) stats = NULL;

      query.from = now - 365 * 86400;
      query.to = now;
      stats = gp_stats_compute (store, &query, now, &error);
      year[i] = gp_test_now_ms () - start;
    }
  gp_test_bench_report ("a year's figures (thread)", year, G_N_ELEMENTS (year));

  /* A step taken, then the month's figures again: one case refolded. */
  {
    g_autoptr(GPtrArray) open_cases = gp_store_list (store, "incident", GP_DEMO_GRID_CODE, NULL);

    for (guint i = 0; i < G_N_ELEMENTS (change); i++)
      {
        JsonObject *incident = g_ptr_array_index (open_cases, open_cases->len - 1 - 10 * i);
        g_autoptr(GpEvent) event = gp_event_new (gp_json_get_string (incident, "_id"));
        g_autoptr(GDateTime) at = gp_clock_new_now_utc ();
        g_autoptr(GpStats) stats = NULL;
        double start;

        g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", GP_ACTION_COMMENT, "actor", "li",
                      "role", GP_ROLE_LEADER, "at", at, "note", "督办", NULL);
        g_assert_true (gp_documents_save (store, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
        start = gp_test_now_ms ();
        gp_period_bounds (GP_PERIOD_MONTH, &today, 8 * 3600, &query.from, &query.to);
        stats = gp_stats_compute (store, &query, now, &error);
        change[i] = gp_test_now_ms () - start;
      }
    gp_test_bench_report ("a month's figures after one new event (thread)", change, G_N_ELEMENTS (change));
  }

  for (guint i = 0; i < G_N_ELEMENTS (summary); i++)
    {
      g_autofree char *pdf = g_build_filename (dir, "week.pdf", NULL);
      g_autofree char *csv = g_build_filename (dir, "week.csv", NULL);
      GpSummaryRequest request = { GP_PERIOD_MONTH, today, NULL, now };
      double start = gp_test_now_ms ();

      g_assert_true (gp_summary_write (store, &request, pdf, csv, &error));
      summary[i] = gp_test_now_ms () - start;
    }
  gp_test_bench_report ("monthly analysis, PDF and CSV (thread)", summary, G_N_ELEMENTS (summary));

  /* The page as the leader opens it: from nothing to the figures drawn. */
  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "role", GP_ROLE_LEADER);
  context = gp_context_new (settings);
  gp_test_set_store (context, store);
  for (guint i = 0; i < G_N_ELEMENTS (open); i++)
    {
      GtkWidget *window = gtk_window_new ();
      GtkWidget *page;
      double start = gp_test_now_ms ();

      page = gp_area_page_new (context);
      gtk_window_set_child (GTK_WINDOW (window), page);
      gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
      gtk_window_present (GTK_WINDOW (window));
      g_assert_true (gp_test_wait_until (page_loaded, page, 120000));
      gp_test_wait_frames (window, 1);
      open[i] = gp_test_now_ms () - start;

      start = gp_test_now_ms ();
      gp_area_page_set_period (GP_AREA_PAGE (page), 2);
      g_assert_true (gp_test_wait_until (page_loaded, page, 120000));
      gp_test_wait_frames (window, 1);
      switched[i] = gp_test_now_ms () - start;
      gtk_window_destroy (GTK_WINDOW (window));
    }
  gp_test_bench_report ("open the area page (this week), drawn", open, G_N_ELEMENTS (open));
  gp_test_bench_report ("switch it to this month, drawn", switched, G_N_ELEMENTS (switched));

  g_clear_object (&context);
  g_clear_object (&store);
  if (kept == NULL)
    gp_test_remove_dir (dir);
  return 0;
}
