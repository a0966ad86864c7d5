/* gp-context.c
 *
 * One context per application, handed to every window and page. It opens
 * the store off the main thread, knows which grid the user works in, and
 * follows the store so the grid is current after an import or a sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-context"

#include "config.h"

#include "gp-context.h"
#include "gp-clock.h"
#include "gp-patrol-recorder.h"
#include "gp-demo.h"
#include "gp-demo-history.h"
#include "gp-documents.h"
#include "gp-secret.h"
#include "gp-store.h"
#include "gp-worker.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

struct _GpContext
{
  GObject       parent_instance;

  GSettings        *settings;
  GpStore          *store;
  GpGrid           *grid;
  GpLocation       *location;
  char             *error;
  gboolean          loading;
  GCancellable     *cancellable;
  GpPatrolRecorder *recorder;          /* the patrol being walked, if any */
  GpSyncManager    *sync;              /* with the store */
  GCancellable     *grid_cancellable;  /* the grid being chosen */
  GPtrArray        *grid_waiters;      /* GTask: waiting for it */
  guint             minute_id;         /* the next turn of the minute */
};

G_DEFINE_FINAL_TYPE (GpContext, gp_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_STORE,
  PROP_GRID,
  PROP_LOCATION,
  PROP_RECORDER,
  PROP_SYNC,
  PROP_LOADING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  MINUTE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One clock for everything that shows a time or a warning colour: it
 * ticks as the wall clock's minute turns. */
static gboolean on_minute (gpointer data);

static void
schedule_minute (GpContext *self)
{
  gint64 now_ms = gp_clock_get_real_time () / 1000;
  guint wait_ms = 60000 - (guint) (now_ms % 60000);

  self->minute_id = g_timeout_add_full (G_PRIORITY_DEFAULT, wait_ms + 50, on_minute, self, NULL);
}

static gboolean
on_minute (gpointer data)
{
  GpContext *self = data;

  schedule_minute (self);
  g_signal_emit (self, signals[MINUTE], 0);
  return G_SOURCE_REMOVE;
}

static void
set_loading (GpContext *self,
             gboolean   loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_error (GpContext  *self,
           const char *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_grid (GpContext *self,
          GpGrid    *grid)
{
  if (self->grid == grid)
    return;
  if (self->grid != NULL && grid != NULL &&
      g_strcmp0 (gp_document_get_rev (GP_DOCUMENT (self->grid)),
                 gp_document_get_rev (GP_DOCUMENT (grid))) == 0 &&
      g_strcmp0 (gp_document_get_id (GP_DOCUMENT (self->grid)),
                 gp_document_get_id (GP_DOCUMENT (grid))) == 0)
    return;

  g_set_object (&self->grid, grid);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRID]);
}

/* The grid the settings name, or else the first one in the store, read
 * off the main loop: the store's reader may be busy with a sync. */

typedef struct
{
  GpStore *store;
  char    *code;   /* the settings' choice, or "" */
} Choice;

static void
choice_free (Choice *choice)
{
  g_object_unref (choice->store);
  g_free (choice->code);
  g_free (choice);
}

static void
choose_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Choice *choice = task_data;
  GpStore *store = choice->store;
  const char *code = choice->code;
  g_autoptr(GpDocument) grid = NULL;

  if (code[0] != '\0')
    {
      g_autofree char *id = g_strconcat ("grid:", code, NULL);

      grid = gp_documents_load (store, id, NULL);
    }
  if (grid == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) grids = gp_documents_load_all (store, "grid", NULL, &error);

      if (grids == NULL)
        g_warning ("Cannot list the grids: %s", error->message);
      else if (grids->len > 0)
        grid = g_object_ref (g_ptr_array_index (grids, 0));
    }
  if (grid != NULL && !GP_IS_GRID (grid))
    g_clear_object (&grid);
  g_task_return_pointer (task, g_steal_pointer (&grid), g_object_unref);
}

/* Those waiting for the grid hear it is chosen; @error when it never will be. */
static void
grid_chosen (GpContext    *self,
             const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->grid_waiters);

  self->grid_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }
}

static void
on_grid_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GpContext) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpGrid) grid = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another choice replaced this one */
  set_grid (self, grid);
  set_loading (self, FALSE);
  grid_chosen (self, NULL);
}

/* @waiter (nullable) returns once the grid is chosen. */
static void
choose_grid (GpContext *self,
             GTask     *waiter)
{
  g_autoptr(GTask) task = NULL;
  Choice *choice;

  if (waiter != NULL)
    g_ptr_array_add (self->grid_waiters, g_object_ref (waiter));
  g_cancellable_cancel (self->grid_cancellable);
  g_clear_object (&self->grid_cancellable);
  if (self->store == NULL)
    {
      set_grid (self, NULL);
      grid_chosen (self, NULL);
      return;
    }

  self->grid_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->grid_cancellable, on_grid_read, g_object_ref (self));
  g_task_set_source_tag (task, choose_grid);
  choice = g_new0 (Choice, 1);
  choice->store = g_object_ref (self->store);
  choice->code = g_settings_get_string (self->settings, "current-grid");
  g_task_set_task_data (task, choice, (GDestroyNotify) choice_free);
  gp_worker_run (task, choose_thread);
}

static void
on_documents_changed (GpStore    *store,
                      char      **ids,
                      GpContext  *self)
{
  for (guint i = 0; ids[i] != NULL; i++)
    if (g_str_has_prefix (ids[i], "grid:"))
      {
        choose_grid (self, NULL);
        return;
      }
}

/* "Download all photos", as the settings have it. */
static void
on_all_photos_changed (GSettings  *settings,
                       const char *key,
                       gpointer    user_data)
{
  GpContext *self = user_data;

  if (self->sync != NULL)
    gp_sync_manager_set_all_photos (self->sync, g_settings_get_boolean (settings, key));
}

static void
on_current_grid_changed (GSettings  *settings,
                         const char *key,
                         GpContext  *self)
{
  choose_grid (self, NULL);
}

static void
gp_context_dispose (GObject *object)
{
  GpContext *self = (GpContext *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->minute_id, g_source_remove);
  g_cancellable_cancel (self->grid_cancellable);
  g_clear_object (&self->grid_cancellable);
  if (self->grid_waiters != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The app is closing");

      grid_chosen (self, error);
      g_clear_pointer (&self->grid_waiters, g_ptr_array_unref);
    }
  g_clear_object (&self->grid);
  g_clear_object (&self->location);
  g_clear_object (&self->recorder);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gp_context_parent_class)->dispose (object);
}

static void
gp_context_finalize (GObject *object)
{
  GpContext *self = (GpContext *) object;

  g_free (self->error);

  G_OBJECT_CLASS (gp_context_parent_class)->finalize (object);
}

static void
gp_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  GpContext *self = GP_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_GRID:
      g_value_set_object (value, self->grid);
      break;
    case PROP_LOCATION:
      g_value_set_object (value, self->location);
      break;
    case PROP_RECORDER:
      g_value_set_object (value, self->recorder);
      break;
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_context_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  GpContext *self = GP_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      g_signal_connect_object (self->settings, "changed::current-grid",
                               G_CALLBACK (on_current_grid_changed), self, 0);
      g_signal_connect_object (self->settings, "changed::download-all-photos",
                               G_CALLBACK (on_all_photos_changed), self, 0);
      break;
    case PROP_STORE:
      gp_context_set_store (self, g_value_get_object (value));
      break;
    case PROP_LOCATION:
      gp_context_set_location (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_context_class_init (GpContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gp_context_dispose;
  object_class->finalize = gp_context_finalize;
  object_class->get_property = gp_context_get_property;
  object_class->set_property = gp_context_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, GP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GRID] =
    g_param_spec_object ("grid", NULL, NULL, GP_TYPE_GRID,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCATION] =
    g_param_spec_object ("location", NULL, NULL, GP_TYPE_LOCATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECORDER] =
    g_param_spec_object ("recorder", NULL, NULL, GP_TYPE_PATROL_RECORDER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, GP_TYPE_SYNC_MANAGER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GpContext::minute:
   *
   * The wall clock's minute turned: ages, deadlines and warning colours
   * are read again.
   */
  signals[MINUTE] = g_signal_new ("minute", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);
}

static void
gp_context_init (GpContext *self)
{
  self->cancellable = g_cancellable_new ();
  self->grid_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  schedule_minute (self);
}

GpContext *
gp_context_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (GP_TYPE_CONTEXT, "settings", settings, NULL);
}

GSettings *
gp_context_get_settings (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->settings;
}

GpStore *
gp_context_get_store (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->store;
}

static void
on_password_found (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpContext) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = gp_secret_lookup_finish (result, &error);
  g_autofree char *server = g_settings_get_string (self->settings, "sync-server");
  g_autofree char *user = g_settings_get_string (self->settings, "sync-user");

  if (self->sync == NULL)
    return;
  if (password == NULL)
    {
      /* No keyring, or the password was forgotten: log in again. */
      g_message ("No password kept for %s at %s%s%s", user, server, error ? ": " : "", error ? error->message : "");
      return;
    }
  gp_sync_manager_set_account (self->sync, server, user, password,
                               g_settings_get_boolean (self->settings, "sync-allow-http"));
}

static void
resume_account (GpContext *self)
{
  g_autofree char *server = g_settings_get_string (self->settings, "sync-server");
  g_autofree char *user = g_settings_get_string (self->settings, "sync-user");

  if (*server == '\0' || *user == '\0')
    return;
  gp_secret_lookup (server, user, self->cancellable, on_password_found, g_object_ref (self));
}

void
gp_context_set_store (GpContext *self,
                      GpStore   *store)
{
  g_return_if_fail (GP_IS_CONTEXT (self));
  g_return_if_fail (store == NULL || GP_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "documents-changed", G_CALLBACK (on_documents_changed), self, 0);

  /* Sync goes with the store: set up again from the account kept. */
  g_clear_object (&self->sync);
  if (store != NULL)
    {
      g_auto(GStrv) grids = g_settings_get_strv (self->settings, "sync-grids");

      self->sync = gp_sync_manager_new (store, NULL);
      gp_sync_manager_set_grids (self->sync, (const char * const *) grids);
      gp_sync_manager_set_all_photos (self->sync, g_settings_get_boolean (self->settings, "download-all-photos"));
      resume_account (self);
    }

  /* Loading until the grid is chosen, so no one sees "no grid" meanwhile. */
  if (store != NULL)
    set_loading (self, TRUE);
  choose_grid (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/* The sync manager of the store; %NULL while there is no store. */
GpSyncManager *
gp_context_get_sync (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->sync;
}

GpGrid *
gp_context_get_grid (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->grid;
}

/* Who acts: the name and role steps are recorded under. */
char *
gp_context_dup_user_name (GpContext *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  name = g_settings_get_string (self->settings, "user-name");
  if (*name == '\0')
    return g_strdup (g_get_user_name ());
  return g_steal_pointer (&name);
}

char *
gp_context_dup_role (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return g_settings_get_string (self->settings, "role");
}

/* The patrol being walked: the patrol page starts and ends it, the map
 * draws its track and checkpoints. */
GpPatrolRecorder *
gp_context_get_recorder (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->recorder;
}

void
gp_context_set_recorder (GpContext        *self,
                         GpPatrolRecorder *recorder)
{
  g_return_if_fail (GP_IS_CONTEXT (self));

  if (g_set_object (&self->recorder, recorder))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDER]);
}

/* Where the worker is: GeoClue in the app, a replayed track in demos and tests. */
GpLocation *
gp_context_get_location (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->location;
}

void
gp_context_set_location (GpContext  *self,
                         GpLocation *location)
{
  g_return_if_fail (GP_IS_CONTEXT (self));
  g_return_if_fail (location == NULL || GP_IS_LOCATION (location));

  if (g_set_object (&self->location, location))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCATION]);
}

gboolean
gp_context_get_loading (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), FALSE);

  return self->loading;
}

/* Why the store could not be opened, in words for the user; NULL if it was. */
const char *
gp_context_get_error (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), NULL);

  return self->error;
}

static void
on_store_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GpContext) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = gp_store_open_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (store == NULL)
    {
      set_error (self, error->message);
      set_loading (self, FALSE);
    }
  else
    gp_context_set_store (self, store);   /* loading until its grid is chosen */
}

/* Opens the store in @dir off the main thread; watch "loading", "store"
 * and "error". */
void
gp_context_open_store (GpContext  *self,
                       const char *dir)
{
  g_return_if_fail (GP_IS_CONTEXT (self));
  g_return_if_fail (dir != NULL);

  set_error (self, NULL);
  set_loading (self, TRUE);
  gp_store_open_async (dir, self->cancellable, on_store_opened, g_object_ref (self));
}

static void
on_demo_installed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GpContext *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_settings_set_string (self->settings, "current-grid", GP_DEMO_GRID_CODE);
  choose_grid (self, task);
}

/* The demo grid and, for a fresh one, its weeks of history before now. */
static void
demo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GpStore *store = source_object;
  gint64 *now = task_data;
  GError *error = NULL;

  if (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error) &&
      gp_demo_history_install (store, GP_DEMO_DEFAULT_SEED, *now, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Generates the demo grid into the store, with a few weeks of work to
 * learn on (once; again is a no-op), and makes it the current grid. */
void
gp_context_install_demo (GpContext           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_CONTEXT (self));
  g_return_if_fail (self->store != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_context_install_demo);
  {
    g_autoptr(GTask) install = g_task_new (self->store, cancellable, on_demo_installed, g_steal_pointer (&task));
    gint64 *now = g_new (gint64, 1);

    *now = gp_clock_get_now ();
    g_task_set_source_tag (install, demo_thread);
    g_task_set_task_data (install, now, g_free);
    gp_worker_run (install, demo_thread);
  }
}

gboolean
gp_context_install_demo_finish (GpContext     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A folder and everything in it; a folder that is not there is fine. */
static gboolean
remove_tree (GFile   *folder,
             GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  if (children == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (;;)
    {
      GFileInfo *info;
      GFile *child;

      if (!g_file_enumerator_iterate (children, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!remove_tree (child, error))
            return FALSE;
        }
      else if (!g_file_delete (child, NULL, error))
        return FALSE;
    }
  return g_file_delete (folder, NULL, error);
}

/* Logging in: checked with the centre in a worker thread; the account is
 * kept (the password with libsecret) and sync starts. */
static void
log_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GStrv account = task_data;   /* server, user, password, allow_http */
  g_autoptr(GpCouch) couch = NULL;
  GError *error = NULL;

  couch = gp_couch_new (account[0], g_str_equal (account[3], "1"), &error);
  if (couch != NULL)
    gp_couch_set_credentials (couch, account[1], account[2]);
  if (couch == NULL || !gp_couch_login (couch, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdupv ((char **) gp_couch_get_roles (couch)), (GDestroyNotify) g_strfreev);
}

static void
free_account (GStrv account)
{
  if (account != NULL && account[0] != NULL && account[1] != NULL && account[2] != NULL)
    memset (account[2], 0, strlen (account[2]));
  g_strfreev (account);
}

void
gp_context_log_in_async (GpContext           *self,
                         const char          *server,
                         const char          *user,
                         const char          *password,
                         gboolean             allow_http,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char **account;

  g_return_if_fail (GP_IS_CONTEXT (self));

  account = g_new0 (char *, 5);
  account[0] = g_strstrip (g_strdup (server ? server : ""));
  account[1] = g_strstrip (g_strdup (user ? user : ""));
  account[2] = g_strdup (password ? password : "");
  account[3] = g_strdup (allow_http ? "1" : "0");
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_context_log_in_async);
  g_task_set_task_data (task, account, (GDestroyNotify) free_account);
  gp_worker_run (task, log_in_thread);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gp_secret_store_finish (result, &error))
    g_message ("The password is not kept: %s", error->message);
}

/**
 * gp_context_log_in_finish:
 *
 * Returns: whether the centre took the name and password and the user has
 *   a grid there; the account is then kept and sync has started
 */
gboolean
gp_context_log_in_finish (GpContext     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  GStrv account = g_task_get_task_data (G_TASK (result));
  g_auto(GStrv) roles = NULL;
  g_autoptr(GStrvBuilder) grids_builder = g_strv_builder_new ();
  g_auto(GStrv) grids = NULL;
  const char *role = GP_ROLE_WORKER;
  g_autofree char *current = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  roles = g_task_propagate_pointer (G_TASK (result), error);
  if (roles == NULL)
    return FALSE;
  for (guint i = 0; roles[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (roles[i], ":", 3);

      if (g_str_equal (roles[i], "centre"))
        role = GP_ROLE_CENTRE;
      if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], "grid"))
        continue;
      g_strv_builder_add (grids_builder, parts[1]);
      if (g_str_equal (parts[2], GP_ROLE_LEADER) && !g_str_equal (role, GP_ROLE_CENTRE))
        role = GP_ROLE_LEADER;
    }
  grids = g_strv_builder_end (grids_builder);
  if (grids[0] == NULL)
    {
      g_set_error (error, GP_COUCH_ERROR, GP_COUCH_ERROR_FORBIDDEN,
                   _("%s has no grid on this grid centre; ask the centre to add you to yours"), account[1]);
      return FALSE;
    }

  g_settings_set_string (self->settings, "sync-server", account[0]);
  g_settings_set_string (self->settings, "sync-user", account[1]);
  g_settings_set_strv (self->settings, "sync-grids", (const char * const *) grids);
  g_settings_set_boolean (self->settings, "sync-allow-http", g_str_equal (account[3], "1"));
  g_settings_set_string (self->settings, "user-name", account[1]);
  g_settings_set_string (self->settings, "role", role);
  current = g_settings_get_string (self->settings, "current-grid");
  if (!g_strv_contains ((const char * const *) grids, current))
    g_settings_set_string (self->settings, "current-grid", grids[0]);
  gp_secret_store (account[0], account[1], account[2], NULL, on_password_stored, NULL);

  if (self->sync != NULL)
    {
      gp_sync_manager_set_grids (self->sync, (const char * const *) grids);
      gp_sync_manager_set_account (self->sync, account[0], account[1], account[2], g_str_equal (account[3], "1"));
    }
  return TRUE;
}

/* Local changes the centre does not have yet: what logging out would lose. */
guint
gp_context_get_unsent (GpContext *self)
{
  g_return_val_if_fail (GP_IS_CONTEXT (self), 0);

  return self->sync ? gp_sync_manager_get_pending (self->sync) : 0;
}

/**
 * gp_context_log_out:
 *
 * Forgets the account and its password and wipes this phone's copy of the
 * grids: the store, photos, drafts and basemaps. Ask first: changes not
 * yet on the centre are lost.
 */
gboolean
gp_context_log_out (GpContext  *self,
                    GError    **error)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *dir = NULL;
  const char *files[] = { GP_STORE_FILE_NAME, GP_STORE_FILE_NAME "-wal", GP_STORE_FILE_NAME "-shm" };
  const char *folders[] = { "attachments", "basemaps", "drafts" };

  g_return_val_if_fail (GP_IS_CONTEXT (self), FALSE);

  server = g_settings_get_string (self->settings, "sync-server");
  user = g_settings_get_string (self->settings, "sync-user");
  if (*server != '\0' && *user != '\0')
    gp_secret_clear (server, user);
  g_settings_reset (self->settings, "sync-server");
  g_settings_reset (self->settings, "sync-user");
  g_settings_reset (self->settings, "sync-grids");
  g_settings_reset (self->settings, "sync-allow-http");
  g_settings_reset (self->settings, "current-grid");

  if (self->store == NULL)
    return TRUE;
  dir = g_strdup (gp_store_get_dir (self->store));
  g_clear_object (&self->recorder);
  gp_context_set_store (self, NULL);
  /* Whatever still holds the store finishes first. */
  gp_worker_wait_all (30000);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), _("%s cannot be removed: %s"), path,
                       g_strerror (errno));
          return FALSE;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (dir, folders[i], NULL);
      g_autoptr(GFile) folder = g_file_new_for_path (path);

      if (!remove_tree (folder, error))
        return FALSE;
    }
  gp_context_open_store (self, dir);
  return TRUE;
}
