/*
 * api_people — people and work groups over HTTP under /api/v1
 * (domain/person.h, domain/group.h): people with their reveal, work
 * groups with their members and assigned units.
 *
 * Identity numbers and mobiles leave the server only masked, except
 * through POST /api/v1/people/{id}/reveal, which needs PERM_PERSON_REVEAL
 * and always writes the audit event "person.reveal" — in the same
 * transaction, before the clear values are sent, so that no reveal goes
 * unrecorded.  The audit event names the revealed fields, never their
 * values.  Scope, validation and encryption live in the domain modules;
 * the record handlers are those of api_org.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/person.h"
#include "http/api_org.h"
#include "json/jorg.h"

#define PERSON_BODY_MAX 8192  /* bytes */
#define GROUP_BODY_MAX 8192   /* bytes */

/* ---- people ------------------------------------------------------------- */

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
person_get_any(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return person_get(http_store(r), http_scope(r), http_arena(r), id, rec, e);
}

static sj_rc
person_delete_any(http_req *r, int64_t id, sj_err *e)
{
	return person_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
person_json(const void *rec)
{
	return jorg_person(rec);
}

/* Only what the generic GET and DELETE use: people are added and changed
 * through person_input, not the record. */
static const api_kind person_kind = {
	"person", "/api/v1/people", sizeof(person), NULL, NULL, NULL, NULL,
	NULL, person_get_any, NULL, person_delete_any, person_json,
};

static sj_rc
get_people(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "q", NULL };
	org_range range;
	org_page page;
	sj_rc rc;

	if ((rc = api_range_read(r, allowed, &range, e)) != SJ_OK ||
	    (rc = person_search(http_store(r), http_keys(r), http_scope(r), http_arena(r),
	    http_query(r, "q"), &range, &page, e)) != SJ_OK)
		return rc;
	return api_page_reply(r, api_page_items(&page, &person_kind), &page);
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
	return api_get_record(r, &person_kind, e);
}

static sj_rc
delete_person(http_req *r, sj_err *e)
{
	return api_delete_record(r, &person_kind, e);
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

/* Where a PATCH body puts the person: a unit given without a household
 * keeps the stored household, so that a unit the household is not in is
 * refused (field "unit_id") instead of silently kept or silently moving
 * the person out of their household; a household given alone brings its
 * unit.  A unit cleared (null) while the household stays is refused. */
static sj_rc
patch_home(const json_t *body, const person *p, person_input *in, sj_err *e)
{
	if (api_body_has(body, "household_id"))
		return SJ_OK;
	in->household_id = p->household_id;
	if (p->household_id > 0 && json_is_null(json_object_get(body, "unit_id")))
		return sj_fail(e, SJ_EINVAL, "unit_id", "the person lives in household %lld, which "
		    "is in a unit; give household_id null too", (long long)p->household_id);
	return SJ_OK;
}

/* Inside the PATCH transaction: read, change, read back. */
static sj_rc
person_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	const jb_field *fields = api_patch_fields(r, person_fields);
	const json_t *body = http_body(r);
	store *s = http_store(r);
	person_input in = {0};
	person p;
	sj_rc rc;

	if ((rc = person_get(s, http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	w->before = jorg_person(&p);
	if ((rc = patch_home(body, &p, &in, e)) != SJ_OK ||
	    (rc = jb_read(body, fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = api_patch_nulls(body, fields, &in, person_nullable, e)) != SJ_OK ||
	    (rc = person_update(s, http_keys(r), http_scope(r), id, &in, patch_selects(body),
	    today_ymd(), e)) != SJ_OK ||
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

	if ((rc = api_patch_begin(r, &w.id, e)) != SJ_OK)
		return rc;
	return api_patch_end(r, person_patch(r, w.id, &w, e), &w, e);
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

/* ---- work groups -------------------------------------------------------- */

/* A local date or null: jorg_date takes every negative day for "none",
 * which would drop 1969 and earlier, so the group's dates go through
 * here. */
static json_t *
date_json(sj_date d)
{
	char buf[DT_DATE_LEN];

	if (d == GROUP_DATE_NONE)
		return json_null();
	dt_date_format(d, buf);
	return json_string(buf);
}

static const jb_field group_fields[] = {
	{ "name", JB_STRING, true, offsetof(work_group, name), 0, 0 },
	{ "organ", JB_STRING, false, offsetof(work_group, organ), 0, 0 },
	{ "region_id", JB_ID, false, offsetof(work_group, region_id), 0, 0 },
	{ "set_up_on", JB_DATE, false, offsetof(work_group, set_up_on), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static const char *const group_nullable[] = { "organ", "region_id", "set_up_on", NULL };
static const work_group group_defaults = { .set_up_on = GROUP_DATE_NONE };

static sj_rc
group_add_any(http_req *r, const void *rec, int64_t *id, sj_err *e)
{
	return group_add(http_store(r), http_scope(r), rec, id, e);
}

static sj_rc
group_get_any(http_req *r, int64_t id, void *rec, sj_err *e)
{
	return group_get(http_store(r), http_scope(r), http_arena(r), id, rec, e);
}

static sj_rc
group_update_any(http_req *r, int64_t id, const void *rec, sj_err *e)
{
	return group_update(http_store(r), http_scope(r), id, rec, e);
}

static sj_rc
group_delete_any(http_req *r, int64_t id, sj_err *e)
{
	return group_delete(http_store(r), http_scope(r), id, e);
}

static json_t *
group_json(const void *rec)
{
	const work_group *g = rec;
	json_t *j = jorg_group(g);

	json_object_set_new(j, "set_up_on", date_json(g->set_up_on));
	return j;
}

static const api_kind group_kind = {
	"work_group", "/api/v1/groups", sizeof(work_group), &group_defaults, group_fields,
	group_fields, group_nullable, group_add_any, group_get_any, group_update_any,
	group_delete_any, group_json,
};

static sj_rc
get_groups(http_req *r, sj_err *e)
{
	org_range range;
	org_page page;
	sj_rc rc;

	if ((rc = api_range_read(r, NULL, &range, e)) != SJ_OK ||
	    (rc = group_page(http_store(r), http_scope(r), http_arena(r), &range, &page, e)) != SJ_OK)
		return rc;
	return api_page_reply(r, api_page_items(&page, &group_kind), &page);
}

static sj_rc
post_group(http_req *r, sj_err *e)
{
	return api_post_record(r, &group_kind, e);
}

static sj_rc
patch_group(http_req *r, sj_err *e)
{
	return api_patch_record(r, &group_kind, e);
}

static sj_rc
delete_group(http_req *r, sj_err *e)
{
	return api_delete_record(r, &group_kind, e);
}

/* ---- members and assignments -------------------------------------------- */

static json_t *
member_json(const void *rec)
{
	return jorg_member(rec);
}

static json_t *
assignment_json(const void *rec)
{
	const assignment *as = rec;
	json_t *j = jorg_assignment(as);

	json_object_set_new(j, "reported_on", date_json(as->reported_on));
	return j;
}

/* For the pages of members and assignments. */
static const api_kind member_kind = {
	.type = "member", .size = sizeof(member), .json = member_json,
};
static const api_kind assignment_kind = {
	.type = "assignment", .size = sizeof(assignment), .json = assignment_json,
};

/* The group's first ORG_LIST_MAX members and assignments added to g. */
static sj_rc
group_detail(http_req *r, int64_t id, json_t *g, sj_err *e)
{
	static const org_range first = { .limit = ORG_LIST_MAX };
	org_page members, assignments;
	sj_rc rc;

	if ((rc = group_member_page(http_store(r), http_scope(r), http_arena(r), id, &first,
	    &members, e)) != SJ_OK ||
	    (rc = group_assignment_page(http_store(r), http_scope(r), http_arena(r), id, &first,
	    &assignments, e)) != SJ_OK)
		return rc;
	json_object_set_new(g, "members", api_page_items(&members, &member_kind));
	json_object_set_new(g, "assignments", api_page_items(&assignments, &assignment_kind));
	return SJ_OK;
}

static sj_rc
get_group(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };
	work_group g;
	int64_t id;
	json_t *body;
	sj_rc rc;

	if ((rc = http_query_check(r, none, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = group_get(http_store(r), http_scope(r), http_arena(r), id, &g, e)) != SJ_OK)
		return rc;
	body = group_json(&g);
	if ((rc = group_detail(r, id, body, e)) != SJ_OK) {
		json_decref(body);
		return rc;
	}
	return http_reply_json(r, 200, body);
}

static sj_rc
get_group_members(http_req *r, sj_err *e)
{
	return api_get_children(r, &member_kind, group_member_page, e);
}

static sj_rc
get_group_assignments(http_req *r, sj_err *e)
{
	return api_get_children(r, &assignment_kind, group_assignment_page, e);
}

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

/* The group of the path, which must be one the caller may see, and the
 * transaction of a write under it. */
static sj_rc
group_write_begin(http_req *r, int64_t *group_id, sj_err *e)
{
	work_group g;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", group_id, e)) != SJ_OK ||
	    (rc = group_get(http_store(r), http_scope(r), http_arena(r), *group_id, &g, e)) != SJ_OK)
		return rc;
	return store_begin(http_store(r), e);
}

static sj_rc
post_group_member(http_req *r, sj_err *e)
{
	member in = {0};
	api_write w = { .action = "member.create", .object_type = "member", .status = 201 };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), member_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = group_write_begin(r, &in.group_id, e)) != SJ_OK)
		return rc;
	if ((rc = group_member_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = group_member_get(s, http_scope(r), http_arena(r), in.group_id, w.id, &in,
	    e)) == SJ_OK)
		w.after = jorg_member(&in);
	/* Members have no GET route of their own: Location names the group. */
	w.location = arena_printf(http_arena(r), "/api/v1/groups/%lld", (long long)in.group_id);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
post_group_assignment(http_req *r, sj_err *e)
{
	assignment in = { .reported_on = GROUP_DATE_NONE };
	api_write w = { .action = "assignment.create", .object_type = "assignment", .status = 201 };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = jb_read(http_body(r), assignment_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = group_write_begin(r, &in.group_id, e)) != SJ_OK)
		return rc;
	if ((rc = group_assign(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = group_assignment_get(s, http_scope(r), http_arena(r), in.group_id, in.unit_id,
	    &in, e)) == SJ_OK)
		w.after = assignment_json(&in);
	w.location = arena_printf(http_arena(r), "/api/v1/groups/%lld", (long long)in.group_id);
	return api_write_end(r, rc, &w, e);
}

/* A record under a group, as its DELETE reaches it. */
typedef struct group_child {
	const char *type;     /* audit object type and action prefix */
	const char *param;    /* the path capture of its id */
	size_t size;
	sj_rc (*get)(store *s, const scope *sc, arena *a, int64_t group_id, int64_t id,
	    void *out, sj_err *e);
	sj_rc (*del)(store *s, const scope *sc, int64_t group_id, int64_t id, sj_err *e);
	json_t *(*json)(const void *rec);
} group_child;

/* DELETE /groups/{id}/<children>/{param}: audited with the record before
 * under its own id (the first member of every record). */
static sj_rc
delete_group_child(http_req *r, const group_child *c, sj_err *e)
{
	static const char *const none[] = { NULL };
	api_write w = { .action = arena_printf(http_arena(r), "%s.delete", c->type),
	    .object_type = c->type, .status = 204 };
	void *rec = arena_zalloc(http_arena(r), c->size);
	int64_t group_id, child;
	sj_rc rc;

	if ((rc = http_query_check(r, none, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = http_param_id(r, c->param, &child, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = c->get(http_store(r), http_scope(r), http_arena(r), group_id, child, rec, e)) ==
	    SJ_OK) {
		memcpy(&w.id, rec, sizeof w.id);
		w.before = c->json(rec);
		rc = c->del(http_store(r), http_scope(r), group_id, child, e);
	}
	return api_write_end(r, rc, &w, e);
}

static sj_rc
member_get_any(store *s, const scope *sc, arena *a, int64_t group_id, int64_t id, void *out,
    sj_err *e)
{
	return group_member_get(s, sc, a, group_id, id, out, e);
}

static sj_rc
assignment_get_any(store *s, const scope *sc, arena *a, int64_t group_id, int64_t unit_id,
    void *out, sj_err *e)
{
	return group_assignment_get(s, sc, a, group_id, unit_id, out, e);
}

static sj_rc
delete_group_member(http_req *r, sj_err *e)
{
	static const group_child c = {
		"member", "member_id", sizeof(member), member_get_any, group_member_delete,
		member_json,
	};

	return delete_group_child(r, &c, e);
}

static sj_rc
delete_group_assignment(http_req *r, sj_err *e)
{
	static const group_child c = {
		"assignment", "unit_id", sizeof(assignment), assignment_get_any,
		group_assignment_delete, assignment_json,
	};

	return delete_group_child(r, &c, e);
}

/* ---- the route table ---------------------------------------------------- */

const http_route api_people_routes[] = {
	{ "GET", "/api/v1/people", get_people, PERM_PERSON_READ, 0 },
	{ "POST", "/api/v1/people", post_person, PERM_PERSON_WRITE, PERSON_BODY_MAX },
	{ "GET", "/api/v1/people/{id}", get_person, PERM_PERSON_READ, 0 },
	{ "PATCH", "/api/v1/people/{id}", patch_person, PERM_PERSON_WRITE, PERSON_BODY_MAX },
	{ "DELETE", "/api/v1/people/{id}", delete_person, PERM_PERSON_WRITE, 0 },
	{ "POST", "/api/v1/people/{id}/reveal", post_person_reveal, PERM_PERSON_REVEAL, 0 },
	{ "GET", "/api/v1/groups", get_groups, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/groups", post_group, PERM_ORG_ADMIN, GROUP_BODY_MAX },
	{ "GET", "/api/v1/groups/{id}", get_group, PERM_ORG_READ, 0 },
	{ "PATCH", "/api/v1/groups/{id}", patch_group, PERM_ORG_ADMIN, GROUP_BODY_MAX },
	{ "DELETE", "/api/v1/groups/{id}", delete_group, PERM_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/groups/{id}/members", get_group_members, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/groups/{id}/members", post_group_member, PERM_ORG_ADMIN,
	  GROUP_BODY_MAX },
	{ "DELETE", "/api/v1/groups/{id}/members/{member_id}", delete_group_member,
	  PERM_ORG_ADMIN, 0 },
	{ "GET", "/api/v1/groups/{id}/assignments", get_group_assignments, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/groups/{id}/assignments", post_group_assignment, PERM_ORG_ADMIN,
	  GROUP_BODY_MAX },
	{ "DELETE", "/api/v1/groups/{id}/assignments/{unit_id}", delete_group_assignment,
	  PERM_ORG_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
