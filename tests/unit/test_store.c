/* Unit tests for store/ and migrate: drivers, savepoints, error mapping,
 * and the migration runner (fresh, upgrade, newer schema refused, a failed
 * migration rolled back). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/migrate.h"
#include "store/store.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sj-store-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static store *
open_new(void)
{
	store *s = NULL;
	sj_err e = {0};

	unlink(path);
	assert_int_equal(store_open(path, STORE_CREATE, &s, &e), SJ_OK);
	return s;
}

static int64_t
count(store *s, const char *sql)
{
	store_stmt *st;
	bool row;
	sj_err e = {0};
	int64_t n;

	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	n = store_col_int(st, 0);
	store_reset(st);
	return n;
}

static void
test_open_missing(void **state)
{
	store *s = NULL;
	sj_err e = {0};

	(void)state;
	assert_int_equal(store_open("/tmp/sj-no-such-dir/x.db", 0, &s, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "db");
	assert_null(s);
	assert_int_equal(store_open("", 0, &s, &e), SJ_EINVAL);
	assert_int_equal(store_open("postgresql://u:secret@h/db", 0, &s, &e), SJ_EINVAL);
}

static void
test_open_not_a_database(void **state)
{
	store *s = NULL;
	sj_err e = {0};
	FILE *f;

	(void)state;
	f = fopen(path, "w");
	fputs("this is not a database, just some text long enough to be a header\n", f);
	fclose(f);
	assert_int_equal(store_open(path, 0, &s, &e), SJ_EDB);
	assert_non_null(strstr(e.msg, "not a database"));
}

static const char *const sql_t[] = {
	"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, parent INTEGER REFERENCES t(id)) STRICT",
	"INSERT INTO t (name, parent) VALUES (?1, ?2) RETURNING id",
	"SELECT count(*) FROM t",
};

static sj_rc
insert(store *s, const char *name, int64_t parent, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	assert_int_equal(store_prepare(s, sql_t[1], &st, e), SJ_OK);
	store_bind_text(st, 1, name);
	if (parent)
		store_bind_int(st, 2, parent);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	assert_true(row);
	*id = store_col_int(st, 0);
	store_reset(st);
	return SJ_OK;
}

static void
test_errors_map(void **state)
{
	store *s = open_new();
	sj_err e = {0};
	int64_t a, b;

	(void)state;
	assert_int_equal(store_exec(s, sql_t[0], &e), SJ_OK);
	assert_int_equal(insert(s, "a", 0, &a, &e), SJ_OK);
	assert_int_equal(a, 1);
	assert_int_equal(insert(s, "a", 0, &b, &e), SJ_ECONFLICT);
	assert_int_equal(insert(s, "b", 999, &b, &e), SJ_EINVAL);
	assert_int_equal(store_exec(s, "SELEKT 1", &e), SJ_EDB);
	assert_int_equal(count(s, sql_t[2]), 1);
	store_close(s);
}

static void
test_savepoints(void **state)
{
	store *s = open_new();
	sj_err e = {0};
	int64_t id;

	(void)state;
	assert_int_equal(store_exec(s, sql_t[0], &e), SJ_OK);
	assert_int_equal(store_begin(s, &e), SJ_OK);
	assert_int_equal(insert(s, "outer", 0, &id, &e), SJ_OK);
	assert_int_equal(store_begin(s, &e), SJ_OK);
	assert_int_equal(store_tx_depth(s), 2);
	assert_int_equal(insert(s, "inner", 0, &id, &e), SJ_OK);
	store_rollback(s);  /* only "inner" goes */
	assert_int_equal(store_begin(s, &e), SJ_OK);
	assert_int_equal(insert(s, "kept", 0, &id, &e), SJ_OK);
	assert_int_equal(store_commit(s, &e), SJ_OK);
	assert_int_equal(store_commit(s, &e), SJ_OK);
	assert_int_equal(store_tx_depth(s), 0);
	assert_int_equal(count(s, sql_t[2]), 2);
	/* An outer rollback drops everything, savepoints included. */
	assert_int_equal(store_begin(s, &e), SJ_OK);
	assert_int_equal(insert(s, "gone", 0, &id, &e), SJ_OK);
	store_rollback(s);
	assert_int_equal(count(s, sql_t[2]), 2);
	store_close(s);
}

static const struct schema_file v1[] = {
	{ "sqlite", 1, "0001_a", "CREATE TABLE a (x INTEGER) STRICT; INSERT INTO a VALUES (7);" },
	{ NULL, 0, NULL, NULL },
};
static const struct schema_file v2[] = {
	{ "sqlite", 1, "0001_a", "CREATE TABLE a (x INTEGER) STRICT; INSERT INTO a VALUES (7);" },
	{ "postgres", 2, "0002_b", "this is never run on SQLite" },
	{ "sqlite", 2, "0002_b", "CREATE TABLE b (y INTEGER) STRICT;" },
	{ NULL, 0, NULL, NULL },
};
static const struct schema_file v2_bad[] = {
	{ "sqlite", 1, "0001_a", "CREATE TABLE a (x INTEGER) STRICT; INSERT INTO a VALUES (7);" },
	{ "sqlite", 2, "0002_bad", "CREATE TABLE c (z INTEGER) STRICT; INSERT INTO nowhere VALUES (1);" },
	{ NULL, 0, NULL, NULL },
};

static void
test_migrate_fresh_upgrade_newer(void **state)
{
	store *s = open_new();
	sj_err e = {0};
	int n, version;

	(void)state;
	assert_int_equal(migrate_apply_files(s, v1, &n, &e), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(migrate_version(s, &version, &e), SJ_OK);
	assert_int_equal(version, 1);
	/* Again: nothing pending. */
	assert_int_equal(migrate_apply_files(s, v1, &n, &e), SJ_OK);
	assert_int_equal(n, 0);
	/* Upgrade keeps the data of version 1. */
	assert_int_equal(migrate_apply_files(s, v2, &n, &e), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(count(s, "SELECT sum(x) FROM a"), 7);
	assert_int_equal(count(s, "SELECT count(*) FROM b"), 0);
	/* A binary that knows only version 1 refuses this database. */
	assert_int_equal(migrate_apply_files(s, v1, &n, &e), SJ_ESCHEMA);
	assert_non_null(strstr(e.msg, "version 2 is newer"));
	store_close(s);
}

static void
test_migrate_failure_rolls_back(void **state)
{
	store *s = open_new();
	sj_err e = {0};
	int n, version;

	(void)state;
	assert_int_equal(migrate_apply_files(s, v2_bad, &n, &e), SJ_EDB);
	assert_non_null(strstr(e.msg, "0002_bad"));
	assert_int_equal(migrate_version(s, &version, &e), SJ_OK);
	assert_int_equal(version, 1);
	/* Table c of the failed migration must not exist. */
	assert_int_equal(count(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), 0);
	store_close(s);
}

static void
test_builtin_migrations(void **state)
{
	store *s = open_new();
	sj_err e = {0};
	int n;

	(void)state;
	assert_int_equal(migrate_check(s, &e), SJ_ECONFLICT);
	assert_int_equal(migrate_apply(s, &n, &e), SJ_OK);
	assert_true(n >= 1);
	assert_int_equal(migrate_check(s, &e), SJ_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'unit'"), 1);
	assert_int_equal(count(s, "PRAGMA foreign_keys"), 1);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_open_not_a_database),
		cmocka_unit_test(test_errors_map),
		cmocka_unit_test(test_savepoints),
		cmocka_unit_test(test_migrate_fresh_upgrade_newer),
		cmocka_unit_test(test_migrate_failure_rolls_back),
		cmocka_unit_test(test_builtin_migrations),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
