/* bench-patrol.c — replaying a two-hour patrol at one fix a second, and
 * what each fix costs while a patrol runs live.
 *
 * Run with `build-aux/dev bench`. Prints numbers; it never fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-patrol-recorder.h"
#include "gp-store.h"
#include "gp-test-util.h"
#include "gp-test-walk.h"
#include "gp-track-reader.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
         usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GArray) walk = NULL;
  g_autofree char *gpx = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GpRoute *route;
  double start, cpu, parse_ms, replay_ms, live_cpu, main_loop = 0, worst = 0;

  setvbuf (stdout, NULL, _IOLBF, 0);
  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  routes = gp_documents_load_all (store, "route", GP_DEMO_GRID_CODE, &error);
  route = g_ptr_array_index (routes, 0);
  walk = gp_test_walk_route (route, 1.4, gp_clock_get_real_time (), 19);
  gpx = gp_test_walk_gpx (walk);
  bytes = g_bytes_new (gpx, strlen (gpx));
  printf ("a walk of %u fixes (%.1f h at one a second), %.2f km, GPX %.1f MB\n", walk->len, walk->len / 3600.0,
          gp_test_walk_length (walk) / 1000, strlen (gpx) / 1e6);

  /* As `gridpatrolctl patrol replay` does it: read, record, finish. */
  {
    g_autoptr(GpTrack) track = NULL;
    g_autoptr(GpPatrolRecorder) recorder = gp_patrol_recorder_new (store, GP_DEMO_GRID_CODE, route, "wang");

    start = g_get_monotonic_time () / 1e3;
    track = gp_track_parse (bytes, &error);
    parse_ms = g_get_monotonic_time () / 1e3 - start;
    g_assert_true (gp_patrol_recorder_start (recorder, g_array_index (track->fixes, GpFix, 0).time, &error));
    for (guint i = 0; i < track->fixes->len; i++)
      gp_patrol_recorder_add_fix (recorder, &g_array_index (track->fixes, GpFix, i));
    g_assert_true (gp_patrol_recorder_finish (recorder, g_array_index (track->fixes, GpFix, track->fixes->len - 1).time,
                                              &error));
    replay_ms = g_get_monotonic_time () / 1e3 - start;
    printf ("replay a two-hour patrol: read the GPX %.0f ms, all of it %.0f ms (%.1f µs a fix); "
            "%u track points, %.2f km recorded\n", parse_ms, replay_ms, replay_ms * 1000 / walk->len,
            gp_patrol_recorder_get_track (recorder)->len, gp_patrol_recorder_get_distance (recorder) / 1000);
  }

  /* Live: every fix through the main loop, points written in threads. */
  {
    g_autoptr(GpPatrolRecorder) recorder = gp_patrol_recorder_new (store, GP_DEMO_GRID_CODE, route, "wang");

    gp_patrol_recorder_set_async (recorder, TRUE);
    g_assert_true (gp_patrol_recorder_start (recorder, g_array_index (walk, GpFix, 0).time, &error));
    cpu = cpu_ms ();
    for (guint i = 0; i < walk->len; i++)
      {
        double t = g_get_monotonic_time () / 1e3, spent;

        gp_patrol_recorder_add_fix (recorder, &g_array_index (walk, GpFix, i));
        spent = g_get_monotonic_time () / 1e3 - t;
        main_loop += spent;
        worst = MAX (worst, spent);
        while (g_main_context_iteration (NULL, FALSE))
          ;
      }
    g_assert_true (gp_patrol_recorder_finish (recorder, g_array_index (walk, GpFix, walk->len - 1).time, &error));
    g_usleep (G_USEC_PER_SEC / 2);   /* the last writes */
    live_cpu = cpu_ms () - cpu;
    printf ("live: %.1f µs of CPU a fix, writes included (%.4f %% of one core at a fix a second); "
            "main loop %.1f µs a fix, worst %.2f ms\n", live_cpu * 1000 / walk->len, live_cpu / walk->len / 10,
            main_loop * 1000 / walk->len, worst);
  }

  g_clear_object (&store);
  gp_test_remove_dir (dir);
  return 0;
}
