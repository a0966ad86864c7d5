/* gp-patrol-page.h — starting, following and finishing a patrol.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"

G_BEGIN_DECLS

#define GP_TYPE_PATROL_PAGE (gp_patrol_page_get_type ())
G_DECLARE_FINAL_TYPE (GpPatrolPage, gp_patrol_page, GP, PATROL_PAGE, AdwBin)

GtkWidget        *gp_patrol_page_new          (GpContext    *context);
gboolean          gp_patrol_page_get_ready    (GpPatrolPage *self);
GpPatrolRecorder *gp_patrol_page_get_recorder (GpPatrolPage *self);
void              gp_patrol_page_set_route    (GpPatrolPage *self,
                                               const char   *route_id);

G_END_DECLS
