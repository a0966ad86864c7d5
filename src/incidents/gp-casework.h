/* gp-casework.h — reporting incidents and taking workflow steps on a store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-categories.h"
#include "gp-photo.h"
#include "gp-store.h"
#include "gp-workflow.h"

G_BEGIN_DECLS

GpPolicy *gp_casework_load_policy   (GpStore          *store,
                                      const char       *grid_code,
                                      GError          **error) G_GNUC_WARN_UNUSED_RESULT;
GHashTable *gp_casework_policy_cache_new (void) G_GNUC_WARN_UNUSED_RESULT;
GpPolicy *gp_casework_cached_policy (GHashTable       *cache,
                                      GpStore          *store,
                                      const char       *grid_code);
GpCase   *gp_casework_load_case     (GpStore          *store,
                                      const char       *incident_id,
                                      gint64            now,
                                      GpIncident      **incident,
                                      GpPolicy        **policy,
                                      GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void      gp_casework_load_case_async  (GpStore             *store,
                                        const char          *incident_id,
                                        gint64               now,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GpCase   *gp_casework_load_case_finish (GpStore             *store,
                                        GAsyncResult        *result,
                                        GpIncident         **incident,
                                        GpPolicy           **policy,
                                        GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void      gp_casework_add_photo     (GpDocument       *document,
                                      const GpPhoto    *photo);
guint     gp_casework_count_photos  (GpDocument       *document);
gboolean  gp_casework_is_full_photo (JsonObject       *doc,
                                     const char       *attachment);
void      gp_casework_defaults      (GpPolicy         *policy,
                                      const GpCategory *category,
                                      char            **grade,
                                      char            **urgency);
gboolean  gp_casework_report        (GpStore          *store,
                                      GpIncident       *incident,
                                      GError          **error);
gboolean  gp_casework_act           (GpStore          *store,
                                      GpEvent          *event,
                                      char            **id,
                                      GError          **error);
void      gp_casework_act_async     (GpStore              *store,
                                     GpEvent              *event,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean  gp_casework_act_finish    (GpStore              *store,
                                     GAsyncResult         *result,
                                     char                **id,
                                     GError              **error);

/* A photo of a document (an incident or a step), decoded off the main loop. */
void       gp_casework_load_picture_async  (GpStore             *store,
                                            const char          *document_id,
                                            const char          *attachment,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GdkPixbuf *gp_casework_load_picture_finish (GpStore             *store,
                                            GAsyncResult        *result,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* A case as its page shows it: where it stands, its category and building
 * named, and its photos (the report's, then each step's) decoded. */
typedef struct
{
  GpCase     *shown;
  GpIncident *incident;
  GpPolicy   *policy;
  char       *category;   /* as the category list describes it */
  char       *building;   /* its name, or NULL */
  GPtrArray  *pictures;   /* GdkPixbuf */
  GPtrArray  *captions;   /* char *, one a picture: "Before", "After", or the step's name */
  GPtrArray  *provenance; /* char *, one a picture: where it came from, or "" */
  GArray     *doubtful;   /* gboolean, one a picture: from the gallery, or taken far away */
  GPtrArray  *sources;    /* char *, one a picture: the id of the document it is attached to */
  GPtrArray  *names;      /* char *, one a picture: its attachment's name */
  GArray     *remote;     /* gboolean, one a picture: only its thumbnail is here, the photo is at the centre */
} GpCaseSheet;

GpCaseSheet *gp_case_sheet_load          (GpStore             *store,
                                          const char          *incident_id,
                                          gint64               now,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_case_sheet_load_async    (GpStore             *store,
                                          const char          *incident_id,
                                          gint64               now,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GpCaseSheet *gp_case_sheet_load_finish   (GpStore             *store,
                                          GAsyncResult        *result,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_case_sheet_free          (GpCaseSheet         *sheet);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpCaseSheet, gp_case_sheet_free)

/* One photo of a case, checked against the SHA-256 recorded with it. */
typedef enum
{
  GP_PHOTO_CHECK_OK,           /* the bytes are those recorded */
  GP_PHOTO_CHECK_CHANGED,      /* they are not */
  GP_PHOTO_CHECK_UNRECORDED,   /* no hash was recorded (taken in before this was) */
  GP_PHOTO_CHECK_ABSENT,       /* the bytes are not on this device */
} GpPhotoCheckResult;

typedef struct
{
  char              *document;   /* the incident's or a step's id */
  char              *name;       /* the attachment's */
  GpPhotoCheckResult result;
  char              *recorded;   /* SHA-256, hex */
  char              *actual;     /* SHA-256, hex; NULL when unreadable */
  char              *reason;     /* why it could not be read, or NULL */
} GpPhotoCheck;

void       gp_photo_check_free      (GpPhotoCheck     *check);
GPtrArray *gp_casework_verify_photos (GpStore         *store,
                                      const char      *incident_id,
                                      GError         **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
