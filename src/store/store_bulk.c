/*
 * store_bulk — bulk inserts (store_bulk_*: COPY on PostgreSQL, many-row
 * INSERTs on SQLite), the settings of a bulk import (store_bulk_tune,
 * store_bulk_untune, store_cache_release), the keys table
 * (store_keys_load) and blocks of new ids (store_ids_next); their contracts
 * are in store.h.  Like the rest of store.c, a failure inside a
 * transaction spoils it (store_note_failure).
 */
#include "store/store.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store_int.h"
#include "store/walbuf.h"

/* ---- bulk insert ------------------------------------------------------------- */

#define BULK_ROWS_PER_INSERT 64        /* rows bound to one SQLite INSERT */
#define BULK_COPY_FLUSH (256 * 1024)   /* bytes of COPY text sent at a time */

struct store_bulk {
	store *s;
	int n_cols;
	int64_t n_rows;        /* rows added */
	/* SQLite (no copy_*): one prepared INSERT of BULK_ROWS_PER_INSERT rows
	 * and one of a single row for the rest; rows buffered until full. */
	void *multi, *single;
	int64_t *pending;      /* BULK_ROWS_PER_INSERT rows of n_cols values */
	int n_pending;
	/* PostgreSQL: COPY text buffered here. */
	char *text;
	size_t n_text, cap_text;
	bool copying;
};

/* "INSERT OR FAIL INTO t (c1, ...) VALUES (?, ...), ..." (SQLite) with
 * rows rows, or "COPY t (c1, ...) FROM STDIN" (PostgreSQL) when rows is 0.
 * OR FAIL spares SQLite the statement journal a many-row INSERT that may
 * abort keeps (a copy of each page it changes, in case it must undo
 * itself): an error spoils the transaction anyway (store.h).  malloc'd. */
static char *
bulk_sql(const char *table, const char *const *cols, int n_cols, int rows)
{
	size_t cap = 64 + strlen(table) + (size_t)n_cols * 40 + (size_t)rows * ((size_t)n_cols * 3 + 4);
	char *sql = sj_malloc(cap);
	size_t n = (size_t)snprintf(sql, cap, "%s %s (", rows ? "INSERT OR FAIL INTO" : "COPY", table);

	for (int i = 0; i < n_cols; i++) {
		for (const char *p = cols[i]; *p; p++)
			assert((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9'));
		n += (size_t)snprintf(sql + n, cap - n, "%s%s", i ? ", " : "", cols[i]);
	}
	n += (size_t)snprintf(sql + n, cap - n, rows ? ") VALUES " : ") FROM STDIN");
	for (int r = 0; r < rows; r++) {
		n += (size_t)snprintf(sql + n, cap - n, "%s(", r ? ", " : "");
		for (int i = 0; i < n_cols; i++)
			n += (size_t)snprintf(sql + n, cap - n, "%s?", i ? ", " : "");
		n += (size_t)snprintf(sql + n, cap - n, ")");
	}
	return sql;
}

sj_rc
store_bulk_begin(store *s, const char *table, const char *const *cols, int n_cols,
    store_bulk **out, sj_err *e)
{
	store_bulk *b;
	char *sql;
	sj_rc rc;

	assert(s->depth > 0 && n_cols >= 1 && n_cols <= STORE_BULK_COLS_MAX);
	*out = NULL;
	if ((rc = store_check_not_failed(s, e)) != SJ_OK)
		return rc;
	b = sj_calloc(1, sizeof *b);
	b->s = s;
	b->n_cols = n_cols;
	if (s->drv->copy_begin) {
		sql = bulk_sql(table, cols, n_cols, 0);
		rc = store_note_failure(s, s->drv->copy_begin(s->conn, sql, e), e);
		free(sql);
		b->copying = rc == SJ_OK;
	} else {
		sql = bulk_sql(table, cols, n_cols, BULK_ROWS_PER_INSERT);
		rc = s->drv->prepare(s->conn, sql, &b->multi, e);
		free(sql);
		sql = bulk_sql(table, cols, n_cols, 1);
		if (rc == SJ_OK)
			rc = s->drv->prepare(s->conn, sql, &b->single, e);
		free(sql);
		rc = store_note_failure(s, rc, e);
		b->pending = sj_malloc(sizeof *b->pending * BULK_ROWS_PER_INSERT * (size_t)n_cols);
	}
	if (rc != SJ_OK) {
		store_bulk_abort(b);
		return rc;
	}
	*out = b;
	return SJ_OK;
}

/* Bind rows rows of b->pending to stmt and run it. */
static sj_rc
bulk_insert(store_bulk *b, void *stmt, const int64_t *vals, int rows, sj_err *e)
{
	const store_driver *drv = b->s->drv;
	bool row;
	int k = 1;

	for (int i = 0; i < rows * b->n_cols; i++, k++)
		if (vals[i] == STORE_BULK_NULL)
			drv->bind_null(stmt, k);
		else
			drv->bind_int(stmt, k, vals[i]);
	return store_note_failure(b->s, drv->step(b->s->conn, stmt, &row, e), e);
}

static sj_rc
bulk_copy_flush(store_bulk *b, sj_err *e)
{
	sj_rc rc = SJ_OK;

	if (b->n_text)
		rc = store_note_failure(b->s, b->s->drv->copy_put(b->s->conn, b->text, b->n_text, e), e);
	b->n_text = 0;
	return rc;
}

sj_rc
store_bulk_row(store_bulk *b, const int64_t *vals, sj_err *e)
{
	sj_rc rc;

	b->n_rows++;
	if (!b->copying) {
		memcpy(b->pending + (size_t)b->n_pending * (size_t)b->n_cols, vals,
		    sizeof *vals * (size_t)b->n_cols);
		if (++b->n_pending < BULK_ROWS_PER_INSERT)
			return SJ_OK;
		b->n_pending = 0;
		return bulk_insert(b, b->multi, b->pending, BULK_ROWS_PER_INSERT, e);
	}
	if (b->cap_text - b->n_text < (size_t)b->n_cols * 21 + 2) {
		b->cap_text = b->cap_text ? b->cap_text * 2 : BULK_COPY_FLUSH + 4096;
		b->text = sj_realloc(b->text, b->cap_text);
	}
	for (int i = 0; i < b->n_cols; i++) {
		char *o = b->text + b->n_text;
		if (vals[i] == STORE_BULK_NULL)
			b->n_text += (size_t)sprintf(o, "%s\\N", i ? "\t" : "");
		else
			b->n_text += (size_t)sprintf(o, "%s%lld", i ? "\t" : "", (long long)vals[i]);
	}
	b->text[b->n_text++] = '\n';
	if (b->n_text >= BULK_COPY_FLUSH && (rc = bulk_copy_flush(b, e)) != SJ_OK)
		return rc;
	return SJ_OK;
}

/* Room for n more bytes of COPY text. */
static char *
bulk_text_room(store_bulk *b, size_t n)
{
	if (b->cap_text - b->n_text < n) {
		while (b->cap_text - b->n_text < n)
			b->cap_text = b->cap_text ? b->cap_text * 2 : BULK_COPY_FLUSH + 4096;
		b->text = sj_realloc(b->text, b->cap_text);
	}
	return b->text + b->n_text;
}

/* One cell in COPY's text format: \N for NULL; in text a backslash, tab,
 * newline and carriage return escaped with a backslash; a blob as bytea's
 * hex form, its own backslash escaped (PostgreSQL "COPY", "File Formats"). */
static void
copy_cell(store_bulk *b, const store_cell *c)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = c->p;
	size_t len;
	char *o;

	switch (c->type) {
	case STORE_CELL_NULL:
		memcpy(bulk_text_room(b, 2), "\\N", 2);
		b->n_text += 2;
		break;
	case STORE_CELL_INT:
		b->n_text += (size_t)sprintf(bulk_text_room(b, 21), "%lld", (long long)c->i);
		break;
	case STORE_CELL_TEXT:
		len = strlen(c->p);
		o = bulk_text_room(b, 2 * len);
		for (size_t k = 0; k < len; k++) {
			char ch = (char)p[k];
			if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
				*o++ = '\\';
				ch = ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : '\\';
			}
			*o++ = ch;
		}
		b->n_text = (size_t)(o - b->text);
		break;
	case STORE_CELL_BLOB:
		assert(c->n <= (1u << 20));
		o = bulk_text_room(b, 3 + 2 * c->n);
		memcpy(o, "\\\\x", 3);
		o += 3;
		for (size_t k = 0; k < c->n; k++) {
			*o++ = hex[p[k] >> 4];
			*o++ = hex[p[k] & 15];
		}
		b->n_text = (size_t)(o - b->text);
		break;
	}
}

/* Bind the cells to stmt (SQLite's one-row INSERT) and run it. */
static sj_rc
bulk_bind_cells(store_bulk *b, void *stmt, const store_cell *cells, sj_err *e)
{
	const store_driver *drv = b->s->drv;
	bool row;

	for (int i = 0; i < b->n_cols; i++) {
		const store_cell *c = &cells[i];
		switch (c->type) {
		case STORE_CELL_NULL: drv->bind_null(stmt, i + 1); break;
		case STORE_CELL_INT: drv->bind_int(stmt, i + 1, c->i); break;
		case STORE_CELL_TEXT: drv->bind_text(stmt, i + 1, c->p); break;
		case STORE_CELL_BLOB: drv->bind_blob(stmt, i + 1, c->p, c->n); break;
		}
	}
	return store_note_failure(b->s, drv->step(b->s->conn, stmt, &row, e), e);
}

sj_rc
store_bulk_put(store_bulk *b, const store_cell *cells, sj_err *e)
{
	sj_rc rc = SJ_OK;

	b->n_rows++;
	if (!b->copying) {
		/* integer rows still waiting for a full INSERT go first, in order */
		for (int r = 0; rc == SJ_OK && r < b->n_pending; r++)
			rc = bulk_insert(b, b->single, b->pending + (size_t)r * (size_t)b->n_cols, 1, e);
		b->n_pending = 0;
		return rc == SJ_OK ? bulk_bind_cells(b, b->single, cells, e) : rc;
	}
	for (int i = 0; i < b->n_cols; i++) {
		if (i)
			*bulk_text_room(b, 1) = '\t', b->n_text++;
		copy_cell(b, &cells[i]);
	}
	*bulk_text_room(b, 1) = '\n';
	b->n_text++;
	if (b->n_text >= BULK_COPY_FLUSH)
		rc = bulk_copy_flush(b, e);
	return rc;
}

static void
bulk_free(store_bulk *b)
{
	if (b->multi)
		b->s->drv->finalize(b->multi);
	if (b->single)
		b->s->drv->finalize(b->single);
	free(b->pending);
	free(b->text);
	free(b);
}

sj_rc
store_bulk_end(store_bulk *b, int64_t *n_rows, sj_err *e)
{
	int64_t copied = 0;
	sj_rc rc = SJ_OK;

	if (n_rows)
		*n_rows = 0;
	if (b->copying) {
		if ((rc = bulk_copy_flush(b, e)) == SJ_OK)
			rc = store_note_failure(b->s, b->s->drv->copy_end(b->s->conn, false, &copied, e), e);
		else
			b->s->drv->copy_end(b->s->conn, true, &copied, NULL);
		b->copying = false;
	} else {
		for (int r = 0; rc == SJ_OK && r < b->n_pending; r++)
			rc = bulk_insert(b, b->single, b->pending + (size_t)r * (size_t)b->n_cols, 1, e);
		copied = b->n_rows;
	}
	if (rc == SJ_OK && n_rows)
		*n_rows = copied;
	bulk_free(b);
	return rc;
}

void
store_bulk_abort(store_bulk *b)
{
	static const sj_err abandoned = { .rc = SJ_EDB, .msg = "a bulk insert was abandoned" };

	if (b == NULL)
		return;
	if (b->copying) {
		b->s->drv->copy_end(b->s->conn, true, NULL, NULL);
		store_note_failure(b->s, SJ_EDB, &abandoned);
	}
	bulk_free(b);
}

/* One integer a PRAGMA answers (SQLite), into *v. */
static sj_rc
pragma_int(store *s, const char *sql, int64_t *v, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, sql, &st, e)) != SJ_OK)
		return rc;
	return store_query_int(st, v, NULL, e);
}

sj_rc
store_bulk_tune(store *s, int cache_mib, sj_err *e)
{
	char sql[128];
	sj_rc rc;

	assert(cache_mib > 0);
	if (s->drv->dialect == STORE_POSTGRES)
		snprintf(sql, sizeof sql, "SET work_mem = '%dMB'; SET enable_hashjoin = off; "
		    "SET enable_mergejoin = off", cache_mib);
	else {
		if (!s->tuned && ((rc = pragma_int(s, "PRAGMA cache_size", &s->tuned_cache, e))
		    != SJ_OK || (rc = pragma_int(s, "PRAGMA temp_store", &s->tuned_temp, e)) != SJ_OK
		    || (rc = pragma_int(s, "PRAGMA mmap_size", &s->tuned_mmap, e)) != SJ_OK))
			return rc;
		snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d; PRAGMA temp_store=MEMORY; "
		    "PRAGMA mmap_size=0; PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND "=1", cache_mib * 1024);
	}
	if ((rc = store_exec(s, sql, e)) != SJ_OK)
		return rc;
	s->tuned = true;
	return SJ_OK;
}

sj_rc
store_bulk_untune(store *s, sj_err *e)
{
	char sql[128];
	sj_rc rc;

	if (!s->tuned)
		return SJ_OK;
	if (s->drv->dialect == STORE_POSTGRES)
		snprintf(sql, sizeof sql, "RESET work_mem; RESET enable_hashjoin; RESET enable_mergejoin");
	else
		snprintf(sql, sizeof sql, "PRAGMA cache_size=%lld; PRAGMA temp_store=%lld; "
		    "PRAGMA mmap_size=%lld; PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND "=0",
		    (long long)s->tuned_cache, (long long)s->tuned_temp, (long long)s->tuned_mmap);
	if ((rc = store_exec(s, sql, e)) == SJ_OK)
		s->tuned = false;
	return rc;
}

sj_rc
store_cache_release(store *s, sj_err *e)
{
	return s->drv->dialect == STORE_SQLITE ? store_exec(s, "PRAGMA shrink_memory", e) : SJ_OK;
}

sj_rc
store_keys_load(store *s, const store_key *keys, size_t n, sj_err *e)
{
	static const char *const cols[] = { "k1", "k2" };
	store_bulk *b;
	sj_rc rc;

	assert(s->depth > 0);
	/* IF NOT EXISTS each time: a rolled-back transaction takes a table
	 * made inside it along */
#define MAKE "CREATE TEMP TABLE IF NOT EXISTS " STORE_KEYS_TABLE \
	" (k1 BIGINT NOT NULL, k2 BIGINT NOT NULL); "
	if ((rc = store_exec(s, s->drv->dialect == STORE_POSTGRES
	    ? MAKE "TRUNCATE " STORE_KEYS_TABLE : MAKE "DELETE FROM " STORE_KEYS_TABLE, e)) != SJ_OK ||
	    (rc = store_bulk_begin(s, STORE_KEYS_TABLE, cols, 2, &b, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if ((rc = store_bulk_row(b, (const int64_t[2]){ keys[i].k1, keys[i].k2 }, e)) != SJ_OK) {
			store_bulk_abort(b);
			return rc;
		}
	return store_bulk_end(b, NULL, e);
#undef MAKE
}

/* The ids of a sequence, on PostgreSQL (?1 the table, ?2 how many). */
static const char ids_pg_sql[] =
	"SELECT nextval(pg_get_serial_sequence(CAST(?1 AS TEXT), 'id'))"
	" FROM generate_series(1, CAST(?2 AS BIGINT)) ORDER BY 1";

sj_rc
store_ids_next(store *s, const char *table, size_t n, int64_t *ids, sj_err *e)
{
	store_stmt *st;
	char sql[96];
	void *impl;
	int64_t last = 0;
	size_t k = 0;
	bool row;
	sj_rc rc;

	assert(s->depth > 0 && strlen(table) < 40);
	for (const char *p = table; *p; p++)
		assert((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9'));
	if (n == 0)
		return SJ_OK;
	if (s->drv->dialect == STORE_POSTGRES) {
		if ((rc = store_prepare(s, ids_pg_sql, &st, e)) != SJ_OK)
			return rc;
		store_bind_text(st, 1, table);
		store_bind_int(st, 2, (int64_t)n);
		while ((rc = store_step(st, &row, e)) == SJ_OK && row)
			if (k < n)
				ids[k++] = store_col_int(st, 0);
		if (rc == SJ_OK && k != n)
			rc = sj_fail(e, SJ_EINTERNAL, NULL, "database: %zu ids of %s, %zu asked", k,
			    table, n);
		return rc;
	}
	/* SQLite: one statement, made for this call (the table name is part
	 * of it) and finalised after */
	if ((rc = store_check_not_failed(s, e)) != SJ_OK)
		return rc;
	snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
	if ((rc = store_note_failure(s, s->drv->prepare(s->conn, sql, &impl, e), e)) != SJ_OK)
		return rc;
	if ((rc = store_note_failure(s, s->drv->step(s->conn, impl, &row, e), e)) == SJ_OK && row)
		last = s->drv->col_int(impl, 0);
	s->drv->finalize(impl);
	for (k = 0; rc == SJ_OK && k < n; k++)
		ids[k] = last + 1 + (int64_t)k;
	return rc;
}
