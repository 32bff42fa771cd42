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
 * held.  Every other file is the default VFS's own.
 *
 * Durability is unchanged: nothing SQLite counts as durable is held here,
 * because with synchronous=FULL (every read-write connection of the store,
 * store/sqlite.c) a commit syncs the log before it publishes the new frames
 * in the WAL index, and the sync writes out what is held first.  Frames of
 * a transaction not yet committed are not visible to other connections (the
 * index's header does not count them), and this connection reads them back
 * only through this file, which writes out first.  A crash loses what was
 * held, as it may lose any write not yet synced.
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

/* A WAL file: the default VFS's file right after it, in the same block. */
typedef struct {
	sqlite3_file base;        /* pMethods = &wal_methods */
	sqlite3_file *real;       /* the default VFS's file */
	unsigned char *buf;       /* held bytes, owned; NULL until the first write */
	size_t len, cap;          /* bytes held / allocated */
	sqlite3_int64 off;        /* the file offset of buf[0] */
} wal_file;

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

static int
walbuf_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *out_flags)
{
	wal_file *f = (wal_file *)p;
	int rc;

	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		return orig->xOpen(orig, name, p, flags, out_flags);
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	if ((rc = orig->xOpen(orig, name, f->real, flags, out_flags)) != SQLITE_OK) {
		f->base.pMethods = NULL;  /* SQLite then does not close it */
		return rc;
	}
	f->base.pMethods = &wal_methods;
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
	walbuf_vfs.szOsFile = orig->szOsFile + (int)sizeof(wal_file);
	walbuf_vfs.xOpen = walbuf_open;
	registered = sqlite3_vfs_register(&walbuf_vfs, 0);
}

const char *
walbuf_vfs_name(void)
{
	pthread_once(&once, walbuf_init);
	return registered == SQLITE_OK ? WALBUF_VFS : NULL;
}
