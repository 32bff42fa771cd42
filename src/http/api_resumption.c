/*
 * api_resumption — work resumption (复工复产) over HTTP under
 * /api/v1/resumption (issue 9 "Work resumption").
 *
 * Thin: rules and scope live in domain/resumption.h (a unit or report out
 * of scope answers 404 like a missing one); bodies are read by the JSON
 * form of json/jresumption.h, shared with the command line.  Filing a
 * report runs in one transaction with its audit event
 * ("resumption.report").
 */
#include <stdint.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/resumption.h"
#include "http/api.h"
#include "json/jresumption.h"

#define BODY_MAX (64 * 1024)  /* bytes: a report with a 2,000-character note */

/* The query parameter name as a local date, or def when absent. */
static sj_rc
query_date(http_req *r, const char *name, sj_date def, sj_date *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = def;
	return v ? dt_date_parse(v, name, out, e) : SJ_OK;
}

/* region_id, kind, group_id, unit_id. */
static sj_rc
query_filter(http_req *r, resumption_filter *f, sj_err *e)
{
	sj_rc rc;

	memset(f, 0, sizeof *f);
	if ((rc = http_query_int(r, "region_id", 0, 1, INT64_MAX, &f->region_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "group_id", 0, 1, INT64_MAX, &f->group_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit_id", 0, 1, INT64_MAX, &f->unit_id, e)) != SJ_OK)
		return rc;
	f->kind = http_query(r, "kind");
	return SJ_OK;
}

static sj_rc
get_reports(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };
	resumption_page page;
	sj_date after_on = 0;
	int64_t unit_id, after_id = 0, limit;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, RESUMPTION_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = api_cursor_date_decode(r, &after_on, &after_id, e)) != SJ_OK ||
	    (rc = resumption_report_page(http_store(r), http_scope(r), http_arena(r), unit_id,
	    after_on, after_id, (int)limit, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_reports; i++)
		json_array_append_new(items, jresumption_report(&page.reports[i]));
	return http_reply_page(r, items,
	    page.has_more ? api_cursor_date(r, page.next_on, page.next_id) : NULL);
}

static sj_rc
post_report(http_req *r, sj_err *e)
{
	api_write w = { .action = "resumption.report", .object_type = "resumption_report",
	    .status = 201, .collection = "/api/v1/resumption/reports" };
	store *s = http_store(r);
	resumption_input in;
	resumption_report rep;
	int64_t unit_id;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &unit_id, e)) != SJ_OK ||
	    (rc = jresumption_read_report(http_body(r), http_arena(r), unit_id, &in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = resumption_report_add(s, http_scope(r), &in, http_user_id(r), &w.id, e)) == SJ_OK &&
	    (rc = resumption_report_get(s, http_scope(r), http_arena(r), w.id, &rep, e)) == SJ_OK)
		w.after = jresumption_report(&rep);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_report(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };
	resumption_report rep;
	int64_t id;
	sj_rc rc;

	if ((rc = http_query_check(r, none, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = resumption_report_get(http_store(r), http_scope(r), http_arena(r), id, &rep,
	    e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jresumption_report(&rep));
}

static sj_rc
get_rate(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "region_id", "kind", "group_id", "unit_id", "date", NULL };
	resumption_filter f;
	resumption_rate rate;
	sj_date on;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_filter(r, &f, e)) != SJ_OK ||
	    (rc = query_date(r, "date", dt_date_of(dt_now()), &on, e)) != SJ_OK ||
	    (rc = resumption_rate_on(http_store(r), http_scope(r), &f, on, &rate, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jresumption_rate(&rate));
}

static sj_rc
get_trend(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"region_id", "kind", "group_id", "unit_id", "from", "to", NULL,
	};
	resumption_filter f;
	resumption_rate *rates;
	sj_date from, to;
	json_t *points;
	size_t n;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_filter(r, &f, e)) != SJ_OK ||
	    (rc = query_date(r, "to", dt_date_of(dt_now()), &to, e)) != SJ_OK ||
	    (rc = query_date(r, "from", dt_date_add_days(to, -29), &from, e)) != SJ_OK ||
	    (rc = resumption_trend(http_store(r), http_scope(r), http_arena(r), &f, from, to,
	    &rates, &n, e)) != SJ_OK)
		return rc;
	points = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(points, jresumption_rate(&rates[i]));
	return http_reply_json(r, 200, json_pack("{s:o}", "points", points));
}

const http_route api_resumption_routes[] = {
	{ "GET", "/api/v1/resumption/units/{id}/reports", get_reports, PERM_RESUMPTION_READ, 0 },
	{ "POST", "/api/v1/resumption/units/{id}/reports", post_report, PERM_RESUMPTION_WRITE,
	  BODY_MAX },
	{ "GET", "/api/v1/resumption/reports/{id}", get_report, PERM_RESUMPTION_READ, 0 },
	{ "GET", "/api/v1/resumption/rate", get_rate, PERM_RESUMPTION_READ, 0 },
	{ "GET", "/api/v1/resumption/trend", get_trend, PERM_RESUMPTION_READ, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
