/* gp-report-draft.h — a report in progress, kept on disk until it is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-categories.h"
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
char         **gp_report_draft_dup_missing (const GpReportDraft *draft) G_GNUC_WARN_UNUSED_RESULT;
GpIncident    *gp_report_draft_to_incident (const GpReportDraft *draft,
                                            const char    *reporter,
                                            GDateTime     *reported_at,
                                            GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* Off the main loop: keeping the draft (a copy is taken; an empty draft
 * removes what was kept), and what the report form opens with. */
void           gp_report_draft_keep_async  (const GpReportDraft  *draft,
                                            const char           *dir,
                                            gboolean              with_photos,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean       gp_report_draft_keep_finish (GAsyncResult         *result,
                                            GError              **error);

/* A building the report form offers as a place. */
typedef struct
{
  char       *id;
  char       *name;
  GpGeoPoint  centre;
} GpReportPlace;

typedef struct
{
  GpCategories  *categories;       /* the grid centre's, or the shipped ones */
  GpPolicy      *policy;           /* the grid's grading scheme, or NULL */
  GpReportDraft *draft;            /* the report kept from before, or NULL */
  char          *household_label;  /* its household, masked */
  GArray        *places;           /* GpReportPlace: the grid's buildings */
} GpReportForm;

GpReportForm  *gp_report_form_load         (GpStore              *store,
                                            const char           *draft_dir,
                                            const char           *grid) G_GNUC_WARN_UNUSED_RESULT;
void           gp_report_form_load_async   (GpStore              *store,
                                            const char           *draft_dir,
                                            const char           *grid,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GpReportForm  *gp_report_form_load_finish  (GpStore              *store,
                                            GAsyncResult         *result,
                                            GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void           gp_report_form_free         (GpReportForm         *form);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpReportDraft, gp_report_draft_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpReportForm, gp_report_form_free)

G_END_DECLS
