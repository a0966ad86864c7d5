/* gp-route.c — a patrol route (巡查路线): ordered checkpoints.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-route"

#include "config.h"

#include "gp-route.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpRoute
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpRoute, gp_route, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_GRID,
  PROP_NAME,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_route_validate (GpDocument  *document,
                   GError     **error)
{
  JsonArray *checkpoints = gp_document_get_array_member (document, "checkpoints");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (checkpoints == NULL || json_array_get_length (checkpoints) == 0)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                           _("“checkpoints” must list at least one checkpoint"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (checkpoints); i++)
    {
      JsonNode *node = json_array_get_element (checkpoints, i);
      JsonObject *checkpoint = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = gp_json_get_string (checkpoint, "id");
      const char *building = gp_json_get_string (checkpoint, "building");
      g_autoptr(GError) local_error = NULL;
      double radius = GP_CHECKPOINT_DEFAULT_RADIUS;

      if (checkpoint == NULL || id == NULL || *id == '\0' ||
          gp_json_get_string (checkpoint, "name") == NULL)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("checkpoint %u must have an “id” and a “name”"), i + 1);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) id))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("checkpoint id “%s” is given twice"), id);
          return FALSE;
        }
      if (!gp_geo_position_parse (json_object_get_member (checkpoint, "position"), NULL, &local_error))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_GEOMETRY,
                       _("checkpoint “%s”: %s"), id, local_error->message);
          return FALSE;
        }
      if (json_object_has_member (checkpoint, "radius") &&
          (!gp_json_get_number (checkpoint, "radius", &radius) || radius < 5.0 || radius > 500.0))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_OUT_OF_RANGE,
                       _("checkpoint “%s”: “radius” must be from 5 to 500 metres"), id);
          return FALSE;
        }
      if (building != NULL && !g_str_has_prefix (building, "building:"))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("checkpoint “%s”: “building” must be the id of a building"), id);
          return FALSE;
        }
    }

  return TRUE;
}

static void
gp_route_class_init (GpRouteClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "route";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
  document_class->geometry_type = "LineString";
  document_class->validate = gp_route_validate;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_route_init (GpRoute *self)
{
}

GpRoute *
gp_route_new (const char *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  id = g_strconcat ("route:", code, NULL);
  return g_object_new (GP_TYPE_ROUTE, "id", id, "code", code, NULL);
}

const char *
gp_route_get_code (GpRoute *self)
{
  g_return_val_if_fail (GP_IS_ROUTE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "code");
}

const char *
gp_route_get_grid (GpRoute *self)
{
  g_return_val_if_fail (GP_IS_ROUTE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_route_get_name (GpRoute *self)
{
  g_return_val_if_fail (GP_IS_ROUTE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "name");
}

const char *
gp_route_get_description (GpRoute *self)
{
  g_return_val_if_fail (GP_IS_ROUTE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "description");
}

guint
gp_route_get_n_checkpoints (GpRoute *self)
{
  JsonArray *checkpoints;

  g_return_val_if_fail (GP_IS_ROUTE (self), 0);

  checkpoints = gp_document_get_array_member (GP_DOCUMENT (self), "checkpoints");
  return checkpoints ? json_array_get_length (checkpoints) : 0;
}

/* The checkpoint's strings stay owned by the route. */
gboolean
gp_route_get_checkpoint (GpRoute      *self,
                         guint         index,
                         GpCheckpoint *checkpoint)
{
  JsonArray *checkpoints;
  JsonObject *object;

  g_return_val_if_fail (GP_IS_ROUTE (self), FALSE);
  g_return_val_if_fail (checkpoint != NULL, FALSE);

  checkpoints = gp_document_get_array_member (GP_DOCUMENT (self), "checkpoints");
  if (checkpoints == NULL || index >= json_array_get_length (checkpoints))
    return FALSE;

  object = json_array_get_object_element (checkpoints, index);
  if (object == NULL ||
      !gp_geo_position_parse (json_object_get_member (object, "position"), &checkpoint->position, NULL))
    return FALSE;

  checkpoint->id = gp_json_get_string (object, "id");
  checkpoint->name = gp_json_get_string (object, "name");
  checkpoint->building = gp_json_get_string (object, "building");
  if (!gp_json_get_number (object, "radius", &checkpoint->radius))
    checkpoint->radius = GP_CHECKPOINT_DEFAULT_RADIUS;
  return checkpoint->id != NULL;
}
