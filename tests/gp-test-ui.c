/* gp-test-ui.c — helpers for the tests that open real windows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-ui.h"
#include <locale.h>
#include <glib/gi18n.h>
#include "gp-basemap.h"
#include "gp-test-util.h"
#include "gp-worker.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

/* What AdwApplication does for the app: its stylesheet and icons from
 * its resources, for tests that show widgets without the application. */
void
gp_test_load_app_style (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/org/example/GridPatrol/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display), "/org/example/GridPatrol/icons");
}

/* Iterates until @widget's frame clock has drawn @frames more frames. */
void
gp_test_wait_frames (GtkWidget *widget,
                     guint      frames)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 start;

  g_assert_nonnull (clock);
  start = gdk_frame_clock_get_frame_counter (clock);
  while (gdk_frame_clock_get_frame_counter (clock) < start + frames)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* @widget as it is on screen now, rendered by its window's renderer (so
 * with cairo when GSK_RENDERER=cairo); NULL while a new size is pending. */
GdkTexture *
gp_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GdkTexture *texture;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return NULL;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  return texture;
}

/* Saves a PNG under the build's tests/screenshots/ for review. */
void
gp_test_save_png (GdkTexture *texture,
                  const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* Downloads are premultiplied ARGB32 in native order; windows are opaque. */
static guint32 *
download (GdkTexture *texture)
{
  guint32 *data = g_new (guint32, (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture));

  gdk_texture_download (texture, (guchar *) data, gdk_texture_get_width (texture) * 4);
  return data;
}

/* The colour at a pixel, as 0xRRGGBB. */
guint32
gp_test_pixel (GdkTexture *texture,
               int         x,
               int         y)
{
  g_autofree guint32 *data = NULL;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, gdk_texture_get_width (texture));
  g_assert_cmpint (y, <, gdk_texture_get_height (texture));

  data = download (texture);
  return data[(gsize) y * gdk_texture_get_width (texture) + x] & 0xffffff;
}

gboolean
gp_test_colour_near (guint32 a,
                     guint32 b,
                     guint   tolerance)
{
  for (guint shift = 0; shift <= 16; shift += 8)
    {
      int ca = (a >> shift) & 0xff, cb = (b >> shift) & 0xff;

      if ((guint) ABS (ca - cb) > tolerance)
        return FALSE;
    }
  return TRUE;
}

/* How many pixels in the rectangle (clipped to the texture) have the colour. */
guint
gp_test_count_colour (GdkTexture *texture,
                      int         x0,
                      int         y0,
                      int         x1,
                      int         y1,
                      guint32     colour,
                      guint       tolerance)
{
  g_autofree guint32 *data = download (texture);
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  guint count = 0;

  for (int y = MAX (0, y0); y < MIN (height, y1); y++)
    for (int x = MAX (0, x0); x < MIN (width, x1); x++)
      count += gp_test_colour_near (data[(gsize) y * width + x] & 0xffffff, colour, tolerance);
  return count;
}

static void
collect (GtkWidget *widget,
         GString   *text)
{
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }
  else if (GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget))
    {
      g_string_append (text, gtk_editable_get_text (GTK_EDITABLE (widget)));
      g_string_append_c (text, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, text);
}

/* Every label's text under @widget, one per line, shown or folded away. */
char *
gp_test_collect_text (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  collect (widget, text);
  return g_string_free (text, FALSE);
}

/* What the last look at the map saw, for the message when it never shows. */
static char *map_look;

static gboolean
map_is_drawn (gpointer data)
{
  GpMapPage *page = data;
  GpOverlayLayer *overlay = gp_map_page_get_overlay_layer (page);
  g_autoptr(GdkTexture) texture = NULL;
  static guint last_count;
  graphene_rect_t bounds;
  GtkWidget *window;
  double zoom, needed;
  guint count;

  g_clear_pointer (&map_look, g_free);
  if (!gtk_widget_get_mapped (GTK_WIDGET (page)) || gtk_widget_get_width (GTK_WIDGET (page)) == 0)
    map_look = g_strdup ("the page is not on screen");
  else if (!gp_map_page_has_base_layer (page))
    map_look = g_strdup ("no base layer");
  else if (gp_map_page_get_busy (page))
    map_look = g_strdup ("the basemap is being drawn");
  else if (gp_overlay_layer_get_data (overlay) == NULL)
    map_look = g_strdup ("no overlay data");
  if (map_look != NULL)
    return FALSE;

  /* Tiles arrive from worker threads: wait until buildings are on screen,
   * as many as the zoom shows of them, and no more are coming. */
  window = GTK_WIDGET (gtk_widget_get_native (GTK_WIDGET (page)));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page), window, &bounds));
  texture = gp_test_render (window);
  if (texture == NULL)
    {
      map_look = g_strdup ("a new size is pending");
      return FALSE;
    }
  count = gp_test_count_colour (texture, bounds.origin.x, bounds.origin.y,
                                bounds.origin.x + bounds.size.width, bounds.origin.y + bounds.size.height,
                                GP_BASEMAP_BUILDING_FILL, 2) +
          gp_test_count_colour (texture, bounds.origin.x, bounds.origin.y,
                                bounds.origin.x + bounds.size.width, bounds.origin.y + bounds.size.height,
                                GP_BASEMAP_AREA_FILL, 1);
  zoom = shumate_viewport_get_zoom_level (shumate_map_get_viewport (gp_map_page_get_map (page)));
  needed = 2000.0 * pow (4.0, MIN (0.0, zoom - 16.0));
  map_look = g_strdup_printf ("%u pixels of the grid's fill, %.0f needed, %u a look before; "
                              "%u background tasks running",
                              count, needed, last_count, gp_worker_get_busy ());
  if (count > needed && count == last_count)
    return TRUE;
  last_count = count;
  return FALSE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
context_ready (gpointer data)
{
  return !gp_context_get_loading (data);
}

/* The context's store set, and its grid chosen (off the main loop). */
void
gp_test_set_store (GpContext *context,
                   GpStore   *store)
{
  gp_context_set_store (context, store);
  g_assert_true (gp_test_wait_until (context_ready, context, 10000));
}

/* Waits until the map page shows its grid's basemap and overlays. Checks
 * ten times a second: rendering on every iteration would keep the frame
 * clock busy and starve the idle callbacks libshumate loads tiles from. */
void
gp_test_wait_for_map (GpMapPage *page)
{
  /* A bound for a hang only: a loaded machine draws slowly. */
  for (guint i = 0; i < 600 && !map_is_drawn (page); i++)
    gp_test_wait_until (never, NULL, 100);

  if (!map_is_drawn (page))
    {
      g_autoptr(GdkTexture) texture = gp_test_render (GTK_WIDGET (gtk_widget_get_native (GTK_WIDGET (page))));
      ShumateViewport *viewport = shumate_map_get_viewport (gp_map_page_get_map (page));

      if (texture != NULL)
        gp_test_save_png (texture, "map-not-drawn");
      g_error ("the map page did not show the grid's basemap at %.5f, %.5f zoom %.2f "
               "(%s; base layer: %s, overlay data: %s, message: %s)",
               shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
               shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
               shumate_viewport_get_zoom_level (viewport), map_look,
               gp_map_page_has_base_layer (page) ? "yes" : "no",
               gp_overlay_layer_get_data (gp_map_page_get_overlay_layer (page)) ? "yes" : "no",
               gp_map_page_get_message (page) ? gp_map_page_get_message (page) : "none");
    }
  gp_test_wait_frames (GTK_WIDGET (page), 2);
}

/* Lets everything started in the background finish, its results handed
 * back on the main loop included, before a test removes its files. */
void
gp_test_settle (void)
{
  gboolean again = TRUE;

  while (again)
    {
      g_assert_true (gp_worker_wait_all (60000));
      again = FALSE;
      while (g_main_context_iteration (NULL, FALSE))
        again = TRUE;
    }
}

/* A UI test's start: the translations the build made (for the Chinese
 * runs), GTK and libadwaita under the test harness, the app's style. */
void
gp_test_ui_init (int    *argc,
                 char ***argv)
{
  const char *localedir = g_getenv ("GP_TEST_LOCALEDIR");

  setlocale (LC_ALL, "");
  if (localedir != NULL)
    bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* A run meant in Chinese that shows English would pass unnoticed. */
  if (g_str_has_prefix (g_getenv ("LANGUAGE") ?: "", "zh") && g_str_equal (_("Map"), "Map"))
    g_error ("the Chinese translation is not used: is the zh_CN.UTF-8 locale installed, and LC_ALL set to it?");
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  gp_test_load_app_style ();
}

/* Saves what a widget shows, under a name that carries the renderer
 * (GSK_RENDERER) when one is forced. */
void
gp_test_save_widget_png (GtkWidget  *widget,
                         const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;
  const char *renderer = g_getenv ("GSK_RENDERER");
  g_autofree char *file = g_strdup_printf ("%s%s%s", name, renderer ? "-" : "", renderer ? renderer : "");

  for (guint i = 0; i < 100 && texture == NULL; i++)
    {
      gp_test_wait_frames (widget, 1);
      texture = gp_test_render (widget);
    }
  g_assert_nonnull (texture);
  gp_test_save_png (texture, file);
}

static gboolean
is_mapped_any (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

typedef struct
{
  GtkWidget *window;
  int        width;
  int        height;
} Sized;

static gboolean
is_sized (gpointer data)
{
  Sized *sized = data;

  return gtk_widget_get_mapped (sized->window) && gtk_widget_get_width (sized->window) == sized->width &&
         gtk_widget_get_height (sized->window) == sized->height;
}

/* Presents a window, or resizes one on screen, with exactly @width×@height
 * inside whatever frame the toolkit keeps around it. */
void
gp_test_present_at (GtkWindow *window,
                    int        width,
                    int        height)
{
  Sized sized = { GTK_WIDGET (window), width, height };
  int now_width, now_height;

  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  g_assert_true (gp_test_wait_until (is_mapped_any, window, 10000));
  if (gp_test_wait_until (is_sized, &sized, 1000))
    return;
  now_width = gtk_widget_get_width (GTK_WIDGET (window));
  now_height = gtk_widget_get_height (GTK_WIDGET (window));
  gtk_window_set_default_size (window, 2 * width - now_width, 2 * height - now_height);
  if (!gp_test_wait_until (is_sized, &sized, 10000))
    g_error ("the window is %d×%d, not %d×%d", gtk_widget_get_width (GTK_WIDGET (window)),
             gtk_widget_get_height (GTK_WIDGET (window)), width, height);
}

/* Presents a window with exactly a phone's 360×720. */
void
gp_test_present_phone (GtkWindow *window)
{
  gp_test_present_at (window, GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);
}

/* The first mapped toplevel of @type, or NULL. */
GtkWindow *
gp_test_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static AdwDialog *
find_dialog_in (GtkWidget *widget,
                GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    return ADW_DIALOG (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwDialog *found = find_dialog_in (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The dialog of @type on screen, over a window or floating in one of its
 * own, or NULL. */
AdwDialog *
gp_test_find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      AdwDialog *dialog = find_dialog_in (window, type);

      if (dialog != NULL)
        return dialog;
    }
  return NULL;
}

static gboolean
dialog_of_type_shown (gpointer data)
{
  return gp_test_find_dialog (GPOINTER_TO_SIZE (data)) != NULL;
}

/* Waits for a dialog of @type to be on screen, and returns it. */
AdwDialog *
gp_test_wait_for_dialog (GType type)
{
  if (!gp_test_wait_until (dialog_of_type_shown, GSIZE_TO_POINTER (type), 10000))
    g_error ("no %s came on screen", g_type_name (type));
  return gp_test_find_dialog (type);
}

static gboolean
dialog_of_type_gone (gpointer data)
{
  return gp_test_find_dialog (GPOINTER_TO_SIZE (data)) == NULL;
}

/* Waits until no dialog of @type is on screen. */
void
gp_test_wait_for_no_dialog (GType type)
{
  if (!gp_test_wait_until (dialog_of_type_gone, GSIZE_TO_POINTER (type), 10000))
    g_error ("a %s stayed on screen", g_type_name (type));
}

static gboolean
window_of_type_shown (gpointer data)
{
  return gp_test_find_window (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
window_of_type_gone (gpointer data)
{
  return gp_test_find_window (GPOINTER_TO_SIZE (data)) == NULL;
}

/* Waits for a window of @type to be on screen, and returns it. */
GtkWindow *
gp_test_wait_for_window (GType type)
{
  if (!gp_test_wait_until (window_of_type_shown, GSIZE_TO_POINTER (type), 10000))
    g_error ("no %s came on screen", g_type_name (type));
  return gp_test_find_window (type);
}

/* Waits until no window of @type is on screen. */
void
gp_test_wait_for_no_window (GType type)
{
  if (!gp_test_wait_until (window_of_type_gone, GSIZE_TO_POINTER (type), 10000))
    g_error ("a %s stayed on screen", g_type_name (type));
}

static gboolean
dialog_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Shows @dialog over @parent as the app does, and waits until it is on
 * screen. */
void
gp_test_present_dialog (AdwDialog *dialog,
                        GtkWidget *parent)
{
  adw_dialog_present (dialog, parent);
  g_assert_true (gp_test_wait_until (dialog_mapped, dialog, 10000));
}

/* Shows @dialog over a window of its own at a phone's size; destroying
 * the window closes it. */
GtkWindow *
gp_test_present_dialog_on_phone (AdwDialog *dialog)
{
  GtkWindow *host = GTK_WINDOW (adw_window_new ());

  gp_test_present_phone (host);
  gp_test_present_dialog (dialog, GTK_WIDGET (host));
  return host;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return TRUE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), label) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, label))
      return TRUE;
  return FALSE;
}

/* The button showing @label (with its mnemonic), on screen and enabled. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && has_label (widget, label) &&
      gtk_widget_is_sensitive (widget) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

typedef struct
{
  GtkWidget  *dialog;
  const char *label;
  GtkWidget  *button;
} Tap;

static gboolean
button_shown (gpointer data)
{
  Tap *tap = data;

  tap->button = find_button (tap->dialog, tap->label);
  return tap->button != NULL;
}

/* Taps the button labelled @label (as written, mnemonic and all) inside
 * @widget once it is on screen and enabled, as a user would. */
void
gp_test_tap_button (GtkWidget  *widget,
                    const char *label)
{
  Tap tap = { widget, label, NULL };

  if (!gp_test_wait_until (button_shown, &tap, 10000))
    g_error ("there is no button “%s” to tap", label);
  g_assert_true (gtk_widget_activate (tap.button));
}

/* Taps the button of @response, as a user would once the dialog has come
 * up, and waits for the dialog to close and be freed. */
void
gp_test_alert_respond (AdwAlertDialog *dialog,
                       const char     *response)
{
  const char *label = adw_alert_dialog_get_response_label (dialog, response);
  AdwAlertDialog *watched = dialog;

  g_assert_nonnull (label);
  /* No reference is held: the dialog goes when the app lets it go, as it
   * does for a user, and a window freed under it shows. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &watched);
  gp_test_tap_button (GTK_WIDGET (dialog), label);
  g_assert_true (gp_test_wait_until (dialog_gone, &watched, 10000));
  gp_test_settle ();
}

/* A position source the test moves by hand, with gp_location_update(). */
#define GP_TEST_TYPE_HAND_LOCATION (gp_test_hand_location_get_type ())
G_DECLARE_FINAL_TYPE (GpTestHandLocation, gp_test_hand_location, GP_TEST, HAND_LOCATION, GpLocation)

struct _GpTestHandLocation
{
  GpLocation parent_instance;
};

G_DEFINE_FINAL_TYPE (GpTestHandLocation, gp_test_hand_location, GP_TYPE_LOCATION)

static void
gp_test_hand_location_start (GpLocation *location)
{
}

static void
gp_test_hand_location_class_init (GpTestHandLocationClass *klass)
{
  GP_LOCATION_CLASS (klass)->start = gp_test_hand_location_start;
  GP_LOCATION_CLASS (klass)->stop = gp_test_hand_location_start;
}

static void
gp_test_hand_location_init (GpTestHandLocation *self)
{
}

GpLocation *
gp_test_location_new (void)
{
  return g_object_new (GP_TEST_TYPE_HAND_LOCATION, NULL);
}
