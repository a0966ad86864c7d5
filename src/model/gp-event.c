/* gp-event.c — one step of an incident's workflow, never edited once written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-event"

#include "config.h"

#include "gp-event.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _GpEvent
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpEvent, gp_event, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_GRID,
  PROP_INCIDENT,
  PROP_ACTION,
  PROP_ACTOR,
  PROP_ROLE,
  PROP_AT,
  PROP_NOTE,
  PROP_REASON,
  PROP_TARGET,
  PROP_LEVEL,
  PROP_RESULT,
  PROP_SATISFACTION,
  PROP_CATEGORY,
  PROP_GRADE,
  PROP_URGENCY,
  PROP_SEQ,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const actions[] = {
  GP_ACTION_REGISTER, GP_ACTION_VOID, GP_ACTION_SELF_HANDLE, GP_ACTION_DISPATCH,
  GP_ACTION_ACCEPT, GP_ACTION_START, GP_ACTION_SUSPEND, GP_ACTION_RESUME,
  GP_ACTION_ESCALATE, GP_ACTION_TRANSFER, GP_ACTION_HANDLED, GP_ACTION_VERIFY,
  GP_ACTION_CALLBACK, GP_ACTION_CLOSE, GP_ACTION_REOPEN, GP_ACTION_COMMENT, NULL
};

static const char * const roles[] = {
  GP_ROLE_WORKER, GP_ROLE_LEADER, GP_ROLE_CENTRE, NULL
};

static const char * const results[] = {
  GP_VERIFY_PASS, GP_VERIFY_FAIL, NULL
};

static const char * const satisfactions[] = {
  GP_SATISFIED, GP_BASICALLY_SATISFIED, GP_UNSATISFIED, NULL
};

/* What an action cannot go without. */
static const struct
{
  const char *action;
  const char *member;
} needs[] = {
  { GP_ACTION_VOID, "reason" },
  { GP_ACTION_SUSPEND, "reason" },
  { GP_ACTION_DISPATCH, "target" },
  { GP_ACTION_TRANSFER, "target" },
  { GP_ACTION_ESCALATE, "level" },
  { GP_ACTION_VERIFY, "result" },
  { GP_ACTION_CALLBACK, "satisfaction" },
};

static gboolean
gp_event_validate (GpDocument  *document,
                   GError     **error)
{
  GpEvent *self = GP_EVENT (document);
  const char *incident = gp_event_get_incident (self);
  const char *action = gp_event_get_action (self);
  g_autofree char *prefix = NULL;

  if (!gp_document_check_reference (document, "incident", "incident", error) ||
      !gp_document_check_choice (document, "action", actions, error) ||
      !gp_document_check_choice (document, "role", roles, error) ||
      !gp_document_check_choice (document, "result", results, error) ||
      !gp_document_check_choice (document, "satisfaction", satisfactions, error))
    return FALSE;

  {
    JsonObject *body = gp_document_get_body (document);
    JsonNode *resolved = body ? json_object_get_member (body, "resolved") : NULL;

    if (resolved != NULL && (!JSON_NODE_HOLDS_VALUE (resolved) ||
                             json_node_get_value_type (resolved) != G_TYPE_BOOLEAN))
      {
        g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                     _("“%s” must be true or false"), "resolved");
        return FALSE;
      }
  }

  /* event:<incident uuid>:<event uuid>, so an incident's events sort together. */
  prefix = g_strconcat ("event:", incident + strlen ("incident:"), ":", NULL);
  if (!g_str_has_prefix (gp_document_get_id (document), prefix))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID,
                   _("the id of an event of %s must start with “%s”"), incident, prefix);
      return FALSE;
    }

  /* A step with its place in the case is named by its content: no other
   * content can ever carry its id. */
  if (gp_event_get_seq (self) > 0)
    {
      g_autofree char *expected = gp_event_compute_id (incident, gp_document_get_body (document));

      if (g_strcmp0 (expected, gp_document_get_id (document)) != 0)
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID,
                               _("the step’s id does not match its content: it was changed after it was taken"));
          return FALSE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (needs); i++)
    if (g_str_equal (action, needs[i].action) &&
        gp_document_get_string_member (document, needs[i].member) == NULL)
      {
        g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                     _("a “%s” event needs “%s”"), action, needs[i].member);
        return FALSE;
      }

  return TRUE;
}

static void
gp_event_class_init (GpEventClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "event";
  document_class->geometry_type = "Point";
  document_class->validate = gp_event_validate;

  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_INCIDENT] =
    g_param_spec_string ("incident", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ACTION] =
    g_param_spec_string ("action", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ROLE] =
    g_param_spec_string ("role", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_AT] =
    g_param_spec_boxed ("at", NULL, NULL, G_TYPE_DATE_TIME,
                        GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_LEVEL] =
    g_param_spec_string ("level", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_RESULT] =
    g_param_spec_string ("result", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_SATISFACTION] =
    g_param_spec_string ("satisfaction", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_GRADE] =
    g_param_spec_string ("grade", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_URGENCY] =
    g_param_spec_string ("urgency", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  /* One above the highest "seq" of the case's steps its author had seen:
   * the fold's first order. Absent from steps written before it existed. */
  properties[PROP_SEQ] =
    g_param_spec_int64 ("seq", NULL, NULL, 1, G_MAXINT32, 1,
                        GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_event_init (GpEvent *self)
{
}

const char *
gp_event_get_grid (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_event_get_incident (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "incident");
}

const char *
gp_event_get_action (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "action");
}

const char *
gp_event_get_actor (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "actor");
}

const char *
gp_event_get_role (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "role");
}

GDateTime *
gp_event_dup_at (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_dup_time_member (GP_DOCUMENT (self), "at");
}

const char *
gp_event_get_note (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "note");
}

const char *
gp_event_get_reason (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "reason");
}

const char *
gp_event_get_target (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "target");
}

const char *
gp_event_get_level (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "level");
}

const char *
gp_event_get_result (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "result");
}

const char *
gp_event_get_satisfaction (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "satisfaction");
}

/**
 * gp_event_get_resolved:
 *
 * At a callback, whether the resident says the problem was solved. A
 * callback without the answer counts as solved unless the resident was
 * not satisfied.
 */
gboolean
gp_event_get_resolved (GpEvent *self)
{
  JsonObject *body;

  g_return_val_if_fail (GP_IS_EVENT (self), FALSE);

  body = gp_document_get_body (GP_DOCUMENT (self));
  if (body != NULL && json_object_has_member (body, "resolved") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (body, "resolved")))
    return json_object_get_boolean_member (body, "resolved");
  return g_strcmp0 (gp_event_get_satisfaction (self), GP_UNSATISFIED) != 0;
}

const char *
gp_event_get_category (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "category");
}

const char *
gp_event_get_grade (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grade");
}

const char *
gp_event_get_urgency (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "urgency");
}

GpEvent *
gp_event_new (const char *incident_id)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = NULL;

  g_return_val_if_fail (incident_id != NULL && g_str_has_prefix (incident_id, "incident:"), NULL);

  id = g_strconcat ("event:", incident_id + strlen ("incident:"), ":", uuid, NULL);
  return g_object_new (GP_TYPE_EVENT, "id", id, "incident", incident_id, NULL);
}

const char * const *
gp_event_get_actions (void)
{
  return actions;
}

/* The step's place among the case's steps; 0 for a step written before
 * steps had one. */
gint64
gp_event_get_seq (GpEvent *self)
{
  g_return_val_if_fail (GP_IS_EVENT (self), 0);

  return gp_document_get_int_member (GP_DOCUMENT (self), "seq", 0);
}

/**
 * gp_event_compute_id:
 * @body: the step's members, without "_id", "_rev" or "_attachments"
 *
 * The id a step with @body has: "event:<incident uuid>:" and the first 128
 * bits of the SHA-256 of @body written canonically (members sorted, as
 * JavaScript writes JSON), in hex. The centre's rules compute the same.
 */
char *
gp_event_compute_id (const char *incident_id,
                     JsonObject *body)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (incident_id != NULL && g_str_has_prefix (incident_id, "incident:"), NULL);
  g_return_val_if_fail (body != NULL, NULL);

  node = json_node_init_object (json_node_alloc (), body);
  canonical = gp_json_canonical_string (node);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  hash[32] = '\0';
  return g_strconcat ("event:", incident_id + strlen ("incident:"), ":", hash, NULL);
}

/**
 * gp_event_seal:
 * @draft: a step as taken, with any id
 * @seq: its place in the case: one above the highest it follows
 *
 * The step to store: @draft with "seq" and the id its content gives it,
 * and the same attachments.
 *
 * Returns: (transfer full): a new event
 */
GpEvent *
gp_event_seal (GpEvent *draft,
               gint64   seq)
{
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GpDocument) sealed = NULL;
  g_autofree char *id = NULL;
  GPtrArray *attachments;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (GP_IS_EVENT (draft), NULL);
  g_return_val_if_fail (seq >= 1, NULL);

  json = gp_document_to_json (GP_DOCUMENT (draft));
  json_object_remove_member (json, "_attachments");
  json_object_remove_member (json, "_rev");
  json_object_set_int_member (json, "seq", seq);
  body = json_object_new ();
  json_object_iter_init (&iter, json);
  while (json_object_iter_next (&iter, &member, &value))
    if (member[0] != '_')
      json_object_set_member (body, member, json_node_ref (value));
  id = gp_event_compute_id (gp_event_get_incident (draft), body);
  json_object_set_string_member (json, "_id", id);

  sealed = gp_document_new_from_json (json, NULL);
  g_return_val_if_fail (GP_IS_EVENT (sealed), NULL);
  attachments = gp_document_get_attachments (GP_DOCUMENT (draft));
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    gp_document_add_attachment (sealed, g_ptr_array_index (attachments, i));
  return GP_EVENT (g_steal_pointer (&sealed));
}
