/*
 * jrequest — service-request records as JSON objects.
 */
#include "json/jrequest.h"

#include <stdio.h>

#include "json/jorg.h"

json_t *
jrequest_date(sj_date d)
{
	char buf[DT_DATE_LEN];

	dt_date_format(d, buf);
	return json_string(buf);
}

static json_t *
attrs_json(const service *sv)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < sv->n_attrs; i++) {
		const service_attr *at = &sv->attrs[i];
		json_t *vals = json_array();
		for (size_t j = 0; j < at->n_values; j++)
			json_array_append_new(vals, json_pack("{s:s, s:s}", "key", at->values[j].key,
			    "name", at->values[j].name));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:i, s:o}",
		    "code", at->code, "datatype", at->datatype, "required", at->required,
		    "description", at->description, "order", at->order, "values", vals));
	}
	return arr;
}

json_t *
jrequest_service(const service *sv, bool with_attrs)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:i, s:b, s:i}",
	    "code", sv->code, "name", sv->name, "name_en", sv->name_en,
	    "description", sv->description, "group", sv->group_name, "keywords", sv->keywords,
	    "department_id", jorg_id(sv->department_id), "department_name", sv->department_name,
	    "response_days", sv->response_days, "resolution_days", sv->resolution_days,
	    "active", sv->active, "position", sv->position);

	if (with_attrs)
		json_object_set_new(j, "attributes", attrs_json(sv));
	return j;
}

json_t *
jrequest_referral(const referral *f)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:i, s:o, s:o, s:o, s:o, s:b}",
	    "id", (json_int_t)f->id, "request_id", (json_int_t)f->request_id,
	    "department_id", (json_int_t)f->department_id, "department_name", f->department_name,
	    "sent_at", jorg_instant(f->sent_at), "due_days", f->due_days,
	    "due_on", jrequest_date(f->due_on),
	    "replied_at", f->replied_at ? jorg_instant(f->replied_at) : json_null(),
	    "reply", jorg_str(f->reply), "outcome", jorg_str(f->outcome), "overdue", f->overdue);
}

json_t *
jrequest_update(const request_update *u)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:o, s:s, s:s, s:s, s:b, s:s, s:o}",
	    "id", (json_int_t)u->id, "at", jorg_instant(u->at),
	    "recorded_at", jorg_instant(u->recorded_at), "user_id", jorg_id(u->user_id),
	    "author", u->author, "department_id", jorg_id(u->department_id),
	    "department_name", *u->department_name ? json_string(u->department_name) : json_null(),
	    "kind", u->kind, "from_status", request_status_name(u->from_status),
	    "to_status", request_status_name(u->to_status), "applied", u->applied,
	    "comment", u->comment, "referral_id", jorg_id(u->referral_id));
}

static json_t *
location_json(const service_request *r)
{
	if (!r->has_location)
		return json_null();
	return json_pack("{s:f, s:f}", "lat", (double)r->lat_e6 / 1e6,
	    "long", (double)r->lon_e6 / 1e6);
}

static void
add_history(json_t *j, const service_request *r)
{
	json_t *attrs = json_object(), *refs = json_array(), *ups = json_array();

	for (size_t i = 0; i < r->n_attrs; i++)
		json_object_set_new(attrs, r->attrs[i].code, json_string(r->attrs[i].value));
	for (size_t i = 0; i < r->n_referrals; i++)
		json_array_append_new(refs, jrequest_referral(&r->referrals[i]));
	for (size_t i = 0; i < r->n_updates; i++)
		json_array_append_new(ups, jrequest_update(&r->updates[i]));
	json_object_set_new(j, "attributes", attrs);
	json_object_set_new(j, "referrals", refs);
	json_object_set_new(j, "updates", ups);
}

json_t *
jrequest_request(const service_request *r, bool full)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)r->id, "service_code", r->service_code,
	    "service_name", r->service_name, "unit_id", jorg_id(r->unit_id),
	    "unit_name", *r->unit_name ? json_string(r->unit_name) : json_null(),
	    "person_id", jorg_id(r->person_id),
	    "person_name", *r->person_name ? json_string(r->person_name) : json_null(),
	    "reporter_name", *r->reporter_name ? json_string(r->reporter_name) : json_null(),
	    "description", r->description,
	    "address", *r->address ? json_string(r->address) : json_null(),
	    "place_id", jorg_id(r->place_id), "location", location_json(r));

	json_object_set_new(j, "reported_at", jorg_instant(r->reported_at));
	json_object_set_new(j, "reported_at_assumed", json_boolean(r->reported_at_assumed));
	json_object_set_new(j, "created_at", jorg_instant(r->created_at));
	json_object_set_new(j, "updated_at", jorg_instant(r->updated_at));
	json_object_set_new(j, "priority", json_string(r->priority));
	json_object_set_new(j, "status", json_string(request_status_name(r->status)));
	json_object_set_new(j, "status_at", jorg_instant(r->status_at));
	json_object_set_new(j, "open", json_boolean(request_status_open(r->status)));
	json_object_set_new(j, "source", json_string(r->source));
	json_object_set_new(j, "origin", *r->origin ? json_string(r->origin) : json_null());
	json_object_set_new(j, "duplicate_of", jorg_id(r->duplicate_of));
	json_object_set_new(j, "response_days", json_integer(r->response_days));
	json_object_set_new(j, "resolution_days", json_integer(r->resolution_days));
	json_object_set_new(j, "receipt_day", jrequest_date(r->receipt_day));
	json_object_set_new(j, "response_due", jrequest_date(r->response_due));
	json_object_set_new(j, "resolution_due", jrequest_date(r->resolution_due));
	json_object_set_new(j, "overdue", json_boolean(r->overdue));
	json_object_set_new(j, "task_line", r->task_line ? json_string(r->task_line) : json_null());
	if (full)
		add_history(j, r);
	return j;
}

json_t *
jrequest_request_summary(const json_t *j)
{
	static const char *const keys[] = { "id", "service_code", "unit_id", "status",
	    "status_at", "priority", "response_due", "resolution_due", NULL };
	json_t *out;

	if (j == NULL)
		return NULL;
	out = json_object();
	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(j, *k);
		if (v)
			json_object_set(out, *k, v);
	}
	return out;
}

json_t *
jrequest_referral_row(const referral *f, const service_request *r)
{
	json_t *j = jrequest_referral(f);

	json_object_set_new(j, "request", jrequest_request(r, false));
	return j;
}

json_t *
jrequest_calendar_year(const calendar_year *y, bool with_days)
{
	json_t *j = json_pack("{s:i, s:s, s:o, s:I}", "year", y->year, "source", y->source,
	    "loaded_at", y->loaded_at ? jorg_instant(y->loaded_at) : json_null(),
	    "n_days", (json_int_t)y->n_days);

	if (with_days) {
		json_t *days = json_array();
		for (size_t i = 0; i < y->n_days; i++)
			json_array_append_new(days, json_pack("{s:o, s:b, s:s}",
			    "date", jrequest_date(y->days[i].day), "working", y->days[i].working,
			    "name", y->days[i].name ? y->days[i].name : ""));
		json_object_set_new(j, "days", days);
	}
	return j;
}
