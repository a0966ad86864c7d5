/* fuzz-document.c — documents as the grid centre sends them: read, checked
 * as the phone's own writes are, and stored when they pass.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-json.h"
#include "gp-replicator.h"
#include "gp-store.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static GpStore *store;
  g_autoptr(JsonObject) doc = NULL;

  if (store == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("gp-fuzz-XXXXXX", NULL);

      store = gp_store_open (dir, NULL);
      if (store == NULL)
        return 0;
    }
  doc = gp_json_parse_object ((const char *) data, (gssize) size, NULL);
  if (doc == NULL || gp_json_get_string (doc, "_id") == NULL || gp_json_get_string (doc, "_rev") == NULL)
    return 0;
  if (gp_replication_check_document (store, "610103003003", NULL, doc, NULL))
    gp_store_put_revision (store, doc, NULL, NULL);
  return 0;
}
