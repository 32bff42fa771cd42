/*
 * supply_export — one writer ("sheet") over two formats, and the three
 * reports written through it.
 *
 * The writer is the only place that turns values into cells, so the
 * rules of supply_export.h (formula neutralising, text ids, date cells,
 * sheet overflow) hold for every report.
 */
#include "domain/supply_export.h"

#include <csv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "domain/auth.h"
#include "domain/supply_ledger.h"
#include "domain/supply_need.h"

/* Data rows of one XLSX sheet: Excel's 1,048,576 rows less the header. */
#define SHEET_ROWS (LXW_ROW_MAX - 1)

enum { Q_FULFILLED_BY };

static const char *const export_sql[] = {
	[Q_FULFILLED_BY] =
	"SELECT DISTINCT doc_id FROM supply_line WHERE request_id = ?1 ORDER BY doc_id",
};

int
supply_report_parse(const char *s)
{
	static const char *const names[] = { "ledger", "stock", "requests" };

	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
supply_format_parse(const char *s)
{
	if (s && strcmp(s, "csv") == 0)
		return SUPPLY_FORMAT_CSV;
	if (s && strcmp(s, "xlsx") == 0)
		return SUPPLY_FORMAT_XLSX;
	return -1;
}

const char *
supply_format_mime(int format)
{
	return format == SUPPLY_FORMAT_XLSX
	    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	    : "text/csv; charset=utf-8";
}

const char *
supply_format_ext(int format)
{
	return format == SUPPLY_FORMAT_XLSX ? "xlsx" : "csv";
}

/* ---- the sheet writer ---------------------------------------------------- */

typedef struct sheet {
	int format;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date_fmt, *time_fmt;
	const char *title;
	const char *const *headers;
	const double *widths;
	int n_cols;
	int n_sheets;
	uint32_t row;            /* XLSX: next row of the current sheet */
	int col;                 /* next column of the current row */
	int64_t rows;            /* data rows written */
	bool failed;
} sheet;

/* True when text would start a formula in a spreadsheet. */
static bool
formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	    s[0] == '\r';
}

static void
csv_field(sheet *sh, const char *s, size_t n)
{
	if (sh->col++ > 0 && fputc(',', sh->csv) == EOF)
		sh->failed = true;
	if (csv_fwrite(sh->csv, s, n) != 0)
		sh->failed = true;
}

/* Start a new XLSX worksheet with the header row. */
static void
xlsx_new_sheet(sheet *sh)
{
	char name[64];

	sh->n_sheets++;
	if (sh->n_sheets == 1)
		snprintf(name, sizeof name, "%s", sh->title);
	else
		snprintf(name, sizeof name, "%s (%d)", sh->title, sh->n_sheets);
	if ((sh->ws = workbook_add_worksheet(sh->wb, name)) == NULL) {
		sh->failed = true;
		return;
	}
	for (int c = 0; c < sh->n_cols; c++) {
		worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c, sh->widths[c], NULL);
		worksheet_write_string(sh->ws, 0, (lxw_col_t)c, sh->headers[c], NULL);
	}
	worksheet_freeze_panes(sh->ws, 1, 0);
	sh->row = 1;
}

static void
cell_raw_text(sheet *sh, const char *s)
{
	if (sh->format == SUPPLY_FORMAT_CSV)
		csv_field(sh, s, strlen(s));
	else if (!sh->failed && worksheet_write_string(sh->ws, sh->row, (lxw_col_t)sh->col++, s, NULL)
	    != LXW_NO_ERROR)
		sh->failed = true;
}

/* A text cell; NULL is an empty cell. */
static void
cell_text(sheet *sh, const char *s)
{
	char *quoted;
	size_t n;

	if (s == NULL || *s == '\0') {
		if (sh->format == SUPPLY_FORMAT_CSV)
			csv_field(sh, "", 0);
		else
			sh->col++;
		return;
	}
	if (!formula_like(s)) {
		cell_raw_text(sh, s);
		return;
	}
	n = strlen(s);
	quoted = sj_malloc(n + 2);
	quoted[0] = '\'';
	memcpy(quoted + 1, s, n + 1);
	cell_raw_text(sh, quoted);
	free(quoted);
}

/* An identity-like number (document, request): a text cell. */
static void
cell_id(sheet *sh, int64_t id)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)id);
	cell_raw_text(sh, buf);
}

static void
cell_int(sheet *sh, int64_t v)
{
	char buf[24];

	if (sh->format == SUPPLY_FORMAT_CSV) {
		snprintf(buf, sizeof buf, "%lld", (long long)v);
		csv_field(sh, buf, strlen(buf));
	} else if (!sh->failed && worksheet_write_number(sh->ws, sh->row, (lxw_col_t)sh->col++,
	    (double)v, NULL) != LXW_NO_ERROR)
		sh->failed = true;
}

/* A local date cell; SUPPLY_DATE_NONE is an empty cell. */
static void
cell_date(sheet *sh, sj_date d)
{
	char buf[DT_DATE_LEN];
	lxw_datetime dt = {0};

	if (d == SUPPLY_DATE_NONE) {
		cell_text(sh, NULL);
		return;
	}
	dt_date_format(d, buf);
	if (sh->format == SUPPLY_FORMAT_CSV) {
		csv_field(sh, buf, strlen(buf));
		return;
	}
	dt_date_to_ymd(d, &dt.year, &dt.month, &dt.day);
	if (!sh->failed && worksheet_write_datetime(sh->ws, sh->row, (lxw_col_t)sh->col++, &dt,
	    sh->date_fmt) != LXW_NO_ERROR)
		sh->failed = true;
}

/* An instant as a local date-time cell; 0 is an empty cell. */
static void
cell_instant(sheet *sh, int64_t t)
{
	char buf[DT_RFC3339_LEN], text[20];
	lxw_datetime dt = {0};
	int y, mo, d, h, mi, s;

	if (t == 0) {
		cell_text(sh, NULL);
		return;
	}
	dt_format_rfc3339(t, buf);  /* "2020-03-18T16:00:00+08:00": local wall time */
	if (sscanf(buf, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
		cell_raw_text(sh, buf);
		return;
	}
	if (sh->format == SUPPLY_FORMAT_CSV) {
		snprintf(text, sizeof text, "%.10s %.5s", buf, buf + 11);
		csv_field(sh, text, strlen(text));
		return;
	}
	dt = (lxw_datetime){ .year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = s };
	if (!sh->failed && worksheet_write_datetime(sh->ws, sh->row, (lxw_col_t)sh->col++, &dt,
	    sh->time_fmt) != LXW_NO_ERROR)
		sh->failed = true;
}

static void
row_end(sheet *sh)
{
	sh->rows++;
	sh->col = 0;
	if (sh->format == SUPPLY_FORMAT_CSV) {
		if (fputs("\r\n", sh->csv) == EOF)
			sh->failed = true;
		return;
	}
	if (++sh->row > SHEET_ROWS)
		xlsx_new_sheet(sh);
}

static sj_rc
sheet_begin(sheet *sh, int format, const char *path, const char *title,
    const char *const *headers, const double *widths, int n_cols, sj_err *e)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };

	memset(sh, 0, sizeof *sh);
	sh->format = format;
	sh->title = title;
	sh->headers = headers;
	sh->widths = widths;
	sh->n_cols = n_cols;
	if (format == SUPPLY_FORMAT_CSV) {
		if ((sh->csv = fopen(path, "wb")) == NULL)
			return sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
		fputs("\xef\xbb\xbf", sh->csv);  /* UTF-8 byte order mark */
		for (int c = 0; c < n_cols; c++)
			cell_raw_text(sh, headers[c]);
		if (fputs("\r\n", sh->csv) == EOF)
			sh->failed = true;
		sh->col = 0;
		return SJ_OK;
	}
	if ((sh->wb = workbook_new_opt(path, &opt)) == NULL)
		return sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
	sh->date_fmt = workbook_add_format(sh->wb);
	format_set_num_format(sh->date_fmt, "yyyy-mm-dd");
	sh->time_fmt = workbook_add_format(sh->wb);
	format_set_num_format(sh->time_fmt, "yyyy-mm-dd hh:mm");
	xlsx_new_sheet(sh);
	return SJ_OK;
}

/* Close the file; the first failure wins. */
static sj_rc
sheet_end(sheet *sh, const char *path, sj_rc rc, sj_err *e)
{
	lxw_error lx;

	if (sh->format == SUPPLY_FORMAT_CSV) {
		if (sh->csv && fclose(sh->csv) != 0)
			sh->failed = true;
	} else if (sh->wb && (lx = workbook_close(sh->wb)) != LXW_NO_ERROR && rc == SJ_OK)
		return sj_fail(e, SJ_EIO, "out", "cannot write %s: %s", path, lxw_strerror(lx));
	if (rc == SJ_OK && sh->failed)
		return sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
	return rc;
}

/* ---- the ledger ---------------------------------------------------------- */

static const char *const ledger_headers[] = {
	"站点", "物品", "日期", "单据号", "行", "类型", "对方/原因", "变动", "单位",
	"数量(包装)", "结存", "结存(包装)", "录入数量", "备注",
};
static const double ledger_widths[] = { 22, 14, 12, 8, 5, 6, 22, 10, 5, 14, 10, 14, 12, 24 };

typedef struct ledger_ctx {
	sheet *sh;
	supply_item_set items;
} ledger_ctx;

static sj_rc
ledger_row(void *ctx, const supply_move *m, sj_err *e)
{
	ledger_ctx *c = ctx;
	const supply_item *it = supply_item_set_get(&c->items, m->item_id);
	sheet *sh = c->sh;

	cell_text(sh, m->site_name);
	cell_text(sh, m->item_name);
	cell_date(sh, m->date);
	cell_id(sh, m->doc_id);
	cell_int(sh, m->line_no);
	cell_text(sh, supply_kind_label(m->kind));
	cell_text(sh, m->counterpart);
	cell_int(sh, m->qty);
	cell_text(sh, it && it->uom ? it->uom->zh : NULL);
	/* the size of the movement in packs; its sign is in the number column
	 * (a negative display is "-" + the display of the size) */
	cell_text(sh, m->display && m->display[0] == '-' ? m->display + 1 : m->display);
	cell_int(sh, m->balance);
	cell_text(sh, m->balance_display);
	cell_text(sh, m->entered);
	cell_text(sh, m->note);
	row_end(sh);
	return sh->failed ? sj_fail(e, SJ_EIO, "out", "the export file could not be written") : SJ_OK;
}

static sj_rc
export_ledger(store *s, const scope *sc, sheet *sh, const supply_export_filter *f, sj_err *e)
{
	supply_ledger_filter lf = { .site_id = f->site_id, .item_id = f->item_id, .from = f->from,
	    .to = f->to };
	ledger_ctx c = { .sh = sh };
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = supply_item_set_load(s, &a, &c.items, e)) == SJ_OK)
		rc = supply_ledger_each(s, sc, &lf, ledger_row, &c, e);
	arena_free(&a);
	return rc;
}

/* ---- stock --------------------------------------------------------------- */

static const char *const stock_headers[] = {
	"截至日期", "站点", "站点类型", "物品", "类别", "结存", "单位", "结存(包装)", "最低库存",
	"低于最低库存",
};
static const double stock_widths[] = { 12, 22, 8, 14, 12, 10, 5, 14, 10, 12 };

static const char *
site_kind_label(const char *kind)
{
	return strcmp(kind, "organ") == 0 ? "机关库" : strcmp(kind, "group") == 0 ? "工作组库" : "单位";
}

static sj_rc
export_stock(store *s, const scope *sc, sheet *sh, const supply_export_filter *f, sj_err *e)
{
	supply_stock_filter sf = { .site_id = f->site_id, .item_id = f->item_id, .date = f->date };
	sj_date as_of = f->date == SUPPLY_DATE_NONE ? dt_date_of(dt_now()) : f->date;
	supply_stock_row *rows;
	size_t n;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = supply_stock_list(s, sc, &a, &sf, &rows, &n, e)) == SJ_OK)
		for (size_t i = 0; i < n; i++) {
			const supply_uom *u = supply_uom_find(rows[i].base_unit);
			cell_date(sh, as_of);
			cell_text(sh, rows[i].site_name);
			cell_text(sh, site_kind_label(rows[i].site_kind));
			cell_text(sh, rows[i].item_name);
			cell_text(sh, rows[i].category);
			cell_int(sh, rows[i].qty);
			cell_text(sh, u ? u->zh : NULL);
			cell_text(sh, rows[i].display);
			if (rows[i].min_qty >= 0)
				cell_int(sh, rows[i].min_qty);
			else
				cell_text(sh, NULL);
			cell_text(sh, rows[i].below_min ? "是" : "否");
			row_end(sh);
		}
	arena_free(&a);
	return rc;
}

/* ---- requests ------------------------------------------------------------ */

static const char *const request_headers[] = {
	"需求号", "单位", "物品", "需求", "已发放", "未发放", "单位", "需求(包装)", "已发放(包装)",
	"状态", "提出日期", "需要日期", "原因", "登记人", "登记时间", "发放单据",
};
static const double request_widths[] = { 8, 16, 14, 8, 8, 8, 5, 14, 14, 8, 12, 12, 30, 10, 16, 14 };

static const char *
status_label(const char *status)
{
	return strcmp(status, "none") == 0 ? "未发放" : strcmp(status, "partial") == 0 ? "部分发放"
	    : strcmp(status, "complete") == 0 ? "已完成" : "已取消";
}

/* "12, 15": the distributions that fulfilled request id, into out. */
static sj_rc
fulfilled_by(store *s, int64_t id, char *out, size_t n, sj_err *e)
{
	store_stmt *st;
	size_t len = 0;
	bool row;
	sj_rc rc;

	out[0] = '\0';
	if ((rc = store_prepare(s, export_sql[Q_FULFILLED_BY], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		if (len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%lld", len ? ", " : "",
			    (long long)store_col_int(st, 0));
	return rc;
}

static void
request_row(sheet *sh, const supply_item_set *items, const supply_request *r, const char *docs)
{
	const supply_item *it = supply_item_set_get(items, r->item_id);

	cell_id(sh, r->id);
	cell_text(sh, r->unit_name);
	cell_text(sh, r->item_name);
	cell_int(sh, r->qty);
	cell_int(sh, r->delivered);
	cell_int(sh, r->remaining);
	cell_text(sh, it && it->uom ? it->uom->zh : NULL);
	cell_text(sh, r->display);
	cell_text(sh, r->delivered_display);
	cell_text(sh, status_label(r->status));
	cell_date(sh, r->raised_on);
	cell_date(sh, r->needed_by);
	cell_text(sh, r->reason);
	cell_text(sh, r->created_by_name);
	cell_instant(sh, r->created_at);
	cell_text(sh, docs);
	row_end(sh);
}

static sj_rc
export_requests(store *s, const scope *sc, sheet *sh, const supply_export_filter *f, sj_err *e)
{
	supply_request_filter rf = { .unit_id = f->unit_id, .item_id = f->item_id, .limit = -1 };
	supply_request_page page = {0};
	supply_item_set items;
	char docs[256];
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = supply_item_set_load(s, &a, &items, e)) == SJ_OK)
		rc = supply_request_list(s, sc, &a, &rf, &page, e);
	for (size_t i = 0; i < page.n_requests && rc == SJ_OK; i++)
		if ((rc = fulfilled_by(s, page.requests[i].id, docs, sizeof docs, e)) == SJ_OK)
			request_row(sh, &items, &page.requests[i], docs);
	arena_free(&a);
	return rc;
}

/* ---- entry --------------------------------------------------------------- */

sj_rc
supply_export(store *s, const scope *sc, int report, int format, const supply_export_filter *f,
    const char *path, int64_t *rows, sj_err *e)
{
	sheet sh;
	sj_rc rc;

	if (rows)
		*rows = 0;
	if (!auth_role_may(sc->role, PERM_SUPPLY_READ))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not read supplies");
	if (format != SUPPLY_FORMAT_CSV && format != SUPPLY_FORMAT_XLSX)
		return sj_fail(e, SJ_EINVAL, "format", "use csv or xlsx");
	switch (report) {
	case SUPPLY_REPORT_LEDGER:
		rc = sheet_begin(&sh, format, path, "台账", ledger_headers, ledger_widths,
		    (int)(sizeof ledger_headers / sizeof *ledger_headers), e);
		if (rc == SJ_OK)
			rc = export_ledger(s, sc, &sh, f, e);
		break;
	case SUPPLY_REPORT_STOCK:
		rc = sheet_begin(&sh, format, path, "库存", stock_headers, stock_widths,
		    (int)(sizeof stock_headers / sizeof *stock_headers), e);
		if (rc == SJ_OK)
			rc = export_stock(s, sc, &sh, f, e);
		break;
	case SUPPLY_REPORT_REQUESTS:
		rc = sheet_begin(&sh, format, path, "需求", request_headers, request_widths,
		    (int)(sizeof request_headers / sizeof *request_headers), e);
		if (rc == SJ_OK)
			rc = export_requests(s, sc, &sh, f, e);
		break;
	default:
		return sj_fail(e, SJ_EINVAL, "report", "use ledger, stock or requests");
	}
	if (rows)
		*rows = sh.rows;
	return sheet_end(&sh, path, rc, e);
}
