/*
 * trace — exposure tracing over stays (内防扩散; issue 6; DESIGN.md §4
 * "Time", "Retention"): who shared a place with an index person, when,
 * and for how long, and (depth 2) who those people met afterwards.  The
 * answer is computed from the in-memory stay index (trace_index.h); see
 * docs/trace.md for the rules worked through and their cost.
 *
 * Rules (all intervals half-open; overlap = max(0, min(e1, e2) − max(s1, s2))):
 *   - Expired stays never count: a stay whose entry lies before
 *     now − retention_s (its scan row has expired) is ignored, on every
 *     side.  The effective window is [max(from, now − retention_s), to).
 *   - The index person's exposure at a place is the union of their stays
 *     there, each extended by `margin_s` after its exit, clipped to the
 *     window (an extended stay that reaches the next one merges with it, so
 *     no second is counted twice).
 *   - First degree: every other person with a stay at the same place that
 *     overlaps that exposure.  Each overlapping piece is an interval
 *     (place, from, to, seconds); pieces of one contact at one place that
 *     touch or overlap are merged.  A contact's total is the sum of its
 *     intervals' seconds; they are a contact when the total is ≥
 *     min_overlap_s and > 0.
 * *   - Second degree (depth 2): let f_C be the start of first-degree
 *     contact C's earliest interval (their first exposure).  C covers a
 *     place during each of C's stays there from max(f_C, window start) to
 *     the stay's end (clipped to the window).  Every person X who is
 *     neither the index person nor a first-degree contact gets the seconds
 *     of X's stays at a place that some first-degree contact covers, each
 *     second once, as intervals `via` the covering contact who arrived
 *     first (earliest covering start, then the longer, then the lower
 *     person id); no margin (it applies to the index person only).  X is a
 *     contact when the total is ≥ min_overlap_s and > 0.
   - exclude_home: an overlap at a place that is the contact's own home
 *     place (the place of their household) is ignored (people meeting at
 *     their own compound gate every day).
 *   - Contacts come once each, sorted by total overlap (descending), then
 *     first interval start, then person id; intervals by start, end, place,
 *     via.
 */
#ifndef SJ_TRACE_H
#define SJ_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/trace_index.h"

#define TRACE_WINDOW_DEFAULT_S (14 * 86400)   /* the last 14 days (issue 6) */
#define TRACE_MIN_OVERLAP_DEFAULT_S (15 * 60) /* 15 minutes */
/* The longest margin: 3660 days, the longest window `days` gives (a
 * margin beyond the window changes nothing); it keeps an exposure's end,
 * a stay's exit plus the margin, far from int64 overflow. */
#define TRACE_MARGIN_MAX_S ((int64_t)3660 * 86400)

typedef struct trace_params {
	int64_t person_id;      /* the index person */
	int64_t from, to;       /* the window [from, to), seconds since the epoch */
	int64_t min_overlap_s;  /* ≥ 0 and ≤ to − from */
	int64_t margin_s;       /* ≥ 0: added after each of the index person's stays */
	bool exclude_home;
	int depth;              /* 1 or 2 */
	int64_t now;            /* the clock (seconds since the epoch) */
	int64_t retention_s;    /* > 0: setting retention-days × 86400 */
} trace_params;

/* One interval of a contact as the answer lists it (trace_result_interval). */
typedef struct trace_interval {
	int64_t place_id;
	int64_t from, to;       /* [from, to), seconds since the epoch */
	int64_t seconds;        /* to − from */
	int64_t via_person_id;  /* depth 2: the first-degree contact met; 0 for first degree */
} trace_interval;

/* How a result holds an interval: 12 bytes (a second-degree answer has
 * tens of millions), the place and the via shared through a label. */
typedef struct trace_span {
	uint32_t from, to;      /* [from, to), seconds after the result's base */
	uint32_t label;         /* index into the result's labels */
} trace_span;

/* A place and a via (0: none, first degree) that spans share. */
typedef struct trace_label {
	int64_t place_id;
	int64_t via_person_id;
} trace_label;

typedef struct trace_contact {
	int64_t person_id;
	int degree;             /* 1 or 2 */
	int64_t total_s;        /* sum of the intervals' seconds */
	int64_t first_at;       /* the earliest interval's start */
	const trace_span *spans;  /* its intervals, in the result's pool (trace_result_interval) */
	size_t n_intervals;
} trace_contact;

typedef struct trace_stay {
	int64_t place_id;
	int64_t entry_at, exit_at;
} trace_stay;

typedef struct trace_result {
	trace_params params;    /* the parameters used, defaults filled in */
	trace_stay *own;        /* the index person's stays overlapping the window, by entry */
	size_t n_own;
	trace_contact *contacts;
	size_t n_contacts;
	size_t n_first, n_second;
	int64_t base;           /* spans count seconds from it (seconds since the epoch) */
	trace_label *labels;    /* the spans' places and vias; owned here */
	size_t n_labels;
	trace_span *pool;       /* every contact's spans; owned here (may hold unused gaps) */
	size_t n_pool;          /* the spans listed by the contacts, in all */
} trace_result;

/* p with the defaults for person_id at the instant now: the window
 * [now − 14 days, now), min overlap 15 min, margin 0, home places
 * included, depth 1, retention 28 days. */
void trace_params_default(trace_params *p, int64_t person_id, int64_t now);

/* Check p (see trace_run) without running it.  Errors: SJ_EINVAL naming
 * "to" (window empty: to ≤ from), "from" (window in the future:
 * from ≥ now), "min_overlap" (negative, or longer than the window),
 * "margin" (negative, or above TRACE_MARGIN_MAX_S), "depth" (not 1 or 2),
 * "retention" (≤ 0). */
sj_rc trace_params_check(const trace_params *p, sj_err *e);

/* Set p->min_overlap_s and p->margin_s from minutes as the API and the
 * command line take them, refusing what × 60 would overflow (found in
 * review: margin_minutes 2^62 wrapped to a margin of 0 s, and 2^61 minutes
 * of overlap to a negative one).  Errors: SJ_EINVAL naming "min_overlap"
 * (more minutes than INT64_MAX / 60: longer than any window) or "margin"
 * (more than TRACE_MARGIN_MAX_S / 60); a negative value is left for
 * trace_params_check to refuse. */
sj_rc trace_params_minutes(trace_params *p, int64_t min_overlap_minutes, int64_t margin_minutes,
    sj_err *e);

/* Trace p->person_id over the index (under its read lock) by the rules at
 * the top.  Fills *out, which the caller frees with trace_result_free; a
 * person the index does not know (no stay in the window; whether they
 * exist is the caller's check, trace_who_resolve) has no stays and no
 * contacts.  Errors: as trace_params_check.  On error *out is empty. */
sj_rc trace_run(trace_index *ix, const trace_params *p, trace_result *out, sj_err *e);

/* The j-th interval (j < c->n_intervals) of contact c of r, in the
 * answer's order (start, end, place id, via). */
trace_interval trace_result_interval(const trace_result *r, const trace_contact *c, size_t j);

/* Free what trace_run allocated in r and empty it.  Accepts NULL. */
void trace_result_free(trace_result *r);

#endif
