/* gp-context.h — what the UI reaches services through: store, settings, grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-location.h"
#include "gp-patrol-recorder.h"
#include "gp-sync-manager.h"
#include "gp-types.h"

G_BEGIN_DECLS

#define GP_TYPE_CONTEXT (gp_context_get_type ())

G_DECLARE_FINAL_TYPE (GpContext, gp_context, GP, CONTEXT, GObject)

GpContext  *gp_context_new            (GSettings            *settings);
GSettings  *gp_context_get_settings   (GpContext            *self);
GpStore    *gp_context_get_store      (GpContext            *self);
void        gp_context_set_store      (GpContext            *self,
                                       GpStore              *store);
GpGrid     *gp_context_get_grid       (GpContext            *self);
char       *gp_context_dup_user_name  (GpContext            *self) G_GNUC_WARN_UNUSED_RESULT;
char       *gp_context_dup_role       (GpContext            *self) G_GNUC_WARN_UNUSED_RESULT;
GpLocation *gp_context_get_location   (GpContext            *self);
GpPatrolRecorder *gp_context_get_recorder (GpContext      *self);
void        gp_context_set_recorder   (GpContext            *self,
                                       GpPatrolRecorder     *recorder);
void        gp_context_set_location   (GpContext            *self,
                                       GpLocation           *location);
GpSyncManager *gp_context_get_sync   (GpContext            *self);
void        gp_context_log_in_async   (GpContext            *self,
                                       const char           *server,
                                       const char           *user,
                                       const char           *password,
                                       gboolean              allow_http,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    gp_context_log_in_finish  (GpContext            *self,
                                       GAsyncResult         *result,
                                       GError              **error);
guint       gp_context_get_unsent     (GpContext            *self);
gboolean    gp_context_log_out        (GpContext            *self,
                                       GError              **error);
gboolean    gp_context_get_loading    (GpContext            *self);
const char *gp_context_get_error      (GpContext            *self);
void        gp_context_open_store     (GpContext            *self,
                                       const char           *dir);
void        gp_context_install_demo   (GpContext            *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    gp_context_install_demo_finish (GpContext       *self,
                                            GAsyncResult    *result,
                                            GError         **error);

G_END_DECLS
