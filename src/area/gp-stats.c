/* gp-stats.c
 *
 * The area's figures for a period, from the case table (gp-case-index.c)
 * and the patrol, household and visit documents, each an indexed query.
 *
 * The rates follow src/model/README.md §6, with these readings:
 *
 *  - 响应率: of the cases reported in the period whose first response was
 *    due by now (or came), those registered, voided or handled within the
 *    first-response time.
 *  - 办结率: of the cases due to close in the period — closed out in it, or
 *    whose deadline passed in it while they were not closed out — those
 *    closed out in it. A case whose deadline passed in one period and that
 *    closed in the next counts in both: not closed in the first, closed in
 *    the second. 按期办结率 counts those closed without overrunning their
 *    clock (which pauses while suspended and during the leader's turn).
 *  - 解决率 and 满意率: over the cases whose first callback was in the
 *    period; the first callback is the one that counts, so a reopened
 *    case counts against its first handler.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "gp-stats"

#include "config.h"

#include "gp-stats.h"
#include "gp-case-index.h"
#include "gp-categories.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-geo.h"
#include "gp-photo.h"
#include "gp-worker.h"
#include "gp-store-table.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define METRES_PER_DEGREE 111320.0

static void
count_free (GpStatsCount *count)
{
  g_free (count->key);
  g_free (count);
}

static void
worker_free (GpWorkerFigures *figures)
{
  g_free (figures->worker);
  g_free (figures);
}

static void
board_case_free (GpBoardCase *entry)
{
  g_free (entry->incident);
  g_free (entry->title);
  g_free (entry->category);
  g_free (entry->grid);
  g_free (entry->level);
  g_free (entry->owner);
  g_free (entry->reporter);
  g_free (entry->building);
  g_free (entry->address);
  g_free (entry->thumbnail);
  g_free (entry);
}

static GpBoardCase *
board_case_copy (const GpBoardCase *entry)
{
  GpBoardCase *copy = g_memdup2 (entry, sizeof *entry);

  copy->incident = g_strdup (entry->incident);
  copy->title = g_strdup (entry->title);
  copy->category = g_strdup (entry->category);
  copy->grid = g_strdup (entry->grid);
  copy->level = g_strdup (entry->level);
  copy->owner = g_strdup (entry->owner);
  copy->reporter = g_strdup (entry->reporter);
  copy->building = g_strdup (entry->building);
  copy->address = g_strdup (entry->address);
  copy->thumbnail = g_strdup (entry->thumbnail);
  return copy;
}

static void
hot_spot_free (GpHotSpot *spot)
{
  g_free (spot->category);
  g_free (spot);
}

void
gp_stats_free (GpStats *self)
{
  if (self == NULL)
    return;
  g_free (self->worker);
  g_clear_pointer (&self->by_category, g_ptr_array_unref);
  g_clear_pointer (&self->by_source, g_ptr_array_unref);
  g_clear_pointer (&self->workers, g_ptr_array_unref);
  g_clear_pointer (&self->overdue, g_ptr_array_unref);
  g_clear_pointer (&self->todo, g_ptr_array_unref);
  g_clear_pointer (&self->hot_spots, g_ptr_array_unref);
  g_free (self);
}

/* The value of a rate, or NaN when nothing was due. */
double
gp_rate_value (const GpRate *rate)
{
  return rate->denominator > 0 ? rate->numerator / rate->denominator : NAN;
}

const char *
gp_rate_kind_to_string (GpRateKind kind)
{
  static const char * const names[] = { "response", "closed", "closed_on_time", "resolved", "satisfaction" };

  g_return_val_if_fail (kind < GP_N_RATES, NULL);

  return names[kind];
}

const char *
gp_rate_kind_label (GpRateKind kind)
{
  switch (kind)
    {
    case GP_RATE_RESPONSE: return _("Response rate");
    case GP_RATE_CLOSED: return _("Close-out rate");
    case GP_RATE_ON_TIME: return _("On-time close-out rate");
    case GP_RATE_RESOLVED: return _("Resolution rate");
    case GP_RATE_SATISFACTION: return _("Satisfaction rate");
    case GP_N_RATES:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
gp_rate_kind_formula (GpRateKind kind)
{
  switch (kind)
    {
    case GP_RATE_RESPONSE:
      return _("Cases registered, voided or handled within the first-response time ÷ cases reported in the "
               "period whose response was due");
    case GP_RATE_CLOSED:
      return _("Cases closed out in the period ÷ cases due to close in it: closed out in it, or past their "
               "deadline in it while not closed out");
    case GP_RATE_ON_TIME:
      return _("Cases closed out in the period within their time limit ÷ cases due to close in it");
    case GP_RATE_RESOLVED:
      return _("Cases the resident calls solved ÷ cases with a first callback in the period");
    case GP_RATE_SATISFACTION:
      return _("(Satisfied + 0.9 × basically satisfied) ÷ cases with a first callback in the period; "
               "a reopened case counts with its first callback");
    case GP_N_RATES:
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
gp_period_parse (const char *text,
                 GpPeriod   *period)
{
  if (g_strcmp0 (text, "day") == 0)
    *period = GP_PERIOD_DAY;
  else if (g_strcmp0 (text, "week") == 0)
    *period = GP_PERIOD_WEEK;
  else if (g_strcmp0 (text, "month") == 0)
    *period = GP_PERIOD_MONTH;
  else
    return FALSE;
  return TRUE;
}

const char *
gp_period_to_string (GpPeriod period)
{
  static const char * const names[] = { "day", "week", "month" };

  g_return_val_if_fail (period <= GP_PERIOD_MONTH, NULL);

  return names[period];
}

static gint64
local_midnight (const GDate *date,
                int          utc_offset)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);
  g_autoptr(GDateTime) midnight = g_date_time_new (zone, g_date_get_year (date), g_date_get_month (date),
                                                   g_date_get_day (date), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

/**
 * gp_period_days:
 * @date: a day of the period
 * @first: (out): its first day
 * @last: (out): its last day
 *
 * The days of the day, its week from Monday, or its month.
 */
void
gp_period_days (GpPeriod     period,
                const GDate *date,
                GDate       *first,
                GDate       *last)
{
  *first = *date;
  if (period == GP_PERIOD_WEEK)
    g_date_subtract_days (first, g_date_get_weekday (date) - G_DATE_MONDAY);
  else if (period == GP_PERIOD_MONTH)
    g_date_set_day (first, 1);
  *last = *first;
  if (period == GP_PERIOD_WEEK)
    g_date_add_days (last, 6);
  else if (period == GP_PERIOD_MONTH)
    g_date_set_day (last, g_date_get_days_in_month (g_date_get_month (first), g_date_get_year (first)));
}

/**
 * gp_period_bounds:
 * @date: a day of the period, in the calendar's time zone
 * @utc_offset: seconds east of UTC
 * @from: (out) (optional):
 * @to: (out) (optional):
 *
 * The period as [@from, @to): the day, its week from Monday, or its month.
 */
void
gp_period_bounds (GpPeriod     period,
                  const GDate *date,
                  int          utc_offset,
                  gint64      *from,
                  gint64      *to)
{
  GDate first, last;

  gp_period_days (period, date, &first, &last);
  g_date_add_days (&last, 1);
  if (from != NULL)
    *from = local_midnight (&first, utc_offset);
  if (to != NULL)
    *to = local_midnight (&last, utc_offset);
}

/* Cells of about 50 m: rows of equal latitude, each cut in columns of 50 m
 * at its own latitude. */
void
gp_stats_cell_of (double  lat,
                  double  lon,
                  gint64 *x,
                  gint64 *y)
{
  double step = GP_STATS_CELL_M / METRES_PER_DEGREE;
  double centre;

  *y = (gint64) floor (lat / step);
  centre = (*y + 0.5) * step;
  *x = (gint64) floor (lon / (step / cos (centre * G_PI / 180.0)));
}

void
gp_stats_cell_centre (gint64  x,
                      gint64  y,
                      double *lat,
                      double *lon)
{
  double step = GP_STATS_CELL_M / METRES_PER_DEGREE;

  *lat = (y + 0.5) * step;
  *lon = (x + 0.5) * (step / cos (*lat * G_PI / 180.0));
}

/* Queries. "%G" stands for the grid filter on `column`, "%W" for the
 * worker filter; the period is :from, :to and the time :now. */
typedef struct
{
  GpStore            *store;
  const GpStatsQuery *query;
  gint64              now;
} Ctx;

static GpDbStmt *
prepare (Ctx         *ctx,
         const char  *sql,
         const char  *grid_column,
         const char  *worker_clause,
         GError     **error)
{
  g_autoptr(GString) text = g_string_new (sql);
  g_autoptr(GString) grids = g_string_new (NULL);
  const char * const *codes = ctx->query->grids;
  GpDbStmt *stmt;

  if (codes == NULL || codes[0] == NULL)
    g_string_append (grids, "1");
  else
    {
      g_string_append_printf (grids, "%s IN (", grid_column);
      for (guint i = 0; codes[i] != NULL; i++)
        g_string_append_printf (grids, "%s:g%u", i ? ", " : "", i);
      g_string_append_c (grids, ')');
    }
  g_string_replace (text, "%G", grids->str, 0);
  g_string_replace (text, "%W", ctx->query->worker ? worker_clause : "1", 0);

  stmt = gp_db_prepare (gp_store_get_reader (ctx->store), text->str, error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf (":g%u", i);

      sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, name), codes[i], -1, SQLITE_TRANSIENT);
    }
  if (sqlite3_bind_parameter_index (stmt, ":from"))
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":from"), ctx->query->from);
  if (sqlite3_bind_parameter_index (stmt, ":to"))
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":to"), ctx->query->to);
  if (sqlite3_bind_parameter_index (stmt, ":now"))
    sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":now"), ctx->now);
  if (sqlite3_bind_parameter_index (stmt, ":worker"))
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":worker"), ctx->query->worker, -1,
                       SQLITE_TRANSIENT);
  return stmt;
}

#define CASE_WORKER "(reporter = :worker OR handler = :worker OR owner = :worker)"
#define IN_PERIOD(column) column " >= :from AND " column " < :to"

/* What puts a case in each figure; the rates and the rows behind them
 * (gp_stats_list_rows()) share them. */
#define REPORTED_IN       "(reported_at >= :from AND reported_at < :to)"
#define RESPONSE_DUE      "(responded_at > 0 OR response_due <= :now)"
#define RESPONDED_IN_TIME "(responded_at > 0 AND responded_at <= response_due)"
/* "+state": the planner takes closed_at's index, not the state's. */
#define CLOSED_IN         "(+state = 'closed' AND closed_at >= :from AND closed_at < :to)"
#define DEADLINE_PASSED   "(deadline >= :from AND deadline < min (:to, :now) AND (closed_at = 0 OR closed_at >= :to))"
#define DUE_TO_CLOSE      "(state != 'void' AND (" CLOSED_IN " OR " DEADLINE_PASSED "))"
#define ON_TIME           "(allowed < 0 OR used_before <= allowed)"
#define EVALUATED_IN      "(evaluated_at >= :from AND evaluated_at < :to)"

static int
most_first (gconstpointer a,
            gconstpointer b)
{
  const GpStatsCount *x = *(GpStatsCount **) a, *y = *(GpStatsCount **) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->key, y->key);
}

static GPtrArray *
count_by (Ctx         *ctx,
          const char  *column,
          GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s, count(*) FROM cases WHERE %%G AND " REPORTED_IN
                                          " AND %%W GROUP BY 1", column);
  g_autoptr(GpDbStmt) stmt = prepare (ctx, sql, "grid", CASE_WORKER, error);
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func ((GDestroyNotify) count_free);
  gboolean row = FALSE;

  if (stmt == NULL)
    return NULL;
  while (gp_db_step (gp_store_get_reader (ctx->store), stmt, &row, error))
    {
      GpStatsCount *count;

      if (!row)
        {
          g_ptr_array_sort (counts, most_first);
          return g_steal_pointer (&counts);
        }
      count = g_new0 (GpStatsCount, 1);
      count->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      count->count = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (counts, count);
    }
  return NULL;
}

/* One row of numbers. */
static gboolean
query_numbers (Ctx         *ctx,
               const char  *sql,
               gint64      *values,
               guint        n_values,
               GError     **error)
{
  g_autoptr(GpDbStmt) stmt = prepare (ctx, sql, "grid", CASE_WORKER, error);
  gboolean row = FALSE;

  if (stmt == NULL || !gp_db_step (gp_store_get_reader (ctx->store), stmt, &row, error))
    return FALSE;
  for (guint i = 0; i < n_values; i++)
    values[i] = row ? sqlite3_column_int64 (stmt, i) : 0;
  return TRUE;
}

static gboolean
compute_rates (Ctx      *ctx,
               GpStats  *stats,
               GError  **error)
{
  gint64 v[5];

  if (!query_numbers (ctx,
                      "SELECT total (" RESPONDED_IN_TIME "), total (" RESPONSE_DUE ")"
                      " FROM cases WHERE %G AND " REPORTED_IN " AND %W",
                      v, 2, error))
    return FALSE;
  stats->rates[GP_RATE_RESPONSE].numerator = v[0];
  stats->rates[GP_RATE_RESPONSE].denominator = v[1];

  if (!query_numbers (ctx,
                      "SELECT total (" CLOSED_IN "), total (" CLOSED_IN " AND " ON_TIME "), count (*)"
                      " FROM cases WHERE %G AND %W AND " DUE_TO_CLOSE,
                      v, 3, error))
    return FALSE;
  stats->rates[GP_RATE_CLOSED].numerator = v[0];
  stats->rates[GP_RATE_CLOSED].denominator = v[2];
  stats->rates[GP_RATE_ON_TIME].numerator = v[1];
  stats->rates[GP_RATE_ON_TIME].denominator = v[2];

  if (!query_numbers (ctx,
                      "SELECT count (*), total (resolved), total (satisfaction = 'satisfied'),"
                      " total (satisfaction = 'basically_satisfied'), total (satisfaction = 'unsatisfied')"
                      " FROM cases WHERE %G AND " EVALUATED_IN " AND %W",
                      v, 5, error))
    return FALSE;
  stats->evaluated = v[0];
  stats->resolved = v[1];
  stats->satisfied = v[2];
  stats->basically_satisfied = v[3];
  stats->unsatisfied = v[4];
  stats->rates[GP_RATE_RESOLVED].numerator = v[1];
  stats->rates[GP_RATE_RESOLVED].denominator = v[0];
  /* In tenths, so that 0.9 × 基本满意 stays exact. */
  stats->rates[GP_RATE_SATISFACTION].numerator = (10 * v[2] + 9 * v[3]) / 10.0;
  stats->rates[GP_RATE_SATISFACTION].denominator = v[0];
  return TRUE;
}

static GpWorkerFigures *
worker_figures (GHashTable *workers,
                const char *name)
{
  GpWorkerFigures *figures = g_hash_table_lookup (workers, name);

  if (figures == NULL)
    {
      figures = g_new0 (GpWorkerFigures, 1);
      figures->worker = g_strdup (name);
      g_hash_table_insert (workers, figures->worker, figures);
    }
  return figures;
}

static int
by_worker_name (gconstpointer a,
                gconstpointer b)
{
  return g_strcmp0 ((*(GpWorkerFigures **) a)->worker, (*(GpWorkerFigures **) b)->worker);
}

static gboolean
compute_workers (Ctx      *ctx,
                 GpStats  *stats,
                 GError  **error)
{
  /* Keyed by each figures' own name, which they free. */
  g_autoptr(GHashTable) workers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) worker_free);
  g_autoptr(GpDbStmt) handled = NULL;
  g_autoptr(GpDbStmt) patrols = NULL;
  g_autoptr(GPtrArray) reporters = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean row = FALSE, ok = TRUE;

  reporters = count_by (ctx, "reporter", error);
  if (reporters == NULL)
    return FALSE;
  for (guint i = 0; i < reporters->len; i++)
    {
      GpStatsCount *count = g_ptr_array_index (reporters, i);

      if (count->key != NULL && (ctx->query->worker == NULL || g_str_equal (count->key, ctx->query->worker)))
        worker_figures (workers, count->key)->reported = count->count;
    }

  handled = prepare (ctx, "SELECT handler, count (*) FROM cases WHERE %G AND " IN_PERIOD ("handled_at")
                     " AND handler IS NOT NULL AND %W GROUP BY 1", "grid", "handler = :worker", error);
  if (handled == NULL)
    return FALSE;
  while ((ok = gp_db_step (gp_store_get_reader (ctx->store), handled, &row, error)) && row)
    worker_figures (workers, (const char *) sqlite3_column_text (handled, 0))->handled =
      sqlite3_column_int64 (handled, 1);
  if (!ok)
    return FALSE;

  /* Patrols started in the period, with the checkpoints their routes plan. */
  patrols = prepare (ctx,
                     "SELECT json_extract (p.body, '$.worker'), json_extract (p.body, '$.distance_m'),"
                     " json_array_length (p.body, '$.checkpoints'),"
                     " (SELECT json_array_length (r.body, '$.checkpoints') FROM documents r"
                     "  WHERE r.id = json_extract (p.body, '$.route') AND r.deleted = 0)"
                     " FROM documents p WHERE p.type = 'patrol' AND p.deleted = 0 AND %G AND %W"
                     " AND unixepoch (json_extract (p.body, '$.started_at')) >= :from"
                     " AND unixepoch (json_extract (p.body, '$.started_at')) < :to",
                     "p.grid", "json_extract (p.body, '$.worker') = :worker", error);
  if (patrols == NULL)
    return FALSE;
  while ((ok = gp_db_step (gp_store_get_reader (ctx->store), patrols, &row, error)) && row)
    {
      const char *name = (const char *) sqlite3_column_text (patrols, 0);
      GpWorkerFigures *figures;

      if (name == NULL)
        continue;
      figures = worker_figures (workers, name);
      figures->patrols++;
      figures->distance_m += sqlite3_column_double (patrols, 1);
      figures->checkpoints_reached += sqlite3_column_int (patrols, 2);
      figures->checkpoints_planned += sqlite3_column_int (patrols, 3);
    }
  if (!ok)
    return FALSE;

  g_hash_table_iter_init (&iter, workers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (stats->workers, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (stats->workers, by_worker_name);
  return TRUE;
}

static int
board_order (gconstpointer a,
             gconstpointer b)
{
  const GpBoardCase *x = *(GpBoardCase **) a, *y = *(GpBoardCase **) b;

  if (x->warning != y->warning)
    return x->warning > y->warning ? -1 : 1;
  if (x->deadline != y->deadline)
    return x->deadline < y->deadline ? -1 : 1;
  return g_strcmp0 (x->incident, y->incident);
}

static int
todo_order (gconstpointer a,
            gconstpointer b)
{
  const GpBoardCase *x = *(GpBoardCase **) a, *y = *(GpBoardCase **) b;

  if (x->state != y->state)
    return x->state < y->state ? -1 : 1;
  if (x->reported_at != y->reported_at)
    return x->reported_at < y->reported_at ? -1 : 1;
  return g_strcmp0 (x->incident, y->incident);
}

/**
 * gp_stats_is_todo:
 * @state: a case's state
 * @owner: (nullable): whom it is given to
 * @worker: (nullable): the worker whose to-do it is; %NULL for the leader's
 *
 * Whether a case waits for @worker (what was given to them and is not
 * done), or for the leader (to review, to call back, to close out).
 */
gboolean
gp_stats_is_todo (GpState     state,
                  const char *owner,
                  const char *worker)
{
  if (worker != NULL)
    return g_strcmp0 (owner, worker) == 0 &&
           (state == GP_STATE_DISPATCHED || state == GP_STATE_ACCEPTED || state == GP_STATE_IN_PROGRESS);
  return state == GP_STATE_REPORTED || state == GP_STATE_HANDLED || state == GP_STATE_CALLBACK ||
         state == GP_STATE_SATISFIED;
}


/* The open cases now: the overdue board and the to-do. Their warnings are
 * read at :now, from what the case table keeps of their clocks. */
#define CASE_COLUMNS \
  "incident, title, category, grid, level, owner, reporter, state, reported_at, response_due, clock, allowed," \
  " used_before, running_since, deadline, lat, lon, building, address, thumbnail"

/* One case of a `SELECT CASE_COLUMNS`, its warning read at :now. */
static GpBoardCase *
read_case (Ctx          *ctx,
           GHashTable   *policies,
           sqlite3_stmt *stmt)
{
  const char *state_name = (const char *) sqlite3_column_text (stmt, 7);
  const char *clock = (const char *) sqlite3_column_text (stmt, 10);
  gint64 allowed = sqlite3_column_int64 (stmt, 11);
  gint64 running_since = sqlite3_column_int64 (stmt, 13);
  GpBoardCase *entry = g_new0 (GpBoardCase, 1);
  GpPolicy *policy;

#define TEXT(i) g_strdup ((const char *) sqlite3_column_text (stmt, i))
  entry->incident = TEXT (0);
  entry->title = TEXT (1);
  entry->category = TEXT (2);
  entry->grid = TEXT (3);
  entry->level = TEXT (4);
  entry->owner = TEXT (5);
  entry->reporter = TEXT (6);
  entry->building = TEXT (17);
  entry->address = TEXT (18);
  entry->thumbnail = TEXT (19);
#undef TEXT
  entry->state = GP_STATE_REPORTED;
  for (guint i = 0; i < GP_N_STATES; i++)
    if (g_strcmp0 (gp_state_to_string (i), state_name) == 0)
      entry->state = i;
  entry->reported_at = sqlite3_column_int64 (stmt, 8);
  entry->has_position = sqlite3_column_type (stmt, 15) != SQLITE_NULL;
  entry->lat = sqlite3_column_double (stmt, 15);
  entry->lon = sqlite3_column_double (stmt, 16);
  entry->warning = GP_WARNING_NONE;
  entry->deadline = sqlite3_column_int64 (stmt, 14);

  /* The warning as the workflow's fold gives it (gp-workflow.c). */
  policy = gp_casework_cached_policy (policies, ctx->store, entry->grid);
  if (policy != NULL && entry->state == GP_STATE_REPORTED)
    {
      gint64 due = sqlite3_column_int64 (stmt, 9);
      gint64 limit = due - entry->reported_at, elapsed = ctx->now - entry->reported_at;

      entry->deadline = due;
      entry->warning = elapsed >= limit ? GP_WARNING_RED
                     : elapsed >= gp_policy_get_yellow_threshold (policy) * limit ? GP_WARNING_YELLOW
                     : GP_WARNING_GREEN;
    }
  else if (policy != NULL && allowed > 0 &&
           (entry->state == GP_STATE_REGISTERED || entry->state == GP_STATE_DISPATCHED ||
            entry->state == GP_STATE_ACCEPTED || entry->state == GP_STATE_IN_PROGRESS ||
            entry->state == GP_STATE_SUSPENDED))
    {
      gint64 used = sqlite3_column_int64 (stmt, 12);

      if (running_since != 0)
        used += gp_policy_clock_between (policy, clock, running_since, ctx->now);
      entry->warning = used >= allowed ? GP_WARNING_RED
                     : used >= gp_policy_get_yellow_threshold (policy) * allowed ? GP_WARNING_YELLOW
                     : GP_WARNING_GREEN;
      entry->paused = entry->state == GP_STATE_SUSPENDED;
      if (entry->paused)
        entry->deadline = used < allowed ? gp_policy_clock_add (policy, clock, ctx->now, allowed - used) : 0;
    }
  return entry;
}

/* The open cases now: the overdue board and the to-do. Their warnings are
 * read at :now, from what the case table keeps of their clocks. */
static gboolean
compute_board (Ctx      *ctx,
               GpStats  *stats,
               GError  **error)
{
  g_autoptr(GHashTable) policies = gp_casework_policy_cache_new ();
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE, ok = TRUE;

  stmt = prepare (ctx,
                  "SELECT " CASE_COLUMNS
                  " FROM cases WHERE %G AND state IN ('reported', 'registered', 'dispatched', 'accepted',"
                  " 'in_progress', 'suspended', 'handled', 'callback', 'satisfied') AND %W",
                  "grid", CASE_WORKER, error);
  if (stmt == NULL)
    return FALSE;
  while ((ok = gp_db_step (gp_store_get_reader (ctx->store), stmt, &row, error)) && row)
    {
      GpBoardCase *entry = read_case (ctx, policies, stmt);

      if (gp_stats_is_todo (entry->state, entry->owner, ctx->query->worker))
        g_ptr_array_add (stats->todo, board_case_copy (entry));
      if (entry->warning == GP_WARNING_RED || entry->warning == GP_WARNING_YELLOW)
        g_ptr_array_add (stats->overdue, entry);
      else
        board_case_free (entry);
    }
  if (!ok)
    return FALSE;
  g_ptr_array_sort (stats->overdue, board_order);
  g_ptr_array_sort (stats->todo, todo_order);
  return TRUE;
}

typedef struct
{
  gint64      x, y;
  guint       count;
  GHashTable *categories;   /* code → count */
} Cell;

static void
cell_free (Cell *cell)
{
  g_hash_table_unref (cell->categories);
  g_free (cell);
}

static int
hot_spot_order (gconstpointer a,
                gconstpointer b)
{
  const GpHotSpot *x = *(GpHotSpot **) a, *y = *(GpHotSpot **) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->lat != y->lat)
    return x->lat > y->lat ? -1 : 1;
  return x->lon < y->lon ? -1 : x->lon > y->lon;
}

static gboolean
compute_hot_spots (Ctx      *ctx,
                   GpStats  *stats,
                   GError  **error)
{
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) cell_free);
  g_autoptr(GpDbStmt) stmt = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean row = FALSE, ok = TRUE;

  stmt = prepare (ctx, "SELECT lat, lon, category FROM cases WHERE %G AND " REPORTED_IN
                  " AND lat IS NOT NULL AND state != 'void' AND %W", "grid", CASE_WORKER, error);
  if (stmt == NULL)
    return FALSE;
  while ((ok = gp_db_step (gp_store_get_reader (ctx->store), stmt, &row, error)) && row)
    {
      const char *category = (const char *) sqlite3_column_text (stmt, 2);
      gint64 x, y, key;
      Cell *cell;

      gp_stats_cell_of (sqlite3_column_double (stmt, 0), sqlite3_column_double (stmt, 1), &x, &y);
      key = (gint64) (((guint64) y << 32) ^ ((guint64) x & 0xffffffff));
      cell = g_hash_table_lookup (cells, &key);
      if (cell == NULL)
        {
          cell = g_new0 (Cell, 1);
          cell->x = x;
          cell->y = y;
          cell->categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (cells, g_memdup2 (&key, sizeof key), cell);
        }
      cell->count++;
      if (category != NULL)
        g_hash_table_insert (cell->categories, g_strdup (category),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (cell->categories, category)) + 1));
    }
  if (!ok)
    return FALSE;

  g_hash_table_iter_init (&iter, cells);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Cell *cell = value;
      GpHotSpot *spot;
      GHashTableIter categories;
      gpointer code, n;
      guint best = 0;

      if (cell->count < stats->hot_spot_min)
        continue;
      spot = g_new0 (GpHotSpot, 1);
      gp_stats_cell_centre (cell->x, cell->y, &spot->lat, &spot->lon);
      spot->count = cell->count;
      g_hash_table_iter_init (&categories, cell->categories);
      while (g_hash_table_iter_next (&categories, &code, &n))
        if (GPOINTER_TO_UINT (n) > best || (GPOINTER_TO_UINT (n) == best && g_strcmp0 (code, spot->category) < 0))
          {
            best = GPOINTER_TO_UINT (n);
            g_free (spot->category);
            spot->category = g_strdup (code);
          }
      g_ptr_array_add (stats->hot_spots, spot);
    }
  g_ptr_array_sort (stats->hot_spots, hot_spot_order);
  return TRUE;
}

static gboolean
compute_households (Ctx      *ctx,
                    GpStats  *stats,
                    GError  **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;

  stmt = prepare (ctx,
                  "SELECT count (*), total (NOT EXISTS (SELECT 1 FROM documents v WHERE v.type = 'visit'"
                  "  AND v.household = h.id AND v.deleted = 0"
                  "  AND unixepoch (json_extract (v.body, '$.at')) >= :now - :days * 86400))"
                  " FROM documents h WHERE h.type = 'household' AND h.deleted = 0 AND %G",
                  "h.grid", "1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":days"), stats->not_visited_days);
  if (!gp_db_step (gp_store_get_reader (ctx->store), stmt, &row, error))
    return FALSE;
  stats->households = row ? sqlite3_column_int64 (stmt, 0) : 0;
  stats->not_visited = row ? sqlite3_column_int64 (stmt, 1) : 0;
  return TRUE;
}

/* The cases of the period whose photos (the report's or a step's) came
 * from the gallery, or were taken further than GP_PHOTO_FAR_M from the
 * case's position. */
static gboolean
compute_photos (Ctx      *ctx,
                GpStats  *stats,
                GError  **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;

  /* Folded with each case (gp-case-index.c). */
  stmt = prepare (ctx, "SELECT total (photos), total (gallery), total (far) FROM cases"
                       " WHERE %G AND " REPORTED_IN " AND %W",
                  "grid", CASE_WORKER, error);
  if (stmt == NULL || !gp_db_step (gp_store_get_reader (ctx->store), stmt, &row, error))
    return FALSE;
  stats->with_photos = row ? (guint) sqlite3_column_int64 (stmt, 0) : 0;
  stats->from_gallery = row ? (guint) sqlite3_column_int64 (stmt, 1) : 0;
  stats->photos_far = row ? (guint) sqlite3_column_int64 (stmt, 2) : 0;
  return TRUE;
}

static gboolean
compute_counts (Ctx      *ctx,
                GpStats  *stats,
                GError  **error)
{
  g_autoptr(GPtrArray) states = count_by (ctx, "state", error);

  if (states == NULL)
    return FALSE;
  for (guint i = 0; i < states->len; i++)
    {
      GpStatsCount *count = g_ptr_array_index (states, i);

      for (guint s = 0; s < GP_N_STATES; s++)
        if (g_strcmp0 (gp_state_to_string (s), count->key) == 0)
          stats->by_state[s] = count->count;
      stats->reported += count->count;
    }
  return (stats->by_category = count_by (ctx, "category", error)) != NULL &&
         (stats->by_source = count_by (ctx, "source", error)) != NULL;
}

/**
 * gp_stats_compute:
 * @now: UNIX time clocks are read at: what is overdue, what was due
 *
 * The figures of @query's grids and period. Brings the case table up to
 * date first; meant for a worker thread.
 */
GpStats *
gp_stats_compute (GpStore             *store,
                  const GpStatsQuery  *query,
                  gint64               now,
                  GError             **error)
{
  g_autoptr(GpStats) stats = g_new0 (GpStats, 1);
  Ctx ctx = { store, query, now };
  gboolean ok;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL && query->from <= query->to, NULL);

  if (!gp_case_index_begin_read (store, error))
    return NULL;

  stats->from = query->from;
  stats->to = query->to;
  stats->now = now;
  stats->worker = g_strdup (query->worker);
  stats->hot_spot_min = query->hot_spot_min ? query->hot_spot_min : GP_STATS_HOT_SPOT_MIN;
  stats->not_visited_days = query->not_visited_days ? query->not_visited_days : 30;
  stats->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  stats->overdue = g_ptr_array_new_with_free_func ((GDestroyNotify) board_case_free);
  stats->todo = g_ptr_array_new_with_free_func ((GDestroyNotify) board_case_free);
  stats->hot_spots = g_ptr_array_new_with_free_func ((GDestroyNotify) hot_spot_free);

  /* One read transaction: every figure from the same state of the store. */
  gp_db_lock (gp_store_get_reader (store));
  ok = gp_db_exec (gp_store_get_reader (store), "BEGIN", error);
  ok = ok && compute_counts (&ctx, stats, error) && compute_rates (&ctx, stats, error) &&
       compute_workers (&ctx, stats, error) && compute_board (&ctx, stats, error) &&
       compute_hot_spots (&ctx, stats, error) && compute_households (&ctx, stats, error) &&
       compute_photos (&ctx, stats, error);
  gp_db_exec (gp_store_get_reader (store), ok ? "COMMIT" : "ROLLBACK", NULL);
  gp_db_unlock (gp_store_get_reader (store));
  gp_case_index_end_read (store);

  return ok ? g_steal_pointer (&stats) : NULL;
}

static void
set_time (JsonObject *object,
          const char *member,
          gint64      unix_time,
          int         utc_offset)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autofree char *text = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");

  json_object_set_string_member (object, member, text);
}

static void
set_nullable (JsonObject *object,
              const char *member,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static JsonArray *
counts_to_json (GPtrArray *counts)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < counts->len; i++)
    {
      GpStatsCount *count = g_ptr_array_index (counts, i);
      JsonObject *object = json_object_new ();

      set_nullable (object, "key", count->key);
      json_object_set_int_member (object, "count", count->count);
      json_array_add_object_element (array, object);
    }
  return array;
}

static JsonArray *
board_to_json (GPtrArray *entries,
               int        utc_offset)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      GpBoardCase *entry = g_ptr_array_index (entries, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "incident", entry->incident);
      json_object_set_string_member (object, "grid", entry->grid);
      json_object_set_string_member (object, "state", gp_state_to_string (entry->state));
      json_object_set_string_member (object, "warning", gp_warning_to_string (entry->warning));
      set_nullable (object, "category", entry->category);
      set_nullable (object, "level", entry->level);
      set_nullable (object, "owner", entry->owner);
      set_time (object, "reported_at", entry->reported_at, utc_offset);
      if (entry->deadline != 0)
        set_time (object, "deadline", entry->deadline, utc_offset);
      else
        json_object_set_null_member (object, "deadline");
      json_object_set_boolean_member (object, "paused", entry->paused);
      json_array_add_object_element (array, object);
    }
  return array;
}

/**
 * gp_stats_to_json:
 *
 * The figures as `gridpatrolctl stats --json` gives them: every rate with
 * its numerator and denominator. Titles are left out: they may name people.
 */
JsonObject *
gp_stats_to_json (const GpStats *self,
                  int            utc_offset)
{
  JsonObject *object = json_object_new ();
  JsonObject *states = json_object_new ();
  JsonObject *rates = json_object_new ();
  JsonObject *evaluations = json_object_new ();
  JsonObject *households = json_object_new ();
  JsonArray *workers = json_array_new ();
  JsonArray *spots = json_array_new ();

  set_time (object, "from", self->from, utc_offset);
  set_time (object, "to", self->to, utc_offset);
  set_nullable (object, "worker", self->worker);
  json_object_set_int_member (object, "reported", self->reported);
  for (guint i = 0; i < GP_N_STATES; i++)
    json_object_set_int_member (states, gp_state_to_string (i), self->by_state[i]);
  json_object_set_object_member (object, "by_state", states);
  json_object_set_array_member (object, "by_category", counts_to_json (self->by_category));
  json_object_set_array_member (object, "by_source", counts_to_json (self->by_source));

  for (guint i = 0; i < GP_N_RATES; i++)
    {
      JsonObject *rate = json_object_new ();
      double value = gp_rate_value (&self->rates[i]);

      json_object_set_double_member (rate, "numerator", self->rates[i].numerator);
      json_object_set_int_member (rate, "denominator", self->rates[i].denominator);
      if (isnan (value))
        json_object_set_null_member (rate, "value");
      else
        json_object_set_double_member (rate, "value", round (value * 10000) / 10000);
      json_object_set_object_member (rates, gp_rate_kind_to_string (i), rate);
    }
  json_object_set_object_member (object, "rates", rates);

  json_object_set_int_member (evaluations, "evaluated", self->evaluated);
  json_object_set_int_member (evaluations, "resolved", self->resolved);
  json_object_set_int_member (evaluations, "satisfied", self->satisfied);
  json_object_set_int_member (evaluations, "basically_satisfied", self->basically_satisfied);
  json_object_set_int_member (evaluations, "unsatisfied", self->unsatisfied);
  json_object_set_object_member (object, "evaluations", evaluations);

  for (guint i = 0; i < self->workers->len; i++)
    {
      GpWorkerFigures *figures = g_ptr_array_index (self->workers, i);
      JsonObject *worker = json_object_new ();

      json_object_set_string_member (worker, "worker", figures->worker);
      json_object_set_int_member (worker, "reported", figures->reported);
      json_object_set_int_member (worker, "handled", figures->handled);
      json_object_set_int_member (worker, "patrols", figures->patrols);
      json_object_set_double_member (worker, "distance_m", round (figures->distance_m));
      json_object_set_int_member (worker, "checkpoints_reached", figures->checkpoints_reached);
      json_object_set_int_member (worker, "checkpoints_planned", figures->checkpoints_planned);
      json_array_add_object_element (workers, worker);
    }
  json_object_set_array_member (object, "workers", workers);

  json_object_set_array_member (object, "overdue", board_to_json (self->overdue, utc_offset));
  json_object_set_array_member (object, "todo", board_to_json (self->todo, utc_offset));

  for (guint i = 0; i < self->hot_spots->len; i++)
    {
      GpHotSpot *spot = g_ptr_array_index (self->hot_spots, i);
      JsonObject *hot = json_object_new ();

      json_object_set_double_member (hot, "lat", round (spot->lat * 1e6) / 1e6);
      json_object_set_double_member (hot, "lon", round (spot->lon * 1e6) / 1e6);
      json_object_set_int_member (hot, "count", spot->count);
      set_nullable (hot, "category", spot->category);
      json_array_add_object_element (spots, hot);
    }
  json_object_set_int_member (object, "hot_spot_min", self->hot_spot_min);
  json_object_set_array_member (object, "hot_spots", spots);

  json_object_set_int_member (households, "total", self->households);
  json_object_set_int_member (households, "not_visited", self->not_visited);
  {
    JsonObject *photos = json_object_new ();

    json_object_set_int_member (photos, "cases_with_photos", self->with_photos);
    json_object_set_int_member (photos, "from_gallery", self->from_gallery);
    json_object_set_int_member (photos, "taken_far", self->photos_far);
    json_object_set_object_member (object, "photos", photos);
  }
  json_object_set_int_member (households, "days", self->not_visited_days);
  json_object_set_object_member (object, "households", households);
  return object;
}

/* "暴露垃圾 6 · 供水井盖异常 3": the @n most frequent categories. */
char *
gp_stats_describe_frequent (const GpStats *self,
                            GpCategories  *categories,
                            guint          n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < MIN (self->by_category->len, n); i++)
    {
      GpStatsCount *count = g_ptr_array_index (self->by_category, i);

      g_string_append_printf (text, "%s%s %lld", i ? " · " : "", gp_categories_label (categories, count->key),
                              (long long) count->count);
    }
  return g_string_free (text, FALSE);
}

void
gp_stats_row_free (GpStatsRow *row)
{
  g_free (row->incident);
  g_free (row->grid);
  g_free (row->category);
  g_free (row->source);
  g_free (row->reporter);
  g_free (row->handler);
  g_free (row->level);
  g_free (row->state);
  g_free (row->satisfaction);
  g_free (row);
}

/**
 * gp_stats_list_rows:
 *
 * The cases behind @query's figures, oldest report first: each reported,
 * due to close, closed or evaluated in the period, with the figures it
 * counts in. Summing a flag over the rows gives the figure.
 *
 * Returns: (transfer full) (element-type GpStatsRow):
 */
GPtrArray *
gp_stats_list_rows (GpStore             *store,
                    const GpStatsQuery  *query,
                    gint64               now,
                    GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_stats_row_free);
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  Ctx ctx = { store, query, now };
  gboolean have_row = FALSE;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  if (!gp_case_index_begin_read (store, error))
    return NULL;

  gp_db_lock (gp_store_get_reader (store));
  stmt = prepare (&ctx,
                  "SELECT incident, grid, category, source, reporter, handler, level, state, reported_at,"
                  " response_due, responded_at, deadline, closed_at, evaluated_at, satisfaction, resolved,"
                  " " REPORTED_IN ", " REPORTED_IN " AND " RESPONSE_DUE ", " REPORTED_IN " AND " RESPONDED_IN_TIME ","
                  " " DUE_TO_CLOSE ", " CLOSED_IN ", " CLOSED_IN " AND " ON_TIME ", " EVALUATED_IN
                  " FROM cases WHERE %G AND %W AND (" REPORTED_IN " OR " CLOSED_IN " OR " DEADLINE_PASSED
                  " OR " EVALUATED_IN ") ORDER BY reported_at, incident",
                  "grid", CASE_WORKER, &local_error);
  while (stmt != NULL && gp_db_step (gp_store_get_reader (store), stmt, &have_row, &local_error) && have_row)
    {
      GpStatsRow *row = g_new0 (GpStatsRow, 1);

#define TEXT(i) g_strdup ((const char *) sqlite3_column_text (stmt, i))
      row->incident = TEXT (0);
      row->grid = TEXT (1);
      row->category = TEXT (2);
      row->source = TEXT (3);
      row->reporter = TEXT (4);
      row->handler = TEXT (5);
      row->level = TEXT (6);
      row->state = TEXT (7);
      row->reported_at = sqlite3_column_int64 (stmt, 8);
      row->response_due = sqlite3_column_int64 (stmt, 9);
      row->responded_at = sqlite3_column_int64 (stmt, 10);
      row->deadline = sqlite3_column_int64 (stmt, 11);
      row->closed_at = sqlite3_column_int64 (stmt, 12);
      row->evaluated_at = sqlite3_column_int64 (stmt, 13);
      row->satisfaction = TEXT (14);
      row->resolved = sqlite3_column_int (stmt, 15);
#undef TEXT
      for (guint i = 0; i < 7; i++)
        if (sqlite3_column_int (stmt, 16 + i))
          row->flags |= 1u << i;
      g_ptr_array_add (rows, row);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  gp_db_unlock (gp_store_get_reader (store));
  gp_case_index_end_read (store);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * gp_stats_list_cases:
 * @grid: (nullable): a grid; %NULL for every grid
 * @now: UNIX time the warnings are read at
 *
 * Every case of @grid, newest report first, with its state and warning:
 * what the incident list shows, in one query on the case table.
 *
 * Returns: (transfer full) (element-type GpBoardCase):
 */
GPtrArray *
gp_stats_list_cases (GpStore     *store,
                     const char  *grid,
                     gint64       now,
                     GError     **error)
{
  g_autoptr(GHashTable) policies = gp_casework_policy_cache_new ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) board_case_free);
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *grids[] = { grid, NULL };
  GpStatsQuery query = { 0 };
  Ctx ctx = { store, &query, now };
  gboolean row = FALSE;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  query.grids = grids;
  if (!gp_case_index_begin_read (store, error))
    return NULL;
  gp_db_lock (gp_store_get_reader (store));
  stmt = prepare (&ctx, "SELECT " CASE_COLUMNS " FROM cases WHERE %G ORDER BY reported_at DESC, incident",
                  "grid", "1", &local_error);
  while (stmt != NULL && gp_db_step (gp_store_get_reader (store), stmt, &row, &local_error) && row)
    g_ptr_array_add (cases, read_case (&ctx, policies, stmt));
  g_clear_pointer (&stmt, gp_db_stmt_release);
  gp_db_unlock (gp_store_get_reader (store));
  gp_case_index_end_read (store);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&cases);
}

/**
 * gp_stats_compute_days:
 * @query: what to count; its from and to are set from @first and @last
 * @first: the first day of the period
 * @last: the last day of the period
 *
 * The figures for whole days, counted in the calendar's zone: the first
 * grid's policy's, else China's. The zone is the figures' utc_offset.
 */
GpStats *
gp_stats_compute_days (GpStore            *store,
                       const GpStatsQuery *query,
                       const GDate        *first,
                       const GDate        *last,
                       gint64              now,
                       GError            **error)
{
  g_autoptr(GpPolicy) policy = NULL;
  GpStatsQuery days = *query;
  GpStats *stats;
  int offset;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  policy = gp_casework_load_policy (store, query->grids ? query->grids[0] : NULL, NULL);
  offset = policy ? gp_policy_get_utc_offset (policy) : GP_CLOCK_CHINA_UTC_OFFSET;
  gp_period_bounds (GP_PERIOD_DAY, first, offset, &days.from, NULL);
  gp_period_bounds (GP_PERIOD_DAY, last, offset, NULL, &days.to);
  stats = gp_stats_compute (store, &days, now, error);
  if (stats != NULL)
    stats->utc_offset = offset;
  return stats;
}

typedef struct
{
  GpStatsQuery query;
  GStrv        grids;
  char        *worker;
  GDate        first;
  GDate        last;
  gint64       now;
} Compute;

static void
compute_free (Compute *compute)
{
  g_strfreev (compute->grids);
  g_free (compute->worker);
  g_free (compute);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Compute *compute = task_data;
  GError *error = NULL;
  GpStats *stats = gp_stats_compute_days (source_object, &compute->query, &compute->first, &compute->last,
                                          compute->now, &error);

  if (stats == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) gp_stats_free);
}

/**
 * gp_stats_compute_days_async:
 *
 * gp_stats_compute_days() in a worker thread; @query is copied.
 */
void
gp_stats_compute_days_async (GpStore             *store,
                             const GpStatsQuery  *query,
                             const GDate         *first,
                             const GDate         *last,
                             gint64               now,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Compute *compute;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_stats_compute_days_async);
  compute = g_new0 (Compute, 1);
  compute->query = *query;
  compute->grids = g_strdupv ((char **) query->grids);
  compute->worker = g_strdup (query->worker);
  compute->query.grids = (const char * const *) compute->grids;
  compute->query.worker = compute->worker;
  compute->first = *first;
  compute->last = *last;
  compute->now = now;
  g_task_set_task_data (task, compute, (GDestroyNotify) compute_free);
  gp_worker_run (task, compute_thread);
}

GpStats *
gp_stats_compute_days_finish (GpStore       *store,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
