/* make-walk.c — writes a recorded walk along a route of a data folder, as a
 * worker's phone would log it, for tests of the command line.
 *
 *   make-walk DATA-DIR ROUTE-ID START-ISO8601 OUT.gpx
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-documents.h"
#include "gp-test-walk.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  g_autoptr(GpDocument) route = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GArray) fixes = NULL;
  g_autofree char *gpx = NULL;

  if (argc != 5 || (start = g_date_time_new_from_iso8601 (argv[3], NULL)) == NULL)
    {
      g_printerr ("usage: make-walk DATA-DIR ROUTE-ID START-ISO8601 OUT.gpx\n");
      return 2;
    }
  store = gp_store_open (argv[1], &error);
  if (store != NULL)
    route = gp_documents_load (store, argv[2], &error);
  if (route == NULL || !GP_IS_ROUTE (route))
    {
      g_printerr ("make-walk: %s\n", error ? error->message : "not a route");
      return 1;
    }
  /* At a walking pace, once round. */
  fixes = gp_test_walk_route (GP_ROUTE (route), 1.2, g_date_time_to_unix_usec (start), 1);
  gpx = gp_test_walk_gpx (fixes);
  if (!g_file_set_contents (argv[4], gpx, -1, &error))
    {
      g_printerr ("make-walk: %s\n", error->message);
      return 1;
    }
  return 0;
}
