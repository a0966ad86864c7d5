/* test-window.c — the main window, for real, under Xvfb.
 *
 * Each case opens the window at a phone's 360×720 or a desktop's 1280×800,
 * checks what a user would see and saves a PNG rendering beside the build
 * (tests/screenshots/) for review.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-context.h"
#include "gp-demo.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-report-window.h"
#include "gp-window.h"
#include "gp-sync-dialog.h"
#include "gp-visit-dialog.h"
#include "gp-documents.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

typedef struct
{
  char      *dir;
  GpContext *context;
  GpWindow  *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  /* The memory backend keeps values across cases; start clean. */
  g_settings_reset (settings, "current-grid");
  g_settings_reset (settings, "user-name");
  g_settings_reset (settings, "role");
  fixture->dir = gp_test_make_dir ();
  fixture->context = gp_context_new (settings);
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
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static GtkWidget *
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), GP_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

typedef struct
{
  Fixture    *fixture;
  const char *page;
  int         width;
  int         height;
} Showing;

static gboolean
is_showing (gpointer data)
{
  Showing *showing = data;
  GtkWidget *window = GTK_WIDGET (showing->fixture->window);
  GtkStack *stack = GTK_STACK (child (showing->fixture, "stack"));

  return gtk_widget_get_mapped (window) &&
         gtk_widget_get_width (window) == showing->width &&
         gtk_widget_get_height (window) == showing->height &&
         g_strcmp0 (gtk_stack_get_visible_child_name (stack), showing->page) == 0 &&
         !gtk_stack_get_transition_running (stack);
}

/* Waits for the page at the size, then for two frames drawn. */
static void
wait_for (Fixture    *fixture,
          const char *page,
          int         width,
          int         height)
{
  Showing showing = { fixture, page, width, height };

  if (!gp_test_wait_until (is_showing, &showing, 20000))
    g_error ("the window did not show “%s” at %d×%d (it shows “%s” at %d×%d)", page, width, height,
             gtk_stack_get_visible_child_name (GTK_STACK (child (fixture, "stack"))),
             gtk_widget_get_width (GTK_WIDGET (fixture->window)),
             gtk_widget_get_height (GTK_WIDGET (fixture->window)));

  gp_test_wait_frames (GTK_WIDGET (fixture->window), 2);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* The frame libadwaita's windows keep inside the X surface for their
 * client-side decorations when no compositor runs, measured once on a
 * throwaway window. */
static void
get_frame (int *frame_x,
           int *frame_y)
{
  static int x = -1, y = -1;

  if (x < 0)
    {
      GtkWidget *probe = adw_application_window_new (NULL);
      GdkSurface *surface;

      gtk_window_set_default_size (GTK_WINDOW (probe), 400, 400);
      gtk_window_present (GTK_WINDOW (probe));
      g_assert_true (gp_test_wait_until (is_mapped, probe, 10000));
      while (gtk_widget_get_width (probe) == 0)
        g_main_context_iteration (NULL, TRUE);
      surface = gtk_native_get_surface (GTK_NATIVE (probe));
      x = gdk_surface_get_width (surface) - gtk_widget_get_width (probe);
      y = gdk_surface_get_height (surface) - gtk_widget_get_height (probe);
      gtk_window_destroy (GTK_WINDOW (probe));
    }
  *frame_x = x;
  *frame_y = y;
}

/* Opens the window so that its content gets exactly @width × @height, as
 * on a phone, where Phosh maximizes every window and nothing frames it. */
static void
open_window (Fixture *fixture,
             int      width,
             int      height)
{
  int frame_x, frame_y;

  get_frame (&frame_x, &frame_y);
  fixture->window = gp_window_new (NULL, fixture->context);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width + frame_x, height + frame_y);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

/* Renders the window as it is on screen to a PNG for review. */
static void
save_png (Fixture    *fixture,
          const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;

  gp_test_wait_frames (GTK_WIDGET (fixture->window), 1);
  texture = gp_test_render (GTK_WIDGET (fixture->window));
  g_assert_nonnull (texture);
  gp_test_save_png (texture, name);
}

static gboolean
is_main_page (gpointer data)
{
  Fixture *fixture = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (child (fixture, "stack"))), "main") == 0;
}

static void
test_welcome_then_demo_on_phone (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  GtkWidget *bar, *switcher, *page;

  gp_context_set_store (fixture->context, store);
  open_window (fixture, 360, 720);

  /* An empty store: the welcome page and its two choices. */
  wait_for (fixture, "welcome", 360, 720);
  g_assert_true (gtk_widget_get_visible (child (fixture, "demo_button")));
  g_assert_true (gtk_widget_is_sensitive (child (fixture, "connect_button")));
  /* Who works is asked first: no work under the system's user name. */
  g_assert_false (gtk_widget_is_sensitive (child (fixture, "demo_button")));
  save_png (fixture, data ? data : "welcome-360x720");
  gtk_editable_set_text (GTK_EDITABLE (child (fixture, "name_row")), "  王芳 ");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "role_row")), 1);
  g_assert_true (gtk_widget_is_sensitive (child (fixture, "demo_button")));
  {
    g_autofree char *name = g_settings_get_string (gp_context_get_settings (fixture->context), "user-name");
    g_autofree char *role = g_settings_get_string (gp_context_get_settings (fixture->context), "role");

    g_assert_cmpstr (name, ==, "王芳");
    g_assert_cmpstr (role, ==, "leader");
  }

  /* One tap on "Open the Demo Grid". */
  g_assert_true (gtk_widget_activate (child (fixture, "demo_button")));
  g_assert_true (gp_test_wait_until (is_main_page, fixture, 20000));
  wait_for (fixture, "main", 360, 720);

  g_assert_cmpint (gp_store_count (store, "household", GP_DEMO_GRID_CODE, NULL), ==, 420);
  /* On a phone the header names the grid and the pages switch at the
   * bottom. */
  switcher = child (fixture, "window_title");
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (switcher)), ==, "文昌花园网格");
  g_assert_true (adw_header_bar_get_title_widget (ADW_HEADER_BAR (child (fixture, "header_bar"))) == switcher);
  bar = child (fixture, "switcher_bar");
  g_assert_true (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (bar)));

  /* The map page opens on the grid's own basemap, drawn on the device. */
  page = adw_bin_get_child (ADW_BIN (child (fixture, "map_bin")));
  g_assert_true (GP_IS_MAP_PAGE (page));
  gp_test_wait_for_map (GP_MAP_PAGE (page));
  g_assert_null (gp_map_page_get_message (GP_MAP_PAGE (page)));
  save_png (fixture, data ? "main-zh_CN-360x720" : "main-360x720");
}

/* The app's icons are SVG: without a loader for them every icon is a
 * "missing image". Render each and check it is not. */
static void
test_icons_render (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *icons[] = {
    "org.example.GridPatrol", "gp-map-symbolic", "gp-patrol-symbolic",
    "gp-incident-symbolic", "gp-area-symbolic",
  };
  GtkIconTheme *theme;
  gboolean svg = FALSE;
  GSList *formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    svg |= g_strcmp0 (gdk_pixbuf_format_get_name (l->data), "svg") == 0;
  g_slist_free (formats);
  if (!svg)
    g_error ("gdk-pixbuf cannot load SVG: every icon would show as missing (install librsvg2-common)");

  open_window (fixture, 360, 720);
  theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (fixture->window)));
  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    {
      g_autoptr(GtkIconPaintable) icon = NULL;
      g_autoptr(GFile) file = NULL;
      g_autofree char *uri = NULL;

      g_assert_true (gtk_icon_theme_has_icon (theme, icons[i]));
      icon = gtk_icon_theme_lookup_icon (theme, icons[i], NULL, 64, 1, GTK_TEXT_DIR_NONE, 0);
      file = gtk_icon_paintable_get_file (icon);
      uri = file ? g_file_get_uri (file) : NULL;
      /* Found as our own, not replaced by the theme's missing-image icon. */
      g_assert_nonnull (uri);
      g_assert_null (strstr (uri, "image-missing"));
    }

  /* Every theme icon the pages and dialogs name is in the theme: a name
   * the theme lacks shows as an empty square (as emblem-ok-symbolic did
   * beside each checkpoint reached). */
  {
    g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "src", "ui", NULL);
    g_autoptr(GDir) sources = g_dir_open (dir, 0, NULL);
    g_autoptr(GRegex) name = g_regex_new ("\"([a-z0-9-]+-symbolic)\"|>([a-z0-9-]+-symbolic)<", 0, 0, NULL);
    const char *file;
    guint checked = 0;

    g_assert_nonnull (sources);
    while ((file = g_dir_read_name (sources)) != NULL)
      {
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;
        g_autoptr(GMatchInfo) match = NULL;

        if (!g_str_has_suffix (file, ".c") && !g_str_has_suffix (file, ".ui"))
          continue;
        path = g_build_filename (dir, file, NULL);
        g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
        for (g_regex_match (name, text, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
          {
            g_autofree char *icon = g_match_info_fetch (match, 1);

            if (icon == NULL || *icon == '\0')
              {
                g_free (icon);
                icon = g_match_info_fetch (match, 2);
              }
            if (!gtk_icon_theme_has_icon (theme, icon))
              g_error ("%s names the icon %s, which the theme does not have", file, icon);
            checked++;
          }
      }
    g_test_message ("%u icon names checked", checked);
    g_assert_cmpuint (checked, >, 20);
  }
}

static void
test_demo_on_desktop (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GError) error = NULL;
  GtkWidget *switcher;

  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  gp_context_set_store (fixture->context, store);
  open_window (fixture, 1280, 800);
  wait_for (fixture, "main", 1280, 800);

  /* On a wide window the pages switch in the header. */
  switcher = child (fixture, "switcher");
  g_assert_true (adw_header_bar_get_title_widget (ADW_HEADER_BAR (child (fixture, "header_bar"))) == switcher);
  g_assert_false (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (child (fixture, "switcher_bar"))));
  gp_test_wait_for_map (GP_MAP_PAGE (adw_bin_get_child (ADW_BIN (child (fixture, "map_bin")))));
  save_png (fixture, "main-1280x800");

  /* Every page is there and can be shown. */
  for (guint i = 0; i < 4; i++)
    {
      const char *pages[] = { "map", "patrol", "incidents", "area" };
      AdwViewStack *stack = ADW_VIEW_STACK (child (fixture, "view_stack"));

      adw_view_stack_set_visible_child_name (stack, pages[i]);
      g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, pages[i]);
    }
}

static void
test_store_too_new (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, GP_STORE_FILE_NAME, NULL);
  const char *description;
  sqlite3 *db = NULL;

  /* A store from a newer version: the window says so, in words. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 42", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  gp_context_open_store (fixture->context, fixture->dir);
  open_window (fixture, 360, 720);
  wait_for (fixture, "error", 360, 720);

  description = adw_status_page_get_description (ADW_STATUS_PAGE (child (fixture, "error_status")));
  g_assert_nonnull (strstr (description, "newer version of GridPatrol"));
  save_png (fixture, "error-360x720");
}

static void
test_connect_opens_log_in (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autofree char *text = NULL;
  AdwDialog *dialog;

  gp_context_set_store (fixture->context, store);
  open_window (fixture, 360, 720);
  wait_for (fixture, "welcome", 360, 720);

  /* "Connect to a Grid Centre" opens the log-in page, over the window. */
  g_assert_true (gtk_widget_activate (child (fixture, "connect_button")));
  dialog = gp_test_wait_for_dialog (GP_TYPE_SYNC_DIALOG);
  gp_test_wait_frames (GTK_WIDGET (dialog), 2);
  text = gp_test_collect_text (GTK_WIDGET (dialog));
  g_assert_nonnull (strstr (text, "Connect to a Grid Centre"));
  g_assert_nonnull (strstr (text, "Password"));
  adw_dialog_force_close (dialog);
}

static GpReportWindow *
find_report_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (GP_IS_REPORT_WINDOW (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return GP_REPORT_WINDOW (window);
    }
  return NULL;
}

static gboolean
has_report_window (gpointer data)
{
  GpReportWindow *report = find_report_window ();

  return report != NULL && gp_report_window_get_ready (report);
}

/* A long press on the map reports what is there; the Report button opens
 * the same form. */
static void
test_report_from_map (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GError) error = NULL;
  GpMapPage *page;
  ShumateMap *map;
  g_autoptr(GListModel) controllers = NULL;
  GtkGesture *press = NULL;
  GpReportWindow *report;
  const GpReportDraft *draft;
  double lat, lon;

  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  gp_context_set_store (fixture->context, store);
  open_window (fixture, 360, 720);
  wait_for (fixture, "main", 360, 720);
  page = GP_MAP_PAGE (adw_bin_get_child (ADW_BIN (child (fixture, "map_bin"))));
  gp_test_wait_for_map (page);

  map = gp_map_page_get_map (page);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (map));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (GTK_EVENT_CONTROLLER (controller)), "gp-map-long-press") == 0)
        press = GTK_GESTURE (controller);
    }
  g_assert_nonnull (press);
  shumate_viewport_widget_coords_to_location (shumate_map_get_viewport (map), GTK_WIDGET (map), 180, 300,
                                              &lat, &lon);
  g_signal_emit_by_name (press, "pressed", 180.0, 300.0);
  g_assert_true (gp_test_wait_until (has_report_window, NULL, 10000));
  report = find_report_window ();
  draft = gp_report_window_get_draft (report);
  g_assert_true (draft->has_position);
  g_assert_cmpstr (draft->position_from, ==, "map");
  g_assert_cmpfloat_with_epsilon (draft->latitude, lat, 1e-9);
  g_assert_cmpfloat_with_epsilon (draft->longitude, lon, 1e-9);
  gtk_window_destroy (GTK_WINDOW (report));

  /* The big button. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.report", NULL));
  g_assert_true (gp_test_wait_until (has_report_window, NULL, 10000));
  gtk_window_destroy (GTK_WINDOW (find_report_window ()));
}

static gboolean
visit_dialog_ready (gpointer data)
{
  GpVisitDialog *dialog = GP_VISIT_DIALOG (gp_test_find_dialog (GP_TYPE_VISIT_DIALOG));

  return dialog != NULL && gp_visit_dialog_get_ready (dialog) && gp_visit_dialog_get_household (dialog) != NULL;
}

/* A label under @widget showing @text (all of it when NULL) that is cut
 * short with "…". */
static GtkLabel *
find_cut_label (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      (text == NULL || g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0) &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_cut_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_shown (gpointer data)
{
  Fixture *fixture = data;

  return has_label (GTK_WIDGET (fixture->window), gp_window_get_message (fixture->window));
}

static gboolean
no_visit_dialog (gpointer data)
{
  return gp_test_find_dialog (GP_TYPE_VISIT_DIALOG) == NULL;
}

/* A household tapped in a building's sheet: its visit, that household
 * chosen; saved, the window says so. */
static void
test_visit_household (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GError) error = NULL;
  const char *household = "household:610103003003-03-1-302";
  GpVisitDialog *dialog;

  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  gp_context_set_store (fixture->context, store);
  open_window (fixture, 360, 720);
  wait_for (fixture, "main", 360, 720);
  /* The grid's name and where it is, whole on a phone. */
  {
    GtkLabel *cut = find_cut_label (GTK_WIDGET (child (fixture, "window_title")), NULL);

    g_assert_null (cut ? gtk_label_get_text (cut) : NULL);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.visit-household", "s", household));
  g_assert_true (gp_test_wait_until (visit_dialog_ready, NULL, 10000));
  dialog = GP_VISIT_DIALOG (gp_test_find_dialog (GP_TYPE_VISIT_DIALOG));
  g_assert_cmpstr (gp_visit_dialog_get_household (dialog), ==, household);
  g_assert_cmpstr (gp_visit_dialog_get_building (dialog), ==, "building:610103003003-03");
  gp_visit_dialog_set_note (dialog, "老人身体好");
  gp_visit_dialog_save (dialog);
  g_assert_true (gp_test_wait_until (no_visit_dialog, NULL, 10000));
  g_assert_cmpint (gp_store_count (store, "visit", GP_DEMO_GRID_CODE, NULL), ==, 1);
  {
    g_autoptr(GpDocument) saved = gp_documents_load (store, household, &error);
    g_autofree char *label = gp_household_dup_label (GP_HOUSEHOLD (saved));
    g_autofree char *said = g_strdup_printf (_("Visit saved: %s"), label);

    g_assert_cmpstr (gp_window_get_message (fixture->window), ==, said);
  }
  /* Said whole, not cut off at the phone's edge. */
  g_assert_true (gp_test_wait_until (toast_shown, fixture, 10000));
  gp_test_wait_frames (GTK_WIDGET (fixture->window), 5);
  {
    GtkLabel *cut = find_cut_label (GTK_WIDGET (fixture->window), gp_window_get_message (fixture->window));

    g_assert_null (cut ? gtk_label_get_text (cut) : NULL);
  }
  gp_test_save_widget_png (GTK_WIDGET (fixture->window), "visit-saved-360x720");
}

/* WCAG's relative luminance of an sRGB colour. */
static double
luminance (guint32 rgb)
{
  double channel[3];

  for (guint i = 0; i < 3; i++)
    {
      double c = ((rgb >> (16 - 8 * i)) & 0xff) / 255.0;

      channel[i] = c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
    }
  return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2];
}

/* The contrast of a label's text with what is behind it, as drawn: the
 * background is the colour most of the label's box has, the text the
 * pixel furthest from it. */
static double
drawn_contrast (const guint32 *pixels,
                int            stride,
                GtkWidget     *label,
                GtkWidget     *root)
{
  graphene_rect_t box;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint32 background = 0, text = 0;
  guint best = 0;
  double bg_l, text_l, farthest = -1;

  g_assert_true (gtk_widget_compute_bounds (label, root, &box));
  for (int y = box.origin.y; y < box.origin.y + box.size.height; y++)
    for (int x = box.origin.x; x < box.origin.x + box.size.width; x++)
      {
        guint32 p = pixels[y * stride + x] & 0xffffff;
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (p))) + 1;

        g_hash_table_insert (counts, GUINT_TO_POINTER (p), GUINT_TO_POINTER (n));
        if (n > best)
          {
            best = n;
            background = p;
          }
      }
  bg_l = luminance (background);
  for (int y = box.origin.y; y < box.origin.y + box.size.height; y++)
    for (int x = box.origin.x; x < box.origin.x + box.size.width; x++)
      {
        double l = luminance (pixels[y * stride + x] & 0xffffff);

        if (fabs (l - bg_l) > farthest)
          {
            farthest = fabs (l - bg_l);
            text = pixels[y * stride + x] & 0xffffff;
          }
      }
  text_l = luminance (text);
  return (MAX (bg_l, text_l) + 0.05) / (MIN (bg_l, text_l) + 0.05);
}

static GtkWidget *
find_subtitle (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle") && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_subtitle (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Secondary text — a row's subtitle, a dimmed label, a caption, the
 * window's subtitle — reads in sunlight: 4.5:1 or more, light and dark. */
static void
test_label_contrast (Fixture       *fixture,
                     gconstpointer  data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  const AdwColorScheme schemes[] = { ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK };

  gp_test_load_app_style ();
  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      GtkWidget *window = adw_window_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *dim = gtk_label_new ("已上报 · 刚刚 · 未上传 Reported");
      GtkWidget *caption = gtk_label_new ("已上报 · 3 天前 · not sent");
      GtkWidget *title = adw_window_title_new ("文昌花园网格", "演示 · 柏树林街道 Demo");
      GtkWidget *labels[4];
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree guint32 *pixels = NULL;
      int width, height;

      adw_style_manager_set_color_scheme (manager, schemes[s]);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "5号楼");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), "暴露垃圾 · 5号楼 Found on patrol");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      gtk_widget_add_css_class (dim, "dim-label");
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), group);
      gtk_box_append (GTK_BOX (box), dim);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      adw_window_set_content (ADW_WINDOW (window), box);
      gp_test_present_phone (GTK_WINDOW (window));
      gp_test_wait_frames (window, 10);

      texture = gp_test_render (window);
      width = gdk_texture_get_width (texture);
      height = gdk_texture_get_height (texture);
      pixels = g_new (guint32, (gsize) width * height);
      gdk_texture_download (texture, (guchar *) pixels, width * 4);

      /* The row's subtitle and the window title's are labels inside them. */
      labels[0] = find_subtitle (row);
      labels[1] = find_subtitle (title);
      labels[2] = dim;
      labels[3] = caption;
      for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
        {
          double ratio;

          g_assert_nonnull (labels[i]);
          ratio = drawn_contrast (pixels, width, labels[i], window);
          g_test_message ("%s, label %u: %.1f:1", s == 0 ? "light" : "dark", i, ratio);
          g_assert_cmpfloat (ratio, >=, 4.5);
        }
      gtk_window_destroy (GTK_WINDOW (window));
    }
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("GP_TEST_LOCALEDIR");

  /* The Chinese run reads the translations the build just made. */
  setlocale (LC_ALL, "");
  if (localedir != NULL)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_strcmp0 (g_getenv ("LANGUAGE"), "zh_CN") == 0)
    {
      g_test_add ("/ui/window/zh_CN/welcome-then-demo", Fixture, "welcome-zh_CN-360x720",
                  fixture_set_up, test_welcome_then_demo_on_phone, fixture_tear_down);
      return g_test_run ();
    }

  g_test_add ("/ui/window/phone/welcome-then-demo", Fixture, NULL,
              fixture_set_up, test_welcome_then_demo_on_phone, fixture_tear_down);
  g_test_add ("/ui/window/desktop/demo", Fixture, NULL,
              fixture_set_up, test_demo_on_desktop, fixture_tear_down);
  g_test_add ("/ui/window/phone/store-too-new", Fixture, NULL,
              fixture_set_up, test_store_too_new, fixture_tear_down);
  g_test_add ("/ui/window/phone/connect-opens-log-in", Fixture, NULL,
              fixture_set_up, test_connect_opens_log_in, fixture_tear_down);
  g_test_add ("/ui/window/phone/report-from-map", Fixture, NULL,
              fixture_set_up, test_report_from_map, fixture_tear_down);
  g_test_add ("/ui/window/phone/visit-household", Fixture, NULL,
              fixture_set_up, test_visit_household, fixture_tear_down);
  g_test_add ("/ui/window/icons-render", Fixture, NULL,
              fixture_set_up, test_icons_render, fixture_tear_down);
  g_test_add ("/ui/window/label-contrast", Fixture, NULL,
              fixture_set_up, test_label_contrast, fixture_tear_down);

  return g_test_run ();
}
