/*
 * sqlite — the embedded SQLite driver of the store layer.
 *
 * Every connection runs in WAL mode (readers never block the writer),
 * with foreign keys enforced, synchronous=FULL (an acknowledged commit
 * survives power loss) and a busy handler so that short write locks wait
 * instead of failing.  Tables are STRICT (see schema/sqlite/).
 *
 * The busy handler polls every 100 µs (then every 1 ms after the first
 * 5 ms), for at most BUSY_TIMEOUT_MS: SQLite's own handler backs off to
 * 100 ms sleeps, and a connection that sleeps that long almost never finds
 * the lock free while the scan writer commits batch after batch.  Every
 * wait is noted (store_others_waiting), so that the scan writer can leave
 * a gap between its batches for whoever waits in this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsync.h"
#include "store/driver.h"
#include "store/pagecache.h"
#include "store/walbuf.h"

#define BUSY_TIMEOUT_MS 5000
#define BUSY_RECENT_NS 1000000  /* a wait this recent counts as "waiting now" */

/* CLOCK_MONOTONIC of the latest busy wait of any connection of the process. */
static _Atomic int64_t last_busy_ns;
/* When this thread's current wait began (the handler's first call). */
static _Thread_local int64_t busy_since_ns;

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* sqlite3_busy_handler: n is how often it was called for this wait. */
static int
sqlite_busy(void *cls, int n)
{
	int64_t now = mono_ns();

	(void)cls;
	if (n == 0)
		busy_since_ns = now;
	if (now - busy_since_ns >= (int64_t)BUSY_TIMEOUT_MS * 1000000)
		return 0;
	atomic_store(&last_busy_ns, now);
	usleep(n < 50 ? 100 : 1000);
	return 1;
}

bool
store_others_waiting(void)
{
	int64_t last = atomic_load(&last_busy_ns);

	return last != 0 && mono_ns() - last < BUSY_RECENT_NS;
}

/* Map a SQLite result code to the project's, with the driver's message. */
static sj_rc
sqlite_fail(sqlite3 *db, int src, sj_err *e)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(src);
	sj_rc rc;

	switch (src) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		rc = SJ_ECONFLICT;
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_DATATYPE:
		rc = SJ_EINVAL;
		break;
	default:
		switch (src & 0xff) {
		case SQLITE_BUSY:
		case SQLITE_LOCKED:
			rc = SJ_EBUSY;
			break;
		case SQLITE_FULL:
		case SQLITE_READONLY:
		case SQLITE_IOERR:
			rc = SJ_EUNAVAIL;
			break;
		default:
			rc = SJ_EDB;
		}
	}
	return sj_fail(e, rc, NULL, "database: %s", msg);
}

static sj_rc
sqlite_exec(void *conn, const char *sql, sj_err *e)
{
	sqlite3 *db = conn;
	int src = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return src == SQLITE_OK ? SJ_OK : sqlite_fail(db, sqlite3_extended_errcode(db), e);
}

static sj_rc
sqlite_open(const char *url, const char *shown, unsigned flags, void **conn, sj_err *e)
{
	sqlite3 *db = NULL;
	struct stat st;
	int oflags = SQLITE_OPEN_NOMUTEX, src;
	sj_rc rc;

	(void)shown;  /* a file path holds no password */
	if (!(flags & STORE_CREATE) && stat(url, &st) != 0)
		return sj_fail(e, SJ_ENOTFOUND, "db",
		    "%s does not exist (create it with `sijin init` or `sijin demo`)", url);
	oflags |= (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
	    : SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	pagecache_install();  /* before SQLite initialises (store/pagecache.h) */
	src = sqlite3_open_v2(url, &db, oflags, walbuf_vfs_name());
	if (src != SQLITE_OK) {
		rc = sj_fail(e, SJ_EDB, "db", "cannot open %s: %s", url,
		    db ? sqlite3_errmsg(db) : sqlite3_errstr(src));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_handler(db, sqlite_busy, NULL);
	/* Reading the schema proves the file is a database at all. */
	rc = sqlite_exec(db, (flags & STORE_READONLY)
	    ? "PRAGMA foreign_keys=ON; SELECT count(*) FROM sqlite_schema;"
	    : "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
	      "PRAGMA synchronous=FULL; SELECT count(*) FROM sqlite_schema;", e);
	if (rc != SJ_OK) {
		sj_fail(e, rc == SJ_EBUSY ? SJ_EBUSY : SJ_EDB, "db", "cannot use %s: %s",
		    url, sqlite3_errmsg(db));
		goto fail;
	}
	*conn = db;
	return SJ_OK;
fail:
	sqlite3_close_v2(db);
	return e ? e->rc : SJ_EDB;
}

static void
sqlite_close(void *conn)
{
	sqlite3_close_v2(conn);
}

static sj_rc
sqlite_exists(const char *url, const char *shown, bool *exists, sj_err *e)
{
	struct stat st;

	(void)shown;
	(void)e;
	*exists = stat(url, &st) == 0;
	return SJ_OK;
}

/* The database file and the files SQLite keeps beside it. */
static sj_rc
sqlite_destroy(const char *url, const char *shown, sj_err *e)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[4096];

	(void)shown;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(path, sizeof path, "%s%s", url, suffixes[i]);
		if (unlink(path) != 0 && errno != ENOENT)
			return sj_fail(e, SJ_EIO, "db", "cannot remove %s: %s", path, strerror(errno));
	}
	return SJ_OK;
}

static sj_rc
sqlite_prepare(void *conn, const char *sql, void **stmt, sj_err *e)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

	if (src != SQLITE_OK)
		return sqlite_fail(conn, src, e);
	*stmt = st;
	return SJ_OK;
}

static void
sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void
sqlite_bind_int(void *stmt, int i, int64_t v)
{
	sqlite3_bind_int64(stmt, i, v);
}

static void
sqlite_bind_text(void *stmt, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_TRANSIENT);
}

static void
sqlite_bind_blob(void *stmt, int i, const void *p, size_t n)
{
	if (p == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_blob64(stmt, i, p, n, SQLITE_TRANSIENT);
}

static void
sqlite_bind_null(void *stmt, int i)
{
	sqlite3_bind_null(stmt, i);
}

static void
sqlite_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static sj_rc
sqlite_step(void *conn, void *stmt, bool *row, sj_err *e)
{
	int src = sqlite3_step(stmt);
	sj_rc rc;

	*row = false;
	if (src == SQLITE_ROW) {
		*row = true;
		return SJ_OK;
	}
	if (src == SQLITE_DONE) {
		sqlite_reset(stmt);
		return SJ_OK;
	}
	rc = sqlite_fail(conn, sqlite3_extended_errcode(conn), e);
	sqlite_reset(stmt);
	return rc;
}

static int64_t
sqlite_col_int(void *stmt, int i)
{
	return sqlite3_column_int64(stmt, i);
}

static const char *
sqlite_col_text(void *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

static const void *
sqlite_col_blob(void *stmt, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(stmt, i);

	*n = (size_t)sqlite3_column_bytes(stmt, i);
	return p;
}

static bool
sqlite_col_is_null(void *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL;
}

static int64_t
sqlite_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

/* fsync the file at path, and with dir set the folder that holds it (so
 * that a rename survives a crash).  Errors: SJ_EIO (field "file"). */
static sj_rc
sync_path(const char *path, bool dir, sj_err *e)
{
	int fd, err = 0;

	if (dir)
		err = sj_sync_dir(path);
	else if ((fd = open(path, O_RDONLY)) < 0)
		err = errno;
	else {
		if (fsync(fd) != 0)
			err = errno;
		close(fd);
	}
	if (err != 0)
		return sj_fail(e, SJ_EIO, "file", "cannot sync %s: %s", path, strerror(err));
	return SJ_OK;
}

/* Copy src into the new file dst_path with the online backup API, in
 * steps: the source's read transaction (opened by the caller) is the one
 * snapshot every step reads, so writes by other connections neither show
 * up in the copy nor restart it, and in WAL mode they are never blocked. */
static sj_rc
backup_copy(sqlite3 *src, const char *dst_path, store_backup_cb cb, void *cls,
    int64_t *pages, sj_err *e)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int src_rc, step_rc = SQLITE_OK;
	sj_rc rc = SJ_OK;

	src_rc = sqlite3_open_v2(dst_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (src_rc != SQLITE_OK) {
		rc = sj_fail(e, SJ_EIO, "file", "cannot open %s: %s", dst_path,
		    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(src_rc));
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		rc = sj_fail(e, SJ_EDB, "file", "cannot start the backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	while (step_rc == SQLITE_OK || step_rc == SQLITE_BUSY || step_rc == SQLITE_LOCKED) {
		step_rc = sqlite3_backup_step(b, 256);
		if (cb)
			cb(cls, sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
			    sqlite3_backup_pagecount(b));
		if (step_rc == SQLITE_BUSY || step_rc == SQLITE_LOCKED)
			sqlite3_sleep(5);
	}
	if (pages)
		*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	/* The copy is a file to keep, not a live database: a rollback
	 * journal lets it be opened read-only without -wal and -shm files. */
	if (step_rc == SQLITE_DONE &&
	    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		step_rc = sqlite3_extended_errcode(dst);
	if (step_rc != SQLITE_DONE)
		rc = sj_fail(e, step_rc == SQLITE_FULL ? SJ_EIO : SJ_EDB, "file",
		    "backup failed: %s", sqlite3_errstr(step_rc));
out:
	if (sqlite3_close(dst) != SQLITE_OK && rc == SJ_OK)
		rc = sj_fail(e, SJ_EIO, "file", "cannot close %s", dst_path);
	return rc;
}

static sj_rc
sqlite_backup(void *conn, const char *path, store_backup_cb cb, void *cls, int64_t *pages,
    sj_err *e)
{
	sqlite3 *db = conn;
	size_t n = strlen(path) + 8;
	char *tmp = sj_malloc(n);
	struct stat st;
	int fd;
	sj_rc rc;

	snprintf(tmp, n, "%s.tmp", path);
	if (stat(path, &st) == 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "file", "%s exists; a backup never overwrites", path);
		goto out_free;
	}
	/* O_EXCL claims the temporary name: a second backup to the same file
	 * fails here instead of writing into the first one's copy. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		rc = sj_fail(e, errno == EEXIST ? SJ_ECONFLICT : SJ_EIO, "file",
		    "cannot create %s: %s%s", tmp, strerror(errno),
		    errno == EEXIST ? " (left by a failed backup? remove it)" : "");
		goto out_free;
	}
	close(fd);
	/* One read snapshot for the whole copy (see backup_copy). */
	if ((rc = sqlite_exec(db, "BEGIN; SELECT count(*) FROM sqlite_schema;", e)) != SJ_OK)
		goto out_unlink;
	rc = backup_copy(db, tmp, cb, cls, pages, e);
	sqlite_exec(db, "COMMIT", NULL);
	if (rc != SJ_OK)
		goto out_unlink;
	if ((rc = sync_path(tmp, false, e)) != SJ_OK)
		goto out_unlink;
	if (rename(tmp, path) != 0) {
		rc = sj_fail(e, SJ_EIO, "file", "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto out_unlink;
	}
	rc = sync_path(path, true, e);
	goto out_free;
out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	return rc;
}

const store_driver store_sqlite_driver = {
	.name = "sqlite",
	.dialect = STORE_SQLITE,
	.open = sqlite_open,
	.close = sqlite_close,
	.exists = sqlite_exists,
	.destroy = sqlite_destroy,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.bind_int = sqlite_bind_int,
	.bind_text = sqlite_bind_text,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.col_int = sqlite_col_int,
	.col_text = sqlite_col_text,
	.col_blob = sqlite_col_blob,
	.col_is_null = sqlite_col_is_null,
	.reset = sqlite_reset,
	.changes = sqlite_changes,
	.begin_sql = "BEGIN IMMEDIATE",
	.backup = sqlite_backup,
};

int64_t
store_sqlite_heap_bytes(void)
{
	return sqlite3_memory_used();
}
