/* test-demo.c — the demo grid: deterministic, realistic, valid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-test-util.h"

static char *
documents_text (GPtrArray *documents)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < documents->len; i++)
    {
      g_autoptr(JsonObject) json = gp_document_to_json (g_ptr_array_index (documents, i));
      g_autofree char *line = gp_json_to_string (json, FALSE);

      g_string_append_printf (text, "%s\n", line);
    }
  return g_string_free (text, FALSE);
}

static guint
count_type (GPtrArray *documents,
            GType      type)
{
  guint count = 0;

  for (guint i = 0; i < documents->len; i++)
    count += G_TYPE_CHECK_INSTANCE_TYPE (g_ptr_array_index (documents, i), type);
  return count;
}

static void
test_deterministic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = gp_demo_generate (420, 7, &error);
  g_autoptr(GPtrArray) second = gp_demo_generate (420, 7, &error);
  g_autoptr(GPtrArray) other = gp_demo_generate (420, 8, &error);
  g_autofree char *a = documents_text (first);
  g_autofree char *b = documents_text (second);
  g_autofree char *c = documents_text (other);

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

static void
test_deterministic_in_store (void)
{
  g_autofree char *dir_a = gp_test_make_dir ();
  g_autofree char *dir_b = gp_test_make_dir ();
  g_autoptr(GpStore) a = gp_test_open_store (dir_a);
  g_autoptr(GpStore) b = gp_test_open_store (dir_b);
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot_a = NULL;
  g_autofree char *snapshot_b = NULL;
  g_autofree char *again = NULL;

  g_assert_true (gp_demo_install (a, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
  g_assert_true (gp_demo_install (b, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);

  /* Same revisions too: they hash the content. */
  snapshot_a = gp_test_store_snapshot (a);
  snapshot_b = gp_test_store_snapshot (b);
  g_assert_cmpstr (snapshot_a, ==, snapshot_b);

  /* Installing it again writes nothing. */
  g_assert_true (gp_demo_install (a, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  again = gp_test_store_snapshot (a);
  g_assert_cmpstr (again, ==, snapshot_a);

  g_assert_cmpint (gp_store_count (a, "household", GP_DEMO_GRID_CODE, &error), ==, 420);

  g_clear_object (&a);
  g_clear_object (&b);
  gp_test_remove_dir (dir_a);
  gp_test_remove_dir (dir_b);
}

static void
test_sizes (void)
{
  const guint sizes[] = { 300, 420, 500 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint64 seed = 1; seed <= 5; seed++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) documents = gp_demo_generate (sizes[s], seed, &error);
        guint buildings = count_type (documents, GP_TYPE_BUILDING);
        guint capacity = 0;

        g_assert_no_error (error);
        g_assert_cmpuint (count_type (documents, GP_TYPE_HOUSEHOLD), ==, sizes[s]);
        g_assert_cmpuint (count_type (documents, GP_TYPE_GRID), ==, 1);
        g_assert_cmpuint (count_type (documents, GP_TYPE_POLICY), ==, 1);
        g_assert_cmpuint (buildings, >=, 12);
        g_assert_cmpuint (buildings, <=, 20);
        g_assert_cmpuint (count_type (documents, GP_TYPE_ROUTE), ==, 2);
        g_assert_cmpuint (count_type (documents, GP_TYPE_LANE), >=, 3);

        for (guint i = 0; i < documents->len; i++)
          {
            GpDocument *document = g_ptr_array_index (documents, i);

            if (!gp_document_validate (document, &error))
              g_error ("%s: %s", gp_document_get_id (document), error->message);

            if (GP_IS_BUILDING (document))
              capacity += gp_building_get_capacity (GP_BUILDING (document));
            if (GP_IS_ROUTE (document))
              {
                guint n = gp_route_get_n_checkpoints (GP_ROUTE (document));

                g_assert_cmpuint (n, >=, 8);
                g_assert_cmpuint (n, <=, 15);
              }
          }
        /* Some flats stand empty, as they do. */
        g_assert_cmpuint (capacity, >=, sizes[s]);
      }
}

static void
test_refuses_other_sizes (void)
{
  const guint sizes[] = { 0, 299, 501, 5000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) documents = gp_demo_generate (sizes[i], 1, &error);

      g_assert_error (error, GP_DEMO_ERROR, GP_DEMO_ERROR_INVALID_SIZE);
      g_assert_null (documents);
    }
}

static void
test_realistic (void)
{
  g_autoptr(GPtrArray) documents = gp_demo_generate (420, GP_DEMO_DEFAULT_SEED, NULL);
  guint buildings = count_type (documents, GP_TYPE_BUILDING);
  guint captains = 0, anchors = 0, elderly = 0, rental = 0, hardship = 0;
  GpGrid *grid = NULL;
  GpPolicy *policy = NULL;
  GpGeoBounds bounds;
  guint kinds[4] = { 0 };
  const char *kind_names[4] = {
    GP_COMPONENT_MANHOLE_COVER, GP_COMPONENT_STREET_LIGHT,
    GP_COMPONENT_FIRE_HYDRANT, GP_COMPONENT_RUBBISH_POINT,
  };

  for (guint i = 0; i < documents->len; i++)
    {
      GpDocument *document = g_ptr_array_index (documents, i);

      if (GP_IS_GRID (document))
        grid = GP_GRID (document);
      if (GP_IS_POLICY (document))
        policy = GP_POLICY (document);
      if (GP_IS_HOUSEHOLD (document))
        {
          GpHousehold *household = GP_HOUSEHOLD (document);

          captains += gp_household_has_tag (household, GP_TAG_BUILDING_CAPTAIN);
          anchors += gp_household_has_tag (household, GP_TAG_PARTY_ANCHOR);
          elderly += gp_household_has_tag (household, GP_TAG_ELDERLY_ALONE);
          rental += gp_household_has_tag (household, GP_TAG_RENTAL);
          hardship += gp_household_has_tag (household, GP_TAG_HARDSHIP);
          g_assert_nonnull (gp_household_get_head (household));
          g_assert_cmpuint (strlen (gp_household_get_phone (household)), ==, 11);
          if (gp_household_has_tag (household, GP_TAG_ELDERLY_ALONE))
            g_assert_cmpint (gp_household_get_people (household), ==, 1);
        }
      for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
        if (GP_IS_COMPONENT (document) &&
            g_str_equal (gp_component_get_kind (GP_COMPONENT (document)), kind_names[k]))
          kinds[k]++;
    }

  /* A building captain in every building; the rest at believable rates. */
  g_assert_cmpuint (captains, ==, buildings);
  g_assert_cmpuint (anchors, >=, 420 * 2 / 100);
  g_assert_cmpuint (anchors, <=, 420 * 10 / 100);
  g_assert_cmpuint (elderly, >=, 420 * 3 / 100);
  g_assert_cmpuint (elderly, <=, 420 * 10 / 100);
  g_assert_cmpuint (rental, >=, 420 * 10 / 100);
  g_assert_cmpuint (rental, <=, 420 * 28 / 100);
  g_assert_cmpuint (hardship, >=, 1);
  g_assert_cmpuint (hardship, <=, 420 * 5 / 100);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    g_assert_cmpuint (kinds[k], >=, 2);

  /* Near 34.26 N, 108.94 E, and a compound's size. */
  g_assert_nonnull (grid);
  g_assert_true (gp_geo_geometry_get_bounds (gp_document_get_geometry (GP_DOCUMENT (grid)), &bounds));
  g_assert_cmpfloat_with_epsilon ((bounds.south + bounds.north) / 2, 34.26, 0.01);
  g_assert_cmpfloat_with_epsilon ((bounds.west + bounds.east) / 2, 108.94, 0.01);
  g_assert_cmpint (gp_grid_get_households (grid), ==, 420);
  g_assert_true (gp_document_get_boolean_member (GP_DOCUMENT (grid), "example"));

  /* Seed 000's four grades, in working days, and an example calendar. */
  g_assert_nonnull (policy);
  {
    g_auto(GStrv) levels = gp_policy_dup_level_codes (policy);
    JsonObject *level_b = gp_policy_get_level (policy, "B");
    JsonObject *deadline = json_array_get_object_element (gp_json_get_array (level_b, "deadlines"), 0);
    GDate date;

    g_assert_cmpstrv (levels, ((const char * const[]) { "A", "B", "C", "D", NULL }));
    g_assert_cmpint (json_object_get_int_member (deadline, "amount"), ==, 3);
    g_assert_cmpstr (gp_json_get_string (deadline, "unit"), ==, GP_DEADLINE_WORKING_DAYS);
    g_assert_true (gp_policy_is_example_calendar (policy));
    g_date_set_dmy (&date, 1, G_DATE_OCTOBER, 2026);
    g_assert_false (gp_policy_is_working_day (policy, &date));
    g_date_set_dmy (&date, 10, G_DATE_OCTOBER, 2026);
    g_assert_true (gp_policy_is_working_day (policy, &date));
  }

  /* Every building is inside the grid's boundary. */
  for (guint i = 0; i < documents->len; i++)
    {
      GpDocument *document = g_ptr_array_index (documents, i);
      GpGeoPoint center;

      if (!GP_IS_BUILDING (document))
        continue;
      g_assert_true (gp_geo_geometry_get_center (gp_document_get_geometry (document), &center));
      g_assert_cmpfloat (center.lon, >, bounds.west);
      g_assert_cmpfloat (center.lon, <, bounds.east);
      g_assert_cmpfloat (center.lat, >, bounds.south);
      g_assert_cmpfloat (center.lat, <, bounds.north);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/deterministic/documents", test_deterministic);
  g_test_add_func ("/demo/deterministic/store", test_deterministic_in_store);
  g_test_add_func ("/demo/sizes", test_sizes);
  g_test_add_func ("/demo/refuses-other-sizes", test_refuses_other_sizes);
  g_test_add_func ("/demo/realistic", test_realistic);

  return g_test_run ();
}
