/* test-basemap.c — tile maths, MBTiles files, and the grid's basemap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-basemap.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-mbtiles.h"
#include "gp-store.h"
#include "gp-test-util.h"
#include "gp-tile.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <sqlite3.h>
#include <string.h>

/* Tile maths, against tile numbers published for these places. */
static void
test_tile_maths (void)
{
  const struct
  {
    double lat, lon;
    guint  zoom, x, y, tms;
  } places[] = {
    { 34.26, 108.94, 17, 105199, 52244, 78827 },     /* the demo grid, 西安 */
    { 34.26, 108.94, 14, 13149, 6530, 9853 },
    { 34.26, 108.94, 19, 420799, 208979, 315308 },
    { 51.5074, -0.1278, 10, 511, 340, 683 },          /* London */
    { -33.8688, 151.2093, 12, 3768, 2457, 1638 },     /* Sydney */
    { 0.0, 0.0, 1, 1, 1, 0 },
  };
  GpTile tile = { 17, 105199, 52244 };
  GpGeoBounds bounds;
  double x, y, lon, lat;

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      GpTile found = gp_tile_at (places[i].lon, places[i].lat, places[i].zoom);

      g_assert_cmpuint (found.x, ==, places[i].x);
      g_assert_cmpuint (found.y, ==, places[i].y);
      g_assert_cmpuint (gp_tile_flip_y (places[i].zoom, found.y), ==, places[i].tms);
      g_assert_cmpuint (gp_tile_flip_y (places[i].zoom, places[i].tms), ==, places[i].y);
    }

  gp_tile_get_bounds (&tile, &bounds);
  g_assert_cmpfloat_with_epsilon (bounds.west, 108.937683105, 1e-8);
  g_assert_cmpfloat_with_epsilon (bounds.east, 108.940429688, 1e-8);
  g_assert_cmpfloat_with_epsilon (bounds.south, 34.259486515, 1e-8);
  g_assert_cmpfloat_with_epsilon (bounds.north, 34.261756524, 1e-8);

  /* Projecting and back is the identity; the poles are clamped. */
  gp_tile_project (108.94, 34.26, &x, &y);
  gp_tile_unproject (x, y, &lon, &lat);
  g_assert_cmpfloat_with_epsilon (lon, 108.94, 1e-9);
  g_assert_cmpfloat_with_epsilon (lat, 34.26, 1e-9);
  gp_tile_project (0, 90, &x, &y);
  g_assert_cmpfloat_with_epsilon (y, 0.0, 1e-9);

  /* A zoom 19 pixel near 西安 is about a quarter of a metre. */
  g_assert_cmpfloat_with_epsilon (gp_tile_meters_per_pixel (34.26, 19), 0.2468, 1e-3);
}

static void
test_tile_range_covers_bounds (void)
{
  GpGeoBounds bounds = { 108.9370, 34.2560, 108.9435, 34.2610 };

  for (guint zoom = 10; zoom <= 20; zoom++)
    {
      GpTileRange range = gp_tile_range_for_bounds (&bounds, zoom);
      GpGeoBounds first, last;
      GpTile north_west = { zoom, range.min_x, range.min_y };
      GpTile south_east = { zoom, range.max_x, range.max_y };

      gp_tile_get_bounds (&north_west, &first);
      gp_tile_get_bounds (&south_east, &last);
      /* Every corner of the bounds falls in a tile of the range... */
      g_assert_cmpfloat (first.west, <=, bounds.west);
      g_assert_cmpfloat (first.north, >=, bounds.north);
      g_assert_cmpfloat (last.east, >=, bounds.east);
      g_assert_cmpfloat (last.south, <=, bounds.south);
      /* ...and no tile is spare. */
      g_assert_cmpfloat (first.east, >, bounds.west);
      g_assert_cmpfloat (last.west, <, bounds.east);
      g_assert_cmpuint (gp_tile_range_count (&range), ==,
                        (range.max_x - range.min_x + 1) * (range.max_y - range.min_y + 1));
    }
}

/* MBTiles files. */

static GBytes *
png_of_colour (guint32 rgb)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length;
  int fd = g_file_open_tmp ("tile-XXXXXX.png", &path, NULL);

  close (fd);
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_unlink (path);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

static char *
make_mbtiles (const char *dir,
              const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_create (path, "png", &error);
  g_autoptr(GBytes) red = png_of_colour (0xff0000);

  g_assert_no_error (error);
  g_assert_true (gp_mbtiles_begin (mbtiles, &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "name", "test", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "format", "png", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "minzoom", "17", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "maxzoom", "17", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "bounds", "108.93,34.25,108.95,34.27", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "center", "108.94,34.26,17", &error));
  g_assert_true (gp_mbtiles_write_tile (mbtiles, 17, 105199, 52244, red, "d1", &error));
  g_assert_true (gp_mbtiles_commit (mbtiles, &error));
  return g_steal_pointer (&path);
}

static void
test_mbtiles_round_trip (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *path = make_mbtiles (dir, "a.mbtiles");
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_open (path, &error);
  g_autoptr(GBytes) tile = NULL;
  g_autoptr(GBytes) none = NULL;
  GpGeoBounds bounds;
  GpGeoPoint centre;
  guint min_zoom, max_zoom, zoom;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (gp_mbtiles_get_format (mbtiles), ==, "png");
  g_assert_true (gp_mbtiles_get_zoom_range (mbtiles, &min_zoom, &max_zoom));
  g_assert_cmpuint (min_zoom, ==, 17);
  g_assert_true (gp_mbtiles_get_bounds (mbtiles, &bounds));
  g_assert_cmpfloat (bounds.west, ==, 108.93);
  g_assert_true (gp_mbtiles_get_center (mbtiles, &centre, &zoom));
  g_assert_cmpuint (zoom, ==, 17);
  g_assert_cmpint (gp_mbtiles_count_tiles (mbtiles), ==, 1);

  /* Asked for in XYZ... */
  tile = gp_mbtiles_read_tile (mbtiles, 17, 105199, 52244, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tile);
  none = gp_mbtiles_read_tile (mbtiles, 17, 105199, 52245, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* ...stored in TMS rows, as MBTiles wants. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT tile_row FROM tiles", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 78827);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  gp_test_remove_dir (dir);
}

static void
write_file (const char *path,
            const char *data,
            gssize      length)
{
  g_assert_true (g_file_set_contents (path, data, length, NULL));
}

static void
test_mbtiles_refused (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *good = make_mbtiles (dir, "good.mbtiles");
  g_autofree char *contents = NULL;
  gsize length;
  g_autofree char *truncated = g_build_filename (dir, "truncated.mbtiles", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.mbtiles", NULL);
  g_autofree char *text = g_build_filename (dir, "text.mbtiles", NULL);
  g_autofree char *no_tables = g_build_filename (dir, "plain.sqlite", NULL);
  g_autofree char *vector = g_build_filename (dir, "vector.mbtiles", NULL);
  g_autofree char *not_images = g_build_filename (dir, "garbage.mbtiles", NULL);
  g_autofree char *no_tiles = g_build_filename (dir, "no-tiles.mbtiles", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.mbtiles", NULL);
  g_autofree char *recursive = g_build_filename (dir, "recursive.mbtiles", NULL);
  g_autofree char *view_of_view = g_build_filename (dir, "view-of-view.mbtiles", NULL);
  struct
  {
    const char *path;
    gint        code;
    const char *says;
  } cases[] = {
    { missing, GP_MBTILES_ERROR_NOT_FOUND, "no such file" },
    { empty, GP_MBTILES_ERROR_NOT_MBTILES, "empty" },
    { text, GP_MBTILES_ERROR_NOT_MBTILES, "not an SQLite database" },
    { truncated, GP_MBTILES_ERROR_TRUNCATED, "truncated" },
    { no_tables, GP_MBTILES_ERROR_NOT_MBTILES, "no “metadata” and “tiles” tables" },
    { vector, GP_MBTILES_ERROR_UNSUPPORTED, "“pbf”" },
    { not_images, GP_MBTILES_ERROR_CORRUPT, "not the PNG or JPEG images" },
    { no_tiles, GP_MBTILES_ERROR_NOT_MBTILES, "no tiles" },
    { recursive, GP_MBTILES_ERROR_UNSUPPORTED, "a view this app does not read" },
    { view_of_view, GP_MBTILES_ERROR_UNSUPPORTED, "a view this app does not read" },
  };
  sqlite3 *db = NULL;

  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  write_file (truncated, contents, length / 2);
  write_file (empty, "", 0);
  write_file (text, "Just a note, not a map at all. Just a note, not a map at all. "
                    "Just a note, not a map at all.", -1);

  g_assert_cmpint (sqlite3_open (no_tables, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE things (a); INSERT INTO things VALUES (1);", NULL, NULL, NULL);
  sqlite3_close (db);

  g_assert_cmpint (sqlite3_open (vector, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'pbf');"
                    "CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data);"
                    "INSERT INTO tiles VALUES (0, 0, 0, x'1a2b');", NULL, NULL, NULL);
  sqlite3_close (db);

  g_assert_cmpint (sqlite3_open (not_images, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'png');"
                    "CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data);"
                    "INSERT INTO tiles VALUES (0, 0, 0, x'00112233445566778899');", NULL, NULL, NULL);
  sqlite3_close (db);

  g_assert_cmpint (sqlite3_open (no_tiles, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                    "CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data);", NULL, NULL, NULL);
  sqlite3_close (db);

  /* A "tiles" that never ends: 8 KB that once kept the app busy forever. */
  g_assert_cmpint (sqlite3_open (recursive, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'png');"
                    "CREATE VIEW tiles AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT 0 AS zoom_level, 0 AS tile_column, i AS tile_row, x'00' AS tile_data FROM n "
                    "WHERE i < 0;", NULL, NULL, NULL);
  sqlite3_close (db);

  /* The spec's layout, but "map" a view of something else. */
  g_assert_cmpint (sqlite3_open (view_of_view, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                    "CREATE TABLE stuff (zoom_level, tile_column, tile_row, tile_id);"
                    "CREATE TABLE images (tile_id, tile_data);"
                    "CREATE VIEW map AS SELECT a.* FROM stuff a, stuff b, stuff c, stuff d;"
                    "CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, "
                    "map.tile_row AS tile_row, images.tile_data AS tile_data "
                    "FROM map JOIN images ON images.tile_id = map.tile_id;", NULL, NULL, NULL);
  sqlite3_close (db);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_open (cases[i].path, &error);

      g_assert_null (mbtiles);
      g_test_message ("%s: %s", cases[i].path, error->message);
      g_assert_error (error, GP_MBTILES_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].says);
    }

  /* The spec's de-duplicated layout opens and reads. */
  {
    g_autofree char *views = g_build_filename (dir, "views.mbtiles", NULL);
    g_autoptr(GpMbtiles) mbtiles = NULL;
    g_autoptr(GpMbtiles) source = gp_mbtiles_open (good, NULL);
    g_autoptr(GBytes) tile = NULL;
    g_autoptr(GError) error = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_nonnull (source);
    g_assert_cmpint (sqlite3_open (views, &db), ==, SQLITE_OK);
    sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'png');"
                      "CREATE TABLE map (zoom_level, tile_column, tile_row, tile_id);"
                      "CREATE TABLE images (tile_id, tile_data);"
                      "CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column, "
                      "map.tile_row AS tile_row, images.tile_data AS tile_data "
                      "FROM map JOIN images ON images.tile_id = map.tile_id;"
                      "INSERT INTO map VALUES (14, 13341, 9906, 'a');", NULL, NULL, NULL);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO images VALUES ('a', ?1)", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_blob (stmt, 1, "\x89PNG\r\n\x1a\n", 8, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
    sqlite3_close (db);

    mbtiles = gp_mbtiles_open (views, &error);
    g_assert_no_error (error);
    tile = gp_mbtiles_read_tile (mbtiles, 14, 13341, gp_tile_flip_y (14, 9906), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (tile), ==, 8);
  }

  gp_test_remove_dir (dir);
}

/* The basemap of the demo grid. */

typedef struct
{
  char    *dir;
  char    *path;
  GpStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, 420, GP_DEMO_DEFAULT_SEED, &error));
  fixture->path = gp_basemap_dup_path (fixture->dir, GP_DEMO_GRID_CODE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* The colour of one pixel of a tile, 0xRRGGBB. */
static guint32
pixel_at (GpMbtiles  *mbtiles,
          double      lon,
          double      lat,
          guint       zoom)
{
  GpTile tile = gp_tile_at (lon, lat, zoom);
  g_autoptr(GBytes) png = gp_mbtiles_read_tile (mbtiles, zoom, tile.x, tile.y, NULL);
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  double x, y, world = 256.0 * (1u << zoom);
  int px, py, fd;
  guint32 pixel;

  g_assert_nonnull (png);
  fd = g_file_open_tmp ("pixel-XXXXXX.png", &path, NULL);
  close (fd);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
  surface = cairo_image_surface_create_from_png (path);
  g_unlink (path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);

  gp_tile_project (lon, lat, &x, &y);
  px = (int) (x * world) - (int) tile.x * 256;
  py = (int) (y * world) - (int) tile.y * 256;
  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, <, 256);
  cairo_surface_flush (surface);
  pixel = ((guint32 *) (cairo_image_surface_get_data (surface) +
                        py * cairo_image_surface_get_stride (surface)))[px];
  cairo_surface_destroy (surface);
  return pixel & 0xffffff;
}

static GpDocument *
first_building (GpStore *store)
{
  g_autoptr(GPtrArray) buildings = gp_documents_load_all (store, "building", GP_DEMO_GRID_CODE, NULL);

  return g_object_ref (g_ptr_array_index (buildings, 0));
}

static void
test_render_demo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = NULL;
  g_autoptr(GpDocument) building = first_building (fixture->store);
  g_autoptr(GpDocument) grid = gp_documents_load (fixture->store, GP_DEMO_GRID_ID, NULL);
  GpBasemapStats stats;
  GpGeoBounds bounds, grid_bounds;
  GpGeoPoint centre;
  guint min_zoom, max_zoom, expected = 0;
  g_autofree char *name = NULL;

  g_assert_true (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 14, 19,
                                    NULL, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.rendered, ==, stats.total);
  g_assert_cmpint (stats.bytes, >, 0);

  mbtiles = gp_mbtiles_open (fixture->path, &error);
  g_assert_no_error (error);
  name = gp_mbtiles_dup_metadata (mbtiles, "name");
  g_assert_cmpstr (name, ==, "文昌花园网格");
  g_assert_cmpstr (gp_mbtiles_get_format (mbtiles), ==, "png");
  g_assert_true (gp_mbtiles_get_zoom_range (mbtiles, &min_zoom, &max_zoom));
  g_assert_cmpuint (min_zoom, ==, 14);
  g_assert_cmpuint (max_zoom, ==, 19);
  g_assert_true (gp_mbtiles_get_center (mbtiles, &centre, NULL));

  /* The bounds cover the grid with a margin, and every tile over them is there. */
  g_assert_true (gp_mbtiles_get_bounds (mbtiles, &bounds));
  g_assert_true (gp_geo_geometry_get_bounds (gp_document_get_geometry (grid), &grid_bounds));
  g_assert_cmpfloat (bounds.west, <, grid_bounds.west);
  g_assert_cmpfloat (bounds.east, >, grid_bounds.east);
  g_assert_cmpfloat (bounds.south, <, grid_bounds.south);
  g_assert_cmpfloat (bounds.north, >, grid_bounds.north);
  for (guint zoom = 14; zoom <= 19; zoom++)
    {
      GpTileRange range = gp_tile_range_for_bounds (&bounds, zoom);

      expected += gp_tile_range_count (&range);
      for (guint y = range.min_y; y <= range.max_y; y++)
        for (guint x = range.min_x; x <= range.max_x; x++)
          {
            g_autoptr(GBytes) tile = gp_mbtiles_read_tile (mbtiles, zoom, x, y, NULL);

            g_assert_nonnull (tile);
          }
    }
  g_assert_cmpuint (expected, ==, stats.total);
  g_assert_cmpint (gp_mbtiles_count_tiles (mbtiles), ==, stats.total);

  /* A building's centre is drawn in the building's colour (zoom 16 has no
   * labels over it). */
  g_assert_true (gp_geo_geometry_get_center (gp_document_get_geometry (building), &centre));
  g_assert_cmpuint (pixel_at (mbtiles, centre.lon, centre.lat, 16), ==, GP_BASEMAP_BUILDING_FILL);
  /* And at zoom 19, between its centre (the label) and its corner. */
  {
    GpGeoBounds footprint;

    gp_geo_geometry_get_bounds (gp_document_get_geometry (building), &footprint);
    g_assert_cmpuint (pixel_at (mbtiles, footprint.west + (centre.lon - footprint.west) * 0.3,
                                footprint.north - (footprint.north - centre.lat) * 0.3, 19),
                      ==, GP_BASEMAP_BUILDING_FILL);
  }
}

/* Moves a building's footprint some metres east. */
static void
move_building (GpStore    *store,
               GpDocument *building,
               double      east_m)
{
  JsonObject *geometry = gp_document_get_geometry (building);
  JsonArray *ring = json_array_get_array_element (json_object_get_array_member (geometry, "coordinates"), 0);
  GpGeoPoint *points = g_new (GpGeoPoint, json_array_get_length (ring));
  guint n = json_array_get_length (ring);
  g_autoptr(JsonObject) moved = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      gp_geo_position_parse (json_array_get_element (ring, i), &points[i], NULL);
      points[i] = gp_geo_offset (points[i], east_m, 0);
    }
  moved = gp_geo_polygon_new (points, n - 1);
  gp_document_set_geometry (building, moved);
  g_assert_true (gp_documents_save (store, building, GP_STORE_PUT_NONE, &error));
  g_free (points);
}

static void
test_render_incremental (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpDocument) building = first_building (fixture->store);
  g_autoptr(GpMbtiles) mbtiles = NULL;
  GpBasemapStats first, again, moved;
  GpGeoPoint old_centre, new_centre;

  g_assert_true (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 14, 19,
                                    NULL, NULL, NULL, &first, &error));
  g_assert_true (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 14, 19,
                                    NULL, NULL, NULL, &again, &error));
  g_assert_no_error (error);

  /* Nothing changed, nothing drawn. */
  g_assert_cmpuint (again.rendered, ==, 0);
  g_assert_cmpuint (again.unchanged, ==, first.total);

  /* One building moves 12 m: only the tiles around it are drawn again. */
  gp_geo_geometry_get_center (gp_document_get_geometry (building), &old_centre);
  move_building (fixture->store, building, 12.0);
  gp_geo_geometry_get_center (gp_document_get_geometry (building), &new_centre);
  g_assert_true (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 14, 19,
                                    NULL, NULL, NULL, &moved, &error));
  g_assert_no_error (error);
  g_test_message ("moved a building: %u of %u tiles drawn", moved.rendered, moved.total);
  g_assert_cmpuint (moved.rendered, >, 0);
  g_assert_cmpuint (moved.rendered * 5, <, moved.total);
  g_assert_cmpuint (moved.rendered + moved.unchanged, ==, moved.total);

  /* And the drawn tiles show it where it is now. */
  mbtiles = gp_mbtiles_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pixel_at (mbtiles, new_centre.lon, new_centre.lat, 16), ==, GP_BASEMAP_BUILDING_FILL);

  /* A smaller zoom range drops the tiles it no longer has. */
  g_clear_object (&mbtiles);
  g_assert_true (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 15, 18,
                                    NULL, NULL, NULL, &again, &error));
  g_assert_cmpuint (again.removed, >, 0);
  g_assert_cmpuint (again.rendered, ==, 0);
  mbtiles = gp_mbtiles_open (fixture->path, &error);
  g_assert_cmpint (gp_mbtiles_count_tiles (mbtiles), ==, again.total);
}

static void
test_render_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpGrid) bare = gp_grid_new ("BARE");
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *bare_path = gp_basemap_dup_path (fixture->dir, "BARE");

  g_assert_false (gp_basemap_render (fixture->store, "NOPE", fixture->path, 14, 19, NULL, NULL,
                                     NULL, NULL, &error));
  g_assert_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_NO_GRID);
  g_clear_error (&error);

  g_assert_false (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 19, 14, NULL,
                                     NULL, NULL, NULL, &error));
  g_assert_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_BAD_ZOOM);
  g_clear_error (&error);

  /* A grid from elsewhere with no geometry at all: refused, nothing written. */
  g_object_set (bare, "name", "空网格", NULL);
  json = gp_document_to_json (GP_DOCUMENT (bare));
  g_free (gp_store_put (fixture->store, json, NULL, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_assert_false (gp_basemap_render (fixture->store, "BARE", bare_path, 14, 19, NULL, NULL, NULL,
                                     NULL, &error));
  g_assert_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_NO_GEOMETRY);
  g_assert_false (g_file_test (bare_path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A shape 15 km out, within the grid's reach, would make a map of
   * hundreds of thousands of tiles: refused before drawing any. */
  {
    g_autoptr(GpComponent) far = GP_COMPONENT (gp_document_new ("component", "component:FAR-1"));
    g_autoptr(JsonObject) point = gp_geo_point_new (gp_geo_offset ((GpGeoPoint) { 108.9402, 34.2586 }, 15000, 0));
    g_autoptr(GpMbtiles) before = NULL;
    gint64 tiles_before;

    g_object_set (far, "grid", GP_DEMO_GRID_CODE, "code", "FAR-1", "kind", "manhole", "name", "远处井盖", NULL);
    gp_document_set_geometry (GP_DOCUMENT (far), point);
    g_assert_true (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 14, 15, NULL, NULL, NULL,
                                      NULL, &error));
    g_assert_no_error (error);
    before = gp_mbtiles_open (fixture->path, &error);
    tiles_before = gp_mbtiles_count_tiles (before);
    g_clear_object (&before);

    gp_documents_save (fixture->store, GP_DOCUMENT (far), GP_STORE_PUT_NONE, &error);
    g_assert_no_error (error);
    g_assert_false (gp_basemap_render (fixture->store, GP_DEMO_GRID_CODE, fixture->path, 14, 19, NULL, NULL, NULL,
                                       NULL, &error));
    g_assert_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_TOO_LARGE);
    g_clear_error (&error);
    before = gp_mbtiles_open (fixture->path, &error);
    g_assert_cmpint (gp_mbtiles_count_tiles (before), ==, tiles_before);
  }
}

typedef struct
{
  guint   calls;
  guint   last_done;
  guint   total;
  gboolean finished;
  GpBasemapStats stats;
} AsyncRun;

static void
on_progress (guint    done,
             guint    total,
             gpointer user_data)
{
  AsyncRun *run = user_data;

  g_assert_cmpuint (done, >=, run->last_done);
  run->calls++;
  run->last_done = done;
  run->total = total;
}

static void
on_rendered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_basemap_render_finish (GP_STORE (source), result, &run->stats, &error));
  g_assert_no_error (error);
  run->finished = TRUE;
}

static gboolean
is_finished (gpointer data)
{
  return ((AsyncRun *) data)->finished;
}

static void
test_render_async (Fixture       *fixture,
                   gconstpointer  data)
{
  AsyncRun run = { 0 };

  gp_basemap_render_async (fixture->store, GP_DEMO_GRID_CODE, fixture->path, on_progress, &run,
                           NULL, on_rendered, &run);
  g_assert_true (gp_test_wait_until (is_finished, &run, 60000));

  /* Progress came, in order, up to the whole. */
  g_assert_cmpuint (run.calls, >, 1);
  g_assert_cmpuint (run.calls, <=, 101);
  g_assert_true (gp_test_wait_until (is_finished, &run, 1000));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (run.last_done, ==, run.total);
  g_assert_cmpuint (run.stats.total, ==, run.total);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/map/tile/maths", test_tile_maths);
  g_test_add_func ("/map/tile/range-covers-bounds", test_tile_range_covers_bounds);
  g_test_add_func ("/map/mbtiles/round-trip", test_mbtiles_round_trip);
  g_test_add_func ("/map/mbtiles/refused", test_mbtiles_refused);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/map/basemap/demo", test_render_demo);
  ADD ("/map/basemap/incremental", test_render_incremental);
  ADD ("/map/basemap/refused", test_render_refused);
  ADD ("/map/basemap/async", test_render_async);
#undef ADD

  return g_test_run ();
}
