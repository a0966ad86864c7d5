/* gp-watermark.c
 *
 * A photo taken in the app carries a stamp, as grid work expects of a
 * photo offered as evidence (src/model/README.md §8): a dark band along
 * its bottom edge, never more than a sixth of its height, with the date
 * and time to the minute, the grid's name, the nearest building or the
 * coordinates, the worker's name and a check code, in white, large
 * enough to read on a phone in sunlight. The grid's policy chooses which
 * of these the band shows, or no band.
 *
 * The check code ties the picture to its record: eight characters of the
 * SHA-256 of what is recorded at the shutter (time, position, worker,
 * grid, building), of the frame's pixels and of a random salt, so no two
 * shots have the same code, even of the same scene in the same second. The code is recorded with the photo, and
 * the incident page shows it beside the photo; the kept JPEG's own
 * SHA-256 (which cannot be drawn into the bytes it is the hash of) is
 * recorded too, and `gridpatrolctl photo verify` checks it.
 *
 * Only the stamped photo is kept: the frame is scaled, stamped and
 * encoded in one go, in a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-watermark"

#include "config.h"

#include "gp-clock.h"
#include "gp-photo-private.h"
#include "gp-watermark.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#define STAMP_FONT "Noto Sans CJK SC, WenQuanYi Micro Hei, Sans"

GpPhotoStamp *
gp_photo_stamp_new (void)
{
  GpPhotoStamp *stamp = g_new0 (GpPhotoStamp, 1);

  stamp->fields = GP_STAMP_ALL;
  stamp->utc_offset = GP_CLOCK_CHINA_UTC_OFFSET;
  return stamp;
}

GpPhotoStamp *
gp_photo_stamp_copy (const GpPhotoStamp *stamp)
{
  GpPhotoStamp *copy;

  g_return_val_if_fail (stamp != NULL, NULL);

  copy = g_memdup2 (stamp, sizeof *stamp);
  copy->worker = g_strdup (stamp->worker);
  copy->worker_name = g_strdup (stamp->worker_name);
  copy->grid = g_strdup (stamp->grid);
  copy->grid_name = g_strdup (stamp->grid_name);
  copy->building = g_strdup (stamp->building);
  copy->building_name = g_strdup (stamp->building_name);
  return copy;
}

void
gp_photo_stamp_free (GpPhotoStamp *stamp)
{
  if (stamp == NULL)
    return;
  g_free (stamp->worker);
  g_free (stamp->worker_name);
  g_free (stamp->grid);
  g_free (stamp->grid_name);
  g_free (stamp->building);
  g_free (stamp->building_name);
  g_free (stamp);
}

/**
 * gp_photo_stamp_fields_from_json:
 * @policy_member: (nullable): the policy's "photo_stamp":
 *   `{"enabled": false}` or `{"fields": ["time", "grid", "place", "worker", "check"]}`
 *
 * Returns: what the band shows: everything when the policy says nothing,
 *   0 when it turns the band off
 */
guint
gp_photo_stamp_fields_from_json (JsonObject *policy_member)
{
  static const struct { const char *name; GpStampFields field; } names[] = {
    { "time", GP_STAMP_TIME }, { "grid", GP_STAMP_GRID }, { "place", GP_STAMP_PLACE },
    { "worker", GP_STAMP_WORKER }, { "check", GP_STAMP_CHECK },
  };
  JsonNode *enabled, *fields_node;
  JsonArray *fields;
  guint result = 0;

  if (policy_member == NULL)
    return GP_STAMP_ALL;
  enabled = json_object_get_member (policy_member, "enabled");
  if (enabled != NULL && JSON_NODE_HOLDS_VALUE (enabled) &&
      json_node_get_value_type (enabled) == G_TYPE_BOOLEAN && !json_node_get_boolean (enabled))
    return 0;
  fields_node = json_object_get_member (policy_member, "fields");
  if (fields_node == NULL || !JSON_NODE_HOLDS_ARRAY (fields_node))
    return GP_STAMP_ALL;
  fields = json_node_get_array (fields_node);
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonNode *node = json_array_get_element (fields, i);
      const char *name = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                         ? json_node_get_string (node) : NULL;

      for (guint j = 0; name != NULL && j < G_N_ELEMENTS (names); j++)
        if (g_str_equal (name, names[j].name))
          result |= names[j].field;
    }
  return result;
}

/* Crockford's base 32: no I, L, O or U to misread. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The check code of @pixels (the frame as kept, before the band is drawn)
 * taken with @stamp, as "XXXX-XXXX". */
static char *
compute_check (const GpPhotoStamp *stamp,
                              GdkPixbuf          *pixels)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *record = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *code = g_string_new (NULL);
  guint64 bits = 0;

  g_return_val_if_fail (stamp != NULL, NULL);
  g_return_val_if_fail (GDK_IS_PIXBUF (pixels), NULL);

  record = g_strdup_printf ("gridpatrol-photo\n%" G_GINT64_FORMAT "\n%s\n%.7f,%.7f,%.1f\n%s\n%s\n%s\n",
                            stamp->taken_at, stamp->has_fix ? "fix" : "no-fix",
                            stamp->has_fix ? stamp->latitude : 0.0, stamp->has_fix ? stamp->longitude : 0.0,
                            stamp->has_fix ? stamp->accuracy : 0.0,
                            stamp->worker ? stamp->worker : "", stamp->grid ? stamp->grid : "",
                            stamp->building ? stamp->building : "");
  g_checksum_update (checksum, (const guchar *) record, -1);
  g_checksum_update (checksum, gdk_pixbuf_read_pixels (pixels), gdk_pixbuf_get_byte_length (pixels));
  for (guint i = 0; i < 4; i++)
    {
      guint32 salt = g_random_int ();

      g_checksum_update (checksum, (const guchar *) &salt, sizeof salt);
    }
  g_checksum_get_digest (checksum, digest, &length);

  /* 40 bits, 8 characters of 5 bits. */
  for (guint i = 0; i < 5; i++)
    bits = (bits << 8) | digest[i];
  for (int i = 7; i >= 0; i--)
    {
      g_string_append_c (code, code_alphabet[(bits >> (i * 5)) & 31]);
      if (i == 4)
        g_string_append_c (code, '-');
    }
  return g_string_free (code, FALSE);
}

static char *
format_place (const GpPhotoStamp *stamp)
{
  if (stamp->building_name != NULL && *stamp->building_name != '\0')
    return g_strdup (stamp->building_name);
  if (stamp->has_fix)
    /* TRANSLATORS: a position stamped on a photo: latitude, longitude */
    return g_strdup_printf (_("%.5f°N %.5f°E"), stamp->latitude, stamp->longitude);
  return g_strdup (_("No position"));
}

/**
 * gp_photo_stamp_dup_lines:
 *
 * Returns: (transfer full): the band's lines, top first, as the policy's
 *   fields choose; empty when the band shows nothing
 */
char **
gp_photo_stamp_dup_lines (const GpPhotoStamp *stamp,
                          const char         *check)
{
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_autoptr(GString) second = g_string_new (NULL);
  g_autoptr(GString) third = g_string_new (NULL);

  g_return_val_if_fail (stamp != NULL, NULL);

  if (stamp->fields & GP_STAMP_TIME)
    {
      char *time = gp_photo_format_time (stamp->taken_at, stamp->utc_offset, GP_PHOTO_MINUTE_FORMAT);

      if (time != NULL)
        g_strv_builder_take (lines, time);
    }
  if ((stamp->fields & GP_STAMP_GRID) && stamp->grid_name != NULL)
    g_string_append (second, stamp->grid_name);
  if (stamp->fields & GP_STAMP_PLACE)
    {
      g_autofree char *place = format_place (stamp);

      if (second->len > 0)
        g_string_append (second, " · ");
      g_string_append (second, place);
    }
  if (second->len > 0)
    g_strv_builder_add (lines, second->str);
  if ((stamp->fields & GP_STAMP_WORKER) && stamp->worker_name != NULL)
    g_string_append (third, stamp->worker_name);
  if ((stamp->fields & GP_STAMP_CHECK) && check != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Check %s"), check);

      if (third->len > 0)
        g_string_append (third, "  ");
      g_string_append (third, text);
    }
  if (third->len > 0)
    g_strv_builder_add (lines, third->str);
  return g_strv_builder_end (lines);
}

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *text,
             gboolean    bold,
             double      size,
             int         width)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (STAMP_FONT);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_MEDIUM);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Lines are set on baselines 1.22 of their size apart (tighter than the
 * CJK fonts' own line height, which would leave less room for the size):
 * the first 1.2 times larger, a padding of 0.45 above and half that below
 * the last line's descent. The band's height for @n_lines at @size: */
#define LINE_ADVANCE 1.22
#define FIRST_LINE   1.2
#define PADDING      0.45

static double
band_height (guint  n_lines,
             double size)
{
  return (FIRST_LINE + (n_lines - 1)) * size * LINE_ADVANCE + PADDING * size * 1.5;
}

/**
 * gp_watermark_draw:
 * @pixbuf: an RGB picture, drawn on in place
 * @lines: the band's lines, from gp_photo_stamp_dup_lines()
 *
 * Returns: the band's height in pixels; 0 when there is nothing to draw
 */
int
gp_watermark_draw (GdkPixbuf          *pixbuf,
                   const char * const *lines)
{
  int width, height, stride, rowstride, channels, band, padding;
  guint n_lines;
  cairo_surface_t *surface;
  cairo_t *cr;
  double size, y;
  guint8 *pixels, *data;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), 0);
  g_return_val_if_fail (!gdk_pixbuf_get_has_alpha (pixbuf), 0);

  if (lines == NULL || lines[0] == NULL)
    return 0;

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  pixels = gdk_pixbuf_get_pixels (pixbuf);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return 0;
    }
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  for (int row = 0; row < height; row++)
    {
      const guint8 *from = pixels + (gsize) row * rowstride;
      guint32 *to = (guint32 *) (data + (gsize) row * stride);

      for (int x = 0; x < width; x++, from += channels)
        to[x] = ((guint32) from[0] << 16) | ((guint32) from[1] << 8) | from[2];
    }
  cairo_surface_mark_dirty (surface);
  cr = cairo_create (surface);

  /* As large as a sixth of the height allows, for a phone's screen in
   * the sun; no larger than the width calls for. */
  n_lines = g_strv_length ((char **) lines);
  size = MIN (MIN (height, width) / 14.0, floor (height * GP_STAMP_MAX_FRACTION) / band_height (n_lines, 1.0));
  padding = (int) round (size * PADDING);
  band = MIN ((int) ceil (band_height (n_lines, size)), (int) floor (height * GP_STAMP_MAX_FRACTION));

  cairo_rectangle (cr, 0, height - band, width, band);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.62);
  cairo_fill (cr);
  cairo_rectangle (cr, 0, height - band, width, band);
  cairo_clip (cr);

  y = height - band + padding;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double line_size = i == 0 ? size * FIRST_LINE : size;
      g_autoptr(PangoLayout) layout = make_layout (cr, lines[i], i == 0, line_size, width - 2 * padding);
      double baseline = y + line_size - pango_layout_get_baseline (layout) / (double) PANGO_SCALE;

      /* A thin shadow keeps the letters whole over a bright picture. */
      cairo_move_to (cr, padding + 1, baseline + 1);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
      pango_cairo_show_layout (cr, layout);
      cairo_move_to (cr, padding, baseline);
      cairo_set_source_rgb (cr, 1, 1, 1);
      pango_cairo_show_layout (cr, layout);
      y += line_size * LINE_ADVANCE;
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  for (int row = height - band; row < height; row++)
    {
      guint8 *to = pixels + (gsize) row * rowstride;
      const guint32 *from = (const guint32 *) (data + (gsize) row * stride);

      for (int x = 0; x < width; x++, to += channels)
        {
          to[0] = (from[x] >> 16) & 0xff;
          to[1] = (from[x] >> 8) & 0xff;
          to[2] = from[x] & 0xff;
        }
    }
  cairo_surface_destroy (surface);
  return band;
}

/**
 * gp_photo_take_frame:
 * @frame: the camera's frame, upright, RGB, at the sensor's resolution
 * @stamp: what is known at the shutter
 *
 * Takes a camera's frame in as a photo: scaled to at most 1600 px on its
 * long edge, stamped as the policy says, encoded, its thumbnail made, its
 * provenance and hash recorded. Synchronous: for a worker thread.
 */
GpPhoto *
gp_photo_take_frame (GdkPixbuf          *frame,
                     const GpPhotoStamp *stamp,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_autoptr(GpPhoto) photo = g_new0 (GpPhoto, 1);
  g_autoptr(GdkPixbuf) kept = NULL;
  g_auto(GStrv) lines = NULL;
  int width, height;
  double scale;

  g_return_val_if_fail (GDK_IS_PIXBUF (frame), NULL);
  g_return_val_if_fail (stamp != NULL, NULL);

  width = gdk_pixbuf_get_width (frame);
  height = gdk_pixbuf_get_height (frame);
  if (width <= 0 || height <= 0 || (gint64) width * height > GP_PHOTO_MAX_PIXELS)
    {
      g_set_error (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_TOO_LARGE,
                   _("the picture says it is %d × %d pixels, which no camera takes"), width, height);
      return NULL;
    }
  scale = MIN (1.0, (double) GP_PHOTO_MAX_EDGE / MAX (width, height));
  width = MAX (1, (int) round (width * scale));
  height = MAX (1, (int) round (height * scale));
  /* A copy in any case: the band is drawn on it, and the frame may be
   * shared; without alpha, as JPEG keeps none. */
  kept = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  if (kept == NULL)
    {
      g_set_error_literal (error, GP_PHOTO_ERROR, GP_PHOTO_ERROR_FAILED, _("there is not enough memory"));
      return NULL;
    }
  gdk_pixbuf_scale (frame, kept, 0, 0, width, height, 0, 0, scale, scale,
                    scale < 1.0 ? GDK_INTERP_BILINEAR : GDK_INTERP_NEAREST);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (stamp->fields & GP_STAMP_CHECK)
    photo->check = compute_check (stamp, kept);
  lines = gp_photo_stamp_dup_lines (stamp, photo->check);
  gp_watermark_draw (kept, (const char * const *) lines);
  if (!(stamp->fields & GP_STAMP_CHECK) || lines[0] == NULL)
    g_clear_pointer (&photo->check, g_free);

  photo->orientation = 1;
  if (!gp_photo_encode (photo, kept, error))
    return NULL;

  photo->source = GP_PHOTO_SOURCE_CAMERA;
  photo->taken_at = stamp->taken_at;
  photo->has_position = stamp->has_fix;
  if (stamp->has_fix)
    {
      photo->latitude = stamp->latitude;
      photo->longitude = stamp->longitude;
      photo->accuracy = stamp->accuracy;
    }
  photo->worker = g_strdup (stamp->worker);
  photo->grid = g_strdup (stamp->grid);
  photo->building = g_strdup (stamp->building);
  return g_steal_pointer (&photo);
}

typedef struct
{
  GdkPixbuf    *frame;
  GpPhotoStamp *stamp;
} Shot;

static void
shot_free (Shot *shot)
{
  g_clear_object (&shot->frame);
  g_clear_pointer (&shot->stamp, gp_photo_stamp_free);
  g_free (shot);
}

static GpPhoto *
make_from_frame (gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  Shot *shot = data;

  return gp_photo_take_frame (shot->frame, shot->stamp, cancellable, error);
}

/**
 * gp_photo_take_frame_async:
 *
 * gp_photo_take_frame() in a worker thread, the thumbnail decoded too.
 * @frame is not changed; @stamp is copied.
 */
void
gp_photo_take_frame_async (GdkPixbuf          *frame,
                           const GpPhotoStamp *stamp,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  Shot *shot;

  g_return_if_fail (GDK_IS_PIXBUF (frame));
  g_return_if_fail (stamp != NULL);

  shot = g_new0 (Shot, 1);
  shot->frame = g_object_ref (frame);
  shot->stamp = gp_photo_stamp_copy (stamp);
  gp_photo_make_async (make_from_frame, shot, (GDestroyNotify) shot_free, gp_photo_take_frame_async,
                       cancellable, callback, user_data);
}

GpPhoto *
gp_photo_take_frame_finish (GAsyncResult  *result,
                            GdkPixbuf    **thumbnail,
                            GError       **error)
{
  return gp_photo_make_finish (result, thumbnail, error);
}
