/*
 * Unit tests for domain/retention: the periods from the settings, the
 * cut-off instant and the cut-off date (DESIGN.md §4 "Retention").
 * Expected values are worked out by hand below each case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/config.h"
#include "core/datetime.h"
#include "domain/retention.h"

/* 2026-11-29T04:00:00Z = 12:00 in Asia/Shanghai (UTC+8, no DST):
 * 20786 days × 86400 + 4 × 3600 (python: datetime(2026,11,29,4,
 * tzinfo=utc).timestamp()). */
#define NOON_29NOV 1795924800LL
/* 2026-11-28T16:00:00Z = 2026-11-29 00:00 local. */
#define MIDNIGHT_29NOV 1795881600LL

static int
setup(void **state)
{
	(void)state;
	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return -1;
	for (int k = 0; k < RETENTION__N; k++)
		retention_set((retention_class)k, RETENTION_DEFAULT_DAYS);
	return 0;
}

/* Every class keeps 28 days until configured: 28 × 86400 = 2,419,200 s. */
static void
test_defaults(void **state)
{
	(void)state;
	for (int k = 0; k < RETENTION__N; k++) {
		assert_int_equal(retention_days((retention_class)k), 28);
		assert_int_equal(retention_cutoff((retention_class)k, NOON_29NOV),
		    NOON_29NOV - 2419200);
	}
	assert_string_equal(retention_class_name(RETENTION_SCAN), "scan");
	assert_string_equal(retention_class_name(RETENTION_VISIT_NOTE), "visit-note");
}

/* retention-days = 14 and retention-trace-days = 7: outsider and visit
 * notes are 0, so they follow retention-days (14); trace keeps 7. */
static void
test_configure_zero_means_retention_days(void **state)
{
	sj_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "retention-days", "14", "t", NULL), SJ_OK);
	assert_int_equal(config_set(&c, "retention-trace-days", "7", "t", NULL), SJ_OK);
	retention_configure(&c);
	assert_int_equal(retention_days(RETENTION_SCAN), 14);
	assert_int_equal(retention_days(RETENTION_OUTSIDER), 14);
	assert_int_equal(retention_days(RETENTION_TRACE), 7);
	assert_int_equal(retention_days(RETENTION_VISIT_NOTE), 14);
	assert_int_equal(retention_days(RETENTION_REQUEST), 14);
	assert_string_equal(retention_class_name(RETENTION_REQUEST), "request");
	assert_int_equal(config_set(&c, "retention-requests-days", "90", "t", NULL), SJ_OK);
	retention_configure(&c);
	assert_int_equal(retention_days(RETENTION_REQUEST), 90);
	assert_int_equal(retention_days(RETENTION_SCAN), 14);
	/* 7 × 86400 = 604,800 s. */
	assert_int_equal(retention_cutoff(RETENTION_TRACE, NOON_29NOV), NOON_29NOV - 604800);
	config_free(&c);
}

/* retention_write_sees at noon 29 Nov, 28 days (cut-off C = noon − 2,419,200):
 * a live write (at >= C) sees a row at C and after, not one at C − 1; an
 * expired write (at = C − 1) sees both. */
static void
test_write_sees(void **state)
{
	const int64_t c = NOON_29NOV - 2419200;

	(void)state;
	assert_true(retention_write_sees(RETENTION_SCAN, NOON_29NOV, NOON_29NOV, c));
	assert_false(retention_write_sees(RETENTION_SCAN, NOON_29NOV, NOON_29NOV, c - 1));
	assert_false(retention_write_sees(RETENTION_SCAN, NOON_29NOV, c, c - 1));
	assert_true(retention_write_sees(RETENTION_SCAN, NOON_29NOV, c - 1, c - 1));
	assert_true(retention_write_sees(RETENTION_SCAN, NOON_29NOV, c - 1, c - 86400));
}

/* The cut-off date: at noon on 29 Nov (local) 28 days back is noon on
 * 1 Nov; 31 Oct ended at 1 Nov 00:00, before the cut-off, so it has
 * expired; 1 Nov has not ended, so it is kept.  At exactly local midnight
 * starting 29 Nov the cut-off is 1 Nov 00:00: 31 Oct ends at that very
 * instant and has expired.  One second earlier the cut-off is 31 Oct
 * 23:59:59 and 31 Oct is still kept. */
static void
test_cutoff_date_whole_days(void **state)
{
	sj_date nov1 = dt_date_from_ymd(2026, 11, 1), oct31 = dt_date_from_ymd(2026, 10, 31);

	(void)state;
	assert_int_equal(nov1, 20758); /* python: date(2026,11,1) - date(1970,1,1) */
	assert_int_equal(retention_cutoff_date(RETENTION_VISIT_NOTE, NOON_29NOV), nov1);
	assert_int_equal(retention_cutoff_date(RETENTION_VISIT_NOTE, MIDNIGHT_29NOV), nov1);
	assert_int_equal(retention_cutoff_date(RETENTION_VISIT_NOTE, MIDNIGHT_29NOV - 1), oct31);
	/* The rule agrees with "the day ends at or before the cut-off". */
	assert_true(dt_date_end(oct31) <= retention_cutoff(RETENTION_VISIT_NOTE, MIDNIGHT_29NOV));
	assert_true(dt_date_end(oct31) > retention_cutoff(RETENTION_VISIT_NOTE, MIDNIGHT_29NOV - 1));
}

/* The test clock: SIJIN_TEST_NOW fixes dt_now; garbage is refused. */
static void
test_clock_from_env(void **state)
{
	sj_err e = {0};

	(void)state;
	setenv("SIJIN_TEST_NOW", "1795924800", 1);
	assert_int_equal(dt_now_from_env(&e), SJ_OK);
	assert_int_equal(dt_now(), NOON_29NOV);
	assert_int_equal(dt_now_ms(), NOON_29NOV * 1000);
	setenv("SIJIN_TEST_NOW", "12x", 1);
	assert_int_equal(dt_now_from_env(&e), SJ_ECONFIG);
	assert_string_equal(e.field, "SIJIN_TEST_NOW");
	unsetenv("SIJIN_TEST_NOW");
	dt_now_fix(0);
	assert_true(dt_now() > NOON_29NOV - 86400 * 365); /* the system clock again */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_configure_zero_means_retention_days, setup),
		cmocka_unit_test_setup(test_cutoff_date_whole_days, setup),
		cmocka_unit_test_setup(test_clock_from_env, setup),
		cmocka_unit_test_setup(test_write_sees, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
