/*
 * store — the one thin database layer under every domain module.
 *
 * A store is one connection to a database, used by one thread at a time
 * (the server keeps one per worker thread).  Domain modules keep their SQL
 * in static statement tables and reach the database only through this
 * interface: prepare (cached per connection, keyed by the SQL string's
 * address), bind, step, read columns, and transactions.  The interface is
 * the same for every driver: SQLite today, PostgreSQL later (DESIGN.md §6),
 * so domain code never sees which database it runs on.
 *
 * SQL conventions that keep statements portable between the drivers:
 *  - parameters are numbered `?1`, `?2`, ... (a driver may rewrite them);
 *  - new ids come back with `RETURNING id`, never a last-insert-id call;
 *  - instants are INTEGER seconds (or ms) since the epoch UTC, dates are
 *    INTEGER days since 1970-01-01, booleans INTEGER 0/1.
 *
 * Errors from the database map to project codes: a unique-key violation is
 * SJ_ECONFLICT, a foreign-key or CHECK violation SJ_EINVAL, a locked
 * database SJ_EBUSY, a full disk or read-only file SJ_EUNAVAIL, anything
 * else SJ_EDB.  The message carries the driver's own text.
 */
#ifndef SJ_STORE_H
#define SJ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct store store;            /* one connection; opaque */
typedef struct store_stmt store_stmt;  /* a prepared statement; owned by its store */

typedef enum store_dialect { STORE_SQLITE, STORE_POSTGRES } store_dialect;

enum store_flags {
	STORE_CREATE   = 1 << 0,  /* create the database file when missing */
	STORE_READONLY = 1 << 1,  /* open for reading only */
};

/* Open the database named by url: a file path for SQLite, or a
 * postgresql:// URL.  For SQLite the connection runs in WAL mode with
 * foreign keys on, synchronous=FULL and a 5 s busy timeout.  On success *out
 * is a new store the caller closes with store_close().
 * Errors: SJ_ENOTFOUND (field "db") when the file does not exist and
 * STORE_CREATE is not given; SJ_EDB when it cannot be opened or is not a
 * database; SJ_EINVAL for a URL scheme no driver handles. */
sj_rc store_open(const char *url, unsigned flags, store **out, sj_err *e);

/* Finalise every cached statement and close the connection.  A transaction
 * still open is rolled back.  Accepts NULL. */
void store_close(store *s);

/* Which SQL dialect the connection speaks (for the migration runner). */
store_dialect store_get_dialect(const store *s);

/* The url given to store_open, with any password replaced by "***". */
const char *store_url(const store *s);

/* Run one or more SQL statements without parameters or results (schema
 * changes).  Errors as described at the top. */
sj_rc store_exec(store *s, const char *sql, sj_err *e);

/* Begin a transaction; nested calls open savepoints, so a function that
 * needs atomicity can call store_begin() whether or not its caller already
 * did.  The outermost begin takes the write lock at once (SQLite BEGIN
 * IMMEDIATE) so that a transaction never fails half-way on lock upgrade.
 * Every successful store_begin() must be matched by store_commit() or
 * store_rollback(). */
sj_rc store_begin(store *s, sj_err *e);

/* Commit the innermost transaction (release its savepoint).  On failure
 * the transaction is rolled back and the error returned. */
sj_rc store_commit(store *s, sj_err *e);

/* Undo the innermost transaction or savepoint.  Never fails visibly; a
 * driver error is logged. */
void store_rollback(store *s);

/* Depth of open transactions (0 = none). */
int store_tx_depth(const store *s);

/* The prepared statement for sql, which must be a string with static
 * storage duration (statement tables): the cache is keyed by its address.
 * The statement comes back reset with no bindings.  Errors: SJ_EDB with
 * the driver's message (a bug in the SQL, or a schema mismatch). */
sj_rc store_prepare(store *s, const char *sql, store_stmt **out, sj_err *e);

/* Bind parameter i (1-based).  Text is copied; NULL text binds SQL NULL.
 * These never fail for a valid index; an invalid index is a bug (assert). */
void store_bind_int(store_stmt *st, int i, int64_t v);
void store_bind_text(store_stmt *st, int i, const char *v);
void store_bind_blob(store_stmt *st, int i, const void *p, size_t n);
void store_bind_null(store_stmt *st, int i);

/* Advance to the next row.  *row is set true when a row is available and
 * false when the statement is done (then it is reset for reuse).
 * Errors as described at the top; the statement is reset on error. */
sj_rc store_step(store_stmt *st, bool *row, sj_err *e);

/* Run a statement expected to produce no rows (or to ignore them). */
sj_rc store_run(store_stmt *st, sj_err *e);

/* Run a bound `INSERT ... RETURNING id` statement and put the id in *id.
 * Errors as store_step(); SJ_EINTERNAL when no row came back. */
sj_rc store_insert_id(store_stmt *st, int64_t *id, sj_err *e);

/* Run a bound statement whose first column of its first row is an
 * integer (a count, an id) and put it in *v; *found (may be NULL) says
 * whether there was a row; without one *v is 0.  Errors as store_step(). */
sj_rc store_query_int(store_stmt *st, int64_t *v, bool *found, sj_err *e);

/* Columns of the current row, 0-based.  Text and blob pointers are valid
 * until the next step or reset; store_col_text gives NULL for SQL NULL. */
int64_t store_col_int(store_stmt *st, int i);
const char *store_col_text(store_stmt *st, int i);
const void *store_col_blob(store_stmt *st, int i, size_t *n);
bool store_col_is_null(store_stmt *st, int i);

/* Reset a statement early (before it reports done) and clear bindings. */
void store_reset(store_stmt *st);

/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t store_changes(store *s);

#endif
