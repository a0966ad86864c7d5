/* gp-watermark.h — a photo taken in the app: the stamp drawn on it, and
 * what is recorded with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-photo.h"

G_BEGIN_DECLS

/* What the band on a photo says; the grid's policy chooses. */
typedef enum
{
  GP_STAMP_TIME   = 1 << 0,   /* date and time to the minute */
  GP_STAMP_GRID   = 1 << 1,   /* the grid's name */
  GP_STAMP_PLACE  = 1 << 2,   /* the nearest building, or the coordinates */
  GP_STAMP_WORKER = 1 << 3,   /* who took it */
  GP_STAMP_CHECK  = 1 << 4,   /* the check code */
} GpStampFields;

#define GP_STAMP_ALL (GP_STAMP_TIME | GP_STAMP_GRID | GP_STAMP_PLACE | GP_STAMP_WORKER | GP_STAMP_CHECK)

/* The band is at most this fraction of the photo's height. */
#define GP_STAMP_MAX_FRACTION (1.0 / 6.0)

/* Everything known at the shutter. */
typedef struct
{
  guint    fields;          /* GpStampFields; 0: no band */
  gint64   taken_at;        /* UNIX time */
  int      utc_offset;      /* the grid's calendar zone, seconds */
  gboolean has_fix;
  double   latitude;
  double   longitude;
  double   accuracy;        /* metres */
  char    *worker;          /* account, recorded */
  char    *worker_name;     /* as stamped */
  char    *grid;            /* code, recorded */
  char    *grid_name;       /* as stamped */
  char    *building;        /* id, recorded; NULL none near */
  char    *building_name;   /* as stamped */
} GpPhotoStamp;

GpPhotoStamp *gp_photo_stamp_new          (void) G_GNUC_WARN_UNUSED_RESULT;
GpPhotoStamp *gp_photo_stamp_copy         (const GpPhotoStamp *stamp) G_GNUC_WARN_UNUSED_RESULT;
void          gp_photo_stamp_free         (GpPhotoStamp       *stamp);
guint         gp_photo_stamp_fields_from_json (JsonObject     *policy_member);
char        **gp_photo_stamp_dup_lines    (const GpPhotoStamp *stamp,
                                           const char         *check) G_GNUC_WARN_UNUSED_RESULT;

int           gp_watermark_draw           (GdkPixbuf          *pixbuf,
                                           const char * const *lines);

GpPhoto      *gp_photo_take_frame         (GdkPixbuf          *frame,
                                           const GpPhotoStamp *stamp,
                                           GCancellable       *cancellable,
                                           GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void          gp_photo_take_frame_async   (GdkPixbuf          *frame,
                                           const GpPhotoStamp *stamp,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
GpPhoto      *gp_photo_take_frame_finish  (GAsyncResult       *result,
                                           GdkPixbuf         **thumbnail,
                                           GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpPhotoStamp, gp_photo_stamp_free)

G_END_DECLS
