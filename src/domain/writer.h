/*
 * writer — the one writer thread of the scan path, with group commit
 * (DESIGN.md §3: "writes that must be fast (scans) go through one writer
 * with group commit: many requests' rows in one transaction, each request
 * answered only after its rows are durable"; issue 5 "Write path").
 *
 * Request threads prepare their scans (scan_prepare_defer: reads only; on
 * SQLite the person's look-up and the screening are left to scan_write, on
 * the writer's warm connection) and hand them to the writer as jobs.  The writer takes everything queued (at most
 * WRITER_BATCH_MAX jobs), writes them with scan_write in one transaction,
 * commits, and only once the commit is durable completes each job: sets
 * its result and calls its done callback.  While it commits, new jobs
 * queue up and form the next batch, so the batch grows with the load and
 * one fsync serves many requests.  On PostgreSQL the commit returns once
 * it is durable (synchronous_commit on).  On SQLite the commit writes the
 * WAL frames into the file, and a syncer thread makes them durable —
 * fdatasync of the log, one for every batch committed since its last —
 * and then completes the batches' jobs, while the writer already writes
 * the next batch: the sync, the writer's longest wait (~2–3 ms a batch
 * under load, three quarters of its time), no longer holds it up
 * (WALBUF_PRAGMA_DEFER_SYNC; the guarantee is synchronous=FULL's: nothing
 * is answered before it is on disk).
 *
 * Idempotency checks and stay derivation run in scan_write, on the writer
 * thread, one job after the other: two scans of one person in one batch see
 * each other.  A job refused by its own rules (an exit before its entry, a
 * key reused for another scan) fails alone and writes nothing; when a
 * statement fails (the disk is full, a constraint is violated) the whole
 * transaction is rolled back and every job of the batch is written again
 * on its own, so one bad job cannot take others down.  Alerts of the batch
 * are published to the live feed after the commit.
 *
 * The writer also runs periodic work between batches in its own
 * transactions: the disinfection overdue check once a minute.  On SQLite a
 * checkpointer thread copies the WAL into the database every 250 ms and
 * syncs it, beside the writer; its last pass runs between two batches so
 * that the WAL starts again from the top instead of growing under steady
 * load, and copies and syncs only what came last (writer.c).
 *
 * The queue is bounded (WRITER_QUEUE_MAX jobs): beyond it scan_writer_submit
 * refuses with SJ_EBUSY (HTTP 503) instead of letting latency grow without
 * bound.  A job is owned by its submitter, who must keep it alive until
 * its done callback has run.
 */
#ifndef SJ_WRITER_H
#define SJ_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/alert.h"
#include "domain/scan.h"

#define WRITER_BATCH_MAX 4096
#define WRITER_QUEUE_MAX 65536
#define WRITER_OVERDUE_EVERY_S 60

typedef struct scan_writer scan_writer;
typedef struct scan_job scan_job;

/* Called on the writer thread (SQLite: its syncer thread) once the job's
 * result is final (durable, or failed).  It must be quick and must not submit jobs. */
typedef void (*scan_job_done)(scan_job *job, void *cls);

struct scan_job {
	scan_prepared in;       /* what to write (copied by the submitter) */
	scan_result out;        /* the answer, when rc is SJ_OK */
	sj_rc rc;               /* the outcome */
	sj_err err;             /* its details when rc is not SJ_OK */
	alert alert;            /* the writer's: the alert raised, published after commit */
	scan_job_done done;
	void *cls;
	scan_job *next;         /* the writer's queue link */
	uint64_t queued_ns;     /* the writer's: CLOCK_MONOTONIC when submitted */
};

/* Figures since start, for metrics and the benchmark. */
typedef struct writer_stats {
	uint64_t jobs;          /* completed jobs (ok or not) */
	uint64_t batches;       /* committed transactions */
	uint64_t max_batch;     /* largest batch */
	uint64_t retried;       /* batches written again job by job after a failure */
	uint64_t write_ns;      /* time spent writing batches, commit included */
	uint64_t commit_ns;     /* of which in the commits (the WAL write and fsync) */
	uint64_t write_max_ns;  /* the longest batch, from taking it (the wait for the
	                         * checkpointer's last pass included) to its commit:
	                         * the longest its scans' answers were held up there */
	uint64_t waited_10ms;   /* jobs completed 10 ms or more after they were submitted
	                         * (queued, then written and committed) */
	uint64_t waited_20ms;   /* … 20 ms or more (issue 5's p99 bound for a scan) */
	uint64_t waited_max_ns; /* the longest from submit to completion */
	uint64_t checkpoint_hold_ns; /* SQLite: time the checkpointer's last passes held the
	                         * writer, in all */
	uint64_t checkpoint_holds; /* SQLite: the checkpointer's last passes (RESTART) */
	uint64_t checkpoint_hold_max_ns; /* SQLite: the longest the checkpointer's last pass
	                         * held the writer (its RESTART checkpoint) */
	uint64_t periodic_max_ns; /* the longest periodic work between two batches (the
	                         * disinfection check and malloc_trim): scans queue meanwhile */
	uint64_t syncs;         /* SQLite: the syncer's syncs of the log, each for every
	                         * batch committed since the one before */
	uint64_t sync_ns;       /* time in them */
	uint64_t sync_max_ns;   /* the longest */
	int sync_failed;        /* SQLite: the errno of the log's first failed sync (0: none);
	                         * from then on every scan fails (SJ_EUNAVAIL) until the
	                         * server is restarted (writer.c, sync_main) */
	uint64_t pair_memo_hits; /* scans planned from the memo of pairs, without reading
	                         * their pair's earlier scans (SQLite; domain/scan_pairs.c) */
	uint64_t log_dir_syncs;  /* SQLite: syncs of the log's folder, so that the log's
	                         * name is durable: when the syncer starts, and when it
	                         * finds the log replaced by a new file */
} writer_stats;

/* Start the writer thread on its own connection to the database url
 * (store_open; the connection also gets a 64 MiB page cache).  Errors: as
 * store_open; SJ_EINTERNAL when the thread cannot start.  Stop with
 * scan_writer_stop. */
sj_rc scan_writer_start(const char *url, scan_writer **out, sj_err *e);

/* Queue job (its in, done and cls set).  done(job, cls) will be called on
 * the writer's thread (or syncer) exactly once, unless this returns an error: SJ_EBUSY
 * ("scan", "the scan queue is full; retry") when WRITER_QUEUE_MAX jobs
 * wait, SJ_EUNAVAIL when the writer is stopping or when a sync of the log
 * has failed (SQLite; writer_stats.sync_failed: until the server is
 * restarted). */
sj_rc scan_writer_submit(scan_writer *w, scan_job *job, sj_err *e);

/* Submit in and wait for its answer: for callers that may block (tests,
 * tools).  Returns the job's outcome. */
sj_rc scan_writer_run(scan_writer *w, const scan_prepared *in, scan_result *out, sj_err *e);

/* Tests: while hold, the syncer (SQLite) makes nothing durable and so
 * answers nothing; committed batches wait for it.  Without a syncer
 * (PostgreSQL) nothing changes. */
void scan_writer_hold_sync(scan_writer *w, bool hold);

/* Copy the figures. */
void scan_writer_stats(scan_writer *w, writer_stats *out);

/* Stop taking jobs (scan_writer_submit answers SJ_EUNAVAIL from now on),
 * finish every queued one — each done callback has run when this returns —
 * and stop the threads; w stays valid for submit until scan_writer_stop.
 * The server calls it before stopping libmicrohttpd, so that no
 * connection is left suspended.  Accepts NULL; a second call does
 * nothing. */
void scan_writer_drain(scan_writer *w);

/* scan_writer_drain, then close the connections and free w.  Accepts
 * NULL. */
void scan_writer_stop(scan_writer *w);

#endif
