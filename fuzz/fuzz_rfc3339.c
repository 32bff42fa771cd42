/*
 * fuzz_rfc3339 — dt_parse_rfc3339() and dt_parse_rfc3339_ms()
 * (core/datetime.h), the parsers of every instant in API bodies, query
 * strings and command lines, and dt_date_parse() for local dates.
 * Contract checked: an accepted instant formats (UTC) and parses back to
 * itself; the seconds and milliseconds parsers agree; an accepted date is
 * valid and round-trips; failures are SJ_EINVAL with the caller's field.
 */
#include "fuzz/fuzz.h"

#include "core/datetime.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return dt_zone_set("Asia/Shanghai", NULL) == SJ_OK ? 0 : 1;
}

static void
check_instant(const char *s)
{
	char out[DT_RFC3339_LEN];
	sj_err e = {0};
	int64_t t = 0, ms = 0, again = 0;
	sj_rc rc = dt_parse_rfc3339(s, "time", &t, &e), rc_ms;

	sj_err_clear(&e);
	rc_ms = dt_parse_rfc3339_ms(s, "time", &ms, &e);
	FUZZ_REQUIRE((rc == SJ_OK) == (rc_ms == SJ_OK));
	if (rc != SJ_OK) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && strcmp(e.field, "time") == 0);
		return;
	}
	/* Milliseconds drop toward the earlier millisecond, so floor(ms/1000). */
	FUZZ_REQUIRE((ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)) == t);
	dt_format_rfc3339_utc(t, out);
	FUZZ_REQUIRE(dt_parse_rfc3339(out, "time", &again, &e) == SJ_OK && again == t);
}

static void
check_date(const char *s)
{
	char out[DT_DATE_LEN];
	sj_err e = {0};
	sj_date d = 0, again = 0;
	int y, m, day;

	if (dt_date_parse(s, "date", &d, &e) != SJ_OK) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL);
		return;
	}
	dt_date_to_ymd(d, &y, &m, &day);
	FUZZ_REQUIRE(dt_ymd_valid(y, m, day));
	dt_date_format(d, out);
	FUZZ_REQUIRE(dt_date_parse(out, "date", &again, &e) == SJ_OK && again == d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_instant(s);
	check_date(s);
	free(s);
	return 0;
}
