/*
 * scan_rows — the scan rows of a write batch held back and inserted several
 * to a statement, and the changes of its stay rows likewise (scan.h
 * "scan_rows"; docs/performance.md, PostgreSQL).
 *
 * Why: PostgreSQL pays per INSERT statement, not per row, for starting the
 * executor and for compiling the table's CHECK constraints from their
 * stored text (ExecConstraints builds them once per statement); one
 * 16-row INSERT pays that once for 16 scans (bench/RESULTS.md "PostgreSQL:
 * CPU a scan (helper pgcpu)").  The foreign-key checks stay per row.  A
 * stay UPDATE pays the same per statement; held changes go in as one
 * UPDATE ... FROM (the changes as a UNION ALL of one-row SELECTs: both
 * databases take it, where a VALUES list's column names would not be).
 *
 * Invariants: rows are inserted in the order they were held, then the
 * held changes made; a held row or change is in no statement yet, so
 * scan_write flushes before it reads the history of a (person, place) pair
 * that has a row or change held (scan_rows_holds): every read of the batch
 * sees every earlier write of its pair.  A change is always of a row read
 * in that history, so never of a row still held, and never of a row
 * changed by another held change (that pair's next scan flushed first).  The statements are
 * built once (16, 4 and 1 rows) and keep their addresses, which key the
 * store's statement cache.
 */
#include "domain/scan_int.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define ROWS_MAX 16          /* held at most; also the largest statement */
#define COLS 11

/* The columns, in the order of scan_row_values; optional ones are NULL
 * when 0 (person, temperature, operator, stay_s, key_fp). */
static const char *const col_names =
	"place_id, id, checkpoint_id, person_id, at, kind, temperature, reasons, operator_id,"
	" stay_s, key_fp";
static const bool col_optional[COLS] = {
	false, false, false, true, false, false, true, false, true, true, true,
};

/* A held stay change: the row (place_id, id), its person (0: NULL, for
 * scan_rows_holds), stay_s (0: NULL) and the role bits. */
typedef struct held_change {
	int64_t place_id, id, person_id, stay_s;
	int bits;
} held_change;

struct scan_rows {
	size_t n, n_changes;
	int64_t v[ROWS_MAX][COLS];
	held_change changes[ROWS_MAX];
};

/* INSERTs of 16, 4 and 1 rows: "INSERT INTO scan (...) VALUES (?1, ..., ?11), ...". */
static const int shapes[] = { 16, 4, 1 };
static char shape_sql[3][16 * COLS * 8 + 256];
/* UPDATEs of 16, 4 and 1 stay rows, as Q_STAY_UPDATE of scan.c: the kind's
 * role bits (3-4) replaced, 231 = 255 - 24 keeping the others. */
static char change_sql[3][16 * 200 + 256];
static pthread_once_t shapes_once = PTHREAD_ONCE_INIT;

static void
shapes_build(void)
{
	for (int k = 0; k < 3; k++) {
		char *o = shape_sql[k], *end = o + sizeof shape_sql[k];

		o += snprintf(o, (size_t)(end - o), "INSERT INTO scan (%s) VALUES ", col_names);
		for (int r = 0; r < shapes[k]; r++)
			for (int c = 0; c < COLS; c++)
				o += snprintf(o, (size_t)(end - o), "%s?%d%s", c == 0 ? (r ? ", (" : "(") : "",
				    r * COLS + c + 1, c == COLS - 1 ? ")" : ", ");
		assert(o < end);
		o = change_sql[k];
		end = o + sizeof change_sql[k];
		o += snprintf(o, (size_t)(end - o), "UPDATE scan SET stay_s = v.stay_s,"
		    " kind = (scan.kind & 231) | v.bits FROM (");
		for (int r = 0; r < shapes[k]; r++)
			o += snprintf(o, (size_t)(end - o), "%sSELECT CAST(?%d AS BIGINT) AS place_id,"
			    " CAST(?%d AS BIGINT) AS id, CAST(?%d AS BIGINT) AS stay_s,"
			    " CAST(?%d AS INTEGER) AS bits", r ? " UNION ALL " : "",
			    4 * r + 1, 4 * r + 2, 4 * r + 3, 4 * r + 4);
		o += snprintf(o, (size_t)(end - o), ") AS v WHERE scan.place_id = v.place_id"
		    " AND scan.id = v.id");
		assert(o < end);   /* the buffers hold the largest shape whole */
	}
}

scan_rows *
scan_rows_new(void)
{
	pthread_once(&shapes_once, shapes_build);
	return sj_calloc(1, sizeof(scan_rows));
}

void
scan_rows_free(scan_rows *r)
{
	free(r);
}

void
scan_rows_clear(scan_rows *r)
{
	if (r)
		r->n = r->n_changes = 0;
}

bool
scan_rows_holds(const scan_rows *r, int64_t place_id, int64_t person_id)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i][0] == place_id && r->v[i][3] == person_id)
			return true;
	for (size_t i = 0; r && i < r->n_changes; i++)
		if (r->changes[i].place_id == place_id && r->changes[i].person_id == person_id)
			return true;
	return false;
}

/* Insert rows [at, at + k) with the statement of shapes[shape]. */
static sj_rc
run_shape(store *s, const scan_rows *r, size_t at, int shape, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, shape_sql[shape], &st, e)) != SJ_OK)
		return rc;
	for (int i = 0; i < shapes[shape]; i++)
		for (int c = 0; c < COLS; c++) {
			int64_t v = r->v[at + (size_t)i][c];
			if (v == 0 && col_optional[c])
				store_bind_null(st, i * COLS + c + 1);
			else
				store_bind_int(st, i * COLS + c + 1, v);
		}
	return store_run(st, e);
}

/* Make changes [at, at + k) with the statement of shapes[shape]. */
static sj_rc
run_changes(store *s, const scan_rows *r, size_t at, int shape, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, change_sql[shape], &st, e)) != SJ_OK)
		return rc;
	for (int i = 0; i < shapes[shape]; i++) {
		const held_change *c = &r->changes[at + (size_t)i];
		store_bind_int(st, 4 * i + 1, c->place_id);
		store_bind_int(st, 4 * i + 2, c->id);
		if (c->stay_s)
			store_bind_int(st, 4 * i + 3, c->stay_s);
		else
			store_bind_null(st, 4 * i + 3);
		store_bind_int(st, 4 * i + 4, c->bits);
	}
	return store_run(st, e);
}

sj_rc
scan_rows_flush(store *s, scan_rows *r, sj_err *e)
{
	size_t at = 0;
	sj_rc rc = SJ_OK;

	if (r == NULL)
		return SJ_OK;  /* nothing is held */
	for (int k = 0; k < 3 && rc == SJ_OK; k++)
		while (rc == SJ_OK && r->n - at >= (size_t)shapes[k]) {
			rc = run_shape(s, r, at, k, e);
			at += (size_t)shapes[k];
		}
	at = 0;
	for (int k = 0; k < 3 && rc == SJ_OK; k++)
		while (rc == SJ_OK && r->n_changes - at >= (size_t)shapes[k]) {
			rc = run_changes(s, r, at, k, e);
			at += (size_t)shapes[k];
		}
	r->n = r->n_changes = 0;
	return rc;
}

sj_rc
scan_rows_add(store *s, scan_rows *r, const int64_t values[11], sj_err *e)
{
	memcpy(r->v[r->n++], values, sizeof r->v[0]);
	return r->n == ROWS_MAX ? scan_rows_flush(s, r, e) : SJ_OK;
}

sj_rc
scan_rows_stay_set(store *s, scan_rows *r, int64_t person_id, int64_t place_id, int64_t id,
    int64_t stay_s, int role_bits, sj_err *e)
{
	r->changes[r->n_changes++] = (held_change){ .place_id = place_id, .id = id,
	    .person_id = person_id, .stay_s = stay_s, .bits = role_bits };
	return r->n_changes == ROWS_MAX ? scan_rows_flush(s, r, e) : SJ_OK;
}
