/* gp-photo.h — a photo taken in for an incident: oriented, scaled, stripped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define GP_PHOTO_ERROR (gp_photo_error_quark ())

typedef enum
{
  GP_PHOTO_ERROR_EMPTY,
  GP_PHOTO_ERROR_NOT_IMAGE,
  GP_PHOTO_ERROR_TRUNCATED,
  GP_PHOTO_ERROR_TOO_LARGE,
  GP_PHOTO_ERROR_FAILED,
} GpPhotoError;

#define GP_PHOTO_MAX_EDGE       1600   /* the long edge kept, in pixels */
#define GP_PHOTO_THUMBNAIL_EDGE 320
#define GP_PHOTO_QUALITY        80
#define GP_PHOTO_MAX_PIXELS     (120 * 1000 * 1000)

typedef struct
{
  GBytes  *jpeg;           /* the photo as kept: JPEG, no metadata */
  GBytes  *thumbnail;      /* JPEG, for lists */
  int      width;
  int      height;
  int      orientation;    /* the EXIF orientation that was applied, 1–8 */
  gint64   captured_at;    /* UNIX time from EXIF, 0 unknown */
  gboolean has_position;   /* EXIF GPS */
  double   latitude;
  double   longitude;
} GpPhoto;

GQuark   gp_photo_error_quark  (void);
GpPhoto *gp_photo_process      (GBytes        *data,
                                GCancellable  *cancellable,
                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GpPhoto *gp_photo_process_file (const char    *path,
                                GCancellable  *cancellable,
                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
void     gp_photo_free         (GpPhoto       *photo);
GdkPixbuf *gp_photo_decode     (GBytes        *jpeg,
                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* Off the main loop: a file taken in, with its thumbnail decoded for
 * showing; or a photo's bytes decoded. */
void     gp_photo_process_file_async  (const char           *path,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GpPhoto *gp_photo_process_file_finish (GAsyncResult         *result,
                                       GdkPixbuf           **thumbnail,
                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void     gp_photo_decode_async        (GBytes               *jpeg,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GdkPixbuf *gp_photo_decode_finish     (GAsyncResult         *result,
                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpPhoto, gp_photo_free)

G_END_DECLS
