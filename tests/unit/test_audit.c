/*
 * Unit tests for domain/audit: appending events, the database refusing to
 * change or delete them, who may read the log, filters and pages (newest
 * first), and the audited reveal of a person's identity data.
 *
 * The identity number 11010519491231002X is the GB 11643-1999 example
 * (check character X: S = 167, 167 mod 11 = 2, "10X98765432"[2] = 'X').
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "domain/person.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

static char dir[64];
static store *s;
static crypt_keys *keys;
static int64_t unit_id, person_id;

static int
group_setup(void **state)
{
	char key_path[128];
	org_region r = { .level = "city", .name = "泰安市" };
	org_unit u = { .kind = "community", .name = "高铁社区" };
	person_input p = { .name = "张三", .id_number = "11010519491231002X",
	    .mobile = "13905380001" };
	sj_err e = {0};

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sj-audit-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(key_path, sizeof key_path, "%s/t.key", dir);
	if (dt_zone_set("Asia/Shanghai", &e) != SJ_OK || crypt_key_create(key_path, &e) != SJ_OK ||
	    crypt_keys_load(key_path, &keys, &e) != SJ_OK ||
	    (s = testdb_open()) == NULL || migrate_apply(s, NULL, &e) != SJ_OK ||
	    org_region_add(s, &scope_system, &r, &u.region_id, &e) != SJ_OK ||
	    org_unit_add(s, &scope_system, &u, &unit_id, &e) != SJ_OK)
		return -1;
	p.unit_id = unit_id;
	return person_add(s, keys, &scope_system, &p, 0, &person_id, &e) == SJ_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	char cmd[160];

	(void)state;
	store_close(s);
	crypt_keys_free(keys);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int64_t
count(const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t n;

	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_query_int(st, &n, NULL, &e), SJ_OK);
	return n;
}

static int64_t
record(const char *action, int64_t at, int64_t user_id, const char *object_type,
    int64_t object_id)
{
	audit_event_input ev = { .at = at, .user_id = user_id, .username = "alice",
	    .action = action, .object_type = object_type, .object_id = object_id };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(audit_record(s, &ev, &id, &e), SJ_OK);
	assert_true(id > 0);
	return id;
}

static void
test_record_checks(void **state)
{
	audit_event_input ev = { .username = "cli", .action = "unit.create", .object_type = "unit",
	    .object_id = 3, .detail = "{\"name\":\"高铁社区\"}", .ip = "10.0.0.1",
	    .request_id = "r-1" };
	sj_err e = {0};
	int64_t id, before = dt_now();

	(void)state;
	assert_int_equal(audit_record(s, &ev, &id, &e), SJ_OK);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'unit.create' AND"
	    " username = 'cli' AND object_id = 3 AND ip = '10.0.0.1' AND request_id = 'r-1'"
	    " AND user_id IS NULL AND detail = '{\"name\":\"高铁社区\"}'"), 1);
	assert_true(count("SELECT max(at) FROM audit_event") >= before);
	ev.detail = "{not json";
	assert_int_equal(audit_record(s, &ev, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "detail");
	assert_string_equal(e.msg, "is not valid JSON");
	ev.detail = NULL;
	ev.action = "UnitCreate";
	assert_int_equal(audit_record(s, &ev, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "action");
	ev.action = "unit.";
	assert_int_equal(audit_record(s, &ev, NULL, &e), SJ_EINVAL);
	ev.action = "unit.create";
	ev.username = NULL;
	assert_int_equal(audit_record(s, &ev, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "username");
	ev.username = "cli";
	ev.object_type = NULL;
	assert_int_equal(audit_record(s, &ev, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "object_id");
	assert_int_equal(count("SELECT count(*) FROM audit_event"), 1);
}

static void
test_append_only(void **state)
{
	sj_err e = {0};
	int64_t n = count("SELECT count(*) FROM audit_event");

	(void)state;
	assert_int_not_equal(store_exec(s, "UPDATE audit_event SET action = 'unit.delete'", &e), SJ_OK);
	assert_non_null(strstr(e.msg, "audit events cannot be changed or deleted"));
	sj_err_clear(&e);
	assert_int_not_equal(store_exec(s, "DELETE FROM audit_event", &e), SJ_OK);
	assert_non_null(strstr(e.msg, "audit events cannot be changed or deleted"));
	assert_int_equal(count("SELECT count(*) FROM audit_event"), n);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'unit.delete'"), 0);
}

static void
test_list_forbidden(void **state)
{
	static const sj_role refused[] = {
		ROLE_NONE, ROLE_LEADER, ROLE_MEMBER, ROLE_CHECKPOINT, ROLE_UNIT, ROLE_DEPARTMENT,
	};
	scope sc = { .user_id = 2, .group_id = 1, .unit_id = 1 };
	audit_filter f = {0};
	audit_page page;
	sj_err e = {0};
	arena a;

	(void)state;
	arena_init(&a);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		sc.role = refused[i];
		assert_int_equal(audit_list(s, &sc, &a, &f, &page, &e), SJ_EFORBIDDEN);
		assert_string_equal(e.msg, "only an administrator or auditor may read the audit log");
	}
	sc.role = ROLE_AUDITOR;
	assert_int_equal(audit_list(s, &sc, &a, &f, &page, &e), SJ_OK);
	sc.role = ROLE_ADMIN;
	assert_int_equal(audit_list(s, &sc, &a, &f, &page, &e), SJ_OK);
	f.limit = 501;
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "limit");
	arena_free(&a);
}

static void
test_list_filters_and_pages(void **state)
{
	const int64_t t = 1584500000;
	int64_t id[5];
	audit_filter f = { .limit = 2 };
	audit_page page;
	sj_err e = {0};
	arena a;

	(void)state;
	id[0] = record("user.sign_in", t, 7, "user", 7);
	id[1] = record("unit.create", t + 10, 7, "unit", 4);
	id[2] = record("user.sign_in_failed", t + 20, 0, "user", 8);
	id[3] = record("unit.update", t + 30, 8, "unit", 4);
	id[4] = record("user.sign_out", t + 40, 7, "user", 7);
	arena_init(&a);
	/* Newest first, two at a time (the event of test_record_checks, at the
	 * real now, lies after "to"). */
	f.from = t;
	f.to = t + 41;
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_OK);
	assert_int_equal(page.n_events, 2);
	assert_int_equal(page.events[0].id, id[4]);
	assert_int_equal(page.events[1].id, id[3]);
	assert_true(page.has_more);
	assert_int_equal(page.next_after_id, id[3]);
	f.after_id = page.next_after_id;
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_OK);
	assert_int_equal(page.events[0].id, id[2]);
	assert_int_equal(page.events[1].id, id[1]);
	assert_int_equal(page.events[0].user_id, 0);
	f.after_id = page.next_after_id;
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_OK);
	assert_int_equal(page.n_events, 1);
	assert_int_equal(page.events[0].id, id[0]);
	assert_false(page.has_more);
	/* Prefix "user.sign_in" covers sign_in and sign_in_failed, not sign_out. */
	f = (audit_filter){ .action_prefix = "user.sign_in" };
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_OK);
	assert_int_equal(page.n_events, 2);
	assert_int_equal(page.events[0].id, id[2]);
	assert_int_equal(page.events[1].id, id[0]);
	/* One object's history. */
	f = (audit_filter){ .object_type = "unit", .object_id = 4 };
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_OK);
	assert_int_equal(page.n_events, 2);
	assert_string_equal(page.events[0].action, "unit.update");
	/* One user's, in a half-open time range [t + 10, t + 40). */
	f = (audit_filter){ .user_id = 7, .from = t + 10, .to = t + 40 };
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_OK);
	assert_int_equal(page.n_events, 1);
	assert_int_equal(page.events[0].id, id[1]);
	assert_null(page.events[0].ip);
	assert_null(page.events[0].detail);
	f = (audit_filter){ .from = t + 10, .to = t };
	assert_int_equal(audit_list(s, &scope_system, &a, &f, &page, &e), SJ_EINVAL);
	arena_free(&a);
}

static void
test_person_reveal_audited(void **state)
{
	scope leader_out = { .role = ROLE_LEADER, .user_id = 5, .group_id = 99 };
	scope member_sc = { .role = ROLE_MEMBER, .user_id = 6, .group_id = 99 };
	scope auditor = { .role = ROLE_AUDITOR, .user_id = 4 };
	audit_event_input who = { .user_id = 4, .username = "auditor", .ip = "10.0.0.9",
	    .request_id = "r-9", .detail = "{\"reason\":\"tracing\"}" };
	const char *idn, *mobile;
	sj_err e = {0};
	arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(audit_person_reveal(s, keys, &auditor, &a, person_id, &who, &idn, &mobile,
	    &e), SJ_OK);
	assert_string_equal(idn, "11010519491231002X");
	assert_string_equal(mobile, "+8613905380001");
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'person.reveal'"
	    " AND object_type = 'person' AND user_id = 4 AND username = 'auditor'"
	    " AND request_id = 'r-9' AND detail = '{\"reason\":\"tracing\"}'"), 1);
	assert_int_equal(count("SELECT object_id FROM audit_event WHERE action = 'person.reveal'"),
	    person_id);
	/* Without a detail of the caller's: the fields shown, no values. */
	who.detail = NULL;
	assert_int_equal(audit_person_reveal(s, keys, &auditor, &a, person_id, &who, &idn, &mobile,
	    &e), SJ_OK);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'person.reveal'"
	    " AND detail = '{\"fields\":[\"id_number\",\"mobile\"]}'"), 1);

	/* A member may not; a leader outside the person's units finds no one;
	 * neither leaves a reveal event. */
	assert_int_equal(audit_person_reveal(s, keys, &member_sc, &a, person_id, &who, &idn, &mobile,
	    &e), SJ_EFORBIDDEN);
	assert_null(idn);
	assert_int_equal(audit_person_reveal(s, keys, &leader_out, &a, person_id, &who, &idn,
	    &mobile, &e), SJ_ENOTFOUND);
	assert_null(idn);
	/* When the event cannot be written, nothing is revealed. */
	who.username = NULL;
	assert_int_equal(audit_person_reveal(s, keys, &auditor, &a, person_id, &who, &idn, &mobile,
	    &e), SJ_EINVAL);
	assert_null(idn);
	assert_null(mobile);
	assert_int_equal(store_tx_depth(s), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'person.reveal'"), 2);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_checks),
		cmocka_unit_test(test_append_only),
		cmocka_unit_test(test_list_forbidden),
		cmocka_unit_test(test_list_filters_and_pages),
		cmocka_unit_test(test_person_reveal_audited),
	};
	fprintf(stderr, "test_audit on %s\n", testdb_name());
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
