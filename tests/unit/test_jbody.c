/*
 * test_jbody — jb_read() (http/jbody.h), the JSON body decoder, including
 * the inputs fuzz/fuzz_json_body.c found.  Expected values come from the
 * header's contract and core/text.h's flags, not from running the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/datetime.h"
#include "http/jbody.h"

typedef struct body {
	const char *name;
	const char *note;
	int64_t unit_id;
} body;

static const jb_field body_fields[] = {
	{ "name", JB_STRING, true, offsetof(body, name), 0, 0 },
	{ "note", JB_TEXT, false, offsetof(body, note), 0, 0 },
	{ "unit_id", JB_ID, true, offsetof(body, unit_id), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* Decode text with body_fields; *e gets the failure. */
static sj_rc
decode(const char *text, body *b, sj_err *e)
{
	json_t *j = json_loads(text, 0, NULL);
	arena a;
	sj_rc rc;

	assert_non_null(j);
	arena_init(&a);
	memset(b, 0, sizeof *b);
	rc = jb_read(j, body_fields, b, &a, e);
	/* Strings live in the arena: the checks below use only rc and e. */
	arena_free(&a);
	json_decref(j);
	return rc;
}

/* Found by fuzz_json_body: a member named "" was refused with an empty
 * field, so the problem document named no field.  It names the body. */
static void
test_empty_member_name(void **state)
{
	sj_err e = {0};
	body b;

	(void)state;
	assert_int_equal(decode("{\"name\":\"x\",\"\":1,\"unit_id\":1}", &b, &e), SJ_EINVAL);
	assert_string_equal(e.field, "body");
	assert_non_null(strstr(e.msg, "unknown field"));
}

/* An unknown member is named as the field. */
static void
test_unknown_member(void **state)
{
	sj_err e = {0};
	body b;

	(void)state;
	assert_int_equal(decode("{\"name\":\"x\",\"unit_id\":1,\"qty\":2}", &b, &e), SJ_EINVAL);
	assert_string_equal(e.field, "qty");
}

/* Also from the fuzzer: a tab in a one-line string is accepted
 * (TEXT_SINGLE_LINE keeps tab, core/text.h); a line feed is not, but is
 * in a JB_TEXT field. */
static void
test_tab_and_line_feed(void **state)
{
	sj_err e = {0};
	body b;

	(void)state;
	assert_int_equal(decode("{\"name\":\"a\\tb\",\"unit_id\":1}", &b, &e), SJ_OK);
	assert_int_equal(decode("{\"name\":\"a\\nb\",\"unit_id\":1}", &b, &e), SJ_EINVAL);
	assert_string_equal(e.field, "name");
	memset(&e, 0, sizeof e);
	assert_int_equal(decode("{\"name\":\"a\",\"note\":\"x\\ny\",\"unit_id\":1}", &b, &e), SJ_OK);
	assert_int_equal(decode("{\"name\":\"a\\u0001\",\"unit_id\":1}", &b, &e), SJ_EINVAL);
}

/* Required members, and ids below 1. */
static void
test_required_and_ids(void **state)
{
	sj_err e = {0};
	body b;

	(void)state;
	assert_int_equal(decode("{\"name\":\"x\"}", &b, &e), SJ_EINVAL);
	assert_string_equal(e.field, "unit_id");
	memset(&e, 0, sizeof e);
	assert_int_equal(decode("{\"name\":\"x\",\"unit_id\":0}", &b, &e), SJ_EINVAL);
	assert_string_equal(e.field, "unit_id");
	memset(&e, 0, sizeof e);
	assert_int_equal(decode("{\"name\":\"x\",\"unit_id\":7}", &b, &e), SJ_OK);
	assert_int_equal(b.unit_id, 7);
}

typedef struct when {
	int64_t at;
	sj_date on;
} when;

static const jb_field when_fields[] = {
	{ "at", JB_INSTANT, false, offsetof(when, at), 0, 0 },
	{ "on", JB_DATE, false, offsetof(when, on), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
decode_when(const char *text, when *w, sj_err *e)
{
	json_t *j = json_loads(text, 0, NULL);
	arena a;
	sj_rc rc;

	assert_non_null(j);
	arena_init(&a);
	memset(w, 0, sizeof *w);
	memset(e, 0, sizeof *e);
	rc = jb_read(j, when_fields, w, &a, e);
	arena_free(&a);
	json_decref(j);
	return rc;
}

/* The epoch is instant 0, which callers read as "absent: now": a scan sent
 * with time 1970-01-01T00:00:00Z (a device whose clock was never set) was
 * recorded now instead of refused.  The epoch and earlier are refused; a
 * second later is read (1 s).  Dates are not concerned (their "absent" is
 * a *_DATE_NONE, and dates before 1970 round-trip): 1970-01-01 is day 0,
 * 1969-12-31 day -1. */
static void
test_epoch_refused(void **state)
{
	sj_err e;
	when w;

	(void)state;
	assert_int_equal(decode_when("{\"at\":\"1970-01-01T00:00:00Z\"}", &w, &e), SJ_EINVAL);
	assert_string_equal(e.field, "at");
	assert_int_equal(decode_when("{\"at\":\"1970-01-01T08:00:00+08:00\"}", &w, &e), SJ_EINVAL);
	assert_string_equal(e.field, "at");
	assert_int_equal(decode_when("{\"at\":\"1969-12-31T23:59:59Z\"}", &w, &e), SJ_EINVAL);
	assert_string_equal(e.field, "at");
	assert_int_equal(decode_when("{\"at\":\"1970-01-01T00:00:01Z\"}", &w, &e), SJ_OK);
	assert_int_equal(w.at, 1);
	assert_int_equal(decode_when("{\"on\":\"1970-01-01\"}", &w, &e), SJ_OK);
	assert_int_equal(w.on, 0);
	assert_int_equal(decode_when("{\"on\":\"1969-12-31\"}", &w, &e), SJ_OK);
	assert_int_equal(w.on, -1);
	assert_int_equal(decode_when("{\"at\":\"2020-03-18T14:30:00+08:00\"}", &w, &e), SJ_OK);
	assert_int_equal(w.at, 1584513000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_member_name),
		cmocka_unit_test(test_unknown_member),
		cmocka_unit_test(test_tab_and_line_feed),
		cmocka_unit_test(test_required_and_ids),
		cmocka_unit_test(test_epoch_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
