/* gp-texture.c — pixels decoded off the main loop, as something to show.
 *
 * The photos are decoded by the incidents layer in worker threads; this
 * wraps their pixels as a texture without decoding anything again, so no
 * JPEG is decoded on the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-texture.h"

GdkTexture *
gp_texture_new_for_pixels (GdkPixbuf *pixbuf)
{
  g_autoptr(GBytes) pixels = NULL;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);

  pixels = gdk_pixbuf_read_pixel_bytes (pixbuf);
  return gdk_memory_texture_new (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                                 gdk_pixbuf_get_has_alpha (pixbuf) ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                 pixels, gdk_pixbuf_get_rowstride (pixbuf));
}
