/* gp-incident-item.h — one incident as lists show it: where its case stands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-types.h"
#include "gp-workflow.h"

G_BEGIN_DECLS

#define GP_TYPE_INCIDENT_ITEM (gp_incident_item_get_type ())
G_DECLARE_FINAL_TYPE (GpIncidentItem, gp_incident_item, GP, INCIDENT_ITEM, GObject)

const char *gp_incident_item_get_id             (GpIncidentItem *self);
const char *gp_incident_item_get_title          (GpIncidentItem *self);
const char *gp_incident_item_get_category       (GpIncidentItem *self);
const char *gp_incident_item_get_category_label (GpIncidentItem *self);
const char *gp_incident_item_get_place          (GpIncidentItem *self);
const char *gp_incident_item_get_reporter       (GpIncidentItem *self);
const char *gp_incident_item_get_owner          (GpIncidentItem *self);
const char *gp_incident_item_get_thumbnail      (GpIncidentItem *self);
gint64      gp_incident_item_get_reported_at    (GpIncidentItem *self);
gint64      gp_incident_item_get_deadline       (GpIncidentItem *self);
GpState     gp_incident_item_get_state          (GpIncidentItem *self);
GpWarning   gp_incident_item_get_warning        (GpIncidentItem *self);
gboolean    gp_incident_item_get_position       (GpIncidentItem *self,
                                                 double         *latitude,
                                                 double         *longitude);
gboolean    gp_incident_item_is_open            (GpIncidentItem *self);
gboolean    gp_incident_item_is_sent            (GpIncidentItem *self);

GPtrArray  *gp_incident_items_load              (GpStore        *store,
                                                 const char     *grid_code,
                                                 gint64          now,
                                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;
void        gp_incident_items_mark_sent         (GPtrArray      *items,
                                                 GpStore        *store,
                                                 gint64          sent_seq);
void        gp_incident_items_load_async        (GpStore        *store,
                                                 const char     *grid_code,
                                                 gint64          sent_seq,
                                                 GCancellable   *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer        user_data);
GPtrArray  *gp_incident_items_load_finish       (GpStore        *store,
                                                 GAsyncResult   *result,
                                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* A report that may already be known: open cases of the same category
 * reported this near, this recently. */
#define GP_DUPLICATE_RADIUS_M  50.0
#define GP_DUPLICATE_DAYS      7

GPtrArray  *gp_incident_items_find_duplicates   (GpStore        *store,
                                                 const char     *grid_code,
                                                 const char     *category,
                                                 double          lat,
                                                 double          lon,
                                                 gint64          now,
                                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;
void        gp_incident_items_find_duplicates_async  (GpStore             *store,
                                                      const char          *grid_code,
                                                      const char          *category,
                                                      double               lat,
                                                      double               lon,
                                                      gint64               now,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray  *gp_incident_items_find_duplicates_finish (GpStore             *store,
                                                      GAsyncResult        *result,
                                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
