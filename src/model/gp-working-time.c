/* gp-working-time.c — working time: the grid's calendar of working days,
 * its working hours, and the clock that runs only inside them.
 *
 * Working days follow the calendar of the grid's policy: weekends and
 * public holidays are off, make-up days (调休) are working days, and a
 * date the calendar does not mention follows the weekend rule. Working
 * hours are the policy's, 08:30–17:30 unless it says otherwise. The
 * working clock runs only inside the working hours of working days, so
 * three working days from Monday 10:00 end on Thursday 10:00, and a case
 * registered on a holiday starts its clock on the next working morning.
 * Dates are those of the calendar's zone (src/model/README.md §4).
 *
 * The calendar is read once into day numbers (GDate's Julian days):
 * deadlines of years-old cases walk hundreds of days, for thousands of
 * cases.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-working-time"

#include "config.h"

#include "gp-working-time.h"
#include "gp-json.h"

#include <stdio.h>
#include <string.h>

struct _GpWorkingTime
{
  GHashTable *days;             /* day → DAY_WORKING or DAY_OFF, the exceptions */
  guint       weekend_mask;     /* bit n set: weekday n (1 Monday … 7 Sunday) is off */
  guint32    *working_before;   /* working days from PREFIX_FIRST to each day, lazily */
  int         start;            /* working hours, seconds after midnight */
  int         end;
  int         utc_offset;
};

/* Days counted ahead for long spans: 2000-01-01 to 2060-12-31. */
#define PREFIX_FIRST 730120u
#define PREFIX_DAYS  22281u

#define DAY_WORKING 1
#define DAY_OFF     2

#define SECONDS_PER_DAY (24 * 3600)

/* "HH:MM" as minutes after midnight. */
gboolean
gp_working_time_parse_clock (const char *text,
                             int        *minutes)
{
  guint hours, mins;
  char tail;

  if (text == NULL || strlen (text) != 5 ||
      sscanf (text, "%2u:%2u%c", &hours, &mins, &tail) != 2 || hours > 23 || mins > 59)
    return FALSE;
  *minutes = hours * 60 + mins;
  return TRUE;
}

static JsonObject *
object_at (JsonArray *array,
           guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * gp_working_time_new:
 * @calendar: (nullable): the policy's "calendar": "weekend", "holidays",
 *   "workdays"
 * @working_hours: (nullable): the policy's "working_hours": "start", "end"
 * @utc_offset: seconds east of UTC of the calendar's zone
 */
GpWorkingTime *
gp_working_time_new (JsonObject *calendar,
                     JsonObject *working_hours,
                     int         utc_offset)
{
  GpWorkingTime *self = g_new0 (GpWorkingTime, 1);
  JsonArray *holidays, *workdays, *weekend;
  int start_min, end_min;

  self->days = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->utc_offset = utc_offset;

  if (!gp_working_time_parse_clock (gp_json_get_string (working_hours, "start"), &start_min) ||
      !gp_working_time_parse_clock (gp_json_get_string (working_hours, "end"), &end_min) || start_min >= end_min)
    {
      start_min = 8 * 60 + 30;
      end_min = 17 * 60 + 30;
    }
  self->start = start_min * 60;
  self->end = end_min * 60;

  weekend = gp_json_get_array (calendar, "weekend");
  if (weekend == NULL)
    self->weekend_mask = (1u << G_DATE_SATURDAY) | (1u << G_DATE_SUNDAY);
  for (guint i = 0; weekend != NULL && i < json_array_get_length (weekend); i++)
    {
      gint64 day = json_array_get_int_element (weekend, i);

      if (day >= 1 && day <= 7)
        self->weekend_mask |= 1u << day;
    }

  holidays = gp_json_get_array (calendar, "holidays");
  for (guint i = 0; holidays != NULL && i < json_array_get_length (holidays); i++)
    {
      JsonObject *holiday = object_at (holidays, i);
      GDate from, to;

      if (!gp_json_parse_date (gp_json_get_string (holiday, "from"), &from) ||
          !gp_json_parse_date (gp_json_get_string (holiday, "to"), &to))
        continue;
      for (guint32 day = g_date_get_julian (&from); day <= g_date_get_julian (&to) && day - g_date_get_julian (&from) < 366;
           day++)
        g_hash_table_insert (self->days, GUINT_TO_POINTER (day), GINT_TO_POINTER (DAY_OFF));
    }

  /* Make-up working days win over everything. */
  workdays = gp_json_get_array (calendar, "workdays");
  for (guint i = 0; workdays != NULL && i < json_array_get_length (workdays); i++)
    {
      GDate date;

      if (gp_json_parse_date (json_array_get_string_element (workdays, i), &date))
        g_hash_table_insert (self->days, GUINT_TO_POINTER (g_date_get_julian (&date)), GINT_TO_POINTER (DAY_WORKING));
    }
  return self;
}

void
gp_working_time_free (GpWorkingTime *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->days, g_hash_table_unref);
  g_free (self->working_before);
  g_free (self);
}

static gboolean
is_working_julian (GpWorkingTime *self,
                   guint32        julian)
{
  int exception = GPOINTER_TO_INT (g_hash_table_lookup (self->days, GUINT_TO_POINTER (julian)));

  if (exception != 0)
    return exception == DAY_WORKING;
  /* Julian day 1 (0001-01-01) was a Monday. */
  return (self->weekend_mask & (1u << ((julian - 1) % 7 + 1))) == 0;
}

gboolean
gp_working_time_is_working_day (GpWorkingTime *self,
                                const GDate   *date)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return is_working_julian (self, g_date_get_julian (date));
}

/* The seconds of a working day. */
int
gp_working_time_get_day_length (GpWorkingTime *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->end - self->start;
}

/* Local days since 1970-01-01 of a UNIX time, and the seconds into that day. */
static gint64
local_day (gint64  unix_time,
           int     offset,
           int    *second_of_day)
{
  gint64 local = unix_time + offset;
  gint64 day = local >= 0 ? local / SECONDS_PER_DAY : -((-local + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);

  if (second_of_day != NULL)
    *second_of_day = (int) (local - day * SECONDS_PER_DAY);
  return day;
}

static gboolean
is_working_day_number (GpWorkingTime *self,
                       gint64         day)
{
  return is_working_julian (self, (guint32) (day + 719163));   /* 1970-01-01 is Julian day 719163 */
}

/* How many working days in [first, last) (days since 1970), in one step for
 * spans inside the counted years. */
static gint64
count_working_days (GpWorkingTime *self,
                    gint64         first,
                    gint64         last)
{
  gint64 a = first + 719163 - PREFIX_FIRST, b = last + 719163 - PREFIX_FIRST;
  gint64 n = 0;

  if (last <= first)
    return 0;
  if (a >= 0 && b <= PREFIX_DAYS)
    {
      if (self->working_before == NULL)
        {
          self->working_before = g_new (guint32, PREFIX_DAYS + 1);
          self->working_before[0] = 0;
          for (guint32 i = 0; i < PREFIX_DAYS; i++)
            self->working_before[i + 1] = self->working_before[i] + is_working_julian (self, PREFIX_FIRST + i);
        }
      return self->working_before[b] - self->working_before[a];
    }
  for (gint64 day = first; day < last; day++)
    n += is_working_day_number (self, day);
  return n;
}

/**
 * gp_working_time_between:
 * @from: UNIX time
 * @to: UNIX time
 *
 * The working seconds from @from to @to (0 when @to is not after @from).
 */
gint64
gp_working_time_between (GpWorkingTime *self,
                         gint64         from,
                         gint64         to)
{
  int start, end, from_second, to_second;
  gint64 first, last, total = 0;

  g_return_val_if_fail (self != NULL, 0);

  if (to <= from)
    return 0;
  start = self->start;
  end = self->end;
  first = local_day (from, self->utc_offset, &from_second);
  last = local_day (to, self->utc_offset, &to_second);
  if (first == last)
    {
      int a = CLAMP (from_second, start, end), b = CLAMP (to_second, start, end);

      return b > a && is_working_day_number (self, first) ? b - a : 0;
    }
  /* The rest of the first day, whole days between, the start of the last. */
  if (is_working_day_number (self, first))
    total += end - CLAMP (from_second, start, end);
  if (is_working_day_number (self, last))
    total += CLAMP (to_second, start, end) - start;
  total += count_working_days (self, first + 1, last) * (end - start);
  return total;
}

/**
 * gp_working_time_add:
 * @from: UNIX time
 * @seconds: working seconds, not negative
 *
 * The UNIX time when the working clock, started at @from, has run
 * @seconds. Started outside working hours it starts at the next working
 * morning; a span that ends on the stroke of closing time ends then.
 */
gint64
gp_working_time_add (GpWorkingTime *self,
                     gint64         from,
                     gint64         seconds)
{
  int second;
  gint64 day, left = seconds;

  g_return_val_if_fail (self != NULL, from);
  g_return_val_if_fail (seconds >= 0, from);

  day = local_day (from, self->utc_offset, &second);
  /* Ten years of days off in a row would be a broken calendar: stop there. */
  for (guint n = 0; n < 3660; n++, day++, second = 0)
    {
      int a = MAX (second, self->start);

      if (a >= self->end || !is_working_day_number (self, day))
        continue;
      if (left <= self->end - a)
        return day * SECONDS_PER_DAY - self->utc_offset + a + left;
      left -= self->end - a;
    }
  g_warning ("The policy's calendar has no working day in ten years");
  return from + seconds;
}
