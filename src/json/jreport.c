/*
 * jreport — JSON of the daily report (jreport.h).
 */
#include "json/jreport.h"

#include "json/jorg.h"
#include "json/jresumption.h"

static json_t *
jqty(const report_qty *q, size_t n, bool with_units)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s}", "item_id", (json_int_t)q[i].item_id,
		    "item", q[i].item_name, "qty", (json_int_t)q[i].qty, "uom", q[i].uom,
		    "display", q[i].display);

		if (with_units)
			json_object_set_new(o, "units", json_integer(q[i].units));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
jrequests(const report_daily *r)
{
	json_t *deps = json_array(), *resolved = json_array();

	for (size_t i = 0; i < r->n_departments; i++)
		json_array_append_new(deps, json_pack("{s:I, s:s, s:I, s:I, s:I}",
		    "id", (json_int_t)r->departments[i].id, "name", r->departments[i].name,
		    "opened", (json_int_t)r->departments[i].opened,
		    "resolved", (json_int_t)r->departments[i].resolved,
		    "overdue", (json_int_t)r->departments[i].overdue));
	for (size_t i = 0; i < r->n_request_rows; i++) {
		const report_request *q = &r->request_rows[i];

		if (q->resolved)
			json_array_append_new(resolved, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o}",
			    "id", (json_int_t)q->req.id, "unit_id", jorg_id(q->req.unit_id),
			    "service_code", q->req.service_code, "departments", q->departments,
			    "reply", q->reply, "replied_by", q->replied_by, "replied_at",
			    q->replied_at ? jorg_instant(q->replied_at) : json_null()));
	}
	return json_pack("{s:I, s:I, s:I, s:o, s:o}", "opened", (json_int_t)r->requests_opened,
	    "resolved", (json_int_t)r->requests_resolved, "overdue", (json_int_t)r->requests_overdue,
	    "by_department", deps, "resolved_requests", resolved);
}

/* One object per task line in its fixed order, then the unclassified. */
static json_t *
jlines(const report_daily *r)
{
	json_t *arr = json_array();

	for (int i = 0; i <= TASK_LINE_COUNT; i++)
		json_array_append_new(arr, json_pack("{s:o, s:s, s:I, s:I, s:I, s:I}",
		    "code", i < TASK_LINE_COUNT ? json_string(task_lines[i].code) : json_null(),
		    "name", i < TASK_LINE_COUNT ? task_lines[i].name : "未分类",
		    "visits", (json_int_t)r->visits_by_line[i], "needs", (json_int_t)r->needs_by_line[i],
		    "requests_opened", (json_int_t)r->requests_opened_by_line[i],
		    "requests_resolved", (json_int_t)r->requests_resolved_by_line[i]));
	return arr;
}

json_t *
jreport_daily(const report_daily *r, arena *a)
{
	json_t *units = json_array(), *j;

	for (size_t i = 0; i < r->n_units; i++)
		json_array_append_new(units, json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)r->units[i].id, "name", r->units[i].name, "kind", r->units[i].kind));
	j = json_pack("{s:s, s:s, s:o, s:o, s:o}", "kind", r->kind, "title", r->title,
	    "from", jorg_date(r->sel.from), "to", jorg_date(r->sel.to), "units", units);
	json_object_set_new(j, "registrations", json_pack("{s:I, s:I, s:I}",
	    "scans", (json_int_t)r->scans, "in", (json_int_t)r->scans_in,
	    "out", (json_int_t)r->scans_out));
	json_object_set_new(j, "alerts", json_pack("{s:I, s:I, s:I, s:I}",
	    "total", (json_int_t)r->alerts, "fever", (json_int_t)r->alerts_fever,
	    "denied", (json_int_t)r->alerts_denied,
	    "outsider_unregistered", (json_int_t)r->alerts_outsider));
	json_object_set_new(j, "outsiders", json_integer(r->outsiders));
	json_object_set_new(j, "disinfection", json_pack("{s:I, s:I}",
	    "done", (json_int_t)r->disinfections, "overdue", (json_int_t)r->disinfection_overdue));
	json_object_set_new(j, "inspections", json_pack("{s:I, s:I, s:I}",
	    "inspections", (json_int_t)r->inspections, "findings", (json_int_t)r->findings,
	    "findings_overdue", (json_int_t)r->findings_overdue));
	json_object_set_new(j, "visits", json_pack("{s:I, s:I, s:I}",
	    "visits", (json_int_t)r->visits, "household_visits", (json_int_t)r->household_visits,
	    "needs", (json_int_t)r->needs));
	json_object_set_new(j, "supplies", json_pack("{s:o, s:o, s:I}",
	    "received", jqty(r->received, r->n_received, false),
	    "delivered", jqty(r->delivered, r->n_delivered, true),
	    "units_supplied", (json_int_t)r->units_supplied));
	json_object_set_new(j, "requests", jrequests(r));
	json_object_set_new(j, "task_lines", jlines(r));
	json_object_set_new(j, "resumption",
	    r->has_resumption ? jresumption_rate(&r->resumption) : json_null());
	json_object_set_new(j, "brief", json_string(report_brief(r, a)));
	return j;
}
