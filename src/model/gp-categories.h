/* gp-categories.h — the two-level tree of incident categories, with codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "gp-types.h"

G_BEGIN_DECLS

char             *gp_pinyin_initials         (const char   *text) G_GNUC_WARN_UNUSED_RESULT;

typedef struct
{
  char    *code;          /* "06010" */
  char    *label;         /* "暴露垃圾" */
  char    *class_code;    /* "06" */
  char    *class_label;   /* "市容环境类" */
  char    *family;        /* "city" or "social" */
  char    *initials;      /* the label's pinyin initials: "bllj" */
  int      severity;      /* 1 simple … 4 major */
  gboolean urgent;
} GpCategory;

#define GP_CATEGORIES_DOCUMENT_ID "categories"

#define GP_TYPE_CATEGORIES (gp_categories_get_type ())
G_DECLARE_FINAL_TYPE (GpCategories, gp_categories, GP, CATEGORIES, GObject)

GpCategories     *gp_categories_new_default  (void) G_GNUC_WARN_UNUSED_RESULT;
GpCategories     *gp_categories_new_from_json (JsonObject   *json,
                                               GError      **error) G_GNUC_WARN_UNUSED_RESULT;
GpCategories     *gp_categories_load         (GpStore      *store) G_GNUC_WARN_UNUSED_RESULT;
void              gp_categories_load_async   (GpStore             *store,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GpCategories     *gp_categories_load_finish  (GpStore             *store,
                                              GAsyncResult        *result,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
const char       *gp_categories_get_name     (GpCategories *self);
guint             gp_categories_get_n_items  (GpCategories *self);
const GpCategory *gp_categories_get_item     (GpCategories *self,
                                              guint         index);
const GpCategory *gp_categories_lookup       (GpCategories *self,
                                              const char   *code);
GPtrArray        *gp_categories_search       (GpCategories *self,
                                              const char   *text) G_GNUC_WARN_UNUSED_RESULT;
const char       *gp_categories_label        (GpCategories *self,
                                              const char   *code);
char             *gp_categories_describe     (GpCategories *self,
                                              const char   *code) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
