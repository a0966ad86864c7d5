/* gp-stats.h — the figures a grid leader reviews for an area and a period.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "gp-categories.h"
#include "gp-store.h"
#include "gp-workflow.h"

G_BEGIN_DECLS

/* src/model/README.md §6. */
typedef enum
{
  GP_RATE_RESPONSE,       /* 响应率 */
  GP_RATE_CLOSED,         /* 办结率 */
  GP_RATE_ON_TIME,        /* 按期办结率 */
  GP_RATE_RESOLVED,       /* 解决率 */
  GP_RATE_SATISFACTION,   /* 满意率 */
  GP_N_RATES
} GpRateKind;

typedef struct
{
  double numerator;       /* 满意率's weighs 基本满意 0.9 */
  gint64 denominator;
} GpRate;

typedef enum
{
  GP_PERIOD_DAY,          /* 日通报 */
  GP_PERIOD_WEEK,         /* 周汇总, Monday to Sunday */
  GP_PERIOD_MONTH,        /* 月分析 */
} GpPeriod;

typedef struct
{
  gint64              from;              /* [from, to), UNIX seconds */
  gint64              to;
  const char * const *grids;             /* NULL: every grid in the store */
  const char         *worker;            /* NULL: everyone's figures */
  guint               hot_spot_min;      /* 0: GP_STATS_HOT_SPOT_MIN */
  guint               not_visited_days;  /* 0: 30 */
} GpStatsQuery;

#define GP_STATS_HOT_SPOT_MIN  3
#define GP_STATS_CELL_M        50.0

typedef struct
{
  char   *key;
  gint64  count;
} GpStatsCount;

typedef struct
{
  char   *worker;
  gint64  reported;          /* cases reported in the period */
  gint64  handled;           /* cases first marked handled in the period */
  guint   patrols;
  double  distance_m;
  guint   checkpoints_reached;
  guint   checkpoints_planned;
} GpWorkerFigures;

/* An open case on the overdue board or the to-do. */
typedef struct
{
  char      *incident;
  char      *title;          /* the description; NULL: say the category */
  char      *category;
  char      *grid;
  char      *level;
  char      *owner;
  char      *reporter;
  char      *building;       /* the building's id, if the case is at one */
  char      *address;
  char      *thumbnail;      /* the first photo's thumbnail attachment */
  GpState    state;
  GpWarning  warning;
  gint64     reported_at;
  gint64     deadline;       /* the response time while reported */
  gboolean   paused;         /* suspended: the deadline moves */
  gboolean   has_position;
  double     lat;
  double     lon;
} GpBoardCase;

typedef struct
{
  double  lat;               /* the cell's centre */
  double  lon;
  guint   count;
  char   *category;          /* its most frequent */
} GpHotSpot;

typedef struct
{
  gint64     from;
  gint64     to;
  gint64     now;
  char      *worker;
  gint64     reported;
  gint64     by_state[GP_N_STATES];
  GPtrArray *by_category;    /* GpStatsCount, most first */
  GPtrArray *by_source;      /* GpStatsCount, most first */
  GPtrArray *workers;        /* GpWorkerFigures, by name */
  GpRate     rates[GP_N_RATES];
  gint64     evaluated;
  gint64     resolved;
  gint64     satisfied;
  gint64     basically_satisfied;
  gint64     unsatisfied;
  GPtrArray *overdue;        /* GpBoardCase: red, most over first, then yellow */
  GPtrArray *todo;           /* GpBoardCase: the leader's, or the worker's own */
  GPtrArray *hot_spots;      /* GpHotSpot, most first */
  guint      hot_spot_min;
  gint64     households;
  gint64     not_visited;
  guint      not_visited_days;
  int        utc_offset;     /* the calendar's zone, for gp_stats_compute_days() */
  /* Photo evidence of the period's cases (src/model/README.md §8). */
  gint64     with_photos;    /* cases with any photo */
  gint64     from_gallery;   /* cases with a photo chosen from the gallery */
  gint64     photos_far;     /* cases with a photo taken over GP_PHOTO_FAR_M away */
} GpStats;

/* Which figures a case counts in (gp_stats_list_rows()). */
typedef enum
{
  GP_STATS_ROW_REPORTED          = 1 << 0,
  GP_STATS_ROW_RESPONSE_DUE      = 1 << 1,
  GP_STATS_ROW_RESPONDED_IN_TIME = 1 << 2,
  GP_STATS_ROW_DUE_TO_CLOSE      = 1 << 3,
  GP_STATS_ROW_CLOSED            = 1 << 4,
  GP_STATS_ROW_CLOSED_ON_TIME    = 1 << 5,
  GP_STATS_ROW_EVALUATED         = 1 << 6,
} GpStatsRowFlags;

typedef struct
{
  char           *incident;
  char           *grid;
  char           *category;
  char           *source;
  char           *reporter;
  char           *handler;
  char           *level;
  char           *state;
  gint64          reported_at;
  gint64          response_due;
  gint64          responded_at;
  gint64          deadline;
  gint64          closed_at;
  gint64          evaluated_at;
  char           *satisfaction;
  gboolean        resolved;
  GpStatsRowFlags flags;
} GpStatsRow;

GpStats     *gp_stats_compute        (GpStore            *store,
                                      const GpStatsQuery *query,
                                      gint64              now,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_stats_free           (GpStats            *self);
GpStats     *gp_stats_compute_days   (GpStore            *store,
                                      const GpStatsQuery *query,
                                      const GDate        *first,
                                      const GDate        *last,
                                      gint64              now,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_stats_compute_days_async  (GpStore             *store,
                                           const GpStatsQuery  *query,
                                           const GDate         *first,
                                           const GDate         *last,
                                           gint64               now,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GpStats     *gp_stats_compute_days_finish (GpStore             *store,
                                           GAsyncResult        *result,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_stats_list_rows      (GpStore            *store,
                                      const GpStatsQuery *query,
                                      gint64              now,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_stats_row_free       (GpStatsRow         *row);
char        *gp_stats_describe_frequent (const GpStats   *self,
                                         GpCategories    *categories,
                                         guint            n) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_stats_list_cases     (GpStore            *store,
                                      const char         *grid,
                                      gint64              now,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_stats_is_todo        (GpState             state,
                                      const char         *owner,
                                      const char         *worker);
double       gp_rate_value           (const GpRate       *rate);
const char  *gp_rate_kind_to_string  (GpRateKind          kind);
const char  *gp_rate_kind_label      (GpRateKind          kind);
const char  *gp_rate_kind_formula    (GpRateKind          kind);
JsonObject  *gp_stats_to_json        (const GpStats      *self,
                                      int                 utc_offset) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_period_parse         (const char         *text,
                                      GpPeriod           *period);
const char  *gp_period_to_string     (GpPeriod            period);
void         gp_period_days          (GpPeriod            period,
                                      const GDate        *date,
                                      GDate              *first,
                                      GDate              *last);
void         gp_period_bounds        (GpPeriod            period,
                                      const GDate        *date,
                                      int                 utc_offset,
                                      gint64             *from,
                                      gint64             *to);
void         gp_stats_cell_of        (double              lat,
                                      double              lon,
                                      gint64             *x,
                                      gint64             *y);
void         gp_stats_cell_centre    (gint64              x,
                                      gint64              y,
                                      double             *lat,
                                      double             *lon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpStats, gp_stats_free)

G_END_DECLS
