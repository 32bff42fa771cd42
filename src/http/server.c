/*
 * server — request lifecycle on libmicrohttpd.
 *
 * libmicrohttpd calls on_access() several times per request: once when
 * the headers are in (we match the route and check the declared body
 * size), once per chunk of body (we copy it into a buffer with the route's
 * limit), and once at the end (we dispatch and queue the reply).
 * on_completed() runs after the reply is sent or the connection dies: it
 * counts, logs and frees.  Early failures (404, 405, 413 by Content-Length)
 * are answered on the first call without reading the body.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cachegen.h"
#include "core/log.h"
#include "domain/trace_live.h"
#include "domain/writer.h"
#include "http/conn_guard.h"
#include "http/metrics.h"
#include "http/raw_answer.h"
#include "json/jerror.h"

/* libmicrohttpd's memory per connection, which holds the request head and
 * then the reply's headers (so heads are capped below it: HEADER_MAX_BYTES;
 * from ~7.8 KiB not even the 431's headers fit and it is written on the
 * socket, http/raw_answer.h; from ~8 KiB libmicrohttpd refuses a head
 * itself with 431).  It zeroes the whole pool at every
 * request, so its size is paid on each one: at 64 KiB that memset was 9 %
 * of the server's CPU on the scan benchmark, at 16 KiB still ~6 % of the
 * request threads' (bench/RESULTS.md).  8 KiB is Tomcat's and Jetty's
 * default for a request's headers and nginx's for one header line;
 * sijin's own clients send a token or a session cookie of well under
 * 100 bytes.  A body does not live in the pool: it is handed over in
 * pieces of up to half of it (on_access), whatever its size. */
#define HEADER_MEMORY_LIMIT (8 * 1024)
/* The largest request head answered: its request line and headers, each
 * header counted with HEADER_ENTRY_COST for libmicrohttpd's own record of
 * it.  The pool above must still hold the reply's headers after it: a head
 * a little short of the pool was carried out and then closed without an
 * answer ("failed to create response header"), so a client never learnt
 * whether its write was done.  Bigger heads get a 431 problem document and
 * are not carried out (tests/api/checkpoint.test.mjs "large request
 * heads"; server.test.mjs: every head of 6 to 20 KiB is answered). */
#define HEADER_MAX_BYTES (6 * 1024)
#define HEADER_ENTRY_COST 64
#define MAX_STORES 512
#define MAX_PROXIES 16
#define TLS_FILE_MAX (1024 * 1024)  /* a PEM certificate chain or key */

struct http_server {
	struct MHD_Daemon *d;
	const sj_config *cfg;
	const crypt_keys *keys;
	char *proxies[MAX_PROXIES];
	int n_proxies;
	pthread_mutex_t lock;      /* guards stores */
	store *stores[MAX_STORES];
	int n_stores;
	int port;
	scan_writer *writer;       /* the scan path's group-commit writer */
	conn_guard *guard;         /* the deadline on request headers */
	char *tls_cert, *tls_key;  /* PEM text of cfg->tls_cert / tls_key; NULL: plain HTTP */
	trace_live *trace;         /* the server-wide trace index (domain/trace_live.h) */
};

static _Thread_local store *tl_store;

const sj_config *http_server_config(const http_server *srv) { return srv->cfg; }
struct scan_writer *http_scan_writer(http_req *r) { return r->srv->writer; }
struct trace_index *http_trace_index(http_req *r) { return trace_live_index(r->srv->trace); }
const crypt_keys *http_server_keys(const http_server *srv) { return srv->keys; }
int http_server_port(const http_server *srv) { return srv->port; }
struct scan_writer *http_server_scan_writer(http_server *srv) { return srv->writer; }

sj_rc
http_thread_store(http_server *srv, store **out, sj_err *e)
{
	sj_rc rc;

	if (tl_store) {
		*out = tl_store;
		return SJ_OK;
	}
	if ((rc = store_open(srv->cfg->db, 0, &tl_store, e)) != SJ_OK)
		return rc;
	/* A worker reads people, checkpoints and tokens on every scan: 16 MiB
	 * of pages keeps their indexes in memory (the default is 2 MiB). */
	if (store_get_dialect(tl_store) == STORE_SQLITE)
		store_exec(tl_store, "PRAGMA cache_size=-16384", NULL);
	/* WAL checkpoints are the scan writer's checkpointer's (domain/
	 * writer.c): a request that commits never runs one. */
	if (store_get_dialect(tl_store) == STORE_SQLITE)
		store_exec(tl_store, "PRAGMA wal_autocheckpoint=0", NULL);
	pthread_mutex_lock(&srv->lock);
	if (srv->n_stores < MAX_STORES)
		srv->stores[srv->n_stores++] = tl_store;
	pthread_mutex_unlock(&srv->lock);
	*out = tl_store;
	return SJ_OK;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- client address ----------------------------------------------------- */

static bool
proxy_trusted(const http_server *srv, const char *ip)
{
	for (int i = 0; i < srv->n_proxies; i++)
		if (strcmp(srv->proxies[i], ip) == 0)
			return true;
	return false;
}

static bool
ip_valid(const char *s)
{
	unsigned char b[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* The caller's address: the peer, unless the peer is a trusted proxy; then
 * the right-most address of X-Forwarded-For that is not a trusted proxy. */
static void
client_ip(http_req *r)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff;
	char *list, *tok, *save = NULL, found[64] = "";

	strcpy(r->ip, "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip, sizeof r->ip);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip, sizeof r->ip);
	memcpy(r->peer, r->ip, sizeof r->peer);
	if (!proxy_trusted(r->srv, r->ip) ||
	    (xff = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For")) == NULL)
		return;
	list = arena_strdup(&r->a, xff);
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (ip_valid(tok) && !proxy_trusted(r->srv, tok))
			snprintf(found, sizeof found, "%s", tok);  /* keep the right-most */
	if (found[0])
		snprintf(r->ip, sizeof r->ip, "%s", found);
}

/* ---- the request's life ------------------------------------------------- */

/* The next request id of this thread: a random 64-bit start drawn once,
 * then counted up, so that ids stay unique (threads start 2^64 apart at
 * random) without a getrandom system call a request (~1 µs on the scan
 * benchmark). */
static _Thread_local uint64_t tl_request_seq;

static void
request_id_next(unsigned char id[8])
{
	uint64_t v;

	if (tl_request_seq == 0)
		randombytes_buf(&tl_request_seq, sizeof tl_request_seq);
	v = tl_request_seq++;
	for (int i = 7; i >= 0; i--, v >>= 8)
		id[i] = (unsigned char)(v & 0xff);
}

static http_req *
req_new(http_server *srv, struct MHD_Connection *conn, const char *url, const char *method)
{
	http_req *r = sj_calloc(1, sizeof *r);
	unsigned char id[8];

	r->srv = srv;
	r->conn = conn;
	r->start_ns = now_ns();
	arena_init(&r->a);
	r->method = arena_strdup(&r->a, method);
	r->path = arena_strdup(&r->a, url);
	r->route_index = -1;
	request_id_next(id);
	sodium_bin2hex(r->request_id, sizeof r->request_id, id, sizeof id);
	client_ip(r);
	metrics_in_flight(1);
	return r;
}

static void
req_free(http_req *r)
{
	if (r == NULL)
		return;
	json_decref(r->json);
	buf_free(&r->body);
	free(r->reply);
	if (r->reply_fd_set)
		close(r->reply_fd);
	http_stream_discard(r->stream);
	arena_free(&r->a);
	free(r);
}

static bool
state_changing_method(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static bool
method_has_body(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
}

/* MHD_KeyValueIterator: add one header's (or query argument's, or cookie's)
 * share of the request head. */
static enum MHD_Result
head_size_add(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + HEADER_ENTRY_COST;
	return MHD_YES;
}

/* The size of r's request head as HEADER_MAX_BYTES counts it. */
static size_t
head_size(const http_req *r)
{
	size_t n = strlen(r->method) + strlen(r->path) + 16;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND | MHD_COOKIE_KIND,
	    head_size_add, &n);
	return n;
}

/* Check the request head's size, route the request and check its declared
 * body size.  Sets r->failed with a reply when it cannot go on. */
static void
req_begin(http_req *r)
{
	char allow[128], detail[160];
	const char *cl;
	size_t head;
	int status;

	if ((head = head_size(r)) > HEADER_MAX_BYTES) {
		r->failed = true;
		snprintf(detail, sizeof detail, "the request line and headers take %zu bytes "
		    "(each header counted with %d more); at most %d are accepted", head,
		    HEADER_ENTRY_COST, HEADER_MAX_BYTES);
		http_problem(r, 431, "headers-too-large", "Request headers too large", NULL, detail);
		r->drain = true;
		/* Written on the socket itself: libmicrohttpd keeps the head in
		 * its pool, and from ~7.8 KiB no room is left there for this
		 * answer's headers (raw_answer.h). */
		r->answered_raw = raw_answer_write(r, r->srv->tls_cert != NULL);
		return;
	}
	if (strcmp(r->method, "OPTIONS") == 0) {
		r->failed = true;
		if (http_route_allow(r->path, allow, sizeof allow) == 0) {
			http_reply_empty(r);
			http_reply_header(r, "Allow", allow);
		} else
			http_problem(r, 404, "not-found", "Not found", NULL, "no such resource");
		return;
	}
	status = http_route_find(r, r->method, r->path, allow, sizeof allow);
	if (status == 404) {
		r->failed = true;
		http_problem(r, 404, "not-found", "Not found", NULL, "no such resource");
		return;
	}
	if (status == 405) {
		r->failed = true;
		snprintf(detail, sizeof detail, "%s is not allowed here; allowed: %s", r->method, allow);
		http_problem(r, 405, "method-not-allowed", "Method not allowed", NULL, detail);
		http_reply_header(r, "Allow", allow);
		return;
	}
	r->body_limit = r->route->body_max & ~HTTP_BODY_RAW;
	if (r->body_limit > (size_t)r->srv->cfg->max_body)
		r->body_limit = (size_t)r->srv->cfg->max_body;
	buf_init(&r->body, r->body_limit ? r->body_limit : 1);
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > r->body_limit && strcmp(cl, "0") != 0) {
		r->failed = true;
		if (r->route->body_max == 0)
			snprintf(detail, sizeof detail, "this request takes no body");
		else
			snprintf(detail, sizeof detail, "the body may be at most %zu bytes",
			    r->body_limit);
		http_problem(r, 413, "too-large", "Request body too large", "body", detail);
	}
}

/* Whether the client announced a body (Content-Length > 0 or chunked). */
static bool
req_has_body(const http_req *r)
{
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
	const char *te = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Transfer-Encoding");

	return (cl && strtoull(cl, NULL, 10) > 0) || te != NULL;
}

/* Whether the client waits for "100 Continue" before sending its body
 * (RFC 9110 §10.1.1). */
static bool
req_expects_continue(const http_req *r)
{
	const char *x = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Expect");

	return x && strcasecmp(x, "100-continue") == 0;
}

static void
req_take_body(http_req *r, const char *data, size_t n)
{
	if (r->failed || r->body_too_big)
		return;
	if (buf_append(&r->body, data, n, NULL) != SJ_OK)
		r->body_too_big = true;
}

static bool
is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parse the body into r->json.  Returns false after setting a problem. */
static bool
req_parse_body(http_req *r)
{
	json_error_t jerr;
	char detail[256];

	if (r->body_too_big) {
		snprintf(detail, sizeof detail, "the body may be at most %zu bytes", r->body_limit);
		http_problem(r, 413, "too-large", "Request body too large", "body", detail);
		return false;
	}
	if (r->route->body_max == 0 || !method_has_body(r->method)) {
		if (r->body.len == 0)
			return true;
		http_problem(r, 413, "too-large", "Request body too large", "body",
		    "this request takes no body");
		return false;
	}
	if (r->route->body_max & HTTP_BODY_RAW)
		return true;  /* the handler reads and checks the bytes itself */
	if (!is_json_type(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type"))) {
		http_problem(r, 415, "unsupported-media-type", "Unsupported media type",
		    "Content-Type", "send the body as Content-Type: application/json");
		return false;
	}
	r->json = json_loadb(buf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->json == NULL) {
		snprintf(detail, sizeof detail, "malformed JSON at line %d column %d: %s",
		    jerr.line, jerr.column, jerror_text(&jerr));
		http_problem(r, 400, "malformed-json", "Malformed JSON", "body", detail);
		return false;
	}
	if (!json_is_object(r->json)) {
		http_problem(r, 400, "malformed-json", "Malformed JSON", "body",
		    "the body must be a JSON object");
		return false;
	}
	return true;
}

static bool
is_store_error(sj_rc rc)
{
	return rc == SJ_EDB || rc == SJ_EBUSY || rc == SJ_EUNAVAIL;
}

static void
req_fail(http_req *r, const sj_err *e)
{
	if (is_store_error(e->rc))
		metrics_store_error();
	if (e->rc == SJ_EDB || e->rc == SJ_EINTERNAL)
		log_error("request %s: %s", r->request_id, e->msg);
	http_problem_err(r, e);
}

static void req_call(http_req *r, store *s, http_handler fn);

static void
req_dispatch(http_req *r)
{
	sj_err e = {0};
	store *s;

	if (http_thread_store(r->srv, &s, &e) != SJ_OK) {
		e.rc = SJ_EUNAVAIL;
		req_fail(r, &e);
		return;
	}
	if (r->route->perm != HTTP_PUBLIC) {
		/* Authenticate first: an anonymous caller learns nothing but 401. */
		if (http_authenticate(r, &e) != SJ_OK) {
			req_fail(r, &e);
			return;
		}
		if (!http_permitted(r, r->route->perm)) {
			sj_fail(&e, SJ_EFORBIDDEN, NULL, "your role may not do this");
			req_fail(r, &e);
			return;
		}
	}
	if (!req_parse_body(r))
		return;
	req_call(r, s, r->route->handler);
}

/* Run handler fn (the route's, or a deferred reply's finish) and turn its
 * outcome into the reply. */
static void
req_call(http_req *r, store *s, http_handler fn)
{
	sj_err e = {0};
	sj_rc rc;

	rc = fn(r, &e);
	/* A new generation of the read caches (core/cachegen.h) after every
	 * change; scans (the one deferred route) change nothing cached. */
	if (state_changing_method(r->method) && !r->deferred)
		cachegen_bump();
	if (store_tx_depth(s) > 0) {
		/* A handler must close its transactions; never leave one open
		 * on a connection that the next request will reuse. */
		while (store_tx_depth(s) > 0)
			store_rollback(s);
		if (rc == SJ_OK)
			rc = sj_fail(&e, SJ_EINTERNAL, NULL, "handler left a transaction open");
	}
	if (rc != SJ_OK)
		req_fail(r, &e);
	else if (r->status == 0 && !(r->deferred && fn == r->route->handler))
		http_problem(r, 500, "internal", "Internal error", NULL, "the handler set no reply");
}

static sj_rc
deferred_finish(http_req *r, sj_err *e)
{
	return r->defer_finish(r, r->defer_cls, e);
}

/* The second half of a deferred reply, after http_resume. */
static void
req_finish_deferred(http_req *r)
{
	sj_err e = {0};
	store *s;

	if (http_thread_store(r->srv, &s, &e) != SJ_OK) {
		e.rc = SJ_EUNAVAIL;
		req_fail(r, &e);
		return;
	}
	req_call(r, s, deferred_finish);
}

static enum MHD_Result
req_send(http_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (r->stream) {
		if ((resp = http_stream_response(r)) == NULL)
			return MHD_NO;
	} else if (r->reply_fd_set) {
		struct stat sb;
		resp = fstat(r->reply_fd, &sb) == 0
		    ? MHD_create_response_from_fd64((uint64_t)sb.st_size, r->reply_fd) : NULL;
		if (resp == NULL)
			return MHD_NO;  /* req_free closes the file */
		r->reply_fd_set = false;  /* libmicrohttpd closes it now */
	} else {
		resp = MHD_create_response_from_buffer(r->reply_n, r->reply ? r->reply : (void *)"",
		    r->reply ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (resp == NULL)
			return MHD_NO;
		r->reply = NULL;  /* libmicrohttpd frees it now */
	}
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	for (int i = 0; i < HTTP_N_FIXED_HEADERS; i++)
		MHD_add_response_header(resp, http_fixed_headers[i].name,
		    http_fixed_headers[i].value);
	for (int i = 0; i < r->n_headers; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	/* no-store unless the handler chose (the web UI's files: no-cache). */
	if (MHD_get_response_header(resp, "Cache-Control") == NULL)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_n, void **con_cls)
{
	http_req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		conn_guard_request_begins(((http_server *)cls)->guard, conn);
		*con_cls = r = req_new(cls, conn, url, method);
		req_begin(r);
		/* Answered on the socket: a body that comes is read and dropped
		 * first (closing on unread bytes would reset the connection
		 * under the answer); one awaiting "100 Continue" never comes. */
		if (r->answered_raw)
			return req_has_body(r) && !req_expects_continue(r) ? MHD_YES : MHD_NO;
		/* An early failure with a body coming is answered now, without
		 * reading the body (the connection then closes); without a body
		 * it waits for the final call so keep-alive survives. */
		return r->failed && !r->drain && req_has_body(r) ? req_send(r) : MHD_YES;
	}
	if (*upload_n && r->drain) {
		/* Dropped as it comes; more than any route takes closes. */
		r->drained += *upload_n;
		*upload_n = 0;
		return r->drained > (size_t)r->srv->cfg->max_body ? MHD_NO : MHD_YES;
	}
	if (*upload_n) {
		/* The idle timeout resets with every byte; this bounds the
		 * whole upload, so a slow sender cannot hold a worker. */
		if (now_ns() - r->start_ns > (int64_t)r->srv->cfg->request_timeout * 1000000000) {
			log_warn("request %s: body not complete after %d s; closing", r->request_id,
			    r->srv->cfg->request_timeout);
			return MHD_NO;
		}
		req_take_body(r, upload, *upload_n);
		*upload_n = 0;
		return MHD_YES;
	}
	if (r->answered_raw)
		return MHD_NO;  /* the body is dropped; close */
	if (r->failed)  /* with a body and no drain: already queued */
		return req_has_body(r) && !r->drain ? MHD_YES : req_send(r);
	if (r->deferred) {
		/* Called again after http_resume: the reply is ready. */
		req_finish_deferred(r);
		return req_send(r);
	}
	req_dispatch(r);
	if (r->deferred && r->status == 0) {
		/* Suspend first, then start the work: http_resume must only
		 * ever find a suspended connection. */
		MHD_suspend_connection(conn);
		r->defer_start(r, r->defer_cls);
		return MHD_YES;
	}
	r->deferred = false;
	return req_send(r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	http_req *r = *con_cls;
	double secs;
	const http_route *rt;

	conn_guard_request_ends(((http_server *)cls)->guard, conn);
	if (r == NULL)
		return;
	secs = (double)(now_ns() - r->start_ns) / 1e9;
	rt = r->route;
	metrics_observe(r->route_index, r->status, secs);
	log_info("http rid=%s ip=%s user=%s method=%s route=%s status=%d ms=%.2f%s",
	    r->request_id, r->ip, r->username && *r->username ? r->username : "-", r->method,
	    rt ? rt->pattern : "unmatched", r->status, secs * 1e3,
	    why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	/* A request cut off by libmicrohttpd's idle timeout (no byte in or
	 * out for request-timeout + CONN_GUARD_IDLE_EXTRA_S seconds, a
	 * suspended request excepted): a client sees its connection closed
	 * without an answer. */
	if (why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		log_warn("http: request %s (%s %s) closed: no activity for %d s", r->request_id,
		    r->method, rt ? rt->pattern : "unmatched",
		    r->srv->cfg->request_timeout + CONN_GUARD_IDLE_EXTRA_S);
	metrics_in_flight(-1);
	req_free(r);
	*con_cls = NULL;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	int n;

	(void)cls;
	if ((n = vsnprintf(msg, sizeof msg, fmt, ap)) < 0) {
		n = 0;
		msg[0] = '\0';
	}
	if (n > (int)sizeof msg - 1)
		n = (int)sizeof msg - 1;
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';  /* its messages end with a newline */
	log_warn("libmicrohttpd: %s", msg);
}

/* ---- start and stop ----------------------------------------------------- */

static void
proxies_parse(http_server *srv)
{
	char *list = sj_strdup(srv->cfg->trusted_proxies), *tok, *save = NULL;

	for (tok = strtok_r(list, ", ", &save); tok && srv->n_proxies < MAX_PROXIES;
	    tok = strtok_r(NULL, ", ", &save))
		srv->proxies[srv->n_proxies++] = sj_strdup(tok);
	free(list);
}

static sj_rc
listen_addr(const sj_config *cfg, struct sockaddr_storage *ss, unsigned *flags, sj_err *e)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, cfg->listen, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)cfg->port);
		return SJ_OK;
	}
	if (inet_pton(AF_INET6, cfg->listen, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)cfg->port);
		*flags |= MHD_USE_IPv6;
		return SJ_OK;
	}
	return sj_fail(e, SJ_ECONFIG, "listen", "'%s' is not an IPv4 or IPv6 address", cfg->listen);
}

/* The whole of file (at most TLS_FILE_MAX bytes) as a NUL-terminated
 * string in *out (free it); field names the setting for errors. */
static sj_rc
tls_file_read(const char *file, const char *field, char **out, sj_err *e)
{
	FILE *f = fopen(file, "rb");
	size_t n = 0;
	char *text;

	*out = NULL;
	if (f == NULL)
		return sj_fail(e, SJ_ECONFIG, field, "cannot open %s", file);
	text = sj_malloc(TLS_FILE_MAX + 1);
	n = fread(text, 1, TLS_FILE_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > TLS_FILE_MAX) {
		sodium_memzero(text, TLS_FILE_MAX + 1);
		free(text);
		return sj_fail(e, SJ_ECONFIG, field, "%s is empty or over %d bytes", file,
		    TLS_FILE_MAX);
	}
	text[n] = '\0';
	*out = text;
	return SJ_OK;
}

/* Read the certificate and key when built-in TLS is configured; NULL
 * both when not.  Errors: SJ_ECONFIG ("tls-cert", "tls-key"). */
static sj_rc
tls_load(http_server *srv, unsigned *flags, sj_err *e)
{
	sj_rc rc;

	if (srv->cfg->tls_cert[0] == '\0')
		return SJ_OK;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return sj_fail(e, SJ_ECONFIG, "tls-cert", "this libmicrohttpd has no TLS; leave "
		    "tls-cert empty and put a proxy in front (docs/deploy.md)");
	if ((rc = tls_file_read(srv->cfg->tls_cert, "tls-cert", &srv->tls_cert, e)) != SJ_OK ||
	    (rc = tls_file_read(srv->cfg->tls_key, "tls-key", &srv->tls_key, e)) != SJ_OK)
		return rc;
	*flags |= MHD_USE_TLS;
	return SJ_OK;
}

static void
tls_free(http_server *srv)
{
	if (srv->tls_key)
		sodium_memzero(srv->tls_key, strlen(srv->tls_key));
	free(srv->tls_key);
	free(srv->tls_cert);
}

/* The value of the hex digit c, -1 when c is none. */
static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* libmicrohttpd's unescaper for the path and the query (RFC 3986 %HH),
 * except that "%00" is left as it is: decoded, a NUL would end the C
 * string there, so "/api/v1/units/1%00x" was unit 1 and "state=open%00x"
 * read "open".  Left as text, "1%00x" is no id (404) and "open%00x" no
 * state (422 naming it), as every other unknown value.  Request bodies
 * are not decoded here (open311_form.c refuses %00 itself). */
static size_t
unescape_keep_nul(void *cls, struct MHD_Connection *c, char *s)
{
	char *o = s;
	int hi, lo;

	(void)cls;
	(void)c;
	for (const char *i = s; *i; ) {
		if (i[0] == '%' && (hi = hex_digit(i[1])) >= 0 && (lo = hex_digit(i[2])) >= 0 &&
		    (hi | lo) != 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 3;
		} else
			*o++ = *i++;
	}
	*o = '\0';
	return (size_t)(o - s);
}

sj_rc
http_server_start(const sj_config *cfg, const crypt_keys *keys, http_server **out, sj_err *e)
{
	/* MHD_USE_ERROR_LOG: without it libmicrohttpd drops its own messages
	 * (e.g. "Server reached connection limit", a socket error) instead of
	 * passing them to on_mhd_log.
	 * MHD_USE_POLL, not MHD_USE_EPOLL: with epoll, libmicrohttpd 0.9.75's
	 * worker now and then slept in epoll_wait until its next idle timeout
	 * (30 s) while requests waited unread in all its connections' sockets
	 * (suspend/resume under load; bench/RESULTS.md "HTTP scans in 60 s",
	 * docs/performance.md "wrk's socket errors"): half the clients stalled,
	 * then had their connections closed.  poll() is level-triggered and
	 * asks about every connection each round. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls_opts[3] = { { MHD_OPTION_END, 0, NULL } };
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	http_server *srv;
	sj_rc rc;

	*out = NULL;
	if ((rc = listen_addr(cfg, &ss, &flags, e)) != SJ_OK)
		return rc;
	srv = sj_calloc(1, sizeof *srv);
	srv->cfg = cfg;
	srv->keys = keys;
	pthread_mutex_init(&srv->lock, NULL);
	proxies_parse(srv);
	/* The trace index first: it must hear every scan the writer commits. */
	if ((rc = trace_live_start(cfg->db, (int64_t)cfg->retention_days * 86400, &srv->trace,
	    e)) != SJ_OK || (rc = scan_writer_start(cfg->db, &srv->writer, e)) != SJ_OK) {
		trace_live_stop(srv->trace);
		pthread_mutex_destroy(&srv->lock);
		for (int i = 0; i < srv->n_proxies; i++)
			free(srv->proxies[i]);
		free(srv);
		return rc;
	}
	if ((rc = tls_load(srv, &flags, e)) != SJ_OK) {
		http_server_stop(srv);
		return rc;
	}
	if (srv->tls_cert) {
		tls_opts[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert };
		tls_opts[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key };
		tls_opts[2] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	}
	metrics_init(http_routes_init());
	srv->guard = conn_guard_start(cfg->request_timeout);
	srv->d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_access, srv,
	    /* First, so that libmicrohttpd logs nothing to stderr itself. */
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
	    /* Idle timeout: the guard closes waiting connections at
	     * request_timeout; this ends those stalled inside a request. */
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg->request_timeout + CONN_GUARD_IDLE_EXTRA_S),
	    /* Connections one address may hold (default 256): enough for a
	     * busy office behind one NAT, few enough that one client cannot
	     * take every slot.  Behind a reverse proxy every connection comes
	     * from the proxy: raise it there and let the proxy limit clients. */
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_connections_per_address,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY_LIMIT,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, srv->guard,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_keep_nul, NULL,
	    MHD_OPTION_ARRAY, tls_opts,
	    MHD_OPTION_END);
	if (srv->d == NULL) {
		http_server_stop(srv);
		return sj_fail(e, SJ_EIO, "port", "cannot listen on %s port %d (in use, or not "
		    "permitted%s)", cfg->listen, cfg->port, cfg->tls_cert[0] ? "; or tls-cert and "
		    "tls-key are not a usable PEM certificate and key" : "");
	}
	di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : cfg->port;
	*out = srv;
	return SJ_OK;
}

void
http_server_stop(http_server *srv)
{
	int64_t deadline;
	MHD_socket fd;

	if (srv == NULL)
		return;
	if (srv->d) {
		/* Stop accepting, then give requests in flight time to finish. */
		fd = MHD_quiesce_daemon(srv->d);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		/* Streams last until closed; the writer keeps answering the
		 * deferred requests in flight. */
		http_streams_close_all();
		deadline = now_ns() + (int64_t)srv->cfg->request_timeout * 1000000000;
		while (metrics_in_flight_now() > 0 && now_ns() < deadline)
			usleep(10000);
		/* Every scan a request waits for is answered (its connection
		 * resumed) before libmicrohttpd stops: it must find no
		 * connection suspended. */
		scan_writer_drain(srv->writer);
		MHD_stop_daemon(srv->d);
	}
	if (srv->guard && conn_guard_closed_count(srv->guard))
		log_info("http: %lu connections closed for slow request headers",
		    conn_guard_closed_count(srv->guard));
	conn_guard_stop(srv->guard);
	tls_free(srv);
	scan_writer_stop(srv->writer);
	trace_live_stop(srv->trace);
	for (int i = 0; i < srv->n_stores; i++)
		store_close(srv->stores[i]);
	for (int i = 0; i < srv->n_proxies; i++)
		free(srv->proxies[i]);
	pthread_mutex_destroy(&srv->lock);
	metrics_free();
	free(srv);
}
