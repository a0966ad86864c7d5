/* gp-ctl.h — gridpatrolctl's commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses: success, a failure with a one-line message, bad usage. */
#define GP_CTL_OK      0
#define GP_CTL_FAILED  1
#define GP_CTL_USAGE   2

int gp_ctl_main (int    argc,
                 char **argv);

G_END_DECLS
