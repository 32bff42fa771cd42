/* Unit tests for domain/workplan, task, meeting and task_line (issue 11
 * "How it is judged"): the plan submitted, sent back, resubmitted and
 * approved with its versions kept; the approval rule (no one approves
 * their own plan); tasks made from a meeting decision; the bad-input cases
 * (owner not a member, due date before the plan's start, unknown task
 * line) changing nothing; overdue on the working-day calendar (a task due
 * on a make-up working day is not overdue that day); links checked for
 * existence and the group's scope; scope between groups; reporting in and
 * units not visited.  Each test runs on a fresh database (testdb.h: SQLite,
 * or PostgreSQL with SIJIN_TEST_DB=pg).
 *
 * Dates worked by hand (2020-01-01 was a Wednesday): 2020-04-25 Sat,
 * 04-26 Sun (a make-up working day in the 2020 calendar, 劳动节调休),
 * 04-27 Mon; 05-01 Fri .. 05-05 Tue off (劳动节), 05-06 Wed.  As day
 * numbers since 1970-01-01: 2020-03-05 = 18326. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/group.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "domain/supply_item.h"
#include "domain/supply_ledger.h"
#include "domain/supply_site.h"
#include "domain/task.h"
#include "domain/task_line.h"
#include "domain/visit.h"
#include "domain/workplan.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define D(y, m, d) dt_date_from_ymd(y, m, d)

typedef struct fixture {
	store *s;
	arena a;
	int64_t region, group_a, group_b;
	int64_t units_a[3], unit_b;
	int64_t leader_a, member_a, leader_b;      /* group_member ids */
	scope leader_sc, member_sc, other_sc;      /* users 101, 102 (group A), 103 (B) */
	scope admin_sc, admin2_sc, auditor_sc, unit_sc;
} fixture;

static int64_t
count(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t n = -1;

	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_query_int(st, &n, NULL, &e), SJ_OK);
	return n;
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

/* A user row made directly (no password work): the domain only needs the
 * id to exist and the role in the scope. */
static void
add_user(fixture *f, int64_t id, const char *name, const char *role, int64_t group,
    scope *sc)
{
	char sql[512], group_text[24] = "NULL";
	sj_err e = {0};

	if (group)
		snprintf(group_text, sizeof group_text, "%lld", (long long)group);
	snprintf(sql, sizeof sql, "INSERT INTO app_user (id, username, username_key, role, group_id,"
	    " password_hash, created_at, password_changed_at) VALUES (%lld, '%s', '%s', '%s', %s,"
	    " '$argon2id$test', 0, 0)", (long long)id, name, name, role, group_text);
	assert_int_equal(store_exec(f->s, sql, &e), SJ_OK);
	*sc = (scope){ .role = scope_role_parse(role), .user_id = id, .group_id = group };
}

static int
setup(void **state)
{
	static const char *const names[] = { "高铁社区", "小堰堤社区", "李家庄社区", "丁公司" };
	fixture *f = calloc(1, sizeof *f);
	int64_t units[4], id;
	sj_err e = {0};

	if (f == NULL || (f->s = testdb_open()) == NULL || migrate_apply(f->s, NULL, &e) != SJ_OK)
		return -1;
	arena_init(&f->a);
	org_region r = { .level = "subdistrict", .name = "粥店街道" };
	assert_int_equal(org_region_add(f->s, &scope_system, &r, &f->region, &e), SJ_OK);
	work_group ga = { .name = "工作二组", .set_up_on = GROUP_DATE_NONE },
	    gb = { .name = "工作三组", .set_up_on = GROUP_DATE_NONE };
	assert_int_equal(group_add(f->s, &scope_system, &ga, &f->group_a, &e), SJ_OK);
	assert_int_equal(group_add(f->s, &scope_system, &gb, &f->group_b, &e), SJ_OK);
	for (int i = 0; i < 4; i++) {
		org_unit u = { .region_id = f->region, .kind = i < 3 ? "community" : "enterprise",
		    .name = names[i] };
		assert_int_equal(org_unit_add(f->s, &scope_system, &u, &units[i], &e), SJ_OK);
		assignment as = { .group_id = i < 3 ? f->group_a : f->group_b, .unit_id = units[i],
		    .reported_on = i == 0 ? D(2020, 3, 5) : GROUP_DATE_NONE };
		assert_int_equal(group_assign(f->s, &scope_system, &as, &id, &e), SJ_OK);
	}
	memcpy(f->units_a, units, sizeof f->units_a);
	f->unit_b = units[3];
	f->leader_a = add_member(f->s, f->group_a, "组长甲", "leader");
	f->member_a = add_member(f->s, f->group_a, "组员乙", "member");
	f->leader_b = add_member(f->s, f->group_b, "组长丙", "leader");
	add_user(f, 101, "leader_a", "leader", f->group_a, &f->leader_sc);
	add_user(f, 102, "member_a", "member", f->group_a, &f->member_sc);
	add_user(f, 103, "leader_b", "leader", f->group_b, &f->other_sc);
	add_user(f, 104, "admin1", "admin", 0, &f->admin_sc);
	add_user(f, 105, "admin2", "admin", 0, &f->admin2_sc);
	add_user(f, 106, "auditor1", "auditor", 0, &f->auditor_sc);
	f->unit_sc = (scope){ .role = ROLE_UNIT, .unit_id = units[0] };
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

static void
make_plan(fixture *f)
{
	plan_input p = { .title = "工作方案", .goals = "三条工作线", .starts_on = D(2020, 3, 5),
	    .ends_on = TASK_DATE_NONE };
	sj_err e = {0};
	int64_t id;

	assert_int_equal(plan_create(f->s, &f->leader_sc, f->group_a, &p, &id, &e), SJ_OK);
}

static int64_t
make_task(fixture *f, const char *title, const char *line, sj_date due)
{
	task_input t = { .title = title, .task_line = line, .owner_id = f->member_a, .due_on = due,
	    .unit_ids = f->units_a, .n_unit_ids = 1 };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(task_add(f->s, &f->leader_sc, f->group_a, &t, 0, &id, &e), SJ_OK);
	return id;
}

/* ---- task lines ----------------------------------------------------------- */

static void
test_task_lines(void **state)
{
	fixture *f = *state;
	static const char sql[] =
	    "SELECT count(*) FROM task_line WHERE (code = 'prevention' AND name = '疫情防控'"
	    " AND position = 1) OR (code = 'economy' AND name = '经济运行' AND position = 2)"
	    " OR (code = 'livelihood' AND name = '保障民生' AND position = 3)";
	sj_err e = {0};

	/* SCENARIO.md "The three task lines", in the table and in C alike. */
	assert_int_equal(count(f->s, sql), 3);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task_line"), TASK_LINE_COUNT);
	assert_true(task_line_valid("prevention"));
	assert_true(task_line_valid("economy"));
	assert_true(task_line_valid("livelihood"));
	assert_false(task_line_valid("Prevention"));
	assert_false(task_line_valid(NULL));
	assert_string_equal(task_line_find("保障民生")->code, "livelihood");
	assert_int_equal(task_line_check("health", "task_line", &e), SJ_EINVAL);
	assert_string_equal(e.field, "task_line");
	assert_non_null(strstr(e.msg, "unknown task line 'health'"));
}

/* ---- the plan ------------------------------------------------------------- */

static void
test_plan_lifecycle(void **state)
{
	fixture *f = *state;
	plan_input p = { .title = "工作方案（修改稿）", .goals = "三条工作线，补充复工复产",
	    .starts_on = D(2020, 3, 5), .ends_on = D(2020, 6, 30) };
	plan_version v;
	work_plan wp;
	sj_err e = {0};
	int version = 0;

	make_plan(f);
	make_task(f, "督导检查防控点", "prevention", D(2020, 3, 20));
	assert_int_equal(plan_submit(f->s, &f->leader_sc, f->group_a, "请审定", 0, &version, &e),
	    SJ_OK);
	assert_int_equal(version, 1);
	/* Sent back with a comment by the organ. */
	assert_int_equal(plan_decide(f->s, &f->admin_sc, f->group_a, false, "补充经济运行任务", 0, &e),
	    SJ_OK);
	assert_int_equal(plan_get(f->s, &f->leader_sc, &f->a, f->group_a, &wp, &e), SJ_OK);
	assert_string_equal(wp.status, "returned");
	assert_int_equal(wp.approved_version, 0);
	/* Changed and resubmitted: version 2. */
	assert_int_equal(plan_update(f->s, &f->member_sc, f->group_a, &p, &e), SJ_OK);
	make_task(f, "推动企业复工", "economy", TASK_DATE_NONE);
	assert_int_equal(plan_submit(f->s, &f->leader_sc, f->group_a, NULL, 0, &version, &e), SJ_OK);
	assert_int_equal(version, 2);
	assert_int_equal(plan_decide(f->s, &f->admin_sc, f->group_a, true, NULL, 0, &e), SJ_OK);
	assert_int_equal(plan_get(f->s, &f->auditor_sc, &f->a, f->group_a, &wp, &e), SJ_OK);
	assert_string_equal(wp.status, "approved");
	assert_int_equal(wp.version, 2);
	assert_int_equal(wp.approved_version, 2);
	assert_string_equal(wp.title, "工作方案（修改稿）");
	/* Both versions kept, each with its decision and its own text. */
	assert_int_equal(wp.n_versions, 2);
	assert_string_equal(wp.versions[0].decision, "returned");
	assert_string_equal(wp.versions[0].decision_comment, "补充经济运行任务");
	assert_string_equal(wp.versions[0].title, "工作方案");
	assert_string_equal(wp.versions[0].submitted_by, "leader_a");
	assert_string_equal(wp.versions[0].decided_by, "admin1");
	assert_string_equal(wp.versions[1].decision, "approved");
	assert_null(wp.versions[1].decision_comment);
	/* The task list as it stood at each submission: 1 task, then 2. */
	assert_int_equal(plan_version_get(f->s, &f->leader_sc, &f->a, f->group_a, 1, &v, &e), SJ_OK);
	assert_int_equal(v.n_tasks, 1);
	assert_string_equal(v.tasks[0].title, "督导检查防控点");
	assert_int_equal(plan_version_get(f->s, &f->leader_sc, &f->a, f->group_a, 2, &v, &e), SJ_OK);
	assert_int_equal(v.n_tasks, 2);
	assert_int_equal(plan_version_get(f->s, &f->leader_sc, &f->a, f->group_a, 3, &v, &e),
	    SJ_ENOTFOUND);
	/* Approved and unchanged: nothing to submit; an edit that changes
	 * nothing writes nothing; a change starts a revision. */
	assert_int_equal(plan_submit(f->s, &f->leader_sc, f->group_a, NULL, 0, NULL, &e),
	    SJ_ECONFLICT);
	assert_int_equal(plan_update(f->s, &f->leader_sc, f->group_a, &p, &e), SJ_OK);
	assert_int_equal(plan_get(f->s, &f->leader_sc, &f->a, f->group_a, &wp, &e), SJ_OK);
	assert_string_equal(wp.status, "approved");
	p.goals = "三条工作线，补充复工复产和春耕";
	assert_int_equal(plan_update(f->s, &f->leader_sc, f->group_a, &p, &e), SJ_OK);
	assert_int_equal(plan_get(f->s, &f->leader_sc, &f->a, f->group_a, &wp, &e), SJ_OK);
	assert_string_equal(wp.status, "draft");
	assert_int_equal(wp.approved_version, 2);  /* still in force */
}

static void
test_plan_approval_rules(void **state)
{
	fixture *f = *state;
	plan_input p = { .title = "改", .goals = "改", .starts_on = D(2020, 3, 5),
	    .ends_on = TASK_DATE_NONE };
	work_plan wp;
	sj_err e = {0};

	make_plan(f);
	/* A member drafts but does not submit. */
	assert_int_equal(plan_submit(f->s, &f->member_sc, f->group_a, NULL, 0, NULL, &e),
	    SJ_EFORBIDDEN);
	assert_int_equal(plan_decide(f->s, &f->admin_sc, f->group_a, true, NULL, 0, &e),
	    SJ_ECONFLICT);  /* a draft awaits nothing */
	assert_int_equal(plan_submit(f->s, &f->leader_sc, f->group_a, NULL, 0, NULL, &e), SJ_OK);
	/* Approving one's own plan: the leader, a member. */
	assert_int_equal(plan_decide(f->s, &f->leader_sc, f->group_a, true, NULL, 0, &e),
	    SJ_EFORBIDDEN);
	assert_string_equal(e.field, "approver");
	assert_non_null(strstr(e.msg, "own work group"));
	assert_int_equal(plan_decide(f->s, &f->member_sc, f->group_a, true, NULL, 0, &e),
	    SJ_EFORBIDDEN);
	/* The leader of another group does not even see it. */
	assert_int_equal(plan_decide(f->s, &f->other_sc, f->group_a, true, NULL, 0, &e),
	    SJ_ENOTFOUND);
	/* An auditor reads but may not approve; the command line has no name. */
	assert_int_equal(plan_decide(f->s, &f->auditor_sc, f->group_a, true, NULL, 0, &e),
	    SJ_EFORBIDDEN);
	assert_int_equal(plan_decide(f->s, &scope_system, f->group_a, true, NULL, 0, &e),
	    SJ_EFORBIDDEN);
	/* Returning needs a comment; a plan awaiting approval cannot change. */
	assert_int_equal(plan_decide(f->s, &f->admin_sc, f->group_a, false, NULL, 0, &e), SJ_EINVAL);
	assert_string_equal(e.field, "comment");
	assert_int_equal(plan_update(f->s, &f->leader_sc, f->group_a, &p, &e), SJ_ECONFLICT);
	/* Nothing of that changed anything. */
	assert_int_equal(plan_get(f->s, &f->leader_sc, &f->a, f->group_a, &wp, &e), SJ_OK);
	assert_string_equal(wp.status, "submitted");
	assert_int_equal(wp.n_versions, 1);
	assert_null(wp.versions[0].decision);
	/* An administrator who submitted a version does not approve it. */
	assert_int_equal(plan_decide(f->s, &f->admin_sc, f->group_a, false, "重写", 0, &e), SJ_OK);
	assert_int_equal(plan_submit(f->s, &f->admin_sc, f->group_a, NULL, 0, NULL, &e), SJ_OK);
	assert_int_equal(plan_decide(f->s, &f->admin_sc, f->group_a, true, NULL, 0, &e),
	    SJ_EFORBIDDEN);
	assert_non_null(strstr(e.msg, "submitted this version"));
	assert_int_equal(plan_decide(f->s, &f->admin2_sc, f->group_a, true, NULL, 0, &e), SJ_OK);
	/* A second plan for the group is refused. */
	assert_int_equal(plan_create(f->s, &f->leader_sc, f->group_a, &p, &wp.id, &e), SJ_ECONFLICT);
}

/* ---- tasks ----------------------------------------------------------------- */

static void
test_task_bad_input(void **state)
{
	fixture *f = *state;
	task_input t = { .title = "任务", .task_line = "prevention", .owner_id = f->leader_b,
	    .due_on = D(2020, 3, 20) };
	sj_err e = {0};
	int64_t id;

	make_plan(f);
	/* An owner who is not a member of the group (the leader of group B). */
	assert_int_equal(task_add(f->s, &f->leader_sc, f->group_a, &t, 0, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "owner_id");
	assert_non_null(strstr(e.msg, "is not a member of work group 工作二组"));
	/* A due date before the plan's start (2020-03-05). */
	t.owner_id = f->leader_a;
	t.due_on = D(2020, 3, 4);
	assert_int_equal(task_add(f->s, &f->leader_sc, f->group_a, &t, 0, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "due_on");
	assert_non_null(strstr(e.msg, "2020-03-04 is before the start of the work plan, 2020-03-05"));
	/* An unknown task line. */
	t.due_on = D(2020, 3, 5);  /* the start itself is allowed */
	t.task_line = "sanitation";
	assert_int_equal(task_add(f->s, &f->leader_sc, f->group_a, &t, 0, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "task_line");
	/* A unit of another group. */
	t.task_line = "livelihood";
	t.unit_ids = &f->unit_b;
	t.n_unit_ids = 1;
	assert_int_equal(task_add(f->s, &f->leader_sc, f->group_a, &t, 0, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "unit_ids[0]");
	assert_int_equal(count(f->s, "SELECT count(*) FROM task"), 0);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task_unit"), 0);
	/* The start is allowed; moving the plan's start after it is not. */
	t.unit_ids = f->units_a;
	assert_int_equal(task_add(f->s, &f->leader_sc, f->group_a, &t, 0, &id, &e), SJ_OK);
	plan_input p = { .title = "t", .goals = "g", .starts_on = D(2020, 3, 6),
	    .ends_on = TASK_DATE_NONE };
	assert_int_equal(plan_update(f->s, &f->leader_sc, f->group_a, &p, &e), SJ_EINVAL);
	assert_string_equal(e.field, "starts_on");
}

static void
test_task_notes_and_status(void **state)
{
	fixture *f = *state;
	task_note_input n = { .body = "已部署", .noted_on = D(2020, 3, 6), .status = "in_progress" };
	sj_err e = {0};
	int64_t id = make_task(f, "走访慰问", "livelihood", TASK_DATE_NONE);
	task t;

	assert_int_equal(task_note_add(f->s, &f->member_sc, id, &n, NULL, &e), SJ_OK);
	n = (task_note_input){ .body = "不再需要", .noted_on = TASK_DATE_NONE, .status = "dropped" };
	assert_int_equal(task_note_add(f->s, &f->member_sc, id, &n, NULL, &e), SJ_OK);
	assert_int_equal(task_get(f->s, &f->member_sc, &f->a, id, TASK_DATE_NONE, &t, &e), SJ_OK);
	assert_string_equal(t.status, "dropped");
	assert_string_equal(t.drop_reason, "不再需要");
	assert_int_equal(t.n_notes, 2);
	assert_string_equal(t.notes[0].status_from, "open");
	assert_string_equal(t.notes[0].status_to, "in_progress");
	assert_int_equal(t.notes[0].noted_on, D(2020, 3, 6));
	/* dropped → done is not a transition; reopening is. */
	n = (task_note_input){ .body = "完成", .noted_on = TASK_DATE_NONE, .status = "done" };
	assert_int_equal(task_note_add(f->s, &f->member_sc, id, &n, NULL, &e), SJ_ECONFLICT);
	n.status = "open";
	assert_int_equal(task_note_add(f->s, &f->member_sc, id, &n, NULL, &e), SJ_OK);
	assert_int_equal(task_get(f->s, &f->member_sc, &f->a, id, TASK_DATE_NONE, &t, &e), SJ_OK);
	assert_null(t.drop_reason);
	/* A drop needs a reason; an unknown status is refused. */
	n = (task_note_input){ .noted_on = TASK_DATE_NONE, .status = "dropped" };
	assert_int_equal(task_note_add(f->s, &f->member_sc, id, &n, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "body");
	n = (task_note_input){ .body = "x", .noted_on = TASK_DATE_NONE, .status = "closed" };
	assert_int_equal(task_note_add(f->s, &f->member_sc, id, &n, NULL, &e), SJ_EINVAL);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task_note"), 3);
}

/* The 2020 days this test needs, from 国办发明电〔2019〕16号: the
 * make-up working day 04-26 and the Labour Day holiday 05-01..05-05. */
static void
load_calendar(fixture *f)
{
	static const char text[] =
	    "year 2020\n"
	    "2020-04-26 work 劳动节调休\n"
	    "2020-05-01..2020-05-05 off 劳动节\n"
	    "2020-05-09 work 劳动节调休\n";
	calendar_load ld;
	sj_err e = {0};

	assert_int_equal(calendar_parse(text, strlen(text), &f->a, &ld, &e), SJ_OK);
	assert_int_equal(calendar_store(f->s, &scope_system, &ld, NULL, &e), SJ_OK);
}

static bool
overdue_on(fixture *f, int64_t id, sj_date day)
{
	sj_err e = {0};
	task t;

	assert_int_equal(task_get(f->s, &f->leader_sc, &f->a, id, day, &t, &e), SJ_OK);
	return t.overdue;
}

static void
test_overdue_calendar(void **state)
{
	fixture *f = *state;
	int64_t sun, sat, holiday, done;
	task_note_input n = { .body = "完成", .noted_on = D(2020, 4, 20), .status = "done" };
	task_filter tf = { .group_id = 0, .overdue = true, .as_of = D(2020, 4, 27) };
	task_page page;
	calendar cal;
	sj_err e = {0};

	/* Weekends only, before the calendar is loaded: a task due Sunday
	 * 04-26 counts as due Monday 04-27 and is not overdue that Monday. */
	sun = make_task(f, "调休日到期", "prevention", D(2020, 4, 26));
	assert_false(overdue_on(f, sun, D(2020, 4, 27)));
	load_calendar(f);
	sat = make_task(f, "周六到期", "economy", D(2020, 4, 25));
	holiday = make_task(f, "节日到期", "livelihood", D(2020, 5, 1));
	done = make_task(f, "已完成", "livelihood", D(2020, 4, 24));
	assert_int_equal(task_note_add(f->s, &f->leader_sc, done, &n, NULL, &e), SJ_OK);
	/* Due on the make-up working day: not overdue that day, overdue after. */
	assert_false(overdue_on(f, sun, D(2020, 4, 26)));
	assert_true(overdue_on(f, sun, D(2020, 4, 27)));
	/* Due Saturday 04-25: the next working day is Sunday 04-26 (worked). */
	assert_false(overdue_on(f, sat, D(2020, 4, 26)));
	assert_true(overdue_on(f, sat, D(2020, 4, 27)));
	/* Due on the holiday 05-01: counted due Wednesday 05-06. */
	assert_false(overdue_on(f, holiday, D(2020, 5, 6)));
	assert_true(overdue_on(f, holiday, D(2020, 5, 7)));
	assert_int_equal(calendar_read(f->s, &f->a, &cal, &e), SJ_OK);
	assert_int_equal(task_due_effective(&cal, D(2020, 5, 1)), D(2020, 5, 6));
	/* Done tasks are never overdue. */
	assert_false(overdue_on(f, done, D(2020, 6, 1)));
	/* The overdue list on 04-27: exactly the two due on the weekend. */
	tf.group_id = f->group_a;
	assert_int_equal(task_list(f->s, &f->leader_sc, &f->a, &tf, &page, &e), SJ_OK);
	assert_int_equal(page.n_tasks, 2);
	assert_int_equal(page.tasks[0].id, sun);
	assert_int_equal(page.tasks[1].id, sat);
	/* On 05-06 the holiday task is not yet in it; on 05-07 it is. */
	tf.as_of = D(2020, 5, 6);
	assert_int_equal(task_list(f->s, &f->leader_sc, &f->a, &tf, &page, &e), SJ_OK);
	assert_int_equal(page.n_tasks, 2);
	tf.as_of = D(2020, 5, 7);
	tf.limit = 2;
	assert_int_equal(task_list(f->s, &f->leader_sc, &f->a, &tf, &page, &e), SJ_OK);
	assert_int_equal(page.n_tasks, 2);
	assert_true(page.has_more);
	tf.after_id = page.next_id;
	assert_int_equal(task_list(f->s, &f->leader_sc, &f->a, &tf, &page, &e), SJ_OK);
	assert_int_equal(page.n_tasks, 1);
	assert_int_equal(page.tasks[0].id, holiday);
	assert_false(page.has_more);
}

/* ---- meetings ----------------------------------------------------------------- */

static void
test_meeting_decision_tasks(void **state)
{
	fixture *f = *state;
	task_input tasks[2] = {
		{ .title = "督导检查", .task_line = "prevention", .owner_id = f->leader_a,
		  .due_on = TASK_DATE_NONE },
		{ .title = "走访", .task_line = "livelihood", .owner_id = f->member_a,
		  .due_on = D(2020, 3, 23), .unit_ids = f->units_a, .n_unit_ids = 3 },
	};
	decision_input d[2] = {
		{ .kind = "goal", .body = "三条工作线" },
		{ .kind = "division", .body = "责任分工", .tasks = tasks, .n_tasks = 2 },
	};
	attendee_input at[2] = { { .member_id = f->leader_a }, { .name = "王书记",
	    .affiliation = "高铁社区" } };
	meeting_input m = { .kind = "all_hands", .held_on = D(2020, 3, 5), .title = "全体会议",
	    .attendees = at, .n_attendees = 2, .decisions = d, .n_decisions = 2 };
	meeting got;
	task t;
	sj_err e = {0};
	int64_t id, did;

	make_plan(f);
	/* A bad task inside a decision: nothing at all is written. */
	tasks[1].owner_id = f->leader_b;
	assert_int_equal(meeting_add(f->s, &f->member_sc, f->group_a, &m, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "decisions[1].tasks[1].owner_id");
	assert_int_equal(count(f->s, "SELECT count(*) FROM meeting"), 0);
	assert_int_equal(count(f->s, "SELECT count(*) FROM meeting_decision"), 0);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task"), 0);
	tasks[1].owner_id = f->member_a;
	assert_int_equal(meeting_add(f->s, &f->member_sc, f->group_a, &m, &id, &e), SJ_OK);
	assert_int_equal(meeting_get(f->s, &f->leader_sc, &f->a, id, &got, &e), SJ_OK);
	assert_int_equal(got.n_attendees, 2);
	assert_string_equal(got.attendees[0].name, "组长甲");
	assert_string_equal(got.attendees[1].affiliation, "高铁社区");
	assert_int_equal(got.n_decisions, 2);
	assert_int_equal(got.decisions[0].n_task_ids, 0);
	assert_int_equal(got.decisions[1].position, 2);
	assert_int_equal(got.decisions[1].n_task_ids, 2);
	assert_int_equal(task_get(f->s, &f->leader_sc, &f->a, got.decisions[1].task_ids[1],
	    TASK_DATE_NONE, &t, &e), SJ_OK);
	assert_string_equal(t.title, "走访");
	assert_int_equal(t.decision_id, got.decisions[1].id);
	assert_int_equal(t.meeting_id, id);
	assert_int_equal(t.n_units, 3);
	/* Tasks from a decision later, in one step. */
	task_input more = { .title = "补充", .task_line = "economy", .owner_id = f->leader_a,
	    .due_on = TASK_DATE_NONE };
	decision_input extra = { .kind = "task", .body = "补充任务", .tasks = &more, .n_tasks = 1 };
	assert_int_equal(meeting_decision_add(f->s, &f->leader_sc, id, &extra, &did, &e), SJ_OK);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task WHERE decision_id IS NOT NULL"), 3);
	/* A branch meeting needs the branch; coordination needs a partner. */
	m = (meeting_input){ .kind = "branch", .held_on = D(2020, 3, 12), .title = "支部会议" };
	assert_int_equal(meeting_add(f->s, &f->leader_sc, f->group_a, &m, &id, &e), SJ_ECONFLICT);
	branch_input b = { .name = "临时党支部", .founded_on = D(2020, 3, 5),
	    .secretary_id = f->leader_a, .member_ids = &f->member_a, .n_member_ids = 1 };
	party_branch pb;
	bool created = false;
	assert_int_equal(branch_set(f->s, &f->leader_sc, f->group_a, &b, &created, &e), SJ_OK);
	assert_true(created);
	assert_int_equal(branch_get(f->s, &f->member_sc, &f->a, f->group_a, &pb, &e), SJ_OK);
	assert_int_equal(pb.n_members, 2);
	assert_int_equal(pb.members[0].member_id, f->leader_a);  /* the secretary first */
	assert_string_equal(pb.secretary_name, "组长甲");
	assert_int_equal(meeting_add(f->s, &f->leader_sc, f->group_a, &m, &id, &e), SJ_OK);
	m = (meeting_input){ .kind = "coordination", .held_on = D(2020, 3, 12), .title = "协调" };
	assert_int_equal(meeting_add(f->s, &f->leader_sc, f->group_a, &m, &id, &e), SJ_EINVAL);
	m.unit_id = f->unit_b;
	assert_int_equal(meeting_add(f->s, &f->leader_sc, f->group_a, &m, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "unit_id");
	b.secretary_id = f->leader_b;
	assert_int_equal(branch_set(f->s, &f->leader_sc, f->group_a, &b, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "secretary_id");
}

/* ---- links ------------------------------------------------------------------- */

static int64_t
add_visit(fixture *f, int64_t unit, int64_t visitor_id, sj_date on)
{
	visit_input v = { .unit_id = unit, .visited_on = on, .purpose = "走访了解困难",
	    .visitor_ids = &visitor_id, .n_visitor_ids = 1 };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(visit_add(f->s, &scope_system, &v, &id, &e), SJ_OK);
	return id;
}

static void
test_links(void **state)
{
	fixture *f = *state;
	int64_t id = make_task(f, "走访", "livelihood", TASK_DATE_NONE);
	int64_t mine = add_visit(f, f->units_a[0], f->leader_a, D(2020, 3, 23));
	int64_t theirs = add_visit(f, f->unit_b, f->leader_b, D(2020, 3, 23));
	int64_t *ids;
	size_t n;
	sj_err e = {0};
	task t;

	assert_int_equal(task_link_add(f->s, &f->member_sc, id, "visit", mine, &e), SJ_OK);
	/* A record of a unit not assigned to the group, one that does not
	 * exist, an unknown type, a second link of the same record. */
	assert_int_equal(task_link_add(f->s, &f->member_sc, id, "visit", theirs, &e), SJ_EINVAL);
	assert_string_equal(e.field, "record_id");
	assert_non_null(strstr(e.msg, "丁公司"));
	assert_int_equal(task_link_add(f->s, &f->member_sc, id, "visit", 999, &e), SJ_ENOTFOUND);
	assert_int_equal(task_link_add(f->s, &f->member_sc, id, "distribution", 999, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(task_link_add(f->s, &f->member_sc, id, "photo", mine, &e), SJ_EINVAL);
	assert_string_equal(e.field, "record_type");
	assert_int_equal(task_link_add(f->s, &f->member_sc, id, "visit", mine, &e), SJ_ECONFLICT);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task_link"), 1);
	/* The task shows it, with the record's date, unit and a title. */
	assert_int_equal(task_get(f->s, &f->leader_sc, &f->a, id, TASK_DATE_NONE, &t, &e), SJ_OK);
	assert_int_equal(t.n_links, 1);
	assert_string_equal(t.links[0].record_type, "visit");
	assert_int_equal(t.links[0].record_id, mine);
	assert_int_equal(t.links[0].on, D(2020, 3, 23));
	assert_string_equal(t.links[0].unit_name, "高铁社区");
	assert_string_equal(t.links[0].title, "走访 高铁社区：走访了解困难");
	assert_int_equal(task_links_of_record(f->s, &f->leader_sc, &f->a, "visit", mine, &ids, &n,
	    &e), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(task_links_of_record(f->s, &f->other_sc, &f->a, "visit", mine, &ids, &n,
	    &e), SJ_OK);
	assert_int_equal(n, 0);
	assert_int_equal(task_link_remove(f->s, &f->member_sc, id, "visit", mine, &e), SJ_OK);
	assert_int_equal(task_link_remove(f->s, &f->member_sc, id, "visit", mine, &e), SJ_ENOTFOUND);
}

/* A document of kind at site, of n masks, to unit to_unit (0: none). */
static int64_t
post_doc(fixture *f, const char *kind, int64_t site, int64_t to_unit, int64_t item, int64_t n,
    sj_date day)
{
	supply_line_input line = { .item_id = item, .qty = n, .has_qty = true };
	supply_doc_input d = { .kind = kind, .date = day, .site_id = site, .to_unit_id = to_unit,
	    .source = strcmp(kind, "receipt") == 0 ? "donation" : NULL, .lines = &line,
	    .n_lines = 1, .username = "cli" };
	supply_problems pr = {0};
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(supply_doc_post(f->s, &scope_system, &f->a, &d, &id, &pr, &e), SJ_OK);
	return id;
}

/* The case: a distribution linked to a task appears on it. */
static void
test_link_distribution(void **state)
{
	fixture *f = *state;
	supply_item_input it = { .name = "口罩", .base_unit = "piece" };
	supply_site organ = { .kind = "organ", .name = "机关物资库" };
	int64_t item, organ_site, mine, theirs;
	int64_t id = make_task(f, "发放防疫物资", "prevention", TASK_DATE_NONE);
	sj_err e = {0};
	task t;

	assert_int_equal(supply_item_add(f->s, &scope_system, &it, &item, &e), SJ_OK);
	assert_int_equal(supply_site_add(f->s, &scope_system, &organ, &organ_site, &e), SJ_OK);
	post_doc(f, "receipt", organ_site, 0, item, 600, D(2020, 3, 17));
	mine = post_doc(f, "distribution", organ_site, f->units_a[0], item, 200, D(2020, 3, 18));
	theirs = post_doc(f, "distribution", organ_site, f->unit_b, item, 200, D(2020, 3, 18));
	assert_int_equal(task_link_add(f->s, &f->leader_sc, id, "distribution", mine, &e), SJ_OK);
	assert_int_equal(task_link_add(f->s, &f->leader_sc, id, "distribution", theirs, &e),
	    SJ_EINVAL);
	/* A receipt is not a distribution. */
	assert_int_equal(task_link_add(f->s, &f->leader_sc, id, "distribution", mine - 1, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(task_get(f->s, &f->member_sc, &f->a, id, TASK_DATE_NONE, &t, &e), SJ_OK);
	assert_int_equal(t.n_links, 1);
	assert_string_equal(t.links[0].record_type, "distribution");
	assert_int_equal(t.links[0].record_id, mine);
	assert_int_equal(t.links[0].on, D(2020, 3, 18));
	assert_int_equal(t.links[0].unit_id, f->units_a[0]);
	assert_string_equal(t.links[0].title, "发放 机关物资库 → 高铁社区（1 项）");
}

/* ---- scope -------------------------------------------------------------------- */

static void
test_scope(void **state)
{
	fixture *f = *state;
	int64_t id = make_task(f, "任务", "prevention", TASK_DATE_NONE);
	plan_input p = { .title = "改", .goals = "改", .starts_on = D(2020, 3, 5),
	    .ends_on = TASK_DATE_NONE };
	task_note_input n = { .body = "x", .noted_on = TASK_DATE_NONE };
	task_filter tf = { .as_of = TASK_DATE_NONE };
	task_page page;
	work_plan wp;
	sj_err e = {0};
	task t;

	make_plan(f);
	/* A member of another group: the plan and the task do not exist. */
	assert_int_equal(plan_get(f->s, &f->other_sc, &f->a, f->group_a, &wp, &e), SJ_ENOTFOUND);
	assert_int_equal(plan_update(f->s, &f->other_sc, f->group_a, &p, &e), SJ_ENOTFOUND);
	assert_int_equal(plan_submit(f->s, &f->other_sc, f->group_a, NULL, 0, NULL, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(task_get(f->s, &f->other_sc, &f->a, id, TASK_DATE_NONE, &t, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(task_note_add(f->s, &f->other_sc, id, &n, NULL, &e), SJ_ENOTFOUND);
	assert_int_equal(task_list(f->s, &f->other_sc, &f->a, &tf, &page, &e), SJ_OK);
	assert_int_equal(page.n_tasks, 0);
	/* A unit liaison has no part in the group's own work; an auditor reads. */
	assert_int_equal(plan_get(f->s, &f->unit_sc, &f->a, f->group_a, &wp, &e), SJ_EFORBIDDEN);
	assert_int_equal(task_note_add(f->s, &f->auditor_sc, id, &n, NULL, &e), SJ_EFORBIDDEN);
	assert_int_equal(task_list(f->s, &f->auditor_sc, &f->a, &tf, &page, &e), SJ_OK);
	assert_int_equal(page.n_tasks, 1);
	assert_int_equal(count(f->s, "SELECT count(*) FROM task_note"), 0);
	assert_int_equal(count(f->s, "SELECT count(*) FROM plan_version"), 0);
}

/* ---- reporting in ------------------------------------------------------------------ */

static void
test_reporting(void **state)
{
	fixture *f = *state;
	reporting r;
	sj_err e = {0};

	/* 高铁社区 reported in 2020-03-05 (set up); visited 03-18 and 03-23;
	 * 小堰堤社区 visited 03-18 only; 李家庄社区 never, nor reported to. */
	add_visit(f, f->units_a[0], f->leader_a, D(2020, 3, 18));
	add_visit(f, f->units_a[0], f->leader_a, D(2020, 3, 23));
	add_visit(f, f->units_a[1], f->leader_a, D(2020, 3, 18));
	assert_int_equal(reporting_record(f->s, &f->member_sc, f->group_a, f->units_a[1],
	    D(2020, 3, 6), "王主任", &e), SJ_OK);
	assert_int_equal(reporting_record(f->s, &f->member_sc, f->group_a, f->unit_b,
	    D(2020, 3, 6), NULL, &e), SJ_ENOTFOUND);
	/* As of 2020-04-01, gap 14 days: 高铁 last 03-23 (9 days), 小堰堤
	 * 03-18 (14 days: due), 李家庄 never (due). */
	assert_int_equal(reporting_list(f->s, &f->leader_sc, &f->a, f->group_a, D(2020, 4, 1), 14,
	    &r, &e), SJ_OK);
	assert_int_equal(r.n_units, 3);
	/* pinyin order: gao < li < xiao */
	assert_string_equal(r.units[0].unit_name, "高铁社区");
	assert_string_equal(r.units[1].unit_name, "李家庄社区");
	assert_string_equal(r.units[2].unit_name, "小堰堤社区");
	assert_int_equal(r.units[0].days_since_visit, 9);
	assert_false(r.units[0].visit_due);
	assert_true(r.units[1].visit_due);
	assert_int_equal(r.units[1].days_since_visit, -1);
	assert_true(r.units[1].not_reported);
	assert_int_equal(r.units[2].days_since_visit, 14);
	assert_true(r.units[2].visit_due);
	assert_string_equal(r.units[2].contact, "王主任");
	assert_int_equal(r.n_reported, 2);
	assert_int_equal(r.n_not_reported, 1);
	assert_int_equal(r.n_visit_due, 2);
	/* As of 03-20 the 03-23 visit has not happened yet: 高铁 2 days. */
	assert_int_equal(reporting_list(f->s, &f->leader_sc, &f->a, f->group_a, D(2020, 3, 20), 14,
	    &r, &e), SJ_OK);
	assert_int_equal(r.units[0].days_since_visit, 2);
	assert_int_equal(reporting_list(f->s, &f->other_sc, &f->a, f->group_a, D(2020, 3, 20), 14,
	    &r, &e), SJ_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_task_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_approval_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_notes_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overdue_calendar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meeting_decision_tasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_distribution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reporting, setup, teardown),
	};

	dt_zone_set("Asia/Shanghai", NULL);
	fprintf(stderr, "test_workplan on %s\n", testdb_name());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
