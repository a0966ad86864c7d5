/* test-area-ui.c — a grid leader's area review at a phone's 360×720 under
 * Xvfb: the rates for the last ten days, the overdue board, the to-do
 * acted on from the page, the formula behind a rate, the weekly summary
 * saved, hot spots on the map, and a worker's own view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gp-area-page.h"
#include "gp-clock.h"
#include "gp-context.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-step-dialog.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-window.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  char       *dir;
  GSettings  *settings;
  GpContext  *context;
  GpStore    *store;
  GpGeoPoint  spot;          /* 5号楼 */
  char       *overdue;
  char       *unregistered;
  char       *to_verify;
  char       *to_call;
} Fixture;

/* A case of the demo grid reported @hours ago at 5号楼, taken through
 * @actions by the leader li and the worker wang, ten minutes apart. */
static char *
add_case (Fixture            *fixture,
          const char         *category,
          const char         *description,
          const char         *level,
          double              hours,
          const char * const *actions)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GDateTime) reported = g_date_time_add_seconds (now, -hours * 3600);
  g_autoptr(JsonObject) point = gp_geo_point_new (fixture->spot);
  g_autoptr(GError) error = NULL;
  const char *id;

  g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", GP_SOURCE_PATROL, "category", category,
                "reporter", "wang", "reported-at", reported, "description", description, "grade", level, NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  id = gp_document_get_id (GP_DOCUMENT (incident));
  g_ptr_array_add (documents, g_object_ref (incident));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      GpEvent *event = gp_event_new (id);
      g_autoptr(GDateTime) at = g_date_time_add_seconds (reported, 300 + 600 * i);
      gboolean worker = g_str_equal (actions[i], "accept") || g_str_equal (actions[i], "start") ||
                        g_str_equal (actions[i], "handled");

      g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", actions[i], "actor", worker ? "wang" : "li",
                    "role", worker ? GP_ROLE_WORKER : GP_ROLE_LEADER, "at", at, NULL);
      if (g_str_equal (actions[i], "dispatch"))
        g_object_set (event, "target", "wang", NULL);
      if (g_str_equal (actions[i], "handled"))
        g_object_set (event, "note", "已清理干净", NULL);
      if (g_str_equal (actions[i], "verify"))
        g_object_set (event, "result", GP_VERIFY_PASS, NULL);
      g_ptr_array_add (documents, event);
    }
  g_assert_true (gp_documents_save_all (fixture->store, documents, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  return g_strdup (id);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *keys[] = { "current-grid", "user-name", "role", "map-layers", "sync-grids" };
  const char * const started[] = { "register", "dispatch", "accept", "start", NULL };
  const char * const handled[] = { "register", "dispatch", "accept", "start", "handled", NULL };
  const char * const verified[] = { "register", "dispatch", "accept", "start", "handled", "verify", NULL };
  const char * const none[] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpDocument) building = NULL;

  fixture->settings = g_settings_new (APPLICATION_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  g_settings_set_string (fixture->settings, "user-name", "li");
  g_settings_set_string (fixture->settings, "role", GP_ROLE_LEADER);
  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  building = gp_documents_load (fixture->store, "building:610103003003-05", &error);
  g_assert_no_error (error);
  gp_geo_geometry_get_center (gp_document_get_geometry (building), &fixture->spot);

  /* Level A started six days ago: red. Reported two hours ago and not
   * registered: red. Two waiting for the leader. All at 5号楼. */
  fixture->overdue = add_case (fixture, "01001", "井盖松动", "A", 6 * 24, started);
  fixture->unregistered = add_case (fixture, "06010", "楼前垃圾堆积", "B", 2, none);
  fixture->to_verify = add_case (fixture, "06010", "垃圾桶满溢", "B", 30, handled);
  fixture->to_call = add_case (fixture, "06010", "小广告", "B", 50, verified);

  fixture->context = gp_context_new (fixture->settings);
  gp_test_set_store (fixture->context, fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_test_settle ();
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->overdue);
  g_free (fixture->unregistered);
  g_free (fixture->to_verify);
  g_free (fixture->to_call);
}

static gboolean
page_loaded (gpointer data)
{
  return gp_area_page_get_stats (data) != NULL && !gp_area_page_get_loading (data);
}

static void
wait_loaded (GpAreaPage *page)
{
  gp_test_wait_frames (GTK_WIDGET (page), 2);
  g_assert_true (gp_test_wait_until (page_loaded, page, 20000));
  gp_test_wait_frames (GTK_WIDGET (page), 3);
}

static void
last_ten_days (GpAreaPage *page)
{
  g_autoptr(GDateTime) now = gp_clock_new_now_at_offset (GP_CLOCK_CHINA_UTC_OFFSET);
  GDate first, last;

  g_date_clear (&last, 1);
  g_date_set_dmy (&last, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  first = last;
  g_date_subtract_days (&first, 10);
  gp_area_page_set_range (page, &first, &last);
  wait_loaded (page);
}

static GpBoardCase *
todo_entry (GpAreaPage *page,
            const char *incident)
{
  GpStats *stats = gp_area_page_get_stats (page);

  for (guint i = 0; i < stats->todo->len; i++)
    if (g_str_equal (((GpBoardCase *) g_ptr_array_index (stats->todo, i))->incident, incident))
      return g_ptr_array_index (stats->todo, i);
  return NULL;
}

static gboolean
file_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
summary_saved (gpointer data)
{
  return gp_area_page_get_message (data) != NULL && !gp_area_page_get_loading (data);
}

static void
test_leader (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *window = adw_window_new ();
  GpAreaPage *page = GP_AREA_PAGE (gp_area_page_new (fixture->context));
  GpStats *stats;
  g_autofree char *text = NULL;
  g_autofree char *pdf = g_build_filename (fixture->dir, "weekly.pdf", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "weekly.csv", NULL);
  GtkScrolledWindow *scroller;

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (page));
  gp_test_present_phone (GTK_WINDOW (window));
  last_ten_days (page);
  stats = gp_area_page_get_stats (page);

  /* Four reported; three registered within ten minutes. */
  g_assert_cmpint (stats->reported, ==, 4);
  g_assert_cmpfloat (stats->rates[GP_RATE_RESPONSE].numerator, ==, 3);
  g_assert_cmpint (stats->rates[GP_RATE_RESPONSE].denominator, ==, 4);
  /* Red: the level-A case and the one not registered. */
  g_assert_cmpuint (stats->overdue->len, ==, 2);
  g_assert_cmpstr (((GpBoardCase *) g_ptr_array_index (stats->overdue, 0))->incident, ==, fixture->overdue);
  g_assert_cmpuint (stats->todo->len, ==, 3);
  g_assert_cmpint (todo_entry (page, fixture->to_verify)->state, ==, GP_STATE_HANDLED);
  /* All four at 5号楼: one hot spot. */
  g_assert_cmpuint (stats->hot_spots->len, ==, 1);
  g_assert_cmpuint (((GpHotSpot *) g_ptr_array_index (stats->hot_spots, 0))->count, ==, 4);

  text = gp_test_collect_text (window);
  g_assert_nonnull (strstr (text, gp_rate_kind_label (GP_RATE_RESPONSE)));
  g_assert_nonnull (strstr (text, "75.0%"));
  g_assert_nonnull (strstr (text, "井盖松动"));
  g_assert_nonnull (strstr (text, gp_action_label (GP_ACTION_VERIFY)));
  /* The photo evidence row: the cases with photos, none from the gallery. */
  {
    g_autofree char *photos = g_strdup_printf (ngettext ("Photos of %lld Case", "Photos of %lld Cases",
                                                         (unsigned long) stats->with_photos),
                                               (long long) stats->with_photos);
    g_autofree char *gallery = g_strdup_printf (ngettext ("%lld from the gallery", "%lld from the gallery", 0), 0LL);

    g_assert_nonnull (strstr (text, photos));
    g_assert_nonnull (strstr (text, gallery));
  }
  gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "area-zh_CN-360x720" : "area-360x720");

  /* The formula behind a rate, with its counts. */
  gtk_widget_activate_action (GTK_WIDGET (page), "area.explain-rate", "u", GP_RATE_RESPONSE);
  {
    AdwDialog *dialog = gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG);

    g_assert_nonnull (dialog);
    g_assert_nonnull (strstr (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)), "3 ÷ 4 = 75.0%"));
    g_assert_nonnull (strstr (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)),
                              gp_rate_kind_formula (GP_RATE_RESPONSE)));
    gp_test_alert_respond (ADW_ALERT_DIALOG (dialog), "close");
  }

  /* This week, still running (it is Wednesday): the daily bulletin is
   * today's, never a day still ahead. */
  gp_area_page_set_period (page, 1);
  wait_loaded (page);
  {
    AdwActionRow *daily = ADW_ACTION_ROW (gtk_widget_get_template_child (GTK_WIDGET (page), GP_TYPE_AREA_PAGE,
                                                                         "daily_row"));

    g_assert_cmpstr (adw_action_row_get_subtitle (daily), ==, "2026-11-25");
  }
  last_ten_days (page);

  /* Further down: the board and the to-do, at a thumb's reach. */
  scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (page), GP_TYPE_AREA_PAGE, "scroller"));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), 560);
  gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "area-board-zh_CN-360x720" : "area-board-360x720");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), 1400);
  gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "area-more-zh_CN-360x720" : "area-more-360x720");

  /* Verify from the to-do: the step's dialog, then the case moves on. */
  gtk_widget_activate_action (GTK_WIDGET (page), "area.step", "(ss)", fixture->to_verify, GP_ACTION_VERIFY);
  gp_step_dialog_done (GP_STEP_DIALOG (gp_test_wait_for_dialog (GP_TYPE_STEP_DIALOG)));
  gp_test_wait_for_no_dialog (GP_TYPE_STEP_DIALOG);
  gp_area_page_reload (page);
  wait_loaded (page);
  g_assert_cmpint (todo_entry (page, fixture->to_verify)->state, ==, GP_STATE_CALLBACK);

  /* The callback, with the resident not satisfied: back to the handler. */
  gtk_widget_activate_action (GTK_WIDGET (page), "area.step", "(ss)", fixture->to_call, GP_ACTION_CALLBACK);
  {
    GpStepDialog *dialog = GP_STEP_DIALOG (gp_test_wait_for_dialog (GP_TYPE_STEP_DIALOG));
    GtkSwitch *resolved = GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (dialog), GP_TYPE_STEP_DIALOG,
                                                                     "resolved_switch"));

    /* The case is read off the main loop; the dialog fills in for it. */
    g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_step_dialog_get_ready, dialog, 10000));
    g_assert_true (gtk_switch_get_active (resolved));
    /* Nothing is chosen for the resident: taken so, the step asks first. */
    gp_step_dialog_done (dialog);
    g_assert_cmpstr (gp_step_dialog_get_message (dialog), ==, _("Choose what the resident said"));
    g_assert_false (gp_step_dialog_get_busy (dialog));
    gp_step_dialog_set_choice (dialog, GP_UNSATISFIED);
    g_assert_null (gp_step_dialog_get_message (dialog));
    g_assert_false (gtk_switch_get_active (resolved));
    gp_step_dialog_set_note (dialog, "居民反映仍有小广告");
    gp_test_wait_frames (GTK_WIDGET (dialog), 10);
    gp_test_save_widget_png (GTK_WIDGET (dialog), g_getenv ("LANGUAGE") ? "area-callback-zh_CN-360x720"
                                                                        : "area-callback-360x720");
    gp_step_dialog_done (dialog);
  }
  gp_test_wait_for_no_dialog (GP_TYPE_STEP_DIALOG);
  gp_area_page_reload (page);
  wait_loaded (page);
  g_assert_null (todo_entry (page, fixture->to_call));
  stats = gp_area_page_get_stats (page);
  g_assert_cmpint (stats->evaluated, ==, 1);
  g_assert_cmpint (stats->unsatisfied, ==, 1);
  g_assert_cmpfloat (stats->rates[GP_RATE_RESOLVED].numerator, ==, 0);

  /* The weekly summary, and its CSV beside it. */
  gp_area_page_save_summary (page, GP_PERIOD_WEEK, pdf);
  g_assert_true (gp_test_wait_until (file_written, csv, 20000));
  g_assert_true (gp_test_wait_until (summary_saved, page, 20000));
  {
    g_autofree char *bytes = NULL;

    g_assert_true (g_file_get_contents (pdf, &bytes, NULL, NULL));
    g_assert_true (g_str_has_prefix (bytes, "%PDF-"));
  }
  g_assert_nonnull (strstr (gp_area_page_get_message (page), "weekly.pdf"));
  /* Open and Share stay at hand below the summaries. */
  {
    GtkWidget *saved = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), GP_TYPE_AREA_PAGE, "saved_row"));
    g_autofree char *shown = gp_test_collect_text (saved);

    g_assert_true (gtk_widget_get_visible (saved));
    g_assert_nonnull (strstr (shown, "weekly.pdf"));
    g_assert_nonnull (strstr (shown, C_("summary", "Open")));
    g_assert_nonnull (strstr (shown, _("Share…")));
    g_assert_true (gtk_widget_is_sensitive (saved));
  }
  {
    /* Its first page, for review, in the language the test runs in. */
    g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
    g_autofree char *prefix = g_build_filename (dir, g_getenv ("LANGUAGE") ? "area-summary-zh_CN" : "area-summary",
                                                NULL);
    const char *argv[] = { "pdftoppm", "-r", "60", "-png", "-singlefile", "-f", "1", "-l", "1", pdf, prefix, NULL };
    int status = 0;

    g_mkdir_with_parents (dir, 0755);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A worker sees their own figures, and as to-do the cases given to them. */
static void
test_worker (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *window = adw_window_new ();
  GpAreaPage *page = GP_AREA_PAGE (gp_area_page_new (fixture->context));
  GpStats *stats;
  g_autofree char *text = NULL;

  g_settings_set_string (fixture->settings, "role", GP_ROLE_WORKER);
  g_settings_set_string (fixture->settings, "user-name", "wang");
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (page));
  gp_test_present_phone (GTK_WINDOW (window));
  last_ten_days (page);
  stats = gp_area_page_get_stats (page);

  g_assert_cmpstr (stats->worker, ==, "wang");
  g_assert_cmpuint (stats->todo->len, ==, 1);
  g_assert_cmpstr (((GpBoardCase *) g_ptr_array_index (stats->todo, 0))->incident, ==, fixture->overdue);
  text = gp_test_collect_text (window);
  g_assert_nonnull (strstr (text, _("Your Cases to Handle")));
  g_assert_nonnull (strstr (text, gp_action_label (GP_ACTION_HANDLED)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* In the app: the hot spot on the map, from the area page. */
static void
test_hot_spots_on_map (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (gp_window_new (NULL, fixture->context));
  AdwViewStack *stack = ADW_VIEW_STACK (gtk_widget_get_template_child (window, GP_TYPE_WINDOW, "view_stack"));
  AdwBin *area_bin = ADW_BIN (gtk_widget_get_template_child (window, GP_TYPE_WINDOW, "area_bin"));
  AdwBin *map_bin = ADW_BIN (gtk_widget_get_template_child (window, GP_TYPE_WINDOW, "map_bin"));
  GpMapPage *map = GP_MAP_PAGE (adw_bin_get_child (map_bin));
  GpAreaPage *page;
  g_auto(GStrv) layers = NULL;

  /* Built when first shown. */
  g_assert_null (adw_bin_get_child (area_bin));
  g_settings_set_strv (fixture->settings, "map-layers", (const char * const[]) { "boundary", "buildings", NULL });
  gp_test_present_phone (GTK_WINDOW (window));
  adw_view_stack_set_visible_child_name (stack, "area");
  page = GP_AREA_PAGE (adw_bin_get_child (area_bin));
  last_ten_days (page);
  gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "area-window-zh_CN-360x720" : "area-window-360x720");
  {
    GtkScrolledWindow *scroller =
      GTK_SCROLLED_WINDOW (gtk_widget_get_template_child (GTK_WIDGET (page), GP_TYPE_AREA_PAGE, "scroller"));

    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), 600);
    gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "area-window-board-zh_CN-360x720"
                                                          : "area-window-board-360x720");
  }
  g_assert_cmpuint (gp_overlay_layer_get_n_hot_spots (gp_map_page_get_overlay_layer (map)), ==, 1);

  gtk_widget_activate_action (window, "win.show-hot-spot", "(dd)", fixture->spot.lat, fixture->spot.lon);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "map");
  layers = g_settings_get_strv (fixture->settings, "map-layers");
  g_assert_true (g_strv_contains ((const char * const *) layers, "hotspots"));
  gp_test_wait_for_map (map);
  gp_test_wait_frames (window, 10);
  {
    g_autoptr(GdkTexture) texture = gp_test_render (window);

    /* The cell's red, around the middle of the screen. */
    g_assert_cmpuint (gp_test_count_colour (texture, 100, 200, 260, 520, 0xc01c28, 40), >, 50);
    gp_test_save_png (texture, "area-hot-spot-map-360x720");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gp_test_ui_init (&argc, &argv);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/ui/area/leader", Fixture, NULL, fixture_set_up, test_leader, fixture_tear_down);
  g_test_add ("/ui/area/worker", Fixture, NULL, fixture_set_up, test_worker, fixture_tear_down);
  g_test_add ("/ui/area/hot-spots-on-map", Fixture, NULL, fixture_set_up, test_hot_spots_on_map, fixture_tear_down);

  return g_test_run ();
}
