/*
 * workplan_demo — the demo scenario's work plan, meeting, party branch,
 * progress notes and links for the second work group (SCENARIO.md; issue
 * 11), written through the public functions of workplan.h, task.h and
 * meeting.h as a user would.  Split from workplan.c.
 */
#include "domain/workplan.h"

#include <stdio.h>
#include <string.h>

#include "domain/auth.h"

#define DEMO_GROUP "市派岱岳区市政协机关工作二组"

enum {
	D_LEADER, D_UNIT, D_DISTRIBUTIONS, D_INSPECTIONS, D_VISITS, D_REQUESTS,
};

/* The demo's look-ups; the record queries read other modules' tables by
 * name and run in a savepoint, so a module not built yet is skipped. */
static const char *const demo_sql[] = {
	[D_LEADER] =
	"SELECT id FROM group_member WHERE group_id = ?1 AND role = 'leader'",
	[D_UNIT] =
	"SELECT u.id FROM unit u JOIN assignment a ON a.unit_id = u.id"
	" WHERE a.group_id = ?1 AND u.name = ?2",
	[D_DISTRIBUTIONS] =
	"SELECT d.id FROM supply_doc d JOIN supply_site s ON s.id = d.to_site_id"
	" JOIN assignment a ON a.unit_id = s.unit_id"
	" WHERE d.kind = 'distribution' AND a.group_id = ?1 ORDER BY d.id",
	[D_INSPECTIONS] =
	"SELECT i.id FROM inspection i JOIN assignment a ON a.unit_id = i.unit_id"
	" WHERE a.group_id = ?1 ORDER BY i.id",
	[D_VISITS] =
	"SELECT v.id FROM visit v JOIN assignment a ON a.unit_id = v.unit_id"
	" WHERE a.group_id = ?1 ORDER BY v.id",
	[D_REQUESTS] =
	"SELECT r.id FROM service_request r JOIN assignment a ON a.unit_id = r.unit_id"
	" WHERE a.group_id = ?1 ORDER BY r.id",
};

typedef struct demo_refs {
	int64_t group, leader;
	int64_t units[5];          /* in demo_unit_names order */
	scope leader_sc, admin_sc;
} demo_refs;

static const char *const demo_unit_names[5] = {
	"高铁社区", "小堰堤社区", "李家庄社区", "泰山石膏有限公司", "丰泽领秀城项目",
};

/* 2020-03-05 hh:00 local time as an instant. */
static int64_t
demo_at(int hour)
{
	return dt_date_start(dt_date_from_ymd(2020, 3, 5)) + (int64_t)hour * 3600;
}

static sj_rc
demo_id(store *s, int q, int64_t group, const char *name, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool found = false;
	sj_rc rc;

	if ((rc = store_prepare(s, demo_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group);
	if (name)
		store_bind_text(st, 2, name);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, NULL, "%s is missing",
	    name ? name : "the work group's leader");
}

static sj_rc
demo_user_scope(store *s, arena *a, const char *username, scope *out, sj_err *e)
{
	app_user u;
	sj_rc rc;

	if ((rc = user_find_by_username(s, &scope_system, a, username, &u, e)) != SJ_OK)
		return rc;
	principal_scope(&u, out);
	return SJ_OK;
}

static sj_rc
demo_refs_find(demo_ctx *ctx, arena *a, demo_refs *r, sj_err *e)
{
	sj_rc rc;

	if ((rc = workplan_group_lookup(ctx->s, DEMO_GROUP, &r->group, e)) != SJ_OK ||
	    (rc = demo_id(ctx->s, D_LEADER, r->group, NULL, &r->leader, e)) != SJ_OK)
		return rc;
	for (int i = 0; i < 5; i++)
		if ((rc = demo_id(ctx->s, D_UNIT, r->group, demo_unit_names[i], &r->units[i],
		    e)) != SJ_OK)
			return rc;
	/* The leader submits; the organ's administrator (the demo user
	 * "admin", assumed to act for the party committee) approves. */
	if ((rc = demo_user_scope(ctx->s, a, "leader", &r->leader_sc, e)) != SJ_OK)
		return rc;
	return demo_user_scope(ctx->s, a, "admin", &r->admin_sc, e);
}

static sj_rc
demo_plan(demo_ctx *ctx, const demo_refs *r, sj_err *e)
{
	/* The report says a work plan was fixed; its wording is assumed,
	 * drawn from the scenario's three task lines and "Four Entries". */
	plan_input p = {
		.title = "市派岱岳区市政协机关工作二组“四进”攻坚工作方案",
		.goals = "进企业、进项目、进乡村、进社区，围绕疫情防控、经济运行、保障民生三条工作线，"
		    "帮助派驻单位外防输入、内防扩散，推动企业和项目复工复产，解决群众和企业自身难以"
		    "解决的困难。",
		.mechanism = "工作组全体会议研究部署；临时党支部定期召开支部会议；组员按责任分工包联"
		    "派驻单位；发现问题及时向市直有关部门报告、协调解决。",
		.starts_on = dt_date_from_ymd(2020, 3, 5), .ends_on = TASK_DATE_NONE,
	};
	int64_t id;

	return plan_create(ctx->s, &r->leader_sc, r->group, &p, &id, e);
}

/* The tasks of the division of responsibilities (责任分工), all owned by
 * the leader (the report names no other member).  Due dates assumed. */
static sj_rc
demo_meeting(demo_ctx *ctx, const demo_refs *r, int64_t *meeting_id, sj_err *e)
{
	const int64_t *u = r->units;
	const int64_t all[5] = { u[0], u[1], u[2], u[3], u[4] }, communities[3] = { u[0], u[1], u[2] };
	const int64_t gypsum[1] = { u[3] }, firms[2] = { u[3], u[4] };
	const task_input tasks[] = {
		{ .title = "督导检查各防控点扫码登记、测温、消毒和企业职工食堂分餐",
		  .task_line = TASK_LINE_PREVENTION, .owner_id = r->leader, .due_on = TASK_DATE_NONE,
		  .unit_ids = all, .n_unit_ids = 5 },
		{ .title = "摸排社区防疫物资缺口，筹集并送达口罩、酒精、84消毒液",
		  .task_line = TASK_LINE_PREVENTION, .owner_id = r->leader,
		  .due_on = dt_date_from_ymd(2020, 3, 20), .unit_ids = communities, .n_unit_ids = 3 },
		{ .title = "协调解决泰山石膏有限公司外方专家住宿，推动护面纸项目设备调试复工",
		  .task_line = TASK_LINE_ECONOMY, .owner_id = r->leader,
		  .due_on = dt_date_from_ymd(2020, 3, 20), .unit_ids = gypsum, .n_unit_ids = 1 },
		{ .title = "跟踪派驻企业、项目复工复产进度，帮助解决困难",
		  .task_line = TASK_LINE_ECONOMY, .owner_id = r->leader, .due_on = TASK_DATE_NONE,
		  .unit_ids = firms, .n_unit_ids = 2 },
		{ .title = "走访慰问社区和住户，了解防疫、生活需求和自身难以克服的困难",
		  .task_line = TASK_LINE_LIVELIHOOD, .owner_id = r->leader, .due_on = TASK_DATE_NONE,
		  .unit_ids = communities, .n_unit_ids = 3 },
	};
	const decision_input decisions[] = {
		{ .kind = "goal", .body = "明确目标任务：围绕疫情防控、经济运行、保障民生三条工作线开展"
		  "“四进”攻坚。" },
		{ .kind = "mechanism", .body = "确定工作机制：全体会议研究部署，支部会议定期召开，"
		  "问题及时报告协调。" },
		{ .kind = "division", .body = "明确责任分工（任务见下）。", .tasks = tasks,
		  .n_tasks = sizeof tasks / sizeof tasks[0] },
		{ .kind = "plan", .body = "通过工作方案，报市政协机关党组审定。" },
		{ .kind = "other", .body = "成立工作组临时党支部，组长任支部书记；会后即到派驻单位报到。" },
	};
	const attendee_input attendees[] = { { .member_id = r->leader } };
	meeting_input m = {
		.kind = "all_hands", .held_on = dt_date_from_ymd(2020, 3, 5),
		.title = "工作组全体会议",
		.agenda = "明确目标任务、工作机制、责任分工，制定工作方案，成立临时党支部",
		.attendees = attendees, .n_attendees = 1,
		.decisions = decisions, .n_decisions = sizeof decisions / sizeof decisions[0],
	};

	return meeting_add(ctx->s, &r->leader_sc, r->group, &m, meeting_id, e);
}

static sj_rc
demo_branch(demo_ctx *ctx, const demo_refs *r, sj_err *e)
{
	branch_input b = { .name = "市政协机关工作二组临时党支部",
	    .founded_on = dt_date_from_ymd(2020, 3, 5), .secretary_id = r->leader };

	return branch_set(ctx->s, &r->leader_sc, r->group, &b, NULL, e);
}

/* The progress the scenario reports: the supplies delivered on 03-18;
 * the bureau's reply of 03-16 and the request's resolution (03-17, the
 * request part's assumed date). */
static sj_rc
demo_progress(demo_ctx *ctx, const demo_refs *r, const int64_t *task_ids, sj_err *e)
{
	const task_note_input notes[] = {
		{ .body = "口罩600只、酒精6箱（240瓶）、84消毒液6箱（180瓶）已于当日下午送达高铁、"
		  "小堰堤、李家庄三个社区。", .noted_on = dt_date_from_ymd(2020, 3, 18), .status = "done" },
		{ .body = "市文化和旅游局答复：东尊华美达、泰安宝盛大酒店、蓝海御华等高端酒店正常营业；"
		  "已转告企业。", .noted_on = dt_date_from_ymd(2020, 3, 16), .status = "in_progress" },
		{ .body = "外方专家入住泰安宝盛大酒店，设备调试正常，项目复工。",
		  .noted_on = dt_date_from_ymd(2020, 3, 17), .status = "done" },
	};
	const int64_t which[] = { task_ids[1], task_ids[2], task_ids[2] };
	sj_rc rc;

	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if ((rc = task_note_add(ctx->s, &r->leader_sc, which[i], &notes[i], NULL, e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

/* Link every record of query q of the group to task task_id.  A module
 * whose table is missing (not built yet) is skipped, in a savepoint. */
static sj_rc
demo_link_all(demo_ctx *ctx, const demo_refs *r, int q, const char *type, int64_t task_id,
    sj_err *e)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	store_stmt *st;
	sj_err missing = {0};
	bool row;
	arena a;
	sj_rc rc;

	if ((rc = store_begin(ctx->s, e)) != SJ_OK)
		return rc;
	if (store_prepare(ctx->s, demo_sql[q], &st, &missing) != SJ_OK) {
		store_rollback(ctx->s);
		return SJ_OK;
	}
	arena_init(&a);
	store_bind_int(st, 1, r->group);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		ids = arena_grow(&a, ids, &cap, n, sizeof *ids);
		ids[n++] = store_col_int(st, 0);
	}
	for (size_t i = 0; rc == SJ_OK && i < n; i++)
		rc = task_link_add(ctx->s, &r->leader_sc, task_id, type, ids[i], e);
	arena_free(&a);
	if (rc != SJ_OK) {
		store_rollback(ctx->s);
		return rc;
	}
	return store_commit(ctx->s, e);
}

static sj_rc
demo_links(demo_ctx *ctx, const demo_refs *r, const int64_t *task_ids, sj_err *e)
{
	sj_rc rc;

	if ((rc = demo_link_all(ctx, r, D_INSPECTIONS, "inspection", task_ids[0], e)) != SJ_OK ||
	    (rc = demo_link_all(ctx, r, D_DISTRIBUTIONS, "distribution", task_ids[1], e)) != SJ_OK ||
	    (rc = demo_link_all(ctx, r, D_REQUESTS, "service_request", task_ids[2], e)) != SJ_OK)
		return rc;
	return demo_link_all(ctx, r, D_VISITS, "visit", task_ids[4], e);
}

sj_rc
workplan_demo_part(demo_ctx *ctx, sj_err *e)
{
	int64_t meeting_id, task_ids[5];
	demo_refs r;
	meeting m;
	size_t n = 0;
	arena a;
	sj_rc rc;

	arena_init(&a);
	memset(&r, 0, sizeof r);
	if ((rc = demo_refs_find(ctx, &a, &r, e)) != SJ_OK ||
	    (rc = demo_plan(ctx, &r, e)) != SJ_OK ||
	    (rc = demo_meeting(ctx, &r, &meeting_id, e)) != SJ_OK ||
	    (rc = demo_branch(ctx, &r, e)) != SJ_OK ||
	    (rc = meeting_get(ctx->s, &scope_system, &a, meeting_id, &m, e)) != SJ_OK)
		goto out;
	for (size_t i = 0; i < m.n_decisions; i++)
		for (size_t j = 0; j < m.decisions[i].n_task_ids && n < 5; j++)
			task_ids[n++] = m.decisions[i].task_ids[j];
	if (n != 5) {
		rc = sj_fail(e, SJ_EINTERNAL, NULL, "the meeting made %zu tasks, not 5", n);
		goto out;
	}
	/* The plan as approved on 03-05 holds the tasks as they stood then. */
	if ((rc = plan_submit(ctx->s, &r.leader_sc, r.group, "全体会议通过，报请审定。",
	    demo_at(11), NULL, e)) != SJ_OK ||
	    (rc = plan_decide(ctx->s, &r.admin_sc, r.group, true, "同意。（市政协机关党组审定）",
	    demo_at(16), e)) != SJ_OK ||
	    (rc = demo_progress(ctx, &r, task_ids, e)) != SJ_OK)
		goto out;
	rc = demo_links(ctx, &r, task_ids, e);
out:
	arena_free(&a);
	return rc;
}
