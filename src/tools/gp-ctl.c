/* gp-ctl.c — gridpatrolctl.
 *
 * Every command takes --data-dir DIR (before or after the command name).
 * Exit status 0 on success, 1 with a one-line message on stderr when the
 * command failed, 2 when it was called wrongly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl.h"
#include "gp-basemap.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-package.h"
#include "gp-privacy.h"
#include "gp-store.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  char    *data_dir;
  GpStore *store;
} GpCtl;

typedef struct
{
  const char *name;
  const char *synopsis;
  const char *summary;
  int       (*run) (GpCtl  *ctl,
                    int     argc,
                    char  **argv);
} Command;

static int
fail (const GError *error)
{
  g_autofree char *message = g_strdup (error->message);

  /* One line, whatever the error says. */
  g_strdelimit (message, "\r\n", ' ');
  g_printerr ("gridpatrolctl: %s\n", message);
  return GP_CTL_FAILED;
}

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("gridpatrolctl: %s\n", message);
  if (command != NULL)
    g_printerr (_("Try “gridpatrolctl %s --help”.\n"), command);
  else
    g_printerr (_("Try “gridpatrolctl --help”.\n"));
  return GP_CTL_USAGE;
}

static GpStore *
ctl_store (GpCtl   *ctl,
           GError **error)
{
  if (ctl->store == NULL)
    ctl->store = gp_store_open (ctl->data_dir, error);
  return ctl->store;
}

/* Parses a command's options; on bad usage prints why and returns FALSE. */
static gboolean
parse_options (const char    *command,
               const char    *synopsis,
               const char    *summary,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parameter = g_strdup_printf ("%s %s", command, synopsis);

  context = g_option_context_new (parameter);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      usage_error (command, error->message);
      return FALSE;
    }
  return TRUE;
}

/* demo */

static int
cmd_demo (GpCtl  *ctl,
          int     argc,
          char  **argv)
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
  g_autoptr(GError) error = NULL;
  GpStore *store;
  gint64 buildings, routes;
  g_autoptr(JsonObject) grid = NULL;

  if (!parse_options ("demo", "", _("Create the demo grid."), entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc > 1)
    return usage_error ("demo", _("demo takes no arguments"));
  if (households < GP_DEMO_MIN_HOUSEHOLDS || households > GP_DEMO_MAX_HOUSEHOLDS)
    return usage_error ("demo", _("--households must be from 300 to 500"));
  if (seed < 0)
    return usage_error ("demo", _("--seed must not be negative"));

  store = ctl_store (ctl, &error);
  if (store == NULL || !gp_demo_install (store, households, (guint64) seed, &error))
    return fail (error);

  grid = gp_store_get (store, GP_DEMO_GRID_ID, GP_STORE_GET_NONE, &error);
  if (grid == NULL)
    return fail (error);
  buildings = gp_store_count (store, "building", GP_DEMO_GRID_CODE, NULL);
  routes = gp_store_count (store, "route", GP_DEMO_GRID_CODE, NULL);

  g_print (_("Demo grid %s (%s) in %s: %d buildings, %d households, %d routes\n"),
           gp_json_get_string (grid, "name"), GP_DEMO_GRID_CODE, ctl->data_dir,
           (int) buildings, households, (int) routes);
  return GP_CTL_OK;
}

/* import-grid, export-grid */

static int
cmd_import_grid (GpCtl  *ctl,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  GpPackageStats stats;
  GpStore *store;

  if (!parse_options ("import-grid", "FILE",
                      _("Import a grid package (a GeoJSON FeatureCollection)."),
                      NULL, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 2)
    return usage_error ("import-grid", _("import-grid needs one FILE"));

  file = g_file_new_for_commandline_arg (argv[1]);
  store = ctl_store (ctl, &error);
  if (store == NULL || !gp_package_import_file (store, file, &stats, &error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_prefix_error (&error, "%s: ", name);
      return fail (error);
    }

  g_print (_("Imported %s: %u created, %u updated, %u unchanged\n"),
           argv[1], stats.created, stats.updated, stats.unchanged);
  return GP_CTL_OK;
}

static int
cmd_export_grid (GpCtl  *ctl,
                 int     argc,
                 char  **argv)
{
  g_autofree char *grid = NULL;
  GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid,
      N_("The grid to export, when the store holds several"), "CODE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  GpStore *store;

  if (!parse_options ("export-grid", "FILE",
                      _("Export a grid as a grid package (GeoJSON); FILE “-” is standard output."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 2)
    return usage_error ("export-grid", _("export-grid needs one FILE"));

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  data = gp_package_export_data (store, grid, &length, &error);
  if (data == NULL)
    return fail (error);

  if (g_str_equal (argv[1], "-"))
    {
      fwrite (data, 1, length, stdout);
      fputc ('\n', stdout);
    }
  else if (!g_file_set_contents (argv[1], data, length, &error))
    return fail (error);

  return GP_CTL_OK;
}

/* basemap */

/* The grid a command means: the one given, or the only one there is. */
static char *
choose_grid (GpStore     *store,
             const char  *given,
             GError     **error)
{
  g_autoptr(GPtrArray) grids = NULL;

  if (given != NULL)
    return g_strdup (given);

  grids = gp_store_list (store, "grid", NULL, error);
  if (grids == NULL)
    return NULL;
  if (grids->len != 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           grids->len == 0 ? _("there is no grid in the store")
                                           : _("the store holds several grids; choose one with --grid"));
      return NULL;
    }
  return g_strdup (gp_json_get_string (g_ptr_array_index (grids, 0), "code"));
}

static int
cmd_basemap (GpCtl  *ctl,
             int     argc,
             char  **argv)
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
  g_autoptr(GError) error = NULL;
  GpBasemapStats stats;
  GpStore *store;

  if (!parse_options ("basemap", "--out FILE",
                      _("Draw a grid's basemap into an MBTiles file; a file drawn before is "
                        "brought up to date, drawing only the tiles that changed."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc > 1)
    return usage_error ("basemap", _("basemap takes no arguments but its options"));
  if (out == NULL)
    return usage_error ("basemap", _("basemap needs --out FILE"));
  if (min_zoom < 0 || max_zoom > 22 || min_zoom > max_zoom)
    return usage_error ("basemap", _("the zoom levels must be from 0 to 22, --min-zoom not above --max-zoom"));

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  code = choose_grid (store, grid, &error);
  if (code == NULL ||
      !gp_basemap_render (store, code, out, min_zoom, max_zoom, NULL, NULL, NULL, &stats, &error))
    return fail (error);

  g_print (_("Basemap of grid %s, zoom %d–%d: %u tiles (%u drawn, %u unchanged, %u removed), "
             "%.1f MB in %.1f s: %s\n"),
           code, min_zoom, max_zoom, stats.total, stats.rendered, stats.unchanged, stats.removed,
           stats.bytes / 1e6, stats.seconds, out);
  return GP_CTL_OK;
}

/* list, show */

static const struct
{
  const char *plural;
  const char *type;
} list_types[] = {
  { "grids", "grid" },
  { "policies", "policy" },
  { "buildings", "building" },
  { "households", "household" },
  { "lanes", "lane" },
  { "components", "component" },
  { "routes", "route" },
  { "patrols", "patrol" },
  { "incidents", "incident" },
  { "events", "event" },
  { "visits", "visit" },
};

static const char *
type_from_argument (const char *argument)
{
  for (guint i = 0; i < G_N_ELEMENTS (list_types); i++)
    if (g_str_equal (argument, list_types[i].plural) || g_str_equal (argument, list_types[i].type))
      return list_types[i].type;
  return NULL;
}

static char *
join_tag_labels (JsonArray *tags)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, gp_household_tag_label (json_array_get_string_element (tags, i)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* One line about a document, for people; no personal details. */
static char *
describe (JsonObject *doc,
          GHashTable *building_names)
{
  const char *type = gp_json_get_string (doc, "type");
  gint64 n = 0, m = 0;

  if (g_strcmp0 (type, "grid") == 0)
    {
      gp_json_get_int (doc, "households", &n);
      return g_strdup_printf (_("%s — %s %s %s, %d households"),
                              gp_json_get_string (doc, "name"),
                              gp_json_get_string (doc, "district") ?: "",
                              gp_json_get_string (doc, "street") ?: "",
                              gp_json_get_string (doc, "community") ?: "", (int) n);
    }
  if (g_strcmp0 (type, "policy") == 0)
    return g_strdup (gp_json_get_string (doc, "title"));
  if (g_strcmp0 (type, "building") == 0)
    {
      JsonArray *units = gp_json_get_array (doc, "units");

      gp_json_get_int (doc, "floors", &n);
      return g_strdup_printf (_("%s, %d floors, %u units"),
                              gp_json_get_string (doc, "name"), (int) n,
                              units ? json_array_get_length (units) : 0);
    }
  if (g_strcmp0 (type, "household") == 0)
    {
      const char *building = gp_json_get_string (doc, "building");
      const char *name = building_names ? g_hash_table_lookup (building_names, building) : NULL;
      g_autofree char *tags = join_tag_labels (gp_json_get_array (doc, "tags"));

      g_autofree char *people = NULL;
      g_autofree char *place = NULL;

      gp_json_get_int (doc, "unit", &n);
      gp_json_get_int (doc, "people", &m);
      /* Translators: building, unit and room, as in “3号楼2单元602室” */
      place = g_strdup_printf (_("%s, unit %d, room %s"),
                               name ? name : building, (int) n, gp_json_get_string (doc, "room"));
      people = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d person", "%d people", m), (int) m);
      if (*tags == '\0')
        return g_strdup_printf ("%s · %s", place, people);
      return g_strdup_printf ("%s · %s · %s", place, people, tags);
    }
  if (g_strcmp0 (type, "component") == 0)
    return g_strdup_printf ("%s (%s)", gp_json_get_string (doc, "name") ?: "",
                            gp_component_kind_label (gp_json_get_string (doc, "kind")));
  if (g_strcmp0 (type, "route") == 0)
    {
      JsonArray *checkpoints = gp_json_get_array (doc, "checkpoints");

      return g_strdup_printf (_("%s, %u checkpoints"), gp_json_get_string (doc, "name"),
                              checkpoints ? json_array_get_length (checkpoints) : 0);
    }
  if (g_strcmp0 (type, "patrol") == 0)
    return g_strdup_printf ("%s %s %s", gp_json_get_string (doc, "started_at") ?: "",
                            gp_json_get_string (doc, "worker") ?: "",
                            gp_json_get_string (doc, "status") ?: "");
  if (g_strcmp0 (type, "incident") == 0)
    return g_strdup_printf ("%s %s %s", gp_json_get_string (doc, "reported_at") ?: "",
                            gp_json_get_string (doc, "category") ?: "",
                            gp_json_get_string (doc, "description") ?: "");
  if (g_strcmp0 (type, "event") == 0)
    return g_strdup_printf ("%s %s %s (%s)", gp_json_get_string (doc, "at") ?: "",
                            gp_json_get_string (doc, "action") ?: "",
                            gp_json_get_string (doc, "actor") ?: "",
                            gp_json_get_string (doc, "role") ?: "");
  if (g_strcmp0 (type, "visit") == 0)
    return g_strdup_printf ("%s %s %s", gp_json_get_string (doc, "at") ?: "",
                            gp_json_get_string (doc, "household") ?: "",
                            gp_json_get_string (doc, "worker") ?: "");

  return g_strdup (gp_json_get_string (doc, "name") ?: "");
}

static void
print_json_node (JsonNode *node)
{
  g_autofree char *text = gp_json_node_to_string (node, TRUE);

  g_print ("%s\n", text);
}

static int
cmd_list (GpCtl  *ctl,
          int     argc,
          char  **argv)
{
  gboolean json = FALSE;
  gboolean personal = FALSE;
  g_autofree char *grid = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON array of the documents"), NULL },
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid,
      N_("Only documents of this grid"), "CODE" },
    { "show-personal", 0, 0, G_OPTION_ARG_NONE, &personal,
      N_("Show residents' names and phone numbers unmasked"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GHashTable) building_names = NULL;
  g_autoptr(GPtrArray) buildings = NULL;
  const char *type;
  GpStore *store;

  if (!parse_options ("list", "TYPE",
                      _("List documents. TYPE is one of grids, policies, buildings, households, "
                        "lanes, components, routes, patrols, incidents, events, visits."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 2)
    return usage_error ("list", _("list needs one TYPE"));
  type = type_from_argument (argv[1]);
  if (type == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a type of document"), argv[1]);

      return usage_error ("list", message);
    }

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  docs = gp_store_list (store, type, grid, &error);
  if (docs == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_sized_new (docs->len);
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < docs->len; i++)
        {
          JsonObject *doc = g_ptr_array_index (docs, i);

          if (personal)
            json_array_add_object_element (array, json_object_ref (doc));
          else
            json_array_add_object_element (array, gp_privacy_mask_document (doc));
        }
      root = json_node_init_array (json_node_alloc (), array);
      print_json_node (root);
      return GP_CTL_OK;
    }

  if (g_str_equal (type, "household"))
    {
      building_names = g_hash_table_new (g_str_hash, g_str_equal);
      buildings = gp_store_list (store, "building", grid, &error);
      if (buildings == NULL)
        return fail (error);
      for (guint i = 0; i < buildings->len; i++)
        g_hash_table_insert (building_names,
                             (gpointer) gp_json_get_string (g_ptr_array_index (buildings, i), "_id"),
                             (gpointer) gp_json_get_string (g_ptr_array_index (buildings, i), "name"));
    }

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = g_ptr_array_index (docs, i);
      g_autofree char *summary = describe (doc, building_names);

      g_print ("%s\t%s\n", gp_json_get_string (doc, "_id"), summary ? summary : "");
    }
  return GP_CTL_OK;
}

static int
cmd_show (GpCtl  *ctl,
          int     argc,
          char  **argv)
{
  gboolean json = FALSE;
  gboolean personal = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the document as JSON"), NULL },
    { "show-personal", 0, 0, G_OPTION_ARG_NONE, &personal,
      N_("Show residents' names and phone numbers unmasked"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) shown = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  GpStore *store;

  if (!parse_options ("show", "ID", _("Show one document."), entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 2)
    return usage_error ("show", _("show needs one document ID"));

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  doc = gp_store_get (store, argv[1], GP_STORE_GET_CONFLICTS, &error);
  if (doc == NULL)
    return fail (error);
  shown = personal ? json_object_ref (doc) : gp_privacy_mask_document (doc);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), shown);

      print_json_node (root);
      return GP_CTL_OK;
    }

  json_object_iter_init_ordered (&iter, shown);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      if (gp_json_node_is_string (value))
        g_print ("%s: %s\n", member, json_node_get_string (value));
      else
        {
          g_autofree char *text = gp_json_node_to_string (value, FALSE);

          g_print ("%s: %s\n", member, text);
        }
    }
  return GP_CTL_OK;
}

static const Command commands[] = {
  { "demo", "[--households N] [--seed S]", N_("Create the demo grid"), cmd_demo },
  { "import-grid", "FILE", N_("Import a grid package (GeoJSON)"), cmd_import_grid },
  { "export-grid", "FILE [--grid CODE]", N_("Export a grid package (GeoJSON)"), cmd_export_grid },
  { "list", "TYPE [--json] [--grid CODE]", N_("List documents of a type"), cmd_list },
  { "show", "ID [--json]", N_("Show one document"), cmd_show },
  { "basemap", "--out FILE [--min-zoom Z] [--max-zoom Z]", N_("Draw a grid's basemap (MBTiles)"),
    cmd_basemap },
};

static void
print_help (void)
{
  g_autofree char *data_dir = gp_store_dup_default_dir ();

  g_print (_("Usage: gridpatrolctl [--data-dir DIR] COMMAND [OPTIONS…]\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s %s", commands[i].name, commands[i].synopsis);

      g_print ("  %-44s %s\n", line, _(commands[i].summary));
    }
  g_print (_("\nEvery command takes --data-dir DIR (default: %s).\n"), data_dir);
  g_print (_("Exit status: 0 success, 1 failure, 2 wrong usage.\n"));
}

int
gp_ctl_main (int    argc,
             char **argv)
{
  GpCtl ctl = { 0 };
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  const Command *command = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --data-dir may come before or after the command name. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--data-dir"))
        {
          if (i + 1 >= argc)
            return usage_error (NULL, _("--data-dir needs a folder"));
          g_free (ctl.data_dir);
          ctl.data_dir = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (argv[i], "--data-dir="))
        {
          g_free (ctl.data_dir);
          ctl.data_dir = g_strdup (argv[i] + strlen ("--data-dir="));
        }
      else
        g_ptr_array_add (rest, argv[i]);
    }
  if (ctl.data_dir == NULL)
    ctl.data_dir = gp_store_dup_default_dir ();

  if (rest->len == 0)
    {
      g_free (ctl.data_dir);
      print_help ();
      return GP_CTL_USAGE;
    }
  if (g_str_equal (g_ptr_array_index (rest, 0), "--help") ||
      g_str_equal (g_ptr_array_index (rest, 0), "-h") ||
      g_str_equal (g_ptr_array_index (rest, 0), "help"))
    {
      g_free (ctl.data_dir);
      print_help ();
      return GP_CTL_OK;
    }
  if (g_str_equal (g_ptr_array_index (rest, 0), "--version"))
    {
      g_free (ctl.data_dir);
      g_print ("gridpatrolctl %s\n", PACKAGE_VERSION);
      return GP_CTL_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, g_ptr_array_index (rest, 0)))
      command = &commands[i];
  if (command == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a command"), (char *) g_ptr_array_index (rest, 0));

      g_free (ctl.data_dir);
      return usage_error (NULL, message);
    }

  {
    g_autofree char *program = g_strdup_printf ("gridpatrolctl %s", command->name);
    int sub_argc = rest->len;
    g_autofree char **sub_argv = g_new0 (char *, rest->len + 1);

    sub_argv[0] = program;
    for (guint i = 1; i < rest->len; i++)
      sub_argv[i] = g_ptr_array_index (rest, i);
    status = command->run (&ctl, sub_argc, sub_argv);
  }

  g_clear_object (&ctl.store);
  g_free (ctl.data_dir);
  return status;
}
