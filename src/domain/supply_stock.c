/*
 * supply_stock — the read side of the ledger: stock on hand at a date and
 * the walk over movements with running balances (supply_ledger.h).
 *
 * Stock on hand at date D is the balance at the end of the last day on or
 * before D that has movements: the first row of supply_balance going
 * backwards from (site, item, D) in its primary key — one index seek,
 * however long the ledger.  The walk reads supply_move in key order (the
 * ledger order) and keeps the running balance itself; where it starts in
 * the middle of a (site, item) range, the opening balance is the day's
 * balance before it plus the movements of that day before it.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/supply_ledger.h"
#include "domain/supply_site.h"

enum { Q_ON_HAND, Q_END_OF, Q_STOCK_LIST, Q_OPENING, Q_LEDGER_ALL, Q_LEDGER_SITE, Q_LEDGER_PAIR };

#define MOVE_SELECT \
	"SELECT m.site_id, t.name, m.item_id, m.day, m.doc_id, m.line_no, m.qty, d.kind," \
	" CASE WHEN d.kind = 'receipt' THEN d.counterparty WHEN d.kind = 'adjustment' THEN d.reason" \
	" WHEN m.site_id = d.site_id THEN o.name ELSE f.name END, l.entered, d.note" \
	" FROM supply_move m JOIN supply_site t ON t.id = m.site_id" \
	" JOIN supply_doc d ON d.id = m.doc_id" \
	" JOIN supply_line l ON l.doc_id = m.doc_id AND l.line_no = m.line_no" \
	" JOIN supply_site f ON f.id = d.site_id LEFT JOIN supply_site o ON o.id = d.to_site_id" \
	" WHERE " SUPPLY_SITE_VISIBLE("t")
/* ?6/?7 the date range; ?8..?12 the position after which to start (always
 * bound, so that the key range starts there) */
#define MOVE_RANGE \
	" AND (m.day >= ?6 OR ?6 IS NULL) AND (m.day <= ?7 OR ?7 IS NULL)" \
	" AND (m.site_id, m.item_id, m.day, m.doc_id, m.line_no) > (?8, ?9, ?10, ?11, ?12)" \
	" ORDER BY m.site_id, m.item_id, m.day, m.doc_id, m.line_no"

static const char *const stock_sql[] = {
	[Q_ON_HAND] =
	"SELECT on_hand FROM supply_stock WHERE site_id = ?1 AND item_id = ?2",
	[Q_END_OF] =
	"SELECT qty_end FROM supply_balance WHERE site_id = ?1 AND item_id = ?2 AND day <= ?3"
	" ORDER BY day DESC LIMIT 1",
	/* ?4 site, ?5 item, ?6 date (now: DT_DATE_MAX, after every movement) */
	[Q_STOCK_LIST] =
	"SELECT k.site_id, t.name, t.kind, k.item_id,"
	" coalesce((SELECT b.qty_end FROM supply_balance b WHERE b.site_id = k.site_id"
	" AND b.item_id = k.item_id AND b.day <= ?6 ORDER BY b.day DESC LIMIT 1), 0), k.min_qty"
	" FROM supply_stock k JOIN supply_site t ON t.id = k.site_id"
	" JOIN supply_item i ON i.id = k.item_id"
	" WHERE " SUPPLY_SITE_VISIBLE("t")
	" AND (k.site_id = ?4 OR ?4 IS NULL) AND (k.item_id = ?5 OR ?5 IS NULL)"
	" ORDER BY CASE t.kind WHEN 'organ' THEN 0 WHEN 'group' THEN 1 ELSE 2 END, t.name_sort,"
	" t.id, i.name_sort, i.id",
	/* the balance just before movement (?1 site, ?2 item, ?3 day, ?4 doc, ?5 line) */
	[Q_OPENING] =
	"SELECT coalesce((SELECT b.qty_end FROM supply_balance b WHERE b.site_id = ?1"
	" AND b.item_id = ?2 AND b.day < ?3 ORDER BY b.day DESC LIMIT 1), 0)"
	" + CAST(coalesce((SELECT sum(x.qty) FROM supply_move x WHERE x.site_id = ?1"
	" AND x.item_id = ?2 AND x.day = ?3 AND (x.doc_id < ?4 OR (x.doc_id = ?4"
	" AND x.line_no < ?5))), 0) AS BIGINT)",
	[Q_LEDGER_ALL] =
	MOVE_SELECT " AND (m.site_id = ?4 OR ?4 IS NULL) AND (m.item_id = ?5 OR ?5 IS NULL)"
	MOVE_RANGE,
	[Q_LEDGER_SITE] =
	MOVE_SELECT " AND m.site_id = ?4 AND (m.item_id = ?5 OR ?5 IS NULL)" MOVE_RANGE,
	[Q_LEDGER_PAIR] =
	MOVE_SELECT " AND m.site_id = ?4 AND m.item_id = ?5" MOVE_RANGE,
};

static void
bind_opt(store_stmt *st, int i, int64_t v, bool present)
{
	if (present)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

/* ---- stock on hand ------------------------------------------------------- */

sj_rc
supply_stock_at(store *s, const scope *sc, int64_t site_id, int64_t item_id, sj_date date,
    int64_t *qty, sj_err *e)
{
	supply_site t;
	supply_item it;
	store_stmt *st;
	arena a;
	sj_rc rc;

	*qty = 0;
	arena_init(&a);
	rc = supply_site_get(s, sc, &a, site_id, "site", &t, e);
	if (rc == SJ_OK)
		rc = supply_item_get(s, &a, item_id, &it, e);
	arena_free(&a);
	if (rc != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, stock_sql[date == SUPPLY_DATE_NONE ? Q_ON_HAND : Q_END_OF], &st,
	    e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, site_id);
	store_bind_int(st, 2, item_id);
	if (date != SUPPLY_DATE_NONE)
		store_bind_int(st, 3, date);
	return store_query_int(st, qty, NULL, e);
}

/* Fill a stock row's item fields and display forms from the item set. */
static void
stock_row_item(arena *a, const supply_item_set *items, supply_stock_row *r)
{
	const supply_item *it = supply_item_set_get(items, r->item_id);

	if (it == NULL)
		return;  /* added after the set was loaded: leave the names empty */
	r->item_name = it->name;
	r->category = it->category;
	r->base_unit = it->base_unit;
	r->display = supply_qty_text(a, it, r->qty);
	r->display_en = supply_qty_text_en(a, it, r->qty);
}

static sj_rc
stock_list_rows(store_stmt *st, arena *a, const supply_item_set *items,
    const supply_stock_filter *f, supply_stock_row **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	bool row;
	sj_rc rc;

	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		supply_stock_row r = {0};
		r.site_id = store_col_int(st, 0);
		r.site_name = arena_strdup(a, store_col_text(st, 1));
		r.site_kind = arena_strdup(a, store_col_text(st, 2));
		r.item_id = store_col_int(st, 3);
		r.qty = store_col_int(st, 4);
		r.min_qty = store_col_is_null(st, 5) ? -1 : store_col_int(st, 5);
		r.below_min = r.min_qty >= 0 && r.qty < r.min_qty;
		if (f->below_min && !r.below_min)
			continue;
		stock_row_item(a, items, &r);
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		(*out)[(*n)++] = r;
	}
	return rc;
}

sj_rc
supply_stock_list(store *s, const scope *sc, arena *a, const supply_stock_filter *f,
    supply_stock_row **out, size_t *n, sj_err *e)
{
	supply_item_set items;
	supply_site t;
	store_stmt *st;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if (f->site_id > 0 && (rc = supply_site_get(s, sc, a, f->site_id, "site", &t, e)) != SJ_OK)
		return rc;
	if ((rc = supply_item_set_load(s, a, &items, e)) != SJ_OK ||
	    (rc = store_prepare(s, stock_sql[Q_STOCK_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, f->site_id, f->site_id > 0);
	bind_opt(st, 5, f->item_id, f->item_id > 0);
	store_bind_int(st, 6, f->date == SUPPLY_DATE_NONE ? DT_DATE_MAX : f->date);
	return stock_list_rows(st, a, &items, f, out, n, e);
}

/* ---- the ledger walk ----------------------------------------------------- */

typedef struct walk {
	store *s;
	supply_item_set items;
	int64_t site, item;      /* the (site, item) range being walked */
	int64_t balance;
} walk;

/* The balance just before movement m. */
static sj_rc
walk_opening(walk *w, const supply_move *m, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(w->s, stock_sql[Q_OPENING], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, m->site_id);
	store_bind_int(st, 2, m->item_id);
	store_bind_int(st, 3, m->date);
	store_bind_int(st, 4, m->doc_id);
	store_bind_int(st, 5, m->line_no);
	return store_query_int(st, &w->balance, NULL, e);
}

/* Read the current row of st into m (strings in a), with its running
 * balance. */
static sj_rc
walk_row(walk *w, store_stmt *st, arena *a, supply_move *m, sj_err *e)
{
	const supply_item *it;
	sj_rc rc;

	memset(m, 0, sizeof *m);
	m->site_id = store_col_int(st, 0);
	m->site_name = arena_strdup(a, store_col_text(st, 1));
	m->item_id = store_col_int(st, 2);
	m->date = (sj_date)store_col_int(st, 3);
	m->doc_id = store_col_int(st, 4);
	m->line_no = (int)store_col_int(st, 5);
	m->qty = store_col_int(st, 6);
	m->kind = arena_strdup(a, store_col_text(st, 7));
	m->counterpart = arena_strdup(a, store_col_text(st, 8));
	m->entered = arena_strdup(a, store_col_text(st, 9));
	m->note = arena_strdup(a, store_col_text(st, 10));
	if (m->site_id != w->site || m->item_id != w->item) {
		w->site = m->site_id;
		w->item = m->item_id;
		if ((rc = walk_opening(w, m, e)) != SJ_OK)
			return rc;
	}
	w->balance += m->qty;
	m->balance = w->balance;
	if ((it = supply_item_set_get(&w->items, m->item_id)) != NULL) {
		m->item_name = it->name;
		m->display = supply_qty_text(a, it, m->qty);
		m->balance_display = supply_qty_text(a, it, m->balance);
	}
	return SJ_OK;
}

/* Prepare the ledger query for f and bind it. */
static sj_rc
walk_prepare(store *s, const scope *sc, const supply_ledger_filter *f, store_stmt **st, sj_err *e)
{
	int q = f->site_id <= 0 ? Q_LEDGER_ALL : f->item_id > 0 ? Q_LEDGER_PAIR : Q_LEDGER_SITE;
	sj_rc rc;

	if ((rc = store_prepare(s, stock_sql[q], st, e)) != SJ_OK)
		return rc;
	scope_bind(*st, sc);
	bind_opt(*st, 4, f->site_id, f->site_id > 0);
	bind_opt(*st, 5, f->item_id, f->item_id > 0);
	bind_opt(*st, 6, f->from, f->from != SUPPLY_DATE_NONE);
	bind_opt(*st, 7, f->to, f->to != SUPPLY_DATE_NONE);
	if (f->after_site > 0) {
		store_bind_int(*st, 8, f->after_site);
		store_bind_int(*st, 9, f->after_item);
		store_bind_int(*st, 10, f->after_day);
		store_bind_int(*st, 11, f->after_doc);
		store_bind_int(*st, 12, f->after_line);
	} else {
		/* before every movement: ids are positive */
		store_bind_int(*st, 8, 0);
		store_bind_int(*st, 9, 0);
		store_bind_int(*st, 10, DT_DATE_MIN);
		store_bind_int(*st, 11, 0);
		store_bind_int(*st, 12, 0);
	}
	return SJ_OK;
}

sj_rc
supply_ledger_each(store *s, const scope *sc, const supply_ledger_filter *f, supply_move_fn fn,
    void *ctx, sj_err *e)
{
	walk w = { .s = s };
	supply_site t;
	supply_move m;
	store_stmt *st;
	arena a, row_a;
	bool row;
	sj_rc rc;

	if (f->from != SUPPLY_DATE_NONE && f->to != SUPPLY_DATE_NONE && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	arena_init(&a);
	arena_init(&row_a);
	if ((f->site_id > 0 && (rc = supply_site_get(s, sc, &a, f->site_id, "site", &t, e)) != SJ_OK) ||
	    (rc = supply_item_set_load(s, &a, &w.items, e)) != SJ_OK ||
	    (rc = walk_prepare(s, sc, f, &st, e)) != SJ_OK)
		goto out;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if ((rc = walk_row(&w, st, &row_a, &m, e)) != SJ_OK ||
		    (rc = fn(ctx, &m, e)) != SJ_OK) {
			store_reset(st);
			break;
		}
		arena_free(&row_a);
	}
out:
	arena_free(&row_a);
	arena_free(&a);
	return rc;
}

/* Collects a page of movements for supply_ledger_list. */
typedef struct collect {
	arena *a;
	supply_ledger_page *page;
	size_t cap;
	int limit;
} collect;

static sj_rc
collect_move(void *ctx, const supply_move *m, sj_err *e)
{
	collect *c = ctx;
	supply_move *d;

	(void)e;
	if (c->page->n_moves == (size_t)c->limit) {
		c->page->has_more = true;
		return SJ_ELIMIT;  /* stops the walk; not an error of the list */
	}
	c->page->moves = arena_grow(c->a, c->page->moves, &c->cap, c->page->n_moves, sizeof *d);
	d = &c->page->moves[c->page->n_moves++];
	*d = *m;
	d->site_name = arena_strdup(c->a, m->site_name);
	d->item_name = arena_strdup(c->a, m->item_name);
	d->kind = arena_strdup(c->a, m->kind);
	d->counterpart = arena_strdup(c->a, m->counterpart);
	d->display = arena_strdup(c->a, m->display);
	d->balance_display = arena_strdup(c->a, m->balance_display);
	d->entered = arena_strdup(c->a, m->entered);
	d->note = arena_strdup(c->a, m->note);
	return SJ_OK;
}

sj_rc
supply_ledger_list(store *s, const scope *sc, arena *a, const supply_ledger_filter *f,
    supply_ledger_page *out, sj_err *e)
{
	collect c = { .a = a, .page = out, .limit = f->limit ? f->limit : 50 };
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (c.limit < 1 || c.limit > SUPPLY_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", c.limit,
		    SUPPLY_LIST_MAX);
	rc = supply_ledger_each(s, sc, f, collect_move, &c, e);
	return rc == SJ_ELIMIT && out->has_more ? SJ_OK : rc;
}
