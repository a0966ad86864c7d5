/* gp-test-photo.h — real JPEG files with EXIF, made for tests and benchmarks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

/* An upright test picture: red, green, blue and yellow quarters
 * (top left, top right, bottom left, bottom right), with a gentle texture
 * so that JPEG has something to compress, as in a photo. */
GdkPixbuf *gp_test_photo_picture  (int         width,
                                   int         height) G_GNUC_WARN_UNUSED_RESULT;

/* @upright stored as a camera stores it with EXIF @orientation 1–8,
 * encoded as JPEG with an EXIF block: the orientation, a camera make
 * ("TestCam"), DateTimeOriginal 2026:11:22 09:30:15 and, when @with_gps,
 * GPS 34.2586 N 108.9402 E. */
GBytes    *gp_test_photo_jpeg     (GdkPixbuf  *upright,
                                   int         orientation,
                                   gboolean    with_gps) G_GNUC_WARN_UNUSED_RESULT;

/* @upright as a JPEG whose EXIF GPS block ends inside its last entry, the
 * longitude's hemisphere: a reader that trusts it reads past the block. */
GBytes    *gp_test_photo_jpeg_cut_exif (GdkPixbuf *upright) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
