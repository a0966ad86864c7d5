/* bench-map.c — what the offline map costs: drawing a basemap, loading the
 * map's data, and one frame of the overlay layer with 500 buildings and
 * 5,000 incident markers.
 *
 * Run with `build-aux/dev bench` (it needs a display: Xvfb). Prints numbers;
 * it never fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-basemap.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-map-data.h"
#include "gp-mbtiles.h"
#include "gp-overlay-layer.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define BIG_GRID     "610103009009"
#define BUILDINGS    500
#define INCIDENTS    5000

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

/* The basemap of a grid drawn from nothing, then again with nothing changed. */
static void
bench_basemap (GpStore    *store,
               const char *grid_code,
               const char *label,
               guint       rounds)
{
  g_autofree char *path = g_build_filename (gp_store_get_dir (store), "bench.mbtiles", NULL);
  g_autofree double *full = g_new (double, rounds);
  g_autofree double *again = g_new (double, rounds);
  g_autofree char *what = NULL;
  GpBasemapStats stats = { 0 };
  double tiles_per_s = 0;

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      double start;

      g_unlink (path);
      start = gp_test_now_ms ();
      g_assert_true (gp_basemap_render (store, grid_code, path, GP_BASEMAP_MIN_ZOOM, GP_BASEMAP_MAX_ZOOM,
                                        NULL, NULL, NULL, &stats, &error));
      full[i] = gp_test_now_ms () - start;
      tiles_per_s += stats.rendered / (full[i] / 1000.0) / rounds;

      start = gp_test_now_ms ();
      g_assert_true (gp_basemap_render (store, grid_code, path, GP_BASEMAP_MIN_ZOOM, GP_BASEMAP_MAX_ZOOM,
                                        NULL, NULL, NULL, &stats, &error));
      again[i] = gp_test_now_ms () - start;
      g_assert_cmpuint (stats.rendered, ==, 0);
    }

  printf ("%s: %u tiles at zoom 14-19, %.2f MB, %.0f tiles/s\n", label, stats.total,
          file_size (path) / 1e6, tiles_per_s);
  what = g_strdup_printf ("%s: whole basemap from nothing", label);
  gp_test_bench_report (what, full, rounds);
  g_free (what);
  what = g_strdup_printf ("%s: again, nothing changed", label);
  gp_test_bench_report (what, again, rounds);
}

/* A large grid: a 25 × 20 lattice of buildings 30 m apart, and 5,000
 * incidents, a tenth of them in buildings, the rest on the lanes. */
static void
make_big_grid (GpStore *store)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) reported = g_date_time_new_from_iso8601 ("2026-11-22T09:00:00+08:00", NULL);
  g_autoptr(GpGrid) grid = gp_grid_new (BIG_GRID);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GpGeoPoint origin = { 108.9300, 34.2500 };
  GpGeoPoint ring[5];
  g_autoptr(JsonObject) boundary = NULL;

  ring[0] = gp_geo_offset (origin, -20, -20);
  ring[1] = gp_geo_offset (origin, 25 * 30 + 20, -20);
  ring[2] = gp_geo_offset (origin, 25 * 30 + 20, 20 * 30 + 20);
  ring[3] = gp_geo_offset (origin, -20, 20 * 30 + 20);
  ring[4] = ring[0];
  boundary = gp_geo_polygon_new (ring, G_N_ELEMENTS (ring));
  g_object_set (grid, "name", "测试大网格", NULL);
  gp_document_set_geometry (GP_DOCUMENT (grid), boundary);
  g_ptr_array_add (documents, g_object_ref (grid));

  for (guint i = 0; i < BUILDINGS; i++)
    {
      g_autofree char *code = g_strdup_printf ("%s-B%03u", BIG_GRID, i);
      g_autofree char *name = g_strdup_printf ("%u号楼", i + 1);
      GpBuilding *building = gp_building_new (code);
      GpGeoPoint corner = gp_geo_offset (origin, (i % 25) * 30.0, (i / 25) * 30.0);
      GpGeoPoint footprint[5] = {
        corner, gp_geo_offset (corner, 20, 0), gp_geo_offset (corner, 20, 10), gp_geo_offset (corner, 0, 10),
        corner,
      };
      g_autoptr(JsonObject) geometry = gp_geo_polygon_new (footprint, G_N_ELEMENTS (footprint));

      JsonArray *units = json_array_new ();
      JsonObject *unit = json_object_new ();

      json_object_set_int_member (unit, "number", 1);
      json_object_set_int_member (unit, "floors", 6);
      json_object_set_int_member (unit, "rooms_per_floor", 2);
      json_array_add_object_element (units, unit);
      g_object_set (building, "grid", BIG_GRID, "name", name, "floors", 6, NULL);
      gp_document_set_member (GP_DOCUMENT (building), "units", json_node_init_array (json_node_alloc (), units));
      json_array_unref (units);
      gp_document_set_geometry (GP_DOCUMENT (building), geometry);
      g_ptr_array_add (documents, building);
    }

  for (guint i = 0; i < INCIDENTS; i++)
    {
      GpIncident *incident = gp_incident_new ();
      guint b = g_rand_int_range (rand, 0, BUILDINGS);
      gboolean inside = i % 10 == 0;
      GpGeoPoint where = gp_geo_offset (origin, (b % 25) * 30.0 + (inside ? 10 : g_rand_double_range (rand, -5, 25)),
                                        (b / 25) * 30.0 + (inside ? 5 : 15 + g_rand_double_range (rand, -3, 3)));
      g_autoptr(JsonObject) point = gp_geo_point_new (where);
      g_autofree char *building = inside ? g_strdup_printf ("building:%s-B%03u", BIG_GRID, b) : NULL;

      g_object_set (incident, "grid", BIG_GRID, "source", GP_SOURCE_PATROL, "category", "06010",
                    "reporter", "wang", "reported-at", reported, "description", "暴露垃圾",
                    "building", building, NULL);
      gp_document_set_geometry (GP_DOCUMENT (incident), point);
      g_ptr_array_add (documents, incident);
    }

  gp_documents_save_all (store, documents, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
}

typedef struct
{
  GtkWidget      *window;
  ShumateMap     *map;
  GpOverlayLayer *overlay;
} Scene;

static gboolean
is_ready (gpointer data)
{
  Scene *scene = data;

  return gtk_widget_get_mapped (scene->window) && gtk_widget_get_width (GTK_WIDGET (scene->overlay)) == 360 &&
         gtk_widget_get_height (GTK_WIDGET (scene->overlay)) == 720;
}

/* One frame of the overlay layer: its snapshot, drawn by the window's
 * renderer into a texture of the screen's size. */
static double
frame_ms (Scene *scene)
{
  GtkWidget *widget = GTK_WIDGET (scene->overlay);
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  double start;

  /* Let the map lay itself out for the new view first: not part of the drawing. */
  gp_test_wait_frames (scene->window, 1);
  start = gp_test_now_ms ();
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (scene->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, 360, 720));
  return gp_test_now_ms () - start;
}

static guint
count_clusters (GpMapData *data,
                double     zoom)
{
  g_autoptr(GArray) clusters = gp_map_data_cluster (data, zoom, zoom < 18.5 ? GP_OVERLAY_CLUSTER_PX : 0);

  return clusters->len;
}

static void
bench_overlay (GpStore *store)
{
  g_autoptr(GpMapData) data = NULL;
  g_autoptr(GError) error = NULL;
  double load[5];
  const double zooms[] = { 15.0, 16.5, 17.5, 19.0 };
  Scene scene = { 0 };
  GpGeoPoint centre;

  for (guint i = 0; i < G_N_ELEMENTS (load); i++)
    {
      double start = gp_test_now_ms ();

      g_clear_object (&data);
      data = gp_map_data_load (store, BIG_GRID, &error);
      g_assert_no_error (error);
      load[i] = gp_test_now_ms () - start;
    }
  g_assert_cmpuint (gp_map_data_get_buildings (data)->len, ==, BUILDINGS);
  g_assert_cmpuint (gp_map_data_get_incidents (data)->len, ==, INCIDENTS);
  gp_test_bench_report ("load the map's data: 500 buildings, 5,000 incidents", load, G_N_ELEMENTS (load));

  scene.window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (scene.window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (scene.window), 360, 720);
  scene.map = shumate_map_new ();
  scene.overlay = gp_overlay_layer_new (shumate_map_get_viewport (scene.map));
  shumate_map_add_layer (scene.map, SHUMATE_LAYER (scene.overlay));
  gtk_window_set_child (GTK_WINDOW (scene.window), GTK_WIDGET (scene.map));
  gp_overlay_layer_set_data (scene.overlay, data);
  gtk_window_present (GTK_WINDOW (scene.window));
  g_assert_true (gp_test_wait_until (is_ready, &scene, 10000));
  g_assert_true (gp_map_data_get_centre (data, &centre));

  printf ("overlay frames at 360×720 with renderer %s:\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (scene.window))));
  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      ShumateViewport *viewport = shumate_map_get_viewport (scene.map);
      double pan[60], regroup[12];
      g_autofree char *what = NULL;

      /* Panning: the clusters of this zoom are kept. */
      shumate_viewport_set_zoom_level (viewport, zooms[z]);
      for (guint i = 0; i < G_N_ELEMENTS (pan); i++)
        {
          GpGeoPoint at = gp_geo_offset (centre, (i % 20) * 3.0 - 30, 0);

          shumate_location_set_location (SHUMATE_LOCATION (viewport), at.lat, at.lon);
          pan[i] = frame_ms (&scene);
        }
      what = g_strdup_printf ("  zoom %.1f, panning (%u clusters or markers)", zooms[z],
                              count_clusters (data, zooms[z]));
      gp_test_bench_report (what, pan, G_N_ELEMENTS (pan));

      /* Zooming: every quarter step regroups the markers. */
      for (guint i = 0; i < G_N_ELEMENTS (regroup); i++)
        {
          shumate_viewport_set_zoom_level (viewport, zooms[z] + (i % 2 ? 0.25 : 0.0));
          regroup[i] = frame_ms (&scene);
        }
      g_free (what);
      what = g_strdup_printf ("  zoom %.1f, first frame after a zoom step", zooms[z]);
      gp_test_bench_report (what, regroup, G_N_ELEMENTS (regroup));
    }

  gtk_window_destroy (GTK_WINDOW (scene.window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *big_dir = g_build_filename (dir, "big", NULL);
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GpStore) big = NULL;
  g_autoptr(GError) error = NULL;

  setvbuf (stdout, NULL, _IOLBF, 0);
  gtk_init ();
  adw_init ();

  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  bench_basemap (store, GP_DEMO_GRID_CODE, "demo grid", 5);

  g_assert_cmpint (g_mkdir_with_parents (big_dir, 0700), ==, 0);
  big = gp_test_open_store (big_dir);
  make_big_grid (big);
  bench_basemap (big, BIG_GRID, "large grid (500 buildings)", 3);
  bench_overlay (big);

  g_clear_object (&store);
  g_clear_object (&big);
  gp_test_remove_dir (dir);
  return 0;
}
