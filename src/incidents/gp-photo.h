/* gp-photo.h — a photo taken in for an incident: oriented, scaled, stripped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

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
/* A photo further than this from its case's position is pointed out. */
#define GP_PHOTO_FAR_M          200.0

/* Where a photo came from, as the centre is told. */
typedef enum
{
  GP_PHOTO_SOURCE_UNKNOWN,   /* taken in before this was recorded */
  GP_PHOTO_SOURCE_CAMERA,    /* taken in the app, at the shutter */
  GP_PHOTO_SOURCE_GALLERY,   /* chosen from the device's files */
} GpPhotoSource;

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

  /* Provenance (src/model/README.md §8): recorded when the photo is taken
   * in and sent with it. A camera photo's position is the fix at the
   * shutter; a gallery photo's is its EXIF GPS. */
  GpPhotoSource source;
  gint64   taken_at;       /* UNIX time: the shutter, or the file's own time */
  double   accuracy;       /* metres, of a camera photo's fix; 0 unknown */
  char    *worker;         /* the account that took it in */
  char    *grid;           /* the grid's code */
  char    *building;       /* the nearest building's id, or NULL */
  char    *sha256;         /* of jpeg, hex */
  char    *check;          /* the code stamped on it, or NULL unstamped */
} GpPhoto;

GQuark   gp_photo_error_quark  (void);
GpPhoto *gp_photo_process      (GBytes        *data,
                                GCancellable  *cancellable,
                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GpPhoto *gp_photo_process_file (const char    *path,
                                GCancellable  *cancellable,
                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
void     gp_photo_free         (GpPhoto       *photo);
GpPhoto *gp_photo_copy         (const GpPhoto *photo) G_GNUC_WARN_UNUSED_RESULT;
void     gp_photo_clear_provenance (GpPhoto   *photo);
char    *gp_photo_compute_sha256 (GBytes      *jpeg) G_GNUC_WARN_UNUSED_RESULT;
void     gp_photo_set_gallery  (GpPhoto       *photo,
                                gint64         file_time,
                                const char    *worker,
                                const char    *grid);
void     gp_photo_write_provenance (const GpPhoto *photo,
                                    JsonObject    *entry);
void     gp_photo_read_provenance  (GpPhoto       *photo,
                                    JsonObject    *entry);
char         *gp_photo_describe_provenance (const GpPhoto *photo,
                                            gboolean       case_has_position,
                                            double         case_latitude,
                                            double         case_longitude,
                                            const char    *building_name,
                                            gboolean      *doubtful) G_GNUC_WARN_UNUSED_RESULT;

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
