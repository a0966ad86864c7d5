/* gp-conflicts.h — the grid's documents whose edits disagree, as a leader
 * settles them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *id;
  char *title;   /* a household's address, a route's name */
  char *kind;    /* what it is, translated */
} GpConflict;

GPtrArray *gp_conflicts_list        (GpStore              *store,
                                     const char           *grid) G_GNUC_WARN_UNUSED_RESULT;
void       gp_conflicts_list_async  (GpStore              *store,
                                     const char           *grid,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
GPtrArray *gp_conflicts_list_finish (GpStore              *store,
                                     GAsyncResult         *result,
                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
