/* gp-patrol-recorder.c
 *
 * A patrol records the worker's position only while it runs (src/model/README.md §7).
 * Each fix is judged: too inaccurate (over 50 m), a jump no one walks or
 * rides (over 12 m/s from the last good fix), or not after the last one,
 * and dropped; otherwise it counts for the checkpoints (reached when within
 * their radius), and becomes a track point once the worker has moved 5 m
 * (or the two fixes' accuracies together, if more) or 30 s have passed, so
 * that standing still does not add distance; the distance between track
 * points is what was walked fix to fix, up to the straight line and one
 * accuracy radius more. Track points reach the store every few
 * seconds in small transactions of their own (a crash loses seconds), and
 * the patrol document takes the whole track, compactly encoded, when it is
 * finished. A patrol left running by a crash is recovered from what was
 * written and can be finished.
 *
 * In the app, writes go through worker threads (set_async); the command
 * line writes directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-patrol-recorder"

#include "config.h"

#include "gp-patrol-recorder.h"
#include "gp-clock.h"
#include "gp-recorded-track.h"
#include "gp-store-table.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

struct _GpPatrolRecorder
{
  GObject     parent_instance;

  GpStore    *store;
  GpPatrol   *patrol;
  GpRoute    *route;
  char       *status;
  gboolean    async;
  gboolean    saving;          /* a document save in flight */
  gboolean    save_again;
  GTask      *finishing;       /* gp_patrol_recorder_finish_async(), waiting for that save */
  gboolean    recorded;        /* the finished document is saved */

  gint64      started;         /* µs */
  gint64      paused_total;    /* µs */
  gint64      paused_at;       /* µs; 0 when running */
  GArray     *track;           /* GpFix, kept points */
  GArray     *pending;         /* GpFix, not yet in the store */
  gboolean    has_last;
  GpFix       last;            /* the last good fix */
  double      path;            /* metres walked fix to fix since the last track point */
  double      distance;
  GHashTable *reached;         /* checkpoint id → time (µs), as gint64 * */
  GPtrArray  *reached_order;   /* ids, in the order reached */
};

G_DEFINE_FINAL_TYPE (GpPatrolRecorder, gp_patrol_recorder, G_TYPE_OBJECT)

enum {
  CHANGED,
  CHECKPOINT_REACHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GpGeoPoint
point_of (const GpFix *fix)
{
  GpGeoPoint point = { fix->longitude, fix->latitude };

  return point;
}

static GDateTime *
date_time_of (gint64 time_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);

  return g_date_time_to_timezone (utc, china);
}

/* The compact track: points as (latitude, longitude in millionths of a
 * degree, time in seconds), the first absolute, the others as differences,
 * each written in the polyline algorithm's printable 5-bit groups. About
 * 8 characters a point. */

static void
put_value (GString *out,
           gint64   value)
{
  guint64 v = value < 0 ? ~((guint64) value << 1) : (guint64) value << 1;

  while (v >= 0x20)
    {
      g_string_append_c (out, (char) ((0x20 | (v & 0x1f)) + 63));
      v >>= 5;
    }
  g_string_append_c (out, (char) (v + 63));
}

static gboolean
get_value (const char **p,
           gint64      *value)
{
  guint64 v = 0;
  guint shift = 0;
  int c;

  do
    {
      c = **p;
      if (c < 63 || c > 126 || shift > 60)
        return FALSE;
      (*p)++;
      c -= 63;
      v |= (guint64) (c & 0x1f) << shift;
      shift += 5;
    }
  while (c >= 0x20);
  *value = (v & 1) ? (gint64) ~(v >> 1) : (gint64) (v >> 1);
  return TRUE;
}

char *
gp_track_encode (GArray *fixes)
{
  GString *out = g_string_new ("t1:");
  gint64 lat = 0, lon = 0, time = 0;

  for (guint i = 0; i < fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (fixes, GpFix, i);
      gint64 la = llround (fix->latitude * 1e6), lo = llround (fix->longitude * 1e6);
      gint64 t = fix->time / G_USEC_PER_SEC;

      put_value (out, la - lat);
      put_value (out, lo - lon);
      put_value (out, t - time);
      lat = la;
      lon = lo;
      time = t;
    }
  return g_string_free (out, FALSE);
}

GArray *
gp_track_decode (const char  *text,
                 GError     **error)
{
  g_autoptr(GArray) fixes = g_array_new (FALSE, TRUE, sizeof (GpFix));
  const char *p;
  gint64 lat = 0, lon = 0, time = 0;

  if (text == NULL || *text == '\0')
    return g_steal_pointer (&fixes);
  if (!g_str_has_prefix (text, "t1:"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the track is not in a known encoding"));
      return NULL;
    }
  for (p = text + 3; *p != '\0';)
    {
      gint64 dlat, dlon, dt;
      GpFix fix = { 0 };

      if (!get_value (&p, &dlat) || !get_value (&p, &dlon) || !get_value (&p, &dt))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the track is damaged"));
          return NULL;
        }
      lat += dlat;
      lon += dlon;
      time += dt;
      fix.latitude = lat / 1e6;
      fix.longitude = lon / 1e6;
      fix.time = time * G_USEC_PER_SEC;
      g_array_append_val (fixes, fix);
    }
  return g_steal_pointer (&fixes);
}

/* The document, as the recorder stands now. */

static void
update_document (GpPatrolRecorder *self)
{
  g_autoptr(JsonArray) reached = json_array_new ();
  g_autofree char *track = gp_track_encode (self->track);

  for (guint i = 0; i < self->reached_order->len; i++)
    {
      const char *id = g_ptr_array_index (self->reached_order, i);
      gint64 *time = g_hash_table_lookup (self->reached, id);
      g_autoptr(GDateTime) at = date_time_of (*time);
      g_autofree char *iso = g_date_time_format (at, "%Y-%m-%dT%H:%M:%S%:z");
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "id", id);
      json_object_set_string_member (entry, "at", iso);
      json_array_add_object_element (reached, entry);
    }
  g_object_set (self->patrol, "status", self->status, "distance-m", round (self->distance * 10) / 10,
                "track", track, NULL);
  gp_document_set_member (GP_DOCUMENT (self->patrol), "checkpoints",
                          json_node_init_array (json_node_alloc (), reached));
}

static void save_document (GpPatrolRecorder *self);
static void save_finished (GpPatrolRecorder *self);

static void
on_document_saved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpPatrolRecorder) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!gp_documents_save_all_finish (GP_STORE (source), result, &error))
    g_warning ("The patrol cannot be saved: %s", error->message);
  if (self->finishing != NULL)
    {
      save_finished (self);
      return;
    }
  if (self->save_again)
    {
      self->save_again = FALSE;
      save_document (self);
    }
}

static void
save_document (GpPatrolRecorder *self)
{
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;

  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }
  update_document (self);
  if (!self->async)
    {
      if (!gp_documents_save (self->store, GP_DOCUMENT (self->patrol), GP_STORE_PUT_NONE, &error))
        g_warning ("The patrol cannot be saved: %s", error->message);
      return;
    }
  self->saving = TRUE;
  documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (documents, g_object_ref (self->patrol));
  gp_documents_save_all_async (self->store, documents, GP_STORE_PUT_NONE, NULL, on_document_saved, g_object_ref (self));
}

/* Track points to the store. */

typedef struct
{
  GpStore *store;
  char    *patrol;
  GArray  *fixes;
} FlushJob;

static void
flush_job_free (FlushJob *job)
{
  g_object_unref (job->store);
  g_free (job->patrol);
  g_array_unref (job->fixes);
  g_free (job);
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FlushJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!gp_recorded_track_append (job->store, job->patrol, job->fixes, &error))
    g_warning ("Track points cannot be kept: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

gboolean
gp_patrol_recorder_flush (GpPatrolRecorder  *self,
                          GError           **error)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);

  if (self->pending->len == 0)
    return TRUE;
  if (self->async)
    {
      g_autoptr(GTask) task = g_task_new (self->store, NULL, NULL, NULL);
      FlushJob *job = g_new0 (FlushJob, 1);

      job->store = g_object_ref (self->store);
      job->patrol = g_strdup (gp_patrol_recorder_get_id (self));
      job->fixes = g_steal_pointer (&self->pending);
      self->pending = g_array_new (FALSE, TRUE, sizeof (GpFix));
      g_task_set_task_data (task, job, (GDestroyNotify) flush_job_free);
      gp_store_run_write (self->store, task, flush_thread);
      return TRUE;
    }
  if (!gp_recorded_track_append (self->store, gp_patrol_recorder_get_id (self), self->pending, error))
    return FALSE;
  g_array_set_size (self->pending, 0);
  return TRUE;
}

/* Fixes. */

static void
mark_reached (GpPatrolRecorder *self,
              const char       *id,
              gint64            time)
{
  gint64 *at = g_new (gint64, 1);

  *at = time;
  g_hash_table_insert (self->reached, g_strdup (id), at);
  g_ptr_array_add (self->reached_order, g_strdup (id));
}

/* Checkpoints within their radius of the fix; TRUE if any was new. */
static gboolean
check_checkpoints (GpPatrolRecorder *self,
                   const GpFix      *fix,
                   gboolean          quiet)
{
  gboolean any = FALSE;

  for (guint i = 0; self->route != NULL && i < gp_route_get_n_checkpoints (self->route); i++)
    {
      GpCheckpoint checkpoint;

      if (!gp_route_get_checkpoint (self->route, i, &checkpoint) ||
          g_hash_table_contains (self->reached, checkpoint.id))
        continue;
      if (gp_geo_distance (point_of (fix), checkpoint.position) <= checkpoint.radius)
        {
          mark_reached (self, checkpoint.id, fix->time);
          any = TRUE;
          if (!quiet)
            g_signal_emit (self, signals[CHECKPOINT_REACHED], 0, checkpoint.id);
        }
    }
  return any;
}

/* A fix's accuracy; a receiver in the open when it does not say. */
static double
accuracy_of (const GpFix *fix)
{
  return fix->accuracy > 0 ? fix->accuracy : 5.0;
}

/* The distance since the last track point: fix to fix, so that corners
 * walked count, but no more than the straight line and one accuracy radius
 * more, so that a receiver wandering round a worker who stood still does
 * not. */
static double
walked_since_kept (GpPatrolRecorder *self,
                   double            chord,
                   const GpFix      *fix)
{
  return MIN (self->path, chord + MIN (accuracy_of (fix), 0.5 * chord));
}

/* The judgement and bookkeeping of one fix, without writing anything. */
static GpFixVerdict
take_fix (GpPatrolRecorder *self,
          const GpFix      *fix,
          gboolean          quiet,
          gboolean         *reached_any)
{
  const GpFix *kept = self->track->len ? &g_array_index (self->track, GpFix, self->track->len - 1) : NULL;
  double chord;

  if (!isfinite (fix->latitude) || !isfinite (fix->longitude) || fix->latitude < -90 || fix->latitude > 90 ||
      fix->longitude < -180 || fix->longitude > 180 || !isfinite (fix->accuracy) || fix->accuracy < 0 ||
      fix->time <= 0)
    return GP_FIX_INVALID;
  if (fix->accuracy > GP_PATROL_MAX_ACCURACY_M)
    return GP_FIX_INACCURATE;
  if (self->has_last)
    {
      gint64 dt = fix->time - self->last.time;
      double d = gp_geo_distance (point_of (&self->last), point_of (fix));

      if (dt <= 0)
        return GP_FIX_STALE;
      if (d / (dt / (double) G_USEC_PER_SEC) > GP_PATROL_MAX_SPEED_MS)
        return GP_FIX_JUMP;
      if (kept != NULL)
        self->path += d;
    }
  self->last = *fix;
  self->has_last = TRUE;
  *reached_any = check_checkpoints (self, fix, quiet);

  if (kept != NULL)
    {
      /* Two fixes each good to their accuracy can be that far apart
       * while the worker stands still. */
      chord = gp_geo_distance (point_of (kept), point_of (fix));
      if (chord >= MAX (GP_PATROL_MIN_STEP_M, accuracy_of (kept) + accuracy_of (fix)))
        self->distance += walked_since_kept (self, chord, fix);
      else if (fix->time - kept->time < GP_PATROL_MAX_INTERVAL_S * G_USEC_PER_SEC)
        return GP_FIX_USED;
      /* else: standing still; kept for the time, no distance. */
    }
  self->path = 0;
  g_array_append_val (self->track, *fix);
  return GP_FIX_KEPT;
}

/* The last steps, shorter than a track point's: the walk ends where the
 * last fix was. */
static void
close_track (GpPatrolRecorder *self)
{
  const GpFix *kept = self->track->len ? &g_array_index (self->track, GpFix, self->track->len - 1) : NULL;

  if (kept == NULL || !self->has_last || self->last.time <= kept->time)
    return;
  self->distance += walked_since_kept (self, gp_geo_distance (point_of (kept), point_of (&self->last)), &self->last);
  self->path = 0;
  g_array_append_val (self->track, self->last);
}

/**
 * gp_patrol_recorder_add_fix:
 *
 * Judges and records one fix of a running patrol.
 */
GpFixVerdict
gp_patrol_recorder_add_fix (GpPatrolRecorder *self,
                            const GpFix      *fix)
{
  GpFixVerdict verdict;
  gboolean reached = FALSE;

  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), GP_FIX_NOT_RUNNING);
  g_return_val_if_fail (fix != NULL, GP_FIX_NOT_RUNNING);

  if (g_strcmp0 (self->status, GP_PATROL_RUNNING) != 0)
    return GP_FIX_NOT_RUNNING;
  verdict = take_fix (self, fix, FALSE, &reached);
  if (verdict == GP_FIX_KEPT)
    {
      g_array_append_val (self->pending, *fix);
      if (g_array_index (self->pending, GpFix, self->pending->len - 1).time -
          g_array_index (self->pending, GpFix, 0).time >= GP_PATROL_FLUSH_S * G_USEC_PER_SEC ||
          self->pending->len >= 10)
        gp_patrol_recorder_flush (self, NULL);
    }
  if (reached)
    {
      /* A reached checkpoint is worth a document save; its points too. */
      gp_patrol_recorder_flush (self, NULL);
      save_document (self);
    }
  if (verdict == GP_FIX_KEPT || verdict == GP_FIX_USED)
    g_signal_emit (self, signals[CHANGED], 0);
  return verdict;
}

/* The patrol's life. */

static void
begin_start (GpPatrolRecorder *self,
             gint64            time)
{
  g_autoptr(GDateTime) started = NULL;

  self->started = time;
  g_free (self->status);
  self->status = g_strdup (GP_PATROL_RUNNING);
  started = date_time_of (time);
  g_object_set (self->patrol, "started-at", started, NULL);
  update_document (self);
}

gboolean
gp_patrol_recorder_start (GpPatrolRecorder  *self,
                          gint64             time,
                          GError           **error)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);
  g_return_val_if_fail (self->status == NULL, FALSE);

  begin_start (self, time);
  /* The start is saved before anything else, whatever the mode. */
  if (!gp_documents_save (self->store, GP_DOCUMENT (self->patrol), GP_STORE_PUT_NONE, error))
    {
      g_clear_pointer (&self->status, g_free);
      return FALSE;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

static void
on_start_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GpPatrolRecorder *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!gp_documents_save_all_finish (GP_STORE (source), result, &error))
    {
      g_clear_pointer (&self->status, g_free);
      g_task_return_error (task, error);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

/**
 * gp_patrol_recorder_start_async:
 *
 * gp_patrol_recorder_start() with the start saved on the store's writer
 * thread; the patrol runs once it is saved. Fixes are not taken before.
 */
void
gp_patrol_recorder_start_async (GpPatrolRecorder    *self,
                                gint64               time,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  GTask *task;

  g_return_if_fail (GP_IS_PATROL_RECORDER (self));
  g_return_if_fail (self->status == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_patrol_recorder_start_async);
  begin_start (self, time);
  g_ptr_array_add (documents, g_object_ref (self->patrol));
  gp_documents_save_all_async (self->store, documents, GP_STORE_PUT_NONE, NULL, on_start_saved, task);
}

gboolean
gp_patrol_recorder_start_finish (GpPatrolRecorder  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
gp_patrol_recorder_pause (GpPatrolRecorder  *self,
                          gint64             time,
                          GError           **error)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);

  if (g_strcmp0 (self->status, GP_PATROL_RUNNING) != 0)
    return TRUE;
  g_free (self->status);
  self->status = g_strdup (GP_PATROL_PAUSED);
  self->paused_at = time;
  if (!gp_patrol_recorder_flush (self, error))
    return FALSE;
  save_document (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
gp_patrol_recorder_resume (GpPatrolRecorder  *self,
                           gint64             time,
                           GError           **error)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);

  if (g_strcmp0 (self->status, GP_PATROL_PAUSED) != 0)
    return TRUE;
  if (self->paused_at != 0)
    self->paused_total += MAX (0, time - self->paused_at);
  self->paused_at = 0;
  g_free (self->status);
  self->status = g_strdup (GP_PATROL_RUNNING);
  /* A jump while paused is not a walk: the next fix starts afresh. */
  self->has_last = FALSE;
  save_document (self);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/* Ends the patrol in memory: the track closed, the end time set. */
static void
begin_finish (GpPatrolRecorder *self,
              gint64            time)
{
  g_autoptr(GDateTime) ended = NULL;
  g_autoptr(GDateTime) started = NULL;

  close_track (self);
  g_array_set_size (self->pending, 0);   /* the document takes them all */
  g_free (self->status);
  self->status = g_strdup (GP_PATROL_FINISHED);
  started = gp_patrol_dup_started_at (self->patrol);
  ended = date_time_of (MAX (time, started ? g_date_time_to_unix (started) * G_USEC_PER_SEC : time));
  g_object_set (self->patrol, "ended-at", ended, NULL);
}

/**
 * gp_patrol_recorder_finish:
 *
 * Ends the patrol: its document takes the track, the distance and the
 * checkpoints reached, and the device's own copy of the track goes.
 */
gboolean
gp_patrol_recorder_finish (GpPatrolRecorder  *self,
                           gint64             time,
                           GError           **error)
{
  gboolean async;

  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);

  if (self->recorded)
    return TRUE;
  if (g_strcmp0 (self->status, GP_PATROL_FINISHED) != 0)
    begin_finish (self, time);

  /* The finished document is the record: saved before the points go. */
  async = self->async;
  self->async = FALSE;
  while (self->saving)
    g_main_context_iteration (NULL, TRUE);
  update_document (self);
  if (!gp_documents_save (self->store, GP_DOCUMENT (self->patrol), GP_STORE_PUT_NONE, error))
    {
      self->async = async;
      return FALSE;
    }
  self->async = async;
  self->recorded = TRUE;
  gp_recorded_track_drop (self->store, gp_patrol_recorder_get_id (self), NULL);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

static void
drop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (!gp_recorded_track_drop (source_object, task_data, &error))
    g_warning ("The track kept on the device cannot be dropped: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
on_finish_saved (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GpPatrolRecorder *self = g_task_get_source_object (task);
  g_autoptr(GTask) drop = NULL;
  GError *error = NULL;

  self->saving = FALSE;
  if (!gp_documents_save_all_finish (GP_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  self->recorded = TRUE;
  /* The points go after the record, in order with the writes before. */
  drop = g_task_new (self->store, NULL, NULL, NULL);
  g_task_set_task_data (drop, g_strdup (gp_patrol_recorder_get_id (self)), g_free);
  gp_store_run_write (self->store, drop, drop_thread);
  g_signal_emit (self, signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

/* The last save, once the one in flight has given the document its revision. */
static void
save_finished (GpPatrolRecorder *self)
{
  GTask *task = g_steal_pointer (&self->finishing);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);

  update_document (self);
  g_ptr_array_add (documents, g_object_ref (self->patrol));
  self->saving = TRUE;
  gp_documents_save_all_async (self->store, documents, GP_STORE_PUT_NONE, NULL, on_finish_saved, task);
}

/**
 * gp_patrol_recorder_finish_async:
 *
 * gp_patrol_recorder_finish() with the writes on the store's writer
 * thread. The patrol takes no more fixes from the call on; if the last
 * document cannot be saved, the track stays on the device and the
 * finish can be tried again.
 */
void
gp_patrol_recorder_finish_async (GpPatrolRecorder    *self,
                                 gint64               time,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GP_IS_PATROL_RECORDER (self));
  g_return_if_fail (self->finishing == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_patrol_recorder_finish_async);
  if (self->recorded)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (g_strcmp0 (self->status, GP_PATROL_FINISHED) != 0)
    begin_finish (self, time);
  self->finishing = task;
  if (!self->saving)
    save_finished (self);
}

gboolean
gp_patrol_recorder_finish_finish (GpPatrolRecorder  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Construction. */

static void
gp_patrol_recorder_finalize (GObject *object)
{
  GpPatrolRecorder *self = (GpPatrolRecorder *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->patrol);
  g_clear_object (&self->route);
  g_free (self->status);
  g_clear_pointer (&self->track, g_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->reached, g_hash_table_unref);
  g_clear_pointer (&self->reached_order, g_ptr_array_unref);

  G_OBJECT_CLASS (gp_patrol_recorder_parent_class)->finalize (object);
}

static void
gp_patrol_recorder_class_init (GpPatrolRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_patrol_recorder_finalize;

  /**
   * GpPatrolRecorder::changed:
   *
   * The track, distance, status or checkpoints changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  /**
   * GpPatrolRecorder::checkpoint-reached:
   * @id: the checkpoint's id
   */
  signals[CHECKPOINT_REACHED] = g_signal_new ("checkpoint-reached", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
gp_patrol_recorder_init (GpPatrolRecorder *self)
{
  self->track = g_array_new (FALSE, TRUE, sizeof (GpFix));
  self->pending = g_array_new (FALSE, TRUE, sizeof (GpFix));
  self->reached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->reached_order = g_ptr_array_new_with_free_func (g_free);
}

/**
 * gp_patrol_recorder_new:
 * @route: (nullable): the route walked; %NULL for a free patrol
 */
GpPatrolRecorder *
gp_patrol_recorder_new (GpStore    *store,
                        const char *grid,
                        GpRoute    *route,
                        const char *worker)
{
  GpPatrolRecorder *self;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  self = g_object_new (GP_TYPE_PATROL_RECORDER, NULL);
  self->store = g_object_ref (store);
  self->route = route ? g_object_ref (route) : NULL;
  self->patrol = gp_patrol_new ();
  g_object_set (self->patrol, "grid", grid, "worker", worker,
                "route", route ? gp_document_get_id (GP_DOCUMENT (route)) : NULL, NULL);
  return self;
}

/**
 * gp_patrol_recorder_recover:
 *
 * A patrol left running or paused (the app was killed, the battery died),
 * rebuilt from its document and the track points written: paused, ready
 * to be resumed or finished.
 */
GpPatrolRecorder *
gp_patrol_recorder_recover (GpStore     *store,
                            const char  *patrol_id,
                            GError     **error)
{
  g_autoptr(GpPatrolRecorder) self = NULL;
  g_autoptr(GpDocument) document = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(GDateTime) started = NULL;
  JsonArray *reached;
  const char *route_id;

  document = gp_documents_load (store, patrol_id, error);
  if (document == NULL)
    return NULL;
  if (!GP_IS_PATROL (document))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not a patrol"), patrol_id);
      return NULL;
    }
  points = gp_recorded_track_load (store, patrol_id, error);
  if (points == NULL)
    return NULL;

  self = g_object_new (GP_TYPE_PATROL_RECORDER, NULL);
  self->store = g_object_ref (store);
  self->patrol = GP_PATROL (g_steal_pointer (&document));
  route_id = gp_patrol_get_route (self->patrol);
  if (route_id != NULL)
    {
      GpDocument *route = gp_documents_load (store, route_id, NULL);

      if (route != NULL && GP_IS_ROUTE (route))
        self->route = GP_ROUTE (route);
      else
        g_clear_object (&route);
    }
  started = gp_patrol_dup_started_at (self->patrol);
  self->started = started ? g_date_time_to_unix (started) * G_USEC_PER_SEC : 0;
  self->status = g_strdup (gp_patrol_get_status (self->patrol));

  /* What the document says was reached, then what the points show. */
  reached = gp_document_get_array_member (GP_DOCUMENT (self->patrol), "checkpoints");
  for (guint i = 0; reached != NULL && i < json_array_get_length (reached); i++)
    {
      JsonObject *entry = json_array_get_object_element (reached, i);
      g_autoptr(GDateTime) at = gp_json_parse_time (gp_json_get_string (entry, "at"));
      const char *id = gp_json_get_string (entry, "id");

      if (id != NULL && at != NULL && !g_hash_table_contains (self->reached, id))
        mark_reached (self, id, g_date_time_to_unix (at) * G_USEC_PER_SEC);
    }
  if (g_strcmp0 (self->status, GP_PATROL_FINISHED) != 0)
    {
      gboolean any;

      for (guint i = 0; i < points->len; i++)
        take_fix (self, &g_array_index (points, GpFix, i), TRUE, &any);
      g_free (self->status);
      self->status = g_strdup (GP_PATROL_PAUSED);
    }
  return g_steal_pointer (&self);
}

/* What the patrol page starts from. */

void
gp_patrol_setup_free (GpPatrolSetup *setup)
{
  if (setup == NULL)
    return;
  g_clear_pointer (&setup->routes, g_ptr_array_unref);
  g_clear_object (&setup->unfinished);
  g_free (setup);
}

/**
 * gp_patrol_setup_load:
 *
 * The grid's routes, and the patrol of @worker that the app did not get
 * to finish (killed, or the battery died), recovered and paused. Routes
 * that cannot be read are none; a patrol that cannot be recovered is
 * logged and left in the store.
 */
GpPatrolSetup *
gp_patrol_setup_load (GpStore    *store,
                      const char *grid,
                      const char *worker)
{
  GpPatrolSetup *setup = g_new0 (GpPatrolSetup, 1);
  g_autoptr(GPtrArray) patrols = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  setup->routes = gp_documents_load_all (store, "route", grid, NULL);
  if (setup->routes == NULL)
    setup->routes = g_ptr_array_new_with_free_func (g_object_unref);
  patrols = gp_documents_load_all (store, "patrol", grid, NULL);
  for (guint i = 0; patrols != NULL && i < patrols->len; i++)
    {
      GpPatrol *patrol = g_ptr_array_index (patrols, i);
      g_autoptr(GError) error = NULL;

      if (g_strcmp0 (gp_patrol_get_status (patrol), GP_PATROL_FINISHED) == 0 ||
          g_strcmp0 (gp_patrol_get_worker (patrol), worker) != 0)
        continue;
      setup->unfinished = gp_patrol_recorder_recover (store, gp_document_get_id (GP_DOCUMENT (patrol)), &error);
      if (setup->unfinished == NULL)
        g_message ("The unfinished patrol %s cannot be recovered: %s",
                   gp_document_get_id (GP_DOCUMENT (patrol)), error->message);
      break;
    }
  return setup;
}

typedef struct
{
  char *grid;
  char *worker;
} SetupQuery;

static void
setup_query_free (SetupQuery *query)
{
  g_free (query->grid);
  g_free (query->worker);
  g_free (query);
}

static void
setup_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SetupQuery *query = task_data;

  g_task_return_pointer (task, gp_patrol_setup_load (source_object, query->grid, query->worker),
                         (GDestroyNotify) gp_patrol_setup_free);
}

void
gp_patrol_setup_load_async (GpStore             *store,
                            const char          *grid,
                            const char          *worker,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SetupQuery *query;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_patrol_setup_load_async);
  query = g_new0 (SetupQuery, 1);
  query->grid = g_strdup (grid);
  query->worker = g_strdup (worker);
  g_task_set_task_data (task, query, (GDestroyNotify) setup_query_free);
  gp_worker_run (task, setup_thread);
}

GpPatrolSetup *
gp_patrol_setup_load_finish (GpStore       *store,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
gp_patrol_recorder_set_async (GpPatrolRecorder *self,
                              gboolean          async)
{
  g_return_if_fail (GP_IS_PATROL_RECORDER (self));

  self->async = async;
}

const char *
gp_patrol_recorder_get_id (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), NULL);

  return gp_document_get_id (GP_DOCUMENT (self->patrol));
}

const char *
gp_patrol_recorder_get_status (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), NULL);

  return self->status;
}

GpRoute *
gp_patrol_recorder_get_route (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), NULL);

  return self->route;
}

double
gp_patrol_recorder_get_distance (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), 0);

  return self->distance;
}

/* Time walked so far, pauses left out, in µs. */
gint64
gp_patrol_recorder_get_elapsed (GpPatrolRecorder *self,
                                gint64            now)
{
  gint64 end;

  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), 0);

  if (self->started == 0)
    return 0;
  end = self->paused_at != 0 ? self->paused_at : now;
  return MAX (0, end - self->started - self->paused_total);
}

/* The kept track points. */
GArray *
gp_patrol_recorder_get_track (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), NULL);

  return self->track;
}

guint
gp_patrol_recorder_get_n_reached (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), 0);

  return self->reached_order->len;
}

gboolean
gp_patrol_recorder_is_reached (GpPatrolRecorder *self,
                               const char       *checkpoint_id)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);

  return g_hash_table_contains (self->reached, checkpoint_id);
}

/* When a checkpoint was reached, in µs since the epoch; 0 when it is not. */
gint64
gp_patrol_recorder_get_reached_at (GpPatrolRecorder *self,
                                   const char       *checkpoint_id)
{
  gint64 *time;

  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), 0);

  time = checkpoint_id ? g_hash_table_lookup (self->reached, checkpoint_id) : NULL;
  return time ? *time : 0;
}

/**
 * gp_patrol_recorder_get_next:
 * @distance: (out): metres from the last fix, or -1 without one
 * @bearing: (out): degrees clockwise from north, from the last fix
 *
 * The first checkpoint of the route not reached yet.
 */
gboolean
gp_patrol_recorder_get_next (GpPatrolRecorder *self,
                             GpCheckpoint     *checkpoint,
                             double           *distance,
                             double           *bearing)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), FALSE);

  for (guint i = 0; self->route != NULL && i < gp_route_get_n_checkpoints (self->route); i++)
    {
      if (!gp_route_get_checkpoint (self->route, i, checkpoint) ||
          g_hash_table_contains (self->reached, checkpoint->id))
        continue;
      *distance = -1;
      *bearing = 0;
      if (self->has_last)
        {
          GpGeoPoint from = point_of (&self->last);
          double north = gp_geo_distance (from, (GpGeoPoint) { from.lon, checkpoint->position.lat });
          double east = gp_geo_distance (from, (GpGeoPoint) { checkpoint->position.lon, from.lat });

          if (checkpoint->position.lat < from.lat)
            north = -north;
          if (checkpoint->position.lon < from.lon)
            east = -east;
          *distance = gp_geo_distance (from, checkpoint->position);
          *bearing = fmod (atan2 (east, north) * 180.0 / G_PI + 360.0, 360.0);
        }
      return TRUE;
    }
  return FALSE;
}

const GpFix *
gp_patrol_recorder_get_last_fix (GpPatrolRecorder *self)
{
  g_return_val_if_fail (GP_IS_PATROL_RECORDER (self), NULL);

  return self->has_last ? &self->last : NULL;
}
