/* gp-household.h — a household (住户) in a unit of a building.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_HOUSEHOLD (gp_household_get_type ())

G_DECLARE_FINAL_TYPE (GpHousehold, gp_household, GP, HOUSEHOLD, GpDocument)

GpHousehold  *gp_household_new          (const char *code) G_GNUC_WARN_UNUSED_RESULT;
const char   *gp_household_get_code     (GpHousehold *self);
const char   *gp_household_get_grid     (GpHousehold *self);
const char   *gp_household_get_building (GpHousehold *self);
int           gp_household_get_unit     (GpHousehold *self);
int           gp_household_get_floor    (GpHousehold *self);
const char   *gp_household_get_room     (GpHousehold *self);
char         *gp_household_dup_label    (GpHousehold *self) G_GNUC_WARN_UNUSED_RESULT;
int           gp_household_compare_doors (gconstpointer a,
                                          gconstpointer b);
const char   *gp_household_get_head     (GpHousehold *self);
const char   *gp_household_get_phone    (GpHousehold *self);
int           gp_household_get_people   (GpHousehold *self);
char        **gp_household_dup_tags     (GpHousehold *self) G_GNUC_WARN_UNUSED_RESULT;
const char   *gp_household_get_note     (GpHousehold *self);

#define GP_TAG_PARTY_ANCHOR     "party_anchor"
#define GP_TAG_BUILDING_CAPTAIN "building_captain"
#define GP_TAG_ELDERLY_ALONE    "elderly_alone"
#define GP_TAG_RENTAL           "rental"
#define GP_TAG_HARDSHIP         "hardship"

gboolean      gp_household_has_tag        (GpHousehold *self,
                                           const char  *tag);
const char   *gp_household_tag_label      (const char  *tag);
char         *gp_household_format_address (GpHousehold *self,
                                           const char  *building_name) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
