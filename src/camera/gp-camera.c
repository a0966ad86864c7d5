/* gp-camera.c
 *
 * The camera, through GStreamer: the source (the portal's PipeWire
 * connection in a sandbox; outside one, the device's V4L2 or libcamera
 * cameras as GStreamer lists them; or, for tests, any source described
 * in GStreamer's launch syntax) feeds a tee with two branches:
 *
 *   source ! [videoflip] ! tee ! queue ! videoconvert ! videoscale ! BGRx ≤ 960 px ! appsink "view"
 *                              ! queue ! appsink "shot"
 *
 * The view branch converts and scales in GStreamer's threads; each frame
 * becomes a texture there, and the main loop only swaps the newest one in
 * (older ones waiting are dropped). The shot branch keeps nothing: at the
 * shutter it hands over the next frame as the source made it, at the
 * sensor's resolution, and a worker thread converts it to RGB.
 *
 * The camera is a GdkPaintable: a GtkPicture shows the viewfinder.
 *
 * GRIDPATROL_CAMERA chooses the source: "portal", or a GStreamer source
 * description ("videotestsrc is-live=true"); unset, the portal in a
 * sandbox and the device's cameras outside one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-camera"

#include "config.h"

#include "gp-camera.h"
#include "gp-camera-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define VIEW_MAX_EDGE 960

G_DEFINE_QUARK (gp-camera-error-quark, gp_camera_error)

typedef enum
{
  MODE_DEVICES,   /* the device's cameras, as GStreamer lists them */
  MODE_PORTAL,    /* the camera portal's PipeWire connection */
  MODE_CUSTOM,    /* a described source */
} Mode;

struct _GpCamera
{
  GObject        parent_instance;

  Mode           mode;
  char          *description;
  GpCameraState  state;
  GError        *error;

  int            pipewire_fd;    /* from the portal, or -1 */
  GPtrArray     *devices;        /* GstDevice */
  guint          device;         /* the one in use */
  char          *led;            /* a flash LED's brightness file, or NULL */
  gboolean       torch;
  char          *v4l2_path;      /* the V4L2 device in use, for its controls */
  gboolean       can_focus;

  GstElement    *pipeline;
  GstElement    *view;
  GstElement    *shot;
  guint          bus_watch;

  GMutex         lock;           /* guards the two fields below */
  GdkTexture    *pending;        /* the newest frame, not yet shown */
  gint           shots_wanted;   /* frames the shot branch is to hand over */

  GdkTexture    *texture;        /* the frame shown */
  guint64        frames_shown;
  GQueue         shots;          /* GTask, the shutter's, oldest first */
};

static void gp_camera_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GpCamera, gp_camera, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, gp_camera_paintable_init))

enum {
  PROP_0,
  PROP_STATE,
  PROP_N_CAMERAS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The viewfinder ------------------------------------------------------------ */

static void
gp_camera_snapshot (GdkPaintable *paintable,
                    GdkSnapshot  *snapshot,
                    double        width,
                    double        height)
{
  GpCamera *self = GP_CAMERA (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static int
gp_camera_get_intrinsic_width (GdkPaintable *paintable)
{
  GpCamera *self = GP_CAMERA (paintable);

  return self->texture ? gdk_texture_get_width (self->texture) : 0;
}

static int
gp_camera_get_intrinsic_height (GdkPaintable *paintable)
{
  GpCamera *self = GP_CAMERA (paintable);

  return self->texture ? gdk_texture_get_height (self->texture) : 0;
}

static void
gp_camera_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = gp_camera_snapshot;
  iface->get_intrinsic_width = gp_camera_get_intrinsic_width;
  iface->get_intrinsic_height = gp_camera_get_intrinsic_height;
}

static void
set_state (GpCamera      *self,
           GpCameraState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail_shots (GpCamera     *self,
            const GError *error)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->shots)) != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_mutex_lock (&self->lock);
  self->shots_wanted = 0;
  g_mutex_unlock (&self->lock);
}

static void
fail (GpCamera *self,
      GError   *error)
{
  g_clear_error (&self->error);
  self->error = error;
  g_debug ("%s", error->message);
  fail_shots (self, error);
  gp_camera_stop (self);
  set_state (self, GP_CAMERA_STATE_FAILED);
}

/* On the main loop: the newest frame is shown. */
static gboolean
show_frame (gpointer user_data)
{
  GpCamera *self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  gboolean resized;

  g_mutex_lock (&self->lock);
  texture = g_steal_pointer (&self->pending);
  g_mutex_unlock (&self->lock);
  if (texture == NULL || self->pipeline == NULL)
    return G_SOURCE_REMOVE;

  resized = self->texture == NULL ||
            gdk_texture_get_width (texture) != gdk_texture_get_width (self->texture) ||
            gdk_texture_get_height (texture) != gdk_texture_get_height (self->texture);
  g_set_object (&self->texture, texture);
  self->frames_shown++;
  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  if (self->state == GP_CAMERA_STATE_STARTING)
    set_state (self, GP_CAMERA_STATE_ON);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GstBuffer    *buffer;
  GstVideoFrame frame;
} MappedFrame;

static void
mapped_frame_free (MappedFrame *mapped)
{
  gst_video_frame_unmap (&mapped->frame);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

/* In GStreamer's thread: a converted, scaled frame becomes a texture. */
static GstFlowReturn
on_view_sample (GstAppSink *sink,
                gpointer    user_data)
{
  GpCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(GBytes) bytes = NULL;
  GdkTexture *texture;
  GstVideoInfo info;
  MappedFrame *mapped;
  gboolean idle;

  if (sample == NULL)
    return GST_FLOW_EOS;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    return GST_FLOW_OK;
  mapped = g_new0 (MappedFrame, 1);
  mapped->buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
  if (!gst_video_frame_map (&mapped->frame, &info, mapped->buffer, GST_MAP_READ))
    {
      gst_buffer_unref (mapped->buffer);
      g_free (mapped);
      return GST_FLOW_OK;
    }
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0),
                                      (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0) *
                                      GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
                                      (GDestroyNotify) mapped_frame_free, mapped);
  texture = gdk_memory_texture_new (GST_VIDEO_FRAME_WIDTH (&mapped->frame), GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
                                    GDK_MEMORY_B8G8R8X8, bytes, GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0));

  g_mutex_lock (&self->lock);
  idle = self->pending == NULL;
  g_clear_object (&self->pending);
  self->pending = texture;
  g_mutex_unlock (&self->lock);
  if (idle)
    g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_frame, g_object_ref (self), g_object_unref);
  return GST_FLOW_OK;
}

typedef struct
{
  GpCamera  *camera;
  GstSample *sample;
} Taken;

/* On the main loop: the oldest shutter press gets the frame, converted in
 * a worker. */
static void
convert_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GstSample *sample = task_data;
  GstVideoConverter *converter;
  g_autoptr(GstBuffer) out_buffer = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GstVideoInfo in_info, out_info;
  GstVideoFrame in_frame, out_frame;
  int width, height;

  if (!gst_video_info_from_caps (&in_info, gst_sample_get_caps (sample)))
    {
      g_task_return_new_error (task, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED,
                               _("The camera sent a picture in a form that cannot be read"));
      return;
    }
  width = GST_VIDEO_INFO_WIDTH (&in_info);
  height = GST_VIDEO_INFO_HEIGHT (&in_info);
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_RGB, width, height);
  GST_VIDEO_INFO_FPS_N (&out_info) = GST_VIDEO_INFO_FPS_N (&in_info);
  GST_VIDEO_INFO_FPS_D (&out_info) = GST_VIDEO_INFO_FPS_D (&in_info);
  GST_VIDEO_INFO_PAR_N (&out_info) = GST_VIDEO_INFO_PAR_N (&in_info);
  GST_VIDEO_INFO_PAR_D (&out_info) = GST_VIDEO_INFO_PAR_D (&in_info);
  GST_VIDEO_INFO_INTERLACE_MODE (&out_info) = GST_VIDEO_INFO_INTERLACE_MODE (&in_info);
  out_buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&out_info), NULL);
  if (!gst_video_frame_map (&in_frame, &in_info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_task_return_new_error (task, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED,
                               _("The camera sent a picture in a form that cannot be read"));
      return;
    }
  gst_video_frame_map (&out_frame, &out_info, out_buffer, GST_MAP_WRITE);
  converter = gst_video_converter_new (&in_info, &out_info, NULL);
  gst_video_converter_frame (converter, &in_frame, &out_frame);
  gst_video_converter_free (converter);

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  if (pixbuf != NULL)
    {
      guint8 *to = gdk_pixbuf_get_pixels (pixbuf);
      int to_stride = gdk_pixbuf_get_rowstride (pixbuf);
      const guint8 *from = GST_VIDEO_FRAME_PLANE_DATA (&out_frame, 0);
      int from_stride = GST_VIDEO_FRAME_PLANE_STRIDE (&out_frame, 0);

      for (int row = 0; row < height; row++)
        memcpy (to + (gsize) row * to_stride, from + (gsize) row * from_stride, (gsize) width * 3);
    }
  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&in_frame);
  if (pixbuf == NULL)
    g_task_return_new_error (task, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED, _("There is not enough memory"));
  else
    g_task_return_pointer (task, g_steal_pointer (&pixbuf), g_object_unref);
}

static gboolean
hand_over_shot (gpointer user_data)
{
  Taken *taken = user_data;
  GpCamera *self = taken->camera;
  GTask *task = g_queue_pop_head (&self->shots);

  if (task != NULL)
    {
      g_task_set_task_data (task, g_steal_pointer (&taken->sample), (GDestroyNotify) gst_sample_unref);
      g_task_run_in_thread (task, convert_thread);
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

static void
taken_free (Taken *taken)
{
  g_clear_pointer (&taken->sample, gst_sample_unref);
  g_object_unref (taken->camera);
  g_free (taken);
}

/* In GStreamer's thread: every frame passes; one is kept per shutter press. */
static GstFlowReturn
on_shot_sample (GstAppSink *sink,
                gpointer    user_data)
{
  GpCamera *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gboolean wanted;

  if (sample == NULL)
    return GST_FLOW_EOS;
  g_mutex_lock (&self->lock);
  wanted = self->shots_wanted > 0;
  if (wanted)
    self->shots_wanted--;
  g_mutex_unlock (&self->lock);
  if (wanted)
    {
      Taken *taken = g_new0 (Taken, 1);

      taken->camera = g_object_ref (self);
      taken->sample = sample;
      g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, hand_over_shot, taken, (GDestroyNotify) taken_free);
    }
  else
    gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* Errors ------------------------------------------------------------------ */

static GError *
describe_error (GpCamera *self,
                GError   *error)
{
  gboolean on = self->state == GP_CAMERA_STATE_ON;

  if (g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY))
    return g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_BUSY,
                        _("The camera is in use by another app. Close it and try again."));
  if (on)
    return g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_LOST,
                        _("The camera stopped: %s"), error->message);
  if (g_error_matches (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND))
    return g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_NO_CAMERA, _("The camera cannot be found"));
  return g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED, _("The camera could not be started: %s"),
                      error->message);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  GpCamera *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("%s (%s)", error->message, debug ? debug : "");
        self->bus_watch = 0;
        fail (self, describe_error (self, error));
        return G_SOURCE_REMOVE;
      }
    case GST_MESSAGE_EOS:
      self->bus_watch = 0;
      fail (self, g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_LOST, _("The camera stopped sending pictures")));
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_CONTINUE;
    }
}

/* The pipeline --------------------------------------------------------------- */

/* The first of @keys the device's properties name, or NULL. */
static char *
dup_device_string (GstDevice          *device,
                   const char * const *keys)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  const char *value = NULL;

  for (guint i = 0; props != NULL && keys[i] != NULL && value == NULL; i++)
    value = gst_structure_get_string (props, keys[i]);
  return g_strdup (value);
}

static const char * const location_keys[] = { "api.libcamera.location", "camera.location", NULL };
static const char * const rotation_keys[] = { "api.libcamera.rotation", NULL };
static const char * const path_keys[] = { "api.v4l2.path", "device.path", NULL };

/* Whether a V4L2 device can be told to focus once. */
static gboolean
v4l2_has_control (const char *path,
                  guint32     id)
{
  struct v4l2_queryctrl query = { .id = id };
  int fd, result;

  if (path == NULL)
    return FALSE;
  fd = g_open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  result = ioctl (fd, VIDIOC_QUERYCTRL, &query);
  close (fd);
  return result == 0 && !(query.flags & V4L2_CTRL_FLAG_DISABLED);
}

static GstElement *
make_source (GpCamera  *self,
             GError   **error)
{
  GstElement *source = NULL;
  g_autoptr(GError) local_error = NULL;

  switch (self->mode)
    {
    case MODE_CUSTOM:
      source = gst_parse_bin_from_description (self->description, TRUE, &local_error);
      if (source == NULL)
        g_set_error (error, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED, _("The camera could not be started: %s"),
                     local_error->message);
      return source;

    case MODE_PORTAL:
    case MODE_DEVICES:
      if (self->devices->len > 0)
        {
          GstDevice *device = g_ptr_array_index (self->devices, self->device);

          source = gst_device_create_element (device, NULL);
          if (source != NULL && self->pipewire_fd >= 0 &&
              g_object_class_find_property (G_OBJECT_GET_CLASS (source), "fd") != NULL)
            g_object_set (source, "fd", dup (self->pipewire_fd), NULL);
        }
      else if (self->pipewire_fd >= 0)
        {
          source = gst_element_factory_make ("pipewiresrc", NULL);
          if (source != NULL)
            g_object_set (source, "fd", dup (self->pipewire_fd), NULL);
        }
      if (source == NULL)
        g_set_error (error, GP_CAMERA_ERROR, GP_CAMERA_ERROR_NO_CAMERA, _("This device has no camera"));
      return source;

    default:
      g_assert_not_reached ();
    }
}

static void
build_pipeline (GpCamera *self)
{
  g_autoptr(GError) error = NULL;
  GstElement *source, *raw, *flip = NULL, *tee, *view_queue, *convert, *scale, *view_caps, *shot_queue;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstAppSinkCallbacks view_callbacks = { .new_sample = on_view_sample };
  GstAppSinkCallbacks shot_callbacks = { .new_sample = on_shot_sample };
  GstStateChangeReturn result;

  source = make_source (self, &error);
  if (source == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  self->pipeline = gst_pipeline_new ("camera");
  raw = gst_element_factory_make ("capsfilter", NULL);
  tee = gst_element_factory_make ("tee", NULL);
  view_queue = gst_element_factory_make ("queue", NULL);
  convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  view_caps = gst_element_factory_make ("capsfilter", NULL);
  self->view = gst_element_factory_make ("appsink", "view");
  shot_queue = gst_element_factory_make ("queue", NULL);
  self->shot = gst_element_factory_make ("appsink", "shot");
  if (raw == NULL || tee == NULL || view_queue == NULL || convert == NULL || scale == NULL ||
      view_caps == NULL || self->view == NULL || shot_queue == NULL || self->shot == NULL)
    {
      gst_object_unref (source);
      fail (self, g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED,
                               _("The camera could not be started: %s"),
                               _("GStreamer's video elements are missing")));
      return;
    }

  caps = gst_caps_new_empty_simple ("video/x-raw");
  g_object_set (raw, "caps", caps, NULL);
  gst_clear_caps (&caps);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRx",
                              "width", GST_TYPE_INT_RANGE, 16, VIEW_MAX_EDGE,
                              "height", GST_TYPE_INT_RANGE, 16, VIEW_MAX_EDGE,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (view_caps, "caps", caps, NULL);
  /* The view keeps up by dropping; the shutter takes the newest frame. */
  g_object_set (view_queue, "leaky", 2, "max-size-buffers", 1, "max-size-bytes", 0, "max-size-time",
                (guint64) 0, NULL);
  g_object_set (shot_queue, "leaky", 2, "max-size-buffers", 1, "max-size-bytes", 0, "max-size-time",
                (guint64) 0, NULL);
  g_object_set (self->view, "max-buffers", 1, "drop", TRUE, "sync", FALSE, "enable-last-sample", FALSE, NULL);
  g_object_set (self->shot, "max-buffers", 1, "drop", TRUE, "sync", FALSE, "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (self->view), &view_callbacks, self, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (self->shot), &shot_callbacks, self, NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), source, raw, tee, view_queue, convert, scale, view_caps,
                    self->view, shot_queue, self->shot, NULL);

  /* A sensor mounted turned (as on phones) is turned back upright. */
  if (self->devices != NULL && self->devices->len > 0 && self->mode != MODE_CUSTOM)
    {
      g_autofree char *rotation = dup_device_string (g_ptr_array_index (self->devices, self->device),
                                                     rotation_keys);
      int degrees = rotation ? atoi (rotation) : 0;

      if (degrees == 90 || degrees == 180 || degrees == 270)
        {
          flip = gst_element_factory_make ("videoflip", NULL);
          if (flip != NULL)
            {
              gst_util_set_object_arg (G_OBJECT (flip), "video-direction",
                                       degrees == 90 ? "90r" : degrees == 180 ? "180" : "90l");
              gst_bin_add (GST_BIN (self->pipeline), flip);
            }
        }
    }

  if (!gst_element_link (source, raw) ||
      (flip != NULL ? !gst_element_link_many (raw, flip, tee, NULL) : !gst_element_link (raw, tee)) ||
      !gst_element_link_many (tee, view_queue, convert, scale, view_caps, self->view, NULL) ||
      !gst_element_link_many (tee, shot_queue, self->shot, NULL))
    {
      fail (self, g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED, _("The camera could not be started: %s"),
                               _("its pictures cannot be shown")));
      return;
    }

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  result = gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  if (result == GST_STATE_CHANGE_FAILURE && self->bus_watch != 0)
    {
      /* The reason is on the bus; read it now. */
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        on_bus_message (bus, message, self);
      else
        fail (self, g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED, _("The camera could not be started")));
    }
}

static void
find_led (GpCamera *self)
{
  const char *dir_path = "/sys/class/leds";
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_clear_pointer (&self->led, g_free);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (strstr (name, "flash") == NULL && strstr (name, "torch") == NULL)
        continue;
      path = g_build_filename (dir_path, name, "brightness", NULL);
      if (g_access (path, W_OK) == 0)
        {
          self->led = g_steal_pointer (&path);
          return;
        }
    }
}

/* Takes @device (a video source) into the cameras to switch between,
 * the back camera first: a problem is in front of the worker. */
static void
add_device (GpCamera  *self,
            GstDevice *device)
{
  g_autofree char *location = dup_device_string (device, location_keys);

  if (g_strcmp0 (location, "back") == 0)
    g_ptr_array_insert (self->devices, 0, device);
  else
    g_ptr_array_add (self->devices, device);
}

static void
find_devices (GpCamera *self)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GList *devices;

  g_ptr_array_set_size (self->devices, 0);
  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  if (!gst_device_monitor_start (monitor))
    return;
  devices = gst_device_monitor_get_devices (monitor);
  gst_device_monitor_stop (monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    add_device (self, l->data);
  g_list_free (devices);
}

static void
started (GpCamera *self)
{
  g_clear_pointer (&self->v4l2_path, g_free);
  self->can_focus = FALSE;
  if (self->mode == MODE_DEVICES && self->devices->len > 0)
    {
      self->v4l2_path = dup_device_string (g_ptr_array_index (self->devices, self->device), path_keys);
      self->can_focus = v4l2_has_control (self->v4l2_path, V4L2_CID_AUTO_FOCUS_START);
    }
  if (self->mode == MODE_DEVICES)
    find_led (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CAMERAS]);
  build_pipeline (self);
}

static void
on_portal_open (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpCamera) self = user_data;
  g_autoptr(GError) error = NULL;
  int fd = gp_camera_portal_open_finish (result, &error);

  if (self->state != GP_CAMERA_STATE_STARTING)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  if (fd < 0)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  if (self->pipewire_fd >= 0)
    close (self->pipewire_fd);
  self->pipewire_fd = fd;

  /* The cameras behind the connection, to switch between. */
  g_ptr_array_set_size (self->devices, 0);
  {
    g_autoptr(GstDeviceProvider) provider = gst_device_provider_factory_get_by_name ("pipewiredeviceprovider");

    if (provider != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (provider), "fd") != NULL)
      {
        GList *devices;

        g_object_set (provider, "fd", dup (fd), NULL);
        if (gst_device_provider_start (provider))
          {
            devices = gst_device_provider_get_devices (provider);
            for (GList *l = devices; l != NULL; l = l->next)
              if (gst_device_has_classes (l->data, "Video/Source"))
                add_device (self, g_object_ref (l->data));
            g_list_free_full (devices, gst_object_unref);
            gst_device_provider_stop (provider);
          }
      }
  }
  self->device = 0;
  started (self);
}

/* API ---------------------------------------------------------------------- */

/**
 * gp_camera_start:
 *
 * Asks for access where that is needed, opens the camera and shows its
 * frames; the state says how far it got, the error why it failed.
 */
void
gp_camera_start (GpCamera *self)
{
  g_return_if_fail (GP_IS_CAMERA (self));

  if (self->state == GP_CAMERA_STATE_STARTING || self->state == GP_CAMERA_STATE_ON)
    return;
  g_clear_error (&self->error);
  set_state (self, GP_CAMERA_STATE_STARTING);
  switch (self->mode)
    {
    case MODE_PORTAL:
      if (self->pipewire_fd >= 0)
        started (self);
      else
        gp_camera_portal_open_async (NULL, on_portal_open, g_object_ref (self));
      return;
    case MODE_DEVICES:
      find_devices (self);
      self->device = MIN (self->device, self->devices->len ? self->devices->len - 1 : 0);
      if (self->devices->len == 0)
        {
          fail (self, g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_NO_CAMERA, _("This device has no camera")));
          return;
        }
      started (self);
      return;
    case MODE_CUSTOM:
      started (self);
      return;
    default:
      g_assert_not_reached ();
    }
}

/* Closes the camera (the torch goes off); the last frame stays shown. */
void
gp_camera_stop (GpCamera *self)
{
  g_return_if_fail (GP_IS_CAMERA (self));

  if (self->torch)
    gp_camera_set_torch (self, FALSE);
  if (self->bus_watch != 0)
    {
      g_source_remove (self->bus_watch);
      self->bus_watch = 0;
    }
  if (self->pipeline != NULL)
    {
      /* Waits for GStreamer's threads: no frame arrives after this. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_pointer (&self->pipeline, gst_object_unref);
      self->view = self->shot = NULL;
    }
  g_mutex_lock (&self->lock);
  g_clear_object (&self->pending);
  self->shots_wanted = 0;
  g_mutex_unlock (&self->lock);
  if (!g_queue_is_empty (&self->shots))
    {
      g_autoptr(GError) error = g_error_new (GP_CAMERA_ERROR, GP_CAMERA_ERROR_LOST,
                                             _("The camera was closed before the photo was taken"));

      fail_shots (self, error);
    }
  if (self->state != GP_CAMERA_STATE_FAILED)
    set_state (self, GP_CAMERA_STATE_OFF);
}

GpCameraState
gp_camera_get_state (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), GP_CAMERA_STATE_OFF);

  return self->state;
}

/* Why the camera failed, in words for the user; NULL unless it did. */
const GError *
gp_camera_get_error (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), NULL);

  return self->error;
}

guint
gp_camera_get_n_cameras (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), 0);

  if (self->mode == MODE_CUSTOM)
    return 1;
  return MAX (self->devices->len, self->pipewire_fd >= 0 ? 1u : 0u);
}

/* The next camera, where there are two or more. */
void
gp_camera_switch (GpCamera *self)
{
  g_return_if_fail (GP_IS_CAMERA (self));

  if (gp_camera_get_n_cameras (self) < 2)
    return;
  gp_camera_stop (self);
  self->device = (self->device + 1) % self->devices->len;
  g_clear_error (&self->error);
  set_state (self, GP_CAMERA_STATE_STARTING);
  started (self);
}

gboolean
gp_camera_get_has_torch (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), FALSE);

  return self->led != NULL;
}

gboolean
gp_camera_get_torch (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), FALSE);

  return self->torch;
}

/* The flash LED on or off, as a torch, where the device lets the app. */
void
gp_camera_set_torch (GpCamera *self,
                     gboolean  on)
{
  g_autofree char *dir = NULL;
  g_autofree char *max_path = NULL;
  g_autofree char *max = NULL;

  g_return_if_fail (GP_IS_CAMERA (self));

  on = !!on;
  if (self->led == NULL || self->torch == on)
    return;
  dir = g_path_get_dirname (self->led);
  max_path = g_build_filename (dir, "max_brightness", NULL);
  if (!on || !g_file_get_contents (max_path, &max, NULL, NULL))
    g_set_str (&max, on ? "1" : "0");
  if (!g_file_set_contents_full (self->led, g_strstrip (max), -1, G_FILE_SET_CONTENTS_NONE, 0644, NULL))
    return;
  self->torch = on;
}

gboolean
gp_camera_get_can_focus (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), FALSE);

  return self->can_focus;
}

/* Focuses once, where the camera can be told to. */
void
gp_camera_focus (GpCamera *self)
{
  struct v4l2_control control = { .id = V4L2_CID_AUTO_FOCUS_START, .value = 1 };
  int fd;

  g_return_if_fail (GP_IS_CAMERA (self));

  if (!self->can_focus || self->v4l2_path == NULL)
    return;
  fd = g_open (self->v4l2_path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    return;
  if (ioctl (fd, VIDIOC_S_CTRL, &control) != 0)
    g_debug ("focusing: %s", g_strerror (errno));
  close (fd);
}

/* Frames shown since the camera was made: for the benchmark. */
guint64
gp_camera_get_frames_shown (GpCamera *self)
{
  g_return_val_if_fail (GP_IS_CAMERA (self), 0);

  return self->frames_shown;
}

/**
 * gp_camera_capture_async:
 *
 * The shutter: the next frame the camera makes, at its full resolution,
 * converted to RGB pixels in a worker thread. Presses in a row each get
 * their own frame.
 */
void
gp_camera_capture_async (GpCamera            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_CAMERA (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_camera_capture_async);
  if (self->state != GP_CAMERA_STATE_ON)
    {
      g_task_return_new_error (task, GP_CAMERA_ERROR, GP_CAMERA_ERROR_FAILED, _("The camera is not on"));
      return;
    }
  g_queue_push_tail (&self->shots, g_steal_pointer (&task));
  g_mutex_lock (&self->lock);
  self->shots_wanted++;
  g_mutex_unlock (&self->lock);
}

GdkPixbuf *
gp_camera_capture_finish (GpCamera      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* As when the device is unplugged: its source reports that it cannot read. */
void
gp_camera_simulate_loss (GpCamera *self)
{
  g_autoptr(GstIterator) sources = NULL;
  GValue item = G_VALUE_INIT;

  g_return_if_fail (GP_IS_CAMERA (self));

  if (self->pipeline == NULL)
    return;
  sources = gst_bin_iterate_sources (GST_BIN (self->pipeline));
  if (gst_iterator_next (sources, &item) == GST_ITERATOR_OK)
    {
      GstElement *source = g_value_get_object (&item);

      GST_ELEMENT_ERROR (source, RESOURCE, READ, ("The device was removed"), (NULL));
      g_value_unset (&item);
    }
}

/* The object ---------------------------------------------------------------- */

static void
gp_camera_dispose (GObject *object)
{
  GpCamera *self = GP_CAMERA (object);

  gp_camera_stop (self);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (gp_camera_parent_class)->dispose (object);
}

static void
gp_camera_finalize (GObject *object)
{
  GpCamera *self = GP_CAMERA (object);

  if (self->pipewire_fd >= 0)
    close (self->pipewire_fd);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_free (self->description);
  g_free (self->led);
  g_free (self->v4l2_path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gp_camera_parent_class)->finalize (object);
}

static void
gp_camera_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  GpCamera *self = GP_CAMERA (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_CAMERAS:
      g_value_set_uint (value, gp_camera_get_n_cameras (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_camera_class_init (GpCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gp_camera_dispose;
  object_class->finalize = gp_camera_finalize;
  object_class->get_property = gp_camera_get_property;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, GP_CAMERA_STATE_OFF, GP_CAMERA_STATE_FAILED,
                                             GP_CAMERA_STATE_OFF, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CAMERAS] = g_param_spec_uint ("n-cameras", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gp_camera_init (GpCamera *self)
{
  self->pipewire_fd = -1;
  self->devices = g_ptr_array_new_with_free_func (gst_object_unref);
  g_mutex_init (&self->lock);
  g_queue_init (&self->shots);
}

/**
 * gp_camera_new:
 * @source: (nullable): "portal" for the camera portal, a GStreamer source
 *   description, or NULL for the portal in a sandbox and the device's
 *   cameras outside one
 */
GpCamera *
gp_camera_new (const char *source)
{
  GpCamera *self;

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);
  self = g_object_new (GP_TYPE_CAMERA, NULL);
  if (g_strcmp0 (source, "portal") == 0 ||
      (source == NULL && g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)))
    self->mode = MODE_PORTAL;
  else if (source == NULL || *source == '\0')
    self->mode = MODE_DEVICES;
  else
    {
      self->mode = MODE_CUSTOM;
      self->description = g_strdup (source);
    }
  return self;
}

/* The camera GRIDPATROL_CAMERA names, or the device's. */
GpCamera *
gp_camera_new_default (void)
{
  return gp_camera_new (g_getenv ("GRIDPATROL_CAMERA"));
}
