/* gp-store-table.h — what the store offers the layers that keep tables of
 * their own in its database: the case index, the track of a running patrol.
 *
 * A layer registers its table with gp_store_add_table(): a name and the
 * SQL that brings it from one version to the next, run once each, in a
 * write transaction. A derived table (one that can be made again from the
 * documents) records the update sequence it is current to with
 * gp_store_set_table_seq(). Queries see the documents through one view:
 *
 *   documents (id, seq, deleted, type, grid, building, household, incident, body)
 *
 * each document at its winning revision, deleted ones included (deleted
 * = 1); `body` is its JSON. Nothing else of the store's layout is theirs
 * to read or write. Writes from the app go through gp_store_run_write(),
 * in order with the documents' own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "gp-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char         *name;
  const char * const *versions;   /* NULL-terminated: the SQL of version 1, 2, … */
} GpStoreTable;

/* One of the store's two connections, each used by one thread at a time:
 * hold its lock around a statement's whole use. */
typedef struct _GpDb GpDb;

/* A cached statement on loan: it goes back reset and unbound when the
 * variable goes out of scope, so no read transaction is left open. */
typedef sqlite3_stmt GpDbStmt;
void gp_db_stmt_release (GpDbStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpDbStmt, gp_db_stmt_release)

gboolean   gp_store_add_table      (GpStore            *self,
                                    const GpStoreTable *table,
                                    GError            **error);
gint64     gp_store_get_table_seq  (GpStore            *self,
                                    const char         *name,
                                    GError            **error);
gboolean   gp_store_set_table_seq  (GpStore            *self,
                                    const char         *name,
                                    gint64              seq,
                                    GError            **error);
void       gp_store_run_write      (GpStore            *self,
                                    GTask              *task,
                                    GTaskThreadFunc     func);
GpDb      *gp_store_get_reader     (GpStore            *self);
GpDb      *gp_store_get_writer     (GpStore            *self);

void       gp_db_lock              (GpDb        *db);
void       gp_db_unlock            (GpDb        *db);
GpDbStmt  *gp_db_prepare           (GpDb        *db,
                                    const char  *sql,
                                    GError     **error);
gboolean   gp_db_exec              (GpDb        *db,
                                    const char  *sql,
                                    GError     **error);
gboolean   gp_db_step              (GpDb        *db,
                                    GpDbStmt    *stmt,
                                    gboolean    *have_row,
                                    GError     **error);
gboolean   gp_db_step_done         (GpDb        *db,
                                    GpDbStmt    *stmt,
                                    GError     **error);
void       gp_db_set_error         (GpDb        *db,
                                    int          rc,
                                    GError     **error);

G_END_DECLS
