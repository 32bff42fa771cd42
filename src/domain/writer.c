/*
 * writer — the scan writer thread and its queue.
 *
 * Invariants: `queued` is the length of the list head..tail; a job is on
 * the list, or in the batch the thread is writing, or completed (done
 * called) — never two of these; the thread owns its store connection and
 * is the only one to use it; done callbacks run on the thread, outside the
 * lock.
 */
#include "domain/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/datetime.h"
#include "core/fsync.h"
#include "core/log.h"
#include "domain/disinfection.h"
#include "store/store.h"
#include "store/walbuf.h"

/* 64 MiB of pages for the indexes; WAL checkpoints are left to the
 * checkpointer thread, off the commit path. */
#define WRITER_PRAGMAS "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0"
#define CHECKPOINT_EVERY_MS 250
/* Passive passes (each with its database sync) a round at most, and the
 * frames a pass must have found new to be followed by another: the
 * RESTART pass that ends a round holds the writer while it copies and
 * syncs what came after the last passive pass (checkpoint_round). */
#define CHECKPOINT_PASSIVE_MAX 3
#define CHECKPOINT_HELD_FRAMES 512
/* The RESTART pass runs at most once in this time: each holds the writer
 * ~5–12 ms whatever the WAL's length (checkpoint_round), so fewer of them
 * hold it less in all, for a WAL about twice as long (~100 MB at 12,000
 * scans/s). */
#define CHECKPOINT_RESTART_EVERY_MS 500
/* The checkpointer's last pass holds the writer: it waits at most 2 ms for
 * readers still on older frames (a backup or a long export may hold one
 * for minutes), then gives up until the next round instead of stalling
 * the scans; SQLite's busy_timeout replaces the store's 5 s busy handler
 * on that connection only. */
#define CHECKPOINTER_PRAGMAS "PRAGMA busy_timeout=2"

#define OVERDUE_MAX 64
/* The people memo's bound: ~200 bytes each (~26 MB), cleared when reached. */
#define PEOPLE_MEMO_MAX 131072
#define WRITER_YIELD_MAX_US 3000

struct scan_writer {
	pthread_t thread;
	pthread_t checkpointer;     /* SQLite only: copies the WAL into the database */
	bool checkpointing;
	pthread_mutex_t batch_lock; /* held by the writer while it writes and commits a
	                             * batch, and by the checkpointer for its final pass */
	pthread_cond_t stop_cond;   /* the checkpointer waits on it */
	store *cs;                  /* the checkpointer's connection */
	pthread_mutex_t lock;
	pthread_cond_t more;        /* jobs were queued, or stop was asked */
	scan_job *head, *tail;
	size_t queued;
	bool stopping;
	bool drained;               /* the threads have been joined */
	store *s;
	writer_stats stats;         /* under lock */
	int64_t next_overdue;       /* instant of the next disinfection check */
	scan_memo *people;          /* SQLite: the people its scans named (scan_write_memo) */
	scan_rows *rows;            /* the batch's scan rows not inserted yet (scan_write_memo); NULL on SQLite */
	int64_t data_version;       /* SQLite's PRAGMA data_version when people was last valid */
	int64_t memo_epoch;         /* memo_epoch.n then (schema 0019) */
	int64_t scan_ids;           /* id_counter 'scan' after the writer's last batch that
	                             * committed; -1: not known (people_memo_check) */
	uint64_t commit_ns;         /* the thread's: time of the last batch's commit */
	/* SQLite: the syncer, which makes committed batches durable and then
	 * answers them (sync_main); the writer's commits leave the log's sync
	 * to it (WALBUF_PRAGMA_DEFER_SYNC). */
	pthread_t syncer;
	bool syncing;               /* the syncer runs */
	pthread_cond_t to_sync;     /* committed jobs were queued for it, or its end came */
	scan_job *sync_head, *sync_tail; /* committed, not yet durable (under lock) */
	bool writer_ended;          /* the writer thread is joined: the syncer ends when
	                             * its queue is empty */
	bool sync_held;             /* scan_writer_hold_sync (tests) */
	int sync_failed;            /* the errno of the log's first failed sync, 0 before
	                             * (under lock): from then on nothing is answered as
	                             * durable and no scan is taken (sync_main) */
	char *wal_path;             /* the log's path, and the syncer's descriptor of it */
	int wal_fd;
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- writing a batch ---------------------------------------------------------- */

/* Write job on its own, in its own transaction (after a failed batch). */
static void
write_alone(scan_writer *w, scan_job *job)
{
	sj_err_clear(&job->err);
	job->in.id = 0;  /* the batch's ids were rolled back with it */
	if ((job->rc = store_begin(w->s, &job->err)) != SJ_OK)
		return;
	job->rc = scan_write(w->s, &job->in, &job->out, &job->alert, &job->err);
	if (job->rc == SJ_OK)
		job->rc = store_commit(w->s, &job->err);
	else
		store_rollback(w->s);
	if (job->rc != SJ_OK)
		job->alert.id = 0;
}

/* Keep the writer's memos (people, checkpoints, pairs: scan_write_memo)
 * true for this batch, whose ids begin at first_id: inside its
 * transaction, which holds the write lock (so the snapshot is the newest
 * and no one else can commit until it ends).  PRAGMA data_version tells
 * whether any other connection has committed since the memos were last
 * checked; the writer's own commits (scans, alerts) do not change it.
 * When one has, the memos still hold if memo_epoch.n is unchanged (its
 * triggers count every change to a person, tag, place or checkpoint
 * column the memos copy: schema 0019) and the scan id counter stood,
 * before this batch took its ids, where the writer's own last batch left
 * it (every other transaction that adds, changes or deletes scans takes
 * ids: `sijin scan`, an import, the retention purge); else they are
 * cleared.  So an API token's last-used time, a visit note or a supply
 * move no longer empties them (bench/RESULTS.md "Ninth session").
 * Returns false on a store error (the memos then unused). */
static bool
people_memo_check(scan_writer *w, int64_t first_id, sj_err *e)
{
	store_stmt *st;
	int64_t v, epoch = 0;
	bool found;

	if (store_prepare(w->s, "PRAGMA data_version", &st, e) != SJ_OK ||
	    store_query_int(st, &v, &found, e) != SJ_OK || !found)
		goto fail;
	if (v != w->data_version) {
		if (store_prepare(w->s, "SELECT n FROM memo_epoch WHERE id = 1", &st, e) != SJ_OK ||
		    store_query_int(st, &epoch, &found, e) != SJ_OK || !found)
			goto fail;
		if (epoch != w->memo_epoch || first_id - 1 != w->scan_ids)
			scan_memo_clear(w->people);
		w->data_version = v;
		w->memo_epoch = epoch;
	}
	if (scan_memo_people(w->people) >= PEOPLE_MEMO_MAX)
		scan_memo_clear(w->people);
	return true;
fail:
	scan_memo_clear(w->people);
	w->data_version = -1;  /* checked afresh next time */
	return false;
}

/* Write every job of the batch in one transaction.  Returns false when a
 * statement failed or the commit did: then nothing of the batch is kept. */
static bool
write_together(scan_writer *w, scan_job *batch, size_t n)
{
	sj_err e = {0};
	scan_memo *memo;
	int64_t id;
	sj_rc rc;

	/* Another thread of the server waits for the write lock (a person
	 * added, an alert acknowledged): let it in before this batch, for at
	 * most WRITER_YIELD_MAX_US, or under load it might never get it. */
	for (int i = 0; i < WRITER_YIELD_MAX_US / 100 && store_others_waiting(); i++)
		usleep(100);
	if (store_begin(w->s, &e) != SJ_OK) {
		log_warn("writer: cannot begin a batch: %s", e.msg);
		return false;
	}
	/* On a database server the batch's writes go out back to back, each
	 * answered with the next read (store.h); a failure among them fails
	 * a later job's statement or the commit, and the batch is written
	 * again job by job as after any failed statement. */
	store_defer_writes(w->s);
	/* One block of ids for the batch: one counter update, not one a scan
	 * (ids of refused scans are skipped). */
	if (scan_ids_reserve(w->s, "scan", (int64_t)n, &id, &e) != SJ_OK) {
		log_warn("writer: cannot reserve ids: %s", e.msg);
		store_rollback(w->s);
		return false;
	}
	memo = w->people && people_memo_check(w, id, &e) ? w->people : NULL;
	w->scan_ids = -1;  /* until the batch has committed */
	scan_rows_clear(w->rows);
	for (scan_job *j = batch; j; j = j->next) {
		j->in.id = id++;
		sj_err_clear(&j->err);
		j->rc = scan_write_memo(w->s, memo, w->rows, &j->in, &j->out, &j->alert, &j->err);
		if (j->rc != SJ_OK)
			j->alert.id = 0;
		/* A scan refused by its own rules wrote nothing and leaves the
		 * transaction usable; a failed statement spoils it. */
		if (j->rc != SJ_OK && store_tx_failed(w->s)) {
			log_warn("writer: batch failed, writing its scans one by one: %s", j->err.msg);
			scan_rows_clear(w->rows);
			store_rollback(w->s);
			return false;
		}
	}
	/* The rows still held, in the commit's pipeline (a failure among them
	 * fails the commit). */
	if (scan_rows_flush(w->s, w->rows, &e) != SJ_OK) {
		log_warn("writer: batch failed, writing its scans one by one: %s", e.msg);
		store_rollback(w->s);
		return false;
	}
	w->commit_ns = mono_ns();
	rc = store_commit(w->s, &e);
	w->commit_ns = mono_ns() - w->commit_ns;
	if (rc != SJ_OK) {
		log_warn("writer: batch commit failed, writing its scans one by one: %s", e.msg);
		return false;
	}
	w->scan_ids = id - 1;  /* the batch's last id: the counter now */
	return true;
}

/* The jobs of list, durable now (or failed): publish their alerts, then
 * answer each. */
static void
answer(scan_job *list)
{
	scan_job *next;

	for (scan_job *j = list; j; j = j->next)
		if (j->rc == SJ_OK && j->alert.id)
			alert_feed_publish(&j->alert);
	for (scan_job *j = list; j; j = next) {
		next = j->next;  /* done may free the job */
		j->next = NULL;
		j->done(j, j->cls);
	}
}

/* The done of a job that carries only an alert to publish once durable
 * (check_overdue): it answers no one. */
static void
free_job(scan_job *job, void *cls)
{
	(void)cls;
	free(job);
}

/* Count how long each scan of list waited from its submit until now, its
 * completion (stats.waited_*); the lock is held. */
static void
count_waited(scan_writer *w, const scan_job *list)
{
	uint64_t now = mono_ns();

	for (const scan_job *j = list; j; j = j->next) {
		uint64_t waited = now - j->queued_ns;

		if (j->done == free_job)
			continue;  /* no scan */

		w->stats.waited_10ms += waited >= 10000000u;
		w->stats.waited_20ms += waited >= 20000000u;
		if (waited > w->stats.waited_max_ns)
			w->stats.waited_max_ns = waited;
	}
}

static void
write_batch(scan_writer *w, scan_job *batch, size_t n)
{
	uint64_t start = mono_ns(), took;
	bool together;

	w->commit_ns = 0;
	pthread_mutex_lock(&w->batch_lock);
	together = write_together(w, batch, n);

	if (!together) {
		/* What the memo learnt from the batch was rolled back, and the
		 * scans are now written without it. */
		scan_memo_forget_writes(w->people);
		for (scan_job *j = batch; j; j = j->next)
			write_alone(w, j);
	}
	pthread_mutex_unlock(&w->batch_lock);
	pthread_mutex_lock(&w->lock);
	w->stats.jobs += n;
	w->stats.batches++;
	if (n > w->stats.max_batch)
		w->stats.max_batch = n;
	if (!together)
		w->stats.retried++;
	took = mono_ns() - start;
	w->stats.write_ns += took;
	if (took > w->stats.write_max_ns)
		w->stats.write_max_ns = took;
	w->stats.commit_ns += w->commit_ns;
	w->stats.pair_memo_hits = scan_memo_pair_hits(w->people);
	if (w->syncing) {
		/* Committed, not yet durable: the syncer answers them. */
		scan_job *last = batch;
		while (last->next)
			last = last->next;
		if (w->sync_tail)
			w->sync_tail->next = batch;
		else
			w->sync_head = batch;
		w->sync_tail = last;
		pthread_cond_signal(&w->to_sync);
		pthread_mutex_unlock(&w->lock);
		return;
	}
	count_waited(w, batch);
	pthread_mutex_unlock(&w->lock);
	answer(batch);
}

/* ---- making batches durable (SQLite) ------------------------------------------ */

/* fdatasync the log through the syncer's descriptor, after making sure it
 * is still the file at wal_path (SQLite removes the log only when the last
 * connection closes, and the writer's is open; should it ever be another
 * file, the new one is opened and both are synced; when it cannot be
 * opened, the log was not synced: open's errno).  Returns 0, or an errno;
 * *fsync_failed: an fdatasync failed (sync_main). */
/* Sync the directory that holds path (absolute, or relative to the working
 * directory), so that its entry naming the file is on disk: syncing a file
 * does not make durable the entry that names it (fsync(2), NOTES).  SQLite's
 * unix VFS does this once for a new log at its first sync; the syncer's
 * own fdatasync of the log bypasses that.  Counts it in the writer's
 * figures.  Returns 0 or an errno. */
static int
dir_sync(scan_writer *w, const char *path)
{
	int err = sj_sync_dir(path);

	if (err == 0) {
		pthread_mutex_lock(&w->lock);
		w->stats.log_dir_syncs++;
		pthread_mutex_unlock(&w->lock);
	}
	return err;
}

static int
wal_sync(scan_writer *w, bool *fsync_failed)
{
	struct stat now, mine;
	int err = 0;

	*fsync_failed = false;

	if (stat(w->wal_path, &now) == 0 &&
	    (fstat(w->wal_fd, &mine) != 0 || now.st_ino != mine.st_ino || now.st_dev != mine.st_dev)) {
		int fd = open(w->wal_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err = errno;  /* (the old file is still synced below) */
		else {
			if (fdatasync(w->wal_fd) != 0) {
				err = errno;
				*fsync_failed = true;
			}
			close(w->wal_fd);
			w->wal_fd = fd;
			/* a new file: its name too, or a power cut may lose it */
			int derr = dir_sync(w, w->wal_path);

			if (derr != 0) {
				if (err == 0)
					err = derr;
				*fsync_failed = true;
			}
		}
	}
	if (fdatasync(w->wal_fd) != 0) {
		if (err == 0)
			err = errno;
		*fsync_failed = true;
	}
	return err;
}

/* Fail the jobs of list that were written (rc SJ_OK): their log could not
 * be made durable (err, an errno) — by the sync meant for them (a failed
 * fdatasync when restart, after which the server must be restarted), or
 * (earlier) by a failed fdatasync before them. */
static void
fail_not_durable(scan_job *list, int err, bool restart, bool earlier)
{
	for (scan_job *j = list; j; j = j->next) {
		if (j->rc != SJ_OK)
			continue;
		if (earlier)
			j->rc = sj_fail(&j->err, SJ_EUNAVAIL, NULL, "the log could not be made "
			    "durable (%s) since an earlier scan; the server must be restarted, then "
			    "retry with the same idempotency key", strerror(err));
		else
			j->rc = sj_fail(&j->err, SJ_EUNAVAIL, NULL, "the scan was written but could "
			    "not be made durable (%s); %sretry with the same idempotency key",
			    strerror(err), restart ? "the server must be restarted, then " : "");
		j->alert.id = 0;
	}
}

/* The syncer: takes every batch committed since its last sync, syncs the
 * log once for all of them — every frame they wrote was in the file
 * before the call, so all are durable after it — and answers them, while
 * the writer writes the next batches.  A failed sync fails the scans it
 * should have made durable (they may or may not survive a power cut); a
 * failed fdatasync fails every scan after them too, until the server is
 * restarted (sync_failed;
 * scan_writer_submit refuses new ones): once fdatasync has failed, Linux
 * may have dropped the log's unwritten pages (marked clean, the error
 * reported once), so a later sync that succeeds says nothing of them, and
 * every later frame lies behind them in the log's checksum chain, where
 * SQLite's recovery stops at the first bad frame — acknowledged after a
 * later sync, a scan (or the failed one's retry, answered as a replay of
 * its committed row) could still be lost to a power cut.  PostgreSQL stops
 * the same way (a PANIC) for the same reason. */
static void *
sync_main(void *arg)
{
	scan_writer *w = arg;
	scan_job *list;
	uint64_t t0, took;
	int err, failed;
	bool fsync_failed = false;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while ((w->sync_head == NULL && !w->writer_ended) || w->sync_held)
			pthread_cond_wait(&w->to_sync, &w->lock);
		if (w->sync_head == NULL) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		list = w->sync_head;
		w->sync_head = w->sync_tail = NULL;
		failed = w->sync_failed;
		pthread_mutex_unlock(&w->lock);
		t0 = mono_ns();
		err = failed ? failed : wal_sync(w, &fsync_failed);
		took = mono_ns() - t0;
		if (err && !failed && !fsync_failed)
			log_error("writer: cannot sync the log %s: %s", w->wal_path, strerror(err));
		else if (err && !failed)
			log_error("writer: cannot sync the log %s: %s; no scan is taken until "
			    "the server is restarted", w->wal_path, strerror(err));
		if (err)
			fail_not_durable(list, err, fsync_failed, failed != 0);
		pthread_mutex_lock(&w->lock);
		if (err && !failed && fsync_failed)
			w->sync_failed = err;
		w->stats.sync_failed = w->sync_failed;
		if (!failed) {
			w->stats.syncs++;
			w->stats.sync_ns += took;
			if (took > w->stats.sync_max_ns)
				w->stats.sync_max_ns = took;
		}
		count_waited(w, list);
		pthread_mutex_unlock(&w->lock);
		answer(list);
	}
	return NULL;
}

/* Start the syncer (SQLite): the log's path and a descriptor of it, the
 * writer's commits no longer syncing it, the thread.  Without it — no
 * log file, an error — the writer's commits sync the log themselves, as
 * before; a warning says so. */
static void
start_syncer(scan_writer *w)
{
	sj_err e = {0};
	int err;

	w->wal_fd = -1;
	if (store_wal_path(w->s, &w->wal_path, &e) != SJ_OK || w->wal_path == NULL)
		goto fail;
	if ((w->wal_fd = open(w->wal_path, O_RDONLY | O_CLOEXEC)) < 0) {
		sj_fail(&e, SJ_EDB, NULL, "%s: %s", w->wal_path, strerror(errno));
		goto fail;
	}
	/* The log may be new (SQLite made it when the store was opened): its
	 * name must be on disk before the first scan is answered. */
	if ((err = dir_sync(w, w->wal_path)) != 0) {
		sj_fail(&e, SJ_EDB, NULL, "cannot sync the folder of %s: %s", w->wal_path,
		    strerror(err));
		goto fail;
	}
	pthread_cond_init(&w->to_sync, NULL);
	if (store_exec(w->s, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC "=1", &e) != SJ_OK ||
	    pthread_create(&w->syncer, NULL, sync_main, w) != 0) {
		store_exec(w->s, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC "=0", NULL);
		pthread_cond_destroy(&w->to_sync);
		goto fail;
	}
	w->syncing = true;
	return;
fail:
	log_warn("writer: each commit syncs the log itself (no syncer: %s)",
	    e.msg[0] ? e.msg : "no log file");
	if (w->wal_fd >= 0)
		close(w->wal_fd);
	w->wal_fd = -1;
	free(w->wal_path);
	w->wal_path = NULL;
}

/* ---- periodic work ----------------------------------------------------------- */

/* The disinfection check, on the writer's connection: its alerts go to the
 * live feed once the commit that stored them is durable — through the
 * syncer when it runs (the commit did not sync the log: a power cut could
 * lose an alert the feed had shown), as jobs that answer no one. */
static void
check_overdue(scan_writer *w, int64_t now)
{
	alert raised[OVERDUE_MAX];
	scan_job *list = NULL, *last = NULL;
	size_t n = 0;
	sj_err e = {0};

	if (disinfection_check_overdue(w->s, now, raised, OVERDUE_MAX, &n, &e) != SJ_OK) {
		log_warn("writer: disinfection check failed: %s", e.msg);
		return;
	}
	if (n)
		log_info("writer: %zu places overdue for disinfection", n);
	for (size_t i = 0; i < n && i < OVERDUE_MAX; i++) {
		scan_job *j;
		if (!w->syncing) {
			alert_feed_publish(&raised[i]);
			continue;
		}
		j = sj_calloc(1, sizeof *j);
		j->alert = raised[i];
		j->done = free_job;
		j->queued_ns = mono_ns();
		if (last)
			last->next = j;
		else
			list = j;
		last = j;
	}
	if (list == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->sync_tail)
		w->sync_tail->next = list;
	else
		w->sync_head = list;
	w->sync_tail = last;
	pthread_cond_signal(&w->to_sync);
	pthread_mutex_unlock(&w->lock);
}

/* ---- the thread -------------------------------------------------------------- */

/* Take up to WRITER_BATCH_MAX jobs off the queue; the lock is held. */
static scan_job *
take_batch(scan_writer *w, size_t *n)
{
	scan_job *batch = w->head, *last = w->head;

	*n = 1;
	while (*n < WRITER_BATCH_MAX && last->next) {
		last = last->next;
		(*n)++;
	}
	w->head = last->next;
	if (w->head == NULL)
		w->tail = NULL;
	last->next = NULL;
	w->queued -= *n;
	return batch;
}

static void *
writer_main(void *arg)
{
	scan_writer *w = arg;
	struct timespec until;
	scan_job *batch;
	size_t n;
	int64_t now;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->stopping && dt_now() < w->next_overdue) {
			until.tv_sec = (time_t)w->next_overdue;
			until.tv_nsec = 0;
			if (pthread_cond_timedwait(&w->more, &w->lock, &until) == ETIMEDOUT)
				break;
		}
		if (w->head == NULL && w->stopping) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		batch = w->head ? take_batch(w, &n) : NULL;
		pthread_mutex_unlock(&w->lock);
		if (batch)
			write_batch(w, batch, n);
		if ((now = dt_now()) >= w->next_overdue) {
			uint64_t t0 = mono_ns(), took;

			check_overdue(w, now);
			/* Give the C heap's free pages back to the system: glibc
			 * keeps what a thread freed in that thread's arena, so
			 * without this the resident size follows each thread's
			 * largest past request, not what is in use (issue 10
			 * soak, docs/reliability.md). */
			malloc_trim(0);
			w->next_overdue = now + WRITER_OVERDUE_EVERY_S;
			took = mono_ns() - t0;
			pthread_mutex_lock(&w->lock);
			if (took > w->stats.periodic_max_ns)
				w->stats.periodic_max_ns = took;
			pthread_mutex_unlock(&w->lock);
		}
	}
	return NULL;
}

/* One checkpoint pass on the checkpointer's connection, passive or
 * RESTART; *frames gets the frames the WAL held when it began and *left
 * those it could not copy (both -1 on error).  Returns whether it was
 * done: false on an error, or when a RESTART pass gave up waiting for a
 * reader. */
static bool
checkpoint_pass(scan_writer *w, bool restart, int64_t *frames, int64_t *left)
{
	static const char passive[] = "PRAGMA wal_checkpoint(PASSIVE)";
	static const char restart_sql[] = "PRAGMA wal_checkpoint(RESTART)";
	const char *sql = restart ? restart_sql : passive;
	store_stmt *st;
	sj_err e = {0};
	bool row = false, busy;

	*frames = *left = -1;
	if (store_prepare(w->cs, sql, &st, &e) != SJ_OK || store_step(st, &row, &e) != SJ_OK) {
		log_warn("writer: checkpoint failed: %s", e.msg);
		return false;
	}
	if (!row)
		return false;
	busy = store_col_int(st, 0) != 0;
	*frames = store_col_int(st, 1);
	*left = *frames - store_col_int(st, 2);
	store_reset(st);
	return !busy;
}

/* One round of the checkpointer (checkpointer_main says why).  Passive
 * passes, each followed by a sync of the database file (PRAGMA
 * sijin_db_sync), copy the WAL and write its pages to disk while the
 * writer goes on; they run again, at most CHECKPOINT_PASSIVE_MAX times in
 * all, while a pass found CHECKPOINT_HELD_FRAMES frames or more committed
 * since the previous one.  Then, when CHECKPOINT_RESTART_EVERY_MS have
 * passed since *restart_ns (CLOCK_MONOTONIC, set here), the RESTART pass
 * holds the writer (batch_lock) only to copy and sync what was committed
 * since the last passive pass began.  *restarted_at: the WAL's frames
 * when the last RESTART pass copied them all and no reader was left (-1:
 * not so); the round does nothing more while the WAL still holds just
 * those. */
static void
checkpoint_round(scan_writer *w, int64_t *restarted_at, uint64_t *restart_ns)
{
	int64_t frames = 0, left = 0, before = 0;
	uint64_t held;
	bool done;

	for (int i = 0; i < CHECKPOINT_PASSIVE_MAX; i++) {
		checkpoint_pass(w, false, &frames, &left);
		if (frames <= 0 || (frames == *restarted_at && left <= 0))
			return;
		/* An error here only leaves more for the RESTART pass's sync. */
		store_exec(w->cs, "PRAGMA " WALBUF_PRAGMA_DB_SYNC, NULL);
		if (frames - before < CHECKPOINT_HELD_FRAMES)
			break;
		before = frames;
	}
	if (mono_ns() - *restart_ns < CHECKPOINT_RESTART_EVERY_MS * UINT64_C(1000000))
		return;
	pthread_mutex_lock(&w->batch_lock);
	held = *restart_ns = mono_ns();
	done = checkpoint_pass(w, true, &frames, &left);
	held = mono_ns() - held;
	pthread_mutex_unlock(&w->batch_lock);
	*restarted_at = done && left == 0 ? frames : -1;
	pthread_mutex_lock(&w->lock);
	w->stats.checkpoint_hold_ns += held;
	w->stats.checkpoint_holds++;
	if (held > w->stats.checkpoint_hold_max_ns)
		w->stats.checkpoint_hold_max_ns = held;
	pthread_mutex_unlock(&w->lock);
}

/* The checkpointer: every CHECKPOINT_EVERY_MS a passive checkpoint, which
 * copies committed WAL frames into the database without blocking the
 * writer or readers.  With the writer's automatic checkpoints off, a
 * commit is only the WAL write and its fsync; the database file's fsync
 * happens here.
 *
 * SQLite starts the WAL again from its top only when a writer begins a
 * transaction while every frame has been copied and no reader still uses
 * one.  Under steady load that never happens by itself: the writer begins
 * its next batch right after a commit, before any checkpoint could copy
 * it, so the WAL grows without bound — 5.5 GB in 60 s of the scan
 * benchmark, every commit appending to a file that grew and every
 * fdatasync carrying its new size (the server's CPU a scan grew with it,
 * bench/RESULTS.md "HTTP scans in 60 s").  So whenever the WAL holds
 * frames, a second pass runs between two batches (holding batch_lock): a
 * RESTART checkpoint, which copies only the frames of the batches
 * committed during the first pass and waits (at most the connection's
 * busy_timeout) for readers still on the WAL; the writer's next
 * transaction then starts the WAL again.  Not again while the WAL stays
 * as it was (nothing was written since: the next write restarts it).
 * Before, the second pass ran only when the first left frames behind,
 * which a passive pass, copying what was committed when it began, hardly
 * ever reports.
 *
 * That RESTART pass also syncs the database file, and the sync wrote out
 * every page the passive pass had copied (~10,000–15,000 frames, 40–60 MB,
 * a round under the scan benchmark): it held the writer ~24 ms (at most
 * ~100 ms), and those batches' answers with it — the tail of the scans'
 * latency (bench/RESULTS.md "The checkpointer's hold on the writer").  So
 * the passive passes are followed by a sync of their own, outside the
 * lock, and repeated while they find much that is new
 * (checkpoint_round): the RESTART pass is left with the last few
 * milliseconds' frames.  It then holds the writer ~5–12 ms whether the
 * WAL is 10,000 frames long or 25,000, so it runs at most every
 * CHECKPOINT_RESTART_EVERY_MS (every other round), which halved the time
 * the writer was held in all (bench/RESULTS.md). */
static void *
checkpointer_main(void *arg)
{
	scan_writer *w = arg;
	struct timespec until;
	int64_t restarted_at = -1;
	uint64_t restart_ns = 0;

	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += CHECKPOINT_EVERY_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&w->stop_cond, &w->lock, &until);
		if (w->stopping)
			break;
		pthread_mutex_unlock(&w->lock);
		checkpoint_round(w, &restarted_at, &restart_ns);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* After the writer thread ended: let the syncer answer what is left and
 * end, and the writer's connection sync its log at commits again. */
static void
stop_syncer(scan_writer *w)
{
	if (!w->syncing)
		return;
	pthread_mutex_lock(&w->lock);
	w->writer_ended = true;
	w->sync_held = false;
	pthread_cond_broadcast(&w->to_sync);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->syncer, NULL);
	store_exec(w->s, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC "=0", NULL);
	pthread_cond_destroy(&w->to_sync);
	close(w->wal_fd);
	free(w->wal_path);
	w->wal_path = NULL;
	w->syncing = false;
}

void
scan_writer_hold_sync(scan_writer *w, bool hold)
{
	pthread_mutex_lock(&w->lock);
	w->sync_held = hold;
	if (w->syncing)
		pthread_cond_broadcast(&w->to_sync);
	pthread_mutex_unlock(&w->lock);
}

sj_rc
scan_writer_start(const char *url, scan_writer **out, sj_err *e)
{
	scan_writer *w;
	pthread_condattr_t ca;
	sj_rc rc;

	*out = NULL;
	w = sj_calloc(1, sizeof *w);
	w->scan_ids = -1;
	if ((rc = store_open(url, 0, &w->s, e)) != SJ_OK) {
		free(w);
		return rc;
	}
	if (store_get_dialect(w->s) == STORE_SQLITE &&
	    (store_exec(w->s, WRITER_PRAGMAS, e) != SJ_OK ||
	    store_open(url, 0, &w->cs, e) != SJ_OK ||
	    store_exec(w->cs, CHECKPOINTER_PRAGMAS, e) != SJ_OK)) {
		store_close(w->cs);
		store_close(w->s);
		free(w);
		return e ? e->rc : SJ_EDB;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->batch_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_cond_init(&w->more, &ca);  /* CLOCK_REALTIME: next_overdue is an instant */
	pthread_cond_init(&w->stop_cond, &ca);
	pthread_condattr_destroy(&ca);
	w->next_overdue = dt_now() + 5;
	if (w->cs)
		w->people = scan_memo_new();  /* SQLite: people_memo_check keeps it true */
	/* Rows are held only on PostgreSQL, which pays per statement; on
	 * SQLite the multi-row statements cost more than they save. */
	w->rows = w->cs ? NULL : scan_rows_new();
	if (w->cs)
		start_syncer(w);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		stop_syncer(w);
		store_close(w->cs);
		store_close(w->s);
		scan_memo_free(w->people);
		scan_rows_free(w->rows);
		pthread_cond_destroy(&w->stop_cond);
		pthread_cond_destroy(&w->more);
		pthread_mutex_destroy(&w->batch_lock);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return sj_fail(e, SJ_EINTERNAL, NULL, "cannot start the scan writer thread");
	}
	if (w->cs)
		w->checkpointing = pthread_create(&w->checkpointer, NULL, checkpointer_main, w) == 0;
	*out = w;
	return SJ_OK;
}

sj_rc
scan_writer_submit(scan_writer *w, scan_job *job, sj_err *e)
{
	job->next = NULL;
	job->queued_ns = mono_ns();
	pthread_mutex_lock(&w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return sj_fail(e, SJ_EUNAVAIL, NULL, "the server is stopping");
	}
	if (w->sync_failed) {
		int err = w->sync_failed;
		pthread_mutex_unlock(&w->lock);
		return sj_fail(e, SJ_EUNAVAIL, NULL, "the log could not be made durable (%s); scans "
		    "are refused until the server is restarted", strerror(err));
	}
	if (w->queued >= WRITER_QUEUE_MAX) {
		pthread_mutex_unlock(&w->lock);
		return sj_fail(e, SJ_EBUSY, "scan", "the scan queue is full; retry");
	}
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->queued++;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->lock);
	return SJ_OK;
}

/* For scan_writer_run: a job with a waiter. */
typedef struct waiter {
	scan_job job;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool done;
} waiter;

static void
waiter_done(scan_job *job, void *cls)
{
	waiter *wt = cls;

	(void)job;
	pthread_mutex_lock(&wt->lock);
	wt->done = true;
	pthread_cond_signal(&wt->done_cond);
	pthread_mutex_unlock(&wt->lock);
}

sj_rc
scan_writer_run(scan_writer *w, const scan_prepared *in, scan_result *out, sj_err *e)
{
	waiter *wt = sj_calloc(1, sizeof *wt);
	sj_rc rc;

	wt->job.in = *in;
	wt->job.done = waiter_done;
	wt->job.cls = wt;
	pthread_mutex_init(&wt->lock, NULL);
	pthread_cond_init(&wt->done_cond, NULL);
	if ((rc = scan_writer_submit(w, &wt->job, e)) == SJ_OK) {
		pthread_mutex_lock(&wt->lock);
		while (!wt->done)
			pthread_cond_wait(&wt->done_cond, &wt->lock);
		pthread_mutex_unlock(&wt->lock);
		rc = wt->job.rc;
		if (rc == SJ_OK)
			*out = wt->job.out;
		else if (e)
			*e = wt->job.err;
	}
	pthread_cond_destroy(&wt->done_cond);
	pthread_mutex_destroy(&wt->lock);
	free(wt);
	return rc;
}

void
scan_writer_stats(scan_writer *w, writer_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	pthread_mutex_unlock(&w->lock);
}

void
scan_writer_drain(scan_writer *w)
{
	if (w == NULL || w->drained)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->more);
	pthread_cond_broadcast(&w->stop_cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	stop_syncer(w);
	if (w->checkpointing)
		pthread_join(w->checkpointer, NULL);
	w->drained = true;
}

void
scan_writer_stop(scan_writer *w)
{
	if (w == NULL)
		return;
	scan_writer_drain(w);
	/* The last checkpoint, so that the WAL is short at the next start. */
	if (w->cs)
		store_exec(w->cs, "PRAGMA wal_checkpoint(PASSIVE)", NULL);
	store_close(w->cs);
	store_close(w->s);
	scan_memo_free(w->people);
	scan_rows_free(w->rows);
	pthread_cond_destroy(&w->stop_cond);
	pthread_cond_destroy(&w->more);
	pthread_mutex_destroy(&w->batch_lock);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
