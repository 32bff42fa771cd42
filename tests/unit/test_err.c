/* Unit tests for core/err: the maps every layer relies on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/err.h"

static void
test_fail_records_field_and_message(void **state)
{
	sj_err e = {0};

	(void)state;
	assert_int_equal(sj_fail(&e, SJ_EINVAL, "temp", "%d is too hot", 451), SJ_EINVAL);
	assert_int_equal(e.rc, SJ_EINVAL);
	assert_string_equal(e.field, "temp");
	assert_string_equal(e.msg, "451 is too hot");
	sj_err_clear(&e);
	assert_int_equal(e.rc, SJ_OK);
	assert_string_equal(e.field, "");
	assert_int_equal(sj_fail(NULL, SJ_EDB, NULL, "x"), SJ_EDB);
}

static void
test_prefix_keeps_code_and_field(void **state)
{
	sj_err e = {0};

	(void)state;
	sj_fail(&e, SJ_ENOTFOUND, "unit", "no unit named 'x'");
	assert_int_equal(sj_err_prefix(&e, "demo part '%s': ", "org"), SJ_ENOTFOUND);
	assert_string_equal(e.msg, "demo part 'org': no unit named 'x'");
	assert_string_equal(e.field, "unit");
}

/* A message longer than the buffer is cut on a UTF-8 character boundary:
 * "长" is 3 bytes (E9 95 BF); 255 usable bytes hold 85 whole characters,
 * so the message must be exactly 255 bytes of 85 characters. */
static void
test_long_message_cut_on_character(void **state)
{
	char big[400] = "";
	sj_err e = {0};

	(void)state;
	for (int i = 0; i < 100; i++)
		strcat(big, "长");
	sj_fail(&e, SJ_ECONFLICT, "name", "%s", big);
	assert_int_equal(strlen(e.msg), 255);
	/* 256-byte buffer: vsnprintf keeps 255 bytes = 85 characters exactly,
	 * so nothing is dropped; one more ASCII byte in front shifts the cut. */
	sj_fail(&e, SJ_ECONFLICT, "name", "x%s", big);
	assert_int_equal(strlen(e.msg), 1 + 84 * 3);
	assert_int_equal((unsigned char)e.msg[strlen(e.msg) - 1], 0xBF);
}

static void
test_maps(void **state)
{
	(void)state;
	/* RFC 9110: 404 for a missing record, 409 conflict, 422 unprocessable. */
	assert_int_equal(sj_rc_http_status(SJ_ENOTFOUND), 404);
	assert_int_equal(sj_rc_http_status(SJ_ECONFLICT), 409);
	assert_int_equal(sj_rc_http_status(SJ_EINVAL), 422);
	assert_int_equal(sj_rc_http_status(SJ_EUNAVAIL), 503);
	assert_int_equal(sj_rc_exit_code(SJ_OK), 0);
	assert_int_equal(sj_rc_exit_code(SJ_EINVAL), 2);
	assert_int_equal(sj_rc_exit_code(SJ_ENOTFOUND), 3);
	assert_int_equal(sj_rc_exit_code(SJ_ESCHEMA), 6);
	assert_string_equal(sj_rc_code(SJ_EINVAL), "invalid-input");
	assert_string_equal(sj_rc_code((sj_rc)999), "internal");
	for (int rc = 0; rc < SJ__NCODES; rc++)
		assert_non_null(sj_rc_title((sj_rc)rc));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_records_field_and_message),
		cmocka_unit_test(test_prefix_keeps_code_and_field),
		cmocka_unit_test(test_long_message_cut_on_character),
		cmocka_unit_test(test_maps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
