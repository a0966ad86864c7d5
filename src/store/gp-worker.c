/* gp-worker.c
 *
 * Every worker thread runs through gp_worker_run(), which counts it. When
 * the app quits it cancels what it started and then waits for the count
 * to reach zero: a save still being written is finished rather than cut
 * off, and no thread is left drawing or decoding while the process tears
 * down its libraries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-worker"

#include "config.h"

#include "gp-worker.h"

static GMutex lock;
static GCond  idle;
static guint  busy;
static GQuark func_quark;

static void
run_counted (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GTaskThreadFunc func = (GTaskThreadFunc) g_object_get_qdata (G_OBJECT (task), func_quark);

  func (task, source_object, task_data, cancellable);
  gp_worker_release ();
}

/**
 * gp_worker_hold:
 *
 * Counts work that runs on a thread of its own (a thread pool, say) until
 * the matching gp_worker_release().
 */
void
gp_worker_hold (void)
{
  g_mutex_lock (&lock);
  busy++;
  g_mutex_unlock (&lock);
}

void
gp_worker_release (void)
{
  g_mutex_lock (&lock);
  g_assert (busy > 0);
  if (--busy == 0)
    g_cond_broadcast (&idle);
  g_mutex_unlock (&lock);
}

/**
 * gp_worker_run:
 *
 * Like g_task_run_in_thread(), and counted for gp_worker_wait_all().
 */
void
gp_worker_run (GTask           *task,
               GTaskThreadFunc  func)
{
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  if (func_quark == 0)
    func_quark = g_quark_from_static_string ("gp-worker-func");
  g_object_set_qdata (G_OBJECT (task), func_quark, (gpointer) func);

  gp_worker_hold ();
  g_task_run_in_thread (task, run_counted);
}

/**
 * gp_worker_get_busy:
 *
 * Returns: how many workers run or wait to run right now
 */
guint
gp_worker_get_busy (void)
{
  guint count;

  g_mutex_lock (&lock);
  count = busy;
  g_mutex_unlock (&lock);
  return count;
}

/**
 * gp_worker_wait_all:
 * @timeout_ms: how long to wait at most
 *
 * Blocks until no worker runs. Cancel their work first: a cancelled worker
 * stops at its next check. Returns %FALSE if some still ran after
 * @timeout_ms.
 */
gboolean
gp_worker_wait_all (guint timeout_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + (gint64) timeout_ms * 1000;
  guint waited_for;
  gboolean done = TRUE;

  g_mutex_lock (&lock);
  waited_for = busy;
  while (busy > 0 && done)
    done = g_cond_wait_until (&idle, &lock, end);
  done = busy == 0;
  g_mutex_unlock (&lock);
  if (!done)
    g_warning ("%u background tasks still running at exit", gp_worker_get_busy ());
  else if (waited_for > 0)
    g_debug ("Waited %.1f ms for %u background tasks", (g_get_monotonic_time () - start) / 1000.0, waited_for);
  return done;
}
