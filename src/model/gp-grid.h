/* gp-grid.h — a grid (网格): its boundary, names and household count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"
#include "gp-geo.h"

G_BEGIN_DECLS

#define GP_TYPE_GRID (gp_grid_get_type ())

G_DECLARE_FINAL_TYPE (GpGrid, gp_grid, GP, GRID, GpDocument)

/* A grid is a few hundred households: its boundary spans well under a
 * kilometre, and never more than this. */
#define GP_GRID_MAX_EXTENT_M 10000.0
/* Everything of a grid lies within this distance of its centre: far more
 * than any grid, and far less than the errors that put a point in another
 * city (a sign or a digit lost, longitude and latitude swapped, 0). */
#define GP_GRID_REACH_M      20000.0

GpGrid      *gp_grid_new            (const char *code) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_grid_get_code       (GpGrid *self);
const char  *gp_grid_get_name       (GpGrid *self);
const char  *gp_grid_get_city       (GpGrid *self);
const char  *gp_grid_get_district   (GpGrid *self);
const char  *gp_grid_get_street     (GpGrid *self);
const char  *gp_grid_get_community  (GpGrid *self);
const char  *gp_grid_get_policy     (GpGrid *self);
int          gp_grid_get_households (GpGrid *self);
char         *gp_grid_dup_database_name (GpGrid *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_grid_get_center     (GpGrid      *self,
                                     GpGeoPoint  *center);
gboolean     gp_grid_check_reach    (GpGrid      *self,
                                     JsonObject  *geometry,
                                     GError     **error);

G_END_DECLS
