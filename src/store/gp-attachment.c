/* gp-attachment.c — a file attached to a document revision (a photo).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-attachment"

#include "config.h"

#include "gp-attachment.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (GpAttachment, gp_attachment, gp_attachment_ref, gp_attachment_unref)

GpAttachment *
gp_attachment_new (const char *name,
                   const char *content_type,
                   GBytes     *data)
{
  GpAttachment *self;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (data != NULL, NULL);

  self = g_new0 (GpAttachment, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->content_type = g_strdup (content_type ? content_type : "application/octet-stream");
  self->digest = gp_attachment_compute_digest (data);
  self->length = g_bytes_get_size (data);
  self->data = g_bytes_ref (data);
  return self;
}

/**
 * gp_attachment_new_checked:
 * @digest: the digest of @data, which the caller has just compared with it
 *
 * As gp_attachment_new(), without computing the digest again: bytes
 * received with their digest are hashed once, to check them.
 */
GpAttachment *
gp_attachment_new_checked (const char *name,
                           const char *content_type,
                           GBytes     *data,
                           const char *digest)
{
  GpAttachment *self;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (data != NULL && digest != NULL, NULL);

  self = gp_attachment_new_stub (name, content_type, digest, g_bytes_get_size (data), 0);
  self->data = g_bytes_ref (data);
  return self;
}

GpAttachment *
gp_attachment_new_stub (const char *name,
                        const char *content_type,
                        const char *digest,
                        gint64      length,
                        guint       revpos)
{
  GpAttachment *self;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  self = g_new0 (GpAttachment, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->content_type = g_strdup (content_type ? content_type : "application/octet-stream");
  self->digest = g_strdup (digest);
  self->length = length;
  self->revpos = revpos;
  return self;
}

GpAttachment *
gp_attachment_ref (GpAttachment *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
gp_attachment_unref (GpAttachment *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->name);
      g_free (self->content_type);
      g_free (self->digest);
      g_clear_pointer (&self->data, g_bytes_unref);
      g_free (self);
    }
}

gboolean
gp_attachment_is_stub (GpAttachment *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->data == NULL;
}

/* CouchDB's attachment digest: "md5-" and the base64 of the raw md5. */
char *
gp_attachment_compute_digest (GBytes *data)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint8 raw[16];
  gsize raw_length = sizeof raw;
  g_autofree char *base64 = NULL;
  gsize size;
  const guchar *bytes = g_bytes_get_data (data, &size);

  g_checksum_update (checksum, bytes, size);
  g_checksum_get_digest (checksum, raw, &raw_length);
  base64 = g_base64_encode (raw, raw_length);
  return g_strconcat ("md5-", base64, NULL);
}

/* The file name of a blob: the digest in hex, safe in any file system. */
char *
gp_attachment_digest_to_hex (const char *digest)
{
  g_autofree guchar *raw = NULL;
  gsize length = 0;
  GString *hex;

  if (digest == NULL || !g_str_has_prefix (digest, "md5-"))
    return NULL;

  raw = g_base64_decode (digest + 4, &length);
  if (length != 16)
    return NULL;

  hex = g_string_sized_new (32);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", raw[i]);
  return g_string_free (hex, FALSE);
}

/* The stub CouchDB writes in "_attachments" for a stored attachment. */
JsonObject *
gp_attachment_to_stub_json (GpAttachment *self)
{
  JsonObject *info;

  g_return_val_if_fail (self != NULL, NULL);

  info = json_object_new ();
  json_object_set_string_member (info, "content_type", self->content_type);
  json_object_set_string_member (info, "digest", self->digest);
  json_object_set_int_member (info, "length", self->length);
  json_object_set_int_member (info, "revpos", self->revpos);
  json_object_set_boolean_member (info, "stub", TRUE);
  return info;
}
