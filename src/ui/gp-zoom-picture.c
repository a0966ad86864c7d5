/* gp-zoom-picture.c
 *
 * A photo full screen, to read a house number or see a crack: it fits the
 * screen at first; two fingers pinch it up to six times larger, a double
 * tap goes to two and a half times and back, and while it is enlarged one
 * finger moves it. Not enlarged, it leaves the finger to the carousel
 * around it, which swipes to the next photo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-zoom-picture"

#include "config.h"

#include "gp-zoom-picture.h"

#include <math.h>

#define DOUBLE_TAP_ZOOM 2.5

struct _GpZoomPicture
{
  GtkWidget     parent_instance;

  GdkPaintable *paintable;
  double        zoom;         /* 1: the whole photo fits */
  double        pan_x;        /* the shown centre's offset from the photo's, in widget pixels */
  double        pan_y;
  double        zoom_start;   /* at the start of a pinch */
  double        pan_start_x;  /* at the start of a drag */
  double        pan_start_y;
};

G_DEFINE_FINAL_TYPE (GpZoomPicture, gp_zoom_picture, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The photo's size on screen at zoom 1: contained, never enlarged past
 * the widget. */
static void
fitted_size (GpZoomPicture *self,
             double        *width,
             double        *height)
{
  double widget_w = gtk_widget_get_width (GTK_WIDGET (self));
  double widget_h = gtk_widget_get_height (GTK_WIDGET (self));
  double ratio = gdk_paintable_get_intrinsic_aspect_ratio (self->paintable);

  if (ratio <= 0)
    ratio = 4.0 / 3.0;
  if (widget_w / MAX (widget_h, 1) > ratio)
    {
      *height = widget_h;
      *width = widget_h * ratio;
    }
  else
    {
      *width = widget_w;
      *height = widget_w / ratio;
    }
}

/* Keeps the photo over the screen: never moved further than its edge. */
static void
clamp_pan (GpZoomPicture *self)
{
  double width, height, max_x, max_y;

  fitted_size (self, &width, &height);
  max_x = MAX (0, (width * self->zoom - gtk_widget_get_width (GTK_WIDGET (self))) / 2);
  max_y = MAX (0, (height * self->zoom - gtk_widget_get_height (GTK_WIDGET (self))) / 2);
  self->pan_x = CLAMP (self->pan_x, -max_x, max_x);
  self->pan_y = CLAMP (self->pan_y, -max_y, max_y);
}

static void
gp_zoom_picture_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  GpZoomPicture *self = GP_ZOOM_PICTURE (widget);
  double width, height;
  int widget_w = gtk_widget_get_width (widget);
  int widget_h = gtk_widget_get_height (widget);

  if (self->paintable == NULL)
    return;
  fitted_size (self, &width, &height);
  width *= self->zoom;
  height *= self->zoom;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, widget_w, widget_h));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) ((widget_w - width) / 2 + self->pan_x),
                                                          (float) ((widget_h - height) / 2 + self->pan_y)));
  gdk_paintable_snapshot (self->paintable, snapshot, width, height);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
gp_zoom_picture_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  /* As large as it is given; nothing asked for. */
  *minimum = 0;
  *natural = 0;
}

void
gp_zoom_picture_set_zoom (GpZoomPicture *self,
                          double         zoom)
{
  g_return_if_fail (GP_IS_ZOOM_PICTURE (self));

  zoom = CLAMP (zoom, 1.0, GP_ZOOM_PICTURE_MAX);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  if (zoom == 1.0)
    self->pan_x = self->pan_y = 0;
  clamp_pan (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

/* The photo replaced by one of the same picture, larger (it arrived): the
 * zoom and place stay. */
void
gp_zoom_picture_set_paintable (GpZoomPicture *self,
                               GdkPaintable  *paintable)
{
  g_return_if_fail (GP_IS_ZOOM_PICTURE (self));
  g_return_if_fail (GDK_IS_PAINTABLE (paintable));

  g_set_object (&self->paintable, paintable);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
gp_zoom_picture_get_zoom (GpZoomPicture *self)
{
  g_return_val_if_fail (GP_IS_ZOOM_PICTURE (self), 1.0);

  return self->zoom;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                GpZoomPicture    *self)
{
  self->zoom_start = self->zoom;
}

static void
on_pinch (GtkGestureZoom *gesture,
          double          scale,
          GpZoomPicture  *self)
{
  gp_zoom_picture_set_zoom (self, self->zoom_start * scale);
}

static void
on_double_tap (GtkGestureClick *gesture,
               int              n_press,
               double           x,
               double           y,
               GpZoomPicture   *self)
{
  if (n_press != 2)
    return;
  gp_zoom_picture_set_zoom (self, self->zoom > 1.0 ? 1.0 : DOUBLE_TAP_ZOOM);
  /* Towards where the finger tapped. */
  if (self->zoom > 1.0)
    {
      self->pan_x = (gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 - x) * (self->zoom - 1);
      self->pan_y = (gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 - y) * (self->zoom - 1);
      clamp_pan (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               GpZoomPicture  *self)
{
  /* Not enlarged: the swipe is the carousel's. */
  if (self->zoom <= 1.0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->pan_start_x = self->pan_x;
  self->pan_start_y = self->pan_y;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                GpZoomPicture  *self)
{
  self->pan_x = self->pan_start_x + dx;
  self->pan_y = self->pan_start_y + dy;
  clamp_pan (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
gp_zoom_picture_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GpZoomPicture *self = GP_ZOOM_PICTURE (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_zoom_picture_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GpZoomPicture *self = GP_ZOOM_PICTURE (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      gp_zoom_picture_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_zoom_picture_finalize (GObject *object)
{
  GpZoomPicture *self = (GpZoomPicture *) object;

  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (gp_zoom_picture_parent_class)->finalize (object);
}

static void
gp_zoom_picture_class_init (GpZoomPictureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = gp_zoom_picture_finalize;
  object_class->get_property = gp_zoom_picture_get_property;
  object_class->set_property = gp_zoom_picture_set_property;
  widget_class->snapshot = gp_zoom_picture_snapshot;
  widget_class->measure = gp_zoom_picture_measure;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, GP_ZOOM_PICTURE_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "picture");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
gp_zoom_picture_init (GpZoomPicture *self)
{
  GtkGesture *pinch = gtk_gesture_zoom_new ();
  GtkGesture *tap = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->zoom = 1.0;
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  g_signal_connect_object (pinch, "begin", G_CALLBACK (on_pinch_begin), self, 0);
  g_signal_connect_object (pinch, "scale-changed", G_CALLBACK (on_pinch), self, 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (pinch), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  g_signal_connect_object (tap, "pressed", G_CALLBACK (on_double_tap), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (tap));

  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_drag_begin), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_drag_update), self, 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
gp_zoom_picture_new (GdkPaintable *paintable)
{
  GpZoomPicture *self = g_object_new (GP_TYPE_ZOOM_PICTURE, NULL);

  g_return_val_if_fail (GDK_IS_PAINTABLE (paintable), GTK_WIDGET (self));

  self->paintable = g_object_ref (paintable);
  return GTK_WIDGET (self);
}
