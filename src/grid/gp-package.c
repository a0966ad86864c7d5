/* gp-package.c
 *
 * A grid package is what the centre hands out to define a grid: one GeoJSON
 * FeatureCollection whose features are documents. Each feature's `id` is the
 * document id, its `properties` are the document's members with `type` among
 * them, and its `geometry` is the document's geometry (null for documents
 * without one, such as households and the policy).
 *
 * Import checks the whole package before it writes anything, then writes it
 * in one transaction, so a bad package leaves the store exactly as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-package"

#include "config.h"

#include "gp-package.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-store.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (gp-package-error-quark, gp_package_error)

/* What defines a grid; work records (incidents, patrols…) travel by sync. */
static const char * const package_types[] = {
  "grid", "policy", "directory", "building", "household", "lane", "component", "route", NULL
};

const char * const *
gp_package_get_types (void)
{
  return package_types;
}

static void
feature_error (GError    **error,
               gint        code,
               guint       index,
               const char *id,
               const char *message)
{
  if (id != NULL)
    g_set_error (error, GP_PACKAGE_ERROR, code, _("feature %u (%s): %s"), index + 1, id, message);
  else
    g_set_error (error, GP_PACKAGE_ERROR, code, _("feature %u: %s"), index + 1, message);
}

static GpDocument *
document_from_feature (JsonNode  *node,
                       guint      index,
                       GError   **error)
{
  JsonObject *feature = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *properties;
  JsonNode *geometry;
  const char *id, *type;
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(GpDocument) document = NULL;
  g_autoptr(GError) local_error = NULL;
  GpDocumentClass *klass;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  GType gtype;

  if (feature == NULL || g_strcmp0 (gp_json_get_string (feature, "type"), "Feature") != 0)
    {
      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, NULL,
                     _("not a GeoJSON Feature"));
      return NULL;
    }

  id = gp_json_get_string (feature, "id");
  if (id == NULL || *id == '\0')
    {
      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, NULL,
                     _("it has no “id” (the document id, such as building:CODE)"));
      return NULL;
    }

  properties = gp_json_get_object (feature, "properties");
  type = gp_json_get_string (properties, "type");
  if (properties == NULL || type == NULL)
    {
      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id,
                     _("its properties have no “type”"));
      return NULL;
    }

  gtype = gp_document_type_from_name (type);
  if (gtype == G_TYPE_INVALID)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a document type"), type);

      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id, message);
      return NULL;
    }
  if (!g_strv_contains (package_types, type))
    {
      g_autofree char *message =
        g_strdup_printf (_("documents of type “%s” are not part of a grid package"), type);

      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id, message);
      return NULL;
    }

  geometry = json_object_get_member (feature, "geometry");
  if (geometry == NULL)
    {
      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id,
                     _("it has no “geometry” member (use null for none)"));
      return NULL;
    }

  klass = g_type_class_ref (gtype);
  if (klass->geometry_type == NULL && !JSON_NODE_HOLDS_NULL (geometry))
    {
      g_autofree char *message =
        g_strdup_printf (_("documents of type “%s” have no geometry; use null"), type);

      g_type_class_unref (klass);
      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id, message);
      return NULL;
    }
  g_type_class_unref (klass);

  json = json_object_new ();
  json_object_set_string_member (json, "_id", id);
  json_object_iter_init_ordered (&iter, properties);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      if (member[0] == '_' || g_str_equal (member, "geometry"))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” cannot be a property; it belongs to the feature"), member);

          feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id, message);
          return NULL;
        }
      json_object_set_member (json, member, json_node_ref (value));
    }
  if (!JSON_NODE_HOLDS_NULL (geometry))
    json_object_set_member (json, "geometry", json_node_ref (geometry));

  document = gp_document_new_from_json (json, &local_error);
  if (document == NULL || !gp_document_validate (document, &local_error))
    {
      feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, index, id, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&document);
}

/**
 * gp_package_parse:
 *
 * Reads and checks a package without touching any store: JSON, GeoJSON,
 * every feature a valid document, no id twice.
 *
 * Returns: (transfer full): the documents, in the package's order
 */
GPtrArray *
gp_package_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  /* Mutable: json-glib aborts on an immutable parse of "{}{}". */
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *collection;
  JsonArray *features;

  if (length == 0 || data == NULL)
    {
      g_set_error_literal (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_EMPTY, _("the file is empty"));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NOT_JSON,
                   _("not a JSON file (truncated or damaged?): %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  collection = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (collection == NULL || g_strcmp0 (gp_json_get_string (collection, "type"), "FeatureCollection") != 0)
    {
      g_set_error_literal (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NOT_GEOJSON,
                           _("not a GeoJSON FeatureCollection"));
      return NULL;
    }

  features = gp_json_get_array (collection, "features");
  if (features == NULL)
    {
      g_set_error_literal (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NOT_GEOJSON,
                           _("the FeatureCollection has no “features” array"));
      return NULL;
    }
  if (json_array_get_length (features) == 0)
    {
      g_set_error_literal (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_EMPTY,
                           _("the package has no features"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      GpDocument *document = document_from_feature (json_array_get_element (features, i), i, error);
      const char *id;

      if (document == NULL)
        return NULL;
      g_ptr_array_add (documents, document);

      id = gp_document_get_id (document);
      if (g_hash_table_contains (seen, id))
        {
          guint first = GPOINTER_TO_UINT (g_hash_table_lookup (seen, id));
          g_autofree char *message = g_strdup_printf (_("the id is already used by feature %u"), first);

          feature_error (error, GP_PACKAGE_ERROR_DUPLICATE_ID, i, id, message);
          return NULL;
        }
      g_hash_table_insert (seen, (gpointer) id, GUINT_TO_POINTER (i + 1));
    }

  return g_steal_pointer (&documents);
}

/* A reference must name a document in the package or already in the store. */
static gboolean
reference_exists (GpStore    *store,
                  GHashTable *package_ids,
                  const char *id)
{
  g_autoptr(JsonObject) found = NULL;

  if (g_hash_table_contains (package_ids, id))
    return TRUE;
  found = gp_store_get (store, id, GP_STORE_GET_NONE, NULL);
  return found != NULL;
}

static gboolean
check_references (GpStore    *store,
                  GPtrArray  *documents,
                  GError    **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) grids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  for (guint i = 0; i < documents->len; i++)
    {
      GpDocument *document = g_ptr_array_index (documents, i);

      g_hash_table_add (ids, (gpointer) gp_document_get_id (document));
      if (GP_IS_GRID (document))
        g_hash_table_insert (grids, (gpointer) gp_grid_get_code (GP_GRID (document)), g_object_ref (document));
    }

  for (guint i = 0; i < documents->len; i++)
    {
      GpDocument *document = g_ptr_array_index (documents, i);
      const char *grid = gp_document_get_string_member (document, "grid");
      const char *id = gp_document_get_id (document);
      const char *references[] = {
        gp_document_get_string_member (document, "building"),
        gp_document_get_string_member (document, "policy"),
        NULL, /* the grid, below */
      };
      g_autofree char *grid_id = grid ? g_strconcat ("grid:", grid, NULL) : NULL;

      references[2] = grid_id;
      for (guint r = 0; r < G_N_ELEMENTS (references); r++)
        if (references[r] != NULL && !reference_exists (store, ids, references[r]))
          {
            g_autofree char *message =
              g_strdup_printf (_("it refers to %s, which is neither in the package nor in the store"),
                               references[r]);

            feature_error (error, GP_PACKAGE_ERROR_MISSING_REFERENCE, i, id, message);
            return FALSE;
          }

      /* A shape far from its grid is a typing error, not a place. */
      if (grid != NULL && gp_document_get_geometry (document) != NULL && !GP_IS_GRID (document))
        {
          GpGrid *owner = g_hash_table_lookup (grids, grid);
          g_autoptr(GError) reach_error = NULL;

          if (owner == NULL)
            {
              owner = GP_GRID (gp_documents_load (store, grid_id, NULL));
              if (owner != NULL)
                g_hash_table_insert (grids, (gpointer) grid, owner);
            }
          if (owner != NULL && !gp_grid_check_reach (owner, gp_document_get_geometry (document), &reach_error))
            {
              feature_error (error, GP_PACKAGE_ERROR_BAD_FEATURE, i, id, reach_error->message);
              return FALSE;
            }
        }

      if (GP_IS_ROUTE (document))
        for (guint c = 0; c < gp_route_get_n_checkpoints (GP_ROUTE (document)); c++)
          {
            GpCheckpoint checkpoint;

            if (gp_route_get_checkpoint (GP_ROUTE (document), c, &checkpoint) &&
                checkpoint.building != NULL && !reference_exists (store, ids, checkpoint.building))
              {
                g_autofree char *message =
                  g_strdup_printf (_("checkpoint “%s” refers to %s, which is neither in the "
                                     "package nor in the store"), checkpoint.id, checkpoint.building);

                feature_error (error, GP_PACKAGE_ERROR_MISSING_REFERENCE, i, id, message);
                return FALSE;
              }
          }
    }

  return TRUE;
}

/**
 * gp_package_import_data:
 * @stats: (out) (optional): what the import did
 *
 * Imports a package: documents new to the store are created, changed ones
 * get a new revision, identical ones are left alone. All in one
 * transaction; on any error nothing is written.
 */
gboolean
gp_package_import_data (GpStore         *store,
                        const char      *data,
                        gsize            length,
                        GpPackageStats  *stats,
                        GError         **error)
{
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) before = NULL;
  GpPackageStats counts = { 0 };

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);

  documents = gp_package_parse (data, length, error);
  if (documents == NULL || !check_references (store, documents, error))
    return FALSE;

  before = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < documents->len; i++)
    {
      g_autoptr(JsonObject) existing =
        gp_store_get (store, gp_document_get_id (g_ptr_array_index (documents, i)),
                      GP_STORE_GET_NONE, NULL);

      g_ptr_array_add (before, existing ? g_strdup (gp_json_get_string (existing, "_rev")) : NULL);
    }

  if (!gp_documents_save_all (store, documents, GP_STORE_PUT_UPSERT, error))
    return FALSE;

  for (guint i = 0; i < documents->len; i++)
    {
      const char *old_rev = g_ptr_array_index (before, i);
      const char *new_rev = gp_document_get_rev (g_ptr_array_index (documents, i));

      if (old_rev == NULL)
        counts.created++;
      else if (g_str_equal (old_rev, new_rev))
        counts.unchanged++;
      else
        counts.updated++;
    }

  if (stats != NULL)
    *stats = counts;
  return TRUE;
}

gboolean
gp_package_import_file (GpStore         *store,
                        GFile           *file,
                        GpPackageStats  *stats,
                        GError         **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return FALSE;
  return gp_package_import_data (store, contents, length, stats, error);
}

static JsonNode *
feature_from_document (JsonObject *doc)
{
  JsonObject *feature = json_object_new ();
  JsonObject *properties = json_object_new ();
  JsonNode *geometry = json_object_get_member (doc, "geometry");
  JsonNode *node;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_set_string_member (feature, "type", "Feature");
  json_object_set_string_member (feature, "id", gp_json_get_string (doc, "_id"));
  json_object_set_member (feature, "geometry",
                          geometry ? json_node_ref (geometry) : json_node_new (JSON_NODE_NULL));

  json_object_iter_init_ordered (&iter, doc);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    if (member[0] != '_' && !g_str_equal (member, "geometry"))
      json_object_set_member (properties, member, json_node_ref (value));
  json_object_set_object_member (feature, "properties", properties);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, feature);
  return node;
}

static gboolean
add_features (GpStore     *store,
              JsonArray   *features,
              const char  *type,
              const char  *grid,
              GError     **error)
{
  g_autoptr(GPtrArray) docs = gp_store_list (store, type, grid, error);

  if (docs == NULL)
    return FALSE;
  for (guint i = 0; i < docs->len; i++)
    json_array_add_element (features, feature_from_document (g_ptr_array_index (docs, i)));
  return TRUE;
}

/**
 * gp_package_export_data:
 * @grid_code: (nullable): the grid; may be omitted when the store holds one
 *
 * The grid, its policy and everything of the grid that a package holds,
 * in a stable order, so the same store always exports the same bytes.
 */
char *
gp_package_export_data (GpStore     *store,
                        const char  *grid_code,
                        gsize       *length,
                        GError     **error)
{
  g_autoptr(GPtrArray) grids = NULL;
  g_autoptr(JsonObject) grid = NULL;
  g_autoptr(JsonObject) collection = json_object_new ();
  g_autoptr(JsonArray) features = json_array_new ();
  g_autofree char *grid_id = NULL;
  const char *policy;
  char *data;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  if (grid_code == NULL)
    {
      grids = gp_store_list (store, "grid", NULL, error);
      if (grids == NULL)
        return NULL;
      if (grids->len != 1)
        {
          g_set_error_literal (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NO_GRID,
                               grids->len == 0 ? _("the store holds no grid")
                                               : _("the store holds several grids; name one"));
          return NULL;
        }
      grid_code = gp_json_get_string (g_ptr_array_index (grids, 0), "code");
    }

  grid_id = g_strconcat ("grid:", grid_code, NULL);
  grid = gp_store_get (store, grid_id, GP_STORE_GET_NONE, NULL);
  if (grid == NULL)
    {
      g_set_error (error, GP_PACKAGE_ERROR, GP_PACKAGE_ERROR_NO_GRID,
                   _("the store holds no grid %s"), grid_code);
      return NULL;
    }

  json_array_add_element (features, feature_from_document (grid));
  policy = gp_json_get_string (grid, "policy");
  if (policy != NULL)
    {
      g_autoptr(JsonObject) policy_doc = gp_store_get (store, policy, GP_STORE_GET_NONE, NULL);

      if (policy_doc != NULL)
        json_array_add_element (features, feature_from_document (policy_doc));
    }

  for (guint i = 0; package_types[i] != NULL; i++)
    if (!g_str_equal (package_types[i], "grid") && !g_str_equal (package_types[i], "policy") &&
        !add_features (store, features, package_types[i], grid_code, error))
      return NULL;

  json_object_set_string_member (collection, "type", "FeatureCollection");
  json_object_set_string_member (collection, "name", gp_json_get_string (grid, "name"));
  json_object_set_array_member (collection, "features", g_steal_pointer (&features));

  data = gp_json_to_string (collection, TRUE);
  if (length != NULL)
    *length = strlen (data);
  return data;
}

gboolean
gp_package_export_file (GpStore     *store,
                        const char  *grid_code,
                        GFile       *file,
                        GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = gp_package_export_data (store, grid_code, &length, error);
  if (data == NULL)
    return FALSE;
  /* It holds residents' details unmasked: readable by the user only. */
  return g_file_replace_contents (file, data, length, NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
