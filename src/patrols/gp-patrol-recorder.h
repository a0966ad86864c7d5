/* gp-patrol-recorder.h — recording a patrol: track, distance, checkpoints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-documents.h"
#include "gp-location.h"
#include "gp-store.h"

G_BEGIN_DECLS

#define GP_PATROL_MAX_ACCURACY_M   50.0   /* fixes less accurate are dropped */
#define GP_PATROL_MAX_SPEED_MS     12.0   /* faster than an e-bike: a jump, dropped */
#define GP_PATROL_MIN_STEP_M        5.0   /* a point is kept after this much movement… */
#define GP_PATROL_MAX_INTERVAL_S   30     /* …or this much time */
#define GP_PATROL_FLUSH_S           5     /* points reach the store at least this often */

typedef enum
{
  GP_FIX_KEPT,           /* a track point */
  GP_FIX_USED,           /* counted for checkpoints, too close to the last point to keep */
  GP_FIX_INACCURATE,
  GP_FIX_JUMP,           /* an impossible speed from the last point */
  GP_FIX_STALE,          /* not after the last point */
  GP_FIX_NOT_RUNNING,    /* the patrol is paused or finished */
  GP_FIX_INVALID,        /* not a position on Earth, or a time or accuracy that is not a number */
} GpFixVerdict;

#define GP_TYPE_PATROL_RECORDER (gp_patrol_recorder_get_type ())
G_DECLARE_FINAL_TYPE (GpPatrolRecorder, gp_patrol_recorder, GP, PATROL_RECORDER, GObject)

GpPatrolRecorder *gp_patrol_recorder_new            (GpStore          *store,
                                                     const char       *grid,
                                                     GpRoute          *route,
                                                     const char       *worker);
GpPatrolRecorder *gp_patrol_recorder_recover        (GpStore          *store,
                                                     const char       *patrol_id,
                                                     GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void              gp_patrol_recorder_set_async      (GpPatrolRecorder *self,
                                                     gboolean          async);
gboolean          gp_patrol_recorder_start          (GpPatrolRecorder *self,
                                                     gint64            time,
                                                     GError          **error);
void              gp_patrol_recorder_start_async    (GpPatrolRecorder *self,
                                                     gint64            time,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
gboolean          gp_patrol_recorder_start_finish   (GpPatrolRecorder *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);
GpFixVerdict      gp_patrol_recorder_add_fix        (GpPatrolRecorder *self,
                                                     const GpFix      *fix);
gboolean          gp_patrol_recorder_pause          (GpPatrolRecorder *self,
                                                     gint64            time,
                                                     GError          **error);
gboolean          gp_patrol_recorder_resume         (GpPatrolRecorder *self,
                                                     gint64            time,
                                                     GError          **error);
gboolean          gp_patrol_recorder_finish         (GpPatrolRecorder *self,
                                                     gint64            time,
                                                     GError          **error);
void              gp_patrol_recorder_finish_async   (GpPatrolRecorder *self,
                                                     gint64            time,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
gboolean          gp_patrol_recorder_finish_finish  (GpPatrolRecorder *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);
gboolean          gp_patrol_recorder_flush          (GpPatrolRecorder *self,
                                                     GError          **error);

const char       *gp_patrol_recorder_get_id         (GpPatrolRecorder *self);
const char       *gp_patrol_recorder_get_status     (GpPatrolRecorder *self);
GpRoute          *gp_patrol_recorder_get_route      (GpPatrolRecorder *self);
double            gp_patrol_recorder_get_distance   (GpPatrolRecorder *self);
gint64            gp_patrol_recorder_get_elapsed    (GpPatrolRecorder *self,
                                                     gint64            now);
GArray           *gp_patrol_recorder_get_track      (GpPatrolRecorder *self);
guint             gp_patrol_recorder_get_n_reached  (GpPatrolRecorder *self);
gboolean          gp_patrol_recorder_is_reached     (GpPatrolRecorder *self,
                                                     const char       *checkpoint_id);
gint64            gp_patrol_recorder_get_reached_at (GpPatrolRecorder *self,
                                                     const char       *checkpoint_id);
gboolean          gp_patrol_recorder_get_next       (GpPatrolRecorder *self,
                                                     GpCheckpoint     *checkpoint,
                                                     double           *distance,
                                                     double           *bearing);
const GpFix      *gp_patrol_recorder_get_last_fix   (GpPatrolRecorder *self);

/* What the patrol page starts from. */
typedef struct
{
  GPtrArray        *routes;       /* GpRoute: the grid's routes */
  GpPatrolRecorder *unfinished;   /* the worker's patrol left running, paused; or NULL */
} GpPatrolSetup;

GpPatrolSetup    *gp_patrol_setup_load              (GpStore          *store,
                                                     const char       *grid,
                                                     const char       *worker) G_GNUC_WARN_UNUSED_RESULT;
void              gp_patrol_setup_load_async        (GpStore          *store,
                                                     const char       *grid,
                                                     const char       *worker,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
GpPatrolSetup    *gp_patrol_setup_load_finish       (GpStore          *store,
                                                     GAsyncResult     *result,
                                                     GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void              gp_patrol_setup_free              (GpPatrolSetup    *setup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpPatrolSetup, gp_patrol_setup_free)

char             *gp_track_encode                   (GArray           *fixes) G_GNUC_WARN_UNUSED_RESULT;
GArray           *gp_track_decode                   (const char       *text,
                                                     GError          **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
