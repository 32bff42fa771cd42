/*
 * stream — replies streamed for as long as they last (server-sent events)
 * on libmicrohttpd's thread pool, without holding a thread per stream.
 *
 * A stream's body comes from libmicrohttpd's content-reader callback.  When
 * the producer has nothing to send, the callback suspends the connection
 * (MHD_suspend_connection, allowed from that callback) and returns 0; the
 * producer's http_stream_wake, or the tick thread every HTTP_STREAM_TICK_S
 * seconds, resumes it, and libmicrohttpd calls the callback again.
 *
 * A suspended connection is out of libmicrohttpd's poll set, so a client
 * that went away would go unnoticed until the next keep-alive failed to
 * send (up to HTTP_STREAM_TICK_S and more).  The tick thread therefore
 * looks at the sockets of the suspended streams every STREAM_CHECK_MS
 * (poll, no wait): a peer that hung up or shut its side (POLLRDHUP; an
 * event-stream client sends nothing after its request, so its end of the
 * connection closing means it left) ends its stream with an error, which
 * closes the connection and frees its slot.
 *
 * Streams hold connections for as long as they last, so they are capped
 * (stream_admit_locked) below the connection limits they would otherwise
 * exhaust: per client address (max-streams-per-address), per TCP peer
 * (half of max-connections-per-address: behind a reverse proxy every
 * client's stream comes from the proxy's address) and in all (half of
 * max-connections, at most HTTP_STREAMS_MAX).  The other half of each
 * limit stays for requests: /healthz, scans.
 *
 * Invariants: `suspended` is true exactly between a suspension and the one
 * resume that ends it (resume is never called on a connection that is not
 * suspended); `wakes` counts wake-ups, and the callback suspends only when
 * no wake-up came since it asked the producer (so none is lost); every
 * stream is on the list from http_reply_stream until libmicrohttpd frees
 * its response (stream_free), and the list lock is taken before a stream's
 * lock, never the other way round.  A stream's fd is read only while it is
 * suspended (libmicrohttpd neither closes nor reuses a suspended
 * connection's socket).  One list per process: sijin runs one server.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/req.h"

#define STREAM_BLOCK 4096
#define STREAM_CHECK_MS 1000   /* how often suspended streams' sockets are looked at */
#define STREAM_RETRY_S "15"    /* Retry-After of a refused stream: a tick, by which a
                                * stream of a client gone has long been closed */

struct http_stream {
	struct MHD_Connection *conn;
	int fd;                  /* the connection's socket, -1 when unknown */
	char client[64];         /* the client's address (http_req ip) */
	char peer[64];           /* the TCP peer's address (http_req peer) */
	pthread_mutex_t lock;
	uint64_t wakes;          /* wake-ups so far */
	bool suspended;
	bool tick;               /* the last wake-up was the tick thread's */
	bool gone;               /* the client hung up: end with an error */
	bool handed;             /* libmicrohttpd owns it (its response exists) */
	http_stream_fn next;
	void (*release)(void *cls);
	void *cls;
	http_stream *prev_s, *next_s;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t stop_cond;
	http_stream *head;
	int n;
	bool closing;            /* the server is stopping: end every stream */
	bool ticking;            /* the tick thread runs */
	pthread_t ticker;
} streams = { .lock = PTHREAD_MUTEX_INITIALIZER, .stop_cond = PTHREAD_COND_INITIALIZER };

/* Resume s if it is suspended; with its lock held. */
static void
wake_locked(http_stream *s, bool tick)
{
	s->wakes++;
	if (tick)
		s->tick = true;
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

void
http_stream_wake(http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	wake_locked(s, false);
	pthread_mutex_unlock(&s->lock);
}

/* Wake every stream (tick, or closing). */
static void
wake_all(bool tick)
{
	pthread_mutex_lock(&streams.lock);
	for (http_stream *s = streams.head; s; s = s->next_s) {
		pthread_mutex_lock(&s->lock);
		wake_locked(s, tick);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_unlock(&streams.lock);
}

/* End the suspended streams whose client hung up: their sockets polled
 * without waiting, with the list lock held (so that none is freed
 * meanwhile); each one found is marked gone and woken, and its next read
 * ends the reply with an error.  A stream woken between the poll and the
 * mark is left alone: libmicrohttpd polls it itself again. */
static void
check_gone_locked(void)
{
	struct pollfd fds[HTTP_STREAMS_MAX];
	http_stream *of[HTTP_STREAMS_MAX];
	nfds_t n = 0;

	for (http_stream *s = streams.head; s && n < HTTP_STREAMS_MAX; s = s->next_s) {
		pthread_mutex_lock(&s->lock);
		if (s->suspended && s->fd >= 0) {
			fds[n] = (struct pollfd){ .fd = s->fd, .events = POLLRDHUP };
			of[n++] = s;
		}
		pthread_mutex_unlock(&s->lock);
	}
	if (n == 0 || poll(fds, n, 0) <= 0)
		return;
	for (nfds_t i = 0; i < n; i++) {
		if (!(fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
			continue;
		pthread_mutex_lock(&of[i]->lock);
		if (of[i]->suspended) {
			of[i]->gone = true;
			wake_locked(of[i], false);
		}
		pthread_mutex_unlock(&of[i]->lock);
	}
}

static void *
ticker_main(void *arg)
{
	struct timespec until;
	int64_t ms = 0;

	(void)arg;
	pthread_mutex_lock(&streams.lock);
	while (!streams.closing) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += STREAM_CHECK_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&streams.stop_cond, &streams.lock, &until);
		if (streams.closing)
			break;
		check_gone_locked();
		if ((ms += STREAM_CHECK_MS) < HTTP_STREAM_TICK_S * 1000)
			continue;
		ms = 0;
		pthread_mutex_unlock(&streams.lock);
		wake_all(true);
		pthread_mutex_lock(&streams.lock);
	}
	pthread_mutex_unlock(&streams.lock);
	return NULL;
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	http_stream *s = cls;
	uint64_t wakes;
	bool tick, closing, gone;
	long n;

	(void)pos;
	pthread_mutex_lock(&streams.lock);
	closing = streams.closing;
	pthread_mutex_unlock(&streams.lock);
	if (closing)
		return MHD_CONTENT_READER_END_OF_STREAM;
	pthread_mutex_lock(&s->lock);
	wakes = s->wakes;
	tick = s->tick;
	s->tick = false;
	gone = s->gone;
	pthread_mutex_unlock(&s->lock);
	if (gone)  /* libmicrohttpd closes the connection, then frees the stream */
		return MHD_CONTENT_READER_END_WITH_ERROR;
	/* The producer is asked without the stream's lock: its own lock (the
	 * alert feed's) is taken before the stream's when it wakes us. */
	n = s->next(s->cls, out, max, tick);
	if (n == HTTP_STREAM_END || n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n > 0)
		return (ssize_t)n;
	pthread_mutex_lock(&s->lock);
	if (s->wakes == wakes) {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static void
stream_unlink(http_stream *s)
{
	pthread_mutex_lock(&streams.lock);
	if (s->prev_s)
		s->prev_s->next_s = s->next_s;
	else
		streams.head = s->next_s;
	if (s->next_s)
		s->next_s->prev_s = s->prev_s;
	streams.n--;
	pthread_mutex_unlock(&streams.lock);
}

static void
stream_free(void *cls)
{
	http_stream *s = cls;

	stream_unlink(s);
	if (s->release)
		s->release(s->cls);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void
http_stream_discard(http_stream *s)
{
	if (s != NULL && !s->handed)
		stream_free(s);
}

/* Half of a connection limit, at least 1: what streams may take of it. */
static int
half_of(int limit)
{
	return limit / 2 > 1 ? limit / 2 : 1;
}

/* Whether r may open another stream, with the list lock held: SJ_OK, or
 * the refusal (field "stream") with a Retry-After header — SJ_ELIMIT
 * when r's own address holds its share (max-streams-per-address, or half
 * of max-connections-per-address when the client is the TCP peer itself),
 * SJ_EBUSY when the server's share (half of max-connections, at most
 * HTTP_STREAMS_MAX) or a proxy's (half of max-connections-per-address) is
 * taken. */
static sj_rc
stream_admit_locked(http_req *r, sj_err *e)
{
	const sj_config *cfg = http_server_config(r->srv);
	int all = half_of(cfg->max_connections), per_peer = half_of(cfg->max_connections_per_address);
	bool proxied = strcmp(r->ip, r->peer) != 0;
	int n_client = 0, n_peer = 0;
	sj_rc rc = SJ_OK;

	if (all > HTTP_STREAMS_MAX)
		all = HTTP_STREAMS_MAX;
	for (http_stream *s = streams.head; s; s = s->next_s) {
		n_client += strcmp(s->client, r->ip) == 0;
		n_peer += strcmp(s->peer, r->peer) == 0;
	}
	if (streams.n >= all)
		rc = sj_fail(e, SJ_EBUSY, "stream", "%d streams are open, as many as the server "
		    "keeps; try again later", streams.n);
	else if (n_client >= cfg->max_streams_per_address || (!proxied && n_peer >= per_peer))
		rc = sj_fail(e, SJ_ELIMIT, "stream", "%d streams are open from your address, as "
		    "many as one address may hold; close one (another tab?) or try again later",
		    n_client);
	else if (n_peer >= per_peer)
		rc = sj_fail(e, SJ_EBUSY, "stream", "%d streams are open through your proxy, as "
		    "many as it may hold; try again later", n_peer);
	if (rc != SJ_OK)
		http_reply_header(r, "Retry-After", STREAM_RETRY_S);
	return rc;
}

sj_rc
http_reply_stream(http_req *r, const char *content_type, http_stream_fn next,
    void (*release)(void *cls), void *cls, http_stream **out, sj_err *e)
{
	const union MHD_ConnectionInfo *ci;
	http_stream *s;
	sj_rc rc;

	*out = NULL;
	pthread_mutex_lock(&streams.lock);
	if (streams.closing) {
		pthread_mutex_unlock(&streams.lock);
		http_reply_header(r, "Retry-After", STREAM_RETRY_S);
		return sj_fail(e, SJ_EBUSY, "stream", "the server is stopping");
	}
	if ((rc = stream_admit_locked(r, e)) != SJ_OK) {
		pthread_mutex_unlock(&streams.lock);
		return rc;
	}
	if (!streams.ticking) {
		if (pthread_create(&streams.ticker, NULL, ticker_main, NULL) != 0) {
			pthread_mutex_unlock(&streams.lock);
			return sj_fail(e, SJ_EINTERNAL, "stream", "cannot start the stream timer");
		}
		streams.ticking = true;
	}
	s = sj_calloc(1, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->conn = r->conn;
	ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->fd = ci ? ci->connect_fd : -1;
	snprintf(s->client, sizeof s->client, "%s", r->ip);
	snprintf(s->peer, sizeof s->peer, "%s", r->peer);
	s->next = next;
	s->release = release;
	s->cls = cls;
	s->next_s = streams.head;
	if (streams.head)
		streams.head->prev_s = s;
	streams.head = s;
	streams.n++;
	pthread_mutex_unlock(&streams.lock);
	free(r->reply);
	r->reply = NULL;
	r->reply_n = 0;
	r->status = 200;
	r->content_type = content_type;
	r->stream = s;
	*out = s;
	return SJ_OK;
}

struct MHD_Response *
http_stream_response(http_req *r)
{
	http_stream *s = r->stream;
	struct MHD_Response *resp;

	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, s,
	    stream_free);
	if (resp == NULL)
		return NULL;
	s->handed = true;
	r->stream = NULL;  /* libmicrohttpd frees it with the response */
	return resp;
}

void
http_streams_close_all(void)
{
	bool ticking;

	pthread_mutex_lock(&streams.lock);
	streams.closing = true;
	ticking = streams.ticking;
	pthread_cond_broadcast(&streams.stop_cond);
	pthread_mutex_unlock(&streams.lock);
	wake_all(false);
	if (ticking)
		pthread_join(streams.ticker, NULL);
	pthread_mutex_lock(&streams.lock);
	streams.ticking = false;
	pthread_mutex_unlock(&streams.lock);
}
