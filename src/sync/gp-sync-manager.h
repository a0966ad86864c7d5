/* gp-sync-manager.h — when and how the app syncs with the grid centre.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-couch.h"
#include "gp-store.h"

G_BEGIN_DECLS

typedef enum
{
  GP_SYNC_NOT_SET_UP,   /* no grid centre account */
  GP_SYNC_IDLE,
  GP_SYNC_SYNCING,
  GP_SYNC_OFFLINE,
  GP_SYNC_ERROR,
} GpSyncState;

#define GP_SYNC_CHANGE_DELAY_MS  (5 * 1000)        /* after a local change */
#define GP_SYNC_PERIOD_S         (5 * 60)          /* while online */
#define GP_SYNC_RETRY_FIRST_S    10
#define GP_SYNC_RETRY_MAX_S      (15 * 60)

#define GP_TYPE_SYNC_MANAGER (gp_sync_manager_get_type ())

G_DECLARE_FINAL_TYPE (GpSyncManager, gp_sync_manager, GP, SYNC_MANAGER, GObject)

GpSyncManager      *gp_sync_manager_new              (GpStore            *store,
                                                      GNetworkMonitor    *monitor);
void                gp_sync_manager_set_account      (GpSyncManager      *self,
                                                      const char         *url,
                                                      const char         *user,
                                                      const char         *password,
                                                      gboolean            allow_http);
void                gp_sync_manager_set_grids        (GpSyncManager      *self,
                                                      const char * const *grid_codes);
void                gp_sync_manager_set_change_delay (GpSyncManager      *self,
                                                      guint               milliseconds);
void                gp_sync_manager_sync_now         (GpSyncManager      *self);
void                gp_sync_manager_want_photo       (GpSyncManager      *self,
                                                      const char         *doc_id,
                                                      const char         *name);
void                gp_sync_manager_set_all_photos   (GpSyncManager      *self,
                                                      gboolean            all);
gboolean            gp_sync_manager_get_all_photos   (GpSyncManager      *self);

GpSyncState         gp_sync_manager_get_state        (GpSyncManager      *self);
const char         *gp_sync_manager_get_message      (GpSyncManager      *self);
gint64              gp_sync_manager_get_last_success (GpSyncManager      *self);
guint               gp_sync_manager_get_step         (GpSyncManager      *self);
guint               gp_sync_manager_get_n_steps      (GpSyncManager      *self);
guint               gp_sync_manager_get_pending      (GpSyncManager      *self);
gint64              gp_sync_manager_get_sent_seq     (GpSyncManager      *self);
const char * const *gp_sync_manager_get_refused      (GpSyncManager      *self);
const char         *gp_sync_manager_get_refused_name (GpSyncManager      *self,
                                                      const char         *id);
guint               gp_sync_manager_get_retry_delay  (GpSyncManager      *self);
guint               gp_sync_manager_get_n_runs       (GpSyncManager      *self);
const char * const *gp_sync_manager_get_roles        (GpSyncManager      *self);

G_END_DECLS
