/*
 * trace — exposure tracing over the stay index (trace.h has the rules).
 *
 * First degree: the index person's stays are merged per place into
 * exposure intervals; each interval is one range probe of each run of the
 * place's sorted stays (trace_index_place_range) and a filter.  Second
 * degree: one pass over every place — the first-degree contacts' time there
 * cut into labelled pieces of its union (place_cover), then every other
 * stay there cut by those pieces (cut_run).  Pieces ("hits") are collected,
 * grouped by person (a radix sort, or a counting sort for very many),
 * sorted by (place, via, start) within a person, merged where they touch,
 * then totalled per person.
 */
#include "domain/trace.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NO_VIA UINT32_MAX

typedef struct hit {
	uint32_t person, place, via;
	int64_t from, to;
} hit;

typedef struct hits {
	hit *v;
	size_t n, cap;
} hits;

/* A person who qualified: their merged hits are v[0 .. n). */
typedef struct group {
	uint32_t person;
	int degree;
	int64_t total, first;
	const hit *v;
	size_t n;
} group;

typedef struct groups {
	group *v;
	size_t n, cap;
} groups;

typedef struct ctx {
	const trace_index *ix;
	uint32_t index_person;
	int64_t lo, hi;          /* the effective window */
	int64_t horizon;         /* stays entering before it are expired */
	bool exclude_home;
	const unsigned char *skip;  /* people not to report (depth 2), or NULL */
} ctx;

static void *
xalloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		sj_oom(n);
	return q;
}

static void advise_huge(void *p, size_t n);

static void
hits_push(hits *h, hit x)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xalloc(h->v, h->cap * sizeof *h->v);
		advise_huge(h->v, h->cap * sizeof *h->v);
	}
	h->v[h->n++] = x;
}

static void
groups_push(groups *g, group x)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = xalloc(g->v, g->cap * sizeof *g->v);
	}
	g->v[g->n++] = x;
}

void
trace_params_default(trace_params *p, int64_t person_id, int64_t now)
{
	*p = (trace_params){ .person_id = person_id, .from = now - TRACE_WINDOW_DEFAULT_S,
		.to = now, .min_overlap_s = TRACE_MIN_OVERLAP_DEFAULT_S, .margin_s = 0,
		.exclude_home = false, .depth = 1, .now = now, .retention_s = 28 * 86400 };
}

sj_rc
trace_params_check(const trace_params *p, sj_err *e)
{
	if (p->depth != 1 && p->depth != 2)
		return sj_fail(e, SJ_EINVAL, "depth", "must be 1 or 2, not %d", p->depth);
	if (p->from >= p->now)
		return sj_fail(e, SJ_EINVAL, "from", "the window lies in the future");
	if (p->to <= p->from)
		return sj_fail(e, SJ_EINVAL, "to", "the window is empty: it must end after it begins");
	if (p->min_overlap_s < 0)
		return sj_fail(e, SJ_EINVAL, "min_overlap", "must not be negative");
	if (p->min_overlap_s > p->to - p->from)
		return sj_fail(e, SJ_EINVAL, "min_overlap", "is longer than the window");
	if (p->margin_s < 0)
		return sj_fail(e, SJ_EINVAL, "margin", "must not be negative");
	if (p->retention_s <= 0)
		return sj_fail(e, SJ_EINVAL, "retention", "must be positive");
	return SJ_OK;
}

static void probe_run(const ctx *c, uint32_t place, int64_t a, int64_t b, uint32_t via,
    const trace_place_stay *s, size_t n, hits *h);

/* Append the pieces of [a, b) at place (seconds since the epoch) shared
 * with other people's stays there, attributed to via. */
static void
probe(const ctx *c, uint32_t place, int64_t a, int64_t b, uint32_t via, hits *h)
{
	int64_t base = trace_index_base(c->ix);
	size_t n;

	if (b <= base || b <= a)
		return;
	uint32_t ra = a <= base ? 0 : (uint32_t)(a - base);
	uint32_t rb = b - base > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)(b - base);

	for (int run = 0; run < TRACE_RUNS; run++) {
		const trace_place_stay *s = trace_index_place_range(c->ix, place, run, ra, rb, &n);

		probe_run(c, place, a, b, via, s, n, h);
	}
}

/* probe's filter over one run's candidates s[0 .. n). */
static void
probe_run(const ctx *c, uint32_t place, int64_t a, int64_t b, uint32_t via,
    const trace_place_stay *s, size_t n, hits *h)
{
	int64_t base = trace_index_base(c->ix);

	for (size_t i = 0; i < n; i++) {
		uint32_t who = s[i].person;

		if (who == c->index_person || (c->skip != NULL && c->skip[who]))
			continue;
		if (c->exclude_home && trace_index_home(c->ix, who) == place + 1)
			continue;
		int64_t se = base + s[i].entry, sx = base + s[i].exit;

		if (se < c->horizon)
			continue;
		int64_t from = a > se ? a : se, to = b < sx ? b : sx;

		if (to > from)
			hits_push(h, (hit){ who, place, via, from, to });
	}
}

/* Order of one person's pieces for merging: place, start, end, via.
 * Pieces of one place that touch and have the same via are then next to
 * each other: the second-degree pieces of different vias at one place lie
 * in disjoint covering pieces (place_cover), so no piece of another via
 * starts between two touching pieces of one. */
static int
hit_cmp(const void *pa, const void *pb)
{
	const hit *a = pa, *b = pb;

	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return (a->via > b->via) - (a->via < b->via);
}

/* The scratch of one thread, kept from trace to trace so that a trace
 * allocates only its answer: buffers grow and are reused; a trace that
 * made them large (depth 2) frees them after (scratch_trim), and a
 * thread's scratch is freed when it ends (scratch_key's destructor). */
typedef struct person_slot {
	uint32_t person;
	uint32_t n;          /* its hits */
	size_t at;           /* where they start in the grouped array */
} person_slot;

typedef struct scratch {
	hits h1, h2;         /* the pieces of each degree */
	hit *spare;          /* the other buffer of the grouping (swapped) */
	size_t spare_cap;
	uint32_t *slot_of;   /* per hit: its person's slot */
	size_t slot_of_cap;
	uint64_t *map;       /* open addressing: (person + 1) << 32 | slot, 0 empty */
	size_t map_cap;
	uint32_t *dense;     /* person → slot, never cleared (checked against slots) */
	size_t dense_cap;
	person_slot *slots;
	size_t slots_cap;
	groups g1, g2;
	trace_contact *tmp;  /* contacts before the sort */
	size_t tmp_cap;
	uint64_t *keys, *keys_tmp;  /* sort keys: total, first; and positions */
	uint32_t *pos, *pos_tmp;
	size_t keys_cap, keys_tmp_cap;
} scratch;

#define SCRATCH_KEEP_BYTES ((size_t)32 << 20)  /* more is freed after the trace */

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Ask for huge pages over a large buffer (a second-degree answer is
 * gigabytes: 4 KiB pages would fault half a million times), where the
 * kernel allows it (transparent huge pages on madvise); advice only. */
static void
advise_huge(void *p, size_t n)
{
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t z = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);

	if (n >= 8 * HUGE_PAGE && z > a)
		(void)madvise((void *)a, z - a, MADV_HUGEPAGE);
}

/* Make *p hold at least need elements of size elem (contents kept). */
static void
grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	void **p = pp;

	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 64;

	while (c < need)
		c *= 2;
	*p = xalloc(*p, c * elem);
	*cap = c;
	advise_huge(*p, c * elem);
}

static size_t
scratch_bytes(const scratch *w)
{
	return w->h1.cap * sizeof(hit) + w->h2.cap * sizeof(hit) + w->spare_cap * sizeof(hit) +
	    w->slot_of_cap * 4 + w->map_cap * 8 + w->dense_cap * 4 +
	    w->slots_cap * sizeof(person_slot) + w->tmp_cap * sizeof(trace_contact) +
	    w->keys_cap * 24 + (w->g1.cap + w->g2.cap) * sizeof(group);
}

static void
scratch_free(void *arg)
{
	scratch *w = arg;

	if (w == NULL)
		return;
	free(w->h1.v);
	free(w->h2.v);
	free(w->spare);
	free(w->slot_of);
	free(w->map);
	free(w->dense);
	free(w->slots);
	free(w->g1.v);
	free(w->g2.v);
	free(w->tmp);
	free(w->keys);
	free(w->keys_tmp);
	free(w->pos);
	free(w->pos_tmp);
	free(w);
}

static void
scratch_key_make(void)
{
	if (pthread_key_create(&scratch_key, scratch_free) != 0)
		sj_oom(0);
}

/* This thread's scratch, emptied (capacities kept). */
static scratch *
scratch_get(void)
{
	pthread_once(&scratch_once, scratch_key_make);
	scratch *w = pthread_getspecific(scratch_key);

	if (w == NULL) {
		if ((w = calloc(1, sizeof *w)) == NULL)
			sj_oom(sizeof *w);
		pthread_setspecific(scratch_key, w);
	}
	w->h1.n = w->h2.n = w->g1.n = w->g2.n = 0;
	return w;
}

/* After a trace: give back a scratch that grew large. */
static void
scratch_trim(scratch *w)
{
	if (scratch_bytes(w) > SCRATCH_KEEP_BYTES) {
		scratch_free(w);
		pthread_setspecific(scratch_key, NULL);
	}
}

/* Sort one person's hits as hit_cmp does.  They nearly always come in
 * that order already (own stays by place, probes by time; the second
 * degree place by place, stays by entry), so check first; a few out of
 * order get an insertion sort, many a qsort. */
static void
sort_hits(hit *v, size_t n)
{
	size_t i = 1;

	while (i < n && hit_cmp(&v[i - 1], &v[i]) <= 0)
		i++;
	if (i >= n)
		return;
	if (n > 32) {
		qsort(v, n, sizeof *v, hit_cmp);
		return;
	}
	for (; i < n; i++) {
		hit x = v[i];
		size_t j = i;

		for (; j > 0 && hit_cmp(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Each hit's person slot in w->slot_of (slots in order of first
 * appearance, w->slots[0 .. returned) with their counts): through a hash
 * table sized to the hits for a few, through a person-indexed array for
 * very many (depth 2). */
static size_t
slot_people(scratch *w, const hits *h, uint32_t n_people)
{
	size_t n_slots = 0;

	grow(&w->slot_of, &w->slot_of_cap, h->n, sizeof *w->slot_of);
	grow(&w->slots, &w->slots_cap, h->n, sizeof *w->slots);
	if (h->n > n_people / 8) {
		grow(&w->dense, &w->dense_cap, n_people, sizeof *w->dense);
		for (size_t i = 0; i < h->n; i++) {
			uint32_t p = h->v[i].person, k = w->dense[p];

			if (k >= n_slots || w->slots[k].person != p) {
				k = (uint32_t)n_slots++;
				w->slots[k] = (person_slot){ p, 0, 0 };
				w->dense[p] = k;
			}
			w->slots[k].n++;
			w->slot_of[i] = k;
		}
		return n_slots;
	}
	size_t m = 64;

	while (m < 2 * h->n)
		m *= 2;
	grow(&w->map, &w->map_cap, m, sizeof *w->map);
	memset(w->map, 0, m * sizeof *w->map);
	for (size_t i = 0; i < h->n; i++) {
		uint32_t p = h->v[i].person;
		size_t at = ((uint64_t)(p + 1) * UINT64_C(0x9E3779B97F4A7C15) >> 40) & (m - 1);

		while (w->map[at] != 0 && w->map[at] >> 32 != (uint64_t)p + 1)
			at = (at + 1) & (m - 1);
		if (w->map[at] == 0) {
			w->slots[n_slots] = (person_slot){ p, 0, 0 };
			w->map[at] = ((uint64_t)p + 1) << 32 | n_slots++;
		}
		uint32_t k = (uint32_t)w->map[at];

		w->slots[k].n++;
		w->slot_of[i] = k;
	}
	return n_slots;
}

/* Group h by person (slot_people, then one stable scatter; h->v becomes
 * the grouped array), sort each person's few hits, merge touching pieces
 * of one (place, via), and push a group for each person whose total is
 * ≥ min_s and > 0.  The groups point into h->v. */
static void
collect(scratch *w, hits *h, int64_t min_s, int degree, groups *g, uint32_t n_people)
{
	size_t n_slots = slot_people(w, h, n_people), at = 0;

	for (size_t k = 0; k < n_slots; k++) {
		w->slots[k].at = at;
		at += w->slots[k].n;
		w->slots[k].n = 0;
	}
	grow(&w->spare, &w->spare_cap, h->n, sizeof *w->spare);
	for (size_t i = 0; i < h->n; i++) {
		person_slot *sl = &w->slots[w->slot_of[i]];

		w->spare[sl->at + sl->n++] = h->v[i];
	}
	hit *t = h->v;
	size_t tc = h->cap;

	h->v = w->spare;
	h->cap = w->spare_cap;
	w->spare = t;
	w->spare_cap = tc;
	for (size_t k = 0; k < n_slots; k++) {
		hit *v = h->v + w->slots[k].at;
		size_t n = w->slots[k].n, m = 0;
		group x = { .person = w->slots[k].person, .degree = degree, .first = INT64_MAX, .v = v };

		sort_hits(v, n);
		for (size_t r = 0; r < n; r++) {
			hit *last = m > 0 ? &v[m - 1] : NULL;

			if (last != NULL && last->place == v[r].place && last->via == v[r].via &&
			    v[r].from <= last->to) {
				if (v[r].to > last->to)
					last->to = v[r].to;
			} else
				v[m++] = v[r];
		}
		for (size_t r = 0; r < m; r++) {
			x.total += v[r].to - v[r].from;
			if (v[r].from < x.first)
				x.first = v[r].from;
		}
		x.n = m;
		if (x.total > 0 && x.total >= min_s)
			groups_push(g, x);
	}
}

/* One of the index person's stays, with its end. */
typedef struct own_stay {
	uint32_t place, entry, exit;  /* table index; seconds after the base */
} own_stay;

static int
own_cmp(const void *pa, const void *pb)
{
	const own_stay *a = pa, *b = pb;

	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	if (a->entry != b->entry)
		return a->entry < b->entry ? -1 : 1;
	return (a->exit > b->exit) - (a->exit < b->exit);
}

/* The index person's unexpired stays, sorted by (place, entry); malloc'd. */
static own_stay *
own_stays(const ctx *c, size_t *n_out)
{
	size_t n, k = 0;
	const trace_person_stay *s = trace_index_person_stays(c->ix, c->index_person, &n);
	own_stay *v = xalloc(NULL, n * sizeof *v);
	int64_t base = trace_index_base(c->ix);

	for (size_t i = 0; i < n; i++)
		if (base + s[i].entry >= c->horizon)
			v[k++] = (own_stay){ s[i].place, s[i].entry,
				trace_index_exit(c->ix, c->index_person, s[i].place, s[i].entry) };
	if (k > 1)
		qsort(v, k, sizeof *v, own_cmp);
	*n_out = k;
	return v;
}

/* First degree: merge the index person's extended stays per place, clip
 * to the window, probe each. */
static void
first_degree(const ctx *c, const own_stay *own, size_t n, int64_t margin, hits *h)
{
	int64_t base = trace_index_base(c->ix);

	for (size_t i = 0; i < n;) {
		uint32_t place = own[i].place;
		int64_t a = base + own[i].entry, b = base + own[i].exit + margin;

		for (i++; i < n && own[i].place == place && base + own[i].entry <= b; i++)
			if (base + own[i].exit + margin > b)
				b = base + own[i].exit + margin;
		probe(c, place, a > c->lo ? a : c->lo, b < c->hi ? b : c->hi, NO_VIA, h);
	}
}

/* A piece of the time covered by first-degree contacts at one place,
 * labelled with the contact present who arrived first. */
typedef struct cover {
	int64_t from, to;
	uint32_t via;      /* person index */
	int64_t via_id;    /* ... and id, for the order */
} cover;

typedef struct covers {
	cover *v;
	size_t n, cap;
} covers;

static void
covers_push(covers *cv, cover x)
{
	if (cv->n == cv->cap) {
		cv->cap = cv->cap ? cv->cap * 2 : 64;
		cv->v = xalloc(cv->v, cv->cap * sizeof *cv->v);
	}
	cv->v[cv->n++] = x;
}

/* Order of contacts' intervals: start, then the longer first, then person. */
static int
cover_cmp(const void *pa, const void *pb)
{
	const cover *a = pa, *b = pb;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to > b->to ? -1 : 1;
	return (a->via_id > b->via_id) - (a->via_id < b->via_id);
}

static void cover_run(const ctx *c, const int64_t *fc, const trace_place_stay *s, size_t n,
    covers *cv);

/* The first-degree contacts' intervals at one place (a stay of contact C
 * from max(f_C, window start) to the window's end), in *cv, turned into
 * disjoint labelled pieces of their union: in start order, each interval
 * adds the part beyond what is covered so far, labelled with it.  So the
 * label of an instant is the contact whose covering interval starts first
 * (then the longer, then the lower person id). */
static void
place_cover(const ctx *c, const int64_t *fc, uint32_t place, covers *cv)
{
	int64_t reach = INT64_MIN;
	size_t w = 0, n;
	uint32_t maxlen;

	cv->n = 0;
	for (int run = 0; run < TRACE_RUNS; run++) {
		const trace_place_stay *s = trace_index_place_all(c->ix, place, run, &n, &maxlen);

		cover_run(c, fc, s, n, cv);
	}
	if (cv->n > 1)
		qsort(cv->v, cv->n, sizeof *cv->v, cover_cmp);
	for (size_t i = 0; i < cv->n; i++) {
		cover x = cv->v[i];

		if (x.to <= reach)
			continue;
		if (x.from < reach)
			x.from = reach;
		reach = x.to;
		cv->v[w++] = x;
	}
	cv->n = w;
}

/* The first-degree contacts' intervals among s[0 .. n), pushed on cv. */
static void
cover_run(const ctx *c, const int64_t *fc, const trace_place_stay *s, size_t n, covers *cv)
{
	int64_t base = trace_index_base(c->ix);

	for (size_t i = 0; i < n; i++) {
		int64_t f = fc[s[i].person];

		if (f == 0 || base + s[i].entry < c->horizon)
			continue;
		int64_t a = base + s[i].entry, b = base + s[i].exit;

		if (f > a)
			a = f;
		if (c->lo > a)
			a = c->lo;
		if (c->hi < b)
			b = c->hi;
		if (b > a)
			covers_push(cv, (cover){ a, b, s[i].person,
			    trace_index_person_id(c->ix, s[i].person) });
	}
}

/* Every stay of s[0 .. n) (one run, sorted by entry) of a person to report
 * cut by the pieces cv of the place. */
static void
cut_run(const ctx *c, uint32_t place, const covers *cv, const trace_place_stay *s, size_t n,
    hits *h)
{
	int64_t base = trace_index_base(c->ix);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t who = s[i].person;
		int64_t a = base + s[i].entry, b = base + s[i].exit;

		if (c->skip[who] || a < c->horizon ||
		    (c->exclude_home && trace_index_home(c->ix, who) == place + 1))
			continue;
		if (a < c->lo)
			a = c->lo;
		if (b > c->hi)
			b = c->hi;
		/* a only grows with i (entries are sorted): j only moves on. */
		while (j < cv->n && cv->v[j].to <= a)
			j++;
		for (size_t k = j; k < cv->n && cv->v[k].from < b; k++) {
			int64_t from = a > cv->v[k].from ? a : cv->v[k].from;
			int64_t to = b < cv->v[k].to ? b : cv->v[k].to;

			if (to > from)
				hits_push(h, (hit){ who, place, cv->v[k].via, from, to });
		}
	}
}

/* Second degree in one pass over every place's stays: the time covered by
 * first-degree contacts (after their first exposure) at the place, then
 * every other person's stays there cut by it. */
static void
second_degree(const ctx *c, const groups *g1, hits *h)
{
	int64_t base = trace_index_base(c->ix);
	int64_t *fc = calloc(trace_index_n_people(c->ix), sizeof *fc);
	covers cv = {0};

	if (fc == NULL)
		sj_oom(trace_index_n_people(c->ix) * sizeof *fc);
	for (size_t k = 0; k < g1->n; k++)
		fc[g1->v[k].person] = g1->v[k].first;  /* > 0: an instant after 1970 */
	for (uint32_t place = 0; place < trace_index_n_places(c->ix); place++) {
		place_cover(c, fc, place, &cv);
		if (cv.n == 0)
			continue;
		/* Stays that may meet the pieces enter in [first − maxlen, last end). */
		for (int run = 0; run < TRACE_RUNS; run++) {
			size_t n;
			const trace_place_stay *s = trace_index_place_range(c->ix, place, run,
			    (uint32_t)(cv.v[0].from - base), (uint32_t)(cv.v[cv.n - 1].to - base), &n);

			cut_run(c, place, &cv, s, n, h);
		}
	}
	free(cv.v);
	free(fc);
}

static int
interval_cmp(const void *pa, const void *pb)
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
contact_cmp(const void *pa, const void *pb)
{
	const trace_contact *a = pa, *b = pb;

	if (a->total_s != b->total_s)
		return a->total_s > b->total_s ? -1 : 1;
	if (a->first_at != b->first_at)
		return a->first_at < b->first_at ? -1 : 1;
	return (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

/* Sort a contact's few intervals as interval_cmp does. */
static void
sort_intervals(trace_interval *v, size_t n)
{
	if (n > 32) {
		qsort(v, n, sizeof *v, interval_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		trace_interval x = v[i];
		size_t j = i;

		for (; j > 0 && interval_cmp(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* One stable LSD radix pass set over the keys k[0 .. n) with their
 * positions ps, 8 bits a pass, skipping bytes on which all keys agree;
 * kt and pt are scratch of n.  The sorted keys and positions end in the
 * arrays *k and *ps point to (the buffers are swapped as passes go). */
static void
radix_u64(uint64_t **k, uint32_t **ps, uint64_t **kt, uint32_t **pt, size_t n)
{
	uint64_t all_or = 0, all_and = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		all_or |= (*k)[i];
		all_and &= (*k)[i];
	}
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[257] = {0};
		uint64_t *a = *k, *b = *kt;
		uint32_t *pa = *ps, *pb = *pt;

		if ((((all_or ^ all_and) >> shift) & 0xff) == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			count[((a[i] >> shift) & 0xff) + 1]++;
		for (int d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++) {
			size_t at = count[(a[i] >> shift) & 0xff]++;

			b[at] = a[i];
			pb[at] = pa[i];
		}
		*k = b, *kt = a, *ps = pb, *pt = pa;
	}
}

/* Put w->tmp[0 .. n) in contact_cmp's order into out without comparisons:
 * a stable radix sort by person id (ids ≥ 0), then one by the key
 * (UINT32_MAX − total) << 32 | (first − base), which orders by total
 * descending, then first, the person ids staying in order among equals.
 * Falls back to qsort when a total or a start does not fit 32 bits. */
static void
sort_contacts(scratch *w, size_t n, int64_t base, trace_contact *out)
{
	bool fits = true;

	grow(&w->keys, &w->keys_cap, n, sizeof *w->keys);
	if (w->keys_cap > w->keys_tmp_cap) {
		w->keys_tmp = xalloc(w->keys_tmp, w->keys_cap * sizeof *w->keys_tmp);
		w->pos = xalloc(w->pos, w->keys_cap * sizeof *w->pos);
		w->pos_tmp = xalloc(w->pos_tmp, w->keys_cap * sizeof *w->pos_tmp);
		w->keys_tmp_cap = w->keys_cap;
	}
	for (size_t i = 0; i < n && fits; i++) {
		int64_t t = w->tmp[i].total_s, f = w->tmp[i].first_at - base;

		fits = t >= 0 && t <= UINT32_MAX && f >= 0 && f <= UINT32_MAX &&
		    w->tmp[i].person_id >= 0;
		w->keys[i] = (uint64_t)w->tmp[i].person_id;
		w->pos[i] = (uint32_t)i;
	}
	if (!fits) {
		memcpy(out, w->tmp, n * sizeof *out);
		qsort(out, n, sizeof *out, contact_cmp);
		return;
	}
	uint64_t *k = w->keys, *kt = w->keys_tmp;
	uint32_t *ps = w->pos, *pt = w->pos_tmp;

	radix_u64(&k, &ps, &kt, &pt, n);
	for (size_t i = 0; i < n; i++) {
		const trace_contact *ct = &w->tmp[ps[i]];

		k[i] = (uint64_t)(UINT32_MAX - (uint32_t)ct->total_s) << 32 |
		    (uint32_t)(ct->first_at - base);
	}
	radix_u64(&k, &ps, &kt, &pt, n);
	for (size_t i = 0; i < n; i++)
		out[i] = w->tmp[ps[i]];
}

/* Build out's contacts and pool from the groups of both degrees. */
static void
assemble(const ctx *c, scratch *w, trace_result *out)
{
	const groups *g1 = &w->g1, *g2 = &w->g2;
	size_t n_pool = 0, k = 0, at = 0;

	for (size_t i = 0; i < g1->n; i++)
		n_pool += g1->v[i].n;
	for (size_t i = 0; i < g2->n; i++)
		n_pool += g2->v[i].n;
	out->n_contacts = g1->n + g2->n;
	out->n_first = g1->n;
	out->n_second = g2->n;
	out->contacts = xalloc(NULL, out->n_contacts * sizeof *out->contacts);
	out->pool = xalloc(NULL, n_pool * sizeof *out->pool);
	out->n_pool = n_pool;
	advise_huge(out->contacts, out->n_contacts * sizeof *out->contacts);
	advise_huge(out->pool, n_pool * sizeof *out->pool);
	grow(&w->tmp, &w->tmp_cap, out->n_contacts, sizeof *w->tmp);
	for (int d = 0; d < 2; d++) {
		const groups *g = d == 0 ? g1 : g2;

		for (size_t i = 0; i < g->n; i++, k++) {
			const group *x = &g->v[i];
			trace_contact *ct = &w->tmp[k];

			/* The person table is large and read at random: ask for the
			 * id a few contacts ahead. */
			if (i + 8 < g->n)
				trace_index_prefetch_person(c->ix, g->v[i + 8].person);

			*ct = (trace_contact){ .person_id = trace_index_person_id(c->ix, x->person),
				.degree = x->degree, .total_s = x->total, .first_at = x->first,
				.intervals = out->pool + at, .n_intervals = x->n };
			for (size_t j = 0; j < x->n; j++) {
				const hit *hp = &x->v[j];

				out->pool[at++] = (trace_interval){
					.place_id = trace_index_place_id(c->ix, hp->place),
					.from = hp->from, .to = hp->to, .seconds = hp->to - hp->from,
					.via_person_id = hp->via == NO_VIA ? 0
					                                    : trace_index_person_id(c->ix, hp->via) };
			}
			sort_intervals(ct->intervals, ct->n_intervals);
		}
	}
	sort_contacts(w, out->n_contacts, trace_index_base(c->ix), out->contacts);
}

static int
stay_cmp(const void *pa, const void *pb)
{
	const trace_stay *a = pa, *b = pb;

	if (a->entry_at != b->entry_at)
		return a->entry_at < b->entry_at ? -1 : 1;
	return (a->place_id > b->place_id) - (a->place_id < b->place_id);
}

/* The index person's stays that overlap the window (a zero-length one when
 * its instant lies inside), by entry. */
static void
own_output(const ctx *c, const own_stay *own, size_t n, trace_result *out)
{
	int64_t base = trace_index_base(c->ix);

	out->own = xalloc(NULL, n * sizeof *out->own);
	for (size_t i = 0; i < n; i++) {
		int64_t a = base + own[i].entry, b = base + own[i].exit;

		if ((b > c->lo && a < c->hi) || (a == b && a >= c->lo && a < c->hi))
			out->own[out->n_own++] = (trace_stay){
				trace_index_place_id(c->ix, own[i].place), a, b };
	}
	if (out->n_own > 1)
		qsort(out->own, out->n_own, sizeof *out->own, stay_cmp);
}

sj_rc
trace_run(trace_index *ix, const trace_params *p, trace_result *out, sj_err *e)
{
	scratch *w;
	unsigned char *skip = NULL;
	own_stay *own = NULL;
	size_t n_own = 0;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = trace_params_check(p, e)) != SJ_OK)
		return rc;
	w = scratch_get();
	trace_index_rdlock(ix);
	ctx c = { .ix = ix, .horizon = p->now - p->retention_s, .hi = p->to,
		.exclude_home = p->exclude_home };

	c.lo = p->from > c.horizon ? p->from : c.horizon;
	out->params = *p;
	/* No stay in the index: no contacts (the caller checked that the
	 * person exists). */
	if (!trace_index_person(ix, p->person_id, &c.index_person))
		goto out;
	own = own_stays(&c, &n_own);
	if (c.hi > c.lo) {
		first_degree(&c, own, n_own, p->margin_s, &w->h1);
		collect(w, &w->h1, p->min_overlap_s, 1, &w->g1, trace_index_n_people(ix));
	}
	if (p->depth == 2 && w->g1.n > 0) {
		skip = calloc(trace_index_n_people(ix), 1);
		if (skip == NULL)
			sj_oom(trace_index_n_people(ix));
		skip[c.index_person] = 1;
		for (size_t i = 0; i < w->g1.n; i++)
			skip[w->g1.v[i].person] = 1;
		c.skip = skip;
		second_degree(&c, &w->g1, &w->h2);
		collect(w, &w->h2, p->min_overlap_s, 2, &w->g2, trace_index_n_people(ix));
	}
	own_output(&c, own, n_own, out);
	assemble(&c, w, out);
out:
	trace_index_unlock(ix);
	scratch_trim(w);
	free(own);
	free(skip);
	return rc;
}

void
trace_result_free(trace_result *r)
{
	if (r == NULL)
		return;
	free(r->own);
	free(r->contacts);
	free(r->pool);
	memset(r, 0, sizeof *r);
}
