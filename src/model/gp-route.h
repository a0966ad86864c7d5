/* gp-route.h — a patrol route (巡查路线): ordered checkpoints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"
#include "gp-geo.h"

G_BEGIN_DECLS

#define GP_TYPE_ROUTE (gp_route_get_type ())

G_DECLARE_FINAL_TYPE (GpRoute, gp_route, GP, ROUTE, GpDocument)

GpRoute     *gp_route_new             (const char *code) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_route_get_code        (GpRoute *self);
const char  *gp_route_get_grid        (GpRoute *self);
const char  *gp_route_get_name        (GpRoute *self);
const char  *gp_route_get_description (GpRoute *self);

#define GP_CHECKPOINT_DEFAULT_RADIUS 30.0

typedef struct
{
  const char *id;
  const char *name;
  const char *building;
  GpGeoPoint  position;
  double      radius;
} GpCheckpoint;

guint         gp_route_get_n_checkpoints (GpRoute      *self);
gboolean      gp_route_get_checkpoint    (GpRoute      *self,
                                          guint         index,
                                          GpCheckpoint *checkpoint);

G_END_DECLS
