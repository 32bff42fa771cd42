/*
 * supply_export — the three supply reports, written through the shared
 * cell writer (sheet.h), so the rules of supply_export.h (formula
 * neutralising, text ids, date cells, sheet overflow) hold for each.
 */
#include "domain/supply_export.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/sheet.h"
#include "domain/supply_ledger.h"
#include "domain/supply_need.h"

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
	return sheet_format_parse(s);
}

const char *
supply_format_mime(int format)
{
	return sheet_format_mime(format);
}

const char *
supply_format_ext(int format)
{
	return sheet_format_ext(format);
}

/* ---- the ledger ---------------------------------------------------------- */

const sheet_column supply_move_cols[SUPPLY_MOVE_COLS] = {
	{ "站点", 22 }, { "物品", 14 }, { "日期", 12 }, { "单据号", 8 }, { "行", 5 },
	{ "类型", 6 }, { "对方/原因", 22 }, { "变动", 10 }, { "单位", 5 }, { "数量(包装)", 14 },
	{ "结存", 10 }, { "结存(包装)", 14 }, { "录入数量", 12 }, { "备注", 24 },
};

typedef struct ledger_ctx {
	sheet *sh;
	supply_item_set items;
} ledger_ctx;

void
supply_move_cells(sheet *sh, const supply_move *m, const char *uom)
{
	sheet_text(sh, m->site_name);
	sheet_text(sh, m->item_name);
	sheet_date(sh, m->date);
	sheet_id(sh, m->doc_id);
	sheet_int(sh, m->line_no);
	sheet_text(sh, supply_kind_label(m->kind));
	sheet_text(sh, m->counterpart);
	sheet_int(sh, m->qty);
	sheet_text(sh, uom);
	/* the size of the movement in packs; its sign is in the number column
	 * (a negative display is "-" + the display of the size) */
	sheet_text(sh, m->display && m->display[0] == '-' ? m->display + 1 : m->display);
	sheet_int(sh, m->balance);
	sheet_text(sh, m->balance_display);
	sheet_text(sh, m->entered);
	sheet_text(sh, m->note);
}

static sj_rc
ledger_row(void *ctx, const supply_move *m, sj_err *e)
{
	ledger_ctx *c = ctx;
	const supply_item *it = supply_item_set_get(&c->items, m->item_id);

	supply_move_cells(c->sh, m, it && it->uom ? it->uom->zh : NULL);
	return sheet_row_end(c->sh, e);
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

static const sheet_column stock_cols[] = {
	{ "截至日期", 12 }, { "站点", 22 }, { "站点类型", 8 }, { "物品", 14 }, { "类别", 12 },
	{ "结存", 10 }, { "单位", 5 }, { "结存(包装)", 14 }, { "最低库存", 10 },
	{ "低于最低库存", 12 },
};

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
		for (size_t i = 0; i < n && rc == SJ_OK; i++) {
			const supply_uom *u = supply_uom_find(rows[i].base_unit);
			sheet_date(sh, as_of);
			sheet_text(sh, rows[i].site_name);
			sheet_text(sh, site_kind_label(rows[i].site_kind));
			sheet_text(sh, rows[i].item_name);
			sheet_text(sh, rows[i].category);
			sheet_int(sh, rows[i].qty);
			sheet_text(sh, u ? u->zh : NULL);
			sheet_text(sh, rows[i].display);
			if (rows[i].min_qty >= 0)
				sheet_int(sh, rows[i].min_qty);
			else
				sheet_text(sh, NULL);
			sheet_text(sh, rows[i].below_min ? "是" : "否");
			rc = sheet_row_end(sh, e);
		}
	arena_free(&a);
	return rc;
}

/* ---- requests ------------------------------------------------------------ */

static const sheet_column request_cols[] = {
	{ "需求号", 8 }, { "单位", 16 }, { "物品", 14 }, { "需求", 8 }, { "已发放", 8 },
	{ "未发放", 8 }, { "单位", 5 }, { "需求(包装)", 14 }, { "已发放(包装)", 14 },
	{ "状态", 8 }, { "提出日期", 12 }, { "需要日期", 12 }, { "原因", 30 }, { "登记人", 10 },
	{ "登记时间", 16 }, { "发放单据", 14 },
};

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

static sj_rc
request_row(sheet *sh, const supply_item_set *items, const supply_request *r, const char *docs,
    sj_err *e)
{
	const supply_item *it = supply_item_set_get(items, r->item_id);

	sheet_id(sh, r->id);
	sheet_text(sh, r->unit_name);
	sheet_text(sh, r->item_name);
	sheet_int(sh, r->qty);
	sheet_int(sh, r->delivered);
	sheet_int(sh, r->remaining);
	sheet_text(sh, it && it->uom ? it->uom->zh : NULL);
	sheet_text(sh, r->display);
	sheet_text(sh, r->delivered_display);
	sheet_text(sh, status_label(r->status));
	sheet_date(sh, r->raised_on);
	sheet_date(sh, r->needed_by);
	sheet_text(sh, r->reason);
	sheet_text(sh, r->created_by_name);
	sheet_instant(sh, r->created_at);
	sheet_text(sh, docs);
	return sheet_row_end(sh, e);
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
			rc = request_row(sh, &items, &page.requests[i], docs, e);
	arena_free(&a);
	return rc;
}

/* ---- entry --------------------------------------------------------------- */

sj_rc
supply_export(store *s, const scope *sc, int report, int format, const supply_export_filter *f,
    const char *path, int64_t *rows, sj_err *e)
{
	static const struct {
		const char *title;
		const sheet_column *cols;
		int n_cols;
	} tables[] = {
		[SUPPLY_REPORT_LEDGER] = { "台账", supply_move_cols, SUPPLY_MOVE_COLS },
		[SUPPLY_REPORT_STOCK] = { "库存", stock_cols, (int)(sizeof stock_cols / sizeof *stock_cols) },
		[SUPPLY_REPORT_REQUESTS] = { "需求", request_cols, (int)(sizeof request_cols / sizeof *request_cols) },
	};
	sheet *sh = NULL;
	sj_rc rc;

	if (rows)
		*rows = 0;
	if (!auth_role_may(sc->role, PERM_SUPPLY_READ))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not read supplies");
	if (report < 0 || report > SUPPLY_REPORT_REQUESTS)
		return sj_fail(e, SJ_EINVAL, "report", "use ledger, stock or requests");
	if ((rc = sheet_open(format, path, 0, &sh, e)) != SJ_OK)
		return rc;
	rc = sheet_table(sh, tables[report].title, tables[report].cols, tables[report].n_cols, e);
	if (rc == SJ_OK && report == SUPPLY_REPORT_LEDGER)
		rc = export_ledger(s, sc, sh, f, e);
	else if (rc == SJ_OK && report == SUPPLY_REPORT_STOCK)
		rc = export_stock(s, sc, sh, f, e);
	else if (rc == SJ_OK)
		rc = export_requests(s, sc, sh, f, e);
	if (rows)
		*rows = sheet_rows(sh);
	return sheet_close(sh, path, rc, e);
}
