/* gp-ctl-command.c — what gridpatrolctl's commands share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-ctl"

#include "config.h"

#include "gp-ctl-command.h"
#include "gp-clock.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (gp-ctl-error-quark, gp_ctl_error)

GpStore *
gp_ctl_get_store (GpCtl   *ctl,
                  GError **error)
{
  if (ctl->store == NULL)
    ctl->store = gp_store_open (ctl->data_dir, error);
  return ctl->store;
}

/* A command's options, with its --help from its description. */
gboolean
gp_ctl_parse_options (const GpCtlCommand   *self,
                      GOptionEntry         *entries,
                      int                  *argc,
                      char               ***argv,
                      GError              **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (self->parameter);

  g_option_context_set_summary (context, _(self->description));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return g_option_context_parse (context, argc, argv, error);
}

/* A wrong call: says why and returns FALSE. */
gboolean
gp_ctl_usage (GError     **error,
              const char  *format,
              ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (G_OPTION_ERROR, G_OPTION_ERROR_FAILED, format, args));
  va_end (args);
  return FALSE;
}

gboolean
gp_ctl_parse_time (const char  *text,
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

gboolean
gp_ctl_parse_date (const char  *text,
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

/* The grid a command means: the one given, or the only one there is. */
char *
gp_ctl_choose_grid (GpStore     *store,
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

void
gp_ctl_print_json (JsonNode *node)
{
  g_autofree char *text = gp_json_node_to_string (node, TRUE);

  g_print ("%s\n", text);
}

char *
gp_ctl_read_password_file (const char  *path,
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
