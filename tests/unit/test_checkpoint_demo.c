/* Unit tests for the checkpoint part of the demo (domain/checkpoint_demo.h)
 * on SQLite or PostgreSQL (tests/unit/testdb.h):
 *  - its generator is splitmix64: the first outputs from seed 0 are the
 *    reference implementation's (Vigna's splitmix64.c: 0xe220a8397b1dcdaf,
 *    0x6e789e6aa1b965f4, 0x06c45d188009454f);
 *  - the day it loads holds what SCENARIO.md and the part's contract say:
 *    every scan on 2020-03-23 in Shanghai at the monitoring point of
 *    华新新干线小区, exactly one alert — a fever of 37.6 °C, three outsiders
 *    each registered before their first entry, no two stays of one person
 *    overlapping, and every stay a non-empty half-open interval. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit/testdb.h"

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/checkpoint_demo.h"
#include "domain/demo.h"
#include "store/migrate.h"

static void
test_splitmix64_reference(void **state)
{
	uint64_t s = 0;

	(void)state;
	assert_true(checkpoint_demo_next(&s) == UINT64_C(0xe220a8397b1dcdaf));
	assert_true(checkpoint_demo_next(&s) == UINT64_C(0x6e789e6aa1b965f4));
	assert_true(checkpoint_demo_next(&s) == UINT64_C(0x06c45d188009454f));
}

static const char *const q[] = {
	/* scans outside [2020-03-23T00:00+08:00, 2020-03-24T00:00+08:00) */
	"SELECT count(*) FROM scan WHERE at < 1584892800 OR at >= 1584979200",
	"SELECT count(*) FROM scan s JOIN checkpoint c ON c.id = s.checkpoint_id"
	" JOIN place p ON p.id = s.place_id"
	" WHERE c.name <> '大门疫情监测点' OR p.name <> '华新新干线小区'",
	"SELECT count(*) FROM alert",
	"SELECT count(*) FROM alert WHERE reasons = 1 AND temperature = 376 AND decision = 1",
	"SELECT count(*) FROM outsider_registration",
	/* outsiders scanned in before their registration began */
	"SELECT count(*) FROM outsider_registration o JOIN scan s ON s.person_id = o.person_id"
	" WHERE (s.kind & 1) = 0 AND s.at < o.valid_from",
	/* overlapping stays of one person at one place */
	"SELECT count(*) FROM stay a JOIN stay b ON a.person_id = b.person_id"
	" AND a.place_id = b.place_id AND a.id < b.id"
	" WHERE a.entry_at < b.exit_at AND b.entry_at < a.exit_at",
	"SELECT count(*) FROM stay WHERE exit_at <= entry_at",
	"SELECT count(*) FROM scan",
};

static void
test_demo_day(void **state)
{
	char dir[64], key[96];
	crypt_keys *keys = NULL;
	store *s = testdb_open();
	sj_err e = {0};

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sj-cpdemo-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof key, "%s/k.key", dir);
	assert_int_equal(crypt_key_create(key, &e), SJ_OK);
	assert_int_equal(crypt_keys_load(key, &keys, &e), SJ_OK);
	assert_int_equal(migrate_apply(s, NULL, &e), SJ_OK);
	if (demo_load(s, keys, NULL, &e) != SJ_OK)
		fail_msg("demo: %s: %s", e.field, e.msg);
	assert_int_equal(testdb_int(s, q[0]), 0);
	assert_int_equal(testdb_int(s, q[1]), 0);
	assert_int_equal(testdb_int(s, q[2]), 1);
	assert_int_equal(testdb_int(s, q[3]), 1);
	assert_int_equal(testdb_int(s, q[4]), 3);
	assert_int_equal(testdb_int(s, q[5]), 0);
	assert_int_equal(testdb_int(s, q[6]), 0);
	assert_int_equal(testdb_int(s, q[7]), 0);
	assert_true(testdb_int(s, q[8]) >= 60);  /* a day of a compound's traffic */
	store_close(s);
	crypt_keys_free(keys);
	snprintf(key, sizeof key, "rm -rf %s", dir);
	assert_int_equal(system(key), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splitmix64_reference),
		cmocka_unit_test(test_demo_day),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
