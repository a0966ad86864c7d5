/* gp-ctl.c — gridpatrolctl.
 *
 * Every command takes --data-dir DIR and --now TIME (before or after the
 * command name).
 * Exit status 0 on success, 1 with a one-line message on stderr when the
 * command failed, 2 when it was called wrongly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl.h"
#include "gp-basemap.h"
#include "gp-categories.h"
#include "gp-centre.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-package.h"
#include "gp-patrol-recorder.h"
#include "gp-privacy.h"
#include "gp-replicator.h"
#include "gp-stats.h"
#include "gp-summary.h"
#include "gp-store.h"
#include "gp-track-reader.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <math.h>
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
  g_autofree char *parameter = g_strdup (synopsis);

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
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[1]);

      /* As if no file were there: readable by the user only. */
      if (!g_file_replace_contents (file, data, length, NULL, FALSE,
                                    G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        return fail (error);
    }
  /* Household data is personal information, whoever holds the file. */
  g_printerr (_("The package holds residents’ names and phone numbers in full. Keep it where only those "
                "who need it can read it%s.\n"),
              g_str_equal (argv[1], "-") ? "" : _(" (the file is readable by you only)"));

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

/* An incident's computed case, merged into what is shown of it: state,
 * level, deadline, warning, the timeline. Members the document has keep
 * its values; the case's own category and urgency, when registration
 * changed them, come as "current_category" and "current_urgency". */
static gboolean
add_case (GpStore     *store,
          JsonObject  *shown,
          GError     **error)
{
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GpPolicy) policy = NULL;
  g_autoptr(JsonObject) computed = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  now = gp_casework_load_case (store, gp_json_get_string (shown, "_id"), gp_clock_get_now (),
                                NULL, &policy, error);
  if (now == NULL)
    return FALSE;
  computed = gp_case_to_json (now, policy);
  json_object_iter_init_ordered (&iter, computed);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      if (!json_object_has_member (shown, member))
        json_object_set_member (shown, member, json_node_copy (value));
      else if (!json_node_equal (json_object_get_member (shown, member), value))
        {
          g_autofree char *current = g_strconcat ("current_", member, NULL);

          json_object_set_member (shown, current, json_node_copy (value));
        }
    }
  return TRUE;
}

/* A patrol's checkpoints, reached (with times) and missed, by its route. */
static void
add_patrol_checkpoints (GpStore    *store,
                        JsonObject *shown)
{
  JsonArray *reached = gp_json_get_array (shown, "checkpoints");
  const char *route_id = gp_json_get_string (shown, "route");
  g_autoptr(GpDocument) route = route_id ? gp_documents_load (store, route_id, NULL) : NULL;
  JsonArray *missed = json_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; reached != NULL && i < json_array_get_length (reached); i++)
    g_hash_table_add (seen, (gpointer) gp_json_get_string (json_array_get_object_element (reached, i), "id"));
  for (guint i = 0; route != NULL && GP_IS_ROUTE (route) && i < gp_route_get_n_checkpoints (GP_ROUTE (route)); i++)
    {
      GpCheckpoint checkpoint;

      if (gp_route_get_checkpoint (GP_ROUTE (route), i, &checkpoint) && !g_hash_table_contains (seen, checkpoint.id))
        json_array_add_string_element (missed, checkpoint.id);
    }
  json_object_set_member (shown, "checkpoints_reached",
                          reached ? json_node_copy (json_object_get_member (shown, "checkpoints"))
                                  : json_node_init_array (json_node_alloc (), json_array_new ()));
  json_object_set_array_member (shown, "checkpoints_missed", missed);
}

static int
cmd_list (GpCtl  *ctl,
          int     argc,
          char  **argv)
{
  gboolean json = FALSE;
  gboolean personal = FALSE;
  int not_visited_days = -1;
  g_autofree char *grid = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON array of the documents"), NULL },
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid,
      N_("Only documents of this grid"), "CODE" },
    { "show-personal", 0, 0, G_OPTION_ARG_NONE, &personal,
      N_("Show residents' names and phone numbers unmasked"), NULL },
    { "not-visited-days", 0, 0, G_OPTION_ARG_INT, &not_visited_days,
      N_("Households only: those not visited in the last N days"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GHashTable) last_visits = NULL;
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

  /* Coverage: households not visited in N days, with their last visit. */
  if (not_visited_days >= 0 && !g_str_equal (type, "household"))
    return usage_error ("list", _("--not-visited-days is for households"));
  if (g_str_equal (type, "household"))
    {
      g_autoptr(GPtrArray) visits = gp_documents_load_all (store, "visit", grid, &error);
      gint64 since = gp_visit_due_before (not_visited_days, gp_clock_get_now ());

      if (visits == NULL)
        return fail (error);
      last_visits = gp_visit_last_times (visits);
      if (not_visited_days >= 0)
        {
          GPtrArray *kept = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

          for (guint i = 0; i < docs->len; i++)
            {
              JsonObject *doc = g_ptr_array_index (docs, i);
              gint64 *last = g_hash_table_lookup (last_visits, gp_json_get_string (doc, "_id"));

              if (last == NULL || *last < since)
                g_ptr_array_add (kept, json_object_ref (doc));
            }
          g_ptr_array_unref (docs);
          docs = kept;
        }
    }

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_sized_new (docs->len);
      g_autoptr(JsonNode) root = NULL;

      for (guint i = 0; i < docs->len; i++)
        {
          JsonObject *doc = g_ptr_array_index (docs, i);
          JsonObject *shown = personal ? json_object_ref (doc) : gp_privacy_mask_document (doc);

          if (g_str_equal (type, "incident") && !add_case (store, shown, &error))
            {
              json_object_unref (shown);
              return fail (error);
            }
          if (last_visits != NULL)
            {
              gint64 *last = g_hash_table_lookup (last_visits, gp_json_get_string (doc, "_id"));

              if (last != NULL)
                {
                  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (*last);
                  g_autofree char *iso = g_date_time_format_iso8601 (at);

                  json_object_set_string_member (shown, "last_visit", iso);
                }
              else
                json_object_set_null_member (shown, "last_visit");
            }
          json_array_add_object_element (array, shown);
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

      if (g_str_equal (type, "incident"))
        {
          g_autoptr(GpCase) now = gp_casework_load_case (store, gp_json_get_string (doc, "_id"),
                                                          gp_clock_get_now (), NULL, NULL, &error);

          if (now == NULL)
            return fail (error);
          g_print ("%s\t%s\t%s\t%s\n", gp_json_get_string (doc, "_id"), gp_state_label (now->state),
                   gp_warning_to_string (now->warning), summary ? summary : "");
          continue;
        }
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
  if (g_strcmp0 (gp_json_get_string (doc, "type"), "incident") == 0 && !add_case (store, shown, &error))
    return fail (error);
  if (g_strcmp0 (gp_json_get_string (doc, "type"), "patrol") == 0)
    add_patrol_checkpoints (store, shown);

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

/* report, act */

static gboolean
parse_time (const char  *text,
            GDateTime  **time,
            GError     **error)
{
  g_autoptr(GTimeZone) china = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);

  if (text == NULL)
    {
      *time = gp_clock_new_now_utc ();
      return TRUE;
    }
  /* A time without a zone is the grid's, China's. */
  *time = g_date_time_new_from_iso8601 (text, china);
  if (*time == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a time such as 2026-11-22T09:30:00+08:00"), text);
      return FALSE;
    }
  return TRUE;
}

/* Reads and processes photos; the first failure names its file. */
static GPtrArray *
process_photos (char   **files,
                GError **error)
{
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_photo_free);

  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      GpPhoto *photo = gp_photo_process_file (files[i], NULL, &local_error);

      if (photo == NULL)
        {
          g_set_error (error, local_error->domain, local_error->code, _("photo %s: %s"), files[i],
                       local_error->message);
          return NULL;
        }
      g_ptr_array_add (photos, photo);
    }
  return g_steal_pointer (&photos);
}

static int
cmd_report (GpCtl  *ctl,
            int     argc,
            char  **argv)
{
  g_autofree char *category_code = NULL;
  g_autofree char *building_id = NULL;
  g_autofree char *household_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *grade = NULL;
  g_autofree char *urgency = NULL;
  g_autofree char *source = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *grid_code = NULL;
  g_auto(GStrv) photo_files = NULL;
  double lat = G_MAXDOUBLE, lon = G_MAXDOUBLE, accuracy = 0;
  GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category_code, N_("The category code, e.g. 06010"), "CODE" },
    { "lat", 0, 0, G_OPTION_ARG_DOUBLE, &lat, N_("Latitude of the place (WGS-84)"), "LAT" },
    { "lon", 0, 0, G_OPTION_ARG_DOUBLE, &lon, N_("Longitude of the place (WGS-84)"), "LON" },
    { "accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &accuracy, N_("How accurate the position is, in metres"), "M" },
    { "building", 0, 0, G_OPTION_ARG_STRING, &building_id, N_("The building it is in or at"), "ID" },
    { "household", 0, 0, G_OPTION_ARG_STRING, &household_id, N_("The household it concerns"), "ID" },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("What was found"), "T" },
    { "grade", 0, 0, G_OPTION_ARG_STRING, &grade, N_("The level (default: from the category)"), "G" },
    { "urgency", 0, 0, G_OPTION_ARG_STRING, &urgency, N_("The urgency, where the scheme has urgencies"), "U" },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source,
      N_("patrol, resident, hotline_12345, centre, wechat, representatives or other (default patrol)"), "S" },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &photo_files, N_("A photo (JPEG or PNG); again for more"), "FILE" },
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid_code, N_("The grid, when the store holds several"), "CODE" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Who reports it (default: your user name)"), "USER" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When it was found (default: now)"), "ISO8601" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GpPolicy) policy = NULL;
  g_autoptr(GpCategories) categories = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpDocument) building = NULL;
  g_autoptr(JsonObject) point = NULL;
  const GpCategory *category;
  gboolean has_position = FALSE;
  GpGeoPoint where = { 0, 0 };
  GpStore *store;

  if (!parse_options ("report", "--category CODE (--lat LAT --lon LON | --building ID) [OPTIONS…]",
                      _("Report an incident; prints its id."), entries, &argc, &argv))
    return GP_CTL_USAGE;
  has_position = lat != G_MAXDOUBLE || lon != G_MAXDOUBLE;
  if (argc > 1)
    return usage_error ("report", _("report takes no arguments but its options"));
  if (category_code == NULL)
    return usage_error ("report", _("report needs --category CODE"));
  if (has_position && (lat == G_MAXDOUBLE || lon == G_MAXDOUBLE))
    return usage_error ("report", _("--lat and --lon go together"));
  if (has_position && (lat < -90 || lat > 90 || lon < -180 || lon > 180))
    return usage_error ("report", _("--lat must be from -90 to 90 and --lon from -180 to 180"));
  if (source != NULL && !g_strv_contains (gp_incident_get_sources (), source))
    return usage_error ("report", _("--source must be patrol, resident, hotline_12345, centre, wechat, "
                                    "representatives or other"));
  if (!parse_time (at_text, &at, &error))
    return usage_error ("report", error->message);

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  categories = gp_categories_load (store);
  category = gp_categories_lookup (categories, category_code);
  if (category == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a category code (see the category list, e.g. 06010 暴露垃圾)"), category_code);
      return fail (error);
    }

  /* Photos first: a bad one stops the report before anything is stored. */
  photos = process_photos (photo_files, &error);
  if (photos == NULL)
    return fail (error);

  if (building_id != NULL)
    {
      building = gp_documents_load (store, building_id, &error);
      if (building == NULL)
        return fail (error);
      if (!GP_IS_BUILDING (building))
        {
          g_set_error (&error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not a building"), building_id);
          return fail (error);
        }
      if (grid_code == NULL)
        grid_code = g_strdup (gp_building_get_grid (GP_BUILDING (building)));
    }
  if (has_position)
    {
      where.lat = lat;
      where.lon = lon;
    }
  else if (building != NULL)
    gp_geo_geometry_get_center (gp_document_get_geometry (building), &where);
  else
    {
      for (guint i = 0; i < photos->len && !has_position; i++)
        {
          GpPhoto *photo = g_ptr_array_index (photos, i);

          if (photo->has_position)
            {
              where.lat = photo->latitude;
              where.lon = photo->longitude;
              has_position = TRUE;
            }
        }
      if (!has_position)
        return usage_error ("report", _("report needs a place: --lat and --lon, --building, or a photo with GPS"));
    }

  if (grid_code == NULL)
    {
      g_autoptr(GPtrArray) grids = gp_store_list (store, "grid", NULL, &error);

      if (grids == NULL)
        return fail (error);
      if (grids->len != 1)
        return usage_error ("report", _("the store holds several grids: say which with --grid CODE"));
      grid_code = g_strdup (gp_json_get_string (g_ptr_array_index (grids, 0), "code"));
    }
  policy = gp_casework_load_policy (store, grid_code, &error);
  if (policy == NULL)
    return fail (error);
  if (grade == NULL)
    {
      g_autofree char *default_urgency = NULL;

      gp_casework_defaults (policy, category, &grade, &default_urgency);
      if (urgency == NULL)
        urgency = g_steal_pointer (&default_urgency);
    }
  if (gp_policy_get_level (policy, grade) == NULL)
    {
      g_autofree char *levels = NULL;
      g_auto(GStrv) codes = gp_policy_dup_level_codes (policy);

      levels = g_strjoinv (", ", codes);
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a level of the grading scheme (%s)"), grade, levels);
      return fail (error);
    }

  incident = gp_incident_new ();
  g_object_set (incident, "grid", grid_code, "source", source ? source : GP_SOURCE_PATROL,
                "category", category->code, "grade", grade, "urgency", urgency,
                "description", text, "building", building_id, "household", household_id,
                "reporter", actor ? actor : g_get_user_name (), "reported-at", at, NULL);
  if (accuracy > 0)
    g_object_set (incident, "accuracy-m", accuracy, NULL);
  point = gp_geo_point_new (where);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  for (guint i = 0; i < photos->len; i++)
    gp_casework_add_photo (GP_DOCUMENT (incident), g_ptr_array_index (photos, i));

  if (!gp_casework_report (store, incident, &error))
    return fail (error);
  g_print ("%s\n", gp_document_get_id (GP_DOCUMENT (incident)));
  return GP_CTL_OK;
}

/* The level after the case's in the escalation order. */
static char *
next_level (GpPolicy   *policy,
            const char *level)
{
  JsonArray *order = gp_document_get_array_member (GP_DOCUMENT (policy), "escalation");

  for (guint i = 0; order != NULL && i + 1 < json_array_get_length (order); i++)
    if (g_strcmp0 (json_array_get_string_element (order, i), level) == 0)
      return g_strdup (json_array_get_string_element (order, i + 1));
  return NULL;
}

static int
cmd_act (GpCtl  *ctl,
         int     argc,
         char  **argv)
{
  g_autofree char *note = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *target = NULL;
  g_autofree char *level = NULL;
  g_autofree char *result = NULL;
  g_autofree char *satisfaction = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *grade = NULL;
  g_autofree char *urgency = NULL;
  g_autofree char *category = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *role = NULL;
  g_autofree char *at_text = NULL;
  g_auto(GStrv) photo_files = NULL;
  double lat = G_MAXDOUBLE, lon = G_MAXDOUBLE;
  GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What was done or seen"), "T" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why (void, suspend; default: the note)"), "T" },
    { "target", 0, 0, G_OPTION_ARG_STRING, &target, N_("Who it goes to (dispatch, transfer)"), "WHO" },
    { "level", 0, 0, G_OPTION_ARG_STRING, &level, N_("The new level (escalate; default: the next)"), "G" },
    { "result", 0, 0, G_OPTION_ARG_STRING, &result, N_("pass or fail (verify; default pass)"), "R" },
    { "satisfaction", 0, 0, G_OPTION_ARG_STRING, &satisfaction,
      N_("satisfied, basically_satisfied or unsatisfied (callback; default satisfied)"), "S" },
    { "resolved", 0, 0, G_OPTION_ARG_STRING, &resolved,
      N_("yes or no: does the resident call the problem solved (callback)"), "YES|NO" },
    { "grade", 0, 0, G_OPTION_ARG_STRING, &grade, N_("The level it is registered at (register)"), "G" },
    { "urgency", 0, 0, G_OPTION_ARG_STRING, &urgency, N_("The urgency it is registered at (register)"), "U" },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("The category it is registered under (register)"),
      "CODE" },
    { "photo", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &photo_files, N_("A photo (JPEG or PNG); again for more"), "FILE" },
    { "lat", 0, 0, G_OPTION_ARG_DOUBLE, &lat, N_("Where the step was taken: latitude"), "LAT" },
    { "lon", 0, 0, G_OPTION_ARG_DOUBLE, &lon, N_("Where the step was taken: longitude"), "LON" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Who takes the step (default: your user name)"), "USER" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("worker, leader or centre (default worker)"), "ROLE" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When (default: now)"), "ISO8601" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpEvent) event = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GpPolicy) policy = NULL;
  g_autoptr(GpCase) now = NULL;
  g_autofree char *event_id = NULL;
  const char *incident_id, *action;
  GpStore *store;
  const char * const roles[] = { GP_ROLE_WORKER, GP_ROLE_LEADER, GP_ROLE_CENTRE, NULL };

  if (!parse_options ("act", "INCIDENT ACTION [OPTIONS…]",
                      _("Take a workflow step on an incident. ACTION is one of register, void, self_handle, "
                        "dispatch, accept, start, suspend, resume, escalate, transfer, handled, verify, "
                        "callback, close, reopen, comment."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 3)
    return usage_error ("act", _("act needs an INCIDENT and an ACTION"));
  incident_id = argv[1];
  action = argv[2];
  if (!g_strv_contains (gp_event_get_actions (), action))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a workflow step"), action);

      return usage_error ("act", message);
    }
  if (role != NULL && !g_strv_contains (roles, role))
    return usage_error ("act", _("--role must be worker, leader or centre"));
  if (!parse_time (at_text, &at, &error))
    return usage_error ("act", error->message);
  if (resolved != NULL && !g_str_equal (resolved, "yes") && !g_str_equal (resolved, "no"))
    return usage_error ("act", _("--resolved must be yes or no"));

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  photos = process_photos (photo_files, &error);
  if (photos == NULL)
    return fail (error);

  now = gp_casework_load_case (store, incident_id, g_date_time_to_unix (at), &incident, &policy, &error);
  if (now == NULL)
    return fail (error);

  /* What a step needs, when not given: the usual choice. */
  if (g_str_equal (action, GP_ACTION_ESCALATE) && level == NULL)
    level = next_level (policy, now->level);
  if (g_str_equal (action, GP_ACTION_VERIFY) && result == NULL)
    result = g_strdup (GP_VERIFY_PASS);
  if (g_str_equal (action, GP_ACTION_CALLBACK) && satisfaction == NULL)
    satisfaction = g_strdup (GP_SATISFIED);
  if ((g_str_equal (action, GP_ACTION_VOID) || g_str_equal (action, GP_ACTION_SUSPEND)) && reason == NULL)
    reason = g_strdup (note);

  event = gp_event_new (incident_id);
  g_object_set (event, "grid", gp_incident_get_grid (incident), "action", action,
                "actor", actor ? actor : g_get_user_name (), "role", role ? role : GP_ROLE_WORKER, "at", at,
                "note", note, "reason", reason, "target", target, "level", level, "result", result,
                "satisfaction", satisfaction, "grade", grade, "urgency", urgency, "category", category, NULL);
  if (resolved != NULL)
    {
      g_autoptr(JsonNode) answer = json_node_init_boolean (json_node_alloc (), g_str_equal (resolved, "yes"));

      gp_document_set_member (GP_DOCUMENT (event), "resolved", answer);
    }
  if (lat != G_MAXDOUBLE && lon != G_MAXDOUBLE)
    {
      GpGeoPoint where = { lon, lat };
      g_autoptr(JsonObject) point = gp_geo_point_new (where);

      gp_document_set_geometry (GP_DOCUMENT (event), point);
    }
  for (guint i = 0; i < photos->len; i++)
    gp_casework_add_photo (GP_DOCUMENT (event), g_ptr_array_index (photos, i));

  if (!gp_document_validate (GP_DOCUMENT (event), &error) || !gp_casework_act (store, event, &event_id, &error))
    return fail (error);

  {
    g_autoptr(GpCase) after = gp_casework_load_case (store, incident_id, g_date_time_to_unix (at), NULL, NULL,
                                                      &error);

    if (after == NULL)
      return fail (error);
    g_print ("%s\t%s\n", event_id, gp_state_to_string (after->state));
  }
  return GP_CTL_OK;
}

/* patrol, visit */

static int
cmd_patrol_replay (GpCtl  *ctl,
                   int     argc,
                   char  **argv,
                   const char *actor,
                   double  speed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpDocument) route = NULL;
  g_autoptr(GpTrack) track = NULL;
  g_autoptr(GpPatrolRecorder) recorder = NULL;
  guint kept = 0, dropped = 0;
  gint64 start, end;
  GpStore *store;

  if (argc != 4)
    return usage_error ("patrol", _("patrol replay needs a ROUTE-ID and a FILE"));
  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  route = gp_documents_load (store, argv[2], NULL);
  if (route == NULL || !GP_IS_ROUTE (route))
    {
      g_set_error (&error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("there is no route %s"), argv[2]);
      return fail (error);
    }
  track = gp_track_read_file (argv[3], &error);
  if (track == NULL)
    return fail (error);

  recorder = gp_patrol_recorder_new (store, gp_route_get_grid (GP_ROUTE (route)), GP_ROUTE (route),
                                     actor ? actor : g_get_user_name ());
  start = track->fixes->len ? g_array_index (track->fixes, GpFix, 0).time : gp_clock_get_real_time ();
  end = track->fixes->len ? g_array_index (track->fixes, GpFix, track->fixes->len - 1).time : start;
  if (!gp_patrol_recorder_start (recorder, start, &error))
    return fail (error);
  /* The id first, so that whoever started the replay knows the patrol. */
  g_print ("%s\n", gp_patrol_recorder_get_id (recorder));
  fflush (stdout);

  for (guint i = 0; i < track->fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (track->fixes, GpFix, i);
      GpFixVerdict verdict;

      if (speed > 0 && i > 0)
        g_usleep ((gulong) ((fix->time - g_array_index (track->fixes, GpFix, i - 1).time) / speed));
      verdict = gp_patrol_recorder_add_fix (recorder, fix);
      if (verdict == GP_FIX_KEPT || verdict == GP_FIX_USED)
        kept++;
      else
        dropped++;
    }
  if (!gp_patrol_recorder_finish (recorder, end, &error))
    return fail (error);

  g_printerr (_("%u positions used, %u dropped (inaccurate, jumps, out of order), %u items of the file skipped; "
                "%.0f m, %u of %u checkpoints\n"),
              kept, dropped, track->skipped, gp_patrol_recorder_get_distance (recorder),
              gp_patrol_recorder_get_n_reached (recorder), gp_route_get_n_checkpoints (GP_ROUTE (route)));
  return GP_CTL_OK;
}

static int
cmd_patrol (GpCtl  *ctl,
            int     argc,
            char  **argv)
{
  g_autofree char *actor = NULL;
  g_autofree char *at_text = NULL;
  double speed = 0;
  GOptionEntry entries[] = {
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Who walked it (default: your user name)"), "USER" },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed,
      N_("Play the track in its own time, this many times faster (default: as fast as it reads)"), "X" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When it is finished (finish; default: now)"), "ISO8601" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!parse_options ("patrol", "replay ROUTE-ID FILE | finish PATROL-ID",
                      _("Record a patrol from a GPX or NMEA file, or finish one left running."), entries,
                      &argc, &argv))
    return GP_CTL_USAGE;
  if (argc >= 2 && g_str_equal (argv[1], "replay"))
    return cmd_patrol_replay (ctl, argc, argv, actor, speed);
  if (argc == 3 && g_str_equal (argv[1], "finish"))
    {
      g_autoptr(GpPatrolRecorder) recorder = NULL;
      g_autoptr(GDateTime) at = NULL;
      GpStore *store = ctl_store (ctl, &error);

      if (!parse_time (at_text, &at, &error))
        return usage_error ("patrol", error->message);
      if (store == NULL || (recorder = gp_patrol_recorder_recover (store, argv[2], &error)) == NULL)
        return fail (error);
      if (!gp_patrol_recorder_finish (recorder, g_date_time_to_unix (at) * G_USEC_PER_SEC, &error))
        return fail (error);
      g_print ("%s\t%.0f m\t%u\n", argv[2], gp_patrol_recorder_get_distance (recorder),
               gp_patrol_recorder_get_n_reached (recorder));
      return GP_CTL_OK;
    }
  return usage_error ("patrol", _("patrol needs “replay ROUTE-ID FILE” or “finish PATROL-ID”"));
}

static int
cmd_visit (GpCtl  *ctl,
           int     argc,
           char  **argv)
{
  g_autofree char *note = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *at_text = NULL;
  g_auto(GStrv) tags = NULL;
  GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What was found, what they need"), "T" },
    { "tag", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tags,
      N_("What was seen, again for more: all_well, nobody_home, needs_help, safety_hazard, dispute, request, "
         "residents_changed, policy_explained"), "TAG" },
    { "as", 0, 0, G_OPTION_ARG_STRING, &actor, N_("Who visited (default: your user name)"), "USER" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When (default: now)"), "ISO8601" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpDocument) household = NULL;
  g_autoptr(GpVisit) visit = NULL;
  GpStore *store;

  if (!parse_options ("visit", "HOUSEHOLD-ID", _("Record a visit to a household (入户走访)."), entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 2)
    return usage_error ("visit", _("visit needs one HOUSEHOLD-ID"));
  if (!parse_time (at_text, &at, &error))
    return usage_error ("visit", error->message);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (!g_strv_contains (gp_visit_list_tags (), tags[i]))
      {
        g_autofree char *known = g_strjoinv (", ", (char **) gp_visit_list_tags ());
        g_autofree char *message = g_strdup_printf (_("“%s” is not a visit tag; the tags are %s"), tags[i], known);

        return usage_error ("visit", message);
      }
  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  household = gp_documents_load (store, argv[1], NULL);
  if (household == NULL || !GP_IS_HOUSEHOLD (household))
    {
      g_set_error (&error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("there is no household %s"), argv[1]);
      return fail (error);
    }
  visit = gp_visit_new ();
  g_object_set (visit, "grid", gp_household_get_grid (GP_HOUSEHOLD (household)), "household", argv[1],
                "worker", actor ? actor : g_get_user_name (), "at", at, "note", note,
                "tags", tags, NULL);
  gp_document_set_member (GP_DOCUMENT (visit), "building",
                          json_node_init_string (json_node_alloc (),
                                                 gp_household_get_building (GP_HOUSEHOLD (household))));
  if (!gp_documents_save (store, GP_DOCUMENT (visit), GP_STORE_PUT_NONE, &error))
    return fail (error);
  g_print ("%s\n", gp_document_get_id (GP_DOCUMENT (visit)));
  return GP_CTL_OK;
}

/* sync: one full sync of each grid with the centre, both ways. */
static char *
read_password_file (const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  char *end;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  end = strchr (contents, '\n');
  if (end != NULL)
    *end = '\0';
  if (*contents == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s holds no password"), path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

static void
print_direction (const char         *label,
                 GpReplicationStats *stats)
{
  g_autofree char *bytes = g_format_size (stats->attachment_bytes);

  /* Translators: "sent: 12 documents, 3 photos (750 kB)" */
  g_print (_("  %s: %u documents, %u photos (%s)\n"), label, stats->revisions_written, stats->attachments, bytes);
  for (guint i = 0; stats->refused != NULL && i < stats->refused->len; i++)
    g_print (_("    refused: %s\n"), (const char *) g_ptr_array_index (stats->refused, i));
  for (guint i = 0; stats->held != NULL && i < stats->held->len; i++)
    g_print (_("    not sent: %s\n"), (const char *) g_ptr_array_index (stats->held, i));
  for (guint i = 0; stats->skipped != NULL && i < stats->skipped->len; i++)
    g_print (_("    not received: %s\n"), (const char *) g_ptr_array_index (stats->skipped, i));
}

static int
cmd_sync (GpCtl  *ctl,
          int     argc,
          char  **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password_file = NULL;
  g_auto(GStrv) grids = NULL;
  gboolean allow_http = FALSE;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The grid centre, https://…"), "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Your user name on the grid centre"), "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("A file whose first line is your password"), "FILE" },
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &grids,
      N_("A grid to sync, again for more (default: every grid of your roles)"), "CODE" },
    { "allow-http", 0, 0, G_OPTION_ARG_NONE, &allow_http,
      N_("Allow a plain http:// server on another machine (passwords travel unprotected)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpCouch) couch = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *password = NULL;
  GpStore *store;
  gboolean failed = FALSE;

  if (!parse_options ("sync", "--server URL --user NAME --password-file FILE [--grid CODE]…",
                      _("Sync with the grid centre: send what is new here, receive what is new there."), entries,
                      &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 1 || server == NULL || user == NULL || password_file == NULL)
    return usage_error ("sync", _("sync needs --server, --user and --password-file"));
  password = read_password_file (password_file, &error);
  if (password == NULL)
    return fail (error);
  couch = gp_couch_new (server, allow_http, &error);
  if (couch == NULL)
    return fail (error);
  gp_couch_set_credentials (couch, user, password);
  if (!gp_couch_login (couch, NULL, &error))
    return fail (error);

  /* The grids: as asked, or those of the user's roles, "grid:<code>:<role>". */
  for (guint i = 0; grids != NULL && grids[i] != NULL; i++)
    g_ptr_array_add (codes, g_strdup (grids[i]));
  if (codes->len == 0)
    {
      const char * const *roles = gp_couch_get_roles (couch);

      for (guint i = 0; roles[i] != NULL; i++)
        {
          g_auto(GStrv) parts = g_strsplit (roles[i], ":", 3);

          if (g_strv_length (parts) == 3 && g_str_equal (parts[0], "grid") &&
              !g_ptr_array_find_with_equal_func (codes, parts[1], g_str_equal, NULL))
            g_ptr_array_add (codes, g_strdup (parts[1]));
        }
    }
  if (codes->len == 0)
    {
      g_set_error (&error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN,
                   _("%s has no grid on this grid centre; name one with --grid"), user);
      return fail (error);
    }

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      g_autofree char *database = gp_replication_database_name (code);
      GpReplicationStats sent = { 0 }, received = { 0 };
      g_autoptr(GTimer) timer = g_timer_new ();
      guint requests = gp_couch_get_n_requests (couch);

      g_autoptr(GError) push_error = NULL;
      g_autoptr(GError) pull_error = NULL;

      /* What cannot be sent does not keep what can be received away. */
      gp_replicate (store, couch, database, GP_REPLICATION_PUSH, &sent, NULL, &push_error);
      if (push_error == NULL || !g_error_matches (push_error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED))
        gp_replicate (store, couch, database, GP_REPLICATION_PULL, &received, NULL, &pull_error);
      if (push_error != NULL || pull_error != NULL)
        {
          if (push_error != NULL)
            g_printerr (_("gridpatrolctl: %s: sending: %s\n"), code, push_error->message);
          if (pull_error != NULL)
            g_printerr (_("gridpatrolctl: %s: receiving: %s\n"), code, pull_error->message);
          print_direction (_("sent"), &sent);
          print_direction (_("received"), &received);
          failed = TRUE;
        }
      else
        {
          g_print (_("%s: synced in %.1f s, %u requests\n"), code, g_timer_elapsed (timer, NULL),
                   gp_couch_get_n_requests (couch) - requests);
          print_direction (_("sent"), &sent);
          print_direction (_("received"), &received);
          if (received.conflicts > 0)
            g_print (_("  conflicts: %u documents have edits that disagree; a leader settles them\n"),
                     received.conflicts);
        }
      gp_replication_stats_clear (&sent);
      gp_replication_stats_clear (&received);
    }
  return failed ? GP_CTL_FAILED : GP_CTL_OK;
}

/* centre setup: the grid's database, rules and users on the centre. */

/* "NAME:PASSWORD" lines: the users' passwords, kept off the command line
 * (where anyone on the machine can read them). "-": standard input. */
static GHashTable *
read_passwords (const char  *path,
                GError     **error)
{
  g_autoptr(GHashTable) passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        return NULL;
      contents = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                            g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
    }
  else if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);
      char *colon = strchr (line, ':');

      if (*line == '\0' || *line == '#')
        continue;
      if (colon == NULL || colon == line || colon[1] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("line %u of the passwords is not NAME:PASSWORD"), i + 1);
          return NULL;
        }
      *colon = '\0';
      g_hash_table_insert (passwords, g_strdup (line), g_strdup (colon + 1));
    }
  return g_steal_pointer (&passwords);
}

static gboolean
add_users (GArray      *users,
           char       **names,
           const char  *role,
           GHashTable  *passwords,
           GError     **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      GpCentreUser user = { names[i], NULL, role };

      if (strchr (names[i], ':') != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("passwords do not go on the command line, where others can read them; "
                         "give NAME:PASSWORD lines with --passwords-file"));
          return FALSE;
        }
      user.password = passwords ? g_hash_table_lookup (passwords, names[i]) : NULL;
      if (user.password == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("the passwords file has no password for %s"), names[i]);
          return FALSE;
        }
      g_array_append_val (users, user);
    }
  return TRUE;
}

static int
cmd_centre (GpCtl  *ctl,
            int     argc,
            char  **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *admin_name = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *grid = NULL;
  g_autofree char *passwords_file = NULL;
  g_auto(GStrv) workers = NULL;
  g_auto(GStrv) leaders = NULL;
  g_auto(GStrv) centres = NULL;
  gboolean from_data_dir = FALSE;
  gboolean allow_http = FALSE;
  gboolean test_server = FALSE;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The grid centre, https://…"), "URL" },
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin_name, N_("The server’s administrator"), "NAME" },
    { "admin-password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("A file whose first line is the administrator’s password"), "FILE" },
    { "grid", 0, 0, G_OPTION_ARG_STRING, &grid, N_("The grid’s code"), "CODE" },
    { "worker", 0, 0, G_OPTION_ARG_STRING_ARRAY, &workers, N_("A grid worker’s account, again for more"),
      "NAME" },
    { "leader", 0, 0, G_OPTION_ARG_STRING_ARRAY, &leaders, N_("A grid leader’s account, again for more"),
      "NAME" },
    { "centre-user", 0, 0, G_OPTION_ARG_STRING_ARRAY, &centres, N_("A grid centre staff account, again for more"),
      "NAME" },
    { "passwords-file", 0, 0, G_OPTION_ARG_FILENAME, &passwords_file,
      N_("The accounts’ passwords, a NAME:PASSWORD line each; “-” reads them from standard input"), "FILE" },
    { "test-server", 0, 0, G_OPTION_ARG_NONE, &test_server,
      N_("The server holds test data only: set the grid up even where it cannot protect residents’ data"), NULL },
    { "from-data-dir", 0, 0, G_OPTION_ARG_NONE, &from_data_dir,
      N_("Upload the grid package (grid, policy, buildings, households, routes…) from --data-dir"), NULL },
    { "allow-http", 0, 0, G_OPTION_ARG_NONE, &allow_http,
      N_("Allow a plain http:// server on another machine (passwords travel unprotected)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GpCouch) admin = NULL;
  g_autoptr(GArray) users = g_array_new (FALSE, TRUE, sizeof (GpCentreUser));
  g_autofree char *password = NULL;
  g_autoptr(GHashTable) passwords = NULL;
  g_auto(GpCentreSetup) result = { 0 };
  GpStore *store = NULL;

  if (!parse_options ("centre", "setup --server URL --admin NAME --admin-password-file FILE --grid CODE",
                      _("Set up a grid’s database on the grid centre: its members, its write rules, its users "
                        "and, with --from-data-dir, its grid package. Again brings it up to date."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 2 || !g_str_equal (argv[1], "setup"))
    return usage_error ("centre", _("centre has one command: setup"));
  if (server == NULL || admin_name == NULL || password_file == NULL || grid == NULL)
    return usage_error ("centre", _("centre setup needs --server, --admin, --admin-password-file and --grid"));
  if (passwords_file != NULL)
    {
      passwords = read_passwords (passwords_file, &error);
      if (passwords == NULL)
        return fail (error);
    }
  if (!add_users (users, workers, "worker", passwords, &error) ||
      !add_users (users, leaders, "leader", passwords, &error) ||
      !add_users (users, centres, "centre", passwords, &error))
    return usage_error ("centre", error->message);

  password = read_password_file (password_file, &error);
  if (password == NULL)
    return fail (error);
  if (from_data_dir)
    {
      store = ctl_store (ctl, &error);
      if (store == NULL)
        return fail (error);
    }
  admin = gp_couch_new (server, allow_http, &error);
  if (admin == NULL)
    return fail (error);
  gp_couch_set_credentials (admin, admin_name, password);
  if (!gp_couch_login (admin, NULL, &error))
    return fail (error);
  if (!gp_centre_setup (admin, grid, (GpCentreUser *) users->data, users->len, store,
                        test_server ? GP_CENTRE_SETUP_TEST_SERVER : GP_CENTRE_SETUP_NONE, &result, NULL, &error))
    return fail (error);
  for (guint i = 0; i < result.holes->len; i++)
    g_printerr (_("gridpatrolctl: warning: on this test server (%s), %s\n"), result.server,
                (char *) g_ptr_array_index (result.holes, i));

  {
    g_autofree char *database = gp_replication_database_name (grid);

    g_print (result.created ? _("%s: created, with its members and rules\n")
                            : _("%s: already there; members and rules brought up to date\n"), database);
  }
  g_print (ngettext ("%u user set up\n", "%u users set up\n", result.users), result.users);
  if (from_data_dir)
    g_print (ngettext ("%u document of the grid package uploaded\n", "%u documents of the grid package uploaded\n",
                       result.documents), result.documents);
  return GP_CTL_OK;
}


/* stats, summary */

static gboolean
parse_date (const char  *text,
            GDate       *date,
            GError     **error)
{
  int year, month, day;
  char tail;

  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 ||
      !g_date_valid_dmy (day, month, year))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a date such as 2026-11-23"), text);
      return FALSE;
    }
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/* The calendar's time zone: the grid's grading scheme's, else China's. */
static int
area_utc_offset (GpStore     *store,
                 char       **grids)
{
  g_autoptr(GpPolicy) policy = gp_casework_load_policy (store, grids && grids[0] ? grids[0] : NULL, NULL);

  return policy ? gp_policy_get_utc_offset (policy) : 8 * 3600;
}

static void
today_at (gint64  now,
          int     utc_offset,
          GDate  *date)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
}

static char *
format_rate (const GpRate *rate)
{
  double value = gp_rate_value (rate);

  if (isnan (value))
    return g_strdup_printf ("–  (%g / %" G_GINT64_FORMAT ")", rate->numerator, rate->denominator);
  return g_strdup_printf ("%.1f %%  (%g / %" G_GINT64_FORMAT ")", 100 * value, rate->numerator,
                          rate->denominator);
}

static int
cmd_stats (GpCtl  *ctl,
           int     argc,
           char  **argv)
{
  g_auto(GStrv) grids = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *worker = NULL;
  g_autofree char *at_text = NULL;
  gboolean json = FALSE;
  int hot_spot_min = 0, not_visited_days = 0;
  GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &grids, N_("A grid; again for more (default: every grid)"), "CODE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("The first day (default: the 1st of this month)"), "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("The last day (default: today)"), "DATE" },
    { "worker", 0, 0, G_OPTION_ARG_STRING, &worker, N_("Only this worker’s figures"), "USER" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Read the clocks at this time (default: now)"), "ISO8601" },
    { "hot-spot-min", 0, 0, G_OPTION_ARG_INT, &hot_spot_min,
      N_("Incidents in a 50 m cell that make a hot spot (default 3)"), "N" },
    { "not-visited-days", 0, 0, G_OPTION_ARG_INT, &not_visited_days,
      N_("Count households not visited in N days (default 30)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the figures as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpStats) stats = NULL;
  GpStatsQuery query = { 0 };
  GDate first, last;
  GpStore *store;
  int offset;

  if (!parse_options ("stats", "[--grid CODE]… [--from DATE] [--to DATE] [--json]",
                      _("The area’s figures for a period: cases by state, category, source and worker, "
                        "the rates with their counts, the overdue board, the to-do and hot spots."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 1)
    return usage_error ("stats", _("stats takes no arguments besides its options"));
  if (hot_spot_min < 0 || not_visited_days < 0)
    return usage_error ("stats", _("counts cannot be negative"));
  if (!parse_time (at_text, &at, &error) ||
      (from_text != NULL && !parse_date (from_text, &first, &error)) ||
      (to_text != NULL && !parse_date (to_text, &last, &error)))
    return usage_error ("stats", error->message);

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  offset = area_utc_offset (store, grids);
  if (to_text == NULL)
    today_at (g_date_time_to_unix (at), offset, &last);
  if (from_text == NULL)
    {
      first = last;
      g_date_set_day (&first, 1);
    }
  if (g_date_compare (&first, &last) > 0)
    return usage_error ("stats", _("--from is after --to"));

  query.grids = (const char * const *) grids;
  query.worker = worker;
  query.hot_spot_min = hot_spot_min;
  query.not_visited_days = not_visited_days;
  gp_period_bounds (GP_PERIOD_DAY, &first, offset, &query.from, NULL);
  gp_period_bounds (GP_PERIOD_DAY, &last, offset, NULL, &query.to);
  stats = gp_stats_compute (store, &query, g_date_time_to_unix (at), &error);
  if (stats == NULL)
    return fail (error);

  if (json)
    {
      g_autoptr(JsonObject) object = gp_stats_to_json (stats, offset);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

      print_json_node (node);
      return GP_CTL_OK;
    }

  {
    char from_day[16], to_day[16];

    g_date_strftime (from_day, sizeof from_day, "%Y-%m-%d", &first);
    g_date_strftime (to_day, sizeof to_day, "%Y-%m-%d", &last);
    g_print (_("Period: %s to %s\n"), from_day, to_day);
  }
  g_print (_("Reported: %lld\n"), (long long) stats->reported);
  for (guint i = 0; i < GP_N_STATES; i++)
    if (stats->by_state[i] > 0)
      g_print ("  %-24s %" G_GINT64_FORMAT "\n", gp_state_label (i), stats->by_state[i]);
  for (guint i = 0; i < GP_N_RATES; i++)
    {
      g_autofree char *rate = format_rate (&stats->rates[i]);

      g_print ("%-24s %s\n", gp_rate_kind_label (i), rate);
    }
  g_print (_("Overdue or nearly: %u\n"), stats->overdue->len);
  g_print (_("To do: %u\n"), stats->todo->len);
  g_print (_("Hot spots (%u or more in 50 m): %u\n"), stats->hot_spot_min, stats->hot_spots->len);
  g_print (_("Households not visited in %u days: %lld of %lld\n"), stats->not_visited_days,
           (long long) stats->not_visited, (long long) stats->households);
  return GP_CTL_OK;
}

static int
cmd_summary (GpCtl  *ctl,
             int     argc,
             char  **argv)
{
  g_auto(GStrv) grids = NULL;
  g_autofree char *period_text = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *csv = NULL;
  GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period_text,
      N_("day (daily bulletin), week (weekly summary) or month (monthly analysis)"), "PERIOD" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_text, N_("A day of the period (default: today)"), "DATE" },
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &grids, N_("A grid; again for more (default: every grid)"), "CODE" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Read the clocks at this time (default: now)"), "ISO8601" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF file to write"), "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Also write the cases behind the figures as CSV"), "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) at = NULL;
  GpSummaryRequest request = { 0 };
  GpStore *store;

  if (!parse_options ("summary", "--period day|week|month [--date DATE] --out FILE.pdf [--csv FILE.csv]",
                      _("Write the daily bulletin, weekly summary or monthly analysis as PDF, and the cases "
                        "behind it as CSV."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 1)
    return usage_error ("summary", _("summary takes no arguments besides its options"));
  if (period_text == NULL || !gp_period_parse (period_text, &request.period))
    return usage_error ("summary", _("--period must be day, week or month"));
  if (out == NULL)
    return usage_error ("summary", _("summary needs --out FILE.pdf"));
  if (!parse_time (at_text, &at, &error) || (date_text != NULL && !parse_date (date_text, &request.date, &error)))
    return usage_error ("summary", error->message);

  store = ctl_store (ctl, &error);
  if (store == NULL)
    return fail (error);
  if (date_text == NULL)
    today_at (g_date_time_to_unix (at), area_utc_offset (store, grids), &request.date);
  request.grids = (const char * const *) grids;
  request.now = g_date_time_to_unix (at);
  if (!gp_summary_write (store, &request, out, csv, &error))
    return fail (error);
  g_print ("%s\n", out);
  if (csv != NULL)
    g_print ("%s\n", csv);
  return GP_CTL_OK;
}

/* check: the store's integrity, for support and for the crash harness. */
static int
cmd_check (GpCtl  *ctl,
           int     argc,
           char  **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  GpStore *store;

  if (!parse_options ("check", "",
                      _("Check the data folder: the database's integrity, every photo present with the bytes "
                        "its documents name, no photo left half written or named by nothing."),
                      entries, &argc, &argv))
    return GP_CTL_USAGE;
  if (argc != 1)
    return usage_error ("check", _("check takes no arguments"));
  store = ctl_store (ctl, &error);
  if (store == NULL || !gp_store_check (store, &problems, &error))
    return fail (error);
  for (guint i = 0; i < problems->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (problems, i));
  if (problems->len > 0)
    return GP_CTL_FAILED;
  g_print (_("The data folder is sound.\n"));
  return GP_CTL_OK;
}

static const Command commands[] = {
  { "demo", "[--households N] [--seed S]", N_("Create the demo grid"), cmd_demo },
  { "import-grid", "FILE", N_("Import a grid package (GeoJSON)"), cmd_import_grid },
  { "export-grid", "FILE [--grid CODE]", N_("Export a grid package (GeoJSON)"), cmd_export_grid },
  { "list", "TYPE [--json] [--grid CODE]", N_("List documents of a type"), cmd_list },
  { "show", "ID [--json]", N_("Show one document"), cmd_show },
  { "check", "", N_("Check the data folder’s integrity"), cmd_check },
  { "basemap", "--out FILE [--min-zoom Z] [--max-zoom Z]", N_("Draw a grid's basemap (MBTiles)"),
    cmd_basemap },
  { "report", "--category CODE (--lat LAT --lon LON | --building ID)", N_("Report an incident"), cmd_report },
  { "act", "INCIDENT ACTION [--note T] [--photo FILE]…", N_("Take a workflow step on an incident"), cmd_act },
  { "patrol", "replay ROUTE-ID FILE [--as USER] | finish PATROL-ID", N_("Record a patrol from a track"), cmd_patrol },
  { "visit", "HOUSEHOLD-ID [--note T] [--tag TAG]… [--as USER] [--at ISO8601]", N_("Record a household visit"),
    cmd_visit },
  { "stats", "[--grid CODE]… [--from DATE] [--to DATE] [--json]", N_("The area’s figures and rates"), cmd_stats },
  { "summary", "--period day|week|month [--date DATE] --out FILE.pdf [--csv FILE.csv]",
    N_("Write the daily, weekly or monthly summary"), cmd_summary },
  { "centre", "setup --server URL --admin NAME --admin-password-file FILE --grid CODE…",
    N_("Set up a grid on the grid centre"), cmd_centre },
  { "sync", "--server URL --user NAME --password-file FILE [--grid CODE]…", N_("Sync with the grid centre"),
    cmd_sync },
};

static void
print_help (void)
{
  g_autofree char *data_dir = gp_store_dup_default_dir ();

  g_print (_("Usage: gridpatrolctl [--data-dir DIR] [--now TIME] COMMAND [OPTIONS…]\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s %s", commands[i].name, commands[i].synopsis);

      g_print ("  %-44s %s\n", line, _(commands[i].summary));
    }
  g_print (_("\nEvery command takes --data-dir DIR (default: %s).\n"), data_dir);
  g_print (_("Every command takes --now TIME to read the clocks at TIME instead of now.\n"));
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

  /* --data-dir and --now may come before or after the command name. */
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
      else if (g_str_equal (argv[i], "--now") || g_str_has_prefix (argv[i], "--now="))
        {
          const char *text = argv[i][5] == '=' ? argv[i] + 6 : i + 1 < argc ? argv[++i] : NULL;
          g_autoptr(GDateTime) now = NULL;

          if (text == NULL || !parse_time (text, &now, NULL))
            {
              g_autofree char *message = g_strdup_printf (_("--now needs a time such as %s"),
                                                          "2026-11-25T10:00:00+08:00");

              g_free (ctl.data_dir);
              return usage_error (NULL, message);
            }
          /* Every clock the command reads — deadlines, warnings, "today" —
           * reads this instant. */
          gp_clock_set_fixed (g_date_time_to_unix_usec (now));
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
