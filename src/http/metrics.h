/*
 * metrics — request counters and latency histograms in Prometheus text
 * exposition format (version 0.0.4), served at /metrics.
 *
 * Families:
 *   sijin_http_requests_total{route,method,status}   counter
 *   sijin_http_request_duration_seconds{route}       histogram
 *   sijin_store_errors_total                          counter
 *   sijin_http_in_flight                              gauge
 *   sijin_http_idle_closed_total{since}               counter
 * Updates are lock-free (C11 atomics, relaxed); a scrape reads a
 * consistent-enough snapshot, as Prometheus clients do.
 */
#ifndef SJ_METRICS_H
#define SJ_METRICS_H

#include <stdbool.h>

#include "core/buf.h"

/* Prepare counters for n routes (index n counts unmatched requests).
 * Call once before the server starts; not thread-safe. */
void metrics_init(int n_routes);

/* Count one finished request: route index (-1 for none), HTTP status,
 * duration in seconds. */
void metrics_observe(int route, int status, double seconds);

/* Count one store error (SJ_EDB, SJ_EBUSY, SJ_EUNAVAIL). */
void metrics_store_error(void);

/* Count one connection closed after request-timeout seconds without a
 * request (http/conn_guard.c): since_accept when it never sent one (a load
 * generator or a browser that opened it and never used it), else since its
 * last answer (an idle keep-alive connection). */
void metrics_idle_closed(bool since_accept);

/* Requests being processed now: +1 at start, -1 at the end. */
void metrics_in_flight(int delta);
long metrics_in_flight_now(void);

/* Append the exposition text to out.  Errors: SJ_ETOOBIG from out. */
sj_rc metrics_render(buf *out, sj_err *e);

/* Release what metrics_init allocated. */
void metrics_free(void);

#endif
