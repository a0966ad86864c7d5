/* gp-tile-source.c
 *
 * libshumate 1.0's raster renderer decodes tiles on the main loop (and with
 * a warning for every tile it cannot decode). On a phone that stalls frames
 * while the user pans, so this source reads a tile from the MBTiles file
 * and decodes it in a worker thread (gdk_texture_new_from_bytes() is
 * thread-safe), and only hands the finished texture to the tile.
 *
 * A tile the file lacks is blank; a tile that cannot be decoded is blank
 * too, and logged once per file, never a crash.
 *
 * Works the same with libshumate 1.0 and newer: it is a ShumateMapSource,
 * whose fill_tile vfunc and ShumateTile's paintable have stayed as they are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-tile-source"

#include "config.h"

#include "gp-tile-source.h"
#include "gp-tile.h"
#include "gp-worker.h"

struct _GpTileSource
{
  ShumateMapSource parent_instance;

  GpMbtiles       *mbtiles;
  gint             failed;       /* tiles that could not be decoded */
};

G_DEFINE_FINAL_TYPE (GpTileSource, gp_tile_source, SHUMATE_TYPE_MAP_SOURCE)

typedef struct
{
  guint zoom;
  guint x;
  guint y;
} TileRequest;

static void
read_tile_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GpTileSource *self = source_object;
  TileRequest *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;

  if (g_task_return_error_if_cancelled (task))
    return;

  bytes = gp_mbtiles_read_tile (self->mbtiles, request->zoom, request->x, request->y, &error);
  if (bytes == NULL)
    {
      if (error != NULL && g_atomic_int_add (&self->failed, 1) == 0)
        g_message ("Cannot read tiles from %s: %s", gp_mbtiles_get_path (self->mbtiles),
                   error->message);
      g_task_return_pointer (task, NULL, NULL);   /* none: a blank tile */
      return;
    }

  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    {
      if (g_atomic_int_add (&self->failed, 1) == 0)
        g_message ("Tile %u/%u/%u of %s cannot be decoded (%s); it and any like it stay blank",
                   request->zoom, request->x, request->y, gp_mbtiles_get_path (self->mbtiles),
                   error->message);
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_return_pointer (task, texture, g_object_unref);
}

static void
on_tile_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  ShumateTile *tile = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (error != NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  if (texture != NULL)
    shumate_tile_set_paintable (tile, GDK_PAINTABLE (texture));
  shumate_tile_set_fade_in (tile, FALSE);
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  g_task_return_boolean (outer, TRUE);
}

static void
gp_tile_source_fill_tile_async (ShumateMapSource    *map_source,
                                ShumateTile         *tile,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GpTileSource *self = GP_TILE_SOURCE (map_source);
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  TileRequest *request = g_new0 (TileRequest, 1);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, gp_tile_source_fill_tile_async);
  g_task_set_task_data (outer, g_object_ref (tile), g_object_unref);

  request->zoom = shumate_tile_get_zoom_level (tile);
  request->x = shumate_tile_get_x (tile);
  request->y = shumate_tile_get_y (tile);

  inner = g_task_new (self, cancellable, on_tile_read, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, read_tile_thread);
  g_task_set_task_data (inner, request, g_free);
  gp_worker_run (inner, read_tile_thread);
}

static gboolean
gp_tile_source_fill_tile_finish (ShumateMapSource  *map_source,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, map_source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
gp_tile_source_finalize (GObject *object)
{
  g_clear_object (&GP_TILE_SOURCE (object)->mbtiles);

  G_OBJECT_CLASS (gp_tile_source_parent_class)->finalize (object);
}

static void
gp_tile_source_class_init (GpTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *map_source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = gp_tile_source_finalize;
  map_source_class->fill_tile_async = gp_tile_source_fill_tile_async;
  map_source_class->fill_tile_finish = gp_tile_source_fill_tile_finish;
}

static void
gp_tile_source_init (GpTileSource *self)
{
}

/**
 * gp_tile_source_new:
 * @mbtiles: an opened (so checked) file
 * @id: the map source's id
 */
GpTileSource *
gp_tile_source_new (GpMbtiles  *mbtiles,
                    const char *id)
{
  GpTileSource *self;
  g_autofree char *name = NULL;
  g_autofree char *attribution = NULL;
  guint min_zoom = 0, max_zoom = 22;

  g_return_val_if_fail (GP_IS_MBTILES (mbtiles), NULL);

  gp_mbtiles_get_zoom_range (mbtiles, &min_zoom, &max_zoom);
  name = gp_mbtiles_dup_metadata (mbtiles, "name");
  attribution = gp_mbtiles_dup_metadata (mbtiles, "attribution");

  self = g_object_new (GP_TYPE_TILE_SOURCE,
                       "id", id,
                       "name", name ? name : gp_mbtiles_get_path (mbtiles),
                       "license", attribution ? attribution : "",
                       "min-zoom-level", min_zoom,
                       "max-zoom-level", max_zoom,
                       "tile-size", GP_TILE_SIZE,
                       "projection", SHUMATE_MAP_PROJECTION_MERCATOR,
                       NULL);
  self->mbtiles = g_object_ref (mbtiles);
  return self;
}

GpMbtiles *
gp_tile_source_get_mbtiles (GpTileSource *self)
{
  g_return_val_if_fail (GP_IS_TILE_SOURCE (self), NULL);

  return self->mbtiles;
}

/* How many tiles could not be read or decoded so far. */
guint
gp_tile_source_get_failed_count (GpTileSource *self)
{
  g_return_val_if_fail (GP_IS_TILE_SOURCE (self), 0);

  return g_atomic_int_get (&self->failed);
}
