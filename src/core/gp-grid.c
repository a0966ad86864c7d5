/* gp-grid.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-grid"

#include "config.h"

#include "gp-geo.h"
#include "gp-grid.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpGrid
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpGrid, gp_grid, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_NAME,
  PROP_CITY,
  PROP_DISTRICT,
  PROP_STREET,
  PROP_COMMUNITY,
  PROP_POLICY,
  PROP_HOUSEHOLDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_grid_validate (GpDocument  *document,
                  GError     **error)
{
  JsonNode *centre = json_object_get_member (gp_document_get_body (document), "center");
  g_autoptr(GError) local_error = NULL;
  GpGeoPoint point;

  /* A grid registered before its boundary is mapped has only a centre. */
  if (centre != NULL && !JSON_NODE_HOLDS_NULL (centre) &&
      !gp_geo_position_parse (centre, &point, &local_error))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("“center” must be a position: %s"), local_error->message);
      return FALSE;
    }
  return gp_document_check_reference (document, "policy", "policy", error);
}

static void
gp_grid_class_init (GpGridClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "grid";
  document_class->geometry_type = "Polygon";
  document_class->geometry_required = FALSE;   /* see "center" */
  document_class->validate = gp_grid_validate;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_CITY] =
    g_param_spec_string ("city", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_DISTRICT] =
    g_param_spec_string ("district", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_STREET] =
    g_param_spec_string ("street", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_COMMUNITY] =
    g_param_spec_string ("community", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_POLICY] =
    g_param_spec_string ("policy", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_HOUSEHOLDS] =
    g_param_spec_int ("households", NULL, NULL, 0, 100000, 0,
                      GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_grid_init (GpGrid *self)
{
}

GpGrid *
gp_grid_new (const char *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  id = g_strconcat ("grid:", code, NULL);
  return g_object_new (GP_TYPE_GRID, "id", id, "code", code, NULL);
}

const char *
gp_grid_get_code (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "code");
}

const char *
gp_grid_get_name (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "name");
}

const char *
gp_grid_get_city (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "city");
}

const char *
gp_grid_get_district (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "district");
}

const char *
gp_grid_get_street (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "street");
}

const char *
gp_grid_get_community (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "community");
}

const char *
gp_grid_get_policy (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "policy");
}

int
gp_grid_get_households (GpGrid *self)
{
  g_return_val_if_fail (GP_IS_GRID (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "households", 0);
}

/* Each grid has its own database at the centre: "gridpatrol-" and the code
 * in lower case (CouchDB database names cannot hold capitals). */
char *
gp_grid_dup_database_name (GpGrid *self)
{
  g_autofree char *code = NULL;

  g_return_val_if_fail (GP_IS_GRID (self), NULL);

  code = g_ascii_strdown (gp_grid_get_code (self), -1);
  return g_strconcat ("gridpatrol-", code, NULL);
}
