/* gp-ctl-area.c — gridpatrolctl stats, summary: the area's figures and bulletins.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-clock.h"
#include "gp-casework.h"
#include "gp-documents.h"
#include "gp-stats.h"
#include "gp-summary.h"
#include "gp-workflow.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

/* stats, summary */

/* The calendar's time zone: the grid's grading scheme's, else China's. */
static int
area_utc_offset (GpStore     *store,
                 char       **grids)
{
  g_autoptr(GpPolicy) policy = gp_casework_load_policy (store, grids && grids[0] ? grids[0] : NULL, NULL);

  return policy ? gp_policy_get_utc_offset (policy) : GP_CLOCK_CHINA_UTC_OFFSET;
}

static void
today_at (gint64  now,
          int     utc_offset,
          GDate  *date)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
}

static char *
format_rate (const GpRate *rate)
{
  double value = gp_rate_value (rate);

  if (isnan (value))
    return g_strdup_printf ("–  (%g / %" G_GINT64_FORMAT ")", rate->numerator, rate->denominator);
  return g_strdup_printf ("%.1f %%  (%g / %" G_GINT64_FORMAT ")", 100 * value, rate->numerator,
                          rate->denominator);
}

static gboolean
run_stats (GpCtl               *ctl,
           const GpCtlCommand  *self,
           int                  argc,
           char               **argv,
           GError             **error)
{
  g_auto(GStrv) grids = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *worker = NULL;
  g_autofree char *at_text = NULL;
  gboolean json = FALSE;
  int hot_spot_min = 0, not_visited_days = 0;
  GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &grids, N_("A grid; again for more (default: every grid)"), "CODE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("The first day (default: the 1st of this month)"), "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("The last day (default: today)"), "DATE" },
    { "worker", 0, 0, G_OPTION_ARG_STRING, &worker, N_("Only this worker’s figures"), "USER" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Read the clocks at this time (default: now)"), "ISO8601" },
    { "hot-spot-min", 0, 0, G_OPTION_ARG_INT, &hot_spot_min,
      N_("Incidents in a 50 m cell that make a hot spot (default 3)"), "N" },
    { "not-visited-days", 0, 0, G_OPTION_ARG_INT, &not_visited_days,
      N_("Count households not visited in N days (default 30)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the figures as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpStats) stats = NULL;
  GpStatsQuery query = { 0 };
  GDate first, last;
  GpStore *store;
  int offset;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 1)
    return gp_ctl_usage (error, _("stats takes no arguments besides its options"));
  if (hot_spot_min < 0 || not_visited_days < 0)
    return gp_ctl_usage (error, _("counts cannot be negative"));
  if (!gp_ctl_parse_time (at_text, &at, error) ||
      (from_text != NULL && !gp_ctl_parse_date (from_text, &first, error)) ||
      (to_text != NULL && !gp_ctl_parse_date (to_text, &last, error)))
    return FALSE;

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  offset = area_utc_offset (store, grids);
  if (to_text == NULL)
    today_at (g_date_time_to_unix (at), offset, &last);
  if (from_text == NULL)
    {
      first = last;
      g_date_set_day (&first, 1);
    }
  if (g_date_compare (&first, &last) > 0)
    return gp_ctl_usage (error, _("--from is after --to"));

  query.grids = (const char * const *) grids;
  query.worker = worker;
  query.hot_spot_min = hot_spot_min;
  query.not_visited_days = not_visited_days;
  gp_period_bounds (GP_PERIOD_DAY, &first, offset, &query.from, NULL);
  gp_period_bounds (GP_PERIOD_DAY, &last, offset, NULL, &query.to);
  stats = gp_stats_compute (store, &query, g_date_time_to_unix (at), error);
  if (stats == NULL)
    return FALSE;

  if (json)
    {
      g_autoptr(JsonObject) object = gp_stats_to_json (stats, offset);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

      gp_ctl_print_json (node);
      return TRUE;
    }

  {
    char from_day[16], to_day[16];

    g_date_strftime (from_day, sizeof from_day, "%Y-%m-%d", &first);
    g_date_strftime (to_day, sizeof to_day, "%Y-%m-%d", &last);
    g_print (_("Period: %s to %s\n"), from_day, to_day);
  }
  g_print (_("Reported: %lld\n"), (long long) stats->reported);
  for (guint i = 0; i < GP_N_STATES; i++)
    if (stats->by_state[i] > 0)
      g_print ("  %-24s %" G_GINT64_FORMAT "\n", gp_state_label (i), stats->by_state[i]);
  for (guint i = 0; i < GP_N_RATES; i++)
    {
      g_autofree char *rate = format_rate (&stats->rates[i]);

      g_print ("%-24s %s\n", gp_rate_kind_label (i), rate);
    }
  g_print (_("Overdue or nearly: %u\n"), stats->overdue->len);
  g_print (_("To do: %u\n"), stats->todo->len);
  g_print (_("Hot spots (%u or more in 50 m): %u\n"), stats->hot_spot_min, stats->hot_spots->len);
  g_print (_("Households not visited in %u days: %lld of %lld\n"), stats->not_visited_days,
           (long long) stats->not_visited, (long long) stats->households);
  return TRUE;
}

static gboolean
run_summary (GpCtl               *ctl,
             const GpCtlCommand  *self,
             int                  argc,
             char               **argv,
             GError             **error)
{
  g_auto(GStrv) grids = NULL;
  g_autofree char *period_text = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *csv = NULL;
  GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period_text,
      N_("day (daily bulletin), week (weekly summary) or month (monthly analysis)"), "PERIOD" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_text, N_("A day of the period (default: today)"), "DATE" },
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &grids, N_("A grid; again for more (default: every grid)"), "CODE" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Read the clocks at this time (default: now)"), "ISO8601" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF file to write"), "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Also write the cases behind the figures as CSV"), "FILE" },
    { NULL }
  };
  g_autoptr(GDateTime) at = NULL;
  GpSummaryRequest request = { 0 };
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 1)
    return gp_ctl_usage (error, _("summary takes no arguments besides its options"));
  if (period_text == NULL || !gp_period_parse (period_text, &request.period))
    return gp_ctl_usage (error, _("--period must be day, week or month"));
  if (out == NULL)
    return gp_ctl_usage (error, _("summary needs --out FILE.pdf"));
  if (!gp_ctl_parse_time (at_text, &at, error) || (date_text != NULL && !gp_ctl_parse_date (date_text, &request.date, error)))
    return FALSE;

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  if (date_text == NULL)
    today_at (g_date_time_to_unix (at), area_utc_offset (store, grids), &request.date);
  request.grids = (const char * const *) grids;
  request.now = g_date_time_to_unix (at);
  if (!gp_summary_write (store, &request, out, csv, error))
    return FALSE;
  g_print ("%s\n", out);
  if (csv != NULL)
    g_print ("%s\n", csv);
  return TRUE;
}

const GpCtlCommand gp_ctl_stats = {
  .name = "stats",
  .synopsis = "[--grid CODE]… [--from DATE] [--to DATE] [--json]",
  .summary = N_("The area’s figures and rates"),
  .parameter = "[--grid CODE]… [--from DATE] [--to DATE] [--json]",
  .description = N_("The area’s figures for a period: cases by state, category, source and worker, "
                        "the rates with their counts, the overdue board, the to-do and hot spots."),
  .run = run_stats,
};

const GpCtlCommand gp_ctl_summary = {
  .name = "summary",
  .synopsis = "--period day|week|month [--date DATE] --out FILE.pdf [--csv FILE.csv]",
  .summary = N_("Write the daily, weekly or monthly summary"),
  .parameter = "--period day|week|month [--date DATE] --out FILE.pdf [--csv FILE.csv]",
  .description = N_("Write the daily bulletin, weekly summary or monthly analysis as PDF, and the cases "
                        "behind it as CSV."),
  .run = run_summary,
};
