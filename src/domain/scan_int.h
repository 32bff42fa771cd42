/*
 * scan_int — what scan.c shares with the bulk path (scan_bulk.c): the
 * packing of the scan row's `kind` column and the pieces of scan_write that
 * a batch applies to many rows at once.  Private to the scan module.
 *
 * `kind` packs direction (bit 0), decision (bits 1-2), stay role (bits 3-4)
 * and source (bits 5-7): schema/sqlite/0003_checkpoint.sql.
 */
#ifndef SJ_SCAN_INT_H
#define SJ_SCAN_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/alert.h"
#include "domain/scan.h"
#include "domain/stay.h"

/* Stay roles (bits 3-4 of kind). */
enum {
	SROLE_NONE = 0,
	SROLE_OPENS = 1,           /* entry: opens a stay, exit not recorded; exit: closes a stay */
	SROLE_JOINS = 2,           /* a repeated entry or exit of a stay */
	SROLE_OPENS_RECORDED = 3,  /* entry: opens a stay whose exit was recorded */
};
#define KIND_ROLE_MASK 24

/* The stay role (SROLE_*) packed in a kind. */
static inline int
kind_role(int kind)
{
	return (kind & KIND_ROLE_MASK) >> 3;
}

/* The kind column of a scan. */
int scan_kind_of(scan_direction d, scan_decision dec, int role, scan_source src);

/* The stay role (SROLE_*) of a new scan under plan. */
int scan_role_of_plan(const stay_plan_out *plan);

/* The alert a scan p stored as scan_id raises (p->reasons != 0). */
void scan_alert_of(const scan_prepared *p, int64_t scan_id, alert *a);

/* Set stay row (place_id, id): its length stay_s (> 0) and whether its
 * exit was recorded, or, when demote, make it a joining entry that opens
 * no stay.  In the caller's transaction.  Errors: store errors. */
sj_rc scan_stay_set(store *s, int64_t place_id, int64_t id, int64_t stay_s, bool recorded,
    bool demote, sj_err *e);

/* ---- the writer's read of earlier scans (scan_history.c) ---------------- */

#define HISTORY_MAX 256                 /* scans of the first read (by time) */
#define HISTORY_ROWS (HISTORY_MAX + 4)  /* room for a stay read for a replay */

/* One earlier scan of the person at the place (or of the unknown identity
 * number with the key): its row's columns, instants in seconds since the
 * epoch, temperature in °C × 10 (0: not taken), ids 0 for NULL. */
typedef struct history_row {
	int64_t id, at, stay_s, key_fp, checkpoint_id, operator_id;
	int kind, temperature;
	unsigned reasons;
} history_row;

/* What scan_history_read found: rows[0..n) in no particular order, the
 * stays among them as spans[0..n_spans), every row one a live write may see
 * (retention_write_sees).  complete: the rows are all of the pair's scans. */
typedef struct history {
	history_row rows[HISTORY_ROWS];
	size_t n;
	stay_span spans[HISTORY_ROWS];
	size_t n_spans;
	bool complete;
	int64_t covers_from;  /* every scan of the pair later than this is in rows:
	                       * INT64_MIN when complete, INT64_MAX when none is sure */
	bool from_memo;  /* made by pair_memo_history, not read from the store */
} history;

/* Read into *h (overwritten) the earlier scans that the rules of a new scan
 * p at p->at need (scan_history.c says which, and why "the newest by id"
 * would not do): for a registered person (p->person_id), the stays before
 * and after p->at that stay_plan looks at and the latest scan with p's key
 * fingerprint within SCAN_KEY_WINDOW_S of p->at; for an unknown identity
 * number (person 0) with a key, that keyed scan of unknown identity at the
 * place; nothing for neither.  At most a few statements, none reading more
 * than HISTORY_MAX rows but for the keyed scan's window.  Errors: store
 * errors. */
sj_rc scan_history_read(store *s, const scan_prepared *p, history *h, sj_err *e);

/* The scan of h that p repeats — same key fingerprint, time within
 * SCAN_KEY_WINDOW_S of p->at; of several, the latest (then the highest
 * id) — or NULL (also for a scan without a key). */
const history_row *scan_history_replay(const history *h, const scan_prepared *p);

/* The stay that r, a scan of h, belongs to, into *out: its own (an opening
 * entry), else the stay whose interval holds r's time (or ends at it); read
 * from the store (and added to h) when h is not complete and does not hold
 * it.  *out NULL: none.  Errors: store errors. */
sj_rc scan_history_stay_of(store *s, const scan_prepared *p, history *h, const history_row *r,
    const stay_span **out, sj_err *e);

/* ---- the writer's memo of pairs (scan_pairs.c) --------------------------- */

/* What the scan writer knows of the pairs (person, place) it has read or
 * written, to plan a pair's next live scan without reading its history
 * (scan_pairs.c says what is kept and how it stays true).  Owned by a
 * scan_memo; not thread-safe. */
typedef struct pair_memo pair_memo;

/* A new, empty memo (out of memory aborts); free with pair_memo_free
 * (accepts NULL). */
pair_memo *pair_memo_new(void);
void pair_memo_free(pair_memo *m);
/* Forget every pair, keeping the memory; m may be NULL. */
void pair_memo_clear(pair_memo *m);

/* Fill *h, as scan_history_read would for the rules of p, from the memo:
 * the pair's latest stay as its one span, no rows (p repeats no scan),
 * h->complete false, h->from_memo true.  Returns false, h untouched, when
 * the memo cannot answer for p — its pair unknown, p earlier than one of
 * the pair's scans, p at or before the retention cutoff of now (seconds
 * since the epoch) or the latest stay behind it, or p's key perhaps seen
 * within SCAN_KEY_WINDOW_S: then the store is read.  m may be NULL. */
bool pair_memo_history(pair_memo *m, const scan_prepared *p, int64_t now, history *h);

/* Remember what p's write changed: p written as scan id under plan, planned
 * on h (from pair_memo_history, or a read of the store; a read that was
 * not complete makes the memo forget the pair).  Call only after the
 * write succeeded, in the transaction whose rollback the owner reports
 * with scan_memo_forget_writes.  m may be NULL. */
void pair_memo_note(pair_memo *m, const scan_prepared *p, const history *h,
    const stay_plan_out *plan, int64_t id);

/* How many scans pair_memo_history has answered for since m was made
 * (0 for NULL). */
uint64_t pair_memo_hits(const pair_memo *m);

/* Forget p's pair (a write for it failed part way). */
void pair_memo_forget(pair_memo *m, const scan_prepared *p);

/* The pair memo of a scan memo (made on first use); m NULL: NULL. */
pair_memo *scan_memo_pairs(scan_memo *m);

/* Whether r holds a row of (place_id, person_id) (person 0: NULL). */
bool scan_rows_holds(const scan_rows *r, int64_t place_id, int64_t person_id);

/* Hold one scan row (the scan columns in table order, 0 for NULL in the
 * optional ones); when 16 are held, insert them (scan_rows_flush).
 * Errors: those of scan_rows_flush. */
sj_rc scan_rows_add(store *s, scan_rows *r, const int64_t values[11], sj_err *e);

/* Hold scan_stay_set's change of stay row (place_id, id), a scan of
 * person_id (0: NULL): its stay_s (0: NULL, a demoted row) and its role
 * bits (kind bits 3-4, the others kept); when 16 are held, insert and
 * update what is held (scan_rows_flush).  Errors: those of scan_rows_flush. */
sj_rc scan_rows_stay_set(store *s, scan_rows *r, int64_t person_id, int64_t place_id, int64_t id,
    int64_t stay_s, int role_bits, sj_err *e);

#endif
