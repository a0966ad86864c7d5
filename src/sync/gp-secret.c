/* gp-secret.c
 *
 * The password of the grid centre account lives in the Secret Service
 * (GNOME Keyring on a desktop, the secret portal inside Flatpak), found by
 * the server's address and the user name; never in SQLite, settings or
 * logs. With GP_SECRET_BACKEND=memory (the tests) it lives in this
 * process only, so that no keyring is needed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-secret"

#include "config.h"

#include "gp-secret.h"

#include <libsecret/secret.h>
#include <string.h>

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.example.GridPatrol.Centre", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static GHashTable *
memory_backend (void)
{
  static GHashTable *table;

  if (g_strcmp0 (g_getenv ("GP_SECRET_BACKEND"), "memory") != 0)
    return NULL;
  if (table == NULL)
    table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return table;
}

static char *
memory_key (const char *server,
            const char *user)
{
  return g_strconcat (server, "\n", user, NULL);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
gp_secret_store (const char          *server,
                 const char          *user,
                 const char          *password,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GHashTable *memory = memory_backend ();
  g_autofree char *label = NULL;

  g_task_set_source_tag (task, gp_secret_store);
  if (memory != NULL)
    {
      g_hash_table_insert (memory, memory_key (server, user), g_strdup (password));
      g_task_return_boolean (task, TRUE);
      return;
    }
  label = g_strdup_printf ("GridPatrol: %s at %s", user, server);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable, on_stored,
                         g_steal_pointer (&task), "server", server, "user", user, NULL);
}

gboolean
gp_secret_store_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      char *copy = g_strdup (password);

      secret_password_free (password);
      g_task_return_pointer (task, copy, g_free);
    }
}

/* The password, or %NULL without an error when none is kept. */
void
gp_secret_lookup (const char          *server,
                  const char          *user,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GHashTable *memory = memory_backend ();

  g_task_set_source_tag (task, gp_secret_lookup);
  if (memory != NULL)
    {
      g_autofree char *key = memory_key (server, user);

      g_task_return_pointer (task, g_strdup (g_hash_table_lookup (memory, key)), g_free);
      return;
    }
  secret_password_lookup (get_schema (), cancellable, on_looked_up, g_steal_pointer (&task),
                          "server", server, "user", user, NULL);
}

char *
gp_secret_lookup_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Forgets the password (logging out); failures only logged. */
void
gp_secret_clear (const char *server,
                 const char *user)
{
  GHashTable *memory = memory_backend ();

  if (memory != NULL)
    {
      g_autofree char *key = memory_key (server, user);

      g_hash_table_remove (memory, key);
      return;
    }
  secret_password_clear (get_schema (), NULL, NULL, NULL, "server", server, "user", user, NULL);
}
