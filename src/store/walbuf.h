/*
 * walbuf — the SQLite VFS sijin opens its stores with: the default VFS,
 * except that the write-ahead log's writes between two syncs go to the file
 * in writes of up to 124 KiB instead of two a frame, and a connection's
 * frames still held when it releases the log's write lock (a rolled-back
 * transaction's) go out before the release; on request, the writes are
 * made by a thread of the log's own while the connection goes on
 * (WALBUF_PRAGMA_WRITE_BEHIND).  store/walbuf.c says why, and why
 * durability is unchanged.
 */
#ifndef SIJIN_STORE_WALBUF_H
#define SIJIN_STORE_WALBUF_H

/* PRAGMA sijin_wal_write_behind = 1 on a connection of this VFS: its
 * log's held writes are written out by a thread of their own while the
 * connection goes on (= 0: at once, the default; without the VFS the
 * pragma is unknown and does nothing).  Its value: 0 or 1.  For a bulk
 * import (store_bulk_tune); store/walbuf.c says why durability and the
 * order of the writes are unchanged. */
#define WALBUF_PRAGMA_WRITE_BEHIND "sijin_wal_write_behind"

/* PRAGMA sijin_db_sync on a connection of this VFS: the database file's
 * pages written so far (a checkpoint's copies) are synced to disk now
 * (the default VFS's xSync: fdatasync), outside any transaction and
 * without a lock, so that a checkpoint's own final sync finds little left
 * to write (store/walbuf.c).  Returns no row; an I/O error is the
 * statement's (SQLITE_IOERR_FSYNC).  Without the VFS the pragma is unknown
 * and does nothing. */
#define WALBUF_PRAGMA_DB_SYNC "sijin_db_sync"

/* PRAGMA sijin_wal_defer_sync = 1 on a connection of this VFS: a sync of
 * its log (the commit's, with synchronous=FULL) writes out what is held,
 * so that the frames it publishes are in the file for every other
 * connection, but leaves the disk to its owner, who must make the log
 * durable itself (fdatasync of the log's file, store_wal_path) before it
 * counts a commit as durable — the scan writer's syncer, which does so
 * for many commits at once while the next batch is written
 * (domain/writer.c).  Other connections' syncs, a checkpoint's before it
 * copies frames into the database among them, are unchanged, so the
 * database never holds a page whose frame is not on disk.  = 0: the
 * default.  Its value: 0 or 1; without the VFS the pragma is unknown and
 * does nothing (the log is then synced at each commit). */
#define WALBUF_PRAGMA_DEFER_SYNC "sijin_wal_defer_sync"

/* The name the VFS is registered under (not the default VFS). */
#define WALBUF_VFS "sijin-walbuf"

/* Registers the VFS on the first call (thread-safe) and returns its name
 * for sqlite3_open_v2, or NULL when it could not be registered (no default
 * VFS, no memory): then open with SQLite's default VFS. */
const char *walbuf_vfs_name(void);

#endif
