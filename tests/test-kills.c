/* test-kills.c — gridpatrolctl killed (SIGKILL) at its file writes and at
 * random moments while it reports, acts, records a patrol, imports a grid
 * and syncs. After every kill the data folder must be sound (`check`: the
 * database's integrity, every photo whole, no photo left half written or
 * unnamed), hold everything it held before, hold a command's result whole
 * or not at all, and take the command again.
 *
 * The kill points come from strace's fault injection: for each kind of
 * write (write, pwrite64, fdatasync, fsync, syncfs, rename), the command is run
 * once to count them, then once per point chosen, killed at that call. The
 * suite tries five points of each kind, the first and last among them;
 * GP_KILLS_LONG=1 (the benchmark) tries every point, or 150 spread evenly
 * over calls made thousands of times (the pwrite64 of a sync), and forty
 * random moments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-clock.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

static const char * const write_calls[] = { "write", "pwrite64", "fdatasync", "fsync", "syncfs", "rename", NULL };

typedef struct
{
  guint cycles;
  guint points;
  guint random;
} Tally;

static Tally tally;

static gboolean
is_long (void)
{
  return g_strcmp0 (g_getenv ("GP_KILLS_LONG"), "1") == 0;
}

/* gridpatrolctl with the fixed clock on @dir and @args, behind @prefix. */
static GPtrArray *
ctl_argv (const char * const *prefix,
          const char         *dir,
          const char * const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_autoptr(GPtrArray) ctl = gp_test_ctl_argv ();

  for (guint i = 0; prefix != NULL && prefix[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) prefix[i]);
  for (guint i = 0; i < ctl->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (ctl, i));
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, (gpointer) dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static int
run (GPtrArray  *argv,
     char      **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, out, NULL, &status, &error));
  g_assert_no_error (error);
  return status;
}

static char *
ctl_ok (const char         *dir,
        const char * const *args)
{
  g_autoptr(GPtrArray) argv = ctl_argv (NULL, dir, args);
  char *out = NULL;
  int status = run (argv, &out);

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("gridpatrolctl %s %s failed (%d)", args[0], args[1] ? args[1] : "", status);
  return out;
}

/* How many times the command calls @call. */
static guint
count_calls (const char         *call,
             const char         *dir,
             const char * const *args)
{
  g_autofree char *log = g_build_filename (dir, "..", "strace.log", NULL);
  const char *prefix[] = { "strace", "-f", "-qq", "-o", log, "-e", NULL, NULL };
  g_autofree char *trace = g_strconcat ("trace=", call, NULL);
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strconcat (call, "(", NULL);
  guint n = 0;

  prefix[6] = trace;
  argv = ctl_argv (prefix, dir, args);
  run (argv, NULL);
  g_assert_true (g_file_get_contents (log, &contents, NULL, NULL));
  for (const char *at = strstr (contents, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  g_unlink (log);
  return n;
}

static void
copy_dir (const char *from,
          const char *to)
{
  const char *argv[] = { "cp", "-a", from, to, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  gp_test_remove_dir (to);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *c = text; c && *c; c++)
    n += *c == '\n';
  return n;
}

static guint
count_of (const char *dir,
          const char *type)
{
  const char *args[] = { "list", type, NULL };
  g_autofree char *out = ctl_ok (dir, args);

  return count_lines (out);
}

/* The folder is sound: `check` finds nothing wrong. */
static void
assert_sound (const char *dir,
              const char *after)
{
  const char *args[] = { "check", NULL };
  g_autoptr(GPtrArray) argv = ctl_argv (NULL, dir, args);
  g_autofree char *out = NULL;
  int status = run (argv, &out);

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("after %s the data folder is not sound:\n%s", after, out);
}

/* What one operation is, and what it must leave. */
typedef struct
{
  const char          *name;
  const char * const  *args;
  const char          *type;      /* the documents it adds */
  guint                adds;      /* how many, when it goes through */
  gboolean             partial;   /* it may stop half way (a sync), keeping what it did */
} Operation;

/* Kills @op at @call number @when (0: after a random delay instead), then
 * checks the folder and runs the operation to its end. */
static void
kill_and_recover (const char      *base,
                  const char      *work,
                  const Operation *op,
                  const char      *call,
                  guint            when,
                  gint64           random_delay_us)
{
  guint before = count_of (base, op->type);
  guint between;
  g_autofree char *what = NULL;

  copy_dir (base, work);
  if (when > 0)
    {
      g_autofree char *trace = g_strconcat ("trace=", call, NULL);
      g_autofree char *inject = g_strdup_printf ("inject=%s:signal=KILL:when=%u", call, when);
      const char *prefix[] = { "strace", "-f", "-qq", "-o", "/dev/null", "-e", trace, "-e", inject, NULL };
      g_autoptr(GPtrArray) argv = ctl_argv (prefix, work, op->args);

      run (argv, NULL);
      what = g_strdup_printf ("%s killed at %s #%u", op->name, call, when);
      tally.points++;
    }
  else
    {
      g_autoptr(GPtrArray) argv = ctl_argv (NULL, work, op->args);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;

      process = g_subprocess_newv ((const char * const *) argv->pdata,
                                   G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      g_usleep (random_delay_us);
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      what = g_strdup_printf ("%s killed after %" G_GINT64_FORMAT " ms", op->name, random_delay_us / 1000);
      tally.random++;
    }
  tally.cycles++;

  /* Sound, nothing lost, the operation whole or not at all. */
  assert_sound (work, what);
  between = count_of (work, op->type);
  if (op->partial ? between > before + op->adds : between != before && between != before + op->adds)
    g_error ("after %s there are %u %ss: neither the %u before nor %u", what, between, op->type, before,
             before + op->adds);

  /* And it goes through when run again (a sync always runs again: what it
   * had not received yet is not counted here). */
  if (op->partial || between < before + op->adds)
    g_free (ctl_ok (work, op->args));
  assert_sound (work, what);
  g_assert_cmpuint (count_of (work, op->type), >=, before + op->adds);
}

/* Every kind of write of @op: a few points (all, long), and random moments. */
static void
kill_everywhere (const char      *base,
                 const char      *work,
                 const Operation *op,
                 GRand           *rand)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  guint n_random = is_long () ? 40 : 3;
  gint64 duration_us;

  /* How long it takes, undisturbed. */
  copy_dir (base, work);
  g_timer_start (timer);
  g_free (ctl_ok (work, op->args));
  duration_us = MAX (1000, (gint64) (g_timer_elapsed (timer, NULL) * G_USEC_PER_SEC));

  for (guint c = 0; write_calls[c] != NULL; c++)
    {
      guint n;
      guint step;

      copy_dir (base, work);
      n = count_calls (write_calls[c], work, op->args);
      if (n == 0)
        continue;
      step = MAX (1, n / (is_long () ? 150 : 4));
      for (guint when = 1; when <= n; when += step)
        kill_and_recover (base, work, op, write_calls[c], when, 0);
      if ((n - 1) % step != 0)
        kill_and_recover (base, work, op, write_calls[c], n, 0);   /* the last one too */
      g_test_message ("%s: %u %s calls", op->name, n, write_calls[c]);
    }
  for (guint i = 0; i < n_random; i++)
    kill_and_recover (base, work, op, NULL, 0, g_rand_int_range (rand, 0, (gint32) MIN (duration_us, G_MAXINT32)));
}

typedef struct
{
  char *dir;
  char *base;
  char *work;
  GRand *rand;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = gp_test_make_dir ();
  fixture->base = g_build_filename (fixture->dir, "base", NULL);
  fixture->work = g_build_filename (fixture->dir, "work", NULL);
  fixture->rand = g_rand_new_with_seed (20261203);
  memset (&tally, 0, sizeof tally);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_test_message ("%u kill cycles: %u at a write, %u at a random moment", tally.cycles, tally.points, tally.random);
  if (is_long ())
    g_print ("%s: %u kill cycles (%u at a write, %u at a random moment), every one sound\n",
             g_test_get_path (), tally.cycles, tally.points, tally.random);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->base);
  g_free (fixture->work);
  g_rand_free (fixture->rand);
}

static char *
write_photo (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "photo.jpg", NULL);
  const char *argv[] = { g_getenv ("GP_MAKE_PHOTO"), path, "1600", "1200", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
demo (const char *dir)
{
  const char *args[] = { "demo", "--households", "300", "--seed", "7", NULL };

  g_free (ctl_ok (dir, args));
}

/* A report with a photo, and a step on it. */
static void
test_report_and_act (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *photo = write_photo (fixture->dir);
  const char *report_args[] = { "report", "--category", "06010", "--building", "building:610103003003-01",
                                "--text", "暴露垃圾", "--photo", photo, "--as", "wang",
                                "--at", "2026-11-25T09:50:00+08:00", NULL };
  const Operation report = { "report", report_args, "incidents", 1 };
  g_autofree char *incident = NULL;

  demo (fixture->base);
  kill_everywhere (fixture->base, fixture->work, &report, fixture->rand);

  incident = g_strstrip (ctl_ok (fixture->base, report_args));
  {
    const char *act_args[] = { "act", incident, "handled", "--role", "leader", "--as", "li", "--note", "已清理",
                               "--photo", photo, "--at", "2026-11-25T10:00:00+08:00", NULL };
    const char *register_args[] = { "act", incident, "register", "--role", "leader", "--as", "li",
                                    "--at", "2026-11-25T09:55:00+08:00", NULL };
    const Operation act = { "act", register_args, "events", 1 };
    const Operation act_photo = { "act with a photo", act_args, "events", 1 };

    kill_everywhere (fixture->base, fixture->work, &act, fixture->rand);
    g_free (ctl_ok (fixture->base, register_args));
    {
      const char *dispatch[] = { "act", incident, "dispatch", "--role", "leader", "--as", "li", "--target", "环卫所",
                                 "--at", "2026-11-25T09:56:00+08:00", NULL };
      const char *accept[] = { "act", incident, "accept", "--as", "wang", "--at", "2026-11-25T09:57:00+08:00", NULL };
      const char *start[] = { "act", incident, "start", "--as", "wang", "--at", "2026-11-25T09:58:00+08:00", NULL };

      g_free (ctl_ok (fixture->base, dispatch));
      g_free (ctl_ok (fixture->base, accept));
      g_free (ctl_ok (fixture->base, start));
    }
    kill_everywhere (fixture->base, fixture->work, &act_photo, fixture->rand);
  }
}

/* A patrol recorded from a track, and a grid package imported. */
static void
test_patrol_and_import (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *track = g_build_filename (fixture->dir, "walk.gpx", NULL);
  g_autofree char *package = g_build_filename (fixture->dir, "grid.geojson", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "empty", NULL);
  g_autoptr(GString) gpx = g_string_new ("<?xml version=\"1.0\"?><gpx version=\"1.1\"><trk><trkseg>\n");
  const char *replay[] = { "patrol", "replay", "route:610103003003-R1", track, "--as", "wang", NULL };
  const char *import[] = { "import-grid", package, NULL };
  const char *export[] = { "export-grid", package, NULL };
  const Operation patrol = { "patrol", replay, "patrols", 1 };
  const Operation importing = { "import", import, "households", 300 };

  /* Twenty minutes along a street, a fix every ten seconds. */
  for (guint i = 0; i < 120; i++)
    g_string_append_printf (gpx, "<trkpt lat=\"%.6f\" lon=\"%.6f\"><time>2026-11-25T01:%02u:%02uZ</time>"
                                 "<hdop>1.0</hdop></trkpt>\n",
                            34.2580 + i * 0.00001, 108.9395 + i * 0.00001, i / 6, (i % 6) * 10);
  g_string_append (gpx, "</trkseg></trk></gpx>\n");
  g_assert_true (g_file_set_contents (track, gpx->str, -1, NULL));

  demo (fixture->base);
  kill_everywhere (fixture->base, fixture->work, &patrol, fixture->rand);

  g_free (ctl_ok (fixture->base, export));
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  {
    const char *nothing[] = { "list", "grids", NULL };

    g_free (ctl_ok (empty, nothing));   /* an empty store */
  }
  kill_everywhere (empty, fixture->work, &importing, fixture->rand);
}

/* A phone receiving its grid from the centre. */
static void
test_sync (Fixture       *fixture,
           gconstpointer  data)
{
  GpTestPouchdb *server = gp_test_pouchdb_start ();
  g_autofree char *centre = g_build_filename (fixture->dir, "centre", NULL);
  g_autofree char *admin_pw = g_build_filename (fixture->dir, "admin.pw", NULL);
  g_autofree char *passwords = g_build_filename (fixture->dir, "users.pw", NULL);
  g_autofree char *wang_pw = g_build_filename (fixture->dir, "wang.pw", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "phone", NULL);
  g_autofree char *photo = write_photo (fixture->dir);
  const char *sync[] = { "sync", "--server", gp_test_pouchdb_get_url (server), "--user", "wang", "--password-file",
                         wang_pw, NULL };
  const Operation syncing = { "sync", sync, "households", 300, TRUE };

  g_assert_true (g_file_set_contents (admin_pw, GP_TEST_POUCHDB_ADMIN_PASSWORD "\n", -1, NULL));
  g_assert_true (g_file_set_contents (passwords, "wang:wang-pw\n", -1, NULL));
  g_assert_true (g_file_set_contents (wang_pw, "wang-pw\n", -1, NULL));
  demo (centre);
  {
    const char *report[] = { "report", "--category", "06010", "--building", "building:610103003003-01",
                             "--text", "暴露垃圾", "--photo", photo, "--as", "wang", NULL };
    const char *setup[] = { "centre", "setup", "--server", gp_test_pouchdb_get_url (server), "--admin",
                            GP_TEST_POUCHDB_ADMIN, "--admin-password-file", admin_pw, "--grid", "610103003003",
                            "--worker", "wang", "--passwords-file", passwords, "--from-data-dir", "--test-server",
                            NULL };

    g_free (ctl_ok (centre, setup));
    g_free (ctl_ok (centre, report));
    g_free (ctl_ok (centre, (const char * const[]) { "sync", "--server", gp_test_pouchdb_get_url (server), "--user",
                                                     "wang", "--password-file", wang_pw, NULL }));
  }
  g_assert_cmpint (g_mkdir_with_parents (empty, 0700), ==, 0);
  g_free (ctl_ok (empty, (const char * const[]) { "list", "grids", NULL }));

  kill_everywhere (empty, fixture->work, &syncing, fixture->rand);
  /* The phone killed last has converged: the grid and the report, with its photo. */
  g_assert_cmpuint (count_of (fixture->work, "incidents"), ==, 1);

  /* Killed at each flush of the sync, the first of them the flush between
   * the photo files of the pull's batch and its commit (a sync with
   * nothing written flushes nothing): a photo file there with no document
   * yet, which the next opening removes; nothing names a photo that is
   * not there (assert_sound). strace counts calls a thread at a time, and
   * the pull writes in a thread of its own. */
  {
    guint n, orphaned = 0;

    copy_dir (empty, fixture->work);
    n = count_calls ("syncfs", fixture->work, sync);
    g_assert_cmpuint (n, >, 0);
    for (guint when = 1; when <= n; when++)
      {
        g_autofree char *what = g_strdup_printf ("sync killed at syncfs #%u", when);
        g_autofree char *trace = g_strconcat ("trace=", "syncfs", NULL);
        g_autofree char *inject = g_strdup_printf ("inject=syncfs:signal=KILL:when=%u", when);
        const char *prefix[] = { "strace", "-f", "-qq", "-o", "/dev/null", "-e", trace, "-e", inject, NULL };
        g_autoptr(GPtrArray) argv = NULL;
        guint files;

        copy_dir (empty, fixture->work);
        argv = ctl_argv (prefix, fixture->work, sync);
        run (argv, NULL);
        files = gp_test_count_photo_files (fixture->work);
        assert_sound (fixture->work, what);
        if (files > gp_test_count_photo_files (fixture->work))
          {
            g_assert_cmpuint (count_of (fixture->work, "incidents"), ==, 0);
            orphaned++;
          }
      }
    g_assert_cmpuint (orphaned, >, 0);
  }
  gp_test_pouchdb_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add ("/kills/report-and-act", Fixture, NULL, fixture_set_up, test_report_and_act, fixture_tear_down);
  g_test_add ("/kills/patrol-and-import", Fixture, NULL, fixture_set_up, test_patrol_and_import, fixture_tear_down);
  g_test_add ("/kills/sync", Fixture, NULL, fixture_set_up, test_sync, fixture_tear_down);

  return g_test_run ();
}
