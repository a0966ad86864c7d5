/* gp-ctl-casework.c — gridpatrolctl report, act: reporting incidents and taking their steps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-casework.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-photo.h"
#include "gp-workflow.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* report, act */

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

/* Attaches files' photos, marked as the app marks its gallery's: with the
 * file's own time, by whom, for which grid. */
static void
add_photos (GpDocument *document,
            GPtrArray  *photos,
            const char *worker,
            const char *grid)
{
  for (guint i = 0; i < photos->len; i++)
    {
      GpPhoto *photo = g_ptr_array_index (photos, i);

      gp_photo_set_gallery (photo, photo->taken_at, worker, grid);
      gp_casework_add_photo (document, photo);
    }
}

static gboolean
run_report (GpCtl               *ctl,
            const GpCtlCommand  *self,
            int                  argc,
            char               **argv,
            GError             **error)
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

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  has_position = lat != G_MAXDOUBLE || lon != G_MAXDOUBLE;
  if (argc > 1)
    return gp_ctl_usage (error, _("report takes no arguments but its options"));
  if (category_code == NULL)
    return gp_ctl_usage (error, _("report needs --category CODE"));
  if (has_position && (lat == G_MAXDOUBLE || lon == G_MAXDOUBLE))
    return gp_ctl_usage (error, _("--lat and --lon go together"));
  if (has_position && (lat < -90 || lat > 90 || lon < -180 || lon > 180))
    return gp_ctl_usage (error, _("--lat must be from -90 to 90 and --lon from -180 to 180"));
  if (source != NULL && !g_strv_contains (gp_incident_get_sources (), source))
    return gp_ctl_usage (error, _("--source must be patrol, resident, hotline_12345, centre, wechat, "
                                    "representatives or other"));
  if (!gp_ctl_parse_time (at_text, &at, error))
    return FALSE;

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  categories = gp_categories_load (store);
  category = gp_categories_lookup (categories, category_code);
  if (category == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a category code (see the category list, e.g. 06010 暴露垃圾)"), category_code);
      return FALSE;
    }

  /* Photos first: a bad one stops the report before anything is stored. */
  photos = process_photos (photo_files, error);
  if (photos == NULL)
    return FALSE;

  if (building_id != NULL)
    {
      building = gp_documents_load (store, building_id, error);
      if (building == NULL)
        return FALSE;
      if (!GP_IS_BUILDING (building))
        {
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not a building"), building_id);
          return FALSE;
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
        return gp_ctl_usage (error, _("report needs a place: --lat and --lon, --building, or a photo with GPS"));
    }

  if (grid_code == NULL)
    {
      g_autoptr(GPtrArray) grids = gp_store_list (store, "grid", NULL, error);

      if (grids == NULL)
        return FALSE;
      if (grids->len != 1)
        return gp_ctl_usage (error, _("the store holds several grids: say which with --grid CODE"));
      grid_code = g_strdup (gp_json_get_string (g_ptr_array_index (grids, 0), "code"));
    }
  policy = gp_casework_load_policy (store, grid_code, error);
  if (policy == NULL)
    return FALSE;
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
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a level of the grading scheme (%s)"), grade, levels);
      return FALSE;
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
  add_photos (GP_DOCUMENT (incident), photos, gp_incident_get_reporter (incident), grid_code);

  if (!gp_casework_report (store, incident, error))
    return FALSE;
  g_print ("%s\n", gp_document_get_id (GP_DOCUMENT (incident)));
  return TRUE;
}

static gboolean
run_act (GpCtl               *ctl,
         const GpCtlCommand  *self,
         int                  argc,
         char               **argv,
         GError             **error)
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

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 3)
    return gp_ctl_usage (error, _("act needs an INCIDENT and an ACTION"));
  incident_id = argv[1];
  action = argv[2];
  if (!g_strv_contains (gp_event_get_actions (), action))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a workflow step"), action);

      return gp_ctl_usage (error, "%s", message);
    }
  if (role != NULL && !g_strv_contains (roles, role))
    return gp_ctl_usage (error, _("--role must be worker, leader or centre"));
  if (!gp_ctl_parse_time (at_text, &at, error))
    return FALSE;
  if (resolved != NULL && !g_str_equal (resolved, "yes") && !g_str_equal (resolved, "no"))
    return gp_ctl_usage (error, _("--resolved must be yes or no"));

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  photos = process_photos (photo_files, error);
  if (photos == NULL)
    return FALSE;

  now = gp_casework_load_case (store, incident_id, g_date_time_to_unix (at), &incident, &policy, error);
  if (now == NULL)
    return FALSE;

  /* What a step needs, when not given: the usual choice. */
  if (g_str_equal (action, GP_ACTION_ESCALATE) && level == NULL)
    level = gp_policy_dup_next_level (policy, now->level);
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
  add_photos (GP_DOCUMENT (event), photos, gp_event_get_actor (event), gp_event_get_grid (event));

  if (!gp_document_validate (GP_DOCUMENT (event), error) || !gp_casework_act (store, event, &event_id, error))
    return FALSE;

  {
    g_autoptr(GpCase) after = gp_casework_load_case (store, incident_id, g_date_time_to_unix (at), NULL, NULL,
                                                      error);

    if (after == NULL)
      return FALSE;
    g_print ("%s\t%s\n", event_id, gp_state_to_string (after->state));
  }
  return TRUE;
}

const GpCtlCommand gp_ctl_report = {
  .name = "report",
  .synopsis = "--category CODE (--lat LAT --lon LON | --building ID)",
  .summary = N_("Report an incident"),
  .parameter = "--category CODE (--lat LAT --lon LON | --building ID) [OPTIONS…]",
  .description = N_("Report an incident; prints its id."),
  .run = run_report,
};

const GpCtlCommand gp_ctl_act = {
  .name = "act",
  .synopsis = "INCIDENT ACTION [--note T] [--photo FILE]…",
  .summary = N_("Take a workflow step on an incident"),
  .parameter = "INCIDENT ACTION [OPTIONS…]",
  .description = N_("Take a workflow step on an incident. ACTION is one of register, void, self_handle, "
                        "dispatch, accept, start, suspend, resume, escalate, transfer, handled, verify, "
                        "callback, close, reopen, comment."),
  .run = run_act,
};

/* photo verify INCIDENT: every photo of the case against its recorded hash. */
static gboolean
run_photo (GpCtl               *ctl,
           const GpCtlCommand  *self,
           int                  argc,
           char               **argv,
           GError             **error)
{
  g_autoptr(GPtrArray) checks = NULL;
  guint changed = 0, unchecked = 0;
  GpStore *store;

  if (!gp_ctl_parse_options (self, NULL, &argc, &argv, error))
    return FALSE;
  if (argc != 3 || !g_str_equal (argv[1], "verify"))
    return gp_ctl_usage (error, _("photo needs “verify” and one incident ID"));

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  checks = gp_casework_verify_photos (store, argv[2], error);
  if (checks == NULL)
    return FALSE;
  if (checks->len == 0)
    {
      g_print (_("%s has no photos.\n"), argv[2]);
      return TRUE;
    }
  for (guint i = 0; i < checks->len; i++)
    {
      GpPhotoCheck *check = g_ptr_array_index (checks, i);

      switch (check->result)
        {
        case GP_PHOTO_CHECK_OK:
          /* TRANSLATORS: a photo whose bytes are those recorded: document, attachment, hash */
          g_print (_("ok       %s %s  sha256 %s\n"), check->document, check->name, check->actual);
          break;
        case GP_PHOTO_CHECK_CHANGED:
          changed++;
          if (check->actual != NULL)
            g_print (_("CHANGED  %s %s  sha256 %s, recorded %s\n"), check->document, check->name, check->actual,
                     check->recorded);
          else
            g_print (_("CHANGED  %s %s  %s\n"), check->document, check->name, check->reason);
          break;
        case GP_PHOTO_CHECK_UNRECORDED:
          unchecked++;
          g_print (_("unknown  %s %s  no hash was recorded when it was taken in\n"), check->document, check->name);
          break;
        case GP_PHOTO_CHECK_ABSENT:
        default:
          unchecked++;
          g_print (_("absent   %s %s  %s\n"), check->document, check->name, check->reason);
          break;
        }
    }
  if (changed > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u photo was changed after it was taken in.\n",
                               "%u photos were changed after they were taken in.\n", changed), changed);
      g_set_error_literal (error, GP_CTL_ERROR, GP_CTL_ERROR_SAID, "");
      return FALSE;
    }
  if (unchecked > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u photo could not be checked.\n",
                          "%u photos could not be checked.\n", unchecked), unchecked);
  else
    g_print (_("Every photo is as it was taken in.\n"));
  return TRUE;
}

const GpCtlCommand gp_ctl_photo = {
  .name = "photo",
  .synopsis = "verify INCIDENT",
  .summary = N_("Check a case’s photos against the hashes recorded with them"),
  .parameter = "verify INCIDENT",
  .description = N_("Recompute the SHA-256 of every photo of a case (the report’s and its steps’) and compare it "
                    "with the one recorded when the photo was taken in. Exit status 1 names the photos "
                    "whose bytes were changed."),
  .run = run_photo,
};
