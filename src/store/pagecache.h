/*
 * pagecache — SQLite's own page cache, installed for the whole process with
 * one change: a truncation that can remove no page is not passed on
 * (store/pagecache.c says why: on the scan writer's commits it was a walk of
 * the whole cache, ~8 % of the writer's CPU).
 */
#ifndef SIJIN_STORE_PAGECACHE_H
#define SIJIN_STORE_PAGECACHE_H

#include <sqlite3.h>

/* Install the wrapper over the page cache SQLite would use
 * (SQLITE_CONFIG_GETPCACHE2, then SQLITE_CONFIG_PCACHE2).  Must run before
 * SQLite initialises (the first sqlite3_open_v2 or sqlite3_vfs_find does);
 * later, sqlite3_config refuses and SQLite's cache stays as it is, which is
 * correct too, only slower.  Thread-safe; only the first call does
 * anything.  Returns whether the wrapper is installed. */
int pagecache_install(void);

/* The wrapper's methods over the page cache `under` (copied), for tests
 * that run it over a cache of their own; pagecache_install uses it with
 * SQLite's default.  Not thread-safe; once SQLite runs on these methods,
 * do not call it again. */
const sqlite3_pcache_methods2 *pagecache_methods_over(const sqlite3_pcache_methods2 *under);

#endif
