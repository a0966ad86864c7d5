/* gp-clock.h — the one place the app reads the wall clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The grid's calendar zone where its policy names none: China Standard
 * Time, UTC+8, with no daylight saving. */
#define GP_CLOCK_CHINA_UTC_OFFSET (8 * 3600)

gint64     gp_clock_get_real_time (void);
gint64     gp_clock_get_now       (void);
GDateTime *gp_clock_new_now_utc   (void) G_GNUC_WARN_UNUSED_RESULT;
GDateTime *gp_clock_new_now_at_offset (int utc_offset) G_GNUC_WARN_UNUSED_RESULT;
void       gp_clock_set_fixed     (gint64 real_time);
char      *gp_clock_format_age    (gint64 then,
                                   gint64 now) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
