/*
 * Unit tests for store/pagecache (SQLite only: the page cache is SQLite's).
 *
 * Over a model cache whose keys the test knows exactly: a truncation must
 * be passed on whenever a page with a key at or above its limit is held
 * (the oracle is the model's own key set), and is skipped after a B-tree
 * split's swap through the pending-byte page number (the case it is for).
 * Then SQLite itself on the wrapper: a transaction that grows the database
 * and rolls back must leave no page of it behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/pagecache.h"

/* ---- a model cache ---------------------------------------------------------- */

#define MODEL_PAGES 64   /* slots; a full model recycles like pcache1 */

typedef struct model_page {
	sqlite3_pcache_page pg;
	unsigned key;
	bool used, pinned;
} model_page;

typedef struct model {
	model_page pages[MODEL_PAGES];
	int truncates;           /* truncations passed on */
} model;

static model *the_model;

static sqlite3_pcache *
m_create(int sz_page, int sz_extra, int purgeable)
{
	(void)sz_page, (void)sz_extra, (void)purgeable;
	the_model = calloc(1, sizeof *the_model);
	return (sqlite3_pcache *)the_model;
}

static void m_cachesize(sqlite3_pcache *p, int n) { (void)p, (void)n; }
static int m_pagecount(sqlite3_pcache *p) { (void)p; return 0; }

static model_page *
find(model *m, unsigned key)
{
	for (int i = 0; i < MODEL_PAGES; i++)
		if (m->pages[i].used && m->pages[i].key == key)
			return &m->pages[i];
	return NULL;
}

static sqlite3_pcache_page *
m_fetch(sqlite3_pcache *p, unsigned key, int create)
{
	model *m = (model *)p;
	model_page *pg = find(m, key);

	if (pg == NULL && create) {
		/* a free slot, else recycle an unpinned page (its key leaves
		 * without the wrapper being told, as in pcache1) */
		for (int i = 0; i < MODEL_PAGES && pg == NULL; i++)
			if (!m->pages[i].used)
				pg = &m->pages[i];
		for (int i = 0; i < MODEL_PAGES && pg == NULL; i++)
			if (!m->pages[i].pinned)
				pg = &m->pages[i];
		if (pg == NULL)
			return NULL;
		pg->used = true;
		pg->key = key;
	}
	if (pg)
		pg->pinned = true;
	return pg ? &pg->pg : NULL;
}

static void
m_unpin(sqlite3_pcache *p, sqlite3_pcache_page *page, int discard)
{
	model_page *pg = (model_page *)page;

	(void)p;
	pg->pinned = false;
	if (discard)
		pg->used = false;
}

static void
m_rekey(sqlite3_pcache *p, sqlite3_pcache_page *page, unsigned old_key, unsigned new_key)
{
	model_page *pg = (model_page *)page, *other = find((model *)p, new_key);

	assert_int_equal(pg->key, old_key);
	if (other && other != pg)
		other->used = false;
	pg->key = new_key;
}

static void
m_truncate(sqlite3_pcache *p, unsigned limit)
{
	model *m = (model *)p;

	m->truncates++;
	for (int i = 0; i < MODEL_PAGES; i++)
		if (m->pages[i].used && m->pages[i].key >= limit)
			m->pages[i].used = false;
}

static void m_destroy(sqlite3_pcache *p) { free(p); }

static void
m_shrink(sqlite3_pcache *p)
{
	model *m = (model *)p;

	for (int i = 0; i < MODEL_PAGES; i++)
		if (!m->pages[i].pinned)
			m->pages[i].used = false;
}

static const sqlite3_pcache_methods2 model_methods = {
	.iVersion = 1, .xCreate = m_create, .xCachesize = m_cachesize,
	.xPagecount = m_pagecount, .xFetch = m_fetch, .xUnpin = m_unpin, .xRekey = m_rekey,
	.xTruncate = m_truncate, .xDestroy = m_destroy, .xShrink = m_shrink,
};

/* Whether the model holds a page keyed limit or more. */
static bool
holds_at_or_above(const model *m, unsigned limit)
{
	for (int i = 0; i < MODEL_PAGES; i++)
		if (m->pages[i].used && m->pages[i].key >= limit)
			return true;
	return false;
}

/* A truncation through the wrapper: passed on exactly when needed, or
 * (allowed) when not; never skipped when a page would go. */
static void
truncate_checked(const sqlite3_pcache_methods2 *w, sqlite3_pcache *c, unsigned limit)
{
	int before = the_model->truncates;
	bool needed = holds_at_or_above(the_model, limit);

	w->xTruncate(c, limit);
	if (needed)
		assert_int_equal(the_model->truncates, before + 1);
	assert_false(holds_at_or_above(the_model, limit));
}

/* The split's swap (SQLite 3.40 balance_nonroot): pages a and b exchange
 * numbers through the pending-byte page's number; the commit's truncation
 * to the database's size then removes nothing and is skipped. */
static void
test_split_swap_skipped(void **state)
{
	const sqlite3_pcache_methods2 *w = pagecache_methods_over(&model_methods);
	sqlite3_pcache *c = w->xCreate(4096, 0, 1);
	sqlite3_pcache_page *a, *b;
	const unsigned temp = 262145;

	(void)state;
	for (unsigned k = 1; k <= 40; k++)
		w->xUnpin(c, w->xFetch(c, k, 1), 0);
	a = w->xFetch(c, 7, 0);
	b = w->xFetch(c, 9, 0);
	w->xRekey(c, a, 7, temp);
	w->xRekey(c, b, 9, 7);
	w->xRekey(c, a, temp, 9);
	w->xUnpin(c, a, 0);
	w->xUnpin(c, b, 0);
	w->xTruncate(c, 41);
	assert_int_equal(the_model->truncates, 0);
	/* A real one (a rollback that drops pages 31..40) is passed on. */
	truncate_checked(w, c, 31);
	assert_int_equal(the_model->truncates, 1);
	assert_null(w->xFetch(c, 35, 0));
	/* While a page sits at the temporary number, truncation must go on. */
	a = w->xFetch(c, 3, 0);
	w->xRekey(c, a, 3, temp);
	truncate_checked(w, c, 31);
	assert_int_equal(the_model->truncates, 2);
	w->xDestroy(c);
}

/* Random fetches, unpins, discards, rekeys (to low, high and temporary
 * numbers), shrinks and truncations; after each truncation the model must
 * hold nothing at or above the limit. */
static void
test_random_against_model(void **state)
{
	const sqlite3_pcache_methods2 *w = pagecache_methods_over(&model_methods);
	uint64_t r = 0x2545F4914F6CDD1Du;

	(void)state;
	for (int round = 0; round < 200; round++) {
		sqlite3_pcache *c = w->xCreate(4096, 0, 1);
		sqlite3_pcache_page *pinned[8] = {0};
		unsigned pinned_key[8] = {0}, size = 50;

		for (int op = 0; op < 2000; op++) {
			r ^= r << 13; r ^= r >> 7; r ^= r << 17;
			int slot = (int)((r >> 3) % 8), what = (int)(r % 11);
			unsigned key = 1 + (unsigned)(r >> 16) % (size + 20);
			bool held = false;
			for (int i = 0; i < 8; i++)
				held |= pinned[i] && pinned_key[i] == key;
			if (what <= 3 && pinned[slot] == NULL) {
				if (held)
					continue;  /* one pin a page here, as SQLite's pager keeps */
				if ((pinned[slot] = w->xFetch(c, key, (int)((r >> 40) % 3))) != NULL)
					pinned_key[slot] = key;
			} else if (what <= 5 && pinned[slot]) {
				w->xUnpin(c, pinned[slot], (r >> 41) % 4 == 0);
				pinned[slot] = NULL;
			} else if (what <= 7 && pinned[slot]) {
				unsigned to = (r >> 42) % 3 == 0 ? 262145u + (unsigned)(r >> 50) % 3 : key;
				model_page *other = find(the_model, to);
				if (other && other != (model_page *)pinned[slot] && other->pinned)
					continue;  /* SQLite never rekeys onto a page in use */
				w->xRekey(c, pinned[slot], pinned_key[slot], to);
				pinned_key[slot] = to;
			} else if (what == 8) {
				w->xShrink(c);
			} else {
				unsigned limit = 1 + (unsigned)(r >> 20) % (size + 30);
				truncate_checked(w, c, limit);
				for (int i = 0; i < 8; i++)
					if (pinned[i] && !((model_page *)pinned[i])->used)
						pinned[i] = NULL;  /* truncated away */
				size = limit > 10 ? limit : 50;
			}
		}
		w->xDestroy(c);
	}
}

/* ---- SQLite on the wrapper ----------------------------------------------------- */

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static long long
single(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Random keys make the index split all over (the swap above on every
 * split); a rolled-back transaction that grew the file must leave none of
 * its pages in the cache: the next transaction reuses those numbers. */
static void
test_sqlite_rollback_of_growth(void **state)
{
	char path[] = "/tmp/sj-pagecache-XXXXXX";
	int fd = mkstemp(path);
	sqlite3 *db;
	char wal[64], shm[64];

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pagecache_install(), 1);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA cache_size=-8192;"
	    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT, r INTEGER);"
	    "CREATE INDEX t_r ON t (r);");
	for (int round = 0; round < 6; round++) {
		char sql[256];
		snprintf(sql, sizeof sql, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
		    "SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO t (v, r) SELECT "
		    "printf('%d-%%d-%%s', i, hex(randomblob(20))), random() FROM n;", round);
		exec(db, sql);
		if (round % 2 == 0)
			exec(db, "ROLLBACK");
		else
			exec(db, "COMMIT");
	}
	assert_int_equal(single(db, "SELECT count(*) FROM t"), 9000);
	assert_int_equal(single(db, "SELECT count(*) FROM t WHERE v LIKE '0-%' OR v LIKE '2-%'"
	    " OR v LIKE '4-%'"), 0);
	assert_int_equal(single(db, "SELECT count(*) FROM pragma_integrity_check"
	    " WHERE integrity_check = 'ok'"), 1);
	sqlite3_close(db);
	snprintf(wal, sizeof wal, "%s-wal", path);
	snprintf(shm, sizeof shm, "%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_swap_skipped),
		cmocka_unit_test(test_random_against_model),
		/* last: it installs the wrapper over SQLite's own cache */
		cmocka_unit_test(test_sqlite_rollback_of_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
