/* test-patrol-ui.c — a patrol walked in the app at 360×720 under Xvfb, the
 * positions replayed from a GPX walk through the demo grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-context.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-map-page.h"
#include "gp-patrol-page.h"
#include "gp-preferences-dialog.h"
#include "gp-replay-location.h"
#include "gp-store.h"
#include "gp-basemap.h"
#include "gp-sync-manager.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-test-walk.h"
#include "gp-visit-dialog.h"
#include "gp-window.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

typedef struct
{
  char       *dir;
  GSettings  *settings;
  GpContext  *context;
  GpStore    *store;
  GpRoute    *route;
  GpLocation *location;
  double      walk_length;
  GtkWidget  *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *keys[] = { "current-grid", "user-name", "role", "location-replay-file" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GArray) walk = NULL;
  g_autofree char *gpx = NULL;
  g_autofree char *path = NULL;

  fixture->settings = g_settings_new (APPLICATION_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  g_settings_set_string (fixture->settings, "user-name", "wang");
  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  routes = gp_documents_load_all (fixture->store, "route", GP_DEMO_GRID_CODE, &error);
  fixture->route = g_object_ref (g_ptr_array_index (routes, 0));

  /* The walk, replayed fifty times faster than walked. */
  walk = gp_test_walk_route (fixture->route, 1.4, gp_clock_get_real_time (), 1);
  fixture->walk_length = gp_test_walk_length (walk);
  gpx = gp_test_walk_gpx (walk);
  path = g_build_filename (fixture->dir, "walk.gpx", NULL);
  g_assert_true (g_file_set_contents (path, gpx, -1, NULL));
  fixture->location = gp_replay_location_new_for_file (path, 50, &error);
  g_assert_no_error (error);

  fixture->context = gp_context_new (fixture->settings);
  gp_context_set_location (fixture->context, fixture->location);
  gp_test_set_store (fixture->context, fixture->store);
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
  g_clear_object (&fixture->location);
  g_clear_object (&fixture->route);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
is_ready (gpointer data)
{
  Fixture *fixture = data;
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (fixture->window, GP_TYPE_WINDOW, "stack"));

  return gtk_widget_get_mapped (fixture->window) && gtk_widget_get_width (fixture->window) > 0 &&
         g_strcmp0 (gtk_stack_get_visible_child_name (stack), "main") == 0;
}

static GtkWidget *
child (Fixture    *fixture,
       const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (fixture->window, GP_TYPE_WINDOW, name));
}

static gboolean
replay_done (gpointer data)
{
  GpReplayLocation *location = data;

  return gp_replay_location_get_played (location) == gp_replay_location_get_n_fixes (location);
}

static gboolean
halfway (gpointer data)
{
  GpReplayLocation *location = data;

  return gp_replay_location_get_played (location) >= gp_replay_location_get_n_fixes (location) / 2;
}

static gboolean
visit_counted (gpointer data)
{
  GpMapData *map_data = gp_overlay_layer_get_data (gp_map_page_get_overlay_layer (data));
  const GpMapBuilding *building = map_data ? gp_map_data_find_building (map_data, "building:610103003003-05") : NULL;
  gint64 before = gp_visit_due_before (30, gp_clock_get_now ());

  return building != NULL && gp_map_building_count_due (building, before) == building->last_visits->len - 1;
}

static gboolean
has_recorder (gpointer data)
{
  return gp_patrol_page_get_recorder (data) != NULL;
}

static gboolean
no_recorder (gpointer data)
{
  return gp_context_get_recorder (data) == NULL;
}

static gboolean
visit_gone (gpointer data)
{
  return *(GpVisitDialog **) data == NULL;
}

/* Start on the patrol page, walk with the map on screen showing the track
 * and checkpoints turning reached, visit a household on the way, finish:
 * the patrol is recorded with its distance and checkpoints. */
/* Whether the small map under @data shows the basemap's buildings. */
static gboolean
shows_buildings (gpointer data)
{
  GtkWidget *map = data;
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_native (map));
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t bounds;

  if (!gtk_widget_compute_bounds (map, window, &bounds))
    return FALSE;
  texture = gp_test_render (window);
  return texture != NULL &&
         gp_test_count_colour (texture, bounds.origin.x, bounds.origin.y, bounds.origin.x + bounds.size.width,
                               bounds.origin.y + bounds.size.height, GP_BASEMAP_BUILDING_FILL, 2) > 300;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_walk (Fixture       *fixture,
           gconstpointer  data)
{
  GpPatrolPage *page;
  GpMapPage *map;
  GpPatrolRecorder *recorder;
  GpVisitDialog *visit;
  AdwViewStack *stack;
  g_autofree char *patrol_id = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GpDocument) patrol = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  guint total = gp_route_get_n_checkpoints (fixture->route);
  int frame_x, frame_y;

  fixture->window = GTK_WIDGET (gp_window_new (NULL, fixture->context));
  /* The patrol page first: the map would start the position before the
   * patrol, and the walk with it. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (child (fixture, "view_stack")), "patrol");
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (gp_test_wait_until (is_ready, fixture, 20000));
  frame_x = gtk_widget_get_width (fixture->window) - 360;
  frame_y = gtk_widget_get_height (fixture->window) - 720;
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360 - frame_x, 720 - frame_y);
  gp_test_wait_frames (fixture->window, 5);

  stack = ADW_VIEW_STACK (child (fixture, "view_stack"));
  page = GP_PATROL_PAGE (adw_bin_get_child (ADW_BIN (child (fixture, "patrol_bin"))));
  map = GP_MAP_PAGE (adw_bin_get_child (ADW_BIN (child (fixture, "map_bin"))));
  adw_view_stack_set_visible_child_name (stack, "patrol");
  gp_test_wait_frames (fixture->window, 5);
  /* No position is asked for until a patrol starts. */
  g_assert_cmpuint (gp_replay_location_get_played (GP_REPLAY_LOCATION (fixture->location)), ==, 0);
  g_assert_null (gp_context_get_recorder (fixture->context));
  gp_test_save_widget_png (fixture->window, "patrol-idle-360x720");

  /* The routes are read off the main loop; so is the start saved. */
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_patrol_page_get_ready, page, 10000));
  gp_patrol_page_set_route (page, gp_document_get_id (GP_DOCUMENT (fixture->route)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "patrol.start", NULL));
  g_assert_true (gp_test_wait_until (has_recorder, page, 10000));
  recorder = gp_patrol_page_get_recorder (page);
  g_assert_nonnull (recorder);
  patrol_id = g_strdup (gp_patrol_recorder_get_id (recorder));
  g_assert_true (gp_context_get_recorder (fixture->context) == recorder);

  /* Half the walk with the patrol page on screen… */
  g_assert_true (gp_test_wait_until (halfway, fixture->location, 20000));
  gp_test_wait_frames (fixture->window, 3);
  text = gp_test_collect_text (GTK_WIDGET (page));
  g_assert_nonnull (strstr (text, gp_route_get_name (fixture->route)));
  /* The first checkpoint says when it was reached, in the grid's time. */
  {
    GpCheckpoint first;
    g_autoptr(GDateTime) utc = NULL;
    g_autoptr(GTimeZone) zone = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);
    g_autoptr(GDateTime) at = NULL;
    g_autofree char *time = NULL;
    g_autofree char *expected = NULL;

    g_assert_true (gp_route_get_checkpoint (fixture->route, 0, &first));
    g_assert_true (gp_patrol_recorder_is_reached (recorder, first.id));
    utc = g_date_time_new_from_unix_utc (gp_patrol_recorder_get_reached_at (recorder, first.id) / G_USEC_PER_SEC);
    at = g_date_time_to_timezone (utc, zone);
    time = g_date_time_format (at, "%H:%M");
    expected = g_strdup_printf (_("Reached at %s"), time);
    g_assert_nonnull (strstr (text, expected));
  }
  g_clear_pointer (&text, g_free);
  gp_test_save_widget_png (fixture->window, "patrol-running-360x720");

  /* …a household visited on the way… */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "patrol.visit", NULL));
  visit = GP_VISIT_DIALOG (gp_test_wait_for_dialog (GP_TYPE_VISIT_DIALOG));
  /* The grid's buildings and households are read off the main loop. */
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_visit_dialog_get_ready, visit, 10000));
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  g_assert_true (gp_visit_dialog_choose (visit, "household:610103003003-05-1-101"));
  gp_visit_dialog_set_note (visit, "独居老人，送去米面");
  gp_visit_dialog_set_tags (visit, (const char *[]) { "needs_help", "policy_explained", NULL });
  gp_test_wait_frames (GTK_WIDGET (visit), 5);
  gp_test_save_widget_png (fixture->window, "visit-dialog-360x720");
  gp_visit_dialog_save (visit);
  g_assert_true (gp_test_wait_until (visit_gone, &visit, 10000));

  /* …and the rest with the map on screen: the track and green checkpoints. */
  adw_view_stack_set_visible_child_name (stack, "map");
  g_assert_true (gp_test_wait_until (replay_done, fixture->location, 30000));
  gp_test_wait_for_map (map);
  g_assert_cmpuint (gp_patrol_recorder_get_n_reached (recorder), ==, total);
  g_assert_cmpuint (gp_overlay_layer_get_n_reached (gp_map_page_get_overlay_layer (map)), ==, total);
  g_assert_cmpuint (gp_overlay_layer_get_n_track_points (gp_map_page_get_overlay_layer (map)), >, 20);
  gp_test_save_widget_png (fixture->window, "patrol-map-360x720");

  /* Finished: the record, the history, nothing more recorded. */
  adw_view_stack_set_visible_child_name (stack, "patrol");
  /* "Finish the patrol?" asked: Go On keeps it running, then Finish. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "patrol.finish", NULL));
  gp_test_alert_respond (ADW_ALERT_DIALOG (gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG)), "cancel");
  g_assert_true (gp_context_get_recorder (fixture->context) == recorder);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "patrol.finish", NULL));
  gp_test_alert_respond (ADW_ALERT_DIALOG (gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG)), "finish");
  g_assert_true (gp_test_wait_until (no_recorder, fixture->context, 10000));
  g_assert_null (gp_context_get_recorder (fixture->context));
  /* The patrol's report comes up at once: its route, every checkpoint
   * with the time it was reached. */
  {
    AdwDialog *report = gp_test_wait_for_dialog (ADW_TYPE_DIALOG);
    g_autofree char *said = NULL;
    g_autofree char *reached = g_strdup_printf (_("Reached at %s"), "");

    g_assert_cmpstr (adw_dialog_get_title (report), ==, _("Patrol Report"));
    gp_test_wait_frames (GTK_WIDGET (report), 20);
    said = gp_test_collect_text (GTK_WIDGET (report));
    g_assert_nonnull (strstr (said, gp_route_get_name (fixture->route)));
    g_assert_nonnull (strstr (said, reached));
    g_assert_null (strstr (said, _("Missed")));
    /* The track walked, on a small map over the grid's basemap: its
     * buildings drawn under the track. */
    {
      GtkWidget *small_map = find_named (GTK_WIDGET (report), "track-map");

      g_assert_nonnull (small_map);
      g_assert_cmpint (gtk_widget_get_height (small_map), >=, 200);
      g_assert_true (gp_test_wait_until (shows_buildings, small_map, 10000));
    }
    gp_test_save_widget_png (fixture->window, g_getenv ("LANGUAGE") ? "patrol-report-zh_CN-360x720"
                                                                    : "patrol-report-360x720");
    adw_dialog_force_close (report);
    gp_test_wait_for_no_dialog (ADW_TYPE_DIALOG);
  }
  g_assert_cmpuint (gp_overlay_layer_get_n_track_points (gp_map_page_get_overlay_layer (map)), ==, 0);
  patrol = gp_documents_load (fixture->store, patrol_id, NULL);
  g_assert_cmpstr (gp_patrol_get_status (GP_PATROL (patrol)), ==, GP_PATROL_FINISHED);
  g_test_message ("walked %.1f m, recorded %.1f m", fixture->walk_length, gp_patrol_get_distance_m (GP_PATROL (patrol)));
  g_assert_cmpfloat (fabs (gp_patrol_get_distance_m (GP_PATROL (patrol)) - fixture->walk_length) / fixture->walk_length,
                     <, 0.005);
  visits = gp_documents_load_all (fixture->store, "visit", GP_DEMO_GRID_CODE, NULL);
  g_assert_cmpuint (visits->len, ==, 1);
  g_assert_cmpstr (gp_visit_get_patrol (g_ptr_array_index (visits, 0)), ==, patrol_id);
  {
    g_auto(GStrv) tags = gp_visit_dup_tags (g_ptr_array_index (visits, 0));

    g_assert_nonnull (tags);
    g_assert_cmpuint (g_strv_length (tags), ==, 2);
    g_assert_cmpstr (tags[0], ==, "needs_help");
    g_assert_cmpstr (tags[1], ==, "policy_explained");
  }
  /* With its building, for the building's sheet on the map. */
  g_assert_cmpstr (gp_document_get_string_member (g_ptr_array_index (visits, 0), "building"), ==,
                   "building:610103003003-05");

  for (guint i = 0; i < 100; i++)
    gp_test_wait_frames (fixture->window, 1);
  text = gp_test_collect_text (GTK_WIDGET (page));
  g_assert_nonnull (strstr (text, gp_route_get_name (fixture->route)));   /* in the history */
  /* A past patrol opens to the same report. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "patrol.show", "s", patrol_id));
  {
    AdwDialog *report = gp_test_wait_for_dialog (ADW_TYPE_DIALOG);

    g_assert_cmpstr (adw_dialog_get_title (report), ==, _("Patrol Report"));
    adw_dialog_force_close (report);
    gp_test_wait_for_no_dialog (ADW_TYPE_DIALOG);
  }
  gp_test_save_widget_png (fixture->window, "patrol-finished-360x720");

  /* Coverage on the map: the visited household no longer counts as due,
   * and the buildings due a visit are drawn in orange. */
  g_assert_true (gp_test_wait_until (visit_counted, map, 10000));
  {
    g_autoptr(GdkTexture) before = NULL;
    g_autoptr(GdkTexture) after = NULL;
    g_auto(GStrv) layers = NULL;
    guint orange_before, orange_after;

    adw_view_stack_set_visible_child_name (stack, "map");
    gp_test_wait_for_map (map);
    before = gp_test_render (fixture->window);
    orange_before = gp_test_count_colour (before, 0, 0, 360, 720, 0xe66100, 24);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "win.show-visits-due", NULL));
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "map");
    layers = g_settings_get_strv (fixture->settings, "map-layers");
    g_assert_true (g_strv_contains ((const char * const *) layers, "visits"));
    gp_test_wait_frames (fixture->window, 3);
    after = gp_test_render (fixture->window);
    orange_after = gp_test_count_colour (after, 0, 0, 360, 720, 0xe66100, 24);
    g_test_message ("orange pixels: %u without the coverage layer, %u with it", orange_before, orange_after);
    g_assert_cmpuint (orange_after, >, orange_before + 500);
    gp_test_save_widget_png (fixture->window, "patrol-coverage-map-360x720");
  }
}

static gboolean
preferences_done (gpointer data)
{
  return !gp_preferences_dialog_get_busy (data);
}

/* Preferences → You: a recorded walk can stand in for the device's
 * position; a file with no usable position in it is refused in words on
 * the same page and the choice stays as it was. */

/* The first widget of @type under @widget, depth first. */
static GtkWidget *
first_of_type (GtkWidget *widget,
               GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = first_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
static void
test_preferences_track (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *garbage = g_build_filename (fixture->dir, "garbage.nmea", NULL);
  g_autofree char *walk = g_build_filename (fixture->dir, "walk.gpx", NULL);
  g_autoptr(GFile) garbage_file = g_file_new_for_path (garbage);
  g_autoptr(GFile) walk_file = g_file_new_for_path (walk);
  g_autofree char *chosen = NULL;
  g_autofree char *text = NULL;
  g_autofree char *refused = g_strdup_printf (_("This track cannot be used: %s"), "");
  g_autofree char *chosen_text = g_strdup_printf (_("The recorded walk %s"), "walk.gpx");
  GpPreferencesDialog *preferences;
  const char *message;

  g_assert_true (g_file_set_contents (garbage,
                                      "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*00\n"
                                      "not a sentence at all\n",
                                      -1, NULL));

  preferences = GP_PREFERENCES_DIALOG (gp_preferences_dialog_new (fixture->context));
  gp_test_present_dialog (ADW_DIALOG (preferences), fixture->window);

  /* Garbage: refused, said on the page, the device stays the source. */
  gp_preferences_dialog_use_track (preferences, garbage_file);
  g_assert_true (gp_test_wait_until (preferences_done, preferences, 10000));
  message = gp_preferences_dialog_get_last_message (preferences);
  g_assert_nonnull (message);
  g_assert_true (g_str_has_prefix (message, refused));
  text = gp_test_collect_text (GTK_WIDGET (preferences));
  g_assert_nonnull (strstr (text, message));
  g_assert_nonnull (strstr (text, _("This device")));
  chosen = g_settings_get_string (fixture->settings, "location-replay-file");
  g_assert_cmpstr (chosen, ==, "");
  gp_test_save_widget_png (GTK_WIDGET (preferences), "preferences-track-refused-360x720");

  /* A real walk: chosen, and the page says which. */
  gp_preferences_dialog_use_track (preferences, walk_file);
  g_assert_true (gp_test_wait_until (preferences_done, preferences, 10000));
  g_assert_null (gp_preferences_dialog_get_last_message (preferences));
  g_clear_pointer (&chosen, g_free);
  chosen = g_settings_get_string (fixture->settings, "location-replay-file");
  g_assert_cmpstr (chosen, ==, walk);
  g_clear_pointer (&text, g_free);
  gp_test_wait_frames (GTK_WIDGET (preferences), 2);
  text = gp_test_collect_text (GTK_WIDGET (preferences));
  g_assert_nonnull (strstr (text, chosen_text));

  /* "Download all photos": the switch turns the setting, which the sync
   * follows at once. */
  g_assert_nonnull (strstr (text, _("Download All Photos")));
  {
    GtkWidget *row = first_of_type (GTK_WIDGET (preferences), ADW_TYPE_SWITCH_ROW);
    GpSyncManager *sync = gp_context_get_sync (fixture->context);

    g_assert_nonnull (row);
    g_assert_false (adw_switch_row_get_active (ADW_SWITCH_ROW (row)));
    g_assert_false (gp_sync_manager_get_all_photos (sync));
    adw_switch_row_set_active (ADW_SWITCH_ROW (row), TRUE);
    g_assert_true (g_settings_get_boolean (fixture->settings, "download-all-photos"));
    g_assert_true (gp_sync_manager_get_all_photos (sync));
    g_settings_reset (fixture->settings, "download-all-photos");
    g_assert_false (adw_switch_row_get_active (ADW_SWITCH_ROW (row)));
    g_assert_false (gp_sync_manager_get_all_photos (sync));
  }

  adw_dialog_force_close (ADW_DIALOG (preferences));
  g_settings_reset (fixture->settings, "location-replay-file");
}

int
main (int   argc,
      char *argv[])
{
  gp_test_ui_init (&argc, &argv);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/ui/patrol/walk", Fixture, NULL, fixture_set_up, test_walk, fixture_tear_down);
  g_test_add ("/ui/patrol/preferences-track", Fixture, NULL, fixture_set_up, test_preferences_track,
              fixture_tear_down);

  return g_test_run ();
}
