/* gp-directory.c — whom a grid's cases can be given to (派单通讯录).
 *
 * One document a grid, "directory:<grid code>", kept by the grid centre:
 * the grid's people (its leader and workers, by their accounts, as steps
 * name them) and the street's departments a case is dispatched to (城管,
 * 市场监管所, 派出所…). A leader dispatching chooses from it; free text
 * stays possible for anyone not in it.
 *
 *   { "type": "directory", "grid": "610103003003",
 *     "people": [ { "name": "wang", "label": "王芳", "role": "worker" } ],
 *     "departments": [ { "name": "街道城管执法中队" } ] }
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-directory"

#include "config.h"

#include "gp-directory.h"
#include "gp-event.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpDirectory
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpDirectory, gp_directory, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_GRID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_text (JsonObject *object,
         const char *member)
{
  const char *value = gp_json_get_string (object, member);

  return value != NULL && *value != '\0';
}

/* Each list, when there, is an array of objects with a name; a person
 * has a role of the grid's. */
static gboolean
validate_list (GpDocument  *document,
               const char  *member,
               GError     **error)
{
  JsonNode *node = json_object_get_member (gp_document_get_body (document), member);
  JsonArray *list;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE, _("“%s” must be a list"), member);
      return FALSE;
    }
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *role = gp_json_get_string (entry, "role");

      if (entry == NULL || !is_text (entry, "name"))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("entry %u of “%s” has no name"), i + 1, member);
          return FALSE;
        }
      if (g_str_equal (member, "people") &&
          g_strcmp0 (role, GP_ROLE_WORKER) != 0 && g_strcmp0 (role, GP_ROLE_LEADER) != 0)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("%s must be a grid worker or a grid leader"), gp_json_get_string (entry, "name"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
gp_directory_validate (GpDocument  *document,
                       GError     **error)
{
  return validate_list (document, "people", error) && validate_list (document, "departments", error);
}

static void
gp_directory_class_init (GpDirectoryClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "directory";
  document_class->validate = gp_directory_validate;

  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_directory_init (GpDirectory *self)
{
}

GpDirectory *
gp_directory_new (const char *grid_code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (grid_code != NULL && *grid_code != '\0', NULL);

  id = g_strconcat ("directory:", grid_code, NULL);
  return g_object_new (GP_TYPE_DIRECTORY, "id", id, "grid", grid_code, NULL);
}

const char *
gp_directory_get_grid (GpDirectory *self)
{
  g_return_val_if_fail (GP_IS_DIRECTORY (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

static void
append_entries (GArray     *entries,
                JsonArray  *list,
                gboolean    people)
{
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      GpDirectoryEntry entry = { 0 };

      if (object == NULL || !is_text (object, "name"))
        continue;
      entry.target = gp_json_get_string (object, "name");
      entry.label = is_text (object, "label") ? gp_json_get_string (object, "label") : entry.target;
      entry.role = people ? gp_json_get_string (object, "role") : NULL;
      g_array_append_val (entries, entry);
    }
}

/**
 * gp_directory_list:
 *
 * Returns: (transfer container): the grid's people, leaders first, then
 *   the departments, each as the document lists them. The strings are the
 *   document's: keep it while the entries are used.
 */
GArray *
gp_directory_list (GpDirectory *self)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (GpDirectoryEntry));
  g_autoptr(GArray) people = g_array_new (FALSE, TRUE, sizeof (GpDirectoryEntry));

  g_return_val_if_fail (GP_IS_DIRECTORY (self), entries);

  append_entries (people, gp_document_get_array_member (GP_DOCUMENT (self), "people"), TRUE);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < people->len; i++)
      {
        GpDirectoryEntry *entry = &g_array_index (people, GpDirectoryEntry, i);

        if ((g_strcmp0 (entry->role, GP_ROLE_LEADER) == 0) == (pass == 0))
          g_array_append_val (entries, *entry);
      }
  append_entries (entries, gp_document_get_array_member (GP_DOCUMENT (self), "departments"), FALSE);
  return entries;
}

static JsonArray *
ensure_list (GpDirectory *self,
             const char  *member)
{
  JsonArray *list = gp_document_get_array_member (GP_DOCUMENT (self), member);

  if (list == NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), json_array_new ());

      gp_document_set_member (GP_DOCUMENT (self), member, node);
      list = gp_document_get_array_member (GP_DOCUMENT (self), member);
    }
  return list;
}

static gboolean
listed (JsonArray  *list,
        const char *name)
{
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *item = json_array_get_element (list, i);

      if (JSON_NODE_HOLDS_OBJECT (item) &&
          g_strcmp0 (gp_json_get_string (json_node_get_object (item), "name"), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * gp_directory_add_person:
 * @name: the person's account, as steps name them
 * @label: (nullable): the name to show, when not the account
 * @role: "worker" or "leader"
 *
 * Returns: %TRUE if the person was added, %FALSE if already listed
 */
gboolean
gp_directory_add_person (GpDirectory *self,
                         const char  *name,
                         const char  *label,
                         const char  *role)
{
  JsonArray *people;
  JsonObject *person;

  g_return_val_if_fail (GP_IS_DIRECTORY (self), FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);

  people = ensure_list (self, "people");
  if (listed (people, name))
    return FALSE;
  person = json_object_new ();
  json_object_set_string_member (person, "name", name);
  if (label != NULL && *label != '\0' && g_strcmp0 (label, name) != 0)
    json_object_set_string_member (person, "label", label);
  json_object_set_string_member (person, "role", role);
  json_array_add_object_element (people, person);
  return TRUE;
}

/**
 * gp_directory_add_department:
 *
 * Returns: %TRUE if the department was added, %FALSE if already listed
 */
gboolean
gp_directory_add_department (GpDirectory *self,
                             const char  *name)
{
  JsonArray *departments;
  JsonObject *department;

  g_return_val_if_fail (GP_IS_DIRECTORY (self), FALSE);
  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);

  departments = ensure_list (self, "departments");
  if (listed (departments, name))
    return FALSE;
  department = json_object_new ();
  json_object_set_string_member (department, "name", name);
  json_array_add_object_element (departments, department);
  return TRUE;
}
