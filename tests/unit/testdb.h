/*
 * testdb — the database a unit test runs on, so that every test that
 * touches the store runs on both databases (issue 4).
 *
 * By default testdb_open() gives a fresh, empty SQLite file in a temporary
 * folder.  With SIJIN_TEST_DB=pg it gives a fresh, empty schema in the
 * PostgreSQL database named by SIJIN_TEST_PG (a URL; tests/run.sh starts a
 * throw-away server with scripts/pg.sh and runs each test that includes
 * this header once per database): the connection's search_path names the
 * new schema, which sijin sees as an empty database.  Everything made is
 * removed at exit.
 *
 * The functions are static inline so that a test includes only this
 * header; a test that needs a dialect's own SQL (catalog queries) asks
 * testdb_is_pg().
 */
#ifndef SJ_TESTDB_H
#define SJ_TESTDB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

#define TESTDB_MAX 256

static struct {
	bool ready, pg;
	char dir[64];                 /* SQLite: the temporary folder */
	char base[1024];              /* PostgreSQL: SIJIN_TEST_PG */
	char url[1200];               /* the last database made */
	int n;                        /* databases made */
	char schemas[TESTDB_MAX][40]; /* PostgreSQL: the schemas made */
} testdb;

/* Whether the tests run on PostgreSQL. */
static inline bool
testdb_is_pg(void)
{
	const char *v = getenv("SIJIN_TEST_DB");

	return v != NULL && strcmp(v, "pg") == 0;
}

/* The name of the database the tests run on, for messages. */
static inline const char *
testdb_name(void)
{
	return testdb_is_pg() ? "postgres" : "sqlite";
}

static inline void
testdb_cleanup(void)
{
	char cmd[128];
	store *s = NULL;

	if (!testdb.pg && testdb.dir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", testdb.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "testdb: could not remove %s\n", testdb.dir);
	}
	if (testdb.pg && testdb.n > 0 && store_open(testdb.base, 0, &s, NULL) == SJ_OK) {
		for (int i = 0; i < testdb.n && i < TESTDB_MAX; i++) {
			snprintf(cmd, sizeof cmd, "DROP SCHEMA IF EXISTS %s CASCADE", testdb.schemas[i]);
			store_exec(s, cmd, NULL);
		}
		store_close(s);
	}
}

/* Set up on first use: the folder, or the server's URL.  Exits the test
 * program (status 2) when SIJIN_TEST_DB=pg comes without SIJIN_TEST_PG:
 * a test must never pass by not running. */
static inline void
testdb_init(void)
{
	const char *base;

	if (testdb.ready)
		return;
	testdb.ready = true;
	testdb.pg = testdb_is_pg();
	if (testdb.pg) {
		base = getenv("SIJIN_TEST_PG");
		if (base == NULL || strncmp(base, "postgres", 8) != 0) {
			fprintf(stderr, "testdb: SIJIN_TEST_DB=pg needs SIJIN_TEST_PG=<postgresql:// URL>"
			    " (tests/run.sh starts a server with scripts/pg.sh)\n");
			exit(2);
		}
		snprintf(testdb.base, sizeof testdb.base, "%s", base);
	} else {
		snprintf(testdb.dir, sizeof testdb.dir, "/tmp/sj-testdb-XXXXXX");
		if (mkdtemp(testdb.dir) == NULL) {
			perror("testdb: mkdtemp");
			exit(2);
		}
	}
	atexit(testdb_cleanup);
}

/* The URL (or path) of a new, empty database, made now; the same string
 * until the next call.  Exits the test program when it cannot be made. */
static inline const char *
testdb_new_url(void)
{
	char sql[80], *name;
	store *s = NULL;
	sj_err e = {0};

	testdb_init();
	if (!testdb.pg) {
		snprintf(testdb.url, sizeof testdb.url, "%s/t%d.db", testdb.dir, ++testdb.n);
		return testdb.url;
	}
	if (testdb.n >= TESTDB_MAX) {
		fprintf(stderr, "testdb: more than %d databases in one test program\n", TESTDB_MAX);
		exit(2);
	}
	name = testdb.schemas[testdb.n];
	snprintf(name, sizeof testdb.schemas[0], "sjt_%ld_%d", (long)getpid(), testdb.n + 1);
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", name);
	if (store_open(testdb.base, 0, &s, &e) != SJ_OK || store_exec(s, sql, &e) != SJ_OK) {
		fprintf(stderr, "testdb: cannot make a schema on %s: %s\n", testdb.base, e.msg);
		exit(2);
	}
	store_close(s);
	testdb.n++;
	snprintf(testdb.url, sizeof testdb.url, "%s%soptions=-csearch_path%%3D%s", testdb.base,
	    strchr(testdb.base, '?') ? "&" : "?", name);
	return testdb.url;
}

/* The URL (or path) of the database testdb_open() made last. */
static inline const char *
testdb_url(void)
{
	return testdb.url;
}

/* A new store on a new, empty database (no schema applied); the caller
 * closes it with store_close().  Exits the test program when it cannot be
 * made. */
static inline store *
testdb_open(void)
{
	const char *url = testdb_new_url();
	store *s = NULL;
	sj_err e = {0};

	if (store_open(url, STORE_CREATE, &s, &e) != SJ_OK) {
		fprintf(stderr, "testdb: cannot open %s: %s\n", url, e.msg);
		exit(2);
	}
	return s;
}

/* Another connection to the database testdb_open() made last. */
static inline store *
testdb_reopen(void)
{
	store *s = NULL;
	sj_err e = {0};

	if (store_open(testdb.url, 0, &s, &e) != SJ_OK) {
		fprintf(stderr, "testdb: cannot open %s again: %s\n", testdb.url, e.msg);
		exit(2);
	}
	return s;
}

/* The first column of the first row of sql (static text: the store caches
 * statements by address) as an integer; -1 when there is no row. */
static inline int64_t
testdb_int(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	bool found;
	int64_t v;

	if (store_prepare(s, sql, &st, &e) != SJ_OK || store_query_int(st, &v, &found, &e) != SJ_OK) {
		fprintf(stderr, "testdb: %s: %s\n", sql, e.msg);
		return -2;
	}
	return found ? v : -1;
}

/* Whether the current database has a table named name. */
static inline bool
testdb_has_table(store *s, const char *name)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
		"SELECT count(*) FROM information_schema.tables"
		" WHERE table_schema = current_schema() AND table_name = ?1",
	};
	store_stmt *st;
	sj_err e = {0};
	int64_t n = 0;

	if (store_prepare(s, sql[store_get_dialect(s) == STORE_POSTGRES], &st, &e) != SJ_OK)
		return false;
	store_bind_text(st, 1, name);
	if (store_query_int(st, &n, NULL, &e) != SJ_OK)
		return false;
	return n > 0;
}

/* Whether file path holds text anywhere (a missing file does not). */
static inline bool
testdb_file_contains(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n = 0, got;
	char *buf;
	bool found;

	if (f == NULL)
		return false;
	buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	found = buf && memmem(buf, n, text, strlen(text)) != NULL;
	free(buf);
	return found;
}

/* Whether text is stored anywhere in the current database: for SQLite in
 * the bytes of the file and its WAL; for PostgreSQL in any row of any
 * table of the schema, every column as text (bytea as base64). */
static inline bool
testdb_contains(store *s, const char *text)
{
	static const char sql[] =
	    "SELECT count(*) FROM information_schema.tables t"
	    " WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
	    " AND position(?1 in CAST(query_to_xml(format('SELECT * FROM %I.%I', t.table_schema,"
	    " t.table_name), true, false, '') AS text)) > 0";
	char wal[1300];
	store_stmt *st;
	sj_err e = {0};
	int64_t n = 0;

	if (store_get_dialect(s) == STORE_SQLITE) {
		snprintf(wal, sizeof wal, "%s-wal", store_url(s));
		return testdb_file_contains(store_url(s), text) || testdb_file_contains(wal, text);
	}
	if (store_prepare(s, sql, &st, &e) != SJ_OK)
		return true;  /* fail safe: a test asserting absence fails */
	store_bind_text(st, 1, text);
	if (store_query_int(st, &n, NULL, &e) != SJ_OK)
		return true;
	return n > 0;
}

#endif
