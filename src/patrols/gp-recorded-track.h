/* gp-recorded-track.h — the track of the patrol being recorded, kept as it grows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-location.h"
#include "gp-store.h"

G_BEGIN_DECLS

gboolean     gp_recorded_track_append       (GpStore              *store,
                                             const char           *patrol_id,
                                             GArray               *fixes,
                                             GError              **error);
GArray      *gp_recorded_track_load         (GpStore              *store,
                                             const char           *patrol_id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_recorded_track_drop         (GpStore              *store,
                                             const char           *patrol_id,
                                             GError              **error);

G_END_DECLS
