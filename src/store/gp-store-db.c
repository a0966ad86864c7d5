/* gp-store-db.c — connections, statements, errors and migrations.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-store"

#include "config.h"

#include "gp-store-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/* The schema grows by appending to this list; a migration is never edited
 * once released, but to hand a table over to the layer that owns it (then
 * it becomes a no-op, and the owner's schema makes the table when it is
 * not there). Each runs in its own transaction and sets user_version. */
static const char * const migrations[] = {
  /* 1 — documents, their revision trees and attachments. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value"
  ") WITHOUT ROWID;"
  "INSERT INTO meta (key, value) VALUES ('update_seq', 0);"
  /* One row a document: its winning revision, as readers want it. */
  "CREATE TABLE docs ("
  "  doc_id  INTEGER PRIMARY KEY,"
  "  id      TEXT NOT NULL UNIQUE,"
  "  rev     TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  seq     INTEGER NOT NULL UNIQUE,"
  "  body    TEXT NOT NULL CHECK (json_valid (body))"
  ");"
  /* Every known revision; bodies are kept for leaves only. */
  "CREATE TABLE revs ("
  "  doc_id  INTEGER NOT NULL REFERENCES docs (doc_id) ON DELETE CASCADE,"
  "  pos     INTEGER NOT NULL CHECK (pos > 0),"
  "  hash    TEXT NOT NULL,"
  "  parent  TEXT,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  leaf    INTEGER NOT NULL DEFAULT 1 CHECK (leaf IN (0, 1)),"
  "  seq     INTEGER NOT NULL,"
  "  body    TEXT CHECK (body IS NULL OR json_valid (body)),"
  "  PRIMARY KEY (doc_id, pos, hash)"
  ") WITHOUT ROWID;"
  "CREATE INDEX revs_leaves ON revs (doc_id) WHERE leaf = 1;"
  /* Attachment bytes, one file a digest, shared by every revision using it. */
  "CREATE TABLE blobs ("
  "  digest TEXT PRIMARY KEY NOT NULL,"
  "  length INTEGER NOT NULL CHECK (length >= 0)"
  ") WITHOUT ROWID;"
  "CREATE TABLE attachments ("
  "  doc_id       INTEGER NOT NULL,"
  "  pos          INTEGER NOT NULL,"
  "  hash         TEXT NOT NULL,"
  "  name         TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  digest       TEXT NOT NULL REFERENCES blobs (digest),"
  "  length       INTEGER NOT NULL,"
  "  revpos       INTEGER NOT NULL,"
  "  PRIMARY KEY (doc_id, pos, hash, name),"
  "  FOREIGN KEY (doc_id, pos, hash) REFERENCES revs (doc_id, pos, hash) ON DELETE CASCADE"
  ") WITHOUT ROWID;"
  "CREATE INDEX attachments_digest ON attachments (digest);",

  /* 2 — typed queries: the type and grid of a document as indexed columns,
   * so lists, maps and dashboards never read every document. */
  "ALTER TABLE docs ADD COLUMN type TEXT"
  "  GENERATED ALWAYS AS (json_extract (body, '$.type')) VIRTUAL;"
  "ALTER TABLE docs ADD COLUMN grid TEXT"
  "  GENERATED ALWAYS AS (json_extract (body, '$.grid')) VIRTUAL;"
  "CREATE INDEX docs_by_type ON docs (type, grid, id) WHERE deleted = 0;",

  /* 3 — what a document belongs to, indexed: a building's households and
   * incidents, a household's visits, an incident's events. */
  "ALTER TABLE docs ADD COLUMN building TEXT"
  "  GENERATED ALWAYS AS (json_extract (body, '$.building')) VIRTUAL;"
  "ALTER TABLE docs ADD COLUMN household TEXT"
  "  GENERATED ALWAYS AS (json_extract (body, '$.household')) VIRTUAL;"
  "ALTER TABLE docs ADD COLUMN incident TEXT"
  "  GENERATED ALWAYS AS (json_extract (body, '$.incident')) VIRTUAL;"
  "CREATE INDEX docs_by_building ON docs (type, building, id) WHERE deleted = 0 AND building IS NOT NULL;"
  "CREATE INDEX docs_by_household ON docs (type, household, id) WHERE deleted = 0 AND household IS NOT NULL;"
  "CREATE INDEX docs_by_incident ON docs (type, incident, id) WHERE deleted = 0 AND incident IS NOT NULL;",

  /* 4 — handed over: the track points of a running patrol are the
   * patrols' own table (gp-recorded-track.c), made through
   * gp_store_add_table() when it is not there. */
  "SELECT 1;",

  /* 5 — CouchDB's local documents (`_local/…`): replication checkpoints.
   * Not revisioned, not in the change feed, never replicated. */
  "CREATE TABLE local_docs ("
  "  id   TEXT PRIMARY KEY,"
  "  body TEXT NOT NULL"
  ") WITHOUT ROWID;",

  /* 6 — handed over: the case table is the case index's own
   * (gp-case-index.c), made through gp_store_add_table(). */
  "SELECT 1;",

  /* 7 — what the layers above may use (gp-store-table.h): the registry of
   * the tables they keep here, with the version of each and the update
   * sequence it is current to, and a view of the documents to query. A
   * store made before this keeps the case index's progress. */
  "CREATE TABLE tables ("
  "  name    TEXT PRIMARY KEY NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  seq     INTEGER NOT NULL DEFAULT 0"
  ") WITHOUT ROWID;"
  "INSERT INTO tables (name, version, seq) SELECT 'cases', 0, value FROM meta WHERE key = 'cases_seq';"
  "DELETE FROM meta WHERE key = 'cases_seq';"
  "CREATE VIEW documents AS"
  "  SELECT id, seq, deleted, type, grid, building, household, incident, body FROM docs;",

  /* 8 — photos on demand: a blob may be known by its digest and length
   * before its bytes are here (a revision received with the stub only);
   * `here` says whether its file is. */
  "ALTER TABLE blobs ADD COLUMN here INTEGER NOT NULL DEFAULT 1 CHECK (here IN (0, 1));",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == GP_STORE_SCHEMA_VERSION);

G_DEFINE_QUARK (gp-store-error-quark, gp_store_error)

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

int
gp_db_migration_count (void)
{
  return G_N_ELEMENTS (migrations);
}

void
gp_db_set_error (GpDb    *db,
                 int      rc,
                 GError **error)
{
  GpStoreError code;
  const char *detail = db && db->handle ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = GP_STORE_ERROR_BUSY;
      break;
    case SQLITE_FULL:
      code = GP_STORE_ERROR_FULL;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = GP_STORE_ERROR_CORRUPT;
      break;
    case SQLITE_CONSTRAINT:
      code = GP_STORE_ERROR_CONSTRAINT;
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = GP_STORE_ERROR_IO;
      break;
    default:
      code = GP_STORE_ERROR_FAILED;
      break;
    }

  switch (code)
    {
    case GP_STORE_ERROR_BUSY:
      g_set_error (error, GP_STORE_ERROR, code, _("The store is busy (%s)"), detail);
      break;
    case GP_STORE_ERROR_FULL:
      g_set_error_literal (error, GP_STORE_ERROR, code, _("The disk is full"));
      break;
    case GP_STORE_ERROR_CORRUPT:
      g_set_error (error, GP_STORE_ERROR, code,
                   _("The store is damaged or is not a GridPatrol store (%s)"), detail);
      break;
    default:
      g_set_error (error, GP_STORE_ERROR, code, _("Store error: %s"), detail);
      break;
    }
}

GpDb *
gp_db_open (const char  *path,
            GpDbMode     mode,
            GError     **error)
{
  g_autofree GpDb *db = g_new0 (GpDb, 1);
  int flags = SQLITE_OPEN_NOMUTEX;
  int rc;

  flags |= mode == GP_DB_READ_ONLY ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &db->handle, flags, NULL);
  if (rc != SQLITE_OK)
    {
      gp_db_set_error (db, rc, error);
      sqlite3_close (db->handle);
      return NULL;
    }

  sqlite3_extended_result_codes (db->handle, TRUE);
  sqlite3_busy_timeout (db->handle, 5000);
  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          finalize_statement);
  g_rec_mutex_init (&db->lock);

  if (mode == GP_DB_READ_ONLY && !gp_db_exec (db, "PRAGMA query_only = ON", error))
    {
      gp_db_close (g_steal_pointer (&db));
      return NULL;
    }

  return g_steal_pointer (&db);
}

void
gp_db_close (GpDb *db)
{
  if (db == NULL)
    return;

  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (sqlite3_close (db->handle) != SQLITE_OK)
    g_warning ("Closing the store left statements open: %s", sqlite3_errmsg (db->handle));
  g_rec_mutex_clear (&db->lock);
  g_free (db);
}

/* Statements are keyed by a copy of their SQL text, so each is compiled
 * once per connection; queries built at run time (the area's figures,
 * with their grids) are kept the same way. */
GpDbStmt *
gp_db_prepare (GpDb        *db,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      gp_db_set_error (db, rc, error);
      return NULL;
    }

  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

/* Binds a revision's key, (doc_id, pos, hash), to parameters ?1, ?2, ?3. */
void
gp_db_bind_revision (GpDbStmt   *stmt,
                     gint64      doc_id,
                     guint       pos,
                     const char *hash)
{
  sqlite3_bind_int64 (stmt, 1, doc_id);
  sqlite3_bind_int (stmt, 2, pos);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_TRANSIENT);
}

void
gp_db_stmt_release (GpDbStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
gp_db_exec (GpDb        *db,
            const char  *sql,
            GError     **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      gp_db_set_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
gp_db_step (GpDb      *db,
            GpDbStmt  *stmt,
            gboolean  *have_row,
            GError   **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      *have_row = TRUE;
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *have_row = FALSE;
      return TRUE;
    }

  gp_db_set_error (db, rc, error);
  return FALSE;
}

gboolean
gp_db_step_done (GpDb      *db,
                 GpDbStmt  *stmt,
                 GError   **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;

  gp_db_set_error (db, rc, error);
  return FALSE;
}

int
gp_db_get_user_version (GpDb    *db,
                        GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      gp_db_set_error (db, rc, error);
      return -1;
    }
  return sqlite3_column_int (stmt, 0);
}

gboolean
gp_db_migrate (GpDb    *db,
               int      target,
               GError **error)
{
  int version = gp_db_get_user_version (db, error);

  if (version < 0)
    return FALSE;

  g_return_val_if_fail (target <= (int) G_N_ELEMENTS (migrations), FALSE);

  while (version < target)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!gp_db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!gp_db_exec (db, migrations[version], error) ||
          !gp_db_exec (db, set_version, error) ||
          !gp_db_exec (db, "COMMIT", error))
        {
          g_prefix_error (error, _("Upgrading the store to version %d failed: "), version + 1);
          gp_db_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      g_debug ("Store upgraded to schema version %d", version + 1);
      version++;
    }

  return TRUE;
}
