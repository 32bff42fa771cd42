/*
 * trace — exposure tracing over the stay index (trace.h has the rules).
 *
 * First degree: the index person's stays are merged per place into
 * exposure intervals; each interval is one range probe of each run of the
 * place's sorted stays (trace_index_place_range) and a filter.  Pieces
 * ("hits") are collected, grouped by person (a hash table, or a
 * person-indexed array for very many), sorted by (place, start) within a
 * person, merged where they touch, then totalled per person.  Second
 * degree: trace_second.c, which writes its contacts' intervals straight
 * into the answer's pool; this file puts both degrees' contacts in order.
 */
#include "domain/trace.h"
#include "domain/trace_second.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/prefault.h"

typedef struct hit {
	uint32_t person, place;
	int64_t from, to;
} hit;

typedef struct hits {
	hit *v;
	size_t n, cap;
} hits;

/* A person who qualified: their merged hits are v[0 .. n). */
typedef struct group {
	uint32_t person;
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
} ctx;

static void *
xalloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		sj_oom(n);
	return q;
}

static void
hits_push(hits *h, hit x)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xalloc(h->v, h->cap * sizeof *h->v);
		mem_prefault(h->v + h->n, (h->cap - h->n) * sizeof *h->v);
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
	if (p->margin_s > TRACE_MARGIN_MAX_S)
		return sj_fail(e, SJ_EINVAL, "margin", "must be at most %lld days",
		    (long long)(TRACE_MARGIN_MAX_S / 86400));
	if (p->retention_s <= 0)
		return sj_fail(e, SJ_EINVAL, "retention", "must be positive");
	return SJ_OK;
}

sj_rc
trace_params_minutes(trace_params *p, int64_t min_overlap_minutes, int64_t margin_minutes,
    sj_err *e)
{
	if (min_overlap_minutes > INT64_MAX / 60)
		return sj_fail(e, SJ_EINVAL, "min_overlap", "is longer than the window");
	if (margin_minutes > TRACE_MARGIN_MAX_S / 60)
		return sj_fail(e, SJ_EINVAL, "margin", "must be at most %lld days",
		    (long long)(TRACE_MARGIN_MAX_S / 86400));
	/* Negative values: INT64_MIN / 60 × 60 stays in range, and
	 * trace_params_check refuses them. */
	p->min_overlap_s = (min_overlap_minutes < INT64_MIN / 60 ? INT64_MIN / 60 :
	    min_overlap_minutes) * 60;
	p->margin_s = (margin_minutes < INT64_MIN / 60 ? INT64_MIN / 60 : margin_minutes) * 60;
	return SJ_OK;
}

static void probe_run(const ctx *c, uint32_t place, int64_t a, int64_t b,
    const trace_place_stay *s, size_t n, hits *h);

/* Append the pieces of [a, b) at place (seconds since the epoch) shared
 * with other people's stays there. */
static void
probe(const ctx *c, uint32_t place, int64_t a, int64_t b, hits *h)
{
	int64_t base = trace_index_base(c->ix);
	size_t n;

	if (b <= base || b <= a)
		return;
	uint32_t ra = a <= base ? 0 : (uint32_t)(a - base);
	uint32_t rb = b - base > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)(b - base);

	for (int run = 0; run < TRACE_RUNS; run++) {
		const trace_place_stay *s = trace_index_place_range(c->ix, place, run, ra, rb, &n);

		probe_run(c, place, a, b, s, n, h);
	}
}

/* probe's filter over one run's candidates s[0 .. n). */
static void
probe_run(const ctx *c, uint32_t place, int64_t a, int64_t b, const trace_place_stay *s,
    size_t n, hits *h)
{
	int64_t base = trace_index_base(c->ix);

	for (size_t i = 0; i < n; i++) {
		uint32_t who = s[i].person;

		if (who == c->index_person)
			continue;
		if (c->exclude_home && trace_index_home(c->ix, who) == place + 1)
			continue;
		int64_t se = base + s[i].entry, sx = base + s[i].exit;

		if (se < c->horizon)
			continue;
		int64_t from = a > se ? a : se, to = b < sx ? b : sx;

		if (to > from)
			hits_push(h, (hit){ who, place, from, to });
	}
}

/* Order of one person's pieces for merging: place, start, end. */
static int
hit_cmp(const void *pa, const void *pb)
{
	const hit *a = pa, *b = pb;

	if (a->place != b->place)
		return a->place < b->place ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return (a->to > b->to) - (a->to < b->to);
}

/* The scratch of one thread, kept from trace to trace so that a trace
 * allocates only its answer: buffers grow and are reused; a trace that
 * made them large (the contacts of a depth 2) frees them after
 * (scratch_trim), and a
 * thread's scratch is freed when it ends (scratch_key's destructor). */
typedef struct person_slot {
	uint32_t person;
	uint32_t n;          /* its hits */
	size_t at;           /* where they start in the grouped array */
} person_slot;

typedef struct scratch {
	hits h1;             /* the first degree's pieces */
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
	groups g1;
	trace_contact *tmp;  /* contacts before the sort */
	size_t tmp_cap;
	uint64_t *keys, *keys_tmp;  /* sort keys: total, first; and positions */
	uint32_t *pos, *pos_tmp;
	size_t keys_cap, keys_tmp_cap;
} scratch;

#define SCRATCH_KEEP_BYTES ((size_t)32 << 20)  /* more is freed after the trace */

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

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
	mem_prefault(*p, need * elem);
}

static size_t
scratch_bytes(const scratch *w)
{
	return w->h1.cap * sizeof(hit) + w->spare_cap * sizeof(hit) +
	    w->slot_of_cap * 4 + w->map_cap * 8 + w->dense_cap * 4 +
	    w->slots_cap * sizeof(person_slot) + w->tmp_cap * sizeof(trace_contact) +
	    w->keys_cap * 24 + w->g1.cap * sizeof(group);
}

static void
scratch_free(void *arg)
{
	scratch *w = arg;

	if (w == NULL)
		return;
	free(w->h1.v);
	free(w->spare);
	free(w->slot_of);
	free(w->map);
	free(w->dense);
	free(w->slots);
	free(w->g1.v);
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
	w->h1.n = w->g1.n = 0;
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
 * that order already (own stays by place, probes by time), so check
 * first; a few out of
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
 * very many (a small index). */
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
collect(scratch *w, hits *h, int64_t min_s, groups *g, uint32_t n_people)
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
		group x = { .person = w->slots[k].person, .first = INT64_MAX, .v = v };

		sort_hits(v, n);
		for (size_t r = 0; r < n; r++) {
			hit *last = m > 0 ? &v[m - 1] : NULL;

			if (last != NULL && last->place == v[r].place && v[r].from <= last->to) {
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
	own_stay *v = sj_malloc(n * sizeof *v);
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
		probe(c, place, a > c->lo ? a : c->lo, b < c->hi ? b : c->hi, h);
	}
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

/* The first degree's labels, after the n_base of out->labels (which has
 * room for n_own more when n_base > 0; else it is allocated here): one a
 * place the index person stayed at (own, sorted by place; the only
 * places where first-degree pieces lie).  Returns those places' table
 * indexes (malloc'd), label n_base + k for the k-th. */
static uint32_t *
labels_first(const ctx *c, const own_stay *own, size_t n_own, size_t n_base, trace_result *out)
{
	uint32_t *places = sj_malloc(n_own * sizeof *places);
	size_t n = 0;

	for (size_t i = 0; i < n_own; i++)
		if (n == 0 || places[n - 1] != own[i].place)
			places[n++] = own[i].place;
	if (out->labels == NULL)
		out->labels = sj_malloc(n * sizeof *out->labels);
	for (size_t k = 0; k < n; k++)
		out->labels[n_base + k] = (trace_label){ trace_index_place_id(c->ix, places[k]), 0 };
	out->n_labels = n_base + n;
	return places;
}

/* The contact of a first-degree group, its spans written at *at in the
 * pool (and *at moved on past them); places[0 .. n_places) the sorted
 * places of labels n_base on. */
static trace_contact
contact_first(const ctx *c, const group *x, const uint32_t *places, size_t n_places,
    size_t n_base, trace_result *out, size_t *at)
{
	int64_t base = trace_index_base(c->ix);
	trace_contact ct = { .person_id = trace_index_person_id(c->ix, x->person), .degree = 1,
		.total_s = x->total, .first_at = x->first, .spans = out->pool + *at,
		.n_intervals = x->n };

	for (size_t j = 0; j < x->n; j++) {
		const hit *hp = &x->v[j];
		size_t lo = 0, hi = n_places;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (places[mid] < hp->place)
				lo = mid + 1;
			else
				hi = mid;
		}
		out->pool[(*at)++] = (trace_span){ (uint32_t)(hp->from - base),
			(uint32_t)(hp->to - base), (uint32_t)(n_base + lo) };
	}
	trace_spans_sort(out->pool + (*at - x->n), x->n, out->labels);
	return ct;
}

/* Build out's contacts from the first degree's groups and the second
 * degree's contacts (d2; NULL at depth 1), in the answer's order, and
 * out's pool and labels: the first degree's spans are written at the
 * pool's front — in d2's pool, which keeps room for them there, or in a
 * new one — and its labels after d2's.  own: the index person's stays,
 * sorted by place. */
static void
assemble(const ctx *c, scratch *w, const own_stay *own, size_t n_own,
    const trace_second_answer *d2, trace_result *out)
{
	const groups *g1 = &w->g1;
	size_t n1 = 0, at = 0, n2 = d2 != NULL ? d2->n_contacts : 0;
	size_t n_base = d2 != NULL ? d2->n_labels : 0, n_places;

	for (size_t i = 0; i < g1->n; i++)
		n1 += g1->v[i].n;
	out->base = trace_index_base(c->ix);
	out->n_contacts = g1->n + n2;
	out->n_first = g1->n;
	out->n_second = n2;
	out->contacts = sj_malloc(out->n_contacts * sizeof *out->contacts);
	out->pool = d2 != NULL ? d2->pool : sj_malloc(n1 * sizeof *out->pool);
	out->n_pool = n1 + (d2 != NULL ? d2->n_spans : 0);
	out->labels = d2 != NULL ? d2->labels : NULL;
	uint32_t *places = labels_first(c, own, n_own, n_base, out);

	n_places = out->n_labels - n_base;
	mem_prefault(out->contacts, out->n_contacts * sizeof *out->contacts);
	grow(&w->tmp, &w->tmp_cap, out->n_contacts, sizeof *w->tmp);
	for (size_t i = 0; i < g1->n; i++) {
		/* The person table is large and read at random: ask for the id a
		 * few contacts ahead. */
		if (i + 8 < g1->n)
			trace_index_prefetch_person(c->ix, g1->v[i + 8].person);
		w->tmp[i] = contact_first(c, &g1->v[i], places, n_places, n_base, out, &at);
	}
	for (size_t i = 0; i < n2; i++) {
		const trace_second_contact *x = &d2->contacts[i];

		w->tmp[g1->n + i] = (trace_contact){
			.person_id = trace_index_person_id(c->ix, x->person), .degree = 2,
			.total_s = x->total_s, .first_at = x->first_at, .spans = x->spans,
			.n_intervals = x->n_spans };
	}
	sort_contacts(w, out->n_contacts, out->base, out->contacts);
	free(places);
}

/* The second degree (trace_second.c) from the first's groups into *d2,
 * with room for the first degree's intervals at the front of its pool and
 * for its labels (one a place of the index person's n_own stays) after
 * the labels. */
static void
second_degree(const ctx *c, const groups *g1, int64_t min_s, size_t n_own,
    trace_second_answer *d2)
{
	uint32_t *who = sj_malloc(g1->n * sizeof *who);
	int64_t *first = sj_malloc(g1->n * sizeof *first);
	size_t front = 0;

	for (size_t k = 0; k < g1->n; k++) {
		who[k] = g1->v[k].person;
		first[k] = g1->v[k].first;
		front += g1->v[k].n;
	}
	trace_second_query q = { .ix = c->ix, .index_person = c->index_person, .lo = c->lo,
		.hi = c->hi, .horizon = c->horizon, .min_overlap_s = min_s,
		.exclude_home = c->exclude_home, .first_person = who, .first_at = first,
		.n_first = g1->n };

	trace_second_run(&q, front, n_own, d2);
	free(who);
	free(first);
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

	out->own = sj_malloc(n * sizeof *out->own);
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
	trace_second_answer d2 = {0};
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
		collect(w, &w->h1, p->min_overlap_s, &w->g1, trace_index_n_people(ix));
	}
	if (p->depth == 2 && w->g1.n > 0)
		second_degree(&c, &w->g1, p->min_overlap_s, n_own, &d2);
	own_output(&c, own, n_own, out);
	assemble(&c, w, own, n_own, w->g1.n > 0 && p->depth == 2 ? &d2 : NULL, out);
out:
	trace_index_unlock(ix);
	scratch_trim(w);
	free(own);
	free(d2.contacts);
	return rc;
}

trace_interval
trace_result_interval(const trace_result *r, const trace_contact *c, size_t j)
{
	const trace_span *s = &c->spans[j];
	const trace_label *l = &r->labels[s->label];

	return (trace_interval){ .place_id = l->place_id, .from = r->base + s->from,
		.to = r->base + s->to, .seconds = (int64_t)s->to - s->from,
		.via_person_id = l->via_person_id };
}

void
trace_result_free(trace_result *r)
{
	if (r == NULL)
		return;
	free(r->own);
	free(r->contacts);
	free(r->labels);
	free(r->pool);
	memset(r, 0, sizeof *r);
}
