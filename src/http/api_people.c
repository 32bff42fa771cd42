/*
 * api_people — people over HTTP under /api/v1 (domain/person.h).
 *
 * Identity numbers and mobiles leave the server only masked, except
 * through POST /api/v1/people/{id}/reveal, which needs PERM_PERSON_REVEAL
 * and always writes the audit event "person.reveal" — in the same
 * transaction, before the clear values are sent, so that no reveal goes
 * unrecorded.  The audit event names the revealed fields, never their
 * values.  Scope, validation and encryption live in domain/person.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/person.h"
#include "http/api.h"
#include "json/jorg.h"

#define PERSON_BODY_MAX 8192  /* bytes */

static const jb_field person_fields[] = {
	{ "name", JB_STRING, true, offsetof(person_input, name), 0, 0 },
	{ "id_number", JB_STRING, false, offsetof(person_input, id_number), 0, 0 },
	{ "mobile", JB_STRING, false, offsetof(person_input, mobile), 0, 0 },
	{ "household_id", JB_ID, false, offsetof(person_input, household_id), 0, 0 },
	{ "unit_id", JB_ID, false, offsetof(person_input, unit_id), 0, 0 },
	{ "tags", JB_STRINGS, false, offsetof(person_input, tags),
	  offsetof(person_input, n_tags), PERSON_TAGS_MAX },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const person_nullable[] = {
	"id_number", "mobile", "household_id", "unit_id", NULL,
};

/* Today's local date as YYYYMMDD, for the birth-date check of identity
 * numbers (a person cannot be born tomorrow). */
static int
today_ymd(void)
{
	int y, m, d;

	dt_date_to_ymd(dt_date_of(dt_now()), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

static sj_rc
get_people(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "q", "limit", NULL };
	person *p;
	size_t n;
	int64_t limit;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, ORG_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = person_find(http_store(r), http_keys(r), http_scope(r), http_arena(r),
	    http_query(r, "q"), (int)limit, &p, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jorg_person(&p[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
post_person(http_req *r, sj_err *e)
{
	person_input in = {0};
	api_write w = { .action = "person.create", .object_type = "person", .status = 201,
	    .collection = "/api/v1/people" };
	store *s = http_store(r);
	person p;
	sj_rc rc;

	if ((rc = jb_read(http_body(r), person_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = person_add(s, http_keys(r), http_scope(r), &in, today_ymd(), &w.id, e)) == SJ_OK &&
	    (rc = person_get(s, http_scope(r), http_arena(r), w.id, &p, e)) == SJ_OK)
		w.after = jorg_person(&p);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_person(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };
	person p;
	int64_t id;
	sj_rc rc;

	if ((rc = http_query_check(r, none, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = person_get(http_store(r), http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jorg_person(&p));
}

/* Which person_update fields (PERSON_*) a PATCH body gives. */
static unsigned
patch_selects(const json_t *body)
{
	unsigned fields = 0;

	if (api_body_has(body, "name"))
		fields |= PERSON_NAME;
	if (api_body_has(body, "id_number"))
		fields |= PERSON_ID_NUMBER;
	if (api_body_has(body, "mobile"))
		fields |= PERSON_MOBILE;
	if (api_body_has(body, "household_id") || api_body_has(body, "unit_id"))
		fields |= PERSON_UNIT;
	if (api_body_has(body, "tags"))
		fields |= PERSON_TAGS;
	return fields;
}

/* Inside the PATCH transaction: read, change, read back. */
static sj_rc
person_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	const jb_field *fields = api_patch_fields(r, person_fields);
	store *s = http_store(r);
	person_input in = {0};
	person p;
	sj_rc rc;

	if ((rc = person_get(s, http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	w->before = jorg_person(&p);
	if ((rc = jb_read(http_body(r), fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = api_patch_nulls(http_body(r), fields, &in, person_nullable, e)) != SJ_OK ||
	    (rc = person_update(s, http_keys(r), http_scope(r), id, &in,
	    patch_selects(http_body(r)), today_ymd(), e)) != SJ_OK ||
	    (rc = person_get(s, http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	w->after = jorg_person(&p);
	return SJ_OK;
}

static sj_rc
patch_person(http_req *r, sj_err *e)
{
	api_write w = { .action = "person.update", .object_type = "person", .status = 200 };
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return api_write_end(r, person_patch(r, w.id, &w, e), &w, e);
}

/* The audit detail of a reveal: which fields were shown, no values. */
static json_t *
reveal_detail(const char *id_number, const char *mobile)
{
	json_t *fields = json_array();

	if (id_number)
		json_array_append_new(fields, json_string("id_number"));
	if (mobile)
		json_array_append_new(fields, json_string("mobile"));
	return json_pack("{s:o}", "fields", fields);
}

static sj_rc
post_person_reveal(http_req *r, sj_err *e)
{
	store *s = http_store(r);
	const char *id_number, *mobile;
	int64_t id;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &id, e)) != SJ_OK || (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = person_reveal(s, http_keys(r), http_scope(r), http_arena(r), id, &id_number,
	    &mobile, e)) != SJ_OK ||
	    (rc = http_audit(r, "person.reveal", "person", id, NULL,
	    reveal_detail(id_number, mobile), e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id,
	    "id_number", jorg_str(id_number), "mobile", jorg_str(mobile)));
}

const http_route api_people_routes[] = {
	{ "GET", "/api/v1/people", get_people, PERM_PERSON_READ, 0 },
	{ "POST", "/api/v1/people", post_person, PERM_PERSON_WRITE, PERSON_BODY_MAX },
	{ "GET", "/api/v1/people/{id}", get_person, PERM_PERSON_READ, 0 },
	{ "PATCH", "/api/v1/people/{id}", patch_person, PERM_PERSON_WRITE, PERSON_BODY_MAX },
	{ "POST", "/api/v1/people/{id}/reveal", post_person_reveal, PERM_PERSON_REVEAL, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
