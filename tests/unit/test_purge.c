/*
 * Unit tests for domain/purge (and json/jpurge's audited run) on a real
 * database, SQLite or PostgreSQL (tests/unit/testdb.h), in the checkpoint
 * test world (cpfix.h).
 *
 * The clock: NOW = 2026-11-29T12:00:00+08:00 (1795924800); with the
 * default 28 days every cut-off is CUT = NOW − 2,419,200 = 1793505600
 * (2026-11-01T12:00:00+08:00), and the visit-note cut-off date is
 * 2026-11-01 (day 20758), so a note of 31 Oct has expired and one of
 * 1 Nov has not (retention.h).
 *
 * The rows (written with SQL so that every instant is exact) and what the
 * rules of purge.h make of them, worked out by hand:
 *   scans      s1 resident  P  CUT−1      expired
 *              s2 resident  P  CUT        kept (exactly at the cut-off)
 *              s3 O1        P  CUT−86400  expired
 *              s4 O1        P  CUT+1      kept (a newer scan of O1)
 *              s5 (no one)  P  CUT−5      expired
 *              s6 O2        R  CUT−100    expired
 *              s7 O3        R  CUT−100    expired                    → 5
 *   alerts     a1 P s1 resident CUT−1      expired
 *              a2 P disinfection, CUT−1000 kept (no personal data)
 *              a3 R s6 O2       CUT−100    expired
 *              a4 P s4 O1       CUT+1      kept                        → 2
 *   outsider   o1 O4 valid until CUT−1     expired
 *              o2 O5 valid until CUT       kept
 *              o3 O1 valid until CUT−10    expired                    → 2
 *   notes      n1 visit of 2026-10-31      expired
 *              n2 visit of 2026-11-01      kept                        → 1
 *   people     O1 kept (s4, a4); O2 gone (s6, a3 gone); O3 kept (a pass);
 *              O4 gone (o1 gone); O5 kept (o2); O6 gone (nothing, made
 *              before CUT); O7 kept (nothing, but made at NOW); the
 *              four cpfix people have a household or a unit: kept      → 3
 */
#include "unit/cpfix.h"  /* first: includes testdb.h (both databases) */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/purge.h"
#include "domain/retention.h"
#include "json/jpurge.h"

#define NOW INT64_C(1795924800)
#define CUT (NOW - 28 * 86400)

enum { O1 = 9001, O2, O3, O4, O5, O6, O7 };

static const char *const sql[] = {
	/* 0 person: ?1 id, ?2 created_at */
	"INSERT INTO person (id, name, name_key, name_sort, created_at)"
	" VALUES (?1, 'o', 'o', ?3, ?2)",
	/* 1 scan: ?1 place, ?2 id, ?3 checkpoint, ?4 person (NULL), ?5 at */
	"INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, reasons)"
	" VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)",
	/* 2 alert: ?1 place, ?2 id, ?3 at, ?4 scan id, ?5 person */
	"INSERT INTO alert (place_id, id, at, reasons, decision, scan_id, person_id, detail,"
	" created_at) VALUES (?1, ?2, ?3, 1, 1, ?4, ?5, 'd', ?3)",
	/* 3 outsider: ?1 unit, ?2 person, ?3 valid_until */
	"INSERT INTO outsider_registration (unit_id, person_id, came_from, reason, host,"
	" valid_from, valid_until, registered_at) VALUES (?1, ?2, 'x', 'y', 'z', ?3 - 3600, ?3,"
	" ?3 - 3600)",
	/* 4 visit: ?1 id, ?2 unit, ?3 household, ?4 date */
	"INSERT INTO visit (id, unit_id, household_id, visited_on, purpose, created_at, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, 'p', 0, 0)",
	/* 5 note: ?1 visit, ?2 household, ?3 date */
	"INSERT INTO household_note (visit_id, household_id, visited_on, body, created_at)"
	" VALUES (?1, ?2, ?3, 'n', 0)",
	/* 6 pass: ?1 person, ?2 place */
	"INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at, issued_by)"
	" VALUES (?1, ?2, 20700, 20800, 0, 'cli')",
};

/* Run sql[q] with the integer arguments (0 = NULL), asserting success. */
static void
put(cpfix *f, int q, int n, ...)
{
	store_stmt *st;
	sj_err e = {0};
	va_list ap;

	assert_int_equal(store_prepare(f->s, sql[q], &st, &e), SJ_OK);
	va_start(ap, n);
	for (int i = 1; i <= n; i++) {
		int64_t v = va_arg(ap, int64_t);
		if (v)
			store_bind_int(st, i, v);
		else
			store_bind_null(st, i);
	}
	va_end(ap);
	if (q == 0)
		store_bind_blob(st, 3, "o", 1);
	if (store_run(st, &e) != SJ_OK)
		fail_msg("sql %d: %s", q, e.msg);
}

#define I(x) ((int64_t)(x))

static void
world(cpfix *f)
{
	sj_date oct31 = dt_date_from_ymd(2026, 10, 31), nov1 = dt_date_from_ymd(2026, 11, 1);

	put(f, 0, 2, I(O1), I(CUT - 5 * 86400));
	put(f, 0, 2, I(O2), I(CUT - 5 * 86400));
	put(f, 0, 2, I(O3), I(CUT - 5 * 86400));
	put(f, 0, 2, I(O4), I(CUT - 5 * 86400));
	put(f, 0, 2, I(O5), I(CUT - 5 * 86400));
	put(f, 0, 2, I(O6), I(CUT - 1));
	put(f, 0, 2, I(O7), I(NOW));
	put(f, 1, 5, f->place_p, I(1), f->cp_p, f->resident, I(CUT - 1));
	put(f, 1, 5, f->place_p, I(2), f->cp_p, f->resident, I(CUT));
	put(f, 1, 5, f->place_p, I(3), f->cp_p, I(O1), I(CUT - 86400));
	put(f, 1, 5, f->place_p, I(4), f->cp_p, I(O1), I(CUT + 1));
	put(f, 1, 5, f->place_p, I(5), f->cp_p, I(0), I(CUT - 5));
	put(f, 1, 5, f->place_r, I(6), f->cp_r, I(O2), I(CUT - 100));
	put(f, 1, 5, f->place_r, I(7), f->cp_r, I(O3), I(CUT - 100));
	put(f, 2, 5, f->place_p, I(1), I(CUT - 1), I(1), f->resident);
	put(f, 2, 5, f->place_p, I(2), I(CUT - 1000), I(0), I(0));
	put(f, 2, 5, f->place_r, I(3), I(CUT - 100), I(6), I(O2));
	put(f, 2, 5, f->place_p, I(4), I(CUT + 1), I(4), I(O1));
	put(f, 3, 3, f->unit_a, I(O4), I(CUT - 1));
	put(f, 3, 3, f->unit_a, I(O5), I(CUT));
	put(f, 3, 3, f->unit_a, I(O1), I(CUT - 10));
	put(f, 4, 4, I(1), f->unit_a, f->household, I(oct31));
	put(f, 4, 4, I(2), f->unit_a, f->household, I(nov1));
	put(f, 5, 3, I(1), f->household, I(oct31));
	put(f, 5, 3, I(2), f->household, I(nov1));
	put(f, 6, 2, I(O3), f->place_p);
}

static int
setup(void **state)
{
	cpfix *f = calloc(1, sizeof *f);

	if (f == NULL || cpfix_setup(f) != 0)
		return -1;
	for (int k = 0; k < RETENTION__N; k++)
		retention_set((retention_class)k, 28);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	cpfix_teardown(*state);
	free(*state);
	return 0;
}

static const int64_t expected[PURGE__N] = {
	[PURGE_SCAN] = 5, [PURGE_ALERT] = 2, [PURGE_OUTSIDER] = 2,
	[PURGE_HOUSEHOLD_NOTE] = 1, [PURGE_PERSON] = 3,
};

#define N_ROWS_SQL \
	"SELECT (SELECT count(*) FROM scan) + (SELECT count(*) FROM alert)" \
	" + (SELECT count(*) FROM outsider_registration) + (SELECT count(*) FROM household_note)" \
	" + (SELECT count(*) FROM person)"

static void
assert_counts(const purge_report *r)
{
	for (int t = 0; t < PURGE__N; t++)
		if (r->rows[t] != expected[t])
			fail_msg("%s: %lld rows, expected %lld", purge_table_name((purge_table)t),
			    (long long)r->rows[t], (long long)expected[t]);
}

/* The dry run counts the hand-worked rows and deletes nothing; the real
 * run then deletes exactly those, and leaves exactly the kept ones. */
static void
test_dry_run_then_purge(void **state)
{
	cpfix *f = *state;
	purge_report r;
	sj_err e = {0};
	int64_t before;

	world(f);
	before = testdb_int(f->s, N_ROWS_SQL);
	/* 7 + 4 cpfix people = 11, 7 scans, 4 alerts, 3 registrations, 2 notes */
	assert_int_equal(before, 11 + 7 + 4 + 3 + 2);
	assert_int_equal(jpurge_run_audited(f->s, NOW, true, "cli", &r, &e), SJ_OK);
	assert_true(r.dry_run);
	assert_int_equal(r.cutoff[RETENTION_SCAN], CUT);
	assert_counts(&r);
	assert_int_equal(testdb_int(f->s, N_ROWS_SQL), before);

	assert_int_equal(jpurge_run_audited(f->s, NOW, false, "cli", &r, &e), SJ_OK);
	assert_false(r.dry_run);
	assert_counts(&r);
	assert_int_equal(testdb_int(f->s, N_ROWS_SQL), before - 13);
	/* What stays: scans 2 and 4, alerts 2 and 4, o2, the 1 Nov note, and
	 * of the seven people O1, O3, O5, O7. */
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE id IN (2, 4)"), 2);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM alert WHERE id IN (2, 4)"), 2);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM outsider_registration"
	    " WHERE person_id = 9005"), 1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM household_note WHERE visit_id = 2"),
	    1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM person WHERE id IN (9001, 9003,"
	    " 9005, 9007)"), 4);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM person WHERE id > 9000"), 4);
	/* Both runs are on the audit log. */
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM audit_event"
	    " WHERE action = 'retention.purge_dry_run'"), 1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM audit_event"
	    " WHERE action = 'retention.purge'"), 1);

	/* A second run at the same instant finds nothing. */
	assert_int_equal(purge_run(f->s, NOW, false, &r, &e), SJ_OK);
	for (int t = 0; t < PURGE__N; t++)
		assert_int_equal(r.rows[t], 0);
}

/* One second later the rows at exactly the cut-off expire too: s2, o2
 * (then O5, with nothing left, made 5 days before the cut-off). */
static void
test_one_second_later(void **state)
{
	cpfix *f = *state;
	purge_report r;
	sj_err e = {0};

	world(f);
	assert_int_equal(purge_run(f->s, NOW + 1, true, &r, &e), SJ_OK);
	assert_int_equal(r.rows[PURGE_SCAN], 6);
	assert_int_equal(r.rows[PURGE_OUTSIDER], 3);
	assert_int_equal(r.rows[PURGE_PERSON], 4);
	assert_int_equal(r.rows[PURGE_ALERT], 2);
	assert_int_equal(r.rows[PURGE_HOUSEHOLD_NOTE], 1);
}

/* Each place's transaction that deleted scans takes one scan id (purge.c,
 * for the scan writer's memos): at NOW places P (s1, s3, s5) and R (s6,
 * s7) lose scans, so the counter moves by 2; the dry run moves it by
 * nothing (rolled back), and a second run, which deletes no scan, by
 * nothing either. */
static void
test_purge_takes_scan_ids(void **state)
{
	static const char counter[] = "SELECT last FROM id_counter WHERE name = 'scan'";
	cpfix *f = *state;
	purge_report r;
	sj_err e = {0};
	int64_t before;

	world(f);
	before = testdb_int(f->s, counter);
	assert_int_equal(purge_run(f->s, NOW, true, &r, &e), SJ_OK);
	assert_int_equal(testdb_int(f->s, counter), before);
	assert_int_equal(purge_run(f->s, NOW, false, &r, &e), SJ_OK);
	assert_int_equal(r.rows[PURGE_SCAN], 5);
	assert_int_equal(testdb_int(f->s, counter), before + 2);
	assert_int_equal(purge_run(f->s, NOW, false, &r, &e), SJ_OK);
	assert_int_equal(testdb_int(f->s, counter), before + 2);
}

/* The person statement must name every table that refers to a person
 * without ON DELETE CASCADE; a new one (a later migration) fails here
 * until purge.c lists it.  Read from each database's own catalogue. */
static void
test_every_person_reference_listed(void **state)
{
	static const char *const q[] = {
	    "SELECT m.name FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) k"
	    " WHERE m.type = 'table' AND k.\"table\" = 'person' AND k.on_delete <> 'CASCADE'"
	    " ORDER BY m.name",
	    "SELECT tc.table_name FROM information_schema.referential_constraints rc"
	    " JOIN information_schema.table_constraints tc ON tc.constraint_name = rc.constraint_name"
	    " AND tc.constraint_schema = rc.constraint_schema"
	    " JOIN information_schema.table_constraints pk"
	    " ON pk.constraint_name = rc.unique_constraint_name"
	    " AND pk.constraint_schema = rc.unique_constraint_schema"
	    " WHERE pk.table_name = 'person' AND rc.delete_rule <> 'CASCADE'"
	    " AND tc.constraint_schema = current_schema() ORDER BY tc.table_name",
	};
	static const char *const listed[] = {
		"alert", "outsider_registration", "pass", "scan", "service_request",
	};
	cpfix *f = *state;
	store_stmt *st;
	sj_err e = {0};
	bool row;
	size_t n = 0;

	assert_int_equal(store_prepare(f->s, q[testdb_is_pg()], &st, &e), SJ_OK);
	while (store_step(st, &row, &e) == SJ_OK && row) {
		const char *name = store_col_text(st, 0);
		if (n >= sizeof listed / sizeof listed[0] || strcmp(name, listed[n]) != 0)
			fail_msg("table %s refers to person: add it to purge.c's Q_PERSON", name);
		n++;
	}
	store_reset(st);
	assert_int_equal(n, sizeof listed / sizeof listed[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dry_run_then_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_second_later, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_takes_scan_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_person_reference_listed, setup, teardown),
	};
	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
