/* gp-incident.c — an incident (事件) reported in a grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-incident"

#include "config.h"

#include "gp-incident.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _GpIncident
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpIncident, gp_incident, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_GRID,
  PROP_SOURCE,
  PROP_CATEGORY,
  PROP_GRADE,
  PROP_URGENCY,
  PROP_DESCRIPTION,
  PROP_ADDRESS,
  PROP_ACCURACY_M,
  PROP_BUILDING,
  PROP_HOUSEHOLD,
  PROP_REPORTER,
  PROP_REPORTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const sources[] = {
  GP_SOURCE_PATROL, GP_SOURCE_RESIDENT, GP_SOURCE_HOTLINE, GP_SOURCE_CENTRE,
  GP_SOURCE_WECHAT, GP_SOURCE_REPRESENTATIVES, GP_SOURCE_OTHER, NULL
};

static gboolean
gp_incident_validate (GpDocument  *document,
                      GError     **error)
{
  const char *category = gp_incident_get_category (GP_INCIDENT (document));

  if (!gp_document_check_choice (document, "source", sources, error) ||
      !gp_document_check_reference (document, "building", "building", error) ||
      !gp_document_check_reference (document, "household", "household", error))
    return FALSE;

  for (const char *c = category; *c; c++)
    if (!g_ascii_isalnum (*c))
      {
        g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                     _("category “%s” must be a code of letters and digits"), category);
        return FALSE;
      }

  return TRUE;
}

static void
gp_incident_class_init (GpIncidentClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "incident";
  document_class->geometry_type = "Point";
  document_class->validate = gp_incident_validate;

  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_GRADE] =
    g_param_spec_string ("grade", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_URGENCY] =
    g_param_spec_string ("urgency", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_ACCURACY_M] =
    g_param_spec_double ("accuracy-m", NULL, NULL, 0, 100000, 0,
                         GP_PARAM_MEMBER);
  properties[PROP_BUILDING] =
    g_param_spec_string ("building", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_HOUSEHOLD] =
    g_param_spec_string ("household", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_REPORTER] =
    g_param_spec_string ("reporter", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_REPORTED_AT] =
    g_param_spec_boxed ("reported-at", NULL, NULL, G_TYPE_DATE_TIME,
                        GP_PARAM_MEMBER | GP_PARAM_REQUIRED);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_incident_init (GpIncident *self)
{
}

GpIncident *
gp_incident_new (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat ("incident:", uuid, NULL);

  return g_object_new (GP_TYPE_INCIDENT, "id", id, NULL);
}

const char *
gp_incident_get_grid (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_incident_get_source (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "source");
}

const char *
gp_incident_get_category (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "category");
}

const char *
gp_incident_get_grade (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grade");
}

const char *
gp_incident_get_urgency (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "urgency");
}

const char *
gp_incident_get_description (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "description");
}

const char *
gp_incident_get_address (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "address");
}

double
gp_incident_get_accuracy_m (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), 0.0);

  return gp_document_get_double_member (GP_DOCUMENT (self), "accuracy_m", 0);
}

const char *
gp_incident_get_building (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "building");
}

const char *
gp_incident_get_household (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "household");
}

const char *
gp_incident_get_reporter (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "reporter");
}

GDateTime *
gp_incident_dup_reported_at (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_dup_time_member (GP_DOCUMENT (self), "reported_at");
}

const char * const *
gp_incident_get_sources (void)
{
  return sources;
}

const char *
gp_incident_source_label (const char *source)
{
  if (g_strcmp0 (source, GP_SOURCE_PATROL) == 0)
    return _("Found on patrol");
  if (g_strcmp0 (source, GP_SOURCE_RESIDENT) == 0)
    return _("Reported by a resident");
  if (g_strcmp0 (source, GP_SOURCE_HOTLINE) == 0)
    return _("12345 hotline");
  if (g_strcmp0 (source, GP_SOURCE_CENTRE) == 0)
    return _("Sent by the grid centre");
  if (g_strcmp0 (source, GP_SOURCE_WECHAT) == 0)
    return _("WeChat group");
  if (g_strcmp0 (source, GP_SOURCE_REPRESENTATIVES) == 0)
    return _("Deputies and committee members");
  if (g_strcmp0 (source, GP_SOURCE_OTHER) == 0)
    return _("Other");
  return source;
}

/* The part of the id after "incident:", which event ids repeat. */
const char *
gp_incident_get_uuid (GpIncident *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT (self), NULL);

  return gp_document_get_id (GP_DOCUMENT (self)) + strlen ("incident:");
}
