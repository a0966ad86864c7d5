/* gp-ctl-grid.c — gridpatrolctl demo, import-grid, export-grid, basemap: the grid itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-basemap.h"
#include "gp-demo.h"
#include "gp-json.h"
#include "gp-package.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

/* demo */

static gboolean
run_demo (GpCtl               *ctl,
          const GpCtlCommand  *self,
          int                  argc,
          char               **argv,
          GError             **error)
{
  int households = GP_DEMO_DEFAULT_HOUSEHOLDS;
  gint64 seed = GP_DEMO_DEFAULT_SEED;
  GOptionEntry entries[] = {
    { "households", 0, 0, G_OPTION_ARG_INT, &households,
      N_("How many households, 300 to 500 (default 420)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_("The seed: the same seed makes the same grid"), "S" },
    { NULL }
  };
  GpStore *store;
  gint64 buildings, routes;
  g_autoptr(JsonObject) grid = NULL;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return gp_ctl_usage (error, _("demo takes no arguments"));
  if (households < GP_DEMO_MIN_HOUSEHOLDS || households > GP_DEMO_MAX_HOUSEHOLDS)
    return gp_ctl_usage (error, _("--households must be from 300 to 500"));
  if (seed < 0)
    return gp_ctl_usage (error, _("--seed must not be negative"));

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL || !gp_demo_install (store, households, (guint64) seed, error))
    return FALSE;

  grid = gp_store_get (store, GP_DEMO_GRID_ID, GP_STORE_GET_NONE, error);
  if (grid == NULL)
    return FALSE;
  buildings = gp_store_count (store, "building", GP_DEMO_GRID_CODE, NULL);
  routes = gp_store_count (store, "route", GP_DEMO_GRID_CODE, NULL);

  g_print (_("Demo grid %s (%s) in %s: %d buildings, %d households, %d routes\n"),
           gp_json_get_string (grid, "name"), GP_DEMO_GRID_CODE, ctl->data_dir,
           (int) buildings, households, (int) routes);
  return TRUE;
}

/* import-grid, export-grid */

static gboolean
run_import_grid (GpCtl               *ctl,
                 const GpCtlCommand  *self,
                 int                  argc,
                 char               **argv,
                 GError             **error)
{
  g_autoptr(GFile) file = NULL;
  GpPackageStats stats;
  GpStore *store;

  if (!gp_ctl_parse_options (self, NULL, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return gp_ctl_usage (error, _("import-grid needs one FILE"));

  file = g_file_new_for_commandline_arg (argv[1]);
  store = gp_ctl_get_store (ctl, error);
  if (store == NULL || !gp_package_import_file (store, file, &stats, error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }

  g_print (_("Imported %s: %u created, %u updated, %u unchanged\n"),
           argv[1], stats.created, stats.updated, stats.unchanged);
  return TRUE;
}

static gboolean
run_export_grid (GpCtl               *ctl,
                 const GpCtlCommand  *self,
                 int                  argc,
                 char               **argv,
                 GError             **error)
{
  g_autofree char *grid = NULL;
  GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid,
      N_("The grid to export, when the store holds several"), "CODE" },
    { NULL }
  };
  g_autofree char *data = NULL;
  gsize length = 0;
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return gp_ctl_usage (error, _("export-grid needs one FILE"));

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  data = gp_package_export_data (store, grid, &length, error);
  if (data == NULL)
    return FALSE;

  if (g_str_equal (argv[1], "-"))
    {
      fwrite (data, 1, length, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[1]);

      /* As if no file were there: readable by the user only. */
      if (!g_file_replace_contents (file, data, length, NULL, FALSE,
                                    G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error))
        return FALSE;
    }
  /* Household data is personal information, whoever holds the file. */
  g_printerr (_("The package holds residents’ names and phone numbers in full. Keep it where only those "
                "who need it can read it%s.\n"),
              g_str_equal (argv[1], "-") ? "" : _(" (the file is readable by you only)"));

  return TRUE;
}

/* basemap */

static gboolean
run_basemap (GpCtl               *ctl,
             const GpCtlCommand  *self,
             int                  argc,
             char               **argv,
             GError             **error)
{
  g_autofree char *out = NULL;
  g_autofree char *grid = NULL;
  g_autofree char *code = NULL;
  int min_zoom = GP_BASEMAP_MIN_ZOOM;
  int max_zoom = GP_BASEMAP_MAX_ZOOM;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The MBTiles file to write"), "FILE" },
    { "min-zoom", 0, 0, G_OPTION_ARG_INT, &min_zoom, N_("The lowest zoom level (default 14)"), "Z" },
    { "max-zoom", 0, 0, G_OPTION_ARG_INT, &max_zoom, N_("The highest zoom level (default 19)"), "Z" },
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid,
      N_("The grid to draw, when the store holds several"), "CODE" },
    { NULL }
  };
  GpBasemapStats stats;
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return gp_ctl_usage (error, _("basemap takes no arguments but its options"));
  if (out == NULL)
    return gp_ctl_usage (error, _("basemap needs --out FILE"));
  if (min_zoom < 0 || max_zoom > 22 || min_zoom > max_zoom)
    return gp_ctl_usage (error, _("the zoom levels must be from 0 to 22, --min-zoom not above --max-zoom"));

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  code = gp_ctl_choose_grid (store, grid, error);
  if (code == NULL ||
      !gp_basemap_render (store, code, out, min_zoom, max_zoom, NULL, NULL, NULL, &stats, error))
    return FALSE;

  g_print (_("Basemap of grid %s, zoom %d–%d: %u tiles (%u drawn, %u unchanged, %u removed), "
             "%.1f MB in %.1f s: %s\n"),
           code, min_zoom, max_zoom, stats.total, stats.rendered, stats.unchanged, stats.removed,
           stats.bytes / 1e6, stats.seconds, out);
  return TRUE;
}

const GpCtlCommand gp_ctl_demo = {
  .name = "demo",
  .synopsis = "[--households N] [--seed S]",
  .summary = N_("Create the demo grid"),
  .parameter = "",
  .description = N_("Create the demo grid."),
  .run = run_demo,
};

const GpCtlCommand gp_ctl_import_grid = {
  .name = "import-grid",
  .synopsis = "FILE",
  .summary = N_("Import a grid package (GeoJSON)"),
  .parameter = "FILE",
  .description = N_("Import a grid package (a GeoJSON FeatureCollection)."),
  .run = run_import_grid,
};

const GpCtlCommand gp_ctl_export_grid = {
  .name = "export-grid",
  .synopsis = "FILE [--grid CODE]",
  .summary = N_("Export a grid package (GeoJSON)"),
  .parameter = "FILE",
  .description = N_("Export a grid as a grid package (GeoJSON); FILE “-” is standard output."),
  .run = run_export_grid,
};

const GpCtlCommand gp_ctl_basemap = {
  .name = "basemap",
  .synopsis = "--out FILE [--min-zoom Z] [--max-zoom Z]",
  .summary = N_("Draw a grid's basemap (MBTiles)"),
  .parameter = "--out FILE",
  .description = N_("Draw a grid's basemap into an MBTiles file; a file drawn before is "
                        "brought up to date, drawing only the tiles that changed."),
  .run = run_basemap,
};
