/* test-camera-ui.c — photos taken in the app, for real: a GStreamer
 * pipeline with a synthetic source stands in for the sensor, and a
 * camera portal on the test's session bus says no.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-camera-dialog.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-context.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-photo-picker.h"
#include "gp-report-window.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-visit-dialog.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

/* A white scene at 2048 × 1536, 15 frames a second. */
#define WHITE_SENSOR "videotestsrc is-live=true pattern=white ! " \
                     "capsfilter caps=video/x-raw,width=2048,height=1536,framerate=15/1"
/* A frame every 30 s: a shot waits for the next one long enough to cut the camera. */
#define SLOW_SENSOR "videotestsrc is-live=true pattern=smpte ! " \
                    "capsfilter caps=video/x-raw,width=640,height=480,framerate=1/30"

typedef struct
{
  char       *dir;
  GSettings  *settings;
  GpContext  *context;
  GpStore    *store;
  GpLocation *location;
  GpGeoPoint  building_centre;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *keys[] = { "current-grid", "user-name", "role", "recent-categories" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpDocument) building = NULL;
  GpFix fix = { 0 };

  fixture->settings = g_settings_new (APPLICATION_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  g_settings_set_string (fixture->settings, "user-name", "wang");
  fixture->dir = gp_test_make_dir ();
  fixture->store = gp_test_open_store (fixture->dir);
  g_assert_true (gp_demo_install (fixture->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  fixture->context = gp_context_new (fixture->settings);
  gp_test_set_store (fixture->context, fixture->store);

  /* The worker stands at 5号楼, to 8 m. */
  building = gp_documents_load (fixture->store, "building:610103003003-05", &error);
  g_assert_no_error (error);
  gp_geo_geometry_get_center (gp_document_get_geometry (building), &fixture->building_centre);
  fixture->location = gp_test_location_new ();
  fix.latitude = fixture->building_centre.lat;
  fix.longitude = fixture->building_centre.lon;
  fix.accuracy = 8;
  fix.time = gp_clock_get_real_time ();
  gp_location_update (fixture->location, GP_LOCATION_STATE_FIX, &fix, NULL);
  gp_context_set_location (fixture->context, fixture->location);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_test_settle ();
  g_unsetenv ("GRIDPATROL_CAMERA");
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->location);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
camera_on (gpointer data)
{
  return gp_camera_get_state (gp_camera_dialog_get_camera (data)) == GP_CAMERA_STATE_ON &&
         gp_camera_get_frames_shown (gp_camera_dialog_get_camera (data)) >= 3;
}

/* The slow sensor shows its first frame, then none for 30 s. */
static gboolean
camera_on_slow (gpointer data)
{
  return gp_camera_get_state (gp_camera_dialog_get_camera (data)) == GP_CAMERA_STATE_ON;
}

static gboolean
camera_failed (gpointer data)
{
  return gp_camera_get_state (gp_camera_dialog_get_camera (data)) == GP_CAMERA_STATE_FAILED;
}

static gboolean
three_kept (gpointer data)
{
  return gp_camera_dialog_get_n_taken (data) == 3 && !gp_camera_dialog_get_busy (data);
}

static gboolean
form_ready (gpointer data)
{
  return gp_report_window_get_ready (data);
}

typedef struct
{
  char *id;
} Reported;

static void
on_reported (GpReportWindow *report,
             const char     *id,
             Reported       *reported)
{
  reported->id = g_strdup (id);
}

static gboolean
is_reported (gpointer data)
{
  return ((Reported *) data)->id != NULL;
}

/* The mean brightness of a band of rows of a picture, 0–255. */
static double
brightness (GdkPixbuf *pixbuf,
            int        from_row,
            int        to_row)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf), channels = gdk_pixbuf_get_n_channels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf);
  double sum = 0;

  for (int y = from_row; y < to_row; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;

        sum += (p[0] + p[1] + p[2]) / 3.0;
      }
  return sum / ((double) (to_row - from_row) * width);
}

static gboolean
is_chinese (void)
{
  return g_strcmp0 (g_getenv ("LANGUAGE"), "zh_CN") == 0;
}

/* Three photos taken in the app without leaving it: each stamped, with its
 * provenance recorded, and sent with the report. */
static void
test_report_with_three_photos (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) incidents = NULL;
  Reported reported = { 0 };
  GpReportWindow *report;
  GpPhotoPicker *picker;
  GpCameraDialog *camera;
  JsonArray *photos;
  GpDocument *incident;

  g_setenv ("GRIDPATROL_CAMERA", WHITE_SENSOR, TRUE);
  report = gp_report_window_new (NULL, fixture->context);
  gp_test_present_phone (GTK_WINDOW (report));
  g_assert_true (gp_test_wait_until (form_ready, report, 10000));
  picker = gp_report_window_get_photo_picker (report);

  camera = gp_photo_picker_open_camera (picker);
  g_assert_true (gp_test_wait_until (camera_on, camera, 20000));
  /* The viewfinder shows the scene: white in the middle of the page. */
  {
    g_autoptr(GdkTexture) shot = NULL;
    GtkWidget *viewfinder = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (camera), GP_TYPE_CAMERA_DIALOG, "viewfinder");
    graphene_point_t middle;

    gp_test_wait_frames (GTK_WIDGET (camera), 3);
    shot = gp_test_render (GTK_WIDGET (report));
    g_assert_true (gtk_widget_compute_point (viewfinder, GTK_WIDGET (report),
                                             &GRAPHENE_POINT_INIT (gtk_widget_get_width (viewfinder) / 2.0,
                                                                   gtk_widget_get_height (viewfinder) / 2.0),
                                             &middle));
    g_assert_true (gp_test_colour_near (gp_test_pixel (shot, (int) middle.x, (int) middle.y), 0xffffffff, 24));
  }
  gp_test_save_widget_png (GTK_WIDGET (report), is_chinese () ? "camera-zh_CN-360x720" : "camera-360x720");
  /* One camera, no flash LED the app may drive, nothing to focus: no
   * switch, torch or focus offered. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (camera),
                                                                                       GP_TYPE_CAMERA_DIALOG,
                                                                                       "switch_button"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (camera),
                                                                                       GP_TYPE_CAMERA_DIALOG,
                                                                                       "torch_button"))));
  g_assert_false (gp_camera_get_can_focus (gp_camera_dialog_get_camera (camera)));

  /* Three presses in a row, each its own frame. */
  gp_camera_dialog_shoot (camera);
  gp_camera_dialog_shoot (camera);
  gp_camera_dialog_shoot (camera);
  g_assert_true (gp_camera_dialog_get_busy (camera));
  g_assert_true (gp_test_wait_until (three_kept, camera, 30000));
  g_assert_null (gp_camera_dialog_get_message (camera));
  g_assert_cmpuint (gp_photo_picker_get_photos (picker)->len, ==, 3);
  gp_test_save_widget_png (GTK_WIDGET (report), is_chinese () ? "camera-shots-zh_CN-360x720"
                                                              : "camera-shots-360x720");
  gp_test_present_at (GTK_WINDOW (report), 720, 360);
  gp_test_wait_frames (GTK_WIDGET (camera), 3);
  gp_test_save_widget_png (GTK_WIDGET (report), is_chinese () ? "camera-zh_CN-720x360" : "camera-720x360");
  {
    graphene_rect_t bounds;

    /* Wholly on the screen: the shutter and the viewfinder's lower edge. */
    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (camera), GTK_WIDGET (report), &bounds));
    g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, 360);
  }
  gp_test_present_at (GTK_WINDOW (report), GP_TEST_PHONE_WIDTH, GP_TEST_PHONE_HEIGHT);

  for (guint i = 0; i < 3; i++)
    {
      GpPhoto *photo = g_ptr_array_index (gp_photo_picker_get_photos (picker), i);
      g_autoptr(GdkPixbuf) pixels = gp_photo_decode (photo->jpeg, NULL);
      g_autofree char *sha256 = gp_photo_compute_sha256 (photo->jpeg);
      int band = (int) (photo->height * GP_STAMP_MAX_FRACTION);

      /* Full resolution, scaled to the kept 1600 px. */
      g_assert_cmpint (photo->width, ==, 1600);
      g_assert_cmpint (photo->height, ==, 1200);
      g_assert_cmpint (photo->source, ==, GP_PHOTO_SOURCE_CAMERA);
      g_assert_cmpint (photo->taken_at, ==, gp_clock_get_now ());
      g_assert_true (photo->has_position);
      g_assert_cmpfloat_with_epsilon (photo->latitude, fixture->building_centre.lat, 1e-9);
      g_assert_cmpfloat (photo->accuracy, ==, 8);
      g_assert_cmpstr (photo->worker, ==, "wang");
      g_assert_cmpstr (photo->grid, ==, GP_DEMO_GRID_CODE);
      g_assert_cmpstr (photo->building, ==, "building:610103003003-05");
      g_assert_cmpstr (photo->sha256, ==, sha256);
      g_assert_nonnull (photo->check);
      g_assert_cmpuint (strlen (photo->check), ==, 9);
      /* The stamp: the white scene above, a dark band along the bottom,
       * within a sixth of the height. */
      g_assert_cmpfloat (brightness (pixels, 0, photo->height - band - 1), >, 250);
      g_assert_cmpfloat (brightness (pixels, photo->height - band / 2, photo->height), <, 150);
      if (i > 0)
        g_assert_cmpstr (photo->check, !=,
                         ((GpPhoto *) g_ptr_array_index (gp_photo_picker_get_photos (picker), i - 1))->check);
    }

  /* Done: back to the form, the photos in its strip; then sent. */
  gp_test_tap_button (GTK_WIDGET (camera), _("_Done"));
  gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);
  gp_report_window_set_category (report, "06010");
  g_signal_connect (report, "reported", G_CALLBACK (on_reported), &reported);
  gtk_widget_activate_action (GTK_WIDGET (report), "report.send", NULL);
  g_assert_true (gp_test_wait_until (is_reported, &reported, 10000));

  incidents = gp_documents_load_all (fixture->store, "incident", GP_DEMO_GRID_CODE, NULL);
  g_assert_cmpuint (incidents->len, ==, 1);
  incident = g_ptr_array_index (incidents, 0);
  photos = gp_document_get_array_member (incident, "photos");
  g_assert_cmpuint (json_array_get_length (photos), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *entry = json_array_get_object_element (photos, i);
      GpPhoto recorded = { 0 };

      gp_photo_read_provenance (&recorded, entry);
      g_assert_cmpint (recorded.source, ==, GP_PHOTO_SOURCE_CAMERA);
      g_assert_cmpint (recorded.taken_at, ==, gp_clock_get_now ());
      g_assert_true (recorded.has_position);
      g_assert_cmpfloat (recorded.accuracy, ==, 8);
      g_assert_cmpstr (recorded.building, ==, "building:610103003003-05");
      g_assert_cmpstr (recorded.worker, ==, "wang");
      g_assert_nonnull (recorded.sha256);
      g_assert_nonnull (recorded.check);
      gp_photo_clear_provenance (&recorded);
    }
  /* The bytes stored are those hashed. */
  {
    g_autoptr(GPtrArray) checks = gp_casework_verify_photos (fixture->store, reported.id, NULL);

    g_assert_cmpuint (checks->len, ==, 3);
    for (guint i = 0; i < checks->len; i++)
      g_assert_cmpint (((GpPhotoCheck *) g_ptr_array_index (checks, i))->result, ==, GP_PHOTO_CHECK_OK);
  }
  g_free (reported.id);
}

static void
on_gallery (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
has_message (gpointer data)
{
  return gp_camera_dialog_get_message (data) != NULL;
}

/* The camera stops while a shot waits for its frame: said in words, no
 * photo kept, the gallery offered; Try Again brings it back. */
static void
test_lost_mid_shot (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GpStampSource) stamps = gp_stamp_source_new (fixture->context);
  g_autofree char *prefix = g_strdup_printf (_("The photo was not taken: %s"), "");
  g_autofree char *text = NULL;
  GpCameraDialog *camera;
  gboolean gallery = FALSE;

  g_setenv ("GRIDPATROL_CAMERA", SLOW_SENSOR, TRUE);
  camera = gp_camera_dialog_new (stamps, NULL);
  g_signal_connect_swapped (camera, "gallery", G_CALLBACK (on_gallery), &gallery);
  gp_test_present_dialog_on_phone (ADW_DIALOG (camera));
  g_assert_true (gp_test_wait_until (camera_on_slow, camera, 20000));

  /* The shutter waits for the next frame, 30 s away; the camera goes. */
  gp_camera_dialog_shoot (camera);
  g_assert_true (gp_camera_dialog_get_busy (camera));
  gp_camera_simulate_loss (gp_camera_dialog_get_camera (camera));
  g_assert_true (gp_test_wait_until (camera_failed, camera, 10000));
  g_assert_true (gp_test_wait_until (has_message, camera, 10000));
  g_assert_false (gp_camera_dialog_get_busy (camera));
  g_assert_cmpuint (gp_camera_dialog_get_n_taken (camera), ==, 0);
  g_assert_true (g_str_has_prefix (gp_camera_dialog_get_message (camera), prefix));
  g_assert_cmpint (gp_camera_get_error (gp_camera_dialog_get_camera (camera))->code, ==, GP_CAMERA_ERROR_LOST);
  gp_test_wait_frames (GTK_WIDGET (camera), 40);
  text = gp_test_collect_text (GTK_WIDGET (camera));
  g_assert_nonnull (strstr (text, _("The Camera Stopped")));
  gp_test_save_widget_png (GTK_WIDGET (camera), is_chinese () ? "camera-lost-zh_CN-360x720" : "camera-lost-360x720");

  /* Try Again: the viewfinder is back. */
  gp_test_tap_button (GTK_WIDGET (camera), _("_Try Again"));
  g_assert_true (gp_test_wait_until (camera_on_slow, camera, 20000));

  /* Lost again; this time the gallery. */
  gp_camera_simulate_loss (gp_camera_dialog_get_camera (camera));
  g_assert_true (gp_test_wait_until (camera_failed, camera, 10000));
  gp_test_wait_frames (GTK_WIDGET (camera), 2);
  gp_test_tap_button (GTK_WIDGET (camera), _("Choose from _Gallery"));
  g_assert_true (gp_test_wait_until (flag_set, &gallery, 10000));
  gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);
}

/* A camera portal on the session bus, as the desktop's, that answers as
 * the test says: no camera, or the user says no. */
typedef struct
{
  GDBusConnection *bus;
  gboolean         present;
  guint32          response;
  guint            object_id;
  guint            name_id;
  guint            asked;
} Portal;

static void
portal_method (GDBusConnection       *connection,
               const char            *sender,
               const char            *path,
               const char            *interface,
               const char            *method,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  Portal *portal = user_data;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *token = NULL;
  g_autofree char *caller = NULL;
  g_autofree char *request = NULL;

  if (!g_str_equal (method, "AccessCamera"))
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.portal.Error.NotAllowed",
                                                  "not allowed");
      return;
    }
  portal->asked++;
  g_variant_get (parameters, "(@a{sv})", &options);
  g_assert_true (g_variant_lookup (options, "handle_token", "s", &token));
  caller = g_strdelimit (g_strdup (sender + 1), ".", '_');
  request = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", caller, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", request));
  g_dbus_connection_emit_signal (connection, sender, request, "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(u@a{sv})", portal->response,
                                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                                 NULL);
}

static GVariant *
portal_property (GDBusConnection *connection,
                 const char      *sender,
                 const char      *path,
                 const char      *interface,
                 const char      *property,
                 GError         **error,
                 gpointer         user_data)
{
  Portal *portal = user_data;

  if (g_str_equal (property, "IsCameraPresent"))
    return g_variant_new_boolean (portal->present);
  return g_variant_new_uint32 (1);
}

static const char portal_xml[] =
  "<node><interface name='org.freedesktop.portal.Camera'>"
  "<method name='AccessCamera'><arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "<method name='OpenPipeWireRemote'><arg type='a{sv}' direction='in'/><arg type='h' direction='out'/></method>"
  "<property name='IsCameraPresent' type='b' access='read'/>"
  "<property name='version' type='u' access='read'/>"
  "</interface></node>";

static gboolean
name_owned (gpointer data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", "org.freedesktop.portal.Desktop"),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                                           NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
portal_start (Portal *portal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusInterfaceVTable vtable = { portal_method, portal_property, NULL, { 0 } };

  g_assert_no_error (error);
  /* A connection of its own, as the desktop's portal is another process. */
  portal->bus = g_dbus_connection_new_for_address_sync (address,
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
  g_assert_no_error (error);
  portal->object_id = g_dbus_connection_register_object (portal->bus, "/org/freedesktop/portal/desktop",
                                                         info->interfaces[0], &vtable, portal, NULL, &error);
  g_assert_no_error (error);
  portal->name_id = g_bus_own_name_on_connection (portal->bus, "org.freedesktop.portal.Desktop",
                                                  G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  g_assert_true (gp_test_wait_until (name_owned, NULL, 10000));
}

static void
portal_stop (Portal *portal)
{
  g_bus_unown_name (portal->name_id);
  g_dbus_connection_unregister_object (portal->bus, portal->object_id);
  g_dbus_connection_close_sync (portal->bus, NULL, NULL);
  g_clear_object (&portal->bus);
}

/* Through the camera portal: the user says no; the device has none. Each
 * said in words, with the gallery offered. */
static void
test_portal_refusals (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GpStampSource) stamps = gp_stamp_source_new (fixture->context);
  Portal portal = { .present = TRUE, .response = 1 };
  GpCameraDialog *camera;
  g_autofree char *text = NULL;

  portal_start (&portal);
  g_setenv ("GRIDPATROL_CAMERA", "portal", TRUE);

  camera = gp_camera_dialog_new (stamps, NULL);
  gp_test_present_dialog_on_phone (ADW_DIALOG (camera));
  g_assert_true (gp_test_wait_until (camera_failed, camera, 10000));
  g_assert_cmpuint (portal.asked, ==, 1);
  g_assert_cmpint (gp_camera_get_error (gp_camera_dialog_get_camera (camera))->code, ==, GP_CAMERA_ERROR_DENIED);
  gp_test_wait_frames (GTK_WIDGET (camera), 40);
  text = gp_test_collect_text (GTK_WIDGET (camera));
  g_assert_nonnull (strstr (text, _("Camera Not Allowed")));
  g_assert_nonnull (strstr (text, _("GridPatrol is not allowed to use the camera")));
  gp_test_save_widget_png (GTK_WIDGET (camera), is_chinese () ? "camera-denied-zh_CN-360x720"
                                                              : "camera-denied-360x720");
  adw_dialog_close (ADW_DIALOG (camera));
  gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);
  g_clear_pointer (&text, g_free);

  /* Outside a sandbox, a camera device that is not there: V4L2's own error. */
  g_setenv ("GRIDPATROL_CAMERA", "v4l2src device=/dev/gridpatrol-no-camera", TRUE);
  camera = gp_camera_dialog_new (stamps, NULL);
  gp_test_present_dialog_on_phone (ADW_DIALOG (camera));
  g_assert_true (gp_test_wait_until (camera_failed, camera, 10000));
  g_assert_cmpint (gp_camera_get_error (gp_camera_dialog_get_camera (camera))->code, ==, GP_CAMERA_ERROR_NO_CAMERA);
  gp_test_wait_frames (GTK_WIDGET (camera), 40);
  g_clear_pointer (&text, g_free);
  text = gp_test_collect_text (GTK_WIDGET (camera));
  g_assert_nonnull (strstr (text, _("No Camera")));
  g_assert_nonnull (strstr (text, _("The camera cannot be found")));
  adw_dialog_close (ADW_DIALOG (camera));
  gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);
  g_clear_pointer (&text, g_free);
  g_setenv ("GRIDPATROL_CAMERA", "portal", TRUE);

  /* No camera at all: not even asked for. */
  portal.present = FALSE;
  camera = gp_camera_dialog_new (stamps, NULL);
  gp_test_present_dialog_on_phone (ADW_DIALOG (camera));
  g_assert_true (gp_test_wait_until (camera_failed, camera, 10000));
  g_assert_cmpuint (portal.asked, ==, 1);
  g_assert_cmpint (gp_camera_get_error (gp_camera_dialog_get_camera (camera))->code, ==, GP_CAMERA_ERROR_NO_CAMERA);
  gp_test_wait_frames (GTK_WIDGET (camera), 2);
  text = gp_test_collect_text (GTK_WIDGET (camera));
  g_assert_nonnull (strstr (text, _("No Camera")));
  adw_dialog_close (ADW_DIALOG (camera));
  gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);

  portal_stop (&portal);
}

static gboolean
one_kept (gpointer data)
{
  return gp_camera_dialog_get_n_taken (data) == 1 && !gp_camera_dialog_get_busy (data);
}

static gboolean
visit_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* A household visit with a photo of what was found at the door, taken in
 * the app: the visit keeps it, stamped, with its provenance. */
static void
test_visit_photo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) visits = NULL;
  GtkWindow *host = GTK_WINDOW (adw_window_new ());
  GpVisitDialog *visit;
  GpCameraDialog *camera;
  GpDocument *saved;
  JsonArray *photos;
  GpPhoto recorded = { 0 };

  g_setenv ("GRIDPATROL_CAMERA", WHITE_SENSOR, TRUE);
  gp_test_present_phone (host);
  visit = gp_visit_dialog_new (fixture->context, NULL, NULL);
  adw_dialog_present (ADW_DIALOG (visit), GTK_WIDGET (host));
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_visit_dialog_get_ready, visit, 10000));
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  g_assert_true (gp_visit_dialog_choose (visit, "household:610103003003-05-1-101"));
  gp_visit_dialog_set_tags (visit, (const char *[]) { "safety_hazard", NULL });

  camera = gp_photo_picker_open_camera (gp_visit_dialog_get_photo_picker (visit));
  g_assert_true (gp_test_wait_until (camera_on, camera, 20000));
  gp_camera_dialog_shoot (camera);
  g_assert_true (gp_test_wait_until (one_kept, camera, 20000));
  gp_test_tap_button (GTK_WIDGET (camera), _("_Done"));
  gp_test_wait_for_no_dialog (GP_TYPE_CAMERA_DIALOG);
  g_assert_cmpuint (gp_photo_picker_get_photos (gp_visit_dialog_get_photo_picker (visit))->len, ==, 1);
  gp_test_wait_frames (GTK_WIDGET (visit), 5);
  gp_test_save_widget_png (GTK_WIDGET (host), is_chinese () ? "visit-photo-zh_CN-360x720" : "visit-photo-360x720");
  gp_visit_dialog_save (visit);
  g_assert_true (gp_test_wait_until (visit_gone, &visit, 10000));

  visits = gp_documents_load_all (fixture->store, "visit", GP_DEMO_GRID_CODE, NULL);
  g_assert_cmpuint (visits->len, ==, 1);
  saved = g_ptr_array_index (visits, 0);
  photos = gp_document_get_array_member (saved, "photos");
  g_assert_nonnull (photos);
  g_assert_cmpuint (json_array_get_length (photos), ==, 1);
  g_assert_nonnull (gp_document_get_attachment (saved, "photo-1.jpg"));
  gp_photo_read_provenance (&recorded, json_array_get_object_element (photos, 0));
  g_assert_cmpint (recorded.source, ==, GP_PHOTO_SOURCE_CAMERA);
  g_assert_cmpstr (recorded.building, ==, "building:610103003003-05");
  g_assert_nonnull (recorded.check);
  gp_photo_clear_provenance (&recorded);
  gtk_window_destroy (host);
}

int
main (int   argc,
      char *argv[])
{
  gp_test_ui_init (&argc, &argv);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/camera/report-with-three-photos", Fixture, NULL, fixture_set_up, test_report_with_three_photos,
              fixture_tear_down);
  g_test_add ("/camera/visit-photo", Fixture, NULL, fixture_set_up, test_visit_photo, fixture_tear_down);
  g_test_add ("/camera/lost-mid-shot", Fixture, NULL, fixture_set_up, test_lost_mid_shot, fixture_tear_down);
  g_test_add ("/camera/portal-refusals", Fixture, NULL, fixture_set_up, test_portal_refusals, fixture_tear_down);
  return g_test_run ();
}
