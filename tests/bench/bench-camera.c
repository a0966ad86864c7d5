/* bench-camera.c — what the camera costs: from the shutter to the shot's
 * thumbnail in the strip (the frame converted, scaled, stamped, encoded,
 * hashed and its thumbnail decoded, in workers), and what a viewfinder
 * frame costs the main loop (swap, layout, paint) at 640×480 with the
 * cairo renderer, as on a PinePhone. GStreamer's test source stands in
 * for the sensor.
 *
 * Run with `build-aux/dev bench` (it needs a display: Xvfb). Prints numbers;
 * it never fails on time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-camera-dialog.h"
#include "gp-context.h"
#include "gp-demo.h"
#include "gp-stamp-source.h"
#include "gp-store.h"
#include "gp-test-ui.h"
#include "gp-test-util.h"

#include <adwaita.h>
#include <stdio.h>
#include <sys/resource.h>

typedef struct
{
  GpCameraDialog *dialog;
  guint           want;
} Shots;

static gboolean
camera_on (gpointer data)
{
  return gp_camera_get_state (gp_camera_dialog_get_camera (data)) == GP_CAMERA_STATE_ON &&
         gp_camera_get_frames_shown (gp_camera_dialog_get_camera (data)) >= 5;
}

static gboolean
kept (gpointer data)
{
  Shots *shots = data;

  return gp_camera_dialog_get_n_taken (shots->dialog) >= shots->want && !gp_camera_dialog_get_busy (shots->dialog);
}

static GpCameraDialog *
open_camera (GpStampSource *stamps,
             const char    *sensor)
{
  GpCameraDialog *dialog;

  g_setenv ("GRIDPATROL_CAMERA", sensor, TRUE);
  dialog = gp_camera_dialog_new (stamps, NULL);
  gp_test_present_dialog_on_phone (ADW_DIALOG (dialog));
  g_assert_true (gp_test_wait_until (camera_on, dialog, 30000));
  return dialog;
}

/* From the press to the thumbnail in the strip, one shot at a time. */
static void
bench_shutter (GpStampSource *stamps,
               const char    *label,
               const char    *sensor,
               guint          rounds)
{
  GpCameraDialog *dialog = open_camera (stamps, sensor);
  g_autofree double *ms = g_new (double, rounds);
  Shots shots = { dialog, 0 };

  for (guint i = 0; i < rounds; i++)
    {
      double start = gp_test_now_ms ();

      shots.want = i + 1;
      gp_camera_dialog_shoot (dialog);
      g_assert_true (gp_test_wait_until (kept, &shots, 30000));
      ms[i] = gp_test_now_ms () - start;
    }
  gp_test_bench_report (label, ms, rounds);
  adw_dialog_force_close (ADW_DIALOG (dialog));
  gp_test_settle ();
}

typedef struct
{
  double  started;
  guint64 last_frames;
  GpCamera *camera;
  GArray *costs;       /* double, ms: frames that showed a new camera frame */
  guint   paints;
} Paint;

static void
on_before_paint (GdkFrameClock *clock,
           Paint         *paint)
{
  paint->started = gp_test_now_ms ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Paint         *paint)
{
  guint64 frames = gp_camera_get_frames_shown (paint->camera);

  paint->paints++;
  if (frames != paint->last_frames && paint->started > 0)
    {
      double cost = gp_test_now_ms () - paint->started;

      g_array_append_val (paint->costs, cost);
    }
  paint->last_frames = frames;
  paint->started = 0;
}

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
         usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
}

/* The viewfinder running for a few seconds: the main loop's cost of each
 * new frame (from the frame clock's before-paint to the end of its paint), and
 * the whole process's CPU time a frame, GStreamer's threads included. */
static void
bench_viewfinder (GpStampSource *stamps,
                  const char    *label,
                  const char    *sensor,
                  double         seconds)
{
  GpCameraDialog *dialog = open_camera (stamps, sensor);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (dialog));
  Paint paint = { 0 };
  g_autofree char *what = NULL;
  guint64 frames_before;
  double cpu_before, until;
  gulong update_id, paint_id;

  paint.camera = gp_camera_dialog_get_camera (dialog);
  paint.costs = g_array_new (FALSE, FALSE, sizeof (double));
  paint.last_frames = gp_camera_get_frames_shown (paint.camera);
  update_id = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &paint);
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &paint);
  frames_before = gp_camera_get_frames_shown (paint.camera);
  cpu_before = cpu_ms ();
  until = gp_test_now_ms () + seconds * 1000;
  while (gp_test_now_ms () < until)
    g_main_context_iteration (NULL, TRUE);
  {
    guint64 frames = gp_camera_get_frames_shown (paint.camera) - frames_before;
    double cpu = cpu_ms () - cpu_before;

    printf ("%s: %" G_GUINT64_FORMAT " frames in %.0f s (%.1f a second), %u paints, CPU %.2f ms a frame, "
            "all threads\n", label, frames, seconds, frames / seconds, paint.paints, frames ? cpu / frames : 0.0);
  }
  what = g_strdup_printf ("%s: main loop per new frame", label);
  gp_test_bench_report (what, (double *) paint.costs->data, paint.costs->len);
  g_signal_handler_disconnect (clock, update_id);
  g_signal_handler_disconnect (clock, paint_id);
  g_array_unref (paint.costs);
  adw_dialog_force_close (ADW_DIALOG (dialog));
  gp_test_settle ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GpStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GpContext) context = NULL;
  g_autoptr(GpStampSource) stamps = NULL;
  g_autoptr(GError) error = NULL;

  gp_test_ui_init (&argc, &argv);
  dir = gp_test_make_dir ();
  store = gp_test_open_store (dir);
  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_string (settings, "user-name", "wang");
  context = gp_context_new (settings);
  gp_test_set_store (context, store);
  stamps = gp_stamp_source_new (context);
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_stamp_source_get_ready, stamps, 10000));

  printf ("renderer: %s\n", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  bench_shutter (stamps, "shutter to thumbnail, 5 MP sensor (2592x1944)",
                 "videotestsrc is-live=true pattern=smpte ! "
                 "capsfilter caps=video/x-raw,format=YUY2,width=2592,height=1944,framerate=15/1", 20);
  bench_shutter (stamps, "shutter to thumbnail, 2 MP sensor (1600x1200)",
                 "videotestsrc is-live=true pattern=smpte ! "
                 "capsfilter caps=video/x-raw,format=YUY2,width=1600,height=1200,framerate=30/1", 20);
  bench_viewfinder (stamps, "viewfinder 640x480, 30 fps",
                    "videotestsrc is-live=true pattern=smpte ! "
                    "capsfilter caps=video/x-raw,format=YUY2,width=640,height=480,framerate=30/1", 5);
  bench_viewfinder (stamps, "sensor 1280x960 (viewfinder 960x720), 30 fps",
                    "videotestsrc is-live=true pattern=smpte ! "
                    "capsfilter caps=video/x-raw,format=YUY2,width=1280,height=960,framerate=30/1", 5);

  g_clear_object (&stamps);
  g_clear_object (&context);
  g_clear_object (&store);
  gp_test_remove_dir (dir);
  return 0;
}
