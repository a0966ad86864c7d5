/* gp-centre.c
 *
 * What the grid centre's administrator does once per grid, as the
 * server's admin: create the grid's database, give it `_security` members
 * for the grid's roles, install the design document whose
 * `validate_doc_update` (data/centre/) enforces who may write what, create
 * or update the users with their grid roles, and optionally upload the grid
 * package (grid, policy, buildings, households, lanes, components, routes)
 * from a local store, revisions and history kept. Running it again
 * updates what is there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-centre"

#include "config.h"

#include "gp-centre.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-sync-resources.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The rules as shipped in data/centre/validate_doc_update.js. */
GBytes *
gp_centre_dup_rules (void)
{
  /* Named, so that the linker keeps the resource in the static library. */
  g_resources_register (gp_sync_get_resource ());
  return g_resources_lookup_data ("/org/example/GridPatrol/sync/validate_doc_update.js",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

static JsonNode *
parse (const char *json)
{
  return json_from_string (json, NULL);
}

/* The current revision of @path, or NULL when there is none yet. */
static char *
dup_current_rev (GpCouch       *admin,
                 const char    *path,
                 JsonObject   **current,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) reply = gp_couch_request (admin, "GET", path, NULL, NULL, cancellable, &local_error);

  if (reply == NULL)
    {
      if (!g_error_matches (local_error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (reply))
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY, _("The grid centre’s reply is not a document"));
      return NULL;
    }
  if (current != NULL)
    *current = json_object_ref (json_node_get_object (reply));
  return g_strdup (gp_json_get_string (json_node_get_object (reply), "_rev"));
}

static gboolean
put_object (GpCouch       *admin,
            const char    *path,
            JsonObject    *object,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autoptr(JsonNode) reply = gp_couch_request (admin, "PUT", path, node, NULL, cancellable, error);

  return reply != NULL;
}

static gboolean
set_up_user (GpCouch             *admin,
             const char          *grid_code,
             const GpCentreUser  *user,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree char *id = g_strconcat ("org.couchdb.user:", user->name, NULL);
  g_autofree char *escaped = gp_couch_escape_id (id);
  g_autofree char *path = g_strconcat ("/_users/", escaped, NULL);
  g_autofree char *role = g_str_equal (user->role, "centre") ? g_strdup ("centre")
                                                              : g_strdup_printf ("grid:%s:%s", grid_code, user->role);
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *rev = dup_current_rev (admin, path, &current, cancellable, &local_error);
  g_autoptr(JsonObject) doc = json_object_new ();
  JsonArray *roles = json_array_new ();
  JsonArray *old_roles = gp_json_get_array (current, "roles");

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      json_array_unref (roles);
      return FALSE;
    }
  /* Roles in other grids stay. */
  for (guint i = 0; old_roles != NULL && i < json_array_get_length (old_roles); i++)
    {
      const char *old = json_array_get_string_element (old_roles, i);

      if (old != NULL && g_strcmp0 (old, role) != 0)
        json_array_add_string_element (roles, old);
    }
  json_array_add_string_element (roles, role);
  json_object_set_string_member (doc, "_id", id);
  if (rev != NULL)
    json_object_set_string_member (doc, "_rev", rev);
  json_object_set_string_member (doc, "type", "user");
  json_object_set_string_member (doc, "name", user->name);
  json_object_set_string_member (doc, "password", user->password);
  json_object_set_array_member (doc, "roles", roles);
  return put_object (admin, path, doc, cancellable, error);
}

/* The grid package's documents, as stored, with their history. */
static gboolean
upload_package (GpCouch       *admin,
                const char    *db_path,
                GpStore       *store,
                const char    *grid_code,
                guint         *count,
                GCancellable  *cancellable,
                GError       **error)
{
  const char *types[] = { "grid", "policy", "building", "household", "lane", "component", "route" };
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autofree char *bulk_path = g_strconcat (db_path, "/_bulk_docs", NULL);

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      /* Policies are shared by grids: all of them go. A grid document
       * names itself by its code, not in "grid". */
      gboolean by_grid = !g_str_equal (types[t], "policy") && !g_str_equal (types[t], "grid");
      g_autoptr(GPtrArray) listed = gp_store_list (store, types[t], by_grid ? grid_code : NULL, error);
      g_autofree char *grid_id = g_strconcat ("grid:", grid_code, NULL);

      if (listed == NULL)
        return FALSE;
      for (guint i = 0; i < listed->len; i++)
        {
          const char *id = gp_json_get_string (g_ptr_array_index (listed, i), "_id");
          JsonObject *doc;

          if (g_str_equal (types[t], "grid") && g_strcmp0 (id, grid_id) != 0)
            continue;
          doc = gp_store_get (store, id, GP_STORE_GET_REVISIONS, error);

          if (doc == NULL)
            return FALSE;
          json_array_add_object_element (docs, doc);
        }
    }
  if (json_array_get_length (docs) == 0)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("The data folder has no grid %s"), grid_code);
      return FALSE;
    }

  for (guint start = 0; start < json_array_get_length (docs); start += 200)
    {
      g_autoptr(JsonObject) request = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) reply = NULL;
      JsonArray *batch = json_array_new ();

      for (guint i = start; i < MIN (start + 200, json_array_get_length (docs)); i++)
        json_array_add_element (batch, json_node_copy (json_array_get_element (docs, i)));
      json_object_set_array_member (request, "docs", batch);
      json_object_set_boolean_member (request, "new_edits", FALSE);
      node = json_node_init_object (json_node_alloc (), request);
      reply = gp_couch_request (admin, "POST", bulk_path, node, NULL, cancellable, error);
      if (reply == NULL)
        return FALSE;
      for (guint i = 0; JSON_NODE_HOLDS_ARRAY (reply) && i < json_array_get_length (json_node_get_array (reply)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (reply), i);
          JsonObject *result = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

          if (gp_json_get_string (result, "error") != NULL)
            {
              g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN, _("The grid centre refused %s: %s"),
                           gp_json_get_string (result, "id"), gp_json_get_string (result, "reason"));
              return FALSE;
            }
        }
    }
  *count = json_array_get_length (docs);
  return TRUE;
}

/**
 * gp_centre_setup:
 * @admin: logged in as the server's admin
 * @users: (array length=n_users): accounts to create or update
 * @store: (nullable): a data folder whose grid package to upload
 *
 * Sets up, or brings up to date, the grid's database on the centre.
 */
gboolean
gp_centre_setup (GpCouch        *admin,
                 const char     *grid_code,
                 GpCentreUser   *users,
                 guint           n_users,
                 GpStore        *store,
                 GpCentreSetup  *result,
                 GCancellable   *cancellable,
                 GError        **error)
{
  g_autofree char *database = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *security_path = NULL;
  g_autofree char *design_path = NULL;
  g_autofree char *design_rev = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) security = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) design = json_object_new ();
  g_autoptr(GBytes) rules = gp_centre_dup_rules ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *security_json = NULL;
  guint status = 0;

  g_return_val_if_fail (GP_IS_COUCH (admin), FALSE);
  g_return_val_if_fail (grid_code != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  database = gp_replication_database_name (grid_code);
  db_path = g_strconcat ("/", database, NULL);

  /* The database: new, or already there. */
  created = gp_couch_request (admin, "PUT", db_path, NULL, &status, cancellable, &local_error);
  if (created == NULL && status != 412)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);
  result->created = created != NULL;

  /* Members: the grid's roles and the centre. */
  security_json = g_strdup_printf ("{\"admins\": {\"names\": [], \"roles\": []}, "
                                   "\"members\": {\"names\": [], \"roles\": [\"grid:%s:worker\", \"grid:%s:leader\", "
                                   "\"centre\"]}}", grid_code, grid_code);
  security = parse (security_json);
  security_path = g_strconcat (db_path, "/_security", NULL);
  reply = gp_couch_request (admin, "PUT", security_path, security, NULL, cancellable, error);
  if (reply == NULL)
    return FALSE;

  /* The rules. */
  design_path = g_strconcat (db_path, "/", GP_CENTRE_DESIGN_ID, NULL);
  design_rev = dup_current_rev (admin, design_path, NULL, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  json_object_set_string_member (design, "_id", GP_CENTRE_DESIGN_ID);
  if (design_rev != NULL)
    json_object_set_string_member (design, "_rev", design_rev);
  json_object_set_string_member (design, "language", "javascript");
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (rules, NULL), g_bytes_get_size (rules));

    json_object_set_string_member (design, "validate_doc_update", text);
  }
  if (!put_object (admin, design_path, design, cancellable, error))
    return FALSE;

  for (guint i = 0; i < n_users; i++)
    {
      if (!set_up_user (admin, grid_code, &users[i], cancellable, error))
        return FALSE;
      result->users++;
    }

  if (store != NULL && !upload_package (admin, db_path, store, grid_code, &result->documents, cancellable, error))
    return FALSE;
  return TRUE;
}
