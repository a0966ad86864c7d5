/* gp-documents.h — every document type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-building.h"
#include "gp-component.h"
#include "gp-document.h"
#include "gp-event.h"
#include "gp-grid.h"
#include "gp-household.h"
#include "gp-incident.h"
#include "gp-lane.h"
#include "gp-patrol.h"
#include "gp-policy.h"
#include "gp-route.h"
#include "gp-visit.h"
