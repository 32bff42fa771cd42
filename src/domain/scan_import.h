/*
 * scan_import — bulk import of scans: registrations made on paper or
 * offline, and public check-in data (issue 5 "Bulk import", "Real input";
 * docs/import.md).
 *
 * One set of rules with the scan API: every row goes through scan_prepare
 * (domain/scan.h: checkpoint in scope, time, temperature, identity number,
 * entries-only places, screening), and the stays are derived by stay_plan
 * (domain/stay.h) exactly as scan_write derives them.  What differs is the
 * write path, built for volume:
 *   - rows are gathered into batches (IMPORT_BATCH_DEFAULT rows,
 *     IMPORT_BATCH_SQLITE on SQLite); a batch is one transaction, so its
 *     accepted rows are committed together;
 *   - a batch is sorted by (person, place, time): each person's scans at a
 *     place are read once (one index range; on PostgreSQL the ranges of
 *     all the batch's pairs in one join, store_round_trips) and the
 *     batch's rows of that
 *     person and place are planned one after the other in time order, as
 *     if scanned live at their times, whatever their order in the input
 *     (an exit listed before its entry is fine within a batch; against
 *     stored scans the live rules hold: an exit before the entry of a
 *     stored open stay is rejected);
 *   - scan_prepare's look-ups of checkpoints and people by id are cached in
 *     a scan_memo for the batch (domain/scan.h), cleared at each commit; on
 *     PostgreSQL rows wait unchecked until a batch's worth has come, and
 *     the memo is filled for all of them in one join each
 *     (scan_memo_preload), so a batch costs a few round trips, not a few
 *     per row;
 *   - with a second connection (import_options.reader), each batch after
 *     the first is checked and has its pairs read on it while the batch
 *     before is written by a second thread, and what that batch wrote is
 *     merged in from memory, so the stays are those of the sequential
 *     import (scan_import.c, handoff);
 *   - the new rows go to the store with store_bulk_* (COPY on PostgreSQL,
 *     64-row prepared INSERTs on SQLite) in (person, place, time) order: the
 *     person index (person_id, place_id, at) is written leaf after leaf
 *     instead of at random, and since ids are given in that same order,
 *     each place's ids still grow, so the primary key (place_id, id) grows
 *     at each place's end.
 *
 * Idempotency (issue 5): an import adds nothing for a row whose scan is
 * already stored — same checkpoint, person, time (to the second) and
 * direction — nor for a row repeated in the input; such rows are counted
 * as duplicates, not rejected, so a file imported twice adds nothing the
 * second time.  A row of an identity number that names no registered
 * person (person unknown) is matched through the idempotency key
 * "import|<checkpoint>|<canonical number>|<time>|<direction>", whose
 * fingerprint the scan row keeps (domain/scan.h).
 *
 * Rejected rows (any error scan_prepare or stay_plan returns, or one the
 * parser reports with scan_import_reject) are counted by field and the
 * first IMPORT_REJECTS_MAX are kept with their line number and message;
 * they never stop the import.  A store error does: the open batch is rolled
 * back, earlier batches stay committed (importing the file again then adds
 * the rest).  So does a file-level error a parser finds only at the end (a
 * quote never closed): the batches before it stay committed.
 */
#ifndef SJ_SCAN_IMPORT_H
#define SJ_SCAN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crypt.h"
#include "core/err.h"
#include "domain/scan.h"
#include "domain/scope.h"
#include "store/store.h"

#define IMPORT_BATCH_DEFAULT 250000 /* rows per transaction (database server) */
/* The first batch on a database server with the overlap (and the default
 * batch size): its reads (memo, pairs) cannot run beside a COPY, so they
 * are made short, and the second batch is read while it is written
 * (bench/RESULTS.md "PostgreSQL bulk import: index joins, a short first
 * batch"). */
#define IMPORT_BATCH_FIRST 62500
/* Rows per transaction on SQLite: a batch's random inserts into the person
 * index dirty nearly every leaf of it whatever the batch's size, and each
 * commit writes every dirty page to the WAL and the checkpoint copies it
 * again, so fewer, larger batches write the index fewer times
 * (bench/RESULTS.md "SQLite bulk import: batch size and order"). */
#define IMPORT_BATCH_SQLITE 1000000
/* The import's own memory by default, MiB (import_options.memory_mib):
 * its SQLite page caches and a batch's rows.  The 48 MiB cache, the pair
 * reader's 8 MiB and 1,000,000 rows of 104 bytes (a row and its sort key;
 * 99.2 MiB) fit, so
 * an import of up to 1,000,000 rows is one batch, which costs the least
 * CPU (each batch rewrites most of the person index and reads its people
 * again).  With the rest of a process importing 1,000,000 check-ins of
 * 200,000 people (their memo while a batch is checked, the id maps, the
 * library, the overlap's second connection and thread) the peak resident
 * memory stays under 200 MB (issue 5; ~155 MiB; bench/RESULTS.md "SQLite
 * bulk import: one batch in the budget"). */
#define IMPORT_MEMORY_MIB 158
#define IMPORT_CACHE_MIB 48         /* SQLite page cache of an import at most */
#define IMPORT_MEMORY_MAX_MIB 4096  /* import_options.memory_mib at most */
#define IMPORT_BATCH_MIN 10000      /* rows a batch at least, whatever the memory */
#define IMPORT_REJECTS_MAX 1000     /* rejected rows kept with their messages */
#define IMPORT_FIELDS_MAX 24        /* distinct fields rejections are counted by */

/* One rejected row. */
typedef struct import_reject {
	int64_t line;          /* the input's line number (1 = the first line of the file) */
	char field[64];        /* the field at fault, "" when none */
	char msg[256];
} import_reject;

/* The rejections of one field. */
typedef struct import_field_count {
	char field[64];
	int64_t n;
} import_field_count;

/* The outcome of an import so far. */
typedef struct import_report {
	int64_t rows;          /* data rows read (headers and blank lines not counted) */
	int64_t accepted;      /* new scans stored (dry run: that would be stored) */
	int64_t duplicates;    /* already stored, or repeated in the input: nothing added */
	int64_t rejected;      /* refused, with a reason */
	int64_t stays;         /* stays opened, less earlier stays a new entry took over */
	int64_t alerts;        /* alerts raised (screening of imported rows) */
	int64_t batches;       /* transactions committed (dry run: rolled back) */
	import_reject *rejects;  /* the first IMPORT_REJECTS_MAX, by line */
	size_t n_rejects;
	import_field_count by_field[IMPORT_FIELDS_MAX];  /* rejections per field */
	size_t n_by_field;
} import_report;

/* Called inside each batch's transaction, before its commit, with the
 * totals so far and the figures of this batch (batch->rejects is NULL):
 * the caller writes its audit event there, so a batch and its audit
 * record commit together.  An error rolls the batch back and ends the
 * import. */
typedef sj_rc (*import_audit_fn)(void *cls, store *s, const import_report *total,
    const import_report *batch, sj_err *e);

typedef struct import_options {
	/* Check and derive everything, then roll every batch back.  Inside a
	 * transaction of the caller's, a batch (a savepoint) is released
	 * instead, so the next batch sees its rows as the import's would
	 * (duplicates, stays across batches); the caller must roll its
	 * transaction back (checkins_import and `sijin import scans --dry-run`
	 * do).  Outside one, each batch is checked against the store without
	 * the batches before it (the HTTP upload: its 10,000-row batches keep
	 * the write lock short). */
	bool dry_run;
	int batch_rows;        /* rows per transaction; 0 = IMPORT_BATCH_DEFAULT, on
	                        * SQLite scan_import_batch_rows(memory_mib) */
	int memory_mib;        /* the import's own memory, MiB: its SQLite page
	                        * cache and a batch's rows; 0 = IMPORT_MEMORY_MIB */
	int64_t operator_id;   /* the app_user importing; 0 = command line */
	import_audit_fn audit; /* may be NULL */
	void *audit_cls;
	/* A second connection to the same database (store_open_sibling), owned
	 * by the caller, or NULL.  Given (and not a dry run, and the import's
	 * store outside any transaction of the caller's), each batch's rows are
	 * read and checked on it while the batch before is written on the
	 * import's store by a second thread, which must then be left alone
	 * until scan_import_finish or scan_import_free (the audit callback
	 * runs on that thread).  The stays derived are the same either way
	 * (scan_import.c, handoff; docs/import.md "Overlap"). */
	store *reader;
	/* With reader: use it only to read each batch's stored scans of its
	 * (place, person) pairs, chunk after chunk, on a second thread while
	 * the batch itself is planned and written (one batch in memory, not
	 * two; SQLite's default; scan_import.c, pairs_main). */
	bool pairs_only;
} import_options;

typedef struct scan_import scan_import;   /* an import in progress; opaque */

/* The SQLite page cache of an import given memory_mib MiB (> 0) of its
 * own: half of it, at most IMPORT_CACHE_MIB (48 MiB).  The batch's rows go
 * in sorted order into the person index, so the pages it keeps hot are
 * each place's last leaf of the primary key (~20 MiB for 5,000 places
 * with 4 KiB pages), not the index (bench/RESULTS.md "SQLite bulk import:
 * page cache and memory"). */
int scan_import_cache_mib(int memory_mib);

/* Rows a batch on SQLite given memory_mib MiB (> 0) for the import: as
 * many as the memory the page caches leave holds at the bytes a checked
 * row takes while its batch is sorted (the row and its sort key), the
 * pair reader's cache (a sixth of the writer's) set aside — with overlap
 * (import_options.reader without pairs_only), beside the batch being
 * written (a second row), the merge of the two (a stored scan, 56 bytes),
 * the reader's cache (a third of the writer's) and 50 MiB for the memo of
 * the batch being checked and the second connection — within
 * [IMPORT_BATCH_MIN, IMPORT_BATCH_SQLITE]. */
int scan_import_batch_rows(int memory_mib, bool overlap);

/* Start an import into s with the caller's scope sc (only checkpoints the
 * caller may write are accepted: scan_prepare) and settings cfg; now is
 * the current instant (scans may be dated at most SCAN_FUTURE_S ahead of
 * it; old ones are fine).  k, cfg and sc must outlive the import.  On
 * success *out is a new import the caller frees with scan_import_free.
 * Errors: store errors (tuning the connection). */
sj_rc scan_import_open(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    int64_t now, const import_options *o, scan_import **out, sj_err *e);

/* One row, from line `line` of the input.  in->source is forced to
 * SCAN_SRC_IMPORT and in->operator_id to the options' operator; in->at
 * must be after the epoch (0, scan_input's "now", is a rejection of field
 * "time", as is any instant at or before 1970-01-01T00:00:00Z).  Who: in->
 * person_id, else in->id_number, else name and mobile together (a paper
 * ledger's 姓名 and 电话: person_match; none on record is a rejection of
 * field "name"), all three may be NULL / 0 (the rejection then names
 * "id_number").  A row refused by the rules is counted as rejected and
 * SJ_OK returned.  Errors: store errors only (the open batch is rolled
 * back and the import cannot go on). */
sj_rc scan_import_add(scan_import *im, int64_t line, const scan_input *in, const char *name,
    const char *mobile, sj_err *e);

/* The people the rows will name, as ascending person ids (checkins.c:
 * every user of the file, after its first pass); im takes ids (malloc'd)
 * and frees it.  On SQLite each batch checked in process first reads
 * them all into its memo in that order (scan_memo_load_people), inside
 * the batch's transaction, when they are no more than the batch's rows:
 * the 200,000 people of bench/import.sh then cost ~0.25 s, where the
 * rows' own look-ups in file order cost the check ~0.4 s (bench/RESULTS.md
 * "Tenth session").  A person of no row is read for nothing (hence the
 * bound); a row whose person is not among them is looked up as before.
 * On a database server scan_memo_preload reads a batch's people in one
 * statement already: the hint is not used there. */
void scan_import_people_hint(scan_import *im, int64_t *ids, size_t n);

/* How many scans of their pairs the rows' duplicate check has looked at so
 * far (tests: a few a row, however many scans a pair holds; it was every
 * scan of the pair, quadratic in a pair's rows). */
int64_t scan_import_dup_probes(const scan_import *im);

/* How many stays of their pairs the rows' stay plans (stay_plan) have been
 * given so far (tests: at most 3 a row, the neighbours of its time; it
 * was every stay of the pair, quadratic in a pair's stays). */
int64_t scan_import_plan_spans(const scan_import *im);

/* Batches whose memo scan_import_people_hint's people filled so far. */
int64_t scan_import_hint_loads(const scan_import *im);

/* Count line `line` as read and rejected for why (a malformed row the
 * parser could not make into a scan_input). */
void scan_import_reject(scan_import *im, int64_t line, const sj_err *why);

/* Write the last batch.  Errors: store errors (that batch is rolled back). */
sj_rc scan_import_finish(scan_import *im, sj_err *e);

/* The figures so far (rejects sorted by line after scan_import_finish).
 * Owned by im. */
const import_report *scan_import_report(const scan_import *im);

/* Free im; an open batch is rolled back.  Accepts NULL. */
void scan_import_free(scan_import *im);

#endif
