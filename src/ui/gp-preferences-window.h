/* gp-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"

G_BEGIN_DECLS

#define GP_TYPE_PREFERENCES_WINDOW (gp_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (GpPreferencesWindow, gp_preferences_window, GP, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget  *gp_preferences_window_new              (GpContext           *context);
void        gp_preferences_window_use_file         (GpPreferencesWindow *self,
                                                    GFile               *file);
void        gp_preferences_window_use_track        (GpPreferencesWindow *self,
                                                    GFile               *file);
gboolean    gp_preferences_window_use_online_url   (GpPreferencesWindow *self,
                                                    const char          *url);
const char *gp_preferences_window_get_last_message (GpPreferencesWindow *self);
gboolean    gp_preferences_window_get_busy         (GpPreferencesWindow *self);

G_END_DECLS
