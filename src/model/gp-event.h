/* gp-event.h — one step of an incident's workflow, never edited once written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_EVENT (gp_event_get_type ())

G_DECLARE_FINAL_TYPE (GpEvent, gp_event, GP, EVENT, GpDocument)

GpEvent     *gp_event_new              (const char *incident_id) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_event_get_grid         (GpEvent *self);
const char  *gp_event_get_incident     (GpEvent *self);
const char  *gp_event_get_action       (GpEvent *self);
const char  *gp_event_get_actor        (GpEvent *self);
const char  *gp_event_get_role         (GpEvent *self);
GDateTime   *gp_event_dup_at           (GpEvent *self) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_event_get_note         (GpEvent *self);
const char  *gp_event_get_reason       (GpEvent *self);
const char  *gp_event_get_target       (GpEvent *self);
const char  *gp_event_get_level        (GpEvent *self);
const char  *gp_event_get_result       (GpEvent *self);
const char  *gp_event_get_satisfaction (GpEvent *self);
gboolean     gp_event_get_resolved     (GpEvent *self);
const char  *gp_event_get_category     (GpEvent *self);
const char  *gp_event_get_grade        (GpEvent *self);
const char  *gp_event_get_urgency      (GpEvent *self);
gint64       gp_event_get_seq          (GpEvent *self);
char        *gp_event_compute_id       (const char *incident_id,
                                        JsonObject *body) G_GNUC_WARN_UNUSED_RESULT;
GpEvent     *gp_event_seal             (GpEvent    *draft,
                                        gint64      seq) G_GNUC_WARN_UNUSED_RESULT;

#define GP_ACTION_REGISTER    "register"
#define GP_ACTION_VOID        "void"
#define GP_ACTION_SELF_HANDLE "self_handle"
#define GP_ACTION_DISPATCH    "dispatch"
#define GP_ACTION_ACCEPT      "accept"
#define GP_ACTION_START       "start"
#define GP_ACTION_SUSPEND     "suspend"
#define GP_ACTION_RESUME      "resume"
#define GP_ACTION_ESCALATE    "escalate"
#define GP_ACTION_TRANSFER    "transfer"
#define GP_ACTION_HANDLED     "handled"
#define GP_ACTION_VERIFY      "verify"
#define GP_ACTION_CALLBACK    "callback"
#define GP_ACTION_CLOSE       "close"
#define GP_ACTION_REOPEN      "reopen"
#define GP_ACTION_COMMENT     "comment"

#define GP_ROLE_WORKER "worker"
#define GP_ROLE_LEADER "leader"
#define GP_ROLE_CENTRE "centre"

#define GP_VERIFY_PASS "pass"
#define GP_VERIFY_FAIL "fail"

#define GP_SATISFIED           "satisfied"
#define GP_BASICALLY_SATISFIED "basically_satisfied"
#define GP_UNSATISFIED         "unsatisfied"

const char * const *gp_event_get_actions (void);

G_END_DECLS
