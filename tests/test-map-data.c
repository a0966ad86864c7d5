/* test-map-data.c — what the map overlay draws: hit testing and clusters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-map-data.h"
#include "gp-store.h"
#include "gp-test-util.h"

#include <math.h>

typedef struct
{
  char    *dir;
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
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static GpDocument *
load (GpStore    *store,
      const char *id)
{
  g_autoptr(GError) error = NULL;
  GpDocument *document = gp_documents_load (store, id, &error);

  g_assert_no_error (error);
  return document;
}

/* An incident a few metres east of a point, in a building or not. */
static char *
report (GpStore    *store,
        GpGeoPoint  where,
        double      east_m,
        const char *building)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-11-22T09:00:00+08:00", NULL);
  g_autoptr(JsonObject) point = gp_geo_point_new (gp_geo_offset (where, east_m, 0));
  g_autoptr(GError) error = NULL;

  g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", GP_SOURCE_PATROL,
                "category", "06010", "reporter", "wang", "reported-at", now,
                "description", "暴露垃圾", "building", building, NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  return g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));
}

static void
close_incident (GpStore    *store,
                const char *incident_id,
                const char *action,
                const char *at)
{
  g_autoptr(GpEvent) event = gp_event_new (incident_id);
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (at, NULL);
  g_autoptr(GError) error = NULL;

  g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", action, "actor", "li", "role", "leader",
                "at", time, "reason", "重复", NULL);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
}

static void
test_demo_grid (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMapData) map = gp_map_data_load (fixture->store, GP_DEMO_GRID_CODE, &error);
  GpGeoPoint centre;
  GpGeoBounds bounds;

  g_assert_no_error (error);
  g_assert_cmpstr (gp_map_data_get_grid_name (map), ==, "文昌花园网格");
  g_assert_false (gp_map_data_is_empty (map));
  g_assert_cmpuint (gp_map_data_get_boundary (map)->len, ==, 6);
  g_assert_cmpuint (gp_map_data_get_buildings (map)->len, ==, 14);
  g_assert_cmpuint (gp_map_data_get_routes (map)->len, ==, 2);
  g_assert_cmpuint (gp_map_data_get_incidents (map)->len, ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      GpMapRoute *route = &g_array_index (gp_map_data_get_routes (map), GpMapRoute, i);

      g_assert_cmpuint (route->checkpoints->len, >=, 8);
      g_assert_cmpuint (route->path->len, ==, route->checkpoints->len + 1);
    }

  g_assert_true (gp_map_data_get_centre (map, &centre));
  g_assert_true (gp_map_data_get_bounds (map, &bounds));
  g_assert_cmpfloat (centre.lon, >, bounds.west);
  g_assert_cmpfloat (centre.lat, <, bounds.north);
}

static void
test_building_hit (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GpMapData) map = gp_map_data_load (fixture->store, GP_DEMO_GRID_CODE, NULL);
  g_autoptr(GpDocument) building = load (fixture->store, "building:610103003003-05");
  GpGeoPoint centre;
  GpGeoBounds footprint;
  const GpMapBuilding *hit;

  gp_geo_geometry_get_center (gp_document_get_geometry (building), &centre);
  gp_geo_geometry_get_bounds (gp_document_get_geometry (building), &footprint);

  /* A tap in the building finds it, near its corner too... */
  hit = gp_map_data_building_at (map, gp_tile_project_point (centre));
  g_assert_nonnull (hit);
  g_assert_cmpstr (hit->id, ==, "building:610103003003-05");
  g_assert_cmpstr (hit->name, ==, "5号楼");
  hit = gp_map_data_building_at (map, gp_tile_project_point ((GpGeoPoint) {
                                          footprint.west + 1e-6, footprint.south + 1e-6 }));
  g_assert_nonnull (hit);
  g_assert_cmpstr (hit->id, ==, "building:610103003003-05");

  /* ...a tap a metre outside does not, nor one on the lane. */
  hit = gp_map_data_building_at (map, gp_tile_project_point (gp_geo_offset (
                                   (GpGeoPoint) { footprint.west, centre.lat }, -1.0, 0)));
  g_assert_null (hit);
  hit = gp_map_data_building_at (map, gp_tile_project_point (gp_geo_offset (
                                   (GpGeoPoint) { centre.lon, footprint.south }, 0, -4.0)));
  g_assert_null (hit);

  /* A fingertip reaching 3 m finds it from a metre outside, not from the
   * lane 4 m off. */
  {
    GpMercPoint from = gp_tile_project_point (centre);
    GpMercPoint to = gp_tile_project_point (gp_geo_offset (centre, 3.0, 0));
    double reach = hypot (to.x - from.x, to.y - from.y);

    hit = gp_map_data_building_near (map, gp_tile_project_point (gp_geo_offset (
                                       (GpGeoPoint) { footprint.west, centre.lat }, -1.0, 0)), reach);
    g_assert_nonnull (hit);
    g_assert_cmpstr (hit->id, ==, "building:610103003003-05");
    hit = gp_map_data_building_near (map, gp_tile_project_point (gp_geo_offset (
                                       (GpGeoPoint) { centre.lon, footprint.south }, 0, -4.0)), reach);
    g_assert_null (hit);
    hit = gp_map_data_building_near (map, gp_tile_project_point (centre), 0);
    g_assert_cmpstr (hit->id, ==, "building:610103003003-05");
  }

  g_assert_true (gp_map_data_find_building (map, "building:610103003003-05") != NULL);
  g_assert_null (gp_map_data_find_building (map, "building:nope"));
}

/* Markers take their colour from the case's warning now; a void case has
 * no marker. */
static void
test_markers_and_state (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GpDocument) building = load (fixture->store, "building:610103003003-05");
  g_autoptr(GpMapData) map = NULL;
  g_autofree char *voided = NULL;
  g_autofree char *late = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(GDateTime) just_now = gp_clock_new_now_utc ();
  g_autoptr(GDateTime) minute_ago = g_date_time_add_seconds (just_now, -60);
  const GpMapBuilding *hit;
  GpGeoPoint centre;

  gp_geo_geometry_get_center (gp_document_get_geometry (building), &centre);
  voided = report (fixture->store, centre, 0, "building:610103003003-05");
  late = report (fixture->store, centre, 2, "building:610103003003-05");
  fresh = report (fixture->store, centre, 4, "building:610103003003-05");
  close_incident (fixture->store, voided, GP_ACTION_VOID, "2026-11-22T09:05:00+08:00");
  {
    g_autoptr(GpDocument) document = load (fixture->store, fresh);
    g_autoptr(GError) error = NULL;

    g_object_set (document, "reported-at", minute_ago, NULL);
    g_assert_true (gp_documents_save (fixture->store, document, GP_STORE_PUT_NONE, &error));
  }

  map = gp_map_data_load (fixture->store, GP_DEMO_GRID_CODE, NULL);
  g_assert_cmpuint (gp_map_data_get_incidents (map)->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      GpMapIncident *incident = &g_array_index (gp_map_data_get_incidents (map), GpMapIncident, i);

      g_assert_cmpstr (incident->id, !=, voided);
      /* Not registered within ten minutes of the report: red. */
      if (g_str_equal (incident->id, late))
        g_assert_cmpint (incident->colour, ==, GP_MARKER_RED);
      else
        g_assert_cmpint (incident->colour, ==, GP_MARKER_GREEN);
      g_assert_cmpstr (incident->title, ==, "暴露垃圾");
      g_assert_cmpstr (incident->category, ==, "06010 暴露垃圾");
      g_assert_cmpstr (incident->state, ==, "Reported");
    }

  /* The building counts its open incidents, for the tint. */
  hit = gp_map_data_building_at (map, gp_tile_project_point (centre));
  g_assert_cmpuint (hit->open_incidents, ==, 2);
}

static void
test_clusters (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GpDocument) building = load (fixture->store, "building:610103003003-05");
  g_autoptr(GpMapData) map = NULL;
  g_autoptr(GArray) low = NULL;
  g_autoptr(GArray) high = NULL;
  const GpMapCluster *found;
  GpGeoPoint centre, far;

  gp_geo_geometry_get_center (gp_document_get_geometry (building), &centre);
  far = gp_geo_offset (centre, 0, 900);    /* well away, outside the compound */
  for (guint i = 0; i < 5; i++)
    g_free (report (fixture->store, centre, i * 3.0, NULL));
  g_free (report (fixture->store, far, 0, NULL));
  map = gp_map_data_load (fixture->store, GP_DEMO_GRID_CODE, NULL);

  /* At zoom 15 the five a few metres apart are one marker of five. */
  low = gp_map_data_cluster (map, 15.0, 48.0);
  g_assert_cmpuint (low->len, ==, 2);
  found = gp_map_clusters_find (low, 15.0, gp_tile_project_point (centre), 24.0);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->count, ==, 5);
  for (guint i = 0; i < found->count; i++)
    {
      guint member = gp_map_cluster_get_member (found, i);
      GpMapIncident *incident = &g_array_index (gp_map_data_get_incidents (map), GpMapIncident, member);

      /* the five near the building, not the far one */
      g_assert_cmpfloat (fabs (incident->position.y - gp_tile_project_point (centre).y), <, 1e-6);
    }

  /* Without clustering each has its own marker, and a tap finds the nearest. */
  high = gp_map_data_cluster (map, 19.0, 0);
  g_assert_cmpuint (high->len, ==, 6);
  found = gp_map_clusters_find (high, 19.0, gp_tile_project_point (gp_geo_offset (centre, 6.5, 0)), 24.0);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->count, ==, 1);
  {
    GpMapIncident *incident = &g_array_index (gp_map_data_get_incidents (map), GpMapIncident, found->first);
    GpMercPoint expected = gp_tile_project_point (gp_geo_offset (centre, 6.0, 0));

    g_assert_cmpfloat_with_epsilon (incident->position.x, expected.x, 1e-9);
  }

  /* Nothing within reach: no marker. */
  g_assert_null (gp_map_clusters_find (high, 19.0, gp_tile_project_point (gp_geo_offset (centre, 0, 60)), 24.0));
}

static void
test_grid_without_geometry (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GpGrid) bare = gp_grid_new ("BARE");
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GpMapData) map = NULL;
  g_autoptr(GError) error = NULL;
  GpGeoPoint centre;

  /* A grid from elsewhere: no boundary, no buildings, only where it is. */
  g_object_set (bare, "name", "新网格", NULL);
  json = gp_document_to_json (GP_DOCUMENT (bare));
  json_object_set_member (json, "center", gp_geo_position_new ((GpGeoPoint) { 108.95, 34.27 }));
  g_free (gp_store_put (fixture->store, json, NULL, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);

  map = gp_map_data_load (fixture->store, "BARE", &error);
  g_assert_no_error (error);
  g_assert_true (gp_map_data_is_empty (map));
  g_assert_true (gp_map_data_get_centre (map, &centre));
  g_assert_cmpfloat (centre.lon, ==, 108.95);
}

static void
add_visit (GpStore     *store,
           GpHousehold *household,
           GDateTime   *at)
{
  g_autoptr(GpVisit) visit = gp_visit_new ();
  g_autoptr(GError) error = NULL;

  g_object_set (visit, "grid", GP_DEMO_GRID_CODE, "household", gp_document_get_id (GP_DOCUMENT (household)),
                "worker", "wang", "at", at, NULL);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (visit), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
}

/* Coverage: each building knows how many of its households were not
 * visited in the period, whatever the period; an old visit does not
 * count, the newest of several visits does, and a visit to a household
 * that is not in the grid changes nothing. */
static void
test_visits_due (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) households = gp_documents_load_all (fixture->store, "household", GP_DEMO_GRID_CODE, &error);
  g_autoptr(GpMapData) before_visits = NULL;
  g_autoptr(GpMapData) map = NULL;
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GDateTime) last_week = g_date_time_add_days (now, -7);
  g_autoptr(GDateTime) last_quarter = g_date_time_add_days (now, -90);
  g_autoptr(GpVisit) stray = gp_visit_new ();
  gint64 now_s = g_date_time_to_unix (now);
  GpHousehold *first = g_ptr_array_index (households, 0);
  const GpMapBuilding *building;
  guint in_building = 0;

  g_assert_no_error (error);
  before_visits = gp_map_data_load (fixture->store, GP_DEMO_GRID_CODE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gp_map_data_count_due (before_visits, gp_visit_due_before (30, now_s)), ==, 420);

  /* Ten households last week; one of them also a quarter ago; five only
   * a quarter ago; one visit to a household nobody knows. */
  for (guint i = 0; i < 10; i++)
    add_visit (fixture->store, g_ptr_array_index (households, i), last_week);
  add_visit (fixture->store, first, last_quarter);
  for (guint i = 10; i < 15; i++)
    add_visit (fixture->store, g_ptr_array_index (households, i), last_quarter);
  g_object_set (stray, "grid", GP_DEMO_GRID_CODE, "household", "household:nobody", "worker", "wang",
                "at", last_week, NULL);
  g_assert_true (gp_documents_save (fixture->store, GP_DOCUMENT (stray), GP_STORE_PUT_NONE, &error));

  map = gp_map_data_load (fixture->store, GP_DEMO_GRID_CODE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gp_map_data_count_due (map, gp_visit_due_before (30, now_s)), ==, 410);
  g_assert_cmpuint (gp_map_data_count_due (map, gp_visit_due_before (100, now_s)), ==, 405);
  g_assert_cmpuint (gp_map_data_count_due (map, gp_visit_due_before (3, now_s)), ==, 420);

  /* The first household's building counts it as visited. */
  building = gp_map_data_find_building (map, gp_household_get_building (first));
  g_assert_nonnull (building);
  for (guint i = 0; i < households->len; i++)
    in_building += g_strcmp0 (gp_household_get_building (g_ptr_array_index (households, i)),
                              building->id) == 0;
  g_assert_cmpuint (building->last_visits->len, ==, in_building);
  g_assert_cmpuint (gp_map_building_count_due (building, gp_visit_due_before (3, now_s)), ==, in_building);
  g_assert_cmpuint (gp_map_building_count_due (building, gp_visit_due_before (30, now_s)), <, in_building);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/map/data/visits-due", test_visits_due);
  ADD ("/map/data/demo-grid", test_demo_grid);
  ADD ("/map/data/building-hit", test_building_hit);
  ADD ("/map/data/markers-and-state", test_markers_and_state);
  ADD ("/map/data/clusters", test_clusters);
  ADD ("/map/data/grid-without-geometry", test_grid_without_geometry);
#undef ADD

  return g_test_run ();
}
