/* gp-store-private.h — the SQLite connection under GpStore.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "gp-store.h"
#include "gp-store-table.h"

G_BEGIN_DECLS

struct _GpDb
{
  sqlite3    *handle;
  GHashTable *statements;   /* SQL text → prepared sqlite3_stmt, kept for reuse */
  GRecMutex   lock;         /* one thread at a time on a connection */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef enum
{
  GP_DB_READ_WRITE,
  GP_DB_READ_ONLY,
} GpDbMode;

GpDb      *gp_db_open              (const char  *path,
                                    GpDbMode     mode,
                                    GError     **error);
void       gp_db_close             (GpDb        *db);
void       gp_db_bind_revision     (GpDbStmt    *stmt,
                                    gint64       doc_id,
                                    guint        pos,
                                    const char  *hash);
int        gp_db_get_user_version  (GpDb        *db,
                                    GError     **error);
gboolean   gp_db_migrate           (GpDb        *db,
                                    int          target,
                                    GError     **error);
int        gp_db_migration_count   (void);

struct _GpStore
{
  GObject       parent_instance;

  char         *dir;
  char         *blob_dir;
  GpDb         *writer;
  guint64       serial;       /* never reused: what a thread's connections are kept by */
  GPtrArray    *readers;      /* Reader: the threads' connections to it (gp-store.c) */
  GpDb         *shared_reader; /* for a thread that cannot open its own */
  GThreadPool  *write_pool;
  GMainContext *context;
  GHashTable   *tables;       /* names of the tables added, under the writer lock */
};

/* What one transaction did, for after it commits or rolls back. */
typedef struct
{
  GPtrArray *changed_ids;     /* documents written */
  GPtrArray *created_files;   /* blob files this transaction created */
  GPtrArray *dropped_digests; /* blobs no longer used by any revision */
  gboolean   lazy;            /* files unflushed, the commit not waiting for the disk */
  guint      unflushed;       /* files written since the last flush */
} GpStoreTxn;

void gp_store_txn_clear (GpStoreTxn *txn);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GpStoreTxn, gp_store_txn_clear)

/* A document's row: its winning revision. */
typedef struct
{
  gint64   doc_id;
  char    *rev;
  gboolean deleted;
  char    *body;
} GpStoreDocRow;

void gp_store_doc_row_clear (GpStoreDocRow *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GpStoreDocRow, gp_store_doc_row_clear)

/* One revision of a document. */
typedef struct
{
  gboolean exists;
  gboolean leaf;
  gboolean deleted;
  char    *parent;
  char    *body;
} GpStoreRevRow;

void gp_store_rev_row_clear (GpStoreRevRow *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GpStoreRevRow, gp_store_rev_row_clear)

/* Temporary files of gp_store_write_file() start with this. */
#define GP_STORE_TEMP_PREFIX ".tmp-"

gboolean    gp_store_ensure_dir         (const char       *path,
                                         GError          **error);
gboolean    gp_store_write_file         (const char       *path,
                                         const void       *data,
                                         gsize             size,
                                         gboolean          flush,
                                         GError          **error);
gboolean    gp_store_flush_dir          (const char       *path,
                                         GError          **error);
GpDb       *gp_store_reader             (GpStore          *self);
gboolean    gp_store_lazy_begin         (GpStore          *self,
                                         GError          **error);
void        gp_store_lazy_end           (GpStore          *self);
char       *gp_store_blob_path          (GpStore          *self,
                                         const char       *digest);
gboolean    gp_store_txn_begin          (GpStore          *self,
                                         GpStoreTxn       *txn,
                                         GError          **error);
gboolean    gp_store_txn_commit         (GpStore          *self,
                                         GpStoreTxn       *txn,
                                         GError          **error);
void        gp_store_txn_rollback       (GpStore          *self,
                                         GpStoreTxn       *txn);
void        gp_store_set_not_found      (GError          **error,
                                         const char       *id);
gboolean    gp_store_lookup_doc         (GpDb             *db,
                                         const char       *id,
                                         GpStoreDocRow    *out,
                                         gboolean         *found,
                                         GError          **error);
gboolean    gp_store_lookup_rev         (GpDb             *db,
                                         gint64            doc_id,
                                         guint             pos,
                                         const char       *hash,
                                         GpStoreRevRow    *out,
                                         GError          **error);
GPtrArray  *gp_store_read_attachments   (GpDb             *db,
                                         gint64            doc_id,
                                         guint             pos,
                                         const char       *hash,
                                         GError          **error);
char      **gp_store_read_leaves        (GpDb             *db,
                                         gint64            doc_id,
                                         gboolean          live_only,
                                         GError          **error);
JsonObject *gp_store_build_doc          (GpDb             *db,
                                         gint64            doc_id,
                                         const char       *id,
                                         const char       *rev,
                                         gboolean          deleted,
                                         const char       *body,
                                         GpStoreGetFlags   flags,
                                         GError          **error);
char       *gp_store_put_locked         (GpStore          *self,
                                         GpStoreTxn       *txn,
                                         JsonObject       *doc,
                                         GPtrArray        *new_attachments,
                                         GpStorePutFlags   flags,
                                         GError          **error);

G_END_DECLS
