/*
 * conn_guard — a time limit on request headers (issue 3 "limits on ...
 * request time"; issue 10 "slow requests (slow-loris style) do not starve
 * other clients").
 *
 * libmicrohttpd's connection timeout is an idle timeout: every byte
 * received restarts it, so a client that drips a header line every few
 * seconds keeps a connection (and its slot in max-connections and the
 * per-address limit) for as long as it likes.  The guard gives the headers
 * of each request a deadline: a connection is "waiting" from the moment it
 * is accepted, and again from the moment its previous request completed;
 * once its request's headers are in (the first on_access call) it is "in
 * a request" and the guard leaves it alone (the body has its own bound in
 * server.c, a reply or stream is the server's).  A connection waiting
 * longer than limit_s seconds is shut down (shutdown(2), both ways), and
 * libmicrohttpd then closes it as a client that went away.  An idle
 * keep-alive connection is one that waits, so it ends after limit_s
 * seconds.  libmicrohttpd's own idle timeout is set
 * CONN_GUARD_IDLE_EXTRA_S seconds longer (server.c): it ends connections
 * stalled inside a request (a body that stopped), and leaves waiting ones
 * to the guard, which knows it closed them.
 *
 * A connection closed after waiting limit_s seconds is counted in /metrics
 * (metrics_idle_closed: since accept, or since its last answer) and logged
 * at info level: by the guard just before it shuts the socket (so a client
 * that sees the close and reads /metrics finds it counted), or, if
 * libmicrohttpd's idle timeout ever comes first, when that connection is
 * forgotten.  A connection that never finished a request is also logged
 * as a warning (a slow-loris client, or an idle pre-connection).
 *
 * A sweeper thread checks every CONN_GUARD_TICK_MS.  libmicrohttpd calls
 * the connection notification (closed) before it closes the socket, and
 * the guard forgets a connection under the same lock it shuts sockets
 * down with, so a socket number reused by a newer connection is never
 * touched.
 */
#ifndef SJ_HTTP_CONN_GUARD_H
#define SJ_HTTP_CONN_GUARD_H

#include <microhttpd.h>

#define CONN_GUARD_TICK_MS 250
/* Seconds libmicrohttpd's idle timeout exceeds the guard's limit: more
 * than a tick, so the guard closes a waiting connection first. */
#define CONN_GUARD_IDLE_EXTRA_S 1

typedef struct conn_guard conn_guard;

/* A guard with a limit of limit_s (≥ 1) seconds on waiting connections,
 * and its sweeper thread.  Free with conn_guard_stop.  Aborts when the
 * thread cannot be made (as out of memory does). */
conn_guard *conn_guard_start(int limit_s);

/* Stop the sweeper and free the guard (after libmicrohttpd has stopped:
 * every connection is then closed).  Accepts NULL. */
void conn_guard_stop(conn_guard *g);

/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback; cls is the guard.
 * STARTED registers the connection as waiting (in *socket_context);
 * CLOSED forgets it. */
void conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code);

/* The connection's request headers are in: it no longer waits. */
void conn_guard_request_begins(conn_guard *g, struct MHD_Connection *conn);

/* The connection's request has completed: it waits for the next one. */
void conn_guard_request_ends(conn_guard *g, struct MHD_Connection *conn);

/* How many connections the guard has shut down so far (for the log and
 * tests). */
unsigned long conn_guard_closed_count(conn_guard *g);

#endif
