/* gp-basemap.c
 *
 * No tile server knows a grid's buildings, unit numbers or checkpoints, and
 * the grid must show with no network, so every grid gets a basemap drawn on
 * the device from its own documents: the boundary, lanes, building
 * footprints with their names and unit entrances, and city components.
 *
 * Each tile remembers the digest of what it was drawn from (the features
 * near it and the drawing style); drawing again only draws the tiles whose
 * digest changed, so an edited building costs a handful of tiles.
 *
 * Coordinates are normalised Web Mercator in doubles until the last step:
 * cairo's fixed-point paths would overflow at zoom 19, where the world is
 * 134 million pixels wide.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-basemap"

#include "config.h"

#include "gp-basemap.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-mbtiles.h"
#include "gp-store.h"
#include "gp-tile.h"
#include "gp-worker.h"

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>

/* Bump when the drawing changes, so every tile is drawn again. */
#define STYLE_VERSION "gridpatrol-basemap-2"

/* Features this close to a tile, in pixels, may reach into it: a label
 * or a wide line drawn from just outside. */
#define TILE_PAD 72.0

#define FONT_FAMILIES "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Noto Sans, Sans"

G_DEFINE_QUARK (gp-basemap-error-quark, gp_basemap_error)

typedef enum
{
  KIND_AREA,
  KIND_LANE,
  KIND_BUILDING,
  KIND_COMPONENT,
} Kind;

typedef struct
{
  int  unit;
  GpMercPoint position;
} Entrance;

typedef struct
{
  Kind    kind;
  char   *label;
  char   *subkind;
  GArray *points;     /* GpMercPoint */
  GArray *entrances;  /* Entrance, buildings only */
  double  min_x, min_y, max_x, max_y;
  char   *hash;
} Feature;

static void
feature_free (Feature *feature)
{
  g_free (feature->label);
  g_free (feature->subkind);
  g_clear_pointer (&feature->points, g_array_unref);
  g_clear_pointer (&feature->entrances, g_array_unref);
  g_free (feature->hash);
  g_free (feature);
}

char *
gp_basemap_dup_path (const char *data_dir,
                     const char *grid_code)
{
  g_autofree char *file = g_strconcat (grid_code, ".mbtiles", NULL);

  return g_build_filename (data_dir, "basemaps", file, NULL);
}

/* The positions of a geometry: a polygon's outer ring, a line, a point. */
static GArray *
geometry_points (JsonObject *geometry)
{
  const char *type = gp_json_get_string (geometry, "type");
  JsonNode *coordinates = geometry ? json_object_get_member (geometry, "coordinates") : NULL;
  GArray *points = g_array_new (FALSE, FALSE, sizeof (GpMercPoint));
  JsonArray *positions = NULL;
  GpGeoPoint point;

  if (coordinates == NULL)
    return points;

  if (g_strcmp0 (type, "Point") == 0)
    {
      if (gp_geo_position_parse (coordinates, &point, NULL))
        {
          GpMercPoint merc = gp_tile_project_point (point);

          g_array_append_val (points, merc);
        }
      return points;
    }

  if (g_strcmp0 (type, "LineString") == 0 && JSON_NODE_HOLDS_ARRAY (coordinates))
    positions = json_node_get_array (coordinates);
  else if (g_strcmp0 (type, "Polygon") == 0 && JSON_NODE_HOLDS_ARRAY (coordinates) &&
           json_array_get_length (json_node_get_array (coordinates)) > 0)
    positions = json_array_get_array_element (json_node_get_array (coordinates), 0);

  for (guint i = 0; positions != NULL && i < json_array_get_length (positions); i++)
    if (gp_geo_position_parse (json_array_get_element (positions, i), &point, NULL))
      {
        GpMercPoint merc = gp_tile_project_point (point);

        g_array_append_val (points, merc);
      }
  return points;
}

/* What a feature's drawing depends on, hashed: change any of it and the
 * tiles it touches are drawn again. */
static char *
feature_hash (Kind        kind,
              GpDocument *document)
{
  static const char * const members[] = { "geometry", "name", "kind", "entrances", NULL };
  g_autoptr(JsonObject) subset = json_object_new ();
  g_autofree char *text = NULL;
  JsonObject *body = gp_document_get_body (document);

  json_object_set_int_member (subset, "k", kind);
  for (guint i = 0; members[i] != NULL; i++)
    if (json_object_has_member (body, members[i]))
      json_object_set_member (subset, members[i], json_node_ref (json_object_get_member (body, members[i])));
  text = gp_json_to_string (subset, FALSE);
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

static Feature *
feature_new (Kind        kind,
             GpDocument *document,
             const char *label,
             const char *subkind)
{
  Feature *feature = g_new0 (Feature, 1);

  feature->kind = kind;
  feature->label = g_strdup (label);
  feature->subkind = g_strdup (subkind);
  feature->points = geometry_points (gp_document_get_geometry (document));
  feature->hash = feature_hash (kind, document);
  feature->min_x = feature->min_y = G_MAXDOUBLE;
  feature->max_x = feature->max_y = -G_MAXDOUBLE;
  for (guint i = 0; i < feature->points->len; i++)
    {
      GpMercPoint *p = &g_array_index (feature->points, GpMercPoint, i);

      feature->min_x = MIN (feature->min_x, p->x);
      feature->max_x = MAX (feature->max_x, p->x);
      feature->min_y = MIN (feature->min_y, p->y);
      feature->max_y = MAX (feature->max_y, p->y);
    }
  return feature;
}

static void
add_entrances (Feature    *feature,
               GpDocument *building)
{
  JsonArray *entrances = gp_document_get_array_member (building, "entrances");

  feature->entrances = g_array_new (FALSE, FALSE, sizeof (Entrance));
  for (guint i = 0; entrances != NULL && i < json_array_get_length (entrances); i++)
    {
      JsonObject *entrance = json_array_get_object_element (entrances, i);
      GpGeoPoint point;
      gint64 unit = 0;
      Entrance item;

      if (entrance == NULL || !gp_json_get_int (entrance, "unit", &unit) ||
          !gp_geo_position_parse (json_object_get_member (entrance, "position"), &point, NULL))
        continue;
      item.unit = (int) unit;
      item.position = gp_tile_project_point (point);
      g_array_append_val (feature->entrances, item);
    }
}

/* Everything drawn, in drawing order: the grid's area, lanes, buildings,
 * components. */
static GPtrArray *
load_features (GpStore     *store,
               const char  *grid_code,
               char       **grid_name,
               GError     **error)
{
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func ((GDestroyNotify) feature_free);
  g_autofree char *grid_id = g_strconcat ("grid:", grid_code, NULL);
  g_autoptr(GpDocument) grid = gp_documents_load (store, grid_id, NULL);
  const char *types[] = { "lane", "building", "component" };
  const Kind kinds[] = { KIND_LANE, KIND_BUILDING, KIND_COMPONENT };

  if (grid == NULL || !GP_IS_GRID (grid))
    {
      g_set_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_NO_GRID,
                   _("there is no grid %s on this device"), grid_code);
      return NULL;
    }
  *grid_name = g_strdup (gp_grid_get_name (GP_GRID (grid)));
  g_ptr_array_add (features, feature_new (KIND_AREA, grid, gp_grid_get_name (GP_GRID (grid)), NULL));

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GPtrArray) documents = gp_documents_load_all (store, types[t], grid_code, error);

      if (documents == NULL)
        return NULL;
      for (guint i = 0; i < documents->len; i++)
        {
          GpDocument *document = g_ptr_array_index (documents, i);
          Feature *feature = feature_new (kinds[t], document,
                                          gp_document_get_string_member (document, "name"),
                                          gp_document_get_string_member (document, "kind"));

          if (kinds[t] == KIND_BUILDING)
            add_entrances (feature, document);
          g_ptr_array_add (features, feature);
        }
    }

  /* Drop what has nothing to draw. */
  for (guint i = features->len; i-- > 0;)
    if (((Feature *) g_ptr_array_index (features, i))->points->len == 0)
      g_ptr_array_remove_index (features, i);

  if (features->len == 0)
    {
      g_set_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_NO_GEOMETRY,
                   _("the grid %s has no geometry to draw"), grid_code);
      return NULL;
    }

  return g_steal_pointer (&features);
}

/* The grid's extent with a margin around it: a fifth of its size, at least
 * 100 m, so a worker at the edge still sees what is around. */
static void
covered_bounds (GPtrArray   *features,
                GpGeoBounds *bounds)
{
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  GpGeoPoint south_west, north_east;
  double width, height, margin;

  for (guint i = 0; i < features->len; i++)
    {
      Feature *feature = g_ptr_array_index (features, i);

      min_x = MIN (min_x, feature->min_x);
      max_x = MAX (max_x, feature->max_x);
      min_y = MIN (min_y, feature->min_y);
      max_y = MAX (max_y, feature->max_y);
    }

  gp_tile_unproject (min_x, max_y, &south_west.lon, &south_west.lat);
  gp_tile_unproject (max_x, min_y, &north_east.lon, &north_east.lat);
  width = gp_geo_distance (south_west, (GpGeoPoint) { north_east.lon, south_west.lat });
  height = gp_geo_distance (south_west, (GpGeoPoint) { south_west.lon, north_east.lat });
  margin = MAX (100.0, 0.2 * MAX (width, height));

  south_west = gp_geo_offset (south_west, -margin, -margin);
  north_east = gp_geo_offset (north_east, margin, margin);
  bounds->west = south_west.lon;
  bounds->south = south_west.lat;
  bounds->east = north_east.lon;
  bounds->north = north_east.lat;
}

/* Drawing. */

typedef struct
{
  cairo_t *cr;
  guint    zoom;
  double   world;       /* pixels across the world at this zoom */
  double   origin_x;    /* the tile's top-left corner, world pixels */
  double   origin_y;
  double   m_per_px;
} Canvas;

static void
to_tile (const Canvas *canvas,
         GpMercPoint   p,
         double       *x,
         double       *y)
{
  *x = p.x * canvas->world - canvas->origin_x;
  *y = p.y * canvas->world - canvas->origin_y;
}

static void
set_rgb (cairo_t *cr,
         guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

static void
trace (const Canvas *canvas,
       GArray       *points,
       gboolean      close)
{
  for (guint i = 0; i < points->len; i++)
    {
      double x, y;

      to_tile (canvas, g_array_index (points, GpMercPoint, i), &x, &y);
      if (i == 0)
        cairo_move_to (canvas->cr, x, y);
      else
        cairo_line_to (canvas->cr, x, y);
    }
  if (close)
    cairo_close_path (canvas->cr);
}

static double
lane_width_px (const Canvas *canvas,
               const char   *kind)
{
  double metres = g_strcmp0 (kind, "road") == 0 ? 7.0 : g_strcmp0 (kind, "path") == 0 ? 2.0 : 4.0;

  return MAX (1.0, metres / canvas->m_per_px);
}

static void
draw_label (const Canvas *canvas,
            const char   *text,
            double        size_px,
            gboolean      bold,
            double        x,
            double        y,
            double        angle)
{
  cairo_t *cr = canvas->cr;
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILIES);
  PangoRectangle logical;

  pango_font_description_set_absolute_size (font, size_px * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);

  /* Upright whatever the lane's direction. */
  if (angle > G_PI / 2)
    angle -= G_PI;
  else if (angle < -G_PI / 2)
    angle += G_PI;

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -logical.width / 2.0, -logical.height / 2.0);
  pango_cairo_layout_path (cr, layout);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 3.0);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);     /* a halo keeps it legible */
  cairo_stroke_preserve (cr);
  set_rgb (cr, 0x3d3846);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
draw_area (const Canvas *canvas,
           Feature      *area)
{
  if (area->points->len < 3)
    return;
  trace (canvas, area->points, TRUE);
  set_rgb (canvas->cr, GP_BASEMAP_AREA_FILL);
  cairo_fill (canvas->cr);
}

static void
draw_boundary (const Canvas *canvas,
               Feature      *area)
{
  const double dashes[] = { 7.0, 4.0 };
  cairo_t *cr = canvas->cr;

  if (area->points->len < 3)
    return;
  trace (canvas, area->points, TRUE);
  cairo_set_line_width (cr, canvas->zoom >= 16 ? 3.0 : 2.0);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
  set_rgb (cr, 0x9141ac);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_lane (const Canvas *canvas,
           Feature      *lane,
           gboolean      casing)
{
  cairo_t *cr = canvas->cr;
  double width = lane_width_px (canvas, lane->subkind);

  trace (canvas, lane->points, FALSE);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  if (casing)
    {
      cairo_set_line_width (cr, width + 2.0);
      set_rgb (cr, 0xc0bfbc);
    }
  else
    {
      cairo_set_line_width (cr, width);
      set_rgb (cr, 0xffffff);
    }
  cairo_stroke (cr);
}

static void
draw_building (const Canvas *canvas,
               Feature      *building)
{
  cairo_t *cr = canvas->cr;

  trace (canvas, building->points, TRUE);
  set_rgb (cr, GP_BASEMAP_BUILDING_FILL);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, canvas->zoom >= 17 ? 1.0 : 0.5);
  set_rgb (cr, 0xb5a89d);
  cairo_stroke (cr);
}

static guint32
component_colour (const char *kind)
{
  if (g_strcmp0 (kind, GP_COMPONENT_MANHOLE_COVER) == 0)
    return 0x77767b;
  if (g_strcmp0 (kind, GP_COMPONENT_STREET_LIGHT) == 0)
    return 0xe5a50a;
  if (g_strcmp0 (kind, GP_COMPONENT_FIRE_HYDRANT) == 0)
    return 0xe01b24;
  if (g_strcmp0 (kind, GP_COMPONENT_RUBBISH_POINT) == 0)
    return 0x26a269;
  return 0x5e5c64;
}

static void
draw_component (const Canvas *canvas,
                Feature      *component)
{
  cairo_t *cr = canvas->cr;
  double radius = canvas->zoom >= 19 ? 5.0 : canvas->zoom == 18 ? 3.5 : 2.5;
  double x, y;

  to_tile (canvas, g_array_index (component->points, GpMercPoint, 0), &x, &y);
  if (g_strcmp0 (component->subkind, GP_COMPONENT_RUBBISH_POINT) == 0)
    cairo_rectangle (cr, x - radius, y - radius, 2 * radius, 2 * radius);
  else
    cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
  set_rgb (cr, component_colour (component->subkind));
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
}

/* Unit numbers at the entrances, as residents say "2单元". */
static void
draw_entrances (const Canvas *canvas,
                Feature      *building)
{
  cairo_t *cr = canvas->cr;

  for (guint i = 0; building->entrances != NULL && i < building->entrances->len; i++)
    {
      Entrance *entrance = &g_array_index (building->entrances, Entrance, i);
      g_autofree char *number = g_strdup_printf ("%d", entrance->unit);
      double x, y;

      to_tile (canvas, entrance->position, &x, &y);
      y += 9.0; /* just outside the door */
      cairo_arc (cr, x, y, 7.0, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.0);
      set_rgb (cr, 0x9a9996);
      cairo_stroke (cr);
      draw_label (canvas, number, 10.0, TRUE, x, y, 0);
    }
}

static void
centre_of (const Canvas *canvas,
           Feature      *feature,
           double       *x,
           double       *y)
{
  GpMercPoint centre = { (feature->min_x + feature->max_x) / 2, (feature->min_y + feature->max_y) / 2 };

  to_tile (canvas, centre, x, y);
}

static void
draw_lane_name (const Canvas *canvas,
                Feature      *lane)
{
  GpMercPoint a, b;
  double ax, ay, bx, by;

  if (lane->label == NULL || lane->points->len < 2)
    return;
  a = g_array_index (lane->points, GpMercPoint, 0);
  b = g_array_index (lane->points, GpMercPoint, 1);
  to_tile (canvas, a, &ax, &ay);
  to_tile (canvas, b, &bx, &by);
  /* A third of the way along, clear of the crossing in the middle. */
  draw_label (canvas, lane->label, 11.0, FALSE, ax + (bx - ax) / 3, ay + (by - ay) / 3,
              atan2 (by - ay, bx - ax));
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
render_tile (GPtrArray *features,
             guint      zoom,
             guint      x,
             guint      y)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, GP_TILE_SIZE, GP_TILE_SIZE);
  GByteArray *png = g_byte_array_sized_new (16 * 1024);
  double centre_lon, centre_lat;
  Canvas canvas;

  canvas.cr = cairo_create (surface);
  canvas.zoom = zoom;
  canvas.world = (double) GP_TILE_SIZE * (double) (1u << zoom);
  canvas.origin_x = (double) x * GP_TILE_SIZE;
  canvas.origin_y = (double) y * GP_TILE_SIZE;
  gp_tile_unproject ((x + 0.5) / (1u << zoom), (y + 0.5) / (1u << zoom), &centre_lon, &centre_lat);
  canvas.m_per_px = gp_tile_meters_per_pixel (centre_lat, zoom);

  set_rgb (canvas.cr, 0xeeebe4);
  cairo_paint (canvas.cr);

  for (guint i = 0; i < features->len; i++)
    {
      Feature *feature = g_ptr_array_index (features, i);

      if (feature->kind == KIND_AREA)
        draw_area (&canvas, feature);
    }
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < features->len; i++)
      {
        Feature *feature = g_ptr_array_index (features, i);

        if (feature->kind == KIND_LANE)
          draw_lane (&canvas, feature, pass == 0);
      }
  for (guint i = 0; i < features->len; i++)
    {
      Feature *feature = g_ptr_array_index (features, i);

      if (feature->kind == KIND_BUILDING)
        draw_building (&canvas, feature);
    }
  for (guint i = 0; i < features->len; i++)
    {
      Feature *feature = g_ptr_array_index (features, i);

      if (feature->kind == KIND_AREA)
        draw_boundary (&canvas, feature);
      else if (feature->kind == KIND_COMPONENT && zoom >= 17)
        draw_component (&canvas, feature);
    }

  /* Labels last, over everything. */
  for (guint i = 0; i < features->len; i++)
    {
      Feature *feature = g_ptr_array_index (features, i);
      double cx, cy;

      centre_of (&canvas, feature, &cx, &cy);
      if (feature->kind == KIND_AREA && zoom <= 15 && feature->label != NULL)
        draw_label (&canvas, feature->label, zoom <= 14 ? 13.0 : 15.0, TRUE, cx, cy, 0);
      else if (feature->kind == KIND_LANE && zoom >= 18)
        draw_lane_name (&canvas, feature);
      else if (feature->kind == KIND_BUILDING && zoom >= 17 && feature->label != NULL)
        {
          draw_label (&canvas, feature->label, zoom == 17 ? 11.0 : zoom == 18 ? 13.0 : 15.0, TRUE,
                      cx, cy, 0);
          if (zoom >= 19)
            draw_entrances (&canvas, feature);
        }
    }

  cairo_destroy (canvas.cr);
  cairo_surface_flush (surface);
  cairo_surface_write_to_png_stream (surface, append_bytes, png);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

/* Rendering the grid. */

static gboolean
near_tile (Feature *feature,
           double   world,
           double   left,
           double   top)
{
  return feature->max_x * world >= left - TILE_PAD &&
         feature->min_x * world <= left + GP_TILE_SIZE + TILE_PAD &&
         feature->max_y * world >= top - TILE_PAD &&
         feature->min_y * world <= top + GP_TILE_SIZE + TILE_PAD;
}

/**
 * gp_basemap_render:
 * @progress: (nullable): called after each tile, from the calling thread
 *
 * Draws (or brings up to date) the basemap of a grid into the MBTiles file
 * at @path, in one transaction. Blocks: call it from a worker thread, or
 * use gp_basemap_render_async().
 */
gboolean
gp_basemap_render (GpStore            *store,
                   const char         *grid_code,
                   const char         *path,
                   guint               min_zoom,
                   guint               max_zoom,
                   GpBasemapProgress   progress,
                   gpointer            user_data,
                   GCancellable       *cancellable,
                   GpBasemapStats     *stats,
                   GError            **error)
{
  g_autoptr(GPtrArray) features = NULL;
  g_autoptr(GpMbtiles) mbtiles = NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) near = g_ptr_array_new ();
  g_autofree char *grid_name = NULL;
  GpBasemapStats counts = { 0 };
  gint64 start = g_get_monotonic_time ();
  GpGeoBounds bounds;
  GpGeoPoint centre;
  guint done = 0;
  GStatBuf st;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (grid_code != NULL && path != NULL, FALSE);

  if (min_zoom > max_zoom || max_zoom > 22)
    {
      g_set_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_BAD_ZOOM,
                   _("the zoom levels must go from low to high and at most to 22, not %u to %u"),
                   min_zoom, max_zoom);
      return FALSE;
    }

  features = load_features (store, grid_code, &grid_name, error);
  if (features == NULL)
    return FALSE;
  covered_bounds (features, &bounds);

  {
    guint64 total = 0;

    for (guint zoom = min_zoom; zoom <= max_zoom; zoom++)
      {
        GpTileRange range = gp_tile_range_for_bounds (&bounds, zoom);

        total += gp_tile_range_count (&range);
      }
    if (total > GP_BASEMAP_MAX_TILES)
      {
        g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, total);

        g_set_error (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_TOO_LARGE,
                     _("the map of the grid would take %s tiles, more than the %d a phone keeps; "
                       "its shapes reach too far"), count, GP_BASEMAP_MAX_TILES);
        return FALSE;
      }
    counts.total = (guint) total;
  }

  mbtiles = gp_mbtiles_create (path, "png", error);
  if (mbtiles == NULL || !gp_mbtiles_begin (mbtiles, error))
    return FALSE;

  for (guint zoom = min_zoom; zoom <= max_zoom; zoom++)
    {
      GpTileRange range = gp_tile_range_for_bounds (&bounds, zoom);
      double world = (double) GP_TILE_SIZE * (double) (1u << zoom);

      for (guint y = range.min_y; y <= range.max_y; y++)
        for (guint x = range.min_x; x <= range.max_x; x++)
          {
            g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
            g_autofree char *old_digest = NULL;
            g_autofree char *zoom_text = g_strdup_printf ("%u", zoom);
            const char *digest;

            if (g_cancellable_set_error_if_cancelled (cancellable, error))
              {
                gp_mbtiles_rollback (mbtiles);
                return FALSE;
              }

            g_ptr_array_set_size (near, 0);
            g_checksum_update (checksum, (const guchar *) STYLE_VERSION, -1);
            g_checksum_update (checksum, (const guchar *) zoom_text, -1);
            for (guint i = 0; i < features->len; i++)
              {
                Feature *feature = g_ptr_array_index (features, i);

                if (near_tile (feature, world, (double) x * GP_TILE_SIZE, (double) y * GP_TILE_SIZE))
                  {
                    g_ptr_array_add (near, feature);
                    g_checksum_update (checksum, (const guchar *) feature->hash, -1);
                  }
              }
            digest = g_checksum_get_string (checksum);

            g_hash_table_add (keep, gp_mbtiles_tile_key (zoom, x, y));
            old_digest = gp_mbtiles_dup_tile_digest (mbtiles, zoom, x, y);
            if (g_strcmp0 (old_digest, digest) == 0)
              counts.unchanged++;
            else
              {
                g_autoptr(GBytes) png = render_tile (near, zoom, x, y);

                if (!gp_mbtiles_write_tile (mbtiles, zoom, x, y, png, digest, error))
                  {
                    gp_mbtiles_rollback (mbtiles);
                    return FALSE;
                  }
                counts.rendered++;
              }

            if (progress != NULL)
              progress (++done, counts.total, user_data);
          }
    }

  counts.removed = gp_mbtiles_delete_tiles_except (mbtiles, keep, error);
  if (error != NULL && *error != NULL)
    {
      gp_mbtiles_rollback (mbtiles);
      return FALSE;
    }

  centre.lon = (bounds.west + bounds.east) / 2;
  centre.lat = (bounds.south + bounds.north) / 2;
  {
    g_autofree char *bounds_text = g_strdup_printf ("%.7f,%.7f,%.7f,%.7f", bounds.west, bounds.south,
                                                    bounds.east, bounds.north);
    g_autofree char *centre_text = g_strdup_printf ("%.7f,%.7f,%u", centre.lon, centre.lat,
                                                    CLAMP (17, min_zoom, max_zoom));
    g_autofree char *min_text = g_strdup_printf ("%u", min_zoom);
    g_autofree char *max_text = g_strdup_printf ("%u", max_zoom);
    const char *metadata[][2] = {
      { "name", grid_name },
      { "format", "png" },
      { "type", "baselayer" },
      { "version", "1" },
      { "bounds", bounds_text },
      { "center", centre_text },
      { "minzoom", min_text },
      { "maxzoom", max_text },
      { "description", grid_name },
      { "gridpatrol:grid", grid_code },
      { "gridpatrol:style", STYLE_VERSION },
    };

    for (guint i = 0; i < G_N_ELEMENTS (metadata); i++)
      if (!gp_mbtiles_set_metadata (mbtiles, metadata[i][0], metadata[i][1], error))
        {
          gp_mbtiles_rollback (mbtiles);
          return FALSE;
        }
  }

  if (!gp_mbtiles_commit (mbtiles, error))
    return FALSE;

  g_clear_object (&mbtiles);
  counts.bytes = g_stat (path, &st) == 0 ? st.st_size : 0;
  counts.seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (stats != NULL)
    *stats = counts;
  return TRUE;
}

/* In a thread, with progress back in the caller's main context. */

typedef struct
{
  char              *grid_code;
  char              *path;
  GpBasemapProgress  progress;
  gpointer           progress_data;
  GMainContext      *context;
  guint              last_percent;
  GpBasemapStats     stats;
} RenderData;

static void
render_data_free (RenderData *data)
{
  g_free (data->grid_code);
  g_free (data->path);
  g_main_context_unref (data->context);
  g_free (data);
}

/* A report carries its own copy of what it needs: the task's data may be
 * gone by the time the main context runs it. */
typedef struct
{
  GpBasemapProgress progress;
  gpointer          progress_data;
  guint             done;
  guint             total;
} ProgressReport;

static gboolean
report_progress (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress (report->done, report->total, report->progress_data);
  return G_SOURCE_REMOVE;
}

static void
on_thread_progress (guint    done,
                    guint    total,
                    gpointer user_data)
{
  RenderData *data = user_data;
  guint percent = total ? done * 100 / total : 100;
  ProgressReport *report;

  /* A percent at a time is plenty for a progress bar. */
  if (data->progress == NULL || (percent == data->last_percent && done != total))
    return;
  data->last_percent = percent;

  report = g_new0 (ProgressReport, 1);
  report->progress = data->progress;
  report->progress_data = data->progress_data;
  report->done = done;
  report->total = total;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress, report, g_free);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderData *data = task_data;
  GError *error = NULL;

  if (gp_basemap_render (source_object, data->grid_code, data->path, GP_BASEMAP_MIN_ZOOM,
                         GP_BASEMAP_MAX_ZOOM, on_thread_progress, data, cancellable,
                         &data->stats, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * gp_basemap_render_async:
 * @progress: (nullable): called in the caller's main context, a percent at a time
 *
 * Brings the grid's basemap at @path up to date for zoom 14–19, in a
 * worker thread.
 */
void
gp_basemap_render_async (GpStore             *store,
                         const char          *grid_code,
                         const char          *path,
                         GpBasemapProgress    progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RenderData *data = g_new0 (RenderData, 1);

  g_return_if_fail (GP_IS_STORE (store));

  data->grid_code = g_strdup (grid_code);
  data->path = g_strdup (path);
  data->progress = progress;
  data->progress_data = progress_data;
  data->context = g_main_context_ref_thread_default ();
  data->last_percent = G_MAXUINT;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_basemap_render_async);
  g_task_set_task_data (task, data, (GDestroyNotify) render_data_free);
  gp_worker_run (task, render_thread);
}

gboolean
gp_basemap_render_finish (GpStore         *store,
                          GAsyncResult    *result,
                          GpBasemapStats  *stats,
                          GError         **error)
{
  RenderData *data;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = data->stats;
  return TRUE;
}
