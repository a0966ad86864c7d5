/* gp-incident.h — an incident (事件) reported in a grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_INCIDENT (gp_incident_get_type ())

G_DECLARE_FINAL_TYPE (GpIncident, gp_incident, GP, INCIDENT, GpDocument)

GpIncident  *gp_incident_new             (void) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_incident_get_grid        (GpIncident *self);
const char  *gp_incident_get_source      (GpIncident *self);
const char  *gp_incident_get_category    (GpIncident *self);
const char  *gp_incident_get_grade       (GpIncident *self);
const char  *gp_incident_get_urgency     (GpIncident *self);
const char  *gp_incident_get_description (GpIncident *self);
const char  *gp_incident_get_address     (GpIncident *self);
double       gp_incident_get_accuracy_m  (GpIncident *self);
const char  *gp_incident_get_building    (GpIncident *self);
const char  *gp_incident_get_household   (GpIncident *self);
const char  *gp_incident_get_reporter    (GpIncident *self);
GDateTime   *gp_incident_dup_reported_at (GpIncident *self) G_GNUC_WARN_UNUSED_RESULT;

#define GP_SOURCE_PATROL          "patrol"
#define GP_SOURCE_RESIDENT        "resident"
#define GP_SOURCE_HOTLINE         "hotline_12345"
#define GP_SOURCE_CENTRE          "centre"
#define GP_SOURCE_WECHAT          "wechat"
#define GP_SOURCE_REPRESENTATIVES "representatives"
#define GP_SOURCE_OTHER           "other"

const char * const *gp_incident_get_sources  (void);
const char         *gp_incident_source_label (const char *source);
const char         *gp_incident_get_uuid     (GpIncident *self);

G_END_DECLS
