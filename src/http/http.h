/*
 * http — what a request handler sees of the HTTP server.
 *
 * The server (server.c) owns connections, parses the request line, finds
 * the route, enforces the body limit, authenticates the caller, checks the
 * route's permission, parses a JSON body, and then calls the handler with
 * an http_req.  The handler reads parameters, calls domain modules with
 * the request's store, scope and arena, and sets exactly one reply.  A
 * handler that returns an error instead gets an RFC 9457 problem document
 * built from its sj_err (status from sj_rc_http_status()).
 *
 * Everything a handler allocates for the request should come from the
 * request's arena, which is freed after the reply is sent.
 */
#ifndef SJ_HTTP_H
#define SJ_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

typedef struct http_req http_req;  /* one request; opaque */

/* A handler: SJ_OK after setting a reply, or an error (with e filled) for
 * the server to turn into a problem document. */
typedef sj_rc (*http_handler)(http_req *r, sj_err *e);

/* Who may call a route.  HTTP_PUBLIC routes need no sign-in; every other
 * value is a permission of domain/auth.h checked against the caller's role
 * (auth_role_may). */
#define HTTP_PUBLIC (-1)
#define HTTP_SIGNED_IN (-2)  /* any signed-in user, whatever the role */

/* Set in a route's body_max (HTTP_BODY_RAW | limit) when the route takes
 * its body as bytes of any media type, e.g. an uploaded photo: the server
 * applies the limit but does not parse the body as JSON, and the handler
 * reads it with http_body_raw() and checks its Content-Type itself. */
#define HTTP_BODY_RAW ((size_t)1 << (sizeof(size_t) * 8 - 1))

typedef struct http_route {
	const char *method;    /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
	const char *pattern;   /* "/api/v1/units/{id}": literal segments and {name} captures */
	http_handler handler;
	int perm;              /* HTTP_PUBLIC, HTTP_SIGNED_IN or an auth_perm */
	size_t body_max;       /* largest request body in bytes; 0 = no body allowed;
	                        * may carry HTTP_BODY_RAW */
} http_route;


/* ---- the request -------------------------------------------------------- */

const char *http_method(const http_req *r);     /* "GET", ... (HEAD runs as GET) */
const char *http_path(const http_req *r);       /* decoded path, no query */
const char *http_request_id(const http_req *r); /* 16 hex digits, also in X-Request-Id */
const char *http_client_ip(const http_req *r);  /* after trusted X-Forwarded-For */
arena *http_arena(http_req *r);                 /* freed after the reply */
store *http_store(http_req *r);                 /* this worker thread's connection */
const crypt_keys *http_keys(const http_req *r);
const sj_config *http_config(const http_req *r);   /* the server's settings, read-only */
struct scan_writer *http_scan_writer(http_req *r); /* the scan path's writer (domain/writer.h) */
/* The server-wide stay index, current with every announcement received
 * (domain/trace_live.h); read it under its read lock (trace_run does). */
struct trace_index *http_trace_index(http_req *r);
const scope *http_scope(const http_req *r);     /* the caller's scope */
int64_t http_user_id(const http_req *r);        /* 0 for public routes */
const char *http_username(const http_req *r);   /* "" for public routes */

/* A request header, or NULL.  Given more than once: the first. */
const char *http_header(const http_req *r, const char *name);

/* How many times the request carries header name (compared without case,
 * RFC 9110 §5.1): 0, 1, or more for a header sent twice, which a header
 * holding one value (Idempotency-Key) must refuse rather than pick one. */
int http_header_count(const http_req *r, const char *name);

/* The path capture named name (e.g. "id" for {id}), or NULL. */
const char *http_param(const http_req *r, const char *name);

/* The path capture name as a positive id.  Errors: SJ_ENOTFOUND (field =
 * name) when it is not a decimal number in 1..2^53 — a malformed id names
 * no record. */
sj_rc http_param_id(const http_req *r, const char *name, int64_t *id, sj_err *e);

/* A query parameter (decoded), or NULL.  A name given twice is rejected by
 * http_query_check. */
const char *http_query(const http_req *r, const char *name);

/* Reject (SJ_EINVAL, field = the parameter) any query parameter not in
 * allowed (a NULL-terminated list) and any given twice. */
sj_rc http_query_check(const http_req *r, const char *const *allowed, sj_err *e);

/* The query parameter name as an integer in [min, max], or def when
 * absent.  Errors: SJ_EINVAL naming the parameter. */
sj_rc http_query_int(const http_req *r, const char *name, int64_t def, int64_t min,
    int64_t max, int64_t *out, sj_err *e);

/* The JSON body, already parsed and checked to be an object (the server
 * refuses other bodies with 400/415 before the handler runs), or NULL
 * when the route takes none.  Borrowed: do not decref. */
json_t *http_body(const http_req *r);

/* The bytes of the request body (*n of them; NULL and 0 when empty), as
 * received: for HTTP_BODY_RAW routes.  Owned by the request. */
const void *http_body_raw(const http_req *r, size_t *n);

/* ---- the reply ---------------------------------------------------------- */

/* Reply with status and body serialised as JSON (application/json).
 * Steals the reference to body.  Returns SJ_OK. */
sj_rc http_reply_json(http_req *r, int status, json_t *body);

/* Reply with bytes of the given content type (copied).  Returns SJ_OK. */
sj_rc http_reply_bytes(http_req *r, int status, const char *content_type,
    const void *p, size_t n);

/* Reply with the whole content of the open file fd (read from its
 * start), of the given content type: the server streams it and closes fd
 * after the reply (or when the request ends without one), so a large
 * export never sits in memory.  Takes ownership of fd.  Returns SJ_OK. */
sj_rc http_reply_file(http_req *r, int status, const char *content_type, int fd);

/* Reply 204 No Content.  Returns SJ_OK. */
sj_rc http_reply_empty(http_req *r);

/* Add a header to the reply (copied).  Call before or after setting the
 * body; the server adds Content-Type, X-Request-Id and security headers
 * itself. */
void http_reply_header(http_req *r, const char *name, const char *value);

/* Record an audit event for a state change made by this request: action
 * (e.g. "unit.update"), the object's type and id, and JSON of the record
 * before and after (either may be NULL; both references are stolen).
 * Written through the request's store, inside the caller's transaction
 * when one is open.  Returns the store's error, if any. */
sj_rc http_audit(http_req *r, const char *action, const char *object_type, int64_t object_id,
    json_t *before, json_t *after, sj_err *e);

/* ---- replies that come later ------------------------------------------- */

/* Started after the handler returns, once the connection is suspended. */
typedef void (*http_start_fn)(http_req *r, void *cls);

/* Sets the reply of a deferred request, as a handler does. */
typedef sj_rc (*http_finish_fn)(http_req *r, void *cls, sj_err *e);

/*
 * Defer the reply (for work done on another thread, e.g. the scan writer's
 * group commit): the handler calls this and returns SJ_OK without a reply.
 * The server then suspends the connection — the worker thread goes on
 * serving other connections — and calls start(r, cls) on the same thread.
 * The work it starts must call http_resume(r) exactly once, from any
 * thread, when it is done (also when it failed).  The server then calls
 * finish(r, cls, e) on a worker thread, which sets the reply or returns an
 * error exactly as a handler does.  r and its arena live until the reply is
 * sent, so start may hand r's memory to the other thread until it resumes.
 */
void http_defer(http_req *r, http_start_fn start, http_finish_fn finish, void *cls);

/* Resume a deferred request (thread-safe).  After this call the caller
 * must not touch r again. */
void http_resume(http_req *r);

/* A reply streamed for as long as it lasts (server-sent events). */
typedef struct http_stream http_stream;

#define HTTP_STREAM_END (-1L)
#define HTTP_STREAM_TICK_S 15  /* the server wakes every stream this often */

/* Called on a worker thread whenever the connection can take more: write
 * at most max bytes into out and return how many; 0 when there is nothing
 * to send now (the server then waits, without a thread, until
 * http_stream_wake or the next tick); HTTP_STREAM_END to finish the reply.
 * tick is true when the call comes from the server's periodic wake-up
 * (every HTTP_STREAM_TICK_S seconds: time for a keep-alive). */
typedef long (*http_stream_fn)(void *cls, char *out, size_t max, bool tick);

/*
 * Reply 200 with a body of unknown length, produced by next(cls, ...)
 * (chunked encoding), of the given content type.  release(cls) is called
 * once when the stream ends (client gone, next ended it, server stopping)
 * — after it returns, http_stream_wake is never called by the server and
 * must not be called by anyone.  *out receives the stream, for waking it.
 * A client that hangs up ends its stream within about a second, even while
 * nothing is sent.  Streams hold connections, so they are capped below the
 * connection limits (stream.c): per client address max-streams-per-address,
 * per TCP peer half of max-connections-per-address, in all half of
 * max-connections and at most HTTP_STREAMS_MAX.  Errors (field "stream",
 * with a Retry-After header; release is not called): SJ_ELIMIT when the
 * caller's own address holds its share; SJ_EBUSY when the server's or the
 * caller's proxy's share is taken, or the server is stopping.
 */
sj_rc http_reply_stream(http_req *r, const char *content_type, http_stream_fn next,
    void (*release)(void *cls), void *cls, http_stream **out, sj_err *e);

#define HTTP_STREAMS_MAX 256

/* Ask the server to call the stream's next() again soon (thread-safe; for
 * producers, e.g. the alert feed's wake callback). */
void http_stream_wake(http_stream *s);

/* ---- lists -------------------------------------------------------------- */

/* Cursors are opaque to clients: URL-safe base64 of a sort key and an id.
 * Encode the position after the last row of a page (arena string). */
const char *http_cursor_encode(http_req *r, const void *key, size_t key_n, int64_t id);

/* Decode the "cursor" query parameter, if given, into *key and *key_n (arena
 * memory) and *id; *key is NULL when the parameter is absent.  Errors:
 * SJ_EINVAL (field "cursor") when it was not made by http_cursor_encode. */
sj_rc http_cursor_decode(http_req *r, const void **key, size_t *key_n, int64_t *id, sj_err *e);

/* Reply 200 with {"items": items, "next_cursor": cursor or null}.
 * Steals items. */
sj_rc http_reply_page(http_req *r, json_t *items, const char *next_cursor);

#endif
