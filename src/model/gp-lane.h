/* gp-lane.h — a lane or road inside a grid (巷道).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_LANE (gp_lane_get_type ())

G_DECLARE_FINAL_TYPE (GpLane, gp_lane, GP, LANE, GpDocument)

GpLane      *gp_lane_new      (const char *code) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_lane_get_code (GpLane *self);
const char  *gp_lane_get_grid (GpLane *self);
const char  *gp_lane_get_name (GpLane *self);
const char  *gp_lane_get_kind (GpLane *self);

G_END_DECLS
