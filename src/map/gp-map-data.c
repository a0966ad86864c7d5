/* gp-map-data.c
 *
 * The map's overlay is drawn every frame while the user pans, so nothing in
 * a frame may touch the store or parse JSON. GpMapData is read once, off
 * the main loop, when the grid or its documents change: geometry already
 * projected, each incident's marker colour already decided. It never
 * changes after loading, so the layer can hold it while a newer one loads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-map-data"

#include "config.h"

#include "gp-map-data.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-stats.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

struct _GpMapData
{
  GObject      parent_instance;

  char        *grid_code;
  char        *grid_name;
  GArray      *boundary;    /* GpMercPoint */
  GArray      *buildings;   /* GpMapBuilding */
  GArray      *routes;      /* GpMapRoute */
  GArray      *incidents;   /* GpMapIncident */
  GHashTable  *building_index;
  gboolean     has_centre;
  GpGeoPoint   centre;
};

G_DEFINE_FINAL_TYPE (GpMapData, gp_map_data, G_TYPE_OBJECT)

static void
clear_building (GpMapBuilding *building)
{
  g_free (building->id);
  g_free (building->name);
  g_clear_pointer (&building->ring, g_array_unref);
  g_clear_pointer (&building->last_visits, g_array_unref);
}

static void
clear_checkpoint (GpMapCheckpoint *checkpoint)
{
  g_free (checkpoint->id);
  g_free (checkpoint->name);
}

static void
clear_route (GpMapRoute *route)
{
  g_free (route->id);
  g_free (route->name);
  g_clear_pointer (&route->path, g_array_unref);
  g_clear_pointer (&route->checkpoints, g_array_unref);
}

static void
clear_incident (GpMapIncident *incident)
{
  g_free (incident->id);
  g_free (incident->title);
  g_free (incident->category);
  g_free (incident->state);
  g_free (incident->building);
}

static void
gp_map_data_finalize (GObject *object)
{
  GpMapData *self = (GpMapData *) object;

  g_free (self->grid_code);
  g_free (self->grid_name);
  g_clear_pointer (&self->boundary, g_array_unref);
  g_clear_pointer (&self->buildings, g_array_unref);
  g_clear_pointer (&self->routes, g_array_unref);
  g_clear_pointer (&self->incidents, g_array_unref);
  g_clear_pointer (&self->building_index, g_hash_table_unref);

  G_OBJECT_CLASS (gp_map_data_parent_class)->finalize (object);
}

static void
gp_map_data_class_init (GpMapDataClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_map_data_finalize;
}

static void
gp_map_data_init (GpMapData *self)
{
  self->boundary = g_array_new (FALSE, FALSE, sizeof (GpMercPoint));
  self->buildings = g_array_new (FALSE, TRUE, sizeof (GpMapBuilding));
  g_array_set_clear_func (self->buildings, (GDestroyNotify) clear_building);
  self->routes = g_array_new (FALSE, TRUE, sizeof (GpMapRoute));
  g_array_set_clear_func (self->routes, (GDestroyNotify) clear_route);
  self->incidents = g_array_new (FALSE, TRUE, sizeof (GpMapIncident));
  g_array_set_clear_func (self->incidents, (GDestroyNotify) clear_incident);
  self->building_index = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Positions of a ring or a line, projected. */
static GArray *
project_positions (JsonArray *positions)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (GpMercPoint));

  for (guint i = 0; positions != NULL && i < json_array_get_length (positions); i++)
    {
      GpGeoPoint point;
      GpMercPoint merc;

      if (!gp_geo_position_parse (json_array_get_element (positions, i), &point, NULL))
        continue;
      merc = gp_tile_project_point (point);
      g_array_append_val (points, merc);
    }
  return points;
}

static JsonArray *
outer_ring (JsonObject *geometry)
{
  JsonArray *rings;

  if (g_strcmp0 (gp_json_get_string (geometry, "type"), "Polygon") != 0)
    return NULL;
  rings = gp_json_get_array (geometry, "coordinates");
  if (rings == NULL || json_array_get_length (rings) == 0)
    return NULL;
  return json_array_get_array_element (rings, 0);
}

static void
load_buildings (GpMapData *self,
                GPtrArray *documents)
{
  for (guint i = 0; i < documents->len; i++)
    {
      GpDocument *document = g_ptr_array_index (documents, i);
      GpMapBuilding building = { 0 };

      building.ring = project_positions (outer_ring (gp_document_get_geometry (document)));
      if (building.ring->len < 3)
        {
          g_array_unref (building.ring);
          continue;
        }
      building.id = g_strdup (gp_document_get_id (document));
      building.name = g_strdup (gp_document_get_string_member (document, "name"));
      building.min_x = building.min_y = G_MAXDOUBLE;
      building.max_x = building.max_y = -G_MAXDOUBLE;
      for (guint j = 0; j < building.ring->len; j++)
        {
          GpMercPoint *p = &g_array_index (building.ring, GpMercPoint, j);

          building.min_x = MIN (building.min_x, p->x);
          building.max_x = MAX (building.max_x, p->x);
          building.min_y = MIN (building.min_y, p->y);
          building.max_y = MAX (building.max_y, p->y);
        }
      g_array_append_val (self->buildings, building);
    }

  for (guint i = 0; i < self->buildings->len; i++)
    {
      GpMapBuilding *building = &g_array_index (self->buildings, GpMapBuilding, i);

      g_hash_table_insert (self->building_index, building->id, GUINT_TO_POINTER (i + 1));
    }
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Each building's households by when they were last visited, for the
 * coverage layer: counting those due is then a binary search. */
static void
load_visits (GpMapData *self,
             GPtrArray *households,
             GPtrArray *visits)
{
  g_autoptr(GHashTable) last = gp_visit_last_times (visits);

  for (guint i = 0; i < households->len; i++)
    {
      GpHousehold *household = g_ptr_array_index (households, i);
      const char *building_id = gp_household_get_building (household);
      gpointer found = building_id ? g_hash_table_lookup (self->building_index, building_id) : NULL;
      gint64 *known = g_hash_table_lookup (last, gp_document_get_id (GP_DOCUMENT (household)));
      gint64 when = known ? *known : G_MININT64;
      GpMapBuilding *building;

      if (found == NULL)
        continue;
      building = &g_array_index (self->buildings, GpMapBuilding, GPOINTER_TO_UINT (found) - 1);
      if (building->last_visits == NULL)
        building->last_visits = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_array_append_val (building->last_visits, when);
    }
  for (guint i = 0; i < self->buildings->len; i++)
    {
      GpMapBuilding *building = &g_array_index (self->buildings, GpMapBuilding, i);

      if (building->last_visits != NULL)
        g_array_sort (building->last_visits, compare_times);
    }
}

static void
load_routes (GpMapData *self,
             GPtrArray *documents)
{
  for (guint i = 0; i < documents->len; i++)
    {
      GpRoute *document = g_ptr_array_index (documents, i);
      JsonObject *geometry = gp_document_get_geometry (GP_DOCUMENT (document));
      GpMapRoute route = { 0 };

      route.id = g_strdup (gp_document_get_id (GP_DOCUMENT (document)));
      route.name = g_strdup (gp_route_get_name (document));
      route.path = project_positions (g_strcmp0 (gp_json_get_string (geometry, "type"), "LineString") == 0
                                      ? gp_json_get_array (geometry, "coordinates") : NULL);
      route.checkpoints = g_array_new (FALSE, TRUE, sizeof (GpMapCheckpoint));
      g_array_set_clear_func (route.checkpoints, (GDestroyNotify) clear_checkpoint);

      for (guint c = 0; c < gp_route_get_n_checkpoints (document); c++)
        {
          GpCheckpoint checkpoint;
          GpMapCheckpoint item;

          if (!gp_route_get_checkpoint (document, c, &checkpoint))
            continue;
          item.id = g_strdup (checkpoint.id);
          item.name = g_strdup (checkpoint.name);
          item.position = gp_tile_project_point (checkpoint.position);
          item.radius_m = checkpoint.radius;
          g_array_append_val (route.checkpoints, item);
        }

      /* Without a drawn path, walk the checkpoints in order. */
      if (route.path->len < 2)
        for (guint c = 0; c < route.checkpoints->len; c++)
          g_array_append_val (route.path, g_array_index (route.checkpoints, GpMapCheckpoint, c).position);

      g_array_append_val (self->routes, route);
    }
}

/* A line's worth of the description, else the category's name. */
static char *
incident_title (const GpBoardCase *c,
                GpCategories      *categories)
{
  const GpCategory *category = gp_categories_lookup (categories, c->category);

  if (c->title != NULL && *c->title != '\0')
    {
      if (g_utf8_strlen (c->title, -1) > 24)
        {
          g_autofree char *start = g_utf8_substring (c->title, 0, 23);

          return g_strconcat (start, "…", NULL);
        }
      return g_strdup (c->title);
    }
  return g_strdup (category ? category->label : c->category);
}

static GpMarkerColour
marker_for (GpWarning warning)
{
  switch (warning)
    {
    case GP_WARNING_GREEN: return GP_MARKER_GREEN;
    case GP_WARNING_YELLOW: return GP_MARKER_YELLOW;
    case GP_WARNING_RED: return GP_MARKER_RED;
    case GP_WARNING_NONE:
    default:
      return GP_MARKER_OPEN;
    }
}

/* Open incidents only, each coloured by its warning now; closed-out and
 * void ones have no marker. From the case table: one query, no incident or
 * event document read. */
static gboolean
load_incidents (GpMapData  *self,
                GpStore    *store,
                GError    **error)
{
  g_autoptr(GpCategories) categories = gp_categories_load (store);
  g_autoptr(GPtrArray) cases = gp_stats_list_cases (store, self->grid_code, gp_clock_get_now (), error);

  if (cases == NULL)
    return FALSE;
  for (guint i = 0; i < cases->len; i++)
    {
      const GpBoardCase *c = g_ptr_array_index (cases, i);
      GpMapIncident incident = { 0 };
      gpointer found;

      if (!c->has_position || c->state == GP_STATE_VOID || c->state == GP_STATE_CLOSED)
        continue;   /* no position, no marker */
      incident.id = g_strdup (c->incident);
      incident.title = incident_title (c, categories);
      incident.category = gp_categories_describe (categories, c->category);
      incident.state = g_strdup (gp_state_label (c->state));
      incident.building = g_strdup (c->building);
      incident.reported_at = c->reported_at;
      incident.position = gp_tile_project_point ((GpGeoPoint) { .lon = c->lon, .lat = c->lat });
      incident.colour = marker_for (c->warning);
      g_array_append_val (self->incidents, incident);

      if (incident.building != NULL &&
          (found = g_hash_table_lookup (self->building_index, incident.building)) != NULL)
        g_array_index (self->buildings, GpMapBuilding, GPOINTER_TO_UINT (found) - 1).open_incidents++;
    }
  return TRUE;
}

/* Where the grid is: its boundary's middle, its "center" member, or the
 * middle of its buildings. */
static void
find_centre (GpMapData *self,
             GpGrid    *grid)
{
  JsonNode *centre = json_object_get_member (gp_document_get_body (GP_DOCUMENT (grid)), "center");
  GpGeoBounds bounds;

  if (gp_map_data_get_bounds (self, &bounds))
    {
      self->centre.lon = (bounds.west + bounds.east) / 2;
      self->centre.lat = (bounds.south + bounds.north) / 2;
      self->has_centre = TRUE;
    }
  else if (centre != NULL && gp_geo_position_parse (centre, &self->centre, NULL))
    self->has_centre = TRUE;
}

/**
 * gp_map_data_load:
 *
 * Reads what the map draws for a grid. Blocks on the store: call it from a
 * worker thread, or use gp_map_data_load_async().
 */
GpMapData *
gp_map_data_load (GpStore     *store,
                  const char  *grid_code,
                  GError     **error)
{
  g_autoptr(GpMapData) self = g_object_new (GP_TYPE_MAP_DATA, NULL);
  g_autofree char *grid_id = g_strconcat ("grid:", grid_code, NULL);
  g_autoptr(GpDocument) grid = NULL;
  g_autoptr(GPtrArray) buildings = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GPtrArray) households = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GArray) boundary = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  grid = gp_documents_load (store, grid_id, error);
  if (grid == NULL)
    return NULL;
  if (!GP_IS_GRID (grid))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID, _("%s is not a grid"), grid_id);
      return NULL;
    }

  self->grid_code = g_strdup (grid_code);
  self->grid_name = g_strdup (gp_grid_get_name (GP_GRID (grid)));
  boundary = project_positions (outer_ring (gp_document_get_geometry (grid)));
  g_array_append_vals (self->boundary, boundary->data, boundary->len);

  if ((buildings = gp_documents_load_all (store, "building", grid_code, error)) == NULL ||
      (routes = gp_documents_load_all (store, "route", grid_code, error)) == NULL ||
      (households = gp_documents_load_all (store, "household", grid_code, error)) == NULL ||
      (visits = gp_documents_load_all (store, "visit", grid_code, error)) == NULL)
    return NULL;

  load_buildings (self, buildings);
  load_visits (self, households, visits);
  load_routes (self, routes);
  if (!load_incidents (self, store, error))
    return NULL;
  find_centre (self, GP_GRID (grid));

  return g_steal_pointer (&self);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GpMapData *data = gp_map_data_load (source_object, task_data, &error);

  if (data == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data, g_object_unref);
}

void
gp_map_data_load_async (GpStore             *store,
                        const char          *grid_code,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (store));
  g_return_if_fail (grid_code != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_map_data_load_async);
  g_task_set_task_data (task, g_strdup (grid_code), g_free);
  gp_worker_run (task, load_thread);
}

GpMapData *
gp_map_data_load_finish (GpStore       *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gp_map_data_new_for_incidents:
 * @incidents: (transfer full): #GpMapIncident items
 *
 * Map data with incidents only, for measuring the layer.
 */
GpMapData *
gp_map_data_new_for_incidents (GArray *incidents)
{
  GpMapData *self = g_object_new (GP_TYPE_MAP_DATA, NULL);

  g_array_set_clear_func (incidents, (GDestroyNotify) clear_incident);
  g_array_unref (self->incidents);
  self->incidents = incidents;
  return self;
}

const char *
gp_map_data_get_grid_code (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  return self->grid_code;
}

const char *
gp_map_data_get_grid_name (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  return self->grid_name;
}

/* Nothing to draw: no boundary and no buildings. */
gboolean
gp_map_data_is_empty (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), TRUE);

  return self->boundary->len < 3 && self->buildings->len == 0;
}

gboolean
gp_map_data_get_centre (GpMapData  *self,
                        GpGeoPoint *centre)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), FALSE);

  if (self->has_centre)
    *centre = self->centre;
  return self->has_centre;
}

static void
extend (GpGeoBounds *bounds,
        GArray      *points)
{
  for (guint i = 0; i < points->len; i++)
    {
      GpMercPoint *p = &g_array_index (points, GpMercPoint, i);
      GpGeoPoint geo;

      gp_tile_unproject (p->x, p->y, &geo.lon, &geo.lat);
      gp_geo_bounds_extend (bounds, geo);
    }
}

/* The extent of the boundary and the buildings. */
gboolean
gp_map_data_get_bounds (GpMapData   *self,
                        GpGeoBounds *bounds)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), FALSE);

  gp_geo_bounds_init (bounds);
  extend (bounds, self->boundary);
  for (guint i = 0; i < self->buildings->len; i++)
    extend (bounds, g_array_index (self->buildings, GpMapBuilding, i).ring);
  return !gp_geo_bounds_is_empty (bounds);
}

GArray *
gp_map_data_get_boundary (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  return self->boundary;
}

GArray *
gp_map_data_get_buildings (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  return self->buildings;
}

GArray *
gp_map_data_get_routes (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  return self->routes;
}

GArray *
gp_map_data_get_incidents (GpMapData *self)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  return self->incidents;
}

/* Even–odd ray casting; Mercator keeps straight edges straight enough at a
 * grid's scale. */
gboolean
gp_merc_point_in_ring (GpMercPoint  point,
                       GArray      *ring)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = ring->len - 1; i < ring->len; j = i++)
    {
      GpMercPoint *a = &g_array_index (ring, GpMercPoint, i);
      GpMercPoint *b = &g_array_index (ring, GpMercPoint, j);

      if ((a->y > point.y) != (b->y > point.y) &&
          point.x < (b->x - a->x) * (point.y - a->y) / (b->y - a->y) + a->x)
        inside = !inside;
    }
  return inside;
}

const GpMapBuilding *
gp_map_data_building_at (GpMapData   *self,
                         GpMercPoint  point)
{
  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  for (guint i = 0; i < self->buildings->len; i++)
    {
      GpMapBuilding *building = &g_array_index (self->buildings, GpMapBuilding, i);

      if (point.x >= building->min_x && point.x <= building->max_x &&
          point.y >= building->min_y && point.y <= building->max_y &&
          gp_merc_point_in_ring (point, building->ring))
        return building;
    }
  return NULL;
}

/* The squared distance from @p to the segment @a–@b. */
static double
segment_distance2 (GpMercPoint p,
                   GpMercPoint a,
                   GpMercPoint b)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2 : 0;
  double x, y;

  t = CLAMP (t, 0.0, 1.0);
  x = a.x + t * dx - p.x;
  y = a.y + t * dy - p.y;
  return x * x + y * y;
}

/**
 * gp_map_data_building_near:
 * @reach: how far outside a building's outline a tap still counts, in the
 *   same units as @point: a fingertip's half width at the map's zoom
 *
 * The building under a fingertip: the one @point is in, or else the one
 * whose outline comes nearest to it within @reach.
 */
const GpMapBuilding *
gp_map_data_building_near (GpMapData   *self,
                           GpMercPoint  point,
                           double       reach)
{
  const GpMapBuilding *nearest = NULL;
  double best = reach * reach;

  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  nearest = gp_map_data_building_at (self, point);
  if (nearest != NULL || reach <= 0)
    return nearest;
  for (guint i = 0; i < self->buildings->len; i++)
    {
      GpMapBuilding *building = &g_array_index (self->buildings, GpMapBuilding, i);

      if (point.x < building->min_x - reach || point.x > building->max_x + reach ||
          point.y < building->min_y - reach || point.y > building->max_y + reach)
        continue;
      for (guint j = 1; j < building->ring->len; j++)
        {
          double d2 = segment_distance2 (point, g_array_index (building->ring, GpMercPoint, j - 1),
                                         g_array_index (building->ring, GpMercPoint, j));

          if (d2 <= best)
            {
              best = d2;
              nearest = building;
            }
        }
    }
  return nearest;
}

const GpMapBuilding *
gp_map_data_find_building (GpMapData  *self,
                           const char *id)
{
  gpointer found;

  g_return_val_if_fail (GP_IS_MAP_DATA (self), NULL);

  found = id ? g_hash_table_lookup (self->building_index, id) : NULL;
  return found ? &g_array_index (self->buildings, GpMapBuilding, GPOINTER_TO_UINT (found) - 1) : NULL;
}

static GpMarkerColour
more_urgent (GpMarkerColour a,
             GpMarkerColour b)
{
  /* red > yellow > green > open > closed */
  static const int rank[] = {
    [GP_MARKER_OPEN] = 1, [GP_MARKER_GREEN] = 2, [GP_MARKER_YELLOW] = 3, [GP_MARKER_RED] = 4,
    [GP_MARKER_CLOSED] = 0,
  };

  return rank[a] >= rank[b] ? a : b;
}

static double
world_size (double zoom)
{
  return GP_TILE_SIZE * exp2 (zoom);
}

static void
clear_cluster (GpMapCluster *cluster)
{
  g_clear_pointer (&cluster->members, g_array_unref);
}

static gint64
cell_key (gint64 x,
          gint64 y)
{
  return x * 0x100000000LL + (y & 0xffffffff);
}

/**
 * gp_map_data_cluster:
 * @zoom: the map's zoom, fractional
 * @cell_px: how close, on screen, markers must be to become one; 0 for
 *   no clustering
 *
 * Groups the incidents: each joins the nearest group that started within
 * @cell_px of it, or starts its own. A spatial hash of cells that size
 * keeps this near linear.
 */
GArray *
gp_map_data_cluster (GpMapData *self,
                     double     zoom,
                     double     cell_px)
{
  g_autoptr(GHashTable) cells = NULL;
  GArray *clusters = g_array_new (FALSE, TRUE, sizeof (GpMapCluster));
  double world = world_size (zoom);

  g_array_set_clear_func (clusters, (GDestroyNotify) clear_cluster);
  g_return_val_if_fail (GP_IS_MAP_DATA (self), clusters);

  /* cell → the indices (+ 1) of the clusters anchored in it */
  cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);

  for (guint i = 0; i < self->incidents->len; i++)
    {
      GpMapIncident *incident = &g_array_index (self->incidents, GpMapIncident, i);
      double px = incident->position.x * world, py = incident->position.y * world;
      GpMapCluster *best = NULL;
      double best_distance = cell_px;

      if (cell_px > 0)
        {
          gint64 cx = (gint64) floor (px / cell_px), cy = (gint64) floor (py / cell_px);

          for (gint64 dx = -1; dx <= 1; dx++)
            for (gint64 dy = -1; dy <= 1; dy++)
              {
                gint64 key = cell_key (cx + dx, cy + dy);
                GArray *anchored = g_hash_table_lookup (cells, &key);

                for (guint j = 0; anchored != NULL && j < anchored->len; j++)
                  {
                    GpMapCluster *cluster = &g_array_index (clusters, GpMapCluster,
                                                            g_array_index (anchored, guint, j));
                    double distance = hypot (cluster->anchor.x * world - px, cluster->anchor.y * world - py);

                    if (distance <= best_distance)
                      {
                        best_distance = distance;
                        best = cluster;
                      }
                  }
              }
        }

      if (best == NULL)
        {
          GpMapCluster fresh = { incident->position, 1, i, incident->colour, NULL, incident->position };

          g_array_append_val (clusters, fresh);
          if (cell_px > 0)
            {
              gint64 key = cell_key ((gint64) floor (px / cell_px), (gint64) floor (py / cell_px));
              GArray *anchored = g_hash_table_lookup (cells, &key);
              guint index = clusters->len - 1;

              if (anchored == NULL)
                {
                  anchored = g_array_new (FALSE, FALSE, sizeof (guint));
                  g_hash_table_insert (cells, g_memdup2 (&key, sizeof key), anchored);
                }
              g_array_append_val (anchored, index);
            }
          continue;
        }

      if (best->members == NULL)
        {
          best->members = g_array_new (FALSE, FALSE, sizeof (guint));
          g_array_append_val (best->members, best->first);
        }
      g_array_append_val (best->members, i);
      best->count++;
      /* A running mean keeps the centroid without a second pass. */
      best->position.x += (incident->position.x - best->position.x) / best->count;
      best->position.y += (incident->position.y - best->position.y) / best->count;
      best->colour = more_urgent (best->colour, incident->colour);
    }

  return clusters;
}

/* The index of a cluster's @index-th incident. */
guint
gp_map_cluster_get_member (const GpMapCluster *cluster,
                           guint               index)
{
  g_return_val_if_fail (index < cluster->count, cluster->first);

  if (cluster->members == NULL)
    return cluster->first;
  return g_array_index (cluster->members, guint, index);
}

/* The cluster drawn nearest a point, within @radius_px of it on screen. */
const GpMapCluster *
gp_map_clusters_find (GArray      *clusters,
                      double       zoom,
                      GpMercPoint  point,
                      double       radius_px)
{
  const GpMapCluster *best = NULL;
  double world = world_size (zoom);
  double best_distance = radius_px;

  for (guint i = 0; i < clusters->len; i++)
    {
      const GpMapCluster *cluster = &g_array_index (clusters, GpMapCluster, i);
      double dx = (cluster->position.x - point.x) * world;
      double dy = (cluster->position.y - point.y) * world;
      double distance = sqrt (dx * dx + dy * dy);

      if (distance <= best_distance)
        {
          best_distance = distance;
          best = cluster;
        }
    }
  return best;
}

/**
 * gp_map_building_count_due:
 * @before: UNIX seconds, from gp_visit_due_before()
 *
 * How many of the building's households were last visited before @before,
 * or never: those due a visit.
 */
guint
gp_map_building_count_due (const GpMapBuilding *building,
                           gint64               before)
{
  guint low = 0, high;

  g_return_val_if_fail (building != NULL, 0);

  if (building->last_visits == NULL)
    return 0;
  /* The first household visited at or after @before. */
  high = building->last_visits->len;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (g_array_index (building->last_visits, gint64, middle) < before)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/**
 * gp_map_data_count_due:
 *
 * Households of the grid's buildings due a visit (see
 * gp_map_building_count_due()).
 */
guint
gp_map_data_count_due (GpMapData *self,
                       gint64     before)
{
  guint count = 0;

  g_return_val_if_fail (GP_IS_MAP_DATA (self), 0);

  for (guint i = 0; i < self->buildings->len; i++)
    count += gp_map_building_count_due (&g_array_index (self->buildings, GpMapBuilding, i), before);
  return count;
}
