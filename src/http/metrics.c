/*
 * metrics — counters per (route, status) and a latency histogram per route.
 *
 * Statuses are counted in a fixed list of the codes sijin sends; anything
 * else lands in the "other" slot, labelled by its class (e.g. "5xx").
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "http/req.h"

static const int statuses[] = {
	200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 431,
	500, 503,
};
#define N_STATUS ((int)(sizeof statuses / sizeof statuses[0]) + 1)  /* + other */

/* Upper bounds in seconds (Prometheus "le"); +Inf is the count. */
static const double buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5,
};  /* 0.02: issue 5's p99 bound for scans (bench/scan_http.sh reads it) */
#define N_BUCKETS ((int)(sizeof buckets / sizeof buckets[0]))

typedef struct route_metrics {
	atomic_ulong by_status[N_STATUS];
	atomic_ulong other_class[6];        /* "other" statuses by class 0..5 */
	atomic_ulong le[N_BUCKETS];         /* cumulative at render time */
	atomic_ulong count;
	atomic_ullong sum_us;               /* total duration in microseconds */
} route_metrics;

static route_metrics *per_route;
static int n_slots;
static atomic_ulong store_errors;
static atomic_long in_flight;
static atomic_ulong idle_closed[2];     /* [0] since an answer, [1] since accept */

void
metrics_init(int n_routes)
{
	free(per_route);
	n_slots = n_routes + 1;
	per_route = sj_calloc((size_t)n_slots, sizeof *per_route);
}

void
metrics_free(void)
{
	free(per_route);
	per_route = NULL;
	n_slots = 0;
}

static int
status_slot(int status)
{
	for (int i = 0; i < N_STATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return N_STATUS - 1;
}

void
metrics_observe(int route, int status, double seconds)
{
	route_metrics *m;
	int s;

	if (per_route == NULL)
		return;
	m = &per_route[route >= 0 && route < n_slots - 1 ? route : n_slots - 1];
	s = status_slot(status);
	atomic_fetch_add_explicit(&m->by_status[s], 1, memory_order_relaxed);
	if (s == N_STATUS - 1 && status >= 100 && status < 600)
		atomic_fetch_add_explicit(&m->other_class[status / 100], 1, memory_order_relaxed);
	for (int b = 0; b < N_BUCKETS; b++)
		if (seconds <= buckets[b]) {
			atomic_fetch_add_explicit(&m->le[b], 1, memory_order_relaxed);
			break;
		}
	atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)(seconds * 1e6),
	    memory_order_relaxed);
}

void
metrics_store_error(void)
{
	atomic_fetch_add_explicit(&store_errors, 1, memory_order_relaxed);
}

void
metrics_idle_closed(bool since_accept)
{
	atomic_fetch_add_explicit(&idle_closed[since_accept], 1, memory_order_relaxed);
}

void
metrics_in_flight(int delta)
{
	atomic_fetch_add_explicit(&in_flight, delta, memory_order_relaxed);
}

long
metrics_in_flight_now(void)
{
	return atomic_load_explicit(&in_flight, memory_order_relaxed);
}

/* The route label: its pattern, or "unmatched". */
static void
route_label(int i, const char **pattern, const char **method)
{
	const http_route *rt = http_route_at(i);

	*pattern = rt ? rt->pattern : "unmatched";
	*method = rt ? rt->method : "";
}

static sj_rc
render_counts(buf *out, int i, sj_err *e)
{
	const route_metrics *m = &per_route[i];
	const char *pattern, *method;
	sj_rc rc = SJ_OK;

	route_label(i, &pattern, &method);
	for (int s = 0; s < N_STATUS - 1 && rc == SJ_OK; s++) {
		unsigned long v = atomic_load_explicit(&m->by_status[s], memory_order_relaxed);
		if (v)
			rc = buf_printf(out, e, "sijin_http_requests_total{route=\"%s\",method=\"%s\","
			    "status=\"%d\"} %lu\n", pattern, method, statuses[s], v);
	}
	for (int c = 0; c < 6 && rc == SJ_OK; c++) {
		unsigned long v = atomic_load_explicit(&m->other_class[c], memory_order_relaxed);
		if (v)
			rc = buf_printf(out, e, "sijin_http_requests_total{route=\"%s\",method=\"%s\","
			    "status=\"%dxx\"} %lu\n", pattern, method, c, v);
	}
	return rc;
}

static sj_rc
render_histogram(buf *out, int i, sj_err *e)
{
	const route_metrics *m = &per_route[i];
	unsigned long cum = 0, count = atomic_load_explicit(&m->count, memory_order_relaxed);
	const char *pattern, *method;
	sj_rc rc = SJ_OK;

	if (count == 0)
		return SJ_OK;
	route_label(i, &pattern, &method);
	for (int b = 0; b < N_BUCKETS && rc == SJ_OK; b++) {
		cum += atomic_load_explicit(&m->le[b], memory_order_relaxed);
		rc = buf_printf(out, e, "sijin_http_request_duration_seconds_bucket{route=\"%s\","
		    "method=\"%s\",le=\"%g\"} %lu\n", pattern, method, buckets[b], cum);
	}
	if (rc == SJ_OK)
		rc = buf_printf(out, e, "sijin_http_request_duration_seconds_bucket{route=\"%s\","
		    "method=\"%s\",le=\"+Inf\"} %lu\n"
		    "sijin_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
		    "sijin_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %lu\n",
		    pattern, method, count, pattern, method,
		    (double)atomic_load_explicit(&m->sum_us, memory_order_relaxed) / 1e6,
		    pattern, method, count);
	return rc;
}

sj_rc
metrics_render(buf *out, sj_err *e)
{
	sj_rc rc;

	rc = buf_puts(out, "# HELP sijin_http_requests_total HTTP requests by route and status.\n"
	    "# TYPE sijin_http_requests_total counter\n", e);
	for (int i = 0; i < n_slots && rc == SJ_OK; i++)
		rc = render_counts(out, i, e);
	if (rc == SJ_OK)
		rc = buf_puts(out, "# HELP sijin_http_request_duration_seconds Time from the first "
		    "byte of a request to its reply.\n"
		    "# TYPE sijin_http_request_duration_seconds histogram\n", e);
	for (int i = 0; i < n_slots && rc == SJ_OK; i++)
		rc = render_histogram(out, i, e);
	if (rc == SJ_OK)
		rc = buf_printf(out, e, "# HELP sijin_store_errors_total Store failures seen by "
		    "requests.\n# TYPE sijin_store_errors_total counter\nsijin_store_errors_total %lu\n"
		    "# HELP sijin_http_in_flight Requests being processed.\n"
		    "# TYPE sijin_http_in_flight gauge\nsijin_http_in_flight %ld\n"
		    "# HELP sijin_http_idle_closed_total Connections closed after request-timeout "
		    "seconds without a request, since accept or since their last answer.\n"
		    "# TYPE sijin_http_idle_closed_total counter\n"
		    "sijin_http_idle_closed_total{since=\"accept\"} %lu\n"
		    "sijin_http_idle_closed_total{since=\"answer\"} %lu\n",
		    atomic_load_explicit(&store_errors, memory_order_relaxed),
		    atomic_load_explicit(&in_flight, memory_order_relaxed),
		    atomic_load_explicit(&idle_closed[1], memory_order_relaxed),
		    atomic_load_explicit(&idle_closed[0], memory_order_relaxed));
	return rc;
}
