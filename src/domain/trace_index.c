/*
 * trace_index — the in-memory stay index behind tracing (trace_index.h).
 *
 * Two id tables (people, places) map 64-bit ids to dense 32-bit indexes
 * through open-addressing hash tables; each entry owns a growable array of
 * 12-byte stays.  Place arrays stay sorted by (entry, exit, person): a new
 * stay is placed by binary search, and since stays arrive in time order it
 * nearly always lands at the end.
 */
#include "domain/trace_index.h"
#include "domain/trace_index_int.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "core/err.h"
#include "domain/stay.h"

typedef struct id_table {
	int64_t *ids;        /* dense: index → id */
	uint32_t n, cap;
	uint32_t *slots;     /* hash: 0 empty, else index + 1 */
	uint32_t n_slots;    /* a power of two, ≥ 2 × n */
	int64_t lo;          /* the first id interned: the direct array's origin */
	uint32_t *direct;    /* ids in [lo, lo + n_direct): direct[id − lo] = index + 1, 0 none */
	uint32_t n_direct;
} id_table;

/* Store ids are mostly dense integers (INTEGER PRIMARY KEY), so an id in
 * [lo, lo + DIRECT_SPAN(n)) is found by one array read instead of a hash
 * probe and a compare (two cache misses a stay when building from the
 * store); others, and ids interned before the array reached them, go
 * through the hash table.  The array is at most 4 bytes × (8 n + 65,536).
 * The load interns people in id order first (their homes), so lo is the
 * smallest. */
#define FINISH_THREADS_MAX 4  /* threads of a bulk build's end */
#define DIRECT_SPAN(n) ((uint64_t)(n) * 8 + 65536)

/* One sorted run of a place's stays. */
typedef struct stay_run {
	trace_place_stay *stays;
	uint32_t n, cap;
	uint32_t maxlen;     /* longest exit − entry ever put here */
} stay_run;

/* A place's stays: run[0] those up to the index's long_s, run[1] the
 * longer ones (nights at home), so that the rare long stay does not widen
 * every probe of the short ones. */
typedef struct place_entry {
	stay_run run[TRACE_RUNS];
} place_entry;

typedef struct person_entry {
	trace_person_stay *stays;
	uint32_t n, cap;
	uint32_t home;       /* home place index + 1; 0 none */
} person_entry;

struct trace_index {
	pthread_rwlock_t lock;
	int64_t base;
	id_table people, places;
	person_entry *pe;    /* parallel to people.ids */
	place_entry *pl;     /* parallel to places.ids */
	size_t n_stays;
	int64_t max_scan_id;
	uint32_t long_s;     /* a stay longer than this goes in run[1] */
	bool bulk_pending;   /* bulk adds sit unsorted in run[0] (trace_index_bulk_end) */
	bool bulk_memo;      /* the last bulk add's ids and indexes are below */
	int64_t memo_person, memo_place;
	uint32_t memo_pi, memo_li;
};

static void contents_free(trace_index *ix);
static void bulk_finish(trace_index *ix);

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		sj_oom(n);
	return q;
}

static uint32_t
hash_id(int64_t id)
{
	uint64_t x = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);

	return (uint32_t)(x >> 32);
}

static bool
id_find(const id_table *t, int64_t id, uint32_t *idx)
{
	if (id >= t->lo && (uint64_t)(id - t->lo) < t->n_direct && t->direct[id - t->lo] != 0) {
		*idx = t->direct[id - t->lo] - 1;
		return true;
	}
	if (t->n_slots == 0)
		return false;
	for (uint32_t h = hash_id(id) & (t->n_slots - 1);; h = (h + 1) & (t->n_slots - 1)) {
		uint32_t s = t->slots[h];

		if (s == 0)
			return false;
		if (t->ids[s - 1] == id) {
			*idx = s - 1;
			return true;
		}
	}
}

static void
id_rehash(id_table *t, uint32_t n_slots)
{
	free(t->slots);
	t->slots = calloc(n_slots, sizeof *t->slots);
	if (t->slots == NULL)
		sj_oom((size_t)n_slots * sizeof *t->slots);
	t->n_slots = n_slots;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h = hash_id(t->ids[i]) & (n_slots - 1);

		while (t->slots[h] != 0)
			h = (h + 1) & (n_slots - 1);
		t->slots[h] = i + 1;
	}
}

/* The index of id, added when new (*added set). */
static uint32_t
id_intern(id_table *t, int64_t id, bool *added)
{
	uint32_t idx;

	*added = false;
	if (id_find(t, id, &idx))
		return idx;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap + t->cap / 2 : 64;
		t->ids = xrealloc(t->ids, (size_t)t->cap * sizeof *t->ids);
	}
	if (t->n == 0 && t->n_direct == 0)
		t->lo = id;
	t->ids[t->n++] = id;
	if (id >= t->lo && ((uint64_t)(id - t->lo) < t->n_direct ||
	    (uint64_t)(id - t->lo) < DIRECT_SPAN(t->n))) {
		uint64_t d = (uint64_t)(id - t->lo);

		if (d >= t->n_direct) {
			uint64_t m = (uint64_t)t->n_direct * 2 > d + 1 ? (uint64_t)t->n_direct * 2 : d + 1;

			if (m > DIRECT_SPAN(t->n))
				m = DIRECT_SPAN(t->n);
			t->direct = xrealloc(t->direct, m * sizeof *t->direct);
			memset(t->direct + t->n_direct, 0, (m - t->n_direct) * sizeof *t->direct);
			t->n_direct = (uint32_t)m;
		}
		t->direct[d] = t->n;
		*added = true;
		return t->n - 1;
	}
	if ((uint64_t)t->n * 2 > t->n_slots) {
		uint32_t m = t->n_slots ? t->n_slots * 2 : 128;

		while ((uint64_t)m < (uint64_t)t->n * 2)  /* direct ids count too */
			m *= 2;
		id_rehash(t, m);
	} else {
		uint32_t h = hash_id(id) & (t->n_slots - 1);

		while (t->slots[h] != 0)
			h = (h + 1) & (t->n_slots - 1);
		t->slots[h] = t->n;
	}
	*added = true;
	return t->n - 1;
}

/* Before the first intern: make the direct array cover the ids [lo, hi]
 * at once when n ids are coming from there and the span is within
 * DIRECT_SPAN(n) (else the array grows with the ids as they come, and
 * those far above the first ones go through the hash table). */
static void
id_reserve(id_table *t, int64_t lo, int64_t hi, size_t n)
{
	if (t->n != 0 || t->n_direct != 0 || hi < lo || (uint64_t)(hi - lo) >= DIRECT_SPAN(n) ||
	    (uint64_t)(hi - lo) >= UINT32_MAX)
		return;
	t->lo = lo;
	t->n_direct = (uint32_t)(hi - lo + 1);
	t->direct = calloc(t->n_direct, sizeof *t->direct);
	if (t->direct == NULL)
		sj_oom((size_t)t->n_direct * sizeof *t->direct);
}

static uint32_t
person_intern(trace_index *ix, int64_t id)
{
	bool added;
	uint32_t i = id_intern(&ix->people, id, &added);

	if (added) {
		ix->pe = xrealloc(ix->pe, (size_t)ix->people.cap * sizeof *ix->pe);
		memset(&ix->pe[i], 0, sizeof ix->pe[i]);
	}
	return i;
}

static uint32_t
place_intern(trace_index *ix, int64_t id)
{
	bool added;
	uint32_t i = id_intern(&ix->places, id, &added);

	if (added) {
		ix->pl = xrealloc(ix->pl, (size_t)ix->places.cap * sizeof *ix->pl);
		memset(&ix->pl[i], 0, sizeof ix->pl[i]);
	}
	return i;
}

trace_index *
trace_index_new(int64_t base)
{
	trace_index *ix = calloc(1, sizeof *ix);

	if (ix == NULL)
		sj_oom(sizeof *ix);
	pthread_rwlock_init(&ix->lock, NULL);
	ix->base = base;
	ix->long_s = TRACE_LONG_DEFAULT_S;
	return ix;
}

void
trace_index_free(trace_index *ix)
{
	if (ix == NULL)
		return;
	contents_free(ix);
	pthread_rwlock_destroy(&ix->lock);
	free(ix);
}

/* Order of a place's stays: entry, then exit, then person. */
static int
place_stay_cmp(const trace_place_stay *a, const trace_place_stay *b)
{
	if (a->entry != b->entry)
		return a->entry < b->entry ? -1 : 1;
	if (a->exit != b->exit)
		return a->exit < b->exit ? -1 : 1;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	return 0;
}

/* The first position in the place's array whose entry is ≥ t. */
static uint32_t
lower_entry(const stay_run *p, uint32_t t)
{
	uint32_t lo = 0, hi = p->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (p->stays[mid].entry < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The position in place p of the stay of person entering at entry, or
 * p->n when there is none. */
static uint32_t
place_find(const stay_run *p, uint32_t person, uint32_t entry)
{
	for (uint32_t i = lower_entry(p, entry); i < p->n && p->stays[i].entry == entry; i++)
		if (p->stays[i].person == person)
			return i;
	return p->n;
}

static void
place_insert(stay_run *p, trace_place_stay st)
{
	uint32_t i = p->n;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap + p->cap / 4 + 4 : 8;
		p->stays = xrealloc(p->stays, (size_t)p->cap * sizeof *p->stays);
	}
	while (i > 0 && place_stay_cmp(&p->stays[i - 1], &st) > 0)
		i--;
	memmove(&p->stays[i + 1], &p->stays[i], (size_t)(p->n - i) * sizeof *p->stays);
	p->stays[i] = st;
	p->n++;
	if (st.exit - st.entry > p->maxlen)
		p->maxlen = st.exit - st.entry;
}

static void
place_erase(stay_run *p, uint32_t i)
{
	memmove(&p->stays[i], &p->stays[i + 1], (size_t)(p->n - i - 1) * sizeof *p->stays);
	p->n--;
}

static void
person_append(person_entry *q, trace_person_stay st)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap + q->cap / 4 + 4 : 4;
		q->stays = xrealloc(q->stays, (size_t)q->cap * sizeof *q->stays);
	}
	q->stays[q->n++] = st;
}

static uint32_t
person_find(const person_entry *q, uint32_t place, uint32_t entry)
{
	for (uint32_t i = 0; i < q->n; i++)
		if (q->stays[i].place == place && q->stays[i].entry == entry)
			return i;
	return q->n;
}

/* Put without the lock (the caller holds it). */
static sj_rc
put_locked(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at,
    int64_t exit_at, sj_err *e)
{
	if (exit_at < entry_at)
		return sj_fail(e, SJ_EINVAL, "exit_at", "the stay ends before it begins");
	if (entry_at < ix->base || exit_at - ix->base > (int64_t)UINT32_MAX)
		return sj_fail(e, SJ_EINVAL, "entry_at", "outside the index's time range");
	bulk_finish(ix);
	uint32_t pi = person_intern(ix, person_id), li = place_intern(ix, place_id);
	uint32_t en = (uint32_t)(entry_at - ix->base), ex = (uint32_t)(exit_at - ix->base);
	place_entry *p = &ix->pl[li];
	person_entry *q = &ix->pe[pi];
	stay_run *to = &p->run[ex - en > ix->long_s];

	for (int k = 0; k < TRACE_RUNS; k++) {
		uint32_t at = place_find(&p->run[k], pi, en);

		if (at < p->run[k].n) {
			/* An update: the end moved; re-sort by removing and inserting. */
			place_erase(&p->run[k], at);
			place_insert(to, (trace_place_stay){ pi, en, ex });
			return SJ_OK;
		}
	}
	place_insert(to, (trace_place_stay){ pi, en, ex });
	person_append(q, (trace_person_stay){ li, en });
	ix->n_stays++;
	return SJ_OK;
}

sj_rc
trace_index_put(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at,
    int64_t exit_at, sj_err *e)
{
	pthread_rwlock_wrlock(&ix->lock);
	sj_rc rc = put_locked(ix, person_id, place_id, entry_at, exit_at, e);
	pthread_rwlock_unlock(&ix->lock);
	return rc;
}

/* Remove without the lock (the caller holds it). */
static bool
remove_locked(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at)
{
	uint32_t pi, li;
	bool found = false;

	bulk_finish(ix);
	if (entry_at >= ix->base && entry_at - ix->base <= (int64_t)UINT32_MAX &&
	    trace_index_person(ix, person_id, &pi) && trace_index_place(ix, place_id, &li)) {
		uint32_t en = (uint32_t)(entry_at - ix->base);
		place_entry *p = &ix->pl[li];
		person_entry *q = &ix->pe[pi];

		for (int k = 0; k < TRACE_RUNS && !found; k++) {
			uint32_t at = place_find(&p->run[k], pi, en);

			if (at < p->run[k].n) {
				uint32_t j = person_find(q, li, en);

				place_erase(&p->run[k], at);
				q->stays[j] = q->stays[--q->n];
				ix->n_stays--;
				found = true;
			}
		}
	}
	return found;
}

bool
trace_index_remove(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at)
{
	pthread_rwlock_wrlock(&ix->lock);
	bool found = remove_locked(ix, person_id, place_id, entry_at);

	pthread_rwlock_unlock(&ix->lock);
	return found;
}

size_t
trace_index_apply(trace_index *ix, const stay_news *news, size_t n)
{
	size_t changed = 0;

	pthread_rwlock_wrlock(&ix->lock);
	for (size_t i = 0; i < n; i++) {
		const stay_news *x = &news[i];

		if (x->gone)
			changed += remove_locked(ix, x->person_id, x->place_id, x->entry_at);
		else
			changed += put_locked(ix, x->person_id, x->place_id, x->entry_at, x->exit_at,
			    NULL) == SJ_OK;
	}
	pthread_rwlock_unlock(&ix->lock);
	return changed;
}

/* ---- bulk building ---------------------------------------------------------- */

sj_rc
trace_index_bulk_add(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at,
    int64_t exit_at, sj_err *e)
{
	if (!ix->bulk_pending && ix->n_stays > 0)
		return put_locked(ix, person_id, place_id, entry_at, exit_at, e);
	if (exit_at < entry_at)
		return sj_fail(e, SJ_EINVAL, "exit_at", "the stay ends before it begins");
	if (entry_at < ix->base || exit_at - ix->base > (int64_t)UINT32_MAX)
		return sj_fail(e, SJ_EINVAL, "entry_at", "outside the index's time range");
	/* Stays come person by person (a generator) or place by place (the
	 * store): one id of the two is usually the last one's. */
	if (!ix->bulk_memo || ix->memo_person != person_id) {
		ix->memo_pi = person_intern(ix, person_id);
		ix->memo_person = person_id;
	}
	if (!ix->bulk_memo || ix->memo_place != place_id) {
		ix->memo_li = place_intern(ix, place_id);
		ix->memo_place = place_id;
	}
	ix->bulk_memo = true;
	ix->bulk_pending = true;
	uint32_t en = (uint32_t)(entry_at - ix->base), ex = (uint32_t)(exit_at - ix->base);
	stay_run *p = &ix->pl[ix->memo_li].run[0];

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap + p->cap / 2 : 16;
		p->stays = xrealloc(p->stays, (size_t)p->cap * sizeof *p->stays);
	}
	p->stays[p->n++] = (trace_place_stay){ ix->memo_pi, en, ex };
	ix->n_stays++;  /* the person's copy is made at the end (bulk_people) */
	return SJ_OK;
}

/* Sort s[0 .. n) by entry, stably (an LSD radix sort, 11 bits a pass,
 * passes over constant digits skipped), with tmp[0 .. n) as scratch. */
static void
sort_by_entry(trace_place_stay *s, size_t n, trace_place_stay *tmp)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	bool sorted = true;

	for (size_t i = 0; i < n; i++) {
		if (s[i].entry < lo)
			lo = s[i].entry;
		if (s[i].entry > hi)
			hi = s[i].entry;
		sorted = sorted && (i == 0 || s[i - 1].entry <= s[i].entry);
	}
	if (sorted)
		return;
	trace_place_stay *from = s, *to = tmp;

	for (int shift = 0; shift < 32 && ((lo ^ hi) >> shift) != 0; shift += 11) {
		size_t count[2049] = {0};

		for (size_t i = 0; i < n; i++)
			count[((from[i].entry >> shift) & 2047) + 1]++;
		for (int b = 0; b < 2048; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			to[count[(from[i].entry >> shift) & 2047]++] = from[i];
		trace_place_stay *t = from;

		from = to;
		to = t;
	}
	if (from != s)
		memcpy(s, from, n * sizeof *s);
}

static int
u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

static int
place_stay_qcmp(const void *a, const void *b)
{
	return place_stay_cmp(a, b);
}

/* g[0 .. n): stays of one place with one entry, in the order they were
 * added.  Keep the last of each person's (trace_index_put's rule: a stay
 * put again is updated), sort them by (exit, person); returns how many are
 * kept and counts the others in *dropped.  keys: scratch of n. */
static size_t
entry_group(trace_place_stay *g, size_t n, uint64_t *keys, size_t *dropped)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		keys[i] = (uint64_t)g[i].person << 32 | i;
	qsort(keys, n, sizeof *keys, u64_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && keys[i + 1] >> 32 == keys[i] >> 32) {
			(*dropped)++;  /* a repeat: the later one stays */
			continue;
		}
		keys[w++] = keys[i];
	}
	if (w < n) {  /* rebuild g from the kept ones (positions in keys) */
		for (size_t i = 0; i < w; i++)
			keys[i] = (uint64_t)g[(uint32_t)keys[i]].exit << 32 | g[(uint32_t)keys[i]].person;
		for (size_t i = 0; i < w; i++)
			g[i] = (trace_place_stay){ (uint32_t)keys[i], g[0].entry, (uint32_t)(keys[i] >> 32) };
	}
	qsort(g, w, sizeof *g, place_stay_qcmp);
	return w;
}

/* Sort place li's bulk-added stays (all in run[0]) and split them into the
 * short and the long run, with their bounds; repeats dropped are counted
 * in *dropped.  tmp, keys: scratch of the place's size. */
static void
place_finish(trace_index *ix, uint32_t li, trace_place_stay *tmp, uint64_t *keys,
    size_t *dropped)
{
	stay_run *r0 = &ix->pl[li].run[0], *r1 = &ix->pl[li].run[1];
	trace_place_stay *s = r0->stays;
	size_t n = r0->n, w = 0, n_long = 0;

	sort_by_entry(s, n, tmp);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && s[j].entry == s[i].entry)
			j++;
		if (j - i == 1)
			s[w++] = s[i];
		else {
			size_t k = entry_group(s + i, j - i, keys, dropped);

			memmove(s + w, s + i, k * sizeof *s);
			w += k;
		}
		i = j;
	}
	for (size_t i = 0; i < w; i++)
		n_long += s[i].exit - s[i].entry > ix->long_s;
	r1->stays = xrealloc(r1->stays, n_long * sizeof *s);
	r0->n = r1->n = 0;
	for (size_t i = 0; i < w; i++) {
		stay_run *to = s[i].exit - s[i].entry > ix->long_s ? r1 : r0;
		uint32_t len = s[i].exit - s[i].entry;

		to->stays[to->n++] = s[i];  /* r0 writes behind i: in place */
		if (len > to->maxlen)
			to->maxlen = len;
	}
	r1->cap = r1->n;
	r0->cap = r0->n;
	r0->stays = xrealloc(r0->stays, (size_t)r0->cap * sizeof *s);
}

/* The person copies of a bulk build for the people [lo, hi), from the
 * finished place runs: count each one's stays, give each array its exact
 * size, fill (the index held no stays before the bulk adds, so every
 * person's array was empty).  Every person's copies are in place order,
 * whichever share made them. */
static void
bulk_people(trace_index *ix, uint32_t lo, uint32_t hi)
{
	uint32_t span = hi - lo;

	for (uint32_t i = lo; i < hi; i++)
		ix->pe[i].n = 0;
	for (uint32_t li = 0; li < ix->places.n; li++)
		for (int r = 0; r < TRACE_RUNS; r++) {
			const stay_run *p = &ix->pl[li].run[r];

			for (uint32_t k = 0; k < p->n; k++)
				if (p->stays[k].person - lo < span)
					ix->pe[p->stays[k].person].n++;
		}
	for (uint32_t i = lo; i < hi; i++) {
		person_entry *q = &ix->pe[i];

		if (q->n > q->cap)
			q->stays = xrealloc(q->stays, (size_t)q->n * sizeof *q->stays);
		q->cap = q->cap > q->n ? q->cap : q->n;
		q->n = 0;
	}
	for (uint32_t li = 0; li < ix->places.n; li++)
		for (int r = 0; r < TRACE_RUNS; r++) {
			const stay_run *p = &ix->pl[li].run[r];

			for (uint32_t k = 0; k < p->n; k++)
				if (p->stays[k].person - lo < span) {
					person_entry *q = &ix->pe[p->stays[k].person];

					q->stays[q->n++] = (trace_person_stay){ li, p->stays[k].entry };
				}
		}
}

/* One thread's share of the end of a bulk build (bulk_finish): places
 * taken PLACE_BLOCK at a time while any are left, then the person copies of
 * a fixed range of people. */
#define PLACE_BLOCK 16
typedef struct finish_share {
	trace_index *ix;
	atomic_uint *next;           /* the next place to take */
	size_t most;                 /* the largest place's stays: scratch size */
	size_t dropped;              /* repeats dropped */
	uint32_t person_lo, person_hi;
	bool people;                 /* the second round */
} finish_share;

static void *
finish_main(void *arg)
{
	finish_share *f = arg;
	trace_index *ix = f->ix;

	if (f->people) {
		bulk_people(ix, f->person_lo, f->person_hi);
		return NULL;
	}
	trace_place_stay *tmp = malloc(f->most ? f->most * sizeof *tmp : 1);
	uint64_t *keys = malloc(f->most ? f->most * sizeof *keys : 1);
	uint32_t at;

	if (tmp == NULL || keys == NULL)
		sj_oom(f->most * (sizeof *tmp + sizeof *keys));
	while ((at = atomic_fetch_add(f->next, PLACE_BLOCK)) < ix->places.n)
		for (uint32_t i = at; i < at + PLACE_BLOCK && i < ix->places.n; i++)
			place_finish(ix, i, tmp, keys, &f->dropped);
	free(tmp);
	free(keys);
	return NULL;
}

/* Run finish_main on sh[0 .. n): sh[0] in this thread. */
static void
finish_round(finish_share *sh, size_t n)
{
	pthread_t th[FINISH_THREADS_MAX];
	size_t started = 0;

	for (size_t i = 1; i < n; i++) {
		if (pthread_create(&th[i], NULL, finish_main, &sh[i]) != 0) {
			finish_main(&sh[i]);  /* no thread: do its share here */
			continue;
		}
		th[started++] = th[i];
	}
	finish_main(&sh[0]);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* Finish a pending bulk build (trace_index_bulk_end without the lock) with
 * up to threads threads (1 ≤ threads). */
static void
bulk_finish_threads(trace_index *ix, int threads)
{
	finish_share sh[FINISH_THREADS_MAX];
	size_t most = 0, n = threads < 1 ? 1 : threads > FINISH_THREADS_MAX ? FINISH_THREADS_MAX
	                                                                  : (size_t)threads;
	atomic_uint next = 0;

	if (!ix->bulk_pending)
		return;
	for (uint32_t i = 0; i < ix->places.n; i++)
		if (ix->pl[i].run[0].n > most)
			most = ix->pl[i].run[0].n;
	for (size_t i = 0; i < n; i++)
		sh[i] = (finish_share){ .ix = ix, .next = &next, .most = most,
			.person_lo = (uint32_t)((uint64_t)ix->people.n * i / n),
			.person_hi = (uint32_t)((uint64_t)ix->people.n * (i + 1) / n) };
	finish_round(sh, n);
	for (size_t i = 0; i < n; i++) {
		ix->n_stays -= sh[i].dropped;
		sh[i].people = true;
	}
	finish_round(sh, n);
	ix->bulk_pending = ix->bulk_memo = false;
}

static void
bulk_finish(trace_index *ix)
{
	bulk_finish_threads(ix, 1);
}

void
trace_index_bulk_end(trace_index *ix)
{
	pthread_rwlock_wrlock(&ix->lock);
	bulk_finish(ix);
	pthread_rwlock_unlock(&ix->lock);
}

/* ---- for the load from the store (trace_index_int.h) ---------------------- */

void
trace_index_wrlock(trace_index *ix)
{
	pthread_rwlock_wrlock(&ix->lock);
}

bool
trace_index_fresh(const trace_index *ix)
{
	return ix->bulk_pending || ix->n_stays == 0;
}

void
trace_index_reserve_people(trace_index *ix, int64_t lo, int64_t hi, size_t n)
{
	id_reserve(&ix->people, lo, hi, n);
}

uint32_t
trace_index_intern_person(trace_index *ix, int64_t person_id)
{
	return person_intern(ix, person_id);
}

sj_rc
trace_index_instants(const trace_index *ix, int64_t entry_at, int64_t exit_at, uint32_t *en,
    uint32_t *ex, sj_err *e)
{
	if (exit_at < entry_at)
		return sj_fail(e, SJ_EINVAL, "exit_at", "the stay ends before it begins");
	if (entry_at < ix->base || exit_at - ix->base > (int64_t)UINT32_MAX)
		return sj_fail(e, SJ_EINVAL, "entry_at", "outside the index's time range");
	*en = (uint32_t)(entry_at - ix->base);
	*ex = (uint32_t)(exit_at - ix->base);
	return SJ_OK;
}

void
trace_index_bulk_place(trace_index *ix, int64_t place_id, trace_place_stay *stays, size_t n,
    size_t cap)
{
	if (!trace_index_fresh(ix)) {
		for (size_t i = 0; i < n; i++)
			put_locked(ix, ix->people.ids[stays[i].person], place_id,
			    ix->base + stays[i].entry, ix->base + stays[i].exit, NULL);
		free(stays);
		return;
	}
	uint32_t li = place_intern(ix, place_id);  /* may move ix->pl: first */
	stay_run *r = &ix->pl[li].run[0];

	if (r->n == 0) {
		free(r->stays);
		r->stays = stays;
		r->cap = (uint32_t)cap;
	} else {
		if (r->n + n > r->cap) {
			r->cap = (uint32_t)(r->n + n);
			r->stays = xrealloc(r->stays, (size_t)r->cap * sizeof *r->stays);
		}
		memcpy(r->stays + r->n, stays, n * sizeof *stays);
		free(stays);
	}
	r->n += (uint32_t)n;
	ix->n_stays += n;
	ix->bulk_pending = ix->bulk_pending || n > 0;
}

void
trace_index_prefetch_person_id(const trace_index *ix, int64_t person_id)
{
	const id_table *t = &ix->people;

	if (person_id >= t->lo && (uint64_t)(person_id - t->lo) < t->n_direct)
		__builtin_prefetch(&t->direct[person_id - t->lo]);
}

void
trace_index_bulk_finish(trace_index *ix, int threads)
{
	bulk_finish_threads(ix, threads);
}

int64_t
trace_index_max_scan_id(const trace_index *ix)
{
	return ix->max_scan_id;
}

void
trace_index_set_max_scan_id(trace_index *ix, int64_t id)
{
	ix->max_scan_id = id;
}

/* Free what ix holds (not the lock, not ix). */
static void
contents_free(trace_index *ix)
{
	for (uint32_t i = 0; i < ix->people.n; i++)
		free(ix->pe[i].stays);
	for (uint32_t i = 0; i < ix->places.n; i++)
		for (int k = 0; k < TRACE_RUNS; k++)
			free(ix->pl[i].run[k].stays);
	free(ix->pe);
	free(ix->pl);
	free(ix->people.ids);
	free(ix->people.slots);
	free(ix->people.direct);
	free(ix->places.ids);
	free(ix->places.slots);
	free(ix->places.direct);
}

void
trace_index_replace(trace_index *ix, trace_index *fresh)
{
	bulk_finish(fresh);
	pthread_rwlock_wrlock(&ix->lock);
	contents_free(ix);
	ix->base = fresh->base;
	ix->people = fresh->people;
	ix->places = fresh->places;
	ix->pe = fresh->pe;
	ix->pl = fresh->pl;
	ix->n_stays = fresh->n_stays;
	ix->max_scan_id = fresh->max_scan_id;
	pthread_rwlock_unlock(&ix->lock);
	pthread_rwlock_destroy(&fresh->lock);
	free(fresh);
}

void
trace_index_home_locked(trace_index *ix, int64_t person_id, int64_t place_id)
{
	uint32_t pi = person_intern(ix, person_id);

	ix->pe[pi].home = place_id ? place_intern(ix, place_id) + 1 : 0;
}

void
trace_index_set_home(trace_index *ix, int64_t person_id, int64_t place_id)
{
	pthread_rwlock_wrlock(&ix->lock);
	trace_index_home_locked(ix, person_id, place_id);
	pthread_rwlock_unlock(&ix->lock);
}

size_t
trace_index_expire(trace_index *ix, int64_t horizon)
{
	size_t dropped = 0;

	pthread_rwlock_wrlock(&ix->lock);
	bulk_finish(ix);
	if (horizon > ix->base) {
		uint32_t h = horizon - ix->base > (int64_t)UINT32_MAX ? UINT32_MAX
		                                                     : (uint32_t)(horizon - ix->base);

		for (uint32_t i = 0; i < ix->places.n; i++)
			for (int r = 0; r < TRACE_RUNS; r++) {
				stay_run *p = &ix->pl[i].run[r];
				uint32_t k = lower_entry(p, h);

				if (k == 0)  /* none expired (an empty run has no array) */
					continue;
				memmove(p->stays, p->stays + k, (size_t)(p->n - k) * sizeof *p->stays);
				p->n -= k;
				dropped += k;
			}
		for (uint32_t i = 0; i < ix->people.n; i++) {
			person_entry *q = &ix->pe[i];
			uint32_t w = 0;

			for (uint32_t r = 0; r < q->n; r++)
				if (q->stays[r].entry >= h)
					q->stays[w++] = q->stays[r];
			q->n = w;
		}
		ix->n_stays -= dropped;
	}
	pthread_rwlock_unlock(&ix->lock);
	return dropped;
}

void
trace_index_compact(trace_index *ix)
{
	pthread_rwlock_wrlock(&ix->lock);
	bulk_finish(ix);
	for (uint32_t i = 0; i < ix->places.n; i++)
		for (int r = 0; r < TRACE_RUNS; r++) {
			stay_run *p = &ix->pl[i].run[r];

			if (p->cap > p->n) {
				p->cap = p->n;
				p->stays = xrealloc(p->stays, (size_t)p->cap * sizeof *p->stays);
			}
		}
	for (uint32_t i = 0; i < ix->people.n; i++) {
		person_entry *q = &ix->pe[i];

		if (q->cap > q->n) {
			q->cap = q->n;
			q->stays = xrealloc(q->stays, (size_t)q->cap * sizeof *q->stays);
		}
	}
	pthread_rwlock_unlock(&ix->lock);
}

void
trace_index_stats(trace_index *ix, trace_index_figures *out)
{
	pthread_rwlock_rdlock(&ix->lock);
	size_t b = sizeof *ix;

	b += (size_t)ix->people.cap * (sizeof(int64_t) + sizeof(person_entry));
	b += (size_t)ix->places.cap * (sizeof(int64_t) + sizeof(place_entry));
	b += ((size_t)ix->people.n_slots + ix->places.n_slots) * sizeof(uint32_t);
	b += ((size_t)ix->people.n_direct + ix->places.n_direct) * sizeof(uint32_t);
	for (uint32_t i = 0; i < ix->places.n; i++)
		for (int r = 0; r < TRACE_RUNS; r++)
			b += (size_t)ix->pl[i].run[r].cap * sizeof(trace_place_stay);
	for (uint32_t i = 0; i < ix->people.n; i++)
		b += (size_t)ix->pe[i].cap * sizeof(trace_person_stay);
	*out = (trace_index_figures){ .n_stays = ix->n_stays, .n_people = ix->people.n,
		.n_places = ix->places.n, .bytes = b, .max_scan_id = ix->max_scan_id };
	pthread_rwlock_unlock(&ix->lock);
}

void
trace_index_rdlock(trace_index *ix)
{
	pthread_rwlock_rdlock(&ix->lock);
}

void
trace_index_unlock(trace_index *ix)
{
	pthread_rwlock_unlock(&ix->lock);
}

int64_t
trace_index_base(const trace_index *ix)
{
	return ix->base;
}

uint32_t
trace_index_n_people(const trace_index *ix)
{
	return ix->people.n;
}

bool
trace_index_person(const trace_index *ix, int64_t person_id, uint32_t *idx)
{
	return id_find(&ix->people, person_id, idx);
}

bool
trace_index_place(const trace_index *ix, int64_t place_id, uint32_t *idx)
{
	return id_find(&ix->places, place_id, idx);
}

int64_t
trace_index_person_id(const trace_index *ix, uint32_t idx)
{
	return ix->people.ids[idx];
}

void
trace_index_prefetch_person(const trace_index *ix, uint32_t idx)
{
	__builtin_prefetch(&ix->people.ids[idx]);
}

int64_t
trace_index_place_id(const trace_index *ix, uint32_t idx)
{
	return ix->places.ids[idx];
}

uint32_t
trace_index_home(const trace_index *ix, uint32_t person)
{
	return ix->pe[person].home;
}

const trace_person_stay *
trace_index_person_stays(const trace_index *ix, uint32_t person, size_t *n)
{
	*n = ix->pe[person].n;
	return ix->pe[person].stays;
}

uint32_t
trace_index_exit(const trace_index *ix, uint32_t person, uint32_t place, uint32_t entry)
{
	for (int k = 0; k < TRACE_RUNS; k++) {
		const stay_run *p = &ix->pl[place].run[k];
		uint32_t at = place_find(p, person, entry);

		if (at < p->n)
			return p->stays[at].exit;
	}
	assert(!"a person's stay is missing from its place");  /* both copies hold every stay */
	return entry;
}

uint32_t
trace_index_n_places(const trace_index *ix)
{
	return ix->places.n;
}

const trace_place_stay *
trace_index_place_all(const trace_index *ix, uint32_t place, int run, size_t *n,
    uint32_t *maxlen)
{
	const stay_run *p = &ix->pl[place].run[run];

	*n = p->n;
	*maxlen = p->maxlen;
	return p->stays;
}

const trace_place_stay *
trace_index_place_range(const trace_index *ix, uint32_t place, int run, uint32_t a, uint32_t b,
    size_t *n)
{
	const stay_run *p = &ix->pl[place].run[run];
	uint32_t lo_t = a > p->maxlen ? a - p->maxlen : 0;
	uint32_t lo = lower_entry(p, lo_t), step = 1, from, to;

	/* The end by galloping from lo: it reads only the stays the caller is
	 * about to read anyway, where a second binary search over the whole
	 * run would miss the cache at every level. */
	while (lo + step < p->n && p->stays[lo + step - 1].entry < b)
		step *= 2;
	from = lo + step / 2;
	to = lo + step < p->n ? lo + step : p->n;
	while (from < to) {  /* the first position in [from, to) entering ≥ b */
		uint32_t mid = from + (to - from) / 2;

		if (p->stays[mid].entry < b)
			from = mid + 1;
		else
			to = mid;
	}
	*n = from > lo ? from - lo : 0;
	return p->stays + lo;
}

void
trace_index_set_long(trace_index *ix, uint32_t long_s)
{
	assert(ix->n_stays == 0);
	ix->long_s = long_s;
}
