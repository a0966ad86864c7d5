/* gp-zoom-picture.h — a photo to look at closely: pinch or double-tap to zoom, drag to move.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GP_TYPE_ZOOM_PICTURE (gp_zoom_picture_get_type ())
G_DECLARE_FINAL_TYPE (GpZoomPicture, gp_zoom_picture, GP, ZOOM_PICTURE, GtkWidget)

#define GP_ZOOM_PICTURE_MAX 6.0

GtkWidget *gp_zoom_picture_new      (GdkPaintable  *paintable);
double     gp_zoom_picture_get_zoom (GpZoomPicture *self);
void       gp_zoom_picture_set_zoom (GpZoomPicture *self,
                                     double         zoom);
void       gp_zoom_picture_set_paintable (GpZoomPicture *self,
                                          GdkPaintable  *paintable);

G_END_DECLS
