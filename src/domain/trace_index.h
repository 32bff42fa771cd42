/*
 * trace_index — an in-memory index of the retention window's stays for
 * exposure tracing (issue 6; DESIGN.md §4 "Time", "Retention"; the layout
 * and its cost are explained in docs/trace.md).
 *
 * Stays are kept twice, 12 + 8 bytes, 20 bytes a stay in all:
 *   - by place: each place's stays sorted by (entry, exit, person), in two
 *     runs (short and long stays, TRACE_RUNS), each with its longest stay
 *     seen (`maxlen`) as a bound, so that "the stays at place P overlapping
 *     [a, b)" are among the entries in [a − maxlen, b) of each run: two
 *     binary searches a run and a filter;
 *   - by person: each person's stays (place, entry) in insertion order, to
 *     find the index person's own stays without a scan of every place; the
 *     end lives in the place's copy only (trace_index_exit: a binary
 *     search), which saves 4 bytes a stay.
 * People and places are 32-bit indexes into tables of their 64-bit ids;
 * instants are 32-bit seconds after the index's epoch base (so a base of
 * 2020-01-01 reaches 2156).  `maxlen` only ever grows (a stay that shrinks
 * leaves the bound larger than needed, which costs time, never answers).
 *
 * Invariants: every stay in a place's array is also in its person's array
 * and vice versa; entry ≤ exit; each place's array is sorted.
 *
 * Thread safety: any number of readers (trace_index_rdlock … unlock) and
 * one writer at a time (trace_index_put / remove take the write lock).
 */
#ifndef SJ_TRACE_INDEX_H
#define SJ_TRACE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

typedef struct trace_index trace_index;

/* A place's stays are kept in TRACE_RUNS sorted runs: those up to
 * TRACE_LONG_DEFAULT_S seconds long (visits) and the longer ones (nights at
 * home), each with its own longest-stay bound, so that a few overnight
 * stays do not widen every probe of a busy place to a whole night. */
#define TRACE_RUNS 2
#define TRACE_LONG_DEFAULT_S (4 * 3600)

/* One stay in a place's array: 12 bytes. */
typedef struct trace_place_stay {
	uint32_t person;  /* index into the person table */
	uint32_t entry;   /* seconds after the base */
	uint32_t exit;    /* end of [entry, exit), seconds after the base */
} trace_place_stay;

/* One stay in a person's array: 8 bytes (its end: trace_index_exit). */
typedef struct trace_person_stay {
	uint32_t place;   /* index into the place table */
	uint32_t entry;
} trace_person_stay;

/* The index's figures (trace_index_stats). */
typedef struct trace_index_figures {
	size_t n_stays, n_people, n_places;
	size_t bytes;          /* every byte the index holds on the heap, capacities included */
	int64_t max_scan_id;   /* the highest stay id loaded (trace_index_catch_up) */
} trace_index_figures;

/* A new, empty index whose instants count from base (seconds since the
 * epoch).  Allocates; free with trace_index_free.  Never fails (out of
 * memory aborts). */
trace_index *trace_index_new(int64_t base);

/* Free ix and everything it holds.  Accepts NULL. */
void trace_index_free(trace_index *ix);

/* Add or update one stay: person_id at place_id over [entry_at, exit_at)
 * (seconds since the epoch).  A stay of the same person at the same place
 * with the same entry is updated to the new exit (a stay closed by its
 * exit scan, or cut by the next entry); else it is added.  Takes the write
 * lock.  Errors: SJ_EINVAL ("exit_at") when exit_at < entry_at, ("entry_at")
 * when either instant lies outside [base, base + 2^32). */
sj_rc trace_index_put(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at,
    int64_t exit_at, sj_err *e);

/* Bulk building (a fresh index filled from the store at start-up, or a
 * generator): add a stay as trace_index_put does, but without the lock,
 * without sorting and without looking for the stay it updates — the
 * stays wait unsorted until trace_index_bulk_end (or any put, remove,
 * expire, compact or replace, which end the bulk first) sorts each place's
 * stays once (a radix sort on the entry, stable) and splits them into the
 * runs.  A stay added again with the same (person, place, entry) keeps the
 * end it was added with last, exactly as with trace_index_put, so a bulk
 * build equals the puts of the same stays in the same order.  Only the
 * first stays of an index go this way: once it holds finished stays, a
 * bulk add is a put.  The person copies are made at the end, from the
 * sorted place runs.  No lock is taken: the caller holds the write lock
 * or is the index's only user (readers must not see it before the end).
 * Errors: as trace_index_put. */
sj_rc trace_index_bulk_add(trace_index *ix, int64_t person_id, int64_t place_id,
    int64_t entry_at, int64_t exit_at, sj_err *e);

/* End a bulk build (above): sort and split what bulk adds left.  Takes the
 * write lock.  Nothing to do when no bulk add is pending. */
void trace_index_bulk_end(trace_index *ix);

/* Remove the stay of person_id at place_id that enters at entry_at (a stay
 * whose start moved earlier is removed, then put again).  Returns true when
 * there was one.  Takes the write lock. */
bool trace_index_remove(trace_index *ix, int64_t person_id, int64_t place_id, int64_t entry_at);

/* Apply n stay announcements (domain/stay.h) in order, under one write
 * lock: a stay that is gone is removed, any other is put (added, or its
 * end updated).  Announcements the index cannot hold (an instant outside
 * its range, an end before the start) are skipped.  Returns how many
 * changed something. */
struct stay_news;
size_t trace_index_apply(trace_index *ix, const struct stay_news *news, size_t n);

/* Move everything fresh holds into ix (whose old contents are freed) and
 * free fresh: a rebuilt index takes the place of a live one while readers
 * wait on ix's write lock for just the swap.  fresh must not be shared. */
void trace_index_replace(trace_index *ix, trace_index *fresh);

/* Record person_id's home place (the place of their household; 0: none),
 * for the "exclude people at their own home place" option. */
void trace_index_set_home(trace_index *ix, int64_t person_id, int64_t place_id);

/* Load every person's home place (in id order), then every stay of a
 * registered person that entered at or after since (seconds since the
 * epoch; the retention horizon) and whose scan id is above the highest
 * loaded so far, all under the write lock (trace_load.c).  The stays are
 * read in the store's key order (place, id; no ORDER BY: the bulk build
 * sorts; into an index that already holds stays they are put one by one).
 * Into a fresh index on SQLite the read is shared by up to one thread a
 * processor (at most 4), each with a read connection of its own, all
 * seeing the same committed state (store_open_readers), in chunks of
 * place ids handed to the index in key order: the index equals that of a
 * single pass.  Otherwise (PostgreSQL, one processor, s inside a
 * transaction or read-only, an index that holds stays) one pass on s.
 * Called once at start (the build; a CLI trace).  Only new stays are
 * seen: a stay whose end is rewritten later (closed by its exit scan)
 * keeps the end it had when loaded unless the writer calls
 * trace_index_put.  Errors: the store's; SJ_EINVAL ("entry_at",
 * "exit_at") for a stay the index cannot hold.  On an error the index
 * holds the homes and none of the stays of this call. */
sj_rc trace_index_load(trace_index *ix, store *s, int64_t since, sj_err *e);

/* trace_index_load with at most threads threads (0: one a processor): 1
 * is the single pass on s (tests compare the two). */
sj_rc trace_index_load_threads(trace_index *ix, store *s, int64_t since, int threads,
    sj_err *e);

/* Drop every stay that entered before horizon (seconds since the epoch;
 * now − retention), so that the index holds the retention window only.
 * Takes the write lock.  Returns the number dropped. */
size_t trace_index_expire(trace_index *ix, int64_t horizon);

/* Release unused capacity (after a build).  Takes the write lock. */
void trace_index_compact(trace_index *ix);

/* Figures: counts and heap bytes.  Takes the read lock. */
void trace_index_stats(trace_index *ix, trace_index_figures *out);

/* ---- reading (trace.c), between trace_index_rdlock and trace_index_unlock ---- */

void trace_index_rdlock(trace_index *ix);
void trace_index_unlock(trace_index *ix);

int64_t trace_index_base(const trace_index *ix);

/* The size of the person table (person indexes are below it). */
uint32_t trace_index_n_people(const trace_index *ix);

/* The person (place) table index of an id; false when unknown. */
bool trace_index_person(const trace_index *ix, int64_t person_id, uint32_t *idx);
bool trace_index_place(const trace_index *ix, int64_t place_id, uint32_t *idx);
int64_t trace_index_person_id(const trace_index *ix, uint32_t idx);
int64_t trace_index_place_id(const trace_index *ix, uint32_t idx);
/* A hint that trace_index_person_id(ix, idx) is coming (a prefetch). */
void trace_index_prefetch_person(const trace_index *ix, uint32_t idx);
/* The person's home place index + 1; 0 when none is known. */
uint32_t trace_index_home(const trace_index *ix, uint32_t person);

/* A person's stays (any order) and their number. */
const trace_person_stay *trace_index_person_stays(const trace_index *ix, uint32_t person,
    size_t *n);

/* The end of person's stay at place entering at entry (all table indexes
 * and seconds after the base, from trace_index_person_stays). */
uint32_t trace_index_exit(const trace_index *ix, uint32_t person, uint32_t place,
    uint32_t entry);

/* The number of places (place indexes are below it) and one whole sorted
 * run (0 ≤ run < TRACE_RUNS) of a place's stays with its longest-stay
 * bound, for a pass over every stay (second degree). */
uint32_t trace_index_n_places(const trace_index *ix);
const trace_place_stay *trace_index_place_all(const trace_index *ix, uint32_t place, int run,
    size_t *n, uint32_t *maxlen);

/* Set the length above which a stay goes in the long run (seconds; the
 * default TRACE_LONG_DEFAULT_S), on an empty index: for tests. */
void trace_index_set_long(trace_index *ix, uint32_t long_s);

/* The stays of one run (0 ≤ run < TRACE_RUNS) at place that may overlap
 * [a, b) (seconds after the base): those entering in [a − maxlen, b), a
 * contiguous part of the run; the caller still filters on exit > a, and
 * asks every run. */
const trace_place_stay *trace_index_place_range(const trace_index *ix, uint32_t place, int run,
    uint32_t a, uint32_t b, size_t *n);

#endif
