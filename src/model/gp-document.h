/* gp-document.h — base class of every document type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gp-attachment.h"
#include "gp-types.h"

G_BEGIN_DECLS

#define GP_DOCUMENT_ERROR (gp_document_error_quark ())

typedef enum
{
  GP_DOCUMENT_ERROR_INVALID,
  GP_DOCUMENT_ERROR_MISSING,
  GP_DOCUMENT_ERROR_WRONG_TYPE,
  GP_DOCUMENT_ERROR_OUT_OF_RANGE,
  GP_DOCUMENT_ERROR_BAD_ID,
  GP_DOCUMENT_ERROR_UNKNOWN_TYPE,
  GP_DOCUMENT_ERROR_GEOMETRY,
  GP_DOCUMENT_ERROR_TOO_LARGE,
} GpDocumentError;

/* The largest document body, as JSON, of most types (a report, a step, a
 * household): a long description is a few KB. Types with geometry or a
 * track set their own, see GpDocumentClass.max_size. */
#define GP_DOCUMENT_MAX_SIZE          (64 * 1024)
/* The largest body of a document with a drawn shape or a recorded track. */
#define GP_DOCUMENT_MAX_SIZE_SHAPE    (1024 * 1024)
/* The largest attachment: a photo after intake (≤ 1600 px, re-encoded) is
 * 0.1–1 MB; eight times the worst of that leaves room and no more. */
#define GP_DOCUMENT_MAX_ATTACHMENT    (8 * 1024 * 1024)
/* The most attachments one document may carry. */
#define GP_DOCUMENT_MAX_ATTACHMENTS   32

/* Flags of a member property, and the flag of members a valid document must have. */
#define GP_PARAM_MEMBER   (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)
#define GP_PARAM_REQUIRED (1 << G_PARAM_USER_SHIFT)

#define GP_TYPE_DOCUMENT (gp_document_get_type ())

G_DECLARE_DERIVABLE_TYPE (GpDocument, gp_document, GP, DOCUMENT, GObject)

struct _GpDocumentClass
{
  GObjectClass parent_class;

  /* The value of the "type" member and the id prefix. */
  const char *type_name;
  /* The GeoJSON geometry type of the "geometry" member, or NULL for none. */
  const char *geometry_type;
  gboolean    geometry_required;
  /* The largest body, as JSON; GP_DOCUMENT_MAX_SIZE unless set. */
  gsize       max_size;

  gboolean (*validate) (GpDocument  *self,
                        GError     **error);

  /*< private >*/
  gpointer padding[7];
};

GQuark              gp_document_error_quark          (void);

GType               gp_document_type_from_name       (const char       *type_name);
const char * const *gp_document_get_type_names       (void);
gsize               gp_document_type_get_max_size    (const char       *type_name);
GpDocument         *gp_document_new                  (const char       *type_name,
                                                      const char       *id) G_GNUC_WARN_UNUSED_RESULT;
GpDocument         *gp_document_new_from_json        (JsonObject       *json,
                                                      GError          **error) G_GNUC_WARN_UNUSED_RESULT;
GpDocument         *gp_document_new_take_json        (JsonObject       *json,
                                                      GError          **error) G_GNUC_WARN_UNUSED_RESULT;
JsonObject         *gp_document_to_json              (GpDocument       *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean            gp_document_validate             (GpDocument       *self,
                                                      GError          **error);

const char         *gp_document_get_id               (GpDocument       *self);
const char         *gp_document_get_rev              (GpDocument       *self);
void                gp_document_set_rev              (GpDocument       *self,
                                                      const char       *rev);
const char         *gp_document_get_type_name        (GpDocument       *self);
JsonObject         *gp_document_get_body             (GpDocument       *self);
JsonObject         *gp_document_get_geometry         (GpDocument       *self);
void                gp_document_set_geometry         (GpDocument       *self,
                                                      JsonObject       *geometry);

GPtrArray          *gp_document_get_attachments      (GpDocument       *self);
GpAttachment       *gp_document_get_attachment       (GpDocument       *self,
                                                      const char       *name);
void                gp_document_add_attachment       (GpDocument       *self,
                                                      GpAttachment     *attachment);
gboolean            gp_document_remove_attachment    (GpDocument       *self,
                                                      const char       *name);
void                gp_document_mark_saved           (GpDocument       *self,
                                                      const char       *rev);

/* For subclasses. */
void                gp_document_class_install_members (GpDocumentClass *klass,
                                                       GParamSpec     **pspecs,
                                                       guint            n_pspecs);
const char         *gp_document_get_string_member    (GpDocument       *self,
                                                      const char       *member);
gint64              gp_document_get_int_member       (GpDocument       *self,
                                                      const char       *member,
                                                      gint64            fallback);
double              gp_document_get_double_member    (GpDocument       *self,
                                                      const char       *member,
                                                      double            fallback);
gboolean            gp_document_get_boolean_member   (GpDocument       *self,
                                                      const char       *member);
GDateTime          *gp_document_dup_time_member      (GpDocument       *self,
                                                      const char       *member) G_GNUC_WARN_UNUSED_RESULT;
char              **gp_document_dup_strv_member      (GpDocument       *self,
                                                      const char       *member) G_GNUC_WARN_UNUSED_RESULT;
JsonArray          *gp_document_get_array_member     (GpDocument       *self,
                                                      const char       *member);
JsonObject         *gp_document_get_object_member    (GpDocument       *self,
                                                      const char       *member);
void                gp_document_set_member           (GpDocument       *self,
                                                      const char       *member,
                                                      JsonNode         *value);
gboolean            gp_document_check_reference      (GpDocument       *self,
                                                      const char       *member,
                                                      const char       *type_name,
                                                      GError          **error);
gboolean            gp_document_check_choice         (GpDocument       *self,
                                                      const char       *member,
                                                      const char * const *choices,
                                                      GError          **error);

G_END_DECLS
