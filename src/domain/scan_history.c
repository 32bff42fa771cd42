/*
 * scan_history — what scan_write reads of a person's earlier scans at a
 * place before it writes a new one at time t: the scans the rules need
 * near t, whatever their ids (scan_int.h).
 *
 * What the rules need (domain/stay.h, scan.h "Idempotency"):
 *   - the idempotency check: the scans with the same key fingerprint whose
 *     time lies within SCAN_KEY_WINDOW_S of t, either side;
 *   - the stay plan (stay_plan): three stays — P, the one with the latest
 *     entry at or before t (the stay an exit closes, however long ago it
 *     began: overnight stays), N, the one with the earliest entry after t,
 *     and L, the one with the latest entry after t (the open stay an exit
 *     may come before);
 *   - a replayed answer: the stay that holds the stored scan.
 * Ids follow the order of writing, not of time (an import of older rows, a
 * backdated scan): "the newest N by id" is not "the scans near t", which
 * is why the index scan_by_person is (person_id, place_id, at)
 * (schema 0016).
 *
 * The read: first the pair's newest HISTORY_MAX scans by time, one index
 * range (Q_HISTORY; the common case, as cheap as the read by id it
 * replaces).  When fewer come back, that is all of them.  When it comes
 * back full, every scan later than the oldest time in it (a_min) is in it,
 * so it holds what the rules need when a stay of it begins in (a_min, t]
 * (that is P; N and L are later still) and, for a keyed scan,
 * t − SCAN_KEY_WINDOW_S > a_min.  Otherwise the needed scans themselves
 * are read instead, in one statement (Q_NEAR): P, N and L, each the first
 * stay along the index from t, and the latest keyed scan within the
 * window.  A replay of a scan whose stay was not read reads it
 * (Q_STAY_BEFORE).  The cost is thus at most HISTORY_MAX rows, or the
 * probes plus the person's scans there in the two days around t (the key
 * is not in the index) and the non-stay scans the probes step over — never
 * the pair's whole history.
 *
 * Scans that have expired do not exist for a live write
 * (retention_write_sees): they are read, counted for a_min, and skipped.
 */
#include "domain/scan_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/retention.h"

enum { Q_HISTORY, Q_NEAR, Q_STAY_BEFORE, Q_UNKNOWN };

#define HISTORY_COLS \
	"id, at, kind, stay_s, key_fp, checkpoint_id, temperature, reasons, operator_id"
#define PAIR "FROM scan WHERE person_id = ?1 AND place_id = ?2"

/* SQLite takes no ORDER BY or LIMIT on a member of a compound SELECT, and
 * PostgreSQL wants a name for a subquery in FROM: each probe is wrapped. */
#define PROBE(name, where, order) \
	"SELECT * FROM (SELECT " HISTORY_COLS " " PAIR " AND " where \
	" ORDER BY at " order " LIMIT 1) " name

static const char *const history_sql[] = {
	/* the pair's newest scans by time (scan_by_person) */
	[Q_HISTORY] =
	"SELECT " HISTORY_COLS " " PAIR " ORDER BY at DESC LIMIT 256",
	/* ?3 t: P, N and L; ?4 the key fingerprint, [?5, ?6] its window (an
	 * empty one for a scan without a key).  UNION: a row found twice
	 * (a keyed stay) comes once. */
	[Q_NEAR] =
	PROBE("p", "stay_s IS NOT NULL AND at <= ?3", "DESC")
	" UNION " PROBE("n", "stay_s IS NOT NULL AND at > ?3", "ASC")
	" UNION " PROBE("l", "stay_s IS NOT NULL AND at > ?3", "DESC")
	" UNION " PROBE("k", "at >= ?5 AND at <= ?6 AND key_fp = ?4", "DESC"),
	/* ?3 t: the stay with the latest entry at or before t */
	[Q_STAY_BEFORE] =
	"SELECT " HISTORY_COLS " " PAIR " AND stay_s IS NOT NULL AND at <= ?3"
	" ORDER BY at DESC LIMIT 1",
	/* scans of unknown identity numbers at place ?1 with key ?2 in [?3, ?4] */
	[Q_UNKNOWN] =
	"SELECT " HISTORY_COLS " FROM scan WHERE person_id IS NULL AND place_id = ?1"
	" AND at >= ?3 AND at <= ?4 AND key_fp = ?2 ORDER BY at DESC LIMIT 1",
};

_Static_assert(HISTORY_MAX == 256, "Q_HISTORY's LIMIT");

/* Whether h already holds the scan with this id. */
static bool
holds(const history *h, int64_t id)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->rows[i].id == id)
			return true;
	return false;
}

/* Append the rows of st to h, skipping those a live write must not see
 * and, with dedupe, those h holds already; *n_sql: the rows the statement gave, *min_at the
 * oldest time among them, *stay_before the latest entry at or before t of
 * a stay among them (INT64_MIN: none). */
static sj_rc
take_rows(store_stmt *st, const scan_prepared *p, history *h, bool dedupe, size_t *n_sql,
    int64_t *min_at, int64_t *stay_before, sj_err *e)
{
	int64_t now = dt_now();
	bool row;
	sj_rc rc;

	*n_sql = 0;
	*min_at = INT64_MAX;
	*stay_before = INT64_MIN;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row && h->n < HISTORY_ROWS) {
		history_row *r = &h->rows[h->n];
		r->at = store_col_int(st, 1);
		r->id = store_col_int(st, 0);
		r->stay_s = store_col_is_null(st, 3) ? 0 : store_col_int(st, 3);
		++*n_sql;
		if (r->at < *min_at)
			*min_at = r->at;
		if (r->stay_s > 0 && r->at <= p->at && r->at > *stay_before)
			*stay_before = r->at;
		/* An expired scan does not exist for a live scan: no replay of
		 * its key, no stay joined to it (retention_write_sees). */
		if (!retention_write_sees(RETENTION_SCAN, now, p->at, r->at) || (dedupe && holds(h, r->id)))
			continue;
		h->n++;
		r->kind = (int)store_col_int(st, 2);
		r->key_fp = store_col_is_null(st, 4) ? 0 : store_col_int(st, 4);
		r->checkpoint_id = store_col_int(st, 5);
		r->temperature = (int)store_col_int(st, 6);
		r->reasons = (unsigned)store_col_int(st, 7);
		r->operator_id = store_col_int(st, 8);
		if (r->stay_s > 0) {
			stay_span *sp = &h->spans[h->n_spans++];
			sp->id = r->id;
			sp->entry_at = r->at;
			sp->exit_at = r->at + r->stay_s;
			sp->exit_recorded = kind_role(r->kind) == SROLE_OPENS_RECORDED;
		}
	}
	if (rc == SJ_OK && row)
		store_reset(st);
	return rc;
}

/* Prepare statement q of the pair of p: ?1 person, ?2 place, ?3 t. */
static sj_rc
prepare_pair(store *s, int q, const scan_prepared *p, int64_t t, store_stmt **st, sj_err *e)
{
	sj_rc rc;

	if ((rc = store_prepare(s, history_sql[q], st, e)) != SJ_OK)
		return rc;
	store_bind_int(*st, 1, p->person_id);
	store_bind_int(*st, 2, p->place_id);
	store_bind_int(*st, 3, t);
	return SJ_OK;
}

/* Bind the key window [?lo, ?hi] of p (empty for a scan without a key). */
static void
bind_window(store_stmt *st, int lo, int hi, const scan_prepared *p)
{
	store_bind_int(st, lo, p->key_fp ? p->at - SCAN_KEY_WINDOW_S : 1);
	store_bind_int(st, hi, p->key_fp ? p->at + SCAN_KEY_WINDOW_S : 0);
}

sj_rc
scan_history_read(store *s, const scan_prepared *p, history *h, sj_err *e)
{
	int64_t min_at, stay_before;
	store_stmt *st;
	size_t n_sql;
	sj_rc rc;

	h->n = h->n_spans = 0;
	h->complete = true;
	h->covers_from = INT64_MIN;
	h->from_memo = false;
	if (p->person_id == 0 && p->key_fp == 0)
		return SJ_OK;  /* nothing to derive, nothing to replay */
	if (p->person_id == 0) {
		/* No stays: only the keyed scans of the window, one of them. */
		if ((rc = store_prepare(s, history_sql[Q_UNKNOWN], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, p->place_id);
		store_bind_int(st, 2, p->key_fp);
		bind_window(st, 3, 4, p);
		return take_rows(st, p, h, false, &n_sql, &min_at, &stay_before, e);
	}
	if ((rc = prepare_pair(s, Q_HISTORY, p, p->at, &st, e)) != SJ_OK ||
	    (rc = take_rows(st, p, h, false, &n_sql, &min_at, &stay_before, e)) != SJ_OK)
		return rc;
	if (n_sql < HISTORY_MAX)
		return SJ_OK;  /* all of the pair's scans */
	h->complete = false;
	h->covers_from = min_at;
	if (stay_before > min_at && (p->key_fp == 0 || p->at - SCAN_KEY_WINDOW_S > min_at))
		return SJ_OK;  /* what the rules need is in it (above) */
	h->covers_from = INT64_MAX;
	h->n = h->n_spans = 0;
	if ((rc = prepare_pair(s, Q_NEAR, p, p->at, &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 4, p->key_fp);
	bind_window(st, 5, 6, p);
	return take_rows(st, p, h, false, &n_sql, &min_at, &stay_before, e);
}

const history_row *
scan_history_replay(const history *h, const scan_prepared *p)
{
	const history_row *best = NULL;

	if (p->key_fp == 0)
		return NULL;
	for (size_t i = 0; i < h->n; i++) {
		const history_row *r = &h->rows[i];
		if (r->key_fp != p->key_fp || llabs(r->at - p->at) > SCAN_KEY_WINDOW_S)
			continue;
		if (best == NULL || r->at > best->at || (r->at == best->at && r->id > best->id))
			best = r;
	}
	return best;
}

/* The stay of h that r belongs to: its own (an opening entry), else the
 * one whose interval holds r's time (or ends at it, for an exit). */
static const stay_span *
span_of(const history *h, const history_row *r)
{
	for (size_t i = 0; i < h->n_spans; i++)
		if (h->spans[i].id == r->id)
			return &h->spans[i];
	for (size_t i = 0; i < h->n_spans; i++) {
		const stay_span *sp = &h->spans[i];
		if (r->at >= sp->entry_at && r->at <= sp->exit_at)
			return sp;
	}
	return NULL;
}

sj_rc
scan_history_stay_of(store *s, const scan_prepared *p, history *h, const history_row *r,
    const stay_span **out, sj_err *e)
{
	int64_t min_at, stay_before;
	store_stmt *st;
	size_t n_sql;
	sj_rc rc;

	if ((*out = span_of(h, r)) != NULL || h->complete)
		return SJ_OK;
	/* The stay holding r began before what was read: the latest one
	 * entered at or before r. */
	if ((rc = prepare_pair(s, Q_STAY_BEFORE, p, r->at, &st, e)) != SJ_OK ||
	    (rc = take_rows(st, p, h, true, &n_sql, &min_at, &stay_before, e)) != SJ_OK)
		return rc;
	*out = span_of(h, r);
	return SJ_OK;
}
