/* gp-revision.c
 *
 * A revision id is "N-<hash>": N counts the edits from the first revision,
 * the hash tells apart edits made at the same depth on different replicas.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-revision"

#include "config.h"

#include "gp-revision.h"

#include <string.h>

/* Revision hashes from other replicas are not always md5 hex (PouchDB has
 * used uuids); accept any short run of letters and digits. */
#define MAX_HASH_LENGTH 64

gboolean
gp_revision_parse (const char  *rev,
                   guint       *pos,
                   char       **hash)
{
  const char *dash;
  guint64 n;
  char *end = NULL;
  gsize hash_length;

  if (rev == NULL || !g_ascii_isdigit (rev[0]))
    return FALSE;

  dash = strchr (rev, '-');
  if (dash == NULL)
    return FALSE;

  n = g_ascii_strtoull (rev, &end, 10);
  if (end != dash || n == 0 || n > G_MAXINT32 || (rev[0] == '0'))
    return FALSE;

  hash_length = strlen (dash + 1);
  if (hash_length == 0 || hash_length > MAX_HASH_LENGTH)
    return FALSE;
  for (const char *c = dash + 1; *c; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;

  if (pos != NULL)
    *pos = (guint) n;
  if (hash != NULL)
    *hash = g_strdup (dash + 1);
  return TRUE;
}

/* CouchDB's order: by position, then by hash as a string. */
int
gp_revision_compare (const char *a,
                     const char *b)
{
  guint pos_a = 0, pos_b = 0;
  g_autofree char *hash_a = NULL;
  g_autofree char *hash_b = NULL;

  gp_revision_parse (a, &pos_a, &hash_a);
  gp_revision_parse (b, &pos_b, &hash_b);

  if (pos_a != pos_b)
    return pos_a < pos_b ? -1 : 1;
  return g_strcmp0 (hash_a, hash_b);
}

/* The hash is the md5 of what the revision is: its parent, whether it is a
 * deletion, its body and its attachments. The same edit made twice gives the
 * same revision, as in CouchDB, so replaying an import or the demo generator
 * writes nothing new. */
char *
gp_revision_make (const char         *parent,
                  gboolean            deleted,
                  const char         *body,
                  const char * const *attachment_digests)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint pos = 0;

  if (parent != NULL && !gp_revision_parse (parent, &pos, NULL))
    g_return_val_if_reached (NULL);

  g_checksum_update (checksum, (const guchar *) (parent ? parent : ""), -1);
  g_checksum_update (checksum, (const guchar *) (deleted ? "\nD\n" : "\nL\n"), -1);
  g_checksum_update (checksum, (const guchar *) (body ? body : "{}"), -1);
  for (guint i = 0; attachment_digests != NULL && attachment_digests[i] != NULL; i++)
    {
      g_checksum_update (checksum, (const guchar *) "\n", 1);
      g_checksum_update (checksum, (const guchar *) attachment_digests[i], -1);
    }

  return g_strdup_printf ("%u-%s", pos + 1, g_checksum_get_string (checksum));
}
