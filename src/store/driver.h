/*
 * driver — what a database driver provides to store.c.  Private to the
 * store layer: domain modules include store.h only.
 *
 * store.c owns the statement cache and the transaction depth; a driver
 * only speaks to its database.  Every function that can fail returns an
 * sj_rc and fills e with the project code that matches the driver's error
 * (see store.h).
 */
#ifndef SJ_STORE_DRIVER_H
#define SJ_STORE_DRIVER_H

#include "store/store.h"

typedef struct store_driver {
	const char *name;
	store_dialect dialect;
	/* Open a connection; *conn is the driver's own handle.  shown is the
	 * url with any password masked, for messages. */
	sj_rc (*open)(const char *url, const char *shown, unsigned flags, void **conn, sj_err *e);
	void (*close)(void *conn);
	/* store_exists() and store_destroy() for this driver's URLs. */
	sj_rc (*exists)(const char *url, const char *shown, bool *exists, sj_err *e);
	sj_rc (*destroy)(const char *url, const char *shown, sj_err *e);
	sj_rc (*exec)(void *conn, const char *sql, sj_err *e);
	sj_rc (*prepare)(void *conn, const char *sql, void **stmt, sj_err *e);
	void (*finalize)(void *stmt);
	void (*bind_int)(void *stmt, int i, int64_t v);
	void (*bind_text)(void *stmt, int i, const char *v);
	void (*bind_blob)(void *stmt, int i, const void *p, size_t n);
	void (*bind_null)(void *stmt, int i);
	sj_rc (*step)(void *conn, void *stmt, bool *row, sj_err *e);
	int64_t (*col_int)(void *stmt, int i);
	const char *(*col_text)(void *stmt, int i);
	const void *(*col_blob)(void *stmt, int i, size_t *n);
	bool (*col_is_null)(void *stmt, int i);
	void (*reset)(void *stmt);
	int64_t (*changes)(void *conn);
	const char *begin_sql;  /* outermost BEGIN, e.g. "BEGIN IMMEDIATE" */
	/* store_backup() (store.h); NULL when the driver cannot copy itself. */
	sj_rc (*backup)(void *conn, const char *path, store_backup_cb cb, void *cls,
	    int64_t *pages, sj_err *e);
	/* store_listen() and store_wait() (store.h); NULL when the database
	 * has no notifications between connections (SQLite). */
	sj_rc (*listen)(void *conn, const char *channel, sj_err *e);
	sj_rc (*wait)(void *conn, int timeout_ms, store_line_cb cb, void *cls, sj_err *e);
	/* store_bulk_*: start a COPY of sql ("COPY t (c, ...) FROM STDIN"),
	 * send text-format rows, end it (*n_rows: rows copied; failed true to
	 * abort it).  NULL: store.c binds rows to prepared INSERTs instead. */
	sj_rc (*copy_begin)(void *conn, const char *sql, sj_err *e);
	sj_rc (*copy_put)(void *conn, const char *p, size_t n, sj_err *e);
	sj_rc (*copy_end)(void *conn, bool failed, int64_t *n_rows, sj_err *e);
	/* store_defer_writes: run_deferred sends a statement of store_run
	 * without waiting for its answer (its failure comes back from a later
	 * call: a step, exec, prepare, COMMIT or sync); sync reads every
	 * answer still due.  NULL: statements always run at once (SQLite,
	 * in-process, has no round trip to save). */
	sj_rc (*run_deferred)(void *conn, void *stmt, sj_err *e);
	sj_rc (*sync)(void *conn, sj_err *e);
} store_driver;

extern const store_driver store_sqlite_driver;
extern const store_driver store_pg_driver;

#endif
