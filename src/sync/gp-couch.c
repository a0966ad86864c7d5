/* gp-couch.c
 *
 * One libsoup session per server, logged in with CouchDB's `_session`
 * cookie and logged in again, once, when the server answers 401 (the
 * cookie expired). Requests are synchronous and meant for worker threads;
 * several threads may send on one client at once (a pull fetches photos
 * side by side), its counts kept under a lock. Every reply is read with a
 * size limit and checked before anything trusts it: a reply that is not
 * JSON, is cut short or is too big is an error in words, never a crash.
 * A request that fails on the way — no answer, an answer cut short or
 * garbled, a gateway or server error — is sent again a few times with a
 * short, doubling wait before the failure is given to the caller.
 * TLS certificates are verified; plain http:// is refused except to this
 * machine (a server on loopback, as in the tests) unless allowed
 * explicitly. The password is kept in memory only and never logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-couch"

#include "config.h"

#include "gp-couch.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S       30
#define DEFAULT_RETRIES         3
#define DEFAULT_RETRY_DELAY_MS  500

struct _GpCouch
{
  GObject      parent_instance;

  GMutex       lock;         /* the counts and the login, for threads sending at once */
  char        *url;          /* without a trailing slash */
  SoupSession *session;
  char        *name;
  char        *password;
  char        *user;
  GStrv        roles;
  guint64      n_logins;     /* the counts: count() and get_count() */
  guint64      n_requests;
  guint64      n_connections;
  guint64      n_retries;
  guint64      bytes_sent;
  guint64      bytes_received;
  guint        retries;
  guint        retry_delay_ms;
  gsize        max_reply;
};

G_DEFINE_FINAL_TYPE (GpCouch, gp_couch, G_TYPE_OBJECT)

G_DEFINE_QUARK (gp-couch-error-quark, gp_couch_error)

/* The counts, kept under the lock: several threads may send at once. */
static void
count (GpCouch *self,
       guint64 *counter,
       guint64  n)
{
  g_mutex_lock (&self->lock);
  *counter += n;
  g_mutex_unlock (&self->lock);
}

static guint64
get_count (GpCouch       *self,
           const guint64 *counter)
{
  guint64 value;

  g_mutex_lock (&self->lock);
  value = *counter;
  g_mutex_unlock (&self->lock);
  return value;
}

static void
gp_couch_finalize (GObject *object)
{
  GpCouch *self = (GpCouch *) object;

  g_free (self->url);
  g_clear_object (&self->session);
  g_free (self->name);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->user);
  g_strfreev (self->roles);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gp_couch_parent_class)->finalize (object);
}

static void
gp_couch_class_init (GpCouchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_couch_finalize;
}

static void
gp_couch_init (GpCouch *self)
{
  self->retries = DEFAULT_RETRIES;
  self->max_reply = GP_COUCH_MAX_REPLY;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
  g_mutex_init (&self->lock);
}

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * gp_couch_new:
 * @url: the server, `https://centre.example.org:6984` (a path is kept: a
 *   server behind a reverse proxy at `/couch` works)
 * @allow_insecure: allow plain http:// to another machine
 */
GpCouch *
gp_couch_new (const char  *url,
              gboolean     allow_insecure,
              GError     **error)
{
  g_autoptr(GpCouch) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  /* A password in the address would be shown, logged and kept in
   * settings; it is never repeated back, even to say it is wrong. */
  if ((uri != NULL && g_uri_get_userinfo (uri) != NULL) || (uri == NULL && strchr (url, '@') != NULL))
    {
      g_set_error_literal (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_URL,
                           _("The address of a grid centre holds no user name or password; enter them in "
                             "their own fields"));
      return NULL;
    }
  if (uri == NULL || scheme == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_URL,
                   _("“%s” is not the address of a grid centre; it looks like https://centre.example.org"), url);
      return NULL;
    }
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !allow_insecure && !is_loopback (g_uri_get_host (uri)))
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_INSECURE,
                   _("The address starts with http://, which sends passwords and residents’ data unprotected; "
                     "use https://"));
      return NULL;
    }

  self = g_object_new (GP_TYPE_COUCH, NULL);
  self->url = g_strdup (url);
  while (g_str_has_suffix (self->url, "/"))
    self->url[strlen (self->url) - 1] = '\0';
  self->session = soup_session_new_with_options ("timeout", DEFAULT_TIMEOUT_S,
                                                 "idle-timeout", DEFAULT_TIMEOUT_S,
                                                 "max-conns-per-host", GP_COUCH_MAX_CONNECTIONS,
                                                 "user-agent", "GridPatrol/" PACKAGE_VERSION " ",
                                                 NULL);
  soup_session_add_feature_by_type (self->session, SOUP_TYPE_COOKIE_JAR);
  return g_steal_pointer (&self);
}

const char *
gp_couch_get_url (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), NULL);

  return self->url;
}

/* Seconds to wait for a connection or a reply before giving up. */
void
gp_couch_set_timeout (GpCouch *self,
                      guint    seconds)
{
  g_return_if_fail (GP_IS_COUCH (self));

  soup_session_set_timeout (self->session, seconds);
  soup_session_set_idle_timeout (self->session, seconds);
}

/**
 * gp_couch_set_retries:
 * @retries: how many times a request that failed on the way is sent again
 * @first_delay_ms: the wait before the first retry; it doubles each time
 *
 * By default 3 retries, after 0.5, 1 and 2 s.
 */
void
gp_couch_set_retries (GpCouch *self,
                      guint    retries,
                      guint    first_delay_ms)
{
  g_return_if_fail (GP_IS_COUCH (self));

  self->retries = retries;
  self->retry_delay_ms = first_delay_ms;
}

/* The largest reply read, GP_COUCH_MAX_REPLY unless set. */
void
gp_couch_set_max_reply (GpCouch *self,
                        gsize    bytes)
{
  g_return_if_fail (GP_IS_COUCH (self));

  self->max_reply = bytes;
}

/* Requests sent again after a failure on the way. */
guint
gp_couch_get_n_retries (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), 0);

  return (guint) get_count (self, &self->n_retries);
}

void
gp_couch_set_credentials (GpCouch    *self,
                          const char *name,
                          const char *password)
{
  g_return_if_fail (GP_IS_COUCH (self));

  g_free (self->name);
  self->name = g_strdup (name);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

const char *
gp_couch_get_user (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), NULL);

  return self->user;
}

const char * const *
gp_couch_get_roles (GpCouch *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (GP_IS_COUCH (self), none);

  return self->roles ? (const char * const *) self->roles : none;
}

guint
gp_couch_get_n_logins (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), 0);

  return (guint) get_count (self, &self->n_logins);
}

/* Requests sent, logins and retries included: what a sync cost. */
guint
gp_couch_get_n_requests (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), 0);

  return (guint) get_count (self, &self->n_requests);
}

/* Connections opened to the server: one is kept alive and reused. */
guint
gp_couch_get_n_connections (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), 0);

  return (guint) get_count (self, &self->n_connections);
}

/* Bodies sent and received (headers not counted), for measuring. */
guint64
gp_couch_get_bytes_sent (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), 0);

  return get_count (self, &self->bytes_sent);
}

guint64
gp_couch_get_bytes_received (GpCouch *self)
{
  g_return_val_if_fail (GP_IS_COUCH (self), 0);

  return get_count (self, &self->bytes_received);
}

/* A document id as one path segment; `_design/` and `_local/` keep their slash. */
char *
gp_couch_escape_id (const char *id)
{
  const char *prefixes[] = { "_design/", "_local/" };

  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (id, prefixes[i]))
      {
        g_autofree char *rest = g_uri_escape_string (id + strlen (prefixes[i]), NULL, FALSE);

        return g_strconcat (prefixes[i], rest, NULL);
      }
  return g_uri_escape_string (id, NULL, FALSE);
}

/* A failure to talk to the server at all, in words. */
static void
set_transport_error (GError     **error,
                     GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_TIMEOUT, _("The grid centre did not answer in time"));
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_TLS,
                 _("The grid centre’s certificate cannot be trusted: %s"), cause->message);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
           g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY, _("The grid centre’s reply was cut short"));
  else
    g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNREACHABLE,
                 _("The grid centre cannot be reached: %s"), cause->message);
}

/* Who is told how much of a reply has come, on the thread reading it
 * (gp_couch_get_bytes_with_progress()). */
typedef struct
{
  GpCouchProgressFunc func;
  gpointer            data;
} Progress;

static GPrivate reply_progress;

/* The whole reply body, up to @max bytes. */
static GBytes *
read_reply (gsize          max,
            SoupMessage   *message,
            GInputStream  *stream,
            GCancellable  *cancellable,
            GError       **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *coding = soup_message_headers_get_one (headers, "Content-Encoding");
  g_autoptr(GByteArray) body = g_byte_array_new ();
  goffset announced = -1;
  gboolean compressed = coding != NULL && g_ascii_strcasecmp (coding, "identity") != 0;

  /* A compressed reply's Content-Length counts the compressed bytes, and
   * the session hands over the bytes decompressed: the length then bounds
   * the reply's size but cannot tell whether it was cut short (the
   * decompressor does: a cut stream fails to decode). */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    announced = soup_message_headers_get_content_length (headers);
  if (announced > (goffset) max)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GOFFSET_FORMAT, announced);

      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_TOO_LARGE,
                   _("The grid centre’s reply is too large (%s bytes)"), size);
      return NULL;
    }

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (stream, 65536, cancellable, &local_error);

      if (chunk == NULL)
        {
          set_transport_error (error, local_error);
          return NULL;
        }
      if (g_bytes_get_size (chunk) == 0)
        break;
      if (body->len + g_bytes_get_size (chunk) > max)
        {
          g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_TOO_LARGE,
                       _("The grid centre’s reply is too large (over %d MB)"), (int) (max / (1024 * 1024)));
          return NULL;
        }
      g_byte_array_append (body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (g_private_get (&reply_progress) != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
        {
          Progress *progress = g_private_get (&reply_progress);

          progress->func (body->len, compressed ? -1 : announced, progress->data);
        }
    }
  if (announced >= 0 && !compressed && (goffset) body->len != announced)
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY, _("The grid centre’s reply was cut short"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static JsonNode *
parse_reply (GBytes   *body,
             guint     status,
             GError  **error)
{
  /* The store's reader: a pull's replies are megabytes of documents, and
   * json-glib's parser reads long strings a character at a time. */
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *root = length > 0 ? gp_json_parse (data, (gssize) length, NULL) : NULL;

  if (root == NULL)
    g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY,
                 _("The grid centre’s reply is not JSON (HTTP %u)"), status);
  return root;
}

/* An HTTP error status with CouchDB's {"error", "reason"}, in words. */
static void
set_status_error (GError    **error,
                  guint       status,
                  JsonNode   *reply)
{
  JsonObject *object = reply && JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  const char *reason = gp_json_get_string (object, "reason");
  const char *kind = gp_json_get_string (object, "error");
  const char *said = reason ? reason : kind ? kind : "";

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED,
                   _("The grid centre needs you to log in: %s"), said);
      break;
    case SOUP_STATUS_FORBIDDEN:
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN, _("The grid centre refused: %s"), said);
      break;
    case SOUP_STATUS_NOT_FOUND:
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND, _("Not found on the grid centre: %s"), said);
      break;
    case SOUP_STATUS_CONFLICT:
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_CONFLICT, _("Changed meanwhile on the grid centre: %s"),
                   said);
      break;
    default:
      if (status >= 500)
        g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_SERVER, _("The grid centre failed (HTTP %u): %s"), status,
                     said);
      else
        g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REQUEST,
                     _("The grid centre did not accept the request (HTTP %u): %s"), status, said);
    }
}

static gboolean is_safe_to_repeat (const char *method,
                                   const char *path);

static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  GpCouch            *self)
{
  if (event == G_SOCKET_CLIENT_CONNECTED)
    count (self, &self->n_connections, 1);
}

/* One request; the reply's bytes when it succeeded, else @error in words
 * (with the server's reason when it gave one). */
static GBytes *
send_once (GpCouch       *self,
           const char    *method,
           const char    *path,
           const char    *accept,
           const char    *content_type,
           GBytes        *body,
           guint         *status,
           char         **reply_type,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint code;

  *status = 0;
  if (message == NULL)
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_URL, _("“%s” is not a valid address"), url);
      return NULL;
    }
  soup_message_headers_append (soup_message_get_request_headers (message), "Accept", accept);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);
  /* A request safe to repeat may go on the connection kept alive; libsoup
   * otherwise opens a new one for each POST (a replication's `_revs_diff`,
   * `_bulk_get`, `_bulk_docs`). */
  if (is_safe_to_repeat (method, path))
    soup_message_set_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), self);

  count (self, &self->n_requests, 1);
  if (body != NULL)
    count (self, &self->bytes_sent, g_bytes_get_size (body));
  stream = soup_session_send (self->session, message, cancellable, &local_error);
  if (stream == NULL)
    {
      set_transport_error (error, local_error);
      return NULL;
    }
  code = soup_message_get_status (message);
  *status = code;
  reply = read_reply (self->max_reply, message, stream, cancellable, error);
  if (reply == NULL)
    return NULL;
  g_input_stream_close (stream, NULL, NULL);
  count (self, &self->bytes_received, g_bytes_get_size (reply));

  if (SOUP_STATUS_IS_SUCCESSFUL (code))
    {
      if (reply_type != NULL)
        *reply_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                                        NULL));
      return g_steal_pointer (&reply);
    }
  /* An error's body is a courtesy: read it when it is JSON. */
  node = g_bytes_get_size (reply) > 0 ? parse_reply (reply, code, NULL) : NULL;
  set_status_error (error, code, node);
  return NULL;
}

/* send_once(), logging in again once when the session has expired. */
static GBytes *
send (GpCouch       *self,
      const char    *method,
      const char    *path,
      const char    *accept,
      const char    *content_type,
      GBytes        *body,
      guint         *status,
      char         **reply_type,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *reply;
  guint code = 0;

  reply = send_once (self, method, path, accept, content_type, body, &code, reply_type, cancellable, &local_error);
  if (reply == NULL && code == SOUP_STATUS_UNAUTHORIZED && self->password != NULL)
    {
      g_clear_error (&local_error);
      if (!gp_couch_login (self, cancellable, &local_error))
        {
          if (status != NULL)
            *status = SOUP_STATUS_UNAUTHORIZED;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      reply = send_once (self, method, path, accept, content_type, body, &code, reply_type, cancellable,
                         &local_error);
    }
  if (status != NULL)
    *status = code;
  if (reply == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return reply;
}

/* Whether a failed request may go better a moment later: no answer, an
 * answer cut short or garbled on the way, or a server that is overloaded or
 * restarting. */
static gboolean
is_transient (const GError *error,
              guint         status)
{
  if (error->domain != GP_COUCH_ERROR)
    return FALSE;
  switch (error->code)
    {
    case GP_COUCH_ERROR_TIMEOUT:
    case GP_COUCH_ERROR_UNREACHABLE:
    case GP_COUCH_ERROR_BAD_REPLY:
    case GP_COUCH_ERROR_SERVER:
      return TRUE;
    default:
      return status == 408 || status == 429;
    }
}

/* Every request the app makes is safe to send twice: GETs and the POSTs
 * to `_revs_diff`, `_bulk_get` and `_session` only read or log in; PUTs,
 * DELETEs and `_bulk_docs` name the ids and revisions they write, so a
 * repeat of one that landed is refused as a conflict or changes nothing,
 * and is never applied twice. Only a POST to a database itself, where the
 * server picks the new document's id, is not; it is never repeated. */
static gboolean
is_safe_to_repeat (const char *method,
                   const char *path)
{
  g_autofree char *resource = g_strndup (path, strcspn (path, "?"));

  return g_strcmp0 (method, "POST") != 0 || strchr (resource + 1, '/') != NULL ||
         g_str_equal (resource, "/_session");
}

/* Waits @ms, or less when @cancellable is cancelled. */
static gboolean
wait_before_retry (guint          ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (MIN (20000, until - g_get_monotonic_time () + 1));
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* send(), or send_once() for a login, and read as JSON when @json is set;
 * a failure on the way is retried a few times, with a doubling wait,
 * before it is given up. */
static GBytes *
exchange (GpCouch       *self,
          const char    *method,
          const char    *path,
          const char    *accept,
          const char    *content_type,
          GBytes        *body,
          gboolean       login,
          JsonNode     **json,
          guint         *status,
          char         **reply_type,
          GCancellable  *cancellable,
          GError       **error)
{
  guint delay = self->retry_delay_ms;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) reply = NULL;
      guint code = 0;

      if (login)
        reply = send_once (self, method, path, accept, content_type, body, &code, reply_type, cancellable,
                           &local_error);
      else
        reply = send (self, method, path, accept, content_type, body, &code, reply_type, cancellable, &local_error);
      if (reply != NULL && json != NULL)
        {
          *json = parse_reply (reply, code, &local_error);
          if (*json == NULL)
            g_clear_pointer (&reply, g_bytes_unref);
        }
      if (status != NULL)
        *status = code;
      if (reply != NULL)
        return g_steal_pointer (&reply);

      if (attempt >= self->retries || !is_transient (local_error, code) || !is_safe_to_repeat (method, path))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_debug ("Retrying %s %s in %u ms: %s", method, path, delay, local_error->message);
      if (reply_type != NULL)
        g_clear_pointer (reply_type, g_free);
      if (!wait_before_retry (delay, cancellable, error))
        return NULL;
      count (self, &self->n_retries, 1);
      delay *= 2;
    }
}

static gboolean
read_login (GpCouch   *self,
            JsonNode  *reply,
            GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  JsonArray *roles = gp_json_get_array (object, "roles");
  const char *name = gp_json_get_string (object, "name");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  /* CouchDB 3 answers {"ok": true, "name": …, "roles": […]}. */
  if (name == NULL || roles == NULL)
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY,
                   _("The grid centre’s answer to logging in is not a CouchDB server’s"));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (roles); i++)
    {
      JsonNode *role = json_array_get_element (roles, i);

      if (!gp_json_node_is_string (role))
        {
          g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY,
                       _("The grid centre’s answer to logging in is not a CouchDB server’s"));
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (role));
    }
  g_mutex_lock (&self->lock);
  g_free (self->user);
  self->user = g_strdup (name);
  g_strfreev (self->roles);
  self->roles = g_strv_builder_end (builder);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/**
 * gp_couch_login:
 *
 * Logs in with the credentials given: the session cookie is kept for the
 * requests that follow, and the user's name and roles are known.
 */
gboolean
gp_couch_login (GpCouch       *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gpointer progress;
  guint status;

  g_return_val_if_fail (GP_IS_COUCH (self), FALSE);

  if (self->name == NULL || self->password == NULL)
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED, _("Enter your user name and password"));
      return FALSE;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  /* The password is in these bytes only while the request is sent. */
  text = json_to_string (request, FALSE);
  body = g_bytes_new (text, strlen (text));
  memset (text, 0, strlen (text));

  /* A login on the way to a photo is not the photo: its reply is not
   * progress. */
  progress = g_private_get (&reply_progress);
  g_private_set (&reply_progress, NULL);
  bytes = exchange (self, "POST", "/_session", "application/json", "application/json", body, TRUE, &reply, &status,
                    NULL, cancellable, &local_error);
  g_private_set (&reply_progress, progress);
  if (reply == NULL)
    {
      if (status == SOUP_STATUS_UNAUTHORIZED)
        g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED,
                     _("The user name or password is wrong"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!read_login (self, reply, error))
    return FALSE;
  count (self, &self->n_logins, 1);
  g_debug ("Logged in to %s as %s", self->url, self->user);
  return TRUE;
}

/**
 * gp_couch_request:
 * @path: from the server's root, escaped, with its query: `/db/_changes?since=0`
 * @body: (nullable): JSON to send
 * @status: (out) (optional): the HTTP status, 0 when there was no answer
 *
 * Sends one request and reads its JSON reply. When the server answers 401
 * and there are credentials, logs in again and sends it once more.
 *
 * Returns: (transfer full): the reply, or %NULL with @error set
 */
JsonNode *
gp_couch_request (GpCouch       *self,
                  const char    *method,
                  const char    *path,
                  JsonNode      *body,
                  guint         *status,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (GP_IS_COUCH (self), NULL);

  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);

      bytes = g_bytes_new_take (text, strlen (text));
    }
  return gp_couch_request_bytes (self, method, path, "application/json", bytes, status, cancellable, error);
}

/**
 * gp_couch_request_bytes:
 * @content_type: what @body is (`multipart/related; boundary=…`)
 *
 * As gp_couch_request(), with a body of any type.
 */
JsonNode *
gp_couch_request_bytes (GpCouch       *self,
                        const char    *method,
                        const char    *path,
                        const char    *content_type,
                        GBytes        *body,
                        guint         *status,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint code = 0;

  g_return_val_if_fail (GP_IS_COUCH (self), NULL);
  g_return_val_if_fail (method != NULL && path != NULL && path[0] == '/', NULL);

  reply = exchange (self, method, path, "application/json", content_type, body, FALSE, &node, &code, NULL, cancellable,
                    error);
  if (status != NULL)
    *status = code;
  return reply != NULL ? g_steal_pointer (&node) : NULL;
}

/**
 * gp_couch_get_bytes:
 * @content_type: (out) (optional): the reply's type
 *
 * GETs something that is not JSON — an attachment's bytes — up to
 * %GP_COUCH_MAX_REPLY.
 */
GBytes *
gp_couch_get_bytes (GpCouch       *self,
                    const char    *path,
                    char         **content_type,
                    GCancellable  *cancellable,
                    GError       **error)
{
  guint code = 0;

  g_return_val_if_fail (GP_IS_COUCH (self), NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return exchange (self, "GET", path, "*/*", NULL, NULL, FALSE, NULL, &code, content_type, cancellable, error);
}

/**
 * gp_couch_get_bytes_with_progress:
 * @progress: told, on this thread, the bytes received so far and the
 *   reply's length (-1 unknown) as they come
 *
 * gp_couch_get_bytes(), telling how far the reply has come.
 */
GBytes *
gp_couch_get_bytes_with_progress (GpCouch             *self,
                                  const char          *path,
                                  char               **content_type,
                                  GpCouchProgressFunc  progress,
                                  gpointer             user_data,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  Progress told = { progress, user_data };
  GBytes *bytes;

  g_return_val_if_fail (progress != NULL, NULL);

  g_private_set (&reply_progress, &told);
  bytes = gp_couch_get_bytes (self, path, content_type, cancellable, error);
  g_private_set (&reply_progress, NULL);
  return bytes;
}
