/* gp-location.c
 *
 * A location source (GeoClue, or a recorded track played back) has a state
 * a user can read ("waiting for a position",
 * "location is off") and, with a fix, the fix. The state is for the UI to
 * show in words: none of it is a warning in a log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-location"

#include "config.h"

#include "gp-location.h"

#include <glib/gi18n-lib.h>

G_DEFINE_ENUM_TYPE (GpLocationState, gp_location_state,
                    G_DEFINE_ENUM_VALUE (GP_LOCATION_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (GP_LOCATION_STATE_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (GP_LOCATION_STATE_FIX, "fix"),
                    G_DEFINE_ENUM_VALUE (GP_LOCATION_STATE_DENIED, "denied"),
                    G_DEFINE_ENUM_VALUE (GP_LOCATION_STATE_OFF, "off"))

G_DEFINE_BOXED_TYPE (GpFix, gp_fix, gp_fix_copy, gp_fix_free)

GpFix *
gp_fix_copy (const GpFix *fix)
{
  return g_memdup2 (fix, sizeof *fix);
}

void
gp_fix_free (GpFix *fix)
{
  g_free (fix);
}

typedef struct
{
  GpLocationState state;
  GpFix          *fix;
  char           *message;
  guint           users;
} GpLocationPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GpLocation, gp_location, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_FIX,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gp_location_finalize (GObject *object)
{
  GpLocationPrivate *priv = gp_location_get_instance_private (GP_LOCATION (object));

  g_clear_pointer (&priv->fix, gp_fix_free);
  g_free (priv->message);

  G_OBJECT_CLASS (gp_location_parent_class)->finalize (object);
}

static void
gp_location_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  GpLocationPrivate *priv = gp_location_get_instance_private (GP_LOCATION (object));

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_FIX:
      g_value_set_boxed (value, priv->fix);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, priv->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_location_class_init (GpLocationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gp_location_finalize;
  object_class->get_property = gp_location_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, GP_TYPE_LOCATION_STATE, GP_LOCATION_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIX] =
    g_param_spec_boxed ("fix", NULL, NULL, GP_TYPE_FIX,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gp_location_init (GpLocation *self)
{
}

void
gp_location_start (GpLocation *self)
{
  GpLocationPrivate *priv;

  g_return_if_fail (GP_IS_LOCATION (self));

  /* Each user (the map on screen, a running patrol) starts and stops it;
   * the source runs while any of them wants it. */
  priv = gp_location_get_instance_private (self);
  if (priv->users++ == 0)
    GP_LOCATION_GET_CLASS (self)->start (self);
}

void
gp_location_stop (GpLocation *self)
{
  GpLocationPrivate *priv;

  g_return_if_fail (GP_IS_LOCATION (self));

  priv = gp_location_get_instance_private (self);
  g_return_if_fail (priv->users > 0);
  if (--priv->users == 0)
    GP_LOCATION_GET_CLASS (self)->stop (self);
}

GpLocationState
gp_location_get_state (GpLocation *self)
{
  g_return_val_if_fail (GP_IS_LOCATION (self), GP_LOCATION_STATE_OFF);

  GpLocationPrivate *priv = gp_location_get_instance_private (self);

  return priv->state;
}

/* The last fix, also while waiting for a new one; NULL before the first. */
const GpFix *
gp_location_get_fix (GpLocation *self)
{
  g_return_val_if_fail (GP_IS_LOCATION (self), NULL);

  GpLocationPrivate *priv = gp_location_get_instance_private (self);

  return priv->fix;
}

/* Why there is no fix, in words, when the source says more than its state. */
const char *
gp_location_get_message (GpLocation *self)
{
  g_return_val_if_fail (GP_IS_LOCATION (self), NULL);

  GpLocationPrivate *priv = gp_location_get_instance_private (self);

  return priv->message;
}

const char *
gp_location_state_describe (GpLocationState state)
{
  switch (state)
    {
    case GP_LOCATION_STATE_STOPPED:
      return _("Location is not in use");
    case GP_LOCATION_STATE_WAITING:
      return _("Waiting for a position…");
    case GP_LOCATION_STATE_FIX:
      return _("Position found");
    case GP_LOCATION_STATE_DENIED:
      return _("GridPatrol may not use your location. Allow it in the system settings.");
    case GP_LOCATION_STATE_OFF:
    default:
      return _("Location is off or not available on this device");
    }
}

/* Called by implementations, in the main context their users live in. */
void
gp_location_update (GpLocation      *self,
                    GpLocationState  state,
                    const GpFix     *fix,
                    const char      *message)
{
  GpLocationPrivate *priv = gp_location_get_instance_private (self);

  g_return_if_fail (GP_IS_LOCATION (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (priv->state != state)
    {
      priv->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (fix != NULL)
    {
      g_clear_pointer (&priv->fix, gp_fix_free);
      priv->fix = gp_fix_copy (fix);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIX]);
    }
  if (g_strcmp0 (priv->message, message) != 0)
    {
      g_free (priv->message);
      priv->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
