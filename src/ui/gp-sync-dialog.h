/* gp-sync-dialog.h — the grid centre page: logging in, how sync goes, what is not synced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "gp-context.h"

G_BEGIN_DECLS

#define GP_TYPE_SYNC_DIALOG (gp_sync_dialog_get_type ())

G_DECLARE_FINAL_TYPE (GpSyncDialog, gp_sync_dialog, GP, SYNC_DIALOG, AdwDialog)

GpSyncDialog *gp_sync_dialog_new         (GpContext     *context);
void          gp_sync_dialog_set_account (GpSyncDialog  *self,
                                          const char    *server,
                                          const char    *user,
                                          const char    *password);
void          gp_sync_dialog_log_in      (GpSyncDialog  *self);
const char   *gp_sync_dialog_get_message (GpSyncDialog  *self);
gboolean      gp_sync_dialog_get_busy    (GpSyncDialog  *self);
guint         gp_sync_dialog_get_n_conflicts (GpSyncDialog *self);
void          gp_sync_dialog_settle      (GpSyncDialog  *self,
                                          const char    *id);

char         *gp_sync_describe           (GpSyncManager *sync) G_GNUC_WARN_UNUSED_RESULT;
const char   *gp_sync_icon_name          (GpSyncManager *sync);

G_END_DECLS
