/* gp-ctl-centre.c — gridpatrolctl sync and centre setup: working with the grid centre.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-centre.h"
#include "gp-replicator.h"

#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>
#include <string.h>

/* sync: one full sync of each grid with the centre, both ways. */
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

static gboolean
run_sync (GpCtl               *ctl,
          const GpCtlCommand  *self,
          int                  argc,
          char               **argv,
          GError             **error)
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
  g_autoptr(GpCouch) couch = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *password = NULL;
  GpStore *store;
  gboolean failed = FALSE;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 1 || server == NULL || user == NULL || password_file == NULL)
    return gp_ctl_usage (error, _("sync needs --server, --user and --password-file"));
  password = gp_ctl_read_password_file (password_file, error);
  if (password == NULL)
    return FALSE;
  couch = gp_couch_new (server, allow_http, error);
  if (couch == NULL)
    return FALSE;
  gp_couch_set_credentials (couch, user, password);
  if (!gp_couch_login (couch, NULL, error))
    return FALSE;

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
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN,
                   _("%s has no grid on this grid centre; name one with --grid"), user);
      return FALSE;
    }

  store = gp_ctl_get_store (ctl, error);
  if (store == NULL)
    return FALSE;
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
      gp_replicate (store, couch, database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE, &sent, NULL, &push_error);
      if (push_error == NULL || !g_error_matches (push_error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED))
        gp_replicate (store, couch, database, GP_REPLICATION_PULL, GP_REPLICATION_FLAGS_NONE, &received, NULL, &pull_error);
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
  if (failed)
    {
      /* Each grid's failure is printed above. */
      g_set_error_literal (error, GP_CTL_ERROR, GP_CTL_ERROR_SAID, "");
      return FALSE;
    }
  return TRUE;
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
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
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

static gboolean
run_centre (GpCtl               *ctl,
            const GpCtlCommand  *self,
            int                  argc,
            char               **argv,
            GError             **error)
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
  g_autoptr(GpCouch) admin = NULL;
  g_autoptr(GArray) users = g_array_new (FALSE, TRUE, sizeof (GpCentreUser));
  g_autofree char *password = NULL;
  g_autoptr(GHashTable) passwords = NULL;
  g_auto(GpCentreSetup) result = { 0 };
  GpStore *store = NULL;

  if (!gp_ctl_parse_options (self, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2 || !g_str_equal (argv[1], "setup"))
    return gp_ctl_usage (error, _("centre has one command: setup"));
  if (server == NULL || admin_name == NULL || password_file == NULL || grid == NULL)
    return gp_ctl_usage (error, _("centre setup needs --server, --admin, --admin-password-file and --grid"));
  if (passwords_file != NULL)
    {
      passwords = read_passwords (passwords_file, error);
      if (passwords == NULL)
        return FALSE;
    }
  if (!add_users (users, workers, "worker", passwords, error) ||
      !add_users (users, leaders, "leader", passwords, error) ||
      !add_users (users, centres, "centre", passwords, error))
    return FALSE;

  password = gp_ctl_read_password_file (password_file, error);
  if (password == NULL)
    return FALSE;
  if (from_data_dir)
    {
      store = gp_ctl_get_store (ctl, error);
      if (store == NULL)
        return FALSE;
    }
  admin = gp_couch_new (server, allow_http, error);
  if (admin == NULL)
    return FALSE;
  gp_couch_set_credentials (admin, admin_name, password);
  if (!gp_couch_login (admin, NULL, error))
    return FALSE;
  if (!gp_centre_setup (admin, grid, (GpCentreUser *) users->data, users->len, store,
                        test_server ? GP_CENTRE_SETUP_TEST_SERVER : GP_CENTRE_SETUP_NONE, &result, NULL, error))
    return FALSE;
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
  return TRUE;
}

const GpCtlCommand gp_ctl_sync = {
  .name = "sync",
  .synopsis = "--server URL --user NAME --password-file FILE [--grid CODE]…",
  .summary = N_("Sync with the grid centre"),
  .parameter = "--server URL --user NAME --password-file FILE [--grid CODE]…",
  .description = N_("Sync with the grid centre: send what is new here, receive what is new there."),
  .run = run_sync,
};

const GpCtlCommand gp_ctl_centre = {
  .name = "centre",
  .synopsis = "setup --server URL --admin NAME --admin-password-file FILE --grid CODE…",
  .summary = N_("Set up a grid on the grid centre"),
  .parameter = "setup --server URL --admin NAME --admin-password-file FILE --grid CODE",
  .description = N_("Set up a grid’s database on the grid centre: its members, its write rules, its users "
                        "and, with --from-data-dir, its grid package. Again brings it up to date."),
  .run = run_centre,
};
