/* gp-incident-view.c
 *
 * An incident as the worker or leader follows it: its photos (swipe), how
 * much of its time is used, exactly the steps the current role may take
 * now as buttons, the facts, and the timeline of every step with who,
 * when and what was said. Everything is read and decoded in a worker
 * thread and shown when ready.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-incident-view"

#include "config.h"

#include "gp-incident-view.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-casework.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-texture.h"
#include "gp-live-query.h"
#include "gp-zoom-picture.h"
#include "gp-store.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

struct _GpIncidentView
{
  AdwBin          parent_instance;

  GpContext      *context;
  char           *incident_id;
  GpCase         *shown;
  GpIncident     *incident;
  GpPolicy       *policy;
  GCancellable   *cancellable;
  gboolean        loading;
  guint           n_photos;
  GPtrArray      *photos;        /* GdkTexture, as the carousel shows them */
  GPtrArray      *captions;      /* char *: "Before", "After"… one a photo */
  GPtrArray      *provenance;    /* char *: where each photo came from, or "" */
  GArray         *doubtful;      /* gboolean: from the gallery, or taken far away */
  GPtrArray      *rows;          /* rows added to the groups */
  GpLiveQuery    *live;          /* the case's documents and the minute, followed */
  char           *steps_prefix;  /* "event:<uuid>:", the case's steps' ids */
  gboolean        stepping;      /* a step taken with no dialog, being stored */
  double          pressed_x;     /* where a finger went down on the photos */
  GHashTable     *remote;        /* "id\nname" → RemotePhoto: shown by its thumbnail, coming */
  GHashTable     *enlarged;      /* "id\nname" → EnlargedPhoto: the same, in the open viewer */
  GpSyncManager  *sync;          /* (weak) whose photo downloads are followed */

  GtkWidget      *top_bar;
  GtkButton      *back_button;
  AdwWindowTitle *title;
  GtkStack       *stack;
  GtkBox         *photo_box;
  AdwCarousel    *carousel;
  GtkLabel       *provenance_label;
  GtkLabel       *clock_label;
  GtkFlowBox     *actions_box;
  AdwPreferencesGroup *facts_group;
  AdwPreferencesGroup *timeline_group;
};

G_DEFINE_FINAL_TYPE (GpIncidentView, gp_incident_view, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A load of the case sheet, and which incident it was for; or of a photo
 * that arrived, and its key in self->remote. */
typedef struct
{
  GpIncidentView *self;
  char           *id;
} Load;

static void
add_row (GpIncidentView      *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear (GpIncidentView *self)
{
  GtkWidget *child;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)),
                                    row);
    }
  g_ptr_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->carousel))) != NULL)
    adw_carousel_remove (self->carousel, child);
  g_hash_table_remove_all (self->remote);
  g_ptr_array_set_size (self->photos, 0);
  g_ptr_array_set_size (self->captions, 0);
  g_ptr_array_set_size (self->provenance, 0);
  g_array_set_size (self->doubtful, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box))) != NULL)
    gtk_flow_box_remove (self->actions_box, child);
}

static void
on_step_done (GpIncidentView *self)
{
  gp_incident_view_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * gp_incident_view_take_step:
 *
 * Opens the dialog for one of the steps the buttons offer.
 */
GpStepDialog *
gp_incident_view_take_step (GpIncidentView *self,
                            const char     *action)
{
  GpStepDialog *dialog;

  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), NULL);
  g_return_val_if_fail (self->incident_id != NULL, NULL);

  dialog = gp_step_dialog_new (self->context, self->incident_id, action);
  g_signal_connect_object (dialog, "done", G_CALLBACK (on_step_done), self, G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
  return dialog;
}

/* Steps that need nothing more than a tap (accept, start) are taken at
 * once, with no dialog; a refusal is said over the page. */

static void
on_quick_step (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpIncidentView) self = user_data;
  g_autoptr(GError) error = NULL;

  self->stepping = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), TRUE);
  if (!gp_casework_act_finish (GP_STORE (source), result, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("This step cannot be taken: %s"), error->message);
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

      g_message ("%s", message);
      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
      return;
    }
  on_step_done (self);
}

static void
take_step_now (GpIncidentView *self,
               const char     *action)
{
  g_autoptr(GpEvent) event = gp_event_new (self->incident_id);
  g_autoptr(GDateTime) now = gp_clock_new_now_utc ();
  g_autofree char *actor = gp_context_dup_user_name (self->context);
  g_autofree char *role = gp_context_dup_role (self->context);
  GpLocation *location = gp_context_get_location (self->context);
  GpStore *store = gp_context_get_store (self->context);

  if (self->stepping || self->incident == NULL || store == NULL)
    return;
  g_object_set (event, "grid", gp_incident_get_grid (self->incident), "action", action, "actor", actor,
                "role", role, "at", now, NULL);
  /* Where the step was taken, when the position is known. */
  if (location != NULL && gp_location_get_state (location) == GP_LOCATION_STATE_FIX)
    {
      const GpFix *fix = gp_location_get_fix (location);
      g_autoptr(JsonObject) point = gp_geo_point_new ((GpGeoPoint) { fix->longitude, fix->latitude });

      gp_document_set_geometry (GP_DOCUMENT (event), point);
    }
  self->stepping = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), FALSE);
  gp_casework_act_async (store, event, NULL, on_quick_step, g_object_ref (self));
}

/* Under the photos: where the one shown came from, in the warning colour
 * when it came from the gallery or was taken far from the case. */
static void
show_provenance (GpIncidentView *self,
                 guint           index)
{
  const char *line = index < self->provenance->len ? g_ptr_array_index (self->provenance, index) : "";
  gboolean doubtful = index < self->doubtful->len && g_array_index (self->doubtful, gboolean, index);

  gtk_label_set_text (self->provenance_label, line);
  gtk_widget_set_visible (GTK_WIDGET (self->provenance_label), *line != '\0');
  if (doubtful)
    gtk_widget_add_css_class (GTK_WIDGET (self->provenance_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->provenance_label), "warning");
}

static void
on_page_changed (GpIncidentView *self,
                 guint           index)
{
  show_provenance (self, index);
}

/* A photo with its caption ("Before", "After") over its upper corner: the
 * stamp of a photo taken in the app runs along the lower edge. */
static GtkWidget *
captioned (GtkWidget  *picture,
           const char *caption)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_add_css_class (label, "gp-photo-caption");
  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_can_target (label, FALSE);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), label);
  gtk_widget_set_hexpand (overlay, TRUE);
  return overlay;
}

/* Enlarged, a photo keeps the finger: the carousel swipes only when the
 * photo it shows fits the screen. */
static void
on_zoom_changed (GpZoomPicture *picture,
                 GParamSpec    *pspec,
                 AdwCarousel   *carousel)
{
  adw_carousel_set_interactive (carousel, gp_zoom_picture_get_zoom (picture) <= 1.0);
}

/* A photo left at the centre is shown by its thumbnail meanwhile, with
 * how its download goes underneath: on the page, and in the full-screen
 * viewer while it is open. */
typedef struct
{
  GtkWidget      *box;
  GtkLabel       *label;
  GtkProgressBar *bar;
} PhotoStatus;

/* On the page; rebuilt with it. */
typedef struct
{
  guint        index;
  GtkPicture  *picture;
  PhotoStatus  status;
} RemotePhoto;

/* In the open viewer, which outlives the page's reloads. */
typedef struct
{
  GpZoomPicture *picture;   /* (weak) */
  PhotoStatus    status;
} EnlargedPhoto;

static void
enlarged_photo_free (EnlargedPhoto *enlarged)
{
  if (enlarged->picture != NULL)
    g_object_remove_weak_pointer (G_OBJECT (enlarged->picture), (gpointer *) &enlarged->picture);
  g_free (enlarged);
}

static char *
remote_key (const char *doc_id,
            const char *name)
{
  return g_strconcat (doc_id, "\n", name, NULL);
}

/* The index-th photo's download on the page, and its key, if it is still
 * coming. */
static RemotePhoto *
find_remote (GpIncidentView  *self,
             guint            index,
             const char     **key)
{
  GHashTableIter iter;
  RemotePhoto *remote;

  g_hash_table_iter_init (&iter, self->remote);
  while (g_hash_table_iter_next (&iter, (gpointer *) key, (gpointer *) &remote))
    if (remote->index == index)
      return remote;
  return NULL;
}

static GtkWidget *
photo_status_init (PhotoStatus *status)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  status->label = GTK_LABEL (gtk_label_new (_("Downloading the photo…")));
  gtk_label_set_wrap (status->label, TRUE);
  gtk_label_set_xalign (status->label, 0);
  status->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (status->label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (status->bar));
  gtk_widget_add_css_class (box, "gp-photo-status");
  gtk_widget_set_valign (box, GTK_ALIGN_END);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_can_target (box, FALSE);
  status->box = box;
  return box;
}

/* What a status said: kept over a reload of the page, or told to the
 * viewer. */
typedef struct
{
  char     *text;
  gboolean  with_bar;
  double    fraction;
} Said;

static Said *
said_new (const PhotoStatus *status)
{
  Said *said = g_new0 (Said, 1);

  said->text = g_strdup (gtk_label_get_text (status->label));
  said->with_bar = gtk_widget_get_visible (GTK_WIDGET (status->bar));
  said->fraction = gtk_progress_bar_get_fraction (status->bar);
  return said;
}

static void
said_apply (const Said  *said,
            PhotoStatus *status)
{
  gtk_label_set_text (status->label, said->text);
  gtk_widget_set_visible (GTK_WIDGET (status->bar), said->with_bar);
  gtk_progress_bar_set_fraction (status->bar, said->fraction);
}

static void
said_free (Said *said)
{
  g_free (said->text);
  g_free (said);
}

/* Both places a photo still coming is shown, told the same. */
static void
set_photo_status (GpIncidentView *self,
                  const char     *key,
                  const char     *text,
                  gboolean        with_bar,
                  double          fraction)
{
  RemotePhoto *remote = g_hash_table_lookup (self->remote, key);
  EnlargedPhoto *enlarged = g_hash_table_lookup (self->enlarged, key);
  PhotoStatus *statuses[] = { remote ? &remote->status : NULL, enlarged ? &enlarged->status : NULL };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (statuses[i] != NULL)
      {
        gtk_label_set_text (statuses[i]->label, text);
        gtk_widget_set_visible (GTK_WIDGET (statuses[i]->bar), with_bar);
        gtk_progress_bar_set_fraction (statuses[i]->bar, fraction);
      }
}

static void
on_viewer_closed (GpIncidentView *self)
{
  g_hash_table_remove_all (self->enlarged);
}

/* A photo full screen: all the case's photos, swiped through, from the
 * one tapped, on black, as large as the screen allows; pinched or
 * double-tapped to look closer. */
static void
show_photo_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GpIncidentView *self = GP_INCIDENT_VIEW (widget);
  guint index = g_variant_get_uint32 (parameter);
  AdwDialog *dialog;
  GtkWidget *view;
  GtkWidget *header;
  GtkWidget *carousel;
  GtkWidget *dots;

  if (index >= self->photos->len)
    return;
  g_hash_table_remove_all (self->enlarged);
  view = adw_toolbar_view_new ();
  header = adw_header_bar_new ();
  carousel = adw_carousel_new ();
  dots = adw_carousel_indicator_dots_new ();
  for (guint i = 0; i < self->photos->len; i++)
    {
      GtkWidget *picture = gp_zoom_picture_new (g_ptr_array_index (self->photos, i));
      GtkWidget *page = captioned (picture, g_ptr_array_index (self->captions, i));
      const char *key = NULL;
      RemotePhoto *remote = find_remote (self, i, &key);

      g_signal_connect_object (picture, "notify::zoom", G_CALLBACK (on_zoom_changed), carousel, 0);
      /* A photo still coming: its thumbnail enlarged, its download said,
       * the photo in its place when it arrives. */
      if (remote != NULL)
        {
          EnlargedPhoto *enlarged = g_new0 (EnlargedPhoto, 1);

          enlarged->picture = GP_ZOOM_PICTURE (picture);
          g_object_add_weak_pointer (G_OBJECT (picture), (gpointer *) &enlarged->picture);
          gtk_overlay_add_overlay (GTK_OVERLAY (page), photo_status_init (&enlarged->status));
          {
            Said *said = said_new (&remote->status);

            said_apply (said, &enlarged->status);
            said_free (said);
          }
          g_hash_table_replace (self->enlarged, g_strdup (key), enlarged);
        }
      adw_carousel_append (ADW_CAROUSEL (carousel), page);
    }

  dialog = adw_dialog_new ();
  adw_dialog_set_title (dialog, _("Photos"));
  adw_dialog_set_content_width (dialog, 4096);
  adw_dialog_set_content_height (dialog, 4096);
  gtk_widget_add_css_class (GTK_WIDGET (dialog), "gp-photo-viewer");
  adw_carousel_indicator_dots_set_carousel (ADW_CAROUSEL_INDICATOR_DOTS (dots), ADW_CAROUSEL (carousel));
  adw_toolbar_view_add_top_bar (ADW_TOOLBAR_VIEW (view), header);
  adw_toolbar_view_add_bottom_bar (ADW_TOOLBAR_VIEW (view), dots);
  adw_toolbar_view_set_content (ADW_TOOLBAR_VIEW (view), carousel);
  adw_toolbar_view_set_extend_content_to_top_edge (ADW_TOOLBAR_VIEW (view), TRUE);
  adw_dialog_set_child (dialog, view);
  g_signal_connect_object (dialog, "closed", G_CALLBACK (on_viewer_closed), self, G_CONNECT_SWAPPED);
  adw_dialog_present (dialog, widget);
  adw_carousel_scroll_to (ADW_CAROUSEL (carousel), adw_carousel_get_nth_page (ADW_CAROUSEL (carousel), index), FALSE);
}

static void
on_carousel_pressed (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     GpIncidentView  *self)
{
  self->pressed_x = x;
}

static void
on_carousel_tapped (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    GpIncidentView  *self)
{
  guint position;

  if (fabs (x - self->pressed_x) > 8)
    return;   /* a swipe to the next photo, not a tap */
  position = (guint) round (adw_carousel_get_position (self->carousel));

  gtk_widget_activate_action (GTK_WIDGET (self), "incident.show-photo", "u", position);
}

static void
take_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GpIncidentView *self = GP_INCIDENT_VIEW (widget);
  const char *action = g_variant_get_string (parameter, NULL);

  if (g_str_equal (action, GP_ACTION_ACCEPT) || g_str_equal (action, GP_ACTION_START))
    take_step_now (self, action);
  else
    gp_incident_view_take_step (self, action);
}

static void
show_case (GpIncidentView *self)
{
  GpCase *c = self->shown;
  gint64 now = gp_clock_get_now ();
  g_autofree char *role = gp_context_dup_role (self->context);
  g_autofree char *actor = gp_context_dup_user_name (self->context);
  g_auto(GStrv) actions = gp_case_dup_actions (c, self->incident, self->policy, role, actor);
  JsonObject *level = gp_policy_get_level (self->policy, c->level);
  g_autofree char *reported = gp_format_case_time (c->reported_at);
  g_autofree char *reported_line = NULL;
  g_autofree char *clock = NULL;
  const char *description = gp_incident_get_description (self->incident);
  const char *warning_class = NULL;

  /* How much time is used. */
  gtk_widget_remove_css_class (GTK_WIDGET (self->clock_label), "gp-warning-green");
  gtk_widget_remove_css_class (GTK_WIDGET (self->clock_label), "gp-warning-yellow");
  gtk_widget_remove_css_class (GTK_WIDGET (self->clock_label), "gp-warning-red");
  if (c->state == GP_STATE_REPORTED)
    {
      g_autofree char *span = gp_format_span (ABS (c->response_due - now));

      clock = now <= c->response_due ? g_strdup_printf (_("To be registered within %s"), span)
                                     : g_strdup_printf (_("Not registered: %s over the first-response time"), span);
    }
  else if (c->deadline != 0 && gp_case_is_open (c) && c->state != GP_STATE_HANDLED &&
           c->state != GP_STATE_CALLBACK && c->state != GP_STATE_SATISFIED)
    {
      g_autofree char *due = gp_format_case_time (c->deadline);
      g_autofree char *span = gp_format_span (ABS (c->deadline - now));

      if (c->state == GP_STATE_SUSPENDED)
        clock = g_strdup_printf (_("Suspended: the clock is paused (due %s if resumed now)"), due);
      else if (c->overdue)
        clock = g_strdup_printf (_("Overdue by %s (due %s)"), span, due);
      else
        clock = g_strdup_printf (_("%s left (due %s)"), span, due);
    }
  else if (c->handled_at != 0 && c->clock_started != 0)
    clock = g_strdup (c->overdue ? _("Handled late") : _("Handled in time"));
  switch (c->warning)
    {
    case GP_WARNING_GREEN: warning_class = "gp-warning-green"; break;
    case GP_WARNING_YELLOW: warning_class = "gp-warning-yellow"; break;
    case GP_WARNING_RED: warning_class = "gp-warning-red"; break;
    case GP_WARNING_NONE:
    default:
      break;
    }
  if (warning_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->clock_label), warning_class);
  gtk_label_set_text (self->clock_label, clock ? clock : "");
  gtk_widget_set_visible (GTK_WIDGET (self->clock_label), clock != NULL);

  /* The steps this role may take now, in places that do not move: the
   * one that moves the case on always first, then the others, and the
   * ones that undo work (void, reopen) always last, in red. */
  {
    const char * const forward[] = { GP_ACTION_REGISTER, GP_ACTION_DISPATCH, GP_ACTION_ACCEPT, GP_ACTION_START,
                                     GP_ACTION_HANDLED, GP_ACTION_VERIFY, GP_ACTION_CALLBACK, GP_ACTION_CLOSE,
                                     GP_ACTION_RESUME, GP_ACTION_SELF_HANDLE, NULL };
    const char * const undoing[] = { GP_ACTION_VOID, GP_ACTION_REOPEN, NULL };
    g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
    const char *first = NULL;

    for (guint f = 0; first == NULL && forward[f] != NULL; f++)
      if (g_strv_contains ((const char * const *) actions, forward[f]))
        first = forward[f];
    if (first != NULL)
      g_ptr_array_add (ordered, (gpointer) first);
    for (guint i = 0; actions[i] != NULL; i++)
      if (g_strcmp0 (actions[i], first) != 0 && !g_strv_contains (undoing, actions[i]))
        g_ptr_array_add (ordered, actions[i]);
    for (guint i = 0; actions[i] != NULL; i++)
      if (g_strv_contains (undoing, actions[i]))
        g_ptr_array_add (ordered, actions[i]);

    for (guint i = 0; i < ordered->len; i++)
      {
        const char *action = g_ptr_array_index (ordered, i);
        GtkWidget *button = gtk_button_new_with_label (gp_action_label (action));

        gtk_widget_set_size_request (button, -1, 48);
        if (action == first)
          gtk_widget_add_css_class (button, "suggested-action");
        if (g_strv_contains (undoing, action))
          gtk_widget_add_css_class (button, "destructive-action");
        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "incident.take-step");
        gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", action);
        gtk_flow_box_append (self->actions_box, button);
      }
  }

  /* The facts. */
  if (description != NULL && *description != '\0')
    add_row (self, self->facts_group, _("What Was Found"), description);
  add_row (self, self->facts_group, _("State"), gp_state_label (c->state));
  {
    g_autofree char *text = g_strdup_printf ("%s%s%s", gp_json_get_string (level, "label") ?: c->level,
                                             c->urgency ? " · " : "", c->urgency ? c->urgency : "");

    add_row (self, self->facts_group, _("Level"), text);
  }
  if (c->owner != NULL)
    add_row (self, self->facts_group, _("Handled By"), c->owner);
  reported_line = g_strdup_printf (_("%s by %s · %s"), reported, gp_incident_get_reporter (self->incident),
                                   gp_incident_source_label (gp_incident_get_source (self->incident)));
  add_row (self, self->facts_group, C_("case fact", "Reported"), reported_line);
  /* Where it is, on the map, with a tap. */
  {
    GpGeoPoint where;

    if (gp_geo_geometry_get_center (gp_document_get_geometry (GP_DOCUMENT (self->incident)), &where))
      {
        GtkWidget *row = adw_action_row_new ();

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Show on Map"));
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("gp-map-symbolic"));
        gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
        gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-on-map");
        gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "(dd)", where.lat, where.lon);
        adw_preferences_group_add (self->facts_group, row);
        g_ptr_array_add (self->rows, row);
      }
  }
  if (gtk_widget_get_visible (GTK_WIDGET (self->photo_box)) == FALSE)
    add_row (self, self->facts_group, _("Photos"), _("None"));
  if (c->round > 1)
    {
      g_autofree char *round = g_strdup_printf (ngettext ("Round %u: reopened %u time", "Round %u: reopened %u times",
                                                           c->round - 1),
                                                 c->round, c->round - 1);

      add_row (self, self->facts_group, _("Reopened"), round);
    }

  /* The timeline, newest last as it happened. */
  for (guint i = 0; i < c->timeline->len; i++)
    {
      GpTimelineEntry *entry = g_ptr_array_index (c->timeline, i);
      GpEvent *event = entry->event;
      g_autoptr(GDateTime) at = gp_event_dup_at (event);
      g_autofree char *when = gp_format_case_time (at ? g_date_time_to_unix (at) : 0);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      const char *said = gp_event_get_note (event) ? gp_event_get_note (event) : gp_event_get_reason (event);
      guint photos = gp_casework_count_photos (GP_DOCUMENT (event));

      g_string_append_printf (subtitle, "%s · %s (%s)", when, gp_event_get_actor (event),
                              gp_role_label (gp_event_get_role (event)));
      if (gp_event_get_target (event) != NULL)
        g_string_append_printf (subtitle, _("\nTo: %s"), gp_event_get_target (event));
      if (gp_event_get_level (event) != NULL)
        g_string_append_printf (subtitle, _("\nTo level: %s"), gp_event_get_level (event));
      if (gp_event_get_satisfaction (event) != NULL)
        g_string_append_printf (subtitle, "\n%s",
                                g_str_equal (gp_event_get_satisfaction (event), GP_SATISFIED) ? _("Satisfied")
                                : g_str_equal (gp_event_get_satisfaction (event), GP_BASICALLY_SATISFIED)
                                  ? _("Basically satisfied") : _("Not satisfied"));
      if (gp_event_get_result (event) != NULL)
        g_string_append_printf (subtitle, "\n%s", g_str_equal (gp_event_get_result (event), GP_VERIFY_PASS)
                                                  ? _("Passed") : _("Failed"));
      if (said != NULL)
        g_string_append_printf (subtitle, "\n“%s”", said);
      if (photos > 0)
        g_string_append_printf (subtitle, ngettext ("\n%u photo", "\n%u photos", photos), photos);
      if (!entry->applied)
        g_string_append_printf (subtitle, _("\nNot applied: %s"), entry->refusal);
      add_row (self, self->timeline_group, gp_action_label (gp_event_get_action (event)), subtitle->str);
    }
  if (c->timeline->len == 0)
    add_row (self, self->timeline_group, C_("case fact", "Reported"), _("No step has been taken yet"));

  adw_window_title_set_subtitle (self->title, gp_state_label (c->state));
}

static void
on_photo_progress (GpIncidentView *self,
                   const char     *doc_id,
                   const char     *name,
                   double          fraction)
{
  g_autofree char *key = remote_key (doc_id, name);

  set_photo_status (self, key, _("Downloading the photo…"), TRUE, fraction);
}

static void
on_photo_failed (GpIncidentView *self,
                 const char     *doc_id,
                 const char     *name,
                 const char     *message,
                 gboolean        will_retry)
{
  g_autofree char *key = remote_key (doc_id, name);
  /* Translators: the reason a photo cannot be downloaded */
  g_autofree char *text = will_retry ? g_strdup (message) : g_strdup_printf (_("The photo cannot be downloaded: %s"),
                                                                             message);

  set_photo_status (self, key, text, FALSE, 0.0);
}

static void
on_full_photo (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Load *arrival = user_data;
  g_autoptr(GpIncidentView) self = arrival->self;
  g_autofree char *key = arrival->id;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gp_casework_load_picture_finish (GP_STORE (source), result, &error);
  g_autoptr(GdkTexture) texture = NULL;
  RemotePhoto *remote;
  EnlargedPhoto *enlarged;

  g_free (arrival);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (pixbuf == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The photo cannot be shown: %s"), error->message);

      set_photo_status (self, key, text, FALSE, 0.0);
      return;
    }
  texture = gp_texture_new_for_pixels (pixbuf);
  if ((remote = g_hash_table_lookup (self->remote, key)) != NULL)
    {
      gtk_picture_set_paintable (remote->picture, GDK_PAINTABLE (texture));
      if (remote->index < self->photos->len)
        {
          g_object_unref (g_ptr_array_index (self->photos, remote->index));
          g_ptr_array_index (self->photos, remote->index) = g_object_ref (texture);
        }
      gtk_widget_set_visible (remote->status.box, FALSE);
    }
  if ((enlarged = g_hash_table_lookup (self->enlarged, key)) != NULL)
    {
      if (enlarged->picture != NULL)
        gp_zoom_picture_set_paintable (enlarged->picture, GDK_PAINTABLE (texture));
      gtk_widget_set_visible (enlarged->status.box, FALSE);
    }
  g_hash_table_remove (self->remote, key);
  g_hash_table_remove (self->enlarged, key);
}

static void
on_photo_arrived (GpIncidentView *self,
                  const char     *doc_id,
                  const char     *name)
{
  g_autofree char *key = remote_key (doc_id, name);
  GpStore *store = gp_context_get_store (self->context);
  Load *arrival;

  if (store == NULL || (!g_hash_table_contains (self->remote, key) && !g_hash_table_contains (self->enlarged, key)))
    return;
  arrival = g_new0 (Load, 1);
  arrival->self = g_object_ref (self);
  arrival->id = g_steal_pointer (&key);
  gp_casework_load_picture_async (store, doc_id, name, self->cancellable, on_full_photo, arrival);
}

/* Follows the downloads of the sync that goes with the store shown. */
static void
follow_downloads (GpIncidentView *self)
{
  GpSyncManager *sync = gp_context_get_sync (self->context);

  if (sync == self->sync)
    return;
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_object_remove_weak_pointer (G_OBJECT (self->sync), (gpointer *) &self->sync);
    }
  self->sync = sync;
  if (sync == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (sync), (gpointer *) &self->sync);
  g_signal_connect_swapped (sync, "photo-progress", G_CALLBACK (on_photo_progress), self);
  g_signal_connect_swapped (sync, "photo-failed", G_CALLBACK (on_photo_failed), self);
  g_signal_connect_swapped (sync, "photo-arrived", G_CALLBACK (on_photo_arrived), self);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr(GpIncidentView) self = load->self;
  g_autofree char *id = load->id;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpCaseSheet) sheet = gp_case_sheet_load_finish (GP_STORE (source), result, &error);
  g_autoptr(GHashTable) before = NULL;

  g_free (load);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_strcmp0 (id, self->incident_id) != 0)
    return;
  self->loading = FALSE;
  /* What the photos still coming said before the reload, said again:
   * they are not asked for again. */
  before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) said_free);
  {
    GHashTableIter iter;
    const char *key;
    RemotePhoto *was;

    g_hash_table_iter_init (&iter, self->remote);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &was))
      g_hash_table_insert (before, g_strdup (key), said_new (&was->status));
  }
  clear (self);
  if (sheet == NULL)
    {
      adw_window_title_set_title (self->title, _("This incident cannot be shown"));
      adw_window_title_set_subtitle (self->title, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_pointer (&self->shown, gp_case_free);
  g_set_object (&self->incident, sheet->incident);
  g_set_object (&self->policy, sheet->policy);
  self->shown = g_steal_pointer (&sheet->shown);
  self->n_photos = sheet->pictures->len;
  for (guint i = 0; i < sheet->pictures->len; i++)
    {
      g_autoptr(GdkTexture) texture = gp_texture_new_for_pixels (g_ptr_array_index (sheet->pictures, i));
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      const char *caption = g_ptr_array_index (sheet->captions, i);

      GtkWidget *page;

      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_widget_set_hexpand (picture, TRUE);
      page = captioned (picture, caption);
      if (g_array_index (sheet->remote, gboolean, i))
        {
          RemotePhoto *remote = g_new0 (RemotePhoto, 1);
          char *key = remote_key (g_ptr_array_index (sheet->sources, i), g_ptr_array_index (sheet->names, i));
          Said *was = g_hash_table_lookup (before, key);

          remote->index = i;
          remote->picture = GTK_PICTURE (picture);
          gtk_overlay_add_overlay (GTK_OVERLAY (page), photo_status_init (&remote->status));
          if (was != NULL)
            said_apply (was, &remote->status);
          g_hash_table_insert (self->remote, key, remote);
        }
      adw_carousel_append (self->carousel, page);
      g_ptr_array_add (self->photos, g_object_ref (texture));
      g_ptr_array_add (self->captions, g_strdup (caption));
      g_ptr_array_add (self->provenance, g_strdup (g_ptr_array_index (sheet->provenance, i)));
      g_array_append_val (self->doubtful, g_array_index (sheet->doubtful, gboolean, i));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), sheet->pictures->len > 0);
  show_provenance (self, 0);
  /* The photos left at the centre are wanted now the page shows them. */
  if (g_hash_table_size (self->remote) > 0)
    {
      follow_downloads (self);
      for (guint i = 0; self->sync != NULL && i < sheet->pictures->len; i++)
        if (g_array_index (sheet->remote, gboolean, i))
          {
            g_autofree char *key = remote_key (g_ptr_array_index (sheet->sources, i),
                                               g_ptr_array_index (sheet->names, i));

            if (!g_hash_table_contains (before, key))
              gp_sync_manager_want_photo (self->sync, g_ptr_array_index (sheet->sources, i),
                                          g_ptr_array_index (sheet->names, i));
          }
    }

  {
    g_autofree char *title = sheet->building ? g_strdup_printf ("%s · %s", sheet->category, sheet->building)
                                             : g_strdup (sheet->category);

    adw_window_title_set_title (self->title, title);
  }
  show_case (self);
  gtk_stack_set_visible_child_name (self->stack, "case");
}

void
gp_incident_view_reload (GpIncidentView *self)
{
  GpStore *store;
  Load *load;

  g_return_if_fail (GP_IS_INCIDENT_VIEW (self));

  store = gp_context_get_store (self->context);
  if (self->incident_id == NULL || store == NULL)
    return;
  self->loading = TRUE;
  load = g_new0 (Load, 1);
  load->self = g_object_ref (self);
  load->id = g_strdup (self->incident_id);
  gp_case_sheet_load_async (store, self->incident_id, gp_clock_get_now (), self->cancellable, on_loaded, load);
}

/* The page follows the case: a step taken elsewhere (another page, a
 * sync), a change of role, the clock's minute — each reads it again, so
 * the steps offered and the clock shown are never stale. */

/* The case's own document, or one of its steps ("event:<uuid>:…"); other
 * cases' steps, a sync's hundreds of them, do not concern the page. */
static gboolean
is_of_case (const char *id,
            gpointer    user_data)
{
  GpIncidentView *self = user_data;

  return self->incident_id != NULL &&
         (g_str_equal (id, self->incident_id) ||
          (self->steps_prefix != NULL && g_str_has_prefix (id, self->steps_prefix)));
}

static void
on_refresh (GpIncidentView *self)
{
  if (self->incident_id != NULL)
    gp_incident_view_reload (self);
}

static void
follow_later (GpIncidentView *self)
{
  if (self->incident_id != NULL)
    gp_live_query_queue (self->live);
}

static void
on_mapped (GpIncidentView *self)
{
  gp_live_query_set_active (self->live, gtk_widget_get_mapped (GTK_WIDGET (self)));
}

void
gp_incident_view_show (GpIncidentView *self,
                       const char     *incident_id)
{
  g_return_if_fail (GP_IS_INCIDENT_VIEW (self));

  if (g_strcmp0 (self->incident_id, incident_id) == 0 && self->shown != NULL)
    return;
  g_free (self->incident_id);
  self->incident_id = g_strdup (incident_id);
  g_clear_pointer (&self->steps_prefix, g_free);
  if (incident_id != NULL && g_str_has_prefix (incident_id, "incident:"))
    self->steps_prefix = g_strconcat ("event:", incident_id + strlen ("incident:"), ":", NULL);
  g_clear_pointer (&self->shown, gp_case_free);
  if (incident_id == NULL)
    {
      clear (self);
      adw_window_title_set_title (self->title, "");
      adw_window_title_set_subtitle (self->title, "");
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gp_incident_view_reload (self);
}

const char *
gp_incident_view_get_incident (GpIncidentView *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), NULL);

  return self->incident_id;
}

gboolean
gp_incident_view_get_loading (GpIncidentView *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), FALSE);

  return self->loading || (self->incident_id != NULL && self->shown == NULL);
}

/* The steps the buttons offer now. */
char **
gp_incident_view_dup_actions (GpIncidentView *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv actions;

  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkActionable *button = GTK_ACTIONABLE (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)));

      g_strv_builder_add (builder, g_variant_get_string (gtk_actionable_get_action_target_value (button), NULL));
    }
  actions = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return actions;
}

/* Where photo @index came from, as its page says; "" when not recorded. */
const char *
gp_incident_view_get_provenance (GpIncidentView *self,
                                 guint           index)
{
  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), NULL);
  g_return_val_if_fail (index < self->provenance->len, NULL);

  return g_ptr_array_index (self->provenance, index);
}

/* The caption of photo @index: "Before", "After" or a step's name. */
const char *
gp_incident_view_get_caption (GpIncidentView *self,
                              guint           index)
{
  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), NULL);
  g_return_val_if_fail (index < self->captions->len, NULL);

  return g_ptr_array_index (self->captions, index);
}

/**
 * gp_incident_view_get_photo_status:
 *
 * Returns: (nullable): what photo @index says of its download while only
 *   its thumbnail is here; %NULL once the photo is shown
 */
const char *
gp_incident_view_get_photo_status (GpIncidentView *self,
                                   guint           index)
{
  RemotePhoto *remote;

  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), NULL);

  remote = find_remote (self, index, NULL);
  return remote != NULL ? gtk_label_get_text (remote->status.label) : NULL;
}

guint
gp_incident_view_get_n_photos (GpIncidentView *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), 0);

  return self->n_photos;
}

guint
gp_incident_view_get_n_steps (GpIncidentView *self)
{
  g_return_val_if_fail (GP_IS_INCIDENT_VIEW (self), 0);

  return self->shown ? self->shown->timeline->len : 0;
}

void
gp_incident_view_set_can_go_back (GpIncidentView *self,
                                  gboolean        can)
{
  g_return_if_fail (GP_IS_INCIDENT_VIEW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), can);
}

static void
gp_incident_view_dispose (GObject *object)
{
  GpIncidentView *self = (GpIncidentView *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->sync != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sync, self);
      g_object_remove_weak_pointer (G_OBJECT (self->sync), (gpointer *) &self->sync);
      self->sync = NULL;
    }
  if (self->live != NULL)
    gp_live_query_stop (self->live);
  g_clear_object (&self->live);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_INCIDENT_VIEW);

  G_OBJECT_CLASS (gp_incident_view_parent_class)->dispose (object);
}

static void
gp_incident_view_finalize (GObject *object)
{
  GpIncidentView *self = (GpIncidentView *) object;

  g_clear_object (&self->context);
  g_clear_object (&self->incident);
  g_clear_object (&self->policy);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->shown, gp_case_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->photos, g_ptr_array_unref);
  g_clear_pointer (&self->captions, g_ptr_array_unref);
  g_clear_pointer (&self->provenance, g_ptr_array_unref);
  g_clear_pointer (&self->doubtful, g_array_unref);
  g_clear_pointer (&self->remote, g_hash_table_unref);
  g_clear_pointer (&self->enlarged, g_hash_table_unref);
  g_free (self->incident_id);
  g_free (self->steps_prefix);

  G_OBJECT_CLASS (gp_incident_view_parent_class)->finalize (object);
}

static void
gp_incident_view_class_init (GpIncidentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_incident_view_dispose;
  object_class->finalize = gp_incident_view_finalize;

  /**
   * GpIncidentView::changed:
   *
   * A step was taken on the incident shown.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-incident-view.ui");
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, top_bar);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, back_button);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, title);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, stack);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, photo_box);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, provenance_label);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, carousel);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, clock_label);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, actions_box);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, facts_group);
  gtk_widget_class_bind_template_child (widget_class, GpIncidentView, timeline_group);
  gtk_widget_class_install_action (widget_class, "incident.take-step", "s", take_step_action);
  gtk_widget_class_install_action (widget_class, "incident.show-photo", "u", show_photo_action);
}

static void
gp_incident_view_init (GpIncidentView *self)
{
  GtkGesture *tap;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* A tap on a photo shows it full screen; a swipe goes to the next. */
  tap = gtk_gesture_click_new ();
  g_signal_connect_object (tap, "pressed", G_CALLBACK (on_carousel_pressed), self, 0);
  g_signal_connect_object (tap, "released", G_CALLBACK (on_carousel_tapped), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->carousel), GTK_EVENT_CONTROLLER (tap));
  g_signal_connect_object (self->carousel, "page-changed", G_CALLBACK (on_page_changed), self, G_CONNECT_SWAPPED);
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->photos = g_ptr_array_new_with_free_func (g_object_unref);
  self->captions = g_ptr_array_new_with_free_func (g_free);
  self->provenance = g_ptr_array_new_with_free_func (g_free);
  self->doubtful = g_array_new (FALSE, FALSE, sizeof (gboolean));
  self->remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->enlarged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) enlarged_photo_free);
}

GtkWidget *
gp_incident_view_new (GpContext *context)
{
  GpIncidentView *self = g_object_new (GP_TYPE_INCIDENT_VIEW, NULL);

  self->context = g_object_ref (context);
  self->live = gp_live_query_new (context, 300);
  gp_live_query_set_filter (self->live, is_of_case, self);
  gp_live_query_set_per_minute (self->live, TRUE);
  gp_live_query_set_active (self->live, FALSE);
  g_signal_connect_object (self->live, "refresh", G_CALLBACK (on_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_mapped), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_mapped), NULL);
  g_signal_connect_object (gp_context_get_settings (context), "changed::role", G_CALLBACK (follow_later), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
