/* gp-patrol-history.c — the worker's past patrols and the visits due,
 * as the Patrol page shows them between patrols.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-patrol-history"

#include "config.h"

#include "gp-patrol-history.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-geo.h"
#include "gp-patrol-recorder.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>

char *
gp_patrol_format_distance (double metres)
{
  if (metres < 1000)
    return g_strdup_printf (_("%.0f m"), metres);
  return g_strdup_printf (_("%.2f km"), metres / 1000);
}

char *
gp_patrol_format_duration (gint64 us)
{
  gint64 minutes = us / G_USEC_PER_SEC / 60;

  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  return g_strdup_printf (_("%d h %d min"), (int) (minutes / 60), (int) (minutes % 60));
}

void
gp_patrol_history_free (GpPatrolHistory *history)
{
  if (history == NULL)
    return;
  g_clear_pointer (&history->history, g_ptr_array_unref);
  g_clear_pointer (&history->history_ids, g_ptr_array_unref);
  g_clear_pointer (&history->coverage, g_ptr_array_unref);
  g_free (history);
}

static void
free_string (gpointer string)
{
  g_string_free (string, TRUE);
}

static int
newest_patrol_first (gconstpointer a,
                     gconstpointer b)
{
  g_autoptr(GDateTime) x = gp_patrol_dup_started_at (*(GpPatrol **) a);
  g_autoptr(GDateTime) y = gp_patrol_dup_started_at (*(GpPatrol **) b);

  return x && y ? g_date_time_compare (y, x) : 0;
}

void
gp_patrol_report_free (GpPatrolReport *report)
{
  if (report == NULL)
    return;
  g_free (report->title);
  g_free (report->figures);
  g_clear_pointer (&report->checkpoints, g_ptr_array_unref);
  g_clear_pointer (&report->track, g_array_unref);
  g_free (report);
}

/* One patrol as the worker reads it back: when and which route, what it
 * covered, and each checkpoint with the time it was reached. */
static GpPatrolReport *
describe_patrol (GpPatrol  *patrol,
                 GPtrArray *routes,
                 GPtrArray *visits,
                 GPtrArray *incidents)
{
  GpPatrolReport *report = g_new0 (GpPatrolReport, 1);
  g_autoptr(GDateTime) started = gp_patrol_dup_started_at (patrol);
  g_autoptr(GDateTime) ended = gp_patrol_dup_ended_at (patrol);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);
  g_autoptr(GDateTime) local = started ? g_date_time_to_timezone (started, zone) : NULL;
  g_autofree char *when = local ? g_date_time_format (local, C_("patrol time", "%b %-d, %H:%M")) : g_strdup ("");
  g_autofree char *distance = gp_patrol_format_distance (gp_patrol_get_distance_m (patrol));
  g_autofree char *duration = started && ended ? gp_patrol_format_duration (g_date_time_difference (ended, started))
                                               : g_strdup (_("not finished"));
  JsonArray *reached = gp_document_get_array_member (GP_DOCUMENT (patrol), "checkpoints");
  const char *route_name = _("Free patrol");
  GpRoute *route = NULL;
  guint total = 0, n_visits = 0, n_incidents = 0;
  g_autofree char *visits_text = NULL;
  g_autofree char *incidents_text = NULL;

  for (guint r = 0; routes != NULL && r < routes->len; r++)
    if (g_strcmp0 (gp_document_get_id (g_ptr_array_index (routes, r)), gp_patrol_get_route (patrol)) == 0)
      {
        route = g_ptr_array_index (routes, r);
        route_name = gp_route_get_name (route);
        total = gp_route_get_n_checkpoints (route);
      }
  for (guint v = 0; visits != NULL && v < visits->len; v++)
    n_visits += g_strcmp0 (gp_visit_get_patrol (g_ptr_array_index (visits, v)),
                           gp_document_get_id (GP_DOCUMENT (patrol))) == 0;
  for (guint n = 0; incidents != NULL && started && ended && n < incidents->len; n++)
    {
      GpIncident *incident = g_ptr_array_index (incidents, n);
      g_autoptr(GDateTime) at = gp_incident_dup_reported_at (incident);

      n_incidents += at != NULL && g_strcmp0 (gp_incident_get_reporter (incident), gp_patrol_get_worker (patrol)) == 0 &&
                     g_date_time_compare (at, started) >= 0 && g_date_time_compare (at, ended) <= 0;
    }
  visits_text = g_strdup_printf (ngettext ("%u visit", "%u visits", n_visits), n_visits);
  incidents_text = g_strdup_printf (ngettext ("%u incident", "%u incidents", n_incidents), n_incidents);
  report->title = g_strdup_printf ("%s · %s", when, route_name);
  report->figures = total > 0
                    ? g_strdup_printf (_("%s · %s · %u of %u checkpoints · %s · %s"), duration, distance,
                                       reached ? json_array_get_length (reached) : 0, total, visits_text,
                                       incidents_text)
                    : g_strdup_printf ("%s · %s · %s · %s", duration, distance, visits_text, incidents_text);

  /* The route's checkpoints in order, each with when it was reached. */
  report->checkpoints = g_ptr_array_new_with_free_func (g_free);
  for (guint c = 0; c < total; c++)
    {
      GpCheckpoint checkpoint;
      g_autofree char *time = NULL;

      if (!gp_route_get_checkpoint (route, c, &checkpoint))
        continue;
      for (guint r = 0; reached != NULL && r < json_array_get_length (reached); r++)
        {
          JsonObject *entry = json_array_get_object_element (reached, r);
          g_autoptr(GDateTime) at = NULL;
          g_autoptr(GDateTime) there = NULL;

          if (g_strcmp0 (gp_json_get_string (entry, "id"), checkpoint.id) != 0 ||
              (at = gp_json_parse_time (gp_json_get_string (entry, "at"))) == NULL)
            continue;
          there = g_date_time_to_timezone (at, zone);
          time = g_date_time_format (there, "%H:%M");
        }
      g_ptr_array_add (report->checkpoints, g_strdup_printf ("%u. %s\n%s", c + 1,
                                                             checkpoint.name ? checkpoint.name : checkpoint.id,
                                                             time ? time : ""));
    }
  return report;
}

/**
 * gp_patrol_report_load:
 *
 * One finished patrol, as the page shows it after Finish and from the
 * history.
 */
GpPatrolReport *
gp_patrol_report_load (GpStore     *store,
                       const char  *patrol_id,
                       GError     **error)
{
  g_autoptr(GpDocument) patrol = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  GpPatrolReport *report;
  const char *grid;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  patrol = gp_documents_load (store, patrol_id, error);
  if (patrol == NULL)
    return NULL;
  if (!GP_IS_PATROL (patrol))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not a patrol"), patrol_id);
      return NULL;
    }
  grid = gp_patrol_get_grid (GP_PATROL (patrol));
  routes = gp_documents_load_all (store, "route", grid, NULL);
  visits = gp_documents_load_all (store, "visit", grid, NULL);
  incidents = gp_documents_load_all (store, "incident", grid, NULL);
  report = describe_patrol (GP_PATROL (patrol), routes, visits, incidents);
  /* The track, for the report's small map; a damaged one is left out. */
  report->track = g_array_new (FALSE, FALSE, sizeof (GpGeoPoint));
  {
    const char *text = gp_document_get_string_member (patrol, "track");
    g_autoptr(GArray) fixes = text != NULL ? gp_track_decode (text, NULL) : NULL;

    for (guint i = 0; fixes != NULL && i < fixes->len; i++)
      {
        GpFix *fix = &g_array_index (fixes, GpFix, i);
        GpGeoPoint point = { fix->longitude, fix->latitude };

        g_array_append_val (report->track, point);
      }
  }
  return report;
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GpPatrolReport *report = gp_patrol_report_load (source_object, task_data, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) gp_patrol_report_free);
}

void
gp_patrol_report_load_async (GpStore             *store,
                             const char          *patrol_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_patrol_report_load_async);
  g_task_set_task_data (task, g_strdup (patrol_id), g_free);
  gp_worker_run (task, report_thread);
}

GpPatrolReport *
gp_patrol_report_load_finish (GpStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * gp_patrol_history_load:
 * @days: the coverage period: households not visited in as many days
 *
 * The worker's history and the grid's visits due, as the Patrol page
 * shows them between patrols: the last fifty finished patrols, newest
 * first, and the households not visited in @days, by building, their
 * heads' names masked. What cannot be read is left out.
 */
GpPatrolHistory *
gp_patrol_history_load (GpStore    *store,
                        const char *grid,
                        int         days)
{
  GpPatrolHistory *summaries = g_new0 (GpPatrolHistory, 1);
  g_autoptr(GPtrArray) patrols = gp_documents_load_all (store, "patrol", grid, NULL);
  g_autoptr(GPtrArray) visits = gp_documents_load_all (store, "visit", grid, NULL);
  g_autoptr(GPtrArray) incidents = gp_documents_load_all (store, "incident", grid, NULL);
  g_autoptr(GPtrArray) households = gp_documents_load_all (store, "household", grid, NULL);
  g_autoptr(GPtrArray) buildings = gp_documents_load_all (store, "building", grid, NULL);
  g_autoptr(GPtrArray) routes = gp_documents_load_all (store, "route", grid, NULL);
  g_autoptr(GHashTable) last_visit = NULL;
  g_autoptr(GHashTable) by_building = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, free_string);
  gint64 since = gp_visit_due_before (days, gp_clock_get_now ());

  summaries->days = days;
  summaries->history = g_ptr_array_new_with_free_func (g_free);
  summaries->history_ids = g_ptr_array_new_with_free_func (g_free);
  summaries->coverage = g_ptr_array_new_with_free_func (g_free);

  /* Past patrols, newest first, the last fifty. */
  if (patrols != NULL)
    g_ptr_array_sort (patrols, newest_patrol_first);
  for (guint i = 0; patrols != NULL && i < patrols->len && summaries->history->len < 50; i++)
    {
      GpPatrol *patrol = g_ptr_array_index (patrols, i);
      g_autoptr(GpPatrolReport) report = NULL;

      if (g_strcmp0 (gp_patrol_get_status (patrol), GP_PATROL_FINISHED) != 0)
        continue;
      report = describe_patrol (patrol, routes, visits, incidents);
      g_ptr_array_add (summaries->history, g_strdup_printf ("%s\n%s", report->title, report->figures));
      g_ptr_array_add (summaries->history_ids, g_strdup (gp_document_get_id (GP_DOCUMENT (patrol))));
    }

  /* Households not visited in N days, by building. */
  if (visits == NULL)
    visits = g_ptr_array_new ();
  last_visit = gp_visit_last_times (visits);
  for (guint i = 0; households != NULL && i < households->len; i++)
    {
      GpHousehold *household = g_ptr_array_index (households, i);
      gint64 *last = g_hash_table_lookup (last_visit, gp_document_get_id (GP_DOCUMENT (household)));
      GString *line;
      g_autofree char *label = NULL;

      if (last != NULL && *last >= since)
        continue;
      summaries->not_visited++;
      line = g_hash_table_lookup (by_building, gp_household_get_building (household));
      if (line == NULL)
        {
          line = g_string_new (NULL);
          g_hash_table_insert (by_building, (gpointer) gp_household_get_building (household), line);
        }
      label = gp_household_dup_label (household);
      g_string_append_c (line, '\n');
      g_string_append (line, label);
    }
  for (guint b = 0; buildings != NULL && b < buildings->len; b++)
    {
      GpBuilding *building = g_ptr_array_index (buildings, b);
      GString *line = g_hash_table_lookup (by_building, gp_document_get_id (GP_DOCUMENT (building)));

      if (line != NULL)
        g_ptr_array_add (summaries->coverage, g_strdup_printf ("%s%s", gp_building_get_name (building), line->str));
    }
  return summaries;
}

typedef struct
{
  char *grid;
  int   days;
} Query;

static void
query_free (Query *query)
{
  g_free (query->grid);
  g_free (query);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Query *query = task_data;

  g_task_return_pointer (task, gp_patrol_history_load (source_object, query->grid, query->days),
                         (GDestroyNotify) gp_patrol_history_free);
}

void
gp_patrol_history_load_async (GpStore             *store,
                              const char          *grid,
                              int                  days,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Query *query;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_patrol_history_load_async);
  query = g_new0 (Query, 1);
  query->grid = g_strdup (grid);
  query->days = days;
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);
  gp_worker_run (task, load_thread);
}

GpPatrolHistory *
gp_patrol_history_load_finish (GpStore       *store,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
