/* gp-tile.c
 *
 * Positions are projected to Web Mercator normalised to [0, 1) on both
 * axes, x eastwards from 180° W and y southwards from the top; a tile at
 * zoom z is 1 / 2^z of that square on a side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-tile"

#include "config.h"

#include "gp-tile.h"

#include <math.h>

#define EQUATOR_M 40075016.686

void
gp_tile_project (double  lon,
                 double  lat,
                 double *x,
                 double *y)
{
  double phi = CLAMP (lat, -GP_TILE_MAX_LATITUDE, GP_TILE_MAX_LATITUDE) * G_PI / 180.0;

  *x = (lon + 180.0) / 360.0;
  *y = (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

GpMercPoint
gp_tile_project_point (GpGeoPoint point)
{
  GpMercPoint merc;

  gp_tile_project (point.lon, point.lat, &merc.x, &merc.y);
  return merc;
}

void
gp_tile_unproject (double  x,
                   double  y,
                   double *lon,
                   double *lat)
{
  *lon = x * 360.0 - 180.0;
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
}

static guint
clamp_index (double value,
             guint  zoom)
{
  double n = (double) (1u << zoom);

  return (guint) CLAMP (floor (value * n), 0.0, n - 1.0);
}

GpTile
gp_tile_at (double lon,
            double lat,
            guint  zoom)
{
  GpTile tile = { zoom, 0, 0 };
  double x, y;

  g_return_val_if_fail (zoom <= 30, tile);

  gp_tile_project (lon, lat, &x, &y);
  tile.x = clamp_index (x, zoom);
  tile.y = clamp_index (y, zoom);
  return tile;
}

/* MBTiles counts rows from the south (TMS), XYZ from the north. */
guint
gp_tile_flip_y (guint zoom,
                guint y)
{
  return (1u << zoom) - 1 - y;
}

void
gp_tile_get_bounds (const GpTile *tile,
                    GpGeoBounds  *bounds)
{
  double n = (double) (1u << tile->zoom);

  gp_tile_unproject (tile->x / n, (tile->y + 1) / n, &bounds->west, &bounds->south);
  gp_tile_unproject ((tile->x + 1) / n, tile->y / n, &bounds->east, &bounds->north);
}

GpTileRange
gp_tile_range_for_bounds (const GpGeoBounds *bounds,
                          guint              zoom)
{
  GpTile north_west = gp_tile_at (bounds->west, bounds->north, zoom);
  GpTile south_east = gp_tile_at (bounds->east, bounds->south, zoom);
  GpTileRange range = { zoom, north_west.x, south_east.x, north_west.y, south_east.y };

  return range;
}

guint64
gp_tile_range_count (const GpTileRange *range)
{
  return (guint64) (range->max_x - range->min_x + 1) * (range->max_y - range->min_y + 1);
}

/* Ground resolution of a tile pixel at a latitude. */
double
gp_tile_meters_per_pixel (double lat,
                          guint  zoom)
{
  return EQUATOR_M * cos (lat * G_PI / 180.0) / (GP_TILE_SIZE * (double) (1u << zoom));
}
