/*
 * trace_second — the second degree of a trace (issue 6; the rule is in
 * trace.h, the design and its cost in docs/trace.md "The second degree"),
 * used by trace_run.
 *
 * Given the first-degree contacts and their first exposure, it finds every
 * other person's seconds at a place that some contact covers, in passes over
 * the index's stays that build the answer in place:
 *   1. covers: per place, the contacts' time there cut into disjoint
 *      labelled pieces of its union;
 *   2. cut: every other stay there cut by those pieces, place by place
 *      (the stays in the order the index keeps them, so the pass streams
 *      through memory), each piece (person, from, to, cover: 16 bytes)
 *      appended to the stream of its person's bucket (a range of people
 *      whose answer fits in the cache: a radix partition);
 *   3. gather: bucket by bucket, the pieces sorted by person and, within a
 *      person, by the part of the window they start in (one counting sort)
 *      and written as 12-byte spans into each person's segment of the
 *      answer's pool — so nearly in time order — then each segment put in
 *      the answer's order, touching pieces of one (place, via) merged,
 *      totalled.
 * Every pass is split in two jobs, on two threads when the index is large
 * (places for 1 and 2, buckets for 3); the split does not depend on the
 * threads, each job writes only its own part, and a bucket's streams are
 * read in job order, so the answer is the same, element for element,
 * however it runs.
 */
#ifndef SJ_TRACE_SECOND_H
#define SJ_TRACE_SECOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/trace.h"
#include "domain/trace_index.h"

/* What the second degree starts from. */
typedef struct trace_second_query {
	const trace_index *ix;        /* read-locked by the caller for the whole run */
	uint32_t index_person;        /* person table index */
	int64_t lo, hi;               /* the effective window [lo, hi), seconds since the epoch */
	int64_t horizon;              /* stays entering before it have expired (ignored) */
	int64_t min_overlap_s;        /* a contact's total must be ≥ it and > 0 */
	bool exclude_home;            /* ignore pieces at the person's own home place */
	const uint32_t *first_person; /* the first-degree contacts (person indexes), n_first */
	const int64_t *first_at;      /* each one's first exposure (seconds since the epoch) */
	size_t n_first;
} trace_second_query;

/* A second-degree contact: its spans (in the pool) are merged, in the
 * answer's order (start, end, place, via). */
typedef struct trace_second_contact {
	uint32_t person;              /* person table index */
	int64_t total_s, first_at;    /* sum of the spans' seconds; the first's start */
	const trace_span *spans;
	size_t n_spans;
} trace_second_contact;

/* The second degree's answer.  pool (malloc'd; the caller takes it over
 * and frees it) has `front` unused elements first for the caller's own
 * spans, then the contacts' segments; segments of people who did not
 * qualify, and elements freed by merging, are left unused.  Spans count
 * seconds from the index's base and their labels index `labels`
 * (malloc'd, the caller takes it over: the covers' places and vias, then
 * room for `label_room` more of the caller's).
 * contacts (malloc'd, the caller frees) are in person-index order. */
typedef struct trace_second_answer {
	trace_span *pool;
	size_t n_spans;               /* the contacts' spans in all */
	trace_label *labels;
	size_t n_labels;
	trace_second_contact *contacts;
	size_t n_contacts;
} trace_second_answer;

/* Run the second degree of q (trace.h's rule) into *out.  Never fails:
 * out of memory aborts.  Starts one more thread when the index is large
 * (trace_second_tune); the caller's read lock covers it. */
void trace_second_run(const trace_second_query *q, size_t front, size_t label_room,
    trace_second_answer *out);

/* How trace_second_run splits its work: threads 1 or 2; the second thread
 * only when the index holds at least min_stays stays (default 2 threads
 * from 262,144 stays: below, starting a thread costs more than it saves);
 * time_keys the parts of the window the gather sorts a person's pieces
 * by (≥ 1, default 64); max_buckets the most buckets people are split into
 * (≥ 1, default 2,048: a bucket's answer then fits in the cache of the
 * district's million people).  Process-wide, for tests and benchmarks:
 * set it before tracing, not while traces run.  The answer does not
 * depend on it. */
void trace_second_tune(int threads, size_t min_stays, uint32_t time_keys, uint32_t max_buckets);

/* Put v[0 .. n) in the answer's order of intervals: start, end, then the
 * place id and via person id of their labels (an insertion sort, which is
 * linear on the nearly sorted input it gets; qsort when that turns out not
 * to be so). */
void trace_spans_sort(trace_span *v, size_t n, const trace_label *labels);

#endif
