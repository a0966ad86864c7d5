/* gp-test-util.h — helpers shared by the tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-store.h"

G_BEGIN_DECLS

char    *gp_test_make_dir        (void) G_GNUC_WARN_UNUSED_RESULT;
void     gp_test_remove_dir      (const char *path);
GpStore *gp_test_open_store      (const char *dir);
char    *gp_test_store_snapshot  (GpStore    *store) G_GNUC_WARN_UNUSED_RESULT;
char    *gp_test_ctl             (int         expected,
                                  char      **err,
                                  ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
gboolean gp_test_wait_until      (gboolean  (*condition) (gpointer data),
                                  gpointer    data,
                                  guint       timeout_ms);

void     gp_test_bench_report    (const char *what,
                                  double     *ms,
                                  guint       n);
double   gp_test_now_ms          (void);

G_END_DECLS
