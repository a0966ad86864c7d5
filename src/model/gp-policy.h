/* gp-policy.h — a grading scheme from the centre: levels, deadlines, warnings, the working-day calendar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_POLICY (gp_policy_get_type ())

G_DECLARE_FINAL_TYPE (GpPolicy, gp_policy, GP, POLICY, GpDocument)

GpPolicy    *gp_policy_new                  (const char *name) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_policy_get_name             (GpPolicy *self);
const char  *gp_policy_get_title            (GpPolicy *self);
const char  *gp_policy_get_default_level    (GpPolicy *self);
int          gp_policy_get_response_minutes (GpPolicy *self);

#define GP_DEADLINE_MINUTES       "minutes"
#define GP_DEADLINE_WORKING_HOURS "working_hours"
#define GP_DEADLINE_WORKING_DAYS  "working_days"
#define GP_DEADLINE_CALENDAR_DAYS "calendar_days"

#define GP_POLICY_DEFAULT_YELLOW 0.8

gboolean      gp_policy_is_working_day       (GpPolicy    *self,
                                              const GDate *date);
double        gp_policy_get_yellow_threshold (GpPolicy    *self);
char        **gp_policy_dup_level_codes      (GpPolicy    *self) G_GNUC_WARN_UNUSED_RESULT;
char        **gp_policy_dup_escalation       (GpPolicy    *self) G_GNUC_WARN_UNUSED_RESULT;
char         *gp_policy_dup_next_level       (GpPolicy    *self,
                                              const char  *level) G_GNUC_WARN_UNUSED_RESULT;
JsonObject   *gp_policy_get_level            (GpPolicy    *self,
                                              const char  *code);
gboolean      gp_policy_is_example_calendar  (GpPolicy    *self);
int           gp_policy_get_utc_offset       (GpPolicy    *self);
gint64        gp_policy_get_allowance        (GpPolicy    *self,
                                              const char  *level,
                                              const char  *urgency,
                                              const char **unit);
gint64        gp_policy_clock_between        (GpPolicy    *self,
                                              const char  *unit,
                                              gint64       from,
                                              gint64       to);
gint64        gp_policy_clock_add            (GpPolicy    *self,
                                              const char  *unit,
                                              gint64       from,
                                              gint64       seconds);

G_END_DECLS
