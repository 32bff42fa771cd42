/*
 * Unit tests of the service request retention class (domain/retention.h
 * RETENTION_REQUEST; docs/retention.md): the read paths (request_get,
 * request_list — which Open311 and the reports read through) hide an
 * expired request from the second it expires, and purge_run deletes it with
 * the rows that name it.  SQLite or PostgreSQL (tests/unit/testdb.h), in
 * the checkpoint test world (cpfix.h).
 *
 * The clock: NOW = 2026-11-29T12:00:00+08:00 (1795924800); with 28 days
 * the request cut-off is CUT = NOW − 2,419,200 = 1793505600.  A request
 * expires when it is finished (resolved, rejected, duplicate, closed) and
 * its status_at < CUT; an open one never does.
 *
 * The rows (written with SQL so that every instant is exact), by hand:
 *   R1 closed     status_at CUT−1       expired; names person O1
 *   R2 resolved   status_at CUT         kept (exactly at the cut-off)
 *   R3 submitted  status_at CUT−100000  kept (open)
 *   R4 rejected   status_at CUT−10      expired; 1 attribute, 2 updates,
 *                                       1 referral, a need made into it
 *   R5 duplicate  status_at CUT+5       kept; a duplicate of R4
 * So at NOW the reads see R2, R3, R5; at NOW−1 (cut-off CUT−1) R1 too.
 * The purge at NOW deletes service_request 2 (R1, R4), request_attribute
 * 1, request_update 2, referral 1, and person O1 (made before CUT, no
 * household or unit, named by R1 only): 1; R5's duplicate_of and the
 * need's request_id become NULL.
 */
#include "unit/cpfix.h"  /* first: includes testdb.h (both databases) */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/purge.h"
#include "domain/request.h"
#include "domain/retention.h"

#define NOW INT64_C(1795924800)
#define CUT (NOW - 28 * 86400)
#define O1 9001

static const char *const sql[] = {
	/* 0 person: ?1 id, ?2 created_at, ?3 name_sort */
	"INSERT INTO person (id, name, name_key, name_sort, created_at)"
	" VALUES (?1, 'o', 'o', ?3, ?2)",
	/* 1 request: ?1 id, ?2 unit, ?3 person (NULL), ?4 status_at, ?5 duplicate_of
	 * (NULL), ?6 status */
	"INSERT INTO service_request (id, service_id, unit_id, person_id, description,"
	" reported_at, created_at, updated_at, priority, status, status_at, source, duplicate_of,"
	" response_days, resolution_days, receipt_day, response_due, resolution_due)"
	" SELECT ?1, s.id, ?2, ?3, 'd', ?4 - 200000, ?4 - 200000, ?4, 'normal', ?6, ?4, 'api', ?5,"
	" 1, 10, 20700, 20701, 20710 FROM service s WHERE s.code = 'accommodation'",
	/* 2 attribute: ?1 request */
	"INSERT INTO request_attribute (request_id, code, value) VALUES (?1, 'x', 'y')",
	/* 3 update: ?1 request, ?2 at */
	"INSERT INTO request_update (request_id, at, recorded_at, author, kind, from_status,"
	" to_status, applied) VALUES (?1, ?2, ?2, 'a', 'comment', 'submitted', 'submitted', 1)",
	/* 4 department: ?1 id, ?3 name_sort */
	"INSERT INTO department (id, name, name_sort, kind, created_at)"
	" VALUES (?1, 'dep', ?3, 'government', 0)",
	/* 5 referral: ?1 request, ?2 department */
	"INSERT INTO referral (request_id, department_id, sent_at, due_days, due_on)"
	" VALUES (?1, ?2, 0, 5, 20705)",
	/* 6 visit: ?1 id, ?2 unit */
	"INSERT INTO visit (id, unit_id, visited_on, purpose, created_at, updated_at)"
	" VALUES (?1, ?2, 20700, 'p', 0, 0)",
	/* 7 need: ?1 visit, ?2 unit, ?3 request */
	"INSERT INTO need (visit_id, unit_id, category, difficulty, request_id, created_at)"
	" VALUES (?1, ?2, 'accommodation', 'x', ?3, 0)",
};

/* Run sql[q] with n integer arguments (0 = NULL), then the text status for
 * the request statement and a name_sort blob where one is needed. */
static void
put(cpfix *f, int q, const char *status, int n, ...)
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
	if (q == 1)
		store_bind_text(st, 6, status);
	if (q == 0 || q == 4)
		store_bind_blob(st, 3, "o", 1);
	if (store_run(st, &e) != SJ_OK)
		fail_msg("sql %d: %s", q, e.msg);
}

#define I(x) ((int64_t)(x))

static void
world(cpfix *f)
{
	put(f, 0, NULL, 2, I(O1), I(CUT - 5 * 86400));
	put(f, 1, "closed", 5, I(1), f->unit_a, I(O1), I(CUT - 1), I(0));
	put(f, 1, "resolved", 5, I(2), f->unit_a, I(0), I(CUT), I(0));
	put(f, 1, "submitted", 5, I(3), f->unit_a, I(0), I(CUT - 100000), I(0));
	put(f, 1, "rejected", 5, I(4), f->unit_a, I(0), I(CUT - 10), I(0));
	put(f, 1, "duplicate", 5, I(5), f->unit_a, I(0), I(CUT + 5), I(4));
	put(f, 2, NULL, 1, I(4));
	put(f, 3, NULL, 2, I(4), I(CUT - 300));
	put(f, 3, NULL, 2, I(4), I(CUT - 10));
	put(f, 4, NULL, 1, I(901));
	put(f, 5, NULL, 2, I(4), I(901));
	put(f, 6, NULL, 2, I(1), f->unit_a);
	put(f, 7, NULL, 3, I(1), f->unit_a, I(4));
}

static int
setup(void **state)
{
	cpfix *f = calloc(1, sizeof *f);

	if (f == NULL || cpfix_setup(f) != 0)
		return -1;
	for (int k = 0; k < RETENTION__N; k++)
		retention_set((retention_class)k, 28);
	world(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	dt_now_fix(0);
	cpfix_teardown(*state);
	free(*state);
	return 0;
}

/* The ids request_list gives with no filter, newest first, into ids
 * (at most 8); returns how many. */
static size_t
listed(cpfix *f, int64_t ids[8])
{
	request_filter flt = { .limit = 50 };
	request_page page;
	sj_err e = {0};
	arena a;
	size_t n;

	arena_init(&a);
	assert_int_equal(request_list(f->s, &scope_system, &a, &flt, &page, &e), SJ_OK);
	n = page.n_requests < 8 ? page.n_requests : 8;
	for (size_t i = 0; i < n; i++)
		ids[i] = page.requests[i].id;
	arena_free(&a);
	return n;
}

static sj_rc
get(cpfix *f, int64_t id)
{
	service_request r;
	sj_err e = {0};
	arena a;
	sj_rc rc;

	arena_init(&a);
	rc = request_get(f->s, &scope_system, &a, id, &r, &e);
	arena_free(&a);
	return rc;
}

/* At NOW: R1 and R4 are gone from get and list, the others are there. */
static void
test_reads_hide_expired(void **state)
{
	cpfix *f = *state;
	int64_t ids[8];

	dt_now_fix(NOW);
	assert_int_equal(get(f, 1), SJ_ENOTFOUND);
	assert_int_equal(get(f, 4), SJ_ENOTFOUND);
	assert_int_equal(get(f, 2), SJ_OK);
	assert_int_equal(get(f, 3), SJ_OK);
	assert_int_equal(get(f, 5), SJ_OK);
	assert_int_equal(listed(f, ids), 3);
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 2);
}

/* One second earlier the cut-off is CUT−1: R1 (finished at CUT−1) is still
 * kept, R4 (CUT−10) not. */
static void
test_one_second_before(void **state)
{
	cpfix *f = *state;
	int64_t ids[8];

	dt_now_fix(NOW - 1);
	assert_int_equal(get(f, 1), SJ_OK);
	assert_int_equal(get(f, 4), SJ_ENOTFOUND);
	assert_int_equal(listed(f, ids), 4);
	assert_int_equal(ids[3], 1);
}

/* The dry run counts, the real run deletes exactly R1 and R4 with their
 * rows, and the reads are what they were before the purge. */
static void
test_purge(void **state)
{
	cpfix *f = *state;
	purge_report r;
	sj_err e = {0};
	int64_t ids[8];

	dt_now_fix(NOW);
	for (int dry = 1; dry >= 0; dry--) {
		assert_int_equal(purge_run(f->s, NOW, dry, &r, &e), SJ_OK);
		assert_int_equal(r.cutoff[RETENTION_REQUEST], CUT);
		assert_int_equal(r.rows[PURGE_SERVICE_REQUEST], 2);
		assert_int_equal(r.rows[PURGE_REQUEST_ATTRIBUTE], 1);
		assert_int_equal(r.rows[PURGE_REQUEST_UPDATE], 2);
		assert_int_equal(r.rows[PURGE_REFERRAL], 1);
		assert_int_equal(r.rows[PURGE_RESUMPTION_BLOCKER], 0);
		assert_int_equal(r.rows[PURGE_TASK_LINK], 0);
		assert_int_equal(r.rows[PURGE_PERSON], 1);
		assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM service_request"),
		    dry ? 5 : 3);
	}
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM service_request"
	    " WHERE id IN (2, 3, 5)"), 3);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM request_attribute"), 0);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM request_update"), 0);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM referral"), 0);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM need WHERE request_id IS NULL"), 1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM service_request"
	    " WHERE id = 5 AND duplicate_of IS NULL"), 1);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM person WHERE id = 9001"), 0);
	assert_int_equal(listed(f, ids), 3);
	/* Nothing is left to purge at the same instant. */
	assert_int_equal(purge_run(f->s, NOW, false, &r, &e), SJ_OK);
	for (int t = 0; t < PURGE__N; t++)
		assert_int_equal(r.rows[t], 0);
}

/* Every table that refers to service_request is handled by the purge
 * (purge.c's request statements); a new one fails here until it is.  Read
 * from each database's own catalogue. */
static void
test_every_request_reference_handled(void **state)
{
	static const char *const q[] = {
	    "SELECT DISTINCT m.name FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) k"
	    " WHERE m.type = 'table' AND k.\"table\" = 'service_request' ORDER BY m.name",
	    "SELECT DISTINCT tc.table_name FROM information_schema.referential_constraints rc"
	    " JOIN information_schema.table_constraints tc ON tc.constraint_name = rc.constraint_name"
	    " AND tc.constraint_schema = rc.constraint_schema"
	    " JOIN information_schema.table_constraints pk"
	    " ON pk.constraint_name = rc.unique_constraint_name"
	    " AND pk.constraint_schema = rc.unique_constraint_schema"
	    " WHERE pk.table_name = 'service_request'"
	    " AND tc.constraint_schema = current_schema() ORDER BY tc.table_name",
	};
	static const char *const handled[] = {
		"need", "referral", "request_attribute", "request_update", "resumption_blocker",
		"service_request",
	};
	cpfix *f = *state;
	store_stmt *st;
	sj_err e = {0};
	bool row;
	size_t n = 0;

	assert_int_equal(store_prepare(f->s, q[testdb_is_pg()], &st, &e), SJ_OK);
	while (store_step(st, &row, &e) == SJ_OK && row) {
		const char *name = store_col_text(st, 0);
		if (n >= sizeof handled / sizeof handled[0] || strcmp(name, handled[n]) != 0)
			fail_msg("table %s refers to service_request: handle it in purge.c", name);
		n++;
	}
	store_reset(st);
	assert_int_equal(n, sizeof handled / sizeof handled[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_hide_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_second_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_request_reference_handled, setup,
		    teardown),
	};
	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
