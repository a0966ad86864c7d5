/* gp-window.c
 *
 * The main window: a welcome page while the store holds no grid, and the
 * four pages of a grid (Map · Patrol · Incidents · Area) once it does, with
 * the view switcher in the header on wide windows and, by a breakpoint, at
 * the bottom on narrow ones (phones), where the header names the grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-window"

#include "config.h"

#include "gp-window.h"
#include "gp-area-page.h"
#include "gp-sync-dialog.h"
#include "gp-context.h"
#include "gp-documents.h"
#include "gp-incidents-page.h"
#include "gp-map-page.h"
#include "gp-patrol-page.h"
#include "gp-preferences-dialog.h"
#include "gp-visit-dialog.h"
#include "gp-report-window.h"
#include "gp-store.h"

#include <glib/gi18n.h>
#include <math.h>

struct _GpWindow
{
  AdwApplicationWindow  parent_instance;

  GpContext            *context;
  GpStore              *store;       /* the context's, while watched */
  GCancellable         *cancellable;
  char                 *message;     /* the last shown in a toast */
  gboolean              demo_wanted;
  gboolean              preparing_demo;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *loading_status;
  AdwStatusPage        *error_status;
  GtkButton            *demo_button;
  GtkButton            *connect_button;
  AdwEntryRow          *name_row;
  AdwComboRow          *role_row;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  AdwViewSwitcher      *switcher;
  AdwViewSwitcherBar   *switcher_bar;
  AdwViewStack         *view_stack;
  AdwBin               *map_bin;
  AdwBin               *patrol_bin;
  AdwBin               *incidents_bin;
  GpIncidentsPage      *incidents_page;
  AdwBin               *area_bin;
  GpAreaPage           *area_page;
  GpMapPage            *map_page;
  GtkButton            *sync_button;
  guint                 build_pages_id;
};

G_DEFINE_FINAL_TYPE (GpWindow, gp_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean ensure_page (GpWindow   *self,
                             const char *name);

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The grid's name in the header. */
static void
update_grid_pages (GpWindow *self,
                   GpGrid   *grid)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *where = NULL;
  const char *community = gp_grid_get_community (grid);

  adw_window_title_set_title (self->window_title, gp_grid_get_name (grid));
  gtk_window_set_title (GTK_WINDOW (self), gp_grid_get_name (grid));
  /* The community only: with the street too it was cut off on a phone;
   * the street is in the tooltip. */
  if (community == NULL || *community == '\0')
    community = gp_grid_get_street (grid) ?: "";
  if (gp_document_get_boolean_member (GP_DOCUMENT (grid), "example"))
    /* Translators: the subtitle of a demo grid: its community */
    subtitle = g_strdup_printf (_("Demo · %s"), community);
  else
    subtitle = g_strdup (community);
  adw_window_title_set_subtitle (self->window_title, g_strstrip (subtitle));
  where = g_strdup_printf ("%s %s %s", gp_grid_get_street (grid) ?: "", gp_grid_get_community (grid) ?: "",
                           gp_grid_get_name (grid));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), g_strstrip (where));
}

static void
update_view (GpWindow *self)
{
  GpGrid *grid = gp_context_get_grid (self->context);
  const char *error = gp_context_get_error (self->context);

  if (self->preparing_demo)
    {
      adw_status_page_set_title (self->loading_status, _("Preparing the Demo Grid…"));
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  else if (gp_context_get_loading (self->context) || (gp_context_get_store (self->context) == NULL &&
                                                      error == NULL))
    {
      adw_status_page_set_title (self->loading_status, _("Opening the Grid Data…"));
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  else if (error != NULL)
    {
      adw_status_page_set_description (self->error_status, error);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else if (grid == NULL)
    gtk_stack_set_visible_child_name (self->stack, "welcome");
  else
    {
      update_grid_pages (self, grid);
      gtk_stack_set_visible_child_name (self->stack, "main");
    }
}

static void
on_demo_installed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gp_context_install_demo_finish (GP_CONTEXT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }

  self->preparing_demo = FALSE;
  update_view (self);
}

static void
start_demo (GpWindow *self)
{
  self->demo_wanted = FALSE;
  self->preparing_demo = TRUE;
  update_view (self);
  gp_context_install_demo (self->context, self->cancellable, on_demo_installed,
                           g_object_ref (self));
}

/**
 * gp_window_open_demo:
 *
 * Opens the demo grid, generating it first if the store does not have it;
 * if the store is still opening, as soon as it is open.
 */
void
gp_window_open_demo (GpWindow *self)
{
  g_return_if_fail (GP_IS_WINDOW (self));

  if (gp_context_get_store (self->context) == NULL)
    self->demo_wanted = TRUE;
  else if (!self->preparing_demo)
    start_demo (self);
}

static void
on_documents_changed (GpWindow *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    update_view (self);
}

/* Follows the context's store, which may arrive after the window. */
static void
watch_store (GpWindow *self)
{
  GpStore *store = gp_context_get_store (self->context);

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "documents-changed", G_CALLBACK (on_documents_changed),
                             self, G_CONNECT_SWAPPED);
}

static void
on_context_changed (GpWindow *self)
{
  watch_store (self);
  if (self->demo_wanted && self->store != NULL)
    start_demo (self);
  else
    update_view (self);
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  gp_window_open_demo (GP_WINDOW (widget));
}

/* The grid centre: logging in, or how sync goes. */
static void
show_sync_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);
  GpSyncDialog *dialog = gp_sync_dialog_new (self->context);

  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

/* The header's sync button: its icon and tooltip say how sync goes. */
static void
update_sync_button (GpWindow *self)
{
  GpSyncManager *sync = gp_context_get_sync (self->context);
  g_autofree char *text = gp_sync_describe (sync);
  g_autofree char *tooltip = NULL;

  if (sync != NULL && gp_sync_manager_get_pending (sync) > 0 &&
      gp_sync_manager_get_state (sync) != GP_SYNC_NOT_SET_UP)
    tooltip = g_strdup_printf (ngettext ("%s · %u change waits on this phone", "%s · %u changes wait on this phone",
                                         gp_sync_manager_get_pending (sync)),
                               text, gp_sync_manager_get_pending (sync));
  gtk_button_set_icon_name (self->sync_button, gp_sync_icon_name (sync));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_button), tooltip ? tooltip : text);
}

static void
on_sync_changed (GpWindow *self)
{
  GpSyncManager *sync = gp_context_get_sync (self->context);

  if (sync != NULL)
    g_signal_connect_object (sync, "notify", G_CALLBACK (update_sync_button), self, G_CONNECT_SWAPPED);
  update_sync_button (self);
}

static void
on_reported (GpWindow   *self,
             const char *incident_id)
{
  if (incident_id == NULL)
    return;
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Saved. It goes to the grid centre with the next sync.")));
  if (self->incidents_page != NULL)
    gp_incidents_page_reload (self->incidents_page);
}

/**
 * gp_window_report:
 * @latitude: where, or NAN for the report's own choice
 *
 * Opens the report form, on the report in progress if there is one.
 */
/**
 * gp_window_show_message:
 *
 * Tells the user something that went wrong away from this window (a
 * report window already closed, say), as a toast over the pages.
 */
void
gp_window_show_message (GpWindow   *self,
                        const char *message)
{
  g_return_if_fail (GP_IS_WINDOW (self));

  g_free (self->message);
  self->message = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* The last thing gp_window_show_message() said. */
const char *
gp_window_get_message (GpWindow *self)
{
  g_return_val_if_fail (GP_IS_WINDOW (self), NULL);

  return self->message;
}

GpReportWindow *
gp_window_report (GpWindow *self,
                  double    latitude,
                  double    longitude)
{
  GpReportWindow *report;

  g_return_val_if_fail (GP_IS_WINDOW (self), NULL);

  if (gp_context_get_store (self->context) == NULL || gp_context_get_grid (self->context) == NULL)
    return NULL;
  report = gp_report_window_new (GTK_WINDOW (self), self->context);
  gp_report_window_set_basemap (report, gp_map_page_get_base_source (self->map_page));
  g_signal_connect_object (report, "reported", G_CALLBACK (on_reported), self, G_CONNECT_SWAPPED);
  if (!isnan (latitude))
    gp_report_window_place_at (report, latitude, longitude);
  gtk_window_present (GTK_WINDOW (report));
  return report;
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gp_window_report (GP_WINDOW (widget), NAN, NAN);
}

static void
report_here_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  double latitude, longitude;

  g_variant_get (parameter, "(dd)", &latitude, &longitude);
  gp_window_report (GP_WINDOW (widget), latitude, longitude);
}

/* A household visit from a building's sheet on the map. */
static void
visit_building_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);
  GpPatrolRecorder *recorder = gp_context_get_recorder (self->context);
  GpVisitDialog *dialog = gp_visit_dialog_new (self->context, g_variant_get_string (parameter, NULL),
                                               recorder ? gp_patrol_recorder_get_id (recorder) : NULL);

  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

/* A visit to a household tapped in a building's sheet. */
static void
visit_household_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);
  GpPatrolRecorder *recorder = gp_context_get_recorder (self->context);
  GpVisitDialog *dialog = gp_visit_dialog_new (self->context, NULL,
                                               recorder ? gp_patrol_recorder_get_id (recorder) : NULL);

  gp_visit_dialog_set_household (dialog, g_variant_get_string (parameter, NULL));
  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

/* Coverage from the patrol page: the households due a visit, on the map. */
static void
add_map_layer (GpWindow   *self,
               const char *layer)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_auto(GStrv) layers = g_settings_get_strv (settings, "map-layers");

  if (!g_strv_contains ((const char * const *) layers, layer))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) changed = NULL;

      g_strv_builder_addv (builder, (const char **) layers);
      g_strv_builder_add (builder, layer);
      changed = g_strv_builder_end (builder);
      g_settings_set_strv (settings, "map-layers", (const char * const *) changed);
    }
}

static void
show_visits_due_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);

  add_map_layer (self, "visits");
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
}

/* An incident from the map or elsewhere, on the incidents page. */
static void
show_incident_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);

  ensure_page (self, "incidents");
  adw_view_stack_set_visible_child_name (self->view_stack, "incidents");
  gp_incidents_page_show (self->incidents_page, g_variant_get_string (parameter, NULL));
}

/* The area review's hot spots, drawn on the map. */
static void
on_area_loaded (GpWindow *self)
{
  GpStats *stats = gp_area_page_get_stats (self->area_page);
  g_autoptr(GArray) spots = g_array_new (FALSE, FALSE, sizeof (GpMapHotSpot));

  for (guint i = 0; stats != NULL && i < stats->hot_spots->len; i++)
    {
      GpHotSpot *spot = g_ptr_array_index (stats->hot_spots, i);
      GpMapHotSpot shown = { spot->lat, spot->lon, spot->count };

      g_array_append_val (spots, shown);
    }
  gp_map_page_set_hot_spots (self->map_page, spots);
}

static void
show_hot_spots_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);

  add_map_layer (self, "hotspots");
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  if (parameter != NULL)
    {
      double lat, lon;

      g_variant_get (parameter, "(dd)", &lat, &lon);
      gp_map_page_centre_on (self->map_page, lat, lon);
    }
}

/* An incident's place: the map, centred on it, with the incidents shown. */
static void
show_on_map_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GpWindow *self = GP_WINDOW (widget);
  double lat, lon;

  g_variant_get (parameter, "(dd)", &lat, &lon);
  add_map_layer (self, "incidents");
  adw_view_stack_set_visible_child_name (self->view_stack, "map");
  gp_map_page_centre_on (self->map_page, lat, lon);
}

/* A case given to the worker: a count on the Incidents tab, and word of
 * the ones that just arrived, in the app and as a notification when the
 * app is in the background. */
static void
on_assigned (GpWindow   *self,
             guint       total,
             guint       arrived,
             const char *title)
{
  AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->incidents_bin));
  g_autofree char *text = NULL;
  GApplication *app = g_application_get_default ();

  adw_view_stack_page_set_badge_number (page, total);
  adw_view_stack_page_set_needs_attention (page, total > 0);
  if (arrived == 0)
    return;
  text = arrived == 1 && title != NULL
         ? g_strdup_printf (_("A case was given to you: %s"), title)
         : g_strdup_printf (ngettext ("%u case was given to you", "%u cases were given to you", arrived), arrived);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("New Case for You"));

      g_notification_set_body (notification, text);
      g_application_send_notification (app, "assigned", notification);
    }
}

/* The first start asks who works before any work is recorded: the demo
 * opens once a name is given (a login to a centre gives it instead). */
static void
on_name_changed (GpWindow *self)
{
  GSettings *settings = gp_context_get_settings (self->context);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  g_settings_set_string (settings, "user-name", name);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", *name != '\0');
}

/* Builds page @name if it is not yet: the Patrol, Incidents and Area pages
 * are built when first shown, or after the first frame. Whether it built
 * one now. */
static gboolean
ensure_page (GpWindow   *self,
             const char *name)
{
  if (g_strcmp0 (name, "patrol") == 0 && adw_bin_get_child (self->patrol_bin) == NULL)
    adw_bin_set_child (self->patrol_bin, gp_patrol_page_new (self->context));
  else if (g_strcmp0 (name, "incidents") == 0 && self->incidents_page == NULL)
    {
      self->incidents_page = GP_INCIDENTS_PAGE (gp_incidents_page_new (self->context));
      adw_bin_set_child (self->incidents_bin, GTK_WIDGET (self->incidents_page));
      g_signal_connect_object (self->incidents_page, "assigned", G_CALLBACK (on_assigned), self,
                               G_CONNECT_SWAPPED);
    }
  else if (g_strcmp0 (name, "area") == 0 && self->area_page == NULL)
    {
      self->area_page = GP_AREA_PAGE (gp_area_page_new (self->context));
      adw_bin_set_child (self->area_bin, GTK_WIDGET (self->area_page));
      g_signal_connect_object (self->area_page, "loaded", G_CALLBACK (on_area_loaded), self, G_CONNECT_SWAPPED);
    }
  else
    return FALSE;
  return TRUE;
}

static void
on_page_shown (GpWindow *self)
{
  ensure_page (self, adw_view_stack_get_visible_child_name (self->view_stack));
}

/* One page an idle moment, the Incidents page first: it counts the cases
 * given to the worker, for the tab's badge and the notification. */
static gboolean
build_next_page (gpointer data)
{
  GpWindow *self = data;
  static const char * const order[] = { "incidents", "area", "patrol" };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (ensure_page (self, order[i]))
      return G_SOURCE_CONTINUE;
  self->build_pages_id = 0;
  return G_SOURCE_REMOVE;
}

/* After the first frame: the other pages, an idle moment each, so that
 * the start shows the map without waiting for them. */
static void
on_first_frame (GdkFrameClock *clock,
                GpWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame, self);
  if (self->build_pages_id == 0)
    self->build_pages_id = g_idle_add_full (G_PRIORITY_LOW, build_next_page, self, NULL);
}

static void
on_realize (GtkWidget *widget)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint", G_CALLBACK (on_first_frame), widget,
                           0);
}

static void
gp_window_constructed (GObject *object)
{
  GpWindow *self = (GpWindow *) object;
  GSettings *settings = gp_context_get_settings (self->context);

  G_OBJECT_CLASS (gp_window_parent_class)->constructed (object);

  /* The map, shown first, is built now; the other pages when first
   * shown, or once the first frame is drawn (see build_pages_later()). */
  self->map_page = GP_MAP_PAGE (gp_map_page_new (self->context));
  adw_bin_set_child (self->map_bin, GTK_WIDGET (self->map_page));
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (on_page_shown), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "realize", G_CALLBACK (on_realize), NULL);

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  {
    g_autofree char *name = g_settings_get_string (settings, "user-name");

    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-demo", *g_strstrip (name) != '\0');
  }
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_name_changed), self, G_CONNECT_SWAPPED);
  gp_preferences_bind_role (settings, self->role_row);

  g_signal_connect_object (self->context, "notify::loading", G_CALLBACK (on_context_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::error", G_CALLBACK (on_context_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::store", G_CALLBACK (on_context_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::grid", G_CALLBACK (on_context_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::sync", G_CALLBACK (on_sync_changed),
                           self, G_CONNECT_SWAPPED);

  watch_store (self);
  update_view (self);
  on_sync_changed (self);
}

static void
gp_window_dispose (GObject *object)
{
  GpWindow *self = (GpWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->build_pages_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_WINDOW);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_documents_changed, self);
  g_clear_object (&self->store);
  g_clear_object (&self->context);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (gp_window_parent_class)->dispose (object);
}

static void
gp_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  GpWindow *self = GP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  GpWindow *self = GP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gp_window_class_init (GpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gp_window_constructed;
  object_class->dispose = gp_window_dispose;
  object_class->get_property = gp_window_get_property;
  object_class->set_property = gp_window_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, GP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, loading_status);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, error_status);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, role_row);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, map_bin);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, patrol_bin);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, incidents_bin);
  gtk_widget_class_bind_template_child (widget_class, GpWindow, area_bin);

  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.connect-centre", NULL, show_sync_action);
  gtk_widget_class_install_action (widget_class, "win.show-sync", NULL, show_sync_action);
  gtk_widget_class_install_action (widget_class, "win.report", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "win.report-here", "(dd)", report_here_action);
  gtk_widget_class_install_action (widget_class, "win.show-incident", "s", show_incident_action);
  gtk_widget_class_install_action (widget_class, "win.visit-building", "s", visit_building_action);
  gtk_widget_class_install_action (widget_class, "win.visit-household", "s", visit_household_action);
  gtk_widget_class_install_action (widget_class, "win.show-visits-due", NULL, show_visits_due_action);
  gtk_widget_class_install_action (widget_class, "win.show-hot-spots", NULL, show_hot_spots_action);
  gtk_widget_class_install_action (widget_class, "win.show-hot-spot", "(dd)", show_hot_spots_action);
  gtk_widget_class_install_action (widget_class, "win.show-on-map", "(dd)", show_on_map_action);
}

static void
gp_window_init (GpWindow *self)
{
  static gsize resources_added;

  /* The app's own icons and style, also when the window runs without the
   * application (tests); AdwApplication adds both from its resource base. */
  if (g_once_init_enter (&resources_added))
    {
      GdkDisplay *display = gdk_display_get_default ();

      if (g_application_get_default () == NULL)
        {
          g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

          gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                            "/org/example/GridPatrol/icons");
          gtk_css_provider_load_from_resource (css, "/org/example/GridPatrol/style.css");
          gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
      g_once_init_leave (&resources_added, 1);
    }

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GpWindow *
gp_window_new (GtkApplication *application,
               GpContext      *context)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (GP_IS_CONTEXT (context), NULL);

  return g_object_new (GP_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}
