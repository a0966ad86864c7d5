/* test-documents.c — the typed documents: round trip, properties, validation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-categories.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-privacy.h"
#include "gp-store.h"
#include "gp-test-util.h"

#include <string.h>

/* One valid document of every type, each with members this version does
 * not know, as a newer version or the centre might write them. */
static const char * const samples[] = {
  "{\"_id\":\"grid:G1\",\"type\":\"grid\",\"code\":\"G1\",\"name\":\"第一网格\",\"city\":\"西安市\","
  "\"policy\":\"policy:abcd\",\"households\":420,"
  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[108.94,34.26],[108.95,34.26],[108.95,34.27],[108.94,34.26]]]},"
  "\"future\":{\"list\":[1,2.5,\"three\",null,true]}}",

  "{\"_id\":\"policy:p\",\"type\":\"policy\",\"name\":\"p\",\"title\":\"标准\",\"default_level\":\"B\","
  "\"response_minutes\":10,\"levels\":[{\"code\":\"A\",\"label\":\"A级\",\"deadlines\":[{\"amount\":1,\"unit\":\"working_days\"}]},"
  "{\"code\":\"B\",\"label\":\"B级\",\"deadlines\":[{\"amount\":3,\"unit\":\"working_days\",\"urgency\":\"u1\"}]}],"
  "\"urgencies\":[{\"code\":\"u1\",\"label\":\"一级\"}],\"escalation\":[\"A\",\"B\"],\"warning\":{\"yellow\":0.8},"
  "\"calendar\":{\"weekend\":[6,7],\"holidays\":[{\"name\":\"国庆节\",\"from\":\"2026-10-01\",\"to\":\"2026-10-07\"}],"
  "\"workdays\":[\"2026-10-10\"]},\"review_board\":\"街道\"}",

  "{\"_id\":\"building:G1-01\",\"type\":\"building\",\"code\":\"G1-01\",\"grid\":\"G1\",\"name\":\"1号楼\","
  "\"floors\":6,\"units\":[{\"number\":1,\"floors\":6,\"rooms_per_floor\":2,\"lift\":false}],"
  "\"entrances\":[{\"unit\":1,\"position\":[108.941,34.261]}],"
  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[108.941,34.261],[108.942,34.261],[108.942,34.262],[108.941,34.261]]]},"
  "\"energy_rating\":\"B\"}",

  "{\"_id\":\"household:G1-01-1-101\",\"type\":\"household\",\"code\":\"G1-01-1-101\",\"grid\":\"G1\","
  "\"building\":\"building:G1-01\",\"unit\":1,\"floor\":1,\"room\":\"101\",\"head\":\"张建国\","
  "\"phone\":\"13812345678\",\"people\":2,\"tags\":[\"party_anchor\",\"街道自定义\"],\"pets\":1}",

  "{\"_id\":\"lane:G1-L1\",\"type\":\"lane\",\"code\":\"G1-L1\",\"grid\":\"G1\",\"name\":\"1号巷\","
  "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[108.94,34.26],[108.95,34.26]]},\"surface\":\"asphalt\"}",

  "{\"_id\":\"component:G1-J1\",\"type\":\"component\",\"code\":\"G1-J1\",\"grid\":\"G1\","
  "\"kind\":\"manhole_cover\",\"name\":\"井盖 J01\","
  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[108.941,34.261]},\"owner\":\"自来水公司\"}",

  "{\"_id\":\"route:G1-R1\",\"type\":\"route\",\"code\":\"G1-R1\",\"grid\":\"G1\",\"name\":\"东片区\","
  "\"checkpoints\":[{\"id\":\"R1-01\",\"name\":\"南门\",\"position\":[108.94,34.26],\"radius\":30.0},"
  "{\"id\":\"R1-02\",\"name\":\"1号楼\",\"position\":[108.941,34.261],\"building\":\"building:G1-01\",\"photo_required\":true}],"
  "\"schedule\":\"daily\"}",

  "{\"_id\":\"patrol:0b6a\",\"type\":\"patrol\",\"grid\":\"G1\",\"route\":\"route:G1-R1\",\"worker\":\"wang\","
  "\"started_at\":\"2026-11-22T08:30:00+08:00\",\"ended_at\":\"2026-11-22T09:40:00+08:00\","
  "\"status\":\"finished\",\"distance_m\":1234.5,\"checkpoints\":[{\"id\":\"R1-01\",\"at\":\"2026-11-22T08:31:00+08:00\"}],"
  "\"weather\":\"晴\"}",

  "{\"_id\":\"incident:9c1d\",\"type\":\"incident\",\"grid\":\"G1\",\"source\":\"patrol\",\"category\":\"01001\","
  "\"grade\":\"B\",\"description\":\"供水井盖破损\",\"accuracy_m\":8.5,\"building\":\"building:G1-01\","
  "\"reporter\":\"wang\",\"reported_at\":\"2026-11-22T08:45:00+08:00\","
  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[108.941,34.261]},\"severity_score\":3,"
  "\"_attachments\":{\"before.jpg\":{\"content_type\":\"image/jpeg\",\"digest\":\"md5-XUFAKrxLKna5cZ2REBfFkg==\","
  "\"length\":5,\"revpos\":1,\"stub\":true}}}",

  "{\"_id\":\"event:9c1d:77aa\",\"type\":\"event\",\"grid\":\"G1\",\"incident\":\"incident:9c1d\","
  "\"action\":\"void\",\"actor\":\"li\",\"role\":\"leader\",\"at\":\"2026-11-22T09:00:00+08:00\","
  "\"reason\":\"重复上报\",\"signature\":\"abc\"}",

  "{\"_id\":\"directory:G1\",\"type\":\"directory\",\"grid\":\"G1\","
  "\"people\":[{\"name\":\"wang\",\"label\":\"王芳\",\"role\":\"worker\"}],"
  "\"departments\":[{\"name\":\"市政养护所\"}]}",

  "{\"_id\":\"visit:3e3e\",\"type\":\"visit\",\"grid\":\"G1\",\"household\":\"household:G1-01-1-101\","
  "\"worker\":\"wang\",\"at\":\"2026-11-22T10:00:00+08:00\",\"note\":\"身体健康\",\"tags\":[\"独居老人\"],"
  "\"mood\":\"good\"}",
};

static void
test_every_type_has_a_sample (void)
{
  const char * const *types = gp_document_get_type_names ();

  for (guint i = 0; types[i] != NULL; i++)
    {
      gboolean found = FALSE;
      g_autofree char *needle = g_strdup_printf ("\"type\":\"%s\"", types[i]);

      for (guint j = 0; j < G_N_ELEMENTS (samples); j++)
        found |= strstr (samples[j], needle) != NULL;
      g_assert_true (found);
    }
  g_assert_cmpuint (g_strv_length ((char **) types), ==, G_N_ELEMENTS (samples));
}

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) input = gp_json_parse_object (samples[i], -1, &error);
      g_autoptr(GpDocument) document = NULL;
      g_autoptr(JsonObject) output = NULL;
      g_autofree char *text_in = NULL;
      g_autofree char *text_out = NULL;

      g_assert_no_error (error);
      document = gp_document_new_from_json (input, &error);
      g_assert_no_error (error);
      g_assert_true (gp_document_validate (document, &error));
      g_assert_no_error (error);

      /* Lossless, member order included, unknown members included. */
      output = gp_document_to_json (document);
      text_in = gp_json_to_string (input, FALSE);
      text_out = gp_json_to_string (output, FALSE);
      g_assert_cmpstr (text_out, ==, text_in);
    }
}

static void
test_round_trip_through_store (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) input = gp_json_parse_object (samples[i], -1, NULL);
      g_autoptr(GpDocument) document = NULL;
      g_autoptr(GpDocument) loaded = NULL;

      /* The incident's stub names a photo this store does not have. */
      json_object_remove_member (input, "_attachments");
      document = gp_document_new_from_json (input, &error);
      g_assert_no_error (error);
      g_assert_true (gp_documents_save (store, document, GP_STORE_PUT_NONE, &error));
      g_assert_no_error (error);

      loaded = gp_documents_load (store, gp_document_get_id (document), &error);
      g_assert_no_error (error);
      g_assert_true (G_OBJECT_TYPE (loaded) == G_OBJECT_TYPE (document));
      g_assert_cmpstr (gp_document_get_rev (loaded), ==, gp_document_get_rev (document));
      g_assert_true (gp_json_object_equal (gp_document_get_body (loaded), gp_document_get_body (document)));
    }

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(JsonObject) input = gp_json_parse_object (samples[3], -1, NULL);
  g_autoptr(GpDocument) document = gp_document_new_from_json (input, NULL);
  GpHousehold *household = GP_HOUSEHOLD (document);
  g_autoptr(JsonObject) output = NULL;
  g_auto(GStrv) tags = NULL;
  guint notified = 0;

  g_assert_cmpstr (gp_household_get_room (household), ==, "101");
  g_assert_cmpint (gp_household_get_floor (household), ==, 1);
  tags = gp_household_dup_tags (household);
  g_assert_cmpstrv (tags, ((const char * const[]) { "party_anchor", "街道自定义", NULL }));
  g_assert_true (gp_household_has_tag (household, GP_TAG_PARTY_ANCHOR));
  g_assert_cmpstr (gp_household_tag_label (GP_TAG_PARTY_ANCHOR), ==, "Party-member anchor household");
  g_assert_cmpstr (gp_household_tag_label ("街道自定义"), ==, "街道自定义");

  /* Setting a property notifies once, setting the same value not at all. */
  g_signal_connect (document, "notify::floor", G_CALLBACK (count_notify), &notified);
  g_object_set (document, "floor", 3, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (document, "floor", 3, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (gp_household_get_floor (household), ==, 3);

  /* Editing keeps what this version does not understand. */
  output = gp_document_to_json (document);
  g_assert_cmpint (json_object_get_int_member (output, "pets"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (output, "floor"), ==, 3);

  /* Clearing a text member removes it. */
  g_object_set (document, "phone", NULL, NULL);
  g_assert_null (gp_household_get_phone (household));
  g_assert_false (json_object_has_member (gp_document_get_body (document), "phone"));
}

static void
test_new_ids (void)
{
  g_autoptr(GpIncident) incident = gp_incident_new ();
  g_autoptr(GpEvent) event = gp_event_new (gp_document_get_id (GP_DOCUMENT (incident)));
  g_autoptr(GpGrid) grid = gp_grid_new ("610103003003");
  g_autoptr(GpDocument) db_name_grid = NULL;
  g_autofree char *prefix = g_strconcat ("event:", gp_incident_get_uuid (incident), ":", NULL);
  g_autofree char *database = gp_grid_dup_database_name (grid);

  g_assert_true (g_str_has_prefix (gp_document_get_id (GP_DOCUMENT (incident)), "incident:"));
  g_assert_true (g_uuid_string_is_valid (gp_incident_get_uuid (incident)));
  g_assert_true (g_str_has_prefix (gp_document_get_id (GP_DOCUMENT (event)), prefix));
  g_assert_cmpstr (gp_event_get_incident (event), ==, gp_document_get_id (GP_DOCUMENT (incident)));
  g_assert_cmpstr (gp_document_get_type_name (GP_DOCUMENT (grid)), ==, "grid");
  g_assert_cmpstr (gp_document_get_string_member (GP_DOCUMENT (grid), "type"), ==, "grid");
  g_assert_cmpstr (database, ==, "gridpatrol-610103003003");
}

/* Each bad document: the sample it breaks, what to change, the error. */
static const struct
{
  guint       sample;
  const char *member;
  const char *value;   /* JSON; NULL removes the member */
  gint        code;
  const char *message;
} bad[] = {
  { 0, "name", NULL, GP_DOCUMENT_ERROR_MISSING, "“name” is missing" },
  { 0, "name", "\"\"", GP_DOCUMENT_ERROR_MISSING, "“name” is empty" },
  { 0, "households", "\"many\"", GP_DOCUMENT_ERROR_WRONG_TYPE, "“households” must be a whole number" },
  { 0, "households", "-1", GP_DOCUMENT_ERROR_OUT_OF_RANGE, "“households” must be between 0 and 100000" },
  { 0, "policy", "\"abcd\"", GP_DOCUMENT_ERROR_INVALID, "“policy” must be the id of a policy" },
  { 0, "center", "[108.9]", GP_DOCUMENT_ERROR_INVALID, "“center” must be a position" },
  { 0, "geometry", "{\"type\":\"Point\",\"coordinates\":[108.9,34.2]}", GP_DOCUMENT_ERROR_GEOMETRY, "must be a Polygon" },
  { 0, "geometry", "{\"type\":\"Polygon\",\"coordinates\":[]}", GP_DOCUMENT_ERROR_GEOMETRY, "the geometry is empty" },
  { 0, "geometry", "{\"type\":\"Polygon\",\"coordinates\":[[[108.9,34.2],[108.95,34.2],[108.95,34.25],[108.91,34.2]]]}",
    GP_DOCUMENT_ERROR_GEOMETRY, "must end where it starts" },
  { 0, "geometry", "{\"type\":\"Polygon\",\"coordinates\":[[[208.9,34.2],[108.95,34.2],[108.95,34.25],[208.9,34.2]]]}",
    GP_DOCUMENT_ERROR_GEOMETRY, "out of range" },
  { 1, "default_level", "\"Z\"", GP_DOCUMENT_ERROR_INVALID, "default level “Z”" },
  { 1, "levels", "[]", GP_DOCUMENT_ERROR_MISSING, "at least one level" },
  { 1, "levels", "[{\"code\":\"B\",\"label\":\"B\",\"deadlines\":[{\"amount\":0,\"unit\":\"working_days\"}]}]",
    GP_DOCUMENT_ERROR_INVALID, "“amount” must be at least 1" },
  { 1, "levels", "[{\"code\":\"B\",\"label\":\"B\",\"deadlines\":[{\"amount\":2,\"unit\":\"fortnights\"}]}]",
    GP_DOCUMENT_ERROR_INVALID, "“unit” one of" },
  { 1, "escalation", "[\"A\",\"Q\"]", GP_DOCUMENT_ERROR_INVALID, "escalation step 2" },
  { 1, "warning", "{\"yellow\":1.5}", GP_DOCUMENT_ERROR_INVALID, "“yellow”" },
  { 1, "calendar", "{\"holidays\":[{\"name\":\"x\",\"from\":\"2026-10-07\",\"to\":\"2026-10-01\"}]}",
    GP_DOCUMENT_ERROR_INVALID, "holiday 1" },
  { 1, "calendar", "{\"holidays\":[{\"name\":\"x\",\"from\":\"2026-10-01\",\"to\":\"2026-10-07\"}],"
       "\"workdays\":[\"2026-10-03\"]}", GP_DOCUMENT_ERROR_INVALID, "both a holiday and a make-up" },
  { 2, "units", "[{\"number\":1,\"floors\":9,\"rooms_per_floor\":2}]", GP_DOCUMENT_ERROR_INVALID, "unit 1" },
  { 2, "units", "[{\"number\":1,\"floors\":6,\"rooms_per_floor\":2},{\"number\":1,\"floors\":6,\"rooms_per_floor\":2}]",
    GP_DOCUMENT_ERROR_INVALID, "given twice" },
  { 3, "building", "\"G1-01\"", GP_DOCUMENT_ERROR_INVALID, "“building” must be the id of a building" },
  { 3, "phone", "\"call me\"", GP_DOCUMENT_ERROR_INVALID, "“phone”" },
  { 3, "tags", "[\"rental\",\"rental\"]", GP_DOCUMENT_ERROR_INVALID, "given twice" },
  { 3, "tags", "[\"rental\",3]", GP_DOCUMENT_ERROR_WRONG_TYPE, "list of texts" },
  { 3, "unit", "0", GP_DOCUMENT_ERROR_OUT_OF_RANGE, "“unit” must be between 1 and 99" },
  { 5, "geometry", "{\"type\":\"Point\",\"coordinates\":[108.9]}", GP_DOCUMENT_ERROR_GEOMETRY, "2 or 3 numbers" },
  { 6, "checkpoints", "[]", GP_DOCUMENT_ERROR_MISSING, "at least one checkpoint" },
  { 6, "checkpoints", "[{\"id\":\"a\",\"name\":\"A\",\"position\":[108.9,34.2]},{\"id\":\"a\",\"name\":\"B\",\"position\":[108.9,34.2]}]",
    GP_DOCUMENT_ERROR_INVALID, "given twice" },
  { 6, "checkpoints", "[{\"id\":\"a\",\"name\":\"A\",\"position\":[108.9,34.2],\"radius\":2000}]",
    GP_DOCUMENT_ERROR_OUT_OF_RANGE, "radius" },
  { 7, "status", "\"wandering\"", GP_DOCUMENT_ERROR_INVALID, "“status” must be one of" },
  { 7, "ended_at", "\"2026-11-22T07:00:00+08:00\"", GP_DOCUMENT_ERROR_INVALID, "ends before it starts" },
  { 7, "started_at", "\"yesterday\"", GP_DOCUMENT_ERROR_WRONG_TYPE, "time with its offset" },
  { 7, "started_at", "\"2026-11-22T08:30:00\"", GP_DOCUMENT_ERROR_WRONG_TYPE, "time with its offset" },
  { 8, "source", "\"rumour\"", GP_DOCUMENT_ERROR_INVALID, "“source” must be one of" },
  { 8, "category", "\"01 001\"", GP_DOCUMENT_ERROR_INVALID, "category" },
  { 9, "reason", NULL, GP_DOCUMENT_ERROR_MISSING, "a “void” event needs “reason”" },
  { 9, "incident", "\"incident:other\"", GP_DOCUMENT_ERROR_BAD_ID, "must start with" },
  { 9, "role", "\"mayor\"", GP_DOCUMENT_ERROR_INVALID, "“role” must be one of" },
  { 10, "grid", NULL, GP_DOCUMENT_ERROR_MISSING, "“grid” is missing" },
  { 10, "people", "{\"name\":\"wang\"}", GP_DOCUMENT_ERROR_WRONG_TYPE, "“people” must be a list" },
  { 10, "people", "[{\"name\":\"wang\",\"role\":\"mayor\"}]", GP_DOCUMENT_ERROR_INVALID,
    "wang must be a grid worker or a grid leader" },
  { 10, "departments", "[{\"name\":\"\"}]", GP_DOCUMENT_ERROR_INVALID, "entry 1 of “departments” has no name" },
  { 11, "household", "\"101\"", GP_DOCUMENT_ERROR_INVALID, "“household” must be the id of a household" },
};

static void
test_validation (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) input = gp_json_parse_object (samples[bad[i].sample], -1, NULL);
      g_autoptr(GpDocument) document = NULL;
      g_autoptr(GError) error = NULL;

      if (bad[i].value == NULL)
        json_object_remove_member (input, bad[i].member);
      else
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          g_assert_true (json_parser_load_from_data (parser, bad[i].value, -1, NULL));
          json_object_set_member (input, bad[i].member, json_node_copy (json_parser_get_root (parser)));
        }

      document = gp_document_new_from_json (input, &error);
      g_assert_no_error (error);
      g_assert_false (gp_document_validate (document, &error));
      g_test_message ("%u: %s", i, error->message);
      g_assert_error (error, GP_DOCUMENT_ERROR, bad[i].code);
      if (strstr (error->message, bad[i].message) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, bad[i].message);
    }
}

static void
test_bad_ids_and_types (void)
{
  const char * const inputs[] = {
    "{\"_id\":\"building:G1-01\",\"type\":\"spaceship\"}",
    "{\"_id\":\"building:G1-01\"}",
    "{\"type\":\"building\"}",
  };
  const gint codes[] = {
    GP_DOCUMENT_ERROR_UNKNOWN_TYPE, GP_DOCUMENT_ERROR_UNKNOWN_TYPE, GP_DOCUMENT_ERROR_BAD_ID,
  };
  const char * const bad_ids[] = { "grid:G1", "household:", "household:a b", "householdG1" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(JsonObject) json = gp_json_parse_object (inputs[i], -1, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GpDocument) document = gp_document_new_from_json (json, &error);

      g_assert_null (document);
      g_assert_error (error, GP_DOCUMENT_ERROR, codes[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(JsonObject) json = gp_json_parse_object (samples[3], -1, NULL);
      g_autoptr(GpDocument) document = NULL;
      g_autoptr(GError) error = NULL;

      json_object_set_string_member (json, "_id", bad_ids[i]);
      document = gp_document_new_from_json (json, NULL);
      g_assert_false (gp_document_validate (document, &error));
      g_assert_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_BAD_ID);
    }
}

static void
test_store_refuses_invalid (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(JsonObject) good = gp_json_parse_object (samples[4], -1, NULL);
  g_autoptr(JsonObject) broken = gp_json_parse_object (samples[3], -1, NULL);
  g_autoptr(GpDocument) lane = gp_document_new_from_json (good, NULL);
  g_autoptr(GpDocument) household = NULL;
  g_autoptr(GPtrArray) both = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  json_object_remove_member (broken, "room");
  household = gp_document_new_from_json (broken, NULL);
  before = gp_test_store_snapshot (store);

  g_ptr_array_add (both, lane);
  g_ptr_array_add (both, household);
  g_assert_false (gp_documents_save_all (store, both, GP_STORE_PUT_NONE, &error));
  g_assert_error (error, GP_DOCUMENT_ERROR, GP_DOCUMENT_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "household:G1-01-1-101: “room” is missing"));

  after = gp_test_store_snapshot (store);
  g_assert_cmpstr (before, ==, after);

  g_clear_object (&store);
  gp_test_remove_dir (dir);
}

static gboolean
working (GpPolicy   *policy,
         const char *iso)
{
  GDate date;

  g_assert_true (gp_json_parse_date (iso, &date));
  return gp_policy_is_working_day (policy, &date);
}

static void
test_policy_calendar (void)
{
  g_autoptr(JsonObject) json = gp_json_parse_object (samples[1], -1, NULL);
  g_autoptr(GpDocument) document = gp_document_new_from_json (json, NULL);
  GpPolicy *policy = GP_POLICY (document);
  g_auto(GStrv) levels = gp_policy_dup_level_codes (policy);

  g_assert_true (working (policy, "2026-09-30"));   /* Wednesday */
  g_assert_false (working (policy, "2026-10-01"));  /* National Day */
  g_assert_false (working (policy, "2026-10-07"));  /* last day of the holiday */
  g_assert_false (working (policy, "2026-10-11"));  /* Sunday */
  g_assert_true (working (policy, "2026-10-10"));   /* make-up Saturday */
  g_assert_true (working (policy, "2026-10-12"));   /* Monday */
  g_assert_false (working (policy, "2027-01-02"));  /* a Saturday the calendar does not list */

  g_assert_cmpstrv (levels, ((const char * const[]) { "A", "B", NULL }));
  g_assert_cmpstr (gp_json_get_string (gp_policy_get_level (policy, "B"), "label"), ==, "B级");
  g_assert_null (gp_policy_get_level (policy, "Z"));
  g_assert_cmpfloat (gp_policy_get_yellow_threshold (policy), ==, 0.8);
  g_assert_false (gp_policy_is_example_calendar (policy));
  g_assert_cmpint (gp_policy_get_response_minutes (policy), ==, 10);
}

static void
test_masking (void)
{
  g_autoptr(JsonObject) household = gp_json_parse_object (samples[3], -1, NULL);
  g_autoptr(JsonObject) building = gp_json_parse_object (samples[2], -1, NULL);
  g_autoptr(JsonObject) masked = gp_privacy_mask_document (household);
  g_autoptr(JsonObject) untouched = gp_privacy_mask_document (building);
  g_autofree char *name = gp_privacy_mask_name ("欧阳修");
  g_autofree char *single = gp_privacy_mask_name ("张");
  g_autofree char *phone = gp_privacy_mask_phone ("029-87654321");
  g_autofree char *id = gp_privacy_mask_id_number ("61010319900101123X");

  g_assert_cmpstr (gp_json_get_string (masked, "head"), ==, "张**");
  g_assert_cmpstr (gp_json_get_string (masked, "phone"), ==, "138****5678");
  g_assert_cmpstr (gp_json_get_string (household, "head"), ==, "张建国");
  g_assert_cmpstr (name, ==, "欧**");
  g_assert_cmpstr (single, ==, "张*");
  g_assert_cmpstr (phone, ==, "029-****4321");
  g_assert_cmpstr (id, ==, "6101**********123X");
  g_assert_true (gp_json_object_equal (untouched, building));
}

static void
test_json_writer (void)
{
  g_autoptr(JsonObject) object =
    gp_json_parse_object ("{\"b\":34.2595684,\"a\":\"引号\\\"\\n\\u0001\",\"c\":[20.0,20,1e-7,true,null],"
                          "\"d\":{}}", -1, NULL);
  g_autofree char *text = gp_json_to_string (object, FALSE);
  g_autoptr(JsonObject) again = gp_json_parse_object (text, -1, NULL);

  /* Shortest digits, doubles stay doubles, order kept, escapes right. */
  g_assert_cmpstr (text, ==,
                   "{\"b\":34.2595684,\"a\":\"引号\\\"\\n\\u0001\",\"c\":[20.0,20,1e-07,true,null],\"d\":{}}");
  g_assert_true (gp_json_object_equal (object, again));
  g_assert_true (json_node_get_value_type (json_array_get_element (gp_json_get_array (again, "c"), 0))
                 == G_TYPE_DOUBLE);
}

static char *
search (GpCategories *categories,
        const char   *text)
{
  g_autoptr(GPtrArray) found = gp_categories_search (categories, text);
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < found->len; i++)
    g_strv_builder_add (codes, ((GpCategory *) g_ptr_array_index (found, i))->code);
  strv = g_strv_builder_end (codes);
  return g_strjoinv (" ", strv);
}

/* The shipped categories found as a worker types: by a code's start, by
 * part of the name, and by a name shortened as people shorten it. */
static void
test_category_search (void)
{
  g_autoptr(GpCategories) categories = gp_categories_new_default ();
  g_autoptr(GPtrArray) all = gp_categories_search (categories, "");
  g_autofree char *code = search (categories, "0601");
  g_autofree char *part = search (categories, "垃圾");
  g_autofree char *nothing = search (categories, "飞机");

  g_assert_cmpuint (all->len, ==, gp_categories_get_n_items (categories));
  g_assert_true (g_str_has_prefix (code, "0601"));
  g_assert_nonnull (strstr (part, "06010"));
  /* 「电动车」: the e-bike charged where it should not be, not the cars. */
  {
    const GpCategory *ebike = NULL;
    g_autoptr(GPtrArray) found = gp_categories_search (categories, "电动车");

    for (guint i = 0; i < found->len; i++)
      if (strstr (((GpCategory *) g_ptr_array_index (found, i))->label, "电动自行车") != NULL)
        ebike = g_ptr_array_index (found, i);
    g_assert_nonnull (ebike);
    for (guint i = 0; i < found->len; i++)
      g_assert_null (strstr (((GpCategory *) g_ptr_array_index (found, i))->label, "机动车乱停放"));
  }
  g_assert_cmpstr (nothing, ==, "");

  /* By pinyin initials, as people type on a phone keyboard: 「ddc」 is
   * 「电动车」, 「bllj」 「暴露垃圾」; a run inside the name counts too. */
  {
    g_autofree char *ebike = gp_pinyin_initials ("电动自行车违规充电");
    g_autofree char *grate = gp_pinyin_initials ("雨水箅子 A1");
    g_autofree char *ddc = search (categories, "DDC");
    g_autofree char *bllj = search (categories, "bllj");
    g_autofree char *lj = search (categories, "lj");
    g_autofree char *none = search (categories, "qqqq");
    const GpCategory *charging = NULL;

    g_assert_cmpstr (ebike, ==, "ddzxcwgcd");
    g_assert_cmpstr (grate, ==, "ysbza1");
    for (guint i = 0; i < gp_categories_get_n_items (categories); i++)
      if (strstr (gp_categories_get_item (categories, i)->label, "电动自行车") != NULL)
        charging = gp_categories_get_item (categories, i);
    g_assert_nonnull (charging);
    g_assert_nonnull (strstr (ddc, charging->code));
    g_assert_cmpstr (bllj, ==, "06010");
    g_assert_nonnull (strstr (lj, "06010"));
    g_assert_cmpstr (none, ==, "");
  }
}

/* json-glib's reading of @text, as our writer writes it; NULL where it
 * reads no object. */
static char *
read_by_json_glib (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return gp_json_to_string (json_node_get_object (root), FALSE);
}

/* json-glib's reading of @text as any value; NULL where it reads none. */
static char *
read_any_by_json_glib (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? gp_json_node_to_string (root, FALSE) : NULL;
}

/* The store's JSON reader reads what json-glib reads, the same way, and
 * refuses what it refuses, with an error and nothing half read. */
static void
test_json_reader (void)
{
  const char *texts[] = {
    /* Read alike. */
    "{}",
    " \t\r\n{ } \n",
    "{\"a\":{\"b\":{\"c\":1},\"d\":[{\"e\":2},{\"e\":3}]},\"f\":\"g\"}",   /* names at three depths */
    "{\"s\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"}",
    "{\"u\":\"\\u7f51\\u683c \\ud83d\\ude00 \\u00e9\"}",
    "{\"raw\":\"网格员 😀\"}",
    "{\"nul\":\"x\\u0000y\"}",
    "{\"ctl\":\"\001 \037 \013 \177\"}",
    "\xef\xbb\xbf{\"bom\":1}",
    "{\"n\":[0,-0,7,-12,9223372036854775807,9223372036854775808,-9223372036854775809]}",
    "{\"d\":[1.0,-0.5,1e3,1E+2,2.5e-3,108.9386276,1e400]}",
    "{\"b\":[true,false,null]}",
    "{\"twice\":1,\"twice\":2}",
    "{\"e\":[],\"o\":{},\"a\":[[[]]]}",
    "{\"\":\"empty name\"}",
    /* Refused by both. */
    "",
    "   ",
    "[1]",
    "\"a\"",
    "{}{}",
    "{} x",
    "{\"a\":01}",
    "{\"a\":.5}",
    "{\"a\":-}",
    "{\"a\":1.}",
    "{\"a\":1e}",
    "{\"a\":[1,]}",
    "{\"a\":1,}",
    "{,}",
    "{\"a\"}",
    "{\"a\" 1}",
    "{a:1}",
    "{\"a\":tru}",
    "{\"a\":nul}",
    "{\"a\":\"\\ud800\"}",
    "{\"a\":\"\\ude00\\ud83d\"}",
    "{\"a\":\"\\u12G4\"}",
    "{\"a\":\"open",
    "{\"a\":\"line\nfeed\"}",
    "{\"a\":\"tab\tbed\"}",
    "{\"a\":\"c\rr\"}",
    "{\"a\":\"f\ff\"}",
    "{\"a\":\"b\bb\"}",
    "\xef\xbb\xbf \xef\xbb\xbf{}",
    "{\"a\":[1,2",
  };
  g_autoptr(GString) deep = g_string_new ("{\"a\":");

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *expected = read_by_json_glib (texts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = gp_json_parse_object (texts[i], -1, &error);

      if (expected == NULL)
        {
          if (object != NULL)
            g_error ("read %s, which json-glib refuses", texts[i]);
          g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
        }
      else
        {
          g_autofree char *got = NULL;

          if (error != NULL)
            g_error ("refused %s: %s", texts[i], error->message);
          got = gp_json_to_string (object, FALSE);
          g_assert_cmpstr (got, ==, expected);
        }
    }

  /* Any value, as the grid centre's replies are read (gp_json_parse()):
   * the same texts, and arrays and plain values. */
  {
    const char *values[] = {
      "[]", " [ {\"a\":1}, 2, \"x\", null, true, [[]] ] ", "42", "-1.5e3", "\"网格\"", "null", "false",
      "[1,]", "[", "]", "[1] [2]", "[1,2", "nul", "\"open",
    };

    for (guint i = 0; i < G_N_ELEMENTS (texts) + G_N_ELEMENTS (values); i++)
      {
        const char *text = i < G_N_ELEMENTS (texts) ? texts[i] : values[i - G_N_ELEMENTS (texts)];
        g_autofree char *expected = read_any_by_json_glib (text);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) node = gp_json_parse (text, -1, &error);
        g_autofree char *got = node != NULL ? gp_json_node_to_string (node, FALSE) : NULL;

        /* json-glib reads values one after another as an array of them;
         * JSON has one value, and a reply of more is garbled. */
        if (g_str_equal (text, "{}{}") || g_str_equal (text, "[1] [2]"))
          {
            g_assert_nonnull (expected);
            g_assert_null (node);
            g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
            continue;
          }
        if (expected == NULL && node != NULL)
          g_error ("read %s, which json-glib refuses", text);
        if (expected != NULL && node == NULL)
          g_error ("refused %s: %s", text, error->message);
        g_assert_cmpstr (got, ==, expected);
        if (node == NULL)
          g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
      }
  }

  /* Escapes beyond JSON's own, which json-glib reads and no writer of
   * the store's documents writes. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) object = gp_json_parse_object ("{\"a\":\"\\x41\"}", -1, &error);

    g_assert_null (object);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  }

  /* Every text cut short is refused, not read in part, and nothing is
   * read past its length: each cut is a buffer of its own, of that size. */
  {
    const char *whole = texts[2];

    for (gsize cut = 0; cut < strlen (whole); cut++)
      {
        g_autofree char *part = g_memdup2 (whole, cut);
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonObject) object = gp_json_parse_object (part ? part : "", (gssize) cut, &error);

        g_assert_null (object);
        g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
      }
  }
  /* A text read to its length, not to its end. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) object = gp_json_parse_object ("{\"a\":17}99", 8, &error);

    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (object, "a"), ==, 17);
  }
  /* As deep as json-glib goes, and deeper: arrays in an object, and
   * objects in objects, read or refused alike, and both seen. */
  {
    guint read = 0, refused = 0;

    for (guint depth = 1020; depth <= 1030; depth++)
      for (guint shape = 0; shape < 2; shape++)
        {
          g_autoptr(GString) nested = g_string_new (NULL);
          g_autoptr(JsonObject) object = NULL;
          g_autofree char *expected = NULL;

          if (shape == 0)
            {
              g_string_append (nested, "{\"a\":");
              for (guint i = 1; i < depth; i++)
                g_string_append_c (nested, '[');
              for (guint i = 1; i < depth; i++)
                g_string_append_c (nested, ']');
              g_string_append_c (nested, '}');
            }
          else
            {
              for (guint i = 0; i < depth; i++)
                g_string_append (nested, "{\"a\":");
              g_string_append_c (nested, '1');
              for (guint i = 0; i < depth; i++)
                g_string_append_c (nested, '}');
            }
          expected = read_by_json_glib (nested->str);
          object = gp_json_parse_object (nested->str, (gssize) nested->len, NULL);
          if (expected == NULL)
            {
              g_assert_null (object);
              refused++;
            }
          else
            {
              g_autofree char *got = NULL;

              g_assert_nonnull (object);
              got = gp_json_to_string (object, FALSE);
              g_assert_cmpstr (got, ==, expected);
              read++;
            }
        }
    g_assert_cmpuint (read, >, 0);
    g_assert_cmpuint (refused, >, 0);
  }

  /* Not UTF-8; a NUL inside the length. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) object = gp_json_parse_object ("{\"a\":\"\xff\"}", -1, &error);

    g_assert_null (object);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
    g_clear_error (&error);
    object = gp_json_parse_object ("{}\0{}", 5, &error);
    g_assert_null (object);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  }

  /* Nested past its depth: refused without running out of stack. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "[");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) object = gp_json_parse_object (deep->str, (gssize) deep->len, &error);

    g_assert_null (object);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/documents/types", test_every_type_has_a_sample);
  g_test_add_func ("/documents/category-search", test_category_search);
  g_test_add_func ("/documents/round-trip/json", test_round_trip);
  g_test_add_func ("/documents/round-trip/store", test_round_trip_through_store);
  g_test_add_func ("/documents/properties", test_properties);
  g_test_add_func ("/documents/new-ids", test_new_ids);
  g_test_add_func ("/documents/validation/members", test_validation);
  g_test_add_func ("/documents/validation/ids-and-types", test_bad_ids_and_types);
  g_test_add_func ("/documents/validation/store-refuses", test_store_refuses_invalid);
  g_test_add_func ("/documents/policy/calendar", test_policy_calendar);
  g_test_add_func ("/documents/privacy/masking", test_masking);
  g_test_add_func ("/documents/json/writer", test_json_writer);
  g_test_add_func ("/documents/json/reader", test_json_reader);

  return g_test_run ();
}
