/* gp-privacy.c
 *
 * Names, phone numbers and ID numbers of residents are shown masked unless
 * someone asks for them on purpose: a phone can be lost, a screen can be
 * read over a shoulder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-privacy"

#include "config.h"

#include "gp-privacy.h"
#include "gp-json.h"

#include <string.h>

/* Keep the first character (the family name) and hide the rest:
 * "张建国" → "张**". */
char *
gp_privacy_mask_name (const char *name)
{
  GString *masked;
  glong length;

  if (name == NULL || !g_utf8_validate (name, -1, NULL) || *name == '\0')
    return NULL;

  length = g_utf8_strlen (name, -1);
  masked = g_string_new (NULL);
  g_string_append_len (masked, name, g_utf8_next_char (name) - name);
  for (glong i = 1; i < MAX (length, 2); i++)
    g_string_append_c (masked, '*');
  return g_string_free (masked, FALSE);
}

/* Keep the first @head and last @tail characters of a run of digits. */
static char *
mask_middle (const char *text,
             gsize       head,
             gsize       tail)
{
  gsize length = strlen (text);
  char *masked = g_strdup (text);

  if (length <= head + tail)
    {
      /* Too short to show anything safely: hide all but the last two. */
      for (gsize i = 0; i + 2 < length; i++)
        masked[i] = '*';
      return masked;
    }

  for (gsize i = head; i < length - tail; i++)
    if (g_ascii_isalnum (masked[i]))
      masked[i] = '*';
  return masked;
}

/* "13812345678" → "138****5678", as Chinese services show phone numbers. */
char *
gp_privacy_mask_phone (const char *phone)
{
  if (phone == NULL || *phone == '\0')
    return NULL;
  return mask_middle (phone, 3, 4);
}

/* "610103199001011234" → "6101**********1234". */
char *
gp_privacy_mask_id_number (const char *id_number)
{
  if (id_number == NULL || *id_number == '\0')
    return NULL;
  return mask_middle (id_number, 4, 4);
}

static const struct
{
  const char *member;
  char     *(*mask) (const char *value);
} personal_members[] = {
  { "head", gp_privacy_mask_name },
  { "name_of_resident", gp_privacy_mask_name },
  { "phone", gp_privacy_mask_phone },
  { "id_number", gp_privacy_mask_id_number },
};

/* A copy of a household document with its personal members masked. Other
 * documents come back as plain copies. */
JsonObject *
gp_privacy_mask_document (JsonObject *doc)
{
  JsonObject *copy;

  g_return_val_if_fail (doc != NULL, NULL);

  copy = gp_json_object_copy (doc);
  if (g_strcmp0 (gp_json_get_string (doc, "type"), "household") != 0)
    return copy;

  for (guint i = 0; i < G_N_ELEMENTS (personal_members); i++)
    {
      const char *value = gp_json_get_string (doc, personal_members[i].member);
      g_autofree char *masked = NULL;

      if (value == NULL)
        continue;
      masked = personal_members[i].mask (value);
      json_object_set_string_member (copy, personal_members[i].member, masked ? masked : "");
    }
  return copy;
}
