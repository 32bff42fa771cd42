/* Unit tests for store/walbuf (SQLite only: the VFS is SQLite's): WAL
 * frames held by a connection whose transaction rolled back are never
 * written over frames that another connection committed after it.
 *
 * How it went wrong before: a large transaction spills pages to the WAL
 * before its commit (cache_size smaller than the transaction); walbuf held
 * those frames in memory; the transaction rolled back, which touches no
 * WAL file, and released the write lock with the frames still held;
 * another connection (here the sqlite3 shell's kind: the default VFS)
 * wrote and committed frames at the same offsets; the first connection's
 * next read of the log wrote its held, rolled-back frames over them: the
 * other connection's committed row was gone and the database corrupt. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/walbuf.h"

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
}

/* The single integer sql answers on db. */
static sqlite3_int64
one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The text of the first row sql answers on db ("" when none), into out. */
static void
text(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Remove the temporary file path and the database file with its log
 * and shared memory. */
static void
remove_db(const char *path, const char *file)
{
	char name[80];

	unlink(path);
	unlink(file);
	snprintf(name, sizeof name, "%s-wal", file);
	unlink(name);
	snprintf(name, sizeof name, "%s-shm", file);
	unlink(name);
}

/* Open walbuf's connections with write-behind on (test_rollback_after_spill_behind). */
static bool behind;

static sqlite3 *
open_db(const char *path, const char *vfs)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
	if (behind && vfs)
		exec(db, "PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND "=1");
	return db;
}

static void
test_rollback_after_spill(void **state)
{
	char path[] = "/tmp/sj-walbuf-XXXXXX", file[64], sql[128], ok[64];
	sqlite3 *a, *b, *c;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(file, sizeof file, "%s.db", path);
	assert_non_null(walbuf_vfs_name());
	a = open_db(file, walbuf_vfs_name());
	b = open_db(file, NULL);
	exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
	    "INSERT INTO t VALUES (1, 'first')");
	/* An empty log: the rollback below then reads no page from it. */
	exec(a, "PRAGMA wal_checkpoint(TRUNCATE)");
	/* a: a transaction of ~100 pages with room for 10 spills (< 1 MiB:
	 * walbuf holds every spilled frame), then rolls back. */
	exec(a, "PRAGMA cache_size=10; BEGIN");
	for (int i = 0; i < 400; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d, printf('%%.900c', 'x'))",
		    1000 + i);
		exec(a, sql);
	}
	exec(a, "ROLLBACK");
	/* b commits one row: its frames go where a's spilled ones went. */
	exec(b, "INSERT INTO t VALUES (2, 'second')");
	/* a reads the log (the new row's page is in a frame of b's). */
	assert_int_equal(one(a, "SELECT count(*) FROM t"), 2);
	assert_int_equal(one(a, "SELECT count(*) FROM t WHERE id = 2"), 1);
	sqlite3_close(a);
	sqlite3_close(b);
	/* A fresh connection (recovering the log from the file) sees both
	 * committed rows and an intact database. */
	c = open_db(file, NULL);
	text(c, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(one(c, "SELECT count(*) FROM t"), 2);
	sqlite3_close(c);
	remove_db(path, file);
}

/* The same rollback with write-behind on (PRAGMA sijin_wal_write_behind):
 * the frames handed to the thread are out before the write lock goes. */
static void
test_rollback_after_spill_behind(void **state)
{
	(void)state;
	behind = true;
	test_rollback_after_spill(NULL);
	behind = false;
}

/* Write-behind through a transaction of ~40 MiB with a 2 MiB page cache:
 * many hand-overs, spilled pages read back (held, on their way or
 * written) and rewritten in the same transaction (frames overwritten at
 * earlier offsets).  The oracle: the values the loop put there, summed by
 * hand below, and read back by a connection of SQLite's default VFS after
 * the commit, and an intact database. */
static void
test_write_behind(void **state)
{
	char path[] = "/tmp/sj-walbuf-XXXXXX", file[64], sql[160], ok[64];
	const int n = 20000;
	sqlite3 *a, *c;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(file, sizeof file, "%s.db", path);
	a = open_db(file, walbuf_vfs_name());
	assert_int_equal(one(a, "PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND), 0);
	exec(a, "PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND "=1");
	assert_int_equal(one(a, "PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND), 1);
	exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, pad TEXT);"
	    "CREATE INDEX t_v ON t(v); PRAGMA cache_size=-2048; BEGIN");
	/* rows 1..n with v = id and 2,000 bytes each (~40 MiB), in a random
	 * order of v so the index's pages are dirtied, spilled and read back */
	for (int i = 1; i <= n; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d, %d, printf('%%.2000c', 'x'))",
		    i, (int)(((long long)i * 7919) % n) + 1);
		exec(a, sql);
		/* every 1000th row: rewrite an early row (its page was spilled) */
		if (i % 1000 == 0) {
			snprintf(sql, sizeof sql, "UPDATE t SET v = v + %d WHERE id = %d", n, i / 1000);
			exec(a, sql);
		}
	}
	/* read back the pages of the early rows inside the transaction */
	assert_int_equal(one(a, "SELECT count(*) FROM t WHERE v > 20000"), 20);
	exec(a, "COMMIT");
	/* sum of v: the values 1..n (a permutation) plus 20 × n */
	sqlite3_int64 want = (sqlite3_int64)n * (n + 1) / 2 + 20LL * n;
	assert_int_equal(one(a, "SELECT sum(v) FROM t"), want);
	c = open_db(file, NULL);
	assert_int_equal(one(c, "SELECT count(*) FROM t"), n);
	assert_int_equal(one(c, "SELECT sum(v) FROM t"), want);
	assert_int_equal(one(c, "SELECT sum(length(pad)) FROM t"), 2000LL * n);
	text(c, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	sqlite3_close(c);
	/* a second large transaction on the same connection, after the
	 * first's commit (the thread's buffers reused), rolled back */
	exec(a, "BEGIN; UPDATE t SET pad = printf('%.2000c', 'y'); ROLLBACK");
	sqlite3_close(a);
	c = open_db(file, NULL);
	assert_int_equal(one(c, "SELECT count(*) FROM t WHERE pad LIKE 'y%'"), 0);
	assert_int_equal(one(c, "SELECT sum(v) FROM t"), want);
	text(c, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	sqlite3_close(c);
	remove_db(path, file);
}

/* A default VFS under walbuf whose log files fail one write with
 * SQLITE_FULL when armed, made by a thread other than the test's: the
 * write-behind thread's (a full disk during an import). */
static sqlite3_vfs *unix_vfs, faulty_vfs;
static sqlite3_io_methods faulty_log, counted_db;
static const sqlite3_io_methods *unix_log, *unix_db;
/* Syncs of main database files so far; sync_fails: the next one fails;
 * syncs of logs so far */
static volatile int db_syncs, sync_fails, log_syncs;
static pthread_t test_thread;
static volatile int armed, fired;

static int
faulty_write(sqlite3_file *p, const void *b, int n, sqlite3_int64 off)
{
	if (armed && !pthread_equal(pthread_self(), test_thread)) {
		armed = 0;
		fired = 1;
		return SQLITE_FULL;
	}
	return unix_log->xWrite(p, b, n, off);
}

static int
counted_sync(sqlite3_file *p, int flags)
{
	db_syncs++;
	if (sync_fails) {
		sync_fails = 0;
		return SQLITE_IOERR_FSYNC;
	}
	return unix_db->xSync(p, flags);
}

static int
counted_log_sync(sqlite3_file *p, int flags)
{
	log_syncs++;
	return unix_log->xSync(p, flags);
}

static int
faulty_open(sqlite3_vfs *v, const char *name, sqlite3_file *p, int flags, int *out)
{
	int rc = unix_vfs->xOpen(unix_vfs, name, p, flags, out);

	(void)v;
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_MAIN_DB) && p->pMethods) {
		unix_db = p->pMethods;
		counted_db = *unix_db;
		counted_db.xSync = counted_sync;
		p->pMethods = &counted_db;
	}
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && p->pMethods) {
		unix_log = p->pMethods;
		faulty_log = *unix_log;
		faulty_log.xWrite = faulty_write;
		faulty_log.xSync = counted_log_sync;
		p->pMethods = &faulty_log;
	}
	return rc;
}

/* A write of the write-behind thread fails: the transaction must not
 * commit, whatever the statements after it do, and the connection's next
 * transaction works.  Before the fix the error went to the next read only:
 * SQLite rolled back that statement alone (one with a statement journal),
 * the same statement again succeeded, COMMIT succeeded, and the database
 * held frames the file never got (integrity_check: "On tree page 2528
 * cell 371: Rowid 1003 …"; the review of 455f823). */
static void
test_write_behind_error_kept(void **state)
{
	char path[] = "/tmp/sj-walbuf-XXXXXX", file[64], sql[128], ok[64];
	sqlite3 *a, *c;
	int fd = mkstemp(path), rc;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(file, sizeof file, "%s.db", path);
	a = open_db(file, walbuf_vfs_name());
	exec(a, "PRAGMA " WALBUF_PRAGMA_WRITE_BEHIND "=1");
	/* a log already long (its file keeps its size when it starts again
	 * from the top): a frame the thread failed to write leaves an older
	 * frame's bytes where SQLite will read it, not a short read */
	exec(a, "CREATE TABLE old(b BLOB);"
	    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 8000)"
	    " INSERT INTO old SELECT randomblob(1000) FROM c;"
	    "PRAGMA wal_checkpoint(RESTART)");
	exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);"
	    "CREATE TABLE t2(id INTEGER PRIMARY KEY, u INTEGER UNIQUE, b BLOB);"
	    "PRAGMA cache_size=20; BEGIN;"
	    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)"
	    " INSERT INTO t SELECT i, randomblob(1000) FROM c");
	armed = 1;
	for (int i = 0; i < 20000 && !fired; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d, randomblob(1000))", 10000 + i);
		if (sqlite3_exec(a, sql, NULL, NULL, NULL) != SQLITE_OK)
			break;
		if (i % 100 == 99)
			usleep(1000);  /* let the thread write */
	}
	armed = 0;
	usleep(50000);
	assert_int_equal(fired, 1);
	for (int i = 0; i < 2; i++)
		(void)sqlite3_exec(a, "INSERT INTO t2 SELECT id, id, b FROM t WHERE id <= 200",
		    NULL, NULL, NULL);
	rc = sqlite3_exec(a, "COMMIT", NULL, NULL, NULL);
	if (!sqlite3_get_autocommit(a))
		(void)sqlite3_exec(a, "ROLLBACK", NULL, NULL, NULL);
	assert_true(sqlite3_get_autocommit(a));
	/* committed or not, the database is intact; not committed: t empty */
	c = open_db(file, NULL);
	text(c, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	assert_int_equal(one(c, "SELECT count(*) FROM t"), 0);
	assert_int_equal(one(c, "SELECT count(*) FROM t2"), 0);
	assert_int_not_equal(rc, SQLITE_OK);
	sqlite3_close(c);
	/* the next transaction starts clean */
	exec(a, "BEGIN; INSERT INTO t VALUES (1, randomblob(1000)); COMMIT");
	assert_int_equal(one(a, "SELECT count(*) FROM t"), 1);
	sqlite3_close(a);
	c = open_db(file, NULL);
	text(c, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	sqlite3_close(c);
	remove_db(path, file);
}

/* PRAGMA sijin_db_sync (the scan writer's checkpointer, domain/writer.c)
 * syncs the connection's database file once, returns no row, works
 * outside a transaction and inside one, and fails with the sync's error;
 * the pages a passive checkpoint copied are then in the file. */
static void
test_db_sync(void **state)
{
	char path[] = "/tmp/sj-walbuf-XXXXXX", file[64];
	sqlite3 *a, *c;
	sqlite3_stmt *st = NULL;
	int fd = mkstemp(path), before;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(file, sizeof file, "%s.db", path);
	a = open_db(file, walbuf_vfs_name());
	exec(a, "PRAGMA wal_autocheckpoint=0; CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);"
	    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)"
	    " INSERT INTO t SELECT i, randomblob(1000) FROM c");
	/* a passive checkpoint of a log that grew while it ran syncs no
	 * database file; here nothing grew, so count only the pragma's */
	exec(a, "PRAGMA wal_checkpoint(PASSIVE)");
	before = db_syncs;
	assert_int_equal(sqlite3_prepare_v2(a, "PRAGMA " WALBUF_PRAGMA_DB_SYNC, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(db_syncs, before + 1);
	exec(a, "BEGIN; INSERT INTO t VALUES (1000, x'00'); PRAGMA " WALBUF_PRAGMA_DB_SYNC "; COMMIT");
	assert_int_equal(db_syncs, before + 2);
	/* the sync's error is the statement's */
	sync_fails = 1;
	assert_int_not_equal(sqlite3_exec(a, "PRAGMA " WALBUF_PRAGMA_DB_SYNC, NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sync_fails, 0);
	assert_int_equal(db_syncs, before + 3);
	/* the default VFS does not know the pragma: no sync, no error */
	c = open_db(file, NULL);
	before = db_syncs;
	exec(c, "PRAGMA " WALBUF_PRAGMA_DB_SYNC);
	assert_int_equal(db_syncs, before);
	assert_int_equal(one(c, "SELECT count(*) FROM t"), 101);
	sqlite3_close(c);
	sqlite3_close(a);
	remove_db(path, file);
}

/* PRAGMA sijin_wal_defer_sync (the scan writer, domain/writer.c): with it
 * on, a commit under synchronous=FULL syncs no log, yet its frames are in
 * the log's file for another connection (of the default VFS) at once; a
 * checkpoint by that connection syncs the log before it copies them; off
 * again, the commit syncs the log.  The default VFS does not know the
 * pragma. */
static void
test_defer_sync(void **state)
{
	char path[] = "/tmp/sj-walbuf-XXXXXX", file[64], ok[64];
	sqlite3 *a, *c;
	int fd = mkstemp(path), before;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(file, sizeof file, "%s.db", path);
	a = open_db(file, walbuf_vfs_name());
	c = open_db(file, NULL);
	exec(a, "PRAGMA wal_autocheckpoint=0; CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)");
	exec(c, "PRAGMA wal_autocheckpoint=0");
	assert_int_equal(one(a, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC), 0);
	assert_int_equal(one(a, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC "=1"), 1);
	before = log_syncs;
	exec(a, "BEGIN; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50)"
	    " INSERT INTO t SELECT i, randomblob(1000) FROM c; COMMIT");
	exec(a, "INSERT INTO t VALUES (51, x'01')");
	assert_int_equal(log_syncs, before);
	assert_int_equal(one(c, "SELECT count(*) FROM t"), 51);
	assert_int_equal(one(c, "SELECT sum(length(b)) FROM t"), 50 * 1000 + 1);
	exec(c, "PRAGMA wal_checkpoint(PASSIVE)");
	assert_true(log_syncs > before);
	assert_int_equal(one(a, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC "=0"), 0);
	before = log_syncs;
	exec(a, "INSERT INTO t VALUES (52, x'02')");
	assert_true(log_syncs > before);  /* the commit's (and, the log starting again, its header's) */
	assert_int_equal(one(c, "PRAGMA " WALBUF_PRAGMA_DEFER_SYNC), -1);  /* no row */
	text(c, "PRAGMA integrity_check", ok, sizeof ok);
	assert_string_equal(ok, "ok");
	sqlite3_close(c);
	sqlite3_close(a);
	remove_db(path, file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollback_after_spill),
		cmocka_unit_test(test_rollback_after_spill_behind),
		cmocka_unit_test(test_write_behind),
		cmocka_unit_test(test_write_behind_error_kept),
		cmocka_unit_test(test_db_sync),
		cmocka_unit_test(test_defer_sync),
	};

	/* the faulty VFS is the default before walbuf wraps it (armed: only
	 * in test_write_behind_error_kept) */
	test_thread = pthread_self();
	unix_vfs = sqlite3_vfs_find(NULL);
	faulty_vfs = *unix_vfs;
	faulty_vfs.zName = "sj-faulty";
	faulty_vfs.xOpen = faulty_open;
	sqlite3_vfs_register(&faulty_vfs, 1);

	return cmocka_run_group_tests(tests, NULL, NULL);
}
