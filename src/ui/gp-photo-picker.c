/* gp-photo-picker.c
 *
 * Photos come from the camera, in the app (gp-camera-dialog.c: stamped,
 * with where and when they were taken recorded), or from the gallery: the
 * worker picks one or more with the file chooser (the portal in Flatpak),
 * and each is marked as chosen from the gallery, with the file's own time.
 * A file is taken in (decoded, turned upright, scaled, re-encoded) in a
 * worker thread, one after the other, with the progress shown; a photo
 * that cannot be used is named with the reason, and the others stay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-photo-picker"

#include "config.h"

#include "gp-camera-dialog.h"
#include "gp-photo-picker.h"
#include "gp-texture.h"

#include <glib/gi18n.h>

struct _GpPhotoPicker
{
  GtkBox        parent_instance;

  GtkBox       *strip;
  GtkButton    *camera_button;
  GtkButton    *add_button;
  GtkRevealer  *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkLabel     *message_label;

  GPtrArray    *photos;       /* GpPhoto */
  GPtrArray    *tiles;        /* GtkWidget: each photo's tile in the strip, as photos */
  GQueue        pending;      /* Job */
  struct _Job  *current;      /* the one being taken in */
  guint         n_tiles;      /* tiles made, to name the next */
  guint         total;        /* in this batch */
  guint         done;
  gboolean      busy;
  char         *message;
  GCancellable *cancellable;
  GpContext    *context;      /* for the camera; NULL: the gallery only */
  GpStampSource *stamps;      /* made when the camera is first opened */
};

G_DEFINE_FINAL_TYPE (GpPhotoPicker, gp_photo_picker, GTK_TYPE_BOX)

/* A photo to take in: from a file, or already taken in (a saved draft's);
 * either way its thumbnail is decoded off the main loop too. */
typedef struct _Job
{
  GFile      *file;
  GpPhoto    *photo;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->file);
  g_clear_pointer (&job->photo, gp_photo_free);
  g_free (job);
}

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void process_next (GpPhotoPicker *self);

/* The tile's remove button names the photo by its place in the strip. */
static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GpPhotoPicker *self = GP_PHOTO_PICKER (widget);
  GtkWidget *tile = NULL;
  guint index;

  for (index = 0; index < self->tiles->len; index++)
    if (g_strcmp0 (gtk_widget_get_name (g_ptr_array_index (self->tiles, index)),
                   g_variant_get_string (parameter, NULL)) == 0)
      {
        tile = g_ptr_array_index (self->tiles, index);
        break;
      }
  if (tile == NULL)
    return;
  g_ptr_array_remove_index (self->photos, index);
  g_ptr_array_remove_index (self->tiles, index);
  gtk_box_remove (self->strip, tile);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
show_photo (GpPhotoPicker *self,
            GpPhoto       *photo,
            GdkTexture    *texture)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("gp-close-symbolic");

  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (picture, 88, 88);
  gtk_widget_add_css_class (picture, "gp-photo-thumbnail");
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_set_valign (remove, GTK_ALIGN_START);
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_add_css_class (remove, "osd");
  /* A thumb's size, over the tile's corner. */
  gtk_widget_set_size_request (remove, 44, 44);
  gtk_widget_set_tooltip_text (remove, _("Remove Photo"));
  /* Each tile named once, so a tap removes the photo it is on. */
  {
    g_autofree char *name = g_strdup_printf ("photo-%u", ++self->n_tiles);

    gtk_widget_set_name (overlay, name);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "picker.remove");
    gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", name);
  }
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);
  g_ptr_array_add (self->photos, photo);
  g_ptr_array_add (self->tiles, overlay);

  gtk_box_insert_child_after (self->strip, overlay,
                              gtk_widget_get_prev_sibling (GTK_WIDGET (self->camera_button)));
}

static void
set_message (GpPhotoPicker *self,
             const char    *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
update_progress (GpPhotoPicker *self)
{
  g_autofree char *text = NULL;

  gtk_revealer_set_reveal_child (self->progress_revealer, self->busy);
  if (!self->busy)
    return;
  text = g_strdup_printf (_("Processing photo %u of %u…"), self->done + 1, self->total);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, self->total ? (double) self->done / self->total : 0);
}

static void
taken_in (GpPhotoPicker *self,
          GdkPixbuf     *thumbnail,
          GError        *error)
{
  Job *job = g_steal_pointer (&self->current);

  self->done++;
  if (error != NULL)
    {
      g_autofree char *name = job->file ? g_file_get_basename (job->file) : g_strdup (_("A saved photo"));
      g_autofree char *message = g_strdup_printf (_("%s cannot be used: %s"), name, error->message);

      set_message (self, message);
    }
  else
    {
      g_autoptr(GdkTexture) texture = gp_texture_new_for_pixels (thumbnail);

      show_photo (self, g_steal_pointer (&job->photo), texture);
      g_signal_emit (self, signals[CHANGED], 0);
    }
  job_free (job);
  process_next (self);
}

static void
on_file_processed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpPhotoPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) thumbnail = NULL;
  GpPhoto *photo = gp_photo_process_file_finish (result, &thumbnail, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (photo != NULL && self->stamps != NULL)
    gp_stamp_source_mark_gallery (self->stamps, photo);
  self->current->photo = photo;
  taken_in (self, thumbnail, error);
}

static void
on_thumbnail_decoded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GpPhotoPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) thumbnail = gp_photo_decode_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  taken_in (self, thumbnail, error);
}

static void
process_next (GpPhotoPicker *self)
{
  Job *job = g_queue_pop_head (&self->pending);

  self->busy = job != NULL;
  if (job == NULL)
    self->total = self->done = 0;
  update_progress (self);
  if (job == NULL)
    {
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }

  self->current = job;
  if (job->photo != NULL)
    gp_photo_decode_async (job->photo->thumbnail, self->cancellable, on_thumbnail_decoded, g_object_ref (self));
  else
    {
      g_autofree char *path = g_file_get_path (job->file);

      if (path == NULL)
        {
          g_autoptr(GError) error = g_error_new_literal (GP_PHOTO_ERROR, GP_PHOTO_ERROR_FAILED,
                                                         _("it is not on this device"));

          taken_in (self, NULL, error);
          return;
        }
      gp_photo_process_file_async (path, self->cancellable, on_file_processed, g_object_ref (self));
    }
}

static void
enqueue (GpPhotoPicker *self,
         Job           *job)
{
  gboolean idle = !self->busy;

  g_queue_push_tail (&self->pending, job);
  self->total++;
  if (idle)
    process_next (self);
  else
    update_progress (self);
}

/**
 * gp_photo_picker_add_files:
 *
 * Takes photos in, one after the other, off the main loop.
 */
void
gp_photo_picker_add_files (GpPhotoPicker  *self,
                           GFile         **files,
                           guint           n_files)
{
  g_return_if_fail (GP_IS_PHOTO_PICKER (self));

  set_message (self, NULL);
  for (guint i = 0; i < n_files; i++)
    {
      Job *job = g_new0 (Job, 1);

      job->file = g_object_ref (files[i]);
      enqueue (self, job);
    }
}

/* A photo already taken in, as from a saved draft. Takes ownership. */
void
gp_photo_picker_add_photo (GpPhotoPicker *self,
                           GpPhoto       *photo)
{
  Job *job = g_new0 (Job, 1);

  g_return_if_fail (GP_IS_PHOTO_PICKER (self));

  job->photo = photo;
  enqueue (self, job);
}

static void
on_dialog_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GpPhotoPicker) self = user_data;
  g_autoptr(GListModel) files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result, NULL);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (list, g_list_model_get_item (files, i));
  if (list->len > 0)
    gp_photo_picker_add_files (self, (GFile **) list->pdata, list->len);
}

void
gp_photo_picker_choose (GpPhotoPicker *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GFile) pictures = g_file_new_for_path (g_get_user_special_dir (G_USER_DIRECTORY_PICTURES) ?: g_get_home_dir ());

  gtk_file_filter_set_name (filter, _("Photos"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Choose Photos"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_initial_folder (dialog, pictures);
  gtk_file_dialog_open_multiple (dialog, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->cancellable,
                                 on_dialog_done, g_object_ref (self));
}

static void
on_add_clicked (GpPhotoPicker *self)
{
  gp_photo_picker_choose (self);
}

static void
on_photo_taken (GpPhotoPicker *self,
                GpPhoto       *photo,
                GdkTexture    *thumbnail)
{
  show_photo (self, gp_photo_copy (photo), thumbnail);
  g_signal_emit (self, signals[CHANGED], 0);
}

static GpStampSource *
ensure_stamps (GpPhotoPicker *self)
{
  if (self->stamps == NULL && self->context != NULL)
    self->stamps = gp_stamp_source_new (self->context);
  return self->stamps;
}

/**
 * gp_photo_picker_open_camera:
 *
 * Opens the camera over the form; each photo taken there joins the strip.
 */
GpCameraDialog *
gp_photo_picker_open_camera (GpPhotoPicker *self)
{
  g_autoptr(GPtrArray) thumbnails = g_ptr_array_new ();
  GpCameraDialog *dialog;

  g_return_val_if_fail (GP_IS_PHOTO_PICKER (self), NULL);
  g_return_val_if_fail (self->context != NULL, NULL);

  for (guint i = 0; i < self->tiles->len; i++)
    {
      GtkWidget *picture = gtk_overlay_get_child (GTK_OVERLAY (g_ptr_array_index (self->tiles, i)));

      g_ptr_array_add (thumbnails, gtk_picture_get_paintable (GTK_PICTURE (picture)));
    }
  set_message (self, NULL);
  dialog = gp_camera_dialog_new (ensure_stamps (self), thumbnails);
  g_signal_connect_object (dialog, "photo-taken", G_CALLBACK (on_photo_taken), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "gallery", G_CALLBACK (gp_photo_picker_choose), self, G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
  return dialog;
}

static void
on_camera_clicked (GpPhotoPicker *self)
{
  gp_photo_picker_open_camera (self);
}

/* The context the camera's photos are recorded from; without one, the
 * picker offers the gallery only. */
void
gp_photo_picker_set_context (GpPhotoPicker *self,
                             GpContext     *context)
{
  g_return_if_fail (GP_IS_PHOTO_PICKER (self));

  if (!g_set_object (&self->context, context))
    return;
  g_clear_object (&self->stamps);
  gtk_widget_set_visible (GTK_WIDGET (self->camera_button), context != NULL);
  if (context != NULL)
    ensure_stamps (self);
}

GPtrArray *
gp_photo_picker_get_photos (GpPhotoPicker *self)
{
  g_return_val_if_fail (GP_IS_PHOTO_PICKER (self), NULL);

  return self->photos;
}

gboolean
gp_photo_picker_get_busy (GpPhotoPicker *self)
{
  g_return_val_if_fail (GP_IS_PHOTO_PICKER (self), FALSE);

  return self->busy;
}

/* Why the last photo could not be used; NULL when all could. */
const char *
gp_photo_picker_get_message (GpPhotoPicker *self)
{
  g_return_val_if_fail (GP_IS_PHOTO_PICKER (self), NULL);

  return self->message;
}

void
gp_photo_picker_clear (GpPhotoPicker *self)
{
  GtkWidget *child;

  g_return_if_fail (GP_IS_PHOTO_PICKER (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->strip))) != GTK_WIDGET (self->camera_button))
    gtk_box_remove (self->strip, child);
  g_ptr_array_set_size (self->photos, 0);
  g_ptr_array_set_size (self->tiles, 0);
  set_message (self, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
gp_photo_picker_dispose (GObject *object)
{
  GpPhotoPicker *self = (GpPhotoPicker *) object;

  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->pending, (GDestroyNotify) job_free);
  g_clear_pointer (&self->current, job_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_PHOTO_PICKER);

  G_OBJECT_CLASS (gp_photo_picker_parent_class)->dispose (object);
}

static void
gp_photo_picker_finalize (GObject *object)
{
  GpPhotoPicker *self = (GpPhotoPicker *) object;

  g_clear_pointer (&self->photos, g_ptr_array_unref);
  g_clear_pointer (&self->tiles, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stamps);
  g_clear_object (&self->context);
  g_free (self->message);

  G_OBJECT_CLASS (gp_photo_picker_parent_class)->finalize (object);
}

static void
gp_photo_picker_class_init (GpPhotoPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_photo_picker_dispose;
  object_class->finalize = gp_photo_picker_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-photo-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, GpPhotoPicker, strip);
  gtk_widget_class_bind_template_child (widget_class, GpPhotoPicker, camera_button);
  gtk_widget_class_bind_template_child (widget_class, GpPhotoPicker, add_button);
  gtk_widget_class_bind_template_child (widget_class, GpPhotoPicker, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, GpPhotoPicker, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GpPhotoPicker, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_camera_clicked);
  gtk_widget_class_install_action (widget_class, "picker.remove", "s", remove_action);
}

static void
gp_photo_picker_init (GpPhotoPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->camera_button), FALSE);
  self->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_photo_free);
  self->tiles = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->pending);
}

GtkWidget *
gp_photo_picker_new (void)
{
  return g_object_new (GP_TYPE_PHOTO_PICKER, NULL);
}
