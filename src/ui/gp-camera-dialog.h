/* gp-camera-dialog.h — taking photos in the app, one after another.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-camera.h"
#include "gp-stamp-source.h"

G_BEGIN_DECLS

#define GP_TYPE_CAMERA_DIALOG (gp_camera_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GpCameraDialog, gp_camera_dialog, GP, CAMERA_DIALOG, AdwDialog)

GpCameraDialog *gp_camera_dialog_new         (GpStampSource  *stamps,
                                              GPtrArray      *thumbnails);
GpCamera       *gp_camera_dialog_get_camera  (GpCameraDialog *self);
guint           gp_camera_dialog_get_n_taken (GpCameraDialog *self);
gboolean        gp_camera_dialog_get_busy    (GpCameraDialog *self);
const char     *gp_camera_dialog_get_message (GpCameraDialog *self);
void            gp_camera_dialog_shoot       (GpCameraDialog *self);

G_END_DECLS
