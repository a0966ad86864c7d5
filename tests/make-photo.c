/* make-photo.c — writes a test photo: a real JPEG with EXIF, as a phone's
 * camera makes it. For tests and benchmarks of the command line.
 *
 *   make-photo OUT.jpg [WIDTH HEIGHT [ORIENTATION]]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-test-photo.h"

#include <stdlib.h>

int
main (int   argc,
      char *argv[])
{
  int width = argc > 3 ? atoi (argv[2]) : 4000;
  int height = argc > 3 ? atoi (argv[3]) : 3000;
  int orientation = argc > 4 ? atoi (argv[4]) : 1;
  g_autoptr(GdkPixbuf) picture = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GError) error = NULL;

  if (argc < 2 || width < 1 || height < 1 || orientation < 1 || orientation > 8)
    {
      g_printerr ("usage: make-photo OUT.jpg [WIDTH HEIGHT [ORIENTATION]]\n");
      return 2;
    }
  picture = gp_test_photo_picture (width, height);
  jpeg = gp_test_photo_jpeg (picture, orientation, TRUE);
  if (!g_file_set_contents (argv[1], g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), &error))
    {
      g_printerr ("make-photo: %s\n", error->message);
      return 1;
    }
  return 0;
}
