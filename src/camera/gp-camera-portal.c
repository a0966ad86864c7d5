/* gp-camera-portal.c
 *
 * In a sandbox the camera is reached through the desktop's camera portal
 * (org.freedesktop.portal.Camera): the app asks for access, the user
 * allows it once, and the portal hands over a PipeWire connection that
 * sees the cameras only. Spoken here over D-Bus directly: the three calls
 * it takes do not need a library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-camera"

#include "config.h"

#include "gp-camera.h"
#include "gp-camera-private.h"

#include <gio/gunixfdlist.h>
#include <glib/gi18n-lib.h>

#define PORTAL_BUS    "org.freedesktop.portal.Desktop"
#define PORTAL_PATH   "/org/freedesktop/portal/desktop"
#define PORTAL_CAMERA "org.freedesktop.portal.Camera"
#define PORTAL_REQUEST "org.freedesktop.portal.Request"

typedef struct
{
  GDBusConnection *bus;
  char            *request_path;
  guint            response_id;
} Asking;

/* No more waiting for the request's Response. */
static void
stop_listening (Asking *asking)
{
  if (asking->response_id != 0)
    g_dbus_connection_signal_unsubscribe (asking->bus, asking->response_id);
  asking->response_id = 0;
}

static void
asking_free (Asking *asking)
{
  stop_listening (asking);
  g_clear_object (&asking->bus);
  g_free (asking->request_path);
  g_free (asking);
}

/* Ends the asking with @message; the task's reference was the caller's. */
static void
give_up (GTask         *task,
         GpCameraError  code,
         char          *message)
{
  stop_listening (g_task_get_task_data (task));
  g_task_return_new_error_literal (task, GP_CAMERA_ERROR, code, message);
  g_free (message);
  g_object_unref (task);
}

static void
on_pipewire_remote (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  int handle, fd;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds, result, &error);
  if (reply == NULL)
    {
      g_task_return_new_error (task, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED,
                               _("The camera could not be opened: %s"), error->message);
      return;
    }
  g_variant_get (reply, "(h)", &handle);
  fd = fds ? g_unix_fd_list_get (fds, handle, &error) : -1;
  if (fd < 0)
    {
      g_task_return_new_error (task, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED,
                               _("The camera could not be opened: %s"),
                               error ? error->message : _("no connection was given"));
      return;
    }
  g_task_return_int (task, fd);
}

static void
on_response (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  Asking *asking = g_task_get_task_data (task);
  guint32 response;

  stop_listening (asking);
  g_variant_get (parameters, "(u@a{sv})", &response, NULL);
  /* 0 allowed, 1 the user said no, 2 any other end. */
  if (response != 0)
    {
      give_up (task, GP_CAMERA_ERROR_DENIED, g_strdup (_("GridPatrol is not allowed to use the camera")));
      return;
    }
  g_dbus_connection_call_with_unix_fd_list (bus, PORTAL_BUS, PORTAL_PATH, PORTAL_CAMERA, "OpenPipeWireRemote",
                                            g_variant_new ("(a{sv})", NULL), G_VARIANT_TYPE ("(h)"),
                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, g_task_get_cancellable (task),
                                            on_pipewire_remote, task);
}

static void
on_access_called (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    give_up (user_data, GP_CAMERA_ERROR_FAILED,
             g_strdup_printf (_("The camera could not be asked for: %s"), error->message));
  /* Otherwise the answer comes as the request's Response signal. */
}

static void
on_present (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Asking *asking = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  GVariantBuilder options;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      give_up (task, GP_CAMERA_ERROR_NO_CAMERA,
               g_strdup_printf (_("The desktop offers no camera to apps: %s"), error->message));
      return;
    }
  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) || !g_variant_get_boolean (value))
    {
      give_up (task, GP_CAMERA_ERROR_NO_CAMERA, g_strdup (_("This device has no camera")));
      return;
    }

  /* The request's path is known beforehand, so its answer cannot be missed. */
  token = g_strdup_printf ("gridpatrol%u", g_random_int ());
  sender = g_strdelimit (g_strdup (g_dbus_connection_get_unique_name (asking->bus) + 1), ".", '_');
  asking->request_path = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", sender, token);
  asking->response_id = g_dbus_connection_signal_subscribe (asking->bus, PORTAL_BUS, PORTAL_REQUEST, "Response",
                                                            asking->request_path, NULL,
                                                            G_DBUS_SIGNAL_FLAGS_NONE, on_response, task, NULL);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_dbus_connection_call (asking->bus, PORTAL_BUS, PORTAL_PATH, PORTAL_CAMERA, "AccessCamera",
                          g_variant_new ("(a{sv})", &options), G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                          -1, g_task_get_cancellable (task), on_access_called, task);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  Asking *asking = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  asking->bus = g_bus_get_finish (result, &error);
  if (asking->bus == NULL)
    {
      give_up (task, GP_CAMERA_ERROR_NO_CAMERA,
               g_strdup_printf (_("The desktop offers no camera to apps: %s"), error->message));
      return;
    }
  g_dbus_connection_call (asking->bus, PORTAL_BUS, PORTAL_PATH, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", PORTAL_CAMERA, "IsCameraPresent"), G_VARIANT_TYPE ("(v)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task), on_present, task);
}

/*
 * gp_camera_portal_open_async:
 *
 * Asks the camera portal for the cameras: whether there is one, whether
 * the user allows it, then a PipeWire connection to them.
 */
void
gp_camera_portal_open_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, gp_camera_portal_open_async);
  g_task_set_task_data (task, g_new0 (Asking, 1), (GDestroyNotify) asking_free);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus, task);
}

/* Returns: the PipeWire connection's file descriptor, or -1 */
int
gp_camera_portal_open_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}
