/* gp-working-time.h — working time: the grid's calendar of working days,
 * its working hours, and the clock that runs only inside them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _GpWorkingTime GpWorkingTime;

GpWorkingTime *gp_working_time_new             (JsonObject          *calendar,
                                                JsonObject          *working_hours,
                                                int                  utc_offset) G_GNUC_WARN_UNUSED_RESULT;
void           gp_working_time_free            (GpWorkingTime       *self);
gboolean       gp_working_time_parse_clock     (const char          *text,
                                                int                 *minutes);
gboolean       gp_working_time_is_working_day  (GpWorkingTime       *self,
                                                const GDate         *date);
int            gp_working_time_get_day_length  (GpWorkingTime       *self);
gint64         gp_working_time_between         (GpWorkingTime       *self,
                                                gint64               from,
                                                gint64               to);
gint64         gp_working_time_add             (GpWorkingTime       *self,
                                                gint64               from,
                                                gint64               seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpWorkingTime, gp_working_time_free)

G_END_DECLS
