/* Unit tests for domain/scan (with stay, alert, outsider, disinfection) on
 * a real database, SQLite or PostgreSQL (tests/unit/testdb.h), in the
 * world of tests/unit/cpfix.h: recording and screening, stays derived from
 * scans (the issue's A/B case read back through the list), idempotent
 * retries, refusals that store nothing, unknown identity numbers, outsider
 * registrations, the attendant's scope, alerts and their acknowledgement,
 * disinfection overdue alerts, cursor pagination, the daily count by
 * local day whatever the process's TZ, and the rows a write batch holds
 * (scan_rows: 37 rows go in as 16 + 16 + 4 + 1, each column in its place).
 *
 * Times are 2020-03-23 (the day the work group inspected the monitoring
 * point, SCENARIO.md) in Asia/Shanghai: H(9, 0) is 09:00 local = 01:00Z;
 * each test passes "now" so that nothing depends on the clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */
#include "unit/cpfix.h"

#include "domain/alert.h"
#include "domain/disinfection.h"
#include "domain/outsider.h"
#include "domain/scan.h"
#include "domain/scan_int.h"   /* scan_rows_add, scan_rows_holds */
#include "domain/stay.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */
#define H(h, m) (T0 + (h) * 3600 + (m) * 60)
#define NOW H(23, 0)

static sj_rc
record(cpfix *f, const scope *sc, int64_t cp, const char *id_number, scan_direction d,
    int64_t at, int temp, const char *key, scan_result *out, sj_err *e)
{
	scan_input in = { .checkpoint_id = cp, .id_number = id_number, .direction = d, .at = at,
	    .temperature = temp, .key = key, .source = SCAN_SRC_ATTENDANT };

	return scan_record(f->s, f->keys, &f->settings, sc, &in, NOW, out, e);
}

static void
ok(cpfix *f, int64_t cp, const char *id_number, scan_direction d, int64_t at, int temp,
    scan_result *out)
{
	sj_err e = {0};

	if (record(f, &scope_system, cp, id_number, d, at, temp, NULL, out, &e) != SJ_OK)
		fail_msg("scan refused: %s: %s", e.field, e.msg);
}

static void
test_entry_and_exit_make_a_stay(void **state)
{
	cpfix *f = *state;
	scan_result in, out;

	ok(f, f->cp_p, f->id_resident, SCAN_IN, H(9, 0), 365, &in);
	assert_int_equal(in.decision, SCAN_PASS);
	assert_int_equal(in.reasons, 0);
	assert_int_equal(in.person_id, f->resident);
	assert_string_equal(in.person_name, "王**");
	assert_int_equal(in.stay_action, STAY_OPENED);
	assert_int_equal(in.stay_id, in.id);
	assert_int_equal(in.stay_entry_at, H(9, 0));
	assert_int_equal(in.stay_exit_at, H(11, 0));  /* the place's 2 h, until an exit */
	assert_false(in.stay_exit_recorded);
	assert_int_equal(in.alert_id, 0);

	ok(f, f->cp_p, f->id_resident, SCAN_OUT, H(9, 40), 0, &out);
	assert_int_equal(out.stay_action, STAY_CLOSED);
	assert_int_equal(out.stay_id, in.id);
	assert_int_equal(out.stay_exit_at, H(9, 40));  /* a 10:00-10:40 stay lasts 40 min; so
	                                                 * does this one */
	assert_int_equal(out.stay_exit_at - out.stay_entry_at, 40 * 60);
	assert_true(out.stay_exit_recorded);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 2);
}

/* The issue's case through the store: A enters P at 09:00 and never
 * exits; P's default stay is 2 h; B is at P 15:00-15:30. */
static void
test_issue_a_and_b_listed(void **state)
{
	cpfix *f = *state;
	stay_filter filter = { .place_id = f->place_p, .now = NOW };
	scan_result r;
	stay_page page;
	arena a;
	sj_err e = {0};
	const stay_row *sa = NULL, *sb = NULL;

	ok(f, f->cp_p, f->id_resident, SCAN_IN, H(9, 0), 0, &r);     /* A */
	ok(f, f->cp_p, f->id_key, SCAN_IN, H(15, 0), 0, &r);         /* B */
	ok(f, f->cp_p, f->id_key, SCAN_OUT, H(15, 30), 0, &r);
	arena_init(&a);
	assert_int_equal(stay_list(f->s, &scope_system, &a, &filter, &page, &e), SJ_OK);
	assert_int_equal(page.n_stays, 2);
	for (size_t i = 0; i < page.n_stays; i++) {
		if (page.stays[i].person_id == f->resident)
			sa = &page.stays[i];
		if (page.stays[i].person_id == f->key_member)
			sb = &page.stays[i];
	}
	assert_non_null(sa);
	assert_non_null(sb);
	assert_int_equal(sa->entry_at, H(9, 0));
	assert_int_equal(sa->exit_at, H(11, 0));   /* closed at the default length */
	assert_false(sa->exit_recorded);           /* flagged "exit not recorded" */
	assert_false(sa->open);                    /* 23:00 is past 11:00 */
	assert_int_equal(sb->entry_at, H(15, 0));
	assert_int_equal(sb->exit_at, H(15, 30));
	assert_true(sb->exit_recorded);
	assert_int_equal(stay_overlap(sa->entry_at, sa->exit_at, sb->entry_at, sb->exit_at), 0);
	arena_free(&a);
}

static void
test_idempotent_retry(void **state)
{
	cpfix *f = *state;
	scan_result first, again;
	sj_err e = {0};
	int64_t scans, alerts;

	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_IN, H(8, 0), 375,
	    "device-7:0001", &first, &e), SJ_OK);
	assert_int_equal(first.decision, SCAN_ALERT);  /* 37.5 °C ≥ 37.3 °C */
	assert_int_equal(first.reasons, SCAN_R_FEVER);
	assert_true(first.alert_id > 0);
	scans = testdb_int(f->s, CPFIX_COUNT_SCANS);
	alerts = testdb_int(f->s, CPFIX_COUNT_ALERTS);
	/* The retry comes a minute later (no time given: "now" moved on),
	 * with a different reading even: the first answer, nothing stored. */
	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_IN, H(8, 1), 366,
	    "device-7:0001", &again, &e), SJ_OK);
	assert_true(again.replayed);
	assert_false(first.replayed);
	assert_int_equal(again.id, first.id);
	assert_int_equal(again.at, H(8, 0));
	assert_int_equal(again.temperature, 375);
	assert_int_equal(again.decision, SCAN_ALERT);
	assert_int_equal(again.reasons, SCAN_R_FEVER);
	assert_int_equal(again.stay_action, STAY_OPENED);
	assert_int_equal(again.stay_id, first.id);
	assert_int_equal(again.alert_id, first.alert_id);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), scans);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_ALERTS), alerts);
	/* The same key for another scan is a conflict, and stores nothing. */
	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_OUT, H(8, 2), 0,
	    "device-7:0001", &again, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "idempotency_key");
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), scans);
	/* Another key is another scan. */
	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_OUT, H(8, 3), 0,
	    "device-7:0002", &again, &e), SJ_OK);
	assert_false(again.replayed);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), scans + 1);
}

static void
test_refusals_store_nothing(void **state)
{
	cpfix *f = *state;
	scan_input in = { .checkpoint_id = f->cp_p, .direction = SCAN_IN, .source = SCAN_SRC_ATTENDANT };
	scan_result r;
	sj_err e = {0};
	char bad[19];

	ok(f, f->cp_p, f->id_resident, SCAN_IN, H(10, 0), 0, &r);
	/* an exit before the entry of the open stay */
	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_OUT, H(9, 30), 0,
	    NULL, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "time");
	/* a wrong check character */
	memcpy(bad, f->id_resident, sizeof bad);
	bad[17] = bad[17] == '1' ? '2' : '1';
	assert_int_equal(record(f, &scope_system, f->cp_p, bad, SCAN_IN, H(10, 5), 0, NULL, &r, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "id_number");
	/* no identity number at all */
	assert_int_equal(scan_record(f->s, f->keys, &f->settings, &scope_system, &in, NOW, &r, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "id_number");
	/* an unknown checkpoint */
	assert_int_equal(record(f, &scope_system, 9999, f->id_resident, SCAN_IN, H(10, 5), 0, NULL,
	    &r, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "checkpoint");
	/* a temperature outside 34.0-43.0 °C */
	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_IN, H(10, 5), 986,
	    NULL, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "temperature");
	/* a time in the future */
	assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_IN, NOW + 3600, 0,
	    NULL, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "time");
	/* an exit at a place that records entries only */
	assert_int_equal(record(f, &scope_system, f->cp_q, f->id_resident, SCAN_OUT, H(10, 5), 0,
	    NULL, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "direction");
	/* an idempotency key that is too long */
	{
		char key[SCAN_KEY_MAX + 2];
		memset(key, 'k', sizeof key - 1);
		key[sizeof key - 1] = '\0';
		assert_int_equal(record(f, &scope_system, f->cp_p, f->id_resident, SCAN_IN, H(10, 5),
		    0, key, &r, &e), SJ_EINVAL);
		assert_string_equal(e.field, "idempotency_key");
	}
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 1);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_ALERTS), 0);
}

static void
test_unknown_identity_number_denied(void **state)
{
	cpfix *f = *state;
	scan_result r;
	alert a;
	arena ar;
	sj_err e = {0};

	ok(f, f->cp_p, f->id_stranger, SCAN_IN, H(11, 0), 0, &r);
	assert_int_equal(r.decision, SCAN_DENY);
	assert_int_equal(r.reasons, SCAN_R_OUTSIDER_UNREGISTERED);
	assert_int_equal(r.person_id, 0);
	assert_string_equal(r.person_name, "");
	/* only the masked number is kept: first 4 and last 4 characters */
	assert_int_equal(strlen(r.id_number_mask), 18);
	assert_memory_equal(r.id_number_mask, f->id_stranger, 4);
	assert_memory_equal(r.id_number_mask + 4, "**********", 10);
	assert_string_equal(r.id_number_mask + 14, f->id_stranger + 14);
	assert_int_equal(r.stay_action, STAY_NONE);
	assert_true(r.alert_id > 0);
	arena_init(&ar);
	assert_int_equal(alert_get(f->s, &scope_system, &ar, r.alert_id, &a, &e), SJ_OK);
	assert_int_equal(a.reasons, SCAN_R_OUTSIDER_UNREGISTERED);
	assert_int_equal(a.decision, SCAN_DENY);
	assert_int_equal(a.scan_id, r.id);
	assert_int_equal(a.place_id, f->place_p);
	assert_string_equal(a.detail, r.id_number_mask);
	assert_false(testdb_contains(f->s, f->id_stranger));  /* the clear number is stored nowhere */
	arena_free(&ar);
}

static void
test_outsider_registration(void **state)
{
	cpfix *f = *state;
	outsider_input reg = { .person_id = f->visitor, .checkpoint_id = f->cp_p,
	    .from = "济南市", .reason = "探亲", .host_household_id = 0, .host = "1号楼101 王小明",
	    .valid_from = H(12, 0), .valid_until = H(18, 0) };
	outsider_page page;
	outsider_filter filter = { .unit_id = 0 };
	scan_result r;
	int64_t id, pid;
	arena a;
	sj_err e = {0};

	ok(f, f->cp_p, f->id_visitor, SCAN_IN, H(11, 0), 0, &r);  /* not yet registered */
	assert_int_equal(r.decision, SCAN_DENY);
	assert_int_equal(r.reasons, SCAN_R_OUTSIDER_UNREGISTERED);
	assert_int_equal(r.stay_action, STAY_NONE);
	assert_int_equal(outsider_register(f->s, f->keys, &scope_system, &reg, H(11, 5), 20200323,
	    &id, &pid, &e), SJ_OK);
	assert_int_equal(pid, f->visitor);
	ok(f, f->cp_p, f->id_visitor, SCAN_IN, H(12, 10), 0, &r);
	assert_int_equal(r.decision, SCAN_PASS);
	assert_int_equal(r.stay_action, STAY_OPENED);
	ok(f, f->cp_p, f->id_visitor, SCAN_OUT, H(13, 0), 0, &r);
	assert_int_equal(r.decision, SCAN_PASS);
	ok(f, f->cp_p, f->id_visitor, SCAN_IN, H(18, 0), 0, &r);  /* expired: [12:00, 18:00) */
	assert_int_equal(r.decision, SCAN_DENY);
	/* The registration of a new person: made and tagged outsider. */
	reg = (outsider_input){ .name = "快递员", .mobile = "13912345678", .unit_id = f->unit_a,
	    .from = "岱岳区", .reason = "送快递", .host = "便民超市" };
	assert_int_equal(outsider_register(f->s, f->keys, &scope_system, &reg, H(14, 0), 20200323,
	    &id, &pid, &e), SJ_OK);
	assert_true(pid > 0 && pid != f->visitor);
	/* Refusals name their field. */
	reg.from = NULL;
	assert_int_equal(outsider_register(f->s, f->keys, &scope_system, &reg, H(14, 0), 20200323,
	    &id, &pid, &e), SJ_EINVAL);
	assert_string_equal(e.field, "from");
	reg.from = "岱岳区";
	reg.host = NULL;
	assert_int_equal(outsider_register(f->s, f->keys, &scope_system, &reg, H(14, 0), 20200323,
	    &id, &pid, &e), SJ_EINVAL);
	assert_string_equal(e.field, "host");
	arena_init(&a);
	assert_int_equal(outsider_list(f->s, &scope_system, &a, &filter, &page, &e), SJ_OK);
	assert_int_equal(page.n_items, 2);
	assert_string_equal(page.items[0].person_name, "快**");
	assert_string_equal(page.items[0].mobile_mask, "139****5678");
	arena_free(&a);
}

static void
test_special_groups_and_alerts(void **state)
{
	cpfix *f = *state;
	alert_filter open = { .state = 1 };
	alert_page page;
	scan_result in, out;
	arena a;
	sj_err e = {0};

	ok(f, f->cp_p, f->id_quarantined, SCAN_IN, H(7, 0), 0, &in);
	assert_int_equal(in.decision, SCAN_ALERT);
	assert_int_equal(in.reasons, SCAN_R_HOME_QUARANTINE_ENTRY);
	assert_int_equal(in.stay_action, STAY_OPENED);   /* let in: the stay opens */
	ok(f, f->cp_p, f->id_quarantined, SCAN_OUT, H(8, 0), 0, &out);
	assert_int_equal(out.decision, SCAN_DENY);
	assert_int_equal(out.reasons, SCAN_R_HOME_QUARANTINE_EXIT);
	assert_int_equal(out.stay_action, STAY_NONE);    /* not let out: still inside */
	ok(f, f->cp_p, f->id_key, SCAN_IN, H(8, 30), 0, &out);
	assert_int_equal(out.decision, SCAN_ALERT);
	assert_int_equal(out.reasons, SCAN_R_KEY_GROUP);

	arena_init(&a);
	assert_int_equal(alert_list(f->s, &scope_system, &a, &open, &page, &e), SJ_OK);
	assert_int_equal(page.n_alerts, 3);
	assert_int_equal(page.alerts[0].reasons, SCAN_R_KEY_GROUP);  /* newest first */
	assert_int_equal(page.alerts[1].reasons, SCAN_R_HOME_QUARANTINE_EXIT);
	assert_string_equal(page.alerts[1].person_name, "赵**");
	/* acknowledge one with a note; a second acknowledgement conflicts */
	assert_int_equal(alert_ack(f->s, &scope_system, page.alerts[1].id, 0, "", NOW, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "note");
	assert_int_equal(alert_ack(f->s, &scope_system, page.alerts[1].id, 0,
	    "已劝返，社区医生上门", NOW, &e), SJ_OK);
	assert_int_equal(alert_ack(f->s, &scope_system, page.alerts[1].id, 0, "again", NOW, &e),
	    SJ_ECONFLICT);
	assert_int_equal(alert_list(f->s, &scope_system, &a, &open, &page, &e), SJ_OK);
	assert_int_equal(page.n_alerts, 2);
	arena_free(&a);
}

static void
test_attendant_scope(void **state)
{
	cpfix *f = *state;
	scan_result r;
	sj_err e = {0};

	/* P is attended: allowed.  Q is in the same unit but not attended:
	 * not found, as is R of another unit. */
	assert_int_equal(record(f, &f->attendant_scope, f->cp_p, f->id_resident, SCAN_IN, H(9, 0),
	    0, NULL, &r, &e), SJ_OK);
	assert_int_equal(r.operator_id, 0);
	assert_int_equal(record(f, &f->attendant_scope, f->cp_q, f->id_resident, SCAN_IN, H(9, 0),
	    0, NULL, &r, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "checkpoint");
	assert_int_equal(record(f, &f->attendant_scope, f->cp_r, f->id_resident, SCAN_IN, H(9, 0),
	    0, NULL, &r, &e), SJ_ENOTFOUND);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), 1);
}

/* 125 scans over three places, listed 50 a page: every scan exactly once,
 * newest first, ties impossible (ids are unique). */
static void
test_list_cursor(void **state)
{
	cpfix *f = *state;
	scan_filter filter = { .limit = 50 };
	scan_page page;
	scan_result r;
	int64_t last = INT64_MAX, seen = 0;
	const int64_t cps[3] = { f->cp_p, f->cp_q, f->cp_r };
	arena a;
	sj_err e = {0};
	int pages = 0;

	for (int i = 0; i < 125; i++)
		ok(f, cps[i % 3], f->id_resident, SCAN_IN, H(0, 0) + i * 600, 0, &r);
	arena_init(&a);
	do {
		assert_int_equal(scan_list(f->s, &scope_system, &a, &filter, &page, &e), SJ_OK);
		for (size_t i = 0; i < page.n_scans; i++) {
			assert_true(page.scans[i].id < last);
			last = page.scans[i].id;
			seen++;
		}
		filter.before_id = page.next_before_id;
		pages++;
	} while (page.has_more);
	assert_int_equal(seen, 125);
	assert_int_equal(pages, 3);
	/* a person filter and a place filter */
	filter = (scan_filter){ .person_id = f->resident, .place_id = f->place_q, .limit = 500 };
	assert_int_equal(scan_list(f->s, &scope_system, &a, &filter, &page, &e), SJ_OK);
	assert_int_equal(page.n_scans, 42);  /* i = 1, 4, ..., 124: 42 of them */
	/* the attendant sees unit A's places only */
	filter = (scan_filter){ .place_id = f->place_r };
	assert_int_equal(scan_list(f->s, &f->attendant_scope, &a, &filter, &page, &e),
	    SJ_ENOTFOUND);
	assert_string_equal(e.field, "place");
	arena_free(&a);
}

/* A registration at 2024-03-02 00:30 in Asia/Shanghai (2024-03-01T16:30Z)
 * counts under 2024-03-02, whatever the process's own TZ says. */
static void
test_daily_count_local_day(void **state)
{
	cpfix *f = *state;
	const int64_t t = INT64_C(1709310600);  /* 2024-03-01T16:30:00Z */
	scan_input in = { .checkpoint_id = f->cp_p, .id_number = f->id_resident,
	    .direction = SCAN_IN, .at = t, .source = SCAN_SRC_IMPORT };
	sj_date d1 = dt_date_from_ymd(2024, 3, 1), d2 = dt_date_from_ymd(2024, 3, 2);
	int64_t cin[2], cout[2];
	scan_result r;
	sj_err e = {0};

	setenv("TZ", "America/Los_Angeles", 1);  /* where 16:30Z is still March 1 */
	tzset();
	assert_int_equal(dt_zone_set("Asia/Shanghai", &e), SJ_OK);
	assert_int_equal(scan_record(f->s, f->keys, &f->settings, &scope_system, &in, t + 60, &r,
	    &e), SJ_OK);
	assert_int_equal(scan_daily(f->s, &scope_system, f->place_p, 0, d1, d2, cin, cout, &e),
	    SJ_OK);
	assert_int_equal(cin[0], 0);
	assert_int_equal(cin[1], 1);
	assert_int_equal(cout[0] + cout[1], 0);
	/* In a deployment on UTC the same instant is March 1. */
	assert_int_equal(dt_zone_set("UTC", &e), SJ_OK);
	assert_int_equal(scan_daily(f->s, &scope_system, f->place_p, 0, d1, d2, cin, cout, &e),
	    SJ_OK);
	assert_int_equal(cin[0], 1);
	assert_int_equal(cin[1], 0);
	assert_int_equal(dt_zone_set("Asia/Shanghai", &e), SJ_OK);
}

static void
test_disinfection_overdue(void **state)
{
	cpfix *f = *state;
	disinfection d = { .place_id = f->place_p, .area = "大门岗亭", .agent = "84消毒液",
	    .concentration = "1:100", .at = H(8, 0), .next_due_at = H(12, 0) };
	disinfection_filter overdue = { .overdue = true, .now = H(13, 0) };
	disinfection_page page;
	alert raised[4];
	size_t n;
	int64_t id;
	arena a;
	sj_err e = {0};

	assert_int_equal(disinfection_add(f->s, &scope_system, &d, H(8, 5), &id, &e), SJ_OK);
	assert_int_equal(disinfection_check_overdue(f->s, H(11, 59), raised, 4, &n, &e), SJ_OK);
	assert_int_equal(n, 0);  /* not due yet */
	assert_int_equal(disinfection_check_overdue(f->s, H(12, 0), raised, 4, &n, &e), SJ_OK);
	assert_int_equal(n, 1);  /* due at 12:00: overdue from then */
	assert_int_equal(raised[0].reasons, SCAN_R_DISINFECTION_OVERDUE);
	assert_int_equal(raised[0].place_id, f->place_p);
	assert_int_equal(raised[0].at, H(12, 0));
	assert_string_equal(raised[0].detail, "大门岗亭");
	assert_int_equal(disinfection_check_overdue(f->s, H(12, 1), raised, 4, &n, &e), SJ_OK);
	assert_int_equal(n, 0);  /* once per overdue round */
	arena_init(&a);
	assert_int_equal(disinfection_list(f->s, &scope_system, &a, &overdue, &page, &e), SJ_OK);
	assert_int_equal(page.n_items, 1);
	/* disinfected again: no longer overdue */
	d.at = H(13, 0);
	d.next_due_at = 0;  /* 4 h later by default */
	assert_int_equal(disinfection_add(f->s, &scope_system, &d, H(13, 0), &id, &e), SJ_OK);
	assert_int_equal(disinfection_list(f->s, &scope_system, &a, &overdue, &page, &e), SJ_OK);
	assert_int_equal(page.n_items, 0);
	/* refusals */
	d.area = " ";
	assert_int_equal(disinfection_add(f->s, &scope_system, &d, H(13, 0), &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "area");
	d.area = "楼道";
	d.next_due_at = H(12, 0);
	assert_int_equal(disinfection_add(f->s, &scope_system, &d, H(13, 0), &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "next_due_at");
	d.next_due_at = 0;
	d.place_id = f->place_q;  /* the attendant attends P only */
	assert_int_equal(disinfection_add(f->s, &f->attendant_scope, &d, H(13, 0), &id, &e),
	    SJ_ENOTFOUND);
	arena_free(&a);
}

/* 37 held rows, inserted as 16 + 16 + 4 + 1 (scan_rows.c): all stored, in
 * their columns, the optional ones NULL where 0; then 18 held stay changes
 * (16 + 1 + 1) of rows 1 … 18, each on its row only.  By hand: row i (1..37)
 * has id 1000 + i, at H(10, 0) + i, kind i % 2, temperature 365 for odd i
 * (19 rows) else NULL, stay_s 600 for i divisible by 3 (12 rows) else NULL,
 * key_fp i; so sum(temperature) = 19 × 365 = 6935,
 * sum(key_fp) = 37 × 38 / 2 = 703 (stay_s and kind after the changes:
 * below). */
static void
test_held_rows(void **state)
{
	cpfix *f = *state;
	scan_rows *r = scan_rows_new();
	sj_err e = {0};

	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	for (int64_t i = 1; i <= 37; i++) {
		const int64_t v[11] = { f->place_p, 1000 + i, f->cp_p, 0, H(10, 0) + i, i % 2,
		    i % 2 ? 365 : 0, 0, 0, i % 3 ? 0 : 600, i };
		assert_int_equal(scan_rows_add(f->s, r, v, &e), SJ_OK);
		/* 16 rows held are inserted at once: none held after 16 and 32 */
		assert_int_equal(scan_rows_holds(r, f->place_p, 0), i % 16 != 0);
	}
	assert_false(scan_rows_holds(r, f->place_q, 0));
	assert_int_equal(scan_rows_flush(f->s, r, &e), SJ_OK);
	assert_false(scan_rows_holds(r, f->place_p, 0));
	/* 18 held stay changes (16 + 1 + 1): odd rows get stay 900 and role
	 * 3 (bits 24), even rows are demoted (stay NULL, role 2: bits 16) */
	for (int64_t i = 1; i <= 18; i++) {
		assert_int_equal(scan_rows_stay_set(f->s, r, 0, f->place_p, 1000 + i, i % 2 ? 900 : 0,
		    i % 2 ? 24 : 16, &e), SJ_OK);
		assert_int_equal(scan_rows_holds(r, f->place_p, 0), i != 16);
	}
	assert_int_equal(scan_rows_flush(f->s, r, &e), SJ_OK);
	assert_int_equal(store_commit(f->s, &e), SJ_OK);
	scan_rows_free(r);
	/* kind (i % 2) keeps bit 0 and takes the role: 1 | 24 = 25, 0 | 16 = 16 */
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE id BETWEEN 1001 AND 1018"
	    " AND kind = 25 AND stay_s = 900"), 9);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE id BETWEEN 1001 AND 1018"
	    " AND kind = 16 AND stay_s IS NULL"), 9);
	/* as before the changes: 19 rows past 18 keep theirs */
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE id > 1018 AND kind < 2"), 19);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE id BETWEEN 1001 AND 1037"
	    " AND person_id IS NULL AND operator_id IS NULL AND reasons = 0"), 37);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE temperature IS NULL"
	    " AND id > 1000"), 18);
	assert_int_equal(testdb_int(f->s, "SELECT sum(temperature) FROM scan WHERE id > 1000"), 6935);
	/* stay_s after the changes: 9 × 900 (odd rows ≤ 18) + 600 × 6 (rows 21 … 36
	 * divisible by 3) = 11,700; NULL: the 9 even rows ≤ 18 and the 13 rows
	 * of 19 … 37 not divisible by 3 = 22 */
	assert_int_equal(testdb_int(f->s, "SELECT sum(stay_s) FROM scan WHERE id > 1000"), 11700);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE stay_s IS NULL"
	    " AND id > 1000"), 22);
	assert_int_equal(testdb_int(f->s, "SELECT sum(key_fp) FROM scan WHERE id > 1000"), 703);
	/* kind: 9 × 25 + 9 × 16 + the 10 odd rows of 19 … 37 (kind 1) = 379 */
	assert_int_equal(testdb_int(f->s, "SELECT sum(kind) FROM scan WHERE id > 1000"), 379);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM scan WHERE id > 1000"
	    " AND at - id = 1584927800"), 37);   /* H(10, 0) - 1000 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entry_and_exit_make_a_stay, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_held_rows, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_issue_a_and_b_listed, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_idempotent_retry, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_refusals_store_nothing, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_identity_number_denied, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_outsider_registration, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_special_groups_and_alerts, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_attendant_scope, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_list_cursor, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_daily_count_local_day, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_disinfection_overdue, cpfix_state_setup, cpfix_state_teardown),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
