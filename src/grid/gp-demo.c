/* gp-demo.c
 *
 * The demo grid: "文昌花园", an old residential compound of six- and
 * seven-storey slabs and a few towers in 碑林区, 西安 (about 34.26 N,
 * 108.94 E). Everything comes from one pseudo-random stream seeded by the
 * caller and no clock is read, so a seed always gives the same documents
 * and, revisions being content hashes, the same revisions.
 *
 * The compound is laid out in metres east and north of its south-west
 * corner and turned into WGS-84 at the end. Names, phone numbers and the
 * 2026 holiday calendar are example data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "gp-demo"

#include "config.h"

#include "gp-demo.h"
#include "gp-documents.h"
#include "gp-geo.h"
#include "gp-json.h"
#include "gp-store.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* South-west corner of the compound. */
#define ORIGIN_LON 108.9385
#define ORIGIN_LAT 34.2575

#define SITE_WIDTH  320.0
#define SITE_DEPTH  260.0
#define ROAD_X      160.0   /* the north–south main road */
#define ROW_FIRST   26.0
#define ROW_PITCH   36.0
#define UNIT_WIDTH  14.0
#define SLAB_DEPTH  12.0
#define TOWER_DEPTH 16.0
#define GAP         16.0
#define OCCUPANCY   0.9     /* share of dwellings with a registered household */
#define MAX_ROWS    6

G_DEFINE_QUARK (gp-demo-error-quark, gp_demo_error)

/* splitmix64: tiny, fast, and the same everywhere. */
typedef struct
{
  guint64 state;
} Rng;

static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double
rng_uniform (Rng *rng)
{
  return (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static guint
rng_below (Rng   *rng,
           guint  n)
{
  return (guint) (rng_uniform (rng) * n);
}

static gboolean
rng_chance (Rng    *rng,
            double  p)
{
  return rng_uniform (rng) < p;
}

static GpGeoPoint
local_to_geo (double east,
              double north)
{
  GpGeoPoint origin = { ORIGIN_LON, ORIGIN_LAT };

  return gp_geo_offset (origin, east, north);
}

typedef struct
{
  double x, y;           /* local metres, south-west corner */
  double length, depth;
  int    floors;
  int    units;
  int    rooms;          /* dwellings per floor in each unit */
  gboolean tower;
  char  *code;
  char  *id;
  char  *name;
} BuildingPlan;

static void
building_plan_clear (BuildingPlan *plan)
{
  g_free (plan->code);
  g_free (plan->id);
  g_free (plan->name);
}

static int
plan_capacity (const BuildingPlan *plan)
{
  return plan->floors * plan->units * plan->rooms;
}

/* Sizes first: enough dwellings for the households at a realistic
 * occupancy, in 12–20 buildings. */
static GArray *
plan_buildings (Rng   *rng,
                guint  households)
{
  guint n = CLAMP ((households + 29) / 30, 12, 20);
  GArray *plans = g_array_sized_new (FALSE, TRUE, sizeof (BuildingPlan), n);
  int target = (int) ceil (households / OCCUPANCY);
  int capacity = 0;
  gboolean changed;

  g_array_set_clear_func (plans, (GDestroyNotify) building_plan_clear);

  for (guint i = 0; i < n; i++)
    {
      BuildingPlan plan = { 0 };

      plan.tower = rng_chance (rng, 0.15);
      if (plan.tower)
        {
          plan.floors = 11;
          plan.units = 2;
          plan.rooms = 3;
          plan.depth = TOWER_DEPTH;
        }
      else
        {
          plan.floors = rng_chance (rng, 0.8) ? 6 : 7;
          plan.units = 2;
          plan.rooms = 2;
          plan.depth = SLAB_DEPTH;
        }
      capacity += plan_capacity (&plan);
      g_array_append_val (plans, plan);
    }

  /* Grow slabs a unit at a time, round the compound, until the dwellings
   * are enough; a slab has at most five units. */
  do
    {
      changed = FALSE;
      for (guint i = 0; i < n && capacity < target; i++)
        {
          BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);

          if (plan->tower || plan->units >= 5)
            continue;
          capacity -= plan_capacity (plan);
          plan->units++;
          capacity += plan_capacity (plan);
          changed = TRUE;
        }
    }
  while (capacity < target && changed);

  /* Still short (many towers): add floors to the slabs. */
  for (guint i = 0; capacity < target; i = (i + 1) % n)
    {
      BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);

      if (plan->tower || plan->floors >= 9)
        continue;
      capacity -= plan_capacity (plan);
      plan->floors++;
      capacity += plan_capacity (plan);
    }

  for (guint i = 0; i < n; i++)
    {
      BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);

      plan->length = plan->units * UNIT_WIDTH;
      plan->code = g_strdup_printf ("%s-%02u", GP_DEMO_GRID_CODE, i + 1);
      plan->id = g_strconcat ("building:", plan->code, NULL);
      plan->name = g_strdup_printf ("%u号楼", i + 1);
    }

  return plans;
}

/* Then places: rows facing south, a west and an east block either side of
 * the main road, buildings numbered as they are placed. */
static guint
place_buildings (GArray *plans)
{
  const double block_start[2] = { 20.0, ROAD_X + 12.0 };
  const double block_end[2] = { ROAD_X - 12.0, SITE_WIDTH - 20.0 };
  guint row = 0, block = 0;
  double x = block_start[0];

  for (guint i = 0; i < plans->len; i++)
    {
      BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);

      while (x + plan->length > block_end[block])
        {
          if (++block == 2)
            {
              block = 0;
              row++;
            }
          x = block_start[block];
        }
      g_assert (row < MAX_ROWS);

      plan->x = x;
      plan->y = ROW_FIRST + row * ROW_PITCH;
      x += plan->length + GAP;
    }

  return row + 1;
}

static GpGeoPoint
plan_entrance (const BuildingPlan *plan,
               int                 unit)
{
  return local_to_geo (plan->x + (unit - 0.5) * UNIT_WIDTH, plan->y);
}

static GpDocument *
make_policy (void)
{
  static const char policy_json[] =
    "{"
    "\"_id\": \"" GP_DEMO_POLICY_ID "\","
    "\"type\": \"policy\","
    "\"name\": \"abcd\","
    "\"title\": \"群众诉求分级分类处置标准（A、B、C、D 四级）\","
    "\"default_level\": \"B\","
    "\"response_minutes\": 10,"
    "\"levels\": ["
    "  {\"code\": \"A\", \"label\": \"A级 简单问题\", \"handler\": \"community\","
    "   \"description\": \"由街镇交社区（村）第一时间处理\","
    "   \"deadlines\": [{\"amount\": 1, \"unit\": \"working_days\"}]},"
    "  {\"code\": \"B\", \"label\": \"B级 一般问题\", \"handler\": \"street\","
    "   \"description\": \"街镇调度本级力量和行业责任部门处理\","
    "   \"deadlines\": [{\"amount\": 3, \"unit\": \"working_days\"}]},"
    "  {\"code\": \"C\", \"label\": \"C级 复杂问题\", \"handler\": \"district\","
    "   \"description\": \"街镇上报新城联合业务部门解决\","
    "   \"deadlines\": [{\"amount\": 5, \"unit\": \"working_days\"}]},"
    "  {\"code\": \"D\", \"label\": \"D级 跨区域跨部门或重大疑难问题\", \"handler\": \"city\","
    "   \"description\": \"逐级上报新城、新区统筹协调处理\","
    "   \"deadlines\": [{\"amount\": 30, \"unit\": \"calendar_days\"}]}"
    "],"
    "\"escalation\": [\"A\", \"B\", \"C\", \"D\"],"
    "\"warning\": {\"yellow\": 0.8},"
    "\"working_hours\": {\"start\": \"08:30\", \"end\": \"17:30\"},"
    "\"calendar\": {"
    "  \"example\": true,"
    "  \"note\": \"示例数据：2026 年法定节假日和调休安排，以国务院办公厅当年通知为准。\","
    "  \"weekend\": [6, 7],"
    "  \"holidays\": ["
    "    {\"name\": \"元旦\", \"from\": \"2026-01-01\", \"to\": \"2026-01-03\"},"
    "    {\"name\": \"春节\", \"from\": \"2026-02-15\", \"to\": \"2026-02-23\"},"
    "    {\"name\": \"清明节\", \"from\": \"2026-04-04\", \"to\": \"2026-04-06\"},"
    "    {\"name\": \"劳动节\", \"from\": \"2026-05-01\", \"to\": \"2026-05-05\"},"
    "    {\"name\": \"端午节\", \"from\": \"2026-06-19\", \"to\": \"2026-06-21\"},"
    "    {\"name\": \"中秋节\", \"from\": \"2026-09-25\", \"to\": \"2026-09-27\"},"
    "    {\"name\": \"国庆节\", \"from\": \"2026-10-01\", \"to\": \"2026-10-07\"}"
    "  ],"
    "  \"workdays\": [\"2026-01-04\", \"2026-02-14\", \"2026-02-28\", \"2026-05-09\","
    "                \"2026-09-20\", \"2026-10-10\"]"
    "}"
    "}";
  g_autoptr(JsonObject) json = gp_json_parse_object (policy_json, -1, NULL);

  g_assert (json != NULL);
  return gp_document_new_from_json (json, NULL);
}

static GpDocument *
make_grid (guint households)
{
  static const double boundary[][2] = {
    { 0, 0 }, { SITE_WIDTH, 0 }, { SITE_WIDTH, SITE_DEPTH - 30 },
    { SITE_WIDTH - 30, SITE_DEPTH }, { 0, SITE_DEPTH },
  };
  GpGeoPoint ring[G_N_ELEMENTS (boundary)];
  GpGrid *grid = gp_grid_new (GP_DEMO_GRID_CODE);
  g_autoptr(JsonObject) geometry = NULL;
  g_autoptr(JsonNode) example = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (boundary); i++)
    ring[i] = local_to_geo (boundary[i][0], boundary[i][1]);
  geometry = gp_geo_polygon_new (ring, G_N_ELEMENTS (ring));

  g_object_set (grid,
                "name", "文昌花园网格",
                "city", "西安市",
                "district", "碑林区",
                "street", "柏树林街道",
                "community", "文昌社区",
                "policy", GP_DEMO_POLICY_ID,
                "households", (int) households,
                NULL);
  gp_document_set_geometry (GP_DOCUMENT (grid), geometry);
  example = json_node_init_boolean (json_node_alloc (), TRUE);
  gp_document_set_member (GP_DOCUMENT (grid), "example", example);
  return GP_DOCUMENT (grid);
}

/* Whom the demo grid's cases go to: its leader and workers, by the
 * accounts they log in with, and the departments of 柏树林街道. */
static GpDocument *
make_directory (void)
{
  static const char * const people[][3] = {
    { "li", "李建国", GP_ROLE_LEADER },
    { "wang", "王芳", GP_ROLE_WORKER },
    { "zhao", "赵磊", GP_ROLE_WORKER },
  };
  static const char * const departments[] = {
    "街道城管执法中队", "街道综治中心", "市政养护所", "环卫所", "市场监管所",
    "柏树林派出所", "消防救援站", "文昌社区居委会", "物业服务中心", "供电所",
  };
  GpDirectory *directory = gp_directory_new (GP_DEMO_GRID_CODE);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    gp_directory_add_person (directory, people[i][0], people[i][1], people[i][2]);
  for (guint i = 0; i < G_N_ELEMENTS (departments); i++)
    gp_directory_add_department (directory, departments[i]);
  return GP_DOCUMENT (directory);
}

static GpDocument *
make_building (const BuildingPlan *plan)
{
  GpBuilding *building = gp_building_new (plan->code);
  GpGeoPoint ring[4];
  g_autoptr(JsonObject) footprint = NULL;
  g_autoptr(JsonArray) units = json_array_new ();
  g_autoptr(JsonArray) entrances = json_array_new ();
  g_autofree char *address = g_strdup_printf ("文昌路18号院%s", plan->name);
  g_autoptr(JsonNode) units_node = NULL;
  g_autoptr(JsonNode) entrances_node = NULL;

  /* Counter-clockwise, as RFC 7946 wants outer rings. */
  ring[0] = local_to_geo (plan->x, plan->y);
  ring[1] = local_to_geo (plan->x + plan->length, plan->y);
  ring[2] = local_to_geo (plan->x + plan->length, plan->y + plan->depth);
  ring[3] = local_to_geo (plan->x, plan->y + plan->depth);
  footprint = gp_geo_polygon_new (ring, G_N_ELEMENTS (ring));

  for (int u = 1; u <= plan->units; u++)
    {
      JsonObject *unit = json_object_new ();
      JsonObject *entrance = json_object_new ();

      json_object_set_int_member (unit, "number", u);
      json_object_set_int_member (unit, "floors", plan->floors);
      json_object_set_int_member (unit, "rooms_per_floor", plan->rooms);
      json_array_add_object_element (units, unit);

      json_object_set_int_member (entrance, "unit", u);
      json_object_set_member (entrance, "position", gp_geo_position_new (plan_entrance (plan, u)));
      json_array_add_object_element (entrances, entrance);
    }

  g_object_set (building,
                "grid", GP_DEMO_GRID_CODE,
                "name", plan->name,
                "address", address,
                "floors", plan->floors,
                "kind", "residential",
                "year-built", plan->tower ? 2004 : 1992,
                NULL);
  gp_document_set_geometry (GP_DOCUMENT (building), footprint);
  units_node = json_node_init_array (json_node_alloc (), units);
  entrances_node = json_node_init_array (json_node_alloc (), entrances);
  gp_document_set_member (GP_DOCUMENT (building), "units", units_node);
  gp_document_set_member (GP_DOCUMENT (building), "entrances", entrances_node);
  return GP_DOCUMENT (building);
}

static const char * const surnames[] = {
  "王", "王", "李", "李", "张", "张", "刘", "刘", "陈", "杨", "赵", "黄", "周", "吴",
  "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
  "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾",
};

static const char * const given_names[] = {
  "建国", "秀英", "丽", "伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰",
  "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "文", "华", "红梅", "志强",
  "海燕", "建华", "玉兰", "淑珍", "国强", "晓东", "雪梅", "春生", "卫东", "丽娟", "宏伟",
  "桂兰", "振华", "凤英", "永刚", "小红", "亚楠", "子涵", "浩然", "欣怡", "宇航",
};

static char *
make_name (Rng *rng)
{
  return g_strconcat (surnames[rng_below (rng, G_N_ELEMENTS (surnames))],
                      given_names[rng_below (rng, G_N_ELEMENTS (given_names))], NULL);
}

/* Mobile numbers of the right shape: 1, a carrier digit, nine digits. */
static char *
make_phone (Rng *rng)
{
  static const char carriers[] = "35789";
  GString *phone = g_string_new ("1");

  g_string_append_c (phone, carriers[rng_below (rng, 5)]);
  for (int i = 0; i < 9; i++)
    g_string_append_c (phone, '0' + rng_below (rng, 10));
  return g_string_free (phone, FALSE);
}

static int
make_people (Rng *rng)
{
  double p = rng_uniform (rng);

  if (p < 0.15)
    return 1;
  if (p < 0.45)
    return 2;
  if (p < 0.75)
    return 3;
  if (p < 0.92)
    return 4;
  return 5;
}

typedef struct
{
  const BuildingPlan *plan;
  int unit, floor, room;
} Dwelling;

/* Households, with tags at the rates an old compound has: a building
 * captain (楼长) in every building, about one party-member anchor household
 * (党员中心户) in twenty, elderly living alone 6 %, rented homes 18 %,
 * households in hardship 2.5 %. */
static void
make_households (Rng       *rng,
                 GArray    *plans,
                 guint      households,
                 GPtrArray *documents)
{
  g_autoptr(GArray) dwellings = g_array_new (FALSE, FALSE, sizeof (Dwelling));
  g_autofree gboolean *occupied = NULL;
  g_autofree guint *order = NULL;
  guint first = documents->len;

  for (guint i = 0; i < plans->len; i++)
    {
      const BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);

      for (int u = 1; u <= plan->units; u++)
        for (int f = 1; f <= plan->floors; f++)
          for (int r = 1; r <= plan->rooms; r++)
            {
              Dwelling dwelling = { plan, u, f, r };

              g_array_append_val (dwellings, dwelling);
            }
    }
  g_assert (dwellings->len >= households);

  /* Which dwellings have a registered household: a seeded shuffle. */
  order = g_new (guint, dwellings->len);
  for (guint i = 0; i < dwellings->len; i++)
    order[i] = i;
  for (guint i = dwellings->len - 1; i > 0; i--)
    {
      guint j = rng_below (rng, i + 1);
      guint t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  occupied = g_new0 (gboolean, dwellings->len);
  for (guint i = 0; i < households; i++)
    occupied[order[i]] = TRUE;

  for (guint i = 0; i < dwellings->len; i++)
    {
      const Dwelling *dwelling = &g_array_index (dwellings, Dwelling, i);
      g_autofree char *room = NULL;
      g_autofree char *code = NULL;
      g_autofree char *head = NULL;
      g_autofree char *phone = NULL;
      g_autoptr(GStrvBuilder) tags = g_strv_builder_new ();
      g_auto(GStrv) tag_list = NULL;
      GpHousehold *household;
      int people;

      if (!occupied[i])
        continue;

      room = g_strdup_printf ("%d%02d", dwelling->floor, dwelling->room);
      code = g_strdup_printf ("%s-%d-%s", dwelling->plan->code, dwelling->unit, room);
      head = make_name (rng);
      phone = make_phone (rng);
      people = make_people (rng);

      if (rng_chance (rng, 0.05))
        g_strv_builder_add (tags, GP_TAG_PARTY_ANCHOR);
      if (rng_chance (rng, 0.06))
        {
          g_strv_builder_add (tags, GP_TAG_ELDERLY_ALONE);
          people = 1;
        }
      else if (rng_chance (rng, 0.19))
        g_strv_builder_add (tags, GP_TAG_RENTAL);
      if (rng_chance (rng, 0.025))
        g_strv_builder_add (tags, GP_TAG_HARDSHIP);
      tag_list = g_strv_builder_end (tags);

      household = gp_household_new (code);
      g_object_set (household,
                    "grid", GP_DEMO_GRID_CODE,
                    "building", dwelling->plan->id,
                    "unit", dwelling->unit,
                    "floor", dwelling->floor,
                    "room", room,
                    "head", head,
                    "phone", phone,
                    "people", people,
                    "tags", tag_list[0] ? tag_list : NULL,
                    NULL);
      g_ptr_array_add (documents, household);
    }

  /* One building captain a building, among its households. */
  for (guint i = 0; i < plans->len; i++)
    {
      const BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);
      g_autoptr(GPtrArray) residents = g_ptr_array_new ();
      GpHousehold *captain;
      g_auto(GStrv) tags = NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) new_tags = NULL;

      for (guint j = first; j < documents->len; j++)
        if (g_str_equal (gp_household_get_building (g_ptr_array_index (documents, j)), plan->id))
          g_ptr_array_add (residents, g_ptr_array_index (documents, j));
      if (residents->len == 0)
        continue;

      captain = g_ptr_array_index (residents, rng_below (rng, residents->len));
      tags = gp_household_dup_tags (captain);
      g_strv_builder_add (builder, GP_TAG_BUILDING_CAPTAIN);
      g_strv_builder_addv (builder, (const char **) tags);
      new_tags = g_strv_builder_end (builder);
      g_object_set (captain, "tags", new_tags, NULL);
    }
}

static void
add_component (GPtrArray  *documents,
               guint      *counter,
               const char *kind,
               const char *name_prefix,
               double      east,
               double      north)
{
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;
  g_autoptr(JsonObject) point = gp_geo_point_new (local_to_geo (east, north));
  GpComponent *component;

  (*counter)++;
  code = g_strdup_printf ("%s-%s-%02u", GP_DEMO_GRID_CODE, kind, *counter);
  name = g_strdup_printf ("%s%02u", name_prefix, *counter);
  component = gp_component_new (code);
  g_object_set (component, "grid", GP_DEMO_GRID_CODE, "kind", kind, "name", name, NULL);
  gp_document_set_geometry (GP_DOCUMENT (component), point);
  g_ptr_array_add (documents, component);
}

static void
add_lane (GPtrArray  *documents,
          const char *code_suffix,
          const char *name,
          const char *kind,
          double      x1,
          double      y1,
          double      x2,
          double      y2)
{
  g_autofree char *code = g_strdup_printf ("%s-%s", GP_DEMO_GRID_CODE, code_suffix);
  GpGeoPoint line[2] = { local_to_geo (x1, y1), local_to_geo (x2, y2) };
  g_autoptr(JsonObject) geometry = gp_geo_line_new (line, 2);
  GpLane *lane = gp_lane_new (code);

  g_object_set (lane, "grid", GP_DEMO_GRID_CODE, "name", name, "kind", kind, NULL);
  gp_document_set_geometry (GP_DOCUMENT (lane), geometry);
  g_ptr_array_add (documents, lane);
}

/* Lanes run along the south side of each row, where the entrances are;
 * components stand on them. */
static void
make_lanes_and_components (Rng       *rng,
                           guint      rows,
                           guint      n_buildings,
                           GPtrArray *documents)
{
  guint covers = 0, lights = 0, hydrants = 0, rubbish = 0;

  add_lane (documents, "L00", "文昌花园主路", "road", ROAD_X, 0, ROAD_X, SITE_DEPTH);
  for (guint r = 0; r < rows; r++)
    {
      g_autofree char *code = g_strdup_printf ("L%02u", r + 1);
      g_autofree char *name = g_strdup_printf ("%u号巷", r + 1);
      double y = ROW_FIRST + r * ROW_PITCH - 9.0;

      add_lane (documents, code, name, "lane", 12.0, y, SITE_WIDTH - 12.0, y);
    }

  for (guint r = 0; r < rows; r++)
    {
      double y = ROW_FIRST + r * ROW_PITCH - 9.0;

      add_component (documents, &covers, GP_COMPONENT_MANHOLE_COVER, "井盖 J",
                     60.0 + rng_below (rng, 20), y);
      add_component (documents, &covers, GP_COMPONENT_MANHOLE_COVER, "井盖 J",
                     240.0 + rng_below (rng, 20), y);
      add_component (documents, &lights, GP_COMPONENT_STREET_LIGHT, "路灯 L", 80.0, y + 2.0);
      add_component (documents, &lights, GP_COMPONENT_STREET_LIGHT, "路灯 L", 240.0, y + 2.0);
      if (r % 2 == 0)
        add_component (documents, &hydrants, GP_COMPONENT_FIRE_HYDRANT, "消火栓 X",
                       ROAD_X - 6.0, y + 3.0);
    }
  for (double y = 30.0; y < SITE_DEPTH; y += 50.0)
    add_component (documents, &lights, GP_COMPONENT_STREET_LIGHT, "路灯 L", ROAD_X + 5.0, y);

  /* A rubbish point for about every three buildings, at the lane ends. */
  for (guint i = 0; i < (n_buildings + 2) / 3; i++)
    {
      guint r = i / 2 % rows;
      double y = ROW_FIRST + r * ROW_PITCH - 6.0;

      add_component (documents, &rubbish, GP_COMPONENT_RUBBISH_POINT, "垃圾收集点 R",
                     i % 2 == 0 ? 16.0 : SITE_WIDTH - 16.0, y);
    }
}

typedef struct
{
  const char *name;
  const char *building;
  GpGeoPoint  position;
  double      radius;
} Stop;

/* Checkpoints in walking order: nearest next, from the gate. */
static void
order_stops (GArray *stops)
{
  for (guint i = 1; i + 1 < stops->len; i++)
    {
      const Stop *here = &g_array_index (stops, Stop, i - 1);
      guint best = i;
      double best_distance = G_MAXDOUBLE;

      for (guint j = i; j < stops->len; j++)
        {
          double d = gp_geo_distance (here->position, g_array_index (stops, Stop, j).position);

          if (d < best_distance)
            {
              best_distance = d;
              best = j;
            }
        }
      if (best != i)
        {
          Stop t = g_array_index (stops, Stop, i);

          g_array_index (stops, Stop, i) = g_array_index (stops, Stop, best);
          g_array_index (stops, Stop, best) = t;
        }
    }
}

static GpDocument *
make_route (const char *suffix,
            const char *name,
            const char *description,
            GArray     *stops)
{
  g_autofree char *code = g_strdup_printf ("%s-%s", GP_DEMO_GRID_CODE, suffix);
  GpRoute *route = gp_route_new (code);
  g_autoptr(JsonArray) checkpoints = json_array_new ();
  g_autoptr(JsonNode) checkpoints_node = NULL;
  g_autofree GpGeoPoint *path = g_new (GpGeoPoint, stops->len + 1);
  g_autoptr(JsonObject) geometry = NULL;

  order_stops (stops);
  for (guint i = 0; i < stops->len; i++)
    {
      const Stop *stop = &g_array_index (stops, Stop, i);
      JsonObject *checkpoint = json_object_new ();
      g_autofree char *id = g_strdup_printf ("%s-%02u", suffix, i + 1);

      json_object_set_string_member (checkpoint, "id", id);
      json_object_set_string_member (checkpoint, "name", stop->name);
      json_object_set_member (checkpoint, "position", gp_geo_position_new (stop->position));
      json_object_set_double_member (checkpoint, "radius", stop->radius);
      if (stop->building != NULL)
        json_object_set_string_member (checkpoint, "building", stop->building);
      json_array_add_object_element (checkpoints, checkpoint);
      path[i] = stop->position;
    }
  path[stops->len] = path[0]; /* back to the gate */
  geometry = gp_geo_line_new (path, stops->len + 1);

  g_object_set (route, "grid", GP_DEMO_GRID_CODE, "name", name, "description", description, NULL);
  checkpoints_node = json_node_init_array (json_node_alloc (), checkpoints);
  gp_document_set_member (GP_DOCUMENT (route), "checkpoints", checkpoints_node);
  gp_document_set_geometry (GP_DOCUMENT (route), geometry);
  return GP_DOCUMENT (route);
}

static gboolean
component_is (GpDocument *document,
              const char *kind)
{
  return GP_IS_COMPONENT (document) &&
         g_strcmp0 (gp_component_get_kind (GP_COMPONENT (document)), kind) == 0;
}

/* Two routes, one a half: the daily round of the east half (buildings and
 * rubbish points) and the fire-safety round of the west half (buildings and
 * hydrants). Each has 8–15 checkpoints, gate first. */
static void
make_routes (GArray    *plans,
             GPtrArray *documents)
{
  for (int half = 0; half < 2; half++)
    {
      g_autoptr(GArray) stops = g_array_new (FALSE, FALSE, sizeof (Stop));
      Stop gate = { "南门", NULL, local_to_geo (ROAD_X, 2.0), 30.0 };
      const char *extra_kind = half == 0 ? GP_COMPONENT_RUBBISH_POINT : GP_COMPONENT_FIRE_HYDRANT;

      g_array_append_val (stops, gate);
      for (guint i = 0; i < plans->len && stops->len < 11; i++)
        {
          const BuildingPlan *plan = &g_array_index (plans, BuildingPlan, i);
          gboolean east = plan->x + plan->length / 2 > ROAD_X;
          Stop stop = { plan->name, plan->id, plan_entrance (plan, 1), 20.0 };

          if (east == (half == 0))
            g_array_append_val (stops, stop);
        }
      for (guint i = 0; i < documents->len && stops->len < 15; i++)
        {
          GpDocument *document = g_ptr_array_index (documents, i);
          GpGeoPoint position;
          Stop stop;

          if (!component_is (document, extra_kind) ||
              !gp_geo_geometry_get_center (gp_document_get_geometry (document), &position))
            continue;
          stop.name = gp_component_get_name (GP_COMPONENT (document));
          stop.building = NULL;
          stop.position = position;
          stop.radius = 25.0;
          if (stops->len < 8 || (position.lon > local_to_geo (ROAD_X, 0).lon) == (half == 0))
            g_array_append_val (stops, stop);
        }
      /* A small compound may still be short of eight: add street lights. */
      for (guint i = 0; i < documents->len && stops->len < 8; i++)
        {
          GpDocument *document = g_ptr_array_index (documents, i);
          Stop stop = { NULL, NULL, { 0 }, 25.0 };

          if (!component_is (document, GP_COMPONENT_STREET_LIGHT) ||
              !gp_geo_geometry_get_center (gp_document_get_geometry (document), &stop.position))
            continue;
          stop.name = gp_component_get_name (GP_COMPONENT (document));
          g_array_append_val (stops, stop);
        }

      if (half == 0)
        g_ptr_array_add (documents,
                         make_route ("R1", "日常巡查路线（东片区）",
                                     "每日上午巡查东片区各楼栋单元门口和垃圾收集点，"
                                     "查看环境卫生、井盖和路灯。",
                                     stops));
      else
        g_ptr_array_add (documents,
                         make_route ("R2", "消防安全巡查路线（西片区）",
                                     "每日下午巡查西片区各楼栋和消火栓，"
                                     "重点查看消防通道占用、电动自行车违规充电。",
                                     stops));
    }
}

/**
 * gp_demo_generate:
 * @households: 300–500
 * @seed: any number; the same seed gives the same grid
 *
 * Returns: (transfer full): the documents of the demo grid: its policy, the
 *   grid, its directory, buildings, households, lanes, components and two routes
 */
GPtrArray *
gp_demo_generate (guint     households,
                  guint64   seed,
                  GError  **error)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) plans = NULL;
  Rng rng = { seed };
  guint rows;

  if (households < GP_DEMO_MIN_HOUSEHOLDS || households > GP_DEMO_MAX_HOUSEHOLDS)
    {
      g_set_error (error, GP_DEMO_ERROR, GP_DEMO_ERROR_INVALID_SIZE,
                   _("A demo grid has %d to %d households, not %u"),
                   GP_DEMO_MIN_HOUSEHOLDS, GP_DEMO_MAX_HOUSEHOLDS, households);
      return NULL;
    }

  plans = plan_buildings (&rng, households);
  rows = place_buildings (plans);

  g_ptr_array_add (documents, make_policy ());
  g_ptr_array_add (documents, make_grid (households));
  g_ptr_array_add (documents, make_directory ());
  for (guint i = 0; i < plans->len; i++)
    g_ptr_array_add (documents, make_building (&g_array_index (plans, BuildingPlan, i)));
  make_households (&rng, plans, households, documents);
  make_lanes_and_components (&rng, rows, plans->len, documents);
  make_routes (plans, documents);

  return g_steal_pointer (&documents);
}

/**
 * gp_demo_install:
 *
 * Generates the demo grid and saves it in one transaction. Installing the
 * same grid again changes nothing.
 */
gboolean
gp_demo_install (GpStore  *store,
                 guint     households,
                 guint64   seed,
                 GError  **error)
{
  g_autoptr(GPtrArray) documents = gp_demo_generate (households, seed, error);

  if (documents == NULL)
    return FALSE;
  return gp_documents_save_all (store, documents, GP_STORE_PUT_UPSERT, error);
}
