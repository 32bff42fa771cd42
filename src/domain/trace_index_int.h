/*
 * trace_index_int — what the index's load from the store (trace_load.c)
 * needs of the index's inside (trace_index.c); private to those two files.
 * Every function here expects the caller to hold the write lock
 * (trace_index_wrlock) or to be the index's only user.
 */
#ifndef SJ_TRACE_INDEX_INT_H
#define SJ_TRACE_INDEX_INT_H

#include "domain/trace_index.h"

/* Take the write lock (release with trace_index_unlock). */
void trace_index_wrlock(trace_index *ix);

/* True while the index holds no finished stay, so that stays added go in
 * bulk (trace_index_bulk_add's rule). */
bool trace_index_fresh(const trace_index *ix);

/* Before the first person is interned: n people with ids in [lo, hi] are
 * coming (in id order); when the span allows, their look-ups become one
 * array read each (the direct array, DIRECT_SPAN in trace_index.c). */
void trace_index_reserve_people(trace_index *ix, int64_t lo, int64_t hi, size_t n);

/* trace_index_set_home without the lock. */
void trace_index_home_locked(trace_index *ix, int64_t person_id, int64_t place_id);

/* A hint that trace_index_person(ix, person_id, …) is coming (a
 * prefetch of its slot in the direct array). */
void trace_index_prefetch_person_id(const trace_index *ix, int64_t person_id);

/* The person table index of person_id, interned when new. */
uint32_t trace_index_intern_person(trace_index *ix, int64_t person_id);

/* [entry_at, exit_at) (seconds since the epoch) as seconds after the base
 * in *en, *ex.  Errors: those of trace_index_put (SJ_EINVAL, "exit_at" or
 * "entry_at"). */
sj_rc trace_index_instants(const trace_index *ix, int64_t entry_at, int64_t exit_at,
    uint32_t *en, uint32_t *ex, sj_err *e);

/* Add stays[0 .. n) of place place_id (person: a person table index;
 * instants after the base; in the order they were read) as n bulk adds
 * would, taking the array (malloc'd, cap elements) over: into a fresh
 * index it becomes the place's pending array, or is appended to it; into
 * one that holds finished stays they are put one by one. */
void trace_index_bulk_place(trace_index *ix, int64_t place_id, trace_place_stay *stays,
    size_t n, size_t cap);

/* trace_index_bulk_end without the lock, with up to threads threads (at
 * most 4): places are sorted, and then people's copies made, in parallel. */
void trace_index_bulk_finish(trace_index *ix, int threads);

/* The highest stay id loaded so far (trace_index_figures.max_scan_id) and
 * its setter. */
int64_t trace_index_max_scan_id(const trace_index *ix);
void trace_index_set_max_scan_id(trace_index *ix, int64_t id);

#endif
