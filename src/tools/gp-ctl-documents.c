/* gp-ctl-documents.c — gridpatrolctl list, show, check: the data folder as people read it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-privacy.h"
#include "gp-workflow.h"

#include <glib/gi18n-lib.h>
#include <string.h>

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

static gboolean
run_list (GpCtl               *ctl,
          const GpCtlCommand  *self,
          int                  argc,
          char               **argv,
          GError             **error)
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
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(GHashTable) last_visits = NULL;
  g_autoptr(GHashTable) building_names = NULL;
  g_autoptr(GPtrArray) buildings = NULL;
  const char *type;
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return gp_ctl_usage (error, _("list needs one TYPE"));
  type = type_from_argument (argv[1]);
  if (type == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a type of document"), argv[1]);

      return gp_ctl_usage (error, "%s", message);
    }

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  docs = gp_store_list (store, type, grid, error);
  if (docs == NULL)
    return FALSE;

  /* Coverage: households not visited in N days, with their last visit. */
  if (not_visited_days >= 0 && !g_str_equal (type, "household"))
    return gp_ctl_usage (error, _("--not-visited-days is for households"));
  if (g_str_equal (type, "household"))
    {
      g_autoptr(GPtrArray) visits = gp_documents_load_all (store, "visit", grid, error);
      gint64 since = gp_visit_due_before (not_visited_days, gp_clock_get_now ());

      if (visits == NULL)
        return FALSE;
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

          if (g_str_equal (type, "incident") && !add_case (store, shown, error))
            {
              json_object_unref (shown);
              return FALSE;
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
      gp_ctl_print_json (root);
      return TRUE;
    }

  if (g_str_equal (type, "household"))
    {
      building_names = g_hash_table_new (g_str_hash, g_str_equal);
      buildings = gp_store_list (store, "building", grid, error);
      if (buildings == NULL)
        return FALSE;
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
                                                          gp_clock_get_now (), NULL, NULL, error);

          if (now == NULL)
            return FALSE;
          g_print ("%s\t%s\t%s\t%s\n", gp_json_get_string (doc, "_id"), gp_state_label (now->state),
                   gp_warning_to_string (now->warning), summary ? summary : "");
          continue;
        }
      g_print ("%s\t%s\n", gp_json_get_string (doc, "_id"), summary ? summary : "");
    }
  return TRUE;
}

static gboolean
run_show (GpCtl               *ctl,
          const GpCtlCommand  *self,
          int                  argc,
          char               **argv,
          GError             **error)
{
  gboolean json = FALSE;
  gboolean personal = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the document as JSON"), NULL },
    { "show-personal", 0, 0, G_OPTION_ARG_NONE, &personal,
      N_("Show residents' names and phone numbers unmasked"), NULL },
    { NULL }
  };
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) shown = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return gp_ctl_usage (error, _("show needs one document ID"));

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  doc = gp_store_get (store, argv[1], GP_STORE_GET_CONFLICTS, error);
  if (doc == NULL)
    return FALSE;
  shown = personal ? json_object_ref (doc) : gp_privacy_mask_document (doc);
  if (g_strcmp0 (gp_json_get_string (doc, "type"), "incident") == 0 && !add_case (store, shown, error))
    return FALSE;
  if (g_strcmp0 (gp_json_get_string (doc, "type"), "patrol") == 0)
    add_patrol_checkpoints (store, shown);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), shown);

      gp_ctl_print_json (root);
      return TRUE;
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
  return TRUE;
}

/* check: the store's integrity, for support and for the crash harness. */
static gboolean
run_check (GpCtl               *ctl,
           const GpCtlCommand  *self,
           int                  argc,
           char               **argv,
           GError             **error)
{
  GOptionEntry entries[] = { { NULL } };
  g_autoptr(GPtrArray) problems = NULL;
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 1)
    return gp_ctl_usage (error, _("check takes no arguments"));
  store = gp_ctl_get_store (ctl, error);
  if (store == NULL || !gp_store_check (store, &problems, error))
    return FALSE;
  for (guint i = 0; i < problems->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (problems, i));
  if (problems->len > 0)
    {
      /* A line each, printed above. */
      g_set_error_literal (error, GP_CTL_ERROR, GP_CTL_ERROR_SAID, "");
      return FALSE;
    }
  g_print (_("The data folder is sound.\n"));
  return TRUE;
}

const GpCtlCommand gp_ctl_list = {
  .name = "list",
  .synopsis = "TYPE [--json] [--grid CODE]",
  .summary = N_("List documents of a type"),
  .parameter = "TYPE",
  .description = N_("List documents. TYPE is one of grids, policies, buildings, households, "
                        "lanes, components, routes, patrols, incidents, events, visits."),
  .run = run_list,
};

const GpCtlCommand gp_ctl_show = {
  .name = "show",
  .synopsis = "ID [--json]",
  .summary = N_("Show one document"),
  .parameter = "ID",
  .description = N_("Show one document."),
  .run = run_show,
};

const GpCtlCommand gp_ctl_check = {
  .name = "check",
  .synopsis = "",
  .summary = N_("Check the data folder’s integrity"),
  .parameter = "",
  .description = N_("Check the data folder: the database's integrity, every photo present with the bytes "
                        "its documents name, no photo left half written or named by nothing."),
  .run = run_check,
};
