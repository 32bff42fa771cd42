/* Unit tests for domain/writer, the group-commit scan writer, on SQLite or
 * PostgreSQL (tests/unit/testdb.h), in the world of tests/unit/cpfix.h:
 *  - three threads record 250 scans each at once through the writer; every
 *    scan is answered, stored once, and the stays derived on the single
 *    writer thread come out exactly as if the scans had been written one
 *    by one (125 closed five-minute stays per person);
 *  - a batch holding a scan refused by its own rules (an exit before its
 *    entry) and one whose statement fails (a person who does not exist)
 *    answers each job on its own: the others are written, the two are not;
 *  - scans of one person at one place submitted together (one batch: on
 *    PostgreSQL its writes go out without waiting) derive the same stays
 *    and replay a key as if written one by one;
 *  - the writer's memo of people (scans prepared with scan_prepare_defer
 *    find their person on the writer) never screens with stale facts: a
 *    resident who passes on entry, then is put in home quarantine through
 *    another connection, is alerted on entry and denied on exit (the
 *    special-group rules of issue 5 / DESIGN.md §4: home quarantine alerts
 *    an entry, denies an exit) from the very next batch; untagged, passes
 *    again;
 *  - (SQLite) a scan is answered only once the syncer has synced the log
 *    after its batch's commit (held, the committed scan stays unanswered);
 *    so is an alert of the periodic disinfection check published; a failed
 *    sync (the syncer's descriptor made a pipe) fails its scan and every
 *    later one, its retry too; the syncer's descriptor found to be another
 *    file and the log not opened again (no descriptor left) fails the scan,
 *    and no more (its retry is then answered); stopping the writer answers
 *    (written) every scan committed while the syncer was held;
 *  - (SQLite) under a steady stream of scans, the writer never idle
 *    between batches, the WAL is started again from its top: the WAL
 *    header's checkpoint sequence number (bytes 12–15, big-endian; SQLite's
 *    file format, "WAL File Format", incremented at every reset) goes up at
 *    least twice within 70,000 scans (20 s at most) — the checkpointer
 *    passes every 250 ms (before, it stayed put and the WAL grew by every
 *    commit: 0 resets in 70,000 scans), the longest hold of its last
 *    pass on the writer is measured, and that pass runs at most every
 *    500 ms (CHECKPOINT_RESTART_EVERY_MS: in 2.5 s or more, at most one
 *    more than the half-seconds);
 *  - a scan held up by another connection's write lock for 40 ms counts in
 *    the writer's figures of scans that waited 10 and 20 ms or more;
 *  - (SQLite) the writer's memos outlive another connection's commit that
 *    changes nothing they copy, and not one that changes a tag; on both
 *    stores the writer sees a scan another connection wrote, and scans
 *    another connection deleted, between two of its own;
 *  - (SQLite) the log's folder is synced when the syncer starts and when
 *    it finds the log replaced, so the log's name is durable.
 * Expected counts are from the inputs: 250 scans alternating in and out
 * make 125 stays; the key-group member's 250 scans raise 250 alerts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <stdio.h>

#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */
#include "unit/cpfix.h"
#include "unit/jobwait.h"
#include "unit/syncfault.h"

#include "domain/disinfection.h"
#include "domain/purge.h"
#include "domain/writer.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */
#define H(h, m) (T0 + (h) * 3600 + (m) * 60)
#define NOW H(23, 0)
#define PER_THREAD 250

typedef struct worker {
	cpfix *f;
	scan_writer *w;
	int64_t checkpoint;
	const char *id_number;
	int failures;
	char first_error[400];
} worker;

static void *
worker_main(void *arg)
{
	worker *wk = arg;
	store *s = NULL;
	sj_err e = {0};

	if (store_open(testdb_url(), 0, &s, &e) != SJ_OK) {
		wk->failures = PER_THREAD;
		return NULL;
	}
	for (int i = 0; i < PER_THREAD; i++) {
		scan_input in = { .checkpoint_id = wk->checkpoint, .id_number = wk->id_number,
		    .direction = i % 2 ? SCAN_OUT : SCAN_IN, .at = H(0, 0) + i * 300,
		    .source = SCAN_SRC_ATTENDANT };
		scan_prepared p;
		scan_result r;
		if (scan_prepare(s, wk->f->keys, &wk->f->settings, &scope_system, &in, NOW, &p, &e)
		    != SJ_OK || scan_writer_run(wk->w, &p, &r, &e) != SJ_OK) {
			if (wk->failures++ == 0)
				snprintf(wk->first_error, sizeof wk->first_error, "%s: %s", e.field, e.msg);
		}
	}
	store_close(s);
	return NULL;
}

static const char *const q[] = {
	"SELECT count(*) FROM stay WHERE exit_recorded = 1 AND exit_at - entry_at = 300",
	"SELECT count(*) FROM stay",
	"SELECT count(DISTINCT id) FROM scan",
};

static void
test_concurrent_group_commit(void **state)
{
	cpfix *f = *state;
	worker wk[3] = {
		{ .f = f, .checkpoint = f->cp_p, .id_number = f->id_resident },
		{ .f = f, .checkpoint = f->cp_p, .id_number = f->id_key },
		{ .f = f, .checkpoint = f->cp_r, .id_number = f->id_visitor },
	};
	pthread_t th[3];
	writer_stats st;
	scan_writer *w;
	sj_err e = {0};

	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	for (int i = 0; i < 3; i++) {
		wk[i].w = w;
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &wk[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		if (wk[i].failures)
			fail_msg("worker %d: %d failures, first: %s", i, wk[i].failures, wk[i].first_error);
	}
	scan_writer_stats(w, &st);
	scan_writer_stop(w);
	assert_int_equal(st.jobs, 3 * PER_THREAD);
	assert_true(st.batches >= 1 && st.batches <= 3 * PER_THREAD);
	assert_int_equal(st.retried, 0);
	/* The longest batch: no longer than all of them, no shorter than
	 * their mean. */
	assert_true(st.write_max_ns > 0 && st.write_max_ns <= st.write_ns);
	assert_true(st.write_max_ns * st.batches >= st.write_ns);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 3 * PER_THREAD);
	assert_int_equal(testdb_int(f->s, q[2]), 3 * PER_THREAD);
	assert_int_equal(testdb_int(f->s, q[1]), 3 * PER_THREAD / 2);
	assert_int_equal(testdb_int(f->s, q[0]), 3 * PER_THREAD / 2);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_ALERTS), PER_THREAD);  /* key group */
}

static void
prepare(cpfix *f, const char *id_number, scan_direction d, int64_t at, scan_job *job)
{
	scan_input in = { .checkpoint_id = f->cp_p, .id_number = id_number, .direction = d,
	    .at = at, .source = SCAN_SRC_ATTENDANT };
	sj_err e = {0};

	memset(job, 0, sizeof *job);
	if (scan_prepare(f->s, f->keys, &f->settings, &scope_system, &in, NOW, &job->in, &e)
	    != SJ_OK)
		fail_msg("prepare: %s: %s", e.field, e.msg);
}

/* Start a writer, submit the n jobs together (so mostly in one batch),
 * wait until each is answered, stop the writer. */
static void
run_together(scan_job *jobs, int n)
{
	jobwait b = JOBWAIT_INIT(n);
	scan_writer *w;
	sj_err e = {0};

	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	for (int i = 0; i < n; i++) {
		jobs[i].done = jobwait_done;
		jobs[i].cls = &b;
		assert_int_equal(scan_writer_submit(w, &jobs[i], &e), SJ_OK);
	}
	jobwait_all(&b);
	scan_writer_stop(w);
}

static void
test_one_bad_job_fails_alone(void **state)
{
	cpfix *f = *state;
	scan_job jobs[4];

	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &jobs[0]);
	prepare(f, f->id_resident, SCAN_OUT, H(8, 0), &jobs[1]);  /* before the entry of jobs[0] */
	prepare(f, f->id_key, SCAN_IN, H(9, 0), &jobs[2]);
	jobs[2].in.person_id = 999999;                             /* no such person: the insert fails */
	prepare(f, f->id_visitor, SCAN_OUT, H(9, 5), &jobs[3]);
	run_together(jobs, 4);
	assert_int_equal(jobs[0].rc, SJ_OK);
	assert_int_equal(jobs[0].out.stay_action, STAY_OPENED);
	assert_int_equal(jobs[1].rc, SJ_EINVAL);
	assert_string_equal(jobs[1].err.field, "time");
	assert_int_not_equal(jobs[2].rc, SJ_OK);
	assert_int_equal(jobs[3].rc, SJ_OK);
	assert_int_equal(jobs[3].out.stay_action, STAY_NONE);      /* an exit without an entry */
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 2);
}

/* Scans of one person at one place submitted together (so mostly in one
 * batch): on PostgreSQL the batch's writes are sent ahead without waiting
 * (store_defer_writes), and each later scan's read of the person's history
 * must see the earlier ones' writes.  By hand: in 09:00, out 09:05, in
 * 09:10, out 09:15 make two closed five-minute stays (as in
 * test_concurrent_group_commit); a fifth scan with the first one's key is
 * that scan again (replayed, same id), nothing stored. */
static void
test_one_pair_many_times_in_a_batch(void **state)
{
	cpfix *f = *state;
	static const stay_action want[4] = { STAY_OPENED, STAY_CLOSED, STAY_OPENED, STAY_CLOSED };
	scan_job jobs[5];

	for (int i = 0; i < 4; i++)
		prepare(f, f->id_resident, i % 2 ? SCAN_OUT : SCAN_IN, H(9, 5 * i), &jobs[i]);
	jobs[0].in.key_fp = 12345;
	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &jobs[4]);
	jobs[4].in.key_fp = 12345;
	run_together(jobs, 5);
	for (int i = 0; i < 5; i++)
		if (jobs[i].rc != SJ_OK)
			fail_msg("job %d: %s: %s", i, jobs[i].err.field, jobs[i].err.msg);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(jobs[i].out.stay_action, want[i]);
		assert_false(jobs[i].out.replayed);
	}
	assert_int_equal(jobs[1].out.stay_exit_at - jobs[1].out.stay_entry_at, 300);
	assert_true(jobs[4].out.replayed);
	assert_int_equal(jobs[4].out.id, jobs[0].out.id);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 4);
	assert_int_equal(testdb_int(f->s, q[1]), 2);
	assert_int_equal(testdb_int(f->s, q[0]), 2);
}

/* One scan of the resident prepared as a request thread prepares it (the
 * person found by the writer), written alone; its result. */
static scan_result
deferred_scan(cpfix *f, scan_writer *w, scan_direction d, int64_t at)
{
	scan_input in = { .checkpoint_id = f->cp_p, .id_number = f->id_resident, .direction = d,
	    .at = at, .source = SCAN_SRC_ATTENDANT };
	scan_prepared p;
	scan_result r;
	sj_err e = {0};

	if (scan_prepare_defer(f->s, f->keys, &f->settings, &scope_system, &in, NOW, &p, &e)
	    != SJ_OK || scan_writer_run(w, &p, &r, &e) != SJ_OK)
		fail_msg("scan: %s: %s", e.field, e.msg);
	assert_int_equal(r.person_id, f->resident);
	return r;
}

static scan_decision
deferred_decision(cpfix *f, scan_writer *w, scan_direction d, int64_t at)
{
	return deferred_scan(f, w, d, at).decision;
}

/* The resident's tags replaced by tag1 (and tag2), on the fixture's own
 * connection, not the writer's. */
static void
retag(cpfix *f, const char *tag1, const char *tag2)
{
	const char *tags[2] = { tag1, tag2 };
	person_input in = { .tags = tags, .n_tags = tag2 ? 2 : 1 };
	sj_err e = {0};

	if (person_update(f->s, f->keys, &scope_system, f->resident, &in, PERSON_TAGS, 0, &e)
	    != SJ_OK)
		fail_msg("retag: %s: %s", e.field, e.msg);
}

static void
test_people_memo_follows_edits(void **state)
{
	cpfix *f = *state;
	scan_writer *w;
	sj_err e = {0};

	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(deferred_decision(f, w, SCAN_IN, H(9, 0)), SCAN_PASS);
	assert_int_equal(deferred_decision(f, w, SCAN_OUT, H(9, 5)), SCAN_PASS);
	retag(f, "resident", "home_quarantine");
	assert_int_equal(deferred_decision(f, w, SCAN_IN, H(10, 0)), SCAN_ALERT);
	assert_int_equal(deferred_decision(f, w, SCAN_OUT, H(10, 5)), SCAN_DENY);
	retag(f, "resident", NULL);
	assert_int_equal(deferred_decision(f, w, SCAN_OUT, H(10, 10)), SCAN_PASS);
	scan_writer_stop(w);
}

static uint64_t
pair_memo_hits(scan_writer *w)
{
	writer_stats st;

	scan_writer_stats(w, &st);
	return st.pair_memo_hits;
}

/* (SQLite) The writer's memos outlive another connection's commit that
 * changes nothing they copy (a unit renamed, as an API token's last-used
 * time or a visit note would): the resident's third scan at P is planned
 * from the memo of pairs like the second (before schema 0019 every such
 * commit emptied the memos, and the third read the store); then a tag
 * added to the resident on that connection empties them: the exit is
 * denied (home quarantine, DESIGN.md §4) and read from the store. */
static void
test_memos_kept_across_other_commits(void **state)
{
	cpfix *f = *state;
	scan_writer *w;
	sj_err e = {0};
	char sql[96];

	if (testdb_is_pg())
		skip();  /* the writer keeps no memos on PostgreSQL */
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(deferred_scan(f, w, SCAN_IN, H(9, 0)).stay_action, STAY_OPENED);
	assert_int_equal(pair_memo_hits(w), 0);     /* a pair not seen: read from the store */
	assert_int_equal(deferred_scan(f, w, SCAN_OUT, H(9, 5)).stay_action, STAY_CLOSED);
	assert_int_equal(pair_memo_hits(w), 1);
	snprintf(sql, sizeof sql, "UPDATE unit SET name = name || ' (2)' WHERE id = %lld",
	    (long long)f->unit_b);
	assert_int_equal(store_exec(f->s, sql, &e), SJ_OK);
	assert_int_equal(deferred_scan(f, w, SCAN_IN, H(10, 0)).stay_action, STAY_OPENED);
	assert_int_equal(pair_memo_hits(w), 2);
	snprintf(sql, sizeof sql, "INSERT INTO person_tag (person_id, tag) VALUES (%lld, "
	    "'home_quarantine')", (long long)f->resident);
	assert_int_equal(store_exec(f->s, sql, &e), SJ_OK);
	assert_int_equal(deferred_decision(f, w, SCAN_OUT, H(10, 5)), SCAN_DENY);
	assert_int_equal(pair_memo_hits(w), 2);
	scan_writer_stop(w);
}

/* A scan of the resident written by another connection (`sijin scan`
 * writes on its own connection), between two of the writer's: the
 * writer's exit at 09:10 must find the stay [09:00, 09:05) the other's
 * exit closed.  By the rules (domain/stay.h stay_plan: an exit within the
 * re-entry window, 600 s here, of a recorded exit repeats it) it is
 * STAY_SAME and changes nothing: the store holds that one stay, 300 s
 * long.  A memo that missed the other's scan would see the 09:00 stay
 * still open and close it at 09:10 (STAY_CLOSED, 600 s). */
static void
test_writer_sees_other_scans(void **state)
{
	cpfix *f = *state;
	scan_writer *w;
	scan_job other;
	sj_err e = {0};
	char sql[128], sql2[128];  /* two: store_prepare caches statements by the text's address */

	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(deferred_scan(f, w, SCAN_IN, H(9, 0)).stay_action, STAY_OPENED);
	prepare(f, f->id_resident, SCAN_OUT, H(9, 5), &other);
	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	assert_int_equal(scan_write(f->s, &other.in, &other.out, &other.alert, &e), SJ_OK);
	assert_int_equal(store_commit(f->s, &e), SJ_OK);
	assert_int_equal(other.out.stay_action, STAY_CLOSED);
	assert_int_equal(deferred_scan(f, w, SCAN_OUT, H(9, 10)).stay_action, STAY_SAME);
	scan_writer_stop(w);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM stay WHERE person_id = %lld",
	    (long long)f->resident);
	assert_int_equal(testdb_int(f->s, sql), 1);
	snprintf(sql2, sizeof sql2, "SELECT exit_at - entry_at FROM stay WHERE person_id = %lld",
	    (long long)f->resident);
	assert_int_equal(testdb_int(f->s, sql2), 300);
}

/* The resident's scans deleted by another connection, by the retention
 * purge (src/domain/purge.c) run as if 3,651 days had passed (past the
 * fixture's 3,650 days of retention, so the 09:00 entry has expired): the
 * writer's exit at 09:10 finds no entry, so it closes nothing ("no stay",
 * like any exit without an entry) and no stay is stored; a memo that kept
 * the deleted 09:00 entry would answer "closed". */
static void
test_writer_sees_deleted_scans(void **state)
{
	cpfix *f = *state;
	scan_writer *w;
	purge_report rep;
	sj_err e = {0};
	char sql[96];

	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(deferred_scan(f, w, SCAN_IN, H(9, 0)).stay_action, STAY_OPENED);
	assert_int_equal(purge_run(f->s, H(9, 5) + 3651 * 86400, false, &rep, &e), SJ_OK);
	assert_int_equal(rep.rows[PURGE_SCAN], 1);
	assert_int_equal(deferred_scan(f, w, SCAN_OUT, H(9, 10)).stay_action, STAY_NONE);
	scan_writer_stop(w);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM stay WHERE person_id = %lld",
	    (long long)f->resident);
	assert_int_equal(testdb_int(f->s, sql), 0);
}

/* memo_epoch.n (schema 0019) as the writer reads it. */
static int64_t
memo_epoch_now(cpfix *f)
{
	return testdb_int(f->s, "SELECT n FROM memo_epoch WHERE id = 1");
}

/* (SQLite) Every edit the domain code makes to what the writer's memos
 * copy (docs/checkpoint.md "The writer's memos": a person's name, unit,
 * identity number and tags; a place's stay rules; a checkpoint) moves
 * memo_epoch, through the same functions the API and the command line
 * call; edits of what they do not copy (a unit's name, a new person, a new
 * checkpoint) leave it.  (Deleted scans move the scan id counter instead:
 * test_purge.c test_purge_takes_scan_ids.)  A guard against a migration
 * that rebuilds one of these tables the way 0009 (person) did, which
 * drops its triggers with it. */
static void
test_memo_epoch_follows_domain_edits(void **state)
{
	cpfix *f = *state;
	const char *tags[1] = { "home_quarantine" };
	person_input in = { .name = "孙来访二", .unit_id = f->unit_b, .tags = tags, .n_tags = 1 };
	org_place pl = { .unit_id = f->unit_a, .kind = "residential", .name = "便民超市",
	    .records_exits = 0, .default_stay_s = 1800 };
	org_checkpoint cp = { .place_id = f->place_q, .name = "侧门", .kind = "door" };
	org_unit un = {0};
	char id[19];
	arena a;
	sj_err e = {0};
	int64_t n, cp_id, pid;

	if (testdb_is_pg())
		skip();  /* the writer keeps no memos on PostgreSQL: no triggers there */
	arena_init(&a);
	n = memo_epoch_now(f);
	/* not copied: a unit renamed, a person and a checkpoint added */
	assert_int_equal(org_unit_get(f->s, &scope_system, &a, f->unit_b, &un, &e), SJ_OK);
	un.name = "乙公司（新）";
	assert_int_equal(org_unit_update(f->s, &scope_system, f->unit_b, &un, &e), SJ_OK);
	cpfix_id("11010519800404005", id);
	person_input add = { .name = "新来的", .id_number = id, .unit_id = f->unit_b };
	assert_int_equal(person_add(f->s, f->keys, &scope_system, &add, 0, &pid, &e), SJ_OK);
	assert_int_equal(org_checkpoint_add(f->s, &scope_system, &cp, &cp_id, &e), SJ_OK);
	assert_int_equal(memo_epoch_now(f), n);
	/* copied: each moves it */
	assert_int_equal(person_update(f->s, f->keys, &scope_system, f->visitor, &in, PERSON_NAME,
	    0, &e), SJ_OK);
	assert_true(memo_epoch_now(f) > n);
	n = memo_epoch_now(f);
	assert_int_equal(person_update(f->s, f->keys, &scope_system, f->visitor, &in, PERSON_TAGS,
	    0, &e), SJ_OK);
	assert_true(memo_epoch_now(f) > n);
	n = memo_epoch_now(f);
	in.unit_id = f->unit_a;
	assert_int_equal(person_update(f->s, f->keys, &scope_system, f->visitor, &in, PERSON_UNIT,
	    0, &e), SJ_OK);
	assert_true(memo_epoch_now(f) > n);
	n = memo_epoch_now(f);
	assert_int_equal(person_update(f->s, f->keys, &scope_system, f->visitor, &in,
	    PERSON_ID_NUMBER, 0, &e), SJ_OK);  /* NULL: the number cleared */
	assert_true(memo_epoch_now(f) > n);
	n = memo_epoch_now(f);
	assert_int_equal(person_delete(f->s, &scope_system, pid, &e), SJ_OK);
	assert_true(memo_epoch_now(f) > n);
	n = memo_epoch_now(f);
	assert_int_equal(org_place_update(f->s, &scope_system, f->place_q, &pl, &e), SJ_OK);
	assert_true(memo_epoch_now(f) > n);
	n = memo_epoch_now(f);
	assert_int_equal(org_checkpoint_delete(f->s, &scope_system, cp_id, &e), SJ_OK);
	assert_true(memo_epoch_now(f) > n);
	arena_free(&a);
}

/* The stream of test_wal_restarted_under_load: FEED_SLOTS jobs in
 * flight, each slot prepared again and submitted as soon as it is
 * answered, so that the writer finds jobs queued after every batch. */
#define FEED_SLOTS 64
#define FEED_MAX 70000  /* one scan a second from 00:00: all before NOW */

typedef struct feed {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	scan_job jobs[FEED_SLOTS];
	int free[FEED_SLOTS], n_free, failed;
} feed;

static void
feed_done(scan_job *job, void *cls)
{
	feed *fd = cls;

	pthread_mutex_lock(&fd->lock);
	if (job->rc != SJ_OK)
		fd->failed++;
	fd->free[fd->n_free++] = (int)(job - fd->jobs);
	pthread_cond_signal(&fd->cond);
	pthread_mutex_unlock(&fd->lock);
}

/* The WAL header's checkpoint sequence number, or -1 without a WAL. */
static int64_t
wal_ckpt_seq(void)
{
	char path[1300];
	unsigned char h[16];
	FILE *fp;
	size_t got;

	snprintf(path, sizeof path, "%s-wal", testdb_url());
	if (!(fp = fopen(path, "rb")))
		return -1;
	got = fread(h, 1, sizeof h, fp);
	fclose(fp);
	if (got != sizeof h)
		return -1;
	return (int64_t)h[12] << 24 | h[13] << 16 | h[14] << 8 | h[15];
}

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* (SQLite) A scan is answered only after the syncer has made its batch
 * durable: with the syncer held, the scan's batch commits — its row is
 * visible to another connection — yet its done callback has not run 200 ms
 * later; released, it runs, and the writer counts the sync. */
static void
test_answer_waits_for_sync(void **state)
{
	cpfix *f = *state;
	jobwait b = JOBWAIT_INIT(1);
	scan_job job;
	writer_stats st;
	scan_writer *w;
	sj_err e = {0};

	if (testdb_is_pg())
		skip();  /* PostgreSQL's commit returns once durable: no syncer */
	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &job);
	job.done = jobwait_done;
	job.cls = &b;
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	scan_writer_hold_sync(w, true);
	assert_int_equal(scan_writer_submit(w, &job, &e), SJ_OK);
	for (int i = 0; i < 500 && testdb_int(f->s, CPFIX_COUNT_SCANS) == 0; i++)
		usleep(10000);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 1);
	usleep(200000);
	assert_int_equal(jobwait_left(&b), 1);
	scan_writer_hold_sync(w, false);
	jobwait_all(&b);
	assert_int_equal(job.rc, SJ_OK);
	assert_int_equal(job.out.stay_action, STAY_OPENED);
	scan_writer_stats(w, &st);
	scan_writer_stop(w);
	assert_true(st.syncs >= 1);
}

/* (SQLite) A failed sync of the log fails the scans it should have made
 * durable — and every scan after it: once fdatasync has failed, Linux may
 * have dropped the log's unwritten pages (marked clean, the error reported
 * once), so a later sync that succeeds proves nothing about them, and every
 * later frame lies behind them in the log's checksum chain (SQLite's
 * recovery stops at the first bad frame).  Before, the next scan — and the
 * failed one's retry with its idempotency key, answered as a replay of the
 * committed row — was acknowledged after the next sync. */
static void
test_failed_sync_fails_later_scans(void **state)
{
	cpfix *f = *state;
	scan_job first, failed, later;
	scan_writer *w;
	scan_result r;
	char *wal = NULL, real[4096];
	sj_err e = {0};

	if (testdb_is_pg())
		skip();  /* no syncer */
	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &first);
	prepare(f, f->id_resident, SCAN_OUT, H(9, 30), &failed);
	prepare(f, f->id_key, SCAN_IN, H(10, 0), &later);
	assert_int_equal(store_wal_path(f->s, &wal, &e), SJ_OK);
	assert_non_null(wal);
	assert_non_null(realpath(wal, real));
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(scan_writer_run(w, &first.in, &r, &e), SJ_OK);
	assert_true(break_syncer_fd(real));
	/* The claim: the scan whose sync failed is not acknowledged. */
	assert_int_equal(scan_writer_run(w, &failed.in, &r, &e), SJ_EUNAVAIL);
	/* Nothing after it is acknowledged either, the retry of it neither. */
	sj_err_clear(&e);
	assert_int_not_equal(scan_writer_run(w, &later.in, &r, &e), SJ_OK);
	assert_int_equal(e.rc, SJ_EUNAVAIL);
	sj_err_clear(&e);
	assert_int_not_equal(scan_writer_run(w, &failed.in, &r, &e), SJ_OK);
	scan_writer_stop(w);
	free(wal);
}

static void
wake_nothing(void *cls)
{
	(void)cls;
}

/* (SQLite) The alert of the writer's periodic disinfection check (a place
 * whose next round was due a minute ago; the check runs 5 s after the
 * writer starts) reaches the live feed only once the syncer has made its
 * commit durable, like a scan's: with the syncer held, the alert is stored
 * — visible to another connection — yet not on the feed 300 ms later;
 * released, it is.  Before, the check's commit (which no longer synced the
 * log) published its alerts at once. */
static void
test_overdue_alert_waits_for_sync(void **state)
{
	cpfix *f = *state;
	int64_t now = dt_now(), id;
	disinfection d = { .place_id = f->place_p, .area = "大门岗亭", .agent = "84消毒液",
	    .at = now - 3600, .next_due_at = now - 60 };
	alert_feed_scope fs = { .all = true };
	alert_sub *sub;
	alert got[4];
	scan_writer *w;
	sj_err e = {0};
	size_t n = 0;
	const char *stored = "SELECT count(*) FROM alert WHERE reasons = 32";

	if (testdb_is_pg())
		skip();  /* no syncer */
	assert_int_equal(SCAN_R_DISINFECTION_OVERDUE, 32);  /* stored, above */
	assert_int_equal(disinfection_add(f->s, &scope_system, &d, now, &id, &e), SJ_OK);
	sub = alert_feed_subscribe(&fs, wake_nothing, NULL);
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	scan_writer_hold_sync(w, true);
	for (int i = 0; i < 1500 && testdb_int(f->s, stored) == 0; i++)
		usleep(10000);
	assert_int_equal(testdb_int(f->s, stored), 1);
	usleep(300000);
	assert_int_equal(alert_feed_read(sub, got, 4, NULL), 0);
	scan_writer_hold_sync(w, false);
	for (int i = 0; i < 500 && n == 0; i++) {
		n = alert_feed_read(sub, got, 4, NULL);
		if (n == 0)
			usleep(10000);
	}
	assert_int_equal(n, 1);
	assert_int_equal(got[0].place_id, f->place_p);
	assert_int_equal(got[0].reasons, SCAN_R_DISINFECTION_OVERDUE);
	scan_writer_stop(w);
	alert_feed_unsubscribe(sub);
}

/* (SQLite) Stopping the writer answers every scan it committed, durable:
 * with the syncer held, three scans submitted together are committed
 * (their rows visible to another connection) and unanswered; stopping
 * releases the syncer, which syncs the log and answers all three, each
 * written (SJ_OK) — none is lost or left waiting at shutdown. */
static void
test_stop_answers_committed(void **state)
{
	cpfix *f = *state;
	jobwait b = JOBWAIT_INIT(3);
	scan_job jobs[3];
	writer_stats st;
	scan_writer *w;
	sj_err e = {0};

	if (testdb_is_pg())
		skip();  /* no syncer */
	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &jobs[0]);
	prepare(f, f->id_resident, SCAN_OUT, H(9, 30), &jobs[1]);
	prepare(f, f->id_key, SCAN_IN, H(9, 40), &jobs[2]);
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	scan_writer_hold_sync(w, true);
	for (int i = 0; i < 3; i++) {
		jobs[i].done = jobwait_done;
		jobs[i].cls = &b;
		jobs[i].rc = SJ_EINTERNAL;  /* set by the writer */
		assert_int_equal(scan_writer_submit(w, &jobs[i], &e), SJ_OK);
	}
	for (int i = 0; i < 500 && testdb_int(f->s, CPFIX_COUNT_SCANS) < 3; i++)
		usleep(10000);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 3);
	assert_int_equal(jobwait_left(&b), 3);
	scan_writer_drain(w);
	assert_int_equal(jobwait_left(&b), 0);  /* answered before drain returned */
	for (int i = 0; i < 3; i++)
		assert_int_equal(jobs[i].rc, SJ_OK);
	assert_int_equal(jobs[1].out.stay_action, STAY_CLOSED);
	scan_writer_stats(w, &st);
	assert_true(st.syncs >= 1);
	scan_writer_stop(w);
}

/* (SQLite) The syncer's descriptor found to be another file than the log
 * (here a temporary file put in its place), and the log cannot be opened
 * again (no descriptor left: RLIMIT_NOFILE at the lowest free one): the scan
 * is not answered as durable — nothing synced the log.  Before, wal_sync
 * synced only the other file and answered the scan.  No fdatasync failed,
 * so the writer goes on: its retry is answered once the log is opened. */
static void
test_log_not_reopened_fails(void **state)
{
	cpfix *f = *state;
	scan_job first, second;
	scan_writer *w;
	scan_result r;
	char *wal = NULL, real[4096], tmp[] = "/tmp/sj-review8-XXXXXX";
	struct rlimit old, low;
	int other, lowest;
	sj_err e = {0};
	sj_rc rc;

	if (testdb_is_pg())
		skip();  /* no syncer */
	scan_input in = { .checkpoint_id = f->cp_p, .id_number = f->id_resident,
	    .direction = SCAN_OUT, .at = H(9, 30), .source = SCAN_SRC_ATTENDANT,
	    .key = "review8-second" };

	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &first);
	memset(&second, 0, sizeof second);
	assert_int_equal(scan_prepare(f->s, f->keys, &f->settings, &scope_system, &in, NOW,
	    &second.in, &e), SJ_OK);
	assert_int_equal(store_wal_path(f->s, &wal, &e), SJ_OK);
	assert_non_null(realpath(wal, real));
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(scan_writer_run(w, &first.in, &r, &e), SJ_OK);
	assert_true((other = mkstemp(tmp)) >= 0);
	unlink(tmp);
	assert_true(replace_syncer_fd(real, other));
	close(other);
	/* the lowest descriptor free: with it the limit, no open succeeds */
	assert_true((lowest = dup(0)) >= 0);
	close(lowest);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	rc = scan_writer_run(w, &second.in, &r, &e);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(rc, SJ_EUNAVAIL);
	/* No sync failed: the next one opens the log and syncs it, and the
	 * retry is answered, a replay of the row written. */
	sj_err_clear(&e);
	assert_int_equal(scan_writer_run(w, &second.in, &r, &e), SJ_OK);
	assert_true(r.replayed);
	scan_writer_stop(w);
	free(wal);
}

/* (SQLite) The log's name is made durable: the syncer syncs the log's
 * folder when it starts, before any scan is answered, and again when it
 * finds the log replaced by a new file (here its descriptor made another
 * file's, as in test_log_not_reopened_fails), before that scan is
 * answered; a scan with the log unchanged syncs no folder.  (fsync(2): a
 * file's sync does not make the directory entry naming it durable.) */
static void
test_log_folder_synced(void **state)
{
	cpfix *f = *state;
	scan_job first, second;
	writer_stats st;
	scan_writer *w;
	scan_result r;
	char *wal = NULL, real[4096], tmp[] = "/tmp/sj-lead9-XXXXXX";
	int other;
	sj_err e = {0};

	if (testdb_is_pg())
		skip();  /* no syncer */
	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &first);
	prepare(f, f->id_resident, SCAN_OUT, H(9, 30), &second);
	assert_int_equal(store_wal_path(f->s, &wal, &e), SJ_OK);
	assert_non_null(realpath(wal, real));
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	scan_writer_stats(w, &st);
	assert_int_equal(st.log_dir_syncs, 1);
	assert_int_equal(scan_writer_run(w, &first.in, &r, &e), SJ_OK);
	scan_writer_stats(w, &st);
	assert_int_equal(st.log_dir_syncs, 1);
	assert_true((other = mkstemp(tmp)) >= 0);
	unlink(tmp);
	assert_true(replace_syncer_fd(real, other));
	close(other);
	assert_int_equal(scan_writer_run(w, &second.in, &r, &e), SJ_OK);
	scan_writer_stats(w, &st);
	assert_int_equal(st.log_dir_syncs, 2);
	assert_int_equal(st.sync_failed, 0);
	scan_writer_stop(w);
	free(wal);
}

static void
test_wal_restarted_under_load(void **state)
{
	cpfix *f = *state;
	static feed fds;
	feed *fd = &fds;
	struct timespec t0;
	scan_writer *w;
	writer_stats st;
	sj_err e = {0};
	int64_t seq0, seq1;
	double took;
	int k = 0;

	if (testdb_is_pg())
		skip();  /* a WAL file is SQLite's */
	pthread_mutex_init(&fd->lock, NULL);
	pthread_cond_init(&fd->cond, NULL);
	for (int i = 0; i < FEED_SLOTS; i++)
		fd->free[fd->n_free++] = i;
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	seq0 = seq1 = -1;
	pthread_mutex_lock(&fd->lock);
	/* Until the WAL has started again twice and 2.5 s have passed (to
	 * count the RESTART passes), or 20 s: a time bound of 1.5 s failed on
	 * a loaded machine (CI beside builds: 0 and 1 resets in 1.5 s), where
	 * the checkpointer may get the core seldom. */
	while (since(&t0) < 20 && k < FEED_MAX &&
	    (seq0 < 0 || seq1 - seq0 < 2 || since(&t0) < 2.5)) {
		int slot;

		while (fd->n_free == 0)
			pthread_cond_wait(&fd->cond, &fd->lock);
		slot = fd->free[--fd->n_free];
		pthread_mutex_unlock(&fd->lock);
		if (seq0 < 0 && k >= FEED_SLOTS)
			seq0 = wal_ckpt_seq();  /* the first batches are in the WAL */
		else if (seq0 >= 0 && k % 256 == 0)
			seq1 = wal_ckpt_seq();
		prepare(f, f->id_resident, k % 2 ? SCAN_OUT : SCAN_IN, H(0, 0) + k, &fd->jobs[slot]);
		fd->jobs[slot].done = feed_done;
		fd->jobs[slot].cls = fd;
		k++;
		assert_int_equal(scan_writer_submit(w, &fd->jobs[slot], &e), SJ_OK);
		pthread_mutex_lock(&fd->lock);
	}
	seq1 = wal_ckpt_seq();
	while (fd->n_free < FEED_SLOTS)
		pthread_cond_wait(&fd->cond, &fd->lock);
	pthread_mutex_unlock(&fd->lock);
	scan_writer_stats(w, &st);
	took = since(&t0);
	scan_writer_stop(w);
	/* the WAL was started again, so a RESTART pass ran and was timed; and
	 * RESTART passes came at most every 500 ms (every round: ~4 a second) */
	assert_true(st.checkpoint_hold_max_ns > 0 && st.checkpoint_holds > 0);
	if (st.checkpoint_holds > (uint64_t)(took / 0.5) + 1)
		fail_msg("%llu RESTART passes in %.2f s", (unsigned long long)st.checkpoint_holds, took);
	assert_int_equal(fd->failed, 0);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), k);
	assert_true(seq0 >= 0);
	if (seq1 - seq0 < 2)
		fail_msg("WAL reset %lld times in %.1f s of %d scans", (long long)(seq1 - seq0),
		    since(&t0), k);
	pthread_cond_destroy(&fd->cond);
	pthread_mutex_destroy(&fd->lock);
}

/* The writer's figures of how long a scan waited, from submit to its
 * completion (sijin_scan_writer_waited_*, the server's share of issue 5's
 * p99 bound): a scan submitted while another connection holds the write
 * lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the writers' advisory lock)
 * for 40 ms waits at least those 40 ms — counted 10 ms or more and 20 ms
 * or more, the longest ≥ 40 ms and no longer than the test saw from submit
 * to the answer; then one submitted with the lock free, alone, changes
 * the counts only if it took that long by the test's own clock. */
static void
test_waited_counted(void **state)
{
	cpfix *f = *state;
	jobwait b = JOBWAIT_INIT(1);
	struct timespec t0, t1;
	scan_writer *w;
	writer_stats st;
	scan_job job;
	sj_err e = {0};
	double took;

	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &job);
	job.done = jobwait_done;
	job.cls = &b;
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(scan_writer_submit(w, &job, &e), SJ_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);  /* the job was queued between t0 and t1 */
	while (since(&t1) < 0.040)
		usleep(1000);
	store_rollback(f->s);
	jobwait_all(&b);
	took = since(&t0);
	assert_int_equal(job.rc, SJ_OK);
	scan_writer_stats(w, &st);
	assert_int_equal(st.jobs, 1);
	assert_int_equal(st.waited_10ms, 1);
	assert_int_equal(st.waited_20ms, 1);
	assert_true(st.waited_max_ns >= 40000000u);
	assert_true((double)st.waited_max_ns / 1e9 <= took);

	b.left = 1;
	prepare(f, f->id_resident, SCAN_OUT, H(10, 0), &job);
	job.done = jobwait_done;
	job.cls = &b;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(scan_writer_submit(w, &job, &e), SJ_OK);
	jobwait_all(&b);
	took = since(&t0);
	assert_int_equal(job.rc, SJ_OK);
	scan_writer_stats(w, &st);
	assert_int_equal(st.jobs, 2);
	if (took < 0.010)
		assert_int_equal(st.waited_10ms, 1);
	if (took < 0.020)
		assert_int_equal(st.waited_20ms, 1);
	assert_true(st.waited_10ms <= 2 && st.waited_20ms <= st.waited_10ms);
	scan_writer_stop(w);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 2);
}

static void
test_queue_refuses_when_stopping(void **state)
{
	cpfix *f = *state;
	scan_writer *w;
	scan_result r;
	scan_job job;
	sj_err e = {0};

	prepare(f, f->id_resident, SCAN_IN, H(9, 0), &job);
	assert_int_equal(scan_writer_start(testdb_url(), &w, &e), SJ_OK);
	assert_int_equal(scan_writer_run(w, &job.in, &r, &e), SJ_OK);
	assert_true(r.id > 0);
	scan_writer_stop(w);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_group_commit, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_one_bad_job_fails_alone, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_one_pair_many_times_in_a_batch, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_queue_refuses_when_stopping, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_people_memo_follows_edits, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_wal_restarted_under_load, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_answer_waits_for_sync, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_waited_counted, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync_fails_later_scans, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_overdue_alert_waits_for_sync, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_stop_answers_committed, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_log_not_reopened_fails, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_memos_kept_across_other_commits, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_writer_sees_other_scans, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_writer_sees_deleted_scans, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_memo_epoch_follows_domain_edits, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_log_folder_synced, cpfix_state_setup, cpfix_state_teardown),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
