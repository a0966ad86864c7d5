/* gp-patrol.h — one patrol walked by a worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_PATROL (gp_patrol_get_type ())

G_DECLARE_FINAL_TYPE (GpPatrol, gp_patrol, GP, PATROL, GpDocument)

GpPatrol    *gp_patrol_new            (void) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_patrol_get_grid       (GpPatrol *self);
const char  *gp_patrol_get_route      (GpPatrol *self);
const char  *gp_patrol_get_worker     (GpPatrol *self);
GDateTime   *gp_patrol_dup_started_at (GpPatrol *self) G_GNUC_WARN_UNUSED_RESULT;
GDateTime   *gp_patrol_dup_ended_at   (GpPatrol *self) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_patrol_get_status     (GpPatrol *self);
double       gp_patrol_get_distance_m (GpPatrol *self);
const char  *gp_patrol_get_track      (GpPatrol *self);

#define GP_PATROL_RUNNING  "running"
#define GP_PATROL_PAUSED   "paused"
#define GP_PATROL_FINISHED "finished"

G_END_DECLS
