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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_member_name),
		cmocka_unit_test(test_unknown_member),
		cmocka_unit_test(test_tab_and_line_feed),
		cmocka_unit_test(test_required_and_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
