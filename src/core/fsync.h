/*
 * fsync — making a file's name durable: a file's own sync does not make
 * the directory entry that names it durable (fsync(2), NOTES), so a new
 * or renamed file also needs its folder synced.
 */
#ifndef SJ_FSYNC_H
#define SJ_FSYNC_H

/* fsync the folder that holds path (absolute, or relative to the working
 * directory; a path without a slash is in "."), so that path's entry in it
 * survives a crash.  Returns 0, or the errno of the open or the fsync. */
int sj_sync_dir(const char *path);

#endif
