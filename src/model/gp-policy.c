/* gp-policy.c — a grading scheme from the centre: levels, deadlines, warnings, the working-day calendar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-policy"

#include "config.h"

#include "gp-policy.h"
#include "gp-clock.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

struct _GpPolicy
{
  GpDocument  parent_instance;

  /* The calendar as day numbers (GDate's Julian days), read once: deadlines
   * of years-old cases walk hundreds of days, for thousands of cases. */
  GHashTable *days;             /* day → DAY_WORKING or DAY_OFF, the exceptions */
  guint       weekend_mask;     /* bit n set: weekday n (1 Monday … 7 Sunday) is off */
  JsonObject *days_calendar;    /* the calendar they were read from */
  char       *days_rev;
  guint32    *working_before;   /* working days from PREFIX_FIRST to each day, lazily */
};

/* Days counted ahead for long spans: 2000-01-01 to 2060-12-31. */
#define PREFIX_FIRST 730120u
#define PREFIX_DAYS  22281u

#define DAY_WORKING 1
#define DAY_OFF     2

G_DEFINE_FINAL_TYPE (GpPolicy, gp_policy, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_TITLE,
  PROP_DEFAULT_LEVEL,
  PROP_RESPONSE_MINUTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const units[] = {
  GP_DEADLINE_MINUTES, GP_DEADLINE_WORKING_HOURS, GP_DEADLINE_WORKING_DAYS,
  GP_DEADLINE_CALENDAR_DAYS, NULL
};

static JsonObject *
object_at (JsonArray *array,
           guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
array_has_code (JsonArray  *array,
                const char *code)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (gp_json_get_string (object_at (array, i), "code"), code) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
validate_codes (JsonArray   *array,
                const char  *what,
                GError     **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = object_at (array, i);
      const char *code = gp_json_get_string (item, "code");

      if (code == NULL || *code == '\0' || gp_json_get_string (item, "label") == NULL)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("%s %u must have a “code” and a “label”"), what, i + 1);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (gp_json_get_string (object_at (array, j), "code"), code) == 0)
          {
            g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                         _("%s code “%s” is given twice"), what, code);
            return FALSE;
          }
    }
  return TRUE;
}

static gboolean
validate_levels (GpDocument  *document,
                 GError     **error)
{
  JsonArray *levels = gp_document_get_array_member (document, "levels");
  JsonArray *urgencies = gp_document_get_array_member (document, "urgencies");
  JsonArray *escalation = gp_document_get_array_member (document, "escalation");
  const char *default_level = gp_document_get_string_member (document, "default_level");

  if (levels == NULL || json_array_get_length (levels) == 0)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                           _("“levels” must list at least one level"));
      return FALSE;
    }
  if (!validate_codes (levels, _("level"), error) ||
      (urgencies != NULL && !validate_codes (urgencies, _("urgency"), error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (levels); i++)
    {
      JsonObject *level = object_at (levels, i);
      const char *code = gp_json_get_string (level, "code");
      JsonArray *deadlines = gp_json_get_array (level, "deadlines");

      if (deadlines == NULL || json_array_get_length (deadlines) == 0)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                       _("level “%s” has no deadlines"), code);
          return FALSE;
        }
      for (guint j = 0; j < json_array_get_length (deadlines); j++)
        {
          JsonObject *deadline = object_at (deadlines, j);
          const char *urgency = gp_json_get_string (deadline, "urgency");
          const char *unit = gp_json_get_string (deadline, "unit");
          gint64 amount = 0;

          if (deadline == NULL || !gp_json_get_int (deadline, "amount", &amount) || amount < 1 ||
              unit == NULL || !g_strv_contains (units, unit))
            {
              g_autofree char *list = g_strjoinv (", ", (char **) units);

              g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("level “%s”, deadline %u: “amount” must be at least 1 and "
                             "“unit” one of %s"), code, j + 1, list);
              return FALSE;
            }
          if (urgency != NULL && !array_has_code (urgencies, urgency))
            {
              g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("level “%s”: urgency “%s” is not in “urgencies”"), code, urgency);
              return FALSE;
            }
        }
    }

  if (!array_has_code (levels, default_level))
    {
      g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                   _("the default level “%s” is not one of the levels"), default_level);
      return FALSE;
    }

  for (guint i = 0; escalation != NULL && i < json_array_get_length (escalation); i++)
    {
      JsonNode *node = json_array_get_element (escalation, i);
      const char *code = gp_json_node_is_string (node) ? json_node_get_string (node) : NULL;

      if (!array_has_code (levels, code))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("escalation step %u is not one of the levels"), i + 1);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (json_array_get_string_element (escalation, j), code) == 0)
          {
            g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                         _("level “%s” appears twice in the escalation order"), code);
            return FALSE;
          }
    }

  return TRUE;
}

static gboolean
parse_clock (const char *text,
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

static gboolean
validate_warning_and_hours (GpDocument  *document,
                            GError     **error)
{
  JsonObject *warning = gp_document_get_object_member (document, "warning");
  JsonObject *hours = gp_document_get_object_member (document, "working_hours");
  double yellow;
  int start, end;

  if (json_object_has_member (gp_document_get_body (document), "warning") &&
      (warning == NULL || !gp_json_get_number (warning, "yellow", &yellow) ||
       yellow <= 0.0 || yellow >= 1.0))
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("“warning” must give “yellow” as a share of the time between 0 and 1"));
      return FALSE;
    }

  if (json_object_has_member (gp_document_get_body (document), "working_hours") &&
      (hours == NULL || !parse_clock (gp_json_get_string (hours, "start"), &start) ||
       !parse_clock (gp_json_get_string (hours, "end"), &end) || start >= end))
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("“working_hours” must give “start” before “end”, as 08:30 and 17:30"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_calendar (GpDocument  *document,
                   GError     **error)
{
  JsonObject *calendar = gp_document_get_object_member (document, "calendar");
  JsonArray *weekend, *holidays, *workdays;

  if (calendar == NULL)
    {
      if (json_object_has_member (gp_document_get_body (document), "calendar"))
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_WRONG_TYPE,
                               _("“calendar” must be an object"));
          return FALSE;
        }
      return TRUE;
    }

  weekend = gp_json_get_array (calendar, "weekend");
  for (guint i = 0; weekend != NULL && i < json_array_get_length (weekend); i++)
    {
      JsonNode *node = json_array_get_element (weekend, i);

      if (!gp_json_node_is_int (node) || json_node_get_int (node) < 1 || json_node_get_int (node) > 7)
        {
          g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                               _("calendar “weekend” must list days 1 (Monday) to 7 (Sunday)"));
          return FALSE;
        }
    }

  holidays = gp_json_get_array (calendar, "holidays");
  for (guint i = 0; holidays != NULL && i < json_array_get_length (holidays); i++)
    {
      JsonObject *holiday = object_at (holidays, i);
      GDate from, to;

      if (holiday == NULL || gp_json_get_string (holiday, "name") == NULL ||
          !gp_json_parse_date (gp_json_get_string (holiday, "from"), &from) ||
          !gp_json_parse_date (gp_json_get_string (holiday, "to"), &to) ||
          g_date_compare (&from, &to) > 0)
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("holiday %u must have a “name” and dates “from” ≤ “to” as YYYY-MM-DD"),
                       i + 1);
          return FALSE;
        }
    }

  workdays = gp_json_get_array (calendar, "workdays");
  for (guint i = 0; workdays != NULL && i < json_array_get_length (workdays); i++)
    {
      JsonNode *node = json_array_get_element (workdays, i);
      GDate date;

      if (!gp_json_node_is_string (node) || !gp_json_parse_date (json_node_get_string (node), &date))
        {
          g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                       _("make-up working day %u must be a date as YYYY-MM-DD"), i + 1);
          return FALSE;
        }
      for (guint j = 0; holidays != NULL && j < json_array_get_length (holidays); j++)
        {
          GDate from, to;

          gp_json_parse_date (gp_json_get_string (object_at (holidays, j), "from"), &from);
          gp_json_parse_date (gp_json_get_string (object_at (holidays, j), "to"), &to);
          if (g_date_compare (&date, &from) >= 0 && g_date_compare (&date, &to) <= 0)
            {
              g_set_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_INVALID,
                           _("%s is both a holiday and a make-up working day"),
                           json_node_get_string (node));
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
gp_policy_validate (GpDocument  *document,
                    GError     **error)
{
  return validate_levels (document, error) &&
         validate_warning_and_hours (document, error) &&
         validate_calendar (document, error);
}

static void
gp_policy_finalize (GObject *object)
{
  GpPolicy *self = (GpPolicy *) object;

  g_clear_pointer (&self->days, g_hash_table_unref);
  g_clear_pointer (&self->working_before, g_free);
  g_free (self->days_rev);

  G_OBJECT_CLASS (gp_policy_parent_class)->finalize (object);
}

static void
gp_policy_class_init (GpPolicyClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = gp_policy_finalize;

  document_class->type_name = "policy";
  document_class->max_size = GP_DOCUMENT_MAX_SIZE_SHAPE;
  document_class->validate = gp_policy_validate;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_DEFAULT_LEVEL] =
    g_param_spec_string ("default-level", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_RESPONSE_MINUTES] =
    g_param_spec_int ("response-minutes", NULL, NULL, 1, 1440, 10,
                      GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_policy_init (GpPolicy *self)
{
}

GpPolicy *
gp_policy_new (const char *name)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  id = g_strconcat ("policy:", name, NULL);
  return g_object_new (GP_TYPE_POLICY, "id", id, "name", name, NULL);
}

const char *
gp_policy_get_name (GpPolicy *self)
{
  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "name");
}

const char *
gp_policy_get_title (GpPolicy *self)
{
  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "title");
}

const char *
gp_policy_get_default_level (GpPolicy *self)
{
  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "default_level");
}

int
gp_policy_get_response_minutes (GpPolicy *self)
{
  g_return_val_if_fail (GP_IS_POLICY (self), 0);

  return (int) gp_document_get_int_member (GP_DOCUMENT (self), "response_minutes", 10);
}

/* Reads the calendar into day numbers, again only when it changed. */
static void
ensure_days (GpPolicy *self)
{
  JsonObject *calendar = gp_document_get_object_member (GP_DOCUMENT (self), "calendar");
  const char *rev = gp_document_get_rev (GP_DOCUMENT (self));
  JsonArray *holidays, *workdays, *weekend;

  if (self->days != NULL && self->days_calendar == calendar && g_strcmp0 (self->days_rev, rev) == 0)
    return;

  g_clear_pointer (&self->days, g_hash_table_unref);
  g_clear_pointer (&self->working_before, g_free);
  self->days = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->days_calendar = calendar;
  g_free (self->days_rev);
  self->days_rev = g_strdup (rev);

  weekend = gp_json_get_array (calendar, "weekend");
  self->weekend_mask = 0;
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
}

static gboolean
is_working_julian (GpPolicy *self,
                   guint32   julian)
{
  int exception;

  ensure_days (self);
  exception = GPOINTER_TO_INT (g_hash_table_lookup (self->days, GUINT_TO_POINTER (julian)));
  if (exception != 0)
    return exception == DAY_WORKING;
  /* Julian day 1 (0001-01-01) was a Monday. */
  return (self->weekend_mask & (1u << ((julian - 1) % 7 + 1))) == 0;
}

/* Weekends and public holidays are off, make-up days (调休) are on; a date
 * the calendar does not mention follows the weekend rule. */
gboolean
gp_policy_is_working_day (GpPolicy    *self,
                          const GDate *date)
{
  g_return_val_if_fail (GP_IS_POLICY (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return is_working_julian (self, g_date_get_julian (date));
}

/* The share of the allowed time after which a case turns yellow. */
double
gp_policy_get_yellow_threshold (GpPolicy *self)
{
  double yellow;

  g_return_val_if_fail (GP_IS_POLICY (self), GP_POLICY_DEFAULT_YELLOW);

  if (gp_json_get_number (gp_document_get_object_member (GP_DOCUMENT (self), "warning"),
                          "yellow", &yellow))
    return yellow;
  return GP_POLICY_DEFAULT_YELLOW;
}

char **
gp_policy_dup_level_codes (GpPolicy *self)
{
  JsonArray *levels;
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  levels = gp_document_get_array_member (GP_DOCUMENT (self), "levels");
  builder = g_strv_builder_new ();
  for (guint i = 0; levels != NULL && i < json_array_get_length (levels); i++)
    {
      const char *code = gp_json_get_string (object_at (levels, i), "code");

      if (code != NULL)
        g_strv_builder_add (builder, code);
    }
  return g_strv_builder_end (builder);
}

/* A level as the policy gives it: code, label, handler and deadlines. */
JsonObject *
gp_policy_get_level (GpPolicy   *self,
                     const char *code)
{
  JsonArray *levels;

  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  levels = gp_document_get_array_member (GP_DOCUMENT (self), "levels");
  for (guint i = 0; levels != NULL && i < json_array_get_length (levels); i++)
    {
      JsonObject *level = object_at (levels, i);

      if (g_strcmp0 (gp_json_get_string (level, "code"), code) == 0)
        return level;
    }
  return NULL;
}

gboolean
gp_policy_is_example_calendar (GpPolicy *self)
{
  JsonObject *calendar;
  JsonNode *example;

  g_return_val_if_fail (GP_IS_POLICY (self), FALSE);

  calendar = gp_document_get_object_member (GP_DOCUMENT (self), "calendar");
  example = calendar ? json_object_get_member (calendar, "example") : NULL;
  return example != NULL && JSON_NODE_HOLDS_VALUE (example) &&
         json_node_get_value_type (example) == G_TYPE_BOOLEAN && json_node_get_boolean (example);
}

/* Working time.
 *
 * Deadlines run on one of two clocks. "minutes" and "calendar_days" run on
 * the wall clock. "working_hours" and "working_days" run only inside the
 * working hours (08:30–17:30 unless the policy says otherwise) of working
 * days, so three working days from Monday 10:00 end on Thursday 10:00, and
 * a case registered on a holiday starts its clock on the next working
 * morning. Dates are those of the policy's time zone, China's by default.
 */

#define SECONDS_PER_DAY (24 * 3600)

static gboolean
is_working_clock (const char *unit)
{
  return g_strcmp0 (unit, GP_DEADLINE_WORKING_HOURS) == 0 ||
         g_strcmp0 (unit, GP_DEADLINE_WORKING_DAYS) == 0;
}

/* The working hours as seconds after midnight. */
static void
get_working_hours (GpPolicy *self,
                   int      *start,
                   int      *end)
{
  JsonObject *hours = gp_document_get_object_member (GP_DOCUMENT (self), "working_hours");
  int start_min, end_min;

  if (!parse_clock (gp_json_get_string (hours, "start"), &start_min) ||
      !parse_clock (gp_json_get_string (hours, "end"), &end_min) || start_min >= end_min)
    {
      start_min = 8 * 60 + 30;
      end_min = 17 * 60 + 30;
    }
  *start = start_min * 60;
  *end = end_min * 60;
}

/**
 * gp_policy_get_utc_offset:
 *
 * Seconds east of UTC of the policy's calendar: its "utc_offset" ("+08:00"),
 * or China's.
 */
int
gp_policy_get_utc_offset (GpPolicy *self)
{
  const char *text;
  int sign, hours, minutes;
  char tail;

  g_return_val_if_fail (GP_IS_POLICY (self), GP_CLOCK_CHINA_UTC_OFFSET);

  text = gp_document_get_string_member (GP_DOCUMENT (self), "utc_offset");
  if (text == NULL || strlen (text) != 6 || (text[0] != '+' && text[0] != '-') ||
      sscanf (text + 1, "%2d:%2d%c", &hours, &minutes, &tail) != 2 || hours > 14 || minutes > 59)
    return GP_CLOCK_CHINA_UTC_OFFSET;
  sign = text[0] == '-' ? -1 : 1;
  return sign * (hours * 3600 + minutes * 60);
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
is_working_day_number (GpPolicy *self,
                       gint64    day)
{
  return is_working_julian (self, (guint32) (day + 719163));   /* 1970-01-01 is Julian day 719163 */
}

/* How many working days in [first, last) (days since 1970), in one step for
 * spans inside the counted years. */
static gint64
count_working_days (GpPolicy *self,
                    gint64    first,
                    gint64    last)
{
  gint64 a = first + 719163 - PREFIX_FIRST, b = last + 719163 - PREFIX_FIRST;
  gint64 n = 0;

  if (last <= first)
    return 0;
  if (a >= 0 && b <= PREFIX_DAYS)
    {
      ensure_days (self);
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
 * gp_policy_get_allowance:
 * @level: a level code
 * @urgency: (nullable): an urgency code
 * @unit: (out) (optional) (transfer none): the deadline's unit
 *
 * The time the policy allows a case of @level and @urgency, in seconds of
 * the unit's clock (working seconds for working hours and days): the
 * level's deadline for that urgency, else its deadline for no urgency, else
 * its first. -1 when the level is unknown.
 */
gint64
gp_policy_get_allowance (GpPolicy    *self,
                         const char  *level,
                         const char  *urgency,
                         const char **unit)
{
  JsonObject *object;
  JsonArray *deadlines;
  JsonObject *chosen = NULL;
  const char *chosen_unit;
  gint64 amount = 0;
  int start, end;

  g_return_val_if_fail (GP_IS_POLICY (self), -1);

  object = gp_policy_get_level (self, level);
  deadlines = gp_json_get_array (object, "deadlines");
  if (deadlines == NULL || json_array_get_length (deadlines) == 0)
    return -1;

  for (guint i = 0; i < json_array_get_length (deadlines) && chosen == NULL; i++)
    if (urgency != NULL && g_strcmp0 (gp_json_get_string (object_at (deadlines, i), "urgency"), urgency) == 0)
      chosen = object_at (deadlines, i);
  for (guint i = 0; i < json_array_get_length (deadlines) && chosen == NULL; i++)
    if (gp_json_get_string (object_at (deadlines, i), "urgency") == NULL)
      chosen = object_at (deadlines, i);
  if (chosen == NULL)
    chosen = object_at (deadlines, 0);

  chosen_unit = gp_json_get_string (chosen, "unit");
  if (chosen == NULL || !gp_json_get_int (chosen, "amount", &amount) || chosen_unit == NULL)
    return -1;
  if (unit != NULL)
    *unit = chosen_unit;

  get_working_hours (self, &start, &end);
  if (g_str_equal (chosen_unit, GP_DEADLINE_MINUTES))
    return amount * 60;
  if (g_str_equal (chosen_unit, GP_DEADLINE_WORKING_HOURS))
    return amount * 3600;
  if (g_str_equal (chosen_unit, GP_DEADLINE_WORKING_DAYS))
    return amount * (end - start);
  return amount * SECONDS_PER_DAY;   /* calendar days */
}

/**
 * gp_policy_clock_between:
 * @unit: a deadline unit: which clock
 * @from: UNIX time
 * @to: UNIX time
 *
 * The seconds that clock runs from @from to @to (0 when @to is not after @from).
 */
gint64
gp_policy_clock_between (GpPolicy   *self,
                         const char *unit,
                         gint64      from,
                         gint64      to)
{
  int offset, start, end, from_second, to_second;
  gint64 first, last, total = 0;

  g_return_val_if_fail (GP_IS_POLICY (self), 0);

  if (to <= from)
    return 0;
  if (!is_working_clock (unit))
    return to - from;

  offset = gp_policy_get_utc_offset (self);
  get_working_hours (self, &start, &end);
  first = local_day (from, offset, &from_second);
  last = local_day (to, offset, &to_second);
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
 * gp_policy_clock_add:
 * @unit: a deadline unit: which clock
 * @from: UNIX time
 * @seconds: seconds of that clock, not negative
 *
 * The UNIX time when that clock, started at @from, has run @seconds. On the
 * working clock a case that starts outside working hours starts at the next
 * working morning, and one that ends on the stroke of closing time ends then.
 */
gint64
gp_policy_clock_add (GpPolicy   *self,
                     const char *unit,
                     gint64      from,
                     gint64      seconds)
{
  int offset, start, end, second;
  gint64 day, left = seconds;

  g_return_val_if_fail (GP_IS_POLICY (self), from);
  g_return_val_if_fail (seconds >= 0, from);

  if (!is_working_clock (unit))
    return from + seconds;

  offset = gp_policy_get_utc_offset (self);
  get_working_hours (self, &start, &end);
  day = local_day (from, offset, &second);
  /* Ten years of days off in a row would be a broken calendar: stop there. */
  for (guint n = 0; n < 3660; n++, day++, second = 0)
    {
      int a = MAX (second, start);

      if (a >= end || !is_working_day_number (self, day))
        continue;
      if (left <= end - a)
        return day * SECONDS_PER_DAY - offset + a + left;
      left -= end - a;
    }
  g_warning ("The policy's calendar has no working day in ten years");
  return from + seconds;
}

/**
 * gp_policy_dup_escalation:
 *
 * Returns: (transfer full): the order a case is escalated in, lowest
 *   first: the policy's "escalation", or else its levels as listed
 */
char **
gp_policy_dup_escalation (GpPolicy *self)
{
  JsonArray *escalation;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  escalation = gp_document_get_array_member (GP_DOCUMENT (self), "escalation");
  if (escalation == NULL || json_array_get_length (escalation) == 0)
    return gp_policy_dup_level_codes (self);
  for (guint i = 0; i < json_array_get_length (escalation); i++)
    g_strv_builder_add (builder, json_array_get_string_element (escalation, i));
  return g_strv_builder_end (builder);
}

/**
 * gp_policy_dup_next_level:
 *
 * Returns: (transfer full) (nullable): the level a case at @level is
 *   escalated to, or %NULL at the top of the order or for a level not in it
 */
char *
gp_policy_dup_next_level (GpPolicy   *self,
                          const char *level)
{
  g_auto(GStrv) order = NULL;

  g_return_val_if_fail (GP_IS_POLICY (self), NULL);

  order = gp_policy_dup_escalation (self);
  for (guint i = 0; order[i] != NULL && order[i + 1] != NULL; i++)
    if (g_strcmp0 (order[i], level) == 0)
      return g_strdup (order[i + 1]);
  return NULL;
}
