/*
 * req — the inside of an http_req, shared by the server's own files
 * (server.c, route.c, reply.c, authn.c, api_sys.c).  Handlers use the
 * accessors of http.h instead.
 */
#ifndef SJ_HTTP_REQ_H
#define SJ_HTTP_REQ_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "http/http.h"

#define HTTP_MAX_CAPTURES 4
#define HTTP_SESSION_COOKIE "sijin_session"  /* the browser session cookie */
#define HTTP_MAX_HEADERS 8

typedef struct http_server http_server;

/* One route of the flattened table, with its label for metrics. */
typedef struct http_route_entry {
	const http_route *route;
	int index;
} http_route_entry;

typedef struct http_kv {
	const char *name;
	const char *value;
} http_kv;

struct http_req {
	http_server *srv;
	struct MHD_Connection *conn;
	arena a;
	int64_t start_ns;          /* CLOCK_MONOTONIC at the first byte */
	char request_id[17];
	char ip[64];               /* the client's address (a trusted proxy's X-Forwarded-For) */
	char peer[64];             /* the TCP peer's address, "-" when unknown */
	const char *method;        /* as sent ("HEAD" kept here) */
	const char *path;
	/* routing */
	const http_route *route;   /* NULL when none matched */
	int route_index;           /* metrics label index; -1 for unmatched */
	http_kv captures[HTTP_MAX_CAPTURES];
	int n_captures;
	/* body */
	buf body;
	size_t body_limit;
	bool body_too_big;
	json_t *json;
	/* caller */
	int64_t user_id;
	const char *username;
	scope sc;
	bool via_cookie;           /* signed in with the session cookie */
	const char *csrf;          /* the session's CSRF token */
	/* early failure found before the handler (404, 405, 413, ...) */
	bool failed;
	/* the early failure is answered after its body is read and dropped
	 * (up to max_body bytes, counted in drained), not before: a 431, whose
	 * client has no reason to expect its body refused */
	bool drain;
	size_t drained;
	/* the early failure was written on the socket itself (raw_answer.h):
	 * nothing more may be sent; the connection closes */
	bool answered_raw;
	/* reply */
	int status;
	const char *content_type;
	void *reply;               /* malloc'd bytes, handed to MHD */
	size_t reply_n;
	bool reply_fd_set;         /* the reply is the open file reply_fd (http_reply_file) */
	int reply_fd;              /* handed to MHD, which closes it */
	http_kv headers[HTTP_MAX_HEADERS];
	int n_headers;
	sj_err err;                /* the error that produced a problem reply */
	/* a deferred reply (http_defer) */
	bool deferred;             /* the handler deferred its reply */
	http_start_fn defer_start;
	http_finish_fn defer_finish;
	void *defer_cls;
	/* a streamed reply (http_reply_stream); owned by libmicrohttpd once sent */
	http_stream *stream;
};

/* The libmicrohttpd response of r's stream (stream.c), for req_send;
 * NULL when it cannot be made.  The stream belongs to the response. */
struct MHD_Response *http_stream_response(http_req *r);

/* End every open stream (their next() is not called again; the reply
 * ends) and stop the tick thread: for the server's stop. */
void http_streams_close_all(void);

/* Free a stream that was never handed to libmicrohttpd (stream.c). */
void http_stream_discard(http_stream *s);

/* The server's settings and shared state. */
const sj_config *http_server_config(const http_server *srv);
const crypt_keys *http_server_keys(const http_server *srv);

/* This thread's store connection for srv, opened on first use.
 * Errors: those of store_open (the server answers 503). */
sj_rc http_thread_store(http_server *srv, store **out, sj_err *e);

/* Find the route for method and path.  On a match sets r->route,
 * r->route_index and the captures and returns 0; otherwise returns 404
 * or 405 and, for 405, writes the allowed methods into allow (n bytes,
 * e.g. "GET, HEAD, OPTIONS, POST"). */
int http_route_find(http_req *r, const char *method, const char *path, char *allow, size_t n);

/* The allowed methods for path (for OPTIONS), as http_route_find; returns
 * 0 when some route matches the path, 404 otherwise. */
int http_route_allow(const char *path, char *allow, size_t n);

/* Flatten the route tables once at start-up; returns how many routes. */
int http_routes_init(void);

/* Route i's pattern and method, for metrics labels and the OpenAPI test. */
const http_route *http_route_at(int i);

/* Set a problem-document reply (RFC 9457) with the given status, stable
 * code, title, field (may be NULL or "") and detail. */
void http_problem(http_req *r, int status, const char *code, const char *title,
    const char *field, const char *detail);

/* Set a problem-document reply for e (status and code from its sj_rc). */
void http_problem_err(http_req *r, const sj_err *e);

/* Authenticate the caller of r from a Bearer token or the session cookie
 * and check the CSRF token of cookie-authenticated state changes; fill
 * r->user_id, r->username, r->sc.  Errors: SJ_EAUTH (401), SJ_EFORBIDDEN
 * (403, CSRF), store errors.  In authn.c. */
sj_rc http_authenticate(http_req *r, sj_err *e);

/* Whether r's role may use route perm.  In authn.c. */
bool http_permitted(const http_req *r, int perm);

#endif
