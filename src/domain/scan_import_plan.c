/*
 * scan_import_plan — a batch's rows planned pair by pair: the stored stays
 * and scans of a (place, person) pair read from the batch's stored rows
 * (read_pair), each row checked against them for duplicates (seen_before)
 * and given the neighbouring stays of its time for stay_plan
 * (span_neighbours), the plan's changes applied in entry order
 * (apply_changes) (scan_import_int.h).
 *
 * Invariants: a pair's stays are kept in order of entry and its scans in
 * time order, so each look-up is a binary search; a row is given at most
 * three stays (the latest at or before its time, the first after it, the
 * latest of all), all stay.c's find_neighbours reads.
 */
#include "domain/scan_import_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "domain/retention.h"

static void
spans_reserve(scan_import *im, size_t n)
{
	if (n > im->cap_spans) {
		im->cap_spans = n + 64;
		im->spans = sj_realloc(im->spans, im->cap_spans * sizeof *im->spans);
	}
}

static int
span_cmp(const void *x, const void *y)
{
	const stay_span *a = x, *b = y;

	return a->entry_at < b->entry_at ? -1 : a->entry_at > b->entry_at;
}

/* The first of st's spans (sorted by entry) with entry_at > t, or, with
 * at, >= t. */
static size_t
span_bound(const pair_state *st, int64_t t, bool at)
{
	size_t lo = 0, hi = st->n_spans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (at ? st->spans[mid].entry_at < t : st->spans[mid].entry_at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The neighbours of t among the pair's spans, the only ones stay_plan
 * reads (stay.c, find_neighbours: the latest entry at or before t, the
 * earliest after it, the latest of all), as indices into st->spans: at
 * most 3, each once, into ix; their number.  Of equal entries (none, as
 * stays do not overlap) the first, as find_neighbours takes. */
static int
span_neighbours(const pair_state *st, int64_t t, size_t ix[3])
{
	size_t after = span_bound(st, t, false), latest;
	int n = 0;

	if (after > 0)
		ix[n++] = span_bound(st, st->spans[after - 1].entry_at, true);
	if (after < st->n_spans)
		ix[n++] = after;
	if (st->n_spans > 0) {
		latest = span_bound(st, st->spans[st->n_spans - 1].entry_at, true);
		if ((n < 1 || ix[0] != latest) && (n < 2 || ix[1] != latest))
			ix[n++] = latest;
	}
	return n;
}

/* Insert span s into st's spans at its place by entry (after equal ones). */
static void
span_insert(scan_import *im, pair_state *st, const stay_span *s)
{
	size_t at = span_bound(st, s->entry_at, false);

	spans_reserve(im, st->n_spans + 1);
	st->spans = im->spans;
	memmove(&st->spans[at + 1], &st->spans[at], (st->n_spans - at) * sizeof *st->spans);
	st->spans[at] = *s;
	st->n_spans++;
}

static int
seen_cmp(const void *x, const void *y)
{
	const seen *a = x, *b = y;

	return a->at < b->at ? -1 : a->at > b->at;
}

static void
note_seen(pair_state *st, const pend *r)
{
	if (st->n_seen == st->cap_seen) {
		st->cap_seen = st->cap_seen ? 2 * st->cap_seen : 64;
		st->seen = sj_realloc(st->seen, st->cap_seen * sizeof *st->seen);
	}
	st->seen[st->n_seen++] = (seen){ .at = r->at, .checkpoint_id = r->checkpoint_id,
	    .direction = r->direction };
}

/* Forget the pair's scans and stays that have expired at the import's
 * now: from the first row of the batch that has not expired itself, the
 * rows are planned as if the expired ones did not exist — no duplicate of
 * an expired scan, no stay joined to an expired stay (domain/retention.h,
 * retention_write_sees; rows before it, expired themselves, see all).  The
 * pair's rows come in time order, so this runs once a pair. */
static void
forget_expired(pair_state *st, int64_t cut)
{
	size_t n = 0, old = 0;

	for (size_t i = 0; i < st->n_seen; i++)
		if (st->seen[i].at >= cut) {
			old += i < st->n_old;
			st->seen[n++] = st->seen[i];
		}
	st->n_seen = n;
	st->n_old = old;
	n = 0;
	for (size_t i = 0; i < st->n_spans; i++)
		if (st->spans[i].entry_at >= cut)
			st->spans[n++] = st->spans[i];
	st->n_spans = n;
}

/* The pair's stored scans, from im->stored at *at on (read_pairs' order,
 * which is the batch's): their stays into st->spans, every scan into
 * st->seen; *at moves past them. */
static void
read_pair(scan_import *im, int64_t place_id, int64_t person_id, size_t *at, pair_state *st)
{
	const stored *x;

	const batch *b = im->wr;

	st->n_spans = st->n_seen = 0;
	st->spans = im->spans;
	for (; *at < b->n_stored; ++*at) {
		x = &b->stored[*at];
		if (x->person_id > person_id || (x->person_id == person_id && x->place_id >= place_id))
			break;
	}
	for (; *at < b->n_stored; ++*at) {
		x = &b->stored[*at];
		if (x->place_id != place_id || x->person_id != person_id)
			break;
		pend r = { .at = x->at, .checkpoint_id = x->checkpoint_id,
		    .direction = (uint8_t)(x->kind & 1) };
		note_seen(st, &r);
		if (x->stay_s > 0) {
			spans_reserve(im, st->n_spans + 1);
			st->spans = im->spans;
			st->spans[st->n_spans++] = (stay_span){ .id = x->id, .entry_at = x->at,
			    .exit_at = x->at + x->stay_s,
			    .exit_recorded = ((x->kind & KIND_ROLE_MASK) >> 3) == SROLE_OPENS_RECORDED };
		}
	}
	for (size_t i = 1; i < st->n_spans; i++)
		if (st->spans[i - 1].entry_at > st->spans[i].entry_at) {
			qsort(st->spans, st->n_spans, sizeof *st->spans, span_cmp);
			break;
		}
	/* by time, for seen_before's search (read_pairs' order and the
	 * overlap's merge, import_merge_written, give them so: a guard) */
	for (size_t i = 1; i < st->n_seen; i++)
		if (st->seen[i - 1].at > st->seen[i].at) {
			qsort(st->seen, st->n_seen, sizeof *st->seen, seen_cmp);
			break;
		}
	st->n_old = st->n_seen;
}

static bool
seen_same(const seen *s, const pend *r)
{
	return s->at == r->at && s->checkpoint_id == r->checkpoint_id &&
	    s->direction == r->direction;
}

/* Whether r repeats a scan of its pair: one stored, found by its time in
 * seen[0, n_old), or a row of the batch kept before it, which came in time
 * order, so only those of r's second at the end need a look.  (A look at
 * every scan of the pair made a pair's rows quadratic: 600,000 rows of one
 * person at one checkpoint took 60 s.)  Counts the scans looked at. */
static bool
seen_before(scan_import *im, const pair_state *st, const pend *r)
{
	size_t lo = 0, hi = st->n_old;

	while (lo < hi) {   /* the first stored scan at r->at or later */
		size_t mid = lo + (hi - lo) / 2;
		im->dup_probes++;
		if (st->seen[mid].at < r->at)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < st->n_old && st->seen[lo].at == r->at; lo++) {
		im->dup_probes++;
		if (seen_same(&st->seen[lo], r))
			return true;
	}
	for (size_t i = st->n_seen; i > st->n_old; i--) {
		im->dup_probes++;
		if (st->seen[i - 1].at < r->at)
			break;
		if (seen_same(&st->seen[i - 1], r))
			return true;
	}
	return false;
}

static void
note_change(scan_import *im, int64_t place_id, const stay_change *c, int64_t entry_at)
{
	if (im->n_changes == im->cap_changes) {
		im->cap_changes = im->cap_changes ? 2 * im->cap_changes : 64;
		im->changes = sj_realloc(im->changes, im->cap_changes * sizeof *im->changes);
	}
	im->changes[im->n_changes] = (stored_change){ .id = c->id, .place_id = place_id,
	    .stay_s = c->demote ? 0 : c->exit_at - entry_at, .recorded = c->exit_recorded,
	    .demote = c->demote, .seq = im->n_changes };
	im->n_changes++;
}

/* Apply plan's changes to the spans and to the rows they live in: a row
 * of this batch (id ≥ first_id) is changed in place, a stored one noted
 * for an UPDATE.  A change is to one of the n neighbours the plan was
 * given (ix: their indices into st->spans); a removed span leaves the
 * others in order. */
static void
apply_changes(scan_import *im, pair_state *st, const stay_plan_out *plan, int64_t place_id,
    size_t ix[3], int n)
{
	for (int c = 0; c < plan->n_changes; c++) {
		const stay_change *ch = &plan->changes[c];
		size_t i = st->n_spans;
		for (int k = 0; k < n; k++)
			if (ix[k] < st->n_spans && st->spans[ix[k]].id == ch->id)
				i = ix[k];
		assert(i < st->n_spans);
		if (ch->id >= st->first_id) {
			pend *r = &im->wr->rows[ch->id - st->first_id];
			r->stay_s = ch->demote ? 0 : (int32_t)(ch->exit_at - r->at);
			r->role = ch->demote ? SROLE_JOINS
			    : ch->exit_recorded ? SROLE_OPENS_RECORDED : SROLE_OPENS;
		} else
			note_change(im, place_id, ch, st->spans[i].entry_at);
		if (ch->demote) {
			memmove(&st->spans[i], &st->spans[i + 1],
			    (st->n_spans - i - 1) * sizeof *st->spans);
			st->n_spans--;
			for (int k = 0; k < n; k++)
				if (ix[k] > i && ix[k] != (size_t)-1)
					ix[k]--;
				else if (ix[k] == i)
					ix[k] = (size_t)-1;
			im->wr->rep.stays--;
		} else {
			st->spans[i].exit_at = ch->exit_at;
			st->spans[i].exit_recorded = ch->exit_recorded;
		}
	}
}

/* Plan rows [from, to) of one (place, person) pair, in time order; *at is
 * read_pair's cursor. */
void
import_plan_pair(scan_import *im, size_t from, size_t to, size_t *at, pair_state *st)
{
	batch *b = im->wr;
	const pend *head = &b->rows[from];
	int64_t cut = retention_cutoff(RETENTION_SCAN, im->now);
	bool live = false;

	read_pair(im, head->place_id, head->person_id, at, st);
	for (size_t i = from; i < to; i++) {
		pend *r = &b->rows[i];
		stay_plan_out plan = { .action = STAY_NONE };
		sj_err why = {0};
		if (!live && r->at >= cut) {
			live = true;
			forget_expired(st, cut);
		}
		if (seen_before(im, st, r)) {
			r->drop = true;
			b->rep.duplicates++;
			continue;
		}
		if (r->decision != SCAN_DENY) {
			stay_rules rules = { .default_stay_s = r->default_stay_s,
			    .reentry_s = im->cfg->reentry_s, .records_exits = r->records_exits };
			/* only the neighbours of the row's time: stay_plan reads
			 * no other (handing it all the pair's stays made a pair's
			 * rows quadratic in its stays) */
			size_t ix[3];
			stay_span near[3];
			int n = span_neighbours(st, r->at, ix);
			for (int k = 0; k < n; k++)
				near[k] = st->spans[ix[k]];
			im->plan_spans += n;
			if (stay_plan(near, (size_t)n, r->direction == SCAN_OUT, r->at, &rules, &plan,
			    &why) != SJ_OK) {
				r->drop = true;
				import_note_reject(im, b, r->line, &why);
				continue;
			}
			apply_changes(im, st, &plan, r->place_id, ix, n);
		}
		r->role = (uint8_t)scan_role_of_plan(&plan);
		note_seen(st, r);
		if (plan.opens) {
			r->stay_s = (int32_t)(plan.exit_at - r->at);
			span_insert(im, st, &(stay_span){ .id = row_id(b, r), .entry_at = r->at,
			    .exit_at = plan.exit_at, .exit_recorded = plan.exit_recorded });
			b->rep.stays++;
		}
	}
}

