/* gp-test-pouchdb.h — a real PouchDB Server on 127.0.0.1 for the sync tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-couch.h"

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
char          *gp_test_pouchdb_add_grid  (GpTestPouchdb *server,
                                          const char    *grid) G_GNUC_WARN_UNUSED_RESULT;
void           gp_test_pouchdb_add_user  (GpTestPouchdb *server,
                                          const char    *name,
                                          const char    *password,
                                          const char    *role,
                                          ...) G_GNUC_NULL_TERMINATED;

guint16        gp_test_free_port         (void);
char          *gp_test_run_pouchdb_js    (const char    *command,
                                          const char    *url,
                                          const char    *arg) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
