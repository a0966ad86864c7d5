/* gp-attachment.h — a file attached to a document revision (a photo).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _GpAttachment GpAttachment;

#define GP_TYPE_ATTACHMENT (gp_attachment_get_type ())

struct _GpAttachment
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  char   *name;
  char   *content_type;
  char   *digest;       /* CouchDB's "md5-<base64>" */
  gint64  length;
  guint   revpos;       /* the revision position that added it; 0 while new */
  GBytes *data;         /* set on a new attachment until it is stored */
};

GType         gp_attachment_get_type        (void) G_GNUC_CONST;
GpAttachment *gp_attachment_new             (const char   *name,
                                             const char   *content_type,
                                             GBytes       *data) G_GNUC_WARN_UNUSED_RESULT;
GpAttachment *gp_attachment_new_checked     (const char   *name,
                                             const char   *content_type,
                                             GBytes       *data,
                                             const char   *digest) G_GNUC_WARN_UNUSED_RESULT;
GpAttachment *gp_attachment_new_stub        (const char   *name,
                                             const char   *content_type,
                                             const char   *digest,
                                             gint64        length,
                                             guint         revpos) G_GNUC_WARN_UNUSED_RESULT;
GpAttachment *gp_attachment_ref             (GpAttachment *self);
void          gp_attachment_unref           (GpAttachment *self);
gboolean      gp_attachment_is_stub         (GpAttachment *self);
char         *gp_attachment_compute_digest  (GBytes       *data) G_GNUC_WARN_UNUSED_RESULT;
char         *gp_attachment_digest_to_hex   (const char   *digest) G_GNUC_WARN_UNUSED_RESULT;
JsonObject   *gp_attachment_to_stub_json    (GpAttachment *self) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpAttachment, gp_attachment_unref)

G_END_DECLS
