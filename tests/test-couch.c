/* test-couch.c — the client for the grid centre, against a real PouchDB
 * Server and, for replies no real server gives, a socket that answers with
 * exactly the bytes a test wants.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-couch.h"
#include "gp-test-pouchdb.h"
#include "gp-test-util.h"

#include <string.h>

#define ROLE_WORKER "grid:610103003003:worker"

/* Addresses: https anywhere, http only to this machine unless allowed. */
static void
test_url (void)
{
  const char *bad[] = { "", "centre.example.org", "ftp://centre.example.org", "https://", "https://x/?a=b",
                        "not a url at all" };
  const char *good[] = { "https://centre.example.org", "https://centre.example.org:6984/couch/",
                         "http://127.0.0.1:5984", "http://localhost:5984", "http://[::1]:5984" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpCouch) couch = gp_couch_new (bad[i], FALSE, &error);

      g_assert_null (couch);
      g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_URL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GpCouch) couch = gp_couch_new (good[i], FALSE, &error);

      g_assert_no_error (error);
      g_assert_false (g_str_has_suffix (gp_couch_get_url (couch), "/"));
    }

  /* Credentials in the address: refused, and never repeated back. */
  {
    const char *with_password[] = { "https://wang:secret-pw@centre.example.org", "https://wang:secret-pw@",
                                    "ht tps://wang:secret-pw@centre" };

    for (guint i = 0; i < G_N_ELEMENTS (with_password); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GpCouch) couch = gp_couch_new (with_password[i], FALSE, &error);

        g_assert_null (couch);
        g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_URL);
        g_assert_null (strstr (error->message, "secret-pw"));
      }
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GpCouch) couch = gp_couch_new ("http://centre.example.org", FALSE, &error);
    g_autoptr(GpCouch) allowed = NULL;

    g_assert_null (couch);
    g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_INSECURE);
    g_assert_nonnull (strstr (error->message, "https://"));
    g_clear_error (&error);
    allowed = gp_couch_new ("http://centre.example.org", TRUE, &error);
    g_assert_no_error (error);
  }

  {
    g_autofree char *escaped = gp_couch_escape_id ("incident:1/2 3");
    g_autofree char *design = gp_couch_escape_id ("_design/gridpatrol");
    g_autofree char *local = gp_couch_escape_id ("_local/a b");

    g_assert_cmpstr (escaped, ==, "incident%3A1%2F2%203");
    g_assert_cmpstr (design, ==, "_design/gridpatrol");
    g_assert_cmpstr (local, ==, "_local/a%20b");
  }
}

typedef struct
{
  GpTestPouchdb *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = gp_test_pouchdb_start ();
  gp_test_pouchdb_add_user (fixture->server, "wang", "wang-pw", ROLE_WORKER, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_test_pouchdb_stop (fixture->server);
}

static GpCouch *
client (Fixture    *fixture,
        const char *name,
        const char *password)
{
  g_autoptr(GError) error = NULL;
  GpCouch *couch = gp_couch_new (gp_test_pouchdb_get_url (fixture->server), FALSE, &error);

  g_assert_no_error (error);
  gp_couch_set_credentials (couch, name, password);
  return couch;
}

/* Logging in gives the user's name and grid roles; a wrong password or
 * none is said in words. */
static void
test_login (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GpCouch) wang = client (fixture, "wang", "wang-pw");
  g_autoptr(GpCouch) wrong = client (fixture, "wang", "not-the-password");
  g_autoptr(GpCouch) nobody = client (fixture, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_couch_login (wang, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gp_couch_get_user (wang), ==, "wang");
  g_assert_true (g_strv_contains (gp_couch_get_roles (wang), ROLE_WORKER));
  g_assert_cmpuint (gp_couch_get_n_logins (wang), ==, 1);

  g_assert_false (gp_couch_login (wrong, NULL, &error));
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The user name or password is wrong");
  g_assert_null (gp_couch_get_user (wrong));
  g_clear_error (&error);

  g_assert_false (gp_couch_login (nobody, NULL, &error));
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED);
}

/* When the session cookie is gone (expired, the server restarted), a
 * request answered 401 logs in again by itself, once. */
static void
test_relogin (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GpCouch) wang = client (fixture, "wang", "wang-pw");
  g_autoptr(GpCouch) anonymous = client (fixture, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) logout = NULL;
  g_autoptr(JsonNode) refused = NULL;
  guint status = 0;

  g_clear_pointer (&info, json_node_unref);
  info = gp_test_pouchdb_admin (fixture->server, "PUT", "/grid-610103003003", NULL);
  g_clear_pointer (&info, json_node_unref);
  info = gp_test_pouchdb_admin (fixture->server, "PUT", "/grid-610103003003/_security",
                                "{\"members\": {\"roles\": [\"" ROLE_WORKER "\"]}, \"admins\": {\"roles\": []}}");
  g_clear_pointer (&info, json_node_unref);

  /* Nobody logged in: refused, and nothing to log in with. */
  refused = gp_couch_request (anonymous, "GET", "/grid-610103003003", NULL, &status, NULL, &error);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  g_assert_true (gp_couch_login (wang, NULL, &error));
  info = gp_couch_request (wang, "GET", "/grid-610103003003", NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (info), "db_name"), ==,
                   "grid-610103003003");

  /* The session ends on the server's side… */
  logout = gp_couch_request (wang, "DELETE", "/_session", NULL, &status, NULL, &error);
  g_assert_no_error (error);
  /* …and the next request logs in again by itself. */
  again = gp_couch_request (wang, "GET", "/grid-610103003003", NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (gp_couch_get_n_logins (wang), ==, 2);
}

/* A refusal carries the server's reason. */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GpCouch) wang = client (fixture, "wang", "wang-pw");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  g_assert_true (gp_couch_login (wang, NULL, &error));
  reply = gp_couch_request (wang, "GET", "/no-such-database/some-doc", NULL, &status, NULL, &error);
  g_assert_null (reply);
  g_assert_cmpuint (status, ==, 404);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_NOT_FOUND);
}

/* Nothing listening, or listening and never answering. */
static void
test_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", gp_test_free_port ());
  g_autoptr(GpCouch) couch = gp_couch_new (url, FALSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = 99;

  reply = gp_couch_request (couch, "GET", "/", NULL, &status, NULL, &error);
  g_assert_null (reply);
  g_assert_cmpuint (status, ==, 0);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, "The grid centre cannot be reached"));
}

/* A socket that answers each connection with the next of a list of byte
 * strings, exactly as given, then closes it. */
typedef struct
{
  GSocketListener *listener;
  GPtrArray       *replies;   /* GBytes; NULL: accept and say nothing */
  GThread         *thread;
  guint16          port;
} Liar;

static gpointer
liar_thread (gpointer data)
{
  Liar *liar = data;

  for (guint i = 0; i < liar->replies->len; i++)
    {
      g_autoptr(GSocketConnection) connection = g_socket_listener_accept (liar->listener, NULL, NULL, NULL);
      GInputStream *in;
      GOutputStream *out;
      GBytes *reply = g_ptr_array_index (liar->replies, i);
      GString *request = g_string_new (NULL);
      char c;

      if (connection == NULL)
        break;
      in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
      out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
      /* The request's head, then its body when it announced one. */
      while (!g_str_has_suffix (request->str, "\r\n\r\n") && g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
        g_string_append_c (request, c);
      {
        const char *length = strstr (request->str, "Content-Length: ");
        gsize n = length ? (gsize) g_ascii_strtoull (length + 16, NULL, 10) : 0;
        g_autofree char *body = g_malloc (n + 1);

        if (n > 0)
          g_input_stream_read_all (in, body, n, NULL, NULL, NULL);
      }
      g_string_free (request, TRUE);
      if (reply == NULL)
        {
          g_usleep (G_USEC_PER_SEC * 3 / 2); /* past a 1 s timeout */
          continue;
        }
      g_output_stream_write_all (out, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL, NULL, NULL);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  return NULL;
}

static Liar *
liar_start (GPtrArray *replies)
{
  Liar *liar = g_new0 (Liar, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  liar->listener = g_socket_listener_new ();
  g_socket_listener_add_address (liar->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  liar->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  liar->replies = g_ptr_array_ref (replies);
  liar->thread = g_thread_new ("liar", liar_thread, liar);
  return liar;
}

static void
liar_stop (Liar *liar)
{
  g_socket_listener_close (liar->listener);
  g_thread_join (liar->thread);
  g_object_unref (liar->listener);
  g_ptr_array_unref (liar->replies);
  g_free (liar);
}

static GBytes *
http (const char *status,
      const char *headers,
      const char *body)
{
  char *text = g_strdup_printf ("HTTP/1.1 %s\r\n%sConnection: close\r\n\r\n%s", status, headers, body);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
http_json (const char *status,
           const char *body)
{
  g_autofree char *headers = g_strdup_printf ("Content-Type: application/json\r\nContent-Length: %zu\r\n",
                                              strlen (body));
  g_autofree char *text = g_strdup_printf ("HTTP/1.1 %s\r\n%sConnection: close\r\n\r\n%s", status, headers, body);

  return g_bytes_new (text, strlen (text));
}

/* Replies no CouchDB sends: each is an error in words, nothing crashes. */
static void
test_malformed_replies (void)
{
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GString) huge = g_string_new ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  g_autofree char *url = NULL;
  g_autoptr(GpCouch) couch = NULL;
  Liar *liar;
  struct {
    const char *method;
    const char *path;
    int code;
    const char *message;
  } expected[] = {
    { "GET", "/", GP_COUCH_ERROR_BAD_REPLY, "The grid centre’s reply is not JSON (HTTP 200)" },
    { "POST", "/_session", GP_COUCH_ERROR_BAD_REPLY, "The grid centre’s answer to logging in is not a CouchDB server’s" },
    { "POST", "/_session", GP_COUCH_ERROR_BAD_REPLY, "The grid centre’s answer to logging in is not a CouchDB server’s" },
    { "GET", "/db", GP_COUCH_ERROR_BAD_REPLY, "The grid centre’s reply was cut short" },
    { "GET", "/db", GP_COUCH_ERROR_TOO_LARGE, "The grid centre’s reply is too large (200000000 bytes)" },
    { "GET", "/db/_changes", GP_COUCH_ERROR_TOO_LARGE, "The grid centre’s reply is too large (over 64 MB)" },
    { "GET", "/db", GP_COUCH_ERROR_SERVER, "The grid centre failed (HTTP 502): " },
    { "PUT", "/db/incident%3A1", GP_COUCH_ERROR_FORBIDDEN, "The grid centre refused: only leaders close out" },
    { "GET", "/", GP_COUCH_ERROR_TIMEOUT, "The grid centre did not answer in time" },
  };

  /* 65 MB of JSON whitespace, in 1 MB chunks. */
  {
    g_autofree char *chunk = g_strnfill (1024 * 1024, ' ');

    for (guint i = 0; i < 65; i++)
      g_string_append_printf (huge, "100000\r\n%s\r\n", chunk);
    g_string_append (huge, "0\r\n\r\n");
  }

  g_ptr_array_add (replies, http_json ("200 OK", "<html>Welcome to nginx!</html>"));
  g_ptr_array_add (replies, http_json ("200 OK", "{\"ok\": true, \"name\": \"wang\", \"roles\": [1, 2]}"));
  g_ptr_array_add (replies, http_json ("200 OK", "[\"ok\"]"));
  g_ptr_array_add (replies, http ("200 OK", "Content-Type: application/json\r\nContent-Length: 1000\r\n",
                                  "{\"db_name\": \"db\", \"doc_"));
  g_ptr_array_add (replies, http ("200 OK", "Content-Type: application/json\r\nContent-Length: 200000000\r\n", "{"));
  g_ptr_array_add (replies, g_bytes_new (huge->str, huge->len));
  g_ptr_array_add (replies, http ("502 Bad Gateway", "Content-Type: text/html\r\nContent-Length: 14\r\n",
                                  "<h1>502</h1>\r\n"));
  g_ptr_array_add (replies, http_json ("403 Forbidden", "{\"error\": \"forbidden\", \"reason\": \"only leaders close out\"}"));
  g_ptr_array_add (replies, NULL);
  /* Two values one after the other (found by fuzzing: json-glib aborted
   * reading it). */
  g_ptr_array_add (replies, http_json ("200 OK", "{\"db_name\": \"db\"}{\"db_name\": \"db\"}"));

  liar = liar_start (replies);
  url = g_strdup_printf ("http://127.0.0.1:%u", liar->port);
  couch = gp_couch_new (url, FALSE, NULL);
  gp_couch_set_credentials (couch, "wang", "wang-pw");
  gp_couch_set_retries (couch, 0, 0); /* each reply is one request's */

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;

      if (expected[i].code == GP_COUCH_ERROR_TIMEOUT)
        gp_couch_set_timeout (couch, 1);
      if (g_str_equal (expected[i].path, "/_session"))
        g_assert_false (gp_couch_login (couch, NULL, &error));
      else
        {
          g_autoptr(JsonNode) body = json_from_string ("{\"_id\": \"incident:1\"}", NULL);
          g_autoptr(JsonNode) reply = gp_couch_request (couch, expected[i].method, expected[i].path,
                                                        g_str_equal (expected[i].method, "PUT") ? body : NULL,
                                                        NULL, NULL, &error);

          g_assert_null (reply);
        }
      g_test_message ("reply %u: %s", i, error ? error->message : "(none)");
      g_assert_error (error, GP_COUCH_ERROR, expected[i].code);
      g_assert_cmpstr (error->message, ==, expected[i].message);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) reply = gp_couch_request (couch, "GET", "/db", NULL, NULL, NULL, &error);

    /* Read without a crash, as one of its values or as an error. */
    g_test_message ("two values: %s", reply ? "read" : error->message);
    g_assert_true (reply != NULL || g_error_matches (error, GP_COUCH_ERROR, GP_COUCH_ERROR_BAD_REPLY));
  }
  g_assert_null (gp_couch_get_user (couch));
  liar_stop (liar);
}

static GBytes *
gzip_bytes (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  g_assert_true (g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* A proxy that compresses: its Content-Length counts the gzip bytes. */
static GBytes *
http_gzip_json (const char *body)
{
  g_autoptr(GBytes) compressed = gzip_bytes (body);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                           "Content-Encoding: gzip\r\nContent-Length: %zu\r\n"
                                           "Connection: close\r\n\r\n",
                                           g_bytes_get_size (compressed));
  GByteArray *reply = g_byte_array_new ();

  g_byte_array_append (reply, (const guint8 *) head, strlen (head));
  g_byte_array_append (reply, g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed));
  return g_byte_array_free_to_bytes (reply);
}

/* Failures on the way are retried within the request; compressed replies
 * are read by their real length; what is not worth retrying is not. */
static void
test_retries (void)
{
  g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GString) login = g_string_new ("{\"ok\": true, \"name\": \"wang\", \"roles\": [\"" ROLE_WORKER "\"]}");
  g_autofree char *url = NULL;
  g_autoptr(GpCouch) couch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  Liar *liar;

  /* Login: a gateway error, then the answer compressed. */
  g_ptr_array_add (replies, http ("503 Service Unavailable", "Content-Length: 0\r\n", ""));
  g_ptr_array_add (replies, http_gzip_json (login->str));
  /* A GET: cut short, not JSON, a timeout, then the answer compressed. */
  g_ptr_array_add (replies, http ("200 OK", "Content-Type: application/json\r\nContent-Length: 1000\r\n",
                                  "{\"db_name\": "));
  g_ptr_array_add (replies, http_json ("200 OK", "<html>Bad gateway</html>"));
  g_ptr_array_add (replies, NULL);
  g_ptr_array_add (replies, http_gzip_json ("{\"db_name\": \"gridpatrol-610103003003\", \"doc_count\": 7}"));
  /* A refusal is an answer: not repeated. */
  g_ptr_array_add (replies, http_json ("403 Forbidden", "{\"error\": \"forbidden\", \"reason\": \"not yours\"}"));
  /* Four failures in a row: the request is given up after three retries. */
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (replies, http ("502 Bad Gateway", "Content-Length: 0\r\n", ""));
  /* A POST to a database (the server would pick the id) is never repeated. */
  g_ptr_array_add (replies, http ("500 Internal Server Error", "Content-Length: 0\r\n", ""));

  liar = liar_start (replies);
  url = g_strdup_printf ("http://127.0.0.1:%u", liar->port);
  couch = gp_couch_new (url, FALSE, NULL);
  gp_couch_set_credentials (couch, "wang", "wang-pw");
  gp_couch_set_retries (couch, 3, 10);
  gp_couch_set_timeout (couch, 1);

  g_assert_true (gp_couch_login (couch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gp_couch_get_user (couch), ==, "wang");
  g_assert_cmpuint (gp_couch_get_n_retries (couch), ==, 1);

  reply = gp_couch_request (couch, "GET", "/gridpatrol-610103003003", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (reply), "doc_count"), ==, 7);
  g_assert_cmpuint (gp_couch_get_n_retries (couch), ==, 4);
  g_clear_pointer (&reply, json_node_unref);

  reply = gp_couch_request (couch, "GET", "/gridpatrol-610103003003/incident%3A1", NULL, NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN);
  g_assert_cmpuint (gp_couch_get_n_retries (couch), ==, 4);
  g_clear_error (&error);

  reply = gp_couch_request (couch, "GET", "/gridpatrol-610103003003", NULL, NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_SERVER);
  g_assert_cmpuint (gp_couch_get_n_retries (couch), ==, 7);
  g_clear_error (&error);

  {
    g_autoptr(JsonNode) body = json_from_string ("{\"type\": \"note\"}", NULL);

    reply = gp_couch_request (couch, "POST", "/gridpatrol-610103003003", body, NULL, NULL, &error);
    g_assert_null (reply);
    g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_SERVER);
    g_assert_cmpuint (gp_couch_get_n_retries (couch), ==, 7);
  }
  liar_stop (liar);
}

/* A server with a certificate nobody vouches for: refused as TLS, in
 * words, before anything is sent. */
typedef struct
{
  GSocketListener *listener;
  GTlsCertificate *certificate;
  GThread         *thread;
  gboolean         request_seen;
} TlsServer;

static gpointer
tls_thread (gpointer data)
{
  TlsServer *server = data;
  g_autoptr(GSocketConnection) connection = g_socket_listener_accept (server->listener, NULL, NULL, NULL);
  g_autoptr(GIOStream) tls = NULL;
  char buffer[256];

  if (connection == NULL)
    return NULL;
  tls = g_tls_server_connection_new (G_IO_STREAM (connection), server->certificate, NULL);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    return NULL;
  /* Reached only if the client trusted the certificate. */
  server->request_seen = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer, NULL,
                                              NULL) > 0;
  return NULL;
}

static void
test_untrusted_certificate (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GpCouch) couch = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *url = NULL;
  TlsServer server = { 0 };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  server.certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  server.listener = g_socket_listener_new ();
  g_socket_listener_add_address (server.listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  server.thread = g_thread_new ("tls", tls_thread, &server);

  url = g_strdup_printf ("https://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  couch = gp_couch_new (url, FALSE, &error);
  g_assert_no_error (error);
  gp_couch_set_timeout (couch, 10);
  gp_couch_set_credentials (couch, "wang", "wang-pw");
  g_assert_false (gp_couch_login (couch, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_TLS);
  g_assert_true (g_str_has_prefix (error->message, "The grid centre’s certificate cannot be trusted"));

  g_socket_listener_close (server.listener);
  g_thread_join (server.thread);
  /* The password never left: no request reached the server. */
  g_assert_false (server.request_seen);
  g_object_unref (server.listener);
  g_object_unref (server.certificate);
  gp_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_pouchdb_require ();

  g_test_add_func ("/sync/couch/url", test_url);
  g_test_add_func ("/sync/couch/unreachable", test_unreachable);
  g_test_add_func ("/sync/couch/malformed-replies", test_malformed_replies);
  g_test_add_func ("/sync/couch/retries", test_retries);
  g_test_add_func ("/sync/couch/untrusted-certificate", test_untrusted_certificate);
  g_test_add ("/sync/couch/login", Fixture, NULL, fixture_set_up, test_login, fixture_tear_down);
  g_test_add ("/sync/couch/relogin", Fixture, NULL, fixture_set_up, test_relogin, fixture_tear_down);
  g_test_add ("/sync/couch/refusals", Fixture, NULL, fixture_set_up, test_refusals, fixture_tear_down);

  return g_test_run ();
}
