/* gp-track-reader.c
 *
 * A recorded walk comes as GPX 1.1 (<trkpt lat lon><ele/><time/></trkpt>,
 * also <rtept> and <wpt>) or as an NMEA 0183 log from a receiver (GGA, RMC
 * and GNS sentences from any talker: GP, GL, GA, GB, BD, GN). Bad items are
 * skipped one by one and counted, never fatal: sentences with a wrong or
 * missing checksum, garbage lines, sentences without a fix, points without
 * a time or going back in time, and a file cut short.
 *
 * NMEA gives the date only in RMC: GGA and GNS take the date of the last
 * RMC (and a day more when their time of day wraps past midnight).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-track"

#include "config.h"

#include "gp-track-reader.h"
#include "gp-geo.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (gp-track-error-quark, gp_track_error)

static GpTrack *
track_new (const char *format)
{
  GpTrack *track = g_new0 (GpTrack, 1);

  track->fixes = g_array_new (FALSE, TRUE, sizeof (GpFix));
  track->format = g_strdup (format);
  return track;
}

void
gp_track_free (GpTrack *track)
{
  if (track == NULL)
    return;
  g_clear_pointer (&track->fixes, g_array_unref);
  g_free (track->format);
  g_free (track);
}

/* Adds a fix unless it goes back in time. */
static void
add_fix (GpTrack     *track,
         const GpFix *fix)
{
  if (track->fixes->len > 0 &&
      fix->time < g_array_index (track->fixes, GpFix, track->fixes->len - 1).time)
    {
      track->skipped++;
      return;
    }
  g_array_append_val (track->fixes, *fix);
}

/* GPX. */

typedef struct
{
  GpTrack *track;
  gboolean in_point;
  gboolean point_ok;
  GpFix    fix;
  char    *element;    /* the text element being read inside a point */
  GString *text;
} Gpx;

static gboolean
parse_double (const char *text,
              double     *value)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

static void
gpx_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  Gpx *gpx = user_data;
  const char *lat = NULL, *lon = NULL;

  if (g_str_equal (element, "trkpt") || g_str_equal (element, "rtept") || g_str_equal (element, "wpt"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        {
          if (g_str_equal (names[i], "lat"))
            lat = values[i];
          else if (g_str_equal (names[i], "lon"))
            lon = values[i];
        }
      gpx->in_point = TRUE;
      memset (&gpx->fix, 0, sizeof gpx->fix);
      gpx->point_ok = parse_double (lat, &gpx->fix.latitude) && parse_double (lon, &gpx->fix.longitude) &&
                      gpx->fix.latitude >= -90 && gpx->fix.latitude <= 90 &&
                      gpx->fix.longitude >= -180 && gpx->fix.longitude <= 180;
      gpx->fix.accuracy = 0;   /* unknown; hdop below if given */
    }
  else if (gpx->in_point)
    {
      g_free (gpx->element);
      gpx->element = g_strdup (element);
      g_string_truncate (gpx->text, 0);
    }
}

static void
gpx_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 length,
          gpointer              user_data,
          GError              **error)
{
  Gpx *gpx = user_data;

  if (gpx->element != NULL)
    g_string_append_len (gpx->text, text, length);
}

static void
gpx_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  Gpx *gpx = user_data;

  if (gpx->in_point && (g_str_equal (element, "trkpt") || g_str_equal (element, "rtept") ||
                        g_str_equal (element, "wpt")))
    {
      gpx->in_point = FALSE;
      if (gpx->point_ok && gpx->fix.time != 0)
        add_fix (gpx->track, &gpx->fix);
      else
        gpx->track->skipped++;
      return;
    }
  if (gpx->element == NULL || !g_str_equal (element, gpx->element))
    return;

  g_strstrip (gpx->text->str);
  if (g_str_equal (element, "time"))
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (gpx->text->str, NULL);

      gpx->fix.time = time ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : 0;
    }
  else if (g_str_equal (element, "ele"))
    parse_double (gpx->text->str, &gpx->fix.altitude);
  else if (g_str_equal (element, "hdop"))
    {
      double hdop;

      /* A rough accuracy: five metres per unit of dilution. */
      if (parse_double (gpx->text->str, &hdop) && hdop >= 0)
        gpx->fix.accuracy = 5.0 * hdop;
    }
  g_clear_pointer (&gpx->element, g_free);
}

static GpTrack *
parse_gpx (const char *text,
           gsize       length)
{
  const GMarkupParser parser = { gpx_start, gpx_end, gpx_text, NULL, NULL };
  Gpx gpx = { 0 };
  GMarkupParseContext *context;
  g_autoptr(GError) error = NULL;

  gpx.track = track_new ("gpx");
  gpx.text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &gpx, NULL);
  /* A file cut short stops the parse: the points read so far stand, and the
   * point it stopped in counts as skipped. */
  if (!g_markup_parse_context_parse (context, text, length, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    {
      g_debug ("GPX read up to an error: %s", error->message);
      gpx.track->skipped++;
    }
  g_markup_parse_context_free (context);
  g_string_free (gpx.text, TRUE);
  g_free (gpx.element);
  return gpx.track;
}

/* NMEA 0183. */

static gboolean
checksum_ok (const char *sentence)
{
  const char *star = strrchr (sentence, '*');
  guint8 sum = 0;
  char *end = NULL;
  long given;

  if (sentence[0] != '$' || star == NULL || strlen (star) < 3)
    return FALSE;
  for (const char *c = sentence + 1; c < star; c++)
    sum ^= (guint8) *c;
  given = strtol (star + 1, &end, 16);
  return end == star + 3 && given == sum;
}

/* ddmm.mmmm with a hemisphere letter. */
static gboolean
parse_coordinate (const char *value,
                  const char *hemisphere,
                  int         degree_digits,
                  double     *degrees)
{
  double raw;
  double whole;
  double limit = degree_digits == 2 ? 90 : 180;

  if (!parse_double (value, &raw) || hemisphere == NULL || strlen (value) < (gsize) degree_digits + 2 ||
      raw < 0 || raw > limit * 100)
    return FALSE;
  whole = floor (raw / 100);
  if (raw - whole * 100 >= 60)
    return FALSE;
  *degrees = whole + (raw - whole * 100) / 60.0;
  if (*degrees > limit)
    return FALSE;
  if (g_str_equal (hemisphere, "S") || g_str_equal (hemisphere, "W"))
    *degrees = -*degrees;
  else if (!g_str_equal (hemisphere, "N") && !g_str_equal (hemisphere, "E"))
    return FALSE;
  return TRUE;
}

/* hhmmss(.ss) as seconds of the day. */
static gboolean
parse_clock (const char *value,
             double     *seconds)
{
  int h, m;
  double s;

  if (value == NULL || strlen (value) < 6 || !g_ascii_isdigit (value[0]))
    return FALSE;
  h = (value[0] - '0') * 10 + (value[1] - '0');
  m = (value[2] - '0') * 10 + (value[3] - '0');
  if (!parse_double (value + 4, &s) || h > 23 || m > 59 || s >= 61)
    return FALSE;
  *seconds = h * 3600 + m * 60 + s;
  return TRUE;
}

typedef struct
{
  GpTrack *track;
  gint64   day;          /* UNIX time of 00:00 UTC of the date in the last RMC; 0 none yet */
  double   last_clock;   /* seconds of the day of the last fix */
} Nmea;

static gint64
fix_time (Nmea   *nmea,
          double  clock)
{
  /* Past midnight since the last RMC: the next day. */
  if (clock + 3600 < nmea->last_clock)
    nmea->day += 86400;
  nmea->last_clock = clock;
  return (gint64) ((nmea->day + clock) * G_USEC_PER_SEC);
}

static void
nmea_sentence (Nmea *nmea,
               char *line)
{
  g_auto(GStrv) f = NULL;
  const char *type;
  guint n;
  GpFix fix = { 0 };
  double clock;

  if (!checksum_ok (line))
    {
      nmea->track->skipped++;
      return;
    }
  *strrchr (line, '*') = '\0';
  f = g_strsplit (line + 1, ",", -1);
  n = g_strv_length (f);
  if (n == 0 || strlen (f[0]) != 5)
    {
      nmea->track->skipped++;
      return;
    }
  type = f[0] + 2;   /* the talker (GP, GN, BD…) does not matter */

  if (g_str_equal (type, "RMC"))
    {
      int dd, mm, yy;
      g_autoptr(GDateTime) date = NULL;

      /* $--RMC,time,status,lat,N,lon,E,speed(knots),course,ddmmyy,… */
      if (n < 10 || strlen (f[9]) != 6 || !parse_clock (f[1], &clock))
        {
          nmea->track->skipped++;
          return;
        }
      for (guint i = 0; i < 6; i++)
        if (!g_ascii_isdigit (f[9][i]))
          {
            nmea->track->skipped++;
            return;
          }
      dd = (f[9][0] - '0') * 10 + (f[9][1] - '0');
      mm = (f[9][2] - '0') * 10 + (f[9][3] - '0');
      yy = (f[9][4] - '0') * 10 + (f[9][5] - '0');
      date = g_date_time_new_utc (2000 + yy, mm, dd, 0, 0, 0);
      if (date == NULL)
        {
          nmea->track->skipped++;
          return;
        }
      nmea->day = g_date_time_to_unix (date);
      nmea->last_clock = clock;
      if (!g_str_equal (f[2], "A") ||
          !parse_coordinate (f[3], f[4], 2, &fix.latitude) || !parse_coordinate (f[5], f[6], 3, &fix.longitude))
        {
          nmea->track->skipped++;   /* "V": no fix */
          return;
        }
      fix.time = (gint64) ((nmea->day + clock) * G_USEC_PER_SEC);
      if (parse_double (f[7], &fix.speed))
        fix.speed *= 1852.0 / 3600.0;
      if (!parse_double (f[8], &fix.heading))
        fix.heading = NAN;   /* no course given: not "north" */
      add_fix (nmea->track, &fix);
    }
  else if (g_str_equal (type, "GGA") || g_str_equal (type, "GNS"))
    {
      double hdop = 0;
      gboolean has_fix;

      /* $--GGA,time,lat,N,lon,E,quality,sats,hdop,alt,M,…
       * $--GNS,time,lat,N,lon,E,mode,sats,hdop,alt,… */
      if (n < 10 || !parse_clock (f[1], &clock) || nmea->day == 0)
        {
          nmea->track->skipped++;   /* without a date from an RMC, no time */
          return;
        }
      has_fix = g_str_equal (type, "GGA") ? (f[6][0] != '\0' && f[6][0] != '0')
                                          : (f[6][0] != '\0' && f[6][0] != 'N');
      if (!has_fix || !parse_coordinate (f[2], f[3], 2, &fix.latitude) ||
          !parse_coordinate (f[4], f[5], 3, &fix.longitude))
        {
          nmea->track->skipped++;
          return;
        }
      if (parse_double (f[8], &hdop) && hdop >= 0)
        fix.accuracy = 5.0 * hdop;
      parse_double (f[9], &fix.altitude);
      fix.time = fix_time (nmea, clock);
      /* An RMC and a GGA of the same second are one fix. */
      if (nmea->track->fixes->len > 0 &&
          g_array_index (nmea->track->fixes, GpFix, nmea->track->fixes->len - 1).time == fix.time)
        {
          GpFix *last = &g_array_index (nmea->track->fixes, GpFix, nmea->track->fixes->len - 1);

          last->accuracy = fix.accuracy;
          last->altitude = fix.altitude;
          return;
        }
      add_fix (nmea->track, &fix);
    }
  /* Other sentences (GSA, GSV, VTG…) carry nothing a track needs: ignored,
   * not counted as bad. */
}

static GpTrack *
parse_nmea (const char *text,
            gsize       length)
{
  Nmea nmea = { track_new ("nmea"), 0, 0 };
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) lines = g_strsplit_set (copy, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (line[0] != '$')
        {
          nmea.track->skipped++;   /* garbage */
          continue;
        }
      nmea_sentence (&nmea, line);
    }
  return nmea.track;
}

/**
 * gp_track_parse:
 *
 * Reads a GPX or NMEA track. Fails only when the data is neither; bad
 * items inside are skipped and counted in the track.
 */
GpTrack *
gp_track_parse (GBytes  *data,
                GError **error)
{
  gsize length;
  const char *text = g_bytes_get_data (data, &length);
  gsize start = 0;

  if (text == NULL || length == 0)
    {
      g_set_error_literal (error, GP_TRACK_ERROR, GP_TRACK_ERROR_UNKNOWN, _("the track file is empty"));
      return NULL;
    }
  /* A byte-order mark and blank space before the first thing. */
  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    start = 3;
  while (start < length && g_ascii_isspace (text[start]))
    start++;

  if (start < length && text[start] == '<')
    return parse_gpx (text + start, length - start);
  if (start < length && text[start] == '$')
    return parse_nmea (text + start, length - start);
  g_set_error_literal (error, GP_TRACK_ERROR, GP_TRACK_ERROR_UNKNOWN,
                       _("it is not a track: neither GPX nor an NMEA log"));
  return NULL;
}

GpTrack *
gp_track_read_file (const char  *path,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GStatBuf st;
  gsize length;

  /* A day of NMEA at one fix a second is about 15 MB. */
  if (g_stat (path, &st) == 0 && st.st_size > GP_TRACK_MAX_FILE_SIZE)
    {
      g_set_error (error, GP_TRACK_ERROR, GP_TRACK_ERROR_FAILED, _("the track file is larger than %d MB"),
                   GP_TRACK_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, GP_TRACK_ERROR, GP_TRACK_ERROR_FAILED, _("the track cannot be read: %s"),
                   local_error->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return gp_track_parse (bytes, error);
}

/* The length of the track as recorded, every point counted. */
double
gp_track_length (const GpTrack *track)
{
  double length = 0;

  for (guint i = 1; i < track->fixes->len; i++)
    {
      const GpFix *a = &g_array_index (track->fixes, GpFix, i - 1);
      const GpFix *b = &g_array_index (track->fixes, GpFix, i);

      length += gp_geo_distance ((GpGeoPoint) { a->longitude, a->latitude },
                                 (GpGeoPoint) { b->longitude, b->latitude });
    }
  return length;
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GpTrack *track = gp_track_read_file (task_data, &error);

  if (track == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, track, (GDestroyNotify) gp_track_free);
}

/**
 * gp_track_read_file_async:
 *
 * gp_track_read_file() in a worker thread.
 */
void
gp_track_read_file_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_track_read_file_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  gp_worker_run (task, read_thread);
}

GpTrack *
gp_track_read_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
