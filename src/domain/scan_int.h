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

/* Whether r holds a row of (place_id, person_id) (person 0: NULL). */
bool scan_rows_holds(const scan_rows *r, int64_t place_id, int64_t person_id);

/* Hold one scan row (the scan columns in table order, 0 for NULL in the
 * optional ones); when 16 are held, insert them (scan_rows_flush).
 * Errors: those of scan_rows_flush. */
sj_rc scan_rows_add(store *s, scan_rows *r, const int64_t values[11], sj_err *e);

#endif
