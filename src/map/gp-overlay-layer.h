/* gp-overlay-layer.h — everything the map shows over the basemap, in one layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "gp-location.h"
#include "gp-map-data.h"

G_BEGIN_DECLS

/* Markers closer than this on screen become one, below zoom 19. */
#define GP_OVERLAY_CLUSTER_PX  56.0
/* How far from a marker or a building's outline a tap still hits it:
 * half a fingertip of 7 mm and more on a phone's 5–6 px/mm. */
#define GP_OVERLAY_TAP_PX      24.0
/* Below this speed (m/s; walking is 1–1.5) a receiver's course is noise:
 * the position is drawn without its heading. */
#define GP_OVERLAY_HEADING_MIN_SPEED 0.5

/* A hot spot of the area review: a 50 m cell with its incidents. */
typedef struct
{
  double lat;
  double lon;
  guint  count;
} GpMapHotSpot;

#define GP_TYPE_OVERLAY_LAYER (gp_overlay_layer_get_type ())

G_DECLARE_FINAL_TYPE (GpOverlayLayer, gp_overlay_layer, GP, OVERLAY_LAYER, ShumateLayer)

GpOverlayLayer      *gp_overlay_layer_new                   (ShumateViewport *viewport);
GpMapData           *gp_overlay_layer_get_data              (GpOverlayLayer  *self);
void                 gp_overlay_layer_set_data              (GpOverlayLayer  *self,
                                                             GpMapData       *data);
void                 gp_overlay_layer_set_position          (GpOverlayLayer  *self,
                                                             const GpFix     *fix);
void                 gp_overlay_layer_set_track             (GpOverlayLayer  *self,
                                                             GArray          *points);
void                 gp_overlay_layer_set_reached           (GpOverlayLayer  *self,
                                                             const char * const *ids);
guint                gp_overlay_layer_get_n_reached         (GpOverlayLayer  *self);
guint                gp_overlay_layer_get_n_track_points    (GpOverlayLayer  *self);
void                 gp_overlay_layer_set_selected_building (GpOverlayLayer  *self,
                                                             const char      *building_id);
void                 gp_overlay_layer_set_layers            (GpOverlayLayer  *self,
                                                             const char * const *layers);
void                 gp_overlay_layer_set_hot_spots         (GpOverlayLayer  *self,
                                                             GArray          *spots);
guint                gp_overlay_layer_get_n_hot_spots       (GpOverlayLayer  *self);
void                 gp_overlay_layer_set_coverage_days     (GpOverlayLayer  *self,
                                                             int              days);

GpMercPoint          gp_overlay_layer_to_merc               (GpOverlayLayer  *self,
                                                             double           x,
                                                             double           y);
void                 gp_overlay_layer_to_widget             (GpOverlayLayer  *self,
                                                             GpMercPoint      point,
                                                             double          *x,
                                                             double          *y);
const GpMapCluster  *gp_overlay_layer_cluster_at            (GpOverlayLayer  *self,
                                                             double           x,
                                                             double           y);
const GpMapBuilding *gp_overlay_layer_building_at           (GpOverlayLayer  *self,
                                                             double           x,
                                                             double           y);
double               gp_overlay_layer_get_cluster_px        (GpOverlayLayer  *self);

guint32              gp_overlay_layer_route_colour          (guint            index);

G_END_DECLS
