/* gp-geoclue-location.c
 *
 * GClueSimple asks GeoClue for the most exact position there is (GPS on a
 * phone); inside Flatpak it goes through the location portal by itself,
 * which also asks the user. Failures are states, not warnings: a denied
 * permission and a switched-off or missing service are ordinary.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-geoclue-location"

#include "config.h"

#include "gp-geoclue-location.h"

#include "gp-clock.h"

#include <geoclue.h>
#include <math.h>

struct _GpGeoclueLocation
{
  GpLocation    parent_instance;

  char         *desktop_id;
  GClueSimple  *simple;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (GpGeoclueLocation, gp_geoclue_location, GP_TYPE_LOCATION)

static double
known (double value,
       double unknown_below)
{
  return value < unknown_below ? NAN : value;
}

static void
read_location (GpGeoclueLocation *self)
{
  GClueLocation *location = self->simple ? gclue_simple_get_location (self->simple) : NULL;
  g_autoptr(GVariant) timestamp = NULL;
  GpFix fix;
  guint64 seconds = 0, microseconds = 0;

  if (location == NULL)
    {
      gp_location_update (GP_LOCATION (self), GP_LOCATION_STATE_WAITING, NULL, NULL);
      return;
    }

  fix.latitude = gclue_location_get_latitude (location);
  fix.longitude = gclue_location_get_longitude (location);
  fix.accuracy = gclue_location_get_accuracy (location);
  fix.altitude = known (gclue_location_get_altitude (location), -G_MAXDOUBLE / 2);
  fix.speed = known (gclue_location_get_speed (location), 0);
  fix.heading = known (gclue_location_get_heading (location), 0);
  timestamp = gclue_location_dup_timestamp (location);
  if (timestamp != NULL && g_variant_is_of_type (timestamp, G_VARIANT_TYPE ("(tt)")))
    g_variant_get (timestamp, "(tt)", &seconds, &microseconds);
  fix.time = seconds ? (gint64) seconds * G_USEC_PER_SEC + (gint64) microseconds : gp_clock_get_real_time ();

  gp_location_update (GP_LOCATION (self), GP_LOCATION_STATE_FIX, &fix, NULL);
}

static void
on_location_notify (GpGeoclueLocation *self)
{
  read_location (self);
}

static void
on_simple_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GpGeoclueLocation) self = user_data;
  g_autoptr(GError) error = NULL;
  GClueSimple *simple = gclue_simple_new_with_thresholds_finish (result, &error);

  if (simple == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("No location from GeoClue: %s", error->message);
      if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        gp_location_update (GP_LOCATION (self), GP_LOCATION_STATE_DENIED, NULL, NULL);
      else
        gp_location_update (GP_LOCATION (self), GP_LOCATION_STATE_OFF, NULL, NULL);
      return;
    }

  self->simple = simple;
  g_signal_connect_object (simple, "notify::location", G_CALLBACK (on_location_notify), self,
                           G_CONNECT_SWAPPED);
  read_location (self);
}

static void
gp_geoclue_location_start (GpLocation *location)
{
  GpGeoclueLocation *self = GP_GEOCLUE_LOCATION (location);

  if (self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  gp_location_update (location, GP_LOCATION_STATE_WAITING, NULL, NULL);
  gclue_simple_new_with_thresholds (self->desktop_id, GCLUE_ACCURACY_LEVEL_EXACT, 0, 0,
                                    self->cancellable, on_simple_ready, g_object_ref (self));
}

static void
gp_geoclue_location_stop (GpLocation *location)
{
  GpGeoclueLocation *self = GP_GEOCLUE_LOCATION (location);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->simple);
  gp_location_update (location, GP_LOCATION_STATE_STOPPED, NULL, NULL);
}

static void
gp_geoclue_location_dispose (GObject *object)
{
  GpGeoclueLocation *self = (GpGeoclueLocation *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->simple);

  G_OBJECT_CLASS (gp_geoclue_location_parent_class)->dispose (object);
}

static void
gp_geoclue_location_finalize (GObject *object)
{
  g_free (GP_GEOCLUE_LOCATION (object)->desktop_id);

  G_OBJECT_CLASS (gp_geoclue_location_parent_class)->finalize (object);
}

static void
gp_geoclue_location_class_init (GpGeoclueLocationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GpLocationClass *location_class = GP_LOCATION_CLASS (klass);

  object_class->dispose = gp_geoclue_location_dispose;
  object_class->finalize = gp_geoclue_location_finalize;
  location_class->start = gp_geoclue_location_start;
  location_class->stop = gp_geoclue_location_stop;
}

static void
gp_geoclue_location_init (GpGeoclueLocation *self)
{
}

/**
 * gp_geoclue_location_new:
 * @desktop_id: the app's id, which GeoClue shows when it asks the user
 */
GpLocation *
gp_geoclue_location_new (const char *desktop_id)
{
  GpGeoclueLocation *self = g_object_new (GP_TYPE_GEOCLUE_LOCATION, NULL);

  self->desktop_id = g_strdup (desktop_id);
  return GP_LOCATION (self);
}
