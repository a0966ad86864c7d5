/* gp-map-page.c
 *
 * The map a worker carries: the grid's own basemap (drawn on the device,
 * so it works with no network), optionally a map file from the centre or
 * online tiles over it, and one overlay layer with the boundary, routes,
 * checkpoints, incidents and the worker's position. Everything slow —
 * drawing the basemap, reading the map's data, opening map files, decoding
 * tiles — happens in worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-map-page"

#include "config.h"

#include "gp-map-page.h"
#include "gp-basemap.h"
#include "gp-building-sheet.h"
#include "gp-context.h"
#include "gp-mbtiles.h"
#include "gp-overlay-layer.h"
#include "gp-store.h"
#include "gp-tile-source.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define MIN_ZOOM 14
#define MAX_ZOOM 19

static const char * const layer_names[] = {
  "boundary", "buildings", "routes", "incidents", "track", "position", "visits", "hotspots", NULL
};

struct _GpMapPage
{
  AdwBin              parent_instance;

  GpContext          *context;
  GpStore            *store;          /* the context's, while watched */
  GpLocation         *location;       /* the context's, while watched */
  GpPatrolRecorder   *recorder;       /* the context's, while watched */
  gboolean            using_location; /* started it, while on screen */
  GCancellable       *cancellable;    /* loads for the current grid */
  char               *grid_code;

  ShumateViewport    *viewport;
  ShumateMapLayer    *base_layer;
  GpTileSource       *base_source;  /* the basemap, open, shared with the report form */
  guint               refresh_id;
  guint               refresh_times;
  ShumateMapLayer    *extra_layer;
  GpOverlayLayer     *overlay_layer;
  GtkWidget          *scale;          /* needs the basemap to measure */
  GSimpleActionGroup *actions;

  gboolean            fit_pending;
  guint               fit_tick_id;
  gboolean            rendering;
  gboolean            render_again;
  guint               data_reload_id;
  guint               basemap_reload_id;
  guint               message_timeout_id;
  guint               extra_generation;

  GtkOverlay         *overlay;
  ShumateMap         *map;
  GtkRevealer        *progress_revealer;
  GtkProgressBar     *progress_bar;
  GtkRevealer        *message_revealer;
  GtkLabel           *message_label;
  GtkButton          *locate_button;
  GtkWidget          *map_buttons;
  GtkWidget          *layers_button;
  GtkWidget          *report_button;
  AdwBottomSheet     *bottom_sheet;
  GpBuildingSheet    *sheet;
  GCancellable       *sheet_cancellable; /* the building being read for the sheet */
  char               *sheet_building;    /* its id */
  gboolean            sheet_raise;       /* it was tapped: open the sheet when read */
  gboolean            following;         /* the map keeps the position in its middle */
  gboolean            pressed;           /* a finger is down on the map… */
  GpMercPoint         pressed_at;        /* …on this ground */
};

G_DEFINE_FINAL_TYPE (GpMapPage, gp_map_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_data       (GpMapPage *self);
static void set_following   (GpMapPage  *self,
                             gboolean    following);
static void read_building   (GpMapPage  *self,
                             const char *building_id,
                             gboolean    raise);
static void use_location    (GpMapPage *self,
                             gboolean   use);
static void render_basemap  (GpMapPage *self);

/* Messages over the map. */

static gboolean
on_message_timeout (gpointer data)
{
  GpMapPage *self = data;

  self->message_timeout_id = 0;
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

/* A message over the map; @seconds 0 keeps it until replaced. */
static void
show_message (GpMapPage  *self,
              const char *text,
              guint       seconds)
{
  g_clear_handle_id (&self->message_timeout_id, g_source_remove);
  if (text == NULL)
    {
      gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
      return;
    }
  gtk_label_set_text (self->message_label, text);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
  if (seconds > 0)
    self->message_timeout_id = g_timeout_add_seconds (seconds, on_message_timeout, self);
}

/* Where the viewport is. */

static void
go_to (GpMapPage *self,
       double     lat,
       double     lon,
       double     zoom,
       gboolean   animate)
{
  zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  if (animate && gtk_widget_get_mapped (GTK_WIDGET (self)))
    shumate_map_go_to_full (self->map, lat, lon, zoom);
  else
    {
      shumate_viewport_set_zoom_level (self->viewport, zoom);
      shumate_location_set_location (SHUMATE_LOCATION (self->viewport), lat, lon);
    }
}

/* The part of the map no floating control covers: each control takes
 * the strip (right, bottom or top) that costs the least area. */
static void
free_area (GpMapPage       *self,
           graphene_rect_t *area)
{
  GtkWidget *map = GTK_WIDGET (self->map);
  GtkWidget *controls[] = { GTK_WIDGET (self->map_buttons), GTK_WIDGET (self->layers_button),
                            GTK_WIDGET (self->report_button) };
  double left = 16, top = 16, right = gtk_widget_get_width (map) - 16, bottom = gtk_widget_get_height (map) - 16;

  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      graphene_rect_t bounds;
      double cut_right, cut_bottom, cut_top, keep_right, keep_bottom, keep_top;

      if (!gtk_widget_get_visible (controls[i]) || !gtk_widget_compute_bounds (controls[i], map, &bounds))
        continue;
      if (bounds.origin.x >= right || bounds.origin.x + bounds.size.width <= left ||
          bounds.origin.y >= bottom || bounds.origin.y + bounds.size.height <= top)
        continue;   /* already clear of it */
      cut_right = MIN (right, bounds.origin.x - 8);
      cut_bottom = MIN (bottom, bounds.origin.y - 8);
      cut_top = MAX (top, bounds.origin.y + bounds.size.height + 8);
      keep_right = (cut_right - left) * (bottom - top);
      keep_bottom = (right - left) * (cut_bottom - top);
      keep_top = (right - left) * (bottom - cut_top);
      if (keep_right >= keep_bottom && keep_right >= keep_top)
        right = cut_right;
      else if (keep_bottom >= keep_top)
        bottom = cut_bottom;
      else
        top = cut_top;
    }
  graphene_rect_init (area, left, top, MAX (1, right - left), MAX (1, bottom - top));
}

/* The whole grid in view, as far as the map's size allows, in the part
 * of the map the buttons leave free. */
static gboolean
fit_to_grid (GpMapPage *self,
             gboolean   animate)
{
  GpMapData *data = gp_overlay_layer_get_data (self->overlay_layer);
  int width = gtk_widget_get_width (GTK_WIDGET (self->map));
  int height = gtk_widget_get_height (GTK_WIDGET (self->map));
  GpGeoBounds bounds;
  GpGeoPoint centre;
  graphene_rect_t area;
  double west, north, east, south, zoom, scale, x, y, lat, lon;

  if (data == NULL || width <= 0 || height <= 0)
    return FALSE;

  if (!gp_map_data_get_bounds (data, &bounds))
    {
      if (gp_map_data_get_centre (data, &centre))
        go_to (self, centre.lat, centre.lon, 16, animate);
      return TRUE;
    }

  gp_tile_project (bounds.west, bounds.north, &west, &north);
  gp_tile_project (bounds.east, bounds.south, &east, &south);
  free_area (self, &area);
  zoom = log2 (MIN (area.size.width / MAX (1e-9, (east - west) * GP_TILE_SIZE),
                    area.size.height / MAX (1e-9, (south - north) * GP_TILE_SIZE)));
  zoom = CLAMP (floor (zoom * 4) / 4, MIN_ZOOM, MAX_ZOOM);
  /* The grid's middle in the free area's middle: the map's centre is
   * that far from it. */
  scale = GP_TILE_SIZE * exp2 (zoom);
  x = (west + east) / 2 + (width / 2.0 - (area.origin.x + area.size.width / 2)) / scale;
  y = (north + south) / 2 + (height / 2.0 - (area.origin.y + area.size.height / 2)) / scale;
  gp_tile_unproject (x, y, &lon, &lat);
  go_to (self, lat, lon, zoom, animate);
  return TRUE;
}

static gboolean
fit_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  GpMapPage *self = GP_MAP_PAGE (widget);

  if (!self->fit_pending || fit_to_grid (self, FALSE))
    {
      self->fit_pending = FALSE;
      self->fit_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The first view of a grid waits until the map has its size. */
static void
fit_when_allocated (GpMapPage *self)
{
  if (fit_to_grid (self, FALSE))
    {
      self->fit_pending = FALSE;
      return;
    }
  if (self->fit_tick_id == 0)
    self->fit_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), fit_tick, NULL, NULL);
}

/* Layers. */

/* libshumate (1.0.4 and later) puts off asking for a layer's tiles while
 * the map moves fast, and looks again on the next frame; when that frame
 * does not come (seen as the window settles after a page switch), a new
 * layer can stay blank for good. A little later, with the map at rest, a
 * change of the viewport makes each layer look again, and ask for its
 * tiles. A timeout, not a tick callback: it must not wait for frames. Two
 * seconds of looks: a slow device (or a sanitized build) may still be
 * settling after the first few. */
#define REFRESH_TIMES 10

static gboolean
on_refresh_timeout (gpointer data)
{
  GpMapPage *self = data;

  g_object_notify (G_OBJECT (self->viewport), "zoom-level");
  if (--self->refresh_times > 0)
    return G_SOURCE_CONTINUE;
  self->refresh_id = 0;
  return G_SOURCE_REMOVE;
}

static void
refresh_tiles (GpMapPage *self)
{
  self->refresh_times = REFRESH_TIMES;
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (200, on_refresh_timeout, self);
}

static void
set_base_layer (GpMapPage    *self,
                GpTileSource *source)
{
  ShumateMapLayer *layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (source), self->viewport);
  GtkWidget *above = self->extra_layer ? GTK_WIDGET (self->extra_layer) : GTK_WIDGET (self->overlay_layer);

  shumate_viewport_set_reference_map_source (self->viewport, SHUMATE_MAP_SOURCE (source));
  shumate_viewport_set_min_zoom_level (self->viewport, MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (self->viewport, MAX_ZOOM);
  shumate_map_insert_layer_behind (self->map, SHUMATE_LAYER (layer), SHUMATE_LAYER (above));
  if (self->base_layer != NULL)
    shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->base_layer));
  self->base_layer = layer;
  g_set_object (&self->base_source, source);
  gtk_widget_set_visible (self->scale, TRUE);
  refresh_tiles (self);
}

static void
set_extra_layer (GpMapPage        *self,
                 ShumateMapSource *source)
{
  if (self->extra_layer != NULL)
    {
      shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->extra_layer));
      self->extra_layer = NULL;
    }
  if (source == NULL)
    return;

  self->extra_layer = shumate_map_layer_new (source, self->viewport);
  shumate_map_insert_layer_behind (self->map, SHUMATE_LAYER (self->extra_layer),
                                   SHUMATE_LAYER (self->overlay_layer));
  refresh_tiles (self);
}

/* Opening map files reads and checks them, so it happens off the main loop
 * (gp_mbtiles_open_async); what was asked is remembered with the page. */
typedef struct
{
  GpMapPage *self;
  guint      generation;
} Opening;

static Opening *
opening_new (GpMapPage *self,
             guint      generation)
{
  Opening *opening = g_new0 (Opening, 1);

  opening->self = g_object_ref (self);
  opening->generation = generation;
  return opening;
}

static GpMapPage *
opening_end (Opening *opening,
             guint   *generation)
{
  GpMapPage *self = opening->self;

  if (generation != NULL)
    *generation = opening->generation;
  g_free (opening);
  return self;
}

static void
on_basemap_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpMapPage) self = opening_end (user_data, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_open_finish (result, &error);
  g_autoptr(GpTileSource) tiles = NULL;

  if (mbtiles == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The basemap just drawn cannot be opened: %s", error->message);
      return;
    }

  tiles = gp_tile_source_new (mbtiles, "gridpatrol-basemap");
  set_base_layer (self, tiles);
}

static void
on_extra_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  guint generation;
  g_autoptr(GpMapPage) self = opening_end (user_data, &generation);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMbtiles) mbtiles = gp_mbtiles_open_finish (result, &error);
  g_autoptr(GpTileSource) tiles = NULL;

  if (generation != self->extra_generation)
    return;   /* the setting changed again meanwhile */

  if (mbtiles == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The map file cannot be shown: %s. The grid's own map is shown."),
                                 error->message);
      show_message (self, message, 8);
      set_extra_layer (self, NULL);
      return;
    }

  tiles = gp_tile_source_new (mbtiles, "gridpatrol-file");
  set_extra_layer (self, SHUMATE_MAP_SOURCE (tiles));
}

/* What the settings say goes over the basemap. */
static void
update_extra_layer (GpMapPage *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *base = g_settings_get_string (settings, "map-base");

  self->extra_generation++;
  if (g_str_equal (base, "mbtiles"))
    {
      g_autofree char *file = g_settings_get_string (settings, "map-mbtiles-file");

      if (*file != '\0')
        gp_mbtiles_open_async (file, self->cancellable, on_extra_opened, opening_new (self, self->extra_generation));
      else
        set_extra_layer (self, NULL);
    }
  else if (g_str_equal (base, "online"))
    {
      g_autofree char *url = g_settings_get_string (settings, "map-online-url");
      g_autoptr(ShumateRasterRenderer) online = NULL;

      if (*url == '\0')
        {
          set_extra_layer (self, NULL);
          return;
        }
      /* libshumate caches what it downloads in the user's cache folder. */
      online = shumate_raster_renderer_new_full_from_url ("gridpatrol-online", _("Online map"), "", "",
                                                          0, MAX_ZOOM, GP_TILE_SIZE,
                                                          SHUMATE_MAP_PROJECTION_MERCATOR, url);
      set_extra_layer (self, SHUMATE_MAP_SOURCE (online));
    }
  else
    set_extra_layer (self, NULL);
}

/* The grid's basemap. */

static void
on_basemap_progress (guint    done,
                     guint    total,
                     gpointer user_data)
{
  GpMapPage *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, total ? (double) done / total : 1.0);
}

static void
on_basemap_rendered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GpMapPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GpBasemapStats stats = { 0 };
  g_autofree char *path = NULL;

  self->rendering = FALSE;
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  if (!gp_basemap_render_finish (GP_STORE (source), result, &stats, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, GP_BASEMAP_ERROR, GP_BASEMAP_ERROR_NO_GEOMETRY))
        return;   /* the empty grid says so from its data */
      {
        g_autofree char *message = g_strdup_printf (_("The map of the grid cannot be drawn: %s"),
                                                    error->message);

        show_message (self, message, 0);
      }
      return;
    }

  g_debug ("Basemap of %s: %u tiles drawn, %u unchanged in %.2f s", self->grid_code,
           stats.rendered, stats.unchanged, stats.seconds);
  if (stats.rendered > 0 || stats.removed > 0 || self->base_layer == NULL)
    {
      path = gp_basemap_dup_path (gp_store_get_dir (self->store), self->grid_code);
      gp_mbtiles_open_async (path, self->cancellable, on_basemap_opened, opening_new (self, 0));
    }

  if (self->render_again)
    {
      self->render_again = FALSE;
      render_basemap (self);
    }
}

/* Brings the basemap up to date; the first drawing shows its progress. */
static void
render_basemap (GpMapPage *self)
{
  g_autofree char *path = NULL;

  if (self->store == NULL || self->grid_code == NULL)
    return;
  if (self->rendering)
    {
      self->render_again = TRUE;
      return;
    }

  path = gp_basemap_dup_path (gp_store_get_dir (self->store), self->grid_code);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
    }
  self->rendering = TRUE;
  gp_basemap_render_async (self->store, self->grid_code, path, on_basemap_progress, self,
                           self->cancellable, on_basemap_rendered, g_object_ref (self));
}

/* The overlay's data. */

static void
on_data_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpMapPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpMapData) data = gp_map_data_load_finish (GP_STORE (source), result, &error);

  if (data == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, error->message, 0);
      return;
    }
  if (g_strcmp0 (gp_map_data_get_grid_code (data), self->grid_code) != 0)
    return;

  gp_overlay_layer_set_data (self->overlay_layer, data);
  if (gp_map_data_is_empty (data))
    show_message (self, _("This grid has no map yet: its boundary and buildings come from the grid centre."), 0);
  if (self->fit_pending)
    fit_when_allocated (self);

  /* An open sheet shows what is there now. */
  if (adw_bottom_sheet_get_open (self->bottom_sheet) && gp_building_sheet_get_building (self->sheet))
    {
      g_autofree char *building = g_strdup (gp_building_sheet_get_building (self->sheet));

      read_building (self, building, FALSE);
    }
}

static void
load_data (GpMapPage *self)
{
  if (self->store == NULL || self->grid_code == NULL)
    return;
  gp_map_data_load_async (self->store, self->grid_code, self->cancellable, on_data_loaded,
                          g_object_ref (self));
}

static gboolean
on_data_reload_timeout (gpointer data)
{
  GpMapPage *self = data;

  self->data_reload_id = 0;
  load_data (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_basemap_reload_timeout (gpointer data)
{
  GpMapPage *self = data;

  self->basemap_reload_id = 0;
  render_basemap (self);
  return G_SOURCE_REMOVE;
}

/* Edits come in bursts (a sync, an import): wait for a pause. */
static void
on_documents_changed (GpStore    *store,
                      char      **ids,
                      GpMapPage  *self)
{
  gboolean geometry = FALSE, overlay = FALSE;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      if (g_str_has_prefix (ids[i], "grid:") || g_str_has_prefix (ids[i], "building:") ||
          g_str_has_prefix (ids[i], "lane:") || g_str_has_prefix (ids[i], "component:"))
        geometry = TRUE;
      /* Households and visits count for the coverage layer. */
      if (!g_str_has_prefix (ids[i], "policy:"))
        overlay = TRUE;
    }

  if (geometry && self->basemap_reload_id == 0)
    self->basemap_reload_id = g_timeout_add_seconds (2, on_basemap_reload_timeout, self);
  if (overlay)
    {
      g_clear_handle_id (&self->data_reload_id, g_source_remove);
      self->data_reload_id = g_timeout_add (400, on_data_reload_timeout, self);
    }
}

/* Closed, by its button, a drag or a tap elsewhere: the building is no
 * longer picked on the map. */
static void
on_sheet_open_changed (GpMapPage *self)
{
  if (!adw_bottom_sheet_get_open (self->bottom_sheet))
    gp_overlay_layer_set_selected_building (self->overlay_layer, NULL);
}

static void
hide_sheet (GpMapPage *self)
{
  g_cancellable_cancel (self->sheet_cancellable);
  adw_bottom_sheet_set_open (self->bottom_sheet, FALSE);
}

static void
on_grid_changed (GpMapPage *self)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  GpStore *store = gp_context_get_store (self->context);

  if (self->store != store)
    {
      if (self->store != NULL)
        g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
      g_set_object (&self->store, store);
      if (store != NULL)
        g_signal_connect_object (store, "documents-changed", G_CALLBACK (on_documents_changed), self, 0);
    }

  if (grid != NULL && g_strcmp0 (gp_grid_get_code (grid), self->grid_code) == 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->rendering = self->render_again = FALSE;
  g_clear_handle_id (&self->data_reload_id, g_source_remove);
  g_clear_handle_id (&self->basemap_reload_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->grid_code, g_free);
  hide_sheet (self);
  show_message (self, NULL, 0);
  gp_overlay_layer_set_data (self->overlay_layer, NULL);
  if (self->base_layer != NULL)
    {
      /* The last grid's basemap is not this one's. */
      shumate_map_remove_layer (self->map, SHUMATE_LAYER (self->base_layer));
      self->base_layer = NULL;
      g_clear_object (&self->base_source);
      gtk_widget_set_visible (self->scale, FALSE);
    }

  if (grid == NULL || store == NULL)
    return;

  self->grid_code = g_strdup (gp_grid_get_code (grid));
  self->fit_pending = TRUE;
  load_data (self);
  render_basemap (self);
  update_extra_layer (self);
}

/* Taps. */

/* Pans so that @point is in the middle of the map the sheet leaves visible. */
static void
show_above_sheet (GpMapPage   *self,
                  GpMercPoint  point)
{
  GtkWidget *map = GTK_WIDGET (self->map);
  int width = gtk_widget_get_width (map);
  int height = gtk_widget_get_height (map);
  int sheet_height;
  double x, y, target_y, lat, lon;

  if (width <= 0 || height <= 0)
    return;
  gtk_widget_measure (GTK_WIDGET (self->sheet), GTK_ORIENTATION_VERTICAL, width, NULL, &sheet_height,
                      NULL, NULL);
  gp_overlay_layer_to_widget (self->overlay_layer, point, &x, &y);
  target_y = MAX (72.0, (height - sheet_height) / 2.0);
  if (x >= 24 && x <= width - 24 && y >= 64 && y <= height - sheet_height - 24)
    return;   /* already in sight */

  shumate_viewport_widget_coords_to_location (self->viewport, map, x, height / 2.0 + (y - target_y),
                                              &lat, &lon);
  shumate_map_go_to_full_with_duration (self->map, lat, lon, shumate_viewport_get_zoom_level (self->viewport),
                                        300);
}

/* The sheet is filled, then raised: the pan above it needs its height. */
static void
on_building_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpMapPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpBuildingInfo) info = gp_building_info_load_finish (GP_STORE (source), result, &error);
  GpMapData *data = gp_overlay_layer_get_data (self->overlay_layer);
  const GpMapBuilding *building;
  const char *id = self->sheet_building;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info != NULL)
    gp_building_sheet_show_building (self->sheet, info, data);
  else
    gp_building_sheet_show_error (self->sheet, id, error);
  if (!self->sheet_raise)
    return;   /* an open sheet brought up to date */

  self->sheet_raise = FALSE;
  adw_bottom_sheet_set_open (self->bottom_sheet, TRUE);
  building = data ? gp_map_data_find_building (data, id) : NULL;
  if (building != NULL)
    {
      GpMercPoint centre = { (building->min_x + building->max_x) / 2, (building->min_y + building->max_y) / 2 };

      show_above_sheet (self, centre);
    }
}

static void
read_building (GpMapPage  *self,
               const char *building_id,
               gboolean    raise)
{
  g_cancellable_cancel (self->sheet_cancellable);
  g_clear_object (&self->sheet_cancellable);
  self->sheet_cancellable = g_cancellable_new ();
  g_free (self->sheet_building);
  self->sheet_building = g_strdup (building_id);
  self->sheet_raise = raise;
  gp_building_info_load_async (self->store, building_id, self->sheet_cancellable, on_building_read,
                               g_object_ref (self));
}

static void
on_map_pressed (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                GpMapPage       *self)
{
  self->pressed = TRUE;
  self->pressed_at = gp_overlay_layer_to_merc (self->overlay_layer, x, y);
}

/* A tap is a finger lifted where it went down, on a map that stayed put:
 * a drag, or a tap that stops a gliding map, opens and closes nothing. */
static gboolean
was_tap (GpMapPage *self,
         double     x,
         double     y)
{
  int threshold = 8;
  double px, py;

  if (!self->pressed)
    return FALSE;
  self->pressed = FALSE;
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-dnd-drag-threshold", &threshold, NULL);
  gp_overlay_layer_to_widget (self->overlay_layer, self->pressed_at, &px, &py);
  return hypot (px - x, py - y) <= threshold;
}

static void
on_map_released (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 GpMapPage       *self)
{
  GpMapData *data = gp_overlay_layer_get_data (self->overlay_layer);
  const GpMapCluster *cluster;
  const GpMapBuilding *building;

  if (!was_tap (self, x, y))
    {
      set_following (self, FALSE);   /* moved by hand */
      return;
    }
  if (n_press != 1 || data == NULL)
    return;

  cluster = gp_overlay_layer_cluster_at (self->overlay_layer, x, y);
  if (cluster != NULL)
    {
      g_cancellable_cancel (self->sheet_cancellable);
      gp_overlay_layer_set_selected_building (self->overlay_layer, NULL);
      gp_building_sheet_show_incidents (self->sheet, data, cluster);
      adw_bottom_sheet_set_open (self->bottom_sheet, TRUE);
      return;
    }

  building = gp_overlay_layer_building_at (self->overlay_layer, x, y);
  if (building != NULL)
    {
      gp_overlay_layer_set_selected_building (self->overlay_layer, building->id);
      read_building (self, building->id, TRUE);
      return;
    }

  hide_sheet (self);
}

/* A long press reports what is there: the point is the report's place. */
static void
on_map_long_pressed (GtkGestureLongPress *gesture,
                     double               x,
                     double               y,
                     GpMapPage           *self)
{
  double lat, lon;

  shumate_viewport_widget_coords_to_location (self->viewport, GTK_WIDGET (self->map), x, y, &lat, &lon);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.report-here", "(dd)", lat, lon);
}

/* The patrol being walked: its track and the checkpoints reached. */

static void
update_patrol (GpMapPage *self)
{
  GArray *track;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) reached = NULL;
  GpRoute *route;

  if (self->recorder == NULL)
    {
      gp_overlay_layer_set_track (self->overlay_layer, NULL);
      gp_overlay_layer_set_reached (self->overlay_layer, NULL);
      return;
    }
  track = gp_patrol_recorder_get_track (self->recorder);
  points = g_array_sized_new (FALSE, FALSE, sizeof (GpGeoPoint), track->len + 1);
  for (guint i = 0; i < track->len; i++)
    {
      GpFix *fix = &g_array_index (track, GpFix, i);
      GpGeoPoint point = { fix->longitude, fix->latitude };

      g_array_append_val (points, point);
    }
  /* Up to where the worker is now. */
  if (gp_patrol_recorder_get_last_fix (self->recorder) != NULL)
    {
      const GpFix *fix = gp_patrol_recorder_get_last_fix (self->recorder);
      GpGeoPoint point = { fix->longitude, fix->latitude };

      g_array_append_val (points, point);
    }
  gp_overlay_layer_set_track (self->overlay_layer, points);

  builder = g_strv_builder_new ();
  route = gp_patrol_recorder_get_route (self->recorder);
  for (guint i = 0; route != NULL && i < gp_route_get_n_checkpoints (route); i++)
    {
      GpCheckpoint checkpoint;

      if (gp_route_get_checkpoint (route, i, &checkpoint) &&
          gp_patrol_recorder_is_reached (self->recorder, checkpoint.id))
        g_strv_builder_add (builder, checkpoint.id);
    }
  reached = g_strv_builder_end (builder);
  gp_overlay_layer_set_reached (self->overlay_layer, (const char * const *) reached);
}

static void
watch_recorder (GpMapPage *self)
{
  GpPatrolRecorder *recorder = gp_context_get_recorder (self->context);

  if (self->recorder == recorder)
    return;
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_func (self->recorder, update_patrol, self);
  g_set_object (&self->recorder, recorder);
  if (recorder != NULL)
    g_signal_connect_object (recorder, "changed", G_CALLBACK (update_patrol), self, G_CONNECT_SWAPPED);
  update_patrol (self);
}

/* Location. */

static void
update_position (GpMapPage *self)
{
  GpLocationState state = gp_location_get_state (self->location);

  gp_overlay_layer_set_position (self->overlay_layer,
                                 state == GP_LOCATION_STATE_FIX ? gp_location_get_fix (self->location) : NULL);
  /* Following: the map walks with the worker. */
  if (self->following && state == GP_LOCATION_STATE_FIX)
    {
      const GpFix *fix = gp_location_get_fix (self->location);

      shumate_map_center_on (self->map, fix->latitude, fix->longitude);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->locate_button),
                               state == GP_LOCATION_STATE_FIX ? _("Show My Position")
                                                              : gp_location_state_describe (state));
}

static void
watch_location (GpMapPage *self)
{
  GpLocation *location = gp_context_get_location (self->context);

  if (self->location == location)
    return;
  if (self->location != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->location, update_position, self);
      use_location (self, FALSE);
    }
  g_set_object (&self->location, location);
  if (location == NULL)
    return;

  g_signal_connect_object (location, "notify::fix", G_CALLBACK (update_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (location, "notify::state", G_CALLBACK (update_position), self, G_CONNECT_SWAPPED);
  use_location (self, gtk_widget_get_mapped (GTK_WIDGET (self)));
  update_position (self);
}

/* The position is asked for while the map is on screen, not otherwise. */
static void
use_location (GpMapPage *self,
              gboolean   use)
{
  if (self->location == NULL || self->using_location == use)
    return;
  self->using_location = use;
  if (use)
    gp_location_start (self->location);
  else
    gp_location_stop (self->location);
}

static void
gp_map_page_map (GtkWidget *widget)
{
  GpMapPage *self = GP_MAP_PAGE (widget);

  GTK_WIDGET_CLASS (gp_map_page_parent_class)->map (widget);
  use_location (self, TRUE);
  refresh_tiles (self);
}

static void
gp_map_page_unmap (GtkWidget *widget)
{
  GpMapPage *self = GP_MAP_PAGE (widget);

  use_location (self, FALSE);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (gp_map_page_parent_class)->unmap (widget);
}

/* Actions. */

/* "Centre on me" starts following the position; moving the map by hand
 * stops it. The button says which, in the accent colour. */
static void
set_following (GpMapPage *self,
               gboolean   following)
{
  self->following = following;
  if (following)
    gtk_widget_add_css_class (GTK_WIDGET (self->locate_button), "gp-following");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->locate_button), "gp-following");
}

static void
centre_on_me (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GpMapPage *self = user_data;
  const GpFix *fix;

  if (self->location == NULL)
    {
      show_message (self, gp_location_state_describe (GP_LOCATION_STATE_OFF), 4);
      return;
    }
  if (gp_location_get_state (self->location) != GP_LOCATION_STATE_FIX ||
      (fix = gp_location_get_fix (self->location)) == NULL)
    {
      use_location (self, TRUE);
      show_message (self, gp_location_state_describe (gp_location_get_state (self->location)), 4);
      return;
    }

  go_to (self, fix->latitude, fix->longitude,
         MAX (shumate_viewport_get_zoom_level (self->viewport), 18), TRUE);
  set_following (self, TRUE);
}

static void
centre_on_grid (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  fit_to_grid (user_data, TRUE);
}

static void
zoom_in (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  shumate_map_zoom_in (GP_MAP_PAGE (user_data)->map);
}

static void
zoom_out (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  shumate_map_zoom_out (GP_MAP_PAGE (user_data)->map);
}

static void
on_layer_change_state (GSimpleAction *action,
                       GVariant      *value,
                       gpointer       user_data)
{
  GpMapPage *self = user_data;
  GSettings *settings = gp_context_get_settings (self->context);
  const char *name = g_action_get_name (G_ACTION (action)) + strlen ("layer-");
  g_auto(GStrv) layers = g_settings_get_strv (settings, "map-layers");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) changed = NULL;

  for (guint i = 0; layers[i] != NULL; i++)
    if (!g_str_equal (layers[i], name))
      g_strv_builder_add (builder, layers[i]);
  if (g_variant_get_boolean (value))
    g_strv_builder_add (builder, name);
  changed = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "map-layers", (const char * const *) changed);
}

static void
on_coverage_days_changed (GpMapPage *self)
{
  gp_overlay_layer_set_coverage_days (self->overlay_layer,
                                      g_settings_get_int (gp_context_get_settings (self->context),
                                                          "coverage-days"));
}

static void
on_layers_changed (GpMapPage *self)
{
  g_auto(GStrv) layers = g_settings_get_strv (gp_context_get_settings (self->context), "map-layers");

  gp_overlay_layer_set_layers (self->overlay_layer, (const char * const *) layers);
  for (guint i = 0; layer_names[i] != NULL; i++)
    {
      g_autofree char *action_name = g_strconcat ("layer-", layer_names[i], NULL);
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), action_name);

      g_simple_action_set_state (G_SIMPLE_ACTION (action),
                                 g_variant_new_boolean (g_strv_contains ((const char * const *) layers,
                                                                         layer_names[i])));
    }
}

/**
 * gp_map_page_set_hot_spots:
 * @spots: (nullable) (element-type GpMapHotSpot): from the area review
 */
void
gp_map_page_set_hot_spots (GpMapPage *self,
                           GArray    *spots)
{
  g_return_if_fail (GP_IS_MAP_PAGE (self));

  gp_overlay_layer_set_hot_spots (self->overlay_layer, spots);
}

/* Centres the map on a place, close enough to see its buildings. */
void
gp_map_page_centre_on (GpMapPage *self,
                       double     latitude,
                       double     longitude)
{
  g_return_if_fail (GP_IS_MAP_PAGE (self));

  shumate_viewport_set_zoom_level (self->viewport, MAX (shumate_viewport_get_zoom_level (self->viewport), 17));
  shumate_map_center_on (self->map, latitude, longitude);
}

static const GActionEntry actions[] = {
  { "centre-on-me", centre_on_me },
  { "centre-on-grid", centre_on_grid },
  { "zoom-in", zoom_in },
  { "zoom-out", zoom_out },
};

static void
gp_map_page_constructed (GObject *object)
{
  GpMapPage *self = (GpMapPage *) object;
  GSettings *settings = gp_context_get_settings (self->context);
  GtkGesture *click;
  GtkGesture *press;

  G_OBJECT_CLASS (gp_map_page_parent_class)->constructed (object);

  self->viewport = shumate_map_get_viewport (self->map);
  shumate_viewport_set_min_zoom_level (self->viewport, MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (self->viewport, MAX_ZOOM);
  shumate_map_set_animate_zoom (self->map, TRUE);
  self->overlay_layer = gp_overlay_layer_new (self->viewport);
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->overlay_layer));

  /* The scale measures with the basemap's tiles: hidden until there is one. */
  self->scale = GTK_WIDGET (shumate_scale_new (self->viewport));
  shumate_scale_set_unit (SHUMATE_SCALE (self->scale), SHUMATE_UNIT_METRIC);
  gtk_widget_set_halign (self->scale, GTK_ALIGN_START);
  gtk_widget_set_valign (self->scale, GTK_ALIGN_START);
  gtk_widget_set_margin_start (self->scale, 12);
  gtk_widget_set_margin_top (self->scale, 18);
  gtk_widget_set_can_target (self->scale, FALSE);
  gtk_widget_set_visible (self->scale, FALSE);
  gtk_overlay_add_overlay (self->overlay, self->scale);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (click), "gp-map-tap");
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_map_pressed), self, 0);
  g_signal_connect_object (click, "released", G_CALLBACK (on_map_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->map), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_object (self->bottom_sheet, "notify::open", G_CALLBACK (on_sheet_open_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sheet, "close-requested", G_CALLBACK (hide_sheet), self,
                           G_CONNECT_SWAPPED);
  press = gtk_gesture_long_press_new ();
  gtk_event_controller_set_name (GTK_EVENT_CONTROLLER (press), "gp-map-long-press");
  g_signal_connect_object (press, "pressed", G_CALLBACK (on_map_long_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->map), GTK_EVENT_CONTROLLER (press));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), actions, G_N_ELEMENTS (actions), self);
  for (guint i = 0; layer_names[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat ("layer-", layer_names[i], NULL);
      g_autoptr(GSimpleAction) action =
        g_simple_action_new_stateful (name, NULL, g_variant_new_boolean (TRUE));

      g_signal_connect_object (action, "change-state", G_CALLBACK (on_layer_change_state), self, 0);
      g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (action));
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "map", G_ACTION_GROUP (self->actions));

  g_signal_connect_object (settings, "changed::map-layers", G_CALLBACK (on_layers_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::map-base", G_CALLBACK (update_extra_layer), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::map-mbtiles-file", G_CALLBACK (update_extra_layer), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::map-online-url", G_CALLBACK (update_extra_layer), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::grid", G_CALLBACK (on_grid_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::store", G_CALLBACK (on_grid_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::location", G_CALLBACK (watch_location), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::recorder", G_CALLBACK (watch_recorder), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (settings, "changed::coverage-days", G_CALLBACK (on_coverage_days_changed), self,
                           G_CONNECT_SWAPPED);

  on_layers_changed (self);
  on_coverage_days_changed (self);
  watch_location (self);
  watch_recorder (self);
  on_grid_changed (self);
}

static void
gp_map_page_dispose (GObject *object)
{
  GpMapPage *self = (GpMapPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->sheet_cancellable);
  g_clear_object (&self->sheet_cancellable);
  g_clear_pointer (&self->sheet_building, g_free);
  g_clear_handle_id (&self->data_reload_id, g_source_remove);
  g_clear_handle_id (&self->basemap_reload_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->message_timeout_id, g_source_remove);
  g_clear_object (&self->base_source);
  if (self->fit_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fit_tick_id);
  self->fit_tick_id = 0;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
  g_clear_object (&self->store);
  if (self->location != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->location, update_position, self);
      use_location (self, FALSE);
    }
  g_clear_object (&self->location);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_func (self->recorder, update_patrol, self);
  g_clear_object (&self->recorder);
  g_clear_object (&self->actions);
  if (self->context != NULL)
    {
      g_signal_handlers_disconnect_by_data (gp_context_get_settings (self->context), self);
      g_signal_handlers_disconnect_by_data (self->context, self);
    }
  /* AdwBin would unparent its child again after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_MAP_PAGE);
  g_clear_object (&self->context);
  g_clear_pointer (&self->grid_code, g_free);

  G_OBJECT_CLASS (gp_map_page_parent_class)->dispose (object);
}

static void
gp_map_page_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, GP_MAP_PAGE (object)->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_map_page_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTEXT:
      GP_MAP_PAGE (object)->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_map_page_class_init (GpMapPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gp_map_page_constructed;
  object_class->dispose = gp_map_page_dispose;
  object_class->get_property = gp_map_page_get_property;
  object_class->set_property = gp_map_page_set_property;
  widget_class->map = gp_map_page_map;
  widget_class->unmap = gp_map_page_unmap;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, GP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHUMATE_TYPE_MAP);
  g_type_ensure (GP_TYPE_BUILDING_SHEET);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-map-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, overlay);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, map);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, locate_button);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, map_buttons);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, layers_button);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, report_button);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, bottom_sheet);
  gtk_widget_class_bind_template_child (widget_class, GpMapPage, sheet);
}

static void
gp_map_page_init (GpMapPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gp_map_page_new (GpContext *context)
{
  return g_object_new (GP_TYPE_MAP_PAGE, "context", context, NULL);
}

/* For tests and benchmarks. */
GpOverlayLayer *
gp_map_page_get_overlay_layer (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), NULL);

  return self->overlay_layer;
}

ShumateMap *
gp_map_page_get_map (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), NULL);

  return self->map;
}

gboolean
gp_map_page_has_base_layer (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), FALSE);

  return self->base_layer != NULL;
}

gboolean
gp_map_page_has_extra_layer (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), FALSE);

  return self->extra_layer != NULL;
}

/* The source of the layer between the basemap and the overlays, if any. */
ShumateMapSource *
gp_map_page_get_extra_source (GpMapPage *self)
{
  ShumateMapSource *source = NULL;

  g_return_val_if_fail (GP_IS_MAP_PAGE (self), NULL);

  if (self->extra_layer == NULL)
    return NULL;
  g_object_get (self->extra_layer, "map-source", &source, NULL);
  g_object_unref (source);   /* the layer keeps it */
  return source;
}

/* Whether the map keeps the position in its middle. */
gboolean
gp_map_page_get_following (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), FALSE);

  return self->following;
}

/* Whether the basemap is being drawn, or its progress still shows. */
gboolean
gp_map_page_get_busy (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), FALSE);

  return self->rendering || gtk_revealer_get_child_revealed (self->progress_revealer);
}

const char *
gp_map_page_get_message (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), NULL);

  return gtk_revealer_get_reveal_child (self->message_revealer)
         ? gtk_label_get_text (self->message_label) : NULL;
}

/* The grid's basemap as the page has it open, or NULL before it is. */
ShumateMapSource *
gp_map_page_get_base_source (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), NULL);

  return self->base_source ? SHUMATE_MAP_SOURCE (self->base_source) : NULL;
}

GpBuildingSheet *
gp_map_page_get_sheet (GpMapPage *self)
{
  g_return_val_if_fail (GP_IS_MAP_PAGE (self), NULL);

  return adw_bottom_sheet_get_open (self->bottom_sheet) ? self->sheet : NULL;
}
