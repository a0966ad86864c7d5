/* gp-incident-row.c — one incident in the list: its thumbnail with the
 * warning's dot, its title, category and place, its state and age, and a
 * mark while the grid centre does not have it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-incident-row"

#include "config.h"

#include "gp-incident-row.h"
#include "gp-clock.h"

#include <glib/gi18n.h>

struct _GpIncidentRow
{
  GtkBox      parent_instance;

  char       *incident_id;
  GtkPicture *picture;
  GtkWidget  *dot;
  GtkLabel   *title;
  GtkLabel   *place;
  GtkLabel   *state;
};

G_DEFINE_FINAL_TYPE (GpIncidentRow, gp_incident_row, GTK_TYPE_BOX)

static void
gp_incident_row_finalize (GObject *object)
{
  GpIncidentRow *self = (GpIncidentRow *) object;

  g_free (self->incident_id);

  G_OBJECT_CLASS (gp_incident_row_parent_class)->finalize (object);
}

static void
gp_incident_row_class_init (GpIncidentRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_incident_row_finalize;
}

static void
gp_incident_row_init (GpIncidentRow *self)
{
  GtkWidget *row = GTK_WIDGET (self);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *frame = gtk_image_new_from_icon_name ("camera-photo-symbolic");
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *place = gtk_label_new (NULL);
  GtkWidget *state = gtk_label_new (NULL);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  /* The box is 56 px whatever the photo: the picture lies over a fixed
   * frame (an overlay is as big as its main child) and is cut to it. A
   * case without a photo shows a dimmed camera in the frame. */
  gtk_widget_set_size_request (frame, 56, 56);
  gtk_widget_add_css_class (frame, "gp-thumbnail");
  gtk_widget_add_css_class (frame, "dim-label");
  gtk_image_set_pixel_size (GTK_IMAGE (frame), 24);
  gtk_widget_set_valign (overlay, GTK_ALIGN_CENTER);
  gtk_widget_set_overflow (overlay, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (overlay, "gp-thumbnail");
  gtk_overlay_set_child (GTK_OVERLAY (overlay), frame);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_visible (picture, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), picture);
  gtk_widget_set_halign (dot, GTK_ALIGN_START);
  gtk_widget_set_valign (dot, GTK_ALIGN_START);
  gtk_widget_add_css_class (dot, "gp-warning-dot");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), dot);

  for (GtkWidget *label = title; label != NULL; label = label == title ? place : label == place ? state : NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (text), label);
    }
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (place, "dim-label");
  gtk_widget_add_css_class (state, "caption");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);

  gtk_box_append (GTK_BOX (row), overlay);
  gtk_box_append (GTK_BOX (row), text);
  self->picture = GTK_PICTURE (picture);
  self->dot = dot;
  self->title = GTK_LABEL (title);
  self->place = GTK_LABEL (place);
  self->state = GTK_LABEL (state);
}

GtkWidget *
gp_incident_row_new (void)
{
  return g_object_new (GP_TYPE_INCIDENT_ROW, NULL);
}

/**
 * gp_incident_row_show:
 *
 * Shows @item; its thumbnail comes with gp_incident_row_set_thumbnail().
 */
void
gp_incident_row_show (GpIncidentRow  *self,
                      GpIncidentItem *item)
{
  g_autofree char *place = NULL;
  g_autofree char *age = gp_clock_format_age (gp_incident_item_get_reported_at (item), gp_clock_get_now ());
  g_autofree char *state = NULL;
  const char *classes[] = { "gp-warning-none", "gp-warning-green", "gp-warning-yellow", "gp-warning-red" };

  g_return_if_fail (GP_IS_INCIDENT_ROW (self));

  g_free (self->incident_id);
  self->incident_id = g_strdup (gp_incident_item_get_id (item));
  gtk_picture_set_paintable (self->picture, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->picture), FALSE);
  gtk_label_set_text (self->title, gp_incident_item_get_title (item));
  place = gp_incident_item_get_place (item)
          ? g_strdup_printf ("%s · %s", gp_incident_item_get_category_label (item), gp_incident_item_get_place (item))
          : g_strdup (gp_incident_item_get_category_label (item));
  gtk_label_set_text (self->place, place);
  state = gp_incident_item_is_sent (item)
          ? g_strdup_printf ("%s · %s", gp_state_label (gp_incident_item_get_state (item)), age)
          /* Translators: a mark on an incident the grid centre does not have yet */
          : g_strdup_printf ("%s · %s · %s", gp_state_label (gp_incident_item_get_state (item)), age, _("not sent"));
  gtk_label_set_text (self->state, state);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (self->dot, classes[i]);
  gtk_widget_add_css_class (self->dot, classes[gp_incident_item_get_warning (item)]);
  gtk_widget_set_tooltip_text (self->dot, gp_warning_to_string (gp_incident_item_get_warning (item)));
}

const char *
gp_incident_row_get_incident_id (GpIncidentRow *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_ROW (self), NULL);

  return self->incident_id;
}

/* The thumbnail of @incident_id, if the row still shows it. */
void
gp_incident_row_set_thumbnail (GpIncidentRow *self,
                               const char    *incident_id,
                               GdkPaintable  *thumbnail)
{
  g_return_if_fail (GP_IS_INCIDENT_ROW (self));

  if (g_strcmp0 (self->incident_id, incident_id) == 0)
    {
      gtk_picture_set_paintable (self->picture, thumbnail);
      gtk_widget_set_visible (GTK_WIDGET (self->picture), thumbnail != NULL);
    }
}

GdkPaintable *
gp_incident_row_get_thumbnail (GpIncidentRow *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_ROW (self), NULL);

  return gtk_picture_get_paintable (self->picture);
}
