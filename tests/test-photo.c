/* test-photo.c — photo intake on real JPEGs with EXIF, and bad photos.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-photo.h"
#include "gp-test-photo.h"

#include <glib/gstdio.h>
#include <string.h>

static GdkPixbuf *
decode (GBytes *jpeg)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, jpeg, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static void
assert_colour (GdkPixbuf   *pixbuf,
               double       fx,
               double       fy,
               const guint8 expected[3],
               const char  *where)
{
  int x = (int) (fx * gdk_pixbuf_get_width (pixbuf));
  int y = (int) (fy * gdk_pixbuf_get_height (pixbuf));
  const guint8 *p = gdk_pixbuf_get_pixels (pixbuf) + (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
                    (gsize) x * gdk_pixbuf_get_n_channels (pixbuf);

  for (int c = 0; c < 3; c++)
    if (ABS (p[c] - expected[c]) > 40)
      g_error ("%s quarter is %u,%u,%u, not %u,%u,%u", where, p[0], p[1], p[2],
               expected[0], expected[1], expected[2]);
}

static gboolean
contains (GBytes     *bytes,
          const char *text)
{
  gsize length, n = strlen (text);
  const guint8 *data = g_bytes_get_data (bytes, &length);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

/* Each EXIF orientation comes out upright; time and GPS are kept as
 * fields and nothing else of the camera's metadata. */
static void
test_orientations (void)
{
  g_autoptr(GdkPixbuf) upright = gp_test_photo_picture (400, 300);
  g_autoptr(GDateTime) taken = g_date_time_new_from_iso8601 ("2026-11-22T09:30:15+08:00", NULL);
  const guint8 red[3] = { 220, 30, 30 }, green[3] = { 30, 200, 40 };
  const guint8 blue[3] = { 30, 50, 220 }, yellow[3] = { 230, 210, 30 };

  for (int orientation = 1; orientation <= 8; orientation++)
    {
      g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (upright, orientation, TRUE);
      g_autoptr(GError) error = NULL;
      g_autoptr(GpPhoto) photo = NULL;
      g_autoptr(GdkPixbuf) result = NULL;

      g_test_message ("orientation %d", orientation);
      g_assert_true (contains (jpeg, "TestCam"));
      photo = gp_photo_process (jpeg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (photo->orientation, ==, orientation);
      g_assert_cmpint (photo->width, ==, 400);
      g_assert_cmpint (photo->height, ==, 300);

      result = decode (photo->jpeg);
      g_assert_cmpint (gdk_pixbuf_get_width (result), ==, 400);
      g_assert_cmpint (gdk_pixbuf_get_height (result), ==, 300);
      assert_colour (result, 0.25, 0.25, red, "top left");
      assert_colour (result, 0.75, 0.25, green, "top right");
      assert_colour (result, 0.25, 0.75, blue, "bottom left");
      assert_colour (result, 0.75, 0.75, yellow, "bottom right");

      /* What was read, kept as fields. */
      g_assert_cmpint (photo->captured_at, ==, g_date_time_to_unix (taken));
      g_assert_true (photo->has_position);
      g_assert_cmpfloat_with_epsilon (photo->latitude, 34.2586, 1e-6);
      g_assert_cmpfloat_with_epsilon (photo->longitude, 108.9402, 1e-6);

      /* And none of it left in the file. */
      g_assert_false (contains (photo->jpeg, "Exif"));
      g_assert_false (contains (photo->jpeg, "TestCam"));
      g_assert_false (contains (photo->thumbnail, "Exif"));
    }
}

/* A 12-megapixel portrait photo stored sideways: 1200 × 1600, small. */
static void
test_large_portrait (void)
{
  g_autoptr(GdkPixbuf) upright = gp_test_photo_picture (3000, 4000);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (upright, 6, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPhoto) photo = gp_photo_process (jpeg, NULL, &error);
  g_autoptr(GdkPixbuf) thumbnail = NULL;

  g_assert_no_error (error);
  g_test_message ("12 MP: %zu KB in, %zu KB out, thumbnail %zu KB", g_bytes_get_size (jpeg) / 1024,
                  g_bytes_get_size (photo->jpeg) / 1024, g_bytes_get_size (photo->thumbnail) / 1024);
  g_assert_cmpint (photo->width, ==, 1200);
  g_assert_cmpint (photo->height, ==, 1600);
  g_assert_cmpuint (g_bytes_get_size (photo->jpeg), <=, 400 * 1024);
  g_assert_false (photo->has_position);
  thumbnail = decode (photo->thumbnail);
  g_assert_cmpint (gdk_pixbuf_get_width (thumbnail), ==, 240);
  g_assert_cmpint (gdk_pixbuf_get_height (thumbnail), ==, GP_PHOTO_THUMBNAIL_EDGE);
}

/* A PNG screenshot with transparency is laid on white. */
static void
test_png (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 64, 48);
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GpPhoto) photo = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  gsize length;
  const guint8 white[3] = { 255, 255, 255 };

  gdk_pixbuf_fill (pixbuf, 0x00000000);   /* all transparent */
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &length, "png", &error, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&png), length);
  photo = gp_photo_process (bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (photo->has_position);
  g_assert_cmpint (photo->captured_at, ==, 0);
  result = decode (photo->jpeg);
  assert_colour (result, 0.5, 0.5, white, "middle");
}

/* Bad photos are refused with a message that says what is wrong. */
static void
test_bad_photos (void)
{
  g_autoptr(GdkPixbuf) upright = gp_test_photo_picture (400, 300);
  g_autoptr(GBytes) good = gp_test_photo_jpeg (upright, 1, TRUE);
  gsize length = g_bytes_get_size (good);
  g_autofree guint8 *absurd = g_memdup2 (g_bytes_get_data (good, NULL), length);
  struct { const char *what; GBytes *bytes; int code; const char *says; } bad[] = {
    { "empty", g_bytes_new_static ("", 0), GP_PHOTO_ERROR_EMPTY, "empty" },
    { "text", g_bytes_new_static ("暴露垃圾, see the photo\n", 27), GP_PHOTO_ERROR_NOT_IMAGE, "not a photo" },
    { "truncated", g_bytes_new_from_bytes (good, 0, length / 2), GP_PHOTO_ERROR_TRUNCATED, "cut short" },
    { "header only", g_bytes_new_from_bytes (good, 0, 300), GP_PHOTO_ERROR_TRUNCATED, "cut short" },
    { "png header", g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8), GP_PHOTO_ERROR_TRUNCATED, "cut short" },
    { "30000×30000", NULL, GP_PHOTO_ERROR_TOO_LARGE, "30000 × 30000" },
  };

  /* The same JPEG, its frame header claiming 30000 × 30000. */
  for (gsize i = 2; i + 9 < length; i++)
    if (absurd[i] == 0xff && absurd[i + 1] == 0xc0)
      {
        absurd[i + 5] = 30000 >> 8;
        absurd[i + 6] = 30000 & 0xff;
        absurd[i + 7] = 30000 >> 8;
        absurd[i + 8] = 30000 & 0xff;
        break;
      }
  bad[5].bytes = g_bytes_new (absurd, length);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpPhoto) photo = gp_photo_process (bad[i].bytes, NULL, &error);

      g_test_message ("%s: %s", bad[i].what, error ? error->message : "accepted");
      g_assert_null (photo);
      g_assert_error (error, GP_PHOTO_ERROR, bad[i].code);
      g_assert_nonnull (strstr (error->message, bad[i].says));
      g_bytes_unref (bad[i].bytes);
    }
}

/* From a file, and a file that is not there. */
/* An EXIF block that ends inside an entry: nothing past it is read, and a
 * position without its hemisphere is no position. */
static void
test_cut_exif (void)
{
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (640, 480);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg_cut_exif (picture);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPhoto) photo = gp_photo_process (jpeg, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (photo);
  g_assert_false (photo->has_position);
}

static void
test_file (void)
{
  g_autoptr(GdkPixbuf) upright = gp_test_photo_picture (400, 300);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (upright, 3, FALSE);
  g_autofree char *dir = g_dir_make_tmp ("gridpatrol-photo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "IMG_0001.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPhoto) photo = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), NULL));
  photo = gp_photo_process_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (photo->orientation, ==, 3);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  g_clear_pointer (&photo, gp_photo_free);
  photo = gp_photo_process_file (path, NULL, &error);
  g_assert_null (photo);
  g_assert_error (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/photo/orientations", test_orientations);
  g_test_add_func ("/photo/large-portrait", test_large_portrait);
  g_test_add_func ("/photo/png", test_png);
  g_test_add_func ("/photo/bad", test_bad_photos);
  g_test_add_func ("/photo/file", test_file);
  g_test_add_func ("/photo/cut-exif", test_cut_exif);

  return g_test_run ();
}
