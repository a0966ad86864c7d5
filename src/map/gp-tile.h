/* gp-tile.h — Web Mercator tile maths (the XYZ scheme; MBTiles rows are TMS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "gp-geo.h"

G_BEGIN_DECLS

#define GP_TILE_SIZE 256

/* Web Mercator cannot show the poles. */
#define GP_TILE_MAX_LATITUDE 85.0511287798066

typedef struct
{
  guint zoom;
  guint x;
  guint y;      /* XYZ: 0 at the top (north) */
} GpTile;

/* A position in Web Mercator normalised to [0, 1): x east from 180° W,
 * y south from the top. Multiply by 256 × 2^zoom for world pixels. */
typedef struct
{
  double x;
  double y;
} GpMercPoint;

typedef struct
{
  guint zoom;
  guint min_x, max_x;
  guint min_y, max_y;
} GpTileRange;

void     gp_tile_project          (double             lon,
                                   double             lat,
                                   double            *x,
                                   double            *y);
GpMercPoint gp_tile_project_point (GpGeoPoint      point);
void     gp_tile_unproject        (double             x,
                                   double             y,
                                   double            *lon,
                                   double            *lat);
GpTile   gp_tile_at               (double             lon,
                                   double             lat,
                                   guint              zoom);
guint    gp_tile_flip_y           (guint              zoom,
                                   guint              y);
void     gp_tile_get_bounds       (const GpTile      *tile,
                                   GpGeoBounds       *bounds);
GpTileRange gp_tile_range_for_bounds (const GpGeoBounds *bounds,
                                      guint              zoom);
guint64    gp_tile_range_count      (const GpTileRange *range);
double   gp_tile_meters_per_pixel (double             lat,
                                   guint              zoom);

G_END_DECLS
