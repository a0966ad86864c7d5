/* gp-report-window.h — reporting an incident: photos, category, place, text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "gp-context.h"
#include "gp-photo-picker.h"
#include "gp-report-draft.h"

G_BEGIN_DECLS

#define GP_TYPE_REPORT_WINDOW (gp_report_window_get_type ())
G_DECLARE_FINAL_TYPE (GpReportWindow, gp_report_window, GP, REPORT_WINDOW, AdwWindow)

GpReportWindow      *gp_report_window_new              (GtkWindow      *parent,
                                                        GpContext      *context);
void                 gp_report_window_place_at         (GpReportWindow *self,
                                                        double          latitude,
                                                        double          longitude);
void                 gp_report_window_set_position     (GpReportWindow *self,
                                                        double          latitude,
                                                        double          longitude,
                                                        const char     *from);
void                 gp_report_window_set_category     (GpReportWindow *self,
                                                        const char     *code);
void                 gp_report_window_set_building     (GpReportWindow *self,
                                                        const char     *building_id);
const GpReportDraft *gp_report_window_get_draft        (GpReportWindow *self);
GpPhotoPicker       *gp_report_window_get_photo_picker (GpReportWindow *self);
gboolean             gp_report_window_get_ready        (GpReportWindow *self);
gboolean             gp_report_window_get_busy         (GpReportWindow *self);
guint                gp_report_window_get_n_duplicates (GpReportWindow *self);
const char          *gp_report_window_get_message      (GpReportWindow *self);
const char          *gp_report_window_get_missing      (GpReportWindow *self);
void                 gp_report_window_set_basemap      (GpReportWindow   *self,
                                                        ShumateMapSource *basemap);

G_END_DECLS
