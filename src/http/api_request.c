/*
 * api_request — service requests over HTTP under /api/v1: services,
 * requests with their history, referrals and replies (the department
 * view), and the working-day calendar (Open311 is in open311.c).
 *
 * Thin: the rules, permissions beyond the route's and every scope test
 * live in domain/request.h and domain/calendar.h, which take the caller's
 * scope, so a request out of scope answers 404 exactly like a missing
 * one.  Every write runs in one transaction with its audit event
 * ("request.create", "request.update", "request.refer", "request.reply",
 * "service.create", "service.update", "calendar.load"); a refused write
 * leaves nothing behind.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "domain/auth.h"
#include "domain/calendar.h"
#include "domain/request.h"
#include "http/api.h"
#include "json/jerror.h"
#include "json/jorg.h"
#include "json/jrequest.h"

#define BODY_MAX (64 * 1024)          /* a request of 4,000 characters fits many times */
#define CALENDAR_BODY_MAX (256 * 1024)

/* ---- helpers ---------------------------------------------------------- */

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* A boolean query parameter: absent false, "true"/"false". */
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

/* The body without the members named in drop (a shallow copy the caller
 * decrefs), for jb_read of the plain fields when some are read by hand. */
static json_t *
body_without(const json_t *body, const char *const *drop)
{
	json_t *copy = json_copy((json_t *)body);

	for (; *drop; drop++)
		json_object_del(copy, *drop);
	return copy;
}

/* Close a write: audit (before/after stolen), commit, reply status with
 * body (stolen) and Location when given.  On any failure roll back. */
static sj_rc
write_end(http_req *r, sj_rc rc, const char *action, const char *object_type, int64_t id,
    json_t *before, json_t *after, int status, const char *location, json_t *body, sj_err *e)
{
	store *s = http_store(r);

	if (rc == SJ_OK)
		rc = http_audit(r, action, object_type, id, before, after, e);
	else {
		json_decref(before);
		json_decref(after);
	}
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc != SJ_OK) {
		json_decref(body);
		return rc;
	}
	if (location)
		http_reply_header(r, "Location", location);
	return http_reply_json(r, status, body);
}

/* The request as the reply of a write: the full record. */
static sj_rc
request_json(http_req *r, int64_t id, bool full, json_t **out, sj_err *e)
{
	service_request q;
	sj_rc rc;

	*out = NULL;
	if ((rc = request_get(http_store(r), http_scope(r), http_arena(r), id, &q, e)) != SJ_OK)
		return rc;
	*out = jrequest_request(&q, full);
	return SJ_OK;
}

/* ---- services --------------------------------------------------------- */

static sj_rc
get_services(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "all", NULL };
	service *list;
	json_t *items;
	bool all;
	size_t n;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_bool(r, "all", &all, e)) != SJ_OK ||
	    (rc = service_list(http_store(r), http_arena(r), all, &list, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jrequest_service(&list[i], false));
	return http_reply_page(r, items, NULL);
}

static sj_rc
get_service(http_req *r, sj_err *e)
{
	service sv;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = service_get(http_store(r), http_arena(r), http_param(r, "code"), &sv, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jrequest_service(&sv, true));
}

/* A service body as jb_read sees it (booleans are int there). */
typedef struct service_body {
	const char *code, *name, *name_en, *description, *group, *keywords;
	int64_t department_id, response_days, resolution_days;
	int active;
} service_body;

static const jb_field service_fields[] = {
	{ "code", JB_STRING, true, offsetof(service_body, code), 0, 0 },
	{ "name", JB_STRING, true, offsetof(service_body, name), 0, 0 },
	{ "name_en", JB_STRING, false, offsetof(service_body, name_en), 0, 0 },
	{ "description", JB_STRING, false, offsetof(service_body, description), 0, 0 },
	{ "group", JB_STRING, false, offsetof(service_body, group), 0, 0 },
	{ "keywords", JB_STRING, false, offsetof(service_body, keywords), 0, 0 },
	{ "department_id", JB_ID, false, offsetof(service_body, department_id), 0, 0 },
	{ "response_days", JB_INT, true, offsetof(service_body, response_days), 0, 0 },
	{ "resolution_days", JB_INT, true, offsetof(service_body, resolution_days), 0, 0 },
	{ "active", JB_BOOL, false, offsetof(service_body, active), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* One attribute's list values from JSON. */
static sj_rc
attr_values_read(http_req *r, const json_t *vals, service_attr *at, const char *field,
    sj_err *e)
{
	size_t i;
	json_t *v;

	if (vals == NULL || json_is_null(vals))
		return SJ_OK;
	if (!json_is_array(vals) || json_array_size(vals) > 100)
		return sj_fail(e, SJ_EINVAL, field, "values must be an array of at most 100 "
		    "{\"key\", \"name\"}");
	at->values = arena_zalloc(http_arena(r), (json_array_size(vals) + 1) * sizeof *at->values);
	json_array_foreach(vals, i, v) {
		const char *key = json_string_value(json_object_get(v, "key"));
		const char *name = json_string_value(json_object_get(v, "name"));
		if (!json_is_object(v) || key == NULL || name == NULL || json_object_size(v) != 2)
			return sj_fail(e, SJ_EINVAL, field, "each value is {\"key\": ..., \"name\": ...}");
		at->values[at->n_values++] = (service_value){ arena_strdup(http_arena(r), key),
		    arena_strdup(http_arena(r), name) };
	}
	return SJ_OK;
}

/* The "attributes" array of a service body into sv (checked by the
 * domain; here only the JSON shape). */
static sj_rc
attrs_read(http_req *r, const json_t *arr, service *sv, sj_err *e)
{
	static const char *const keys[] = { "code", "datatype", "required", "description",
	    "values", NULL };
	char field[64];
	size_t i;
	json_t *v;
	sj_rc rc;

	if (!json_is_array(arr) || json_array_size(arr) > REQUEST_ATTRS_MAX)
		return sj_fail(e, SJ_EINVAL, "attributes", "must be an array of at most %d objects",
		    REQUEST_ATTRS_MAX);
	sv->attrs = arena_zalloc(http_arena(r), (json_array_size(arr) + 1) * sizeof *sv->attrs);
	json_array_foreach(arr, i, v) {
		service_attr *at = &sv->attrs[sv->n_attrs++];
		const char *k;
		json_t *m;
		snprintf(field, sizeof field, "attributes[%zu]", i);
		if (!json_is_object(v))
			return sj_fail(e, SJ_EINVAL, field, "must be an object");
		json_object_foreach(v, k, m) {
			bool known = false;
			for (const char *const *p = keys; *p; p++)
				known |= strcmp(*p, k) == 0;
			if (!known)
				return sj_fail(e, SJ_EINVAL, field, "unknown field '%.40s'", k);
		}
		at->code = arena_strdup(http_arena(r), json_string_value(json_object_get(v, "code")));
		at->datatype = arena_strdup(http_arena(r),
		    json_string_value(json_object_get(v, "datatype")));
		at->description = arena_strdup(http_arena(r),
		    json_string_value(json_object_get(v, "description")));
		at->required = json_is_true(json_object_get(v, "required"));
		at->order = (int)i + 1;
		if ((rc = attr_values_read(r, json_object_get(v, "values"), at, field, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* Read a service body (all fields required as fields says) into sv and
 * the mask of the fields given into *mask. */
static sj_rc
service_body_read(http_req *r, const jb_field *fields, service *sv, unsigned *mask, sj_err *e)
{
	static const char *const drop[] = { "attributes", NULL };
	static const struct { const char *name; unsigned bit; } bits[] = {
		{ "name", SERVICE_NAME }, { "name_en", SERVICE_NAME_EN },
		{ "description", SERVICE_DESCRIPTION }, { "group", SERVICE_GROUP },
		{ "keywords", SERVICE_KEYWORDS }, { "department_id", SERVICE_DEPARTMENT },
		{ "response_days", SERVICE_RESPONSE }, { "resolution_days", SERVICE_RESOLUTION },
		{ "active", SERVICE_ACTIVE }, { "attributes", SERVICE_ATTRS },
	};
	service_body b = { .active = 1 };
	json_t *plain, *body = http_body(r);
	sj_rc rc;

	plain = body_without(body, drop);
	rc = jb_read(plain, fields, &b, http_arena(r), e);
	json_decref(plain);
	if (rc != SJ_OK)
		return rc;
	if (b.response_days < 0 || b.response_days > SERVICE_DAYS_MAX ||
	    b.resolution_days < 0 || b.resolution_days > SERVICE_DAYS_MAX)
		return sj_fail(e, SJ_EINVAL, b.response_days < 0 || b.response_days >
		    SERVICE_DAYS_MAX ? "response_days" : "resolution_days", "must be 0 to %d working "
		    "days", SERVICE_DAYS_MAX);
	*sv = (service){ .code = b.code, .name = b.name, .name_en = b.name_en,
	    .description = b.description, .group_name = b.group, .keywords = b.keywords,
	    .department_id = b.department_id, .response_days = (int)b.response_days,
	    .resolution_days = (int)b.resolution_days, .active = b.active != 0 };
	*mask = 0;
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (api_body_has(body, bits[i].name))
			*mask |= bits[i].bit;
	if (*mask & SERVICE_ATTRS)
		return attrs_read(r, json_object_get(body, "attributes"), sv, e);
	return SJ_OK;
}

static sj_rc
service_reply_json(http_req *r, const char *code, json_t **out, sj_err *e)
{
	service sv;
	sj_rc rc;

	*out = NULL;
	if ((rc = service_get(http_store(r), http_arena(r), code, &sv, e)) == SJ_OK)
		*out = jrequest_service(&sv, true);
	return rc;
}

static sj_rc
post_service(http_req *r, sj_err *e)
{
	store *s = http_store(r);
	json_t *after = NULL;
	unsigned mask;
	service sv;
	int64_t id = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = service_body_read(r, service_fields, &sv, &mask, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = service_add(s, http_scope(r), &sv, &id, e)) == SJ_OK)
		rc = service_reply_json(r, sv.code, &after, e);
	return write_end(r, rc, "service.create", "service", id, NULL, json_incref(after), 201,
	    arena_printf(http_arena(r), "/api/v1/services/%s", sv.code), after, e);
}

static sj_rc
patch_service(http_req *r, sj_err *e)
{
	const jb_field *fields = api_patch_fields(r, service_fields);
	const char *code = http_param(r, "code");
	json_t *before = NULL, *after = NULL;
	store *s = http_store(r);
	service sv, cur;
	unsigned mask;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	if (api_body_has(http_body(r), "code"))
		return sj_fail(e, SJ_EINVAL, "code", "a service's code never changes");
	if ((rc = service_get(s, http_arena(r), code, &cur, e)) != SJ_OK)
		return rc;
	/* Unset numbers keep their stored values through the checks. */
	if ((rc = service_body_read(r, fields, &sv, &mask, e)) != SJ_OK)
		return rc;
	if (!(mask & SERVICE_RESPONSE))
		sv.response_days = cur.response_days;
	if (!(mask & SERVICE_RESOLUTION))
		sv.resolution_days = cur.resolution_days;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = service_reply_json(r, code, &before, e)) == SJ_OK &&
	    (rc = service_update(s, http_scope(r), code, &sv, mask, e)) == SJ_OK)
		rc = service_reply_json(r, code, &after, e);
	return write_end(r, rc, "service.update", "service", cur.id, before, json_incref(after),
	    200, NULL, after, e);
}

/* ---- requests --------------------------------------------------------- */

typedef struct request_body {
	const char *service_code, *reporter_name, *description, *address, *priority, *origin;
	const char *task_line;
	int64_t unit_id, person_id, place_id, reported_at;
} request_body;

static const jb_field request_fields[] = {
	{ "service_code", JB_STRING, true, offsetof(request_body, service_code), 0, 0 },
	{ "description", JB_TEXT, true, offsetof(request_body, description), 0, 0 },
	{ "unit_id", JB_ID, false, offsetof(request_body, unit_id), 0, 0 },
	{ "person_id", JB_ID, false, offsetof(request_body, person_id), 0, 0 },
	{ "place_id", JB_ID, false, offsetof(request_body, place_id), 0, 0 },
	{ "reporter_name", JB_STRING, false, offsetof(request_body, reporter_name), 0, 0 },
	{ "address", JB_STRING, false, offsetof(request_body, address), 0, 0 },
	{ "reported_at", JB_INSTANT, false, offsetof(request_body, reported_at), 0, 0 },
	{ "priority", JB_STRING, false, offsetof(request_body, priority), 0, 0 },
	{ "origin", JB_STRING, false, offsetof(request_body, origin), 0, 0 },
	{ "task_line", JB_STRING, false, offsetof(request_body, task_line), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* "attributes": {"code": "value", ...} (numbers are taken as their text). */
static sj_rc
request_attrs_read(http_req *r, const json_t *obj, request_input *in, sj_err *e)
{
	request_attr *attrs;
	const char *k;
	json_t *v;

	if (obj == NULL || json_is_null(obj))
		return SJ_OK;
	if (!json_is_object(obj) || json_object_size(obj) > REQUEST_ATTRS_MAX)
		return sj_fail(e, SJ_EINVAL, "attributes", "must be an object of at most %d "
		    "\"code\": \"value\" members", REQUEST_ATTRS_MAX);
	attrs = arena_zalloc(http_arena(r), (json_object_size(obj) + 1) * sizeof *attrs);
	json_object_foreach((json_t *)obj, k, v) {
		const char *val = json_is_string(v) ? json_string_value(v) :
		    json_is_integer(v) ? arena_printf(http_arena(r), "%lld",
		    (long long)json_integer_value(v)) : NULL;
		if (val == NULL)
			return sj_fail(e, SJ_EINVAL, arena_printf(http_arena(r), "attribute[%.40s]", k),
			    "must be a string or an integer");
		attrs[in->n_attrs++] = (request_attr){ arena_strdup(http_arena(r), k),
		    arena_strdup(http_arena(r), val) };
	}
	in->attrs = attrs;
	return SJ_OK;
}

/* "location": {"lat": 36.2, "long": 117.1} */
static sj_rc
location_read(const json_t *loc, request_input *in, sj_err *e)
{
	json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "long");

	if (loc == NULL || json_is_null(loc))
		return SJ_OK;
	if (!json_is_object(loc) || !json_is_number(lat) || !json_is_number(lon) ||
	    json_object_size(loc) != 2)
		return sj_fail(e, SJ_EINVAL, "location", "must be {\"lat\": number, \"long\": number}");
	in->has_location = true;
	in->lat_e6 = (int64_t)(json_number_value(lat) * 1e6 + (json_number_value(lat) < 0 ? -0.5 : 0.5));
	in->lon_e6 = (int64_t)(json_number_value(lon) * 1e6 + (json_number_value(lon) < 0 ? -0.5 : 0.5));
	return SJ_OK;
}

static sj_rc
request_body_read(http_req *r, request_input *in, sj_err *e)
{
	static const char *const drop[] = { "attributes", "location", NULL };
	json_t *plain, *body = http_body(r);
	request_body b = {0};
	sj_rc rc;

	plain = body_without(body, drop);
	rc = jb_read(plain, request_fields, &b, http_arena(r), e);
	json_decref(plain);
	if (rc != SJ_OK)
		return rc;
	*in = (request_input){ .service_code = b.service_code, .unit_id = b.unit_id,
	    .person_id = b.person_id, .place_id = b.place_id, .reporter_name = b.reporter_name,
	    .description = b.description, .address = b.address, .reported_at = b.reported_at,
	    .priority = b.priority, .origin = b.origin, .source = "api",
	    .task_line = b.task_line };
	if ((rc = location_read(json_object_get(body, "location"), in, e)) != SJ_OK)
		return rc;
	return request_attrs_read(r, json_object_get(body, "attributes"), in, e);
}

static sj_rc
post_request(http_req *r, sj_err *e)
{
	store *s = http_store(r);
	json_t *after = NULL;
	request_input in;
	int64_t id = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = request_body_read(r, &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = request_create(s, http_scope(r), &in, &id, e)) == SJ_OK)
		rc = request_json(r, id, true, &after, e);
	return write_end(r, rc, "request.create", "service_request", id, NULL,
	    rc == SJ_OK ? jrequest_request_summary(after) : NULL, 201,
	    arena_printf(http_arena(r), "/api/v1/requests/%lld", (long long)id), after, e);
}

/* The list filter from the query. */
static sj_rc
request_filter_read(http_req *r, request_filter *f, sj_err *e)
{
	static const char *const allowed[] = { "service_code", "status", "open", "unit_id",
	    "department_id", "overdue", "reported_from", "reported_to", "resolved_from",
	    "resolved_to", "task_line", "limit", "cursor", NULL };
	const char *status = http_query(r, "status"), *from = http_query(r, "reported_from"),
	    *to = http_query(r, "reported_to"), *rfrom = http_query(r, "resolved_from"),
	    *rto = http_query(r, "resolved_to");
	const void *key;
	size_t key_n;
	int64_t limit;
	bool open;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f->unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "department_id", 0, 1, INT64_MAX, &f->department_id, e))
	    != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, REQUEST_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = query_bool(r, "overdue", &f->overdue, e)) != SJ_OK ||
	    (rc = query_bool(r, "open", &open, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f->after_id, e)) != SJ_OK)
		return rc;
	f->limit = (int)limit;
	f->open = open ? 1 : 0;
	f->service_code = http_query(r, "service_code");
	f->task_line = http_query(r, "task_line");
	if (status && (f->status = request_status_parse(status)) == RS_NONE)
		return sj_fail(e, SJ_EINVAL, "status", "'%.40s' is not a status", status);
	if (from && (rc = dt_parse_rfc3339(from, "reported_from", &f->reported_from, e)) != SJ_OK)
		return rc;
	if (to && (rc = dt_parse_rfc3339(to, "reported_to", &f->reported_to, e)) != SJ_OK)
		return rc;
	f->has_from = from != NULL;
	f->has_to = to != NULL;
	/* resolved in [resolved_from, resolved_to): both or neither */
	if ((rfrom != NULL) != (rto != NULL))
		return sj_fail(e, SJ_EINVAL, rfrom ? "resolved_to" : "resolved_from",
		    "give resolved_from and resolved_to together");
	if (rfrom && ((rc = dt_parse_rfc3339(rfrom, "resolved_from", &f->resolved_from, e)) != SJ_OK ||
	    (rc = dt_parse_rfc3339(rto, "resolved_to", &f->resolved_to, e)) != SJ_OK))
		return rc;
	f->has_resolved = rfrom != NULL;
	return SJ_OK;
}

static sj_rc
get_requests(http_req *r, sj_err *e)
{
	request_filter f = {0};
	request_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = request_filter_read(r, &f, e)) != SJ_OK ||
	    (rc = request_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_requests; i++)
		json_array_append_new(items, jrequest_request(&page.requests[i], false));
	return http_reply_page(r, items, page.has_more ?
	    http_cursor_encode(r, NULL, 0, page.next_after_id) : NULL);
}

static sj_rc
get_request(http_req *r, sj_err *e)
{
	json_t *j;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = request_json(r, id, true, &j, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, j);
}

/* The end of the writes on one request: read it back, audit before/after
 * summaries, reply 201 with the full request and Location. */
static sj_rc
request_write_end(http_req *r, sj_rc rc, const char *action, int64_t id, json_t *before,
    json_t *extra, sj_err *e)
{
	json_t *after = NULL, *audit_after = NULL;

	if (rc == SJ_OK && (rc = request_json(r, id, true, &after, e)) == SJ_OK) {
		audit_after = jrequest_request_summary(after);
		if (extra)
			json_object_update(audit_after, extra);
	}
	if (after && extra)
		json_object_update(after, extra);
	json_decref(extra);
	return write_end(r, rc, action, "service_request", id, before, audit_after, 201,
	    arena_printf(http_arena(r), "/api/v1/requests/%lld", (long long)id), after, e);
}

typedef struct change_body {
	const char *status, *comment;
	int64_t at, duplicate_of;
} change_body;

static const jb_field change_fields[] = {
	{ "status", JB_STRING, false, offsetof(change_body, status), 0, 0 },
	{ "comment", JB_TEXT, false, offsetof(change_body, comment), 0, 0 },
	{ "at", JB_INSTANT, false, offsetof(change_body, at), 0, 0 },
	{ "duplicate_of", JB_ID, false, offsetof(change_body, duplicate_of), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* Open the write on request id: its summary before, in the transaction. */
static sj_rc
request_write_begin(http_req *r, int64_t id, json_t **before, sj_err *e)
{
	sj_rc rc;

	*before = NULL;
	if ((rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = request_json(r, id, false, before, e)) != SJ_OK)
		store_rollback(http_store(r));
	return rc;
}

static sj_rc
post_request_update(http_req *r, sj_err *e)
{
	change_body b = {0};
	request_change c;
	json_t *before;
	int64_t id, uid = 0;
	bool applied = false;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), change_fields, &b, http_arena(r), e)) != SJ_OK)
		return rc;
	c = (request_change){ .comment = b.comment, .at = b.at, .duplicate_of = b.duplicate_of };
	if (b.status && (c.to = request_status_parse(b.status)) == RS_NONE)
		return sj_fail(e, SJ_EINVAL, "status", "'%.40s' is not a status", b.status);
	if ((rc = request_write_begin(r, id, &before, e)) != SJ_OK)
		return rc;
	rc = request_change_status(http_store(r), http_scope(r), id, &c, &uid, &applied, e);
	return request_write_end(r, rc, "request.update", id, before,
	    json_pack("{s:I, s:b}", "update_id", (json_int_t)uid, "applied", applied), e);
}

typedef struct refer_body {
	int64_t department_id, due_days, at;
	const char *comment;
} refer_body;

static const jb_field refer_fields[] = {
	{ "department_id", JB_ID, true, offsetof(refer_body, department_id), 0, 0 },
	{ "due_days", JB_INT, false, offsetof(refer_body, due_days), 0, 0 },
	{ "at", JB_INSTANT, false, offsetof(refer_body, at), 0, 0 },
	{ "comment", JB_TEXT, false, offsetof(refer_body, comment), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_referral(http_req *r, sj_err *e)
{
	refer_body b = {0};
	referral_input in;
	json_t *before;
	int64_t id, rid = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), refer_fields, &b, http_arena(r), e)) != SJ_OK)
		return rc;
	if (b.due_days < 0 || b.due_days > SERVICE_DAYS_MAX || (api_body_has(http_body(r),
	    "due_days") && b.due_days == 0))
		return sj_fail(e, SJ_EINVAL, "due_days", "must be 1 to %d working days",
		    SERVICE_DAYS_MAX);
	in = (referral_input){ .department_id = b.department_id, .due_days = (int)b.due_days,
	    .at = b.at, .comment = b.comment };
	if ((rc = request_write_begin(r, id, &before, e)) != SJ_OK)
		return rc;
	rc = request_refer(http_store(r), http_scope(r), id, &in, &rid, e);
	return request_write_end(r, rc, "request.refer", id, before,
	    json_pack("{s:I}", "referral_id", (json_int_t)rid), e);
}

typedef struct reply_body {
	int64_t department_id, at;
	const char *text, *outcome;
} reply_body;

static const jb_field reply_fields[] = {
	{ "department_id", JB_ID, false, offsetof(reply_body, department_id), 0, 0 },
	{ "text", JB_TEXT, true, offsetof(reply_body, text), 0, 0 },
	{ "outcome", JB_STRING, false, offsetof(reply_body, outcome), 0, 0 },
	{ "at", JB_INSTANT, false, offsetof(reply_body, at), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_reply(http_req *r, sj_err *e)
{
	reply_body b = {0};
	reply_input in;
	json_t *before;
	int64_t id, uid = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), reply_fields, &b, http_arena(r), e)) != SJ_OK)
		return rc;
	in = (reply_input){ .department_id = b.department_id, .text = b.text,
	    .outcome = b.outcome, .at = b.at };
	if ((rc = request_write_begin(r, id, &before, e)) != SJ_OK)
		return rc;
	rc = request_reply(http_store(r), http_scope(r), id, &in, &uid, e);
	return request_write_end(r, rc, "request.reply", id, before,
	    json_pack("{s:I}", "update_id", (json_int_t)uid), e);
}

/* The department view: referrals in scope (a liaison's own). */
static sj_rc
get_referrals(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "department_id", "pending", "overdue", NULL };
	service_request *reqs;
	referral *refs;
	int64_t dep;
	bool pending, overdue;
	json_t *items;
	size_t n;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "department_id", 0, 1, INT64_MAX, &dep, e)) != SJ_OK ||
	    (rc = query_bool(r, "pending", &pending, e)) != SJ_OK ||
	    (rc = query_bool(r, "overdue", &overdue, e)) != SJ_OK ||
	    (rc = referral_list(http_store(r), http_scope(r), http_arena(r), dep, pending, overdue,
	    &refs, &reqs, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jrequest_referral_row(&refs[i], &reqs[i]));
	return http_reply_page(r, items, NULL);
}

/* ---- calendar --------------------------------------------------------- */

static sj_rc
get_calendar(http_req *r, sj_err *e)
{
	calendar_year *years;
	json_t *items;
	size_t n;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = calendar_year_list(http_store(r), http_arena(r), &years, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jrequest_calendar_year(&years[i], false));
	return http_reply_page(r, items, NULL);
}

/* The {year} of the path: 1900..2200, else 404 (names no calendar). */
static sj_rc
param_year(http_req *r, int *year, sj_err *e)
{
	int64_t v;
	sj_rc rc;

	if ((rc = http_param_id(r, "year", &v, e)) != SJ_OK || v < 1900 || v > 2200)
		return sj_fail(e, SJ_ENOTFOUND, "year", "'%s' is not a year in 1900..2200",
		    http_param(r, "year"));
	*year = (int)v;
	return SJ_OK;
}

static sj_rc
get_calendar_year(http_req *r, sj_err *e)
{
	calendar_year y;
	int year;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = param_year(r, &year, e)) != SJ_OK ||
	    (rc = calendar_year_get(http_store(r), http_arena(r), year, &y, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jrequest_calendar_year(&y, true));
}

/* Day i of the JSON form into *d: an object of "date" (string, required),
 * "working" (boolean, required) and "name" (string, optional; "" when
 * absent), nothing else.  Errors: SJ_EINVAL naming "days[i]" (not an
 * object) or "days[i].KEY" (wrong type, missing, unknown key). */
static sj_rc
calendar_json_day(http_req *r, json_t *d, size_t i, calendar_day *day, sj_err *e)
{
	char field[64];
	json_t *date = json_object_get(d, "date"), *w = json_object_get(d, "working"),
	    *name = json_object_get(d, "name"), *v;
	const char *k;

	snprintf(field, sizeof field, "days[%zu]", i);
	if (!json_is_object(d))
		return sj_fail(e, SJ_EINVAL, field, "each day is {\"date\": \"YYYY-MM-DD\", "
		    "\"working\": true|false, \"name\": \"...\"}");
	json_object_foreach(d, k, v)
		if (strcmp(k, "date") != 0 && strcmp(k, "working") != 0 && strcmp(k, "name") != 0) {
			snprintf(field, sizeof field, "days[%zu].%.24s", i, k);
			return sj_fail(e, SJ_EINVAL, field, "unknown field");
		}
	snprintf(field, sizeof field, "days[%zu].date", i);
	if (!json_is_string(date))
		return sj_fail(e, SJ_EINVAL, field, "must be a date YYYY-MM-DD");
	sj_rc rc = dt_date_parse(json_string_value(date), field, &day->day, e);
	if (rc != SJ_OK)
		return rc;
	snprintf(field, sizeof field, "days[%zu].working", i);
	if (!json_is_boolean(w))
		return sj_fail(e, SJ_EINVAL, field, "must be true or false");
	snprintf(field, sizeof field, "days[%zu].name", i);
	if (name != NULL && !json_is_string(name))
		return sj_fail(e, SJ_EINVAL, field, "must be a string");
	day->working = json_is_true(w);
	day->name = arena_strdup(http_arena(r), name ? json_string_value(name) : "");
	return SJ_OK;
}

/* {"source": "...", "days": [{"date", "working", "name"}]} into y; every
 * type and key checked (calendar_json_day).  Errors: SJ_EINVAL naming
 * "body", "source", "days", an unknown top-level key or "days[i]...". */
static sj_rc
calendar_json_read(http_req *r, const char *text, size_t n, calendar_year *y, sj_err *e)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr), *days, *src, *d;
	const char *k;
	json_t *v;
	size_t i;
	sj_rc rc = SJ_OK;

	if (doc == NULL || !json_is_object(doc))
		rc = sj_fail(e, SJ_EINVAL, "body", "malformed JSON: %s", doc ? "not an object" :
		    jerror_text(&jerr));
	else
		json_object_foreach(doc, k, v)
			if (strcmp(k, "source") != 0 && strcmp(k, "days") != 0) {
				rc = sj_fail(e, SJ_EINVAL, k, "unknown field");
				break;
			}
	days = json_object_get(doc, "days");
	src = json_object_get(doc, "source");
	if (rc == SJ_OK && src != NULL && !json_is_string(src))
		rc = sj_fail(e, SJ_EINVAL, "source", "must be a string");
	if (rc == SJ_OK && (!json_is_array(days) || json_array_size(days) > CALENDAR_DAYS_MAX))
		rc = sj_fail(e, SJ_EINVAL, "days", "must be an array of at most %d days",
		    CALENDAR_DAYS_MAX);
	if (rc == SJ_OK) {
		y->source = arena_strdup(http_arena(r), src ? json_string_value(src) : "");
		y->days = arena_zalloc(http_arena(r), (json_array_size(days) + 1) * sizeof *y->days);
	}
	if (rc == SJ_OK)
		json_array_foreach(days, i, d) {
			if ((rc = calendar_json_day(r, d, i, &y->days[i], e)) != SJ_OK)
				break;
			y->n_days++;
		}
	json_decref(doc);
	return rc;
}

/* A text/plain body in the format of docs/calendar.md, parsed into *ld
 * (errors of calendar_parse, "line N" counted in the whole body); any
 * other Content-Type is refused naming "Content-Type". */
static sj_rc
calendar_text_read(http_req *r, calendar_load *ld, sj_err *e)
{
	const char *type = http_header(r, "Content-Type");
	size_t n;
	const char *text = http_body_raw(r, &n);

	memset(ld, 0, sizeof *ld);
	if (type == NULL || strncasecmp(type, "text/plain", 10) != 0)
		return sj_fail(e, SJ_EINVAL, "Content-Type", "send text/plain "
		    "(the format of docs/calendar.md)");
	return calendar_parse(text ? text : "", n, http_arena(r), ld, e);
}

/* The body of PUT /calendar/{year}: JSON, or the text format of
 * docs/calendar.md holding exactly that year. */
static sj_rc
calendar_body_read(http_req *r, int year, calendar_load *ld, sj_err *e)
{
	const char *type = http_header(r, "Content-Type");
	size_t n;
	const char *text = http_body_raw(r, &n);
	sj_rc rc;

	memset(ld, 0, sizeof *ld);
	if (type && strncasecmp(type, "text/plain", 10) == 0) {
		if ((rc = calendar_text_read(r, ld, e)) != SJ_OK)
			return rc;
		if (ld->n_years != 1 || ld->years[0].year != year)
			return sj_fail(e, SJ_EINVAL, "body", "the text must hold year %d only", year);
		return SJ_OK;
	}
	if (type == NULL || strncasecmp(type, "application/json", 16) != 0)
		return sj_fail(e, SJ_EINVAL, "Content-Type", "send application/json or text/plain "
		    "(the format of docs/calendar.md)");
	ld->n_years = 1;
	ld->years[0] = (calendar_year){ .year = year };
	return calendar_json_read(r, text ? text : "", n, &ld->years[0], e);
}

/* Store every year of ld in the open transaction, audit each year
 * ("calendar.load", {year, days, due_dates_changed}), commit, and reply
 * 200 with body_one (when only_year ≠ 0: that year's record) or
 * {"years": [records], "due_dates_changed": N}.  Rolls back on any error. */
static sj_rc
calendar_load_end(http_req *r, calendar_load *ld, int only_year, sj_err *e)
{
	store *s = http_store(r);
	json_t *years = json_array(), *body = NULL;
	int64_t changed = 0;
	sj_rc rc = calendar_store(s, http_scope(r), ld, &changed, e);

	for (size_t i = 0; i < ld->n_years && rc == SJ_OK; i++) {
		calendar_year y;
		int year = ld->years[i].year;
		if ((rc = calendar_year_get(s, http_arena(r), year, &y, e)) != SJ_OK)
			break;
		json_array_append_new(years, jrequest_calendar_year(&y, true));
		rc = http_audit(r, "calendar.load", "calendar_year", year, NULL,
		    json_pack("{s:i, s:I, s:I}", "year", year, "days", (json_int_t)y.n_days,
		    "due_dates_changed", (json_int_t)changed), e);
	}
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc != SJ_OK) {
		json_decref(years);
		return rc;
	}
	if (only_year) {
		body = json_incref(json_array_get(years, 0));
		json_object_set_new(body, "due_dates_changed", json_integer(changed));
	} else
		body = json_pack("{s:o, s:I}", "years", json_incref(years), "due_dates_changed",
		    (json_int_t)changed);
	json_decref(years);
	return http_reply_json(r, 200, body);
}

static sj_rc
put_calendar_year(http_req *r, sj_err *e)
{
	calendar_load ld;
	int year;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = param_year(r, &year, e)) != SJ_OK ||
	    (rc = calendar_body_read(r, year, &ld, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return calendar_load_end(r, &ld, year, e);
}

/* PUT /api/v1/calendar: a whole calendar file (text/plain, every year it
 * holds) checked and stored in one transaction — all or nothing; errors
 * name the file's "line N". */
static sj_rc
put_calendar(http_req *r, sj_err *e)
{
	calendar_load ld;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = calendar_text_read(r, &ld, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return calendar_load_end(r, &ld, 0, e);
}

/* GET /api/v1/due-date?received=T&days=N: what calendar_due gives. */
static sj_rc
get_due_date(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "received", "days", NULL };
	const char *received = http_query(r, "received");
	char cutoff[8];
	sj_date receipt, due;
	calendar c;
	int64_t t, days;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "days", -1, 0, SERVICE_DAYS_MAX, &days, e)) != SJ_OK)
		return rc;
	if (received == NULL || days < 0)
		return sj_fail(e, SJ_EINVAL, received ? "days" : "received", "is required");
	if ((rc = dt_parse_rfc3339(received, "received", &t, e)) != SJ_OK ||
	    (rc = calendar_read(http_store(r), http_arena(r), &c, e)) != SJ_OK)
		return rc;
	due = calendar_due(&c, t, (int)days, &receipt);
	snprintf(cutoff, sizeof cutoff, "%02d:%02d", calendar_cutoff() / 3600 % 100,
	    calendar_cutoff() / 60 % 60);
	return http_reply_json(r, 200, json_pack("{s:o, s:I, s:s, s:o, s:o}",
	    "received", jorg_instant(t), "days", (json_int_t)days, "cutoff", cutoff,
	    "receipt_day", jrequest_date(receipt), "due", jrequest_date(due)));
}

const http_route api_request_routes[] = {
	{ "GET", "/api/v1/services", get_services, HTTP_SIGNED_IN, 0 },
	{ "POST", "/api/v1/services", post_service, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/services/{code}", get_service, HTTP_SIGNED_IN, 0 },
	{ "PATCH", "/api/v1/services/{code}", patch_service, PERM_ORG_ADMIN, BODY_MAX },
	{ "GET", "/api/v1/requests", get_requests, PERM_REQUEST_READ, 0 },
	{ "POST", "/api/v1/requests", post_request, PERM_REQUEST_RAISE, BODY_MAX },
	{ "GET", "/api/v1/requests/{id}", get_request, PERM_REQUEST_READ, 0 },
	{ "POST", "/api/v1/requests/{id}/updates", post_request_update, PERM_REQUEST_READ,
	  BODY_MAX },
	{ "POST", "/api/v1/requests/{id}/referrals", post_referral, PERM_REQUEST_REFER, BODY_MAX },
	{ "POST", "/api/v1/requests/{id}/replies", post_reply, PERM_REQUEST_REPLY, BODY_MAX },
	{ "GET", "/api/v1/referrals", get_referrals, PERM_REQUEST_READ, 0 },
	{ "GET", "/api/v1/calendar", get_calendar, HTTP_SIGNED_IN, 0 },
	{ "PUT", "/api/v1/calendar", put_calendar, PERM_ORG_ADMIN,
	  HTTP_BODY_RAW | CALENDAR_BODY_MAX },
	{ "GET", "/api/v1/calendar/{year}", get_calendar_year, HTTP_SIGNED_IN, 0 },
	{ "PUT", "/api/v1/calendar/{year}", put_calendar_year, PERM_ORG_ADMIN,
	  HTTP_BODY_RAW | CALENDAR_BODY_MAX },
	{ "GET", "/api/v1/due-date", get_due_date, HTTP_SIGNED_IN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
