/* gp-patrol-page.c
 *
 * The patrol, on the phone: pick a route (or a free patrol) and start;
 * while it runs, how many checkpoints are reached, the next one with its
 * distance and direction, the time and distance so far, big buttons to
 * pause and finish, and household visits on the way. The position is
 * used only while a patrol runs (src/model/README.md §7). Between patrols: the
 * households not visited in the last N days, and past patrols with what
 * each covered. A patrol left running when the app stopped comes back
 * paused, to resume or finish.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-patrol-page"

#include "config.h"

#include "gp-patrol-page.h"
#include "gp-live-query.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-patrol-history.h"
#include "gp-basemap.h"
#include "gp-geo.h"
#include "gp-track-picture.h"
#include "gp-privacy.h"
#include "gp-store.h"
#include "gp-visit-dialog.h"

#include <glib/gi18n.h>
#include <math.h>

/* The report's small map, in pixels: a phone's width less the margins. */
#define TRACK_MAP_WIDTH  336
#define TRACK_MAP_HEIGHT 220

struct _GpPatrolPage
{
  AdwBin            parent_instance;

  GpContext        *context;
  GpStore          *store;
  GpPatrolRecorder *recorder;
  GpLocation       *location;        /* used while the patrol runs */
  gboolean          using_location;
  GPtrArray        *routes;          /* GpRoute, as in route_row after "free patrol" */
  GPtrArray        *rows;            /* rows added in code, to remove on refresh */
  GPtrArray        *checkpoint_rows;
  guint             tick_id;
  GpLiveQuery      *live;              /* patrols, visits and households, while on screen */
  GCancellable     *cancellable;
  GCancellable     *grid_cancellable;  /* the grid's routes being read */
  char             *wanted_route;      /* to choose once they are */
  gboolean          busy;              /* a start or finish being saved */

  GtkStack         *stack;
  AdwComboRow      *route_row;
  GtkButton        *start_button;
  AdwPreferencesGroup *coverage_group;
  AdwPreferencesGroup *history_group;
  GtkLabel         *progress_label;
  GtkLabel         *route_label;
  GtkProgressBar   *progress_bar;
  AdwActionRow     *next_row;
  AdwActionRow     *time_row;
  AdwActionRow     *distance_row;
  AdwActionRow     *position_row;
  GtkButton        *pause_button;
  AdwPreferencesGroup *checkpoints_group;
};

G_DEFINE_FINAL_TYPE (GpPatrolPage, gp_patrol_page, ADW_TYPE_BIN)

static void reload_summaries (GpPatrolPage *self);
static void show_patrol      (GpPatrolPage *self,
                              const char   *patrol_id);

static gint64
now_us (void)
{
  return gp_clock_get_real_time ();
}

static const char *
compass (double bearing)
{
  const char *names[] = { N_("north"), N_("northeast"), N_("east"), N_("southeast"), N_("south"),
                          N_("southwest"), N_("west"), N_("northwest") };

  return _(names[(int) floor (fmod (bearing + 22.5, 360.0) / 45.0) % 8]);
}

/* While running. */

static void
update_time (GpPatrolPage *self)
{
  g_autofree char *time = NULL;

  if (self->recorder == NULL)
    return;
  time = gp_patrol_format_duration (gp_patrol_recorder_get_elapsed (self->recorder, now_us ()));
  adw_action_row_set_subtitle (self->time_row, time);
}

static gboolean
on_tick (gpointer data)
{
  update_time (data);
  return G_SOURCE_CONTINUE;
}

static void
update_position_row (GpPatrolPage *self)
{
  GpLocation *location = gp_context_get_location (self->context);
  GpLocationState state = location ? gp_location_get_state (location) : GP_LOCATION_STATE_OFF;

  if (state == GP_LOCATION_STATE_FIX)
    {
      g_autofree char *text = g_strdup_printf (_("Found, ±%.0f m"), gp_location_get_fix (location)->accuracy);

      adw_action_row_set_subtitle (self->position_row, text);
    }
  else
    adw_action_row_set_subtitle (self->position_row, gp_location_state_describe (state));
}

static void
clear_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (rows, 0);
}

static void
update_running (GpPatrolPage *self)
{
  GpRoute *route;
  guint total, reached;
  g_autofree char *progress = NULL;
  g_autofree char *distance = NULL;
  GpCheckpoint next;
  double next_distance, bearing;
  gboolean paused;

  if (self->recorder == NULL)
    return;
  route = gp_patrol_recorder_get_route (self->recorder);
  total = route ? gp_route_get_n_checkpoints (route) : 0;
  reached = gp_patrol_recorder_get_n_reached (self->recorder);
  paused = g_strcmp0 (gp_patrol_recorder_get_status (self->recorder), GP_PATROL_PAUSED) == 0;

  if (route != NULL)
    {
      /* Translators: checkpoints reached of all, as in “3 / 10” */
      progress = g_strdup_printf (_("%u / %u"), reached, total);
      gtk_label_set_text (self->progress_label, progress);
      gtk_progress_bar_set_fraction (self->progress_bar, total ? (double) reached / total : 0);
    }
  else
    {
      distance = gp_patrol_format_distance (gp_patrol_recorder_get_distance (self->recorder));
      gtk_label_set_text (self->progress_label, distance);
      g_clear_pointer (&distance, g_free);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), route != NULL);
  {
    g_autofree char *line = route ? g_strdup_printf (paused ? _("%s · checkpoints reached · paused")
                                                            : _("%s · checkpoints reached"),
                                                     gp_route_get_name (route))
                                  : g_strdup (paused ? _("Free patrol · paused") : _("Free patrol"));

    gtk_label_set_text (self->route_label, line);
  }

  if (gp_patrol_recorder_get_next (self->recorder, &next, &next_distance, &bearing))
    {
      g_autofree char *where = next_distance >= 0 ? gp_patrol_format_distance (next_distance) : NULL;
      g_autofree char *text = where ? g_strdup_printf (_("%s · %s to the %s"), next.name ? next.name : next.id,
                                                       where, compass (bearing))
                                    : g_strdup (next.name ? next.name : next.id);

      adw_action_row_set_subtitle (self->next_row, text);
    }
  else
    adw_action_row_set_subtitle (self->next_row, route ? _("All reached") : _("None: a free patrol"));
  distance = gp_patrol_format_distance (gp_patrol_recorder_get_distance (self->recorder));
  adw_action_row_set_subtitle (self->distance_row, distance);
  update_time (self);
  update_position_row (self);
  gtk_button_set_label (self->pause_button, paused ? _("Resume") : _("Pause"));

  clear_rows (self->checkpoint_rows);
  for (guint i = 0; i < total; i++)
    {
      GpCheckpoint checkpoint;
      GtkWidget *row;
      GtkWidget *icon;

      if (!gp_route_get_checkpoint (route, i, &checkpoint))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), checkpoint.name ? checkpoint.name : checkpoint.id);
      icon = gtk_image_new_from_icon_name (gp_patrol_recorder_is_reached (self->recorder, checkpoint.id)
                                           ? "object-select-symbolic" : "radio-symbolic");
      if (gp_patrol_recorder_is_reached (self->recorder, checkpoint.id))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (
            gp_patrol_recorder_get_reached_at (self->recorder, checkpoint.id) / G_USEC_PER_SEC);
          g_autoptr(GTimeZone) zone = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);
          g_autoptr(GDateTime) at = g_date_time_to_timezone (utc, zone);
          g_autofree char *time = g_date_time_format (at, "%H:%M");
          /* Translators: a checkpoint reached, and the time it was */
          g_autofree char *when = g_strdup_printf (_("Reached at %s"), time);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
        }
      else
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not yet"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (self->checkpoints_group, row);
      g_ptr_array_add (self->checkpoint_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->checkpoints_group), total > 0);
}

static void
on_fix (GpPatrolPage *self)
{
  GpLocation *location = gp_context_get_location (self->context);

  update_position_row (self);
  if (self->recorder != NULL && location != NULL && gp_location_get_state (location) == GP_LOCATION_STATE_FIX)
    gp_patrol_recorder_add_fix (self->recorder, gp_location_get_fix (location));
}

/* The position is asked for while the patrol runs, not otherwise. */
static void
use_location (GpPatrolPage *self,
              gboolean      use)
{
  GpLocation *location = gp_context_get_location (self->context);

  if (self->using_location == use)
    return;
  if (use && location != NULL)
    {
      g_set_object (&self->location, location);
      g_signal_connect_object (location, "notify::fix", G_CALLBACK (on_fix), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (location, "notify::state", G_CALLBACK (update_position_row), self,
                               G_CONNECT_SWAPPED);
      gp_location_start (location);
      self->using_location = TRUE;
    }
  else if (!use && self->location != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->location, self);
      gp_location_stop (self->location);
      g_clear_object (&self->location);
      self->using_location = FALSE;
    }
}

/* The location source was swapped (preferences): keep using the new one. */
static void
on_location_changed (GpPatrolPage *self)
{
  if (!self->using_location)
    return;
  use_location (self, FALSE);
  use_location (self, TRUE);
}

static void
set_recorder (GpPatrolPage     *self,
              GpPatrolRecorder *recorder)
{
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_set_object (&self->recorder, recorder);
  gp_context_set_recorder (self->context, recorder);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (recorder == NULL)
    {
      use_location (self, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "idle");
      return;
    }
  g_signal_connect_object (recorder, "changed", G_CALLBACK (update_running), self, G_CONNECT_SWAPPED);
  use_location (self, g_strcmp0 (gp_patrol_recorder_get_status (recorder), GP_PATROL_RUNNING) == 0);
  self->tick_id = g_timeout_add_seconds (1, on_tick, self);
  update_running (self);
  gtk_stack_set_visible_child_name (self->stack, "running");
}

/* Actions. */

/* What went wrong, said to the worker over the pages. */
static void G_GNUC_PRINTF (2, 3)
tell (GpPatrolPage *self,
      const char   *format,
      ...)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_message ("%s", message);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static void
set_busy (GpPatrolPage *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patrol.start", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patrol.finish", !busy);
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GpPatrolPage) self = user_data;
  GpPatrolRecorder *recorder = GP_PATROL_RECORDER (source);
  g_autoptr(GError) error = NULL;

  if (!gp_patrol_recorder_start_finish (recorder, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (self, FALSE);
          tell (self, _("The patrol cannot start: %s"), error->message);
        }
      return;
    }
  set_busy (self, FALSE);
  set_recorder (self, recorder);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GpPatrolPage *self = GP_PATROL_PAGE (widget);
  GpGrid *grid = gp_context_get_grid (self->context);
  guint index = adw_combo_row_get_selected (self->route_row);
  GpRoute *route;
  g_autofree char *worker = gp_context_dup_user_name (self->context);
  g_autoptr(GpPatrolRecorder) recorder = NULL;

  if (self->recorder != NULL || self->busy || grid == NULL || self->store == NULL || self->routes == NULL)
    return;
  route = index >= 1 && index - 1 < self->routes->len ? g_ptr_array_index (self->routes, index - 1) : NULL;
  recorder = gp_patrol_recorder_new (self->store, gp_grid_get_code (grid), route, worker);
  gp_patrol_recorder_set_async (recorder, TRUE);
  set_busy (self, TRUE);
  gp_patrol_recorder_start_async (recorder, now_us (), self->cancellable, on_started, g_object_ref (self));
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GpPatrolPage *self = GP_PATROL_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->recorder == NULL)
    return;
  if (g_strcmp0 (gp_patrol_recorder_get_status (self->recorder), GP_PATROL_RUNNING) == 0)
    {
      gp_patrol_recorder_pause (self->recorder, now_us (), &error);
      use_location (self, FALSE);
    }
  else
    {
      gp_patrol_recorder_resume (self->recorder, now_us (), &error);
      use_location (self, TRUE);
    }
  if (error != NULL)
    tell (self, _("The patrol cannot be paused or resumed: %s"), error->message);
  update_running (self);
}

static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpPatrolPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gp_patrol_recorder_finish_finish (GP_PATROL_RECORDER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (self, FALSE);
          tell (self, _("The patrol cannot be finished: %s"), error->message);
        }
      return;
    }
  set_busy (self, FALSE);
  if (self->recorder == GP_PATROL_RECORDER (source))
    set_recorder (self, NULL);
  reload_summaries (self);
  /* What the patrol covered, at once. */
  show_patrol (self, gp_patrol_recorder_get_id (GP_PATROL_RECORDER (source)));
}

static void
finish_now (GpPatrolPage *self)
{
  if (self->recorder == NULL || self->busy)
    return;
  use_location (self, FALSE);
  set_busy (self, TRUE);
  gp_patrol_recorder_finish_async (self->recorder, now_us (), self->cancellable, on_finished, g_object_ref (self));
}

static void
on_finish_response (AdwAlertDialog   *dialog,
                    const char       *response,
                    GpPatrolPage     *self)
{
  if (g_strcmp0 (response, "finish") == 0)
    finish_now (self);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GpPatrolPage *self = GP_PATROL_PAGE (widget);
  AdwDialog *dialog;
  GpRoute *route;
  guint missing;
  g_autofree char *body = NULL;

  if (self->recorder == NULL)
    return;
  route = gp_patrol_recorder_get_route (self->recorder);
  missing = route ? gp_route_get_n_checkpoints (route) - gp_patrol_recorder_get_n_reached (self->recorder) : 0;
  body = missing > 0 ? g_strdup_printf (ngettext ("%u checkpoint is not reached yet; it will count as missed.",
                                                  "%u checkpoints are not reached yet; they will count as missed.",
                                                  missing), missing)
                     : g_strdup (_("The track stops being recorded."));
  dialog = adw_alert_dialog_new (_("Finish the Patrol?"), body);
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "cancel", _("_Go On"), "finish", _("_Finish"), NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "finish", ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_finish_response), self, 0);
  adw_dialog_present (dialog, widget);
}

static void
visit_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GpPatrolPage *self = GP_PATROL_PAGE (widget);
  GpVisitDialog *dialog;
  const char *building = NULL;
  GpRoute *route;
  GpCheckpoint next;
  double distance, bearing;

  /* Start from the building of the checkpoint the worker is heading for. */
  route = self->recorder ? gp_patrol_recorder_get_route (self->recorder) : NULL;
  if (route != NULL && gp_patrol_recorder_get_next (self->recorder, &next, &distance, &bearing))
    building = next.building;
  dialog = gp_visit_dialog_new (self->context, building,
                                self->recorder ? gp_patrol_recorder_get_id (self->recorder) : NULL);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (reload_summaries), self, G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

/* Between patrols: coverage and history, read off the main loop. */

static void
on_summaries (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GpPatrolPage) self = user_data;
  g_autoptr(GpPatrolHistory) summaries = gp_patrol_history_load_finish (GP_STORE (source), result, NULL);
  g_autofree char *title = NULL;

  if (summaries == NULL)
    return;
  clear_rows (self->rows);

  /* The title stays short: it shares the line with the map button. */
  adw_preferences_group_set_title (self->coverage_group, _("Visits Due"));
  title = g_strdup_printf (ngettext ("%u household not visited in %d days", "%u households not visited in %d days",
                                     summaries->not_visited), summaries->not_visited, summaries->days);
  adw_preferences_group_set_description (self->coverage_group, title);
  for (guint i = 0; i < summaries->coverage->len; i++)
    {
      g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (summaries->coverage, i), "\n", -1);
      GtkWidget *row = adw_expander_row_new ();
      g_autofree char *count = g_strdup_printf (ngettext ("%u household", "%u households",
                                                          g_strv_length (lines) - 1), g_strv_length (lines) - 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lines[0]);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), count);
      for (guint l = 1; lines[l] != NULL; l++)
        {
          GtkWidget *household = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (household), lines[l]);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), household);
        }
      adw_preferences_group_add (self->coverage_group, row);
      g_ptr_array_add (self->rows, row);
    }

  for (guint i = 0; i < summaries->history->len; i++)
    {
      g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (summaries->history, i), "\n", 2);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lines[0]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), lines[1]);
      /* A tap opens the patrol's report. */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "patrol.show");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", g_ptr_array_index (summaries->history_ids, i));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      adw_preferences_group_add (self->history_group, row);
      g_ptr_array_add (self->rows, row);
    }
  if (summaries->history->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No patrol has been finished yet"));
      adw_preferences_group_add (self->history_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

/* A patrol read back: after Finish, and from the history. */

static GtkWidget *track_map (GpPatrolPage   *self,
                             GpPatrolReport *report);

static void
on_report_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GpPatrolPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPatrolReport) report = gp_patrol_report_load_finish (GP_STORE (source), result, &error);
  AdwDialog *dialog;
  GtkWidget *view, *page, *summary, *checkpoints;

  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell (self, _("The patrol cannot be shown: %s"), error->message);
      return;
    }
  dialog = adw_dialog_new ();
  adw_dialog_set_title (dialog, _("Patrol Report"));
  adw_dialog_set_content_width (dialog, 420);
  adw_dialog_set_content_height (dialog, 640);
  view = adw_toolbar_view_new ();
  adw_toolbar_view_add_top_bar (ADW_TOOLBAR_VIEW (view), adw_header_bar_new ());
  page = adw_preferences_page_new ();
  summary = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (summary), report->title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (summary), report->figures);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (summary));
  if (report->track != NULL && report->track->len >= 2)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (summary), track_map (self, report));
  if (report->checkpoints->len > 0)
    {
      checkpoints = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (checkpoints), _("Checkpoints"));
      for (guint i = 0; i < report->checkpoints->len; i++)
        {
          g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (report->checkpoints, i), "\n", 2);
          GtkWidget *row = adw_action_row_new ();
          gboolean reached = lines[1] != NULL && *lines[1] != '\0';
          g_autofree char *when = reached ? g_strdup_printf (_("Reached at %s"), lines[1]) : NULL;

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lines[0]);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reached ? when : _("Missed"));
          adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                     gtk_image_new_from_icon_name (reached ? "object-select-symbolic"
                                                                           : "window-close-symbolic"));
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (checkpoints), row);
        }
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (checkpoints));
    }
  adw_toolbar_view_set_content (ADW_TOOLBAR_VIEW (view), page);
  adw_dialog_set_child (dialog, view);
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

/* The report's small map: the track walked over the grid's basemap,
 * drawn as a picture off the main loop; a frame of its size meanwhile. */
static void
on_track_drawn (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gp_track_picture_render_finish (result, &error);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static GtkWidget *
track_map (GpPatrolPage   *self,
           GpPatrolReport *report)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  GtkWidget *picture = gtk_picture_new ();
  g_autofree char *path = NULL;

  gtk_widget_set_size_request (picture, -1, TRACK_MAP_HEIGHT);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_add_css_class (picture, "gp-map");
  gtk_widget_add_css_class (picture, "card");
  gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_name (picture, "track-map");
  if (grid != NULL && self->store != NULL)
    path = gp_basemap_dup_path (gp_store_get_dir (self->store), gp_grid_get_code (grid));
  gp_track_picture_render_async (path, report->track, TRACK_MAP_WIDTH, TRACK_MAP_HEIGHT, self->cancellable,
                                 on_track_drawn, g_object_ref (picture));
  return picture;
}

static void
show_patrol (GpPatrolPage *self,
             const char   *patrol_id)
{
  if (self->store == NULL || patrol_id == NULL)
    return;
  gp_patrol_report_load_async (self->store, patrol_id, self->cancellable, on_report_loaded, g_object_ref (self));
}

static void
show_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_patrol (GP_PATROL_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
reload_summaries (GpPatrolPage *self)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  int days = g_settings_get_int (gp_context_get_settings (self->context), "coverage-days");

  if (self->store == NULL || grid == NULL)
    return;
  gp_patrol_history_load_async (self->store, gp_grid_get_code (grid), days, self->cancellable, on_summaries,
                                g_object_ref (self));
}

/* Coverage and history are of patrols, visits and the households due one. */
static gboolean
is_of_summaries (const char *id,
                 gpointer    user_data)
{
  return g_str_has_prefix (id, "patrol:") || g_str_has_prefix (id, "visit:") ||
         g_str_has_prefix (id, "household:");
}

static void
on_mapped (GpPatrolPage *self)
{
  gp_live_query_set_active (self->live, gtk_widget_get_mapped (GTK_WIDGET (self)));
}

/* The grid: its routes, and a patrol left unfinished. */

static void
choose_route (GpPatrolPage *self,
              const char   *route_id)
{
  for (guint i = 0; self->routes != NULL && i < self->routes->len; i++)
    if (g_strcmp0 (gp_document_get_id (g_ptr_array_index (self->routes, i)), route_id) == 0)
      adw_combo_row_set_selected (self->route_row, i + 1);
}

static void
on_setup_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GpPatrolPage) self = user_data;
  g_autoptr(GpPatrolSetup) setup = gp_patrol_setup_load_finish (GP_STORE (source), result, NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  if (setup == NULL)
    return;   /* cancelled: another grid */
  self->routes = g_steal_pointer (&setup->routes);
  gtk_string_list_append (names, _("Free patrol, no route"));
  for (guint i = 0; i < self->routes->len; i++)
    gtk_string_list_append (names, gp_route_get_name (g_ptr_array_index (self->routes, i)));
  adw_combo_row_set_model (self->route_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->route_row, self->routes->len > 0 ? 1 : 0);
  if (self->wanted_route != NULL)
    {
      choose_route (self, self->wanted_route);
      g_clear_pointer (&self->wanted_route, g_free);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patrol.start", TRUE);

  /* A patrol of this worker the app did not get to finish: back, paused. */
  if (setup->unfinished != NULL && self->recorder == NULL)
    {
      gp_patrol_recorder_set_async (setup->unfinished, TRUE);
      set_recorder (self, setup->unfinished);
    }
}

static void
on_grid_changed (GpPatrolPage *self)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  GpStore *store = gp_context_get_store (self->context);
  g_autofree char *worker = gp_context_dup_user_name (self->context);

  if (store != self->store)
    g_set_object (&self->store, store);
  set_recorder (self, NULL);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_cancellable_cancel (self->grid_cancellable);
  g_clear_object (&self->grid_cancellable);
  /* No start until the routes are read. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patrol.start", FALSE);
  if (store == NULL || grid == NULL)
    return;

  self->grid_cancellable = g_cancellable_new ();
  gp_patrol_setup_load_async (store, gp_grid_get_code (grid), worker, self->grid_cancellable, on_setup_loaded,
                              g_object_ref (self));
  reload_summaries (self);
}

/* Whether the grid's routes are read and no start or finish is being saved. */
gboolean
gp_patrol_page_get_ready (GpPatrolPage *self)
{
  g_return_val_if_fail (GP_IS_PATROL_PAGE (self), FALSE);

  return self->routes != NULL && !self->busy;
}

GpPatrolRecorder *
gp_patrol_page_get_recorder (GpPatrolPage *self)
{
  g_return_val_if_fail (GP_IS_PATROL_PAGE (self), NULL);

  return self->recorder;
}

void
gp_patrol_page_set_route (GpPatrolPage *self,
                          const char   *route_id)
{
  g_return_if_fail (GP_IS_PATROL_PAGE (self));

  if (self->routes == NULL)
    {
      g_free (self->wanted_route);
      self->wanted_route = g_strdup (route_id);   /* chosen when the routes are read */
      return;
    }
  choose_route (self, route_id);
}

static void
gp_patrol_page_dispose (GObject *object)
{
  GpPatrolPage *self = (GpPatrolPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->grid_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->live);
  use_location (self, FALSE);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_PATROL_PAGE);

  G_OBJECT_CLASS (gp_patrol_page_parent_class)->dispose (object);
}

static void
gp_patrol_page_finalize (GObject *object)
{
  GpPatrolPage *self = (GpPatrolPage *) object;

  g_clear_object (&self->recorder);
  g_clear_object (&self->store);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->grid_cancellable);
  g_free (self->wanted_route);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->checkpoint_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (gp_patrol_page_parent_class)->finalize (object);
}

static void
gp_patrol_page_class_init (GpPatrolPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_patrol_page_dispose;
  object_class->finalize = gp_patrol_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-patrol-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, route_row);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, coverage_group);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, history_group);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, route_label);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, next_row);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, time_row);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, distance_row);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, position_row);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, GpPatrolPage, checkpoints_group);
  gtk_widget_class_install_action (widget_class, "patrol.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "patrol.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "patrol.finish", NULL, finish_action);
  gtk_widget_class_install_action (widget_class, "patrol.visit", NULL, visit_action);
  gtk_widget_class_install_action (widget_class, "patrol.show", "s", show_action);
}

static void
gp_patrol_page_init (GpPatrolPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->checkpoint_rows = g_ptr_array_new ();
}

GtkWidget *
gp_patrol_page_new (GpContext *context)
{
  GpPatrolPage *self = g_object_new (GP_TYPE_PATROL_PAGE, NULL);

  self->context = g_object_ref (context);
  self->live = gp_live_query_new (context, 800);
  gp_live_query_set_filter (self->live, is_of_summaries, NULL);
  gp_live_query_set_active (self->live, FALSE);
  g_signal_connect_object (self->live, "refresh", G_CALLBACK (reload_summaries), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_mapped), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_mapped), NULL);
  g_signal_connect_object (context, "notify::store", G_CALLBACK (on_grid_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::grid", G_CALLBACK (on_grid_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::location", G_CALLBACK (on_location_changed), self, G_CONNECT_SWAPPED);
  on_grid_changed (self);
  return GTK_WIDGET (self);
}
