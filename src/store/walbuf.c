/*
 * walbuf — an SQLite VFS over the default one that writes a transaction's
 * WAL frames with a few system calls instead of two a frame.
 *
 * SQLite writes each WAL frame as two writes, its 24-byte header and its
 * page, at consecutive offsets; a batch of the scan writer dirtying a few
 * hundred pages made as many pairs of pwrite calls, ~20 % of the writer's
 * CPU (docs/performance.md).  Here the write-ahead log's file (opened with
 * SQLITE_OPEN_WAL) collects consecutive writes in memory and hands them to
 * the file in writes of up to 124 KiB when SQLite next syncs, truncates,
 * sizes, unlocks or controls that file or closes it, reads bytes partly
 * held, when a write does not follow the previous one (a write of bytes
 * held changes them in place), or when WALBUF_MAX bytes are held; a read
 * of bytes held is answered from them.  A database file is the default VFS's own but for one thing: when
 * its connection lets go of the WAL's write lock, the connection's log
 * writes out what it holds first (below).  Every other file is the default
 * VFS's own.
 *
 * Durability is unchanged: nothing SQLite counts as durable is held here,
 * because with synchronous=FULL (every read-write connection of the store,
 * store/sqlite.c) a commit syncs the log before it publishes the new frames
 * in the WAL index, and the sync writes out what is held first.  Frames of
 * a transaction not yet committed are not visible to other connections (the
 * index's header does not count them), and this connection reads them back
 * only through this file, which writes out first.  A crash loses what was
 * held, as it may lose any write not yet synced.
 *
 * Write-behind (a connection that asks for it with PRAGMA
 * sijin_wal_write_behind=1, as a bulk import does: store_bulk_tune): the
 * held bytes, once WALBUF_MAX of them or a write that does not follow, are
 * handed to a thread of the log's own, which writes them out while the
 * connection goes on; the next hand-over first waits for that write, so the
 * file gets the writes in the order SQLite made them.  Every other write-out
 * (sync, truncate, size, unlock, control, close, the write lock's release)
 * waits for it too, so nothing SQLite counts as written is still on its
 * way when it syncs, and an error of the thread's write is returned by the
 * connection's next call that writes out or reads (SQLite then fails that
 * statement and rolls back: the frames lie beyond the log's last commit).
 * A read of bytes still held or on their way is answered from memory; a
 * read of other bytes goes to the file without writing anything out.  What
 * it buys: a bulk import's spilled frames (~250 MiB for 1 M scans into a
 * store of 10 M) are copied into the OS's cache on the second core, not
 * between the import's B-tree inserts (bench/RESULTS.md "SQLite bulk
 * import: the floor and write-behind").
 *
 * PRAGMA sijin_db_sync on a connection syncs its database file at once
 * (the default VFS's xSync, fdatasync on Linux), outside any transaction
 * and lock: the scan writer's checkpointer syncs the pages its passive
 * checkpoints copied while the writer goes on, so that the sync of its
 * last pass, which holds the writer, finds little left to write
 * (domain/writer.c).  An extra sync changes nothing SQLite relies on.
 *
 * A transaction larger than the page cache writes (spills) frames before
 * its commit; when it rolls back instead, SQLite touches no log file and
 * releases the write lock.  Held past that, the frames would go out at the
 * connection's next read of the log — over the frames that another
 * connection wrote at the same offsets and committed meanwhile (its commit
 * lost, rolled-back pages in its place).  So the database file's wrapper
 * writes them out while the lock is still held, as the default VFS would
 * have: beyond the log's last commit, they are ignored (tests/unit/
 * test_walbuf.c).
 */
#include "store/walbuf.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Held bytes written out when reached: ~250 frames of 4 KiB pages. */
#define WALBUF_MAX (1024 * 1024)
/* Runs held when handed over (write-behind): a read or write looks
 * through the runs held, newest first; SQLite's commit of a transaction
 * that rewrote frames rewrites the header of each frame after the first
 * rewritten one, 24 bytes at a time (a run each). */
#define WALBUF_RUNS 128
/* Bytes a write when writing them out: 31 frames of 4 KiB pages. */
#define WALBUF_CHUNK (124 * 1024)

/* SQLite's shared-memory lock slot of the WAL's write lock (wal.c). */
#define WAL_WRITE_LOCK 0

typedef struct db_file db_file;

/* Held bytes of one run of consecutive writes: len bytes at file offset
 * off, at buf[at] of the bytes held. */
typedef struct {
	sqlite3_int64 off;
	size_t len, at;
} wal_run;

/* What a WAL file holds, or has handed to its write-behind thread: runs
 * of bytes, written out in their order (a later run may cover an earlier
 * one's bytes: it wins). */
typedef struct {
	unsigned char *buf;       /* the runs' bytes, owned; NULL until the first write */
	size_t len, cap;          /* bytes held / allocated */
	wal_run *runs;            /* owned */
	size_t n_runs, cap_runs;
} wal_held;

/* A WAL file: the default VFS's file right after it, in the same block. */
typedef struct {
	sqlite3_file base;        /* pMethods = &wal_methods */
	sqlite3_file *real;       /* the default VFS's file */
	wal_held h;               /* held: one run unless the connection writes behind */
	db_file *db;              /* the connection's database file, or NULL */
	/* write-behind: the runs handed to the thread, written out while busy;
	 * the thread runs while thread_on; mu guards busy, stop and pend_rc */
	wal_held pend;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool thread_on, busy, stop;
	int pend_rc;              /* the thread's write's error, kept until the write
	                           * transaction ends (wal_wait) */
} wal_file;

/* A database file: the default VFS's file right after it, in the same
 * block; listed in dbs while open, so that its connection's WAL file finds
 * it (SQLite names the log within the database name's block). */
struct db_file {
	sqlite3_file base;        /* pMethods = &db_methods */
	sqlite3_file *real;       /* the default VFS's file */
	const char *name;         /* the name xOpen was given (SQLite's) */
	wal_file *wal;            /* the same connection's open log, or NULL */
	bool write_behind;        /* WALBUF_PRAGMA_WRITE_BEHIND: its log writes behind */
	bool defer_sync;          /* WALBUF_PRAGMA_DEFER_SYNC: its log's syncs write out only */
	db_file *next;            /* in dbs */
};

static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static db_file *dbs;              /* open database files, under dbs_lock */
static sqlite3_vfs *orig;
static sqlite3_vfs walbuf_vfs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int registered = SQLITE_ERROR;

/* Write len bytes at off: one write a WALBUF_CHUNK (the default VFS writes
 * at most 128 KiB - 1 bytes a system call, and reports a longer write whose
 * length is a multiple of 128 KiB after its first call as a full disk). */
static int
write_out(wal_file *f, const unsigned char *b, size_t len, sqlite3_int64 off)
{
	int rc = SQLITE_OK;

	for (size_t at = 0, n; at < len && rc == SQLITE_OK; at += n) {
		n = len - at < WALBUF_CHUNK ? len - at : WALBUF_CHUNK;
		rc = f->real->pMethods->xWrite(f->real, b + at, (int)n, off + (sqlite3_int64)at);
	}
	return rc;
}

/* Write out h's runs in order (h is only read: the write-behind thread
 * writes f->pend out while the connection may look through it). */
static int
write_held(wal_file *f, const wal_held *h)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < h->n_runs && rc == SQLITE_OK; i++)
		rc = write_out(f, h->buf + h->runs[i].at, h->runs[i].len, h->runs[i].off);
	return rc;
}

static void
held_free(wal_held *h)
{
	free(h->buf);
	free(h->runs);
	*h = (wal_held){0};
}

/* Whether [off, off + n) and run r overlap. */
static bool
overlaps(sqlite3_int64 off, int n, const wal_run *r)
{
	return off < r->off + (sqlite3_int64)r->len && r->off < off + n;
}

/* The newest run of h that overlaps [off, off + n), or NULL. */
static wal_run *
newest_over(const wal_held *h, sqlite3_int64 off, int n)
{
	for (size_t i = h->n_runs; i-- > 0;)
		if (overlaps(off, n, &h->runs[i]))
			return &h->runs[i];
	return NULL;
}

/* Wait until the write-behind thread has written what it was handed; its
 * error, if any.  The error stays until the write transaction ends
 * (wal_end_write): every later read, write, hand-over and sync of the
 * transaction returns it, so that it can never commit with frames that
 * did not reach the file.  Returned once, a read's error let SQLite roll
 * back only that statement, and the transaction then committed frames
 * the file did not have (the review of 455f823: a corrupt database). */
static int
wal_wait(wal_file *f)
{
	int rc;

	if (!f->thread_on)
		return SQLITE_OK;
	pthread_mutex_lock(&f->mu);
	while (f->busy)
		pthread_cond_wait(&f->cv, &f->mu);
	rc = f->pend_rc;
	pthread_mutex_unlock(&f->mu);
	return rc;
}

/* The write transaction ended (its write lock released): a write error of
 * the thread was the failure of that transaction, which SQLite has rolled
 * back; the next one starts clean. */
static void
wal_end_write(wal_file *f)
{
	if (!f->thread_on)
		return;
	pthread_mutex_lock(&f->mu);
	f->pend_rc = SQLITE_OK;
	pthread_mutex_unlock(&f->mu);
}

/* Write out what is held, after what the thread was handed, then hold
 * nothing. */
static int
wal_flush(wal_file *f)
{
	int rc = wal_wait(f), rc2 = write_held(f, &f->h);

	f->h.len = f->h.n_runs = 0;   /* (its memory kept) */
	return rc != SQLITE_OK ? rc : rc2;
}

/* The write-behind thread: writes out each hand-over (pend) in turn. */
static void *
behind_main(void *cls)
{
	wal_file *f = cls;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->busy && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->busy)
			break;
		pthread_mutex_unlock(&f->mu);
		int rc = write_held(f, &f->pend);
		pthread_mutex_lock(&f->mu);
		if (rc != SQLITE_OK && f->pend_rc == SQLITE_OK)
			f->pend_rc = rc;
		f->busy = false;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Stop the write-behind thread (after its last write); its error. */
static int
behind_stop(wal_file *f)
{
	int rc = wal_wait(f);

	if (f->thread_on) {
		pthread_mutex_lock(&f->mu);
		f->stop = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->thread, NULL);
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		f->thread_on = f->stop = false;
	}
	held_free(&f->pend);
	return rc;
}

static bool
behind(const wal_file *f)
{
	return f->db && f->db->write_behind;
}

/* Write out what is held: handed to the write-behind thread when the
 * connection asked for it (and the thread runs), else at once. */
static int
wal_hand_over(wal_file *f)
{
	wal_held t;
	int rc;

	if (f->h.n_runs == 0)
		return wal_wait(f);
	if (!behind(f))
		return wal_flush(f);
	if (!f->thread_on) {
		if (pthread_mutex_init(&f->mu, NULL) != 0)
			return wal_flush(f);
		if (pthread_cond_init(&f->cv, NULL) != 0) {
			pthread_mutex_destroy(&f->mu);
			return wal_flush(f);
		}
		if (pthread_create(&f->thread, NULL, behind_main, f) != 0) {
			pthread_cond_destroy(&f->cv);
			pthread_mutex_destroy(&f->mu);
			return wal_flush(f);
		}
		f->thread_on = true;
	}
	if ((rc = wal_wait(f)) != SQLITE_OK) {
		f->h.len = f->h.n_runs = 0;   /* (SQLite rolls the transaction back) */
		return rc;
	}
	/* swap: the held runs go, the written ones' memory holds the next */
	t = f->pend;
	f->pend = f->h;
	f->h = t;
	f->h.len = f->h.n_runs = 0;
	pthread_mutex_lock(&f->mu);
	f->busy = true;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return SQLITE_OK;
}

static int
wal_close(sqlite3_file *p)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f), rc1 = behind_stop(f), rc2 = f->real->pMethods->xClose(f->real);

	pthread_mutex_lock(&dbs_lock);
	if (f->db)
		f->db->wal = NULL;
	f->db = NULL;
	pthread_mutex_unlock(&dbs_lock);

	held_free(&f->h);
	return rc != SQLITE_OK ? rc : rc1 != SQLITE_OK ? rc1 : rc2;
}

static int
wal_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
	wal_file *f = (wal_file *)p;
	const wal_run *r = newest_over(&f->h, off, n);
	bool pending;
	int rc = SQLITE_OK;

	/* held: the newest bytes there are */
	if (r && off >= r->off && off + n <= r->off + (sqlite3_int64)r->len) {
		memcpy(out, f->h.buf + r->at + (off - r->off), (size_t)n);
		return SQLITE_OK;
	}
	if (r)   /* partly held: all out first */
		rc = wal_flush(f);
	else if (f->thread_on) {
		pthread_mutex_lock(&f->mu);
		pending = f->busy;
		rc = f->pend_rc;   /* kept: see wal_wait */
		pthread_mutex_unlock(&f->mu);
		/* on its way: waited for (while busy, both threads only read
		 * f->pend; this one empties it at the next hand-over) */
		if (rc == SQLITE_OK && pending && newest_over(&f->pend, off, n))
			rc = wal_wait(f);
	}
	/* else the file has the newest of these bytes: nothing held or on its
	 * way covers them */
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, off);
}

/* Room for n more bytes and one more run in h; false when there is no
 * memory. */
static bool
held_reserve(wal_held *h, size_t n)
{
	if (h->len + n > h->cap) {
		size_t cap = h->cap ? h->cap : 64 * 1024;
		unsigned char *b;

		while (cap < h->len + n)
			cap *= 2;
		if (!(b = realloc(h->buf, cap)))
			return false;
		h->buf = b;
		h->cap = cap;
	}
	if (h->n_runs == h->cap_runs) {
		size_t cap = h->cap_runs ? 2 * h->cap_runs : 64;
		wal_run *r = realloc(h->runs, cap * sizeof *r);

		if (!r)
			return false;
		h->runs = r;
		h->cap_runs = cap;
	}
	return true;
}

static int
wal_write(sqlite3_file *p, const void *in, int n, sqlite3_int64 off)
{
	wal_file *f = (wal_file *)p;
	wal_run *r = newest_over(&f->h, off, n), *last;
	int rc;

	/* A write of the thread failed: so does every write after it in the
	 * transaction, the commit frame's too, whatever the synchronous
	 * setting (with synchronous=NORMAL a commit makes no xSync). */
	if (f->thread_on) {
		pthread_mutex_lock(&f->mu);
		rc = f->pend_rc;
		pthread_mutex_unlock(&f->mu);
		if (rc != SQLITE_OK)
			return rc;
	}
	/* bytes held written again (SQLite writes a page again over its frame
	 * of the same transaction): in place, when the newest run covering
	 * them holds them all */
	if (r && off >= r->off && off + n <= r->off + (sqlite3_int64)r->len) {
		memcpy(f->h.buf + r->at + (off - r->off), in, (size_t)n);
		return SQLITE_OK;
	}
	last = f->h.n_runs ? &f->h.runs[f->h.n_runs - 1] : NULL;
	/* Not following the last run: a run of its own behind the others
	 * (write-behind; handed over first when WALBUF_RUNS are held), else
	 * what is held goes out first.  Too many bytes held: handed over
	 * first. */
	if ((last && off != last->off + (sqlite3_int64)last->len &&
	    (!behind(f) || f->h.n_runs >= WALBUF_RUNS)) || f->h.len + (size_t)n > WALBUF_MAX) {
		if ((rc = ((size_t)n > WALBUF_MAX || !behind(f) ? wal_flush : wal_hand_over)(f))
		    != SQLITE_OK)
			return rc;
		if ((size_t)n > WALBUF_MAX)
			return write_out(f, in, (size_t)n, off);
	}
	if (!held_reserve(&f->h, (size_t)n)) {
		/* No memory for holding: write straight through. */
		if ((rc = wal_flush(f)) != SQLITE_OK)
			return rc;
		return write_out(f, in, (size_t)n, off);
	}
	/* (held_reserve may have moved the runs) */
	last = f->h.n_runs ? &f->h.runs[f->h.n_runs - 1] : NULL;
	if (last && off == last->off + (sqlite3_int64)last->len &&
	    last->at + last->len == f->h.len)
		last->len += (size_t)n;
	else
		f->h.runs[f->h.n_runs++] = (wal_run){ .off = off, .len = (size_t)n, .at = f->h.len };
	memcpy(f->h.buf + f->h.len, in, (size_t)n);
	f->h.len += (size_t)n;
	return SQLITE_OK;
}

static int
wal_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int
wal_sync(sqlite3_file *p, int flags)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f);

	if (rc == SQLITE_OK && f->db && f->db->defer_sync)
		return SQLITE_OK;  /* the owner syncs the file (walbuf.h) */
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int
wal_size(sqlite3_file *p, sqlite3_int64 *size)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

/* The rest is the default file's, after writing out what is held (a file
 * control may ask for the size, a lock may precede another's read). */
static int
wal_lock(sqlite3_file *p, int level)
{
	wal_file *f = (wal_file *)p;

	return f->real->pMethods->xLock(f->real, level);
}

static int
wal_unlock(sqlite3_file *p, int level)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xUnlock(f->real, level);
}

static int
wal_reserved(sqlite3_file *p, int *out)
{
	wal_file *f = (wal_file *)p;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
wal_control(sqlite3_file *p, int op, void *arg)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
wal_sector(sqlite3_file *p)
{
	wal_file *f = (wal_file *)p;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
wal_device(sqlite3_file *p)
{
	wal_file *f = (wal_file *)p;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: SQLite uses no shared memory or memory-mapping on a WAL file. */
static const sqlite3_io_methods wal_methods = {
	1, wal_close, wal_read, wal_write, wal_truncate, wal_sync, wal_size, wal_lock,
	wal_unlock, wal_reserved, wal_control, wal_sector, wal_device,
	NULL, NULL, NULL, NULL, NULL, NULL
};

/* A database file's methods: the default file's, through d->real; the
 * write lock's release writes out what the connection's log holds first. */
#define DB_REAL(p) (((db_file *)(p))->real)

static int
db_close(sqlite3_file *p)
{
	db_file *d = (db_file *)p, **at;

	pthread_mutex_lock(&dbs_lock);
	for (at = &dbs; *at && *at != d; at = &(*at)->next)
		;
	if (*at)
		*at = d->next;
	if (d->wal)
		d->wal->db = NULL;
	d->wal = NULL;
	pthread_mutex_unlock(&dbs_lock);
	return d->real->pMethods->xClose(d->real);
}

static int
db_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
	return DB_REAL(p)->pMethods->xRead(DB_REAL(p), out, n, off);
}

static int
db_write(sqlite3_file *p, const void *in, int n, sqlite3_int64 off)
{
	return DB_REAL(p)->pMethods->xWrite(DB_REAL(p), in, n, off);
}

static int
db_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	return DB_REAL(p)->pMethods->xTruncate(DB_REAL(p), size);
}

static int
db_sync(sqlite3_file *p, int flags)
{
	return DB_REAL(p)->pMethods->xSync(DB_REAL(p), flags);
}

static int
db_size(sqlite3_file *p, sqlite3_int64 *size)
{
	return DB_REAL(p)->pMethods->xFileSize(DB_REAL(p), size);
}

static int
db_lock(sqlite3_file *p, int level)
{
	return DB_REAL(p)->pMethods->xLock(DB_REAL(p), level);
}

static int
db_unlock(sqlite3_file *p, int level)
{
	return DB_REAL(p)->pMethods->xUnlock(DB_REAL(p), level);
}

static int
db_reserved(sqlite3_file *p, int *out)
{
	return DB_REAL(p)->pMethods->xCheckReservedLock(DB_REAL(p), out);
}

static int
db_control(sqlite3_file *p, int op, void *arg)
{
	char **a = arg;

	/* PRAGMA sijin_wal_write_behind = 0 | 1 (SQLite hands a pragma it
	 * does not know to the database file first) */
	if (op == SQLITE_FCNTL_PRAGMA && strcmp(a[1], WALBUF_PRAGMA_WRITE_BEHIND) == 0) {
		if (a[2])
			((db_file *)p)->write_behind = strcmp(a[2], "0") != 0;
		a[0] = sqlite3_mprintf("%d", ((db_file *)p)->write_behind ? 1 : 0);
		return SQLITE_OK;
	}
	/* PRAGMA sijin_wal_defer_sync = 0 | 1 */
	if (op == SQLITE_FCNTL_PRAGMA && strcmp(a[1], WALBUF_PRAGMA_DEFER_SYNC) == 0) {
		if (a[2])
			((db_file *)p)->defer_sync = strcmp(a[2], "0") != 0;
		a[0] = sqlite3_mprintf("%d", ((db_file *)p)->defer_sync ? 1 : 0);
		return SQLITE_OK;
	}
	/* PRAGMA sijin_db_sync: what was written to the file so far, to disk */
	if (op == SQLITE_FCNTL_PRAGMA && strcmp(a[1], WALBUF_PRAGMA_DB_SYNC) == 0)
		return DB_REAL(p)->pMethods->xSync(DB_REAL(p), SQLITE_SYNC_NORMAL);
	return DB_REAL(p)->pMethods->xFileControl(DB_REAL(p), op, arg);
}

static int
db_sector(sqlite3_file *p)
{
	return DB_REAL(p)->pMethods->xSectorSize(DB_REAL(p));
}

static int
db_device(sqlite3_file *p)
{
	return DB_REAL(p)->pMethods->xDeviceCharacteristics(DB_REAL(p));
}

static int
db_shm_map(sqlite3_file *p, int region, int size, int extend, void volatile **out)
{
	return DB_REAL(p)->pMethods->xShmMap(DB_REAL(p), region, size, extend, out);
}

static int
db_shm_lock(sqlite3_file *p, int offset, int n, int flags)
{
	db_file *d = (db_file *)p;

	/* Frames still held when the write lock goes are a transaction's
	 * that rolled back: out now, while no other connection can write
	 * there (an error only drops them; they lie beyond the last commit). */
	if ((flags & SQLITE_SHM_UNLOCK) && offset <= WAL_WRITE_LOCK &&
	    offset + n > WAL_WRITE_LOCK && d->wal && (d->wal->h.n_runs > 0 || d->wal->thread_on)) {
		(void)wal_flush(d->wal);
		wal_end_write(d->wal);
	}
	return d->real->pMethods->xShmLock(d->real, offset, n, flags);
}

static void
db_shm_barrier(sqlite3_file *p)
{
	DB_REAL(p)->pMethods->xShmBarrier(DB_REAL(p));
}

static int
db_shm_unmap(sqlite3_file *p, int del)
{
	return DB_REAL(p)->pMethods->xShmUnmap(DB_REAL(p), del);
}

static int
db_fetch(sqlite3_file *p, sqlite3_int64 off, int n, void **out)
{
	return DB_REAL(p)->pMethods->xFetch(DB_REAL(p), off, n, out);
}

static int
db_unfetch(sqlite3_file *p, sqlite3_int64 off, void *page)
{
	return DB_REAL(p)->pMethods->xUnfetch(DB_REAL(p), off, page);
}

/* Version 3, as the default VFS's files (unix: shared memory, mmap). */
static const sqlite3_io_methods db_methods = {
	3, db_close, db_read, db_write, db_truncate, db_sync, db_size, db_lock,
	db_unlock, db_reserved, db_control, db_sector, db_device,
	db_shm_map, db_shm_lock, db_shm_barrier, db_shm_unmap, db_fetch, db_unfetch
};

static int
walbuf_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *out_flags)
{
	wal_file *f = (wal_file *)p;
	db_file *d = (db_file *)p;
	const char *dbname;
	int rc;

	(void)vfs;
	if (flags & SQLITE_OPEN_MAIN_DB) {
		memset(d, 0, sizeof *d);
		d->real = (sqlite3_file *)(d + 1);
		if ((rc = orig->xOpen(orig, name, d->real, flags, out_flags)) != SQLITE_OK) {
			d->base.pMethods = NULL;
			return rc;
		}
		if (d->real->pMethods->iVersion < 3) {
			/* Not the unix VFS's kind of file: opened as it is. */
			d->real->pMethods->xClose(d->real);
			return orig->xOpen(orig, name, p, flags, out_flags);
		}
		d->name = name;
		d->base.pMethods = &db_methods;
		pthread_mutex_lock(&dbs_lock);
		d->next = dbs;
		dbs = d;
		pthread_mutex_unlock(&dbs_lock);
		return SQLITE_OK;
	}
	if (!(flags & SQLITE_OPEN_WAL))
		return orig->xOpen(orig, name, p, flags, out_flags);
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	if ((rc = orig->xOpen(orig, name, f->real, flags, out_flags)) != SQLITE_OK) {
		f->base.pMethods = NULL;  /* SQLite then does not close it */
		return rc;
	}
	f->base.pMethods = &wal_methods;
	/* The connection's database file: SQLite keeps the log's name in the
	 * block of the name it opened the database with. */
	dbname = name ? sqlite3_filename_database(name) : NULL;
	pthread_mutex_lock(&dbs_lock);
	for (d = dbs; d && d->name != dbname; d = d->next)
		;
	if (d && dbname && !d->wal) {
		d->wal = f;
		f->db = d;
	}
	pthread_mutex_unlock(&dbs_lock);
	return SQLITE_OK;
}

static void
walbuf_init(void)
{
	if (!(orig = sqlite3_vfs_find(NULL)))
		return;
	walbuf_vfs = *orig;
	walbuf_vfs.zName = WALBUF_VFS;
	walbuf_vfs.pNext = NULL;
	walbuf_vfs.szOsFile = orig->szOsFile +
	    (int)(sizeof(wal_file) > sizeof(db_file) ? sizeof(wal_file) : sizeof(db_file));
	walbuf_vfs.xOpen = walbuf_open;
	registered = sqlite3_vfs_register(&walbuf_vfs, 0);
}

const char *
walbuf_vfs_name(void)
{
	pthread_once(&once, walbuf_init);
	return registered == SQLITE_OK ? WALBUF_VFS : NULL;
}
