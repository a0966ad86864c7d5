/* gp-casework.c
 *
 * Casework on a store: reporting an incident, taking a step of its
 * workflow (sealed, folded, refused when it does not apply, then saved),
 * loading a case with its grid's grading scheme, and the photos of both.
 *
 * Photos are attachments of the incident or of the event that brought them
 * ("photo-1.jpg", with "thumb-1.jpg" for lists), described in the
 * document's "photos": capture time and position from the camera, size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-casework"

#include "config.h"

#include "gp-casework.h"
#include "gp-categories.h"
#include "gp-clock.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>

/**
 * gp_casework_load_policy:
 *
 * The grading scheme of a grid: the one its grid document names, or the
 * store's only policy.
 */
GpPolicy *
gp_casework_load_policy (GpStore     *store,
                          const char  *grid_code,
                          GError     **error)
{
  g_autofree char *grid_id = g_strconcat ("grid:", grid_code ? grid_code : "", NULL);
  g_autoptr(GpDocument) grid = gp_documents_load (store, grid_id, NULL);
  g_autoptr(GPtrArray) policies = NULL;
  const char *policy_id = grid && GP_IS_GRID (grid) ? gp_grid_get_policy (GP_GRID (grid)) : NULL;

  if (policy_id != NULL)
    {
      GpDocument *policy = gp_documents_load (store, policy_id, error);

      if (policy != NULL && !GP_IS_POLICY (policy))
        {
          g_clear_object (&policy);
          g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not a grading scheme"), policy_id);
        }
      return (GpPolicy *) policy;
    }

  policies = gp_documents_load_all (store, "policy", NULL, error);
  if (policies == NULL)
    return NULL;
  if (policies->len != 1)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND,
                   _("grid %s names no grading scheme, and the store has %u"), grid_code, policies->len);
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (policies, 0));
}

static void
unref_policy (gpointer policy)
{
  if (policy != NULL)
    g_object_unref (policy);
}

/* Grading schemes by grid code, for work over many cases: each looked up
 * once (gp_casework_cached_policy()). */
GHashTable *
gp_casework_policy_cache_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_policy);
}

/**
 * gp_casework_cached_policy:
 * @cache: from gp_casework_policy_cache_new()
 *
 * Returns: (transfer none) (nullable): the grid's grading scheme, %NULL
 *   when it has none
 */
GpPolicy *
gp_casework_cached_policy (GHashTable *cache,
                            GpStore    *store,
                            const char *grid_code)
{
  GpPolicy *policy;

  if (g_hash_table_lookup_extended (cache, grid_code, NULL, (gpointer *) &policy))
    return policy;
  policy = gp_casework_load_policy (store, grid_code, NULL);
  if (policy == NULL)
    g_debug ("Grid %s has no grading scheme", grid_code);
  g_hash_table_insert (cache, g_strdup (grid_code), policy);
  return policy;
}

/**
 * gp_casework_load_case:
 * @incident: (out) (optional): the incident
 * @policy: (out) (optional): its grid's grading scheme
 *
 * An incident's case at @now, folded from its events in the store.
 */
GpCase *
gp_casework_load_case (GpStore     *store,
                        const char  *incident_id,
                        gint64       now,
                        GpIncident **incident,
                        GpPolicy   **policy,
                        GError     **error)
{
  g_autoptr(GpDocument) document = NULL;
  g_autoptr(GpPolicy) scheme = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GpCase *result;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);

  document = gp_documents_load (store, incident_id, error);
  if (document == NULL)
    return NULL;
  if (!GP_IS_INCIDENT (document))
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_INVALID, _("%s is not an incident"), incident_id);
      return NULL;
    }
  scheme = gp_casework_load_policy (store, gp_incident_get_grid (GP_INCIDENT (document)), error);
  if (scheme == NULL)
    return NULL;
  events = gp_documents_load_by (store, "event", GP_STORE_REF_INCIDENT, incident_id, error);
  if (events == NULL)
    return NULL;

  result = gp_case_fold (GP_INCIDENT (document), events, scheme, now);
  if (incident != NULL)
    *incident = GP_INCIDENT (g_steal_pointer (&document));
  if (policy != NULL)
    *policy = g_steal_pointer (&scheme);
  return result;
}

guint
gp_casework_count_photos (GpDocument *document)
{
  JsonArray *photos = gp_document_get_array_member (document, "photos");

  return photos ? json_array_get_length (photos) : 0;
}

/**
 * gp_casework_is_full_photo:
 * @doc: a document as JSON
 * @attachment: the name of one of its attachments
 *
 * Whether @attachment is a full photo of @doc, as its "photos" name it,
 * rather than a thumbnail: what a phone may leave at the centre until
 * the photo is shown.
 */
gboolean
gp_casework_is_full_photo (JsonObject *doc,
                           const char *attachment)
{
  JsonArray *photos = gp_json_get_array (doc, "photos");

  g_return_val_if_fail (attachment != NULL, FALSE);

  for (guint i = 0; photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonNode *node = json_array_get_element (photos, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (gp_json_get_string (entry, "name"), attachment) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * gp_casework_add_photo:
 *
 * Attaches a processed photo and its thumbnail to an incident or event,
 * and describes it in the document's "photos".
 */
void
gp_casework_add_photo (GpDocument    *document,
                        const GpPhoto *photo)
{
  JsonArray *photos = gp_document_get_array_member (document, "photos");
  guint n = photos ? json_array_get_length (photos) + 1 : 1;
  g_autofree char *name = g_strdup_printf ("photo-%u.jpg", n);
  g_autofree char *thumb = g_strdup_printf ("thumb-%u.jpg", n);
  g_autoptr(GpAttachment) attachment = gp_attachment_new (name, "image/jpeg", photo->jpeg);
  g_autoptr(GpAttachment) thumbnail = gp_attachment_new (thumb, "image/jpeg", photo->thumbnail);
  JsonObject *entry = json_object_new ();

  g_return_if_fail (GP_IS_DOCUMENT (document));

  gp_document_add_attachment (document, attachment);
  gp_document_add_attachment (document, thumbnail);

  json_object_set_string_member (entry, "name", name);
  json_object_set_string_member (entry, "digest", attachment->digest);
  json_object_set_string_member (entry, "thumbnail", thumb);
  json_object_set_string_member (entry, "thumbnail_digest", thumbnail->digest);
  json_object_set_int_member (entry, "width", photo->width);
  json_object_set_int_member (entry, "height", photo->height);
  gp_photo_write_provenance (photo, entry);

  if (photos == NULL)
    {
      g_autoptr(JsonArray) array = json_array_new ();

      json_array_add_object_element (array, entry);
      gp_document_set_member (GP_DOCUMENT (document), "photos", json_node_init_array (json_node_alloc (), array));
    }
  else
    json_array_add_object_element (photos, entry);
}

/**
 * gp_casework_defaults:
 * @grade: (out): the level a case of @category starts at
 * @urgency: (out) (nullable): its urgency, when the scheme has urgencies
 *
 * A category's severity (1 simple … 4 major) picks a level through the
 * policy's "severity_levels" (four level codes), or else its escalation
 * order; an urgent category takes the scheme's first urgency.
 */
void
gp_casework_defaults (GpPolicy         *policy,
                       const GpCategory *category,
                       char            **grade,
                       char            **urgency)
{
  JsonArray *map = gp_document_get_array_member (GP_DOCUMENT (policy), "severity_levels");
  g_auto(GStrv) order = gp_policy_dup_escalation (policy);
  JsonArray *urgencies = gp_document_get_array_member (GP_DOCUMENT (policy), "urgencies");
  int severity = category ? category->severity : 2;
  const char *level = NULL;

  g_return_if_fail (GP_IS_POLICY (policy));

  if (map != NULL && json_array_get_length (map) >= 4)
    level = json_array_get_string_element (map, CLAMP (severity, 1, 4) - 1);
  else if (order[0] != NULL)
    level = order[MIN ((guint) CLAMP (severity, 1, 4), g_strv_length (order)) - 1];
  if (level == NULL || gp_policy_get_level (policy, level) == NULL)
    level = gp_policy_get_default_level (policy);
  *grade = g_strdup (level);

  *urgency = NULL;
  if (urgencies != NULL && json_array_get_length (urgencies) > 0)
    {
      guint index = category && category->urgent ? 0 : json_array_get_length (urgencies) > 1 ? 1 : 0;
      JsonNode *node = json_array_get_element (urgencies, index);

      if (JSON_NODE_HOLDS_OBJECT (node))
        *urgency = g_strdup (gp_json_get_string (json_node_get_object (node), "code"));
    }
}

/**
 * gp_casework_report:
 *
 * Saves a new incident, in one transaction with its photos.
 */
gboolean
gp_casework_report (GpStore     *store,
                     GpIncident  *incident,
                     GError     **error)
{
  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (GP_IS_INCIDENT (incident), FALSE);

  return gp_documents_save (store, GP_DOCUMENT (incident), GP_STORE_PUT_NONE, error);
}

/**
 * gp_casework_act:
 * @event: the step as taken; its id does not matter
 * @id: (out) (optional): the id the step is stored under
 *
 * Appends a workflow step to its incident when the case allows it now;
 * otherwise says why and stores nothing. The step stored is @event sealed
 * (see gp_event_seal()): placed after every step this phone has of the
 * case, and named by its content.
 */
gboolean
gp_casework_act (GpStore     *store,
                  GpEvent     *event,
                  char       **id,
                  GError     **error)
{
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(GpPolicy) policy = NULL;
  g_autoptr(GpCase) now = NULL;
  g_autoptr(GpCase) after = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GpEvent) sealed = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GpTimelineEntry *last;

  g_return_val_if_fail (GP_IS_STORE (store), FALSE);
  g_return_val_if_fail (GP_IS_EVENT (event), FALSE);

  at = gp_event_dup_at (event);
  now = gp_casework_load_case (store, gp_event_get_incident (event), at ? g_date_time_to_unix (at) : 0,
                                &incident, &policy, error);
  if (now == NULL || !gp_case_check (now, incident, policy, event, error))
    return FALSE;
  if (gp_event_get_grid (event) == NULL)
    g_object_set (event, "grid", gp_incident_get_grid (incident), NULL);

  /* After everything this phone has seen of the case, named by its
   * content; and applied in the fold as it will be everywhere. */
  sealed = gp_event_seal (event, now->last_seq + 1);
  if (!gp_document_validate (GP_DOCUMENT (sealed), error))
    return FALSE;
  events = gp_documents_load_by (store, "event", GP_STORE_REF_INCIDENT, gp_event_get_incident (event), error);
  if (events == NULL)
    return FALSE;
  g_ptr_array_add (events, g_object_ref (sealed));
  after = gp_case_fold (incident, events, policy, at ? g_date_time_to_unix (at) : 0);
  last = g_ptr_array_index (after->timeline, after->timeline->len - 1);
  if (last->event != sealed || !last->applied)
    {
      g_set_error (error, GP_WORKFLOW_ERROR, GP_WORKFLOW_ERROR_INVALID,
                   _("the step would not count in the case: %s"),
                   last->refusal ? last->refusal : _("another step comes after it"));
      return FALSE;
    }
  if (!gp_documents_save (store, GP_DOCUMENT (sealed), GP_STORE_PUT_NONE, error))
    return FALSE;
  if (id != NULL)
    *id = g_strdup (gp_document_get_id (GP_DOCUMENT (sealed)));
  return TRUE;
}

static void
act_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;
  char *id = NULL;

  if (gp_casework_act (source_object, task_data, &id, &error))
    g_task_return_pointer (task, id, g_free);
  else
    g_task_return_error (task, error);
}

/**
 * gp_casework_act_async:
 *
 * gp_casework_act() in a worker thread (see gp-worker.h). Leave @event
 * unchanged until it is done.
 */
void
gp_casework_act_async (GpStore             *store,
                       GpEvent             *event,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (GP_IS_STORE (store));
  g_return_if_fail (GP_IS_EVENT (event));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_casework_act_async);
  g_task_set_task_data (task, g_object_ref (event), g_object_unref);
  gp_worker_run (task, act_thread);
}

gboolean
gp_casework_act_finish (GpStore       *store,
                        GAsyncResult  *result,
                        char         **id,
                        GError       **error)
{
  g_autofree char *stored = NULL;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  stored = g_task_propagate_pointer (G_TASK (result), error);
  if (stored == NULL)
    return FALSE;
  if (id != NULL)
    *id = g_steal_pointer (&stored);
  return TRUE;
}

/* Photos. */

static GdkPixbuf *
load_picture (GpStore     *store,
              GpDocument  *document,
              const char  *name,
              GError     **error)
{
  GpAttachment *attachment = gp_document_get_attachment (document, name);
  g_autoptr(GBytes) bytes = NULL;

  if (attachment == NULL)
    {
      g_set_error (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_FOUND, _("There is no photo %s"), name);
      return NULL;
    }
  bytes = gp_store_read_attachment (store, attachment->digest, error);
  return bytes ? gp_photo_decode (bytes, error) : NULL;
}

typedef struct
{
  char *id;
  char *name;
} Picture;

static void
picture_free (Picture *picture)
{
  g_free (picture->id);
  g_free (picture->name);
  g_free (picture);
}

static void
picture_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Picture *picture = task_data;
  g_autoptr(GpDocument) document = NULL;
  GError *error = NULL;
  GdkPixbuf *pixbuf = NULL;

  document = gp_documents_load (source_object, picture->id, &error);
  if (document != NULL)
    pixbuf = load_picture (source_object, document, picture->name, &error);
  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pixbuf, g_object_unref);
}

/**
 * gp_casework_load_picture_async:
 * @attachment: the attachment's name, such as "thumb-1.jpg"
 */
void
gp_casework_load_picture_async (GpStore             *store,
                                const char          *document_id,
                                const char          *attachment,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Picture *picture;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_casework_load_picture_async);
  picture = g_new0 (Picture, 1);
  picture->id = g_strdup (document_id);
  picture->name = g_strdup (attachment);
  g_task_set_task_data (task, picture, (GDestroyNotify) picture_free);
  gp_worker_run (task, picture_thread);
}

GdkPixbuf *
gp_casework_load_picture_finish (GpStore       *store,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The case sheet. */

void
gp_case_sheet_free (GpCaseSheet *sheet)
{
  if (sheet == NULL)
    return;
  g_clear_pointer (&sheet->shown, gp_case_free);
  g_clear_object (&sheet->incident);
  g_clear_object (&sheet->policy);
  g_free (sheet->category);
  g_free (sheet->building);
  g_clear_pointer (&sheet->pictures, g_ptr_array_unref);
  g_clear_pointer (&sheet->captions, g_ptr_array_unref);
  g_clear_pointer (&sheet->provenance, g_ptr_array_unref);
  g_clear_pointer (&sheet->doubtful, g_array_unref);
  g_clear_pointer (&sheet->sources, g_ptr_array_unref);
  g_clear_pointer (&sheet->names, g_ptr_array_unref);
  g_clear_pointer (&sheet->remote, g_array_unref);
  g_free (sheet);
}

/* A photo's caption: the report's show the problem before, the handling
 * steps' after; any other step's photos say which step. */
static const char *
caption_of (GpDocument *document)
{
  const char *action;

  if (!GP_IS_EVENT (document))
    return _("Before");
  action = gp_event_get_action (GP_EVENT (document));
  if (g_strcmp0 (action, GP_ACTION_HANDLED) == 0 || g_strcmp0 (action, GP_ACTION_SELF_HANDLE) == 0)
    return _("After");
  return gp_action_label (action);
}

static void
add_pictures (GpCaseSheet *sheet,
              GpStore     *store,
              GpDocument  *document)
{
  JsonArray *photos = gp_document_get_array_member (document, "photos");

  GpGeoPoint position;
  gboolean has_position = gp_geo_geometry_get_center (gp_document_get_geometry (GP_DOCUMENT (sheet->incident)),
                                                     &position);

  for (guint i = 0; photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonObject *entry = json_array_get_object_element (photos, i);
      const char *name = entry ? gp_json_get_string (entry, "name") : NULL;
      g_autoptr(GError) error = NULL;
      GdkPixbuf *pixbuf = name ? load_picture (store, document, name, &error) : NULL;
      g_autoptr(GpDocument) building = NULL;
      const char *building_name = NULL;
      GpPhoto photo = { 0 };
      gboolean doubtful = FALSE;
      gboolean remote = FALSE;
      char *line;

      /* A photo left at the centre shows its thumbnail until it comes. */
      if (g_error_matches (error, GP_STORE_ERROR, GP_STORE_ERROR_NOT_HERE) &&
          gp_json_get_string (entry, "thumbnail") != NULL)
        {
          pixbuf = load_picture (store, document, gp_json_get_string (entry, "thumbnail"), NULL);
          remote = TRUE;
        }
      if (pixbuf == NULL)
        continue;
      g_ptr_array_add (sheet->pictures, pixbuf);
      g_ptr_array_add (sheet->sources, g_strdup (gp_document_get_id (document)));
      g_ptr_array_add (sheet->names, g_strdup (name));
      g_array_append_val (sheet->remote, remote);
      g_ptr_array_add (sheet->captions, g_strdup (caption_of (document)));
      gp_photo_read_provenance (&photo, entry);
      /* Mostly the case's own building, named already. */
      if (photo.building != NULL && g_strcmp0 (photo.building, gp_incident_get_building (sheet->incident)) == 0)
        building_name = sheet->building;
      else if (photo.building != NULL && (building = gp_documents_load (store, photo.building, NULL)) != NULL &&
               GP_IS_BUILDING (building))
        building_name = gp_building_get_name (GP_BUILDING (building));
      line = gp_photo_describe_provenance (&photo, has_position, position.lat, position.lon, building_name,
                                          &doubtful);
      g_ptr_array_add (sheet->provenance, line ? line : g_strdup (""));
      g_array_append_val (sheet->doubtful, doubtful);
      gp_photo_clear_provenance (&photo);
    }
}

/**
 * gp_case_sheet_load:
 * @now: UNIX time the case's clocks are read at
 *
 * A photo that cannot be read is left out.
 */
GpCaseSheet *
gp_case_sheet_load (GpStore     *store,
                    const char  *incident_id,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(GpCaseSheet) sheet = g_new0 (GpCaseSheet, 1);
  g_autoptr(GpCategories) categories = NULL;
  g_autoptr(GpDocument) building = NULL;
  const char *building_id;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  sheet->shown = gp_casework_load_case (store, incident_id, now, &sheet->incident, &sheet->policy, error);
  if (sheet->shown == NULL)
    return NULL;
  categories = gp_categories_load (store);
  sheet->category = gp_categories_describe (categories, sheet->shown->category);
  building_id = gp_incident_get_building (sheet->incident);
  if (building_id != NULL && (building = gp_documents_load (store, building_id, NULL)) != NULL &&
      GP_IS_BUILDING (building))
    sheet->building = g_strdup (gp_building_get_name (GP_BUILDING (building)));

  sheet->pictures = g_ptr_array_new_with_free_func (g_object_unref);
  sheet->captions = g_ptr_array_new_with_free_func (g_free);
  sheet->provenance = g_ptr_array_new_with_free_func (g_free);
  sheet->doubtful = g_array_new (FALSE, FALSE, sizeof (gboolean));
  sheet->sources = g_ptr_array_new_with_free_func (g_free);
  sheet->names = g_ptr_array_new_with_free_func (g_free);
  sheet->remote = g_array_new (FALSE, FALSE, sizeof (gboolean));
  add_pictures (sheet, store, GP_DOCUMENT (sheet->incident));
  for (guint i = 0; i < sheet->shown->timeline->len; i++)
    add_pictures (sheet, store,
                  GP_DOCUMENT (((GpTimelineEntry *) g_ptr_array_index (sheet->shown->timeline, i))->event));
  return g_steal_pointer (&sheet);
}

typedef struct
{
  char   *id;
  gint64  now;
} SheetQuery;

static void
sheet_query_free (SheetQuery *query)
{
  g_free (query->id);
  g_free (query);
}

static void
sheet_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SheetQuery *query = task_data;
  GError *error = NULL;
  GpCaseSheet *sheet = gp_case_sheet_load (source_object, query->id, query->now, &error);

  if (sheet == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sheet, (GDestroyNotify) gp_case_sheet_free);
}

void
gp_case_sheet_load_async (GpStore             *store,
                          const char          *incident_id,
                          gint64               now,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SheetQuery *query;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_case_sheet_load_async);
  query = g_new0 (SheetQuery, 1);
  query->id = g_strdup (incident_id);
  query->now = now;
  g_task_set_task_data (task, query, (GDestroyNotify) sheet_query_free);
  gp_worker_run (task, sheet_thread);
}

GpCaseSheet *
gp_case_sheet_load_finish (GpStore       *store,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A case, off the main loop. */

typedef struct
{
  GpCase     *shown;
  GpIncident *incident;
  GpPolicy   *policy;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->shown, gp_case_free);
  g_clear_object (&loaded->incident);
  g_clear_object (&loaded->policy);
  g_free (loaded);
}

static void
case_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SheetQuery *query = task_data;
  Loaded *loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  loaded->shown = gp_casework_load_case (source_object, query->id, query->now, &loaded->incident, &loaded->policy,
                                         &error);
  if (loaded->shown == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

/**
 * gp_casework_load_case_async:
 *
 * gp_casework_load_case() in a worker thread.
 */
void
gp_casework_load_case_async (GpStore             *store,
                             const char          *incident_id,
                             gint64               now,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SheetQuery *query;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_casework_load_case_async);
  query = g_new0 (SheetQuery, 1);
  query->id = g_strdup (incident_id);
  query->now = now;
  g_task_set_task_data (task, query, (GDestroyNotify) sheet_query_free);
  gp_worker_run (task, case_thread);
}

/**
 * gp_casework_load_case_finish:
 * @incident: (out) (optional): the incident
 * @policy: (out) (optional): its grid's grading scheme
 */
GpCase *
gp_casework_load_case_finish (GpStore       *store,
                              GAsyncResult  *result,
                              GpIncident   **incident,
                              GpPolicy     **policy,
                              GError       **error)
{
  Loaded *loaded;
  GpCase *shown;

  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;
  shown = g_steal_pointer (&loaded->shown);
  if (incident != NULL)
    *incident = g_steal_pointer (&loaded->incident);
  if (policy != NULL)
    *policy = g_steal_pointer (&loaded->policy);
  loaded_free (loaded);
  return shown;
}

void
gp_photo_check_free (GpPhotoCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->document);
  g_free (check->name);
  g_free (check->recorded);
  g_free (check->actual);
  g_free (check->reason);
  g_free (check);
}

static void
verify_document (GpStore    *store,
                 GpDocument *document,
                 GPtrArray  *checks)
{
  JsonArray *photos = gp_document_get_array_member (document, "photos");

  for (guint i = 0; photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonNode *node = json_array_get_element (photos, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = entry ? gp_json_get_string (entry, "name") : NULL;
      GpAttachment *attachment = name ? gp_document_get_attachment (document, name) : NULL;
      GpPhotoCheck *check;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      if (name == NULL)
        continue;
      check = g_new0 (GpPhotoCheck, 1);
      check->document = g_strdup (gp_document_get_id (document));
      check->name = g_strdup (name);
      check->recorded = g_strdup (gp_json_get_string (entry, "sha256"));
      if (attachment == NULL)
        {
          check->result = GP_PHOTO_CHECK_ABSENT;
          check->reason = g_strdup (_("the document has no such attachment"));
        }
      else if (attachment->data != NULL)
        bytes = g_bytes_ref (attachment->data);
      else if (!gp_store_has_blob (store, attachment->digest))
        {
          check->result = GP_PHOTO_CHECK_ABSENT;
          check->reason = g_strdup (_("it has not been downloaded to this device"));
        }
      else if ((bytes = gp_store_read_attachment (store, attachment->digest, &error)) == NULL)
        {
          /* The store's own check failed: the file was changed. */
          check->result = GP_PHOTO_CHECK_CHANGED;
          check->reason = g_strdup (error->message);
        }
      if (bytes != NULL)
        {
          check->actual = gp_photo_compute_sha256 (bytes);
          if (check->recorded == NULL)
            check->result = GP_PHOTO_CHECK_UNRECORDED;
          else
            check->result = g_ascii_strcasecmp (check->recorded, check->actual) == 0 ? GP_PHOTO_CHECK_OK
                                                                                     : GP_PHOTO_CHECK_CHANGED;
        }
      g_ptr_array_add (checks, check);
    }
}

/**
 * gp_casework_verify_photos:
 *
 * Recomputes the SHA-256 of every photo of a case (the report's and its
 * steps') and compares it with the one recorded when it was taken in.
 *
 * Returns: (transfer full) (element-type GpPhotoCheck): one check a photo,
 *   the report's first, then the steps' in the order they were taken
 */
GPtrArray *
gp_casework_verify_photos (GpStore     *store,
                           const char  *incident_id,
                           GError     **error)
{
  g_autoptr(GpDocument) incident = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_photo_check_free);

  g_return_val_if_fail (GP_IS_STORE (store), NULL);
  g_return_val_if_fail (incident_id != NULL, NULL);

  incident = gp_documents_load (store, incident_id, error);
  if (incident == NULL)
    return NULL;
  if (!GP_IS_INCIDENT (incident))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%s is not an incident"), incident_id);
      return NULL;
    }
  events = gp_documents_load_by (store, "event", GP_STORE_REF_INCIDENT, incident_id, error);
  if (events == NULL)
    return NULL;
  g_ptr_array_sort_values (events, (GCompareFunc) gp_event_compare);
  verify_document (store, incident, checks);
  for (guint i = 0; i < events->len; i++)
    verify_document (store, g_ptr_array_index (events, i), checks);
  return g_steal_pointer (&checks);
}
