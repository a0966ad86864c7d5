/* gp-household.c — a household (住户) in a unit of a building.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-household"

#include "config.h"

#include "gp-household.h"
#include "gp-json.h"
#include "gp-privacy.h"

#include <glib/gi18n-lib.h>

struct _GpHousehold
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpHousehold, gp_household, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_GRID,
  PROP_BUILDING,
  PROP_UNIT,
  PROP_FLOOR,
  PROP_ROOM,
  PROP_HEAD,
  PROP_PHONE,
  PROP_PEOPLE,
  PROP_TAGS,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_household_validate (GpDocument  *document,
                       GError     **error)
{
  GpHousehold *self = GP_HOUSEHOLD (document);
  const char *phone = gp_household_get_phone (self);
  g_auto(GStrv) tags = gp_household_dup_tags (self);

  if (!gp_document_check_reference (document, "building", "building", error))
    return FALSE;

  for (const char *c = phone; c != NULL && *c; c++)
    if (!g_ascii_isdigit (*c) && *c != '-' && *c != '+' && *c != ' ')
      {
        g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                             _("“phone” may only hold digits, spaces, “+” and “-”"));
        return FALSE;
      }

  for (guint i = 0; tags[i] != NULL; i++)
    for (guint j = i + 1; tags[j] != NULL; j++)
      if (g_str_equal (tags[i], tags[j]))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("tag “%s” is given twice"), tags[i]);
          return FALSE;
        }

  return TRUE;
}

static void
gp_household_class_init (GpHouseholdClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "household";
  document_class->validate = gp_household_validate;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_BUILDING] =
    g_param_spec_string ("building", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_UNIT] =
    g_param_spec_int ("unit", NULL, NULL, 1, 99, 1,
                      GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_FLOOR] =
    g_param_spec_int ("floor", NULL, NULL, -9, 200, 1,
                      GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_ROOM] =
    g_param_spec_string ("room", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_HEAD] =
    g_param_spec_string ("head", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_PHONE] =
    g_param_spec_string ("phone", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_PEOPLE] =
    g_param_spec_int ("people", NULL, NULL, 0, 50, 0,
                      GP_PARAM_MEMBER);
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV,
                        GP_PARAM_MEMBER);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_household_init (GpHousehold *self)
{
}

GpHousehold *
gp_household_new (const char *code)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  id = g_strconcat ("household:", code, NULL);
  return g_object_new (GP_TYPE_HOUSEHOLD, "id", id, "code", code, NULL);
}

const char *
gp_household_get_code (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "code");
}

const char *
gp_household_get_grid (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_household_get_building (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "building");
}

int
gp_household_get_unit (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "unit", 1);
}

int
gp_household_get_floor (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "floor", 1);
}

const char *
gp_household_get_room (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "room");
}

const char *
gp_household_get_head (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "head");
}

const char *
gp_household_get_phone (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "phone");
}

int
gp_household_get_people (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "people", 0);
}

char **
gp_household_dup_tags (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_dup_strv_member (GP_DOCUMENT (self), "tags");
}

const char *
gp_household_get_note (GpHousehold *self)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "note");
}

gboolean
gp_household_has_tag (GpHousehold *self,
                      const char  *tag)
{
  g_auto(GStrv) tags = NULL;

  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), FALSE);

  tags = gp_household_dup_tags (self);
  return g_strv_contains ((const char * const *) tags, tag);
}

/* Tags are stable codes in documents and words on screen. Tags a centre
 * adds of its own are shown as they are. */
const char *
gp_household_tag_label (const char *tag)
{
  if (g_strcmp0 (tag, GP_TAG_PARTY_ANCHOR) == 0)
    return _("Party-member anchor household");
  if (g_strcmp0 (tag, GP_TAG_BUILDING_CAPTAIN) == 0)
    return _("Building captain");
  if (g_strcmp0 (tag, GP_TAG_ELDERLY_ALONE) == 0)
    return _("Elderly living alone");
  if (g_strcmp0 (tag, GP_TAG_RENTAL) == 0)
    return _("Rented home");
  if (g_strcmp0 (tag, GP_TAG_HARDSHIP) == 0)
    return _("Household in hardship");
  return tag;
}

/* "3号楼2单元602室" — the way residents and workers say an address. */
char *
gp_household_format_address (GpHousehold *self,
                             const char  *building_name)
{
  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  /* Translators: building name, unit number, room number, as in “3号楼2单元602室” */
  return g_strdup_printf (_("%s, unit %d, room %s"),
                          building_name ? building_name : gp_household_get_building (self),
                          gp_household_get_unit (self), gp_household_get_room (self));
}

/**
 * gp_household_compare_doors:
 * @a: a `GpHousehold **`, as g_ptr_array_sort() gives
 * @b: another
 *
 * The order a worker walks a building's doors in: unit by unit, floor by
 * floor upwards, room by room.
 */
int
gp_household_compare_doors (gconstpointer a,
                            gconstpointer b)
{
  GpHousehold *x = *(GpHousehold **) a;
  GpHousehold *y = *(GpHousehold **) b;

  if (gp_household_get_unit (x) != gp_household_get_unit (y))
    return gp_household_get_unit (x) - gp_household_get_unit (y);
  if (gp_household_get_floor (x) != gp_household_get_floor (y))
    return gp_household_get_floor (x) - gp_household_get_floor (y);
  return g_strcmp0 (gp_household_get_room (x), gp_household_get_room (y));
}

/**
 * gp_household_dup_label:
 *
 * Returns: (transfer full): the household as lists name it: its unit, its
 *   room and its head's name masked, as in “2单元 602室 · 张*”
 */
char *
gp_household_dup_label (GpHousehold *self)
{
  g_autofree char *head = NULL;

  g_return_val_if_fail (GP_IS_HOUSEHOLD (self), NULL);

  head = gp_privacy_mask_name (gp_household_get_head (self));
  /* Translators: a household in a building, as in “2单元 602室 · 张*” */
  return g_strdup_printf (_("Unit %d, room %s · %s"), gp_household_get_unit (self), gp_household_get_room (self),
                          head ? head : "—");
}
