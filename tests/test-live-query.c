/* test-live-query.c — how pages follow the store and the clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "gp-context.h"
#include "gp-documents.h"
#include "gp-json.h"
#include "gp-live-query.h"
#include "gp-store.h"
#include "gp-test-util.h"

typedef struct
{
  char      *dir;
  GSettings *settings;
  GpContext *context;
  GpStore   *store;
  guint      refreshes;
} Fixture;

static gboolean
context_ready (gpointer data)
{
  return !gp_context_get_loading (data);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = gp_test_make_dir ();
  fixture->settings = g_settings_new (APPLICATION_ID);
  fixture->context = gp_context_new (fixture->settings);
  fixture->store = gp_test_open_store (fixture->dir);
  gp_context_set_store (fixture->context, fixture->store);
  g_assert_true (gp_test_wait_until (context_ready, fixture->context, 10000));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gp_context_set_store (fixture->context, NULL);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->settings);
  gp_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static void
on_refresh (Fixture *fixture)
{
  fixture->refreshes++;
}

static gboolean
is_incident (const char *id,
             gpointer    user_data)
{
  return g_str_has_prefix (id, "incident:");
}

/* Writes a document of @type with a new id, as a page's neighbours do. */
static void
put (GpStore    *store,
     const char *type)
{
  static guint serial;
  g_autofree char *text = g_strdup_printf ("{\"_id\": \"%s:%u\", \"type\": \"%s\"}", type, ++serial, type);
  g_autoptr(JsonObject) json = gp_json_parse_object (text, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = gp_store_put (store, json, NULL, GP_STORE_PUT_NONE, &error);

  g_assert_no_error (error);
}

static gboolean
settled (gpointer data)
{
  return !gp_live_query_get_queued (data);
}

/* Lets every change written so far be told and every refresh due come. */
static void
settle (GpLiveQuery *query)
{
  g_assert_true (gp_test_wait_until (settled, query, 10000));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A burst of writes is one refresh, after it; what the filter turns away
 * is none. */
static void
test_burst (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GpLiveQuery) query = gp_live_query_new (fixture->context, 200);

  gp_live_query_set_filter (query, is_incident, NULL);
  g_signal_connect_swapped (query, "refresh", G_CALLBACK (on_refresh), fixture);
  for (guint i = 0; i < 5; i++)
    put (fixture->store, "incident");
  settle (query);
  g_assert_cmpuint (fixture->refreshes, ==, 1);

  put (fixture->store, "visit");
  settle (query);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
}

/* Hidden, a page is not refreshed; shown again after a change, at once
 * and once; shown again with nothing changed, not at all. */
static void
test_hidden (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GpLiveQuery) query = gp_live_query_new (fixture->context, 200);

  g_signal_connect_swapped (query, "refresh", G_CALLBACK (on_refresh), fixture);
  gp_live_query_set_active (query, FALSE);
  put (fixture->store, "incident");
  put (fixture->store, "incident");
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_live_query_get_queued, query, 10000));
  g_assert_cmpuint (fixture->refreshes, ==, 0);
  gp_live_query_set_active (query, TRUE);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
  gp_live_query_set_active (query, FALSE);
  gp_live_query_set_active (query, TRUE);
  settle (query);
  g_assert_cmpuint (fixture->refreshes, ==, 1);

  /* Hidden in the middle of a burst: the refresh waits to be shown. */
  put (fixture->store, "incident");
  g_assert_true (gp_test_wait_until ((gboolean (*) (gpointer)) gp_live_query_get_queued, query, 10000));
  gp_live_query_set_active (query, FALSE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->refreshes, ==, 1);
  g_assert_true (gp_live_query_get_queued (query));
  gp_live_query_set_active (query, TRUE);
  g_assert_cmpuint (fixture->refreshes, ==, 2);
}

/* The minute counts for pages showing clocks, not for the others. */
static void
test_minute (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GpLiveQuery) clock = gp_live_query_new (fixture->context, 0);
  g_autoptr(GpLiveQuery) list = gp_live_query_new (fixture->context, 0);
  guint list_refreshes = 0;

  gp_live_query_set_per_minute (clock, TRUE);
  g_signal_connect_swapped (clock, "refresh", G_CALLBACK (on_refresh), fixture);
  g_signal_connect_swapped (list, "refresh", G_CALLBACK (on_refresh), &list_refreshes);
  g_signal_emit_by_name (fixture->context, "minute");
  settle (clock);
  settle (list);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
  g_assert_cmpuint (list_refreshes, ==, 0);
}

/* Logged out and in again: the store followed is the context's new one;
 * the old one's writes are nothing to the page. */
static void
test_store_replaced (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GpLiveQuery) query = gp_live_query_new (fixture->context, 100);
  g_autofree char *other_dir = gp_test_make_dir ();
  g_autoptr(GpStore) other = gp_test_open_store (other_dir);
  g_autoptr(GpStore) old = g_object_ref (fixture->store);

  g_signal_connect_swapped (query, "refresh", G_CALLBACK (on_refresh), fixture);
  gp_context_set_store (fixture->context, other);
  g_assert_true (gp_test_wait_until (context_ready, fixture->context, 10000));
  put (old, "incident");
  settle (query);
  g_assert_cmpuint (fixture->refreshes, ==, 0);
  put (other, "incident");
  settle (query);
  g_assert_cmpuint (fixture->refreshes, ==, 1);
  gp_context_set_store (fixture->context, NULL);
  g_clear_object (&other);
  gp_test_remove_dir (other_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/live-query/burst", Fixture, NULL, fixture_set_up, test_burst, fixture_tear_down);
  g_test_add ("/live-query/hidden", Fixture, NULL, fixture_set_up, test_hidden, fixture_tear_down);
  g_test_add ("/live-query/minute", Fixture, NULL, fixture_set_up, test_minute, fixture_tear_down);
  g_test_add ("/live-query/store-replaced", Fixture, NULL, fixture_set_up, test_store_replaced, fixture_tear_down);

  return g_test_run ();
}
