/* gp-sync-manager.c
 *
 * Decides when to sync and tells the UI how it went. A sync is a push and
 * a pull of each of the user's grid databases, run in a worker thread with
 * its own client (logging in again costs one request); never two at once —
 * asking while one runs runs another right after. It syncs when asked,
 * when the account or grids are set, a few seconds after a local change,
 * every few minutes while online, and when the network comes back. After a
 * failure it waits, doubling the wait each time up to a quarter of an hour,
 * with some jitter so that a street's phones do not all call at once; a
 * wrong password waits for a new one instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-sync-manager"

#include "config.h"

#include "gp-sync-manager.h"
#include "gp-clock.h"
#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-stats.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

struct _GpSyncManager
{
  GObject          parent_instance;

  GpStore         *store;
  GNetworkMonitor *monitor;
  char            *url;
  char            *user;
  char            *password;
  gboolean         allow_http;
  GStrv            grids;
  GStrv            roles;

  GpSyncState      state;
  char            *message;
  gint64           last_success;
  guint            step;
  guint            n_steps;
  guint            pending;
  gint64           sent_seq;       /* -1 with no centre */
  GStrv            refused;
  GHashTable      *refused_names;  /* id → name or description of what is refused */
  gboolean         counting;       /* a look at what waits is under way */
  gboolean         count_again;
  guint            n_runs_done;

  gboolean         running;
  gboolean         again;
  guint            failures;
  guint            retry_delay;    /* seconds; 0 when no retry is waiting */
  GTimeZone       *zone;           /* of the times told: the grid's calendar */
  guint            n_runs;
  guint            change_delay_ms;

  /* Photos on demand: what is wanted, in order (the user's first), the
   * ones waiting for the network, and whether a fetch is under way. */
  gboolean         all_photos;
  GpCouch         *photo_couch;     /* (nullable) the session photos are fetched on */
  GQueue           wanted;          /* Want */
  GHashTable      *wants;           /* "id\nname" → Want, queued or waiting */
  gboolean         fetching;
  gboolean         looking;         /* a look for photos to fetch ahead is under way */
  guint            change_id;
  guint            retry_id;
  guint            period_id;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (GpSyncManager, gp_sync_manager, G_TYPE_OBJECT)

enum {
  PHOTO_PROGRESS,
  PHOTO_ARRIVED,
  PHOTO_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_LAST_SUCCESS,
  PROP_STEP,
  PROP_PENDING,
  PROP_REFUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a look at the store finds: the refused writes kept, with what
 * they are called, and what waits to be sent. */
typedef struct
{
  GStrv       refused;
  GHashTable *refused_names;   /* id → name or description */
  gint64      sent_seq;        /* -1 with no centre */
  guint       pending;
} Counts;

static void
counts_clear (Counts *counts)
{
  g_clear_pointer (&counts->refused, g_strfreev);
  g_clear_pointer (&counts->refused_names, g_hash_table_unref);
}

/* What a run needs, copied so that the thread shares nothing. */
typedef struct
{
  GpStore  *store;
  char     *url;
  char     *user;
  char     *password;
  gboolean  allow_http;
  GStrv     grids;
  gboolean  all_photos;
  GStrv     roles;           /* out: from the login */
  Counts    counts;          /* out: after the run */
  guint     sent;
  guint     received;
  gboolean  unauthorized;
} Run;

static void
run_free (Run *run)
{
  g_clear_object (&run->store);
  g_free (run->url);
  g_free (run->user);
  if (run->password != NULL)
    memset (run->password, 0, strlen (run->password));
  g_free (run->password);
  g_strfreev (run->grids);
  g_strfreev (run->roles);
  counts_clear (&run->counts);
  g_free (run);
}

static void
set_state (GpSyncManager *self,
           GpSyncState    state,
           const char    *message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
is_set_up (GpSyncManager *self)
{
  return self->url != NULL && self->user != NULL && self->password != NULL;
}

static gboolean
is_online (GpSyncManager *self)
{
  return g_network_monitor_get_network_available (self->monitor);
}

/* What waits to be sent, and what was refused: read in worker threads. */

/* The store's sequence up to which everything reached the centre, for
 * every grid; -1 when there is no centre. */
static gint64
read_sent_seq (GpStore            *store,
               const char         *url,
               const char * const *grids)
{
  gint64 sent = G_MAXINT64;

  if (url == NULL || grids == NULL || grids[0] == NULL)
    return -1;
  for (guint i = 0; grids[i] != NULL; i++)
    {
      g_autofree char *database = gp_replication_database_name (grids[i]);

      sent = MIN (sent, gp_replication_get_pushed_seq (store, url, database));
    }
  return sent;
}

/* Local changes the centre does not have yet, over the grids. */
static guint
count_pending (GpStore *store,
               gint64   sent_seq)
{
  g_autoptr(GPtrArray) changes = NULL;

  if (sent_seq < 0)
    return 0;
  changes = gp_store_changes (store, sent_seq, 0, NULL);
  return changes ? changes->len : 0;
}

static void remember_refused (GpStore *store,
                              GStrv    fresh,
                              Counts  *counts);

typedef struct
{
  GpStore  *store;
  char     *url;        /* NULL with no account */
  GStrv     grids;
  gboolean  refused;    /* the refused writes too */
  guint     n_runs_done;
  Counts    counts;     /* out */
} Look;

static void
look_free (Look *look)
{
  g_object_unref (look->store);
  g_free (look->url);
  g_strfreev (look->grids);
  counts_clear (&look->counts);
  g_free (look);
}

static void
look_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Look *look = task_data;

  if (look->refused)
    remember_refused (look->store, NULL, &look->counts);
  look->counts.sent_seq = read_sent_seq (look->store, look->url, (const char * const *) look->grids);
  look->counts.pending = count_pending (look->store, look->counts.sent_seq);
  g_task_return_boolean (task, TRUE);
}

static void
set_counts (GpSyncManager *self,
            Counts        *counts)
{
  self->sent_seq = counts->sent_seq;
  if (self->pending != counts->pending)
    {
      self->pending = counts->pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
}

static void
set_refused (GpSyncManager *self,
             Counts        *counts)
{
  g_strfreev (self->refused);
  self->refused = g_steal_pointer (&counts->refused);
  g_clear_pointer (&self->refused_names, g_hash_table_unref);
  self->refused_names = g_steal_pointer (&counts->refused_names);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSED]);
}

static void look_again (GpSyncManager *self,
                        gboolean       refused);

static void
on_looked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GpSyncManager *self = GP_SYNC_MANAGER (source);
  Look *look = g_task_get_task_data (G_TASK (result));

  self->counting = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;   /* the manager is going */
  /* A sync that ended meanwhile has told newer figures. */
  if (look->n_runs_done == self->n_runs_done)
    {
      set_counts (self, &look->counts);
      if (look->refused)
        set_refused (self, &look->counts);
    }
  if (self->count_again)
    {
      self->count_again = FALSE;
      look_again (self, FALSE);
    }
}

/* Counts what waits to be sent (and reads the refused writes kept), off
 * the main loop; asked while counting, counts once more after. */
static void
look_again (GpSyncManager *self,
            gboolean       refused)
{
  g_autoptr(GTask) task = NULL;
  Look *look;

  if (self->counting)
    {
      self->count_again = TRUE;
      return;
    }
  look = g_new0 (Look, 1);
  look->store = g_object_ref (self->store);
  look->url = is_set_up (self) ? g_strdup (self->url) : NULL;
  look->grids = g_strdupv (self->grids);
  look->refused = refused;
  look->n_runs_done = self->n_runs_done;
  self->counting = TRUE;
  task = g_task_new (self, self->cancellable, on_looked, NULL);
  g_task_set_task_data (task, look, (GDestroyNotify) look_free);
  gp_worker_run (task, look_thread);
}

static void
update_pending (GpSyncManager *self)
{
  look_again (self, FALSE);
}

typedef struct
{
  GpSyncManager *self;
  guint          step;
} Step;

static gboolean
set_step (gpointer data)
{
  Step *step = data;

  if (step->self->running && step->self->step != step->step)
    {
      step->self->step = step->step;
      g_object_notify_by_pspec (G_OBJECT (step->self), properties[PROP_STEP]);
    }
  return G_SOURCE_REMOVE;
}

static void
free_step (gpointer data)
{
  Step *step = data;

  g_object_unref (step->self);
  g_free (step);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Run *run = task_data;
  g_autoptr(GpCouch) couch = NULL;
  g_autoptr(GStrvBuilder) refused = g_strv_builder_new ();
  GError *error = NULL;

  couch = gp_couch_new (run->url, run->allow_http, &error);
  if (couch != NULL)
    gp_couch_set_credentials (couch, run->user, run->password);
  if (couch == NULL || !gp_couch_login (couch, cancellable, &error))
    run->unauthorized = g_error_matches (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED);
  else
    run->roles = g_strdupv ((char **) gp_couch_get_roles (couch));

  for (guint i = 0; error == NULL && run->grids != NULL && run->grids[i] != NULL; i++)
    {
      g_autofree char *database = gp_replication_database_name (run->grids[i]);
      GpReplicationStats sent = { 0 }, received = { 0 };
      Step *step = g_new0 (Step, 1);
      gboolean ok;

      /* "Syncing grid n of m", told on the main loop. */
      step->self = g_object_ref (source_object);
      step->step = i + 1;
      g_idle_add_full (G_PRIORITY_DEFAULT, set_step, step, free_step);

      /* What cannot be sent does not keep what can be received away: the
       * pull runs after a failed push too, unless the centre turned the
       * user away or the sync was stopped. */
      ok = gp_replicate (run->store, couch, database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE, &sent, cancellable, &error);
      if (ok || (!g_error_matches (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED) &&
                 !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
        {
          g_autoptr(GError) pull_error = NULL;

          if (!gp_replicate (run->store, couch, database, GP_REPLICATION_PULL,
                             run->all_photos ? GP_REPLICATION_FLAGS_NONE : GP_REPLICATION_PHOTOS_ON_DEMAND, &received, cancellable, &pull_error) &&
              ok)
            {
              ok = FALSE;
              error = g_steal_pointer (&pull_error);
            }
        }
      /* What came down is in the store's change feed too: one more push,
       * which finds it all on the centre, moves the checkpoint past it so
       * that it does not count as waiting to be sent. */
      if (ok && received.revisions_written > 0)
        {
          GpReplicationStats again = { 0 };

          ok = gp_replicate (run->store, couch, database, GP_REPLICATION_PUSH, GP_REPLICATION_FLAGS_NONE, &again, cancellable, &error);
          sent.revisions_written += again.revisions_written;
          gp_replication_stats_clear (&again);
        }
      run->sent += sent.revisions_written;
      run->received += received.revisions_written;
      for (guint j = 0; sent.refused != NULL && j < sent.refused->len; j++)
        g_strv_builder_add (refused, g_ptr_array_index (sent.refused, j));
      for (guint j = 0; sent.held != NULL && j < sent.held->len; j++)
        g_strv_builder_add (refused, g_ptr_array_index (sent.held, j));
      for (guint j = 0; received.skipped != NULL && j < received.skipped->len; j++)
        g_strv_builder_add (refused, g_ptr_array_index (received.skipped, j));
      gp_replication_stats_clear (&sent);
      gp_replication_stats_clear (&received);
      if (!ok)
        break;
    }

  /* What the UI shows after a run, read here rather than on the main loop. */
  {
    g_auto(GStrv) fresh = g_strv_builder_end (refused);

    remember_refused (run->store, fresh, &run->counts);
    run->counts.sent_seq = read_sent_seq (run->store, run->url, (const char * const *) run->grids);
    run->counts.pending = count_pending (run->store, run->counts.sent_seq);
  }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

#define REFUSED_ID "_local/gridpatrol-refused"

/* "id rev: reason" → its id and rev. */
static gboolean
split_refusal (const char  *line,
               char       **id,
               char       **rev)
{
  const char *space = strchr (line, ' ');
  const char *colon = strstr (line, ": ");

  if (space == NULL || colon == NULL || colon < space)
    return FALSE;
  *id = g_strndup (line, space - line);
  *rev = g_strndup (space + 1, colon - space - 1);
  return TRUE;
}

/* What the centre refused stays listed — across syncs and restarts — while
 * the phone still has that refused version: the refused writes are not
 * sent again, and the user should not lose sight of them. Each is named
 * as the phone has it. Runs in worker threads, one at a time. */
static void
remember_refused (GpStore *store,
                  GStrv    fresh,
                  Counts  *counts)
{
  static GMutex lock;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autoptr(JsonObject) kept = gp_store_get_local (store, REFUSED_ID, NULL);
  JsonArray *old = gp_json_get_array (kept, "refused");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) save = json_object_new ();
  JsonArray *lines = json_array_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  const char *id;

  for (guint i = 0; fresh != NULL && fresh[i] != NULL; i++)
    {
      g_autofree char *rev = NULL;
      char *fresh_id = NULL;

      if (split_refusal (fresh[i], &fresh_id, &rev))
        g_hash_table_add (ids, fresh_id);
      g_strv_builder_add (builder, fresh[i]);
      json_array_add_string_element (lines, fresh[i]);
    }
  for (guint i = 0; old != NULL && i < json_array_get_length (old); i++)
    {
      const char *line = json_array_get_string_element (old, i);
      g_autofree char *old_id = NULL;
      g_autofree char *rev = NULL;
      g_autoptr(JsonObject) current = NULL;

      if (line == NULL || !split_refusal (line, &old_id, &rev) || g_hash_table_contains (ids, old_id))
        continue;
      current = gp_store_get (store, old_id, GP_STORE_GET_NONE, NULL);
      if (current == NULL || g_strcmp0 (gp_json_get_string (current, "_rev"), rev) != 0)
        continue;
      g_hash_table_add (ids, g_steal_pointer (&old_id));
      g_strv_builder_add (builder, line);
      json_array_add_string_element (lines, line);
    }
  json_object_set_array_member (save, "refused", lines);
  if (!gp_store_put_local (store, REFUSED_ID, save, &error))
    g_debug ("The refused writes are not remembered: %s", error->message);
  counts->refused = g_strv_builder_end (builder);

  counts->refused_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      g_autoptr(JsonObject) doc = gp_store_get (store, id, GP_STORE_GET_NONE, NULL);
      const char *name = gp_json_get_string (doc, "name") ? gp_json_get_string (doc, "name")
                                                           : gp_json_get_string (doc, "description");

      if (name != NULL)
        g_hash_table_insert (counts->refused_names, g_strdup (id), g_strdup (name));
    }
}

/* A failure that says the centre cannot be reached now, not that what was
 * asked for cannot be had. */
static gboolean
is_out_of_reach (const GError *error)
{
  return error->domain == GP_COUCH_ERROR &&
         (error->code == GP_COUCH_ERROR_UNREACHABLE || error->code == GP_COUCH_ERROR_TIMEOUT);
}

static void schedule_retry (GpSyncManager *self);
static void start_run (GpSyncManager *self);
static void retry_waiting (GpSyncManager *self);
static void fetch_ahead (GpSyncManager *self);

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GpSyncManager *self = GP_SYNC_MANAGER (source);
  Run *run = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->running = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_autofree char *message = NULL;

      g_debug ("Sync failed: %s", error->message);
      self->failures++;
      self->n_runs_done++;
      set_counts (self, &run->counts);
      set_refused (self, &run->counts);
      /* A wrong password does not get better by waiting. */
      if (!run->unauthorized)
        {
          g_autoptr(GDateTime) utc = NULL;
          g_autoptr(GDateTime) when = NULL;
          g_autofree char *time = NULL;

          schedule_retry (self);
          utc = g_date_time_new_from_unix_utc (gp_clock_get_now () + self->retry_delay);
          when = g_date_time_to_timezone (utc, self->zone);
          time = g_date_time_format (when, "%H:%M");
          /* Translators: the reason a sync failed; the time of the next try */
          message = g_strdup_printf (_("%s; will try again at %s"), error->message, time);
        }
      /* A centre out of reach is the phone being offline, whatever the
       * network monitor thinks on a weak mobile link: said calmly, not as
       * an error, and tried again. */
      if (is_out_of_reach (error))
        set_state (self, GP_SYNC_OFFLINE, message ? message : error->message);
      else
        set_state (self, GP_SYNC_ERROR, message ? message : error->message);
    }
  else
    {
      self->failures = 0;
      self->last_success = gp_clock_get_now ();
      g_strfreev (self->roles);
      self->roles = g_steal_pointer (&run->roles);
      self->n_runs_done++;
      set_counts (self, &run->counts);
      set_refused (self, &run->counts);
      g_debug ("Synced: %u sent, %u received", run->sent, run->received);
      set_state (self, GP_SYNC_IDLE, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
      retry_waiting (self);
      fetch_ahead (self);
    }
  self->step = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);

  if (self->again)
    {
      self->again = FALSE;
      start_run (self);
    }
}

static void
start_run (GpSyncManager *self)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  if (!is_set_up (self))
    {
      set_state (self, GP_SYNC_NOT_SET_UP, NULL);
      return;
    }
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->change_id, g_source_remove);
  self->retry_delay = 0;

  run = g_new0 (Run, 1);
  run->store = g_object_ref (self->store);
  run->url = g_strdup (self->url);
  run->user = g_strdup (self->user);
  run->password = g_strdup (self->password);
  run->allow_http = self->allow_http;
  run->grids = g_strdupv (self->grids);
  run->all_photos = self->all_photos;

  self->running = TRUE;
  self->n_runs++;
  self->n_steps = self->grids ? g_strv_length (self->grids) : 0;
  self->step = 1;
  set_state (self, GP_SYNC_SYNCING, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);

  task = g_task_new (self, self->cancellable, on_run_done, NULL);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  gp_worker_run (task, sync_thread);
}

static gboolean
on_timer (gpointer data)
{
  GpSyncManager *self = data;

  self->retry_id = 0;
  self->change_id = 0;
  start_run (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (GpSyncManager *self)
{
  double delay = GP_SYNC_RETRY_FIRST_S * exp2 (MIN (self->failures, 16) - 1);

  delay = MIN (delay, GP_SYNC_RETRY_MAX_S) * g_random_double_range (0.8, 1.2);
  self->retry_delay = MAX (1, (guint) delay);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_delay, on_timer, self);
}

static gboolean
on_period (gpointer data)
{
  GpSyncManager *self = data;

  if (is_online (self) && !self->running && self->state != GP_SYNC_ERROR)
    start_run (self);
  return G_SOURCE_CONTINUE;
}

static void
on_documents_changed (GpSyncManager *self)
{
  update_pending (self);
  if (!is_set_up (self) || self->state == GP_SYNC_ERROR)
    return;
  /* Edits come in bursts: wait for a pause. */
  g_clear_handle_id (&self->change_id, g_source_remove);
  self->change_id = g_timeout_add (self->change_delay_ms, on_timer, self);
}

static void
on_reachable (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GpSyncManager) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (source), result, &error))
    {
      g_debug ("The network is back, the grid centre not yet: %s", error->message);
      return;
    }
  if (is_set_up (self))
    start_run (self);
}

/* The network is back: sync once the centre can be reached. */
static void
check_reachable (GpSyncManager *self)
{
  g_autoptr(GNetworkAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  address = G_NETWORK_ADDRESS (g_network_address_parse_uri (self->url, 443, &error));
  if (address == NULL)
    {
      start_run (self);
      return;
    }
  g_network_monitor_can_reach_async (self->monitor, G_SOCKET_CONNECTABLE (address), self->cancellable, on_reachable,
                                     g_object_ref (self));
}

static void
on_network_changed (GpSyncManager *self,
                    gboolean       available)
{
  if (!is_set_up (self))
    return;
  if (!available)
    {
      if (!self->running)
        set_state (self, GP_SYNC_OFFLINE, _("No network: changes wait on this phone"));
      return;
    }
  if (self->state == GP_SYNC_OFFLINE || self->state == GP_SYNC_ERROR)
    check_reachable (self);
  retry_waiting (self);
}

/* ---- photos on demand ----
 *
 * A pull leaves a case's full photos at the centre (their thumbnails
 * come inside the documents); a photo is fetched when a page showing it asks
 * (gp_sync_manager_want_photo()), ahead of time after a sync for the cases
 * waiting for the user when the network is not metered, or every one with
 * "download all photos". One fetch at a time, the user's asks first; a
 * photo asked for while the centre cannot be reached waits for the
 * network, and comes when it returns. */

typedef enum
{
  WANT_QUEUED,
  WANT_FETCHING,
  WANT_WAITING,    /* for the network */
} WantState;

typedef struct
{
  char      *doc_id;
  char      *name;
  WantState  state;
  gboolean   asked;      /* by a page showing it, not fetched ahead */
  double     fraction;   /* of its bytes come, while fetching */
} Want;

static void
want_free (Want *want)
{
  g_free (want->doc_id);
  g_free (want->name);
  g_free (want);
}

static char *
want_key (const char *doc_id,
          const char *name)
{
  return g_strconcat (doc_id, "\n", name, NULL);
}

/* A few photos at a time, so that one a page asks for never waits long
 * behind those fetched ahead. */
#define PHOTOS_PER_FETCH 8

/* A fetch's photos, and the session to the centre that the fetches use
 * one at a time. */
typedef struct
{
  GWeakRef       self;       /* the manager, for the reports; dropped, it stops the fetch */
  GpStore       *store;
  GpCouch       *couch;
  GStrv          grids;
  GPtrArray     *ids;        /* char *: doc id, name, doc id, name… */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_weak_ref_clear (&fetch->self);
  g_object_unref (fetch->store);
  g_object_unref (fetch->couch);
  g_strfreev (fetch->grids);
  g_ptr_array_unref (fetch->ids);
  g_free (fetch);
}

typedef enum
{
  REPORT_PROGRESS,
  REPORT_ARRIVED,
  REPORT_FAILED,
  REPORT_OFFLINE,
} ReportKind;

typedef struct
{
  GWeakRef       self;
  ReportKind     kind;
  char          *doc_id;
  char          *name;
  double         fraction;
  char          *message;
} Report;

static void
report_free (gpointer data)
{
  Report *report = data;

  g_weak_ref_clear (&report->self);
  g_free (report->doc_id);
  g_free (report->name);
  g_free (report->message);
  g_free (report);
}

static gboolean
deliver_report (gpointer data)
{
  Report *report = data;
  g_autoptr(GpSyncManager) self = g_weak_ref_get (&report->self);
  g_autofree char *key = NULL;
  Want *want;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  key = want_key (report->doc_id, report->name);
  want = g_hash_table_lookup (self->wants, key);

  switch (report->kind)
    {
    case REPORT_PROGRESS:
      if (want != NULL)
        want->fraction = report->fraction;
      g_signal_emit (self, signals[PHOTO_PROGRESS], 0, report->doc_id, report->name, report->fraction);
      break;
    case REPORT_ARRIVED:
      g_hash_table_remove (self->wants, key);
      g_signal_emit (self, signals[PHOTO_ARRIVED], 0, report->doc_id, report->name);
      break;
    case REPORT_FAILED:
      g_hash_table_remove (self->wants, key);
      g_signal_emit (self, signals[PHOTO_FAILED], 0, report->doc_id, report->name, report->message, FALSE);
      break;
    case REPORT_OFFLINE:
      if (want != NULL)
        want->state = WANT_WAITING;
      g_signal_emit (self, signals[PHOTO_FAILED], 0, report->doc_id, report->name, report->message, TRUE);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
report (Fetch      *fetch,
        ReportKind  kind,
        const char *doc_id,
        const char *name,
        double      fraction,
        const char *message)
{
  Report *report = g_new0 (Report, 1);
  g_autoptr(GpSyncManager) self = g_weak_ref_get (&fetch->self);

  g_weak_ref_init (&report->self, self);
  report->kind = kind;
  report->doc_id = g_strdup (doc_id);
  report->name = g_strdup (name);
  report->fraction = fraction;
  report->message = g_strdup (message);
  g_idle_add_full (G_PRIORITY_DEFAULT, deliver_report, report, report_free);
}

typedef struct
{
  Fetch      *fetch;
  const char *doc_id;
  const char *name;
  double      told;
} Told;

static void
on_fetch_progress (gsize    received,
                   gssize   length,
                   gpointer user_data)
{
  Told *told = user_data;
  double fraction = length > 0 ? MIN (1.0, (double) received / (double) length) : 0.0;

  /* A phone's screen needs no more than a twentieth at a time. */
  if (fraction - told->told >= 0.05)
    {
      told->told = fraction;
      report (told->fetch, REPORT_PROGRESS, told->doc_id, told->name, fraction, NULL);
    }
}

/* One photo: the database of its document's grid, the revision and digest
 * the store has. */
static gboolean
fetch_one (Fetch         *fetch,
           GpCouch       *couch,
           const char    *doc_id,
           const char    *name,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(JsonObject) doc = gp_store_get (fetch->store, doc_id, GP_STORE_GET_NONE, error);
  g_autofree char *database = NULL;
  JsonObject *stub;
  const char *grid;
  Told told = { fetch, doc_id, name, 0.0 };

  if (doc == NULL)
    return FALSE;
  stub = gp_json_get_object (gp_json_get_object (doc, "_attachments"), name);
  if (stub == NULL || gp_json_get_string (stub, "digest") == NULL)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("%s has no photo %s"), doc_id, name);
      return FALSE;
    }
  if (gp_store_has_blob (fetch->store, gp_json_get_string (stub, "digest")))
    return TRUE;
  grid = gp_json_get_string (doc, "grid");
  if (grid == NULL && fetch->grids != NULL && fetch->grids[0] != NULL)
    grid = fetch->grids[0];
  if (grid == NULL)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s belongs to no grid"), doc_id);
      return FALSE;
    }
  database = gp_replication_database_name (grid);
  return gp_replication_fetch_photo (fetch->store, couch, database, doc_id, gp_json_get_string (doc, "_rev"), name,
                                     gp_json_get_string (stub, "digest"), on_fetch_progress, &told, cancellable,
                                     error);
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Fetch *fetch = task_data;
  g_autoptr(GError) error = NULL;
  guint i = 0;

  /* The session logs in when the centre asks it to. */
  for (; i < fetch->ids->len; i += 2)
    {
      const char *doc_id = g_ptr_array_index (fetch->ids, i);
      const char *name = g_ptr_array_index (fetch->ids, i + 1);

      g_clear_error (&error);
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
      if (fetch_one (fetch, fetch->couch, doc_id, name, cancellable, &error))
        report (fetch, REPORT_ARRIVED, doc_id, name, 1.0, NULL);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || is_out_of_reach (error))
        break;
      else
        report (fetch, REPORT_FAILED, doc_id, name, 0.0, error->message);
    }
  /* What is left waits for the network, or is given up with the reason. */
  for (; error != NULL && i < fetch->ids->len; i += 2)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
      report (fetch, is_out_of_reach (error) ? REPORT_OFFLINE : REPORT_FAILED, g_ptr_array_index (fetch->ids, i),
              g_ptr_array_index (fetch->ids, i + 1), 0.0,
              is_out_of_reach (error) ? _("Offline: the photo will download when the network returns")
                                      : error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static void start_fetch (GpSyncManager *self);

static void
on_fetch_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fetch *fetch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GpSyncManager) self = g_weak_ref_get (&fetch->self);

  if (self == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  self->fetching = FALSE;
  start_fetch (self);
}

/* A photo fetched ahead waits for a network that is not metered, unless
 * every photo is wanted. */
static gboolean
may_fetch (GpSyncManager *self,
           Want          *want)
{
  return want->asked || self->all_photos || !g_network_monitor_get_network_metered (self->monitor);
}

/* Tells a page that its photo waits for the network, and why. */
static void
wait_for_network (GpSyncManager *self,
                  Want          *want,
                  const char    *message)
{
  want->state = WANT_WAITING;
  g_signal_emit (self, signals[PHOTO_FAILED], 0, want->doc_id, want->name, message, TRUE);
}

static void
start_fetch (GpSyncManager *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Fetch *fetch;
  Want *want;

  if (self->fetching || g_queue_is_empty (&self->wanted))
    return;
  /* Tried whatever the network monitor says (a weak mobile link may
   * still reach the centre); out of reach, the photos wait. */
  if (!is_set_up (self))
    {
      while ((want = g_queue_pop_head (&self->wanted)) != NULL)
        wait_for_network (self, want, _("This phone has no grid centre account to download the photo from"));
      return;
    }

  if (self->photo_couch == NULL)
    {
      self->photo_couch = gp_couch_new (self->url, self->allow_http, &error);
      if (self->photo_couch == NULL)
        {
          while ((want = g_queue_pop_head (&self->wanted)) != NULL)
            {
              g_autofree char *key = want_key (want->doc_id, want->name);

              g_signal_emit (self, signals[PHOTO_FAILED], 0, want->doc_id, want->name, error->message, FALSE);
              g_hash_table_remove (self->wants, key);
            }
          return;
        }
      gp_couch_set_credentials (self->photo_couch, self->user, self->password);
    }

  fetch = g_new0 (Fetch, 1);
  g_weak_ref_init (&fetch->self, self);
  fetch->store = g_object_ref (self->store);
  fetch->couch = g_object_ref (self->photo_couch);
  fetch->grids = g_strdupv (self->grids);
  fetch->ids = g_ptr_array_new_with_free_func (g_free);
  while (fetch->ids->len < 2 * PHOTOS_PER_FETCH && (want = g_queue_pop_head (&self->wanted)) != NULL)
    {
      if (!may_fetch (self, want))
        {
          g_autofree char *key = want_key (want->doc_id, want->name);

          g_hash_table_remove (self->wants, key);
          continue;
        }
      want->state = WANT_FETCHING;
      want->fraction = 0.0;
      g_ptr_array_add (fetch->ids, g_strdup (want->doc_id));
      g_ptr_array_add (fetch->ids, g_strdup (want->name));
    }

  if (fetch->ids->len == 0)
    {
      fetch_free (fetch);
      return;
    }
  /* The task holds no reference on the manager: one dropped (a log-out,
   * another store) is disposed, which cancels the fetch. */
  self->fetching = TRUE;
  task = g_task_new (NULL, self->cancellable, on_fetch_done, NULL);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  gp_worker_run (task, fetch_thread);
}

/* Queues a photo: a page's ask goes before what is fetched ahead. */
static void
want (GpSyncManager *self,
      const char    *doc_id,
      const char    *name,
      gboolean       asked)
{
  g_autofree char *key = want_key (doc_id, name);
  Want *want = g_hash_table_lookup (self->wants, key);

  if (want == NULL)
    {
      want = g_new0 (Want, 1);
      want->doc_id = g_strdup (doc_id);
      want->name = g_strdup (name);
      want->state = WANT_WAITING;
      g_hash_table_insert (self->wants, g_steal_pointer (&key), want);
    }
  if (want->state == WANT_FETCHING)
    {
      if (asked)
        g_signal_emit (self, signals[PHOTO_PROGRESS], 0, doc_id, name, want->fraction);
      return;
    }
  if (want->state == WANT_QUEUED)
    {
      if (!asked || want->asked)
        return;
      g_queue_remove (&self->wanted, want);
    }
  want->state = WANT_QUEUED;
  want->asked |= asked;
  if (asked)
    g_queue_push_head (&self->wanted, want);
  else
    g_queue_push_tail (&self->wanted, want);
}

/* The photos that waited for the network, asked for again. */
static void
retry_waiting (GpSyncManager *self)
{
  GHashTableIter iter;
  Want *waiting;

  g_hash_table_iter_init (&iter, self->wants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &waiting))
    if (waiting->state == WANT_WAITING && !may_fetch (self, waiting))
      g_hash_table_iter_remove (&iter);
    else if (waiting->state == WANT_WAITING)
      {
        waiting->state = WANT_QUEUED;
        if (waiting->asked)
          g_queue_push_head (&self->wanted, waiting);
        else
          g_queue_push_tail (&self->wanted, waiting);
      }
  start_fetch (self);
}

/* What to fetch ahead: every photo not here with "download all photos";
 * otherwise those of the cases waiting for the user (given to them, or,
 * for a leader, waiting for the leader). */
typedef struct
{
  GpStore  *store;
  gboolean  all;
  char     *user;
  gboolean  leader;
  GStrv     grids;
  GPtrArray *ids;     /* out: doc id, name, doc id, name… */
} Ahead;

static void
ahead_free (Ahead *ahead)
{
  g_object_unref (ahead->store);
  g_free (ahead->user);
  g_strfreev (ahead->grids);
  g_clear_pointer (&ahead->ids, g_ptr_array_unref);
  g_free (ahead);
}

static void
ahead_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Ahead *ahead = task_data;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GHashTable) todo = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;

  missing = gp_store_list_missing_blobs (ahead->store, &error);
  if (missing != NULL && missing->len > 0 && !ahead->all)
    cases = gp_stats_list_cases (ahead->store, NULL, gp_clock_get_now (), &error);
  if (missing == NULL || (!ahead->all && missing->len > 0 && cases == NULL))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      GpBoardCase *board_case = g_ptr_array_index (cases, i);

      if (ahead->grids != NULL && !g_strv_contains ((const char * const *) ahead->grids, board_case->grid))
        continue;
      if (gp_stats_is_todo (board_case->state, board_case->owner, ahead->user) ||
          (ahead->leader && gp_stats_is_todo (board_case->state, board_case->owner, NULL)))
        g_hash_table_add (todo, board_case->incident);
    }
  ahead->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < missing->len; i++)
    {
      GpMissingBlob *blob = g_ptr_array_index (missing, i);

      if (ahead->all || g_hash_table_contains (todo, blob->doc_id) ||
          (blob->incident != NULL && g_hash_table_contains (todo, blob->incident)))
        {
          g_ptr_array_add (ahead->ids, g_strdup (blob->doc_id));
          g_ptr_array_add (ahead->ids, g_strdup (blob->name));
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_ahead_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GpSyncManager *self = GP_SYNC_MANAGER (source);
  Ahead *ahead = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->looking = FALSE;
          g_debug ("No photos fetched ahead: %s", error->message);
        }
      return;
    }
  self->looking = FALSE;
  for (guint i = 0; i < ahead->ids->len; i += 2)
    want (self, g_ptr_array_index (ahead->ids, i), g_ptr_array_index (ahead->ids, i + 1), FALSE);
  g_debug ("Fetching %u photos ahead", ahead->ids->len / 2);
  start_fetch (self);
}

/* After a sync: the photos to fetch ahead, if the network allows. */
static void
fetch_ahead (GpSyncManager *self)
{
  g_autoptr(GTask) task = NULL;
  Ahead *ahead;
  gboolean leader = FALSE;

  if (self->looking || (!self->all_photos && g_network_monitor_get_network_metered (self->monitor)))
    return;
  for (guint i = 0; self->roles != NULL && self->roles[i] != NULL; i++)
    leader |= g_str_has_prefix (self->roles[i], "grid:") && g_str_has_suffix (self->roles[i], ":leader");

  ahead = g_new0 (Ahead, 1);
  ahead->store = g_object_ref (self->store);
  ahead->all = self->all_photos;
  ahead->user = g_strdup (self->user);
  ahead->leader = leader;
  ahead->grids = g_strdupv (self->grids);
  self->looking = TRUE;
  task = g_task_new (self, self->cancellable, on_ahead_found, NULL);
  g_task_set_task_data (task, ahead, (GDestroyNotify) ahead_free);
  gp_worker_run (task, ahead_thread);
}

/**
 * gp_sync_manager_want_photo:
 * @doc_id: the document the photo is attached to
 * @name: the attachment's name
 *
 * Fetches a photo left at the centre, before any fetched ahead. Progress
 * comes as #GpSyncManager::photo-progress, then
 * #GpSyncManager::photo-arrived or #GpSyncManager::photo-failed; a photo
 * asked for offline waits, and comes when the network returns.
 */
void
gp_sync_manager_want_photo (GpSyncManager *self,
                            const char    *doc_id,
                            const char    *name)
{
  g_return_if_fail (GP_IS_SYNC_MANAGER (self));
  g_return_if_fail (doc_id != NULL && name != NULL);

  want (self, doc_id, name, TRUE);
  start_fetch (self);
}

/**
 * gp_sync_manager_set_all_photos:
 * @all: %TRUE to download every photo with each sync
 *
 * "Download all photos": every sync brings the full photos too, on any
 * network. Otherwise a case's photos come when shown, and ahead only for
 * the cases waiting for the user, on a network that is not metered.
 */
void
gp_sync_manager_set_all_photos (GpSyncManager *self,
                                gboolean       all)
{
  g_return_if_fail (GP_IS_SYNC_MANAGER (self));

  if (self->all_photos == !!all)
    return;
  self->all_photos = !!all;
  if (all && is_set_up (self) && self->n_runs_done > 0)
    fetch_ahead (self);
}

gboolean
gp_sync_manager_get_all_photos (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), FALSE);

  return self->all_photos;
}

static void
gp_sync_manager_dispose (GObject *object)
{
  GpSyncManager *self = (GpSyncManager *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->change_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->period_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->store);
  g_clear_object (&self->monitor);
  g_clear_object (&self->photo_couch);

  G_OBJECT_CLASS (gp_sync_manager_parent_class)->dispose (object);
}

static void
gp_sync_manager_finalize (GObject *object)
{
  GpSyncManager *self = (GpSyncManager *) object;

  g_free (self->url);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_strfreev (self->grids);
  g_strfreev (self->roles);
  g_strfreev (self->refused);
  g_clear_pointer (&self->refused_names, g_hash_table_unref);
  g_queue_clear (&self->wanted);
  g_clear_pointer (&self->wants, g_hash_table_unref);
  g_free (self->message);
  g_time_zone_unref (self->zone);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (gp_sync_manager_parent_class)->finalize (object);
}

static void
gp_sync_manager_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GpSyncManager *self = GP_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_int64 (value, self->last_success);
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_REFUSED:
      g_value_set_boxed (value, self->refused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_sync_manager_class_init (GpSyncManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gp_sync_manager_dispose;
  object_class->finalize = gp_sync_manager_finalize;
  object_class->get_property = gp_sync_manager_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, GP_SYNC_NOT_SET_UP, GP_SYNC_ERROR, GP_SYNC_NOT_SET_UP,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_int64 ("last-success", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * GpSyncManager:refused:
   *
   * The writes the centre refused and the phone still has, as
   * gp_sync_manager_get_refused() gives them.
   */
  properties[PROP_REFUSED] =
    g_param_spec_boxed ("refused", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GpSyncManager::photo-progress:
   * @doc_id: the document
   * @name: the photo's attachment name
   * @fraction: of its bytes come, 0 to 1
   */
  signals[PHOTO_PROGRESS] =
    g_signal_new ("photo-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE);
  /**
   * GpSyncManager::photo-arrived:
   *
   * A photo asked for or fetched ahead is now in the store.
   */
  signals[PHOTO_ARRIVED] =
    g_signal_new ("photo-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * GpSyncManager::photo-failed:
   * @message: why, in words
   * @will_retry: %TRUE when it waits for the network and will come then
   */
  signals[PHOTO_FAILED] =
    g_signal_new ("photo-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
gp_sync_manager_init (GpSyncManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->change_delay_ms = GP_SYNC_CHANGE_DELAY_MS;
  self->wants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) want_free);
  self->sent_seq = -1;
  self->zone = g_time_zone_new_offset (GP_CLOCK_CHINA_UTC_OFFSET);
}

/**
 * gp_sync_manager_new:
 * @monitor: (nullable): the network monitor; the default one when %NULL
 */
GpSyncManager *
gp_sync_manager_new (GpStore         *store,
                     GNetworkMonitor *monitor)
{
  GpSyncManager *self;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  self = g_object_new (GP_TYPE_SYNC_MANAGER, NULL);
  self->store = g_object_ref (store);
  self->monitor = g_object_ref (monitor ? monitor : g_network_monitor_get_default ());
  g_signal_connect_swapped (self->store, "documents-changed", G_CALLBACK (on_documents_changed), self);
  g_signal_connect_swapped (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self);
  self->period_id = g_timeout_add_seconds (GP_SYNC_PERIOD_S, on_period, self);
  look_again (self, TRUE);
  return self;
}

/**
 * gp_sync_manager_set_account:
 * @url: (nullable): the centre; %NULL to stop syncing
 *
 * The password is kept in memory only; the app keeps it with libsecret.
 * Setting an account syncs at once.
 */
void
gp_sync_manager_set_account (GpSyncManager *self,
                             const char    *url,
                             const char    *user,
                             const char    *password,
                             gboolean       allow_http)
{
  g_return_if_fail (GP_IS_SYNC_MANAGER (self));

  g_free (self->url);
  self->url = g_strdup (url);
  g_free (self->user);
  self->user = g_strdup (user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  self->allow_http = allow_http;
  self->failures = 0;
  /* A fetch under way keeps its own reference to the old session. */
  g_clear_object (&self->photo_couch);
  update_pending (self);
  if (!is_set_up (self))
    {
      g_clear_handle_id (&self->retry_id, g_source_remove);
      set_state (self, GP_SYNC_NOT_SET_UP, NULL);
      return;
    }
  start_run (self);
}

void
gp_sync_manager_set_grids (GpSyncManager      *self,
                           const char * const *grid_codes)
{
  g_return_if_fail (GP_IS_SYNC_MANAGER (self));

  g_strfreev (self->grids);
  self->grids = g_strdupv ((char **) grid_codes);
  update_pending (self);
}

/* How long after a local change to sync; shorter in tests. */
void
gp_sync_manager_set_change_delay (GpSyncManager *self,
                                  guint          milliseconds)
{
  g_return_if_fail (GP_IS_SYNC_MANAGER (self));

  self->change_delay_ms = milliseconds;
}

/* "Sync now": at once, or right after the sync that is running. */
void
gp_sync_manager_sync_now (GpSyncManager *self)
{
  g_return_if_fail (GP_IS_SYNC_MANAGER (self));

  self->failures = 0;
  start_run (self);
}

GpSyncState
gp_sync_manager_get_state (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), GP_SYNC_NOT_SET_UP);

  return self->state;
}

/* Why the last sync failed, in words; NULL when it did not. */
const char *
gp_sync_manager_get_message (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), NULL);

  return self->message;
}

/* UNIX seconds of the last sync that went through; 0 for never. */
gint64
gp_sync_manager_get_last_success (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), 0);

  return self->last_success;
}

guint
gp_sync_manager_get_step (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), 0);

  return self->step;
}

guint
gp_sync_manager_get_n_steps (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), 0);

  return self->n_steps;
}

/* Local changes the centre does not have yet. */
guint
gp_sync_manager_get_pending (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), 0);

  return self->pending;
}

/* The store's sequence up to which everything reached the centre, for
 * every grid, as last counted; -1 when there is no centre. */
gint64
gp_sync_manager_get_sent_seq (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), -1);

  return is_set_up (self) ? self->sent_seq : -1;
}

/* What the centre refused in the last sync: "id rev: reason". */
const char * const *
gp_sync_manager_get_refused (GpSyncManager *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), none);

  return self->refused ? (const char * const *) self->refused : none;
}

/**
 * gp_sync_manager_get_refused_name:
 * @id: a refused document's id
 *
 * Returns: (nullable): its name (or description) on the phone
 */
const char *
gp_sync_manager_get_refused_name (GpSyncManager *self,
                                  const char    *id)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), NULL);

  return self->refused_names ? g_hash_table_lookup (self->refused_names, id) : NULL;
}

/* Seconds until the next try after a failure; 0 when none waits. */
guint
gp_sync_manager_get_retry_delay (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), 0);

  return self->retry_id != 0 ? self->retry_delay : 0;
}

guint
gp_sync_manager_get_n_runs (GpSyncManager *self)
{
  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), 0);

  return self->n_runs;
}

/* The user's roles on the centre, from the last login. */
const char * const *
gp_sync_manager_get_roles (GpSyncManager *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (GP_IS_SYNC_MANAGER (self), none);

  return self->roles ? (const char * const *) self->roles : none;
}
