/*
 * scan_list — reading scans (domain/scan.h): the places a list searches,
 * the newest-first list merged from each place's key range, and the
 * counts per local day.  The writing side is scan.c.
 */
#include "domain/scan.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/org.h"
#include "domain/retention.h"

enum { Q_PLACES, Q_LIST_PLACE, Q_LIST_PERSON, Q_DAILY, Q_CHECKPOINT_IN_SCOPE };

#define LIST_COLS \
	"s.id, s.place_id, s.checkpoint_id, s.person_id, s.at, s.kind, s.temperature, s.reasons," \
	" s.operator_id, pr.name"

static const char *const list_sql[] = {
	/* ?4 place (NULL: any), ?5 unit (NULL: any) */
	[Q_PLACES] =
	"SELECT p.id FROM place p WHERE " SCOPE_PLACE("p.unit_id", "p.id")
	" AND (p.id = ?4 OR ?4 IS NULL) AND (p.unit_id = ?5 OR ?5 IS NULL) ORDER BY p.id",
	/* ?1 place, ?2 before id, ?3 checkpoint, ?4 from, ?5 to, ?6 limit,
	 * ?7 the attendant (scope_attendant) */
	[Q_LIST_PLACE] =
	"SELECT " LIST_COLS " FROM scan s LEFT JOIN person pr ON pr.id = s.person_id"
	" WHERE s.place_id = ?1 AND (s.id < ?2 OR ?2 IS NULL)"
	" AND (s.checkpoint_id = ?3 OR ?3 IS NULL) AND " SCOPE_ATTENDS("?7", "s.checkpoint_id")
	" AND (s.at >= ?4 OR ?4 IS NULL) AND (s.at < ?5 OR ?5 IS NULL)"
	" ORDER BY s.id DESC LIMIT ?6",
	/* ?4 person, ?5 before, ?6 checkpoint, ?7 from, ?8 to, ?9 place, ?10 unit, ?11 limit */
	[Q_LIST_PERSON] =
	"SELECT " LIST_COLS " FROM scan s LEFT JOIN person pr ON pr.id = s.person_id"
	" JOIN place p ON p.id = s.place_id"
	" WHERE s.person_id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "s.checkpoint_id")
	" AND (s.id < ?5 OR ?5 IS NULL) AND (s.checkpoint_id = ?6 OR ?6 IS NULL)"
	" AND (s.at >= ?7 OR ?7 IS NULL) AND (s.at < ?8 OR ?8 IS NULL)"
	" AND (s.place_id = ?9 OR ?9 IS NULL) AND (p.unit_id = ?10 OR ?10 IS NULL)"
	" ORDER BY s.id DESC LIMIT ?11",
	/* ?1 place, [?2, ?3), ?4 the attendant (scope_attendant) */
	[Q_DAILY] =
	"SELECT s.kind & 1, count(*) FROM scan s WHERE s.place_id = ?1 AND s.at >= ?2"
	" AND s.at < ?3 AND " SCOPE_ATTENDS("?4", "s.checkpoint_id") " GROUP BY s.kind & 1",
	[Q_CHECKPOINT_IN_SCOPE] =
	"SELECT c.id FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id"),
};

/* Stay roles in bits 3-4 of kind (schema/sqlite/0003_checkpoint.sql). */
enum { ROLE_BITS_NONE = 0, ROLE_BITS_JOINS = 2 };

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

sj_rc
scan_places_in_scope(store *s, const scope *sc, arena *a, int64_t place_id, int64_t unit_id,
    int64_t **ids, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*ids = NULL;
	*n = 0;
	if ((rc = store_prepare(s, list_sql[Q_PLACES], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, place_id);
	bind_opt(st, 5, unit_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*ids = arena_grow(a, *ids, &cap, *n, sizeof **ids);
		(*ids)[(*n)++] = store_col_int(st, 0);
	}
	if (rc != SJ_OK)
		return rc;
	if (*n == 0 && place_id)
		return sj_fail(e, SJ_ENOTFOUND, "place", "no place with id %lld%s",
		    (long long)place_id, unit_id ? " in that unit" : "");
	if (*n == 0 && unit_id && !org_unit_visible(s, sc, unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)unit_id);
	return SJ_OK;
}

static void
scan_read(store_stmt *st, arena *a, scan_row *out)
{
	char mask[SCAN_NAME_SIZE];
	const char *name = store_col_text(st, 9);
	int kind = (int)store_col_int(st, 5), role = (kind >> 3) & 3;

	memset(out, 0, sizeof *out);
	out->id = store_col_int(st, 0);
	out->place_id = store_col_int(st, 1);
	out->checkpoint_id = store_col_int(st, 2);
	out->person_id = store_col_int(st, 3);
	out->at = store_col_int(st, 4);
	out->direction = (scan_direction)(kind & 1);
	out->decision = (scan_decision)((kind >> 1) & 3);
	out->source = (scan_source)((kind >> 5) & 7);
	out->temperature = (int)store_col_int(st, 6);
	out->reasons = (unsigned)store_col_int(st, 7);
	out->operator_id = store_col_int(st, 8);
	if (role == ROLE_BITS_NONE)
		out->stay_action = STAY_NONE;
	else if (role == ROLE_BITS_JOINS)
		out->stay_action = STAY_SAME;
	else if (out->direction == SCAN_OUT)
		out->stay_action = STAY_CLOSED;
	else
		out->stay_action = STAY_OPENED;
	if (name && ident_name_mask(name, mask, sizeof mask, NULL) == SJ_OK)
		out->person_name = arena_strdup(a, mask);
}

static sj_rc
collect(store_stmt *st, arena *a, scan_row **rows, size_t *n, size_t *cap, sj_err *e)
{
	bool row;
	sj_rc rc;

	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*rows = arena_grow(a, *rows, cap, *n, sizeof **rows);
		scan_read(st, a, &(*rows)[(*n)++]);
	}
	return rc;
}

static int
by_id_desc(const void *x, const void *y)
{
	const scan_row *a = x, *b = y;

	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

static sj_rc
check_list_filter(store *s, const scope *sc, const scan_filter *f, int *limit, sj_err *e)
{
	store_stmt *st;
	bool found;
	int64_t v;
	sj_rc rc;

	*limit = f->limit ? f->limit : 50;
	if (*limit < 1 || *limit > SCAN_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", *limit,
		    SCAN_LIST_MAX);
	if (f->from && f->to && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if (f->checkpoint_id == 0)
		return SJ_OK;
	if ((rc = store_prepare(s, list_sql[Q_CHECKPOINT_IN_SCOPE], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, f->checkpoint_id);
	if ((rc = store_query_int(st, &v, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "checkpoint", "no checkpoint with id %lld",
		    (long long)f->checkpoint_id);
	return SJ_OK;
}

static sj_rc
list_person(store *s, const scope *sc, arena *a, const scan_filter *f, int limit,
    scan_row **rows, size_t *n, size_t *cap, sj_err *e)
{
	store_stmt *st;
	int64_t *ids;
	size_t n_ids;
	sj_rc rc;

	if ((f->place_id || f->unit_id) &&
	    (rc = scan_places_in_scope(s, sc, a, f->place_id, f->unit_id, &ids, &n_ids, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, list_sql[Q_LIST_PERSON], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, f->person_id);
	bind_opt(st, 5, f->before_id);
	bind_opt(st, 6, f->checkpoint_id);
	/* Expired scans are invisible from the second they expire (retention.h). */
	store_bind_int(st, 7, retention_from(RETENTION_SCAN, dt_now(), f->from));
	bind_opt(st, 8, f->to);
	bind_opt(st, 9, f->place_id);
	bind_opt(st, 10, f->unit_id);
	store_bind_int(st, 11, limit + 1);
	return collect(st, a, rows, n, cap, e);
}

sj_rc
scan_list(store *s, const scope *sc, arena *a, const scan_filter *f, scan_page *out, sj_err *e)
{
	size_t n = 0, cap = 0, n_ids;
	scan_row *rows = NULL;
	int64_t *ids, now = dt_now();
	store_stmt *st;
	int limit;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_list_filter(s, sc, f, &limit, e)) != SJ_OK)
		return rc;
	if (f->person_id) {
		rc = list_person(s, sc, a, f, limit, &rows, &n, &cap, e);
	} else {
		if ((rc = scan_places_in_scope(s, sc, a, f->place_id, f->unit_id, &ids, &n_ids, e))
		    != SJ_OK)
			return rc;
		if (n_ids > SCAN_LIST_PLACES)
			return sj_fail(e, SJ_EINVAL, "place", "%zu places are in scope; narrow the list "
			    "to a place, a unit or a person", n_ids);
		for (size_t i = 0; rc == SJ_OK && i < n_ids; i++) {
			if ((rc = store_prepare(s, list_sql[Q_LIST_PLACE], &st, e)) != SJ_OK)
				break;
			store_bind_int(st, 1, ids[i]);
			bind_opt(st, 2, f->before_id);
			bind_opt(st, 3, f->checkpoint_id);
			store_bind_int(st, 4, retention_from(RETENTION_SCAN, now, f->from));
			bind_opt(st, 5, f->to);
			store_bind_int(st, 6, limit + 1);
			store_bind_int(st, 7, scope_attendant(sc));
			rc = collect(st, a, &rows, &n, &cap, e);
		}
	}
	if (rc != SJ_OK)
		return rc;
	if (n > 1)  /* qsort's array must not be NULL, even for 0 rows (C17 7.22.5) */
		qsort(rows, n, sizeof *rows, by_id_desc);
	out->scans = rows;
	out->n_scans = n > (size_t)limit ? (size_t)limit : n;
	out->has_more = n > (size_t)limit;
	if (out->has_more)
		out->next_before_id = rows[limit - 1].id;
	return SJ_OK;
}

sj_rc
scan_daily(store *s, const scope *sc, int64_t place_id, int64_t unit_id, int32_t from,
    int32_t to, int64_t *counts_in, int64_t *counts_out, sj_err *e)
{
	int64_t now = dt_now();
	arena a;
	int64_t *ids;
	size_t n_ids;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (to < from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if (to - from >= 366)
		return sj_fail(e, SJ_EINVAL, "to", "at most 366 days at a time");
	arena_init(&a);
	if ((rc = scan_places_in_scope(s, sc, &a, place_id, unit_id, &ids, &n_ids, e)) != SJ_OK)
		goto out;
	for (int32_t d = from; d <= to; d++) {
		counts_in[d - from] = counts_out[d - from] = 0;
		for (size_t i = 0; i < n_ids; i++) {
			if ((rc = store_prepare(s, list_sql[Q_DAILY], &st, e)) != SJ_OK)
				goto out;
			store_bind_int(st, 1, ids[i]);
			/* The local day as an interval of instants: never
			 * midnight UTC (docs/time.md). */
			store_bind_int(st, 2, retention_from(RETENTION_SCAN, now,
			    dt_date_start(d)));
			store_bind_int(st, 3, dt_date_end(d));
			store_bind_int(st, 4, scope_attendant(sc));
			while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
				if (store_col_int(st, 0) == SCAN_OUT)
					counts_out[d - from] += store_col_int(st, 1);
				else
					counts_in[d - from] += store_col_int(st, 1);
			}
			if (rc != SJ_OK)
				goto out;
		}
	}
out:
	arena_free(&a);
	return rc;
}
