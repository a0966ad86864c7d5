/* gp-geo.h — positions and GeoJSON geometries (RFC 7946, WGS-84, [lon, lat]).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GP_GEO_ERROR (gp_geo_error_quark ())

typedef enum
{
  GP_GEO_ERROR_INVALID,
  GP_GEO_ERROR_OUT_OF_RANGE,
  GP_GEO_ERROR_WRONG_TYPE,
  GP_GEO_ERROR_EMPTY,
} GpGeoError;

typedef struct
{
  double lon;
  double lat;
} GpGeoPoint;

typedef struct
{
  double west;
  double south;
  double east;
  double north;
} GpGeoBounds;

GQuark      gp_geo_error_quark          (void);

gboolean    gp_geo_position_parse       (JsonNode          *node,
                                         GpGeoPoint        *point,
                                         GError           **error);
JsonNode   *gp_geo_position_new         (GpGeoPoint         point) G_GNUC_WARN_UNUSED_RESULT;

gboolean    gp_geo_geometry_validate    (JsonObject        *geometry,
                                         const char        *expected_type,
                                         GError           **error);
gboolean    gp_geo_geometry_get_bounds  (JsonObject        *geometry,
                                         GpGeoBounds       *bounds);
gboolean    gp_geo_geometry_get_center  (JsonObject        *geometry,
                                         GpGeoPoint        *center);

JsonObject *gp_geo_point_new            (GpGeoPoint         point) G_GNUC_WARN_UNUSED_RESULT;
JsonObject *gp_geo_line_new             (const GpGeoPoint  *points,
                                         guint              n_points) G_GNUC_WARN_UNUSED_RESULT;
JsonObject *gp_geo_polygon_new          (const GpGeoPoint  *ring,
                                         guint              n_points) G_GNUC_WARN_UNUSED_RESULT;

void        gp_geo_bounds_init          (GpGeoBounds       *bounds);
void        gp_geo_bounds_extend        (GpGeoBounds       *bounds,
                                         GpGeoPoint         point);
gboolean    gp_geo_bounds_is_empty      (const GpGeoBounds *bounds);

double      gp_geo_distance             (GpGeoPoint         a,
                                         GpGeoPoint         b);
GpGeoPoint  gp_geo_offset               (GpGeoPoint         origin,
                                         double             east_m,
                                         double             north_m);

G_END_DECLS
