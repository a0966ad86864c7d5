/* gp-mbtiles.h — MBTiles 1.3 files: raster tiles in SQLite.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-geo.h"

G_BEGIN_DECLS

#define GP_MBTILES_ERROR (gp_mbtiles_error_quark ())

typedef enum
{
  GP_MBTILES_ERROR_NOT_FOUND,
  GP_MBTILES_ERROR_NOT_MBTILES,
  GP_MBTILES_ERROR_TRUNCATED,
  GP_MBTILES_ERROR_CORRUPT,
  GP_MBTILES_ERROR_UNSUPPORTED,
  GP_MBTILES_ERROR_FAILED,
} GpMbtilesError;

#define GP_TYPE_MBTILES (gp_mbtiles_get_type ())

G_DECLARE_FINAL_TYPE (GpMbtiles, gp_mbtiles, GP, MBTILES, GObject)

GQuark      gp_mbtiles_error_quark      (void);

GpMbtiles  *gp_mbtiles_open             (const char   *path,
                                         GError      **error) G_GNUC_WARN_UNUSED_RESULT;
void        gp_mbtiles_open_async       (const char          *path,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GpMbtiles  *gp_mbtiles_open_finish      (GAsyncResult        *result,
                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GpMbtiles  *gp_mbtiles_create           (const char   *path,
                                         const char   *format,
                                         GError      **error) G_GNUC_WARN_UNUSED_RESULT;

const char *gp_mbtiles_get_path         (GpMbtiles    *self);
const char *gp_mbtiles_get_format       (GpMbtiles    *self);
char       *gp_mbtiles_dup_metadata     (GpMbtiles    *self,
                                         const char   *name) G_GNUC_WARN_UNUSED_RESULT;
gboolean    gp_mbtiles_get_zoom_range   (GpMbtiles    *self,
                                         guint        *min_zoom,
                                         guint        *max_zoom);
gboolean    gp_mbtiles_get_bounds       (GpMbtiles    *self,
                                         GpGeoBounds  *bounds);
gboolean    gp_mbtiles_get_center       (GpMbtiles    *self,
                                         GpGeoPoint   *center,
                                         guint        *zoom);
GBytes     *gp_mbtiles_read_tile        (GpMbtiles    *self,
                                         guint         zoom,
                                         guint         x,
                                         guint         y,
                                         GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gint64      gp_mbtiles_count_tiles      (GpMbtiles    *self);

/* Writing (files made with gp_mbtiles_create()). */
gboolean    gp_mbtiles_begin            (GpMbtiles    *self,
                                         GError      **error);
gboolean    gp_mbtiles_commit           (GpMbtiles    *self,
                                         GError      **error);
void        gp_mbtiles_rollback         (GpMbtiles    *self);
gboolean    gp_mbtiles_set_metadata     (GpMbtiles    *self,
                                         const char   *name,
                                         const char   *value,
                                         GError      **error);
gboolean    gp_mbtiles_write_tile       (GpMbtiles    *self,
                                         guint         zoom,
                                         guint         x,
                                         guint         y,
                                         GBytes       *data,
                                         const char   *digest,
                                         GError      **error);
char       *gp_mbtiles_dup_tile_digest  (GpMbtiles    *self,
                                         guint         zoom,
                                         guint         x,
                                         guint         y) G_GNUC_WARN_UNUSED_RESULT;
guint       gp_mbtiles_delete_tiles_except (GpMbtiles  *self,
                                            GHashTable *keep,
                                            GError    **error);
char       *gp_mbtiles_tile_key         (guint         zoom,
                                         guint         x,
                                         guint         y) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
