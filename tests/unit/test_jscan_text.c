/* Unit tests for json/jscan_text: the scan answer written as text must be
 * byte for byte what jansson writes for jscan_result (the oracle: an
 * independent JSON library's escaping and UTF-8 check), for ordinary
 * answers, every optional part absent or present, and hostile names —
 * each ASCII control character and every other byte below 0x80 one by
 * one, quotes and backslashes, DEL, U+2028, four-byte characters, a name
 * of the largest size all escaped — and both must refuse the same
 * ill-formed UTF-8 (overlong, surrogate, above U+10FFFF, truncated, a
 * stray continuation byte). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "json/jscan.h"

#define T0 INT64_C(1709310600)  /* 2024-03-01T16:30:00Z */

static scan_result
answer(void)
{
	scan_result r;

	memset(&r, 0, sizeof r);
	r.id = 1234567;
	r.checkpoint_id = 7;
	r.place_id = 3;
	r.person_id = 42;
	r.direction = SCAN_IN;
	r.at = T0;
	r.temperature = 365;
	r.decision = SCAN_PASS;
	r.source = SCAN_SRC_ATTENDANT;
	snprintf(r.person_name, sizeof r.person_name, "%s", "王*明");
	snprintf(r.id_number_mask, sizeof r.id_number_mask, "%s", "370911********001X");
	return r;
}

/* The text equals jansson's dump of jscan_result, or both refuse. */
static void
same_as_jansson(const scan_result *r)
{
	char text[4096];
	size_t n = jscan_result_text(r, text, sizeof text);
	json_t *j = jscan_result(r);
	char *want = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	if (want == NULL) {
		assert_int_equal(n, 0);
	} else {
		assert_true(n > 0);
		assert_int_equal(n, strlen(want));
		assert_memory_equal(text, want, n);
	}
	free(want);
	json_decref(j);
}

static void
test_ordinary_answers(void **state)
{
	scan_result r = answer();

	(void)state;
	same_as_jansson(&r);
	r.stay_action = STAY_OPENED;
	r.stay_id = 1234567;
	r.stay_entry_at = T0;
	r.stay_exit_at = T0 + 7200;
	same_as_jansson(&r);
	r.stay_exit_recorded = true;
	r.direction = SCAN_OUT;
	r.stay_action = STAY_CLOSED;
	r.temperature = 0;
	r.replayed = true;
	same_as_jansson(&r);
	r.reasons = (1u << SCAN_R_COUNT) - 1;  /* every reason */
	r.decision = SCAN_DENY;
	r.alert_id = 9;
	same_as_jansson(&r);
	r.person_id = 0;                      /* an unknown identity number */
	r.person_name[0] = '\0';
	r.stay_action = STAY_NONE;
	same_as_jansson(&r);
	r.id_number_mask[0] = '\0';
	r.source = SCAN_SRC_SELF_CHECKIN;
	same_as_jansson(&r);
}

static void
test_every_ascii_byte(void **state)
{
	scan_result r = answer();

	(void)state;
	for (int c = 1; c < 0x80; c++) {
		snprintf(r.person_name, sizeof r.person_name, "a%cb%c", c, c);
		same_as_jansson(&r);
		snprintf(r.id_number_mask, sizeof r.id_number_mask, "%c", c);
		same_as_jansson(&r);
	}
}

static void
test_hostile_names(void **state)
{
	static const char *const names[] = {
		"\"},\"decision\":\"pass\",\"x\":{\"", "\\\"\\\\", "</script>",
		"\xe2\x80\xa8\xe2\x80\xa9", "\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
		"\xef\xbb\xbf\xef\xbf\xbe", "\x7f\x1b[31m",
		/* ill-formed: both refuse */
		"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x80\x80\xaf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe4\xb8", "a\x80", "\xff",
	};
	scan_result r = answer();

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(r.person_name, sizeof r.person_name, "%s", names[i]);
		same_as_jansson(&r);
	}
	/* The largest name, every byte escaped as \u00XX: still fits. */
	memset(r.person_name, 0x01, sizeof r.person_name - 1);
	r.person_name[sizeof r.person_name - 1] = '\0';
	same_as_jansson(&r);
}

static void
test_too_small_is_refused(void **state)
{
	scan_result r = answer();
	char text[64];

	(void)state;
	assert_int_equal(jscan_result_text(&r, text, sizeof text), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordinary_answers),
		cmocka_unit_test(test_every_ascii_byte),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_too_small_is_refused),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
