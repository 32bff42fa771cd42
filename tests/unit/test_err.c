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
		cmocka_unit_test(test_maps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
