/*
 * api_org — the organisation module over HTTP under /api/v1: regions,
 * units, places, checkpoints and households (people and work groups are
 * in api_people.c), the write helpers of api.h and the record handlers of
 * api_org.h.
 *
 * Thin: every rule and every scope test lives in the domain modules
 * (domain/org.h), which take the caller's scope, so a record out of scope
 * answers 404 exactly like a missing one.  Bodies are read with jb_read
 * (unknown fields and wrong types refused, strings checked as UTF-8);
 * every write runs in one transaction with its audit event; replies use
 * the JSON forms of json/jorg.h.  Lists page with a cursor.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "http/api_org.h"
#include "json/jorg.h"

#define BODY_MAX 8192  /* bytes: the largest organisation record body */

/* ---- helpers for write handlers (api.h) --------------------------------- */

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

/* Besides the types api.h names, a date cleared by null becomes INT32_MIN,
 * the "no date" of every module (GROUP_DATE_NONE, TASK_DATE_NONE...). */
sj_rc
api_patch_nulls(const json_t *body, const jb_field *fields, void *out,
    const char *const *nullable, sj_err *e)
{
	static const sj_date no_date = INT32_MIN;

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
		else if (f->type == JB_DATE)
			memcpy(slot, &no_date, sizeof no_date);
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

/* ---- records by kind (api_org.h) ---------------------------------------- */

/* Refuse every query parameter: for routes that take none. */
static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* The path id into *id, then the transaction of a write handler. */
static sj_rc
write_begin(http_req *r, int64_t *id, sj_err *e)
{
	sj_rc rc;

	if ((rc = http_param_id(r, "id", id, e)) != SJ_OK)
		return rc;
	return store_begin(http_store(r), e);
}

static const char *
action(http_req *r, const api_kind *k, const char *verb)
{
	return arena_printf(http_arena(r), "%s.%s", k->type, verb);
}

sj_rc
api_post_record(http_req *r, const api_kind *k, sj_err *e)
{
	void *rec = arena_zalloc(http_arena(r), k->size);
	api_write w = { .action = action(r, k, "create"), .object_type = k->type,
	    .status = 201, .collection = k->collection };
	sj_rc rc;

	if (k->defaults)
		memcpy(rec, k->defaults, k->size);
	if ((rc = jb_read(http_body(r), k->fields, rec, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = k->add(r, rec, &w.id, e)) == SJ_OK && (rc = k->get(r, w.id, rec, e)) == SJ_OK)
		w.after = k->json(rec);
	return api_write_end(r, rc, &w, e);
}

sj_rc
api_get_record(http_req *r, const api_kind *k, sj_err *e)
{
	void *rec = arena_zalloc(http_arena(r), k->size);
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = k->get(r, id, rec, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, k->json(rec));
}

sj_rc
api_patch_begin(http_req *r, int64_t *id, sj_err *e)
{
	if (json_object_size(http_body(r)) == 0)
		return sj_fail(e, SJ_EINVAL, "body", "nothing to change: give the fields to change");
	return write_begin(r, id, e);
}

sj_rc
api_patch_end(http_req *r, sj_rc rc, api_write *w, sj_err *e)
{
	if (rc != SJ_OK || !json_equal(w->before, w->after))
		return api_write_end(r, rc, w, e);
	/* Nothing changed: nothing to audit or to keep. */
	store_rollback(http_store(r));
	json_decref(w->before);
	return http_reply_json(r, 200, w->after);
}

/* Inside the PATCH transaction: read, merge the body, write, read back. */
static sj_rc
patch_tx(http_req *r, const api_kind *k, api_write *w, sj_err *e)
{
	const jb_field *fields = api_patch_fields(r, k->patch_fields);
	void *rec = arena_zalloc(http_arena(r), k->size);
	sj_rc rc;

	if ((rc = k->get(r, w->id, rec, e)) != SJ_OK)
		return rc;
	w->before = k->json(rec);
	if ((rc = jb_read(http_body(r), fields, rec, http_arena(r), e)) != SJ_OK ||
	    (rc = api_patch_nulls(http_body(r), fields, rec, k->nullable, e)) != SJ_OK ||
	    (rc = k->update(r, w->id, rec, e)) != SJ_OK ||
	    (rc = k->get(r, w->id, rec, e)) != SJ_OK)
		return rc;
	w->after = k->json(rec);
	return SJ_OK;
}

sj_rc
api_patch_record(http_req *r, const api_kind *k, sj_err *e)
{
	api_write w = { .action = action(r, k, "update"), .object_type = k->type, .status = 200 };
	sj_rc rc;

	if ((rc = api_patch_begin(r, &w.id, e)) != SJ_OK)
		return rc;
	return api_patch_end(r, patch_tx(r, k, &w, e), &w, e);
}

sj_rc
api_delete_record(http_req *r, const api_kind *k, sj_err *e)
{
	api_write w = { .action = action(r, k, "delete"), .object_type = k->type, .status = 204 };
	void *rec = arena_zalloc(http_arena(r), k->size);
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = write_begin(r, &w.id, e)) != SJ_OK)
		return rc;
	if ((rc = k->get(r, w.id, rec, e)) == SJ_OK) {
		w.before = k->json(rec);
		rc = k->del(r, w.id, e);
	}
	return api_write_end(r, rc, &w, e);
}

/* ---- pages (api_org.h) -------------------------------------------------- */

sj_rc
api_range_read(http_req *r, const char *const *allowed, org_range *range, sj_err *e)
{
	const char *names[16] = { "limit", "cursor" };
	size_t n = 2;
	int64_t limit;
	sj_rc rc;

	for (; allowed && *allowed && n < sizeof names / sizeof names[0] - 1; allowed++)
		names[n++] = *allowed;
	memset(range, 0, sizeof *range);
	if ((rc = http_query_check(r, names, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", ORG_LIST_DEFAULT, 1, ORG_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &range->after_key, &range->after_key_n, &range->after_id,
	    e)) != SJ_OK)
		return rc;
	range->limit = (int)limit;
	return SJ_OK;
}

json_t *
api_page_items(const org_page *page, const api_kind *k)
{
	json_t *items = json_array();

	for (size_t i = 0; i < page->n; i++)
		json_array_append_new(items, k->json((const char *)page->rows + i * k->size));
	return items;
}

sj_rc
api_page_reply(http_req *r, json_t *items, const org_page *page)
{
	const org_range *next = &page->next;

	return http_reply_page(r, items, page->has_more
	    ? http_cursor_encode(r, next->after_key, next->after_key_n, next->after_id) : NULL);
}

sj_rc
api_get_children(http_req *r, const api_kind *k, api_page_fn list, sj_err *e)
{
	org_range range;
	org_page page;
	int64_t id;
	sj_rc rc;

	if ((rc = api_range_read(r, NULL, &range, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = list(http_store(r), http_scope(r), http_arena(r), id, &range, &page, e)) != SJ_OK)
		return rc;
	return api_page_reply(r, api_page_items(&page, k), &page);
}

/* ---- regions ------------------------------------------------------------ */

static const jb_field region_fields[] = {
	{ "parent_id", JB_ID, false, offsetof(org_region, parent_id), 0, 0 },
	{ "level", JB_STRING, true, offsetof(org_region, level), 0, 0 },
	{ "name", JB_STRING, true, offsetof(org_region, name), 0, 0 },
	{ "code", JB_STRING, false, offsetof(org_region, code), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const region_nullable[] = { "parent_id", "code", NULL };

/* Through the API a region stands in the whole tree: only a province at
 * the top (org_region_check_root). */
static sj_rc
region_add(http_req *r, const void *rec, int64_t *id, sj_err *e)
{
	sj_rc rc = org_region_check_root(rec, e);

	return rc == SJ_OK ? org_region_add(http_store(r), http_scope(r), rec, id, e) : rc;
}

static sj_rc
region_get(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return org_region_get(http_store(r), http_arena(r), id, rec, e);
}

static sj_rc
region_update(http_req *r, int64_t id, const void *rec, sj_err *e)
{
	return org_region_update(http_store(r), http_scope(r), id, rec, e);
}

static sj_rc
region_delete(http_req *r, int64_t id, sj_err *e)
{
	return org_region_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
region_json(const void *rec)
{
	return jorg_region(rec);
}

static const api_kind region_kind = {
	"region", "/api/v1/regions", sizeof(org_region), NULL, region_fields, region_fields,
	region_nullable, region_add, region_get, region_update, region_delete, region_json,
};

static sj_rc
get_regions(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "parent_id", NULL };
	org_region_filter f;
	org_page page;
	sj_rc rc;

	if ((rc = api_range_read(r, allowed, &f.range, e)) != SJ_OK ||
	    (rc = http_query_int(r, "parent_id", 0, 1, INT64_MAX, &f.parent_id, e)) != SJ_OK ||
	    (rc = org_region_list(http_store(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	return api_page_reply(r, api_page_items(&page, &region_kind), &page);
}

static sj_rc
post_region(http_req *r, sj_err *e)
{
	return api_post_record(r, &region_kind, e);
}

static sj_rc
get_region(http_req *r, sj_err *e)
{
	return api_get_record(r, &region_kind, e);
}

static sj_rc
patch_region(http_req *r, sj_err *e)
{
	return api_patch_record(r, &region_kind, e);
}

static sj_rc
delete_region(http_req *r, sj_err *e)
{
	return api_delete_record(r, &region_kind, e);
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

/* Through the API a unit stands only in a district, subdistrict or town
 * (org_unit_check_region). */
static sj_rc
unit_add(http_req *r, const void *rec, int64_t *id, sj_err *e)
{
	const org_unit *u = rec;
	sj_rc rc;

	if (u->region_id > 0 && (rc = org_unit_check_region(http_store(r), u->region_id, e)) != SJ_OK)
		return rc;
	return org_unit_add(http_store(r), http_scope(r), u, id, e);
}

static sj_rc
unit_get(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return org_unit_get(http_store(r), http_scope(r), http_arena(r), id, rec, e);
}

static sj_rc
unit_update(http_req *r, int64_t id, const void *rec, sj_err *e)
{
	return org_unit_update(http_store(r), http_scope(r), id, rec, e);
}

static sj_rc
unit_delete(http_req *r, int64_t id, sj_err *e)
{
	return org_unit_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
unit_json(const void *rec)
{
	return jorg_unit(rec);
}

static const api_kind unit_kind = {
	"unit", "/api/v1/units", sizeof(org_unit), NULL, unit_fields, unit_fields, unit_nullable,
	unit_add, unit_get, unit_update, unit_delete, unit_json,
};

static sj_rc
get_units(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "kind", "region_id", "group_id", "q", NULL };
	org_unit_filter f = {0};
	org_page page;
	sj_rc rc;

	if ((rc = api_range_read(r, allowed, &f.range, e)) != SJ_OK ||
	    (rc = http_query_int(r, "region_id", 0, 1, INT64_MAX, &f.region_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "group_id", 0, 1, INT64_MAX, &f.group_id, e)) != SJ_OK)
		return rc;
	f.kind = http_query(r, "kind");
	f.q = http_query(r, "q");
	if ((rc = org_unit_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	return api_page_reply(r, api_page_items(&page, &unit_kind), &page);
}

static sj_rc
post_unit(http_req *r, sj_err *e)
{
	return api_post_record(r, &unit_kind, e);
}

static sj_rc
get_unit(http_req *r, sj_err *e)
{
	return api_get_record(r, &unit_kind, e);
}

static sj_rc
patch_unit(http_req *r, sj_err *e)
{
	return api_patch_record(r, &unit_kind, e);
}

static sj_rc
delete_unit(http_req *r, sj_err *e)
{
	return api_delete_record(r, &unit_kind, e);
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
/* A place not given its stay lasts 2 h (org.h); the default is set here,
 * so that a default_stay_s of 0 in the body is a value out of the range
 * the API states (60..86400, api/openapi.json), refused, and not the
 * domain's "0 means 7200". */
static const org_place place_defaults = { .records_exits = 1, .default_stay_s = 7200 };

/* Refuse a default_stay_s of 0 given in the body (see place_defaults). */
static sj_rc
place_stay_given(const void *rec, sj_err *e)
{
	if (((const org_place *)rec)->default_stay_s == 0)
		return sj_fail(e, SJ_EINVAL, "default_stay_s", "0 s is out of range 60..86400");
	return SJ_OK;
}

static sj_rc
place_add(http_req *r, const void *rec, int64_t *id, sj_err *e)
{
	sj_rc rc = place_stay_given(rec, e);

	return rc != SJ_OK ? rc : org_place_add(http_store(r), http_scope(r), rec, id, e);
}

static sj_rc
place_get(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return org_place_get(http_store(r), http_scope(r), http_arena(r), id, rec, e);
}

static sj_rc
place_update(http_req *r, int64_t id, const void *rec, sj_err *e)
{
	sj_rc rc = place_stay_given(rec, e);

	return rc != SJ_OK ? rc : org_place_update(http_store(r), http_scope(r), id, rec, e);
}

static sj_rc
place_delete(http_req *r, int64_t id, sj_err *e)
{
	return org_place_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
place_json(const void *rec)
{
	return jorg_place(rec);
}

/* unit_id is not in the PATCH table: a place never moves to another unit. */
static const api_kind place_kind = {
	"place", "/api/v1/places", sizeof(org_place), &place_defaults, place_fields,
	place_fields + 1, place_nullable, place_add, place_get, place_update, place_delete,
	place_json,
};

static sj_rc
get_unit_places(http_req *r, sj_err *e)
{
	return api_get_children(r, &place_kind, org_place_page, e);
}

static sj_rc
post_place(http_req *r, sj_err *e)
{
	return api_post_record(r, &place_kind, e);
}

static sj_rc
get_place(http_req *r, sj_err *e)
{
	return api_get_record(r, &place_kind, e);
}

static sj_rc
patch_place(http_req *r, sj_err *e)
{
	return api_patch_record(r, &place_kind, e);
}

static sj_rc
delete_place(http_req *r, sj_err *e)
{
	return api_delete_record(r, &place_kind, e);
}

/* ---- checkpoints -------------------------------------------------------- */

static const jb_field checkpoint_fields[] = {
	{ "place_id", JB_ID, true, offsetof(org_checkpoint, place_id), 0, 0 },
	{ "name", JB_STRING, true, offsetof(org_checkpoint, name), 0, 0 },
	{ "kind", JB_STRING, false, offsetof(org_checkpoint, kind), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const none_nullable[] = { NULL };

static sj_rc
checkpoint_add(http_req *r, const void *rec, int64_t *id, sj_err *e)
{
	return org_checkpoint_add(http_store(r), http_scope(r), rec, id, e);
}

static sj_rc
checkpoint_get(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return org_checkpoint_get(http_store(r), http_scope(r), http_arena(r), id, rec, e);
}

static sj_rc
checkpoint_update(http_req *r, int64_t id, const void *rec, sj_err *e)
{
	return org_checkpoint_update(http_store(r), http_scope(r), id, rec, e);
}

static sj_rc
checkpoint_delete(http_req *r, int64_t id, sj_err *e)
{
	return org_checkpoint_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
checkpoint_json(const void *rec)
{
	return jorg_checkpoint(rec);
}

/* place_id is not in the PATCH table: a checkpoint never moves. */
static const api_kind checkpoint_kind = {
	"checkpoint", "/api/v1/checkpoints", sizeof(org_checkpoint), NULL, checkpoint_fields,
	checkpoint_fields + 1, none_nullable, checkpoint_add, checkpoint_get, checkpoint_update,
	checkpoint_delete, checkpoint_json,
};

static sj_rc
get_place_checkpoints(http_req *r, sj_err *e)
{
	return api_get_children(r, &checkpoint_kind, org_checkpoint_page, e);
}

static sj_rc
post_checkpoint(http_req *r, sj_err *e)
{
	return api_post_record(r, &checkpoint_kind, e);
}

static sj_rc
get_checkpoint(http_req *r, sj_err *e)
{
	return api_get_record(r, &checkpoint_kind, e);
}

static sj_rc
patch_checkpoint(http_req *r, sj_err *e)
{
	return api_patch_record(r, &checkpoint_kind, e);
}

static sj_rc
delete_checkpoint(http_req *r, sj_err *e)
{
	return api_delete_record(r, &checkpoint_kind, e);
}

/* ---- households --------------------------------------------------------- */

static const jb_field household_fields[] = {
	{ "place_id", JB_ID, true, offsetof(org_household, place_id), 0, 0 },
	{ "building", JB_STRING, false, offsetof(org_household, building), 0, 0 },
	{ "entrance", JB_STRING, false, offsetof(org_household, entrance), 0, 0 },
	{ "room", JB_STRING, true, offsetof(org_household, room), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const household_nullable[] = { "building", "entrance", NULL };

static sj_rc
household_add(http_req *r, const void *rec, int64_t *id, sj_err *e)
{
	return org_household_add(http_store(r), http_scope(r), rec, id, e);
}

static sj_rc
household_get(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return org_household_get(http_store(r), http_scope(r), http_arena(r), id, rec, e);
}

static sj_rc
household_update(http_req *r, int64_t id, const void *rec, sj_err *e)
{
	return org_household_update(http_store(r), http_scope(r), id, rec, e);
}

static sj_rc
household_delete(http_req *r, int64_t id, sj_err *e)
{
	return org_household_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
household_json(const void *rec)
{
	return jorg_household(rec);
}

/* place_id is not in the PATCH table: a household never moves. */
static const api_kind household_kind = {
	"household", "/api/v1/households", sizeof(org_household), NULL, household_fields,
	household_fields + 1, household_nullable, household_add, household_get, household_update,
	household_delete, household_json,
};

static sj_rc
get_place_households(http_req *r, sj_err *e)
{
	return api_get_children(r, &household_kind, org_household_page, e);
}

static sj_rc
post_household(http_req *r, sj_err *e)
{
	return api_post_record(r, &household_kind, e);
}

static sj_rc
get_household(http_req *r, sj_err *e)
{
	return api_get_record(r, &household_kind, e);
}

static sj_rc
patch_household(http_req *r, sj_err *e)
{
	return api_patch_record(r, &household_kind, e);
}

static sj_rc
delete_household(http_req *r, sj_err *e)
{
	return api_delete_record(r, &household_kind, e);
}

/* ---- the route table ---------------------------------------------------- */

const http_route api_org_routes[] = {
	{ "GET", "/api/v1/regions", get_regions, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/regions", post_region, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/regions/{id}", get_region, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/regions/{id}", patch_region, PERM_ORG_ADMIN, BODY_MAX },
	{ "DELETE", "/api/v1/regions/{id}", delete_region, PERM_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/units", get_units, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/units", post_unit, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/units/{id}", get_unit, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/units/{id}", patch_unit, PERM_ORG_ADMIN, BODY_MAX },
	{ "DELETE", "/api/v1/units/{id}", delete_unit, PERM_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/units/{id}/places", get_unit_places, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/places", post_place, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/places/{id}", get_place, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/places/{id}", patch_place, PERM_ORG_WRITE, BODY_MAX },
	{ "DELETE", "/api/v1/places/{id}", delete_place, PERM_ORG_WRITE, 0 },
	{ "GET", "/api/v1/places/{id}/checkpoints", get_place_checkpoints, PERM_ORG_READ, 0 },
	{ "GET", "/api/v1/places/{id}/households", get_place_households, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/checkpoints", post_checkpoint, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/checkpoints/{id}", get_checkpoint, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/checkpoints/{id}", patch_checkpoint, PERM_ORG_WRITE, BODY_MAX },
	{ "DELETE", "/api/v1/checkpoints/{id}", delete_checkpoint, PERM_ORG_WRITE, 0 },
	{ "POST", "/api/v1/households", post_household, PERM_ORG_WRITE, BODY_MAX },
	{ "GET", "/api/v1/households/{id}", get_household, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/households/{id}", patch_household, PERM_ORG_WRITE, BODY_MAX },
	{ "DELETE", "/api/v1/households/{id}", delete_household, PERM_ORG_WRITE, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
