/*
 * open311 — service requests as an Open311 GeoReport v2 server under
 * /open311/v2/ (DESIGN.md §5; issue 8; http://wiki.open311.org/GeoReport_v2;
 * docs/open311.md), in JSON (jansson) and XML (libxml2's xmlwriter).
 *
 * Every answer is first built as a jansson value and then written in the
 * format the path's suffix asks for (".json" / ".xml"): XML follows the
 * specification's element names (a list "services" holds "service"
 * elements, "service_requests" holds "request", "errors" holds "error",
 * and the arrays inside an item hold their singular: "attributes" →
 * "attribute", "values" → "value", "endpoints" → "endpoint", "formats" →
 * "format", "notes" → "note"); null is an empty element.  Errors are
 * Open311's own form, [{"code": <HTTP status>, "description": "..."}],
 * with that HTTP status, never a problem document.
 *
 * Mapping (docs/open311.md): service = a sijin service; service_request_id
 * = the request id; status "open" for submitted, accepted, referred,
 * in_progress, replied and "closed" for resolved, rejected, duplicate,
 * closed (the sijin status in the extension "detailed_status");
 * status_notes = the comment of the update that set the status;
 * agency_responsible = the departments referred to (else the service's
 * default department); expected_datetime = the end of the resolution due
 * day; requested_datetime = when reported; the history in "notes".
 *
 * Keys: api_key is a sijin API token (sijin user token NAME).  Reading
 * requests also needs one (query api_key or Authorization: Bearer): they
 * hold residents' and enterprises' problems, so the caller's scope applies
 * exactly as in the JSON API.  Discovery and services are public.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/auth.h"
#include "domain/request.h"
#include "http/api.h"
#include "http/open311_form.h"
#include "http/req.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
#define POST_MAX (64 * 1024)
#define SPAN_MAX_S (90 * 86400)   /* start_date..end_date may span 90 days */
#define CHANGESET "2026-11-29T00:00:00Z"

typedef enum { FMT_JSON, FMT_XML } fmt;

/* ---- replies ---------------------------------------------------------- */

/* The singular element name of the items of an array called name. */
static const char *
item_name(const char *name)
{
	static const char *const map[][2] = {
		{ "services", "service" }, { "service_requests", "request" },
		{ "errors", "error" }, { "attributes", "attribute" }, { "values", "value" },
		{ "endpoints", "endpoint" }, { "formats", "format" }, { "notes", "note" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], name) == 0)
			return map[i][1];
	return "item";
}

static void xml_value(xmlTextWriterPtr w, const char *name, const json_t *v);

static void
xml_scalar(xmlTextWriterPtr w, const json_t *v)
{
	char num[64];

	if (json_is_string(v))
		xmlTextWriterWriteString(w, BAD_CAST json_string_value(v));
	else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		xmlTextWriterWriteString(w, BAD_CAST num);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof num, "%.6f", json_real_value(v));
		xmlTextWriterWriteString(w, BAD_CAST num);
	} else if (json_is_boolean(v))
		xmlTextWriterWriteString(w, BAD_CAST (json_is_true(v) ? "true" : "false"));
}

/* <name>v</name>: objects become child elements, arrays their items. */
static void
xml_value(xmlTextWriterPtr w, const char *name, const json_t *v)
{
	const char *k;
	json_t *m;
	size_t i;

	xmlTextWriterStartElement(w, BAD_CAST name);
	if (json_is_object(v))
		json_object_foreach((json_t *)v, k, m)
			xml_value(w, k, m);
	else if (json_is_array(v))
		json_array_foreach(v, i, m)
			xml_value(w, item_name(name), m);
	else
		xml_scalar(w, v);
	xmlTextWriterEndElement(w);
}

/* Reply status with body (stolen) in format f; root names the XML
 * document element ("services", "service_requests", ...). */
static sj_rc
reply(http_req *r, fmt f, int status, const char *root, json_t *body)
{
	xmlBufferPtr xb;
	xmlTextWriterPtr w;
	char *text;
	sj_rc rc;

	if (f == FMT_JSON) {
		text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(body);
		if (text == NULL)
			sj_oom(0);
		rc = http_reply_bytes(r, status, "application/json; charset=utf-8", text, strlen(text));
		free(text);
		return rc;
	}
	if ((xb = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(xb, 0)) == NULL)
		sj_oom(0);
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xml_value(w, root, body);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	json_decref(body);
	rc = http_reply_bytes(r, status, "text/xml; charset=utf-8", xmlBufferContent(xb),
	    (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	return rc;
}

/* The Open311 status of a sijin error: 400 for bad input, as the
 * specification's examples; the rest as the JSON API maps them. */
static int
error_status(sj_rc rc)
{
	switch (rc) {
	case SJ_EINVAL: case SJ_ETOOBIG: return 400;
	case SJ_EAUTH: case SJ_EFORBIDDEN: return 403;
	case SJ_ENOTFOUND: return 404;
	default: return sj_rc_http_status(rc);
	}
}

/* Reply e as Open311 errors; returns SJ_OK (the reply is set). */
static sj_rc
reply_error(http_req *r, fmt f, const sj_err *e)
{
	int status = error_status(e->rc);
	const char *desc = e->field[0] ? arena_printf(http_arena(r), "%s: %s", e->field, e->msg) :
	    e->msg;

	return reply(r, f, status, "errors", json_pack("[{s:i, s:s}]", "code", status,
	    "description", desc));
}

/* ---- common parameters -------------------------------------------------- */

/* The format and the part before it of the last path segment "x.json" /
 * "x.xml"; *base (arena) gets "x".  False for another suffix. */
static bool
split_format(http_req *r, const char *seg, fmt *f, const char **base)
{
	const char *dot = seg ? strrchr(seg, '.') : NULL;

	if (dot == NULL)
		return false;
	if (strcmp(dot, ".json") == 0)
		*f = FMT_JSON;
	else if (strcmp(dot, ".xml") == 0)
		*f = FMT_XML;
	else
		return false;
	*base = arena_strndup(http_arena(r), seg, (size_t)(dot - seg));
	return true;
}

static fmt
path_format(const http_req *r)
{
	const char *p = http_path(r);
	size_t n = strlen(p);

	return n > 4 && strcmp(p + n - 4, ".xml") == 0 ? FMT_XML : FMT_JSON;
}

/* jurisdiction_id, when given, must be this server's. */
static sj_rc
jurisdiction_check(http_req *r, const char *given, sj_err *e)
{
	const char *ours = http_config(r)->open311_jurisdiction;

	if (given == NULL || strcmp(given, ours) == 0)
		return SJ_OK;
	return sj_fail(e, SJ_ENOTFOUND, "jurisdiction_id", "this server serves jurisdiction "
	    "'%s' only", ours);
}

/* Who calls: the API token in api_key (or Authorization: Bearer). */
static sj_rc
caller(http_req *r, const char *api_key, sj_err *e)
{
	const char *authz = http_header(r, "Authorization");
	auth_principal p;
	sj_rc rc;

	if (api_key == NULL && authz && strncasecmp(authz, "Bearer ", 7) == 0)
		api_key = authz + 7;
	if (api_key == NULL || *api_key == '\0')
		return sj_fail(e, SJ_EAUTH, "api_key", "is required: an API token (sijin user token)");
	if ((rc = auth_token_lookup(http_store(r), http_keys(r), api_key, dt_now(), &p, e)) != SJ_OK)
		return sj_fail(e, SJ_EAUTH, "api_key", "unknown, revoked or expired API key");
	r->user_id = p.user_id;
	r->username = arena_strdup(http_arena(r), p.username);
	r->sc = p.scope;
	if (!auth_role_may(p.scope.role, PERM_REQUEST_READ))
		return sj_fail(e, SJ_EFORBIDDEN, "api_key", "this key's role may not use service "
		    "requests");
	return SJ_OK;
}

/* ---- discovery and services -------------------------------------------- */

static sj_rc
get_discovery(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { NULL };
	const char *base = http_config(r)->public_url;
	size_t n = strlen(base);
	fmt f = path_format(r);

	if (http_query_check(r, allowed, e) != SJ_OK)
		return reply_error(r, f, e);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return reply(r, f, 200, "discovery", json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, "
	    "s:[s, s]}]}", "changeset", CHANGESET, "contact", "the work group's system "
	    "administrator", "key_service", "an API token from the administrator (sijin user "
	    "token NAME --name open311)", "endpoints", "specification", SPEC_URL,
	    "url", arena_printf(http_arena(r), "%.*s/open311/v2", (int)n, base),
	    "changeset", CHANGESET, "type", "production", "formats", "text/xml",
	    "application/json"));
}

static json_t *
service_item(const service *sv)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", sv->code,
	    "service_name", sv->name, "description", sv->description, "metadata", sv->n_attrs > 0,
	    "type", "realtime", "keywords", sv->keywords, "group", sv->group_name);
}

static sj_rc
get_services(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "jurisdiction_id", NULL };
	fmt f = path_format(r);
	service *list, full;
	json_t *items;
	size_t n;

	if (http_query_check(r, allowed, e) != SJ_OK ||
	    jurisdiction_check(r, http_query(r, "jurisdiction_id"), e) != SJ_OK ||
	    service_list(http_store(r), http_arena(r), false, &list, &n, e) != SJ_OK)
		return reply_error(r, f, e);
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		/* "metadata" says whether the service has attributes. */
		if (service_get(http_store(r), http_arena(r), list[i].code, &full, e) != SJ_OK) {
			json_decref(items);
			return reply_error(r, f, e);
		}
		json_array_append_new(items, service_item(&full));
	}
	return reply(r, f, 200, "services", items);
}

static json_t *
definition_json(const service *sv)
{
	json_t *attrs = json_array();

	for (size_t i = 0; i < sv->n_attrs; i++) {
		const service_attr *at = &sv->attrs[i];
		json_t *vals = json_array();
		for (size_t j = 0; j < at->n_values; j++)
			json_array_append_new(vals, json_pack("{s:s, s:s}", "key", at->values[j].key,
			    "name", at->values[j].name));
		json_array_append_new(attrs, json_pack("{s:b, s:s, s:s, s:b, s:o, s:i, s:s, s:o}",
		    "variable", 1, "code", at->code, "datatype", at->datatype,
		    "required", at->required, "datatype_description", json_null(),
		    "order", at->order, "description", at->description, "values", vals));
	}
	return json_pack("{s:s, s:o}", "service_code", sv->code, "attributes", attrs);
}

static sj_rc
get_service_definition(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "jurisdiction_id", NULL };
	const char *code;
	service sv;
	fmt f = path_format(r);

	if (!split_format(r, http_param(r, "file"), &f, &code)) {
		sj_fail(e, SJ_ENOTFOUND, NULL, "ask for services/<code>.json or .xml");
		return reply_error(r, f, e);
	}
	if (http_query_check(r, allowed, e) != SJ_OK ||
	    jurisdiction_check(r, http_query(r, "jurisdiction_id"), e) != SJ_OK ||
	    service_get(http_store(r), http_arena(r), code, &sv, e) != SJ_OK)
		return reply_error(r, f, e);
	return reply(r, f, 200, "service_definition", definition_json(&sv));
}

/* ---- requests as Open311 -------------------------------------------------- */

/* agency_responsible: the departments referred to, else the default. */
static const char *
agency(http_req *r, const service_request *q, const char *default_department)
{
	char *out = NULL;

	for (size_t i = 0; i < q->n_referrals; i++)
		out = out ? arena_printf(http_arena(r), "%s、%s", out,
		    q->referrals[i].department_name) :
		    arena_strdup(http_arena(r), q->referrals[i].department_name);
	return out ? out : default_department && *default_department ? default_department : NULL;
}

/* status_notes: the comment of the latest status change or reply that
 * has one (closing a resolved request rarely says more than resolving). */
static const char *
status_notes(const service_request *q)
{
	for (size_t i = q->n_updates; i-- > 0; ) {
		const request_update *u = &q->updates[i];
		if (u->applied && *u->comment && (strcmp(u->kind, "status") == 0 ||
		    strcmp(u->kind, "reply") == 0))
			return u->comment;
	}
	return NULL;
}

/* updated_datetime: when the latest update happened (its `at`: the
 * history may be entered after the fact). */
static int64_t
last_update(const service_request *q)
{
	int64_t t = q->reported_at;

	for (size_t i = 0; i < q->n_updates; i++)
		if (q->updates[i].at > t)
			t = q->updates[i].at;
	return t;
}

static json_t *
instant(int64_t t)
{
	char text[DT_RFC3339_LEN];

	dt_format_rfc3339(t, text);
	return json_string(text);
}

static const char *
note_summary(http_req *r, const request_update *u)
{
	const char *from = request_status_name(u->from_status), *to = request_status_name(u->to_status);

	if (strcmp(u->kind, "create") == 0)
		return "request opened";
	if (strcmp(u->kind, "refer") == 0)
		return arena_printf(http_arena(r), "referred to %s", u->department_name);
	if (strcmp(u->kind, "reply") == 0)
		return arena_printf(http_arena(r), "reply from %s", u->department_name);
	if (strcmp(u->kind, "status") == 0)
		return arena_printf(http_arena(r), "status %s → %s%s", from, to,
		    u->applied ? "" : " (older than the last change: history only)");
	if (strcmp(u->kind, "due") == 0)
		return "due date recomputed";
	return "comment";
}

static json_t *
notes_json(http_req *r, const service_request *q)
{
	json_t *notes = json_array();

	for (size_t i = 0; i < q->n_updates; i++) {
		const request_update *u = &q->updates[i];
		json_array_append_new(notes, json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:o, s:s}",
		    "type", u->kind, "datetime", instant(u->at), "summary", note_summary(r, u),
		    "description", u->comment, "status_from", request_status_name(u->from_status),
		    "status_to", request_status_name(u->to_status), "applied", u->applied,
		    "agency", *u->department_name ? json_string(u->department_name) : json_null(),
		    "author", u->author));
	}
	return notes;
}

static json_t *
request_item(http_req *r, const service_request *q, const char *default_department)
{
	const char *ag = agency(r, q, default_department), *sn = status_notes(q);
	char lat[32], lon[32];
	json_t *j;

	j = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:n}",
	    "service_request_id", (json_int_t)q->id,
	    "status", request_status_open(q->status) ? "open" : "closed",
	    "status_notes", sn ? json_string(sn) : json_null(),
	    "service_name", q->service_name, "service_code", q->service_code,
	    "description", q->description,
	    "agency_responsible", ag ? json_string(ag) : json_null(), "service_notice");
	json_object_set_new(j, "requested_datetime", instant(q->reported_at));
	json_object_set_new(j, "updated_datetime", instant(last_update(q)));
	/* Due by the end of the resolution due day (local). */
	json_object_set_new(j, "expected_datetime", instant(dt_date_end(q->resolution_due) - 1));
	json_object_set_new(j, "address", *q->address ? json_string(q->address) : json_null());
	json_object_set_new(j, "address_id", q->place_id ? json_integer(q->place_id) : json_null());
	json_object_set_new(j, "zipcode", json_null());
	if (q->has_location) {
		snprintf(lat, sizeof lat, "%.6f", (double)q->lat_e6 / 1e6);
		snprintf(lon, sizeof lon, "%.6f", (double)q->lon_e6 / 1e6);
		json_object_set_new(j, "lat", json_real(strtod(lat, NULL)));
		json_object_set_new(j, "long", json_real(strtod(lon, NULL)));
	} else {
		json_object_set_new(j, "lat", json_null());
		json_object_set_new(j, "long", json_null());
	}
	json_object_set_new(j, "media_url", json_null());
	json_object_set_new(j, "detailed_status", json_string(request_status_name(q->status)));
	json_object_set_new(j, "notes", notes_json(r, q));
	return j;
}

/* The default department of each request's service, for agency_responsible. */
static const char *
default_department(http_req *r, const char *code)
{
	service sv;

	return service_get(http_store(r), http_arena(r), code, &sv, NULL) == SJ_OK ?
	    sv.department_name : NULL;
}

/* One Open311 request by id in the caller's scope, with its history. */
static sj_rc
request_item_get(http_req *r, int64_t id, json_t **out, sj_err *e)
{
	service_request q;
	sj_rc rc;

	*out = NULL;
	if ((rc = request_get(http_store(r), http_scope(r), http_arena(r), id, &q, e)) != SJ_OK)
		return rc;
	*out = request_item(r, &q, default_department(r, q.service_code));
	return SJ_OK;
}

/* A positive decimal id of at most 15 digits. */
/* service_request_id=1,2,3 into f->ids. */
static sj_rc
ids_read(http_req *r, const char *list, request_filter *f, sj_err *e)
{
	int64_t *ids;
	size_t n;
	sj_rc rc;

	if ((rc = open311_ids_parse(http_arena(r), list, REQUEST_LIST_MAX, &ids, &n, e)) != SJ_OK)
		return rc;
	f->ids = ids;
	f->n_ids = n;
	return SJ_OK;
}

static sj_rc
requests_filter_read(http_req *r, request_filter *f, sj_err *e)
{
	static const char *const allowed[] = { "jurisdiction_id", "api_key", "service_request_id",
	    "service_code", "start_date", "end_date", "status", NULL };
	const char *ids = http_query(r, "service_request_id"), *start = http_query(r, "start_date"),
	    *end = http_query(r, "end_date"), *status = http_query(r, "status");
	sj_rc rc;

	f->limit = REQUEST_LIST_MAX;
	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = jurisdiction_check(r, http_query(r, "jurisdiction_id"), e)) != SJ_OK)
		return rc;
	/* A list of ids overrides every other parameter (GeoReport v2). */
	if (ids)
		return ids_read(r, ids, f, e);
	f->service_code = http_query(r, "service_code");
	if (start && (rc = dt_parse_rfc3339(start, "start_date", &f->reported_from, e)) != SJ_OK)
		return rc;
	if (end && (rc = dt_parse_rfc3339(end, "end_date", &f->reported_to, e)) != SJ_OK)
		return rc;
	f->has_from = start != NULL;
	f->has_to = end != NULL;
	if (start && end && f->reported_to < f->reported_from)
		return sj_fail(e, SJ_EINVAL, "end_date", "is before start_date");
	if (start && end && f->reported_to - f->reported_from > SPAN_MAX_S)
		return sj_fail(e, SJ_EINVAL, "end_date", "start_date..end_date may span at most 90 "
		    "days");
	if (f->service_code) {
		service sv;
		if (service_get(http_store(r), http_arena(r), f->service_code, &sv, e) != SJ_OK)
			return sj_fail(e, SJ_EINVAL, "service_code", "no service with code '%.40s'",
			    f->service_code);
	}
	return status ? open311_status_parse(status, &f->open, e) : SJ_OK;
}

static sj_rc
get_requests(http_req *r, sj_err *e)
{
	request_filter flt = {0};
	request_page page;
	fmt f = path_format(r);
	json_t *items, *item;

	if (caller(r, http_query(r, "api_key"), e) != SJ_OK ||
	    requests_filter_read(r, &flt, e) != SJ_OK ||
	    request_list(http_store(r), http_scope(r), http_arena(r), &flt, &page, e) != SJ_OK)
		return reply_error(r, f, e);
	items = json_array();
	for (size_t i = 0; i < page.n_requests; i++) {
		if (request_item_get(r, page.requests[i].id, &item, e) != SJ_OK) {
			json_decref(items);
			return reply_error(r, f, e);
		}
		json_array_append_new(items, item);
	}
	return reply(r, f, 200, "service_requests", items);
}

static sj_rc
get_request(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "jurisdiction_id", "api_key", NULL };
	const char *base;
	fmt f = path_format(r);
	json_t *item;
	int64_t id;

	if (!split_format(r, http_param(r, "file"), &f, &base) ||
	    !open311_id_parse(base, strlen(base), &id)) {
		sj_fail(e, SJ_ENOTFOUND, "service_request_id", "ask for requests/<id>.json or .xml");
		return reply_error(r, f, e);
	}
	if (caller(r, http_query(r, "api_key"), e) != SJ_OK ||
	    http_query_check(r, allowed, e) != SJ_OK ||
	    jurisdiction_check(r, http_query(r, "jurisdiction_id"), e) != SJ_OK ||
	    request_item_get(r, id, &item, e) != SJ_OK)
		return reply_error(r, f, e);
	return reply(r, f, 200, "service_requests", json_pack("[o]", item));
}

/* ---- POST requests: application/x-www-form-urlencoded --------------------- */

/* attribute[code]=v and attribute[code][]=v1&attribute[code][]=v2 (a
 * multivaluelist, joined with ',') into in->attrs. */
static sj_rc
form_attrs(arena *a, const open311_form *fm, request_input *in, sj_err *e)
{
	request_attr *attrs = arena_zalloc(a, (fm->n + 1) * sizeof *attrs);

	for (size_t i = 0; i < fm->n; i++) {
		const char *name = fm->p[i].name, *close;
		char *code;
		size_t j;
		if (strncmp(name, "attribute[", 10) != 0)
			continue;
		if ((close = strchr(name + 10, ']')) == NULL || close == name + 10 ||
		    (close[1] != '\0' && strcmp(close + 1, "[]") != 0))
			return sj_fail(e, SJ_EINVAL, name, "write attribute[code]=value");
		code = arena_strndup(a, name + 10, (size_t)(close - name - 10));
		for (j = 0; j < in->n_attrs && strcmp(attrs[j].code, code) != 0; j++)
			;
		if (j < in->n_attrs && close[1] == '\0')
			return sj_fail(e, SJ_EINVAL, name, "is given more than once");
		if (j < in->n_attrs)
			attrs[j].value = arena_printf(a, "%s,%s", attrs[j].value, fm->p[i].value);
		else
			attrs[in->n_attrs++] = (request_attr){ code, fm->p[i].value };
	}
	in->attrs = attrs;
	return SJ_OK;
}

/* A coordinate in degrees, within -limit..limit (90 for a latitude, 180
 * for a longitude, WGS 84), into millionths. */
static sj_rc
coordinate(const char *s, const char *field, double limit, int64_t *out, sj_err *e)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v != v)
		return sj_fail(e, SJ_EINVAL, field, "'%.40s' is not a number of degrees", s);
	if (v < -limit || v > limit)
		return sj_fail(e, SJ_EINVAL, field, "must lie in -%g..%g", limit, limit);
	*out = (int64_t)(v * 1e6 + (v < 0 ? -0.5 : 0.5));
	return SJ_OK;
}

/* Who reports: first_name and last_name become the reporter's name; the
 * sijin extension unit_id and the Open311 address_id (a sijin place id)
 * say where.  email and phone are not stored (docs/open311.md). */
static sj_rc
form_reporter(http_req *r, const open311_form *fm, request_input *in, sj_err *e)
{
	const char *first, *last, *unit, *place;
	sj_rc rc;

	if ((rc = open311_form_get(fm, "first_name", &first, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "last_name", &last, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "unit_id", &unit, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "address_id", &place, e)) != SJ_OK)
		return rc;
	if (first || last)
		in->reporter_name = arena_printf(http_arena(r), "%s%s%s", last ? last : "",
		    last && first ? " " : "", first ? first : "");
	if (unit && !open311_id_parse(unit, strlen(unit), &in->unit_id))
		return sj_fail(e, SJ_EINVAL, "unit_id", "is not a unit id");
	if (place && !open311_id_parse(place, strlen(place), &in->place_id))
		return sj_fail(e, SJ_EINVAL, "address_id", "is not a place id of this server");
	return SJ_OK;
}

static sj_rc
form_request(http_req *r, const open311_form *fm, request_input *in, sj_err *e)
{
	const char *lat, *lon, *jur;
	sj_rc rc;

	*in = (request_input){ .source = "open311" };
	if ((rc = open311_form_get(fm, "jurisdiction_id", &jur, e)) != SJ_OK ||
	    (rc = jurisdiction_check(r, jur, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "service_code", &in->service_code, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "description", &in->description, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "address_string", &in->address, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "lat", &lat, e)) != SJ_OK ||
	    (rc = open311_form_get(fm, "long", &lon, e)) != SJ_OK ||
	    (rc = form_reporter(r, fm, in, e)) != SJ_OK ||
	    (rc = form_attrs(http_arena(r), fm, in, e)) != SJ_OK)
		return rc;
	if (in->service_code == NULL)
		return sj_fail(e, SJ_EINVAL, "service_code", "is required");
	if ((lat == NULL) != (lon == NULL))
		return sj_fail(e, SJ_EINVAL, lat ? "long" : "lat", "give lat and long together");
	if (lat) {
		in->has_location = true;
		if ((rc = coordinate(lat, "lat", 90.0, &in->lat_e6, e)) != SJ_OK ||
		    (rc = coordinate(lon, "long", 180.0, &in->lon_e6, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static bool
is_form(const char *type)
{
	static const char want[] = "application/x-www-form-urlencoded";
	size_t n = sizeof want - 1;

	return type && strncasecmp(type, want, n) == 0 &&
	    (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

static sj_rc
post_request(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "api_key", "jurisdiction_id", NULL };
	store *s = http_store(r);
	fmt f = path_format(r);
	const char *key, *body;
	request_input in;
	open311_form fm;
	int64_t id = 0;
	size_t n;
	sj_rc rc;

	body = http_body_raw(r, &n);
	if (http_query_check(r, allowed, e) != SJ_OK)
		return reply_error(r, f, e);
	if (!is_form(http_header(r, "Content-Type"))) {
		sj_fail(e, SJ_EINVAL, "Content-Type", "send the request as "
		    "application/x-www-form-urlencoded (GeoReport v2)");
		return reply_error(r, f, e);
	}
	if (open311_form_parse(http_arena(r), body ? body : "", n, &fm, e) != SJ_OK ||
	    open311_form_get(&fm, "api_key", &key, e) != SJ_OK ||
	    caller(r, key ? key : http_query(r, "api_key"), e) != SJ_OK ||
	    jurisdiction_check(r, http_query(r, "jurisdiction_id"), e) != SJ_OK ||
	    form_request(r, &fm, &in, e) != SJ_OK || store_begin(s, e) != SJ_OK)
		return reply_error(r, f, e);
	rc = request_create(s, http_scope(r), &in, &id, e);
	if (rc == SJ_OK)
		rc = http_audit(r, "request.create", "service_request", id, NULL,
		    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "service_code",
		    in.service_code, "source", "open311"), e);
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc != SJ_OK)
		return reply_error(r, f, e);
	return reply(r, f, 201, "service_requests", json_pack("[{s:I, s:n, s:n}]",
	    "service_request_id", (json_int_t)id, "service_notice", "account_id"));
}

const http_route api_open311_routes[] = {
	{ "GET", "/open311/v2/discovery.json", get_discovery, HTTP_PUBLIC, 0 },
	{ "GET", "/open311/v2/discovery.xml", get_discovery, HTTP_PUBLIC, 0 },
	{ "GET", "/open311/v2/services.json", get_services, HTTP_PUBLIC, 0 },
	{ "GET", "/open311/v2/services.xml", get_services, HTTP_PUBLIC, 0 },
	{ "GET", "/open311/v2/services/{file}", get_service_definition, HTTP_PUBLIC, 0 },
	{ "GET", "/open311/v2/requests.json", get_requests, HTTP_PUBLIC, 0 },
	{ "GET", "/open311/v2/requests.xml", get_requests, HTTP_PUBLIC, 0 },
	{ "POST", "/open311/v2/requests.json", post_request, HTTP_PUBLIC, HTTP_BODY_RAW | POST_MAX },
	{ "POST", "/open311/v2/requests.xml", post_request, HTTP_PUBLIC, HTTP_BODY_RAW | POST_MAX },
	{ "GET", "/open311/v2/requests/{file}", get_request, HTTP_PUBLIC, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
