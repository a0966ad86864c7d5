/* gp-ctl.c — gridpatrolctl: the commands, and what they all do alike.
 *
 * Every command takes --data-dir DIR and --now TIME (before or after the
 * command name). Exit status 0 on success, 1 with a one-line message on
 * stderr when the command failed, 2 when it was called wrongly. The
 * commands are in files of their own by what they work on (gp-ctl-*.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl.h"
#include "gp-ctl-command.h"
#include "gp-clock.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

static const GpCtlCommand * const commands[] = {
  &gp_ctl_demo,
  &gp_ctl_import_grid,
  &gp_ctl_export_grid,
  &gp_ctl_list,
  &gp_ctl_show,
  &gp_ctl_check,
  &gp_ctl_basemap,
  &gp_ctl_report,
  &gp_ctl_act,
  &gp_ctl_photo,
  &gp_ctl_patrol,
  &gp_ctl_visit,
  &gp_ctl_stats,
  &gp_ctl_summary,
  &gp_ctl_centre,
  &gp_ctl_sync,
};

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

/* What a command's error means for its caller: the exit status, and what
 * is said on standard error. */
static int
report_error (const GpCtlCommand *command,
              const GError       *error)
{
  g_autofree char *message = NULL;

  if (error->domain == G_OPTION_ERROR)
    return usage_error (command->name, error->message);
  if (g_error_matches (error, GP_CTL_ERROR, GP_CTL_ERROR_SAID))
    return GP_CTL_FAILED;

  /* One line, whatever the error says. */
  message = g_strdup (error->message);
  g_strdelimit (message, "\r\n", ' ');
  g_printerr ("gridpatrolctl: %s\n", message);
  return GP_CTL_FAILED;
}

static void
print_help (void)
{
  g_autofree char *data_dir = gp_store_dup_default_dir ();

  g_print (_("Usage: gridpatrolctl [--data-dir DIR] [--now TIME] COMMAND [OPTIONS…]\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s %s", commands[i]->name, commands[i]->synopsis);

      g_print ("  %-44s %s\n", line, _(commands[i]->summary));
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
  g_autoptr(GError) error = NULL;
  const GpCtlCommand *command = NULL;
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

          if (text == NULL || !gp_ctl_parse_time (text, &now, NULL))
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
    if (g_str_equal (commands[i]->name, g_ptr_array_index (rest, 0)))
      command = commands[i];
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
    if (command->run (&ctl, command, sub_argc, sub_argv, &error))
      status = GP_CTL_OK;
    else
      status = report_error (command, error);
  }

  g_clear_object (&ctl.store);
  g_free (ctl.data_dir);
  return status;
}
