/* gp-store.c
 *
 * The store keeps documents as CouchDB does: every edit is a revision
 * "N-hash" whose parent is the revision it edits; replication can bring
 * revisions from elsewhere, so a document is a tree whose leaves are its
 * current versions and whose winner is chosen the way CouchDB chooses it.
 *
 * SQLite connections share one WAL file: a writer, used by one thread at a
 * time (the app's writes go through a single worker thread, in order), and
 * a reader for each thread that reads, for lists and lookups: WAL never
 * blocks them on the writer's fsync, and no thread waits for another's
 * read (the main loop for a worker's long one). Writes are durable when
 * they return (synchronous=FULL), except the two kinds a lost write only
 * repeats: a batch of revisions a pull received and a replication
 * checkpoint, durable at the next flush.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-store"
#define _GNU_SOURCE /* syncfs */

#include "config.h"

#include "gp-store.h"
#include "gp-store-private.h"
#include "gp-attachment.h"
#include "gp-json.h"
#include "gp-revision.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (GpStore, gp_store, G_TYPE_OBJECT)

enum {
  DOCUMENTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Read connections belong to threads, and a pool's threads come and go:
 * each thread keeps its own, by store, and closes them when it ends; a
 * store closes those to it when it is finalized. Stores are known to
 * threads by a serial number, never by an address a later store could
 * have. */
static GMutex  readers_lock;    /* every Reader's db and store, and each store's readers */
static guint64 last_serial;

typedef struct
{
  guint64  serial;  /* the store's, as the thread's table's key */
  GpDb    *db;      /* NULL once the store is finalized */
  GpStore *store;
} Reader;

static void
thread_readers_free (gpointer data)
{
  GHashTable *mine = data;
  GHashTableIter iter;
  Reader *reader;

  g_mutex_lock (&readers_lock);
  g_hash_table_iter_init (&iter, mine);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &reader))
    if (reader->db != NULL)
      {
        gp_db_close (reader->db);
        g_ptr_array_remove_fast (reader->store->readers, reader);
      }
  g_mutex_unlock (&readers_lock);
  g_hash_table_unref (mine);
}

/* The calling thread's connections: serial → Reader. */
static GPrivate thread_readers = G_PRIVATE_INIT (thread_readers_free);

static void
gp_store_finalize (GObject *object)
{
  GpStore *self = (GpStore *) object;

  /* Queued writes hold a reference on the store, so the pool is idle; it may
   * be its own thread dropping the last reference, so do not wait for it. */
  if (self->write_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->write_pool), FALSE, FALSE);
  g_mutex_lock (&readers_lock);
  for (guint i = 0; i < self->readers->len; i++)
    {
      Reader *reader = g_ptr_array_index (self->readers, i);

      g_clear_pointer (&reader->db, gp_db_close);
      reader->store = NULL;
    }
  g_clear_pointer (&self->readers, g_ptr_array_unref);
  g_mutex_unlock (&readers_lock);
  g_clear_pointer (&self->shared_reader, gp_db_close);
  g_clear_pointer (&self->writer, gp_db_close);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->blob_dir, g_free);
  g_clear_pointer (&self->tables, g_hash_table_unref);

  G_OBJECT_CLASS (gp_store_parent_class)->finalize (object);
}

static void
gp_store_class_init (GpStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gp_store_finalize;

  /**
   * GpStore::documents-changed:
   * @ids: the ids of the documents a committed write changed
   *
   * Emitted in the main context the store was opened in.
   */
  signals[DOCUMENTS_CHANGED] =
    g_signal_new ("documents-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void
gp_store_init (GpStore *self)
{
  self->tables = g_hash_table_new (g_str_hash, g_str_equal);
  self->readers = g_ptr_array_new ();
  g_mutex_lock (&readers_lock);
  self->serial = ++last_serial;
  g_mutex_unlock (&readers_lock);
}

static GpDb *
open_reader (GpStore  *self,
             GError  **error)
{
  g_autofree char *path = g_build_filename (self->dir, GP_STORE_FILE_NAME, NULL);
  GpDb *db = gp_db_open (path, GP_DB_READ_ONLY, error);

  /* A megabyte of pages each (SQLite's default is two): there may be a
   * few. */
  if (db != NULL)
    gp_db_exec (db, "PRAGMA cache_size = -1024", NULL);
  return db;
}

/**
 * gp_store_reader:
 *
 * The calling thread's read connection, opened on its first read and
 * closed when the thread ends (or the store closes): a pool's threads come
 * and go. A thread whose connection cannot be opened shares the one opened
 * with the store, and waits its turn on it.
 */
GpDb *
gp_store_reader (GpStore *self)
{
  GHashTable *mine = g_private_get (&thread_readers);
  g_autoptr(GError) error = NULL;
  Reader *reader;
  GpDb *db;

  /* Only this thread changes its table; a store being used is not being
   * finalized, so its connection here is not being closed. */
  if (mine == NULL)
    {
      mine = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
      g_private_set (&thread_readers, mine);
    }
  reader = g_hash_table_lookup (mine, &self->serial);
  if (reader != NULL)
    return reader->db;

  db = open_reader (self, &error);
  if (db == NULL)
    {
      g_message ("A read connection of its own cannot be opened: %s", error->message);
      return self->shared_reader;
    }
  reader = g_new0 (Reader, 1);
  reader->serial = self->serial;
  reader->db = db;
  reader->store = self;
  g_mutex_lock (&readers_lock);
  g_ptr_array_add (self->readers, reader);
  g_mutex_unlock (&readers_lock);
  g_hash_table_insert (mine, &reader->serial, reader);
  return db;
}

/* Opening. */

/* A folder of the store, the user's alone (household data is personal
 * information): made 0700, and made 0700 again when it was there before
 * with wider permissions. */
gboolean
gp_store_ensure_dir (const char  *path,
                     GError     **error)
{
  GStatBuf st;

  if (g_mkdir_with_parents (path, 0700) != 0 || g_stat (path, &st) != 0 ||
      ((st.st_mode & 0077) != 0 && g_chmod (path, 0700) != 0))
    {
      int saved_errno = errno;

      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_IO,
                   _("Cannot create the folder %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_io_error (GError     **error,
              const char  *path,
              int          saved_errno)
{
  g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_IO,
               _("Cannot write %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/* Makes the folder entries of @path durable. */
static gboolean
sync_parent_dir (const char  *path,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd < 0)
    return set_io_error (error, dir, errno);
  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      return set_io_error (error, dir, saved_errno);
    }
  close (fd);
  return TRUE;
}

/**
 * gp_store_flush_dir:
 *
 * Makes everything written on the file system of @path durable, files and
 * folder entries alike, in one call (syncfs): cheaper than a flush per
 * file when a batch wrote many.
 */
gboolean
gp_store_flush_dir (const char  *path,
                    GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd < 0)
    return set_io_error (error, path, errno);
  if (syncfs (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      return set_io_error (error, path, saved_errno);
    }
  close (fd);
  return TRUE;
}

/* The log's size, in pages of 4 KiB, that writes without waiting for the
 * disk let it reach before SQLite copies it into the database. */
#define LAZY_LOG_PAGES 8192

/**
 * gp_store_lazy_begin:
 *
 * Takes the writer for writes that do not wait for the disk: commits that
 * are durable at the next flush. SQLite copies its log into the database,
 * flushing both, once the log holds 1,000 pages (its default); a pull
 * writes that many every few batches, so it lets the log grow to 32 MB
 * instead.
 */
gboolean
gp_store_lazy_begin (GpStore  *self,
                     GError  **error)
{
  g_rec_mutex_lock (&self->writer->lock);
  if (gp_db_exec (self->writer, "PRAGMA synchronous = NORMAL", error) &&
      gp_db_exec (self->writer, "PRAGMA wal_autocheckpoint = " G_STRINGIFY (LAZY_LOG_PAGES), error))
    return TRUE;
  gp_store_lazy_end (self);
  return FALSE;
}

void
gp_store_lazy_end (GpStore *self)
{
  gp_db_exec (self->writer, "PRAGMA synchronous = FULL", NULL);
  gp_db_exec (self->writer, "PRAGMA wal_autocheckpoint = 1000", NULL);
  g_rec_mutex_unlock (&self->writer->lock);
}

/**
 * gp_store_flush:
 *
 * Makes the batches and checkpoints written without waiting for the disk
 * durable (gp_store_put_revisions(), gp_store_put_checkpoint()).
 */
gboolean
gp_store_flush (GpStore  *self,
                GError  **error)
{
  g_return_val_if_fail (GP_IS_STORE (self), FALSE);

  return gp_store_flush_dir (self->dir, error);
}

/**
 * gp_store_write_file:
 * @flush: whether to wait for the disk; without, the caller flushes the
 *   file system (gp_store_flush_dir()) before anything names the file
 *
 * Writes @data to @path, mode 0600, so that a crash at any moment leaves
 * either no file or the whole file, never part of one: the bytes go to a
 * temporary file beside it, are flushed, and the file is renamed into place
 * and its folder flushed. Garbage collection removes temporary files a
 * crash left behind. Unflushed, a crash may leave part of a file under its
 * name: one that nothing names yet, which garbage collection removes too.
 */
gboolean
gp_store_write_file (const char  *path,
                     const void  *data,
                     gsize        size,
                     gboolean     flush,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *temp = NULL;
  const guint8 *bytes = data;
  gsize written = 0;
  int fd;
  int saved_errno;

  if (!gp_store_ensure_dir (dir, error))
    return FALSE;

  temp = g_strdup_printf ("%s/" GP_STORE_TEMP_PREFIX "%s-XXXXXX", dir, base);
  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_io_error (error, path, errno);

  while (written < size)
    {
      gssize n = write (fd, bytes + written, MIN (size - written, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        errno = EIO;
      if (n <= 0)
        goto failed;
      written += (gsize) n;
    }
  if (flush && fdatasync (fd) != 0)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  fd = -1;
  if (g_rename (temp, path) != 0)
    goto failed;
  return !flush || sync_parent_dir (path, error);

failed:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (temp);
  return set_io_error (error, path, saved_errno);
}

/* Makes @path 0600, creating it (empty) when @create and missing. */
static gboolean
ensure_private_file (const char  *path,
                     gboolean     create,
                     GError     **error)
{
  int fd = g_open (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
  struct stat st;
  int saved_errno;

  if (fd < 0 && errno == ENOENT && !create)
    return TRUE;
  if (fd < 0)
    return set_io_error (error, path, errno);
  if (fstat (fd, &st) != 0 || ((st.st_mode & 0077) != 0 && fchmod (fd, 0600) != 0))
    {
      saved_errno = errno;
      close (fd);
      return set_io_error (error, path, saved_errno);
    }
  close (fd);
  return TRUE;
}

static GpStore *
store_open (const char    *dir,
            GMainContext  *context,
            GError       **error)
{
  g_autoptr(GpStore) self = g_object_new (GP_TYPE_STORE, NULL);
  g_autofree char *path = g_build_filename (dir, GP_STORE_FILE_NAME, NULL);
  static const char * const sidecars[] = { "-wal", "-shm", "-journal" };
  GpDb *reader;
  int version;

  self->dir = g_strdup (dir);
  self->blob_dir = g_build_filename (dir, "attachments", NULL);
  self->context = g_main_context_ref (context);

  /* Household data is personal information: the folder and the database
   * are the user's alone from the start, whatever was there before. */
  if (!gp_store_ensure_dir (dir, error) || !gp_store_ensure_dir (self->blob_dir, error) ||
      !ensure_private_file (path, TRUE, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (sidecars); i++)
    {
      g_autofree char *sidecar = g_strconcat (path, sidecars[i], NULL);

      if (!ensure_private_file (sidecar, FALSE, error))
        return NULL;
    }

  self->writer = gp_db_open (path, GP_DB_READ_WRITE, error);
  if (self->writer == NULL)
    return NULL;

  /* Look at the version before changing anything in the file. */
  version = gp_db_get_user_version (self->writer, error);
  if (version < 0)
    return NULL;
  if (version > GP_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_TOO_NEW,
                   _("The data in %s was written by a newer version of GridPatrol "
                     "(schema %d; this version knows up to %d). Update GridPatrol to open it."),
                   dir, version, GP_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!gp_db_exec (self->writer, "PRAGMA journal_mode = WAL", error) ||
      !gp_db_exec (self->writer, "PRAGMA synchronous = FULL", error) ||
      !gp_db_exec (self->writer, "PRAGMA foreign_keys = ON", error) ||
      !gp_db_migrate (self->writer, GP_STORE_SCHEMA_VERSION, error))
    return NULL;

  /* The reader a thread that cannot open its own shares. */
  reader = open_reader (self, error);
  if (reader == NULL)
    return NULL;
  self->shared_reader = reader;

  {
    g_autoptr(GError) gc_error = NULL;
    guint removed = gp_store_collect_garbage (self, &gc_error);

    if (gc_error != NULL)
      g_message ("Cannot tidy the attachments of %s: %s", dir, gc_error->message);
    else if (removed > 0)
      g_debug ("Removed %u files a crash left in %s", removed, self->blob_dir);
  }

  return g_steal_pointer (&self);
}

/**
 * gp_store_dup_default_dir:
 *
 * Where the app and gridpatrolctl keep their data unless told otherwise:
 * `$XDG_DATA_HOME/gridpatrol` (inside Flatpak, the app's own data folder).
 */
char *
gp_store_dup_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "gridpatrol", NULL);
}

/**
 * gp_store_open:
 * @dir: the data folder; created if missing
 *
 * Opens (and creates or upgrades) the store in @dir. Fails with
 * %GP_STORE_ERROR_TOO_NEW, leaving the file untouched, when a newer version
 * of GridPatrol wrote it.
 */
GpStore *
gp_store_open (const char  *dir,
               GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (dir != NULL, NULL);

  return store_open (dir, context, error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *dir = task_data;
  GMainContext *context = g_task_get_context (task);
  GError *error = NULL;
  GpStore *store = store_open (dir, context, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
gp_store_open_async (const char          *dir,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_store_open_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  gp_worker_run (task, open_thread);
}

GpStore *
gp_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
gp_store_get_dir (GpStore *self)
{
  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  return self->dir;
}

gint64
gp_store_get_update_seq (GpStore *self)
{
  GpDb *reader;
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;
  gint64 seq = -1;

  g_return_val_if_fail (GP_IS_STORE (self), -1);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  stmt = gp_db_prepare (reader, "SELECT value FROM meta WHERE key = 'update_seq'", NULL);
  if (stmt != NULL && gp_db_step (reader, stmt, &row, NULL) && row)
    seq = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&reader->lock);

  return seq;
}

/* Transactions on the writer. */

void
gp_store_txn_clear (GpStoreTxn *txn)
{
  g_clear_pointer (&txn->changed_ids, g_ptr_array_unref);
  g_clear_pointer (&txn->created_files, g_ptr_array_unref);
  g_clear_pointer (&txn->dropped_digests, g_ptr_array_unref);
}

gboolean
gp_store_txn_begin (GpStore  *self,
           GpStoreTxn      *txn,
           GError  **error)
{
  g_rec_mutex_lock (&self->writer->lock);

  if (!gp_db_exec (self->writer, "BEGIN IMMEDIATE", error))
    {
      g_rec_mutex_unlock (&self->writer->lock);
      return FALSE;
    }

  txn->changed_ids = g_ptr_array_new_with_free_func (g_free);
  txn->created_files = g_ptr_array_new_with_free_func (g_free);
  txn->dropped_digests = g_ptr_array_new_with_free_func (g_free);
  return TRUE;
}

char *
gp_store_blob_path (GpStore    *self,
           const char *digest)
{
  g_autofree char *hex = gp_attachment_digest_to_hex (digest);
  char prefix[3] = { 0 };

  if (hex == NULL)
    return NULL;
  memcpy (prefix, hex, 2);
  return g_build_filename (self->blob_dir, prefix, hex, NULL);
}

typedef struct
{
  GpStore *store;
  char   **ids;
} ChangedEmission;

static gboolean
emit_documents_changed (gpointer data)
{
  ChangedEmission *emission = data;

  g_signal_emit (emission->store, signals[DOCUMENTS_CHANGED], 0, emission->ids);
  return G_SOURCE_REMOVE;
}

static void
changed_emission_free (gpointer data)
{
  ChangedEmission *emission = data;

  g_object_unref (emission->store);
  g_strfreev (emission->ids);
  g_free (emission);
}

gboolean
gp_store_txn_commit (GpStore  *self,
            GpStoreTxn      *txn,
            GError  **error)
{
  if (!gp_db_exec (self->writer, "COMMIT", error))
    {
      gp_db_exec (self->writer, "ROLLBACK", NULL);
      for (guint i = 0; i < txn->created_files->len; i++)
        g_unlink (g_ptr_array_index (txn->created_files, i));
      g_rec_mutex_unlock (&self->writer->lock);
      return FALSE;
    }

  /* Blobs nobody uses any more go once the database no longer names them,
   * under the database's write lock — taken again, as another process (the
   * app and gridpatrolctl on one folder) may have written since the commit
   * and named the same bytes: a blob is removed only when still unnamed,
   * and a write that follows finds no file and writes it again. A crash
   * before this leaves a file that garbage collection removes. */
  if (txn->dropped_digests->len > 0 && gp_db_exec (self->writer, "BEGIN IMMEDIATE", NULL))
    {
      for (guint i = 0; i < txn->dropped_digests->len; i++)
        {
          const char *digest = g_ptr_array_index (txn->dropped_digests, i);
          g_autofree char *path = gp_store_blob_path (self, digest);

          if (path != NULL && !gp_store_has_blob (self, digest))
            g_unlink (path);
        }
      gp_db_exec (self->writer, "COMMIT", NULL);
    }
  g_rec_mutex_unlock (&self->writer->lock);

  if (txn->changed_ids->len > 0)
    {
      ChangedEmission *emission = g_new0 (ChangedEmission, 1);

      g_ptr_array_add (txn->changed_ids, NULL);
      emission->store = g_object_ref (self);
      emission->ids = (char **) g_ptr_array_steal (txn->changed_ids, NULL);
      g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                                  emit_documents_changed, emission, changed_emission_free);
    }

  return TRUE;
}

void
gp_store_txn_rollback (GpStore *self,
              GpStoreTxn     *txn)
{
  gp_db_exec (self->writer, "ROLLBACK", NULL);
  for (guint i = 0; i < txn->created_files->len; i++)
    g_unlink (g_ptr_array_index (txn->created_files, i));
  g_rec_mutex_unlock (&self->writer->lock);
}

/* Several documents in one transaction. */

/**
 * gp_store_edit_new:
 * @doc: the document's JSON, `_id` and `_rev` as for gp_store_put()
 * @attachments: (element-type GpAttachment) (nullable): its new attachments
 *
 * One document of a gp_store_put_all(): it takes references to both.
 */
GpStoreEdit *
gp_store_edit_new (JsonObject *doc,
                   GPtrArray  *attachments)
{
  GpStoreEdit *edit = g_new0 (GpStoreEdit, 1);

  edit->doc = json_object_ref (doc);
  edit->attachments = attachments ? g_ptr_array_ref (attachments)
                                   : g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
  return edit;
}

void
gp_store_edit_free (GpStoreEdit *edit)
{
  if (edit == NULL)
    return;
  json_object_unref (edit->doc);
  g_ptr_array_unref (edit->attachments);
  g_free (edit);
}

/* All or nothing: one transaction. */
static char **
run_put_all (GpStore          *self,
             GPtrArray        *edits,
             GpStorePutFlags   flags,
             GError          **error)
{
  g_auto(GpStoreTxn) txn = { 0 };
  g_autoptr(GStrvBuilder) revs = g_strv_builder_new ();

  if (!gp_store_txn_begin (self, &txn, error))
    return NULL;

  for (guint i = 0; i < edits->len; i++)
    {
      GpStoreEdit *edit = g_ptr_array_index (edits, i);
      g_autofree char *rev = gp_store_put_locked (self, &txn, edit->doc, edit->attachments, flags, error);

      if (rev == NULL)
        {
          gp_store_txn_rollback (self, &txn);
          return NULL;
        }
      g_strv_builder_add (revs, rev);
    }

  if (!gp_store_txn_commit (self, &txn, error))
    return NULL;
  return g_strv_builder_end (revs);
}

/**
 * gp_store_put_all:
 * @edits: (element-type GpStoreEdit): the documents
 *
 * Writes the documents as gp_store_put() does, all in one transaction:
 * either every one is written or none is.
 *
 * Returns: (transfer full) (nullable): the new revisions, in the order of
 *   @edits, or %NULL with @error set
 */
char **
gp_store_put_all (GpStore          *self,
                  GPtrArray        *edits,
                  GpStorePutFlags   flags,
                  GError          **error)
{
  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (edits != NULL, NULL);

  return run_put_all (self, edits, flags, error);
}

typedef struct
{
  GPtrArray       *edits;
  GpStorePutFlags  flags;
} PutAllData;

static void
put_all_data_free (PutAllData *data)
{
  g_ptr_array_unref (data->edits);
  g_free (data);
}

/* Writes in order: one thread takes them from a queue. */

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Write;

static void
write_pool_func (gpointer data,
                 gpointer user_data)
{
  Write *write = data;

  if (!g_task_return_error_if_cancelled (write->task))
    write->func (write->task, g_task_get_source_object (write->task), g_task_get_task_data (write->task),
                 g_task_get_cancellable (write->task));
  g_object_unref (write->task);
  g_free (write);
  gp_worker_release ();
}

/**
 * gp_store_run_write:
 * @task: its source object is the store's caller's; @func returns its result
 *
 * Runs @func on the store's writer thread, after every write asked for
 * before it (gp_store_put_all_async() included): for the tables a layer
 * keeps in the store, whose writes must keep their order with the
 * documents'. A task cancelled before its turn returns
 * %G_IO_ERROR_CANCELLED without running.
 */
void
gp_store_run_write (GpStore         *self,
                    GTask           *task,
                    GTaskThreadFunc  func)
{
  Write *write;

  g_return_if_fail (GP_IS_STORE (self));
  g_return_if_fail (G_IS_TASK (task));

  if (self->write_pool == NULL)
    self->write_pool = g_thread_pool_new (write_pool_func, NULL, 1, FALSE, NULL);
  write = g_new0 (Write, 1);
  write->task = g_object_ref (task);
  write->func = func;
  gp_worker_hold ();
  g_thread_pool_push (self->write_pool, write, NULL);
}

static void
put_all_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PutAllData *put = task_data;
  GError *error = NULL;
  char **revs = run_put_all (source_object, put->edits, put->flags, &error);

  if (revs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, revs, (GDestroyNotify) g_strfreev);
}

/**
 * gp_store_put_all_async:
 * @edits: (element-type GpStoreEdit): the documents; the store keeps a
 *   reference until it is done, so leave them unchanged
 *
 * gp_store_put_all() on the store's writer thread. Writes run in the order
 * they were asked for.
 */
void
gp_store_put_all_async (GpStore             *self,
                        GPtrArray           *edits,
                        GpStorePutFlags      flags,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PutAllData *data;

  g_return_if_fail (GP_IS_STORE (self));
  g_return_if_fail (edits != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_store_put_all_async);
  data = g_new0 (PutAllData, 1);
  data->edits = g_ptr_array_ref (edits);
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) put_all_data_free);

  gp_store_run_write (self, task, put_all_thread);
}

/**
 * gp_store_put_all_finish:
 *
 * Returns: (transfer full) (nullable): the new revisions, in the order of
 *   the edits, or %NULL with @error set
 */
char **
gp_store_put_all_finish (GpStore       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Conflicts, off the main loop. */

/**
 * gp_store_get_versions:
 *
 * Returns: (transfer full) (element-type JsonObject): a document's
 *   versions, the winning one first and then each conflicting one
 */
GPtrArray *
gp_store_get_versions (GpStore     *self,
                       const char  *id,
                       GError     **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(JsonObject) winner = NULL;
  g_auto(GStrv) conflicts = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  winner = gp_store_get (self, id, GP_STORE_GET_NONE, error);
  if (winner == NULL || (conflicts = gp_store_get_conflicts (self, id, error)) == NULL)
    return NULL;
  g_ptr_array_add (versions, g_steal_pointer (&winner));
  for (guint i = 0; conflicts[i] != NULL; i++)
    {
      JsonObject *version = gp_store_get_revision (self, id, conflicts[i], GP_STORE_GET_NONE, NULL);

      if (version != NULL)
        g_ptr_array_add (versions, version);
    }
  return g_steal_pointer (&versions);
}

static void
versions_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *versions = gp_store_get_versions (source_object, task_data, &error);

  if (versions == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, versions, (GDestroyNotify) g_ptr_array_unref);
}

void
gp_store_get_versions_async (GpStore             *self,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_store_get_versions_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  gp_worker_run (task, versions_thread);
}

GPtrArray *
gp_store_get_versions_finish (GpStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *id;
  char *keep_rev;
} Resolve;

static void
resolve_free (Resolve *resolve)
{
  g_free (resolve->id);
  g_free (resolve->keep_rev);
  g_free (resolve);
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Resolve *resolve = task_data;
  GError *error = NULL;

  if (gp_store_resolve_conflict (source_object, resolve->id, resolve->keep_rev, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * gp_store_resolve_conflict_async:
 *
 * gp_store_resolve_conflict() in a worker thread.
 */
void
gp_store_resolve_conflict_async (GpStore             *self,
                                 const char          *id,
                                 const char          *keep_rev,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Resolve *resolve;

  g_return_if_fail (GP_IS_STORE (self));
  g_return_if_fail (id != NULL && keep_rev != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_store_resolve_conflict_async);
  resolve = g_new0 (Resolve, 1);
  resolve->id = g_strdup (id);
  resolve->keep_rev = g_strdup (keep_rev);
  g_task_set_task_data (task, resolve, (GDestroyNotify) resolve_free);
  gp_worker_run (task, resolve_thread);
}

gboolean
gp_store_resolve_conflict_finish (GpStore       *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Tables of the layers above (gp-store-table.h). */

/**
 * gp_store_add_table:
 *
 * Makes @table, or brings it to its last version: each version's SQL not
 * yet run on this store runs in a write transaction of its own. Cheap once
 * done: a layer calls it before each use.
 */
gboolean
gp_store_add_table (GpStore             *self,
                    const GpStoreTable  *table,
                    GError             **error)
{
  guint last = g_strv_length ((char **) table->versions);
  gboolean ok = TRUE;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (table->name != NULL && last > 0, FALSE);

  g_rec_mutex_lock (&self->writer->lock);
  if (g_hash_table_contains (self->tables, table->name))
    {
      g_rec_mutex_unlock (&self->writer->lock);
      return TRUE;
    }
  for (;;)
    {
      g_autoptr(GpDbStmt) stmt = NULL;
      gboolean row = FALSE;
      gint64 version = 0;

      ok = gp_db_exec (self->writer, "BEGIN IMMEDIATE", error);
      if (ok)
        stmt = gp_db_prepare (self->writer, "SELECT version FROM tables WHERE name = ?1", error);
      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_TRANSIENT);
          ok = gp_db_step (self->writer, stmt, &row, error);
          if (ok && row)
            version = sqlite3_column_int64 (stmt, 0);
        }
      else
        ok = FALSE;
      g_clear_pointer (&stmt, gp_db_stmt_release);

      if (ok && version >= last)
        {
          ok = gp_db_exec (self->writer, "COMMIT", error);
          break;
        }
      if (ok)
        ok = gp_db_exec (self->writer, table->versions[version], error);
      if (ok && (stmt = gp_db_prepare (self->writer,
                                       "INSERT INTO tables (name, version) VALUES (?1, ?2) "
                                       "ON CONFLICT (name) DO UPDATE SET version = excluded.version",
                                       error)) != NULL)
        {
          sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, version + 1);
          ok = gp_db_step_done (self->writer, stmt, error);
        }
      else
        ok = FALSE;
      g_clear_pointer (&stmt, gp_db_stmt_release);
      if (ok)
        ok = gp_db_exec (self->writer, "COMMIT", error);
      if (!ok)
        {
          g_prefix_error (error, _("Upgrading the store’s table %s to version %d failed: "),
                          table->name, (int) version + 1);
          gp_db_exec (self->writer, "ROLLBACK", NULL);
          break;
        }
      g_debug ("Table %s upgraded to version %d", table->name, (int) version + 1);
    }
  if (ok)
    g_hash_table_add (self->tables, (gpointer) table->name);
  g_rec_mutex_unlock (&self->writer->lock);
  return ok;
}

/**
 * gp_store_get_table_seq:
 *
 * Returns: the update sequence the table was last made current to, 0 for
 *   never, -1 with @error set
 */
gint64
gp_store_get_table_seq (GpStore     *self,
                        const char  *name,
                        GError     **error)
{
  GpDb *reader;
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean row = FALSE;
  gint64 seq = -1;

  g_return_val_if_fail (GP_IS_STORE (self), -1);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  stmt = gp_db_prepare (reader, "SELECT seq FROM tables WHERE name = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      if (gp_db_step (reader, stmt, &row, error))
        seq = row ? sqlite3_column_int64 (stmt, 0) : 0;
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&reader->lock);
  return seq;
}

/**
 * gp_store_set_table_seq:
 *
 * Records that the table is current to @seq; on the writer, inside the
 * transaction that made it so.
 */
gboolean
gp_store_set_table_seq (GpStore     *self,
                        const char  *name,
                        gint64       seq,
                        GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->writer->lock);
  stmt = gp_db_prepare (self->writer, "UPDATE tables SET seq = ?2 WHERE name = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, seq);
      ok = gp_db_step_done (self->writer, stmt, error);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&self->writer->lock);
  return ok;
}

GpDb *
gp_store_get_reader (GpStore *self)
{
  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  return gp_store_reader (self);
}

GpDb *
gp_store_get_writer (GpStore *self)
{
  g_return_val_if_fail (GP_IS_STORE (self), NULL);

  return self->writer;
}

void
gp_db_lock (GpDb *db)
{
  g_rec_mutex_lock (&db->lock);
}

void
gp_db_unlock (GpDb *db)
{
  g_rec_mutex_unlock (&db->lock);
}

/**
 * gp_store_get_local:
 * @id: `_local/…`
 *
 * Returns: (transfer full) (nullable): the local document, or %NULL with
 *   %GP_STORE_ERROR_NOT_FOUND
 */
JsonObject *
gp_store_get_local (GpStore     *self,
                    const char  *id,
                    GError     **error)
{
  GpDb *reader;
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gboolean row = FALSE;

  g_return_val_if_fail (GP_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  reader = gp_store_reader (self);
  g_rec_mutex_lock (&reader->lock);
  stmt = gp_db_prepare (reader, "SELECT body FROM local_docs WHERE id = ?1", &local_error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if (gp_db_step (reader, stmt, &row, &local_error) && row)
        text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  g_rec_mutex_unlock (&reader->lock);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  node = text ? json_from_string (text, NULL) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("There is no local document %s"), id);
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

static gboolean
put_local (GpStore     *self,
           const char  *id,
           JsonObject  *body,
           gboolean     durable,
           GError     **error)
{
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && body != NULL, FALSE);

  node = json_node_init_object (json_node_alloc (), body);
  text = json_to_string (node, FALSE);
  if (durable)
    g_rec_mutex_lock (&self->writer->lock);
  else if (!gp_store_lazy_begin (self, error))
    return FALSE;
  stmt = gp_db_prepare (self->writer, "INSERT OR REPLACE INTO local_docs (id, body) VALUES (?1, ?2)", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
      ok = gp_db_step_done (self->writer, stmt, error);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  if (durable)
    g_rec_mutex_unlock (&self->writer->lock);
  else
    gp_store_lazy_end (self);
  return ok;
}

/* Writes a local document in a transaction of its own, replacing it. */
gboolean
gp_store_put_local (GpStore     *self,
                    const char  *id,
                    JsonObject  *body,
                    GError     **error)
{
  return put_local (self, id, body, TRUE, error);
}

/**
 * gp_store_put_checkpoint:
 *
 * Writes a local document whose loss only repeats work, a replication's
 * checkpoint, without waiting for the disk: the next durable write or
 * gp_store_flush() makes it durable, and a crash before that finds the
 * one before it (SQLite's log keeps writes in order).
 */
gboolean
gp_store_put_checkpoint (GpStore     *self,
                         const char  *id,
                         JsonObject  *body,
                         GError     **error)
{
  return put_local (self, id, body, FALSE, error);
}

/**
 * gp_store_resolve_conflict:
 * @keep_rev: the leaf whose content stays
 *
 * Settles edits that disagree as CouchDB's clients do: the kept leaf's
 * content becomes a new revision on top of the winner, and every other live
 * leaf gets a tombstone, so that each replica, once synced, has one live
 * leaf. The new revision is written first: interrupted, the conflict is
 * still there to settle, nothing is lost.
 */
gboolean
gp_store_resolve_conflict (GpStore     *self,
                           const char  *id,
                           const char  *keep_rev,
                           GError     **error)
{
  g_autoptr(JsonObject) winner = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_auto(GStrv) conflicts = NULL;
  g_autofree char *new_rev = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && keep_rev != NULL, FALSE);

  winner = gp_store_get (self, id, GP_STORE_GET_NONE, error);
  if (winner == NULL)
    return FALSE;
  conflicts = gp_store_get_conflicts (self, id, error);
  if (conflicts == NULL)
    return FALSE;
  if (g_strcmp0 (gp_json_get_string (winner, "_rev"), keep_rev) != 0 &&
      !g_strv_contains ((const char * const *) conflicts, keep_rev))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("%s has no version %s to keep"), id, keep_rev);
      return FALSE;
    }

  if (g_strcmp0 (gp_json_get_string (winner, "_rev"), keep_rev) != 0)
    {
      kept = gp_store_get_revision (self, id, keep_rev, GP_STORE_GET_NONE, error);
      if (kept == NULL)
        return FALSE;
      json_object_set_string_member (kept, "_rev", gp_json_get_string (winner, "_rev"));
      new_rev = gp_store_put (self, kept, NULL, GP_STORE_PUT_NONE, error);
      if (new_rev == NULL)
        return FALSE;
    }
  /* The winner's branch goes on (with the kept content on top of it when
   * that came from another leaf); every other live leaf ends. */
  for (guint i = 0; conflicts[i] != NULL; i++)
    {
      g_autofree char *tombstone = gp_store_delete (self, id, conflicts[i], error);

      if (tombstone == NULL)
        return FALSE;
    }
  return TRUE;
}
