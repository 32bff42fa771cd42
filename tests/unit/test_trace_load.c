/*
 * Unit tests for the stay index's load from the store (trace_index_load,
 * domain/trace_load.c) on a real database, SQLite or PostgreSQL
 * (tests/unit/testdb.h), in the checkpoint test world (cpfix.h).
 *
 * The reference is worked out by the test from the rows it wrote: the
 * stays the load must take (a registered person, a length, an entry at or
 * after `since`), put one by one with trace_index_put in the store's key
 * order (place, scan id) — the order a single pass reads, in which a stay
 * written again with the same (person, place, entry) keeps the end of the
 * later row.  A load with 1 thread (one pass on the caller's connection),
 * 2 and 3 threads (chunks of places on readers of one snapshot, SQLite)
 * must each equal it: place run by place run in the same order, person by
 * person (as sorted copies), the same homes and the highest scan id.
 *
 * While a 2-thread load runs, another connection commits one stay at a
 * time, each at the next place in turn; the load must hold exactly the
 * first k of them for some k (one snapshot for every chunk: readers whose
 * snapshots differed would show a later stay at one place without an
 * earlier one at another).
 */
#include "unit/cpfix.h"  /* first: includes testdb.h (both databases) */

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>

#include "domain/trace_index.h"

#define SINCE INT64_C(1584892800)       /* 2020-03-23T00:00:00+08:00 */
#define BASE (SINCE - 86400)
#define PLACE0 1000                     /* the test's places: PLACE0 + 1 .. */
#define PERSON0 5000                    /* the test's people: PERSON0 + 1 .. */
#define LIVE_ID0 INT64_C(900000000)     /* scan ids of the rows written during a load */

static unsigned rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* One scan row as written: person 0 is NULL, stay_s 0 is NULL. */
typedef struct row { int64_t place, id, person, at, stay_s; } row;

static const char *const sql[] = {
	/* 0 place: ?1 id, ?2 unit, ?3 name */
	"INSERT INTO place (id, unit_id, kind, name, name_key, created_at)"
	" VALUES (?1, ?2, 'public', ?3, ?3, 0)",
	/* 1 household: ?1 id, ?2 place, ?3 room */
	"INSERT INTO household (id, place_id, room, created_at) VALUES (?1, ?2, ?3, 0)",
	/* 2 person: ?1 id, ?2 household (NULL: none), ?3 name_sort */
	"INSERT INTO person (id, name, name_key, name_sort, household_id, created_at)"
	" VALUES (?1, 'p', 'p', ?3, ?2, 0)",
	/* 3 scan: ?1 place, ?2 id, ?3 checkpoint, ?4 person, ?5 at, ?6 stay_s */
	"INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons, stay_s)"
	" VALUES (?1, ?2, ?3, ?4, ?5, 8, 0, ?6)",
	/* 4 the place's checkpoint, with the place's id (a scan's checkpoint
	 * must be at its place: 0015): ?1 place, ?3 name */
	"INSERT INTO checkpoint (id, place_id, name, created_at) VALUES (?1, ?1, ?3, 0)",
};

static void
bind_or_null(store_stmt *st, int i, int64_t v)
{
	if (v)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

static void
run(store *s, int q, int64_t a, int64_t b, int64_t c, int64_t d, int64_t x, int64_t y)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t v[6] = { a, b, c, d, x, y };
	int n = q == 3 ? 6 : q == 4 ? 1 : 2;
	char name[32];

	assert_int_equal(store_prepare(s, sql[q], &st, &e), SJ_OK);
	for (int i = 0; i < n; i++)
		bind_or_null(st, i + 1, v[i]);
	snprintf(name, sizeof name, "n%lld", (long long)a);
	if (q == 2)
		store_bind_blob(st, 3, "p", 1);
	else if (q < 2 || q == 4)
		store_bind_text(st, 3, name);
	if (store_run(st, &e) != SJ_OK)
		fail_msg("sql %d: %s", q, e.msg);
}

static int
row_key_cmp(const void *pa, const void *pb)
{
	const row *a = pa, *b = pb;

	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* n_places places, n_people people (most with a home), n_rows random scan
 * rows into f's database; the rows (sorted by key) in *out, malloc'd. */
static void
world(cpfix *f, int n_places, int n_people, int n_rows, row **out)
{
	row *r = malloc((size_t)n_rows * sizeof *r);
	sj_err e = {0};

	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	for (int i = 1; i <= n_places; i++) {
		run(f->s, 0, PLACE0 + i, f->unit_a, 0, 0, 0, 0);
		run(f->s, 4, PLACE0 + i, 0, 0, 0, 0, 0);
	}
	for (int i = 1; i <= n_people; i++) {
		int64_t hh = rnd(5) ? PERSON0 + i : 0;

		if (hh)
			run(f->s, 1, hh, PLACE0 + 1 + rnd((unsigned)n_places), 0, 0, 0, 0);
		run(f->s, 2, PERSON0 + i, hh, 0, 0, 0, 0);
	}
	for (int i = 0; i < n_rows; i++) {
		row *x = &r[i];

		if (i > 0 && rnd(10) == 0) {  /* the same stay again, another end */
			*x = r[rnd((unsigned)i)];
			x->stay_s = x->stay_s ? 1 + rnd(20000) : 0;
		} else {
			x->place = PLACE0 + 1 + rnd((unsigned)n_places);
			x->person = rnd(20) ? PERSON0 + 1 + rnd((unsigned)n_people) : 0;
			x->at = SINCE - 7200 + (rnd(8) ? rnd(14 * 86400) : 60 * rnd(30));
			x->stay_s = rnd(30) ? (rnd(10) ? 1 + rnd(7200) : 14400 + rnd(40000)) : 0;
		}
		x->id = 1 + i;
		run(f->s, 3, x->place, x->id, x->place, x->person, x->at, x->stay_s);
	}
	assert_int_equal(store_commit(f->s, &e), SJ_OK);
	qsort(r, (size_t)n_rows, sizeof *r, row_key_cmp);
	*out = r;
}

/* The reference index of rows[0 .. n) (sorted by key); *max_id: the
 * highest scan id of a row it takes. */
static trace_index *
reference(const row *rows, size_t n, int64_t *max_id)
{
	trace_index *ix = trace_index_new(BASE);
	sj_err e = {0};

	*max_id = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].person && rows[i].stay_s && rows[i].at >= SINCE) {
			assert_int_equal(trace_index_put(ix, rows[i].person, rows[i].place, rows[i].at,
			    rows[i].at + rows[i].stay_s, &e), SJ_OK);
			if (rows[i].id > *max_id)
				*max_id = rows[i].id;
		}
	return ix;
}

static int
pair_cmp(const void *pa, const void *pb)
{
	const int64_t *a = pa, *b = pb;

	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return (a[1] > b[1]) - (a[1] < b[1]);
}

/* A person's stays as sorted (place id, entry) pairs; malloc'd, 2 n. */
static int64_t *
person_pairs(trace_index *ix, int64_t person_id, size_t *n)
{
	uint32_t pi;
	int64_t *v;

	*n = 0;
	if (!trace_index_person(ix, person_id, &pi))
		return calloc(1, sizeof *v);
	const trace_person_stay *s = trace_index_person_stays(ix, pi, n);

	v = malloc((2 * *n + 1) * sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		v[2 * i] = trace_index_place_id(ix, s[i].place);
		v[2 * i + 1] = s[i].entry;
	}
	qsort(v, *n, 2 * sizeof *v, pair_cmp);
	return v;
}

/* got holds what want holds, place by place and person by person. */
static void
same_index(trace_index *want, trace_index *got, int n_places, int n_people)
{
	trace_index_figures fw, fg;

	trace_index_stats(want, &fw);
	trace_index_stats(got, &fg);
	assert_int_equal(fg.n_stays, fw.n_stays);
	for (int k = 1; k <= n_places; k++) {
		uint32_t lw, lg;
		bool hw = trace_index_place(want, PLACE0 + k, &lw), hg = trace_index_place(got,
		    PLACE0 + k, &lg);

		for (int r = 0; r < TRACE_RUNS; r++) {
			size_t nw = 0, ng = 0;
			uint32_t mw = 0, mg = 0, longest = 0;
			const trace_place_stay *sw = hw ? trace_index_place_all(want, lw, r, &nw, &mw) : NULL;
			const trace_place_stay *sg = hg ? trace_index_place_all(got, lg, r, &ng, &mg) : NULL;

			assert_int_equal(ng, nw);
			for (size_t i = 0; i < nw; i++) {
				assert_int_equal(trace_index_person_id(got, sg[i].person),
				    trace_index_person_id(want, sw[i].person));
				assert_int_equal(sg[i].entry, sw[i].entry);
				assert_int_equal(sg[i].exit, sw[i].exit);
				if (sg[i].exit - sg[i].entry > longest)
					longest = sg[i].exit - sg[i].entry;
			}
			assert_true(mg >= longest);  /* the bound covers every stay */
		}
	}
	for (int k = 1; k <= n_people; k++) {
		size_t nw, ng;
		int64_t *vw = person_pairs(want, PERSON0 + k, &nw), *vg = person_pairs(got,
		    PERSON0 + k, &ng);

		assert_int_equal(ng, nw);
		for (size_t i = 0; i < 2 * nw; i++)
			assert_int_equal(vg[i], vw[i]);
		free(vw);
		free(vg);
	}
}

/* Every person's home as the load must have it: the household's place. */
static void
same_homes(cpfix *f, trace_index *got, int n_people)
{
	static const char *const q = "SELECT coalesce(h.place_id, 0) FROM person p "
	                             "LEFT JOIN household h ON h.id = p.household_id WHERE p.id = ?1";

	for (int k = 1; k <= n_people; k++) {
		store_stmt *st;
		sj_err e = {0};
		int64_t home;
		uint32_t pi;

		assert_int_equal(store_prepare(f->s, q, &st, &e), SJ_OK);
		store_bind_int(st, 1, PERSON0 + k);
		assert_int_equal(store_query_int(st, &home, NULL, &e), SJ_OK);
		assert_true(trace_index_person(got, PERSON0 + k, &pi));
		uint32_t h = trace_index_home(got, pi);

		if (home == 0)
			assert_int_equal(h, 0);
		else
			assert_int_equal(trace_index_place_id(got, h - 1), home);
	}
}

static int
setup(void **state)
{
	cpfix *f = calloc(1, sizeof *f);

	if (cpfix_setup(f) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	cpfix *f = *state;

	store_close(f->s);
	crypt_keys_free(f->keys);
	free(f);
	return 0;
}

/* Random rows: 1, 2 and 3 threads each equal the reference. */
static void
test_threads_equal_reference(void **state)
{
	cpfix *f = *state;
	enum { PLACES = 37, PEOPLE = 120, ROWS = 6000 };
	row *rows;
	int64_t max_id;

	rng_state = 11;
	world(f, PLACES, PEOPLE, ROWS, &rows);
	trace_index *want = reference(rows, ROWS, &max_id);

	for (int threads = 1; threads <= 3; threads++) {
		trace_index *got = trace_index_new(BASE);
		trace_index_figures fg;
		sj_err e = {0};

		assert_int_equal(trace_index_load_threads(got, f->s, SINCE, threads, &e), SJ_OK);
		same_index(want, got, PLACES, PEOPLE);
		same_homes(f, got, PEOPLE);
		trace_index_stats(got, &fg);
		assert_int_equal(fg.max_scan_id, max_id);
		trace_index_free(got);
	}
	trace_index_free(want);
	free(rows);
}

/* The writer of rows during a load. */
typedef struct live {
	const char *url;
	int n_places, person;
	atomic_int written;       /* rows committed */
	atomic_bool stop;
} live;

static void *
live_main(void *arg)
{
	live *w = arg;
	store *s = NULL;
	sj_err e = {0};

	if (store_open(w->url, 0, &s, &e) != SJ_OK)
		return NULL;
	for (int k = 0; !atomic_load(&w->stop) && k < 100000; k++) {
		run(s, 3, PLACE0 + 1 + k % w->n_places, LIVE_ID0 + k, PLACE0 + 1 + k % w->n_places,
		    w->person, SINCE + 3600 + k, 60);
		atomic_store(&w->written, k + 1);
	}
	store_close(s);
	return NULL;
}

/* Rows committed during a 2-thread load: the index holds a prefix. */
static void
test_rows_written_during_load(void **state)
{
	cpfix *f = *state;
	enum { PLACES = 64, PEOPLE = 200, ROWS = 20000 };
	live w = { .url = testdb_url(), .n_places = PLACES,
	    .person = PERSON0 + PEOPLE + 1 };  /* in no random row */
	pthread_t th;
	row *rows;
	int rounds = 0;

	rng_state = 5;
	world(f, PLACES, PEOPLE, ROWS, &rows);
	free(rows);
	run(f->s, 2, w.person, 0, 0, 0, 0, 0);
	assert_int_equal(pthread_create(&th, NULL, live_main, &w), 0);
	for (int i = 0; i < 10000 && atomic_load(&w.written) < 3; i++)
		usleep(1000);
	assert_true(atomic_load(&w.written) >= 3);
	for (; rounds < 5; rounds++) {
		trace_index *got = trace_index_new(BASE);
		int before = atomic_load(&w.written), k = 0, after;
		sj_err e = {0};
		uint32_t pi, li;
		bool ok;

		assert_int_equal(trace_index_load_threads(got, f->s, SINCE, 2, &e), SJ_OK);
		after = atomic_load(&w.written);
		/* k: the first live row missing; none after it may be there. */
		trace_index_rdlock(got);
		assert_true(trace_index_person(got, w.person, &pi));
		for (int j = 0; j < after; j++) {
			size_t n = 0;
			const trace_place_stay *s = NULL;

			ok = trace_index_place(got, PLACE0 + 1 + j % PLACES, &li);
			if (ok) {
				uint32_t ml;

				s = trace_index_place_all(got, li, 0, &n, &ml);
			}
			bool there = false;

			for (size_t i = 0; i < n; i++)
				there = there || (s[i].person == pi && s[i].entry == 86400 + 3600 + (uint32_t)j);
			if (there && k != j)
				fail_msg("live row %d loaded but row %d not", j, k);
			if (there)
				k = j + 1;
		}
		trace_index_unlock(got);
		assert_true(k >= before);  /* committed before the load began */
		assert_true(k <= after);
		trace_index_free(got);
	}
	atomic_store(&w.stop, true);
	pthread_join(th, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threads_equal_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_written_during_load, setup, teardown),
	};

	return cmocka_run_group_tests_name(testdb_name(), tests, NULL, NULL);
}
