/* gp-track-picture.h — a patrol's track drawn over the grid's basemap, as a picture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkTexture *gp_track_picture_render        (const char          *basemap_path,
                                            GArray              *track,
                                            int                  width,
                                            int                  height) G_GNUC_WARN_UNUSED_RESULT;
void        gp_track_picture_render_async  (const char          *basemap_path,
                                            GArray              *track,
                                            int                  width,
                                            int                  height,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GdkTexture *gp_track_picture_render_finish (GAsyncResult        *result,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
