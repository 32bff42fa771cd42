/* Unit tests for domain/resumption (issue 9 "Work resumption"), on SQLite
 * and, with SIJIN_TEST_DB=pg, PostgreSQL (tests/unit/testdb.h):
 *  - the rate on a date over three units, one resumed, one partial, one
 *    not: fully 1/3, partially 1/3; staff 30+10+0 on site of 40+20+10 →
 *    40/70 (worked out by hand below);
 *  - latest report wins: on a date, a unit's status is its report with
 *    the greatest (date, id) on or before it; a later report does not
 *    change an earlier date; the trend has one point per day;
 *  - filters by kind and work group;
 *  - scope: another group's unit is SJ_ENOTFOUND for list and report; a
 *    unit liaison files their own unit's reports only;
 *  - bad input (status not in the list, staff on site > total, capacity
 *    > 100, a blocker that is not an open request of the unit, a unit
 *    that is a community) is refused naming the field, and stores nothing;
 *  - the demo: Taishan Gypsum not resumed from 2020-03-06 blocked by its
 *    accommodation request, resumed 2020-03-18 (the request was resolved
 *    2020-03-17, request_demo.c), and the project partial then resumed,
 *    assumed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/demo.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/request.h"
#include "domain/resumption.h"
#include "domain/retention.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define NONE RESUMPTION_NONE

/* The fixture: group A assigned 甲企业 (enterprise), 乙项目 (project) and
 * 丙企业 (enterprise) and the community 高铁社区; group B assigned 丁企业. */
typedef struct fixture {
	store *s;
	arena a;
	int64_t group_a, group_b;
	int64_t ent_a, proj_b, ent_c, community, ent_d;
	scope leader_a, liaison_a;
} fixture;

#define assert_ok(call) do { \
	sj_rc rc_ = (call); \
	if (rc_ != SJ_OK) \
		fail_msg("%s: %s: %s", #call, e.field, e.msg); \
} while (0)

static sj_date
day(int m, int d)
{
	return dt_date_from_ymd(2020, m, d);
}

static int64_t
add_unit(store *s, int64_t region, int64_t group, const char *name, const char *kind)
{
	org_unit u = { .region_id = region, .kind = kind, .name = name };
	assignment as = { .group_id = group, .reported_on = -1 };
	sj_err e = {0};
	int64_t id = 0, aid;

	assert_ok(org_unit_add(s, &scope_system, &u, &id, &e));
	as.unit_id = id;
	assert_ok(group_assign(s, &scope_system, &as, &aid, &e));
	return id;
}

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	org_region r = { .level = "district", .name = "岱岳区" };
	work_group ga = { .name = "工作A组", .set_up_on = -1 };
	work_group gb = { .name = "工作B组", .set_up_on = -1 };
	int64_t region;
	sj_err e = {0};

	dt_zone_set("Asia/Shanghai", NULL);
	/* The demo's requests are of 2020: keep finished ones 10 years
	 * (domain/retention.h). */
	retention_set(RETENTION_REQUEST, 3650);
	f->s = testdb_open();
	if (migrate_apply(f->s, NULL, &e) != SJ_OK) {
		fprintf(stderr, "migrate on %s: %s: %s\n", testdb_name(), e.field, e.msg);
		return -1;
	}
	arena_init(&f->a);
	assert_ok(org_region_add(f->s, &scope_system, &r, &region, &e));
	assert_ok(group_add(f->s, &scope_system, &ga, &f->group_a, &e));
	assert_ok(group_add(f->s, &scope_system, &gb, &f->group_b, &e));
	f->ent_a = add_unit(f->s, region, f->group_a, "甲企业", "enterprise");
	f->proj_b = add_unit(f->s, region, f->group_a, "乙项目", "project");
	f->ent_c = add_unit(f->s, region, f->group_a, "丙企业", "enterprise");
	f->community = add_unit(f->s, region, f->group_a, "高铁社区", "community");
	f->ent_d = add_unit(f->s, region, f->group_b, "丁企业", "enterprise");
	f->leader_a = (scope){ .role = ROLE_LEADER, .user_id = 11, .group_id = f->group_a };
	f->liaison_a = (scope){ .role = ROLE_UNIT, .user_id = 12, .unit_id = f->ent_a };
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

static int64_t
report(fixture *f, const scope *sc, int64_t unit, sj_date on, const char *status,
    int64_t on_site, int64_t total)
{
	resumption_input in = { .unit_id = unit, .report_date = on, .status = status,
	    .staff_on_site = on_site, .staff_total = total, .capacity_pct = NONE };
	sj_err e = {0};
	int64_t id = 0;

	assert_ok(resumption_report_add(f->s, sc, &in, 0, &id, &e));
	return id;
}

static resumption_rate
rate(fixture *f, const scope *sc, const resumption_filter *flt, sj_date on)
{
	resumption_filter none = {0};
	resumption_rate r;
	sj_err e = {0};

	assert_ok(resumption_rate_on(f->s, sc, flt ? flt : &none, on, &r, &e));
	return r;
}

/* Three units of group A on 2020-03-10: 甲 resumed 30/40, 乙 partial 10/20,
 * 丙 not resumed 0/10.  Reporting 3; fully 1/3, partially 1/3; staff
 * (30+10+0)/(40+20+10) = 40/70.  Units counted: 甲, 乙, 丙 (the community
 * is not an enterprise or project) = 3. */
static void
test_rate_three_units(void **state)
{
	fixture *f = *state;
	resumption_rate r;

	report(f, &f->leader_a, f->ent_a, day(3, 10), "resumed", 30, 40);
	report(f, &f->leader_a, f->proj_b, day(3, 10), "partial", 10, 20);
	report(f, &f->leader_a, f->ent_c, day(3, 10), "not_resumed", 0, 10);
	r = rate(f, &f->leader_a, NULL, day(3, 10));
	assert_int_equal(r.units, 3);
	assert_int_equal(r.reporting, 3);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.partial, 1);
	assert_int_equal(r.not_resumed, 1);
	assert_int_equal(r.staff_on_site, 40);
	assert_int_equal(r.staff_total, 70);
	assert_int_equal(r.staff_reporting, 3);
	/* The day before: no unit has reported yet. */
	r = rate(f, &f->leader_a, NULL, day(3, 9));
	assert_int_equal(r.reporting, 0);
	assert_int_equal(r.staff_total, 0);
	/* Projects only: 乙 partial, 1 of 1. */
	r = rate(f, &f->leader_a, &(resumption_filter){ .kind = "project" }, day(3, 10));
	assert_int_equal(r.units, 1);
	assert_int_equal(r.reporting, 1);
	assert_int_equal(r.partial, 1);
	/* Group B's units: 丁 only, which has not reported (system scope). */
	r = rate(f, &scope_system, &(resumption_filter){ .group_id = f->group_b }, day(3, 10));
	assert_int_equal(r.units, 1);
	assert_int_equal(r.reporting, 0);
}

/* 甲: 03-06 not_resumed; 03-12 partial; 03-12 again (later id) resumed;
 * 03-20 not_resumed (a setback).  Status on 03-05: none; 03-06..03-11
 * not_resumed; 03-12..03-19 resumed (same-day later id wins); 03-20
 * not_resumed. */
static void
test_latest_report_wins(void **state)
{
	fixture *f = *state;
	resumption_report *list;
	resumption_rate *trend;
	resumption_filter flt = { .kind = "enterprise" };
	sj_err e = {0};
	size_t n;

	report(f, &f->leader_a, f->ent_a, day(3, 6), "not_resumed", NONE, NONE);
	report(f, &f->leader_a, f->ent_a, day(3, 12), "partial", NONE, NONE);
	report(f, &f->leader_a, f->ent_a, day(3, 12), "resumed", NONE, NONE);
	report(f, &f->leader_a, f->ent_a, day(3, 20), "not_resumed", NONE, NONE);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 5)).reporting, 0);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 11)).not_resumed, 1);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 12)).resumed, 1);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 12)).partial, 0);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 19)).resumed, 1);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 20)).not_resumed, 1);
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 20)).resumed, 0);
	/* Staff not stated: none counted. */
	assert_int_equal(rate(f, &f->leader_a, &flt, day(3, 20)).staff_reporting, 0);
	/* History: all four, newest first. */
	assert_ok(resumption_report_list(f->s, &f->leader_a, &f->a, f->ent_a, &list, &n, &e));
	assert_int_equal(n, 4);
	assert_int_equal(list[0].report_date, day(3, 20));
	assert_string_equal(list[1].status, "resumed");
	assert_string_equal(list[2].status, "partial");
	assert_int_equal(list[3].report_date, day(3, 6));
	/* Trend 03-10..03-13: one point per day; resumed 0, 0, 1, 1. */
	assert_ok(resumption_trend(f->s, &f->leader_a, &f->a, &flt, day(3, 10), day(3, 13), &trend,
	    &n, &e));
	assert_int_equal(n, 4);
	assert_int_equal(trend[0].on, day(3, 10));
	assert_int_equal(trend[0].resumed, 0);
	assert_int_equal(trend[1].resumed, 0);
	assert_int_equal(trend[2].resumed, 1);
	assert_int_equal(trend[3].resumed, 1);
	assert_int_equal(resumption_trend(f->s, &f->leader_a, &f->a, &flt, day(3, 13), day(3, 10),
	    &trend, &n, &e), SJ_EINVAL);
	assert_string_equal(e.field, "to");
}

static void
test_scope(void **state)
{
	fixture *f = *state;
	resumption_input in = { .unit_id = f->ent_d, .report_date = day(3, 10),
	    .status = "resumed", .staff_on_site = NONE, .staff_total = NONE, .capacity_pct = NONE };
	resumption_report *list;
	scope auditor = { .role = ROLE_AUDITOR, .user_id = 20 };
	scope dept = { .role = ROLE_DEPARTMENT, .user_id = 21, .department_id = 1 };
	sj_err e = {0};
	int64_t id, d_report;
	size_t n;

	/* Another group's unit is not found, for writing and reading. */
	assert_int_equal(resumption_report_add(f->s, &f->leader_a, &in, 0, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "unit_id");
	assert_int_equal(resumption_report_list(f->s, &f->leader_a, &f->a, f->ent_d, &list, &n, &e),
	    SJ_ENOTFOUND);
	d_report = report(f, &scope_system, f->ent_d, day(3, 10), "resumed", NONE, NONE);
	assert_int_equal(resumption_report_get(f->s, &f->leader_a, &f->a, d_report,
	    &(resumption_report){0}, &e), SJ_ENOTFOUND);
	/* ... and not counted in group A's rate. */
	assert_int_equal(rate(f, &f->leader_a, NULL, day(3, 10)).reporting, 0);
	assert_int_equal(rate(f, &auditor, NULL, day(3, 10)).reporting, 1);
	/* The liaison files for their own unit, not another. */
	report(f, &f->liaison_a, f->ent_a, day(3, 10), "partial", 5, 8);
	in.unit_id = f->proj_b;
	assert_int_equal(resumption_report_add(f->s, &f->liaison_a, &in, 0, &id, &e), SJ_ENOTFOUND);
	assert_int_equal(rate(f, &f->liaison_a, NULL, day(3, 10)).units, 1);
	/* The auditor reads but does not write; a department neither. */
	in.unit_id = f->ent_a;
	assert_int_equal(resumption_report_add(f->s, &auditor, &in, 0, &id, &e), SJ_EFORBIDDEN);
	assert_int_equal(resumption_rate_on(f->s, &dept, &(resumption_filter){0}, day(3, 10),
	    &(resumption_rate){0}, &e), SJ_EFORBIDDEN);
}

static int64_t
count_rows(store *s)
{
	return testdb_int(s, "SELECT count(*) FROM resumption_report") * 1000 +
	    testdb_int(s, "SELECT count(*) FROM resumption_blocker");
}

static int64_t
raise_request(fixture *f, int64_t unit, int64_t at)
{
	request_input in = { .service_code = "accommodation", .unit_id = unit,
	    .description = "专家住宿", .reported_at = at, .source = "cli" };
	sj_err e = {0};
	int64_t id = 0;

	assert_ok(request_create(f->s, &scope_system, &in, &id, &e));
	return id;
}

static void
refuse(fixture *f, const resumption_input *in, sj_rc want, const char *field)
{
	int64_t before = count_rows(f->s), id = 0;
	sj_err e = {0};

	assert_int_equal(resumption_report_add(f->s, &f->leader_a, in, 0, &id, &e), want);
	assert_string_equal(e.field, field);
	assert_true(e.msg[0] != '\0');
	assert_int_equal(count_rows(f->s), before);
	assert_int_equal(store_tx_depth(f->s), 0);
}

static void
test_bad_input(void **state)
{
	fixture *f = *state;
	int64_t at = dt_date_start(day(3, 6)) + 10 * 3600;
	int64_t req_a = raise_request(f, f->ent_a, at), req_c = raise_request(f, f->ent_c, at);
	int64_t closed = raise_request(f, f->ent_a, at), blockers[1];
	request_change done = { .to = RS_REJECTED, .at = at + 3600, .comment = "不属于受理范围" };
	resumption_input ok = { .unit_id = f->ent_a, .report_date = day(3, 6),
	    .status = "not_resumed", .staff_on_site = 0, .staff_total = 10, .capacity_pct = 0 };
	resumption_input in;
	resumption_report got;
	sj_err e = {0};
	int64_t id;

	assert_ok(request_change_status(f->s, &scope_system, closed, &done, NULL, NULL, &e));
	in = ok; in.status = "stopped";
	refuse(f, &in, SJ_EINVAL, "status");
	in = ok; in.staff_on_site = 11;
	refuse(f, &in, SJ_EINVAL, "staff_on_site");
	in = ok; in.staff_total = NONE;
	refuse(f, &in, SJ_EINVAL, "staff_total");
	in = ok; in.capacity_pct = 101;
	refuse(f, &in, SJ_EINVAL, "capacity_pct");
	in = ok; in.report_date = RESUMPTION_DATE_NONE;
	refuse(f, &in, SJ_EINVAL, "report_date");
	in = ok; in.unit_id = f->community;
	refuse(f, &in, SJ_EINVAL, "unit_id");
	/* Another unit's request. */
	in = ok; blockers[0] = req_c; in.blocker_ids = blockers; in.n_blockers = 1;
	refuse(f, &in, SJ_EINVAL, "blocker_ids[0]");
	/* A request rejected that day. */
	blockers[0] = closed;
	refuse(f, &in, SJ_EINVAL, "blocker_ids[0]");
	/* A request not yet raised on the report's date. */
	blockers[0] = req_a; in.report_date = day(3, 5);
	refuse(f, &in, SJ_EINVAL, "blocker_ids[0]");
	/* No such request. */
	blockers[0] = 999999; in.report_date = day(3, 6);
	refuse(f, &in, SJ_EINVAL, "blocker_ids[0]");
	/* The open request of the unit is a blocker. */
	blockers[0] = req_a;
	assert_ok(resumption_report_add(f->s, &f->leader_a, &in, 0, &id, &e));
	assert_ok(resumption_report_get(f->s, &f->leader_a, &f->a, id, &got, &e));
	assert_int_equal(got.n_blockers, 1);
	assert_int_equal(got.blocker_ids[0], req_a);
	assert_int_equal(got.staff_total, 10);
	assert_int_equal(got.capacity_pct, 0);
	assert_int_equal(count_rows(f->s), 1001);
}

/* The demo (request_demo.c resolves the accommodation request 2020-03-17
 * 09:00 local): Taishan Gypsum not_resumed 2020-03-06 blocked by it,
 * resumed 2020-03-18; the project partial 03-10, resumed 03-20, assumed.
 * Rate over both on 03-18: reporting 2, resumed 1 (gypsum), partial 1. */
static void
test_demo(void **state)
{
	fixture *f = *state;
	char dir[64], key_path[96];
	crypt_keys *keys = NULL;
	resumption_report *list;
	resumption_rate r;
	org_unit gypsum, project;
	store *s;
	sj_err e = {0};
	size_t n;

	snprintf(dir, sizeof dir, "/tmp/sj-resumption-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(key_path, sizeof key_path, "%s/t.key", dir);
	assert_ok(crypt_key_create(key_path, &e));
	assert_ok(crypt_keys_load(key_path, &keys, &e));
	s = testdb_open();
	assert_ok(migrate_apply(s, NULL, &e));
	assert_ok(demo_load(s, keys, NULL, &e));
	assert_ok(org_unit_lookup(s, &scope_system, &f->a, "泰山石膏有限公司", &gypsum, &e));
	assert_ok(org_unit_lookup(s, &scope_system, &f->a, "丰泽领秀城项目", &project, &e));
	assert_ok(resumption_report_list(s, &scope_system, &f->a, gypsum.id, &list, &n, &e));
	assert_int_equal(n, 2);
	assert_int_equal(list[1].report_date, day(3, 6));
	assert_string_equal(list[1].status, "not_resumed");
	assert_int_equal(list[1].n_blockers, 1);
	assert_int_equal(testdb_int(s, "SELECT count(*) FROM service_request q JOIN service v"
	    " ON v.id = q.service_id WHERE v.code = 'accommodation' AND q.id IN"
	    " (SELECT request_id FROM resumption_blocker)"), 1);
	assert_false(list[1].assumed);
	assert_int_equal(list[0].report_date, day(3, 18));
	assert_string_equal(list[0].status, "resumed");
	assert_int_equal(list[0].n_blockers, 0);
	assert_ok(resumption_report_list(s, &scope_system, &f->a, project.id, &list, &n, &e));
	assert_int_equal(n, 2);
	assert_true(list[0].assumed && list[1].assumed);
	assert_string_equal(list[1].status, "partial");
	assert_int_equal(list[1].report_date, day(3, 10));
	assert_int_equal(list[0].report_date, day(3, 20));
	assert_ok(resumption_rate_on(s, &scope_system, &(resumption_filter){0}, day(3, 18), &r, &e));
	assert_int_equal(r.reporting, 2);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.partial, 1);
	assert_ok(resumption_rate_on(s, &scope_system, &(resumption_filter){0}, day(3, 17), &r, &e));
	assert_int_equal(r.not_resumed, 1);
	store_close(s);
	crypt_keys_free(keys);
	unlink(key_path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rate_three_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latest_report_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
