/* Unit tests for domain/supply_export (issue 7 "Ledger exports"; DESIGN.md
 * §4 "Reports": ledgers export without loss), on SQLite and, with
 * SIJIN_TEST_DB=pg, PostgreSQL (tests/unit/testdb.h).
 *
 * A small ledger with hostile and non-BMP text is exported and read back:
 *  - CSV with libcsv's parser: the byte order mark, the header, one row
 *    per movement and none dropped, text starting with = + - @ prefixed
 *    with an apostrophe, numbers left alone, Chinese (and a character
 *    outside the BMP, 𠮷) byte for byte, the running balance;
 *  - XLSX by unzipping the sheet (the unzip command) and parsing its XML
 *    with expat: dates are numeric cells with a date style (2024-03-01 is
 *    Excel day 45352: days since 1899-12-30), document numbers are text
 *    cells, quantities number cells, the same neutralised text;
 *  - the requests and stock reports, and scope: another group's export is
 *    empty.
 * Expected cells are written out by hand from the documents posted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <csv.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/datetime.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/supply.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define OK(call) do { \
	sj_rc rc_ = (call); \
	if (rc_ != SJ_OK) \
		fail_msg("%s: %s: %s", #call, e.field, e.msg); \
} while (0)

#define MAX_CELLS 4096

typedef struct fixture {
	store *s;
	arena a;
	int64_t store_a, site_unit, item, group_b;
	char dir[64], path[128];
} fixture;

/* The cells of a file, read back: row by row, each a string. */
typedef struct table {
	int n_rows, n_cols[64];
	char *cell[64][20];
	char *type[64][20];    /* XLSX: the t attribute ("" when absent) */
	char *style[64][20];   /* XLSX: the s attribute ("" when absent) */
} table;

static void
table_free(table *t)
{
	for (int r = 0; r < 64; r++)
		for (int c = 0; c < 20; c++) {
			free(t->cell[r][c]);
			free(t->type[r][c]);
			free(t->style[r][c]);
		}
	memset(t, 0, sizeof *t);
}

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	org_region r = { .level = "subdistrict", .name = "粥店街道" };
	work_group ga = { .name = "工作A组", .set_up_on = -1 };
	work_group gb = { .name = "工作B组", .set_up_on = -1 };
	org_unit u = { .kind = "community", .name = "华新新干线社区" };
	supply_pack box = { .name = "箱", .name_en = "box", .size = 30 };
	supply_item_input it = { .name = "𠮷野家84消毒液", .base_unit = "bottle", .packs = &box,
	    .n_packs = 1 };
	supply_site organ = { .kind = "group", .name = "+加号库" };
	int64_t region, group_a, id;
	assignment as = { .reported_on = -1 };
	sj_err e = {0};

	dt_zone_set("Asia/Shanghai", NULL);
	f->s = testdb_open();
	if (migrate_apply(f->s, NULL, &e) != SJ_OK)
		return -1;
	arena_init(&f->a);
	OK(org_region_add(f->s, &scope_system, &r, &region, &e));
	OK(group_add(f->s, &scope_system, &ga, &group_a, &e));
	OK(group_add(f->s, &scope_system, &gb, &f->group_b, &e));
	u.region_id = region;
	OK(org_unit_add(f->s, &scope_system, &u, &as.unit_id, &e));
	as.group_id = group_a;
	OK(group_assign(f->s, &scope_system, &as, &id, &e));
	organ.group_id = group_a;
	OK(supply_site_add(f->s, &scope_system, &organ, &f->store_a, &e));
	OK(supply_site_of_unit(f->s, &scope_system, as.unit_id, true, "unit", &f->site_unit, &e));
	OK(supply_item_add(f->s, &scope_system, &it, &f->item, &e));
	snprintf(f->dir, sizeof f->dir, "/tmp/sj-export-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	arena_free(&f->a);
	store_close(f->s);
	free(f);
	return 0;
}

static void
post(fixture *f, supply_doc_input *in, const char *qty)
{
	supply_line_input l = { .item_id = f->item, .quantity = qty };
	supply_problems pr;
	sj_err e = {0};
	int64_t id;

	in->lines = &l;
	in->n_lines = 1;
	in->username = "test";
	OK(supply_doc_post(f->s, &scope_system, &f->a, in, &id, &pr, &e));
}

/* The ledger of the tests: at +加号库, 2024-03-01 receipt 6箱 (180) from
 * "=HYPERLINK(...)" with note "@SUM(1)"; 2024-03-05 distribution 2箱 (60)
 * to 华新新干线社区; 2024-03-05 adjustment -3 with reason "-2 破损". */
static void
post_ledger(fixture *f)
{
	supply_doc_input receipt = { .kind = "receipt", .date = dt_date_from_ymd(2024, 3, 1),
	    .site_id = f->store_a, .source = "donation",
	    .counterparty = "=HYPERLINK(\"http://x\")", .note = "@SUM(1)" };
	supply_doc_input dist = { .kind = "distribution", .date = dt_date_from_ymd(2024, 3, 5),
	    .site_id = f->store_a, .to_site_id = f->site_unit };
	supply_doc_input adj = { .kind = "adjustment", .date = dt_date_from_ymd(2024, 3, 5),
	    .site_id = f->store_a, .reason = "-2 破损" };

	post(f, &receipt, "6箱");
	post(f, &dist, "2箱");
	post(f, &adj, "-3");
}

static const char *
export(fixture *f, const scope *sc, int report, int format, int64_t *rows)
{
	supply_export_filter flt = { .from = SUPPLY_DATE_NONE, .to = SUPPLY_DATE_NONE,
	    .date = SUPPLY_DATE_NONE };
	sj_err e = {0};

	snprintf(f->path, sizeof f->path, "%s/out.%s", f->dir, supply_format_ext(format));
	OK(supply_export(f->s, sc, report, format, &flt, f->path, rows, &e));
	return f->path;
}

/* ---- CSV ----------------------------------------------------------------- */

static void
csv_cell(void *s, size_t n, void *data)
{
	table *t = data;
	int r = t->n_rows, c = t->n_cols[r];

	if (r < 64 && c < 20) {
		t->cell[r][c] = malloc(n + 1);
		memcpy(t->cell[r][c], s, n);
		t->cell[r][c][n] = '\0';
		t->n_cols[r]++;
	}
}

static void
csv_row(int ch, void *data)
{
	table *t = data;

	(void)ch;
	if (t->n_rows < 63)
		t->n_rows++;
}

/* Parse the CSV file at path (strict RFC 4180) after its BOM. */
static void
read_csv(const char *path, table *t)
{
	struct csv_parser p;
	char buf[65536];
	FILE *in = fopen(path, "rb");
	size_t n;

	memset(t, 0, sizeof *t);
	assert_non_null(in);
	n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	assert_true(n > 3);
	assert_memory_equal(buf, "\xef\xbb\xbf", 3);  /* UTF-8 byte order mark */
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, buf + 3, n - 3, csv_cell, csv_row, t), n - 3);
	assert_int_equal(csv_fini(&p, csv_cell, csv_row, t), 0);
	csv_free(&p);
}

static void
test_ledger_csv(void **state)
{
	fixture *f = *state;
	int64_t rows;
	table t;

	post_ledger(f);
	read_csv(export(f, &scope_system, SUPPLY_REPORT_LEDGER, SUPPLY_FORMAT_CSV, &rows), &t);
	/* movements: at +加号库 the receipt, the distribution, the adjustment;
	 * at the unit the distribution: 4, plus the header */
	assert_int_equal(rows, 4);
	assert_int_equal(t.n_rows, 5);
	assert_int_equal(t.n_cols[0], 14);
	assert_string_equal(t.cell[0][0], "站点");
	assert_string_equal(t.cell[0][10], "结存");
	/* row 1: the receipt */
	assert_string_equal(t.cell[1][0], "'+加号库");
	assert_string_equal(t.cell[1][1], "𠮷野家84消毒液");
	assert_string_equal(t.cell[1][2], "2024-03-01");
	assert_string_equal(t.cell[1][5], "入库");
	assert_string_equal(t.cell[1][6], "'=HYPERLINK(\"http://x\")");
	assert_string_equal(t.cell[1][7], "180");
	assert_string_equal(t.cell[1][9], "6箱(180瓶)");
	assert_string_equal(t.cell[1][10], "180");
	assert_string_equal(t.cell[1][12], "6箱");
	assert_string_equal(t.cell[1][13], "'@SUM(1)");
	/* row 2: 60 out, 120 left; row 3: the loss, a negative number */
	assert_string_equal(t.cell[2][7], "-60");
	assert_string_equal(t.cell[2][9], "2箱(60瓶)");
	assert_string_equal(t.cell[2][10], "120");
	assert_string_equal(t.cell[3][6], "'-2 破损");
	assert_string_equal(t.cell[3][7], "-3");
	assert_string_equal(t.cell[3][10], "117");
	assert_string_equal(t.cell[3][11], "3箱27瓶");
	/* row 4: the unit's ledger */
	assert_string_equal(t.cell[4][0], "华新新干线社区");
	assert_string_equal(t.cell[4][6], "'+加号库");
	assert_string_equal(t.cell[4][10], "60");
	table_free(&t);
}

static void
test_requests_and_stock_csv(void **state)
{
	fixture *f = *state;
	supply_request_input rq = { .unit_id = 0, .item_id = f->item, .quantity = "3箱",
	    .needed_by = SUPPLY_DATE_NONE, .raised_on = dt_date_from_ymd(2024, 3, 1),
	    .reason = "=cmd|' /C calc'!A0", .username = "test" };
	supply_site unit_site;
	sj_err e = {0};
	int64_t id, rows;
	table t;

	OK(supply_site_get(f->s, &scope_system, &f->a, f->site_unit, "site", &unit_site, &e));
	rq.unit_id = unit_site.unit_id;
	OK(supply_request_add(f->s, &scope_system, &rq, &id, &e));
	post_ledger(f);
	read_csv(export(f, &scope_system, SUPPLY_REPORT_REQUESTS, SUPPLY_FORMAT_CSV, &rows), &t);
	assert_int_equal(rows, 1);
	assert_string_equal(t.cell[1][0], "1");
	assert_string_equal(t.cell[1][3], "90");     /* 3箱 of 30 */
	assert_string_equal(t.cell[1][4], "0");      /* the distribution named no request */
	assert_string_equal(t.cell[1][9], "未发放");
	assert_string_equal(t.cell[1][10], "2024-03-01");
	assert_string_equal(t.cell[1][11], "");
	assert_string_equal(t.cell[1][12], "'=cmd|' /C calc'!A0");
	table_free(&t);
	read_csv(export(f, &scope_system, SUPPLY_REPORT_STOCK, SUPPLY_FORMAT_CSV, &rows), &t);
	/* +加号库 117 = 3箱27瓶; the unit 60 = 2箱(60瓶) */
	assert_int_equal(rows, 2);
	assert_string_equal(t.cell[1][1], "'+加号库");
	assert_string_equal(t.cell[1][5], "117");
	assert_string_equal(t.cell[1][7], "3箱27瓶");
	assert_string_equal(t.cell[2][5], "60");
	table_free(&t);
}

/* ---- XLSX ---------------------------------------------------------------- */

typedef struct xml_read {
	table *t;
	int row, col;
	bool in_value;     /* inside <v> or <t> of a cell */
	char buf[1024];
	size_t n;
} xml_read;

/* Column index of a cell reference "C12" (A = 0). */
static int
ref_col(const char *ref)
{
	int c = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++)
		c = c * 26 + (*ref - 'A' + 1);
	return c - 1;
}

static const char *
attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return "";
}

static void XMLCALL
xml_start(void *data, const char *el, const char **atts)
{
	xml_read *x = data;

	if (strcmp(el, "row") == 0)
		x->row = atoi(attr(atts, "r")) - 1;
	else if (strcmp(el, "c") == 0 && x->row < 64) {
		x->col = ref_col(attr(atts, "r"));
		if (x->col >= 0 && x->col < 20) {
			x->t->type[x->row][x->col] = strdup(attr(atts, "t"));
			x->t->style[x->row][x->col] = strdup(attr(atts, "s"));
			if (x->row + 1 > x->t->n_rows)
				x->t->n_rows = x->row + 1;
			if (x->col + 1 > x->t->n_cols[x->row])
				x->t->n_cols[x->row] = x->col + 1;
		}
	} else if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0) {
		x->in_value = true;
		x->n = 0;
	}
}

static void XMLCALL
xml_end(void *data, const char *el)
{
	xml_read *x = data;

	if ((strcmp(el, "v") == 0 || strcmp(el, "t") == 0) && x->in_value) {
		x->in_value = false;
		if (x->row < 64 && x->col >= 0 && x->col < 20) {
			x->buf[x->n] = '\0';
			x->t->cell[x->row][x->col] = strdup(x->buf);
		}
	}
}

static void XMLCALL
xml_text(void *data, const char *s, int len)
{
	xml_read *x = data;

	if (x->in_value && x->n + (size_t)len < sizeof x->buf) {
		memcpy(x->buf + x->n, s, (size_t)len);
		x->n += (size_t)len;
	}
}

/* Unzip entry of the XLSX file at path and parse it into t. */
static void
read_xlsx_sheet(const char *path, const char *entry, table *t)
{
	char cmd[512], buf[65536];
	XML_Parser p = XML_ParserCreate("UTF-8");
	xml_read x = { .t = t };
	FILE *in;
	size_t n;

	memset(t, 0, sizeof *t);
	snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", path, entry);
	in = popen(cmd, "r");
	assert_non_null(in);
	XML_SetUserData(p, &x);
	XML_SetElementHandler(p, xml_start, xml_end);
	XML_SetCharacterDataHandler(p, xml_text);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(XML_Parse(p, buf, (int)n, 0), XML_STATUS_OK);
	assert_int_equal(XML_Parse(p, NULL, 0, 1), XML_STATUS_OK);
	assert_int_equal(pclose(in), 0);
	XML_ParserFree(p);
}

/* Whether entry of the zip file at path contains text. */
static bool
unzip_contains(const char *path, const char *entry, const char *text)
{
	char cmd[512], *buf = malloc(1 << 20);
	FILE *in;
	size_t n;
	bool found;

	snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", path, entry);
	in = popen(cmd, "r");
	assert_non_null(in);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, in);
	pclose(in);
	buf[n] = '\0';
	found = strstr(buf, text) != NULL;
	free(buf);
	return found;
}

static void
test_ledger_xlsx(void **state)
{
	fixture *f = *state;
	const char *path;
	int64_t rows;
	table t;

	post_ledger(f);
	path = export(f, &scope_system, SUPPLY_REPORT_LEDGER, SUPPLY_FORMAT_XLSX, &rows);
	assert_int_equal(rows, 4);
	read_xlsx_sheet(path, "xl/worksheets/sheet1.xml", &t);
	assert_int_equal(t.n_rows, 5);
	assert_string_equal(t.cell[0][0], "站点");
	/* text: byte-exact, neutralised where it would start a formula */
	assert_string_equal(t.cell[1][0], "'+加号库");
	assert_string_equal(t.cell[1][1], "𠮷野家84消毒液");
	assert_string_equal(t.cell[1][6], "'=HYPERLINK(\"http://x\")");
	assert_string_equal(t.cell[1][13], "'@SUM(1)");
	assert_string_equal(t.cell[3][6], "'-2 破损");
	assert_string_not_equal(t.type[1][6], "str");  /* never a formula result */
	/* the date: a number (no t) with a style: 2024-03-01 is day 45352 */
	assert_string_equal(t.type[1][2], "");
	assert_string_not_equal(t.style[1][2], "");
	assert_string_equal(t.cell[1][2], "45352");
	assert_string_equal(t.cell[2][2], "45356");  /* 2024-03-05 */
	/* the document number is a text cell; quantities are numbers */
	assert_string_equal(t.type[1][3], "inlineStr");
	assert_string_equal(t.cell[1][3], "1");
	assert_string_equal(t.type[1][7], "");
	assert_string_equal(t.cell[1][7], "180");
	assert_string_equal(t.cell[3][7], "-3");
	assert_string_equal(t.cell[3][10], "117");
	assert_string_equal(t.cell[4][0], "华新新干线社区");
	table_free(&t);
	/* the style of the date cells is a date format */
	assert_true(unzip_contains(path, "xl/styles.xml", "yyyy"));
}

static void
test_export_scope(void **state)
{
	fixture *f = *state;
	scope leader_b = { .role = ROLE_LEADER, .group_id = f->group_b };
	scope unit = { .role = ROLE_CHECKPOINT, .user_id = 5 };
	supply_export_filter flt = { .site_id = f->store_a, .from = SUPPLY_DATE_NONE,
	    .to = SUPPLY_DATE_NONE, .date = SUPPLY_DATE_NONE };
	sj_err e = {0};
	int64_t rows;
	table t;

	post_ledger(f);
	read_csv(export(f, &leader_b, SUPPLY_REPORT_LEDGER, SUPPLY_FORMAT_CSV, &rows), &t);
	assert_int_equal(rows, 0);
	assert_int_equal(t.n_rows, 1);  /* the header only */
	table_free(&t);
	/* asking for a site out of scope by id is "not found", never its rows */
	assert_int_equal(supply_export(f->s, &leader_b, SUPPLY_REPORT_LEDGER, SUPPLY_FORMAT_CSV,
	    &flt, f->path, &rows, &e), SJ_ENOTFOUND);
	assert_int_equal(supply_export(f->s, &unit, SUPPLY_REPORT_LEDGER, SUPPLY_FORMAT_CSV,
	    &flt, f->path, &rows, &e), SJ_EFORBIDDEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ledger_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_and_stock_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_xlsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_scope, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
