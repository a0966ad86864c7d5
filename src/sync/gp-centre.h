/* gp-centre.h — setting up a grid's database on the centre (provisioning).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-couch.h"
#include "gp-store.h"

G_BEGIN_DECLS

#define GP_CENTRE_DESIGN_ID "_design/gridpatrol"

typedef struct
{
  const char *name;
  const char *password;
  const char *role;       /* "worker", "leader" or "centre" */
} GpCentreUser;

typedef struct
{
  gboolean created;       /* the database is new */
  guint    users;
  guint    documents;     /* of the grid package uploaded */
} GpCentreSetup;

GBytes   *gp_centre_dup_rules (void);
gboolean  gp_centre_setup     (GpCouch        *admin,
                               const char     *grid_code,
                               GpCentreUser   *users,
                               guint           n_users,
                               GpStore        *store,
                               GpCentreSetup  *result,
                               GCancellable   *cancellable,
                               GError        **error);

G_END_DECLS
