/* gp-track-picture.c
 *
 * The small map of a patrol report: the track walked, framed on it at a
 * whole zoom level, over the grid's basemap tiles read from its MBTiles
 * file — a picture drawn once off the main loop, not a live map, so a
 * report costs the phone one image. Without the basemap (not drawn yet,
 * unreadable) the track is drawn on the map's ground colour.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-track-picture"

#include "config.h"

#include "gp-track-picture.h"
#include "gp-geo.h"
#include "gp-mbtiles.h"
#include "gp-tile.h"
#include "gp-worker.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#define GROUND 0xeeebe4
#define TRACK  0xe66100

typedef struct
{
  GBytes *bytes;
  gsize   offset;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  PngReader *reader = closure;
  gsize size = 0;
  const guchar *bytes = g_bytes_get_data (reader->bytes, &size);

  if (reader->offset + length > size)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, bytes + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

static void
set_rgb (cairo_t *cr,
         guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/**
 * gp_track_picture_render:
 * @basemap_path: the grid's basemap (MBTiles, PNG tiles)
 * @track: (element-type GpGeoPoint): two points or more
 *
 * Returns: (transfer full): the picture, @width × @height pixels
 */
GdkTexture *
gp_track_picture_render (const char  *basemap_path,
                         GArray      *track,
                         int          width,
                         int          height)
{
  g_autoptr(GpMbtiles) mbtiles = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) pixels = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  GpGeoBounds bounds;
  GpMercPoint middle;
  double span, world, left, top;
  guint zoom;
  int stride;

  g_return_val_if_fail (track != NULL && track->len >= 2, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  gp_geo_bounds_init (&bounds);
  for (guint i = 0; i < track->len; i++)
    gp_geo_bounds_extend (&bounds, g_array_index (track, GpGeoPoint, i));
  middle = gp_tile_project_point ((GpGeoPoint) { (bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2 });
  /* The track's longer side in the picture less a margin of 40 px, at a
   * whole zoom level: the tiles at their own scale. */
  span = MAX (gp_geo_distance ((GpGeoPoint) { bounds.west, bounds.south }, (GpGeoPoint) { bounds.east, bounds.south }),
              gp_geo_distance ((GpGeoPoint) { bounds.west, bounds.south }, (GpGeoPoint) { bounds.west, bounds.north }));
  zoom = (guint) CLAMP (floor (log2 (gp_tile_meters_per_pixel ((bounds.south + bounds.north) / 2, 0) *
                                     (MIN (width, height) - 40) / MAX (span, 50))), 14, 18);
  world = GP_TILE_SIZE * exp2 (zoom);
  left = middle.x * world - width / 2.0;
  top = middle.y * world - height / 2.0;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  set_rgb (cr, GROUND);
  cairo_paint (cr);

  mbtiles = basemap_path != NULL ? gp_mbtiles_open (basemap_path, &local_error) : NULL;
  if (mbtiles == NULL)
    g_debug ("No basemap under the track: %s", local_error ? local_error->message : "none");
  for (guint x = (guint) floor (left / GP_TILE_SIZE); mbtiles != NULL && x <= (guint) floor ((left + width) / GP_TILE_SIZE); x++)
    for (guint y = (guint) floor (top / GP_TILE_SIZE); y <= (guint) floor ((top + height) / GP_TILE_SIZE); y++)
      {
        g_autoptr(GBytes) bytes = gp_mbtiles_read_tile (mbtiles, zoom, x, y, NULL);
        PngReader reader = { bytes, 0 };
        cairo_surface_t *tile;

        if (bytes == NULL)
          continue;
        tile = cairo_image_surface_create_from_png_stream (read_png, &reader);
        if (cairo_surface_status (tile) == CAIRO_STATUS_SUCCESS)
          {
            cairo_set_source_surface (cr, tile, x * (double) GP_TILE_SIZE - left, y * (double) GP_TILE_SIZE - top);
            cairo_paint (cr);
          }
        cairo_surface_destroy (tile);
      }

  /* The track: orange on a white casing, its start a dot. */
  for (guint i = 0; i < track->len; i++)
    {
      GpMercPoint point = gp_tile_project_point (g_array_index (track, GpGeoPoint, i));

      if (i == 0)
        cairo_move_to (cr, point.x * world - left, point.y * world - top);
      else
        cairo_line_to (cr, point.x * world - left, point.y * world - top);
    }
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 7);
  cairo_stroke_preserve (cr);
  set_rgb (cr, TRACK);
  cairo_set_line_width (cr, 4);
  cairo_stroke (cr);
  {
    GpMercPoint start = gp_tile_project_point (g_array_index (track, GpGeoPoint, 0));

    cairo_arc (cr, start.x * world - left, start.y * world - top, 6, 0, 2 * G_PI);
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_fill_preserve (cr);
    set_rgb (cr, TRACK);
    cairo_set_line_width (cr, 3);
    cairo_stroke (cr);
  }
  cairo_destroy (cr);

  cairo_surface_flush (surface);
  stride = cairo_image_surface_get_stride (surface);
  pixels = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  cairo_surface_destroy (surface);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, pixels, stride);
}

typedef struct
{
  char   *path;
  GArray *track;
  int     width;
  int     height;
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_array_unref (job->track);
  g_free (job);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;

  g_task_return_pointer (task, gp_track_picture_render (job->path, job->track, job->width, job->height),
                         g_object_unref);
}

void
gp_track_picture_render_async (const char          *basemap_path,
                               GArray              *track,
                               int                  width,
                               int                  height,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->path = g_strdup (basemap_path);
  job->track = g_array_ref (track);
  job->width = width;
  job->height = height;
  g_task_set_source_tag (task, gp_track_picture_render_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  gp_worker_run (task, render_thread);
}

GdkTexture *
gp_track_picture_render_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
