/*
 * api_visit — visits, needs, checklists, inspections and findings over
 * HTTP under /api/v1 (issue 8).
 *
 * Thin: rules and scope live in domain/visit.h and domain/inspection.h
 * (a record out of scope answers 404 like a missing one); bodies are read
 * by the JSON forms of json/jvisit.h, shared with the command line.  Every
 * write runs in one transaction with its audit event.  Notes about a
 * household (a household visit's summary and its needs' difficulty text)
 * are personal data under retention (visit.h): they are left out of the
 * audit event's detail, which is never purged.
 */
#include <stdint.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/inspection.h"
#include "domain/visit.h"
#include "http/api.h"
#include "json/jvisit.h"

#define BODY_MAX (512 * 1024)  /* bytes: a visit with 50 needs of 2,000 CJK characters */

/* ---- helpers ------------------------------------------------------------ */

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* The query parameter name as a local date, or none when absent. */
static sj_rc
query_date(http_req *r, const char *name, sj_date none, sj_date *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = none;
	return v ? dt_date_parse(v, name, out, e) : SJ_OK;
}

/* The query parameter name as true/false, or def when absent. */
static sj_rc
query_bool(http_req *r, const char *name, bool def, bool *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = def;
	if (v == NULL)
		return SJ_OK;
	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		*out = v[0] == 't';
		return SJ_OK;
	}
	return sj_fail(e, SJ_EINVAL, name, "must be true or false");
}

/* Finish a write like api_write_end, but with the household notes left
 * out of the audit detail: audit, commit, reply w->after in full. */
static sj_rc
visit_write_end(http_req *r, sj_rc rc, api_write *w, sj_err *e)
{
	store *s = http_store(r);
	json_t *body = w->after;

	if (rc == SJ_OK)
		rc = http_audit(r, w->action, w->object_type, w->id, jvisit_redact(w->before),
		    jvisit_redact(w->after), e);
	json_decref(w->before);
	if (rc != SJ_OK) {
		store_rollback(s);
		json_decref(body);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK) {
		json_decref(body);
		return rc;
	}
	if (w->status == 201)
		http_reply_header(r, "Location", w->location ? w->location :
		    arena_printf(http_arena(r), "%s/%lld", w->collection, (long long)w->id));
	return http_reply_json(r, w->status, body);
}

/* ---- visits --------------------------------------------------------------- */

static sj_rc
get_visits(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"unit_id", "household_id", "from", "to", "task_line", "limit", "cursor", NULL,
	};
	visit_filter f = { .from = VISIT_DATE_NONE, .to = VISIT_DATE_NONE };
	visit_page page;
	int64_t limit;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f.unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "household_id", 0, 1, INT64_MAX, &f.household_id, e)) != SJ_OK ||
	    (rc = query_date(r, "from", VISIT_DATE_NONE, &f.from, e)) != SJ_OK ||
	    (rc = query_date(r, "to", VISIT_DATE_NONE, &f.to, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, VISIT_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = api_cursor_date_decode(r, &f.after_on, &f.after_id, e)) != SJ_OK)
		return rc;
	f.limit = (int)limit;
	f.task_line = http_query(r, "task_line");
	if ((rc = visit_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_visits; i++)
		json_array_append_new(items, jvisit_visit(&page.visits[i]));
	return http_reply_page(r, items,
	    page.has_more ? api_cursor_date(r, page.next_on, page.next_id) : NULL);
}

static sj_rc
post_visit(http_req *r, sj_err *e)
{
	api_write w = { .action = "visit.create", .object_type = "visit", .status = 201,
	    .collection = "/api/v1/visits" };
	store *s = http_store(r);
	visit_input in;
	visit v;
	sj_rc rc;

	if ((rc = jvisit_read_visit(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = visit_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = visit_get(s, http_scope(r), http_arena(r), w.id, &v, e)) == SJ_OK)
		w.after = jvisit_visit(&v);
	return visit_write_end(r, rc, &w, e);
}

static sj_rc
get_visit(http_req *r, sj_err *e)
{
	int64_t id;
	visit v;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = visit_get(http_store(r), http_scope(r), http_arena(r), id, &v, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jvisit_visit(&v));
}

/* The stored visit as an input to change: visitors by id. */
static void
visit_as_input(http_req *r, const visit *v, visit_input *in)
{
	int64_t *ids = arena_alloc(http_arena(r), (v->n_visitors + 1) * sizeof *ids);

	memset(in, 0, sizeof *in);
	for (size_t i = 0; i < v->n_visitors; i++)
		ids[i] = v->visitors[i].member_id;
	in->visited_on = v->visited_on;
	in->purpose = v->purpose;
	in->summary = v->summary;
	in->task_line = v->task_line;
	in->visitor_ids = ids;
	in->n_visitor_ids = v->n_visitors;
}

static sj_rc
visit_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	store *s = http_store(r);
	visit_input in;
	visit v;
	sj_rc rc;

	if ((rc = visit_get(s, http_scope(r), http_arena(r), id, &v, e)) != SJ_OK)
		return rc;
	w->before = jvisit_visit(&v);
	visit_as_input(r, &v, &in);
	if ((rc = jvisit_read_visit_patch(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = visit_update(s, http_scope(r), id, &in, e)) != SJ_OK ||
	    (rc = visit_get(s, http_scope(r), http_arena(r), id, &v, e)) != SJ_OK)
		return rc;
	w->after = jvisit_visit(&v);
	return SJ_OK;
}

static sj_rc
patch_visit(http_req *r, sj_err *e)
{
	api_write w = { .action = "visit.update", .object_type = "visit", .status = 200 };
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return visit_write_end(r, visit_patch(r, w.id, &w, e), &w, e);
}

/* ---- needs ---------------------------------------------------------------- */

static sj_rc
post_visit_need(http_req *r, sj_err *e)
{
	api_write w = { .action = "need.create", .object_type = "need", .status = 201,
	    .collection = "/api/v1/needs" };
	store *s = http_store(r);
	need_input in;
	int64_t visit_id;
	need n;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &visit_id, e)) != SJ_OK ||
	    (rc = jvisit_read_need(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = need_add(s, http_scope(r), visit_id, &in, &w.id, e)) == SJ_OK &&
	    (rc = need_get(s, http_scope(r), http_arena(r), w.id, &n, e)) == SJ_OK)
		w.after = jvisit_need(&n);
	return visit_write_end(r, rc, &w, e);
}

static sj_rc
get_needs(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"unit_id", "category", "task_line", "open", "limit", "cursor", NULL,
	};
	need_filter f = {0};
	need_page page;
	const void *key;
	size_t key_n;
	int64_t limit;
	bool open;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f.unit_id, e)) != SJ_OK ||
	    (rc = query_bool(r, "open", false, &open, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, VISIT_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f.after_id, e)) != SJ_OK)
		return rc;
	f.category = http_query(r, "category");
	f.task_line = http_query(r, "task_line");
	f.open = open;
	f.limit = (int)limit;
	if ((rc = need_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_needs; i++)
		json_array_append_new(items, jvisit_need(&page.needs[i]));
	return http_reply_page(r, items,
	    page.has_more ? http_cursor_encode(r, NULL, 0, page.next_id) : NULL);
}

static sj_rc
get_need(http_req *r, sj_err *e)
{
	int64_t id;
	need n;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = need_get(http_store(r), http_scope(r), http_arena(r), id, &n, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jvisit_need(&n));
}

/* POST /api/v1/needs/{id}/request: the need becomes a service request in
 * one step.  201 with the need (now naming the request); Location is the
 * request.  Two audit events: request.create and need.request. */
static sj_rc
post_need_request(http_req *r, sj_err *e)
{
	api_write w = { .action = "need.request", .object_type = "need", .status = 201 };
	store *s = http_store(r);
	int64_t request_id = 0;
	need n;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = need_get(s, http_scope(r), http_arena(r), w.id, &n, e)) == SJ_OK) {
		w.before = jvisit_need(&n);
		if ((rc = need_request(s, http_scope(r), w.id, &request_id, e)) == SJ_OK &&
		    (rc = need_get(s, http_scope(r), http_arena(r), w.id, &n, e)) == SJ_OK) {
			w.after = jvisit_need(&n);
			rc = http_audit(r, "request.create", "service_request", request_id, NULL,
			    json_pack("{s:I}", "origin_need_id", (json_int_t)w.id), e);
		}
	}
	w.location = arena_printf(http_arena(r), "/api/v1/requests/%lld", (long long)request_id);
	return visit_write_end(r, rc, &w, e);
}

/* ---- checklists ----------------------------------------------------------- */

static sj_rc
get_checklists(http_req *r, sj_err *e)
{
	checklist *c;
	size_t n;
	json_t *items;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = checklist_list(http_store(r), http_scope(r), http_arena(r), &c, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jvisit_checklist(&c[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
get_checklist(http_req *r, sj_err *e)
{
	checklist c;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = checklist_get(http_store(r), http_scope(r), http_arena(r),
	    arena_printf(http_arena(r), "%lld", (long long)id), &c, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jvisit_checklist(&c));
}

static sj_rc
post_checklist(http_req *r, sj_err *e)
{
	api_write w = { .action = "checklist.create", .object_type = "checklist", .status = 201,
	    .collection = "/api/v1/checklists" };
	store *s = http_store(r);
	checklist_input in;
	checklist c;
	sj_rc rc;

	if ((rc = jvisit_read_checklist(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = checklist_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = checklist_get(s, http_scope(r), http_arena(r), in.code, &c, e)) == SJ_OK)
		w.after = jvisit_checklist(&c);
	return api_write_end(r, rc, &w, e);
}

/* ---- inspections ---------------------------------------------------------- */

static sj_rc
get_inspections(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"unit_id", "place_id", "checkpoint_id", "from", "to", "limit", "cursor", NULL,
	};
	inspection_filter f = { .from = INSPECTION_DATE_NONE, .to = INSPECTION_DATE_NONE };
	inspection_page page;
	int64_t limit;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f.unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "place_id", 0, 1, INT64_MAX, &f.place_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "checkpoint_id", 0, 1, INT64_MAX, &f.checkpoint_id,
	    e)) != SJ_OK ||
	    (rc = query_date(r, "from", INSPECTION_DATE_NONE, &f.from, e)) != SJ_OK ||
	    (rc = query_date(r, "to", INSPECTION_DATE_NONE, &f.to, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, INSPECTION_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = api_cursor_date_decode(r, &f.after_on, &f.after_id, e)) != SJ_OK)
		return rc;
	f.limit = (int)limit;
	rc = inspection_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e);
	if (rc != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_inspections; i++)
		json_array_append_new(items, jvisit_inspection(&page.inspections[i]));
	return http_reply_page(r, items,
	    page.has_more ? api_cursor_date(r, page.next_on, page.next_id) : NULL);
}

static sj_rc
post_inspection(http_req *r, sj_err *e)
{
	api_write w = { .action = "inspection.create", .object_type = "inspection",
	    .status = 201, .collection = "/api/v1/inspections" };
	store *s = http_store(r);
	inspection_input in;
	inspection n;
	sj_rc rc;

	if ((rc = jvisit_read_inspection(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = inspection_add(s, http_scope(r), &in, &w.id, e)) == SJ_OK &&
	    (rc = inspection_get(s, http_scope(r), http_arena(r), w.id, &n, e)) == SJ_OK)
		w.after = jvisit_inspection(&n);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_inspection(http_req *r, sj_err *e)
{
	inspection n;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = inspection_get(http_store(r), http_scope(r), http_arena(r), id, &n, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jvisit_inspection(&n));
}

static sj_rc
inspection_patch(http_req *r, int64_t id, api_write *w, sj_err *e)
{
	store *s = http_store(r);
	inspection_input in = {0};
	inspection n;
	int64_t *ids;
	sj_rc rc;

	if ((rc = inspection_get(s, http_scope(r), http_arena(r), id, &n, e)) != SJ_OK)
		return rc;
	w->before = jvisit_inspection(&n);
	ids = arena_alloc(http_arena(r), (n.n_inspectors + 1) * sizeof *ids);
	for (size_t i = 0; i < n.n_inspectors; i++)
		ids[i] = n.inspectors[i].member_id;
	in.summary = n.summary;
	in.inspector_ids = ids;
	in.n_inspector_ids = n.n_inspectors;
	if ((rc = jvisit_read_inspection_patch(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = inspection_update(s, http_scope(r), id, &in, e)) != SJ_OK ||
	    (rc = inspection_get(s, http_scope(r), http_arena(r), id, &n, e)) != SJ_OK)
		return rc;
	w->after = jvisit_inspection(&n);
	return SJ_OK;
}

static sj_rc
patch_inspection(http_req *r, sj_err *e)
{
	api_write w = { .action = "inspection.update", .object_type = "inspection",
	    .status = 200 };
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	return api_write_end(r, inspection_patch(r, w.id, &w, e), &w, e);
}

/* ---- findings ------------------------------------------------------------- */

static sj_rc
get_findings(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"status", "overdue", "on", "unit_id", "inspection_id", "limit", "cursor", NULL,
	};
	finding_filter f = { .overdue_on = INSPECTION_DATE_NONE };
	finding_page page;
	sj_date today;
	int64_t limit;
	bool overdue;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_date(r, "on", dt_date_of(dt_now()), &today, e)) != SJ_OK ||
	    (rc = query_bool(r, "overdue", false, &overdue, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f.unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "inspection_id", 0, 1, INT64_MAX, &f.inspection_id,
	    e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, INSPECTION_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = api_cursor_date_decode(r, &f.after_by, &f.after_id, e)) != SJ_OK)
		return rc;
	f.status = http_query(r, "status");
	f.limit = (int)limit;
	if (overdue)
		f.overdue_on = today;
	if ((rc = finding_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_findings; i++)
		json_array_append_new(items, jvisit_finding(&page.findings[i], today));
	return http_reply_page(r, items,
	    page.has_more ? api_cursor_date(r, page.next_by, page.next_id) : NULL);
}

static sj_rc
get_finding(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "on", NULL };
	sj_date today;
	finding f;
	int64_t id;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_date(r, "on", dt_date_of(dt_now()), &today, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = finding_get(http_store(r), http_scope(r), http_arena(r), id, &f, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jvisit_finding(&f, today));
}

/* POST /api/v1/findings/{id}/rechecks: 201 with the finding after it;
 * Location is the finding. */
static sj_rc
post_recheck(http_req *r, sj_err *e)
{
	api_write w = { .action = "finding.recheck", .object_type = "finding", .status = 201 };
	sj_date today = dt_date_of(dt_now());
	store *s = http_store(r);
	recheck_input in;
	int64_t recheck_id;
	finding f;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = jvisit_read_recheck(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = finding_get(s, http_scope(r), http_arena(r), w.id, &f, e)) == SJ_OK) {
		w.before = jvisit_finding(&f, today);
		if ((rc = finding_recheck(s, http_scope(r), w.id, &in, &recheck_id, e)) == SJ_OK &&
		    (rc = finding_get(s, http_scope(r), http_arena(r), w.id, &f, e)) == SJ_OK)
			w.after = jvisit_finding(&f, today);
	}
	w.location = arena_printf(http_arena(r), "/api/v1/findings/%lld", (long long)w.id);
	return api_write_end(r, rc, &w, e);
}

/* ---- the route table ------------------------------------------------------ */

const http_route api_visit_routes[] = {
	{ "GET", "/api/v1/visits", get_visits, PERM_VISIT_READ, 0 },
	{ "POST", "/api/v1/visits", post_visit, PERM_VISIT_WRITE, BODY_MAX },
	{ "GET", "/api/v1/visits/{id}", get_visit, PERM_VISIT_READ, 0 },
	{ "PATCH", "/api/v1/visits/{id}", patch_visit, PERM_VISIT_WRITE, BODY_MAX },
	{ "POST", "/api/v1/visits/{id}/needs", post_visit_need, PERM_VISIT_WRITE, BODY_MAX },
	{ "GET", "/api/v1/needs", get_needs, PERM_VISIT_READ, 0 },
	{ "GET", "/api/v1/needs/{id}", get_need, PERM_VISIT_READ, 0 },
	{ "POST", "/api/v1/needs/{id}/request", post_need_request, PERM_REQUEST_RAISE, 0 },
	{ "GET", "/api/v1/checklists", get_checklists, PERM_INSPECTION_READ, 0 },
	{ "POST", "/api/v1/checklists", post_checklist, PERM_INSPECTION_WRITE, BODY_MAX },
	{ "GET", "/api/v1/checklists/{id}", get_checklist, PERM_INSPECTION_READ, 0 },
	{ "GET", "/api/v1/inspections", get_inspections, PERM_INSPECTION_READ, 0 },
	{ "POST", "/api/v1/inspections", post_inspection, PERM_INSPECTION_WRITE, BODY_MAX },
	{ "GET", "/api/v1/inspections/{id}", get_inspection, PERM_INSPECTION_READ, 0 },
	{ "PATCH", "/api/v1/inspections/{id}", patch_inspection, PERM_INSPECTION_WRITE,
	  BODY_MAX },
	{ "GET", "/api/v1/findings", get_findings, PERM_INSPECTION_READ, 0 },
	{ "GET", "/api/v1/findings/{id}", get_finding, PERM_INSPECTION_READ, 0 },
	{ "POST", "/api/v1/findings/{id}/rechecks", post_recheck, PERM_INSPECTION_WRITE,
	  BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
