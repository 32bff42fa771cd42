/* Unit tests for domain/visit and domain/inspection (issue 8), on SQLite and,
 * with SIJIN_TEST_DB=pg, PostgreSQL (tests/unit/testdb.h):
 *  - the shipped checklist templates, item by item, as the issue lists them;
 *  - failed items become findings with their rectify-by dates; open and
 *    overdue lists on chosen days (boundary: the rectify-by day itself is
 *    not overdue);
 *  - explicit re-checks (fail moves the date, pass closes) and re-checks by
 *    a later inspection of the same target (and not of another target);
 *  - need → service request in one step, linked both ways;
 *  - scope: a unit liaison sees only their unit's visits and inspections,
 *    and may not record inspections;
 *  - household notes live only in household_note, and read back NULL once
 *    purged;
 *  - bad input (unknown household, item result not pass/fail/na, a failed
 *    item without rectify-by date, an item given twice, a checklist with a
 *    duplicate item) is refused naming the field, and stores nothing;
 *  - the cursor over visits sharing dates returns each visit once, in order.
 * Expected values are worked out by hand from the fixture below, never
 * read back from the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "domain/inspection.h"
#include "domain/org.h"
#include "domain/request.h"
#include "domain/retention.h"
#include "domain/visit.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define NONE INSPECTION_DATE_NONE

/* The fixture: group A (leader, member) assigned 高铁社区 and 小堰堤社区;
 * group B (leader) assigned 泰山石膏有限公司.  高铁社区 has the place
 * 华新新干线小区 with checkpoints 大门 and 东门 and household 1-1-101;
 * 泰山石膏有限公司 has the canteen 职工食堂. */
typedef struct fixture {
	store *s;
	arena a;
	int64_t gaotie, xiaoyandi, gypsum;
	int64_t leader_a, member_a, leader_b;
	int64_t compound, gate, east_gate, household, canteen;
	scope leader_sc, liaison_gaotie, liaison_gypsum;
} fixture;

static sj_date
day(int y, int m, int d)
{
	return dt_date_from_ymd(y, m, d);
}

static int64_t
add_member(store *s, int64_t group, const char *name, const char *role)
{
	member m = { .group_id = group, .name = name, .role = role };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(group_member_add(s, &scope_system, &m, &id, &e), SJ_OK);
	return id;
}

static int64_t
add_unit_assigned(store *s, int64_t region, int64_t group, const char *name, const char *kind)
{
	org_unit u = { .region_id = region, .kind = kind, .name = name };
	assignment as = { .group_id = group, .reported_on = -1 };
	sj_err e = {0};
	int64_t id = 0, aid;

	assert_int_equal(org_unit_add(s, &scope_system, &u, &id, &e), SJ_OK);
	as.unit_id = id;
	assert_int_equal(group_assign(s, &scope_system, &as, &aid, &e), SJ_OK);
	return id;
}

static int64_t
add_place(store *s, int64_t unit, const char *name, const char *kind)
{
	org_place p = { .unit_id = unit, .kind = kind, .name = name, .records_exits = 1 };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(org_place_add(s, &scope_system, &p, &id, &e), SJ_OK);
	return id;
}

static int64_t
add_checkpoint(store *s, int64_t place, const char *name)
{
	org_checkpoint c = { .place_id = place, .name = name, .kind = "gate" };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(org_checkpoint_add(s, &scope_system, &c, &id, &e), SJ_OK);
	return id;
}

/* Assert that a call returned SJ_OK, showing the error when not. */
#define assert_ok(call) do { \
	sj_rc rc_ = (call); \
	if (rc_ != SJ_OK) \
		fail_msg("%s: %s: %s", #call, e.field, e.msg); \
} while (0)

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	org_region r = { .level = "subdistrict", .name = "粥店街道" };
	work_group ga = { .name = "工作A组", .set_up_on = -1 };
	work_group gb = { .name = "工作B组", .set_up_on = -1 };
	org_household h = { .building = "1号楼", .entrance = "1单元", .room = "101" };
	int64_t region, group_a, group_b;
	sj_err e = {0};

	/* The visits here are of 2020: keep 10 years of notes (retention.h). */
	retention_set(RETENTION_VISIT_NOTE, 3650);
	dt_zone_set("Asia/Shanghai", NULL);
	f->s = testdb_open();
	if (migrate_apply(f->s, NULL, &e) != SJ_OK) {
		fprintf(stderr, "migrate on %s: %s: %s\n", testdb_name(), e.field, e.msg);
		return -1;
	}
	arena_init(&f->a);
	assert_int_equal(org_region_add(f->s, &scope_system, &r, &region, &e), SJ_OK);
	assert_int_equal(group_add(f->s, &scope_system, &ga, &group_a, &e), SJ_OK);
	assert_int_equal(group_add(f->s, &scope_system, &gb, &group_b, &e), SJ_OK);
	f->leader_a = add_member(f->s, group_a, "组长甲", "leader");
	f->member_a = add_member(f->s, group_a, "组员乙", "member");
	f->leader_b = add_member(f->s, group_b, "组长丙", "leader");
	f->gaotie = add_unit_assigned(f->s, region, group_a, "高铁社区", "community");
	f->xiaoyandi = add_unit_assigned(f->s, region, group_a, "小堰堤社区", "community");
	f->gypsum = add_unit_assigned(f->s, region, group_b, "泰山石膏有限公司", "enterprise");
	f->compound = add_place(f->s, f->gaotie, "华新新干线小区", "residential");
	f->gate = add_checkpoint(f->s, f->compound, "大门");
	f->east_gate = add_checkpoint(f->s, f->compound, "东门");
	f->canteen = add_place(f->s, f->gypsum, "职工食堂", "canteen");
	h.place_id = f->compound;
	assert_int_equal(org_household_add(f->s, &scope_system, &h, &f->household, &e), SJ_OK);
	f->leader_sc = (scope){ .role = ROLE_LEADER, .user_id = 11, .group_id = group_a };
	f->liaison_gaotie = (scope){ .role = ROLE_UNIT, .user_id = 12, .unit_id = f->gaotie };
	f->liaison_gypsum = (scope){ .role = ROLE_UNIT, .user_id = 13, .unit_id = f->gypsum };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	arena_free(&f->a);
	store_close(f->s);
	free(f);
	return 0;
}

/* Rows of every table this module writes, to prove a refusal wrote none. */
static const char *const table_counts[] = {
	"SELECT count(*) FROM visit", "SELECT count(*) FROM visit_visitor",
	"SELECT count(*) FROM need", "SELECT count(*) FROM household_note",
	"SELECT count(*) FROM checklist", "SELECT count(*) FROM checklist_item",
	"SELECT count(*) FROM inspection", "SELECT count(*) FROM inspection_inspector",
	"SELECT count(*) FROM inspection_result", "SELECT count(*) FROM finding",
	"SELECT count(*) FROM recheck",
};
#define N_TABLES (sizeof table_counts / sizeof table_counts[0])

static void
counts(store *s, int64_t out[N_TABLES])
{
	for (size_t i = 0; i < N_TABLES; i++)
		out[i] = testdb_int(s, table_counts[i]);
}

static void
assert_counts_unchanged(store *s, const int64_t before[N_TABLES])
{
	int64_t now[N_TABLES];

	counts(s, now);
	for (size_t i = 0; i < N_TABLES; i++)
		if (now[i] != before[i])
			fail_msg("%s: %lld rows, was %lld", table_counts[i], (long long)now[i],
			    (long long)before[i]);
	assert_int_equal(store_tx_depth(s), 0);
}

/* The six checkpoint items all passing, except those overridden. */
static void
checkpoint_items(item_result_input items[6])
{
	static const char *const codes[6] = {
		"registration", "code_scan", "temperature", "disinfection", "outsider_register",
		"special_groups",
	};

	for (int i = 0; i < 6; i++)
		items[i] = (item_result_input){ codes[i], "pass", NULL, NONE };
}

static int64_t
inspect(fixture *f, int64_t checkpoint, sj_date on, item_result_input *items, size_t n)
{
	inspection_input in = { .checkpoint_id = checkpoint, .checklist = "checkpoint",
	    .inspected_on = on, .inspector_ids = &f->leader_a, .n_inspector_ids = 1,
	    .items = items, .n_items = n };
	sj_err e = {0};
	int64_t id = 0;

	if (inspection_add(f->s, &scope_system, &in, &id, &e) != SJ_OK)
		fail_msg("inspection_add: %s: %s", e.field, e.msg);
	return id;
}

/* ---- checklists ----------------------------------------------------------- */

/* Issue 8 "Inspections": checkpoint — registration, code scanning,
 * temperature, disinfection, outsider register, special-group list;
 * canteen — boxed meals collected individually, separate dining,
 * disinfection; the Chinese labels are the scenario's words. */
static void
test_shipped_checklists(void **state)
{
	static const char *const cp[][2] = {
		{ "registration", "登记" }, { "code_scan", "扫码" }, { "temperature", "测温" },
		{ "disinfection", "消毒" }, { "outsider_register", "外来人员登记" },
		{ "special_groups", "特殊人群名单" },
	};
	static const char *const ct[][2] = {
		{ "boxed_meals", "单独领取盒饭" }, { "separate_dining", "分开就餐" },
		{ "disinfection", "消毒" },
	};
	fixture *f = *state;
	checklist c, *all;
	size_t n;
	sj_err e = {0};

	assert_int_equal(checklist_get(f->s, &scope_system, &f->a, "checkpoint", &c, &e), SJ_OK);
	assert_string_equal(c.target, "checkpoint");
	assert_int_equal(c.n_items, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(c.items[i].position, (int)i + 1);
		assert_string_equal(c.items[i].code, cp[i][0]);
		assert_string_equal(c.items[i].label, cp[i][1]);
	}
	assert_int_equal(checklist_get(f->s, &scope_system, &f->a, "canteen", &c, &e), SJ_OK);
	assert_int_equal(c.n_items, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(c.items[i].code, ct[i][0]);
		assert_string_equal(c.items[i].label, ct[i][1]);
	}
	assert_ok(checklist_list(f->s, &f->liaison_gaotie, &f->a, &all, &n, &e));
	assert_int_equal(n, 2);
	assert_int_equal(checklist_get(f->s, &scope_system, &f->a, "kitchen", &c, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "checklist");
}

/* A checklist with an item code (or label) given twice is refused, naming
 * the second one, and nothing is stored; a good one is stored whole. */
static void
test_checklist_add(void **state)
{
	fixture *f = *state;
	checklist_item_input dup_code[] = { { "masks", "口罩" }, { "log", "台账" },
	    { "masks", "戴口罩" } };
	checklist_item_input dup_label[] = { { "masks", "口罩" }, { "masks2", "口罩" } };
	checklist_item_input good[] = { { "masks", "口罩" }, { "log", "台账" } };
	checklist_input in = { .code = "site", .name = "工地检查", .target = "place",
	    .items = dup_code, .n_items = 3 };
	int64_t before[N_TABLES], id;
	checklist c;
	sj_err e = {0};

	counts(f->s, before);
	assert_int_equal(checklist_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[2].code");
	in.items = dup_label;
	in.n_items = 2;
	assert_int_equal(checklist_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[1].label");
	assert_counts_unchanged(f->s, before);
	/* Only a global role adds checklists. */
	in.items = good;
	assert_int_equal(checklist_add(f->s, &f->leader_sc, &in, &id, &e), SJ_EFORBIDDEN);
	assert_int_equal(checklist_add(f->s, &scope_system, &in, &id, &e), SJ_OK);
	assert_int_equal(checklist_get(f->s, &scope_system, &f->a, "site", &c, &e), SJ_OK);
	assert_int_equal(c.n_items, 2);
	assert_string_equal(c.items[1].label, "台账");
	in.code = "canteen";  /* the shipped code is taken */
	assert_int_equal(checklist_add(f->s, &scope_system, &in, &id, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "code");
}

/* ---- findings ------------------------------------------------------------- */

/* Two failed items become two findings with their own rectify-by dates;
 * the passing and na items make none.  Open and overdue lists, judged on
 * chosen days: disinfection is due 03-25, outsider register 03-28. */
static void
test_failures_become_findings(void **state)
{
	fixture *f = *state;
	item_result_input items[6];
	finding_filter flt = { .overdue_on = NONE };
	finding_page page;
	inspection n;
	sj_err e = {0};
	int64_t id;

	checkpoint_items(items);
	items[3] = (item_result_input){ "disinfection", "fail", "消毒记录缺失", day(2020, 3, 25) };
	items[4] = (item_result_input){ "outsider_register", "fail", "外来人员未登记",
	    day(2020, 3, 28) };
	items[5].result = "na";
	id = inspect(f, f->gate, day(2020, 3, 23), items, 6);
	assert_int_equal(inspection_get(f->s, &f->leader_sc, &f->a, id, &n, &e), SJ_OK);
	assert_int_equal(n.n_items, 6);
	assert_string_equal(n.items[3].result, "fail");
	assert_true(n.items[3].finding_id > 0);
	assert_true(n.items[4].finding_id > 0);
	assert_int_equal(n.items[0].finding_id, 0);
	assert_int_equal(n.items[5].finding_id, 0);
	assert_string_equal(n.checkpoint_name, "大门");
	assert_int_equal(n.unit_id, f->gaotie);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM finding"), 2);

	flt.status = "open";
	assert_ok(finding_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_findings, 2);
	/* Most urgent first: 03-25 before 03-28. */
	assert_string_equal(page.findings[0].item, "disinfection");
	assert_string_equal(page.findings[0].description, "消毒记录缺失");
	assert_int_equal(page.findings[0].rectify_by, day(2020, 3, 25));
	assert_int_equal(page.findings[0].found_on, day(2020, 3, 23));
	assert_int_equal(page.findings[1].rectify_by, day(2020, 3, 28));
	/* On 03-25 nothing is overdue yet (the day itself is allowed). */
	flt.overdue_on = day(2020, 3, 25);
	assert_ok(finding_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_findings, 0);
	/* On 03-26 the first is; on 03-29 both. */
	flt.overdue_on = day(2020, 3, 26);
	assert_ok(finding_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_findings, 1);
	assert_string_equal(page.findings[0].item, "disinfection");
	flt.overdue_on = day(2020, 3, 29);
	assert_ok(finding_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_findings, 2);
	flt.status = "closed";
	assert_int_equal(finding_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "overdue_on");
}

/* An explicit re-check: a fail keeps the finding open with the new date; a
 * pass closes it on its date and is named as what closed it; a closed
 * finding is not re-checked again; a re-check before the finding is
 * refused. */
static void
test_recheck_closes(void **state)
{
	fixture *f = *state;
	item_result_input items[6];
	recheck_input rc_in = { .checked_on = day(2020, 3, 26), .result = "fail",
	    .note = "仍未整改", .rectify_by = day(2020, 3, 30) };
	int64_t before[N_TABLES], fid, r1, r2;
	inspection n;
	finding fd;
	sj_err e = {0};

	checkpoint_items(items);
	items[3] = (item_result_input){ "disinfection", "fail", "未消毒", day(2020, 3, 25) };
	assert_int_equal(inspection_get(f->s, &scope_system, &f->a,
	    inspect(f, f->gate, day(2020, 3, 23), items, 6), &n, &e), SJ_OK);
	fid = n.items[3].finding_id;

	assert_int_equal(finding_recheck(f->s, &f->leader_sc, fid, &rc_in, &r1, &e), SJ_OK);
	assert_int_equal(finding_get(f->s, &f->leader_sc, &f->a, fid, &fd, &e), SJ_OK);
	assert_string_equal(fd.status, "open");
	assert_int_equal(fd.rectify_by, day(2020, 3, 30));
	assert_int_equal(fd.n_rechecks, 1);
	assert_int_equal(fd.rechecks[0].id, r1);
	assert_int_equal(fd.rechecks[0].inspection_id, 0);

	rc_in = (recheck_input){ .checked_on = day(2020, 3, 29), .result = "pass",
	    .rectify_by = NONE };
	assert_int_equal(finding_recheck(f->s, &f->leader_sc, fid, &rc_in, &r2, &e), SJ_OK);
	assert_int_equal(finding_get(f->s, &f->leader_sc, &f->a, fid, &fd, &e), SJ_OK);
	assert_string_equal(fd.status, "closed");
	assert_int_equal(fd.closed_on, day(2020, 3, 29));
	assert_int_equal(fd.closed_by, r2);
	assert_int_equal(fd.rectify_by, day(2020, 3, 30));  /* kept as it was */
	assert_int_equal(fd.n_rechecks, 2);

	counts(f->s, before);
	assert_int_equal(finding_recheck(f->s, &f->leader_sc, fid, &rc_in, &r2, &e), SJ_ECONFLICT);
	assert_string_equal(e.msg, "finding 1 was closed on 2020-03-29");
	/* Bad re-checks of an open finding: before the finding; fail without a
	 * date; pass with one; an unknown result. */
	checkpoint_items(items);
	items[0] = (item_result_input){ "registration", "fail", "无登记本", day(2020, 4, 1) };
	assert_int_equal(inspection_get(f->s, &scope_system, &f->a,
	    inspect(f, f->gate, day(2020, 3, 31), items, 6), &n, &e), SJ_OK);
	fid = n.items[0].finding_id;
	counts(f->s, before);
	rc_in = (recheck_input){ .checked_on = day(2020, 3, 30), .result = "pass",
	    .rectify_by = NONE };
	assert_int_equal(finding_recheck(f->s, &scope_system, fid, &rc_in, &r2, &e), SJ_EINVAL);
	assert_string_equal(e.field, "checked_on");
	rc_in = (recheck_input){ .checked_on = day(2020, 4, 2), .result = "fail",
	    .rectify_by = NONE };
	assert_int_equal(finding_recheck(f->s, &scope_system, fid, &rc_in, &r2, &e), SJ_EINVAL);
	assert_string_equal(e.field, "rectify_by");
	rc_in.result = "pass";
	rc_in.rectify_by = day(2020, 4, 5);
	assert_int_equal(finding_recheck(f->s, &scope_system, fid, &rc_in, &r2, &e), SJ_EINVAL);
	assert_string_equal(e.field, "rectify_by");
	rc_in.result = "ok";
	assert_int_equal(finding_recheck(f->s, &scope_system, fid, &rc_in, &r2, &e), SJ_EINVAL);
	assert_string_equal(e.field, "result");
	/* A unit liaison reads findings but does not re-check them. */
	rc_in = (recheck_input){ .checked_on = day(2020, 4, 2), .result = "pass",
	    .rectify_by = NONE };
	assert_int_equal(finding_recheck(f->s, &f->liaison_gaotie, fid, &rc_in, &r2, &e),
	    SJ_EFORBIDDEN);
	assert_counts_unchanged(f->s, before);
}

/* Re-checks by later inspections of the same checkpoint: a second failure
 * of the same item continues the open finding (no second finding, its date
 * moves); an inspection of another checkpoint of the same place does not
 * touch it; a pass closes it, the re-check naming the inspection. */
static void
test_later_inspection_rechecks(void **state)
{
	fixture *f = *state;
	item_result_input items[6];
	int64_t first, second, other, third, fid;
	inspection n;
	finding fd;
	sj_err e = {0};

	checkpoint_items(items);
	items[3] = (item_result_input){ "disinfection", "fail", "未消毒", day(2020, 3, 25) };
	first = inspect(f, f->gate, day(2020, 3, 23), items, 6);
	assert_int_equal(inspection_get(f->s, &scope_system, &f->a, first, &n, &e), SJ_OK);
	fid = n.items[3].finding_id;

	items[3] = (item_result_input){ "disinfection", "fail", "仍未消毒", day(2020, 3, 28) };
	second = inspect(f, f->gate, day(2020, 3, 26), items, 6);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM finding"), 1);
	assert_int_equal(inspection_get(f->s, &scope_system, &f->a, second, &n, &e), SJ_OK);
	assert_int_equal(n.items[3].finding_id, fid);
	assert_int_equal(n.n_rechecks, 1);
	assert_string_equal(n.rechecks[0].result, "fail");
	assert_int_equal(n.rechecks[0].rectify_by, day(2020, 3, 28));
	assert_int_equal(finding_get(f->s, &scope_system, &f->a, fid, &fd, &e), SJ_OK);
	assert_string_equal(fd.status, "open");
	assert_int_equal(fd.rectify_by, day(2020, 3, 28));

	checkpoint_items(items);
	other = inspect(f, f->east_gate, day(2020, 3, 27), items, 6);
	assert_int_equal(inspection_get(f->s, &scope_system, &f->a, other, &n, &e), SJ_OK);
	assert_int_equal(n.n_rechecks, 0);
	assert_int_equal(finding_get(f->s, &scope_system, &f->a, fid, &fd, &e), SJ_OK);
	assert_string_equal(fd.status, "open");

	third = inspect(f, f->gate, day(2020, 3, 28), items, 6);
	assert_int_equal(finding_get(f->s, &scope_system, &f->a, fid, &fd, &e), SJ_OK);
	assert_string_equal(fd.status, "closed");
	assert_int_equal(fd.closed_on, day(2020, 3, 28));
	assert_int_equal(fd.n_rechecks, 2);
	assert_int_equal(fd.rechecks[1].inspection_id, third);
	assert_string_equal(fd.rechecks[1].result, "pass");
	assert_int_equal(fd.closed_by, fd.rechecks[1].id);
}

/* ---- bad input -------------------------------------------------------------- */

static void
test_bad_inspections_store_nothing(void **state)
{
	fixture *f = *state;
	item_result_input items[7];
	inspection_input in = { .checkpoint_id = f->gate, .checklist = "checkpoint",
	    .inspected_on = day(2020, 3, 23), .inspector_ids = &f->leader_a,
	    .n_inspector_ids = 1, .items = items, .n_items = 6 };
	int64_t before[N_TABLES], id;
	sj_err e = {0};

	counts(f->s, before);
	checkpoint_items(items);
	items[2].result = "ok";                              /* not pass/fail/na */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[2].result");
	checkpoint_items(items);
	items[3] = (item_result_input){ "disinfection", "fail", "未消毒", NONE };
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[3].rectify_by");
	assert_string_equal(e.msg, "a failed item needs a rectify-by date");
	items[3].rectify_by = day(2020, 3, 22);             /* before the inspection */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[3].rectify_by");
	items[3] = (item_result_input){ "disinfection", "fail", NULL, day(2020, 3, 25) };
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[3].note");
	checkpoint_items(items);
	items[1].rectify_by = day(2020, 3, 25);             /* a date on a pass */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[1].rectify_by");
	checkpoint_items(items);
	items[5] = items[2];                                 /* temperature twice */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[5].item");
	assert_string_equal(e.msg, "'temperature' is given twice");
	checkpoint_items(items);
	in.n_items = 5;                                      /* special_groups missing */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items");
	in.n_items = 7;
	items[6] = (item_result_input){ "boxed_meals", "pass", NULL, NONE };
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "items[6].item");
	in.n_items = 6;
	in.place_id = f->compound;                           /* both targets */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	in.place_id = 0;
	in.checkpoint_id = 9999;
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "checkpoint_id");
	in.checkpoint_id = f->gate;
	in.inspector_ids = &f->leader_b;                     /* group B is not at 高铁社区 */
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "inspector_ids[0]");
	in.inspector_ids = &f->leader_a;
	in.checklist = "kitchen";
	assert_int_equal(inspection_add(f->s, &scope_system, &in, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "checklist");
	/* A unit liaison may not record inspections, even of their own unit. */
	in.checklist = "checkpoint";
	assert_int_equal(inspection_add(f->s, &f->liaison_gaotie, &in, &id, &e), SJ_EFORBIDDEN);
	/* A leader may not inspect outside the group's units: 404, not 403. */
	{
		item_result_input ci[3] = { { "boxed_meals", "pass", NULL, NONE },
		    { "separate_dining", "pass", NULL, NONE }, { "disinfection", "na", NULL, NONE } };
		inspection_input c = { .place_id = f->canteen, .checklist = "canteen",
		    .inspected_on = day(2020, 3, 10), .inspector_ids = &f->leader_a,
		    .n_inspector_ids = 1, .items = ci, .n_items = 3 };
		assert_int_equal(inspection_add(f->s, &f->leader_sc, &c, &id, &e), SJ_ENOTFOUND);
		assert_string_equal(e.field, "place_id");
	}
	assert_counts_unchanged(f->s, before);
}

static void
test_bad_visits_store_nothing(void **state)
{
	fixture *f = *state;
	const int64_t visitors[] = { f->leader_a, f->member_a };
	need_input needs[] = { { "livelihood", "买菜不便", NULL }, { "housing", "房屋漏水", NULL } };
	visit_input in = { .household_id = 9999, .visited_on = day(2020, 3, 23),
	    .purpose = "入户走访", .visitor_ids = visitors, .n_visitor_ids = 2 };
	int64_t before[N_TABLES], dup[] = { f->leader_a, f->leader_a }, id;
	sj_err e = {0};

	counts(f->s, before);
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "household_id");
	assert_string_equal(e.msg, "no household with id 9999");
	in.household_id = f->household;
	in.unit_id = f->gaotie;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	in.unit_id = 0;
	in.needs = needs;
	in.n_needs = 2;                                     /* "housing" is no category */
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "needs[1].category");
	in.n_needs = 1;
	in.visited_on = VISIT_DATE_NONE;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "visited_on");
	in.visited_on = day(2020, 3, 23);
	in.purpose = "  ";
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "purpose");
	in.purpose = "入户走访";
	in.visitor_ids = dup;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "visitor_ids[1]");
	in.visitor_ids = &f->leader_b;
	in.n_visitor_ids = 1;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "visitor_ids[0]");
	in.n_visitor_ids = 0;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "visitor_ids");
	/* The liaison of 泰山石膏有限公司 cannot see 高铁社区's household. */
	in.visitor_ids = visitors;
	in.n_visitor_ids = 2;
	assert_int_equal(visit_add(f->s, &f->liaison_gypsum, &in, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "household_id");
	assert_counts_unchanged(f->s, before);
}

/* ---- visits ----------------------------------------------------------------- */

/* A household visit's summary and need text go to household_note only,
 * with the household and the date; they read back in place, follow a
 * change of date, and read back NULL once the notes are purged. */
static void
test_household_notes(void **state)
{
	fixture *f = *state;
	need_input needs[] = { { "livelihood", "独居老人买菜不便", NULL } };
	visit_input in = { .household_id = f->household, .visited_on = day(2020, 3, 23),
	    .purpose = "入户走访", .summary = "了解防疫和生活情况",
	    .visitor_ids = &f->leader_a, .n_visitor_ids = 1, .needs = needs, .n_needs = 1 };
	static const char *const notes_on_0324 =
	    "SELECT count(*) FROM household_note WHERE visited_on = 18345";
	visit v;
	sj_err e = {0};
	int64_t id;

	assert_int_equal(visit_add(f->s, &f->leader_sc, &in, &id, &e), SJ_OK);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM visit WHERE summary IS NULL"), 1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM need WHERE difficulty IS NULL"), 1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM household_note"), 2);
	assert_int_equal(visit_get(f->s, &f->leader_sc, &f->a, id, &v, &e), SJ_OK);
	assert_int_equal(v.unit_id, f->gaotie);         /* the household's unit */
	assert_string_equal(v.household, "1号楼 1单元 101");
	assert_string_equal(v.summary, "了解防疫和生活情况");
	assert_int_equal(v.n_needs, 1);
	assert_string_equal(v.needs[0].difficulty, "独居老人买菜不便");
	assert_int_equal(v.needs[0].household_id, f->household);

	/* 2020-03-24 is day 18345 (1970-01-01 + 50 years of which 12 leap
	 * = 18262, + 31 + 29 + 23 in 2020). */
	in.visited_on = day(2020, 3, 24);
	in.summary = "改：了解防疫和生活情况";
	assert_int_equal(visit_update(f->s, &f->leader_sc, id, &in, &e), SJ_OK);
	assert_int_equal(testdb_int(f->s, notes_on_0324), 2);
	assert_int_equal(visit_get(f->s, &f->leader_sc, &f->a, id, &v, &e), SJ_OK);
	assert_string_equal(v.summary, "改：了解防疫和生活情况");
	assert_int_equal(v.visited_on, 18345);

	/* What the retention purge will do (issue 10): delete the notes. */
	assert_int_equal(store_exec(f->s, "DELETE FROM household_note", &e), SJ_OK);
	assert_int_equal(visit_get(f->s, &f->leader_sc, &f->a, id, &v, &e), SJ_OK);
	assert_null(v.summary);
	assert_null(v.needs[0].difficulty);
	assert_string_equal(v.purpose, "入户走访");
}

/* Scope: group A's leader sees A's visits; the liaison of 高铁社区 only
 * 高铁社区's, including its household visit; the liaison of 泰山石膏有限公司
 * only theirs; the checkpoint role none at all. */
static void
test_visit_scope(void **state)
{
	fixture *f = *state;
	visit_input in = { .visited_on = day(2020, 3, 18), .purpose = "走访慰问",
	    .visitor_ids = &f->leader_a, .n_visitor_ids = 1 };
	visit_filter flt = { .from = VISIT_DATE_NONE, .to = VISIT_DATE_NONE };
	scope attendant = { .role = ROLE_CHECKPOINT, .user_id = 14 };
	int64_t v_gaotie, v_xiaoyandi, v_household, v_gypsum;
	visit_page page;
	visit v;
	sj_err e = {0};

	in.unit_id = f->gaotie;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &v_gaotie, &e), SJ_OK);
	in.unit_id = f->xiaoyandi;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &v_xiaoyandi, &e), SJ_OK);
	in.unit_id = 0;
	in.household_id = f->household;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &v_household, &e), SJ_OK);
	in.household_id = 0;
	in.unit_id = f->gypsum;
	in.visitor_ids = &f->leader_b;
	assert_int_equal(visit_add(f->s, &scope_system, &in, &v_gypsum, &e), SJ_OK);

	assert_ok(visit_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_visits, 3);
	assert_ok(visit_list(f->s, &f->liaison_gaotie, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_visits, 2);
	/* Same date: highest id first. */
	assert_int_equal(page.visits[0].id, v_household);
	assert_int_equal(page.visits[1].id, v_gaotie);
	assert_int_equal(visit_get(f->s, &f->liaison_gaotie, &f->a, v_xiaoyandi, &v, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(visit_get(f->s, &f->liaison_gaotie, &f->a, v_gypsum, &v, &e),
	    SJ_ENOTFOUND);
	/* A filter cannot widen the scope. */
	flt.unit_id = f->gypsum;
	assert_ok(visit_list(f->s, &f->liaison_gaotie, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_visits, 0);
	flt.unit_id = 0;
	assert_ok(visit_list(f->s, &f->liaison_gypsum, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_visits, 1);
	assert_int_equal(page.visits[0].id, v_gypsum);
	assert_int_equal(visit_list(f->s, &attendant, &f->a, &flt, &page, &e), SJ_EFORBIDDEN);
	/* The liaison records a visit to their own unit, not to another. */
	in.visitor_ids = &f->leader_a;
	in.unit_id = f->gaotie;
	assert_int_equal(visit_add(f->s, &f->liaison_gaotie, &in, &v_gaotie, &e), SJ_OK);
	in.unit_id = f->xiaoyandi;
	assert_int_equal(visit_add(f->s, &f->liaison_gaotie, &in, &v_gaotie, &e), SJ_ENOTFOUND);
}

/* Inspections are scoped like visits: the liaison of 高铁社区 reads the
 * gate's inspection and its findings, the liaison of 泰山石膏有限公司 does
 * not. */
static void
test_inspection_scope(void **state)
{
	fixture *f = *state;
	item_result_input items[6];
	inspection_filter flt = { .from = NONE, .to = NONE };
	finding_filter ff = { .overdue_on = NONE };
	inspection_page page;
	finding_page fpage;
	inspection n;
	sj_err e = {0};
	int64_t id;

	checkpoint_items(items);
	items[3] = (item_result_input){ "disinfection", "fail", "未消毒", day(2020, 3, 25) };
	id = inspect(f, f->gate, day(2020, 3, 23), items, 6);
	assert_ok(inspection_list(f->s, &f->liaison_gaotie, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_inspections, 1);
	assert_ok(finding_list(f->s, &f->liaison_gaotie, &f->a, &ff, &fpage, &e));
	assert_int_equal(fpage.n_findings, 1);
	assert_ok(inspection_list(f->s, &f->liaison_gypsum, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_inspections, 0);
	assert_ok(finding_list(f->s, &f->liaison_gypsum, &f->a, &ff, &fpage, &e));
	assert_int_equal(fpage.n_findings, 0);
	assert_int_equal(inspection_get(f->s, &f->liaison_gypsum, &f->a, id, &n, &e), SJ_ENOTFOUND);
}

/* 7 visits over 3 dates, read in pages of 2: each once, in (date desc, id
 * desc) order — the order written down here by hand. */
static void
test_visit_cursor(void **state)
{
	fixture *f = *state;
	const sj_date dates[7] = { day(2020, 3, 18), day(2020, 3, 23), day(2020, 3, 18),
	    day(2020, 3, 20), day(2020, 3, 23), day(2020, 3, 18), day(2020, 3, 20) };
	/* Ids 1..7 in order of insertion; by date desc then id desc:
	 * 03-23: 5, 2; 03-20: 7, 4; 03-18: 6, 3, 1. */
	const int64_t want[7] = { 5, 2, 7, 4, 6, 3, 1 };
	visit_input in = { .unit_id = f->gaotie, .purpose = "走访",
	    .visitor_ids = &f->member_a, .n_visitor_ids = 1 };
	visit_filter flt = { .from = VISIT_DATE_NONE, .to = VISIT_DATE_NONE, .limit = 2 };
	visit_page page;
	size_t n = 0, pages = 0;
	sj_err e = {0};
	int64_t id;

	for (int i = 0; i < 7; i++) {
		in.visited_on = dates[i];
		assert_int_equal(visit_add(f->s, &scope_system, &in, &id, &e), SJ_OK);
		assert_int_equal(id, i + 1);
	}
	do {
		assert_ok(visit_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
		for (size_t i = 0; i < page.n_visits; i++) {
			assert_true(n < 7);
			assert_int_equal(page.visits[i].id, want[n++]);
		}
		flt.after_on = page.next_on;
		flt.after_id = page.next_id;
		pages++;
	} while (page.has_more);
	assert_int_equal(n, 7);
	assert_int_equal(pages, 4);
	/* from/to narrow to 03-20..03-23: 5, 2, 7, 4. */
	flt = (visit_filter){ .from = day(2020, 3, 20), .to = day(2020, 3, 23) };
	assert_ok(visit_list(f->s, &f->leader_sc, &f->a, &flt, &page, &e));
	assert_int_equal(page.n_visits, 4);
	assert_int_equal(page.visits[3].id, 4);
}

/* ---- need → service request -------------------------------------------------- */

/* One step: the request exists with the need as its origin, the need names
 * the request; a second try is a conflict and changes nothing.  A unit
 * liaison may turn their own unit's need into a request; an auditor may
 * not. */
static void
test_need_request(void **state)
{
	fixture *f = *state;
	need_input needs[] = { { "accommodation", "外方专家找不到符合标准的住宿", NULL } };
	visit_input in = { .unit_id = f->gypsum, .visited_on = day(2020, 3, 9),
	    .purpose = "调研企业复工复产", .visitor_ids = &f->leader_b, .n_visitor_ids = 1,
	    .needs = needs, .n_needs = 1 };
	scope auditor = { .role = ROLE_AUDITOR, .user_id = 15 }, liaison;
	user_input ui = { .username = "gypsum", .role = "unit", .unit_id = f->gypsum,
	    .password = "gypsum-test-2020" };
	int64_t uid;
	char origin[32];
	service_request req;
	int64_t vid, rid = 0, rid2 = 0, before[N_TABLES];
	visit v;
	need n;
	sj_err e = {0};

	/* The request's history names its author: a real user. */
	assert_ok(user_add(f->s, &scope_system, &ui, &uid, &e));
	liaison = (scope){ .role = ROLE_UNIT, .user_id = uid, .unit_id = f->gypsum };
	assert_int_equal(visit_add(f->s, &scope_system, &in, &vid, &e), SJ_OK);
	assert_int_equal(visit_get(f->s, &scope_system, &f->a, vid, &v, &e), SJ_OK);
	assert_int_equal(v.n_needs, 1);
	assert_int_equal(v.needs[0].request_id, 0);
	assert_int_equal(need_request(f->s, &auditor, v.needs[0].id, &rid, &e), SJ_EFORBIDDEN);
	assert_int_equal(need_request(f->s, &f->liaison_gaotie, v.needs[0].id, &rid, &e),
	    SJ_ENOTFOUND);
	assert_ok(need_request(f->s, &liaison, v.needs[0].id, &rid, &e));
	assert_true(rid > 0);
	assert_int_equal(need_get(f->s, &scope_system, &f->a, v.needs[0].id, &n, &e), SJ_OK);
	assert_int_equal(n.request_id, rid);
	assert_int_equal(request_get(f->s, &scope_system, &f->a, rid, &req, &e), SJ_OK);
	snprintf(origin, sizeof origin, "need:%lld", (long long)n.id);
	assert_string_equal(req.origin, origin);
	assert_string_equal(req.service_code, "accommodation");
	assert_string_equal(req.description, "外方专家找不到符合标准的住宿");
	assert_int_equal(req.unit_id, f->gypsum);
	counts(f->s, before);
	assert_int_equal(need_request(f->s, &scope_system, n.id, &rid2, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "need");
	assert_counts_unchanged(f->s, before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shipped_checklists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checklist_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_become_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recheck_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_inspection_rechecks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_inspections_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_visits_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_household_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visit_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inspection_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visit_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_need_request, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
