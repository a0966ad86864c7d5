/* gp-preferences-dialog.h — Preferences: who reports and acts, where positions come from, the base map.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"

G_BEGIN_DECLS

#define GP_TYPE_PREFERENCES_DIALOG (gp_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (GpPreferencesDialog, gp_preferences_dialog, GP, PREFERENCES_DIALOG,
                      AdwPreferencesDialog)

GtkWidget  *gp_preferences_dialog_new              (GpContext           *context);
void        gp_preferences_dialog_use_file         (GpPreferencesDialog *self,
                                                    GFile               *file);
void        gp_preferences_dialog_use_track        (GpPreferencesDialog *self,
                                                    GFile               *file);
gboolean    gp_preferences_dialog_use_online_url   (GpPreferencesDialog *self,
                                                    const char          *url);
const char *gp_preferences_dialog_get_last_message (GpPreferencesDialog *self);
gboolean    gp_preferences_dialog_get_busy         (GpPreferencesDialog *self);

void        gp_preferences_bind_role               (GSettings           *settings,
                                                    AdwComboRow         *row);

G_END_DECLS
