/*
 * demo — the reference scenario's parts and the loader that runs them.
 *
 * The organisation part follows SCENARIO.md "Organisation": the work group
 * 市派岱岳区市政协机关工作二组 with its leader, its five assigned units in
 * Daiyue District, 华新新干线小区 under 高铁社区 with the epidemic
 * monitoring point at its gate, and the two visited households (住户 张三,
 * 住户 李四 — the report's placeholders).
 */
#include "domain/demo.h"

#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/checkpoint_demo.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/person.h"
#include "domain/request.h"
#include "domain/resumption.h"
#include "domain/supply.h"
#include "domain/visit.h"
#include "domain/workplan.h"

static sj_rc demo_org(demo_ctx *ctx, sj_err *e);

static const struct {
	const char *name;
	demo_part_fn load;
} demo_parts[] = {
	{ "organisation", demo_org },
	{ "users", auth_demo_part },
	{ "checkpoint", checkpoint_demo_part },
	{ "supplies", supply_demo_part },
	{ "requests", request_demo_part },
	{ "work resumption", resumption_demo_part },
	{ "visits and inspections", visit_demo_part },
	{ "work plan", workplan_demo_part },  /* last: links the records above */
};

/* Region tree: GB/T 2260 codes 37 Shandong, 3709 Tai'an, 370911 Daiyue. */
static sj_rc
demo_regions(store *s, int64_t *district, int64_t *subdistrict, sj_err *e)
{
	const scope *sc = &scope_system;
	org_region r = { .level = "province", .name = "山东省", .code = "37" };
	int64_t province, city;
	sj_rc rc;

	if ((rc = org_region_add(s, sc, &r, &province, e)) != SJ_OK)
		return rc;
	r = (org_region){ .parent_id = province, .level = "city", .name = "泰安市", .code = "3709" };
	if ((rc = org_region_add(s, sc, &r, &city, e)) != SJ_OK)
		return rc;
	r = (org_region){ .parent_id = city, .level = "district", .name = "岱岳区", .code = "370911" };
	if ((rc = org_region_add(s, sc, &r, district, e)) != SJ_OK)
		return rc;
	r = (org_region){ .parent_id = *district, .level = "subdistrict", .name = "粥店街道" };
	return org_region_add(s, sc, &r, subdistrict, e);
}

/* The five assigned units (派驻单位) in the scenario's order. */
static const struct {
	const char *name;
	const char *kind;
	int in_subdistrict;  /* parent 粥店街道, else Daiyue District */
} demo_units[] = {
	{ "高铁社区", "community", 1 },
	{ "小堰堤社区", "community", 1 },
	{ "李家庄社区", "community", 1 },
	{ "泰山石膏有限公司", "enterprise", 0 },
	{ "丰泽领秀城项目", "project", 0 },
};

#define N_DEMO_UNITS (sizeof demo_units / sizeof demo_units[0])

static sj_rc
demo_group(store *s, int64_t district, const int64_t *units, sj_err *e)
{
	const scope *sc = &scope_system;
	sj_date set_up = dt_date_from_ymd(2020, 3, 5);
	work_group g = { .name = "市派岱岳区市政协机关工作二组", .organ = "泰安市政协机关",
	    .region_id = district, .set_up_on = set_up };
	member m = { .name = "工作二组组长", .role = "leader", .title = "主任" };
	int64_t gid, id;
	sj_rc rc;

	if ((rc = group_add(s, sc, &g, &gid, e)) != SJ_OK)
		return rc;
	m.group_id = gid;
	if ((rc = group_member_add(s, sc, &m, &id, e)) != SJ_OK)
		return rc;
	/* All five reported to on 2020-03-05, right after the meeting. */
	for (size_t i = 0; i < N_DEMO_UNITS; i++) {
		assignment as = { .group_id = gid, .unit_id = units[i], .reported_on = set_up };
		if ((rc = group_assign(s, sc, &as, &id, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* The visited households.  Assumed: their addresses, identity numbers
 * (valid GB 11643 numbers made up for the demo, region 370911) and
 * mobiles; the report gives only the placeholders 张三 and 李四. */
static const struct {
	const char *building, *entrance, *room;
	const char *name, *id_number, *mobile;
} demo_households[] = {
	{ "1号楼", "1单元", "101", "张三", "370911196503121234", "13905380001" },
	{ "3号楼", "2单元", "502", "李四", "370911197008152345", "13905380002" },
};

static sj_rc
demo_compound(demo_ctx *ctx, int64_t gaotie, sj_err *e)
{
	static const char *const resident[] = { "resident" };
	const scope *sc = &scope_system;
	org_place p = { .unit_id = gaotie, .kind = "residential", .name = "华新新干线小区",
	    .records_exits = 1, .default_stay_s = 7200 };
	org_checkpoint c = { .name = "大门疫情监测点", .kind = "monitoring_point" };
	int64_t place, id;
	sj_rc rc;

	if ((rc = org_place_add(ctx->s, sc, &p, &place, e)) != SJ_OK)
		return rc;
	c.place_id = place;
	if ((rc = org_checkpoint_add(ctx->s, sc, &c, &id, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < sizeof demo_households / sizeof demo_households[0]; i++) {
		org_household h = { .place_id = place, .building = demo_households[i].building,
		    .entrance = demo_households[i].entrance, .room = demo_households[i].room };
		person_input pi = { .name = demo_households[i].name,
		    .id_number = demo_households[i].id_number, .mobile = demo_households[i].mobile,
		    .tags = resident, .n_tags = 1 };
		if ((rc = org_household_add(ctx->s, sc, &h, &pi.household_id, e)) != SJ_OK ||
		    (rc = person_add(ctx->s, ctx->keys, sc, &pi, 0, &id, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
demo_org(demo_ctx *ctx, sj_err *e)
{
	int64_t district, subdistrict, units[N_DEMO_UNITS];
	sj_rc rc;

	if ((rc = demo_regions(ctx->s, &district, &subdistrict, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < N_DEMO_UNITS; i++) {
		org_unit u = { .kind = demo_units[i].kind, .name = demo_units[i].name,
		    .region_id = demo_units[i].in_subdistrict ? subdistrict : district };
		if ((rc = org_unit_add(ctx->s, &scope_system, &u, &units[i], e)) != SJ_OK)
			return rc;
	}
	if ((rc = demo_group(ctx->s, district, units, e)) != SJ_OK)
		return rc;
	return demo_compound(ctx, units[0], e);
}

static const char *const count_sql[] = {
	"SELECT count(*) FROM region",
	"SELECT count(*) FROM unit",
	"SELECT count(*) FROM place",
	"SELECT count(*) FROM checkpoint",
	"SELECT count(*) FROM household",
	"SELECT count(*) FROM person",
	"SELECT count(*) FROM work_group",
	"SELECT count(*) FROM group_member",
	"SELECT count(*) FROM assignment",
	"SELECT count(*) FROM department",
	"SELECT count(*) FROM app_user",
	"SELECT count(*) FROM scan",
	"SELECT count(*) FROM stay",
	"SELECT count(*) FROM alert",
	"SELECT count(*) FROM outsider_registration",
	"SELECT count(*) FROM disinfection",
	"SELECT count(*) FROM meeting",
	"SELECT count(*) FROM task",
	"SELECT count(*) FROM task_link",
};
static const char *const count_labels[] = {
	"regions", "units", "places", "checkpoints", "households", "people",
	"work groups", "group members", "assignments", "departments", "users",
	"scans", "stays", "alerts", "outsiders", "disinfections",
	"meetings", "tasks", "task links",
};

sj_rc
demo_count_all(store *s, demo_summary *sum, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	memset(sum, 0, sizeof *sum);
	for (size_t i = 0; i < sizeof count_sql / sizeof count_sql[0]; i++) {
		if ((rc = store_prepare(s, count_sql[i], &st, e)) != SJ_OK)
			return rc;
		sum->counts[i].label = count_labels[i];
		if ((rc = store_query_int(st, &sum->counts[i].n, NULL, e)) != SJ_OK)
			return rc;
		sum->n_counts++;
	}
	return SJ_OK;
}

sj_rc
demo_load(store *s, const crypt_keys *k, demo_summary *sum, sj_err *e)
{
	demo_ctx ctx = { .s = s, .keys = k };
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < sizeof demo_parts / sizeof demo_parts[0]; i++) {
		if ((rc = demo_parts[i].load(&ctx, e)) != SJ_OK) {
			store_rollback(s);
			return sj_err_prefix(e, "demo part '%s': ", demo_parts[i].name);
		}
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	return sum ? demo_count_all(s, sum, e) : SJ_OK;
}
