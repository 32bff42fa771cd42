/*
 * visit — visits, visitors and needs; turning a need into a request.
 *
 * Invariants kept here beyond those of visit.h:
 * - visit.unit_id is the visited unit, for a household the unit of its
 *   place; need.unit_id copies it, so scope is one SCOPE_UNIT test.
 * - For a household visit, visit.summary and need.difficulty stay NULL and
 *   the texts are household_note rows carrying the visit's date; reads
 *   coalesce the two, so callers never see where a text lives.
 * - A visit is written whole (visit, visitors, needs, notes) in one
 *   transaction, or not at all; every input check runs before the first
 *   write.
 */
#include "domain/visit.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/inspection.h"
#include "domain/org.h"
#include "domain/request.h"
#include "domain/retention.h"
#include "domain/task_line.h"

enum {
	Q_UNIT_NAME, Q_HOUSEHOLD_UNIT, Q_MEMBER_CHECK,
	Q_VISIT_ADD, Q_VISIT_UPDATE, Q_VISIT_GET, Q_VISIT_LIST,
	Q_VISITOR_ADD, Q_VISITOR_CLEAR, Q_VISITORS_OF,
	Q_NEED_ADD, Q_NEED_GET, Q_NEED_LIST, Q_NEEDS_OF, Q_NEED_LINK,
	Q_NOTE_ADD, Q_NOTE_SUMMARY_DEL, Q_NOTE_REDATE,
	Q_MEMBER_BY_ID, Q_MEMBER_BY_NAME, Q_DEMO_LEADER,
};

/* The household-note joins name the visit-note cut-off date (retention.h)
 * as parameter ?<cut>: an expired note reads as absent (NULL). */
#define VISIT_COLS(cut) \
	"v.id, v.unit_id, u.name, v.household_id, h.building, h.entrance, h.room," \
	" v.visited_on, v.purpose, coalesce(v.summary, hn.body), v.created_at, v.updated_at," \
	" v.task_line" \
	" FROM visit v JOIN unit u ON u.id = v.unit_id" \
	" LEFT JOIN household h ON h.id = v.household_id" \
	" LEFT JOIN household_note hn ON hn.visit_id = v.id AND hn.need_id IS NULL" \
	" AND hn.visited_on >= ?" cut

#define NEED_COLS(cut) \
	"n.id, n.visit_id, n.unit_id, v.household_id, v.visited_on, n.category," \
	" coalesce(n.difficulty, hn.body), n.request_id, n.created_at, n.task_line" \
	" FROM need n JOIN visit v ON v.id = n.visit_id" \
	" LEFT JOIN household_note hn ON hn.need_id = n.id AND hn.visited_on >= ?" cut

static const char *const visit_sql[] = {
	[Q_UNIT_NAME] =
	"SELECT u.name FROM unit u WHERE u.id = ?4 AND " SCOPE_UNIT("u.id"),
	[Q_HOUSEHOLD_UNIT] =
	"SELECT p.unit_id, u.name FROM household h JOIN place p ON p.id = h.place_id"
	" JOIN unit u ON u.id = p.unit_id WHERE h.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	/* The member's name, and whether their group is assigned the unit. */
	[Q_MEMBER_CHECK] =
	"SELECT m.name, (SELECT count(*) FROM assignment a"
	" WHERE a.group_id = m.group_id AND a.unit_id = ?2) FROM group_member m WHERE m.id = ?1",
	[Q_VISIT_ADD] =
	"INSERT INTO visit (unit_id, household_id, visited_on, purpose, summary, created_at,"
	" updated_at, task_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) RETURNING id",
	[Q_VISIT_UPDATE] =
	"UPDATE visit SET visited_on = ?5, purpose = ?6, summary = ?7, updated_at = ?8,"
	" task_line = ?9 WHERE id = ?4 AND " SCOPE_UNIT("unit_id"),
	[Q_VISIT_GET] =
	"SELECT " VISIT_COLS("5") " WHERE v.id = ?4 AND " SCOPE_UNIT("v.unit_id"),
	/* ?4 unit, ?5 household, ?6 from, ?7 to, ?8/?9 cursor, ?10 limit, ?11 task line,
	 * ?12 the note cut-off date */
	[Q_VISIT_LIST] =
	"SELECT " VISIT_COLS("12") " WHERE " SCOPE_UNIT("v.unit_id")
	" AND (v.unit_id = ?4 OR ?4 IS NULL)"
	" AND (v.household_id = ?5 OR ?5 IS NULL)"
	" AND (v.visited_on >= ?6 OR ?6 IS NULL)"
	" AND (v.visited_on <= ?7 OR ?7 IS NULL)"
	" AND (v.visited_on < ?8 OR (v.visited_on = ?8 AND v.id < ?9) OR ?8 IS NULL)"
	" AND (v.task_line = ?11 OR ?11 IS NULL)"
	" ORDER BY v.visited_on DESC, v.id DESC LIMIT ?10",
	[Q_VISITOR_ADD] =
	"INSERT INTO visit_visitor (visit_id, member_id) VALUES (?1, ?2)",
	[Q_VISITOR_CLEAR] =
	"DELETE FROM visit_visitor WHERE visit_id = ?1",
	[Q_VISITORS_OF] =
	"SELECT vv.member_id, m.name FROM visit_visitor vv"
	" JOIN group_member m ON m.id = vv.member_id WHERE vv.visit_id = ?1 ORDER BY vv.member_id",
	[Q_NEED_ADD] =
	"INSERT INTO need (visit_id, unit_id, category, difficulty, created_at, task_line)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	[Q_NEED_GET] =
	"SELECT " NEED_COLS("5") " WHERE n.id = ?4 AND " SCOPE_UNIT("n.unit_id"),
	/* ?4 unit, ?5 category, ?6 open only, ?7 cursor, ?8 limit, ?9 task line,
	 * ?10 the note cut-off date */
	[Q_NEED_LIST] =
	"SELECT " NEED_COLS("10") " WHERE " SCOPE_UNIT("n.unit_id")
	" AND (n.unit_id = ?4 OR ?4 IS NULL)"
	" AND (n.category = ?5 OR ?5 IS NULL)"
	" AND (?6 = 0 OR n.request_id IS NULL)"
	" AND (n.id < ?7 OR ?7 IS NULL) AND (n.task_line = ?9 OR ?9 IS NULL)"
	" ORDER BY n.id DESC LIMIT ?8",
	[Q_NEEDS_OF] =
	"SELECT " NEED_COLS("2") " WHERE n.visit_id = ?1 ORDER BY n.id",
	[Q_NEED_LINK] =
	"UPDATE need SET request_id = ?2 WHERE id = ?1 AND request_id IS NULL",
	[Q_NOTE_ADD] =
	"INSERT INTO household_note (visit_id, need_id, household_id, visited_on, body, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_NOTE_SUMMARY_DEL] =
	"DELETE FROM household_note WHERE visit_id = ?1 AND need_id IS NULL",
	[Q_NOTE_REDATE] =
	"UPDATE household_note SET visited_on = ?2 WHERE visit_id = ?1",
	[Q_MEMBER_BY_ID] = "SELECT id FROM group_member WHERE id = ?1",
	[Q_MEMBER_BY_NAME] = "SELECT id FROM group_member WHERE name = ?1 ORDER BY id LIMIT 2",
	[Q_DEMO_LEADER] =
	"SELECT m.id FROM group_member m JOIN work_group g ON g.id = m.group_id"
	" WHERE g.name = ?1 AND m.role = 'leader'",
};

/* ---- checks ------------------------------------------------------------- */

sj_rc
visit_check_text(const char *s, const char *field, size_t max, bool single_line, sj_err *e)
{
	size_t n;
	sj_rc rc;

	if (s == NULL)
		return SJ_OK;
	rc = text_check_utf8(s, strlen(s), field,
	    single_line ? TEXT_SINGLE_LINE : TEXT_NO_CONTROL, e);
	if (rc != SJ_OK)
		return rc;
	if (text_is_blank(s))
		return sj_fail(e, SJ_EINVAL, field, "must not be empty");
	if ((n = text_length(s)) > max)
		return sj_fail(e, SJ_EINVAL, field, "is %zu characters long; at most %zu", n, max);
	return SJ_OK;
}

static sj_rc
need_check(const need_input *in, const char *prefix, sj_err *e)
{
	char field[64];
	sj_rc rc;

	snprintf(field, sizeof field, "%scategory", prefix);
	if (in->category == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	snprintf(field, sizeof field, "%sdifficulty", prefix);
	if (in->difficulty == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if ((rc = visit_check_text(in->difficulty, field, VISIT_DIFFICULTY_MAX, false, e)) != SJ_OK)
		return rc;
	snprintf(field, sizeof field, "%stask_line", prefix);
	return in->task_line ? task_line_check(in->task_line, field, e) : SJ_OK;
}

/* The category of a need must be the code of a service that takes new
 * requests (request.h), so that the need can become one.  Errors:
 * SJ_EINVAL naming field, with the codes to choose from. */
static sj_rc
category_check(store *s, const char *code, const char *field, sj_err *e)
{
	char list[400] = "";
	service sv, *all;
	size_t n;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = service_get(s, &a, code, &sv, e)) == SJ_OK && sv.active)
		goto out;
	if (rc != SJ_OK && rc != SJ_ENOTFOUND)
		goto out;
	if ((rc = service_list(s, &a, false, &all, &n, e)) != SJ_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		strncat(list, all[i].code, sizeof list - strlen(list) - 3);
		if (i + 1 < n)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
	}
	rc = sj_fail(e, SJ_EINVAL, field, "'%.40s' is not a service category; use one of %s",
	    code, list);
out:
	arena_free(&a);
	return rc;
}

static sj_rc
needs_check_categories(store *s, const need_input *needs, size_t n, const char *prefix,
    sj_err *e)
{
	char field[64];
	sj_rc rc;

	for (size_t i = 0; i < n; i++) {
		if (*prefix)
			snprintf(field, sizeof field, "%s[%zu].category", prefix, i);
		else
			snprintf(field, sizeof field, "category");
		if ((rc = category_check(s, needs[i].category, field, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* The checks of visit_add that need no database. */
static sj_rc
visit_check_input(const visit_input *in, bool create, sj_err *e)
{
	char prefix[32];
	sj_rc rc;

	if (create && (in->unit_id > 0) == (in->household_id > 0))
		return sj_fail(e, SJ_EINVAL, "unit_id", "give exactly one of unit_id and household_id");
	if (in->visited_on == VISIT_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "visited_on", "is required");
	if (in->visited_on < DT_DATE_MIN || in->visited_on > DT_DATE_MAX)
		return sj_fail(e, SJ_EINVAL, "visited_on", "is out of range");
	if (in->visited_on > dt_date_of(dt_now()))
		return sj_fail(e, SJ_EINVAL, "visited_on", "is after today: record a visit once made");
	if (in->purpose == NULL)
		return sj_fail(e, SJ_EINVAL, "purpose", "is required");
	if ((rc = visit_check_text(in->purpose, "purpose", VISIT_PURPOSE_MAX, true, e)) != SJ_OK ||
	    (rc = visit_check_text(in->summary, "summary", VISIT_SUMMARY_MAX, false, e)) != SJ_OK ||
	    (in->task_line && (rc = task_line_check(in->task_line, "task_line", e)) != SJ_OK))
		return rc;
	if (!create)
		return SJ_OK;
	if (in->n_needs > VISIT_NEEDS_MAX)
		return sj_fail(e, SJ_EINVAL, "needs", "has %zu needs; at most %d", in->n_needs,
		    VISIT_NEEDS_MAX);
	for (size_t i = 0; i < in->n_needs; i++) {
		snprintf(prefix, sizeof prefix, "needs[%zu].", i);
		if ((rc = need_check(&in->needs[i], prefix, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
visit_check_members(store *s, int64_t unit_id, const char *unit_name, const int64_t *ids,
    size_t n, size_t max, const char *field, sj_err *e)
{
	char f[48];
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (n == 0)
		return sj_fail(e, SJ_EINVAL, field, "name at least one work-group member");
	if (n > max)
		return sj_fail(e, SJ_EINVAL, field, "has %zu members; at most %zu", n, max);
	for (size_t i = 0; i < n; i++) {
		snprintf(f, sizeof f, "%s[%zu]", field, i);
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return sj_fail(e, SJ_EINVAL, f, "member %lld is listed twice",
				    (long long)ids[i]);
		if ((rc = store_prepare(s, visit_sql[Q_MEMBER_CHECK], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, ids[i]);
		store_bind_int(st, 2, unit_id);
		if ((rc = store_step(st, &row, e)) != SJ_OK)
			return rc;
		if (!row)
			return sj_fail(e, SJ_ENOTFOUND, f, "no work-group member with id %lld",
			    (long long)ids[i]);
		if (store_col_int(st, 1) == 0) {
			rc = sj_fail(e, SJ_EINVAL, f, "member %lld (%s) is not in a work group "
			    "assigned to %s", (long long)ids[i], store_col_text(st, 0), unit_name);
			store_reset(st);
			return rc;
		}
		store_reset(st);
	}
	return SJ_OK;
}

sj_rc
visit_member_lookup(store *s, const char *ref, const char *field, int64_t *id, sj_err *e)
{
	int64_t n = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	for (const char *p = ref; *p && n >= 0; p++)
		n = (*p >= '0' && *p <= '9' && n < INT64_MAX / 10) ? n * 10 + (*p - '0') : -1;
	if ((rc = store_prepare(s, visit_sql[n > 0 ? Q_MEMBER_BY_ID : Q_MEMBER_BY_NAME], &st,
	    e)) != SJ_OK)
		return rc;
	if (n > 0)
		store_bind_int(st, 1, n);
	else
		store_bind_text(st, 1, ref);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, field, "no work-group member '%s'", ref);
	*id = store_col_int(st, 0);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row) {
		store_reset(st);
		return sj_fail(e, SJ_ECONFLICT, field, "several members are named '%s'; give the id",
		    ref);
	}
	return SJ_OK;
}

static sj_rc
need_perm(const scope *sc, auth_perm perm, sj_err *e)
{
	if (auth_role_may(sc->role, perm))
		return SJ_OK;
	return sj_fail(e, SJ_EFORBIDDEN, NULL, perm == PERM_VISIT_READ
	    ? "your role may not read visits" : "your role may not record visits");
}

/* The visited unit of in (given, or the household's) in scope, with its
 * name in the arena. */
static sj_rc
visit_target(store *s, const scope *sc, arena *a, const visit_input *in, int64_t *unit_id,
    const char **unit_name, sj_err *e)
{
	bool household = in->household_id > 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	rc = store_prepare(s, visit_sql[household ? Q_HOUSEHOLD_UNIT : Q_UNIT_NAME], &st, e);
	if (rc != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, household ? in->household_id : in->unit_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return household
		    ? sj_fail(e, SJ_ENOTFOUND, "household_id", "no household with id %lld",
			(long long)in->household_id)
		    : sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld",
			(long long)in->unit_id);
	*unit_id = household ? store_col_int(st, 0) : in->unit_id;
	*unit_name = arena_strdup(a, store_col_text(st, household ? 1 : 0));
	store_reset(st);
	return SJ_OK;
}

/* ---- writes ------------------------------------------------------------- */

static sj_rc
note_add(store *s, int64_t visit_id, int64_t need_id, int64_t household_id, sj_date on,
    const char *body, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_NOTE_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, visit_id);
	if (need_id > 0)
		store_bind_int(st, 2, need_id);
	else
		store_bind_null(st, 2);
	store_bind_int(st, 3, household_id);
	store_bind_int(st, 4, on);
	store_bind_text(st, 5, body);
	store_bind_int(st, 6, dt_now());
	return store_run(st, e);
}

static sj_rc
visitors_write(store *s, int64_t visit_id, const int64_t *ids, size_t n, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_VISITOR_CLEAR], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, visit_id);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_prepare(s, visit_sql[Q_VISITOR_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, visit_id);
		store_bind_int(st, 2, ids[i]);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* Insert one need of a visit (and its note, for a household); its task
 * line is in's, else visit_line, the visit's (NULL: none). */
static sj_rc
need_write(store *s, int64_t visit_id, int64_t unit_id, int64_t household_id, sj_date on,
    const char *visit_line, const need_input *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_NEED_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, visit_id);
	store_bind_int(st, 2, unit_id);
	store_bind_text(st, 3, in->category);
	store_bind_text(st, 4, household_id > 0 ? NULL : in->difficulty);
	store_bind_int(st, 5, dt_now());
	store_bind_text(st, 6, in->task_line ? in->task_line : visit_line);
	if ((rc = store_insert_id(st, id, e)) != SJ_OK || household_id <= 0)
		return rc;
	return note_add(s, visit_id, *id, household_id, on, in->difficulty, e);
}

/* Inside the transaction of visit_add: every row. */
static sj_rc
visit_write(store *s, const visit_input *in, int64_t unit_id, int64_t *id, sj_err *e)
{
	bool household = in->household_id > 0;
	store_stmt *st;
	int64_t need_id;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_VISIT_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, unit_id);
	if (household)
		store_bind_int(st, 2, in->household_id);
	else
		store_bind_null(st, 2);
	store_bind_int(st, 3, in->visited_on);
	store_bind_text(st, 4, in->purpose);
	store_bind_text(st, 5, household ? NULL : in->summary);
	store_bind_int(st, 6, dt_now());
	store_bind_text(st, 7, in->task_line);
	if ((rc = store_insert_id(st, id, e)) != SJ_OK)
		return rc;
	if (household && in->summary &&
	    (rc = note_add(s, *id, 0, in->household_id, in->visited_on, in->summary, e)) != SJ_OK)
		return rc;
	if ((rc = visitors_write(s, *id, in->visitor_ids, in->n_visitor_ids, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < in->n_needs; i++)
		if ((rc = need_write(s, *id, unit_id, in->household_id, in->visited_on,
		    in->task_line, &in->needs[i], &need_id, e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

sj_rc
visit_add(store *s, const scope *sc, const visit_input *in, int64_t *id, sj_err *e)
{
	const char *unit_name = NULL;
	int64_t unit_id = 0;
	arena a;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_VISIT_WRITE, e)) != SJ_OK ||
	    (rc = visit_check_input(in, true, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = visit_target(s, sc, &a, in, &unit_id, &unit_name, e)) != SJ_OK ||
	    (rc = visit_check_members(s, unit_id, unit_name, in->visitor_ids, in->n_visitor_ids,
	    VISIT_VISITORS_MAX, "visitor_ids", e)) != SJ_OK ||
	    (rc = needs_check_categories(s, in->needs, in->n_needs, "needs", e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = visit_write(s, in, unit_id, id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* Inside the transaction of visit_update. */
static sj_rc
visit_rewrite(store *s, const scope *sc, const visit *old, const visit_input *in, sj_err *e)
{
	bool household = old->household_id > 0;
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_VISIT_UPDATE], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, old->id);
	store_bind_int(st, 5, in->visited_on);
	store_bind_text(st, 6, in->purpose);
	store_bind_text(st, 7, household ? NULL : in->summary);
	store_bind_int(st, 8, dt_now());
	store_bind_text(st, 9, in->task_line);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	if (household) {
		/* The summary note is replaced; the needs' notes follow the date. */
		if ((rc = store_prepare(s, visit_sql[Q_NOTE_SUMMARY_DEL], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, old->id);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
		if (in->summary && (rc = note_add(s, old->id, 0, old->household_id,
		    in->visited_on, in->summary, e)) != SJ_OK)
			return rc;
		if ((rc = store_prepare(s, visit_sql[Q_NOTE_REDATE], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, old->id);
		store_bind_int(st, 2, in->visited_on);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return visitors_write(s, old->id, in->visitor_ids, in->n_visitor_ids, e);
}

sj_rc
visit_update(store *s, const scope *sc, int64_t id, const visit_input *in, sj_err *e)
{
	visit old;
	arena a;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_VISIT_WRITE, e)) != SJ_OK ||
	    (rc = visit_check_input(in, false, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = visit_get(s, sc, &a, id, &old, e)) != SJ_OK ||
	    (rc = visit_check_members(s, old.unit_id, old.unit_name, in->visitor_ids,
	    in->n_visitor_ids, VISIT_VISITORS_MAX, "visitor_ids", e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = visit_rewrite(s, sc, &old, in, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
need_add(store *s, const scope *sc, int64_t visit_id, const need_input *in, int64_t *id,
    sj_err *e)
{
	visit v;
	arena a;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_VISIT_WRITE, e)) != SJ_OK ||
	    (rc = need_check(in, "", e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = visit_get(s, sc, &a, visit_id, &v, e)) != SJ_OK ||
	    (rc = needs_check_categories(s, in, 1, "", e)) != SJ_OK)
		goto out;
	if (v.n_needs >= VISIT_NEEDS_MAX) {
		rc = sj_fail(e, SJ_EINVAL, "visit", "already has %d needs", VISIT_NEEDS_MAX);
		goto out;
	}
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = need_write(s, v.id, v.unit_id, v.household_id, v.visited_on, v.task_line, in,
	    id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- reads -------------------------------------------------------------- */

/* "1号楼 1单元 101": the non-empty parts of a household's address. */
static const char *
household_address(arena *a, const char *building, const char *entrance, const char *room)
{
	const char *parts[3] = { building, entrance, room };
	char buf[512] = "";

	for (int i = 0; i < 3; i++) {
		if (parts[i] == NULL || *parts[i] == '\0')
			continue;
		if (*buf)
			strncat(buf, " ", sizeof buf - strlen(buf) - 1);
		strncat(buf, parts[i], sizeof buf - strlen(buf) - 1);
	}
	return arena_strdup(a, buf);
}

static void
visit_read(store_stmt *st, arena *a, visit *v)
{
	memset(v, 0, sizeof *v);
	v->id = store_col_int(st, 0);
	v->unit_id = store_col_int(st, 1);
	v->unit_name = arena_strdup(a, store_col_text(st, 2));
	v->household_id = store_col_int(st, 3);
	if (v->household_id > 0)
		v->household = household_address(a, store_col_text(st, 4), store_col_text(st, 5),
		    store_col_text(st, 6));
	v->visited_on = (sj_date)store_col_int(st, 7);
	v->purpose = arena_strdup(a, store_col_text(st, 8));
	v->summary = arena_strdup(a, store_col_text(st, 9));
	v->created_at = store_col_int(st, 10);
	v->updated_at = store_col_int(st, 11);
	v->task_line = arena_strdup(a, store_col_text(st, 12));
}

static void
need_read(store_stmt *st, arena *a, need *n)
{
	n->id = store_col_int(st, 0);
	n->visit_id = store_col_int(st, 1);
	n->unit_id = store_col_int(st, 2);
	n->household_id = store_col_int(st, 3);
	n->visited_on = (sj_date)store_col_int(st, 4);
	n->category = arena_strdup(a, store_col_text(st, 5));
	n->difficulty = arena_strdup(a, store_col_text(st, 6));
	n->request_id = store_col_int(st, 7);
	n->created_at = store_col_int(st, 8);
	n->task_line = arena_strdup(a, store_col_text(st, 9));
}

/* Fill v's visitors and needs (v is already known to be in scope). */
static sj_rc
visit_details(store *s, arena *a, visit *v, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_VISITORS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, v->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		v->visitors = arena_grow(a, v->visitors, &cap, v->n_visitors, sizeof *v->visitors);
		v->visitors[v->n_visitors].member_id = store_col_int(st, 0);
		v->visitors[v->n_visitors++].name = arena_strdup(a, store_col_text(st, 1));
	}
	if (rc != SJ_OK || (rc = store_prepare(s, visit_sql[Q_NEEDS_OF], &st, e)) != SJ_OK)
		return rc;
	cap = 0;
	store_bind_int(st, 1, v->id);
	store_bind_int(st, 2, retention_cutoff_date(RETENTION_VISIT_NOTE, dt_now()));
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		v->needs = arena_grow(a, v->needs, &cap, v->n_needs, sizeof *v->needs);
		need_read(st, a, &v->needs[v->n_needs++]);
	}
	return rc;
}

sj_rc
visit_get(store *s, const scope *sc, arena *a, int64_t id, visit *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_VISIT_READ, e)) != SJ_OK ||
	    (rc = store_prepare(s, visit_sql[Q_VISIT_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, retention_cutoff_date(RETENTION_VISIT_NOTE, dt_now()));
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "visit", "no visit with id %lld", (long long)id);
	visit_read(st, a, out);
	store_reset(st);
	return visit_details(s, a, out, e);
}

static void
bind_opt_int(store_stmt *st, int i, int64_t v, int64_t none)
{
	if (v != none)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

sj_rc
visit_list(store *s, const scope *sc, arena *a, const visit_filter *f, visit_page *out,
    sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = need_perm(sc, PERM_VISIT_READ, e)) != SJ_OK)
		return rc;
	if (limit < 1 || limit > VISIT_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit,
		    VISIT_LIST_MAX);
	if (f->from != VISIT_DATE_NONE && f->to != VISIT_DATE_NONE && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if (f->task_line && (rc = task_line_check(f->task_line, "task_line", e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, visit_sql[Q_VISIT_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt_int(st, 4, f->unit_id, 0);
	bind_opt_int(st, 5, f->household_id, 0);
	bind_opt_int(st, 6, f->from, VISIT_DATE_NONE);
	bind_opt_int(st, 7, f->to, VISIT_DATE_NONE);
	if (f->after_id > 0) {
		store_bind_int(st, 8, f->after_on);
		store_bind_int(st, 9, f->after_id);
	} else {
		store_bind_null(st, 8);
		store_bind_null(st, 9);
	}
	store_bind_int(st, 10, limit + 1);  /* one more tells whether a next page exists */
	store_bind_text(st, 11, f->task_line);
	store_bind_int(st, 12, retention_cutoff_date(RETENTION_VISIT_NOTE, dt_now()));
	out->visits = arena_alloc(a, (size_t)limit * sizeof *out->visits);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_visits == (size_t)limit) {
			out->has_more = true;
			store_reset(st);
			break;
		}
		visit_read(st, a, &out->visits[out->n_visits++]);
	}
	if (rc != SJ_OK)
		return rc;
	if (out->n_visits > 0) {
		out->next_on = out->visits[out->n_visits - 1].visited_on;
		out->next_id = out->visits[out->n_visits - 1].id;
	}
	/* Details after the list statement is done: one statement at a time. */
	for (size_t i = 0; i < out->n_visits; i++)
		if ((rc = visit_details(s, a, &out->visits[i], e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

sj_rc
need_get(store *s, const scope *sc, arena *a, int64_t id, need *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_VISIT_READ, e)) != SJ_OK ||
	    (rc = store_prepare(s, visit_sql[Q_NEED_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, retention_cutoff_date(RETENTION_VISIT_NOTE, dt_now()));
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "need", "no need with id %lld", (long long)id);
	need_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
need_list(store *s, const scope *sc, arena *a, const need_filter *f, need_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = need_perm(sc, PERM_VISIT_READ, e)) != SJ_OK)
		return rc;
	if (limit < 1 || limit > VISIT_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit,
		    VISIT_LIST_MAX);
	if ((f->category && (rc = category_check(s, f->category, "category", e)) != SJ_OK) ||
	    (f->task_line && (rc = task_line_check(f->task_line, "task_line", e)) != SJ_OK))
		return rc;
	if ((rc = store_prepare(s, visit_sql[Q_NEED_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt_int(st, 4, f->unit_id, 0);
	store_bind_text(st, 5, f->category);
	store_bind_int(st, 6, f->open ? 1 : 0);
	bind_opt_int(st, 7, f->after_id, 0);
	store_bind_int(st, 8, limit + 1);
	store_bind_text(st, 9, f->task_line);
	store_bind_int(st, 10, retention_cutoff_date(RETENTION_VISIT_NOTE, dt_now()));
	out->needs = arena_alloc(a, (size_t)limit * sizeof *out->needs);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_needs == (size_t)limit) {
			out->has_more = true;
			store_reset(st);
			break;
		}
		need_read(st, a, &out->needs[out->n_needs++]);
		out->next_id = out->needs[out->n_needs - 1].id;
	}
	return rc;
}

/* ---- need → service request --------------------------------------------- */

/* File the service request for need n (request.h): the need's unit
 * reports it now, in the need's category, in the need's words, with the
 * need as its origin.  *request_id gets its id. */
static sj_rc
need_raise(store *s, const scope *sc, const need *n, int64_t *request_id, sj_err *e)
{
	char origin[REQUEST_ORIGIN_MAX];
	request_input in = { .service_code = n->category, .unit_id = n->unit_id,
	    .description = n->difficulty, .source = "visit", .origin = origin,
	    .task_line = n->task_line };

	snprintf(origin, sizeof origin, "need:%lld", (long long)n->id);
	return request_create(s, sc, &in, request_id, e);
}

/* Inside the transaction of need_request. */
static sj_rc
need_request_tx(store *s, const scope *sc, int64_t id, int64_t *request_id, sj_err *e)
{
	store_stmt *st;
	need n;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = need_get(s, sc, &a, id, &n, e)) != SJ_OK)
		goto out;
	if (n.request_id > 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "need", "need %lld was already turned into request %lld",
		    (long long)id, (long long)n.request_id);
		goto out;
	}
	if (n.difficulty == NULL) {
		rc = sj_fail(e, SJ_EINVAL, "need", "the need's text was removed under the "
		    "retention rules; raise a request directly");
		goto out;
	}
	if ((rc = need_raise(s, sc, &n, request_id, e)) != SJ_OK ||
	    (rc = store_prepare(s, visit_sql[Q_NEED_LINK], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, *request_id);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) != 1)
		rc = sj_fail(e, SJ_ECONFLICT, "need", "need %lld was turned into a request meanwhile",
		    (long long)id);
out:
	arena_free(&a);
	return rc;
}

sj_rc
need_request(store *s, const scope *sc, int64_t id, int64_t *request_id, sj_err *e)
{
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_VISIT_READ, e)) != SJ_OK)
		return rc;
	if (!auth_role_may(sc->role, PERM_REQUEST_RAISE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not raise service requests");
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = need_request_tx(s, sc, id, request_id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- demo ----------------------------------------------------------------- */

/* What the demo part looks up from the earlier parts. */
typedef struct demo_refs {
	int64_t leader;          /* the group's leader: the visitor of every demo visit */
	int64_t units[4];        /* 高铁社区, 小堰堤社区, 李家庄社区, 泰山石膏有限公司 */
	int64_t compound;        /* 华新新干线小区 */
	int64_t gate;            /* 大门疫情监测点 */
	int64_t zhangsan, lisi;  /* their households */
} demo_refs;

static const char *const demo_unit_names[] = {
	"高铁社区", "小堰堤社区", "李家庄社区", "泰山石膏有限公司",
};

/* The leader of the scenario's work group, as the organisation part made
 * them. */
static sj_rc
demo_find_leader(store *s, int64_t *leader, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, visit_sql[Q_DEMO_LEADER], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, "市派岱岳区市政协机关工作二组");
	if ((rc = store_query_int(st, leader, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, "group",
	    "the scenario's work group leader is missing");
}

/* 华新新干线小区, its monitoring point and the households of 张三 (1号楼
 * 1单元 101) and 李四 (3号楼 2单元 502), as the organisation part made them. */
static sj_rc
demo_find_compound(store *s, arena *a, demo_refs *r, sj_err *e)
{
	org_place *p;
	org_checkpoint *c;
	org_household *h;
	size_t n_p, n_c, n_h;
	sj_rc rc;

	if ((rc = org_place_list(s, &scope_system, a, r->units[0], &p, &n_p, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n_p && r->compound == 0; i++)
		if (strcmp(p[i].name, "华新新干线小区") == 0)
			r->compound = p[i].id;
	if (r->compound == 0)
		return sj_fail(e, SJ_ENOTFOUND, "place", "华新新干线小区 is missing");
	if ((rc = org_checkpoint_list(s, &scope_system, a, r->compound, &c, &n_c, e)) != SJ_OK ||
	    (rc = org_household_list(s, &scope_system, a, r->compound, &h, &n_h, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n_c; i++)
		if (strcmp(c[i].kind, "monitoring_point") == 0)
			r->gate = c[i].id;
	for (size_t i = 0; i < n_h; i++) {
		if (strcmp(h[i].room, "101") == 0)
			r->zhangsan = h[i].id;
		else if (strcmp(h[i].room, "502") == 0)
			r->lisi = h[i].id;
	}
	if (r->gate == 0 || r->zhangsan == 0 || r->lisi == 0)
		return sj_fail(e, SJ_ENOTFOUND, "household", "the compound's checkpoint or the "
		    "visited households are missing");
	return SJ_OK;
}

static sj_rc
demo_find(store *s, arena *a, demo_refs *r, sj_err *e)
{
	org_unit u;
	sj_rc rc;

	memset(r, 0, sizeof *r);
	if ((rc = demo_find_leader(s, &r->leader, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < 4; i++) {
		if ((rc = org_unit_find(s, &scope_system, a, demo_unit_names[i], &u, e)) != SJ_OK)
			return rc;
		r->units[i] = u.id;
	}
	return demo_find_compound(s, a, r, e);
}

/* SCENARIO.md "Visits" and "Supplies delivered": 2020-03-18 afternoon, the
 * three communities, with the deliveries.  The demo's visits are the work
 * of its task "走访慰问社区和住户" (domain/workplan.c), on the livelihood line
 * (保障民生). */
static sj_rc
demo_visits_0318(store *s, const demo_refs *r, sj_err *e)
{
	visit_input in = {
		.visited_on = dt_date_from_ymd(2020, 3, 18),
		.purpose = "走访慰问，送去防疫物资",
		.summary = "下午走访慰问，当天送去市政协机关筹集的口罩、酒精和84消毒液"
		    "（物资明细见物资台账）。",
		.visitor_ids = &r->leader, .n_visitor_ids = 1, .task_line = TASK_LINE_LIVELIHOOD,
	};
	int64_t id;
	sj_rc rc;

	for (size_t i = 0; i < 3; i++) {
		in.unit_id = r->units[i];
		if ((rc = visit_add(s, &scope_system, &in, &id, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* 2020-03-23 at 高铁社区: the talk with the community's leaders and some
 * residents, and the two household visits.  The report records no
 * difficulty, so no need is recorded. */
static sj_rc
demo_visits_0323(store *s, const demo_refs *r, sj_err *e)
{
	visit_input in = {
		.unit_id = r->units[0],
		.visited_on = dt_date_from_ymd(2020, 3, 23),
		.purpose = "与社区负责人和部分居民座谈",
		.summary = "了解疫情防控、复工复产和民生保障情况。",
		.visitor_ids = &r->leader, .n_visitor_ids = 1, .task_line = TASK_LINE_LIVELIHOOD,
	};
	const int64_t households[2] = { r->zhangsan, r->lisi };
	int64_t id;
	sj_rc rc;

	if ((rc = visit_add(s, &scope_system, &in, &id, e)) != SJ_OK)
		return rc;
	in.unit_id = 0;
	in.purpose = "入户走访：防疫情况、日常生活需求和困难";
	in.summary = "了解住户防疫情况和日常生活需求，询问有无自身无法克服的困难；"
	    "告知住户有困难及时向社区和工作组反映。未记录困难。";
	for (size_t i = 0; i < 2; i++) {
		in.household_id = households[i];
		if ((rc = visit_add(s, &scope_system, &in, &id, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* 2020-03-23: the compound's monitoring point — entry/exit registration,
 * code scan and temperature pass; the report says nothing of the other
 * items, so they are not applicable. */
static sj_rc
demo_inspection_gate(store *s, const demo_refs *r, sj_err *e)
{
	const item_result_input items[] = {
		{ "registration", "pass", "出入登记", INSPECTION_DATE_NONE },
		{ "code_scan", "pass", NULL, INSPECTION_DATE_NONE },
		{ "temperature", "pass", NULL, INSPECTION_DATE_NONE },
		{ "disinfection", "na", NULL, INSPECTION_DATE_NONE },
		{ "outsider_register", "na", NULL, INSPECTION_DATE_NONE },
		{ "special_groups", "na", NULL, INSPECTION_DATE_NONE },
	};
	inspection_input in = {
		.checkpoint_id = r->gate, .checklist = "checkpoint",
		.inspected_on = dt_date_from_ymd(2020, 3, 23),
		.summary = "督导检查华新新干线小区疫情监测点出入登记、扫码、测温情况，各环节落实到位。",
		.inspector_ids = &r->leader, .n_inspector_ids = 1,
		.items = items, .n_items = sizeof items / sizeof items[0],
	};
	int64_t id;

	return inspection_add(s, &scope_system, &in, &id, e);
}

/* SCENARIO.md "What the group checks": in enterprise staff canteens meals
 * are collected individually as boxed meals and staff eat apart.  The
 * canteen place (职工食堂) and the date 2020-03-10 (after the group's
 * arrival on 03-05) are assumed; disinfection is not reported for
 * canteens, so not applicable. */
static sj_rc
demo_inspection_canteen(store *s, const demo_refs *r, sj_err *e)
{
	const item_result_input items[] = {
		{ "boxed_meals", "pass", "单独领取盒饭", INSPECTION_DATE_NONE },
		{ "separate_dining", "pass", "分开就餐，避免人员聚集", INSPECTION_DATE_NONE },
		{ "disinfection", "na", NULL, INSPECTION_DATE_NONE },
	};
	org_place canteen = { .unit_id = r->units[3], .kind = "canteen", .name = "职工食堂",
	    .records_exits = 0 };
	inspection_input in = {
		.checklist = "canteen", .inspected_on = dt_date_from_ymd(2020, 3, 10),
		.summary = "督导检查职工食堂：单独领取盒饭、分开就餐，不扎堆聚集。"
		    "（食堂名称和检查日期为演示假设）",
		.inspector_ids = &r->leader, .n_inspector_ids = 1,
		.items = items, .n_items = sizeof items / sizeof items[0],
	};
	int64_t id;
	sj_rc rc;

	if ((rc = org_place_add(s, &scope_system, &canteen, &in.place_id, e)) != SJ_OK)
		return rc;
	return inspection_add(s, &scope_system, &in, &id, e);
}

sj_rc
visit_demo_part(demo_ctx *ctx, sj_err *e)
{
	demo_refs r;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = demo_find(ctx->s, &a, &r, e)) == SJ_OK &&
	    (rc = demo_inspection_canteen(ctx->s, &r, e)) == SJ_OK &&
	    (rc = demo_visits_0318(ctx->s, &r, e)) == SJ_OK &&
	    (rc = demo_inspection_gate(ctx->s, &r, e)) == SJ_OK)
		rc = demo_visits_0323(ctx->s, &r, e);
	arena_free(&a);
	return rc;
}
