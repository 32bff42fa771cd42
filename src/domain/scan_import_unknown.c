/*
 * scan_import_unknown — the rows of people registered nowhere (an identity
 * number of no person: the scan keeps person_id NULL): their idempotency
 * key, and the duplicates among them, stored or in the batch
 * (scan_import_int.h).
 *
 * Invariant: the key holds the row's time, so two rows with the same key
 * have the same instant; the batch is sorted by person (0 for these
 * first), place, then time (import_sort_rows).
 */
#include "domain/scan_import_int.h"

#include <stdio.h>

#include "core/ident.h"
#include "domain/retention.h"

/* An unknown person's scan at a place with this key fingerprint, at this
 * instant, not expired for the row (?3: the cut-off, or INT64_MIN). */
static const char unknown_key_sql[] =
	"SELECT count(*) FROM scan WHERE place_id = ?1 AND person_id IS NULL AND key_fp = ?2"
	" AND at >= ?3 AND at = ?4";

/* The idempotency key of a row of an unknown person: their canonical
 * identity number, with the checkpoint, time and direction. */
void
import_unknown_key(const scan_import *im, const scan_input *in, char *key, size_t n)
{
	char canon[IDENT_ID_SIZE];

	if (ident_id_normalise(in->id_number, im->today, canon, NULL) != SJ_OK)
		snprintf(canon, sizeof canon, "%s", in->id_number);
	snprintf(key, n, "import|%lld|%s|%lld|%d", (long long)in->checkpoint_id, canon,
	    (long long)in->at, (int)in->direction);
}

/* Drop the rows of unknown people already stored (by key), before the
 * batch's bulk insert begins: on PostgreSQL that is a COPY, during which
 * the connection runs no query (the look-up used to run in the middle of
 * it, which ended the COPY and failed the import of every ledger with an
 * unregistered identity number: test_import.c
 * test_unknown_people_duplicates). */
sj_rc
import_drop_stored_unknown(scan_import *im, sj_err *e)
{
	int64_t cut = retention_cutoff(RETENTION_SCAN, im->now), n;
	batch *b = im->wr;
	store_stmt *q;
	sj_rc rc;

	/* the batch is sorted by person first: the unknown (0) lead */
	for (size_t i = 0; i < b->n_rows && b->rows[i].person_id == 0; i++) {
		pend *r = &b->rows[i];
		if (r->key_fp == 0)
			continue;
		if ((rc = store_prepare(im->s, unknown_key_sql, &q, e)) != SJ_OK)
			return rc;
		store_bind_int(q, 1, r->place_id);
		store_bind_int(q, 2, r->key_fp);
		/* an expired scan is no duplicate of a live one
		 * (retention_write_sees) */
		store_bind_int(q, 3, r->at >= cut ? cut : INT64_MIN);
		/* the key holds the time (import_unknown_key): by it, one index entry
		 * rather than every unknown scan of the place */
		store_bind_int(q, 4, r->at);
		if ((rc = store_query_int(q, &n, NULL, e)) != SJ_OK)
			return rc;
		if (n > 0) {
			r->drop = true;
			b->rep.duplicates++;
		}
	}
	return SJ_OK;
}

/* Rows [from, to) of unknown people at one place, those stored already
 * dropped (import_drop_stored_unknown): drop those repeated in the batch.  The
 * key holds the row's time (import_unknown_key), so a repeat has the same time;
 * the rows are in time order, so it is among those just before (and
 * retention_write_sees holds for two rows of one instant).  Looking no
 * further keeps this linear: all the unregistered people of a place are
 * one run of rows, and a ledger of 40,000 visitors took 3.8 s (20,000:
 * 1.1 s) comparing each row with every one before it (bench/RESULTS.md
 * "Ninth session"). */
void
import_plan_unknown(scan_import *im, size_t from, size_t to)
{
	pend *rows = im->wr->rows;

	for (size_t i = from; i < to; i++) {
		pend *r = &rows[i];
		bool repeated = false;

		if (r->drop || r->key_fp == 0)
			continue;
		for (size_t j = i; j-- > from && rows[j].at == r->at && !repeated;)
			repeated = !rows[j].drop && rows[j].key_fp == r->key_fp;
		if (repeated) {
			r->drop = true;
			im->wr->rep.duplicates++;
		}
	}
}
