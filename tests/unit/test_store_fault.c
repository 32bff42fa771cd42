/*
 * A full disk and a read-only store (issue 10, docs/reliability.md): a
 * write fails with SJ_EUNAVAIL (the server's 503 "store-unavailable"
 * problem, core/err.c), reads keep working, a transaction that failed
 * half-way leaves nothing, the database stays intact, and writes work
 * again once the fault is gone — on the same connection, with no restart.
 *
 * The faults are injected per connection, since a loop or tmpfs mount
 * needs root, which CI has not:
 *   SQLite     full:      PRAGMA max_page_count = the current page count
 *                         (SQLite then answers SQLITE_FULL exactly as on a
 *                         full disk); space returns: a large limit again
 *              read-only: PRAGMA query_only = 1 (SQLITE_READONLY)
 *   PostgreSQL read-only: SET default_transaction_read_only = on (SQLSTATE
 *                         25006 read_only_sql_transaction)
 *              full:      a statement raising SQLSTATE 53100 disk_full (a
 *                         real full disk cannot be made without root)
 * tests/cli/faults.sh adds a real write failure on a live server (a file
 * size limit set on the running process).
 */
#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/migrate.h"

static const char *const fault_sql[] = {
	/* 0 */ "CREATE TABLE fault_t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
	/* 1 */ "INSERT INTO fault_t (id, body) VALUES (?1, ?2)",
	/* 2 */ "SELECT count(*) FROM fault_t",
	/* 3 */ "PRAGMA page_count",
	/* 4 */ "PRAGMA integrity_check",
};

static char big[3000];

static sj_rc
put(store *s, int64_t id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, fault_sql[1], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, big);
	return store_run(st, e);
}

static int64_t
rows(store *s)
{
	return testdb_int(s, fault_sql[2]);
}

static int
setup(void **state)
{
	sj_err e = {0};
	store *s = testdb_open();

	memset(big, 'x', sizeof big - 1);
	if (migrate_apply(s, NULL, &e) != SJ_OK || store_exec(s, fault_sql[0], &e) != SJ_OK) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* Writes under a fault: a single insert, then a transaction whose second
 * insert fails; both SJ_EUNAVAIL, the row count unchanged, reads fine. */
static void
assert_writes_refused(store *s, int64_t first_id)
{
	sj_err e = {0};
	int64_t before = rows(s);

	assert_int_equal(put(s, first_id, &e), SJ_EUNAVAIL);
	assert_int_equal(rows(s), before);  /* a read on the same connection */
	sj_err_clear(&e);
	assert_int_equal(store_begin(s, &e) == SJ_OK ? put(s, first_id + 1, &e) : e.rc,
	    SJ_EUNAVAIL);
	if (store_tx_depth(s) > 0)
		store_rollback(s);
	assert_int_equal(rows(s), before);
	/* Nested: the fault in a savepoint ends the whole transaction, so a
	 * caller that rolls back the savepoint and goes on gets failures, never
	 * a statement run outside its transaction (SQLite may already have
	 * rolled it all back on SQLITE_FULL). */
	sj_err_clear(&e);
	if (store_begin(s, &e) != SJ_OK) {
		/* SQLite's query_only refuses BEGIN IMMEDIATE itself. */
		assert_int_equal(e.rc, SJ_EUNAVAIL);
		assert_int_equal(store_tx_depth(s), 0);
		return;
	}
	assert_int_equal(store_begin(s, &e), SJ_OK);
	assert_int_equal(put(s, first_id + 2, &e), SJ_EUNAVAIL);
	store_rollback(s);
	assert_int_not_equal(put(s, first_id + 3, &e), SJ_OK);
	assert_int_not_equal(store_commit(s, &e), SJ_OK);
	assert_int_equal(store_tx_depth(s), 0);
	assert_int_equal(rows(s), before);
}

static void
assert_intact(store *s)
{
	store_stmt *st;
	sj_err e = {0};
	bool row;

	if (testdb_is_pg())
		return;  /* PostgreSQL checks its own pages; nothing to ask here */
	assert_int_equal(store_prepare(s, fault_sql[4], &st, &e), SJ_OK);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	assert_string_equal(store_col_text(st, 0), "ok");
	store_reset(st);
}

static void
test_disk_full(void **state)
{
	store *s = *state;
	sj_err e = {0};
	char sql[96];

	assert_int_equal(put(s, 1, &e), SJ_OK);
	if (testdb_is_pg()) {
		static const char raise_full[] =
		    "DO $$ BEGIN RAISE EXCEPTION 'no space left on device'"
		    " USING ERRCODE = 'disk_full'; END $$";
		assert_int_equal(store_exec(s, raise_full, &e), SJ_EUNAVAIL);
		assert_int_equal(rows(s), 1);
		assert_int_equal(put(s, 2, &e), SJ_OK);
		return;
	}
	/* The file may not grow by a page: 3 KB rows need new pages at once. */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
	    (long long)testdb_int(s, fault_sql[3]));
	assert_int_equal(store_exec(s, sql, &e), SJ_OK);
	assert_writes_refused(s, 100);
	assert_intact(s);
	/* Space returns: the same connection writes again. */
	assert_int_equal(store_exec(s, "PRAGMA max_page_count = 1073741823", &e), SJ_OK);
	assert_int_equal(put(s, 2, &e), SJ_OK);
	assert_int_equal(rows(s), 2);
	assert_intact(s);
}

static void
test_read_only(void **state)
{
	store *s = *state;
	sj_err e = {0};
	const char *on = testdb_is_pg() ? "SET default_transaction_read_only = on"
	    : "PRAGMA query_only = 1";
	const char *off = testdb_is_pg() ? "SET default_transaction_read_only = off"
	    : "PRAGMA query_only = 0";

	assert_int_equal(put(s, 1, &e), SJ_OK);
	assert_int_equal(store_exec(s, on, &e), SJ_OK);
	assert_writes_refused(s, 100);
	assert_intact(s);
	assert_int_equal(store_exec(s, off, &e), SJ_OK);
	assert_int_equal(put(s, 2, &e), SJ_OK);
	assert_int_equal(rows(s), 2);
	assert_intact(s);
}

/* The problem document the server makes of it: 503, store-unavailable. */
static void
test_maps_to_503(void **state)
{
	(void)state;
	assert_int_equal(sj_rc_http_status(SJ_EUNAVAIL), 503);
	assert_string_equal(sj_rc_code(SJ_EUNAVAIL), "store-unavailable");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test(test_maps_to_503),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
