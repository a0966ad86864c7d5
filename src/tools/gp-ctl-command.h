/* gp-ctl-command.h — what gridpatrolctl's commands share: the command
 * description (its name and help in one place), the data folder's store,
 * and the parsing every command does the same way.
 *
 * A command returns TRUE, or FALSE with an error: a G_OPTION_ERROR is a
 * wrong call (exit status 2, with a pointer to the command's --help), any
 * other a failure (exit status 1, its message on one line);
 * GP_CTL_ERROR_SAID, a failure the command has printed itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gp-store.h"

G_BEGIN_DECLS

#define GP_CTL_ERROR (gp_ctl_error_quark ())

typedef enum
{
  GP_CTL_ERROR_SAID,   /* printed by the command; nothing more to say */
} GpCtlError;

typedef struct
{
  char    *data_dir;
  GpStore *store;      /* opened when a command first asks for it */
} GpCtl;

typedef struct _GpCtlCommand GpCtlCommand;

struct _GpCtlCommand
{
  const char *name;
  const char *synopsis;      /* in the list of commands, after the name */
  const char *summary;       /* in the list of commands */
  const char *parameter;     /* in the command's --help, after its name */
  const char *description;   /* in the command's --help */
  gboolean  (*run) (GpCtl               *ctl,
                    const GpCtlCommand  *self,
                    int                  argc,
                    char               **argv,
                    GError             **error);
};

GQuark      gp_ctl_error_quark         (void);
GpStore    *gp_ctl_get_store           (GpCtl               *ctl,
                                        GError             **error);
gboolean    gp_ctl_parse_options       (const GpCtlCommand  *self,
                                        GOptionEntry        *entries,
                                        int                 *argc,
                                        char              ***argv,
                                        GError             **error);
gboolean    gp_ctl_usage               (GError             **error,
                                        const char          *format,
                                        ...) G_GNUC_PRINTF (2, 3);
gboolean    gp_ctl_parse_time          (const char          *text,
                                        GDateTime          **time,
                                        GError             **error);
gboolean    gp_ctl_parse_date          (const char          *text,
                                        GDate               *date,
                                        GError             **error);
char       *gp_ctl_choose_grid         (GpStore             *store,
                                        const char          *given,
                                        GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void        gp_ctl_print_json          (JsonNode            *node);
char       *gp_ctl_read_password_file  (const char          *path,
                                        GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* The commands, one file for each group (gp-ctl-*.c). */
extern const GpCtlCommand gp_ctl_demo;
extern const GpCtlCommand gp_ctl_import_grid;
extern const GpCtlCommand gp_ctl_export_grid;
extern const GpCtlCommand gp_ctl_basemap;
extern const GpCtlCommand gp_ctl_list;
extern const GpCtlCommand gp_ctl_show;
extern const GpCtlCommand gp_ctl_check;
extern const GpCtlCommand gp_ctl_report;
extern const GpCtlCommand gp_ctl_act;
extern const GpCtlCommand gp_ctl_patrol;
extern const GpCtlCommand gp_ctl_visit;
extern const GpCtlCommand gp_ctl_stats;
extern const GpCtlCommand gp_ctl_summary;
extern const GpCtlCommand gp_ctl_centre;
extern const GpCtlCommand gp_ctl_sync;
extern const GpCtlCommand gp_ctl_photo;

G_END_DECLS
