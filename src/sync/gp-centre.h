/* gp-centre.h — setting up a grid's database on the centre (provisioning).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-couch.h"
#include "gp-store.h"

G_BEGIN_DECLS

#define GP_CENTRE_DESIGN_ID "_design/gridpatrol"

/* The version of the rules `centre setup` installs, in the design
 * document's "gridpatrol_rules": from 2, they take a photo's thumbnail
 * inside its entry ("thumbnail_data"). */
#define GP_CENTRE_RULES_VERSION 2

typedef struct
{
  const char *name;
  const char *password;
  const char *role;       /* "worker", "leader" or "centre" */
} GpCentreUser;

typedef enum
{
  GP_CENTRE_SETUP_NONE        = 0,
  /* The server is a test: set the grid up even if it cannot protect
   * residents' data, and say what it lets through. */
  GP_CENTRE_SETUP_TEST_SERVER = 1 << 0,
} GpCentreSetupFlags;

typedef struct
{
  gboolean   created;     /* the database is new */
  guint      users;
  guint      documents;   /* of the grid package uploaded */
  char      *server;      /* "CouchDB 3.3.3", "PouchDB Server 4.2.0"… */
  GPtrArray *holes;       /* char *: what the server lets anyone do, in words */
} GpCentreSetup;

char     *gp_centre_dup_rules   (const char         *grid_code) G_GNUC_WARN_UNUSED_RESULT;
gboolean  gp_centre_setup       (GpCouch            *admin,
                                 const char         *grid_code,
                                 GpCentreUser       *users,
                                 guint               n_users,
                                 GpStore            *store,
                                 GpCentreSetupFlags  flags,
                                 GpCentreSetup      *result,
                                 GCancellable       *cancellable,
                                 GError            **error);
void      gp_centre_setup_clear (GpCentreSetup      *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GpCentreSetup, gp_centre_setup_clear)

G_END_DECLS
