/*
 * supply_ledger — documents: validation, the balance check and the
 * writes; reading documents back; receipt confirmation.  Stock on hand and
 * the ledger walk are in supply_stock.c.
 *
 * How a document is written (docs/supply.md): inside one transaction,
 *  1. every field and line is checked and resolved (items, packs, sites in
 *     scope, requests); all problems are collected, nothing is written;
 *  2. the supply_stock row of every (site, item) the document touches is
 *     updated, in (site, item) order — the writer's lock on PostgreSQL;
 *  3. the document and each line are inserted; each movement q of a line
 *     at (site, item, day) is checked — the balance at the end of day
 *     (last supply_balance row on or before it) plus q, and every later
 *     day's lowest balance plus q, must stay >= 0 — then the day's row is
 *     upserted (end += q, low = min(low, new end)), later days' rows are
 *     shifted by q, and the movement and the new on-hand are stored.
 * A line that fails the check is reported and not applied, so later lines
 * are checked against the stock the document would really leave; any
 * problem rolls the whole document back.
 */
#include "domain/supply_ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/supply_site.h"

enum {
	Q_REQ_CHECK, Q_LOCK, Q_DOC_ADD, Q_LINE_ADD, Q_BAL_BEFORE, Q_BAL_LATER_LOW, Q_BAL_UPSERT,
	Q_BAL_SHIFT, Q_MOVE_ADD, Q_STOCK_ADD, Q_DOC_GET, Q_DOC_LIST, Q_LINES, Q_CONFIRM,
};

#define DOC_COLS \
	"d.id, d.kind, d.doc_date, d.site_id, f.name, d.to_site_id, t.name, d.source," \
	" d.counterparty, d.reason, d.note, d.created_at, d.created_by, d.created_by_name," \
	" d.confirmed_at, d.confirmed_by, d.confirmed_by_name, d.discrepancy," \
	" (SELECT count(*) FROM supply_line l WHERE l.doc_id = d.id)"
#define DOC_FROM \
	" FROM supply_doc d JOIN supply_site f ON f.id = d.site_id" \
	" LEFT JOIN supply_site t ON t.id = d.to_site_id" \
	" WHERE (" SUPPLY_SITE_VISIBLE("f") " OR " SUPPLY_SITE_VISIBLE("t") ")"

static const char *const ledger_sql[] = {
	[Q_REQ_CHECK] =
	"SELECT r.site_id, r.item_id, r.qty, r.cancelled_at,"
	" CAST(coalesce((SELECT sum(l.qty) FROM supply_line l WHERE l.request_id = r.id), 0)"
	" AS BIGINT) FROM supply_request r WHERE r.id = ?1",
	/* the writer's lock: on PostgreSQL this row stays locked until commit */
	[Q_LOCK] =
	"INSERT INTO supply_stock (site_id, item_id, on_hand, writes) VALUES (?1, ?2, 0, 1)"
	" ON CONFLICT (site_id, item_id) DO UPDATE SET writes = supply_stock.writes + 1",
	[Q_DOC_ADD] =
	"INSERT INTO supply_doc (kind, doc_date, site_id, to_site_id, source, counterparty, reason,"
	" note, created_at, created_by, created_by_name)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	[Q_LINE_ADD] =
	"INSERT INTO supply_line (doc_id, line_no, item_id, qty, entered, counted, request_id)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* the balance at the end of day ?3: one seek backwards in the key */
	[Q_BAL_BEFORE] =
	"SELECT qty_end FROM supply_balance WHERE site_id = ?1 AND item_id = ?2 AND day <= ?3"
	" ORDER BY day DESC LIMIT 1",
	/* the first later day whose lowest balance is below -q */
	[Q_BAL_LATER_LOW] =
	"SELECT day, low FROM supply_balance WHERE site_id = ?1 AND item_id = ?2 AND day > ?3"
	" AND low < ?4 ORDER BY day LIMIT 1",
	/* ?4 the new end of day when the row is new; ?5 the movement */
	[Q_BAL_UPSERT] =
	"INSERT INTO supply_balance (site_id, item_id, day, qty_end, low) VALUES (?1, ?2, ?3, ?4, ?4)"
	" ON CONFLICT (site_id, item_id, day) DO UPDATE SET"
	" qty_end = supply_balance.qty_end + ?5,"
	" low = CASE WHEN supply_balance.low < supply_balance.qty_end + ?5"
	" THEN supply_balance.low ELSE supply_balance.qty_end + ?5 END",
	[Q_BAL_SHIFT] =
	"UPDATE supply_balance SET qty_end = qty_end + ?4, low = low + ?4"
	" WHERE site_id = ?1 AND item_id = ?2 AND day > ?3",
	[Q_MOVE_ADD] =
	"INSERT INTO supply_move (site_id, item_id, day, doc_id, line_no, qty)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_STOCK_ADD] =
	"UPDATE supply_stock SET on_hand = on_hand + ?3 WHERE site_id = ?1 AND item_id = ?2",
	[Q_DOC_GET] =
	"SELECT " DOC_COLS DOC_FROM " AND d.id = ?4",
	/* ?4 kind, ?5 site, ?6 from, ?7 to, ?8 unconfirmed, ?9 before id, ?10 limit */
	[Q_DOC_LIST] =
	"SELECT " DOC_COLS DOC_FROM
	" AND (d.kind = ?4 OR ?4 IS NULL) AND (d.site_id = ?5 OR d.to_site_id = ?5 OR ?5 IS NULL)"
	" AND (d.doc_date >= ?6 OR ?6 IS NULL) AND (d.doc_date <= ?7 OR ?7 IS NULL)"
	" AND (?8 = 0 OR (d.kind = 'distribution' AND d.confirmed_at IS NULL))"
	" AND (d.id < ?9 OR ?9 IS NULL) ORDER BY d.id DESC LIMIT ?10",
	[Q_LINES] =
	"SELECT l.line_no, l.item_id, l.qty, l.entered, l.counted, l.request_id"
	" FROM supply_line l WHERE l.doc_id = ?1 ORDER BY l.line_no",
	[Q_CONFIRM] =
	"UPDATE supply_doc SET confirmed_at = ?2, confirmed_by = ?3, confirmed_by_name = ?4,"
	" discrepancy = ?5 WHERE id = ?1 AND confirmed_at IS NULL",
};

static const char *const kind_names[SUPPLY__KINDS] = {
	"receipt", "distribution", "transfer", "adjustment", "consumption",
};
static const char *const kind_labels[SUPPLY__KINDS] = {
	"入库", "发放", "调拨", "调整", "消耗",
};
static const char *const sources[] = { "donation", "purchase", "allocation", "raised", NULL };

const char *
supply_kind_name(int k)
{
	return k >= 0 && k < SUPPLY__KINDS ? kind_names[k] : NULL;
}

int
supply_kind_parse(const char *s)
{
	for (int k = 0; s && k < SUPPLY__KINDS; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *
supply_kind_label(const char *name)
{
	int k = supply_kind_parse(name);

	return k < 0 ? name : kind_labels[k];
}

void
supply_problem_add(supply_problems *pr, arena *a, int line, const char *field, const char *detail)
{
	pr->v = arena_grow(a, pr->v, &pr->cap, pr->n, sizeof *pr->v);
	pr->v[pr->n].line = line;
	pr->v[pr->n].field = arena_strdup(a, field ? field : "");
	pr->v[pr->n].detail = arena_strdup(a, detail);
	pr->n++;
}

/* Record e's failure as a problem of line (0 = the document). */
static void
problem_of(supply_problems *pr, arena *a, int line, const sj_err *e)
{
	supply_problem_add(pr, a, line, e->field, e->msg);
}

/* ---- the plan: a document checked and resolved --------------------------- */

typedef struct plan_line {
	const supply_item *item;
	int64_t qty;             /* base units; a stocktake's count until applied */
	bool counted;
	int64_t request_id;
	const char *entered;
} plan_line;

typedef struct doc_plan {
	int kind;
	sj_date date;
	supply_site site;
	supply_site to_site;     /* id 0 when the kind has none */
	plan_line *lines;
	size_t n_lines;
	const supply_item **items;  /* items resolved so far, for reuse */
	size_t n_items, cap_items;
} doc_plan;

/* Whether the kind moves stock between two sites. */
static bool
two_sided(int kind)
{
	return kind == SUPPLY_DISTRIBUTION || kind == SUPPLY_TRANSFER;
}

/* Check a site id of the document and read it into *out; a problem when
 * it is missing or not in scope. */
static sj_rc
plan_site(store *s, const scope *sc, arena *a, int64_t id, const char *field, supply_site *out,
    supply_problems *pr, sj_err *e)
{
	sj_err pe = {0};
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (id <= 0) {
		supply_problem_add(pr, a, 0, field, "is required");
		return SJ_OK;
	}
	rc = supply_site_get(s, sc, a, id, field, out, &pe);
	if (rc == SJ_ENOTFOUND) {
		problem_of(pr, a, 0, &pe);
		memset(out, 0, sizeof *out);
		return SJ_OK;
	}
	if (rc != SJ_OK)
		*e = pe;
	return rc;
}

/* The receiving site of a distribution or transfer. */
static sj_rc
plan_to_site(store *s, const scope *sc, arena *a, const supply_doc_input *in, doc_plan *p,
    supply_problems *pr, sj_err *e)
{
	int64_t to = in->to_site_id;
	sj_err pe = {0};
	sj_rc rc;

	if (!two_sided(p->kind)) {
		if (in->to_site_id || in->to_unit_id)
			supply_problem_add(pr, a, 0, in->to_site_id ? "to_site_id" : "to_unit_id",
			    "only distributions and transfers have a receiving site");
		return SJ_OK;
	}
	if (in->to_unit_id > 0 && to == 0 && p->kind == SUPPLY_DISTRIBUTION) {
		rc = supply_site_of_unit(s, sc, in->to_unit_id, true, "to_unit_id", &to, &pe);
		if (rc == SJ_ENOTFOUND || rc == SJ_ECONFLICT) {
			problem_of(pr, a, 0, &pe);
			return SJ_OK;
		}
		if (rc != SJ_OK) {
			*e = pe;
			return rc;
		}
	} else if (in->to_unit_id > 0)
		supply_problem_add(pr, a, 0, "to_unit_id", in->to_site_id
		    ? "give to_site_id or to_unit_id, not both" : "only a distribution goes to a unit");
	if ((rc = plan_site(s, sc, a, to, "to_site_id", &p->to_site, pr, e)) != SJ_OK)
		return rc;
	if (p->to_site.id == 0)
		return SJ_OK;
	if (p->to_site.id == p->site.id)
		supply_problem_add(pr, a, 0, "to_site_id", "must differ from site_id");
	else if (p->kind == SUPPLY_DISTRIBUTION && strcmp(p->to_site.kind, "unit") != 0)
		supply_problem_add(pr, a, 0, "to_site_id",
		    "a distribution goes to a unit's site; move stock between stores with a transfer");
	return SJ_OK;
}

/* Check the optional text field v (at most max characters) of the
 * document; allowed says whether the kind takes it. */
static void
plan_text(arena *a, const char *v, const char *field, size_t max, bool allowed, bool required,
    const char *why, supply_problems *pr)
{
	sj_err pe = {0};

	if (v == NULL) {
		if (required)
			supply_problem_add(pr, a, 0, field, why);
	} else if (!allowed)
		supply_problem_add(pr, a, 0, field, why);
	else if (org_check_name(v, field, max, &pe) != SJ_OK)
		problem_of(pr, a, 0, &pe);
}

/* The document's own fields. */
static sj_rc
plan_header(store *s, const scope *sc, arena *a, const supply_doc_input *in, doc_plan *p,
    supply_problems *pr, sj_err *e)
{
	sj_date today = dt_date_of(dt_now());
	char d1[DT_DATE_LEN], d2[DT_DATE_LEN];
	sj_err pe = {0};
	sj_rc rc;

	if ((p->kind = supply_kind_parse(in->kind)) < 0) {
		supply_problem_add(pr, a, 0, "kind", arena_printf(a, "'%s' is not a document kind; use "
		    "receipt, distribution, transfer, adjustment or consumption", in->kind ? in->kind : ""));
		return SJ_OK;  /* nothing else can be judged without the kind */
	}
	p->date = in->date == SUPPLY_DATE_NONE ? today : in->date;
	if (p->date < DT_DATE_MIN || p->date > today) {
		dt_date_format(p->date < DT_DATE_MIN ? DT_DATE_MIN : p->date, d1);
		dt_date_format(today, d2);
		supply_problem_add(pr, a, 0, "date", arena_printf(a, "%s is after today (%s)", d1, d2));
	}
	if ((rc = plan_site(s, sc, a, in->site_id, "site_id", &p->site, pr, e)) != SJ_OK ||
	    (rc = plan_to_site(s, sc, a, in, p, pr, e)) != SJ_OK)
		return rc;
	if (p->kind == SUPPLY_RECEIPT && org_check_enum(in->source, sources, "source", &pe) != SJ_OK)
		problem_of(pr, a, 0, &pe);
	else if (p->kind != SUPPLY_RECEIPT && in->source)
		supply_problem_add(pr, a, 0, "source", "only a receipt has a source");
	plan_text(a, in->counterparty, "counterparty", 100, p->kind == SUPPLY_RECEIPT, false,
	    "only a receipt has a counterparty (donor or supplier)", pr);
	plan_text(a, in->reason, "reason", 200, p->kind == SUPPLY_ADJUSTMENT,
	    p->kind == SUPPLY_ADJUSTMENT, p->kind == SUPPLY_ADJUSTMENT
	    ? "an adjustment needs a reason (stocktake, loss, damage...)"
	    : "only an adjustment has a reason; use note", pr);
	plan_text(a, in->note, "note", SUPPLY_NOTE_MAX, true, false, "", pr);
	if (in->n_lines < 1 || in->n_lines > SUPPLY_LINES_MAX)
		supply_problem_add(pr, a, 0, "lines", arena_printf(a, "a document has 1 to %d lines, "
		    "got %zu", SUPPLY_LINES_MAX, in->n_lines));
	return SJ_OK;
}

/* The item of a line, from the plan's cache or the store.  *it is NULL
 * (and e filled) when it cannot be resolved. */
static sj_rc
plan_item(store *s, arena *a, doc_plan *p, const supply_line_input *l, const supply_item **it,
    sj_err *e)
{
	supply_item *found;
	sj_rc rc;

	*it = NULL;
	for (size_t i = 0; i < p->n_items && l->item_id > 0; i++)
		if (p->items[i]->id == l->item_id) {
			*it = p->items[i];
			return SJ_OK;
		}
	found = arena_alloc(a, sizeof *found);
	if (l->item_id > 0) {
		if ((rc = supply_item_get(s, a, l->item_id, found, e)) == SJ_ENOTFOUND)
			sj_fail(e, rc, "item_id", "no item with id %lld", (long long)l->item_id);
	} else if (l->item)
		rc = supply_item_lookup(s, a, l->item, "item", found, e);
	else
		rc = sj_fail(e, SJ_EINVAL, "item", "is required (an item id or name)");
	if (rc != SJ_OK)
		return rc;
	p->items = arena_grow(a, p->items, &p->cap_items, p->n_items, sizeof *p->items);
	p->items[p->n_items++] = found;
	*it = found;
	return SJ_OK;
}

/* The line's quantity in base units. */
static sj_rc
line_qty(arena *a, int kind, const supply_line_input *l, const supply_item *it, plan_line *pl,
    sj_err *e)
{
	int mode = kind != SUPPLY_ADJUSTMENT ? SUPPLY_QTY_POSITIVE
	    : l->count ? SUPPLY_QTY_NONNEGATIVE : SUPPLY_QTY_SIGNED;
	sj_rc rc;

	if (l->quantity && l->has_qty)
		return sj_fail(e, SJ_EINVAL, "quantity", "give quantity or qty, not both");
	if (l->quantity) {
		rc = supply_qty_parse(it, l->quantity, mode, "quantity", &pl->qty, e);
		pl->entered = l->quantity;
	} else if (l->has_qty) {
		rc = supply_qty_of(it, l->qty, l->pack, mode, "qty", "pack", &pl->qty, e);
		pl->entered = l->pack ? arena_printf(a, "%lld %s", (long long)l->qty, l->pack)
		    : arena_printf(a, "%lld", (long long)l->qty);
	} else
		rc = sj_fail(e, SJ_EINVAL, "quantity", "is required");
	return rc;
}

/* SJ_OK when request id may be fulfilled by a line of item it going to
 * to_site; else SJ_EINVAL naming "request_id". */
static sj_rc
line_request(store *s, const doc_plan *p, const supply_item *it, int64_t id, sj_err *e)
{
	store_stmt *st;
	int64_t site, item, qty, delivered;
	bool row, cancelled;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[Q_REQ_CHECK], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	/* a request of another unit's site is as unknown as a missing one */
	if (!row || (site = store_col_int(st, 0)) != p->to_site.id) {
		if (row)
			store_reset(st);
		return sj_fail(e, SJ_EINVAL, "request_id", "no request %lld of %s", (long long)id,
		    p->to_site.name ? p->to_site.name : "the receiving site");
	}
	item = store_col_int(st, 1);
	qty = store_col_int(st, 2);
	cancelled = !store_col_is_null(st, 3);
	delivered = store_col_int(st, 4);
	store_reset(st);
	if (item != it->id)
		return sj_fail(e, SJ_EINVAL, "request_id", "request %lld is not for %s", (long long)id,
		    it->name);
	if (cancelled)
		return sj_fail(e, SJ_EINVAL, "request_id", "request %lld is cancelled", (long long)id);
	if (delivered >= qty)
		return sj_fail(e, SJ_EINVAL, "request_id", "request %lld is already complete",
		    (long long)id);
	return SJ_OK;
}

/* Resolve line i (0-based) of in into p->lines[i]; a problem when bad. */
static sj_rc
plan_line_read(store *s, arena *a, doc_plan *p, const supply_line_input *l, size_t i,
    supply_problems *pr, sj_err *e)
{
	plan_line *pl = &p->lines[i];
	sj_err pe = {0};
	sj_rc rc;

	memset(pl, 0, sizeof *pl);
	if (l->read_detail) {
		supply_problem_add(pr, a, (int)i + 1, l->read_field, l->read_detail);
		return SJ_OK;
	}
	pl->counted = l->count;
	pl->request_id = l->request_id;
	if ((rc = plan_item(s, a, p, l, &pl->item, &pe)) == SJ_OK)
		rc = line_qty(a, p->kind, l, pl->item, pl, &pe);
	if (rc == SJ_OK && l->count && p->kind != SUPPLY_ADJUSTMENT)
		rc = sj_fail(&pe, SJ_EINVAL, "count", "only an adjustment records a stocktake count");
	if (rc == SJ_OK && l->request_id > 0) {
		if (p->kind != SUPPLY_DISTRIBUTION)
			rc = sj_fail(&pe, SJ_EINVAL, "request_id", "only a distribution fulfils requests");
		else if (p->to_site.id > 0)
			rc = line_request(s, p, pl->item, l->request_id, &pe);
	}
	if (rc == SJ_EINVAL || rc == SJ_ENOTFOUND || rc == SJ_ECONFLICT) {
		problem_of(pr, a, (int)i + 1, &pe);
		return SJ_OK;
	}
	if (rc != SJ_OK)
		*e = pe;
	return rc;
}

static sj_rc
plan_make(store *s, const scope *sc, arena *a, const supply_doc_input *in, doc_plan *p,
    supply_problems *pr, sj_err *e)
{
	sj_rc rc;

	memset(p, 0, sizeof *p);
	if ((rc = plan_header(s, sc, a, in, p, pr, e)) != SJ_OK || p->kind < 0 ||
	    in->n_lines > SUPPLY_LINES_MAX)
		return rc;
	p->n_lines = in->n_lines;
	p->lines = arena_zalloc(a, (in->n_lines + 1) * sizeof *p->lines);
	for (size_t i = 0; i < in->n_lines; i++)
		if ((rc = plan_line_read(s, a, p, &in->lines[i], i, pr, e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct pair {
	int64_t site, item;
} pair;

static int
pair_cmp(const void *x, const void *y)
{
	const pair *a = x, *b = y;

	if (a->site != b->site)
		return (a->site > b->site) - (a->site < b->site);
	return (a->item > b->item) - (a->item < b->item);
}

/* Take the writer's lock on every (site, item) of the plan, in order, so
 * that two documents never wait for each other in a cycle. */
static sj_rc
plan_lock(store *s, arena *a, const doc_plan *p, sj_err *e)
{
	pair *v = arena_alloc(a, 2 * p->n_lines * sizeof *v);
	size_t n = 0;
	store_stmt *st;
	sj_rc rc;

	for (size_t i = 0; i < p->n_lines; i++) {
		v[n++] = (pair){ p->site.id, p->lines[i].item->id };
		if (p->to_site.id)
			v[n++] = (pair){ p->to_site.id, p->lines[i].item->id };
	}
	qsort(v, n, sizeof *v, pair_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && pair_cmp(&v[i], &v[i - 1]) == 0)
			continue;
		if ((rc = store_prepare(s, ledger_sql[Q_LOCK], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, v[i].site);
		store_bind_int(st, 2, v[i].item);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* The balance of (site, item) at the end of day: after every movement
 * dated on or before it. */
static sj_rc
balance_end_of(store *s, int64_t site, int64_t item, sj_date day, int64_t *qty, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[Q_BAL_BEFORE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, site);
	store_bind_int(st, 2, item);
	store_bind_int(st, 3, day);
	return store_query_int(st, qty, NULL, e);
}

/* One movement to apply. */
typedef struct move {
	const supply_site *site;
	const supply_item *item;
	sj_date day;
	int64_t doc_id;
	int line_no;
	int64_t qty;
	int64_t end_before;      /* balance at the end of day before this movement */
} move;

/* Check that m keeps every balance >= 0.  *ok false with *detail (arena)
 * when it does not. */
static sj_rc
move_check(store *s, arena *a, move *m, bool *ok, const char **detail, sj_err *e)
{
	char date[DT_DATE_LEN];
	store_stmt *st;
	sj_date bad_day = m->day;
	int64_t bad = 0;
	bool row;
	sj_rc rc;

	*ok = true;
	if ((rc = balance_end_of(s, m->site->id, m->item->id, m->day, &m->end_before, e)) != SJ_OK)
		return rc;
	if (m->qty >= 0)
		return SJ_OK;
	if (m->end_before + m->qty < 0) {
		*ok = false;
		bad = m->end_before + m->qty;
	} else {
		if ((rc = store_prepare(s, ledger_sql[Q_BAL_LATER_LOW], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, m->site->id);
		store_bind_int(st, 2, m->item->id);
		store_bind_int(st, 3, m->day);
		store_bind_int(st, 4, -m->qty);
		if ((rc = store_step(st, &row, e)) != SJ_OK)
			return rc;
		if (row) {
			*ok = false;
			bad_day = (sj_date)store_col_int(st, 0);
			bad = store_col_int(st, 1) + m->qty;
			store_reset(st);
		}
	}
	if (!*ok) {
		dt_date_format(bad_day, date);
		*detail = arena_printf(a, "insufficient stock of %s at %s: the balance on %s would be %s",
		    m->item->name, m->site->name, date, supply_qty_text(a, m->item, bad));
	}
	return SJ_OK;
}

/* Run the statement of ledger_sql[q] with the (site, item, day) of m at
 * ?1..?3 and the integers v[0..n) at ?4... */
static sj_rc
move_run(store *s, int q, const move *m, const int64_t *v, int n, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, m->site->id);
	store_bind_int(st, 2, m->item->id);
	store_bind_int(st, 3, m->day);
	for (int i = 0; i < n; i++)
		store_bind_int(st, 4 + i, v[i]);
	return store_run(st, e);
}

/* Write a checked movement: the day's balance row, later days' rows, the
 * movement, the on-hand. */
static sj_rc
move_apply(store *s, const move *m, sj_err *e)
{
	int64_t upsert[2] = { m->end_before + m->qty, m->qty };
	int64_t shift[1] = { m->qty };
	int64_t row[3] = { m->doc_id, m->line_no, m->qty };
	store_stmt *st;
	sj_rc rc;

	if ((rc = move_run(s, Q_BAL_UPSERT, m, upsert, 2, e)) != SJ_OK ||
	    (m->qty != 0 && (rc = move_run(s, Q_BAL_SHIFT, m, shift, 1, e)) != SJ_OK) ||
	    (rc = move_run(s, Q_MOVE_ADD, m, row, 3, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, ledger_sql[Q_STOCK_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, m->site->id);
	store_bind_int(st, 2, m->item->id);
	store_bind_int(st, 3, m->qty);
	return store_run(st, e);
}

static void
bind_opt_text(store_stmt *st, int i, const char *v)
{
	if (v)
		store_bind_text(st, i, v);
	else
		store_bind_null(st, i);
}

static void
bind_opt_int(store_stmt *st, int i, int64_t v, bool present)
{
	if (present)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

static sj_rc
doc_insert(store *s, const supply_doc_input *in, const doc_plan *p, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[Q_DOC_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, kind_names[p->kind]);
	store_bind_int(st, 2, p->date);
	store_bind_int(st, 3, p->site.id);
	bind_opt_int(st, 4, p->to_site.id, p->to_site.id > 0);
	bind_opt_text(st, 5, in->source);
	bind_opt_text(st, 6, in->counterparty);
	bind_opt_text(st, 7, in->reason);
	bind_opt_text(st, 8, in->note);
	store_bind_int(st, 9, dt_now());
	bind_opt_int(st, 10, in->user_id, in->user_id > 0);
	store_bind_text(st, 11, in->username ? in->username : "cli");
	return store_insert_id(st, id, e);
}

static sj_rc
line_insert(store *s, int64_t doc_id, int line_no, const plan_line *pl, int64_t qty, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[Q_LINE_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, doc_id);
	store_bind_int(st, 2, line_no);
	store_bind_int(st, 3, pl->item->id);
	store_bind_int(st, 4, qty);
	store_bind_text(st, 5, pl->entered);
	bind_opt_int(st, 6, pl->qty, pl->counted);
	bind_opt_int(st, 7, pl->request_id, pl->request_id > 0);
	return store_run(st, e);
}

/* Write line i: its row, then its movements (out of the sending site
 * first), each checked; a problem when the stock does not allow it. */
static sj_rc
line_write(store *s, arena *a, const doc_plan *p, int64_t doc_id, size_t i,
    supply_problems *pr, sj_err *e)
{
	const plan_line *pl = &p->lines[i];
	move m[2] = {
		{ &p->site, pl->item, p->date, doc_id, (int)i + 1, 0, 0 },
		{ &p->to_site, pl->item, p->date, doc_id, (int)i + 1, pl->qty, 0 },
	};
	const char *detail = NULL;
	int n = two_sided(p->kind) ? 2 : 1;
	bool ok = true;
	sj_rc rc;

	switch (p->kind) {
	case SUPPLY_RECEIPT: m[0].qty = pl->qty; break;
	case SUPPLY_ADJUSTMENT: m[0].qty = pl->qty; break;
	default: m[0].qty = -pl->qty; break;
	}
	if (pl->counted) {
		/* a stocktake stores the difference it makes on its date */
		if ((rc = balance_end_of(s, p->site.id, pl->item->id, p->date, &m[0].qty, e)) != SJ_OK)
			return rc;
		m[0].qty = pl->qty - m[0].qty;
	}
	/* a line holds what moved: positive, except an adjustment's change */
	if ((rc = line_insert(s, doc_id, (int)i + 1, pl,
	    p->kind == SUPPLY_ADJUSTMENT ? m[0].qty : pl->qty, e)) != SJ_OK)
		return rc;
	for (int k = 0; k < n && ok; k++)
		if ((rc = move_check(s, a, &m[k], &ok, &detail, e)) != SJ_OK)
			return rc;
	if (!ok) {
		supply_problem_add(pr, a, (int)i + 1, "quantity", detail);
		return SJ_OK;
	}
	for (int k = 0; k < n; k++)
		if ((rc = move_apply(s, &m[k], e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

/* The message of a refused document: the first problem and the count. */
static sj_rc
problems_fail(const supply_problems *pr, sj_rc rc, sj_err *e)
{
	const supply_problem *f = &pr->v[0];
	char where[32] = "";

	if (f->line > 0)
		snprintf(where, sizeof where, "line %d: ", f->line);
	if (pr->n == 1)
		return sj_fail(e, rc, f->field, "%s%s; nothing was stored", where, f->detail);
	return sj_fail(e, rc, f->field, "%s%s (and %zu more problems); nothing was stored", where,
	    f->detail, pr->n - 1);
}

/* Inside the document's transaction. */
static sj_rc
doc_post_tx(store *s, const scope *sc, arena *a, const supply_doc_input *in, int64_t *id,
    supply_problems *pr, sj_err *e)
{
	doc_plan p;
	sj_rc rc;

	if ((rc = plan_make(s, sc, a, in, &p, pr, e)) != SJ_OK)
		return rc;
	if (pr->n > 0)
		return problems_fail(pr, SJ_EINVAL, e);
	if ((rc = plan_lock(s, a, &p, e)) != SJ_OK || (rc = doc_insert(s, in, &p, id, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < p.n_lines; i++)
		if ((rc = line_write(s, a, &p, *id, i, pr, e)) != SJ_OK)
			return rc;
	return pr->n > 0 ? problems_fail(pr, SJ_ECONFLICT, e) : SJ_OK;
}

sj_rc
supply_doc_post(store *s, const scope *sc, arena *a, const supply_doc_input *in, int64_t *id,
    supply_problems *pr, sj_err *e)
{
	sj_rc rc;

	*id = 0;
	memset(pr, 0, sizeof *pr);
	if (!auth_role_may(sc->role, PERM_SUPPLY_WRITE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not write supply documents");
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = doc_post_tx(s, sc, a, in, id, pr, e)) != SJ_OK) {
		store_rollback(s);
		*id = 0;
		return rc;
	}
	return store_commit(s, e);
}

/* ---- reading documents --------------------------------------------------- */

static const char *
col_str(store_stmt *st, arena *a, int i)
{
	return arena_strdup(a, store_col_text(st, i));
}

static void
doc_read(store_stmt *st, arena *a, supply_doc *d)
{
	memset(d, 0, sizeof *d);
	d->id = store_col_int(st, 0);
	d->kind = col_str(st, a, 1);
	d->date = (sj_date)store_col_int(st, 2);
	d->site_id = store_col_int(st, 3);
	d->site_name = col_str(st, a, 4);
	d->to_site_id = store_col_int(st, 5);
	d->to_site_name = col_str(st, a, 6);
	d->source = col_str(st, a, 7);
	d->counterparty = col_str(st, a, 8);
	d->reason = col_str(st, a, 9);
	d->note = col_str(st, a, 10);
	d->created_at = store_col_int(st, 11);
	d->created_by = store_col_int(st, 12);
	d->created_by_name = col_str(st, a, 13);
	d->confirmed_at = store_col_int(st, 14);
	d->confirmed_by = store_col_int(st, 15);
	d->confirmed_by_name = col_str(st, a, 16);
	d->discrepancy = col_str(st, a, 17);
	d->n_lines = (size_t)store_col_int(st, 18);
}

/* Read the lines of d, with their display forms. */
static sj_rc
doc_lines(store *s, arena *a, supply_doc *d, sj_err *e)
{
	supply_item it;
	store_stmt *st;
	size_t cap = 0;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[Q_LINES], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, d->id);
	d->lines = NULL;
	d->n_lines = 0;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		supply_line *l;
		d->lines = arena_grow(a, d->lines, &cap, d->n_lines, sizeof *d->lines);
		l = &d->lines[d->n_lines++];
		l->line_no = (int)store_col_int(st, 0);
		l->item_id = store_col_int(st, 1);
		l->qty = store_col_int(st, 2);
		l->entered = col_str(st, a, 3);
		l->counted = !store_col_is_null(st, 4);
		l->count = store_col_int(st, 4);
		l->request_id = store_col_int(st, 5);
	}
	for (size_t i = 0; i < d->n_lines && rc == SJ_OK; i++) {
		supply_line *l = &d->lines[i];
		if ((rc = supply_item_get(s, a, l->item_id, &it, e)) != SJ_OK)
			break;
		l->item_name = it.name;
		l->display = supply_qty_text(a, &it, l->qty);
		l->display_en = supply_qty_text_en(a, &it, l->qty);
	}
	return rc;
}

sj_rc
supply_doc_get(store *s, const scope *sc, arena *a, int64_t id, supply_doc *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, ledger_sql[Q_DOC_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "document", "no document with id %lld", (long long)id);
	doc_read(st, a, out);
	store_reset(st);
	return doc_lines(s, a, out, e);
}

static sj_rc
doc_list_bind(store_stmt *st, const scope *sc, const supply_doc_filter *f, int limit, sj_err *e)
{
	if (f->kind && supply_kind_parse(f->kind) < 0)
		return sj_fail(e, SJ_EINVAL, "kind", "'%s' is not a document kind", f->kind);
	if (f->from != SUPPLY_DATE_NONE && f->to != SUPPLY_DATE_NONE && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	scope_bind(st, sc);
	bind_opt_text(st, 4, f->kind);
	bind_opt_int(st, 5, f->site_id, f->site_id > 0);
	bind_opt_int(st, 6, f->from, f->from != SUPPLY_DATE_NONE);
	bind_opt_int(st, 7, f->to, f->to != SUPPLY_DATE_NONE);
	store_bind_int(st, 8, f->unconfirmed);
	bind_opt_int(st, 9, f->before_id, f->before_id > 0);
	store_bind_int(st, 10, limit + 1);  /* one more tells whether a next page exists */
	return SJ_OK;
}

sj_rc
supply_doc_list(store *s, const scope *sc, arena *a, const supply_doc_filter *f,
    supply_doc_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > SUPPLY_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit, SUPPLY_LIST_MAX);
	if ((rc = store_prepare(s, ledger_sql[Q_DOC_LIST], &st, e)) != SJ_OK ||
	    (rc = doc_list_bind(st, sc, f, limit, e)) != SJ_OK)
		return rc;
	out->docs = arena_alloc(a, (size_t)limit * sizeof *out->docs);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_docs == (size_t)limit) {
			out->has_more = true;
			store_reset(st);
			break;
		}
		doc_read(st, a, &out->docs[out->n_docs++]);
		out->next_before_id = out->docs[out->n_docs - 1].id;
	}
	return rc;
}

/* ---- receipt confirmation ------------------------------------------------ */

static sj_rc
confirm_check(store *s, const scope *sc, arena *a, const supply_doc *d,
    const supply_confirm_input *in, int64_t at, sj_err *e)
{
	supply_site to;
	sj_rc rc;

	if (strcmp(d->kind, "distribution") != 0)
		return sj_fail(e, SJ_EINVAL, "document", "document %lld is a %s; only distributions are "
		    "confirmed by the receiving unit", (long long)d->id, d->kind);
	if (sc->role == ROLE_UNIT) {
		if ((rc = supply_site_get(s, sc, a, d->to_site_id, "document", &to, e)) == SJ_ENOTFOUND)
			return sj_fail(e, SJ_EFORBIDDEN, "document",
			    "only the receiving unit's liaison may confirm this delivery");
		if (rc != SJ_OK)
			return rc;
	}
	if (d->confirmed_at)
		return sj_fail(e, SJ_ECONFLICT, "document", "already confirmed by %s",
		    d->confirmed_by_name);
	if (at < dt_date_start(d->date) || at > dt_now() + 60)
		return sj_fail(e, SJ_EINVAL, "confirmed_at",
		    "must lie between the delivery's date and now");
	if (in->discrepancy && org_check_name(in->discrepancy, "discrepancy", SUPPLY_NOTE_MAX, e) != SJ_OK)
		return e->rc;
	if (in->username == NULL || *in->username == '\0')
		return sj_fail(e, SJ_EINVAL, "confirmed_by", "is required");
	return SJ_OK;
}

sj_rc
supply_doc_confirm(store *s, const scope *sc, int64_t id, const supply_confirm_input *in,
    sj_err *e)
{
	int64_t at = in->at ? in->at : dt_now();
	supply_doc d;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_SUPPLY_CONFIRM))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not confirm receipt of supplies");
	arena_init(&a);
	if ((rc = supply_doc_get(s, sc, &a, id, &d, e)) != SJ_OK ||
	    (rc = confirm_check(s, sc, &a, &d, in, at, e)) != SJ_OK ||
	    (rc = store_prepare(s, ledger_sql[Q_CONFIRM], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, at);
	bind_opt_int(st, 3, in->user_id, in->user_id > 0);
	store_bind_text(st, 4, in->username);
	bind_opt_text(st, 5, in->discrepancy);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) == 0)
		rc = sj_fail(e, SJ_ECONFLICT, "document", "already confirmed");
out:
	arena_free(&a);
	return rc;
}
