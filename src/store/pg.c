/*
 * pg — the PostgreSQL driver of the store layer (libpq), for deployments
 * that outgrow one machine (DESIGN.md §6, docs/scale-out.md).
 *
 * Invariants and choices:
 *  - Statements are server-side prepared statements of this connection,
 *    named "sj<n>".  The store's `?N` parameters are rewritten to `$N`
 *    once, at prepare time, outside string literals, quoted identifiers,
 *    comments and dollar-quoted bodies.  A parameter whose first use is
 *    `?N IS NULL` is typed from its other uses first (stmt_prepare).
 *  - Integers are 64-bit everywhere, as in SQLite: a parameter the server
 *    typed int2 or int4 (from `?1 = 1`, `0 - ?2`) is prepared again as
 *    int8 when a value out of its range comes (stmt_widen).  Parameters
 *    go as text, blobs as binary.
 *  - Results come in binary format: integers are decoded by column type
 *    (int2/int4/int8/bool/oid, numeric, float), text and bytea are the raw
 *    bytes, which libpq always NUL-terminates.  A result is read whole on
 *    the first step (statements here return small pages; the bulk path,
 *    store_bulk_*, uses COPY ... FROM STDIN).
 *  - The connection speaks UTF-8 (client_encoding) to a UTF-8 database, with
 *    standard_conforming_strings on, so `'\'` is one backslash, as in SQLite.
 *  - Transactions: the outermost begin (begin_sql) takes one transaction-
 *    scoped advisory lock, so sijin's writing transactions run one at a
 *    time per database (per schema), like SQLite's BEGIN IMMEDIATE, at
 *    READ COMMITTED:
 *    whatever a transaction reads after its begin is what it writes
 *    against (docs/scale-out.md "Transactions").  A lock wait longer than
 *    5 s fails with SJ_EBUSY, like SQLite's busy timeout.
 *  - Pipeline mode (store_defer_writes): inside a transaction that asked
 *    for it, store_run sends a prepared statement and goes on without its
 *    answer; the next statement that needs one (a read, COMMIT) goes in
 *    the same pipeline with a Sync, so a batch's writes cost no round trip
 *    of their own.  Their failures come back with that statement (the
 *    first failure wins; the server skips the rest up to the Sync), and
 *    any other call (prepare, exec, COPY) first reads what is pending.
 *    A COMMIT whose tag is ROLLBACK is a failure.
 *  - A broken connection (server restarted, network cut) is reset once at
 *    the start of the next statement outside a transaction (which first
 *    reads what the server sent, so a closed connection is seen before the
 *    statement is sent); prepared statements are then prepared again
 *    (generation counter).  Inside a transaction nothing is reconnected:
 *    every statement fails with SJ_EUNAVAIL until the caller rolls back,
 *    because statements run after a silent reconnect would no longer be
 *    part of the transaction.
 *
 * Pipeline mode is in pg_pipeline.c, LISTEN/NOTIFY in pg_notify.c; what
 * the three files share is in pg_int.h.
 */
#include <assert.h>
#include <ctype.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "store/driver.h"
#include "store/pg_int.h"

/* Type OIDs of the built-in types (fixed; catalog/pg_type.h). */
enum {
	OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21,
	OID_INT4 = 23, OID_TEXT = 25, OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701,
	OID_BPCHAR = 1042, OID_VARCHAR = 1043, OID_NUMERIC = 1700,
};

/* The advisory lock of writing transactions: ("sjin" in ASCII, the
 * schema), so that sijins in two schemas of one database (the tests'
 * databases) do not wait for each other. */
#define PG_BEGIN_SQL \
	"BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '5s';" \
	" SELECT pg_advisory_xact_lock(1936353646, hashtext(current_schema()))"

/* ---- errors ---------------------------------------------------------------- */

/* Copy msg into out as one line: each run of newlines, tabs and spaces
 * becomes one space; none at the ends. */
static void
one_line(char *out, size_t n, const char *msg)
{
	size_t j = 0;

	for (const char *p = msg ? msg : ""; *p && j + 1 < n; p++) {
		bool space = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
		if (!space)
			out[j++] = *p;
		else if (j > 0 && out[j - 1] != ' ')
			out[j++] = ' ';
	}
	while (j > 0 && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
}

/* The project code for a SQLSTATE (store.h). */
static sj_rc
code_for(const char *state)
{
	if (state == NULL || strlen(state) != 5)
		return SJ_EDB;
	if (strcmp(state, "23505") == 0)
		return SJ_ECONFLICT;
	if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 ||
	    strcmp(state, "23502") == 0 || strncmp(state, "22", 2) == 0)
		return SJ_EINVAL;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return SJ_EBUSY;
	if (strncmp(state, "53", 2) == 0 || strncmp(state, "08", 2) == 0 ||
	    strcmp(state, "25006") == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0)
		return SJ_EUNAVAIL;
	return SJ_EDB;
}

/* Fail with the error of res (may be NULL: the connection's error).  A
 * lost connection is SJ_EUNAVAIL whatever the message. */
sj_rc
pg_fail(pg_conn *c, const PGresult *res, sj_err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[200];
	sj_rc rc = code_for(state);

	if (msg == NULL)
		msg = PQerrorMessage(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		rc = SJ_EUNAVAIL;
	one_line(line, sizeof line, msg);
	if (state && strcmp(state, "42P18") == 0)
		return sj_fail(e, rc, NULL, "database: %s (store.h: each ?N needs a use that shows "
		    "its type, e.g. `col = ?N`, or CAST(?N AS BIGINT))", line);
	return sj_fail(e, rc, NULL, "database: %s", line);
}

/* Note the transaction state after a command (unknown when the connection
 * is broken: keep the last known). */
void
pg_track_tx(pg_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->pg);

	if (t == PQTRANS_IDLE)
		c->in_tx = false;
	else if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		c->in_tx = true;
}

/* Rows changed, from the command tag of an INSERT, UPDATE or DELETE. */
void
pg_track_changes(pg_conn *c, const PGresult *res)
{
	const char *tag = PQcmdStatus((PGresult *)res);

	if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
	    strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0)
		c->changes = strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
}

/* ---- connection -------------------------------------------------------------- */

static void
notice_drop(void *arg, const char *message)
{
	char line[200];

	(void)arg;
	one_line(line, sizeof line, message);
	log_debug("postgres: %s", line);
}

/* Settings every session needs; run after connecting and after a reset. */
static sj_rc
session_setup(pg_conn *c, unsigned flags, sj_err *e)
{
	const char *enc = PQparameterStatus(c->pg, "server_encoding");
	PGresult *res;
	sj_rc rc = SJ_OK;

	if (enc == NULL || strcmp(enc, "UTF8") != 0)
		return sj_fail(e, SJ_EDB, "db", "the database's encoding is %s; sijin needs UTF8 "
		    "(CREATE DATABASE ... ENCODING 'UTF8')", enc ? enc : "unknown");
	res = PQexec(c->pg, (flags & STORE_READONLY)
	    ? "SET standard_conforming_strings = on; SET default_transaction_read_only = on"
	    : "SET standard_conforming_strings = on");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(c, res, e);
	PQclear(res);
	return rc;
}

static sj_rc
pg_open(const char *url, const char *shown, unsigned flags, void **conn, sj_err *e)
{
	/* Keywords before dbname are defaults the URL may override. */
	const char *const keys[] = { "connect_timeout", "fallback_application_name",
	    "client_encoding", "dbname", NULL };
	const char *const values[] = { "10", "sijin", "UTF8", url, NULL };
	pg_conn *c = sj_calloc(1, sizeof *c);
	char line[200];
	sj_rc rc;

	c->pg = PQconnectdbParams(keys, values, 1);
	if (c->pg == NULL)
		sj_oom(sizeof(PGconn *));
	if (PQstatus(c->pg) != CONNECTION_OK) {
		one_line(line, sizeof line, PQerrorMessage(c->pg));
		rc = sj_fail(e, SJ_EUNAVAIL, "db", "cannot connect to %s: %s", shown, line);
		goto fail;
	}
	PQsetNoticeProcessor(c->pg, notice_drop, NULL);
	c->flags = flags;
	if ((rc = session_setup(c, flags, e)) != SJ_OK) {
		if (e && e->field[0] == '\0')
			sj_err_prefix(e, "cannot use %s: ", shown);
		goto fail;
	}
	*conn = c;
	return SJ_OK;
fail:
	PQfinish(c->pg);
	free(c);
	return rc;
}

static void
pg_close(void *conn)
{
	pg_conn *c = conn;

	if (c == NULL)
		return;
	PQfinish(c->pg);
	free(c);
}

/* Run sql on a new connection to url and put the first column of its
 * first row, as an integer, in *v (may be NULL). */
static sj_rc
pg_oneshot(const char *url, const char *shown, const char *sql, int64_t *v, sj_err *e)
{
	void *conn;
	pg_conn *c;
	PGresult *res;
	sj_rc rc = SJ_OK;

	if ((rc = pg_open(url, shown, 0, &conn, e)) != SJ_OK)
		return rc;
	c = conn;
	res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(c, res, e);
	else if (v)
		*v = PQntuples(res) > 0 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	pg_close(c);
	return rc;
}

static sj_rc
pg_exists(const char *url, const char *shown, bool *exists, sj_err *e)
{
	int64_t n = 0;
	sj_rc rc = pg_oneshot(url, shown, "SELECT count(*) FROM pg_catalog.pg_tables"
	    " WHERE schemaname = current_schema()", &n, e);

	*exists = n > 0;
	return rc;
}

/* Everything in the current schema goes; the schema itself stays, with its
 * owner and grants. */
static sj_rc
pg_destroy(const char *url, const char *shown, sj_err *e)
{
	return pg_oneshot(url, shown,
	    "DO $$ DECLARE r record; BEGIN"
	    " FOR r IN SELECT format('DROP %s IF EXISTS %I.%I CASCADE', CASE c.relkind"
	    "  WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'"
	    "  WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname) AS q"
	    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	    "  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
	    "  ORDER BY c.relkind = 'S'"  /* a table takes its identity sequences along */
	    " LOOP EXECUTE r.q; END LOOP;"
	    " FOR r IN SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) AS q"
	    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
	    "  WHERE n.nspname = current_schema()"
	    " LOOP EXECUTE r.q; END LOOP;"
	    " END $$", NULL, e);
}

/* Before a statement: reset a broken connection once, unless a
 * transaction was open on it.  Outside a transaction, first read what the
 * server may have sent meanwhile: a server that shut down or restarted has
 * closed the connection, and the statement then goes to the new server
 * instead of failing.  The settings come back with the session; prepared
 * statements are prepared again on their next use. */
sj_rc
pg_conn_ready(pg_conn *c, sj_err *e)
{
	struct pollfd fd = { .fd = PQsocket(c->pg), .events = POLLIN };
	sj_rc rc;

	/* Statements sent ahead are answered first (they are part of the
	 * transaction this statement continues). */
	if (c->pending > 0 && (rc = pg_pipe_flush(c, e)) != SJ_OK)
		return rc;
	/* An idle connection has nothing to read; a closed one has the
	 * server's goodbye and then the end of the stream. */
	for (int i = 0; i < 4 && !c->in_tx && PQstatus(c->pg) == CONNECTION_OK &&
	    poll(&fd, 1, 0) == 1; i++)
		if (!PQconsumeInput(c->pg))
			break;
	if (PQstatus(c->pg) == CONNECTION_OK)
		return SJ_OK;
	if (c->in_tx)
		return sj_fail(e, SJ_EUNAVAIL, NULL, "database: the connection was lost inside a "
		    "transaction; it is rolled back");
	PQreset(c->pg);
	c->generation++;
	if (PQstatus(c->pg) != CONNECTION_OK)
		return pg_fail(c, NULL, e);
	log_info("postgres: reconnected");
	return session_setup(c, c->flags, e);
}

sj_rc
pg_exec(void *conn, const char *sql, sj_err *e)
{
	pg_conn *c = conn;
	PGresult *res;
	ExecStatusType st;
	sj_rc rc = SJ_OK;

	/* The rollback of a transaction the server already dropped with the
	 * connection succeeds: there is nothing left to undo. */
	if (PQstatus(c->pg) != CONNECTION_OK && c->in_tx && strcmp(sql, "ROLLBACK") == 0) {
		c->in_tx = false;
		c->pending = 0;
		return SJ_OK;
	}
	if (strcmp(sql, "COMMIT") == 0)
		return pg_commit(c, e);
	if (strcmp(sql, "ROLLBACK") == 0)
		pg_pipe_flush(c, NULL);  /* whatever failed there is undone now */
	if ((rc = pg_conn_ready(c, e)) != SJ_OK)
		return rc;
	res = PQexec(c->pg, sql);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		pg_track_changes(c, res);
	else
		rc = pg_fail(c, res, e);
	PQclear(res);
	pg_track_tx(c);
	return rc;
}

/* ---- statements ------------------------------------------------------------- */

/* The length of the dollar-quote tag at p ("$$" or "$tag$"), or 0. */
static size_t
dollar_tag(const char *p)
{
	size_t n = 1;

	if (p[0] != '$')
		return 0;
	if (isdigit((unsigned char)p[1]))
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return p[n] == '$' ? n + 1 : 0;
}

/* The rewritten SQL of a statement, and its probe: the same text with
 * each `?N IS [NOT] NULL` turned into TRUE (see stmt_prepare). */
#define PG_MAX_PARAMS 999

typedef struct rewrite {
	char *sql, *o;
	char *probe, *po;
	bool has_probe;
	int n_max;          /* the highest N */
	bool used[PG_MAX_PARAMS + 1];        /* ?N occurs */
	bool probe_used[PG_MAX_PARAMS + 1];  /* ?N occurs in the probe */
} rewrite;

static void
emit(rewrite *w, const char *p, size_t n)
{
	memcpy(w->o, p, n);
	w->o += n;
	memcpy(w->po, p, n);
	w->po += n;
}

/* The length of `IS NULL` or `IS NOT NULL` (with the space before it) at
 * p, or 0. */
static size_t
is_null_phrase(const char *p)
{
	const char *q = p;

	if (!isspace((unsigned char)*q))
		return 0;
	while (isspace((unsigned char)*q))
		q++;
	if (strncasecmp(q, "IS", 2) != 0 || !isspace((unsigned char)q[2]))
		return 0;
	for (q += 2; isspace((unsigned char)*q); q++)
		;
	if (strncasecmp(q, "NOT", 3) == 0 && isspace((unsigned char)q[3]))
		for (q += 3; isspace((unsigned char)*q); q++)
			;
	if (strncasecmp(q, "NULL", 4) != 0 || isalnum((unsigned char)q[4]) || q[4] == '_')
		return 0;
	return (size_t)(q + 4 - p);
}

/* The length of the literal, quoted name, comment or dollar-quoted body
 * starting at p, or 0 when none starts there. */
static size_t
skip_quoted(const char *p)
{
	const char *q, *end = NULL;
	size_t tag;

	if (*p == '\'' || *p == '"') {
		/* Up to the closing quote; a doubled quote stays inside. */
		for (q = p + 1; *q && (*q != *p || q[1] == *p); q++)
			if (*q == *p)
				q++;
		return (size_t)(q - p) + (*q ? 1 : 0);
	}
	if (p[0] == '-' && p[1] == '-')
		return strcspn(p, "\n");
	if (p[0] == '/' && p[1] == '*') {
		end = strstr(p + 2, "*/");
		return end ? (size_t)(end + 2 - p) : strlen(p);
	}
	if ((tag = dollar_tag(p)) == 0)
		return 0;
	for (q = p + tag; (q = strchr(q, '$')) != NULL; q++)
		if (strncmp(q, p, tag) == 0)
			return (size_t)(q + tag - p);
	return strlen(p);
}

/* Rewrite ?N to $N outside literals, identifiers and comments into w (the
 * caller frees w->sql and w->probe).  Fails (SJ_EINTERNAL) when a
 * parameter has no number. */
static sj_rc
rewrite_params(const char *sql, rewrite *w, sj_err *e)
{
	size_t len;
	const char *p = sql, *digits;
	int n;

	memset(w, 0, sizeof *w);
	w->sql = w->o = sj_malloc(strlen(sql) + 1);
	w->probe = w->po = sj_malloc(strlen(sql) + 1);
	while (*p) {
		if ((len = skip_quoted(p)) > 0) {
			emit(w, p, len);
			p += len;
			continue;
		}
		if (*p != '?') {
			emit(w, p++, 1);
			continue;
		}
		digits = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		n = p > digits && p - digits <= 3 ? atoi(digits) : 0;
		if (n < 1) {
			free(w->sql);
			free(w->probe);
			w->sql = w->probe = NULL;
			return sj_fail(e, SJ_EINTERNAL, NULL, "SQL parameter without a number in 1..%d "
			    "(write ?1, ?2, ...): %.60s", PG_MAX_PARAMS, sql);
		}
		if (n > w->n_max)
			w->n_max = n;
		w->used[n] = true;
		*w->o++ = '$';
		memcpy(w->o, digits, (size_t)(p - digits));
		w->o += p - digits;
		if ((len = is_null_phrase(p)) > 0) {
			memcpy(w->o, p, len);
			w->o += len;
			p += len;
			memcpy(w->po, " TRUE", 5);
			w->po += 5;
			w->has_probe = true;
		} else {
			*w->po++ = '$';
			memcpy(w->po, digits, (size_t)(p - digits));
			w->po += p - digits;
			w->probe_used[n] = true;
		}
	}
	*w->o = *w->po = '\0';
	return SJ_OK;
}

/* Prepare sql under st->name with st->types (0: the server types that
 * parameter from its uses) and read the types it settled on back. */
static sj_rc
prepare_as(pg_stmt *st, const char *sql, sj_err *e)
{
	pg_conn *c = st->c;
	PGresult *res;
	sj_rc rc = SJ_OK;

	res = PQprepare(c->pg, st->name, sql, st->n_params, st->types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_fail(c, res, e);
		PQclear(res);
		pg_track_tx(c);
		return rc;
	}
	PQclear(res);
	res = PQdescribePrepared(c->pg, st->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(c, res, e);
	else if (PQnparams(res) != st->n_params)
		rc = sj_fail(e, SJ_EINTERNAL, NULL, "database: %d parameters prepared, %d expected",
		    PQnparams(res), st->n_params);
	else
		for (int i = 0; i < st->n_params; i++)
			st->types[i] = PQparamtype(res, i);
	PQclear(res);
	pg_track_tx(c);
	return rc;
}

static sj_rc
deallocate(pg_stmt *st, sj_err *e)
{
	char sql[40];
	PGresult *res;
	sj_rc rc;

	snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
	res = PQexec(st->c->pg, sql);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ? SJ_OK : pg_fail(st->c, res, e);
	PQclear(res);
	return rc;
}

/* Prepare the statement on the current connection with st->types.
 *
 * The first time, most types are left to the server, which types a
 * parameter from its uses; two kinds of statement SQLite takes need help.
 * A number no ?N uses (a statement that binds the scope's ?1..?3 but tests
 * only ?1 and ?2) is typed text.  And `?4 IS NULL` does not show a type:
 * `(?4 IS NULL OR kind = ?4)`, an optional filter, fails unless the
 * statement is first prepared as its probe, where `?N IS NULL` reads TRUE,
 * so that the other uses type every parameter; the statement itself is
 * then prepared with those types. */
static sj_rc
stmt_prepare(pg_stmt *st, sj_err *e)
{
	sj_rc rc;

	if (st->probe) {
		if ((rc = prepare_as(st, st->probe, e)) != SJ_OK || (rc = deallocate(st, e)) != SJ_OK)
			return rc;
		free(st->probe);
		st->probe = NULL;
	}
	if ((rc = prepare_as(st, st->sql, e)) == SJ_OK)
		st->generation = st->c->generation;
	return rc;
}

/* Whether parameter i (0-based) is bound to an integer out of the range of
 * the int2 or int4 the server typed it. */
static bool
param_overflows(const pg_stmt *st, int i)
{
	const pg_param *p = &st->params[i];
	int64_t lim = st->types[i] == OID_INT2 ? INT16_MAX : INT32_MAX;

	return (st->types[i] == OID_INT2 || st->types[i] == OID_INT4) && p->is_int &&
	    st->values[i] != NULL && (p->ival > lim || p->ival < -lim - 1);
}

/* Integers are 64-bit in sijin, as in SQLite.  When a parameter the server
 * typed int2 or int4 (from `?1 = 0`, `0 - ?2`) is bound to a value out of
 * that range, prepare the statement again with int8 there, once. */
static sj_rc
stmt_widen(pg_stmt *st, sj_err *e)
{
	bool widen = false;
	sj_rc rc;

	for (int i = 0; i < st->n_params; i++)
		if (param_overflows(st, i)) {
			st->types[i] = OID_INT8;
			widen = true;
		}
	if (!widen)
		return SJ_OK;
	if ((rc = deallocate(st, e)) != SJ_OK)
		return rc;
	return stmt_prepare(st, e);
}

static void
stmt_free(pg_stmt *st)
{
	if (st == NULL)
		return;
	PQclear(st->res);
	/* params is NULL when the first prepare failed (the server was
	 * unreachable): pg_prepare frees st before making it. */
	for (int i = 0; st->params && i < st->n_params; i++)
		free(st->params[i].buf);
	free(st->params);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->types);
	free(st->sql);
	free(st->probe);
	free(st);
}

static sj_rc
pg_prepare(void *conn, const char *sql, void **stmt, sj_err *e)
{
	pg_conn *c = conn;
	pg_stmt *st = sj_calloc(1, sizeof *st);
	rewrite w;
	sj_rc rc;

	st->c = c;
	if ((rc = rewrite_params(sql, &w, e)) != SJ_OK) {
		free(st);
		return rc;
	}
	st->sql = w.sql;
	if (w.has_probe)
		st->probe = w.probe;
	else
		free(w.probe);
	st->n_params = w.n_max;
	st->types = sj_calloc((size_t)st->n_params + 1, sizeof *st->types);
	for (int i = 1; i <= st->n_params; i++)
		if (!(w.has_probe ? w.probe_used[i] : w.used[i]))
			st->types[i - 1] = OID_TEXT;
	snprintf(st->name, sizeof st->name, "sj%u", ++c->next_name);
	if ((rc = pg_conn_ready(c, e)) != SJ_OK || (rc = stmt_prepare(st, e)) != SJ_OK) {
		stmt_free(st);
		return rc;
	}
	st->params = sj_calloc((size_t)st->n_params + 1, sizeof *st->params);
	st->values = sj_calloc((size_t)st->n_params + 1, sizeof *st->values);
	st->lengths = sj_calloc((size_t)st->n_params + 1, sizeof *st->lengths);
	st->formats = sj_calloc((size_t)st->n_params + 1, sizeof *st->formats);
	*stmt = st;
	return SJ_OK;
}

/* Statements live as long as their connection: store.c finalises them
 * only when it closes the connection, which ends them on the server too. */
static void
pg_finalize(void *stmt)
{
	stmt_free(stmt);
}

/* Whether the statement has parameter i (1-based).  Binding one it lacks
 * is ignored, as SQLite does: scope_bind() binds ?1..?3 whatever the
 * statement uses. */
static bool
param_used(const pg_stmt *st, int i)
{
	assert(i >= 1);
	return i <= st->n_params;
}

/* Set parameter i (1-based, used) to n bytes of storage in the given
 * format; returns the storage. */
static char *
param_set(pg_stmt *st, int i, size_t n, int format)
{
	pg_param *p = &st->params[i - 1];

	p->is_int = false;
	if (p->cap < n + 1) {
		p->cap = n + 1 > 32 ? n + 1 : 32;
		p->buf = sj_realloc(p->buf, p->cap);
	}
	st->values[i - 1] = p->buf;
	st->lengths[i - 1] = format ? (int)n : 0;
	st->formats[i - 1] = format;
	return p->buf;
}

static void
pg_bind_null(void *stmt, int i)
{
	pg_stmt *st = stmt;

	if (param_used(st, i))
		st->values[i - 1] = NULL;
}

static void
pg_bind_int(void *stmt, int i, int64_t v)
{
	pg_stmt *st = stmt;

	if (!param_used(st, i))
		return;
	snprintf(param_set(st, i, 24, 0), 24, "%lld", (long long)v);
	st->params[i - 1].is_int = true;
	st->params[i - 1].ival = v;
}

static void
pg_bind_text(void *stmt, int i, const char *v)
{
	pg_stmt *st = stmt;
	size_t n;

	if (v == NULL)
		pg_bind_null(stmt, i);
	else if (param_used(st, i)) {
		n = strlen(v);
		memcpy(param_set(st, i, n, 0), v, n + 1);
	}
}

static void
pg_bind_blob(void *stmt, int i, const void *p, size_t n)
{
	pg_stmt *st = stmt;

	if (p == NULL)
		pg_bind_null(stmt, i);
	else if (param_used(st, i)) {
		assert(n <= 0x7fffffff);
		memcpy(param_set(st, i, n, 1), p, n);
	}
}

void
pg_reset(void *stmt)
{
	pg_stmt *st = stmt;

	PQclear(st->res);
	st->res = NULL;
	st->row = st->n_rows = 0;
	for (int i = 0; i < st->n_params; i++)
		st->values[i] = NULL;
}

/* Whether st can be sent as it is: prepared on this connection, no
 * parameter to widen (stmt_widen). */
bool
pg_stmt_ready(const pg_stmt *st)
{
	if (st->generation != st->c->generation)
		return false;
	for (int i = 0; i < st->n_params; i++)
		if (param_overflows(st, i))
			return false;
	return true;
}

/* Run the statement with its bindings; keep the rows in st->res. */
static sj_rc
stmt_execute(pg_stmt *st, sj_err *e)
{
	pg_conn *c = st->c;
	PGresult *res;
	sj_rc rc;

	if (c->pending > 0 && PQstatus(c->pg) == CONNECTION_OK && pg_stmt_ready(st)) {
		/* Behind the statements sent ahead, in the same round trip. */
		if (!PQsendQueryPrepared(c->pg, st->name, st->n_params, st->values, st->lengths,
		    st->formats, 1) || !PQpipelineSync(c->pg)) {
			c->pending = 0;
			return pg_fail(c, NULL, e);
		}
		rc = pg_pipe_collect(c, st, true, NULL, 0, e);
		if (rc != SJ_OK) {
			PQclear(st->res);
			st->res = NULL;
		}
		return rc;
	}
	if ((rc = pg_conn_ready(c, e)) != SJ_OK)
		return rc;
	if (st->generation != c->generation && (rc = stmt_prepare(st, e)) != SJ_OK)
		return rc;
	if ((rc = stmt_widen(st, e)) != SJ_OK)
		return rc;
	res = PQexecPrepared(c->pg, st->name, st->n_params, st->values, st->lengths,
	    st->formats, 1);
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
		pg_track_changes(c, res);
		st->res = res;
		st->n_rows = PQntuples(res);
		st->row = -1;
		break;
	case PGRES_COMMAND_OK:
		pg_track_changes(c, res);
		PQclear(res);
		break;
	default:
		rc = pg_fail(c, res, e);
		PQclear(res);
	}
	pg_track_tx(c);
	return rc;
}

sj_rc
pg_step(void *conn, void *stmt, bool *row, sj_err *e)
{
	pg_stmt *st = stmt;
	sj_rc rc;

	(void)conn;
	*row = false;
	if (st->res == NULL) {
		if ((rc = stmt_execute(st, e)) != SJ_OK) {
			pg_reset(st);
			return rc;
		}
		if (st->res == NULL) {
			pg_reset(st);
			return SJ_OK;
		}
	}
	if (++st->row < st->n_rows) {
		*row = true;
		return SJ_OK;
	}
	pg_reset(st);
	return SJ_OK;
}

/* ---- columns ------------------------------------------------------------------ */

static bool
col_ok(const pg_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->n_rows && i >= 0 && i < PQnfields(st->res);
}

static uint64_t
be_uint(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int k = 0; k < n; k++)
		v = v << 8 | p[k];
	return v;
}

/* The integer part of a binary numeric: int16 ndigits, weight, sign,
 * dscale, then ndigits base-10000 digits, the first of weight `weight`. */
static int64_t
numeric_int(const unsigned char *p, int len)
{
	int ndigits, weight, sign;
	int64_t v = 0;

	if (len < 8)
		return 0;
	ndigits = (int16_t)be_uint(p, 2);
	weight = (int16_t)be_uint(p + 2, 2);
	sign = (int)be_uint(p + 4, 2);
	if (sign == 0xC000 || len < 8 + 2 * ndigits)
		return 0;
	for (int k = 0; k <= weight; k++)
		v = v * 10000 + (k < ndigits ? (int64_t)be_uint(p + 8 + 2 * k, 2) : 0);
	return sign == 0x4000 ? -v : v;
}

static int64_t
pg_col_int(void *stmt, int i)
{
	pg_stmt *st = stmt;
	const unsigned char *p;
	int len;
	union { uint32_t u; float f; } f4;
	union { uint64_t u; double d; } f8;

	if (!col_ok(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	p = (const unsigned char *)PQgetvalue(st->res, st->row, i);
	len = PQgetlength(st->res, st->row, i);
	switch (PQftype(st->res, i)) {
	case OID_INT8: return len == 8 ? (int64_t)be_uint(p, 8) : 0;
	case OID_INT4: return len == 4 ? (int32_t)be_uint(p, 4) : 0;
	case OID_INT2: return len == 2 ? (int16_t)be_uint(p, 2) : 0;
	case OID_OID: return len == 4 ? (int64_t)be_uint(p, 4) : 0;
	case OID_BOOL: return len == 1 && p[0] != 0;
	case OID_NUMERIC: return numeric_int(p, len);
	case OID_FLOAT4:
		f4.u = (uint32_t)be_uint(p, 4);
		return len == 4 ? (int64_t)f4.f : 0;
	case OID_FLOAT8:
		f8.u = be_uint(p, 8);
		return len == 8 ? (int64_t)f8.d : 0;
	case OID_TEXT: case OID_VARCHAR: case OID_BPCHAR: case OID_NAME:
		return strtoll((const char *)p, NULL, 10);
	default:
		return 0;
	}
}

static const char *
pg_col_text(void *stmt, int i)
{
	pg_stmt *st = stmt;

	if (!col_ok(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	switch (PQftype(st->res, i)) {
	case OID_INT8: case OID_INT4: case OID_INT2: case OID_OID: case OID_BOOL:
	case OID_NUMERIC: case OID_FLOAT4: case OID_FLOAT8:
		snprintf(st->num, sizeof st->num, "%lld", (long long)pg_col_int(stmt, i));
		return st->num;
	default:
		return PQgetvalue(st->res, st->row, i);
	}
}

static const void *
pg_col_blob(void *stmt, int i, size_t *n)
{
	pg_stmt *st = stmt;

	*n = 0;
	if (!col_ok(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	*n = (size_t)PQgetlength(st->res, st->row, i);
	return *n ? PQgetvalue(st->res, st->row, i) : NULL;
}

static bool
pg_col_is_null(void *stmt, int i)
{
	pg_stmt *st = stmt;

	return !col_ok(st, i) || PQgetisnull(st->res, st->row, i);
}

static int64_t
pg_changes(void *conn)
{
	return ((pg_conn *)conn)->changes;
}

/* store_backup(): a PostgreSQL database is copied with its own tools. */
static sj_rc
pg_backup(void *conn, const char *path, store_backup_cb cb, void *cls, int64_t *pages,
    sj_err *e)
{
	(void)conn, (void)path, (void)cb, (void)cls, (void)pages;
	return sj_fail(e, SJ_EINVAL, "db", "backup is not supported on PostgreSQL; use pg_dump "
	    "(docs/backup.md)");
}

/* ---- COPY (store_bulk_*) ---------------------------------------------------- */

static sj_rc
pg_copy_begin(void *conn, const char *sql, sj_err *e)
{
	pg_conn *c = conn;
	PGresult *res;
	sj_rc rc = SJ_OK;

	if ((rc = pg_conn_ready(c, e)) != SJ_OK)
		return rc;
	res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = pg_fail(c, res, e);
	PQclear(res);
	return rc;
}

static sj_rc
pg_copy_put(void *conn, const char *p, size_t n, sj_err *e)
{
	pg_conn *c = conn;

	if (PQputCopyData(c->pg, p, (int)n) != 1)
		return pg_fail(c, NULL, e);
	return SJ_OK;
}

static sj_rc
pg_copy_end(void *conn, bool failed, int64_t *n_rows, sj_err *e)
{
	pg_conn *c = conn;
	PGresult *res;
	sj_rc rc = SJ_OK;

	if (PQputCopyEnd(c->pg, failed ? "abandoned" : NULL) != 1)
		rc = pg_fail(c, NULL, e);
	while ((res = PQgetResult(c->pg)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			if (n_rows)
				*n_rows = strtoll(PQcmdTuples(res), NULL, 10);
		} else if (rc == SJ_OK && !failed)
			rc = pg_fail(c, res, e);
		PQclear(res);
	}
	pg_track_tx(c);
	return failed ? SJ_EDB : rc;
}

const store_driver store_pg_driver = {
	.name = "postgres",
	.dialect = STORE_POSTGRES,
	.open = pg_open,
	.close = pg_close,
	.exists = pg_exists,
	.destroy = pg_destroy,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_is_null = pg_col_is_null,
	.reset = pg_reset,
	.changes = pg_changes,
	.begin_sql = PG_BEGIN_SQL,
	.backup = pg_backup,
	.listen = pg_listen,
	.wait = pg_wait,
	.copy_begin = pg_copy_begin,
	.copy_put = pg_copy_put,
	.copy_end = pg_copy_end,
	.run_deferred = pg_run_deferred,
	.sync = pg_sync,
};
