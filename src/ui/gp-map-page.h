/* gp-map-page.h — the map of the grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "gp-building-sheet.h"
#include "gp-context.h"
#include "gp-overlay-layer.h"

G_BEGIN_DECLS

#define GP_TYPE_MAP_PAGE (gp_map_page_get_type ())

G_DECLARE_FINAL_TYPE (GpMapPage, gp_map_page, GP, MAP_PAGE, AdwBin)

GtkWidget        *gp_map_page_new                (GpContext *context);
GpOverlayLayer   *gp_map_page_get_overlay_layer  (GpMapPage *self);
ShumateMap       *gp_map_page_get_map            (GpMapPage *self);
gboolean          gp_map_page_has_base_layer     (GpMapPage *self);
gboolean          gp_map_page_has_extra_layer    (GpMapPage *self);
ShumateMapSource *gp_map_page_get_extra_source   (GpMapPage *self);
gboolean          gp_map_page_get_busy           (GpMapPage *self);
const char       *gp_map_page_get_message        (GpMapPage *self);
GpBuildingSheet  *gp_map_page_get_sheet          (GpMapPage *self);
ShumateMapSource *gp_map_page_get_base_source    (GpMapPage *self);
void              gp_map_page_set_hot_spots      (GpMapPage *self,
                                                  GArray    *spots);
void              gp_map_page_centre_on          (GpMapPage *self,
                                                  double     latitude,
                                                  double     longitude);

gboolean          gp_map_page_get_following       (GpMapPage *self);

G_END_DECLS
