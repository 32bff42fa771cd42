/*
 * jworkplan — the work group's own work as JSON, both ways.
 */
#include "json/jworkplan.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "json/jorg.h"

/* ---- output --------------------------------------------------------------- */

static json_t *
jdate(sj_date d)
{
	char buf[DT_DATE_LEN];

	if (d == TASK_DATE_NONE)
		return json_null();
	dt_date_format(d, buf);
	return json_string(buf);
}

static json_t *
jinstant(int64_t t)
{
	return t > 0 ? jorg_instant(t) : json_null();
}

static json_t *
jline_name(const char *code)
{
	const task_line *l = task_line_find(code);

	return l ? json_string(l->name) : json_null();
}

static void
set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

json_t *
jworkplan_task_lines(void)
{
	json_t *items = json_array();

	for (int i = 0; i < TASK_LINE_COUNT; i++)
		json_array_append_new(items, json_pack("{s:s, s:i, s:s, s:s}",
		    "code", task_lines[i].code, "position", i + 1, "name", task_lines[i].name,
		    "name_en", task_lines[i].name_en));
	return items;
}

json_t *
jworkplan_version(const plan_version *v, bool with_tasks)
{
	json_t *o = json_object();

	set(o, "version", json_integer(v->version));
	set(o, "title", json_string(v->title));
	set(o, "goals", json_string(v->goals));
	set(o, "mechanism", jorg_str(v->mechanism));
	set(o, "starts_on", jdate(v->starts_on));
	set(o, "ends_on", jdate(v->ends_on));
	set(o, "submitted_at", jorg_instant(v->submitted_at));
	set(o, "submitted_by", json_string(v->submitted_by));
	set(o, "submit_note", jorg_str(v->submit_note));
	set(o, "decision", jorg_str(v->decision));
	set(o, "decided_at", jinstant(v->decided_at));
	set(o, "decided_by", jorg_str(v->decided_by));
	set(o, "decided_by_name", v->decided_by && *v->decided_by_display
	    ? json_string(v->decided_by_display) : json_null());
	set(o, "decision_comment", jorg_str(v->decision_comment));
	if (with_tasks) {
		json_t *tasks = json_array();
		for (size_t i = 0; i < v->n_tasks; i++) {
			const plan_version_task *t = &v->tasks[i];
			json_array_append_new(tasks, json_pack("{s:I, s:s, s:o, s:s, s:I, s:s, s:o, s:s}",
			    "task_id", (json_int_t)t->task_id, "task_line", t->task_line,
			    "task_line_name", jline_name(t->task_line), "title", t->title,
			    "owner_id", (json_int_t)t->owner_id, "owner_name", t->owner_name,
			    "due_on", jdate(t->due_on), "status", t->status));
		}
		set(o, "tasks", tasks);
	}
	return o;
}

json_t *
jworkplan_plan(const work_plan *p)
{
	json_t *o = json_object(), *versions = json_array();
	const plan_version *approved = NULL;

	for (size_t i = 0; i < p->n_versions; i++) {
		json_array_append_new(versions, jworkplan_version(&p->versions[i], false));
		if (p->versions[i].version == p->approved_version)
			approved = &p->versions[i];
	}
	set(o, "id", json_integer(p->id));
	set(o, "group_id", json_integer(p->group_id));
	set(o, "group_name", json_string(p->group_name));
	set(o, "title", json_string(p->title));
	set(o, "goals", json_string(p->goals));
	set(o, "mechanism", jorg_str(p->mechanism));
	set(o, "starts_on", jdate(p->starts_on));
	set(o, "ends_on", jdate(p->ends_on));
	set(o, "status", json_string(p->status));
	set(o, "version", json_integer(p->version));
	set(o, "approved_version", jorg_id(p->approved_version));
	set(o, "approved_at", approved ? jinstant(approved->decided_at) : json_null());
	set(o, "approved_by", approved ? jorg_str(approved->decided_by) : json_null());
	set(o, "created_at", jorg_instant(p->created_at));
	set(o, "updated_at", jorg_instant(p->updated_at));
	set(o, "versions", versions);
	return o;
}

json_t *
jworkplan_note(const task_note *n)
{
	return json_pack("{s:I, s:I, s:o, s:s, s:o, s:o, s:o, s:s}",
	    "id", (json_int_t)n->id, "task_id", (json_int_t)n->task_id,
	    "noted_on", jdate(n->noted_on), "body", n->body,
	    "status_from", jorg_str(n->status_from), "status_to", jorg_str(n->status_to),
	    "created_at", jorg_instant(n->created_at), "created_by", n->created_by);
}

json_t *
jworkplan_link(const task_link *l)
{
	return json_pack("{s:s, s:I, s:o, s:o, s:s, s:s, s:o}",
	    "record_type", l->record_type, "record_id", (json_int_t)l->record_id,
	    "on", jdate(l->on), "unit_id", jorg_id(l->unit_id), "unit_name", l->unit_name,
	    "title", l->title, "created_at", jorg_instant(l->created_at));
}

json_t *
jworkplan_task(const task *t, bool detail)
{
	json_t *o = json_object(), *units = json_array();

	for (size_t i = 0; i < t->n_units; i++)
		json_array_append_new(units, json_pack("{s:I, s:s}",
		    "unit_id", (json_int_t)t->units[i].unit_id, "name", t->units[i].name));
	set(o, "id", json_integer(t->id));
	set(o, "group_id", json_integer(t->group_id));
	set(o, "task_line", json_string(t->task_line));
	set(o, "task_line_name", jline_name(t->task_line));
	set(o, "title", json_string(t->title));
	set(o, "description", jorg_str(t->description));
	set(o, "owner_id", json_integer(t->owner_id));
	set(o, "owner_name", json_string(t->owner_name));
	set(o, "units", units);
	set(o, "due_on", jdate(t->due_on));
	set(o, "due_effective", jdate(t->due_effective));
	set(o, "overdue", json_boolean(t->overdue));
	set(o, "status", json_string(t->status));
	set(o, "drop_reason", jorg_str(t->drop_reason));
	set(o, "done_on", jdate(t->done_on));
	set(o, "decision_id", jorg_id(t->decision_id));
	set(o, "meeting_id", jorg_id(t->meeting_id));
	set(o, "created_at", jorg_instant(t->created_at));
	set(o, "created_by", json_string(t->created_by));
	set(o, "updated_at", jorg_instant(t->updated_at));
	if (detail) {
		json_t *notes = json_array(), *links = json_array();
		for (size_t i = 0; i < t->n_notes; i++)
			json_array_append_new(notes, jworkplan_note(&t->notes[i]));
		for (size_t i = 0; i < t->n_links; i++)
			json_array_append_new(links, jworkplan_link(&t->links[i]));
		set(o, "notes", notes);
		set(o, "links", links);
	}
	return o;
}

json_t *
jworkplan_meeting(const meeting *m)
{
	json_t *o = json_object(), *attendees = json_array(), *decisions = json_array();

	for (size_t i = 0; i < m->n_attendees; i++) {
		const meeting_attendee *at = &m->attendees[i];
		json_array_append_new(attendees, json_pack("{s:I, s:o, s:s, s:o}",
		    "id", (json_int_t)at->id, "member_id", jorg_id(at->member_id), "name", at->name,
		    "affiliation", jorg_str(at->affiliation)));
	}
	for (size_t i = 0; i < m->n_decisions; i++) {
		const meeting_decision *d = &m->decisions[i];
		json_t *ids = json_array();
		for (size_t j = 0; j < d->n_task_ids; j++)
			json_array_append_new(ids, json_integer(d->task_ids[j]));
		json_array_append_new(decisions, json_pack("{s:I, s:i, s:s, s:s, s:o}",
		    "id", (json_int_t)d->id, "position", d->position, "kind", d->kind, "body", d->body,
		    "task_ids", ids));
	}
	set(o, "id", json_integer(m->id));
	set(o, "group_id", json_integer(m->group_id));
	set(o, "kind", json_string(m->kind));
	set(o, "held_on", jdate(m->held_on));
	set(o, "title", json_string(m->title));
	set(o, "place", jorg_str(m->place));
	set(o, "agenda", jorg_str(m->agenda));
	set(o, "summary", jorg_str(m->summary));
	set(o, "unit_id", jorg_id(m->unit_id));
	set(o, "unit_name", jorg_str(m->unit_name));
	set(o, "department_id", jorg_id(m->department_id));
	set(o, "department_name", jorg_str(m->department_name));
	set(o, "attendees", attendees);
	set(o, "decisions", decisions);
	set(o, "created_at", jorg_instant(m->created_at));
	return o;
}

json_t *
jworkplan_branch(const party_branch *b)
{
	json_t *members = json_array();

	for (size_t i = 0; i < b->n_members; i++)
		json_array_append_new(members, json_pack("{s:I, s:s, s:s, s:b}",
		    "member_id", (json_int_t)b->members[i].member_id, "name", b->members[i].name,
		    "title", b->members[i].title,
		    "secretary", b->members[i].member_id == b->secretary_id));
	return json_pack("{s:I, s:I, s:s, s:o, s:I, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)b->id, "group_id", (json_int_t)b->group_id, "name", b->name,
	    "founded_on", jdate(b->founded_on), "secretary_id", (json_int_t)b->secretary_id,
	    "secretary_name", b->secretary_name, "members", members,
	    "created_at", jorg_instant(b->created_at), "updated_at", jorg_instant(b->updated_at));
}

json_t *
jworkplan_reporting(const reporting *r)
{
	json_t *units = json_array();

	for (size_t i = 0; i < r->n_units; i++) {
		const reporting_unit *u = &r->units[i];
		json_t *o = json_object();
		set(o, "unit_id", json_integer(u->unit_id));
		set(o, "unit_name", json_string(u->unit_name));
		set(o, "unit_kind", json_string(u->unit_kind));
		set(o, "reported_on", jdate(u->reported_on));
		set(o, "contact", jorg_str(u->contact));
		set(o, "last_visit_on", jdate(u->last_visit_on));
		set(o, "days_since_visit", u->days_since_visit < 0 ? json_null()
		    : json_integer(u->days_since_visit));
		set(o, "not_reported", json_boolean(u->not_reported));
		set(o, "visit_due", json_boolean(u->visit_due));
		json_array_append_new(units, o);
	}
	return json_pack("{s:I, s:o, s:i, s:I, s:I, s:I, s:I, s:o}",
	    "group_id", (json_int_t)r->group_id, "as_of", jdate(r->as_of), "gap_days", r->gap_days,
	    "n_units", (json_int_t)r->n_units, "n_reported", (json_int_t)r->n_reported,
	    "n_not_reported", (json_int_t)r->n_not_reported,
	    "n_visit_due", (json_int_t)r->n_visit_due, "units", units);
}

json_t *
jworkplan_overview(const workplan_overview *ov)
{
	json_t *o = json_object(), *lines = json_array();

	for (int l = 0; l < TASK_LINE_COUNT; l++) {
		json_t *by = json_object();
		int64_t total = 0;
		for (int k = 0; k < TASK_STATUS_COUNT; k++) {
			set(by, task_statuses[k], json_integer(ov->tasks[l][k]));
			total += ov->tasks[l][k];
		}
		json_array_append_new(lines, json_pack("{s:s, s:s, s:I, s:o}",
		    "code", task_lines[l].code, "name", task_lines[l].name, "tasks", (json_int_t)total,
		    "by_status", by));
	}
	set(o, "group_id", json_integer(ov->group_id));
	set(o, "group_name", json_string(ov->group_name));
	set(o, "organ", json_string(ov->organ));
	set(o, "set_up_on", jdate(ov->set_up_on));
	set(o, "as_of", jdate(ov->as_of));
	set(o, "plan", ov->has_plan ? jworkplan_plan(&ov->plan) : json_null());
	set(o, "branch", ov->has_branch ? jworkplan_branch(&ov->branch) : json_null());
	set(o, "reporting", jworkplan_reporting(&ov->reporting));
	set(o, "task_lines", lines);
	set(o, "n_tasks", json_integer(ov->n_tasks));
	set(o, "n_overdue", json_integer(ov->n_overdue));
	set(o, "n_linked_records", json_integer(ov->n_links));
	set(o, "n_meetings", json_integer(ov->n_meetings));
	set(o, "last_meeting_on", jdate(ov->last_meeting_on));
	return o;
}

/* ---- input ---------------------------------------------------------------- */

/* What a member held. */
enum { ABSENT, GIVEN, NULLED };

typedef struct reader {
	const json_t *obj;
	const char *prefix;    /* "" or "decisions[0].tasks[1]." */
	arena *a;
	sj_err *e;
	char field[96];
} reader;

static const char *
rfield(reader *r, const char *name)
{
	snprintf(r->field, sizeof r->field, "%s%s", r->prefix, name);
	return r->field;
}

static sj_rc
r_open(reader *r, const json_t *obj, const char *prefix, arena *a, sj_err *e,
    const char *const *allowed)
{
	const char *key;
	json_t *v;

	r->obj = obj;
	r->prefix = prefix;
	r->a = a;
	r->e = e;
	if (!json_is_object(obj)) {
		size_t n = strlen(prefix);
		snprintf(r->field, sizeof r->field, "%.*s", n ? (int)n - 1 : 4, n ? prefix : "body");
		return sj_fail(e, SJ_EINVAL, r->field, "must be a JSON object");
	}
	json_object_foreach((json_t *)obj, key, v) {
		const char *const *p = allowed;
		while (*p && strcmp(*p, key) != 0)
			p++;
		if (*p == NULL)
			return sj_fail(e, SJ_EINVAL, rfield(r, key), "unknown field");
	}
	return SJ_OK;
}

static int
r_state(reader *r, const char *name)
{
	const json_t *v = json_object_get(r->obj, name);

	return v == NULL ? ABSENT : json_is_null(v) ? NULLED : GIVEN;
}

/* Refuse null for a member that cannot be cleared. */
static sj_rc
r_not_null(reader *r, const char *name, bool nullable)
{
	if (!nullable && r_state(r, name) == NULLED)
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "must not be null");
	return SJ_OK;
}

/* A string member: GIVEN sets *out, NULLED sets NULL, ABSENT keeps it. */
static sj_rc
r_str(reader *r, const char *name, bool text, bool nullable, const char **out)
{
	const json_t *v = json_object_get(r->obj, name);
	sj_rc rc;

	if ((rc = r_not_null(r, name, nullable)) != SJ_OK)
		return rc;
	if (v == NULL)
		return SJ_OK;
	if (json_is_null(v)) {
		*out = NULL;
		return SJ_OK;
	}
	if (!json_is_string(v))
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "must not contain NUL characters");
	if ((rc = text_check_utf8(json_string_value(v), json_string_length(v), rfield(r, name),
	    text ? TEXT_NO_CONTROL : TEXT_SINGLE_LINE, r->e)) != SJ_OK)
		return rc;
	*out = arena_strdup(r->a, json_string_value(v));
	return SJ_OK;
}

static sj_rc
id_value(const json_t *v, const char *field, int64_t *out, sj_err *e)
{
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return sj_fail(e, SJ_EINVAL, field, "must be an id (an integer, 1 or more)");
	*out = json_integer_value(v);
	return SJ_OK;
}

/* An id member: GIVEN sets *out, NULLED 0 (when nullable), ABSENT keeps. */
static sj_rc
r_id(reader *r, const char *name, bool nullable, int64_t *out)
{
	const json_t *v = json_object_get(r->obj, name);
	sj_rc rc;

	if ((rc = r_not_null(r, name, nullable)) != SJ_OK)
		return rc;
	if (v == NULL)
		return SJ_OK;
	if (json_is_null(v)) {
		*out = 0;
		return SJ_OK;
	}
	return id_value(v, rfield(r, name), out, r->e);
}

static sj_rc
r_date(reader *r, const char *name, bool nullable, sj_date *out)
{
	const json_t *v = json_object_get(r->obj, name);
	sj_rc rc;

	if ((rc = r_not_null(r, name, nullable)) != SJ_OK)
		return rc;
	if (v == NULL)
		return SJ_OK;
	if (json_is_null(v)) {
		*out = TASK_DATE_NONE;
		return SJ_OK;
	}
	if (!json_is_string(v))
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "must be a date YYYY-MM-DD");
	return dt_date_parse(json_string_value(v), rfield(r, name), out, r->e);
}

static sj_rc
r_instant(reader *r, const char *name, int64_t *out)
{
	const json_t *v = json_object_get(r->obj, name);
	sj_rc rc;

	if ((rc = r_not_null(r, name, true)) != SJ_OK)
		return rc;
	if (v == NULL || json_is_null(v))
		return SJ_OK;
	if (!json_is_string(v))
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "must be an RFC 3339 date-time");
	return dt_parse_rfc3339(json_string_value(v), rfield(r, name), out, r->e);
}

/* An array member of at most max elements (absent: *out NULL). */
static sj_rc
r_array(reader *r, const char *name, size_t max, const json_t **out)
{
	const json_t *v = json_object_get(r->obj, name);
	sj_rc rc;

	*out = NULL;
	if ((rc = r_not_null(r, name, false)) != SJ_OK || v == NULL)
		return rc;
	if (!json_is_array(v))
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "must be an array");
	if (json_array_size(v) > max)
		return sj_fail(r->e, SJ_EINVAL, rfield(r, name), "has %zu elements; at most %zu",
		    json_array_size(v), max);
	*out = v;
	return SJ_OK;
}

static sj_rc
r_ids(reader *r, const char *name, size_t max, const int64_t **out, size_t *n)
{
	const json_t *arr, *el;
	char f[128];
	int64_t *ids;
	size_t i;
	sj_rc rc;

	if ((rc = r_array(r, name, max, &arr)) != SJ_OK || arr == NULL)
		return rc;
	ids = arena_alloc(r->a, (json_array_size(arr) + 1) * sizeof *ids);
	json_array_foreach(arr, i, el) {
		snprintf(f, sizeof f, "%s%s[%zu]", r->prefix, name, i);
		if ((rc = id_value(el, f, &ids[i], r->e)) != SJ_OK)
			return rc;
	}
	*out = ids;
	*n = json_array_size(arr);
	return SJ_OK;
}

sj_rc
jworkplan_read_plan(const json_t *obj, arena *a, plan_input *inout, bool patch, sj_err *e)
{
	static const char *const allowed[] = {
		"title", "goals", "mechanism", "starts_on", "ends_on", NULL,
	};
	reader r;
	sj_rc rc;

	if (!patch)
		*inout = (plan_input){ .starts_on = TASK_DATE_NONE, .ends_on = TASK_DATE_NONE };
	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "title", false, false, &inout->title)) != SJ_OK ||
	    (rc = r_str(&r, "goals", true, false, &inout->goals)) != SJ_OK ||
	    (rc = r_str(&r, "mechanism", true, true, &inout->mechanism)) != SJ_OK ||
	    (rc = r_date(&r, "starts_on", false, &inout->starts_on)) != SJ_OK)
		return rc;
	return r_date(&r, "ends_on", true, &inout->ends_on);
}

sj_rc
jworkplan_read_task(const json_t *obj, const char *prefix, arena *a, task_input *inout,
    bool patch, sj_err *e)
{
	static const char *const allowed[] = {
		"title", "description", "task_line", "owner_id", "due_on", "unit_ids", NULL,
	};
	reader r;
	sj_rc rc;

	if (!patch)
		*inout = (task_input){ .due_on = TASK_DATE_NONE };
	if ((rc = r_open(&r, obj, prefix, a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "title", false, false, &inout->title)) != SJ_OK ||
	    (rc = r_str(&r, "description", true, true, &inout->description)) != SJ_OK ||
	    (rc = r_str(&r, "task_line", false, false, &inout->task_line)) != SJ_OK ||
	    (rc = r_id(&r, "owner_id", false, &inout->owner_id)) != SJ_OK ||
	    (rc = r_date(&r, "due_on", true, &inout->due_on)) != SJ_OK)
		return rc;
	return r_ids(&r, "unit_ids", TASK_UNITS_MAX + 1, &inout->unit_ids, &inout->n_unit_ids);
}

sj_rc
jworkplan_read_note(const json_t *obj, arena *a, task_note_input *out, sj_err *e)
{
	static const char *const allowed[] = { "body", "noted_on", "status", NULL };
	reader r;
	sj_rc rc;

	*out = (task_note_input){ .noted_on = TASK_DATE_NONE };
	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "body", true, false, &out->body)) != SJ_OK ||
	    (rc = r_date(&r, "noted_on", true, &out->noted_on)) != SJ_OK)
		return rc;
	return r_str(&r, "status", false, true, &out->status);
}

sj_rc
jworkplan_read_link(const json_t *obj, arena *a, const char **record_type, int64_t *record_id,
    sj_err *e)
{
	static const char *const allowed[] = { "record_type", "record_id", NULL };
	reader r;
	sj_rc rc;

	*record_type = NULL;
	*record_id = 0;
	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "record_type", false, false, record_type)) != SJ_OK ||
	    (rc = r_id(&r, "record_id", false, record_id)) != SJ_OK)
		return rc;
	if (*record_id == 0)
		return sj_fail(e, SJ_EINVAL, "record_id", "is required");
	return SJ_OK;
}

static sj_rc
read_task_array(reader *r, const char *name, task_input **tasks, size_t *n)
{
	const json_t *arr, *el;
	char prefix[128];
	size_t i;
	sj_rc rc;

	*tasks = NULL;
	*n = 0;
	if ((rc = r_array(r, name, DECISION_TASKS_MAX + 1, &arr)) != SJ_OK || arr == NULL)
		return rc;
	*tasks = arena_zalloc(r->a, (json_array_size(arr) + 1) * sizeof **tasks);
	json_array_foreach(arr, i, el) {
		snprintf(prefix, sizeof prefix, "%s%s[%zu].", r->prefix, name, i);
		if ((rc = jworkplan_read_task(el, prefix, r->a, &(*tasks)[i], false, r->e)) != SJ_OK)
			return rc;
	}
	*n = json_array_size(arr);
	return SJ_OK;
}

static sj_rc
read_decision(const json_t *obj, const char *prefix, arena *a, decision_input *out, sj_err *e)
{
	static const char *const allowed[] = { "kind", "body", "tasks", NULL };
	task_input *tasks;
	reader r;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = r_open(&r, obj, prefix, a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "kind", false, false, &out->kind)) != SJ_OK ||
	    (rc = r_str(&r, "body", true, false, &out->body)) != SJ_OK ||
	    (rc = read_task_array(&r, "tasks", &tasks, &out->n_tasks)) != SJ_OK)
		return rc;
	out->tasks = tasks;
	return SJ_OK;
}

sj_rc
jworkplan_read_decision(const json_t *obj, arena *a, decision_input *out, sj_err *e)
{
	return read_decision(obj, "", a, out, e);
}

sj_rc
jworkplan_read_tasks(const json_t *obj, arena *a, task_input **tasks, size_t *n, sj_err *e)
{
	static const char *const allowed[] = { "tasks", NULL };
	reader r;
	sj_rc rc;

	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = read_task_array(&r, "tasks", tasks, n)) != SJ_OK)
		return rc;
	return *tasks ? SJ_OK : sj_fail(e, SJ_EINVAL, "tasks", "is required");
}

static sj_rc
read_attendee(const json_t *obj, const char *prefix, arena *a, attendee_input *out, sj_err *e)
{
	static const char *const allowed[] = { "member_id", "name", "affiliation", NULL };
	reader r;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = r_open(&r, obj, prefix, a, e, allowed)) != SJ_OK ||
	    (rc = r_id(&r, "member_id", false, &out->member_id)) != SJ_OK ||
	    (rc = r_str(&r, "name", false, false, &out->name)) != SJ_OK)
		return rc;
	return r_str(&r, "affiliation", false, true, &out->affiliation);
}

static sj_rc
read_meeting_lists(reader *r, meeting_input *out)
{
	const json_t *arr, *el;
	attendee_input *attendees;
	decision_input *decisions;
	char prefix[48];
	size_t i;
	sj_rc rc;

	if ((rc = r_array(r, "attendees", MEETING_ATTENDEES_MAX + 1, &arr)) != SJ_OK)
		return rc;
	if (arr) {
		attendees = arena_zalloc(r->a, (json_array_size(arr) + 1) * sizeof *attendees);
		json_array_foreach(arr, i, el) {
			snprintf(prefix, sizeof prefix, "attendees[%zu].", i);
			if ((rc = read_attendee(el, prefix, r->a, &attendees[i], r->e)) != SJ_OK)
				return rc;
		}
		out->attendees = attendees;
		out->n_attendees = json_array_size(arr);
	}
	if ((rc = r_array(r, "decisions", MEETING_DECISIONS_MAX + 1, &arr)) != SJ_OK || !arr)
		return rc;
	decisions = arena_zalloc(r->a, (json_array_size(arr) + 1) * sizeof *decisions);
	json_array_foreach(arr, i, el) {
		snprintf(prefix, sizeof prefix, "decisions[%zu].", i);
		if ((rc = read_decision(el, prefix, r->a, &decisions[i], r->e)) != SJ_OK)
			return rc;
	}
	out->decisions = decisions;
	out->n_decisions = json_array_size(arr);
	return SJ_OK;
}

sj_rc
jworkplan_read_meeting(const json_t *obj, arena *a, meeting_input *out, sj_err *e)
{
	static const char *const allowed[] = {
		"kind", "held_on", "title", "place", "agenda", "summary", "unit_id", "department_id",
		"attendees", "decisions", NULL,
	};
	reader r;
	sj_rc rc;

	*out = (meeting_input){ .held_on = TASK_DATE_NONE };
	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "kind", false, false, &out->kind)) != SJ_OK ||
	    (rc = r_date(&r, "held_on", false, &out->held_on)) != SJ_OK ||
	    (rc = r_str(&r, "title", false, false, &out->title)) != SJ_OK ||
	    (rc = r_str(&r, "place", false, true, &out->place)) != SJ_OK ||
	    (rc = r_str(&r, "agenda", true, true, &out->agenda)) != SJ_OK ||
	    (rc = r_str(&r, "summary", true, true, &out->summary)) != SJ_OK ||
	    (rc = r_id(&r, "unit_id", true, &out->unit_id)) != SJ_OK ||
	    (rc = r_id(&r, "department_id", true, &out->department_id)) != SJ_OK)
		return rc;
	return read_meeting_lists(&r, out);
}

sj_rc
jworkplan_read_branch(const json_t *obj, arena *a, branch_input *out, sj_err *e)
{
	static const char *const allowed[] = {
		"name", "founded_on", "secretary_id", "member_ids", NULL,
	};
	reader r;
	sj_rc rc;

	*out = (branch_input){ .founded_on = TASK_DATE_NONE };
	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, "name", false, false, &out->name)) != SJ_OK ||
	    (rc = r_date(&r, "founded_on", false, &out->founded_on)) != SJ_OK ||
	    (rc = r_id(&r, "secretary_id", false, &out->secretary_id)) != SJ_OK)
		return rc;
	return r_ids(&r, "member_ids", BRANCH_MEMBERS_MAX + 1, &out->member_ids,
	    &out->n_member_ids);
}

sj_rc
jworkplan_read_reporting(const json_t *obj, arena *a, sj_date *reported_on,
    const char **contact, sj_err *e)
{
	static const char *const allowed[] = { "reported_on", "contact", NULL };
	reader r;
	sj_rc rc;

	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_date(&r, "reported_on", true, reported_on)) != SJ_OK)
		return rc;
	return r_str(&r, "contact", false, true, contact);
}

sj_rc
jworkplan_read_step(const json_t *obj, arena *a, const char *text_name, const char **text,
    int64_t *at, sj_err *e)
{
	const char *const allowed[] = { text_name, "at", NULL };
	reader r;
	sj_rc rc;

	*text = NULL;
	*at = 0;
	if (obj == NULL)
		return SJ_OK;
	if ((rc = r_open(&r, obj, "", a, e, allowed)) != SJ_OK ||
	    (rc = r_str(&r, text_name, true, true, text)) != SJ_OK)
		return rc;
	return r_instant(&r, "at", at);
}
