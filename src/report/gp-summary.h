/* gp-summary.h — the daily bulletin, weekly summary and monthly analysis, as PDF and CSV.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "gp-stats.h"

G_BEGIN_DECLS

typedef struct
{
  GpPeriod            period;
  GDate               date;        /* a day of the period */
  const char * const *grids;       /* NULL: every grid in the store */
  gint64              now;         /* UNIX time the clocks are read at */
} GpSummaryRequest;

const char *gp_summary_title     (GpPeriod                period);
char       *gp_summary_file_name (GpPeriod                period,
                                  const GDate            *date,
                                  const char             *extension) G_GNUC_WARN_UNUSED_RESULT;
gboolean    gp_summary_write     (GpStore                *store,
                                  const GpSummaryRequest *request,
                                  const char             *pdf_path,
                                  const char             *csv_path,
                                  GError                **error);
void        gp_summary_write_async  (GpStore                *store,
                                     const GpSummaryRequest *request,
                                     const char             *pdf_path,
                                     const char             *csv_path,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);
gboolean    gp_summary_write_finish (GpStore                *store,
                                     GAsyncResult           *result,
                                     GError                **error);

G_END_DECLS
