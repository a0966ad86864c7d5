/* gp-secret.h — the grid centre password, kept with libsecret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      gp_secret_store         (const char           *server,
                                   const char           *user,
                                   const char           *password,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  gp_secret_store_finish  (GAsyncResult         *result,
                                   GError              **error);
void      gp_secret_lookup        (const char           *server,
                                   const char           *user,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char     *gp_secret_lookup_finish (GAsyncResult         *result,
                                   GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void      gp_secret_clear         (const char           *server,
                                   const char           *user);

G_END_DECLS
