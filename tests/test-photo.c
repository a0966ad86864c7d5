/* test-photo.c — photo intake on real JPEGs with EXIF, and bad photos.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-casework.h"
#include "gp-documents.h"
#include "gp-incident.h"
#include "gp-photo.h"
#include "gp-report-draft.h"
#include "gp-store.h"
#include "gp-test-util.h"
#include "gp-watermark.h"
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

static GpPhotoStamp *
known_stamp (void)
{
  GpPhotoStamp *stamp = gp_photo_stamp_new ();
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2026-11-25T10:03:27+08:00", NULL);

  stamp->taken_at = g_date_time_to_unix (at);
  stamp->has_fix = TRUE;
  stamp->latitude = 34.2251;
  stamp->longitude = 108.9543;
  stamp->accuracy = 8;
  stamp->worker = g_strdup ("wang");
  stamp->worker_name = g_strdup ("王芳");
  stamp->grid = g_strdup ("610103003003");
  stamp->grid_name = g_strdup ("第三网格");
  stamp->building = g_strdup ("building:610103003003-05");
  stamp->building_name = g_strdup ("5号楼");
  return stamp;
}

static GdkPixbuf *
grey_frame (int width,
            int height)
{
  GdkPixbuf *frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);

  gdk_pixbuf_fill (frame, 0x808080ff);
  return frame;
}

/* The mean difference of two pictures' pixels over rows [from, to). */
static double
difference (GdkPixbuf *a,
            GdkPixbuf *b,
            int        from,
            int        to)
{
  const guint8 *pa = gdk_pixbuf_read_pixels (a), *pb = gdk_pixbuf_read_pixels (b);
  int sa = gdk_pixbuf_get_rowstride (a), sb = gdk_pixbuf_get_rowstride (b);
  int width = gdk_pixbuf_get_width (a);
  double sum = 0;

  for (int y = from; y < to; y++)
    for (int x = 0; x < width * 3; x++)
      sum += ABS ((int) pa[(gsize) y * sa + x] - (int) pb[(gsize) y * sb + x]);
  return sum / ((double) (to - from) * width * 3);
}

/* Pixels over rows [from, to) that differ a lot: a letter in one picture
 * and not in the other, not the JPEG's blur around letters. */
static guint
mismatched (GdkPixbuf *a,
            GdkPixbuf *b,
            int        from,
            int        to)
{
  const guint8 *pa = gdk_pixbuf_read_pixels (a), *pb = gdk_pixbuf_read_pixels (b);
  int sa = gdk_pixbuf_get_rowstride (a), sb = gdk_pixbuf_get_rowstride (b);
  int width = gdk_pixbuf_get_width (a);
  guint count = 0;

  for (int y = from; y < to; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pa + (gsize) y * sa + x * 3, *q = pb + (gsize) y * sb + x * 3;
        int grey_p = (p[0] + p[1] + p[2]) / 3, grey_q = (q[0] + q[1] + q[2]) / 3;

        count += ABS (grey_p - grey_q) > 110;
      }
  return count;
}

/* The stamp says what was known at the shutter, in a band along the
 * bottom no taller than a sixth; the picture above is untouched. */
static void
test_stamp (void)
{
  g_autoptr(GpPhotoStamp) stamp = known_stamp ();
  g_autoptr(GdkPixbuf) frame = grey_frame (2000, 1500);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPhoto) photo = gp_photo_take_frame (frame, stamp, NULL, &error);
  g_autoptr(GdkPixbuf) kept = NULL;
  g_autoptr(GdkPixbuf) expected = grey_frame (1600, 1200);
  g_autoptr(GdkPixbuf) other = grey_frame (1600, 1200);
  g_autoptr(GdkPixbuf) untouched = grey_frame (1600, 1200);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) other_lines = NULL;
  g_autofree char *sha256 = NULL;
  int band;

  g_assert_no_error (error);
  g_assert_cmpint (photo->width, ==, 1600);
  g_assert_cmpint (photo->height, ==, 1200);
  g_assert_cmpint (photo->source, ==, GP_PHOTO_SOURCE_CAMERA);
  sha256 = gp_photo_compute_sha256 (photo->jpeg);
  g_assert_cmpstr (photo->sha256, ==, sha256);
  g_assert_true (g_regex_match_simple ("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", photo->check, 0, 0));

  lines = gp_photo_stamp_dup_lines (stamp, photo->check);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==, "2026-11-25 10:03");
  g_assert_nonnull (strstr (lines[1], "第三网格"));
  g_assert_nonnull (strstr (lines[1], "5号楼"));
  g_assert_nonnull (strstr (lines[2], "王芳"));
  g_assert_nonnull (strstr (lines[2], photo->check));

  /* The kept picture is the known stamp drawn on the frame: its band
   * matches the stamp rendered here, and not one a minute later. */
  band = gp_watermark_draw (expected, (const char * const *) lines);
  g_assert_cmpint (band, >, 60);
  g_assert_cmpint (band, <=, 1200 / 6);
  other_lines = g_strdupv (lines);
  g_free (other_lines[0]);
  other_lines[0] = g_strdup ("2026-11-25 18:59");
  gp_watermark_draw (other, (const char * const *) other_lines);
  kept = gp_photo_decode (photo->jpeg, &error);
  g_assert_no_error (error);
  /* For review, beside the UI tests' screenshots. */
  {
    g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?: ".", "screenshots", NULL);
    g_autofree char *path = g_build_filename (dir, "stamp-1600x1200.png", NULL);

    g_mkdir_with_parents (dir, 0755);
    g_assert_true (gdk_pixbuf_save (kept, path, "png", &error, NULL));
    g_assert_no_error (error);
  }
  g_assert_cmpfloat (difference (kept, untouched, 0, 1200 - band), <, 1.5);
  g_assert_cmpfloat (difference (kept, untouched, 1200 - band, 1200), >, 20);
  g_assert_cmpfloat (difference (kept, expected, 1200 - band, 1200), <, 3);
  g_assert_cmpuint (mismatched (kept, other, 1200 - band, 1200), >, 300);
  g_assert_cmpuint (mismatched (kept, expected, 1200 - band, 1200) * 10, <,
                    mismatched (kept, other, 1200 - band, 1200));
}

/* The grid's policy turns the band off, or shows only some fields. */
static void
test_stamp_policy (void)
{
  g_autoptr(GpPhotoStamp) stamp = known_stamp ();
  g_autoptr(JsonObject) off = json_object_new ();
  g_autoptr(JsonObject) some = json_object_new ();
  g_autoptr(JsonArray) fields = json_array_new ();
  g_autoptr(GdkPixbuf) frame = grey_frame (800, 600);
  g_autoptr(GpPhoto) photo = NULL;
  g_autoptr(GdkPixbuf) kept = NULL;
  g_autoptr(GdkPixbuf) untouched = grey_frame (800, 600);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpuint (gp_photo_stamp_fields_from_json (NULL), ==, GP_STAMP_ALL);
  json_object_set_boolean_member (off, "enabled", FALSE);
  g_assert_cmpuint (gp_photo_stamp_fields_from_json (off), ==, 0);
  json_array_add_string_element (fields, "time");
  json_array_add_string_element (fields, "worker");
  json_array_add_string_element (fields, "nonsense");
  json_object_set_array_member (some, "fields", json_array_ref (fields));
  g_assert_cmpuint (gp_photo_stamp_fields_from_json (some), ==, GP_STAMP_TIME | GP_STAMP_WORKER);

  stamp->fields = GP_STAMP_TIME | GP_STAMP_WORKER;
  lines = gp_photo_stamp_dup_lines (stamp, "XXXX-XXXX");
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "王芳");

  /* Off: the picture as the camera saw it, and no code. */
  stamp->fields = 0;
  photo = gp_photo_take_frame (frame, stamp, NULL, NULL);
  g_assert_nonnull (photo);
  g_assert_null (photo->check);
  kept = gp_photo_decode (photo->jpeg, NULL);
  g_assert_cmpfloat (difference (kept, untouched, 0, 600), <, 1.5);
}

static void
add_camera_photo (GpDocument *incident,
                  guint       fill)
{
  g_autoptr(GpPhotoStamp) stamp = known_stamp ();
  g_autoptr(GdkPixbuf) frame = grey_frame (640, 480);
  g_autoptr(GpPhoto) photo = NULL;

  gdk_pixbuf_fill (frame, fill);
  photo = gp_photo_take_frame (frame, stamp, NULL, NULL);
  gp_casework_add_photo (incident, photo);
}

/* gridpatrolctl photo verify: passes on photos as taken in, and names the
 * one whose bytes were changed on the device, leaving the others ok. */
static void
test_verify (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GpReportDraft) draft = gp_report_draft_new ();
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-11-25T10:05:00+08:00", NULL);
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *blob = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GpDocument) stored = NULL;
  const char *id;
  GpAttachment *second;
  gsize length;

  draft->grid = g_strdup ("610103003003");
  draft->category = g_strdup ("06010");
  draft->has_position = TRUE;
  draft->latitude = 34.2251;
  draft->longitude = 108.9543;
  draft->text = g_strdup ("楼前垃圾堆放");
  incident = gp_report_draft_to_incident (draft, "wang", now, &error);
  g_assert_no_error (error);
  id = gp_document_get_id (GP_DOCUMENT (incident));
  add_camera_photo (GP_DOCUMENT (incident), 0x808080ff);
  add_camera_photo (GP_DOCUMENT (incident), 0x2080c0ff);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  out = gp_test_ctl (0, NULL, "--data-dir", dir, "photo", "verify", id, NULL);
  g_assert_nonnull (strstr (out, "photo-1.jpg"));
  g_assert_nonnull (strstr (out, "photo-2.jpg"));
  g_assert_null (strstr (out, "CHANGED"));
  g_clear_pointer (&out, g_free);

  /* One byte of the second photo flipped on disk. */
  store = gp_test_open_store (dir);
  stored = gp_documents_load (store, id, &error);
  g_assert_no_error (error);
  second = gp_document_get_attachment (stored, "photo-2.jpg");
  hex = gp_attachment_digest_to_hex (second->digest);
  blob = g_strdup_printf ("%s/attachments/%.2s/%s", dir, hex, hex);
  g_assert_true (g_file_get_contents (blob, &contents, &length, &error));
  contents[length / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (blob, contents, length, &error));
  g_clear_object (&store);

  out = gp_test_ctl (1, &err, "--data-dir", dir, "photo", "verify", id, NULL);
  g_assert_true (g_regex_match_simple ("^CHANGED +\\S+ photo-2\\.jpg", out, G_REGEX_MULTILINE, 0));
  g_assert_false (g_regex_match_simple ("^CHANGED +\\S+ photo-1\\.jpg", out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^ok +\\S+ photo-1\\.jpg", out, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (err, "1 photo was changed"));
  gp_test_remove_dir (dir);
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
  g_test_add_func ("/photo/stamp", test_stamp);
  g_test_add_func ("/photo/stamp-policy", test_stamp_policy);
  g_test_add_func ("/photo/verify", test_verify);

  return g_test_run ();
}
