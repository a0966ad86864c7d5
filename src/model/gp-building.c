/* gp-building.c — a building (楼栋) with its footprint, units and floors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-building"

#include "config.h"

#include "gp-building.h"
#include "gp-json.h"
#include "gp-geo.h"

#include <glib/gi18n-lib.h>

struct _GpBuilding
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpBuilding, gp_building, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_GRID,
  PROP_NAME,
  PROP_ADDRESS,
  PROP_FLOORS,
  PROP_KIND,
  PROP_YEAR_BUILT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_building_validate (GpDocument  *document,
                      GError     **error)
{
  GpBuilding *self = GP_BUILDING (document);
  JsonArray *units = gp_document_get_array_member (document, "units");
  JsonArray *entrances = gp_document_get_array_member (document, "entrances");
  int floors = gp_building_get_floors (self);
  guint n_units;

  if (units == NULL || json_array_get_length (units) == 0)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                           _("“units” must list at least one unit"));
      return FALSE;
    }

  n_units = json_array_get_length (units);
  for (guint i = 0; i < n_units; i++)
    {
      JsonNode *node = json_array_get_element (units, i);
      JsonObject *unit = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 number, unit_floors, rooms;

      if (unit == NULL || !gp_json_get_int (unit, "number", &number) || number < 1 ||
          !gp_json_get_int (unit, "floors", &unit_floors) || unit_floors < 1 || unit_floors > floors ||
          !gp_json_get_int (unit, "rooms_per_floor", &rooms) || rooms < 1 || rooms > 50)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("unit %u must have a “number”, “floors” from 1 to %d and "
                         "“rooms_per_floor” from 1 to 50"), i + 1, floors);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        {
          gint64 other = 0;

          gp_json_get_int (json_array_get_object_element (units, j), "number", &other);
          if (other == number)
            {
              g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("unit number %lld is given twice"), (long long) number);
              return FALSE;
            }
        }
    }

  for (guint i = 0; entrances != NULL && i < json_array_get_length (entrances); i++)
    {
      JsonNode *node = json_array_get_element (entrances, i);
      JsonObject *entrance = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autoptr(GError) local_error = NULL;

      if (entrance == NULL ||
          !gp_geo_position_parse (json_object_get_member (entrance, "position"), NULL, &local_error))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_GEOMETRY,
                       _("entrance %u: %s"), i + 1,
                       local_error ? local_error->message : _("not an object"));
          return FALSE;
        }
    }

  return TRUE;
}

static void
gp_building_class_init (GpBuildingClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "building";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
  document_class->geometry_type = "Polygon";
  document_class->geometry_required = TRUE;
  document_class->validate = gp_building_validate;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_FLOORS] =
    g_param_spec_int ("floors", NULL, NULL, 1, 200, 1,
                      GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_YEAR_BUILT] =
    g_param_spec_int ("year-built", NULL, NULL, 1800, 2200, 2000,
                      GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_building_init (GpBuilding *self)
{
}

GpBuilding *
gp_building_new (const char *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  id = g_strconcat ("building:", code, NULL);
  return g_object_new (GP_TYPE_BUILDING, "id", id, "code", code, NULL);
}

const char *
gp_building_get_code (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "code");
}

const char *
gp_building_get_grid (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_building_get_name (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "name");
}

const char *
gp_building_get_address (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "address");
}

int
gp_building_get_floors (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "floors", 1);
}

const char *
gp_building_get_kind (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "kind");
}

int
gp_building_get_year_built (GpBuilding *self)
{
  g_return_val_if_fail (GP_IS_BUILDING (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "year_built", 2000);
}

guint
gp_building_get_n_units (GpBuilding *self)
{
  JsonArray *units;

  g_return_val_if_fail (GP_IS_BUILDING (self), 0);

  units = gp_document_get_array_member (GP_DOCUMENT (self), "units");
  return units ? json_array_get_length (units) : 0;
}

gboolean
gp_building_get_unit (GpBuilding *self,
                      guint       index,
                      int        *number,
                      int        *floors,
                      int        *rooms_per_floor)
{
  JsonArray *units;
  JsonObject *unit;
  gint64 n = 0, f = 0, r = 0;

  g_return_val_if_fail (GP_IS_BUILDING (self), FALSE);

  units = gp_document_get_array_member (GP_DOCUMENT (self), "units");
  if (units == NULL || index >= json_array_get_length (units))
    return FALSE;

  unit = json_array_get_object_element (units, index);
  if (unit == NULL ||
      !gp_json_get_int (unit, "number", &n) ||
      !gp_json_get_int (unit, "floors", &f) ||
      !gp_json_get_int (unit, "rooms_per_floor", &r))
    return FALSE;

  if (number)
    *number = (int) n;
  if (floors)
    *floors = (int) f;
  if (rooms_per_floor)
    *rooms_per_floor = (int) r;
  return TRUE;
}

/* How many dwellings the building has: the sum over its units. */
guint
gp_building_get_capacity (GpBuilding *self)
{
  guint capacity = 0;

  g_return_val_if_fail (GP_IS_BUILDING (self), 0);

  for (guint i = 0; i < gp_building_get_n_units (self); i++)
    {
      int floors, rooms;

      if (gp_building_get_unit (self, i, NULL, &floors, &rooms))
        capacity += floors * rooms;
    }
  return capacity;
}
