/* gp-photo-private.h — making a photo in a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-photo.h"

G_BEGIN_DECLS

typedef GpPhoto *(*GpPhotoMake) (gpointer       data,
                                 GCancellable  *cancellable,
                                 GError       **error);

/* A time as photos' pages and stamps show it: to the minute. */
#define GP_PHOTO_MINUTE_FORMAT "%Y-%m-%d %H:%M"

char    *gp_photo_format_time (gint64               unix_time,
                               int                  utc_offset,
                               const char          *format) G_GNUC_WARN_UNUSED_RESULT;
gboolean gp_photo_encode      (GpPhoto             *photo,
                               GdkPixbuf           *pixels,
                               GError             **error);
void     gp_photo_make_async  (GpPhotoMake          make,
                               gpointer             data,
                               GDestroyNotify       free_data,
                               gpointer             source_tag,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
GpPhoto *gp_photo_make_finish (GAsyncResult        *result,
                               GdkPixbuf          **thumbnail,
                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
