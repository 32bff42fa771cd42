/*
 * inspection — checklists, inspections, findings and re-checks.
 *
 * Invariants kept here beyond those of inspection.h:
 * - Every check of an inspection's input runs before its first write, and
 *   the inspection, its inspectors, results, findings and re-checks are
 *   written in one transaction.
 * - A finding is closed only by a passing re-check, which it names
 *   (closed_by), on the re-check's date; the schema checks that status,
 *   closed_on and closed_by agree.
 * - inspection.unit_id and finding.unit_id are the target place's unit:
 *   scope is one SCOPE_UNIT test on them.
 */
#include "domain/inspection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/visit.h"

const char *const inspection_results[] = { "pass", "fail", "na", NULL };
static const char *const recheck_results[] = { "pass", "fail", NULL };
static const char *const checklist_targets[] = { "checkpoint", "place", "canteen", NULL };
static const char *const finding_statuses[] = { "open", "closed", NULL };

enum {
	Q_CHECKLIST_LIST, Q_CHECKLIST_BY_ID, Q_CHECKLIST_BY_CODE, Q_ITEMS_OF,
	Q_CHECKLIST_ADD, Q_ITEM_ADD,
	Q_CHECKPOINT_TARGET, Q_PLACE_TARGET,
	Q_INSPECTION_ADD, Q_INSPECTION_UPDATE, Q_INSPECTION_GET, Q_INSPECTION_LIST,
	Q_INSPECTOR_ADD, Q_INSPECTOR_CLEAR, Q_INSPECTORS_OF,
	Q_RESULT_ADD, Q_RESULTS_OF,
	Q_OPEN_FINDINGS, Q_FINDING_ADD, Q_FINDING_CLOSE, Q_FINDING_MOVE,
	Q_FINDING_GET, Q_FINDING_LIST,
	Q_RECHECK_ADD, Q_RECHECKS_OF_INSPECTION, Q_RECHECKS_OF_FINDING,
};

#define INSPECTION_COLS \
	"n.id, n.unit_id, u.name, n.place_id, p.name, n.checkpoint_id, c.name, k.code," \
	" n.inspected_on, n.summary, n.created_at, n.updated_at" \
	" FROM inspection n JOIN unit u ON u.id = n.unit_id JOIN place p ON p.id = n.place_id" \
	" LEFT JOIN checkpoint c ON c.id = n.checkpoint_id" \
	" JOIN checklist k ON k.id = n.checklist_id"

#define FINDING_COLS \
	"f.id, f.inspection_id, f.unit_id, u.name, f.place_id, p.name, f.checkpoint_id, c.name," \
	" i.code, i.label, f.description, f.found_on, f.rectify_by, f.status, f.closed_on," \
	" f.closed_by, f.created_at" \
	" FROM finding f JOIN unit u ON u.id = f.unit_id JOIN place p ON p.id = f.place_id" \
	" LEFT JOIN checkpoint c ON c.id = f.checkpoint_id" \
	" JOIN checklist_item i ON i.id = f.item_id"

#define RECHECK_COLS \
	"id, finding_id, inspection_id, checked_on, result, note, rectify_by, created_at FROM recheck"

static const char *const inspection_sql[] = {
	[Q_CHECKLIST_LIST] = "SELECT id, code, name, target FROM checklist ORDER BY id",
	[Q_CHECKLIST_BY_ID] = "SELECT id, code, name, target FROM checklist WHERE id = ?1",
	[Q_CHECKLIST_BY_CODE] = "SELECT id, code, name, target FROM checklist WHERE code = ?1",
	[Q_ITEMS_OF] =
	"SELECT id, position, code, label FROM checklist_item WHERE checklist_id = ?1"
	" ORDER BY position",
	[Q_CHECKLIST_ADD] =
	"INSERT INTO checklist (code, name, target) VALUES (?1, ?2, ?3) RETURNING id",
	[Q_ITEM_ADD] =
	"INSERT INTO checklist_item (checklist_id, position, code, label) VALUES (?1, ?2, ?3, ?4)",
	[Q_CHECKPOINT_TARGET] =
	"SELECT c.place_id, p.unit_id, u.name FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" JOIN unit u ON u.id = p.unit_id WHERE c.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_PLACE_TARGET] =
	"SELECT p.id, p.unit_id, u.name FROM place p JOIN unit u ON u.id = p.unit_id"
	" WHERE p.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_INSPECTION_ADD] =
	"INSERT INTO inspection (unit_id, place_id, checkpoint_id, checklist_id, inspected_on,"
	" summary, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id",
	[Q_INSPECTION_UPDATE] =
	"UPDATE inspection SET summary = ?5, updated_at = ?6 WHERE id = ?4 AND "
	SCOPE_UNIT("unit_id"),
	[Q_INSPECTION_GET] =
	"SELECT " INSPECTION_COLS " WHERE n.id = ?4 AND " SCOPE_UNIT("n.unit_id"),
	/* ?4 unit, ?5 place, ?6 checkpoint, ?7 from, ?8 to, ?9/?10 cursor, ?11 limit */
	[Q_INSPECTION_LIST] =
	"SELECT " INSPECTION_COLS " WHERE " SCOPE_UNIT("n.unit_id")
	" AND (n.unit_id = ?4 OR ?4 IS NULL)"
	" AND (n.place_id = ?5 OR ?5 IS NULL)"
	" AND (n.checkpoint_id = ?6 OR ?6 IS NULL)"
	" AND (n.inspected_on >= ?7 OR ?7 IS NULL)"
	" AND (n.inspected_on <= ?8 OR ?8 IS NULL)"
	" AND (n.inspected_on < ?9 OR (n.inspected_on = ?9 AND n.id < ?10) OR ?9 IS NULL)"
	" ORDER BY n.inspected_on DESC, n.id DESC LIMIT ?11",
	[Q_INSPECTOR_ADD] =
	"INSERT INTO inspection_inspector (inspection_id, member_id) VALUES (?1, ?2)",
	[Q_INSPECTOR_CLEAR] = "DELETE FROM inspection_inspector WHERE inspection_id = ?1",
	[Q_INSPECTORS_OF] =
	"SELECT ii.member_id, m.name FROM inspection_inspector ii"
	" JOIN group_member m ON m.id = ii.member_id WHERE ii.inspection_id = ?1"
	" ORDER BY ii.member_id",
	[Q_RESULT_ADD] =
	"INSERT INTO inspection_result (inspection_id, item_id, result, note)"
	" VALUES (?1, ?2, ?3, ?4)",
	/* The finding of a failed item: the one it opened, else the one it
	 * continued (a failed re-check this inspection made). */
	[Q_RESULTS_OF] =
	"SELECT r.item_id, i.code, i.label, r.result, r.note,"
	" CASE WHEN r.result = 'fail' THEN coalesce("
	"  (SELECT f.id FROM finding f WHERE f.inspection_id = r.inspection_id"
	"   AND f.item_id = r.item_id),"
	"  (SELECT min(x.finding_id) FROM recheck x JOIN finding g ON g.id = x.finding_id"
	"   WHERE x.inspection_id = r.inspection_id AND g.item_id = r.item_id)) END"
	" FROM inspection_result r JOIN checklist_item i ON i.id = r.item_id"
	" WHERE r.inspection_id = ?1 ORDER BY i.position",
	/* Open findings of a target and item found on or before a date. */
	[Q_OPEN_FINDINGS] =
	"SELECT id FROM finding WHERE place_id = ?1 AND coalesce(checkpoint_id, 0) = ?2"
	" AND item_id = ?3 AND status = 'open' AND found_on <= ?4 ORDER BY id",
	[Q_FINDING_ADD] =
	"INSERT INTO finding (inspection_id, item_id, unit_id, place_id, checkpoint_id,"
	" description, found_on, rectify_by, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
	[Q_FINDING_CLOSE] =
	"UPDATE finding SET status = 'closed', closed_on = ?2, closed_by = ?3"
	" WHERE id = ?1 AND status = 'open'",
	[Q_FINDING_MOVE] =
	"UPDATE finding SET rectify_by = ?2 WHERE id = ?1 AND status = 'open'",
	[Q_FINDING_GET] =
	"SELECT " FINDING_COLS " WHERE f.id = ?4 AND " SCOPE_UNIT("f.unit_id"),
	/* ?4 status, ?5 overdue on, ?6 unit, ?7 inspection, ?8/?9 cursor, ?10 limit */
	[Q_FINDING_LIST] =
	"SELECT " FINDING_COLS " WHERE " SCOPE_UNIT("f.unit_id")
	" AND (f.status = ?4 OR ?4 IS NULL)"
	" AND ((f.status = 'open' AND f.rectify_by < ?5) OR ?5 IS NULL)"
	" AND (f.unit_id = ?6 OR ?6 IS NULL)"
	" AND (f.inspection_id = ?7 OR ?7 IS NULL)"
	" AND (f.rectify_by > ?8 OR (f.rectify_by = ?8 AND f.id > ?9) OR ?8 IS NULL)"
	" ORDER BY f.rectify_by, f.id LIMIT ?10",
	[Q_RECHECK_ADD] =
	"INSERT INTO recheck (finding_id, inspection_id, checked_on, result, note, rectify_by,"
	" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	[Q_RECHECKS_OF_INSPECTION] =
	"SELECT " RECHECK_COLS " WHERE inspection_id = ?1 ORDER BY id",
	[Q_RECHECKS_OF_FINDING] =
	"SELECT " RECHECK_COLS " WHERE finding_id = ?1 ORDER BY id",
};

static sj_rc
need_perm(const scope *sc, auth_perm perm, sj_err *e)
{
	if (auth_role_may(sc->role, perm))
		return SJ_OK;
	return sj_fail(e, SJ_EFORBIDDEN, NULL, perm == PERM_INSPECTION_READ
	    ? "your role may not read inspections" : "your role may not record inspections");
}

static void
bind_opt(store_stmt *st, int i, int64_t v, int64_t none)
{
	if (v != none)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

static sj_date
col_date(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? INSPECTION_DATE_NONE : (sj_date)store_col_int(st, i);
}

/* ---- checklists ----------------------------------------------------------- */

static sj_rc
checklist_items(store *s, arena *a, checklist *c, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	c->items = NULL;
	c->n_items = 0;
	if ((rc = store_prepare(s, inspection_sql[Q_ITEMS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, c->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		checklist_item *it;
		c->items = arena_grow(a, c->items, &cap, c->n_items, sizeof *c->items);
		it = &c->items[c->n_items++];
		it->id = store_col_int(st, 0);
		it->position = (int)store_col_int(st, 1);
		it->code = arena_strdup(a, store_col_text(st, 2));
		it->label = arena_strdup(a, store_col_text(st, 3));
	}
	return rc;
}

static void
checklist_read(store_stmt *st, arena *a, checklist *c)
{
	c->id = store_col_int(st, 0);
	c->code = arena_strdup(a, store_col_text(st, 1));
	c->name = arena_strdup(a, store_col_text(st, 2));
	c->target = arena_strdup(a, store_col_text(st, 3));
}

sj_rc
checklist_list(store *s, const scope *sc, arena *a, checklist **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = need_perm(sc, PERM_INSPECTION_READ, e)) != SJ_OK ||
	    (rc = store_prepare(s, inspection_sql[Q_CHECKLIST_LIST], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		checklist_read(st, a, &(*out)[(*n)++]);
	}
	for (size_t i = 0; rc == SJ_OK && i < *n; i++)
		rc = checklist_items(s, a, &(*out)[i], e);
	return rc;
}

/* The decimal id in ref, or 0. */
static int64_t
ref_id(const char *ref)
{
	int64_t v = 0;

	if (ref == NULL || *ref == '\0' || strlen(ref) > 15)
		return 0;
	for (const char *p = ref; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

sj_rc
checklist_get(store *s, const scope *sc, arena *a, const char *ref, checklist *out, sj_err *e)
{
	int64_t id = ref_id(ref);
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_READ, e)) != SJ_OK)
		return rc;
	if (ref == NULL)
		return sj_fail(e, SJ_EINVAL, "checklist", "is required");
	rc = store_prepare(s, inspection_sql[id > 0 ? Q_CHECKLIST_BY_ID : Q_CHECKLIST_BY_CODE],
	    &st, e);
	if (rc != SJ_OK)
		return rc;
	if (id > 0)
		store_bind_int(st, 1, id);
	else
		store_bind_text(st, 1, ref);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "checklist", "no checklist '%s'", ref);
	checklist_read(st, a, out);
	store_reset(st);
	return checklist_items(s, a, out, e);
}

/* A code: 1..40 of a-z 0-9 _. */
static sj_rc
check_code(const char *code, const char *field, sj_err *e)
{
	size_t n;

	if (code == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	n = strlen(code);
	if (n == 0 || n > 40)
		return sj_fail(e, SJ_EINVAL, field, "must be 1 to 40 characters");
	for (const char *p = code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return sj_fail(e, SJ_EINVAL, field, "use only a-z, 0-9 and '_'");
	return SJ_OK;
}

static sj_rc
checklist_check(const checklist_input *in, sj_err *e)
{
	char field[48];
	sj_rc rc;

	if ((rc = check_code(in->code, "code", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", 100, e)) != SJ_OK ||
	    (rc = org_check_enum(in->target, checklist_targets, "target", e)) != SJ_OK)
		return rc;
	if (in->n_items == 0 || in->n_items > INSPECTION_ITEMS_MAX)
		return sj_fail(e, SJ_EINVAL, "items", "give 1 to %d items", INSPECTION_ITEMS_MAX);
	for (size_t i = 0; i < in->n_items; i++) {
		const checklist_item_input *it = &in->items[i];
		snprintf(field, sizeof field, "items[%zu].code", i);
		if ((rc = check_code(it->code, field, e)) != SJ_OK)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(in->items[j].code, it->code) == 0)
				return sj_fail(e, SJ_EINVAL, field, "'%s' is a duplicate of items[%zu]",
				    it->code, j);
		snprintf(field, sizeof field, "items[%zu].label", i);
		if ((rc = org_check_name(it->label, field, 100, e)) != SJ_OK)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(in->items[j].label, it->label) == 0)
				return sj_fail(e, SJ_EINVAL, field, "'%s' is a duplicate of items[%zu]",
				    it->label, j);
	}
	return SJ_OK;
}

static sj_rc
checklist_write(store *s, const checklist_input *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_CHECKLIST_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, in->code);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, in->target);
	if ((rc = store_insert_id(st, id, e)) == SJ_ECONFLICT)
		return sj_fail(e, rc, "code", "a checklist '%s' exists", in->code);
	for (size_t i = 0; rc == SJ_OK && i < in->n_items; i++) {
		if ((rc = store_prepare(s, inspection_sql[Q_ITEM_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, *id);
		store_bind_int(st, 2, (int64_t)i + 1);
		store_bind_text(st, 3, in->items[i].code);
		store_bind_text(st, 4, in->items[i].label);
		rc = store_run(st, e);
	}
	return rc;
}

sj_rc
checklist_add(store *s, const scope *sc, const checklist_input *in, int64_t *id, sj_err *e)
{
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_WRITE, e)) != SJ_OK)
		return rc;
	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add checklists");
	if ((rc = checklist_check(in, e)) != SJ_OK || (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = checklist_write(s, in, id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- inspections: checks ------------------------------------------------- */

/* Where an inspection looks: the place (and checkpoint) and its unit. */
typedef struct target {
	int64_t place_id;
	int64_t checkpoint_id;  /* 0: the place itself */
	int64_t unit_id;
	const char *unit_name;
} target;

static sj_rc
target_find(store *s, const scope *sc, arena *a, const inspection_input *in, target *t,
    sj_err *e)
{
	bool cp = in->checkpoint_id > 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	rc = store_prepare(s, inspection_sql[cp ? Q_CHECKPOINT_TARGET : Q_PLACE_TARGET], &st, e);
	if (rc != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, cp ? in->checkpoint_id : in->place_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return cp ? sj_fail(e, SJ_ENOTFOUND, "checkpoint_id", "no checkpoint with id %lld",
		    (long long)in->checkpoint_id) : sj_fail(e, SJ_ENOTFOUND, "place_id",
		    "no place with id %lld", (long long)in->place_id);
	t->place_id = store_col_int(st, 0);
	t->checkpoint_id = cp ? in->checkpoint_id : 0;
	t->unit_id = store_col_int(st, 1);
	t->unit_name = arena_strdup(a, store_col_text(st, 2));
	store_reset(st);
	return SJ_OK;
}

static sj_rc
check_date(sj_date d, const char *field, sj_err *e)
{
	if (d == INSPECTION_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if (d < DT_DATE_MIN || d > DT_DATE_MAX)
		return sj_fail(e, SJ_EINVAL, field, "is out of range");
	return SJ_OK;
}

/* check_date for a day on which something was done (an inspection, a
 * re-check): not after today, in the configured time zone. */
static sj_rc
check_done_on(sj_date d, const char *field, sj_err *e)
{
	sj_rc rc;

	if ((rc = check_date(d, field, e)) != SJ_OK)
		return rc;
	if (d > dt_date_of(dt_now()))
		return sj_fail(e, SJ_EINVAL, field, "is after today: record it once done");
	return SJ_OK;
}

/* The checks of inspection_add that need no database. */
static sj_rc
inspection_check_input(const inspection_input *in, sj_err *e)
{
	sj_rc rc;

	if ((in->checkpoint_id > 0) == (in->place_id > 0))
		return sj_fail(e, SJ_EINVAL, "checkpoint_id",
		    "give exactly one of checkpoint_id and place_id");
	if ((rc = check_done_on(in->inspected_on, "inspected_on", e)) != SJ_OK ||
	    (rc = visit_check_text(in->summary, "summary", INSPECTION_SUMMARY_MAX, false,
	    e)) != SJ_OK)
		return rc;
	if (in->checklist == NULL)
		return sj_fail(e, SJ_EINVAL, "checklist", "is required");
	if (in->n_inspector_ids == 0)
		return sj_fail(e, SJ_EINVAL, "inspector_ids", "name at least one work-group member");
	return SJ_OK;
}

static void
format_date(sj_date d, char out[DT_DATE_LEN])
{
	dt_date_format(d, out);
}

/* One item result against the checklist: *index receives the item's
 * position - 1.  seen marks the items already given. */
static sj_rc
item_check(const checklist *c, const item_result_input *it, size_t i, sj_date on, bool *seen,
    size_t *index, sj_err *e)
{
	char field[48], day[DT_DATE_LEN];
	size_t k;
	sj_rc rc;

	snprintf(field, sizeof field, "items[%zu].item", i);
	if (it->item == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	for (k = 0; k < c->n_items && strcmp(c->items[k].code, it->item) != 0; k++)
		;
	if (k == c->n_items)
		return sj_fail(e, SJ_EINVAL, field, "'%s' is not an item of checklist '%s'",
		    it->item, c->code);
	if (seen[k])
		return sj_fail(e, SJ_EINVAL, field, "'%s' is given twice", it->item);
	seen[k] = true;
	*index = k;
	snprintf(field, sizeof field, "items[%zu].result", i);
	if ((rc = org_check_enum(it->result, inspection_results, field, e)) != SJ_OK)
		return rc;
	snprintf(field, sizeof field, "items[%zu].note", i);
	if ((rc = visit_check_text(it->note, field, INSPECTION_NOTE_MAX, false, e)) != SJ_OK)
		return rc;
	bool fail = strcmp(it->result, "fail") == 0;
	if (fail && it->note == NULL)
		return sj_fail(e, SJ_EINVAL, field, "a failed item needs a note saying what was wrong");
	snprintf(field, sizeof field, "items[%zu].rectify_by", i);
	if (!fail)
		return it->rectify_by == INSPECTION_DATE_NONE ? SJ_OK : sj_fail(e, SJ_EINVAL, field,
		    "only a failed item has a rectify-by date");
	if (it->rectify_by == INSPECTION_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, field, "a failed item needs a rectify-by date");
	if ((rc = check_date(it->rectify_by, field, e)) != SJ_OK)
		return rc;
	if (it->rectify_by < on) {
		format_date(on, day);
		return sj_fail(e, SJ_EINVAL, field, "is before the inspection (%s)", day);
	}
	return SJ_OK;
}

/* Every item of in against c; *order[k] receives the input index of
 * checklist item k.  Caller frees nothing: arrays are in the arena. */
static sj_rc
items_check(const checklist *c, const inspection_input *in, arena *a, size_t **order, sj_err *e)
{
	bool *seen = arena_zalloc(a, c->n_items + 1);
	size_t k = 0;
	sj_rc rc;

	*order = arena_zalloc(a, (c->n_items + 1) * sizeof **order);
	for (size_t i = 0; i < in->n_items; i++) {
		if ((rc = item_check(c, &in->items[i], i, in->inspected_on, seen, &k, e)) != SJ_OK)
			return rc;
		(*order)[k] = i;
	}
	for (k = 0; k < c->n_items; k++)
		if (!seen[k])
			return sj_fail(e, SJ_EINVAL, "items", "item '%s' (%s) has no result; every item "
			    "of checklist '%s' needs pass, fail or na", c->items[k].code,
			    c->items[k].label, c->code);
	return SJ_OK;
}

/* ---- inspections: writes ------------------------------------------------- */

static sj_rc
inspectors_write(store *s, int64_t id, const int64_t *ids, size_t n, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_INSPECTOR_CLEAR], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_prepare(s, inspection_sql[Q_INSPECTOR_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, id);
		store_bind_int(st, 2, ids[i]);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* Record a re-check of finding_id and apply it: pass closes the finding,
 * fail moves its rectify-by date.  *id (may be NULL) receives its id. */
static sj_rc
recheck_write(store *s, int64_t finding_id, int64_t inspection_id, sj_date on,
    const char *result, const char *note, sj_date rectify_by, int64_t *id, sj_err *e)
{
	bool pass = strcmp(result, "pass") == 0;
	store_stmt *st;
	int64_t rid;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_RECHECK_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, finding_id);
	bind_opt(st, 2, inspection_id, 0);
	store_bind_int(st, 3, on);
	store_bind_text(st, 4, result);
	store_bind_text(st, 5, note);
	bind_opt(st, 6, pass ? INSPECTION_DATE_NONE : rectify_by, INSPECTION_DATE_NONE);
	store_bind_int(st, 7, dt_now());
	if ((rc = store_insert_id(st, &rid, e)) != SJ_OK)
		return rc;
	if (id)
		*id = rid;
	if ((rc = store_prepare(s, inspection_sql[pass ? Q_FINDING_CLOSE : Q_FINDING_MOVE], &st,
	    e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, finding_id);
	if (pass) {
		store_bind_int(st, 2, on);
		store_bind_int(st, 3, rid);
	} else
		store_bind_int(st, 2, rectify_by);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) != 1)
		return sj_fail(e, SJ_ECONFLICT, "finding", "finding %lld is no longer open",
		    (long long)finding_id);
	return rc;
}

/* The open findings of the target's item found on or before `on`, into an
 * arena array. */
static sj_rc
open_findings(store *s, arena *a, const target *t, int64_t item_id, sj_date on, int64_t **ids,
    size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*ids = NULL;
	*n = 0;
	if ((rc = store_prepare(s, inspection_sql[Q_OPEN_FINDINGS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->place_id);
	store_bind_int(st, 2, t->checkpoint_id);
	store_bind_int(st, 3, item_id);
	store_bind_int(st, 4, on);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*ids = arena_grow(a, *ids, &cap, *n, sizeof **ids);
		(*ids)[(*n)++] = store_col_int(st, 0);
	}
	return rc;
}

static sj_rc
finding_write(store *s, int64_t inspection_id, const target *t, int64_t item_id,
    const item_result_input *it, sj_date on, sj_err *e)
{
	store_stmt *st;
	int64_t id;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_FINDING_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, inspection_id);
	store_bind_int(st, 2, item_id);
	store_bind_int(st, 3, t->unit_id);
	store_bind_int(st, 4, t->place_id);
	bind_opt(st, 5, t->checkpoint_id, 0);
	store_bind_text(st, 6, it->note);
	store_bind_int(st, 7, on);
	store_bind_int(st, 8, it->rectify_by);
	store_bind_int(st, 9, dt_now());
	return store_insert_id(st, &id, e);
}

/* One item's result, and what it does to findings (inspection.h). */
static sj_rc
result_write(store *s, arena *a, int64_t id, const target *t, int64_t item_id,
    const item_result_input *it, sj_date on, sj_err *e)
{
	bool fail = strcmp(it->result, "fail") == 0;
	store_stmt *st;
	int64_t *open;
	size_t n_open;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_RESULT_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, item_id);
	store_bind_text(st, 3, it->result);
	store_bind_text(st, 4, it->note);
	if ((rc = store_run(st, e)) != SJ_OK || strcmp(it->result, "na") == 0)
		return rc;
	if ((rc = open_findings(s, a, t, item_id, on, &open, &n_open, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n_open; i++)
		if ((rc = recheck_write(s, open[i], id, on, it->result, it->note, it->rectify_by,
		    NULL, e)) != SJ_OK)
			return rc;
	if (fail && n_open == 0)
		return finding_write(s, id, t, item_id, it, on, e);
	return SJ_OK;
}

static sj_rc
inspection_write(store *s, arena *a, const inspection_input *in, const target *t,
    const checklist *c, const size_t *order, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_INSPECTION_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->unit_id);
	store_bind_int(st, 2, t->place_id);
	bind_opt(st, 3, t->checkpoint_id, 0);
	store_bind_int(st, 4, c->id);
	store_bind_int(st, 5, in->inspected_on);
	store_bind_text(st, 6, in->summary);
	store_bind_int(st, 7, dt_now());
	if ((rc = store_insert_id(st, id, e)) != SJ_OK ||
	    (rc = inspectors_write(s, *id, in->inspector_ids, in->n_inspector_ids, e)) != SJ_OK)
		return rc;
	/* In checklist order, so re-checks and findings get ids in that order. */
	for (size_t k = 0; k < c->n_items; k++)
		if ((rc = result_write(s, a, *id, t, c->items[k].id, &in->items[order[k]],
		    in->inspected_on, e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

sj_rc
inspection_add(store *s, const scope *sc, const inspection_input *in, int64_t *id, sj_err *e)
{
	checklist c;
	target t = {0};
	size_t *order = NULL;
	arena a;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_WRITE, e)) != SJ_OK ||
	    (rc = inspection_check_input(in, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = target_find(s, sc, &a, in, &t, e)) != SJ_OK ||
	    (rc = checklist_get(s, sc, &a, in->checklist, &c, e)) != SJ_OK ||
	    (rc = visit_check_members(s, t.unit_id, t.unit_name, in->inspector_ids,
	    in->n_inspector_ids, INSPECTION_INSPECTORS_MAX, "inspector_ids", e)) != SJ_OK ||
	    (rc = items_check(&c, in, &a, &order, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = inspection_write(s, &a, in, &t, &c, order, id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
inspection_update(store *s, const scope *sc, int64_t id, const inspection_input *in, sj_err *e)
{
	inspection old;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_WRITE, e)) != SJ_OK ||
	    (rc = visit_check_text(in->summary, "summary", INSPECTION_SUMMARY_MAX, false,
	    e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = inspection_get(s, sc, &a, id, &old, e)) != SJ_OK ||
	    (rc = visit_check_members(s, old.unit_id, old.unit_name, in->inspector_ids,
	    in->n_inspector_ids, INSPECTION_INSPECTORS_MAX, "inspector_ids", e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = store_prepare(s, inspection_sql[Q_INSPECTION_UPDATE], &st, e)) == SJ_OK) {
		scope_bind(st, sc);
		store_bind_int(st, 4, id);
		store_bind_text(st, 5, in->summary);
		store_bind_int(st, 6, dt_now());
		if ((rc = store_run(st, e)) == SJ_OK)
			rc = inspectors_write(s, id, in->inspector_ids, in->n_inspector_ids, e);
	}
	if (rc != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- inspections: reads -------------------------------------------------- */

static void
inspection_read(store_stmt *st, arena *a, inspection *n)
{
	memset(n, 0, sizeof *n);
	n->id = store_col_int(st, 0);
	n->unit_id = store_col_int(st, 1);
	n->unit_name = arena_strdup(a, store_col_text(st, 2));
	n->place_id = store_col_int(st, 3);
	n->place_name = arena_strdup(a, store_col_text(st, 4));
	n->checkpoint_id = store_col_int(st, 5);
	n->checkpoint_name = arena_strdup(a, store_col_text(st, 6));
	n->checklist = arena_strdup(a, store_col_text(st, 7));
	n->inspected_on = (sj_date)store_col_int(st, 8);
	n->summary = arena_strdup(a, store_col_text(st, 9));
	n->created_at = store_col_int(st, 10);
	n->updated_at = store_col_int(st, 11);
}

static void
recheck_read(store_stmt *st, arena *a, recheck *r)
{
	r->id = store_col_int(st, 0);
	r->finding_id = store_col_int(st, 1);
	r->inspection_id = store_col_int(st, 2);
	r->checked_on = (sj_date)store_col_int(st, 3);
	r->result = arena_strdup(a, store_col_text(st, 4));
	r->note = arena_strdup(a, store_col_text(st, 5));
	r->rectify_by = col_date(st, 6);
	r->created_at = store_col_int(st, 7);
}

/* The re-checks selected by statement q for key, into an arena array. */
static sj_rc
rechecks_load(store *s, arena *a, int q, int64_t key, recheck **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, inspection_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, key);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		recheck_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

static sj_rc
inspection_details(store *s, arena *a, inspection *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, inspection_sql[Q_INSPECTORS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, n->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		n->inspectors = arena_grow(a, n->inspectors, &cap, n->n_inspectors,
		    sizeof *n->inspectors);
		n->inspectors[n->n_inspectors].member_id = store_col_int(st, 0);
		n->inspectors[n->n_inspectors++].name = arena_strdup(a, store_col_text(st, 1));
	}
	if (rc != SJ_OK || (rc = store_prepare(s, inspection_sql[Q_RESULTS_OF], &st, e)) != SJ_OK)
		return rc;
	cap = 0;
	store_bind_int(st, 1, n->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		item_result *r;
		n->items = arena_grow(a, n->items, &cap, n->n_items, sizeof *n->items);
		r = &n->items[n->n_items++];
		r->item_id = store_col_int(st, 0);
		r->item = arena_strdup(a, store_col_text(st, 1));
		r->label = arena_strdup(a, store_col_text(st, 2));
		r->result = arena_strdup(a, store_col_text(st, 3));
		r->note = arena_strdup(a, store_col_text(st, 4));
		r->finding_id = store_col_int(st, 5);
	}
	if (rc != SJ_OK)
		return rc;
	return rechecks_load(s, a, Q_RECHECKS_OF_INSPECTION, n->id, &n->rechecks, &n->n_rechecks, e);
}

sj_rc
inspection_get(store *s, const scope *sc, arena *a, int64_t id, inspection *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_READ, e)) != SJ_OK ||
	    (rc = store_prepare(s, inspection_sql[Q_INSPECTION_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "inspection", "no inspection with id %lld",
		    (long long)id);
	inspection_read(st, a, out);
	store_reset(st);
	return inspection_details(s, a, out, e);
}

static sj_rc
check_limit(int limit, sj_err *e)
{
	if (limit < 1 || limit > INSPECTION_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit,
		    INSPECTION_LIST_MAX);
	return SJ_OK;
}

sj_rc
inspection_list(store *s, const scope *sc, arena *a, const inspection_filter *f,
    inspection_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = need_perm(sc, PERM_INSPECTION_READ, e)) != SJ_OK ||
	    (rc = check_limit(limit, e)) != SJ_OK)
		return rc;
	if (f->from != INSPECTION_DATE_NONE && f->to != INSPECTION_DATE_NONE && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if ((rc = store_prepare(s, inspection_sql[Q_INSPECTION_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, f->unit_id, 0);
	bind_opt(st, 5, f->place_id, 0);
	bind_opt(st, 6, f->checkpoint_id, 0);
	bind_opt(st, 7, f->from, INSPECTION_DATE_NONE);
	bind_opt(st, 8, f->to, INSPECTION_DATE_NONE);
	bind_opt(st, 9, f->after_id > 0 ? f->after_on : INSPECTION_DATE_NONE, INSPECTION_DATE_NONE);
	bind_opt(st, 10, f->after_id, 0);
	store_bind_int(st, 11, limit + 1);
	out->inspections = arena_alloc(a, (size_t)limit * sizeof *out->inspections);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_inspections == (size_t)limit) {
			out->has_more = true;
			store_reset(st);
			break;
		}
		inspection_read(st, a, &out->inspections[out->n_inspections++]);
	}
	if (rc != SJ_OK)
		return rc;
	if (out->n_inspections > 0) {
		out->next_on = out->inspections[out->n_inspections - 1].inspected_on;
		out->next_id = out->inspections[out->n_inspections - 1].id;
	}
	for (size_t i = 0; i < out->n_inspections; i++)
		if ((rc = inspection_details(s, a, &out->inspections[i], e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

/* ---- findings ------------------------------------------------------------ */

static void
finding_read(store_stmt *st, arena *a, finding *f)
{
	memset(f, 0, sizeof *f);
	f->id = store_col_int(st, 0);
	f->inspection_id = store_col_int(st, 1);
	f->unit_id = store_col_int(st, 2);
	f->unit_name = arena_strdup(a, store_col_text(st, 3));
	f->place_id = store_col_int(st, 4);
	f->place_name = arena_strdup(a, store_col_text(st, 5));
	f->checkpoint_id = store_col_int(st, 6);
	f->checkpoint_name = arena_strdup(a, store_col_text(st, 7));
	f->item = arena_strdup(a, store_col_text(st, 8));
	f->label = arena_strdup(a, store_col_text(st, 9));
	f->description = arena_strdup(a, store_col_text(st, 10));
	f->found_on = (sj_date)store_col_int(st, 11);
	f->rectify_by = (sj_date)store_col_int(st, 12);
	f->status = arena_strdup(a, store_col_text(st, 13));
	f->closed_on = col_date(st, 14);
	f->closed_by = store_col_int(st, 15);
	f->created_at = store_col_int(st, 16);
}

sj_rc
finding_get(store *s, const scope *sc, arena *a, int64_t id, finding *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_READ, e)) != SJ_OK ||
	    (rc = store_prepare(s, inspection_sql[Q_FINDING_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "finding", "no finding with id %lld", (long long)id);
	finding_read(st, a, out);
	store_reset(st);
	return rechecks_load(s, a, Q_RECHECKS_OF_FINDING, id, &out->rechecks, &out->n_rechecks, e);
}

sj_rc
finding_list(store *s, const scope *sc, arena *a, const finding_filter *f, finding_page *out,
    sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = need_perm(sc, PERM_INSPECTION_READ, e)) != SJ_OK ||
	    (rc = check_limit(limit, e)) != SJ_OK)
		return rc;
	if (f->status && (rc = org_check_enum(f->status, finding_statuses, "status", e)) != SJ_OK)
		return rc;
	if (f->status && strcmp(f->status, "closed") == 0 && f->overdue_on != INSPECTION_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "overdue_on", "only open findings can be overdue");
	if ((rc = store_prepare(s, inspection_sql[Q_FINDING_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_text(st, 4, f->status);
	bind_opt(st, 5, f->overdue_on, INSPECTION_DATE_NONE);
	bind_opt(st, 6, f->unit_id, 0);
	bind_opt(st, 7, f->inspection_id, 0);
	bind_opt(st, 8, f->after_id > 0 ? f->after_by : INSPECTION_DATE_NONE, INSPECTION_DATE_NONE);
	bind_opt(st, 9, f->after_id, 0);
	store_bind_int(st, 10, limit + 1);
	out->findings = arena_alloc(a, (size_t)limit * sizeof *out->findings);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_findings == (size_t)limit) {
			out->has_more = true;
			store_reset(st);
			break;
		}
		finding_read(st, a, &out->findings[out->n_findings++]);
		out->next_by = out->findings[out->n_findings - 1].rectify_by;
		out->next_id = out->findings[out->n_findings - 1].id;
	}
	return rc;
}

static sj_rc
recheck_check(const finding *f, const recheck_input *in, sj_err *e)
{
	char day[DT_DATE_LEN];
	sj_rc rc;

	if ((rc = check_done_on(in->checked_on, "checked_on", e)) != SJ_OK)
		return rc;
	if (in->checked_on < f->found_on) {
		format_date(f->found_on, day);
		return sj_fail(e, SJ_EINVAL, "checked_on", "is before the finding (%s)", day);
	}
	if ((rc = org_check_enum(in->result, recheck_results, "result", e)) != SJ_OK ||
	    (rc = visit_check_text(in->note, "note", INSPECTION_NOTE_MAX, false, e)) != SJ_OK)
		return rc;
	if (strcmp(in->result, "pass") == 0)
		return in->rectify_by == INSPECTION_DATE_NONE ? SJ_OK : sj_fail(e, SJ_EINVAL,
		    "rectify_by", "only a failed re-check sets a new rectify-by date");
	if (in->rectify_by == INSPECTION_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "rectify_by", "a failed re-check needs a new rectify-by "
		    "date");
	if ((rc = check_date(in->rectify_by, "rectify_by", e)) != SJ_OK)
		return rc;
	if (in->rectify_by < in->checked_on)
		return sj_fail(e, SJ_EINVAL, "rectify_by", "is before the re-check");
	return SJ_OK;
}

sj_rc
finding_recheck(store *s, const scope *sc, int64_t finding_id, const recheck_input *in,
    int64_t *id, sj_err *e)
{
	char day[DT_DATE_LEN];
	finding f;
	arena a;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_INSPECTION_WRITE, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = finding_get(s, sc, &a, finding_id, &f, e)) != SJ_OK)
		goto out;
	if (strcmp(f.status, "open") != 0) {
		format_date(f.closed_on, day);
		rc = sj_fail(e, SJ_ECONFLICT, "finding", "finding %lld was closed on %s",
		    (long long)finding_id, day);
		goto out;
	}
	if ((rc = recheck_check(&f, in, e)) != SJ_OK || (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = recheck_write(s, finding_id, 0, in->checked_on, in->result, in->note,
	    in->rectify_by, id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}
