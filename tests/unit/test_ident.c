/*
 * Unit tests for core/ident: identity numbers, phone numbers, masking.
 *
 * Check characters are worked out by hand below (GB 11643-1999 §5.4,
 * ISO 7064 MOD 11-2): S = Σ a_i·W_i with W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5
 * 8 4 2, check = "10X98765432"[S mod 11].
 *
 * 11010519491231002X (the GB 11643 example):
 *   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3
 *   + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2
 *   = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167;
 *   167 = 15·11 + 2; "10X98765432"[2] = 'X'.
 * 370983198801011237:
 *   3·7 + 7·9 + 0·10 + 9·5 + 8·8 + 3·4 + 1·2 + 9·1 + 8·6 + 8·3
 *   + 0·7 + 1·9 + 0·10 + 1·5 + 1·8 + 2·4 + 3·2
 *   = 21+63+0+45+64+12+2+9+48+24+0+9+0+5+8+8+6 = 324;
 *   324 = 29·11 + 5; "10X98765432"[5] = '7'.
 * 440301199912310024:
 *   4·7 + 4·9 + 0·10 + 3·5 + 0·8 + 1·4 + 1·2 + 9·1 + 9·6 + 9·3
 *   + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2
 *   = 28+36+0+15+0+4+2+9+54+27+7+18+30+5+0+0+4 = 239;
 *   239 = 21·11 + 8; "10X98765432"[8] = '4'.
 * 110105200002290013 (born on the leap day 2000-02-29):
 *   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 2·2 + 0·1 + 0·6 + 0·3
 *   + 0·7 + 2·9 + 2·10 + 9·5 + 0·8 + 0·4 + 1·2
 *   = 7+9+0+5+0+20+4+0+0+0+0+18+20+45+0+0+2 = 130;
 *   130 = 11·11 + 9; "10X98765432"[9] = '3'.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/ident.h"

/* ---- helpers ----------------------------------------------------------- */

static void
id_ok(const char *in, int today, const char *want)
{
	char out[IDENT_ID_SIZE];
	sj_err e = {0};

	if (ident_id_normalise(in, today, out, &e) != SJ_OK)
		fail_msg("\"%s\": %s", in, e.msg);
	assert_string_equal(out, want);
}

static void
id_bad(const char *in, int today, const char *msg)
{
	char out[IDENT_ID_SIZE] = "garbage";
	sj_err e = {0};

	assert_int_equal(ident_id_normalise(in, today, out, &e), SJ_EINVAL);
	assert_int_equal(e.rc, SJ_EINVAL);
	assert_string_equal(e.field, "id_number");
	assert_string_equal(e.msg, msg);
	assert_string_equal(out, "");
}

static void
phone_ok(const char *in, const char *want)
{
	char out[IDENT_PHONE_SIZE];
	sj_err e = {0};

	if (ident_phone_normalise(in, "phone", out, &e) != SJ_OK)
		fail_msg("\"%s\": %s", in, e.msg);
	assert_string_equal(out, want);
}

static void
phone_bad(const char *in, const char *msg)
{
	char out[IDENT_PHONE_SIZE] = "garbage";
	sj_err e = {0};

	assert_int_equal(ident_phone_normalise(in, "mobile", out, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "mobile");
	if (strcmp(e.msg, msg) != 0)
		fail_msg("\"%s\": got \"%s\", want \"%s\"", in, e.msg, msg);
	assert_string_equal(out, "");
}

/* ---- identity numbers -------------------------------------------------- */

static void
test_id_valid(void **state)
{
	(void)state;
	id_ok("11010519491231002X", 20240315, "11010519491231002X");
	id_ok("370983198801011237", 20240315, "370983198801011237");
	id_ok("440301199912310024", 0, "440301199912310024");
	id_ok("110105200002290013", 20240315, "110105200002290013");
}

static void
test_id_normalises_input(void **state)
{
	(void)state;
	/* lowercase x */
	id_ok("11010519491231002x", 0, "11010519491231002X");
	/* surrounding ASCII whitespace, NBSP and ideographic space U+3000 */
	id_ok(" \t11010519491231002X\n", 0, "11010519491231002X");
	id_ok("\u300011010519491231002X\u3000\u00a0", 0,
	    "11010519491231002X");
	/* full-width digits and full-width X / x */
	id_ok("１１０１０５１９４９１２３１００２Ｘ", 0, "11010519491231002X");
	id_ok("　１１０１０５１９４９１２３１００２ｘ　", 0,
	    "11010519491231002X");
	id_ok("１１０１０５19491231002x", 0, "11010519491231002X");
}

static void
test_id_wrong_check_character(void **state)
{
	(void)state;
	/* S = 167 above, expected X */
	id_bad("110105194912310025", 0, "check character is 5, expected X");
	/* S = 324 above, expected 7 */
	id_bad("370983198801011235", 0, "check character is 5, expected 7");
	id_bad("37098319880101123X", 0, "check character is X, expected 7");
	id_bad("37098319880101123x", 0, "check character is X, expected 7");
	/* S = 239 above, expected 4 */
	id_bad("440301199912310020", 0, "check character is 0, expected 4");
}

static void
test_id_length(void **state)
{
	(void)state;
	id_bad("11010519491231002", 0, "must be 18 characters, got 17");
	id_bad("11010519491231002X1", 0, "must be 18 characters, got 19");
	id_bad("110105 19491231002X", 0, "must be 18 characters, got 19");
	id_bad("11010549123100X", 0, "must be 18 characters, got 15");
	id_bad("110105491231002", 0, "is a 15-digit first-generation number; "
	    "enter the 18-character number from the current card");
	id_bad("１１０１０５４９１２３１００２", 0, "is a 15-digit "
	    "first-generation number; enter the 18-character number from the "
	    "current card");
	id_bad("", 0, "is empty");
	id_bad(" \u3000 ", 0, "is empty");
	id_bad(NULL, 0, "is empty");
	/* 17 code points of which one is a two-byte character */
	id_bad("1101051949123100é", 0, "must be 18 characters, got 17");
}

static void
test_id_characters(void **state)
{
	(void)state;
	id_bad("1101X519491231002X", 0, "character 5 is 'X'; the first 17 "
	    "characters must be digits");
	id_bad("1101051949123100AX", 0, "character 17 is 'A'; the first 17 "
	    "characters must be digits");
	id_bad("11010519491231002Y", 0,
	    "character 18 is 'Y'; it must be a digit or X");
	id_bad("11010519491231002汉", 0,
	    "character 18 is '汉'; it must be a digit or X");
	id_bad("1101\xff" "519491231002X", 0, "is not valid UTF-8");
}

static void
test_id_province(void **state)
{
	/* First two digits that are not province-level codes of GB/T 2260,
	 * including the neighbours of every valid range. */
	static const char *bad[] = { "00", "10", "16", "20", "24", "30", "38",
	    "40", "47", "49", "55", "60", "66", "70", "72", "80", "83", "90",
	    "99" };
	/* The ends of every valid range: these pass the region check and stop
	 * at the next check, the impossible birth date 1990-02-30. */
	static const char *good[] = { "11", "15", "21", "23", "31", "37", "41",
	    "46", "50", "54", "61", "65", "71", "81", "82" };
	char in[32], msg[128];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(in, sizeof in, "%s010519491231002X", bad[i]);
		snprintf(msg, sizeof msg, "region code %s0105 does not start "
		    "with a province-level code", bad[i]);
		id_bad(in, 0, msg);
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(in, sizeof in, "%s010519900230001X", good[i]);
		id_bad(in, 0, "birth date 19900230 is not a real date");
	}
}

static void
test_id_birth_date(void **state)
{
	(void)state;
	/* February 30th does not exist. */
	id_bad("11010519900230001X", 0, "birth date 19900230 is not a real date");
	/* 1900 is not a leap year (divisible by 100, not by 400). */
	id_bad("110105190002290013", 0, "birth date 19000229 is not a real date");
	id_bad("110105199013010013", 0, "birth date 19901301 is not a real date");
	id_bad("110105199000010013", 0, "birth date 19900001 is not a real date");
	id_bad("110105199001000013", 0, "birth date 19900100 is not a real date");
	id_bad("110105199004310013", 0, "birth date 19900431 is not a real date");
	id_bad("110105189912310013", 0,
	    "birth date 18991231 is before 1900-01-01");
	/* 2000 is a leap year (divisible by 400): S = 130 above. */
	id_ok("110105200002290013", 0, "110105200002290013");
	id_ok("110105200002290013", 20000229, "110105200002290013");
	id_bad("110105200002290013", 20000228,
	    "birth date 20000229 is after today (20000228)");
	id_bad("110105200002290013", 19991231,
	    "birth date 20000229 is after today (19991231)");
}

static void
test_id_birth_and_sex(void **state)
{
	(void)state;
	/* 17th character 2: even, female; born 1949-12-31. */
	assert_int_equal(ident_id_birth_date("11010519491231002X"), 19491231);
	assert_int_equal(ident_id_sex("11010519491231002X"), IDENT_SEX_FEMALE);
	/* 17th character 3: odd, male. */
	assert_int_equal(ident_id_birth_date("370983198801011237"), 19880101);
	assert_int_equal(ident_id_sex("370983198801011237"), IDENT_SEX_MALE);
	assert_int_equal(ident_id_sex("110105200002290013"), IDENT_SEX_MALE);
	assert_int_equal(ident_id_sex("440301199912310024"), IDENT_SEX_FEMALE);
	/* Not canonical. */
	assert_int_equal(ident_id_birth_date("1101051949"), 0);
	assert_int_equal(ident_id_birth_date("110105194A1231002X"), 0);
	assert_int_equal(ident_id_birth_date(NULL), 0);
	assert_int_equal(ident_id_sex("11010519491231002"), IDENT_SEX_UNKNOWN);
	assert_int_equal(ident_id_sex("1101051949123100XX"), IDENT_SEX_UNKNOWN);
	assert_int_equal(ident_id_sex(NULL), IDENT_SEX_UNKNOWN);
	/* GB/T 2261.1 codes */
	assert_int_equal(IDENT_SEX_MALE, 1);
	assert_int_equal(IDENT_SEX_FEMALE, 2);
}

static void
test_id_mask(void **state)
{
	char out[IDENT_ID_SIZE];
	sj_err e = {0};

	(void)state;
	assert_int_equal(ident_id_mask("370983198801011237", out, sizeof out,
	    &e), SJ_OK);
	assert_string_equal(out, "3709**********1237");
	assert_int_equal(ident_id_mask("11010519491231002X", out, sizeof out,
	    &e), SJ_OK);
	assert_string_equal(out, "1101**********002X");
	assert_int_equal(ident_id_mask("370983198801011237", out, 18, &e),
	    SJ_EINTERNAL);
	assert_string_equal(out, "");
	assert_int_equal(ident_id_mask("11010519491231002x", out, sizeof out,
	    &e), SJ_EINVAL);
	assert_string_equal(e.field, "id_number");
	assert_string_equal(e.msg, "is not a canonical identity number");
	assert_string_equal(out, "");
	assert_int_equal(ident_id_mask("3709831988", out, sizeof out, &e),
	    SJ_EINVAL);
	assert_int_equal(ident_id_mask(NULL, out, sizeof out, &e), SJ_EINVAL);
}

/* ---- phone numbers ----------------------------------------------------- */

static void
test_phone_mobile(void **state)
{
	(void)state;
	phone_ok("13912345678", "+8613912345678");
	phone_ok("19912345678", "+8619912345678");
	phone_ok("139 1234 5678", "+8613912345678");
	phone_ok("139-1234-5678", "+8613912345678");
	phone_ok("139.1234.5678", "+8613912345678");
	phone_ok("(139)12345678", "+8613912345678");
	phone_ok("１３９１２３４５６７８", "+8613912345678");
	phone_ok("１３９ －１２３４－５６７８", "+8613912345678");
	phone_ok("+86 139 1234 5678", "+8613912345678");
	phone_ok("+86-13912345678", "+8613912345678");
	phone_ok("＋８６１３９１２３４５６７８", "+8613912345678");
	phone_ok("008613912345678", "+8613912345678");
	phone_ok("0086 139 1234 5678", "+8613912345678");
	phone_ok("8613912345678", "+8613912345678");
	phone_ok("86 139-1234-5678", "+8613912345678");
}

static void
test_phone_landline(void **state)
{
	(void)state;
	/* 3-digit area code, 7- and 8-digit subscriber numbers */
	phone_ok("0538-8221234", "+865388221234");
	phone_ok("0538 82212345", "+8653882212345");
	phone_ok("(0538)8221234", "+865388221234");
	phone_ok("０５３８－８２２１２３４", "+865388221234");
	/* 2-digit area codes: 010 and 020-029 */
	phone_ok("010-12345678", "+861012345678");
	phone_ok("020 8765 4321", "+862087654321");
	phone_ok("021-1234567", "+86211234567");
	phone_ok("029-88888888", "+862988888888");
	/* groups written inside the subscriber number are not an extension:
	 * "010-6552" is not a complete number */
	phone_ok("010-6552-9988", "+861065529988");
	/* international forms, with and without the trunk 0 */
	phone_ok("+86 538 8221234", "+865388221234");
	phone_ok("+86 (0)538 8221234", "+865388221234");
	phone_ok("0086 10 12345678", "+861012345678");
	phone_ok("+86 10 1234 5678", "+861012345678");
}

static void
test_phone_extension(void **state)
{
	(void)state;
	phone_ok("0538-8221234转123", "+865388221234;ext=123");
	phone_ok("0538-8221234 转 123", "+865388221234;ext=123");
	phone_ok("0538-8221234 ext 123", "+865388221234;ext=123");
	phone_ok("0538-8221234 EXT.123", "+865388221234;ext=123");
	phone_ok("0538-8221234x123", "+865388221234;ext=123");
	phone_ok("0538-8221234 X 123", "+865388221234;ext=123");
	phone_ok("0538-8221234#123", "+865388221234;ext=123");
	phone_ok("0538-8221234＃123", "+865388221234;ext=123");
	phone_ok("0538-8221234-123", "+865388221234;ext=123");
	phone_ok("010-12345678-1234", "+861012345678;ext=1234");
	phone_ok("010-12345678转123456", "+861012345678;ext=123456");
	phone_ok("+86 10 12345678 ext 9", "+861012345678;ext=9");
	/* The stored form (RFC 3966 ";ext=") reads back as itself, so a
	 * normalised number can be normalised again. */
	phone_ok("+865388221234;ext=123", "+865388221234;ext=123");
	phone_ok("+861012345678;EXT=1234", "+861012345678;ext=1234");
	/* Both readings are numbers; the rule prefers the extension because
	 * "0538-8221234" before the last hyphen is complete (header). */
	phone_ok("0538-8221234-5", "+865388221234;ext=5");
	/* No hyphen: eight-digit subscriber number, no extension. */
	phone_ok("0538-82212345", "+8653882212345");
}

static void
test_phone_bad(void **state)
{
	char long_in[64];

	(void)state;
	phone_bad("", "is empty");
	phone_bad(" - ( ) ", "is empty");
	phone_bad(NULL, "is empty");
	phone_bad("abc", "contains 'a', which is not part of a phone number");
	phone_bad("电话13912345678",
	    "contains '电', which is not part of a phone number");
	phone_bad("139\xff" "12345678", "is not valid UTF-8");
	phone_bad("1391234567", "mobile number must be 11 digits, got 10");
	phone_bad("139123456789", "mobile number must be 11 digits, got 12");
	phone_bad("12912345678", "mobile number must start with 13 to 19");
	phone_bad("11912345678", "mobile number must start with 13 to 19");
	phone_bad("013912345678", "area code 013 does not exist");
	phone_bad("011-12345678", "area code 011 does not exist");
	phone_bad("8221234", "must start with 13 to 19 (mobile), 0 (landline "
	    "with area code) or +86");
	phone_bad("865388221234", "must start with 13 to 19 (mobile), 0 "
	    "(landline with area code) or +86");
	phone_bad("1012345678", "must start with 13 to 19 (mobile), 0 "
	    "(landline with area code) or +86");
	phone_bad("005388221234", "area code must not start with 00");
	phone_bad("0538-822123", "subscriber number after area code 0538 must "
	    "be 7 or 8 digits, got 6");
	phone_bad("0538-822123456", "subscriber number after area code 0538 "
	    "must be 7 or 8 digits, got 9");
	phone_bad("010-123456789", "subscriber number after area code 010 must "
	    "be 7 or 8 digits, got 9");
	phone_bad("05", "subscriber number after area code 05 must be 7 or 8 "
	    "digits, got 0");
	phone_bad("+86", "has no digits after the prefix");
	phone_bad("+1 202 555 0100",
	    "only mainland China numbers (+86) are accepted");
	phone_bad("+852 2123 4567",
	    "only mainland China numbers (+86) are accepted");
	phone_bad("139+12345678", "'+' may only start the number");
	phone_bad("0538-8221234转", "extension must be 1 to 6 digits");
	phone_bad("0538-8221234转1234567", "extension must be 1 to 6 digits");
	phone_bad("0538-8221234转12+3", "extension must be 1 to 6 digits");
	phone_bad("0538-8221234转1转2", "has more than one extension");
	/* A lone ';' or ";ext" without '=' is not the stored form. */
	phone_bad("0538-8221234;123", "contains ';', which is not part of a "
	    "phone number");
	phone_bad("+865388221234;ext=1;ext=2", "has more than one extension");
	phone_bad("13912345678转12", "a mobile number has no extension");
	phone_bad("13912345678 x 12", "a mobile number has no extension");
	/* a trailing group after a mobile is not an extension */
	phone_bad("13912345678-12", "mobile number must be 11 digits, got 13");
	memset(long_in, '1', 41);
	long_in[41] = '\0';
	phone_bad(long_in, "is too long");
}

static void
test_phone_is_mobile(void **state)
{
	(void)state;
	assert_true(ident_phone_is_mobile("+8613912345678"));
	assert_true(ident_phone_is_mobile("+8619912345678"));
	assert_false(ident_phone_is_mobile("+865388221234"));
	assert_false(ident_phone_is_mobile("+861012345678;ext=12"));
	assert_false(ident_phone_is_mobile("13912345678"));
	assert_false(ident_phone_is_mobile("+86 13912345678"));
	assert_false(ident_phone_is_mobile("+8613912345678;ext=1"));
	assert_false(ident_phone_is_mobile("+8612912345678"));
	assert_false(ident_phone_is_mobile("+86139123456789"));
	assert_false(ident_phone_is_mobile(""));
	assert_false(ident_phone_is_mobile(NULL));
}

static void
display_ok(bool masked, const char *phone, const char *want)
{
	char out[IDENT_PHONE_SIZE];
	sj_err e = {0};
	sj_rc rc;

	rc = masked ? ident_phone_mask(phone, "phone", out, sizeof out, &e)
	    : ident_phone_national(phone, "phone", out, sizeof out, &e);
	if (rc != SJ_OK)
		fail_msg("\"%s\": %s", phone, e.msg);
	assert_string_equal(out, want);
}

static void
test_phone_national(void **state)
{
	static const char *canon[] = { "+8613912345678", "+865388221234",
	    "+8653882212345", "+861012345678;ext=123", "+86211234567" };
	char national[IDENT_PHONE_SIZE], again[IDENT_PHONE_SIZE];
	sj_err e = {0};

	(void)state;
	display_ok(false, "+8613912345678", "13912345678");
	display_ok(false, "+865388221234", "0538-8221234");
	display_ok(false, "+8653882212345", "0538-82212345");
	display_ok(false, "+861012345678;ext=123", "010-12345678转123");
	display_ok(false, "+86211234567", "021-1234567");
	/* The national form reads back to the same canonical number. */
	for (size_t i = 0; i < sizeof canon / sizeof canon[0]; i++) {
		assert_int_equal(ident_phone_national(canon[i], "phone",
		    national, sizeof national, &e), SJ_OK);
		assert_int_equal(ident_phone_normalise(national, "phone",
		    again, &e), SJ_OK);
		assert_string_equal(again, canon[i]);
	}
}

static void
test_phone_mask(void **state)
{
	(void)state;
	display_ok(true, "+8613912345678", "139****5678");
	display_ok(true, "+865388221234", "0538-***1234");
	display_ok(true, "+8653882212345", "0538-****2345");
	display_ok(true, "+861012345678", "010-****5678");
	display_ok(true, "+861012345678;ext=123", "010-****5678");
	display_ok(true, "+86211234567", "021-***4567");
}

static void
test_phone_display_bad(void **state)
{
	static const char *bad[] = { "13912345678", "+86 13912345678",
	    "+8613912345678;ext=1", "+865388221234;ext=", "+865388221234;ext=1-2",
	    "+865388221234;ext=1234567", "+8605388221234", "+86", "",
	    "+8612912345678", "+1202555010" };
	char out[IDENT_PHONE_SIZE];
	sj_err e = {0};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sj_err_clear(&e);
		assert_int_equal(ident_phone_mask(bad[i], "mobile", out,
		    sizeof out, &e), SJ_EINVAL);
		assert_string_equal(e.field, "mobile");
		assert_string_equal(e.msg, "is not a canonical phone number");
		assert_string_equal(out, "");
		assert_int_equal(ident_phone_national(bad[i], "mobile", out,
		    sizeof out, &e), SJ_EINVAL);
	}
	assert_int_equal(ident_phone_mask(NULL, "phone", out, sizeof out, &e),
	    SJ_EINVAL);
	/* "13912345678" needs 12 bytes */
	assert_int_equal(ident_phone_national("+8613912345678", "phone", out,
	    11, &e), SJ_EINTERNAL);
	assert_string_equal(out, "");
	assert_int_equal(ident_phone_national("+8613912345678", "phone", out,
	    12, &e), SJ_OK);
	assert_string_equal(out, "13912345678");
	/* "0538-***1234" needs 13 bytes */
	assert_int_equal(ident_phone_mask("+865388221234", "phone", out, 12,
	    &e), SJ_EINTERNAL);
	assert_int_equal(ident_phone_mask("+865388221234", "phone", out, 13,
	    &e), SJ_OK);
}

/* ---- names ------------------------------------------------------------- */

static void
name_ok(const char *name, const char *want)
{
	char out[64];
	sj_err e = {0};

	if (ident_name_mask(name, out, sizeof out, &e) != SJ_OK)
		fail_msg("\"%s\": %s", name, e.msg);
	assert_string_equal(out, want);
	/* strlen(name) + 1 is always enough (header). */
	assert_int_equal(ident_name_mask(name, out, strlen(name) + 1, &e),
	    SJ_OK);
	assert_string_equal(out, want);
}

static void
test_name_mask(void **state)
{
	char out[8];
	sj_err e = {0};

	(void)state;
	name_ok("张三", "张*");
	name_ok("欧阳娜娜", "欧***");
	name_ok("张", "*");
	name_ok("A", "*");
	name_ok("Li Lei", "L*****");
	name_ok("Zoë", "Z**");                    /* ë is one code point */
	name_ok("\xF0\x9F\x98\x80" "ab", "\xF0\x9F\x98\x80**"); /* U+1F600 */
	name_ok("阿依古丽·买买提", "阿*******");  /* 8 code points */
	/* "张三" masks to 3 + 1 + 1 bytes */
	assert_int_equal(ident_name_mask("张三", out, 4, &e), SJ_EINTERNAL);
	assert_string_equal(out, "");
	assert_int_equal(ident_name_mask("张三", out, 5, &e), SJ_OK);
	assert_string_equal(out, "张*");
	assert_int_equal(ident_name_mask("张", out, 1, &e), SJ_EINTERNAL);
	sj_err_clear(&e);
	assert_int_equal(ident_name_mask("", out, sizeof out, &e), SJ_EINVAL);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.msg, "is empty");
	assert_int_equal(ident_name_mask("张\xe4\xb8", out, sizeof out, &e),
	    SJ_EINVAL);
	assert_string_equal(e.msg, "is not valid UTF-8");
	assert_string_equal(out, "");
	/* an encoded surrogate is not valid UTF-8 */
	assert_int_equal(ident_name_mask("a\xed\xa0\x80", out, sizeof out, &e),
	    SJ_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_id_normalises_input),
		cmocka_unit_test(test_id_wrong_check_character),
		cmocka_unit_test(test_id_length),
		cmocka_unit_test(test_id_characters),
		cmocka_unit_test(test_id_province),
		cmocka_unit_test(test_id_birth_date),
		cmocka_unit_test(test_id_birth_and_sex),
		cmocka_unit_test(test_id_mask),
		cmocka_unit_test(test_phone_mobile),
		cmocka_unit_test(test_phone_landline),
		cmocka_unit_test(test_phone_extension),
		cmocka_unit_test(test_phone_bad),
		cmocka_unit_test(test_phone_is_mobile),
		cmocka_unit_test(test_phone_national),
		cmocka_unit_test(test_phone_mask),
		cmocka_unit_test(test_phone_display_bad),
		cmocka_unit_test(test_name_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
