/* gp-test-pouchdb.h — a real PouchDB Server on 127.0.0.1 for the sync tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-couch.h"
#include "gp-store.h"

G_BEGIN_DECLS

#define GP_TEST_POUCHDB_ADMIN          "admin"
#define GP_TEST_POUCHDB_ADMIN_PASSWORD "admin-secret"

typedef struct _GpTestPouchdb GpTestPouchdb;

void           gp_test_pouchdb_require   (void);
GpTestPouchdb *gp_test_pouchdb_start     (void);
void           gp_test_pouchdb_stop      (GpTestPouchdb *server);
const char    *gp_test_pouchdb_get_url   (GpTestPouchdb *server);
GpCouch       *gp_test_pouchdb_get_admin (GpTestPouchdb *server);
GpCouch       *gp_test_pouchdb_login     (GpTestPouchdb *server,
                                          const char    *name,
                                          const char    *password) G_GNUC_WARN_UNUSED_RESULT;
JsonNode      *gp_test_pouchdb_admin     (GpTestPouchdb *server,
                                          const char    *method,
                                          const char    *path,
                                          const char    *json);
double         gp_test_pouchdb_get_cpu_seconds (GpTestPouchdb *server);
gint64         gp_test_pouchdb_doc_count (GpTestPouchdb *server,
                                          const char    *database);
char          *gp_test_pouchdb_add_grid  (GpTestPouchdb *server,
                                          const char    *grid) G_GNUC_WARN_UNUSED_RESULT;
void           gp_test_pouchdb_add_user  (GpTestPouchdb *server,
                                          const char    *name,
                                          const char    *password,
                                          const char    *role,
                                          ...) G_GNUC_NULL_TERMINATED;

/* The centre's server and two phones of one grid, a worker's and a
 * leader's: the fixture the replicator's and the centre's tests share.
 * It makes nothing on the server; each test provisions the grid the way
 * it tests (gp_test_pouchdb_add_grid() and users, or gridpatrolctl). */
typedef struct
{
  GpTestPouchdb *server;
  char          *database;     /* the grid's, by name */
  char          *centre_dir;   /* the centre's own data folder */
  char          *worker_dir;
  char          *leader_dir;
  GpStore       *worker;
  GpStore       *leader;
} GpTestGrid;

void           gp_test_grid_set_up       (GpTestGrid    *fixture,
                                          const char    *grid);
void           gp_test_grid_tear_down    (GpTestGrid    *fixture);

guint16        gp_test_free_port         (void);
char          *gp_test_run_pouchdb_js    (const char    *command,
                                          const char    *url,
                                          const char    *arg) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
