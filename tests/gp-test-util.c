/* gp-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-util.h"

#include "gp-clock.h"

#include <stdio.h>
#include <stdlib.h>

#include <sys/wait.h>
#include "gp-json.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

char *
gp_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("gridpatrol-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_recursively (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_recursively (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
gp_test_remove_dir (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  remove_recursively (file);
}

GpStore *
gp_test_open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  GpStore *store = gp_store_open (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* Everything a store holds, as text: every document ever written with its
 * sequence, its leaves, and its winning revision with history. Two equal
 * snapshots mean nothing was lost or changed. */
char *
gp_test_store_snapshot (GpStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = gp_store_changes (store, 0, 0, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  g_string_append_printf (text, "update_seq %" G_GINT64_FORMAT "\n", gp_store_get_update_seq (store));

  for (guint i = 0; i < changes->len; i++)
    {
      GpStoreChange *change = g_ptr_array_index (changes, i);
      g_auto(GStrv) leaves = gp_store_get_leaves (store, change->id, &error);
      g_autofree char *joined = NULL;

      g_assert_no_error (error);
      joined = g_strjoinv (",", leaves);
      g_string_append_printf (text, "%" G_GINT64_FORMAT " %s %s %d [%s]\n", change->seq,
                              change->id, change->rev, change->deleted, joined);
      if (!change->deleted)
        {
          g_autoptr(JsonObject) doc = gp_store_get (store, change->id,
                                                    GP_STORE_GET_REVISIONS | GP_STORE_GET_CONFLICTS,
                                                    &error);
          g_autofree char *json = NULL;

          g_assert_no_error (error);
          json = gp_json_to_string (doc, FALSE);
          g_string_append_printf (text, "  %s\n", json);
        }
    }

  return g_string_free (text, FALSE);
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until the condition holds or the deadline
 * passes; never sleeps. */
gboolean
gp_test_wait_until (gboolean (*condition) (gpointer data),
                    gpointer   data,
                    guint      timeout_ms)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add (timeout_ms, on_deadline, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (deadline);
  return condition (data);
}

/* Runs gridpatrolctl (GRIDPATROLCTL) with the arguments given, up to
 * NULL; fails the test unless it exits with @expected. Returns its
 * standard output; @err, if given, gets its standard error. */
char *
gp_test_ctl (int    expected,
             char **err,
             ...)
{
  g_autoptr(GPtrArray) argv = gp_test_ctl_argv ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  int status = 0;
  va_list args;

  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, err,
                               &status, &error));
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != expected)
    g_error ("gridpatrolctl exited with %d, not %d: %s", WEXITSTATUS (status), expected, err ? *err : "");
  return out;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Benchmarks: @values in increasing order. */
void
gp_test_sort_doubles (double *values,
                      guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
}

/* Benchmarks: prints the median, 95th percentile and worst of @n timings. */
void
gp_test_bench_report (const char *what,
                      double     *ms,
                      guint       n)
{
  gp_test_sort_doubles (ms, n);
  printf ("%-56s median %9.2f ms   p95 %9.2f ms   max %9.2f ms  (n=%u)\n",
          what, ms[n / 2], ms[n * 95 / 100], ms[n - 1], n);
}

double
gp_test_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* The instant of gp_test_fix_clock(), handed on to gridpatrolctl. */
static char *fixed_clock;

/**
 * gp_test_fix_clock:
 * @iso8601: an instant with its offset, such as %GP_TEST_NOW
 *
 * Stops the app's clock at @iso8601, so that what a test checks does not
 * depend on the machine's date, hour or time zone.
 */
void
gp_test_fix_clock (const char *iso8601)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (at);
  g_free (fixed_clock);
  fixed_clock = g_strdup (iso8601);
  gp_clock_set_fixed (g_date_time_to_unix_usec (at));
}

/**
 * gp_test_ctl_argv:
 *
 * The start of a gridpatrolctl command line: the program, and the test's
 * clock when it is fixed, so that the command reads the same "now".
 *
 * Returns: (transfer full): an array to add the arguments to
 */
GPtrArray *
gp_test_ctl_argv (void)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_assert_nonnull (g_getenv ("GRIDPATROLCTL"));
  g_ptr_array_add (argv, (gpointer) g_getenv ("GRIDPATROLCTL"));
  if (fixed_clock != NULL)
    {
      g_ptr_array_add (argv, "--now");
      g_ptr_array_add (argv, fixed_clock);
    }
  return argv;
}

/**
 * gp_test_ctl_command:
 * @first: the first argument, then the others, up to %NULL
 *
 * A whole gridpatrolctl command line, as gp_test_ctl() runs it, for a test
 * that starts the process itself (to read it while it runs, or kill it).
 *
 * Returns: (transfer full): the arguments, %NULL-terminated, in `pdata`
 */
GPtrArray *
gp_test_ctl_command (const char *first,
                     ...)
{
  GPtrArray *argv = gp_test_ctl_argv ();
  const char *arg = first;
  va_list args;

  va_start (args, first);
  for (; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* The photo files in the data folder @dir, whether any document names
 * them or not. */
guint
gp_test_count_photo_files (const char *dir)
{
  g_autofree char *blobs = g_build_filename (dir, "attachments", NULL);
  g_autoptr(GDir) top = g_dir_open (blobs, 0, NULL);
  const char *prefix;
  guint n = 0;

  while (top != NULL && (prefix = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub_path = g_build_filename (blobs, prefix, NULL);
      g_autoptr(GDir) sub = g_dir_open (sub_path, 0, NULL);

      while (sub != NULL && g_dir_read_name (sub) != NULL)
        n++;
    }
  return n;
}

/* A listener on a free port of 127.0.0.1, for relays in front of a server. */
GSocketListener *
gp_test_listen_loopback (guint16 *port)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return listener;
}
