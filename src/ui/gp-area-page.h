/* gp-area-page.h — the area review: rates, overdue board, to-do, hot spots, summaries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-stats.h"

G_BEGIN_DECLS

#define GP_TYPE_AREA_PAGE (gp_area_page_get_type ())

G_DECLARE_FINAL_TYPE (GpAreaPage, gp_area_page, GP, AREA_PAGE, AdwBin)

GtkWidget  *gp_area_page_new          (GpContext  *context);
GpStats    *gp_area_page_get_stats    (GpAreaPage *self);
gboolean    gp_area_page_get_loading  (GpAreaPage *self);
const char *gp_area_page_get_message  (GpAreaPage *self);
void        gp_area_page_set_period   (GpAreaPage *self,
                                       guint       period);
void        gp_area_page_set_range    (GpAreaPage  *self,
                                       const GDate *first,
                                       const GDate *last);
void        gp_area_page_reload       (GpAreaPage *self);
void        gp_area_page_save_summary (GpAreaPage *self,
                                       GpPeriod    period,
                                       const char *path);

G_END_DECLS
