/* main.c — gridpatrolctl, the store and the grid from the command line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-ctl.h"

int
main (int   argc,
      char *argv[])
{
  return gp_ctl_main (argc, argv);
}
