/* test-demo-history.c — the demo grid's weeks of work, for training.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-casework.h"
#include "gp-clock.h"
#include "gp-demo.h"
#include "gp-demo-history.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-store.h"
#include "gp-test-util.h"

static GpStore *
install (const char *dir,
         gint64      now)
{
  g_autoptr(GpStore) store = gp_test_open_store (dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_demo_install (store, GP_DEMO_DEFAULT_HOUSEHOLDS, GP_DEMO_DEFAULT_SEED, &error));
  g_assert_no_error (error);
  g_assert_true (gp_demo_history_install (store, GP_DEMO_DEFAULT_SEED, now, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

/* Every id with its revision, in order: what two stores are compared by. */
static char *
ids_and_revs (GpStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = gp_store_changes (store, 0, 0, &error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      GpStoreChange *change = g_ptr_array_index (changes, i);

      g_ptr_array_add (lines, g_strdup_printf ("%s %s", change->id, change->rev));
    }
  g_ptr_array_sort_values (lines, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) g_ptr_array_index (lines, i));
  return g_string_free (text, FALSE);
}

/* A trainee's grid: cases in every state, some overdue, patrols and
 * visits; all of it marked as demo data, all of it the same again for
 * the same seed and day, none of it after "now". */
static void
test_history (void)
{
  g_autofree char *dir = gp_test_make_dir ();
  g_autofree char *again_dir = gp_test_make_dir ();
  g_autoptr(GDateTime) now_time = g_date_time_new_from_iso8601 (GP_TEST_NOW, NULL);
  gint64 now = g_date_time_to_unix (now_time);
  g_autoptr(GpStore) store = install (dir, now);
  g_autoptr(GpStore) again = install (again_dir, now);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = gp_documents_load_all (store, "incident", GP_DEMO_GRID_CODE, &error);
  g_autoptr(GPtrArray) patrols = gp_documents_load_all (store, "patrol", GP_DEMO_GRID_CODE, &error);
  g_autoptr(GPtrArray) visits = gp_documents_load_all (store, "visit", GP_DEMO_GRID_CODE, &error);
  g_autoptr(GPtrArray) events = gp_documents_load_all (store, "event", GP_DEMO_GRID_CODE, &error);
  guint states[GP_N_STATES] = { 0 };
  guint red = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (incidents->len, ==, 42);
  g_assert_cmpuint (patrols->len, >=, 12);
  g_assert_cmpuint (visits->len, >=, 40);
  for (guint i = 0; i < incidents->len; i++)
    {
      g_autoptr(GpCase) shown = gp_casework_load_case (store, gp_document_get_id (g_ptr_array_index (incidents, i)),
                                                       now, NULL, NULL, &error);

      g_assert_no_error (error);
      states[shown->state]++;
      red += shown->warning == GP_WARNING_RED;
    }
  for (guint s = 0; s < GP_N_STATES; s++)
    {
      g_test_message ("%s: %u", gp_state_label (s), states[s]);
      g_assert_cmpuint (states[s], >, 0);
    }
  g_assert_cmpuint (red, >, 0);

  /* Marked as demo data, and nothing dated after now. */
  {
    GPtrArray *all[] = { incidents, patrols, visits, events };

    for (guint a = 0; a < G_N_ELEMENTS (all); a++)
      for (guint i = 0; i < all[a]->len; i++)
        {
          GpDocument *document = g_ptr_array_index (all[a], i);

          g_assert_true (gp_document_get_boolean_member (document, "example"));
        }
    for (guint i = 0; i < events->len; i++)
      {
        g_autoptr(GDateTime) at = gp_event_dup_at (g_ptr_array_index (events, i));

        g_assert_cmpint (g_date_time_to_unix (at), <=, now);
      }
  }

  /* The same seed and day: the same documents, ids and revisions. */
  {
    g_autofree char *first = ids_and_revs (store);
    g_autofree char *second = ids_and_revs (again);

    g_assert_cmpstr (first, ==, second);
  }

  /* Installed again, on a grid that has cases: nothing added. */
  g_assert_true (gp_demo_history_install (store, GP_DEMO_DEFAULT_SEED + 1, now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gp_store_count (store, "incident", GP_DEMO_GRID_CODE, NULL), ==, 42);

  g_clear_object (&store);
  g_clear_object (&again);
  gp_test_remove_dir (dir);
  gp_test_remove_dir (again_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gp_test_fix_clock (GP_TEST_NOW);

  g_test_add_func ("/demo-history/weeks-of-work", test_history);

  return g_test_run ();
}
