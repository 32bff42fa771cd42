/*
 * api_trace — POST /api/v1/traces: exposure tracing (domain/trace.h;
 * docs/trace.md).
 *
 * Needs trace.run (admin, leader, member).  The index person must be
 * visible to the caller (person_get in their scope); one who is not is
 * refused exactly like an unknown one (422, field person_id), so scope
 * cannot be probed.  Contacts outside the caller's scope are counted and
 * listed with their intervals, but their person_id is null and "masked"
 * true.  Every run is audited (`trace.run`, the person, the parameters).
 * The answer is JSON, or a ledger (domain/trace_export.h) when the body's
 * "format" is "csv" or "xlsx" or the Accept header asks for text/csv or
 * the XLSX type: identity data masked unless "reveal" is true (needs
 * person.reveal); the audit event then carries the format and reveal.
 * The trace reads the server-wide stay index (domain/trace_live.h), kept
 * current with every committed scan, of this process and of the others on
 * the same PostgreSQL database.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/person.h"
#include "domain/trace.h"
#include "domain/sheet.h"
#include "domain/trace_export.h"
#include "domain/trace_who.h"
#include "http/api.h"
#include "json/jtrace.h"

typedef struct trace_body {
	int64_t person_id;
	const char *id_number;
	const char *mobile;
	const char *pass;
	int64_t from, to;
	int64_t days;
	int64_t min_overlap_minutes;
	int64_t margin_minutes;
	int64_t depth;
	int exclude_home;
	const char *format;     /* "json" (default), "csv", "xlsx" */
	int reveal;
} trace_body;

static const jb_field trace_fields[] = {
	{ "person_id", JB_ID, false, offsetof(trace_body, person_id), 0, 0 },
	{ "id_number", JB_STRING, false, offsetof(trace_body, id_number), 0, 0 },
	{ "mobile", JB_STRING, false, offsetof(trace_body, mobile), 0, 0 },
	{ "pass", JB_STRING, false, offsetof(trace_body, pass), 0, 0 },
	{ "from", JB_INSTANT, false, offsetof(trace_body, from), 0, 0 },
	{ "to", JB_INSTANT, false, offsetof(trace_body, to), 0, 0 },
	{ "days", JB_INT, false, offsetof(trace_body, days), 0, 0 },
	{ "min_overlap_minutes", JB_INT, false, offsetof(trace_body, min_overlap_minutes), 0, 0 },
	{ "margin_minutes", JB_INT, false, offsetof(trace_body, margin_minutes), 0, 0 },
	{ "depth", JB_INT, false, offsetof(trace_body, depth), 0, 0 },
	{ "exclude_home", JB_BOOL, false, offsetof(trace_body, exclude_home), 0, 0 },
	{ "format", JB_STRING, false, offsetof(trace_body, format), 0, 0 },
	{ "reveal", JB_BOOL, false, offsetof(trace_body, reveal), 0, 0 },
	{ NULL, 0, false, 0, 0, 0 },
};

/* The index person, visible to the caller (trace_who_resolve). */
static sj_rc
index_person(http_req *r, const trace_body *b, int64_t *id, sj_err *e)
{
	trace_who w = { .person_id = b->person_id, .id_number = b->id_number,
		.mobile = b->mobile, .pass = b->pass };

	return trace_who_resolve(http_store(r), http_keys(r), http_scope(r), http_arena(r), &w,
	    id, e);
}

/* Null the person_id of contacts outside the caller's scope. */
static sj_rc
mask_contacts(http_req *r, const trace_result *t, json_t *j, sj_err *e)
{
	json_t *contacts = json_object_get(j, "contacts");

	for (size_t i = 0; i < t->n_contacts; i++) {
		json_t *c = json_array_get(contacts, i);
		person p;
		sj_rc rc = person_get(http_store(r), http_scope(r), http_arena(r),
		    t->contacts[i].person_id, &p, e);

		if (rc != SJ_OK && rc != SJ_ENOTFOUND)
			return rc;
		sj_err_clear(e);
		json_object_set_new(c, "masked", json_boolean(rc == SJ_ENOTFOUND));
		if (rc == SJ_ENOTFOUND)
			json_object_set_new(c, "person_id", json_null());
	}
	return SJ_OK;
}

/* The answer's format: the body's "format", else the Accept header
 * (text/csv, the XLSX type), else JSON (-1).  Errors: SJ_EINVAL
 * ("format"; "reveal" asked for JSON); SJ_EFORBIDDEN ("reveal"). */
static sj_rc
answer_format(http_req *r, const trace_body *b, int *format, sj_err *e)
{
	const char *accept = http_header(r, "Accept");

	*format = -1;
	if (b->format && strcmp(b->format, "json") != 0 &&
	    (*format = sheet_format_parse(b->format)) < 0)
		return sj_fail(e, SJ_EINVAL, "format", "use json, csv or xlsx");
	if (b->format == NULL && accept && strstr(accept, "text/csv"))
		*format = SHEET_CSV;
	else if (b->format == NULL && accept && strstr(accept, sheet_format_mime(SHEET_XLSX)))
		*format = SHEET_XLSX;
	if (b->reveal && *format < 0)
		return sj_fail(e, SJ_EINVAL, "reveal", "identity data are revealed in csv or xlsx only");
	if (b->reveal && !auth_role_may(http_scope(r)->role, PERM_PERSON_REVEAL))
		return sj_fail(e, SJ_EFORBIDDEN, "reveal", "your role may not reveal identity data");
	return SJ_OK;
}

typedef struct export_job {
	http_req *r;
	const trace_result *t;
	int format;
	bool reveal;
} export_job;

static sj_rc
export_write(void *ctx, const char *path, sj_err *e)
{
	export_job *j = ctx;

	return trace_export(http_store(j->r), http_keys(j->r), http_scope(j->r), j->t, j->format,
	    j->reveal, path, 0, NULL, e);
}

/* trace_params names the overlap and the margin as they are there
 * (min_overlap, margin, in seconds); the body has them in minutes under
 * other names, and a problem names the body's (issue 6 "Bad input": a
 * problem document naming the parameter). */
static sj_rc
body_field(sj_rc rc, sj_err *e)
{
	static const char *const names[][2] = {
		{ "min_overlap", "min_overlap_minutes" }, { "margin", "margin_minutes" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(e->field, names[i][0]) == 0)
			snprintf(e->field, sizeof e->field, "%s", names[i][1]);
	return rc;
}

static sj_rc
trace_post(http_req *r, sj_err *e)
{
	trace_body b = { .days = 14, .min_overlap_minutes = 15, .depth = 1 };
	int64_t now = dt_now(), person_id = 0;
	trace_params p;
	trace_result t = {0};
	json_t *j = NULL;
	int format;
	sj_rc rc;

	if ((rc = jb_read(http_body(r), trace_fields, &b, http_arena(r), e)) != SJ_OK ||
	    (rc = answer_format(r, &b, &format, e)) != SJ_OK ||
	    (rc = index_person(r, &b, &person_id, e)) != SJ_OK)
		return rc;
	if (b.days < 1 || b.days > 3660)
		return sj_fail(e, SJ_EINVAL, "days", "must be 1 to 3660");
	trace_params_default(&p, person_id, now);
	p.to = b.to ? b.to : now;
	p.from = b.from ? b.from : p.to - b.days * 86400;
	/* Checked here as int64: the cast would make 2^32 + 2 a depth of 2. */
	if (b.depth != 1 && b.depth != 2)
		return sj_fail(e, SJ_EINVAL, "depth", "must be 1 or 2, not %lld", (long long)b.depth);
	p.depth = (int)b.depth;
	p.exclude_home = b.exclude_home != 0;
	p.retention_s = (int64_t)http_config(r)->retention_days * 86400;
	if ((rc = trace_params_minutes(&p, b.min_overlap_minutes, b.margin_minutes, e)) != SJ_OK ||
	    (rc = trace_params_check(&p, e)) != SJ_OK)
		return body_field(rc, e);
	rc = trace_run(http_trace_index(r), &p, &t, e);
	if (rc == SJ_OK) {
		j = jtrace_result(&t);
		rc = mask_contacts(r, &t, j, e);
	}
	if (rc == SJ_OK && (rc = store_begin(http_store(r), e)) == SJ_OK) {
		json_t *audit = json_deep_copy(json_object_get(j, "params"));

		json_object_set_new(audit, "n_contacts", json_integer((json_int_t)t.n_contacts));
		json_object_set_new(audit, "format", json_string(format < 0 ? "json"
		    : sheet_format_ext(format)));
		json_object_set_new(audit, "reveal", json_boolean(b.reveal));
		rc = http_audit(r, "trace.run", "person", person_id, NULL, audit, e);
		if (rc == SJ_OK)
			rc = store_commit(http_store(r), e);
		else
			store_rollback(http_store(r));
	}
	if (rc == SJ_OK && format >= 0) {
		export_job job = { r, &t, format, b.reveal != 0 };

		rc = api_reply_export(r, format, arena_printf(http_arena(r), "trace-%lld",
		    (long long)person_id), export_write, &job, e);
		json_decref(j);
		trace_result_free(&t);
		return rc;
	}
	trace_result_free(&t);
	if (rc != SJ_OK) {
		json_decref(j);
		return rc;
	}
	return http_reply_json(r, 200, j);
}

const http_route api_trace_routes[] = {
	{ "POST", "/api/v1/traces", trace_post, PERM_TRACE_RUN, 4096 },
	{ NULL, NULL, NULL, 0, 0 },
};
