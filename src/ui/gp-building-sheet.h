/* gp-building-sheet.h — what is in a building, or under a marker, on the map.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-building-info.h"
#include "gp-map-data.h"
#include "gp-types.h"

G_BEGIN_DECLS

#define GP_TYPE_BUILDING_SHEET (gp_building_sheet_get_type ())

G_DECLARE_FINAL_TYPE (GpBuildingSheet, gp_building_sheet, GP, BUILDING_SHEET, GtkBox)

GtkWidget *gp_building_sheet_new            (void);
void       gp_building_sheet_show_building  (GpBuildingSheet *self,
                                             GpBuildingInfo  *info,
                                             GpMapData       *data);
void       gp_building_sheet_show_error     (GpBuildingSheet *self,
                                             const char      *building_id,
                                             const GError    *error);
void       gp_building_sheet_show_incidents (GpBuildingSheet *self,
                                             GpMapData       *data,
                                             const GpMapCluster *cluster);
const char *gp_building_sheet_get_building  (GpBuildingSheet *self);
guint      gp_building_sheet_get_n_rows     (GpBuildingSheet *self);

G_END_DECLS
