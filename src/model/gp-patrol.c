/* gp-patrol.c — one patrol walked by a worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-patrol"

#include "config.h"

#include "gp-patrol.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpPatrol
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpPatrol, gp_patrol, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_GRID,
  PROP_ROUTE,
  PROP_WORKER,
  PROP_STARTED_AT,
  PROP_ENDED_AT,
  PROP_STATUS,
  PROP_DISTANCE_M,
  PROP_TRACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const statuses[] = {
  GP_PATROL_RUNNING, GP_PATROL_PAUSED, GP_PATROL_FINISHED, NULL
};

static gboolean
gp_patrol_validate (GpDocument  *document,
                    GError     **error)
{
  GpPatrol *self = GP_PATROL (document);
  g_autoptr(GDateTime) started = gp_patrol_dup_started_at (self);
  g_autoptr(GDateTime) ended = gp_patrol_dup_ended_at (self);
  JsonArray *reached = gp_document_get_array_member (document, "checkpoints");

  if (!gp_document_check_reference (document, "route", "route", error) ||
      !gp_document_check_choice (document, "status", statuses, error))
    return FALSE;

  if (ended != NULL && g_date_time_compare (ended, started) < 0)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("the patrol ends before it starts"));
      return FALSE;
    }
  if (ended == NULL && g_strcmp0 (gp_patrol_get_status (self), GP_PATROL_FINISHED) == 0)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                           _("a finished patrol needs “ended_at”"));
      return FALSE;
    }

  for (guint i = 0; reached != NULL && i < json_array_get_length (reached); i++)
    {
      JsonNode *node = json_array_get_element (reached, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autoptr(GDateTime) at = gp_json_parse_time (gp_json_get_string (entry, "at"));

      if (gp_json_get_string (entry, "id") == NULL || at == NULL)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("reached checkpoint %u must have an “id” and a time “at”"), i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

static void
gp_patrol_class_init (GpPatrolClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "patrol";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
  document_class->validate = gp_patrol_validate;

  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ROUTE] =
    g_param_spec_string ("route", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_WORKER] =
    g_param_spec_string ("worker", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME,
                        GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ENDED_AT] =
    g_param_spec_boxed ("ended-at", NULL, NULL, G_TYPE_DATE_TIME,
                        GP_PARAM_MEMBER);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_DISTANCE_M] =
    g_param_spec_double ("distance-m", NULL, NULL, 0, 10000000.0, 0,
                         GP_PARAM_MEMBER);
  properties[PROP_TRACK] =
    g_param_spec_string ("track", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_patrol_init (GpPatrol *self)
{
}

GpPatrol *
gp_patrol_new (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat ("patrol:", uuid, NULL);

  return g_object_new (GP_TYPE_PATROL, "id", id, NULL);
}

const char *
gp_patrol_get_grid (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_patrol_get_route (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "route");
}

const char *
gp_patrol_get_worker (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "worker");
}

GDateTime *
gp_patrol_dup_started_at (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_dup_time_member (GP_DOCUMENT (self), "started_at");
}

GDateTime *
gp_patrol_dup_ended_at (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_dup_time_member (GP_DOCUMENT (self), "ended_at");
}

const char *
gp_patrol_get_status (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "status");
}

double
gp_patrol_get_distance_m (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), 0.0);

  return gp_document_get_double_member (GP_DOCUMENT (self), "distance_m", 0);
}

const char *
gp_patrol_get_track (GpPatrol *self)
{
  g_return_val_if_fail (GP_IS_PATROL (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "track");
}
