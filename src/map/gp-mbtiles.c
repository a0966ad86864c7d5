/* gp-mbtiles.c
 *
 * Files a user picks are checked before they replace anything: an SQLite
 * header, the whole file there (a copy cut short is caught without reading
 * it all), the MBTiles tables, raster tiles in the format the metadata says,
 * and for files up to 64 MiB SQLite's own quick check.
 *
 * Files this app writes (the grid basemaps) keep one more table beside the
 * MBTiles ones: for each tile, the digest of what went into drawing it, so
 * a re-render draws only the tiles whose inputs changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-mbtiles"

#include "config.h"

#include "gp-mbtiles.h"
#include "gp-tile.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define QUICK_CHECK_LIMIT (64 * 1024 * 1024)
/* Time budgets: opening and checking a file, reading one tile, counting
 * tiles. A file made to keep SQLite busy (a recursive view, a join of
 * everything with everything) is stopped there. */
#define OPEN_BUDGET_US    (20 * G_USEC_PER_SEC)
#define READ_BUDGET_US    (2 * G_USEC_PER_SEC)
#define COUNT_BUDGET_US   (20 * G_USEC_PER_SEC)
/* The largest tile read: a 512 px PNG is well under 1 MB. */
#define MAX_TILE_SIZE     (16 * 1024 * 1024)

struct _GpMbtiles
{
  GObject       parent_instance;

  char         *path;
  char         *format;
  sqlite3      *db;
  sqlite3_stmt *read_tile;
  GMutex        lock;       /* tiles are read from worker threads */
  gboolean      writable;
  gint64        deadline;   /* monotonic µs at which SQLite is stopped; 0: none */
};

G_DEFINE_FINAL_TYPE (GpMbtiles, gp_mbtiles, G_TYPE_OBJECT)

G_DEFINE_QUARK (gp-mbtiles-error-quark, gp_mbtiles_error)

static void
gp_mbtiles_finalize (GObject *object)
{
  GpMbtiles *self = (GpMbtiles *) object;

  g_clear_pointer (&self->read_tile, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->format, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gp_mbtiles_parent_class)->finalize (object);
}

static void
gp_mbtiles_class_init (GpMbtilesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_mbtiles_finalize;
}

static void
gp_mbtiles_init (GpMbtiles *self)
{
  g_mutex_init (&self->lock);
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_CORRUPT,
                 _("the file is damaged (%s)"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else
    g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_FAILED,
                 _("cannot read the file (%s)"), db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* The SQLite header says how long the file must be. */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 header[100];
  gsize n = 0;
  goffset size;
  guint32 page_size, page_count;

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_NOT_FOUND,
                             _("there is no such file"));
      else
        g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_FAILED,
                     _("cannot read the file (%s)"), local_error->message);
      return FALSE;
    }

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  size = info ? g_file_info_get_size (info) : 0;
  if (size == 0)
    {
      g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_NOT_MBTILES,
                           _("the file is empty"));
      return FALSE;
    }

  g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &n, NULL, NULL);
  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      if (n > 0 && memcmp (header, "SQLite format 3", MIN (n, 16)) == 0)
        g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_TRUNCATED,
                             _("the file is truncated"));
      else
        g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_NOT_MBTILES,
                             _("it is not an MBTiles file (not an SQLite database)"));
      return FALSE;
    }

  page_size = (header[16] << 8) | header[17];
  if (page_size == 1)
    page_size = 65536;
  page_count = ((guint32) header[28] << 24) | (header[29] << 16) | (header[30] << 8) | header[31];
  if (page_count > 0 && (guint64) page_size * page_count > (guint64) size)
    {
      g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_TRUNCATED,
                   _("the file is truncated (%lld of %lld bytes)"),
                   (long long) size, (long long) page_size * page_count);
      return FALSE;
    }

  return TRUE;
}

static char *
query_text (sqlite3    *db,
            const char *sql,
            const char *parameter)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  if (parameter != NULL)
    sqlite3_bind_text (stmt, 1, parameter, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return result;
}

static const char *
format_of_data (const guint8 *data,
                gsize         size)
{
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "jpg";
  return NULL;
}

static int
on_progress (gpointer data)
{
  GpMbtiles *self = data;

  return self->deadline != 0 && g_get_monotonic_time () > self->deadline;
}

/* Whether @word occurs in @text (lower case) as a whole SQL word. */
static gboolean
has_word (const char *text,
          const char *word)
{
  gsize length = strlen (word);

  for (const char *at = strstr (text, word); at != NULL; at = strstr (at + 1, word))
    {
      gboolean start = at == text || !(g_ascii_isalnum (at[-1]) || at[-1] == '_');
      gboolean end = !(g_ascii_isalnum (at[length]) || at[length] == '_');

      if (start && end)
        return TRUE;
    }
  return FALSE;
}

/* "tiles" and "metadata" are tables, or (as the spec allows for
 * de-duplicated tiles) plain views over the tables "map" and "images":
 * no recursive or common table expressions, no other table or view, no
 * view of a view. */
static gboolean
check_schema (GpMbtiles  *self,
              GError    **error)
{
  static const char * const allowed[] = { "map", "images", NULL };
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GHashTable) kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) sqls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *needed[] = { "metadata", "tiles" };
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT type, lower(name), lower(sql) FROM sqlite_master "
                                     "WHERE type IN ('table', 'view')", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        const char *name = (const char *) sqlite3_column_text (stmt, 1);

        if (name == NULL)
          continue;
        g_hash_table_insert (kinds, g_strdup (name), g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        g_hash_table_insert (sqls, g_strdup (name), g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
      }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    {
      const char *kind = g_hash_table_lookup (kinds, needed[i]);
      const char *sql = g_hash_table_lookup (sqls, needed[i]);
      GHashTableIter iter;
      gpointer other;

      if (kind == NULL)
        {
          g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_NOT_MBTILES,
                               _("it is not an MBTiles file (no “metadata” and “tiles” tables)"));
          return FALSE;
        }
      if (g_str_equal (kind, "table"))
        continue;

      /* A view: over tables of the spec's layout only. */
      if (sql == NULL || has_word (sql, "with") || has_word (sql, "recursive"))
        goto refused;
      g_hash_table_iter_init (&iter, kinds);
      while (g_hash_table_iter_next (&iter, &other, NULL))
        if (!g_str_equal (other, needed[i]) && has_word (sql, other) &&
            (!g_strv_contains (allowed, other) || !g_str_equal (g_hash_table_lookup (kinds, other), "table")))
          goto refused;
      continue;

refused:
      g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_UNSUPPORTED,
                   _("its “%s” is a view this app does not read; only tables, or views over the tables "
                     "“map” and “images”, are read"), needed[i]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_contents (GpMbtiles  *self,
                gint64      size,
                GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *format = NULL;
  const char *tile_format;
  int rc;

  /* Both tables, or views of that name, as the spec allows. */
  if (!check_schema (self, error))
    return FALSE;

  format = query_text (self->db, "SELECT value FROM metadata WHERE name = 'format'", NULL);
  if (format != NULL && g_ascii_strcasecmp (format, "jpeg") == 0)
    {
      g_free (format);
      format = g_strdup ("jpg");
    }
  if (format != NULL && g_ascii_strcasecmp (format, "png") != 0 && g_ascii_strcasecmp (format, "jpg") != 0)
    {
      g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_UNSUPPORTED,
                   _("its tiles are “%s”; only raster PNG or JPEG tiles can be shown"), format);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->db, "SELECT tile_data FROM tiles LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_NOT_MBTILES,
                           _("the file has no tiles"));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  tile_format = format_of_data (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  if (tile_format == NULL || (format != NULL && !g_str_equal (tile_format, format)))
    {
      g_set_error_literal (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_CORRUPT,
                           _("its tiles are not the PNG or JPEG images it says they are"));
      return FALSE;
    }
  self->format = g_strdup (tile_format);

  if (size <= QUICK_CHECK_LIMIT)
    {
      g_autofree char *check = query_text (self->db, "PRAGMA quick_check", NULL);

      if (g_strcmp0 (check, "ok") != 0)
        {
          g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_CORRUPT,
                       _("the file is damaged (%s)"), check ? check : _("unreadable"));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * gp_mbtiles_open:
 *
 * Opens an MBTiles file to read tiles from, after checking it is one.
 */
GpMbtiles *
gp_mbtiles_open (const char  *path,
                 GError     **error)
{
  g_autoptr(GpMbtiles) self = NULL;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!check_header (path, error))
    return NULL;

  self = g_object_new (GP_TYPE_MBTILES, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 2000);
  /* The file comes from outside: nothing in its schema runs with more
   * trust than plain SQL, expressions stay shallow, a value stays below a
   * tile's size, and every statement has a time budget. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_limit (self->db, SQLITE_LIMIT_EXPR_DEPTH, 100);
  sqlite3_limit (self->db, SQLITE_LIMIT_LENGTH, MAX_TILE_SIZE);
  sqlite3_limit (self->db, SQLITE_LIMIT_COMPOUND_SELECT, 8);
  sqlite3_progress_handler (self->db, 1000, on_progress, self);

  self->deadline = g_get_monotonic_time () + OPEN_BUDGET_US;
  if (g_stat (path, &st) != 0 || !check_contents (self, st.st_size, error))
    return NULL;
  self->deadline = 0;

  return g_steal_pointer (&self);
}

static gboolean
exec (GpMbtiles   *self,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }
  return TRUE;
}

/**
 * gp_mbtiles_create:
 * @format: "png" or "jpg"
 *
 * Opens an MBTiles file to write, keeping what it holds when it is one of
 * ours in that format, starting afresh otherwise.
 */
GpMbtiles *
gp_mbtiles_create (const char  *path,
                   const char  *format,
                   GError     **error)
{
  g_autoptr(GpMbtiles) self = NULL;
  g_autoptr(GpMbtiles) existing = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (g_strcmp0 (format, "png") == 0 || g_strcmp0 (format, "jpg") == 0, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      existing = gp_mbtiles_open (path, NULL);
      if (existing == NULL || !g_str_equal (existing->format, format))
        {
          g_clear_object (&existing);
          if (g_unlink (path) != 0)
            {
              g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_FAILED,
                           _("cannot replace %s"), path);
              return NULL;
            }
        }
      g_clear_object (&existing);
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, GP_MBTILES_ERROR, GP_MBTILES_ERROR_FAILED,
                   _("cannot create the folder %s"), dir);
      return NULL;
    }

  self = g_object_new (GP_TYPE_MBTILES, NULL);
  self->path = g_strdup (path);
  self->format = g_strdup (format);
  self->writable = TRUE;
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  if (!exec (self,
             "CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);"
             "CREATE UNIQUE INDEX IF NOT EXISTS name ON metadata (name);"
             "CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER,"
             "  tile_row INTEGER, tile_data BLOB);"
             "CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);"
             /* What each tile was drawn from; not part of MBTiles, ignored by readers. */
             "CREATE TABLE IF NOT EXISTS gridpatrol_tiles (zoom_level INTEGER NOT NULL,"
             "  tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, digest TEXT NOT NULL,"
             "  PRIMARY KEY (zoom_level, tile_column, tile_row)) WITHOUT ROWID;",
             error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
gp_mbtiles_get_path (GpMbtiles *self)
{
  g_return_val_if_fail (GP_IS_MBTILES (self), NULL);

  return self->path;
}

const char *
gp_mbtiles_get_format (GpMbtiles *self)
{
  g_return_val_if_fail (GP_IS_MBTILES (self), NULL);

  return self->format;
}

char *
gp_mbtiles_dup_metadata (GpMbtiles  *self,
                         const char *name)
{
  char *value;

  g_return_val_if_fail (GP_IS_MBTILES (self), NULL);

  g_mutex_lock (&self->lock);
  value = query_text (self->db, "SELECT value FROM metadata WHERE name = ?1", name);
  g_mutex_unlock (&self->lock);
  return value;
}

gboolean
gp_mbtiles_get_zoom_range (GpMbtiles *self,
                           guint     *min_zoom,
                           guint     *max_zoom)
{
  g_autofree char *min_text = gp_mbtiles_dup_metadata (self, "minzoom");
  g_autofree char *max_text = gp_mbtiles_dup_metadata (self, "maxzoom");
  guint64 low, high;

  if (min_text == NULL || max_text == NULL ||
      !g_ascii_string_to_unsigned (min_text, 10, 0, 30, &low, NULL) ||
      !g_ascii_string_to_unsigned (max_text, 10, low, 30, &high, NULL))
    return FALSE;

  *min_zoom = low;
  *max_zoom = high;
  return TRUE;
}

static gboolean
parse_numbers (const char *text,
               double     *values,
               guint       n)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;

      values[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0')
        return FALSE;
    }
  return TRUE;
}

gboolean
gp_mbtiles_get_bounds (GpMbtiles   *self,
                       GpGeoBounds *bounds)
{
  g_autofree char *text = gp_mbtiles_dup_metadata (self, "bounds");
  double values[4];

  if (!parse_numbers (text, values, 4))
    return FALSE;
  bounds->west = values[0];
  bounds->south = values[1];
  bounds->east = values[2];
  bounds->north = values[3];
  return TRUE;
}

gboolean
gp_mbtiles_get_center (GpMbtiles  *self,
                       GpGeoPoint *center,
                       guint      *zoom)
{
  g_autofree char *text = gp_mbtiles_dup_metadata (self, "center");
  double values[3];

  if (!parse_numbers (text, values, 3))
    return FALSE;
  center->lon = values[0];
  center->lat = values[1];
  if (zoom != NULL)
    *zoom = (guint) CLAMP (values[2], 0, 30);
  return TRUE;
}

/**
 * gp_mbtiles_read_tile:
 * @y: the row as XYZ counts it (0 at the top)
 *
 * Returns: (nullable): the tile's bytes; %NULL without an error when the
 *   file has no such tile
 */
GBytes *
gp_mbtiles_read_tile (GpMbtiles  *self,
                      guint       zoom,
                      guint       x,
                      guint       y,
                      GError    **error)
{
  GBytes *bytes = NULL;
  int rc;

  g_return_val_if_fail (GP_IS_MBTILES (self), NULL);
  g_return_val_if_fail (zoom <= 30, NULL);

  g_mutex_lock (&self->lock);
  if (self->read_tile == NULL)
    sqlite3_prepare_v2 (self->db,
                        "SELECT tile_data FROM tiles "
                        "WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                        -1, &self->read_tile, NULL);
  if (self->read_tile == NULL)
    {
      set_sqlite_error (error, self->db, sqlite3_errcode (self->db));
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  sqlite3_bind_int (self->read_tile, 1, zoom);
  sqlite3_bind_int (self->read_tile, 2, x);
  sqlite3_bind_int (self->read_tile, 3, gp_tile_flip_y (zoom, y));
  self->deadline = self->writable ? 0 : g_get_monotonic_time () + READ_BUDGET_US;
  rc = sqlite3_step (self->read_tile);
  self->deadline = 0;
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (self->read_tile, 0),
                         sqlite3_column_bytes (self->read_tile, 0));
  else if (rc != SQLITE_DONE)
    set_sqlite_error (error, self->db, rc);
  sqlite3_reset (self->read_tile);
  g_mutex_unlock (&self->lock);

  return bytes;
}

gint64
gp_mbtiles_count_tiles (GpMbtiles *self)
{
  g_autofree char *count = NULL;

  g_return_val_if_fail (GP_IS_MBTILES (self), -1);

  g_mutex_lock (&self->lock);
  self->deadline = self->writable ? 0 : g_get_monotonic_time () + COUNT_BUDGET_US;
  count = query_text (self->db, "SELECT count(*) FROM tiles", NULL);
  self->deadline = 0;
  g_mutex_unlock (&self->lock);
  return count ? g_ascii_strtoll (count, NULL, 10) : -1;
}

gboolean
gp_mbtiles_begin (GpMbtiles  *self,
                  GError    **error)
{
  g_return_val_if_fail (GP_IS_MBTILES (self) && self->writable, FALSE);

  return exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
gp_mbtiles_commit (GpMbtiles  *self,
                   GError    **error)
{
  g_return_val_if_fail (GP_IS_MBTILES (self) && self->writable, FALSE);

  return exec (self, "COMMIT", error);
}

void
gp_mbtiles_rollback (GpMbtiles *self)
{
  g_return_if_fail (GP_IS_MBTILES (self) && self->writable);

  exec (self, "ROLLBACK", NULL);
}

static gboolean
run (GpMbtiles     *self,
     sqlite3_stmt  *stmt,
     GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
gp_mbtiles_set_metadata (GpMbtiles   *self,
                         const char  *name,
                         const char  *value,
                         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (GP_IS_MBTILES (self) && self->writable, FALSE);

  if (sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, sqlite3_errcode (self->db));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return run (self, stmt, error);
}

/**
 * gp_mbtiles_write_tile:
 * @y: the row as XYZ counts it (0 at the top); stored as TMS
 * @digest: what the tile was drawn from
 */
gboolean
gp_mbtiles_write_tile (GpMbtiles   *self,
                       guint        zoom,
                       guint        x,
                       guint        y,
                       GBytes      *data,
                       const char  *digest,
                       GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gsize size;
  const void *bytes = g_bytes_get_data (data, &size);
  guint row = gp_tile_flip_y (zoom, y);

  g_return_val_if_fail (GP_IS_MBTILES (self) && self->writable, FALSE);

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) "
                          "VALUES (?1, ?2, ?3, ?4)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, sqlite3_errcode (self->db));
      return FALSE;
    }
  sqlite3_bind_int (stmt, 1, zoom);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, row);
  sqlite3_bind_blob (stmt, 4, bytes, size, SQLITE_TRANSIENT);
  if (!run (self, stmt, error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR REPLACE INTO gridpatrol_tiles (zoom_level, tile_column, tile_row, digest) "
                          "VALUES (?1, ?2, ?3, ?4)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, sqlite3_errcode (self->db));
      return FALSE;
    }
  sqlite3_bind_int (stmt, 1, zoom);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, row);
  sqlite3_bind_text (stmt, 4, digest ? digest : "", -1, SQLITE_TRANSIENT);
  return run (self, stmt, error);
}

char *
gp_mbtiles_dup_tile_digest (GpMbtiles *self,
                            guint      zoom,
                            guint      x,
                            guint      y)
{
  sqlite3_stmt *stmt = NULL;
  char *digest = NULL;

  g_return_val_if_fail (GP_IS_MBTILES (self) && self->writable, NULL);

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT digest FROM gridpatrol_tiles "
                          "WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int (stmt, 1, zoom);
  sqlite3_bind_int (stmt, 2, x);
  sqlite3_bind_int (stmt, 3, gp_tile_flip_y (zoom, y));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    digest = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return digest;
}

/* "z/x/y" with y as XYZ counts it. */
char *
gp_mbtiles_tile_key (guint zoom,
                     guint x,
                     guint y)
{
  return g_strdup_printf ("%u/%u/%u", zoom, x, y);
}

/**
 * gp_mbtiles_delete_tiles_except:
 * @keep: a set of gp_mbtiles_tile_key() strings
 *
 * Removes the tiles not in @keep: what a smaller grid or zoom range no
 * longer covers. Returns how many went.
 */
guint
gp_mbtiles_delete_tiles_except (GpMbtiles   *self,
                                GHashTable  *keep,
                                GError     **error)
{
  typedef struct { guint zoom, column, row; } TileRow;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GArray) doomed = g_array_new (FALSE, FALSE, sizeof (TileRow));
  int rc;

  g_return_val_if_fail (GP_IS_MBTILES (self) && self->writable, 0);

  if (sqlite3_prepare_v2 (self->db, "SELECT zoom_level, tile_column, tile_row FROM tiles",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, sqlite3_errcode (self->db));
      return 0;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TileRow tile = {
        sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 1), sqlite3_column_int (stmt, 2)
      };
      g_autofree char *key = gp_mbtiles_tile_key (tile.zoom, tile.column,
                                                  gp_tile_flip_y (tile.zoom, tile.row));

      if (!g_hash_table_contains (keep, key))
        g_array_append_val (doomed, tile);
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < doomed->len; i++)
    {
      const TileRow *tile = &g_array_index (doomed, TileRow, i);
      const char *sqls[] = {
        "DELETE FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
        "DELETE FROM gridpatrol_tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
      };

      for (guint s = 0; s < G_N_ELEMENTS (sqls); s++)
        {
          if (sqlite3_prepare_v2 (self->db, sqls[s], -1, &stmt, NULL) != SQLITE_OK)
            {
              set_sqlite_error (error, self->db, sqlite3_errcode (self->db));
              return 0;
            }
          sqlite3_bind_int (stmt, 1, tile->zoom);
          sqlite3_bind_int (stmt, 2, tile->column);
          sqlite3_bind_int (stmt, 3, tile->row);
          if (!run (self, stmt, error))
            return 0;
        }
    }

  return doomed->len;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GpMbtiles *mbtiles = gp_mbtiles_open (task_data, &error);

  if (mbtiles == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, mbtiles, g_object_unref);
}

/**
 * gp_mbtiles_open_async:
 *
 * gp_mbtiles_open() in a worker thread: opening reads and checks the file.
 */
void
gp_mbtiles_open_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_mbtiles_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  gp_worker_run (task, open_thread);
}

GpMbtiles *
gp_mbtiles_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
