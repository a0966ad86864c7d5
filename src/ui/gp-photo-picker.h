/* gp-photo-picker.h — photos chosen for a report or a step, taken in off
 * the main loop, with their thumbnails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-camera-dialog.h"
#include "gp-context.h"
#include "gp-photo.h"

G_BEGIN_DECLS

#define GP_TYPE_PHOTO_PICKER (gp_photo_picker_get_type ())
G_DECLARE_FINAL_TYPE (GpPhotoPicker, gp_photo_picker, GP, PHOTO_PICKER, GtkBox)

GtkWidget  *gp_photo_picker_new          (void);
void        gp_photo_picker_set_context  (GpPhotoPicker *self,
                                          GpContext     *context);
void        gp_photo_picker_choose       (GpPhotoPicker *self);
GpCameraDialog *gp_photo_picker_open_camera (GpPhotoPicker *self);
void        gp_photo_picker_add_files    (GpPhotoPicker *self,
                                          GFile        **files,
                                          guint          n_files);
void        gp_photo_picker_add_photo    (GpPhotoPicker *self,
                                          GpPhoto       *photo);
GPtrArray  *gp_photo_picker_get_photos   (GpPhotoPicker *self);
gboolean    gp_photo_picker_get_busy     (GpPhotoPicker *self);
const char *gp_photo_picker_get_message  (GpPhotoPicker *self);
void        gp_photo_picker_clear        (GpPhotoPicker *self);

G_END_DECLS
