/*
 * api_supply — supplies over HTTP under /api/v1/supply (issue 7): items
 * and packs, sites and minimum levels, documents and their confirmation,
 * stock on hand, the ledger, requests, shortages and the exports.
 *
 * Thin: rules and scope live in domain/supply*.h (a record out of scope
 * answers 404 like a missing one); replies use json/jsupply.h.  Every
 * write runs in one transaction with its audit event.  A refused document
 * answers a problem document (422, or 409 for insufficient stock) with an
 * "errors" array holding one {line, field, detail} per bad line, so a
 * client can mark every bad line at once.  Exports are written to an
 * unlinked temporary file and streamed from it (http_reply_file), so a
 * ledger of a million lines never sits in memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/supply.h"
#include "http/api.h"
#include "json/jsupply.h"

#define BODY_MAX (256 * 1024)   /* bytes: a document of 1,000 lines */
#define SMALL_BODY 8192         /* bytes: an item, a site, a request */
#define PROBLEM_TYPE_BASE "urn:sijin:problem:"  /* as reply.c */

/* ---- helpers ------------------------------------------------------------ */

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* The query parameter name as a local date, or SUPPLY_DATE_NONE. */
static sj_rc
query_date(http_req *r, const char *name, sj_date *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = SUPPLY_DATE_NONE;
	return v ? dt_date_parse(v, name, out, e) : SJ_OK;
}

static sj_rc
query_bool(http_req *r, const char *name, bool *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = false;
	if (v == NULL || strcmp(v, "false") == 0)
		return SJ_OK;
	if (strcmp(v, "true") == 0) {
		*out = true;
		return SJ_OK;
	}
	return sj_fail(e, SJ_EINVAL, name, "must be true or false");
}

/* Reply a problem document for a refused document: the usual members
 * (RFC 9457, as reply.c makes them) plus "errors". */
static sj_rc
reply_problems(http_req *r, const sj_err *e, const supply_problems *pr)
{
	int status = sj_rc_http_status(e->rc);
	json_t *o = json_pack("{s:s+, s:s, s:i, s:s, s:s, s:s}",
	    "type", PROBLEM_TYPE_BASE, sj_rc_code(e->rc), "title", sj_rc_title(e->rc),
	    "status", status, "detail", e->msg, "instance", http_path(r),
	    "request_id", http_request_id(r));
	char *text;
	sj_rc rc;

	if (e->field[0])
		json_object_set_new(o, "field", json_string(e->field));
	json_object_set_new(o, "errors", jsupply_problems(pr));
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text == NULL)
		sj_oom(0);
	rc = http_reply_bytes(r, status, "application/problem+json", text, strlen(text));
	free(text);
	return rc;
}

/* ---- items -------------------------------------------------------------- */

static const jb_field item_fields[] = {
	{ "name", JB_STRING, true, offsetof(supply_item_input, name), 0, 0 },
	{ "name_en", JB_STRING, false, offsetof(supply_item_input, name_en), 0, 0 },
	{ "category", JB_STRING, false, offsetof(supply_item_input, category), 0, 0 },
	{ "base_unit", JB_STRING, true, offsetof(supply_item_input, base_unit), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const jb_field pack_fields[] = {
	{ "name", JB_STRING, true, offsetof(supply_pack, name), 0, 0 },
	{ "name_en", JB_STRING, false, offsetof(supply_pack, name_en), 0, 0 },
	{ "size", JB_INT, true, offsetof(supply_pack, size), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* A copy of obj without member name (for a body with an array member
 * read by hand); the caller owns it. */
static json_t *
body_without(const json_t *obj, const char *name)
{
	json_t *copy = json_copy((json_t *)obj);

	json_object_del(copy, name);
	return copy;
}

/* Read the "packs" array of an item body. */
static sj_rc
packs_read(http_req *r, const json_t *arr, supply_item_input *in, sj_err *e)
{
	supply_pack *packs;
	size_t i;
	json_t *p;

	if (arr == NULL)
		return SJ_OK;
	if (!json_is_array(arr) || json_array_size(arr) > SUPPLY_PACKS_MAX)
		return sj_fail(e, SJ_EINVAL, "packs", "must be an array of at most %d packs",
		    SUPPLY_PACKS_MAX);
	packs = arena_zalloc(http_arena(r), (json_array_size(arr) + 1) * sizeof *packs);
	json_array_foreach(arr, i, p) {
		if (!json_is_object(p))
			return sj_fail(e, SJ_EINVAL, "packs", "element %zu must be an object", i);
		if (jb_read(p, pack_fields, &packs[i], http_arena(r), e) != SJ_OK)
			return sj_err_prefix(e, "packs[%zu]: ", i);
	}
	in->packs = packs;
	in->n_packs = json_array_size(arr);
	return SJ_OK;
}

static sj_rc
get_items(http_req *r, sj_err *e)
{
	supply_item *items;
	size_t n;
	json_t *out;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = supply_item_list(http_store(r), http_arena(r), &items, &n, e)) != SJ_OK)
		return rc;
	out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, jsupply_item(&items[i]));
	return http_reply_page(r, out, NULL);
}

static sj_rc
post_item(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_item.create", .object_type = "supply_item",
	    .status = 201, .collection = "/api/v1/supply/items" };
	json_t *head = body_without(http_body(r), "packs");
	supply_item_input in = {0};
	supply_item it;
	store *s = http_store(r);
	sj_rc rc;

	rc = jb_read(head, item_fields, &in, http_arena(r), e);
	json_decref(head);
	if (rc != SJ_OK ||
	    (rc = packs_read(r, json_object_get(http_body(r), "packs"), &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = supply_item_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = supply_item_get(s, http_arena(r), w.id, &it, e)) == SJ_OK)
		w.after = jsupply_item(&it);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_item(http_req *r, sj_err *e)
{
	supply_item it;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = supply_item_get(http_store(r), http_arena(r), id, &it, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jsupply_item(&it));
}

static sj_rc
item_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	static const jb_field fields[] = {
		{ "name", JB_STRING, false, offsetof(supply_item_input, name), 0, 0 },
		{ "name_en", JB_STRING, false, offsetof(supply_item_input, name_en), 0, 0 },
		{ "category", JB_STRING, false, offsetof(supply_item_input, category), 0, 0 },
		{ NULL, 0, 0, 0, 0, 0 },
	};
	static const char *const nullable[] = { "name_en", "category", NULL };
	store *s = http_store(r);
	supply_item_input in;
	supply_item it;
	sj_rc rc;

	if ((rc = supply_item_get(s, http_arena(r), id, &it, e)) != SJ_OK)
		return rc;
	w->before = jsupply_item(&it);
	in = (supply_item_input){ .name = it.name, .name_en = it.name_en, .category = it.category };
	if ((rc = jb_read(http_body(r), fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = api_patch_nulls(http_body(r), fields, &in, nullable, e)) != SJ_OK ||
	    (rc = supply_item_update(s, http_scope(r), id, &in, e)) != SJ_OK ||
	    (rc = supply_item_get(s, http_arena(r), id, &it, e)) != SJ_OK)
		return rc;
	w->after = jsupply_item(&it);
	return SJ_OK;
}

static sj_rc
patch_item(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_item.update", .object_type = "supply_item",
	    .status = 200 };
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return api_write_end(r, item_patch(r, w.id, &w, e), &w, e);
}

static sj_rc
post_pack(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_item.add_pack", .object_type = "supply_item",
	    .status = 201 };
	store *s = http_store(r);
	supply_pack p = {0};
	supply_item it;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), pack_fields, &p, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	w.location = arena_printf(http_arena(r), "/api/v1/supply/items/%lld", (long long)w.id);
	if ((rc = supply_pack_add(s, http_scope(r), w.id, &p, NULL, e)) == SJ_OK &&
	    (rc = supply_item_get(s, http_arena(r), w.id, &it, e)) == SJ_OK)
		w.after = jsupply_item(&it);
	return api_write_end(r, rc, &w, e);
}

/* ---- sites -------------------------------------------------------------- */

static const jb_field site_fields[] = {
	{ "kind", JB_STRING, true, offsetof(supply_site, kind), 0, 0 },
	{ "name", JB_STRING, false, offsetof(supply_site, name), 0, 0 },
	{ "group_id", JB_ID, false, offsetof(supply_site, group_id), 0, 0 },
	{ "unit_id", JB_ID, false, offsetof(supply_site, unit_id), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
get_sites(http_req *r, sj_err *e)
{
	supply_site *sites;
	size_t n;
	json_t *out;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = supply_site_list(http_store(r), http_scope(r), http_arena(r), &sites, &n, e))
	    != SJ_OK)
		return rc;
	out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, jsupply_site(&sites[i]));
	return http_reply_page(r, out, NULL);
}

static sj_rc
post_site(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_site.create", .object_type = "supply_site",
	    .status = 201, .collection = "/api/v1/supply/sites" };
	store *s = http_store(r);
	supply_site in = {0}, t;
	sj_rc rc;

	if ((rc = jb_read(http_body(r), site_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = supply_site_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = supply_site_get(s, http_scope(r), http_arena(r), w.id, "site", &t, e)) == SJ_OK)
		w.after = jsupply_site(&t);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_site(http_req *r, sj_err *e)
{
	supply_site t;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = supply_site_get(http_store(r), http_scope(r), http_arena(r), id, "site", &t, e))
	    != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jsupply_site(&t));
}

/* A quantity body: {"quantity": "2箱"} or {"qty": 80, "pack": "瓶"}. */
typedef struct qty_body {
	const char *quantity;
	int64_t qty;
	const char *pack;
} qty_body;

static const jb_field qty_fields[] = {
	{ "quantity", JB_STRING, false, offsetof(qty_body, quantity), 0, 0 },
	{ "qty", JB_INT, false, offsetof(qty_body, qty), 0, 0 },
	{ "pack", JB_STRING, false, offsetof(qty_body, pack), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* The stock row of (site, item) as the after-image of a minimum change. */
static json_t *
stock_json(http_req *r, int64_t site, int64_t item, sj_err *e)
{
	supply_stock_filter f = { .site_id = site, .item_id = item, .date = SUPPLY_DATE_NONE };
	supply_stock_row *rows;
	size_t n;

	if (supply_stock_list(http_store(r), http_scope(r), http_arena(r), &f, &rows, &n, e) != SJ_OK)
		return NULL;
	return n ? jsupply_stock(&rows[0]) : json_object();
}

/* Inside the transaction of a minimum change: qty < 0 clears it. */
static sj_rc
minimum_set(http_req *r, api_write *w, int64_t item_id, bool clear, sj_err *e)
{
	qty_body b = {0};
	supply_item it;
	int64_t qty = -1;
	sj_rc rc;

	if ((rc = supply_item_get(http_store(r), http_arena(r), item_id, &it, e)) != SJ_OK)
		return rc == SJ_ENOTFOUND ? sj_fail(e, rc, "item_id", "no item with id %lld",
		    (long long)item_id) : rc;
	if (!clear) {
		if ((rc = jb_read(http_body(r), qty_fields, &b, http_arena(r), e)) != SJ_OK)
			return rc;
		if (b.quantity)
			rc = supply_qty_parse(&it, b.quantity, SUPPLY_QTY_NONNEGATIVE, "quantity", &qty, e);
		else if (api_body_has(http_body(r), "qty"))
			rc = supply_qty_of(&it, b.qty, b.pack, SUPPLY_QTY_NONNEGATIVE, "qty", "pack", &qty, e);
		else
			rc = sj_fail(e, SJ_EINVAL, "quantity", "give quantity or qty");
		if (rc != SJ_OK)
			return rc;
	}
	if ((rc = supply_minimum_set(http_store(r), http_scope(r), w->id, item_id, qty, e)) != SJ_OK)
		return rc;
	w->after = stock_json(r, w->id, item_id, e);
	return w->after ? SJ_OK : e->rc;
}

static sj_rc
minimum_change(http_req *r, bool clear, sj_err *e)
{
	api_write w = { .action = clear ? "supply_site.clear_minimum" : "supply_site.set_minimum",
	    .object_type = "supply_site", .status = 200 };
	int64_t item_id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = http_param_id(r, "item_id", &item_id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return api_write_end(r, minimum_set(r, &w, item_id, clear, e), &w, e);
}

static sj_rc
put_minimum(http_req *r, sj_err *e)
{
	return minimum_change(r, false, e);
}

static sj_rc
delete_minimum(http_req *r, sj_err *e)
{
	return minimum_change(r, true, e);
}

/* ---- stock and ledger --------------------------------------------------- */

static sj_rc
get_stock(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "site_id", "item_id", "date", "below_min", NULL };
	supply_stock_filter f = {0};
	supply_stock_row *rows;
	size_t n;
	json_t *out;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "site_id", 0, 1, INT64_MAX, &f.site_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "item_id", 0, 1, INT64_MAX, &f.item_id, e)) != SJ_OK ||
	    (rc = query_date(r, "date", &f.date, e)) != SJ_OK ||
	    (rc = query_bool(r, "below_min", &f.below_min, e)) != SJ_OK ||
	    (rc = supply_stock_list(http_store(r), http_scope(r), http_arena(r), &f, &rows, &n, e))
	    != SJ_OK)
		return rc;
	out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, jsupply_stock(&rows[i]));
	return http_reply_page(r, out, NULL);
}

/* The ledger cursor: site, item (8 bytes each), day, line (4 each),
 * big-endian, and the document as the id. */
static void
put_be(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static const char *
ledger_cursor(http_req *r, const supply_move *m)
{
	unsigned char key[24];

	put_be(key, (uint64_t)m->site_id, 8);
	put_be(key + 8, (uint64_t)m->item_id, 8);
	put_be(key + 16, (uint32_t)m->date, 4);
	put_be(key + 20, (uint32_t)m->line_no, 4);
	return http_cursor_encode(r, key, sizeof key, m->doc_id);
}

static sj_rc
ledger_cursor_decode(http_req *r, supply_ledger_filter *f, sj_err *e)
{
	const unsigned char *key;
	const void *k;
	size_t n;
	sj_rc rc;

	if ((rc = http_cursor_decode(r, &k, &n, &f->after_doc, e)) != SJ_OK || k == NULL)
		return rc;
	key = k;
	if (n != 24 || f->after_doc < 1)
		return sj_fail(e, SJ_EINVAL, "cursor", "is not a cursor of this list");
	f->after_site = (int64_t)get_be(key, 8);
	f->after_item = (int64_t)get_be(key + 8, 8);
	f->after_day = (sj_date)(int32_t)(uint32_t)get_be(key + 16, 4);
	f->after_line = (int)get_be(key + 20, 4);
	return f->after_site > 0 ? SJ_OK : sj_fail(e, SJ_EINVAL, "cursor", "is not a cursor of this list");
}

static sj_rc
get_ledger(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"site_id", "item_id", "from", "to", "limit", "cursor", NULL,
	};
	supply_ledger_filter f = {0};
	supply_ledger_page page;
	int64_t limit;
	json_t *out;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "site_id", 0, 1, INT64_MAX, &f.site_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "item_id", 0, 1, INT64_MAX, &f.item_id, e)) != SJ_OK ||
	    (rc = query_date(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_date(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, SUPPLY_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = ledger_cursor_decode(r, &f, e)) != SJ_OK)
		return rc;
	f.limit = (int)limit;
	if ((rc = supply_ledger_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e))
	    != SJ_OK)
		return rc;
	out = json_array();
	for (size_t i = 0; i < page.n_moves; i++)
		json_array_append_new(out, jsupply_move(&page.moves[i]));
	return http_reply_page(r, out, page.has_more && page.n_moves
	    ? ledger_cursor(r, &page.moves[page.n_moves - 1]) : NULL);
}

/* ---- documents ---------------------------------------------------------- */

static const jb_field doc_fields[] = {
	{ "kind", JB_STRING, true, offsetof(supply_doc_input, kind), 0, 0 },
	{ "date", JB_DATE, false, offsetof(supply_doc_input, date), 0, 0 },
	{ "site_id", JB_ID, true, offsetof(supply_doc_input, site_id), 0, 0 },
	{ "to_site_id", JB_ID, false, offsetof(supply_doc_input, to_site_id), 0, 0 },
	{ "to_unit_id", JB_ID, false, offsetof(supply_doc_input, to_unit_id), 0, 0 },
	{ "source", JB_STRING, false, offsetof(supply_doc_input, source), 0, 0 },
	{ "counterparty", JB_STRING, false, offsetof(supply_doc_input, counterparty), 0, 0 },
	{ "reason", JB_STRING, false, offsetof(supply_doc_input, reason), 0, 0 },
	{ "note", JB_STRING, false, offsetof(supply_doc_input, note), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* A line as JSON: as supply_line_input, with count as jb_read's int. */
typedef struct line_body {
	int64_t item_id;
	const char *item;
	const char *quantity;
	int64_t qty;
	const char *pack;
	int count;
	int64_t request_id;
} line_body;

static const jb_field line_fields[] = {
	{ "item_id", JB_ID, false, offsetof(line_body, item_id), 0, 0 },
	{ "item", JB_STRING, false, offsetof(line_body, item), 0, 0 },
	{ "quantity", JB_STRING, false, offsetof(line_body, quantity), 0, 0 },
	{ "qty", JB_INT, false, offsetof(line_body, qty), 0, 0 },
	{ "pack", JB_STRING, false, offsetof(line_body, pack), 0, 0 },
	{ "count", JB_BOOL, false, offsetof(line_body, count), 0, 0 },
	{ "request_id", JB_ID, false, offsetof(line_body, request_id), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* Read one element of the "lines" array; a line that cannot be read
 * carries its problem (supply_line_input.read_detail) to the domain, so
 * that it is reported with the problems of the other lines. */
static void
line_read(http_req *r, const json_t *obj, supply_line_input *out)
{
	line_body b = {0};
	sj_err le = {0};

	memset(out, 0, sizeof *out);
	if (!json_is_object(obj)) {
		out->read_field = "lines";
		out->read_detail = "a line must be an object";
		return;
	}
	if (jb_read(obj, line_fields, &b, http_arena(r), &le) != SJ_OK) {
		out->read_field = arena_strdup(http_arena(r), le.field);
		out->read_detail = arena_strdup(http_arena(r), le.msg);
		return;
	}
	out->item_id = b.item_id;
	out->item = b.item;
	out->quantity = b.quantity;
	out->qty = b.qty;
	out->has_qty = json_object_get(obj, "qty") != NULL;
	out->pack = b.pack;
	out->count = b.count != 0;
	out->request_id = b.request_id;
}

/* Read a document body into *in. */
static sj_rc
doc_read(http_req *r, supply_doc_input *in, sj_err *e)
{
	const json_t *lines = json_object_get(http_body(r), "lines");
	json_t *head = body_without(http_body(r), "lines"), *l;
	supply_line_input *v;
	size_t i;
	sj_rc rc;

	memset(in, 0, sizeof *in);
	in->date = SUPPLY_DATE_NONE;
	rc = jb_read(head, doc_fields, in, http_arena(r), e);
	json_decref(head);
	if (rc != SJ_OK)
		return rc;
	if (!json_is_array(lines))
		return sj_fail(e, SJ_EINVAL, "lines", "must be an array of lines");
	if (json_array_size(lines) > SUPPLY_LINES_MAX)
		return sj_fail(e, SJ_EINVAL, "lines", "at most %d lines", SUPPLY_LINES_MAX);
	v = arena_zalloc(http_arena(r), (json_array_size(lines) + 1) * sizeof *v);
	json_array_foreach(lines, i, l)
		line_read(r, l, &v[i]);
	in->lines = v;
	in->n_lines = json_array_size(lines);
	in->user_id = http_user_id(r);
	in->username = http_username(r);
	return SJ_OK;
}

static sj_rc
post_document(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_document.create", .object_type = "supply_document",
	    .status = 201, .collection = "/api/v1/supply/documents" };
	store *s = http_store(r);
	supply_doc_input in;
	supply_problems pr;
	supply_doc d;
	sj_rc rc;

	if ((rc = doc_read(r, &in, e)) != SJ_OK || (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	rc = supply_doc_post(s, http_scope(r), http_arena(r), &in, &w.id, &pr, e);
	if (rc != SJ_OK && pr.n > 0) {
		store_rollback(s);
		return reply_problems(r, e, &pr);
	}
	if (rc == SJ_OK && (rc = supply_doc_get(s, http_scope(r), http_arena(r), w.id, &d, e)) == SJ_OK)
		w.after = jsupply_doc(&d);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_documents(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"kind", "site_id", "from", "to", "unconfirmed", "limit", "cursor", NULL,
	};
	supply_doc_filter f = {0};
	supply_doc_page page;
	const void *key;
	size_t key_n;
	int64_t limit;
	json_t *out;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "site_id", 0, 1, INT64_MAX, &f.site_id, e)) != SJ_OK ||
	    (rc = query_date(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_date(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = query_bool(r, "unconfirmed", &f.unconfirmed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, SUPPLY_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f.before_id, e)) != SJ_OK)
		return rc;
	f.kind = http_query(r, "kind");
	f.limit = (int)limit;
	if ((rc = supply_doc_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	out = json_array();
	for (size_t i = 0; i < page.n_docs; i++)
		json_array_append_new(out, jsupply_doc(&page.docs[i]));
	return http_reply_page(r, out,
	    page.has_more ? http_cursor_encode(r, NULL, 0, page.next_before_id) : NULL);
}

static sj_rc
get_document(http_req *r, sj_err *e)
{
	supply_doc d;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = supply_doc_get(http_store(r), http_scope(r), http_arena(r), id, &d, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jsupply_doc(&d));
}

static const jb_field confirm_fields[] = {
	{ "discrepancy", JB_STRING, false, offsetof(supply_confirm_input, discrepancy), 0, 0 },
	{ "confirmed_at", JB_INSTANT, false, offsetof(supply_confirm_input, at), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_confirmation(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_document.confirm", .object_type = "supply_document",
	    .status = 200 };
	supply_confirm_input in = {0};
	store *s = http_store(r);
	supply_doc d;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), confirm_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	in.user_id = http_user_id(r);
	in.username = http_username(r);
	if ((rc = supply_doc_confirm(s, http_scope(r), w.id, &in, e)) == SJ_OK &&
	    (rc = supply_doc_get(s, http_scope(r), http_arena(r), w.id, &d, e)) == SJ_OK)
		w.after = jsupply_doc(&d);
	return api_write_end(r, rc, &w, e);
}

/* ---- requests ----------------------------------------------------------- */

static const jb_field request_fields[] = {
	{ "unit_id", JB_ID, true, offsetof(supply_request_input, unit_id), 0, 0 },
	{ "item_id", JB_ID, false, offsetof(supply_request_input, item_id), 0, 0 },
	{ "item", JB_STRING, false, offsetof(supply_request_input, item), 0, 0 },
	{ "quantity", JB_STRING, false, offsetof(supply_request_input, quantity), 0, 0 },
	{ "qty", JB_INT, false, offsetof(supply_request_input, qty), 0, 0 },
	{ "pack", JB_STRING, false, offsetof(supply_request_input, pack), 0, 0 },
	{ "needed_by", JB_DATE, false, offsetof(supply_request_input, needed_by), 0, 0 },
	{ "raised_on", JB_DATE, false, offsetof(supply_request_input, raised_on), 0, 0 },
	{ "reason", JB_STRING, true, offsetof(supply_request_input, reason), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_request(http_req *r, sj_err *e)
{
	api_write w = { .action = "supply_request.create", .object_type = "supply_request",
	    .status = 201, .collection = "/api/v1/supply/requests" };
	supply_request_input in = { .needed_by = SUPPLY_DATE_NONE, .raised_on = SUPPLY_DATE_NONE };
	store *s = http_store(r);
	supply_request q;
	sj_rc rc;

	if ((rc = jb_read(http_body(r), request_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	in.has_qty = api_body_has(http_body(r), "qty");
	in.user_id = http_user_id(r);
	in.username = http_username(r);
	if ((rc = supply_request_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = supply_request_get(s, http_scope(r), http_arena(r), w.id, &q, e)) == SJ_OK)
		w.after = jsupply_request(&q);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_requests(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"unit_id", "item_id", "status", "open", "limit", "cursor", NULL,
	};
	supply_request_filter f = {0};
	supply_request_page page;
	const void *key;
	size_t key_n;
	int64_t limit;
	json_t *out;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f.unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "item_id", 0, 1, INT64_MAX, &f.item_id, e)) != SJ_OK ||
	    (rc = query_bool(r, "open", &f.open, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, SUPPLY_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f.after_id, e)) != SJ_OK)
		return rc;
	f.status = http_query(r, "status");
	f.limit = (int)limit;
	if ((rc = supply_request_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e))
	    != SJ_OK)
		return rc;
	out = json_array();
	for (size_t i = 0; i < page.n_requests; i++)
		json_array_append_new(out, jsupply_request(&page.requests[i]));
	return http_reply_page(r, out,
	    page.has_more ? http_cursor_encode(r, NULL, 0, page.next_after_id) : NULL);
}

static sj_rc
get_request(http_req *r, sj_err *e)
{
	supply_request q;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = supply_request_get(http_store(r), http_scope(r), http_arena(r), id, &q, e))
	    != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jsupply_request(&q));
}

typedef struct cancel_body {
	const char *reason;
} cancel_body;

static sj_rc
post_request_cancel(http_req *r, sj_err *e)
{
	static const jb_field fields[] = {
		{ "reason", JB_STRING, true, offsetof(cancel_body, reason), 0, 0 },
		{ NULL, 0, 0, 0, 0, 0 },
	};
	api_write w = { .action = "supply_request.cancel", .object_type = "supply_request",
	    .status = 200 };
	store *s = http_store(r);
	cancel_body b = {0};
	supply_request q;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), fields, &b, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = supply_request_get(s, http_scope(r), http_arena(r), w.id, &q, e)) == SJ_OK) {
		w.before = jsupply_request(&q);
		if ((rc = supply_request_cancel(s, http_scope(r), w.id, b.reason, http_username(r), e))
		    == SJ_OK &&
		    (rc = supply_request_get(s, http_scope(r), http_arena(r), w.id, &q, e)) == SJ_OK)
			w.after = jsupply_request(&q);
	}
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_shortages(http_req *r, sj_err *e)
{
	supply_shortage *items;
	supply_request *reqs;
	size_t n_items, n_reqs;
	json_t *ji, *jr;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = supply_shortages(http_store(r), http_scope(r), http_arena(r), &items, &n_items,
	    &reqs, &n_reqs, e)) != SJ_OK)
		return rc;
	ji = json_array();
	jr = json_array();
	for (size_t i = 0; i < n_items; i++)
		json_array_append_new(ji, jsupply_shortage(&items[i]));
	for (size_t i = 0; i < n_reqs; i++)
		json_array_append_new(jr, jsupply_request(&reqs[i]));
	return http_reply_json(r, 200, json_pack("{s:o, s:o}", "items", ji, "requests", jr));
}

/* ---- exports ------------------------------------------------------------ */

typedef struct export_job {
	http_req *r;
	int report, format;
	const supply_export_filter *f;
} export_job;

static sj_rc
export_write(void *ctx, const char *path, sj_err *e)
{
	export_job *j = ctx;

	return supply_export(http_store(j->r), http_scope(j->r), j->report, j->format, j->f, path,
	    NULL, e);
}

/* The report as a file (api_reply_export): "supply-<report>-<today>". */
static sj_rc
export_reply(http_req *r, int report, const supply_export_filter *f, sj_err *e)
{
	static const char *const names[] = { "ledger", "stock", "requests" };
	const char *fmt_name = http_query(r, "format");
	export_job job = { r, report, supply_format_parse(fmt_name ? fmt_name : "csv"), f };
	char date[DT_DATE_LEN];

	if (job.format < 0)
		return sj_fail(e, SJ_EINVAL, "format", "'%s' is not an export format; use csv or xlsx",
		    fmt_name);
	dt_date_format(dt_date_of(dt_now()), date);
	return api_reply_export(r, job.format, arena_printf(http_arena(r), "supply-%s-%s",
	    names[report], date), export_write, &job, e);
}

static sj_rc
get_ledger_export(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "format", "site_id", "item_id", "from", "to", NULL };
	supply_export_filter f = { .date = SUPPLY_DATE_NONE };
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "site_id", 0, 1, INT64_MAX, &f.site_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "item_id", 0, 1, INT64_MAX, &f.item_id, e)) != SJ_OK ||
	    (rc = query_date(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_date(r, "to", &f.to, e)) != SJ_OK)
		return rc;
	return export_reply(r, SUPPLY_REPORT_LEDGER, &f, e);
}

static sj_rc
get_stock_export(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "format", "site_id", "item_id", "date", NULL };
	supply_export_filter f = { .from = SUPPLY_DATE_NONE, .to = SUPPLY_DATE_NONE };
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "site_id", 0, 1, INT64_MAX, &f.site_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "item_id", 0, 1, INT64_MAX, &f.item_id, e)) != SJ_OK ||
	    (rc = query_date(r, "date", &f.date, e)) != SJ_OK)
		return rc;
	return export_reply(r, SUPPLY_REPORT_STOCK, &f, e);
}

static sj_rc
get_requests_export(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "format", "unit_id", "item_id", NULL };
	supply_export_filter f = { .from = SUPPLY_DATE_NONE, .to = SUPPLY_DATE_NONE,
	    .date = SUPPLY_DATE_NONE };
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f.unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "item_id", 0, 1, INT64_MAX, &f.item_id, e)) != SJ_OK)
		return rc;
	return export_reply(r, SUPPLY_REPORT_REQUESTS, &f, e);
}

/* Literal paths ("export") come before the {id} patterns they would
 * otherwise match. */
const http_route api_supply_routes[] = {
	{ "GET", "/api/v1/supply/items", get_items, PERM_SUPPLY_READ, 0 },
	{ "POST", "/api/v1/supply/items", post_item, PERM_SUPPLY_WRITE, SMALL_BODY },
	{ "GET", "/api/v1/supply/items/{id}", get_item, PERM_SUPPLY_READ, 0 },
	{ "PATCH", "/api/v1/supply/items/{id}", patch_item, PERM_SUPPLY_WRITE, SMALL_BODY },
	{ "POST", "/api/v1/supply/items/{id}/packs", post_pack, PERM_SUPPLY_WRITE, SMALL_BODY },
	{ "GET", "/api/v1/supply/sites", get_sites, PERM_SUPPLY_READ, 0 },
	{ "POST", "/api/v1/supply/sites", post_site, PERM_SUPPLY_WRITE, SMALL_BODY },
	{ "GET", "/api/v1/supply/sites/{id}", get_site, PERM_SUPPLY_READ, 0 },
	{ "PUT", "/api/v1/supply/sites/{id}/minimums/{item_id}", put_minimum, PERM_SUPPLY_WRITE,
	  SMALL_BODY },
	{ "DELETE", "/api/v1/supply/sites/{id}/minimums/{item_id}", delete_minimum,
	  PERM_SUPPLY_WRITE, 0 },
	{ "GET", "/api/v1/supply/stock/export", get_stock_export, PERM_SUPPLY_READ, 0 },
	{ "GET", "/api/v1/supply/stock", get_stock, PERM_SUPPLY_READ, 0 },
	{ "GET", "/api/v1/supply/ledger/export", get_ledger_export, PERM_SUPPLY_READ, 0 },
	{ "GET", "/api/v1/supply/ledger", get_ledger, PERM_SUPPLY_READ, 0 },
	{ "GET", "/api/v1/supply/documents", get_documents, PERM_SUPPLY_READ, 0 },
	{ "POST", "/api/v1/supply/documents", post_document, PERM_SUPPLY_WRITE, BODY_MAX },
	{ "GET", "/api/v1/supply/documents/{id}", get_document, PERM_SUPPLY_READ, 0 },
	{ "POST", "/api/v1/supply/documents/{id}/confirmation", post_confirmation,
	  PERM_SUPPLY_CONFIRM, SMALL_BODY },
	{ "GET", "/api/v1/supply/requests/export", get_requests_export, PERM_SUPPLY_READ, 0 },
	{ "GET", "/api/v1/supply/requests", get_requests, PERM_SUPPLY_READ, 0 },
	{ "POST", "/api/v1/supply/requests", post_request, PERM_REQUEST_RAISE, SMALL_BODY },
	{ "GET", "/api/v1/supply/requests/{id}", get_request, PERM_SUPPLY_READ, 0 },
	{ "POST", "/api/v1/supply/requests/{id}/cancel", post_request_cancel, PERM_REQUEST_RAISE,
	  SMALL_BODY },
	{ "GET", "/api/v1/supply/shortages", get_shortages, PERM_SUPPLY_READ, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
