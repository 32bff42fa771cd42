/* Unit tests for domain/screening: temperature input in every spelling the
 * issue names (37.5, 37,5, 37．5, 36.8°C, 98.6°F, 98.6 F), the rounding
 * rule (half up to 0.1 °C), the plausibility range 34.0-43.0 °C with its
 * boundaries, Fahrenheit only with its unit, errors naming the field; and
 * the decision rules (fever threshold with the boundary included,
 * outsiders, special groups).
 *
 * Expected values are worked out by hand: a Fahrenheit reading F is
 * (F − 32) × 5/9 °C, e.g. 98.6 °F = 66.6 × 5/9 = 37.0 °C exactly;
 * 98.7 °F = 66.7 × 5/9 = 37.0555… °C, which rounds to 37.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "domain/screening.h"
#include "http/assets.h"

static int
parse(const char *text)
{
	sj_err e = {0};
	int t = -1;

	if (screening_temp_parse(text, &t, &e) != SJ_OK)
		return -1;
	return t;
}

static void
refused(const char *text, const char *part)
{
	sj_err e = {0};
	int t = 12345;

	assert_int_equal(screening_temp_parse(text, &t, &e), SJ_EINVAL);
	assert_string_equal(e.field, "temperature");
	assert_int_equal(t, 12345);  /* untouched on failure */
	if (part && strstr(e.msg, part) == NULL)
		fail_msg("message for '%s' is '%s', wanted '%s' in it", text, e.msg, part);
}

static void
test_celsius_spellings(void **state)
{
	(void)state;
	assert_int_equal(parse("37.5"), 375);
	assert_int_equal(parse("37,5"), 375);                            /* decimal comma */
	assert_int_equal(parse("37\xEF\xBC\x8E" "5"), 375);               /* 37．5 (U+FF0E) */
	assert_int_equal(parse("37\xEF\xBC\x8C" "5"), 375);               /* 37，5 (U+FF0C) */
	assert_int_equal(parse("\xEF\xBC\x93\xEF\xBC\x97.5"), 375);       /* ３７.5 */
	assert_int_equal(parse("36.8\xC2\xB0" "C"), 368);                  /* 36.8°C */
	assert_int_equal(parse("36.8 \xE2\x84\x83"), 368);                /* 36.8 ℃ */
	assert_int_equal(parse("36.8\xE5\xBA\xA6"), 368);                 /* 36.8度 */
	assert_int_equal(parse("36.8c"), 368);
	assert_int_equal(parse("37"), 370);
	assert_int_equal(parse("  37.5\t"), 375);
	assert_int_equal(parse("\xE3\x80\x80" "37.5"), 375);              /* ideographic space */
}

static void
test_fahrenheit(void **state)
{
	(void)state;
	assert_int_equal(parse("98.6\xC2\xB0" "F"), 370);  /* 66.6 × 5/9 = 37.0 */
	assert_int_equal(parse("98.6 F"), 370);
	assert_int_equal(parse("98.6f"), 370);
	assert_int_equal(parse("98.6\xE2\x84\x89"), 370);  /* ℉ */
	assert_int_equal(parse("100.4F"), 380);            /* 68.4 × 5/9 = 38.0 */
	assert_int_equal(parse("99.5F"), 375);             /* 67.5 × 5/9 = 37.5 */
	assert_int_equal(parse("97.7F"), 365);             /* 65.7 × 5/9 = 36.5 */
	assert_int_equal(parse("98.7F"), 371);             /* 37.0555… rounds up */
	assert_int_equal(parse("98.5F"), 369);             /* 66.5 × 5/9 = 36.944… → 36.9 */
	/* Without its unit a Fahrenheit reading is an implausible Celsius one,
	 * and the message says how to write it. */
	refused("98.6", "98.6\xC2\xB0" "F");
}

static void
test_rounding_half_up(void **state)
{
	(void)state;
	assert_int_equal(parse("36.75"), 368);    /* half: up */
	assert_int_equal(parse("36.749"), 367);   /* below half: down */
	assert_int_equal(parse("36.65"), 367);    /* half up, not to even (which gives 36.6) */
	assert_int_equal(parse("36.85"), 369);
	assert_int_equal(parse("36.84999"), 368);
}

static void
test_range(void **state)
{
	(void)state;
	assert_int_equal(parse("34.0"), 340);     /* both ends are plausible */
	assert_int_equal(parse("43.0"), 430);
	assert_int_equal(parse("33.95"), 340);    /* rounded first, then checked */
	assert_int_equal(parse("43.04"), 430);
	refused("33.9", "33.9 \xC2\xB0" "C is below the plausible range");
	refused("43.05", "43.1 \xC2\xB0" "C is above the plausible range");
	refused("43.1", "above");
	refused("0", "below");
	assert_int_equal(parse("93.2F"), 340);     /* 34.0 °C is 93.2 °F: 61.2 × 5/9 = 34.0 */
	refused("93.0F", "33.9 \xC2\xB0" "C is below");  /* 61.0 × 5/9 = 33.888… → 33.9 */
	refused("10F", "below");                   /* below freezing */
	refused("999999", NULL);
}

static void
test_malformed(void **state)
{
	(void)state;
	refused("", "is empty");
	refused("   ", "is empty");
	refused(NULL, "is empty");
	refused("abc", "is not a temperature");
	refused("37.5.1", "more than one decimal separator");
	refused("37.", "is not a temperature");
	refused(".5", "is not a temperature");
	refused("-37", "is not a temperature");
	refused("37.5K", "unknown unit");
	refused("37.5\xC2\xB0" "K", "unknown unit");
	refused("37.5 \xC2\xB0" "C x", "is not a temperature");
	refused("3 7.5", "is not a temperature");
	refused("37.5\xC2\xB0" "C\xC2\xB0" "C", "is not a temperature");
}

static void
test_format(void **state)
{
	char out[8];

	(void)state;
	screening_temp_format(368, out);
	assert_string_equal(out, "36.8");
	screening_temp_format(370, out);
	assert_string_equal(out, "37.0");
	screening_temp_format(430, out);
	assert_string_equal(out, "43.0");
}

static void
decide(const screening_facts *f, scan_decision want, unsigned want_reasons)
{
	scan_decision d;
	unsigned r;

	screening_decide(f, SCREEN_FEVER_DEFAULT, &d, &r);
	assert_int_equal(d, want);
	assert_int_equal(r, want_reasons);
}

static void
test_fever_threshold(void **state)
{
	screening_facts f = { .person_known = true, .tags = TAG_RESIDENT };

	(void)state;
	f.temperature = 372;
	decide(&f, SCAN_PASS, 0);
	f.temperature = 373;  /* the boundary raises the alert (DESIGN.md §4) */
	decide(&f, SCAN_ALERT, SCAN_R_FEVER);
	f.temperature = 374;
	decide(&f, SCAN_ALERT, SCAN_R_FEVER);
	f.exit = true;        /* a fever is a fever either way */
	decide(&f, SCAN_ALERT, SCAN_R_FEVER);
	f.temperature = 0;    /* not taken */
	decide(&f, SCAN_PASS, 0);
}

static void
test_outsiders(void **state)
{
	screening_facts f = { .person_known = false };

	(void)state;
	decide(&f, SCAN_DENY, SCAN_R_OUTSIDER_UNREGISTERED);  /* unknown identity number */
	f.exit = true;
	decide(&f, SCAN_PASS, 0);                             /* never stopped leaving */
	f = (screening_facts){ .person_known = true, .outsider = true, .tags = TAG_OUTSIDER };
	decide(&f, SCAN_DENY, SCAN_R_OUTSIDER_UNREGISTERED);
	f.registered = true;
	decide(&f, SCAN_PASS, 0);
	f.temperature = 380;
	decide(&f, SCAN_ALERT, SCAN_R_FEVER);
	f.registered = false;
	decide(&f, SCAN_DENY, SCAN_R_FEVER | SCAN_R_OUTSIDER_UNREGISTERED);
}

static void
test_special_groups(void **state)
{
	screening_facts f = { .person_known = true, .tags = TAG_RESIDENT | TAG_HOME_QUARANTINE };

	(void)state;
	f.exit = true;
	decide(&f, SCAN_DENY, SCAN_R_HOME_QUARANTINE_EXIT);
	f.exit = false;
	decide(&f, SCAN_ALERT, SCAN_R_HOME_QUARANTINE_ENTRY);
	f.exit = true;
	f.temperature = 390;
	decide(&f, SCAN_DENY, SCAN_R_HOME_QUARANTINE_EXIT | SCAN_R_FEVER);
	f = (screening_facts){ .person_known = true,
	    .tags = TAG_RESIDENT | TAG_LIVING_ALONE | TAG_ELDERLY | TAG_DISABLED };
	decide(&f, SCAN_PASS, 0);  /* no rule on scan */
	f.exit = true;
	decide(&f, SCAN_PASS, 0);
	f = (screening_facts){ .person_known = true, .tags = TAG_KEY_GROUP };
	decide(&f, SCAN_ALERT, SCAN_R_KEY_GROUP);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(screening_reason_name(SCAN_R_FEVER), "fever");
	assert_string_equal(screening_reason_name(SCAN_R_OUTSIDER_UNREGISTERED),
	    "outsider_unregistered");
	assert_string_equal(screening_reason_name(SCAN_R_HOME_QUARANTINE_EXIT),
	    "home_quarantine_exit");
	assert_null(screening_reason_name(3));
	assert_int_equal(screening_reason_parse("key_group"), SCAN_R_KEY_GROUP);
	assert_int_equal(screening_reason_parse("nope"), 0);
	assert_string_equal(screening_decision_name(SCAN_DENY), "deny");
	assert_int_equal(screening_tag_bit("home_quarantine"), TAG_HOME_QUARANTINE);
	assert_int_equal(screening_tag_bit("key_group"), TAG_KEY_GROUP);
	assert_int_equal(screening_tag_bit("x"), 0);
}

/* The labels people read in the exports are the web UI's zh-CN words for
 * the same codes: each decision.<code> and reason.<code> of
 * web/i18n/zh-CN.json (the copy built into the binary), so the ledger and
 * the station's screen say the same thing; and the three decisions read
 * 通行 / 注意 / 禁止通行 (let through / let through, alerted / stopped:
 * scan_decision's meanings). */
static void
test_labels(void **state)
{
	const struct asset *zh = asset_find("web/i18n/zh-CN.json");
	json_t *words;
	json_error_t jerr;
	char key[64];
	(void)state;
	assert_non_null(zh);
	words = json_loadb(zh->bytes, zh->size, 0, &jerr);
	assert_non_null(words);
	for (scan_decision d = SCAN_PASS; d <= SCAN_DENY; d++) {
		snprintf(key, sizeof key, "decision.%s", screening_decision_name(d));
		assert_non_null(json_object_get(words, key));
		assert_string_equal(screening_decision_label(d), json_string_value(json_object_get(words, key)));
	}
	for (int i = 0; i < SCAN_R_COUNT; i++) {
		snprintf(key, sizeof key, "reason.%s", screening_reason_name(1u << i));
		assert_non_null(json_object_get(words, key));
		assert_string_equal(screening_reason_label(1u << i),
		    json_string_value(json_object_get(words, key)));
	}
	assert_string_equal(screening_decision_label(SCAN_PASS), "通行");
	assert_string_equal(screening_decision_label(SCAN_ALERT), "注意");
	assert_string_equal(screening_decision_label(SCAN_DENY), "禁止通行");
	assert_null(screening_reason_label(3));
	json_decref(words);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_celsius_spellings),
		cmocka_unit_test(test_fahrenheit),
		cmocka_unit_test(test_rounding_half_up),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_fever_threshold),
		cmocka_unit_test(test_outsiders),
		cmocka_unit_test(test_special_groups),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
