/*
 * walbuf — an SQLite VFS over the default one that writes a transaction's
 * WAL frames with a few system calls instead of two a frame.
 *
 * SQLite writes each WAL frame as two writes, its 24-byte header and its
 * page, at consecutive offsets; a batch of the scan writer dirtying a few
 * hundred pages made as many pairs of pwrite calls, ~20 % of the writer's
 * CPU (docs/performance.md).  Here the write-ahead log's file (opened with
 * SQLITE_OPEN_WAL) collects consecutive writes in memory and hands them to
 * the file in writes of up to 124 KiB when SQLite next syncs, reads,
 * truncates, sizes, unlocks or controls that file or closes it, when a
 * write does not follow the previous one, or when WALBUF_MAX bytes are
 * held.  A database file is the default VFS's own but for one thing: when
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
#include <stdlib.h>
#include <string.h>

/* Held bytes written out when reached: ~250 frames of 4 KiB pages. */
#define WALBUF_MAX (1024 * 1024)
/* Bytes a write when writing them out: 31 frames of 4 KiB pages. */
#define WALBUF_CHUNK (124 * 1024)

/* SQLite's shared-memory lock slot of the WAL's write lock (wal.c). */
#define WAL_WRITE_LOCK 0

typedef struct db_file db_file;

/* A WAL file: the default VFS's file right after it, in the same block. */
typedef struct {
	sqlite3_file base;        /* pMethods = &wal_methods */
	sqlite3_file *real;       /* the default VFS's file */
	unsigned char *buf;       /* held bytes, owned; NULL until the first write */
	size_t len, cap;          /* bytes held / allocated */
	sqlite3_int64 off;        /* the file offset of buf[0] */
	db_file *db;              /* the connection's database file, or NULL */
} wal_file;

/* A database file: the default VFS's file right after it, in the same
 * block; listed in dbs while open, so that its connection's WAL file finds
 * it (SQLite names the log within the database name's block). */
struct db_file {
	sqlite3_file base;        /* pMethods = &db_methods */
	sqlite3_file *real;       /* the default VFS's file */
	const char *name;         /* the name xOpen was given (SQLite's) */
	wal_file *wal;            /* the same connection's open log, or NULL */
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

/* Write out what is held, then hold nothing. */
static int
wal_flush(wal_file *f)
{
	int rc = write_out(f, f->buf, f->len, f->off);

	f->len = 0;
	return rc;
}

static int
wal_close(sqlite3_file *p)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f), rc2 = f->real->pMethods->xClose(f->real);

	pthread_mutex_lock(&dbs_lock);
	if (f->db)
		f->db->wal = NULL;
	f->db = NULL;
	pthread_mutex_unlock(&dbs_lock);

	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
wal_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
	wal_file *f = (wal_file *)p;
	int rc = wal_flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, off);
}

static int
wal_write(sqlite3_file *p, const void *in, int n, sqlite3_int64 off)
{
	wal_file *f = (wal_file *)p;
	int rc;

	if (f->len > 0 && off != f->off + (sqlite3_int64)f->len &&
	    (rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	if (f->len + (size_t)n > WALBUF_MAX) {
		if ((rc = wal_flush(f)) != SQLITE_OK)
			return rc;
		if ((size_t)n > WALBUF_MAX)
			return write_out(f, in, (size_t)n, off);
	}
	if (f->len + (size_t)n > f->cap) {
		size_t cap = f->cap ? f->cap : 64 * 1024;
		unsigned char *b;

		while (cap < f->len + (size_t)n)
			cap *= 2;
		if (!(b = realloc(f->buf, cap))) {
			/* No memory for holding: write straight through. */
			if ((rc = wal_flush(f)) != SQLITE_OK)
				return rc;
			return write_out(f, in, (size_t)n, off);
		}
		f->buf = b;
		f->cap = cap;
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, in, (size_t)n);
	f->len += (size_t)n;
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
	    offset + n > WAL_WRITE_LOCK && d->wal && d->wal->len > 0)
		(void)wal_flush(d->wal);
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
