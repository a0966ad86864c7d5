/* gp-test-util.h — helpers shared by the tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-store.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* "Now" in the tests: a Wednesday morning in the grid's calendar, an
 * ordinary working day clear of weekends and holidays on both sides. */
#define GP_TEST_NOW "2026-11-25T10:00:00+08:00"

char    *gp_test_make_dir        (void) G_GNUC_WARN_UNUSED_RESULT;
void     gp_test_remove_dir      (const char *path);
GpStore *gp_test_open_store      (const char *dir);
char    *gp_test_store_snapshot  (GpStore    *store) G_GNUC_WARN_UNUSED_RESULT;
guint    gp_test_count_photo_files (const char *dir);
GSocketListener *gp_test_listen_loopback (guint16 *port) G_GNUC_WARN_UNUSED_RESULT;
char    *gp_test_ctl             (int         expected,
                                  char      **err,
                                  ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
gboolean gp_test_wait_until      (gboolean  (*condition) (gpointer data),
                                  gpointer    data,
                                  guint       timeout_ms);

void     gp_test_bench_report    (const char *what,
                                  double     *ms,
                                  guint       n);
void     gp_test_sort_doubles    (double     *values,
                                  guint       n);
double   gp_test_now_ms          (void);
void     gp_test_fix_clock       (const char *iso8601);
GPtrArray *gp_test_ctl_argv      (void) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *gp_test_ctl_command   (const char *first,
                                  ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
