/* gp-store.h — the local document store: one SQLite file, CouchDB revisions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "gp-attachment.h"

G_BEGIN_DECLS

#define GP_STORE_ERROR (gp_store_error_quark ())

typedef enum
{
  GP_STORE_ERROR_FAILED,
  GP_STORE_ERROR_NOT_FOUND,
  GP_STORE_ERROR_CONFLICT,
  GP_STORE_ERROR_INVALID,
  GP_STORE_ERROR_BUSY,
  GP_STORE_ERROR_FULL,
  GP_STORE_ERROR_CORRUPT,
  GP_STORE_ERROR_CONSTRAINT,
  GP_STORE_ERROR_TOO_NEW,
  GP_STORE_ERROR_IO,
  GP_STORE_ERROR_NOT_HERE,    /* an attachment known but not downloaded */
} GpStoreError;

/**
 * GpStorePutFlags:
 * @GP_STORE_PUT_NONE: an ordinary edit: without `_rev` the document must be new
 * @GP_STORE_PUT_UPSERT: without `_rev`, edit the winning revision; write nothing
 *   when the body and attachments are the same as the winner's
 */
typedef enum
{
  GP_STORE_PUT_NONE   = 0,
  GP_STORE_PUT_UPSERT = 1 << 0,
} GpStorePutFlags;

/**
 * GpStoreGetFlags:
 * @GP_STORE_GET_NONE: the revision's body, `_id`, `_rev` and attachment stubs
 * @GP_STORE_GET_REVISIONS: add `_revisions` (the revision's history), as CouchDB's `?revs=true`
 * @GP_STORE_GET_CONFLICTS: add `_conflicts`, as CouchDB's `?conflicts=true`
 */
typedef enum
{
  GP_STORE_GET_NONE      = 0,
  GP_STORE_GET_REVISIONS = 1 << 0,
  GP_STORE_GET_CONFLICTS = 1 << 1,
} GpStoreGetFlags;

/**
 * GpStoreRef:
 * @GP_STORE_REF_BUILDING: the document's "building"
 * @GP_STORE_REF_HOUSEHOLD: the document's "household"
 * @GP_STORE_REF_INCIDENT: the document's "incident"
 *
 * The references lists can follow through an index.
 */
typedef enum
{
  GP_STORE_REF_BUILDING,
  GP_STORE_REF_HOUSEHOLD,
  GP_STORE_REF_INCIDENT,
} GpStoreRef;

typedef gboolean (*GpStoreFamilyFunc) (JsonObject  *parent,
                                       GPtrArray   *children,
                                       gpointer     user_data,
                                       GError     **error);

/* One document of gp_store_put_all(). */
typedef struct
{
  JsonObject *doc;
  GPtrArray  *attachments;   /* GpAttachment: its new ones */
} GpStoreEdit;

/* One entry of the change feed: a document at its latest local sequence. */
typedef struct
{
  gint64  seq;
  char   *id;
  char   *rev;
  gboolean deleted;
} GpStoreChange;

#define GP_STORE_SCHEMA_VERSION 8
#define GP_STORE_FILE_NAME      "gridpatrol.db"

#define GP_TYPE_STORE (gp_store_get_type ())

G_DECLARE_FINAL_TYPE (GpStore, gp_store, GP, STORE, GObject)

GQuark       gp_store_error_quark           (void);

char        *gp_store_dup_default_dir       (void) G_GNUC_WARN_UNUSED_RESULT;
GpStore     *gp_store_open                  (const char           *dir,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_store_open_async            (const char           *dir,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GpStore     *gp_store_open_finish           (GAsyncResult         *result,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;

const char  *gp_store_get_dir               (GpStore              *self);
gint64       gp_store_get_update_seq        (GpStore              *self);

/* Raw documents, in CouchDB's JSON shape. */
JsonObject  *gp_store_get                   (GpStore              *self,
                                             const char           *id,
                                             GpStoreGetFlags       flags,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
JsonObject  *gp_store_get_revision          (GpStore              *self,
                                             const char           *id,
                                             const char           *rev,
                                             GpStoreGetFlags       flags,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
char       **gp_store_get_leaves            (GpStore              *self,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
char       **gp_store_get_conflicts         (GpStore              *self,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
char        *gp_store_put                   (GpStore              *self,
                                             JsonObject           *doc,
                                             GPtrArray            *attachments,
                                             GpStorePutFlags       flags,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_store_put_revision          (GpStore              *self,
                                             JsonObject           *doc,
                                             GPtrArray            *attachments,
                                             GError              **error);
gboolean     gp_store_put_revisions         (GpStore              *self,
                                             GPtrArray            *revisions,
                                             GPtrArray           **refused,
                                             GError              **error);
char        *gp_store_delete                (GpStore              *self,
                                             const char           *id,
                                             const char           *rev,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_store_list                  (GpStore              *self,
                                             const char           *type,
                                             const char           *grid,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_store_list_conflicted       (GpStore              *self,
                                             const char           *type,
                                             const char           *grid,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray   *gp_store_list_by               (GpStore              *self,
                                             const char           *type,
                                             GpStoreRef            ref,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
GStrv        gp_store_split_ids             (GpStore              *self,
                                             const char           *type,
                                             guint                 n_parts,
                                             guint                 min_size,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_store_foreach_family        (GpStore              *self,
                                             const char           *type,
                                             const char           *child_type,
                                             GpStoreRef            ref,
                                             const char           *from,
                                             const char           *to,
                                             GpStoreFamilyFunc     func,
                                             gpointer              user_data,
                                             GError              **error);
gint64       gp_store_count                 (GpStore              *self,
                                             const char           *type,
                                             const char           *grid,
                                             GError              **error);
GPtrArray   *gp_store_changes               (GpStore              *self,
                                             gint64                since,
                                             guint                 limit,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_store_change_free           (GpStoreChange        *change);

gboolean     gp_store_resolve_conflict      (GpStore              *self,
                                             const char           *id,
                                             const char           *keep_rev,
                                             GError              **error);
void         gp_store_resolve_conflict_async (GpStore             *self,
                                             const char           *id,
                                             const char           *keep_rev,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean     gp_store_resolve_conflict_finish (GpStore            *self,
                                             GAsyncResult         *result,
                                             GError              **error);
GPtrArray   *gp_store_get_versions          (GpStore              *self,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_store_get_versions_async    (GpStore              *self,
                                             const char           *id,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
GPtrArray   *gp_store_get_versions_finish   (GpStore              *self,
                                             GAsyncResult         *result,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;

/* Local documents (`_local/…`), as CouchDB's: no revisions, not replicated. */
JsonObject  *gp_store_get_local             (GpStore              *self,
                                             const char           *id,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_store_put_local             (GpStore              *self,
                                             const char           *id,
                                             JsonObject           *body,
                                             GError              **error);
gboolean     gp_store_put_checkpoint        (GpStore              *self,
                                             const char           *id,
                                             JsonObject           *body,
                                             GError              **error);
gboolean     gp_store_flush                 (GpStore              *self,
                                             GError              **error);

/* Attachments: bytes live in files named by their digest beside the database. */
GBytes      *gp_store_read_attachment       (GpStore              *self,
                                             const char           *digest,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_store_has_blob              (GpStore              *self,
                                             const char           *digest);
gboolean     gp_store_put_blob              (GpStore              *self,
                                             const char           *digest,
                                             GBytes               *data,
                                             GError              **error);

/* An attachment of a document's current revision whose bytes are not on
 * this device (received as a stub, to be fetched when wanted). */
typedef struct
{
  char   *doc_id;
  char   *rev;
  char   *name;
  char   *digest;
  gint64  length;
  char   *incident;   /* the incident the document belongs to, or NULL */
} GpMissingBlob;

void         gp_missing_blob_free           (GpMissingBlob        *missing);
GPtrArray   *gp_store_list_missing_blobs    (GpStore              *self,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_store_check                 (GpStore              *self,
                                             GPtrArray           **problems,
                                             GError              **error);
guint        gp_store_collect_garbage       (GpStore              *self,
                                             GError              **error);

/* Several documents in one transaction. */
GpStoreEdit *gp_store_edit_new              (JsonObject           *doc,
                                             GPtrArray            *attachments) G_GNUC_WARN_UNUSED_RESULT;
void         gp_store_edit_free             (GpStoreEdit          *edit);
char       **gp_store_put_all               (GpStore              *self,
                                             GPtrArray            *edits,
                                             GpStorePutFlags       flags,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void         gp_store_put_all_async         (GpStore              *self,
                                             GPtrArray            *edits,
                                             GpStorePutFlags       flags,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
char       **gp_store_put_all_finish        (GpStore              *self,
                                             GAsyncResult         *result,
                                             GError              **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpStoreChange, gp_store_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpStoreEdit, gp_store_edit_free)

G_END_DECLS
