/* gp-report-draft.h — a report in progress, kept on disk until it is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-documents.h"
#include "gp-photo.h"

G_BEGIN_DECLS

typedef struct
{
  char      *grid;
  char      *category;
  gboolean   has_position;
  double     latitude;
  double     longitude;
  double     accuracy;        /* metres; 0 unknown */
  char      *position_from;   /* "fix", "photo", "building", "map" */
  char      *building;
  char      *household;
  char      *text;
  char      *source;
  char      *grade;
  char      *urgency;
  gboolean   grade_chosen;    /* by the worker, not from the category */
  gint64     started_at;      /* UNIX time */
  GPtrArray *photos;          /* GpPhoto */
} GpReportDraft;

GpReportDraft *gp_report_draft_new         (void) G_GNUC_WARN_UNUSED_RESULT;
void           gp_report_draft_free        (GpReportDraft *draft);
GpReportDraft *gp_report_draft_copy        (const GpReportDraft *draft) G_GNUC_WARN_UNUSED_RESULT;
gboolean       gp_report_draft_is_empty    (const GpReportDraft *draft);
char          *gp_report_draft_dup_dir     (const char    *data_dir) G_GNUC_WARN_UNUSED_RESULT;
gboolean       gp_report_draft_save        (const GpReportDraft *draft,
                                            const char    *dir,
                                            gboolean       with_photos,
                                            GError       **error);
GpReportDraft *gp_report_draft_load        (const char    *dir,
                                            GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean       gp_report_draft_discard     (const char    *dir,
                                            GError       **error);
GpIncident    *gp_report_draft_to_incident (const GpReportDraft *draft,
                                            const char    *reporter,
                                            GDateTime     *reported_at,
                                            GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpReportDraft, gp_report_draft_free)

G_END_DECLS
