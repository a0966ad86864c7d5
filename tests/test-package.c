/* test-package.c — grid packages: round trip, and every kind of bad package
 * refused with a message naming the feature, leaving the store as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-package.h"
#include "gp-store.h"
#include "gp-test-util.h"

#include <string.h>

typedef struct
{
  char    *dir;
  GpStore *store;    /* holds the demo grid of seed 1 */
  char    *package;  /* the demo grid of seed 2, exported */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *other_dir = gp_test_make_dir ();
  g_autoptr(GpStore) other = gp_test_open_store (other_dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_demo_install (other, 420, 2, &error));
  fixture->package = gp_package_export_data (other, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&other);
  gp_test_remove_dir (other_dir);

  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, 420, 1, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->package);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *exported = NULL;
  GpPackageStats stats;

  g_assert_true (gp_package_import_data (store, fixture->package, strlen (fixture->package),
                                         &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.created, >, 420);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.unchanged, ==, 0);
  g_assert_cmpint (gp_store_count (store, "household", NULL, NULL), ==, 420);

  exported = gp_package_export_data (store, GP_DEMO_GRID_CODE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exported, ==, fixture->package);

  /* Importing it again changes nothing. */
  g_assert_true (gp_package_import_data (store, exported, strlen (exported), &stats, &error));
  g_assert_cmpuint (stats.created, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 0);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

static void
test_update (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *exported = gp_package_export_data (fixture->store, NULL, NULL, &error);
  g_autoptr(JsonObject) package = gp_json_parse_object (exported, -1, NULL);
  JsonArray *features = gp_json_get_array (package, "features");
  JsonObject *properties = NULL;
  const char *id = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(GpDocument) loaded = NULL;
  GpPackageStats stats;

  for (guint i = 0; i < json_array_get_length (features) && properties == NULL; i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);

      if (g_strcmp0 (gp_json_get_string (gp_json_get_object (feature, "properties"), "type"), "household") == 0)
        {
          properties = gp_json_get_object (feature, "properties");
          id = gp_json_get_string (feature, "id");
        }
    }
  json_object_set_string_member (properties, "note", "改为出租");
  changed = gp_json_to_string (package, TRUE);

  g_assert_true (gp_package_import_data (fixture->store, changed, strlen (changed), &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.created, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 1);
  g_assert_cmpuint (stats.unchanged, ==, json_array_get_length (features) - 1);

  loaded = gp_documents_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gp_household_get_note (GP_HOUSEHOLD (loaded)), ==, "改为出租");
  g_assert_true (g_str_has_prefix (gp_document_get_rev (loaded), "2-"));
}

/* A change to make to the package, by feature number (0 for the whole). */
typedef void (*Damage) (JsonObject *package);

static JsonObject *
feature (JsonObject *package,
         guint       index)
{
  return json_array_get_object_element (gp_json_get_array (package, "features"), index);
}

static JsonObject *
properties_of (JsonObject *package,
               guint       index)
{
  return gp_json_get_object (feature (package, index), "properties");
}

/* The package's first building and first household, for damage. */
static guint
index_of_type (JsonObject *package,
               const char *type)
{
  JsonArray *features = gp_json_get_array (package, "features");

  for (guint i = 0; i < json_array_get_length (features); i++)
    if (g_strcmp0 (gp_json_get_string (properties_of (package, i), "type"), type) == 0)
      return i;
  g_assert_not_reached ();
}

static void
set_json (JsonObject *object,
          const char *member,
          const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  json_object_set_member (object, member, json_node_copy (json_parser_get_root (parser)));
}

static void damage_not_collection (JsonObject *p) { json_object_set_string_member (p, "type", "Feature"); }
static void damage_no_features (JsonObject *p) { json_object_remove_member (p, "features"); }
static void damage_empty_features (JsonObject *p) { set_json (p, "features", "[]"); }
static void damage_no_id (JsonObject *p) { json_object_remove_member (feature (p, index_of_type (p, "building")), "id"); }
static void damage_unknown_type (JsonObject *p) { json_object_set_string_member (properties_of (p, index_of_type (p, "lane")), "type", "spaceship"); }
static void damage_incident (JsonObject *p) { json_object_set_string_member (properties_of (p, index_of_type (p, "component")), "type", "incident"); }
static void damage_point_building (JsonObject *p) { set_json (feature (p, index_of_type (p, "building")), "geometry", "{\"type\":\"Point\",\"coordinates\":[108.94,34.26]}"); }
static void damage_empty_geometry (JsonObject *p) { set_json (feature (p, index_of_type (p, "building")), "geometry", "{\"type\":\"Polygon\",\"coordinates\":[]}"); }
static void damage_out_of_range (JsonObject *p) { set_json (feature (p, index_of_type (p, "component")), "geometry", "{\"type\":\"Point\",\"coordinates\":[108.94,134.26]}"); }
static void damage_open_ring (JsonObject *p) { set_json (feature (p, index_of_type (p, "building")), "geometry", "{\"type\":\"Polygon\",\"coordinates\":[[[108.94,34.26],[108.941,34.26],[108.941,34.261],[108.9405,34.2615]]]}"); }
static void damage_duplicate (JsonObject *p)
{
  guint i = index_of_type (p, "household");

  json_object_set_string_member (feature (p, i + 1), "id", gp_json_get_string (feature (p, i), "id"));
}
static void damage_missing_building (JsonObject *p) { json_object_set_string_member (properties_of (p, index_of_type (p, "household")), "building", "building:NOWHERE-99"); }
static void damage_household_geometry (JsonObject *p) { set_json (feature (p, index_of_type (p, "household")), "geometry", "{\"type\":\"Point\",\"coordinates\":[108.94,34.26]}"); }
static void damage_underscore (JsonObject *p) { json_object_set_string_member (properties_of (p, index_of_type (p, "lane")), "_rev", "1-abc"); }
static void damage_no_geometry (JsonObject *p) { json_object_remove_member (feature (p, index_of_type (p, "lane")), "geometry"); }
static void damage_not_object (JsonObject *p) { json_array_add_int_element (gp_json_get_array (p, "features"), 42); }
static void damage_missing_room (JsonObject *p) { json_object_remove_member (properties_of (p, index_of_type (p, "household")), "room"); }
static void damage_missing_grid (JsonObject *p) { json_object_set_string_member (properties_of (p, index_of_type (p, "route")), "grid", "999999"); }

/* One vertex of the grid's boundary typed at longitude −1. */
static void
damage_far_vertex (JsonObject *p)
{
  JsonObject *grid = feature (p, index_of_type (p, "grid"));
  JsonArray *ring = json_array_get_array_element (gp_json_get_array (gp_json_get_object (grid, "geometry"),
                                                                     "coordinates"), 0);
  g_autoptr(GString) json = g_string_new ("{\"type\":\"Polygon\",\"coordinates\":[[");

  for (guint i = 0; i < json_array_get_length (ring); i++)
    {
      JsonArray *point = json_array_get_array_element (ring, i);

      g_string_append_printf (json, "%s[%.7f,%.7f]", i ? "," : "",
                              i == 1 ? -1.0 : json_array_get_double_element (point, 0),
                              json_array_get_double_element (point, 1));
    }
  g_string_append (json, "]]}");
  set_json (grid, "geometry", json->str);
}
static void damage_far_feature (JsonObject *p) { set_json (feature (p, index_of_type (p, "component")), "geometry", "{\"type\":\"Point\",\"coordinates\":[109.5,34.26]}"); }
static void
damage_oversized (JsonObject *p)
{
  g_autofree char *note = g_strnfill (100 * 1024, 'x');

  json_object_set_string_member (properties_of (p, index_of_type (p, "household")), "note", note);
}

static const struct
{
  const char *name;
  Damage      damage;
  const char *text;      /* used instead of damage when set */
  gint        code;
  const char *says;      /* in the message */
  gboolean    names_feature;
} bad_packages[] = {
  { "not-json", NULL, "这不是 JSON", GP_PACKAGE_ERROR_NOT_JSON, "not a JSON file", FALSE },
  { "truncated", NULL, NULL /* half of the package */, GP_PACKAGE_ERROR_NOT_JSON, "not a JSON file", FALSE },
  { "empty-file", NULL, "", GP_PACKAGE_ERROR_EMPTY, "empty", FALSE },
  { "array", NULL, "[1, 2, 3]", GP_PACKAGE_ERROR_NOT_GEOJSON, "FeatureCollection", FALSE },
  { "not-collection", damage_not_collection, NULL, GP_PACKAGE_ERROR_NOT_GEOJSON, "FeatureCollection", FALSE },
  { "no-features", damage_no_features, NULL, GP_PACKAGE_ERROR_NOT_GEOJSON, "“features”", FALSE },
  { "empty-features", damage_empty_features, NULL, GP_PACKAGE_ERROR_EMPTY, "no features", FALSE },
  { "no-id", damage_no_id, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "no “id”", TRUE },
  { "unknown-type", damage_unknown_type, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "“spaceship” is not a document type", TRUE },
  { "incident", damage_incident, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "not part of a grid package", TRUE },
  { "wrong-geometry", damage_point_building, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "must be a Polygon, not a Point", TRUE },
  { "empty-geometry", damage_empty_geometry, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "geometry is empty", TRUE },
  { "out-of-range", damage_out_of_range, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "out of range", TRUE },
  { "open-ring", damage_open_ring, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "end where it starts", TRUE },
  { "duplicate-id", damage_duplicate, NULL, GP_PACKAGE_ERROR_DUPLICATE_ID, "already used by feature", TRUE },
  { "missing-reference", damage_missing_building, NULL, GP_PACKAGE_ERROR_MISSING_REFERENCE, "building:NOWHERE-99", TRUE },
  { "missing-grid", damage_missing_grid, NULL, GP_PACKAGE_ERROR_MISSING_REFERENCE, "grid:999999", TRUE },
  { "household-geometry", damage_household_geometry, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "have no geometry", TRUE },
  { "underscore-property", damage_underscore, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "“_rev” cannot be a property", TRUE },
  { "no-geometry-member", damage_no_geometry, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "no “geometry” member", TRUE },
  { "feature-not-object", damage_not_object, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "not a GeoJSON Feature", TRUE },
  { "missing-member", damage_missing_room, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "“room” is missing", TRUE },
  { "far-boundary-vertex", damage_far_vertex, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "spans more than 10 km", TRUE },
  { "far-feature", damage_far_feature, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "more than 20 km from the grid", TRUE },
  { "oversized", damage_oversized, NULL, GP_PACKAGE_ERROR_BAD_FEATURE, "larger than the 64 KB", TRUE },
};

static void
test_bad_package (Fixture       *fixture,
                  gconstpointer  data)
{
  guint i = GPOINTER_TO_UINT (data);
  g_autofree char *before = gp_test_store_snapshot (fixture->store);
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GpPackageStats stats = { 99, 99, 99 };

  if (bad_packages[i].damage != NULL)
    {
      g_autoptr(JsonObject) package = gp_json_parse_object (fixture->package, -1, NULL);

      bad_packages[i].damage (package);
      text = gp_json_to_string (package, TRUE);
    }
  else if (bad_packages[i].text != NULL)
    text = g_strdup (bad_packages[i].text);
  else
    text = g_strndup (fixture->package, strlen (fixture->package) / 2);

  g_assert_false (gp_package_import_data (fixture->store, text, strlen (text), &stats, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, GP_PACKAGE_ERROR, bad_packages[i].code);
  if (strstr (error->message, bad_packages[i].says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, bad_packages[i].says);
  if (bad_packages[i].names_feature)
    g_assert_true (g_str_has_prefix (error->message, "feature "));
  g_assert_null (strchr (error->message, '\n'));

  /* The store is exactly as it was. */
  after = gp_test_store_snapshot (fixture->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (stats.created, ==, 99);
}

static void
test_export_needs_a_grid (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = gp_package_export_data (store, NULL, NULL, &error);

  g_assert_error (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NO_GRID);
  g_assert_null (data);
  g_clear_error (&error);
  data = gp_package_export_data (store, "nope", NULL, &error);
  g_assert_error (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NO_GRID);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/package/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/package/update", Fixture, NULL, fixture_set_up, test_update, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (bad_packages); i++)
    {
      g_autofree char *path = g_strdup_printf ("/package/bad/%s", bad_packages[i].name);

      g_test_add (path, Fixture, GUINT_TO_POINTER (i), fixture_set_up, test_bad_package,
                  fixture_tear_down);
    }
  g_test_add_func ("/package/export-needs-a-grid", test_export_needs_a_grid);

  return g_test_run ();
}
