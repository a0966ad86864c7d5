/* gp-demo.h — a generated demo grid, the same for the same seed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-types.h"

G_BEGIN_DECLS

#define GP_DEMO_ERROR (gp_demo_error_quark ())

typedef enum
{
  GP_DEMO_ERROR_INVALID_SIZE,
} GpDemoError;

#define GP_DEMO_GRID_CODE          "610103003003"
#define GP_DEMO_GRID_ID            "grid:" GP_DEMO_GRID_CODE
#define GP_DEMO_POLICY_ID          "policy:abcd"
#define GP_DEMO_DEFAULT_HOUSEHOLDS 420
#define GP_DEMO_MIN_HOUSEHOLDS     300
#define GP_DEMO_MAX_HOUSEHOLDS     500
#define GP_DEMO_DEFAULT_SEED       2026

GQuark     gp_demo_error_quark   (void);

GPtrArray *gp_demo_generate      (guint                households,
                                  guint64              seed,
                                  GError             **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean   gp_demo_install       (GpStore             *store,
                                  guint                households,
                                  guint64              seed,
                                  GError             **error);

G_END_DECLS
