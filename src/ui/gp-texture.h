/* gp-texture.h — pixels decoded off the main loop, as something to show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkTexture *gp_texture_new_for_pixels (GdkPixbuf *pixbuf) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
