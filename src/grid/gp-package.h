/* gp-package.h — a grid as one GeoJSON FeatureCollection (RFC 7946).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-types.h"

G_BEGIN_DECLS

#define GP_PACKAGE_ERROR (gp_package_error_quark ())

typedef enum
{
  GP_PACKAGE_ERROR_NOT_JSON,
  GP_PACKAGE_ERROR_NOT_GEOJSON,
  GP_PACKAGE_ERROR_EMPTY,
  GP_PACKAGE_ERROR_BAD_FEATURE,
  GP_PACKAGE_ERROR_DUPLICATE_ID,
  GP_PACKAGE_ERROR_MISSING_REFERENCE,
  GP_PACKAGE_ERROR_NO_GRID,
} GpPackageError;

typedef struct
{
  guint created;
  guint updated;
  guint unchanged;
} GpPackageStats;

GQuark       gp_package_error_quark      (void);

const char * const *gp_package_get_types (void);
GPtrArray   *gp_package_parse            (const char      *data,
                                          gsize            length,
                                          GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_package_import_data      (GpStore         *store,
                                          const char      *data,
                                          gsize            length,
                                          GpPackageStats  *stats,
                                          GError         **error);
gboolean     gp_package_import_file      (GpStore         *store,
                                          GFile           *file,
                                          GpPackageStats  *stats,
                                          GError         **error);
char        *gp_package_export_data      (GpStore         *store,
                                          const char      *grid_code,
                                          gsize           *length,
                                          GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_package_export_file      (GpStore         *store,
                                          const char      *grid_code,
                                          GFile           *file,
                                          GError         **error);

G_END_DECLS
