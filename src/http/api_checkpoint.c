/*
 * api_checkpoint — the checkpoint module over HTTP under /api/v1 (issue 5):
 * scans, stays, alerts (with the live feed as server-sent events), outsider
 * registrations and the disinfection log.
 *
 * Scans take the fast path: the handler checks the scan on its worker
 * thread (scan_prepare_defer, reads only; the person is found and the scan
 * screened by the writer, whose page cache is warm), defers its reply and hands the
 * scan to the group-commit writer (domain/writer.h); the connection is
 * suspended, not the thread, and the reply goes out once the writer's
 * transaction is durable.  Scans are not written to the audit log: a scan
 * row is itself the record of who recorded what (its operator).  The other
 * writes run in one transaction with their audit event (api_write_end).
 *
 * Every rule and every scope test lives in the domain modules; a record out
 * of scope answers 404 exactly like a missing one, and a checkpoint
 * attendant may record only at the checkpoints they attend.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/datetime.h"
#include "domain/alert.h"
#include "domain/auth.h"
#include "domain/disinfection.h"
#include "domain/org.h"
#include "domain/outsider.h"
#include "domain/scan.h"
#include "domain/scancode.h"
#include "domain/writer.h"
#include "http/api.h"
#include "json/jorg.h"
#include "json/jscan.h"

#define SCAN_BODY_MAX 4096
#define RECORD_BODY_MAX 8192
#define SSE_REPLAY_MAX 100     /* alerts replayed after a Last-Event-ID */
#define SSE_READ_BATCH 16

/* ---- small helpers -------------------------------------------------------- */

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* An id from the path, reported under field when malformed (a malformed
 * id names no record: 404). */
static sj_rc
path_id(http_req *r, const char *field, int64_t *id, sj_err *e)
{
	sj_rc rc = http_param_id(r, "id", id, e);

	if (rc != SJ_OK && e)
		snprintf(e->field, sizeof e->field, "%s", field);
	return rc;
}

/* A query parameter that is an RFC 3339 instant.  A '+' of the offset
 * that arrived unescaped reads as a space (form encoding); it is put back. */
static sj_rc
query_instant(http_req *r, const char *name, int64_t *out, sj_err *e)
{
	const char *v = http_query(r, name);
	char *copy;
	size_t n;

	*out = 0;
	if (v == NULL)
		return SJ_OK;
	copy = arena_strdup(http_arena(r), v);
	n = strlen(copy);
	if (n > 6 && copy[n - 6] == ' ' && copy[n - 3] == ':')
		copy[n - 6] = '+';
	return dt_parse_rfc3339(copy, name, out, e);
}

/* A query parameter that is a local date. */
static sj_rc
query_date(http_req *r, const char *name, sj_date def, sj_date *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = def;
	return v ? dt_date_parse(v, name, out, e) : SJ_OK;
}

static sj_rc
query_id(http_req *r, const char *name, int64_t *out, sj_err *e)
{
	return http_query_int(r, name, 0, 1, INT64_MAX, out, e);
}

static sj_rc
query_limit(http_req *r, int max, int *out, sj_err *e)
{
	int64_t v;
	sj_rc rc = http_query_int(r, "limit", 50, 1, max, &v, e);

	*out = (int)v;
	return rc;
}

static sj_rc
query_cursor(http_req *r, int64_t *before_id, sj_err *e)
{
	const void *key;
	size_t key_n;

	return http_cursor_decode(r, &key, &key_n, before_id, e);
}

static const char *
next_cursor(http_req *r, bool has_more, int64_t before_id)
{
	return has_more ? http_cursor_encode(r, NULL, 0, before_id) : NULL;
}

/* ---- POST /api/v1/checkpoints/{id}/scans ------------------------------------ */

typedef struct scan_body {
	const char *id_number;
	int64_t person_id;
	const char *code;
	const char *direction;
	int64_t time;
	const char *idempotency_key;
} scan_body;

static const jb_field scan_fields[] = {
	{ "id_number", JB_STRING, false, offsetof(scan_body, id_number), 0, 0 },
	{ "person_id", JB_ID, false, offsetof(scan_body, person_id), 0, 0 },
	{ "code", JB_STRING, false, offsetof(scan_body, code), 0, 0 },
	{ "direction", JB_STRING, true, offsetof(scan_body, direction), 0, 0 },
	{ "time", JB_INSTANT, false, offsetof(scan_body, time), 0, 0 },
	{ "idempotency_key", JB_STRING, false, offsetof(scan_body, idempotency_key), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* The temperature member: a string as typed ("37,5", "98.6°F") or a JSON
 * number in °C; null or absent for none. */
static sj_rc
body_temperature(const json_t *v, int *c10, sj_err *e)
{
	char text[32];

	*c10 = 0;
	if (v == NULL || json_is_null(v))
		return SJ_OK;
	if (json_is_string(v))
		return screening_temp_parse(json_string_value(v), c10, e);
	if (json_is_integer(v))
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(text, sizeof text, "%.6g", json_real_value(v));
	else
		return sj_fail(e, SJ_EINVAL, "temperature", "must be a string or a number");
	return screening_temp_parse(text, c10, e);
}

/* Read the body into in (everything but the checkpoint and the who of a
 * code, which need the store). */
static sj_rc
scan_body_read(http_req *r, scan_body *b, scan_input *in, sj_err *e)
{
	const char *header = http_header(r, "Idempotency-Key");
	json_t *body = http_body(r);
	sj_rc rc;

	if ((rc = body_temperature(json_object_get(body, "temperature"), &in->temperature,
	    e)) != SJ_OK)
		return rc;
	/* The temperature is read; the rest goes through jb_read, which
	 * refuses members it does not know.  The body is this request's: no
	 * copy is needed to take the member out. */
	json_object_del(body, "temperature");
	rc = jb_read(body, scan_fields, b, http_arena(r), e);
	if (rc != SJ_OK || (rc = scan_direction_parse(b->direction, &in->direction, e)) != SJ_OK)
		return rc;
	if (!!b->id_number + !!b->person_id + !!b->code > 1)
		return sj_fail(e, SJ_EINVAL, b->code ? "code" : "person_id",
		    "give one of id_number, person_id or code");
	/* Two keys are two answers to "which scan is this": neither is taken. */
	if (header && http_header_count(r, "Idempotency-Key") > 1)
		return sj_fail(e, SJ_EINVAL, "idempotency_key",
		    "the Idempotency-Key header is given more than once");
	if (header && b->idempotency_key && strcmp(header, b->idempotency_key) != 0)
		return sj_fail(e, SJ_EINVAL, "idempotency_key",
		    "differs from the Idempotency-Key header");
	in->key = b->idempotency_key ? b->idempotency_key : header;
	in->id_number = b->id_number;
	in->person_id = b->person_id;
	in->at = b->time;
	in->operator_id = http_user_id(r);
	in->source = SCAN_SRC_ATTENDANT;
	return SJ_OK;
}

/* A scanned code: the who of the scan, through the codes module. */
static sj_rc
scan_code(http_req *r, const char *code, int64_t now, scan_input *in, sj_err *e)
{
	org_checkpoint cp;
	sj_rc rc;

	if ((rc = org_checkpoint_get(http_store(r), http_scope(r), http_arena(r), in->checkpoint_id,
	    &cp, e)) != SJ_OK)
		return rc;
	return scancode_resolve(http_store(r), http_keys(r), code, cp.place_id, now, in, e);
}

static void
scan_done(scan_job *job, void *cls)
{
	(void)job;
	http_resume(cls);
}

static void
scan_start(http_req *r, void *cls)
{
	scan_job *job = cls;
	sj_err e = {0};

	job->done = scan_done;
	job->cls = r;
	/* Once submitted the job is the writer's until done: its outcome
	 * must not be written here (the writer may already have set it). */
	if (scan_writer_submit(http_scan_writer(r), job, &e) != SJ_OK) {
		job->err = e;
		job->rc = e.rc;
		http_resume(r);
	}
}

static sj_rc
scan_finish(http_req *r, void *cls, sj_err *e)
{
	scan_job *job = cls;
	char text[4096];
	size_t n;

	if (job->rc != SJ_OK) {
		*e = job->err;
		return job->rc;
	}
	if (job->out.replayed)
		http_reply_header(r, "Idempotent-Replayed", "true");
	/* The answer as text directly (the same bytes as through jansson,
	 * json/jscan.h); the tree only when that refuses, to answer as it did. */
	if ((n = jscan_result_text(&job->out, text, sizeof text)) > 0)
		return http_reply_bytes(r, 200, "application/json", text, n);
	return http_reply_json(r, 200, jscan_result(&job->out));
}

static sj_rc
post_scan(http_req *r, sj_err *e)
{
	scan_settings settings;
	scan_body b = {0};
	scan_input in = {0};
	scan_job *job;
	int64_t now = dt_now();
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = path_id(r, "checkpoint", &in.checkpoint_id, e)) != SJ_OK ||
	    (rc = scan_body_read(r, &b, &in, e)) != SJ_OK ||
	    (b.code && (rc = scan_code(r, b.code, now, &in, e)) != SJ_OK))
		return rc;
	scan_settings_of(http_config(r), &settings);
	job = arena_zalloc(http_arena(r), sizeof *job);
	if ((rc = scan_prepare_defer(http_store(r), http_keys(r), &settings, http_scope(r), &in,
	    now, &job->in, e)) != SJ_OK)
		return rc;
	http_defer(r, scan_start, scan_finish, job);
	return SJ_OK;
}

/* ---- scans and stays -------------------------------------------------------- */

static sj_rc
get_scans(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"place_id", "unit_id", "checkpoint_id", "person_id", "from", "to", "limit", "cursor",
		NULL,
	};
	scan_filter f = {0};
	scan_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_id(r, "place_id", &f.place_id, e)) != SJ_OK ||
	    (rc = query_id(r, "unit_id", &f.unit_id, e)) != SJ_OK ||
	    (rc = query_id(r, "checkpoint_id", &f.checkpoint_id, e)) != SJ_OK ||
	    (rc = query_id(r, "person_id", &f.person_id, e)) != SJ_OK ||
	    (rc = query_instant(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_instant(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = query_limit(r, SCAN_LIST_MAX, &f.limit, e)) != SJ_OK ||
	    (rc = query_cursor(r, &f.before_id, e)) != SJ_OK ||
	    (rc = scan_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_scans; i++)
		json_array_append_new(items, jscan_row(&page.scans[i]));
	return http_reply_page(r, items, next_cursor(r, page.has_more, page.next_before_id));
}

/* GET /api/v1/scans/daily: scans per local day (the deployment's zone). */
static sj_rc
get_scans_daily(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "place_id", "unit_id", "from", "to", NULL };
	sj_date today = dt_date_of(dt_now()), from, to;
	int64_t place_id, unit_id, *in, *out;
	char day[DT_DATE_LEN];
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_id(r, "place_id", &place_id, e)) != SJ_OK ||
	    (rc = query_id(r, "unit_id", &unit_id, e)) != SJ_OK ||
	    (rc = query_date(r, "to", today, &to, e)) != SJ_OK ||
	    (rc = query_date(r, "from", to - 6, &from, e)) != SJ_OK)
		return rc;
	if (to < from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if (to - from >= 366)
		return sj_fail(e, SJ_EINVAL, "to", "at most 366 days at a time");
	in = arena_alloc(http_arena(r), (size_t)(to - from + 1) * sizeof *in);
	out = arena_alloc(http_arena(r), (size_t)(to - from + 1) * sizeof *out);
	if ((rc = scan_daily(http_store(r), http_scope(r), place_id, unit_id, from, to, in, out, e))
	    != SJ_OK)
		return rc;
	items = json_array();
	for (sj_date d = from; d <= to; d++) {
		dt_date_format(d, day);
		json_array_append_new(items, json_pack("{s:s, s:I, s:I, s:I}", "date", day,
		    "in", (json_int_t)in[d - from], "out", (json_int_t)out[d - from],
		    "total", (json_int_t)(in[d - from] + out[d - from])));
	}
	return http_reply_json(r, 200, json_pack("{s:s, s:o}", "tz", dt_zone_name(),
	    "days", items));
}

static sj_rc
get_stays(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"place_id", "unit_id", "person_id", "from", "to", "limit", "cursor", NULL,
	};
	stay_filter f = {0};
	stay_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_id(r, "place_id", &f.place_id, e)) != SJ_OK ||
	    (rc = query_id(r, "unit_id", &f.unit_id, e)) != SJ_OK ||
	    (rc = query_id(r, "person_id", &f.person_id, e)) != SJ_OK ||
	    (rc = query_instant(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_instant(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = query_limit(r, STAY_LIST_MAX, &f.limit, e)) != SJ_OK ||
	    (rc = query_cursor(r, &f.before_id, e)) != SJ_OK ||
	    (rc = stay_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_stays; i++)
		json_array_append_new(items, jscan_stay(&page.stays[i]));
	return http_reply_page(r, items, next_cursor(r, page.has_more, page.next_before_id));
}

/* ---- alerts ----------------------------------------------------------------- */

static sj_rc
alert_state(const char *v, int *state, sj_err *e)
{
	if (v == NULL || strcmp(v, "all") == 0)
		*state = 0;
	else if (strcmp(v, "open") == 0)
		*state = 1;
	else if (strcmp(v, "acknowledged") == 0)
		*state = 2;
	else
		return sj_fail(e, SJ_EINVAL, "state", "must be open, acknowledged or all");
	return SJ_OK;
}

static sj_rc
get_alerts(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"place_id", "unit_id", "state", "from", "to", "limit", "cursor", NULL,
	};
	alert_filter f = {0};
	alert_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_id(r, "place_id", &f.place_id, e)) != SJ_OK ||
	    (rc = query_id(r, "unit_id", &f.unit_id, e)) != SJ_OK ||
	    (rc = alert_state(http_query(r, "state"), &f.state, e)) != SJ_OK ||
	    (rc = query_instant(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_instant(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = query_limit(r, ALERT_LIST_MAX, &f.limit, e)) != SJ_OK ||
	    (rc = query_cursor(r, &f.before_id, e)) != SJ_OK ||
	    (rc = alert_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_alerts; i++)
		json_array_append_new(items, jscan_alert(&page.alerts[i]));
	return http_reply_page(r, items, next_cursor(r, page.has_more, page.next_before_id));
}

static sj_rc
get_alert(http_req *r, sj_err *e)
{
	alert a;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = path_id(r, "alert", &id, e)) != SJ_OK ||
	    (rc = alert_get(http_store(r), http_scope(r), http_arena(r), id, &a, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jscan_alert(&a));
}

typedef struct ack_body {
	const char *note;
} ack_body;

static const jb_field ack_fields[] = {
	{ "note", JB_TEXT, true, offsetof(ack_body, note), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_alert_ack(http_req *r, sj_err *e)
{
	api_write w = { .action = "alert.ack", .object_type = "alert", .status = 200 };
	store *s = http_store(r);
	ack_body b = {0};
	alert a;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = path_id(r, "alert", &w.id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), ack_fields, &b, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = alert_ack(s, http_scope(r), w.id, http_user_id(r), b.note, dt_now(), e))
	    == SJ_OK &&
	    (rc = alert_get(s, http_scope(r), http_arena(r), w.id, &a, e)) == SJ_OK)
		w.after = jscan_alert(&a);
	return api_write_end(r, rc, &w, e);
}

/* ---- GET /api/v1/alerts/stream: server-sent events --------------------------- */

/* One open stream: what is waiting to be sent, and the subscription. */
typedef struct sse {
	http_stream *stream;
	alert_sub *sub;
	buf out;          /* bytes not yet handed to the connection, from `sent` */
	size_t sent;
} sse;

static void
sse_wake(void *cls)
{
	sse *x = cls;

	http_stream_wake(x->stream);
}

static void
sse_release(void *cls)
{
	sse *x = cls;

	alert_feed_unsubscribe(x->sub);
	buf_free(&x->out);
	free(x);
}

/* Append one alert as an SSE event: its id, type "alert" and JSON data on
 * one line (JSON escapes every line break). */
static void
sse_event(sse *x, const alert *a)
{
	json_t *j = jscan_alert(a);
	char *data = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	if (data == NULL)
		sj_oom(0);
	buf_printf(&x->out, NULL, "id: %lld\nevent: alert\ndata: %s\n\n", (long long)a->id, data);
	free(data);
}

static long
sse_next(void *cls, char *out, size_t max, bool tick)
{
	sse *x = cls;
	alert batch[SSE_READ_BATCH];
	uint64_t missed = 0;
	size_t n, left;

	if (x->sent == x->out.len) {
		buf_reset(&x->out);
		x->sent = 0;
		n = alert_feed_read(x->sub, batch, SSE_READ_BATCH, &missed);
		if (missed)
			buf_printf(&x->out, NULL, "event: missed\ndata: {\"alerts\":%llu}\n\n",
			    (unsigned long long)missed);
		for (size_t i = 0; i < n; i++)
			sse_event(x, &batch[i]);
		if (x->out.len == 0 && tick)
			buf_puts(&x->out, ": keep-alive\n\n", NULL);
	}
	left = x->out.len - x->sent;
	if (left > max)
		left = max;
	memcpy(out, x->out.data + x->sent, left);
	x->sent += left;
	return (long)left;
}

/* After a reconnection with Last-Event-ID: the alerts in scope made
 * since, oldest first (at most SSE_REPLAY_MAX). */
static sj_rc
sse_replay(http_req *r, sse *x, int64_t last, sj_err *e)
{
	alert_filter f = { .limit = SSE_REPLAY_MAX };
	alert_page page;
	size_t n;
	sj_rc rc;

	if ((rc = alert_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	for (n = 0; n < page.n_alerts && page.alerts[n].id > last; n++)
		;
	while (n-- > 0)
		sse_event(x, &page.alerts[n]);
	return SJ_OK;
}

/* The alert id of a Last-Event-ID header into *id: true only for an id
 * this feed sends (decimal digits, 1 to INT64_MAX).  Anything else —
 * empty, "abc", "-5", "12x", too large — is no id, and the stream starts
 * without a replay (the HTML standard's reconnection sends back only
 * what the server sent). */
static bool
last_event_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1)
		return false;
	*id = v;
	return true;
}

static sj_rc
get_alert_stream(http_req *r, sj_err *e)
{
	const char *last = http_header(r, "Last-Event-ID");
	int64_t since;
	alert_feed_scope fs;
	sse *x;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = alert_feed_scope_of(http_store(r), http_scope(r), http_arena(r), &fs, e))
	    != SJ_OK)
		return rc;
	x = sj_calloc(1, sizeof *x);
	buf_init(&x->out, 0);
	/* Reconnect after 3 s; a comment at once so that the client sees
	 * the stream is open. */
	buf_puts(&x->out, "retry: 3000\n: sijin alert stream\n\n", NULL);
	if (last_event_id(last, &since) && (rc = sse_replay(r, x, since, e)) != SJ_OK) {
		buf_free(&x->out);
		free(x);
		return rc;
	}
	if ((rc = http_reply_stream(r, "text/event-stream; charset=utf-8", sse_next, sse_release,
	    x, &x->stream, e)) != SJ_OK) {
		buf_free(&x->out);
		free(x);
		return rc;
	}
	/* Subscribed once the stream exists: the feed may wake it at once. */
	x->sub = alert_feed_subscribe(&fs, sse_wake, x);
	http_reply_header(r, "X-Accel-Buffering", "no");
	return SJ_OK;
}

/* ---- outsider registrations ---------------------------------------------------- */

static const jb_field outsider_fields[] = {
	{ "person_id", JB_ID, false, offsetof(outsider_input, person_id), 0, 0 },
	{ "name", JB_STRING, false, offsetof(outsider_input, name), 0, 0 },
	{ "mobile", JB_STRING, false, offsetof(outsider_input, mobile), 0, 0 },
	{ "id_number", JB_STRING, false, offsetof(outsider_input, id_number), 0, 0 },
	{ "confirm_person", JB_BOOL, false, offsetof(outsider_input, confirm_person), 0, 0 },
	{ "unit_id", JB_ID, false, offsetof(outsider_input, unit_id), 0, 0 },
	{ "checkpoint_id", JB_ID, false, offsetof(outsider_input, checkpoint_id), 0, 0 },
	{ "from", JB_STRING, true, offsetof(outsider_input, from), 0, 0 },
	{ "reason", JB_STRING, true, offsetof(outsider_input, reason), 0, 0 },
	{ "host_household_id", JB_ID, false, offsetof(outsider_input, host_household_id), 0, 0 },
	{ "host", JB_STRING, false, offsetof(outsider_input, host), 0, 0 },
	{ "valid_from", JB_INSTANT, false, offsetof(outsider_input, valid_from), 0, 0 },
	{ "valid_until", JB_INSTANT, false, offsetof(outsider_input, valid_until), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static int
today_ymd(void)
{
	int y, m, d;

	dt_date_to_ymd(dt_date_of(dt_now()), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

static sj_rc
post_outsider(http_req *r, sj_err *e)
{
	api_write w = { .action = "outsider.register", .object_type = "outsider_registration",
	    .status = 201, .collection = "/api/v1/outsiders" };
	outsider_input in = {0};
	store *s = http_store(r);
	outsider o;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), outsider_fields, &in, http_arena(r), e)) != SJ_OK)
		return rc;
	/* Who is either a person on record (person_id) or the fields that find
	 * or make one; outsider_register reads only person_id when it is
	 * given, so the others would be dropped unchecked (a mistyped mobile
	 * stored nowhere, and answered 201). */
	if (in.person_id && (in.name || in.mobile || in.id_number || in.confirm_person))
		return sj_fail(e, SJ_EINVAL, "person_id", "give either person_id or name and mobile "
		    "(and id_number), not both");
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	in.registered_by = http_user_id(r);
	if ((rc = outsider_register(s, http_keys(r), http_scope(r), &in, dt_now(), today_ymd(),
	    &w.id, NULL, e)) == SJ_OK &&
	    (rc = outsider_get(s, http_scope(r), http_arena(r), w.id, &o, e)) == SJ_OK)
		w.after = jscan_outsider(&o);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_outsiders(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"unit_id", "person_id", "valid_at", "limit", "cursor", NULL,
	};
	outsider_filter f = {0};
	outsider_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_id(r, "unit_id", &f.unit_id, e)) != SJ_OK ||
	    (rc = query_id(r, "person_id", &f.person_id, e)) != SJ_OK ||
	    (rc = query_instant(r, "valid_at", &f.valid_at, e)) != SJ_OK ||
	    (rc = query_limit(r, OUTSIDER_LIST_MAX, &f.limit, e)) != SJ_OK ||
	    (rc = query_cursor(r, &f.before_id, e)) != SJ_OK ||
	    (rc = outsider_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_items; i++)
		json_array_append_new(items, jscan_outsider(&page.items[i]));
	return http_reply_page(r, items, next_cursor(r, page.has_more, page.next_before_id));
}

static sj_rc
get_outsider(http_req *r, sj_err *e)
{
	outsider o;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = path_id(r, "outsider", &id, e)) != SJ_OK ||
	    (rc = outsider_get(http_store(r), http_scope(r), http_arena(r), id, &o, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jscan_outsider(&o));
}

/* ---- the disinfection log ------------------------------------------------------ */

static const jb_field disinfection_fields[] = {
	{ "area", JB_STRING, true, offsetof(disinfection, area), 0, 0 },
	{ "agent", JB_STRING, true, offsetof(disinfection, agent), 0, 0 },
	{ "concentration", JB_STRING, false, offsetof(disinfection, concentration), 0, 0 },
	{ "at", JB_INSTANT, false, offsetof(disinfection, at), 0, 0 },
	{ "next_due_at", JB_INSTANT, false, offsetof(disinfection, next_due_at), 0, 0 },
	{ "note", JB_TEXT, false, offsetof(disinfection, note), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_disinfection(http_req *r, sj_err *e)
{
	api_write w = { .action = "disinfection.create", .object_type = "disinfection",
	    .status = 201 };
	disinfection in = {0};
	disinfection_page page;
	disinfection_filter f = { .limit = 1 };
	store *s = http_store(r);
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = path_id(r, "place", &in.place_id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), disinfection_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	in.operator_id = http_user_id(r);
	f.place_id = in.place_id;
	if ((rc = disinfection_add(s, http_scope(r), &in, dt_now(), &w.id, e)) == SJ_OK &&
	    (rc = disinfection_list(s, http_scope(r), http_arena(r), &f, &page, e)) == SJ_OK &&
	    page.n_items == 1)
		w.after = jscan_disinfection(&page.items[0]);
	w.location = arena_printf(http_arena(r), "/api/v1/disinfections?place_id=%lld",
	    (long long)in.place_id);
	return api_write_end(r, rc, &w, e);
}

static sj_rc
get_disinfections(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"place_id", "unit_id", "from", "to", "overdue", "limit", "cursor", NULL,
	};
	const char *overdue = http_query(r, "overdue");
	disinfection_filter f = {0};
	disinfection_page page;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK)
		return rc;
	if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
		return sj_fail(e, SJ_EINVAL, "overdue", "must be true or false");
	f.overdue = overdue && strcmp(overdue, "true") == 0;
	if ((rc = query_id(r, "place_id", &f.place_id, e)) != SJ_OK ||
	    (rc = query_id(r, "unit_id", &f.unit_id, e)) != SJ_OK ||
	    (rc = query_instant(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_instant(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = query_limit(r, DISINF_LIST_MAX, &f.limit, e)) != SJ_OK ||
	    (rc = query_cursor(r, &f.before_id, e)) != SJ_OK ||
	    (rc = disinfection_list(http_store(r), http_scope(r), http_arena(r), &f, &page, e))
	    != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_items; i++)
		json_array_append_new(items, jscan_disinfection(&page.items[i]));
	return http_reply_page(r, items, next_cursor(r, page.has_more, page.next_before_id));
}

/* ---- the route table ------------------------------------------------------------ */

const http_route api_checkpoint_routes[] = {
	{ "POST", "/api/v1/checkpoints/{id}/scans", post_scan, PERM_SCAN_RECORD, SCAN_BODY_MAX },
	{ "GET", "/api/v1/scans", get_scans, PERM_SCAN_READ, 0 },
	{ "GET", "/api/v1/scans/daily", get_scans_daily, PERM_SCAN_READ, 0 },
	{ "GET", "/api/v1/stays", get_stays, PERM_SCAN_READ, 0 },
	{ "GET", "/api/v1/alerts", get_alerts, PERM_SCAN_READ, 0 },
	{ "GET", "/api/v1/alerts/stream", get_alert_stream, PERM_SCAN_READ, 0 },
	{ "GET", "/api/v1/alerts/{id}", get_alert, PERM_SCAN_READ, 0 },
	{ "POST", "/api/v1/alerts/{id}/ack", post_alert_ack, PERM_SCAN_RECORD, RECORD_BODY_MAX },
	{ "POST", "/api/v1/outsiders", post_outsider, PERM_SCAN_RECORD, RECORD_BODY_MAX },
	{ "GET", "/api/v1/outsiders", get_outsiders, PERM_SCAN_READ, 0 },
	{ "GET", "/api/v1/outsiders/{id}", get_outsider, PERM_SCAN_READ, 0 },
	{ "POST", "/api/v1/places/{id}/disinfections", post_disinfection, PERM_SCAN_RECORD,
	  RECORD_BODY_MAX },
	{ "GET", "/api/v1/disinfections", get_disinfections, PERM_SCAN_READ, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
