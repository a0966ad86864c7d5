/* gp-json.h — small helpers over json-glib that never trust their input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonObject *gp_json_parse_object  (const char  *text,
                                   gssize       length,
                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;
JsonNode   *gp_json_parse         (const char  *text,
                                   gssize       length,
                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;
char       *gp_json_to_string     (JsonObject  *object,
                                   gboolean     pretty) G_GNUC_WARN_UNUSED_RESULT;
char       *gp_json_node_to_string (JsonNode   *node,
                                   gboolean     pretty) G_GNUC_WARN_UNUSED_RESULT;
char       *gp_json_canonical_string (JsonNode *node) G_GNUC_WARN_UNUSED_RESULT;
JsonObject *gp_json_object_copy   (JsonObject  *object) G_GNUC_WARN_UNUSED_RESULT;
JsonNode   *gp_json_node_deep_copy (JsonNode   *node) G_GNUC_WARN_UNUSED_RESULT;
gboolean    gp_json_node_equal    (JsonNode    *a,
                                   JsonNode    *b);
gboolean    gp_json_object_equal  (JsonObject  *a,
                                   JsonObject  *b);

const char *gp_json_get_string    (JsonObject  *object,
                                   const char  *member);
gboolean    gp_json_get_int       (JsonObject  *object,
                                   const char  *member,
                                   gint64      *value);
gboolean    gp_json_get_number    (JsonObject  *object,
                                   const char  *member,
                                   double      *value);
JsonArray  *gp_json_get_array     (JsonObject  *object,
                                   const char  *member);
JsonObject *gp_json_get_object    (JsonObject  *object,
                                   const char  *member);
gboolean    gp_json_node_is_int   (JsonNode    *node);
gboolean    gp_json_node_is_number (JsonNode   *node);
gboolean    gp_json_node_is_string (JsonNode   *node);

GDateTime  *gp_json_parse_time    (const char  *text) G_GNUC_WARN_UNUSED_RESULT;
gboolean    gp_json_parse_date    (const char  *text,
                                   GDate       *date);
char       *gp_json_format_time   (GDateTime   *time) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
