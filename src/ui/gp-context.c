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
#include "gp-patrol-recorder.h"
#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-store.h"

#include <glib/gi18n.h>

struct _GpContext
{
  GObject       parent_instance;

  GSettings    *settings;
  GpStore      *store;
  GpGrid       *grid;
  GpLocation   *location;
  char         *error;
  gboolean      loading;
  GCancellable *cancellable;
  GpPatrolRecorder *recorder;   /* the patrol being walked, if any */
};

G_DEFINE_FINAL_TYPE (GpContext, gp_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_STORE,
  PROP_GRID,
  PROP_LOCATION,
  PROP_RECORDER,
  PROP_LOADING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

/* The grid the settings name, or else the first one in the store. */
static void
choose_grid (GpContext *self)
{
  g_autofree char *code = g_settings_get_string (self->settings, "current-grid");
  g_autoptr(GpDocument) grid = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    {
      set_grid (self, NULL);
      return;
    }

  if (code[0] != '\0')
    {
      g_autofree char *id = g_strconcat ("grid:", code, NULL);

      grid = gp_store_load (self->store, id, NULL);
    }
  if (grid == NULL)
    {
      g_autoptr(GPtrArray) grids = gp_store_load_all (self->store, "grid", NULL, &error);

      if (grids == NULL)
        g_warning ("Cannot list the grids: %s", error->message);
      else if (grids->len > 0)
        grid = g_object_ref (g_ptr_array_index (grids, 0));
    }

  set_grid (self, grid && GP_IS_GRID (grid) ? GP_GRID (grid) : NULL);
}

static void
on_documents_changed (GpStore    *store,
                      char      **ids,
                      GpContext  *self)
{
  for (guint i = 0; ids[i] != NULL; i++)
    if (g_str_has_prefix (ids[i], "grid:"))
      {
        choose_grid (self);
        return;
      }
}

static void
on_current_grid_changed (GSettings  *settings,
                         const char *key,
                         GpContext  *self)
{
  choose_grid (self);
}

static void
gp_context_dispose (GObject *object)
{
  GpContext *self = (GpContext *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->grid);
  g_clear_object (&self->location);
  g_clear_object (&self->recorder);
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
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gp_context_init (GpContext *self)
{
  self->cancellable = g_cancellable_new ();
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

  choose_grid (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
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
    set_error (self, error->message);
  else
    gp_context_set_store (self, store);
  set_loading (self, FALSE);
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

  if (!gp_demo_install_finish (GP_STORE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_settings_set_string (self->settings, "current-grid", GP_DEMO_GRID_CODE);
  choose_grid (self);
  g_task_return_boolean (task, TRUE);
}

/* Generates the demo grid into the store (once; again is a no-op) and
 * makes it the current grid. */
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
  gp_demo_install_async (self->store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED,
                         cancellable, on_demo_installed, g_steal_pointer (&task));
}

gboolean
gp_context_install_demo_finish (GpContext     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
