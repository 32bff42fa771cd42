/*
 * supply_need — requests, their computed status and open shortages.
 *
 * delivered is the sum of the distribution lines naming the request,
 * computed in the query that reads it (an index on supply_line.request_id
 * makes it a short range); status follows from it (supply_need.h).
 */
#include "domain/supply_need.h"

#include <stdlib.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/org.h"
#include "domain/supply_site.h"

enum { Q_REQ_ADD, Q_REQ_GET, Q_REQ_LIST, Q_REQ_OPEN, Q_REQ_CANCEL };

#define REQ_INNER \
	"SELECT r.id, r.unit_id, u.name AS unit_name, r.site_id, r.item_id, r.qty," \
	" CAST(coalesce((SELECT sum(l.qty) FROM supply_line l WHERE l.request_id = r.id), 0)" \
	" AS BIGINT) AS delivered, r.entered, r.needed_by, r.raised_on, r.reason, r.created_at," \
	" r.created_by_name, r.cancelled_at, r.cancelled_by_name, r.cancel_reason" \
	" FROM supply_request r JOIN unit u ON u.id = r.unit_id WHERE " SCOPE_UNIT("r.unit_id")
#define REQ_STATUS \
	"CASE WHEN q.cancelled_at IS NOT NULL THEN 'cancelled' WHEN q.delivered >= q.qty" \
	" THEN 'complete' WHEN q.delivered > 0 THEN 'partial' ELSE 'none' END"
#define REQ_OUTER "SELECT q.*, " REQ_STATUS " FROM ("

static const char *const need_sql[] = {
	[Q_REQ_ADD] =
	"INSERT INTO supply_request (unit_id, site_id, item_id, qty, entered, needed_by, raised_on,"
	" reason, created_at, created_by, created_by_name)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	[Q_REQ_GET] =
	REQ_OUTER REQ_INNER " AND r.id = ?4) q",
	/* ?4 unit, ?5 item, ?6 after id, ?7 status, ?8 open only, ?9 limit */
	[Q_REQ_LIST] =
	REQ_OUTER REQ_INNER " AND (r.unit_id = ?4 OR ?4 IS NULL) AND (r.item_id = ?5 OR ?5 IS NULL)"
	" AND r.id > ?6) q WHERE (" REQ_STATUS " = ?7 OR ?7 IS NULL)"
	" AND (?8 = 0 OR (q.cancelled_at IS NULL AND q.delivered < q.qty))"
	" ORDER BY q.id LIMIT ?9",
	/* 2932896 is 9999-12-31: requests without a date come last */
	[Q_REQ_OPEN] =
	REQ_OUTER REQ_INNER ") q WHERE q.cancelled_at IS NULL AND q.delivered < q.qty"
	" ORDER BY coalesce(q.needed_by, 2932896), q.id",
	[Q_REQ_CANCEL] =
	"UPDATE supply_request SET cancelled_at = ?2, cancelled_by_name = ?3, cancel_reason = ?4"
	" WHERE id = ?1 AND cancelled_at IS NULL",
};

static const char *const statuses[] = { "none", "partial", "complete", "cancelled", NULL };

static void
bind_opt(store_stmt *st, int i, int64_t v, bool present)
{
	if (present)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

/* ---- raising ------------------------------------------------------------- */

/* The item and quantity of in. */
static sj_rc
request_item_qty(store *s, arena *a, const supply_request_input *in, supply_item *it,
    int64_t *qty, const char **entered, sj_err *e)
{
	sj_rc rc;

	if (in->item_id > 0)
		rc = supply_item_get(s, a, in->item_id, it, e);
	else if (in->item)
		rc = supply_item_lookup(s, a, in->item, "item", it, e);
	else
		rc = sj_fail(e, SJ_EINVAL, "item", "is required (an item id or name)");
	if (rc != SJ_OK)
		return rc;
	if (in->quantity && in->has_qty)
		return sj_fail(e, SJ_EINVAL, "quantity", "give quantity or qty, not both");
	if (in->quantity) {
		*entered = in->quantity;
		return supply_qty_parse(it, in->quantity, SUPPLY_QTY_POSITIVE, "quantity", qty, e);
	}
	if (!in->has_qty)
		return sj_fail(e, SJ_EINVAL, "quantity", "is required");
	*entered = in->pack ? arena_printf(a, "%lld %s", (long long)in->qty, in->pack)
	    : arena_printf(a, "%lld", (long long)in->qty);
	return supply_qty_of(it, in->qty, in->pack, SUPPLY_QTY_POSITIVE, "qty", "pack", qty, e);
}

static sj_rc
request_dates(const supply_request_input *in, sj_date *raised, sj_err *e)
{
	sj_date today = dt_date_of(dt_now());

	*raised = in->raised_on == SUPPLY_DATE_NONE ? today : in->raised_on;
	if (*raised > today || *raised < DT_DATE_MIN)
		return sj_fail(e, SJ_EINVAL, "raised_on", "is after today");
	if (in->needed_by != SUPPLY_DATE_NONE && in->needed_by < *raised)
		return sj_fail(e, SJ_EINVAL, "needed_by", "is before the day the request was raised");
	return SJ_OK;
}

/* Inside the transaction of supply_request_add. */
static sj_rc
request_add_tx(store *s, const scope *sc, arena *a, const supply_request_input *in, int64_t *id,
    sj_err *e)
{
	supply_item it;
	const char *entered = NULL;
	int64_t site, qty;
	sj_date raised;
	store_stmt *st;
	sj_rc rc;

	if ((rc = supply_site_of_unit(s, sc, in->unit_id, true, "unit_id", &site, e)) != SJ_OK ||
	    (rc = request_item_qty(s, a, in, &it, &qty, &entered, e)) != SJ_OK ||
	    (rc = org_check_name(in->reason, "reason", SUPPLY_REASON_MAX, e)) != SJ_OK ||
	    (rc = request_dates(in, &raised, e)) != SJ_OK ||
	    (rc = store_prepare(s, need_sql[Q_REQ_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->unit_id);
	store_bind_int(st, 2, site);
	store_bind_int(st, 3, it.id);
	store_bind_int(st, 4, qty);
	store_bind_text(st, 5, entered);
	bind_opt(st, 6, in->needed_by, in->needed_by != SUPPLY_DATE_NONE);
	store_bind_int(st, 7, raised);
	store_bind_text(st, 8, in->reason);
	store_bind_int(st, 9, dt_now());
	bind_opt(st, 10, in->user_id, in->user_id > 0);
	store_bind_text(st, 11, in->username ? in->username : "cli");
	return store_insert_id(st, id, e);
}

sj_rc
supply_request_add(store *s, const scope *sc, const supply_request_input *in, int64_t *id,
    sj_err *e)
{
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_REQUEST_RAISE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not raise requests");
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	rc = request_add_tx(s, sc, &a, in, id, e);
	arena_free(&a);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- reading ------------------------------------------------------------- */

/* Read the current row (REQ_OUTER's columns) into r; display forms from
 * the item when it is known (may be NULL). */
static void
request_read(store_stmt *st, arena *a, const supply_item *it, supply_request *r)
{
	memset(r, 0, sizeof *r);
	r->id = store_col_int(st, 0);
	r->unit_id = store_col_int(st, 1);
	r->unit_name = arena_strdup(a, store_col_text(st, 2));
	r->site_id = store_col_int(st, 3);
	r->item_id = store_col_int(st, 4);
	r->qty = store_col_int(st, 5);
	r->delivered = store_col_int(st, 6);
	r->remaining = r->qty > r->delivered ? r->qty - r->delivered : 0;
	r->entered = arena_strdup(a, store_col_text(st, 7));
	r->needed_by = store_col_is_null(st, 8) ? SUPPLY_DATE_NONE : (sj_date)store_col_int(st, 8);
	r->raised_on = (sj_date)store_col_int(st, 9);
	r->reason = arena_strdup(a, store_col_text(st, 10));
	r->created_at = store_col_int(st, 11);
	r->created_by_name = arena_strdup(a, store_col_text(st, 12));
	r->cancelled_at = store_col_int(st, 13);
	r->cancelled_by_name = arena_strdup(a, store_col_text(st, 14));
	r->cancel_reason = arena_strdup(a, store_col_text(st, 15));
	r->status = arena_strdup(a, store_col_text(st, 16));
	if (it) {
		r->item_name = it->name;
		r->display = supply_qty_text(a, it, r->qty);
		r->delivered_display = supply_qty_text(a, it, r->delivered);
		r->remaining_display = supply_qty_text(a, it, r->remaining);
	}
}

sj_rc
supply_request_get(store *s, const scope *sc, arena *a, int64_t id, supply_request *out,
    sj_err *e)
{
	supply_item_set items;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = supply_item_set_load(s, a, &items, e)) != SJ_OK ||
	    (rc = store_prepare(s, need_sql[Q_REQ_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "request", "no request with id %lld", (long long)id);
	request_read(st, a, supply_item_set_get(&items, store_col_int(st, 4)), out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
supply_request_list(store *s, const scope *sc, arena *a, const supply_request_filter *f,
    supply_request_page *out, sj_err *e)
{
	int64_t limit = f->limit < 0 ? INT64_C(1) << 62 : f->limit ? f->limit : 50;
	supply_item_set items;
	store_stmt *st;
	size_t cap = 0;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (f->limit > SUPPLY_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", f->limit,
		    SUPPLY_LIST_MAX);
	if (f->status && (rc = org_check_enum(f->status, statuses, "status", e)) != SJ_OK)
		return rc;
	if ((rc = supply_item_set_load(s, a, &items, e)) != SJ_OK ||
	    (rc = store_prepare(s, need_sql[Q_REQ_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, f->unit_id, f->unit_id > 0);
	bind_opt(st, 5, f->item_id, f->item_id > 0);
	store_bind_int(st, 6, f->after_id);
	if (f->status)
		store_bind_text(st, 7, f->status);
	else
		store_bind_null(st, 7);
	store_bind_int(st, 8, f->open);
	store_bind_int(st, 9, limit < (INT64_C(1) << 62) ? limit + 1 : limit);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if ((int64_t)out->n_requests == limit) {
			out->has_more = true;
			store_reset(st);
			break;
		}
		out->requests = arena_grow(a, out->requests, &cap, out->n_requests, sizeof *out->requests);
		request_read(st, a, supply_item_set_get(&items, store_col_int(st, 4)),
		    &out->requests[out->n_requests++]);
		out->next_after_id = out->requests[out->n_requests - 1].id;
	}
	return rc;
}

sj_rc
supply_request_cancel(store *s, const scope *sc, int64_t id, const char *reason,
    const char *username, sj_err *e)
{
	supply_request r;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_REQUEST_RAISE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not cancel requests");
	arena_init(&a);
	if ((rc = supply_request_get(s, sc, &a, id, &r, e)) != SJ_OK ||
	    (rc = org_check_name(reason, "reason", SUPPLY_REASON_MAX, e)) != SJ_OK)
		goto out;
	if (strcmp(r.status, "cancelled") == 0 || strcmp(r.status, "complete") == 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "request", "request %lld is already %s", (long long)id,
		    r.status);
		goto out;
	}
	if ((rc = store_prepare(s, need_sql[Q_REQ_CANCEL], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, dt_now());
	store_bind_text(st, 3, username ? username : "cli");
	store_bind_text(st, 4, reason);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) == 0)
		rc = sj_fail(e, SJ_ECONFLICT, "request", "request %lld is already cancelled",
		    (long long)id);
out:
	arena_free(&a);
	return rc;
}

/* ---- shortages ----------------------------------------------------------- */

/* Sum the open requests per item, in the order of items (pinyin). */
static void
shortages_sum(arena *a, const supply_item *items, size_t n_items, const supply_request *reqs,
    size_t n_reqs, supply_shortage **out, size_t *n)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < n_items; i++) {
		supply_shortage sh = { .item_id = items[i].id, .item_name = items[i].name };
		for (size_t k = 0; k < n_reqs; k++) {
			if (reqs[k].item_id != items[i].id)
				continue;
			sh.requests++;
			sh.requested += reqs[k].qty;
			sh.delivered += reqs[k].delivered;
			sh.remaining += reqs[k].remaining;
		}
		if (sh.requests == 0)
			continue;
		sh.remaining_display = supply_qty_text(a, &items[i], sh.remaining);
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		(*out)[(*n)++] = sh;
	}
}

sj_rc
supply_shortages(store *s, const scope *sc, arena *a, supply_shortage **items, size_t *n_items,
    supply_request **requests, size_t *n_requests, sj_err *e)
{
	supply_item_set set;
	supply_item *by_name;
	size_t n_by_name, cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*requests = NULL;
	*n_requests = 0;
	if ((rc = supply_item_list(s, a, &by_name, &n_by_name, e)) != SJ_OK ||
	    (rc = supply_item_set_load(s, a, &set, e)) != SJ_OK ||
	    (rc = store_prepare(s, need_sql[Q_REQ_OPEN], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*requests = arena_grow(a, *requests, &cap, *n_requests, sizeof **requests);
		request_read(st, a, supply_item_set_get(&set, store_col_int(st, 4)),
		    &(*requests)[(*n_requests)++]);
	}
	if (rc == SJ_OK)
		shortages_sum(a, by_name, n_by_name, *requests, *n_requests, items, n_items);
	return rc;
}
