/* gp-test-photo.c — real JPEG files with EXIF, made for tests and benchmarks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-photo.h"

#include <string.h>

GdkPixbuf *
gp_test_photo_picture (int width,
                       int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  static const guint8 quarters[4][3] = { { 220, 30, 30 }, { 30, 200, 40 }, { 30, 50, 220 }, { 230, 210, 30 } };

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *colour = quarters[(y >= height / 2) * 2 + (x >= width / 2)];
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;
        guint32 hash = (guint32) (x * 73856093u) ^ (guint32) (y * 19349663u);
        /* A fine pattern with grain, like leaves or gravel in a photo. */
        int texture = ((x * 7 + y * 13) % 23) - 11 + (int) ((hash >> 7) % 17) - 8;

        for (int c = 0; c < 3; c++)
          p[c] = (guint8) CLAMP (colour[c] + texture, 0, 255);
      }
  return pixbuf;
}

/* The inverse of what the orientation asks a viewer to do. */
static GdkPixbuf *
store_as (GdkPixbuf *upright,
          int        orientation)
{
  g_autoptr(GdkPixbuf) turned = NULL;

  switch (orientation)
    {
    case 2: return gdk_pixbuf_flip (upright, TRUE);
    case 3: return gdk_pixbuf_rotate_simple (upright, GDK_PIXBUF_ROTATE_UPSIDEDOWN);
    case 4: return gdk_pixbuf_flip (upright, FALSE);
    case 5:   /* transposing is its own inverse */
      turned = gdk_pixbuf_rotate_simple (upright, GDK_PIXBUF_ROTATE_CLOCKWISE);
      return gdk_pixbuf_flip (turned, TRUE);
    case 6: return gdk_pixbuf_rotate_simple (upright, GDK_PIXBUF_ROTATE_COUNTERCLOCKWISE);
    case 7:
      turned = gdk_pixbuf_rotate_simple (upright, GDK_PIXBUF_ROTATE_CLOCKWISE);
      return gdk_pixbuf_flip (turned, FALSE);
    case 8: return gdk_pixbuf_rotate_simple (upright, GDK_PIXBUF_ROTATE_CLOCKWISE);
    default: return g_object_ref (upright);
    }
}

static void
put16 (GByteArray *out,
       guint       value)
{
  guint8 b[2] = { value & 0xff, (value >> 8) & 0xff };

  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
  guint8 b[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >> 24) & 0xff };

  g_byte_array_append (out, b, 4);
}

static void
entry (GByteArray *out,
       guint       tag,
       guint       type,
       guint32     count,
       guint32     value)
{
  put16 (out, tag);
  put16 (out, type);
  put32 (out, count);
  put32 (out, value);
}

/* A little-endian TIFF structure, laid out by hand (offsets in comments). */
static GByteArray *
make_exif (int      orientation,
           gboolean with_gps)
{
  GByteArray *tiff = g_byte_array_new ();
  const guint32 lat[6] = { 34, 1, 15, 1, 3096, 100 };    /* 34° 15′ 30.96″ = 34.2586 */
  const guint32 lon[6] = { 108, 1, 56, 1, 2472, 100 };   /* 108° 56′ 24.72″ = 108.9402 */

  g_byte_array_append (tiff, (const guint8 *) "II*\0", 4);
  put32 (tiff, 8);
  /* 8: IFD0, four entries, ends at 62 */
  put16 (tiff, 4);
  entry (tiff, 0x010f, 2, 8, 62);                 /* Make */
  entry (tiff, 0x0112, 3, 1, orientation);        /* Orientation */
  entry (tiff, 0x8769, 4, 1, 70);                 /* Exif IFD */
  entry (tiff, 0x8825, 4, 1, with_gps ? 108 : 0); /* GPS IFD */
  put32 (tiff, 0);
  g_byte_array_append (tiff, (const guint8 *) "TestCam\0", 8);   /* 62 */
  /* 70: Exif IFD, one entry, ends at 88 */
  put16 (tiff, 1);
  entry (tiff, 0x9003, 2, 20, 88);
  put32 (tiff, 0);
  g_byte_array_append (tiff, (const guint8 *) "2026:11:22 09:30:15\0", 20);   /* 88 */
  /* 108: GPS IFD, four entries, ends at 162 */
  put16 (tiff, 4);
  entry (tiff, 1, 2, 2, 'N');
  entry (tiff, 2, 5, 3, 162);
  entry (tiff, 3, 2, 2, 'E');
  entry (tiff, 4, 5, 3, 186);
  put32 (tiff, 0);
  for (guint i = 0; i < 6; i++)
    put32 (tiff, lat[i]);   /* 162 */
  for (guint i = 0; i < 6; i++)
    put32 (tiff, lon[i]);   /* 186 */
  g_assert_cmpuint (tiff->len, ==, 210);
  return tiff;
}

/* A GPS block whose last entry, the longitude's hemisphere, is cut off
 * after its count: its value would lie past the end of the block. */
static GByteArray *
make_cut_exif (void)
{
  GByteArray *tiff = g_byte_array_new ();
  const guint32 lat[6] = { 34, 1, 15, 1, 3096, 100 };
  const guint32 lon[6] = { 108, 1, 56, 1, 2472, 100 };

  g_byte_array_append (tiff, (const guint8 *) "II*\0", 4);
  put32 (tiff, 8);
  /* 8: IFD0, one entry, ends at 26 */
  put16 (tiff, 1);
  entry (tiff, 0x8825, 4, 1, 74);                 /* GPS IFD */
  put32 (tiff, 0);
  for (guint i = 0; i < 6; i++)
    put32 (tiff, lat[i]);   /* 26 */
  for (guint i = 0; i < 6; i++)
    put32 (tiff, lon[i]);   /* 50 */
  /* 74: GPS IFD, four entries; the block ends inside the last */
  put16 (tiff, 4);
  entry (tiff, 2, 5, 3, 26);
  entry (tiff, 4, 5, 3, 50);
  entry (tiff, 1, 2, 2, 'N');
  put16 (tiff, 3);
  put16 (tiff, 2);
  put32 (tiff, 2);
  g_assert_cmpuint (tiff->len, ==, 120);
  return tiff;
}

static GBytes *
jpeg_with_exif (GdkPixbuf  *upright,
                int         orientation,
                GByteArray *exif)
{
  g_autoptr(GdkPixbuf) stored = store_as (upright, orientation);
  g_autoptr(GError) error = NULL;
  g_autofree char *jpeg = NULL;
  GByteArray *out = g_byte_array_new ();
  gsize length = 0;
  guint8 header[4];

  g_assert_true (gdk_pixbuf_save_to_buffer (stored, &jpeg, &length, "jpeg", &error, "quality", "92", NULL));
  g_assert_no_error (error);

  /* SOI, then APP1 "Exif" with the TIFF structure, then the rest. */
  g_byte_array_append (out, (const guint8 *) jpeg, 2);
  header[0] = 0xff;
  header[1] = 0xe1;
  header[2] = ((exif->len + 8) >> 8) & 0xff;
  header[3] = (exif->len + 8) & 0xff;
  g_byte_array_append (out, header, 4);
  g_byte_array_append (out, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (out, exif->data, exif->len);
  g_byte_array_append (out, (const guint8 *) jpeg + 2, length - 2);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
gp_test_photo_jpeg (GdkPixbuf *upright,
                    int        orientation,
                    gboolean   with_gps)
{
  g_autoptr(GByteArray) exif = make_exif (orientation, with_gps);

  return jpeg_with_exif (upright, orientation, exif);
}

GBytes *
gp_test_photo_jpeg_cut_exif (GdkPixbuf *upright)
{
  g_autoptr(GByteArray) exif = make_cut_exif ();

  return jpeg_with_exif (upright, 1, exif);
}
