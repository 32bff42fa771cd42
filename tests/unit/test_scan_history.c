/* Unit tests for what the scan writer reads of a person's earlier scans
 * (domain/scan_history.c) on a real database, SQLite or PostgreSQL
 * (tests/unit/testdb.h), in the world of tests/unit/cpfix.h: with more
 * than 256 scans of the pair written after the ones that matter (older
 * rows, whose ids are newer — an import, backdated scans), the open stay
 * and the recent idempotency keys must still be seen.  docs/import.md
 * (the fault this replaced: "the newest 256 by id").
 *
 * Expected values follow from the rules by hand (domain/stay.h, scan.h
 * "Idempotency"): place P records exits, default stay 2 h, re-entry window
 * 10 min.  Times are 2020-03-23 in Asia/Shanghai, H(9, 0) = 09:00 local. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */
#include "unit/cpfix.h"

#include "domain/scan.h"
#include "domain/stay.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */
#define H(h, m) (T0 + (h) * 3600 + (m) * 60)
#define DAY INT64_C(86400)
#define NOW (H(23, 0) + 3 * DAY)
#define MANY 300                /* > 256, the first read's rows */

static void
scan(cpfix *f, const char *id_number, scan_direction d, int64_t at, const char *key,
    scan_source src, scan_result *out)
{
	scan_input in = { .checkpoint_id = f->cp_p, .id_number = id_number, .direction = d,
	    .at = at, .key = key, .source = src };
	sj_err e = {0};

	if (scan_record(f->s, f->keys, &f->settings, &scope_system, &in, NOW, out, &e) != SJ_OK)
		fail_msg("scan refused: %s: %s", e.field, e.msg);
}

/* The CLI reproduction (tests/cli/scan_history.sh) through the writer: an
 * entry at 08:00 with a key, then 600 older scans of the same person at
 * the place (02:00 on, every 30 s, in and out alternating: 300 stays of
 * 30 s), written after it.  The exit at 08:30 closes the 08:00 stay; a
 * retry of the 08:00 entry's key is its answer, replayed. */
static void
test_open_stay_and_key_behind_older_rows(void **state)
{
	cpfix *f = *state;
	scan_result first, r, again;
	int64_t scans;

	scan(f, f->id_resident, SCAN_IN, H(8, 0), "retry-1", SCAN_SRC_ATTENDANT, &first);
	assert_int_equal(first.stay_action, STAY_OPENED);
	for (int i = 0; i < 2 * MANY; i++) {
		scan(f, f->id_resident, i % 2 ? SCAN_OUT : SCAN_IN, H(2, 0) + 30 * i, NULL,
		    SCAN_SRC_IMPORT, &r);
		assert_int_equal(r.stay_action, i % 2 ? STAY_CLOSED : STAY_OPENED);
	}
	scans = testdb_int(f->s, CPFIX_COUNT_SCANS);
	assert_int_equal(scans, 1 + 2 * MANY);

	scan(f, f->id_resident, SCAN_OUT, H(8, 30), NULL, SCAN_SRC_ATTENDANT, &r);
	assert_int_equal(r.stay_action, STAY_CLOSED);
	assert_int_equal(r.stay_id, first.id);
	assert_int_equal(r.stay_entry_at, H(8, 0));
	assert_int_equal(r.stay_exit_at, H(8, 30));
	assert_true(r.stay_exit_recorded);

	scan(f, f->id_resident, SCAN_IN, H(8, 0), "retry-1", SCAN_SRC_ATTENDANT, &again);
	assert_true(again.replayed);
	assert_int_equal(again.id, first.id);
	assert_int_equal(again.at, H(8, 0));
	assert_int_equal(again.stay_action, STAY_OPENED);
	assert_int_equal(again.stay_id, first.id);
	assert_int_equal(again.stay_exit_at, H(8, 30));
	assert_true(again.stay_exit_recorded);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), scans + 1);  /* the exit only */
}

/* A backdated exit: the person entered on day 1 at 08:00 (key "d1") and
 * was not scanned out; 300 newer scans follow on day 3 (150 stays of
 * 30 s).  An exit typed in later for day 1 09:00 closes the day-1 stay
 * (however many scans lie between it and the newest), and a retry of the
 * day-1 entry's key replays it. */
static void
test_backdated_exit_finds_its_stay(void **state)
{
	cpfix *f = *state;
	scan_result first, r, again;
	int64_t scans;

	scan(f, f->id_resident, SCAN_IN, H(8, 0), "d1", SCAN_SRC_ATTENDANT, &first);
	for (int i = 0; i < MANY; i++)
		scan(f, f->id_resident, i % 2 ? SCAN_OUT : SCAN_IN, H(8, 0) + 2 * DAY + 30 * i, NULL,
		    SCAN_SRC_ATTENDANT, &r);
	scans = testdb_int(f->s, CPFIX_COUNT_SCANS);

	scan(f, f->id_resident, SCAN_OUT, H(9, 0), NULL, SCAN_SRC_ATTENDANT, &r);
	assert_int_equal(r.stay_action, STAY_CLOSED);
	assert_int_equal(r.stay_id, first.id);
	assert_int_equal(r.stay_exit_at, H(9, 0));   /* the exit, not the 2-h default */
	assert_true(r.stay_exit_recorded);

	scan(f, f->id_resident, SCAN_IN, H(8, 0), "d1", SCAN_SRC_ATTENDANT, &again);
	assert_true(again.replayed);
	assert_int_equal(again.id, first.id);
	assert_int_equal(again.stay_exit_at, H(9, 0));
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), scans + 1);
}

/* Unknown identity numbers have no stays, only keys: a scan of an
 * unregistered number at 08:00 with key "u-1", then 300 scans of it with
 * the same key, each a day and a second further back (so none is within a
 * day of another: each is stored), written after it.  A retry at 08:00 is
 * the first answer, replayed; nothing is stored. */
static void
test_unknown_identity_key_behind_older_rows(void **state)
{
	cpfix *f = *state;
	scan_result first, r, again;
	int64_t scans;

	scan(f, f->id_stranger, SCAN_IN, H(8, 0), "u-1", SCAN_SRC_ATTENDANT, &first);
	assert_int_equal(first.person_id, 0);
	for (int k = 1; k <= MANY; k++) {
		scan(f, f->id_stranger, SCAN_IN, H(8, 0) - k * (DAY + 1), "u-1", SCAN_SRC_ATTENDANT, &r);
		assert_false(r.replayed);
	}
	scans = testdb_int(f->s, CPFIX_COUNT_SCANS);
	assert_int_equal(scans, 1 + MANY);

	scan(f, f->id_stranger, SCAN_IN, H(8, 0), "u-1", SCAN_SRC_ATTENDANT, &again);
	assert_true(again.replayed);
	assert_int_equal(again.id, first.id);
	assert_int_equal(again.at, H(8, 0));
	assert_int_equal(again.alert_id, first.alert_id);
	assert_int_equal(testdb_int(f->s, CPFIX_COUNT_SCANS), scans);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_stay_and_key_behind_older_rows, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_backdated_exit_finds_its_stay, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_identity_key_behind_older_rows, cpfix_state_setup,
		    cpfix_state_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
