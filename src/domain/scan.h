/*
 * scan — one event at one checkpoint (DESIGN.md §4 "Scans and stays";
 * issue 5 "Scans"): who (a typed identity number, or a person already
 * resolved from a pass or a place code), direction, time, temperature,
 * the decision with its reasons, the operator, the source and an
 * idempotency key.  Recording a scan also derives the person's stays at
 * the place (domain/stay.h) and raises an alert when the decision asks for
 * one (domain/alert.h).
 *
 * Two ways in, one set of rules:
 *   scan_record()   validate, screen and write in the caller's transaction
 *                   (the command line, the self check-in page, the demo,
 *                   bulk import);
 *   scan_prepare() on a request thread, then scan_write() inside the
 *                   writer's group-commit transaction (domain/writer.h):
 *                   the HTTP path.
 * scan_prepare reads only; every write, the idempotency check and the
 * stay derivation happen in scan_write, which runs under the store's
 * write lock (store_begin serialises writers on both databases), so two
 * scans of one person never derive stays from the same stale state.
 *
 * Idempotency: a scan may carry a key (1..SCAN_KEY_MAX bytes).  A second
 * scan with the same key for the same person at the same place, within
 * SCAN_KEY_WINDOW_S of the first, stores nothing and returns the first
 * scan's answer (replayed = true); the same key with another direction or
 * checkpoint is a conflict.  The key itself is not stored: a 47-bit keyed
 * hash of it (crypt_lookup_hash, class "scan.key") is kept in the scan row
 * and looked up through the person's scans at the place.
 *
 * Storage is compact by design (issue 5: at most 64 bytes a scan on disk
 * with its indexes; bench/RESULTS.md): integer ids, instants in seconds,
 * the temperature as °C × 10, direction, decision, stay role and source
 * packed into one small integer, reasons as a bit mask, no text.
 */
#ifndef SJ_SCAN_H
#define SJ_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/err.h"
#include "core/ident.h"
#include "domain/scope.h"
#include "domain/screening.h"
#include "domain/stay.h"
#include "store/store.h"

#define SCAN_KEY_MAX 200           /* bytes of an idempotency key */
#define SCAN_KEY_WINDOW_S 86400    /* a key is honoured for a day either side of its scan_row */
#define SCAN_LIST_MAX 500          /* largest page */
#define SCAN_LIST_PLACES 1000      /* most places one list searches without a person filter */
#define SCAN_NAME_SIZE 408         /* a masked name: 100 code points of ≤ 4 bytes, NUL */
#define SCAN_FUTURE_S 300          /* a scan may be dated at most 5 min ahead of the clock */
#define SCAN_PAST_S (366 * 86400)  /* ... and at most a year back */

typedef enum scan_direction { SCAN_IN = 0, SCAN_OUT = 1 } scan_direction;

/* How the person was identified.  Stored in 3 bits: new sources append. */
typedef enum scan_source {
	SCAN_SRC_ATTENDANT = 0,     /* an attendant typed an identity number or chose a person */
	SCAN_SRC_SELF_CHECKIN = 1,  /* the person scanned a place code with their phone */
	SCAN_SRC_PASS = 2,          /* an attendant scanned (or photographed) a personal pass */
	SCAN_SRC_IMPORT = 3,        /* a paper or offline registration imported later */
	SCAN_SRC__COUNT
} scan_source;

/* The settings the rules use (from sj_config; see scan_settings_of). */
typedef struct scan_settings {
	int fever_threshold;   /* °C × 10; a reading ≥ this is a fever */
	int64_t reentry_s;     /* the re-entry window of stays, seconds */
} scan_settings;

/* A memo of scan_prepare's look-ups by id, for bulk import
 * (domain/scan_import.h): a checkpoint's place, unit and stay rules, a
 * person's unit, tags and masked name, as first read.  Valid only while
 * they cannot change and for one scope: the importer keeps one per
 * transaction (it holds the write lock) and clears it at each commit. */
typedef struct scan_memo scan_memo;

/* A new, empty memo; free with scan_memo_free (accepts NULL). */
scan_memo *scan_memo_new(void);
void scan_memo_clear(scan_memo *m);
void scan_memo_free(scan_memo *m);
/* Forget what m learnt from writes (the scan writer's memo of pairs,
 * scan_write_memo): call when the transaction they were made in is rolled
 * back, or when the pairs were written without m.  m may be NULL. */
void scan_memo_forget_writes(scan_memo *m);
/* How many scans m's memo of pairs planned without reading their pair's
 * history (scan_write_memo), since m was made; 0 for NULL. */
uint64_t scan_memo_pair_hits(const scan_memo *m);
/* How many people m holds (0 for NULL): its owner clears it past a bound. */
size_t scan_memo_people(const scan_memo *m);

/* Kinds of id in the keys of scan_memo_preload (store_key.k1). */
#define SCAN_MEMO_PERSON 1
#define SCAN_MEMO_CHECKPOINT 2

/* Read into m, in two statements whatever their number (store_keys_load,
 * then one join each), the checkpoints and people that keys name: k1 is
 * SCAN_MEMO_PERSON or SCAN_MEMO_CHECKPOINT, k2 the id; ids already in m
 * are left as they are.  The same facts as scan_prepare's own look-ups
 * (checkpoints only in scope sc); ids that name nothing (or a checkpoint
 * out of scope) are left out, so scan_prepare still asks for them and
 * refuses the row with its usual error.  Inside the caller's transaction.
 * Errors: store errors. */
sj_rc scan_memo_preload(store *s, const scope *sc, scan_memo *m, const store_key *keys, size_t n,
    sj_err *e);

/* Read into m, inside the caller's transaction on s, the people with
 * ids[0..n) as scan_prepare would look each up; ids already in m, or
 * naming no person, are left out (scan_prepare asks for the latter itself
 * and refuses the row as usual).  Give the ids in ascending order: each
 * look-up then lands on the leaf of the one before, 0.12 µs a person
 * against 1.2 µs in random order (200,000 of 200,000 people, the sqlite3
 * shell: bench/RESULTS.md "Tenth session").  Errors: store errors (m may
 * then hold some of the people). */
sj_rc scan_memo_load_people(store *s, const int64_t *ids, size_t n, scan_memo *m, sj_err *e);

/* One scan as a caller gives it. */
typedef struct scan_input {
	int64_t checkpoint_id;     /* required */
	int64_t person_id;         /* the person, when a pass or place code named them; else 0 */
	const char *id_number;     /* else an identity number as typed (any form
	                            * ident_id_normalise accepts) */
	scan_direction direction;
	int64_t at;                /* seconds since the epoch; 0 = now */
	int temperature;           /* °C × 10 (screening_temp_parse); 0 = not taken */
	int64_t operator_id;       /* the app_user recording it; 0 = none (self check-in,
	                            * command line, import) */
	scan_source source;
	const char *key;           /* idempotency key, or NULL */
	scan_memo *memo;           /* bulk import: look-ups cached here; NULL elsewhere */
} scan_input;

/* A scan checked and screened, ready for scan_write.  Plain data: it may
 * be copied and handed to another thread. */
typedef struct scan_prepared {
	int64_t checkpoint_id, place_id, unit_id;
	int64_t person_id;         /* 0: the identity number names no registered person */
	scan_direction direction;
	int64_t at;
	int temperature;
	int64_t operator_id;
	scan_source source;
	int64_t key_fp;            /* 0: no key; else the key's fingerprint (1..2^47-1) */
	int64_t id;                /* the id to give the scan, reserved by the caller
	                            * (scan_ids_reserve); 0 = scan_write takes one */
	scan_decision decision;
	unsigned reasons;          /* SCAN_R_* */
	stay_rules rules;          /* the place's stay rules */
	char person_name[SCAN_NAME_SIZE];   /* masked ("张*"), "" when unknown */
	char id_number_mask[IDENT_ID_SIZE]; /* masked, "" when none */
	/* scan_prepare_defer only: the person is still to be found (by
	 * person_id, else by id_hash) and the scan screened, by scan_write */
	bool person_pending;
	unsigned char id_hash[CRYPT_HASH_BYTES];  /* keyed hash of the identity number */
	int fever_threshold;       /* °C × 10, for that screening */
} scan_prepared;

/* The answer to a scan. */
typedef struct scan_result {
	int64_t id;                /* the scan's id (the first scan's, when replayed) */
	int64_t checkpoint_id, place_id, unit_id;
	int64_t person_id;         /* 0: unknown identity number */
	scan_direction direction;
	int64_t at;
	int temperature;           /* °C × 10, 0 = none */
	scan_decision decision;
	unsigned reasons;
	scan_source source;
	int64_t operator_id;
	char person_name[SCAN_NAME_SIZE];
	char id_number_mask[IDENT_ID_SIZE];
	stay_action stay_action;   /* what the scan did to the person's stays */
	int64_t stay_id;           /* the stay opened, joined or closed; 0 for STAY_NONE */
	int64_t stay_entry_at, stay_exit_at;  /* its interval after the scan_row */
	bool stay_exit_recorded;
	int64_t alert_id;          /* the alert raised, 0 = none */
	bool replayed;             /* an earlier scan with the same key; nothing stored */
} scan_result;

/* The scan settings of cfg (fever-threshold, reentry-window). */
void scan_settings_of(const sj_config *cfg, scan_settings *out);

/* "in"/"out" → direction.  Errors: SJ_EINVAL, field "direction", "must be
 * in or out" (also for NULL). */
sj_rc scan_direction_parse(const char *s, scan_direction *out, sj_err *e);
const char *scan_direction_name(scan_direction d);   /* "in", "out" */

/* "attendant", "self_checkin", "pass", "import" → source.  Errors:
 * SJ_EINVAL, field "source". */
sj_rc scan_source_parse(const char *s, scan_source *out, sj_err *e);
const char *scan_source_name(scan_source s);

/*
 * Check and screen in: everything but the writes.  now is the current
 * instant (dt_now() outside tests).  In order:
 *   - the checkpoint must exist in the caller's scope, and a checkpoint
 *     attendant must attend that very checkpoint: else SJ_ENOTFOUND
 *     (field "checkpoint") — out of scope looks like missing;
 *   - the time: in->at 0 means now; otherwise not more than SCAN_FUTURE_S
 *     after now nor SCAN_PAST_S before it: SJ_EINVAL ("time");
 *   - the temperature, when given, in [SCREEN_TEMP_MIN, SCREEN_TEMP_MAX]:
 *     SJ_EINVAL ("temperature");
 *   - the key: 1..SCAN_KEY_MAX bytes of single-line UTF-8: SJ_EINVAL
 *     ("idempotency_key");
 *   - the person: in->person_id must exist (SJ_ENOTFOUND, "person_id");
 *     else in->id_number must be a valid identity number (SJ_EINVAL,
 *     "id_number", as ident_id_normalise; "is required" when neither is
 *     given) and is looked up by its keyed hash; a valid number that names
 *     no registered person is not an error: the scan is screened as an
 *     unregistered outsider (person_id 0; only the masked number is kept);
 *   - a leaving scan at a place that records entries only: SJ_EINVAL
 *     ("direction");
 *   - screening (domain/screening.h) with the person's tags, whether the
 *     person is an outsider to the place's unit (tagged outsider, or of
 *     another unit or none) and whether an outsider registration for that
 *     unit is valid at the scan's time (domain/outsider.h).
 * Fills *out.  Errors as above and store errors; nothing is written.
 */
sj_rc scan_prepare(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    const scan_input *in, int64_t now, scan_prepared *out, sj_err *e);

/*
 * scan_prepare for the group-commit path (domain/writer.h): the same
 * checks of the checkpoint, time, temperature, key, direction and the form
 * of the identity number, with the same errors, but on a store whose reads
 * are cold (store_reads_cold: SQLite) the person is not looked up and the
 * scan not screened here: out->person_pending is set and scan_write does
 * both first, on the writer's connection, whose page cache stays warm (a
 * request thread's is emptied by every commit of the writer, so this
 * look-up cost it ~10 page reads from the OS a scan).  The
 * errors of the look-up (SJ_ENOTFOUND "person_id") then come from
 * scan_write.  The checkpoint as sc sees it is cached per thread for at
 * most CACHEGEN_TTL_S seconds within one cache generation
 * (core/cachegen.h): the server starts a new generation after every change
 * it makes, so a checkpoint moved out of a scope or an attendant removed
 * applies at once; changes by another process within CACHEGEN_TTL_S.
 */
sj_rc scan_prepare_defer(store *s, const crypt_keys *k, const scan_settings *cfg,
    const scope *sc, const scan_input *in, int64_t now, scan_prepared *out, sj_err *e);

/*
 * Write a prepared scan inside the caller's open transaction (asserted),
 * in this order, all checks before the first write so that a refused scan
 * writes nothing and leaves the transaction usable:
 *   1. idempotency: a scan of the same person at the same place whose key
 *      fingerprint matches and whose time lies within SCAN_KEY_WINDOW_S
 *      (of several, the latest): the same direction and checkpoint → *out
 *      is that scan's answer, replayed, nothing written; otherwise
 *      SJ_ECONFLICT ("idempotency_key", "was used for a different scan");
 *   2. the stay plan (stay_plan over the person's stays at the place that
 *      it looks at — those entered last before and first and last after
 *      p->at, however many scans were written since: scan_history_read in
 *      scan_int.h): SJ_EINVAL ("time") for an
 *      exit before the entry of the open stay; a denied entry joins no
 *      stay;
 *   3. the scan row (a new id from the `scan` counter), the stay changes,
 *      and for a decision other than pass an alert (alert_raise).
 * The alert, if any, is returned in *alert (may be NULL) for the caller to
 * publish after commit (alert_feed_publish).  Errors: as above; store
 * errors (the transaction is then spoiled: roll it back).
 */
struct alert;
sj_rc scan_write(store *s, const scan_prepared *p, scan_result *out, struct alert *alert,
    sj_err *e);
/* (For a scan from scan_prepare_defer, scan_write first finds the person
 * and screens the scan, with scan_prepare's rules and errors, before step
 * 1; nothing is written when that fails.) */

/* The scan rows of a write batch, and the changes of its stay rows, held
 * back to be written several to a statement (domain/scan_rows.c: on
 * PostgreSQL an INSERT or UPDATE pays per statement for the executor's
 * start and the table's CHECK constraints).
 * Held rows are in no statement yet: the holder calls scan_rows_flush
 * before its commit, and scan_rows_clear after a rollback. */
typedef struct scan_rows scan_rows;

/* A new, empty holder (aborts when out of memory); free with
 * scan_rows_free (accepts NULL). */
scan_rows *scan_rows_new(void);
void scan_rows_free(scan_rows *r);
/* Forget the held rows (their transaction was rolled back); r may be NULL. */
void scan_rows_clear(scan_rows *r);
/* Insert every held row, in the order held, then make the held stay
 * changes, inside the caller's transaction; r is empty afterwards,
 * whatever the outcome.  r NULL holds nothing: SJ_OK (the SQLite writer
 * holds no rows: multi-row statements cost it more than they save).  Errors: store
 * errors (the transaction is then spoiled; on PostgreSQL in pipeline mode
 * (store_defer_writes) they come with the next statement that reads). */
sj_rc scan_rows_flush(store *s, scan_rows *r, sj_err *e);

/* scan_write, finding a deferred scan's person through memo (by id, or by
 * the identity number's keyed hash) and memoising what it reads there,
 * and planning a scan later than its pair's others from what memo learnt
 * of the pair's earlier scans (domain/scan_pairs.c) instead of reading
 * them; the caller reports a rollback with scan_memo_forget_writes.
 * The caller keeps memo true: the scan writer (domain/writer.h) clears it
 * whenever another connection has committed since (SQLite's data_version),
 * so that a person's edited tags or unit are never screened stale.  memo
 * NULL: scan_write.  rows not NULL: the scan's row and its stay changes
 * are held there (and written with up to 15 others) instead of at once;
 * what is held for the scan's person and place is written before their
 * scans are read, so its checks see it. */
sj_rc scan_write_memo(store *s, scan_memo *memo, scan_rows *rows, const scan_prepared *p,
    scan_result *out, struct alert *alert, sj_err *e);

/*
 * scan_prepare, then scan_write in a nested transaction (store_begin /
 * store_commit: on its own it commits durably; inside a caller's
 * transaction it is a savepoint), then, after an outermost commit, the
 * alert is published to the live feed; a caller with its own transaction
 * publishes out->alert_id after its commit (alert_feed_publish_stored).
 * Errors: those of both; nothing is written on error.
 */
sj_rc scan_record(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    const scan_input *in, int64_t now, scan_result *out, sj_err *e);

/* The answer of a scan as scan_result holds it, from p and the outcome of
 * the write (for the writer, which fills out before scan_write). */
void scan_result_of(const scan_prepared *p, scan_result *out);

/* ---- reading scans --------------------------------------------------------- */

typedef struct scan_row {
	int64_t id;
	int64_t place_id, checkpoint_id;
	int64_t person_id;         /* 0: unknown identity number */
	scan_direction direction;
	int64_t at;
	int temperature;           /* °C × 10, 0 = none */
	scan_decision decision;
	unsigned reasons;
	scan_source source;
	stay_action stay_action;   /* STAY_OPENED when this entry is a stay's opening scan_row */
	int64_t operator_id;       /* 0 = none */
	const char *person_name;   /* masked; NULL when unknown (arena) */
} scan_row;

typedef struct scan_filter {
	int64_t place_id;          /* 0: every place in scope */
	int64_t unit_id;           /* 0: every unit in scope */
	int64_t checkpoint_id;     /* 0: every checkpoint */
	int64_t person_id;         /* 0: everyone */
	int64_t from, to;          /* at in [from, to); 0 = unbounded */
	int64_t before_id;         /* cursor: scans with a smaller id; 0 = from the newest */
	int limit;                 /* 1..SCAN_LIST_MAX; 0 means 50 */
} scan_filter;

typedef struct scan_page {
	scan_row *scans;               /* arena array, newest (highest id) first */
	size_t n_scans;
	bool has_more;
	int64_t next_before_id;
} scan_page;

/* One page of the scans the scope may see (a checkpoint attendant: those
 * made at the checkpoints they attend, SCOPE_CHECKPOINT), narrowed by f,
 * newest first by id.  Each place in scope (and filter) is searched along its own primary
 * key range and the pages merged, so a page costs at most limit + 1 rows
 * per place; more than SCAN_LIST_PLACES places without a person filter is
 * SJ_EINVAL ("place": narrow the list).  Errors: SJ_EINVAL ("limit", "to"
 * before "from"); SJ_ENOTFOUND ("place", "unit", "checkpoint") for one
 * out of scope; store errors. */
sj_rc scan_list(store *s, const scope *sc, arena *a, const scan_filter *f, scan_page *out,
    sj_err *e);

/* Scans per local day (DESIGN.md §4: a report day is a local day in the
 * deployment's zone): for each date d in [from, to] (at most 366 days),
 * the scans in scope (narrowed by place_id / unit_id when > 0) with at in
 * [dt_date_start(d), dt_date_end(d)), split by direction.  counts_in and
 * counts_out have to − from + 1 elements.  Errors: SJ_EINVAL ("to" before
 * "from" or over 366 days); SJ_ENOTFOUND as scan_list; store errors. */
sj_rc scan_daily(store *s, const scope *sc, int64_t place_id, int64_t unit_id, int32_t from,
    int32_t to, int64_t *counts_in, int64_t *counts_out, sj_err *e);

/* ---- shared with stay.c, alert.c, writer.c ----------------------------------- */

/* The places a list searches: every place in scope (a checkpoint
 * attendant: the places of their checkpoints), narrowed to place_id
 * and / or unit_id when > 0.  *ids is an arena array of *n ids in
 * ascending order.  Errors: SJ_ENOTFOUND ("place" / "unit") when a given
 * place or unit is not in scope; store errors. */
sj_rc scan_places_in_scope(store *s, const scope *sc, arena *a, int64_t place_id,
    int64_t unit_id, int64_t **ids, size_t *n, sj_err *e);

/* Reserve n consecutive ids of the counter `name` ("scan", "alert") inside
 * the caller's transaction; *first receives the first.  Errors: store
 * errors. */
sj_rc scan_ids_reserve(store *s, const char *name, int64_t n, int64_t *first, sj_err *e);

#endif
