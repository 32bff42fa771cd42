/*
 * Unit tests for core/datetime.
 *
 * Expected values are worked out by hand (day counts shown in comments)
 * or are facts of the tz database, quoted from `zdump -v` on the build
 * machine (tzdata 2024):
 *   Asia/Shanghai    +08:00 since 1901; LMT +08:05:43 before: 1900-12-31
 *                    15:54:17Z = 23:54:17 CST (clocks went back 5m43s);
 *                    DST 1988-04-17 02:00 -> 03:00 (+09:00) to 09-11.
 *   America/New_York 2024-03-10 07:00Z: 01:59:59 EST -> 03:00 EDT;
 *                    2024-11-03 06:00Z: 01:59:59 EDT -> 01:00 EST.
 *   America/Santiago 2024-04-07 03:00Z: Sat 23:59:59 -03 -> 23:00 -04;
 *                    2024-09-08 04:00Z: Sat 23:59:59 -04 -> Sun 01:00 -03
 *                    (local midnight of 2024-09-08 does not exist).
 *   America/Havana   2022-03-13 05:00Z: 23:59:59 CST -> 01:00 CDT;
 *                    2022-11-06 05:00Z: 00:59:59 CDT -> 00:00 CST
 *                    (midnight of 2022-11-06 happens twice).
 *   Asia/Kathmandu   +05:45 since 1985-12-31 18:30Z (was +05:30: local
 *                    1986-01-01 00:00-00:14 does not exist).
 *   America/St_Johns -02:30 (NDT) from 2024-03-10 05:30Z.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/datetime.h"

static void
zone(const char *name)
{
	sj_err e = { 0 };

	assert_int_equal(dt_zone_set(name, &e), SJ_OK);
	assert_string_equal(dt_zone_name(), name);
}

/* The instant named by RFC 3339 text s; the parser is tested against
 * raw numbers in test_parse_known_instants. */
static int64_t
at(const char *s)
{
	sj_err e = { 0 };
	int64_t t = 0;

	if (dt_parse_rfc3339(s, "t", &t, &e) != SJ_OK)
		fail_msg("%s: %s", s, e.msg);
	return t;
}

static void
assert_local(int64_t t, const char *want)
{
	char out[DT_RFC3339_LEN];

	dt_format_rfc3339(t, out);
	assert_string_equal(out, want);
}

static void
assert_date(sj_date d, const char *want)
{
	char out[DT_DATE_LEN];

	dt_date_format(d, out);
	assert_string_equal(out, want);
}

static sj_date
date(const char *s)
{
	sj_err e = { 0 };
	sj_date d = 0;

	if (dt_date_parse(s, "date", &d, &e) != SJ_OK)
		fail_msg("%s: %s", s, e.msg);
	return d;
}

/* ---- zone ---------------------------------------------------------- */

static void
test_zone_set_rejects_bad_names(void **state)
{
	const char *bad[] = {
		"", "..", "../etc/passwd", "/etc/localtime",
		"/usr/share/zoneinfo/Asia/Shanghai", "Asia/../Asia/Shanghai",
		"./Asia/Shanghai", "Asia//Shanghai", "Asia/Shanghai/",
		"Asia", "Mars/Olympus_Mons", "Asia/Shang hai", "zone1970.tab",
		"tzdata.zi", "Asia/Shanghai\n", "CST-8", NULL,
	};
	char longname[DT_ZONE_NAME_MAX + 2];
	sj_err e = { 0 };

	(void)state;
	/* One byte over the limit; every byte a letter. */
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	bad[sizeof bad / sizeof bad[0] - 1] = longname;
	zone("Asia/Shanghai");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sj_err_clear(&e);
		if (dt_zone_set(bad[i], &e) != SJ_ECONFIG)
			fail_msg("accepted zone \"%s\"", bad[i]);
		assert_string_equal(e.field, "tz");
		assert_true(e.msg[0] != '\0');
		/* The zone in effect is unchanged. */
		assert_string_equal(dt_zone_name(), "Asia/Shanghai");
		assert_local(0, "1970-01-01T08:00:00+08:00");
	}
	assert_int_equal(dt_zone_set("Mars/Olympus_Mons", &e), SJ_ECONFIG);
	assert_string_equal(e.msg, "unknown time zone \"Mars/Olympus_Mons\" "
	    "(no tz file in /usr/share/zoneinfo)");
	assert_int_equal(dt_zone_set("../etc/passwd", &e), SJ_ECONFIG);
	assert_string_equal(e.msg, "\"../etc/passwd\" is not an IANA time "
	    "zone name such as Asia/Shanghai");
}

/* $TZDIR is honoured, and a file there must be TZif, not any file. */
static void
test_zone_set_uses_tzdir(void **state)
{
	char dir[] = "/tmp/sijin-tzdir-XXXXXX", path[64], link[64];
	sj_err e = { 0 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/Fake", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a zone file\n", f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	assert_int_equal(dt_zone_set("Asia/Shanghai", &e), SJ_ECONFIG);
	assert_int_equal(dt_zone_set("Fake", &e), SJ_ECONFIG);
	assert_string_equal(dt_zone_name(), "Asia/Shanghai");
	/* A real zone file under $TZDIR is found, and used, by its name
	 * there (New York's -05:00 shows that it is not Shanghai's). */
	snprintf(link, sizeof link, "%s/Mine", dir);
	assert_int_equal(symlink("/usr/share/zoneinfo/America/New_York",
	    link), 0);
	zone("Mine");
	assert_local(0, "1969-12-31T19:00:00-05:00");
	unsetenv("TZDIR");
	unlink(link);
	unlink(path);
	rmdir(dir);
	zone("Asia/Shanghai");
}

/* ---- parsing ------------------------------------------------------- */

static void
test_parse_known_instants(void **state)
{
	(void)state;
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("1969-12-31T23:59:59Z"), -1);
	/* 2024-01-01 is day 54*365 + 13 leap days (1972..2020) = 19723;
	 * 2024-03-01 is 19723 + 31 + 29 = 19783; 19783 * 86400 =
	 * 1709251200; + 16:30 = 59400 s. */
	assert_int_equal(at("2024-03-01T16:30:00Z"), INT64_C(1709310600));
	assert_int_equal(at("2024-03-02T00:30:00+08:00"), INT64_C(1709310600));
	assert_int_equal(at("2024-03-01T11:30:00-05:00"), INT64_C(1709310600));
	assert_int_equal(at("2024-03-01t16:30:00z"), INT64_C(1709310600));
	assert_int_equal(at("2024-03-01 16:30:00Z"), INT64_C(1709310600));
	assert_int_equal(at("2024-03-01T16:30:00-00:00"), INT64_C(1709310600));
	/* 2020-03-18: 50*365 + 12 leap days = 18262 for 2020-01-01, + 31 +
	 * 29 + 17 = 18339; 18339 * 86400 = 1584489600; 14:30+08:00 is
	 * 06:30Z = 23400 s. */
	assert_int_equal(at("2020-03-18T14:30:00+08:00"), INT64_C(1584513000));
	/* Offsets with minutes: 10:15+05:45 is 04:30Z. */
	assert_int_equal(at("2024-05-01T10:15:00+05:45"),
	    at("2024-05-01T04:30:00Z"));
	assert_int_equal(at("2024-05-01T01:00:00-03:30"),
	    at("2024-05-01T04:30:00Z"));
	/* 1900-01-01 is day -(70*365 + 17) = -25567 (1900 is no leap year);
	 * 2000-01-01 is 30*365 + 7 = 10957. */
	assert_int_equal(at("1900-01-01T00:00:00Z"), INT64_C(-2208988800));
	assert_int_equal(at("2000-01-01T00:00:00Z"), INT64_C(946684800));
	/* The range ends. */
	assert_int_equal(at("0000-01-01T00:00:00Z"), DT_INSTANT_MIN);
	assert_int_equal(at("9999-12-31T23:59:59Z"), DT_INSTANT_MAX);
	assert_int_equal(at("0000-01-01T08:00:00+08:00"), DT_INSTANT_MIN);
}

static void
test_parse_fractions(void **state)
{
	sj_err e = { 0 };
	int64_t ms = 0;

	(void)state;
	/* The seconds variant keeps the second the instant lies in. */
	assert_int_equal(at("1970-01-01T00:00:00.999Z"), 0);
	assert_int_equal(at("1969-12-31T23:59:59.5Z"), -1);
	assert_int_equal(at("2020-03-18T14:30:00.999999999+08:00"),
	    INT64_C(1584513000));
	assert_int_equal(dt_parse_rfc3339_ms("1970-01-01T00:00:00.5Z", "t",
	    &ms, &e), SJ_OK);
	assert_int_equal(ms, 500);
	assert_int_equal(dt_parse_rfc3339_ms("1970-01-01T00:00:00.123456789Z",
	    "t", &ms, &e), SJ_OK);
	assert_int_equal(ms, 123);
	assert_int_equal(dt_parse_rfc3339_ms("1969-12-31T23:59:59.999Z", "t",
	    &ms, &e), SJ_OK);
	assert_int_equal(ms, -1);
	assert_int_equal(dt_parse_rfc3339_ms("2020-03-18T14:30:00.12+08:00",
	    "t", &ms, &e), SJ_OK);
	assert_int_equal(ms, INT64_C(1584513000120));
	assert_int_equal(dt_parse_rfc3339_ms("2020-03-18T14:30:00+08:00",
	    "t", &ms, &e), SJ_OK);
	assert_int_equal(ms, INT64_C(1584513000000));
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "", "empty; expected a date-time such as "
		    "2020-03-18T14:30:00+08:00" },
		{ "20-03-18T14:30:00Z", "year must be 4 digits" },
		{ " 2020-03-18T14:30:00Z", "year must be 4 digits" },
		/* a word where the date-time was due: said so, not "year must be 4 digits" */
		{ "now", "'now' is not a date-time: write it like 2020-03-18T14:30:00+08:00 "
		    "(RFC 3339, with its offset)" },
		{ "Yesterday 10:00", "'Yesterday 10:00' is not a date-time: write it like "
		    "2020-03-18T14:30:00+08:00 (RFC 3339, with its offset)" },
		/* Full-width digits are not ASCII digits. */
		{ "\xEF\xBC\x92" "020-03-18T14:30:00Z", "year must be 4 digits" },
		{ "20200-03-18T14:30:00Z", "expected '-' after year, found '0'" },
		{ "2020/03/18T14:30:00Z", "expected '-' after year, found '/'" },
		{ "2020-3-18T14:30:00Z", "month must be 2 digits" },
		{ "2020-00-18T14:30:00Z", "month 00 out of range (01-12)" },
		{ "2020-13-18T14:30:00Z", "month 13 out of range (01-12)" },
		{ "2020-03.18T14:30:00Z", "expected '-' after month, found '.'" },
		{ "2020-03-8T14:30:00Z", "day must be 2 digits" },
		{ "2020-03-00T14:30:00Z", "day 00 out of range (01-31)" },
		{ "2020-01-32T14:30:00Z", "day 32 out of range (01-31)" },
		{ "2020-04-31T14:30:00Z", "day 31 out of range for 2020-04" },
		{ "2023-02-29T14:30:00Z", "day 29 out of range for 2023-02" },
		{ "1900-02-29T14:30:00Z", "day 29 out of range for 1900-02" },
		{ "2024-02-30T14:30:00Z", "day 30 out of range for 2024-02" },
		{ "2020-03-18", "missing time after the date (expected 'T')" },
		{ "2020-03-18X14:30:00Z",
		    "expected 'T' between date and time, found 'X'" },
		{ "2020-03-18T4:30:00Z", "hour must be 2 digits" },
		{ "2020-03-18T24:00:00Z", "hour 24 out of range (00-23)" },
		{ "2020-03-18T14-30:00Z", "expected ':' after hour, found '-'" },
		{ "2020-03-18T14:60:00Z", "minute 60 out of range (00-59)" },
		{ "2020-03-18T14:30Z", "expected ':' after minute, found 'Z'" },
		{ "2020-03-18T14:30:5Z", "second must be 2 digits" },
		{ "2016-12-31T23:59:60Z", "leap second :60 is not supported "
		    "(Unix time has no leap seconds)" },
		{ "2020-03-18T14:30:61Z", "second 61 out of range (00-59)" },
		{ "2020-03-18T14:30:00.Z",
		    "fraction of a second needs a digit after '.'" },
		{ "2020-03-18T14:30:00", "missing time zone offset "
		    "(Z, +hh:mm or -hh:mm)" },
		{ "2020-03-18T14:30:00.5", "missing time zone offset "
		    "(Z, +hh:mm or -hh:mm)" },
		{ "2020-03-18T14:30:00 +08:00", "expected time zone offset "
		    "(Z, +hh:mm or -hh:mm), found byte 0x20" },
		{ "2020-03-18T14:30:00UTC", "expected time zone offset "
		    "(Z, +hh:mm or -hh:mm), found 'U'" },
		{ "2020-03-18T14:30:00+8:00", "offset hour must be 2 digits" },
		{ "2020-03-18T14:30:00+0800",
		    "expected ':' after offset hour, found '0'" },
		{ "2020-03-18T14:30:00+08", "expected ':' after offset hour, "
		    "found end of input" },
		{ "2020-03-18T14:30:00+24:00",
		    "offset hour 24 out of range (00-23)" },
		{ "2020-03-18T14:30:00+08:60",
		    "offset minute 60 out of range (00-59)" },
		{ "2020-03-18T14:30:00+08:0", "offset minute must be 2 digits" },
		{ "2020-03-18T14:30:00Zjunk", "trailing characters after offset" },
		{ "2020-03-18T14:30:00+08:00 ",
		    "trailing characters after offset" },
		{ "2020-03-18T14:30:00+08:00:00",
		    "trailing characters after offset" },
		{ "0000-01-01T00:00:00+00:01",
		    "instant outside the years 0000-9999 in UTC" },
		{ "9999-12-31T23:59:59-00:01",
		    "instant outside the years 0000-9999 in UTC" },
	};
	sj_err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = 42, ms = 42;

		sj_err_clear(&e);
		if (dt_parse_rfc3339(cases[i].in, "visit_at", &t, &e) !=
		    SJ_EINVAL)
			fail_msg("accepted \"%s\"", cases[i].in);
		assert_string_equal(e.field, "visit_at");
		assert_string_equal(e.msg, cases[i].msg);
		assert_int_equal(t, 42);  /* untouched on failure */
		sj_err_clear(&e);
		assert_int_equal(dt_parse_rfc3339_ms(cases[i].in, "x", &ms, &e),
		    SJ_EINVAL);
		assert_string_equal(e.msg, cases[i].msg);
		assert_int_equal(ms, 42);
	}
	/* A NULL field and a NULL error record are allowed. */
	assert_int_equal(dt_parse_rfc3339("x", NULL, &(int64_t){ 0 }, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "");
	assert_int_equal(dt_parse_rfc3339("x", "f", &(int64_t){ 0 }, NULL),
	    SJ_EINVAL);
}

/* ---- formatting ---------------------------------------------------- */

static void
test_format_shanghai(void **state)
{
	char out[DT_RFC3339_MS_LEN];

	(void)state;
	zone("Asia/Shanghai");
	assert_local(INT64_C(1584513000), "2020-03-18T14:30:00+08:00");
	assert_local(0, "1970-01-01T08:00:00+08:00");
	assert_local(-1, "1970-01-01T07:59:59+08:00");
	dt_format_rfc3339_utc(INT64_C(1584513000), out);
	assert_string_equal(out, "2020-03-18T06:30:00Z");
	dt_format_rfc3339_ms(INT64_C(1584513000120), out);
	assert_string_equal(out, "2020-03-18T14:30:00.120+08:00");
	dt_format_rfc3339_utc_ms(INT64_C(1584513000120), out);
	assert_string_equal(out, "2020-03-18T06:30:00.120Z");
	dt_format_rfc3339_utc_ms(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59.999Z");
	dt_format_rfc3339_ms(-1001, out);
	assert_string_equal(out, "1970-01-01T07:59:58.999+08:00");
	/* China's DST of 1988: 2024's +08:00 is not assumed for the past. */
	assert_local(at("1988-07-01T00:00:00Z"), "1988-07-01T09:00:00+09:00");
	/* LMT +08:05:43 rounds to +08:06; the wall time follows the rounded
	 * offset so the text names the same instant: local midnight
	 * 1900-01-01 LMT is -2208988800 - 29143 = -2209017943, shown as
	 * -2209017943 + 29160 = 17 s after 1900-01-01T00:00 at +08:06. */
	assert_local(INT64_C(-2209017943), "1900-01-01T00:00:17+08:06");
	assert_int_equal(at("1900-01-01T00:00:17+08:06"), INT64_C(-2209017943));
	dt_format_rfc3339_utc(DT_INSTANT_MIN, out);
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	dt_format_rfc3339_utc(DT_INSTANT_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	/* Local 10000-01-01 cannot be written: the UTC form is. */
	assert_local(DT_INSTANT_MAX, "9999-12-31T23:59:59Z");
	assert_local(DT_INSTANT_MAX - 8 * 3600, "9999-12-31T23:59:59+08:00");
}

static void
test_format_new_york_dst(void **state)
{
	(void)state;
	zone("America/New_York");
	assert_local(at("2024-03-10T06:59:59Z"), "2024-03-10T01:59:59-05:00");
	assert_local(at("2024-03-10T07:00:00Z"), "2024-03-10T03:00:00-04:00");
	assert_local(at("2024-11-03T05:59:59Z"), "2024-11-03T01:59:59-04:00");
	assert_local(at("2024-11-03T06:00:00Z"), "2024-11-03T01:00:00-05:00");
	assert_local(0, "1969-12-31T19:00:00-05:00");
}

/* Parse then format in the zone the offset belongs to: the text comes
 * back byte for byte. */
static void
test_round_trips(void **state)
{
	static const struct {
		const char *zone, *text;
	} cases[] = {
		{ "Asia/Kathmandu", "2024-05-01T10:15:00+05:45" },
		{ "Asia/Kathmandu", "1985-06-01T12:00:00+05:30" },
		{ "America/St_Johns", "2024-07-01T12:00:00-02:30" },
		{ "America/St_Johns", "2024-01-15T08:05:09-03:30" },
		{ "Asia/Shanghai", "2099-12-31T23:59:59+08:00" },
		{ "Asia/Shanghai", "1960-02-29T00:00:00+08:00" },
		{ "UTC", "2024-02-29T12:00:00+00:00" },
	};
	char out[DT_RFC3339_MS_LEN];
	sj_err e = { 0 };
	int64_t ms = 0;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		zone(cases[i].zone);
		assert_local(at(cases[i].text), cases[i].text);
	}
	zone("Asia/Shanghai");
	assert_local(at("2024-05-01T10:15:00+05:45"),
	    "2024-05-01T12:30:00+08:00");
	assert_int_equal(dt_parse_rfc3339_ms("2024-05-01T10:15:00.007+05:45",
	    "t", &ms, &e), SJ_OK);
	dt_format_rfc3339_utc_ms(ms, out);
	assert_string_equal(out, "2024-05-01T04:30:00.007Z");
}

/* ---- dates --------------------------------------------------------- */

static void
test_date_known_values(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(dt_date_from_ymd(1970, 1, 1), 0);
	assert_int_equal(dt_date_from_ymd(1969, 12, 31), -1);
	assert_int_equal(dt_date_from_ymd(2000, 1, 1), 10957);
	assert_int_equal(dt_date_from_ymd(2020, 3, 18), 18339);
	assert_int_equal(dt_date_from_ymd(1900, 1, 1), -25567);
	/* 2100-01-01: 130*365 + 32 leap days (1972..2096) = 47482. */
	assert_int_equal(dt_date_from_ymd(2099, 12, 31), 47481);
	assert_int_equal(dt_date_from_ymd(0, 1, 1), DT_DATE_MIN);
	assert_int_equal(dt_date_from_ymd(9999, 12, 31), DT_DATE_MAX);
	dt_date_to_ymd(47481, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20991231);
	dt_date_to_ymd(-25567, &y, NULL, NULL);
	assert_int_equal(y, 1900);
	assert_date(-25567, "1900-01-01");
	assert_date(47481, "2099-12-31");
	assert_date(DT_DATE_MIN, "0000-01-01");
	assert_date(DT_DATE_MAX, "9999-12-31");
	assert_int_equal(date("2020-03-18"), 18339);
}

static void
test_date_leap_years(void **state)
{
	(void)state;
	assert_true(dt_ymd_valid(2000, 2, 29));   /* divisible by 400 */
	assert_false(dt_ymd_valid(1900, 2, 29));  /* century, not by 400 */
	assert_false(dt_ymd_valid(2100, 2, 29));
	assert_true(dt_ymd_valid(2024, 2, 29));
	assert_false(dt_ymd_valid(2023, 2, 29));
	assert_true(dt_ymd_valid(0, 2, 29));      /* year 0 = 1 BC, leap */
	assert_false(dt_ymd_valid(2024, 4, 31));
	assert_false(dt_ymd_valid(2024, 13, 1));
	assert_false(dt_ymd_valid(2024, 0, 1));
	assert_false(dt_ymd_valid(2024, 1, 0));
	assert_false(dt_ymd_valid(-1, 1, 1));
	assert_false(dt_ymd_valid(10000, 1, 1));
	assert_int_equal(date("2000-03-01") - date("2000-02-28"), 2);
	assert_int_equal(date("1900-03-01") - date("1900-02-28"), 1);
	assert_int_equal(date("2024-03-01") - date("2024-02-28"), 2);
	assert_int_equal(date("2025-01-01") - date("2024-01-01"), 366);
	assert_int_equal(date("1901-01-01") - date("1900-01-01"), 365);
}

/* An independent oracle: step through every day of 0000-9999 with a
 * naive month table and compare day numbers, fields and text. */
static void
test_date_every_day(void **state)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int y = 0, m = 1, d = 1, yy, mm, dd;
	char want[40], out[DT_DATE_LEN];

	(void)state;
	for (int64_t n = DT_DATE_MIN; n <= DT_DATE_MAX; n++) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		if (dt_date_from_ymd(y, m, d) != n)
			fail_msg("%04d-%02d-%02d", y, m, d);
		dt_date_to_ymd((sj_date)n, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			fail_msg("day %lld", (long long)n);
		if (n % 97 == 0) {
			snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
			dt_date_format((sj_date)n, out);
			assert_string_equal(out, want);
			assert_int_equal(date(want), n);
		}
		if (++d > mdays[m - 1] + (m == 2 && leap)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(y, 10000);
}

static void
test_date_parse_errors(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "", "empty; expected a date such as 2020-03-18" },
		{ "18.03.2020", "year must be 4 digits" },
		{ "today", "'today' is not a date: write it like 2020-03-18" },
		{ "20200318", "expected '-' after year, found '0'" },
		{ "2020-3-18", "month must be 2 digits" },
		{ "2020-13-01", "month 13 out of range (01-12)" },
		{ "2020-02-30", "day 30 out of range for 2020-02" },
		{ "2023-02-29", "day 29 out of range for 2023-02" },
		{ "2020-03-1", "day must be 2 digits" },
		{ "2020-03-18T00:00:00Z", "trailing characters after date" },
		{ "2020-03-18 ", "trailing characters after date" },
	};
	sj_err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sj_date d = 42;

		sj_err_clear(&e);
		assert_int_equal(dt_date_parse(cases[i].in, "due", &d, &e),
		    SJ_EINVAL);
		assert_string_equal(e.field, "due");
		assert_string_equal(e.msg, cases[i].msg);
		assert_int_equal(d, 42);
	}
}

static void
test_date_weekday_and_add(void **state)
{
	(void)state;
	assert_int_equal(dt_date_weekday(0), 4);                  /* Thu */
	assert_int_equal(dt_date_weekday(-1), 3);                 /* Wed */
	assert_int_equal(dt_date_weekday(date("2020-03-18")), 3); /* Wed */
	assert_int_equal(dt_date_weekday(date("2024-03-10")), 7); /* Sun */
	assert_int_equal(dt_date_weekday(date("2000-01-01")), 6); /* Sat */
	assert_int_equal(dt_date_weekday(date("1900-01-01")), 1); /* Mon */
	assert_int_equal(dt_date_weekday(date("2099-12-31")), 4); /* Thu */
	/* 400 Gregorian years are exactly 20871 weeks. */
	assert_int_equal(dt_date_weekday(DT_DATE_MIN), 6);
	assert_date(dt_date_add_days(date("2024-02-28"), 1), "2024-02-29");
	assert_date(dt_date_add_days(date("2024-02-28"), 2), "2024-03-01");
	assert_date(dt_date_add_days(date("2023-12-31"), 1), "2024-01-01");
	assert_date(dt_date_add_days(0, -1), "1969-12-31");
	assert_date(dt_date_add_days(date("2024-03-01"), -366), "2023-03-01");
}

/* ---- local days ---------------------------------------------------- */

static void
test_local_day_shanghai(void **state)
{
	(void)state;
	zone("Asia/Shanghai");
	assert_int_equal(dt_date_of(at("2024-03-01T16:30:00Z")),
	    date("2024-03-02"));
	assert_int_equal(dt_date_of(at("2024-03-01T15:59:59Z")),
	    date("2024-03-01"));
	assert_int_equal(dt_date_of(at("2024-03-01T16:00:00Z")),
	    date("2024-03-02"));
	/* 18339 * 86400 - 8 h = 1584460800. */
	assert_int_equal(dt_date_start(date("2020-03-18")), INT64_C(1584460800));
	assert_int_equal(dt_date_start(date("2020-03-18")),
	    at("2020-03-17T16:00:00Z"));
	assert_int_equal(dt_date_end(date("2020-03-18")),
	    at("2020-03-18T16:00:00Z"));
	/* LMT: 1900-01-01 starts 8:05:43 before midnight UTC. */
	assert_int_equal(dt_date_start(date("1900-01-01")),
	    INT64_C(-2208988800) - 29143);
	/* 1900-12-31 ends at 1901-01-01 00:00 CST (16:00Z) and lasts
	 * 86400 + 343 s, the 5m43s the clocks went back. */
	assert_int_equal(dt_date_end(date("1900-12-31")),
	    at("1900-12-31T16:00:00Z"));
	assert_int_equal(dt_date_end(date("1900-12-31")) -
	    dt_date_start(date("1900-12-31")), 86400 + 343);
	assert_int_equal(dt_date_start(date("2099-12-31")),
	    at("2099-12-30T16:00:00Z"));
	/* 1988-04-17 lost 02:00-03:00: 23 hours. */
	assert_int_equal(dt_date_end(date("1988-04-17")) -
	    dt_date_start(date("1988-04-17")), 23 * 3600);
}

static void
test_local_day_new_york(void **state)
{
	sj_date spring = date("2024-03-10"), autumn = date("2024-11-03");

	(void)state;
	zone("America/New_York");
	/* Day 19792 (2024-03-10) starts at 05:00Z = 1710028800 + 18000. */
	assert_int_equal(dt_date_start(spring), INT64_C(1710046800));
	assert_int_equal(dt_date_end(spring), at("2024-03-11T04:00:00Z"));
	assert_int_equal(dt_date_end(spring) - dt_date_start(spring), 82800);
	assert_int_equal(dt_date_start(autumn), at("2024-11-03T04:00:00Z"));
	assert_int_equal(dt_date_end(autumn), at("2024-11-04T05:00:00Z"));
	assert_int_equal(dt_date_end(autumn) - dt_date_start(autumn), 90000);
	assert_int_equal(dt_date_of(at("2024-03-10T04:59:59Z")),
	    date("2024-03-09"));
	assert_int_equal(dt_date_of(at("2024-03-10T05:00:00Z")), spring);
	assert_int_equal(dt_date_of(at("2024-11-04T04:59:59Z")), autumn);
}

/* A local wall time without an offset names an instant only when the
 * zone's clocks showed it once.  The transitions are the tz database's, as
 * `zdump -v -c 2024,2025 Europe/Berlin America/New_York` and
 * `zdump -v -c 1988,1989 Asia/Shanghai` print them:
 *   Berlin   2024-03-31 01:00Z  01:59:59 CET  -> 03:00 CEST (+01 -> +02)
 *            2024-10-27 01:00Z  02:59:59 CEST -> 02:00 CET  (+02 -> +01)
 *   New York 2024-03-10 07:00Z  01:59:59 EST  -> 03:00 EDT  (-05 -> -04)
 *            2024-11-03 06:00Z  01:59:59 EDT  -> 01:00 EST  (-04 -> -05)
 *   Shanghai 1988-04-16 18:00Z  01:59:59 CST  -> 03:00 CDT  (+08 -> +09)
 *            1988-09-10 17:00Z  01:59:59 CDT  -> 01:00 CST  (+09 -> +08)
 * The process's own TZ (set here to UTC) plays no part. */
static void
local(int y, int mo, int d, int h, int mi, int sec, int64_t want)
{
	sj_err e = { 0 };
	int64_t t = 0;

	if (dt_local_instant(y, mo, d, h, mi, sec, "time", &t, &e) != SJ_OK)
		fail_msg("%04d-%02d-%02d %02d:%02d:%02d: %s", y, mo, d, h, mi, sec, e.msg);
	assert_int_equal(t, want);
}

static void
local_refused(int y, int mo, int d, int h, int mi, const char *msg)
{
	sj_err e = { 0 };
	int64_t t = 0;

	assert_int_equal(dt_local_instant(y, mo, d, h, mi, 0, "time", &t, &e), SJ_EINVAL);
	assert_string_equal(e.field, "time");
	assert_string_equal(e.msg, msg);
	assert_int_equal(t, 0);
}

static void
test_local_instant_gaps_and_folds(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	zone("Europe/Berlin");
	local(2024, 3, 31, 1, 59, 59, at("2024-03-31T00:59:59Z"));
	local(2024, 3, 31, 3, 0, 0, at("2024-03-31T01:00:00Z"));
	local_refused(2024, 3, 31, 2, 30, "2024-03-31T02:30:00 does not exist in the zone "
	    "Europe/Berlin: the clocks went from +01:00 to +02:00 and skipped it; add the offset "
	    "meant (e.g. 2024-03-31T02:30:00+01:00)");
	local_refused(2024, 3, 31, 2, 0, "2024-03-31T02:00:00 does not exist in the zone "
	    "Europe/Berlin: the clocks went from +01:00 to +02:00 and skipped it; add the offset "
	    "meant (e.g. 2024-03-31T02:00:00+01:00)");
	local(2024, 10, 27, 1, 59, 59, at("2024-10-26T23:59:59Z"));
	local(2024, 10, 27, 3, 0, 0, at("2024-10-27T02:00:00Z"));
	local_refused(2024, 10, 27, 2, 30, "2024-10-27T02:30:00 occurs twice in the zone "
	    "Europe/Berlin: the clocks went back from +02:00 to +01:00; add the offset meant "
	    "(2024-10-27T02:30:00+02:00 for the first, 2024-10-27T02:30:00+01:00 for the second)");
	local_refused(2024, 10, 27, 2, 0, "2024-10-27T02:00:00 occurs twice in the zone "
	    "Europe/Berlin: the clocks went back from +02:00 to +01:00; add the offset meant "
	    "(2024-10-27T02:00:00+02:00 for the first, 2024-10-27T02:00:00+01:00 for the second)");

	zone("America/New_York");
	local(2024, 3, 10, 1, 59, 59, at("2024-03-10T06:59:59Z"));
	local(2024, 3, 10, 3, 0, 0, at("2024-03-10T07:00:00Z"));
	local_refused(2024, 3, 10, 2, 30, "2024-03-10T02:30:00 does not exist in the zone "
	    "America/New_York: the clocks went from -05:00 to -04:00 and skipped it; add the "
	    "offset meant (e.g. 2024-03-10T02:30:00-05:00)");
	local_refused(2024, 11, 3, 1, 30, "2024-11-03T01:30:00 occurs twice in the zone "
	    "America/New_York: the clocks went back from -04:00 to -05:00; add the offset meant "
	    "(2024-11-03T01:30:00-04:00 for the first, 2024-11-03T01:30:00-05:00 for the second)");
	local(2024, 11, 3, 2, 0, 0, at("2024-11-03T07:00:00Z"));

	zone("Asia/Shanghai");
	/* the case: 2024-03-02 00:30 is 2024-03-01T16:30Z */
	local(2024, 3, 2, 0, 30, 0, 1709310600);
	local(1988, 4, 17, 4, 0, 0, at("1988-04-16T19:00:00Z"));
	local_refused(1988, 4, 17, 2, 30, "1988-04-17T02:30:00 does not exist in the zone "
	    "Asia/Shanghai: the clocks went from +08:00 to +09:00 and skipped it; add the offset "
	    "meant (e.g. 1988-04-17T02:30:00+08:00)");
	local(1988, 9, 11, 0, 30, 0, at("1988-09-10T15:30:00Z"));
	local_refused(1988, 9, 11, 1, 30, "1988-09-11T01:30:00 occurs twice in the zone "
	    "Asia/Shanghai: the clocks went back from +09:00 to +08:00; add the offset meant "
	    "(1988-09-11T01:30:00+09:00 for the first, 1988-09-11T01:30:00+08:00 for the second)");
	local(1988, 9, 11, 2, 0, 0, at("1988-09-10T18:00:00Z"));
	unsetenv("TZ");
	tzset();
}

/* Days whose midnight is skipped or doubled. */
static void
test_local_day_odd_midnights(void **state)
{
	(void)state;
	zone("America/Santiago");
	assert_int_equal(dt_date_start(date("2024-09-08")),
	    at("2024-09-08T04:00:00Z"));
	assert_local(dt_date_start(date("2024-09-08")),
	    "2024-09-08T01:00:00-03:00");
	assert_int_equal(dt_date_end(date("2024-09-07")),
	    at("2024-09-08T04:00:00Z"));
	assert_int_equal(dt_date_of(at("2024-09-08T03:59:59Z")),
	    date("2024-09-07"));
	assert_int_equal(dt_date_end(date("2024-09-08")) -
	    dt_date_start(date("2024-09-08")), 23 * 3600);
	/* Saturday 2024-04-06 runs from 00:00-03:00 to 00:00-04:00. */
	assert_int_equal(dt_date_start(date("2024-04-06")),
	    at("2024-04-06T03:00:00Z"));
	assert_int_equal(dt_date_end(date("2024-04-06")),
	    at("2024-04-07T04:00:00Z"));

	zone("America/Havana");
	assert_local(dt_date_start(date("2022-03-13")),
	    "2022-03-13T01:00:00-04:00");
	/* The first of the two midnights of 2022-11-06. */
	assert_int_equal(dt_date_start(date("2022-11-06")),
	    at("2022-11-06T04:00:00Z"));
	assert_int_equal(dt_date_end(date("2022-11-06")),
	    at("2022-11-07T05:00:00Z"));

	zone("Asia/Kathmandu");
	assert_local(dt_date_start(date("1986-01-01")),
	    "1986-01-01T00:15:00+05:45");
	assert_int_equal(dt_date_start(date("1986-01-01")),
	    at("1985-12-31T18:30:00Z"));
}

/* For every day of 2020-2025 in zones with DST: the day is
 * [start, end), 23, 24 or 25 hours long, and one of each odd kind per
 * year. */
static void
test_local_days_partition(void **state)
{
	static const char *zones[] = {
		"America/New_York", "America/Santiago", "Asia/Shanghai",
		"Europe/London", "Australia/Lord_Howe",
	};

	(void)state;
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		int n23 = 0, n25 = 0, other = 0;

		zone(zones[z]);
		for (sj_date d = date("2020-01-01"); d < date("2026-01-01"); d++) {
			int64_t s = dt_date_start(d), e = dt_date_end(d);

			assert_int_equal(dt_date_of(s), d);
			assert_int_equal(dt_date_of(s - 1), d - 1);
			assert_int_equal(dt_date_of(e - 1), d);
			n23 += e - s == 23 * 3600;
			n25 += e - s == 25 * 3600;
			other += e - s != 24 * 3600 && e - s != 23 * 3600 &&
			    e - s != 25 * 3600;
		}
		if (strcmp(zones[z], "Asia/Shanghai") == 0) {
			assert_int_equal(n23 + n25 + other, 0);
		} else if (strcmp(zones[z], "Australia/Lord_Howe") == 0) {
			/* Half-hour DST: 23.5 and 24.5 hour days. */
			assert_int_equal(other, 12);
		} else {
			assert_int_equal(n23, 6);
			assert_int_equal(n25, 6);
			assert_int_equal(other, 0);
		}
	}
}

static void
test_now(void **state)
{
	int64_t before = (int64_t)time(NULL), now = dt_now(), ms = dt_now_ms();

	(void)state;
	assert_true(now >= before && now <= before + 2);
	assert_true(ms / 1000 >= now && ms / 1000 <= now + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_set_rejects_bad_names),
		cmocka_unit_test(test_zone_set_uses_tzdir),
		cmocka_unit_test(test_parse_known_instants),
		cmocka_unit_test(test_parse_fractions),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_format_shanghai),
		cmocka_unit_test(test_format_new_york_dst),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_date_known_values),
		cmocka_unit_test(test_date_leap_years),
		cmocka_unit_test(test_date_every_day),
		cmocka_unit_test(test_date_parse_errors),
		cmocka_unit_test(test_date_weekday_and_add),
		cmocka_unit_test(test_local_day_shanghai),
		cmocka_unit_test(test_local_day_new_york),
		cmocka_unit_test(test_local_instant_gaps_and_folds),
		cmocka_unit_test(test_local_day_odd_midnights),
		cmocka_unit_test(test_local_days_partition),
		cmocka_unit_test(test_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
