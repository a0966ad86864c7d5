/* gp-test-link.h — a mobile link between this machine's client and server,
 * emulated by a relay on loopback (see gp-test-link.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;       /* "4G-like" */
  double      up_mbit;    /* client to server, Mbit/s */
  double      down_mbit;  /* server to client */
  double      rtt_ms;     /* round trip */
  double      loss;       /* share of segments lost, 0–1 */
} GpTestLinkShape;

typedef struct _GpTestLink GpTestLink;

GpTestLink *gp_test_link_start    (guint16                upstream_port,
                                   const GpTestLinkShape *shape,
                                   guint32                seed);
guint16     gp_test_link_get_port (GpTestLink            *link);
void        gp_test_link_stop     (GpTestLink            *link);

G_END_DECLS
