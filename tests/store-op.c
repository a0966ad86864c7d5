/* store-op.c — one store operation in a process of its own, for tests
 * that need two processes on one data folder: `store-op DIR delete ID`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-json.h"
#include "gp-store.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *rev = NULL;

  if (argc != 4 || !g_str_equal (argv[2], "delete"))
    {
      g_printerr ("usage: store-op DIR delete ID\n");
      return 2;
    }
  store = gp_store_open (argv[1], &error);
  if (store != NULL)
    doc = gp_store_get (store, argv[3], GP_STORE_GET_NONE, &error);
  if (doc != NULL)
    rev = gp_store_delete (store, argv[3], gp_json_get_string (doc, "_rev"), &error);
  if (rev == NULL)
    {
      g_printerr ("store-op: %s\n", error->message);
      return 1;
    }
  return 0;
}
