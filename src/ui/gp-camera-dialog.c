/* gp-camera-dialog.c
 *
 * The camera, inside the report (and a step's photos): the viewfinder
 * fills the page, the shutter is a large round button at the bottom in
 * reach of a thumb, and the shots taken so far line the strip above it.
 * Each press takes the next frame; the photo is scaled, stamped and
 * encoded in a worker thread while the viewfinder goes on, so shots can
 * follow each other without leaving the page. Done (or Back) returns to
 * the form once every shot is kept.
 *
 * When there is no camera, the user does not allow it, another app has
 * it, or it stops, the page says so and offers the gallery instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-camera-dialog"

#include "config.h"

#include "gp-camera-dialog.h"
#include "gp-texture.h"

#include <glib/gi18n.h>

struct _GpCameraDialog
{
  AdwDialog       parent_instance;

  GpCamera       *camera;
  GpStampSource  *stamps;
  GQueue          shots;          /* GpPhotoStamp: made at each press, oldest first */
  guint           busy;           /* shots not yet kept */
  guint           n_taken;
  char           *message;
  GCancellable   *cancellable;

  GtkPicture     *viewfinder;
  GtkStack       *status_stack;
  AdwStatusPage  *status_page;
  GtkButton      *switch_button;
  GtkToggleButton *torch_button;
  GtkBox         *strip;
  GtkScrolledWindow *strip_scroller;
  GtkButton      *shutter_button;
  GtkButton      *done_button;
  GtkLabel       *message_label;
};

G_DEFINE_FINAL_TYPE (GpCameraDialog, gp_camera_dialog, ADW_TYPE_DIALOG)

enum {
  PHOTO_TAKEN,
  GALLERY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_message (GpCameraDialog *self,
             const char     *message)
{
  g_set_str (&self->message, message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update (GpCameraDialog *self)
{
  GpCameraState state = gp_camera_get_state (self->camera);
  gboolean on = state == GP_CAMERA_STATE_ON;
  g_autofree char *done = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->shutter_button), on);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), gp_camera_get_n_cameras (self->camera) > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->torch_button), gp_camera_get_has_torch (self->camera));
  gtk_widget_set_sensitive (GTK_WIDGET (self->done_button), self->busy == 0);
  adw_dialog_set_can_close (ADW_DIALOG (self), self->busy == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->strip_scroller), gtk_widget_get_first_child (GTK_WIDGET (self->strip)) != NULL);

  switch (state)
    {
    case GP_CAMERA_STATE_ON:
      gtk_stack_set_visible_child_name (self->status_stack, "none");
      break;
    case GP_CAMERA_STATE_STARTING:
    case GP_CAMERA_STATE_OFF:
      gtk_stack_set_visible_child_name (self->status_stack, "starting");
      break;
    case GP_CAMERA_STATE_FAILED:
    default:
      {
        const GError *error = gp_camera_get_error (self->camera);
        const char *title;

        switch (error ? error->code : GP_CAMERA_ERROR_FAILED)
          {
          case GP_CAMERA_ERROR_NO_CAMERA:
            title = _("No Camera");
            break;
          case GP_CAMERA_ERROR_DENIED:
            title = _("Camera Not Allowed");
            break;
          case GP_CAMERA_ERROR_BUSY:
            title = _("Camera in Use");
            break;
          case GP_CAMERA_ERROR_LOST:
            title = _("The Camera Stopped");
            break;
          default:
            title = _("The Camera Cannot Be Started");
          }
        adw_status_page_set_title (self->status_page, title);
        adw_status_page_set_description (self->status_page, error ? error->message : NULL);
        gtk_stack_set_visible_child_name (self->status_stack, "failed");
      }
    }
  if (self->busy > 0)
    done = g_strdup (_("Saving…"));
  else
    done = g_strdup (_("_Done"));
  gtk_button_set_label (self->done_button, done);
}

static void
on_photo_taken (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpCameraDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  g_autoptr(GpPhoto) photo = gp_photo_take_frame_finish (result, &thumbnail, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy--;
  if (photo == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The photo was not kept: %s"), error->message);

      set_message (self, message);
    }
  else
    {
      g_autoptr(GdkTexture) texture = gp_texture_new_for_pixels (thumbnail);
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      g_autofree char *name = g_strdup_printf ("shot-%u", ++self->n_taken);

      gtk_widget_set_name (picture, name);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 56, 56);
      gtk_widget_add_css_class (picture, "gp-photo-thumbnail");
      gtk_box_append (self->strip, picture);
      g_signal_emit (self, signals[PHOTO_TAKEN], 0, photo, texture);
      /* The newest shot in view. */
      gtk_widget_set_visible (GTK_WIDGET (self->strip_scroller), TRUE);
      {
        GtkAdjustment *adjustment = gtk_scrolled_window_get_hadjustment (self->strip_scroller);

        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      }
    }
  update (self);
}

static void
on_captured (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GpCameraDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) frame = gp_camera_capture_finish (GP_CAMERA (source), result, &error);
  g_autoptr(GpPhotoStamp) stamp = g_queue_pop_head (&self->shots);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (frame == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The photo was not taken: %s"), error->message);

      self->busy--;
      set_message (self, message);
      update (self);
      return;
    }
  gp_photo_take_frame_async (frame, stamp, self->cancellable, on_photo_taken, g_object_ref (self));
}

/**
 * gp_camera_dialog_shoot:
 *
 * The shutter: what is known now is recorded, and the next frame taken.
 */
void
gp_camera_dialog_shoot (GpCameraDialog *self)
{
  g_return_if_fail (GP_IS_CAMERA_DIALOG (self));

  if (gp_camera_get_state (self->camera) != GP_CAMERA_STATE_ON)
    return;
  set_message (self, NULL);
  g_queue_push_tail (&self->shots, gp_stamp_source_make (self->stamps));
  self->busy++;
  update (self);
  gp_camera_capture_async (self->camera, self->cancellable, on_captured, g_object_ref (self));
}

static void
on_shutter_clicked (GpCameraDialog *self)
{
  gp_camera_dialog_shoot (self);
}

static void
on_done_clicked (GpCameraDialog *self)
{
  adw_dialog_close (ADW_DIALOG (self));
}

static void
on_switch_clicked (GpCameraDialog *self)
{
  gp_camera_switch (self->camera);
  update (self);
}

static void
on_torch_toggled (GpCameraDialog *self)
{
  gp_camera_set_torch (self->camera, gtk_toggle_button_get_active (self->torch_button));
  /* The LED refused: the button says so (toggling back changes nothing). */
  gtk_toggle_button_set_active (self->torch_button, gp_camera_get_torch (self->camera));
}

static void
on_retry_clicked (GpCameraDialog *self)
{
  gp_camera_start (self->camera);
  update (self);
}

static void
on_gallery_clicked (GpCameraDialog *self)
{
  g_signal_emit (self, signals[GALLERY], 0);
  adw_dialog_close (ADW_DIALOG (self));
}

static void
on_viewfinder_pressed (GpCameraDialog *self)
{
  gp_camera_focus (self->camera);
}

static void
on_closed (GpCameraDialog *self)
{
  gp_camera_stop (self->camera);
}

GpCamera *
gp_camera_dialog_get_camera (GpCameraDialog *self)
{
  g_return_val_if_fail (GP_IS_CAMERA_DIALOG (self), NULL);

  return self->camera;
}

/* Photos kept from this page. */
guint
gp_camera_dialog_get_n_taken (GpCameraDialog *self)
{
  g_return_val_if_fail (GP_IS_CAMERA_DIALOG (self), 0);

  return self->n_taken;
}

/* Whether a shot is still being taken or kept. */
gboolean
gp_camera_dialog_get_busy (GpCameraDialog *self)
{
  g_return_val_if_fail (GP_IS_CAMERA_DIALOG (self), FALSE);

  return self->busy > 0;
}

/* Why the last shot was not kept, or NULL. */
const char *
gp_camera_dialog_get_message (GpCameraDialog *self)
{
  g_return_val_if_fail (GP_IS_CAMERA_DIALOG (self), NULL);

  return self->message;
}

static void
gp_camera_dialog_dispose (GObject *object)
{
  GpCameraDialog *self = GP_CAMERA_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      gp_camera_stop (self->camera);
    }
  g_queue_clear_full (&self->shots, (GDestroyNotify) gp_photo_stamp_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_CAMERA_DIALOG);

  G_OBJECT_CLASS (gp_camera_dialog_parent_class)->dispose (object);
}

static void
gp_camera_dialog_finalize (GObject *object)
{
  GpCameraDialog *self = GP_CAMERA_DIALOG (object);

  g_clear_object (&self->camera);
  g_clear_object (&self->stamps);
  g_clear_object (&self->cancellable);
  g_free (self->message);

  G_OBJECT_CLASS (gp_camera_dialog_parent_class)->finalize (object);
}

static void
gp_camera_dialog_class_init (GpCameraDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_camera_dialog_dispose;
  object_class->finalize = gp_camera_dialog_finalize;

  /* A photo kept: the photo (owned by the emitter) and its thumbnail. */
  signals[PHOTO_TAKEN] = g_signal_new ("photo-taken", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, GDK_TYPE_TEXTURE);
  /* The user asked for the gallery instead. */
  signals[GALLERY] = g_signal_new ("gallery", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-camera-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, viewfinder);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, status_stack);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, status_page);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, switch_button);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, torch_button);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, strip);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, strip_scroller);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, shutter_button);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, GpCameraDialog, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_shutter_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_done_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_torch_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_gallery_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_viewfinder_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_closed);
}

static void
gp_camera_dialog_init (GpCameraDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->shots);
}

/**
 * gp_camera_dialog_new:
 * @stamps: what each shot is stamped and recorded with
 * @thumbnails: (element-type GdkTexture) (nullable): the photos already
 *   in the report, for the strip
 *
 * The camera starts when the page is made.
 */
GpCameraDialog *
gp_camera_dialog_new (GpStampSource *stamps,
                      GPtrArray     *thumbnails)
{
  GpCameraDialog *self;

  g_return_val_if_fail (GP_IS_STAMP_SOURCE (stamps), NULL);

  self = g_object_new (GP_TYPE_CAMERA_DIALOG, NULL);
  self->stamps = g_object_ref (stamps);
  self->camera = gp_camera_new_default ();
  for (guint i = 0; thumbnails != NULL && i < thumbnails->len; i++)
    {
      GtkWidget *picture = gtk_picture_new_for_paintable (g_ptr_array_index (thumbnails, i));

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 56, 56);
      gtk_widget_add_css_class (picture, "gp-photo-thumbnail");
      gtk_box_append (self->strip, picture);
    }
  gtk_picture_set_paintable (self->viewfinder, GDK_PAINTABLE (self->camera));
  g_signal_connect_object (self->camera, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->camera, "notify::n-cameras", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  gp_camera_start (self->camera);
  update (self);
  return self;
}
