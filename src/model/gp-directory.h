/* gp-directory.h — whom a grid's cases can be given to: its people and the street's departments (派单通讯录).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "gp-document.h"

G_BEGIN_DECLS

#define GP_TYPE_DIRECTORY (gp_directory_get_type ())

G_DECLARE_FINAL_TYPE (GpDirectory, gp_directory, GP, DIRECTORY, GpDocument)

/* One to whom a case can go. @target is what a dispatch step names: a
 * person's account, or a department's name; @role is the person's role in
 * the grid ("worker", "leader"), or NULL for a department. */
typedef struct
{
  const char *target;
  const char *label;
  const char *role;
} GpDirectoryEntry;

GpDirectory *gp_directory_new          (const char  *grid_code) G_GNUC_WARN_UNUSED_RESULT;
const char  *gp_directory_get_grid     (GpDirectory *self);
GArray      *gp_directory_list         (GpDirectory *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean     gp_directory_add_person   (GpDirectory *self,
                                        const char  *name,
                                        const char  *label,
                                        const char  *role);
gboolean     gp_directory_add_department (GpDirectory *self,
                                          const char  *name);

G_END_DECLS
