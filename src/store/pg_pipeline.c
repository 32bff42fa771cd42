/*
 * pg_pipeline — pipeline mode of the PostgreSQL driver (store_defer_writes):
 * statements of store_run sent without waiting for their answers, and the
 * reading of those answers with the next statement that needs one (a read,
 * COMMIT, or an explicit sync).  The rules are in the invariants at the top
 * of pg.c ("Pipeline mode"); c->pending counts what is sent and unread.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"

#include "store/pg_int.h"

/* Deferred statements (pg_run_deferred) sent before their results are read:
 * each result waits in the server's socket buffer until the next Sync, and
 * a full buffer would stall the server while it still reads ours. */
#define PG_PIPELINE_MAX 256

/* The answers read did not match what was counted as sent: the Sync's
 * answer did not come where it was due, or libpq still had results after it
 * and would not leave pipeline mode.  Seen once, with PostgreSQL stopped
 * under load (libpq then said "cannot exit pipeline mode while busy", and
 * the connection, stuck in pipeline mode, refused every later statement).
 * Nothing read from such a connection can be trusted, so it is closed as a
 * lost one: its socket is shut, libpq reads the end of the stream and marks
 * it CONNECTION_BAD, the transaction fails with SJ_EUNAVAIL (a 503 to the
 * client, which may send again with its idempotency key), its ROLLBACK
 * succeeds (pg_exec), and the next statement outside a transaction
 * reconnects (pg_conn_ready). */
static sj_rc
pipe_lost_step(pg_conn *c, sj_err *e)
{
	char why[160];

	snprintf(why, sizeof why, "%s", PQerrorMessage(c->pg));
	why[strcspn(why, "\r\n")] = '\0';
	log_warn("postgres: the pipeline's answers lost step (%s); the connection is closed "
	    "and opened again", why[0] ? why : "the Sync's answer was missing");
	c->pending = 0;
	shutdown(PQsocket(c->pg), SHUT_RDWR);
	/* What the kernel still held is read first, then the end. */
	for (int i = 0; i < 64 && PQstatus(c->pg) == CONNECTION_OK; i++)
		if (!PQconsumeInput(c->pg))
			break;
	return sj_fail(e, SJ_EUNAVAIL, NULL, "database: the connection's pipeline lost step; "
	    "it is closed and opened again");
}

/* Read the results of everything sent in pipeline mode up to the Sync
 * just sent: first the c->pending deferred statements, then, when last is
 * not NULL, the one statement sent after them, whose rows go to last->res
 * (NULL: a command, e.g. COMMIT, whose tag goes to *tag).  Then leave
 * pipeline mode.  The first failure is returned: a deferred statement's
 * (the later ones, last included, were then skipped by the server:
 * PGRES_PIPELINE_ABORTED), else last's.  A lost connection is SJ_EUNAVAIL;
 * the pipeline is then dropped with it (PQreset starts afresh); so are
 * answers that do not match what was sent (pipe_lost_step). */
sj_rc
pg_pipe_collect(pg_conn *c, pg_stmt *last, bool has_last, char *tag, size_t n_tag, sj_err *e)
{
	int queries = c->pending + (has_last ? 1 : 0);
	PGresult *res;
	bool synced = false;
	sj_rc rc = SJ_OK;

	c->pending = 0;
	for (int q = 0; q < queries; q++) {
		bool is_last = has_last && q == queries - 1;

		while ((res = PQgetResult(c->pg)) != NULL) {
			switch (PQresultStatus(res)) {
			case PGRES_TUPLES_OK:
				pg_track_changes(c, res);
				if (is_last && last && rc == SJ_OK && last->res == NULL) {
					last->res = res;
					last->n_rows = PQntuples(res);
					last->row = -1;
					res = NULL;
				}
				break;
			case PGRES_COMMAND_OK:
				pg_track_changes(c, res);
				if (is_last && tag)
					snprintf(tag, n_tag, "%s", PQcmdStatus(res));
				break;
			case PGRES_PIPELINE_ABORTED:
				if (rc == SJ_OK)
					rc = sj_fail(e, SJ_EDB, NULL, "database: a statement sent ahead was "
					    "skipped after an earlier failure");
				break;
			default:
				if (rc == SJ_OK)
					rc = pg_fail(c, res, e);
			}
			PQclear(res);
			if (PQstatus(c->pg) != CONNECTION_OK)
				goto lost;
		}
		if (PQstatus(c->pg) != CONNECTION_OK)
			goto lost;
	}
	/* The Sync's own result, then the connection is idle again. */
	while ((res = PQgetResult(c->pg)) != NULL) {
		synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		PQclear(res);
		if (synced)
			break;
		if (PQstatus(c->pg) != CONNECTION_OK)
			goto lost;
	}
	if (PQstatus(c->pg) != CONNECTION_OK)
		goto lost;
	if (!synced || !PQexitPipelineMode(c->pg))
		return pipe_lost_step(c, e);
	pg_track_tx(c);
	return rc;
lost:
	return pg_fail(c, NULL, e);
}

/* Send a Sync after what is pending and read every result (pg_pipe_collect);
 * nothing to do when nothing is pending. */
sj_rc
pg_pipe_flush(pg_conn *c, sj_err *e)
{
	if (c->pending == 0)
		return SJ_OK;
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->pending = 0;
		return pg_fail(c, NULL, e);
	}
	if (!PQpipelineSync(c->pg)) {
		c->pending = 0;
		return pg_fail(c, NULL, e);
	}
	return pg_pipe_collect(c, NULL, false, NULL, 0, e);
}

/* The driver's sync (driver.h): read every answer still due. */
sj_rc
pg_sync(void *conn, sj_err *e)
{
	return pg_pipe_flush(conn, e);
}

/* COMMIT: behind the statements sent ahead, in the same round trip, when
 * there are any.  PostgreSQL answers the COMMIT of a transaction that
 * failed with a ROLLBACK tag; that is a failure here, never a success. */
sj_rc
pg_commit(pg_conn *c, sj_err *e)
{
	char tag[32] = "";
	PGresult *res;
	sj_rc rc;

	if (c->pending > 0 && PQstatus(c->pg) == CONNECTION_OK) {
		if (!PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) ||
		    !PQpipelineSync(c->pg)) {
			c->pending = 0;
			return pg_fail(c, NULL, e);
		}
		rc = pg_pipe_collect(c, NULL, true, tag, sizeof tag, e);
	} else {
		if ((rc = pg_conn_ready(c, e)) != SJ_OK)
			return rc;
		res = PQexec(c->pg, "COMMIT");
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			snprintf(tag, sizeof tag, "%s", PQcmdStatus(res));
		else
			rc = pg_fail(c, res, e);
		PQclear(res);
		pg_track_tx(c);
	}
	if (rc == SJ_OK && strcmp(tag, "COMMIT") != 0)
		rc = sj_fail(e, SJ_EDB, NULL, "database: the transaction was rolled back (%s)", tag);
	return rc;
}

/* store_run of a statement inside a transaction with store_defer_writes:
 * send it in pipeline mode and return without reading its result, which
 * pg_pipe_collect reads with the next statement that waits for one (or at
 * the PG_PIPELINE_MAX-th).  A statement still to be prepared (or widened)
 * runs at once instead, after the pending ones. */
sj_rc
pg_run_deferred(void *conn, void *stmt, sj_err *e)
{
	pg_conn *c = conn;
	pg_stmt *st = stmt;
	sj_rc rc = SJ_OK;
	bool row;

	if (PQstatus(c->pg) != CONNECTION_OK || !c->in_tx || !pg_stmt_ready(st)) {
		while ((rc = pg_step(conn, stmt, &row, e)) == SJ_OK && row)
			;
		return rc;
	}
	if (c->pending >= PG_PIPELINE_MAX && (rc = pg_pipe_flush(c, e)) != SJ_OK) {
		pg_reset(st);
		return rc;
	}
	if (PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF && !PQenterPipelineMode(c->pg))
		rc = pg_fail(c, NULL, e);
	else if (!PQsendQueryPrepared(c->pg, st->name, st->n_params, st->values, st->lengths,
	    st->formats, 1))
		rc = pg_fail(c, NULL, e);
	else
		c->pending++;
	pg_reset(st);
	return rc;
}
