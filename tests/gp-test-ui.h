/* gp-test-ui.h — helpers for the tests that open real windows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-map-page.h"

G_BEGIN_DECLS

#define GP_TEST_PHONE_WIDTH  360
#define GP_TEST_PHONE_HEIGHT 720

void        gp_test_ui_init       (int        *argc,
                                   char     ***argv);
void        gp_test_load_app_style (void);
void        gp_test_wait_frames   (GtkWidget  *widget,
                                   guint       frames);
GdkTexture *gp_test_render        (GtkWidget  *widget) G_GNUC_WARN_UNUSED_RESULT;
void        gp_test_save_png      (GdkTexture *texture,
                                   const char *name);
guint32     gp_test_pixel         (GdkTexture *texture,
                                   int         x,
                                   int         y);
gboolean    gp_test_colour_near   (guint32     a,
                                   guint32     b,
                                   guint       tolerance);
guint       gp_test_count_colour  (GdkTexture *texture,
                                   int         x0,
                                   int         y0,
                                   int         x1,
                                   int         y1,
                                   guint32     colour,
                                   guint       tolerance);
char       *gp_test_collect_text  (GtkWidget  *widget) G_GNUC_WARN_UNUSED_RESULT;
void        gp_test_wait_for_map  (GpMapPage  *page);
void        gp_test_set_store     (GpContext  *context,
                                   GpStore    *store);
void        gp_test_settle        (void);
void        gp_test_save_widget_png (GtkWidget *widget,
                                     const char *name);
void        gp_test_present_phone (GtkWindow  *window);
void        gp_test_present_at    (GtkWindow  *window,
                                   int         width,
                                   int         height);
GtkWindow  *gp_test_find_window   (GType       type);
AdwDialog  *gp_test_find_dialog   (GType       type);
AdwDialog  *gp_test_wait_for_dialog (GType     type);
void        gp_test_wait_for_no_dialog (GType  type);
GtkWindow  *gp_test_wait_for_window (GType     type);
void        gp_test_wait_for_no_window (GType  type);
void        gp_test_present_dialog (AdwDialog *dialog,
                                    GtkWidget *parent);
GtkWindow  *gp_test_present_dialog_on_phone (AdwDialog *dialog);
void        gp_test_tap_button    (GtkWidget  *widget,
                                   const char *label);
void        gp_test_alert_respond (AdwAlertDialog *dialog,
                                   const char     *response);
GpLocation *gp_test_location_new  (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
