/* gp-test-pouchdb.c
 *
 * Starts `pouchdb-server` (installed from npm by build-aux/dev, found through
 * GP_POUCHDB_SERVER) on a free port of 127.0.0.1 with its databases in a
 * temporary folder, waits until it answers, ends its "admin party" with an
 * admin account, and stops it afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-pouchdb.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-test-util.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct _GpTestPouchdb
{
  char        *dir;
  char        *url;
  GSubprocess *process;
  GpCouch     *admin;
};

/**
 * gp_test_pouchdb_require:
 *
 * For the main() of a test that needs PouchDB Server, after g_test_init():
 * without it (GP_POUCHDB_SERVER unset, as when the test runs on its own
 * rather than from build-aux/dev test), the whole test is skipped, with the
 * reason.
 */
void
gp_test_pouchdb_require (void)
{
  const char *exe = g_getenv ("GP_POUCHDB_SERVER");

  if (exe != NULL && g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    return;
  g_print ("1..0 # SKIP GP_POUCHDB_SERVER does not name the pouchdb-server program (%s); "
           "build-aux/dev test installs it from npm\n", exe ? exe : "unset");
  exit (0);
}

/* A port nothing listens on right now. */
guint16
gp_test_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
dump_log (GpTestPouchdb *server)
{
  g_autofree char *path = g_build_filename (server->dir, "server.log", NULL);
  g_autofree char *log = NULL;

  if (g_file_get_contents (path, &log, NULL, NULL))
    g_printerr ("PouchDB Server's log:\n%s\n", log);
}

GpTestPouchdb *
gp_test_pouchdb_start (void)
{
  const char *exe = g_getenv ("GP_POUCHDB_SERVER");
  GpTestPouchdb *server = g_new0 (GpTestPouchdb, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GpCouch) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *config = NULL;
  g_autofree char *log = NULL;
  gint64 deadline;
  gboolean up = FALSE;

  if (exe == NULL || !g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("GP_POUCHDB_SERVER does not name the pouchdb-server program (%s); run the tests with "
             "build-aux/dev test, which installs it from npm", exe ? exe : "unset");

  server->dir = gp_test_make_dir ();
  port = g_strdup_printf ("%u", gp_test_free_port ());
  server->url = g_strdup_printf ("http://127.0.0.1:%s", port);
  config = g_build_filename (server->dir, "config.json", NULL);
  log = g_build_filename (server->dir, "server.log", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_cwd (launcher, server->dir);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDERR_MERGE);
  server->process = g_subprocess_launcher_spawn (launcher, &error, exe, "--host", "127.0.0.1", "--port", port,
                                                 "--dir", server->dir, "--config", config, NULL);
  g_assert_no_error (error);

  /* Node takes a second or two to start. */
  probe = gp_couch_new (server->url, FALSE, &error);
  g_assert_no_error (error);
  gp_couch_set_timeout (probe, 5);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!up && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) welcome = gp_couch_request (probe, "GET", "/", NULL, NULL, NULL, NULL);

      up = welcome != NULL;
      if (!up)
        {
          if (g_subprocess_get_identifier (server->process) == NULL)
            break;
          g_usleep (100000);
        }
    }
  if (!up)
    {
      dump_log (server);
      g_error ("PouchDB Server did not start on %s", server->url);
    }

  /* An admin, so that the server checks who asks, as a centre does. */
  {
    g_autoptr(JsonNode) reply = NULL;
    g_autofree char *path = g_strdup_printf ("/_config/admins/%s", GP_TEST_POUCHDB_ADMIN);
    g_autoptr(JsonNode) password = json_node_init_string (json_node_alloc (), GP_TEST_POUCHDB_ADMIN_PASSWORD);

    reply = gp_couch_request (probe, "PUT", path, password, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  server->admin = gp_couch_new (server->url, FALSE, &error);
  g_assert_no_error (error);
  gp_couch_set_credentials (server->admin, GP_TEST_POUCHDB_ADMIN, GP_TEST_POUCHDB_ADMIN_PASSWORD);
  if (!gp_couch_login (server->admin, NULL, &error))
    {
      dump_log (server);
      g_error ("The admin cannot log in to PouchDB Server: %s", error->message);
    }
  return server;
}

const char *
gp_test_pouchdb_get_url (GpTestPouchdb *server)
{
  return server->url;
}

GpCouch *
gp_test_pouchdb_get_admin (GpTestPouchdb *server)
{
  return server->admin;
}

/* A client logged in as @name; fails the test if the server refuses. */
GpCouch *
gp_test_pouchdb_login (GpTestPouchdb *server,
                       const char    *name,
                       const char    *password)
{
  g_autoptr(GError) error = NULL;
  GpCouch *couch = gp_couch_new (server->url, FALSE, &error);

  g_assert_no_error (error);
  gp_couch_set_credentials (couch, name, password);
  g_assert_true (gp_couch_login (couch, NULL, &error));
  g_assert_no_error (error);
  return couch;
}

/**
 * gp_test_pouchdb_add_grid:
 *
 * Makes a grid's database on the server, as the admin, with no rules or
 * members: the replicator's and the sync manager's tests give it users
 * with gp_test_pouchdb_add_user(); test-centre provisions its own through
 * gridpatrolctl, which is what it tests.
 *
 * Returns: (transfer full): the database's name
 */
/* The processor time the server has used so far, user and system, in
 * seconds, from /proc: for benchmarks, to tell a client that waits on the
 * server from one that is slow itself. */
double
gp_test_pouchdb_get_cpu_seconds (GpTestPouchdb *server)
{
  const char *pid = g_subprocess_get_identifier (server->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid ? pid : "0");
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  g_assert_true (g_file_get_contents (path, &stat, NULL, NULL));
  /* Fields after the command's name, which is in parentheses: utime and
   * stime are the 12th and 13th of them. */
  after_name = strrchr (stat, ')');
  g_assert_nonnull (after_name);
  fields = g_strsplit (after_name + 2, " ", -1);
  g_assert_cmpuint (g_strv_length (fields), >, 13);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* How many documents @database holds, as the server counts them. */
gint64
gp_test_pouchdb_doc_count (GpTestPouchdb *server,
                           const char    *database)
{
  g_autofree char *path = g_strconcat ("/", database, NULL);
  g_autoptr(JsonNode) info = gp_test_pouchdb_admin (server, "GET", path, NULL);
  gint64 count = -1;

  gp_json_get_int (json_node_get_object (info), "doc_count", &count);
  return count;
}

char *
gp_test_pouchdb_add_grid (GpTestPouchdb *server,
                          const char    *grid)
{
  char *database = gp_replication_database_name (grid);
  g_autofree char *path = g_strconcat ("/", database, NULL);
  g_autoptr(JsonNode) reply = gp_test_pouchdb_admin (server, "PUT", path, NULL);

  return database;
}

void
gp_test_grid_set_up (GpTestGrid *fixture,
                     const char *grid)
{
  fixture->server = gp_test_pouchdb_start ();
  fixture->database = gp_replication_database_name (grid);
  fixture->centre_dir = gp_test_make_dir ();
  fixture->worker_dir = gp_test_make_dir ();
  fixture->leader_dir = gp_test_make_dir ();
  fixture->worker = gp_test_open_store (fixture->worker_dir);
  fixture->leader = gp_test_open_store (fixture->leader_dir);
}

void
gp_test_grid_tear_down (GpTestGrid *fixture)
{
  g_clear_object (&fixture->worker);
  g_clear_object (&fixture->leader);
  gp_test_remove_dir (fixture->centre_dir);
  gp_test_remove_dir (fixture->worker_dir);
  gp_test_remove_dir (fixture->leader_dir);
  g_clear_pointer (&fixture->centre_dir, g_free);
  g_clear_pointer (&fixture->worker_dir, g_free);
  g_clear_pointer (&fixture->leader_dir, g_free);
  g_clear_pointer (&fixture->database, g_free);
  g_clear_pointer (&fixture->server, gp_test_pouchdb_stop);
}

/* A request as the admin; fails the test when the server refuses. */
JsonNode *
gp_test_pouchdb_admin (GpTestPouchdb *server,
                       const char    *method,
                       const char    *path,
                       const char    *json)
{
  g_autoptr(JsonNode) body = json ? json_from_string (json, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *reply;

  g_assert_true (json == NULL || body != NULL);
  reply = gp_couch_request (server->admin, method, path, body, NULL, NULL, &error);
  if (reply == NULL)
    g_error ("%s %s as the admin: %s", method, path, error->message);
  return reply;
}

void
gp_test_pouchdb_add_user (GpTestPouchdb *server,
                          const char    *name,
                          const char    *password,
                          const char    *role,
                          ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) user = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strconcat ("org.couchdb.user:", name, NULL);
  g_autofree char *escaped = gp_couch_escape_id (id);
  g_autofree char *path = g_strconcat ("/_users/", escaped, NULL);
  va_list args;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "_id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "user");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  va_start (args, role);
  for (const char *r = role; r != NULL; r = va_arg (args, const char *))
    json_builder_add_string_value (builder, r);
  va_end (args);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  user = json_builder_get_root (builder);

  reply = gp_couch_request (server->admin, "PUT", path, user, NULL, NULL, &error);
  g_assert_no_error (error);
}

void
gp_test_pouchdb_stop (GpTestPouchdb *server)
{
  g_autoptr(GError) error = NULL;

  if (server == NULL)
    return;
  g_clear_object (&server->admin);
  g_subprocess_send_signal (server->process, SIGTERM);
  if (!g_subprocess_wait (server->process, NULL, &error))
    g_subprocess_force_exit (server->process);
  g_clear_object (&server->process);
  gp_test_remove_dir (server->dir);
  g_free (server->dir);
  g_free (server->url);
  g_free (server);
}

/* Runs tests/interop/pouchdb-interop.js in Node with the PouchDB that came
 * with PouchDB Server; fails the test when it fails. */
char *
gp_test_run_pouchdb_js (const char *command,
                        const char *url,
                        const char *arg)
{
  const char *server = g_getenv ("GP_POUCHDB_SERVER");
  g_autofree char *bin = g_path_get_dirname (server);
  g_autofree char *modules = g_path_get_dirname (bin);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "interop", "pouchdb-interop.js", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "NODE_PATH", modules, TRUE);
  const char *argv[] = { node, script, command, url, arg, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_nonnull (node);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("PouchDB (%s) failed: %s%s", command, out, err);
  return out;
}
