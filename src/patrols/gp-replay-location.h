/* gp-replay-location.h — positions played back from a recorded track.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-location.h"
#include "gp-track-reader.h"

G_BEGIN_DECLS

#define GP_TYPE_REPLAY_LOCATION (gp_replay_location_get_type ())
G_DECLARE_FINAL_TYPE (GpReplayLocation, gp_replay_location, GP, REPLAY_LOCATION, GpLocation)

GpLocation *gp_replay_location_new         (GpTrack          *track,
                                            double            speed) G_GNUC_WARN_UNUSED_RESULT;
GpLocation *gp_replay_location_new_for_file (const char      *path,
                                            double            speed,
                                            GError          **error) G_GNUC_WARN_UNUSED_RESULT;
guint       gp_replay_location_get_played  (GpReplayLocation *self);
guint       gp_replay_location_get_n_fixes (GpReplayLocation *self);

G_END_DECLS
