/* Unit tests for the stay index's bulk build (trace_index_bulk_add /
 * trace_index_bulk_end, domain/trace_index.h), pure, without a store.
 *
 * The reference is the incremental path: the same stays put one by one
 * with trace_index_put, in the same order.  The two indexes must hold the
 * same stays, place run by place run in the same sorted order, and the
 * same stays person by person (any order there: compared as sorted
 * copies), including stays added twice with the same (person, place,
 * entry) — the one added last keeps its end, whichever run it lands in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/trace_index.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */

static unsigned rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

typedef struct gstay { int64_t person, place, entry, exit; } gstay;

static int
pstay_cmp(const void *pa, const void *pb)
{
	const trace_person_stay *a = pa, *b = pb;

	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	return (a->entry > b->entry) - (a->entry < b->entry);
}

/* The place with id place_id in both indexes holds the same runs. */
static void
same_place(trace_index *a, trace_index *b, int64_t place_id)
{
	uint32_t la, lb;

	assert_true(trace_index_place(a, place_id, &la));
	assert_true(trace_index_place(b, place_id, &lb));
	for (int run = 0; run < TRACE_RUNS; run++) {
		size_t na, nb;
		uint32_t ma, mb, longest = 0;
		const trace_place_stay *sa = trace_index_place_all(a, la, run, &na, &ma);
		const trace_place_stay *sb = trace_index_place_all(b, lb, run, &nb, &mb);

		assert_int_equal(na, nb);
		for (size_t i = 0; i < na; i++) {
			assert_int_equal(trace_index_person_id(a, sa[i].person),
			    trace_index_person_id(b, sb[i].person));
			assert_int_equal(sa[i].entry, sb[i].entry);
			assert_int_equal(sa[i].exit, sb[i].exit);
			if (sa[i].exit - sa[i].entry > longest)
				longest = sa[i].exit - sa[i].entry;
		}
		/* The bound covers every stay; put never lowers it (an update that
		 * shortens a stay), the bulk build counts only the stays kept. */
		assert_true(mb >= longest);
		assert_true(mb <= ma);
	}
}

/* The person with id person_id holds the same stays in both indexes. */
static void
same_person(trace_index *a, trace_index *b, int64_t person_id)
{
	uint32_t pa, pb;
	size_t na, nb;

	assert_true(trace_index_person(a, person_id, &pa));
	assert_true(trace_index_person(b, person_id, &pb));
	const trace_person_stay *sa = trace_index_person_stays(a, pa, &na);
	const trace_person_stay *sb = trace_index_person_stays(b, pb, &nb);

	assert_int_equal(na, nb);
	trace_person_stay *ca = malloc((na + 1) * sizeof *ca), *cb = malloc((nb + 1) * sizeof *cb);

	for (size_t i = 0; i < na; i++) {
		ca[i] = (trace_person_stay){ (uint32_t)trace_index_place_id(a, sa[i].place), sa[i].entry };
		cb[i] = (trace_person_stay){ (uint32_t)trace_index_place_id(b, sb[i].place), sb[i].entry };
	}
	qsort(ca, na, sizeof *ca, pstay_cmp);
	qsort(cb, nb, sizeof *cb, pstay_cmp);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(ca[i].place, cb[i].place);
		assert_int_equal(ca[i].entry, cb[i].entry);
	}
	free(ca);
	free(cb);
}

/* Random stays in random order — repeats of (person, place, entry) with
 * another end (shorter, longer, across the long-run limit), equal entries
 * of many people, zero-length stays — built both ways and compared. */
static void
test_bulk_equals_puts(void **state)
{
	enum { MAX = 3000 };
	static gstay g[MAX];

	(void)state;
	rng_state = 7;
	for (int round = 0; round < 60; round++) {
		int n_people = 1 + (int)rnd(40), n_places = 1 + (int)rnd(6);
		int n = (int)rnd(MAX);
		trace_index *a = trace_index_new(T0), *b = trace_index_new(T0);
		trace_index_figures fa, fb;
		sj_err e = {0};

		if (round % 2) {
			trace_index_set_long(a, 300);
			trace_index_set_long(b, 300);
		}
		for (int i = 0; i < n; i++) {
			if (i > 0 && rnd(8) == 0) {  /* a repeat with another end */
				g[i] = g[rnd((unsigned)i)];
				g[i].exit = g[i].entry + rnd(700);
			} else {
				int64_t en = T0 + (rnd(4) == 0 ? 1000 * rnd(5) : rnd(200000));

				g[i] = (gstay){ 1 + rnd((unsigned)n_people), 50 + rnd((unsigned)n_places), en,
					en + (rnd(10) == 0 ? 0 : rnd(rnd(2) ? 600 : 40000)) };
			}
			assert_int_equal(trace_index_put(a, g[i].person, g[i].place, g[i].entry,
			    g[i].exit, &e), SJ_OK);
			assert_int_equal(trace_index_bulk_add(b, g[i].person, g[i].place, g[i].entry,
			    g[i].exit, &e), SJ_OK);
		}
		trace_index_bulk_end(b);
		trace_index_stats(a, &fa);
		trace_index_stats(b, &fb);
		assert_int_equal(fa.n_stays, fb.n_stays);
		assert_int_equal(fa.n_people, fb.n_people);
		assert_int_equal(fa.n_places, fb.n_places);
		trace_index_rdlock(a);
		trace_index_rdlock(b);
		for (int i = 0; i < n; i++) {
			same_place(a, b, g[i].place);
			if (i % 7 == 0)
				same_person(a, b, g[i].person);
		}
		trace_index_unlock(b);
		trace_index_unlock(a);
		trace_index_free(a);
		trace_index_free(b);
	}
}

/* A hand case: repeats resolved by the last add; errors as put's; once
 * the index holds finished stays, a bulk add is a put (sorted at once). */
static void
test_bulk_hand(void **state)
{
	trace_index *ix = trace_index_new(T0);
	trace_index_figures f;
	sj_err e = {0};
	size_t n;
	uint32_t li, maxlen;

	(void)state;
	assert_int_equal(trace_index_bulk_add(ix, 1, 9, T0 + 500, T0 + 600, &e), SJ_OK);
	assert_int_equal(trace_index_bulk_add(ix, 2, 9, T0 + 100, T0 + 90000, &e), SJ_OK);
	assert_int_equal(trace_index_bulk_add(ix, 3, 9, T0 + 100, T0 + 200, &e), SJ_OK);
	/* person 2 again at the same entry: now a short stay, run 0 */
	assert_int_equal(trace_index_bulk_add(ix, 2, 9, T0 + 100, T0 + 150, &e), SJ_OK);
	assert_int_equal(trace_index_bulk_add(ix, 2, 9, T0 + 100, T0 + 50, &e), SJ_EINVAL);
	assert_string_equal(e.field, "exit_at");
	assert_int_equal(trace_index_bulk_add(ix, 2, 9, T0 - 1, T0 + 50, &e), SJ_EINVAL);
	assert_string_equal(e.field, "entry_at");
	trace_index_bulk_end(ix);
	trace_index_stats(ix, &f);
	assert_int_equal(f.n_stays, 3);
	trace_index_rdlock(ix);
	assert_true(trace_index_place(ix, 9, &li));
	const trace_place_stay *s = trace_index_place_all(ix, li, 0, &n, &maxlen);

	assert_int_equal(n, 3);
	/* by (entry, exit, person): (100, 150) person 2, (100, 200) person 3, (500, 600) */
	assert_int_equal(trace_index_person_id(ix, s[0].person), 2);
	assert_int_equal(s[0].exit, 150);
	assert_int_equal(trace_index_person_id(ix, s[1].person), 3);
	assert_int_equal(s[2].entry, 500);
	assert_int_equal(maxlen, 100);
	trace_index_place_all(ix, li, 1, &n, &maxlen);
	assert_int_equal(n, 0);
	trace_index_unlock(ix);
	/* finished: the next bulk add is a put, in order at once */
	assert_int_equal(trace_index_bulk_add(ix, 4, 9, T0 + 300, T0 + 400, &e), SJ_OK);
	trace_index_rdlock(ix);
	s = trace_index_place_all(ix, li, 0, &n, &maxlen);
	assert_int_equal(n, 4);
	assert_int_equal(s[2].entry, 300);
	assert_int_equal(trace_index_person_id(ix, s[2].person), 4);
	trace_index_unlock(ix);
	trace_index_free(ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_hand),
		cmocka_unit_test(test_bulk_equals_puts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
