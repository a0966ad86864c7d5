/* gp-replicator.h — CouchDB's replication protocol between the store and a
 * grid database on the centre.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-couch.h"
#include "gp-grid.h"
#include "gp-store.h"

G_BEGIN_DECLS

typedef enum
{
  GP_REPLICATION_PUSH,   /* the store to the centre */
  GP_REPLICATION_PULL,   /* the centre to the store */
} GpReplicationDirection;

/* What one replication did. */
typedef struct
{
  guint      changes_read;      /* entries of the source's change feed */
  guint      revisions_written; /* revisions the target did not have */
  guint      attachments;       /* attachments moved, as binary */
  guint64    attachment_bytes;
  guint      deferred;          /* full photos left at the centre until wanted */
  guint      batches;
  guint      writes;            /* pull: transactions, and flushes, the revisions received were written in */
  guint      conflicts;         /* documents received that now have conflicting leaves */
  GPtrArray *refused;           /* char *: "id rev: reason", writes the centre refused */
  GPtrArray *held;              /* char *: "id rev: reason", not sent: damaged here or too large */
  GPtrArray *skipped;           /* char *: "id rev: reason", not received: too large or not valid */
} GpReplicationStats;

/* How a replication goes. */
typedef enum
{
  GP_REPLICATION_FLAGS_NONE       = 0,
  /* Pull: a case's full photos stay at the centre (their stubs are kept)
   * until wanted; thumbnails and every other attachment come. */
  GP_REPLICATION_PHOTOS_ON_DEMAND = 1 << 0,
} GpReplicationFlags;

#define GP_REPLICATION_BATCH 100

/* The longest thumbnail a document may carry inside it, as base64: the
 * app's are 320 px JPEGs of 10–25 KB. */
#define GP_REPLICATION_MAX_THUMBNAIL_TEXT (128 * 1024)

char     *gp_replication_database_name (const char              *grid_code) G_GNUC_WARN_UNUSED_RESULT;

gboolean  gp_replicate                 (GpStore                 *store,
                                        GpCouch                 *couch,
                                        const char              *database,
                                        GpReplicationDirection   direction,
                                        GpReplicationFlags       flags,
                                        GpReplicationStats      *stats,
                                        GCancellable            *cancellable,
                                        GError                 **error);

gint64    gp_replication_get_pushed_seq (GpStore               *store,
                                        const char            *url,
                                        const char            *database);

gboolean  gp_replication_fetch_photo   (GpStore                 *store,
                                        GpCouch                 *couch,
                                        const char              *database,
                                        const char              *doc_id,
                                        const char              *rev,
                                        const char              *name,
                                        const char              *digest,
                                        GpCouchProgressFunc      progress,
                                        gpointer                 user_data,
                                        GCancellable            *cancellable,
                                        GError                 **error);

void      gp_replication_stats_clear   (GpReplicationStats      *stats);

gboolean  gp_replication_check_document (GpStore               *store,
                                        const char            *grid_code,
                                        GpGrid                *grid,
                                        JsonObject            *doc,
                                        GError               **error);

G_END_DECLS
