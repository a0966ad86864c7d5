/* gp-incident-view.h — one incident: photos, facts, timeline, next steps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-step-dialog.h"

G_BEGIN_DECLS

#define GP_TYPE_INCIDENT_VIEW (gp_incident_view_get_type ())
G_DECLARE_FINAL_TYPE (GpIncidentView, gp_incident_view, GP, INCIDENT_VIEW, AdwBin)

GtkWidget    *gp_incident_view_new           (GpContext      *context);
void          gp_incident_view_show          (GpIncidentView *self,
                                              const char     *incident_id);
void          gp_incident_view_reload        (GpIncidentView *self);
const char   *gp_incident_view_get_incident  (GpIncidentView *self);
gboolean      gp_incident_view_get_loading   (GpIncidentView *self);
char        **gp_incident_view_dup_actions   (GpIncidentView *self) G_GNUC_WARN_UNUSED_RESULT;
guint         gp_incident_view_get_n_photos  (GpIncidentView *self);
const char     *gp_incident_view_get_photo_status (GpIncidentView *self,
                                                   guint           index);
const char   *gp_incident_view_get_caption   (GpIncidentView *self,
                                             guint           index);
guint         gp_incident_view_get_n_steps   (GpIncidentView *self);
GpStepDialog *gp_incident_view_take_step     (GpIncidentView *self,
                                              const char     *action);
void          gp_incident_view_set_can_go_back (GpIncidentView *self,
                                                gboolean        can);

const char     *gp_incident_view_get_provenance (GpIncidentView *self,
                                                 guint           index);

G_END_DECLS
