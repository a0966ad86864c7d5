/* gp-document.c
 *
 * A document is its JSON body. Typed properties read and write members of
 * that body, so whatever a newer version of GridPatrol (or the centre) put
 * in a document survives being loaded, edited and saved here: nothing is
 * parsed into fields and written back from them.
 *
 * Subclasses declare their members as GParamSpecs; the pspec's type, range
 * and GP_PARAM_REQUIRED flag are the member's validation rules.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-document"

#include "config.h"

#include "gp-document.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-revision.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MAX_ID_LENGTH 200

typedef struct
{
  char       *id;
  char       *rev;
  JsonObject *body;
  GPtrArray  *attachments;
} GpDocumentPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GpDocument, gp_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_REV,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (gp-document-error-quark, gp_document_error)

static GQuark
member_name_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("gp-document-member");
  return quark;
}

static const struct
{
  const char *name;
  GType     (*get_type) (void);
} document_types[] = {
  { "grid", gp_grid_get_type },
  { "policy", gp_policy_get_type },
  { "directory", gp_directory_get_type },
  { "building", gp_building_get_type },
  { "household", gp_household_get_type },
  { "lane", gp_lane_get_type },
  { "component", gp_component_get_type },
  { "route", gp_route_get_type },
  { "patrol", gp_patrol_get_type },
  { "incident", gp_incident_get_type },
  { "event", gp_event_get_type },
  { "visit", gp_visit_get_type },
};

GType
gp_document_type_from_name (const char *type_name)
{
  for (guint i = 0; type_name != NULL && i < G_N_ELEMENTS (document_types); i++)
    if (g_str_equal (document_types[i].name, type_name))
      return document_types[i].get_type ();
  return G_TYPE_INVALID;
}

const char * const *
gp_document_get_type_names (void)
{
  static const char *names[G_N_ELEMENTS (document_types) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (document_types); i++)
      names[i] = document_types[i].name;
  return names;
}

static const char *
pspec_member (GParamSpec *pspec)
{
  return g_param_spec_get_qdata (pspec, member_name_quark ());
}

static void
gp_document_finalize (GObject *object)
{
  GpDocument *self = (GpDocument *) object;
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->rev, g_free);
  g_clear_pointer (&priv->body, json_object_unref);
  g_clear_pointer (&priv->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (gp_document_parent_class)->finalize (object);
}

static void
gp_document_constructed (GObject *object)
{
  GpDocument *self = (GpDocument *) object;
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  G_OBJECT_CLASS (gp_document_parent_class)->constructed (object);

  json_object_set_string_member (priv->body, "type", GP_DOCUMENT_GET_CLASS (self)->type_name);
}

static void
gp_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  GpDocument *self = GP_DOCUMENT (object);
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;

    case PROP_REV:
      g_value_set_string (value, priv->rev);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_document_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  GpDocument *self = GP_DOCUMENT (object);
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_dup_string (value);
      break;

    case PROP_REV:
      gp_document_set_rev (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_document_class_init (GpDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gp_document_finalize;
  object_class->constructed = gp_document_constructed;
  object_class->get_property = gp_document_get_property;
  object_class->set_property = gp_document_set_property;

  klass->max_size = GP_DOCUMENT_MAX_SIZE;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REV] =
    g_param_spec_string ("rev", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gp_document_init (GpDocument *self)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  priv->body = json_object_new ();
  priv->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_attachment_unref);
}

/* Properties of subclasses: each reads and writes one member of the body. */

static void
member_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  GpDocument *self = GP_DOCUMENT (object);
  const char *member = pspec_member (pspec);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (type == G_TYPE_STRING)
    g_value_set_string (value, gp_document_get_string_member (self, member));
  else if (type == G_TYPE_INT)
    g_value_set_int (value, (int) gp_document_get_int_member (self, member,
                                                               G_PARAM_SPEC_INT (pspec)->default_value));
  else if (type == G_TYPE_INT64)
    g_value_set_int64 (value, gp_document_get_int_member (self, member,
                                                          G_PARAM_SPEC_INT64 (pspec)->default_value));
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (value, gp_document_get_double_member (self, member,
                                                              G_PARAM_SPEC_DOUBLE (pspec)->default_value));
  else if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, gp_document_get_boolean_member (self, member));
  else if (type == G_TYPE_STRV)
    g_value_take_boxed (value, gp_document_dup_strv_member (self, member));
  else if (type == G_TYPE_DATE_TIME)
    g_value_take_boxed (value, gp_document_dup_time_member (self, member));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static JsonNode *
node_from_value (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);
  JsonNode *node = NULL;

  if (type == G_TYPE_STRING)
    {
      const char *s = g_value_get_string (value);

      if (s != NULL && *s != '\0')
        node = json_node_init_string (json_node_alloc (), s);
    }
  else if (type == G_TYPE_INT)
    node = json_node_init_int (json_node_alloc (), g_value_get_int (value));
  else if (type == G_TYPE_INT64)
    node = json_node_init_int (json_node_alloc (), g_value_get_int64 (value));
  else if (type == G_TYPE_DOUBLE)
    node = json_node_init_double (json_node_alloc (), g_value_get_double (value));
  else if (type == G_TYPE_BOOLEAN)
    node = json_node_init_boolean (json_node_alloc (), g_value_get_boolean (value));
  else if (type == G_TYPE_STRV)
    {
      const char * const *strv = g_value_get_boxed (value);

      if (strv != NULL && strv[0] != NULL)
        {
          JsonArray *array = json_array_new ();

          for (guint i = 0; strv[i] != NULL; i++)
            json_array_add_string_element (array, strv[i]);
          node = json_node_init_array (json_node_alloc (), array);
          json_array_unref (array);
        }
    }
  else if (type == G_TYPE_DATE_TIME)
    {
      GDateTime *time = g_value_get_boxed (value);

      if (time != NULL)
        {
          g_autofree char *text = gp_json_format_time (time);

          node = json_node_init_string (json_node_alloc (), text);
        }
    }
  else
    g_return_val_if_reached (NULL);

  return node;
}

static void
member_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  GpDocument *self = GP_DOCUMENT (object);
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  const char *member = pspec_member (pspec);
  g_autoptr(JsonNode) node = node_from_value (value);

  if (gp_json_node_equal (json_object_get_member (priv->body, member), node))
    return;

  if (node == NULL)
    json_object_remove_member (priv->body, member);
  else
    json_object_set_member (priv->body, member, g_steal_pointer (&node));

  g_object_notify_by_pspec (object, pspec);
}

void
gp_document_class_install_members (GpDocumentClass  *klass,
                                   GParamSpec      **pspecs,
                                   guint             n_pspecs)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = member_get_property;
  object_class->set_property = member_set_property;

  for (guint i = 0; i < n_pspecs; i++)
    {
      g_autofree char *member = g_strdup (g_param_spec_get_name (pspecs[i]));

      g_strdelimit (member, "-", '_');
      g_param_spec_set_qdata_full (pspecs[i], member_name_quark (),
                                   g_steal_pointer (&member), g_free);
      g_object_class_install_property (object_class, i + 1, pspecs[i]);
    }
}

/* Constructors and (de)serialisation. */

GpDocument *
gp_document_new (const char *type_name,
                 const char *id)
{
  GType type = gp_document_type_from_name (type_name);

  g_return_val_if_fail (type != G_TYPE_INVALID, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (type, "id", id, NULL);
}

static GpAttachment *
attachment_from_json (const char  *name,
                      JsonObject  *info,
                      GError     **error)
{
  const char *content_type = gp_json_get_string (info, "content_type");
  const char *data = gp_json_get_string (info, "data");
  gint64 length = 0, revpos = 0;

  if (data != NULL)
    {
      gsize size = 0;
      g_autofree guchar *raw = g_base64_decode (data, &size);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&raw), size);

      return gp_attachment_new (name, content_type, bytes);
    }

  if (gp_json_get_string (info, "digest") == NULL)
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("attachment “%s” has neither data nor a digest"), name);
      return NULL;
    }

  gp_json_get_int (info, "length", &length);
  gp_json_get_int (info, "revpos", &revpos);
  return gp_attachment_new_stub (name, content_type, gp_json_get_string (info, "digest"),
                                 length, (guint) CLAMP (revpos, 0, G_MAXINT));
}

/* @take: @json becomes the body, its underscored members taken out,
 * rather than copied. */
static GpDocument *
document_new (JsonObject  *json,
              gboolean     take,
              GError     **error)
{
  const char *type_name = gp_json_get_string (json, "type");
  const char *id = gp_json_get_string (json, "_id");
  g_autoptr(GpDocument) self = NULL;
  GpDocumentPrivate *priv;
  JsonObject *attachments;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  GType type;

  if (id == NULL || *id == '\0')
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID,
                           _("the document has no id"));
      return NULL;
    }

  type = gp_document_type_from_name (type_name);
  if (type == G_TYPE_INVALID)
    {
      if (type_name == NULL)
        g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_UNKNOWN_TYPE,
                             _("the document has no type"));
      else
        g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_UNKNOWN_TYPE,
                     _("“%s” is not a document type"), type_name);
      return NULL;
    }

  self = g_object_new (type, "id", id, NULL);
  priv = gp_document_get_instance_private (self);
  priv->rev = g_strdup (gp_json_get_string (json, "_rev"));

  /* Replace the fresh body with the document's, keeping its member order. */
  g_clear_pointer (&priv->body, json_object_unref);
  if (!take)
    {
      priv->body = json_object_new ();
      json_object_iter_init_ordered (&iter, json);
      while (json_object_iter_next_ordered (&iter, &member, &value))
        if (member[0] != '_')
          json_object_set_member (priv->body, member, gp_json_node_deep_copy (value));
    }

  attachments = gp_json_get_object (json, "_attachments");
  if (attachments != NULL)
    {
      json_object_iter_init_ordered (&iter, attachments);
      while (json_object_iter_next_ordered (&iter, &member, &value))
        {
          GpAttachment *attachment;

          if (!JSON_NODE_HOLDS_OBJECT (value))
            {
              g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("attachment “%s” is not an object"), member);
              return NULL;
            }
          attachment = attachment_from_json (member, json_node_get_object (value), error);
          if (attachment == NULL)
            return NULL;
          g_ptr_array_add (priv->attachments, attachment);
        }
    }

  if (take)
    {
      g_autoptr(GPtrArray) own = g_ptr_array_new ();

      json_object_iter_init_ordered (&iter, json);
      while (json_object_iter_next_ordered (&iter, &member, &value))
        if (member[0] == '_')
          g_ptr_array_add (own, (gpointer) member);
      /* The names go with their members: the id and revision were copied. */
      for (guint i = own->len; i > 0; i--)
        json_object_remove_member (json, g_ptr_array_index (own, i - 1));
      priv->body = json_object_ref (json);
    }
  return g_steal_pointer (&self);
}

GpDocument *
gp_document_new_from_json (JsonObject  *json,
                           GError     **error)
{
  g_return_val_if_fail (json != NULL, NULL);

  return document_new (json, FALSE, error);
}

/**
 * gp_document_new_take_json:
 * @json: (transfer full): a document as gp_document_to_json() makes it
 *
 * As gp_document_new_from_json(), without copying the body: @json
 * becomes the new document's, its "_id", "_rev" and "_attachments" taken
 * out (strings read from them before are freed). For JSON just read from
 * the store, which nothing else holds.
 */
GpDocument *
gp_document_new_take_json (JsonObject  *json,
                           GError     **error)
{
  g_autoptr(JsonObject) owned = json;

  g_return_val_if_fail (json != NULL, NULL);

  return document_new (owned, TRUE, error);
}

/* CouchDB's shape: _id, _rev, the body, and stubs for stored attachments.
 * Attachments not yet stored are handed to the store separately. */
JsonObject *
gp_document_to_json (GpDocument *self)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  g_autoptr(JsonObject) body = NULL;
  JsonObject *json;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  JsonObject *stubs = NULL;

  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  json = json_object_new ();
  json_object_set_string_member (json, "_id", priv->id);
  if (priv->rev != NULL)
    json_object_set_string_member (json, "_rev", priv->rev);

  body = gp_json_object_copy (priv->body);
  json_object_iter_init_ordered (&iter, body);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    json_object_set_member (json, member, json_node_ref (value));

  for (guint i = 0; i < priv->attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (priv->attachments, i);

      if (!gp_attachment_is_stub (attachment))
        continue;

      if (stubs == NULL)
        stubs = json_object_new ();
      json_object_set_object_member (stubs, attachment->name, gp_attachment_to_stub_json (attachment));
    }
  if (stubs != NULL)
    json_object_set_object_member (json, "_attachments", stubs);

  return json;
}

/* Validation. */

static gboolean
validate_id (GpDocument  *self,
             GError     **error)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  const char *type_name = GP_DOCUMENT_GET_CLASS (self)->type_name;
  gsize prefix_length = strlen (type_name);

  if (priv->id == NULL || !g_str_has_prefix (priv->id, type_name) ||
      priv->id[prefix_length] != ':' || priv->id[prefix_length + 1] == '\0')
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID,
                   _("the id must look like “%s:CODE”"), type_name);
      return FALSE;
    }

  if (strlen (priv->id) > MAX_ID_LENGTH || !g_utf8_validate (priv->id, -1, NULL))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID,
                   _("the id is not valid UTF-8 or is longer than %d bytes"), MAX_ID_LENGTH);
      return FALSE;
    }

  for (const char *c = priv->id; *c; c++)
    if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c))
      {
        g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID,
                             _("the id must not contain spaces or control characters"));
        return FALSE;
      }

  return TRUE;
}

static gboolean
validate_member (GpDocument  *self,
                 GParamSpec  *pspec,
                 GError     **error)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  const char *member = pspec_member (pspec);
  JsonNode *node = json_object_get_member (priv->body, member);
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (pspec->flags & GP_PARAM_REQUIRED)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                       _("“%s” is missing"), member);
          return FALSE;
        }
      return TRUE;
    }

  if (type == G_TYPE_STRING)
    {
      if (!gp_json_node_is_string (node))
        goto wrong_type;
      if ((pspec->flags & GP_PARAM_REQUIRED) && *json_node_get_string (node) == '\0')
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                       _("“%s” is empty"), member);
          return FALSE;
        }
    }
  else if (type == G_TYPE_INT || type == G_TYPE_INT64)
    {
      gint64 minimum, maximum, value;

      if (!gp_json_node_is_int (node))
        goto wrong_type;
      if (type == G_TYPE_INT)
        minimum = G_PARAM_SPEC_INT (pspec)->minimum, maximum = G_PARAM_SPEC_INT (pspec)->maximum;
      else
        minimum = G_PARAM_SPEC_INT64 (pspec)->minimum, maximum = G_PARAM_SPEC_INT64 (pspec)->maximum;
      value = json_node_get_int (node);
      if (value < minimum || value > maximum)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_OUT_OF_RANGE,
                       _("“%s” must be between %lld and %lld"),
                       member, (long long) minimum, (long long) maximum);
          return FALSE;
        }
    }
  else if (type == G_TYPE_DOUBLE)
    {
      GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
      double value;

      if (!gp_json_node_is_number (node))
        goto wrong_type;
      value = json_node_get_double (node);
      if (value < spec->minimum || value > spec->maximum)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_OUT_OF_RANGE,
                       _("“%s” must be between %g and %g"), member, spec->minimum, spec->maximum);
          return FALSE;
        }
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        goto wrong_type;
    }
  else if (type == G_TYPE_STRV)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto wrong_type;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!gp_json_node_is_string (element) || *json_node_get_string (element) == '\0')
            goto wrong_type;
        }
    }
  else if (type == G_TYPE_DATE_TIME)
    {
      g_autoptr(GDateTime) time = NULL;

      if (!gp_json_node_is_string (node))
        goto wrong_type;
      time = gp_json_parse_time (json_node_get_string (node));
      if (time == NULL)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                       _("“%s” must be a time with its offset, such as 2026-11-22T09:30:00+08:00"),
                       member);
          return FALSE;
        }
    }

  return TRUE;

wrong_type:
  if (type == G_TYPE_STRING)
    g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                 _("“%s” must be text"), member);
  else if (type == G_TYPE_INT || type == G_TYPE_INT64)
    g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                 _("“%s” must be a whole number"), member);
  else if (type == G_TYPE_DOUBLE)
    g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                 _("“%s” must be a number"), member);
  else if (type == G_TYPE_BOOLEAN)
    g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                 _("“%s” must be true or false"), member);
  else
    g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                 _("“%s” must be a list of texts"), member);
  return FALSE;
}

/* The largest body a document of @type_name may have; the default for a
 * type this version does not know. */
gsize
gp_document_type_get_max_size (const char *type_name)
{
  GType type = gp_document_type_from_name (type_name);
  g_autoptr(GTypeClass) klass = NULL;

  if (type == G_TYPE_INVALID)
    return GP_DOCUMENT_MAX_SIZE;
  klass = g_type_class_ref (type);
  return GP_DOCUMENT_CLASS (klass)->max_size;
}

gboolean
gp_document_validate (GpDocument  *self,
                      GError     **error)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  GpDocumentClass *klass = GP_DOCUMENT_GET_CLASS (self);
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;
  JsonNode *geometry;

  g_return_val_if_fail (GP_IS_DOCUMENT (self), FALSE);

  if (!validate_id (self, error))
    return FALSE;

  if (g_strcmp0 (gp_json_get_string (priv->body, "type"), klass->type_name) != 0)
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("“type” must be “%s”"), klass->type_name);
      return FALSE;
    }

  pspecs = g_object_class_list_properties (G_OBJECT_CLASS (klass), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if (pspec_member (pspecs[i]) != NULL && !validate_member (self, pspecs[i], error))
      return FALSE;

  geometry = json_object_get_member (priv->body, "geometry");
  if (klass->geometry_type != NULL &&
      (klass->geometry_required || (geometry != NULL && !JSON_NODE_HOLDS_NULL (geometry))))
    {
      g_autoptr(GError) local_error = NULL;

      if (geometry != NULL && !JSON_NODE_HOLDS_OBJECT (geometry) && !JSON_NODE_HOLDS_NULL (geometry))
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_GEOMETRY,
                               _("“geometry” must be a GeoJSON geometry object"));
          return FALSE;
        }
      if (!gp_geo_geometry_validate (gp_json_get_object (priv->body, "geometry"),
                                     klass->geometry_type, &local_error))
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_GEOMETRY,
                               local_error->message);
          return FALSE;
        }
    }

  if (priv->attachments->len > GP_DOCUMENT_MAX_ATTACHMENTS)
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_TOO_LARGE,
                   _("a document may have at most %d attachments"), GP_DOCUMENT_MAX_ATTACHMENTS);
      return FALSE;
    }
  for (guint i = 0; i < priv->attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (priv->attachments, i);

      if (attachment->name[0] == '_' || strchr (attachment->name, '/') != NULL)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("attachment name “%s” must not start with “_” or contain “/”"),
                       attachment->name);
          return FALSE;
        }
      if (attachment->length < 0 || attachment->length > GP_DOCUMENT_MAX_ATTACHMENT)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_TOO_LARGE,
                       _("attachment “%s” is larger than %d MB"), attachment->name,
                       GP_DOCUMENT_MAX_ATTACHMENT / (1024 * 1024));
          return FALSE;
        }
    }

  {
    g_autofree char *json = gp_json_to_string (priv->body, FALSE);

    if (strlen (json) > klass->max_size)
      {
        g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_TOO_LARGE,
                     _("the document is larger than the %zu KB a document of its kind may be"),
                     klass->max_size / 1024);
        return FALSE;
      }
  }

  if (klass->validate != NULL && !klass->validate (self, error))
    return FALSE;

  return TRUE;
}

gboolean
gp_document_check_reference (GpDocument  *self,
                             const char  *member,
                             const char  *type_name,
                             GError     **error)
{
  const char *value = gp_document_get_string_member (self, member);
  g_autofree char *prefix = g_strconcat (type_name, ":", NULL);

  if (value == NULL)
    return TRUE;

  if (!g_str_has_prefix (value, prefix) || value[strlen (prefix)] == '\0')
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("“%s” must be the id of a %s (%sCODE)"), member, type_name, prefix);
      return FALSE;
    }
  return TRUE;
}

gboolean
gp_document_check_choice (GpDocument          *self,
                          const char          *member,
                          const char * const  *choices,
                          GError             **error)
{
  const char *value = gp_document_get_string_member (self, member);
  g_autofree char *list = NULL;

  if (value == NULL || g_strv_contains (choices, value))
    return TRUE;

  list = g_strjoinv (", ", (char **) choices);
  g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
               _("“%s” must be one of: %s"), member, list);
  return FALSE;
}

/* Accessors. */

const char *
gp_document_get_id (GpDocument *self)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  return priv->id;
}

const char *
gp_document_get_rev (GpDocument *self)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  return priv->rev;
}

void
gp_document_set_rev (GpDocument *self,
                     const char *rev)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_if_fail (GP_IS_DOCUMENT (self));

  if (g_strcmp0 (priv->rev, rev) == 0)
    return;

  g_free (priv->rev);
  priv->rev = g_strdup (rev);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
}

const char *
gp_document_get_type_name (GpDocument *self)
{
  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  return GP_DOCUMENT_GET_CLASS (self)->type_name;
}

JsonObject *
gp_document_get_body (GpDocument *self)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  return priv->body;
}

JsonObject *
gp_document_get_geometry (GpDocument *self)
{
  return gp_document_get_object_member (self, "geometry");
}

void
gp_document_set_geometry (GpDocument *self,
                          JsonObject *geometry)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (GP_IS_DOCUMENT (self));

  if (geometry != NULL)
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, geometry);
    }
  gp_document_set_member (self, "geometry", node);
}

const char *
gp_document_get_string_member (GpDocument *self,
                               const char *member)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  return gp_json_get_string (priv->body, member);
}

gint64
gp_document_get_int_member (GpDocument *self,
                            const char *member,
                            gint64      fallback)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  gint64 value;

  return gp_json_get_int (priv->body, member, &value) ? value : fallback;
}

double
gp_document_get_double_member (GpDocument *self,
                               const char *member,
                               double      fallback)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  double value;

  return gp_json_get_number (priv->body, member, &value) ? value : fallback;
}

gboolean
gp_document_get_boolean_member (GpDocument *self,
                                const char *member)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  JsonNode *node = json_object_get_member (priv->body, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

GDateTime *
gp_document_dup_time_member (GpDocument *self,
                             const char *member)
{
  return gp_json_parse_time (gp_document_get_string_member (self, member));
}

char **
gp_document_dup_strv_member (GpDocument *self,
                             const char *member)
{
  JsonArray *array = gp_document_get_array_member (self, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (gp_json_node_is_string (element))
        g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

JsonArray *
gp_document_get_array_member (GpDocument *self,
                              const char *member)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  return gp_json_get_array (priv->body, member);
}

JsonObject *
gp_document_get_object_member (GpDocument *self,
                               const char *member)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  return gp_json_get_object (priv->body, member);
}

/* Sets (or with NULL removes) a member that has no property of its own,
 * such as a list of checkpoints. */
void
gp_document_set_member (GpDocument *self,
                        const char *member,
                        JsonNode   *value)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_if_fail (GP_IS_DOCUMENT (self));
  g_return_if_fail (member != NULL && member[0] != '_');

  if (value == NULL)
    json_object_remove_member (priv->body, member);
  else
    json_object_set_member (priv->body, member, json_node_ref (value));
}

/* Attachments. */

GPtrArray *
gp_document_get_attachments (GpDocument *self)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  return priv->attachments;
}

GpAttachment *
gp_document_get_attachment (GpDocument *self,
                            const char *name)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_val_if_fail (GP_IS_DOCUMENT (self), NULL);

  for (guint i = 0; i < priv->attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (priv->attachments, i);

      if (g_str_equal (attachment->name, name))
        return attachment;
    }
  return NULL;
}

void
gp_document_add_attachment (GpDocument   *self,
                            GpAttachment *attachment)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_if_fail (GP_IS_DOCUMENT (self));
  g_return_if_fail (attachment != NULL);

  gp_document_remove_attachment (self, attachment->name);
  g_ptr_array_add (priv->attachments, gp_attachment_ref (attachment));
}

gboolean
gp_document_remove_attachment (GpDocument *self,
                               const char *name)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);

  g_return_val_if_fail (GP_IS_DOCUMENT (self), FALSE);

  for (guint i = 0; i < priv->attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (priv->attachments, i);

      if (g_str_equal (attachment->name, name))
        {
          g_ptr_array_remove_index (priv->attachments, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* After a save: the new revision, and new attachments become stubs. */
void
gp_document_mark_saved (GpDocument *self,
                        const char *rev)
{
  GpDocumentPrivate *priv = gp_document_get_instance_private (self);
  guint pos = 0;

  g_return_if_fail (GP_IS_DOCUMENT (self));
  g_return_if_fail (gp_revision_parse (rev, &pos, NULL));

  for (guint i = 0; i < priv->attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (priv->attachments, i);

      if (gp_attachment_is_stub (attachment))
        continue;

      g_ptr_array_index (priv->attachments, i) =
        gp_attachment_new_stub (attachment->name, attachment->content_type,
                                attachment->digest, attachment->length, pos);
      gp_attachment_unref (attachment);
    }

  gp_document_set_rev (self, rev);
}
