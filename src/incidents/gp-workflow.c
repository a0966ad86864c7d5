/* gp-workflow.c
 *
 * An incident is never edited to say where it stands: its events are folded
 * in time order, each applied if the case's state and the actor's role
 * allow it (src/model/README.md §3), and what comes out is the state, the level, the
 * owner, the deadline and the warning. Workers, leaders and the centre can
 * so act offline on the same case at once: nothing conflicts, and an event
 * that came too late (a case voided while someone else dispatched it) is
 * kept in the timeline, marked as not applied.
 *
 * The handling clock starts at registration and runs while the case is
 * registered, dispatched, accepted or in progress; suspension and the
 * leader's turn (verification, callback) pause it. Its unit is the level's
 * deadline unit, so working days only run in working hours of working days.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-workflow"

#include "config.h"

#include "gp-workflow.h"
#include "gp-clock.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (gp-workflow-error-quark, gp_workflow_error)

#define S(state) (1u << GP_STATE_##state)
#define HANDLING (S (REGISTERED) | S (DISPATCHED) | S (ACCEPTED) | S (IN_PROGRESS) | S (SUSPENDED))
#define ALL_STATES ((1u << GP_N_STATES) - 1)
#define KEEP (-1)
#define SPECIAL (-2)

enum {
  WORKER = 1 << 0,
  LEADER = 1 << 1,
  CENTRE = 1 << 2,
};

static const struct
{
  const char *action;
  guint       roles;
  guint       from;
  int         to;
} rules[] = {
  { GP_ACTION_REGISTER,    LEADER | CENTRE,          S (REPORTED),                    GP_STATE_REGISTERED },
  { GP_ACTION_VOID,        LEADER | CENTRE,          S (REPORTED) | S (REGISTERED),   GP_STATE_VOID },
  { GP_ACTION_SELF_HANDLE, WORKER | LEADER,          S (REPORTED) | S (REGISTERED),   GP_STATE_HANDLED },
  { GP_ACTION_DISPATCH,    LEADER | CENTRE,          S (REGISTERED),                  GP_STATE_DISPATCHED },
  { GP_ACTION_ACCEPT,      WORKER | LEADER | CENTRE, S (DISPATCHED),                  GP_STATE_ACCEPTED },
  { GP_ACTION_START,       WORKER | LEADER | CENTRE, S (ACCEPTED),                    GP_STATE_IN_PROGRESS },
  { GP_ACTION_SUSPEND,     LEADER | CENTRE,          S (DISPATCHED) | S (ACCEPTED) | S (IN_PROGRESS),
                                                                                      GP_STATE_SUSPENDED },
  { GP_ACTION_RESUME,      LEADER | CENTRE,          S (SUSPENDED),                   SPECIAL },
  { GP_ACTION_ESCALATE,    LEADER | CENTRE,          HANDLING,                        KEEP },
  { GP_ACTION_TRANSFER,    LEADER | CENTRE,          HANDLING,                        KEEP },
  { GP_ACTION_HANDLED,     WORKER | LEADER | CENTRE, S (IN_PROGRESS),                 GP_STATE_HANDLED },
  { GP_ACTION_VERIFY,      LEADER | CENTRE,          S (HANDLED),                     SPECIAL },
  { GP_ACTION_CALLBACK,    LEADER | CENTRE,          S (CALLBACK),                    SPECIAL },
  { GP_ACTION_CLOSE,       LEADER | CENTRE,          S (SATISFIED),                   GP_STATE_CLOSED },
  { GP_ACTION_REOPEN,      LEADER | CENTRE,          S (CLOSED),                      GP_STATE_IN_PROGRESS },
  { GP_ACTION_COMMENT,     WORKER | LEADER | CENTRE, ALL_STATES,                      KEEP },
};

static const char * const state_names[GP_N_STATES] = {
  "reported", "registered", "void", "dispatched", "accepted", "in_progress", "suspended",
  "handled", "callback", "satisfied", "closed",
};

const char *
gp_state_to_string (GpState state)
{
  g_return_val_if_fail (state < GP_N_STATES, NULL);

  return state_names[state];
}

const char *
gp_state_label (GpState state)
{
  switch (state)
    {
    case GP_STATE_REPORTED: return _("Reported");
    case GP_STATE_REGISTERED: return _("Registered");
    case GP_STATE_VOID: return _("Voided");
    case GP_STATE_DISPATCHED: return _("Dispatched");
    case GP_STATE_ACCEPTED: return _("Accepted");
    case GP_STATE_IN_PROGRESS: return _("In Progress");
    case GP_STATE_SUSPENDED: return _("Suspended");
    case GP_STATE_HANDLED: return _("Handled, to Verify");
    case GP_STATE_CALLBACK: return _("Awaiting Callback");
    case GP_STATE_SATISFIED: return _("Awaiting Close-Out");
    case GP_STATE_CLOSED: return _("Closed Out");
    case GP_N_STATES:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
gp_warning_to_string (GpWarning warning)
{
  static const char * const names[] = { "none", "green", "yellow", "red" };

  g_return_val_if_fail (warning <= GP_WARNING_RED, NULL);

  return names[warning];
}

const char *
gp_action_label (const char *action)
{
  static const struct { const char *action; const char *label; } labels[] = {
    { GP_ACTION_REGISTER, N_("Register") },
    { GP_ACTION_VOID, N_("Void") },
    { GP_ACTION_SELF_HANDLE, N_("Handle Myself") },
    { GP_ACTION_DISPATCH, N_("Dispatch") },
    { GP_ACTION_ACCEPT, N_("Accept") },
    { GP_ACTION_START, N_("Start Handling") },
    { GP_ACTION_SUSPEND, N_("Suspend") },
    { GP_ACTION_RESUME, N_("Resume") },
    { GP_ACTION_ESCALATE, N_("Escalate") },
    { GP_ACTION_TRANSFER, N_("Transfer") },
    { GP_ACTION_HANDLED, N_("Mark Handled") },
    { GP_ACTION_VERIFY, N_("Verify") },
    { GP_ACTION_CALLBACK, N_("Record Callback") },
    { GP_ACTION_CLOSE, N_("Close Out") },
    { GP_ACTION_REOPEN, N_("Reopen") },
    { GP_ACTION_COMMENT, N_("Comment") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].action, action) == 0)
      return _(labels[i].label);
  return action;
}

const char *
gp_role_label (const char *role)
{
  if (g_strcmp0 (role, GP_ROLE_WORKER) == 0)
    return _("Grid worker");
  if (g_strcmp0 (role, GP_ROLE_LEADER) == 0)
    return _("Grid leader");
  if (g_strcmp0 (role, GP_ROLE_CENTRE) == 0)
    return _("Grid centre");
  return role;
}

static guint
role_bit (const char *role)
{
  if (g_strcmp0 (role, GP_ROLE_WORKER) == 0)
    return WORKER;
  if (g_strcmp0 (role, GP_ROLE_LEADER) == 0)
    return LEADER;
  if (g_strcmp0 (role, GP_ROLE_CENTRE) == 0)
    return CENTRE;
  return 0;
}

static int
find_rule (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_strcmp0 (rules[i].action, action) == 0)
      return (int) i;
  return -1;
}

typedef struct
{
  char  *text;
  gint64 time;
} ParsedTime;

static void
parsed_time_free (ParsedTime *parsed)
{
  g_free (parsed->text);
  g_free (parsed);
}

static GQuark
event_time_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("gp-workflow-event-time");
  return quark;
}

/* An event's time, parsed once: a fold sorts and reads every event's time
 * several times, and lists fold thousands of cases. */
static gint64
event_time (GpEvent *event)
{
  const char *text = gp_document_get_string_member (GP_DOCUMENT (event), "at");
  ParsedTime *parsed = g_object_get_qdata (G_OBJECT (event), event_time_quark ());
  g_autoptr(GDateTime) at = NULL;

  if (parsed != NULL && g_strcmp0 (parsed->text, text) == 0)
    return parsed->time;

  at = gp_event_dup_at (event);
  parsed = g_new0 (ParsedTime, 1);
  parsed->text = g_strdup (text);
  parsed->time = at != NULL ? g_date_time_to_unix (at) : 0;
  g_object_set_qdata_full (G_OBJECT (event), event_time_quark (), parsed, (GDestroyNotify) parsed_time_free);
  return parsed->time;
}

/* The fold's order, the same on every phone and the centre: by "seq"
 * first — a step comes after every step its author had seen, whatever the
 * clocks say — then steps taken at the same place in the case (on two
 * phones, unaware of each other) by time, then by id. Steps written before
 * "seq" existed count as 0 and keep their time order. */
int
gp_event_compare (GpEvent *a,
                  GpEvent *b)
{
  gint64 sa = gp_event_get_seq (a), sb = gp_event_get_seq (b);
  gint64 x = event_time (a), y = event_time (b);

  if (sa != sb)
    return sa < sb ? -1 : 1;
  if (x != y)
    return x < y ? -1 : 1;
  return g_strcmp0 (gp_document_get_id (GP_DOCUMENT (a)), gp_document_get_id (GP_DOCUMENT (b)));
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  return gp_event_compare (*(GpEvent **) a, *(GpEvent **) b);
}

static guint
count_photos (GpDocument *document)
{
  GPtrArray *attachments = gp_document_get_attachments (document);
  guint n = 0;

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      GpAttachment *attachment = g_ptr_array_index (attachments, i);

      n += g_str_has_prefix (attachment->name, "photo") &&
           g_strcmp0 (attachment->content_type, "image/jpeg") == 0;
    }
  return n;
}

static gboolean
has_text (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static void
set_str (char       **field,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

static int
step_of (GStrv        order,
         const char  *level)
{
  for (guint i = 0; order[i] != NULL; i++)
    if (g_strcmp0 (order[i], level) == 0)
      return (int) i;
  return -1;
}

static GpState
state_after (const GpCase *self,
             GpEvent      *event,
             GpState       suspended_from)
{
  int rule = find_rule (gp_event_get_action (event));
  const char *action = gp_event_get_action (event);

  if (rules[rule].to >= 0)
    return rules[rule].to;
  if (rules[rule].to == KEEP)
    return self->state;
  if (g_str_equal (action, GP_ACTION_RESUME))
    return suspended_from;
  if (g_str_equal (action, GP_ACTION_VERIFY))
    return g_strcmp0 (gp_event_get_result (event), GP_VERIFY_PASS) == 0 ? GP_STATE_CALLBACK
                                                                        : GP_STATE_IN_PROGRESS;
  /* callback */
  return g_strcmp0 (gp_event_get_satisfaction (event), GP_UNSATISFIED) == 0 ? GP_STATE_IN_PROGRESS
                                                                            : GP_STATE_SATISFIED;
}

static gboolean
check (const GpCase  *self,
       GpIncident    *incident,
       GpPolicy      *policy,
       GpEvent       *event,
       gint64         last_at,
       GError       **error)
{
  const char *action = gp_event_get_action (event);
  const char *role = gp_event_get_role (event);
  int rule = find_rule (action);
  gint64 at = event_time (event);

  if (rule < 0)
    {
      g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID, _("“%s” is not a step of the workflow"),
                   action);
      return FALSE;
    }
  if ((rules[rule].roles & role_bit (role)) == 0)
    {
      g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_ROLE,
                   _("“%s” cannot be done by the role “%s”"), gp_action_label (action),
                   gp_role_label (role));
      return FALSE;
    }
  if ((rules[rule].from & (1u << self->state)) == 0)
    {
      g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_STATE,
                   _("“%s” is not possible for a case that is “%s”"), gp_action_label (action),
                   gp_state_label (self->state));
      return FALSE;
    }
  if (at < last_at)
    {
      g_set_error_literal (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID,
                           _("the step is dated before the case’s last step"));
      return FALSE;
    }
  if (at + 300 < self->reported_at)
    {
      g_set_error_literal (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID,
                           _("the step is dated before the case was reported"));
      return FALSE;
    }

  if (g_str_equal (action, GP_ACTION_REGISTER))
    {
      const char *grade = gp_event_get_grade (event);

      if (grade != NULL && gp_policy_get_level (policy, grade) == NULL)
        {
          g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID,
                       _("“%s” is not a level of the grading scheme"), grade);
          return FALSE;
        }
    }
  else if (g_str_equal (action, GP_ACTION_SELF_HANDLE))
    {
      g_auto(GStrv) order = gp_policy_dup_escalation (policy);

      if (role_bit (role) == WORKER && g_strcmp0 (gp_event_get_actor (event), gp_incident_get_reporter (incident)) != 0)
        {
          g_set_error_literal (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_ROLE,
                               _("only the worker who reported a case can handle it on the spot"));
          return FALSE;
        }
      if (order[0] != NULL && g_strcmp0 (self->level, order[0]) != 0)
        {
          g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID,
                       _("only a simple case (level %s) can be handled on the spot; this one is level %s"),
                       order[0], self->level);
          return FALSE;
        }
      if (count_photos (GP_DOCUMENT (event)) == 0)
        {
          g_set_error_literal (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_MISSING,
                               _("handling a case on the spot needs a photo of the result"));
          return FALSE;
        }
    }
  else if (g_str_equal (action, GP_ACTION_HANDLED))
    {
      if (count_photos (GP_DOCUMENT (event)) == 0 && !has_text (gp_event_get_note (event)))
        {
          g_set_error_literal (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_MISSING,
                               _("say how it was handled: a photo of the result or a note"));
          return FALSE;
        }
    }
  else if (g_str_equal (action, GP_ACTION_ESCALATE))
    {
      g_auto(GStrv) order = gp_policy_dup_escalation (policy);
      int now = step_of (order, self->level);
      int next = step_of (order, gp_event_get_level (event));

      if (next < 0 || next <= now)
        {
          g_autofree char *steps = g_strjoinv ("→", order);

          g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID,
                       _("a case of level %s can only be escalated to a level after it in the order %s"),
                       self->level, steps);
          return FALSE;
        }
    }
  else if ((g_str_equal (action, GP_ACTION_VERIFY) &&
            g_strcmp0 (gp_event_get_result (event), GP_VERIFY_FAIL) == 0) ||
           g_str_equal (action, GP_ACTION_REOPEN) || g_str_equal (action, GP_ACTION_COMMENT))
    {
      if (!has_text (gp_event_get_note (event)) && !has_text (gp_event_get_reason (event)))
        {
          g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_MISSING,
                       _("“%s” needs a note saying why"), gp_action_label (action));
          return FALSE;
        }
    }
  else if (g_str_equal (action, GP_ACTION_VOID) || g_str_equal (action, GP_ACTION_SUSPEND))
    {
      if (!has_text (gp_event_get_reason (event)))
        {
          g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_MISSING,
                       _("“%s” needs a reason"), gp_action_label (action));
          return FALSE;
        }
    }
  return TRUE;
}

static gint64
last_applied_time (const GpCase *self)
{
  for (guint i = self->timeline->len; i > 0; i--)
    {
      GpTimelineEntry *entry = g_ptr_array_index (self->timeline, i - 1);

      if (entry->applied)
        return event_time (entry->event);
    }
  return 0;
}

/**
 * gp_case_check:
 *
 * Whether @event may be appended to the case now: the step exists for the
 * event's role and the case's state, it carries what it needs (a reason, a
 * note, photos), and it is not dated before the case's last step.
 */
gboolean
gp_case_check (const GpCase  *self,
               GpIncident    *incident,
               GpPolicy      *policy,
               GpEvent       *event,
               GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (GP_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (GP_IS_POLICY (policy), FALSE);
  g_return_val_if_fail (GP_IS_EVENT (event), FALSE);

  return check (self, incident, policy, event, last_applied_time (self), error);
}

static void
timeline_entry_free (GpTimelineEntry *entry)
{
  g_object_unref (entry->event);
  g_free (entry->refusal);
  g_free (entry);
}

typedef struct
{
  gint64 from;
  gint64 to;   /* 0 while it runs */
} Span;

static gboolean
clock_runs_in (GpState state)
{
  return state == GP_STATE_REGISTERED || state == GP_STATE_DISPATCHED ||
         state == GP_STATE_ACCEPTED || state == GP_STATE_IN_PROGRESS;
}

static void
apply (GpCase     *self,
       GpIncident *incident,
       GpEvent    *event,
       gint64      at,
       GArray     *spans,
       GpState    *suspended_from)
{
  const char *action = gp_event_get_action (event);
  GpState before = self->state;
  GpState after = state_after (self, event, *suspended_from);

  if (g_str_equal (action, GP_ACTION_REGISTER))
    {
      if (gp_event_get_category (event) != NULL)
        set_str (&self->category, gp_event_get_category (event));
      if (gp_event_get_grade (event) != NULL)
        set_str (&self->level, gp_event_get_grade (event));
      if (gp_event_get_urgency (event) != NULL)
        set_str (&self->urgency, gp_event_get_urgency (event));
    }
  else if (g_str_equal (action, GP_ACTION_ESCALATE))
    set_str (&self->level, gp_event_get_level (event));
  else if (g_str_equal (action, GP_ACTION_DISPATCH) || g_str_equal (action, GP_ACTION_TRANSFER))
    set_str (&self->owner, gp_event_get_target (event));
  else if (g_str_equal (action, GP_ACTION_SUSPEND))
    *suspended_from = before;
  else if (g_str_equal (action, GP_ACTION_CALLBACK))
    {
      set_str (&self->satisfaction, gp_event_get_satisfaction (event));
      if (self->evaluated_at == 0)
        {
          self->evaluated_at = at;
          set_str (&self->first_satisfaction, gp_event_get_satisfaction (event));
          self->first_resolved = gp_event_get_resolved (event);
        }
    }

  if ((g_str_equal (action, GP_ACTION_REGISTER) || g_str_equal (action, GP_ACTION_VOID) ||
       g_str_equal (action, GP_ACTION_SELF_HANDLE)) && self->responded_at == 0)
    self->responded_at = at;

  /* Handled on the spot: the time it took counts from the report. */
  if (g_str_equal (action, GP_ACTION_SELF_HANDLE) && before == GP_STATE_REPORTED)
    {
      Span span = { self->reported_at, MAX (self->reported_at, at) };

      g_array_append_val (spans, span);
      self->clock_started = self->reported_at;
    }
  if (after == GP_STATE_HANDLED)
    {
      self->handled_at = at;
      if (self->first_handled_at == 0)
        {
          self->first_handled_at = at;
          set_str (&self->first_handler, gp_event_get_actor (event));
        }
    }
  if (after == GP_STATE_CLOSED || after == GP_STATE_VOID)
    self->closed_at = at;
  if (before == GP_STATE_CLOSED)
    self->closed_at = 0;
  if ((g_str_equal (action, GP_ACTION_CALLBACK) && after == GP_STATE_IN_PROGRESS) ||
      g_str_equal (action, GP_ACTION_REOPEN))
    self->round++;

  /* The clock. */
  if (clock_runs_in (after) && !self->clock_running)
    {
      Span span = { at, 0 };

      g_array_append_val (spans, span);
      self->clock_running = TRUE;
      if (self->clock_started == 0)
        self->clock_started = at;
    }
  else if (!clock_runs_in (after) && self->clock_running)
    {
      g_array_index (spans, Span, spans->len - 1).to = at;
      self->clock_running = FALSE;
    }

  self->state = after;
}

static void
compute_clock (GpCase   *self,
               GpPolicy *policy,
               GArray   *spans,
               gint64    now)
{
  gint64 cumulative = 0;
  double yellow = gp_policy_get_yellow_threshold (policy);

  self->allowed = gp_policy_get_allowance (policy, self->level, self->urgency, &self->clock);
  self->used = 0;
  self->used_before = 0;
  self->running_since = 0;
  for (guint i = 0; i < spans->len; i++)
    {
      Span *span = &g_array_index (spans, Span, i);
      gint64 part = gp_policy_clock_between (policy, self->clock, span->from, span->to ? span->to : now);

      self->used += part;
      if (span->to != 0)
        self->used_before += part;
      else
        self->running_since = span->from;
    }

  self->deadline = 0;
  if (self->allowed >= 0 && self->clock_started != 0 && self->state != GP_STATE_VOID)
    {
      /* Where the used time reached the allowance, if it did; else where
       * it will, the clock running from now (or from where it stopped). */
      for (guint i = 0; i < spans->len && self->deadline == 0; i++)
        {
          Span *span = &g_array_index (spans, Span, i);
          gint64 part = gp_policy_clock_between (policy, self->clock, span->from, span->to ? span->to : now);

          if (cumulative + part >= self->allowed && part > 0)
            self->deadline = gp_policy_clock_add (policy, self->clock, span->from, self->allowed - cumulative);
          cumulative += part;
        }
      if (self->deadline == 0)
        {
          gint64 from = now;

          if (!self->clock_running && self->state != GP_STATE_SUSPENDED && spans->len > 0)
            from = g_array_index (spans, Span, spans->len - 1).to;
          self->deadline = gp_policy_clock_add (policy, self->clock, from, self->allowed - self->used);
        }
    }
  self->overdue = self->allowed >= 0 && self->clock_started != 0 && self->used > self->allowed;

  switch (self->state)
    {
    case GP_STATE_REPORTED:
      {
        gint64 allowed = self->response_due - self->reported_at;
        gint64 elapsed = now - self->reported_at;

        self->warning = elapsed >= allowed ? GP_WARNING_RED
                      : elapsed >= yellow * allowed ? GP_WARNING_YELLOW : GP_WARNING_GREEN;
      }
      break;
    case GP_STATE_REGISTERED:
    case GP_STATE_DISPATCHED:
    case GP_STATE_ACCEPTED:
    case GP_STATE_IN_PROGRESS:
    case GP_STATE_SUSPENDED:
      if (self->allowed <= 0)
        self->warning = GP_WARNING_NONE;
      else
        self->warning = self->used >= self->allowed ? GP_WARNING_RED
                      : self->used >= yellow * self->allowed ? GP_WARNING_YELLOW : GP_WARNING_GREEN;
      break;
    case GP_STATE_VOID:
    case GP_STATE_HANDLED:
    case GP_STATE_CALLBACK:
    case GP_STATE_SATISFIED:
    case GP_STATE_CLOSED:
    case GP_N_STATES:
    default:
      self->warning = GP_WARNING_NONE;
      break;
    }
}

/**
 * gp_case_fold:
 * @events: the incident's events, in any order
 * @now: UNIX time the clock is read at
 *
 * Where the case stands at @now.
 */
GpCase *
gp_case_fold (GpIncident *incident,
              GPtrArray  *events,
              GpPolicy   *policy,
              gint64      now)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr(GDateTime) reported = NULL;
  GpState suspended_from = GP_STATE_IN_PROGRESS;
  gint64 last_at = 0;
  GpCase *self;

  g_return_val_if_fail (GP_IS_INCIDENT (incident), NULL);
  g_return_val_if_fail (GP_IS_POLICY (policy), NULL);

  self = g_new0 (GpCase, 1);
  self->state = GP_STATE_REPORTED;
  self->round = 1;
  self->level = g_strdup (gp_incident_get_grade (incident) ? gp_incident_get_grade (incident)
                                                            : gp_policy_get_default_level (policy));
  self->urgency = g_strdup (gp_incident_get_urgency (incident));
  self->category = g_strdup (gp_incident_get_category (incident));
  reported = gp_incident_dup_reported_at (incident);
  self->reported_at = reported ? g_date_time_to_unix (reported) : 0;
  self->response_due = self->reported_at + 60 * (gint64) gp_policy_get_response_minutes (policy);
  self->timeline = g_ptr_array_new_with_free_func ((GDestroyNotify) timeline_entry_free);

  for (guint i = 0; events != NULL && i < events->len; i++)
    if (g_strcmp0 (gp_event_get_incident (g_ptr_array_index (events, i)),
                   gp_document_get_id (GP_DOCUMENT (incident))) == 0)
      g_ptr_array_add (sorted, g_ptr_array_index (events, i));
  g_ptr_array_sort (sorted, compare_events);

  for (guint i = 0; i < sorted->len; i++)
    {
      GpEvent *event = g_ptr_array_index (sorted, i);
      GpTimelineEntry *entry = g_new0 (GpTimelineEntry, 1);
      g_autoptr(GError) error = NULL;

      entry->event = g_object_ref (event);
      self->last_seq = MAX (self->last_seq, gp_event_get_seq (event));
      entry->applied = check (self, incident, policy, event, 0, &error);
      /* A step after others in the case is never before them on the
       * case's clock, whatever its author's clock said. */
      if (entry->applied)
        {
          last_at = MAX (last_at, event_time (event));
          apply (self, incident, event, last_at, spans, &suspended_from);
        }
      else
        entry->refusal = g_strdup (error->message);
      entry->state = self->state;
      g_ptr_array_add (self->timeline, entry);
    }

  compute_clock (self, policy, spans, now);
  return self;
}

void
gp_case_free (GpCase *self)
{
  if (self == NULL)
    return;
  g_free (self->level);
  g_free (self->urgency);
  g_free (self->category);
  g_free (self->owner);
  g_free (self->satisfaction);
  g_free (self->first_handler);
  g_free (self->first_satisfaction);
  g_clear_pointer (&self->timeline, g_ptr_array_unref);
  g_free (self);
}

/* A time in a case, in the device's time zone. */
char *
gp_format_case_time (gint64 unix_time)
{
  /* In the grid's calendar, as deadlines are counted: the same on every
   * phone and at the centre, whatever the device's own zone. */
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);
  g_autoptr(GDateTime) time = g_date_time_to_timezone (utc, zone);

  /* Translators: a date and time in a case, as in “11月22日 09:30” */
  return g_date_time_format (time, C_("case time", "%b %-d, %H:%M"));
}

/* A time span as lists show it: days and hours, or hours and minutes. */
char *
gp_format_span (gint64 seconds)
{
  gint64 days = seconds / 86400, hours = (seconds % 86400) / 3600, minutes = (seconds % 3600) / 60;

  if (days > 0)
    /* Translators: a time span, as in “2 天 3 小时” */
    return g_strdup_printf (_("%d d %d h"), (int) days, (int) hours);
  if (hours > 0)
    return g_strdup_printf (_("%d h %d min"), (int) hours, (int) minutes);
  return g_strdup_printf (_("%d min"), (int) MAX (minutes, 1));
}

/* Not void and not closed out. */
gboolean
gp_case_is_open (const GpCase *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->state != GP_STATE_VOID && self->state != GP_STATE_CLOSED;
}

/**
 * gp_case_dup_actions:
 * @actor: (nullable): who would act, for steps only the reporter may take
 *
 * The steps @role may take on the case now, in the workflow's order.
 * Comment is always among them. What a step needs besides (a reason,
 * photos) is not asked here: gp_case_check() says it when the step is taken.
 */
char **
gp_case_dup_actions (const GpCase *self,
                     GpIncident   *incident,
                     GpPolicy     *policy,
                     const char   *role,
                     const char   *actor)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) order = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (GP_IS_POLICY (policy), NULL);

  order = gp_policy_dup_escalation (policy);
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      if ((rules[i].roles & role_bit (role)) == 0 || (rules[i].from & (1u << self->state)) == 0)
        continue;
      if (g_str_equal (rules[i].action, GP_ACTION_SELF_HANDLE) &&
          ((order[0] != NULL && g_strcmp0 (self->level, order[0]) != 0) ||
           (role_bit (role) == WORKER && g_strcmp0 (actor, gp_incident_get_reporter (incident)) != 0)))
        continue;
      if (g_str_equal (rules[i].action, GP_ACTION_ESCALATE) &&
          (step_of (order, self->level) < 0 || order[step_of (order, self->level) + 1] == NULL))
        continue;
      g_strv_builder_add (builder, rules[i].action);
    }
  return g_strv_builder_end (builder);
}

static void
set_time (JsonObject *object,
          const char *member,
          gint64      unix_time,
          int         offset)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *iso = NULL;

  if (unix_time == 0)
    {
      json_object_set_null_member (object, member);
      return;
    }
  utc = g_date_time_new_from_unix_utc (unix_time);
  zone = g_time_zone_new_offset (offset);
  local = g_date_time_to_timezone (utc, zone);
  iso = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
  json_object_set_string_member (object, member, iso);
}

static void
set_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

/**
 * gp_case_to_json:
 *
 * The case as `gridpatrolctl show --json` gives it: state, level, deadline,
 * warning, the clock and the timeline. Times are in the policy's time zone.
 */
JsonObject *
gp_case_to_json (const GpCase *self,
                 GpPolicy     *policy)
{
  JsonObject *object = json_object_new ();
  JsonArray *timeline = json_array_new ();
  JsonObject *level = NULL;
  int offset;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (GP_IS_POLICY (policy), NULL);

  offset = gp_policy_get_utc_offset (policy);
  level = gp_policy_get_level (policy, self->level);
  json_object_set_string_member (object, "state", gp_state_to_string (self->state));
  set_string (object, "level", self->level);
  set_string (object, "handler", gp_json_get_string (level, "handler"));
  set_string (object, "urgency", self->urgency);
  set_string (object, "category", self->category);
  set_string (object, "owner", self->owner);
  json_object_set_int_member (object, "round", self->round);
  set_time (object, "reported_at", self->reported_at, offset);
  set_time (object, "response_due", self->response_due, offset);
  set_time (object, "responded_at", self->responded_at, offset);
  set_time (object, "registered_at", self->clock_started, offset);
  set_time (object, "handled_at", self->handled_at, offset);
  set_time (object, "closed_at", self->closed_at, offset);
  set_time (object, "deadline", self->deadline, offset);
  set_string (object, "clock", self->clock);
  json_object_set_int_member (object, "allowed_s", self->allowed);
  json_object_set_int_member (object, "used_s", self->used);
  json_object_set_boolean_member (object, "clock_running", self->clock_running);
  json_object_set_boolean_member (object, "overdue", self->overdue);
  json_object_set_string_member (object, "warning", gp_warning_to_string (self->warning));
  set_string (object, "satisfaction", self->satisfaction);

  for (guint i = 0; i < self->timeline->len; i++)
    {
      GpTimelineEntry *entry = g_ptr_array_index (self->timeline, i);
      GpEvent *event = entry->event;
      JsonObject *step = json_object_new ();
      const char *optional[] = { "note", "reason", "target", "level", "result", "satisfaction",
                                 "category", "grade", "urgency" };

      json_object_set_string_member (step, "id", gp_document_get_id (GP_DOCUMENT (event)));
      json_object_set_string_member (step, "action", gp_event_get_action (event));
      json_object_set_string_member (step, "actor", gp_event_get_actor (event));
      json_object_set_string_member (step, "role", gp_event_get_role (event));
      set_time (step, "at", event_time (event), offset);
      for (guint j = 0; j < G_N_ELEMENTS (optional); j++)
        {
          const char *value = gp_document_get_string_member (GP_DOCUMENT (event), optional[j]);

          if (value != NULL)
            json_object_set_string_member (step, optional[j], value);
        }
      json_object_set_int_member (step, "photos", count_photos (GP_DOCUMENT (event)));
      json_object_set_boolean_member (step, "applied", entry->applied);
      if (entry->refusal != NULL)
        json_object_set_string_member (step, "refusal", entry->refusal);
      json_object_set_string_member (step, "state", gp_state_to_string (entry->state));
      json_array_add_object_element (timeline, step);
    }
  json_object_set_array_member (object, "timeline", timeline);
  return object;
}
