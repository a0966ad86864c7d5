/* gp-case-index.h — where every case stands, as a table the area's figures query.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "gp-store.h"

G_BEGIN_DECLS

gboolean gp_case_index_update  (GpStore  *store,
                                guint    *n_folded,
                                GError  **error);
gboolean gp_case_index_rebuild (GpStore  *store,
                                GError  **error);
gboolean gp_case_index_begin_read (GpStore *store,
                                   GError **error);
void     gp_case_index_end_read   (GpStore *store);
void     gp_case_index_set_parts  (guint    max_parts,
                                   guint    min_part);

G_END_DECLS
