/* gp-component.h — a managed city component (部件): manhole cover, street light, hydrant, rubbish point.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_COMPONENT (gp_component_get_type ())

G_DECLARE_FINAL_TYPE (GpComponent, gp_component, GP, COMPONENT, GpDocument)

GpComponent  *gp_component_new      (const char *code) G_GNUC_WARN_UNUSED_RESULT;
const char   *gp_component_get_code (GpComponent *self);
const char   *gp_component_get_grid (GpComponent *self);
const char   *gp_component_get_kind (GpComponent *self);
const char   *gp_component_get_name (GpComponent *self);

#define GP_COMPONENT_MANHOLE_COVER "manhole_cover"
#define GP_COMPONENT_STREET_LIGHT  "street_light"
#define GP_COMPONENT_FIRE_HYDRANT  "fire_hydrant"
#define GP_COMPONENT_RUBBISH_POINT "rubbish_point"

const char   *gp_component_kind_label (const char *kind);

G_END_DECLS
