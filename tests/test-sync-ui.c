/* test-sync-ui.c — a phone connects to a grid centre (a real PouchDB Server
 * set up with the demo grid), at 360×720 under Xvfb: a wrong password is
 * said, the right one brings the grid to the phone, the header tells how
 * sync goes, and logging out wipes the phone's copy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-casework.h"
#include "gp-centre.h"
#include "gp-clock.h"
#include "gp-context.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-incident-view.h"
#include "gp-photo.h"
#include "gp-sync-manager.h"
#include "gp-replicator.h"
#include "gp-report-draft.h"
#include "gp-watermark.h"
#include "gp-demo.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-sync-dialog.h"
#include "gp-test-pouchdb.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-window.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#define GRID GP_DEMO_GRID_CODE

typedef struct
{
  GpTestPouchdb *server;
  char          *centre_dir;
  char          *dir;
  GSettings     *settings;
  GpContext     *context;
  GtkWidget     *window;
} Fixture;

static gboolean
one_conflict (gpointer data)
{
  return gp_sync_dialog_get_n_conflicts (data) == 1;
}

static gboolean
no_conflicts (gpointer data)
{
  return gp_sync_dialog_get_n_conflicts (data) == 0;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *keys[] = { "current-grid", "user-name", "role", "sync-server", "sync-user", "sync-grids",
                         "sync-allow-http" };
  g_autoptr(GpStore) centre = NULL;
  g_autoptr(GError) error = NULL;
  GpCentreUser users[] = { { "wang", "wang-pw", "worker" } };
  g_auto(GpCentreSetup) result = { 0 };

  fixture->server = gp_test_pouchdb_start ();
  fixture->centre_dir = gp_test_make_dir ();
  centre = gp_test_open_store (fixture->centre_dir);
  g_assert_true (gp_demo_install (centre, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_true (gp_centre_setup (gp_test_pouchdb_get_admin (fixture->server), GRID, users, G_N_ELEMENTS (users),
                                  centre, GP_CENTRE_SETUP_TEST_SERVER, &result, NULL, &error));
  g_assert_no_error (error);

  fixture->settings = g_settings_new (APPLICATION_ID);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  fixture->dir = gp_test_make_dir ();
  fixture->context = gp_context_new (fixture->settings);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  gp_test_settle ();
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  gp_test_remove_dir (fixture->centre_dir);
  g_free (fixture->dir);
  g_free (fixture->centre_dir);
  gp_test_pouchdb_stop (fixture->server);
}

static const char *
page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (
    GTK_STACK (gtk_widget_get_template_child (fixture->window, GP_TYPE_WINDOW, "stack")));
}

static gboolean
on_page (gpointer data)
{
  gpointer *args = data;

  return gtk_widget_get_mapped (((Fixture *) args[0])->window) && g_strcmp0 (page (args[0]), args[1]) == 0;
}

static void
wait_for_page (Fixture    *fixture,
               const char *name)
{
  gpointer args[] = { fixture, (gpointer) name };

  if (!gp_test_wait_until (on_page, args, 60000))
    g_error ("the window shows “%s”, not “%s”", page (fixture), name);
  gp_test_wait_frames (fixture->window, 3);
}

static gboolean
not_busy (gpointer data)
{
  return !gp_sync_dialog_get_busy (data);
}

static GpContext *current_context;

static gboolean
run_done (gpointer data)
{
  GpSyncManager *sync = gp_context_get_sync (current_context);

  return gp_sync_manager_get_n_runs (sync) >= GPOINTER_TO_UINT (data) &&
         gp_sync_manager_get_state (sync) != GP_SYNC_SYNCING;
}

static gboolean
synced (gpointer data)
{
  GpSyncManager *sync = gp_context_get_sync (data);

  return sync != NULL && gp_sync_manager_get_state (sync) == GP_SYNC_IDLE && gp_context_get_grid (data) != NULL;
}

static void
test_connect (Fixture       *fixture,
              gconstpointer  data)
{
  GpSyncDialog *dialog;
  g_autofree char *user = NULL;
  g_autofree char *role = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *tooltip;

  current_context = fixture->context;
  gp_context_open_store (fixture->context, fixture->dir);
  fixture->window = GTK_WIDGET (gp_window_new (NULL, fixture->context));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_page (fixture, "welcome");

  /* "Connect to a Grid Centre": the log-in page. */
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.connect-centre", NULL));
  dialog = GP_SYNC_DIALOG (gp_test_wait_for_dialog (GP_TYPE_SYNC_DIALOG));

  /* A wrong password: said on the page, nothing kept. */
  gp_sync_dialog_set_account (dialog, gp_test_pouchdb_get_url (fixture->server), "wang", "guess");
  gp_sync_dialog_log_in (dialog);
  g_assert_true (gp_test_wait_until (not_busy, dialog, 30000));
  g_assert_cmpstr (gp_sync_dialog_get_message (dialog), ==, _("The user name or password is wrong"));
  text = g_settings_get_string (fixture->settings, "sync-server");
  g_assert_cmpstr (text, ==, "");
  gp_test_save_widget_png (fixture->window, "sync-login-refused-360x720");

  /* The right one: the grid comes down and the app opens on it. */
  gp_sync_dialog_set_account (dialog, gp_test_pouchdb_get_url (fixture->server), "wang", "wang-pw");
  gp_sync_dialog_log_in (dialog);
  g_assert_true (gp_test_wait_until (not_busy, dialog, 30000));
  g_assert_null (gp_sync_dialog_get_message (dialog));
  g_assert_true (gp_test_wait_until (synced, fixture->context, 60000));
  g_assert_cmpint (gp_store_count (gp_context_get_store (fixture->context), "household", GRID, NULL), ==, 420);
  user = g_settings_get_string (fixture->settings, "user-name");
  role = g_settings_get_string (fixture->settings, "role");
  g_assert_cmpstr (user, ==, "wang");
  g_assert_cmpstr (role, ==, "worker");
  gp_test_wait_frames (GTK_WIDGET (dialog), 3);
  g_clear_pointer (&text, g_free);
  text = gp_test_collect_text (GTK_WIDGET (dialog));
  g_assert_nonnull (strstr (text, _("Up to date with the grid centre")));
  gp_test_save_widget_png (fixture->window, "sync-status-360x720");
  adw_dialog_force_close (ADW_DIALOG (dialog));

  wait_for_page (fixture, "main");
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (gtk_widget_get_template_child (fixture->window, GP_TYPE_WINDOW,
                                                                                    "sync_button")));
  g_assert_cmpstr (tooltip, ==, _("Up to date with the grid centre"));
  gp_test_save_widget_png (fixture->window, "sync-main-360x720");

  /* A write the centre's rules refuse is listed on the Grid Centre page
   * with the rule's reason, and stays on the phone. */
  {
    GpStore *store = gp_context_get_store (fixture->context);
    g_autoptr(JsonObject) building = gp_store_get (store, "building:610103003003-01", GP_STORE_GET_NONE, &error);
    g_autofree char *rev = NULL;
    g_autofree char *page_text = NULL;
    GpSyncDialog *refused_page;
    guint runs = gp_sync_manager_get_n_runs (gp_context_get_sync (fixture->context));

    json_object_set_string_member (building, "name", "王的楼");
    rev = gp_store_put (store, building, NULL, GP_STORE_PUT_NONE, &error);
    g_assert_no_error (error);
    gp_sync_manager_sync_now (gp_context_get_sync (fixture->context));
    g_assert_true (gp_test_wait_until (run_done, GUINT_TO_POINTER (runs + 1), 60000));
    refused_page = gp_sync_dialog_new (fixture->context);
    gp_test_present_dialog (ADW_DIALOG (refused_page), fixture->window);
    gp_test_wait_frames (GTK_WIDGET (refused_page), 3);
    page_text = gp_test_collect_text (GTK_WIDGET (refused_page));
    g_assert_nonnull (strstr (page_text, _("Not Synced")));
    g_assert_nonnull (strstr (page_text, "Only the grid centre changes the building documents."));
    gp_test_wait_frames (GTK_WIDGET (refused_page), 10);
    gp_test_save_widget_png (fixture->window, "sync-refused-360x720");
    adw_dialog_force_close (ADW_DIALOG (refused_page));
    /* Still listed after the next sync, which does not send it again. */
    gp_sync_manager_sync_now (gp_context_get_sync (fixture->context));
    g_assert_true (gp_test_wait_until (run_done, GUINT_TO_POINTER (runs + 2), 60000));
    {
      const char * const *refused = gp_sync_manager_get_refused (gp_context_get_sync (fixture->context));

      g_assert_nonnull (refused[0]);
      g_assert_true (g_str_has_prefix (refused[0], "building:610103003003-01 "));
      g_assert_null (refused[1]);
    }
    g_clear_pointer (&building, json_object_unref);
    building = gp_store_get (store, "building:610103003003-01", GP_STORE_GET_NONE, &error);
    g_assert_cmpstr (gp_json_get_string (building, "name"), ==, "王的楼");
  }

  /* A household edited on another phone meanwhile: a leader sees it on
   * the Grid Centre page and keeps one version. */
  {
    GpStore *store = gp_context_get_store (fixture->context);
    const char *id = "household:610103003003-01-1-101";
    g_autoptr(JsonObject) base = gp_store_get (store, id, GP_STORE_GET_REVISIONS, &error);
    g_autoptr(JsonObject) mine = gp_store_get (store, id, GP_STORE_GET_NONE, &error);
    g_autoptr(JsonObject) theirs = json_object_new ();
    g_autoptr(JsonObject) revisions = json_object_new ();
    JsonArray *ids = json_array_new ();
    const char *hash = strchr (gp_json_get_string (base, "_rev"), '-') + 1;
    g_autofree char *rev = NULL;
    GpSyncDialog *settle_page;
    AdwAlertDialog *question;
    JsonObjectIter iter;
    const char *member;
    JsonNode *value;

    json_object_iter_init (&iter, mine);
    while (json_object_iter_next (&iter, &member, &value))
      json_object_set_member (theirs, member, json_node_copy (value));
    json_object_set_string_member (mine, "phone", "13800000001");
    rev = gp_store_put (store, mine, NULL, GP_STORE_PUT_NONE, &error);
    g_assert_no_error (error);
    json_array_add_string_element (ids, "0123456789abcdef0123456789abcdef");
    json_array_add_string_element (ids, hash);
    json_object_set_int_member (revisions, "start", 2);
    json_object_set_array_member (revisions, "ids", ids);
    json_object_set_string_member (theirs, "_rev", "2-0123456789abcdef0123456789abcdef");
    json_object_set_object_member (theirs, "_revisions", g_steal_pointer (&revisions));
    json_object_set_string_member (theirs, "phone", "13900000002");
    g_assert_true (gp_store_put_revision (store, theirs, NULL, &error));
    g_assert_no_error (error);

    g_settings_set_string (fixture->settings, "role", "leader");
    settle_page = gp_sync_dialog_new (fixture->context);
    gp_test_present_dialog (ADW_DIALOG (settle_page), fixture->window);
    /* Listed off the main loop. */
    g_assert_true (gp_test_wait_until (one_conflict, settle_page, 10000));
    g_assert_cmpuint (gp_sync_dialog_get_n_conflicts (settle_page), ==, 1);
    gp_test_save_widget_png (fixture->window, "sync-conflicts-360x720");
    /* As the leader does: the conflict's Settle button. */
    gp_test_tap_button (GTK_WIDGET (settle_page), _("_Settle…"));
    question = ADW_ALERT_DIALOG (gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG));
    /* Both versions, phone numbers masked. */
    g_assert_nonnull (strstr (adw_alert_dialog_get_body (question), "138****0001"));
    g_assert_nonnull (strstr (adw_alert_dialog_get_body (question), "139****0002"));
    g_assert_null (strstr (adw_alert_dialog_get_body (question), "13800000001"));
    gp_test_wait_frames (GTK_WIDGET (question), 10);
    gp_test_save_widget_png (fixture->window, "sync-settle-360x720");
    {
      g_autofree char *keep = g_strconcat ("keep:", "2-0123456789abcdef0123456789abcdef", NULL);

      gp_test_alert_respond (question, keep);
    }
    /* Settled off the main loop. */
    g_assert_true (gp_test_wait_until (no_conflicts, settle_page, 10000));
    {
      g_autoptr(JsonObject) settled = gp_store_get (store, id, GP_STORE_GET_CONFLICTS, &error);

      g_assert_cmpstr (gp_json_get_string (settled, "phone"), ==, "13900000002");
      g_assert_null (gp_json_get_array (settled, "_conflicts"));
    }
    adw_dialog_force_close (ADW_DIALOG (settle_page));
  }

  /* Logging out forgets the account and wipes the phone's copy; the
   * settled household has not reached the centre yet, which the warning
   * counts. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (gp_context_get_unsent (fixture->context), ==, 1);
  {
    GpSyncDialog *page = gp_sync_dialog_new (fixture->context);
    AdwAlertDialog *question;
    g_autofree char *server = NULL;

    gp_test_present_dialog (ADW_DIALOG (page), fixture->window);
    /* Asked first, and kept. */
    gp_test_tap_button (GTK_WIDGET (page), _("_Log Out…"));
    question = ADW_ALERT_DIALOG (gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG));
    /* The one settled household that has not reached the centre. */
    g_assert_nonnull (strstr (adw_alert_dialog_get_body (question), "1 "));
    gp_test_save_widget_png (fixture->window, "sync-log-out-360x720");
    gp_test_alert_respond (question, "cancel");
    server = g_settings_get_string (fixture->settings, "sync-server");
    g_assert_cmpstr (server, !=, "");
    /* Then confirmed: the page closes, the welcome page is back. */
    gp_test_tap_button (GTK_WIDGET (page), _("_Log Out…"));
    question = ADW_ALERT_DIALOG (gp_test_wait_for_dialog (ADW_TYPE_ALERT_DIALOG));
    gp_test_alert_respond (question, "log-out");
    gp_test_wait_for_no_dialog (GP_TYPE_SYNC_DIALOG);
  }
  wait_for_page (fixture, "welcome");
  g_clear_pointer (&text, g_free);
  text = g_settings_get_string (fixture->settings, "sync-server");
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpint (gp_store_count (gp_context_get_store (fixture->context), "household", NULL, NULL), ==, 0);
}

/* A grid centre with the worker wang and the leader li logged in, and the
 * demo grid on wang's phone. */
static void
grid_with_two_phones (GpTestGrid  *grid,
                      GpCouch    **wang,
                      GpCouch    **li)
{
  g_autofree char *database = NULL;
  g_autoptr(GError) error = NULL;

  gp_test_grid_set_up (grid, GRID);
  database = gp_test_pouchdb_add_grid (grid->server, GRID);
  gp_test_pouchdb_add_user (grid->server, "wang", "wang-pw", "grid:" GRID ":worker", NULL);
  gp_test_pouchdb_add_user (grid->server, "li", "li-pw", "grid:" GRID ":leader", NULL);
  *wang = gp_test_pouchdb_login (grid->server, "wang", "wang-pw");
  *li = gp_test_pouchdb_login (grid->server, "li", "li-pw");
  g_assert_true (gp_demo_install (grid->worker, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
}

/* Wang's phone to the centre, the centre to li's; the photos the pull left
 * at the centre. */
static guint
through_centre (GpTestGrid         *grid,
                GpCouch            *wang,
                GpCouch            *li,
                GpReplicationFlags  flags)
{
  GpReplicationStats stats = { 0 };
  g_autoptr(GError) error = NULL;
  guint deferred;

  g_assert_true (gp_replicate (grid->worker, wang, grid->database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE,
                               &stats, NULL, &error));
  g_assert_no_error (error);
  gp_replication_stats_clear (&stats);
  g_assert_true (gp_replicate (grid->leader, li, grid->database, GP_REPLICATION_PULL, flags, &stats, NULL, &error));
  g_assert_no_error (error);
  deferred = stats.deferred;
  gp_replication_stats_clear (&stats);
  return deferred;
}

/* Li's phone, the leader's, on @store. */
static GpContext *
leader_context (GSettings *settings,
                GpStore   *store)
{
  GpContext *context;

  g_settings_set_string (settings, "user-name", "li");
  g_settings_set_string (settings, "role", "leader");
  context = gp_context_new (settings);
  gp_test_set_store (context, store);
  return context;
}

static gboolean
view_has_photo (gpointer data)
{
  return !gp_incident_view_get_loading (data) && gp_incident_view_get_n_photos (data) == 1;
}

/* A photo taken in the app on the worker's phone reaches the leader's
 * phone through the centre with its provenance: the leader's incident page
 * says where, when and how it was taken, and its bytes check out there. */
static void
test_photo_provenance (void)
{
  GpTestGrid grid = { 0 };
  g_autoptr(GpCouch) wang = NULL;
  g_autoptr(GpCouch) li = NULL;
  g_autoptr(GpReportDraft) draft = gp_report_draft_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GpPhotoStamp) stamp = gp_photo_stamp_new ();
  g_autoptr(GdkPixbuf) frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1280, 960);
  g_autoptr(GpPhoto) photo = NULL;
  g_autoptr(GpDocument) building = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GpContext) context = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *check = NULL;
  GpGeoPoint centre;
  GtkWindow *window;
  GtkWidget *view;
  const char *id, *provenance;

  grid_with_two_phones (&grid, &wang, &li);

  /* At 5号楼, to 8 m: the report, and one shot stamped at the shutter. */
  building = gp_documents_load (grid.worker, "building:610103003003-05", &error);
  g_assert_no_error (error);
  gp_geo_geometry_get_center (gp_document_get_geometry (building), &centre);
  draft->grid = g_strdup (GRID);
  draft->category = g_strdup ("06010");
  draft->has_position = TRUE;
  draft->latitude = centre.lat;
  draft->longitude = centre.lon;
  draft->building = g_strdup ("building:610103003003-05");
  incident = gp_report_draft_to_incident (draft, "wang", now, &error);
  g_assert_no_error (error);
  id = gp_document_get_id (GP_DOCUMENT (incident));
  stamp->taken_at = gp_clock_get_now ();
  stamp->has_fix = TRUE;
  stamp->latitude = centre.lat;
  stamp->longitude = centre.lon;
  stamp->accuracy = 8;
  stamp->worker = g_strdup ("wang");
  stamp->worker_name = g_strdup ("王芳");
  stamp->grid = g_strdup (GRID);
  stamp->grid_name = g_strdup ("第三网格");
  stamp->building = g_strdup ("building:610103003003-05");
  stamp->building_name = g_strdup ("5号楼");
  gdk_pixbuf_fill (frame, 0x6090c0ff);
  photo = gp_photo_take_frame (frame, stamp, NULL, &error);
  g_assert_no_error (error);
  check = g_strdup (photo->check);
  gp_casework_add_photo (GP_DOCUMENT (incident), photo);
  g_assert_true (gp_documents_save (grid.worker, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);

  /* Through the centre. */
  g_assert_cmpuint (through_centre (&grid, wang, li, GP_REPLICATION_FLAGS_NONE), ==, 0);

  /* The leader's page. */
  context = leader_context (settings, grid.leader);
  view = gp_incident_view_new (context);
  window = GTK_WINDOW (adw_window_new ());
  adw_window_set_content (ADW_WINDOW (window), view);
  gp_test_present_phone (window);
  gp_incident_view_show (GP_INCIDENT_VIEW (view), id);
  g_assert_true (gp_test_wait_until (view_has_photo, view, 20000));
  provenance = gp_incident_view_get_provenance (GP_INCIDENT_VIEW (view), 0);
  g_test_message ("%s", provenance);
  g_assert_nonnull (strstr (provenance, _("Taken with the camera")));
  g_assert_nonnull (strstr (provenance, "5号楼"));
  g_assert_nonnull (strstr (provenance, check));
  {
    g_autofree char *distance = g_strdup_printf (_("%.0f m from the case (±%.0f m)"), 0.0, 8.0);

    g_assert_nonnull (strstr (provenance, distance));
  }
  gp_test_wait_frames (view, 3);
  gp_test_save_widget_png (view, g_getenv ("LANGUAGE") ? "provenance-leader-zh_CN-360x720"
                                                        : "provenance-leader-360x720");

  checks = gp_casework_verify_photos (grid.leader, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checks->len, ==, 1);
  g_assert_cmpint (((GpPhotoCheck *) g_ptr_array_index (checks, 0))->result, ==, GP_PHOTO_CHECK_OK);

  gtk_window_destroy (window);
  gp_test_settle ();
  g_clear_object (&context);
  gp_test_grid_tear_down (&grid);
}

typedef struct
{
  GtkWidget  *view;
  const char *status;   /* NULL: the photo shown whole */
} Status;

static gboolean
photo_status_is (gpointer data)
{
  Status *wanted = data;
  GpIncidentView *view = GP_INCIDENT_VIEW (wanted->view);

  if (gp_incident_view_get_loading (view) || gp_incident_view_get_n_photos (view) != 1)
    return FALSE;
  return g_strcmp0 (gp_incident_view_get_photo_status (view, 0), wanted->status) == 0;
}

/* Whether a photo's download status shows anywhere under @widget. */
static gboolean
status_shown (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (gtk_widget_has_css_class (widget, "gp-photo-status"))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (status_shown (child))
      return TRUE;
  return FALSE;
}

static gboolean
status_gone (gpointer data)
{
  return !status_shown (data);
}

/* Photos on demand on the leader's page: the thumbnail with how its
 * download goes — offline, it says the photo will come when the network
 * returns, and it comes, whole, when it does. */
static void
test_photo_on_demand (void)
{
  GpTestGrid grid = { 0 };
  g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%u", gp_test_free_port ());
  g_autoptr(GpCouch) wang = NULL;
  g_autoptr(GpCouch) li = NULL;
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GdkPixbuf) frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1280, 960);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GpPhoto) photo = NULL;
  g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { 108.9402, 34.2586 });
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GpContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *grids[] = { GRID, NULL };
  const char *language = g_getenv ("LANGUAGE") ? "-zh_CN" : "";
  GpSyncManager *sync;
  GtkWindow *window;
  GtkWidget *view;
  Status offline, downloading, whole = { NULL, NULL };
  AdwDialog *viewer;
  const char *id;

  grid_with_two_phones (&grid, &wang, &li);

  gdk_pixbuf_fill (frame, 0x6090c0ff);
  {
    gchar *buffer = NULL;
    gsize size = 0;

    g_assert_true (gdk_pixbuf_save_to_buffer (frame, &buffer, &size, "jpeg", &error, NULL));
    jpeg = g_bytes_new_take (buffer, size);
  }
  photo = gp_photo_process (jpeg, NULL, &error);
  g_assert_no_error (error);
  g_object_set (incident, "grid", GRID, "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", now, "description", "暴露垃圾", NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  gp_casework_add_photo (GP_DOCUMENT (incident), photo);
  g_assert_true (gp_documents_save (grid.worker, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  id = gp_document_get_id (GP_DOCUMENT (incident));
  g_assert_cmpuint (through_centre (&grid, wang, li, GP_REPLICATION_PHOTOS_ON_DEMAND), ==, 1);

  /* The leader's phone, its centre out of reach. */
  context = leader_context (settings, grid.leader);
  sync = gp_context_get_sync (context);
  gp_sync_manager_set_grids (sync, grids);
  gp_sync_manager_set_account (sync, dead, "li", "li-pw", FALSE);
  view = gp_incident_view_new (context);
  window = GTK_WINDOW (adw_window_new ());
  adw_window_set_content (ADW_WINDOW (window), view);
  gp_test_present_phone (window);
  gp_incident_view_show (GP_INCIDENT_VIEW (view), id);
  offline = (Status) { view, _("Offline: the photo will download when the network returns") };
  g_assert_true (gp_test_wait_until (photo_status_is, &offline, 30000));
  {
    g_autofree char *name = g_strdup_printf ("photo-offline%s-360x720", language);

    gp_test_wait_frames (view, 3);
    gp_test_save_widget_png (view, name);
  }

  /* The page read again (it is, each minute): it still says so, without
   * asking again. */
  gp_incident_view_reload (GP_INCIDENT_VIEW (view));
  g_assert_true (gp_incident_view_get_loading (GP_INCIDENT_VIEW (view)));
  g_assert_true (gp_test_wait_until (photo_status_is, &offline, 30000));

  /* Full screen, the photo says the same. */
  g_assert_true (gtk_widget_activate_action (view, "incident.show-photo", "u", 0));
  viewer = gp_test_wait_for_dialog (ADW_TYPE_DIALOG);
  {
    g_autofree char *shown = NULL;
    g_autofree char *name = g_strdup_printf ("photo-offline-viewer%s-360x720", language);

    gp_test_wait_frames (GTK_WIDGET (viewer), 20);
    shown = gp_test_collect_text (GTK_WIDGET (viewer));
    g_assert_nonnull (strstr (shown, offline.status));
    g_assert_true (status_shown (GTK_WIDGET (viewer)));
    gp_test_save_widget_png (GTK_WIDGET (window), name);
    adw_dialog_close (viewer);
    gp_test_wait_for_no_dialog (ADW_TYPE_DIALOG);
  }

  /* How a download in progress looks, at 720×360 too. */
  g_signal_emit_by_name (sync, "photo-progress", id, "photo-1.jpg", 0.4);
  g_assert_cmpstr (gp_incident_view_get_photo_status (GP_INCIDENT_VIEW (view), 0), ==,
                   _("Downloading the photo…"));
  {
    g_autofree char *name = g_strdup_printf ("photo-downloading%s-360x720", language);

    gp_test_wait_frames (view, 3);
    gp_test_save_widget_png (view, name);
    gp_test_present_at (window, GP_TEST_PHONE_HEIGHT, GP_TEST_PHONE_WIDTH);
    g_free (name);
    name = g_strdup_printf ("photo-downloading%s-720x360", language);
    gp_test_wait_frames (view, 3);
    gp_test_save_widget_png (view, name);
    gp_test_present_phone (window);
  }

  /* The network returns while the photo is open full screen, and the page
   * is read again meanwhile: the photo comes and replaces its thumbnail
   * on both. */
  g_assert_true (gtk_widget_activate_action (view, "incident.show-photo", "u", 0));
  viewer = gp_test_wait_for_dialog (ADW_TYPE_DIALOG);
  gp_incident_view_reload (GP_INCIDENT_VIEW (view));
  downloading = (Status) { view, _("Downloading the photo…") };
  g_assert_true (gp_test_wait_until (photo_status_is, &downloading, 30000));
  g_assert_true (status_shown (GTK_WIDGET (viewer)));
  gp_sync_manager_set_account (sync, gp_test_pouchdb_get_url (grid.server), "li", "li-pw", FALSE);
  whole.view = view;
  g_assert_true (gp_test_wait_until (photo_status_is, &whole, 60000));
  g_assert_true (gp_test_wait_until (status_gone, viewer, 30000));
  adw_dialog_close (viewer);
  gp_test_wait_for_no_dialog (ADW_TYPE_DIALOG);
  g_assert_true (gp_store_has_blob (grid.leader, gp_document_get_attachment (GP_DOCUMENT (incident),
                                                                             "photo-1.jpg")->digest));
  {
    g_autofree char *name = g_strdup_printf ("photo-arrived%s-360x720", language);

    gp_test_wait_frames (view, 3);
    gp_test_save_widget_png (view, name);
  }

  gtk_window_destroy (window);
  gp_test_settle ();
  g_clear_object (&context);
  gp_test_grid_tear_down (&grid);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GP_SECRET_BACKEND", "memory", TRUE);
  gp_test_ui_init (&argc, &argv);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/ui/sync/connect", Fixture, NULL, fixture_set_up, test_connect, fixture_tear_down);
  g_test_add_func ("/ui/sync/photo-provenance", test_photo_provenance);
  g_test_add_func ("/ui/sync/photo-on-demand", test_photo_on_demand);

  return g_test_run ();
}
