/*
 * jvisit — visits and inspections as JSON, both ways.
 */
#include "json/jvisit.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "json/jorg.h"

/* ---- output --------------------------------------------------------------- */

/* A local date, or null for the "not given" sentinel. */
static json_t *
jdate(sj_date d)
{
	char buf[DT_DATE_LEN];

	if (d == VISIT_DATE_NONE)
		return json_null();
	dt_date_format(d, buf);
	return json_string(buf);
}

json_t *
jvisit_need(const need *n)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)n->id, "visit_id", (json_int_t)n->visit_id,
	    "unit_id", (json_int_t)n->unit_id, "household_id", jorg_id(n->household_id),
	    "visited_on", jdate(n->visited_on), "category", n->category,
	    "difficulty", jorg_str(n->difficulty), "request_id", jorg_id(n->request_id),
	    "created_at", jorg_instant(n->created_at), "task_line", jorg_str(n->task_line));
}

json_t *
jvisit_visit(const visit *v)
{
	json_t *visitors = json_array(), *needs = json_array();

	for (size_t i = 0; i < v->n_visitors; i++)
		json_array_append_new(visitors, json_pack("{s:I, s:s}",
		    "member_id", (json_int_t)v->visitors[i].member_id, "name", v->visitors[i].name));
	for (size_t i = 0; i < v->n_needs; i++)
		json_array_append_new(needs, jvisit_need(&v->needs[i]));
	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)v->id, "unit_id", (json_int_t)v->unit_id, "unit_name", v->unit_name,
	    "household_id", jorg_id(v->household_id), "household", jorg_str(v->household),
	    "visited_on", jdate(v->visited_on), "purpose", v->purpose,
	    "summary", jorg_str(v->summary), "visitors", visitors, "needs", needs,
	    "created_at", jorg_instant(v->created_at), "updated_at", jorg_instant(v->updated_at),
	    "task_line", jorg_str(v->task_line));
}

json_t *
jvisit_checklist(const checklist *c)
{
	json_t *items = json_array();

	for (size_t i = 0; i < c->n_items; i++)
		json_array_append_new(items, json_pack("{s:I, s:i, s:s, s:s}",
		    "id", (json_int_t)c->items[i].id, "position", c->items[i].position,
		    "code", c->items[i].code, "label", c->items[i].label));
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)c->id, "code", c->code,
	    "name", c->name, "target", c->target, "items", items);
}

json_t *
jvisit_recheck(const recheck *r)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)r->id, "finding_id", (json_int_t)r->finding_id,
	    "inspection_id", jorg_id(r->inspection_id), "checked_on", jdate(r->checked_on),
	    "result", r->result, "note", jorg_str(r->note), "rectify_by", jdate(r->rectify_by),
	    "created_at", jorg_instant(r->created_at));
}

json_t *
jvisit_inspection(const inspection *n)
{
	json_t *inspectors = json_array(), *items = json_array(), *rechecks = json_array();

	for (size_t i = 0; i < n->n_inspectors; i++)
		json_array_append_new(inspectors, json_pack("{s:I, s:s}",
		    "member_id", (json_int_t)n->inspectors[i].member_id,
		    "name", n->inspectors[i].name));
	for (size_t i = 0; i < n->n_items; i++) {
		const item_result *r = &n->items[i];
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}",
		    "item_id", (json_int_t)r->item_id, "item", r->item, "label", r->label,
		    "result", r->result, "note", jorg_str(r->note),
		    "finding_id", jorg_id(r->finding_id)));
	}
	for (size_t i = 0; i < n->n_rechecks; i++)
		json_array_append_new(rechecks, jvisit_recheck(&n->rechecks[i]));
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o,"
	    " s:o, s:o}",
	    "id", (json_int_t)n->id, "unit_id", (json_int_t)n->unit_id, "unit_name", n->unit_name,
	    "place_id", (json_int_t)n->place_id, "place_name", n->place_name,
	    "checkpoint_id", jorg_id(n->checkpoint_id),
	    "checkpoint_name", jorg_str(n->checkpoint_name), "checklist", n->checklist,
	    "inspected_on", jdate(n->inspected_on), "summary", jorg_str(n->summary),
	    "inspectors", inspectors, "items", items, "rechecks", rechecks,
	    "created_at", jorg_instant(n->created_at), "updated_at", jorg_instant(n->updated_at));
}

json_t *
jvisit_finding(const finding *f, sj_date today)
{
	bool open = strcmp(f->status, "open") == 0;
	json_t *j, *rechecks;

	j = json_pack("{s:I, s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o,"
	    " s:s, s:b, s:o, s:o, s:o}",
	    "id", (json_int_t)f->id, "inspection_id", (json_int_t)f->inspection_id,
	    "unit_id", (json_int_t)f->unit_id, "unit_name", f->unit_name,
	    "place_id", (json_int_t)f->place_id, "place_name", f->place_name,
	    "checkpoint_id", jorg_id(f->checkpoint_id),
	    "checkpoint_name", jorg_str(f->checkpoint_name), "item", f->item, "label", f->label,
	    "description", f->description, "found_on", jdate(f->found_on),
	    "rectify_by", jdate(f->rectify_by), "status", f->status,
	    "overdue", open && f->rectify_by < today, "closed_on", jdate(f->closed_on),
	    "closed_by", jorg_id(f->closed_by), "created_at", jorg_instant(f->created_at));
	if (f->rechecks) {
		rechecks = json_array();
		for (size_t i = 0; i < f->n_rechecks; i++)
			json_array_append_new(rechecks, jvisit_recheck(&f->rechecks[i]));
		json_object_set_new(j, "rechecks", rechecks);
	}
	return j;
}

json_t *
jvisit_redact(const json_t *j)
{
	json_t *c, *n;
	size_t i;

	if (j == NULL)
		return NULL;
	c = json_deep_copy(j);
	if (json_is_null(json_object_get(c, "household_id")))
		return c;
	json_object_del(c, "summary");
	json_object_del(c, "difficulty");
	json_array_foreach(json_object_get(c, "needs"), i, n)
		json_object_del(n, "difficulty");
	return c;
}

/* ---- input ---------------------------------------------------------------- */

/* What a member of the object held. */
enum { ABSENT, GIVEN, NULLED };

/* The field name prefix + name into buf. */
static const char *
fname(char *buf, size_t n, const char *prefix, const char *name)
{
	snprintf(buf, n, "%s%s", prefix, name);
	return buf;
}

/* Refuse a non-object and members not in allowed. */
static sj_rc
check_object(const json_t *obj, const char *prefix, const char *const *allowed, sj_err *e)
{
	char f[96];
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		/* "needs[1]." names the element "needs[1]"; "" the body. */
		snprintf(f, sizeof f, "%.*s", *prefix ? (int)strlen(prefix) - 1 : 4,
		    *prefix ? prefix : "body");
		return sj_fail(e, SJ_EINVAL, f, "must be a JSON object");
	}
	json_object_foreach((json_t *)obj, key, v) {
		const char *const *p;
		for (p = allowed; *p && strcmp(*p, key) != 0; p++)
			;
		if (*p == NULL)
			return sj_fail(e, SJ_EINVAL, fname(f, sizeof f, prefix, key), "unknown field");
	}
	return SJ_OK;
}

/* Member name as a string: single-line unless text.  *state says what
 * was there; *out is set only when GIVEN (NULL when NULLED). */
static sj_rc
get_str(const json_t *obj, const char *prefix, const char *name, bool text, arena *a,
    const char **out, int *state, sj_err *e)
{
	const json_t *v = json_object_get(obj, name);
	char f[96];
	sj_rc rc;

	*state = v == NULL ? ABSENT : json_is_null(v) ? NULLED : GIVEN;
	if (*state == NULLED)
		*out = NULL;
	if (*state != GIVEN)
		return SJ_OK;
	fname(f, sizeof f, prefix, name);
	if (!json_is_string(v))
		return sj_fail(e, SJ_EINVAL, f, "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return sj_fail(e, SJ_EINVAL, f, "must not contain NUL characters");
	rc = text_check_utf8(json_string_value(v), json_string_length(v), f,
	    text ? TEXT_NO_CONTROL : TEXT_SINGLE_LINE, e);
	if (rc == SJ_OK)
		*out = arena_strdup(a, json_string_value(v));
	return rc;
}

static sj_rc
check_id(const json_t *v, const char *f, int64_t *out, sj_err *e)
{
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return sj_fail(e, SJ_EINVAL, f, "must be an id (an integer, 1 or more)");
	*out = json_integer_value(v);
	return SJ_OK;
}

static sj_rc
get_id(const json_t *obj, const char *prefix, const char *name, int64_t *out, int *state,
    sj_err *e)
{
	const json_t *v = json_object_get(obj, name);
	char f[96];

	*state = v == NULL ? ABSENT : json_is_null(v) ? NULLED : GIVEN;
	if (*state == NULLED)
		*out = 0;
	if (*state != GIVEN)
		return SJ_OK;
	return check_id(v, fname(f, sizeof f, prefix, name), out, e);
}

static sj_rc
get_date(const json_t *obj, const char *prefix, const char *name, sj_date *out, int *state,
    sj_err *e)
{
	const json_t *v = json_object_get(obj, name);
	char f[96];

	*state = v == NULL ? ABSENT : json_is_null(v) ? NULLED : GIVEN;
	if (*state == NULLED)
		*out = VISIT_DATE_NONE;
	if (*state != GIVEN)
		return SJ_OK;
	fname(f, sizeof f, prefix, name);
	if (!json_is_string(v))
		return sj_fail(e, SJ_EINVAL, f, "must be a date YYYY-MM-DD");
	return dt_date_parse(json_string_value(v), f, out, e);
}

/* An array of ids (at most max elements, checked by the domain for its
 * own limit; this bound only keeps the arena small). */
static sj_rc
get_ids(const json_t *obj, const char *name, size_t max, arena *a, const int64_t **out,
    size_t *n, int *state, sj_err *e)
{
	const json_t *v = json_object_get(obj, name), *el;
	char f[96];
	int64_t *ids;
	size_t i;
	sj_rc rc;

	*state = v == NULL ? ABSENT : json_is_null(v) ? NULLED : GIVEN;
	if (*state != GIVEN)
		return *state == NULLED ? sj_fail(e, SJ_EINVAL, name, "must not be null") : SJ_OK;
	if (!json_is_array(v))
		return sj_fail(e, SJ_EINVAL, name, "must be an array of ids");
	if (json_array_size(v) > max)
		return sj_fail(e, SJ_EINVAL, name, "has %zu elements; at most %zu",
		    json_array_size(v), max);
	ids = arena_alloc(a, (json_array_size(v) + 1) * sizeof *ids);
	json_array_foreach(v, i, el) {
		snprintf(f, sizeof f, "%s[%zu]", name, i);
		if ((rc = check_id(el, f, &ids[i], e)) != SJ_OK)
			return rc;
	}
	*out = ids;
	*n = json_array_size(v);
	return SJ_OK;
}

/* The array member name (absent: none), at most max elements. */
static sj_rc
get_array(const json_t *obj, const char *name, size_t max, const json_t **out, sj_err *e)
{
	const json_t *v = json_object_get(obj, name);

	*out = NULL;
	if (v == NULL)
		return SJ_OK;
	if (!json_is_array(v))
		return sj_fail(e, SJ_EINVAL, name, "must be an array of objects");
	if (json_array_size(v) > max)
		return sj_fail(e, SJ_EINVAL, name, "has %zu elements; at most %zu",
		    json_array_size(v), max);
	*out = v;
	return SJ_OK;
}

/* Refuse null for a member that has no "none" value. */
static sj_rc
not_null(int state, const char *name, sj_err *e)
{
	return state == NULLED ? sj_fail(e, SJ_EINVAL, name, "must not be null") : SJ_OK;
}

static sj_rc
read_need(const json_t *obj, const char *prefix, arena *a, need_input *out, sj_err *e)
{
	static const char *const allowed[] = { "category", "difficulty", "task_line", NULL };
	int st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_object(obj, prefix, allowed, e)) != SJ_OK ||
	    (rc = get_str(obj, prefix, "category", false, a, &out->category, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, prefix, "difficulty", true, a, &out->difficulty, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, prefix, "task_line", false, a, &out->task_line, &st, e)) != SJ_OK)
		return rc;
	return SJ_OK;
}

sj_rc
jvisit_read_need(const json_t *obj, arena *a, need_input *out, sj_err *e)
{
	return read_need(obj, "", a, out, e);
}

/* The fields a visit and its patch share. */
static sj_rc
read_visit_common(const json_t *obj, arena *a, visit_input *v, sj_err *e)
{
	int st;
	sj_rc rc;

	if ((rc = get_date(obj, "", "visited_on", &v->visited_on, &st, e)) != SJ_OK ||
	    (rc = not_null(st, "visited_on", e)) != SJ_OK ||
	    (rc = get_str(obj, "", "purpose", false, a, &v->purpose, &st, e)) != SJ_OK ||
	    (rc = not_null(st, "purpose", e)) != SJ_OK ||
	    (rc = get_str(obj, "", "summary", true, a, &v->summary, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "task_line", false, a, &v->task_line, &st, e)) != SJ_OK)
		return rc;
	return get_ids(obj, "visitor_ids", 1000, a, &v->visitor_ids, &v->n_visitor_ids, &st, e);
}

sj_rc
jvisit_read_visit(const json_t *obj, arena *a, visit_input *out, sj_err *e)
{
	static const char *const allowed[] = {
		"unit_id", "household_id", "visited_on", "purpose", "summary", "visitor_ids",
		"needs", "task_line", NULL,
	};
	const json_t *needs;
	need_input *arr;
	char prefix[32];
	int st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->visited_on = VISIT_DATE_NONE;
	if ((rc = check_object(obj, "", allowed, e)) != SJ_OK ||
	    (rc = get_id(obj, "", "unit_id", &out->unit_id, &st, e)) != SJ_OK ||
	    (rc = get_id(obj, "", "household_id", &out->household_id, &st, e)) != SJ_OK ||
	    (rc = read_visit_common(obj, a, out, e)) != SJ_OK ||
	    (rc = get_array(obj, "needs", 1000, &needs, e)) != SJ_OK)
		return rc;
	if (needs == NULL)
		return SJ_OK;
	arr = arena_zalloc(a, (json_array_size(needs) + 1) * sizeof *arr);
	for (size_t i = 0; i < json_array_size(needs); i++) {
		snprintf(prefix, sizeof prefix, "needs[%zu].", i);
		if ((rc = read_need(json_array_get(needs, i), prefix, a, &arr[i], e)) != SJ_OK)
			return rc;
	}
	out->needs = arr;
	out->n_needs = json_array_size(needs);
	return SJ_OK;
}

sj_rc
jvisit_read_visit_patch(const json_t *obj, arena *a, visit_input *inout, sj_err *e)
{
	static const char *const allowed[] = {
		"visited_on", "purpose", "summary", "visitor_ids", "task_line", NULL,
	};
	sj_rc rc;

	if ((rc = check_object(obj, "", allowed, e)) != SJ_OK)
		return rc;
	return read_visit_common(obj, a, inout, e);
}

static sj_rc
read_item(const json_t *obj, const char *prefix, arena *a, item_result_input *out, sj_err *e)
{
	static const char *const allowed[] = { "item", "result", "note", "rectify_by", NULL };
	int st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->rectify_by = INSPECTION_DATE_NONE;
	if ((rc = check_object(obj, prefix, allowed, e)) != SJ_OK ||
	    (rc = get_str(obj, prefix, "item", false, a, &out->item, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, prefix, "result", false, a, &out->result, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, prefix, "note", true, a, &out->note, &st, e)) != SJ_OK)
		return rc;
	return get_date(obj, prefix, "rectify_by", &out->rectify_by, &st, e);
}

sj_rc
jvisit_read_inspection(const json_t *obj, arena *a, inspection_input *out, sj_err *e)
{
	static const char *const allowed[] = {
		"checkpoint_id", "place_id", "checklist", "inspected_on", "summary",
		"inspector_ids", "items", NULL,
	};
	const json_t *items;
	item_result_input *arr;
	char prefix[32];
	int st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->inspected_on = INSPECTION_DATE_NONE;
	if ((rc = check_object(obj, "", allowed, e)) != SJ_OK ||
	    (rc = get_id(obj, "", "checkpoint_id", &out->checkpoint_id, &st, e)) != SJ_OK ||
	    (rc = get_id(obj, "", "place_id", &out->place_id, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "checklist", false, a, &out->checklist, &st, e)) != SJ_OK ||
	    (rc = get_date(obj, "", "inspected_on", &out->inspected_on, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "summary", true, a, &out->summary, &st, e)) != SJ_OK ||
	    (rc = get_ids(obj, "inspector_ids", 1000, a, &out->inspector_ids,
	    &out->n_inspector_ids, &st, e)) != SJ_OK ||
	    (rc = get_array(obj, "items", 1000, &items, e)) != SJ_OK)
		return rc;
	if (items == NULL)
		return SJ_OK;
	arr = arena_zalloc(a, (json_array_size(items) + 1) * sizeof *arr);
	for (size_t i = 0; i < json_array_size(items); i++) {
		snprintf(prefix, sizeof prefix, "items[%zu].", i);
		if ((rc = read_item(json_array_get(items, i), prefix, a, &arr[i], e)) != SJ_OK)
			return rc;
	}
	out->items = arr;
	out->n_items = json_array_size(items);
	return SJ_OK;
}

sj_rc
jvisit_read_inspection_patch(const json_t *obj, arena *a, inspection_input *inout, sj_err *e)
{
	static const char *const allowed[] = { "summary", "inspector_ids", NULL };
	int st;
	sj_rc rc;

	if ((rc = check_object(obj, "", allowed, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "summary", true, a, &inout->summary, &st, e)) != SJ_OK)
		return rc;
	return get_ids(obj, "inspector_ids", 1000, a, &inout->inspector_ids,
	    &inout->n_inspector_ids, &st, e);
}

sj_rc
jvisit_read_recheck(const json_t *obj, arena *a, recheck_input *out, sj_err *e)
{
	static const char *const allowed[] = { "checked_on", "result", "note", "rectify_by", NULL };
	int st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->checked_on = INSPECTION_DATE_NONE;
	out->rectify_by = INSPECTION_DATE_NONE;
	if ((rc = check_object(obj, "", allowed, e)) != SJ_OK ||
	    (rc = get_date(obj, "", "checked_on", &out->checked_on, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "result", false, a, &out->result, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "note", true, a, &out->note, &st, e)) != SJ_OK)
		return rc;
	return get_date(obj, "", "rectify_by", &out->rectify_by, &st, e);
}

sj_rc
jvisit_read_checklist(const json_t *obj, arena *a, checklist_input *out, sj_err *e)
{
	static const char *const allowed[] = { "code", "name", "target", "items", NULL };
	static const char *const item_allowed[] = { "code", "label", NULL };
	const json_t *items;
	checklist_item_input *arr;
	char prefix[32];
	int st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_object(obj, "", allowed, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "code", false, a, &out->code, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "name", false, a, &out->name, &st, e)) != SJ_OK ||
	    (rc = get_str(obj, "", "target", false, a, &out->target, &st, e)) != SJ_OK ||
	    (rc = get_array(obj, "items", 1000, &items, e)) != SJ_OK)
		return rc;
	if (items == NULL)
		return SJ_OK;
	arr = arena_zalloc(a, (json_array_size(items) + 1) * sizeof *arr);
	for (size_t i = 0; i < json_array_size(items); i++) {
		const json_t *it = json_array_get(items, i);
		snprintf(prefix, sizeof prefix, "items[%zu].", i);
		if ((rc = check_object(it, prefix, item_allowed, e)) != SJ_OK ||
		    (rc = get_str(it, prefix, "code", false, a, &arr[i].code, &st, e)) != SJ_OK ||
		    (rc = get_str(it, prefix, "label", false, a, &arr[i].label, &st, e)) != SJ_OK)
			return rc;
	}
	out->items = arr;
	out->n_items = json_array_size(items);
	return SJ_OK;
}
