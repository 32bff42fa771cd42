/* Unit tests for domain/report and the shared cell writer domain/sheet
 * (issue 9 "Reports and ledgers"; DESIGN.md §4 "Reports"), on SQLite and,
 * with SIJIN_TEST_DB=pg, PostgreSQL (tests/unit/testdb.h).
 *
 * Workbooks are read back with libzip and expat, not with the library that
 * wrote them: each worksheet's cells with their type (t="inlineStr" text,
 * no t a number), style and value, and the worksheet names from
 * xl/workbook.xml in order.
 *  - the cell rules, on a table written by hand: text beginning with
 *    = + - @ gets an apostrophe, the number -200 stays the number -200, an
 *    identity number is a text cell, 2020-03-18 is a date cell holding
 *    Excel day 43908 (days since 1899-12-30: 43831 for 2020-01-01, + 31 +
 *    29 + 17) with a date style;
 *  - overflow: 25 rows with a cap of 10 rows a worksheet make "T",
 *    "T (2)", "T (3)" holding 10, 10 and 5 rows, each under the header;
 *  - the scenario (SCENARIO.md): the report of 2020-03-18 shows 600
 *    masks, 240 bottles of alcohol and 180 of 84 disinfectant delivered to
 *    3 communities; 2020-03-05..03-31 one request resolved, the bureau's
 *    reply dated 2020-03-16; its workbook holds one worksheet per ledger,
 *    registrations split over worksheets under a small cap with no row
 *    lost, identity numbers masked unless revealed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/demo.h"
#include "domain/report.h"
#include "domain/retention.h"
#include "domain/sheet.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define OK(call) do { \
	sj_rc rc_ = (call); \
	if (rc_ != SJ_OK) \
		fail_msg("%s: %s: %s", #call, e.field, e.msg); \
} while (0)

/* ---- reading a workbook back ------------------------------------------------ */

#define CELLS_MAX 4096

typedef struct cell {
	int row, col;          /* 0-based */
	bool text;             /* t="inlineStr" (or "s", "str") */
	bool styled;           /* has an s attribute (date cells do) */
	char value[256];
} cell;

typedef struct wsheet {
	cell *cells;
	size_t n;
	int rows;              /* highest row index + 1 */
} wsheet;

typedef struct xml_read {
	wsheet *ws;
	cell *cur;
	bool in_value;
	/* workbook.xml: sheet names */
	char (*names)[64];
	int n_names;
} xml_read;

static void
cell_ref(const char *r, int *row, int *col)
{
	*col = 0;
	for (; *r >= 'A' && *r <= 'Z'; r++)
		*col = *col * 26 + (*r - 'A' + 1);
	(*col)--;
	*row = atoi(r) - 1;
}

static void XMLCALL
xml_start(void *ud, const char *name, const char **attr)
{
	xml_read *x = ud;

	if (strcmp(name, "sheet") == 0 && x->names) {
		for (int i = 0; attr[i]; i += 2)
			if (strcmp(attr[i], "name") == 0)
				snprintf(x->names[x->n_names++], 64, "%s", attr[i + 1]);
		return;
	}
	if (strcmp(name, "c") == 0 && x->ws) {
		assert_true(x->ws->n < CELLS_MAX);
		x->cur = &x->ws->cells[x->ws->n++];
		memset(x->cur, 0, sizeof *x->cur);
		for (int i = 0; attr[i]; i += 2) {
			if (strcmp(attr[i], "r") == 0)
				cell_ref(attr[i + 1], &x->cur->row, &x->cur->col);
			else if (strcmp(attr[i], "t") == 0)
				x->cur->text = true;
			else if (strcmp(attr[i], "s") == 0)
				x->cur->styled = true;
		}
		if (x->cur->row + 1 > x->ws->rows)
			x->ws->rows = x->cur->row + 1;
	} else if ((strcmp(name, "v") == 0 || strcmp(name, "t") == 0) && x->cur) {
		x->in_value = true;
	}
}

static void XMLCALL
xml_end(void *ud, const char *name)
{
	xml_read *x = ud;

	if (strcmp(name, "c") == 0)
		x->cur = NULL;
	else if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0)
		x->in_value = false;
}

static void XMLCALL
xml_text(void *ud, const char *s, int len)
{
	xml_read *x = ud;
	size_t have;

	if (!x->in_value || x->cur == NULL)
		return;
	have = strlen(x->cur->value);
	if (have + (size_t)len < sizeof x->cur->value) {
		memcpy(x->cur->value + have, s, (size_t)len);
		x->cur->value[have + (size_t)len] = '\0';
	}
}

/* Parse entry of the zip archive at path with x's handlers; false when the
 * entry does not exist. */
static bool
zip_parse(const char *path, const char *entry, xml_read *x)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	zip_file_t *f;
	XML_Parser p;
	char buf[16384];
	zip_int64_t n;

	assert_non_null(z);
	if ((f = zip_fopen(z, entry, 0)) == NULL) {
		zip_close(z);
		return false;
	}
	p = XML_ParserCreate("UTF-8");
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, xml_start, xml_end);
	XML_SetCharacterDataHandler(p, xml_text);
	while ((n = zip_fread(f, buf, sizeof buf)) > 0)
		assert_int_equal(XML_Parse(p, buf, (int)n, 0), XML_STATUS_OK);
	assert_int_equal(XML_Parse(p, NULL, 0, 1), XML_STATUS_OK);
	XML_ParserFree(p);
	zip_fclose(f);
	zip_close(z);
	return true;
}

/* The worksheet names in order; returns how many. */
static int
sheet_names(const char *path, char names[][64])
{
	xml_read x = { .names = names };

	assert_true(zip_parse(path, "xl/workbook.xml", &x));
	return x.n_names;
}

/* Worksheet number i (1-based) into ws (cells malloc'd; free ws->cells). */
static void
sheet_read(const char *path, int i, wsheet *ws)
{
	char entry[64];
	xml_read x = { .ws = ws };

	memset(ws, 0, sizeof *ws);
	ws->cells = calloc(CELLS_MAX, sizeof *ws->cells);
	snprintf(entry, sizeof entry, "xl/worksheets/sheet%d.xml", i);
	assert_true(zip_parse(path, entry, &x));
}

static const cell *
cell_at(const wsheet *ws, int row, int col)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->cells[i].row == row && ws->cells[i].col == col)
			return &ws->cells[i];
	return NULL;
}

/* ---- the cell writer ---------------------------------------------------------- */

static const sheet_column cols[] = { { "文本", 10 }, { "数", 10 }, { "证件号", 20 }, { "日期", 12 } };

static void
write_rows(sheet *sh, int n, sj_err *e)
{
	for (int i = 0; i < n; i++) {
		sheet_text(sh, i == 0 ? "=SUM(A1:A9)" : i == 1 ? "+1" : i == 2 ? "-3" : i == 3 ? "@x"
		    : "张三");
		sheet_int(sh, i == 0 ? -200 : i);
		sheet_text(sh, "370911198001010015");
		sheet_date(sh, dt_date_from_ymd(2020, 3, 18));
		assert_int_equal(sheet_row_end(sh, e), SJ_OK);
	}
}

static void
test_sheet_cells_and_overflow(void **state)
{
	char dir[] = "/tmp/sj-report-XXXXXX", path[128], names[8][64];
	sheet *sh;
	wsheet ws;
	sj_err e = {0};
	int per_sheet[] = { 10, 10, 5 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.xlsx", dir);
	OK(sheet_open(SHEET_XLSX, path, 10, &sh, &e));
	OK(sheet_table(sh, "T", cols, 4, &e));
	write_rows(sh, 25, &e);
	assert_int_equal(sheet_rows(sh), 25);
	assert_int_equal(sheet_worksheets(sh), 3);
	OK(sheet_close(sh, path, SJ_OK, &e));

	assert_int_equal(sheet_names(path, names), 3);
	assert_string_equal(names[0], "T");
	assert_string_equal(names[1], "T (2)");
	assert_string_equal(names[2], "T (3)");
	for (int i = 0; i < 3; i++) {
		sheet_read(path, i + 1, &ws);
		assert_int_equal(ws.rows, 1 + per_sheet[i]);     /* the header, then the rows */
		assert_string_equal(cell_at(&ws, 0, 2)->value, "证件号");
		free(ws.cells);
	}
	sheet_read(path, 1, &ws);
	assert_true(cell_at(&ws, 1, 0)->text);
	assert_string_equal(cell_at(&ws, 1, 0)->value, "'=SUM(A1:A9)");
	assert_string_equal(cell_at(&ws, 2, 0)->value, "'+1");
	assert_string_equal(cell_at(&ws, 3, 0)->value, "'-3");
	assert_string_equal(cell_at(&ws, 4, 0)->value, "'@x");
	assert_string_equal(cell_at(&ws, 5, 0)->value, "张三");
	assert_false(cell_at(&ws, 1, 1)->text);                 /* -200: a number */
	assert_string_equal(cell_at(&ws, 1, 1)->value, "-200");
	assert_true(cell_at(&ws, 1, 2)->text);                  /* identity number: text */
	assert_string_equal(cell_at(&ws, 1, 2)->value, "370911198001010015");
	assert_false(cell_at(&ws, 1, 3)->text);                 /* a date: a styled number */
	assert_true(cell_at(&ws, 1, 3)->styled);
	assert_string_equal(cell_at(&ws, 1, 3)->value, "43908");
	free(ws.cells);

	/* CSV: the same neutralising; a number is written bare */
	snprintf(path, sizeof path, "%s/t.csv", dir);
	OK(sheet_open(SHEET_CSV, path, 0, &sh, &e));
	OK(sheet_table(sh, "T", cols, 4, &e));
	write_rows(sh, 1, &e);
	assert_int_equal(sheet_table(sh, "U", cols, 4, &e), SJ_EINVAL);   /* one table a CSV */
	OK(sheet_close(sh, path, SJ_OK, &e));
	assert_true(testdb_file_contains(path, "\xef\xbb\xbf\"文本\",\"数\",\"证件号\",\"日期\"\r\n"
	    "\"'=SUM(A1:A9)\",\"-200\",\"370911198001010015\",\"2020-03-18\"\r\n"));
	snprintf(path, sizeof path, "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* A temperature kept in tenths of a °C is written as the °C it stands
 * for (the registrations ledger's 体温(°C)): 376 is 37.6, 340 is 34.0 —
 * in CSV as text worked out in integers, in XLSX a number cell shown
 * with one decimal ("0.0"). */
static void
test_sheet_tenths(void **state)
{
	static const sheet_column tcols[] = { { "体温(°C)", 8 } };
	static const int64_t v[] = { 376, 340, 430, 5 };
	static const char *const want[] = { "37.6", "34", "43", "0.5" };  /* XLSX: the number */
	char dir[] = "/tmp/sj-report-XXXXXX", path[128];
	sheet *sh;
	wsheet ws;
	sj_err e = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.csv", dir);
	OK(sheet_open(SHEET_CSV, path, 0, &sh, &e));
	OK(sheet_table(sh, "T", tcols, 1, &e));
	for (int i = 0; i < 4; i++) {
		sheet_tenths(sh, v[i]);
		OK(sheet_row_end(sh, &e));
	}
	OK(sheet_close(sh, path, SJ_OK, &e));
	assert_true(testdb_file_contains(path, "\"体温(°C)\"\r\n\"37.6\"\r\n\"34.0\"\r\n"
	    "\"43.0\"\r\n\"0.5\"\r\n"));

	snprintf(path, sizeof path, "%s/t.xlsx", dir);
	OK(sheet_open(SHEET_XLSX, path, 10, &sh, &e));
	OK(sheet_table(sh, "T", tcols, 1, &e));
	for (int i = 0; i < 4; i++) {
		sheet_tenths(sh, v[i]);
		OK(sheet_row_end(sh, &e));
	}
	OK(sheet_close(sh, path, SJ_OK, &e));
	sheet_read(path, 1, &ws);
	for (int i = 0; i < 4; i++) {
		assert_false(cell_at(&ws, i + 1, 0)->text);
		assert_true(cell_at(&ws, i + 1, 0)->styled);
		assert_string_equal(cell_at(&ws, i + 1, 0)->value, want[i]);
	}
	free(ws.cells);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* ---- the scenario ------------------------------------------------------------- */

typedef struct fixture {
	store *s;
	crypt_keys *keys;
	char dir[64];
	arena a;
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char key[128];
	sj_err e = {0};

	/* The demo is dated March 2020: keep 10 years of every class, so that
	 * retention (domain/retention.h) does not hide it. */
	for (int k = 0; k < RETENTION__N; k++)
		retention_set((retention_class)k, 3650);
	f->s = testdb_open();
	snprintf(f->dir, sizeof f->dir, "/tmp/sj-report-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(key, sizeof key, "%s/k.key", f->dir);
	OK(crypt_key_create(key, &e));
	OK(crypt_keys_load(key, &f->keys, &e));
	OK(migrate_apply(f->s, NULL, &e));
	OK(demo_load(f->s, f->keys, NULL, &e));
	arena_init(&f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	char cmd[96];

	arena_free(&f->a);
	store_close(f->s);
	crypt_keys_free(f->keys);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t
group_id(fixture *f)
{
	return testdb_int(f->s, "SELECT id FROM work_group");
}

static void
test_demo_day(void **state)
{
	fixture *f = *state;
	report_selection sel = { .from = dt_date_from_ymd(2020, 3, 18), .group_id = group_id(f) };
	report_daily r;
	sj_err e = {0};
	static const struct { const char *item; int64_t qty; } want[] = {
		{ "口罩", 600 }, { "酒精", 240 }, { "84消毒液", 180 },
	};

	sel.to = sel.from;
	OK(report_daily_build(f->s, NULL, &scope_system, &f->a, &sel, dt_now(), &r, &e));
	assert_int_equal(r.n_units, 5);
	assert_int_equal(r.units_supplied, 3);
	assert_int_equal(r.n_delivered, 3);
	for (size_t i = 0; i < 3; i++) {
		bool found = false;

		for (size_t j = 0; j < r.n_delivered; j++)
			if (strcmp(r.delivered[j].item_name, want[i].item) == 0) {
				assert_int_equal(r.delivered[j].qty, want[i].qty);
				assert_int_equal(r.delivered[j].units, 3);
				found = true;
			}
		assert_true(found);
	}
	assert_int_equal(r.visits, 3);
	assert_int_equal(r.requests_opened, 0);
	assert_non_null(strstr(report_brief(&r, &f->a), "向3个单位发放防疫物资口罩600个、酒精240瓶、"
	    "84消毒液180瓶"));
}

static void
test_demo_range_workbook(void **state)
{
	fixture *f = *state;
	report_selection sel = { .from = dt_date_from_ymd(2020, 3, 5),
	    .to = dt_date_from_ymd(2020, 3, 31), .group_id = group_id(f) };
	report_daily r;
	sj_err e = {0};
	char path[128], names[64][64];
	int n, reg_sheets = 0, reg_rows = 0;
	int64_t rows;
	wsheet ws;

	OK(report_daily_build(f->s, NULL, &scope_system, &f->a, &sel, dt_now(), &r, &e));
	assert_int_equal(r.requests_opened, 1);
	assert_int_equal(r.requests_resolved, 1);
	for (size_t i = 0; i < r.n_request_rows; i++)
		if (r.request_rows[i].resolved) {
			char d[DT_DATE_LEN];

			dt_date_format(dt_date_of(r.request_rows[i].replied_at), d);
			assert_string_equal(d, "2020-03-16");
			assert_string_equal(r.request_rows[i].replied_by, "泰安市文化和旅游局");
		}
	assert_true(r.n_scan_rows > 20);

	snprintf(path, sizeof path, "%s/r.xlsx", f->dir);
	OK(report_ledgers_write(&r, SHEET_XLSX, -1, path, 20, &rows, &e));
	n = sheet_names(path, names);
	/* every ledger in order, registrations over ceil(scans / 20) worksheets */
	assert_string_equal(names[0], "扫码登记");
	for (int i = 0; i < n; i++)
		if (strncmp(names[i], "扫码登记", strlen("扫码登记")) == 0) {
			reg_sheets++;
			sheet_read(path, i + 1, &ws);
			reg_rows += ws.rows - 1;
			if (i == 0) {
				const cell *id = cell_at(&ws, 1, 6);

				assert_true(cell_at(&ws, 1, 0)->styled);   /* the scan's time: a date-time */
				assert_false(cell_at(&ws, 1, 0)->text);
				if (id) {                                  /* a known person: masked, text */
					assert_true(id->text);
					assert_non_null(strchr(id->value, '*'));
				}
			}
			free(ws.cells);
		}
	assert_int_equal(reg_rows, (int)r.n_scan_rows);
	assert_int_equal(reg_sheets, (int)((r.n_scan_rows + 19) / 20));
	assert_string_equal(names[reg_sheets], "外来人员登记");
	assert_string_equal(names[n - 2], "诉求");
	assert_string_equal(names[n - 1], "复工复产");
	/* each ledger takes max(1, ceil(rows / 20)) worksheets */
	{
		size_t per[] = { r.n_scan_rows, r.n_outsider_rows, r.n_disinfection_rows,
		    r.n_inspection_rows + r.n_finding_rows, r.n_visit_rows, r.n_move_rows,
		    r.n_request_rows, r.n_resumption_rows };
		int want = 0;

		for (size_t i = 0; i < sizeof per / sizeof per[0]; i++)
			want += per[i] == 0 ? 1 : (int)((per[i] + 19) / 20);
		assert_int_equal(n, want);
	}
	assert_int_equal(rows, (int64_t)(r.n_scan_rows + r.n_outsider_rows +
	    r.n_disinfection_rows + r.n_inspection_rows + r.n_finding_rows + r.n_visit_rows +
	    r.n_move_rows + r.n_request_rows + r.n_resumption_rows));

	/* the requests ledger as CSV: one row, the request number a text field */
	snprintf(path, sizeof path, "%s/q.csv", f->dir);
	OK(report_ledgers_write(&r, SHEET_CSV, REPORT_LEDGER_REQUESTS, path, 0, &rows, &e));
	assert_int_equal(rows, 1);
	assert_true(testdb_file_contains(path, "泰安市文化和旅游局"));
	assert_int_equal(report_ledgers_write(&r, SHEET_CSV, -1, path, 0, &rows, &e), SJ_EINVAL);
	assert_string_equal(e.field, "ledger");
}

static void
test_reveal(void **state)
{
	fixture *f = *state;
	report_selection sel = { .from = dt_date_from_ymd(2020, 3, 5),
	    .to = dt_date_from_ymd(2020, 3, 31), .group_id = group_id(f), .reveal = true };
	scope member = { .role = ROLE_MEMBER, .group_id = group_id(f) };
	report_daily r;
	sj_err e = {0};
	bool any = false;

	OK(report_daily_build(f->s, f->keys, &scope_system, &f->a, &sel, dt_now(), &r, &e));
	for (size_t i = 0; i < r.n_scan_rows; i++)
		if (*r.scan_rows[i].who.id_number) {
			assert_null(strchr(r.scan_rows[i].who.id_number, '*'));
			assert_int_equal(strlen(r.scan_rows[i].who.id_number), 18);
			any = true;
		}
	assert_true(any);
	/* a member may not reveal */
	assert_int_equal(report_daily_build(f->s, f->keys, &member, &f->a, &sel, dt_now(), &r, &e),
	    SJ_EFORBIDDEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sheet_cells_and_overflow),
		cmocka_unit_test(test_sheet_tenths),
		cmocka_unit_test_setup_teardown(test_demo_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_range_workbook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reveal, setup, teardown),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
