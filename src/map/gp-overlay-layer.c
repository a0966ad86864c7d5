/* gp-overlay-layer.c
 *
 * One layer draws every overlay in a single cairo node per frame, culled
 * to what is on screen: a widget per marker would not survive thousands of
 * incidents on a phone. Clusters are worked out once per zoom level, not
 * per frame, so panning costs only the drawing.
 *
 * Positions come projected (GpMapData); here they become widget pixels:
 * world = 256 × 2^zoom, a point sits at merc × world, the viewport's centre
 * at the middle of the widget, turned by the map's rotation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-overlay-layer"

#include "config.h"

#include "gp-overlay-layer.h"
#include "gp-clock.h"
#include "gp-tile.h"
#include "gp-stats.h"
#include "gp-visit.h"

#include <math.h>
#include <pango/pangocairo.h>

struct _GpOverlayLayer
{
  ShumateLayer  parent_instance;

  GpMapData    *data;
  GArray       *clusters;        /* for clusters_zoom */
  double        clusters_zoom;
  double        clusters_cell;
  char         *selected_building;
  gboolean      has_position;
  GpFix         position;
  GArray       *track;           /* GpMercPoint */
  GHashTable   *reached;         /* checkpoint ids reached on the patrol walked */

  gboolean      show_boundary;
  gboolean      show_buildings;
  gboolean      show_routes;
  gboolean      show_incidents;
  gboolean      show_track;
  gboolean      show_position;
  gboolean      show_visits;
  gboolean      show_hot_spots;
  int           coverage_days;
  GArray       *hot_spots;       /* GpMapHotSpot */
};

G_DEFINE_FINAL_TYPE (GpOverlayLayer, gp_overlay_layer, SHUMATE_TYPE_LAYER)

/* Where the world is on the widget right now. */
typedef struct
{
  double zoom;
  double world;
  double centre_x;    /* world pixels */
  double centre_y;
  double rotation;
  double width;
  double height;
} View;

static void
get_view (GpOverlayLayer *self,
          View           *view)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  GpMercPoint centre;

  view->zoom = shumate_viewport_get_zoom_level (viewport);
  view->world = GP_TILE_SIZE * exp2 (view->zoom);
  gp_tile_project (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                   shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                   &centre.x, &centre.y);
  view->centre_x = centre.x * view->world;
  view->centre_y = centre.y * view->world;
  view->rotation = shumate_viewport_get_rotation (viewport);
  view->width = gtk_widget_get_width (GTK_WIDGET (self));
  view->height = gtk_widget_get_height (GTK_WIDGET (self));
}

/* In a cairo context already moved to the widget's middle and turned. */
static void
to_screen (const View  *view,
           GpMercPoint  point,
           double      *x,
           double      *y)
{
  *x = point.x * view->world - view->centre_x;
  *y = point.y * view->world - view->centre_y;
}

static gboolean
visible (const View *view,
         double      x,
         double      y,
         double      margin)
{
  /* The visible half-diagonal covers any rotation. */
  double reach = hypot (view->width, view->height) / 2 + margin;

  return fabs (x) <= reach && fabs (y) <= reach;
}

static gboolean
box_visible (const View *view,
             double      min_x,
             double      min_y,
             double      max_x,
             double      max_y)
{
  double reach = hypot (view->width, view->height) / 2;
  double x0 = min_x * view->world - view->centre_x, x1 = max_x * view->world - view->centre_x;
  double y0 = min_y * view->world - view->centre_y, y1 = max_y * view->world - view->centre_y;

  return x1 >= -reach && x0 <= reach && y1 >= -reach && y0 <= reach;
}

static void
set_rgba (cairo_t *cr,
          guint32  rgb,
          double   alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

static void
trace (cairo_t    *cr,
       const View *view,
       GArray     *points,
       gboolean    close)
{
  for (guint i = 0; i < points->len; i++)
    {
      double x, y;

      to_screen (view, g_array_index (points, GpMercPoint, i), &x, &y);
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  if (close)
    cairo_close_path (cr);
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      size_px,
           double      x,
           double      y,
           guint32     rgb)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold");
  PangoRectangle logical;

  pango_font_description_set_absolute_size (font, size_px * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  cairo_move_to (cr, x - logical.width / 2.0, y - logical.height / 2.0);
  set_rgba (cr, rgb, 1.0);
  pango_cairo_show_layout (cr, layout);
  /* Showing text leaves a current point: the next arc would join it. */
  cairo_new_path (cr);
}

static void
draw_boundary (cairo_t    *cr,
               const View *view,
               GArray     *boundary)
{
  const double dashes[] = { 10.0, 6.0 };

  if (boundary->len < 3)
    return;
  trace (cr, view, boundary, TRUE);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  cairo_set_line_width (cr, 3.0);
  set_rgba (cr, 0x9141ac, 0.85);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* Buildings with open incidents are tinted red; the tapped one is outlined. */
static void
draw_buildings (GpOverlayLayer *self,
                cairo_t        *cr,
                const View     *view)
{
  GArray *buildings = gp_map_data_get_buildings (self->data);

  for (guint i = 0; i < buildings->len; i++)
    {
      GpMapBuilding *building = &g_array_index (buildings, GpMapBuilding, i);
      gboolean selected = g_strcmp0 (building->id, self->selected_building) == 0;

      if ((building->open_incidents == 0 && !selected) ||
          !box_visible (view, building->min_x, building->min_y, building->max_x, building->max_y))
        continue;

      trace (cr, view, building->ring, TRUE);
      if (building->open_incidents > 0)
        {
          set_rgba (cr, 0xe01b24, 0.30);
          cairo_fill_preserve (cr);
          cairo_set_line_width (cr, 1.5);
          set_rgba (cr, 0xc01c28, 0.9);
          cairo_stroke_preserve (cr);
        }
      if (selected)
        {
          cairo_set_line_width (cr, 3.0);
          set_rgba (cr, 0x1c71d8, 1.0);
          cairo_stroke_preserve (cr);
        }
      cairo_new_path (cr);
    }
}

/* Coverage: buildings with households not visited in N days are outlined
 * in orange, with how many are due on a badge once the map is close enough
 * for the badges not to crowd each other. */
static void
draw_visits_due (GpOverlayLayer *self,
                 cairo_t        *cr,
                 const View     *view)
{
  GArray *buildings = gp_map_data_get_buildings (self->data);
  gint64 before = gp_visit_due_before (self->coverage_days, gp_clock_get_now ());

  for (guint i = 0; i < buildings->len; i++)
    {
      GpMapBuilding *building = &g_array_index (buildings, GpMapBuilding, i);
      guint due = gp_map_building_count_due (building, before);
      g_autofree char *count = NULL;
      double x, y;

      if (due == 0 || !box_visible (view, building->min_x, building->min_y, building->max_x, building->max_y))
        continue;

      trace (cr, view, building->ring, TRUE);
      cairo_set_line_width (cr, 2.5);
      set_rgba (cr, 0xe66100, 0.95);
      cairo_stroke (cr);
      if (view->zoom < 16.0)
        continue;

      /* On the building's north-east corner, clear of its name. */
      to_screen (view, (GpMercPoint) { building->max_x, building->min_y }, &x, &y);
      count = g_strdup_printf ("%u", due);
      cairo_arc (cr, x, y, due > 99 ? 13.0 : 11.0, 0, 2 * G_PI);
      set_rgba (cr, 0xe66100, 1.0);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_stroke (cr);
      draw_text (cr, count, due > 99 ? 10.0 : 11.0, x, y, 0xffffff);
    }
}

/* Each hot spot's 50 m cell, red, with its count from zoom 15. */
static void
draw_hot_spots (GpOverlayLayer *self,
                cairo_t        *cr,
                const View     *view)
{
  for (guint i = 0; i < self->hot_spots->len; i++)
    {
      const GpMapHotSpot *spot = &g_array_index (self->hot_spots, GpMapHotSpot, i);
      double lat, lon, next_lat, next_lon, half_lat, half_lon, x0, y0, x1, y1, x, y;
      GpMercPoint a, b, centre;
      gint64 cx, cy;
      g_autofree char *count = NULL;

      /* The cell's centre and its half sizes, from its neighbours in the
       * same row and column (columns are narrower towards the poles). */
      gp_stats_cell_of (spot->lat, spot->lon, &cx, &cy);
      gp_stats_cell_centre (cx, cy, &lat, &lon);
      gp_stats_cell_centre (cx + 1, cy, &next_lat, &next_lon);
      half_lon = (next_lon - lon) / 2;
      gp_stats_cell_centre (cx, cy + 1, &next_lat, &next_lon);
      half_lat = (next_lat - lat) / 2;
      gp_tile_project (lon - half_lon, lat - half_lat, &a.x, &a.y);
      gp_tile_project (lon + half_lon, lat + half_lat, &b.x, &b.y);
      if (!box_visible (view, MIN (a.x, b.x), MIN (a.y, b.y), MAX (a.x, b.x), MAX (a.y, b.y)))
        continue;
      to_screen (view, a, &x0, &y0);
      to_screen (view, b, &x1, &y1);
      cairo_rectangle (cr, MIN (x0, x1), MIN (y0, y1), MAX (fabs (x1 - x0), 6), MAX (fabs (y1 - y0), 6));
      set_rgba (cr, 0xc01c28, 0.28);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.0);
      set_rgba (cr, 0xc01c28, 0.9);
      cairo_stroke (cr);
      if (view->zoom < 15.0)
        continue;
      gp_tile_project (lon, lat, &centre.x, &centre.y);
      to_screen (view, centre, &x, &y);
      count = g_strdup_printf ("%u", spot->count);
      cairo_arc (cr, x, y, spot->count > 99 ? 13.0 : 11.0, 0, 2 * G_PI);
      set_rgba (cr, 0xc01c28, 1.0);
      cairo_fill (cr);
      draw_text (cr, count, spot->count > 99 ? 10.0 : 11.0, x, y, 0xffffff);
    }
}

/* Each route in a colour of its own, so that two routes' checkpoints
 * numbered alike are told apart; none of them the position's blue (as
 * every map shows it), the boundary's purple, the reached checkpoints'
 * green or the orange of the track and of visits due. The line, then the
 * numbers' darker shade. */
static const guint32 route_colours[][2] = {
  { 0x865e3c, 0x63452c },   /* brown */
  { 0x1c8a9c, 0x136a78 },   /* teal */
  { 0x5e5c64, 0x3d3846 },   /* slate */
  { 0x8a7a00, 0x655a00 },   /* olive */
};

guint32
gp_overlay_layer_route_colour (guint index)
{
  return route_colours[index % G_N_ELEMENTS (route_colours)][0];
}

static void
draw_routes (cairo_t    *cr,
             const View *view,
             GArray     *routes,
             GHashTable *reached)
{
  for (guint r = 0; r < routes->len; r++)
    {
      GpMapRoute *route = &g_array_index (routes, GpMapRoute, r);
      guint32 colour = route_colours[r % G_N_ELEMENTS (route_colours)][0];
      guint32 dark = route_colours[r % G_N_ELEMENTS (route_colours)][1];

      trace (cr, view, route->path, FALSE);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_width (cr, 4.0);
      set_rgba (cr, colour, 0.55);
      cairo_stroke (cr);

      /* Zoomed out the whole grid is a thumb wide: the line is enough. */
      if (view->zoom < 16)
        continue;

      for (guint c = 0; c < route->checkpoints->len; c++)
        {
          GpMapCheckpoint *checkpoint = &g_array_index (route->checkpoints, GpMapCheckpoint, c);
          double x, y, radius, lon, lat;
          gboolean done;

          to_screen (view, checkpoint->position, &x, &y);
          if (!visible (view, x, y, 40))
            continue;

          /* The arrival circle, only close in: further out the circles of
           * neighbouring checkpoints cover the buildings between them. */
          gp_tile_unproject (checkpoint->position.x, checkpoint->position.y, &lon, &lat);
          radius = checkpoint->radius_m / (gp_tile_meters_per_pixel (lat, 0) / exp2 (view->zoom));
          if (view->zoom >= 18 && radius > 12)
            {
              const double dash[] = { 4.0, 4.0 };

              cairo_new_sub_path (cr);
              cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
              set_rgba (cr, colour, 0.45);
              cairo_set_line_width (cr, 1.0);
              cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
              cairo_stroke (cr);
              cairo_set_dash (cr, NULL, 0, 0);
            }
          /* Reached on the patrol being walked: filled green. */
          done = reached != NULL && g_hash_table_contains (reached, checkpoint->id);
          cairo_arc (cr, x, y, view->zoom >= 17 ? 10.0 : 6.0, 0, 2 * G_PI);
          if (done)
            set_rgba (cr, 0x26a269, 1.0);
          else
            cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_fill_preserve (cr);
          cairo_set_line_width (cr, 2.5);
          set_rgba (cr, done ? 0x1a7f4f : colour, 1.0);
          cairo_stroke (cr);
          if (view->zoom >= 17)
            {
              g_autofree char *number = g_strdup_printf ("%u", c + 1);

              draw_text (cr, number, 11.0, x, y, done ? 0xffffff : dark);
            }
        }
    }
}

static void
draw_track (cairo_t    *cr,
            const View *view,
            GArray     *track)
{
  if (track == NULL || track->len < 2)
    return;
  trace (cr, view, track, FALSE);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 4.0);
  set_rgba (cr, 0xe66100, 0.85);
  cairo_stroke (cr);
}

static guint32
marker_colour (GpMarkerColour colour)
{
  switch (colour)
    {
    case GP_MARKER_GREEN:
      return 0x2ec27e;
    case GP_MARKER_YELLOW:
      return 0xe5a50a;
    case GP_MARKER_RED:
      return 0xe01b24;
    case GP_MARKER_CLOSED:
      return 0x9a9996;
    case GP_MARKER_OPEN:
    default:
      return 0x3584e4;
    }
}

static void
ensure_clusters (GpOverlayLayer *self,
                 double          zoom)
{
  double cell = zoom < 18.5 ? GP_OVERLAY_CLUSTER_PX : 0.0;

  /* Quarter steps of zoom, so that a zoom animation regroups the markers a
   * few times rather than on every frame. */
  zoom = floor (zoom * 4.0) / 4.0;

  if (self->clusters != NULL && self->clusters_zoom == zoom && self->clusters_cell == cell)
    return;

  g_clear_pointer (&self->clusters, g_array_unref);
  self->clusters = gp_map_data_cluster (self->data, zoom, cell);
  self->clusters_zoom = zoom;
  self->clusters_cell = cell;
}

static void
draw_incidents (GpOverlayLayer *self,
                cairo_t        *cr,
                const View     *view)
{
  ensure_clusters (self, view->zoom);

  for (guint i = 0; i < self->clusters->len; i++)
    {
      GpMapCluster *cluster = &g_array_index (self->clusters, GpMapCluster, i);
      double x, y, radius = cluster->count == 1 ? 9.0 : MIN (22.0, 12.0 + 2.0 * log2 (cluster->count));

      to_screen (view, cluster->position, &x, &y);
      if (!visible (view, x, y, radius))
        continue;

      cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
      set_rgba (cr, marker_colour (cluster->colour), 1.0);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2.5);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_stroke (cr);

      if (cluster->count > 1)
        {
          g_autofree char *count = g_strdup_printf ("%u", cluster->count);

          draw_text (cr, count, cluster->count > 99 ? 10.0 : 12.0, x, y, 0xffffff);
        }
    }
}

static void
draw_position (GpOverlayLayer *self,
               cairo_t        *cr,
               const View     *view)
{
  GpMercPoint point;
  double x, y, metres_per_px, accuracy_px;

  gp_tile_project (self->position.longitude, self->position.latitude, &point.x, &point.y);
  to_screen (view, point, &x, &y);
  metres_per_px = gp_tile_meters_per_pixel (self->position.latitude, 0) / exp2 (view->zoom);
  accuracy_px = isnan (self->position.accuracy) ? 0 : self->position.accuracy / metres_per_px;

  if (accuracy_px > 10)
    {
      cairo_arc (cr, x, y, accuracy_px, 0, 2 * G_PI);
      set_rgba (cr, 0x3584e4, 0.15);
      cairo_fill_preserve (cr);
      set_rgba (cr, 0x3584e4, 0.6);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  /* The way the worker is walking, when the receiver knows it: a heading
   * is only a course over ground while moving (not standing, not a track
   * without one). An arrow ahead of the dot, turned with the map. */
  if (isfinite (self->position.heading) && !(self->position.speed < GP_OVERLAY_HEADING_MIN_SPEED))
    {
      double angle = self->position.heading * G_PI / 180 + view->rotation;
      double ahead_x = sin (angle), ahead_y = -cos (angle);

      cairo_move_to (cr, x + 22 * ahead_x, y + 22 * ahead_y);
      cairo_line_to (cr, x + 8 * ahead_x - 8 * ahead_y, y + 8 * ahead_y + 8 * ahead_x);
      cairo_line_to (cr, x + 8 * ahead_x + 8 * ahead_y, y + 8 * ahead_y - 8 * ahead_x);
      cairo_close_path (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 3);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke_preserve (cr);
      set_rgba (cr, 0x1c71d8, 1.0);
      cairo_fill (cr);
    }
  cairo_arc (cr, x, y, 9.0, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  cairo_arc (cr, x, y, 6.5, 0, 2 * G_PI);
  set_rgba (cr, 0x1c71d8, 1.0);
  cairo_fill (cr);
}

static void
gp_overlay_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  GpOverlayLayer *self = GP_OVERLAY_LAYER (widget);
  View view;
  cairo_t *cr;

  get_view (self, &view);
  if (view.width <= 0 || view.height <= 0 ||
      (self->data == NULL && !self->has_position && self->track == NULL && self->hot_spots == NULL))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view.width, view.height));
  cairo_translate (cr, view.width / 2, view.height / 2);
  cairo_rotate (cr, view.rotation);

  if (self->data != NULL)
    {
      if (self->show_boundary)
        draw_boundary (cr, &view, gp_map_data_get_boundary (self->data));
      if (self->show_buildings)
        draw_buildings (self, cr, &view);
      if (self->show_visits && self->coverage_days > 0)
        draw_visits_due (self, cr, &view);
      if (self->show_routes)
        draw_routes (cr, &view, gp_map_data_get_routes (self->data), self->reached);
    }
  if (self->show_hot_spots && self->hot_spots != NULL)
    draw_hot_spots (self, cr, &view);
  if (self->show_track)
    draw_track (cr, &view, self->track);
  if (self->data != NULL && self->show_incidents)
    draw_incidents (self, cr, &view);
  if (self->show_position && self->has_position)
    draw_position (self, cr, &view);

  cairo_destroy (cr);
}

static void
on_viewport_changed (GpOverlayLayer *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
gp_overlay_layer_constructed (GObject *object)
{
  GpOverlayLayer *self = (GpOverlayLayer *) object;
  ShumateViewport *viewport;

  G_OBJECT_CLASS (gp_overlay_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);
}

static void
gp_overlay_layer_dispose (GObject *object)
{
  GpOverlayLayer *self = (GpOverlayLayer *) object;

  g_clear_object (&self->data);
  g_clear_pointer (&self->clusters, g_array_unref);
  g_clear_pointer (&self->track, g_array_unref);
  g_clear_pointer (&self->hot_spots, g_array_unref);
  g_clear_pointer (&self->reached, g_hash_table_unref);
  g_clear_pointer (&self->selected_building, g_free);

  G_OBJECT_CLASS (gp_overlay_layer_parent_class)->dispose (object);
}

static void
gp_overlay_layer_class_init (GpOverlayLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gp_overlay_layer_constructed;
  object_class->dispose = gp_overlay_layer_dispose;
  widget_class->snapshot = gp_overlay_layer_snapshot;
}

static void
gp_overlay_layer_init (GpOverlayLayer *self)
{
  self->show_boundary = self->show_buildings = self->show_routes = TRUE;
  self->show_incidents = self->show_track = self->show_position = TRUE;
  /* Taps go to the map, which hit-tests through this layer. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

GpOverlayLayer *
gp_overlay_layer_new (ShumateViewport *viewport)
{
  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  return g_object_new (GP_TYPE_OVERLAY_LAYER, "viewport", viewport, NULL);
}

GpMapData *
gp_overlay_layer_get_data (GpOverlayLayer *self)
{
  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), NULL);

  return self->data;
}

void
gp_overlay_layer_set_data (GpOverlayLayer *self,
                           GpMapData      *data)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  if (!g_set_object (&self->data, data))
    return;
  g_clear_pointer (&self->clusters, g_array_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The worker's position and its accuracy; NULL when not known. */
void
gp_overlay_layer_set_position (GpOverlayLayer *self,
                               const GpFix    *fix)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  self->has_position = fix != NULL;
  if (fix != NULL)
    self->position = *fix;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The patrol's track so far, as GpGeoPoint; NULL for none. */
void
gp_overlay_layer_set_track (GpOverlayLayer *self,
                            GArray         *points)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  g_clear_pointer (&self->track, g_array_unref);
  if (points != NULL)
    {
      self->track = g_array_sized_new (FALSE, FALSE, sizeof (GpMercPoint), points->len);
      for (guint i = 0; i < points->len; i++)
        {
          GpMercPoint merc = gp_tile_project_point (g_array_index (points, GpGeoPoint, i));

          g_array_append_val (self->track, merc);
        }
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * gp_overlay_layer_set_reached:
 * @ids: (nullable): checkpoints reached on the patrol being walked
 */
void
gp_overlay_layer_set_reached (GpOverlayLayer     *self,
                              const char * const *ids)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  g_clear_pointer (&self->reached, g_hash_table_unref);
  if (ids != NULL)
    {
      self->reached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; ids[i] != NULL; i++)
        g_hash_table_add (self->reached, g_strdup (ids[i]));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* How many checkpoints are drawn as reached. */
guint
gp_overlay_layer_get_n_reached (GpOverlayLayer *self)
{
  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), 0);

  return self->reached ? g_hash_table_size (self->reached) : 0;
}

/* How many points the drawn track has. */
guint
gp_overlay_layer_get_n_track_points (GpOverlayLayer *self)
{
  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), 0);

  return self->track ? self->track->len : 0;
}

void
gp_overlay_layer_set_selected_building (GpOverlayLayer *self,
                                        const char     *building_id)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  if (g_strcmp0 (self->selected_building, building_id) == 0)
    return;
  g_free (self->selected_building);
  self->selected_building = g_strdup (building_id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * gp_overlay_layer_set_layers:
 * @layers: the names of the overlays to show: "boundary", "buildings",
 *   "routes", "incidents", "track", "position", "visits", "hotspots"
 */
void
gp_overlay_layer_set_layers (GpOverlayLayer     *self,
                             const char * const *layers)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  self->show_boundary = g_strv_contains (layers, "boundary");
  self->show_buildings = g_strv_contains (layers, "buildings");
  self->show_routes = g_strv_contains (layers, "routes");
  self->show_incidents = g_strv_contains (layers, "incidents");
  self->show_track = g_strv_contains (layers, "track");
  self->show_position = g_strv_contains (layers, "position");
  self->show_visits = g_strv_contains (layers, "visits");
  self->show_hot_spots = g_strv_contains (layers, "hotspots");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * gp_overlay_layer_set_hot_spots:
 * @spots: (nullable) (element-type GpMapHotSpot): the area review's hot spots
 */
void
gp_overlay_layer_set_hot_spots (GpOverlayLayer *self,
                                GArray         *spots)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  g_clear_pointer (&self->hot_spots, g_array_unref);
  if (spots != NULL)
    self->hot_spots = g_array_ref (spots);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
gp_overlay_layer_get_n_hot_spots (GpOverlayLayer *self)
{
  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), 0);

  return self->hot_spots ? self->hot_spots->len : 0;
}

/**
 * gp_overlay_layer_set_coverage_days:
 * @days: households not visited in this many days are due a visit
 */
void
gp_overlay_layer_set_coverage_days (GpOverlayLayer *self,
                                    int             days)
{
  g_return_if_fail (GP_IS_OVERLAY_LAYER (self));

  if (self->coverage_days == days)
    return;
  self->coverage_days = days;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Widget pixels to the world and back. */
GpMercPoint
gp_overlay_layer_to_merc (GpOverlayLayer *self,
                          double          x,
                          double          y)
{
  View view;
  GpMercPoint point;
  double dx, dy;

  get_view (self, &view);
  dx = x - view.width / 2;
  dy = y - view.height / 2;
  /* Undo the rotation. */
  point.x = (dx * cos (view.rotation) + dy * sin (view.rotation) + view.centre_x) / view.world;
  point.y = (-dx * sin (view.rotation) + dy * cos (view.rotation) + view.centre_y) / view.world;
  return point;
}

void
gp_overlay_layer_to_widget (GpOverlayLayer *self,
                            GpMercPoint     point,
                            double         *x,
                            double         *y)
{
  View view;
  double dx, dy;

  get_view (self, &view);
  to_screen (&view, point, &dx, &dy);
  *x = dx * cos (view.rotation) - dy * sin (view.rotation) + view.width / 2;
  *y = dx * sin (view.rotation) + dy * cos (view.rotation) + view.height / 2;
}

/* The marker or cluster under a tap at widget pixels, if any. */
const GpMapCluster *
gp_overlay_layer_cluster_at (GpOverlayLayer *self,
                             double          x,
                             double          y)
{
  View view;

  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), NULL);

  if (self->data == NULL || !self->show_incidents)
    return NULL;
  get_view (self, &view);
  ensure_clusters (self, view.zoom);
  return gp_map_clusters_find (self->clusters, view.zoom, gp_overlay_layer_to_merc (self, x, y),
                               GP_OVERLAY_TAP_PX);
}

const GpMapBuilding *
gp_overlay_layer_building_at (GpOverlayLayer *self,
                              double          x,
                              double          y)
{
  GpMercPoint point, edge;

  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), NULL);

  if (self->data == NULL)
    return NULL;
  /* A fingertip, not a pixel: a tap just off a building's outline is on it. */
  point = gp_overlay_layer_to_merc (self, x, y);
  edge = gp_overlay_layer_to_merc (self, x + GP_OVERLAY_TAP_PX, y);
  return gp_map_data_building_near (self->data, point, hypot (edge.x - point.x, edge.y - point.y));
}

/* The clustering distance at the current zoom; 0 when markers are single. */
double
gp_overlay_layer_get_cluster_px (GpOverlayLayer *self)
{
  View view;

  g_return_val_if_fail (GP_IS_OVERLAY_LAYER (self), 0);

  get_view (self, &view);
  ensure_clusters (self, view.zoom);
  return self->clusters_cell;
}
