/* gp-worker.h — work off the main loop that the app waits for before it exits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     gp_worker_run      (GTask           *task,
                             GTaskThreadFunc  func);
void     gp_worker_hold     (void);
void     gp_worker_release  (void);
guint    gp_worker_get_busy (void);
gboolean gp_worker_wait_all (guint            timeout_ms);

G_END_DECLS
