/* gp-case-index.c
 *
 * The area's figures — rates, the overdue board, the to-do, hot spots —
 * would need every incident and every event folded if they were read from
 * the documents. Instead each case's fold is kept as a row of the `cases`
 * table, the way CouchDB keeps a view: before the table is read, the
 * change feed since the last update names the incidents whose documents
 * or events changed, and only those are folded again. A new grading scheme
 * or grid changes deadlines everywhere, so it refolds every case.
 *
 * The rows keep what does not move with the clock (the clock used in
 * spans that ended, when the running one started); readers add the time
 * since with the grid's policy.
 *
 * Everything here is synchronous and meant for a worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "gp-case-index"

#include "config.h"

#include "gp-case-index.h"
#include "gp-clock.h"
#include "gp-store-table.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-casework.h"
#include "gp-json.h"
#include "gp-photo.h"

#include <string.h>

/* By time alone: a phone holds a few grids, and a period's rows are few.
 * A full rebuild drops them and makes them again once, after the rows. */
#define CASES_INDEXES \
  "CREATE INDEX IF NOT EXISTS cases_by_reported ON cases (reported_at);" \
  "CREATE INDEX IF NOT EXISTS cases_by_handled ON cases (handled_at);" \
  "CREATE INDEX IF NOT EXISTS cases_by_closed ON cases (closed_at);" \
  "CREATE INDEX IF NOT EXISTS cases_by_evaluated ON cases (evaluated_at);" \
  "CREATE INDEX IF NOT EXISTS cases_by_deadline ON cases (deadline);" \
  "CREATE INDEX IF NOT EXISTS cases_by_state ON cases (state);"
#define CASES_DROP_INDEXES \
  "DROP INDEX IF EXISTS cases_by_reported; DROP INDEX IF EXISTS cases_by_handled;" \
  "DROP INDEX IF EXISTS cases_by_closed; DROP INDEX IF EXISTS cases_by_evaluated;" \
  "DROP INDEX IF EXISTS cases_by_deadline; DROP INDEX IF EXISTS cases_by_state;"

/* The table, as a CouchDB view is kept: derived, made again from the
 * documents whenever asked. Times are UNIX seconds, 0 for not. */
static const char * const cases_versions[] = {
  /* 1 — as the store made it before the table was the case index's own. */
  "CREATE TABLE IF NOT EXISTS cases ("
  "  incident      TEXT PRIMARY KEY NOT NULL,"
  "  grid          TEXT NOT NULL,"
  "  category      TEXT,"
  "  source        TEXT,"
  "  reporter      TEXT,"
  "  handler       TEXT,"               /* who first marked it handled */
  "  owner         TEXT,"
  "  level         TEXT,"
  "  state         TEXT NOT NULL,"
  "  round         INTEGER NOT NULL,"
  "  lat           REAL,"
  "  lon           REAL,"
  "  title         TEXT,"
  "  building      TEXT,"
  "  address       TEXT,"
  "  thumbnail     TEXT,"
  "  reported_at   INTEGER NOT NULL,"
  "  response_due  INTEGER NOT NULL,"
  "  responded_at  INTEGER NOT NULL,"
  "  registered_at INTEGER NOT NULL,"
  "  handled_at    INTEGER NOT NULL,"   /* the first time */
  "  closed_at     INTEGER NOT NULL,"   /* closed out, not voided */
  "  evaluated_at  INTEGER NOT NULL,"   /* the first callback */
  "  satisfaction  TEXT,"               /* at the first callback */
  "  resolved      INTEGER NOT NULL,"
  "  clock         TEXT,"
  "  allowed       INTEGER NOT NULL,"   /* seconds of the clock; -1 no limit */
  "  used_before   INTEGER NOT NULL,"   /* used in spans that ended */
  "  running_since INTEGER NOT NULL,"
  "  deadline      INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  CASES_INDEXES,
  /* 2 — the photo evidence, folded with the case (the Area's counts read
   * it, not every document of the period); every case folded again. */
  "ALTER TABLE cases ADD COLUMN photos INTEGER NOT NULL DEFAULT 0;"    /* any photo, report or step */
  "ALTER TABLE cases ADD COLUMN gallery INTEGER NOT NULL DEFAULT 0;"   /* one chosen from the gallery */
  "ALTER TABLE cases ADD COLUMN far INTEGER NOT NULL DEFAULT 0;"       /* one taken far from the case */
  "UPDATE tables SET seq = 0 WHERE name = 'cases';",
  NULL
};

static const GpStoreTable cases_table = { "cases", cases_versions };

/* One update of the case index at a time, and no update while it is read. */
static GMutex cases_lock;

/* Folded cases written in one transaction. */
#define BATCH 2000

typedef struct
{
  char   *incident;
  gboolean gone;           /* deleted, or not in the store */
  char   *grid;
  char   *category;
  char   *source;
  char   *reporter;
  char   *handler;
  char   *owner;
  char   *level;
  const char *state;
  int     round;
  gboolean has_position;
  double  lat, lon;
  char   *title;
  char   *building;
  char   *address;
  char   *thumbnail;
  gint64  reported_at, response_due, responded_at, registered_at;
  gint64  handled_at, closed_at, evaluated_at;
  char   *satisfaction;
  gboolean resolved;
  const char *clock;
  gint64  allowed, used_before, running_since, deadline;
  gboolean photos, gallery, far;
} Row;

static void
row_free (Row *row)
{
  g_free (row->incident);
  g_free (row->grid);
  g_free (row->category);
  g_free (row->source);
  g_free (row->reporter);
  g_free (row->handler);
  g_free (row->owner);
  g_free (row->level);
  g_free (row->title);
  g_free (row->building);
  g_free (row->address);
  g_free (row->thumbnail);
  g_free (row->satisfaction);
  g_free (row);
}

/* The incident a document belongs to, from its id: "incident:U" itself,
 * "event:U:V" to incident:U. */
static char *
incident_of (const char *id)
{
  const char *colon;

  if (g_str_has_prefix (id, "incident:"))
    return g_strdup (id);
  if (!g_str_has_prefix (id, "event:"))
    return NULL;
  id += strlen ("event:");
  colon = strchr (id, ':');
  if (colon == NULL)
    return NULL;
  return g_strdup_printf ("incident:%.*s", (int) (colon - id), id);
}

/* What changed since @since: the incidents to fold again, and whether a
 * grading scheme or a grid changed, which asks for all of them. */
static gboolean
read_changes (GpStore     *self,
              gint64       since,
              GHashTable  *incidents,
              gboolean    *everything,
              gint64      *last_seq,
              GError     **error)
{
  GpDb *db = gp_store_get_reader (self);
  g_autoptr(GpDbStmt) stmt = NULL;
  gboolean have_row = FALSE;

  *last_seq = since;
  stmt = gp_db_prepare (db, "SELECT seq, id FROM documents WHERE seq > ?1 ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, since);
  while (gp_db_step (db, stmt, &have_row, error))
    {
      const char *id;
      char *incident;

      if (!have_row)
        return TRUE;
      *last_seq = sqlite3_column_int64 (stmt, 0);
      id = (const char *) sqlite3_column_text (stmt, 1);
      if (g_str_has_prefix (id, "policy:") || g_str_has_prefix (id, "grid:"))
        *everything = TRUE;
      else if ((incident = incident_of (id)) != NULL)
        g_hash_table_add (incidents, incident);
    }
  return FALSE;
}

/* The store's last change, from the sequence's index alone. */
static gboolean
read_last_seq (GpStore  *self,
               gint64   *last_seq,
               GError  **error)
{
  GpDb *db = gp_store_get_reader (self);
  g_autoptr(GpDbStmt) stmt = gp_db_prepare (db, "SELECT max(seq) FROM documents", error);
  gboolean have_row = FALSE;

  if (stmt == NULL || !gp_db_step (db, stmt, &have_row, error))
    return FALSE;
  *last_seq = have_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/* A deleted or missing incident, or one whose documents this version
 * cannot read, is a row to drop; a store that cannot be read stops the
 * update, so that no case drops out of the figures for a busy moment. */
static gboolean
store_failed (GError  **local_error,
              GError  **error)
{
  if (*local_error == NULL || (*local_error)->domain != GP_STORE_ERROR ||
      (*local_error)->code == GP_STORE_ERROR_NOT_FOUND)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (local_error));
  return TRUE;
}

/* The photo evidence of @document (the report or a step) on @row: a
 * photo at all, one from the gallery, one taken over GP_PHOTO_FAR_M from
 * the case. */
static void
note_photos (Row        *row,
             GpDocument *document)
{
  JsonArray *photos = gp_document_get_array_member (document, "photos");

  for (guint i = 0; photos != NULL && i < json_array_get_length (photos); i++)
    {
      JsonNode *node = json_array_get_element (photos, i);
      GpPhoto photo = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row->photos = TRUE;
      gp_photo_read_provenance (&photo, json_node_get_object (node));
      if (photo.source == GP_PHOTO_SOURCE_GALLERY)
        row->gallery = TRUE;
      if (photo.has_position && row->has_position &&
          gp_geo_distance ((GpGeoPoint) { photo.longitude, photo.latitude }, (GpGeoPoint) { row->lon, row->lat }) >
          GP_PHOTO_FAR_M)
        row->far = TRUE;
      gp_photo_clear_provenance (&photo);
    }
}

static Row *fold_case (GpStore     *self,
                       GHashTable  *policies,
                       const char  *incident_id,
                       GpDocument  *document,
                       GPtrArray   *events);

static Row *
fold (GpStore     *self,
      GHashTable  *policies,
      const char  *incident_id,
      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GpDocument) document = gp_documents_load (self, incident_id, &local_error);
  g_autoptr(GPtrArray) events = NULL;

  if (store_failed (&local_error, error))
    return NULL;
  if (document != NULL && GP_IS_INCIDENT (document) && gp_incident_get_grid (GP_INCIDENT (document)) != NULL)
    {
      events = gp_documents_load_by (self, "event", GP_STORE_REF_INCIDENT, incident_id, &local_error);
      if (store_failed (&local_error, error))
        return NULL;
    }
  return fold_case (self, policies, incident_id, document, events);
}

/* A case's row from its incident and its events (%NULL: some this version
 * cannot read); a row to drop when it is no case. */
static Row *
fold_case (GpStore     *self,
           GHashTable  *policies,
           const char  *incident_id,
           GpDocument  *document,
           GPtrArray   *events)
{
  g_autoptr(GpCase) c = NULL;
  GpIncident *incident;
  GpPolicy *policy;
  JsonObject *geometry;
  GpGeoPoint point;
  Row *row = g_new0 (Row, 1);
  const char *description;

  row->incident = g_strdup (incident_id);
  if (document == NULL || !GP_IS_INCIDENT (document) || gp_incident_get_grid (GP_INCIDENT (document)) == NULL)
    {
      row->gone = TRUE;
      return row;
    }
  incident = GP_INCIDENT (document);
  if (events == NULL)
    g_message ("Incident %s has events this version cannot read: left out of the area's figures", incident_id);
  policy = gp_casework_cached_policy (policies, self, gp_incident_get_grid (incident));
  if (policy == NULL || events == NULL)
    {
      row->gone = TRUE;
      return row;
    }
  c = gp_case_fold (incident, events, policy, gp_clock_get_now ());

  row->grid = g_strdup (gp_incident_get_grid (incident));
  row->category = g_strdup (c->category);
  row->source = g_strdup (gp_incident_get_source (incident));
  row->reporter = g_strdup (gp_incident_get_reporter (incident));
  row->handler = g_strdup (c->first_handler);
  row->owner = g_strdup (c->owner);
  row->level = g_strdup (c->level);
  row->state = gp_state_to_string (c->state);
  row->round = c->round;
  geometry = gp_document_get_geometry (document);
  if (geometry != NULL && g_strcmp0 (gp_json_get_string (geometry, "type"), "Point") == 0 &&
      gp_geo_position_parse (json_object_get_member (geometry, "coordinates"), &point, NULL))
    {
      row->has_position = TRUE;
      row->lat = point.lat;
      row->lon = point.lon;
    }
  description = gp_incident_get_description (incident);
  row->title = g_strdup (description && *description ? description : NULL);
  row->building = g_strdup (gp_incident_get_building (incident));
  row->address = g_strdup (gp_incident_get_address (incident));
  {
    JsonArray *photos = gp_document_get_array_member (document, "photos");

    if (photos != NULL && json_array_get_length (photos) > 0 &&
        JSON_NODE_HOLDS_OBJECT (json_array_get_element (photos, 0)))
      row->thumbnail = g_strdup (gp_json_get_string (json_array_get_object_element (photos, 0), "thumbnail"));
  }
  note_photos (row, document);
  for (guint i = 0; i < events->len; i++)
    note_photos (row, g_ptr_array_index (events, i));
  row->reported_at = c->reported_at;
  row->response_due = c->response_due;
  row->responded_at = c->responded_at;
  row->registered_at = c->clock_started;
  row->handled_at = c->first_handled_at;
  row->closed_at = c->state == GP_STATE_CLOSED ? c->closed_at : 0;
  row->evaluated_at = c->evaluated_at;
  row->satisfaction = g_strdup (c->first_satisfaction);
  row->resolved = c->evaluated_at != 0 && c->first_resolved;
  row->clock = c->clock;
  row->allowed = c->allowed;
  row->used_before = c->used_before;
  row->running_since = c->running_since;
  /* Suspended, the deadline moves with the clock: readers work it out. */
  row->deadline = c->state == GP_STATE_SUSPENDED ? 0 : c->deadline;
  return row;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, column);
}

/* @clear: the first rows of a full rebuild: the table emptied, its
 * indexes dropped and its sequence 0 until @last_seq is written with the
 * indexes again (an interrupted rebuild starts again); @last_seq: the
 * sequence the table is current to after these rows, or -1. */
static gboolean
write_rows (GpStore    *self,
            GPtrArray  *rows,
            gboolean    clear,
            gboolean    indexes,
            gint64      last_seq,
            GError    **error)
{
  GpDb *db = gp_store_get_writer (self);
  gboolean ok;

  gp_db_lock (db);
  ok = gp_db_exec (db, "BEGIN IMMEDIATE", error);
  if (ok && clear)
    ok = gp_db_exec (db, CASES_DROP_INDEXES "DELETE FROM cases;", error) &&
         gp_store_set_table_seq (self, cases_table.name, 0, error);
  for (guint i = 0; ok && i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      g_autoptr(GpDbStmt) stmt = NULL;

      if (row->gone)
        {
          stmt = gp_db_prepare (db, "DELETE FROM cases WHERE incident = ?1", error);
          if ((ok = stmt != NULL))
            {
              sqlite3_bind_text (stmt, 1, row->incident, -1, SQLITE_TRANSIENT);
              ok = gp_db_step_done (db, stmt, error);
            }
          continue;
        }
      stmt = gp_db_prepare (db,
                            "INSERT OR REPLACE INTO cases (incident, grid, category, source, reporter, handler, owner,"
                            " level, state, round, lat, lon, title, reported_at, response_due, responded_at,"
                            " registered_at, handled_at, closed_at, evaluated_at, satisfaction, resolved, clock,"
                            " allowed, used_before, running_since, deadline, building, address, thumbnail, photos,"
                            " gallery, far) VALUES (?1, ?2,"
                            " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
                            " ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)", error);
      if (!(ok = stmt != NULL))
        break;
      bind_text (stmt, 1, row->incident);
      bind_text (stmt, 2, row->grid);
      bind_text (stmt, 3, row->category);
      bind_text (stmt, 4, row->source);
      bind_text (stmt, 5, row->reporter);
      bind_text (stmt, 6, row->handler);
      bind_text (stmt, 7, row->owner);
      bind_text (stmt, 8, row->level);
      bind_text (stmt, 9, row->state);
      sqlite3_bind_int (stmt, 10, row->round);
      if (row->has_position)
        {
          sqlite3_bind_double (stmt, 11, row->lat);
          sqlite3_bind_double (stmt, 12, row->lon);
        }
      bind_text (stmt, 13, row->title);
      sqlite3_bind_int64 (stmt, 14, row->reported_at);
      sqlite3_bind_int64 (stmt, 15, row->response_due);
      sqlite3_bind_int64 (stmt, 16, row->responded_at);
      sqlite3_bind_int64 (stmt, 17, row->registered_at);
      sqlite3_bind_int64 (stmt, 18, row->handled_at);
      sqlite3_bind_int64 (stmt, 19, row->closed_at);
      sqlite3_bind_int64 (stmt, 20, row->evaluated_at);
      bind_text (stmt, 21, row->satisfaction);
      sqlite3_bind_int (stmt, 22, row->resolved);
      bind_text (stmt, 23, row->clock);
      sqlite3_bind_int64 (stmt, 24, row->allowed);
      sqlite3_bind_int64 (stmt, 25, row->used_before);
      sqlite3_bind_int64 (stmt, 26, row->running_since);
      sqlite3_bind_int64 (stmt, 27, row->deadline);
      bind_text (stmt, 28, row->building);
      bind_text (stmt, 29, row->address);
      bind_text (stmt, 30, row->thumbnail);
      sqlite3_bind_int (stmt, 31, row->photos);
      sqlite3_bind_int (stmt, 32, row->gallery);
      sqlite3_bind_int (stmt, 33, row->far);
      ok = gp_db_step_done (db, stmt, error);
    }
  if (ok && indexes)
    ok = gp_db_exec (db, CASES_INDEXES, error);
  if (ok && last_seq >= 0)
    ok = gp_store_set_table_seq (self, cases_table.name, last_seq, error);
  if (ok)
    ok = gp_db_exec (db, "COMMIT", error);
  if (!ok)
    gp_db_exec (db, "ROLLBACK", NULL);
  gp_db_unlock (db);
  return ok;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* A full rebuild is cut into parts by incident id, each read and folded
 * in a thread of its own (with its own read connection and grading
 * schemes) and written BATCH rows a transaction. */
#define MAX_PARTS 4
#define MIN_PART 5000

static guint rebuild_max_parts;                 /* 0: one a processor */
static guint rebuild_min_part = MIN_PART;

/**
 * gp_case_index_set_parts:
 * @max_parts: at most how many parts a full rebuild is cut into, or 0 for
 *   as many as there are processors (up to four)
 * @min_part: at least how many cases in a part, or 0 for 5,000
 *
 * How full rebuilds are shared between threads from now on.
 */
void
gp_case_index_set_parts (guint max_parts,
                         guint min_part)
{
  g_mutex_lock (&cases_lock);
  rebuild_max_parts = max_parts;
  rebuild_min_part = min_part > 0 ? min_part : MIN_PART;
  g_mutex_unlock (&cases_lock);
}

typedef struct
{
  GpStore    *store;
  const char *from, *to;
  GHashTable *policies;
  GPtrArray  *rows;
  guint       n;
  GError     *error;
} Rebuild;

static gboolean
fold_family (JsonObject  *parent,
             GPtrArray   *children,
             gpointer     data,
             GError     **error)
{
  Rebuild *rebuild = data;
  /* Copied: the document takes the id out of @parent. */
  g_autofree char *id = g_strdup (gp_json_get_string (parent, "_id"));
  g_autoptr(GpDocument) document = gp_document_new_take_json (json_object_ref (parent), NULL);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  Row *row;

  for (guint i = 0; i < children->len; i++)
    {
      GpDocument *event = gp_document_new_take_json (json_object_ref (g_ptr_array_index (children, i)), NULL);

      if (event == NULL)
        {
          g_clear_pointer (&events, g_ptr_array_unref);
          break;
        }
      g_ptr_array_add (events, event);
    }
  row = fold_case (rebuild->store, rebuild->policies, id, document, events);
  rebuild->n++;
  if (row->gone)
    {
      row_free (row);
      return TRUE;
    }
  g_ptr_array_add (rebuild->rows, row);
  if (rebuild->rows->len < BATCH)
    return TRUE;
  if (!write_rows (rebuild->store, rebuild->rows, FALSE, FALSE, -1, error))
    return FALSE;
  g_ptr_array_set_size (rebuild->rows, 0);
  return TRUE;
}

static gpointer
rebuild_part (gpointer data)
{
  Rebuild *part = data;

  if (gp_store_foreach_family (part->store, "incident", "event", GP_STORE_REF_INCIDENT, part->from, part->to,
                               fold_family, part, &part->error))
    write_rows (part->store, part->rows, FALSE, FALSE, -1, &part->error);
  return NULL;
}

/* Every case folded again: the table emptied and its indexes dropped,
 * the parts folded side by side, the indexes made once after the last
 * row. Until then the table's sequence is 0, so that a rebuild cut short
 * starts again. */
static gboolean
rebuild_all (GpStore  *self,
             gint64    last_seq,
             guint    *n_folded,
             GError  **error)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_auto(GStrv) cuts = NULL;
  g_autofree Rebuild *parts = NULL;
  g_autofree GThread **threads = NULL;
  guint n_parts, n = 0;
  GError *failed = NULL;

  if (!write_rows (self, none, TRUE, FALSE, -1, error))
    return FALSE;
  cuts = gp_store_split_ids (self, "incident",
                             rebuild_max_parts ? rebuild_max_parts : CLAMP (g_get_num_processors (), 1, MAX_PARTS),
                             rebuild_min_part, error);
  if (cuts == NULL)
    return FALSE;

  n_parts = g_strv_length (cuts) + 1;
  parts = g_new0 (Rebuild, n_parts);
  threads = g_new0 (GThread *, n_parts);
  for (guint i = 0; i < n_parts; i++)
    {
      parts[i].store = self;
      parts[i].from = i > 0 ? cuts[i - 1] : NULL;
      parts[i].to = i + 1 < n_parts ? cuts[i] : NULL;
      parts[i].policies = gp_casework_policy_cache_new ();
      parts[i].rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
    }
  /* The first part in this thread, the others beside it; a part whose
   * thread cannot start is folded here after the first. */
  for (guint i = 1; i < n_parts; i++)
    threads[i] = g_thread_try_new ("gp-case-fold", rebuild_part, &parts[i], NULL);
  rebuild_part (&parts[0]);
  for (guint i = 1; i < n_parts; i++)
    if (threads[i] != NULL)
      g_thread_join (threads[i]);
    else
      rebuild_part (&parts[i]);

  for (guint i = 0; i < n_parts; i++)
    {
      n += parts[i].n;
      if (parts[i].error != NULL && failed == NULL)
        failed = g_steal_pointer (&parts[i].error);
      g_clear_error (&parts[i].error);
      g_hash_table_unref (parts[i].policies);
      g_ptr_array_unref (parts[i].rows);
    }
  if (failed != NULL)
    {
      g_propagate_error (error, failed);
      return FALSE;
    }
  if (!write_rows (self, none, FALSE, TRUE, last_seq, error))
    return FALSE;
  if (n_folded != NULL)
    *n_folded = n;
  g_debug ("Folded all %u cases again in %u parts, up to sequence %" G_GINT64_FORMAT, n, n_parts, last_seq);
  return TRUE;
}

static gboolean
update_locked (GpStore  *self,
               guint    *n_folded,
               GError  **error)
{
  g_autoptr(GHashTable) incidents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) policies = gp_casework_policy_cache_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autoptr(GPtrArray) ids = NULL;
  gboolean everything = FALSE, ok;
  gint64 since, last_seq = 0;

  if (n_folded != NULL)
    *n_folded = 0;
  if (!gp_store_add_table (self, &cases_table, error))
    return FALSE;

  gp_db_lock (gp_store_get_reader (self));
  since = gp_store_get_table_seq (self, cases_table.name, error);
  /* From nothing, every case is folded: only the last change is needed. */
  if (since == 0)
    ok = everything = read_last_seq (self, &last_seq, error);
  else
    ok = since > 0 && read_changes (self, since, incidents, &everything, &last_seq, error);
  gp_db_unlock (gp_store_get_reader (self));
  if (!ok)
    return FALSE;
  if (last_seq == since && !everything)
    return TRUE;
  if (everything)
    return rebuild_all (self, last_seq, n_folded, error);

  /* In id order: an incident's events sit together in the index. */
  ids = g_ptr_array_new_full (g_hash_table_size (incidents), g_free);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, incidents);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        g_ptr_array_add (ids, key);
        g_hash_table_iter_steal (&iter);
      }
  }
  g_ptr_array_sort (ids, compare_strings);
  for (guint i = 0; i < ids->len; i++)
    {
      Row *row = fold (self, policies, g_ptr_array_index (ids, i), error);

      if (row == NULL)
        return FALSE;
      g_ptr_array_add (rows, row);
      if (rows->len == BATCH && i + 1 < ids->len)
        {
          if (!write_rows (self, rows, FALSE, FALSE, -1, error))
            return FALSE;
          g_ptr_array_set_size (rows, 0);
        }
    }
  if (!write_rows (self, rows, FALSE, FALSE, last_seq, error))
    return FALSE;
  if (n_folded != NULL)
    *n_folded = ids->len;
  g_debug ("Folded %u cases again, up to sequence %" G_GINT64_FORMAT, ids->len, last_seq);
  return TRUE;
}

/**
 * gp_case_index_update:
 * @n_folded: (out) (optional): how many cases were folded again
 *
 * Brings the case table up to date with the documents: folds again the
 * incidents whose documents or events changed since the last update, all
 * of them after a change of grading scheme or grid. One update runs at a
 * time; a second caller waits and then finds little to do.
 */
gboolean
gp_case_index_update (GpStore  *self,
                      guint    *n_folded,
                      GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&cases_lock);
  return update_locked (self, n_folded, error);
}

/**
 * gp_case_index_begin_read:
 *
 * Brings the case table up to date and keeps it so until
 * gp_case_index_end_read(): no update or rebuild runs in between, so a
 * reader never sees a table half refolded.
 */
gboolean
gp_case_index_begin_read (GpStore  *self,
                          GError  **error)
{
  g_return_val_if_fail (GP_IS_STORE (self), FALSE);

  g_mutex_lock (&cases_lock);
  if (update_locked (self, NULL, error))
    return TRUE;
  g_mutex_unlock (&cases_lock);
  return FALSE;
}

void
gp_case_index_end_read (GpStore *self)
{
  g_return_if_fail (GP_IS_STORE (self));

  g_mutex_unlock (&cases_lock);
}

/**
 * gp_case_index_rebuild:
 *
 * Drops the case table's rows and folds every case again.
 */
gboolean
gp_case_index_rebuild (GpStore  *self,
                       GError  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gboolean ok;

  g_return_val_if_fail (GP_IS_STORE (self), FALSE);

  locker = g_mutex_locker_new (&cases_lock);
  ok = gp_store_add_table (self, &cases_table, error) &&
       gp_store_set_table_seq (self, cases_table.name, 0, error);
  return ok && update_locked (self, NULL, error);
}
