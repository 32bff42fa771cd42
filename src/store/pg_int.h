/*
 * pg_int — what the PostgreSQL driver's files share: the connection and
 * statement structs and the functions pg.c, pg_pipeline.c (pipeline mode,
 * store_defer_writes) and pg_notify.c (LISTEN/NOTIFY) call across.  Private
 * to the driver: the rest of the store layer sees store_pg_driver only
 * (driver.h).  The invariants at the top of pg.c hold in all three files.
 */
#ifndef SJ_STORE_PG_INT_H
#define SJ_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/driver.h"

typedef struct pg_conn {
	PGconn *pg;
	unsigned next_name;   /* statement names sj1, sj2, ... */
	unsigned generation;  /* bumped by every reconnect */
	bool in_tx;           /* last known: inside a transaction block */
	unsigned flags;       /* of store_open, for a reset */
	int64_t changes;      /* rows of the last INSERT, UPDATE or DELETE */
	int pending;          /* statements sent in pipeline mode (pg_run_deferred)
	                       * whose results are not read yet */
} pg_conn;

typedef struct pg_param {
	char *buf;            /* malloc'd value storage, reused */
	size_t cap;
	bool is_int;          /* bound with bind_int, to ival */
	int64_t ival;
} pg_param;

typedef struct pg_stmt {
	pg_conn *c;
	char name[16];
	char *sql;            /* rewritten with $N */
	char *probe;          /* sql with `$N IS NULL` as TRUE, until first prepared */
	unsigned generation;  /* of the connection it was prepared on */
	int n_params;
	Oid *types;           /* as prepared; int2/int4 widened to int8 */
	pg_param *params;
	const char **values;  /* NULL: SQL NULL */
	int *lengths;
	int *formats;         /* 0 text, 1 binary */
	PGresult *res;        /* current result, NULL before the first step */
	int row, n_rows;
	char num[32];         /* col_text of a number */
} pg_stmt;

/* ---- pg.c ---------------------------------------------------------------------- */

/* Fail with the error of res (may be NULL: the connection's error).  A
 * lost connection is SJ_EUNAVAIL whatever the message. */
sj_rc pg_fail(pg_conn *c, const PGresult *res, sj_err *e);

/* Note the transaction state after a command (unknown when the connection
 * is broken: keep the last known). */
void pg_track_tx(pg_conn *c);

/* Rows changed, from the command tag of an INSERT, UPDATE or DELETE. */
void pg_track_changes(pg_conn *c, const PGresult *res);

/* Before a statement: answer what is pending, then reset a broken
 * connection once, unless a transaction was open on it (SJ_EUNAVAIL). */
sj_rc pg_conn_ready(pg_conn *c, sj_err *e);

/* Whether st can be sent as it is: prepared on this connection, no
 * parameter to widen. */
bool pg_stmt_ready(const pg_stmt *st);

/* The driver's exec, step and reset (driver.h). */
sj_rc pg_exec(void *conn, const char *sql, sj_err *e);
sj_rc pg_step(void *conn, void *stmt, bool *row, sj_err *e);
void pg_reset(void *stmt);

/* ---- pg_pipeline.c ------------------------------------------------------------- */

/* Read the results of everything sent in pipeline mode up to the Sync
 * just sent: the c->pending deferred statements, then, when has_last, the
 * one sent after them (its rows to last->res; last NULL: a command whose
 * tag goes to tag).  Leaves pipeline mode.  Returns the first failure;
 * a lost connection is SJ_EUNAVAIL. */
sj_rc pg_pipe_collect(pg_conn *c, pg_stmt *last, bool has_last, char *tag, size_t n_tag,
    sj_err *e);

/* Send a Sync after what is pending and read every result
 * (pg_pipe_collect); SJ_OK at once when nothing is pending. */
sj_rc pg_pipe_flush(pg_conn *c, sj_err *e);

/* COMMIT, behind the statements sent ahead when there are any; a COMMIT
 * answered with a ROLLBACK tag is SJ_EDB. */
sj_rc pg_commit(pg_conn *c, sj_err *e);

/* The driver's sync and run_deferred (driver.h, store_defer_writes). */
sj_rc pg_sync(void *conn, sj_err *e);
sj_rc pg_run_deferred(void *conn, void *stmt, sj_err *e);

/* ---- pg_notify.c --------------------------------------------------------------- */

/* The driver's listen and wait (driver.h: store_listen, store_wait). */
sj_rc pg_listen(void *conn, const char *channel, sj_err *e);
sj_rc pg_wait(void *conn, int timeout_ms, store_line_cb cb, void *cls, sj_err *e);

#endif
