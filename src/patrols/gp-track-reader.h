/* gp-track-reader.h — reading recorded tracks: GPX 1.1 and NMEA 0183.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-location.h"

G_BEGIN_DECLS

/* The largest track file read. */
#define GP_TRACK_MAX_FILE_SIZE (64 * 1024 * 1024)

#define GP_TRACK_ERROR (gp_track_error_quark ())

typedef enum
{
  GP_TRACK_ERROR_FAILED,     /* cannot be read */
  GP_TRACK_ERROR_UNKNOWN,    /* neither GPX nor NMEA */
} GpTrackError;

typedef struct
{
  GArray *fixes;      /* GpFix, in time order */
  guint   skipped;    /* items left out: bad checksums, garbage, no fix, time going back, cut short */
  char   *format;     /* "gpx" or "nmea" */
} GpTrack;

GQuark   gp_track_error_quark (void);
GpTrack *gp_track_parse       (GBytes      *data,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;
GpTrack *gp_track_read_file   (const char  *path,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;
void     gp_track_read_file_async  (const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
GpTrack *gp_track_read_file_finish (GAsyncResult        *result,
                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;
double   gp_track_length      (const GpTrack *track);
void     gp_track_free        (GpTrack     *track);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpTrack, gp_track_free)

G_END_DECLS
