/*
 * conn_guard — deadlines on request headers (http/conn_guard.h).
 *
 * Invariants: every connection libmicrohttpd announced and has not yet
 * closed is on the list, exactly once; `waiting_since` is 0 while the
 * connection is in a request, else the monotonic instant (ns) it began to
 * wait; the lock guards the list and every field of its entries.
 */
#include "http/conn_guard.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "http/metrics.h"

/* libmicrohttpd's idle clock starts at its last byte sent or received, a
 * little before the guard's (the connection notification, on_completed):
 * under load (a sanitizer build on a busy CI machine) by more than 100 ms.
 * Its idle timeout is therefore set CONN_GUARD_IDLE_EXTRA_S longer than
 * the guard's limit (server.c), so that the guard, which shuts the socket
 * and knows it did, is the one that closes a waiting connection; a close
 * by libmicrohttpd's own timeout is still counted when the guard saw the
 * connection wait the limit, less this slack. */
#define IDLE_SLACK_NS 100000000

typedef struct watched {
	struct watched *prev, *next;
	int fd;
	int64_t waiting_since;     /* ns, CLOCK_MONOTONIC; 0: in a request */
	bool shut;                 /* shut down once already */
	bool served;               /* has had a request */
} watched;

struct conn_guard {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	int64_t limit_ns;
	watched *head;
	unsigned long closed;
};

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
sweep(conn_guard *g)
{
	int64_t now = mono_ns();

	for (watched *w = g->head; w; w = w->next)
		if (w->waiting_since && !w->shut && now - w->waiting_since > g->limit_ns) {
			/* Counted before the socket is shut: the client sees the
			 * close at once and may read /metrics on another
			 * connection before libmicrohttpd's thread has cleaned
			 * this one up (tests/api/slow.test.mjs under ASan). */
			metrics_idle_closed(!w->served);
			log_info("http: a connection closed after %lld s without a request since %s",
			    (long long)(g->limit_ns / 1000000000), w->served ? "its last answer" : "accept");
			/* libmicrohttpd's thread sees end of file and closes it. */
			shutdown(w->fd, SHUT_RDWR);
			w->shut = true;
			g->closed++;
			/* An idle keep-alive connection (after an answer) is
			 * ordinary; one that never finished a request may be a
			 * slow-loris client. */
			if (!w->served)
				log_warn("http: a connection's request headers took over %lld s; closed",
				    (long long)(g->limit_ns / 1000000000));
		}
}

static void *
sweeper(void *arg)
{
	conn_guard *g = arg;
	struct timespec until;

	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += CONN_GUARD_TICK_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&g->wake, &g->lock, &until);
		if (!g->stopping)
			sweep(g);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

conn_guard *
conn_guard_start(int limit_s)
{
	conn_guard *g = sj_calloc(1, sizeof *g);

	g->limit_ns = (int64_t)(limit_s > 0 ? limit_s : 1) * 1000000000;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	if (pthread_create(&g->thread, NULL, sweeper, g) != 0) {
		log_error("http: cannot start the connection guard thread");
		abort();
	}
	return g;
}

void
conn_guard_stop(conn_guard *g)
{
	watched *w, *next;

	if (g == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	for (w = g->head; w; w = next) {
		next = w->next;
		free(w);
	}
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void
conn_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	conn_guard *g = cls;
	watched *w;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL)
			return;
		w = sj_calloc(1, sizeof *w);
		w->fd = ci->connect_fd;
		w->waiting_since = mono_ns();
		pthread_mutex_lock(&g->lock);
		w->next = g->head;
		if (g->head)
			g->head->prev = w;
		g->head = w;
		pthread_mutex_unlock(&g->lock);
		*socket_context = w;
		return;
	}
	if ((w = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	/* Closed by libmicrohttpd's idle timeout (rarely before the guard,
	 * see IDLE_SLACK_NS) with no request in: counted, as a client only
	 * sees its connection closed (wrk: a read error).  The guard's own
	 * closes were counted when it shut them (sweep). */
	if (!w->shut && w->waiting_since &&
	    mono_ns() - w->waiting_since >= g->limit_ns - IDLE_SLACK_NS) {
		metrics_idle_closed(!w->served);
		log_info("http: a connection closed after %lld s without a request since %s",
		    (long long)(g->limit_ns / 1000000000), w->served ? "its last answer" : "accept");
	}
	if (w->prev)
		w->prev->next = w->next;
	else
		g->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&g->lock);
	free(w);
	*socket_context = NULL;
}

static void
set_waiting(conn_guard *g, struct MHD_Connection *conn, int64_t since)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	watched *w = ci ? ci->socket_context : NULL;

	if (w == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	w->waiting_since = since;
	if (since == 0)
		w->served = true;
	pthread_mutex_unlock(&g->lock);
}

void
conn_guard_request_begins(conn_guard *g, struct MHD_Connection *conn)
{
	set_waiting(g, conn, 0);
}

void
conn_guard_request_ends(conn_guard *g, struct MHD_Connection *conn)
{
	set_waiting(g, conn, mono_ns());
}

unsigned long
conn_guard_closed_count(conn_guard *g)
{
	unsigned long n;

	pthread_mutex_lock(&g->lock);
	n = g->closed;
	pthread_mutex_unlock(&g->lock);
	return n;
}
