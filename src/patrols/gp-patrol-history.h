/* gp-patrol-history.h — the worker's past patrols and the visits due.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-store.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *history;    /* char *: a patrol's title, "\n", its figures */
  GPtrArray *history_ids; /* char *: the patrols' ids, in the same order */
  GPtrArray *coverage;   /* char *: a building, then "\n" and a household not visited, each */
  guint      not_visited;
  int        days;
} GpPatrolHistory;

GpPatrolHistory *gp_patrol_history_load        (GpStore              *store,
                                                const char           *grid,
                                                int                   days) G_GNUC_WARN_UNUSED_RESULT;
void             gp_patrol_history_load_async  (GpStore              *store,
                                                const char           *grid,
                                                int                   days,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GpPatrolHistory *gp_patrol_history_load_finish (GpStore              *store,
                                                GAsyncResult         *result,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             gp_patrol_history_free        (GpPatrolHistory      *history);
/* One finished patrol, read back. */
typedef struct
{
  char      *title;        /* when, and which route */
  char      *figures;      /* time, distance, checkpoints, visits, incidents */
  GPtrArray *checkpoints;  /* char *: "n. name", "\n", the time it was reached or "" */
  GArray    *track;        /* GpGeoPoint: where the worker walked; empty when not recorded */
} GpPatrolReport;

GpPatrolReport  *gp_patrol_report_load         (GpStore              *store,
                                                const char           *patrol_id,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             gp_patrol_report_load_async   (GpStore              *store,
                                                const char           *patrol_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GpPatrolReport  *gp_patrol_report_load_finish  (GpStore              *store,
                                                GAsyncResult         *result,
                                                GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void             gp_patrol_report_free         (GpPatrolReport       *report);

char            *gp_patrol_format_distance     (double                metres) G_GNUC_WARN_UNUSED_RESULT;
char            *gp_patrol_format_duration     (gint64                us) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpPatrolHistory, gp_patrol_history_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpPatrolReport, gp_patrol_report_free)

G_END_DECLS
