/* gp-geo.c — positions and GeoJSON geometries (RFC 7946, WGS-84, [lon, lat]).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-geo"

#include "config.h"

#include "gp-geo.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* WGS-84 mean radius; good to 0.3 % for the short distances inside a grid.
 * The patrol issue replaces this with a geodesic where 0.5 % matters. */
#define EARTH_RADIUS_M 6371008.8

G_DEFINE_QUARK (gp-geo-error-quark, gp_geo_error)

gboolean
gp_geo_position_parse (JsonNode    *node,
                       GpGeoPoint  *point,
                       GError     **error)
{
  JsonArray *array;
  guint n;
  double lon, lat;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                           _("a position must be an array [longitude, latitude]"));
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 2 || n > 3)
    {
      g_set_error (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                   _("a position must have 2 or 3 numbers, not %u"), n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!gp_json_node_is_number (json_array_get_element (array, i)))
      {
        g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                             _("a position must contain numbers only"));
        return FALSE;
      }

  lon = json_array_get_double_element (array, 0);
  lat = json_array_get_double_element (array, 1);
  if (lon < -180.0 || lon > 180.0 || lat < -90.0 || lat > 90.0)
    {
      g_set_error (error, GP_GEO_ERROR, GP_GEO_ERROR_OUT_OF_RANGE,
                   _("position [%g, %g] is out of range (longitude −180…180, latitude −90…90)"),
                   lon, lat);
      return FALSE;
    }

  if (point != NULL)
    {
      point->lon = lon;
      point->lat = lat;
    }
  return TRUE;
}

/* Seven decimals is about 1 cm: finer would be noise, coarser would move
 * checkpoints. Rounding also keeps documents byte-stable across machines. */
static double
round7 (double value)
{
  return round (value * 1e7) / 1e7;
}

JsonNode *
gp_geo_position_new (GpGeoPoint point)
{
  JsonArray *array = json_array_sized_new (2);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_array_add_double_element (array, round7 (point.lon));
  json_array_add_double_element (array, round7 (point.lat));
  json_node_take_array (node, array);
  return node;
}

static gboolean
validate_positions (JsonNode    *node,
                    guint        min_count,
                    gboolean     closed,
                    GError     **error)
{
  JsonArray *array;
  guint n;
  GpGeoPoint first = { 0 }, last = { 0 };

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                           _("coordinates must be an array of positions"));
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_EMPTY, _("the geometry is empty"));
      return FALSE;
    }
  if (n < min_count)
    {
      g_set_error (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                   closed ? _("a polygon ring needs at least %u positions, it has %u")
                          : _("a line needs at least %u positions, it has %u"),
                   min_count, n);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      GpGeoPoint point;

      if (!gp_geo_position_parse (json_array_get_element (array, i), &point, error))
        return FALSE;
      if (i == 0)
        first = point;
      last = point;
    }

  if (closed && (first.lon != last.lon || first.lat != last.lat))
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                           _("a polygon ring must end where it starts"));
      return FALSE;
    }

  return TRUE;
}

gboolean
gp_geo_geometry_validate (JsonObject  *geometry,
                          const char  *expected_type,
                          GError     **error)
{
  const char *type;
  JsonNode *coordinates;

  if (geometry == NULL)
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_EMPTY, _("the geometry is missing"));
      return FALSE;
    }

  type = gp_json_get_string (geometry, "type");
  if (type == NULL)
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                           _("the geometry has no type"));
      return FALSE;
    }
  if (expected_type != NULL && g_strcmp0 (type, expected_type) != 0)
    {
      g_set_error (error, GP_GEO_ERROR, GP_GEO_ERROR_WRONG_TYPE,
                   _("the geometry must be a %s, not a %s"), expected_type, type);
      return FALSE;
    }

  coordinates = json_object_get_member (geometry, "coordinates");
  if (coordinates == NULL)
    {
      g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_EMPTY,
                           _("the geometry has no coordinates"));
      return FALSE;
    }

  if (g_str_equal (type, "Point"))
    return gp_geo_position_parse (coordinates, NULL, error);

  if (g_str_equal (type, "LineString"))
    return validate_positions (coordinates, 2, FALSE, error);

  if (g_str_equal (type, "Polygon"))
    {
      JsonArray *rings;

      if (!JSON_NODE_HOLDS_ARRAY (coordinates))
        {
          g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_INVALID,
                               _("polygon coordinates must be an array of rings"));
          return FALSE;
        }
      rings = json_node_get_array (coordinates);
      if (json_array_get_length (rings) == 0)
        {
          g_set_error_literal (error, GP_GEO_ERROR, GP_GEO_ERROR_EMPTY, _("the geometry is empty"));
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (rings); i++)
        if (!validate_positions (json_array_get_element (rings, i), 4, TRUE, error))
          return FALSE;
      return TRUE;
    }

  g_set_error (error, GP_GEO_ERROR, GP_GEO_ERROR_WRONG_TYPE,
               _("geometry type “%s” is not supported (Point, LineString or Polygon)"), type);
  return FALSE;
}

void
gp_geo_bounds_init (GpGeoBounds *bounds)
{
  bounds->west = bounds->south = INFINITY;
  bounds->east = bounds->north = -INFINITY;
}

void
gp_geo_bounds_extend (GpGeoBounds *bounds,
                      GpGeoPoint   point)
{
  bounds->west = MIN (bounds->west, point.lon);
  bounds->east = MAX (bounds->east, point.lon);
  bounds->south = MIN (bounds->south, point.lat);
  bounds->north = MAX (bounds->north, point.lat);
}

gboolean
gp_geo_bounds_is_empty (const GpGeoBounds *bounds)
{
  return bounds->west > bounds->east || bounds->south > bounds->north;
}

static void
extend_with_positions (GpGeoBounds *bounds,
                       JsonNode    *node,
                       int          depth)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);

  if (depth == 0)
    {
      GpGeoPoint point;

      if (gp_geo_position_parse (node, &point, NULL))
        gp_geo_bounds_extend (bounds, point);
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    extend_with_positions (bounds, json_array_get_element (array, i), depth - 1);
}

gboolean
gp_geo_geometry_get_bounds (JsonObject  *geometry,
                            GpGeoBounds *bounds)
{
  const char *type = gp_json_get_string (geometry, "type");
  JsonNode *coordinates = geometry ? json_object_get_member (geometry, "coordinates") : NULL;
  int depth;

  gp_geo_bounds_init (bounds);
  if (g_strcmp0 (type, "Point") == 0)
    depth = 0;
  else if (g_strcmp0 (type, "LineString") == 0)
    depth = 1;
  else if (g_strcmp0 (type, "Polygon") == 0)
    depth = 2;
  else
    return FALSE;

  extend_with_positions (bounds, coordinates, depth);
  return !gp_geo_bounds_is_empty (bounds);
}

gboolean
gp_geo_geometry_get_center (JsonObject *geometry,
                            GpGeoPoint *center)
{
  GpGeoBounds bounds;

  if (!gp_geo_geometry_get_bounds (geometry, &bounds))
    return FALSE;

  center->lon = (bounds.west + bounds.east) / 2.0;
  center->lat = (bounds.south + bounds.north) / 2.0;
  return TRUE;
}

static JsonObject *
geometry_new (const char *type,
              JsonNode   *coordinates)
{
  JsonObject *geometry = json_object_new ();

  json_object_set_string_member (geometry, "type", type);
  json_object_set_member (geometry, "coordinates", coordinates);
  return geometry;
}

static JsonNode *
positions_new (const GpGeoPoint *points,
               guint             n_points,
               gboolean          close)
{
  JsonArray *array = json_array_sized_new (n_points + 1);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < n_points; i++)
    json_array_add_element (array, gp_geo_position_new (points[i]));
  if (close && n_points > 0 &&
      (points[0].lon != points[n_points - 1].lon || points[0].lat != points[n_points - 1].lat))
    json_array_add_element (array, gp_geo_position_new (points[0]));

  json_node_take_array (node, array);
  return node;
}

JsonObject *
gp_geo_point_new (GpGeoPoint point)
{
  return geometry_new ("Point", gp_geo_position_new (point));
}

JsonObject *
gp_geo_line_new (const GpGeoPoint *points,
                 guint             n_points)
{
  return geometry_new ("LineString", positions_new (points, n_points, FALSE));
}

/* The ring is closed for the caller; RFC 7946 wants the outer ring
 * counter-clockwise, which is the caller's order to give. */
JsonObject *
gp_geo_polygon_new (const GpGeoPoint *ring,
                    guint             n_points)
{
  JsonArray *rings = json_array_sized_new (1);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_array_add_element (rings, positions_new (ring, n_points, TRUE));
  json_node_take_array (node, rings);
  return geometry_new ("Polygon", node);
}

static double
radians (double degrees)
{
  return degrees * G_PI / 180.0;
}

/* WGS-84's radii of curvature at a latitude: along the meridian (M) and
 * across it (N). */
#define WGS84_A  6378137.0
#define WGS84_E2 0.00669437999014

static void
radii (double  lat_deg,
       double *meridian,
       double *normal)
{
  double s = sin (radians (lat_deg));
  double w = 1.0 - WGS84_E2 * s * s;

  *meridian = WGS84_A * (1.0 - WGS84_E2) / (w * sqrt (w));
  *normal = WGS84_A / sqrt (w);
}

/**
 * gp_geo_distance:
 *
 * The distance in metres on the WGS-84 ellipsoid. Within a city (tens of
 * kilometres) the local radii of curvature at the middle latitude give it
 * to a few parts in a million, which walking tracks need (a sphere is off
 * by up to 0.3 %); farther apart, the haversine on the mean sphere.
 */
double
gp_geo_distance (GpGeoPoint a,
                 GpGeoPoint b)
{
  double dlat = radians (b.lat - a.lat);
  double dlon = radians (b.lon - a.lon);
  double h;

  if (fabs (b.lat - a.lat) < 0.5 && fabs (b.lon - a.lon) < 0.5)
    {
      double mid = (a.lat + b.lat) / 2, meridian, normal;
      double north, east;

      radii (mid, &meridian, &normal);
      north = dlat * meridian;
      east = dlon * normal * cos (radians (mid));
      return sqrt (north * north + east * east);
    }

  h = sin (dlat / 2) * sin (dlat / 2) +
      cos (radians (a.lat)) * cos (radians (b.lat)) * sin (dlon / 2) * sin (dlon / 2);
  return 2.0 * EARTH_RADIUS_M * asin (MIN (1.0, sqrt (h)));
}

/* A point some metres east and north of another, on the ellipsoid's local
 * radii; exact enough within a few kilometres. */
GpGeoPoint
gp_geo_offset (GpGeoPoint origin,
               double     east_m,
               double     north_m)
{
  GpGeoPoint point;
  double meridian, normal;

  radii (origin.lat, &meridian, &normal);
  point.lat = origin.lat + north_m / meridian * 180.0 / G_PI;
  point.lon = origin.lon + east_m / (normal * cos (radians (origin.lat))) * 180.0 / G_PI;
  return point;
}
