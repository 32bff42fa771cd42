/*
 * meeting — meetings, attendees, decisions (and the tasks they create),
 * and the party branch.
 *
 * Invariants kept here beyond those of meeting.h:
 * - A meeting is written whole — row, attendees, decisions and their
 *   tasks — in one transaction, or not at all; decisions are numbered
 *   1, 2, ... per meeting in the order given.
 * - The branch's secretary is always one of its branch_member rows.
 */
#include "domain/meeting.h"

#include <stdio.h>
#include <string.h>

#include "domain/workplan.h"

const char *const meeting_kinds[] = { "all_hands", "branch", "coordination", NULL };
const char *const decision_kinds[] = {
	"goal", "task", "mechanism", "division", "plan", "other", NULL,
};

enum {
	Q_MEETING_ADD, Q_MEETING_GET, Q_MEETING_LIST,
	Q_ATTENDEE_ADD, Q_ATTENDEES_OF,
	Q_DECISION_ADD, Q_DECISION_NEXT, Q_DECISIONS_OF, Q_DECISION_TASKS, Q_DECISION_GET,
	Q_BRANCH_COUNT, Q_DEPARTMENT,
	Q_BRANCH_GET, Q_BRANCH_ADD, Q_BRANCH_UPDATE, Q_BRANCH_ID, Q_BRANCH_CLEAR,
	Q_BRANCH_MEMBER_ADD, Q_BRANCH_MEMBERS,
};

#define MEETING_COLS \
	"mt.id, mt.group_id, mt.kind, mt.held_on, mt.title, mt.place, mt.agenda, mt.summary," \
	" mt.unit_id, un.name, mt.department_id, dp.name, mt.created_at" \
	" FROM meeting mt LEFT JOIN unit un ON un.id = mt.unit_id" \
	" LEFT JOIN department dp ON dp.id = mt.department_id"

static const char *const meeting_sql[] = {
	[Q_MEETING_ADD] =
	"INSERT INTO meeting (group_id, kind, held_on, title, place, agenda, summary, unit_id,"
	" department_id, created_at, created_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	[Q_MEETING_GET] =
	"SELECT " MEETING_COLS " WHERE mt.id = ?3 AND " WP_SCOPE_GROUP("mt.group_id"),
	[Q_MEETING_LIST] =
	"SELECT " MEETING_COLS " WHERE mt.group_id = ?3 AND " WP_SCOPE_GROUP("mt.group_id")
	" AND (mt.kind = ?4 OR ?4 IS NULL) ORDER BY mt.held_on DESC, mt.id DESC LIMIT 500",
	[Q_ATTENDEE_ADD] =
	"INSERT INTO meeting_attendee (meeting_id, member_id, guest_name, affiliation)"
	" VALUES (?1, ?2, ?3, ?4)",
	[Q_ATTENDEES_OF] =
	"SELECT a.id, a.member_id, coalesce(m.name, a.guest_name), a.affiliation"
	" FROM meeting_attendee a LEFT JOIN group_member m ON m.id = a.member_id"
	" WHERE a.meeting_id = ?1 ORDER BY a.id",
	[Q_DECISION_ADD] =
	"INSERT INTO meeting_decision (meeting_id, position, kind, body, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_DECISION_NEXT] =
	"SELECT coalesce(max(position), 0) + 1 FROM meeting_decision WHERE meeting_id = ?1",
	[Q_DECISIONS_OF] =
	"SELECT id, meeting_id, position, kind, body FROM meeting_decision WHERE meeting_id = ?1"
	" ORDER BY position",
	[Q_DECISION_TASKS] = "SELECT id FROM task WHERE decision_id = ?1 ORDER BY id",
	[Q_DECISION_GET] =
	"SELECT d.meeting_id, mt.group_id FROM meeting_decision d"
	" JOIN meeting mt ON mt.id = d.meeting_id"
	" WHERE d.id = ?3 AND " WP_SCOPE_GROUP("mt.group_id"),
	[Q_BRANCH_COUNT] = "SELECT count(*) FROM party_branch WHERE group_id = ?1",
	[Q_DEPARTMENT] = "SELECT count(*) FROM department WHERE id = ?1",
	[Q_BRANCH_GET] =
	"SELECT b.id, b.group_id, b.name, b.founded_on, b.secretary_id, m.name, b.created_at,"
	" b.updated_at FROM party_branch b JOIN group_member m ON m.id = b.secretary_id"
	" WHERE b.group_id = ?3 AND " WP_SCOPE_GROUP("b.group_id"),
	[Q_BRANCH_ADD] =
	"INSERT INTO party_branch (group_id, name, founded_on, secretary_id, created_at,"
	" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
	[Q_BRANCH_UPDATE] =
	"UPDATE party_branch SET name = ?2, founded_on = ?3, secretary_id = ?4, updated_at = ?5"
	" WHERE id = ?1",
	[Q_BRANCH_ID] = "SELECT id FROM party_branch WHERE group_id = ?1",
	[Q_BRANCH_CLEAR] = "DELETE FROM branch_member WHERE branch_id = ?1",
	[Q_BRANCH_MEMBER_ADD] = "INSERT INTO branch_member (branch_id, member_id) VALUES (?1, ?2)",
	[Q_BRANCH_MEMBERS] =
	"SELECT bm.member_id, m.name, m.title FROM branch_member bm"
	" JOIN group_member m ON m.id = bm.member_id JOIN party_branch b ON b.id = bm.branch_id"
	" WHERE bm.branch_id = ?1 ORDER BY CASE WHEN bm.member_id = b.secretary_id THEN 0 ELSE 1 END,"
	" bm.member_id",
};

/* ---- helpers ---------------------------------------------------------------- */

static bool
in_list(const char *v, const char *const *list)
{
	for (; v && *list; list++)
		if (strcmp(*list, v) == 0)
			return true;
	return false;
}

static sj_rc
check_enum(const char *v, const char *const *list, const char *field, sj_err *e)
{
	char allowed[160] = "";

	if (v == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if (in_list(v, list))
		return SJ_OK;
	for (const char *const *p = list; *p; p++)
		snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
		    p == list ? "" : ", ", *p);
	return sj_fail(e, SJ_EINVAL, field, "'%.40s' is not one of %s", v, allowed);
}

static sj_rc
check_required(const char *s, const char *field, size_t max, bool single_line, sj_err *e)
{
	if (s == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	return workplan_check_text(s, field, max, single_line, e);
}

/* Put prefix in front of e's field ("tasks[1]." + "owner_id"). */
static sj_rc
prefix_field(sj_err *e, const char *prefix)
{
	char f[sizeof e->field + 64];
	int n;

	if (e == NULL)
		return SJ_EINTERNAL;
	n = snprintf(f, sizeof f, "%s%s", prefix, e->field);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof e->field)
		n = (int)sizeof e->field - 1;
	memcpy(e->field, f, (size_t)n);
	e->field[n] = '\0';
	return e->rc;
}

static const char *
col_str(store_stmt *st, arena *a, int i)
{
	return store_col_is_null(st, i) ? NULL : arena_strdup(a, store_col_text(st, i));
}

static sj_rc
count_of(store *s, int q, int64_t v, int64_t *n, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, v);
	return store_query_int(st, n, NULL, e);
}

/* ---- checks ------------------------------------------------------------------ */

static sj_rc
check_attendees(store *s, arena *a, int64_t group_id, const char *group_name,
    const meeting_input *in, sj_err *e)
{
	char f[64];
	sj_rc rc;

	if (in->n_attendees > MEETING_ATTENDEES_MAX)
		return sj_fail(e, SJ_EINVAL, "attendees", "has %zu attendees; at most %d",
		    in->n_attendees, MEETING_ATTENDEES_MAX);
	for (size_t i = 0; i < in->n_attendees; i++) {
		const attendee_input *at = &in->attendees[i];
		if (at->member_id > 0) {
			snprintf(f, sizeof f, "attendees[%zu].member_id", i);
			for (size_t j = 0; j < i; j++)
				if (in->attendees[j].member_id == at->member_id)
					return sj_fail(e, SJ_EINVAL, f, "member %lld is listed twice",
					    (long long)at->member_id);
			if ((rc = workplan_member_check(s, a, group_id, group_name, at->member_id, f,
			    NULL, e)) != SJ_OK)
				return rc;
			snprintf(f, sizeof f, "attendees[%zu].name", i);
			if (at->name || at->affiliation)
				return sj_fail(e, SJ_EINVAL, f, "give a member id or a guest's name and "
				    "affiliation, not both");
			continue;
		}
		snprintf(f, sizeof f, "attendees[%zu].name", i);
		if ((rc = check_required(at->name, f, 100, true, e)) != SJ_OK)
			return rc;
		snprintf(f, sizeof f, "attendees[%zu].affiliation", i);
		if ((rc = workplan_check_text(at->affiliation, f, 100, true, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
check_decision(const decision_input *d, const char *prefix, sj_err *e)
{
	char f[64];
	sj_rc rc;

	snprintf(f, sizeof f, "%skind", prefix);
	if ((rc = check_enum(d->kind, decision_kinds, f, e)) != SJ_OK)
		return rc;
	snprintf(f, sizeof f, "%sbody", prefix);
	if ((rc = check_required(d->body, f, DECISION_TEXT_MAX, false, e)) != SJ_OK)
		return rc;
	snprintf(f, sizeof f, "%stasks", prefix);
	if (d->n_tasks > DECISION_TASKS_MAX)
		return sj_fail(e, SJ_EINVAL, f, "has %zu tasks; at most %d", d->n_tasks,
		    DECISION_TASKS_MAX);
	return SJ_OK;
}

/* The coordination partner: a unit of the group and/or a department. */
static sj_rc
check_partner(store *s, int64_t group_id, const char *group_name, const meeting_input *in,
    sj_err *e)
{
	bool coordination = strcmp(in->kind, "coordination") == 0;
	int64_t n = 0;
	sj_rc rc;

	if (!coordination && (in->unit_id > 0 || in->department_id > 0))
		return sj_fail(e, SJ_EINVAL, in->unit_id > 0 ? "unit_id" : "department_id",
		    "only a coordination meeting names a unit or department");
	if (coordination && in->unit_id <= 0 && in->department_id <= 0)
		return sj_fail(e, SJ_EINVAL, "unit_id", "a coordination meeting names the unit or "
		    "department it is held with (unit_id, department_id)");
	if (in->unit_id > 0 &&
	    (rc = workplan_unit_check(s, group_id, group_name, in->unit_id, "unit_id", e)) != SJ_OK)
		return rc;
	if (in->department_id > 0) {
		if ((rc = count_of(s, Q_DEPARTMENT, in->department_id, &n, e)) != SJ_OK)
			return rc;
		if (n == 0)
			return sj_fail(e, SJ_ENOTFOUND, "department_id", "no department with id %lld",
			    (long long)in->department_id);
	}
	return SJ_OK;
}

static sj_rc
meeting_check(store *s, arena *a, int64_t group_id, const char *group_name,
    const meeting_input *in, sj_err *e)
{
	char prefix[48];
	int64_t n = 0;
	sj_rc rc;

	if ((rc = check_enum(in->kind, meeting_kinds, "kind", e)) != SJ_OK)
		return rc;
	if (in->held_on == TASK_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "held_on", "is required");
	if (in->held_on > task_today())
		return sj_fail(e, SJ_EINVAL, "held_on", "is after today: record a meeting once held");
	if ((rc = check_required(in->title, "title", MEETING_TITLE_MAX, true, e)) != SJ_OK ||
	    (rc = workplan_check_text(in->place, "place", MEETING_TITLE_MAX, true, e)) != SJ_OK ||
	    (rc = workplan_check_text(in->agenda, "agenda", MEETING_TEXT_MAX, false, e)) != SJ_OK ||
	    (rc = workplan_check_text(in->summary, "summary", MEETING_TEXT_MAX, false, e)) != SJ_OK ||
	    (rc = check_partner(s, group_id, group_name, in, e)) != SJ_OK ||
	    (rc = check_attendees(s, a, group_id, group_name, in, e)) != SJ_OK)
		return rc;
	if (in->n_decisions > MEETING_DECISIONS_MAX)
		return sj_fail(e, SJ_EINVAL, "decisions", "has %zu decisions; at most %d",
		    in->n_decisions, MEETING_DECISIONS_MAX);
	for (size_t i = 0; i < in->n_decisions; i++) {
		snprintf(prefix, sizeof prefix, "decisions[%zu].", i);
		if ((rc = check_decision(&in->decisions[i], prefix, e)) != SJ_OK)
			return rc;
	}
	if (strcmp(in->kind, "branch") != 0)
		return SJ_OK;
	if ((rc = count_of(s, Q_BRANCH_COUNT, group_id, &n, e)) != SJ_OK)
		return rc;
	return n > 0 ? SJ_OK : sj_fail(e, SJ_ECONFLICT, "kind", "work group %s has no party "
	    "branch; record it first", group_name);
}

/* ---- writes ------------------------------------------------------------------ */

/* Create the decision's tasks; errors name "<prefix>tasks[j].<field>". */
static sj_rc
tasks_write(store *s, const scope *sc, int64_t group_id, int64_t decision_id,
    const task_input *tasks, size_t n, const char *prefix, int64_t *ids, sj_err *e)
{
	char p[112];
	int64_t id;
	sj_rc rc;

	for (size_t j = 0; j < n; j++) {
		if ((rc = task_add(s, sc, group_id, &tasks[j], decision_id, &id, e)) != SJ_OK) {
			snprintf(p, sizeof p, "%stasks[%zu].", prefix, j);
			return prefix_field(e, p);
		}
		if (ids)
			ids[j] = id;
	}
	return SJ_OK;
}

static sj_rc
decision_write(store *s, const scope *sc, int64_t group_id, int64_t meeting_id, int position,
    const decision_input *d, const char *prefix, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[Q_DECISION_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, meeting_id);
	store_bind_int(st, 2, position);
	store_bind_text(st, 3, d->kind);
	store_bind_text(st, 4, d->body);
	store_bind_int(st, 5, dt_now());
	if ((rc = store_insert_id(st, id, e)) != SJ_OK)
		return rc;
	return tasks_write(s, sc, group_id, *id, d->tasks, d->n_tasks, prefix, NULL, e);
}

static sj_rc
attendees_write(store *s, int64_t meeting_id, const meeting_input *in, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	for (size_t i = 0; i < in->n_attendees; i++) {
		const attendee_input *at = &in->attendees[i];
		if ((rc = store_prepare(s, meeting_sql[Q_ATTENDEE_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, meeting_id);
		if (at->member_id > 0)
			store_bind_int(st, 2, at->member_id);
		else
			store_bind_null(st, 2);
		store_bind_text(st, 3, at->member_id > 0 ? NULL : at->name);
		store_bind_text(st, 4, at->member_id > 0 ? NULL : at->affiliation);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
meeting_write(store *s, const scope *sc, int64_t group_id, const meeting_input *in,
    int64_t *id, sj_err *e)
{
	char prefix[48];
	store_stmt *st;
	int64_t did;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[Q_MEETING_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group_id);
	store_bind_text(st, 2, in->kind);
	store_bind_int(st, 3, in->held_on);
	store_bind_text(st, 4, in->title);
	store_bind_text(st, 5, in->place);
	store_bind_text(st, 6, in->agenda);
	store_bind_text(st, 7, in->summary);
	if (in->unit_id > 0)
		store_bind_int(st, 8, in->unit_id);
	else
		store_bind_null(st, 8);
	if (in->department_id > 0)
		store_bind_int(st, 9, in->department_id);
	else
		store_bind_null(st, 9);
	store_bind_int(st, 10, dt_now());
	workplan_bind_user(st, 11, sc);
	if ((rc = store_insert_id(st, id, e)) != SJ_OK ||
	    (rc = attendees_write(s, *id, in, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < in->n_decisions; i++) {
		snprintf(prefix, sizeof prefix, "decisions[%zu].", i);
		if ((rc = decision_write(s, sc, group_id, *id, (int)i + 1, &in->decisions[i], prefix,
		    &did, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
meeting_add(store *s, const scope *sc, int64_t group_id, const meeting_input *in, int64_t *id,
    sj_err *e)
{
	const char *group_name;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = meeting_check(s, &a, group_id, group_name, in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = meeting_write(s, sc, group_id, in, id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- reads ------------------------------------------------------------------- */

static void
meeting_read(store_stmt *st, arena *a, meeting *m)
{
	memset(m, 0, sizeof *m);
	m->id = store_col_int(st, 0);
	m->group_id = store_col_int(st, 1);
	m->kind = arena_strdup(a, store_col_text(st, 2));
	m->held_on = (sj_date)store_col_int(st, 3);
	m->title = arena_strdup(a, store_col_text(st, 4));
	m->place = col_str(st, a, 5);
	m->agenda = col_str(st, a, 6);
	m->summary = col_str(st, a, 7);
	m->unit_id = store_col_is_null(st, 8) ? 0 : store_col_int(st, 8);
	m->unit_name = col_str(st, a, 9);
	m->department_id = store_col_is_null(st, 10) ? 0 : store_col_int(st, 10);
	m->department_name = col_str(st, a, 11);
	m->created_at = store_col_int(st, 12);
}

static sj_rc
attendees_load(store *s, arena *a, meeting *m, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[Q_ATTENDEES_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, m->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		meeting_attendee *at;
		m->attendees = arena_grow(a, m->attendees, &cap, m->n_attendees, sizeof *m->attendees);
		at = &m->attendees[m->n_attendees++];
		at->id = store_col_int(st, 0);
		at->member_id = store_col_is_null(st, 1) ? 0 : store_col_int(st, 1);
		at->name = arena_strdup(a, store_col_text(st, 2));
		at->affiliation = col_str(st, a, 3);
	}
	return rc;
}

static sj_rc
decision_tasks_load(store *s, arena *a, meeting_decision *d, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[Q_DECISION_TASKS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, d->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		d->task_ids = arena_grow(a, d->task_ids, &cap, d->n_task_ids, sizeof *d->task_ids);
		d->task_ids[d->n_task_ids++] = store_col_int(st, 0);
	}
	return rc;
}

static sj_rc
decisions_load(store *s, arena *a, meeting *m, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[Q_DECISIONS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, m->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		meeting_decision *d;
		m->decisions = arena_grow(a, m->decisions, &cap, m->n_decisions, sizeof *m->decisions);
		d = &m->decisions[m->n_decisions++];
		memset(d, 0, sizeof *d);
		d->id = store_col_int(st, 0);
		d->meeting_id = store_col_int(st, 1);
		d->position = (int)store_col_int(st, 2);
		d->kind = arena_strdup(a, store_col_text(st, 3));
		d->body = arena_strdup(a, store_col_text(st, 4));
	}
	for (size_t i = 0; rc == SJ_OK && i < m->n_decisions; i++)
		rc = decision_tasks_load(s, a, &m->decisions[i], e);
	return rc;
}

sj_rc
meeting_get(store *s, const scope *sc, arena *a, int64_t id, meeting *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = store_prepare(s, meeting_sql[Q_MEETING_GET], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "meeting", "no meeting with id %lld", (long long)id);
	meeting_read(st, a, out);
	store_reset(st);
	if ((rc = attendees_load(s, a, out, e)) != SJ_OK)
		return rc;
	return decisions_load(s, a, out, e);
}

sj_rc
meeting_list(store *s, const scope *sc, arena *a, int64_t group_id, const char *kind,
    meeting **out, size_t *n, sj_err *e)
{
	const char *group_name;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, a, group_id, &group_name, e)) != SJ_OK ||
	    (kind && (rc = check_enum(kind, meeting_kinds, "kind", e)) != SJ_OK) ||
	    (rc = store_prepare(s, meeting_sql[Q_MEETING_LIST], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, group_id);
	store_bind_text(st, 4, kind);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		meeting_read(st, a, &(*out)[(*n)++]);
	}
	for (size_t i = 0; rc == SJ_OK && i < *n; i++)
		if ((rc = attendees_load(s, a, &(*out)[i], e)) == SJ_OK)
			rc = decisions_load(s, a, &(*out)[i], e);
	return rc;
}

static sj_rc
decision_next(store *s, int64_t meeting_id, int *position, sj_err *e)
{
	int64_t v = 1;
	sj_rc rc = count_of(s, Q_DECISION_NEXT, meeting_id, &v, e);

	*position = (int)v;
	return rc;
}

sj_rc
meeting_decision_add(store *s, const scope *sc, int64_t meeting_id, const decision_input *in,
    int64_t *decision_id, sj_err *e)
{
	meeting m;
	int position;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = meeting_get(s, sc, &a, meeting_id, &m, e)) != SJ_OK ||
	    (rc = check_decision(in, "", e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = decision_next(s, meeting_id, &position, e)) != SJ_OK ||
	    (rc = decision_write(s, sc, m.group_id, meeting_id, position, in, "", decision_id,
	    e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
decision_tasks_add(store *s, const scope *sc, int64_t decision_id, const task_input *tasks,
    size_t n, int64_t *task_ids, sj_err *e)
{
	store_stmt *st;
	int64_t group_id;
	bool row;
	sj_rc rc;

	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = store_prepare(s, meeting_sql[Q_DECISION_GET], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, decision_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "decision", "no decision with id %lld",
		    (long long)decision_id);
	group_id = store_col_int(st, 1);
	store_reset(st);
	if (n == 0 || n > DECISION_TASKS_MAX)
		return sj_fail(e, SJ_EINVAL, "tasks", "give 1 to %d tasks", DECISION_TASKS_MAX);
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = tasks_write(s, sc, group_id, decision_id, tasks, n, "", task_ids, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- the party branch ------------------------------------------------------------ */

static sj_rc
branch_check(store *s, arena *a, int64_t group_id, const char *group_name,
    const branch_input *in, sj_err *e)
{
	char f[48];
	sj_rc rc;

	if ((rc = check_required(in->name, "name", 200, true, e)) != SJ_OK)
		return rc;
	if (in->founded_on == TASK_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "founded_on", "is required");
	if (in->founded_on > task_today())
		return sj_fail(e, SJ_EINVAL, "founded_on", "is after today");
	if ((rc = workplan_member_check(s, a, group_id, group_name, in->secretary_id,
	    "secretary_id", NULL, e)) != SJ_OK)
		return rc;
	if (in->n_member_ids > BRANCH_MEMBERS_MAX)
		return sj_fail(e, SJ_EINVAL, "member_ids", "has %zu members; at most %d",
		    in->n_member_ids, BRANCH_MEMBERS_MAX);
	for (size_t i = 0; i < in->n_member_ids; i++) {
		snprintf(f, sizeof f, "member_ids[%zu]", i);
		for (size_t j = 0; j < i; j++)
			if (in->member_ids[j] == in->member_ids[i])
				return sj_fail(e, SJ_EINVAL, f, "member %lld is listed twice",
				    (long long)in->member_ids[i]);
		if ((rc = workplan_member_check(s, a, group_id, group_name, in->member_ids[i], f,
		    NULL, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
branch_member_write(store *s, int64_t branch_id, int64_t member_id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[Q_BRANCH_MEMBER_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, branch_id);
	store_bind_int(st, 2, member_id);
	return store_run(st, e);
}

static sj_rc
branch_write(store *s, int64_t group_id, int64_t branch_id, const branch_input *in,
    bool *created, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, meeting_sql[branch_id ? Q_BRANCH_UPDATE : Q_BRANCH_ADD], &st,
	    e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, branch_id ? branch_id : group_id);
	store_bind_text(st, 2, in->name);
	store_bind_int(st, 3, in->founded_on);
	store_bind_int(st, 4, in->secretary_id);
	store_bind_int(st, 5, dt_now());
	if (branch_id == 0) {
		if ((rc = store_insert_id(st, &branch_id, e)) != SJ_OK)
			return rc;
		*created = true;
	} else {
		if ((rc = store_run(st, e)) != SJ_OK ||
		    (rc = store_prepare(s, meeting_sql[Q_BRANCH_CLEAR], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, branch_id);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	if ((rc = branch_member_write(s, branch_id, in->secretary_id, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < in->n_member_ids; i++)
		if (in->member_ids[i] != in->secretary_id &&
		    (rc = branch_member_write(s, branch_id, in->member_ids[i], e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

sj_rc
branch_set(store *s, const scope *sc, int64_t group_id, const branch_input *in, bool *created,
    sj_err *e)
{
	const char *group_name;
	int64_t branch_id = 0;
	bool made = false;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = branch_check(s, &a, group_id, group_name, in, e)) != SJ_OK ||
	    (rc = store_prepare(s, meeting_sql[Q_BRANCH_ID], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, group_id);
	if ((rc = store_query_int(st, &branch_id, NULL, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = branch_write(s, group_id, branch_id, in, &made, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	if ((rc = store_commit(s, e)) == SJ_OK && created)
		*created = made;
out:
	arena_free(&a);
	return rc;
}

sj_rc
branch_get(store *s, const scope *sc, arena *a, int64_t group_id, party_branch *out, sj_err *e)
{
	const char *group_name;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = store_prepare(s, meeting_sql[Q_BRANCH_GET], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, group_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "branch", "work group %s has no party branch",
		    group_name);
	out->id = store_col_int(st, 0);
	out->group_id = store_col_int(st, 1);
	out->name = arena_strdup(a, store_col_text(st, 2));
	out->founded_on = (sj_date)store_col_int(st, 3);
	out->secretary_id = store_col_int(st, 4);
	out->secretary_name = arena_strdup(a, store_col_text(st, 5));
	out->created_at = store_col_int(st, 6);
	out->updated_at = store_col_int(st, 7);
	store_reset(st);
	if ((rc = store_prepare(s, meeting_sql[Q_BRANCH_MEMBERS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, out->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		branch_member *m;
		out->members = arena_grow(a, out->members, &cap, out->n_members, sizeof *out->members);
		m = &out->members[out->n_members++];
		m->member_id = store_col_int(st, 0);
		m->name = arena_strdup(a, store_col_text(st, 1));
		m->title = arena_strdup(a, store_col_text(st, 2));
	}
	return rc;
}
