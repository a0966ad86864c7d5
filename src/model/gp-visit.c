/* gp-visit.c — a household visit (入户走访).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-visit"

#include "config.h"

#include "gp-visit.h"
#include "gp-json.h"

#include <glib/gi18n-lib.h>

struct _GpVisit
{
  GpDocument parent_instance;
};

G_DEFINE_FINAL_TYPE (GpVisit, gp_visit, GP_TYPE_DOCUMENT)

enum {
  PROP_0,
  PROP_GRID,
  PROP_HOUSEHOLD,
  PROP_WORKER,
  PROP_AT,
  PROP_NOTE,
  PROP_TAGS,
  PROP_PATROL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
gp_visit_validate (GpDocument  *document,
                   GError     **error)
{
  return gp_document_check_reference (document, "household", "household", error) &&
         gp_document_check_reference (document, "patrol", "patrol", error);
}

static void
gp_visit_class_init (GpVisitClass *klass)
{
  GpDocumentClass *document_class = GP_DOCUMENT_CLASS (klass);

  document_class->type_name = "visit";
  document_class->geometry_type = "Point";
  document_class->validate = gp_visit_validate;

  properties[PROP_GRID] =
    g_param_spec_string ("grid", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_HOUSEHOLD] =
    g_param_spec_string ("household", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_WORKER] =
    g_param_spec_string ("worker", NULL, NULL, NULL,
                         GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_AT] =
    g_param_spec_boxed ("at", NULL, NULL, G_TYPE_DATE_TIME,
                        GP_PARAM_MEMBER | GP_PARAM_REQUIRED);
  properties[PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV,
                        GP_PARAM_MEMBER);
  properties[PROP_PATROL] =
    g_param_spec_string ("patrol", NULL, NULL, NULL,
                         GP_PARAM_MEMBER);

  gp_document_class_install_members (document_class, properties + 1, N_PROPS - 1);
}

static void
gp_visit_init (GpVisit *self)
{
}

GpVisit *
gp_visit_new (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strconcat ("visit:", uuid, NULL);

  return g_object_new (GP_TYPE_VISIT, "id", id, NULL);
}

const char *
gp_visit_get_grid (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "grid");
}

const char *
gp_visit_get_household (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "household");
}

const char *
gp_visit_get_worker (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "worker");
}

GDateTime *
gp_visit_dup_at (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_dup_time_member (GP_DOCUMENT (self), "at");
}

const char *
gp_visit_get_note (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "note");
}

char **
gp_visit_dup_tags (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_dup_strv_member (GP_DOCUMENT (self), "tags");
}

const char *
gp_visit_get_patrol (GpVisit *self)
{
  g_return_val_if_fail (GP_IS_VISIT (self), NULL);

  return gp_document_get_string_member (GP_DOCUMENT (self), "patrol");
}

/* What a worker notes at a door, in the order offered. */
static const struct
{
  const char *id;
  const char *label;
} visit_tags[] = {
  { "all_well", N_("All well") },
  { "nobody_home", N_("Nobody home") },
  { "needs_help", N_("Needs help") },
  { "safety_hazard", N_("Safety hazard") },
  { "dispute", N_("Dispute") },
  { "request", N_("Has a request") },
  { "residents_changed", N_("Residents changed") },
  { "policy_explained", N_("Policy explained") },
};

/**
 * gp_visit_list_tags:
 *
 * Returns: (transfer none): the ids of the tags a visit can carry, %NULL-terminated
 */
const char * const *
gp_visit_list_tags (void)
{
  static const char *ids[G_N_ELEMENTS (visit_tags) + 1];

  if (ids[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (visit_tags); i++)
      ids[i] = visit_tags[i].id;
  return ids;
}

/**
 * gp_visit_tag_label:
 *
 * Returns: the tag in words; an unknown tag (from the centre, say) as it is
 */
const char *
gp_visit_tag_label (const char *tag)
{
  for (guint i = 0; i < G_N_ELEMENTS (visit_tags); i++)
    if (g_strcmp0 (tag, visit_tags[i].id) == 0)
      return _(visit_tags[i].label);
  return tag;
}

/* The visit's tags in words, "All well, Policy explained"; empty if none. */
char *
gp_visit_format_tags (GpVisit *self)
{
  g_auto(GStrv) tags = NULL;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (GP_IS_VISIT (self), g_string_free (text, FALSE));

  tags = gp_visit_dup_tags (self);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (text, C_("list of tags", ", "));
      g_string_append (text, gp_visit_tag_label (tags[i]));
    }
  return g_string_free (text, FALSE);
}

/**
 * gp_visit_last_times:
 * @visits: (element-type GpVisit): visits in any order
 *
 * When each household was last visited: a table from household id to a
 * #gint64 of UNIX seconds. Visits without a household or a time are left
 * out; a household never visited is not in the table.
 *
 * Returns: (transfer full): the table
 */
GHashTable *
gp_visit_last_times (GPtrArray *visits)
{
  GHashTable *last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (visits != NULL, last);

  for (guint i = 0; i < visits->len; i++)
    {
      GpVisit *visit = g_ptr_array_index (visits, i);
      const char *household = gp_visit_get_household (visit);
      g_autoptr(GDateTime) at = gp_visit_dup_at (visit);
      gint64 *known;

      if (household == NULL || at == NULL)
        continue;
      known = g_hash_table_lookup (last, household);
      if (known == NULL)
        {
          known = g_new (gint64, 1);
          *known = G_MININT64;
          g_hash_table_insert (last, g_strdup (household), known);
        }
      *known = MAX (*known, g_date_time_to_unix (at));
    }
  return last;
}

/**
 * gp_visit_due_before:
 * @days: the coverage period, in days
 * @now: UNIX seconds
 *
 * A household whose last visit is before the returned time (UNIX seconds),
 * or that was never visited, is due a visit: it was not visited in the last
 * @days days.
 */
gint64
gp_visit_due_before (int    days,
                     gint64 now)
{
  return now - (gint64) MAX (days, 0) * 86400;
}
