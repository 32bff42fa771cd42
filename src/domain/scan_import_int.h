/*
 * scan_import_int — the inside of scan_import, shared by its two files:
 * scan_import.c (checking, reading, planning and writing batches, the
 * writer thread) and scan_import_merge.c (a batch's order, and the merge of
 * the batch written last into the one read ahead of it).  Not for use
 * outside them.
 */
#ifndef SJ_SCAN_IMPORT_INT_H
#define SJ_SCAN_IMPORT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/scan_import.h"
#include "domain/scan_int.h"

/* A row's leading sort fields (pend_cmp) and its index: sorting these
 * reads 32 contiguous bytes a comparison instead of two rows elsewhere in
 * memory, and moves 32 bytes instead of a row. */
typedef struct sort_key {
	int64_t person_id, place_id, at;
	size_t ix;
} sort_key;

/* One checked row waiting for its batch to be written: 72 bytes
 * (scan_import_batch_rows counts them).  Its id is not kept: row i of a
 * batch has id first_id + i (batch.first_id, row_id). */
typedef struct pend {
	int64_t place_id, checkpoint_id, person_id, at, key_fp, line;
	int32_t stay_s;        /* > 0: opens a stay of this length, seconds (an
	                        * exit's time minus the entry's: < 2^31 s) */
	/* The place's stay_rules (the re-entry window is the import's
	 * setting, the operator the import's: neither is kept a row) */
	int32_t default_stay_s;  /* 60..86400 s (org_place.c) */
	int32_t alert_ix;      /* index into masks (an alert of an unregistered
	                        * person), -1: none; a row with reasons raises an
	                        * alert either way */
	int16_t temperature;   /* °C × 10, 0: not taken (340..430, scan_prepare) */
	uint16_t reasons;      /* SCAN_R_* bits (SCAN_R_COUNT of them) */
	uint8_t direction, decision, source, role;
	bool records_exits;
	bool drop;             /* duplicate or rejected at flush */
} pend;

/* The detail of the alert of a row of an unregistered person (person_id
 * 0): the masked identity number (scan_alert_of).  Every other fact an
 * alert records is a field of the row's pend (raise_alerts). */
typedef struct alert_mask {
	char s[IDENT_ID_SIZE];
} alert_mask;

/* A row given to scan_import_add, not yet checked; its texts live in
 * raw_a. */
typedef struct raw {
	int64_t line;
	scan_input in;
	const char *name, *mobile;
} raw;

/* A scan stored before this batch, of one of its (place, person) pairs. */
typedef struct stored {
	int64_t place_id, person_id, id, at, stay_s, checkpoint_id;
	int kind;
} stored;

/* Rows [previous chunk's to, to) of the batch being written (a chunk ends
 * at a pair's end) and the stored scans of their pairs, read by the pair
 * reader (scan_import.c, pairs_main). */
typedef struct pair_chunk {
	size_t to;
	stored *stored;
	size_t n_stored;
} pair_chunk;

/* A change to a scan stored before this batch. */
typedef struct stored_change {
	int64_t id, stay_s;
	bool recorded, demote;
	int64_t place_id;
	size_t seq;            /* its order among the batch's changes */
} stored_change;

/* One batch, from its rows' checking to their writing.  The overlap
 * (scan_import_open's reader) holds two: one read while the other is
 * written; the one written last is kept until the next is written, for
 * its final state (merge_written). */
typedef struct batch {
	pend *rows;
	size_t n_rows, cap_rows;
	/* the alert details of alerting rows of unregistered people: 19 bytes
	 * such a row.  (A whole scan_prepared, 584 bytes, was kept for every
	 * alerting row, the budget of scan_import_batch_rows counting none:
	 * 1,000,000 rows of a quarantined person peaked at ~700 MiB.) */
	alert_mask *masks;
	size_t n_masks, cap_masks;
	stored *stored;        /* the stored scans of the batch's pairs (read_pairs) */
	size_t n_stored, cap_stored;
	import_report rep;     /* the batch's figures (rep.rejects unused) */
	int64_t first_id;      /* rows[i] has id first_id + i, reserved at handoff */
	bool open;             /* a row was given: the batch is written, even if none is kept */
	/* seconds spent in each step, logged at the batch's end (log level
	 * debug; bench/RESULTS.md): reading the memo, checking the rows,
	 * reading the pairs, planning, writing the rows (COPY), the stay
	 * changes and alerts, waiting for the previous batch's write */
	double t_memo, t_check, t_pairs, t_plan, t_copy, t_rest, t_wait;
	double t_reader;       /* CPU seconds of the pair reader's thread */
} batch;

/* The id of row r of batch b (given at handoff, in the batch's order). */
static inline int64_t
row_id(const batch *b, const pend *r)
{
	return b->first_id + (int64_t)(r - b->rows);
}

struct scan_import {
	store *s;
	const crypt_keys *k;
	const scan_settings *cfg;
	const scope *sc;
	int64_t now;
	import_options o;
	int today;             /* YYYYMMDD, for identity numbers */
	bool in_tx;            /* s is in the transaction of a batch */
	batch bt[2];
	batch *rd, *wr;        /* the batch being read (checked); the one written last */
	store *rs;             /* the connection rd is read on: s, or o.reader */
	bool overlap;          /* read on o.reader while s writes (scan_import_open) */
	int first_rows;        /* rows of the first batch (IMPORT_BATCH_FIRST or o.batch_rows) */
	int64_t n_handed;      /* batches handed to the writer so far */
	bool writing;          /* the writer thread is writing wr */
	pthread_t writer;
	sj_rc wr_rc;           /* its outcome */
	sj_err wr_err;
	/* the pair reader (o.pairs_only): wr's stored scans read on o.reader by
	 * pairs_thread, chunks[0..n_done) done (under mu, pairs_cv); stop asks
	 * it to end early */
	bool pairs_ahead, pairs_running, pairs_stop;
	pthread_t pairs_thread;
	pthread_cond_t pairs_cv;
	pair_chunk *chunks;
	size_t n_chunks, n_done;
	sj_rc pairs_rc;
	sj_err pairs_err;
	double pairs_cpu;      /* the reader thread's CPU seconds, at its end */
	int64_t next_id;       /* the scan id counter's next id after wr's reservation */
	int64_t data_version;  /* s's store_data_version inside wr's transaction */
	pthread_mutex_t mu;    /* total, shared by the two threads */
	import_report total;
	raw *raws;             /* rows waiting to be checked, in input order */
	size_t n_raws, cap_raws;
	arena raw_a;           /* their texts, freed when none waits */
	store_key *keys;       /* look-up keys of a batch */
	size_t cap_keys;
	arena a;               /* person_match's results, freed per batch */
	scan_memo *memo;       /* scan_prepare's look-ups, cleared per batch */
	int64_t dup_probes;    /* stored or kept scans the duplicate check looked at */
	int64_t plan_spans;    /* stays handed to stay_plan, in all */
	int64_t *hint;         /* scan_import_people_hint's ids, ascending, owned */
	size_t n_hint;
	bool hint_loaded;      /* rd's memo holds them */
	int64_t hint_loads;    /* batches whose memo was filled from them */
	/* the writer's scratch */
	stay_span *spans;
	size_t cap_spans;
	stored_change *changes;
	size_t n_changes, cap_changes;
	struct sort_key *order;  /* sort_rows' scratch */
	size_t cap_order;
};
/* Seconds on the monotonic clock (the step timings). */
double import_mono_s(void);

/* Append the rows of q (the pair reads' columns: place_id, person_id, id,
 * at, kind, stay_s, checkpoint_id) to *arr (*n used of *cap; grown with
 * sj_realloc).  Errors: store errors. */
sj_rc import_read_stored(store_stmt *q, stored **arr, size_t *n, size_t *cap, sj_err *e);

/* Append the stored scans of the (place, person) pairs of the sorted rows
 * [from, to) to *arr as import_read_stored, by pair then time, on st
 * (in-process: one index range of scan_by_person a pair, in the index's
 * own order).  Rows of no person are skipped.  Errors: store errors. */
sj_rc import_read_range(store *st, const pend *rows, size_t from, size_t to, stored **arr,
    size_t *n, size_t *cap, sj_err *e);

/* Start the pair reader for im->wr (sorted, its ids reserved, its
 * transaction holding the write lock): im->chunks cut, a snapshot begun on
 * im->o.reader, the thread started.  Errors: store errors; SJ_EDB
 * ("import") when the thread cannot start. */
sj_rc import_pairs_start(scan_import *im, sj_err *e);

/* Wait for chunk c's stored scans and make them im->wr's (b->stored; the
 * previous chunk's are freed); seconds waited added to *waited.  Errors:
 * the reader's store errors. */
sj_rc import_pairs_take(scan_import *im, size_t c, double *waited, sj_err *e);

/* Stop the pair reader if it runs (it ends after its current chunk) and
 * free what it read and was not taken. */
void import_pairs_end(scan_import *im);

/* Sort b's rows by (person, place, time, direction, checkpoint, line): the
 * order its pairs are read and planned in and its ids are given in
 * (scan_import.c).  Uses im->order as scratch. */
void import_sort_rows(scan_import *im, batch *b);

/* Bring b's stored scans (read_pairs' rows, by person, place, time), read in
 * a snapshot of the state the batch written last (im->wr) started from,
 * to the state im->wr committed, as if read after it: im->wr's changes to
 * stored scans (im->changes; the last of each scan wins), then im->wr's
 * own new rows of b's pairs, in the same order.  b must be sorted
 * (import_sort_rows); im->changes is sorted here. */
void import_merge_written(scan_import *im, batch *b);

/* ---- rows of unknown people (scan_import_unknown.c) ---------------------- */

/* The idempotency key of a row of an unknown person into key (n bytes):
 * "import|<checkpoint>|<canonical identity number>|<time>|<direction>". */
void import_unknown_key(const scan_import *im, const scan_input *in, char *key, size_t n);

/* Drop (and count as duplicates) the batch's rows of unknown people whose
 * key is stored already, on im->s before the batch's bulk insert begins
 * (a COPY on PostgreSQL runs no query meanwhile).  Errors: the store's. */
sj_rc import_drop_stored_unknown(scan_import *im, sj_err *e);

/* Drop (and count) the rows [from, to) of unknown people at one place
 * that repeat an earlier kept row of the batch. */
void import_plan_unknown(scan_import *im, size_t from, size_t to);

/* Note line `line` of batch b as rejected for why (its field, or "row"),
 * in b's report and the import's totals (under im->mu: the reading and the
 * writing thread share them); at most IMPORT_REJECTS_MAX are listed. */
void import_note_reject(scan_import *im, batch *b, int64_t line, const sj_err *why);

/* ---- scan_import_plan.c: a batch planned pair by pair ---------------------------------- */

/* One stored scan of the pair, for duplicates. */
typedef struct seen {
	int64_t at, checkpoint_id;
	int direction;
} seen;

typedef struct pair_state {
	stay_span *spans;       /* the pair's stays, by entry (read_pair sorts them;
	                         * plan_pair and apply_changes keep the order) */
	size_t n_spans;
	/* the pair's scans: seen[0, n_old) stored before the batch, by time
	 * (read_pair sorts them), then the batch's rows kept so far, in the
	 * order planned, which is time order (seen_before) */
	seen *seen;
	size_t n_seen, cap_seen, n_old;
	int64_t first_id;       /* the batch's first id: pend i has id first_id + i */
} pair_state;

/* Plan rows [from, to) of im->wr, one (place, person) pair in time order:
 * each row a duplicate (counted), a refusal (import_note_reject) or a
 * scan whose stay is planned by stay_plan against the pair's stored and
 * planned stays; *at is the cursor in the batch's stored scans (read in
 * the pair index's order), st the pair's state, reset here and reused
 * across pairs (its arrays are the caller's to free: st->seen). */
void import_plan_pair(scan_import *im, size_t from, size_t to, size_t *at, pair_state *st);


#endif
