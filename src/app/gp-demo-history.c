/* gp-demo-history.c
 *
 * The demo grid as a trainee finds it: three weeks of work before today —
 * cases in every state of their life (some just reported, some overdue,
 * some closed out with the resident's word), patrols walked on both routes
 * with their checkpoints, household visits — so the lists, the map, the
 * Area page and its warnings have something real to show.
 *
 * Deterministic: the same seed and the same "now" give the same documents,
 * ids included. Every document says "example": true, as the demo grid's
 * own does, so that nothing of it is taken for real work. Steps are taken
 * through the casework, as a leader's and a worker's would be, so every
 * case is one the workflow allows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-demo-history"

#include "config.h"

#include "gp-demo-history.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-patrol-recorder.h"

#include <math.h>

#define HOUR   3600
#define DAY    (24 * HOUR)
#define ZONE   (8 * HOUR)   /* the grid's calendar, UTC+8 */

typedef struct
{
  guint64 state;
} Rng;

static guint32
next (Rng *rng)
{
  /* xorshift64*: small, fast and the same everywhere. */
  rng->state ^= rng->state >> 12;
  rng->state ^= rng->state << 25;
  rng->state ^= rng->state >> 27;
  return (guint32) ((rng->state * 0x2545F4914F6CDD1DULL) >> 32);
}

static guint
below (Rng   *rng,
       guint  n)
{
  return n > 0 ? next (rng) % n : 0;
}

/* An id that looks like the app's (a UUID), drawn from the seed. */
static char *
new_id (Rng        *rng,
        const char *type)
{
  guint32 a = next (rng), b = next (rng), c = next (rng), d = next (rng);

  return g_strdup_printf ("%s:%08x-%04x-4%03x-%04x-%04x%08x", type, a, b >> 16, b & 0xfff,
                          0x8000 | (c & 0x3fff), c >> 16, d);
}

static GDateTime *
at_time (gint64 unix_time)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (ZONE);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_to_timezone (utc, zone);
}

/* Working hours of day @days_ago in the grid's calendar: 08:30 plus
 * @minutes. */
static gint64
working_time (gint64 now,
              guint  days_ago,
              guint  minutes)
{
  gint64 local_midnight = ((now + ZONE) / DAY) * DAY - ZONE;

  return local_midnight - (gint64) days_ago * DAY + 8 * HOUR + 30 * 60 + (gint64) minutes * 60;
}

static void
mark_example (GpDocument *document)
{
  gp_document_set_member (document, "example", json_node_init_boolean (json_node_alloc (), TRUE));
}

static GpGeoPoint
centre_of (GpDocument *document)
{
  GpGeoPoint centre = { 0, 0 };

  gp_geo_geometry_get_center (gp_document_get_geometry (document), &centre);
  return centre;
}

/* What workers find here, with what they write. */
static const struct
{
  const char *category;
  const char *text;
} findings[] = {
  { "06010", "楼前空地堆放生活垃圾，已有异味" },
  { "06011", "单元门口积存装修渣土" },
  { "92004", "楼道内电动自行车违规充电，拉飞线" },
  { "01002", "污水井盖破损，有塌陷危险" },
  { "03003", "垃圾箱盖子损坏，无法关闭" },
  { "07001", "单元门上张贴非法小广告" },
  { "09006", "小区门口流动摊点占道经营" },
  { "91001", "楼上楼下因漏水发生纠纷" },
  { "92001", "楼道堆放杂物，堵塞消防通道" },
  { "04006", "绿地护栏损坏" },
  { "94001", "独居老人近两日未出门，需上门查看" },
  { "91003", "业主与物业因停车收费发生纠纷" },
};

/* How far each case got, as a leader and a worker would take it. */
typedef enum
{
  UPTO_REPORTED,
  UPTO_REGISTERED,
  UPTO_DISPATCHED,
  UPTO_ACCEPTED,
  UPTO_IN_PROGRESS,
  UPTO_SUSPENDED,
  UPTO_HANDLED,
  UPTO_VERIFIED,
  UPTO_CALLBACK,
  UPTO_CLOSED,
  UPTO_VOID,
  N_UPTO
} Upto;

typedef struct
{
  GpStore    *store;
  const char *incident;
  gint64      at;
  gint64      to_register;   /* how long the leader took to register it */
} Stepper;

static gboolean
step (Stepper     *stepper,
      gint64       after,
      const char  *action,
      const char  *actor,
      const char  *role,
      GError     **error,
      const char  *first_member,
      ...)
{
  g_autoptr(GpEvent) event = gp_event_new (stepper->incident);
  g_autoptr(GDateTime) at = NULL;
  va_list members;

  stepper->at += after;
  at = at_time (stepper->at);
  g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", action, "actor", actor, "role", role, "at", at, NULL);
  va_start (members, first_member);
  if (first_member != NULL)
    g_object_set_valist (G_OBJECT (event), first_member, members);
  va_end (members);
  mark_example (GP_DOCUMENT (event));
  return gp_casework_act (stepper->store, event, NULL, error);
}

/* The steps of a case up to @upto, each a while after the one before. */
static gboolean
take_steps (Stepper     *stepper,
            Upto         upto,
            const char  *worker,
            const char  *department,
            GError     **error)
{
  const char *leader = "li";

  if (upto == UPTO_REPORTED)
    return TRUE;
  if (upto == UPTO_VOID)
    return step (stepper, 40 * 60, GP_ACTION_VOID, leader, GP_ROLE_LEADER, error,
                 "reason", "重复上报，已并入前一案件", NULL);
  if (!step (stepper, stepper->to_register, GP_ACTION_REGISTER, leader, GP_ROLE_LEADER, error, NULL))
    return FALSE;
  if (upto == UPTO_REGISTERED)
    return TRUE;
  /* Cases for the street's departments stay with them. */
  if (upto == UPTO_DISPATCHED && department != NULL)
    return step (stepper, HOUR, GP_ACTION_DISPATCH, leader, GP_ROLE_LEADER, error, "target", department, NULL);
  if (!step (stepper, HOUR, GP_ACTION_DISPATCH, leader, GP_ROLE_LEADER, error, "target", worker, NULL))
    return FALSE;
  if (upto == UPTO_DISPATCHED)
    return TRUE;
  if (!step (stepper, 20 * 60, GP_ACTION_ACCEPT, worker, GP_ROLE_WORKER, error, NULL))
    return FALSE;
  if (upto == UPTO_ACCEPTED)
    return TRUE;
  if (!step (stepper, HOUR, GP_ACTION_START, worker, GP_ROLE_WORKER, error, NULL))
    return FALSE;
  if (upto == UPTO_IN_PROGRESS)
    return TRUE;
  if (upto == UPTO_SUSPENDED)
    return step (stepper, 2 * HOUR, GP_ACTION_SUSPEND, leader, GP_ROLE_LEADER, error,
                 "reason", "等待产权单位确认维修责任", NULL);
  if (!step (stepper, 5 * HOUR, GP_ACTION_HANDLED, worker, GP_ROLE_WORKER, error,
             "note", "已现场处置完毕", NULL))
    return FALSE;
  if (upto == UPTO_HANDLED)
    return TRUE;
  if (!step (stepper, DAY, GP_ACTION_VERIFY, leader, GP_ROLE_LEADER, error, "result", GP_VERIFY_PASS, NULL))
    return FALSE;
  if (upto == UPTO_VERIFIED)
    return TRUE;
  {
    g_autoptr(GpEvent) event = gp_event_new (stepper->incident);
    g_autoptr(GDateTime) at = NULL;

    stepper->at += 2 * HOUR;
    at = at_time (stepper->at);
    g_object_set (event, "grid", GP_DEMO_GRID_CODE, "action", GP_ACTION_CALLBACK, "actor", leader,
                  "role", GP_ROLE_LEADER, "at", at, "satisfaction", GP_SATISFIED, NULL);
    gp_document_set_member (GP_DOCUMENT (event), "resolved", json_node_init_boolean (json_node_alloc (), TRUE));
    mark_example (GP_DOCUMENT (event));
    if (!gp_casework_act (stepper->store, event, NULL, error))
      return FALSE;
  }
  if (upto == UPTO_CALLBACK)
    return TRUE;
  return step (stepper, HOUR, GP_ACTION_CLOSE, leader, GP_ROLE_LEADER, error, NULL);
}

/* How long, in seconds, a case needs after its report to reach @upto. */
static gint64
time_needed (Upto upto)
{
  static const gint64 needed[N_UPTO] = {
    [UPTO_REPORTED] = 0,
    [UPTO_REGISTERED] = HOUR,
    [UPTO_DISPATCHED] = 2 * HOUR,
    [UPTO_ACCEPTED] = 3 * HOUR,
    [UPTO_IN_PROGRESS] = 4 * HOUR,
    [UPTO_SUSPENDED] = 6 * HOUR,
    [UPTO_HANDLED] = 9 * HOUR,
    [UPTO_VERIFIED] = 9 * HOUR + DAY,
    [UPTO_CALLBACK] = 11 * HOUR + DAY,
    [UPTO_CLOSED] = 12 * HOUR + DAY,
    [UPTO_VOID] = HOUR,
  };

  return needed[upto];
}

static gboolean
add_cases (GpStore    *store,
           Rng        *rng,
           gint64      now,
           GPtrArray  *buildings,
           GError    **error)
{
  static const char * const workers[] = { "wang", "zhao" };
  static const char * const departments[] = { "市政养护所", "环卫所", "街道城管执法中队", "市场监管所" };
  const guint n_cases = 42;

  for (guint i = 0; i < n_cases; i++)
    {
      /* Older cases have gone further; the newest are just in. */
      guint days_ago = GP_DEMO_HISTORY_DAYS - 1 - (i * GP_DEMO_HISTORY_DAYS) / n_cases;
      gint64 reported = working_time (now, days_ago, 30 + below (rng, 7 * 60));
      Upto upto = days_ago > 6 ? (i % 4 == 0 ? UPTO_CALLBACK + below (rng, 2) : UPTO_CLOSED)
                               : (Upto) (i % N_UPTO);
      const char *worker = workers[i % G_N_ELEMENTS (workers)];
      GpDocument *building = g_ptr_array_index (buildings, below (rng, buildings->len));
      guint finding = below (rng, G_N_ELEMENTS (findings));
      g_autofree char *id = new_id (rng, "incident");
      g_autoptr(GpIncident) incident = g_object_new (GP_TYPE_INCIDENT, "id", id, NULL);
      g_autoptr(GDateTime) reported_at = NULL;
      g_autoptr(JsonObject) point = NULL;
      /* Most registered within the first-response time, not all. */
      Stepper stepper = { store, id, 0, i % 5 == 2 ? 35 * 60 : (gint64) (4 + below (rng, 5)) * 60 };
      GpGeoPoint where;

      /* A few left open long enough to be overdue, as real grids have. */
      if (days_ago > 6 && i % 9 == 4)
        upto = UPTO_IN_PROGRESS;
      if (reported >= now)
        reported = now - HOUR;
      while (upto > UPTO_REPORTED && upto != UPTO_VOID && reported + time_needed (upto) >= now)
        upto--;
      reported_at = at_time (reported);
      where = gp_geo_offset (centre_of (building), (double) below (rng, 30) - 15, (double) below (rng, 30) - 15);
      g_object_set (incident, "grid", GP_DEMO_GRID_CODE,
                    "source", i % 7 == 3 ? GP_SOURCE_RESIDENT : GP_SOURCE_PATROL,
                    "category", findings[finding].category, "description", findings[finding].text,
                    "building", gp_document_get_id (building), "reporter", worker,
                    "reported-at", reported_at, "accuracy-m", 8.0, NULL);
      point = gp_geo_point_new (where);
      gp_document_set_geometry (GP_DOCUMENT (incident), point);
      mark_example (GP_DOCUMENT (incident));
      if (!gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, error))
        return FALSE;
      stepper.at = reported;
      if (!take_steps (&stepper, upto, worker, departments[i % G_N_ELEMENTS (departments)], error))
        return FALSE;
    }
  return TRUE;
}

/* A patrol of a route walked from checkpoint to checkpoint at a walking
 * pace, each reached on the way. */
static GpDocument *
make_patrol (Rng        *rng,
             GpRoute    *route,
             const char *worker,
             gint64      start)
{
  g_autofree char *id = new_id (rng, "patrol");
  GpPatrol *patrol = g_object_new (GP_TYPE_PATROL, "id", id, NULL);
  g_autoptr(GArray) fixes = g_array_new (FALSE, TRUE, sizeof (GpFix));
  g_autoptr(JsonArray) reached = json_array_new ();
  g_autoptr(GDateTime) started_at = at_time (start);
  g_autoptr(GDateTime) ended_at = NULL;
  g_autofree char *track = NULL;
  double distance = 0, time = start;
  GpGeoPoint last = { 0, 0 };

  for (guint i = 0; i < gp_route_get_n_checkpoints (route); i++)
    {
      GpCheckpoint checkpoint;
      GpFix fix = { 0 };
      g_autoptr(GDateTime) at = NULL;
      g_autofree char *at_text = NULL;
      JsonObject *entry = json_object_new ();

      if (!gp_route_get_checkpoint (route, i, &checkpoint))
        continue;
      if (i > 0)
        {
          double leg = gp_geo_distance (last, checkpoint.position);

          distance += leg;
          time += leg / 1.2 + 60 + below (rng, 120);   /* walking, and a look around */
        }
      last = checkpoint.position;
      fix.latitude = checkpoint.position.lat;
      fix.longitude = checkpoint.position.lon;
      fix.accuracy = 5;
      fix.heading = NAN;
      fix.time = (gint64) time * G_USEC_PER_SEC;
      g_array_append_val (fixes, fix);
      at = at_time ((gint64) time);
      at_text = g_date_time_format_iso8601 (at);
      json_object_set_string_member (entry, "id", checkpoint.id);
      json_object_set_string_member (entry, "at", at_text);
      json_array_add_object_element (reached, entry);
    }
  ended_at = at_time ((gint64) time + 120);
  track = gp_track_encode (fixes);
  g_object_set (patrol, "grid", GP_DEMO_GRID_CODE, "route", gp_document_get_id (GP_DOCUMENT (route)),
                "worker", worker, "started-at", started_at, "ended-at", ended_at, "status", GP_PATROL_FINISHED,
                "distance-m", round (distance * 10) / 10, "track", track, NULL);
  gp_document_set_member (GP_DOCUMENT (patrol), "checkpoints", json_node_init_array (json_node_alloc (), reached));
  mark_example (GP_DOCUMENT (patrol));
  return GP_DOCUMENT (patrol);
}

static const struct
{
  const char *note;
  const char *tag;
} visit_notes[] = {
  { "身体状况良好，家中整洁", "all_well" },
  { "老人腿脚不便，需协助购买米面", "needs_help" },
  { "楼道堆放纸箱，已提醒清理", "hazard" },
  { "租户已更换，登记新租户信息", NULL },
  { "家中无人，留联系卡", NULL },
  { "反映楼下夜间噪音，已记录", NULL },
};

/* Patrols on most working days, alternating routes and workers, and
 * household visits on the way. */
static gboolean
add_patrols_and_visits (GpStore    *store,
                        Rng        *rng,
                        gint64      now,
                        GPtrArray  *routes,
                        GPtrArray  *households,
                        GError    **error)
{
  static const char * const workers[] = { "wang", "zhao" };
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const *tags = gp_visit_list_tags ();

  for (guint days_ago = GP_DEMO_HISTORY_DAYS; days_ago >= 1; days_ago--)
    {
      gint64 start = working_time (now, days_ago, 60 + below (rng, 120));
      const char *worker = workers[days_ago % 2];
      GpDocument *patrol;

      /* Weekends (in the grid's calendar) are mostly quiet. */
      {
        g_autoptr(GDateTime) day = at_time (start);

        if (g_date_time_get_day_of_week (day) >= 6 && below (rng, 3) != 0)
          continue;
      }
      patrol = make_patrol (rng, g_ptr_array_index (routes, days_ago % routes->len), worker, start);
      g_ptr_array_add (documents, patrol);

      for (guint v = 0; v < 2 + below (rng, 3); v++)
        {
          GpHousehold *household = g_ptr_array_index (households, below (rng, households->len));
          g_autofree char *id = new_id (rng, "visit");
          g_autoptr(GDateTime) at = at_time (start + (gint64) (v + 1) * 25 * 60);
          GpVisit *visit = g_object_new (GP_TYPE_VISIT, "id", id, NULL);
          guint note = below (rng, G_N_ELEMENTS (visit_notes));
          const char *chosen[] = { visit_notes[note].tag, NULL };

          g_object_set (visit, "grid", GP_DEMO_GRID_CODE, "household", gp_document_get_id (GP_DOCUMENT (household)),
                        "worker", worker, "at", at, "note", visit_notes[note].note,
                        "patrol", gp_document_get_id (patrol),
                        "tags", chosen[0] != NULL && g_strv_contains (tags, chosen[0]) ? chosen : NULL, NULL);
          gp_document_set_member (GP_DOCUMENT (visit), "building",
                                  json_node_init_string (json_node_alloc (), gp_household_get_building (household)));
          mark_example (GP_DOCUMENT (visit));
          g_ptr_array_add (documents, visit);
        }
    }
  return gp_documents_save_all (store, documents, GP_STORE_PUT_NONE, error);
}

/**
 * gp_demo_history_install:
 * @seed: the same seed gives the same history
 * @now: UNIX time the history ends at (the weeks before it)
 *
 * Adds three weeks of work to the demo grid (gp_demo_install() first).
 * A store that has any incident already is left as it is: the history is
 * for a fresh demo, never mixed into work.
 */
gboolean
gp_demo_history_install (GpStore  *store,
                         guint64   seed,
                         gint64    now,
                         GError  **error)
{
  g_autoptr(GPtrArray) buildings = NULL;
  g_autoptr(GPtrArray) routes = NULL;
  g_autoptr(GPtrArray) households = NULL;
  Rng rng = { seed * 0x9E3779B97F4A7C15ULL + 1 };
  gint64 count;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);

  count = gp_store_count (store, "incident", GP_DEMO_GRID_CODE, error);
  if (count < 0)
    return FALSE;
  if (count > 0)
    return TRUE;
  buildings = gp_documents_load_all (store, "building", GP_DEMO_GRID_CODE, error);
  routes = buildings ? gp_documents_load_all (store, "route", GP_DEMO_GRID_CODE, error) : NULL;
  households = routes ? gp_documents_load_all (store, "household", GP_DEMO_GRID_CODE, error) : NULL;
  if (households == NULL)
    return FALSE;
  if (buildings->len == 0 || routes->len == 0 || households->len == 0)
    {
      g_set_error_literal (error, GP_DEMO_ERROR, GP_DEMO_ERROR_INVALID_SIZE, "the demo grid is not installed");
      return FALSE;
    }
  return add_patrols_and_visits (store, &rng, now, routes, households, error) &&
         add_cases (store, &rng, now, buildings, error);
}
