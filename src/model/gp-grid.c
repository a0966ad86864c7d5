/* gp-grid.c — a grid (网格): its boundary, names and household count.
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

/* The farthest corner of @bounds from @point, in metres. */
static double
farthest_corner (GpGeoPoint         point,
                 const GpGeoBounds *bounds)
{
  GpGeoPoint corners[] = {
    { bounds->west, bounds->south }, { bounds->west, bounds->north },
    { bounds->east, bounds->south }, { bounds->east, bounds->north },
  };
  double farthest = 0;

  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    farthest = MAX (farthest, gp_geo_distance (point, corners[i]));
  return farthest;
}

static gboolean
gp_grid_validate (GpDocument  *document,
                  GError     **error)
{
  JsonNode *centre = json_object_get_member (gp_document_get_body (document), "center");
  JsonObject *geometry = gp_document_get_geometry (document);
  g_autoptr(GError) local_error = NULL;
  GpGeoBounds bounds;
  GpGeoPoint point;

  /* A grid registered before its boundary is mapped has only a centre. */
  if (centre != NULL && !JSON_NODE_HOLDS_NULL (centre) &&
      !gp_geo_position_parse (centre, &point, &local_error))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("“center” must be a position: %s"), local_error->message);
      return FALSE;
    }

  /* One vertex typed wrong makes a boundary across half the country. */
  if (geometry != NULL && gp_geo_geometry_get_bounds (geometry, &bounds) &&
      gp_geo_distance ((GpGeoPoint) { bounds.west, bounds.south },
                       (GpGeoPoint) { bounds.east, bounds.north }) > GP_GRID_MAX_EXTENT_M)
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_GEOMETRY,
                   _("the boundary spans more than %.0f km; a grid is far smaller"), GP_GRID_MAX_EXTENT_M / 1000);
      return FALSE;
    }
  if (geometry != NULL && !gp_grid_check_reach (GP_GRID (document), geometry, error))
    return FALSE;

  return gp_document_check_reference (document, "policy", "policy", error);
}

static void
gp_grid_class_init (GpGridClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "grid";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
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

/**
 * gp_grid_get_center:
 *
 * The grid's "center", or the middle of its boundary.
 *
 * Returns: %FALSE when the grid has neither
 */
gboolean
gp_grid_get_center (GpGrid     *self,
                    GpGeoPoint *center)
{
  JsonNode *node;
  JsonObject *geometry;

  g_return_val_if_fail (GP_IS_GRID (self), FALSE);

  node = json_object_get_member (gp_document_get_body (GP_DOCUMENT (self)), "center");
  if (node != NULL && gp_geo_position_parse (node, center, NULL))
    return TRUE;
  geometry = gp_document_get_geometry (GP_DOCUMENT (self));
  return geometry != NULL && gp_geo_geometry_get_center (geometry, center);
}

/**
 * gp_grid_check_reach:
 * @geometry: a valid GeoJSON geometry of something in the grid
 *
 * Whether all of @geometry lies within %GP_GRID_REACH_M of the grid's
 * centre. A grid with no position yet has no reach to check.
 */
gboolean
gp_grid_check_reach (GpGrid      *self,
                     JsonObject  *geometry,
                     GError     **error)
{
  GpGeoBounds bounds;
  GpGeoPoint center;

  g_return_val_if_fail (GP_IS_GRID (self), FALSE);
  g_return_val_if_fail (geometry != NULL, FALSE);

  if (!gp_grid_get_center (self, &center) || !gp_geo_geometry_get_bounds (geometry, &bounds))
    return TRUE;
  if (farthest_corner (center, &bounds) > GP_GRID_REACH_M)
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_GEOMETRY,
                   _("it lies more than %.0f km from the grid’s centre"), GP_GRID_REACH_M / 1000);
      return FALSE;
    }
  return TRUE;
}
