/* gp-documents.h — every document type, and typed documents in a store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-building.h"
#include "gp-component.h"
#include "gp-directory.h"
#include "gp-document.h"
#include "gp-event.h"
#include "gp-grid.h"
#include "gp-household.h"
#include "gp-incident.h"
#include "gp-lane.h"
#include "gp-patrol.h"
#include "gp-policy.h"
#include "gp-route.h"
#include "gp-visit.h"
#include "gp-store.h"

G_BEGIN_DECLS

GpDocument  *gp_documents_load              (GpStore              *store,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_documents_load_all          (GpStore              *store,
                                             const char           *type,
                                             const char           *grid,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_documents_load_by           (GpStore              *store,
                                             const char           *type,
                                             GpStoreRef            ref,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_documents_load_all_async    (GpStore              *store,
                                             const char           *type,
                                             const char           *grid,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray   *gp_documents_load_all_finish   (GpStore              *store,
                                             GAsyncResult         *result,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_documents_load_by_async     (GpStore              *store,
                                             const char           *type,
                                             GpStoreRef            ref,
                                             const char           *id,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray   *gp_documents_load_by_finish    (GpStore              *store,
                                             GAsyncResult         *result,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_documents_save              (GpStore              *store,
                                             GpDocument           *document,
                                             GpStorePutFlags       flags,
                                             GError              **error);
gboolean     gp_documents_save_all          (GpStore              *store,
                                             GPtrArray            *documents,
                                             GpStorePutFlags       flags,
                                             GError              **error);
void         gp_documents_save_all_async    (GpStore              *store,
                                             GPtrArray            *documents,
                                             GpStorePutFlags       flags,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean     gp_documents_save_all_finish   (GpStore              *store,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
