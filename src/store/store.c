/*
 * store — driver dispatch, the per-connection statement cache, nested
 * transactions as savepoints, and the failed-transaction rule (store.h).
 *
 * The cache is an open-addressing hash table keyed by the address of the
 * SQL text: statement tables are static, so the address identifies the
 * statement and no string hashing is needed.
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

struct store_stmt {
	store *owner;
	const char *sql;  /* the key; NULL marks an empty slot */
	void *impl;       /* the driver's statement */
};

struct store {
	const store_driver *drv;
	void *conn;
	char *url;        /* for messages, password masked */
	int depth;        /* open transactions; >1 means savepoints */
	sj_err failed;    /* a statement failed inside the open transaction */
	bool lost;        /* the whole transaction is gone: a store-unavailable
	                   * failure (disk full, read-only, I/O error, lost
	                   * connection), after which SQLite may already have
	                   * rolled everything back; savepoint rollbacks then keep
	                   * `failed` until the outermost rollback, so that no
	                   * statement of the caller runs outside its transaction */
	store_stmt *slots;
	size_t n_slots;   /* a power of two */
	size_t n_used;
	/* Lines published in the open transaction (store_publish), each ending
	 * in '\n'; mark[d] is the length when depth d+1 began, to drop what a
	 * rolled-back savepoint published. */
	char *pub;
	size_t n_pub, cap_pub;
	size_t *mark;
	int n_mark;
	bool pub_overflow;
	bool deferring;   /* store_defer_writes, until the outermost commit or rollback */
	bool fk_off;      /* SQLite foreign keys off until the outermost commit
	                   * or rollback (store_begin_checked) */
	bool tuned;       /* store_bulk_tune's settings are on; then, on SQLite, */
	int64_t tuned_cache, tuned_temp, tuned_mmap;  /* cache_size, temp_store and
	                   * mmap_size before */
	char channel[96];   /* STORE_CHANNEL ":" schema, once known (PostgreSQL) */
};

static store_line_cb local_cb;
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

/* Refuse a statement in a transaction where one already failed (store.h):
 * PostgreSQL would refuse it anyway, and SQLite must not accept what
 * PostgreSQL refuses. */
static sj_rc
check_not_failed(store *s, sj_err *e)
{
	if (s->failed.rc == SJ_OK)
		return SJ_OK;
	log_error("store: a statement ran after a failed one in the same transaction "
	    "(roll back first); the failure was: %s", s->failed.msg);
	return sj_fail(e, SJ_EINTERNAL, NULL, "a statement ran after a failed one in the same "
	    "transaction: %s", s->failed.msg);
}

/* Remember a failure inside a transaction; returns rc. */
static sj_rc
note_failure(store *s, sj_rc rc, const sj_err *e)
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

	if ((rc = check_not_failed(s, e)) != SJ_OK)
		return rc;
	return note_failure(s, s->drv->exec(s->conn, sql, e), e);
}

sj_rc
store_begin(store *s, sj_err *e)
{
	char sql[40];
	sj_rc rc;

	if ((rc = check_not_failed(s, e)) != SJ_OK)
		return rc;
	if (s->depth == 0)
		rc = tx_exec(s, s->drv->begin_sql, e);
	else {
		snprintf(sql, sizeof sql, "SAVEPOINT sj%d", s->depth);
		rc = note_failure(s, tx_exec(s, sql, e), e);
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
		if ((rc = check_not_failed(s, e)) != SJ_OK ||
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
 * (SQLite), then forget them. */
static void
deliver_local(store *s)
{
	if (s->drv->listen == NULL && local_cb != NULL) {
		if (s->pub_overflow)
			local_cb(local_cls, STORE_LINE_OVERFLOW);
		else
			for (size_t at = 0; at < s->n_pub;) {
				char *nl = memchr(s->pub + at, '\n', s->n_pub - at);

				*nl = '\0';
				local_cb(local_cls, s->pub + at);
				at = (size_t)(nl - s->pub) + 1;
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
	if ((rc = check_not_failed(s, e)) != SJ_OK)
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

	if ((rc = check_not_failed(s, e)) != SJ_OK)
		return rc;
	if (slot->sql) {
		s->drv->reset(slot->impl);
		*out = slot;
		return SJ_OK;
	}
	if ((rc = s->drv->prepare(s->conn, sql, &impl, e)) != SJ_OK)
		return note_failure(s, rc, e);
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
	if ((rc = check_not_failed(s, e)) != SJ_OK) {
		s->drv->reset(st->impl);
		return rc;
	}
	return note_failure(s, s->drv->step(s->conn, st->impl, row, e), e);
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
		if ((rc = check_not_failed(s, e)) != SJ_OK) {
			s->drv->reset(st->impl);
			return rc;
		}
		return note_failure(s, s->drv->run_deferred(s->conn, st->impl, e), e);
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
		note_failure(s, s->drv->sync(s->conn, &e), &e);
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
store_set_local_subscriber(store_line_cb cb, void *cls)
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
	if ((rc = check_not_failed(s, e)) != SJ_OK)
		return rc;
	b = sj_calloc(1, sizeof *b);
	b->s = s;
	b->n_cols = n_cols;
	if (s->drv->copy_begin) {
		sql = bulk_sql(table, cols, n_cols, 0);
		rc = note_failure(s, s->drv->copy_begin(s->conn, sql, e), e);
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
		rc = note_failure(s, rc, e);
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
	return note_failure(b->s, drv->step(b->s->conn, stmt, &row, e), e);
}

static sj_rc
bulk_copy_flush(store_bulk *b, sj_err *e)
{
	sj_rc rc = SJ_OK;

	if (b->n_text)
		rc = note_failure(b->s, b->s->drv->copy_put(b->s->conn, b->text, b->n_text, e), e);
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
	return note_failure(b->s, drv->step(b->s->conn, stmt, &row, e), e);
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
			rc = note_failure(b->s, b->s->drv->copy_end(b->s->conn, false, &copied, e), e);
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
		note_failure(b->s, SJ_EDB, &abandoned);
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
		snprintf(sql, sizeof sql, "SET work_mem = '%dMB'", cache_mib);
	else {
		if (!s->tuned && ((rc = pragma_int(s, "PRAGMA cache_size", &s->tuned_cache, e))
		    != SJ_OK || (rc = pragma_int(s, "PRAGMA temp_store", &s->tuned_temp, e)) != SJ_OK
		    || (rc = pragma_int(s, "PRAGMA mmap_size", &s->tuned_mmap, e)) != SJ_OK))
			return rc;
		snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d; PRAGMA temp_store=MEMORY; "
		    "PRAGMA mmap_size=0", cache_mib * 1024);
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
		snprintf(sql, sizeof sql, "RESET work_mem");
	else
		snprintf(sql, sizeof sql, "PRAGMA cache_size=%lld; PRAGMA temp_store=%lld; "
		    "PRAGMA mmap_size=%lld", (long long)s->tuned_cache, (long long)s->tuned_temp,
		    (long long)s->tuned_mmap);
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
	if ((rc = check_not_failed(s, e)) != SJ_OK)
		return rc;
	snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
	if ((rc = note_failure(s, s->drv->prepare(s->conn, sql, &impl, e), e)) != SJ_OK)
		return rc;
	if ((rc = note_failure(s, s->drv->step(s->conn, impl, &row, e), e)) == SJ_OK && row)
		last = s->drv->col_int(impl, 0);
	s->drv->finalize(impl);
	for (k = 0; rc == SJ_OK && k < n; k++)
		ids[k] = last + 1 + (int64_t)k;
	return rc;
}
