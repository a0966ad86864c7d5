/* gp-stamp-source.c
 *
 * At the shutter a photo is recorded with the time, the position fix and
 * its accuracy, the worker, the grid and the nearest building, and
 * stamped as the grid's policy says (src/model/README.md §8). What does
 * not change while the camera is open (the grid's buildings and policy,
 * the worker's name in the grid's directory) is read once, off the main
 * loop, when the source is made; the rest is read at the shutter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-stamp-source"

#include "config.h"

#include "gp-building.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-directory.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-grid.h"
#include "gp-policy.h"
#include "gp-stamp-source.h"
#include "gp-worker.h"

#include <math.h>

typedef struct
{
  char       *id;
  char       *name;
  GpGeoPoint  centre;
} Place;

static void
place_clear (Place *place)
{
  g_free (place->id);
  g_free (place->name);
}

typedef struct
{
  GArray *places;        /* Place */
  guint   fields;        /* GpStampFields */
  int     utc_offset;
  char   *worker_name;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->places, g_array_unref);
  g_free (loaded->worker_name);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

struct _GpStampSource
{
  GObject       parent_instance;

  GpContext    *context;
  char         *worker;
  char         *grid;
  char         *grid_name;
  Loaded       *loaded;       /* NULL until read */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (GpStampSource, gp_stamp_source, G_TYPE_OBJECT)

typedef struct
{
  char *worker;
  char *grid;
} Query;

static void
query_free (Query *query)
{
  g_free (query->worker);
  g_free (query->grid);
  g_free (query);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GpStore *store = source_object;
  Query *query = task_data;
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);
  g_autoptr(GPtrArray) buildings = NULL;
  g_autoptr(GpPolicy) policy = NULL;
  g_autofree char *directory_id = g_strdup_printf ("directory:%s", query->grid);
  g_autoptr(GpDocument) directory = NULL;

  loaded->places = g_array_new (FALSE, TRUE, sizeof (Place));
  g_array_set_clear_func (loaded->places, (GDestroyNotify) place_clear);
  buildings = gp_documents_load_all (store, "building", query->grid, NULL);
  for (guint i = 0; buildings != NULL && i < buildings->len; i++)
    {
      GpDocument *building = g_ptr_array_index (buildings, i);
      Place place = { 0 };

      if (!gp_geo_geometry_get_center (gp_document_get_geometry (building), &place.centre))
        continue;
      place.id = g_strdup (gp_document_get_id (building));
      place.name = g_strdup (gp_building_get_name (GP_BUILDING (building)));
      g_array_append_val (loaded->places, place);
    }

  policy = gp_casework_load_policy (store, query->grid, NULL);
  loaded->fields = gp_photo_stamp_fields_from_json (policy ? gp_document_get_object_member (GP_DOCUMENT (policy),
                                                                                           "photo_stamp")
                                                           : NULL);
  loaded->utc_offset = policy ? gp_policy_get_utc_offset (policy) : GP_CLOCK_CHINA_UTC_OFFSET;

  directory = gp_documents_load (store, directory_id, NULL);
  if (directory != NULL && GP_IS_DIRECTORY (directory))
    {
      g_autoptr(GArray) entries = gp_directory_list (GP_DIRECTORY (directory));

      for (guint i = 0; entries != NULL && i < entries->len; i++)
        {
          GpDirectoryEntry *entry = &g_array_index (entries, GpDirectoryEntry, i);

          if (g_strcmp0 (entry->target, query->worker) == 0 && entry->label != NULL)
            {
              loaded->worker_name = g_strdup (entry->label);
              break;
            }
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) loaded_free);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GpStampSource) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (loaded != NULL)
    self->loaded = loaded;
}

/**
 * gp_stamp_source_new:
 *
 * Starts reading the grid's buildings, policy and directory.
 */
GpStampSource *
gp_stamp_source_new (GpContext *context)
{
  GpStampSource *self;
  GpStore *store;
  GpGrid *grid;

  g_return_val_if_fail (GP_IS_CONTEXT (context), NULL);

  self = g_object_new (GP_TYPE_STAMP_SOURCE, NULL);
  self->context = g_object_ref (context);
  self->worker = gp_context_dup_user_name (context);
  grid = gp_context_get_grid (context);
  self->grid = grid ? g_strdup (gp_grid_get_code (grid)) : NULL;
  self->grid_name = grid ? g_strdup (gp_grid_get_name (grid)) : NULL;
  store = gp_context_get_store (context);
  if (store != NULL && self->grid != NULL)
    {
      g_autoptr(GTask) task = g_task_new (store, self->cancellable, on_loaded, g_object_ref (self));
      Query *query = g_new0 (Query, 1);

      query->worker = g_strdup (self->worker);
      query->grid = g_strdup (self->grid);
      g_task_set_task_data (task, query, (GDestroyNotify) query_free);
      gp_worker_run (task, load_thread);
    }
  return self;
}

/* Whether the grid's buildings and policy are read. */
gboolean
gp_stamp_source_get_ready (GpStampSource *self)
{
  g_return_val_if_fail (GP_IS_STAMP_SOURCE (self), FALSE);

  return self->loaded != NULL || self->grid == NULL;
}

/**
 * gp_stamp_source_make:
 *
 * Returns: (transfer full): the stamp for a photo taken now
 */
GpPhotoStamp *
gp_stamp_source_make (GpStampSource *self)
{
  GpPhotoStamp *stamp;
  GpLocation *location;
  const GpFix *fix;

  g_return_val_if_fail (GP_IS_STAMP_SOURCE (self), NULL);

  stamp = gp_photo_stamp_new ();
  stamp->taken_at = gp_clock_get_now ();
  stamp->worker = g_strdup (self->worker);
  stamp->grid = g_strdup (self->grid);
  stamp->grid_name = g_strdup (self->grid_name ? self->grid_name : self->grid);
  if (self->loaded != NULL)
    {
      stamp->fields = self->loaded->fields;
      stamp->utc_offset = self->loaded->utc_offset;
      stamp->worker_name = g_strdup (self->loaded->worker_name);
    }
  if (stamp->worker_name == NULL)
    stamp->worker_name = g_strdup (self->worker);

  location = gp_context_get_location (self->context);
  if (location != NULL && gp_location_get_state (location) == GP_LOCATION_STATE_FIX &&
      (fix = gp_location_get_fix (location)) != NULL && !isnan (fix->latitude) && !isnan (fix->longitude))
    {
      GpGeoPoint here = { fix->longitude, fix->latitude };
      const Place *nearest = NULL;
      double best = GP_STAMP_BUILDING_REACH;

      stamp->has_fix = TRUE;
      stamp->latitude = fix->latitude;
      stamp->longitude = fix->longitude;
      stamp->accuracy = isnan (fix->accuracy) ? 0 : fix->accuracy;
      for (guint i = 0; self->loaded != NULL && i < self->loaded->places->len; i++)
        {
          const Place *place = &g_array_index (self->loaded->places, Place, i);
          double distance = gp_geo_distance (here, place->centre);

          if (distance <= best)
            {
              best = distance;
              nearest = place;
            }
        }
      if (nearest != NULL)
        {
          stamp->building = g_strdup (nearest->id);
          stamp->building_name = g_strdup (nearest->name);
        }
    }
  return stamp;
}

/* A photo chosen from the device's files: recorded as such, for whom. */
void
gp_stamp_source_mark_gallery (GpStampSource *self,
                              GpPhoto       *photo)
{
  g_return_if_fail (GP_IS_STAMP_SOURCE (self));
  g_return_if_fail (photo != NULL);

  gp_photo_set_gallery (photo, photo->taken_at, self->worker, self->grid);
}

static void
gp_stamp_source_dispose (GObject *object)
{
  GpStampSource *self = GP_STAMP_SOURCE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (gp_stamp_source_parent_class)->dispose (object);
}

static void
gp_stamp_source_finalize (GObject *object)
{
  GpStampSource *self = GP_STAMP_SOURCE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loaded, loaded_free);
  g_free (self->worker);
  g_free (self->grid);
  g_free (self->grid_name);

  G_OBJECT_CLASS (gp_stamp_source_parent_class)->finalize (object);
}

static void
gp_stamp_source_class_init (GpStampSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gp_stamp_source_dispose;
  object_class->finalize = gp_stamp_source_finalize;
}

static void
gp_stamp_source_init (GpStampSource *self)
{
  self->cancellable = g_cancellable_new ();
}
