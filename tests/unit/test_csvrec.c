/*
 * Unit tests for core/csvrec: CSV records (RFC 4180 §2) with the line each
 * starts on.  Every expected record below is worked out by hand from the
 * text and RFC 4180: a quoted field may hold commas (rule 6), line breaks
 * (rule 6) and doubled quotes standing for one (rule 7); the line
 * numbers are the physical lines a text editor shows (LF, CR LF, CR).
 * Spaces and tabs around an unquoted field are dropped, as libcsv does
 * (its default is_space), which the ledger's trimming relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csvrec.h"

/* The records read, written out as "L<line>:[field][field]...;" */
typedef struct seen {
	char out[4096];
	size_t n;
} seen;

static void
put(seen *s, const char *p, size_t n)
{
	assert_true(s->n + n < sizeof s->out);
	memcpy(s->out + s->n, p, n);
	s->n += n;
	s->out[s->n] = '\0';
}

static void
cell(void *cls, const char *p, size_t n)
{
	seen *s = cls;

	assert_true(n == 0 || p != NULL);
	put(s, "[", 1);
	if (n > 0)
		put(s, p, n);
	put(s, "]", 1);
}

static void
row(void *cls, int64_t line)
{
	seen *s = cls;
	char tag[32];

	snprintf(tag, sizeof tag, ";L%lld:", (long long)line);
	put(s, tag, strlen(tag));
}

/* Read text in pieces of at most step bytes (0: whole); the record's line
 * tag comes after its fields here, so each record reads "[f]..;Ln:". */
static sj_rc
read_text(const char *text, size_t step, size_t record_max, seen *s, sj_err *e)
{
	size_t n = strlen(text);
	csvrec r;
	sj_rc rc = SJ_OK;

	memset(s, 0, sizeof *s);
	csvrec_init(&r, cell, row, s, record_max);
	for (size_t at = 0; rc == SJ_OK && at < n; at += step ? step : n)
		rc = csvrec_feed(&r, text + at, step && n - at > step ? step : n - at, e);
	if (rc == SJ_OK)
		rc = csvrec_finish(&r, e);
	csvrec_free(&r);
	return rc;
}

static const struct {
	const char *text, *want;
} cases[] = {
	/* commas, doubled quotes and a line break inside quotes: the second
	 * record holds lines 2 and 3, line 4 is blank, the third record
	 * starts on line 5 */
	{ "a,\"b,c\",\"d\"\"e\"\r\n\"f\ng\",h\n\nx,y\n",
	  "[a][b,c][d\"e];L1:[f\ng][h];L2:[x][y];L5:" },
	{ "1,\"2\n\n3\",4\n5,6\n", "[1][2\n\n3][4];L1:[5][6];L4:" },
	/* spaces and tabs around unquoted fields are dropped; inside quotes
	 * kept; a line of spaces is no record; empty fields stay */
	{ " a , b\t,\n   \n,,\n\" s \",t\n", "[a][b][];L1:[][][];L3:[ s ][t];L4:" },
	/* old Mac CR line ends, and CR LF, and no break at the end */
	{ "a\rb\r\nc", "[a];L1:[b];L2:[c];L3:" },
	/* a quote inside an unquoted field is taken as it is (libcsv's
	 * non-strict reading, as Excel users type it) */
	{ "ab\"c,d\n", "[ab\"c][d];L1:" },
	/* a Chinese ledger row, a quoted cell with a comma in it */
	{ "姓名,备注\n张三,\"进,出\"\n", "[姓名][备注];L1:[张三][进,出];L2:" },
};

/* Each text whole, and cut into pieces of 1, 2, 3 and 7 bytes (so lines
 * come whole, without quotes, and in pieces: both ways of reading). */
static void
test_records_and_lines(void **state)
{
	static const size_t steps[] = { 0, 1, 2, 3, 7 };
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
			seen s;
			sj_err e = {0};
			assert_int_equal(read_text(cases[i].text, steps[k], 0, &s, &e), SJ_OK);
			if (strcmp(s.out, cases[i].want) != 0)
				fail_msg("case %zu, pieces of %zu: %s, want %s", i, steps[k], s.out,
				    cases[i].want);
		}
}

/* Every cut of a text into two pieces, a CR LF cut between them too:
 * the same records on the same lines. */
static void
test_every_cut(void **state)
{
	static const char text[] = "u,v\r\n\"w\r\nx\",y\r\n\r\nz\r\n";
	static const char want[] = "[u][v];L1:[w\r\nx][y];L2:[z];L5:";
	(void)state;
	for (size_t cut = 0; cut <= sizeof text - 1; cut++) {
		csvrec r;
		seen s = {0};
		sj_err e = {0};
		csvrec_init(&r, cell, row, &s, 0);
		assert_int_equal(csvrec_feed(&r, text, cut, &e), SJ_OK);
		assert_int_equal(csvrec_feed(&r, text + cut, sizeof text - 1 - cut, &e), SJ_OK);
		assert_int_equal(csvrec_finish(&r, &e), SJ_OK);
		csvrec_free(&r);
		if (strcmp(s.out, want) != 0)
			fail_msg("cut at %zu: %s, want %s", cut, s.out, want);
	}
}

/* A quote never closed: an error naming the file and the line where its
 * record starts (line 3 here), whole or in pieces. */
static void
test_unterminated_quote(void **state)
{
	static const char text[] = "a,b\nc,d\n\"e,f\ng,h\n";
	(void)state;
	for (size_t step = 0; step < 3; step++) {
		seen s;
		sj_err e = {0};
		assert_int_equal(read_text(text, step, 0, &s, &e), SJ_EINVAL);
		assert_string_equal(e.field, "file");
		assert_string_equal(e.msg, "a quote opened on line 3 is never closed");
		assert_string_equal(s.out, "[a][b];L1:[c][d];L2:");
	}
}

/* A record past record_max (a quote left open in a stream) ends the read
 * there: 2 + 20 lines of "xxxxxxxx\n" (9 bytes each) pass 100 bytes on
 * the record's 11th line; the error names line 2, where it starts. */
static void
test_record_bound(void **state)
{
	char text[512] = "a\n\"";
	seen s;
	sj_err e = {0};
	(void)state;
	for (int i = 0; i < 20; i++)
		strcat(text, "xxxxxxxx\n");
	assert_int_equal(read_text(text, 0, 100, &s, &e), SJ_EINVAL);
	assert_string_equal(e.field, "file");
	assert_string_equal(e.msg, "line 2: a record longer than 100 bytes (a quote opened there "
	    "and never closed?)");
	assert_string_equal(s.out, "[a];L1:");
	/* the same text with the quote closed at the end is one record of
	 * 1 + 180 bytes, under a bound of 200 */
	strcat(text, "\"\n");
	assert_int_equal(read_text(text, 0, 200, &s, &e), SJ_OK);
	assert_int_equal(strncmp(s.out, "[a];L1:[xxxxxxxx\n", 17), 0);
	assert_non_null(strstr(s.out, ";L2:"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_and_lines),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_record_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
