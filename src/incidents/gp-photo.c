/* gp-photo.c
 *
 * A phone camera's photo is 3–15 MB with the camera's metadata in it,
 * often stored sideways with an EXIF orientation. What an incident keeps
 * is the picture upright, its long edge at most 1600 px, re-encoded as
 * JPEG at quality 80 (typically 150–400 KB), with nothing of the camera's
 * metadata but the capture time and the GPS position, which are kept as
 * fields (src/model/README.md §7). The JPEG's structure is read here first, so a
 * truncated file or absurd dimensions are refused before any decoding.
 *
 * Everything here is synchronous and meant for a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-photo"

#include "config.h"

#include "gp-clock.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-photo.h"
#include "gp-photo-private.h"
#include "gp-worker.h"

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (gp-photo-error-quark, gp_photo_error)

typedef struct
{
  const guint8 *data;
  gsize         length;
  gboolean      big_endian;
} Tiff;

typedef struct
{
  int          width;
  int          height;
  const guint8 *exif;      /* the TIFF structure in APP1, if any */
  gsize        exif_length;
} JpegInfo;

/* Reading EXIF. Every read is bounds-checked: the bytes come from anywhere. */

static gboolean
tiff_u16 (const Tiff *tiff,
          gsize       offset,
          guint       *value)
{
  if (offset + 2 > tiff->length)
    return FALSE;
  *value = tiff->big_endian ? (tiff->data[offset] << 8) | tiff->data[offset + 1]
                            : (tiff->data[offset + 1] << 8) | tiff->data[offset];
  return TRUE;
}

static gboolean
tiff_u32 (const Tiff *tiff,
          gsize       offset,
          guint32    *value)
{
  const guint8 *p = tiff->data + offset;

  if (offset + 4 > tiff->length)
    return FALSE;
  *value = tiff->big_endian ? ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3]
                            : ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
  return TRUE;
}

/* The 12-byte entry of @tag in the IFD at @ifd, as an offset; 0 if none. */
static gsize
tiff_find (const Tiff *tiff,
           gsize       ifd,
           guint       tag)
{
  guint count;

  if (ifd == 0 || !tiff_u16 (tiff, ifd, &count))
    return 0;
  for (guint i = 0; i < count && i < 1000; i++)
    {
      gsize entry = ifd + 2 + 12 * (gsize) i;
      guint entry_tag;

      if (!tiff_u16 (tiff, entry, &entry_tag))
        return 0;
      if (entry_tag == tag)
        return entry;
    }
  return 0;
}

/* Where an entry's value is: inline when it fits in four bytes. */
static gsize
tiff_value_offset (const Tiff *tiff,
                   gsize       entry,
                   gsize       size)
{
  guint32 offset;

  if (size <= 4)
    return entry + 8 + size <= tiff->length ? entry + 8 : 0;
  if (!tiff_u32 (tiff, entry + 8, &offset) || offset + size > tiff->length)
    return 0;
  return offset;
}

static gsize
tiff_sub_ifd (const Tiff *tiff,
              gsize       ifd,
              guint       tag)
{
  gsize entry = tiff_find (tiff, ifd, tag);
  guint32 offset;

  if (entry == 0 || !tiff_u32 (tiff, entry + 8, &offset) || offset >= tiff->length)
    return 0;
  return offset;
}

static char *
tiff_ascii (const Tiff *tiff,
            gsize       ifd,
            guint       tag)
{
  gsize entry = tiff_find (tiff, ifd, tag);
  guint type;
  guint32 count;
  gsize offset;

  if (entry == 0 || !tiff_u16 (tiff, entry + 2, &type) || type != 2 ||
      !tiff_u32 (tiff, entry + 4, &count) || count == 0 || count > 64 ||
      (offset = tiff_value_offset (tiff, entry, count)) == 0)
    return NULL;
  return g_strndup ((const char *) tiff->data + offset, count);
}

/* Degrees from three RATIONALs: degrees, minutes, seconds. */
static gboolean
tiff_degrees (const Tiff *tiff,
              gsize       ifd,
              guint       tag,
              double     *degrees)
{
  gsize entry = tiff_find (tiff, ifd, tag);
  guint type;
  guint32 count;
  gsize offset;
  double parts[3];

  if (entry == 0 || !tiff_u16 (tiff, entry + 2, &type) || type != 5 ||
      !tiff_u32 (tiff, entry + 4, &count) || count != 3 ||
      (offset = tiff_value_offset (tiff, entry, 24)) == 0)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      guint32 numerator, denominator;

      if (!tiff_u32 (tiff, offset + 8 * i, &numerator) || !tiff_u32 (tiff, offset + 8 * i + 4, &denominator) ||
          denominator == 0)
        return FALSE;
      parts[i] = (double) numerator / denominator;
    }
  *degrees = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  return TRUE;
}

static void
read_exif (const guint8 *data,
           gsize         length,
           GpPhoto      *photo)
{
  Tiff tiff = { data, length, FALSE };
  guint magic, orientation;
  guint32 ifd0;
  gsize entry, exif_ifd, gps_ifd;
  g_autofree char *taken = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *lat_ref = NULL;
  g_autofree char *lon_ref = NULL;
  double lat, lon;

  if (length < 8 || (memcmp (data, "II", 2) != 0 && memcmp (data, "MM", 2) != 0))
    return;
  tiff.big_endian = data[0] == 'M';
  if (!tiff_u16 (&tiff, 2, &magic) || magic != 42 || !tiff_u32 (&tiff, 4, &ifd0) || ifd0 >= length)
    return;

  entry = tiff_find (&tiff, ifd0, 0x0112);
  if (entry != 0 && tiff_u16 (&tiff, entry + 8, &orientation) && orientation >= 1 && orientation <= 8)
    photo->orientation = (int) orientation;

  /* DateTimeOriginal, "YYYY:MM:DD HH:MM:SS" in the camera's local time;
   * OffsetTimeOriginal says which, else China's. */
  exif_ifd = tiff_sub_ifd (&tiff, ifd0, 0x8769);
  taken = tiff_ascii (&tiff, exif_ifd, 0x9003);
  offset = tiff_ascii (&tiff, exif_ifd, 0x9011);
  if (taken != NULL && strlen (taken) >= 19)
    {
      g_autofree char *iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.8s%s", taken, taken + 5, taken + 8, taken + 11,
                                              offset != NULL && strlen (offset) == 6 ? offset : "+08:00");
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, NULL);

      if (time != NULL)
        photo->captured_at = g_date_time_to_unix (time);
    }

  gps_ifd = tiff_sub_ifd (&tiff, ifd0, 0x8825);
  lat_ref = tiff_ascii (&tiff, gps_ifd, 1);
  lon_ref = tiff_ascii (&tiff, gps_ifd, 3);
  if (lat_ref != NULL && lon_ref != NULL && tiff_degrees (&tiff, gps_ifd, 2, &lat) &&
      tiff_degrees (&tiff, gps_ifd, 4, &lon) && lat <= 90.0 && lon <= 180.0 &&
      (lat != 0.0 || lon != 0.0))
    {
      photo->has_position = TRUE;
      photo->latitude = lat_ref[0] == 'S' ? -lat : lat;
      photo->longitude = lon_ref[0] == 'W' ? -lon : lon;
    }
}

/* Walks a JPEG's segments up to the image data and checks that the data
 * ends (an EOI marker after it), without decoding anything. */
static gboolean
read_jpeg (const guint8  *data,
           gsize          length,
           JpegInfo      *info,
           GError       **error)
{
  gsize pos = 2;

  while (TRUE)
    {
      guint8 marker;
      gsize segment;

      while (pos < length && data[pos] == 0xff && pos + 1 < length && data[pos + 1] == 0xff)
        pos++;
      if (pos + 4 > length || data[pos] != 0xff)
        goto truncated;
      marker = data[pos + 1];
      if (marker == 0xd9)
        break;
      if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
        {
          pos += 2;
          continue;
        }
      segment = (data[pos + 2] << 8) | data[pos + 3];
      if (segment < 2 || pos + 2 + segment > length)
        goto truncated;

      if (marker == 0xe1 && segment >= 8 && memcmp (data + pos + 4, "Exif\0\0", 6) == 0 && info->exif == NULL)
        {
          info->exif = data + pos + 10;
          info->exif_length = segment - 8;
        }
      else if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc &&
               segment >= 7)
        {
          info->height = (data[pos + 5] << 8) | data[pos + 6];
          info->width = (data[pos + 7] << 8) | data[pos + 8];
        }
      else if (marker == 0xda)
        {
          /* The image data: it must end with EOI somewhere after this. */
          for (gsize i = pos + 2 + segment; i + 1 < length; i++)
            if (data[i] == 0xff && data[i + 1] == 0xd9)
              return TRUE;
          goto truncated;
        }
      pos += 2 + segment;
    }
  return TRUE;

truncated:
  g_set_error_literal (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_TRUNCATED,
                       _("the photo is cut short: the file was not copied whole"));
  return FALSE;
}

static gboolean
read_png_size (const guint8 *data,
               gsize         length,
               int          *width,
               int          *height)
{
  if (length < 33 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  *width = (int) MIN (G_MAXINT, ((guint32) data[16] << 24) | (data[17] << 16) | (data[18] << 8) | data[19]);
  *height = (int) MIN (G_MAXINT, ((guint32) data[20] << 24) | (data[21] << 16) | (data[22] << 8) | data[23]);
  return TRUE;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  int edge = MAX (width, height);

  /* libjpeg decodes at a half, a quarter or an eighth directly. */
  if (edge > GP_PHOTO_MAX_EDGE)
    gdk_pixbuf_loader_set_size (loader, MAX (1, (int) round ((double) width * GP_PHOTO_MAX_EDGE / edge)),
                                MAX (1, (int) round ((double) height * GP_PHOTO_MAX_EDGE / edge)));
}

static GdkPixbuf *
orient (GdkPixbuf *pixbuf,
        int        orientation)
{
  g_autoptr(GdkPixbuf) turned = NULL;

  switch (orientation)
    {
    case 2:
      return gdk_pixbuf_flip (pixbuf, TRUE);
    case 3:
      return gdk_pixbuf_rotate_simple (pixbuf, GDK_PIXBUF_ROTATE_UPSIDEDOWN);
    case 4:
      return gdk_pixbuf_flip (pixbuf, FALSE);
    case 5:   /* transposed */
      turned = gdk_pixbuf_rotate_simple (pixbuf, GDK_PIXBUF_ROTATE_CLOCKWISE);
      return gdk_pixbuf_flip (turned, TRUE);
    case 6:
      return gdk_pixbuf_rotate_simple (pixbuf, GDK_PIXBUF_ROTATE_CLOCKWISE);
    case 7:   /* transversed */
      turned = gdk_pixbuf_rotate_simple (pixbuf, GDK_PIXBUF_ROTATE_CLOCKWISE);
      return gdk_pixbuf_flip (turned, FALSE);
    case 8:
      return gdk_pixbuf_rotate_simple (pixbuf, GDK_PIXBUF_ROTATE_COUNTERCLOCKWISE);
    default:
      return g_object_ref (pixbuf);
    }
}

static GBytes *
encode (GdkPixbuf  *pixbuf,
        int         quality,
        GError    **error)
{
  g_autofree char *text = g_strdup_printf ("%d", quality);
  char *buffer = NULL;
  gsize size = 0;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error, "quality", text, NULL))
    return NULL;
  return g_bytes_new_take (buffer, size);
}

/*
 * gp_photo_encode:
 * @pixels: the picture as kept: upright, scaled, RGB
 *
 * Sets what a kept photo has from its pixels: its size, the JPEG, the
 * thumbnail and the JPEG's SHA-256.
 */
gboolean
gp_photo_encode (GpPhoto    *photo,
                 GdkPixbuf  *pixels,
                 GError    **error)
{
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  int thumb_w, thumb_h;

  photo->width = gdk_pixbuf_get_width (pixels);
  photo->height = gdk_pixbuf_get_height (pixels);
  photo->jpeg = encode (pixels, GP_PHOTO_QUALITY, error);
  if (photo->jpeg == NULL)
    return FALSE;
  if (photo->width >= photo->height)
    {
      thumb_w = MIN (photo->width, GP_PHOTO_THUMBNAIL_EDGE);
      thumb_h = MAX (1, (int) round ((double) photo->height * thumb_w / photo->width));
    }
  else
    {
      thumb_h = MIN (photo->height, GP_PHOTO_THUMBNAIL_EDGE);
      thumb_w = MAX (1, (int) round ((double) photo->width * thumb_h / photo->height));
    }
  thumbnail = gdk_pixbuf_scale_simple (pixels, thumb_w, thumb_h, GDK_INTERP_BILINEAR);
  photo->thumbnail = encode (thumbnail, 70, error);
  if (photo->thumbnail == NULL)
    return FALSE;
  photo->sha256 = gp_photo_compute_sha256 (photo->jpeg);
  return TRUE;
}

/**
 * gp_photo_process:
 * @data: the file's bytes: a JPEG or PNG
 *
 * Takes a photo in (see the top of this file). Refuses an empty file, one
 * that is not a JPEG or PNG, a JPEG cut short, and more than 120 megapixels.
 */
GpPhoto *
gp_photo_process (GBytes        *data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GpPhoto) photo = g_new0 (GpPhoto, 1);
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;
  g_autoptr(GdkPixbuf) flat = NULL;
  g_autoptr(GError) local_error = NULL;
  JpegInfo info = { 0 };
  gboolean written, closed;
  GdkPixbuf *decoded;
  const guint8 *bytes;
  gsize length;

  g_return_val_if_fail (data != NULL, NULL);

  bytes = g_bytes_get_data (data, &length);
  photo->orientation = 1;
  if (length == 0)
    {
      g_set_error_literal (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }
  if (length >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    {
      if (!read_jpeg (bytes, length, &info, error))
        return NULL;
      if (info.exif != NULL)
        read_exif (info.exif, info.exif_length, photo);
    }
  else if (length >= 8 && memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      if (!read_png_size (bytes, length, &info.width, &info.height))
        {
          g_set_error_literal (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_TRUNCATED,
                               _("the photo is cut short: the file was not copied whole"));
          return NULL;
        }
    }
  else
    {
      g_set_error_literal (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_NOT_IMAGE,
                           _("it is not a photo (only JPEG and PNG pictures can be used)"));
      return NULL;
    }

  if (info.width <= 0 || info.height <= 0 || (gint64) info.width * info.height > GP_PHOTO_MAX_PIXELS ||
      info.width > 30000 || info.height > 30000)
    {
      g_set_error (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_TOO_LARGE,
                   _("the picture says it is %d × %d pixels, which no camera takes"), info.width, info.height);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), NULL);
  written = gdk_pixbuf_loader_write_bytes (loader, data, &local_error);
  /* A loader is always closed, whatever went wrong. */
  closed = gdk_pixbuf_loader_close (loader, written ? &local_error : NULL);
  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!written || !closed || decoded == NULL)
    {
      g_set_error (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_FAILED, _("the picture cannot be read: %s"),
                   local_error ? local_error->message : _("unknown error"));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  upright = orient (decoded, photo->orientation);
  /* JPEG has no transparency: a PNG's is laid on white. */
  if (gdk_pixbuf_get_has_alpha (upright))
    {
      flat = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, gdk_pixbuf_get_width (upright),
                             gdk_pixbuf_get_height (upright));
      gdk_pixbuf_fill (flat, 0xffffffff);
      gdk_pixbuf_composite (upright, flat, 0, 0, gdk_pixbuf_get_width (upright), gdk_pixbuf_get_height (upright),
                            0, 0, 1, 1, GDK_INTERP_NEAREST, 255);
    }
  else
    flat = g_object_ref (upright);

  if (!gp_photo_encode (photo, flat, error))
    return NULL;

  return g_steal_pointer (&photo);
}

GpPhoto *
gp_photo_process_file (const char    *path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf info;
  GpPhoto *photo;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_FAILED, _("the photo cannot be read: %s"),
                   local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (file);
  photo = gp_photo_process (bytes, cancellable, error);
  if (photo == NULL)
    return NULL;
  /* From the device's files: marked so, with the file's own time. */
  photo->source = GP_PHOTO_SOURCE_GALLERY;
  if (g_stat (path, &info) == 0)
    photo->taken_at = info.st_mtime;
  return photo;
}

/* Frees what a photo's provenance holds, as read into a photo on the stack. */
void
gp_photo_clear_provenance (GpPhoto *photo)
{
  g_clear_pointer (&photo->worker, g_free);
  g_clear_pointer (&photo->grid, g_free);
  g_clear_pointer (&photo->building, g_free);
  g_clear_pointer (&photo->sha256, g_free);
  g_clear_pointer (&photo->check, g_free);
}

void
gp_photo_free (GpPhoto *photo)
{
  if (photo == NULL)
    return;
  g_clear_pointer (&photo->jpeg, g_bytes_unref);
  g_clear_pointer (&photo->thumbnail, g_bytes_unref);
  gp_photo_clear_provenance (photo);
  g_free (photo);
}

/* A copy to hand to another thread: the bytes are shared. */
GpPhoto *
gp_photo_copy (const GpPhoto *photo)
{
  GpPhoto *copy;

  g_return_val_if_fail (photo != NULL, NULL);

  copy = g_memdup2 (photo, sizeof *photo);
  copy->jpeg = photo->jpeg ? g_bytes_ref (photo->jpeg) : NULL;
  copy->thumbnail = photo->thumbnail ? g_bytes_ref (photo->thumbnail) : NULL;
  copy->worker = g_strdup (photo->worker);
  copy->grid = g_strdup (photo->grid);
  copy->building = g_strdup (photo->building);
  copy->sha256 = g_strdup (photo->sha256);
  copy->check = g_strdup (photo->check);
  return copy;
}

/* The SHA-256 a photo is checked against, in hex. */
char *
gp_photo_compute_sha256 (GBytes *jpeg)
{
  g_return_val_if_fail (jpeg != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);
}

/**
 * gp_photo_set_gallery:
 * @file_time: the file's own time (its modification), UNIX; 0 unknown
 *
 * Marks a photo taken in from the device's files as such, for whom.
 */
void
gp_photo_set_gallery (GpPhoto    *photo,
                      gint64      file_time,
                      const char *worker,
                      const char *grid)
{
  g_return_if_fail (photo != NULL);

  photo->source = GP_PHOTO_SOURCE_GALLERY;
  photo->taken_at = file_time;
  g_free (photo->worker);
  photo->worker = g_strdup (worker);
  g_free (photo->grid);
  photo->grid = g_strdup (grid);
}

/*
 * gp_photo_format_time:
 * @utc_offset: the zone's offset, seconds
 *
 * Returns: (nullable): @unix_time in the zone, as @format says
 */
char *
gp_photo_format_time (gint64      unix_time,
                      int         utc_offset,
                      const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_timezone (utc, zone) : NULL;

  return local ? g_date_time_format (local, format) : NULL;
}

#define ISO_FORMAT "%Y-%m-%dT%H:%M:%S%:z"

/**
 * gp_photo_describe_provenance:
 * @building_name: (nullable): the name of the building recorded with it
 * @doubtful: (out) (optional): set when the photo came from the gallery or
 *   was taken more than %GP_PHOTO_FAR_M from the case
 *
 * Returns: (nullable): where the photo came from, when and where it was
 *   taken, in one line for its page; NULL when nothing was recorded
 */
char *
gp_photo_describe_provenance (const GpPhoto *photo,
                              gboolean       case_has_position,
                              double         case_latitude,
                              double         case_longitude,
                              const char    *building_name,
                              gboolean      *doubtful)
{
  g_autoptr(GStrvBuilder) parts = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  g_autofree char *time = NULL;
  gboolean far = FALSE;

  g_return_val_if_fail (photo != NULL, NULL);

  if (doubtful != NULL)
    *doubtful = FALSE;
  if (photo->source == GP_PHOTO_SOURCE_UNKNOWN)
    return NULL;

  if (photo->taken_at != 0)
    time = gp_photo_format_time (photo->taken_at, GP_CLOCK_CHINA_UTC_OFFSET, GP_PHOTO_MINUTE_FORMAT);
  if (photo->source == GP_PHOTO_SOURCE_CAMERA)
    {
      g_strv_builder_add (parts, _("Taken with the camera"));
      if (time != NULL)
        g_strv_builder_add (parts, time);
    }
  else
    {
      g_strv_builder_add (parts, _("From the gallery"));
      if (time != NULL)
        g_strv_builder_take (parts, g_strdup_printf (_("file of %s"), time));
    }
  if (building_name != NULL)
    g_strv_builder_add (parts, building_name);
  if (photo->has_position && case_has_position)
    {
      GpGeoPoint here = { photo->longitude, photo->latitude };
      GpGeoPoint there = { case_longitude, case_latitude };
      double distance = gp_geo_distance (here, there);

      far = distance > GP_PHOTO_FAR_M;
      if (photo->accuracy > 0)
        /* TRANSLATORS: how far from the case's position a photo was taken, and the fix's accuracy */
        g_strv_builder_take (parts, g_strdup_printf (_("%.0f m from the case (±%.0f m)"), distance, photo->accuracy));
      else
        g_strv_builder_take (parts, g_strdup_printf (_("%.0f m from the case"), distance));
    }
  else if (photo->source == GP_PHOTO_SOURCE_CAMERA && !photo->has_position)
    g_strv_builder_add (parts, _("no position fix"));
  if (photo->check != NULL)
    g_strv_builder_take (parts, g_strdup_printf (_("check %s"), photo->check));

  if (doubtful != NULL)
    *doubtful = photo->source == GP_PHOTO_SOURCE_GALLERY || far;
  strv = g_strv_builder_end (parts);
  return g_strjoinv (" · ", strv);
}

static const char *
source_to_string (GpPhotoSource source)
{
  switch (source)
    {
    case GP_PHOTO_SOURCE_CAMERA:
      return "camera";
    case GP_PHOTO_SOURCE_GALLERY:
      return "gallery";
    case GP_PHOTO_SOURCE_UNKNOWN:
    default:
      return NULL;
    }
}

static GpPhotoSource
source_from_string (const char *text)
{
  if (g_strcmp0 (text, "camera") == 0)
    return GP_PHOTO_SOURCE_CAMERA;
  if (g_strcmp0 (text, "gallery") == 0)
    return GP_PHOTO_SOURCE_GALLERY;
  return GP_PHOTO_SOURCE_UNKNOWN;
}

static void
set_string (JsonObject *entry,
            const char *member,
            const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (entry, member, value);
}

/**
 * gp_photo_write_provenance:
 *
 * Writes a photo's provenance into its entry of a document's "photos"
 * (src/model/README.md §8): source, taken_at, position and accuracy,
 * worker, grid, building, sha256, check.
 */
void
gp_photo_write_provenance (const GpPhoto *photo,
                           JsonObject    *entry)
{
  g_return_if_fail (photo != NULL);
  g_return_if_fail (entry != NULL);

  set_string (entry, "source", source_to_string (photo->source));
  if (photo->taken_at != 0)
    {
      g_autofree char *iso = gp_photo_format_time (photo->taken_at, GP_CLOCK_CHINA_UTC_OFFSET, ISO_FORMAT);

      set_string (entry, "taken_at", iso);
    }
  if (photo->captured_at != 0)
    {
      g_autofree char *iso = gp_photo_format_time (photo->captured_at, GP_CLOCK_CHINA_UTC_OFFSET, ISO_FORMAT);

      set_string (entry, "captured_at", iso);
    }
  if (photo->has_position)
    {
      GpGeoPoint point = { photo->longitude, photo->latitude };

      json_object_set_member (entry, "position", gp_geo_position_new (point));
      if (photo->accuracy > 0)
        json_object_set_double_member (entry, "accuracy", round (photo->accuracy * 10) / 10);
    }
  set_string (entry, "worker", photo->worker);
  set_string (entry, "grid", photo->grid);
  set_string (entry, "building", photo->building);
  set_string (entry, "sha256", photo->sha256);
  set_string (entry, "check", photo->check);
}

static gint64
read_time (JsonObject *entry,
           const char *member)
{
  const char *text = gp_json_get_string (entry, member);
  g_autoptr(GDateTime) time = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time ? g_date_time_to_unix (time) : 0;
}

static void
replace (char      **field,
         JsonObject *entry,
         const char *member)
{
  g_free (*field);
  *field = g_strdup (gp_json_get_string (entry, member));
}

/* The provenance gp_photo_write_provenance() wrote; what is missing or
 * malformed is left unknown. */
void
gp_photo_read_provenance (GpPhoto    *photo,
                          JsonObject *entry)
{
  JsonNode *position;
  GpGeoPoint point;

  g_return_if_fail (photo != NULL);
  g_return_if_fail (entry != NULL);

  photo->source = source_from_string (gp_json_get_string (entry, "source"));
  photo->taken_at = read_time (entry, "taken_at");
  photo->captured_at = read_time (entry, "captured_at");
  position = json_object_get_member (entry, "position");
  photo->has_position = position != NULL && gp_geo_position_parse (position, &point, NULL);
  if (photo->has_position)
    {
      photo->latitude = point.lat;
      photo->longitude = point.lon;
    }
  photo->accuracy = 0;
  gp_json_get_number (entry, "accuracy", &photo->accuracy);
  replace (&photo->worker, entry, "worker");
  replace (&photo->grid, entry, "grid");
  replace (&photo->building, entry, "building");
  replace (&photo->sha256, entry, "sha256");
  replace (&photo->check, entry, "check");
}

/**
 * gp_photo_decode:
 *
 * Returns: (transfer full) (nullable): a kept photo or thumbnail (a JPEG
 *   this app wrote, upright already) as pixels, for showing
 */
GdkPixbuf *
gp_photo_decode (GBytes  *jpeg,
                 GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;

  g_return_val_if_fail (jpeg != NULL, NULL);

  if (!gdk_pixbuf_loader_write_bytes (loader, jpeg, error) || !gdk_pixbuf_loader_close (loader, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_NOT_IMAGE,
                           _("it is not a photo (only JPEG and PNG pictures can be used)"));
      return NULL;
    }
  return g_object_ref (pixbuf);
}

typedef struct
{
  GpPhoto   *photo;
  GdkPixbuf *thumbnail;
} Processed;

static void
processed_free (Processed *processed)
{
  g_clear_pointer (&processed->photo, gp_photo_free);
  g_clear_object (&processed->thumbnail);
  g_free (processed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Processed, processed_free)

typedef struct
{
  GpPhotoMake    make;
  gpointer       data;
  GDestroyNotify free_data;
} Making;

static void
making_free (Making *making)
{
  if (making->free_data != NULL)
    making->free_data (making->data);
  g_free (making);
}

static void
make_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Making *making = task_data;
  g_autoptr(Processed) processed = g_new0 (Processed, 1);
  GError *error = NULL;

  processed->photo = making->make (making->data, cancellable, &error);
  if (processed->photo == NULL ||
      (processed->thumbnail = gp_photo_decode (processed->photo->thumbnail, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&processed), (GDestroyNotify) processed_free);
}

/*
 * gp_photo_make_async:
 *
 * Runs @make in a worker thread, and decodes the thumbnail of the photo
 * it makes for showing.
 */
void
gp_photo_make_async (GpPhotoMake          make,
                     gpointer             data,
                     GDestroyNotify       free_data,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Making *making = g_new0 (Making, 1);

  making->make = make;
  making->data = data;
  making->free_data = free_data;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, making, (GDestroyNotify) making_free);
  gp_worker_run (task, make_thread);
}

GpPhoto *
gp_photo_make_finish (GAsyncResult  *result,
                      GdkPixbuf    **thumbnail,
                      GError       **error)
{
  g_autoptr(Processed) processed = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  processed = g_task_propagate_pointer (G_TASK (result), error);
  if (processed == NULL)
    return NULL;
  if (thumbnail != NULL)
    *thumbnail = g_steal_pointer (&processed->thumbnail);
  return g_steal_pointer (&processed->photo);
}

static GpPhoto *
make_from_file (gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return gp_photo_process_file (data, cancellable, error);
}

/**
 * gp_photo_process_file_async:
 *
 * gp_photo_process_file() in a worker thread, the thumbnail decoded too.
 */
void
gp_photo_process_file_async (const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (path != NULL);

  gp_photo_make_async (make_from_file, g_strdup (path), g_free, gp_photo_process_file_async,
                       cancellable, callback, user_data);
}

/**
 * gp_photo_process_file_finish:
 * @thumbnail: (out) (optional): the thumbnail's pixels
 */
GpPhoto *
gp_photo_process_file_finish (GAsyncResult  *result,
                              GdkPixbuf    **thumbnail,
                              GError       **error)
{
  return gp_photo_make_finish (result, thumbnail, error);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GdkPixbuf *pixbuf = gp_photo_decode (task_data, &error);

  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pixbuf, g_object_unref);
}

void
gp_photo_decode_async (GBytes              *jpeg,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (jpeg != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_photo_decode_async);
  g_task_set_task_data (task, g_bytes_ref (jpeg), (GDestroyNotify) g_bytes_unref);
  gp_worker_run (task, decode_thread);
}

GdkPixbuf *
gp_photo_decode_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
