/* gp-window.h — the main window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-report-window.h"

G_BEGIN_DECLS

#define GP_TYPE_WINDOW (gp_window_get_type ())

G_DECLARE_FINAL_TYPE (GpWindow, gp_window, GP, WINDOW, AdwApplicationWindow)

GpWindow       *gp_window_new       (GtkApplication *application,
                                     GpContext      *context);
void            gp_window_open_demo (GpWindow       *self);
const char     *gp_window_get_message (GpWindow     *self);
void            gp_window_show_message (GpWindow     *self,
                                        const char   *message);
GpReportWindow *gp_window_report    (GpWindow       *self,
                                     double          latitude,
                                     double          longitude);

G_END_DECLS
