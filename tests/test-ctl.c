/* test-ctl.c — gridpatrolctl as a user runs it: output, messages, exit status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "gp-json.h"
#include "gp-test-photo.h"
#include "gp-test-util.h"

#include <sqlite3.h>
#include <string.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
ctl (Run *run,
     ...)
{
  g_autoptr(GPtrArray) argv = gp_test_ctl_argv ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int wait_status = 0;
  va_list args;

  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *c = text; *c; c++)
    n += *c == '\n';
  return n;
}

static void
assert_one_line_error (Run        *run,
                       int         status,
                       const char *says)
{
  g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, status);
  g_assert_true (g_str_has_prefix (run->err, "gridpatrolctl: "));
  if (status == 1)
    g_assert_cmpuint (count_lines (run->err), ==, 1);
  g_assert_nonnull (strstr (run->err, says));
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static void
test_demo_and_list (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_auto(Run) demo = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) personal = { 0 };
  g_auto(Run) plain = { 0 };
  g_autoptr(JsonArray) households = NULL;
  g_autoptr(JsonArray) unmasked = NULL;
  JsonObject *first;

  ctl (&demo, "--data-dir", dir, "demo", NULL);
  g_assert_cmpint (demo.status, ==, 0);
  g_assert_nonnull (strstr (demo.out, "420 households"));

  /* The done-when of the foundation: 420 households as JSON. */
  ctl (&list, "--data-dir", dir, "list", "households", "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
  households = parse_array (list.out);
  g_assert_cmpuint (json_array_get_length (households), ==, 420);
  first = json_array_get_object_element (households, 0);
  g_assert_true (g_str_has_prefix (gp_json_get_string (first, "_id"), "household:"));
  g_assert_true (g_str_has_prefix (gp_json_get_string (first, "_rev"), "1-"));
  g_assert_cmpstr (gp_json_get_string (first, "type"), ==, "household");

  /* Personal details are masked unless asked for; --data-dir may come last. */
  g_assert_nonnull (strstr (gp_json_get_string (first, "phone"), "****"));
  g_assert_nonnull (strstr (gp_json_get_string (first, "head"), "*"));
  ctl (&personal, "list", "households", "--json", "--show-personal", "--data-dir", dir, NULL);
  g_assert_cmpint (personal.status, ==, 0);
  unmasked = parse_array (personal.out);
  g_assert_null (strstr (gp_json_get_string (json_array_get_object_element (unmasked, 0), "phone"), "*"));

  /* Without --json: one line a household, no personal details. */
  ctl (&plain, "--data-dir", dir, "list", "households", NULL);
  g_assert_cmpint (plain.status, ==, 0);
  g_assert_cmpuint (count_lines (plain.out), ==, 420);
  g_assert_null (strstr (plain.out, gp_json_get_string (json_array_get_object_element (unmasked, 0), "phone")));

  gp_test_remove_dir (dir);
}

static void
test_show_export_import (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *other = gp_test_make_dir ();
  g_autofree char *package = g_build_filename (dir, "grid.geojson", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.geojson", NULL);
  g_auto(Run) demo = { 0 };
  g_auto(Run) show = { 0 };
  g_auto(Run) missing = { 0 };
  g_auto(Run) export = { 0 };
  g_auto(Run) import = { 0 };
  g_auto(Run) import_bad = { 0 };
  g_auto(Run) count_before = { 0 };
  g_auto(Run) count_after = { 0 };
  g_auto(Run) no_file = { 0 };
  g_autoptr(JsonObject) grid = NULL;

  ctl (&demo, "--data-dir", dir, "demo", "--households", "300", "--seed", "5", NULL);
  g_assert_cmpint (demo.status, ==, 0);

  ctl (&show, "--data-dir", dir, "show", "grid:610103003003", "--json", NULL);
  g_assert_cmpint (show.status, ==, 0);
  grid = gp_json_parse_object (show.out, -1, NULL);
  g_assert_nonnull (grid);
  g_assert_cmpint (json_object_get_int_member (grid, "households"), ==, 300);

  ctl (&missing, "--data-dir", dir, "show", "household:nobody", NULL);
  assert_one_line_error (&missing, 1, "household:nobody");

  /* Residents' details in full: the file is the user's alone, even over
   * one that was readable by all, and the user is told. */
  g_assert_true (g_file_set_contents (package, "old", -1, NULL));
  g_assert_cmpint (g_chmod (package, 0644), ==, 0);
  ctl (&export, "--data-dir", dir, "export-grid", package, NULL);
  g_assert_cmpint (export.status, ==, 0);
  g_assert_nonnull (strstr (export.err, "readable by you only"));
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (package, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  ctl (&import, "--data-dir", other, "import-grid", package, NULL);
  g_assert_cmpint (import.status, ==, 0);
  g_assert_nonnull (strstr (import.out, "created"));

  /* A bad package: a one-line message, and the store as it was. */
  g_assert_true (g_file_set_contents (bad, "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\"", -1, NULL));
  ctl (&count_before, "--data-dir", other, "list", "households", NULL);
  ctl (&import_bad, "--data-dir", other, "import-grid", bad, NULL);
  assert_one_line_error (&import_bad, 1, "not a JSON file");
  ctl (&count_after, "--data-dir", other, "list", "households", NULL);
  g_assert_cmpstr (count_before.out, ==, count_after.out);
  g_assert_cmpuint (count_lines (count_after.out), ==, 300);

  ctl (&no_file, "--data-dir", other, "import-grid", "/nonexistent/grid.geojson", NULL);
  assert_one_line_error (&no_file, 1, "/nonexistent/grid.geojson");

  gp_test_remove_dir (dir);
  gp_test_remove_dir (other);
}

static char *
query (const char *path,
       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_basemap (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *out = g_build_filename (dir, "b.mbtiles", NULL);
  g_auto(Run) demo = { 0 };
  g_auto(Run) basemap = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) no_out = { 0 };
  g_auto(Run) no_grid = { 0 };
  g_autofree char *other = gp_test_make_dir ();
  g_autofree char *other_out = g_build_filename (other, "b.mbtiles", NULL);
  const struct
  {
    const char *sql;
    const char *value;
  } expected[] = {
    { "SELECT value FROM metadata WHERE name = 'format'", "png" },
    { "SELECT value FROM metadata WHERE name = 'minzoom'", "14" },
    { "SELECT value FROM metadata WHERE name = 'maxzoom'", "19" },
    { "SELECT value FROM metadata WHERE name = 'name'", "文昌花园网格" },
    { "SELECT count(DISTINCT zoom_level) FROM tiles", "6" },
    { "SELECT min(zoom_level) FROM tiles", "14" },
    { "SELECT max(zoom_level) FROM tiles", "19" },
  };

  ctl (&demo, "--data-dir", dir, "demo", NULL);
  g_assert_cmpint (demo.status, ==, 0);

  /* The done-when of the map: a valid MBTiles over the demo grid, zoom 14–19. */
  ctl (&basemap, "--data-dir", dir, "basemap", "--out", out, NULL);
  g_assert_cmpint (basemap.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *value = query (out, expected[i].sql);

      g_assert_cmpstr (value, ==, expected[i].value);
    }

  /* Again: brought up to date, nothing drawn. */
  ctl (&again, "--data-dir", dir, "basemap", "--out", out, NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_assert_nonnull (strstr (again.out, "(0 drawn"));

  ctl (&no_out, "--data-dir", dir, "basemap", NULL);
  g_assert_cmpint (no_out.status, ==, 2);
  ctl (&no_grid, "--data-dir", other, "basemap", "--out", other_out, NULL);
  assert_one_line_error (&no_grid, 1, "no grid");
  g_assert_false (g_file_test (other_out, G_FILE_TEST_EXISTS));

  gp_test_remove_dir (dir);
  gp_test_remove_dir (other);
}

static void
test_usage (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  struct
  {
    const char *args[5];
    const char *says;
  } cases[] = {
    { { NULL }, "Usage" },
    { { "frobnicate", NULL }, "not a command" },
    { { "list", NULL }, "list needs one TYPE" },
    { { "list", "spaceships", NULL }, "not a type of document" },
    { { "demo", "--households", "600", NULL }, "from 300 to 500" },
    { { "demo", "--colour", NULL }, "Unknown option" },
    { { "show", NULL }, "show needs one document ID" },
    { { "import-grid", NULL }, "import-grid needs one FILE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      ctl (&run, "--data-dir", dir, cases[i].args[0], cases[i].args[1], cases[i].args[2],
           cases[i].args[3], NULL);
      g_assert_cmpint (run.status, ==, 2);
      if (strstr (run.err, cases[i].says) == NULL && strstr (run.out, cases[i].says) == NULL)
        g_error ("case %u: neither “%s” nor “%s” says “%s”", i, run.out, run.err, cases[i].says);
    }

  {
    g_auto(Run) help = { 0 };

    ctl (&help, "--help", NULL);
    g_assert_cmpint (help.status, ==, 0);
    g_assert_nonnull (strstr (help.out, "--data-dir"));
  }

  gp_test_remove_dir (dir);
}

static void
test_store_errors (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "gridpatrol.db", NULL);
  g_auto(Run) run = { 0 };

  g_assert_true (g_file_set_contents (db, "definitely not sqlite, but long enough to look at......"
                                          "..........................................................",
                                      -1, NULL));
  ctl (&run, "--data-dir", dir, "list", "grids", NULL);
  assert_one_line_error (&run, 1, "damaged");

  gp_test_remove_dir (dir);
}

static char *
write_photo (const char *dir,
             const char *name,
             int         width,
             int         height)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPixbuf) picture = gp_test_photo_picture (width, height);
  g_autoptr(GBytes) jpeg = gp_test_photo_jpeg (picture, 6, TRUE);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), NULL));
  return g_steal_pointer (&path);
}

static JsonObject *
show_json (const char *dir,
           const char *id)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  ctl (&run, "--data-dir", dir, "show", id, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
act (const char *dir,
     const char *incident,
     const char *expected_state,
     ...)
{
  g_autoptr(GPtrArray) argv = gp_test_ctl_argv ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  g_ptr_array_add (argv, "act");
  g_ptr_array_add (argv, (gpointer) incident);
  va_start (args, expected_state);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    g_error ("act %s failed: %s", (char *) argv->pdata[5], err);
  g_assert_true (g_str_has_prefix (out, "event:"));
  g_assert_nonnull (strstr (out, expected_state));
}

/* The done-when of incidents: report with a big photo, then every step to
 * close-out, and show --json says where the case stands. */
static void
test_report_to_close (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *photo = write_photo (dir, "IMG_20261123_090000.jpg", 4000, 3000);
  g_auto(Run) demo = { 0 };
  g_auto(Run) report = { 0 };
  g_auto(Run) list = { 0 };
  g_autoptr(JsonObject) shown = NULL;
  g_autoptr(JsonArray) incidents = NULL;
  g_autofree char *id = NULL;
  JsonArray *photos, *timeline;
  JsonObject *described;

  ctl (&demo, "--data-dir", dir, "demo", NULL);
  g_assert_cmpint (demo.status, ==, 0);

  ctl (&report, "--data-dir", dir, "report", "--category", "06013", "--building", "building:610103003003-01",
       "--text", "路面坑洼", "--photo", photo, "--as", "wang", "--at", "2026-09-30T09:50:00+08:00", NULL);
  g_test_message ("%s", report.err);
  g_assert_cmpint (report.status, ==, 0);
  id = g_strstrip (g_strdup (report.out));
  g_assert_true (g_str_has_prefix (id, "incident:"));

  shown = show_json (dir, id);
  g_assert_cmpstr (gp_json_get_string (shown, "state"), ==, "reported");
  g_assert_cmpstr (gp_json_get_string (shown, "category"), ==, "06013");
  g_assert_cmpstr (gp_json_get_string (shown, "grade"), ==, "B");   /* 道路破损: general, B in A–D */
  g_assert_cmpstr (gp_json_get_string (shown, "building"), ==, "building:610103003003-01");
  photos = gp_json_get_array (shown, "photos");
  g_assert_cmpuint (json_array_get_length (photos), ==, 1);
  described = json_array_get_object_element (photos, 0);
  /* Stored sideways by the camera, kept upright. */
  g_assert_cmpint (json_object_get_int_member (described, "width"), ==, 1600);
  g_assert_cmpint (json_object_get_int_member (described, "height"), ==, 1200);
  g_assert_cmpstr (gp_json_get_string (described, "captured_at"), ==, "2026-11-22T09:30:15+08:00");
  g_assert_true (json_object_has_member (gp_json_get_object (shown, "_attachments"), "photo-1.jpg"));
  g_assert_true (json_object_has_member (gp_json_get_object (shown, "_attachments"), "thumb-1.jpg"));
  g_clear_pointer (&shown, json_object_unref);

  act (dir, id, "registered", "register", "--role", "leader", "--as", "li", "--at", "2026-09-30T10:00:00+08:00", NULL);
  shown = show_json (dir, id);
  /* Three working days over National Day: 30 September 10:00 → 10 October 10:00. */
  g_assert_cmpstr (gp_json_get_string (shown, "deadline"), ==, "2026-10-10T10:00:00+08:00");
  g_assert_cmpstr (gp_json_get_string (shown, "level"), ==, "B");
  g_assert_cmpstr (gp_json_get_string (shown, "warning"), ==, "red");   /* read now: long overdue */
  g_clear_pointer (&shown, json_object_unref);

  act (dir, id, "dispatched", "dispatch", "--role", "leader", "--as", "li", "--target", "市政养护所",
       "--at", "2026-09-30T10:30:00+08:00", NULL);
  act (dir, id, "accepted", "accept", "--as", "wang", "--at", "2026-09-30T11:00:00+08:00", NULL);
  act (dir, id, "in_progress", "start", "--as", "wang", "--at", "2026-10-08T09:00:00+08:00", NULL);
  act (dir, id, "handled", "handled", "--as", "wang", "--note", "已修补", "--photo", photo,
       "--at", "2026-10-09T15:00:00+08:00", NULL);
  act (dir, id, "callback", "verify", "--role", "leader", "--as", "li", "--at", "2026-10-09T16:00:00+08:00", NULL);
  act (dir, id, "satisfied", "callback", "--role", "leader", "--as", "li", "--at", "2026-10-10T09:00:00+08:00", NULL);
  act (dir, id, "closed", "close", "--role", "leader", "--as", "li", "--at", "2026-10-10T09:10:00+08:00", NULL);

  shown = show_json (dir, id);
  g_assert_cmpstr (gp_json_get_string (shown, "state"), ==, "closed");
  g_assert_cmpstr (gp_json_get_string (shown, "warning"), ==, "none");
  g_assert_false (json_object_get_boolean_member (shown, "overdue"));   /* handled in time */
  g_assert_cmpstr (gp_json_get_string (shown, "owner"), ==, "市政养护所");
  timeline = gp_json_get_array (shown, "timeline");
  g_assert_cmpuint (json_array_get_length (timeline), ==, 8);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (timeline, 4), "photos"), ==, 1);

  ctl (&list, "--data-dir", dir, "list", "incidents", "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
  incidents = parse_array (list.out);
  g_assert_cmpuint (json_array_get_length (incidents), ==, 1);
  g_assert_cmpstr (gp_json_get_string (json_array_get_object_element (incidents, 0), "state"), ==, "closed");
  g_assert_cmpstr (gp_json_get_string (json_array_get_object_element (incidents, 0), "warning"), ==, "none");

  gp_test_remove_dir (dir);
}

/* Steps taken in the same second fold in the order they were taken: a
 * register and a dispatch at 10:00:00 both count, and each step is stored
 * under the id its content gives it, after the steps before it. */
static void
test_same_second (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_auto(Run) demo = { 0 };
  g_auto(Run) report = { 0 };
  g_autoptr(JsonObject) shown = NULL;
  g_autofree char *id = NULL;
  JsonArray *timeline;

  ctl (&demo, "--data-dir", dir, "demo", NULL);
  ctl (&report, "--data-dir", dir, "report", "--category", "06013", "--building", "building:610103003003-01",
       "--text", "路面坑洼", "--as", "wang",
       "--at", "2026-11-25T09:50:00+08:00", NULL);
  g_assert_cmpint (report.status, ==, 0);
  id = g_strstrip (g_strdup (report.out));
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *at = g_strdup_printf ("2026-11-25T10:0%u:00+08:00", round * 3);

      act (dir, id, round == 0 ? "registered" : "dispatched", round == 0 ? "register" : "comment", "--role", "leader",
           "--as", "li", "--note", "同一秒", "--at", at, NULL);
      if (round == 0)
        act (dir, id, "dispatched", "dispatch", "--role", "leader", "--as", "li", "--target", "市政养护所",
             "--at", at, NULL);
    }
  shown = show_json (dir, id);
  g_assert_cmpstr (gp_json_get_string (shown, "state"), ==, "dispatched");
  timeline = gp_json_get_array (shown, "timeline");
  g_assert_cmpuint (json_array_get_length (timeline), ==, 4);
  for (guint i = 0; i < json_array_get_length (timeline); i++)
    g_assert_true (json_object_get_boolean_member (json_array_get_object_element (timeline, i), "applied"));
  gp_test_remove_dir (dir);
}

/* Refusals say why, and store nothing. */
static void
test_incident_refusals (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *truncated = g_build_filename (dir, "cut.jpg", NULL);
  g_autofree char *photo = write_photo (dir, "ok.jpg", 400, 300);
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *id = NULL;
  gsize length;
  g_auto(Run) demo = { 0 };
  g_auto(Run) report = { 0 };
  g_autoptr(GpStore) store = NULL;
  struct { const char *args[12]; int status; const char *says; } cases[] = {
    { { "report", "--category", "99999", "--lat", "34.2586", "--lon", "108.9402" }, 1, "not a category code" },
    { { "report", "--category", "06010", "--lat", "34.2586", "--lon", "108.9402", "--photo", NULL }, 1, "cut short" },
    { { "report", "--category", "06010" }, 2, "needs a place" },
    { { "report", "--category", "06010", "--lat", "134", "--lon", "108" }, 2, "--lat must be" },
    { { "report", "--category", "06010", "--lat", "34.2586", "--lon", "108.9402", "--grade", "Q" }, 1,
      "not a level" },
    { { "report", "--category", "06010", "--building", "building:nowhere" }, 1, "building:nowhere" },
    { { "report", "--category", "06010", "--lat", "34.2", "--lon", "108.9", "--source", "rumour" }, 2, "--source" },
    { { "act", NULL, "close", "--role", "leader" }, 1, "not possible for a case that is" },
    { { "act", NULL, "register", "--role", "worker" }, 1, "cannot be done by the role" },
    { { "act", NULL, "void", "--role", "leader" }, 1, "needs “reason”" },
    { { "act", NULL, "fly" }, 2, "not a workflow step" },
    { { "act", "incident:nothing-here", "register", "--role", "leader" }, 1, "incident:nothing-here" },
    { { "act", NULL, "register", "--role", "leader", "--at", "yesterday" }, 2, "not a time" },
  };

  ctl (&demo, "--data-dir", dir, "demo", NULL);
  ctl (&report, "--data-dir", dir, "report", "--category", "06010", "--lat", "34.2586", "--lon", "108.9402",
       "--photo", photo, "--as", "wang", NULL);
  g_assert_cmpint (report.status, ==, 0);
  id = g_strstrip (g_strdup (report.out));

  /* A photo cut short, as a half-copied file. */
  g_assert_true (g_file_get_contents (photo, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, length / 2, NULL));
  cases[1].args[8] = truncated;

  store = gp_test_open_store (dir);
  before = gp_test_store_snapshot (store);
  g_clear_object (&store);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };
      const char *argv[20] = { "--data-dir", dir };
      guint n = 2;

      for (guint j = 0; j < G_N_ELEMENTS (cases[i].args) && (cases[i].args[j] != NULL || j == 1); j++)
        argv[n++] = cases[i].args[j] ? cases[i].args[j] : id;
      ctl (&run, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8], argv[9],
           argv[10], argv[11], argv[12], argv[13], NULL);
      assert_one_line_error (&run, cases[i].status, cases[i].says);
    }

  store = gp_test_open_store (dir);
  after = gp_test_store_snapshot (store);
  g_assert_cmpstr (after, ==, before);

  gp_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/ctl/demo-and-list", test_demo_and_list);
  g_test_add_func ("/ctl/show-export-import", test_show_export_import);
  g_test_add_func ("/ctl/usage", test_usage);
  g_test_add_func ("/ctl/basemap", test_basemap);
  g_test_add_func ("/ctl/store-errors", test_store_errors);
  g_test_add_func ("/ctl/report-to-close", test_report_to_close);
  g_test_add_func ("/ctl/same-second", test_same_second);
  g_test_add_func ("/ctl/incident-refusals", test_incident_refusals);

  return g_test_run ();
}
