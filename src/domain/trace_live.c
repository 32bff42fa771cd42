/*
 * trace_live — the server-wide trace index and the thread that keeps it
 * current (trace_live.h).
 *
 * Invariants: announcements are applied in the order received, by one
 * applier at a time (apply_lock held from taking the queue to the end of
 * trace_index_apply); while a rebuild runs nobody applies, so that every
 * announcement after the rebuild's snapshot reaches the new index.
 */
#include "domain/trace_live.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/datetime.h"
#include "core/log.h"
#include "domain/stay.h"
#include "store/store.h"

#define WAIT_MS 200             /* the thread's longest sleep */
#define EXPIRE_EVERY_S 3600     /* drop the stays past retention this often */
#define BASE_SLACK_S 86400      /* the index's base lies this far before the horizon */

struct trace_live {
	char *url;
	int64_t retention_s;
	trace_index *ix;
	store *ls;                  /* the listening connection (PostgreSQL), or NULL */
	bool notifications;         /* the database has them (else: the local subscriber) */
	pthread_t thread;
	pthread_mutex_t lock;       /* guards the queue, the flags and the figures */
	pthread_cond_t cond;        /* something was queued, or stop */
	stay_news *q;
	size_t n_q, cap_q;
	bool rebuild;               /* announcements may have been lost */
	bool building;              /* a rebuild is running: do not apply */
	bool stopping;
	trace_live_figures fig;
	pthread_mutex_t apply_lock;
	int64_t next_expire;
};

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
mono_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Queue one announced line (l->lock held). */
static void
queue_line(trace_live *l, const char *line)
{
	stay_news n;

	if (strcmp(line, STORE_LINE_OVERFLOW) == 0)
		l->rebuild = true;
	else if (stay_news_parse(line, &n)) {
		if (l->n_q == l->cap_q) {
			l->cap_q = l->cap_q ? 2 * l->cap_q : 256;
			l->q = sj_realloc(l->q, l->cap_q * sizeof *l->q);
		}
		l->q[l->n_q++] = n;
	}
}

/* A commit's lines from the local subscriber (store_lines_cb, SQLite; on the
 * committing thread): queue them and wake the thread once.  Once a line,
 * the writer's signals and the thread's wake-ups cost ~6 % of the server's
 * CPU on the scan benchmark, in futex calls (bench/RESULTS.md "Ninth
 * session"). */
static void
on_lines(void *cls, const char *lines, size_t n)
{
	trace_live *l = cls;

	pthread_mutex_lock(&l->lock);
	for (size_t i = 0; i < n; i++, lines += strlen(lines) + 1)
		queue_line(l, lines);
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/* A line received by store_wait (store_line_cb, PostgreSQL; on the thread
 * itself). */
static void
on_line(void *cls, const char *line)
{
	on_lines(cls, line, 1);
}

/* Apply what is queued (unless a rebuild is running). */
static void
apply_queue(trace_live *l)
{
	stay_news *q;
	size_t n;

	pthread_mutex_lock(&l->apply_lock);
	pthread_mutex_lock(&l->lock);
	if (l->building || l->n_q == 0) {
		pthread_mutex_unlock(&l->lock);
		pthread_mutex_unlock(&l->apply_lock);
		return;
	}
	q = l->q;
	n = l->n_q;
	l->q = NULL;
	l->n_q = l->cap_q = 0;
	l->fig.applied += n;
	pthread_mutex_unlock(&l->lock);
	trace_index_apply(l->ix, q, n);
	pthread_mutex_unlock(&l->apply_lock);
	free(q);
}

/* A new index of the store's stays in the retention window, as of now. */
static sj_rc
build(trace_live *l, trace_index **out, sj_err *e)
{
	int64_t since = dt_now() - l->retention_s;
	double t0 = mono_s(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	trace_index *ix;
	store *s;
	sj_rc rc;

	*out = NULL;
	if ((rc = store_open(l->url, 0, &s, e)) != SJ_OK)
		return rc;
	ix = trace_index_new(since - BASE_SLACK_S);
	rc = trace_index_load(ix, s, since, e);
	store_close(s);
	if (rc != SJ_OK) {
		trace_index_free(ix);
		return rc;
	}
	trace_index_compact(ix);
	pthread_mutex_lock(&l->lock);
	l->fig.build_s = mono_s() - t0;
	l->fig.build_cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	pthread_mutex_unlock(&l->lock);
	*out = ix;
	return SJ_OK;
}

/* Build afresh and swap the new index in (announcements may have been
 * lost).  On failure the old index stays and the rebuild is asked again. */
static void
rebuild(trace_live *l)
{
	trace_index *fresh;
	sj_err e = {0};

	pthread_mutex_lock(&l->lock);
	l->rebuild = false;
	l->building = true;
	pthread_mutex_unlock(&l->lock);
	sj_rc rc = build(l, &fresh, &e);

	pthread_mutex_lock(&l->apply_lock);
	if (rc == SJ_OK)
		trace_index_replace(l->ix, fresh);
	pthread_mutex_lock(&l->lock);
	l->building = false;
	if (rc == SJ_OK)
		l->fig.rebuilds++;
	else
		l->rebuild = true;
	pthread_mutex_unlock(&l->lock);
	pthread_mutex_unlock(&l->apply_lock);
	if (rc != SJ_OK)
		log_warn("trace: cannot rebuild the stay index: %s", e.msg);
	else
		log_info("trace: stay index rebuilt");
}

/* A listening connection (PostgreSQL).  Errors: the store's. */
static sj_rc
listen_open(trace_live *l, sj_err *e)
{
	sj_rc rc = store_open(l->url, 0, &l->ls, e);

	if (rc == SJ_OK && (rc = store_listen(l->ls, e)) != SJ_OK) {
		store_close(l->ls);
		l->ls = NULL;
	}
	return rc;
}

/* Wait up to WAIT_MS for announcements (received into the queue). */
static void
wait_some(trace_live *l)
{
	sj_err e = {0};

	if (!l->notifications) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WAIT_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&l->lock);
		if (l->n_q == 0 && !l->stopping && !l->rebuild)
			pthread_cond_timedwait(&l->cond, &l->lock, &until);
		pthread_mutex_unlock(&l->lock);
		return;
	}
	if (l->ls == NULL) {
		/* Lost: listen again, and read everything again, since the
		 * announcements of the gap are gone. */
		if (listen_open(l, &e) != SJ_OK) {
			usleep(WAIT_MS * 1000);
			return;
		}
		pthread_mutex_lock(&l->lock);
		l->rebuild = true;
		pthread_mutex_unlock(&l->lock);
		log_info("trace: listening again for stay announcements");
		return;
	}
	if (store_wait(l->ls, WAIT_MS, on_line, l, &e) != SJ_OK) {
		log_warn("trace: %s; reconnecting", e.msg);
		store_close(l->ls);
		l->ls = NULL;
	}
}

static void *
live_main(void *arg)
{
	trace_live *l = arg;

	for (;;) {
		pthread_mutex_lock(&l->lock);
		bool stop = l->stopping, again = l->rebuild;
		pthread_mutex_unlock(&l->lock);

		if (stop)
			break;
		if (again)
			rebuild(l);
		wait_some(l);
		apply_queue(l);
		if (dt_now() >= l->next_expire) {
			size_t n = trace_index_expire(l->ix, dt_now() - l->retention_s);

			if (n)
				log_info("trace: %zu stays past retention dropped from the index", n);
			l->next_expire = dt_now() + EXPIRE_EVERY_S;
		}
	}
	return NULL;
}

sj_rc
trace_live_start(const char *url, int64_t retention_s, trace_live **out, sj_err *e)
{
	trace_live *l = sj_calloc(1, sizeof *l);
	store *probe = NULL;
	sj_rc rc;

	*out = NULL;
	l->url = sj_strdup(url);
	l->retention_s = retention_s;
	pthread_mutex_init(&l->lock, NULL);
	pthread_mutex_init(&l->apply_lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	if ((rc = store_open(url, 0, &probe, e)) != SJ_OK)
		goto fail;
	l->notifications = store_has_notifications(probe);
	store_close(probe);
	/* Listen first, then read: nothing committed in between is missed. */
	if (l->notifications && (rc = listen_open(l, e)) != SJ_OK)
		goto fail;
	if (!l->notifications)
		store_set_local_subscriber(on_lines, l);
	if ((rc = build(l, &l->ix, e)) != SJ_OK)
		goto fail;
	trace_index_figures f;

	trace_index_stats(l->ix, &f);
	log_info("trace: stay index built from the store: %zu stays, %zu people, %zu places, "
	    "%zu bytes, %.2f s (%.2f s CPU on the building thread)", f.n_stays, f.n_people,
	    f.n_places, f.bytes, l->fig.build_s, l->fig.build_cpu_s);
	apply_queue(l);
	l->next_expire = dt_now() + EXPIRE_EVERY_S;
	if (pthread_create(&l->thread, NULL, live_main, l) != 0) {
		rc = sj_fail(e, SJ_EINTERNAL, NULL, "cannot start the trace index thread");
		goto fail;
	}
	*out = l;
	return SJ_OK;
fail:
	if (!l->notifications)
		store_set_local_subscriber(NULL, NULL);
	store_close(l->ls);
	trace_index_free(l->ix);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->apply_lock);
	pthread_mutex_destroy(&l->lock);
	free(l->q);
	free(l->url);
	free(l);
	return rc;
}

trace_index *
trace_live_index(trace_live *l)
{
	apply_queue(l);
	return l->ix;
}

void
trace_live_stats(trace_live *l, trace_live_figures *out)
{
	pthread_mutex_lock(&l->lock);
	*out = l->fig;
	pthread_mutex_unlock(&l->lock);
}

void
trace_live_stop(trace_live *l)
{
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	if (!l->notifications)
		store_set_local_subscriber(NULL, NULL);
	store_close(l->ls);
	trace_index_free(l->ix);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->apply_lock);
	pthread_mutex_destroy(&l->lock);
	free(l->q);
	free(l->url);
	free(l);
}
