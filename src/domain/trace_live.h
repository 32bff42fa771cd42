/*
 * trace_live — the server-wide trace index (issue 6 "built at start-up
 * from the store and updated as each scan commits"; issue 4 "each
 * process's in-memory structures catch up with rows written by the others
 * within one second"; docs/trace.md "Keeping it current").
 *
 * One per `sijin serve` process.  At start it builds a trace_index of the
 * retention window's stays from the store; from then on it follows the
 * stay announcements (stay_announce, sent by scan_write in the scan's own
 * transaction, store_publish):
 *   - on SQLite (one writing process) the store hands them over right after
 *     each commit (store_set_local_subscriber), on the committing thread —
 *     the scan writer's — which only queues them;
 *   - on PostgreSQL every process LISTENs (store_listen on a connection of
 *     its own) and receives every committed transaction's announcements, its
 *     own and the other processes', in commit order, within milliseconds.
 * A thread applies the queue under the index's write lock; a trace first
 * applies what is queued (trace_live_index), so a trace sees every scan
 * committed before it began.  Announcements apply in commit order and each
 * states a stay's whole new value (its end) or its removal, so replaying
 * some that the build already saw changes nothing: listening starts before
 * the build, and nothing can fall in between.  When announcements may have
 * been lost (the listening connection dropped; one transaction announced
 * more than STORE_PUBLISH_MAX bytes) the thread builds a new index in the
 * background and swaps it in (trace_index_replace).  Once an hour it drops
 * the stays past retention (a trace ignores them anyway).
 *
 * Not seen: scans written to a SQLite database by another process while the
 * server runs (`sijin scan` on the same file) — SQLite has no notifications
 * between processes; they appear at the next start.
 */
#ifndef SJ_TRACE_LIVE_H
#define SJ_TRACE_LIVE_H

#include <stdint.h>

#include "core/err.h"
#include "domain/trace_index.h"

typedef struct trace_live trace_live;

/* Figures for metrics and tests. */
typedef struct trace_live_figures {
	uint64_t applied;      /* announcements applied since start */
	uint64_t rebuilds;     /* builds after the first one */
	double build_s;        /* the last build's duration, seconds */
	double build_cpu_s;    /* the CPU seconds of its calling thread (the
	                        * load's other threads not counted): its wall
	                        * time on an otherwise idle machine */
} trace_live_figures;

/* Build the index of url's stays entering at or after now − retention_s
 * (seconds; > 0) and start following the announcements.  Only one may run
 * in a process (it owns the local subscriber).  Errors: the store's (the
 * database cannot be opened or read); SJ_EINTERNAL when the thread cannot
 * start.  Stop with trace_live_stop. */
sj_rc trace_live_start(const char *url, int64_t retention_s, trace_live **out, sj_err *e);

/* The index, with every announcement received so far applied.  Valid until
 * trace_live_stop; read it under trace_index_rdlock (trace_run does). */
trace_index *trace_live_index(trace_live *l);

/* Copy the figures. */
void trace_live_stats(trace_live *l, trace_live_figures *out);

/* Stop the thread, drop the subscriber, free everything.  Accepts NULL. */
void trace_live_stop(trace_live *l);

#endif
