/* gp-ctl-patrols.c — gridpatrolctl patrol, visit: the worker's rounds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-patrol-recorder.h"
#include "gp-track-reader.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

/* patrol, visit */

static gboolean
patrol_replay (GpCtl       *ctl,
               int          argc,
               char       **argv,
               const char  *actor,
               double       speed,
               GError     **error)
{
  g_autoptr(GpDocument) route = NULL;
  g_autoptr(GpTrack) track = NULL;
  g_autoptr(GpPatrolRecorder) recorder = NULL;
  guint kept = 0, dropped = 0;
  gint64 start, end;
  GpStore *store;

  if (argc != 4)
    return gp_ctl_usage (error, _("patrol replay needs a ROUTE-ID and a FILE"));
  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  route = gp_documents_load (store, argv[2], NULL);
  if (route == NULL || !GP_IS_ROUTE (route))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("there is no route %s"), argv[2]);
      return FALSE;
    }
  track = gp_track_read_file (argv[3], error);
  if (track == NULL)
    return FALSE;

  recorder = gp_patrol_recorder_new (store, gp_route_get_grid (GP_ROUTE (route)), GP_ROUTE (route),
                                     actor ? actor : g_get_user_name ());
  start = track->fixes->len ? g_array_index (track->fixes, GpFix, 0).time : gp_clock_get_real_time ();
  end = track->fixes->len ? g_array_index (track->fixes, GpFix, track->fixes->len - 1).time : start;
  if (!gp_patrol_recorder_start (recorder, start, error))
    return FALSE;
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
  if (!gp_patrol_recorder_finish (recorder, end, error))
    return FALSE;

  g_printerr (_("%u positions used, %u dropped (inaccurate, jumps, out of order), %u items of the file skipped; "
                "%.0f m, %u of %u checkpoints\n"),
              kept, dropped, track->skipped, gp_patrol_recorder_get_distance (recorder),
              gp_patrol_recorder_get_n_reached (recorder), gp_route_get_n_checkpoints (GP_ROUTE (route)));
  return TRUE;
}

static gboolean
run_patrol (GpCtl               *ctl,
            const GpCtlCommand  *self,
            int                  argc,
            char               **argv,
            GError             **error)
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

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc >= 2 && g_str_equal (argv[1], "replay"))
    return patrol_replay (ctl, argc, argv, actor, speed, error);
  if (argc == 3 && g_str_equal (argv[1], "finish"))
    {
      g_autoptr(GpPatrolRecorder) recorder = NULL;
      g_autoptr(GDateTime) at = NULL;
      GpStore *store = gp_ctl_get_store (ctl, error);

      if (!gp_ctl_parse_time (at_text, &at, error))
        return FALSE;
      if (store == NULL || (recorder = gp_patrol_recorder_recover (store, argv[2], error)) == NULL)
        return FALSE;
      if (!gp_patrol_recorder_finish (recorder, g_date_time_to_unix (at) * G_USEC_PER_SEC, error))
        return FALSE;
      g_print ("%s\t%.0f m\t%u\n", argv[2], gp_patrol_recorder_get_distance (recorder),
               gp_patrol_recorder_get_n_reached (recorder));
      return TRUE;
    }
  return gp_ctl_usage (error, _("patrol needs “replay ROUTE-ID FILE” or “finish PATROL-ID”"));
}

static gboolean
run_visit (GpCtl               *ctl,
           const GpCtlCommand  *self,
           int                  argc,
           char               **argv,
           GError             **error)
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
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpDocument) household = NULL;
  g_autoptr(GpVisit) visit = NULL;
  GpStore *store;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    return gp_ctl_usage (error, _("visit needs one HOUSEHOLD-ID"));
  if (!gp_ctl_parse_time (at_text, &at, error))
    return FALSE;
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (!g_strv_contains (gp_visit_list_tags (), tags[i]))
      {
        g_autofree char *known = g_strjoinv (", ", (char **) gp_visit_list_tags ());
        g_autofree char *message = g_strdup_printf (_("“%s” is not a visit tag; the tags are %s"), tags[i], known);

        return gp_ctl_usage (error, "%s", message);
      }
  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
  household = gp_documents_load (store, argv[1], NULL);
  if (household == NULL || !GP_IS_HOUSEHOLD (household))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("there is no household %s"), argv[1]);
      return FALSE;
    }
  visit = gp_visit_new ();
  g_object_set (visit, "grid", gp_household_get_grid (GP_HOUSEHOLD (household)), "household", argv[1],
                "worker", actor ? actor : g_get_user_name (), "at", at, "note", note,
                "tags", tags, NULL);
  gp_document_set_member (GP_DOCUMENT (visit), "building",
                          json_node_init_string (json_node_alloc (),
                                                 gp_household_get_building (GP_HOUSEHOLD (household))));
  if (!gp_documents_save (store, GP_DOCUMENT (visit), GP_STORE_PUT_NONE, error))
    return FALSE;
  g_print ("%s\n", gp_document_get_id (GP_DOCUMENT (visit)));
  return TRUE;
}

const GpCtlCommand gp_ctl_patrol = {
  .name = "patrol",
  .synopsis = "replay ROUTE-ID FILE [--as USER] | finish PATROL-ID",
  .summary = N_("Record a patrol from a track"),
  .parameter = "replay ROUTE-ID FILE | finish PATROL-ID",
  .description = N_("Record a patrol from a GPX or NMEA file, or finish one left running."),
  .run = run_patrol,
};

const GpCtlCommand gp_ctl_visit = {
  .name = "visit",
  .synopsis = "HOUSEHOLD-ID [--note T] [--tag TAG]… [--as USER] [--at ISO8601]",
  .summary = N_("Record a household visit"),
  .parameter = "HOUSEHOLD-ID",
  .description = N_("Record a visit to a household (入户走访)."),
  .run = run_visit,
};
