/* fuzz-mbtiles.c — MBTiles files as the map opens them, and a tile read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-mbtiles.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *path;
  g_autoptr(GpMbtiles) mbtiles = NULL;

  if (path == NULL)
    path = g_strdup_printf ("%s/gp-fuzz-%d.mbtiles", g_get_tmp_dir (), (int) getpid ());
  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    return 0;
  mbtiles = gp_mbtiles_open (path, NULL);
  if (mbtiles != NULL)
    {
      g_autoptr(GBytes) tile = gp_mbtiles_read_tile (mbtiles, 14, 13341, 6477, NULL);

      gp_mbtiles_count_tiles (mbtiles);
    }
  g_unlink (path);
  return 0;
}
