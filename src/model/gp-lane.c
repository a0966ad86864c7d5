/* gp-lane.c — a lane or road inside a grid (巷道).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-lane"

#include "config.h"

#include "gp-lane.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpLane
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpLane, gp_lane, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_GRID,
  PROP_NAME,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_lane_validate (GpDocument  *document,
                  GError     **error)
{
  return TRUE;
}

static void
gp_lane_class_init (GpLaneClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "lane";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
  document_class->geometry_type = "LineString";
  document_class->geometry_required = TRUE;
  document_class->validate = gp_lane_validate;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_lane_init (GpLane *self)
{
}

GpLane *
gp_lane_new (const char *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  id = g_strconcat ("lane:", code, NULL);
  return g_object_new (GP_TYPE_LANE, "id", id, "code", code, NULL);
}

const char *
gp_lane_get_code (GpLane *self)
{
  g_return_val_if_fail (GP_IS_LANE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "code");
}

const char *
gp_lane_get_grid (GpLane *self)
{
  g_return_val_if_fail (GP_IS_LANE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_lane_get_name (GpLane *self)
{
  g_return_val_if_fail (GP_IS_LANE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "name");
}

const char *
gp_lane_get_kind (GpLane *self)
{
  g_return_val_if_fail (GP_IS_LANE (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "kind");
}
