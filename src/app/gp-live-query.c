/* gp-live-query.c
 *
 * How a page follows what it shows. The store says which documents each
 * write changed; the context's clock says when the minute turns. A page
 * that shows cases, figures or ages asks for a "refresh" here and, on it,
 * runs its query again off the main loop (its own _async read).
 *
 * - Bursts are coalesced: a sync writes hundreds of documents in a few
 *   seconds, and the page reads once, @delay_ms after the last of them.
 * - Only what concerns the page counts: a filter on the changed ids (a
 *   case page cares for its case and its steps, not the rest).
 * - Hidden, it waits: nothing is read while the page is not on screen
 *   (gp_live_query_set_active()); a page shown again after something
 *   changed is refreshed at once, and only once.
 * - It follows the context's store as it is replaced (log in, log out).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-live-query"

#include "config.h"

#include "gp-live-query.h"

struct _GpLiveQuery
{
  GObject            parent_instance;

  GpContext         *context;    /* weak */
  GpStore           *store;      /* the context's, followed */
  guint              delay_ms;
  GpLiveQueryFilter  filter;
  gpointer           filter_data;
  gboolean           per_minute;
  gboolean           active;
  gboolean           stale;      /* something changed while inactive */
  guint              timeout_id; /* a refresh waiting for the burst to end */
};

G_DEFINE_FINAL_TYPE (GpLiveQuery, gp_live_query, G_TYPE_OBJECT)

enum {
  REFRESH,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
on_timeout (gpointer data)
{
  GpLiveQuery *self = data;

  self->timeout_id = 0;
  if (!self->active)
    {
      self->stale = TRUE;
      return G_SOURCE_REMOVE;
    }
  g_signal_emit (self, signals[REFRESH], 0);
  return G_SOURCE_REMOVE;
}

/**
 * gp_live_query_queue:
 *
 * Something the page shows changed: a refresh comes once the burst is
 * over, or when the page is shown again.
 */
void
gp_live_query_queue (GpLiveQuery *self)
{
  g_return_if_fail (GP_IS_LIVE_QUERY (self));

  if (!self->active)
    {
      self->stale = TRUE;
      return;
    }
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (self->delay_ms, on_timeout, self);
}

static void
on_documents_changed (GpStore     *store,
                      GStrv        ids,
                      GpLiveQuery *self)
{
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (self->filter == NULL || self->filter (ids[i], self->filter_data))
      {
        gp_live_query_queue (self);
        return;
      }
}

static void
on_minute (GpLiveQuery *self)
{
  if (self->per_minute)
    gp_live_query_queue (self);
}

static void
on_store_changed (GpLiveQuery *self)
{
  GpStore *store = self->context != NULL ? gp_context_get_store (self->context) : NULL;

  if (store == self->store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "documents-changed", G_CALLBACK (on_documents_changed), self, 0);
}

void
gp_live_query_set_filter (GpLiveQuery       *self,
                          GpLiveQueryFilter  filter,
                          gpointer           user_data)
{
  g_return_if_fail (GP_IS_LIVE_QUERY (self));

  self->filter = filter;
  self->filter_data = user_data;
}

/* Whether the minute's turn is a change: for pages showing ages, clocks
 * and warning colours. */
void
gp_live_query_set_per_minute (GpLiveQuery *self,
                              gboolean     per_minute)
{
  g_return_if_fail (GP_IS_LIVE_QUERY (self));

  self->per_minute = per_minute;
}

/**
 * gp_live_query_set_active:
 * @active: whether the page is on screen
 *
 * Becoming active after something changed refreshes at once.
 */
void
gp_live_query_set_active (GpLiveQuery *self,
                          gboolean     active)
{
  g_return_if_fail (GP_IS_LIVE_QUERY (self));

  self->active = active;
  if (!active)
    {
      if (self->timeout_id != 0)
        self->stale = TRUE;
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      return;
    }
  if (self->stale)
    {
      self->stale = FALSE;
      g_signal_emit (self, signals[REFRESH], 0);
    }
}

gboolean
gp_live_query_get_active (GpLiveQuery *self)
{
  g_return_val_if_fail (GP_IS_LIVE_QUERY (self), FALSE);

  return self->active;
}

/* Whether a refresh is waiting, for the end of a burst or to be shown. */
gboolean
gp_live_query_get_queued (GpLiveQuery *self)
{
  g_return_val_if_fail (GP_IS_LIVE_QUERY (self), FALSE);

  return self->timeout_id != 0 || self->stale;
}

/* Forgets what is waiting: the page is reading anew anyway. */
void
gp_live_query_stop (GpLiveQuery *self)
{
  g_return_if_fail (GP_IS_LIVE_QUERY (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->stale = FALSE;
}

static void
gp_live_query_dispose (GObject *object)
{
  GpLiveQuery *self = (GpLiveQuery *) object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
  g_clear_object (&self->store);
  g_clear_weak_pointer (&self->context);

  G_OBJECT_CLASS (gp_live_query_parent_class)->dispose (object);
}

static void
gp_live_query_class_init (GpLiveQueryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gp_live_query_dispose;

  /**
   * GpLiveQuery::refresh:
   *
   * What the page shows may have changed: it reads it again.
   */
  signals[REFRESH] = g_signal_new ("refresh", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
gp_live_query_init (GpLiveQuery *self)
{
  self->active = TRUE;
}

/**
 * gp_live_query_new:
 * @delay_ms: how long a burst of changes is waited out
 *
 * Follows @context's store, whichever it is, and its minute when asked.
 * Active until told otherwise.
 */
GpLiveQuery *
gp_live_query_new (GpContext *context,
                   guint      delay_ms)
{
  GpLiveQuery *self;

  g_return_val_if_fail (GP_IS_CONTEXT (context), NULL);

  self = g_object_new (GP_TYPE_LIVE_QUERY, NULL);
  self->delay_ms = delay_ms;
  g_set_weak_pointer (&self->context, context);
  g_signal_connect_object (context, "notify::store", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "minute", G_CALLBACK (on_minute), self, G_CONNECT_SWAPPED);
  on_store_changed (self);
  return self;
}
