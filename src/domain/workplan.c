/*
 * workplan — the work plan, its versions and approval; reporting in; the
 * group's record; the helpers task.c and meeting.c share.
 *
 * Invariants kept here beyond those of workplan.h:
 * - work_plan.version is the number of the last plan_version row of the
 *   plan, and only that row may lack a decision (status submitted).
 * - A submission, its frozen task list and the plan's new status are
 *   written in one transaction; so are a decision and the status.
 */
#include "domain/workplan.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/calendar.h"

enum {
	Q_GROUP_NAME, Q_GROUP_BY_NAME, Q_GROUP_BY_ID, Q_MEMBER_GROUP, Q_UNIT_ASSIGNED,
	Q_PLAN_ADD, Q_PLAN_GET, Q_PLAN_UPDATE, Q_PLAN_STATE, Q_TASK_DUE_BEFORE,
	Q_VERSION_ADD, Q_VERSION_TASKS_ADD, Q_VERSION_LIST, Q_VERSION_GET, Q_VERSION_TASKS,
	Q_VERSION_DECIDE,
	Q_REPORTING_LIST, Q_REPORTING_SET,
	Q_OV_GROUP, Q_OV_TASKS, Q_OV_DUE, Q_OV_LINKS, Q_OV_MEETINGS,
};

#define PLAN_COLS \
	"p.id, p.group_id, g.name, p.title, p.goals, p.mechanism, p.starts_on, p.ends_on," \
	" p.status, p.version, p.approved_version, p.created_at, p.updated_at" \
	" FROM work_plan p JOIN work_group g ON g.id = p.group_id"

#define VERSION_COLS \
	"v.version, v.title, v.goals, v.mechanism, v.starts_on, v.ends_on, v.submitted_at," \
	" coalesce(su.username, 'cli'), v.submit_note, v.decision, v.decided_at, du.username," \
	" coalesce(du.display_name, ''), v.decision_comment, v.submitted_by" \
	" FROM plan_version v LEFT JOIN app_user su ON su.id = v.submitted_by" \
	" LEFT JOIN app_user du ON du.id = v.decided_by"

static const char *const workplan_sql[] = {
	[Q_GROUP_NAME] =
	"SELECT name FROM work_group WHERE id = ?3 AND " WP_SCOPE_GROUP("id"),
	[Q_GROUP_BY_NAME] = "SELECT id FROM work_group WHERE name = ?1",
	[Q_GROUP_BY_ID] = "SELECT id FROM work_group WHERE id = ?1",
	[Q_MEMBER_GROUP] = "SELECT group_id, name FROM group_member WHERE id = ?1",
	[Q_UNIT_ASSIGNED] =
	"SELECT count(*) FROM assignment WHERE group_id = ?1 AND unit_id = ?2",
	[Q_PLAN_ADD] =
	"INSERT INTO work_plan (group_id, title, goals, mechanism, starts_on, ends_on, status,"
	" version, created_at, created_by, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft', 0, ?7, ?8, ?7) RETURNING id",
	[Q_PLAN_GET] =
	"SELECT " PLAN_COLS " WHERE p.group_id = ?3 AND " WP_SCOPE_GROUP("p.group_id"),
	[Q_PLAN_UPDATE] =
	"UPDATE work_plan SET title = ?2, goals = ?3, mechanism = ?4, starts_on = ?5,"
	" ends_on = ?6, status = ?7, updated_at = ?8 WHERE id = ?1",
	[Q_PLAN_STATE] =
	"UPDATE work_plan SET status = ?2, version = ?3, approved_version = ?4, updated_at = ?5"
	" WHERE id = ?1",
	[Q_TASK_DUE_BEFORE] =
	"SELECT id, due_on FROM task WHERE group_id = ?1 AND due_on < ?2"
	" ORDER BY due_on, id LIMIT 1",
	[Q_VERSION_ADD] =
	"INSERT INTO plan_version (plan_id, version, title, goals, mechanism, starts_on, ends_on,"
	" submitted_at, submitted_by, submit_note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* After Q_PLAN_STATE has set the plan's new version. */
	[Q_VERSION_TASKS_ADD] =
	"INSERT INTO plan_version_task (plan_id, version, task_id, task_line, title, owner_id,"
	" due_on, status) SELECT p.id, p.version, t.id, t.task_line, t.title, t.owner_id,"
	" t.due_on, t.status FROM work_plan p JOIN task t ON t.group_id = p.group_id"
	" WHERE p.id = ?1",
	[Q_VERSION_LIST] =
	"SELECT " VERSION_COLS " WHERE v.plan_id = ?1 ORDER BY v.version",
	[Q_VERSION_GET] =
	"SELECT " VERSION_COLS " WHERE v.plan_id = ?1 AND v.version = ?2",
	[Q_VERSION_TASKS] =
	"SELECT vt.task_id, vt.task_line, vt.title, vt.owner_id, m.name, vt.due_on, vt.status"
	" FROM plan_version_task vt JOIN group_member m ON m.id = vt.owner_id"
	" JOIN task_line tl ON tl.code = vt.task_line"
	" WHERE vt.plan_id = ?1 AND vt.version = ?2 ORDER BY tl.position, vt.task_id",
	[Q_VERSION_DECIDE] =
	"UPDATE plan_version SET decision = ?3, decided_at = ?4, decided_by = ?5,"
	" decision_comment = ?6 WHERE plan_id = ?1 AND version = ?2 AND decision IS NULL",
	/* ?1 ?2 scope, ?3 the day, ?4 the group. */
	[Q_REPORTING_LIST] =
	"SELECT a.unit_id, u.name, u.kind, a.reported_on, a.contact,"
	" (SELECT max(v.visited_on) FROM visit v WHERE v.unit_id = a.unit_id"
	" AND v.visited_on <= ?3)"
	" FROM assignment a JOIN unit u ON u.id = a.unit_id"
	" WHERE a.group_id = ?4 AND " WP_SCOPE_GROUP("a.group_id")
	" ORDER BY u.name_sort, u.id",
	[Q_REPORTING_SET] =
	"UPDATE assignment SET reported_on = ?3, contact = ?4 WHERE group_id = ?1 AND unit_id = ?2",
	[Q_OV_GROUP] =
	"SELECT name, organ, set_up_on FROM work_group WHERE id = ?3 AND " WP_SCOPE_GROUP("id"),
	[Q_OV_TASKS] =
	"SELECT task_line, status, count(*) FROM task WHERE group_id = ?1"
	" GROUP BY task_line, status",
	[Q_OV_DUE] =
	"SELECT status, due_on FROM task WHERE group_id = ?1"
	" AND status IN ('open', 'in_progress') AND due_on < ?2",
	[Q_OV_LINKS] =
	"SELECT count(*) FROM task_link l JOIN task t ON t.id = l.task_id WHERE t.group_id = ?1",
	[Q_OV_MEETINGS] =
	"SELECT count(*), max(held_on) FROM meeting WHERE group_id = ?1",
};

/* ---- shared helpers --------------------------------------------------------- */

void
workplan_scope_bind(store_stmt *st, const scope *sc)
{
	bool group_role = sc->role == ROLE_LEADER || sc->role == ROLE_MEMBER;

	store_bind_int(st, 1, scope_is_global(sc));
	store_bind_int(st, 2, group_role ? sc->group_id : 0);
}

sj_rc
workplan_may(const scope *sc, bool write, sj_err *e)
{
	if (auth_role_may(sc->role, write ? PERM_WORKPLAN_WRITE : PERM_WORKPLAN_READ))
		return SJ_OK;
	return sj_fail(e, SJ_EFORBIDDEN, NULL, write
	    ? "only the work group's leader and members (or an administrator) change its work"
	    : "this role may not read work groups' plans, tasks and meetings");
}

sj_rc
workplan_group_name(store *s, const scope *sc, arena *a, int64_t group_id, const char **name,
    sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_GROUP_NAME], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, group_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "group", "no work group with id %lld",
		    (long long)group_id);
	*name = arena_strdup(a, store_col_text(st, 0));
	store_reset(st);
	return SJ_OK;
}

sj_rc
workplan_member_check(store *s, arena *a, int64_t group_id, const char *group_name,
    int64_t member_id, const char *field, const char **name, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (member_id <= 0)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if ((rc = store_prepare(s, workplan_sql[Q_MEMBER_GROUP], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, member_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	/* A member of another group and no member at all read the same: the
	 * caller learns nothing about other groups. */
	if (!row || store_col_int(st, 0) != group_id) {
		if (row)
			store_reset(st);
		return sj_fail(e, SJ_EINVAL, field, "member %lld is not a member of work group %s",
		    (long long)member_id, group_name);
	}
	if (name)
		*name = arena_strdup(a, store_col_text(st, 1));
	store_reset(st);
	return SJ_OK;
}

sj_rc
workplan_unit_check(store *s, int64_t group_id, const char *group_name, int64_t unit_id,
    const char *field, sj_err *e)
{
	store_stmt *st;
	int64_t n = 0;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_UNIT_ASSIGNED], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group_id);
	store_bind_int(st, 2, unit_id);
	if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
		return rc;
	if (n == 0)
		return sj_fail(e, SJ_EINVAL, field, "unit %lld is not assigned to work group %s",
		    (long long)unit_id, group_name);
	return SJ_OK;
}

sj_rc
workplan_check_text(const char *s, const char *field, size_t max, bool single_line, sj_err *e)
{
	size_t n;
	sj_rc rc;

	if (s == NULL)
		return SJ_OK;
	rc = text_check_utf8(s, strlen(s), field, single_line ? TEXT_SINGLE_LINE : TEXT_NO_CONTROL,
	    e);
	if (rc != SJ_OK)
		return rc;
	if (text_is_blank(s))
		return sj_fail(e, SJ_EINVAL, field, "must not be empty");
	if ((n = text_length(s)) > max)
		return sj_fail(e, SJ_EINVAL, field, "is %zu characters long; at most %zu", n, max);
	return SJ_OK;
}

/* workplan_check_text for a required field. */
static sj_rc
check_required(const char *s, const char *field, size_t max, bool single_line, sj_err *e)
{
	if (s == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	return workplan_check_text(s, field, max, single_line, e);
}

void
workplan_bind_user(store_stmt *st, int i, const scope *sc)
{
	if (sc->user_id > 0)
		store_bind_int(st, i, sc->user_id);
	else
		store_bind_null(st, i);
}

sj_rc
workplan_group_lookup(store *s, const char *ref, int64_t *id, sj_err *e)
{
	store_stmt *st;
	int64_t v = 0;
	bool found = false, numeric = ref && *ref && strlen(ref) <= 15;
	sj_rc rc;

	for (const char *p = ref; numeric && *p; p++)
		numeric = *p >= '0' && *p <= '9';
	if (ref == NULL || *ref == '\0')
		return sj_fail(e, SJ_EINVAL, "group", "is required");
	if ((rc = store_prepare(s, workplan_sql[numeric ? Q_GROUP_BY_ID : Q_GROUP_BY_NAME], &st,
	    e)) != SJ_OK)
		return rc;
	if (numeric) {
		for (const char *p = ref; *p; p++)
			v = v * 10 + (*p - '0');
		store_bind_int(st, 1, v);
	} else
		store_bind_text(st, 1, ref);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, "group", "no work group '%s'", ref);
}

static void
bind_date(store_stmt *st, int i, sj_date d)
{
	if (d == TASK_DATE_NONE)
		store_bind_null(st, i);
	else
		store_bind_int(st, i, d);
}

static sj_date
col_date(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? TASK_DATE_NONE : (sj_date)store_col_int(st, i);
}

static const char *
col_str(store_stmt *st, arena *a, int i)
{
	return store_col_is_null(st, i) ? NULL : arena_strdup(a, store_col_text(st, i));
}

static void
fmt_date(sj_date d, char buf[DT_DATE_LEN])
{
	dt_date_format(d, buf);
}

bool
workplan_text_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* ---- the plan --------------------------------------------------------------- */

static sj_rc
plan_check(const plan_input *in, sj_err *e)
{
	sj_rc rc;

	if ((rc = check_required(in->title, "title", PLAN_TITLE_MAX, true, e)) != SJ_OK ||
	    (rc = check_required(in->goals, "goals", PLAN_TEXT_MAX, false, e)) != SJ_OK ||
	    (rc = workplan_check_text(in->mechanism, "mechanism", PLAN_TEXT_MAX, false, e)) != SJ_OK)
		return rc;
	if (in->starts_on == TASK_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "starts_on", "is required");
	if (in->ends_on != TASK_DATE_NONE && in->ends_on < in->starts_on) {
		char a[DT_DATE_LEN], b[DT_DATE_LEN];
		fmt_date(in->ends_on, a);
		fmt_date(in->starts_on, b);
		return sj_fail(e, SJ_EINVAL, "ends_on", "%s is before the start, %s", a, b);
	}
	return SJ_OK;
}

static void
plan_read(store_stmt *st, arena *a, work_plan *p)
{
	memset(p, 0, sizeof *p);
	p->id = store_col_int(st, 0);
	p->group_id = store_col_int(st, 1);
	p->group_name = arena_strdup(a, store_col_text(st, 2));
	p->title = arena_strdup(a, store_col_text(st, 3));
	p->goals = arena_strdup(a, store_col_text(st, 4));
	p->mechanism = col_str(st, a, 5);
	p->starts_on = (sj_date)store_col_int(st, 6);
	p->ends_on = col_date(st, 7);
	p->status = arena_strdup(a, store_col_text(st, 8));
	p->version = (int)store_col_int(st, 9);
	p->approved_version = store_col_is_null(st, 10) ? 0 : (int)store_col_int(st, 10);
	p->created_at = store_col_int(st, 11);
	p->updated_at = store_col_int(st, 12);
}

/* The plan of group_id in scope, without versions.  SJ_ENOTFOUND "plan"
 * when the group has none (the group itself is checked by the caller). */
static sj_rc
plan_load(store *s, const scope *sc, arena *a, int64_t group_id, const char *group_name,
    work_plan *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_PLAN_GET], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, group_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "plan", "work group %s has no work plan yet",
		    group_name);
	plan_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

static void
version_read(store_stmt *st, arena *a, plan_version *v)
{
	memset(v, 0, sizeof *v);
	v->version = (int)store_col_int(st, 0);
	v->title = arena_strdup(a, store_col_text(st, 1));
	v->goals = arena_strdup(a, store_col_text(st, 2));
	v->mechanism = col_str(st, a, 3);
	v->starts_on = (sj_date)store_col_int(st, 4);
	v->ends_on = col_date(st, 5);
	v->submitted_at = store_col_int(st, 6);
	v->submitted_by = arena_strdup(a, store_col_text(st, 7));
	v->submit_note = col_str(st, a, 8);
	v->decision = col_str(st, a, 9);
	v->decided_at = store_col_is_null(st, 10) ? 0 : store_col_int(st, 10);
	v->decided_by = col_str(st, a, 11);
	v->decided_by_display = arena_strdup(a, store_col_text(st, 12));
	v->decision_comment = col_str(st, a, 13);
	v->submitted_by_id = store_col_is_null(st, 14) ? 0 : store_col_int(st, 14);
}

static sj_rc
versions_load(store *s, arena *a, work_plan *p, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	p->versions = NULL;
	p->n_versions = 0;
	if ((rc = store_prepare(s, workplan_sql[Q_VERSION_LIST], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		p->versions = arena_grow(a, p->versions, &cap, p->n_versions, sizeof *p->versions);
		version_read(st, a, &p->versions[p->n_versions++]);
	}
	return rc;
}

sj_rc
plan_create(store *s, const scope *sc, int64_t group_id, const plan_input *in, int64_t *id,
    sj_err *e)
{
	const char *group_name;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = plan_check(in, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_PLAN_ADD], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, group_id);
	store_bind_text(st, 2, in->title);
	store_bind_text(st, 3, in->goals);
	store_bind_text(st, 4, in->mechanism);
	store_bind_int(st, 5, in->starts_on);
	bind_date(st, 6, in->ends_on);
	store_bind_int(st, 7, dt_now());
	workplan_bind_user(st, 8, sc);
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		rc = sj_fail(e, rc, "group", "work group %s already has a work plan; change it instead",
		    group_name);
out:
	arena_free(&a);
	return rc;
}

/* The first task of the group due before day start, as an error. */
static sj_rc
check_tasks_after(store *s, int64_t group_id, sj_date start, sj_err *e)
{
	char due[DT_DATE_LEN], from[DT_DATE_LEN];
	store_stmt *st;
	int64_t task_id;
	sj_date d;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_TASK_DUE_BEFORE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group_id);
	store_bind_int(st, 2, start);
	if ((rc = store_step(st, &row, e)) != SJ_OK || !row)
		return rc;
	task_id = store_col_int(st, 0);
	d = (sj_date)store_col_int(st, 1);
	store_reset(st);
	fmt_date(d, due);
	fmt_date(start, from);
	return sj_fail(e, SJ_EINVAL, "starts_on", "task %lld is due on %s, before %s; change the "
	    "task first", (long long)task_id, due, from);
}

/* Whether in says what plan p already holds. */
static bool
plan_same(const work_plan *p, const plan_input *in)
{
	return workplan_text_same(p->title, in->title) && workplan_text_same(p->goals, in->goals) &&
	    workplan_text_same(p->mechanism, in->mechanism) && p->starts_on == in->starts_on &&
	    p->ends_on == in->ends_on;
}

sj_rc
plan_update(store *s, const scope *sc, int64_t group_id, const plan_input *in, sj_err *e)
{
	const char *group_name;
	work_plan p;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = plan_load(s, sc, &a, group_id, group_name, &p, e)) != SJ_OK)
		goto out;
	if (strcmp(p.status, "submitted") == 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "status", "the plan is awaiting approval; it can be "
		    "changed once it is approved or returned");
		goto out;
	}
	if ((rc = plan_check(in, e)) != SJ_OK || plan_same(&p, in) ||
	    (rc = check_tasks_after(s, group_id, in->starts_on, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_PLAN_UPDATE], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, p.id);
	store_bind_text(st, 2, in->title);
	store_bind_text(st, 3, in->goals);
	store_bind_text(st, 4, in->mechanism);
	store_bind_int(st, 5, in->starts_on);
	bind_date(st, 6, in->ends_on);
	/* Changing an approved plan starts a revision. */
	store_bind_text(st, 7, strcmp(p.status, "approved") == 0 ? "draft" : p.status);
	store_bind_int(st, 8, dt_now());
	rc = store_run(st, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
plan_get(store *s, const scope *sc, arena *a, int64_t group_id, work_plan *out, sj_err *e)
{
	const char *group_name;
	sj_rc rc;

	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = plan_load(s, sc, a, group_id, group_name, out, e)) != SJ_OK)
		return rc;
	return versions_load(s, a, out, e);
}

/* Version `version` of plan plan_id into *out, without tasks. */
static sj_rc
version_load(store *s, arena *a, int64_t plan_id, int version, plan_version *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_VERSION_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, plan_id);
	store_bind_int(st, 2, version);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "version", "the plan has no version %d", version);
	version_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
plan_version_get(store *s, const scope *sc, arena *a, int64_t group_id, int version,
    plan_version *out, sj_err *e)
{
	const char *group_name;
	work_plan p;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = plan_load(s, sc, a, group_id, group_name, &p, e)) != SJ_OK ||
	    (rc = version_load(s, a, p.id, version, out, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_VERSION_TASKS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p.id);
	store_bind_int(st, 2, version);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		plan_version_task *t;
		out->tasks = arena_grow(a, out->tasks, &cap, out->n_tasks, sizeof *out->tasks);
		t = &out->tasks[out->n_tasks++];
		t->task_id = store_col_int(st, 0);
		t->task_line = arena_strdup(a, store_col_text(st, 1));
		t->title = arena_strdup(a, store_col_text(st, 2));
		t->owner_id = store_col_int(st, 3);
		t->owner_name = arena_strdup(a, store_col_text(st, 4));
		t->due_on = col_date(st, 5);
		t->status = arena_strdup(a, store_col_text(st, 6));
	}
	return rc;
}

/* Set the plan's status, version and approved version. */
static sj_rc
plan_state_set(store *s, const work_plan *p, const char *status, int version, int approved,
    sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_PLAN_STATE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p->id);
	store_bind_text(st, 2, status);
	store_bind_int(st, 3, version);
	if (approved > 0)
		store_bind_int(st, 4, approved);
	else
		store_bind_null(st, 4);
	store_bind_int(st, 5, dt_now());
	return store_run(st, e);
}

/* Check the instant of a submission or decision: 0 means now; never
 * more than PLAN_CLOCK_SKEW_S ahead, nor before not_before. */
static sj_rc
check_at(int64_t *at, int64_t not_before, const char *what, sj_err *e)
{
	int64_t now = dt_now();
	char t[DT_RFC3339_LEN];

	if (*at == 0)
		*at = now;
	if (*at > now + PLAN_CLOCK_SKEW_S)
		return sj_fail(e, SJ_EINVAL, "at", "is in the future");
	if (*at < not_before) {
		dt_format_rfc3339(not_before, t);
		return sj_fail(e, SJ_EINVAL, "at", "is before %s (%s)", what, t);
	}
	return SJ_OK;
}

static sj_rc
submit_write(store *s, const scope *sc, const work_plan *p, int version, const char *note,
    int64_t at, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_VERSION_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p->id);
	store_bind_int(st, 2, version);
	store_bind_text(st, 3, p->title);
	store_bind_text(st, 4, p->goals);
	store_bind_text(st, 5, p->mechanism);
	store_bind_int(st, 6, p->starts_on);
	bind_date(st, 7, p->ends_on);
	store_bind_int(st, 8, at);
	workplan_bind_user(st, 9, sc);
	store_bind_text(st, 10, note);
	if ((rc = store_run(st, e)) != SJ_OK ||
	    (rc = plan_state_set(s, p, "submitted", version, p->approved_version, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_VERSION_TASKS_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p->id);
	return store_run(st, e);
}

sj_rc
plan_submit(store *s, const scope *sc, int64_t group_id, const char *note, int64_t at,
    int *version, sj_err *e)
{
	const char *group_name;
	int64_t not_before = 0;
	work_plan p;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK)
		goto out;
	if (sc->role == ROLE_MEMBER) {
		rc = sj_fail(e, SJ_EFORBIDDEN, NULL, "only the group's leader submits its work plan");
		goto out;
	}
	if ((rc = plan_load(s, sc, &a, group_id, group_name, &p, e)) != SJ_OK ||
	    (rc = versions_load(s, &a, &p, e)) != SJ_OK)
		goto out;
	if (strcmp(p.status, "submitted") == 0 || strcmp(p.status, "approved") == 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "status", p.status[0] == 's'
		    ? "the plan is already awaiting approval"
		    : "the plan is approved and unchanged; change it to submit a revision");
		goto out;
	}
	if (p.n_versions > 0)
		not_before = p.versions[p.n_versions - 1].decided_at;
	if ((rc = workplan_check_text(note, "note", PLAN_COMMENT_MAX, false, e)) != SJ_OK ||
	    (rc = check_at(&at, not_before, "the decision on the last version", e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = submit_write(s, sc, &p, p.version + 1, note, at, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s, e)) == SJ_OK && version)
		*version = p.version + 1;
out:
	arena_free(&a);
	return rc;
}

/* The superior rule of workplan.h "Who", for the version being decided. */
static sj_rc
check_approver(const scope *sc, const work_plan *p, const plan_version *v, sj_err *e)
{
	if ((sc->role == ROLE_LEADER || sc->role == ROLE_MEMBER) && sc->group_id == p->group_id)
		return sj_fail(e, SJ_EFORBIDDEN, "approver", "a work plan cannot be approved by a "
		    "leader or member of its own work group; the organ that dispatched the group "
		    "approves it");
	if (sc->user_id <= 0)
		return sj_fail(e, SJ_EFORBIDDEN, "approver", "a plan is approved in a named user's "
		    "name; give the approving user");
	if (v->submitted_by_id > 0 && v->submitted_by_id == sc->user_id)
		return sj_fail(e, SJ_EFORBIDDEN, "approver", "the user who submitted this version "
		    "cannot approve it");
	if (!auth_role_may(sc->role, PERM_PLAN_APPROVE))
		return sj_fail(e, SJ_EFORBIDDEN, "approver", "approving work plans needs the "
		    "plan.approve permission (the organ's administrator)");
	return SJ_OK;
}

static sj_rc
decide_write(store *s, const scope *sc, const work_plan *p, bool approve, const char *comment,
    int64_t at, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_VERSION_DECIDE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p->id);
	store_bind_int(st, 2, p->version);
	store_bind_text(st, 3, approve ? "approved" : "returned");
	store_bind_int(st, 4, at);
	workplan_bind_user(st, 5, sc);
	store_bind_text(st, 6, comment);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	if (store_changes(s) != 1)
		return sj_fail(e, SJ_ECONFLICT, "status", "version %d was decided meanwhile",
		    p->version);
	return plan_state_set(s, p, approve ? "approved" : "returned", p->version,
	    approve ? p->version : p->approved_version, e);
}

sj_rc
plan_decide(store *s, const scope *sc, int64_t group_id, bool approve, const char *comment,
    int64_t at, sj_err *e)
{
	const char *group_name;
	plan_version v;
	work_plan p;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = plan_load(s, sc, &a, group_id, group_name, &p, e)) != SJ_OK)
		goto out;
	if (strcmp(p.status, "submitted") != 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "status", "the plan is not awaiting approval (it is %s)",
		    p.status);
		goto out;
	}
	if ((rc = version_load(s, &a, p.id, p.version, &v, e)) != SJ_OK ||
	    (rc = check_approver(sc, &p, &v, e)) != SJ_OK)
		goto out;
	if (!approve && comment == NULL) {
		rc = sj_fail(e, SJ_EINVAL, "comment", "is required to send a plan back: say what to "
		    "change");
		goto out;
	}
	if ((rc = workplan_check_text(comment, "comment", PLAN_COMMENT_MAX, false, e)) != SJ_OK ||
	    (rc = check_at(&at, v.submitted_at, "the submission", e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = decide_write(s, sc, &p, approve, comment, at, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- reporting in ------------------------------------------------------------ */

sj_rc
reporting_list(store *s, const scope *sc, arena *a, int64_t group_id, sj_date as_of,
    int gap_days, reporting *out, sj_err *e)
{
	const char *group_name;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (as_of == TASK_DATE_NONE)
		as_of = task_today();
	if (gap_days < 1 || gap_days > 365)
		return sj_fail(e, SJ_EINVAL, "gap_days", "must be 1 to 365 days");
	out->group_id = group_id;
	out->as_of = as_of;
	out->gap_days = gap_days;
	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_REPORTING_LIST], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, as_of);
	store_bind_int(st, 4, group_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		reporting_unit *u;
		out->units = arena_grow(a, out->units, &cap, out->n_units, sizeof *out->units);
		u = &out->units[out->n_units++];
		u->unit_id = store_col_int(st, 0);
		u->unit_name = arena_strdup(a, store_col_text(st, 1));
		u->unit_kind = arena_strdup(a, store_col_text(st, 2));
		u->reported_on = col_date(st, 3);
		u->contact = col_str(st, a, 4);
		u->last_visit_on = col_date(st, 5);
		u->days_since_visit = u->last_visit_on == TASK_DATE_NONE ? -1
		    : (int)(as_of - u->last_visit_on);
		/* Reported in after the day asked about: not yet, on that day. */
		u->not_reported = u->reported_on == TASK_DATE_NONE || u->reported_on > as_of;
		u->visit_due = u->days_since_visit < 0 || u->days_since_visit >= gap_days;
		if (u->not_reported)
			out->n_not_reported++;
		else
			out->n_reported++;
		out->n_visit_due += u->visit_due;
	}
	return rc;
}

sj_rc
reporting_record(store *s, const scope *sc, int64_t group_id, int64_t unit_id,
    sj_date reported_on, const char *contact, sj_err *e)
{
	const char *group_name;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK)
		goto out;
	if ((rc = workplan_unit_check(s, group_id, group_name, unit_id, "unit_id", e)) != SJ_OK) {
		rc = sj_fail(e, SJ_ENOTFOUND, "unit_id", "unit %lld is not assigned to work group %s",
		    (long long)unit_id, group_name);
		goto out;
	}
	if (reported_on != TASK_DATE_NONE && reported_on > task_today()) {
		rc = sj_fail(e, SJ_EINVAL, "reported_on", "is after today");
		goto out;
	}
	if ((rc = workplan_check_text(contact, "contact", REPORT_CONTACT_MAX, true, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_REPORTING_SET], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, group_id);
	store_bind_int(st, 2, unit_id);
	bind_date(st, 3, reported_on);
	store_bind_text(st, 4, contact);
	rc = store_run(st, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- the group's record -------------------------------------------------------- */

static sj_rc
overview_group(store *s, const scope *sc, arena *a, int64_t group_id, workplan_overview *out,
    sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_OV_GROUP], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, group_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "group", "no work group with id %lld",
		    (long long)group_id);
	out->group_name = arena_strdup(a, store_col_text(st, 0));
	out->organ = arena_strdup(a, store_col_text(st, 1));
	out->set_up_on = col_date(st, 2);
	store_reset(st);
	return SJ_OK;
}

static int
status_index(const char *status)
{
	for (int i = 0; task_statuses[i]; i++)
		if (strcmp(task_statuses[i], status) == 0)
			return i;
	return -1;
}

/* Task counts by line and status, and how many are overdue on as_of. */
static sj_rc
overview_tasks(store *s, arena *a, workplan_overview *out, sj_err *e)
{
	calendar cal;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_OV_TASKS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, out->group_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		int l = task_line_index(store_col_text(st, 0));
		int k = status_index(store_col_text(st, 1));
		if (l >= 0 && k >= 0 && k < TASK_STATUS_COUNT)
			out->tasks[l][k] = store_col_int(st, 2);
		out->n_tasks += store_col_int(st, 2);
	}
	if (rc != SJ_OK || (rc = calendar_read(s, a, &cal, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_OV_DUE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, out->group_id);
	store_bind_int(st, 2, out->as_of);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		out->n_overdue += task_is_overdue(&cal, store_col_text(st, 0),
		    (sj_date)store_col_int(st, 1), out->as_of);
	return rc;
}

static sj_rc
overview_counts(store *s, workplan_overview *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, workplan_sql[Q_OV_LINKS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, out->group_id);
	if ((rc = store_query_int(st, &out->n_links, NULL, e)) != SJ_OK ||
	    (rc = store_prepare(s, workplan_sql[Q_OV_MEETINGS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, out->group_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK || !row)
		return rc;
	out->n_meetings = store_col_int(st, 0);
	out->last_meeting_on = col_date(st, 1);
	store_reset(st);
	return SJ_OK;
}

sj_rc
workplan_overview_get(store *s, const scope *sc, arena *a, int64_t group_id, sj_date as_of,
    int gap_days, workplan_overview *out, sj_err *e)
{
	sj_err ignored = {0};
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->group_id = group_id;
	out->as_of = as_of == TASK_DATE_NONE ? task_today() : as_of;
	out->last_meeting_on = TASK_DATE_NONE;
	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = overview_group(s, sc, a, group_id, out, e)) != SJ_OK ||
	    (rc = reporting_list(s, sc, a, group_id, out->as_of, gap_days, &out->reporting,
	    e)) != SJ_OK)
		return rc;
	/* A group without a plan or branch is a normal state, not an error. */
	rc = plan_get(s, sc, a, group_id, &out->plan, &ignored);
	if (rc != SJ_OK && rc != SJ_ENOTFOUND)
		return sj_fail(e, rc, ignored.field, "%s", ignored.msg);
	out->has_plan = rc == SJ_OK;
	sj_err_clear(&ignored);
	rc = branch_get(s, sc, a, group_id, &out->branch, &ignored);
	if (rc != SJ_OK && rc != SJ_ENOTFOUND)
		return sj_fail(e, rc, ignored.field, "%s", ignored.msg);
	out->has_branch = rc == SJ_OK;
	if ((rc = overview_tasks(s, a, out, e)) != SJ_OK)
		return rc;
	return overview_counts(s, out, e);
}
