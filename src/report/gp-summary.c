/* gp-summary.c
 *
 * The daily bulletin (日通报), weekly summary (周汇总) and monthly analysis
 * (月分析) a grid leader sends up: an A4 PDF drawn with cairo and Pango —
 * the rates with their counts, cases by category and source as bars, the
 * overdue board, the to-do, the workers' figures, the hot spots — and a CSV
 * of the cases behind the figures, one row a case with a 0/1 column for
 * each figure it counts in.
 *
 * Free text (descriptions, notes) stays out of both: it may name
 * residents. Files are written beside their target and renamed over it,
 * so a failed write leaves what was there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "gp-summary"

#include "config.h"

#include "gp-summary.h"
#include "gp-clock.h"
#include "gp-categories.h"
#include "gp-documents.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-worker.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define PAGE_W  595.28
#define PAGE_H  841.89
#define MARGIN  48.0
#define WIDTH   (PAGE_W - 2 * MARGIN)
#define BOTTOM  (PAGE_H - MARGIN - 18)
/* WenQuanYi Micro Hei's TrueType outlines embed as a subset of a few KB.
 * Noto Sans CJK's CFF outlines share ~30,000 subroutines, and for some
 * glyphs (Latin "F", 「圾」…) cairo 1.18 embeds all of them: 0.9 MB a face,
 * a 1.7 MB bulletin. Noto stays the fallback. */
#define FONT    "WenQuanYi Micro Hei, Noto Sans CJK SC, Sans"
#define MAX_BOARD_ROWS 40

const char *
gp_summary_title (GpPeriod period)
{
  switch (period)
    {
    case GP_PERIOD_DAY: return _("Daily Bulletin");
    case GP_PERIOD_WEEK: return _("Weekly Summary");
    case GP_PERIOD_MONTH: return _("Monthly Analysis");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* "weekly-summary-2026-10-05.pdf": the period's first day. */
char *
gp_summary_file_name (GpPeriod     period,
                      const GDate *date,
                      const char  *extension)
{
  static const char * const names[] = { "daily-bulletin", "weekly-summary", "monthly-analysis" };
  GDate first, last;
  char day[16];

  gp_period_days (period, date, &first, &last);
  g_date_strftime (day, sizeof day, period == GP_PERIOD_MONTH ? "%Y-%m" : "%Y-%m-%d", &first);
  return g_strdup_printf ("%s-%s.%s", names[period], day, extension);
}

static char *
format_local (gint64      unix_time,
              int         utc_offset,
              const char *format)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (utc_offset);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);

  return g_date_time_format (local, format);
}

static char *
format_rate (const GpRate *rate)
{
  double value = gp_rate_value (rate);

  return isnan (value) ? g_strdup ("—") : g_strdup_printf ("%.1f%%", 100 * value);
}

static char *
format_counts (const GpRate *rate)
{
  return g_strdup_printf ("%g / %lld", rate->numerator, (long long) rate->denominator);
}

/* Drawing. */

typedef struct
{
  cairo_surface_t *surface;
  cairo_t         *cr;
  PangoLayout     *layout;
  double           y;
  guint            page;
  char            *footer;
} Doc;

static double
text_at (Doc            *doc,
         double          x,
         double          y,
         double          width,
         const char     *text,
         double          size,
         gboolean        bold,
         PangoAlignment  alignment)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT);
  int height = 0;

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (doc->layout, font);
  pango_layout_set_width (doc->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (doc->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (doc->layout, alignment);
  pango_layout_set_text (doc->layout, text, -1);
  cairo_move_to (doc->cr, x, y);
  pango_cairo_show_layout (doc->cr, doc->layout);
  pango_layout_get_size (doc->layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static void
finish_page (Doc *doc)
{
  g_autofree char *number = g_strdup_printf (_("Page %u"), doc->page);

  cairo_set_source_rgb (doc->cr, 0.45, 0.45, 0.45);
  text_at (doc, MARGIN, PAGE_H - MARGIN + 4, WIDTH, doc->footer, 8, FALSE, PANGO_ALIGN_LEFT);
  text_at (doc, MARGIN, PAGE_H - MARGIN + 4, WIDTH, number, 8, FALSE, PANGO_ALIGN_RIGHT);
  cairo_show_page (doc->cr);
}

static void
ensure_room (Doc    *doc,
             double  height)
{
  if (doc->y + height <= BOTTOM)
    return;
  finish_page (doc);
  doc->page++;
  doc->y = MARGIN;
}

static void
heading (Doc        *doc,
         const char *text)
{
  ensure_room (doc, 60);
  doc->y += 14;
  cairo_set_source_rgb (doc->cr, 0.11, 0.35, 0.62);
  doc->y += text_at (doc, MARGIN, doc->y, WIDTH, text, 13, TRUE, PANGO_ALIGN_LEFT);
  cairo_rectangle (doc->cr, MARGIN, doc->y + 2, WIDTH, 1);
  cairo_fill (doc->cr);
  doc->y += 8;
  cairo_set_source_rgb (doc->cr, 0, 0, 0);
}

static void
paragraph (Doc        *doc,
           const char *text,
           double      size)
{
  ensure_room (doc, size * 2);
  cairo_set_source_rgb (doc->cr, 0.2, 0.2, 0.2);
  doc->y += text_at (doc, MARGIN, doc->y, WIDTH, text, size, FALSE, PANGO_ALIGN_LEFT) + 3;
  cairo_set_source_rgb (doc->cr, 0, 0, 0);
}

typedef struct
{
  const char *title;
  double      width;        /* share of the text width */
  gboolean    right;
} Column;

/* Rows are NULL-terminated string arrays; a header repeats on each page. */
static void
table (Doc          *doc,
       const Column *columns,
       guint         n_columns,
       GPtrArray    *rows)
{
  const double row_height = 17;
  gboolean header = TRUE;

  for (guint r = 0; r <= rows->len; r++)
    {
      const char * const *cells = NULL;
      double x = MARGIN;

      if (r < rows->len && doc->y + row_height > BOTTOM)
        {
          ensure_room (doc, row_height * 2);
          header = TRUE;
        }
      if (header)
        {
          cairo_set_source_rgb (doc->cr, 0.93, 0.94, 0.96);
          cairo_rectangle (doc->cr, MARGIN, doc->y, WIDTH, row_height);
          cairo_fill (doc->cr);
          cairo_set_source_rgb (doc->cr, 0, 0, 0);
          for (guint c = 0; c < n_columns; c++)
            {
              text_at (doc, x + 3, doc->y + 2.5, columns[c].width * WIDTH - 6, columns[c].title, 8.5, TRUE,
                       columns[c].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
              x += columns[c].width * WIDTH;
            }
          doc->y += row_height;
          header = FALSE;
          x = MARGIN;
        }
      if (r == rows->len)
        break;
      cells = g_ptr_array_index (rows, r);
      for (guint c = 0; c < n_columns && cells[c] != NULL; c++)
        {
          text_at (doc, x + 3, doc->y + 2.5, columns[c].width * WIDTH - 6, cells[c], 8.5, FALSE,
                   columns[c].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
          x += columns[c].width * WIDTH;
        }
      doc->y += row_height;
      cairo_set_source_rgb (doc->cr, 0.85, 0.85, 0.85);
      cairo_rectangle (doc->cr, MARGIN, doc->y - 0.5, WIDTH, 0.5);
      cairo_fill (doc->cr);
      cairo_set_source_rgb (doc->cr, 0, 0, 0);
    }
  doc->y += 6;
}

/* Horizontal bars, longest first, at most @limit of them. */
static void
bars (Doc        *doc,
      const char *title,
      GPtrArray  *labels,
      GArray     *values,
      guint       limit)
{
  const double label_width = WIDTH * 0.36, bar_height = 11, gap = 5;
  gint64 most = 1;
  guint n = MIN (labels->len, limit);

  ensure_room (doc, 20 + MIN (n, 4) * (bar_height + gap));
  doc->y += text_at (doc, MARGIN, doc->y, WIDTH, title, 9.5, TRUE, PANGO_ALIGN_LEFT) + 4;
  if (n == 0)
    {
      paragraph (doc, _("None in the period."), 8.5);
      return;
    }
  for (guint i = 0; i < n; i++)
    most = MAX (most, g_array_index (values, gint64, i));
  for (guint i = 0; i < n; i++)
    {
      gint64 value = g_array_index (values, gint64, i);
      double length = (WIDTH - label_width - 40) * value / most;
      g_autofree char *number = g_strdup_printf ("%lld", (long long) value);

      ensure_room (doc, bar_height + gap);
      text_at (doc, MARGIN, doc->y - 1, label_width - 6, g_ptr_array_index (labels, i), 8.5, FALSE,
               PANGO_ALIGN_RIGHT);
      cairo_set_source_rgb (doc->cr, 0.21, 0.52, 0.89);
      cairo_rectangle (doc->cr, MARGIN + label_width, doc->y, MAX (length, 1), bar_height);
      cairo_fill (doc->cr);
      cairo_set_source_rgb (doc->cr, 0, 0, 0);
      text_at (doc, MARGIN + label_width + length + 4, doc->y - 1, 40, number, 8.5, FALSE, PANGO_ALIGN_LEFT);
      doc->y += bar_height + gap;
    }
  doc->y += 6;
}

/* What is drawn from. */
typedef struct
{
  GpStore        *store;
  GpStats        *stats;
  GpCategories   *categories;
  int             offset;
  GpPeriod        period;
} Summary;

static void
add_row (GPtrArray *rows,
         ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *cell;
  va_list args;

  va_start (args, rows);
  while ((cell = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, cell);
  va_end (args);
  g_ptr_array_add (rows, g_strv_builder_end (builder));
}

static void
draw_rates (Doc     *doc,
            Summary *summary)
{
  const Column columns[] = {
    { _("Measure"), 0.4, FALSE }, { _("Rate"), 0.25, TRUE }, { _("Counts"), 0.35, TRUE },
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  heading (doc, _("Rates"));
  for (guint i = 0; i < GP_N_RATES; i++)
    {
      g_autofree char *rate = format_rate (&summary->stats->rates[i]);
      g_autofree char *counts = format_counts (&summary->stats->rates[i]);

      add_row (rows, gp_rate_kind_label (i), rate, counts, NULL);
    }
  table (doc, columns, G_N_ELEMENTS (columns), rows);
  for (guint i = 0; i < GP_N_RATES; i++)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", gp_rate_kind_label (i), gp_rate_kind_formula (i));

      paragraph (doc, line, 7.5);
    }
}

static void
draw_cases (Doc     *doc,
            Summary *summary)
{
  GpStats *stats = summary->stats;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *line = NULL;
  gint64 open = stats->reported - stats->by_state[GP_STATE_VOID] - stats->by_state[GP_STATE_CLOSED];

  heading (doc, _("Cases"));
  line = g_strdup_printf (_("Reported in the period: %lld — closed out %lld, voided %lld, still open %lld."),
                          (long long) stats->reported, (long long) stats->by_state[GP_STATE_CLOSED],
                          (long long) stats->by_state[GP_STATE_VOID], (long long) open);
  paragraph (doc, line, 9.5);
  doc->y += 4;

  for (guint i = 0; i < GP_N_STATES; i++)
    if (stats->by_state[i] > 0)
      {
        g_ptr_array_add (labels, g_strdup (gp_state_label (i)));
        g_array_append_val (values, stats->by_state[i]);
      }
  bars (doc, _("By state"), labels, values, GP_N_STATES);

  g_ptr_array_set_size (labels, 0);
  g_array_set_size (values, 0);
  for (guint i = 0; i < stats->by_category->len; i++)
    {
      GpStatsCount *count = g_ptr_array_index (stats->by_category, i);

      g_ptr_array_add (labels, g_strdup (gp_categories_label (summary->categories, count->key)));
      g_array_append_val (values, count->count);
    }
  bars (doc, _("By category (the ten most frequent)"), labels, values, 10);

  g_ptr_array_set_size (labels, 0);
  g_array_set_size (values, 0);
  for (guint i = 0; i < stats->by_source->len; i++)
    {
      GpStatsCount *count = g_ptr_array_index (stats->by_source, i);

      g_ptr_array_add (labels, g_strdup (count->key ? gp_incident_source_label (count->key) : _("Unknown")));
      g_array_append_val (values, count->count);
    }
  bars (doc, _("By source"), labels, values, 10);
}

static const char *
warning_label (GpWarning warning)
{
  switch (warning)
    {
    case GP_WARNING_RED: return _("Red: overdue");
    case GP_WARNING_YELLOW: return _("Yellow: nearly due");
    case GP_WARNING_GREEN: return _("Green");
    case GP_WARNING_NONE:
    default:
      return "";
    }
}

static void
draw_board (Doc     *doc,
            Summary *summary)
{
  const Column columns[] = {
    { _("Warning"), 0.2, FALSE }, { _("Category"), 0.24, FALSE }, { _("Level"), 0.08, FALSE },
    { _("State"), 0.18, FALSE }, { _("Due"), 0.16, FALSE }, { _("Handled by"), 0.14, FALSE },
  };
  GpStats *stats = summary->stats;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint counts[GP_N_STATES] = { 0 };
  g_autofree char *line = NULL;

  heading (doc, _("Overdue and Nearly Due"));
  if (stats->overdue->len == 0)
    paragraph (doc, _("No open case is overdue or nearly due."), 9.5);
  for (guint i = 0; i < MIN (stats->overdue->len, MAX_BOARD_ROWS); i++)
    {
      GpBoardCase *entry = g_ptr_array_index (stats->overdue, i);
      g_autofree char *due = entry->deadline ? format_local (entry->deadline, summary->offset, "%m-%d %H:%M")
                                             : g_strdup ("—");

      add_row (rows, warning_label (entry->warning), gp_categories_label (summary->categories, entry->category),
               entry->level ? entry->level : "", gp_state_label (entry->state), due,
               entry->owner ? entry->owner : "", NULL);
    }
  if (rows->len > 0)
    table (doc, columns, G_N_ELEMENTS (columns), rows);
  if (stats->overdue->len > MAX_BOARD_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("And %u more; the CSV lists every case."),
                                               stats->overdue->len - MAX_BOARD_ROWS);

      paragraph (doc, more, 8.5);
    }

  for (guint i = 0; i < stats->todo->len; i++)
    counts[((GpBoardCase *) g_ptr_array_index (stats->todo, i))->state]++;
  heading (doc, _("Waiting for the Grid Leader"));
  line = g_strdup_printf (_("To register: %u · to verify: %u · callback due: %u · to close out: %u"),
                          counts[GP_STATE_REPORTED], counts[GP_STATE_HANDLED], counts[GP_STATE_CALLBACK],
                          counts[GP_STATE_SATISFIED]);
  paragraph (doc, line, 9.5);
}

static void
draw_workers (Doc     *doc,
              Summary *summary)
{
  const Column columns[] = {
    { _("Worker"), 0.22, FALSE }, { _("Reported"), 0.13, TRUE }, { _("Handled"), 0.13, TRUE },
    { _("Patrols"), 0.13, TRUE }, { _("Distance"), 0.16, TRUE }, { _("Checkpoints"), 0.23, TRUE },
  };
  GpStats *stats = summary->stats;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *visits = NULL;

  heading (doc, _("Workers and Patrols"));
  for (guint i = 0; i < stats->workers->len; i++)
    {
      GpWorkerFigures *figures = g_ptr_array_index (stats->workers, i);
      g_autofree char *reported = g_strdup_printf ("%lld", (long long) figures->reported);
      g_autofree char *handled = g_strdup_printf ("%lld", (long long) figures->handled);
      g_autofree char *patrols = g_strdup_printf ("%u", figures->patrols);
      g_autofree char *distance = g_strdup_printf (_("%.1f km"), figures->distance_m / 1000);
      g_autofree char *checkpoints = figures->checkpoints_planned > 0
        ? g_strdup_printf ("%u / %u (%.0f%%)", figures->checkpoints_reached, figures->checkpoints_planned,
                           100.0 * figures->checkpoints_reached / figures->checkpoints_planned)
        : g_strdup ("—");

      add_row (rows, figures->worker, reported, handled, patrols, distance, checkpoints, NULL);
    }
  if (rows->len > 0)
    table (doc, columns, G_N_ELEMENTS (columns), rows);
  else
    paragraph (doc, _("No case reported or handled and no patrol in the period."), 9.5);
  visits = g_strdup_printf (_("Households not visited in %u days: %lld of %lld."), stats->not_visited_days,
                            (long long) stats->not_visited, (long long) stats->households);
  paragraph (doc, visits, 9.5);
}

static void
draw_hot_spots (Doc     *doc,
                Summary *summary)
{
  const Column columns[] = {
    { "#", 0.08, TRUE }, { _("Position"), 0.38, FALSE }, { _("Incidents"), 0.16, TRUE },
    { _("Most frequent"), 0.38, FALSE },
  };
  GpStats *stats = summary->stats;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *frequent = gp_stats_describe_frequent (stats, summary->categories, 3);
  g_autofree char *rule = NULL;

  heading (doc, _("High-Frequency Problems and Hot Spots"));
  if (*frequent != '\0')
    {
      g_autofree char *line = g_strdup_printf (_("Most frequent: %s"), frequent);

      paragraph (doc, line, 9.5);
    }
  rule = g_strdup_printf (_("Hot spots: cells of about 50 m with %u or more incidents in the period."),
                          stats->hot_spot_min);
  paragraph (doc, rule, 8.5);
  for (guint i = 0; i < stats->hot_spots->len; i++)
    {
      GpHotSpot *spot = g_ptr_array_index (stats->hot_spots, i);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *position = g_strdup_printf ("%.5f, %.5f", spot->lat, spot->lon);
      g_autofree char *count = g_strdup_printf ("%u", spot->count);

      add_row (rows, number, position, count, gp_categories_label (summary->categories, spot->category), NULL);
    }
  if (rows->len > 0)
    table (doc, columns, G_N_ELEMENTS (columns), rows);
  else
    paragraph (doc, _("No hot spot in the period."), 9.5);
}

static char *
grid_names (GpStore            *store,
            const char * const *grids)
{
  g_autoptr(GPtrArray) all = gp_store_list (store, "grid", NULL, NULL);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      JsonObject *grid = g_ptr_array_index (all, i);
      const char *code = gp_json_get_string (grid, "code");

      if (grids != NULL && grids[0] != NULL && !g_strv_contains (grids, code))
        continue;
      g_string_append_printf (names, "%s%s", names->len ? "、" : "", gp_json_get_string (grid, "name") ?: code);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
replace_file (const char  *part,
              const char  *path,
              GError     **error)
{
  if (g_rename (part, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot write %s: %s"), path,
                   g_strerror (saved));
      g_unlink (part);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_pdf (Summary     *summary,
           const char  *grids,
           const char  *path,
           GError     **error)
{
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *first = format_local (summary->stats->from, summary->offset, "%Y-%m-%d");
  g_autofree char *last = format_local (summary->stats->to - 1, summary->offset, "%Y-%m-%d");
  g_autofree char *at = format_local (summary->stats->now, summary->offset, "%Y-%m-%d %H:%M");
  g_autofree char *title = NULL;
  g_autofree char *period = NULL;
  Doc doc = { 0 };
  cairo_status_t status;

  doc.surface = cairo_pdf_surface_create (part, PAGE_W, PAGE_H);
  doc.cr = cairo_create (doc.surface);
  doc.layout = pango_cairo_create_layout (doc.cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (doc.layout), 72);
  pango_layout_context_changed (doc.layout);
  doc.page = 1;
  doc.y = MARGIN;
  title = g_strdup_printf ("%s · %s", gp_summary_title (summary->period), grids);
  doc.footer = g_strdup_printf ("GridPatrol · %s", title);
  cairo_pdf_surface_set_metadata (doc.surface, CAIRO_PDF_METADATA_TITLE, title);

  doc.y += text_at (&doc, MARGIN, doc.y, WIDTH, title, 18, TRUE, PANGO_ALIGN_LEFT);
  period = summary->period == GP_PERIOD_DAY
    ? g_strdup_printf (_("%s · figures as of %s"), first, at)
    : g_strdup_printf (_("%s to %s · figures as of %s"), first, last, at);
  paragraph (&doc, period, 10);

  draw_rates (&doc, summary);
  draw_cases (&doc, summary);
  draw_board (&doc, summary);
  draw_workers (&doc, summary);
  draw_hot_spots (&doc, summary);
  finish_page (&doc);

  g_object_unref (doc.layout);
  cairo_destroy (doc.cr);
  cairo_surface_finish (doc.surface);
  status = cairo_surface_status (doc.surface);
  cairo_surface_destroy (doc.surface);
  g_free (doc.footer);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s: %s"), path,
                   cairo_status_to_string (status));
      g_unlink (part);
      return FALSE;
    }
  return replace_file (part, path, error);
}

static void
csv_field (GString    *out,
           const char *value)
{
  if (value == NULL)
    value = "";
  if (strpbrk (value, ",\"\r\n") != NULL)
    {
      g_autoptr(GString) quoted = g_string_new (value);

      g_string_replace (quoted, "\"", "\"\"", 0);
      g_string_append_printf (out, "\"%s\"", quoted->str);
    }
  else
    g_string_append (out, value);
}

static void
csv_time (GString *out,
          gint64   unix_time,
          int      offset)
{
  g_autofree char *text = unix_time ? format_local (unix_time, offset, "%Y-%m-%dT%H:%M:%S%:z") : NULL;

  csv_field (out, text);
}

static gboolean
write_csv (Summary     *summary,
           GPtrArray   *rows,
           const char  *path,
           GError     **error)
{
  static const char header[] =
    "incident,grid,category,category_label,source,reporter,handler,level,state,reported_at,response_due,"
    "responded_at,deadline,closed_at,evaluated_at,satisfaction,resolved,counts_reported,counts_response_due,"
    "counts_responded_in_time,counts_due_to_close,counts_closed,counts_closed_on_time,counts_evaluated\r\n";
  g_autoptr(GString) out = g_string_new ("\xef\xbb\xbf");   /* a BOM: spreadsheets then read UTF-8 */
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  g_string_append (out, header);
  for (guint i = 0; i < rows->len; i++)
    {
      GpStatsRow *row = g_ptr_array_index (rows, i);
      const char *text[] = { row->incident, row->grid, row->category, gp_categories_label (summary->categories, row->category),
                             row->source, row->reporter, row->handler, row->level, row->state };
      gint64 times[] = { row->reported_at, row->response_due, row->responded_at, row->deadline, row->closed_at,
                         row->evaluated_at };

      for (guint j = 0; j < G_N_ELEMENTS (text); j++)
        {
          csv_field (out, text[j]);
          g_string_append_c (out, ',');
        }
      for (guint j = 0; j < G_N_ELEMENTS (times); j++)
        {
          csv_time (out, times[j], summary->offset);
          g_string_append_c (out, ',');
        }
      csv_field (out, row->satisfaction);
      g_string_append_printf (out, ",%s", row->evaluated_at ? (row->resolved ? "1" : "0") : "");
      for (guint bit = 0; bit < 7; bit++)
        g_string_append_printf (out, ",%d", (row->flags & (1u << bit)) != 0);
      g_string_append (out, "\r\n");
    }
  if (!g_file_set_contents (part, out->str, out->len, error))
    return FALSE;
  return replace_file (part, path, error);
}

/**
 * gp_summary_write:
 * @pdf_path: (nullable): where the PDF goes
 * @csv_path: (nullable): where the CSV of the cases behind it goes
 *
 * The summary of @request's period. Synchronous: for a worker thread.
 */
gboolean
gp_summary_write (GpStore                 *store,
                  const GpSummaryRequest  *request,
                  const char              *pdf_path,
                  const char              *csv_path,
                  GError                 **error)
{
  g_autoptr(GpPolicy) policy = NULL;
  g_autoptr(GpStats) stats = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GpCategories) categories = NULL;
  g_autofree char *grids = NULL;
  GpStatsQuery query = { 0 };
  Summary summary = { 0 };

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (request != NULL && g_date_valid (&request->date), FALSE);

  policy = gp_casework_load_policy (store, request->grids ? request->grids[0] : NULL, NULL);
  summary.offset = policy ? gp_policy_get_utc_offset (policy) : GP_CLOCK_CHINA_UTC_OFFSET;
  gp_period_bounds (request->period, &request->date, summary.offset, &query.from, &query.to);
  query.grids = request->grids;
  stats = gp_stats_compute (store, &query, request->now, error);
  if (stats == NULL)
    return FALSE;
  categories = gp_categories_load (store);

  summary.store = store;
  summary.stats = stats;
  summary.categories = categories;
  summary.period = request->period;
  grids = grid_names (store, request->grids);

  if (pdf_path != NULL && !write_pdf (&summary, grids, pdf_path, error))
    return FALSE;
  if (csv_path != NULL)
    {
      rows = gp_stats_list_rows (store, &query, request->now, error);
      if (rows == NULL || !write_csv (&summary, rows, csv_path, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GpSummaryRequest request;
  GStrv            grids;
  char            *pdf;
  char            *csv;
} Write;

static void
write_free (Write *write)
{
  g_strfreev (write->grids);
  g_free (write->pdf);
  g_free (write->csv);
  g_free (write);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Write *write = task_data;
  GError *error = NULL;

  if (gp_summary_write (source_object, &write->request, write->pdf, write->csv, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * gp_summary_write_async:
 *
 * gp_summary_write() in a worker thread; @request is copied.
 */
void
gp_summary_write_async (GpStore                *store,
                        const GpSummaryRequest *request,
                        const char             *pdf_path,
                        const char             *csv_path,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  Write *write;

  g_return_if_fail (GP_IS_STORE (store));
  g_return_if_fail (pdf_path != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_summary_write_async);
  write = g_new0 (Write, 1);
  write->request = *request;
  write->grids = g_strdupv ((char **) request->grids);
  write->request.grids = (const char * const *) write->grids;
  write->pdf = g_strdup (pdf_path);
  write->csv = g_strdup (csv_path);
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);
  gp_worker_run (task, write_thread);
}

gboolean
gp_summary_write_finish (GpStore       *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
