/*
 * trace_load — the stay index filled from the store (trace_index_load,
 * trace_index.h; docs/trace.md "Building at start").
 *
 * The stays are read in chunks of place ids: the scan table's key is
 * (place_id, id), so a chunk is one contiguous stretch of it, each place's
 * rows in id order.  On SQLite, with more than one processor, the chunks
 * are shared out among threads, each with a read connection of its own;
 * all the connections see one and the same committed state
 * (store_open_readers), so the index equals the one a single pass reads.
 * A chunk's rows go into per-place arrays of the chunk (the person looked
 * up in the person table, read-only, which the homes filled before); the
 * arrays are handed to the index chunk by chunk, in key order, which is the
 * order one pass would have added them in (trace_index_bulk_place), and
 * the index sorts them at the end (trace_index_bulk_finish).  A stay of a
 * person the homes did not hold (none, while the foreign key holds) is
 * noted and its person interned at the hand-over, in the same order.
 *
 * Invariant: while the threads read, nobody writes the index (the caller
 * holds its write lock), so their look-ups need no lock.
 */
#include "domain/trace_index.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "domain/trace_index_int.h"

#define LOAD_THREADS_MAX 4      /* threads of one load (and reader connections) */
#define CHUNKS_PER_THREAD 8     /* chunks a thread, for a fair share with uneven places */

enum { Q_STAYS, Q_HOMES, Q_PLACES };
static const char *const trace_load_sql[] = {
	[Q_STAYS] = "SELECT place_id, person_id, entry_at, exit_at, id FROM stay "
	            "WHERE person_id IS NOT NULL AND entry_at >= ?1 AND id > ?2 "
	            "AND place_id >= ?3 AND place_id <= ?4",
	[Q_HOMES] = "SELECT p.id, coalesce(h.place_id, 0) FROM person p "
	            "LEFT JOIN household h ON h.id = p.household_id ORDER BY p.id",
	[Q_PLACES] = "SELECT id FROM place ORDER BY id",
};

/* A run of rows of one place, in the order read. */
typedef struct load_seg {
	int64_t place_id;
	trace_place_stay *stays;  /* malloc'd; handed to the index */
	size_t n, cap;
} load_seg;

/* A stay whose person the person table did not hold when read. */
typedef struct load_stray {
	size_t seg, at;
	int64_t person_id;
} load_stray;

/* The place ids [lo, hi] and what was read of them. */
typedef struct load_chunk {
	int64_t lo, hi;
	load_seg *segs;
	size_t n_segs, cap_segs;
	load_stray *strays;
	size_t n_strays, cap_strays;
	int64_t max_id;
} load_chunk;

typedef struct loader {
	trace_index *ix;
	int64_t since, after_id;
	load_chunk *chunks;
	size_t n_chunks;
	atomic_size_t next;       /* the next chunk to take */
	atomic_bool failed;
	pthread_mutex_t lock;     /* guards rc, err */
	sj_rc rc;
	sj_err err;               /* the first failure */
} loader;

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap + *cap / 2 : 64;
	if (*cap < need)
		*cap = need;
	return sj_realloc(p, *cap * size);
}

/* Rows as read, before their people are looked up: a batch of them at a
 * time, so that the look-ups' cache misses (the person table is far larger
 * than the cache) overlap instead of following one another. */
#define BATCH 256
typedef struct load_row { int64_t place_id, person_id, entry_at, exit_at; } load_row;

/* One row into chunk c. */
static sj_rc
chunk_row(loader *L, load_chunk *c, const load_row *x, sj_err *e)
{
	uint32_t en, ex, pi = 0;
	sj_rc rc = trace_index_instants(L->ix, x->entry_at, x->exit_at, &en, &ex, e);

	if (rc != SJ_OK)
		return rc;
	if (c->n_segs == 0 || c->segs[c->n_segs - 1].place_id != x->place_id) {
		c->segs = grow(c->segs, &c->cap_segs, c->n_segs + 1, sizeof *c->segs);
		c->segs[c->n_segs++] = (load_seg){ .place_id = x->place_id };
	}
	load_seg *g = &c->segs[c->n_segs - 1];

	if (!trace_index_person(L->ix, x->person_id, &pi)) {
		c->strays = grow(c->strays, &c->cap_strays, c->n_strays + 1, sizeof *c->strays);
		c->strays[c->n_strays++] = (load_stray){ c->n_segs - 1, g->n, x->person_id };
	}
	g->stays = grow(g->stays, &g->cap, g->n + 1, sizeof *g->stays);
	g->stays[g->n++] = (trace_place_stay){ pi, en, ex };
	return SJ_OK;
}

/* rows[0 .. n) into chunk c, in order. */
static sj_rc
chunk_rows(loader *L, load_chunk *c, const load_row *rows, size_t n, sj_err *e)
{
	sj_rc rc = SJ_OK;

	for (size_t i = 0; i < n; i++)
		trace_index_prefetch_person_id(L->ix, rows[i].person_id);
	for (size_t i = 0; i < n && rc == SJ_OK; i++)
		rc = chunk_row(L, c, &rows[i], e);
	return rc;
}

/* Read chunk c's stays on connection s. */
static sj_rc
chunk_read(loader *L, store *s, load_chunk *c, sj_err *e)
{
	load_row rows[BATCH];
	size_t n = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	c->max_id = L->after_id;
	if ((rc = store_prepare(s, trace_load_sql[Q_STAYS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, L->since);
	store_bind_int(st, 2, L->after_id);
	store_bind_int(st, 3, c->lo);
	store_bind_int(st, 4, c->hi);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row && !atomic_load(&L->failed)) {
		int64_t id = store_col_int(st, 4);

		rows[n++] = (load_row){ store_col_int(st, 0), store_col_int(st, 1),
		    store_col_int(st, 2), store_col_int(st, 3) };
		if (id > c->max_id)
			c->max_id = id;
		if (n == BATCH) {
			if ((rc = chunk_rows(L, c, rows, n, e)) != SJ_OK)
				break;
			n = 0;
		}
	}
	store_reset(st);
	if (rc == SJ_OK)
		rc = chunk_rows(L, c, rows, n, e);
	return rc;
}

/* Take chunks until none is left (or a reader failed). */
static void
read_chunks(loader *L, store *s)
{
	size_t k;
	sj_err e = {0};

	while (!atomic_load(&L->failed) && (k = atomic_fetch_add(&L->next, 1)) < L->n_chunks)
		if (chunk_read(L, s, &L->chunks[k], &e) != SJ_OK) {
			pthread_mutex_lock(&L->lock);
			if (L->rc == SJ_OK) {
				L->rc = e.rc;
				L->err = e;
			}
			pthread_mutex_unlock(&L->lock);
			atomic_store(&L->failed, true);
		}
}

typedef struct load_thread {
	loader *L;
	store *s;
} load_thread;

static void *
thread_main(void *arg)
{
	load_thread *t = arg;
	read_chunks(t->L, t->s);
	return NULL;
}

/* Every person's home place, the people interned in id order. */
static sj_rc
homes_load(trace_index *ix, store *s, sj_err *e)
{
	store_stmt *st;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, trace_load_sql[Q_HOMES], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		v = grow(v, &cap, 2 * (n + 1), sizeof *v);
		v[2 * n] = store_col_int(st, 0);
		v[2 * n + 1] = store_col_int(st, 1);
		n++;
	}
	store_reset(st);
	if (rc == SJ_OK && n > 0) {
		trace_index_reserve_people(ix, v[0], v[2 * (n - 1)], n);
		for (size_t i = 0; i < n; i++)
			trace_index_home_locked(ix, v[2 * i], v[2 * i + 1]);
	}
	free(v);
	return rc;
}

/* Split the place ids into about n_want chunks of as many places each
 * (the first reaches down to INT64_MIN, the last up to INT64_MAX, so that
 * a place added since is read too). */
static sj_rc
chunks_plan(loader *L, store *s, size_t n_want, sj_err *e)
{
	store_stmt *st;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0, per;
	bool row;
	sj_rc rc = SJ_OK;

	if (n_want > 1) {  /* one chunk (one statement: one snapshot) needs no ids */
		if ((rc = store_prepare(s, trace_load_sql[Q_PLACES], &st, e)) != SJ_OK)
			return rc;
		while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
			ids = grow(ids, &cap, n + 1, sizeof *ids);
			ids[n++] = store_col_int(st, 0);
		}
		store_reset(st);
	}
	per = n / n_want + 1;
	L->chunks = sj_calloc(n_want + 1, sizeof *L->chunks);
	L->n_chunks = 0;
	for (size_t i = 0; rc == SJ_OK && (i == 0 || i < n); i += per) {
		load_chunk *c = &L->chunks[L->n_chunks++];

		c->lo = i == 0 ? INT64_MIN : ids[i];
		c->hi = i + per < n ? ids[i + per] - 1 : INT64_MAX;
	}
	free(ids);
	return rc;
}

/* Hand what the chunks read to the index, in key order; free the chunks. */
static void
chunks_hand_over(loader *L)
{
	for (size_t k = 0; k < L->n_chunks; k++) {
		load_chunk *c = &L->chunks[k];

		for (size_t i = 0; i < c->n_strays; i++)
			c->segs[c->strays[i].seg].stays[c->strays[i].at].person =
			    trace_index_intern_person(L->ix, c->strays[i].person_id);
		for (size_t i = 0; i < c->n_segs; i++)
			trace_index_bulk_place(L->ix, c->segs[i].place_id, c->segs[i].stays,
			    c->segs[i].n, c->segs[i].cap);
		if (c->max_id > trace_index_max_scan_id(L->ix))
			trace_index_set_max_scan_id(L->ix, c->max_id);
		free(c->segs);
		free(c->strays);
	}
	free(L->chunks);
	L->chunks = NULL;
	L->n_chunks = 0;
}

/* The chunks' leftovers after a failure. */
static void
chunks_free(loader *L)
{
	for (size_t k = 0; k < L->n_chunks; k++) {
		for (size_t i = 0; i < L->chunks[k].n_segs; i++)
			free(L->chunks[k].segs[i].stays);
		free(L->chunks[k].segs);
		free(L->chunks[k].strays);
	}
	free(L->chunks);
}

/* Homes, plan and stays on the readers r[0 .. n) (r[0] in this thread). */
static sj_rc
load_on(loader *L, store **r, size_t n, sj_err *e)
{
	pthread_t th[LOAD_THREADS_MAX];
	load_thread arg[LOAD_THREADS_MAX];
	size_t started = 0;
	sj_rc rc;

	if ((rc = homes_load(L->ix, r[0], e)) != SJ_OK ||
	    (rc = chunks_plan(L, r[0], n == 1 ? 1 : n * CHUNKS_PER_THREAD, e)) != SJ_OK)
		return rc;
	for (size_t i = 1; i < n; i++) {
		arg[i] = (load_thread){ L, r[i] };
		if (pthread_create(&th[i], NULL, thread_main, &arg[i]) != 0)
			break;  /* fewer threads take the chunks */
		started = i;
	}
	read_chunks(L, r[0]);
	for (size_t i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	if (L->rc != SJ_OK) {
		*e = L->err;
		return L->rc;
	}
	chunks_hand_over(L);
	return SJ_OK;
}

/* The threads a load may use: threads, or one a processor when 0. */
static size_t
threads_for(int threads)
{
	long n = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > LOAD_THREADS_MAX ? LOAD_THREADS_MAX : (size_t)n;
}

sj_rc
trace_index_load_threads(trace_index *ix, store *s, int64_t since, int threads, sj_err *e)
{
	loader L = { .ix = ix, .since = since };
	store *r[LOAD_THREADS_MAX] = {0};
	size_t n = threads_for(threads);
	sj_rc rc;

	if (L.since < trace_index_base(ix))
		L.since = trace_index_base(ix);
	pthread_mutex_init(&L.lock, NULL);
	trace_index_wrlock(ix);
	L.after_id = trace_index_max_scan_id(ix);
	/* Readers of one snapshot; else (PostgreSQL, one processor, s in a
	 * transaction or read-only) one pass on s itself. */
	if (n < 2 || !trace_index_fresh(ix) || store_open_readers(s, n, r, NULL) != SJ_OK) {
		n = 1;
		r[0] = s;
	}
	rc = load_on(&L, r, n, e);
	chunks_free(&L);
	if (r[0] != s)
		for (size_t i = 0; i < n; i++)
			store_close(r[i]);
	trace_index_bulk_finish(ix, (int)n);  /* what was handed over (nothing after an error) */
	trace_index_unlock(ix);
	pthread_mutex_destroy(&L.lock);
	return rc;
}

sj_rc
trace_index_load(trace_index *ix, store *s, int64_t since, sj_err *e)
{
	return trace_index_load_threads(ix, s, since, 0, e);
}
