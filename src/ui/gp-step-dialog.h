/* gp-step-dialog.h — taking one workflow step on an incident.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"
#include "gp-photo-picker.h"

G_BEGIN_DECLS

#define GP_TYPE_STEP_DIALOG (gp_step_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GpStepDialog, gp_step_dialog, GP, STEP_DIALOG, AdwDialog)

GpStepDialog  *gp_step_dialog_new              (GpContext    *context,
                                                const char   *incident_id,
                                                const char   *action);
void           gp_step_dialog_set_note         (GpStepDialog *self,
                                                const char   *note);
void           gp_step_dialog_set_choice       (GpStepDialog *self,
                                                const char   *value);
void           gp_step_dialog_set_target       (GpStepDialog *self,
                                                const char   *target);
char         **gp_step_dialog_dup_targets      (GpStepDialog *self) G_GNUC_WARN_UNUSED_RESULT;
GpPhotoPicker *gp_step_dialog_get_photo_picker (GpStepDialog *self);
void           gp_step_dialog_done             (GpStepDialog *self);
const char    *gp_step_dialog_get_message      (GpStepDialog *self);
gboolean       gp_step_dialog_get_ready        (GpStepDialog *self);
gboolean       gp_step_dialog_get_busy         (GpStepDialog *self);

G_END_DECLS
