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

static void
string_free (GString *string)
{
  g_string_free (string, TRUE);
}

/* Our own reader rather than JsonParser, as we have our own writer: every
 * document the store reads goes through it. JsonParser asks GObject, under
 * one lock for the whole process, whether anyone listens for each member
 * it reads, and makes a scanner for each text; threads reading side by
 * side (a case table rebuild) queued on that lock, and reading was a third
 * of a rebuild's time before they did.
 *
 * It reads RFC 8259 JSON as json-glib 1.10 does: a byte order mark
 * before it is passed over; numbers without a fraction or exponent are
 * integers (held at the int64 limits), others doubles; a member named
 * twice keeps its last value; a string's escaped NUL ends it; in a
 * string, a raw backspace, tab, line feed, form feed or carriage return
 * is an error, other control characters are taken as they are. Text
 * after the value, a lone surrogate and more than MAX_DEPTH objects and
 * arrays one inside the other are errors. */
#define MAX_DEPTH 1024

typedef struct
{
  const char *start, *p, *end;
  GString    *name;    /* a member's name, unescaped */
  GString    *text;    /* a string value, unescaped */
  guint       depth;
} Reader;

static JsonNode *read_value (Reader *reader);

static void
skip_space (Reader *reader)
{
  while (reader->p < reader->end &&
         (*reader->p == ' ' || *reader->p == '\n' || *reader->p == '\r' || *reader->p == '\t'))
    reader->p++;
}

static gboolean
read_hex4 (Reader   *reader,
           gunichar *value)
{
  *value = 0;
  if (reader->end - reader->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (reader->p[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + (gunichar) digit;
    }
  reader->p += 4;
  return TRUE;
}

/* The control characters json-glib takes for the end of a string. */
static inline gboolean
breaks_string (char c)
{
  return c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* A string's bytes after its opening quote, unescaped into @out. */
static gboolean
read_string (Reader  *reader,
             GString *out)
{
  g_string_truncate (out, 0);
  while (reader->p < reader->end)
    {
      const char *run = reader->p;
      gunichar code, low;
      char c;

      while (reader->p < reader->end && *reader->p != '"' && *reader->p != '\\' && !breaks_string (*reader->p))
        reader->p++;
      g_string_append_len (out, run, reader->p - run);
      if (reader->p == reader->end || breaks_string (*reader->p))
        return FALSE;
      if (*reader->p++ == '"')
        return TRUE;
      if (reader->p == reader->end)
        return FALSE;
      switch ((c = *reader->p++))
        {
        case '"': case '\\': case '/':
          g_string_append_c (out, c);
          break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          if (!read_hex4 (reader, &code) || (code >= 0xdc00 && code < 0xe000))
            return FALSE;
          if (code >= 0xd800 && code < 0xdc00)
            {
              if (reader->end - reader->p < 2 || reader->p[0] != '\\' || reader->p[1] != 'u')
                return FALSE;
              reader->p += 2;
              if (!read_hex4 (reader, &low) || low < 0xdc00 || low >= 0xe000)
                return FALSE;
              code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            }
          g_string_append_unichar (out, code);
          break;
        default:
          return FALSE;
        }
    }
  return FALSE;
}

static gboolean
skip_digits (Reader *reader)
{
  const char *first = reader->p;

  while (reader->p < reader->end && g_ascii_isdigit (*reader->p))
    reader->p++;
  return reader->p > first;
}

static JsonNode *
read_number (Reader *reader)
{
  const char *first = reader->p;
  gboolean integer = TRUE;
  JsonNode *node;

  if (*reader->p == '-')
    reader->p++;
  if (reader->p < reader->end && *reader->p == '0')
    reader->p++;
  else if (!skip_digits (reader))
    return NULL;
  if (reader->p < reader->end && *reader->p == '.')
    {
      reader->p++;
      integer = FALSE;
      if (!skip_digits (reader))
        return NULL;
    }
  if (reader->p < reader->end && (*reader->p == 'e' || *reader->p == 'E'))
    {
      reader->p++;
      integer = FALSE;
      if (reader->p < reader->end && (*reader->p == '+' || *reader->p == '-'))
        reader->p++;
      if (!skip_digits (reader))
        return NULL;
    }
  /* Copied: the text need not end after the number. */
  g_string_append_len (g_string_truncate (reader->text, 0), first, reader->p - first);
  node = json_node_alloc ();
  if (integer)
    json_node_init_int (node, g_ascii_strtoll (reader->text->str, NULL, 10));
  else
    json_node_init_double (node, g_ascii_strtod (reader->text->str, NULL));
  return node;
}

static gboolean
read_word (Reader     *reader,
           const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (reader->end - reader->p) < length || memcmp (reader->p, word, length) != 0)
    return FALSE;
  reader->p += length;
  return TRUE;
}

/* Past the opening bracket of an object or array, or an element of it:
 * %TRUE with @more set if another element follows (after a comma, or
 * the first), unset at @close; %FALSE for anything else. */
static gboolean
read_next (Reader   *reader,
           char      close,
           gboolean  first,
           gboolean *more)
{
  skip_space (reader);
  if (reader->p == reader->end)
    return FALSE;
  if (*reader->p == close)
    {
      reader->p++;
      *more = FALSE;
      return TRUE;
    }
  *more = TRUE;
  return first || *reader->p++ == ',';
}

static JsonNode *
read_object (Reader *reader)
{
  g_autoptr(JsonObject) object = json_object_new ();
  gboolean more = FALSE;

  reader->p++;
  for (gboolean first = TRUE; read_next (reader, '}', first, &more); first = FALSE)
    {
      g_autofree char *nested_name = NULL;
      JsonNode *value;

      if (!more)
        return json_node_init_object (json_node_alloc (), object);
      skip_space (reader);
      if (reader->p == reader->end || *reader->p != '"')
        return NULL;
      reader->p++;
      if (!read_string (reader, reader->name))
        return NULL;
      skip_space (reader);
      if (reader->p == reader->end || *reader->p != ':')
        return NULL;
      reader->p++;
      skip_space (reader);
      /* The members of a value that is an object read their names into
       * the same buffer. */
      if (reader->p < reader->end && (*reader->p == '{' || *reader->p == '['))
        nested_name = g_strdup (reader->name->str);
      if ((value = read_value (reader)) == NULL)
        return NULL;
      json_object_set_member (object, nested_name ? nested_name : reader->name->str, value);
    }
  return NULL;
}

static JsonNode *
read_array (Reader *reader)
{
  g_autoptr(JsonArray) array = json_array_new ();
  gboolean more = FALSE;

  reader->p++;
  for (gboolean first = TRUE; read_next (reader, ']', first, &more); first = FALSE)
    {
      JsonNode *value;

      if (!more)
        return json_node_init_array (json_node_alloc (), array);
      if ((value = read_value (reader)) == NULL)
        return NULL;
      json_array_add_element (array, value);
    }
  return NULL;
}

static JsonNode *
read_value (Reader *reader)
{
  JsonNode *node;

  skip_space (reader);
  if (reader->p == reader->end)
    return NULL;
  switch (*reader->p)
    {
    case '{':
    case '[':
      if (reader->depth == MAX_DEPTH)
        return NULL;
      reader->depth++;
      node = *reader->p == '{' ? read_object (reader) : read_array (reader);
      reader->depth--;
      return node;
    case '"':
      reader->p++;
      if (!read_string (reader, reader->text))
        return NULL;
      return json_node_init_string (json_node_alloc (), reader->text->str);
    case 't':
      return read_word (reader, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return read_word (reader, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return read_word (reader, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      return *reader->p == '-' || g_ascii_isdigit (*reader->p) ? read_number (reader) : NULL;
    }
}

static JsonNode *
parse (const char  *text,
       gssize       length,
       gboolean     object,
       GError     **error)
{
  /* Buffers a thread uses again from one text to the next. */
  static GPrivate names = G_PRIVATE_INIT ((GDestroyNotify) string_free);
  static GPrivate texts = G_PRIVATE_INIT ((GDestroyNotify) string_free);
  Reader reader = { 0 };
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = (gssize) strlen (text);
  if (!g_utf8_validate_len (text, (gsize) length, NULL))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("The JSON text is not UTF-8"));
      return NULL;
    }
  reader.start = reader.p = text;
  reader.end = text + length;
  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    reader.p += 3;
  if ((reader.name = g_private_get (&names)) == NULL)
    g_private_set (&names, (reader.name = g_string_new (NULL)));
  if ((reader.text = g_private_get (&texts)) == NULL)
    g_private_set (&texts, (reader.text = g_string_new (NULL)));

  skip_space (&reader);
  if (object && (reader.p == reader.end || *reader.p != '{'))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("Expected a JSON object"));
      return NULL;
    }
  root = read_value (&reader);
  if (root != NULL)
    skip_space (&reader);
  if (root == NULL || reader.p != reader.end)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   _("The JSON text is not valid at byte %u"), (guint) (reader.p - reader.start));
      return NULL;
    }
  return g_steal_pointer (&root);
}

/**
 * gp_json_parse_object:
 * @length: the text's length, or -1 when it ends with a NUL
 *
 * Reads JSON text that must be an object, as json-glib reads it (its
 * non-standard "\xHH" escapes aside), in a fraction of its time.
 */
JsonObject *
gp_json_parse_object (const char  *text,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonNode) root = parse (text, length, TRUE, error);

  return root != NULL ? json_object_ref (json_node_get_object (root)) : NULL;
}

/**
 * gp_json_parse:
 * @length: the text's length, or -1 when it ends with a NUL
 *
 * Reads JSON text of any value, as gp_json_parse_object() does.
 *
 * Returns: (transfer full): the value, or %NULL with @error set
 */
JsonNode *
gp_json_parse (const char  *text,
               gssize       length,
               GError     **error)
{
  return parse (text, length, FALSE, error);
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
