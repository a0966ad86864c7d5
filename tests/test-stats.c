/* test-stats.c — the area's figures on a hand-built grid with known answers.
 *
 * Twelve cases over three weeks around the National Day holiday of 2026
 * (1–7 October off, Saturday 10 October worked), each built to land in a
 * known place: answered late, closed across the holiday, suspended,
 * reopened after an unsatisfied callback, voided, overdue, nearly due,
 * waiting for the leader. The figures are read through `gridpatrolctl
 * stats --json`, as a leader's script would, and the case table is checked
 * to follow new events and a rebuilt store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gp-case-index.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-stats.h"
#include "gp-store-table.h"
#include "gp-summary.h"
#include "gp-watermark.h"
#include "gp-test-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char grid_json[] =
  "{\"_id\":\"grid:G1\",\"type\":\"grid\",\"code\":\"G1\",\"name\":\"第一网格\",\"city\":\"西安市\","
  "\"policy\":\"policy:abcd\",\"households\":3}";

static const char policy_json[] =
  "{\"_id\":\"policy:abcd\",\"type\":\"policy\",\"name\":\"abcd\",\"title\":\"A–D\","
  "\"default_level\":\"B\",\"response_minutes\":10,"
  "\"levels\":["
  " {\"code\":\"A\",\"label\":\"A\",\"deadlines\":[{\"amount\":1,\"unit\":\"working_days\"}]},"
  " {\"code\":\"B\",\"label\":\"B\",\"deadlines\":[{\"amount\":3,\"unit\":\"working_days\"}]},"
  " {\"code\":\"C\",\"label\":\"C\",\"deadlines\":[{\"amount\":5,\"unit\":\"working_days\"}]},"
  " {\"code\":\"D\",\"label\":\"D\",\"deadlines\":[{\"amount\":30,\"unit\":\"calendar_days\"}]}],"
  "\"escalation\":[\"A\",\"B\",\"C\",\"D\"],"
  "\"warning\":{\"yellow\":0.8},\"working_hours\":{\"start\":\"08:30\",\"end\":\"17:30\"},"
  "\"calendar\":{\"weekend\":[6,7],"
  " \"holidays\":[{\"name\":\"国庆节\",\"from\":\"2026-10-01\",\"to\":\"2026-10-07\"}],"
  " \"workdays\":[\"2026-10-10\"]}}";

static const char route_json[] =
  "{\"_id\":\"route:G1-1\",\"type\":\"route\",\"grid\":\"G1\",\"name\":\"一号线\","
  "\"checkpoints\":[{\"ref\":\"building:G1-01\"},{\"ref\":\"building:G1-02\"},{\"ref\":\"building:G1-03\"},"
  "{\"ref\":\"building:G1-04\"}]}";

static const char patrol_json[] =
  "{\"_id\":\"patrol:p1\",\"type\":\"patrol\",\"grid\":\"G1\",\"route\":\"route:G1-1\",\"worker\":\"wang\","
  "\"status\":\"finished\",\"started_at\":\"2026-10-08T09:00:00+08:00\",\"ended_at\":\"2026-10-08T10:00:00+08:00\","
  "\"distance_m\":2500,\"checkpoints\":[{\"id\":\"building:G1-01\",\"at\":\"2026-10-08T09:10:00+08:00\"},"
  "{\"id\":\"building:G1-02\",\"at\":\"2026-10-08T09:20:00+08:00\"},"
  "{\"id\":\"building:G1-03\",\"at\":\"2026-10-08T09:30:00+08:00\"}]}";

/* One step: the action, when (China time, the day is 2026-MM-DD), who. */
typedef struct
{
  const char *action;
  const char *at;       /* "09-28 09:05" */
  const char *actor;
  const char *choice;   /* verify's result, callback's satisfaction */
} Step;

typedef struct
{
  const char *name;
  const char *reported; /* "09-28 09:00" */
  const char *level;
  const char *reporter;
  gboolean    at_spot;  /* in the hot spot */
  Step        steps[12];
} CaseSpec;

#define HANDLE(day, dispatched, worker, handled) \
  { "register", day " " dispatched, "li", NULL }, { "dispatch", day " " dispatched, "li", NULL }, \
  { "accept", day " " dispatched, worker, NULL }, { "start", day " " dispatched, worker, NULL }, \
  { "handled", handled, worker, NULL }

static const CaseSpec cases[] = {
  /* 1: answered in time, closed within the week, satisfied. */
  { "prompt", "09-28 09:00", "B", "wang", TRUE,
    { HANDLE ("09-28", "09:05", "wang", "09-29 10:00"), { "verify", "09-29 11:00", "li", "pass" },
      { "callback", "09-29 15:00", "li", "satisfied" }, { "close", "09-29 16:00", "li", NULL } } },
  /* 2: registered after 30 minutes; level A due 09-29 10:30, handled on
   * the 30th: late; the callback and close-out come after the holiday. */
  { "late", "09-28 10:00", "A", "zhao", TRUE,
    { HANDLE ("09-28", "10:30", "zhao", "09-30 16:00"), { "verify", "09-30 17:00", "li", "pass" },
      { "callback", "10-09 10:00", "li", "basically_satisfied" }, { "close", "10-09 11:00", "li", NULL } } },
  /* 3: level C, five working days across the holiday: due 10-13 09:05;
   * closed on the 12th, twelve calendar days on, in time. */
  { "holiday", "09-30 09:00", "C", "wang", FALSE,
    { HANDLE ("09-30", "09:05", "wang", "10-12 16:00"), { "verify", "10-12 16:30", "li", "pass" },
      { "callback", "10-12 16:40", "li", "satisfied" }, { "close", "10-12 17:00", "li", NULL } } },
  /* 4: level A suspended for three days: 6 h 55 min used, in time. */
  { "suspended", "10-05 09:00", "A", "wang", TRUE,
    { { "register", "10-05 09:05", "li", NULL }, { "dispatch", "10-05 09:05", "li", NULL },
      { "accept", "10-05 09:10", "wang", NULL }, { "start", "10-05 09:10", "wang", NULL },
      { "suspend", "10-05 10:00", "li", NULL }, { "resume", "10-08 09:00", "li", NULL },
      { "handled", "10-08 15:00", "wang", NULL }, { "verify", "10-08 15:10", "li", "pass" },
      { "callback", "10-08 15:20", "li", "satisfied" }, { "close", "10-08 16:00", "li", NULL } } },
  /* 5: handled by wang, the resident unsatisfied; handled again by zhao. */
  { "reopened", "10-05 10:00", "B", "wang", FALSE,
    { HANDLE ("10-05", "10:05", "wang", "10-06 10:00"), { "verify", "10-06 11:00", "li", "pass" },
      { "callback", "10-06 14:00", "li", "unsatisfied" }, { "handled", "10-08 10:00", "zhao", NULL },
      { "verify", "10-08 11:00", "li", "pass" }, { "callback", "10-08 14:00", "li", "satisfied" },
      { "close", "10-08 15:00", "li", NULL } } },
  /* 6: a duplicate, voided in time. */
  { "voided", "10-06 09:00", "B", "zhao", FALSE,
    { { "void", "10-06 09:03", "li", NULL } } },
  /* 7: level A started on the 8th and left: red on the 9th. */
  { "overdue", "10-08 09:00", "A", "zhao", FALSE,
    { { "register", "10-08 09:05", "li", NULL }, { "dispatch", "10-08 09:05", "li", NULL },
      { "accept", "10-08 09:10", "wang", NULL }, { "start", "10-08 09:10", "wang", NULL } } },
  /* 8: level A registered on the 9th: yellow at 16:00 (7 h 30 of 9 h). */
  { "nearly", "10-09 08:00", "A", "zhao", FALSE,
    { { "register", "10-09 08:05", "li", NULL } } },
  /* 9: not registered: over its ten minutes at 16:00. */
  { "unregistered", "10-09 15:00", "B", "zhao", FALSE, { { NULL } } },
  /* 10–12: waiting for the leader. */
  { "to-verify", "10-09 09:00", "A", "wang", FALSE,
    { HANDLE ("10-09", "09:05", "zhao", "10-09 11:00") } },
  { "to-call", "10-09 09:10", "A", "wang", FALSE,
    { HANDLE ("10-09", "09:15", "zhao", "10-09 11:00"), { "verify", "10-09 11:30", "li", "pass" } } },
  { "to-close", "10-09 09:20", "A", "wang", FALSE,
    { HANDLE ("10-09", "09:25", "zhao", "10-09 11:00"), { "verify", "10-09 11:30", "li", "pass" },
      { "callback", "10-09 12:00", "li", "satisfied" } } },
};

typedef struct
{
  char       *dir;
  GHashTable *ids;     /* case name → incident id */
} Fixture;

static GDateTime *
day_time (const char *text)
{
  g_autofree char *iso = g_strdup_printf ("2026-%.5sT%s:00+08:00", text, text + 6);
  GDateTime *time = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (time);
  return time;
}

static void
put_json (GpStore    *store,
          const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = NULL;

  g_assert_nonnull (node);
  rev = gp_store_put (store, json_node_get_object (node), NULL, GP_STORE_PUT_NONE, &error);
  g_assert_no_error (error);
}

/* Where a case is reported: the hot spot's cell centre, a few metres off,
 * or spread 300 m apart. */
static void
place (GpIncident *incident,
       guint       index,
       gboolean    at_spot)
{
  gint64 x, y;
  double lat, lon;
  GpGeoPoint point;
  g_autoptr(JsonObject) geometry = NULL;

  gp_stats_cell_of (34.2600, 108.9400, &x, &y);
  gp_stats_cell_centre (x, y, &lat, &lon);
  point.lat = at_spot ? lat + 0.00002 * (index % 3) : lat + 0.003 * (index + 1);
  point.lon = at_spot ? lon - 0.00002 * (index % 2) : lon;
  geometry = gp_geo_point_new (point);
  gp_document_set_geometry (GP_DOCUMENT (incident), geometry);
}

static void
add_case (GpStore        *store,
          const CaseSpec *spec,
          guint           index,
          GHashTable     *ids)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GDateTime) reported = day_time (spec->reported);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  const char *id;

  g_object_set (incident, "grid", "G1", "source", index % 2 ? GP_SOURCE_RESIDENT : GP_SOURCE_PATROL,
                "category", index < 6 ? "06010" : "01001", "reporter", spec->reporter, "reported-at", reported,
                "description", spec->name, "grade", spec->level, NULL);
  place (incident, index, spec->at_spot);
  id = gp_document_get_id (GP_DOCUMENT (incident));
  g_hash_table_insert (ids, g_strdup (spec->name), g_strdup (id));
  g_ptr_array_add (documents, g_object_ref (incident));

  for (guint i = 0; i < G_N_ELEMENTS (spec->steps) && spec->steps[i].action != NULL; i++)
    {
      const Step *s = &spec->steps[i];
      GpEvent *event = gp_event_new (id);
      g_autoptr(GDateTime) at = day_time (s->at);
      /* Steps at the same minute keep their order. */
      g_autoptr(GDateTime) ordered = g_date_time_add_seconds (at, i);
      gboolean worker = g_str_equal (s->actor, "wang") || g_str_equal (s->actor, "zhao");

      g_object_set (event, "grid", "G1", "action", s->action, "actor", s->actor,
                    "role", worker ? GP_ROLE_WORKER : GP_ROLE_LEADER, "at", ordered, NULL);
      if (g_str_equal (s->action, GP_ACTION_VOID) || g_str_equal (s->action, GP_ACTION_SUSPEND))
        g_object_set (event, "reason", "重复上报", NULL);
      if (g_str_equal (s->action, GP_ACTION_DISPATCH))
        g_object_set (event, "target", spec->steps[i + 1].actor, NULL);
      if (g_str_equal (s->action, GP_ACTION_HANDLED))
        g_object_set (event, "note", "已清理", NULL);
      if (g_str_equal (s->action, GP_ACTION_VERIFY))
        g_object_set (event, "result", s->choice, NULL);
      if (g_str_equal (s->action, GP_ACTION_CALLBACK))
        g_object_set (event, "satisfaction", s->choice, NULL);
      g_ptr_array_add (documents, event);
    }
  g_assert_true (gp_documents_save_all (store, documents, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GpStore) store = NULL;

  fixture->dir = gp_test_make_dir ();
  fixture->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  store = gp_test_open_store (fixture->dir);
  put_json (store, policy_json);
  put_json (store, grid_json);
  put_json (store, route_json);
  put_json (store, patrol_json);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    add_case (store, &cases[i], i, fixture->ids);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_hash_table_unref (fixture->ids);
}

/* `gridpatrolctl stats --json` for a period, the clocks read at @at. */
static JsonObject *
stats (Fixture    *fixture,
       const char *from,
       const char *to,
       const char *at,
       ...)
{
  g_autoptr(GPtrArray) argv = gp_test_ctl_argv ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, fixture->dir);
  g_ptr_array_add (argv, "stats");
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "--from");
  g_ptr_array_add (argv, (gpointer) from);
  g_ptr_array_add (argv, "--to");
  g_ptr_array_add (argv, (gpointer) to);
  g_ptr_array_add (argv, "--at");
  g_ptr_array_add (argv, (gpointer) at);
  va_start (args, at);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gridpatrolctl stats failed: %s", err);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static void
assert_rate (JsonObject *figures,
             const char *name,
             double      numerator,
             gint64      denominator)
{
  JsonObject *rate = json_object_get_object_member (json_object_get_object_member (figures, "rates"), name);

  g_assert_nonnull (rate);
  g_test_message ("%s: %g / %" G_GINT64_FORMAT, name, json_object_get_double_member (rate, "numerator"),
                  json_object_get_int_member (rate, "denominator"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rate, "numerator"), numerator, 1e-9);
  g_assert_cmpint (json_object_get_int_member (rate, "denominator"), ==, denominator);
  if (denominator > 0)
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rate, "value"),
                                    round (numerator / denominator * 10000) / 10000, 1e-9);
  else
    g_assert_true (json_object_get_null_member (rate, "value"));
}

static gint64
member_int (JsonObject *object,
            const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; parts[i + 1] != NULL; i++)
    object = json_object_get_object_member (object, parts[i]);
  return json_object_get_int_member (object, parts[g_strv_length (parts) - 1]);
}

static void
test_first_week (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) week = stats (fixture, "2026-09-28", "2026-10-04", "2026-10-09T16:00:00+08:00", NULL);

  g_assert_cmpint (member_int (week, "reported"), ==, 3);
  g_assert_cmpint (member_int (week, "by_state.closed"), ==, 3);
  /* "late" was registered after 30 minutes. */
  assert_rate (week, "response", 2, 3);
  /* "prompt" closed in the week; "late" was due on the 29th and closed on
   * 9 October: due here, not closed here. "holiday" is due after it. */
  assert_rate (week, "closed", 1, 2);
  assert_rate (week, "closed_on_time", 1, 2);
  /* Only "prompt" had its callback this week. */
  assert_rate (week, "resolved", 1, 1);
  assert_rate (week, "satisfaction", 1, 1);
}

static void
test_second_week (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) week = stats (fixture, "2026-10-05", "2026-10-11", "2026-10-09T16:00:00+08:00", NULL);
  JsonArray *workers = json_object_get_array_member (week, "workers");
  JsonArray *sources = json_object_get_array_member (week, "by_source");

  g_assert_cmpint (member_int (week, "reported"), ==, 9);
  g_assert_cmpint (member_int (week, "by_state.void"), ==, 1);
  g_assert_cmpint (member_int (week, "by_state.reported"), ==, 1);
  g_assert_cmpint (json_array_get_length (sources), ==, 2);
  /* "unregistered" is past its ten minutes. */
  assert_rate (week, "response", 8, 9);
  /* Closed here: "late" (late), "suspended" (in time: the clock paused),
   * "reopened" (in time). Due and open: "overdue". */
  assert_rate (week, "closed", 3, 4);
  assert_rate (week, "closed_on_time", 2, 4);
  /* First callbacks here: "late" basically satisfied, "suspended" and
   * "to-close" satisfied, "reopened" unsatisfied — its second callback,
   * satisfied, does not count. */
  assert_rate (week, "resolved", 3, 4);
  assert_rate (week, "satisfaction", 2.9, 4);
  g_assert_cmpint (member_int (week, "evaluations.unsatisfied"), ==, 1);

  /* "reopened" counts as handled by wang, who handled it first. */
  g_assert_cmpint (json_array_get_length (workers), ==, 2);
  {
    JsonObject *wang = json_array_get_object_element (workers, 0);
    JsonObject *zhao = json_array_get_object_element (workers, 1);

    g_assert_cmpstr (json_object_get_string_member (wang, "worker"), ==, "wang");
    g_assert_cmpint (json_object_get_int_member (wang, "handled"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (wang, "reported"), ==, 5);
    g_assert_cmpint (json_object_get_int_member (wang, "patrols"), ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (wang, "distance_m"), ==, 2500);
    g_assert_cmpint (json_object_get_int_member (wang, "checkpoints_reached"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (wang, "checkpoints_planned"), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (zhao, "worker"), ==, "zhao");
    g_assert_cmpint (json_object_get_int_member (zhao, "handled"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (zhao, "patrols"), ==, 0);
  }
}

static void
test_third_week (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) week = stats (fixture, "2026-10-12", "2026-10-18", "2026-10-19T09:00:00+08:00", NULL);

  g_assert_cmpint (member_int (week, "reported"), ==, 0);
  /* "holiday": reported 30 September, closed 12 October, in time. */
  assert_rate (week, "closed", 1, 1);
  assert_rate (week, "closed_on_time", 1, 1);
  assert_rate (week, "response", 0, 0);
  assert_rate (week, "satisfaction", 1, 1);
}

static const char *
board_name (Fixture    *fixture,
            JsonObject *entry)
{
  GHashTableIter iter;
  gpointer name, id;

  g_hash_table_iter_init (&iter, fixture->ids);
  while (g_hash_table_iter_next (&iter, &name, &id))
    if (g_str_equal (id, json_object_get_string_member (entry, "incident")))
      return name;
  return NULL;
}

static void
test_board (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonObject) now = stats (fixture, "2026-10-05", "2026-10-11", "2026-10-09T16:00:00+08:00", NULL);
  JsonArray *overdue = json_object_get_array_member (now, "overdue");
  JsonArray *todo = json_object_get_array_member (now, "todo");
  const char * const board[][2] = {
    { "overdue", "red" }, { "unregistered", "red" }, { "nearly", "yellow" },
  };
  const char * const waiting[][2] = {
    { "unregistered", "reported" }, { "to-verify", "handled" }, { "to-call", "callback" },
    { "to-close", "satisfied" },
  };

  /* Red first, most over first; then yellow. */
  g_assert_cmpint (json_array_get_length (overdue), ==, G_N_ELEMENTS (board));
  for (guint i = 0; i < G_N_ELEMENTS (board); i++)
    {
      JsonObject *entry = json_array_get_object_element (overdue, i);

      g_assert_cmpstr (board_name (fixture, entry), ==, board[i][0]);
      g_assert_cmpstr (json_object_get_string_member (entry, "warning"), ==, board[i][1]);
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (overdue, 0), "deadline"), ==,
                   "2026-10-09T09:05:00+08:00");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (overdue, 1), "deadline"), ==,
                   "2026-10-09T15:10:00+08:00");

  /* The leader's to-do, in the order of the workflow. */
  g_assert_cmpint (json_array_get_length (todo), ==, G_N_ELEMENTS (waiting));
  for (guint i = 0; i < G_N_ELEMENTS (waiting); i++)
    {
      JsonObject *entry = json_array_get_object_element (todo, i);

      g_assert_cmpstr (board_name (fixture, entry), ==, waiting[i][0]);
      g_assert_cmpstr (json_object_get_string_member (entry, "state"), ==, waiting[i][1]);
    }

  /* A worker's own: the cases given to them to handle. */
  {
    g_autoptr(JsonObject) wang = stats (fixture, "2026-10-05", "2026-10-11", "2026-10-09T16:00:00+08:00",
                                        "--worker", "wang", NULL);
    JsonArray *own = json_object_get_array_member (wang, "todo");

    g_assert_cmpint (json_array_get_length (own), ==, 1);
    g_assert_cmpstr (board_name (fixture, json_array_get_object_element (own, 0)), ==, "overdue");
    /* Five reported by wang, and "overdue", given to wang. */
    g_assert_cmpint (member_int (wang, "reported"), ==, 6);
  }
}

static void
test_hot_spots (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonObject) fortnight = stats (fixture, "2026-09-28", "2026-10-11", "2026-10-19T09:00:00+08:00", NULL);
  g_autoptr(JsonObject) stricter = stats (fixture, "2026-09-28", "2026-10-11", "2026-10-19T09:00:00+08:00",
                                          "--hot-spot-min", "4", NULL);
  g_autoptr(JsonObject) week = stats (fixture, "2026-09-28", "2026-10-04", "2026-10-19T09:00:00+08:00", NULL);
  JsonArray *spots = json_object_get_array_member (fortnight, "hot_spots");
  JsonObject *spot;
  gint64 x, y, sx, sy;

  g_assert_cmpint (json_array_get_length (spots), ==, 1);
  spot = json_array_get_object_element (spots, 0);
  g_assert_cmpint (json_object_get_int_member (spot, "count"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (spot, "category"), ==, "06010");
  gp_stats_cell_of (34.2600, 108.9400, &x, &y);
  gp_stats_cell_of (json_object_get_double_member (spot, "lat"), json_object_get_double_member (spot, "lon"), &sx, &sy);
  g_assert_cmpint (sx, ==, x);
  g_assert_cmpint (sy, ==, y);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (stricter, "hot_spots")), ==, 0);
  /* Two of the three were in the first week. */
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (week, "hot_spots")), ==, 0);
}

/* Cells are about 50 m on a side at any latitude. */
static void
test_cells (void)
{
  const double latitudes[] = { 18.25, 34.26, 45.75 };

  for (guint i = 0; i < G_N_ELEMENTS (latitudes); i++)
    {
      gint64 x, y, x2, y2;
      double lat, lon, lat2, lon2;

      gp_stats_cell_of (latitudes[i], 108.94, &x, &y);
      gp_stats_cell_centre (x, y, &lat, &lon);
      gp_stats_cell_centre (x, y + 1, &lat2, &lon2);
      g_assert_cmpfloat_with_epsilon ((lat2 - lat) * 111320.0, 50.0, 0.01);
      gp_stats_cell_centre (x + 1, y, &lat2, &lon2);
      g_assert_cmpfloat_with_epsilon (lat2, lat, 1e-12);
      g_assert_cmpfloat_with_epsilon ((lon2 - lon) * 111320.0 * cos (lat * G_PI / 180), 50.0, 0.01);
      gp_stats_cell_of (lat, lon, &x2, &y2);
      g_assert_cmpint (x2, ==, x);
      g_assert_cmpint (y2, ==, y);
    }
}

/* Every row of the case table, and how many indexes it has. */
static char *
dump_cases (GpStore *store,
            guint   *n_indexes)
{
  GpDb *db = gp_store_get_reader (store);
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);
  GpDbStmt *stmt;
  gboolean row = FALSE;

  gp_db_lock (db);
  stmt = gp_db_prepare (db, "SELECT * FROM cases ORDER BY incident", &error);
  g_assert_no_error (error);
  while (gp_db_step (db, stmt, &row, &error) && row)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        g_string_append_printf (out, "%s|", sqlite3_column_text (stmt, i) ? (const char *) sqlite3_column_text (stmt, i)
                                                                          : "NULL");
      g_string_append_c (out, '\n');
    }
  g_assert_no_error (error);
  gp_db_stmt_release (stmt);
  stmt = gp_db_prepare (db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cases' "
                            "AND name LIKE 'cases_by_%'", &error);
  g_assert_no_error (error);
  g_assert_true (gp_db_step (db, stmt, &row, &error) && row);
  *n_indexes = (guint) sqlite3_column_int (stmt, 0);
  gp_db_stmt_release (stmt);
  gp_db_unlock (db);
  return g_string_free (out, FALSE);
}

/* The case table follows new events and deletions, and a dropped table
 * comes back the same. */
static void
test_index_follows (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpEvent) event = gp_event_new (g_hash_table_lookup (fixture->ids, "unregistered"));
  g_autoptr(GDateTime) at = day_time ("10-09 15:05");
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *snapshot = NULL;
  guint folded = 0;

  g_assert_true (gp_case_index_update (store, &folded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (folded, ==, G_N_ELEMENTS (cases));
  g_assert_true (gp_case_index_update (store, &folded, &error));
  g_assert_cmpuint (folded, ==, 0);

  g_object_set (event, "grid", "G1", "action", GP_ACTION_REGISTER, "actor", "li", "role", GP_ROLE_LEADER,
                "at", at, NULL);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (event), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (gp_case_index_update (store, &folded, &error));
  g_assert_cmpuint (folded, ==, 1);
  g_clear_object (&store);

  before = stats (fixture, "2026-10-05", "2026-10-11", "2026-10-09T16:00:00+08:00", NULL);
  /* Registered within its ten minutes now. */
  assert_rate (before, "response", 9, 9);
  g_assert_cmpint (member_int (before, "by_state.registered"), ==, 2);

  store = gp_test_open_store (fixture->dir);
  snapshot = gp_test_store_snapshot (store);
  {
    guint indexes = 0;
    g_autofree char *rows = dump_cases (store, &indexes);
    g_autofree char *rebuilt = NULL;

    g_assert_cmpuint (indexes, ==, 6);
    /* In one pass, its indexes dropped and made again after the rows: the
     * same rows as folded one case at a time. */
    g_assert_true (gp_case_index_rebuild (store, &error));
    g_assert_no_error (error);
    rebuilt = dump_cases (store, &indexes);
    g_assert_cmpstr (rebuilt, ==, rows);
    g_assert_cmpuint (indexes, ==, 6);
  }
  {
    g_autofree char *again = gp_test_store_snapshot (store);

    /* Rebuilding touches no document. */
    g_assert_cmpstr (again, ==, snapshot);
  }
  g_clear_object (&store);
  after = stats (fixture, "2026-10-05", "2026-10-11", "2026-10-09T16:00:00+08:00", NULL);
  g_assert_true (json_object_equal (before, after));
}

/* Runs one statement on the store's writer, as a disk or another program
 * might have left the file. */
static void
write_raw (GpStore    *store,
           const char *sql)
{
  GpDb *db = gp_store_get_writer (store);
  g_autoptr(GError) error = NULL;

  gp_db_lock (db);
  gp_db_exec (db, sql, &error);
  gp_db_unlock (db);
  g_assert_no_error (error);
}

/* Every document as the file holds it, damaged or not. */
static char *
raw_docs (GpStore *store)
{
  GpDb *db = gp_store_get_reader (store);
  g_autoptr(GError) error = NULL;
  GpDbStmt *stmt;
  gboolean row = FALSE;
  char *raw;

  gp_db_lock (db);
  stmt = gp_db_prepare (db, "SELECT group_concat (id || ' ' || rev || ' ' || hex (body), '\n') FROM "
                            "(SELECT * FROM docs ORDER BY id)", &error);
  g_assert_no_error (error);
  g_assert_true (gp_db_step (db, stmt, &row, &error) && row);
  raw = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  gp_db_stmt_release (stmt);
  gp_db_unlock (db);
  return raw;
}

/* A rebuild cut into parts, each read and folded in a thread of its own,
 * makes the rows one part makes. A damaged incident in one part fails
 * the whole rebuild, naming it; the table is then made again on the next
 * look, and no document changes. */
static void
test_index_in_parts (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *damage = NULL;
  g_autofree char *mend = NULL;
  g_auto(GStrv) cuts = NULL;
  guint indexes = 0;
  const guint parts[] = { 2, 3, G_N_ELEMENTS (cases) + 5 };

  gp_case_index_set_parts (1, 1);
  g_assert_true (gp_case_index_rebuild (store, &error));
  g_assert_no_error (error);
  whole = dump_cases (store, &indexes);
  g_assert_cmpuint (indexes, ==, 6);
  {
    guint n_rows = 0;

    for (const char *c = whole; *c; c++)
      n_rows += *c == '\n';
    g_assert_cmpuint (n_rows, ==, G_N_ELEMENTS (cases));
  }

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *rows = NULL;
      guint folded = 0;

      /* From nothing: each case folded once, in one part or another. */
      gp_case_index_set_parts (parts[i], 1);
      g_assert_true (gp_store_set_table_seq (store, "cases", 0, &error));
      g_assert_true (gp_case_index_update (store, &folded, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (folded, ==, G_N_ELEMENTS (cases));
      rows = dump_cases (store, &indexes);
      g_assert_cmpstr (rows, ==, whole);
      g_assert_cmpuint (indexes, ==, 6);
    }

  /* Three parts; the second's first incident damaged (not UTF-8, which
   * the file's own JSON check lets through). */
  cuts = gp_store_split_ids (store, "incident", 3, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (cuts), ==, 2);
  damage = g_strdup_printf ("UPDATE docs SET body = replace (body, '\"grid\"', '\"note\":\"' || "
                            "CAST (X'FF' AS TEXT) || '\",\"grid\"') WHERE id = '%s'", cuts[0]);
  mend = g_strdup_printf ("UPDATE docs SET body = json_remove (body, '$.note') WHERE id = '%s'", cuts[0]);
  write_raw (store, damage);
  snapshot = raw_docs (store);
  gp_case_index_set_parts (3, 1);
  g_assert_false (gp_case_index_rebuild (store, &error));
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, cuts[0]));
  g_clear_error (&error);
  g_assert_cmpint (gp_store_get_table_seq (store, "cases", &error), ==, 0);
  g_assert_no_error (error);
  {
    g_autofree char *again = raw_docs (store);

    g_assert_cmpstr (again, ==, snapshot);
  }
  /* Nor is the table read half made: the next look makes it again, and
   * fails the same while the damage is there. */
  g_assert_false (gp_case_index_update (store, NULL, &error));
  g_assert_error (error, GP_STORE_ERROR, GP_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  write_raw (store, mend);
  g_assert_true (gp_case_index_update (store, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *rows = dump_cases (store, &indexes);

    g_assert_cmpstr (rows, ==, whole);
    g_assert_cmpuint (indexes, ==, 6);
  }
  gp_case_index_set_parts (0, 0);
}

/* Figures computed again in the same process are the same: the queries
 * built at run time (with their grids) are cached and found again. */
static void
test_in_process (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  const char *grids[] = { "G1", "G2", NULL };
  GpStatsQuery query = { 0 };
  g_autoptr(GDateTime) now = day_time ("10-09 16:00");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(GError) error = NULL;

  query.grids = grids;
  query.from = g_date_time_to_unix (day_time ("10-05 00:00"));
  query.to = g_date_time_to_unix (day_time ("10-12 00:00"));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GpStats) stats = gp_stats_compute (store, &query, g_date_time_to_unix (now), &error);
      g_autoptr(JsonObject) json = NULL;

      g_assert_no_error (error);
      json = gp_stats_to_json (stats, 8 * 3600);
      if (first == NULL)
        first = g_steal_pointer (&json);
      else
        g_assert_true (json_object_equal (first, json));
      /* Other grids in between: other statements. */
      grids[1] = i % 2 ? "G2" : "G3";
    }
  g_assert_cmpint (json_object_get_int_member (first, "reported"), ==, 9);
}

/* A suspended case's deadline moves with the clock: it is not "past its
 * deadline" however long it stays suspended, and the board shows it
 * paused. */
static void
test_suspended_not_due (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autoptr(GDateTime) reported = g_date_time_add_hours (now, -2);
  const char *steps[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH, GP_ACTION_SUSPEND, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStats) stats = NULL;
  GpStatsQuery query = { 0 };
  const char * const grids[] = { "G1", NULL };

  g_object_set (incident, "grid", "G1", "source", GP_SOURCE_PATROL, "category", "06010", "reporter", "wang",
                "reported-at", reported, "grade", "B", NULL);
  g_ptr_array_add (documents, g_object_ref (incident));
  for (guint i = 0; steps[i] != NULL; i++)
    {
      GpEvent *event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));
      g_autoptr(GDateTime) at = g_date_time_add_minutes (reported, 5 + 10 * i);

      g_object_set (event, "grid", "G1", "action", steps[i], "actor", "li", "role", GP_ROLE_LEADER, "at", at,
                    "target", "wang", "reason", "等待管线单位", NULL);
      g_ptr_array_add (documents, event);
    }
  g_assert_true (gp_documents_save_all (store, documents, GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);

  /* Thirty days on, still suspended. */
  query.grids = grids;
  query.from = g_date_time_to_unix (reported);
  query.to = query.from + 31 * 86400;
  stats = gp_stats_compute (store, &query, query.from + 30 * 86400, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats->rates[GP_RATE_CLOSED].denominator, ==, 0);
  for (guint i = 0; i < stats->overdue->len; i++)
    g_assert_cmpstr (((GpBoardCase *) g_ptr_array_index (stats->overdue, i))->incident, !=,
                     gp_document_get_id (GP_DOCUMENT (incident)));
}

/* Wrong dates are refused in words; the store is not touched. */
static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  out = gp_test_ctl (2, &err, "--data-dir", fixture->dir, "stats", "--from", "2026-02-30", NULL);
  g_assert_nonnull (strstr (err, "2026-02-30"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  out = gp_test_ctl (2, &err, "--data-dir", fixture->dir, "stats", "--from", "2026-10-09", "--to", "2026-10-01",
                     NULL);
  g_assert_nonnull (strstr (err, "--from"));
}

/* Runs a command, failing the test with its stderr when it fails. */
static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

/* The share of a page's pixels that are not white. */
static double
inked (const char *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) page = gdk_pixbuf_new_from_file (png, &error);
  const guint8 *pixels;
  int stride, channels;
  guint64 ink = 0;

  g_assert_no_error (error);
  pixels = gdk_pixbuf_read_pixels (page);
  stride = gdk_pixbuf_get_rowstride (page);
  channels = gdk_pixbuf_get_n_channels (page);
  for (int y = 0; y < gdk_pixbuf_get_height (page); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (page); x++)
      {
        const guint8 *p = pixels + y * stride + x * channels;

        ink += p[0] < 200 || p[1] < 200 || p[2] < 200;
      }
  return (double) ink / (gdk_pixbuf_get_width (page) * gdk_pixbuf_get_height (page));
}

static guint
count_pages (const char *pdf)
{
  const char *argv[] = { "pdfinfo", pdf, NULL };
  g_autofree char *info = run (argv);
  const char *pages = strstr (info, "Pages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("Pages:") + strspn (pages + 6, " "), NULL, 10);
}

/* The weekly summary: a PDF whose pages all carry ink, and a CSV whose
 * columns add up to the figures. */
static void
test_summary (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *pdf = g_build_filename (fixture->dir, "week.pdf", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "week.csv", NULL);
  g_autofree char *prefix = g_build_filename (fixture->dir, "page", NULL);
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) week = stats (fixture, "2026-10-05", "2026-10-11", "2026-10-09T16:00:00+08:00", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  const char *columns[] = { "counts_reported", "counts_response_due", "counts_responded_in_time",
                            "counts_due_to_close", "counts_closed", "counts_closed_on_time", "counts_evaluated" };
  const int expected[] = { 9, 9, 8, 4, 3, 2, 4 };
  int sums[G_N_ELEMENTS (columns)] = { 0 };
  int index[G_N_ELEMENTS (columns)];
  guint pages;

  out = gp_test_ctl (0, NULL, "--data-dir", fixture->dir, "summary", "--period", "week", "--date", "2026-10-07",
                     "--at", "2026-10-09T16:00:00+08:00", "--out", pdf, "--csv", csv, NULL);
  g_assert_nonnull (strstr (out, "week.pdf"));

  /* The CSV: a BOM, CRLF lines, one row a case reported, due, closed or
   * evaluated in the week — "late" was reported the week before. */
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "\xef\xbb\xbfincident,grid,category,category_label,"));
  lines = g_strsplit (text + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 10 + 1);
  g_assert_cmpstr (lines[11], ==, "");
  header = g_strsplit (lines[0], ",", -1);
  g_assert_cmpuint (g_strv_length (header), ==, 24);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      index[c] = -1;
      for (guint i = 0; header[i] != NULL; i++)
        if (g_str_equal (header[i], columns[c]))
          index[c] = i;
      g_assert_cmpint (index[c], >=, 0);
    }
  for (guint r = 1; r <= 10; r++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[r], ",", -1);

      g_assert_cmpuint (g_strv_length (cells), ==, 24);
      g_assert_true (g_str_has_prefix (cells[0], "incident:"));
      g_assert_cmpstr (cells[1], ==, "G1");
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        sums[c] += atoi (cells[index[c]]);
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_assert_cmpint (sums[c], ==, expected[c]);
  g_assert_cmpint (sums[0], ==, member_int (week, "reported"));
  /* No description reaches the file. */
  g_assert_null (strstr (text, "unregistered"));

  /* The PDF: A4 pages, each with something on it. */
  pages = count_pages (pdf);
  g_assert_cmpuint (pages, >=, 1);
  {
    const char *argv[] = { "pdftoppm", "-r", "60", "-png", pdf, prefix, NULL };
    g_autofree char *ignored = run (argv);
  }
  for (guint p = 1; p <= pages; p++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u.png", prefix, p);
      double ink = inked (name);

      g_test_message ("page %u: %.1f%% inked", p, 100 * ink);
      g_assert_cmpfloat (ink, >, 0.01);
      if (g_getenv ("G_TEST_BUILDDIR") != NULL)
        {
          g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
          g_autofree char *base = g_strdup_printf ("summary-week-%u.png", p);
          g_autofree char *copy = g_build_filename (dir, base, NULL);
          g_autofree char *bytes = NULL;
          gsize length = 0;

          g_mkdir_with_parents (dir, 0755);
          g_assert_true (g_file_get_contents (name, &bytes, &length, NULL));
          g_assert_true (g_file_set_contents (copy, bytes, length, NULL));
        }
    }
}

/* Every period draws; a month runs from its 1st. Each page stays small
 * enough to send from a phone — a two-page summary under 300 KB — in
 * English and in Chinese: the font's outlines are embedded as subsets. */
static void
test_summary_periods (Fixture       *fixture,
                      gconstpointer  data)
{
  const GpPeriod periods[] = { GP_PERIOD_DAY, GP_PERIOD_WEEK, GP_PERIOD_MONTH };
  const char * const languages[][2] = { { "en", "C.UTF-8" }, { "zh_CN", "zh_CN.UTF-8" } };
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));
  g_autofree char *locale = g_strdup (setlocale (LC_ALL, NULL));
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ("2026-10-09T16:00:00+08:00", NULL);

  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("GP_TEST_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
      {
        g_autofree char *name = g_strdup_printf ("%s-%s.pdf", gp_period_to_string (periods[i]), languages[l][0]);
        g_autofree char *pdf = g_build_filename (fixture->dir, name, NULL);
        g_autofree char *text = NULL;
        g_autoptr(GError) error = NULL;
        GpSummaryRequest request = { periods[i] };
        const char *argv[] = { "pdftotext", pdf, "-", NULL };
        GStatBuf buf;
        guint pages;

        g_setenv ("LANGUAGE", languages[l][0], TRUE);
        g_assert_nonnull (setlocale (LC_ALL, languages[l][1]));
        g_date_set_dmy (&request.date, 9, 10, 2026);
        request.now = g_date_time_to_unix (at);
        g_assert_true (gp_summary_write (store, &request, pdf, NULL, &error));
        g_assert_no_error (error);
        pages = count_pages (pdf);
        g_assert_cmpuint (pages, >=, 1);
        g_assert_cmpint (g_stat (pdf, &buf), ==, 0);
        g_test_message ("%s: %u pages, %ld bytes", name, pages, (long) buf.st_size);
        g_assert_cmpint (buf.st_size, <, pages * 150 * 1024);
        /* Text, not pictures of it, in the language asked for. */
        text = run (argv);
        g_assert_nonnull (strstr (text, gp_summary_title (periods[i])));
      }
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, locale);
}

/* A summary that cannot be written says where, leaves no partial file and
 * changes nothing in the store; a wrong period is refused. */
static void
test_summary_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *pdf = g_build_filename (fixture->dir, "kept.pdf", NULL);
  g_autofree char *csv = g_build_filename (fixture->dir, "missing", "week.csv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autofree char *missing_dir = g_build_filename (fixture->dir, "missing", NULL);

  g_assert_true (gp_case_index_update (store, NULL, NULL));
  before = gp_test_store_snapshot (store);
  g_clear_object (&store);

  out = gp_test_ctl (1, &err, "--data-dir", fixture->dir, "summary", "--period", "week", "--date", "2026-10-07",
                     "--out", pdf, "--csv", csv, NULL);
  g_assert_nonnull (strstr (err, "week.csv"));
  g_assert_false (g_file_test (missing_dir, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  out = gp_test_ctl (2, &err, "--data-dir", fixture->dir, "summary", "--period", "year", "--out", pdf, NULL);
  g_assert_nonnull (strstr (err, "--period"));

  store = gp_test_open_store (fixture->dir);
  after = gp_test_store_snapshot (store);
  g_assert_cmpstr (after, ==, before);
}

static void
add_photo_at (GpStore    *store,
              GpIncident *incident,
              gboolean    gallery,
              double      north_m)
{
  g_autoptr(GpPhotoStamp) stamp = gp_photo_stamp_new ();
  g_autoptr(GdkPixbuf) frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autoptr(GpPhoto) photo = NULL;
  g_autoptr(GError) error = NULL;
  GpGeoPoint at;

  g_assert_true (gp_geo_geometry_get_center (gp_document_get_geometry (GP_DOCUMENT (incident)), &at));
  at = gp_geo_offset (at, 0, north_m);
  gdk_pixbuf_fill (frame, 0x808080ff);
  stamp->taken_at = gp_clock_get_now ();
  stamp->has_fix = !gallery;
  stamp->latitude = at.lat;
  stamp->longitude = at.lon;
  stamp->accuracy = 10;
  stamp->worker = g_strdup ("wang");
  photo = gp_photo_take_frame (frame, stamp, NULL, &error);
  g_assert_no_error (error);
  if (gallery)
    gp_photo_set_gallery (photo, gp_clock_get_now () - 7 * 86400, "wang", "G1");
  gp_casework_add_photo (GP_DOCUMENT (incident), photo);
  g_assert_true (gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, &error));
  g_assert_no_error (error);
}

/* The Area page's photo evidence: of the period's cases with photos, those
 * with one from the gallery, and those with one taken over 200 m away. */
static void
test_photo_evidence (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GpStore) store = gp_test_open_store (fixture->dir);
  g_autoptr(GPtrArray) incidents = gp_documents_load_all (store, "incident", "G1", NULL);
  g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 ("2026-09-28T00:00:00+08:00", NULL);
  g_autoptr(GDateTime) to = g_date_time_new_from_iso8601 ("2026-10-05T00:00:00+08:00", NULL);
  g_autoptr(JsonObject) week = NULL;
  g_autoptr(JsonObject) later = NULL;
  JsonObject *photos;
  guint placed = 0;

  for (guint i = 0; i < incidents->len && placed < 3; i++)
    {
      GpIncident *incident = g_ptr_array_index (incidents, i);
      g_autoptr(GDateTime) reported = gp_incident_dup_reported_at (incident);

      if (g_date_time_compare (reported, from) < 0 || g_date_time_compare (reported, to) >= 0)
        continue;
      switch (placed++)
        {
        case 0: add_photo_at (store, incident, FALSE, 195); break;   /* just within 200 m */
        case 1: add_photo_at (store, incident, FALSE, 350); break;   /* 350 m off */
        default: add_photo_at (store, incident, TRUE, 0); break;     /* from the gallery */
        }
    }
  g_assert_cmpuint (placed, ==, 3);
  g_clear_object (&store);

  week = stats (fixture, "2026-09-28", "2026-10-04", "2026-10-19T09:00:00+08:00", NULL);
  photos = json_object_get_object_member (week, "photos");
  g_assert_cmpint (json_object_get_int_member (photos, "cases_with_photos"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (photos, "from_gallery"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (photos, "taken_far"), ==, 1);
  /* Another period: none of them. */
  later = stats (fixture, "2026-10-12", "2026-10-18", "2026-10-19T09:00:00+08:00", NULL);
  photos = json_object_get_object_member (later, "photos");
  g_assert_cmpint (json_object_get_int_member (photos, "cases_with_photos"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/stats/cells", test_cells);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/stats/first-week", test_first_week);
  ADD ("/stats/second-week", test_second_week);
  ADD ("/stats/third-week", test_third_week);
  ADD ("/stats/board", test_board);
  ADD ("/stats/hot-spots", test_hot_spots);
  ADD ("/stats/photo-evidence", test_photo_evidence);
  ADD ("/stats/index-follows", test_index_follows);
  ADD ("/stats/index-in-parts", test_index_in_parts);
  ADD ("/stats/bad-input", test_bad_input);
  ADD ("/stats/in-process", test_in_process);
  ADD ("/stats/suspended-not-due", test_suspended_not_due);
  ADD ("/stats/summary", test_summary);
  ADD ("/stats/summary-periods", test_summary_periods);
  ADD ("/stats/summary-errors", test_summary_errors);
#undef ADD

  return g_test_run ();
}
