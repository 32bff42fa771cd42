/*
 * jsupply — supply records as JSON objects.
 */
#include "json/jsupply.h"

#include "json/jorg.h"

/* A local date, or null for SUPPLY_DATE_NONE. */
static json_t *
jdate(sj_date d)
{
	return d == SUPPLY_DATE_NONE ? json_null() : jorg_date(d);
}

/* An instant, or null for 0. */
static json_t *
jinstant(int64_t t)
{
	return t ? jorg_instant(t) : json_null();
}

json_t *
jsupply_item(const supply_item *it)
{
	json_t *packs = json_array();

	for (size_t i = 0; i < it->n_packs; i++)
		json_array_append_new(packs, json_pack("{s:I, s:s, s:o, s:I}",
		    "id", (json_int_t)it->packs[i].id, "name", it->packs[i].name,
		    "name_en", jorg_str(it->packs[i].name_en), "size", (json_int_t)it->packs[i].size));
	return json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)it->id, "name", it->name, "name_en", jorg_str(it->name_en),
	    "category", it->category ? it->category : "", "base_unit", it->base_unit,
	    "unit", jorg_str(it->uom ? it->uom->zh : NULL),
	    "unit_en", jorg_str(it->uom ? it->uom->en : NULL), "packs", packs,
	    "created_at", jinstant(it->created_at));
}

json_t *
jsupply_site(const supply_site *t)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)t->id,
	    "kind", t->kind, "name", t->name, "group_id", jorg_id(t->group_id),
	    "unit_id", jorg_id(t->unit_id), "created_at", jinstant(t->created_at));
}

json_t *
jsupply_line(const supply_line *l)
{
	return json_pack("{s:i, s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:o}",
	    "line", l->line_no, "item_id", (json_int_t)l->item_id, "item", jorg_str(l->item_name),
	    "qty", (json_int_t)l->qty, "display", jorg_str(l->display),
	    "display_en", jorg_str(l->display_en), "entered", jorg_str(l->entered),
	    "count", l->counted ? json_integer(l->count) : json_null(),
	    "request_id", jorg_id(l->request_id));
}

static json_t *
confirmation(const supply_doc *d)
{
	if (d->confirmed_at == 0)
		return json_null();
	return json_pack("{s:o, s:o, s:s, s:o}", "at", jorg_instant(d->confirmed_at),
	    "user_id", jorg_id(d->confirmed_by), "by", d->confirmed_by_name ? d->confirmed_by_name : "",
	    "discrepancy", jorg_str(d->discrepancy));
}

json_t *
jsupply_doc(const supply_doc *d)
{
	json_t *o = json_pack("{s:I, s:s, s:o, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
	    " s:s, s:o, s:I}",
	    "id", (json_int_t)d->id, "kind", d->kind, "date", jorg_date(d->date),
	    "site_id", (json_int_t)d->site_id, "site_name", d->site_name ? d->site_name : "",
	    "to_site_id", jorg_id(d->to_site_id), "to_site_name", jorg_str(d->to_site_name),
	    "source", jorg_str(d->source), "counterparty", jorg_str(d->counterparty),
	    "reason", jorg_str(d->reason), "note", jorg_str(d->note),
	    "created_at", jinstant(d->created_at), "created_by", jorg_id(d->created_by),
	    "created_by_name", d->created_by_name ? d->created_by_name : "",
	    "confirmation", confirmation(d), "n_lines", (json_int_t)d->n_lines);
	json_t *lines;

	if (d->lines == NULL)
		return o;
	lines = json_array();
	for (size_t i = 0; i < d->n_lines; i++)
		json_array_append_new(lines, jsupply_line(&d->lines[i]));
	json_object_set_new(o, "lines", lines);
	return o;
}

json_t *
jsupply_stock(const supply_stock_row *r)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:I, s:o, s:o, s:o, s:b}",
	    "site_id", (json_int_t)r->site_id, "site_name", r->site_name, "site_kind", r->site_kind,
	    "item_id", (json_int_t)r->item_id, "item", jorg_str(r->item_name),
	    "category", jorg_str(r->category), "qty", (json_int_t)r->qty,
	    "display", jorg_str(r->display), "display_en", jorg_str(r->display_en),
	    "min_qty", r->min_qty >= 0 ? json_integer(r->min_qty) : json_null(),
	    "below_min", r->below_min);
}

json_t *
jsupply_move(const supply_move *m)
{
	return json_pack("{s:I, s:o, s:I, s:o, s:o, s:I, s:i, s:o, s:o, s:I, s:o, s:I, s:o, s:o,"
	    " s:o}",
	    "site_id", (json_int_t)m->site_id, "site_name", jorg_str(m->site_name),
	    "item_id", (json_int_t)m->item_id, "item", jorg_str(m->item_name),
	    "date", jorg_date(m->date), "document_id", (json_int_t)m->doc_id, "line", m->line_no,
	    "kind", jorg_str(m->kind), "counterpart", jorg_str(m->counterpart),
	    "qty", (json_int_t)m->qty, "display", jorg_str(m->display),
	    "balance", (json_int_t)m->balance, "balance_display", jorg_str(m->balance_display),
	    "entered", jorg_str(m->entered), "note", jorg_str(m->note));
}

json_t *
jsupply_request(const supply_request *r)
{
	json_t *o = json_pack("{s:I, s:I, s:o, s:I, s:I, s:o, s:I, s:I, s:I, s:s, s:o, s:o, s:o,"
	    " s:o}",
	    "id", (json_int_t)r->id, "unit_id", (json_int_t)r->unit_id,
	    "unit_name", jorg_str(r->unit_name), "site_id", (json_int_t)r->site_id,
	    "item_id", (json_int_t)r->item_id, "item", jorg_str(r->item_name),
	    "qty", (json_int_t)r->qty, "delivered", (json_int_t)r->delivered,
	    "remaining", (json_int_t)r->remaining, "status", r->status,
	    "display", jorg_str(r->display), "delivered_display", jorg_str(r->delivered_display),
	    "remaining_display", jorg_str(r->remaining_display), "entered", jorg_str(r->entered));

	json_object_set_new(o, "needed_by", jdate(r->needed_by));
	json_object_set_new(o, "raised_on", jdate(r->raised_on));
	json_object_set_new(o, "reason", jorg_str(r->reason));
	json_object_set_new(o, "created_at", jinstant(r->created_at));
	json_object_set_new(o, "created_by_name", jorg_str(r->created_by_name));
	json_object_set_new(o, "cancelled_at", jinstant(r->cancelled_at));
	json_object_set_new(o, "cancelled_by_name", jorg_str(r->cancelled_by_name));
	json_object_set_new(o, "cancel_reason", jorg_str(r->cancel_reason));
	return o;
}

json_t *
jsupply_shortage(const supply_shortage *s)
{
	return json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:o}",
	    "item_id", (json_int_t)s->item_id, "item", jorg_str(s->item_name),
	    "requests", (json_int_t)s->requests, "requested", (json_int_t)s->requested,
	    "delivered", (json_int_t)s->delivered, "remaining", (json_int_t)s->remaining,
	    "remaining_display", jorg_str(s->remaining_display));
}

json_t *
jsupply_problems(const supply_problems *pr)
{
	json_t *a = json_array();

	for (size_t i = 0; i < pr->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:s, s:s}",
		    "line", pr->v[i].line > 0 ? json_integer(pr->v[i].line) : json_null(),
		    "field", pr->v[i].field, "detail", pr->v[i].detail));
	return a;
}
