/* gp-basemap.h — a grid's own basemap, drawn into MBTiles raster tiles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-types.h"

G_BEGIN_DECLS

#define GP_BASEMAP_ERROR (gp_basemap_error_quark ())

typedef enum
{
  GP_BASEMAP_ERROR_NO_GRID,
  GP_BASEMAP_ERROR_NO_GEOMETRY,
  GP_BASEMAP_ERROR_BAD_ZOOM,
  GP_BASEMAP_ERROR_TOO_LARGE,
} GpBasemapError;

/* The most tiles a basemap may have: a grid of 500 buildings takes about
 * 400 from zoom 14 to 19, one 3 km across about 5,000. More means the
 * grid's shapes are wrong, and drawing them would fill the phone. */
#define GP_BASEMAP_MAX_TILES 20000

#define GP_BASEMAP_MIN_ZOOM 14
#define GP_BASEMAP_MAX_ZOOM 19

/* The fills of a building footprint and of the grid's area, 0xRRGGBB. */
#define GP_BASEMAP_BUILDING_FILL 0xd9d0c9
#define GP_BASEMAP_AREA_FILL     0xf9f7f2

typedef struct
{
  guint  total;      /* tiles the basemap has */
  guint  rendered;   /* drawn this time */
  guint  unchanged;  /* kept: nothing they show changed */
  guint  removed;    /* no longer covered */
  gint64 bytes;      /* size of the file */
  double seconds;
} GpBasemapStats;

typedef void (*GpBasemapProgress) (guint    done,
                                   guint    total,
                                   gpointer user_data);

GQuark    gp_basemap_error_quark  (void);

char     *gp_basemap_dup_path     (const char         *data_dir,
                                   const char         *grid_code) G_GNUC_WARN_UNUSED_RESULT;
gboolean  gp_basemap_render       (GpStore            *store,
                                   const char         *grid_code,
                                   const char         *path,
                                   guint               min_zoom,
                                   guint               max_zoom,
                                   GpBasemapProgress   progress,
                                   gpointer            user_data,
                                   GCancellable       *cancellable,
                                   GpBasemapStats     *stats,
                                   GError            **error);
void      gp_basemap_render_async (GpStore            *store,
                                   const char         *grid_code,
                                   const char         *path,
                                   GpBasemapProgress   progress,
                                   gpointer            progress_data,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean  gp_basemap_render_finish (GpStore           *store,
                                    GAsyncResult      *result,
                                    GpBasemapStats    *stats,
                                    GError           **error);

G_END_DECLS
