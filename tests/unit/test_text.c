/*
 * Unit tests for core/text.
 *
 * UTF-8 rules come from RFC 3629 §4 and are cross-checked byte sequence
 * by byte sequence against ICU's strict converter (u_strFromUTF8), an
 * independent implementation.  Normalisation results come from the
 * Unicode Character Database (UnicodeData.txt decompositions,
 * CaseFolding.txt).  Name order is worked out from pinyin: a < li < wang
 * < zhang, tones in the order ā á ǎ à.  CLDR's zh collation puts Han
 * before Latin: its rules begin "[reorder Hani]" (ucol_getRules, ICU 72
 * on the build machine).  Digits and spaces come before both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <unicode/ustring.h>

#include "core/text.h"

/* ---- UTF-8 checks -------------------------------------------------- */

static void
assert_invalid_at(const char *s, size_t n, size_t off)
{
	char want[64];
	sj_err e = { 0 };

	snprintf(want, sizeof want, "invalid UTF-8 at byte %zu", off);
	assert_int_equal(text_check_utf8(s, n, "name", 0, &e), SJ_EINVAL);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.msg, want);
}

static void
test_utf8_valid(void **state)
{
	static const char *ok[] = {
		"", "abc", "张三", "\xF0\x9F\x98\x80",   /* U+1F600 */
		"\xC2\x80", "\xDF\xBF",                  /* U+0080, U+07FF */
		"\xE0\xA0\x80", "\xED\x9F\xBF",          /* U+0800, U+D7FF */
		"\xEE\x80\x80", "\xEF\xBF\xBF",          /* U+E000, U+FFFF */
		"\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",  /* U+10000, U+10FFFF */
	};
	sj_err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_int_equal(text_check_utf8(ok[i], strlen(ok[i]), "f", 0,
		    &e), SJ_OK);
	/* n, not the NUL, ends the text. */
	assert_int_equal(text_check_utf8("a\0b", 3, "f", 0, &e), SJ_OK);
	assert_int_equal(text_check_utf8("\xFF", 0, "f", 0, &e), SJ_OK);
}

static void
test_utf8_invalid(void **state)
{
	(void)state;
	assert_invalid_at("\x80", 1, 0);                 /* lone continuation */
	assert_invalid_at("1234567\x80", 8, 7);
	assert_invalid_at("\xC0\xAF", 2, 0);             /* overlong '/' */
	assert_invalid_at("\xC1\xBF", 2, 0);             /* overlong U+007F */
	assert_invalid_at("ab\xE0\x80\xAF", 5, 2);       /* overlong '/' */
	assert_invalid_at("\xE0\x9F\xBF", 3, 0);         /* overlong U+07FF */
	assert_invalid_at("\xF0\x8F\xBF\xBF", 4, 0);     /* overlong U+FFFF */
	assert_invalid_at("\xED\xA0\x80", 3, 0);         /* U+D800 */
	assert_invalid_at("x\xED\xBF\xBF", 4, 1);        /* U+DFFF */
	/* CESU-8: U+1F600 as an encoded surrogate pair. */
	assert_invalid_at("\xED\xA0\xBD\xED\xB8\x80", 6, 0);
	assert_invalid_at("\xF4\x90\x80\x80", 4, 0);     /* U+110000 */
	assert_invalid_at("\xF5\x80\x80\x80", 4, 0);
	assert_invalid_at("\xFE", 1, 0);
	assert_invalid_at("\xFF", 1, 0);
	assert_invalid_at("abc\xE4\xB8", 5, 3);          /* 中 cut short */
	assert_invalid_at("\xE4\xB8x", 3, 0);
	assert_invalid_at("\xE5\xBC\xA0\xE4", 4, 3);     /* 张 then a lead */
	assert_invalid_at("\xF0\x9F\x98", 3, 0);
	assert_invalid_at("\xE4\xB8\xAD", 2, 0);         /* cut short by n */
	assert_int_equal(text_check_utf8("\xFF", 1, NULL, 0, NULL), SJ_EINVAL);
}

/* Whether ICU's strict UTF-8 to UTF-16 conversion accepts s. */
static int
icu_accepts(const char *s, int32_t n)
{
	UChar buf[8];
	UErrorCode st = U_ZERO_ERROR;
	int32_t len;

	u_strFromUTF8(buf, 8, &len, s, n, &st);
	return U_SUCCESS(st);
}

static void
assert_same_as_icu(const char *s, size_t n)
{
	int mine = text_check_utf8(s, n, "f", 0, NULL) == SJ_OK;

	if (mine != icu_accepts(s, (int32_t)n))
		fail_msg("%02X %02X %02X %02X (%zu bytes): mine %d",
		    (unsigned char)s[0], (unsigned char)s[1],
		    (unsigned char)s[2], (unsigned char)s[3], n, mine);
}

/* Every 1-3 byte sequence, and every 4-byte one that starts F0-F5 with
 * the last two bytes drawn from a set covering each class of byte,
 * judged as ICU judges it. */
static void
test_utf8_matches_icu(void **state)
{
	static const unsigned char tail[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F,
	    0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF };
	char s[4];

	(void)state;
	for (int a = 0; a < 256; a++) {
		s[0] = (char)a;
		assert_same_as_icu(s, 1);
		for (int b = 0; b < 256; b++) {
			s[1] = (char)b;
			assert_same_as_icu(s, 2);
			for (int c = 0; a >= 0xC2 && c < 256; c++) {
				s[2] = (char)c;
				assert_same_as_icu(s, 3);
			}
		}
	}
	for (int a = 0xF0; a <= 0xF5; a++)
		for (int b = 0; b < 256; b++)
			for (size_t c = 0; c < sizeof tail; c++)
				for (size_t d = 0; d < sizeof tail; d++) {
					s[0] = (char)a;
					s[1] = (char)b;
					s[2] = (char)tail[c];
					s[3] = (char)tail[d];
					assert_same_as_icu(s, 4);
				}
}

static void
assert_refused(const char *s, size_t n, unsigned flags, const char *msg)
{
	sj_err e = { 0 };

	assert_int_equal(text_check_utf8(s, n, "name", flags, &e), SJ_EINVAL);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.msg, msg);
}

static void
assert_accepted(const char *s, size_t n, unsigned flags)
{
	sj_err e = { 0 };

	if (text_check_utf8(s, n, "name", flags, &e) != SJ_OK)
		fail_msg("refused: %s", e.msg);
}

static void
test_utf8_flags(void **state)
{
	(void)state;
	assert_accepted("a\0b", 3, 0);
	assert_refused("a\0b", 3, TEXT_NO_NUL,
	    "NUL character (U+0000) at byte 1 is not allowed");
	assert_refused("a\0b", 3, TEXT_NO_CONTROL,
	    "NUL character (U+0000) at byte 1 is not allowed");
	assert_refused("a\0b", 3, TEXT_SINGLE_LINE,
	    "NUL character (U+0000) at byte 1 is not allowed");
	assert_accepted("ab\x07", 3, TEXT_NO_NUL);
	assert_refused("ab\x07", 3, TEXT_NO_CONTROL,
	    "control character U+0007 at byte 2 is not allowed");
	assert_refused("\x1B[0m", 4, TEXT_NO_CONTROL,
	    "control character U+001B at byte 0 is not allowed");
	assert_refused("x\x7F", 2, TEXT_NO_CONTROL,
	    "control character U+007F at byte 1 is not allowed");
	assert_refused("\xE5\xBC\xA0\xC2\x9F", 5, TEXT_NO_CONTROL,
	    "control character U+009F at byte 3 is not allowed");
	/* Tab and LF are the two controls a multi-line field keeps. */
	assert_accepted("a\tb\nc", 5, TEXT_NO_CONTROL);
	assert_refused("a\tb\nc", 5, TEXT_SINGLE_LINE,
	    "line break U+000A at byte 3 is not allowed in a single-line field");
	assert_accepted("a\tb", 3, TEXT_SINGLE_LINE);
	assert_refused("a\r\nb", 4, TEXT_NO_CONTROL,
	    "control character U+000D at byte 1 is not allowed");
	assert_refused("a\r\nb", 4, TEXT_SINGLE_LINE,
	    "line break U+000D at byte 1 is not allowed in a single-line field");
	/* NEL is a C1 control and a line break. */
	assert_refused("\xE5\xBC\xA0\xC2\x85", 5, TEXT_NO_CONTROL,
	    "control character U+0085 at byte 3 is not allowed");
	assert_refused("\xE5\xBC\xA0\xC2\x85", 5, TEXT_SINGLE_LINE,
	    "line break U+0085 at byte 3 is not allowed in a single-line field");
	/* LINE SEPARATOR is no control, but it is a line break. */
	assert_accepted("a\xE2\x80\xA8", 4, TEXT_NO_CONTROL);
	assert_refused("a\xE2\x80\xA8", 4, TEXT_SINGLE_LINE,
	    "line break U+2028 at byte 1 is not allowed in a single-line field");
	assert_refused("a\xE2\x80\xA9", 4, TEXT_SINGLE_LINE,
	    "line break U+2029 at byte 1 is not allowed in a single-line field");
	/* NO-BREAK SPACE and IDEOGRAPHIC SPACE are ordinary characters. */
	assert_accepted("\xC2\xA0\xE3\x80\x80", 5, TEXT_SINGLE_LINE);
	/* The first offence is reported. */
	assert_refused("\x07\xFF", 2, TEXT_NO_CONTROL,
	    "control character U+0007 at byte 0 is not allowed");
	assert_refused("\xFF\x07", 2, TEXT_NO_CONTROL,
	    "invalid UTF-8 at byte 0");
	/* U+FFFD REPLACEMENT CHARACTER is EF BF BD (RFC 3629: 1110xxxx 10xxxxxx
	 * 10xxxxxx of 1111 111111 111101): refused in one-line fields (a name
	 * 张<U+FFFD> lost a character), kept where asked for nothing */
	assert_refused("\xE5\xBC\xA0\xEF\xBF\xBD", 6, TEXT_SINGLE_LINE,
	    "replacement character U+FFFD at byte 3 is not allowed: the text lost characters "
	    "in a conversion before it came here; type it again");
	assert_refused("\xEF\xBF\xBD", 3, TEXT_NO_REPLACEMENT,
	    "replacement character U+FFFD at byte 0 is not allowed: the text lost characters "
	    "in a conversion before it came here; type it again");
	assert_accepted("\xEF\xBF\xBD", 3, 0);
	assert_accepted("\xEF\xBF\xBD", 3, TEXT_NO_CONTROL);
	/* its neighbours U+FFFC and U+FFFB are not it */
	assert_accepted("\xEF\xBF\xBC\xEF\xBF\xBB", 6, TEXT_SINGLE_LINE);
}

static void
test_length_and_max(void **state)
{
	sj_err e = { 0 };

	(void)state;
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length("abc"), 3);
	assert_int_equal(text_length("张三"), 2);
	assert_int_equal(text_length("\xF0\x9F\x98\x80" "a"), 2);
	assert_int_equal(text_length("e\xCC\x81"), 2);  /* e + combining acute */
	assert_int_equal(text_check_utf8_max("张三", 6, "name", TEXT_SINGLE_LINE,
	    2, &e), SJ_OK);
	assert_int_equal(text_check_utf8_max("张三", 6, "name", TEXT_SINGLE_LINE,
	    1, &e), SJ_EINVAL);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.msg, "too long: 2 characters, at most 1");
	assert_int_equal(text_check_utf8_max("\xFF", 1, "name", 0, 0, &e),
	    SJ_EINVAL);
	assert_string_equal(e.msg, "invalid UTF-8 at byte 0");
	assert_int_equal(text_check_utf8_max("", 0, "name", 0, 0, &e), SJ_OK);
}

/* ---- trimming ------------------------------------------------------ */

static void
assert_trim(const char *in, const char *want)
{
	char *out = text_trim(in);

	assert_string_equal(out, want);
	free(out);
}

static void
test_trim(void **state)
{
	(void)state;
	assert_trim("  abc  ", "abc");
	assert_trim("\t\n abc\r\n\v\f", "abc");
	assert_trim("\xE3\x80\x80张三\xE3\x80\x80", "张三");       /* U+3000 */
	assert_trim("\xC2\xA0x\xE2\x80\x8B", "x");              /* NBSP, ZWSP */
	assert_trim("\xEF\xBB\xBFname", "name");                /* BOM */
	assert_trim("x\xE2\x80\x83\xE2\x80\xAF\xE2\x81\x9F", "x"); /* 2003 202F 205F */
	assert_trim("\xC2\x85" "x\xE1\x9A\x80", "x");           /* NEL, U+1680 */
	assert_trim("a  b", "a  b");
	assert_trim(" 张\xE3\x80\x80三 ", "张\xE3\x80\x80三");
	assert_trim("", "");
	assert_trim("   ", "");
	assert_trim("\xE3\x80\x80", "");
	assert_trim("\xFF ", "\xFF");
	/* ZERO WIDTH NON-JOINER (U+200C) is not white space. */
	assert_trim("a\xE2\x80\x8C", "a\xE2\x80\x8C");
	assert_true(text_is_blank(""));
	assert_true(text_is_blank(" \t"));
	assert_true(text_is_blank("\xE3\x80\x80\xC2\xA0"));
	assert_false(text_is_blank("a"));
	assert_false(text_is_blank(" \xE5\xBC\xA0 "));
	assert_false(text_is_blank("\xFF"));
}

/* ---- normalisation ------------------------------------------------- */

static void
assert_search_key(const char *in, const char *want)
{
	char *key = text_search_key(in), *again = text_search_key(key);

	assert_string_equal(key, want);
	assert_string_equal(again, want);  /* a key is its own key */
	free(again);
	free(key);
}

static void
test_search_key(void **state)
{
	char *a, *b;

	(void)state;
	assert_search_key("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc"); /* ＡＢＣ */
	assert_search_key("ABC", "abc");
	assert_search_key("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", "123"); /* １２３ */
	/* Half-width katakana ｶﾀｶﾅ -> カタカナ; ｶﾞ (U+FF76 U+FF9E) -> ガ. */
	assert_search_key("\xEF\xBD\xB6\xEF\xBE\x80\xEF\xBD\xB6\xEF\xBE\x85",
	    "\xE3\x82\xAB\xE3\x82\xBF\xE3\x82\xAB\xE3\x83\x8A");
	assert_search_key("\xEF\xBD\xB6\xEF\xBE\x9E", "\xE3\x82\xAC");
	assert_search_key("Stra\xC3\x9F" "e", "strasse");         /* ß */
	assert_search_key("e\xCC\x81", "\xC3\xA9");                /* NFD é */
	assert_search_key("\xC3\x89", "\xC3\xA9");                 /* É */
	assert_search_key("\xEF\xAC\x81", "fi");                   /* ﬁ */
	assert_search_key("\xE2\x85\xAB", "xii");                  /* Ⅻ */
	/* Soft hyphen and zero-width space are default-ignorable. */
	assert_search_key("a\xC2\xAD" "b\xE2\x80\x8B" "c", "abc");
	assert_search_key("张三", "张三");
	assert_search_key("张\xE3\x80\x80三", "张 三");
	assert_search_key("\xEF\xA4\x80", "\xE8\xB1\x88");         /* U+F900 */
	assert_search_key("", "");
	/* A prefix of a key matches the longer text. */
	a = text_search_key("\xEF\xBC\xBA\xEF\xBC\xA8\xEF\xBC\xA1\xEF\xBC\xAE"
	    "\xEF\xBC\xA7 San");                                   /* ＺＨＡＮＧ */
	b = text_search_key("Zhang");
	assert_memory_equal(a, b, strlen(b));
	free(a);
	free(b);
}

static void
test_nfc(void **state)
{
	char *s;

	(void)state;
	s = text_nfc("e\xCC\x81");
	assert_string_equal(s, "\xC3\xA9");
	free(s);
	/* Compatibility forms stay: NFC is not NFKC. */
	s = text_nfc("\xEF\xBC\xA1");
	assert_string_equal(s, "\xEF\xBC\xA1");
	free(s);
	/* A CJK compatibility ideograph has a canonical singleton mapping:
	 * U+F900 -> U+8C48 (why stored names are kept as given). */
	s = text_nfc("\xEF\xA4\x80");
	assert_string_equal(s, "\xE8\xB1\x88");
	free(s);
	/* Hangul jamo U+1100 U+1161 compose to U+AC00. */
	s = text_nfc("\xE1\x84\x80\xE1\x85\xA1");
	assert_string_equal(s, "\xEA\xB0\x80");
	free(s);
	s = text_nfc("张三");
	assert_string_equal(s, "张三");
	free(s);
}

/* ---- sort keys ----------------------------------------------------- */

typedef struct keyed {
	const char *name;
	uint8_t *key;
	size_t n;
} keyed;

static void
make_key(keyed *k, const char *name)
{
	sj_err e = { 0 };

	k->name = name;
	assert_int_equal(text_sort_key(name, &k->key, &k->n, &e), SJ_OK);
	assert_non_null(k->key);
	assert_null(memchr(k->key, 0, k->n));
}

static int
cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;

	return text_sort_key_cmp(x->key, x->n, y->key, y->n);
}

/* Names in their expected order (see the comment at the top). */
static const char *const ordered[] = {
	"",
	"1号楼",    /* digits first */
	"阿",       /* a */
	"李明",     /* li ming */
	"李四",     /* li si */
	"妈",       /* ma (first tone) */
	"麻",       /* ma (second tone) */
	"马",       /* ma (third tone) */
	"骂",       /* ma (fourth tone) */
	"王五",     /* wang */
	"张三",     /* zhang san */
	"张三丰",   /* zhang san feng: a prefix sorts first */
	"Alice",    /* Latin after Han */
	"bob",      /* case is a tertiary difference: lower first */
	"Bob",
	"Zoe",
};
#define N_ORDERED (sizeof ordered / sizeof ordered[0])

static void
test_sort_order(void **state)
{
	keyed k[N_ORDERED];

	(void)state;
	/* Make the keys in reverse, sort them, and expect the order. */
	for (size_t i = 0; i < N_ORDERED; i++)
		make_key(&k[i], ordered[N_ORDERED - 1 - i]);
	qsort(k, N_ORDERED, sizeof k[0], cmp_keyed);
	for (size_t i = 0; i < N_ORDERED; i++) {
		assert_string_equal(k[i].name, ordered[i]);
		if (i > 0)
			assert_true(cmp_keyed(&k[i - 1], &k[i]) < 0);
	}
	for (size_t i = 0; i < N_ORDERED; i++)
		free(k[i].key);
}

static void
test_sort_ties(void **state)
{
	keyed a, b;

	(void)state;
	make_key(&a, "张三");
	make_key(&b, "张三");
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.key, b.key, a.n);
	assert_int_equal(cmp_keyed(&a, &b), 0);
	free(a.key);
	free(b.key);
	/* Canonically equivalent texts tie: break ties by record id. */
	make_key(&a, "Jos\xC3\xA9");
	make_key(&b, "Jose\xCC\x81");
	assert_int_equal(cmp_keyed(&a, &b), 0);
	free(a.key);
	free(b.key);
	/* Case differs at the tertiary level: not a tie. */
	make_key(&a, "li");
	make_key(&b, "Li");
	assert_true(cmp_keyed(&a, &b) < 0);
	free(a.key);
	free(b.key);
	/* The comparison itself: bytes first, then the shorter. */
	assert_int_equal(text_sort_key_cmp((const uint8_t *)"ab", 2,
	    (const uint8_t *)"ab", 2), 0);
	assert_true(text_sort_key_cmp((const uint8_t *)"ab", 2,
	    (const uint8_t *)"abc", 3) < 0);
	assert_true(text_sort_key_cmp((const uint8_t *)"b", 1,
	    (const uint8_t *)"abc", 3) > 0);
	assert_int_equal(text_sort_key_cmp(NULL, 0, NULL, 0), 0);
}

/* Stored as BLOBs, the keys give the same order in SQLite's ORDER BY,
 * with the id breaking ties. */
static void
test_sort_keys_in_sqlite(void **state)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	keyed k;
	size_t i = 0;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE person(id INTEGER "
	    "PRIMARY KEY, name TEXT, sort_key BLOB)", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO person(name, "
	    "sort_key) VALUES (?, ?)", -1, &st, NULL), SQLITE_OK);
	for (size_t j = N_ORDERED; j-- > 0;) {
		make_key(&k, ordered[j]);
		sqlite3_bind_text(st, 1, k.name, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, k.key, (int)k.n, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
		free(k.key);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM person "
	    "ORDER BY sort_key, id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		assert_string_equal(sqlite3_column_text(st, 0), ordered[i++]);
	assert_int_equal(i, N_ORDERED);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Each thread uses its own collator and gets the same keys. */
static void *
sort_in_thread(void *arg)
{
	const keyed *want = arg;
	long bad = 0;

	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < N_ORDERED; i++) {
			uint8_t *key = NULL;
			size_t n = 0;

			if (text_sort_key(ordered[i], &key, &n, NULL) != SJ_OK ||
			    n != want[i].n || memcmp(key, want[i].key, n) != 0)
				bad++;
			free(key);
		}
	}
	text_thread_cleanup();
	return (void *)bad;
}

static void
test_sort_threads(void **state)
{
	keyed want[N_ORDERED];
	pthread_t t[4];
	void *bad;

	(void)state;
	for (size_t i = 0; i < N_ORDERED; i++)
		make_key(&want[i], ordered[i]);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, sort_in_thread,
		    want), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
	for (size_t i = 0; i < N_ORDERED; i++)
		free(want[i].key);
}

static void
test_sort_version_and_cleanup(void **state)
{
	char v[TEXT_SORT_VERSION_LEN], again[TEXT_SORT_VERSION_LEN];
	keyed k;

	(void)state;
	assert_int_equal(text_sort_version(v, NULL), SJ_OK);
	assert_non_null(strchr(v, '.'));
	text_thread_cleanup();
	text_thread_cleanup();  /* twice is fine */
	make_key(&k, "张三");   /* reopens */
	free(k.key);
	assert_int_equal(text_sort_version(again, NULL), SJ_OK);
	assert_string_equal(v, again);
}

static int
teardown(void **state)
{
	(void)state;
	text_thread_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_matches_icu),
		cmocka_unit_test(test_utf8_flags),
		cmocka_unit_test(test_length_and_max),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_search_key),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_sort_keys_in_sqlite),
		cmocka_unit_test(test_sort_threads),
		cmocka_unit_test(test_sort_version_and_cleanup),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
