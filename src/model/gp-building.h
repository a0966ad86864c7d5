/* gp-building.h — a building (楼栋) with its footprint, units and floors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_BUILDING (gp_building_get_type ())

G_DECLARE_FINAL_TYPE (GpBuilding, gp_building, GP, BUILDING, GpDocument)

GpBuilding  *gp_building_new            (const char *code) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_building_get_code       (GpBuilding *self);
const char  *gp_building_get_grid       (GpBuilding *self);
const char  *gp_building_get_name       (GpBuilding *self);
const char  *gp_building_get_address    (GpBuilding *self);
int          gp_building_get_floors     (GpBuilding *self);
const char  *gp_building_get_kind       (GpBuilding *self);
int          gp_building_get_year_built (GpBuilding *self);
guint         gp_building_get_n_units   (GpBuilding *self);
gboolean      gp_building_get_unit      (GpBuilding *self,
                                         guint       index,
                                         int        *number,
                                         int        *floors,
                                         int        *rooms_per_floor);
guint         gp_building_get_capacity  (GpBuilding *self);

G_END_DECLS
