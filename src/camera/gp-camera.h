/* gp-camera.h — the device's camera: a live picture and full-size frames.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk/gdk.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define GP_CAMERA_ERROR (gp_camera_error_quark ())

typedef enum
{
  GP_CAMERA_ERROR_NO_CAMERA,   /* the device has none */
  GP_CAMERA_ERROR_DENIED,      /* the user did not allow it */
  GP_CAMERA_ERROR_BUSY,        /* another app has it */
  GP_CAMERA_ERROR_LOST,        /* it stopped while on */
  GP_CAMERA_ERROR_FAILED,
} GpCameraError;

typedef enum
{
  GP_CAMERA_STATE_OFF,
  GP_CAMERA_STATE_STARTING,    /* asking for access, opening, waiting for a frame */
  GP_CAMERA_STATE_ON,          /* frames are shown */
  GP_CAMERA_STATE_FAILED,      /* see gp_camera_get_error() */
} GpCameraState;

#define GP_TYPE_CAMERA (gp_camera_get_type ())
G_DECLARE_FINAL_TYPE (GpCamera, gp_camera, GP, CAMERA, GObject)

GQuark        gp_camera_error_quark       (void);
GpCamera     *gp_camera_new               (const char          *source) G_GNUC_WARN_UNUSED_RESULT;
GpCamera     *gp_camera_new_default       (void) G_GNUC_WARN_UNUSED_RESULT;
void          gp_camera_start             (GpCamera            *self);
void          gp_camera_stop              (GpCamera            *self);
GpCameraState gp_camera_get_state         (GpCamera            *self);
const GError *gp_camera_get_error         (GpCamera            *self);
guint         gp_camera_get_n_cameras     (GpCamera            *self);
void          gp_camera_switch            (GpCamera            *self);
gboolean      gp_camera_get_has_torch     (GpCamera            *self);
gboolean      gp_camera_get_torch         (GpCamera            *self);
void          gp_camera_set_torch         (GpCamera            *self,
                                           gboolean             on);
gboolean      gp_camera_get_can_focus     (GpCamera            *self);
void          gp_camera_focus             (GpCamera            *self);
guint64       gp_camera_get_frames_shown  (GpCamera            *self);
void          gp_camera_capture_async     (GpCamera            *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GdkPixbuf    *gp_camera_capture_finish    (GpCamera            *self,
                                           GAsyncResult        *result,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* For tests: the camera stops as a device that is unplugged does. */
void          gp_camera_simulate_loss     (GpCamera            *self);

G_END_DECLS
