/* gp-demo-history.h — a few weeks of plausible work in the demo grid, for training.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-store.h"

G_BEGIN_DECLS

#define GP_DEMO_HISTORY_DAYS 21

gboolean gp_demo_history_install (GpStore  *store,
                                  guint64   seed,
                                  gint64    now,
                                  GError  **error);

G_END_DECLS
