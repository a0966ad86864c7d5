/* gp-json.c — small helpers over json-glib that never trust their input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-json"

#include "config.h"

#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

JsonObject *
gp_json_parse_object (const char  *text,
                      gssize       length,
                      GError     **error)
{
  /* Not json_parser_new_immutable(): json-glib aborts on an immutable
   * parse of two values one after the other ("{}{}"), which any file or
   * reply from outside may be. */
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_return_val_if_fail (text != NULL, NULL);

  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("Expected a JSON object"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Our own writer rather than JsonGenerator: members keep their order,
 * numbers are written in the fewest digits that read back to the same
 * double (json-glib 1.6 writes 17 digits, 34.259568399999999), and a double
 * keeps its ".0" so it reads back as a double. Revision hashes are taken
 * over this text, so it must never depend on the library's version. */
static void
write_string (GString    *out,
              const char *text)
{
  g_string_append_c (out, '"');
  for (const char *c = text; *c; c++)
    {
      switch (*c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if ((guchar) *c < 0x20)
            g_string_append_printf (out, "\\u%04x", (guchar) *c);
          else
            g_string_append_c (out, *c);
        }
    }
  g_string_append_c (out, '"');
}

static void
write_double (GString *out,
              double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null"); /* JSON has no NaN or infinity */
      return;
    }

  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

/* A number as JavaScript writes it (ECMAScript's Number::toString): the
 * fewest digits that read back to the same double, in plain notation from
 * 1e-6 up to 1e21 and in exponent notation outside. */
static void
write_js_number (GString *out,
                 double   value)
{
  char buffer[64];
  char digits[32];
  int k = 0, n, exponent = 0;
  const char *e;

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  if (value == 0)
    {
      g_string_append_c (out, '0');   /* -0 too */
      return;
    }
  if (value < 0)
    {
      g_string_append_c (out, '-');
      value = -value;
    }
  /* The shortest d.ddde±x that reads back; %e rounds to the nearest. */
  for (int precision = 0; precision <= 16; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  for (const char *c = buffer; *c && *c != 'e'; c++)
    if (g_ascii_isdigit (*c))
      digits[k++] = *c;
  while (k > 1 && digits[k - 1] == '0')
    k--;
  digits[k] = '\0';
  e = strchr (buffer, 'e');
  exponent = e ? atoi (e + 1) : 0;
  n = exponent + 1;

  if (k <= n && n <= 21)
    {
      g_string_append (out, digits);
      for (int i = 0; i < n - k; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < n && n <= 21)
    {
      g_string_append_len (out, digits, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits + n);
    }
  else if (-6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      for (int i = 0; i < -n; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 < 0 ? '-' : '+', ABS (n - 1));
    }
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

typedef enum
{
  WRITE_PLAIN     = 0,
  WRITE_PRETTY    = 1 << 0,
  /* Members sorted, numbers as JavaScript writes them: see
   * gp_json_canonical_string(). */
  WRITE_CANONICAL = 1 << 1,
} WriteFlags;

static void
write_indent (GString    *out,
              WriteFlags  flags,
              guint       depth)
{
  if (!(flags & WRITE_PRETTY))
    return;
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
write_node (GString    *out,
            JsonNode   *node,
            WriteFlags  flags,
            guint       depth)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GPtrArray) members = g_ptr_array_new ();
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        if (json_object_get_size (object) == 0)
          {
            g_string_append (out, "{}");
            break;
          }
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &member, &value))
          g_ptr_array_add (members, (gpointer) member);
        if (flags & WRITE_CANONICAL)
          g_ptr_array_sort (members, compare_members);
        g_string_append_c (out, '{');
        for (guint i = 0; i < members->len; i++)
          {
            member = g_ptr_array_index (members, i);
            if (i > 0)
              g_string_append_c (out, ',');
            write_indent (out, flags, depth + 1);
            write_string (out, member);
            g_string_append (out, (flags & WRITE_PRETTY) ? ": " : ":");
            write_node (out, json_object_get_member (object, member), flags, depth + 1);
          }
        write_indent (out, flags, depth);
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        if (n == 0)
          {
            g_string_append (out, "[]");
            break;
          }
        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_indent (out, flags, depth + 1);
            write_node (out, json_array_get_element (array, i), flags, depth + 1);
          }
        write_indent (out, flags, depth);
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          if (flags & WRITE_CANONICAL)
            write_js_number (out, (double) json_node_get_int (node));
          else
            g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          if (flags & WRITE_CANONICAL)
            write_js_number (out, json_node_get_double (node));
          else
            write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
gp_json_node_to_string (JsonNode *node,
                        gboolean  pretty)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  write_node (out, node, pretty ? WRITE_PRETTY : WRITE_PLAIN, 0);
  return g_string_free (out, FALSE);
}

/**
 * gp_json_canonical_string:
 *
 * @node as the centre's rules write it in JavaScript: members sorted, no
 * space, numbers and strings exactly as `JSON.stringify()` writes them, so
 * that a hash taken over it here and there agrees.
 */
char *
gp_json_canonical_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  write_node (out, node, WRITE_CANONICAL, 0);
  return g_string_free (out, FALSE);
}

char *
gp_json_to_string (JsonObject *object,
                   gboolean    pretty)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (object != NULL, NULL);

  json_node_set_object (node, object);
  return gp_json_node_to_string (node, pretty);
}

/* json_node_copy() shares containers; documents need copies that can be
 * edited without touching the original. */
JsonNode *
gp_json_node_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, gp_json_object_copy (json_node_get_object (node)));
      return copy;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        JsonArray *array_copy = json_array_sized_new (n);

        for (guint i = 0; i < n; i++)
          json_array_add_element (array_copy, gp_json_node_deep_copy (json_array_get_element (array, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array_copy);
        return copy;
      }

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

JsonObject *
gp_json_object_copy (JsonObject *object)
{
  JsonObject *result;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  g_return_val_if_fail (object != NULL, NULL);

  result = json_object_new ();
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    json_object_set_member (result, member, gp_json_node_deep_copy (value));

  return result;
}

gboolean
gp_json_node_is_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64;
}

gboolean
gp_json_node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || (type == G_TYPE_DOUBLE && isfinite (json_node_get_double (node)));
}

gboolean
gp_json_node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Equality as JSON means it: member order does not matter, and 4 equals 4.0. */
gboolean
gp_json_node_equal (JsonNode *a,
                    JsonNode *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (gp_json_node_is_number (a) && gp_json_node_is_number (b))
    {
      if (gp_json_node_is_int (a) && gp_json_node_is_int (b))
        return json_node_get_int (a) == json_node_get_int (b);
      return json_node_get_double (a) == json_node_get_double (b);
    }

  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_OBJECT:
      return gp_json_object_equal (json_node_get_object (a), json_node_get_object (b));

    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a);
        JsonArray *y = json_node_get_array (b);
        guint n = json_array_get_length (x);

        if (n != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!gp_json_node_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
    default:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        return FALSE;
      if (json_node_get_value_type (a) == G_TYPE_STRING)
        return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
      if (json_node_get_value_type (a) == G_TYPE_BOOLEAN)
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      return FALSE;
    }
}

gboolean
gp_json_object_equal (JsonObject *a,
                      JsonObject *b)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || json_object_get_size (a) != json_object_get_size (b))
    return FALSE;

  json_object_iter_init_ordered (&iter, a);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    if (!gp_json_node_equal (value, json_object_get_member (b, member)))
      return FALSE;

  return TRUE;
}

const char *
gp_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return gp_json_node_is_string (node) ? json_node_get_string (node) : NULL;
}

gboolean
gp_json_get_int (JsonObject *object,
                 const char *member,
                 gint64     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (!gp_json_node_is_int (node))
    return FALSE;
  if (value != NULL)
    *value = json_node_get_int (node);
  return TRUE;
}

gboolean
gp_json_get_number (JsonObject *object,
                    const char *member,
                    double     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (!gp_json_node_is_number (node))
    return FALSE;
  if (value != NULL)
    *value = json_node_get_double (node);
  return TRUE;
}

JsonArray *
gp_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
gp_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Times in documents are ISO 8601 with an offset ("2026-11-22T09:30:00+08:00");
 * a time without one is refused rather than guessed. */
GDateTime *
gp_json_parse_time (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (text, NULL);
}

char *
gp_json_format_time (GDateTime *time)
{
  g_return_val_if_fail (time != NULL, NULL);

  if (g_date_time_get_utc_offset (time) == 0)
    return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
}

/* Calendar dates are "YYYY-MM-DD", nothing more. */
gboolean
gp_json_parse_date (const char *text,
                    GDate      *date)
{
  guint year, month, day;
  char tail;

  if (text == NULL || strlen (text) != 10 ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;

  if (date != NULL)
    g_date_set_dmy (date, day, month, year);
  return TRUE;
}
