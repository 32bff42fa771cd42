/* Unit tests for exposure tracing (domain/trace.h, domain/trace_index.h),
 * pure, without a store.
 *
 * The oracle is deliberately naive and shares no code with trace.c: it
 * walks every second of the window and, for every pair of people at every
 * place, asks "was the index person (with the margin) here at this second,
 * and was the other person here too?" straight from the list of stays —
 * half-open intervals, so a stay [s, e) covers the seconds s .. e − 1.
 * Runs of counted seconds are the intervals; their sum the total.  The
 * randomised tests generate small districts (8 people, 3 places, 600 s)
 * with equal timestamps, zero-length stays, touching stays, stays crossing
 * the window's edges and the retention horizon, margins and home places,
 * and assert that trace_run's answer equals the oracle's contact by
 * contact and second by second.  The hand cases follow issue 5's example
 * (a default stay of 2 h, an exit never scanned) with times in the
 * reference scenario's week (T0 = 2020-03-23T00:00:00+08:00). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/trace.h"
#include "domain/trace_second.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */
#define H(d, h, m) (T0 + (d) * 86400 + (h) * 3600 + (m) * 60)

/* ---- the hand cases ---------------------------------------------------------- */

enum { P_GATE = 11, P_MARKET = 12, P_HOME = 13 };
enum { A = 101, B, C, D, E, F };

static trace_index *
hand_index(void)
{
	trace_index *ix = trace_index_new(T0 - 40 * 86400);
	sj_err e = {0};

	/* A enters the gate at 09:00, no exit scan: [09:00, 11:00) (2 h default). */
	assert_int_equal(trace_index_put(ix, A, P_GATE, H(0, 9, 0), H(0, 11, 0), &e), SJ_OK);
	/* B 15:00-15:30: never overlaps A. */
	assert_int_equal(trace_index_put(ix, B, P_GATE, H(0, 15, 0), H(0, 15, 30), &e), SJ_OK);
	/* C 10:30-12:00: 30 min with A. */
	assert_int_equal(trace_index_put(ix, C, P_GATE, H(0, 10, 30), H(0, 12, 0), &e), SJ_OK);
	/* D 11:10-11:40: none with A; 20 min within a 30 min margin (A until 11:30). */
	assert_int_equal(trace_index_put(ix, D, P_GATE, H(0, 11, 10), H(0, 11, 40), &e), SJ_OK);
	/* A overnight at home 22:00-07:00; F (who lives there) 06:00-08:00: 60 min. */
	assert_int_equal(trace_index_put(ix, A, P_HOME, H(0, 22, 0), H(1, 7, 0), &e), SJ_OK);
	assert_int_equal(trace_index_put(ix, F, P_HOME, H(1, 6, 0), H(1, 8, 0), &e), SJ_OK);
	trace_index_set_home(ix, F, P_HOME);
	/* E meets C at the market after C's exposure (12:30-13:30, C 12:00-14:00):
	 * 60 min, second degree via C; and E met C there the day before, which
	 * is before C's first exposure and does not count. */
	assert_int_equal(trace_index_put(ix, C, P_MARKET, H(0, 12, 0), H(0, 14, 0), &e), SJ_OK);
	assert_int_equal(trace_index_put(ix, E, P_MARKET, H(0, 12, 30), H(0, 13, 30), &e), SJ_OK);
	assert_int_equal(trace_index_put(ix, C, P_MARKET, H(-1, 12, 0), H(-1, 14, 0), &e), SJ_OK);
	assert_int_equal(trace_index_put(ix, E, P_MARKET, H(-1, 12, 0), H(-1, 14, 0), &e), SJ_OK);
	return ix;
}

static void
hand_params(trace_params *p)
{
	trace_params_default(p, A, H(2, 0, 0));
}

static void
test_hand_first_degree(void **state)
{
	trace_index *ix = hand_index();
	trace_params p;
	trace_result r;
	sj_err e = {0};

	(void)state;
	hand_params(&p);
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	/* F 60 min (06:00-07:00 at home), C 30 min (10:30-11:00 at the gate);
	 * B none, D none (no margin). */
	assert_int_equal(r.n_contacts, 2);
	assert_int_equal(r.contacts[0].person_id, F);
	assert_int_equal(r.contacts[0].total_s, 3600);
	trace_interval iv = trace_result_interval(&r, &r.contacts[0], 0);

	assert_int_equal(iv.from, H(1, 6, 0));
	assert_int_equal(iv.to, H(1, 7, 0));
	assert_int_equal(iv.place_id, P_HOME);
	assert_int_equal(r.contacts[1].person_id, C);
	assert_int_equal(r.contacts[1].total_s, 1800);
	assert_int_equal(r.contacts[1].first_at, H(0, 10, 30));
	assert_int_equal(r.contacts[1].degree, 1);
	assert_int_equal(r.n_own, 2);
	assert_int_equal(r.own[0].entry_at, H(0, 9, 0));
	trace_result_free(&r);

	/* A 30 min margin: A's exposure at the gate is [09:00, 11:30); D 20 min. */
	p.margin_s = 1800;
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	assert_int_equal(r.n_contacts, 3);
	assert_int_equal(r.contacts[2].person_id, D);
	assert_int_equal(r.contacts[2].total_s, 1200);
	trace_result_free(&r);

	/* Excluding people at their own home place drops F. */
	p.margin_s = 0;
	p.exclude_home = true;
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	assert_int_equal(r.n_contacts, 1);
	assert_int_equal(r.contacts[0].person_id, C);
	trace_result_free(&r);

	/* A minimum of 31 min leaves F only. */
	p.exclude_home = false;
	p.min_overlap_s = 31 * 60;
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	assert_int_equal(r.n_contacts, 1);
	assert_int_equal(r.contacts[0].person_id, F);
	trace_result_free(&r);
	trace_index_free(ix);
}

static void
test_hand_second_degree(void **state)
{
	trace_index *ix = hand_index();
	trace_params p;
	trace_result r;
	sj_err e = {0};

	(void)state;
	hand_params(&p);
	p.depth = 2;
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	/* C's first exposure is 10:30 on day 0; E met C 12:30-13:30 after it
	 * (60 min, via C), the day before does not count.  C also met D at the
	 * gate 11:10-11:40 (30 min, via C).  F met nobody else. */
	assert_int_equal(r.n_first, 2);
	assert_int_equal(r.n_second, 2);
	const trace_contact *ce = NULL, *cd = NULL;

	for (size_t i = 0; i < r.n_contacts; i++) {
		if (r.contacts[i].person_id == E)
			ce = &r.contacts[i];
		if (r.contacts[i].person_id == D)
			cd = &r.contacts[i];
	}
	assert_non_null(ce);
	assert_non_null(cd);
	assert_int_equal(ce->degree, 2);
	assert_int_equal(ce->total_s, 3600);
	assert_int_equal(ce->n_intervals, 1);
	assert_int_equal(trace_result_interval(&r, ce, 0).via_person_id, C);
	assert_int_equal(trace_result_interval(&r, ce, 0).from, H(0, 12, 30));
	assert_int_equal(cd->total_s, 1800);
	/* Sorted: F 60 min (06:00 day 1), E 60 min (12:30 day 0) → E first
	 * (same total, earlier); then C 30 min (10:30), D 30 min (11:10). */
	assert_int_equal(r.contacts[0].person_id, E);
	assert_int_equal(r.contacts[1].person_id, F);
	assert_int_equal(r.contacts[2].person_id, C);
	assert_int_equal(r.contacts[3].person_id, D);
	trace_result_free(&r);
	trace_index_free(ix);
}

static void
test_expired_and_window(void **state)
{
	trace_index *ix = hand_index();
	trace_params p;
	trace_result r;
	sj_err e = {0};

	(void)state;
	/* Retention of one day at day 1 12:00: the horizon is day 0 12:00; A's
	 * gate stay (09:00) and C's (10:30) have expired; A's night at home
	 * (22:00) has not: F only. */
	trace_params_default(&p, A, H(1, 12, 0));
	p.retention_s = 86400;
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	assert_int_equal(r.n_contacts, 1);
	assert_int_equal(r.contacts[0].person_id, F);
	assert_int_equal(r.n_own, 1);
	trace_result_free(&r);

	/* A window ending at 10:45 cuts C's overlap to 15 min: still a contact
	 * (the minimum's boundary counts); ending at 10:44, 14 min: none. */
	trace_params_default(&p, A, H(2, 0, 0));
	p.from = H(0, 0, 0);
	p.to = H(0, 10, 45);
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	assert_int_equal(r.n_contacts, 1);
	assert_int_equal(r.contacts[0].total_s, 900);
	trace_result_free(&r);
	p.to = H(0, 10, 44);
	assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
	assert_int_equal(r.n_contacts, 0);
	trace_result_free(&r);
	trace_index_free(ix);
}

static void
expect_einval(trace_index *ix, const trace_params *p, const char *field)
{
	trace_result r;
	sj_err e = {0};

	assert_int_equal(trace_run(ix, p, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, field);
	assert_int_equal(r.n_contacts, 0);
}

static void
test_bad_input(void **state)
{
	trace_index *ix = hand_index();
	trace_params p;

	(void)state;
	hand_params(&p);
	p.person_id = 999;  /* no stay in the index: an empty answer, not an error */
	{
		trace_result r;
		sj_err e = {0};

		assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
		assert_int_equal(r.n_contacts, 0);
		assert_int_equal(r.n_own, 0);
		assert_int_equal(r.params.person_id, 999);
		trace_result_free(&r);
	}
	hand_params(&p);
	p.to = p.from;
	expect_einval(ix, &p, "to");
	hand_params(&p);
	p.from = p.now + 60;
	p.to = p.now + 3600;
	expect_einval(ix, &p, "from");
	hand_params(&p);
	p.min_overlap_s = -1;
	expect_einval(ix, &p, "min_overlap");
	hand_params(&p);
	p.min_overlap_s = p.to - p.from + 1;
	expect_einval(ix, &p, "min_overlap");
	hand_params(&p);
	p.depth = 3;
	expect_einval(ix, &p, "depth");
	p.depth = 0;
	expect_einval(ix, &p, "depth");
	hand_params(&p);
	p.margin_s = -5;
	expect_einval(ix, &p, "margin");
	/* The longest margin is 3660 days (trace.h), one second more is
	 * refused: a stay's exit plus a margin near INT64_MAX overflowed. */
	hand_params(&p);
	p.margin_s = (int64_t)3660 * 86400 + 1;
	expect_einval(ix, &p, "margin");
	p.margin_s = INT64_MAX;
	expect_einval(ix, &p, "margin");
	trace_index_free(ix);
}

/* Minutes as the API and CLI take them: what × 60 would overflow is
 * refused, not wrapped (2^62 minutes × 60 is 0 mod 2^64: a margin of 0 s;
 * 2^61 × 60 is negative mod 2^64). */
static void
test_params_minutes(void **state)
{
	trace_params p;
	sj_err e = {0};

	(void)state;
	trace_params_default(&p, 1, T0 + 86400);
	assert_int_equal(trace_params_minutes(&p, 15, (int64_t)1 << 62, &e), SJ_EINVAL);
	assert_string_equal(e.field, "margin");
	sj_err_clear(&e);
	assert_int_equal(trace_params_minutes(&p, (int64_t)1 << 61, 0, &e), SJ_EINVAL);
	assert_string_equal(e.field, "min_overlap");
	sj_err_clear(&e);
	assert_int_equal(trace_params_minutes(&p, 15, 3660 * 1440 + 1, &e), SJ_EINVAL);
	assert_string_equal(e.field, "margin");
	sj_err_clear(&e);
	/* 3660 days of margin, 20 minutes of overlap: in seconds. */
	assert_int_equal(trace_params_minutes(&p, 20, 3660 * 1440, &e), SJ_OK);
	assert_int_equal(p.min_overlap_s, 1200);
	assert_int_equal(p.margin_s, (int64_t)3660 * 86400);
	assert_int_equal(trace_params_check(&p, &e), SJ_OK);
	/* Negative minutes pass through for trace_params_check to refuse. */
	assert_int_equal(trace_params_minutes(&p, 15, INT64_MIN, &e), SJ_OK);
	assert_true(p.margin_s < 0);
	assert_int_equal(trace_params_check(&p, &e), SJ_EINVAL);
	assert_string_equal(e.field, "margin");
	sj_err_clear(&e);
	assert_int_equal(trace_params_minutes(&p, -1, 0, &e), SJ_OK);
	assert_int_equal(p.min_overlap_s, -60);
	assert_int_equal(trace_params_check(&p, &e), SJ_EINVAL);
	assert_string_equal(e.field, "min_overlap");
}

/* put updates a stay with the same (person, place, entry); remove, expire
 * and compact keep both copies in step; 24 bytes a stay once compacted. */
static void
test_index_maintenance(void **state)
{
	trace_index *ix = trace_index_new(T0);
	trace_index_figures f;
	sj_err e = {0};

	(void)state;
	assert_int_equal(trace_index_put(ix, A, P_GATE, H(0, 9, 0), H(0, 11, 0), &e), SJ_OK);
	assert_int_equal(trace_index_put(ix, A, P_GATE, H(0, 9, 0), H(0, 9, 40), &e), SJ_OK);
	assert_int_equal(trace_index_put(ix, A, P_GATE, H(0, 9, 0), H(0, 8, 0), &e), SJ_EINVAL);
	assert_string_equal(e.field, "exit_at");
	assert_int_equal(trace_index_put(ix, A, P_GATE, T0 - 1, T0, &e), SJ_EINVAL);
	trace_index_stats(ix, &f);
	assert_int_equal(f.n_stays, 1);
	size_t n;
	uint32_t pi, li;

	trace_index_rdlock(ix);
	assert_true(trace_index_person(ix, A, &pi));
	assert_true(trace_index_place(ix, P_GATE, &li));
	const trace_person_stay *ps = trace_index_person_stays(ix, pi, &n);

	assert_int_equal(n, 1);
	assert_int_equal(trace_index_exit(ix, pi, ps[0].place, ps[0].entry), 9 * 3600 + 40 * 60);
	const trace_place_stay *pl = trace_index_place_range(ix, li, 0, 0, UINT32_MAX, &n);

	assert_int_equal(n, 1);
	assert_int_equal(pl[0].exit, 9 * 3600 + 40 * 60);
	trace_index_unlock(ix);
	assert_false(trace_index_remove(ix, A, P_GATE, H(0, 9, 1)));
	assert_true(trace_index_remove(ix, A, P_GATE, H(0, 9, 0)));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(trace_index_put(ix, 1000 + i % 100, 1 + i % 10, H(0, 0, i),
		    H(0, 0, i + 30), &e), SJ_OK);
	assert_int_equal(trace_index_expire(ix, H(0, 0, 500)), 500);
	trace_index_compact(ix);
	trace_index_stats(ix, &f);
	assert_int_equal(f.n_stays, 500);
	/* 24 bytes a stay plus the id tables (small against the stays at a
	 * district's 70 stays a person, dominant here with 5 a person). */
	assert_true(f.bytes >= 500 * 24);
	trace_index_free(ix);
}

/* ---- the oracle -------------------------------------------------------------- */

#define N_PEOPLE 8
#define N_PLACES 3
#define SPAN 600
#define MAX_STAYS 256
#define RBASE T0

typedef struct ostay { int person, place; int64_t entry, exit; } ostay;

typedef struct odata {
	ostay s[MAX_STAYS];
	int n;
	int home[N_PEOPLE];  /* place index + 1, 0 none */
} odata;

typedef struct ocontact {
	int64_t person_id;
	int degree;
	int64_t total, first;
	trace_interval iv[MAX_STAYS * 4];
	size_t n_iv;
} ocontact;

static unsigned rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* Each person's stays at one place are disjoint (the stay rules), may
 * touch, may have length 0, may be very long (overnight in small).  With
 * grid > 1 every instant is a multiple of grid seconds after RBASE, so
 * that many fall on the same second (and on the boundaries of the second
 * degree's slices of time when those are multiples of grid too). */
static void
gen(odata *d, int64_t grid)
{
	d->n = 0;
	for (int p = 0; p < N_PEOPLE; p++) {
		d->home[p] = rnd(3) == 0 ? (int)rnd(N_PLACES) + 1 : 0;
		for (int l = 0; l < N_PLACES; l++) {
			int64_t t = rnd(SPAN / 2) / grid * grid;
			int k = (int)rnd(4);

			for (int i = 0; i < k && d->n < MAX_STAYS; i++) {
				unsigned kind = rnd(10);
				int64_t len = kind == 0 ? 0 : kind == 1 ? 200 + rnd(300) : rnd(60) + 1;

				len = len / grid * grid;
				d->s[d->n++] = (ostay){ p, l, RBASE + t, RBASE + t + len };
				t += len + (rnd(3) == 0 ? 0 : rnd(80) / grid * grid);
			}
		}
	}
}

static bool
present(const odata *d, int person, int place, int64_t t, int64_t horizon, int64_t margin)
{
	for (int i = 0; i < d->n; i++)
		if (d->s[i].person == person && d->s[i].place == place && d->s[i].entry >= horizon &&
		    d->s[i].entry <= t && t < d->s[i].exit + margin)
			return true;
	return false;
}

/* Add the runs of seconds where counted[] is set as intervals. */
static void
runs(ocontact *c, const bool *counted, int64_t lo, int64_t hi, int64_t place_id, int64_t via)
{
	for (int64_t t = lo; t < hi;) {
		if (!counted[t - lo]) {
			t++;
			continue;
		}
		int64_t s = t;

		while (t < hi && counted[t - lo])
			t++;
		c->iv[c->n_iv++] = (trace_interval){ place_id, s, t, t - s, via };
		c->total += t - s;
		if (s < c->first)
			c->first = s;
	}
}

static int
oiv_cmp(const void *pa, const void *pb)
{
	const trace_interval *a = pa, *b = pb;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	if (a->place_id != b->place_id)
		return a->place_id < b->place_id ? -1 : 1;
	return (a->via_person_id > b->via_person_id) - (a->via_person_id < b->via_person_id);
}

static int
oc_cmp(const void *pa, const void *pb)
{
	const ocontact *a = pa, *b = pb;

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

/* The oracle's answer: contacts into oc (sorted), their number. */
static size_t
oracle(const odata *d, const trace_params *p, int idx, ocontact *oc)
{
	int64_t horizon = p->now - p->retention_s;
	int64_t lo = p->from > horizon ? p->from : horizon, hi = p->to;
	size_t n = 0;
	bool first[N_PEOPLE] = {0};
	int64_t f_c[N_PEOPLE];
	bool *counted = calloc((size_t)(hi > lo ? hi - lo : 1), 1);

	for (int c = 0; c < N_PEOPLE; c++) {
		ocontact *o = &oc[n];

		if (c == idx || hi <= lo)
			continue;
		*o = (ocontact){ .person_id = 1 + c, .degree = 1, .first = INT64_MAX };
		for (int l = 0; l < N_PLACES; l++) {
			for (int64_t t = lo; t < hi; t++)
				counted[t - lo] = !(p->exclude_home && d->home[c] == l + 1) &&
				    present(d, idx, l, t, horizon, p->margin_s) &&
				    present(d, c, l, t, horizon, 0);
			runs(o, counted, lo, hi, 100 + l, 0);
		}
		if (o->total > 0 && o->total >= p->min_overlap_s) {
			first[c] = true;
			f_c[c] = o->first;
			n++;
		}
	}
	for (int x = 0; p->depth == 2 && x < N_PEOPLE; x++) {
		ocontact *o = &oc[n];

		if (x == idx || first[x])
			continue;
		*o = (ocontact){ .person_id = 1 + x, .degree = 2, .first = INT64_MAX };
		for (int l = 0; l < N_PLACES; l++) {
			/* Each second X is there with a first-degree contact C after
			 * max(f_C, lo) counts once, labelled with the contact whose
			 * interval there (C's stay from max(entry, f_C, lo)) started
			 * first, then the longer, then the lower person. */
			/* hi <= lo: an empty window (one element keeps calloc defined). */
			int *label = calloc(hi > lo ? (size_t)(hi - lo) : 1, sizeof *label);

			for (int64_t t = lo; t < hi; t++) {
				int64_t best_a = 0, best_b = 0;

				if ((p->exclude_home && d->home[x] == l + 1) || !present(d, x, l, t, horizon, 0))
					continue;
				for (int i = 0; i < d->n; i++) {
					const ostay *cs = &d->s[i];
					int who = cs->person;

					if (!first[who] || cs->place != l || cs->entry < horizon)
						continue;
					int64_t a = cs->entry, b = cs->exit < hi ? cs->exit : hi;

					if (f_c[who] > a)
						a = f_c[who];
					if (lo > a)
						a = lo;
					if (!(a <= t && t < b))
						continue;
					if (label[t - lo] == 0 || a < best_a || (a == best_a && b > best_b) ||
					    (a == best_a && b == best_b && who + 1 < label[t - lo])) {
						label[t - lo] = who + 1;
						best_a = a;
						best_b = b;
					}
				}
			}
			for (int c = 0; c < N_PEOPLE; c++) {
				if (!first[c])
					continue;
				for (int64_t t = lo; t < hi; t++)
					counted[t - lo] = label[t - lo] == c + 1;
				runs(o, counted, lo, hi, 100 + l, 1 + c);
			}
			free(label);
		}
		if (o->total > 0 && o->total >= p->min_overlap_s)
			n++;
	}
	free(counted);
	for (size_t i = 0; i < n; i++)
		qsort(oc[i].iv, oc[i].n_iv, sizeof oc[i].iv[0], oiv_cmp);
	qsort(oc, n, sizeof *oc, oc_cmp);
	return n;
}

/* 400 random rounds from seed against the oracle, instants on a grid of
 * grid seconds (gen). */
static void
oracle_rounds(unsigned seed, int64_t grid)
{
	static odata d;
	static ocontact oc[N_PEOPLE];
	size_t n_contacts_seen = 0, n_second_seen = 0;

	rng_state = seed;
	for (int round = 0; round < 400; round++) {
		trace_index *ix = trace_index_new(RBASE - 1000);
		trace_params p;
		trace_result r;
		sj_err e = {0};

		/* Half the rounds split short and long stays at 100 s, so both
		 * runs of a place hold stays (TRACE_RUNS). */
		if (round % 2)
			trace_index_set_long(ix, 100);
		gen(&d, grid);
		/* Every other pair of rounds builds the index in bulk (the start-up
		 * path), the others stay by stay. */
		for (int i = 0; i < d.n; i++)
			assert_int_equal((round / 2 % 2 ? trace_index_bulk_add : trace_index_put)(ix,
			    1 + d.s[i].person, 100 + d.s[i].place, d.s[i].entry, d.s[i].exit, &e), SJ_OK);
		trace_index_bulk_end(ix);
		for (int q = 0; q < N_PEOPLE; q++)
			trace_index_set_home(ix, 1 + q, d.home[q] ? 100 + d.home[q] - 1 : 0);
		int idx = (int)rnd(N_PEOPLE);

		trace_params_default(&p, 1 + idx, RBASE + SPAN + (int64_t)rnd(400));
		p.from = RBASE + (int64_t)rnd(SPAN) / grid * grid - 50 / grid * grid;
		p.to = p.from + 1 + (int64_t)rnd(SPAN);
		p.retention_s = p.now - RBASE + 100 - (int64_t)rnd(300) / grid * grid;
		const int64_t mins[] = { 0, 1, 5, 30 };

		p.min_overlap_s = mins[rnd(4)];
		if (p.min_overlap_s > p.to - p.from)
			p.min_overlap_s = p.to - p.from;
		const int64_t margins[] = { 0, 0, 3, 20 };

		p.margin_s = margins[rnd(4)];
		p.exclude_home = rnd(2) == 0;
		p.depth = 1 + (int)rnd(2);
		assert_int_equal(trace_run(ix, &p, &r, &e), SJ_OK);
		size_t n = oracle(&d, &p, idx, oc);

		assert_int_equal(r.n_contacts, n);
		for (size_t i = 0; i < n; i++) {
			const trace_contact *c = &r.contacts[i];

			assert_int_equal(c->person_id, oc[i].person_id);
			assert_int_equal(c->degree, oc[i].degree);
			assert_int_equal(c->total_s, oc[i].total);
			assert_int_equal(c->first_at, oc[i].first);
			assert_int_equal(c->n_intervals, oc[i].n_iv);
			for (size_t j = 0; j < c->n_intervals; j++) {
				trace_interval iv = trace_result_interval(&r, c, j);

				assert_int_equal(iv.place_id, oc[i].iv[j].place_id);
				assert_int_equal(iv.from, oc[i].iv[j].from);
				assert_int_equal(iv.to, oc[i].iv[j].to);
				assert_int_equal(iv.seconds, oc[i].iv[j].seconds);
				assert_int_equal(iv.via_person_id, oc[i].iv[j].via_person_id);
			}
		}
		n_contacts_seen += n;
		n_second_seen += r.n_second;
		trace_result_free(&r);
		trace_index_free(ix);
	}
	/* The generator must produce real work: contacts of both degrees. */
	assert_true(n_contacts_seen > 200);
	assert_true(n_second_seen > 50);
}

static void
test_random_against_oracle(void **state)
{
	(void)state;
	oracle_rounds(20200323, 1);
}

/* The second degree's passes split in two (trace_second.h) must not change
 * the answer: the same oracle rounds, other seeds, with a second thread
 * started for every trace, buckets of 2 or 4 people, a person's pieces
 * sorted by 1 to 700 parts of the window (700: one a second or less, so
 * every piece of a person lands in its own part), with instants on a
 * 20 s grid too (many equal); then on this thread alone. */
static void
test_random_second_degree_split(void **state)
{
	(void)state;
	trace_second_tune(2, 0, 3, 4);
	oracle_rounds(4242, 20);
	trace_second_tune(2, 0, 1, 2);
	oracle_rounds(777, 20);
	trace_second_tune(2, 0, 700, 3);
	oracle_rounds(1234, 1);
	trace_second_tune(1, 0, 16, 2048);
	oracle_rounds(99, 1);
	trace_second_tune(2, 262144, 64, 2048);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_first_degree),
		cmocka_unit_test(test_params_minutes),
		cmocka_unit_test(test_hand_second_degree),
		cmocka_unit_test(test_expired_and_window),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_index_maintenance),
		cmocka_unit_test(test_random_against_oracle),
		cmocka_unit_test(test_random_second_degree_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
