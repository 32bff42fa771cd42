/*
 * pagecache — SQLite's default page cache (pcache1), wrapped so that a
 * truncation that can remove no page is skipped.
 *
 * Why: at the end of every write transaction SQLite truncates the page
 * cache to the database's size (pager_end_transaction →
 * sqlite3PcacheTruncate → xTruncate(size + 1)).  pcache1 walks only the
 * hash slots of the keys above that when its largest key ever used is
 * close to it, but the whole hash table and every cached page when it is
 * not.  And it is not: when a B-tree page splits, SQLite (3.40,
 * balance_nonroot) swaps the new pages' numbers through a temporary key,
 * the page number of the 1 GiB "pending byte" (262,145 with 4 KiB pages),
 * which pcache1 records as its largest key.  So in a store smaller than
 * 1 GiB nearly every commit of the scan writer walked its whole cache
 * (64 MiB, up to 16,384 pages): ~8 % of the writer's CPU on the scan
 * benchmark (docs/performance.md), to remove nothing.
 *
 * What: each cache keeps an upper bound of the keys it holds — the largest
 * key a fetch returned a page for — and the few pages rekeyed above that
 * bound, with their keys, until they are rekeyed again (the split's
 * temporary key is left at once), discarded or truncated away.  A
 * truncation to iLimit is passed on only when the bound or one of those
 * keys is at least iLimit, i.e. when a page may have to go; then it is
 * passed on unchanged.
 *
 * Why that is safe: pcache1 gains keys only through xFetch (a page created
 * at the key, or found there) and xRekey; every such key is at most the
 * bound or listed.  Keys leave without telling (pcache1 recycles an unpinned
 * page for another key; xShrink frees unpinned pages): the bound and the
 * list then overstate what is held, which only passes on a truncation that
 * was not needed.  A listed page leaves the list only when it is rekeyed
 * (its old key is gone), discarded (xUnpin with discard), or truncated by a
 * truncation that was passed on.  A list that is full raises the bound
 * instead.  So a truncation is skipped only when no held page has a key of
 * iLimit or more — when it would have removed nothing (tests/unit/
 * test_pagecache.c checks this against a model of the cache's keys, and the
 * rollback of a transaction that grew the database).
 */
#include "store/pagecache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define MOVED_MAX 8   /* pages listed above the bound; the split uses one */

typedef struct moved_page {
	sqlite3_pcache_page *page;
	unsigned key;
} moved_page;

typedef struct wrapped_cache {
	sqlite3_pcache *real;       /* the wrapped cache */
	unsigned bound;             /* no page outside moved has a larger key */
	int n_moved;
	moved_page moved[MOVED_MAX];
} wrapped_cache;

static sqlite3_pcache_methods2 under;  /* the wrapped implementation */
static sqlite3_pcache_methods2 methods;

static int
pc_init(void *arg)
{
	(void)arg;
	return under.xInit ? under.xInit(under.pArg) : SQLITE_OK;
}

static void
pc_shutdown(void *arg)
{
	(void)arg;
	if (under.xShutdown)
		under.xShutdown(under.pArg);
}

static sqlite3_pcache *
pc_create(int sz_page, int sz_extra, int purgeable)
{
	wrapped_cache *c = malloc(sizeof *c);  /* not sqlite3_malloc: that initialises SQLite */

	if (c == NULL)
		return NULL;
	if ((c->real = under.xCreate(sz_page, sz_extra, purgeable)) == NULL) {
		free(c);
		return NULL;
	}
	c->bound = 0;
	c->n_moved = 0;
	return (sqlite3_pcache *)c;
}

static void
pc_cachesize(sqlite3_pcache *p, int n)
{
	under.xCachesize(((wrapped_cache *)p)->real, n);
}

static int
pc_pagecount(sqlite3_pcache *p)
{
	return under.xPagecount(((wrapped_cache *)p)->real);
}

static sqlite3_pcache_page *
pc_fetch(sqlite3_pcache *p, unsigned key, int create)
{
	wrapped_cache *c = (wrapped_cache *)p;
	sqlite3_pcache_page *page = under.xFetch(c->real, key, create);

	if (page && key > c->bound)
		c->bound = key;
	return page;
}

/* Drop page from the moved list, if listed. */
static void
unlist(wrapped_cache *c, const sqlite3_pcache_page *page)
{
	for (int i = 0; i < c->n_moved; i++)
		if (c->moved[i].page == page) {
			c->moved[i] = c->moved[--c->n_moved];
			return;
		}
}

static void
pc_unpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard)
{
	wrapped_cache *c = (wrapped_cache *)p;

	if (discard)
		unlist(c, page);
	under.xUnpin(c->real, page, discard);
}

static void
pc_rekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned old_key, unsigned new_key)
{
	wrapped_cache *c = (wrapped_cache *)p;

	under.xRekey(c->real, page, old_key, new_key);
	unlist(c, page);
	if (new_key <= c->bound)
		return;
	if (c->n_moved < MOVED_MAX)
		c->moved[c->n_moved++] = (moved_page){ page, new_key };
	else
		c->bound = new_key;
}

static void
pc_truncate(sqlite3_pcache *p, unsigned limit)
{
	wrapped_cache *c = (wrapped_cache *)p;
	bool needed = c->bound >= limit;

	for (int i = 0; i < c->n_moved && !needed; i++)
		needed = c->moved[i].key >= limit;
	if (!needed)
		return;  /* no page has a key of limit or more */
	under.xTruncate(c->real, limit);
	if (c->bound >= limit)
		c->bound = limit > 0 ? limit - 1 : 0;
	for (int i = 0; i < c->n_moved;)
		if (c->moved[i].key >= limit)
			c->moved[i] = c->moved[--c->n_moved];
		else
			i++;
}

static void
pc_destroy(sqlite3_pcache *p)
{
	wrapped_cache *c = (wrapped_cache *)p;

	under.xDestroy(c->real);
	free(c);
}

static void
pc_shrink(sqlite3_pcache *p)
{
	if (under.xShrink)
		under.xShrink(((wrapped_cache *)p)->real);
}

const sqlite3_pcache_methods2 *
pagecache_methods_over(const sqlite3_pcache_methods2 *u)
{
	under = *u;
	methods = (sqlite3_pcache_methods2){
		.iVersion = u->iVersion, .pArg = NULL, .xInit = pc_init, .xShutdown = pc_shutdown,
		.xCreate = pc_create, .xCachesize = pc_cachesize, .xPagecount = pc_pagecount,
		.xFetch = pc_fetch, .xUnpin = pc_unpin, .xRekey = pc_rekey,
		.xTruncate = pc_truncate, .xDestroy = pc_destroy, .xShrink = pc_shrink,
	};
	return &methods;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int installed;

static void
install(void)
{
	sqlite3_pcache_methods2 dflt = {0};

	if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &dflt) != SQLITE_OK || dflt.xCreate == NULL)
		return;  /* SQLite already initialised: its cache stays */
	installed = sqlite3_config(SQLITE_CONFIG_PCACHE2, pagecache_methods_over(&dflt)) ==
	    SQLITE_OK;
}

int
pagecache_install(void)
{
	pthread_once(&once, install);
	return installed;
}
