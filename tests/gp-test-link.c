/* gp-test-link.c — a mobile link emulated on loopback, for the benchmarks.
 *
 * A relay between a client and a server on this machine that gives each
 * direction the link's rate and half its round trip: bytes queue behind
 * the ones sent before them, on any connection (the one bottleneck every
 * connection shares, as a phone's radio), then take the link's delay;
 * a new connection waits one round trip (TCP's handshake). A lost segment
 * is modelled as TCP's fast retransmit sees it: that segment, and every
 * byte behind it on its connection (TCP delivers in order), arrives a
 * round trip late. The
 * relay keeps at most the link's bandwidth-delay product plus 64 KiB in
 * flight a direction, so a sender is held back as by TCP's window.
 *
 * Not modelled: TCP's congestion window shrinking after a loss and its
 * slow start, so a lossy link here is kinder than a real one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-link.h"
#include "gp-test-util.h"

#include <gio/gio.h>

#define CHUNK   16384
#define SEGMENT 1448

struct _GpTestLink
{
  GpTestLinkShape  shape;
  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *thread;
  guint16          port;
  guint16          upstream_port;
  GMutex           lock;
  GRand           *rand;
  GPtrArray       *connections;   /* GSocketConnection, closed at stop */
  gint64           free_at[2];    /* up, down: when the bottleneck has sent what it holds */
};

typedef struct
{
  GBytes *data;
  gint64  deliver_at;             /* monotonic µs */
} Chunk;

/* One direction of one connection. */
typedef struct
{
  GpTestLink *link;
  GSocket    *from;
  GSocket    *to;
  double      bytes_per_us;
  gint64      one_way_us;
  GMutex      lock;
  GCond       cond;
  GQueue      chunks;
  gsize       queued;
  gsize       limit;
  gboolean    eof;
  guint       direction;          /* 0 up, 1 down */
  gint        refs;               /* the reader's and the writer's */
} Pipe;

static void
pipe_unref (Pipe *pipe)
{
  if (!g_atomic_int_dec_and_test (&pipe->refs))
    return;
  g_object_unref (pipe->from);
  g_object_unref (pipe->to);
  g_mutex_clear (&pipe->lock);
  g_cond_clear (&pipe->cond);
  g_free (pipe);
}

/* Reads what the sender sends and schedules it on the link. */
static gpointer
pipe_read (gpointer data)
{
  Pipe *pipe = data;
  GpTestLink *link = pipe->link;
  guint8 buffer[CHUNK];

  for (;;)
    {
      gssize n;
      gint64 now, start, late = 0;
      Chunk *chunk;

      g_mutex_lock (&pipe->lock);
      while (pipe->queued >= pipe->limit)
        g_cond_wait (&pipe->cond, &pipe->lock);
      g_mutex_unlock (&pipe->lock);

      n = g_socket_receive (pipe->from, (char *) buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      now = g_get_monotonic_time ();
      chunk = g_new0 (Chunk, 1);
      chunk->data = g_bytes_new (buffer, (gsize) n);
      g_mutex_lock (&link->lock);
      for (gssize sent = 0; sent < n; sent += SEGMENT)
        if (link->shape.loss > 0 && g_rand_double (link->rand) < link->shape.loss)
          late += 2 * pipe->one_way_us;
      start = MAX (now, link->free_at[pipe->direction]);
      link->free_at[pipe->direction] = start + (gint64) (n / pipe->bytes_per_us);
      chunk->deliver_at = link->free_at[pipe->direction] + pipe->one_way_us + late;
      g_mutex_unlock (&link->lock);
      g_mutex_lock (&pipe->lock);
      /* In order on its connection: behind a late chunk, as TCP delivers. */
      if (!g_queue_is_empty (&pipe->chunks))
        chunk->deliver_at = MAX (chunk->deliver_at, ((Chunk *) g_queue_peek_tail (&pipe->chunks))->deliver_at);
      g_queue_push_tail (&pipe->chunks, chunk);
      pipe->queued += (gsize) n;
      g_cond_broadcast (&pipe->cond);
      g_mutex_unlock (&pipe->lock);
    }

  g_mutex_lock (&pipe->lock);
  pipe->eof = TRUE;
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);
  pipe_unref (pipe);
  return NULL;
}

/* Hands each chunk to the receiver when the link delivers it. */
static gpointer
pipe_write (gpointer data)
{
  Pipe *pipe = data;
  gboolean failed = FALSE;

  for (;;)
    {
      Chunk *chunk;
      gint64 wait;
      gsize size, done = 0;
      const char *bytes;

      g_mutex_lock (&pipe->lock);
      while (g_queue_is_empty (&pipe->chunks) && !pipe->eof)
        g_cond_wait (&pipe->cond, &pipe->lock);
      chunk = g_queue_pop_head (&pipe->chunks);
      g_mutex_unlock (&pipe->lock);
      if (chunk == NULL)
        break;

      wait = chunk->deliver_at - g_get_monotonic_time ();
      if (wait > 0)
        g_usleep ((gulong) wait);
      bytes = g_bytes_get_data (chunk->data, &size);
      while (!failed && done < size)
        {
          gssize n = g_socket_send (pipe->to, bytes + done, size - done, NULL, NULL);

          if (n <= 0)
            failed = TRUE;
          else
            done += (gsize) n;
        }
      g_mutex_lock (&pipe->lock);
      pipe->queued -= size;
      g_cond_broadcast (&pipe->cond);
      g_mutex_unlock (&pipe->lock);
      g_bytes_unref (chunk->data);
      g_free (chunk);
    }
  g_socket_shutdown (pipe->to, FALSE, TRUE, NULL);
  pipe_unref (pipe);
  return NULL;
}

static void
start_pipe (GpTestLink *link,
            GSocket    *from,
            GSocket    *to,
            guint       direction)
{
  Pipe *pipe = g_new0 (Pipe, 1);
  double mbit = direction == 0 ? link->shape.up_mbit : link->shape.down_mbit;

  pipe->link = link;
  pipe->from = g_object_ref (from);
  pipe->to = g_object_ref (to);
  pipe->bytes_per_us = mbit / 8.0;
  pipe->one_way_us = (gint64) (link->shape.rtt_ms * 1000 / 2);
  pipe->limit = (gsize) (pipe->bytes_per_us * link->shape.rtt_ms * 1000) + 65536;
  pipe->direction = direction;
  g_mutex_init (&pipe->lock);
  g_cond_init (&pipe->cond);
  g_queue_init (&pipe->chunks);
  pipe->refs = 2;
  g_thread_unref (g_thread_new ("link-read", pipe_read, pipe));
  g_thread_unref (g_thread_new ("link-write", pipe_write, pipe));
}

typedef struct
{
  GpTestLink        *link;
  GSocketConnection *client;
} Accepted;

static gpointer
connect_thread (gpointer data)
{
  Accepted *accepted = data;
  GpTestLink *link = accepted->link;
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  GSocketConnection *server;

  /* The handshake's round trip. */
  g_usleep ((gulong) (link->shape.rtt_ms * 1000));
  server = g_socket_client_connect_to_host (connector, "127.0.0.1", link->upstream_port, NULL, NULL);
  if (server != NULL)
    {
      g_mutex_lock (&link->lock);
      g_ptr_array_add (link->connections, server);
      g_mutex_unlock (&link->lock);
      start_pipe (link, g_socket_connection_get_socket (accepted->client),
                  g_socket_connection_get_socket (server), 0);
      start_pipe (link, g_socket_connection_get_socket (server),
                  g_socket_connection_get_socket (accepted->client), 1);
    }
  else
    g_io_stream_close (G_IO_STREAM (accepted->client), NULL, NULL);
  g_free (accepted);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  GpTestLink *link = data;

  for (;;)
    {
      GSocketConnection *client = g_socket_listener_accept (link->listener, NULL, link->cancellable, NULL);
      Accepted *accepted;

      if (client == NULL)
        break;
      g_mutex_lock (&link->lock);
      g_ptr_array_add (link->connections, client);
      g_mutex_unlock (&link->lock);
      accepted = g_new0 (Accepted, 1);
      accepted->link = link;
      accepted->client = client;
      g_thread_unref (g_thread_new ("link-connect", connect_thread, accepted));
    }
  return NULL;
}

/**
 * gp_test_link_start:
 * @upstream_port: the server's port on 127.0.0.1
 *
 * Starts the relay; clients connect to gp_test_link_get_port().
 */
GpTestLink *
gp_test_link_start (guint16                upstream_port,
                    const GpTestLinkShape *shape,
                    guint32                seed)
{
  GpTestLink *link = g_new0 (GpTestLink, 1);

  link->shape = *shape;
  link->upstream_port = upstream_port;
  link->rand = g_rand_new_with_seed (seed);
  link->cancellable = g_cancellable_new ();
  link->connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&link->lock);
  link->listener = gp_test_listen_loopback (&link->port);
  link->thread = g_thread_new ("link-accept", accept_thread, link);
  return link;
}

guint16
gp_test_link_get_port (GpTestLink *link)
{
  return link->port;
}

/* Stops accepting and closes every connection; their threads end as their
 * sockets do. The link's memory stays, for threads still finishing. */
void
gp_test_link_stop (GpTestLink *link)
{
  g_cancellable_cancel (link->cancellable);
  g_thread_join (link->thread);
  g_socket_listener_close (link->listener);
  g_mutex_lock (&link->lock);
  for (guint i = 0; i < link->connections->len; i++)
    g_socket_shutdown (g_socket_connection_get_socket (g_ptr_array_index (link->connections, i)), TRUE, TRUE,
                       NULL);
  g_mutex_unlock (&link->lock);
}
