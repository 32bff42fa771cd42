/*
 * stay — the derivation rules of stays (stay_plan, pure) and the stay
 * list.
 *
 * Invariant kept by stay_plan for each person and place: stays do not
 * overlap and every stay has exit_at > entry_at, so [entry_at, exit_at) is
 * never empty and the intervals order by entry.
 */
#include "domain/stay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/ident.h"
#include "domain/retention.h"
#include "domain/scan.h"

/* ---- the plan --------------------------------------------------------------- */

typedef struct neighbours {
	const stay_span *prev;    /* latest entry_at <= t */
	const stay_span *next;    /* earliest entry_at > t */
	const stay_span *latest;  /* latest entry_at of all */
} neighbours;

static void
find_neighbours(const stay_span *stays, size_t n, int64_t t, neighbours *nb)
{
	memset(nb, 0, sizeof *nb);
	for (size_t i = 0; i < n; i++) {
		const stay_span *s = &stays[i];
		if (s->entry_at <= t && (nb->prev == NULL || s->entry_at > nb->prev->entry_at))
			nb->prev = s;
		if (s->entry_at > t && (nb->next == NULL || s->entry_at < nb->next->entry_at))
			nb->next = s;
		if (nb->latest == NULL || s->entry_at > nb->latest->entry_at)
			nb->latest = s;
	}
}

static void
add_change(stay_plan_out *out, int64_t id, int64_t exit_at, bool recorded, bool demote)
{
	stay_change *c = &out->changes[out->n_changes++];

	c->id = id;
	c->exit_at = exit_at;
	c->exit_recorded = recorded;
	c->demote = demote;
}

/* An entry that comes without an exit after an unrecorded stay ends it. */
static void
cut_prev(const neighbours *nb, int64_t t, stay_plan_out *out)
{
	const stay_span *p = nb->prev;

	if (p && !p->exit_recorded && p->exit_at > t)
		add_change(out, p->id, t, false, false);
}

static void
plan_entry(const neighbours *nb, int64_t t, const stay_rules *r, stay_plan_out *out)
{
	const stay_span *p = nb->prev, *n = nb->next;

	if (p && (p->exit_recorded ? t < p->exit_at : t - p->entry_at <= r->reentry_s)) {
		out->action = STAY_SAME;
		out->stay_id = p->id;
		return;
	}
	if (n && n->entry_at - t <= r->reentry_s) {
		/* A repeated entry just before a stay: the stay starts earlier,
		 * and this scan becomes its opening scan. */
		out->action = STAY_SAME;
		out->opens = true;
		out->exit_at = n->exit_at;
		out->exit_recorded = n->exit_recorded;
		add_change(out, n->id, n->exit_at, n->exit_recorded, true);
		cut_prev(nb, t, out);
		return;
	}
	out->action = STAY_OPENED;
	out->opens = true;
	out->exit_at = t + r->default_stay_s;
	if (n && n->entry_at < out->exit_at)
		out->exit_at = n->entry_at;
	out->exit_recorded = false;
	cut_prev(nb, t, out);
}

static sj_rc
plan_exit(const neighbours *nb, int64_t t, const stay_rules *r, stay_plan_out *out, sj_err *e)
{
	const stay_span *p = nb->prev, *l = nb->latest;
	char at[DT_RFC3339_LEN], entry[DT_RFC3339_LEN];

	if (!r->records_exits)
		return sj_fail(e, SJ_EINVAL, "direction",
		    "this place records entries only; scan entries (in)");
	if (p && !p->exit_recorded) {
		out->action = STAY_CLOSED;
		out->stay_id = p->id;
		/* An exit in the same second as the entry still leaves a
		 * one-second stay: a half-open interval must not be empty. */
		add_change(out, p->id, t > p->entry_at ? t : p->entry_at + 1, true, false);
		return SJ_OK;
	}
	if (l && !l->exit_recorded && t < l->entry_at) {
		dt_format_rfc3339(t, at);
		dt_format_rfc3339(l->entry_at, entry);
		return sj_fail(e, SJ_EINVAL, "time", "an exit at %s is before the entry at %s of this "
		    "person's open stay here", at, entry);
	}
	if (p && t <= p->exit_at + r->reentry_s) {
		out->action = STAY_SAME;
		out->stay_id = p->id;
		return SJ_OK;
	}
	out->action = STAY_NONE;
	return SJ_OK;
}

sj_rc
stay_plan(const stay_span *stays, size_t n, bool exit, int64_t t, const stay_rules *rules,
    stay_plan_out *out, sj_err *e)
{
	neighbours nb;

	memset(out, 0, sizeof *out);
	find_neighbours(stays, n, t, &nb);
	if (exit)
		return plan_exit(&nb, t, rules, out, e);
	plan_entry(&nb, t, rules, out);
	return SJ_OK;
}

int64_t
stay_overlap(int64_t s1, int64_t e1, int64_t s2, int64_t e2)
{
	int64_t start = s1 > s2 ? s1 : s2, end = e1 < e2 ? e1 : e2;

	return end > start ? end - start : 0;
}

/* ---- the list --------------------------------------------------------------- */

enum { Q_BY_PLACE, Q_BY_PERSON };

#define STAY_COLS \
	"s.id, s.place_id, s.checkpoint_id, s.person_id, s.at, s.at + s.stay_s, s.kind, pr.name"

static const char *const stay_sql[] = {
	/* ?1 place, ?2 before id (NULL: none), ?3 from, ?4 to, ?5 person, ?6 limit,
	 * ?7 the attendant (scope_attendant), ?8 the retention cut-off */
	[Q_BY_PLACE] =
	"SELECT " STAY_COLS " FROM scan s JOIN person pr ON pr.id = s.person_id"
	" WHERE s.place_id = ?1 AND s.stay_s IS NOT NULL"
	" AND (s.id < ?2 OR ?2 IS NULL)"
	" AND (s.at + s.stay_s > ?3 OR ?3 IS NULL) AND (s.at < ?4 OR ?4 IS NULL)"
	" AND (s.person_id = ?5 OR ?5 IS NULL) AND " SCOPE_ATTENDS("?7", "s.checkpoint_id")
	" AND s.at >= ?8 ORDER BY s.id DESC LIMIT ?6",
	/* the person's stays in the places in scope: ?4 person, ?5 before,
	 * ?6 from, ?7 to, ?8 place, ?9 unit, ?10 limit, ?11 the retention cut-off */
	[Q_BY_PERSON] =
	"SELECT " STAY_COLS " FROM scan s JOIN person pr ON pr.id = s.person_id"
	" JOIN place p ON p.id = s.place_id"
	" WHERE s.person_id = ?4 AND s.stay_s IS NOT NULL"
	" AND " SCOPE_CHECKPOINT("p.unit_id", "s.checkpoint_id")
	" AND (s.id < ?5 OR ?5 IS NULL)"
	" AND (s.at + s.stay_s > ?6 OR ?6 IS NULL) AND (s.at < ?7 OR ?7 IS NULL)"
	" AND (s.place_id = ?8 OR ?8 IS NULL) AND (p.unit_id = ?9 OR ?9 IS NULL)"
	" AND s.at >= ?11 ORDER BY s.id DESC LIMIT ?10",
};

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

static void
stay_read(store_stmt *st, arena *a, int64_t now, stay_row *out)
{
	char mask[SCAN_NAME_SIZE];
	const char *name = store_col_text(st, 7);

	memset(out, 0, sizeof *out);
	out->id = store_col_int(st, 0);
	out->place_id = store_col_int(st, 1);
	out->checkpoint_id = store_col_int(st, 2);
	out->person_id = store_col_int(st, 3);
	out->entry_at = store_col_int(st, 4);
	out->exit_at = store_col_int(st, 5);
	out->exit_recorded = (store_col_int(st, 6) & 24) == 24;
	out->open = !out->exit_recorded && out->exit_at > now;
	if (name && ident_name_mask(name, mask, sizeof mask, NULL) == SJ_OK)
		out->person_name = arena_strdup(a, mask);
}

/* Rows of one statement, appended to *rows (a growing arena array). */
static sj_rc
collect(store_stmt *st, arena *a, int64_t now, stay_row **rows, size_t *n, size_t *cap, sj_err *e)
{
	bool row;
	sj_rc rc;

	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*rows = arena_grow(a, *rows, cap, *n, sizeof **rows);
		stay_read(st, a, now, &(*rows)[(*n)++]);
	}
	return rc;
}

static int
by_id_desc(const void *x, const void *y)
{
	const stay_row *a = x, *b = y;

	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

static sj_rc
check_filter(const stay_filter *f, int *limit, sj_err *e)
{
	*limit = f->limit ? f->limit : 50;
	if (*limit < 1 || *limit > STAY_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", *limit,
		    STAY_LIST_MAX);
	if (f->from && f->to && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	return SJ_OK;
}

/* The person's stays: one query through the person index. */
static sj_rc
list_person(store *s, const scope *sc, arena *a, const stay_filter *f, int limit, int64_t now,
    stay_row **rows, size_t *n, size_t *cap, sj_err *e)
{
	store_stmt *st;
	int64_t *ids;
	size_t n_ids;
	sj_rc rc;

	/* Reports a place or unit out of scope as not found. */
	if ((f->place_id || f->unit_id) &&
	    (rc = scan_places_in_scope(s, sc, a, f->place_id, f->unit_id, &ids, &n_ids, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, stay_sql[Q_BY_PERSON], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, f->person_id);
	bind_opt(st, 5, f->before_id);
	bind_opt(st, 6, f->from);
	bind_opt(st, 7, f->to);
	bind_opt(st, 8, f->place_id);
	bind_opt(st, 9, f->unit_id);
	store_bind_int(st, 10, limit + 1);
	/* A stay expires with its entry scan (retention.h). */
	store_bind_int(st, 11, retention_cutoff(RETENTION_SCAN, dt_now()));
	return collect(st, a, now, rows, n, cap, e);
}

sj_rc
stay_list(store *s, const scope *sc, arena *a, const stay_filter *f, stay_page *out, sj_err *e)
{
	int64_t now = f->now ? f->now : dt_now(), *ids;
	size_t n = 0, cap = 0, n_ids;
	stay_row *rows = NULL;
	store_stmt *st;
	int limit;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_filter(f, &limit, e)) != SJ_OK)
		return rc;
	if (f->person_id) {
		rc = list_person(s, sc, a, f, limit, now, &rows, &n, &cap, e);
	} else {
		if ((rc = scan_places_in_scope(s, sc, a, f->place_id, f->unit_id, &ids, &n_ids, e))
		    != SJ_OK)
			return rc;
		if (n_ids > SCAN_LIST_PLACES)
			return sj_fail(e, SJ_EINVAL, "place", "%zu places are in scope; narrow the list "
			    "to a place, a unit or a person", n_ids);
		/* Each place's newest limit + 1 stays, merged below. */
		for (size_t i = 0; rc == SJ_OK && i < n_ids; i++) {
			if ((rc = store_prepare(s, stay_sql[Q_BY_PLACE], &st, e)) != SJ_OK)
				break;
			store_bind_int(st, 1, ids[i]);
			bind_opt(st, 2, f->before_id);
			bind_opt(st, 3, f->from);
			bind_opt(st, 4, f->to);
			bind_opt(st, 5, 0);
			store_bind_int(st, 6, limit + 1);
			store_bind_int(st, 7, scope_attendant(sc));
			store_bind_int(st, 8, retention_cutoff(RETENTION_SCAN, dt_now()));
			rc = collect(st, a, now, &rows, &n, &cap, e);
		}
	}
	if (rc != SJ_OK)
		return rc;
	if (n > 1)  /* qsort's array must not be NULL, even for 0 rows */
		qsort(rows, n, sizeof *rows, by_id_desc);
	out->stays = rows;
	out->n_stays = n > (size_t)limit ? (size_t)limit : n;
	out->has_more = n > (size_t)limit;
	if (out->has_more)
		out->next_before_id = rows[limit - 1].id;
	return SJ_OK;
}

/* ---- announcing changed stays ---------------------------------------------- */

sj_rc
stay_announce(store *s, const stay_news *n, sj_err *e)
{
	char line[128];

	if (n->gone)
		snprintf(line, sizeof line, "stay- %lld %lld %lld", (long long)n->person_id,
		    (long long)n->place_id, (long long)n->entry_at);
	else
		snprintf(line, sizeof line, "stay %lld %lld %lld %lld", (long long)n->person_id,
		    (long long)n->place_id, (long long)n->entry_at, (long long)n->exit_at);
	return store_publish(s, line, e);
}

/* Read k numbers at s as sscanf's "%lld %lld ..." would (each after any
 * white space, with an optional sign, saturated like strtoll), into v;
 * true when all k were read and nothing follows.  strtoll instead of
 * sscanf: sscanf's set-up was ~2 % of the scan writer's CPU, which
 * delivers every announcement (docs/performance.md). */
static bool
read_numbers(const char *s, int k, long long v[4])
{
	char *end;

	for (int i = 0; i < k; i++) {
		v[i] = strtoll(s, &end, 10);
		if (end == s)
			return false;  /* no digits (white space or a sign alone) */
		s = end;
	}
	return *s == '\0';
}

bool
stay_news_parse(const char *line, stay_news *out)
{
	long long v[4];

	memset(out, 0, sizeof *out);
	if (strncmp(line, "stay- ", 6) == 0) {
		if (!read_numbers(line + 6, 3, v))
			return false;
		*out = (stay_news){ .gone = true, .person_id = v[0], .place_id = v[1],
		    .entry_at = v[2] };
		return true;
	}
	if (strncmp(line, "stay ", 5) != 0 || !read_numbers(line + 5, 4, v))
		return false;
	*out = (stay_news){ .person_id = v[0], .place_id = v[1], .entry_at = v[2], .exit_at = v[3] };
	return true;
}
