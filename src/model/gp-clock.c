/* gp-clock.c
 *
 * Deadlines, warning colours, "today" and "n minutes ago" all depend on
 * the time. Everything that needs "now" asks here, so that a test can set
 * the clock to a fixed instant — a Wednesday morning, the eve of National
 * Day, a make-up working day — and see the same result at every hour and
 * in every time zone the machine may be in. The app itself never fixes
 * it: it follows the system clock.
 *
 * Calendar days are the grid's (its policy's UTC offset), never the
 * machine's local zone: see gp_policy_get_utc_offset().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-clock"

#include "config.h"

#include "gp-clock.h"

#include <glib/gi18n-lib.h>

/* 0 follows the system clock. Read from any thread. */
static gint64 fixed;

/**
 * gp_clock_get_real_time:
 *
 * Returns: microseconds since the Unix epoch, as g_get_real_time() does,
 *   or the fixed instant.
 */
gint64
gp_clock_get_real_time (void)
{
  gint64 at = __atomic_load_n (&fixed, __ATOMIC_RELAXED);

  return at != 0 ? at : g_get_real_time ();
}

/**
 * gp_clock_get_now:
 *
 * Returns: seconds since the Unix epoch.
 */
gint64
gp_clock_get_now (void)
{
  return gp_clock_get_real_time () / G_USEC_PER_SEC;
}

/**
 * gp_clock_new_now_utc:
 *
 * Returns: (transfer full): now, in UTC.
 */
GDateTime *
gp_clock_new_now_utc (void)
{
  return g_date_time_new_from_unix_utc_usec (gp_clock_get_real_time ());
}

/**
 * gp_clock_new_now_at_offset:
 * @utc_offset: seconds east of UTC of the grid's calendar
 *
 * Now as the grid's calendar reads it: its day and hour, whatever zone
 * the device is set to.
 *
 * Returns: (transfer full): now, at @utc_offset.
 */
GDateTime *
gp_clock_new_now_at_offset (int utc_offset)
{
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);

  return g_date_time_to_timezone (now, zone);
}

/**
 * gp_clock_set_fixed:
 * @real_time: microseconds since the Unix epoch, or 0 to follow the
 *   system clock again
 *
 * Stops the clock at @real_time. For tests.
 */
void
gp_clock_set_fixed (gint64 real_time)
{
  __atomic_store_n (&fixed, real_time, __ATOMIC_RELAXED);
}

/**
 * gp_clock_format_age:
 * @then: UNIX time of what happened
 * @now: UNIX time it is read at
 *
 * How long ago, as the lists say it: "just now" under a minute, then
 * minutes, hours, days. A time ahead of @now (another phone's clock) is
 * "just now".
 */
char *
gp_clock_format_age (gint64 then,
                     gint64 now)
{
  gint64 minutes = MAX (0, now - then) / 60;

  if (minutes < 1)
    return g_strdup (_("Just now"));
  if (minutes < 60)
    return g_strdup_printf (ngettext ("%d min ago", "%d min ago", minutes), (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", minutes / 60), (int) (minutes / 60));
  return g_strdup_printf (ngettext ("%d day ago", "%d days ago", minutes / 1440), (int) (minutes / 1440));
}
