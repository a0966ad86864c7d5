/* test-tour.c — every page and every dialog of the app, walked as a worker
 * and a leader would on a phone (360×720, and turned to 720×360), each
 * rendered to a PNG for review, each dialog opened and left by its own
 * buttons. The suite runs with G_DEBUG=fatal-warnings and
 * G_ENABLE_DIAGNOSTIC=1: a deprecated widget, property or call anywhere
 * on the way, a critical, or a warning aborts it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gp-area-page.h"
#include "gp-basemap.h"
#include "gp-context.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-demo-history.h"
#include "gp-documents.h"
#include "gp-incident-view.h"
#include "gp-incidents-page.h"
#include "gp-map-page.h"
#include "gp-patrol-page.h"
#include "gp-preferences-dialog.h"
#include "gp-camera-dialog.h"
#include "gp-photo-picker.h"
#include "gp-report-window.h"
#include "gp-step-dialog.h"
#include "gp-store.h"
#include "gp-sync-dialog.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-visit-dialog.h"
#include "gp-window.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

typedef struct
{
  char      *dir;
  GSettings *settings;
  GpContext *context;
  GpStore   *store;
  GtkWidget *window;
  char      *incident;
} Fixture;

static const char *pages[] = { "map", "patrol", "incidents", "area" };

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *keys[] = { "current-grid", "user-name", "role", "location-replay-file" };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  fixture->settings = g_settings_new (APPLICATION_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  g_settings_set_string (fixture->settings, "user-name", "li");
  g_settings_set_string (fixture->settings, "role", GP_ROLE_LEADER);
  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
  /* With its weeks of work, as the app's demo comes. */
  g_assert_true (gp_demo_history_install (fixture->store, GP_DEMO_DEFAULT_SEED, gp_clock_get_now (), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->store);

  /* A case reported by the worker wang, for the leader to act on. */
  out = gp_test_ctl (0, NULL, "--data-dir", fixture->dir, "report", "--category", "06010",
                     "--building", "building:610103003003-01", "--text", "楼前垃圾堆积", "--as", "wang", NULL);
  fixture->incident = g_strdup (g_strstrip (out));
  g_assert_true (g_str_has_prefix (fixture->incident, "incident:"));

  fixture->store = gp_test_open_store (fixture->dir);
  fixture->context = gp_context_new (fixture->settings);
  gp_test_set_store (fixture->context, fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  gp_test_settle ();
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->incident);
}

static GtkWidget *
child (Fixture    *fixture,
       const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (fixture->window, GP_TYPE_WINDOW, name));
}

static GtkWidget *
page_widget (Fixture    *fixture,
             const char *name)
{
  g_autofree char *bin = g_strconcat (name, "_bin", NULL);

  return adw_bin_get_child (ADW_BIN (child (fixture, bin)));
}

static gboolean
is_main (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (fixture->window) &&
         g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (child (fixture, "stack"))), "main") == 0;
}

/* tour-<what>[-zh_CN]-<width>x<height>[-renderer].png */
/* The pages' buttons under a fingertip's size, said at the tour's end. */
static GString *small_buttons;

/* The buttons on screen smaller than a fingertip, but those of the
 * window's own controls (close, minimise), which the system draws; a
 * dialog's close button is the app's, and counts. */
static void
collect_small_buttons (GtkWidget *widget,
                       GString   *small)
{
  if (!gtk_widget_get_mapped (widget) ||
      (GTK_IS_WINDOW_CONTROLS (widget) && gtk_widget_get_ancestor (widget, ADW_TYPE_DIALOG) == NULL))
    return;
  graphene_rect_t box;

  if (GTK_IS_BUTTON (widget) && gtk_widget_get_sensitive (widget) && gtk_widget_compute_bounds (widget, widget, &box) &&
      (box.size.width < 44 || box.size.height < 44))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      const char *icon = gtk_button_get_icon_name (GTK_BUTTON (widget));

      g_string_append_printf (small, "[%s %s %.0f×%.0f] ", G_OBJECT_TYPE_NAME (widget),
                              label ? label : icon ? icon : gtk_widget_get_tooltip_text (widget)
                                                                ? gtk_widget_get_tooltip_text (widget) : "?",
                              box.size.width, box.size.height);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_small_buttons (child, small);
}

static void
save (GtkWidget  *widget,
      const char *what,
      int         width,
      int         height)
{
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *name = g_strdup_printf ("tour-%s%s%s-%dx%d", what, language ? "-" : "", language ? language : "",
                                           width, height);

  /* Long enough for a dialog to have risen or faded in. */
  gp_test_wait_frames (widget, 30);
  gp_test_save_widget_png (widget, name);

  /* No keyboard mnemonics shown on a touch screen, as 「上报(R)」. */
  if (language != NULL)
    {
      g_autofree char *text = gp_test_collect_text (GTK_WIDGET (gtk_widget_get_root (widget)));

      if (g_regex_match_simple ("\\(_?[A-Z]\\)", text, 0, 0))
        g_error ("%s shows a mnemonic: %s", name, text);
    }

  /* Every button a thumb can hit: 44 px each way at least. */
  {
    g_autoptr(GString) small = g_string_new (NULL);

    collect_small_buttons (GTK_WIDGET (gtk_widget_get_root (widget)), small);
    if (small->len > 0)
      g_string_append_printf (small_buttons, "\n%s: %s", name, small->str);
  }

  /* Nothing asks for more width than the screen has. */
  {
    GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
    int minimum = 0;

    gtk_widget_measure (root, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    if (minimum > width)
      g_error ("%s needs %d px of width, the screen has %d", name, minimum, width);
  }
}

static gboolean
page_settled (gpointer data)
{
  GtkWidget *page = data;

  if (GP_IS_AREA_PAGE (page))
    return !gp_area_page_get_loading (GP_AREA_PAGE (page));
  if (GP_IS_INCIDENTS_PAGE (page))
    return !gp_incidents_page_get_loading (GP_INCIDENTS_PAGE (page));
  return TRUE;
}

/* Each of the four pages, from the switcher, drawn. */
static void
visit_pages (Fixture *fixture,
             int      width,
             int      height)
{
  AdwViewStack *stack = ADW_VIEW_STACK (child (fixture, "view_stack"));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = page_widget (fixture, pages[i]);

      adw_view_stack_set_visible_child_name (stack, pages[i]);
      if (GP_IS_MAP_PAGE (page))
        gp_test_wait_for_map (GP_MAP_PAGE (page));
      g_assert_true (gp_test_wait_until (page_settled, page, 20000));
      save (fixture->window, pages[i], width, height);
    }
}

static gboolean
dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Shows a dialog's look over the window, then leaves it by its own close
 * or cancel: the window is whole again afterwards. */
static void
leave_dialog (Fixture    *fixture,
              AdwDialog  *dialog,
              const char *what)
{
  gpointer alive = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  save (fixture->window, what, GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
  g_assert_true (adw_dialog_close (dialog));
  g_assert_true (gp_test_wait_until (dialog_gone, &alive, 10000));
}

static AdwNavigationView *
report_navigation (GpReportWindow *report)
{
  return ADW_NAVIGATION_VIEW (gtk_widget_get_template_child (GTK_WIDGET (report), GP_TYPE_REPORT_WINDOW,
                                                             "navigation"));
}

static const char *
report_page (GpReportWindow *report)
{
  return adw_navigation_page_get_tag (adw_navigation_view_get_visible_page (report_navigation (report)));
}

static gboolean
on_households_page (gpointer data)
{
  return g_strcmp0 (report_page (data), "households") == 0;
}

static gboolean
shows_buildings (gpointer data)
{
  g_autoptr(GdkTexture) texture = gp_test_render (data);

  return texture != NULL &&
         gp_test_count_colour (texture, 0, 0, gdk_texture_get_width (texture), gdk_texture_get_height (texture),
                               GP_BASEMAP_BUILDING_FILL, 2) > 1000;
}

static gboolean
camera_on (gpointer data)
{
  return gp_camera_get_state (gp_camera_dialog_get_camera (data)) == GP_CAMERA_STATE_ON;
}

static gboolean
camera_kept_one (gpointer data)
{
  return gp_camera_dialog_get_n_taken (data) == 1 && !gp_camera_dialog_get_busy (data);
}

/* The report flow: the form, each page it opens and back from it, then
 * "Discard" asked and kept, asked again and confirmed. */
static void
tour_report (Fixture *fixture)
{
  GpReportWindow *report;
  AdwDialog *question;

  g_assert_true (gtk_widget_activate_action (fixture->window, "win.report", NULL));
  report = GP_REPORT_WINDOW (gp_test_wait_for_window (GP_TYPE_REPORT_WINDOW));
  gp_test_present_phone (GTK_WINDOW (report));
  save (GTK_WIDGET (report), "report", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);

  struct { const char *action; const char *page; } steps[] = {
    { "report.choose-category", "categories" },
    { "report.choose-place", "place" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *what = g_strconcat ("report-", steps[i].page, NULL);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), steps[i].action, NULL));
      g_assert_cmpstr (report_page (report), ==, steps[i].page);
      save (GTK_WIDGET (report), what, GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
      /* Back, as the header's back button does. */
      g_assert_true (adw_navigation_view_pop (report_navigation (report)));
      gp_test_wait_frames (GTK_WIDGET (report), 10);
      g_assert_cmpstr (report_page (report), ==, "form");
    }

  /* A choice made lands back on the form, whichever page it was made on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-category", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.set-category", "s", "06010"));
  gp_test_wait_frames (GTK_WIDGET (report), 10);
  g_assert_cmpstr (report_page (report), ==, "form");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-place", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.set-place", "s",
                                             "building:610103003003-02"));
  gp_test_wait_frames (GTK_WIDGET (report), 10);
  g_assert_cmpstr (report_page (report), ==, "form");

  /* A point on the map, from inside the form: Back returns to "Where is
   * it?", and the point under the pin becomes the place. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-place", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.set-place", "s", "map"));
  g_assert_cmpstr (report_page (report), ==, "point");
  /* The grid's basemap, its buildings, under the pin. */
  g_assert_true (gp_test_wait_until (shows_buildings, report, 10000));
  save (GTK_WIDGET (report), "report-point", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
  g_assert_true (adw_navigation_view_pop (report_navigation (report)));
  gp_test_wait_frames (GTK_WIDGET (report), 10);
  g_assert_cmpstr (report_page (report), ==, "place");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.set-place", "s", "map"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.use-point", NULL));
  gp_test_wait_frames (GTK_WIDGET (report), 10);
  g_assert_cmpstr (report_page (report), ==, "form");
  {
    const GpReportDraft *draft = gp_report_window_get_draft (report);

    g_assert_true (draft->has_position);
    g_assert_cmpstr (draft->position_from, ==, "map");
  }

  /* A building chosen: its households on a page of their own, and back. */
  gp_report_window_set_building (report, "building:610103003003-01");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-household", NULL));
  /* Its households are read off the main loop. */
  g_assert_true (gp_test_wait_until (on_households_page, report, 10000));
  g_assert_cmpstr (report_page (report), ==, "households");
  save (GTK_WIDGET (report), "report-households", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
  g_assert_true (adw_navigation_view_pop (report_navigation (report)));
  gp_test_wait_frames (GTK_WIDGET (report), 10);
  g_assert_cmpstr (report_page (report), ==, "form");
  /* A household chosen: back on the form too, not on "Where is it?". */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-household", NULL));
  g_assert_true (gp_test_wait_until (on_households_page, report, 10000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.set-household", "s",
                                             "household:610103003003-01-1-101"));
  gp_test_wait_frames (GTK_WIDGET (report), 10);
  g_assert_cmpstr (report_page (report), ==, "form");

  /* The camera over the form, upright and turned: a shot, kept with its
   * stamp, joins the form's photos; Done returns to the form. */
  {
    GpPhotoPicker *picker = gp_report_window_get_photo_picker (report);
    GpCameraDialog *camera = gp_photo_picker_open_camera (picker);

    g_assert_true (gp_test_wait_until (camera_on, camera, 20000));
    save (GTK_WIDGET (report), "report-camera", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
    gp_camera_dialog_shoot (camera);
    g_assert_true (gp_test_wait_until (camera_kept_one, camera, 20000));
    gp_test_present_at (GTK_WINDOW (report), GP_TEST_PHONE_HEIGHT, GP_TEST_PHONE_WIDTH);
    save (GTK_WIDGET (report), "report-camera", GP_TEST_PHONE_HEIGHT, GP_TEST_PHONE_WIDTH);
    gp_test_present_phone (GTK_WINDOW (report));
    gp_test_tap_button (GTK_WIDGET (camera), _("_Done"));
    gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);
    g_assert_cmpuint (gp_photo_picker_get_photos (picker)->len, ==, 1);
    g_assert_cmpstr (report_page (report), ==, "form");
  }

  /* Something entered: discarding asks first. Keep, then discard. */
  gp_report_window_set_category (report, "06010");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.discard", NULL));
  question = gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG);
  save (GTK_WIDGET (report), "report-discard", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
  gp_test_alert_respond (ADW_ALERT_DIALOG (question), "cancel");
  g_assert_nonnull (gp_test_find_window (GP_TYPE_REPORT_WINDOW));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.discard", NULL));
  question = gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG);
  gp_test_alert_respond (ADW_ALERT_DIALOG (question), "discard");
  gp_test_wait_for_no_window (GP_TYPE_REPORT_WINDOW);
}

/* The widget under @widget whose action is @action. */
static GtkWidget *
find_action (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
view_loaded (gpointer data)
{
  return !gp_incident_view_get_loading (data) && gp_incident_view_get_incident (data) != NULL;
}

/* A case from the list: its page, a step's dialog opened and cancelled,
 * and back to the list. */
static void
tour_incident (Fixture *fixture)
{
  GpIncidentsPage *page = GP_INCIDENTS_PAGE (page_widget (fixture, "incidents"));
  GpIncidentView *view = gp_incidents_page_get_view (page);
  AdwNavigationSplitView *split;
  g_auto(GStrv) actions = NULL;
  GpStepDialog *step;

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (child (fixture, "view_stack")), "incidents");
  g_assert_true (gp_test_wait_until (page_settled, page, 20000));
  gp_incidents_page_show (page, fixture->incident);
  g_assert_true (gp_test_wait_until (view_loaded, view, 10000));
  split = ADW_NAVIGATION_SPLIT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), GP_TYPE_INCIDENTS_PAGE,
                                                                    "split_view"));
  g_assert_true (adw_navigation_split_view_get_collapsed (split));
  g_assert_true (adw_navigation_split_view_get_show_content (split));
  save (fixture->window, "incident", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);

  actions = gp_incident_view_dup_actions (view);
  g_assert_true (g_strv_contains ((const char * const *) actions, GP_ACTION_REGISTER));
  step = gp_incident_view_take_step (view, GP_ACTION_REGISTER);
  gp_test_wait_for_dialog (GP_TYPE_STEP_DIALOG);
  {
    gpointer alive = step;

    g_object_add_weak_pointer (G_OBJECT (step), &alive);
    save (fixture->window, "step", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "step.cancel", NULL));
    g_assert_true (gp_test_wait_until (dialog_gone, &alive, 10000));
  }
  /* Cancelled: no step taken. */
  gp_incident_view_reload (view);
  g_assert_true (gp_test_wait_until (view_loaded, view, 10000));
  g_assert_cmpuint (gp_incident_view_get_n_steps (view), ==, 0);

  /* "Show on Map": the map, centred on the incident. */
  {
    GtkWidget *row = find_action (GTK_WIDGET (view), "win.show-on-map");
    g_autoptr(GpDocument) incident = gp_documents_load (fixture->store, fixture->incident, NULL);
    GpMapPage *map = GP_MAP_PAGE (page_widget (fixture, "map"));
    ShumateViewport *viewport = shumate_map_get_viewport (gp_map_page_get_map (map));
    GpGeoPoint where;

    g_assert_nonnull (row);
    g_assert_true (gp_geo_geometry_get_center (gp_document_get_geometry (incident), &where));
    g_assert_true (gtk_widget_activate (row));
    gp_test_wait_frames (fixture->window, 10);
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (child (fixture, "view_stack"))), ==,
                     "map");
    g_assert_cmpfloat (fabs (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)) - where.lat), <, 1e-5);
    g_assert_cmpfloat (fabs (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)) - where.lon), <, 1e-5);
    adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (child (fixture, "view_stack")), "incidents");
    gp_test_wait_frames (fixture->window, 10);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "incidents.back", NULL));
  gp_test_wait_frames (fixture->window, 10);
  g_assert_false (adw_navigation_split_view_get_show_content (split));
}

static void
test_tour (Fixture       *fixture,
           gconstpointer  data)
{
  AdwDialog *dialog;

  small_buttons = g_string_new (NULL);
  fixture->window = GTK_WIDGET (gp_window_new (NULL, fixture->context));
  gp_test_present_phone (GTK_WINDOW (fixture->window));
  g_assert_true (gp_test_wait_until (is_main, fixture, 20000));

  /* The four pages, on a phone held upright. */
  visit_pages (fixture, GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);

  /* The dialogs of the header and the pages. */
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.show-sync", NULL));
  leave_dialog (fixture, gp_test_wait_for_dialog (GP_TYPE_SYNC_DIALOG), "sync");

  dialog = ADW_DIALOG (gp_preferences_dialog_new (fixture->context));
  gp_test_present_dialog (dialog, fixture->window);
  leave_dialog (fixture, dialog, "preferences");

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (child (fixture, "view_stack")), "patrol");
  g_assert_true (gtk_widget_activate_action (page_widget (fixture, "patrol"), "patrol.visit", NULL));
  leave_dialog (fixture, gp_test_wait_for_dialog (GP_TYPE_VISIT_DIALOG), "visit");

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (child (fixture, "view_stack")), "area");
  g_assert_true (gp_test_wait_until (page_settled, page_widget (fixture, "area"), 20000));
  g_assert_true (gtk_widget_activate_action (page_widget (fixture, "area"), "area.explain-rate", "u", 0));
  dialog = gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG);
  save (fixture->window, "rate", GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
  gp_test_alert_respond (ADW_ALERT_DIALOG (dialog), "close");

  tour_report (fixture);
  tour_incident (fixture);

  /* The phone turned: the same pages in landscape. */
  gp_test_present_at (GTK_WINDOW (fixture->window), GP_TEST_PHONE_HEIGHT, GP_TEST_PHONE_WIDTH);
  visit_pages (fixture, GP_TEST_PHONE_HEIGHT, GP_TEST_PHONE_WIDTH);

  if (small_buttons->len > 0)
    g_error ("buttons under 44 px, too small for a thumb:%s", small_buttons->str);
  g_string_free (small_buttons, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  /* The camera: GStreamer's test picture stands in for the sensor. */
  g_setenv ("GRIDPATROL_CAMERA", "videotestsrc is-live=true pattern=smpte ! "
            "capsfilter caps=video/x-raw,width=1280,height=960,framerate=15/1", TRUE);
  gp_test_ui_init (&argc, &argv);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/ui/tour/phone", Fixture, NULL, fixture_set_up, test_tour, fixture_tear_down);

  return g_test_run ();
}
