/* gp-revision.h — CouchDB revision ids: "N-<hash>".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  gp_revision_parse    (const char         *rev,
                                guint              *pos,
                                char              **hash);
int       gp_revision_compare  (const char         *a,
                                const char         *b);
char     *gp_revision_make     (const char         *parent,
                                gboolean            deleted,
                                const char         *body,
                                const char * const *attachment_digests) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
