/* Migration 0015 (schema/{sqlite,postgres}/0015_scan_checkpoint_fk.sql), on SQLite and on
 * PostgreSQL (tests/unit/testdb.h): a scan refers to its checkpoint and
 * the checkpoint's place with one composite foreign key —
 *  - a store at 0014 holding scans is migrated with every row, its index,
 *    the view `stay` and (SQLite) the planner statistics kept; so is one
 *    that got 0016 (the person index by time) before 0015;
 *  - a scan naming a place other than its checkpoint's is refused, as is a
 *    checkpoint or place that does not exist; the right pair is taken;
 *  - a checkpoint (and so its place) with scans cannot be deleted.
 * Expected values are the rows the test itself wrote. */
#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "store/migrate.h"
#include "store/store.h"

#define BEFORE 14   /* the last migration without the composite key */

/* The world: unit 1 with places 10 (checkpoint 100) and 20 (checkpoint
 * 200), person 7, and three scans at place 10: one with an open stay. */
static const char *const world_sql[] = {
	"INSERT INTO region (id, level, name, created_at) VALUES (1, 'district', 'r', 0)",
	"INSERT INTO unit (id, region_id, kind, name, name_key, name_sort, created_at)"
	" VALUES (1, 1, 'community', 'u', 'u', ?1, 0)",
	"INSERT INTO place (id, unit_id, kind, name, name_key, created_at)"
	" VALUES (10, 1, 'public', 'p10', 'p10', 0), (20, 1, 'public', 'p20', 'p20', 0)",
	"INSERT INTO checkpoint (id, place_id, name, created_at)"
	" VALUES (100, 10, 'c100', 0), (200, 20, 'c200', 0)",
	"INSERT INTO person (id, name, name_key, name_sort, created_at) VALUES (7, 'n', 'n', ?1, 0)",
	"INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons, stay_s)"
	" VALUES (10, 1, 100, 7, 1000, 8, 0, 600), (10, 2, 100, 7, 1600, 1, 0, NULL),"
	" (10, 3, 100, NULL, 2000, 0, 0, NULL)",
};

static void
exec_bound(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};

	if (store_prepare(s, sql, &st, &e) != SJ_OK)
		fail_msg("%s: %s", sql, e.msg);
	if (strstr(sql, "?1"))
		store_bind_blob(st, 1, "n", 1);
	if (store_run(st, &e) != SJ_OK)
		fail_msg("%s: %s", sql, e.msg);
}

static int64_t
count(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t v = -1;
	bool found;

	if (store_prepare(s, sql, &st, &e) != SJ_OK || store_query_int(st, &v, &found, &e) != SJ_OK)
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

/* The store with the migrations up to BEFORE (or, out_of_order, all but
 * 0015, as a store migrated by a build that had 0016 and not yet 0015),
 * the world written, then migrated to the latest. */
static store *
upgraded_store(bool out_of_order)
{
	struct schema_file old[64];
	store *s = testdb_open();
	sj_err e = {0};
	size_t n = 0;

	for (const struct schema_file *f = schema_files; f->dialect; f++)
		if (out_of_order ? f->version != 15 : f->version <= BEFORE) {
			assert_true(n < sizeof old / sizeof old[0] - 1);
			old[n++] = *f;
		}
	old[n] = (struct schema_file){0};
	if (migrate_apply_files(s, old, NULL, &e) != SJ_OK)
		fail_msg("migrations up to %d: %s", BEFORE, e.msg);
	for (size_t i = 0; i < sizeof world_sql / sizeof world_sql[0]; i++)
		exec_bound(s, world_sql[i]);
	if (migrate_apply(s, NULL, &e) != SJ_OK)
		fail_msg("migration 0015: %s", e.msg);
	return s;
}

/* A statement that must fail (in a savepoint: a failed statement spoils
 * the transaction on both stores). */
static void
refused(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	sj_rc rc;

	assert_int_equal(store_begin(s, &e), SJ_OK);
	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	rc = store_run(st, &e);
	store_rollback(s);
	if (rc == SJ_OK)
		fail_msg("not refused: %s", sql);
}

/* What an upgrade must keep, whatever the order the migrations ran in. */
static void
upgrade_keeps_scans(bool out_of_order)
{
	store *s = upgraded_store(out_of_order);

	assert_int_equal(count(s, "SELECT count(*) FROM scan"), 3);
	assert_int_equal(count(s, "SELECT count(*) FROM scan WHERE person_id = 7 AND place_id = 10"), 2);
	/* the open stay of scan 1: [1000, 1600) */
	assert_int_equal(count(s, "SELECT exit_at FROM stay WHERE id = 1"), 1600);
	assert_int_equal(count(s, "SELECT count(*) FROM stay"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM schema_migrations WHERE version = 15"), 1);
	/* the person index by time, as 0016 makes it, either order */
	if (testdb_is_pg())
		assert_int_equal(count(s, "SELECT count(*) FROM pg_indexes WHERE schemaname ="
		    " current_schema() AND indexname = 'scan_by_person'"
		    " AND indexdef LIKE '%(person_id, place_id, at)'"), 1);
	else {
		assert_int_equal(count(s, "SELECT count(*) FROM pragma_index_info('scan_by_person')"
		    " WHERE seqno = 2 AND name = 'at'"), 1);
		/* 0003's statistics, which make SQLite use scan_by_person */
		assert_int_equal(count(s, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'scan'"), 2);
	}
	store_close(s);
}

static void
test_upgrade_keeps_scans(void **state)
{
	(void)state;
	upgrade_keeps_scans(false);
}

/* 0016 ran first (main had it before 0015 was merged). */
static void
test_upgrade_out_of_order(void **state)
{
	(void)state;
	upgrade_keeps_scans(true);
}

static void
test_place_must_be_the_checkpoints(void **state)
{
	store *s = upgraded_store(false);

	(void)state;
	/* checkpoint 100 is at place 10, not 20 */
	refused(s, "INSERT INTO scan (place_id, id, checkpoint_id, at, kind, reasons)"
	    " VALUES (20, 4, 100, 3000, 0, 0)");
	/* no checkpoint 300, no place 30 */
	refused(s, "INSERT INTO scan (place_id, id, checkpoint_id, at, kind, reasons)"
	    " VALUES (20, 4, 300, 3000, 0, 0)");
	refused(s, "INSERT INTO scan (place_id, id, checkpoint_id, at, kind, reasons)"
	    " VALUES (30, 4, 200, 3000, 0, 0)");
	/* the person must exist still */
	refused(s, "INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons)"
	    " VALUES (20, 4, 200, 8, 3000, 0, 0)");
	exec_bound(s, "INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons)"
	    " VALUES (20, 4, 200, 7, 3000, 0, 0)");
	assert_int_equal(count(s, "SELECT count(*) FROM scan"), 4);
	/* a checkpoint with scans stays, and so does its place */
	refused(s, "DELETE FROM checkpoint WHERE id = 100");
	refused(s, "DELETE FROM place WHERE id = 10");
	refused(s, "UPDATE checkpoint SET place_id = 20 WHERE id = 100");
	assert_int_equal(count(s, "SELECT count(*) FROM checkpoint WHERE id = 100 AND place_id = 10"),
	    1);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upgrade_keeps_scans),
		cmocka_unit_test(test_upgrade_out_of_order),
		cmocka_unit_test(test_place_must_be_the_checkpoints),
	};

	return cmocka_run_group_tests_name(testdb_name(), tests, NULL, NULL);
}
