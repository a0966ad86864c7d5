/* fuzz-photo.c — photos as intake reads them: the JPEG's segments and its
 * EXIF, then the decoder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-photo.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GpPhoto) photo = gp_photo_process (bytes, NULL, NULL);

  return 0;
}
