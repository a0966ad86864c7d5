/* gp-centre.c
 *
 * What the grid centre's administrator does once per grid, as the
 * server's admin: create the grid's database, give it `_security` members
 * for the grid's roles, install the design document whose
 * `validate_doc_update` (data/centre/) enforces who may write what, create
 * or update the users with their grid roles, and optionally upload the grid
 * package (grid, policy, directory, buildings, households, lanes, components,
 * routes)
 * from a local store, revisions and history kept, then list the grid's
 * people in its directory. Running it again updates what is there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-centre"

#include "config.h"

#include "gp-centre.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-sync-resources.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Whether @code can be written into the rules and a database name as it
 * is: letters, digits, "-" and "_". */
static gboolean
is_grid_code (const char *code)
{
  if (code == NULL || *code == '\0' || strlen (code) > 64)
    return FALSE;
  for (const char *c = code; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}

/**
 * gp_centre_dup_rules:
 * @grid_code: the grid whose database the rules are for
 *
 * The rules as shipped in data/centre/validate_doc_update.js, with the
 * grid's code written in: a database's rules know its grid.
 */
char *
gp_centre_dup_rules (const char *grid_code)
{
  g_autoptr(GBytes) rules = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) pieces = NULL;

  g_return_val_if_fail (is_grid_code (grid_code), NULL);

  /* Named, so that the linker keeps the resource in the static library. */
  g_resources_register (gp_sync_get_resource ());
  rules = g_resources_lookup_data ("/org/example/GridPatrol/sync/validate_doc_update.js",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  text = g_strndup (g_bytes_get_data (rules, NULL), g_bytes_get_size (rules));
  pieces = g_strsplit (text, "@GRID_CODE@", -1);
  return g_strjoinv (grid_code, pieces);
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

/* What kind of server @admin talks to: "CouchDB 3.3.3", "PouchDB Server
 * 4.2.0", or what it calls itself. *couchdb: whether it is CouchDB. */
static char *
identify_server (GpCouch       *admin,
                 gboolean      *couchdb,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(JsonNode) reply = gp_couch_request (admin, "GET", "/", NULL, NULL, cancellable, error);
  JsonObject *root = reply && JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  const char *version = gp_json_get_string (root, "version");
  JsonObject *vendor = gp_json_get_object (root, "vendor");

  *couchdb = FALSE;
  if (reply == NULL)
    return NULL;
  if (gp_json_get_string (root, "express-pouchdb") != NULL)
    return g_strdup_printf ("PouchDB Server %s", version ? version : "");
  if (gp_json_get_string (root, "couchdb") != NULL)
    {
      *couchdb = TRUE;
      return g_strdup_printf ("CouchDB %s", version ? version : "");
    }
  return g_strdup_printf ("%s %s", gp_json_get_string (vendor, "name") ? gp_json_get_string (vendor, "name")
                                                                       : _("an unknown server"),
                          version ? version : "");
}

/* Whether @status is a refusal, or a "there is no such thing here". */
static gboolean
is_refusal (guint status)
{
  return status == 401 || status == 403 || status == 400 || status == 404 || status == 405 || status == 501;
}

/* Tries, as nobody and as a user who just signed up, what must be refused
 * on a server that holds residents' data; each hole found is added to
 * @holes, in words. */
static gboolean
probe_server (GpCouch       *admin,
              const char    *db_path,
              const char    *grid_code,
              GPtrArray     *holes,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GpCouch) nobody = gp_couch_new (gp_couch_get_url (admin), TRUE, error);
  struct {
    const char *method;
    const char *path;
    const char *body;
    const char *what;
  } reads[] = {
    { "GET", "/_all_docs?limit=1", NULL, N_("anyone can list the grid’s documents without logging in") },
    { "POST", "/_bulk_get", "{\"docs\": [{\"id\": \"grid:GRID\"}]}",
      N_("anyone can read the grid’s documents through _bulk_get without logging in") },
    { "POST", "/_find", "{\"selector\": {\"type\": \"household\"}, \"limit\": 1}",
      N_("anyone can search residents through _find without logging in") },
  };
  g_autofree char *probe_name = NULL;
  g_autofree char *probe_password = NULL;
  g_autofree char *probe_path = NULL;

  if (nobody == NULL)
    return FALSE;
  gp_couch_set_retries (nobody, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (reads); i++)
    {
      g_autofree char *path = g_strconcat (db_path, reads[i].path, NULL);
      g_auto(GStrv) pieces = reads[i].body ? g_strsplit (reads[i].body, "GRID", -1) : NULL;
      g_autofree char *body = pieces ? g_strjoinv (grid_code, pieces) : NULL;
      g_autoptr(JsonNode) node = body ? json_from_string (body, NULL) : NULL;
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(GError) local_error = NULL;
      guint status = 0;

      reply = gp_couch_request (nobody, reads[i].method, path, node, &status, cancellable, &local_error);
      if (reply != NULL || !is_refusal (status))
        g_ptr_array_add (holes, g_strdup (_(reads[i].what)));
    }

  /* Sign up, then give oneself the centre's role. */
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autofree char *id = NULL;
    g_autofree char *escaped = NULL;
    g_autoptr(GpCouch) newcomer = NULL;
    g_autoptr(JsonObject) user = json_object_new ();
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GError) local_error = NULL;
    JsonArray *roles = json_array_new ();

    probe_name = g_strconcat ("gridpatrol-probe-", uuid, NULL);
    probe_password = g_uuid_string_random ();
    id = g_strconcat ("org.couchdb.user:", probe_name, NULL);
    escaped = gp_couch_escape_id (id);
    probe_path = g_strconcat ("/_users/", escaped, NULL);
    json_object_set_string_member (user, "_id", id);
    json_object_set_string_member (user, "type", "user");
    json_object_set_string_member (user, "name", probe_name);
    json_object_set_string_member (user, "password", probe_password);
    json_object_set_array_member (user, "roles", roles);
    node = json_node_init_object (json_node_alloc (), user);
    reply = gp_couch_request (nobody, "PUT", probe_path, node, NULL, cancellable, &local_error);
    if (reply != NULL)
      {
        g_autofree char *rev = NULL;

        newcomer = gp_couch_new (gp_couch_get_url (admin), TRUE, NULL);
        gp_couch_set_retries (newcomer, 0, 0);
        gp_couch_set_credentials (newcomer, probe_name, probe_password);
        rev = gp_couch_login (newcomer, cancellable, NULL)
              ? dup_current_rev (newcomer, probe_path, NULL, cancellable, NULL) : NULL;
        if (rev != NULL)
          {
            g_autoptr(JsonNode) granted = NULL;

            json_object_set_string_member (user, "_rev", rev);
            json_array_add_string_element (roles, "centre");
            granted = gp_couch_request (newcomer, "PUT", probe_path, node, NULL, cancellable, NULL);
            if (granted != NULL)
              g_ptr_array_add (holes, g_strdup (_("anyone can sign up and give themselves the grid centre’s role")));
          }
      }
  }
  /* The probe's account goes, whatever happened to it. */
  {
    g_autofree char *rev = dup_current_rev (admin, probe_path, NULL, cancellable, NULL);

    if (rev != NULL)
      {
        g_autofree char *escaped_rev = g_uri_escape_string (rev, NULL, FALSE);
        g_autofree char *path = g_strconcat (probe_path, "?rev=", escaped_rev, NULL);
        g_autoptr(JsonNode) deleted = gp_couch_request (admin, "DELETE", path, NULL, NULL, cancellable, NULL);
      }
  }
  return TRUE;
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
  const char *types[] = { "grid", "policy", "directory", "building", "household", "lane", "component", "route" };
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

void
gp_centre_setup_clear (GpCentreSetup *result)
{
  g_clear_pointer (&result->server, g_free);
  g_clear_pointer (&result->holes, g_ptr_array_unref);
}

/* The grid's directory on the centre lists the grid's people set up here,
 * so a leader can dispatch to them; what the centre already keeps in it
 * (departments, names to show) stays. */
static gboolean
list_people (GpCouch       *admin,
             const char    *db_path,
             const char    *grid_code,
             GpCentreUser  *users,
             guint          n_users,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *path = g_strconcat (db_path, "/directory:", grid_code, NULL);
  g_autoptr(JsonObject) current = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *rev = dup_current_rev (admin, path, &current, cancellable, &local_error);
  g_autoptr(GpDirectory) directory = NULL;
  g_autoptr(JsonObject) json = NULL;
  gboolean changed = rev == NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (current != NULL)
    {
      g_autoptr(GpDocument) document = gp_document_new_from_json (current, NULL);

      if (!GP_IS_DIRECTORY (document))
        {
          g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY,
                       _("The grid centre’s directory of grid %s is not a directory"), grid_code);
          return FALSE;
        }
      directory = GP_DIRECTORY (g_steal_pointer (&document));
    }
  else
    directory = gp_directory_new (grid_code);

  for (guint i = 0; i < n_users; i++)
    if (g_strcmp0 (users[i].role, GP_ROLE_CENTRE) != 0)
      changed |= gp_directory_add_person (directory, users[i].name, NULL, users[i].role);
  if (!changed)
    return TRUE;
  json = gp_document_to_json (GP_DOCUMENT (directory));
  return put_object (admin, path, json, cancellable, error);
}

/**
 * gp_centre_setup:
 * @admin: logged in as the server's admin
 * @users: (array length=n_users): accounts to create or update
 * @store: (nullable): a data folder whose grid package to upload
 * @result: (out caller-allocates): clear it with gp_centre_setup_clear()
 *
 * Sets up, or brings up to date, the grid's database on the centre. The
 * server must be one that keeps residents' data from anyone not logged in
 * and from users who would raise their own roles: CouchDB, checked by
 * trying. Any other server, or one that lets something through, is refused
 * — the database is removed again if it was new — unless @flags says it is
 * a test server.
 */
gboolean
gp_centre_setup (GpCouch             *admin,
                 const char          *grid_code,
                 GpCentreUser        *users,
                 guint                n_users,
                 GpStore             *store,
                 GpCentreSetupFlags   flags,
                 GpCentreSetup       *result,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autofree char *database = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *security_path = NULL;
  g_autofree char *design_path = NULL;
  g_autofree char *design_rev = NULL;
  g_autofree char *rules = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) security = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) design = json_object_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *security_json = NULL;
  gboolean couchdb = FALSE;
  guint status = 0;

  g_return_val_if_fail (GP_IS_COUCH (admin), FALSE);
  g_return_val_if_fail (grid_code != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (!is_grid_code (grid_code))
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REQUEST,
                   _("“%s” is not a grid code: letters, digits, “-” and “_” only"), grid_code);
      return FALSE;
    }
  database = gp_replication_database_name (grid_code);
  db_path = g_strconcat ("/", database, NULL);
  result->holes = g_ptr_array_new_with_free_func (g_free);
  result->server = identify_server (admin, &couchdb, cancellable, error);
  if (result->server == NULL)
    return FALSE;

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

  /* Before any resident's data goes there: what does the server let
   * through? */
  if (!probe_server (admin, db_path, grid_code, result->holes, cancellable, error))
    return FALSE;
  if ((!couchdb || result->holes->len > 0) && !(flags & GP_CENTRE_SETUP_TEST_SERVER))
    {
      g_autoptr(GString) what = g_string_new (NULL);

      for (guint i = 0; i < result->holes->len; i++)
        g_string_append_printf (what, "%s%s", i ? "; " : "", (char *) g_ptr_array_index (result->holes, i));
      if (what->len == 0)
        g_string_append (what, _("it is not CouchDB, whose protections GridPatrol checks"));
      if (result->created)
        {
          g_autoptr(JsonNode) removed = gp_couch_request (admin, "DELETE", db_path, NULL, NULL, cancellable, NULL);

          result->created = FALSE;
        }
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_INSECURE,
                   _("%s cannot hold residents’ data: %s. Set up a grid centre on CouchDB (see the README), "
                     "or say --test-server for a server that holds test data only"),
                   result->server, what->str);
      return FALSE;
    }

  /* The rules, with the grid's code. */
  rules = gp_centre_dup_rules (grid_code);
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
  json_object_set_string_member (design, "validate_doc_update", rules);
  json_object_set_int_member (design, "gridpatrol_rules", GP_CENTRE_RULES_VERSION);
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
  return list_people (admin, db_path, grid_code, users, n_users, cancellable, error);
}
