/* test-map-page.c — the map page, for real, at a phone's 360×720 under Xvfb.
 *
 * Each case opens the page on a real store, waits until libshumate has drawn
 * the grid's basemap from its MBTiles file, and then does what a worker
 * does: taps a building, a marker or a cluster, picks a map file, walks
 * with a position. Renderings go to tests/screenshots/ for review.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-basemap.h"
#include "gp-clock.h"
#include "gp-context.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geoclue-location.h"
#include "gp-json.h"
#include "gp-map-page.h"
#include "gp-mbtiles.h"
#include "gp-preferences-dialog.h"
#include "gp-privacy.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-tile-source.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#define WIDTH  360
#define HEIGHT 720

/* A position source the test moves by hand. */

#define TEST_TYPE_LOCATION (test_location_get_type ())
G_DECLARE_FINAL_TYPE (TestLocation, test_location, TEST, LOCATION, GpLocation)

struct _TestLocation
{
  GpLocation parent_instance;
  guint      starts;
};

G_DEFINE_FINAL_TYPE (TestLocation, test_location, GP_TYPE_LOCATION)

static void
test_location_start (GpLocation *location)
{
  TEST_LOCATION (location)->starts++;
  if (gp_location_get_state (location) == GP_LOCATION_STATE_STOPPED)
    gp_location_update (location, GP_LOCATION_STATE_WAITING, NULL, NULL);
}

static void
test_location_stop (GpLocation *location)
{
}

static void
test_location_class_init (TestLocationClass *klass)
{
  GP_LOCATION_CLASS (klass)->start = test_location_start;
  GP_LOCATION_CLASS (klass)->stop = test_location_stop;
}

static void
test_location_init (TestLocation *self)
{
}

/* Messages about tiles, counted from any thread. */
static gint undecodable_messages;

/* The tile source's own messages: the test framework prints messages
 * through its log handler, so they are counted there, by domain. */
static void
count_messages (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        user_data)
{
  if (strstr (message, "cannot be decoded") != NULL)
    g_atomic_int_inc (&undecodable_messages);
  g_log_default_handler (domain, level, message, user_data);
}

typedef struct
{
  char      *dir;
  GSettings *settings;
  GpContext *context;
  GpStore   *store;
  GtkWidget *window;
  GpMapPage *page;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *keys[] = { "current-grid", "map-base", "map-mbtiles-file", "map-online-url", "map-layers" };

  fixture->settings = g_settings_new (APPLICATION_ID);
  /* The memory backend keeps values across cases; start clean. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  fixture->dir = gp_test_make_dir ();
  fixture->context = gp_context_new (fixture->settings);
  fixture->store = gp_test_open_store (fixture->dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* Nothing left running in the background on the test's files. */
  gp_test_settle ();
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static void
install_demo (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
}

static gboolean
is_open (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (fixture->window) &&
         gtk_widget_get_width (GTK_WIDGET (fixture->page)) == WIDTH &&
         gtk_widget_get_height (GTK_WIDGET (fixture->page)) == HEIGHT;
}

/* The page alone in an undecorated window: all of a phone's screen. */
static void
open_page (Fixture *fixture)
{
  gp_test_set_store (fixture->context, fixture->store);
  fixture->window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (fixture->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), WIDTH, HEIGHT);
  fixture->page = GP_MAP_PAGE (gp_map_page_new (fixture->context));
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->page));
  gtk_window_present (GTK_WINDOW (fixture->window));
  if (!gp_test_wait_until (is_open, fixture, 20000))
    g_error ("the map page did not open at %d×%d", WIDTH, HEIGHT);
}

static GdkTexture *
render (Fixture *fixture)
{
  GdkTexture *texture = NULL;

  for (guint i = 0; i < 100 && texture == NULL; i++)
    {
      gp_test_wait_frames (fixture->window, 1);
      texture = gp_test_render (fixture->window);
    }
  g_assert_nonnull (texture);
  return texture;
}

static void
save_png (Fixture    *fixture,
          const char *name)
{
  g_autoptr(GdkTexture) texture = render (fixture);
  const char *renderer = g_getenv ("GSK_RENDERER");
  g_autofree char *file = g_strdup_printf ("%s%s%s", name, renderer ? "-" : "", renderer ? renderer : "");

  gp_test_save_png (texture, file);
}

static ShumateViewport *
viewport (Fixture *fixture)
{
  return shumate_map_get_viewport (gp_map_page_get_map (fixture->page));
}

static GpMapData *
map_data (Fixture *fixture)
{
  GpMapData *data = gp_overlay_layer_get_data (gp_map_page_get_overlay_layer (fixture->page));

  g_assert_nonnull (data);
  return data;
}

/* Moves the view without animation and waits until it is drawn there. */
static void
look_at (Fixture   *fixture,
         GpGeoPoint where,
         double     zoom)
{
  shumate_viewport_set_zoom_level (viewport (fixture), zoom);
  shumate_location_set_location (SHUMATE_LOCATION (viewport (fixture)), where.lat, where.lon);
  gp_test_wait_for_map (fixture->page);
}

static GtkGesture *
tap_gesture (Fixture *fixture)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (gp_map_page_get_map (fixture->page)));
  GtkGesture *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (GTK_EVENT_CONTROLLER (controller)), "gp-map-tap") == 0)
        found = GTK_GESTURE (controller);
    }
  g_assert_nonnull (found);
  return found;
}

/* A finger put down at map pixels (@x, @y) and lifted at (@to_x, @to_y). */
static void
drag (Fixture *fixture,
      double   x,
      double   y,
      double   to_x,
      double   to_y)
{
  g_signal_emit_by_name (tap_gesture (fixture), "pressed", 1, x, y);
  g_signal_emit_by_name (tap_gesture (fixture), "released", 1, to_x, to_y);
  gp_test_wait_frames (fixture->window, 2);
}

/* A finger put down and lifted at map pixels (@x, @y). */
static void
tap (Fixture *fixture,
     double   x,
     double   y)
{
  drag (fixture, x, y, x, y);
}

static void
to_widget (Fixture    *fixture,
           GpGeoPoint  where,
           double     *x,
           double     *y)
{
  gp_overlay_layer_to_widget (gp_map_page_get_overlay_layer (fixture->page), gp_tile_project_point (where),
                              x, y);
}

static GpGeoPoint
view_centre (Fixture *fixture)
{
  GpGeoPoint centre = {
    shumate_location_get_longitude (SHUMATE_LOCATION (viewport (fixture))),
    shumate_location_get_latitude (SHUMATE_LOCATION (viewport (fixture))),
  };

  return centre;
}

/* The building with the most tagged households: the sheet has the most to show. */
static const GpMapBuilding *
tagged_building (Fixture *fixture)
{
  GArray *buildings = gp_map_data_get_buildings (map_data (fixture));
  const GpMapBuilding *best = NULL;
  guint best_tags = 0;

  for (guint i = 0; i < buildings->len; i++)
    {
      const GpMapBuilding *building = &g_array_index (buildings, GpMapBuilding, i);
      g_autoptr(GPtrArray) households =
        gp_documents_load_by (fixture->store, "household", GP_STORE_REF_BUILDING, building->id, NULL);
      guint tags = 0;

      for (guint h = 0; households != NULL && h < households->len; h++)
        {
          g_auto(GStrv) list = gp_household_dup_tags (g_ptr_array_index (households, h));

          tags += g_strv_length (list);
        }
      if (tags > best_tags)
        {
          best = building;
          best_tags = tags;
        }
    }
  g_assert_nonnull (best);
  return best;
}

static GpGeoPoint
building_centre (const GpMapBuilding *building)
{
  GpGeoPoint centre;

  gp_tile_unproject ((building->min_x + building->max_x) / 2, (building->min_y + building->max_y) / 2,
                     &centre.lon, &centre.lat);
  return centre;
}

static gboolean
sheet_shown (gpointer data)
{
  Fixture *fixture = data;

  return gp_map_page_get_sheet (fixture->page) != NULL;
}

/* The map opens on the grid's own basemap, drawn on the device with no
 * network, and the overlays sit exactly where libshumate puts the places. */
static void
test_basemap_offline (Fixture       *fixture,
                      gconstpointer  data)
{
  GArray *buildings;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *basemap = NULL;

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);
  g_assert_null (gp_map_page_get_message (fixture->page));
  g_assert_false (gp_map_page_has_extra_layer (fixture->page));
  save_png (fixture, "map-360x720");

  /* The basemap the page drew is an MBTiles file in the data folder. */
  basemap = gp_basemap_dup_path (fixture->dir, GP_DEMO_GRID_CODE);
  g_assert_true (g_file_test (basemap, G_FILE_TEST_IS_REGULAR));

  /* The whole grid is in view: every building's centre is on the screen. */
  buildings = gp_map_data_get_buildings (map_data (fixture));
  g_assert_cmpuint (buildings->len, >=, 12);
  for (guint i = 0; i < buildings->len; i++)
    {
      const GpMapBuilding *building = &g_array_index (buildings, GpMapBuilding, i);
      GpGeoPoint centre = building_centre (building);
      double x, y, shumate_x, shumate_y;

      to_widget (fixture, centre, &x, &y);
      shumate_viewport_location_to_widget_coords (viewport (fixture),
                                                  GTK_WIDGET (gp_map_page_get_map (fixture->page)),
                                                  centre.lat, centre.lon, &shumate_x, &shumate_y);
      g_assert_cmpfloat_with_epsilon (x, shumate_x, 0.5);
      g_assert_cmpfloat_with_epsilon (y, shumate_y, 0.5);
      g_assert_cmpfloat (x, >, 0);
      g_assert_cmpfloat (x, <, WIDTH);
      g_assert_cmpfloat (y, >, 0);
      g_assert_cmpfloat (y, <, HEIGHT);
      /* What is drawn at the centre is a building, under the overlays. */
      g_assert_true (gp_overlay_layer_building_at (gp_map_page_get_overlay_layer (fixture->page), x, y) == building);
    }

  /* Buttons are thumb-sized. */
  texture = render (fixture);
  g_assert_cmpuint (gp_test_count_colour (texture, 0, 0, WIDTH, HEIGHT, GP_BASEMAP_BUILDING_FILL, 2), >, 2000);
}

/* Whether the map has stopped moving, and the sheet rising, since the last
 * call. */
static gboolean
map_still (gpointer data)
{
  Fixture *fixture = data;
  static GpGeoPoint last;
  static float last_top;
  GpGeoPoint now = view_centre (fixture);
  GpBuildingSheet *sheet = gp_map_page_get_sheet (fixture->page);
  graphene_rect_t bounds = { 0 };
  gboolean still;

  if (sheet != NULL && !gtk_widget_compute_bounds (GTK_WIDGET (sheet), fixture->window, &bounds))
    return FALSE;
  still = gp_geo_distance (now, last) < 0.01 && sheet != NULL && bounds.origin.y == last_top &&
          bounds.origin.y + bounds.size.height <= HEIGHT + 1;
  last = now;
  last_top = bounds.origin.y;
  if (!still)
    gp_test_wait_frames (fixture->window, 1);
  return still;
}

/* Whether a row under @widget does @action with @target when tapped. */
static gboolean
has_action_row (GtkWidget  *widget,
                const char *action,
                const char *target)
{
  if (GTK_IS_LIST_BOX_ROW (widget) && GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0 &&
      gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)) != NULL &&
      g_strcmp0 (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)), NULL),
                 target) == 0)
    return gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_action_row (child, action, target))
      return TRUE;
  return FALSE;
}

/* A tap on a building: its units and households, tags shown, names and
 * phone numbers masked; a tap elsewhere closes the sheet. */
static void
test_tap_building (Fixture       *fixture,
                   gconstpointer  data)
{
  const GpMapBuilding *building;
  g_autoptr(GPtrArray) households = NULL;
  g_autofree char *text = NULL;
  GpBuildingSheet *sheet;
  double x, y;

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);

  building = tagged_building (fixture);
  households = gp_documents_load_by (fixture->store, "household", GP_STORE_REF_BUILDING, building->id, NULL);
  g_assert_nonnull (households);
  g_assert_cmpuint (households->len, >, 0);

  look_at (fixture, building_centre (building), 17.5);
  to_widget (fixture, building_centre (building), &x, &y);
  tap (fixture, x, y);
  g_assert_true (gp_test_wait_until (sheet_shown, fixture, 5000));

  sheet = gp_map_page_get_sheet (fixture->page);
  g_assert_cmpstr (gp_building_sheet_get_building (sheet), ==, building->id);
  g_assert_cmpuint (gp_building_sheet_get_n_rows (sheet), ==, households->len);

  text = gp_test_collect_text (GTK_WIDGET (sheet));
  g_assert_nonnull (strstr (text, building->name));
  for (guint i = 0; i < households->len; i++)
    {
      GpHousehold *household = g_ptr_array_index (households, i);
      g_autofree char *masked_head = gp_privacy_mask_name (gp_household_get_head (household));
      g_autofree char *masked_phone = gp_privacy_mask_phone (gp_household_get_phone (household));
      g_auto(GStrv) tags = gp_household_dup_tags (household);

      g_assert_nonnull (strstr (text, masked_head));
      g_assert_nonnull (strstr (text, masked_phone));
      /* Never the resident's full name or number (src/model/README.md §7). */
      if (g_utf8_strlen (gp_household_get_head (household), -1) > 1)
        g_assert_null (strstr (text, gp_household_get_head (household)));
      g_assert_null (strstr (text, gp_household_get_phone (household)));
      for (guint t = 0; tags[t] != NULL; t++)
        g_assert_nonnull (strstr (text, gp_household_tag_label (tags[t])));
    }

  /* A tap on a household's row starts its visit. */
  for (guint i = 0; i < households->len; i++)
    g_assert_true (has_action_row (GTK_WIDGET (sheet), "win.visit-household",
                                   gp_document_get_id (g_ptr_array_index (households, i))));

  /* A household's phone is called after a question that shows the
   * number masked; cancelled, nothing happens. */
  {
    GpHousehold *household = NULL;

    for (guint i = 0; household == NULL && i < households->len; i++)
      if (gp_household_get_phone (g_ptr_array_index (households, i)) != NULL)
        household = g_ptr_array_index (households, i);
    g_assert_nonnull (household);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sheet), "sheet.call", "s",
                                               gp_document_get_id (GP_DOCUMENT (household))));
    {
      AdwAlertDialog *question = ADW_ALERT_DIALOG (gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG));
      g_autofree char *masked = gp_privacy_mask_phone (gp_household_get_phone (household));

      g_assert_cmpstr (adw_alert_dialog_get_body (question), ==, masked);
      g_assert_null (strstr (adw_alert_dialog_get_body (question), gp_household_get_phone (household)));
      gp_test_alert_respond (question, "cancel");
    }
  }

  /* It fits a phone's width: its close button is on the screen. */
  {
    int minimum, natural;

    gtk_widget_measure (GTK_WIDGET (sheet), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
    g_assert_cmpint (minimum, <=, WIDTH);
  }

  /* The building is moved into view above the sheet. */
  g_assert_true (gp_test_wait_until (map_still, fixture, 5000));   /* the sheet slides up, the map pans */
  to_widget (fixture, building_centre (building), &x, &y);
  g_assert_cmpfloat (y, >, 0);
  g_assert_cmpfloat (y, <, HEIGHT - gtk_widget_get_height (GTK_WIDGET (sheet)));
  save_png (fixture, "map-building-360x720");

  /* The sheet closes with its button. */
  gtk_widget_activate_action (GTK_WIDGET (sheet), "sheet.close", NULL);
  g_assert_null (gp_map_page_get_sheet (fixture->page));
}

/* A drag is never a tap: one that starts on a building opens nothing, one
 * over the ground leaves an open sheet open. A fingertip just off a
 * building's outline is on it. */
static void
test_drag_building (Fixture       *fixture,
                    gconstpointer  data)
{
  const GpMapBuilding *building;
  g_autofree char *id = NULL;
  GpGeoPoint west;
  double x, y;

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);

  building = tagged_building (fixture);
  id = g_strdup (building->id);
  look_at (fixture, building_centre (building), 17.5);
  to_widget (fixture, building_centre (building), &x, &y);

  drag (fixture, x, y, x + 120, y + 40);
  for (guint i = 0; i < 10; i++)
    gp_test_wait_frames (fixture->window, 1);
  g_assert_null (gp_map_page_get_sheet (fixture->page));

  /* 10 px west of its outline, at the height of its middle. */
  gp_tile_unproject (building->min_x, (building->min_y + building->max_y) / 2, &west.lon, &west.lat);
  to_widget (fixture, west, &x, &y);
  tap (fixture, x - 10, y);
  g_assert_true (gp_test_wait_until (sheet_shown, fixture, 5000));
  g_assert_cmpstr (gp_building_sheet_get_building (gp_map_page_get_sheet (fixture->page)), ==, id);

  /* A drag, wherever it ends, leaves it open and on the same building. */
  drag (fixture, 20, 120, 200, 300);
  for (guint i = 0; i < 10; i++)
    gp_test_wait_frames (fixture->window, 1);
  g_assert_nonnull (gp_map_page_get_sheet (fixture->page));
  g_assert_cmpstr (gp_building_sheet_get_building (gp_map_page_get_sheet (fixture->page)), ==, id);
}

/* An incident a few metres east of a point. */
static void
report (GpStore    *store,
        GpGeoPoint  where,
        double      east_m,
        const char *building,
        const char *category,
        const char *description)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-11-22T09:00:00+08:00", NULL);
  g_autoptr(JsonObject) point = gp_geo_point_new (gp_geo_offset (where, east_m, 0));
  g_autoptr(GError) error = NULL;

  g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", GP_SOURCE_PATROL,
                "category", category, "reporter", "wang", "reported-at", now,
                "description", description, "building", building, NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
}

typedef struct
{
  Fixture *fixture;
  guint    count;
} Waiting;

static gboolean
has_incidents (gpointer data)
{
  Waiting *waiting = data;
  GpMapData *map = gp_overlay_layer_get_data (gp_map_page_get_overlay_layer (waiting->fixture->page));

  return map != NULL && gp_map_data_get_incidents (map)->len == waiting->count;
}

/* Incidents reported while the map is open appear on it; at low zoom they
 * gather in a cluster with a count, close in they come apart. */
static void
test_markers_and_clusters (Fixture       *fixture,
                           gconstpointer  data)
{
  const GpMapBuilding *building;
  g_autofree char *building_id = NULL;
  GpGeoPoint where;
  Waiting waiting = { fixture, 13 };
  g_autofree char *text = NULL;
  GpBuildingSheet *sheet;
  double x, y;

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);

  /* The map's data is reloaded when the store changes: keep copies. */
  building = tagged_building (fixture);
  building_id = g_strdup (building->id);
  where = building_centre (building);
  for (guint i = 0; i < 12; i++)
    report (fixture->store, where, i * 0.5, building_id, "06010", "暴露垃圾");
  report (fixture->store, where, 40.0, NULL, "01002", "井盖破损");
  g_assert_true (gp_test_wait_until (has_incidents, &waiting, 10000));

  /* Zoom 15: one cluster of all thirteen. */
  look_at (fixture, where, 15);
  to_widget (fixture, where, &x, &y);
  tap (fixture, x, y);
  g_assert_true (gp_test_wait_until (sheet_shown, fixture, 5000));
  sheet = gp_map_page_get_sheet (fixture->page);
  g_assert_cmpuint (gp_building_sheet_get_n_rows (sheet), ==, 13);
  text = gp_test_collect_text (GTK_WIDGET (sheet));
  g_assert_nonnull (strstr (text, "13 incidents here"));
  gp_test_wait_frames (fixture->window, 20);
  save_png (fixture, "map-cluster-360x720");

  /* Zoom 19: the one 40 m away stands alone. */
  look_at (fixture, gp_geo_offset (where, 20, 0), 19);
  to_widget (fixture, gp_geo_offset (where, 40, 0), &x, &y);
  tap (fixture, x, y);
  sheet = gp_map_page_get_sheet (fixture->page);
  g_assert_nonnull (sheet);
  g_assert_cmpuint (gp_building_sheet_get_n_rows (sheet), ==, 1);
  g_clear_pointer (&text, g_free);
  text = gp_test_collect_text (GTK_WIDGET (sheet));
  g_assert_nonnull (strstr (text, "井盖破损"));
  g_assert_null (strstr (text, "暴露垃圾"));
  save_png (fixture, "map-marker-360x720");

  /* The building with open incidents is tinted and its sheet lists them. */
  building = gp_map_data_find_building (map_data (fixture), building_id);
  g_assert_nonnull (building);
  g_assert_cmpuint (building->open_incidents, ==, 12);
}

/* Draws an opaque 256 px PNG of one colour. */
static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
solid_png (guint32 colour)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  cairo_set_source_rgb (cr, ((colour >> 16) & 0xff) / 255.0, ((colour >> 8) & 0xff) / 255.0,
                        (colour & 0xff) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_bytes, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

#define IMAGERY_COLOUR 0x8a5a2b

/* An MBTiles file such as the centre prepares from imagery, over the
 * grid; every @broken_every-th tile (if not 0) is not a picture at all,
 * although it starts like a PNG. */
static char *
make_imagery (Fixture    *fixture,
              const char *name,
              guint       broken_every)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GpMbtiles) mbtiles = NULL;
  g_autoptr(GBytes) tile = solid_png (IMAGERY_COLOUR);
  g_autoptr(GBytes) broken = g_bytes_new_static ("\x89PNG\r\n\x1a\n not a picture", 23);
  g_autoptr(GError) error = NULL;
  GpGeoBounds bounds;
  guint n = 0;

  g_assert_true (gp_map_data_get_bounds (map_data (fixture), &bounds));
  mbtiles = gp_mbtiles_create (path, "png", &error);
  g_assert_no_error (error);
  g_assert_true (gp_mbtiles_begin (mbtiles, &error));
  for (guint zoom = 14; zoom <= 19; zoom++)
    {
      GpTileRange range = gp_tile_range_for_bounds (&bounds, zoom);

      for (guint y = range.min_y; y <= range.max_y; y++)
        for (guint x = range.min_x; x <= range.max_x; x++, n++)
          g_assert_true (gp_mbtiles_write_tile (mbtiles, zoom, x, y,
                                                broken_every && n % broken_every == broken_every - 1 ? broken : tile,
                                                NULL, &error));
    }
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "name", "影像", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "format", "png", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "minzoom", "14", &error));
  g_assert_true (gp_mbtiles_set_metadata (mbtiles, "maxzoom", "19", &error));
  g_assert_true (gp_mbtiles_commit (mbtiles, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const void *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, length, &error));
  return g_steal_pointer (&path);
}

static gboolean
preferences_done (gpointer data)
{
  return !gp_preferences_dialog_get_busy (data);
}

static gboolean
has_extra_layer (gpointer data)
{
  Fixture *fixture = data;

  return gp_map_page_has_extra_layer (fixture->page);
}

static guint
imagery_pixels (Fixture *fixture)
{
  g_autoptr(GdkTexture) texture = render (fixture);

  return gp_test_count_colour (texture, 0, 0, WIDTH, HEIGHT, IMAGERY_COLOUR, 3);
}

/* Preferences: a good MBTiles file becomes the base; corrupt, truncated,
 * empty and non-MBTiles files are refused with a message and the map and
 * the settings stay as they were. */
static void
test_map_file_preferences (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *good = NULL;
  g_autofree char *good_contents = NULL;
  g_autofree char *random_path = NULL;
  g_autoptr(GFile) file = NULL;
  GpPreferencesDialog *preferences;
  gsize good_length;
  guint8 noise[8192];
  struct { const char *name; const char *expected; char *path; } bad[4] = {
    { "empty.mbtiles", "the file is empty", NULL },
    { "noise.mbtiles", "not an MBTiles file", NULL },
    { "truncated.mbtiles", "truncated", NULL },
    { "photo.mbtiles", "not an MBTiles file", NULL },
  };
  g_autoptr(GBytes) png = solid_png (0x336699);

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);
  g_assert_cmpuint (imagery_pixels (fixture), <, 100);

  good = make_imagery (fixture, "imagery.mbtiles", 0);
  g_assert_true (g_file_get_contents (good, &good_contents, &good_length, NULL));
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_test_rand_int ();
  bad[0].path = write_file (fixture, bad[0].name, "", 0);
  bad[1].path = write_file (fixture, bad[1].name, noise, sizeof noise);
  bad[2].path = write_file (fixture, bad[2].name, good_contents, good_length / 2);
  bad[3].path = write_file (fixture, bad[3].name, g_bytes_get_data (png, NULL), g_bytes_get_size (png));

  preferences = GP_PREFERENCES_DIALOG (gp_preferences_dialog_new (fixture->context));
  gp_test_present_dialog (ADW_DIALOG (preferences), fixture->window);

  /* The centre's imagery: accepted, and the map shows it over the basemap. */
  file = g_file_new_for_path (good);
  gp_preferences_dialog_use_file (preferences, file);
  g_assert_true (gp_test_wait_until (preferences_done, preferences, 10000));
  g_assert_null (gp_preferences_dialog_get_last_message (preferences));
  g_assert_true (gp_test_wait_until (has_extra_layer, fixture, 10000));
  g_assert_true (GP_IS_TILE_SOURCE (gp_map_page_get_extra_source (fixture->page)));
  for (guint i = 0; i < 100 && imagery_pixels (fixture) < 20000; i++)
    gp_test_wait_frames (fixture->window, 2);
  g_assert_cmpuint (imagery_pixels (fixture), >=, 20000);
  save_png (fixture, "map-imagery-360x720");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GFile) bad_file = g_file_new_for_path (bad[i].path);
      g_autofree char *base = NULL;
      g_autofree char *chosen = NULL;
      const char *message;

      gp_preferences_dialog_use_file (preferences, bad_file);
      g_assert_true (gp_test_wait_until (preferences_done, preferences, 10000));
      message = gp_preferences_dialog_get_last_message (preferences);
      g_test_message ("%s: %s", bad[i].name, message);
      g_assert_nonnull (message);
      g_assert_true (g_str_has_prefix (message, "This file cannot be used: "));
      g_assert_nonnull (strstr (message, bad[i].expected));
      /* Shown in full in the window, not cut short. */
      {
        g_autofree char *text = gp_test_collect_text (GTK_WIDGET (preferences));

        g_assert_nonnull (strstr (text, message));
      }

      /* Nothing changed: the settings, the map, the file itself. */
      base = g_settings_get_string (fixture->settings, "map-base");
      chosen = g_settings_get_string (fixture->settings, "map-mbtiles-file");
      g_assert_cmpstr (base, ==, "mbtiles");
      g_assert_cmpstr (chosen, ==, good);
      g_assert_true (gp_map_page_has_extra_layer (fixture->page));
      g_free (bad[i].path);
    }
  gp_test_wait_frames (GTK_WIDGET (preferences), 10);
  {
    g_autoptr(GdkTexture) texture = NULL;

    for (guint i = 0; i < 100 && texture == NULL; i++)
      {
        gp_test_wait_frames (GTK_WIDGET (preferences), 1);
        texture = gp_test_render (GTK_WIDGET (preferences));
      }
    gp_test_save_png (texture, "preferences-refused-360x720");
  }
  g_assert_cmpuint (imagery_pixels (fixture), >=, 20000);
  adw_dialog_force_close (ADW_DIALOG (preferences));

  /* Back to the grid's own map. */
  g_settings_set_string (fixture->settings, "map-base", "basemap");
  g_assert_false (gp_map_page_has_extra_layer (fixture->page));
  gp_test_wait_for_map (fixture->page);
}

static gboolean
two_tiles_failed (gpointer data)
{
  return gp_tile_source_get_failed_count (data) >= 2;
}

/* Tiles that cannot be decoded stay blank, are logged once, and the rest of
 * the map is drawn. */
static void
test_undecodable_tiles (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = NULL;
  GpTileSource *source;
  guint before = g_atomic_int_get (&undecodable_messages);

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);

  /* Every other tile broken: good ones must still show. */
  path = make_imagery (fixture, "half-broken.mbtiles", 2);
  g_settings_set_string (fixture->settings, "map-mbtiles-file", path);
  g_settings_set_string (fixture->settings, "map-base", "mbtiles");
  g_assert_true (gp_test_wait_until (has_extra_layer, fixture, 10000));
  source = GP_TILE_SOURCE (gp_map_page_get_extra_source (fixture->page));

  gp_test_wait_for_map (fixture->page);
  /* Close in, more tiles are in view: several broken ones among them.
   * Which tiles were in view before depends on how the map fitted the
   * grid, so the worker looks at the middle, then at the grid's corners,
   * until broken ones have come into view. Decoding runs in workers: each
   * look waits as long as they take, not a count of frames. */
  {
    GpGeoPoint centre, corners[4];
    GpGeoBounds bounds;

    g_assert_true (gp_map_data_get_centre (map_data (fixture), &centre));
    g_assert_true (gp_map_data_get_bounds (map_data (fixture), &bounds));
    corners[0] = (GpGeoPoint) { .lat = bounds.south, .lon = bounds.west };
    corners[1] = (GpGeoPoint) { .lat = bounds.south, .lon = bounds.east };
    corners[2] = (GpGeoPoint) { .lat = bounds.north, .lon = bounds.west };
    corners[3] = (GpGeoPoint) { .lat = bounds.north, .lon = bounds.east };
    look_at (fixture, centre, 18);
    for (guint i = 0; i < G_N_ELEMENTS (corners) && !gp_test_wait_until (two_tiles_failed, source, 5000); i++)
      look_at (fixture, corners[i], 18);
  }
  g_assert_true (gp_test_wait_until (two_tiles_failed, source, 60000));
  g_assert_cmpuint (gp_tile_source_get_failed_count (source), >=, 2);
  g_assert_cmpint (g_atomic_int_get (&undecodable_messages) - before, ==, 1);
  g_assert_cmpuint (imagery_pixels (fixture), >, 5000);
  save_png (fixture, "map-broken-tiles-360x720");
}

static gboolean
centred_on (gpointer data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  GpGeoPoint *where = ((gpointer *) data)[1];

  return gp_geo_distance (view_centre (fixture), *where) < 1.0;
}

/* A grid that has no boundary or buildings yet: an empty map on its
 * position, and a message that says why. */
static void
test_grid_without_geometry (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GpGrid) grid = gp_grid_new ("610113001099");
  g_autoptr(JsonArray) centre = json_array_new ();
  g_autoptr(GError) error = NULL;
  GpGeoPoint expected = { 108.9500, 34.2500 };
  const char *message;
  gpointer waiting[2];

  g_object_set (grid, "name", "新建网格", NULL);
  json_array_add_double_element (centre, expected.lon);
  json_array_add_double_element (centre, expected.lat);
  json_object_set_array_member (gp_document_get_body (GP_DOCUMENT (grid)), "center", json_array_ref (centre));
  gp_documents_save (fixture->store, GP_DOCUMENT (grid), GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);

  open_page (fixture);
  for (guint i = 0; i < 100 && gp_map_page_get_message (fixture->page) == NULL; i++)
    gp_test_wait_frames (fixture->window, 2);
  message = gp_map_page_get_message (fixture->page);
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, "This grid has no map yet"));
  waiting[0] = fixture;
  waiting[1] = &expected;
  if (!gp_test_wait_until (centred_on, waiting, 10000))
    g_error ("the empty map is %.0f m from the grid's centre", gp_geo_distance (view_centre (fixture), expected));
  g_assert_true (gp_map_data_is_empty (map_data (fixture)));
  g_assert_false (gp_map_page_has_base_layer (fixture->page));
  gp_test_wait_frames (fixture->window, 20);
  save_png (fixture, "map-no-geometry-360x720");
}

static gboolean
on_pause_over (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef struct
{
  Fixture *fixture;
  int      width;
  int      height;
  char    *why;      /* what was last in the way */
} GridClear;

/* Whether every corner of the grid is on the map and clear of the
 * floating controls; looked at again a tenth of a second later while the
 * map moves there. */
static gboolean
grid_clear (gpointer data)
{
  GridClear *query = data;
  Fixture *fixture = query->fixture;
  const char *controls[] = { "map_buttons", "layers_button", "report_button" };
  GpGeoBounds bounds;
  graphene_rect_t grid;
  double x1, y1, x2, y2;
  gboolean clear = TRUE, over = FALSE;

  g_assert_true (gp_map_data_get_bounds (map_data (fixture), &bounds));
  to_widget (fixture, (GpGeoPoint) { bounds.west, bounds.north }, &x1, &y1);
  to_widget (fixture, (GpGeoPoint) { bounds.east, bounds.south }, &x2, &y2);
  graphene_rect_init (&grid, x1, y1, x2 - x1, y2 - y1);
  g_free (query->why);
  query->why = g_strdup_printf ("the grid at %.0f,%.0f–%.0f,%.0f", x1, y1, x2, y2);
  clear = x1 >= 0 && y1 >= 0 && x2 <= query->width && y2 <= query->height;
  for (guint i = 0; clear && i < G_N_ELEMENTS (controls); i++)
    {
      GtkWidget *control = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->page), GP_TYPE_MAP_PAGE,
                                                                      controls[i]));
      graphene_rect_t box;

      g_assert_true (gtk_widget_compute_bounds (control, GTK_WIDGET (gp_map_page_get_map (fixture->page)), &box));
      if (graphene_rect_intersection (&grid, &box, NULL))
        {
          char *why = g_strdup_printf ("%s, under %s", query->why, controls[i]);

          g_free (query->why);
          query->why = why;
          clear = FALSE;
        }
    }
  if (clear)
    return TRUE;
  g_timeout_add (100, on_pause_over, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
  return FALSE;
}

/* "Show whole grid" in a window of @width × @height: every corner of the
 * grid comes on the map and clear of the floating controls. */
static void
assert_grid_clear (Fixture    *fixture,
                   int         width,
                   int         height,
                   const char *name)
{
  GridClear query = { fixture, width, height, NULL };

  gp_test_present_at (GTK_WINDOW (fixture->window), width, height);
  gp_test_wait_frames (fixture->window, 5);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "map.centre-on-grid", NULL);
  if (!gp_test_wait_until (grid_clear, &query, 20000))
    g_error ("%s: %s", name, query.why);
  g_test_message ("%s: %s", name, query.why);
  g_free (query.why);
  save_png (fixture, name);
}

static void
test_whole_grid_clear (Fixture       *fixture,
                       gconstpointer  data)
{
  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);
  assert_grid_clear (fixture, WIDTH, HEIGHT, "map-whole-grid-360x720");
  assert_grid_clear (fixture, HEIGHT, WIDTH, "map-whole-grid-720x360");
}

/* The grid's two routes each in a colour of their own, neither the
 * position's blue: checkpoints numbered alike are told apart. */
static void
test_routes_apart (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = NULL;
  GpGeoBounds bounds;
  guint first, second, blue;

  install_demo (fixture);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);
  g_assert_cmpuint (gp_map_data_get_routes (map_data (fixture))->len, ==, 2);
  g_assert_true (gp_map_data_get_bounds (map_data (fixture), &bounds));
  look_at (fixture, (GpGeoPoint) { (bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2 }, 17);
  gp_test_wait_for_map (fixture->page);
  texture = render (fixture);
  first = gp_test_count_colour (texture, 0, 0, WIDTH, HEIGHT, gp_overlay_layer_route_colour (0), 24);
  second = gp_test_count_colour (texture, 0, 0, WIDTH, HEIGHT, gp_overlay_layer_route_colour (1), 24);
  blue = gp_test_count_colour (texture, 0, 0, WIDTH, HEIGHT, 0x1c71d8, 24);
  g_test_message ("route colours: %u and %u pixels; the position's blue: %u", first, second, blue);
  g_assert_cmpuint (gp_overlay_layer_route_colour (0), !=, gp_overlay_layer_route_colour (1));
  g_assert_cmpuint (first, >, 200);
  g_assert_cmpuint (second, >, 200);
  g_assert_cmpuint (blue, ==, 0);   /* no position yet: nothing is drawn in its colour */
  save_png (fixture, "map-routes-360x720");
}

/* Counts pixels of the position dot's blue around a widget point. */
static guint
blue_near (Fixture *fixture,
           double   x,
           double   y)
{
  g_autoptr(GdkTexture) texture = render (fixture);

  return gp_test_count_colour (texture, x - 12, y - 12, x + 12, y + 12, 0x1c71d8, 10);
}

/* The position from a location source is drawn with its accuracy, "centre
 * on me" goes there, and the states without a position are said in words. */
static void
test_position (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GpLocation) location = g_object_new (TEST_TYPE_LOCATION, NULL);
  const GpMapBuilding *building;
  GpFix fix = { 0 };
  GpGeoPoint where;
  gpointer waiting[2];
  const char *message;
  double x, y;
  guint before;

  install_demo (fixture);
  gp_context_set_location (fixture->context, location);
  open_page (fixture);
  gp_test_wait_for_map (fixture->page);
  g_assert_cmpuint (TEST_LOCATION (location)->starts, >=, 1);

  /* No fix yet: the button says so. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "map.centre-on-me", NULL);
  message = gp_map_page_get_message (fixture->page);
  g_assert_cmpstr (message, ==, "Waiting for a position…");

  /* A fix outside the view, in a lane beside a building. */
  building = tagged_building (fixture);
  where = gp_geo_offset (building_centre (building), 0, 0);
  shumate_viewport_set_zoom_level (viewport (fixture), 17);
  shumate_location_set_location (SHUMATE_LOCATION (viewport (fixture)), where.lat, where.lon - 0.004);
  gp_test_wait_frames (fixture->window, 2);
  g_assert_cmpfloat (gp_geo_distance (view_centre (fixture), where), >, 300);
  fix.latitude = where.lat;
  fix.longitude = where.lon;
  fix.accuracy = 12;
  fix.time = gp_clock_get_real_time ();
  gp_location_update (location, GP_LOCATION_STATE_FIX, &fix, NULL);

  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "map.centre-on-me", NULL);
  waiting[0] = fixture;
  waiting[1] = &where;
  g_assert_true (gp_test_wait_until (centred_on, waiting, 10000));
  gp_test_wait_for_map (fixture->page);

  /* The dot is drawn where the fix is; gone when the layer is off. */
  to_widget (fixture, where, &x, &y);
  before = blue_near (fixture, x, y);
  g_assert_cmpuint (before, >, 100);
  save_png (fixture, "map-position-360x720");
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "map.layer-position", NULL);
  gp_test_wait_frames (fixture->window, 2);
  g_assert_cmpuint (blue_near (fixture, x, y), <, before / 2);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "map.layer-position", NULL);

  /* Walking east (course 90°, 1.4 m/s): an arrow ahead of the dot, on
   * its east side only. Standing still, no arrow, whatever the course. */
  {
    g_autoptr(GdkTexture) still = render (fixture);
    g_autoptr(GdkTexture) walking = NULL;
    guint east_still = gp_test_count_colour (still, x + 10, y - 6, x + 22, y + 6, 0x1c71d8, 10);

    fix.heading = 90;
    fix.speed = 1.4;
    gp_location_update (location, GP_LOCATION_STATE_FIX, &fix, NULL);
    gp_test_wait_frames (fixture->window, 2);
    walking = render (fixture);
    g_assert_cmpuint (gp_test_count_colour (walking, x + 10, y - 6, x + 22, y + 6, 0x1c71d8, 10), >, east_still + 20);
    g_assert_cmpuint (gp_test_count_colour (walking, x - 22, y - 6, x - 10, y + 6, 0x1c71d8, 10), <=,
                      gp_test_count_colour (still, x - 22, y - 6, x - 10, y + 6, 0x1c71d8, 10));
    save_png (fixture, "map-heading-360x720");
    fix.speed = 0.1;
    gp_location_update (location, GP_LOCATION_STATE_FIX, &fix, NULL);
    gp_test_wait_frames (fixture->window, 2);
    g_clear_object (&walking);
    walking = render (fixture);
    g_assert_cmpuint (gp_test_count_colour (walking, x + 10, y - 6, x + 22, y + 6, 0x1c71d8, 10), <=, east_still + 5);
    fix.heading = 0;
    fix.speed = 0;
  }

  /* Centred on me, the map follows: the worker walks 80 m east and the
   * map goes along… */
  g_assert_true (gp_map_page_get_following (fixture->page));
  where = gp_geo_offset (where, 80, 0);
  fix.latitude = where.lat;
  fix.longitude = where.lon;
  fix.time += 60 * G_USEC_PER_SEC;
  gp_location_update (location, GP_LOCATION_STATE_FIX, &fix, NULL);
  g_assert_true (gp_test_wait_until (centred_on, waiting, 10000));
  /* …until the worker moves the map by hand: then it stays put. */
  g_signal_emit_by_name (tap_gesture (fixture), "pressed", 1, 100.0, 300.0);
  g_signal_emit_by_name (tap_gesture (fixture), "released", 1, 200.0, 300.0);
  g_assert_false (gp_map_page_get_following (fixture->page));
  {
    GpGeoPoint before_walk = view_centre (fixture);

    where = gp_geo_offset (where, 80, 0);
    fix.latitude = where.lat;
    fix.longitude = where.lon;
    fix.time += 60 * G_USEC_PER_SEC;
    gp_location_update (location, GP_LOCATION_STATE_FIX, &fix, NULL);
    gp_test_wait_frames (fixture->window, 10);
    g_assert_cmpfloat (gp_geo_distance (view_centre (fixture), before_walk), <, 1);
  }

  /* Permission refused: said in words, and the dot disappears. */
  gp_location_update (location, GP_LOCATION_STATE_DENIED, NULL, NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "map.centre-on-me", NULL);
  message = gp_map_page_get_message (fixture->page);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "may not use your location"));
}

static gboolean
geoclue_settled (gpointer data)
{
  return gp_location_get_state (data) != GP_LOCATION_STATE_WAITING &&
         gp_location_get_state (data) != GP_LOCATION_STATE_STOPPED;
}

/* On a device without GeoClue (here: no system bus at all) location is
 * "off", in words, and nothing is logged as a warning. */
static void
test_geoclue_missing (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GpLocation) location = gp_geoclue_location_new (APPLICATION_ID);

  gp_location_start (location);
  g_assert_true (gp_test_wait_until (geoclue_settled, location, 30000));
  g_assert_cmpint (gp_location_get_state (location), ==, GP_LOCATION_STATE_OFF);
  g_assert_null (gp_location_get_fix (location));
  g_assert_cmpstr (gp_location_state_describe (gp_location_get_state (location)), ==,
                   "Location is off or not available on this device");
  gp_location_stop (location);
}

int
main (int   argc,
      char *argv[])
{
  /* No GeoClue: the system bus is not there. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket", TRUE);
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  g_log_set_handler ("gp-tile-source", G_LOG_LEVEL_MESSAGE, count_messages, NULL);
  gp_test_fix_clock (GP_TEST_NOW);
  adw_init ();
  gp_test_load_app_style ();

  g_test_add ("/ui/map/basemap-offline", Fixture, NULL, fixture_set_up, test_basemap_offline, fixture_tear_down);
  g_test_add ("/ui/map/tap-building", Fixture, NULL, fixture_set_up, test_tap_building, fixture_tear_down);
  g_test_add ("/ui/map/drag-building", Fixture, NULL, fixture_set_up, test_drag_building, fixture_tear_down);
  g_test_add ("/ui/map/routes-apart", Fixture, NULL, fixture_set_up, test_routes_apart, fixture_tear_down);
  g_test_add ("/ui/map/whole-grid-clear", Fixture, NULL, fixture_set_up, test_whole_grid_clear, fixture_tear_down);
  g_test_add ("/ui/map/markers-and-clusters", Fixture, NULL,
              fixture_set_up, test_markers_and_clusters, fixture_tear_down);
  g_test_add ("/ui/map/map-file-preferences", Fixture, NULL,
              fixture_set_up, test_map_file_preferences, fixture_tear_down);
  g_test_add ("/ui/map/undecodable-tiles", Fixture, NULL,
              fixture_set_up, test_undecodable_tiles, fixture_tear_down);
  g_test_add ("/ui/map/grid-without-geometry", Fixture, NULL,
              fixture_set_up, test_grid_without_geometry, fixture_tear_down);
  g_test_add ("/ui/map/position", Fixture, NULL, fixture_set_up, test_position, fixture_tear_down);
  g_test_add ("/ui/map/geoclue-missing", Fixture, NULL, fixture_set_up, test_geoclue_missing, fixture_tear_down);

  return g_test_run ();
}
