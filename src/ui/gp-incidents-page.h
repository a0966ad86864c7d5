/* gp-incidents-page.h — the grid's incidents, filtered, and one of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-incident-view.h"

G_BEGIN_DECLS

#define GP_TYPE_INCIDENTS_PAGE (gp_incidents_page_get_type ())
G_DECLARE_FINAL_TYPE (GpIncidentsPage, gp_incidents_page, GP, INCIDENTS_PAGE, AdwBin)

typedef enum
{
  GP_INCIDENT_FILTER_OPEN    = 1 << 0,
  GP_INCIDENT_FILTER_MINE    = 1 << 1,
  GP_INCIDENT_FILTER_OVERDUE = 1 << 2,
  GP_INCIDENT_FILTER_TODAY   = 1 << 3,
} GpIncidentFilter;

GtkWidget      *gp_incidents_page_new          (GpContext        *context);
void            gp_incidents_page_show         (GpIncidentsPage  *self,
                                                const char       *incident_id);
void            gp_incidents_page_reload       (GpIncidentsPage  *self);
void            gp_incidents_page_set_filters  (GpIncidentsPage  *self,
                                                GpIncidentFilter  filters,
                                                const char       *class_code);
GListModel     *gp_incidents_page_get_model    (GpIncidentsPage  *self);
gboolean        gp_incidents_page_get_loading  (GpIncidentsPage  *self);
GpIncidentView *gp_incidents_page_get_view     (GpIncidentsPage  *self);

guint            gp_incidents_page_get_n_assigned (GpIncidentsPage *self);

G_END_DECLS
