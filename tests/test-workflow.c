/* test-workflow.c — deadlines on the policy's clock, and the incident
 * workflow folded from events.
 *
 * The calendar here is a test fixture shaped like China's 2026 calendar:
 * weekends off, National Day 1–7 October off, Sunday 20 September and
 * Saturday 10 October make-up working days; working hours 08:30–17:30,
 * UTC+8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-workflow.h"

#include <string.h>

static const char policy_abcd[] =
  "{\"_id\":\"policy:test\",\"type\":\"policy\",\"name\":\"test\",\"title\":\"A–D\","
  "\"default_level\":\"B\",\"response_minutes\":10,"
  "\"levels\":["
  " {\"code\":\"A\",\"label\":\"A\",\"handler\":\"community\",\"deadlines\":[{\"amount\":1,\"unit\":\"working_days\"}]},"
  " {\"code\":\"B\",\"label\":\"B\",\"handler\":\"street\",\"deadlines\":[{\"amount\":3,\"unit\":\"working_days\"}]},"
  " {\"code\":\"C\",\"label\":\"C\",\"handler\":\"district\",\"deadlines\":[{\"amount\":5,\"unit\":\"working_days\"}]},"
  " {\"code\":\"D\",\"label\":\"D\",\"handler\":\"city\",\"deadlines\":[{\"amount\":30,\"unit\":\"calendar_days\"}]},"
  " {\"code\":\"H\",\"label\":\"H\",\"deadlines\":[{\"amount\":4,\"unit\":\"working_hours\"}]},"
  " {\"code\":\"M\",\"label\":\"M\",\"deadlines\":[{\"amount\":100,\"unit\":\"minutes\"}]}],"
  "\"escalation\":[\"A\",\"B\",\"C\",\"D\"],"
  "\"warning\":{\"yellow\":0.8},\"working_hours\":{\"start\":\"08:30\",\"end\":\"17:30\"},"
  "\"calendar\":{\"weekend\":[6,7],"
  " \"holidays\":[{\"name\":\"国庆节\",\"from\":\"2026-10-01\",\"to\":\"2026-10-07\"}],"
  " \"workdays\":[\"2026-09-20\",\"2026-10-10\"]}}";

/* Seed 003's scheme: C general, B complex, A major, each by urgency. */
static const char policy_cba[] =
  "{\"_id\":\"policy:cba\",\"type\":\"policy\",\"name\":\"cba\",\"title\":\"C–B–A\","
  "\"default_level\":\"C\","
  "\"urgencies\":[{\"code\":\"1\",\"label\":\"一级\"},{\"code\":\"2\",\"label\":\"二级\"},{\"code\":\"3\",\"label\":\"三级\"}],"
  "\"levels\":["
  " {\"code\":\"C\",\"label\":\"C类 一般\",\"deadlines\":[{\"urgency\":\"1\",\"amount\":2,\"unit\":\"calendar_days\"},"
  "   {\"urgency\":\"2\",\"amount\":7,\"unit\":\"calendar_days\"},{\"amount\":15,\"unit\":\"calendar_days\"}]},"
  " {\"code\":\"B\",\"label\":\"B类 复杂\",\"deadlines\":[{\"amount\":15,\"unit\":\"working_days\"}]},"
  " {\"code\":\"A\",\"label\":\"A类 重大\",\"deadlines\":[{\"amount\":30,\"unit\":\"working_days\"}]}],"
  "\"escalation\":[\"C\",\"B\",\"A\"]}";

static GpPolicy *
load_policy (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  GpDocument *document;

  g_assert_nonnull (node);
  document = gp_document_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_true (gp_document_validate (document, &error));
  g_assert_no_error (error);
  return GP_POLICY (document);
}

static gint64
t (const char *iso)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static void
assert_time (gint64      unix_time,
             const char *expected)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autofree char *iso = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");

  g_assert_cmpstr (iso, ==, expected);
}

/* The deadline of each unit across weekends, a holiday week and make-up days. */
static void
test_deadlines (void)
{
  g_autoptr(GpPolicy) policy = load_policy (policy_abcd);
  const struct { const char *level; const char *from; const char *deadline; } cases[] = {
    /* Three working days from Monday morning: Thursday, same time. */
    { "B", "2026-11-16T10:00:00+08:00", "2026-11-19T10:00:00+08:00" },
    /* From Thursday: over the weekend to Tuesday. */
    { "B", "2026-11-19T10:00:00+08:00", "2026-11-24T10:00:00+08:00" },
    /* The day before National Day: the holiday week does not count, the
     * make-up Saturday does. */
    { "B", "2026-09-30T10:00:00+08:00", "2026-10-10T10:00:00+08:00" },
    /* Reported on a Saturday: the clock starts on the make-up Sunday. */
    { "A", "2026-09-19T15:00:00+08:00", "2026-09-20T17:30:00+08:00" },
    /* After hours on Friday: four working hours end on Monday at 12:30. */
    { "H", "2026-11-20T18:00:00+08:00", "2026-11-23T12:30:00+08:00" },
    /* Working hours across the lunch-less day's end. */
    { "H", "2026-11-18T15:00:00+08:00", "2026-11-19T10:00:00+08:00" },
    /* Minutes and calendar days run on the wall clock, weekends too. */
    { "M", "2026-11-21T10:00:00+08:00", "2026-11-21T11:40:00+08:00" },
    { "D", "2026-11-01T10:00:00+08:00", "2026-12-01T10:00:00+08:00" },
    /* Five working days from closing time on 30 September: 8, 9, 10 (make-up), 12, 13 October. */
    { "C", "2026-09-30T17:30:00+08:00", "2026-10-13T17:30:00+08:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *unit = NULL;
      gint64 allowed = gp_policy_get_allowance (policy, cases[i].level, NULL, &unit);
      gint64 from = t (cases[i].from);
      gint64 deadline = gp_policy_clock_add (policy, unit, from, allowed);

      g_test_message ("%s from %s", cases[i].level, cases[i].from);
      assert_time (deadline, cases[i].deadline);
      /* The clock reads back what was added. */
      g_assert_cmpint (gp_policy_clock_between (policy, unit, from, deadline), ==, allowed);
    }

  /* Holidays and weekends add nothing to the working clock. */
  g_assert_cmpint (gp_policy_clock_between (policy, GP_DEADLINE_WORKING_DAYS, t ("2026-10-01T00:00:00+08:00"),
                                            t ("2026-10-08T00:00:00+08:00")), ==, 0);
  g_assert_cmpint (gp_policy_clock_between (policy, GP_DEADLINE_WORKING_DAYS, t ("2026-11-21T00:00:00+08:00"),
                                            t ("2026-11-23T00:00:00+08:00")), ==, 0);
  g_assert_cmpint (gp_policy_clock_between (policy, GP_DEADLINE_WORKING_DAYS, t ("2026-10-10T00:00:00+08:00"),
                                            t ("2026-10-11T00:00:00+08:00")), ==, 9 * 3600);
  g_assert_cmpint (gp_policy_get_allowance (policy, "Q", NULL, NULL), ==, -1);

  /* Two years of working time, counted day by day here, is what the
   * policy's clock says, inside and outside the years it counts ahead. */
  for (guint k = 0; k < 2; k++)
    {
      const char *from_text = k == 0 ? "2025-01-01T10:00:00+08:00" : "1998-06-01T10:00:00+08:00";
      const char *to_text = k == 0 ? "2026-12-31T12:00:00+08:00" : "2000-03-01T12:00:00+08:00";
      g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (from_text, NULL);
      g_autoptr(GDateTime) to = g_date_time_new_from_iso8601 (to_text, NULL);
      GDate day, last;
      gint64 expected = 0;

      g_date_set_dmy (&day, g_date_time_get_day_of_month (from), g_date_time_get_month (from),
                      g_date_time_get_year (from));
      g_date_set_dmy (&last, g_date_time_get_day_of_month (to), g_date_time_get_month (to),
                      g_date_time_get_year (to));
      /* 10:00 to 17:30 on the first day, 08:30 to 12:00 on the last. */
      if (gp_policy_is_working_day (policy, &day))
        expected += 7 * 3600 + 1800;
      if (gp_policy_is_working_day (policy, &last))
        expected += 3 * 3600 + 1800;
      for (g_date_add_days (&day, 1); g_date_compare (&day, &last) < 0; g_date_add_days (&day, 1))
        expected += gp_policy_is_working_day (policy, &day) ? 9 * 3600 : 0;
      g_assert_cmpint (gp_policy_clock_between (policy, GP_DEADLINE_WORKING_DAYS, t (from_text), t (to_text)), ==,
                       expected);
    }
}

/* Seed 003's scheme: the deadline follows the urgency. */
static void
test_deadline_by_urgency (void)
{
  g_autoptr(GpPolicy) policy = load_policy (policy_cba);
  const char *unit = NULL;

  g_assert_cmpint (gp_policy_get_allowance (policy, "C", "1", &unit), ==, 2 * 86400);
  g_assert_cmpstr (unit, ==, GP_DEADLINE_CALENDAR_DAYS);
  g_assert_cmpint (gp_policy_get_allowance (policy, "C", "2", NULL), ==, 7 * 86400);
  g_assert_cmpint (gp_policy_get_allowance (policy, "C", "3", NULL), ==, 15 * 86400);
  g_assert_cmpint (gp_policy_get_allowance (policy, "C", NULL, NULL), ==, 15 * 86400);
  g_assert_cmpint (gp_policy_get_allowance (policy, "B", "1", &unit), ==, 15 * 9 * 3600);
  g_assert_cmpstr (unit, ==, GP_DEADLINE_WORKING_DAYS);
}

/* Building cases. */

typedef struct
{
  GpPolicy   *policy;
  GpIncident *incident;
  GPtrArray  *events;
  gint64      clock;    /* the time of the next event */
} Case;

static void
case_init (Case       *c,
           const char *policy_text,
           const char *reported_at,
           const char *grade)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (reported_at, NULL);

  c->policy = load_policy (policy_text);
  c->incident = gp_incident_new ();
  g_object_set (c->incident, "grid", "610103003003", "source", GP_SOURCE_PATROL, "category", "06010",
                "reporter", "wang", "reported-at", at, "description", "暴露垃圾", "grade", grade, NULL);
  c->events = g_ptr_array_new_with_free_func (g_object_unref);
  c->clock = g_date_time_to_unix (at);
}

static void
case_clear (Case *c)
{
  g_clear_object (&c->policy);
  g_clear_object (&c->incident);
  g_clear_pointer (&c->events, g_ptr_array_unref);
}

/* An event with what its action needs: a reason, a note, a target, the
 * next level, a passing result or satisfaction, a photo. */
static GpEvent *
make_event (Case       *c,
            const char *action,
            const char *role,
            const char *actor,
            gint64      at)
{
  GpEvent *event = gp_event_new (gp_document_get_id (GP_DOCUMENT (c->incident)));
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (at);
  g_autoptr(GpCase) now = gp_case_fold (c->incident, c->events, c->policy, at);

  g_object_set (event, "grid", "610103003003", "action", action, "role", role, "actor", actor, "at", time, NULL);
  if (g_str_equal (action, GP_ACTION_VOID) || g_str_equal (action, GP_ACTION_SUSPEND))
    g_object_set (event, "reason", "重复上报", NULL);
  if (g_str_equal (action, GP_ACTION_DISPATCH) || g_str_equal (action, GP_ACTION_TRANSFER))
    g_object_set (event, "target", "市政养护所", NULL);
  if (g_str_equal (action, GP_ACTION_ESCALATE))
    g_object_set (event, "level", g_strcmp0 (now->level, "A") == 0 ? "B" : g_strcmp0 (now->level, "B") == 0 ? "C" : "D",
                  NULL);
  if (g_str_equal (action, GP_ACTION_VERIFY))
    g_object_set (event, "result", GP_VERIFY_PASS, NULL);
  if (g_str_equal (action, GP_ACTION_CALLBACK))
    g_object_set (event, "satisfaction", GP_SATISFIED, NULL);
  if (g_str_equal (action, GP_ACTION_COMMENT) || g_str_equal (action, GP_ACTION_REOPEN))
    g_object_set (event, "note", "居民再次反映", NULL);
  if (g_str_equal (action, GP_ACTION_SELF_HANDLE) || g_str_equal (action, GP_ACTION_HANDLED))
    {
      g_autoptr(GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xd9", 4);
      g_autoptr(GpAttachment) photo = gp_attachment_new ("photo-1.jpg", "image/jpeg", jpeg);

      gp_document_add_attachment (GP_DOCUMENT (event), photo);
    }
  return event;
}

/* Appends a step ten minutes after the last, checked as the app checks it. */
static void
step (Case       *c,
      const char *action,
      const char *role)
{
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GError) error = NULL;

  c->clock += 600;
  event = make_event (c, action, role, g_str_equal (role, GP_ROLE_WORKER) ? "wang" : "li", c->clock);
  now = gp_case_fold (c->incident, c->events, c->policy, c->clock);
  if (!gp_case_check (now, c->incident, c->policy, event, &error))
    g_error ("%s as %s in state %s: %s", action, role, gp_state_to_string (now->state), error->message);
  g_ptr_array_add (c->events, g_steal_pointer (&event));
}

static GpCase *
fold (Case *c)
{
  return gp_case_fold (c->incident, c->events, c->policy, c->clock);
}

/* The way to each state, from reported. */
static const char * const paths[GP_N_STATES][12] = {
  [GP_STATE_REPORTED] = { NULL },
  [GP_STATE_REGISTERED] = { "register", NULL },
  [GP_STATE_VOID] = { "void", NULL },
  [GP_STATE_DISPATCHED] = { "register", "dispatch", NULL },
  [GP_STATE_ACCEPTED] = { "register", "dispatch", "accept", NULL },
  [GP_STATE_IN_PROGRESS] = { "register", "dispatch", "accept", "start", NULL },
  [GP_STATE_SUSPENDED] = { "register", "dispatch", "accept", "start", "suspend", NULL },
  [GP_STATE_HANDLED] = { "register", "dispatch", "accept", "start", "handled", NULL },
  [GP_STATE_CALLBACK] = { "register", "dispatch", "accept", "start", "handled", "verify", NULL },
  [GP_STATE_SATISFIED] = { "register", "dispatch", "accept", "start", "handled", "verify", "callback", NULL },
  [GP_STATE_CLOSED] = { "register", "dispatch", "accept", "start", "handled", "verify", "callback", "close", NULL },
};

/* src/model/README.md §3, restated: who may take each step, from which states. */
static gboolean
expected (const char *action,
          const char *role,
          GpState     state)
{
  gboolean worker = g_str_equal (role, GP_ROLE_WORKER);
  gboolean manager = !worker;   /* leader or centre */
  gboolean handling = state == GP_STATE_REGISTERED || state == GP_STATE_DISPATCHED ||
                      state == GP_STATE_ACCEPTED || state == GP_STATE_IN_PROGRESS ||
                      state == GP_STATE_SUSPENDED;

  if (g_str_equal (action, "comment"))
    return TRUE;
  if (g_str_equal (action, "register"))
    return manager && state == GP_STATE_REPORTED;
  if (g_str_equal (action, "void"))
    return manager && (state == GP_STATE_REPORTED || state == GP_STATE_REGISTERED);
  if (g_str_equal (action, "self_handle"))   /* the level-A case's reporter, or a leader */
    return !g_str_equal (role, GP_ROLE_CENTRE) && (state == GP_STATE_REPORTED || state == GP_STATE_REGISTERED);
  if (g_str_equal (action, "dispatch"))
    return manager && state == GP_STATE_REGISTERED;
  if (g_str_equal (action, "accept"))
    return state == GP_STATE_DISPATCHED;
  if (g_str_equal (action, "start"))
    return state == GP_STATE_ACCEPTED;
  if (g_str_equal (action, "suspend"))
    return manager && (state == GP_STATE_DISPATCHED || state == GP_STATE_ACCEPTED || state == GP_STATE_IN_PROGRESS);
  if (g_str_equal (action, "resume"))
    return manager && state == GP_STATE_SUSPENDED;
  if (g_str_equal (action, "escalate") || g_str_equal (action, "transfer"))
    return manager && handling;
  if (g_str_equal (action, "handled"))
    return state == GP_STATE_IN_PROGRESS;
  if (g_str_equal (action, "verify"))
    return manager && state == GP_STATE_HANDLED;
  if (g_str_equal (action, "callback"))
    return manager && state == GP_STATE_CALLBACK;
  if (g_str_equal (action, "close"))
    return manager && state == GP_STATE_SATISFIED;
  if (g_str_equal (action, "reopen"))
    return manager && state == GP_STATE_CLOSED;
  g_assert_not_reached ();
}

/* Every step for every role in every state: allowed exactly as src/model/README.md
 * says, and a refusal says why in words. */
static void
test_transitions (void)
{
  const char *roles[] = { GP_ROLE_WORKER, GP_ROLE_LEADER, GP_ROLE_CENTRE };
  const char * const *actions = gp_event_get_actions ();
  guint allowed = 0, refused = 0;

  for (GpState state = 0; state < GP_N_STATES; state++)
    {
      Case c = { 0 };
      g_autoptr(GpCase) now = NULL;

      case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "A");
      for (guint i = 0; paths[state][i] != NULL; i++)
        step (&c, paths[state][i], GP_ROLE_LEADER);
      now = fold (&c);
      g_assert_cmpint (now->state, ==, state);

      for (guint a = 0; actions[a] != NULL; a++)
        for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
          {
            g_autoptr(GpEvent) event = make_event (&c, actions[a], roles[r],
                                                   g_str_equal (roles[r], GP_ROLE_WORKER) ? "wang" : "li",
                                                   c.clock + 600);
            g_autoptr(GError) error = NULL;
            g_auto(GStrv) offered = gp_case_dup_actions (now, c.incident, c.policy, roles[r],
                                                         g_str_equal (roles[r], GP_ROLE_WORKER) ? "wang" : "li");
            gboolean ok = gp_case_check (now, c.incident, c.policy, event, &error);

            if (ok != expected (actions[a], roles[r], state))
              g_error ("%s as %s in %s: %s, expected %s (%s)", actions[a], roles[r], gp_state_to_string (state),
                       ok ? "allowed" : "refused", ok ? "refused" : "allowed", error ? error->message : "");
            /* The buttons offered are the steps allowed. */
            g_assert_cmpint (g_strv_contains ((const char * const *) offered, actions[a]), ==, ok);
            if (!ok)
              {
                g_assert_nonnull (error);
                g_assert_true (error->domain == GP_WORKFLOW_ERROR);
                g_assert_cmpuint (strlen (error->message), >, 10);
                refused++;
              }
            else
              allowed++;
          }
      case_clear (&c);
    }
  g_test_message ("%u allowed and %u refused steps checked", allowed, refused);
  g_assert_cmpuint (allowed, >, 40);
}

/* What a step cannot go without, and who may handle on the spot. */
static void
test_step_requirements (void)
{
  Case c = { 0 };
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "A");
  now = fold (&c);

  /* Another worker cannot handle someone else's report on the spot. */
  event = make_event (&c, GP_ACTION_SELF_HANDLE, GP_ROLE_WORKER, "zhao", c.clock + 60);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_ROLE);
  g_clear_error (&error);
  g_clear_object (&event);

  /* Not without a photo of the result. */
  event = make_event (&c, GP_ACTION_SELF_HANDLE, GP_ROLE_WORKER, "wang", c.clock + 60);
  g_assert_true (gp_document_remove_attachment (GP_DOCUMENT (event), "photo-1.jpg"));
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "photo"));
  g_clear_error (&error);
  g_clear_object (&event);

  /* A step dated before the last one. */
  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  event = make_event (&c, GP_ACTION_COMMENT, GP_ROLE_LEADER, "li", c.clock - 60);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&event);

  /* A comment needs its words. */
  event = make_event (&c, GP_ACTION_COMMENT, GP_ROLE_WORKER, "wang", c.clock + 60);
  g_object_set (event, "note", "  ", NULL);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_MISSING);
  g_clear_error (&error);
  g_clear_object (&event);

  /* A level B case is not simple: no handling on the spot. */
  case_clear (&c);
  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "B");
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  event = make_event (&c, GP_ACTION_SELF_HANDLE, GP_ROLE_WORKER, "wang", c.clock + 60);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&event);

  /* Registration may grade it, with a level of the scheme only. */
  event = make_event (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER, "li", c.clock + 60);
  g_object_set (event, "grade", "Z", NULL);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID);
  case_clear (&c);
}

/* A simple case handled on the spot by its reporter, then verified. */
static void
test_self_handle (void)
{
  Case c = { 0 };
  g_autoptr(GpCase) now = NULL;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "A");
  step (&c, GP_ACTION_SELF_HANDLE, GP_ROLE_WORKER);
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_HANDLED);
  g_assert_cmpint (now->responded_at, ==, c.clock);
  g_assert_cmpint (now->used, ==, 600);
  g_assert_false (now->overdue);
  g_assert_cmpint (now->warning, ==, GP_WARNING_NONE);
  step (&c, GP_ACTION_VERIFY, GP_ROLE_LEADER);
  step (&c, GP_ACTION_CALLBACK, GP_ROLE_LEADER);
  step (&c, GP_ACTION_CLOSE, GP_ROLE_LEADER);
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_CLOSED);
  g_assert_false (gp_case_is_open (now));
  case_clear (&c);
}

static GpWarning
warning_at (Case       *c,
            gint64      at)
{
  g_autoptr(GpCase) now = gp_case_fold (c->incident, c->events, c->policy, at);

  return now->warning;
}

/* Green below 80 % of the time, yellow from 80 %, red at the deadline. */
static void
test_warnings (void)
{
  Case c = { 0 };
  gint64 registered;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "M");
  /* Before registration: the 10-minute first-response timer. */
  g_assert_cmpint (warning_at (&c, c.clock + 7 * 60 + 59), ==, GP_WARNING_GREEN);
  g_assert_cmpint (warning_at (&c, c.clock + 8 * 60), ==, GP_WARNING_YELLOW);
  g_assert_cmpint (warning_at (&c, c.clock + 10 * 60), ==, GP_WARNING_RED);

  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);   /* at +10 min */
  registered = c.clock;
  g_assert_cmpint (warning_at (&c, registered + 79 * 60), ==, GP_WARNING_GREEN);
  g_assert_cmpint (warning_at (&c, registered + 80 * 60), ==, GP_WARNING_YELLOW);
  g_assert_cmpint (warning_at (&c, registered + 99 * 60), ==, GP_WARNING_YELLOW);
  g_assert_cmpint (warning_at (&c, registered + 100 * 60), ==, GP_WARNING_RED);
  {
    g_autoptr(GpCase) now = gp_case_fold (c.incident, c.events, c.policy, registered + 150 * 60);

    g_assert_true (now->overdue);
    g_assert_cmpint (now->deadline, ==, registered + 100 * 60);   /* where it was crossed */
    g_assert_cmpint (now->responded_at, ==, registered);
  }
  case_clear (&c);
}

/* Suspension pauses the clock and moves the deadline by the pause. */
static void
test_suspended_clock (void)
{
  Case c = { 0 };
  gint64 registered;
  g_autoptr(GpCase) now = NULL;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "M");
  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);
  registered = c.clock;
  step (&c, GP_ACTION_DISPATCH, GP_ROLE_LEADER);
  step (&c, GP_ACTION_ACCEPT, GP_ROLE_WORKER);
  step (&c, GP_ACTION_SUSPEND, GP_ROLE_LEADER);      /* at +30 min */
  c.clock += 3600;                                  /* an hour suspended */
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_SUSPENDED);
  g_assert_false (now->clock_running);
  g_assert_cmpint (now->used, ==, 30 * 60);
  g_assert_cmpint (now->warning, ==, GP_WARNING_GREEN);
  step (&c, GP_ACTION_RESUME, GP_ROLE_LEADER);       /* back to accepted */
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_ACCEPTED);
  g_assert_true (now->clock_running);
  g_assert_cmpint (now->used, ==, 30 * 60);
  g_assert_cmpint (now->deadline, ==, registered + 100 * 60 + 70 * 60);
  case_clear (&c);
}

/* Escalation follows the policy's order, in both schemes. */
static void
test_escalation (void)
{
  Case c = { 0 };
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) offered = NULL;

  /* A→B→C→D. */
  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "A");
  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);
  step (&c, GP_ACTION_ESCALATE, GP_ROLE_LEADER);
  step (&c, GP_ACTION_ESCALATE, GP_ROLE_CENTRE);
  now = fold (&c);
  g_assert_cmpstr (now->level, ==, "C");
  g_assert_cmpint (now->state, ==, GP_STATE_REGISTERED);
  /* C's five working days from registration (Monday 09:10). */
  assert_time (now->deadline, "2026-11-23T09:10:00+08:00");
  event = make_event (&c, GP_ACTION_ESCALATE, GP_ROLE_LEADER, "li", c.clock + 60);
  g_object_set (event, "level", "B", NULL);   /* backwards */
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID);
  g_clear_error (&error);
  step (&c, GP_ACTION_ESCALATE, GP_ROLE_CENTRE);
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpstr (now->level, ==, "D");
  offered = gp_case_dup_actions (now, c.incident, c.policy, GP_ROLE_CENTRE, "centre");
  g_assert_false (g_strv_contains ((const char * const *) offered, GP_ACTION_ESCALATE));   /* the top */
  case_clear (&c);
  g_clear_object (&event);
  g_clear_pointer (&now, gp_case_free);

  /* C→B→A: an unresolved general case is handled as complex. */
  case_init (&c, policy_cba, "2026-11-16T09:00:00+08:00", NULL);
  now = fold (&c);
  g_assert_cmpstr (now->level, ==, "C");   /* the policy's default */
  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);
  event = make_event (&c, GP_ACTION_ESCALATE, GP_ROLE_LEADER, "li", c.clock + 60);
  g_object_set (event, "level", "B", NULL);
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_true (gp_case_check (now, c.incident, c.policy, event, &error));
  g_ptr_array_add (c.events, g_steal_pointer (&event));
  c.clock += 60;
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpstr (now->level, ==, "B");
  g_assert_cmpstr (now->clock, ==, GP_DEADLINE_WORKING_DAYS);
  event = make_event (&c, GP_ACTION_ESCALATE, GP_ROLE_LEADER, "li", c.clock + 60);
  g_object_set (event, "level", "C", NULL);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_clear_error (&error);
  g_object_set (event, "level", "A", NULL);
  g_assert_true (gp_case_check (now, c.incident, c.policy, event, &error));
  case_clear (&c);
}

/* An unsatisfied resident sends the case back: a second round, closed out
 * only after a satisfied callback. */
static void
test_reopen_after_unsatisfied (void)
{
  Case c = { 0 };
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "B");
  for (guint i = 0; i < 6; i++)
    step (&c, paths[GP_STATE_CALLBACK][i], GP_ROLE_LEADER);

  /* Close-out before the callback is refused. */
  now = fold (&c);
  event = make_event (&c, GP_ACTION_CLOSE, GP_ROLE_LEADER, "li", c.clock + 60);
  g_assert_false (gp_case_check (now, c.incident, c.policy, event, &error));
  g_assert_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_STATE);
  g_clear_error (&error);
  g_clear_object (&event);

  event = make_event (&c, GP_ACTION_CALLBACK, GP_ROLE_LEADER, "li", c.clock += 600);
  g_object_set (event, "satisfaction", GP_UNSATISFIED, "note", "垃圾又堆起来了", NULL);
  g_assert_true (gp_case_check (now, c.incident, c.policy, event, &error));
  g_ptr_array_add (c.events, g_steal_pointer (&event));
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_IN_PROGRESS);
  g_assert_cmpuint (now->round, ==, 2);
  g_assert_true (now->clock_running);
  g_assert_cmpint (now->warning, ==, GP_WARNING_GREEN);

  step (&c, GP_ACTION_HANDLED, GP_ROLE_WORKER);
  step (&c, GP_ACTION_VERIFY, GP_ROLE_LEADER);
  step (&c, GP_ACTION_CALLBACK, GP_ROLE_LEADER);
  step (&c, GP_ACTION_CLOSE, GP_ROLE_LEADER);
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_CLOSED);
  g_assert_cmpstr (now->satisfaction, ==, GP_SATISFIED);
  g_assert_cmpint (now->closed_at, ==, c.clock);

  /* And reopened after close-out: a third round. */
  step (&c, GP_ACTION_REOPEN, GP_ROLE_CENTRE);
  g_clear_pointer (&now, gp_case_free);
  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_IN_PROGRESS);
  g_assert_cmpuint (now->round, ==, 3);
  g_assert_cmpint (now->closed_at, ==, 0);
  g_assert_cmpuint (now->timeline->len, ==, 12);
  case_clear (&c);
}

/* Two people acting offline on one case: the later step that the state no
 * longer allows is kept in the timeline, not applied, with the reason. */
static void
test_concurrent_steps (void)
{
  Case c = { 0 };
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GpEvent) voided = NULL;
  g_autoptr(GpEvent) dispatched = NULL;
  GpTimelineEntry *entry;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "B");
  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);
  /* Both decided on the registered case, the void a minute earlier. */
  voided = make_event (&c, GP_ACTION_VOID, GP_ROLE_LEADER, "li", c.clock + 60);
  dispatched = make_event (&c, GP_ACTION_DISPATCH, GP_ROLE_CENTRE, "centre", c.clock + 120);
  g_ptr_array_add (c.events, g_object_ref (dispatched));   /* arrives first */
  g_ptr_array_add (c.events, g_object_ref (voided));
  c.clock += 180;

  now = fold (&c);
  g_assert_cmpint (now->state, ==, GP_STATE_VOID);
  g_assert_cmpuint (now->timeline->len, ==, 3);
  entry = g_ptr_array_index (now->timeline, 2);
  g_assert_true (entry->event == dispatched);
  g_assert_false (entry->applied);
  g_assert_nonnull (strstr (entry->refusal, "Void"));
  g_assert_cmpint (now->warning, ==, GP_WARNING_NONE);
  g_assert_cmpint (now->deadline, ==, 0);
  case_clear (&c);
}

static GpEvent *
sealed_event (Case       *c,
              const char *action,
              const char *role,
              const char *actor,
              gint64      at,
              gint64      seq,
              const char *note)
{
  g_autoptr(GpEvent) draft = make_event (c, action, role, actor, at);
  g_autoptr(GError) error = NULL;
  GpEvent *sealed;

  if (note != NULL)
    g_object_set (draft, "note", note, NULL);
  sealed = gp_event_seal (draft, seq);
  g_assert_true (gp_document_validate (GP_DOCUMENT (sealed), &error));
  g_assert_no_error (error);
  return sealed;
}

static GpCase *
fold_in_order (Case     *c,
               GpEvent **events,
               guint     n)
{
  g_ptr_array_set_size (c->events, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (c->events, g_object_ref (events[i]));
  return fold (c);
}

/* Steps fold in the order they were taken, whatever the clocks: each
 * carries its place in the case ("seq"), one above the steps its author
 * had seen. Steps in the same second, and a step whose author's clock was
 * behind, stay after what they follow; two steps taken at the same place
 * on two phones fold the same way whichever arrives first; steps from
 * before "seq" come first, in time order. */
static void
test_causal_order (void)
{
  Case c = { 0 };
  gint64 t0;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "B");
  t0 = c.clock + 3600;

  /* The dispatcher's clock five minutes behind the registrar's. */
  {
    g_autoptr(GpEvent) registered = sealed_event (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER, "li", t0 + 300, 1, NULL);
    g_autoptr(GpEvent) dispatched = sealed_event (&c, GP_ACTION_DISPATCH, GP_ROLE_LEADER, "li", t0, 2, NULL);
    GpEvent *order[] = { dispatched, registered };
    g_autoptr(GpCase) now = fold_in_order (&c, order, 2);

    g_assert_cmpint (now->state, ==, GP_STATE_DISPATCHED);
    g_assert_cmpint (now->last_seq, ==, 2);
    for (guint i = 0; i < now->timeline->len; i++)
      g_assert_true (((GpTimelineEntry *) g_ptr_array_index (now->timeline, i))->applied);
    g_assert_true (((GpTimelineEntry *) g_ptr_array_index (now->timeline, 0))->event == registered);
  }

  /* A register and a dispatch in the same second, forty times over with
   * other ids each time: always both applied. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *note = g_strdup_printf ("第 %u 次", i);
      g_autoptr(GpEvent) registered = sealed_event (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER, "li", t0, 1, note);
      g_autoptr(GpEvent) dispatched = sealed_event (&c, GP_ACTION_DISPATCH, GP_ROLE_LEADER, "li", t0, 2, note);
      GpEvent *order[] = { dispatched, registered };
      g_autoptr(GpCase) now = fold_in_order (&c, order, 2);

      g_assert_cmpint (now->state, ==, GP_STATE_DISPATCHED);
    }

  /* Two phones at the same place: a void and a dispatch after the same
   * register. The earlier one counts, on every phone. */
  {
    g_autoptr(GpEvent) registered = sealed_event (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER, "li", t0, 1, NULL);
    g_autoptr(GpEvent) voided = sealed_event (&c, GP_ACTION_VOID, GP_ROLE_LEADER, "li", t0 + 60, 2, NULL);
    g_autoptr(GpEvent) dispatched = sealed_event (&c, GP_ACTION_DISPATCH, GP_ROLE_CENTRE, "centre", t0 + 120, 2, NULL);
    GpEvent *one[] = { registered, dispatched, voided };
    GpEvent *other[] = { voided, registered, dispatched };
    g_autoptr(GpCase) here = fold_in_order (&c, one, 3);
    g_autoptr(GpCase) there = fold_in_order (&c, other, 3);

    g_assert_cmpint (here->state, ==, GP_STATE_VOID);
    g_assert_cmpint (there->state, ==, GP_STATE_VOID);
    for (guint i = 0; i < 3; i++)
      {
        GpTimelineEntry *a = g_ptr_array_index (here->timeline, i);
        GpTimelineEntry *b = g_ptr_array_index (there->timeline, i);

        g_assert_true (a->event == b->event);
        g_assert_cmpint (a->applied, ==, b->applied);
      }
  }

  /* A step from before "seq", then one with it dated a minute earlier. */
  {
    g_autoptr(GpEvent) old = make_event (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER, "li", t0 + 60);
    g_autoptr(GpEvent) dispatched = sealed_event (&c, GP_ACTION_DISPATCH, GP_ROLE_LEADER, "li", t0, 1, NULL);
    GpEvent *order[] = { dispatched, old };
    g_autoptr(GpCase) now = fold_in_order (&c, order, 2);

    g_assert_cmpint (gp_event_get_seq (old), ==, 0);
    g_assert_cmpint (now->state, ==, GP_STATE_DISPATCHED);
  }
  case_clear (&c);
}

/* A step is named by its content: the same content, the same id; a step
 * changed after it was sealed no longer matches its id and is not valid. */
static void
test_sealed_steps (void)
{
  Case c = { 0 };
  g_autoptr(GpEvent) a = NULL;
  g_autoptr(GpEvent) b = NULL;
  g_autoptr(GpEvent) later = NULL;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GpDocument) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;

  case_init (&c, policy_abcd, "2026-11-16T09:00:00+08:00", "B");
  a = sealed_event (&c, GP_ACTION_COMMENT, GP_ROLE_WORKER, "wang", c.clock + 60, 1, "已通知物业");
  b = sealed_event (&c, GP_ACTION_COMMENT, GP_ROLE_WORKER, "wang", c.clock + 60, 1, "已通知物业");
  later = sealed_event (&c, GP_ACTION_COMMENT, GP_ROLE_WORKER, "wang", c.clock + 60, 2, "已通知物业");
  prefix = g_strconcat ("event:", gp_document_get_id (GP_DOCUMENT (c.incident)) + strlen ("incident:"), ":", NULL);
  g_assert_true (g_str_has_prefix (gp_document_get_id (GP_DOCUMENT (a)), prefix));
  g_assert_cmpuint (strlen (gp_document_get_id (GP_DOCUMENT (a))), ==, strlen (prefix) + 32);
  g_assert_cmpstr (gp_document_get_id (GP_DOCUMENT (a)), ==, gp_document_get_id (GP_DOCUMENT (b)));
  g_assert_cmpstr (gp_document_get_id (GP_DOCUMENT (a)), !=, gp_document_get_id (GP_DOCUMENT (later)));

  json = gp_document_to_json (GP_DOCUMENT (a));
  json_object_set_string_member (json, "note", "没有通知");
  changed = gp_document_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_false (gp_document_validate (changed, &error));
  g_assert_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID);
  g_assert_nonnull (strstr (error->message, "does not match its content"));
  case_clear (&c);
}

/* The case as gridpatrolctl shows it. */
static void
test_json (void)
{
  Case c = { 0 };
  g_autoptr(GpCase) now = NULL;
  g_autoptr(JsonObject) json = NULL;
  JsonArray *timeline;

  case_init (&c, policy_abcd, "2026-09-30T09:50:00+08:00", "B");
  step (&c, GP_ACTION_REGISTER, GP_ROLE_LEADER);   /* 10:00 */
  now = fold (&c);
  json = gp_case_to_json (now, c.policy);
  g_assert_cmpstr (json_object_get_string_member (json, "state"), ==, "registered");
  g_assert_cmpstr (json_object_get_string_member (json, "level"), ==, "B");
  g_assert_cmpstr (json_object_get_string_member (json, "handler"), ==, "street");
  g_assert_cmpstr (json_object_get_string_member (json, "deadline"), ==, "2026-10-10T10:00:00+08:00");
  g_assert_cmpstr (json_object_get_string_member (json, "warning"), ==, "green");
  g_assert_cmpstr (json_object_get_string_member (json, "clock"), ==, "working_days");
  g_assert_cmpint (json_object_get_int_member (json, "allowed_s"), ==, 3 * 9 * 3600);
  timeline = json_object_get_array_member (json, "timeline");
  g_assert_cmpuint (json_array_get_length (timeline), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (timeline, 0), "action"), ==,
                   "register");
  case_clear (&c);
}

/* The escalation order is the policy's, or its levels as listed; a case
 * at the top, or at a level not in the order, has nowhere to go. */
static void
test_escalation_order (void)
{
  g_autoptr(GpPolicy) abcd = load_policy (policy_abcd);
  g_autoptr(GpPolicy) cba = load_policy (policy_cba);
  g_autoptr(GpPolicy) listed = NULL;
  g_autofree char *after_b = gp_policy_dup_next_level (abcd, "B");
  g_autofree char *after_d = gp_policy_dup_next_level (abcd, "D");
  g_autofree char *after_h = gp_policy_dup_next_level (abcd, "H");
  g_autofree char *after_c = gp_policy_dup_next_level (cba, "C");
  g_autofree char *after_listed = NULL;
  g_autoptr(GString) text = g_string_new (policy_cba);
  g_auto(GStrv) order = NULL;

  g_assert_cmpstr (after_b, ==, "C");
  g_assert_null (after_d);
  g_assert_null (after_h);
  g_assert_cmpstr (after_c, ==, "B");

  /* Without "escalation": the levels as the policy lists them. */
  g_assert_cmpuint (g_string_replace (text, ",\"escalation\":[\"C\",\"B\",\"A\"]", "", 1), ==, 1);
  listed = load_policy (text->str);
  order = gp_policy_dup_escalation (listed);
  g_assert_cmpstrv (order, ((const char * const[]) { "C", "B", "A", NULL }));
  after_listed = gp_policy_dup_next_level (listed, "B");
  g_assert_cmpstr (after_listed, ==, "A");
}

/* How long ago a case was reported, as the list says it: "just now"
 * under a minute (never "0 min ago"), and a clock a little ahead on the
 * reporting phone is "just now" too. */
static void
test_age (void)
{
  const gint64 now = 1764547200;   /* a fixed instant */
  const struct { gint64 ago; const char *said; } cases[] = {
    { 0, "Just now" }, { 59, "Just now" }, { -300, "Just now" }, { 60, "1 min ago" },
    { 59 * 60 + 59, "59 min ago" }, { 3600, "1 hour ago" }, { 2 * 3600 + 1, "2 hours ago" },
    { 24 * 3600 - 1, "23 hours ago" }, { 24 * 3600, "1 day ago" }, { 9 * 24 * 3600, "9 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *said = gp_clock_format_age (now - cases[i].ago, now);

      g_assert_cmpstr (said, ==, cases[i].said);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/workflow/deadlines", test_deadlines);
  g_test_add_func ("/workflow/age", test_age);
  g_test_add_func ("/workflow/deadline-by-urgency", test_deadline_by_urgency);
  g_test_add_func ("/workflow/transitions", test_transitions);
  g_test_add_func ("/workflow/escalation-order", test_escalation_order);
  g_test_add_func ("/workflow/step-requirements", test_step_requirements);
  g_test_add_func ("/workflow/self-handle", test_self_handle);
  g_test_add_func ("/workflow/warnings", test_warnings);
  g_test_add_func ("/workflow/suspended-clock", test_suspended_clock);
  g_test_add_func ("/workflow/escalation", test_escalation);
  g_test_add_func ("/workflow/reopen-after-unsatisfied", test_reopen_after_unsatisfied);
  g_test_add_func ("/workflow/concurrent-steps", test_concurrent_steps);
  g_test_add_func ("/workflow/causal-order", test_causal_order);
  g_test_add_func ("/workflow/sealed-steps", test_sealed_steps);
  g_test_add_func ("/workflow/json", test_json);

  return g_test_run ();
}
