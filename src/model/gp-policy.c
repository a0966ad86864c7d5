/* gp-policy.c — a grading scheme from the centre: levels, deadlines, warnings, the working-day calendar.
 *
 * The calendar and working hours it carries are read into a
 * GpWorkingTime (gp-working-time.c), which runs the working clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-policy"

#include "config.h"

#include "gp-policy.h"
#include "gp-clock.h"
#include "gp-json.h"
#include "gp-working-time.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

struct _GpPolicy
{
  GpDocument     parent_instance;

  /* Working time, read again only when what it was read from changed. */
  GpWorkingTime *working_time;
  JsonObject    *working_calendar;   /* the members it was read from */
  JsonObject    *working_hours;
  char          *working_rev;
  int            working_offset;
};

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
      (hours == NULL || !gp_working_time_parse_clock (gp_json_get_string (hours, "start"), &start) ||
       !gp_working_time_parse_clock (gp_json_get_string (hours, "end"), &end) || start >= end))
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

  g_clear_pointer (&self->working_time, gp_working_time_free);
  g_free (self->working_rev);

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

/* The policy's working time, read again only when its calendar, working
 * hours, zone or revision changed. */
static GpWorkingTime *
working_time (GpPolicy *self)
{
  JsonObject *calendar = gp_document_get_object_member (GP_DOCUMENT (self), "calendar");
  JsonObject *hours = gp_document_get_object_member (GP_DOCUMENT (self), "working_hours");
  const char *rev = gp_document_get_rev (GP_DOCUMENT (self));
  int offset = gp_policy_get_utc_offset (self);

  if (self->working_time != NULL && self->working_calendar == calendar && self->working_hours == hours &&
      self->working_offset == offset && g_strcmp0 (self->working_rev, rev) == 0)
    return self->working_time;

  g_clear_pointer (&self->working_time, gp_working_time_free);
  self->working_time = gp_working_time_new (calendar, hours, offset);
  self->working_calendar = calendar;
  self->working_hours = hours;
  self->working_offset = offset;
  g_free (self->working_rev);
  self->working_rev = g_strdup (rev);
  return self->working_time;
}

/* Weekends and public holidays are off, make-up days (调休) are on; a date
 * the calendar does not mention follows the weekend rule. */
gboolean
gp_policy_is_working_day (GpPolicy    *self,
                          const GDate *date)
{
  g_return_val_if_fail (GP_IS_POLICY (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return gp_working_time_is_working_day (working_time (self), date);
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

/* The clocks.
 *
 * Deadlines run on one of two clocks. "minutes" and "calendar_days" run on
 * the wall clock; "working_hours" and "working_days" on the working clock
 * of the policy's working time (gp-working-time.c). Dates are those of the
 * policy's time zone, China's by default.
 */

#define SECONDS_PER_DAY (24 * 3600)

static gboolean
is_working_clock (const char *unit)
{
  return g_strcmp0 (unit, GP_DEADLINE_WORKING_HOURS) == 0 ||
         g_strcmp0 (unit, GP_DEADLINE_WORKING_DAYS) == 0;
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

  if (g_str_equal (chosen_unit, GP_DEADLINE_MINUTES))
    return amount * 60;
  if (g_str_equal (chosen_unit, GP_DEADLINE_WORKING_HOURS))
    return amount * 3600;
  if (g_str_equal (chosen_unit, GP_DEADLINE_WORKING_DAYS))
    return amount * gp_working_time_get_day_length (working_time (self));
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
  g_return_val_if_fail (GP_IS_POLICY (self), 0);

  if (to <= from)
    return 0;
  if (!is_working_clock (unit))
    return to - from;
  return gp_working_time_between (working_time (self), from, to);
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
  g_return_val_if_fail (GP_IS_POLICY (self), from);
  g_return_val_if_fail (seconds >= 0, from);

  if (!is_working_clock (unit))
    return from + seconds;
  return gp_working_time_add (working_time (self), from, seconds);
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
