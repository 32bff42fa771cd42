/*
 * trace_second — the second degree of a trace in passes over the stay index
 * (trace_second.h has the plan; docs/trace.md the reasons and the cost).
 *
 * Invariants: a place's covers are disjoint and sorted by start; every
 * piece is non-empty and lies in the window; people's segments of the pool
 * follow one another in person order, bucket after bucket.
 */
#include "domain/trace_second.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/prefault.h"

enum { ROLE_OTHER = 0, ROLE_CONTACT = 1, ROLE_INDEX = 2 };

static int tune_threads = 2;
static size_t tune_min_stays = 262144;
static uint32_t tune_time_keys = 64;
static uint32_t tune_max_buckets = 2048;

void
trace_second_tune(int threads, size_t min_stays, uint32_t time_keys, uint32_t max_buckets)
{
	tune_threads = threads == 1 ? 1 : 2;
	tune_min_stays = min_stays;
	tune_time_keys = time_keys > 0 ? time_keys : 64;
	tune_max_buckets = max_buckets > 0 ? max_buckets : 2048;
}

/* ---- the answer's order of intervals ----------------------------------------- */

/* Order of spans in the answer: start, end, place id, via person id. */
static int
span_cmp(const void *pa, const void *pb, void *arg)
{
	const trace_span *a = pa, *b = pb;
	const trace_label *la, *lb;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	if (a->label == b->label)
		return 0;
	la = (const trace_label *)arg + a->label, lb = (const trace_label *)arg + b->label;
	if (la->place_id != lb->place_id)
		return la->place_id < lb->place_id ? -1 : 1;
	return (la->via_person_id > lb->via_person_id) - (la->via_person_id < lb->via_person_id);
}

void
trace_spans_sort(trace_span *v, size_t n, const trace_label *labels)
{
	size_t moves = 0;
	void *lb = (void *)(uintptr_t)labels;

	for (size_t i = 1; i < n; i++) {
		if (span_cmp(&v[i - 1], &v[i], lb) <= 0)
			continue;
		trace_span x = v[i];
		size_t j = i;

		for (; j > 0 && span_cmp(&v[j - 1], &x, lb) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
		/* Far from sorted after all: finish in O(n log n). */
		if ((moves += i - j) > 4 * n + 64) {
			qsort_r(v, n, sizeof *v, span_cmp, lb);
			return;
		}
	}
}

/* Whether two labels name the same place and via. */
static bool
same_label(const trace_label *labels, uint32_t a, uint32_t b)
{
	return a == b || (labels[a].place_id == labels[b].place_id &&
	    labels[a].via_person_id == labels[b].via_person_id);
}

/* Whether a piece of label b that starts where a piece of label a ends has
 * the same place and via.  Such pieces lie in covers of one place that
 * touch, and a place's covers are disjoint, non-empty and in order, so b
 * is a or the cover after it, which `joins` marks when it has a's via
 * (cover_place): no label is read. */
static bool
same_label_touching(const unsigned char *joins, uint32_t a, uint32_t b)
{
	return a == b || (b == a + 1 && joins[b]);
}

/* Order for merging pieces of one label: place, via, start, end. */
static int
label_cmp(const void *pa, const void *pb, void *arg)
{
	const trace_span *a = pa, *b = pb;
	const trace_label *la = (const trace_label *)arg + a->label;
	const trace_label *lb = (const trace_label *)arg + b->label;

	if (la->place_id != lb->place_id)
		return la->place_id < lb->place_id ? -1 : 1;
	if (la->via_person_id != lb->via_person_id)
		return la->via_person_id < lb->via_person_id ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return (a->to > b->to) - (a->to < b->to);
}

/* One person's pieces v[0 .. n) when some overlap (the person was at two
 * places at once): the union of each (place, via)'s pieces, then the
 * answer's order.  Returns the number left. */
static size_t
tidy_overlapping(trace_span *v, size_t n, const trace_label *labels)
{
	void *lb = (void *)(uintptr_t)labels;
	size_t m = 0;

	qsort_r(v, n, sizeof *v, label_cmp, lb);
	for (size_t i = 0; i < n; i++) {
		trace_span *last = m > 0 ? &v[m - 1] : NULL;

		if (last != NULL && same_label(labels, last->label, v[i].label) &&
		    v[i].from <= last->to) {
			if (v[i].to > last->to)
				last->to = v[i].to;
		} else
			v[m++] = v[i];
	}
	qsort_r(v, m, sizeof *v, span_cmp, lb);
	return m;
}

/* One person's pieces v[0 .. n), non-empty, in any order: into the
 * answer's order with the touching pieces of one (place, via) merged.
 * Sorted by start, pieces that do not overlap can only touch their
 * neighbour (every piece is non-empty), so one pass merges them; if any
 * overlap, tidy_overlapping.  joins: per label, see same_label_touching.
 * Returns the number left. */
static size_t
tidy(trace_span *v, size_t n, const trace_label *labels, const unsigned char *joins)
{
	size_t m = 0;

	trace_spans_sort(v, n, labels);
	for (size_t i = 1; i < n; i++)
		if (v[i].from < v[i - 1].to)
			return tidy_overlapping(v, n, labels);
	for (size_t i = 0; i < n; i++) {
		trace_span *last = m > 0 ? &v[m - 1] : NULL;

		if (last != NULL && last->to == v[i].from &&
		    same_label_touching(joins, last->label, v[i].label))
			last->to = v[i].to;
		else
			v[m++] = v[i];
	}
	return m;
}

/* ---- shared state of one run ------------------------------------------------- */

/* A piece of the time first-degree contacts cover at a place, labelled with
 * the contact present who arrived first. */
typedef struct cover {
	int64_t from, to;       /* seconds since the epoch */
	int64_t via_id;         /* the contact's person id */
} cover;

/* A piece of a person's stay that a cover covers, as the cut finds it:
 * 16 bytes, to be grouped by person before it becomes a span. */
typedef struct piece {
	uint32_t person;        /* person table index */
	uint32_t from, to;      /* seconds after the base */
	uint32_t cover;         /* the cover's index among its job's: the place and the via */
} piece;

/* Pieces are appended to the stream of their person's bucket (a range of
 * 2^shift people), in chunks of 4 KiB carved from large blocks. */
#define CHUNK_PIECES 255
typedef struct chunk {
	struct chunk *next;
	uint32_t n;
	piece v[CHUNK_PIECES];
} chunk;

typedef struct stream {
	piece *wp, *end;        /* where the next piece goes; the end of the chunk */
	chunk *first, *cur;
} stream;

#define BLOCK_BYTES ((size_t)16 << 20)

typedef struct pass {
	const trace_second_query *q;
	int64_t base;
	uint32_t n_people;
	unsigned char *role;    /* per person: ROLE_* */
	int64_t *first;         /* per person: a contact's first exposure */
	uint32_t *home;         /* per person: home place index + 1 (exclude_home), or NULL */
	uint32_t n_keys;        /* the window cut in n_keys parts of 2^key_shift seconds (gather) */
	int key_shift;
	int shift;              /* a person's bucket is their index >> shift */
	uint32_t n_buckets;
	stream *streams[2];     /* per cut job, per bucket */
	uint32_t label_at[2];   /* per cut job: the label of its cover 0 */
	size_t *bucket_n;       /* per bucket: pieces of both jobs */
	trace_label *labels;    /* every cover's place and via, job after job */
	unsigned char *joins;   /* per label: continues the cover before (same_label_touching) */
	trace_span *out;        /* pool + front */
} pass;

/* Run job(a0) here and job(a1) on a second thread when two, else after it
 * here; the jobs share nothing they write, so the outcome is the same.  If
 * no thread can be started, both run here. */
static void
run_jobs(void *(*job)(void *), void *a0, void *a1, bool two)
{
	pthread_t th;

	if (!two || pthread_create(&th, NULL, job, a1) != 0) {
		job(a0);
		job(a1);
		return;
	}
	job(a0);
	pthread_join(th, NULL);
}

/* The first index in s[lo .. hi) whose entry (seconds after the base) is
 * ≥ t, or hi. */
static size_t
entry_lower(const trace_place_stay *s, size_t lo, size_t hi, int64_t t)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((int64_t)s[mid].entry < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- pass 1: per place, covers, then the cut ------------------------------ */

typedef struct cut_job {
	const pass *ps;
	uint32_t p0, p1;        /* places [p0, p1) */
	cover *cv;              /* this job's covers, place after place */
	trace_label *labels;    /* ... their places and vias */
	unsigned char *joins;   /* ... whether each continues the one before (same_label_touching) */
	size_t n_cv, cap_cv;
	stream *st;             /* per bucket */
	char **blocks;          /* where the chunks come from */
	size_t n_blocks, block_used;
} cut_job;

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

/* The contacts' intervals among s[0 .. n) (a stay of contact C from
 * max(f_C, window start) to its end, clipped to the window), appended. */
static void
cover_stays(cut_job *jb, const trace_place_stay *s, size_t n)
{
	const pass *ps = jb->ps;
	const trace_second_query *q = ps->q;

	for (size_t i = 0; i < n; i++) {
		uint32_t who = s[i].person;

		/* The role is read at random: ask for it a few stays ahead, and
		 * for a contact's first exposure once the role is known. */
		if (i + 32 < n)
			__builtin_prefetch(&ps->role[s[i + 32].person]);
		if (i + 16 < n && ps->role[s[i + 16].person] == ROLE_CONTACT)
			__builtin_prefetch(&ps->first[s[i + 16].person]);
		if (ps->role[who] != ROLE_CONTACT)
			continue;
		int64_t a = ps->base + s[i].entry, b = ps->base + s[i].exit, f = ps->first[who];

		if (a < q->horizon)
			continue;
		if (f > a)
			a = f;
		if (q->lo > a)
			a = q->lo;
		if (q->hi < b)
			b = q->hi;
		if (b <= a)
			continue;
		if (jb->n_cv == jb->cap_cv) {
			jb->cap_cv = jb->cap_cv ? 2 * jb->cap_cv : 1024;
			jb->cv = sj_realloc(jb->cv, jb->cap_cv * sizeof *jb->cv);
			jb->labels = sj_realloc(jb->labels, jb->cap_cv * sizeof *jb->labels);
			jb->joins = sj_realloc(jb->joins, jb->cap_cv);
		}
		jb->cv[jb->n_cv++] = (cover){ a, b, trace_index_person_id(q->ix, who) };
	}
}

/* The contacts' intervals at one place (s[run][0 .. n[run])), in start
 * order, each adding the part beyond what is covered so far, labelled with
 * it — so the label of an instant is the contact whose interval there
 * starts first (then the longer, then the lower person id) — appended to
 * jb's covers.  Returns the number appended. */
static size_t
cover_place(cut_job *jb, uint32_t place, const trace_place_stay *const s[TRACE_RUNS],
    const size_t n[TRACE_RUNS])
{
	size_t at = jb->n_cv, w = at;
	int64_t reach = INT64_MIN, place_id;

	for (int run = 0; run < TRACE_RUNS; run++)
		cover_stays(jb, s[run], n[run]);
	if (jb->n_cv == at)
		return 0;
	qsort(jb->cv + at, jb->n_cv - at, sizeof *jb->cv, cover_cmp);
	place_id = trace_index_place_id(jb->ps->q->ix, place);
	for (size_t i = at; i < jb->n_cv; i++) {
		cover x = jb->cv[i];

		if (x.to <= reach)
			continue;
		if (x.from < reach)
			x.from = reach;
		jb->joins[w] = w > at && x.from == reach && x.via_id == jb->cv[w - 1].via_id;
		reach = x.to;
		jb->labels[w] = (trace_label){ place_id, x.via_id };
		jb->cv[w++] = x;
	}
	jb->n_cv = w;
	return w - at;
}

/* A new chunk at the end of st. */
static void
stream_grow(cut_job *jb, stream *st)
{
	if (jb->n_blocks == 0 || jb->block_used + sizeof(chunk) > BLOCK_BYTES) {
		jb->blocks = sj_realloc(jb->blocks, (jb->n_blocks + 1) * sizeof *jb->blocks);
		if ((jb->blocks[jb->n_blocks] = aligned_alloc(64, BLOCK_BYTES)) == NULL)
			sj_oom(BLOCK_BYTES);
		mem_prefault(jb->blocks[jb->n_blocks++], BLOCK_BYTES);
		jb->block_used = 0;
	}
	chunk *c = (chunk *)(jb->blocks[jb->n_blocks - 1] + jb->block_used);

	jb->block_used += sizeof(chunk);
	c->next = NULL;
	c->n = CHUNK_PIECES;
	if (st->cur != NULL)
		st->cur->next = c;
	else
		st->first = c;
	st->cur = c;
	st->wp = c->v;
	st->end = c->v + CHUNK_PIECES;
}

/* The stays s[lo .. hi) of one run of place (sorted by entry): each of a
 * person to report cut by the place's covers jb->cv[c0 .. c0 + n_cv),
 * each piece appended to its person's bucket. */
static void
cut_stays(cut_job *jb, uint32_t place, size_t c0, size_t n_cv, const trace_place_stay *s,
    size_t lo, size_t hi)
{
	const pass *ps = jb->ps;
	const trace_second_query *q = ps->q;
	const cover *cv = jb->cv + c0;
	size_t j = 0;

	for (size_t i = lo; i < hi; i++) {
		uint32_t who = s[i].person;
		int64_t a = ps->base + s[i].entry, b = ps->base + s[i].exit;

		if (i + 16 < hi)
			__builtin_prefetch(&ps->role[s[i + 16].person]);
		if (ps->role[who] != ROLE_OTHER || a < q->horizon ||
		    (ps->home != NULL && ps->home[who] == place + 1))
			continue;
		if (a < q->lo)
			a = q->lo;
		if (b > q->hi)
			b = q->hi;
		/* a only grows with i (entries are sorted): j only moves on. */
		while (j < n_cv && cv[j].to <= a)
			j++;
		for (size_t k = j; k < n_cv && cv[k].from < b; k++) {
			int64_t from = a > cv[k].from ? a : cv[k].from, to = b < cv[k].to ? b : cv[k].to;

			if (to <= from)
				continue;
			stream *st = &jb->st[who >> ps->shift];

			if (st->wp == st->end)
				stream_grow(jb, st);
			/* Streams are written at 2,048 places at once: ask for the
			 * stream's next line before it is needed. */
			__builtin_prefetch(st->wp + 8, 1);
			*st->wp++ = (piece){ who, (uint32_t)(from - ps->base), (uint32_t)(to - ps->base),
				(uint32_t)(c0 + k) };
		}
	}
}

/* One place: its covers, then its stays that may meet them — those
 * entering in [first cover − maxlen, last cover's end) of each run — cut. */
static void
place_pass(cut_job *jb, uint32_t place)
{
	const trace_index *ix = jb->ps->q->ix;
	const trace_place_stay *s[TRACE_RUNS];
	size_t n[TRACE_RUNS], c0 = jb->n_cv, n_cv;
	uint32_t maxlen[TRACE_RUNS];

	for (int run = 0; run < TRACE_RUNS; run++)
		s[run] = trace_index_place_all(ix, place, run, &n[run], &maxlen[run]);
	if ((n_cv = cover_place(jb, place, s, n)) == 0)
		return;
	int64_t first = jb->cv[c0].from - jb->ps->base, last = jb->cv[c0 + n_cv - 1].to - jb->ps->base;

	for (int run = 0; run < TRACE_RUNS; run++) {
		size_t lo = entry_lower(s[run], 0, n[run], first - maxlen[run]);

		cut_stays(jb, place, c0, n_cv, s[run], lo, entry_lower(s[run], lo, n[run], last));
	}
}

static void *
cut_job_run(void *arg)
{
	cut_job *jb = arg;
	const pass *ps = jb->ps;

	jb->st = sj_calloc(ps->n_buckets, sizeof *jb->st);
	for (uint32_t place = jb->p0; place < jb->p1; place++)
		place_pass(jb, place);
	for (uint32_t b = 0; b < ps->n_buckets; b++)
		if (jb->st[b].cur != NULL)
			jb->st[b].cur->n = (uint32_t)(jb->st[b].wp - jb->st[b].cur->v);
	return NULL;
}

/* ---- pass 2: gather and tidy ------------------------------------------------- */

typedef struct gather_job {
	const pass *ps;
	uint32_t b0, b1;        /* buckets [b0, b1) */
	size_t at;              /* where bucket b0's segments start in ps->out */
	trace_second_contact *ct;  /* the contacts found, from here on */
	size_t n_ct;
	size_t n_spans;
} gather_job;

/* The sort key of a piece in its bucket: its person, then the part of
 * the window where it starts. */
static uint32_t
piece_key(const pass *ps, uint32_t p0, const piece *x)
{
	int64_t part = ((int64_t)x->from + ps->base - ps->q->lo) >> ps->key_shift;

	return (x->person - p0) * ps->n_keys + (part < ps->n_keys ? (uint32_t)part : ps->n_keys - 1);
}

/* Bucket b's pieces (job 0's stream, then job 1's), each written as a
 * span at out[0 ..): by person, and within a person by the part of the
 * window it starts in (a counting sort on piece_key, stable), so that a
 * person's spans are nearly in time order.  counts (of 2^shift × n_keys)
 * then holds at [s × n_keys + n_keys − 1] where person p0 + s's segment
 * ends. */
static void
bucket_scatter(const pass *ps, uint32_t b, uint32_t *counts, trace_span *out)
{
	uint32_t p0 = b << ps->shift;
	uint32_t np = ps->n_people - p0 < (1u << ps->shift) ? ps->n_people - p0 : 1u << ps->shift;
	uint32_t at = 0, n_counts = np * ps->n_keys;

	memset(counts, 0, n_counts * sizeof *counts);
	for (int t = 0; t < 2; t++)
		for (const chunk *c = ps->streams[t][b].first; c != NULL; c = c->next)
			for (uint32_t i = 0; i < c->n; i++)
				counts[piece_key(ps, p0, &c->v[i])]++;
	for (uint32_t k = 0; k < n_counts; k++) {
		uint32_t n = counts[k];

		counts[k] = at;
		at += n;
	}
	for (int t = 0; t < 2; t++)
		for (const chunk *c = ps->streams[t][b].first; c != NULL; c = c->next)
			for (uint32_t i = 0; i < c->n; i++) {
				const piece *x = &c->v[i];

				out[counts[piece_key(ps, p0, x)]++] = (trace_span){ x->from, x->to,
					ps->label_at[t] + x->cover };
			}
}

static void *
gather_job_run(void *arg)
{
	gather_job *jb = arg;
	const pass *ps = jb->ps;
	uint32_t *counts = sj_malloc(((size_t)ps->n_keys << ps->shift) * sizeof *counts);

	for (uint32_t b = jb->b0; b < jb->b1; b++) {
		trace_span *v = ps->out + jb->at;
		uint32_t start = 0, p0 = b << ps->shift;

		if (ps->bucket_n[b] == 0)
			continue;
		bucket_scatter(ps, b, counts, v);
		for (uint32_t s = 0; p0 + s < ps->n_people && s < (1u << ps->shift); s++) {
			uint32_t end = counts[s * ps->n_keys + ps->n_keys - 1];
			size_t n;
			int64_t total = 0;

			if (end == start)
				continue;
			n = tidy(v + start, end - start, ps->labels, ps->joins);
			for (size_t i = 0; i < n; i++)
				total += v[start + i].to - v[start + i].from;
			if (total > 0 && total >= ps->q->min_overlap_s) {
				jb->ct[jb->n_ct++] = (trace_second_contact){ p0 + s, total,
					ps->base + v[start].from, v + start, n };
				jb->n_spans += n;
			}
			start = end;
		}
		jb->at += ps->bucket_n[b];
	}
	free(counts);
	return NULL;
}

/* ---- the run ----------------------------------------------------------------- */

/* Per person, the role, a contact's first exposure and (exclude_home) the
 * home place, into ps; the buckets and the parts of the window. */
static void
people_mark(pass *ps)
{
	const trace_second_query *q = ps->q;

	ps->role = sj_calloc(ps->n_people + 1, 1);
	ps->first = sj_calloc(ps->n_people + 1, sizeof *ps->first);
	ps->role[q->index_person] = ROLE_INDEX;
	for (size_t k = 0; k < q->n_first; k++) {
		ps->role[q->first_person[k]] = ROLE_CONTACT;
		ps->first[q->first_person[k]] = q->first_at[k];
	}
	if (q->exclude_home) {
		ps->home = sj_malloc((size_t)ps->n_people * sizeof *ps->home + 1);
		for (uint32_t p = 0; p < ps->n_people; p++)
			ps->home[p] = trace_index_home(q->ix, p);
	}
	while (((ps->n_people + (1u << ps->shift) - 1) >> ps->shift) > tune_max_buckets)
		ps->shift++;
	ps->n_buckets = (ps->n_people + (1u << ps->shift) - 1) >> ps->shift;
	ps->n_keys = tune_time_keys;
	while ((int64_t)ps->n_keys << ps->key_shift < q->hi - q->lo)
		ps->key_shift++;
}

/* Pass 1 in two jobs of places with about as many stays (on two threads
 * when the index is large enough); then the covers' labels, job 0's
 * first (with room for label_room more), and the pieces per bucket.
 * *two: whether two threads ran.
 * Returns the pieces in all. */
static size_t
cut_all(pass *ps, cut_job kj[2], size_t label_room, bool *two)
{
	const trace_index *ix = ps->q->ix;
	uint32_t n_places = trace_index_n_places(ix), mid = 0, maxlen;
	size_t total = 0, half = 0, n;

	for (uint32_t p = 0; p < n_places; p++)
		for (int run = 0; run < TRACE_RUNS; run++) {
			trace_index_place_all(ix, p, run, &n, &maxlen);
			total += n;
		}
	*two = tune_threads == 2 && total >= tune_min_stays;
	for (; mid < n_places && half < total / 2; mid++)
		for (int run = 0; run < TRACE_RUNS; run++) {
			trace_index_place_all(ix, mid, run, &n, &maxlen);
			half += n;
		}
	kj[0] = (cut_job){ .ps = ps, .p0 = 0, .p1 = mid };
	kj[1] = (cut_job){ .ps = ps, .p0 = mid, .p1 = n_places };
	run_jobs(cut_job_run, &kj[0], &kj[1], *two);
	if (kj[0].n_cv + kj[1].n_cv >= UINT32_MAX)
		sj_oom((kj[0].n_cv + kj[1].n_cv) * sizeof(cover));
	ps->labels = sj_malloc((kj[0].n_cv + kj[1].n_cv + label_room + 1) * sizeof *ps->labels);
	ps->joins = sj_malloc(kj[0].n_cv + kj[1].n_cv + 1);
	for (int t = 0; t < 2; t++)
		if (kj[t].n_cv > 0) {
			size_t at = t == 0 ? 0 : kj[0].n_cv;

			memcpy(ps->labels + at, kj[t].labels, kj[t].n_cv * sizeof *ps->labels);
			memcpy(ps->joins + at, kj[t].joins, kj[t].n_cv);
		}
	ps->label_at[1] = (uint32_t)kj[0].n_cv;
	/* Job 1's first cover is another place's than job 0's last. */
	ps->joins[kj[0].n_cv] = 0;
	ps->bucket_n = sj_calloc(ps->n_buckets, sizeof *ps->bucket_n);
	total = 0;
	for (int t = 0; t < 2; t++) {
		ps->streams[t] = kj[t].st;
		for (uint32_t b = 0; b < ps->n_buckets; b++)
			for (const chunk *c = kj[t].st[b].first; c != NULL; c = c->next)
				ps->bucket_n[b] += c->n;
	}
	for (uint32_t b = 0; b < ps->n_buckets; b++)
		total += ps->bucket_n[b];
	return total;
}

/* Pass 2 in two jobs of about as many pieces (buckets in order), their
 * contacts into out. */
static void
gather_all(pass *ps, size_t total, bool two, trace_second_answer *out)
{
	uint32_t mid = 0;
	size_t half = 0;

	while (mid < ps->n_buckets && half + ps->bucket_n[mid] <= total / 2)
		half += ps->bucket_n[mid++];
	/* At most one contact a person: job 1's go after all people of job 0. */
	out->contacts = sj_malloc(((size_t)ps->n_people + 1) * sizeof *out->contacts);
	mem_prefault(out->contacts, ((size_t)ps->n_people + 1) * sizeof *out->contacts);
	size_t gap = (size_t)mid << ps->shift;

	if (gap > ps->n_people)
		gap = ps->n_people;
	gather_job gj[2] = {
		{ .ps = ps, .b0 = 0, .b1 = mid, .at = 0, .ct = out->contacts },
		{ .ps = ps, .b0 = mid, .b1 = ps->n_buckets, .at = half, .ct = out->contacts + gap },
	};

	run_jobs(gather_job_run, &gj[0], &gj[1], two);
	memmove(out->contacts + gj[0].n_ct, gj[1].ct, gj[1].n_ct * sizeof *out->contacts);
	out->n_contacts = gj[0].n_ct + gj[1].n_ct;
	out->n_spans = gj[0].n_spans + gj[1].n_spans;
}

void
trace_second_run(const trace_second_query *q, size_t front, size_t label_room,
    trace_second_answer *out)
{
	pass ps = { .q = q, .base = trace_index_base(q->ix), .n_people = trace_index_n_people(q->ix) };
	cut_job kj[2];
	bool two;

	memset(out, 0, sizeof *out);
	people_mark(&ps);
	size_t total = cut_all(&ps, kj, label_room, &two);

	out->pool = sj_malloc((front + total + 1) * sizeof *out->pool);
	mem_prefault(out->pool, (front + total) * sizeof *out->pool);
	ps.out = out->pool + front;
	gather_all(&ps, total, two, out);
	out->labels = ps.labels;
	out->n_labels = ps.label_at[1] + kj[1].n_cv;
	for (int t = 0; t < 2; t++) {
		for (size_t k = 0; k < kj[t].n_blocks; k++)
			free(kj[t].blocks[k]);
		free(kj[t].blocks);
		free(kj[t].st);
		free(kj[t].cv);
		free(kj[t].labels);
		free(kj[t].joins);
	}
	free(ps.joins);
	free(ps.bucket_n);
	free(ps.role);
	free(ps.first);
	free(ps.home);
}
