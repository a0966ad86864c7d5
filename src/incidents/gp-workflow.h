/* gp-workflow.h — an incident's state, level, deadline and warning, folded
 * from its events; and which steps each role may take next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-event.h"
#include "gp-incident.h"
#include "gp-policy.h"

G_BEGIN_DECLS

#define GP_WORKFLOW_ERROR (gp_workflow_error_quark ())

typedef enum
{
  GP_WORKFLOW_ERROR_STATE,     /* not in this state */
  GP_WORKFLOW_ERROR_ROLE,      /* not for this role */
  GP_WORKFLOW_ERROR_MISSING,   /* a reason, a note or photos are needed */
  GP_WORKFLOW_ERROR_INVALID,   /* a level or time that cannot be */
} GpWorkflowError;

typedef enum
{
  GP_STATE_REPORTED,      /* 已上报 */
  GP_STATE_REGISTERED,    /* 已立案 */
  GP_STATE_VOID,          /* 已作废 */
  GP_STATE_DISPATCHED,    /* 已派遣 */
  GP_STATE_ACCEPTED,      /* 已受理 */
  GP_STATE_IN_PROGRESS,   /* 处置中 */
  GP_STATE_SUSPENDED,     /* 已挂起: the clock is paused */
  GP_STATE_HANDLED,       /* 处置完毕, awaiting verification */
  GP_STATE_CALLBACK,      /* 待回访: verified, awaiting the resident's word */
  GP_STATE_SATISFIED,     /* 待销号: the resident is satisfied */
  GP_STATE_CLOSED,        /* 已销号 */
  GP_N_STATES
} GpState;

typedef enum
{
  GP_WARNING_NONE,        /* no clock runs */
  GP_WARNING_GREEN,
  GP_WARNING_YELLOW,
  GP_WARNING_RED,
} GpWarning;

/* One event in the case's timeline. An event that the case's state did not
 * allow when it came (two people acting offline on the same case) stays in
 * the timeline, not applied, with the reason. */
typedef struct
{
  GpEvent *event;
  gboolean applied;
  char    *refusal;
  GpState  state;          /* the state after it */
} GpTimelineEntry;

typedef struct
{
  GpState    state;
  char      *level;           /* grade code, e.g. "B" */
  char      *urgency;         /* nullable */
  char      *category;
  char      *owner;           /* who it was dispatched or transferred to */
  guint      round;           /* 1, +1 each time it is reopened */

  gint64     reported_at;     /* UNIX times; 0 when not (yet) */
  gint64     responded_at;    /* first registered, voided or handled */
  gint64     response_due;    /* the first-response time limit */
  gint64     clock_started;   /* the handling clock: registration */
  gint64     handled_at;      /* the last "handled" */
  gint64     closed_at;

  const char *clock;          /* the deadline's unit: which clock runs */
  gint64     allowed;         /* seconds of that clock; -1 unknown level */
  gint64     used;            /* seconds of that clock used so far */
  gboolean   clock_running;
  gint64     deadline;        /* 0 before registration and when void */
  GpWarning  warning;
  gboolean   overdue;         /* handling went past the deadline */
  char      *satisfaction;    /* the last callback */
  /* For the area's figures: a reopened case counts against its first
   * handler and its first callback. */
  char      *first_handler;   /* who first marked it handled */
  gint64     first_handled_at;
  gint64     evaluated_at;    /* the first callback */
  char      *first_satisfaction;
  gboolean   first_resolved;
  gint64     used_before;     /* clock used in the spans that ended */
  gint64     running_since;   /* the running span's start; 0 when stopped */

  GPtrArray *timeline;        /* GpTimelineEntry, in the fold's order */
  gint64     last_seq;        /* the highest "seq" of the case's steps; 0 none */
} GpCase;

GQuark       gp_workflow_error_quark   (void);

GpCase      *gp_case_fold              (GpIncident   *incident,
                                        GPtrArray    *events,
                                        GpPolicy     *policy,
                                        gint64        now) G_GNUC_WARN_UNUSED_RESULT;
void         gp_case_free              (GpCase       *self);
gboolean     gp_case_is_open           (const GpCase *self);
gboolean     gp_case_check             (const GpCase *self,
                                        GpIncident   *incident,
                                        GpPolicy     *policy,
                                        GpEvent      *event,
                                        GError      **error);
char       **gp_case_dup_actions       (const GpCase *self,
                                        GpIncident   *incident,
                                        GpPolicy     *policy,
                                        const char   *role,
                                        const char   *actor) G_GNUC_WARN_UNUSED_RESULT;
JsonObject  *gp_case_to_json           (const GpCase *self,
                                        GpPolicy     *policy) G_GNUC_WARN_UNUSED_RESULT;

const char  *gp_state_to_string        (GpState       state);
const char  *gp_state_label            (GpState       state);
const char  *gp_warning_to_string      (GpWarning     warning);
const char  *gp_action_label           (const char   *action);
const char  *gp_role_label             (const char   *role);
char        *gp_format_case_time       (gint64        unix_time) G_GNUC_WARN_UNUSED_RESULT;
char        *gp_format_span            (gint64        seconds) G_GNUC_WARN_UNUSED_RESULT;
int          gp_event_compare          (GpEvent      *a,
                                        GpEvent      *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpCase, gp_case_free)

G_END_DECLS
