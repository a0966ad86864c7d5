/* test-patrol.c — tracks read from GPX and NMEA, patrols recorded from
 * them, a recording process killed mid-patrol, visits and coverage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-patrol-recorder.h"
#include "gp-recorded-track.h"
#include "gp-store.h"
#include "gp-test-util.h"
#include "gp-test-walk.h"
#include "gp-track-reader.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define ROUTE "route:610103003003-R1"

typedef struct
{
  char    *dir;
  GpStore *store;
  GpRoute *route;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = NULL;

  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  routes = gp_documents_load_all (fixture->store, "route", GP_DEMO_GRID_CODE, &error);
  g_assert_cmpuint (routes->len, >=, 1);
  fixture->route = g_object_ref (g_ptr_array_index (routes, 0));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->route);
  g_clear_object (&fixture->store);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static GpTrack *
parse (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  GpTrack *track = gp_track_parse (bytes, &error);

  g_assert_no_error (error);
  return track;
}

static gint64
t (const char *iso)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, NULL);

  return g_date_time_to_unix (time) * G_USEC_PER_SEC;
}

/* GPX and NMEA of the same walk give the same positions. */
static void
test_read_walk (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GArray) walk = gp_test_walk_route (fixture->route, 1.4, t ("2026-11-23T09:00:00+08:00"), 1);
  g_autofree char *gpx = gp_test_walk_gpx (walk);
  g_autofree char *nmea = gp_test_walk_nmea (walk);
  g_autoptr(GpTrack) from_gpx = parse (gpx);
  g_autoptr(GpTrack) from_nmea = parse (nmea);

  g_assert_cmpstr (from_gpx->format, ==, "gpx");
  g_assert_cmpstr (from_nmea->format, ==, "nmea");
  g_assert_cmpuint (from_gpx->fixes->len, ==, walk->len);
  g_assert_cmpuint (from_nmea->fixes->len, ==, walk->len);
  g_assert_cmpuint (from_gpx->skipped, ==, 0);
  g_assert_cmpuint (from_nmea->skipped, ==, 0);
  for (guint i = 0; i < walk->len; i += 97)
    {
      GpFix *w = &g_array_index (walk, GpFix, i);
      GpFix *g = &g_array_index (from_gpx->fixes, GpFix, i);
      GpFix *n = &g_array_index (from_nmea->fixes, GpFix, i);

      g_assert_cmpint (g->time, ==, w->time);
      g_assert_cmpint (n->time, ==, w->time);
      g_assert_cmpfloat_with_epsilon (g->latitude, w->latitude, 1e-7);
      g_assert_cmpfloat_with_epsilon (n->latitude, w->latitude, 2e-6);
      g_assert_cmpfloat_with_epsilon (n->longitude, w->longitude, 2e-6);
      g_assert_cmpfloat_with_epsilon (n->accuracy, 4.5, 1e-9);   /* HDOP 0.9 */
    }
}

/* Malformed NMEA: each bad item skipped and counted, the rest read. */
static void
test_bad_nmea (Fixture       *fixture,
               gconstpointer  data)
{
  const char *log =
    "$GNGGA,010000.00,3415.5000,N,10856.4000,E,1,12,0.9,410.0,M,-28.0,M,,*00\r\n"   /* bad checksum */
    "$GNGGA,010000.00,3415.5000,N,10856.4000,E,1,12,0.9,410.0,M,-28.0,M,,*77\r\n"   /* also bad */
    "garbage that is not NMEA\r\n"
    "$GNRMC,010000.00,V,,,,,,,231126,,,N*5A\r\n"                                    /* no fix (checksum checked below) */
    "$GNRMC,010001.00,A,3415.5000,N,10856.4000,E,0.0,0.0,231126,,,A*74\r\n"
    "$GNRMC,010002.00,A,3415.5010,N,10856.4000,E,0.0,0.0,231126,,,A*76\r\n"
    "$GNRMC,010000.00,A,3415.5010,N,10856.4000,E,0.0,0.0,231126,,,A*74\r\n"           /* back in time */
    "$GPGSV,3,1,12,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45*75\r\n"      /* ignored */
    "$GNRMC,0100";                                                                  /* cut short */
  g_autoptr(GString) fixed = g_string_new (NULL);
  g_auto(GStrv) lines = g_strsplit (log, "\r\n", -1);
  g_autoptr(GpTrack) track = NULL;

  /* Compute the true checksums of the lines meant to be valid. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *star = strrchr (lines[i], '*');

      if (i >= 3 && i <= 7 && star != NULL)
        {
          guint8 sum = 0;

          *star = '\0';
          for (const char *c = lines[i] + 1; *c; c++)
            sum ^= (guint8) *c;
          g_string_append_printf (fixed, "%s*%02X\r\n", lines[i], sum);
        }
      else
        g_string_append_printf (fixed, "%s\r\n", lines[i]);
    }
  track = parse (fixed->str);
  g_assert_cmpuint (track->fixes->len, ==, 2);
  /* two bad checksums, garbage, no fix, back in time, cut short (no checksum) */
  g_assert_cmpuint (track->skipped, ==, 6);
  g_assert_cmpfloat_with_epsilon (g_array_index (track->fixes, GpFix, 0).latitude, 34 + 15.5 / 60, 1e-9);
  g_assert_cmpint (g_array_index (track->fixes, GpFix, 0).time, ==, t ("2026-11-23T01:00:01Z"));
}

/* Malformed GPX: bad points skipped, a file cut short keeps what came. */
static void
test_bad_gpx (Fixture       *fixture,
              gconstpointer  data)
{
  const char *gpx =
    "<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg>"
    "<trkpt lat=\"34.258\" lon=\"108.94\"><time>2026-11-23T01:00:00Z</time></trkpt>"
    "<trkpt lat=\"north\" lon=\"108.94\"><time>2026-11-23T01:00:01Z</time></trkpt>"   /* bad latitude */
    "<trkpt lat=\"34.258\" lon=\"108.94\"></trkpt>"                                    /* no time */
    "<trkpt lat=\"34.2581\" lon=\"108.94\"><time>2026-11-23T01:00:05Z</time></trkpt>"
    "<trkpt lat=\"34.2582\" lon=\"108.94\"><time>2026-11-23T00:59:00Z</time></trkpt>"   /* back in time */
    "<trkpt lat=\"134.2\" lon=\"108.94\"><time>2026-11-23T01:00:06Z</time></trkpt>"     /* out of range */
    "<trkpt lat=\"34.2583\" lon=\"108.94\"><time>2026-11-23T01:00:07Z</time></trkpt>"
    "<trkpt lat=\"34.2584\" lon=\"108.9";                                               /* cut short */
  g_autoptr(GpTrack) track = parse (gpx);
  g_autoptr(GBytes) nothing = g_bytes_new_static ("hello", 5);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (track->fixes->len, ==, 3);
  g_assert_cmpuint (track->skipped, ==, 5);
  g_assert_null (gp_track_parse (nothing, &error));
  g_assert_error (error, GP_TRACK_ERROR, GP_TRACK_ERROR_UNKNOWN);
}

/* An NMEA sentence with its true checksum. */
static void
append_sentence (GString    *log,
                 const char *body)
{
  guint8 sum = 0;

  for (const char *c = body; *c; c++)
    sum ^= (guint8) *c;
  g_string_append_printf (log, "$%s*%02X\r\n", body, sum);
}

/* Hostile numbers: huge, not a number, infinite, negative, minutes past
 * 60. None is a position; none overflows or reaches a track. */
static void
test_hostile_numbers (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *bad_rmc[] = {
    "GNRMC,010001.00,A,99999999999999.0,N,10856.4000,E,0.0,0.0,231126,,,A",
    "GNRMC,010002.00,A,3415.5000,N,1e308,E,0.0,0.0,231126,,,A",
    "GNRMC,010003.00,A,nan,N,10856.4000,E,0.0,0.0,231126,,,A",
    "GNRMC,010004.00,A,3415.5000,N,inf,E,0.0,0.0,231126,,,A",
    "GNRMC,010005.00,A,-3415.5000,N,10856.4000,E,0.0,0.0,231126,,,A",
    "GNRMC,010006.00,A,3475.0000,N,10856.4000,E,0.0,0.0,231126,,,A",
    "GNRMC,010007.00,A,9100.0000,N,10856.4000,E,0.0,0.0,231126,,,A",
    "GNRMC,010008.00,A,3415.5000,N,18100.0000,E,0.0,0.0,231126,,,A",
  };
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GpTrack) track = NULL;
  g_autoptr(GpTrack) gpx_track = NULL;
  const char *gpx =
    "<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg>"
    "<trkpt lat=\"nan\" lon=\"108.94\"><time>2026-11-23T01:00:00Z</time></trkpt>"
    "<trkpt lat=\"34.258\" lon=\"inf\"><time>2026-11-23T01:00:01Z</time></trkpt>"
    "<trkpt lat=\"34.258\" lon=\"108.94\"><time>2026-11-23T01:00:02Z</time><hdop>nan</hdop></trkpt>"
    "<trkpt lat=\"34.258\" lon=\"108.94\"><time>2026-11-23T01:00:03Z</time><hdop>-4</hdop></trkpt>"
    "</trkseg></trk></gpx>";

  append_sentence (log, "GNRMC,010000.00,A,3415.5000,N,10856.4000,E,0.0,0.0,231126,,,A");
  for (guint i = 0; i < G_N_ELEMENTS (bad_rmc); i++)
    append_sentence (log, bad_rmc[i]);
  /* A sentence with nothing before its checksum (found by fuzzing: it
   * crashed the reader). */
  g_string_append (log, "$*00\r\n");
  /* A GGA with a NaN dilution keeps its position, not the NaN. */
  append_sentence (log, "GNGGA,010009.00,3415.5100,N,10856.4000,E,1,12,nan,410.0,M,-28.0,M,,");
  track = parse (log->str);
  g_assert_cmpuint (track->fixes->len, ==, 2);
  g_assert_cmpuint (track->skipped, ==, G_N_ELEMENTS (bad_rmc) + 1);
  for (guint i = 0; i < track->fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (track->fixes, GpFix, i);

      g_assert_true (isfinite (fix->latitude) && isfinite (fix->longitude) && isfinite (fix->accuracy));
      g_assert_cmpfloat (fix->accuracy, >=, 0);
    }

  gpx_track = parse (gpx);
  g_assert_cmpuint (gpx_track->fixes->len, ==, 2);
  g_assert_cmpuint (gpx_track->skipped, ==, 2);
  for (guint i = 0; i < gpx_track->fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (gpx_track->fixes, GpFix, i);

      g_assert_true (isfinite (fix->accuracy));
      g_assert_cmpfloat (fix->accuracy, >=, 0);
    }

  /* The recorder takes no such fix from any source. */
  {
    g_autoptr(GpPatrolRecorder) recorder = gp_patrol_recorder_new (fixture->store, GP_DEMO_GRID_CODE, NULL, "wang");
    gint64 now = t ("2026-11-23T09:00:00+08:00");
    GpFix bad[] = {
      { .latitude = NAN, .longitude = 108.94, .time = now + 1 },
      { .latitude = 34.25, .longitude = INFINITY, .time = now + 2 },
      { .latitude = 95, .longitude = 108.94, .time = now + 3 },
      { .latitude = 34.25, .longitude = 108.94, .accuracy = NAN, .time = now + 4 },
      { .latitude = 34.25, .longitude = 108.94, .accuracy = -1, .time = now + 5 },
    };

    g_assert_true (gp_patrol_recorder_start (recorder, now, NULL));
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &bad[i]), ==, GP_FIX_INVALID);
    g_assert_cmpfloat (gp_patrol_recorder_get_distance (recorder), ==, 0);
  }
}

static GpPatrolRecorder *
record (Fixture *fixture,
        GArray  *fixes)
{
  GpPatrolRecorder *recorder = gp_patrol_recorder_new (fixture->store, GP_DEMO_GRID_CODE, fixture->route, "wang");
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_patrol_recorder_start (recorder, g_array_index (fixes, GpFix, 0).time, &error));
  for (guint i = 0; i < fixes->len; i++)
    gp_patrol_recorder_add_fix (recorder, &g_array_index (fixes, GpFix, i));
  g_assert_true (gp_patrol_recorder_finish (recorder, g_array_index (fixes, GpFix, fixes->len - 1).time, &error));
  return recorder;
}

/* The walk's distance within 0.5 % of the geodesic, every checkpoint
 * reached, and the document holds it all. */
static void
test_distance_and_checkpoints (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GArray) walk = gp_test_walk_route (fixture->route, 1.4, t ("2026-11-23T09:00:00+08:00"), 1);
  double reference = gp_test_walk_length (walk);
  g_autoptr(GpPatrolRecorder) recorder = record (fixture, walk);
  g_autoptr(GpDocument) patrol = gp_documents_load (fixture->store, gp_patrol_recorder_get_id (recorder), NULL);
  g_autoptr(GArray) decoded = NULL;
  g_autoptr(GArray) left = NULL;
  double distance = gp_patrol_recorder_get_distance (recorder);

  g_test_message ("recorded %.2f m of a %.2f m walk (%.3f %%)", distance, reference,
                  100 * (distance - reference) / reference);
  g_assert_cmpfloat (fabs (distance - reference) / reference, <, 0.005);
  g_assert_cmpuint (gp_patrol_recorder_get_n_reached (recorder), ==, gp_route_get_n_checkpoints (fixture->route));

  g_assert_cmpstr (gp_patrol_get_status (GP_PATROL (patrol)), ==, GP_PATROL_FINISHED);
  g_assert_cmpfloat_with_epsilon (gp_patrol_get_distance_m (GP_PATROL (patrol)), distance, 0.06);
  decoded = gp_track_decode (gp_patrol_get_track (GP_PATROL (patrol)), NULL);
  g_assert_cmpuint (decoded->len, ==, gp_patrol_recorder_get_track (recorder)->len);
  g_assert_cmpuint (decoded->len, <, walk->len / 3);   /* one point every 5 m, not every fix */
  /* The device's own copy of the track is gone. */
  left = gp_recorded_track_load (fixture->store, gp_patrol_recorder_get_id (recorder), NULL);
  g_assert_cmpuint (left->len, ==, 0);
}

static GpFix
fix_at (GpGeoPoint where,
        gint64     time,
        double     accuracy)
{
  GpFix fix = { 0 };

  fix.latitude = where.lat;
  fix.longitude = where.lon;
  fix.time = time;
  fix.accuracy = accuracy;
  return fix;
}

/* A checkpoint is reached within its radius, not a step outside. */
static void
test_checkpoint_radius (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GpPatrolRecorder) recorder = gp_patrol_recorder_new (fixture->store, GP_DEMO_GRID_CODE, fixture->route,
                                                                 "wang");
  GpCheckpoint first, second;
  gint64 now = t ("2026-11-23T09:00:00+08:00");
  GpFix fix;

  g_assert_true (gp_route_get_checkpoint (fixture->route, 0, &first));
  g_assert_true (gp_route_get_checkpoint (fixture->route, 1, &second));
  g_assert_true (gp_patrol_recorder_start (recorder, now, NULL));

  fix = fix_at (gp_geo_offset (first.position, first.radius + 0.2, 0), now + G_USEC_PER_SEC, 5);
  gp_patrol_recorder_add_fix (recorder, &fix);
  g_assert_false (gp_patrol_recorder_is_reached (recorder, first.id));
  fix = fix_at (gp_geo_offset (first.position, first.radius - 0.2, 0), now + 2 * G_USEC_PER_SEC, 5);
  gp_patrol_recorder_add_fix (recorder, &fix);
  g_assert_true (gp_patrol_recorder_is_reached (recorder, first.id));
  g_assert_false (gp_patrol_recorder_is_reached (recorder, second.id));

  /* The next one is the second, with its distance and direction. */
  {
    GpCheckpoint next;
    double distance, bearing;

    g_assert_true (gp_patrol_recorder_get_next (recorder, &next, &distance, &bearing));
    g_assert_cmpstr (next.id, ==, second.id);
    g_assert_cmpfloat_with_epsilon (distance, gp_geo_distance (gp_geo_offset (first.position, first.radius - 0.2, 0),
                                                              second.position), 0.01);
    g_assert_cmpfloat (bearing, >=, 0);
    g_assert_cmpfloat (bearing, <, 360);
  }
}

/* Standing still adds no distance; jumps and poor fixes are dropped. */
static void
test_filtering (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GpPatrolRecorder) recorder = gp_patrol_recorder_new (fixture->store, GP_DEMO_GRID_CODE, NULL, "wang");
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  GpGeoPoint here = { 108.9402, 34.2586 };
  gint64 now = t ("2026-11-23T09:00:00+08:00");
  GpFix fix;

  g_assert_true (gp_patrol_recorder_start (recorder, now, NULL));
  /* Five minutes waiting at a door, the receiver wandering by ±3 m. */
  for (guint i = 0; i < 300; i++)
    {
      fix = fix_at (gp_geo_offset (here, g_rand_double_range (rand, -3, 3), g_rand_double_range (rand, -3, 3)),
                    now + i * G_USEC_PER_SEC, 6);
      g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &fix), <=, GP_FIX_USED);
    }
  g_assert_cmpfloat (gp_patrol_recorder_get_distance (recorder), <, 1.0);

  fix = fix_at (gp_geo_offset (here, 500, 0), now + 301 * G_USEC_PER_SEC, 6);
  g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &fix), ==, GP_FIX_JUMP);
  fix = fix_at (gp_geo_offset (here, 20, 0), now + 302 * G_USEC_PER_SEC, 80);
  g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &fix), ==, GP_FIX_INACCURATE);
  fix = fix_at (here, now + 100 * G_USEC_PER_SEC, 5);
  g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &fix), ==, GP_FIX_STALE);
  fix = fix_at (gp_geo_offset (here, 20, 0), now + 320 * G_USEC_PER_SEC, 5);
  g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &fix), ==, GP_FIX_KEPT);
  /* Twenty metres, give or take the ±3 m of where the wait was and one
   * accuracy radius for the wandering: never the wandering itself. */
  g_assert_cmpfloat (gp_patrol_recorder_get_distance (recorder), >, 15);
  g_assert_cmpfloat (gp_patrol_recorder_get_distance (recorder), <, 29);

  /* Paused: nothing recorded (src/model/README.md §7). */
  g_assert_true (gp_patrol_recorder_pause (recorder, now + 321 * G_USEC_PER_SEC, NULL));
  fix = fix_at (gp_geo_offset (here, 40, 0), now + 330 * G_USEC_PER_SEC, 5);
  g_assert_cmpint (gp_patrol_recorder_add_fix (recorder, &fix), ==, GP_FIX_NOT_RUNNING);
  g_assert_cmpint (gp_patrol_recorder_get_elapsed (recorder, now + 400 * G_USEC_PER_SEC), ==, 321 * G_USEC_PER_SEC);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

static char *
ctl_out (Fixture     *fixture,
         int          expected,
         char       **err,
         ...)
{
  g_autoptr(GPtrArray) argv = gp_test_ctl_argv ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, fixture->dir);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, err,
                               &status, &error));
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != expected)
    g_error ("gridpatrolctl exited with %d, not %d: %s", WEXITSTATUS (status), expected, err ? *err : "");
  return out;
}

static JsonObject *
show (Fixture    *fixture,
      const char *id)
{
  g_autofree char *out = ctl_out (fixture, 0, NULL, "show", id, "--json", NULL);
  g_autoptr(JsonNode) node = json_from_string (out, NULL);

  return json_object_ref (json_node_get_object (node));
}

/* gridpatrolctl patrol replay: the same checkpoints and distance. */
static void
test_ctl_replay (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GArray) walk = gp_test_walk_route (fixture->route, 1.4, t ("2026-11-23T09:00:00+08:00"), 1);
  g_autofree char *gpx = gp_test_walk_gpx (walk);
  g_autofree char *path = write_file (fixture, "walk.gpx", gpx);
  g_autofree char *empty = write_file (fixture, "empty.nmea", "$GNRMC,010000.00,V,,,,,,,231126,,,N*5A\r\nnoise\r\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) patrol = NULL;
  JsonArray *reached;
  double reference = gp_test_walk_length (walk);

  g_clear_object (&fixture->store);   /* the command has the store */
  out = ctl_out (fixture, 0, &err, "patrol", "replay", gp_document_get_id (GP_DOCUMENT (fixture->route)), path,
                 "--as", "wang", NULL);
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "patrol:"));
  patrol = show (fixture, out);
  g_assert_cmpfloat (fabs (json_object_get_double_member (patrol, "distance_m") - reference) / reference, <, 0.005);
  reached = json_object_get_array_member (patrol, "checkpoints_reached");
  g_assert_cmpuint (json_array_get_length (reached), ==, gp_route_get_n_checkpoints (fixture->route));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (patrol, "checkpoints_missed")), ==, 0);
  g_assert_true (json_object_has_member (json_array_get_object_element (reached, 0), "at"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&patrol, json_object_unref);

  /* No usable point: a patrol of zero distance, every checkpoint missed. */
  out = ctl_out (fixture, 0, &err, "patrol", "replay", gp_document_get_id (GP_DOCUMENT (fixture->route)), empty, NULL);
  g_assert_nonnull (strstr (err, "2 items of the file skipped"));
  patrol = show (fixture, g_strstrip (out));
  g_assert_cmpfloat (json_object_get_double_member (patrol, "distance_m"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (patrol, "checkpoints_missed")), ==,
                    gp_route_get_n_checkpoints (fixture->route));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* An unknown route, a file that is no track. */
  out = ctl_out (fixture, 1, &err, "patrol", "replay", "route:nowhere", path, NULL);
  g_assert_nonnull (strstr (err, "there is no route route:nowhere"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = ctl_out (fixture, 1, &err, "patrol", "replay", gp_document_get_id (GP_DOCUMENT (fixture->route)),
                 fixture->dir, NULL);
  g_assert_nonnull (strstr (err, "cannot be read"));
}

/* A recording process killed mid-patrol: the store opens, the points
 * written are there, and the patrol can be finished. */
static void
test_crash (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GArray) walk = gp_test_walk_route (fixture->route, 1.4, t ("2026-11-23T09:00:00+08:00"), 1);
  g_autofree char *gpx = gp_test_walk_gpx (walk);
  g_autofree char *path = write_file (fixture, "walk.gpx", gpx);
  g_autoptr(GPtrArray) argv = gp_test_ctl_command ("--data-dir", fixture->dir, "patrol", "replay",
                                                    gp_document_get_id (GP_DOCUMENT (fixture->route)), path,
                                                    "--speed", "100", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  g_autofree char *line = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GpDocument) patrol = NULL;
  GPid pid;
  int out_fd, status;

  g_clear_object (&fixture->store);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                           NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  g_assert_cmpint (g_io_channel_read_line (channel, &line, NULL, NULL, &error), ==, G_IO_STATUS_NORMAL);
  id = g_strstrip (g_strdup (line));
  g_assert_true (g_str_has_prefix (id, "patrol:"));

  /* Two seconds at a hundred times: a few minutes of walk. */
  g_usleep (2 * G_USEC_PER_SEC);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));

  fixture->store = gp_test_open_store (fixture->dir);
  patrol = gp_documents_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_patrol_get_status (GP_PATROL (patrol)), !=, GP_PATROL_FINISHED);
  points = gp_recorded_track_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_test_message ("%u track points survived the kill", points->len);
  g_assert_cmpuint (points->len, >, 10);
  g_clear_object (&fixture->store);

  out = ctl_out (fixture, 0, NULL, "patrol", "finish", id, NULL);
  g_assert_true (g_str_has_prefix (out, id));
  fixture->store = gp_test_open_store (fixture->dir);
  g_clear_object (&patrol);
  patrol = gp_documents_load (fixture->store, id, &error);
  g_assert_cmpstr (gp_patrol_get_status (GP_PATROL (patrol)), ==, GP_PATROL_FINISHED);
  g_assert_cmpfloat (gp_patrol_get_distance_m (GP_PATROL (patrol)), >, 10);
  g_assert_nonnull (gp_patrol_get_track (GP_PATROL (patrol)));
}

/* Visits and coverage. */
static void
test_visits (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *visit = NULL;
  g_autofree char *list = NULL;
  g_autofree char *old = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -45);
  g_autofree char *long_ago_text = g_date_time_format_iso8601 (long_ago);
  JsonArray *households;

  g_clear_object (&fixture->store);
  visit = ctl_out (fixture, 0, NULL, "visit", "household:610103003003-01-1-101", "--note", "独居老人，身体好",
                   "--tag", "all_well", "--tag", "policy_explained", "--as", "wang", NULL);
  g_assert_true (g_str_has_prefix (visit, "visit:"));
  g_strchomp (visit);
  {
    g_autofree char *shown = ctl_out (fixture, 0, NULL, "show", visit, "--json", NULL);
    g_autoptr(JsonNode) shown_node = json_from_string (shown, NULL);
    JsonArray *tags = gp_json_get_array (json_node_get_object (shown_node), "tags");

    g_assert_nonnull (tags);
    g_assert_cmpuint (json_array_get_length (tags), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "all_well");
    g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "policy_explained");
  }
  /* A tag nobody knows is wrong usage, and nothing is recorded. */
  g_free (ctl_out (fixture, 2, &err, "visit", "household:610103003003-01-1-103", "--tag", "happy", NULL));
  g_assert_nonnull (strstr (err, "“happy” is not a visit tag"));
  old = ctl_out (fixture, 0, NULL, "visit", "household:610103003003-01-1-102", "--at", long_ago_text, NULL);
  g_clear_pointer (&err, g_free);
  g_free (ctl_out (fixture, 1, &err, "visit", "household:nobody", NULL));
  g_assert_nonnull (strstr (err, "there is no household household:nobody"));

  list = ctl_out (fixture, 0, NULL, "list", "households", "--json", "--not-visited-days", "30", NULL);
  node = json_from_string (list, NULL);
  households = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (households), ==, 419);   /* all but the one visited today */
  for (guint i = 0; i < json_array_get_length (households); i++)
    {
      JsonObject *household = json_array_get_object_element (households, i);

      g_assert_cmpstr (gp_json_get_string (household, "_id"), !=, "household:610103003003-01-1-101");
      if (g_str_equal (gp_json_get_string (household, "_id"), "household:610103003003-01-1-102"))
        g_assert_nonnull (gp_json_get_string (household, "last_visit"));
    }

  /* Two visits: the refused ones left nothing behind. */
  {
    g_autofree char *visits = ctl_out (fixture, 0, NULL, "list", "visits", "--json", NULL);
    g_autoptr(JsonNode) visits_node = json_from_string (visits, NULL);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (visits_node)), ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/patrol/read-walk", Fixture, NULL, fixture_set_up, test_read_walk, fixture_tear_down);
  g_test_add ("/patrol/bad-nmea", Fixture, NULL, fixture_set_up, test_bad_nmea, fixture_tear_down);
  g_test_add ("/patrol/bad-gpx", Fixture, NULL, fixture_set_up, test_bad_gpx, fixture_tear_down);
  g_test_add ("/patrol/hostile-numbers", Fixture, NULL, fixture_set_up, test_hostile_numbers, fixture_tear_down);
  g_test_add ("/patrol/distance-and-checkpoints", Fixture, NULL, fixture_set_up, test_distance_and_checkpoints,
              fixture_tear_down);
  g_test_add ("/patrol/checkpoint-radius", Fixture, NULL, fixture_set_up, test_checkpoint_radius, fixture_tear_down);
  g_test_add ("/patrol/filtering", Fixture, NULL, fixture_set_up, test_filtering, fixture_tear_down);
  g_test_add ("/patrol/ctl-replay", Fixture, NULL, fixture_set_up, test_ctl_replay, fixture_tear_down);
  g_test_add ("/patrol/crash", Fixture, NULL, fixture_set_up, test_crash, fixture_tear_down);
  g_test_add ("/patrol/visits", Fixture, NULL, fixture_set_up, test_visits, fixture_tear_down);

  return g_test_run ();
}
