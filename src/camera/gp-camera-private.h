/* gp-camera-private.h — the camera portal, for gp-camera.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void gp_camera_portal_open_async  (GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
int  gp_camera_portal_open_finish (GAsyncResult        *result,
                                   GError             **error);

G_END_DECLS
