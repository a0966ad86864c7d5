/* gp-report-draft.c
 *
 * A report being written is kept in the data folder, in drafts/report/:
 * draft.json with what was entered and each photo already taken in, as
 * photo-N.jpg and thumb-N.jpg. Closing the app, or a dead battery, loses
 * at most the last second of typing. Files are written whole (to a
 * temporary name, then renamed) by the caller's worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-report-draft"

#include "config.h"

#include "gp-report-draft.h"
#include "gp-geo.h"
#include "gp-casework.h"
#include "gp-categories.h"
#include "gp-json.h"
#include "gp-worker.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

GpReportDraft *
gp_report_draft_new (void)
{
  GpReportDraft *draft = g_new0 (GpReportDraft, 1);

  draft->source = g_strdup (GP_SOURCE_PATROL);
  draft->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_photo_free);
  return draft;
}

void
gp_report_draft_free (GpReportDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->grid);
  g_free (draft->category);
  g_free (draft->position_from);
  g_free (draft->building);
  g_free (draft->household);
  g_free (draft->text);
  g_free (draft->source);
  g_free (draft->grade);
  g_free (draft->urgency);
  g_clear_pointer (&draft->photos, g_ptr_array_unref);
  g_free (draft);
}

/* A copy to hand to a worker thread (the photos' bytes are shared). */
GpReportDraft *
gp_report_draft_copy (const GpReportDraft *draft)
{
  GpReportDraft *copy = g_memdup2 (draft, sizeof *draft);

  copy->grid = g_strdup (draft->grid);
  copy->category = g_strdup (draft->category);
  copy->position_from = g_strdup (draft->position_from);
  copy->building = g_strdup (draft->building);
  copy->household = g_strdup (draft->household);
  copy->text = g_strdup (draft->text);
  copy->source = g_strdup (draft->source);
  copy->grade = g_strdup (draft->grade);
  copy->urgency = g_strdup (draft->urgency);
  copy->photos = g_ptr_array_new_with_free_func ((GDestroyNotify) gp_photo_free);
  for (guint i = 0; i < draft->photos->len; i++)
    g_ptr_array_add (copy->photos, gp_photo_copy (g_ptr_array_index (draft->photos, i)));
  return copy;
}

/* Nothing entered yet: no photo, category, place or text. */
gboolean
gp_report_draft_is_empty (const GpReportDraft *draft)
{
  return draft->photos->len == 0 && draft->category == NULL && !draft->has_position &&
         draft->building == NULL && (draft->text == NULL || *draft->text == '\0');
}

char *
gp_report_draft_dup_dir (const char *data_dir)
{
  return g_build_filename (data_dir, "drafts", "report", NULL);
}

static void
set_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

static gboolean
write_file (const char  *dir,
            const char  *name,
            const void  *data,
            gsize        length,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  /* g_file_set_contents writes a temporary file and renames it, with fsync. */
  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * gp_report_draft_save:
 * @with_photos: whether the photos changed since the last save and are
 *   written again; the JSON is written every time
 */
gboolean
gp_report_draft_save (const GpReportDraft  *draft,
                      const char           *dir,
                      gboolean              with_photos,
                      GError              **error)
{
  g_autoptr(JsonObject) json = json_object_new ();
  g_autoptr(JsonArray) photos = json_array_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("cannot create the folder %s"), dir);
      return FALSE;
    }

  for (guint i = 0; i < draft->photos->len; i++)
    {
      GpPhoto *photo = g_ptr_array_index (draft->photos, i);
      g_autofree char *photo_name = g_strdup_printf ("photo-%u.jpg", i + 1);
      g_autofree char *thumb_name = g_strdup_printf ("thumb-%u.jpg", i + 1);
      JsonObject *entry = json_object_new ();

      if (with_photos &&
          (!write_file (dir, photo_name, g_bytes_get_data (photo->jpeg, NULL), g_bytes_get_size (photo->jpeg),
                        error) ||
           !write_file (dir, thumb_name, g_bytes_get_data (photo->thumbnail, NULL),
                        g_bytes_get_size (photo->thumbnail), error)))
        {
          json_object_unref (entry);
          return FALSE;
        }
      json_object_set_int_member (entry, "width", photo->width);
      json_object_set_int_member (entry, "height", photo->height);
      json_object_set_int_member (entry, "orientation", photo->orientation);
      gp_photo_write_provenance (photo, entry);
      json_array_add_object_element (photos, entry);
    }

  set_string (json, "grid", draft->grid);
  set_string (json, "category", draft->category);
  if (draft->has_position)
    {
      json_object_set_double_member (json, "latitude", draft->latitude);
      json_object_set_double_member (json, "longitude", draft->longitude);
      json_object_set_double_member (json, "accuracy", draft->accuracy);
    }
  set_string (json, "position_from", draft->position_from);
  set_string (json, "building", draft->building);
  set_string (json, "household", draft->household);
  set_string (json, "text", draft->text);
  set_string (json, "source", draft->source);
  set_string (json, "grade", draft->grade);
  set_string (json, "urgency", draft->urgency);
  json_object_set_boolean_member (json, "grade_chosen", draft->grade_chosen);
  json_object_set_int_member (json, "started_at", draft->started_at);
  json_object_set_array_member (json, "photos", g_steal_pointer (&photos));

  root = json_node_init_object (json_node_alloc (), json);
  text = json_to_string (root, TRUE);
  if (!write_file (dir, "draft.json", text, strlen (text), error))
    return FALSE;

  /* Photos removed since the last save. */
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      guint n = 0;

      if ((sscanf (name, "photo-%u.jpg", &n) == 1 || sscanf (name, "thumb-%u.jpg", &n) == 1) &&
          n > draft->photos->len)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_unlink (path);
        }
    }
  return TRUE;
}

static char *
dup_string (JsonObject *json,
            const char *member)
{
  return g_strdup (gp_json_get_string (json, member));
}

/**
 * gp_report_draft_load:
 *
 * The draft saved in @dir; NULL without an error when there is none.
 */
GpReportDraft *
gp_report_draft_load (const char  *dir,
                      GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "draft.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GpReportDraft) draft = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *json;
  JsonArray *photos;
  gint64 started = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  root = json_from_string (text, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the saved report is damaged: %s"),
                   local_error ? local_error->message : _("not an object"));
      return NULL;
    }
  json = json_node_get_object (root);
  draft = gp_report_draft_new ();
  g_clear_pointer (&draft->source, g_free);
  draft->grid = dup_string (json, "grid");
  draft->category = dup_string (json, "category");
  draft->has_position = gp_json_get_number (json, "latitude", &draft->latitude) &&
                        gp_json_get_number (json, "longitude", &draft->longitude);
  gp_json_get_number (json, "accuracy", &draft->accuracy);
  draft->position_from = dup_string (json, "position_from");
  draft->building = dup_string (json, "building");
  draft->household = dup_string (json, "household");
  draft->text = dup_string (json, "text");
  draft->source = dup_string (json, "source");
  draft->grade = dup_string (json, "grade");
  draft->urgency = dup_string (json, "urgency");
  draft->grade_chosen = json_object_has_member (json, "grade_chosen") &&
                        json_object_get_boolean_member (json, "grade_chosen");
  gp_json_get_int (json, "started_at", &started);
  draft->started_at = started;
  if (draft->source == NULL)
    draft->source = g_strdup (GP_SOURCE_PATROL);

  photos = gp_json_get_array (json, "photos");
  for (guint i = 0; photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonObject *entry = json_array_get_object_element (photos, i);
      g_autofree char *photo_path = g_strdup_printf ("%s/photo-%u.jpg", dir, i + 1);
      g_autofree char *thumb_path = g_strdup_printf ("%s/thumb-%u.jpg", dir, i + 1);
      g_autofree char *jpeg = NULL;
      g_autofree char *thumb = NULL;
      gsize jpeg_length, thumb_length;
      GpPhoto *photo;
      gint64 value = 0;

      /* A photo file that went missing is left out; the rest is kept. */
      if (entry == NULL || !g_file_get_contents (photo_path, &jpeg, &jpeg_length, NULL) ||
          !g_file_get_contents (thumb_path, &thumb, &thumb_length, NULL))
        continue;
      photo = g_new0 (GpPhoto, 1);
      photo->jpeg = g_bytes_new_take (g_steal_pointer (&jpeg), jpeg_length);
      photo->thumbnail = g_bytes_new_take (g_steal_pointer (&thumb), thumb_length);
      gp_json_get_int (entry, "width", &value);
      photo->width = (int) value;
      gp_json_get_int (entry, "height", &value);
      photo->height = (int) value;
      value = 1;
      gp_json_get_int (entry, "orientation", &value);
      photo->orientation = (int) value;
      gp_photo_read_provenance (photo, entry);
      /* A draft kept before provenance was recorded. */
      value = 0;
      if (photo->captured_at == 0 && gp_json_get_int (entry, "captured_at", &value))
        photo->captured_at = value;
      if (!photo->has_position)
        photo->has_position = gp_json_get_number (entry, "latitude", &photo->latitude) &&
                              gp_json_get_number (entry, "longitude", &photo->longitude);
      g_ptr_array_add (draft->photos, photo);
    }
  return g_steal_pointer (&draft);
}

gboolean
gp_report_draft_discard (const char  *dir,
                         GError     **error)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_unlink (path) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("cannot remove %s"), path);
          return FALSE;
        }
    }
  g_rmdir (dir);
  return TRUE;
}

/**
 * gp_report_draft_dup_missing:
 *
 * What the report still needs before it can be sent, each said as the
 * worker would say it; empty when nothing is missing.
 */
char **
gp_report_draft_dup_missing (const GpReportDraft *draft)
{
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();

  if (draft->category == NULL)
    g_strv_builder_add (missing, _("What it is: choose a category"));
  if (!draft->has_position)
    g_strv_builder_add (missing, _("Where it is: your position, a building or a point on the map"));
  return g_strv_builder_end (missing);
}

/**
 * gp_report_draft_to_incident:
 *
 * The incident the draft describes, with its photos attached; refuses a
 * draft without a category or a place.
 */
GpIncident *
gp_report_draft_to_incident (const GpReportDraft  *draft,
                             const char           *reporter,
                             GDateTime            *reported_at,
                             GError              **error)
{
  g_autoptr(GpIncident) incident = NULL;
  g_autoptr(JsonObject) point = NULL;
  GpGeoPoint where;

  if (draft->category == NULL)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING, _("Choose a category first"));
      return NULL;
    }
  if (!draft->has_position)
    {
      g_set_error_literal (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING,
                           _("Say where it is: your position, a building or a place on the map"));
      return NULL;
    }

  incident = gp_incident_new ();
  g_object_set (incident, "grid", draft->grid, "source", draft->source ? draft->source : GP_SOURCE_PATROL,
                "category", draft->category, "grade", draft->grade, "urgency", draft->urgency,
                "description", draft->text && *draft->text ? draft->text : NULL,
                "building", draft->building, "household", draft->household,
                "reporter", reporter, "reported-at", reported_at, NULL);
  if (draft->accuracy > 0)
    g_object_set (incident, "accuracy-m", draft->accuracy, NULL);
  where.lat = draft->latitude;
  where.lon = draft->longitude;
  point = gp_geo_point_new (where);
  gp_document_set_geometry (GP_DOCUMENT (incident), point);
  for (guint i = 0; i < draft->photos->len; i++)
    gp_casework_add_photo (GP_DOCUMENT (incident), g_ptr_array_index (draft->photos, i));
  if (!gp_document_validate (GP_DOCUMENT (incident), error))
    return NULL;
  return g_steal_pointer (&incident);
}

/* Keeping the draft. */

typedef struct
{
  GpReportDraft *draft;
  char          *dir;
  gboolean       with_photos;
} Keep;

static void
keep_free (Keep *keep)
{
  gp_report_draft_free (keep->draft);
  g_free (keep->dir);
  g_free (keep);
}

static void
keep_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Keep *keep = task_data;
  GError *error = NULL;

  if (gp_report_draft_is_empty (keep->draft))
    gp_report_draft_discard (keep->dir, NULL);
  else if (!gp_report_draft_save (keep->draft, keep->dir, keep->with_photos, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * gp_report_draft_keep_async:
 *
 * Saves a copy of @draft in a worker thread, or removes what was kept when
 * it is empty. The work is counted by gp_worker_wait_all(), so the app
 * does not exit with a draft half written.
 */
void
gp_report_draft_keep_async (const GpReportDraft *draft,
                            const char          *dir,
                            gboolean             with_photos,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Keep *keep;

  g_return_if_fail (draft != NULL && dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_report_draft_keep_async);
  keep = g_new0 (Keep, 1);
  keep->draft = gp_report_draft_copy (draft);
  keep->dir = g_strdup (dir);
  keep->with_photos = with_photos;
  g_task_set_task_data (task, keep, (GDestroyNotify) keep_free);
  gp_worker_run (task, keep_thread);
}

gboolean
gp_report_draft_keep_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What the report form opens with. */

static void
place_clear (GpReportPlace *place)
{
  g_free (place->id);
  g_free (place->name);
}

void
gp_report_form_free (GpReportForm *form)
{
  if (form == NULL)
    return;
  g_clear_object (&form->categories);
  g_clear_object (&form->policy);
  gp_report_draft_free (form->draft);
  g_free (form->household_label);
  g_clear_pointer (&form->places, g_array_unref);
  g_free (form);
}

/**
 * gp_report_form_load:
 *
 * The categories and the grid's grading scheme; the draft kept for @grid,
 * if any (a draft of another grid is not this one's; one that cannot be
 * read is lost, and logged), the label of its household, and the grid's
 * buildings as places to choose from.
 */
GpReportForm *
gp_report_form_load (GpStore    *store,
                     const char *draft_dir,
                     const char *grid)
{
  GpReportForm *form = g_new0 (GpReportForm, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) buildings = NULL;

  g_return_val_if_fail (GP_IS_STORE (store), NULL);

  form->categories = gp_categories_load (store);
  form->policy = grid ? gp_casework_load_policy (store, grid, NULL) : NULL;
  form->draft = gp_report_draft_load (draft_dir, &error);
  if (error != NULL)
    g_message ("The report in progress is lost: %s", error->message);
  if (form->draft != NULL && g_strcmp0 (form->draft->grid, grid) != 0)
    g_clear_pointer (&form->draft, gp_report_draft_free);
  if (form->draft != NULL && form->draft->household != NULL)
    {
      g_autoptr(GpDocument) household = gp_documents_load (store, form->draft->household, NULL);

      if (household != NULL && GP_IS_HOUSEHOLD (household))
        form->household_label = gp_household_dup_label (GP_HOUSEHOLD (household));
    }

  form->places = g_array_new (FALSE, TRUE, sizeof (GpReportPlace));
  g_array_set_clear_func (form->places, (GDestroyNotify) place_clear);
  buildings = gp_documents_load_all (store, "building", grid, NULL);
  for (guint i = 0; buildings != NULL && i < buildings->len; i++)
    {
      GpBuilding *document = g_ptr_array_index (buildings, i);
      GpReportPlace place = { 0 };

      place.id = g_strdup (gp_document_get_id (GP_DOCUMENT (document)));
      place.name = g_strdup (gp_building_get_name (document));
      gp_geo_geometry_get_center (gp_document_get_geometry (GP_DOCUMENT (document)), &place.centre);
      g_array_append_val (form->places, place);
    }
  return form;
}

typedef struct
{
  char *draft_dir;
  char *grid;
} FormQuery;

static void
form_query_free (FormQuery *query)
{
  g_free (query->draft_dir);
  g_free (query->grid);
  g_free (query);
}

static void
form_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FormQuery *query = task_data;

  g_task_return_pointer (task, gp_report_form_load (source_object, query->draft_dir, query->grid),
                         (GDestroyNotify) gp_report_form_free);
}

void
gp_report_form_load_async (GpStore             *store,
                           const char          *draft_dir,
                           const char          *grid,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FormQuery *query;

  g_return_if_fail (GP_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, gp_report_form_load_async);
  query = g_new0 (FormQuery, 1);
  query->draft_dir = g_strdup (draft_dir);
  query->grid = g_strdup (grid);
  g_task_set_task_data (task, query, (GDestroyNotify) form_query_free);
  gp_worker_run (task, form_thread);
}

GpReportForm *
gp_report_form_load_finish (GpStore       *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
