/* gp-visit.h — a household visit (入户走访).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_VISIT (gp_visit_get_type ())

G_DECLARE_FINAL_TYPE (GpVisit, gp_visit, GP, VISIT, GpDocument)

GpVisit     *gp_visit_new           (void) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_visit_get_grid      (GpVisit *self);
const char  *gp_visit_get_household (GpVisit *self);
const char  *gp_visit_get_worker    (GpVisit *self);
GDateTime   *gp_visit_dup_at        (GpVisit *self) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_visit_get_note      (GpVisit *self);
char       **gp_visit_dup_tags      (GpVisit *self) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_visit_get_patrol    (GpVisit *self);

const char * const *gp_visit_list_tags (void);
const char  *gp_visit_tag_label     (const char *tag);
char        *gp_visit_format_tags   (GpVisit    *self) G_GNUC_WARN_UNUSED_RESULT;

GHashTable  *gp_visit_last_times    (GPtrArray *visits) G_GNUC_WARN_UNUSED_RESULT;
gint64       gp_visit_due_before    (int        days,
                                     gint64     now);

G_END_DECLS
