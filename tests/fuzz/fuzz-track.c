/* fuzz-track.c — GPX and NMEA logs as the patrol replay reads them; every
 * fix that comes out is a position on Earth with a number for accuracy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-track-reader.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  GpTrack *track = gp_track_parse (bytes, NULL);

  for (guint i = 0; track != NULL && i < track->fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (track->fixes, GpFix, i);

      if (!isfinite (fix->latitude) || !isfinite (fix->longitude) || fabs (fix->latitude) > 90 ||
          fabs (fix->longitude) > 180 || !isfinite (fix->accuracy) || fix->accuracy < 0)
        abort ();
    }
  gp_track_free (track);
  return 0;
}
