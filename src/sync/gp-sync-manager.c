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
  guint            change_id;
  guint            retry_id;
  guint            period_id;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (GpSyncManager, gp_sync_manager, G_TYPE_OBJECT)

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
      ok = gp_replicate (run->store, couch, database, GP_REPLICATION_PUSH, &sent, cancellable, &error);
      if (ok || (!g_error_matches (error, GP_COUCH_ERROR, GP_COUCH_ERROR_UNAUTHORIZED) &&
                 !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
        {
          g_autoptr(GError) pull_error = NULL;

          if (!gp_replicate (run->store, couch, database, GP_REPLICATION_PULL, &received, cancellable, &pull_error) &&
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

          ok = gp_replicate (run->store, couch, database, GP_REPLICATION_PUSH, &again, cancellable, &error);
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

static void schedule_retry (GpSyncManager *self);
static void start_run (GpSyncManager *self);

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
      if (error->domain == GP_COUCH_ERROR &&
          (error->code == GP_COUCH_ERROR_UNREACHABLE || error->code == GP_COUCH_ERROR_TIMEOUT))
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
}

static void
gp_sync_manager_init (GpSyncManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->change_delay_ms = GP_SYNC_CHANGE_DELAY_MS;
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
