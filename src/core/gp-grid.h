/* gp-grid.h — a grid (网格): its boundary, names and household count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_GRID (gp_grid_get_type ())

G_DECLARE_FINAL_TYPE (GpGrid, gp_grid, GP, GRID, GpDocument)

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

G_END_DECLS
