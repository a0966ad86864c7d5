/* gp-live-query.h — a page's way to follow the store and the clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-context.h"

G_BEGIN_DECLS

#define GP_TYPE_LIVE_QUERY (gp_live_query_get_type ())
G_DECLARE_FINAL_TYPE (GpLiveQuery, gp_live_query, GP, LIVE_QUERY, GObject)

/* Whether a changed document's id concerns the page. */
typedef gboolean (*GpLiveQueryFilter) (const char *id,
                                       gpointer    user_data);

GpLiveQuery *gp_live_query_new            (GpContext         *context,
                                           guint              delay_ms);
void         gp_live_query_set_filter     (GpLiveQuery       *self,
                                           GpLiveQueryFilter  filter,
                                           gpointer           user_data);
void         gp_live_query_set_per_minute (GpLiveQuery       *self,
                                           gboolean           per_minute);
void         gp_live_query_set_active     (GpLiveQuery       *self,
                                           gboolean           active);
gboolean     gp_live_query_get_active     (GpLiveQuery       *self);
void         gp_live_query_queue          (GpLiveQuery       *self);
gboolean     gp_live_query_get_queued     (GpLiveQuery       *self);
void         gp_live_query_stop           (GpLiveQuery       *self);

G_END_DECLS
