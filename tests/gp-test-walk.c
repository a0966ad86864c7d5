/* gp-test-walk.c — recorded walks for tests and benchmarks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-walk.h"

#include <math.h>

/* Vincenty's inverse formula on the WGS-84 ellipsoid, to a millimetre. */
double
gp_test_vincenty (double lat1,
                  double lon1,
                  double lat2,
                  double lon2)
{
  const double a = 6378137.0, f = 1 / 298.257223563, b = a * (1 - f);
  double L = (lon2 - lon1) * G_PI / 180;
  double U1 = atan ((1 - f) * tan (lat1 * G_PI / 180));
  double U2 = atan ((1 - f) * tan (lat2 * G_PI / 180));
  double sinU1 = sin (U1), cosU1 = cos (U1), sinU2 = sin (U2), cosU2 = cos (U2);
  double lambda = L, previous;
  double sin_sigma = 0, cos_sigma = 0, sigma = 0, cos2_alpha = 0, cos2_sigma_m = 0;

  for (int i = 0; i < 200; i++)
    {
      double sin_lambda = sin (lambda), cos_lambda = cos (lambda), sin_alpha, C;

      sin_sigma = sqrt ((cosU2 * sin_lambda) * (cosU2 * sin_lambda) +
                        (cosU1 * sinU2 - sinU1 * cosU2 * cos_lambda) * (cosU1 * sinU2 - sinU1 * cosU2 * cos_lambda));
      if (sin_sigma == 0)
        return 0;
      cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_lambda;
      sigma = atan2 (sin_sigma, cos_sigma);
      sin_alpha = cosU1 * cosU2 * sin_lambda / sin_sigma;
      cos2_alpha = 1 - sin_alpha * sin_alpha;
      cos2_sigma_m = cos2_alpha != 0 ? cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha : 0;
      C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha));
      previous = lambda;
      lambda = L + (1 - C) * f * sin_alpha *
               (sigma + C * sin_sigma * (cos2_sigma_m + C * cos_sigma * (-1 + 2 * cos2_sigma_m * cos2_sigma_m)));
      if (fabs (lambda - previous) < 1e-12)
        break;
    }
  {
    double u2 = cos2_alpha * (a * a - b * b) / (b * b);
    double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    double delta = B * sin_sigma * (cos2_sigma_m + B / 4 * (cos_sigma * (-1 + 2 * cos2_sigma_m * cos2_sigma_m) -
                                                           B / 6 * cos2_sigma_m * (-3 + 4 * sin_sigma * sin_sigma) *
                                                           (-3 + 4 * cos2_sigma_m * cos2_sigma_m)));

    return b * A * (sigma - delta);
  }
}

double
gp_test_walk_length (GArray *fixes)
{
  double length = 0;

  for (guint i = 1; i < fixes->len; i++)
    {
      const GpFix *p = &g_array_index (fixes, GpFix, i - 1), *q = &g_array_index (fixes, GpFix, i);

      length += gp_test_vincenty (p->latitude, p->longitude, q->latitude, q->longitude);
    }
  return length;
}

/* Walks straight from checkpoint to checkpoint at @speed_ms, one fix a
 * second, through each checkpoint's position; @laps times round. */
GArray *
gp_test_walk_route (GpRoute *route,
                    double   speed_ms,
                    gint64   start_us,
                    guint    laps)
{
  GArray *fixes = g_array_new (FALSE, TRUE, sizeof (GpFix));
  guint n = gp_route_get_n_checkpoints (route);
  gint64 time = start_us;
  GpCheckpoint last = { 0 };

  for (guint lap = 0; lap < laps; lap++)
    {
      /* Back to the first checkpoint only between laps. */
      guint segments = lap + 1 < laps ? n : n - 1;

      for (guint i = 0; i < segments; i++)
        {
          GpCheckpoint from, to;
          double length;
          guint steps;

          g_assert_true (gp_route_get_checkpoint (route, i, &from));
          g_assert_true (gp_route_get_checkpoint (route, (i + 1) % n, &to));
          length = gp_test_vincenty (from.position.lat, from.position.lon, to.position.lat, to.position.lon);
          steps = MAX (1, (guint) ceil (length / speed_ms));
          for (guint s = 0; s < steps; s++)
            {
              GpFix fix = { 0 };
              double t = (double) s / steps;

              fix.latitude = from.position.lat + (to.position.lat - from.position.lat) * t;
              fix.longitude = from.position.lon + (to.position.lon - from.position.lon) * t;
              fix.accuracy = 5;
              fix.time = time;
              g_array_append_val (fixes, fix);
              time += G_USEC_PER_SEC;
            }
          last = to;
        }
    }
  {
    GpFix fix = { 0 };

    fix.latitude = last.position.lat;
    fix.longitude = last.position.lon;
    fix.accuracy = 5;
    fix.time = time;
    g_array_append_val (fixes, fix);
  }
  return fixes;
}

static char *
iso (gint64 time_us)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);

  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

char *
gp_test_walk_gpx (GArray *fixes)
{
  GString *out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
                               " <trk><name>巡查</name><trkseg>\n");

  for (guint i = 0; i < fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (fixes, GpFix, i);
      g_autofree char *when = iso (fix->time);
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, "  <trkpt lat=\"%s\" lon=\"%s\"><ele>410</ele><time>%s</time></trkpt>\n",
                              g_ascii_formatd (lat, sizeof lat, "%.8f", fix->latitude),
                              g_ascii_formatd (lon, sizeof lon, "%.8f", fix->longitude), when);
    }
  g_string_append (out, " </trkseg></trk>\n</gpx>\n");
  return g_string_free (out, FALSE);
}

static void
sentence (GString    *out,
          const char *body)
{
  guint8 sum = 0;

  for (const char *c = body; *c; c++)
    sum ^= (guint8) *c;
  g_string_append_printf (out, "$%s*%02X\r\n", body, sum);
}

static char *
nmea_angle (double value,
            int    degree_digits)
{
  double a = fabs (value);
  int degrees = (int) a;
  double minutes = (a - degrees) * 60;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%07.4f", minutes);
  return g_strdup_printf (degree_digits == 2 ? "%02d%s" : "%03d%s", degrees, buf);
}

/* RMC and GGA each second, from a BeiDou+GPS receiver (talker GN). */
char *
gp_test_walk_nmea (GArray *fixes)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < fixes->len; i++)
    {
      const GpFix *fix = &g_array_index (fixes, GpFix, i);
      g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (fix->time / G_USEC_PER_SEC);
      g_autofree char *hms = g_date_time_format (t, "%H%M%S.00");
      g_autofree char *dmy = g_date_time_format (t, "%d%m%y");
      g_autofree char *lat = nmea_angle (fix->latitude, 2);
      g_autofree char *lon = nmea_angle (fix->longitude, 3);
      g_autofree char *rmc = g_strdup_printf ("GNRMC,%s,A,%s,%c,%s,%c,2.5,90.0,%s,,,A", hms, lat,
                                              fix->latitude >= 0 ? 'N' : 'S', lon, fix->longitude >= 0 ? 'E' : 'W',
                                              dmy);
      g_autofree char *gga = g_strdup_printf ("GNGGA,%s,%s,%c,%s,%c,1,12,0.9,410.0,M,-28.0,M,,", hms, lat,
                                              fix->latitude >= 0 ? 'N' : 'S', lon, fix->longitude >= 0 ? 'E' : 'W');

      sentence (out, rmc);
      sentence (out, gga);
      sentence (out, "GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.5,0.9,1.2");
    }
  return g_string_free (out, FALSE);
}
