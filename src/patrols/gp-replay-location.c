/* gp-replay-location.c
 *
 * Plays a GPX or NMEA track as if a receiver were walking it: each fix
 * comes after the time the recording says, divided by the speed (2 plays
 * twice as fast). Times are shifted so that the first fix is "now"; the
 * intervals between fixes stay as recorded, so speeds stay true. For
 * demos, tests and benchmarks, and `gridpatrol --location-replay FILE`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-replay-location"

#include "config.h"

#include "gp-replay-location.h"

#include "gp-clock.h"

#include <glib/gi18n-lib.h>

struct _GpReplayLocation
{
  GpLocation  parent_instance;

  GpTrack    *track;
  double      speed;
  guint       next;         /* the index of the next fix */
  gint64      shift;        /* added to the recorded times */
  guint       timeout_id;
};

G_DEFINE_FINAL_TYPE (GpReplayLocation, gp_replay_location, GP_TYPE_LOCATION)

static void schedule (GpReplayLocation *self);

static gboolean
on_fix_due (gpointer data)
{
  GpReplayLocation *self = data;
  GpFix fix = g_array_index (self->track->fixes, GpFix, self->next);

  self->timeout_id = 0;
  fix.time += self->shift;
  if (fix.accuracy <= 0)
    fix.accuracy = 5;   /* a receiver in the open */
  gp_location_update (GP_LOCATION (self), GP_LOCATION_STATE_FIX, &fix, NULL);
  self->next++;
  schedule (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (GpReplayLocation *self)
{
  gint64 gap;

  if (self->next >= self->track->fixes->len)
    return;   /* played: the last fix stays */
  gap = self->next == 0 ? 0
        : g_array_index (self->track->fixes, GpFix, self->next).time -
          g_array_index (self->track->fixes, GpFix, self->next - 1).time;
  self->timeout_id = g_timeout_add ((guint) MIN (G_MAXUINT, gap / 1000 / self->speed), on_fix_due, self);
}

static void
gp_replay_location_start (GpLocation *location)
{
  GpReplayLocation *self = GP_REPLAY_LOCATION (location);

  if (self->timeout_id != 0)
    return;
  if (self->track->fixes->len == 0)
    {
      gp_location_update (location, GP_LOCATION_STATE_OFF, NULL, _("The recorded track has no position in it"));
      return;
    }
  if (self->next == 0)
    {
      self->shift = gp_clock_get_real_time () - g_array_index (self->track->fixes, GpFix, 0).time;
      gp_location_update (location, GP_LOCATION_STATE_WAITING, NULL, NULL);
    }
  schedule (self);
}

static void
gp_replay_location_stop (GpLocation *location)
{
  GpReplayLocation *self = GP_REPLAY_LOCATION (location);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
}

static void
gp_replay_location_finalize (GObject *object)
{
  GpReplayLocation *self = (GpReplayLocation *) object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer (&self->track, gp_track_free);

  G_OBJECT_CLASS (gp_replay_location_parent_class)->finalize (object);
}

static void
gp_replay_location_class_init (GpReplayLocationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_replay_location_finalize;
  GP_LOCATION_CLASS (klass)->start = gp_replay_location_start;
  GP_LOCATION_CLASS (klass)->stop = gp_replay_location_stop;
}

static void
gp_replay_location_init (GpReplayLocation *self)
{
}

/**
 * gp_replay_location_new:
 * @track: (transfer full): what to play
 * @speed: how many times faster than recorded; 1 for real time
 */
GpLocation *
gp_replay_location_new (GpTrack *track,
                        double   speed)
{
  GpReplayLocation *self = g_object_new (GP_TYPE_REPLAY_LOCATION, NULL);

  self->track = track;
  self->speed = speed > 0 ? speed : 1.0;
  return GP_LOCATION (self);
}

GpLocation *
gp_replay_location_new_for_file (const char  *path,
                                 double       speed,
                                 GError     **error)
{
  GpTrack *track = gp_track_read_file (path, error);

  if (track == NULL)
    return NULL;
  if (track->skipped > 0)
    g_message ("%s: %u items skipped, %u positions played", path, track->skipped, track->fixes->len);
  return gp_replay_location_new (track, speed);
}

guint
gp_replay_location_get_played (GpReplayLocation *self)
{
  g_return_val_if_fail (GP_IS_REPLAY_LOCATION (self), 0);

  return self->next;
}

guint
gp_replay_location_get_n_fixes (GpReplayLocation *self)
{
  g_return_val_if_fail (GP_IS_REPLAY_LOCATION (self), 0);

  return self->track->fixes->len;
}
