/* gp-privacy.h — masking residents' personal information (PIPL; src/model/README.md §7).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char       *gp_privacy_mask_name      (const char *name) G_GNUC_WARN_UNUSED_RESULT;
char       *gp_privacy_mask_phone     (const char *phone) G_GNUC_WARN_UNUSED_RESULT;
char       *gp_privacy_mask_id_number (const char *id_number) G_GNUC_WARN_UNUSED_RESULT;
JsonObject *gp_privacy_mask_document  (JsonObject *doc) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
