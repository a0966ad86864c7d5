/* test-ctl.c — gridpatrolctl as a user runs it: output, messages, exit status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-json.h"
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
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *program = g_getenv ("GRIDPATROLCTL");
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (gpointer) program);
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

  ctl (&export, "--data-dir", dir, "export-grid", package, NULL);
  g_assert_cmpint (export.status, ==, 0);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ctl/demo-and-list", test_demo_and_list);
  g_test_add_func ("/ctl/show-export-import", test_show_export_import);
  g_test_add_func ("/ctl/usage", test_usage);
  g_test_add_func ("/ctl/basemap", test_basemap);
  g_test_add_func ("/ctl/store-errors", test_store_errors);

  return g_test_run ();
}
