/* gp-component.c — a managed city component (部件): manhole cover, street light, hydrant, rubbish point.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-component"

#include "config.h"

#include "gp-component.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpComponent
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpComponent, gp_component, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_GRID,
  PROP_KIND,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_component_validate (GpDocument  *document,
                       GError     **error)
{
  return TRUE;
}

static void
gp_component_class_init (GpComponentClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "component";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
  document_class->geometry_type = "Point";
  document_class->geometry_required = TRUE;
  document_class->validate = gp_component_validate;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_component_init (GpComponent *self)
{
}

GpComponent *
gp_component_new (const char *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  id = g_strconcat ("component:", code, NULL);
  return g_object_new (GP_TYPE_COMPONENT, "id", id, "code", code, NULL);
}

const char *
gp_component_get_code (GpComponent *self)
{
  g_return_val_if_fail (GP_IS_COMPONENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "code");
}

const char *
gp_component_get_grid (GpComponent *self)
{
  g_return_val_if_fail (GP_IS_COMPONENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_component_get_kind (GpComponent *self)
{
  g_return_val_if_fail (GP_IS_COMPONENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "kind");
}

const char *
gp_component_get_name (GpComponent *self)
{
  g_return_val_if_fail (GP_IS_COMPONENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "name");
}

/* The kinds the app knows by name; a centre may use others, shown as they are. */
const char *
gp_component_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, GP_COMPONENT_MANHOLE_COVER) == 0)
    return _("Manhole cover");
  if (g_strcmp0 (kind, GP_COMPONENT_STREET_LIGHT) == 0)
    return _("Street light");
  if (g_strcmp0 (kind, GP_COMPONENT_FIRE_HYDRANT) == 0)
    return _("Fire hydrant");
  if (g_strcmp0 (kind, GP_COMPONENT_RUBBISH_POINT) == 0)
    return _("Rubbish point");
  return kind;
}
