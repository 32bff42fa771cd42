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
 * Invariants: `suspended` is true exactly between a suspension and the one
 * resume that ends it (resume is never called on a connection that is not
 * suspended); `wakes` counts wake-ups, and the callback suspends only when
 * no wake-up came since it asked the producer (so none is lost); every
 * stream is on the list from http_reply_stream until libmicrohttpd frees
 * its response (stream_free), and the list lock is taken before a stream's
 * lock, never the other way round.  One list per process: sijin runs one
 * server.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/req.h"

#define STREAM_BLOCK 4096

struct http_stream {
	struct MHD_Connection *conn;
	pthread_mutex_t lock;
	uint64_t wakes;          /* wake-ups so far */
	bool suspended;
	bool tick;               /* the last wake-up was the tick thread's */
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

static void *
ticker_main(void *arg)
{
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&streams.lock);
	while (!streams.closing) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += HTTP_STREAM_TICK_S;
		pthread_cond_timedwait(&streams.stop_cond, &streams.lock, &until);
		if (streams.closing)
			break;
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
	bool tick, closing;
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
	pthread_mutex_unlock(&s->lock);
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

sj_rc
http_reply_stream(http_req *r, const char *content_type, http_stream_fn next,
    void (*release)(void *cls), void *cls, http_stream **out, sj_err *e)
{
	http_stream *s;

	*out = NULL;
	pthread_mutex_lock(&streams.lock);
	if (streams.closing || streams.n >= HTTP_STREAMS_MAX) {
		pthread_mutex_unlock(&streams.lock);
		return sj_fail(e, SJ_EBUSY, "stream", "%d streams are open; try again later",
		    HTTP_STREAMS_MAX);
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
