/* gp-geoclue-location.h — the device's position, from GeoClue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-location.h"

G_BEGIN_DECLS

#define GP_TYPE_GEOCLUE_LOCATION (gp_geoclue_location_get_type ())

G_DECLARE_FINAL_TYPE (GpGeoclueLocation, gp_geoclue_location, GP, GEOCLUE_LOCATION, GpLocation)

GpLocation *gp_geoclue_location_new (const char *desktop_id) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
