/*
 * store — driver dispatch, the per-connection statement cache, nested
 * transactions as savepoints, and the failed-transaction rule (store.h).
 *
 * The cache is an open-addressing hash table keyed by the address of the
 * SQL text: statement tables are static, so the address identifies the
 * statement and no string hashing is needed.
 *
 * Bulk inserts, the bulk-import settings, the keys table and id blocks are
 * in store_bulk.c; the handle's structs, which both files use, in
 * store_int.h.
 */
#include "store/store.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/text.h"
#include "store/driver.h"
#include "store/store_int.h"

static store_lines_cb local_cb;
static void *local_cls;

static const store_driver *
driver_for(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return &store_pg_driver;
	if (strstr(url, "://") != NULL)
		return NULL;
	return &store_sqlite_driver;
}

char *
store_url_mask(const char *url)
{
	return text_url_mask(url);
}

sj_rc
store_open(const char *url, unsigned flags, store **out, sj_err *e)
{
	const store_driver *drv;
	store *s;
	void *conn = NULL;
	char *shown;
	sj_rc rc;

	*out = NULL;
	if (url == NULL || *url == '\0')
		return sj_fail(e, SJ_EINVAL, "db", "no database given");
	shown = store_url_mask(url);
	if ((drv = driver_for(url)) == NULL) {
		rc = sj_fail(e, SJ_EINVAL, "db", "no driver for %.60s: give a SQLite file path "
		    "or a postgresql:// URL", shown);
		free(shown);
		return rc;
	}
	if ((rc = drv->open(url, shown, flags, &conn, e)) != SJ_OK) {
		free(shown);
		return rc;
	}
	s = sj_calloc(1, sizeof *s);
	s->drv = drv;
	s->conn = conn;
	s->url = shown;
	s->n_slots = 64;
	s->slots = sj_calloc(s->n_slots, sizeof *s->slots);
	*out = s;
	return SJ_OK;
}

sj_rc
store_exists(const char *url, bool *exists, sj_err *e)
{
	const store_driver *drv = url ? driver_for(url) : NULL;
	char *shown;
	sj_rc rc;

	*exists = false;
	if (drv == NULL || *url == '\0')
		return sj_fail(e, SJ_EINVAL, "db", "no database given");
	shown = store_url_mask(url);
	rc = drv->exists(url, shown, exists, e);
	free(shown);
	return rc;
}

sj_rc
store_destroy(const char *url, sj_err *e)
{
	const store_driver *drv = url ? driver_for(url) : NULL;
	char *shown;
	sj_rc rc;

	if (drv == NULL || *url == '\0')
		return sj_fail(e, SJ_EINVAL, "db", "no database given");
	shown = store_url_mask(url);
	rc = drv->destroy(url, shown, e);
	free(shown);
	return rc;
}

void
store_close(store *s)
{
	if (s == NULL)
		return;
	while (s->depth > 0)
		store_rollback(s);
	for (size_t i = 0; i < s->n_slots; i++)
		if (s->slots[i].sql)
			s->drv->finalize(s->slots[i].impl);
	s->drv->close(s->conn);
	free(s->slots);
	free(s->url);
	free(s->pub);
	free(s->mark);
	free(s);
}

store_dialect
store_get_dialect(const store *s)
{
	return s->drv->dialect;
}

bool
store_reads_cold(const store *s)
{
	return s->drv->dialect == STORE_SQLITE;
}

bool
store_round_trips(const store *s)
{
	return s->drv->dialect == STORE_POSTGRES;
}

const char *
store_url(const store *s)
{
	return s->url;
}

sj_rc
store_wal_path(store *s, char **out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	if (s->drv->dialect != STORE_SQLITE)
		return SJ_OK;
	if ((rc = store_prepare(s, "PRAGMA database_list", &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		const char *name = store_col_text(st, 1), *file = store_col_text(st, 2);
		if (name && strcmp(name, "main") == 0 && file && file[0]) {
			size_t n = strlen(file);
			*out = sj_malloc(n + 5);
			memcpy(*out, file, n);
			memcpy(*out + n, "-wal", 5);
		}
	}
	store_reset(st);
	return rc;
}

/* Refuse a statement in a transaction where one already failed (store.h):
 * PostgreSQL would refuse it anyway, and SQLite must not accept what
 * PostgreSQL refuses. */
sj_rc
store_check_not_failed(store *s, sj_err *e)
{
	if (s->failed.rc == SJ_OK)
		return SJ_OK;
	log_error("store: a statement ran after a failed one in the same transaction "
	    "(roll back first); the failure was: %s", s->failed.msg);
	return sj_fail(e, SJ_EINTERNAL, NULL, "a statement ran after a failed one in the same "
	    "transaction: %s", s->failed.msg);
}

/* Remember a failure inside a transaction; returns rc. */
sj_rc
store_note_failure(store *s, sj_rc rc, const sj_err *e)
{
	if (rc != SJ_OK && s->depth > 0 && s->failed.rc == SJ_OK) {
		s->failed.rc = rc;
		snprintf(s->failed.msg, sizeof s->failed.msg, "%s", e ? e->msg : "");
	}
	if (rc == SJ_EUNAVAIL && s->depth > 0)
		s->lost = true;
	return rc;
}

/* A transaction-control statement: not itself subject to the failed-
 * transaction rule. */
static sj_rc
tx_exec(store *s, const char *sql, sj_err *e)
{
	return s->drv->exec(s->conn, sql, e);
}

sj_rc
store_exec(store *s, const char *sql, sj_err *e)
{
	sj_rc rc;

	if ((rc = store_check_not_failed(s, e)) != SJ_OK)
		return rc;
	return store_note_failure(s, s->drv->exec(s->conn, sql, e), e);
}

sj_rc
store_begin(store *s, sj_err *e)
{
	char sql[40];
	sj_rc rc;

	if ((rc = store_check_not_failed(s, e)) != SJ_OK)
		return rc;
	if (s->depth == 0)
		rc = tx_exec(s, s->drv->begin_sql, e);
	else {
		snprintf(sql, sizeof sql, "SAVEPOINT sj%d", s->depth);
		rc = store_note_failure(s, tx_exec(s, sql, e), e);
	}
	if (rc == SJ_OK) {
		if (s->depth >= s->n_mark) {
			s->n_mark = s->depth + 8;
			s->mark = sj_realloc(s->mark, (size_t)s->n_mark * sizeof *s->mark);
		}
		s->mark[s->depth] = s->n_pub;
		s->depth++;
	} else if (s->depth == 0)
		tx_exec(s, "ROLLBACK", NULL);  /* a begin that failed half-way */
	return rc;
}

/* Switch SQLite's foreign-key enforcement back on after a transaction of
 * store_begin_checked (outside any transaction, where the pragma works). */
static void
fk_restore(store *s)
{
	sj_err e = {0};

	if (!s->fk_off)
		return;
	s->fk_off = false;
	if (tx_exec(s, "PRAGMA foreign_keys=ON", &e) != SJ_OK)
		log_warn("store: foreign keys not switched back on: %s", e.msg);
}

sj_rc
store_begin_checked(store *s, sj_err *e)
{
	sj_rc rc;

	if (s->depth == 0 && s->drv->dialect == STORE_SQLITE) {
		if ((rc = store_check_not_failed(s, e)) != SJ_OK ||
		    (rc = tx_exec(s, "PRAGMA foreign_keys=OFF", e)) != SJ_OK)
			return rc;
		s->fk_off = true;
	}
	if ((rc = store_begin(s, e)) != SJ_OK && s->depth == 0)
		fk_restore(s);
	return rc;
}

static const char *const notify_sql = "SELECT pg_notify(?1, ?2)";
static const char *const schema_sql = "SELECT current_schema()";

/* The channel of this connection's database schema: announcements are per
 * schema, as the data is (several sijin databases may share one PostgreSQL
 * database, each in its own schema). */
static sj_rc
channel_of(store *s, const char **out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (s->channel[0] == '\0') {
		if ((rc = store_prepare(s, schema_sql, &st, e)) != SJ_OK ||
		    (rc = store_step(st, &row, e)) != SJ_OK)
			return rc;
		snprintf(s->channel, sizeof s->channel, "%s:%.63s", STORE_CHANNEL,
		    row && store_col_text(st, 0) ? store_col_text(st, 0) : "");
		store_reset(st);
	}
	*out = s->channel;
	return SJ_OK;
}

/* The published lines as notifications (PostgreSQL), in pieces of whole
 * lines under the 8,000-byte payload limit, inside the transaction. */
static sj_rc
notify_pending(store *s, sj_err *e)
{
	store_stmt *st;
	const char *channel;
	sj_rc rc;

	if (s->drv->listen == NULL || (s->n_pub == 0 && !s->pub_overflow))
		return SJ_OK;
	if ((rc = channel_of(s, &channel, e)) != SJ_OK ||
	    (rc = store_prepare(s, notify_sql, &st, e)) != SJ_OK)
		return rc;
	if (s->pub_overflow) {
		store_bind_text(st, 1, channel);
		store_bind_text(st, 2, STORE_LINE_OVERFLOW "\n");
		return store_run(st, e);
	}
	for (size_t at = 0; at < s->n_pub;) {
		size_t end = at, next;
		char save;

		/* Whole lines while they fit in 7,800 bytes (a line is ≤ 1,001). */
		while (end < s->n_pub && (next = (size_t)((char *)memchr(s->pub + end, '\n',
		    s->n_pub - end) - s->pub) + 1) - at <= 7800)
			end = next;
		save = s->pub[end - 1];
		s->pub[end - 1] = '\0';
		store_bind_text(st, 1, channel);
		store_bind_text(st, 2, s->pub + at);
		s->pub[end - 1] = save;
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
		at = end;
	}
	return SJ_OK;
}

/* After the outermost commit: the published lines to the local subscriber
 * (SQLite), in one call, then forget them. */
static void
deliver_local(store *s)
{
	if (s->drv->listen == NULL && local_cb != NULL) {
		if (s->pub_overflow)
			local_cb(local_cls, STORE_LINE_OVERFLOW, 1);
		else if (s->n_pub > 0) {
			size_t n = 0;

			/* "a\nb\n" → "a\0b\0": each line ends with a newline */
			for (char *p = s->pub, *end = s->pub + s->n_pub; p < end; n++) {
				char *nl = memchr(p, '\n', (size_t)(end - p));

				*nl = '\0';
				p = nl + 1;
			}
			local_cb(local_cls, s->pub, n);
		}
	}
	s->n_pub = 0;
	s->pub_overflow = false;
}

sj_rc
store_commit(store *s, sj_err *e)
{
	char sql[40];
	sj_rc rc;

	assert(s->depth > 0);
	if (s->failed.rc != SJ_OK) {
		/* PostgreSQL would answer COMMIT of a failed transaction with a
		 * silent ROLLBACK: say what happened instead. */
		rc = sj_fail(e, s->failed.rc, NULL, "the transaction was rolled back after a "
		    "failed statement: %s", s->failed.msg);
		store_rollback(s);
		return rc;
	}
	if (s->depth == 1)
		snprintf(sql, sizeof sql, "COMMIT");
	else
		snprintf(sql, sizeof sql, "RELEASE sj%d", s->depth - 1);
	if ((s->depth == 1 && (rc = notify_pending(s, e)) != SJ_OK) ||
	    (rc = tx_exec(s, sql, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	s->depth--;
	if (s->depth == 0) {
		s->deferring = false;
		fk_restore(s);
		deliver_local(s);
	}
	return SJ_OK;
}

void
store_rollback(store *s)
{
	char sql[64];
	sj_err e = {0};

	assert(s->depth > 0);
	if (s->lost) {
		/* Nothing to roll back to below the top: unwind, and end the
		 * transaction (if the database still has one) at the top. */
		if (s->depth == 1)
			tx_exec(s, "ROLLBACK", NULL);
		if (--s->depth == 0) {
			s->deferring = false;
			s->lost = false;
			sj_err_clear(&s->failed);
			fk_restore(s);
		}
		return;
	}
	if (s->depth == 1)
		snprintf(sql, sizeof sql, "ROLLBACK");
	else
		snprintf(sql, sizeof sql, "ROLLBACK TO sj%d; RELEASE sj%d", s->depth - 1, s->depth - 1);
	if (tx_exec(s, sql, &e) != SJ_OK)
		log_warn("store: rollback failed: %s", e.msg);
	s->depth--;
	s->n_pub = s->mark[s->depth];
	if (s->depth == 0) {
		s->deferring = false;
		s->pub_overflow = false;
		fk_restore(s);
	}
	/* Back at a savepoint taken before the failure (or out of the
	 * transaction): statements work again. */
	sj_err_clear(&s->failed);
}

/* A reader of store_open_readers: the file mapped (SQLite's limit of
 * 2 GB) and 64 MB of page cache, for one long pass over a table. */
#define READER_PRAGMAS "PRAGMA mmap_size = 2147418112; PRAGMA cache_size = -65536;"

sj_rc
store_open_readers(store *s, size_t n, store **out, sj_err *e)
{
	size_t i;
	sj_rc rc = SJ_OK;

	for (i = 0; i < n; i++)
		out[i] = NULL;
	if (s->drv->dialect != STORE_SQLITE || s->depth != 0)
		return sj_fail(e, SJ_EINVAL, "db", "readers of one snapshot need a SQLite "
		    "connection outside a transaction");
	for (i = 0; i < n && rc == SJ_OK; i++)
		if ((rc = store_open(s->url, STORE_READONLY, &out[i], e)) == SJ_OK)
			rc = tx_exec(out[i], READER_PRAGMAS, e);
	/* Under the write lock no commit lands: every reader's first read
	 * starts its WAL snapshot at the same last commit. */
	if (rc == SJ_OK && (rc = store_begin(s, e)) == SJ_OK) {
		for (i = 0; i < n && rc == SJ_OK; i++)
			rc = tx_exec(out[i], "BEGIN; SELECT count(*) FROM sqlite_schema;", e);
		store_rollback(s);
	}
	if (rc != SJ_OK)
		for (i = 0; i < n; i++) {
			store_close(out[i]);
			out[i] = NULL;
		}
	return rc;
}

sj_rc
store_open_sibling(store *s, const char *url, store **out, sj_err *e)
{
	bool lite = s->drv->dialect == STORE_SQLITE;
	sj_rc rc;

	if ((rc = store_open(url, lite ? STORE_READONLY : 0, out, e)) != SJ_OK)
		return rc;
	if (lite && (rc = tx_exec(*out, READER_PRAGMAS, e)) != SJ_OK) {
		store_close(*out);
		*out = NULL;
	}
	return rc;
}

sj_rc
store_begin_snapshot(store *s, sj_err *e)
{
	sj_rc rc;

	if (s->depth != 0)
		return sj_fail(e, SJ_EINVAL, "db", "a snapshot begins outside a transaction");
	if ((rc = store_check_not_failed(s, e)) != SJ_OK)
		return rc;
	rc = tx_exec(s, s->drv->dialect == STORE_POSTGRES
	    ? "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1"
	    : "BEGIN; SELECT count(*) FROM sqlite_schema;", e);
	if (rc != SJ_OK) {
		tx_exec(s, "ROLLBACK", NULL);
		return rc;
	}
	if (s->n_mark == 0) {
		s->n_mark = 8;
		s->mark = sj_realloc(s->mark, (size_t)s->n_mark * sizeof *s->mark);
	}
	s->mark[0] = s->n_pub;
	s->depth = 1;
	return SJ_OK;
}

sj_rc
store_data_version(store *s, int64_t *out, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	*out = 0;
	if (s->drv->dialect != STORE_SQLITE)
		return SJ_OK;
	if ((rc = store_prepare(s, "PRAGMA data_version", &st, e)) != SJ_OK)
		return rc;
	return store_query_int(st, out, NULL, e);
}

int
store_tx_depth(const store *s)
{
	return s->depth;
}

bool
store_tx_failed(const store *s)
{
	return s->failed.rc != SJ_OK;
}

static size_t
slot_of(const store *s, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (s->n_slots - 1);
}

static store_stmt *
slot_find(store *s, const char *sql)
{
	size_t i = slot_of(s, sql);

	while (s->slots[i].sql && s->slots[i].sql != sql)
		i = (i + 1) & (s->n_slots - 1);
	return &s->slots[i];
}

/* Double the table when it is more than half full. */
static void
cache_grow(store *s)
{
	store_stmt *old = s->slots;
	size_t n_old = s->n_slots;

	s->n_slots *= 2;
	s->slots = sj_calloc(s->n_slots, sizeof *s->slots);
	for (size_t i = 0; i < n_old; i++)
		if (old[i].sql)
			*slot_find(s, old[i].sql) = old[i];
	free(old);
}

sj_rc
store_prepare(store *s, const char *sql, store_stmt **out, sj_err *e)
{
	store_stmt *slot = slot_find(s, sql);
	void *impl;
	sj_rc rc;

	if ((rc = store_check_not_failed(s, e)) != SJ_OK)
		return rc;
	if (slot->sql) {
		s->drv->reset(slot->impl);
		*out = slot;
		return SJ_OK;
	}
	if ((rc = s->drv->prepare(s->conn, sql, &impl, e)) != SJ_OK)
		return store_note_failure(s, rc, e);
	if (2 * (s->n_used + 1) > s->n_slots) {
		cache_grow(s);
		slot = slot_find(s, sql);
	}
	slot->owner = s;
	slot->sql = sql;
	slot->impl = impl;
	s->n_used++;
	*out = slot;
	return SJ_OK;
}

void
store_bind_int(store_stmt *st, int i, int64_t v)
{
	st->owner->drv->bind_int(st->impl, i, v);
}

void
store_bind_text(store_stmt *st, int i, const char *v)
{
	st->owner->drv->bind_text(st->impl, i, v);
}

void
store_bind_blob(store_stmt *st, int i, const void *p, size_t n)
{
	st->owner->drv->bind_blob(st->impl, i, p, n);
}

void
store_bind_null(store_stmt *st, int i)
{
	st->owner->drv->bind_null(st->impl, i);
}

sj_rc
store_step(store_stmt *st, bool *row, sj_err *e)
{
	store *s = st->owner;
	sj_rc rc;

	*row = false;
	if ((rc = store_check_not_failed(s, e)) != SJ_OK) {
		s->drv->reset(st->impl);
		return rc;
	}
	return store_note_failure(s, s->drv->step(s->conn, st->impl, row, e), e);
}

void
store_defer_writes(store *s)
{
	assert(s->depth > 0);
	s->deferring = s->drv->run_deferred != NULL;
}

sj_rc
store_run(store_stmt *st, sj_err *e)
{
	store *s = st->owner;
	bool row = false;
	sj_rc rc;

	if (s->deferring && s->depth > 0) {
		if ((rc = store_check_not_failed(s, e)) != SJ_OK) {
			s->drv->reset(st->impl);
			return rc;
		}
		return store_note_failure(s, s->drv->run_deferred(s->conn, st->impl, e), e);
	}
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		;
	return rc;
}

sj_rc
store_insert_id(store_stmt *st, int64_t *id, sj_err *e)
{
	bool found;
	sj_rc rc = store_query_int(st, id, &found, e);

	if (rc == SJ_OK && !found)
		return sj_fail(e, SJ_EINTERNAL, NULL, "insert returned no id");
	return rc;
}

sj_rc
store_query_int(store_stmt *st, int64_t *v, bool *found, sj_err *e)
{
	bool row;
	sj_rc rc;

	*v = 0;
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row)
		*v = store_col_int(st, 0);
	if (found)
		*found = row;
	store_reset(st);
	return SJ_OK;
}

int64_t
store_col_int(store_stmt *st, int i)
{
	return st->owner->drv->col_int(st->impl, i);
}

const char *
store_col_text(store_stmt *st, int i)
{
	return st->owner->drv->col_text(st->impl, i);
}

const void *
store_col_blob(store_stmt *st, int i, size_t *n)
{
	return st->owner->drv->col_blob(st->impl, i, n);
}

bool
store_col_is_null(store_stmt *st, int i)
{
	return st->owner->drv->col_is_null(st->impl, i);
}

void
store_reset(store_stmt *st)
{
	st->owner->drv->reset(st->impl);
}

int64_t
store_changes(store *s)
{
	sj_err e = {0};

	/* The count of a statement sent ahead is known once it is answered;
	 * a failure among them spoils the transaction as any other. */
	if (s->deferring && s->depth > 0 && s->failed.rc == SJ_OK)
		store_note_failure(s, s->drv->sync(s->conn, &e), &e);
	return s->drv->changes(s->conn);
}

char *
store_like_contains(const char *text)
{
	char *out = sj_malloc(2 * strlen(text) + 3), *o = out;

	*o++ = '%';
	for (const char *p = text; *p; p++) {
		if (*p == '\\' || *p == '%' || *p == '_')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

sj_rc
store_backup(store *s, const char *path, store_backup_cb cb, void *cls, int64_t *pages,
    sj_err *e)
{
	assert(s->depth == 0);
	if (pages)
		*pages = 0;
	if (s->drv->backup == NULL)
		return sj_fail(e, SJ_EINVAL, "db", "backup is not supported by the %s driver",
		    s->drv->name);
	return s->drv->backup(s->conn, path, cb, cls, pages, e);
}

/* ---- announcements ---------------------------------------------------------- */

void
store_set_local_subscriber(store_lines_cb cb, void *cls)
{
	local_cb = cb;
	local_cls = cls;
}

bool
store_has_notifications(const store *s)
{
	return s->drv->listen != NULL;
}

sj_rc
store_publish(store *s, const char *line, sj_err *e)
{
	size_t n = strcspn(line, "\n");
	sj_rc rc;

	if (n > 1000)
		return sj_fail(e, SJ_EINTERNAL, NULL, "an announcement is longer than 1,000 bytes");
	if (s->depth == 0) {
		if ((rc = store_begin(s, e)) != SJ_OK)
			return rc;
		if ((rc = store_publish(s, line, e)) != SJ_OK) {
			store_rollback(s);
			return rc;
		}
		return store_commit(s, e);
	}
	if (s->n_pub + n + 1 > STORE_PUBLISH_MAX) {
		s->pub_overflow = true;
		return SJ_OK;
	}
	if (s->n_pub + n + 1 > s->cap_pub) {
		s->cap_pub = s->cap_pub ? 2 * s->cap_pub : 4096;
		s->pub = sj_realloc(s->pub, s->cap_pub);
	}
	memcpy(s->pub + s->n_pub, line, n);
	s->pub[s->n_pub + n] = '\n';
	s->n_pub += n + 1;
	return SJ_OK;
}

sj_rc
store_listen(store *s, sj_err *e)
{
	const char *channel;
	sj_rc rc;

	if (s->drv->listen == NULL)
		return sj_fail(e, SJ_EINVAL, "db", "%s has no notifications between connections",
		    s->drv->name);
	if ((rc = channel_of(s, &channel, e)) != SJ_OK)
		return rc;
	return s->drv->listen(s->conn, channel, e);
}

sj_rc
store_wait(store *s, int timeout_ms, store_line_cb cb, void *cls, sj_err *e)
{
	if (s->drv->wait == NULL)
		return sj_fail(e, SJ_EINVAL, "db", "%s has no notifications between connections",
		    s->drv->name);
	return s->drv->wait(s->conn, timeout_ms, cb, cls, e);
}
