/* gp-couch.h — a client for one CouchDB-compatible server (the grid centre).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define GP_COUCH_ERROR (gp_couch_error_quark ())

typedef enum
{
  GP_COUCH_ERROR_BAD_URL,
  GP_COUCH_ERROR_INSECURE,
  GP_COUCH_ERROR_UNREACHABLE,
  GP_COUCH_ERROR_TIMEOUT,
  GP_COUCH_ERROR_TLS,
  GP_COUCH_ERROR_UNAUTHORIZED,
  GP_COUCH_ERROR_FORBIDDEN,
  GP_COUCH_ERROR_NOT_FOUND,
  GP_COUCH_ERROR_CONFLICT,
  GP_COUCH_ERROR_BAD_REQUEST,
  GP_COUCH_ERROR_SERVER,
  GP_COUCH_ERROR_BAD_REPLY,
  GP_COUCH_ERROR_TOO_LARGE,
} GpCouchError;

/* The largest reply read into memory; anything bigger is refused. */
#define GP_COUCH_MAX_REPLY (64 * 1024 * 1024)
/* Connections to the server at once: a pull fetches photos side by side. */
#define GP_COUCH_MAX_CONNECTIONS 4

#define GP_TYPE_COUCH (gp_couch_get_type ())

G_DECLARE_FINAL_TYPE (GpCouch, gp_couch, GP, COUCH, GObject)

/* How much of a reply has come: @length is -1 when not known. */
typedef void (*GpCouchProgressFunc) (gsize    received,
                                     gssize   length,
                                     gpointer user_data);

GQuark               gp_couch_error_quark     (void);

GpCouch             *gp_couch_new             (const char    *url,
                                               gboolean       allow_insecure,
                                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
const char          *gp_couch_get_url         (GpCouch       *self);
void                 gp_couch_set_timeout     (GpCouch       *self,
                                               guint          seconds);
void                 gp_couch_set_retries     (GpCouch       *self,
                                               guint          retries,
                                               guint          first_delay_ms);
guint                gp_couch_get_n_retries   (GpCouch       *self);
void                 gp_couch_set_max_reply   (GpCouch       *self,
                                               gsize          bytes);
void                 gp_couch_set_credentials (GpCouch       *self,
                                               const char    *name,
                                               const char    *password);
gboolean             gp_couch_login           (GpCouch       *self,
                                               GCancellable  *cancellable,
                                               GError       **error);
const char          *gp_couch_get_user        (GpCouch       *self);
const char * const  *gp_couch_get_roles       (GpCouch       *self);
guint                gp_couch_get_n_logins    (GpCouch       *self);
guint                gp_couch_get_n_requests  (GpCouch       *self);
guint                gp_couch_get_n_connections (GpCouch     *self);
guint64              gp_couch_get_bytes_sent  (GpCouch       *self);
guint64              gp_couch_get_bytes_received (GpCouch    *self);

JsonNode            *gp_couch_request         (GpCouch       *self,
                                               const char    *method,
                                               const char    *path,
                                               JsonNode      *body,
                                               guint         *status,
                                               GCancellable  *cancellable,
                                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;

JsonNode            *gp_couch_request_bytes   (GpCouch       *self,
                                               const char    *method,
                                               const char    *path,
                                               const char    *content_type,
                                               GBytes        *body,
                                               guint         *status,
                                               GCancellable  *cancellable,
                                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes              *gp_couch_get_bytes       (GpCouch       *self,
                                               const char    *path,
                                               char         **content_type,
                                               GCancellable  *cancellable,
                                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes              *gp_couch_get_bytes_with_progress (GpCouch             *self,
                                                       const char          *path,
                                                       char               **content_type,
                                                       GpCouchProgressFunc  progress,
                                                       gpointer             user_data,
                                                       GCancellable        *cancellable,
                                                       GError             **error) G_GNUC_WARN_UNUSED_RESULT;

char                *gp_couch_escape_id       (const char    *id) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
