/*
 * pg_notify — LISTEN/NOTIFY of the PostgreSQL driver (store_listen,
 * store_wait): how one sijin hears of the rows another wrote.  A
 * notification's payload is one or more lines, each handed to the
 * caller's callback; a lost listening connection is reported, never
 * silently reset (the notifications sent meanwhile are gone).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "store/pg_int.h"

/* store_listen(): LISTEN on this session. */
sj_rc
pg_listen(void *conn, const char *channel, sj_err *e)
{
	char sql[256], *o = sql;

	/* A quoted identifier: its '"' doubled. */
	o += sprintf(o, "LISTEN \"");
	for (const char *p = channel; *p && o < sql + sizeof sql - 4; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	strcpy(o, "\"");
	return pg_exec(conn, sql, e);
}

/* Hand each line of each notification libpq holds to cb. */
static void
pg_deliver(pg_conn *c, store_line_cb cb, void *cls)
{
	PGnotify *n;

	while ((n = PQnotifies(c->pg)) != NULL) {
		for (char *line = n->extra, *nl; line && *line; line = nl ? nl + 1 : NULL) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl = '\0';
			cb(cls, line);
		}
		PQfreemem(n);
	}
}

/* store_wait(): poll the socket, read what came, deliver.  A lost
 * connection is reported, not reset: the notifications sent meanwhile
 * are gone and the caller must read everything again. */
sj_rc
pg_wait(void *conn, int timeout_ms, store_line_cb cb, void *cls, sj_err *e)
{
	pg_conn *c = conn;
	struct pollfd fd = { .fd = PQsocket(c->pg), .events = POLLIN };

	pg_deliver(c, cb, cls);
	if (PQstatus(c->pg) == CONNECTION_OK && fd.fd >= 0 && poll(&fd, 1, timeout_ms) < 0 &&
	    errno != EINTR)
		return sj_fail(e, SJ_EUNAVAIL, NULL, "database: cannot wait for notifications");
	if (PQstatus(c->pg) != CONNECTION_OK || !PQconsumeInput(c->pg) ||
	    PQstatus(c->pg) != CONNECTION_OK)
		return sj_fail(e, SJ_EUNAVAIL, NULL, "database: the listening connection was lost");
	pg_deliver(c, cb, cls);
	return SJ_OK;
}
