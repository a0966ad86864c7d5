/* gp-tile-source.h — an MBTiles file as a libshumate map source.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "gp-mbtiles.h"

G_BEGIN_DECLS

#define GP_TYPE_TILE_SOURCE (gp_tile_source_get_type ())

G_DECLARE_FINAL_TYPE (GpTileSource, gp_tile_source, GP, TILE_SOURCE, ShumateMapSource)

GpTileSource *gp_tile_source_new              (GpMbtiles    *mbtiles,
                                               const char   *id);
GpMbtiles    *gp_tile_source_get_mbtiles      (GpTileSource *self);
guint         gp_tile_source_get_failed_count (GpTileSource *self);

G_END_DECLS
