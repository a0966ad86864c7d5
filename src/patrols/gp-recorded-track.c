/* gp-recorded-track.c — the track of the patrol being recorded.
 *
 * Its points are kept a few at a time, so that a crash loses seconds, not
 * the walk, in a table of the patrols' own in the store's database. They
 * are the device's: never replicated, dropped when the finished patrol's
 * document takes the track.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-recorded-track"

#include "config.h"

#include "gp-recorded-track.h"
#include "gp-store-table.h"

static const char * const track_versions[] = {
  /* 1 — as the store made it before the table was the patrols' own. */
  "CREATE TABLE IF NOT EXISTS track_points ("
  "  patrol   TEXT NOT NULL,"
  "  time     INTEGER NOT NULL,"
  "  lat      REAL NOT NULL,"
  "  lon      REAL NOT NULL,"
  "  accuracy REAL NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (patrol, time)"
  ") WITHOUT ROWID;",
  NULL
};

static const GpStoreTable track_table = { "track_points", track_versions };

/**
 * gp_recorded_track_append:
 * @fixes: (element-type GpFix): track points, by time
 *
 * Adds track points of a running patrol in one small transaction. They are
 * the device's own: never replicated, dropped when the patrol's document
 * takes the track.
 */
gboolean
gp_recorded_track_append (GpStore     *store,
                       const char  *patrol_id,
                       GArray      *fixes,
                       GError     **error)
{
  GpDb *writer = gp_store_get_writer (store);
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  if (!gp_store_add_table (store, &track_table, error))
    return FALSE;
  g_return_val_if_fail (patrol_id != NULL, FALSE);

  if (fixes->len == 0)
    return TRUE;
  gp_db_lock (writer);
  if (!gp_db_exec (writer, "BEGIN IMMEDIATE", error))
    {
      gp_db_unlock (writer);
      return FALSE;
    }
  stmt = gp_db_prepare (writer,
                        "INSERT OR REPLACE INTO track_points (patrol, time, lat, lon, accuracy) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  for (guint i = 0; ok && stmt != NULL && i < fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (fixes, GpFix, i);

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, patrol_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, fix->time);
      sqlite3_bind_double (stmt, 3, fix->latitude);
      sqlite3_bind_double (stmt, 4, fix->longitude);
      sqlite3_bind_double (stmt, 5, fix->accuracy);
      ok = gp_db_step_done (writer, stmt, error);
    }
  if (stmt == NULL)
    ok = FALSE;
  g_clear_pointer (&stmt, gp_db_stmt_release);
  if (!ok)
    {
      gp_db_exec (writer, "ROLLBACK", NULL);
      gp_db_unlock (writer);
      return FALSE;
    }
  if (!gp_db_exec (writer, "COMMIT", error))
    {
      gp_db_exec (writer, "ROLLBACK", NULL);
      gp_db_unlock (writer);
      return FALSE;
    }
  gp_db_unlock (writer);
  return TRUE;
}

/**
 * gp_recorded_track_load:
 *
 * Returns: (transfer full) (element-type GpFix): the points kept for a
 *   patrol, by time; empty when there are none
 */
GArray *
gp_recorded_track_load (GpStore     *store,
                     const char  *patrol_id,
                     GError     **error)
{
  GpDb *reader = gp_store_get_reader (store);
  g_autoptr(GpDbStmt) stmt = NULL;
  g_autoptr(GArray) fixes = g_array_new (FALSE, TRUE, sizeof (GpFix));
  g_autoptr(GError) local_error = NULL;
  gboolean row = FALSE;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);
  if (!gp_store_add_table (store, &track_table, error))
    return NULL;

  gp_db_lock (reader);
  stmt = gp_db_prepare (reader,
                        "SELECT time, lat, lon, accuracy FROM track_points WHERE patrol = ?1 ORDER BY time",
                        &local_error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, patrol_id, -1, SQLITE_TRANSIENT);
      while (gp_db_step (reader, stmt, &row, &local_error) && row)
        {
          GpFix fix = { 0 };

          fix.time = sqlite3_column_int64 (stmt, 0);
          fix.latitude = sqlite3_column_double (stmt, 1);
          fix.longitude = sqlite3_column_double (stmt, 2);
          fix.accuracy = sqlite3_column_double (stmt, 3);
          g_array_append_val (fixes, fix);
        }
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  gp_db_unlock (reader);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&fixes);
}

gboolean
gp_recorded_track_drop (GpStore     *store,
                     const char  *patrol_id,
                     GError     **error)
{
  GpDb *writer = gp_store_get_writer (store);
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  if (!gp_store_add_table (store, &track_table, error))
    return FALSE;

  gp_db_lock (writer);
  stmt = gp_db_prepare (writer, "DELETE FROM track_points WHERE patrol = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, patrol_id, -1, SQLITE_TRANSIENT);
      ok = gp_db_step_done (writer, stmt, error);
    }
  g_clear_pointer (&stmt, gp_db_stmt_release);
  gp_db_unlock (writer);
  return ok;
}
