/*
 * api_workplan — the work group's own work over HTTP under /api/v1
 * (issue 11): the work plan with its versions, submission and approval;
 * tasks with progress notes and links; meetings and their decisions; the
 * party branch; reporting in; the group's record; the task lines.
 *
 * Thin: rules and scope live in domain/workplan.h, task.h and meeting.h
 * (a record out of scope answers 404 like a missing one); bodies are read
 * by json/jworkplan.h.  Every write runs in one transaction with its audit
 * event, whose detail is a short summary of the record (never its long
 * texts, so the event stays small), and a refused request writes neither.
 */
#include <stdint.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/meeting.h"
#include "domain/task.h"
#include "domain/workplan.h"
#include "http/api.h"
#include "json/jworkplan.h"

#define BODY_MAX (512 * 1024)  /* bytes: a meeting with 50 decisions and their tasks */

/* ---- helpers ------------------------------------------------------------ */

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

static sj_rc
query_date(http_req *r, const char *name, sj_date *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = TASK_DATE_NONE;
	return v ? dt_date_parse(v, name, out, e) : SJ_OK;
}

static sj_rc
query_bool(http_req *r, const char *name, bool *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = false;
	if (v == NULL)
		return SJ_OK;
	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		*out = v[0] == 't';
		return SJ_OK;
	}
	return sj_fail(e, SJ_EINVAL, name, "must be true or false");
}

/* gap_days from the query, else the setting visit-gap-days. */
static sj_rc
query_gap(http_req *r, int *gap, sj_err *e)
{
	int64_t v;
	sj_rc rc = http_query_int(r, "gap_days", http_config(r)->visit_gap_days, 1, 365, &v, e);

	*gap = (int)v;
	return rc;
}

/* Finish a write whose transaction is open: when rc is SJ_OK, record the
 * audit event with before (the record before a change, NULL for a create
 * or an addition) and detail as its "after" (both stolen), commit and
 * reply status with body (stolen; 201 adds Location, 204 sends nothing);
 * otherwise roll back, drop all three and return the error.  A change
 * whose before equals its after changed nothing: no audit event
 * (as api_org.c). */
static sj_rc
write_end_change(http_req *r, sj_rc rc, const char *action, const char *type, int64_t id,
    json_t *before, json_t *detail, int status, const char *location, json_t *body, sj_err *e)
{
	store *s = http_store(r);

	if (rc == SJ_OK && (before == NULL || !json_equal(before, detail))) {
		rc = http_audit(r, action, type, id, before, detail, e);
		before = detail = NULL;
	}
	json_decref(before);
	json_decref(detail);
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc != SJ_OK) {
		json_decref(body);
		return rc;
	}
	if (status == 204) {
		json_decref(body);
		return http_reply_empty(r);
	}
	if (location)
		http_reply_header(r, "Location", location);
	return http_reply_json(r, status, body);
}

/* write_end_change() for a create or an addition (no before). */
static sj_rc
write_end(http_req *r, sj_rc rc, const char *action, const char *type, int64_t id,
    json_t *detail, int status, const char *location, json_t *body, sj_err *e)
{
	return write_end_change(r, rc, action, type, id, NULL, detail, status, location, body, e);
}

static const char *
group_path(http_req *r, int64_t group_id, const char *rest)
{
	return arena_printf(http_arena(r), "/api/v1/groups/%lld%s", (long long)group_id, rest);
}

/* ---- task lines, the group's record ---------------------------------------- */

static sj_rc
get_task_lines(http_req *r, sj_err *e)
{
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	return http_reply_page(r, jworkplan_task_lines(), NULL);
}

static sj_rc
get_workplan(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "as_of", "gap_days", NULL };
	workplan_overview ov;
	int64_t id;
	sj_date as_of;
	int gap;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = query_date(r, "as_of", &as_of, e)) != SJ_OK ||
	    (rc = query_gap(r, &gap, e)) != SJ_OK ||
	    (rc = workplan_overview_get(http_store(r), http_scope(r), http_arena(r), id, as_of, gap,
	    &ov, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_overview(&ov));
}

/* ---- the plan --------------------------------------------------------------- */

static json_t *
plan_summary(const work_plan *p)
{
	return json_pack("{s:I, s:s, s:i, s:o}", "group_id", (json_int_t)p->group_id,
	    "status", p->status, "version", p->version,
	    "approved_version", p->approved_version ? json_integer(p->approved_version)
	    : json_null());
}

static sj_rc
get_plan(http_req *r, sj_err *e)
{
	work_plan p;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = plan_get(http_store(r), http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_plan(&p));
}

/* The plan after a change, as the reply and the audit detail. */
static sj_rc
plan_after(http_req *r, int64_t group_id, json_t **body, json_t **detail, int64_t *plan_id,
    sj_err *e)
{
	work_plan p;
	sj_rc rc;

	if ((rc = plan_get(http_store(r), http_scope(r), http_arena(r), group_id, &p, e)) != SJ_OK)
		return rc;
	*body = jworkplan_plan(&p);
	*detail = plan_summary(&p);
	*plan_id = p.id;
	return SJ_OK;
}

static sj_rc
post_plan(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	int64_t group_id, plan_id = 0;
	plan_input in;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = jworkplan_read_plan(http_body(r), http_arena(r), &in, false, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = plan_create(http_store(r), http_scope(r), group_id, &in, &plan_id, e)) == SJ_OK)
		rc = plan_after(r, group_id, &body, &detail, &plan_id, e);
	return write_end(r, rc, "plan.create", "work_plan", plan_id, detail, 201,
	    group_path(r, group_id, "/plan"), body, e);
}

static sj_rc
patch_plan(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL, *before = NULL;
	int64_t group_id, plan_id = 0;
	plan_input in;
	work_plan p;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = plan_get(http_store(r), http_scope(r), http_arena(r), group_id, &p, e)) == SJ_OK) {
		before = jworkplan_plan(&p);
		in = (plan_input){ .title = p.title, .goals = p.goals, .mechanism = p.mechanism,
		    .starts_on = p.starts_on, .ends_on = p.ends_on };
		if ((rc = jworkplan_read_plan(http_body(r), http_arena(r), &in, true, e)) == SJ_OK &&
		    (rc = plan_update(http_store(r), http_scope(r), group_id, &in, e)) == SJ_OK &&
		    (rc = plan_after(r, group_id, &body, &detail, &plan_id, e)) == SJ_OK) {
			/* The whole plan before and after, not only its summary. */
			json_decref(detail);
			detail = json_deep_copy(body);
		}
	}
	return write_end_change(r, rc, "plan.update", "work_plan", plan_id, before, detail, 200,
	    NULL, body, e);
}

static sj_rc
plan_step(http_req *r, const char *action, sj_err *e)
{
	bool submit = strcmp(action, "plan.submit") == 0;
	json_t *body = NULL, *detail = NULL, *before = NULL;
	int64_t group_id, plan_id = 0, at;
	const char *text;
	work_plan p;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = jworkplan_read_step(http_body(r), http_arena(r), submit ? "note" : "comment",
	    &text, &at, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	/* The plan's state before the step (status, version) for the audit. */
	if ((rc = plan_get(http_store(r), http_scope(r), http_arena(r), group_id, &p, e)) != SJ_OK)
		return write_end(r, rc, action, "work_plan", 0, NULL, 200, NULL, NULL, e);
	before = plan_summary(&p);
	if (submit)
		rc = plan_submit(http_store(r), http_scope(r), group_id, text, at, NULL, e);
	else
		rc = plan_decide(http_store(r), http_scope(r), group_id,
		    strcmp(action, "plan.approve") == 0, text, at, e);
	if (rc == SJ_OK)
		rc = plan_after(r, group_id, &body, &detail, &plan_id, e);
	return write_end_change(r, rc, action, "work_plan", plan_id, before, detail, 200, NULL,
	    body, e);
}

static sj_rc
post_plan_submit(http_req *r, sj_err *e)
{
	return plan_step(r, "plan.submit", e);
}

static sj_rc
post_plan_approve(http_req *r, sj_err *e)
{
	return plan_step(r, "plan.approve", e);
}

static sj_rc
post_plan_return(http_req *r, sj_err *e)
{
	return plan_step(r, "plan.return", e);
}

static sj_rc
get_plan_version(http_req *r, sj_err *e)
{
	plan_version v;
	int64_t group_id, version;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = http_param_id(r, "version", &version, e)) != SJ_OK)
		return rc;
	if (version > INT32_MAX)
		return sj_fail(e, SJ_ENOTFOUND, "version", "the plan has no version %lld",
		    (long long)version);
	if ((rc = plan_version_get(http_store(r), http_scope(r), http_arena(r), group_id,
	    (int)version, &v, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_version(&v, true));
}

/* ---- tasks ------------------------------------------------------------------- */

static json_t *
task_summary(const task *t)
{
	char due[DT_DATE_LEN] = "";

	if (t->due_on != TASK_DATE_NONE)
		dt_date_format(t->due_on, due);
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:o, s:s}", "id", (json_int_t)t->id,
	    "group_id", (json_int_t)t->group_id, "title", t->title, "task_line", t->task_line,
	    "owner_id", (json_int_t)t->owner_id, "due_on", due[0] ? json_string(due) : json_null(),
	    "status", t->status);
}

/* The task after a change: reply (in detail) and audit summary. */
static sj_rc
task_after(http_req *r, int64_t id, json_t **body, json_t **detail, sj_err *e)
{
	task t;
	sj_rc rc;

	if ((rc = task_get(http_store(r), http_scope(r), http_arena(r), id, TASK_DATE_NONE, &t,
	    e)) != SJ_OK)
		return rc;
	*body = jworkplan_task(&t, true);
	*detail = task_summary(&t);
	return SJ_OK;
}

static sj_rc
task_filter_read(http_req *r, bool with_group, task_filter *f, sj_err *e)
{
	static const char *const allowed[] = {
		"task_line", "status", "owner_id", "unit_id", "overdue", "as_of", "limit", "cursor",
		"group_id", NULL,
	};
	const void *key;
	size_t key_n;
	int64_t limit;
	sj_rc rc;

	if (with_group && http_query(r, "group_id"))
		return sj_fail(e, SJ_EINVAL, "group_id", "unknown query parameter");
	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (!with_group &&
	    (rc = http_query_int(r, "group_id", 0, 1, INT64_MAX, &f->group_id, e)) != SJ_OK) ||
	    (rc = http_query_int(r, "owner_id", 0, 1, INT64_MAX, &f->owner_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f->unit_id, e)) != SJ_OK ||
	    (rc = query_bool(r, "overdue", &f->overdue, e)) != SJ_OK ||
	    (rc = query_date(r, "as_of", &f->as_of, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, TASK_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f->after_id, e)) != SJ_OK)
		return rc;
	f->task_line = http_query(r, "task_line");
	f->status = http_query(r, "status");
	f->limit = (int)limit;
	return SJ_OK;
}

static sj_rc
reply_tasks(http_req *r, const task_filter *f, sj_err *e)
{
	task_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = task_list(http_store(r), http_scope(r), http_arena(r), f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_tasks; i++)
		json_array_append_new(items, jworkplan_task(&page.tasks[i], false));
	return http_reply_page(r, items,
	    page.has_more ? http_cursor_encode(r, NULL, 0, page.next_id) : NULL);
}

static sj_rc
get_group_tasks(http_req *r, sj_err *e)
{
	task_filter f = { .as_of = TASK_DATE_NONE };
	const char *name;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &f.group_id, e)) != SJ_OK ||
	    (rc = task_filter_read(r, true, &f, e)) != SJ_OK ||
	    (rc = workplan_may(http_scope(r), false, e)) != SJ_OK ||
	    (rc = workplan_group_name(http_store(r), http_scope(r), http_arena(r), f.group_id, &name,
	    e)) != SJ_OK)
		return rc;
	return reply_tasks(r, &f, e);
}

static sj_rc
get_tasks(http_req *r, sj_err *e)
{
	task_filter f = { .as_of = TASK_DATE_NONE };
	sj_rc rc;

	if ((rc = task_filter_read(r, false, &f, e)) != SJ_OK)
		return rc;
	return reply_tasks(r, &f, e);
}

static sj_rc
post_group_task(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	int64_t group_id, id = 0;
	task_input in;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = jworkplan_read_task(http_body(r), "", http_arena(r), &in, false, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = task_add(http_store(r), http_scope(r), group_id, &in, 0, &id, e)) == SJ_OK)
		rc = task_after(r, id, &body, &detail, e);
	return write_end(r, rc, "task.create", "task", id, detail, 201,
	    arena_printf(http_arena(r), "/api/v1/tasks/%lld", (long long)id), body, e);
}

static sj_rc
get_task(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "as_of", NULL };
	sj_date as_of;
	int64_t id;
	task t;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = query_date(r, "as_of", &as_of, e)) != SJ_OK ||
	    (rc = task_get(http_store(r), http_scope(r), http_arena(r), id, as_of, &t, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_task(&t, true));
}

static sj_rc
patch_task(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL, *before = NULL;
	task_input in;
	int64_t id, *units;
	task t;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = task_get(http_store(r), http_scope(r), http_arena(r), id, TASK_DATE_NONE, &t,
	    e)) == SJ_OK) {
		before = jworkplan_task(&t, true);
		units = arena_alloc(http_arena(r), (t.n_units + 1) * sizeof *units);
		for (size_t i = 0; i < t.n_units; i++)
			units[i] = t.units[i].unit_id;
		in = (task_input){ .title = t.title, .description = t.description,
		    .task_line = t.task_line, .owner_id = t.owner_id, .due_on = t.due_on,
		    .unit_ids = units, .n_unit_ids = t.n_units };
		if ((rc = jworkplan_read_task(http_body(r), "", http_arena(r), &in, true, e)) == SJ_OK &&
		    (rc = task_update(http_store(r), http_scope(r), id, &in, e)) == SJ_OK &&
		    (rc = task_after(r, id, &body, &detail, e)) == SJ_OK) {
			/* The whole task before and after, not only its summary. */
			json_decref(detail);
			detail = json_deep_copy(body);
		}
	}
	return write_end_change(r, rc, "task.update", "task", id, before, detail, 200, NULL, body,
	    e);
}

static sj_rc
post_task_note(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	task_note_input in;
	int64_t id, note_id = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jworkplan_read_note(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = task_note_add(http_store(r), http_scope(r), id, &in, &note_id, e)) == SJ_OK &&
	    (rc = task_after(r, id, &body, &detail, e)) == SJ_OK)
		json_object_set_new(detail, "note_id", json_integer(note_id));
	return write_end(r, rc, "task.note", "task", id, detail, 201,
	    arena_printf(http_arena(r), "/api/v1/tasks/%lld", (long long)id), body, e);
}

static sj_rc
post_task_link(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	const char *type;
	int64_t id, record_id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jworkplan_read_link(http_body(r), http_arena(r), &type, &record_id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = task_link_add(http_store(r), http_scope(r), id, type, record_id, e)) == SJ_OK &&
	    (rc = task_after(r, id, &body, &detail, e)) == SJ_OK) {
		json_decref(detail);
		detail = json_pack("{s:s, s:I}", "record_type", type, "record_id",
		    (json_int_t)record_id);
	}
	return write_end(r, rc, "task.link", "task", id, detail, 201,
	    arena_printf(http_arena(r), "/api/v1/tasks/%lld", (long long)id), body, e);
}

static sj_rc
delete_task_link(http_req *r, sj_err *e)
{
	const char *type = http_param(r, "type");
	int64_t id, record_id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = http_param_id(r, "record_id", &record_id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	rc = task_link_remove(http_store(r), http_scope(r), id, type, record_id, e);
	return write_end(r, rc, "task.unlink", "task", id,
	    json_pack("{s:s, s:I}", "record_type", type ? type : "", "record_id",
	    (json_int_t)record_id), 204, NULL, NULL, e);
}

/* ---- meetings ------------------------------------------------------------------ */

static json_t *
meeting_summary(const meeting *m)
{
	char held[DT_DATE_LEN];

	dt_date_format(m->held_on, held);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)m->id,
	    "group_id", (json_int_t)m->group_id, "kind", m->kind, "held_on", held,
	    "title", m->title, "attendees", (json_int_t)m->n_attendees,
	    "decisions", (json_int_t)m->n_decisions);
}

static sj_rc
meeting_after(http_req *r, int64_t id, json_t **body, json_t **detail, sj_err *e)
{
	meeting m;
	sj_rc rc;

	if ((rc = meeting_get(http_store(r), http_scope(r), http_arena(r), id, &m, e)) != SJ_OK)
		return rc;
	*body = jworkplan_meeting(&m);
	*detail = meeting_summary(&m);
	return SJ_OK;
}

static sj_rc
get_group_meetings(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "kind", NULL };
	meeting *m;
	size_t n;
	int64_t id;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = meeting_list(http_store(r), http_scope(r), http_arena(r), id, http_query(r, "kind"),
	    &m, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jworkplan_meeting(&m[i]));
	return http_reply_page(r, items, NULL);
}

static sj_rc
post_group_meeting(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	int64_t group_id, id = 0;
	meeting_input in;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = jworkplan_read_meeting(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = meeting_add(http_store(r), http_scope(r), group_id, &in, &id, e)) == SJ_OK)
		rc = meeting_after(r, id, &body, &detail, e);
	return write_end(r, rc, "meeting.create", "meeting", id, detail, 201,
	    arena_printf(http_arena(r), "/api/v1/meetings/%lld", (long long)id), body, e);
}

static sj_rc
get_meeting(http_req *r, sj_err *e)
{
	meeting m;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = meeting_get(http_store(r), http_scope(r), http_arena(r), id, &m, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_meeting(&m));
}

static sj_rc
post_meeting_decision(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	decision_input in;
	int64_t id, decision_id = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jworkplan_read_decision(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = meeting_decision_add(http_store(r), http_scope(r), id, &in, &decision_id,
	    e)) == SJ_OK && (rc = meeting_after(r, id, &body, &detail, e)) == SJ_OK)
		json_object_set_new(detail, "decision_id", json_integer(decision_id));
	return write_end(r, rc, "meeting.decision", "meeting", id, detail, 201,
	    arena_printf(http_arena(r), "/api/v1/meetings/%lld", (long long)id), body, e);
}

static sj_rc
post_decision_tasks(http_req *r, sj_err *e)
{
	json_t *body = NULL, *items = NULL, *ids = NULL;
	task_input *tasks;
	int64_t id, *task_ids;
	size_t n;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jworkplan_read_tasks(http_body(r), http_arena(r), &tasks, &n, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	task_ids = arena_alloc(http_arena(r), (n + 1) * sizeof *task_ids);
	if ((rc = decision_tasks_add(http_store(r), http_scope(r), id, tasks, n, task_ids,
	    e)) == SJ_OK) {
		items = json_array();
		ids = json_array();
		for (size_t i = 0; rc == SJ_OK && i < n; i++) {
			json_t *t = NULL, *d = NULL;
			if ((rc = task_after(r, task_ids[i], &t, &d, e)) == SJ_OK) {
				json_array_append_new(items, t);
				json_decref(d);
				json_array_append_new(ids, json_integer(task_ids[i]));
			}
		}
		body = json_pack("{s:o}", "items", items);
	}
	return write_end(r, rc, "decision.tasks", "meeting_decision", id,
	    ids ? json_pack("{s:o}", "task_ids", ids) : NULL, 201,
	    n ? arena_printf(http_arena(r), "/api/v1/tasks/%lld", (long long)task_ids[0]) : NULL,
	    body, e);
}

/* ---- the party branch ------------------------------------------------------------ */

static sj_rc
get_branch(http_req *r, sj_err *e)
{
	party_branch b;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = branch_get(http_store(r), http_scope(r), http_arena(r), id, &b, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_branch(&b));
}

static sj_rc
put_branch(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	branch_input in;
	party_branch b = {0};
	bool created = false;
	int64_t group_id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = jworkplan_read_branch(http_body(r), http_arena(r), &in, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = branch_set(http_store(r), http_scope(r), group_id, &in, &created, e)) == SJ_OK &&
	    (rc = branch_get(http_store(r), http_scope(r), http_arena(r), group_id, &b,
	    e)) == SJ_OK) {
		body = jworkplan_branch(&b);
		detail = json_pack("{s:I, s:s, s:I, s:I}", "group_id", (json_int_t)group_id,
		    "name", b.name, "secretary_id", (json_int_t)b.secretary_id,
		    "members", (json_int_t)b.n_members);
	}
	return write_end(r, rc, created ? "branch.create" : "branch.update", "party_branch",
	    b.id, detail, created ? 201 : 200,
	    created ? group_path(r, group_id, "/branch") : NULL, body, e);
}

/* ---- reporting in ------------------------------------------------------------------ */

static sj_rc
get_reporting(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "as_of", "gap_days", NULL };
	reporting rep;
	int64_t id;
	sj_date as_of;
	int gap;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = query_date(r, "as_of", &as_of, e)) != SJ_OK ||
	    (rc = query_gap(r, &gap, e)) != SJ_OK ||
	    (rc = reporting_list(http_store(r), http_scope(r), http_arena(r), id, as_of, gap, &rep,
	    e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jworkplan_reporting(&rep));
}

/* The unit's row of the group's reporting list, or SJ_ENOTFOUND. */
static sj_rc
reporting_row(http_req *r, int64_t group_id, int64_t unit_id, reporting_unit **out, sj_err *e)
{
	reporting rep;
	sj_rc rc;

	if ((rc = reporting_list(http_store(r), http_scope(r), http_arena(r), group_id,
	    TASK_DATE_NONE, http_config(r)->visit_gap_days, &rep, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < rep.n_units; i++)
		if (rep.units[i].unit_id == unit_id) {
			*out = &rep.units[i];
			return SJ_OK;
		}
	return sj_fail(e, SJ_ENOTFOUND, "unit_id", "unit %lld is not assigned to the work group",
	    (long long)unit_id);
}

static json_t *
reporting_unit_json(const reporting_unit *u)
{
	reporting one = { .units = (reporting_unit *)u, .n_units = 1 };
	json_t *all = jworkplan_reporting(&one), *row = json_incref(json_array_get(
	    json_object_get(all, "units"), 0));

	json_decref(all);
	return row;
}

static sj_rc
patch_assignment(http_req *r, sj_err *e)
{
	json_t *body = NULL, *detail = NULL;
	reporting_unit *u;
	int64_t group_id, unit_id;
	sj_date reported_on;
	const char *contact;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &group_id, e)) != SJ_OK ||
	    (rc = http_param_id(r, "unit_id", &unit_id, e)) != SJ_OK ||
	    (rc = store_begin(http_store(r), e)) != SJ_OK)
		return rc;
	if ((rc = workplan_may(http_scope(r), true, e)) == SJ_OK &&
	    (rc = reporting_row(r, group_id, unit_id, &u, e)) == SJ_OK) {
		reported_on = u->reported_on;
		contact = u->contact;
		if ((rc = jworkplan_read_reporting(http_body(r), http_arena(r), &reported_on, &contact,
		    e)) == SJ_OK &&
		    (rc = reporting_record(http_store(r), http_scope(r), group_id, unit_id,
		    reported_on, contact, e)) == SJ_OK &&
		    (rc = reporting_row(r, group_id, unit_id, &u, e)) == SJ_OK) {
			body = reporting_unit_json(u);
			detail = json_pack("{s:I, s:I, s:O}", "group_id", (json_int_t)group_id,
			    "unit_id", (json_int_t)unit_id, "reported_on",
			    json_object_get(body, "reported_on"));
		}
	}
	return write_end(r, rc, "assignment.report_in", "work_group", group_id, detail, 200, NULL,
	    body, e);
}

/* ---- the table ---------------------------------------------------------------------- */

const http_route api_workplan_routes[] = {
	{ "GET", "/api/v1/task-lines", get_task_lines, HTTP_SIGNED_IN, 0 },
	{ "GET", "/api/v1/groups/{id}/workplan", get_workplan, PERM_WORKPLAN_READ, 0 },
	{ "GET", "/api/v1/groups/{id}/plan", get_plan, PERM_WORKPLAN_READ, 0 },
	{ "POST", "/api/v1/groups/{id}/plan", post_plan, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "PATCH", "/api/v1/groups/{id}/plan", patch_plan, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "POST", "/api/v1/groups/{id}/plan/submit", post_plan_submit, PERM_WORKPLAN_WRITE,
	  BODY_MAX },
	/* The domain says who may decide (workplan.h "Who"), with a message
	 * for each refusal, so a leader trying to approve their own plan
	 * learns why. */
	{ "POST", "/api/v1/groups/{id}/plan/approve", post_plan_approve, PERM_WORKPLAN_READ,
	  BODY_MAX },
	{ "POST", "/api/v1/groups/{id}/plan/return", post_plan_return, PERM_WORKPLAN_READ,
	  BODY_MAX },
	{ "GET", "/api/v1/groups/{id}/plan/versions/{version}", get_plan_version,
	  PERM_WORKPLAN_READ, 0 },
	{ "GET", "/api/v1/groups/{id}/tasks", get_group_tasks, PERM_WORKPLAN_READ, 0 },
	{ "POST", "/api/v1/groups/{id}/tasks", post_group_task, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "GET", "/api/v1/groups/{id}/meetings", get_group_meetings, PERM_WORKPLAN_READ, 0 },
	{ "POST", "/api/v1/groups/{id}/meetings", post_group_meeting, PERM_WORKPLAN_WRITE,
	  BODY_MAX },
	{ "GET", "/api/v1/groups/{id}/branch", get_branch, PERM_WORKPLAN_READ, 0 },
	{ "PUT", "/api/v1/groups/{id}/branch", put_branch, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "GET", "/api/v1/groups/{id}/reporting", get_reporting, PERM_WORKPLAN_READ, 0 },
	{ "PATCH", "/api/v1/groups/{id}/assignments/{unit_id}", patch_assignment,
	  PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "GET", "/api/v1/tasks", get_tasks, PERM_WORKPLAN_READ, 0 },
	{ "GET", "/api/v1/tasks/{id}", get_task, PERM_WORKPLAN_READ, 0 },
	{ "PATCH", "/api/v1/tasks/{id}", patch_task, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "POST", "/api/v1/tasks/{id}/notes", post_task_note, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "POST", "/api/v1/tasks/{id}/links", post_task_link, PERM_WORKPLAN_WRITE, BODY_MAX },
	{ "DELETE", "/api/v1/tasks/{id}/links/{type}/{record_id}", delete_task_link,
	  PERM_WORKPLAN_WRITE, 0 },
	{ "GET", "/api/v1/meetings/{id}", get_meeting, PERM_WORKPLAN_READ, 0 },
	{ "POST", "/api/v1/meetings/{id}/decisions", post_meeting_decision, PERM_WORKPLAN_WRITE,
	  BODY_MAX },
	{ "POST", "/api/v1/decisions/{id}/tasks", post_decision_tasks, PERM_WORKPLAN_WRITE,
	  BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
