/* gp-location.h — where the worker is: one interface, several sources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  GP_LOCATION_STATE_STOPPED,   /* not asked for */
  GP_LOCATION_STATE_WAITING,   /* asked for, no fix yet */
  GP_LOCATION_STATE_FIX,       /* a fix is known */
  GP_LOCATION_STATE_DENIED,    /* the user did not allow it */
  GP_LOCATION_STATE_OFF,       /* location is off or not on this device */
} GpLocationState;

#define GP_TYPE_LOCATION_STATE (gp_location_state_get_type ())
GType gp_location_state_get_type (void) G_GNUC_CONST;

/* One position: WGS-84, metres, seconds. Unknown values are NaN. */
typedef struct
{
  double latitude;
  double longitude;
  double accuracy;   /* radius, metres */
  double altitude;
  double speed;      /* metres per second */
  double heading;    /* degrees from north */
  gint64 time;       /* microseconds since 1970 */
} GpFix;

#define GP_TYPE_FIX (gp_fix_get_type ())
GType  gp_fix_get_type (void) G_GNUC_CONST;
GpFix *gp_fix_copy     (const GpFix *fix);
void   gp_fix_free     (GpFix       *fix);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpFix, gp_fix_free)

#define GP_TYPE_LOCATION (gp_location_get_type ())

G_DECLARE_DERIVABLE_TYPE (GpLocation, gp_location, GP, LOCATION, GObject)

struct _GpLocationClass
{
  GObjectClass parent_class;

  void (*start) (GpLocation *self);
  void (*stop)  (GpLocation *self);

  /*< private >*/
  gpointer padding[8];
};

void            gp_location_start       (GpLocation *self);
void            gp_location_stop        (GpLocation *self);
GpLocationState gp_location_get_state   (GpLocation *self);
const GpFix    *gp_location_get_fix     (GpLocation *self);
const char     *gp_location_get_message (GpLocation *self);
const char     *gp_location_state_describe (GpLocationState state);

/* For implementations. */
void            gp_location_update      (GpLocation      *self,
                                         GpLocationState  state,
                                         const GpFix     *fix,
                                         const char      *message);

G_END_DECLS
