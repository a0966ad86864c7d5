/* gp-area-page.c
 *
 * The area review, offline on the phone. A grid leader picks a period —
 * today, this week, this month or a range — and, with several grids, one
 * or all of them, and sees: the five rates (a tap gives the formula and
 * the counts behind it), the overdue board (red, most over first, then
 * yellow), the to-do with the step each case waits for one tap away,
 * cases by state, category, source and worker, workers' patrols and the
 * households not visited, hot spots (also on the map), and the daily,
 * weekly and monthly summaries to save as PDF with their CSV.
 *
 * A worker sees the same page with their own figures, and as to-do the
 * cases given to them to handle.
 *
 * Figures are computed off the main loop (gp-stats.c, from the case
 * table) and again shortly after the store changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "gp-area-page"

#include "config.h"

#include "gp-area-page.h"
#include "gp-live-query.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-event.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-step-dialog.h"
#include "gp-summary.h"

#include <glib/gi18n.h>
#include <math.h>

/* Cases a board shows before "and N more". */
#define BOARD_ROWS 30
#define HOT_SPOT_ROWS 10

typedef enum
{
  PERIOD_TODAY,
  PERIOD_WEEK,
  PERIOD_MONTH,
  PERIOD_CUSTOM,
} Period;

struct _GpAreaPage
{
  AdwBin               parent_instance;

  GpContext           *context;
  GpStore             *store;           /* the context's, while watched */
  GpStats             *stats;
  GpCategories        *categories;
  GStrv                grid_codes;      /* offered in grids_row after "all" */
  GCancellable        *cancellable;
  GpLiveQuery         *live;            /* the store and the minute, while on screen */
  gboolean             loading;
  gboolean             saving;
  gboolean             reload_again;
  char                *message;         /* the last save or failure, for tests */
  GPtrArray           *rows;            /* (group, row) pairs added in code */

  GtkScrolledWindow   *scroller;
  AdwPreferencesGroup *period_group;
  AdwSpinner          *spinner;
  AdwComboRow         *period_row;
  AdwActionRow        *from_row;
  AdwActionRow        *to_row;
  GtkMenuButton       *from_button;
  GtkMenuButton       *to_button;
  GtkCalendar         *from_calendar;
  GtkCalendar         *to_calendar;
  AdwComboRow         *grids_row;
  AdwPreferencesGroup *rates_group;
  AdwPreferencesGroup *overdue_group;
  AdwPreferencesGroup *todo_group;
  AdwPreferencesGroup *cases_group;
  AdwPreferencesGroup *workers_group;
  AdwPreferencesGroup *hot_spots_group;
  GtkButton           *hot_spots_button;
  AdwPreferencesGroup *summaries_group;
  AdwActionRow        *saved_row;
  AdwActionRow        *daily_row;
  AdwActionRow        *weekly_row;
  AdwActionRow        *monthly_row;
  GDate                summary_date;    /* the last day shown: its day, week, month */
  int                  utc_offset;      /* the grid's calendar, from its policy */
  char                *saving_pdf;      /* the summary being written */
  char                *saving_csv;
};

G_DEFINE_FINAL_TYPE (GpAreaPage, gp_area_page, ADW_TYPE_BIN)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload (GpAreaPage *self);

static gboolean
is_leader (GpAreaPage *self)
{
  g_autofree char *role = gp_context_dup_role (self->context);

  return g_strcmp0 (role, GP_ROLE_WORKER) != 0;
}

/* Rows added in code go into a group and come out again on the next load. */
static void
add_to (GpAreaPage          *self,
        AdwPreferencesGroup *group,
        GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, g_object_ref (group));
  g_ptr_array_add (self->rows, g_object_ref (row));
}

static void
clear_rows (GpAreaPage *self)
{
  for (guint i = 0; i + 1 < self->rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->rows, i), g_ptr_array_index (self->rows, i + 1));
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  return row;
}

static GtkWidget *
count_label (gint64 count)
{
  g_autofree char *text = g_strdup_printf ("%lld", (long long) count);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  return label;
}

static const char *
category_label (GpAreaPage *self,
                const char *code)
{
  return gp_categories_label (self->categories, code);
}

/* The period chosen, as days in the calendar's time zone. */
static void
chosen_days (GpAreaPage *self,
             GDate      *first,
             GDate      *last)
{
  g_autoptr(GDateTime) now = gp_clock_new_now_at_offset (self->utc_offset);

  g_date_clear (first, 1);
  g_date_set_dmy (first, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  *last = *first;
  switch ((Period) adw_combo_row_get_selected (self->period_row))
    {
    case PERIOD_WEEK:
      gp_period_days (GP_PERIOD_WEEK, last, first, last);
      break;
    case PERIOD_MONTH:
      gp_period_days (GP_PERIOD_MONTH, last, first, last);
      break;
    case PERIOD_CUSTOM:
      {
        g_autoptr(GDateTime) from = gtk_calendar_get_date (self->from_calendar);
        g_autoptr(GDateTime) to = gtk_calendar_get_date (self->to_calendar);

        g_date_set_dmy (first, g_date_time_get_day_of_month (from), g_date_time_get_month (from),
                        g_date_time_get_year (from));
        g_date_set_dmy (last, g_date_time_get_day_of_month (to), g_date_time_get_month (to),
                        g_date_time_get_year (to));
        if (g_date_compare (first, last) > 0)
          {
            GDate swap = *first;

            *first = *last;
            *last = swap;
          }
      }
      break;
    case PERIOD_TODAY:
    default:
      break;
    }
}

/* The grids chosen: one, or all the leader's (those synced, else the one open). */
static GStrv
chosen_grids (GpAreaPage *self)
{
  guint selected = adw_combo_row_get_selected (self->grids_row);
  GpGrid *grid = gp_context_get_grid (self->context);
  const char *single[2] = { NULL, NULL };

  if (self->grid_codes != NULL && self->grid_codes[0] != NULL && self->grid_codes[1] != NULL)
    {
      if (selected > 0 && selected <= g_strv_length (self->grid_codes))
        single[0] = self->grid_codes[selected - 1];
      else
        return g_strdupv (self->grid_codes);
    }
  else if (grid != NULL)
    single[0] = gp_grid_get_code (grid);
  return g_strdupv ((char **) single);
}

/* The days of the day, week or month that holds @date. */
static char *
describe_period (GpPeriod     period,
                 const GDate *date)
{
  GDate first, last;
  char from[16], to[16];

  gp_period_days (period, date, &first, &last);
  g_date_strftime (from, sizeof from, "%Y-%m-%d", &first);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &last);
  return period == GP_PERIOD_DAY ? g_strdup (from) : g_strdup_printf (_("%s to %s"), from, to);
}

/* Loading: the figures come from the area layer, off the main loop. */

static char *
describe_board_case (GpAreaPage  *self,
                     GpBoardCase *entry,
                     gboolean     board)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 now = gp_clock_get_now ();

  if (entry->deadline != 0 && (board || entry->state == GP_STATE_REPORTED))
    {
      g_autofree char *due = gp_format_case_time (entry->deadline);
      g_autofree char *span = gp_format_span (ABS (entry->deadline - now));

      if (entry->paused)
        g_string_append_printf (text, _("Suspended, %s left when resumed"), span);
      else if (entry->deadline <= now)
        /* Translators: time over the limit, and the limit, as in “超期 2 天 3 小时（时限 11月9日 09:05）” */
        g_string_append_printf (text, _("%s over (due %s)"), span, due);
      else
        g_string_append_printf (text, _("%s left (due %s)"), span, due);
    }
  else
    {
      g_autofree char *reported = gp_format_case_time (entry->reported_at);

      g_string_append_printf (text, _("Reported %s"), reported);
    }
  g_string_append_printf (text, " · %s", gp_state_label (entry->state));
  if (entry->owner != NULL)
    g_string_append_printf (text, " · %s", entry->owner);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The step a case waits for, from this role. */
static const char *
next_step (GpAreaPage *self,
           GpState     state)
{
  if (!is_leader (self))
    return state == GP_STATE_DISPATCHED ? GP_ACTION_ACCEPT
         : state == GP_STATE_ACCEPTED ? GP_ACTION_START
         : state == GP_STATE_IN_PROGRESS ? GP_ACTION_HANDLED : NULL;
  switch (state)
    {
    case GP_STATE_REPORTED: return GP_ACTION_REGISTER;
    case GP_STATE_HANDLED: return GP_ACTION_VERIFY;
    case GP_STATE_CALLBACK: return GP_ACTION_CALLBACK;
    case GP_STATE_SATISFIED: return GP_ACTION_CLOSE;
    case GP_STATE_REGISTERED:
    case GP_STATE_DISPATCHED:
    case GP_STATE_ACCEPTED:
    case GP_STATE_IN_PROGRESS:
    case GP_STATE_SUSPENDED:
      return GP_ACTION_ESCALATE;
    case GP_STATE_VOID:
    case GP_STATE_CLOSED:
    case GP_N_STATES:
    default:
      return NULL;
    }
}

static GtkWidget *
step_button (const char *incident,
             const char *action)
{
  GtkWidget *button = gtk_button_new_with_label (gp_action_label (action));

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "area.step");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", incident, action);
  return button;
}

static void
add_case_row (GpAreaPage          *self,
              AdwPreferencesGroup *group,
              GpBoardCase         *entry,
              gboolean             board)
{
  g_autofree char *subtitle = describe_board_case (self, entry, board);
  const char *title = entry->title ? entry->title : category_label (self, entry->category);
  GtkWidget *row = new_row (title, subtitle);
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  const char *step = next_step (self, entry->state);

  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (dot, "gp-warning-dot");
  gtk_widget_add_css_class (dot, entry->warning == GP_WARNING_RED ? "gp-warning-red"
                                 : entry->warning == GP_WARNING_YELLOW ? "gp-warning-yellow"
                                 : entry->warning == GP_WARNING_GREEN ? "gp-warning-green"
                                 : "gp-warning-none");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-incident");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", entry->incident);

  /* From the board a leader escalates; from the to-do, takes the step due. */
  if (step != NULL && (!board || g_str_equal (step, GP_ACTION_ESCALATE) || entry->state == GP_STATE_REPORTED))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), step_button (entry->incident, step));
  if (is_leader (self) && entry->state == GP_STATE_REPORTED)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autofree char *detailed = g_strdup_printf ("area.step(('%s','%s'))", entry->incident, GP_ACTION_VOID);
      GtkWidget *more = gtk_menu_button_new ();

      g_menu_append (menu, gp_action_label (GP_ACTION_VOID), detailed);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), G_MENU_MODEL (menu));
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (more), "view-more-symbolic");
      gtk_widget_set_valign (more, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (more, "flat");
      gtk_widget_set_tooltip_text (more, _("More Steps"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), more);
    }
  add_to (self, group, row);
}

static void
show_rates (GpAreaPage *self)
{
  GpStats *stats = self->stats;

  for (guint i = 0; i < GP_N_RATES; i++)
    {
      double value = gp_rate_value (&stats->rates[i]);
      g_autofree char *counts = g_strdup_printf (_("%g of %lld"), stats->rates[i].numerator,
                                                 (long long) stats->rates[i].denominator);
      g_autofree char *shown = isnan (value) ? g_strdup ("—") : g_strdup_printf ("%.1f%%", 100 * value);
      GtkWidget *row = new_row (gp_rate_kind_label (i), counts);
      GtkWidget *label = gtk_label_new (shown);

      gtk_widget_add_css_class (label, "title-4");
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "area.explain-rate");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "u", i);
      add_to (self, self->rates_group, row);
    }
}

static void
show_board (GpAreaPage *self)
{
  GpStats *stats = self->stats;
  guint red = 0;

  for (guint i = 0; i < stats->overdue->len; i++)
    red += ((GpBoardCase *) g_ptr_array_index (stats->overdue, i))->warning == GP_WARNING_RED;
  if (stats->overdue->len == 0)
    adw_preferences_group_set_description (self->overdue_group, _("No open case is overdue or nearly due."));
  else
    {
      g_autofree char *line = g_strdup_printf (_("%u overdue, %u nearly due"), red, stats->overdue->len - red);

      adw_preferences_group_set_description (self->overdue_group, line);
    }
  for (guint i = 0; i < MIN (stats->overdue->len, BOARD_ROWS); i++)
    add_case_row (self, self->overdue_group, g_ptr_array_index (stats->overdue, i), TRUE);
  if (stats->overdue->len > BOARD_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("And %u more"), stats->overdue->len - BOARD_ROWS);

      add_to (self, self->overdue_group, new_row (more, _("The Incidents page lists them all.")));
    }

  adw_preferences_group_set_title (self->todo_group, is_leader (self) ? _("To Do") : _("Your Cases to Handle"));
  if (stats->todo->len == 0)
    adw_preferences_group_set_description (self->todo_group,
                                           is_leader (self) ? _("Nothing waits for registration, verification, "
                                                                "callback or close-out.")
                                                            : _("No case is waiting for you."));
  else
    adw_preferences_group_set_description (self->todo_group, NULL);
  for (guint i = 0; i < MIN (stats->todo->len, BOARD_ROWS); i++)
    add_case_row (self, self->todo_group, g_ptr_array_index (stats->todo, i), FALSE);
  if (stats->todo->len > BOARD_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("And %u more"), stats->todo->len - BOARD_ROWS);

      add_to (self, self->todo_group, new_row (more, _("The Incidents page lists them all.")));
    }
}

static GtkWidget *
counts_expander (GpAreaPage *self,
                 const char *title,
                 GPtrArray  *counts,
                 const char *(*label) (GpAreaPage *self, const char *key))
{
  GtkWidget *expander = adw_expander_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
  for (guint i = 0; i < counts->len; i++)
    {
      GpStatsCount *count = g_ptr_array_index (counts, i);
      GtkWidget *row = new_row (label (self, count->key), NULL);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count_label (count->count));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
    }
  gtk_widget_set_sensitive (expander, counts->len > 0);
  return expander;
}

static const char *
source_label (GpAreaPage *self,
              const char *key)
{
  return key ? gp_incident_source_label (key) : _("Unknown");
}

static void
show_cases (GpAreaPage *self)
{
  GpStats *stats = self->stats;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *row = new_row (_("Reported in the Period"), NULL);
  GtkWidget *expander;

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), count_label (stats->reported));
  add_to (self, self->cases_group, row);

  expander = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("By State"));
  for (guint i = 0; i < GP_N_STATES; i++)
    if (stats->by_state[i] > 0)
      {
        GtkWidget *state = new_row (gp_state_label (i), NULL);

        adw_action_row_add_suffix (ADW_ACTION_ROW (state), count_label (stats->by_state[i]));
        adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), state);
      }
  gtk_widget_set_sensitive (expander, stats->reported > 0);
  add_to (self, self->cases_group, expander);
  add_to (self, self->cases_group, counts_expander (self, _("By Category"), stats->by_category, category_label));
  add_to (self, self->cases_group, counts_expander (self, _("By Source"), stats->by_source, source_label));

  /* Photos that do not show the place then and there. */
  {
    g_autofree char *title = g_strdup_printf (ngettext ("Photos of %lld Case", "Photos of %lld Cases",
                                                        (unsigned long) stats->with_photos),
                                              (long long) stats->with_photos);
    g_autofree char *gallery = g_strdup_printf (ngettext ("%lld from the gallery", "%lld from the gallery",
                                                          (unsigned long) stats->from_gallery),
                                                (long long) stats->from_gallery);
    g_autofree char *far = g_strdup_printf (ngettext ("%lld taken over %.0f m from the case",
                                                      "%lld taken over %.0f m from the case",
                                                      (unsigned long) stats->photos_far),
                                            (long long) stats->photos_far, GP_PHOTO_FAR_M);
    g_autofree char *subtitle = g_strdup_printf ("%s · %s", gallery, far);
    GtkWidget *photo_row = new_row (title, subtitle);

    gtk_widget_set_name (photo_row, "photo-evidence");
    add_to (self, self->cases_group, photo_row);
  }
}

static void
show_workers (GpAreaPage *self)
{
  GpStats *stats = self->stats;
  g_autofree char *visits = NULL;
  g_autofree char *visits_title = NULL;
  GtkWidget *row;

  for (guint i = 0; i < stats->workers->len; i++)
    {
      GpWorkerFigures *figures = g_ptr_array_index (stats->workers, i);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, ngettext ("%u patrol, %.1f km", "%u patrols, %.1f km", figures->patrols),
                              figures->patrols, figures->distance_m / 1000);
      if (figures->checkpoints_planned > 0)
        g_string_append_printf (line, _(" · checkpoints %u of %u (%.0f%%)"), figures->checkpoints_reached,
                                figures->checkpoints_planned,
                                100.0 * figures->checkpoints_reached / figures->checkpoints_planned);
      g_string_append_printf (line, _(" · reported %lld, handled %lld"), (long long) figures->reported,
                              (long long) figures->handled);
      add_to (self, self->workers_group, new_row (figures->worker, line->str));
    }
  if (stats->workers->len == 0)
    add_to (self, self->workers_group, new_row (_("No Patrol or Case in the Period"), NULL));

  visits_title = g_strdup_printf (ngettext ("Not Visited in %u Day", "Not Visited in %u Days", stats->not_visited_days),
                                  stats->not_visited_days);
  visits = g_strdup_printf (_("%lld of %lld households"), (long long) stats->not_visited,
                            (long long) stats->households);
  row = new_row (visits_title, visits);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-visits-due");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  add_to (self, self->workers_group, row);
}

static void
show_hot_spots (GpAreaPage *self)
{
  GpStats *stats = self->stats;
  g_autofree char *rule = g_strdup_printf (_("Places of about 50 m with %u or more incidents in the period."),
                                           stats->hot_spot_min);
  g_autofree char *frequent = gp_stats_describe_frequent (stats, self->categories, 3);

  if (*frequent != '\0')
    add_to (self, self->hot_spots_group, new_row (_("Most Frequent Problems"), frequent));
  adw_preferences_group_set_description (self->hot_spots_group, rule);
  gtk_widget_set_sensitive (GTK_WIDGET (self->hot_spots_button), stats->hot_spots->len > 0);
  for (guint i = 0; i < MIN (stats->hot_spots->len, HOT_SPOT_ROWS); i++)
    {
      GpHotSpot *spot = g_ptr_array_index (stats->hot_spots, i);
      g_autofree char *title = g_strdup_printf (ngettext ("%u incident · %s", "%u incidents · %s", spot->count),
                                                spot->count, category_label (self, spot->category));
      g_autofree char *where = g_strdup_printf ("%.5f, %.5f", spot->lat, spot->lon);
      GtkWidget *row = new_row (title, where);

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-hot-spot");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "(dd)", spot->lat, spot->lon);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      add_to (self, self->hot_spots_group, row);
    }
  if (stats->hot_spots->len > HOT_SPOT_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("And %u more"), stats->hot_spots->len - HOT_SPOT_ROWS);

      add_to (self, self->hot_spots_group, new_row (more, _("The map shows them all.")));
    }
  if (stats->hot_spots->len == 0)
    add_to (self, self->hot_spots_group, new_row (_("No Hot Spot in the Period"), NULL));
}

static void
show_stats (GpAreaPage *self)
{
  clear_rows (self);
  if (self->stats == NULL)
    return;
  show_rates (self);
  show_board (self);
  show_cases (self);
  show_workers (self);
  show_hot_spots (self);
}

static void
set_loading (GpAreaPage *self,
             gboolean    loading)
{
  self->loading = loading;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->loading || self->saving);
}

static void
set_saving (GpAreaPage *self,
            gboolean    saving)
{
  self->saving = saving;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->loading || self->saving);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GpAreaPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GpStats *stats = gp_stats_compute_days_finish (GP_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  /* The days shown were the default calendar's; the grid keeps another. */
  if (stats != NULL && stats->utc_offset != self->utc_offset)
    {
      self->utc_offset = stats->utc_offset;
      self->reload_again = TRUE;
    }
  g_clear_pointer (&self->stats, gp_stats_free);
  self->stats = stats;
  if (stats == NULL)
    {
      g_free (self->message);
      self->message = g_strdup (error->message);
      adw_preferences_group_set_description (self->period_group, error->message);
    }
  show_stats (self);
  g_signal_emit (self, signals[LOADED], 0);
  if (self->reload_again)
    {
      self->reload_again = FALSE;
      reload (self);
    }
}

static void
reload (GpAreaPage *self)
{
  g_autofree char *user = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) grids = NULL;
  GpStatsQuery query = { 0 };
  GDate first, last;
  char from[16], to[16];

  if (self->store == NULL || gp_context_get_grid (self->context) == NULL)
    return;
  if (self->live != NULL)
    gp_live_query_stop (self->live);
  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  grids = chosen_grids (self);
  user = gp_context_dup_user_name (self->context);
  chosen_days (self, &first, &last);
  query.grids = (const char * const *) grids;
  query.worker = is_leader (self) ? NULL : user;
  query.not_visited_days = g_settings_get_int (gp_context_get_settings (self->context), "coverage-days");

  g_date_strftime (from, sizeof from, "%Y-%m-%d", &first);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &last);
  /* The summaries are of days that have begun: the daily bulletin of a
   * week or month still running is today's, not its last day's. */
  {
    g_autoptr(GDateTime) now = gp_clock_new_now_at_offset (self->utc_offset);
    GDate today;

    g_date_clear (&today, 1);
    g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                    g_date_time_get_year (now));
    self->summary_date = g_date_compare (&last, &today) > 0 ? today : last;
  }
  {
    AdwActionRow *rows[] = { self->daily_row, self->weekly_row, self->monthly_row };

    for (GpPeriod period = GP_PERIOD_DAY; period <= GP_PERIOD_MONTH; period++)
      {
        g_autofree char *span = describe_period (period, &self->summary_date);

        adw_action_row_set_subtitle (rows[period], span);
      }
  }
  gtk_menu_button_set_label (self->from_button, from);
  gtk_menu_button_set_label (self->to_button, to);
  if (g_date_compare (&first, &last) == 0)
    description = g_strdup (from);
  else
    description = g_strdup_printf (_("%s to %s"), from, to);
  if (query.worker != NULL)
    {
      g_autofree char *own = g_strdup_printf (_("%s · your own figures"), description);

      g_free (description);
      description = g_steal_pointer (&own);
    }
  adw_preferences_group_set_description (self->period_group, description);

  set_loading (self, TRUE);
  gp_stats_compute_days_async (self->store, &query, &first, &last, gp_clock_get_now (), self->cancellable,
                               on_loaded, g_object_ref (self));
}

/* Figures, the to-do's clocks and colours follow the store and the
 * minute while they are on screen; hidden, they wait to be shown again,
 * sparing the phone's battery. */
static void
on_mapped (GpAreaPage *self)
{
  gp_live_query_set_active (self->live, gtk_widget_get_mapped (GTK_WIDGET (self)));
}

static void
on_period_changed (GpAreaPage *self)
{
  gboolean custom = adw_combo_row_get_selected (self->period_row) == PERIOD_CUSTOM;

  gtk_widget_set_visible (GTK_WIDGET (self->from_row), custom);
  gtk_widget_set_visible (GTK_WIDGET (self->to_row), custom);
  reload (self);
}

static void
on_day_selected (GpAreaPage *self)
{
  gtk_menu_button_popdown (self->from_button);
  gtk_menu_button_popdown (self->to_button);
  reload (self);
}

/* The grids a leader reviews: those synced, or every grid in the store.
 * They and the category list are read off the main loop; the figures are
 * loaded once they are. */
static void
on_grids (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GpAreaPage) self = user_data;
  g_autoptr(GPtrArray) grids = gp_documents_load_all_finish (GP_STORE (source), result, NULL);
  g_auto(GStrv) synced = g_settings_get_strv (gp_context_get_settings (self->context), "sync-grids");
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();

  if (GP_STORE (source) != self->store || g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_string_list_append (names, _("All My Grids"));
  for (guint i = 0; grids != NULL && i < grids->len; i++)
    {
      GpGrid *grid = g_ptr_array_index (grids, i);
      const char *code = gp_grid_get_code (grid);

      if (code == NULL || (synced[0] != NULL && !g_strv_contains ((const char * const *) synced, code)))
        continue;
      g_strv_builder_add (codes, code);
      gtk_string_list_append (names, gp_grid_get_name (grid) ?: code);
    }
  g_strfreev (self->grid_codes);
  self->grid_codes = g_strv_builder_end (codes);
  g_signal_handlers_block_by_func (self->grids_row, reload, self);
  adw_combo_row_set_model (self->grids_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->grids_row, 0);
  g_signal_handlers_unblock_by_func (self->grids_row, reload, self);
  gtk_widget_set_visible (GTK_WIDGET (self->grids_row), g_strv_length (self->grid_codes) > 1 && is_leader (self));
  set_loading (self, FALSE);
  reload (self);
}

static void
on_categories (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GpAreaPage) self = user_data;
  g_autoptr(GpCategories) categories = gp_categories_load_finish (GP_STORE (source), result, NULL);

  if (GP_STORE (source) != self->store || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (categories != NULL)
    g_set_object (&self->categories, categories);
  gp_documents_load_all_async (self->store, "grid", NULL, self->cancellable, on_grids, g_object_ref (self));
}

static void
on_grid_changed (GpAreaPage *self)
{
  GpStore *store = gp_context_get_store (self->context);

  if (store != self->store)
    g_set_object (&self->store, store);
  g_clear_object (&self->categories);
  g_clear_pointer (&self->grid_codes, g_strfreev);
  if (store == NULL)
    {
      /* Logged out: nothing of the last figures stays on screen or map. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      set_loading (self, FALSE);
      self->reload_again = FALSE;
      g_clear_pointer (&self->stats, gp_stats_free);
      show_stats (self);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  /* The shipped categories until the grid centre's are read. */
  self->categories = gp_categories_new_default ();
  set_loading (self, TRUE);
  gp_categories_load_async (store, self->cancellable, on_categories, g_object_ref (self));
}

/* Actions. */

static void
explain_rate_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GpAreaPage *self = GP_AREA_PAGE (widget);
  guint kind = g_variant_get_uint32 (parameter);
  AdwDialog *dialog;
  g_autofree char *body = NULL;
  g_autofree char *value = NULL;
  const GpRate *rate;

  if (self->stats == NULL || kind >= GP_N_RATES)
    return;
  rate = &self->stats->rates[kind];
  value = isnan (gp_rate_value (rate)) ? g_strdup (_("nothing was due in the period"))
                                       : g_strdup_printf ("%.1f%%", 100 * gp_rate_value (rate));
  if (kind == GP_RATE_SATISFACTION)
    body = g_strdup_printf (_("%s\n\nSatisfied %lld, basically satisfied %lld, not satisfied %lld:\n"
                              "(%lld + 0.9 × %lld) ÷ %lld = %s"),
                            gp_rate_kind_formula (kind), (long long) self->stats->satisfied,
                            (long long) self->stats->basically_satisfied, (long long) self->stats->unsatisfied,
                            (long long) self->stats->satisfied, (long long) self->stats->basically_satisfied,
                            (long long) rate->denominator, value);
  else
    body = g_strdup_printf ("%s\n\n%g ÷ %lld = %s", gp_rate_kind_formula (kind), rate->numerator,
                            (long long) rate->denominator, value);
  dialog = adw_alert_dialog_new (gp_rate_kind_label (kind), body);
  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "close", _("_Close"));
  adw_dialog_present (dialog, widget);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GpAreaPage *self = GP_AREA_PAGE (widget);
  const char *incident, *action;
  GpStepDialog *dialog;

  g_variant_get (parameter, "(&s&s)", &incident, &action);
  dialog = gp_step_dialog_new (self->context, incident, action);
  adw_dialog_present (ADW_DIALOG (dialog), widget);
}

/* Saving a summary: the file chooser, then the PDF and its CSV off the main loop. */

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GpAreaPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf_name = g_path_get_basename (self->saving_pdf);
  g_autofree char *csv_name = g_path_get_basename (self->saving_csv);

  if (!gp_summary_write_finish (GP_STORE (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_free (self->message);
  self->message = error == NULL ? g_strdup_printf (_("Saved %s and %s."), pdf_name, csv_name)
                                : g_strdup (error->message);
  set_saving (self, FALSE);
  adw_preferences_group_set_description (self->summaries_group, self->message);
  /* Saved: open it from the toast, to read or pass on; the row below
   * the summaries keeps Open and Share at hand. */
  gtk_widget_set_visible (GTK_WIDGET (self->saved_row), error == NULL);
  if (error == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->saved_row), pdf_name);
    }
  if (error == NULL)
    {
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
      /* Short, to fit a phone's toast; the file names are on the page. */
      AdwToast *toast = adw_toast_new (_("Summary saved"));

      adw_toast_set_button_label (toast, _("_Open"));
      adw_toast_set_action_name (toast, "area.open-summary");
      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
      else
        g_object_unref (g_object_ref_sink (toast));
    }
}

static void
on_summary_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GpAreaPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (source), result, &error) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    {
      g_free (self->message);
      self->message = g_strdup_printf (_("The summary cannot be opened: %s"), error->message);
      adw_preferences_group_set_description (self->summaries_group, self->message);
    }
}

/* The summary just saved, in the app that reads PDFs, or — to share it —
 * in the one the leader chooses (mail, chat), through the portal. */
static void
launch_summary (GpAreaPage *self,
                gboolean    choose_app)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GtkFileLauncher) launcher = NULL;

  if (self->saving_pdf == NULL || self->saving)
    return;
  file = g_file_new_for_path (self->saving_pdf);
  launcher = gtk_file_launcher_new (file);
  gtk_file_launcher_set_always_ask (launcher, choose_app);
  gtk_file_launcher_launch (launcher, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL,
                            on_summary_opened, g_object_ref (self));
}

static void
open_summary_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  launch_summary (GP_AREA_PAGE (widget), FALSE);
}

static void
share_summary_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  launch_summary (GP_AREA_PAGE (widget), TRUE);
}

/**
 * gp_area_page_save_summary:
 * @path: the PDF; its CSV goes beside it, with ".csv" for ".pdf"
 *
 * Writes a summary of the day, week or month that holds the last day shown,
 * for the grids shown.
 */
void
gp_area_page_save_summary (GpAreaPage *self,
                           GpPeriod    period,
                           const char *path)
{
  g_autofree char *stem = NULL;
  g_auto(GStrv) grids = NULL;
  GpSummaryRequest request = { 0 };

  g_return_if_fail (GP_IS_AREA_PAGE (self));
  g_return_if_fail (path != NULL);

  if (self->store == NULL || !g_date_valid (&self->summary_date) || self->saving)
    return;
  grids = chosen_grids (self);
  request.period = period;
  request.date = self->summary_date;
  request.grids = (const char * const *) grids;
  request.now = gp_clock_get_now ();
  g_free (self->saving_pdf);
  g_free (self->saving_csv);
  self->saving_pdf = g_str_has_suffix (path, ".pdf") ? g_strdup (path) : g_strconcat (path, ".pdf", NULL);
  stem = g_strndup (self->saving_pdf, strlen (self->saving_pdf) - strlen (".pdf"));
  self->saving_csv = g_strconcat (stem, ".csv", NULL);

  set_saving (self, TRUE);
  g_clear_pointer (&self->message, g_free);
  adw_preferences_group_set_description (self->summaries_group, _("Writing the summary…"));
  gp_summary_write_async (self->store, &request, self->saving_pdf, self->saving_csv, self->cancellable, on_saved,
                          g_object_ref (self));
}

typedef struct
{
  GpAreaPage *self;
  GpPeriod    period;
} Choose;

static void
on_file_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Choose *choose = user_data;
  g_autoptr(GFile) file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, NULL);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  /* Cancelled, or a place that is not a local file: nothing is written. */
  if (path != NULL)
    gp_area_page_save_summary (choose->self, choose->period, path);
  g_object_unref (choose->self);
  g_free (choose);
}

static void
save_summary_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GpAreaPage *self = GP_AREA_PAGE (widget);
  GpPeriod period = GP_PERIOD_WEEK;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autofree char *name = NULL;
  Choose *choose;

  if (!g_date_valid (&self->summary_date))
    return;
  gp_period_parse (g_variant_get_string (parameter, NULL), &period);
  name = gp_summary_file_name (period, &self->summary_date, "pdf");

  gtk_file_dialog_set_title (dialog, gp_summary_title (period));
  gtk_file_dialog_set_accept_label (dialog, _("_Save"));
  gtk_file_dialog_set_initial_name (dialog, name);
  /* Summaries are documents: they are kept with the user's documents. */
  {
    const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
    g_autoptr(GFile) folder = g_file_new_for_path (documents ? documents : g_get_home_dir ());

    if (g_file_query_exists (folder, NULL))
      gtk_file_dialog_set_initial_folder (dialog, folder);
  }
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  choose = g_new0 (Choose, 1);
  choose->self = g_object_ref (self);
  choose->period = period;
  gtk_file_dialog_save (dialog, GTK_WINDOW (gtk_widget_get_root (widget)), NULL, on_file_chosen, choose);
}

/* Accessors, for the window and tests. */

GpStats *
gp_area_page_get_stats (GpAreaPage *self)
{
  g_return_val_if_fail (GP_IS_AREA_PAGE (self), NULL);

  return self->stats;
}

gboolean
gp_area_page_get_loading (GpAreaPage *self)
{
  g_return_val_if_fail (GP_IS_AREA_PAGE (self), FALSE);

  return self->loading || self->saving || (gp_live_query_get_active (self->live) &&
                                           gp_live_query_get_queued (self->live));
}

const char *
gp_area_page_get_message (GpAreaPage *self)
{
  g_return_val_if_fail (GP_IS_AREA_PAGE (self), NULL);

  return self->message;
}

void
gp_area_page_set_period (GpAreaPage *self,
                         guint       period)
{
  g_return_if_fail (GP_IS_AREA_PAGE (self));

  adw_combo_row_set_selected (self->period_row, period);
}

/* A custom range, as if picked on the calendars. */
void
gp_area_page_set_range (GpAreaPage  *self,
                        const GDate *first,
                        const GDate *last)
{
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;

  g_return_if_fail (GP_IS_AREA_PAGE (self));

  from = g_date_time_new_local (g_date_get_year (first), g_date_get_month (first), g_date_get_day (first), 12, 0, 0);
  to = g_date_time_new_local (g_date_get_year (last), g_date_get_month (last), g_date_get_day (last), 12, 0, 0);
  g_signal_handlers_block_by_func (self->from_calendar, on_day_selected, self);
  g_signal_handlers_block_by_func (self->to_calendar, on_day_selected, self);
  gtk_calendar_select_day (self->from_calendar, from);
  gtk_calendar_select_day (self->to_calendar, to);
  g_signal_handlers_unblock_by_func (self->from_calendar, on_day_selected, self);
  g_signal_handlers_unblock_by_func (self->to_calendar, on_day_selected, self);
  if (adw_combo_row_get_selected (self->period_row) != PERIOD_CUSTOM)
    adw_combo_row_set_selected (self->period_row, PERIOD_CUSTOM);
  else
    reload (self);
}

void
gp_area_page_reload (GpAreaPage *self)
{
  g_return_if_fail (GP_IS_AREA_PAGE (self));

  reload (self);
}

static void
gp_area_page_dispose (GObject *object)
{
  GpAreaPage *self = (GpAreaPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->live);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GP_TYPE_AREA_PAGE);

  G_OBJECT_CLASS (gp_area_page_parent_class)->dispose (object);
}

static void
gp_area_page_finalize (GObject *object)
{
  GpAreaPage *self = (GpAreaPage *) object;

  g_clear_pointer (&self->stats, gp_stats_free);
  g_clear_pointer (&self->grid_codes, g_strfreev);
  g_clear_object (&self->categories);
  g_clear_object (&self->store);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_free (self->message);
  g_free (self->saving_pdf);
  g_free (self->saving_csv);

  G_OBJECT_CLASS (gp_area_page_parent_class)->finalize (object);
}

static void
gp_area_page_class_init (GpAreaPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gp_area_page_dispose;
  object_class->finalize = gp_area_page_finalize;

  /**
   * GpAreaPage::loaded:
   *
   * The figures were computed again (gp_area_page_get_stats()).
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/example/GridPatrol/gp-area-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, period_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, period_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, from_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, to_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, to_button);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, grids_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, rates_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, overdue_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, todo_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, cases_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, workers_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, hot_spots_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, hot_spots_button);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, summaries_group);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, saved_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, daily_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, weekly_row);
  gtk_widget_class_bind_template_child (widget_class, GpAreaPage, monthly_row);
  gtk_widget_class_install_action (widget_class, "area.explain-rate", "u", explain_rate_action);
  gtk_widget_class_install_action (widget_class, "area.step", "(ss)", step_action);
  gtk_widget_class_install_action (widget_class, "area.save-summary", "s", save_summary_action);
  gtk_widget_class_install_action (widget_class, "area.open-summary", NULL, open_summary_action);
  gtk_widget_class_install_action (widget_class, "area.share-summary", NULL, share_summary_action);
}

static void
gp_area_page_init (GpAreaPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->utc_offset = GP_CLOCK_CHINA_UTC_OFFSET;
  g_date_clear (&self->summary_date, 1);
}

GtkWidget *
gp_area_page_new (GpContext *context)
{
  GpAreaPage *self = g_object_new (GP_TYPE_AREA_PAGE, NULL);

  self->context = g_object_ref (context);
  g_signal_connect_object (self->period_row, "notify::selected", G_CALLBACK (on_period_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->grids_row, "notify::selected", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->from_calendar, "day-selected", G_CALLBACK (on_day_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->to_calendar, "day-selected", G_CALLBACK (on_day_selected), self,
                           G_CONNECT_SWAPPED);
  self->live = gp_live_query_new (context, 800);
  gp_live_query_set_per_minute (self->live, TRUE);
  gp_live_query_set_active (self->live, FALSE);
  g_signal_connect_object (self->live, "refresh", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_mapped), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_mapped), NULL);
  g_signal_connect_object (context, "notify::store", G_CALLBACK (on_grid_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::grid", G_CALLBACK (on_grid_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gp_context_get_settings (context), "changed::role", G_CALLBACK (on_grid_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gp_context_get_settings (context), "changed::user-name", G_CALLBACK (reload), self,
                           G_CONNECT_SWAPPED);
  on_grid_changed (self);
  return GTK_WIDGET (self);
}
