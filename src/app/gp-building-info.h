/* gp-building-info.h — what the map's sheet shows of one building.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-types.h"

G_BEGIN_DECLS

typedef struct
{
  GpBuilding *building;
  GPtrArray  *households;   /* GpHousehold, by unit, floor and room */
  GpVisit    *last_visit;   /* the latest visit, or NULL */
} GpBuildingInfo;

GpBuildingInfo *gp_building_info_load         (GpStore              *store,
                                               const char           *building_id,
                                               GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            gp_building_info_load_async   (GpStore              *store,
                                               const char           *building_id,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GpBuildingInfo *gp_building_info_load_finish  (GpStore              *store,
                                               GAsyncResult         *result,
                                               GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void            gp_building_info_free         (GpBuildingInfo       *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpBuildingInfo, gp_building_info_free)

G_END_DECLS
