/*
 * jresumption — JSON of resumption reports and rates (jresumption.h).
 */
#include "json/jresumption.h"

#include <string.h>

#include "json/jorg.h"

static json_t *
jopt(int64_t v)
{
	return v == RESUMPTION_NONE ? json_null() : json_integer(v);
}

static json_t *
fraction(int64_t num, int64_t den)
{
	return json_pack("{s:I, s:I}", "numerator", (json_int_t)num, "denominator",
	    (json_int_t)den);
}

json_t *
jresumption_report(const resumption_report *r)
{
	json_t *blockers = json_array();

	for (size_t i = 0; i < r->n_blockers; i++)
		json_array_append_new(blockers, json_integer(r->blocker_ids[i]));
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:s, s:b, s:o, s:o}",
	    "id", (json_int_t)r->id, "unit_id", (json_int_t)r->unit_id,
	    "unit_name", r->unit_name, "unit_kind", r->unit_kind,
	    "report_date", jorg_date(r->report_date), "status", r->status,
	    "staff_on_site", jopt(r->staff_on_site), "staff_total", jopt(r->staff_total),
	    "capacity_pct", jopt(r->capacity_pct), "note", r->note, "assumed", r->assumed,
	    "blocker_ids", blockers, "created_at", jorg_instant(r->created_at));
}

json_t *
jresumption_rate(const resumption_rate *r)
{
	json_t *staff = fraction(r->staff_on_site, r->staff_total);

	json_object_set_new(staff, "reports", json_integer(r->staff_reporting));
	return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
	    "date", jorg_date(r->on), "units", (json_int_t)r->units,
	    "reporting", (json_int_t)r->reporting, "resumed", (json_int_t)r->resumed,
	    "partial", (json_int_t)r->partial, "not_resumed", (json_int_t)r->not_resumed,
	    "resumed_rate", fraction(r->resumed, r->reporting),
	    "partial_rate", fraction(r->partial, r->reporting),
	    "staff_return_rate", staff);
}

/* An optional integer member: absent or null leaves *out. */
static sj_rc
get_int(const json_t *obj, const char *name, int64_t *out, sj_err *e)
{
	const json_t *v = json_object_get(obj, name);

	if (v == NULL || json_is_null(v))
		return SJ_OK;
	if (!json_is_integer(v))
		return sj_fail(e, SJ_EINVAL, name, "must be an integer");
	if (json_integer_value(v) < 0)
		return sj_fail(e, SJ_EINVAL, name, "must not be negative");
	*out = json_integer_value(v);
	return SJ_OK;
}

/* An optional string member: absent or null leaves *out. */
static sj_rc
get_str(const json_t *obj, const char *name, arena *a, const char **out, sj_err *e)
{
	const json_t *v = json_object_get(obj, name);

	if (v == NULL || json_is_null(v))
		return SJ_OK;
	if (!json_is_string(v))
		return sj_fail(e, SJ_EINVAL, name, "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return sj_fail(e, SJ_EINVAL, name, "must not contain NUL");
	*out = arena_strdup(a, json_string_value(v));
	return SJ_OK;
}

static sj_rc
get_blockers(const json_t *obj, arena *a, resumption_input *out, sj_err *e)
{
	const json_t *v = json_object_get(obj, "blocker_ids"), *x;
	int64_t *ids;
	size_t i;

	if (v == NULL || json_is_null(v))
		return SJ_OK;
	if (!json_is_array(v))
		return sj_fail(e, SJ_EINVAL, "blocker_ids", "must be an array of request ids");
	if (json_array_size(v) > RESUMPTION_BLOCKERS_MAX)
		return sj_fail(e, SJ_EINVAL, "blocker_ids", "has %zu requests; at most %d",
		    json_array_size(v), RESUMPTION_BLOCKERS_MAX);
	ids = arena_alloc(a, (json_array_size(v) + 1) * sizeof *ids);
	json_array_foreach(v, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 1)
			return sj_fail(e, SJ_EINVAL, "blocker_ids", "element %zu is not a request id", i);
		ids[i] = json_integer_value(x);
	}
	out->blocker_ids = ids;
	out->n_blockers = json_array_size(v);
	return SJ_OK;
}

sj_rc
jresumption_read_report(const json_t *obj, arena *a, int64_t unit_id, resumption_input *out,
    sj_err *e)
{
	static const char *const allowed[] = {
		"report_date", "status", "staff_on_site", "staff_total", "capacity_pct", "note",
		"blocker_ids", NULL,
	};
	const char *key, *date = NULL;
	const json_t *v;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->unit_id = unit_id;
	out->report_date = RESUMPTION_DATE_NONE;
	out->staff_on_site = out->staff_total = out->capacity_pct = RESUMPTION_NONE;
	if (!json_is_object(obj))
		return sj_fail(e, SJ_EINVAL, NULL, "the body must be a JSON object");
	json_object_foreach((json_t *)obj, key, v) {
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], key) != 0)
			i++;
		if (allowed[i] == NULL)
			return sj_fail(e, SJ_EINVAL, key, "is not a member of a resumption report");
	}
	if ((rc = get_str(obj, "report_date", a, &date, e)) != SJ_OK ||
	    (rc = get_str(obj, "status", a, &out->status, e)) != SJ_OK ||
	    (rc = get_str(obj, "note", a, &out->note, e)) != SJ_OK ||
	    (rc = get_int(obj, "staff_on_site", &out->staff_on_site, e)) != SJ_OK ||
	    (rc = get_int(obj, "staff_total", &out->staff_total, e)) != SJ_OK ||
	    (rc = get_int(obj, "capacity_pct", &out->capacity_pct, e)) != SJ_OK ||
	    (rc = get_blockers(obj, a, out, e)) != SJ_OK)
		return rc;
	if (date)
		return dt_date_parse(date, "report_date", &out->report_date, e);
	return SJ_OK;
}
