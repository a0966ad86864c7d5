/* gp-categories.c
 *
 * The categories ship with the app (data/categories/categories.json, in the
 * core's resources) and the grid centre can replace them with a document
 * "categories" of the same shape, which then comes with the grid's data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-categories"

#include "config.h"

#include "gp-categories.h"
#include "gp-model-resources.h"
#include "gp-document.h"
#include "gp-json.h"
#include "gp-worker.h"
#include "gp-store.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

struct _GpCategories
{
  GObject     parent_instance;

  char       *name;
  GPtrArray  *items;     /* GpCategory, tree order */
  GHashTable *by_code;   /* code → GpCategory */
};

G_DEFINE_FINAL_TYPE (GpCategories, gp_categories, G_TYPE_OBJECT)

static void
category_free (GpCategory *category)
{
  g_free (category->code);
  g_free (category->label);
  g_free (category->class_code);
  g_free (category->class_label);
  g_free (category->family);
  g_free (category->initials);
  g_free (category);
}

static void
gp_categories_finalize (GObject *object)
{
  GpCategories *self = (GpCategories *) object;

  g_free (self->name);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_code, g_hash_table_unref);

  G_OBJECT_CLASS (gp_categories_parent_class)->finalize (object);
}

static void
gp_categories_class_init (GpCategoriesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_categories_finalize;
}

static void
gp_categories_init (GpCategories *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) category_free);
  self->by_code = g_hash_table_new (g_str_hash, g_str_equal);
}

static gboolean
invalid (GError     **error,
         const char  *where)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("the category list is not usable: %s"), where);
  return FALSE;
}

/**
 * gp_categories_new_from_json:
 *
 * A category list from its JSON: "classes", each with a two-digit "code",
 * a "label" and "items", each with a code that starts with its class's, a
 * "label", optionally a "severity" 1–4 and "urgent".
 */
GpCategories *
gp_categories_new_from_json (JsonObject  *json,
                             GError     **error)
{
  g_autoptr(GpCategories) self = g_object_new (GP_TYPE_CATEGORIES, NULL);
  JsonArray *classes = gp_json_get_array (json, "classes");

  if (classes == NULL || json_array_get_length (classes) == 0)
    {
      invalid (error, _("it has no classes"));
      return NULL;
    }
  self->name = g_strdup (gp_json_get_string (json, "name"));

  for (guint i = 0; i < json_array_get_length (classes); i++)
    {
      JsonNode *node = json_array_get_element (classes, i);
      JsonObject *class = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *class_code = gp_json_get_string (class, "code");
      const char *class_label = gp_json_get_string (class, "label");
      JsonArray *items = gp_json_get_array (class, "items");

      if (class_code == NULL || class_label == NULL || items == NULL)
        {
          g_autofree char *where = g_strdup_printf (_("class %u has no code, label or items"), i + 1);

          invalid (error, where);
          return NULL;
        }
      for (guint j = 0; j < json_array_get_length (items); j++)
        {
          JsonNode *item_node = json_array_get_element (items, j);
          JsonObject *item = JSON_NODE_HOLDS_OBJECT (item_node) ? json_node_get_object (item_node) : NULL;
          const char *code = gp_json_get_string (item, "code");
          const char *label = gp_json_get_string (item, "label");
          gint64 severity = 2;
          JsonNode *urgent = item ? json_object_get_member (item, "urgent") : NULL;
          GpCategory *category;

          if (code == NULL || label == NULL || !g_str_has_prefix (code, class_code) ||
              g_hash_table_contains (self->by_code, code) ||
              (item != NULL && json_object_has_member (item, "severity") &&
               (!gp_json_get_int (item, "severity", &severity) || severity < 1 || severity > 4)))
            {
              g_autofree char *where = g_strdup_printf (_("item %u of class %s is wrong or given twice"),
                                                        j + 1, class_code);

              invalid (error, where);
              return NULL;
            }
          category = g_new0 (GpCategory, 1);
          category->code = g_strdup (code);
          category->label = g_strdup (label);
          category->class_code = g_strdup (class_code);
          category->class_label = g_strdup (class_label);
          category->family = g_strdup (gp_json_get_string (class, "family"));
          category->initials = gp_pinyin_initials (label);
          category->severity = (int) severity;
          category->urgent = urgent != NULL && JSON_NODE_HOLDS_VALUE (urgent) &&
                             json_node_get_value_type (urgent) == G_TYPE_BOOLEAN && json_node_get_boolean (urgent);
          g_ptr_array_add (self->items, category);
          g_hash_table_insert (self->by_code, category->code, category);
        }
    }
  return g_steal_pointer (&self);
}

/* The list shipped with the app. */
GpCategories *
gp_categories_new_default (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  GpCategories *self;

  bytes = g_resource_lookup_data (gp_model_get_resource (), "/org/example/GridPatrol/model/categories.json", 0,
                                 &error);
  if (bytes != NULL)
    root = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (self = gp_categories_new_from_json (json_node_get_object (root), &error)) == NULL)
    g_error ("The shipped category list is broken: %s", error ? error->message : "not an object");
  return self;
}

/**
 * gp_categories_load:
 *
 * The grid centre's category list when the store has one that can be used,
 * else the shipped one.
 */
GpCategories *
gp_categories_load (GpStore *store)
{
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;
  GpCategories *self;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  doc = gp_store_get (store, GP_CATEGORIES_DOCUMENT_ID, GP_STORE_GET_NONE, NULL);
  if (doc != NULL)
    {
      self = gp_categories_new_from_json (doc, &error);
      if (self != NULL)
        return self;
      g_message ("The grid centre's category list is not used: %s", error->message);
    }
  return gp_categories_new_default ();
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_pointer (task, gp_categories_load (source_object), g_object_unref);
}

/**
 * gp_categories_load_async:
 *
 * gp_categories_load() in a worker thread.
 */
void
gp_categories_load_async (GpStore             *store,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_categories_load_async);
  gp_worker_run (task, load_thread);
}

GpCategories *
gp_categories_load_finish (GpStore       *store,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
gp_categories_get_name (GpCategories *self)
{
  g_return_val_if_fail (GP_IS_CATEGORIES (self), NULL);

  return self->name;
}

guint
gp_categories_get_n_items (GpCategories *self)
{
  g_return_val_if_fail (GP_IS_CATEGORIES (self), 0);

  return self->items->len;
}

const GpCategory *
gp_categories_get_item (GpCategories *self,
                        guint         index)
{
  g_return_val_if_fail (GP_IS_CATEGORIES (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);

  return g_ptr_array_index (self->items, index);
}

const GpCategory *
gp_categories_lookup (GpCategories *self,
                      const char   *code)
{
  g_return_val_if_fail (GP_IS_CATEGORIES (self), NULL);

  return code != NULL ? g_hash_table_lookup (self->by_code, code) : NULL;
}

/* Whether every character of @needle comes in @haystack, in order:
 * 「电动车」 finds 「电动自行车违规充电」. */
static gboolean
has_in_order (const char *haystack,
              const char *needle)
{
  const char *at = haystack;

  for (const char *c = needle; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar wanted = g_utf8_get_char (c);

      if (g_unichar_isspace (wanted))
        continue;
      at = g_utf8_strchr (at, -1, wanted);
      if (at == NULL)
        return FALSE;
      at = g_utf8_next_char (at);
    }
  return TRUE;
}

/* The first GB2312 code of each initial: the 3,755 common characters
 * (level 1, 0xB0A1–0xD7F9) are in pinyin order. Initials "i", "u" and "v"
 * begin no syllable. */
static const struct
{
  guint16 first;
  char    initial;
} gb2312_initials[] = {
  { 0xB0A1, 'a' }, { 0xB0C5, 'b' }, { 0xB2C1, 'c' }, { 0xB4EE, 'd' }, { 0xB6EA, 'e' }, { 0xB7A2, 'f' },
  { 0xB8C1, 'g' }, { 0xB9FE, 'h' }, { 0xBBF7, 'j' }, { 0xBFA6, 'k' }, { 0xC0AC, 'l' }, { 0xC2E8, 'm' },
  { 0xC4C3, 'n' }, { 0xC5B6, 'o' }, { 0xC5BE, 'p' }, { 0xC6DA, 'q' }, { 0xC8BB, 'r' }, { 0xC8F6, 's' },
  { 0xCBFA, 't' }, { 0xCDDA, 'w' }, { 0xCEF4, 'x' }, { 0xD1B9, 'y' }, { 0xD4D1, 'z' },
};
#define GB2312_LEVEL1_END 0xD7F9

/* Less common characters that city-management categories use (level 2 of
 * GB2312 is in radical order, not pinyin). */
static const struct
{
  gunichar character;
  char     initial;
} other_initials[] = {
  { 0x7B85, 'b' },  /* 箅, 雨水箅子 */
  { 0x533E, 'b' },  /* 匾 */
  { 0x7AA8, 'y' },  /* 窨, 窨井 */
};

static char
initial_of (gunichar character)
{
  char utf8[8];
  g_autofree char *gb = NULL;
  gsize written = 0;
  guint16 code;

  if (character < 0x80)
    return g_ascii_isalnum (character) ? g_ascii_tolower (character) : 0;
  for (guint i = 0; i < G_N_ELEMENTS (other_initials); i++)
    if (other_initials[i].character == character)
      return other_initials[i].initial;
  utf8[g_unichar_to_utf8 (character, utf8)] = '\0';
  gb = g_convert (utf8, -1, "GB2312", "UTF-8", NULL, &written, NULL);
  if (gb == NULL || written != 2)
    return 0;
  code = (guint16) (((guchar) gb[0] << 8) | (guchar) gb[1]);
  if (code < gb2312_initials[0].first || code > GB2312_LEVEL1_END)
    return 0;
  for (guint i = G_N_ELEMENTS (gb2312_initials); i-- > 0;)
    if (code >= gb2312_initials[i].first)
      return gb2312_initials[i].initial;
  return 0;
}

/**
 * gp_pinyin_initials:
 * @text: a name, in Chinese
 *
 * The initials people type to find it: 「电动自行车违规充电」 → "ddzxcwgcd".
 * Letters and digits are kept, lowered; anything else is left out.
 */
char *
gp_pinyin_initials (const char *text)
{
  GString *initials = g_string_new (NULL);

  for (const char *c = text; c != NULL && *c != '\0'; c = g_utf8_next_char (c))
    {
      char initial = initial_of (g_utf8_get_char (c));

      if (initial != 0)
        g_string_append_c (initials, initial);
    }
  return g_string_free (initials, FALSE);
}

static gboolean
is_latin (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isalpha (*c))
      return FALSE;
  return *text != '\0';
}

/* "ddc" for 「电动自行车…」: the initials of the name's first characters
 * and then of some of the rest, in order; or of any run of it ("lj" for
 * 「暴露垃圾」). */
static gboolean
initials_match (const GpCategory *category,
                const char       *needle)
{
  const char *initials = category->initials;

  if (initials == NULL || strlen (needle) < 2)
    return FALSE;
  if (strstr (initials, needle) != NULL)
    return TRUE;
  return initials[0] == needle[0] && has_in_order (initials + 1, needle + 1);
}

/**
 * gp_categories_search:
 * @text: what the user typed: a code, part of a name, or part of a class
 *
 * The categories that match, in tree order (all of them for empty text):
 * by the start of their code, or by their name or their class's name
 * holding the text's characters in order, so that a word shortened as
 * people shorten it (「电动车」 for 「电动自行车」) still finds it, or by
 * the pinyin initials of its name (「ddc」).
 *
 * Returns: (transfer container) (element-type GpCategory): borrowed items
 */
GPtrArray *
gp_categories_search (GpCategories *self,
                      const char   *text)
{
  GPtrArray *found = g_ptr_array_new ();
  g_autofree char *needle = NULL;

  g_return_val_if_fail (GP_IS_CATEGORIES (self), found);

  needle = text ? g_utf8_casefold (g_strstrip (g_strdup (text)), -1) : g_strdup ("");
  for (guint i = 0; i < self->items->len; i++)
    {
      GpCategory *category = g_ptr_array_index (self->items, i);
      g_autofree char *label = g_utf8_casefold (category->label, -1);

      if (*needle == '\0' || g_str_has_prefix (category->code, needle) || strstr (label, needle) != NULL ||
          strstr (category->class_label, needle) != NULL ||
          (g_utf8_strlen (needle, -1) >= 2 && has_in_order (label, needle)) ||
          (is_latin (needle) && initials_match (category, needle)))
        g_ptr_array_add (found, category);
    }
  return found;
}

/**
 * gp_categories_label:
 * @self: (nullable): the list
 * @code: (nullable): a category code
 *
 * "暴露垃圾", or the code when it is not in the list.
 */
const char *
gp_categories_label (GpCategories *self,
                     const char   *code)
{
  const GpCategory *category = self != NULL && code != NULL ? gp_categories_lookup (self, code) : NULL;

  return category ? category->label : code ? code : _("Uncategorised");
}

/* "06010 暴露垃圾", or the code alone when it is not in the list. */
char *
gp_categories_describe (GpCategories *self,
                        const char   *code)
{
  const GpCategory *category;

  g_return_val_if_fail (GP_IS_CATEGORIES (self), NULL);

  category = gp_categories_lookup (self, code);
  if (category == NULL)
    return g_strdup (code ? code : "");
  return g_strdup_printf ("%s %s", category->code, category->label);
}
