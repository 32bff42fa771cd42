/*
 * Unit tests for core/tzif and dt_zone_offset (core/datetime): the fixed
 * tail of a zone file, on files built here byte by byte (RFC 8536 §3), and
 * the offset datetime answers from it, against the C library's localtime_r
 * (the independent oracle) for every zone of the system's tz database.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/datetime.h"
#include "core/tzif.h"

/* ---- files built here ------------------------------------------------------- */

typedef struct tzfile {
	unsigned char b[1024];
	size_t n;
} tzfile;

static void
put(tzfile *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof f->b);
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
put_be(tzfile *f, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		unsigned char ch = (unsigned char)(v >> (8 * i));
		put(f, &ch, 1);
	}
}

static void
put_header(tzfile *f, char version, uint32_t leapcnt, uint32_t timecnt)
{
	static const unsigned char zero[15];

	put(f, "TZif", 4);
	put(f, &version, 1);
	put(f, zero, 15);
	put_be(f, 0, 4);        /* isutcnt */
	put_be(f, 0, 4);        /* isstdcnt */
	put_be(f, leapcnt, 4);
	put_be(f, timecnt, 4);
	put_be(f, 1, 4);        /* typecnt */
	put_be(f, 4, 4);        /* charcnt: "CST\0" */
}

/* A data block: times (time_size bytes each), one type index a transition,
 * one type (+08:00, not DST, "CST"), leap records of time_size + 4 bytes. */
static void
put_block(tzfile *f, int time_size, const int64_t *times, uint32_t timecnt, uint32_t leapcnt)
{
	for (uint32_t i = 0; i < timecnt; i++)
		put_be(f, (uint64_t)times[i], time_size);
	for (uint32_t i = 0; i < timecnt; i++)
		put_be(f, 0, 1);
	put_be(f, 28800, 4);
	put_be(f, 0, 1);
	put_be(f, 0, 1);
	put(f, "CST", 4);
	for (uint32_t i = 0; i < leapcnt; i++) {
		put_be(f, 0, time_size);  /* occurrence */
		put_be(f, 1, 4);          /* correction */
	}
}

/* A version-2 file with these transitions and footer rule. */
static tzfile
build(char version, const int64_t *times, uint32_t timecnt, uint32_t leapcnt, const char *rule)
{
	tzfile f = { .n = 0 };

	put_header(&f, version, leapcnt, timecnt);
	put_block(&f, 4, times, timecnt, leapcnt);
	if (version >= '2') {
		put_header(&f, version, leapcnt, timecnt);
		put_block(&f, 8, times, timecnt, leapcnt);
		put(&f, "\n", 1);
		put(&f, rule, strlen(rule));
		put(&f, "\n", 1);
	}
	return f;
}

static const int64_t shanghai_times[] = { -2177481943, 684900000 };  /* 1901, 1991-09-15 */

static void
test_fixed_rules(void **state)
{
	/* POSIX offsets are west of UTC: "CST-8" is 8 h east. */
	static const struct { const char *rule; int32_t east; } ok[] = {
		{ "CST-8", 28800 }, { "UTC0", 0 }, { "<+0545>-5:45", 20700 },
		{ "<-03>3", -10800 }, { "EST+5", -18000 }, { "ABCD-12:45:30", 45930 },
		{ "<+14>-14", 50400 }, { "XXX24", -86400 },
	};
	int64_t after;
	int32_t east;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		tzfile f = build('2', shanghai_times, 2, 0, ok[i].rule);
		after = 0;
		east = 1;
		assert_true(tzif_fixed_tail(f.b, f.n, &after, &east));
		assert_int_equal(after, 684900000);
		assert_int_equal(east, ok[i].east);
	}
	/* No transitions: the rule holds for every instant. */
	tzfile u = build('3', NULL, 0, 0, "UTC0");
	assert_true(tzif_fixed_tail(u.b, u.n, &after, &east));
	assert_true(after == INT64_MIN);
	assert_int_equal(east, 0);
	/* A transition before 1901 (negative 64-bit time). */
	static const int64_t old[] = { INT64_C(-5000000000) };
	tzfile o = build('2', old, 1, 0, "CST-8");
	assert_true(tzif_fixed_tail(o.b, o.n, &after, &east));
	assert_true(after == INT64_C(-5000000000));
}

static void
test_not_fixed(void **state)
{
	static const char *const rules[] = {
		"EST5EDT,M3.2.0,M11.1.0", "CST-8CDT", "<+03>-3<+04>", "", "CS-8", "CST",
		"CST-8:60", "CST-25", "CST-8:5x", "CST-123", "<+0>-1", "C1T-8", "CST-8 ",
		"CST--8", "<+08-8",
	};
	int64_t after = 7;
	int32_t east = 7;

	(void)state;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		tzfile f = build('2', shanghai_times, 2, 0, rules[i]);
		assert_false(tzif_fixed_tail(f.b, f.n, &after, &east));
	}
	/* Version 1 has no footer; leap seconds make offsets no longer plain. */
	tzfile v1 = build('\0', shanghai_times, 2, 0, "");
	assert_false(tzif_fixed_tail(v1.b, v1.n, &after, &east));
	tzfile leap = build('2', shanghai_times, 2, 1, "CST-8");
	assert_false(tzif_fixed_tail(leap.b, leap.n, &after, &east));
	/* Stored nothing on false. */
	assert_int_equal(after, 7);
	assert_int_equal(east, 7);
}

/* Every prefix of a good file is refused, reading only the prefix (a
 * copy of exactly that size, so that ASan sees any read past it). */
static void
test_truncated(void **state)
{
	tzfile f = build('2', shanghai_times, 2, 0, "CST-8");
	int64_t after;
	int32_t east;

	(void)state;
	for (size_t n = 0; n < f.n; n++) {
		unsigned char *copy = malloc(n ? n : 1);
		memcpy(copy, f.b, n);
		assert_false(tzif_fixed_tail(copy, n, &after, &east));
		free(copy);
	}
	assert_true(tzif_fixed_tail(f.b, f.n, &after, &east));
	/* Counts that would overflow the sizes. */
	f.b[20 + 4 * 3] = 0xff;  /* timecnt of the first header: 0xff000002 */
	assert_false(tzif_fixed_tail(f.b, f.n, &after, &east));
}

/* ---- the system's zones against localtime_r ------------------------------- */

static int n_zones, n_fixed;

static int64_t
oracle(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	assert_non_null(localtime_r(&tt, &tm));
	return tm.tm_gmtoff;
}

static uint64_t rng = 88172645463325252u;

static uint64_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Compare dt_zone_offset with localtime_r for zone name (a path under
 * the zone directory): random instants over years 0000–9999, every hour
 * of 2020–2030 sampled, and the seconds around the file's last transition. */
static void
check_zone(const char *dir, const char *name)
{
	char path[2048];
	unsigned char buf[65536];
	sj_err e = { 0 };
	FILE *f;
	size_t n;
	int64_t after = 0;
	int32_t east;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (dt_zone_set(name, &e) != SJ_OK)
		return;  /* not a zone name dt_zone_set takes (e.g. "posixrules" is) */
	n_zones++;
	if ((f = fopen(path, "rb")) != NULL) {
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		if (tzif_fixed_tail(buf, n, &after, &east))
			n_fixed++;
		else
			after = 0;
	}
	for (int i = 0; i < 300; i++) {
		int64_t t = DT_INSTANT_MIN +
		    (int64_t)(next_random() % (uint64_t)(DT_INSTANT_MAX - DT_INSTANT_MIN + 1));
		if (dt_zone_offset(t) != oracle(t))
			fail_msg("%s at %lld: %lld, localtime_r %lld", name, (long long)t,
			    (long long)dt_zone_offset(t), (long long)oracle(t));
	}
	for (int64_t t = INT64_C(1577836800); t < INT64_C(1893456000); t += 86400 * 7 + 3607)
		assert_int_equal(dt_zone_offset(t), oracle(t));
	for (int64_t d = -3; d <= 3; d++)
		if (after > DT_INSTANT_MIN + 3 && after < DT_INSTANT_MAX - 3)
			assert_int_equal(dt_zone_offset(after + d), oracle(after + d));
	assert_int_equal(dt_zone_offset(DT_INSTANT_MAX), oracle(DT_INSTANT_MAX));
	assert_int_equal(dt_zone_offset(DT_INSTANT_MIN), oracle(DT_INSTANT_MIN));
}

static void
walk(const char *dir, const char *rel)
{
	char path[2048], sub[1024];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || (!*rel && (strcmp(de->d_name, "posix") == 0 ||
		    strcmp(de->d_name, "right") == 0)))
			continue;  /* posix/ repeats the zones; right/ has leap seconds */
		if ((size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) >=
		    sizeof sub)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, sub);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(dir, sub);
		else if (S_ISREG(st.st_mode))
			check_zone(dir, sub);
	}
	closedir(d);
}

static void
test_every_zone_against_localtime(void **state)
{
	const char *dir = getenv("TZDIR");
	sj_err e = { 0 };

	(void)state;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	walk(dir, "");
	if (n_zones == 0)
		skip();  /* no tz database on this machine */
	/* Most zones keep one offset after their last transition (tzdata
	 * 2024: ~60 %); the fast answer must have been tried on many. */
	assert_true(n_fixed > n_zones / 4);
	/* Asia/Shanghai: +08:00 since 1991 through the fixed tail. */
	assert_int_equal(dt_zone_set("Asia/Shanghai", &e), SJ_OK);
	assert_int_equal(dt_zone_offset(INT64_C(1709310600)), 28800);
	assert_int_equal(dt_zone_offset(DT_INSTANT_MAX), 28800);
	/* 1988-06-01T00:00Z: Chinese daylight saving time, +09:00. */
	assert_int_equal(dt_zone_offset(INT64_C(581126400)), 32400);
	print_message("# %d zones compared, %d with a fixed tail\n", n_zones, n_fixed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_rules),
		cmocka_unit_test(test_not_fixed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_zone_against_localtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
