/*
 * reply — the handler-facing side of a request: accessors, query
 * parameters, cursors, replies and problem documents (RFC 9457).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/text.h"
#include "http/req.h"

#define PROBLEM_TYPE_BASE "urn:sijin:problem:"
#define REPLY_SMALL 4096   /* bytes: a JSON answer dumped on the stack first */

const char *http_method(const http_req *r) { return r->method; }
const char *http_path(const http_req *r) { return r->path; }
const char *http_request_id(const http_req *r) { return r->request_id; }
const char *http_client_ip(const http_req *r) { return r->ip; }
arena *http_arena(http_req *r) { return &r->a; }
const crypt_keys *http_keys(const http_req *r) { return http_server_keys(r->srv); }
const sj_config *http_config(const http_req *r) { return http_server_config(r->srv); }
const scope *http_scope(const http_req *r) { return &r->sc; }
int64_t http_user_id(const http_req *r) { return r->user_id; }
const char *http_username(const http_req *r) { return r->username ? r->username : ""; }
json_t *http_body(const http_req *r) { return r->json; }

const void *
http_body_raw(const http_req *r, size_t *n)
{
	*n = r->body.len;
	return r->body.len ? r->body.data : NULL;
}

store *
http_store(http_req *r)
{
	store *s = NULL;

	/* The server opened it before calling the handler, so this cannot fail. */
	http_thread_store(r->srv, &s, NULL);
	return s;
}

const char *
http_header(const http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

typedef struct header_count {
	const char *name;
	int n;
} header_count;

static enum MHD_Result
header_visit(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	header_count *hc = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, hc->name) == 0)
		hc->n++;
	return MHD_YES;
}

int
http_header_count(const http_req *r, const char *name)
{
	header_count hc = { .name = name };

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, header_visit, &hc);
	return hc.n;
}

const char *
http_param(const http_req *r, const char *name)
{
	for (int i = 0; i < r->n_captures; i++)
		if (strcmp(r->captures[i].name, name) == 0)
			return r->captures[i].value;
	return NULL;
}

sj_rc
http_param_id(const http_req *r, const char *name, int64_t *id, sj_err *e)
{
	const char *s = http_param(r, name);
	int64_t v = 0;

	*id = 0;
	if (s == NULL || *s == '\0' || strlen(s) > 16)
		goto bad;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > ((int64_t)1 << 53))
		goto bad;
	*id = v;
	return SJ_OK;
bad:
	return sj_fail(e, SJ_ENOTFOUND, name, "'%s' is not a record id", s ? s : "");
}

const char *
http_query(const http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct query_check {
	const char *const *allowed;
	const char *seen[32];
	int n_seen;
	const char *bad;
	const char *why;
} query_check;

static enum MHD_Result
query_visit(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	query_check *qc = cls;
	bool ok = false;

	(void)kind;
	(void)value;
	for (const char *const *a = qc->allowed; *a && !ok; a++)
		ok = strcmp(*a, key) == 0;
	if (!ok) {
		qc->bad = key;
		qc->why = "unknown query parameter";
		return MHD_NO;
	}
	for (int i = 0; i < qc->n_seen; i++)
		if (strcmp(qc->seen[i], key) == 0) {
			qc->bad = key;
			qc->why = "given more than once";
			return MHD_NO;
		}
	if (qc->n_seen < 32)
		qc->seen[qc->n_seen++] = key;
	return MHD_YES;
}

sj_rc
http_query_check(const http_req *r, const char *const *allowed, sj_err *e)
{
	query_check qc = { .allowed = allowed };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_visit, &qc);
	if (qc.bad)
		return sj_fail(e, SJ_EINVAL, qc.bad, "%s", qc.why);
	return SJ_OK;
}

sj_rc
http_query_int(const http_req *r, const char *name, int64_t def, int64_t min, int64_t max,
    int64_t *out, sj_err *e)
{
	const char *s = http_query(r, name);
	char *end;
	long long v;

	*out = def;
	if (s == NULL)
		return SJ_OK;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || ((*s < '0' || *s > '9') && *s != '-'))
		return sj_fail(e, SJ_EINVAL, name, "'%s' is not an integer", s);
	/* strtoll saturates: 99999999999999999999 must not read as INT64_MAX */
	if (errno == ERANGE)
		return sj_fail(e, SJ_EINVAL, name, "'%.40s' is out of range %lld..%lld", s,
		    (long long)min, (long long)max);
	if (v < min || v > max)
		return sj_fail(e, SJ_EINVAL, name, "%lld is out of range %lld..%lld", v,
		    (long long)min, (long long)max);
	*out = v;
	return SJ_OK;
}

/* ---- cursors ------------------------------------------------------------ */

/* A cursor is the id (8 bytes, big-endian) followed by the sort key,
 * base64url without padding. */
const char *
http_cursor_encode(http_req *r, const void *key, size_t key_n, int64_t id)
{
	size_t raw_n = 8 + key_n, out_n;
	unsigned char *raw = arena_alloc(&r->a, raw_n);
	char *out;

	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)id >> (56 - 8 * i));
	if (key_n)
		memcpy(raw + 8, key, key_n);
	out_n = sodium_base64_encoded_len(raw_n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = arena_alloc(&r->a, out_n);
	return sodium_bin2base64(out, out_n, raw, raw_n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

sj_rc
http_cursor_decode(http_req *r, const void **key, size_t *key_n, int64_t *id, sj_err *e)
{
	const char *s = http_query(r, "cursor");
	size_t len, raw_n;
	unsigned char *raw;
	uint64_t v = 0;

	*key = NULL;
	*key_n = 0;
	*id = 0;
	if (s == NULL)
		return SJ_OK;
	len = strlen(s);
	raw = arena_alloc(&r->a, len + 1);
	if (len > 4096 || sodium_base642bin(raw, len, s, len, NULL, &raw_n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || raw_n < 8)
		return sj_fail(e, SJ_EINVAL, "cursor", "is not a cursor this server made");
	for (int i = 0; i < 8; i++)
		v = v << 8 | raw[i];
	*id = (int64_t)v;
	*key = raw + 8;
	*key_n = raw_n - 8;
	return SJ_OK;
}

/* ---- replies ------------------------------------------------------------ */

static void
reply_set(http_req *r, int status, const char *ctype, void *bytes, size_t n)
{
	free(r->reply);
	if (r->reply_fd_set)
		close(r->reply_fd);
	r->reply_fd_set = false;
	r->status = status;
	r->content_type = ctype;
	r->reply = bytes;
	r->reply_n = n;
}

/* The last resort when a reply cannot be serialised: a fixed 500. */
static void
reply_internal(http_req *r)
{
	static const char body[] = "{\"type\":\"" PROBLEM_TYPE_BASE "internal\",\"title\":"
	    "\"Internal error\",\"status\":500,\"detail\":\"the reply could not be encoded\"}";

	reply_set(r, 500, "application/problem+json", sj_strdup(body), sizeof body - 1);
}

sj_rc
http_reply_json(http_req *r, int status, json_t *body)
{
	enum { FLAGS = JSON_COMPACT | JSON_PRESERVE_ORDER };
	char small[REPLY_SMALL];
	size_t n = body ? json_dumpb(body, small, sizeof small, FLAGS) : 0;
	char *s = NULL;

	/* Most answers (a scan's is ~400 bytes) fit the stack buffer: one
	 * pass and one copy, instead of json_dumps' growing buffer (a
	 * realloc at each doubling) and its final copy. */
	if (n > 0 && n <= sizeof small) {
		s = sj_malloc(n + 1);
		memcpy(s, small, n);
		s[n] = '\0';
	} else if (n > 0)
		s = json_dumps(body, FLAGS);
	json_decref(body);
	if (s == NULL) {
		/* json_pack gives NULL when a value is not valid UTF-8: a bug
		 * upstream (stored text is checked on input), never a crash. */
		reply_internal(r);
		return SJ_OK;
	}
	reply_set(r, status, "application/json", s, strlen(s));
	return SJ_OK;
}

sj_rc
http_reply_bytes(http_req *r, int status, const char *content_type, const void *p, size_t n)
{
	void *copy = sj_malloc(n);

	memcpy(copy, p, n);
	reply_set(r, status, content_type, copy, n);
	return SJ_OK;
}

sj_rc
http_reply_file(http_req *r, int status, const char *content_type, int fd)
{
	reply_set(r, status, content_type, NULL, 0);
	r->reply_fd = fd;
	r->reply_fd_set = true;
	return SJ_OK;
}

void
http_defer(http_req *r, http_start_fn start, http_finish_fn finish, void *cls)
{
	r->deferred = true;
	r->defer_start = start;
	r->defer_finish = finish;
	r->defer_cls = cls;
}

void
http_resume(http_req *r)
{
	MHD_resume_connection(r->conn);
}

sj_rc
http_reply_empty(http_req *r)
{
	reply_set(r, 204, NULL, NULL, 0);
	return SJ_OK;
}

void
http_reply_header(http_req *r, const char *name, const char *value)
{
	if (r->n_headers == HTTP_MAX_HEADERS)
		return;
	r->headers[r->n_headers].name = arena_strdup(&r->a, name);
	r->headers[r->n_headers].value = arena_strdup(&r->a, value);
	r->n_headers++;
}

sj_rc
http_reply_page(http_req *r, json_t *items, const char *next_cursor)
{
	json_t *o = json_pack("{s:o, s:o}", "items", items,
	    "next_cursor", next_cursor ? json_string(next_cursor) : json_null());

	return http_reply_json(r, 200, o);
}

/* s made safe for JSON: invalid UTF-8 replaced (an arena copy). */
static const char *
utf8_safe(http_req *r, const char *s)
{
	char *fixed = text_utf8_repair(s ? s : "");
	const char *copy = arena_strdup(&r->a, fixed);

	free(fixed);
	return copy;
}

void
http_problem(http_req *r, int status, const char *code, const char *title,
    const char *field, const char *detail)
{
	/* Every string may echo what the client sent (a path, a value):
	 * repair it first, or jansson refuses the whole document. */
	json_t *o = json_pack("{s:s+, s:s, s:i, s:s, s:s, s:s}",
	    "type", PROBLEM_TYPE_BASE, code, "title", title, "status", status,
	    "detail", utf8_safe(r, detail), "instance", utf8_safe(r, r->path ? r->path : "/"),
	    "request_id", r->request_id);
	char *s;

	if (o && field && *field)
		json_object_set_new(o, "field", json_string(utf8_safe(r, field)));
	s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (s == NULL) {
		reply_internal(r);
		return;
	}
	reply_set(r, status, "application/problem+json", s, strlen(s));
}

void
http_problem_err(http_req *r, const sj_err *e)
{
	const char *detail = e->msg[0] ? e->msg : sj_rc_title(e->rc);

	r->err = *e;
	http_problem(r, sj_rc_http_status(e->rc), sj_rc_code(e->rc), sj_rc_title(e->rc),
	    e->field, detail);
	if (e->rc == SJ_EAUTH)
		http_reply_header(r, "WWW-Authenticate", "Bearer realm=\"sijin\"");
}
