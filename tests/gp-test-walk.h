/* gp-test-walk.h — recorded walks for tests and benchmarks: a worker
 * walking a route's checkpoints, written as GPX or NMEA, and the geodesic
 * it covers, computed independently (Vincenty on WGS-84).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-documents.h"
#include "gp-location.h"

G_BEGIN_DECLS

GArray *gp_test_walk_route  (GpRoute    *route,
                             double      speed_ms,
                             gint64      start_us,
                             guint       laps) G_GNUC_WARN_UNUSED_RESULT;
char   *gp_test_walk_gpx    (GArray     *fixes) G_GNUC_WARN_UNUSED_RESULT;
char   *gp_test_walk_nmea   (GArray     *fixes) G_GNUC_WARN_UNUSED_RESULT;
double  gp_test_vincenty    (double      lat1,
                             double      lon1,
                             double      lat2,
                             double      lon2);
double  gp_test_walk_length (GArray     *fixes);

G_END_DECLS
