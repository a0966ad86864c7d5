/* test-incidents-ui.c — reporting an incident and following it, for real,
 * at a phone's 360×720 under Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-context.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-incident-item.h"
#include "gp-incidents-page.h"
#include "gp-visit-dialog.h"
#include "gp-json.h"
#include "gp-preferences-dialog.h"
#include "gp-report-draft.h"
#include "gp-incident-row.h"
#include "gp-casework.h"
#include "gp-report-window.h"
#include "gp-store.h"
#include "gp-test-photo.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"
#include "gp-zoom-picture.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

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

  /* The worker stands at 5号楼. */
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
  /* Nothing left running in the background on the test's files. */
  gp_test_settle ();
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->location);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_photo (Fixture    *fixture,
             const char *name,
             gboolean    truncated)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (1600, 1200);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 6, TRUE);
  gsize length = g_bytes_get_size (jpeg);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (jpeg, NULL), truncated ? length / 3 : length, NULL));
  return g_steal_pointer (&path);
}

static gboolean
report_ready (gpointer data)
{
  return gp_report_window_get_ready (data) && !gp_report_window_get_busy (data);
}

static GpReportWindow *
open_report (Fixture *fixture)
{
  GpReportWindow *report = gp_report_window_new (NULL, fixture->context);

  gp_test_present_phone (GTK_WINDOW (report));
  g_assert_true (gp_test_wait_until (report_ready, report, 10000));
  return report;
}

static gboolean
photos_ready (gpointer data)
{
  return !gp_photo_picker_get_busy (data);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

typedef struct
{
  char    *id;
  gboolean done;
} Reported;

static void
on_reported (GpReportWindow *report,
             const char     *id,
             Reported       *reported)
{
  reported->id = g_strdup (id);
  reported->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Reported *) data)->done;
}

static gboolean
two_photos (gpointer data)
{
  return gp_incident_view_get_n_photos (data) == 2;
}

static gboolean
one_photo (gpointer data)
{
  return gp_photo_picker_get_photos (data)->len == 1;
}

static gboolean
has_second_row (gpointer data)
{
  return gtk_list_box_get_row_at_index (data, 1) != NULL;
}

/* The row or button that does @action with @target, as a tap would. */
static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action,
                 const char *target)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0 &&
      gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)) != NULL &&
      g_strcmp0 (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)), NULL),
                 target) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GpReportWindow *report;
  const char     *code;
  GtkWidget      *row;
} Listed;

static gboolean
is_listed (gpointer data)
{
  Listed *listed = data;

  listed->row = find_actionable (GTK_WIDGET (listed->report), "report.set-category", listed->code);
  return listed->row != NULL;
}

static gboolean
is_not_listed (gpointer data)
{
  return !is_listed (data);
}

/* The photo strip's remove buttons, in order. */
static void
collect_remove_buttons (GtkWidget *widget,
                        GPtrArray *buttons)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "picker.remove") == 0)
    g_ptr_array_add (buttons, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_remove_buttons (child, buttons);
}

/* Snap and report: photos first, the place from the fix with the building
 * it is in, the category's level; closed half-way, it is all still there;
 * sent, it is one incident with its photos, and the draft is gone. */
static void
test_report (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *photo = write_photo (fixture, "IMG_20261130_101500.jpg", FALSE);
  g_autofree char *broken = write_photo (fixture, "IMG_20261130_101501.jpg", TRUE);
  g_autofree char *draft_dir = gp_report_draft_dup_dir (fixture->dir);
  g_autofree char *draft_file = g_build_filename (draft_dir, "draft.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (photo);
  g_autoptr(GFile) broken_file = g_file_new_for_path (broken);
  g_autoptr(GPtrArray) incidents = NULL;
  g_autofree char *text = NULL;
  GpReportWindow *report;
  const GpReportDraft *draft;
  GpPhotoPicker *picker;
  Reported reported = { 0 };
  GpIncident *incident;

  report = open_report (fixture);
  draft = gp_report_window_get_draft (report);
  /* The place: where the worker is, in 5号楼. */
  g_assert_true (draft->has_position);
  g_assert_cmpstr (draft->position_from, ==, "fix");
  g_assert_cmpfloat (draft->accuracy, ==, 8);
  g_assert_cmpstr (draft->building, ==, "building:610103003003-05");

  /* Photos: a good one, and one cut short, which is named and left out. */
  picker = gp_report_window_get_photo_picker (report);
  gp_photo_picker_add_files (picker, (GFile *[]) { file, broken_file }, 2);
  g_assert_true (gp_photo_picker_get_busy (picker));   /* off the main loop */
  g_assert_true (gp_test_wait_until (photos_ready, picker, 20000));
  g_assert_cmpuint (gp_photo_picker_get_photos (picker)->len, ==, 1);
  g_assert_nonnull (strstr (gp_photo_picker_get_message (picker), "IMG_20261130_101501.jpg"));
  g_assert_nonnull (strstr (gp_photo_picker_get_message (picker),
                            _("the photo is cut short: the file was not copied whole")));
  g_assert_cmpuint (draft->photos->len, ==, 1);
  /* The photo's GPS does not replace the worker's fix. */
  g_assert_cmpstr (draft->position_from, ==, "fix");

  /* A second photo, then removed with its own button: the first stays. */
  {
    g_autofree char *second = write_photo (fixture, "IMG_20261130_101502.jpg", FALSE);
    g_autoptr(GFile) second_file = g_file_new_for_path (second);
    g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
    GpPhoto *first = g_ptr_array_index (gp_photo_picker_get_photos (picker), 0);

    gp_photo_picker_add_files (picker, (GFile *[]) { second_file }, 1);
    g_assert_true (gp_test_wait_until (photos_ready, picker, 20000));
    g_assert_cmpuint (gp_photo_picker_get_photos (picker)->len, ==, 2);
    collect_remove_buttons (GTK_WIDGET (picker), buttons);
    g_assert_cmpuint (buttons->len, ==, 2);
    g_assert_true (gtk_widget_activate (g_ptr_array_index (buttons, 1)));
    g_assert_true (gp_test_wait_until (one_photo, picker, 10000));
    g_assert_true (g_ptr_array_index (gp_photo_picker_get_photos (picker), 0) == first);
    g_assert_cmpuint (draft->photos->len, ==, 1);
  }

  gp_report_window_set_category (report, "06010");
  g_assert_cmpstr (draft->category, ==, "06010");
  g_assert_cmpstr (draft->grade, ==, "A");   /* 暴露垃圾: simple, level A */
  text = gp_test_collect_text (GTK_WIDGET (report));
  g_assert_nonnull (strstr (text, "06010 暴露垃圾"));
  g_assert_nonnull (strstr (text, "5号楼"));
  g_clear_pointer (&text, g_free);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (report), GP_TYPE_REPORT_WINDOW,
                                                                      "text_row")),
                         "楼前垃圾堆放三天");
  gp_test_save_widget_png (GTK_WIDGET (report), g_getenv ("LANGUAGE") ? "report-zh_CN-360x720" : "report-360x720");

  /* Closed half-way: kept on disk, and back on the next opening. */
  gtk_window_close (GTK_WINDOW (report));
  g_assert_true (gp_test_wait_until (file_exists, draft_file, 10000));
  report = open_report (fixture);
  draft = gp_report_window_get_draft (report);
  g_assert_cmpstr (draft->category, ==, "06010");
  g_assert_cmpstr (draft->text, ==, "楼前垃圾堆放三天");
  g_assert_cmpstr (draft->building, ==, "building:610103003003-05");
  g_assert_true (gp_test_wait_until (photos_ready, gp_report_window_get_photo_picker (report), 20000));
  g_assert_cmpuint (gp_photo_picker_get_photos (gp_report_window_get_photo_picker (report))->len, ==, 1);
  g_assert_cmpuint (draft->photos->len, ==, 1);

  /* It concerns one household of the building, picked from its list. */
  {
    GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (report), GP_TYPE_REPORT_WINDOW,
                                                                  "household_list"));
    GtkListBoxRow *row;
    g_autofree char *households = NULL;

    gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-household", NULL);
    /* Read off the main loop. */
    g_assert_true (gp_test_wait_until (has_second_row, list, 10000));
    row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1);
    g_assert_nonnull (row);
    households = gp_test_collect_text (list);
    /* Residents' names masked: a surname and stars. */
    g_assert_nonnull (strstr (households, "*"));
    g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
    g_assert_true (g_str_has_prefix (draft->household, "household:"));
  }

  /* Sent: one incident with its photo and thumbnail. */
  g_signal_connect (report, "reported", G_CALLBACK (on_reported), &reported);
  gtk_widget_activate_action (GTK_WIDGET (report), "report.send", NULL);
  g_assert_true (gp_test_wait_until (is_done, &reported, 10000));
  g_assert_true (g_str_has_prefix (reported.id, "incident:"));
  incidents = gp_documents_load_all (fixture->store, "incident", GP_DEMO_GRID_CODE, NULL);
  g_assert_cmpuint (incidents->len, ==, 1);
  incident = g_ptr_array_index (incidents, 0);
  g_assert_cmpstr (gp_incident_get_category (incident), ==, "06010");
  g_assert_cmpstr (gp_incident_get_grade (incident), ==, "A");
  g_assert_cmpstr (gp_incident_get_building (incident), ==, "building:610103003003-05");
  g_assert_cmpstr (gp_incident_get_reporter (incident), ==, "wang");
  g_assert_cmpstr (gp_incident_get_description (incident), ==, "楼前垃圾堆放三天");
  g_assert_cmpfloat (gp_incident_get_accuracy_m (incident), ==, 8);
  g_assert_true (g_str_has_prefix (gp_incident_get_household (incident), "household:610103003003-05"));
  g_assert_nonnull (gp_document_get_attachment (GP_DOCUMENT (incident), "photo-1.jpg"));
  g_assert_nonnull (gp_document_get_attachment (GP_DOCUMENT (incident), "thumb-1.jpg"));
  g_assert_true (gp_test_wait_until (file_gone, draft_file, 10000));
  {
    g_auto(GStrv) recent = g_settings_get_strv (fixture->settings, "recent-categories");

    g_assert_cmpstr (recent[0], ==, "06010");
  }
  g_free (reported.id);
}

static gboolean
said_not_kept (gpointer data)
{
  const char *message = gp_report_window_get_message (data);
  g_autofree char *prefix = g_strdup_printf (_("The report in progress cannot be kept: %s"), "");

  return message != NULL && g_str_has_prefix (message, prefix);
}

/* A draft that cannot be written (its folder is a file here) is said to
 * the worker, with the reason, and the report can still be sent. */
static void
test_draft_not_kept (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *draft_dir = gp_report_draft_dup_dir (fixture->dir);
  g_autofree char *drafts = g_path_get_dirname (draft_dir);
  GpReportWindow *report;
  Reported reported = { 0 };

  g_assert_true (g_file_set_contents (drafts, "not a folder", -1, NULL));
  /* 06010 was chosen lately. */
  {
    const char *recent[] = { "06010", NULL };

    g_settings_set_strv (fixture->settings, "recent-categories", recent);
  }
  report = open_report (fixture);
  /* The category chosen from its page, by tapping its row. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (report), "report.choose-category", NULL));
  /* Searched by pinyin initials, and a recent one first, once. */
  {
    GtkWidget *navigation = find_type (GTK_WIDGET (report), ADW_TYPE_NAVIGATION_VIEW);
    AdwNavigationPage *page = adw_navigation_view_find_page (ADW_NAVIGATION_VIEW (navigation), "categories");
    GtkWidget *entry = find_type (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY);
    Listed ebike = { report, "92004", NULL };
    Listed rubbish = { report, "06010", NULL };
    Listed water_cover = { report, "01001", NULL };
    GtkWidget *list;

    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "ddc");
    g_assert_true (gp_test_wait_until (is_not_listed, &rubbish, 10000));
    g_assert_true (is_listed (&ebike));
    /* (Replacing the text clears it first, which lists everything at once.) */
    gtk_editable_set_text (GTK_EDITABLE (entry), "lj");
    g_assert_true (gp_test_wait_until (is_not_listed, &water_cover, 10000));
    g_assert_true (is_listed (&rubbish));
    list = gtk_widget_get_parent (rubbish.row);
    g_assert_true (gtk_widget_get_prev_sibling (rubbish.row) == gtk_widget_get_first_child (list));
    {
      g_autofree char *heading = gp_test_collect_text (gtk_widget_get_first_child (list));
      g_autofree char *recent = g_strconcat (_("Recent"), "\n", NULL);

      g_assert_cmpstr (heading, ==, recent);
    }
    g_assert_null (find_actionable (gtk_widget_get_next_sibling (rubbish.row), "report.set-category", "06010"));
    for (GtkWidget *row = gtk_widget_get_next_sibling (rubbish.row); row; row = gtk_widget_get_next_sibling (row))
      g_assert_null (find_actionable (row, "report.set-category", "06010"));
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  }
  {
    GtkWidget *row = find_actionable (GTK_WIDGET (report), "report.set-category", "06010");

    g_assert_nonnull (row);
    g_assert_true (gtk_widget_activate (row));
  }
  g_assert_cmpstr (gp_report_window_get_draft (report)->category, ==, "06010");
  g_assert_true (gp_test_wait_until (said_not_kept, report, 10000));

  g_signal_connect (report, "reported", G_CALLBACK (on_reported), &reported);
  gtk_widget_activate_action (GTK_WIDGET (report), "report.send", NULL);
  g_assert_true (gp_test_wait_until (is_done, &reported, 10000));
  g_assert_true (g_str_has_prefix (reported.id, "incident:"));
  g_free (reported.id);
}

/* Without a category nothing is saved, and the form says what is missing;
 * a second report of the same thing nearby is offered the first case. */
static void
test_report_refused_and_duplicates (Fixture       *fixture,
                                    gconstpointer  data)
{
  GpReportWindow *report = open_report (fixture);
  g_autoptr(GPtrArray) incidents = NULL;
  Reported reported = { 0 };

  /* What is missing is listed at the top of the form from the start,
   * calmly; a tap on Report shows it as an error, with no toast. */
  g_assert_nonnull (gp_report_window_get_missing (report));
  g_assert_nonnull (strstr (gp_report_window_get_missing (report), _("What it is: choose a category")));
  gtk_widget_activate_action (GTK_WIDGET (report), "report.send", NULL);
  gp_test_wait_frames (GTK_WIDGET (report), 2);
  g_assert_null (gp_report_window_get_message (report));
  g_assert_nonnull (strstr (gp_report_window_get_missing (report), _("What it is: choose a category")));
  /* The position is known: only the category is missing. */
  g_assert_null (strstr (gp_report_window_get_missing (report), _("Where it is: your position, a building or a point on the map")));
  g_assert_cmpint (gp_store_count (fixture->store, "incident", GP_DEMO_GRID_CODE, NULL), ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (report)));
  gp_test_save_widget_png (GTK_WIDGET (report), "report-missing-360x720");

  gp_report_window_set_category (report, "06010");
  g_assert_null (gp_report_window_get_missing (report));
  g_signal_connect (report, "reported", G_CALLBACK (on_reported), &reported);
  gtk_widget_activate_action (GTK_WIDGET (report), "report.send", NULL);
  g_assert_true (gp_test_wait_until (is_done, &reported, 10000));
  g_free (reported.id);

  /* The same category, a few metres away: the open case is offered. */
  report = open_report (fixture);
  gp_report_window_set_category (report, "06010");
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_report_window_get_n_duplicates, report, 10000));
  g_assert_cmpuint (gp_report_window_get_n_duplicates (report), ==, 1);
  gp_test_save_widget_png (GTK_WIDGET (report), "report-duplicate-360x720");

  /* A different category: nothing to add to. */
  gp_report_window_set_category (report, "09006");
  for (guint i = 0; i < 50; i++)
    gp_test_wait_frames (GTK_WIDGET (report), 1);
  g_assert_cmpuint (gp_report_window_get_n_duplicates (report), ==, 0);

  /* Back to the first category, and the worker adds to the open case:
   * a comment on it, no second incident. */
  gp_report_window_set_category (report, "06010");
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_report_window_get_n_duplicates, report, 10000));
  memset (&reported, 0, sizeof reported);
  g_signal_connect (report, "reported", G_CALLBACK (on_reported), &reported);
  gp_test_tap_button (GTK_WIDGET (report), _("Add to It"));
  g_assert_true (gp_test_wait_until (is_done, &reported, 10000));

  incidents = gp_documents_load_all (fixture->store, "incident", GP_DEMO_GRID_CODE, NULL);
  g_assert_cmpuint (incidents->len, ==, 1);
  g_assert_cmpstr (reported.id, ==, gp_document_get_id (g_ptr_array_index (incidents, 0)));
  {
    g_autoptr(GPtrArray) events = gp_documents_load_by (fixture->store, "event", GP_STORE_REF_INCIDENT,
                                                         reported.id, NULL);

    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpstr (gp_event_get_action (g_ptr_array_index (events, 0)), ==, GP_ACTION_COMMENT);
  }
  g_free (reported.id);
}

/* The list and the case. */

static char *
report_with_ctl (Fixture    *fixture,
                 const char *category,
                 const char *text,
                 const char *reporter,
                 gint64      ago_s)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -ago_s);
  g_autoptr(JsonObject) point = gp_geo_point_new (fixture->building_centre);
  g_autoptr(GError) error = NULL;

  g_object_set (incident, "grid", GP_DEMO_GRID_CODE, "source", GP_SOURCE_PATROL, "category", category,
                "grade", "A", "reporter", reporter, "reported-at", at, "description", text,
                "building", "building:610103003003-05", NULL);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  g_assert_true (gp_documents_save (fixture->store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  return g_strdup (gp_document_get_id (GP_DOCUMENT (incident)));
}

static gboolean
page_loaded (gpointer data)
{
  return !gp_incidents_page_get_loading (data);
}

static gboolean
view_loaded (gpointer data)
{
  return !gp_incident_view_get_loading (data);
}

static gboolean
dialog_gone (gpointer data)
{
  return *(GpStepDialog **) data == NULL;
}

static void
take_step (GpIncidentView *view,
           const char     *action,
           const char     *note)
{
  GpStepDialog *dialog;

  /* As the worker does: the step's button on the case's page. */
  gp_test_tap_button (GTK_WIDGET (view), gp_action_label (action));
  dialog = GP_STEP_DIALOG (gp_test_wait_for_dialog (GP_TYPE_STEP_DIALOG));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  if (note != NULL)
    gp_step_dialog_set_note (dialog, note);
  gp_step_dialog_done (dialog);
  if (!gp_test_wait_until (dialog_gone, &dialog, 10000))
    g_error ("the step %s was not taken: %s", action, gp_step_dialog_get_message (dialog));
  g_assert_true (gp_test_wait_until (view_loaded, view, 10000));
}

/* How many incidents the list shows with these filters, once filtered. */
static guint
count_with (GpIncidentsPage  *page,
            GpIncidentFilter  filters,
            const char       *class_code)
{
  gp_incidents_page_set_filters (page, filters, class_code);
  g_assert_true (gp_test_wait_until (page_loaded, page, 10000));
  return g_list_model_get_n_items (gp_incidents_page_get_model (page));
}

typedef struct
{
  GpIncidentView *view;
  const char     *expected;
} ActionsQuery;

/* Whether the case's page offers exactly @expected, read again by itself. */
static gboolean
offers (gpointer data)
{
  ActionsQuery *query = data;
  g_auto(GStrv) actions = NULL;
  g_autofree char *joined = NULL;

  if (gp_incident_view_get_loading (query->view))
    return FALSE;
  actions = gp_incident_view_dup_actions (query->view);
  joined = g_strjoinv (" ", actions);
  return g_str_equal (joined, query->expected);
}

typedef struct
{
  GListModel *model;
  GpWarning   warning;
} WarningQuery;

static gboolean
first_warning_is (gpointer data)
{
  WarningQuery *query = data;
  g_autoptr(GpIncidentItem) first = NULL;

  if (g_list_model_get_n_items (query->model) == 0)
    return FALSE;
  first = g_list_model_get_item (query->model, 0);
  return gp_incident_item_get_warning (first) == query->warning;
}

typedef struct
{
  GpIncidentView *view;
  const char     *action;
} FirstQuery;

/* Whether the case's page offers @action as its main step. */
static gboolean
first_is (gpointer data)
{
  FirstQuery *query = data;
  g_auto(GStrv) actions = NULL;

  if (gp_incident_view_get_loading (query->view))
    return FALSE;
  actions = gp_incident_view_dup_actions (query->view);
  return actions[0] != NULL && g_str_equal (actions[0], query->action);
}

typedef struct
{
  guint  arrived;
  char  *title;
} Announced;

/* The last cases the page announced as given to the user. */
static void
on_assigned (GpIncidentsPage *page,
             guint            total,
             guint            arrived,
             const char      *title,
             Announced       *announced)
{
  if (arrived == 0)
    return;
  announced->arrived = arrived;
  g_free (announced->title);
  announced->title = g_strdup (title);
}

static gboolean
two_mine (gpointer data)
{
  GpIncidentsPage *page = data;

  return !gp_incidents_page_get_loading (page) && g_list_model_get_n_items (gp_incidents_page_get_model (page)) == 2;
}

static gboolean
dispatch_gone (gpointer data)
{
  g_auto(GStrv) actions = NULL;

  if (gp_incident_view_get_loading (data))
    return FALSE;
  actions = gp_incident_view_dup_actions (data);
  return !g_strv_contains ((const char * const *) actions, GP_ACTION_DISPATCH);
}

static void
assert_actions (GStrv       actions,
                const char *expected)
{
  g_autofree char *joined = g_strjoinv (" ", actions);

  g_assert_cmpstr (joined, ==, expected);
}

/* The list's row of @id, once it shows its thumbnail. */
typedef struct
{
  GtkWidget  *root;
  const char *id;
} RowQuery;

static GpIncidentRow *
find_row (GtkWidget  *widget,
          const char *id)
{
  if (GP_IS_INCIDENT_ROW (widget) && g_strcmp0 (gp_incident_row_get_incident_id (GP_INCIDENT_ROW (widget)), id) == 0)
    return GP_INCIDENT_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GpIncidentRow *found = find_row (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
thumbnail_shown (gpointer data)
{
  RowQuery *query = data;
  GpIncidentRow *row = find_row (query->root, query->id);

  return row != NULL && gp_incident_row_get_thumbnail (row) != NULL;
}

static void
add_photo (Fixture    *fixture,
           const char *incident_id)
{
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (1600, 1200);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 1, TRUE);
  g_autoptr(GpPhoto) photo = gp_photo_process (jpeg, NULL, NULL);
  g_autoptr(GpDocument) incident = gp_documents_load (fixture->store, incident_id, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (photo);
  gp_casework_add_photo (incident, photo);
  g_assert_true (gp_documents_save (fixture->store, incident, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
}

/* Whether a row titled @title is shown under @widget. */
static gboolean
row_shown (GtkWidget  *widget,
           const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return gtk_widget_is_visible (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (row_shown (child, title))
      return TRUE;
  return FALSE;
}

static void
test_list_and_case (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *mine = report_with_ctl (fixture, "06010", "楼前垃圾", "wang", 120);
  g_autofree char *late = report_with_ctl (fixture, "09006", "占道卖菜", "zhao", 3 * 86400);
  GtkWidget *window = adw_window_new ();
  GpIncidentsPage *page = GP_INCIDENTS_PAGE (gp_incidents_page_new (fixture->context));
  GpIncidentView *view = gp_incidents_page_get_view (page);
  GListModel *model = gp_incidents_page_get_model (page);
  Announced announced = { 0 };
  g_autofree char *text = NULL;
  g_auto(GStrv) actions = NULL;
  GpStepDialog *dialog;

  g_signal_connect (page, "assigned", G_CALLBACK (on_assigned), &announced);
  add_photo (fixture, mine);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (page));
  gp_test_present_phone (GTK_WINDOW (window));
  g_assert_true (gp_test_wait_until (page_loaded, page, 10000));

  /* Open ones, newest first. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  {
    g_autoptr(GpIncidentItem) first = g_list_model_get_item (model, 0);

    g_assert_cmpstr (gp_incident_item_get_id (first), ==, mine);
    g_assert_cmpint (gp_incident_item_get_warning (first), ==, GP_WARNING_GREEN);
  }
  /* The clock moves on while the list is open: at the turn of the minute
   * the colours and ages are read again — past 80 % of the time to
   * register it (10 minutes) yellow, past it red, three days on and back. */
  {
    WarningQuery yellow = { model, GP_WARNING_YELLOW };
    WarningQuery red = { model, GP_WARNING_RED };
    WarningQuery green = { model, GP_WARNING_GREEN };
    gint64 reported;
    g_autofree char *age = NULL;
    g_autofree char *shown = NULL;

    {
      g_autoptr(GpIncidentItem) first = g_list_model_get_item (model, 0);

      reported = gp_incident_item_get_reported_at (first);
    }
    gp_clock_set_fixed ((reported + 9 * 60) * G_USEC_PER_SEC);
    g_signal_emit_by_name (fixture->context, "minute");
    g_assert_true (gp_test_wait_until (first_warning_is, &yellow, 10000));
    gp_clock_set_fixed ((reported + 11 * 60) * G_USEC_PER_SEC);
    g_signal_emit_by_name (fixture->context, "minute");
    g_assert_true (gp_test_wait_until (first_warning_is, &red, 10000));
    gp_test_fix_clock (GP_TEST_NOW);
    gp_clock_set_fixed (gp_clock_get_real_time () + (gint64) 3 * 86400 * G_USEC_PER_SEC);
    g_signal_emit_by_name (fixture->context, "minute");
    g_assert_true (gp_test_wait_until (first_warning_is, &red, 10000));
    {
      g_autoptr(GpIncidentItem) first = g_list_model_get_item (model, 0);

      reported = gp_incident_item_get_reported_at (first);
    }
    age = gp_clock_format_age (reported, gp_clock_get_now ());
    gp_test_wait_frames (window, 5);
    shown = gp_test_collect_text (window);
    g_assert_nonnull (strstr (shown, age));
    gp_test_fix_clock (GP_TEST_NOW);
    g_signal_emit_by_name (fixture->context, "minute");
    g_assert_true (gp_test_wait_until (first_warning_is, &green, 10000));
  }
  /* Its photo's thumbnail, decoded off the main loop. */
  {
    RowQuery query = { window, mine };

    g_assert_true (gp_test_wait_until (thumbnail_shown, &query, 10000));
    gp_test_wait_frames (window, 3);
    /* The photo keeps to its 56 px box, the one without a photo too. */
    {
      GpIncidentRow *with = find_row (window, mine);
      GpIncidentRow *without = find_row (window, late);

      g_assert_nonnull (with);
      g_assert_nonnull (without);
      g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_first_child (GTK_WIDGET (with))), ==, 56);
      g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_first_child (GTK_WIDGET (without))), ==, 56);

      /* Scrolled to its end, the last row comes clear of the floating
       * Report button: the list runs on below it by more than the
       * button's height and margin. */
      {
        GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), GP_TYPE_INCIDENTS_PAGE,
                                                                     "list_view"));
        graphene_rect_t last;
        int natural = 0;

        gtk_widget_measure (list, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (list), NULL, &natural, NULL, NULL);
        g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (without), list, &last));
        g_assert_cmpfloat (natural - (last.origin.y + last.size.height), >=, 56 + 16);
      }
    }
  }
  gp_test_wait_frames (window, 5);
  text = gp_test_collect_text (window);
  g_assert_nonnull (strstr (text, "楼前垃圾"));
  g_assert_nonnull (strstr (text, "暴露垃圾 · 5号楼"));
  g_assert_nonnull (strstr (text, _("not sent")));
  gp_test_save_widget_png (window, "incidents-360x720");

  /* Filters. */
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_OPEN | GP_INCIDENT_FILTER_MINE, NULL), ==, 1);
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_OVERDUE, NULL), ==, 1);   /* three days unregistered */
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_TODAY, NULL), ==, 1);
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_OPEN, "09"), ==, 1);
  g_assert_cmpuint (count_with (page, 0, NULL), ==, 2);
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_OPEN, NULL), ==, 2);

  /* The worker's own simple case: handle it on the spot, or comment. */
  gp_incidents_page_show (page, mine);
  g_assert_true (gp_test_wait_until (view_loaded, view, 10000));
  actions = gp_incident_view_dup_actions (view);
  assert_actions (actions, "self_handle comment");
  g_clear_pointer (&actions, g_strfreev);
  gp_test_save_widget_png (window, "incident-360x720");
  /* Its photo, full screen. */
  g_assert_cmpuint (gp_incident_view_get_n_photos (view), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "incident.show-photo", "u", 0));
  {
    AdwDialog *photo = gp_test_wait_for_dialog (ADW_TYPE_DIALOG);

    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (photo), "gp-photo-viewer"));
    gp_test_wait_frames (GTK_WIDGET (photo), 20);
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (photo)), >=, 300);
    gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "photo-zh_CN-360x720" : "photo-360x720");
    /* The report's photo shows the problem before it was handled. */
    g_assert_cmpstr (gp_incident_view_get_caption (view, 0), ==, _("Before"));
    {
      g_autofree char *shown = gp_test_collect_text (GTK_WIDGET (photo));

      g_assert_nonnull (strstr (shown, _("Before")));
    }
    /* Enlarged, the photo keeps the finger from the carousel; back to
     * fitting the screen, the carousel swipes again. */
    {
      GpZoomPicture *picture = GP_ZOOM_PICTURE (find_type (GTK_WIDGET (photo), GP_TYPE_ZOOM_PICTURE));
      AdwCarousel *carousel = ADW_CAROUSEL (find_type (GTK_WIDGET (photo), ADW_TYPE_CAROUSEL));

      g_assert_nonnull (picture);
      g_assert_true (adw_carousel_get_interactive (carousel));
      gp_zoom_picture_set_zoom (picture, 2.5);
      g_assert_false (adw_carousel_get_interactive (carousel));
      gp_test_wait_frames (GTK_WIDGET (photo), 2);
      gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "photo-zoomed-zh_CN-360x720" : "photo-zoomed-360x720");
      gp_zoom_picture_set_zoom (picture, 100);
      g_assert_cmpfloat (gp_zoom_picture_get_zoom (picture), ==, GP_ZOOM_PICTURE_MAX);
      gp_zoom_picture_set_zoom (picture, 1);
      g_assert_true (adw_carousel_get_interactive (carousel));
    }
    adw_dialog_force_close (photo);
    gp_test_wait_for_no_dialog (ADW_TYPE_DIALOG);
  }

  /* The leader (chosen in preferences) registers it, then voids it
   * without a reason: refused. */
  {
    GtkWidget *preferences = gp_preferences_dialog_new (fixture->context);
    GObject *role_row = gtk_widget_get_template_child (preferences, GP_TYPE_PREFERENCES_DIALOG, "role_row");
    GObject *user_row = gtk_widget_get_template_child (preferences, GP_TYPE_PREFERENCES_DIALOG, "user_row");
    g_autofree char *role = NULL;
    g_autofree char *user = NULL;

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user_row)), ==, "wang");
    adw_combo_row_set_selected (ADW_COMBO_ROW (role_row), 1);
    gtk_editable_set_text (GTK_EDITABLE (user_row), "li");
    role = g_settings_get_string (fixture->settings, "role");
    user = g_settings_get_string (fixture->settings, "user-name");
    g_assert_cmpstr (role, ==, "leader");
    g_assert_cmpstr (user, ==, "li");
    g_object_unref (g_object_ref_sink (preferences));
  }
  /* The page follows the role at once: no reload asked for. */
  {
    ActionsQuery query = { view, "register self_handle comment void" };

    g_assert_true (gp_test_wait_until (offers, &query, 10000));
  }
  take_step (view, "register", "已核实，社区处理");
  g_assert_cmpuint (gp_incident_view_get_n_steps (view), ==, 1);
  actions = gp_incident_view_dup_actions (view);
  /* The main button stays where Register was, now the next step; Void,
   * which undoes work, is last, never under the same thumb. */
  g_assert_cmpstr (actions[0], ==, "dispatch");
  g_assert_cmpstr (actions[g_strv_length (actions) - 1], ==, "void");

  dialog = gp_incident_view_take_step (view, "void");
  gp_step_dialog_done (dialog);
  for (guint i = 0; i < 20; i++)
    gp_test_wait_frames (GTK_WIDGET (dialog), 1);
  g_assert_nonnull (gp_step_dialog_get_message (dialog));
  /* Said as the leader would say it, not in the document's terms. */
  g_assert_cmpstr (gp_step_dialog_get_message (dialog), ==, _("Give the reason in the box below"));
  gp_test_save_widget_png (GTK_WIDGET (dialog), "step-refused-360x720");
  adw_dialog_force_close (ADW_DIALOG (dialog));
  /* Dispatched to no one: asked to whom, in words. */
  dialog = gp_incident_view_take_step (view, "dispatch");
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_step_dialog_get_ready, dialog, 10000));
  gp_step_dialog_done (dialog);
  g_assert_cmpstr (gp_step_dialog_get_message (dialog), ==, _("Choose to whom it goes"));
  /* Chosen from the grid's people and the street's departments, leader
   * first; a name the directory lacks is written in. */
  {
    g_auto(GStrv) targets = gp_step_dialog_dup_targets (dialog);

    g_assert_cmpstr (targets[0], ==, "li");
    g_assert_true (g_strv_contains ((const char * const *) targets, "wang"));
    g_assert_true (g_strv_contains ((const char * const *) targets, "市政养护所"));
    gp_test_wait_frames (GTK_WIDGET (dialog), 30);
    g_assert_true (row_shown (GTK_WIDGET (dialog), _("To Whom")));
    g_assert_false (row_shown (GTK_WIDGET (dialog), _("To Whom (Department or Person)")));
    gp_test_save_widget_png (window, "step-dispatch-360x720");
    gp_step_dialog_set_target (dialog, "文昌路业委会");
    g_assert_true (row_shown (GTK_WIDGET (dialog), _("To Whom (Department or Person)")));
    gp_step_dialog_set_target (dialog, "市政养护所");
    g_assert_false (row_shown (GTK_WIDGET (dialog), _("To Whom (Department or Person)")));
  }
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_assert_cmpint (gp_store_count (fixture->store, "event", GP_DEMO_GRID_CODE, NULL), ==, 1);

  gp_incident_view_reload (view);
  g_assert_true (gp_test_wait_until (view_loaded, view, 10000));
  g_clear_pointer (&text, g_free);
  text = gp_test_collect_text (GTK_WIDGET (view));
  g_assert_nonnull (strstr (text, "已核实，社区处理"));
  g_assert_nonnull (strstr (text, gp_state_label (GP_STATE_REGISTERED)));
  gp_test_save_widget_png (window, g_getenv ("LANGUAGE") ? "incident-zh_CN-360x720" : "incident-registered-360x720");

  /* Dispatched elsewhere (another page, another phone): the page follows
   * and no longer offers to dispatch it. */
  {
    g_autoptr(GpEvent) event = gp_event_new (mine);
    g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
    g_autoptr(GError) error = NULL;

    g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", GP_ACTION_DISPATCH, "actor", "li",
                  "role", GP_ROLE_LEADER, "target", "wang", "at", now, NULL);
    g_assert_true (gp_casework_act (fixture->store, event, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_true (gp_test_wait_until (dispatch_gone, view, 10000));
  g_clear_pointer (&actions, g_strfreev);
  actions = gp_incident_view_dup_actions (view);
  g_assert_false (g_strv_contains ((const char * const *) actions, "dispatch"));

  /* Wang, to whom it went, accepts and starts it with a tap each: no
   * dialog for steps that need nothing more. */
  g_settings_set_string (fixture->settings, "role", GP_ROLE_WORKER);
  g_settings_set_string (fixture->settings, "user-name", "wang");
  {
    FirstQuery accept = { view, GP_ACTION_ACCEPT };
    FirstQuery start = { view, GP_ACTION_START };
    FirstQuery handled = { view, GP_ACTION_HANDLED };

    g_assert_true (gp_test_wait_until (first_is, &accept, 10000));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "incident.take-step", "s", GP_ACTION_ACCEPT));
    g_assert_true (gp_test_wait_until (first_is, &start, 10000));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "incident.take-step", "s", GP_ACTION_START));
    g_assert_true (gp_test_wait_until (first_is, &handled, 10000));
    g_assert_null (gp_test_find_dialog (GP_TYPE_STEP_DIALOG));
    g_assert_cmpint (gp_store_count (fixture->store, "event", GP_DEMO_GRID_CODE, NULL), ==, 4);
  }
  /* Handled, with a photo of the result: the case's photos are the
   * report's "before" and this "after". */
  {
    g_autofree char *path = write_photo (fixture, "IMG_20261125_110000.jpg", FALSE);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    GpStepDialog *handled = gp_incident_view_take_step (view, GP_ACTION_HANDLED);
    GpPhotoPicker *picker = gp_step_dialog_get_photo_picker (handled);

    g_object_add_weak_pointer (G_OBJECT (handled), (gpointer *) &handled);
    g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_step_dialog_get_ready, handled, 10000));
    gp_photo_picker_add_files (picker, (GFile *[]) { file }, 1);
    g_assert_true (gp_test_wait_until (one_photo, picker, 10000));
    gp_step_dialog_set_note (handled, "已清运");
    gp_step_dialog_done (handled);
    g_assert_true (gp_test_wait_until (dialog_gone, &handled, 10000));
    g_assert_true (gp_test_wait_until (view_loaded, view, 10000));
    g_assert_true (gp_test_wait_until (two_photos, view, 10000));
    g_assert_cmpstr (gp_incident_view_get_caption (view, 1), ==, _("After"));
  }

  /* Zhao's report, registered and given to Wang by the leader: "Mine" for
   * Wang now holds what he reported and what he was given. */
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_MINE, NULL), ==, 1);
  {
    const char *steps[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH };

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        g_autoptr(GpEvent) event = gp_event_new (late);
        g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
        g_autoptr(GError) error = NULL;

        g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", steps[i], "actor", "li", "role", GP_ROLE_LEADER,
                      "at", now, NULL);
        if (i == 0)
          g_object_set (event, "grade", "B", NULL);
        else
          g_object_set (event, "target", "wang", NULL);
        g_assert_true (gp_casework_act (fixture->store, event, NULL, &error));
        g_assert_no_error (error);
      }
  }
  g_assert_true (gp_test_wait_until (two_mine, page, 10000));
  g_assert_cmpuint (count_with (page, GP_INCIDENT_FILTER_MINE, NULL), ==, 2);
  /* It arrived while the list was open: counted for the tab's badge, and
   * announced once, by its title. */
  g_assert_cmpuint (gp_incidents_page_get_n_assigned (page), ==, 1);
  g_assert_cmpuint (announced.arrived, ==, 1);
  g_assert_cmpstr (announced.title, ==, "占道卖菜");
  g_clear_pointer (&announced.title, g_free);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A visit started with no building in mind starts at the building the
 * worker stands at (5号楼), not the grid's first. */
static void
test_visit_nearest (Fixture       *fixture,
                    gconstpointer  data)
{
  GpVisitDialog *dialog = gp_visit_dialog_new (fixture->context, NULL, NULL);

  g_object_ref_sink (dialog);
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_visit_dialog_get_ready, dialog, 10000));
  g_assert_cmpstr (gp_visit_dialog_get_building (dialog), ==, "building:610103003003-05");
  g_object_unref (dialog);
}

int
main (int   argc,
      char *argv[])
{
  gp_test_ui_init (&argc, &argv);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/ui/incidents/report", Fixture, NULL, fixture_set_up, test_report, fixture_tear_down);
  g_test_add ("/ui/incidents/visit-nearest", Fixture, NULL, fixture_set_up, test_visit_nearest, fixture_tear_down);
  g_test_add ("/ui/incidents/draft-not-kept", Fixture, NULL, fixture_set_up, test_draft_not_kept,
              fixture_tear_down);
  g_test_add ("/ui/incidents/report-refused-and-duplicates", Fixture, NULL, fixture_set_up,
              test_report_refused_and_duplicates, fixture_tear_down);
  g_test_add ("/ui/incidents/list-and-case", Fixture, NULL, fixture_set_up, test_list_and_case,
              fixture_tear_down);

  return g_test_run ();
}
