/* Unit tests for bulk import (domain/scan_import, scan_ledger, json/jimport)
 * and the store's bulk insert, on a real database, SQLite or PostgreSQL
 * (tests/unit/testdb.h), in the world of tests/unit/cpfix.h.
 *
 * Expected values are worked out by hand from the inputs: 2024-03-02
 * 00:30 in Asia/Shanghai (UTC+8, no daylight saving since 1991) is
 * 2024-03-01T16:30:00Z = 1709310600; GB18030 bytes are those of the
 * GB 2312 code table (李 C0EE, 四 CBC4, 进 BDF8, 姓名 D0D5 C3FB, ...); the
 * stays follow domain/stay.h's rules step by step (comments at each
 * case) and are also checked against the live path (scan_record). */
#include <malloc.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */
#include "unit/cpfix.h"

#include "domain/checkins.h"
#include "domain/person.h"
#include "domain/scan.h"
#include "domain/scan_import.h"
#include "domain/scan_ledger.h"
#include "json/jimport.h"

#define AT_0030 INT64_C(1709310600)   /* 2024-03-02T00:30:00+08:00 */

static int64_t
count(cpfix *f, const char *sql)
{
	store_stmt *st;
	int64_t n = -1;
	sj_err e = {0};

	if (store_prepare(f->s, sql, &st, &e) == SJ_OK)
		store_query_int(st, &n, NULL, &e);
	return n;
}

/* Import bytes as a ledger with default checkpoint cp; the report into *r. */
static sj_rc
import_ledger(cpfix *f, const char *bytes, size_t n, int64_t cp, import_report *r, sj_err *e)
{
	scan_import *im;
	sj_rc rc;

	if ((rc = scan_import_open(f->s, f->keys, &f->settings, &scope_system, AT_0030 + 86400,
	    &(import_options){0}, &im, e)) != SJ_OK)
		return rc;
	if ((rc = jimport_ledger(bytes, n, LEDGER_AUTO, cp, im, e)) == SJ_OK)
		rc = scan_import_finish(im, e);
	*r = *scan_import_report(im);
	r->rejects = NULL;
	scan_import_free(im);
	return rc;
}

static int64_t
add_person(cpfix *f, const char *name, const char *mobile)
{
	person_input in = { .name = name, .mobile = mobile, .unit_id = f->unit_a };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(person_add(f->s, f->keys, &scope_system, &in, 0, &id, &e), SJ_OK);
	return id;
}

/* ---- encodings ------------------------------------------------------------------------ */

#define TEXT_UTF8 "姓名,电话,时间,方向\r\n李四,13912345678,2024-03-02 00:30,进\r\n"
#define TEXT_GB \
	"\xd0\xd5\xc3\xfb,\xb5\xe7\xbb\xb0,\xca\xb1\xbc\xe4,\xb7\xbd\xcf\xf2\r\n" \
	"\xc0\xee\xcb\xc4,13912345678,2024-03-02 00:30,\xbd\xf8\r\n"

typedef struct rows_seen {
	char text[512];
	int n;
} rows_seen;

static sj_rc
keep_row(void *cls, const ledger_row *row, sj_err *e)
{
	rows_seen *rs = cls;
	size_t len = strlen(rs->text);

	(void)e;
	for (int c = 0; c < LEDGER_COL__COUNT; c++)
		len += (size_t)snprintf(rs->text + len, sizeof rs->text - len, "%lld:%d=%s|",
		    (long long)row->line, c, row->v[c] ? row->v[c] : "-");
	rs->n++;
	return SJ_OK;
}

static void
no_bad(void *cls, int64_t line, const sj_err *why)
{
	(void)cls;
	fail_msg("line %lld unreadable: %s", (long long)line, why->msg);
}

static void
test_ledger_encodings(void **state)
{
	cpfix *f = *state;
	const char *files[3] = { TEXT_UTF8, "\xef\xbb\xbf" TEXT_UTF8, TEXT_GB };
	const ledger_encoding want[3] = { LEDGER_UTF8, LEDGER_UTF8_BOM, LEDGER_GB18030 };
	rows_seen seen[3] = {0};
	int64_t li = add_person(f, "李四", "13912345678");
	import_report r;
	sj_err e = {0};

	for (int i = 0; i < 3; i++) {
		ledger_encoding enc;
		size_t n;
		char *text;
		assert_int_equal(ledger_decode(files[i], strlen(files[i]), &text, &n, &enc, &e), SJ_OK);
		assert_int_equal(enc, want[i]);
		assert_int_equal(ledger_parse_csv(text, n, keep_row, no_bad, &seen[i], &e), SJ_OK);
		free(text);
		assert_int_equal(seen[i].n, 1);
		assert_string_equal(seen[i].text, seen[0].text);
	}
	/* the one row, as read: line 2, name, mobile, time, direction */
	assert_non_null(strstr(seen[0].text, "2:3=李四|"));
	assert_non_null(strstr(seen[0].text, "2:6=进|"));
	/* The first import stores it; the same ledger in the other encodings
	 * adds nothing: each is the same scan. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(import_ledger(f, files[i], strlen(files[i]), f->cp_p, &r, &e), SJ_OK);
		assert_int_equal(r.rows, 1);
		assert_int_equal(r.accepted, i == 0 ? 1 : 0);
		assert_int_equal(r.duplicates, i == 0 ? 0 : 1);
		assert_int_equal(r.rejected, 0);
	}
	{
		static const char sql[] = "SELECT count(*) FROM scan WHERE at = 1709310600";
		assert_int_equal(count(f, sql), 1);
	}
	(void)li;
}

/* The lines the rows start on, as a text editor numbers them. */
typedef struct lines_seen {
	int64_t line[8];
	int n;
} lines_seen;

static sj_rc
keep_line(void *cls, const ledger_row *row, sj_err *e)
{
	lines_seen *ls = cls;

	(void)e;
	if (ls->n < 8)
		ls->line[ls->n] = row->line;
	ls->n++;
	return SJ_OK;
}

/* Rejects name the line a row starts on, the header being line 1
 * (scan_ledger.h): blank lines between rows (LF, CR LF, as people leave
 * them in ledgers typed by hand), a line of only spaces, a quoted cell
 * over two lines, and a file with the old Mac's lone CR line ends all
 * count as the lines they are.  Worked out by hand from each text. */
static void
test_ledger_line_numbers(void **state)
{
	static const struct {
		const char *text;
		int n;
		int64_t want[4];
	} cases[] = {
		{ "姓名,电话\n\n甲,1\n\n\n乙,2\n", 2, { 3, 6 } },
		{ "姓名,电话\r\n\r\n甲,1\r\n乙,2\r\n\r\n", 2, { 3, 4 } },
		{ "姓名,电话\n  \n甲,1\n", 1, { 3 } },
		{ "姓名,电话\n\"甲\n\n甲\",1\n\n乙,2", 2, { 2, 6 } },
		{ "姓名,电话\r甲,1\r\r乙,2\r", 2, { 2, 4 } },
		{ "\n姓名,电话\n甲,1\n", 1, { 3 } },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lines_seen ls = {0};
		sj_err e = {0};
		assert_int_equal(ledger_parse_csv(cases[i].text, strlen(cases[i].text), keep_line,
		    no_bad, &ls, &e), SJ_OK);
		assert_int_equal(ls.n, cases[i].n);
		for (int k = 0; k < cases[i].n; k++)
			if (ls.line[k] != cases[i].want[k])
				fail_msg("case %zu, row %d: line %lld, want %lld", i, k,
				    (long long)ls.line[k], (long long)cases[i].want[k]);
	}
}

/* RFC 4180 in a ledger: a quoted name holding a comma, a doubled quote
 * and a line break, and the row after it on its own line (4: the quoted
 * cell spans lines 2 and 3); a quote never closed refuses the whole file
 * with the line it opened on, before any row is given (rows_seen.n 0). */
static void
test_ledger_quotes(void **state)
{
	static const char text[] = "姓名,电话\n\"张,\"\"三\"\"\n二\",1\n李四,2\n";
	static const char open[] = "姓名,电话\n甲,1\n乙,\"2\n丙,3\n";
	rows_seen rs = {0};
	sj_err e = {0};
	(void)state;
	assert_int_equal(ledger_parse_csv(text, sizeof text - 1, keep_row, no_bad, &rs, &e), SJ_OK);
	assert_int_equal(rs.n, 2);
	/* columns 3 (name) and 4 (mobile) of LEDGER_*: the first row's name
	 * is 张,"三"<LF>二 on line 2, the second row starts on line 4 */
	assert_non_null(strstr(rs.text, "2:3=张,\"三\"\n二|2:4=1|"));
	assert_non_null(strstr(rs.text, "4:3=李四|4:4=2|"));
	memset(&rs, 0, sizeof rs);
	assert_int_equal(ledger_parse_csv(open, sizeof open - 1, keep_row, no_bad, &rs, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "file");
	assert_string_equal(e.msg, "a quote opened on line 3 is never closed");
	assert_int_equal(rs.n, 0);
}

/* A row's name is checked as registration checks it: U+FFFD (a lossy
 * decode upstream: 李<U+FFFD> is 李四 with a character lost), a control
 * character (BEL) and an invisible one (ZERO WIDTH SPACE U+200B) are each
 * a reject of field "name" on their line (3, 4, 5), not "no person on
 * record"; the whole name 李四 (line 2) is accepted.  Nothing of the
 * three is stored: one scan in all. */
static void
test_ledger_damaged_names(void **state)
{
	cpfix *f = *state;
	static const char text[] = "姓名,电话,时间,方向\n"
	    "李四,13912345678,2024-03-02 08:00,进\n"
	    "李\xEF\xBF\xBD,13912345678,2024-03-02 08:10,进\n"
	    "李\x07四,13912345678,2024-03-02 08:20,进\n"
	    "李\xE2\x80\x8B四,13912345678,2024-03-02 08:30,进\n";
	scan_import *im;
	sj_err e = {0};

	add_person(f, "李四", "13912345678");
	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
	assert_int_equal(jimport_ledger(text, sizeof text - 1, LEDGER_CSV, f->cp_p, im, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	const import_report *rp = scan_import_report(im);
	assert_int_equal(rp->accepted, 1);
	assert_int_equal(rp->rejected, 3);
	assert_int_equal(rp->n_rejects, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rp->rejects[i].line, 3 + i);
		assert_string_equal(rp->rejects[i].field, "name");
	}
	assert_non_null(strstr(rp->rejects[0].msg, "replacement character U+FFFD at byte 3"));
	assert_non_null(strstr(rp->rejects[1].msg, "control character U+0007 at byte 3"));
	assert_non_null(strstr(rp->rejects[2].msg, "U+200B at byte 3"));
	scan_import_free(im);
	assert_int_equal(count(f, CPFIX_COUNT_SCANS), 1);
}

/* A ledger row's cells against its header (scan_ledger.h, docs/import.md
 * "Columns"), header id_number,time,direction,checkpoint and default
 * checkpoint cp_p:
 *   line 2: four cells: stored (in at 08:00);
 *   line 3: a fifth cell "extra": refused, field "row", naming cell 5 and
 *           the 4 columns; the other rows still go in;
 *   line 4: a fifth cell left blank (a trailing comma): nothing lost,
 *           stored (out at 08:10);
 *   line 5: three cells, the checkpoint left out as Excel leaves out the
 *           commas of trailing blank cells: read as blank, so the file's
 *           checkpoint cp_p: stored (in at 08:20);
 *   line 6: two cells, the direction left out: blank, and a blank
 *           direction is refused (field "direction") as it is when the
 *           cell is there and empty.
 * Three scans in all, each at cp_p. */
static void
test_ledger_cell_count(void **state)
{
	cpfix *f = *state;
	static const char ledger[] = "id_number,time,direction,checkpoint\n"
	    "%s,2024-03-02 08:00,in,%lld\n"
	    "%s,2024-03-02 08:05,in,%lld,extra\n"
	    "%s,2024-03-02 08:10,out,%lld,\n"
	    "%s,2024-03-02 08:20,in\n"
	    "%s,2024-03-02 08:30\n";
	long long p = f->cp_p;
	const char *id = f->id_resident;
	char text[1024], sql[128];
	scan_import *im;
	sj_err e = {0};

	snprintf(text, sizeof text, ledger, id, p, id, p, id, p, id, id);
	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
	assert_int_equal(jimport_ledger(text, strlen(text), LEDGER_CSV, f->cp_p, im, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	const import_report *rp = scan_import_report(im);
	assert_int_equal(rp->accepted, 3);
	assert_int_equal(rp->rejected, 2);
	assert_int_equal(rp->n_rejects, 2);
	assert_int_equal(rp->rejects[0].line, 3);
	assert_string_equal(rp->rejects[0].field, "row");
	assert_string_equal(rp->rejects[0].msg, "cell 5 ('extra') is beyond the header's 4 "
	    "columns: a cell too many, or a row shifted?");
	assert_int_equal(rp->rejects[1].line, 6);
	assert_string_equal(rp->rejects[1].field, "direction");
	scan_import_free(im);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM scan WHERE checkpoint_id = %lld", p);
	assert_int_equal(count(f, sql), 3);
	assert_int_equal(count(f, CPFIX_COUNT_SCANS), 3);
}

static void
test_encoding_error(void **state)
{
	cpfix *f = *state;
	/* 0xFF never occurs in UTF-8, nor as a GB18030 lead byte */
	static const char bad[] = "姓名,电话,时间\n\xff\xfe,13912345678,2024-03-02 00:30\n";
	import_report r;
	sj_err e = {0};

	assert_int_equal(import_ledger(f, bad, sizeof bad - 1, f->cp_p, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "file");
	assert_non_null(strstr(e.msg, "neither UTF-8 nor GB18030"));
	assert_int_equal(r.rows, 0);
	assert_int_equal(count(f, CPFIX_COUNT_SCANS), 0);
}

/* Excel's "Unicode Text" is UTF-16 with a byte order mark: refused whole,
 * field "file", saying UTF-16 and how to save it instead (not a stray
 * byte 0x00 at some offset).  "姓名" is U+59D3 U+540D, written out by hand
 * in both byte orders. */
static void
test_utf16_named(void **state)
{
	static const char le[] = "\xff\xfe\xd3\x59\x0d\x54\n\0";
	static const char be[] = "\xfe\xff\x59\xd3\x54\x0d\0\n";
	const char *files[2] = { le, be };
	(void)state;
	for (int i = 0; i < 2; i++) {
		ledger_encoding enc;
		char *text = NULL;
		size_t n;
		sj_err e = {0};
		assert_int_equal(ledger_decode(files[i], 8, &text, &n, &enc, &e), SJ_EINVAL);
		assert_null(text);
		assert_string_equal(e.field, "file");
		assert_non_null(strstr(e.msg, "is UTF-16"));
		assert_non_null(strstr(e.msg, "CSV UTF-8"));
	}
}

/* ---- time ------------------------------------------------------------------------------- */

static void
test_local_day_whatever_tz(void **state)
{
	cpfix *f = *state;
	static const char ledger[] = "身份证号,时间,方向\n%s,2024-03-02 00:30,in\n";
	const char *tzs[2] = { "America/New_York", "UTC" };
	sj_date d1 = dt_date_from_ymd(2024, 3, 1), d2 = dt_date_from_ymd(2024, 3, 2);
	static const char sql[] = "SELECT count(*) FROM scan WHERE at = 1709310600";
	char text[256];
	import_report r;
	sj_err e = {0};

	snprintf(text, sizeof text, ledger, f->id_resident);
	for (int i = 0; i < 2; i++) {
		int64_t cin[2], cout[2];
		/* the process's own TZ, then the deployment's zone as start-up sets it */
		setenv("TZ", tzs[i], 1);
		tzset();
		assert_int_equal(dt_zone_set("Asia/Shanghai", &e), SJ_OK);
		assert_int_equal(import_ledger(f, text, strlen(text), f->cp_p, &r, &e), SJ_OK);
		assert_int_equal(r.accepted + r.duplicates, 1);
		assert_int_equal(count(f, sql), 1);
		assert_int_equal(scan_daily(f->s, &scope_system, f->place_p, 0, d1, d2, cin, cout, &e),
		    SJ_OK);
		assert_int_equal(cin[0], 0);
		assert_int_equal(cin[1], 1);
	}
}

/* ---- stays ------------------------------------------------------------------------------- */

typedef struct span_t { int64_t entry, exit, recorded; } span_t;  /* no padding: compared whole */

static size_t
stays_of(cpfix *f, int64_t person_id, int64_t place, span_t *out, size_t max)
{
	static const char sql[] = "SELECT entry_at, exit_at, exit_recorded FROM stay"
	    " WHERE person_id = ?1 AND place_id = ?2 ORDER BY entry_at";
	store_stmt *st;
	size_t n = 0;
	bool row;
	sj_err e = {0};

	assert_int_equal(store_prepare(f->s, sql, &st, &e), SJ_OK);
	store_bind_int(st, 1, person_id);
	store_bind_int(st, 2, place);
	while (store_step(st, &row, &e) == SJ_OK && row)
		if (n < max)
			out[n++] = (span_t){ store_col_int(st, 0), store_col_int(st, 1),
			    store_col_int(st, 2) };
	return n;
}

static void
test_batch_stays_as_live(void **state)
{
	cpfix *f = *state;
	/* 便民超市 (place q) records entries only, default stay 3600 s; the
	 * re-entry window is 600 s.  Entries at 09:00, 09:05, 09:30, 12:00:
	 *   09:00 opens [09:00, 10:00);
	 *   09:05 is within 600 s of that entry: the same stay;
	 *   09:30 is 1800 s after it: a new stay [09:30, 10:30), and the first
	 *         is cut to end at 09:30;
	 *   12:00 opens [12:00, 13:00).
	 * The file lists them out of order: the import applies them in time
	 * order. */
	static const char ledger[] = "time,direction,id_number\n"
	    "2024-03-02 12:00,in,%s\n2024-03-02 09:05,in,%s\n"
	    "2024-03-02 09:00,in,%s\n2024-03-02 09:30,in,%s\n";
	const int64_t t9 = AT_0030 + 8 * 3600 + 1800;   /* 09:00 local */
	const int64_t when[4] = { t9, t9 + 300, t9 + 1800, t9 + 3 * 3600 };
	const span_t want[3] = { { t9, t9 + 1800, 0 }, { t9 + 1800, t9 + 5400, 0 },
	    { t9 + 3 * 3600, t9 + 4 * 3600, 0 } };
	char id2[19], text[512];
	int64_t other = cpfix_person(f, "周五", "37091119800101010", id2, 0, f->unit_a, "resident",
	    NULL);
	span_t got[8], live[8];
	import_report r;
	scan_result res;
	sj_err e = {0};
	const char *id = f->id_resident;

	snprintf(text, sizeof text, ledger, id, id, id, id);
	assert_int_equal(import_ledger(f, text, strlen(text), f->cp_q, &r, &e), SJ_OK);
	assert_int_equal(r.accepted, 4);
	assert_int_equal(r.stays, 3);
	assert_int_equal(stays_of(f, f->resident, f->place_q, got, 8), 3);
	assert_memory_equal(got, want, sizeof want);
	/* the live path, scan by scan, gives the same stays */
	for (int i = 0; i < 4; i++) {
		scan_input in = { .checkpoint_id = f->cp_q, .person_id = other, .direction = SCAN_IN,
		    .at = when[i], .source = SCAN_SRC_ATTENDANT };
		assert_int_equal(scan_record(f->s, f->keys, &f->settings, &scope_system, &in,
		    when[i] + 60, &res, &e), SJ_OK);
	}
	assert_int_equal(stays_of(f, other, f->place_q, live, 8), 3);
	assert_memory_equal(live, want, sizeof want);
	/* importing again adds nothing */
	assert_int_equal(import_ledger(f, text, strlen(text), f->cp_q, &r, &e), SJ_OK);
	assert_int_equal(r.accepted, 0);
	assert_int_equal(r.duplicates, 4);
	assert_int_equal(stays_of(f, f->resident, f->place_q, got, 8), 3);
}

/* Rows of people registered nowhere (an identity number of no person: the
 * scan keeps the number's place only, person_id NULL) are duplicates when
 * checkpoint, number, time and direction repeat (issue 5: "import is
 * idempotent by (checkpoint, person, time, direction)").  By hand: the
 * stranger in at 09:00 twice (the second a duplicate), another stranger in
 * at 09:00, the first out at 09:00 and in at 09:05 — 4 accepted, 1
 * duplicate, 4 scans of no person; the same file again: 0 accepted, 5
 * duplicates.  Rows of one instant lie side by side in the sorted batch;
 * the repeats are found among them (plan_unknown).  On PostgreSQL the
 * import of such rows failed until the ninth session: the look-up of the
 * stored ones ran inside the batch's COPY. */
static void
test_unknown_people_duplicates(void **state)
{
	cpfix *f = *state;
	static const char ledger[] = "time,direction,id_number\n"
	    "2024-03-02 09:00,in,%s\n2024-03-02 09:05,in,%s\n2024-03-02 09:00,in,%s\n"
	    "2024-03-02 09:00,out,%s\n2024-03-02 09:00,in,%s\n";
	const char *none = "SELECT count(*) FROM scan WHERE person_id IS NULL";
	char other[19], text[512], sql[2][160];
	import_report r;
	sj_err e = {0};
	const char *id = f->id_stranger;

	cpfix_id("44030119880808013", other);  /* registered nowhere either */
	snprintf(text, sizeof text, ledger, id, id, other, id, id);
	assert_int_equal(import_ledger(f, text, strlen(text), f->cp_p, &r, &e), SJ_OK);
	assert_int_equal(r.accepted, 4);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(count(f, none), 4);
	/* the entries are alerts (an unregistered outsider entering), each
	 * with the masked number (ident.h: the first and last 4 characters
	 * kept, the 10 between '*'): the stranger's two, the other's one */
	snprintf(sql[0], sizeof sql[0], "SELECT count(*) FROM alert WHERE person_id IS NULL AND"
	    " detail = '%.4s**********%s'", id, id + 14);
	assert_int_equal(count(f, sql[0]), 2);
	/* (another text: the store caches a statement by its text's address) */
	snprintf(sql[1], sizeof sql[1], "SELECT count(*) FROM alert WHERE person_id IS NULL AND"
	    " detail = '%.4s**********%s'", other, other + 14);
	assert_int_equal(count(f, sql[1]), 1);
	assert_int_equal(import_ledger(f, text, strlen(text), f->cp_p, &r, &e), SJ_OK);
	assert_int_equal(r.accepted, 0);
	assert_int_equal(r.duplicates, 5);
	assert_int_equal(count(f, none), 4);
}

static void
test_rejected_rows(void **state)
{
	cpfix *f = *state;
	/* Line 2 passes.  Line 3: no such time.  Line 4: a direction that is
	 * none.  Line 5: name and mobile of no one on record.  Line 6: 38.0 °C
	 * is a fever (≥ 37.3): stored, with an alert.  Line 7: an exit at
	 * 09:30 before the 10:00 entry of the open stay stored below. */
	static const char ledger[] = "检查点,身份证号,姓名,手机,时间,方向,体温,备注\n"
	    "%lld,%s,,,2024-03-02 08:00,进,36.5,x\n"
	    "%lld,%s,,,2024-02-30 08:00,进,,\n"
	    "%lld,%s,,,2024-03-02 08:10,上,,\n"
	    "%lld,,无名,13800000000,2024-03-02 08:20,进,,\n"
	    "%lld,%s,,,2024-03-02 08:30,进,38.0,\n"
	    "%lld,%s,,,2024-03-02 09:30,出,,\n";
	long long p = f->cp_p, r_cp = f->cp_r;
	char text[1024];
	import_report r;
	scan_result res;
	sj_err e = {0};
	scan_input in = { .checkpoint_id = f->cp_r, .person_id = f->visitor, .direction = SCAN_IN,
	    .at = AT_0030 + 9 * 3600 + 1800, .source = SCAN_SRC_ATTENDANT };
	scan_import *im;

	assert_int_equal(scan_record(f->s, f->keys, &f->settings, &scope_system, &in,
	    in.at + 60, &res, &e), SJ_OK);
	snprintf(text, sizeof text, ledger, p, f->id_resident, p, f->id_resident, p,
	    f->id_resident, p, p, f->id_key, r_cp, f->id_visitor);
	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
	assert_int_equal(jimport_ledger(text, strlen(text), LEDGER_CSV, 0, im, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	{
		const import_report *rp = scan_import_report(im);
		assert_int_equal(rp->rows, 6);
		assert_int_equal(rp->accepted, 2);
		assert_int_equal(rp->rejected, 4);
		assert_int_equal(rp->alerts, 1);
		assert_int_equal(rp->n_rejects, 4);
		assert_int_equal(rp->rejects[0].line, 3);
		assert_string_equal(rp->rejects[0].field, "time");
		assert_int_equal(rp->rejects[1].line, 4);
		assert_string_equal(rp->rejects[1].field, "direction");
		assert_int_equal(rp->rejects[2].line, 5);
		assert_string_equal(rp->rejects[2].field, "name");
		assert_int_equal(rp->rejects[3].line, 7);
		assert_string_equal(rp->rejects[3].field, "time");
		r = *rp;
	}
	scan_import_free(im);
	assert_int_equal(count(f, CPFIX_COUNT_ALERTS), 1);
	(void)r;
}

/* People named ahead (scan_import_people_hint, as checkins.c does after
 * its first pass) are read at the start of each batch, inside its own
 * transaction, when they are no more than its rows (on SQLite; PostgreSQL
 * reads a batch's people in one join anyway: no loads there).  The hint
 * holds the quarantined person, the resident and an id of no person; its
 * tag is removed after the hint was given and before the import's first
 * batch, so their exit passes with no alert: the facts are the batch's,
 * not the hint's time's.  A row of the id of no one is refused (person_id)
 * as without a hint.  Batches of 3 rows (refused rows do not count), 5
 * rows: 2 batches, each loaded; with batches of 2 the 3 hinted ids are
 * more than a batch's rows: none loaded. */
static void
test_people_hint(void **state)
{
	cpfix *f = *state;
	const char *untag = "DELETE FROM person_tag WHERE person_id = ?1 AND tag = 'home_quarantine'";
	const char *q_alerts = "SELECT count(*) FROM alert";
	bool lite = !store_round_trips(f->s);
	int64_t alerts0 = count(f, q_alerts);
	store_stmt *st;
	scan_import *im;
	sj_err e = {0};

	assert_int_equal(store_prepare(f->s, untag, &st, &e), SJ_OK);
	store_bind_int(st, 1, f->quarantined);
	for (int batch_rows = 3; batch_rows >= 2; batch_rows--) {
		int64_t *ids = malloc(3 * sizeof *ids), at = AT_0030 + 3600 * (batch_rows + 1);
		scan_input rows[5] = {
			{ .checkpoint_id = f->cp_p, .person_id = f->quarantined, .direction = SCAN_IN },
			{ .checkpoint_id = f->cp_p, .person_id = f->resident, .direction = SCAN_IN },
			{ .checkpoint_id = f->cp_p, .person_id = 999999, .direction = SCAN_IN },
			{ .checkpoint_id = f->cp_p, .person_id = f->quarantined, .direction = SCAN_OUT },
			{ .checkpoint_id = f->cp_p, .person_id = f->resident, .direction = SCAN_OUT },
		};
		const import_report *r;

		ids[0] = f->resident < f->quarantined ? f->resident : f->quarantined;
		ids[1] = f->resident < f->quarantined ? f->quarantined : f->resident;
		ids[2] = 999999;
		assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
		    AT_0030 + 86400, &(import_options){ .batch_rows = batch_rows }, &im, &e), SJ_OK);
		scan_import_people_hint(im, ids, 3);
		if (batch_rows == 3)   /* after the hint, before any batch */
			assert_int_equal(store_run(st, &e), SJ_OK);
		for (int i = 0; i < 5; i++) {
			rows[i].at = at + 60 * i;
			assert_int_equal(scan_import_add(im, i + 2, &rows[i], NULL, NULL, &e), SJ_OK);
		}
		assert_int_equal(scan_import_finish(im, &e), SJ_OK);
		r = scan_import_report(im);
		assert_int_equal(r->accepted, 4);
		assert_int_equal(r->rejected, 1);
		assert_int_equal(r->n_rejects, 1);
		assert_int_equal(r->rejects[0].line, 4);
		assert_string_equal(r->rejects[0].field, "person_id");
		assert_int_equal(r->alerts, 0);
		assert_int_equal(scan_import_hint_loads(im), lite && batch_rows == 3 ? 2 : 0);
		scan_import_free(im);
	}
	assert_int_equal(count(f, q_alerts), alerts0);
}

/* C heap bytes in use: glibc's arenas and its mmapped chunks (mallinfo2). */
static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* The heap an import holds after checking n exits of one person at cp_p,
 * one a second, in one batch not yet written; *alerts: the alerts the
 * import then raised. */
static size_t
heap_of_exits(cpfix *f, int64_t person_id, int n, int64_t *alerts)
{
	scan_import *im;
	sj_err e = {0};
	size_t before, held;
	scan_input out = { .checkpoint_id = f->cp_p, .person_id = person_id,
	    .direction = SCAN_OUT };

	malloc_trim(0);
	before = heap_in_use();
	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){ .batch_rows = 4 * n, .dry_run = true }, &im, &e),
	    SJ_OK);
	for (int i = 0; i < n; i++) {
		out.at = AT_0030 + i;
		assert_int_equal(scan_import_add(im, i + 2, &out, NULL, NULL, &e), SJ_OK);
	}
	held = heap_in_use() - before;
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	assert_int_equal(scan_import_report(im)->accepted, n);
	*alerts = scan_import_report(im)->alerts;
	scan_import_free(im);
	return held;
}

/* The alerts f->s holds of times [from, to), as text: each one's place,
 * checkpoint, person, reasons, decision, temperature, detail and time of
 * day, and whether its scan is the scan of its place, checkpoint and
 * time; in order of time. */
static void
alerts_from(cpfix *f, int64_t from, int64_t to, char *out, size_t n)
{
	static const char sql[] = "SELECT a.place_id, a.checkpoint_id, coalesce(a.person_id, 0),"
	    " a.reasons, a.decision, coalesce(a.temperature, 0), coalesce(a.detail, ''),"
	    " a.at % 86400, (SELECT count(*) FROM scan s WHERE s.id = a.scan_id"
	    " AND s.place_id = a.place_id AND s.checkpoint_id = a.checkpoint_id AND s.at = a.at)"
	    " FROM alert a WHERE a.at >= ?1 AND a.at < ?2 ORDER BY a.at";
	store_stmt *st;
	size_t k = 0;
	bool row;
	sj_err e = {0};

	out[0] = '\0';
	assert_int_equal(store_prepare(f->s, sql, &st, &e), SJ_OK);
	store_bind_int(st, 1, from);
	store_bind_int(st, 2, to);
	while (store_step(st, &row, &e) == SJ_OK && row && k < n)
		k += (size_t)snprintf(out + k, n - k, "%lld|%lld|%lld|%lld|%lld|%lld|%s|%lld|%lld;",
		    (long long)store_col_int(st, 0), (long long)store_col_int(st, 1),
		    (long long)store_col_int(st, 2), (long long)store_col_int(st, 3),
		    (long long)store_col_int(st, 4), (long long)store_col_int(st, 5),
		    store_col_text(st, 6), (long long)store_col_int(st, 7),
		    (long long)store_col_int(st, 8));
}

/* An imported row's alert is the alert the live path raises for the same
 * scan (alert_of_row against scan_alert_of): at 华新新干线小区 (cp_p) the
 * resident in with 38.0 °C (a fever), the home-quarantined person out (a
 * denial, no temperature), a stranger registered nowhere in with 38.5 °C
 * (an unregistered outsider and a fever: the masked number as detail)
 * and the resident in again at 36.5 °C (no alert): imported in one batch
 * on one day, then scanned live a day later, the two days' alerts agree
 * field by field, each naming its own scan. */
static void
test_alerts_as_live(void **state)
{
	cpfix *f = *state;
	const int64_t t = AT_0030 + 9 * 3600, day = 86400;
	const scan_input rows[4] = {
		{ .checkpoint_id = f->cp_p, .person_id = f->resident, .direction = SCAN_IN,
		  .at = t, .temperature = 380 },
		{ .checkpoint_id = f->cp_p, .person_id = f->quarantined, .direction = SCAN_OUT,
		  .at = t + 60 },
		{ .checkpoint_id = f->cp_p, .id_number = f->id_stranger, .direction = SCAN_IN,
		  .at = t + 120, .temperature = 385 },
		{ .checkpoint_id = f->cp_p, .person_id = f->resident, .direction = SCAN_IN,
		  .at = t + 1800, .temperature = 365 },
	};
	char imported[1024], live[1024], want[96];
	scan_import *im;
	scan_result res;
	sj_err e = {0};

	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    t + 2 * day, &(import_options){0}, &im, &e), SJ_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(scan_import_add(im, i + 2, &rows[i], NULL, NULL, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	assert_int_equal(scan_import_report(im)->accepted, 4);
	assert_int_equal(scan_import_report(im)->alerts, 3);
	scan_import_free(im);
	for (int i = 0; i < 4; i++) {
		scan_input in = rows[i];
		in.at += day;
		in.source = SCAN_SRC_ATTENDANT;
		assert_int_equal(scan_record(f->s, f->keys, &f->settings, &scope_system, &in,
		    t + 2 * day, &res, &e), SJ_OK);
	}
	alerts_from(f, t, t + day, imported, sizeof imported);
	alerts_from(f, t + day, t + 2 * day, live, sizeof live);
	assert_string_equal(imported, live);
	/* the live ones as worked out: three, with the temperatures, a
	 * detail for the stranger only (the masked number: ident.h), each
	 * naming its scan */
	snprintf(want, sizeof want, "|380||%lld|1;", (long long)(t % day));
	assert_non_null(strstr(live, want));
	snprintf(want, sizeof want, "|0||%lld|1;", (long long)((t + 60) % day));
	assert_non_null(strstr(live, want));
	snprintf(want, sizeof want, "|385|%.4s**********%s|%lld|1;", f->id_stranger,
	    f->id_stranger + 14, (long long)((t + 120) % day));
	assert_non_null(strstr(live, want));
	assert_int_equal(count(f, "SELECT count(*) FROM alert WHERE detail LIKE '%*%'"), 2);
}

/* A row that raises an alert costs the batch no more memory than one that
 * does not (for a registered person; an unregistered one's masked number,
 * 19 bytes): it kept a whole scan_prepared, 584 bytes, outside the budget
 * of scan_import_batch_rows (~700 MiB for a million rows of a quarantined
 * person, where the budget is 158).  8 × 4,096 exits of the quarantined
 * person (each denied with an alert: screening.h, home quarantine) against
 * as many of the resident (no alert), both checked and held, unwritten, in
 * one batch (a dry run): the difference must stay under 64 bytes a row
 * (it was ~600).  SQLite: on PostgreSQL the rows wait unchecked until the
 * batch is full (scan_import_add), so neither holds any. */
static void
test_alerts_memory(void **state)
{
	cpfix *f = *state;
	const int n = 8 * 4096;
	int64_t alerts_q = -1, alerts_r = -1;
	size_t quarantined, resident;

	if (store_round_trips(f->s))
		skip();
	resident = heap_of_exits(f, f->resident, n, &alerts_r);
	quarantined = heap_of_exits(f, f->quarantined, n, &alerts_q);
	assert_int_equal(alerts_r, 0);
	assert_int_equal(alerts_q, n);
	if (quarantined > resident)
		assert_in_range(quarantined - resident, 0, (size_t)n * 64);
}

/* The duplicate check of a row looks at a few of its pair's scans, not at
 * all of them (scan_import.c seen_before: it did, and 600,000 rows of one
 * person at one checkpoint took 60 s, 200,000 7.8 s).  5,000 entries of
 * the resident at cp_p, one a second: each is new, and is compared with
 * the row before it only (≤ 2 looks a row); imported again, each is a
 * duplicate of a stored scan, found by a binary search of the 5,000 by
 * time (≤ 13 looks) and a look at the one at its second (≤ 20 a row in
 * all).  Each was compared with every scan of the pair before it:
 * ~12,500,000 looks an import. */
static void
test_dup_check_per_pair(void **state)
{
	cpfix *f = *state;
	const int n = 5000;
	scan_import *im;
	sj_err e = {0};
	scan_input in = { .checkpoint_id = f->cp_p, .person_id = f->resident,
	    .direction = SCAN_IN };

	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
		    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
		for (int i = 0; i < n; i++) {
			in.at = AT_0030 + i;
			assert_int_equal(scan_import_add(im, i + 2, &in, NULL, NULL, &e), SJ_OK);
		}
		assert_int_equal(scan_import_finish(im, &e), SJ_OK);
		assert_int_equal(scan_import_report(im)->accepted, pass == 0 ? n : 0);
		assert_int_equal(scan_import_report(im)->duplicates, pass == 0 ? 0 : n);
		assert_in_range(scan_import_dup_probes(im), 1, (pass == 0 ? 2 : 20) * (int64_t)n);
		scan_import_free(im);
	}
}

/* A row's stay plan is given the neighbours of its time only, not every
 * stay of its pair (scan_import.c span_neighbours: with all of them,
 * 40,000 entries of one person at one checkpoint, each its own stay, took
 * 1.6 s, 10,000 0.09 s).  5,000 entries of the resident at cp_p, 700 s
 * apart, more than the re-entry window (600 s): each opens a stay
 * (domain/stay.h), 5,000 in all, and each plan gets at most its
 * predecessor (the latest stay, the one before it): ≤ 1 a row; they were
 * 0 + 1 + ... + 4,999 = 12,497,500.  That the stays are those the live
 * path makes is test_batch_stays_as_live's (and tests/cli/import_overlap.sh
 * compares every stay with the sequential import's). */
static void
test_plan_spans_per_row(void **state)
{
	cpfix *f = *state;
	const int n = 5000;
	scan_import *im;
	sj_err e = {0};
	scan_input in = { .checkpoint_id = f->cp_p, .person_id = f->resident,
	    .direction = SCAN_IN };

	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
	for (int i = 0; i < n; i++) {
		in.at = AT_0030 - (int64_t)700 * n + 700 * i;
		assert_int_equal(scan_import_add(im, i + 2, &in, NULL, NULL, &e), SJ_OK);
	}
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	assert_int_equal(scan_import_report(im)->accepted, n);
	assert_int_equal(scan_import_report(im)->stays, n);
	assert_in_range(scan_import_plan_spans(im), 0, n);
	scan_import_free(im);
}

/* Of the neighbours a plan gets, the latest stay of all counts even when
 * another lies between it and the row (stay.c plan_exit: an exit before
 * the entry of the person's open stay is refused).  Stored: a stay at cp_p
 * (which records exits) entered at t1 and left at t1 + 100, then one
 * entered at t2 and still open.  Imported next: an exit at t0 < t1 —
 * before the open stay's entry, with no stay open before it: rejected,
 * field time. */
static void
test_plan_latest_stay(void **state)
{
	cpfix *f = *state;
	const int64_t t0 = AT_0030 - 7200, t1 = AT_0030 - 3600, t2 = AT_0030;
	scan_import *im;
	sj_err e = {0};
	scan_input in = { .checkpoint_id = f->cp_p, .person_id = f->resident };
	const struct { scan_direction d; int64_t at; } stored[] = {
		{ SCAN_IN, t1 }, { SCAN_OUT, t1 + 100 }, { SCAN_IN, t2 },
	};

	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
	for (int i = 0; i < 3; i++) {
		in.direction = stored[i].d;
		in.at = stored[i].at;
		assert_int_equal(scan_import_add(im, i + 2, &in, NULL, NULL, &e), SJ_OK);
	}
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	assert_int_equal(scan_import_report(im)->accepted, 3);
	assert_int_equal(scan_import_report(im)->stays, 2);
	scan_import_free(im);

	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
	    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
	in.direction = SCAN_OUT;
	in.at = t0;
	assert_int_equal(scan_import_add(im, 2, &in, NULL, NULL, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	assert_int_equal(scan_import_report(im)->accepted, 0);
	assert_int_equal(scan_import_report(im)->rejected, 1);
	assert_int_equal(scan_import_report(im)->n_rejects, 1);
	assert_string_equal(scan_import_report(im)->rejects[0].field, "time");
	assert_non_null(strstr(scan_import_report(im)->rejects[0].msg, "before the entry"));
	scan_import_free(im);
}

/* At 便民超市 (place q: entries only, default stay 3600 s, re-entry window
 * 600 s) the resident's entry at when[0] imported alone, then the entries
 * when[1..n) in one batch: the resident's stays there must be want[0..m),
 * and another person's scans at the same times, live and in the same
 * order, must give the same. */
static void
plan_by_hand(cpfix *f, const int64_t *when, int n, const span_t *want, size_t m,
    const char *id17)
{
	char id2[19];
	int64_t other = cpfix_person(f, "周六", id17, id2, 0, f->unit_a, "resident", NULL);
	scan_input in = { .checkpoint_id = f->cp_q, .person_id = f->resident,
	    .direction = SCAN_IN };
	span_t got[8], live[8];
	scan_import *im;
	scan_result res;
	sj_err e = {0};

	for (int b = 0; b < 2; b++) {   /* the stored entry, then the batch */
		assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
		    AT_0030 + 86400, &(import_options){0}, &im, &e), SJ_OK);
		for (int i = b ? 1 : 0; i < (b ? n : 1); i++) {
			in.at = when[i];
			assert_int_equal(scan_import_add(im, i + 2, &in, NULL, NULL, &e), SJ_OK);
		}
		assert_int_equal(scan_import_finish(im, &e), SJ_OK);
		assert_int_equal(scan_import_report(im)->accepted, b ? n - 1 : 1);
		scan_import_free(im);
	}
	assert_int_equal(stays_of(f, f->resident, f->place_q, got, 8), m);
	assert_memory_equal(got, want, m * sizeof *want);
	for (int i = 0; i < n; i++) {
		scan_input li = { .checkpoint_id = f->cp_q, .person_id = other, .direction = SCAN_IN,
		    .at = when[i], .source = SCAN_SRC_ATTENDANT };
		assert_int_equal(scan_record(f->s, f->keys, &f->settings, &scope_system, &li,
		    AT_0030 + 86400, &res, &e), SJ_OK);
	}
	assert_int_equal(stays_of(f, other, f->place_q, live, 8), m);
	assert_memory_equal(live, want, m * sizeof *want);
}

/* A stay a batch opens goes among the pair's stays in order of entry, so
 * the next row of the batch finds its neighbours by their entries
 * (span_neighbours' binary search).  By hand (plan_by_hand): stored, an
 * entry at T, its stay [T, T + 3600).  Imported next, in one batch: an
 * entry at T - 900, 900 s before the stored stay: a new stay, cut short
 * by the stored one, [T - 900, T); an entry at T - 400, 500 s after that
 * new stay's entry: the same stay (stay.c plan_entry), which it is only
 * if the plan is given the new stay as its neighbour.  A new stay
 * appended after the stored one was not found, and T - 400 became the
 * stored stay's opening scan: [T - 400, T + 3600), overlapping
 * [T - 900, T). */
static void
test_plan_new_stay_in_order(void **state)
{
	const int64_t t = AT_0030 + 9 * 3600, when[3] = { t, t - 900, t - 400 };
	const span_t want[2] = { { t - 900, t, 0 }, { t, t + 3600, 0 } };

	plan_by_hand(*state, when, 3, want, 2, "37091119800101020");
}

/* A stored stay a batch's row demotes (an entry within the re-entry
 * window before it becomes its opening scan) leaves the pair's stays:
 * the next row no longer finds it.  By hand (plan_by_hand): stored, an
 * entry at T, its stay [T, T + 3600).  Imported next, in one batch: an
 * entry at T - 300, which takes that stay over: [T - 300, T + 3600), the
 * entry at T now joining it; an entry at T + 700, 1,000 s after the
 * stay's new entry: a new stay [T + 700, T + 4300), cutting the first to
 * [T - 300, T + 700).  A demoted stay left among the spans was found
 * instead (entry T, 700 s before): cut to [T, T + 700), a stay again,
 * while [T - 300, T + 3600) overlapped both. */
static void
test_plan_demoted_stay_gone(void **state)
{
	const int64_t t = AT_0030 + 9 * 3600, when[3] = { t, t - 300, t + 700 };
	const span_t want[2] = { { t - 300, t + 700, 0 }, { t + 700, t + 4300, 0 } };

	plan_by_hand(*state, when, 3, want, 2, "37091119800101030");
}

/* An attendant may import only at the checkpoint they attend. */
static void
test_attendant_scope(void **state)
{
	cpfix *f = *state;
	static const char ledger[] = "checkpoint,id_number,time,direction\n"
	    "%lld,%s,2024-03-02 08:00,in\n%lld,%s,2024-03-02 08:00,in\n";
	char text[512];
	scan_import *im;
	sj_err e = {0};

	snprintf(text, sizeof text, ledger, (long long)f->cp_p, f->id_resident,
	    (long long)f->cp_q, f->id_resident);
	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &f->attendant_scope,
	    AT_0030 + 86400, &(import_options){ .operator_id = f->attendant }, &im, &e), SJ_OK);
	assert_int_equal(jimport_ledger(text, strlen(text), LEDGER_CSV, 0, im, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	assert_int_equal(scan_import_report(im)->accepted, 1);
	assert_int_equal(scan_import_report(im)->rejected, 1);
	assert_string_equal(scan_import_report(im)->rejects[0].field, "checkpoint");
	scan_import_free(im);
}

static void
test_ndjson(void **state)
{
	cpfix *f = *state;
	static const char ledger[] =
	    "{\"checkpoint\": %lld, \"id_number\": \"%s\", \"time\": \"2024-03-02T00:30:00+08:00\","
	    " \"direction\": \"in\", \"temperature\": 36.6}\n"
	    "\n"
	    "[1, 2]\n"
	    "{\"checkpoint\": %lld, \"id_number\": {}, \"time\": \"2024-03-02T00:30:00+08:00\"}\n";
	static const char sql[] = "SELECT count(*) FROM scan WHERE at = 1709310600 AND temperature = 366";
	char text[512];
	import_report r;
	sj_err e = {0};

	snprintf(text, sizeof text, ledger, (long long)f->cp_p, f->id_resident, (long long)f->cp_p);
	assert_int_equal(import_ledger(f, text, strlen(text), 0, &r, &e), SJ_OK);
	assert_int_equal(r.rows, 3);
	assert_int_equal(r.accepted, 1);
	assert_int_equal(r.rejected, 2);
	assert_int_equal(count(f, sql), 1);
}

/* ---- the store's bulk insert ------------------------------------------------------------ */

static void
test_store_bulk(void **state)
{
	cpfix *f = *state;
	static const char *const cols[] = { "a", "b" };
	static const char sum_sql[] = "SELECT sum(a) + count(b) FROM bulk_t";
	store_bulk *b;
	sj_err e = {0};

	assert_int_equal(store_exec(f->s, "CREATE TABLE bulk_t (a BIGINT NOT NULL PRIMARY KEY,"
	    " b BIGINT)", &e), SJ_OK);
	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	assert_int_equal(store_bulk_begin(f->s, "bulk_t", cols, 2, &b, &e), SJ_OK);
	/* 1..200: 3 full 64-row statements and 8 single rows on SQLite; b
	 * NULL for even a */
	for (int64_t a = 1; a <= 200; a++) {
		int64_t v[2] = { a, a % 2 ? -a : STORE_BULK_NULL };
		assert_int_equal(store_bulk_row(b, v, &e), SJ_OK);
	}
	assert_int_equal(store_bulk_end(b, NULL, &e), SJ_OK);
	assert_int_equal(store_commit(f->s, &e), SJ_OK);
	/* sum 1..200 = 20100, plus 100 non-NULL b */
	assert_int_equal(count(f, sum_sql), 20200);
	/* a duplicate key fails the bulk insert and spoils the transaction */
	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	assert_int_equal(store_bulk_begin(f->s, "bulk_t", cols, 2, &b, &e), SJ_OK);
	{
		int64_t v[2] = { 7, 7 };
		sj_rc rc = store_bulk_row(b, v, &e);
		if (rc == SJ_OK)
			rc = store_bulk_end(b, NULL, &e);
		else
			store_bulk_abort(b);
		assert_int_equal(rc, SJ_ECONFLICT);
	}
	assert_true(store_tx_failed(f->s));
	store_rollback(f->s);
	assert_int_equal(count(f, sum_sql), 20200);
}

/* Typed rows (store_bulk_put): text with the characters COPY's text
 * format escapes, blobs with a NUL, a backslash and a high byte, NULLs and
 * empty values, and an integer row (store_bulk_row) in between; every
 * value read back byte for byte. */
static void
test_store_bulk_put(void **state)
{
	cpfix *f = *state;
	static const char *const cols[] = { "a", "t", "b" };
	static const char get_sql[] = "SELECT t, b FROM bulk_c WHERE a = ?1";
	static const char text[] = "a\tb\\c\nd\re 李";
	static const unsigned char blob[] = { 0x00, 0x5c, 0xff, 0x0a, 0x78 };
	store_stmt *st;
	store_bulk *b;
	const void *got;
	size_t n;
	bool row;
	sj_err e = {0};

	assert_int_equal(store_exec(f->s, store_get_dialect(f->s) == STORE_POSTGRES
	    ? "CREATE TABLE bulk_c (a BIGINT PRIMARY KEY, t TEXT, b BYTEA)"
	    : "CREATE TABLE bulk_c (a INTEGER PRIMARY KEY, t TEXT, b BLOB)", &e), SJ_OK);
	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	assert_int_equal(store_bulk_begin(f->s, "bulk_c", cols, 3, &b, &e), SJ_OK);
	assert_int_equal(store_bulk_put(b, (store_cell[3]){ { .type = STORE_CELL_INT, .i = 1 },
	    { .type = STORE_CELL_TEXT, .p = text },
	    { .type = STORE_CELL_BLOB, .p = blob, .n = sizeof blob } }, &e), SJ_OK);
	assert_int_equal(store_bulk_row(b, (int64_t[3]){ 2, STORE_BULK_NULL, STORE_BULK_NULL }, &e),
	    SJ_OK);
	assert_int_equal(store_bulk_put(b, (store_cell[3]){ { .type = STORE_CELL_INT, .i = 3 },
	    { .type = STORE_CELL_TEXT, .p = "" }, { .type = STORE_CELL_NULL } }, &e), SJ_OK);
	assert_int_equal(store_bulk_end(b, NULL, &e), SJ_OK);
	assert_int_equal(store_commit(f->s, &e), SJ_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM bulk_c"), 3);
	assert_int_equal(store_prepare(f->s, get_sql, &st, &e), SJ_OK);
	store_bind_int(st, 1, 1);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	assert_string_equal(store_col_text(st, 0), text);
	got = store_col_blob(st, 1, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(got, blob, sizeof blob);
	store_reset(st);
	store_bind_int(st, 1, 2);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row && store_col_is_null(st, 0) && store_col_is_null(st, 1));
	store_reset(st);
	store_bind_int(st, 1, 3);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	assert_string_equal(store_col_text(st, 0), "");
	assert_true(store_col_is_null(st, 1));
	store_reset(st);
}

/* person_add_many: the same people person_add would make — name trimmed,
 * identity number and mobile sealed (revealed again), masked and
 * findable, tags once each, the household's unit — and all or nothing on
 * a refused input or a conflict. */
static void
test_person_add_many(void **state)
{
	cpfix *f = *state;
	static const char people_sql[] = "SELECT count(*) FROM person";
	const char *tags[] = { "resident", "elderly", "resident" };
	char idn[19], bad[19];
	person_input in[3] = {
		{ .name = "  赵多 ", .id_number = idn, .mobile = "139 0000 1111", .unit_id = f->unit_a,
		  .tags = tags, .n_tags = 3 },
		{ .name = "back\\slash", .unit_id = f->unit_a },
		{ .name = "孙三", .household_id = f->household },
	};
	int64_t ids[3] = {0}, before, found;
	const char *clear_id, *clear_mobile;
	person p;
	person *hits;
	size_t n_hits;
	arena a;
	sj_err e = {0};

	arena_init(&a);
	cpfix_id("37091119850505005", idn);
	before = count(f, people_sql);
	assert_int_equal(person_add_many(f->s, f->keys, &scope_system, in, 3, 20200323, ids, &e),
	    SJ_OK);
	assert_true(ids[0] > 0 && ids[0] < ids[1] && ids[1] < ids[2]);
	assert_int_equal(count(f, people_sql), before + 3);
	assert_int_equal(person_get(f->s, &scope_system, &a, ids[0], &p, &e), SJ_OK);
	assert_string_equal(p.name, "赵多");
	/* masks: first 4 and last 4 characters of the number, 139****1111 */
	assert_memory_equal(p.id_number_mask, "3709**********", 14);
	assert_string_equal(p.id_number_mask + 14, idn + 14);
	assert_string_equal(p.mobile_mask, "139****1111");
	assert_int_equal(p.unit_id, f->unit_a);
	assert_int_equal(p.n_tags, 2);
	assert_string_equal(p.tags[0], "elderly");
	assert_string_equal(p.tags[1], "resident");
	assert_int_equal(person_reveal(f->s, f->keys, &scope_system, &a, ids[0], &clear_id,
	    &clear_mobile, &e), SJ_OK);
	assert_string_equal(clear_id, idn);
	assert_string_equal(clear_mobile, "+8613900001111");   /* canonical: E.164 */
	assert_int_equal(person_find(f->s, f->keys, &scope_system, &a, idn, 10, &hits, &n_hits, &e),
	    SJ_OK);
	assert_int_equal(n_hits, 1);
	assert_int_equal(hits[0].id, ids[0]);
	found = 0;
	assert_int_equal(person_match(f->s, f->keys, &a, "赵多", "+8613900001111", &found, &e), SJ_OK);
	assert_int_equal(found, ids[0]);
	assert_int_equal(person_get(f->s, &scope_system, &a, ids[1], &p, &e), SJ_OK);
	assert_string_equal(p.name, "back\\slash");
	assert_null(p.id_number_mask);
	assert_int_equal(person_get(f->s, &scope_system, &a, ids[2], &p, &e), SJ_OK);
	assert_int_equal(p.household_id, f->household);
	assert_int_equal(p.unit_id, f->unit_a);   /* the household's (at place P, unit A) */
	/* a refused second input: nothing written, the input named */
	memcpy(bad, idn, sizeof bad);
	bad[17] = bad[17] == '0' ? '1' : '0';     /* a wrong check digit */
	in[1].id_number = bad;
	in[0].id_number = NULL;
	assert_int_equal(person_add_many(f->s, f->keys, &scope_system, in, 2, 20200323, ids, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "id_number");
	assert_non_null(strstr(e.msg, "person 2 of 2"));
	assert_int_equal(count(f, people_sql), before + 3);
	/* an identity number already registered: a conflict, nothing written */
	in[1].id_number = f->id_resident;
	assert_int_equal(person_add_many(f->s, f->keys, &scope_system, in, 2, 20200323, ids, &e),
	    SJ_ECONFLICT);
	assert_string_equal(e.field, "id_number");
	assert_int_equal(count(f, people_sql), before + 3);
	arena_free(&a);
}

/* ---- the import's connection settings and memory ---------------------------------- */

/* One text a statement answers, into out ("" when none). */
static void
query_text(cpfix *f, const char *sql, char *out, size_t n)
{
	store_stmt *st;
	sj_err e = {0};
	bool row = false;

	out[0] = '\0';
	assert_int_equal(store_prepare(f->s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	snprintf(out, n, "%s", store_col_text(st, 0));
	store_reset(st);
}

/* An import tunes its connection and gives the connection's own settings
 * back when it ends (store_bulk_tune / store_bulk_untune), so that a
 * server connection an HTTP import ran on keeps its small page cache.
 * SQLite: the page cache is half of memory_mib, at most 48 MiB
 * (scan_import.h): the default 120 MiB → 48 MiB = cache_size -49152 (KiB), 40 MiB →
 * 20 MiB = -20480; temp_store 2 (MEMORY).  PostgreSQL: work_mem 256MB, and
 * no hash or merge joins (enable_hashjoin, enable_mergejoin off: a batch's
 * joins probe an index a key). */
static void
test_tune_restored(void **state)
{
	cpfix *f = *state;
	bool pg = store_get_dialect(f->s) == STORE_POSTGRES;
	const char *const probe[2] = { pg ? "SELECT current_setting('work_mem')" : "PRAGMA cache_size",
	    pg ? "SELECT current_setting('enable_hashjoin') || ',' || current_setting('enable_mergejoin')"
	    : "PRAGMA temp_store" };
	static const int memory[2] = { 0, 40 };
	static const char *const cache[2] = { "-49152", "-20480" };
	char before[2][64], during[64], after[64];
	scan_import *im;
	sj_err e = {0};

	for (int i = 0; i < 2; i++)
		query_text(f, probe[i], before[i], sizeof before[i]);
	for (int m = 0; m < 2; m++) {
		assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system,
		    AT_0030, &(import_options){ .memory_mib = memory[m] }, &im, &e), SJ_OK);
		query_text(f, probe[0], during, sizeof during);
		assert_string_equal(during, pg ? "256MB" : cache[m]);
		query_text(f, probe[1], during, sizeof during);
		assert_string_equal(during, pg ? "off,off" : "2");
		scan_import_free(im);
		for (int i = 0; i < 2; i++) {
			query_text(f, probe[i], after, sizeof after);
			assert_string_equal(after, before[i]);
		}
	}
	/* and the store is still usable as before */
	assert_int_equal(store_bulk_untune(f->s, &e), SJ_OK);   /* not tuned: nothing */
	query_text(f, probe[0], after, sizeof after);
	assert_string_equal(after, before[0]);
}

/* On SQLite the batch is chosen by memory: with 1 MiB nothing is left for
 * rows beside the page cache, so a batch is IMPORT_BATCH_MIN (10,000)
 * rows and 10,001 rows take two transactions; PostgreSQL keeps its
 * 250,000-row batches (one).  Rows: the resident at checkpoint P, in and
 * out by turns 60 s apart, the last one in: every row is accepted whatever
 * the batch boundaries (each exit closes the entry just before it). */
static void
test_batch_by_memory(void **state)
{
	cpfix *f = *state;
	bool pg = store_get_dialect(f->s) == STORE_POSTGRES;
	enum { N = IMPORT_BATCH_MIN + 1 };
	size_t cap = 64 + (size_t)N * 64, len;
	char *text = malloc(cap);
	int64_t t0 = AT_0030 - (int64_t)N * 60;
	const import_report *r;
	scan_import *im;
	sj_err e = {0};

	assert_non_null(text);
	assert_int_equal(scan_import_batch_rows(1, false), IMPORT_BATCH_MIN);
	assert_int_equal(scan_import_batch_rows(1, true), IMPORT_BATCH_MIN);
	assert_int_equal(scan_import_batch_rows(IMPORT_MEMORY_MAX_MIB, false), IMPORT_BATCH_SQLITE);
	assert_int_equal(scan_import_batch_rows(IMPORT_MEMORY_MAX_MIB, true), IMPORT_BATCH_SQLITE);
	/* the default holds 1,000,000 rows in one batch: 158 MiB less the
	 * 48 MiB cache and the pair reader's 8 MiB is 106,954,752 bytes,
	 * 1,028,411 rows of 104 bytes (a 72-byte row and its 32-byte sort key) */
	assert_int_equal(scan_import_batch_rows(IMPORT_MEMORY_MIB, false), IMPORT_BATCH_SQLITE);
	/* two batches in memory with the overlap: fewer rows a batch */
	assert_true(scan_import_batch_rows(IMPORT_MEMORY_MIB, true) <
	    scan_import_batch_rows(IMPORT_MEMORY_MIB, false));
	len = (size_t)snprintf(text, cap, "检查点,身份证号,时间,方向\n");
	for (int i = 0; i < N; i++) {
		time_t t = (time_t)(t0 + (int64_t)i * 60 + 8 * 3600);   /* local time, UTC+8 */
		struct tm tm;
		gmtime_r(&t, &tm);
		len += (size_t)snprintf(text + len, cap - len, "%lld,%s,%04d-%02d-%02dT%02d:%02d:%02d+08:00,%s\n",
		    (long long)f->cp_p, f->id_resident, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, i % 2 ? "出" : "进");
	}
	assert_int_equal(scan_import_open(f->s, f->keys, &f->settings, &scope_system, AT_0030,
	    &(import_options){ .memory_mib = 1 }, &im, &e), SJ_OK);
	assert_int_equal(jimport_ledger(text, len, LEDGER_CSV, 0, im, &e), SJ_OK);
	assert_int_equal(scan_import_finish(im, &e), SJ_OK);
	r = scan_import_report(im);
	assert_int_equal(r->rows, N);
	assert_int_equal(r->accepted, N);
	assert_int_equal(r->rejected, 0);
	assert_int_equal(r->batches, pg ? 1 : 2);
	scan_import_free(im);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ledger_encodings, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test(test_ledger_line_numbers),
		cmocka_unit_test(test_ledger_quotes),
		cmocka_unit_test_setup_teardown(test_ledger_damaged_names, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_ledger_cell_count, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test(test_utf16_named),
		cmocka_unit_test_setup_teardown(test_encoding_error, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_local_day_whatever_tz, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_batch_stays_as_live, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_people_duplicates, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_rejected_rows, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_people_hint, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_alerts_memory, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_alerts_as_live, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_dup_check_per_pair, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_plan_spans_per_row, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_plan_latest_stay, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_plan_new_stay_in_order, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_plan_demoted_stay_gone, cpfix_state_setup,
		    cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_attendant_scope, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_ndjson, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_store_bulk, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_store_bulk_put, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_person_add_many, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_tune_restored, cpfix_state_setup, cpfix_state_teardown),
		cmocka_unit_test_setup_teardown(test_batch_by_memory, cpfix_state_setup, cpfix_state_teardown),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
