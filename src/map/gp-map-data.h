/* gp-map-data.h — what the map draws over the basemap, ready to draw.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-tile.h"
#include "gp-types.h"

G_BEGIN_DECLS

typedef enum
{
  GP_MARKER_OPEN,     /* no warning known: open */
  GP_MARKER_GREEN,
  GP_MARKER_YELLOW,
  GP_MARKER_RED,
  GP_MARKER_CLOSED,   /* not loaded; for measuring */
} GpMarkerColour;

typedef struct
{
  char   *id;
  char   *name;
  GArray *ring;            /* GpMercPoint, closed */
  double  min_x, min_y, max_x, max_y;
  guint   open_incidents;
  GArray *last_visits;     /* gint64 UNIX seconds per household, oldest
                            * first; G_MININT64 for never visited */
} GpMapBuilding;

typedef struct
{
  char        *id;
  char        *name;
  GpMercPoint  position;
  double       radius_m;
} GpMapCheckpoint;

typedef struct
{
  char   *id;
  char   *name;
  GArray *path;            /* GpMercPoint */
  GArray *checkpoints;     /* GpMapCheckpoint */
} GpMapRoute;

typedef struct
{
  char           *id;
  char           *title;
  char           *category;      /* "06010 暴露垃圾" */
  char           *state;         /* its state, in words */
  char           *building;
  gint64          reported_at;   /* seconds since 1970; 0 unknown */
  GpMercPoint     position;
  GpMarkerColour  colour;
} GpMapIncident;

/* Incidents close together on screen, drawn as one marker with a count. */
typedef struct
{
  GpMercPoint    position;  /* their centroid */
  guint          count;
  guint          first;     /* the first incident in it */
  GpMarkerColour colour;    /* the most urgent among them */
  GArray        *members;   /* guint indices when count > 1, else NULL */
  GpMercPoint    anchor;    /* where it started; others join within reach of it */
} GpMapCluster;

#define GP_TYPE_MAP_DATA (gp_map_data_get_type ())

G_DECLARE_FINAL_TYPE (GpMapData, gp_map_data, GP, MAP_DATA, GObject)

GpMapData            *gp_map_data_load           (GpStore             *store,
                                                  const char          *grid_code,
                                                  GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void                  gp_map_data_load_async     (GpStore             *store,
                                                  const char          *grid_code,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GpMapData            *gp_map_data_load_finish    (GpStore             *store,
                                                  GAsyncResult        *result,
                                                  GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GpMapData            *gp_map_data_new_for_incidents (GArray           *incidents) G_GNUC_WARN_UNUSED_RESULT;

const char           *gp_map_data_get_grid_code  (GpMapData           *self);
const char           *gp_map_data_get_grid_name  (GpMapData           *self);
gboolean              gp_map_data_is_empty       (GpMapData           *self);
gboolean              gp_map_data_get_centre     (GpMapData           *self,
                                                  GpGeoPoint          *centre);
gboolean              gp_map_data_get_bounds     (GpMapData           *self,
                                                  GpGeoBounds         *bounds);
GArray               *gp_map_data_get_boundary   (GpMapData           *self);
GArray               *gp_map_data_get_buildings  (GpMapData           *self);
GArray               *gp_map_data_get_routes     (GpMapData           *self);
GArray               *gp_map_data_get_incidents  (GpMapData           *self);

const GpMapBuilding  *gp_map_data_building_at    (GpMapData           *self,
                                                  GpMercPoint          point);
const GpMapBuilding  *gp_map_data_building_near  (GpMapData           *self,
                                                  GpMercPoint          point,
                                                  double               reach);
const GpMapBuilding  *gp_map_data_find_building  (GpMapData           *self,
                                                  const char          *id);
guint                 gp_map_building_count_due  (const GpMapBuilding *building,
                                                  gint64               before);
guint                 gp_map_data_count_due      (GpMapData           *self,
                                                  gint64               before);
GArray               *gp_map_data_cluster        (GpMapData           *self,
                                                  double               zoom,
                                                  double               cell_px) G_GNUC_WARN_UNUSED_RESULT;
guint                 gp_map_cluster_get_member  (const GpMapCluster  *cluster,
                                                  guint                index);
const GpMapCluster   *gp_map_clusters_find       (GArray              *clusters,
                                                  double               zoom,
                                                  GpMercPoint          point,
                                                  double               radius_px);

gboolean              gp_merc_point_in_ring      (GpMercPoint          point,
                                                  GArray              *ring);

G_END_DECLS
