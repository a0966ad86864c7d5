/* gp-visit-dialog.h — recording a household visit (入户走访).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-photo-picker.h"

G_BEGIN_DECLS

#define GP_TYPE_VISIT_DIALOG (gp_visit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GpVisitDialog, gp_visit_dialog, GP, VISIT_DIALOG, AdwDialog)

GpVisitDialog *gp_visit_dialog_new          (GpContext     *context,
                                             const char    *building_id,
                                             const char    *patrol_id);
gboolean       gp_visit_dialog_get_ready    (GpVisitDialog *self);
const char    *gp_visit_dialog_get_building (GpVisitDialog *self);
gboolean       gp_visit_dialog_choose       (GpVisitDialog *self,
                                             const char    *household_id);
void           gp_visit_dialog_set_note     (GpVisitDialog *self,
                                             const char    *note);
void           gp_visit_dialog_set_tags     (GpVisitDialog      *self,
                                             const char * const *tags);
void           gp_visit_dialog_save         (GpVisitDialog *self);
const char    *gp_visit_dialog_get_message  (GpVisitDialog *self);
void           gp_visit_dialog_set_household (GpVisitDialog *self,
                                              const char    *household_id);
const char    *gp_visit_dialog_get_household (GpVisitDialog *self);
GpPhotoPicker *gp_visit_dialog_get_photo_picker (GpVisitDialog *self);

G_END_DECLS
