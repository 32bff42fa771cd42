/*
 * api_org — the organisation module over HTTP under /api/v1: regions,
 * units, places, checkpoints, households and work groups (people are in
 * api_people.c), and the write helpers of api.h.
 *
 * Thin: every rule and every scope test lives in the domain modules
 * (domain/org.h, domain/group.h), which take the caller's scope, so a
 * record out of scope answers 404 exactly like a missing one.  Bodies are
 * read with jb_read (unknown fields and wrong types refused, strings
 * checked as UTF-8); every write runs in one transaction with its audit
 * event; replies use the JSON forms of json/jorg.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "domain/org.h"
#include "http/api.h"
#include "json/jorg.h"

#define BODY_MAX 8192  /* bytes: the largest organisation record body */

/* ---- helpers for write handlers ----------------------------------------- */

static sj_rc
write_reply(http_req *r, api_write *w)
{
	json_t *body = w->after;

	w->after = NULL;
	if (w->status == 204) {
		json_decref(body);
		return http_reply_empty(r);
	}
	if (w->status == 201)
		http_reply_header(r, "Location", w->location ? w->location :
		    arena_printf(http_arena(r), "%s/%lld", w->collection, (long long)w->id));
	return http_reply_json(r, w->status, body);
}

sj_rc
api_write_end(http_req *r, sj_rc rc, api_write *w, sj_err *e)
{
	store *s = http_store(r);

	if (rc == SJ_OK) {
		/* http_audit steals both; the reply needs its own reference. */
		json_incref(w->after);
		rc = http_audit(r, w->action, w->object_type, w->id, w->before, w->after, e);
		w->before = NULL;
	}
	if (rc != SJ_OK) {
		store_rollback(s);
		json_decref(w->before);
		json_decref(w->after);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK) {
		json_decref(w->after);
		return rc;
	}
	return write_reply(r, w);
}

const jb_field *
api_patch_fields(http_req *r, const jb_field *fields)
{
	size_t n = 0;
	jb_field *copy;

	while (fields[n].name)
		n++;
	copy = arena_alloc(http_arena(r), (n + 1) * sizeof *copy);
	memcpy(copy, fields, (n + 1) * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i].required = false;
	return copy;
}

static bool
name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

sj_rc
api_patch_nulls(const json_t *body, const jb_field *fields, void *out,
    const char *const *nullable, sj_err *e)
{
	for (const jb_field *f = fields; f->name; f++) {
		char *slot = (char *)out + f->offset;
		if (!json_is_null(json_object_get(body, f->name)))
			continue;
		if (!name_in(f->name, nullable))
			return sj_fail(e, SJ_EINVAL, f->name, "must not be null");
		if (f->type == JB_ID || f->type == JB_INT)
			memset(slot, 0, sizeof(int64_t));
		else if (f->type == JB_STRING || f->type == JB_TEXT)
			memset(slot, 0, sizeof(const char *));
		else  /* no "none" value for the type: a bug in the caller's list */
			return sj_fail(e, SJ_EINTERNAL, f->name, "field cannot be cleared");
	}
	return SJ_OK;
}

bool
api_body_has(const json_t *body, const char *name)
{
	return json_object_get(body, name) != NULL;
}

/* Refuse every query parameter: for routes that take none. */
static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* Open the transaction of a write handler. */
static sj_rc
write_begin(http_req *r, sj_err *e)
{
	return store_begin(http_store(r), e);
}

/* ---- regions ------------------------------------------------------------ */

static const jb_field region_fields[] = {
	{ "parent_id", JB_ID, false, offsetof(org_region, parent_id), 0, 0 },
	{ "level", JB_STRING, true, offsetof(org_region, level), 0, 0 },
	{ "name", JB_STRING, true, offsetof(org_region, name), 0, 0 },
	{ "code", JB_STRING, false, offsetof(org_region, code), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
get_regions(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "parent_id", "limit", "cursor", NULL };
	org_region_filter f = {0};
	org_region_page page;
	const void *key;
	size_t key_n;
	int64_t limit;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "parent_id", 0, 1, INT64_MAX, &f.parent_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, ORG_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f.after_id, e)) != SJ_OK)
		return rc;
	f.limit = (int)limit;
	rc = org_region_list(http_store(r), http_arena(r), &f, &page, e);
	if (rc != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_regions; i++)
		json_array_append_new(items, jorg_region(&page.regions[i]));
	return http_reply_page(r, items,
	    page.has_more ? http_cursor_encode(r, NULL, 0, page.next_id) : NULL);
}

static sj_rc
post_region(http_req *r, sj_err *e)
{
	org_region in = {0};
	api_write w = { .action = "region.create", .object_type = "region",
	    .status = 201, .collection = "/api/v1/regions" };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), region_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = org_region_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = org_region_get(s, http_arena(r), w.id, &in, e)) == SJ_OK)
		w.after = jorg_region(&in);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_region(http_req *r, sj_err *e)
{
	org_region reg;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_region_get(http_store(r), http_arena(r), id, &reg, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jorg_region(&reg));
}

/* ---- units -------------------------------------------------------------- */

static const jb_field unit_fields[] = {
	{ "kind", JB_STRING, true, offsetof(org_unit, kind), 0, 0 },
	{ "name", JB_STRING, true, offsetof(org_unit, name), 0, 0 },
	{ "region_id", JB_ID, true, offsetof(org_unit, region_id), 0, 0 },
	{ "address", JB_STRING, false, offsetof(org_unit, address), 0, 0 },
	{ "contact", JB_STRING, false, offsetof(org_unit, contact), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const unit_nullable[] = { "address", "contact", NULL };

/* Read the unit list's query parameters into f. */
static sj_rc
unit_filter_read(http_req *r, org_unit_filter *f, sj_err *e)
{
	static const char *const allowed[] = {
		"kind", "region_id", "group_id", "q", "limit", "cursor", NULL,
	};
	int64_t limit;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "region_id", 0, 1, INT64_MAX, &f->region_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "group_id", 0, 1, INT64_MAX, &f->group_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, ORG_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &f->after_sort, &f->after_sort_n, &f->after_id, e)) != SJ_OK)
		return rc;
	f->kind = http_query(r, "kind");
	f->q = http_query(r, "q");
	f->limit = (int)limit;
	return SJ_OK;
}

static sj_rc
get_units(http_req *r, sj_err *e)
{
	org_unit_filter f = {0};
	org_unit_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = unit_filter_read(r, &f, e)) != SJ_OK ||
	    (rc = org_unit_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_units; i++)
		json_array_append_new(items, jorg_unit(&page.units[i]));
	return http_reply_page(r, items, page.has_more
	    ? http_cursor_encode(r, page.next_sort, page.next_sort_n, page.next_id) : NULL);
}

static sj_rc
post_unit(http_req *r, sj_err *e)
{
	org_unit in = {0};
	api_write w = { .action = "unit.create", .object_type = "unit",
	    .status = 201, .collection = "/api/v1/units" };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), unit_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = org_unit_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = org_unit_get(s, http_scope(r), http_arena(r), w.id, &in, e)) == SJ_OK)
		w.after = jorg_unit(&in);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_unit(http_req *r, sj_err *e)
{
	org_unit u;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_unit_get(http_store(r), http_scope(r), http_arena(r), id, &u, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jorg_unit(&u));
}

/* Inside the PATCH transaction: read, merge the body, write, read back. */
static sj_rc
unit_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	const jb_field *fields = api_patch_fields(r, unit_fields);
	store *s = http_store(r);
	org_unit u;
	sj_rc rc;

	if ((rc = org_unit_get(s, http_scope(r), http_arena(r), id, &u, e)) != SJ_OK)
		return rc;
	w->before = jorg_unit(&u);
	if ((rc = jb_read(http_body(r), fields, &u, http_arena(r), e)) != SJ_OK ||
	    (rc = api_patch_nulls(http_body(r), fields, &u, unit_nullable, e)) != SJ_OK ||
	    (rc = org_unit_update(s, http_scope(r), id, &u, e)) != SJ_OK ||
	    (rc = org_unit_get(s, http_scope(r), http_arena(r), id, &u, e)) != SJ_OK)
		return rc;
	w->after = jorg_unit(&u);
	return SJ_OK;
}

static sj_rc
patch_unit(http_req *r, sj_err *e)
{
	api_write w = { .action = "unit.update", .object_type = "unit", .status = 200 };
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK || (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	return api_write_end(r, unit_patch(r, w.id, &w, e), &w, e);
}

static sj_rc
delete_unit(http_req *r, sj_err *e)
{
	api_write w = { .action = "unit.delete", .object_type = "unit", .status = 204 };
	store *s = http_store(r);
	org_unit u;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK || (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = org_unit_get(s, http_scope(r), http_arena(r), w.id, &u, e)) == SJ_OK) {
		w.before = jorg_unit(&u);
		rc = org_unit_delete(s, http_scope(r), w.id, e);
	}
	return api_write_end(r, rc, &w, e);
}

/* ---- places ------------------------------------------------------------- */

static const jb_field place_fields[] = {
	{ "unit_id", JB_ID, true, offsetof(org_place, unit_id), 0, 0 },
	{ "kind", JB_STRING, true, offsetof(org_place, kind), 0, 0 },
	{ "name", JB_STRING, true, offsetof(org_place, name), 0, 0 },
	{ "address", JB_STRING, false, offsetof(org_place, address), 0, 0 },
	{ "records_exits", JB_BOOL, false, offsetof(org_place, records_exits), 0, 0 },
	{ "default_stay_s", JB_INT, false, offsetof(org_place, default_stay_s), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const place_nullable[] = { "address", NULL };

static sj_rc
get_unit_places(http_req *r, sj_err *e)
{
	org_place *p;
	size_t n;
	int64_t id;
	json_t *items;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_place_list(http_store(r), http_scope(r), http_arena(r), id, &p, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jorg_place(&p[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
post_place(http_req *r, sj_err *e)
{
	org_place in = { .records_exits = 1 };
	api_write w = { .action = "place.create", .object_type = "place",
	    .status = 201, .collection = "/api/v1/places" };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), place_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = org_place_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = org_place_get(s, http_scope(r), http_arena(r), w.id, &in, e)) == SJ_OK)
		w.after = jorg_place(&in);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_place(http_req *r, sj_err *e)
{
	org_place p;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_place_get(http_store(r), http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jorg_place(&p));
}

/* Inside the PATCH transaction.  unit_id is not in the PATCH table: a
 * place never moves to another unit. */
static sj_rc
place_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	const jb_field *fields = api_patch_fields(r, place_fields + 1);
	store *s = http_store(r);
	org_place p;
	sj_rc rc;

	if ((rc = org_place_get(s, http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	w->before = jorg_place(&p);
	if ((rc = jb_read(http_body(r), fields, &p, http_arena(r), e)) != SJ_OK ||
	    (rc = api_patch_nulls(http_body(r), fields, &p, place_nullable, e)) != SJ_OK ||
	    (rc = org_place_update(s, http_scope(r), id, &p, e)) != SJ_OK ||
	    (rc = org_place_get(s, http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	w->after = jorg_place(&p);
	return SJ_OK;
}

static sj_rc
patch_place(http_req *r, sj_err *e)
{
	api_write w = { .action = "place.update", .object_type = "place", .status = 200 };
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK || (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	return api_write_end(r, place_patch(r, w.id, &w, e), &w, e);
}

/* ---- checkpoints and households ----------------------------------------- */

static const jb_field checkpoint_fields[] = {
	{ "place_id", JB_ID, true, offsetof(org_checkpoint, place_id), 0, 0 },
	{ "name", JB_STRING, true, offsetof(org_checkpoint, name), 0, 0 },
	{ "kind", JB_STRING, false, offsetof(org_checkpoint, kind), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const jb_field household_fields[] = {
	{ "place_id", JB_ID, true, offsetof(org_household, place_id), 0, 0 },
	{ "building", JB_STRING, false, offsetof(org_household, building), 0, 0 },
	{ "entrance", JB_STRING, false, offsetof(org_household, entrance), 0, 0 },
	{ "room", JB_STRING, true, offsetof(org_household, room), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
get_place_checkpoints(http_req *r, sj_err *e)
{
	org_checkpoint *c;
	size_t n;
	int64_t id;
	json_t *items;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_checkpoint_list(http_store(r), http_scope(r), http_arena(r), id, &c, &n,
	    e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jorg_checkpoint(&c[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
post_checkpoint(http_req *r, sj_err *e)
{
	org_checkpoint in = {0};
	api_write w = { .action = "checkpoint.create", .object_type = "checkpoint",
	    .status = 201, .collection = "/api/v1/checkpoints" };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), checkpoint_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = org_checkpoint_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = org_checkpoint_get(s, http_scope(r), http_arena(r), w.id, &in, e)) == SJ_OK)
		w.after = jorg_checkpoint(&in);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_place_households(http_req *r, sj_err *e)
{
	org_household *h;
	size_t n;
	int64_t id;
	json_t *items;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_household_list(http_store(r), http_scope(r), http_arena(r), id, &h, &n,
	    e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jorg_household(&h[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
post_household(http_req *r, sj_err *e)
{
	org_household in = {0};
	api_write w = { .action = "household.create", .object_type = "household",
	    .status = 201, .collection = "/api/v1/households" };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), household_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = org_household_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = org_household_get(s, http_scope(r), http_arena(r), w.id, &in, e)) == SJ_OK)
		w.after = jorg_household(&in);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_checkpoint(http_req *r, sj_err *e)
{
	org_checkpoint c;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_checkpoint_get(http_store(r), http_scope(r), http_arena(r), id, &c, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jorg_checkpoint(&c));
}

static sj_rc
get_household(http_req *r, sj_err *e)
{
	org_household h;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = org_household_get(http_store(r), http_scope(r), http_arena(r), id, &h, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jorg_household(&h));
}

/* ---- work groups -------------------------------------------------------- */

static const jb_field group_fields[] = {
	{ "name", JB_STRING, true, offsetof(work_group, name), 0, 0 },
	{ "organ", JB_STRING, false, offsetof(work_group, organ), 0, 0 },
	{ "region_id", JB_ID, false, offsetof(work_group, region_id), 0, 0 },
	{ "set_up_on", JB_DATE, false, offsetof(work_group, set_up_on), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const jb_field member_fields[] = {
	{ "name", JB_STRING, true, offsetof(member, name), 0, 0 },
	{ "role", JB_STRING, true, offsetof(member, role), 0, 0 },
	{ "title", JB_STRING, false, offsetof(member, title), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const jb_field assignment_fields[] = {
	{ "unit_id", JB_ID, true, offsetof(assignment, unit_id), 0, 0 },
	{ "reported_on", JB_DATE, false, offsetof(assignment, reported_on), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
get_groups(http_req *r, sj_err *e)
{
	work_group *g;
	size_t n;
	json_t *items;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = group_list(http_store(r), http_scope(r), http_arena(r), &g, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jorg_group(&g[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
post_group(http_req *r, sj_err *e)
{
	work_group in = { .set_up_on = -1 };
	api_write w = { .action = "work_group.create", .object_type = "work_group",
	    .status = 201, .collection = "/api/v1/groups" };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), group_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = group_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = group_get(s, http_scope(r), http_arena(r), w.id, &in, e)) == SJ_OK)
		w.after = jorg_group(&in);
	return api_write_end(r, rc, &w, e);
}

/* The group's members and assignments as two JSON arrays added to g. */
static sj_rc
group_detail(http_req *r, int64_t id, json_t *g, sj_err *e)
{
	member *m;
	assignment *as;
	size_t n_m, n_as;
	json_t *members, *assignments;
	sj_rc rc;

	if ((rc = group_member_list(http_store(r), http_scope(r), http_arena(r), id, &m, &n_m,
	    e)) != SJ_OK || (rc = group_assignment_list(http_store(r), http_scope(r),
	    http_arena(r), id, &as, &n_as, e)) != SJ_OK)
		return rc;
	members = json_array();
	for (size_t i = 0; i < n_m; i++)
		json_array_append_new(members, jorg_member(&m[i]));
	assignments = json_array();
	for (size_t i = 0; i < n_as; i++)
		json_array_append_new(assignments, jorg_assignment(&as[i]));
	json_object_set_new(g, "members", members);
	json_object_set_new(g, "assignments", assignments);
	return SJ_OK;
}

static sj_rc
get_group(http_req *r, sj_err *e)
{
	work_group g;
	int64_t id;
	json_t *body;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = group_get(http_store(r), http_scope(r), http_arena(r), id, &g, e)) != SJ_OK)
		return rc;
	body = jorg_group(&g);
	if ((rc = group_detail(r, id, body, e)) != SJ_OK) {
		json_decref(body);
		return rc;
	}
	return http_reply_json(r, 200, body);
}

/* The group of the path, which must be one the caller may see. */
static sj_rc
path_group(http_req *r, int64_t *id, sj_err *e)
{
	work_group g;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", id, e)) != SJ_OK)
		return rc;
	return group_get(http_store(r), http_scope(r), http_arena(r), *id, &g, e);
}

static sj_rc
post_group_member(http_req *r, sj_err *e)
{
	member in = {0};
	api_write w = { .action = "member.create", .object_type = "member",
	    .status = 201 };
	sj_rc rc;

	if ((rc = path_group(r, &in.group_id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), member_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = group_member_add(http_store(r), http_scope(r), &in, &w.id, e)) == SJ_OK) {
		in.id = w.id;
		in.title = in.title ? in.title : "";  /* as group_member_add stores it */
		w.after = jorg_member(&in);
	}
	/* Members have no route of their own: Location names the group. */
	w.location = arena_printf(http_arena(r), "/api/v1/groups/%lld", (long long)in.group_id);
	return api_write_end(r, rc, &w, e);
}

/* The assignment of the group to unit_id, as stored, into *out. */
static sj_rc
assignment_find(http_req *r, int64_t group_id, int64_t id, assignment *out, sj_err *e)
{
	assignment *as;
	size_t n;
	sj_rc rc;

	if ((rc = group_assignment_list(http_store(r), http_scope(r), http_arena(r), group_id,
	    &as, &n, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (as[i].id == id) {
			*out = as[i];
			return SJ_OK;
		}
	return sj_fail(e, SJ_EINTERNAL, NULL, "assignment %lld was not written", (long long)id);
}

static sj_rc
post_group_assignment(http_req *r, sj_err *e)
{
	assignment in = { .reported_on = -1 };
	api_write w = { .action = "assignment.create", .object_type = "assignment", .status = 201 };
	sj_rc rc;

	if ((rc = path_group(r, &in.group_id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), assignment_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = write_begin(r, e)) != SJ_OK)
		return rc;
	if ((rc = group_assign(http_store(r), http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = assignment_find(r, in.group_id, w.id, &in, e)) == SJ_OK)
		w.after = jorg_assignment(&in);
	w.location = arena_printf(http_arena(r), "/api/v1/groups/%lld", (long long)in.group_id);
	return api_write_end(r, rc, &w, e);
}

/* ---- the route table ---------------------------------------------------- */

const http_route api_org_routes[] = {
	{ "GET", "/api/v1/regions", get_regions, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/regions", post_region, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/regions/{id}", get_region, PERM_ORG_READ, 0 },
	{ "GET", "/api/v1/units", get_units, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/units", post_unit, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/units/{id}", get_unit, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/units/{id}", patch_unit, PERM_ORG_ADMIN, BODY_MAX },
	{ "DELETE", "/api/v1/units/{id}", delete_unit, PERM_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/units/{id}/places", get_unit_places, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/places", post_place, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/places/{id}", get_place, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/places/{id}", patch_place, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/places/{id}/checkpoints", get_place_checkpoints, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/checkpoints", post_checkpoint, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/checkpoints/{id}", get_checkpoint, PERM_ORG_READ, 0 },
	{ "GET", "/api/v1/places/{id}/households", get_place_households, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/households", post_household, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/households/{id}", get_household, PERM_ORG_READ, 0 },
	{ "GET", "/api/v1/groups", get_groups, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/groups", post_group, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/groups/{id}", get_group, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/groups/{id}/members", post_group_member, PERM_ORG_ADMIN, BODY_MAX },
	{ "POST", "/api/v1/groups/{id}/assignments", post_group_assignment, PERM_ORG_ADMIN,
	  BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
