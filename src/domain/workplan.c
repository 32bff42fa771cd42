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
	if ((rc = plan_check(in, e)) != SJ_OK ||
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

/* ---- demo ------------------------------------------------------------------------ */

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
