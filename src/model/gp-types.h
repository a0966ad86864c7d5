/* gp-types.h — forward declarations, so headers need not include each other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GpAttachment GpAttachment;
typedef struct _GpBuilding   GpBuilding;
typedef struct _GpComponent  GpComponent;
typedef struct _GpDocument   GpDocument;
typedef struct _GpEvent      GpEvent;
typedef struct _GpGrid       GpGrid;
typedef struct _GpHousehold  GpHousehold;
typedef struct _GpIncident   GpIncident;
typedef struct _GpLane       GpLane;
typedef struct _GpPatrol     GpPatrol;
typedef struct _GpPolicy     GpPolicy;
typedef struct _GpRoute      GpRoute;
typedef struct _GpStore      GpStore;
typedef struct _GpVisit      GpVisit;

G_END_DECLS
