/* gp-incident-row.h — one incident in the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "gp-incident-item.h"

G_BEGIN_DECLS

#define GP_TYPE_INCIDENT_ROW (gp_incident_row_get_type ())
G_DECLARE_FINAL_TYPE (GpIncidentRow, gp_incident_row, GP, INCIDENT_ROW, GtkBox)

GtkWidget  *gp_incident_row_new             (void);
void        gp_incident_row_show            (GpIncidentRow  *self,
                                             GpIncidentItem *item);
const char *gp_incident_row_get_incident_id (GpIncidentRow  *self);
void        gp_incident_row_set_thumbnail   (GpIncidentRow  *self,
                                             const char     *incident_id,
                                             GdkPaintable   *thumbnail);
GdkPaintable *gp_incident_row_get_thumbnail (GpIncidentRow  *self);

G_END_DECLS
