/* gp-stamp-source.h — what a photo taken now is stamped and recorded with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-context.h"
#include "gp-watermark.h"

G_BEGIN_DECLS

#define GP_TYPE_STAMP_SOURCE (gp_stamp_source_get_type ())
G_DECLARE_FINAL_TYPE (GpStampSource, gp_stamp_source, GP, STAMP_SOURCE, GObject)

/* How near a building must be to name the place, in metres. */
#define GP_STAMP_BUILDING_REACH 100.0

GpStampSource *gp_stamp_source_new          (GpContext     *context) G_GNUC_WARN_UNUSED_RESULT;
gboolean       gp_stamp_source_get_ready    (GpStampSource *self);
GpPhotoStamp  *gp_stamp_source_make         (GpStampSource *self) G_GNUC_WARN_UNUSED_RESULT;
void           gp_stamp_source_mark_gallery (GpStampSource *self,
                                             GpPhoto       *photo);

G_END_DECLS
