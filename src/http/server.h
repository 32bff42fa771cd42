/*
 * server — sijin's HTTP server: libmicrohttpd with an epoll thread pool,
 * HTTP/1.1 keep-alive, the route table of http/api.h, RFC 9457 problem
 * documents, per-request arenas, one store connection per worker thread,
 * metrics and an access log line per request.
 *
 * Limits (from the configuration): connections (max-connections), idle
 * time per connection, the time a request's headers may take to arrive
 * and the time its body may take (each request-timeout; headers:
 * http/conn_guard.h), request body (the route's
 * body_max, never above max-body), request heads (6 KiB, server.c
 * HEADER_MAX_BYTES; larger ones get a 431 problem document, written on the
 * socket by http/raw_answer.c when libmicrohttpd has no room left for it,
 * and from ~8 KiB libmicrohttpd's own 431).
 */
#ifndef SJ_HTTP_SERVER_H
#define SJ_HTTP_SERVER_H

#include "core/config.h"
#include "core/crypt.h"
#include "core/err.h"
#include "http/req.h"

/* Start serving on cfg->listen:cfg->port with cfg->threads workers.  cfg
 * and keys must outlive the server.  Errors: SJ_ECONFIG (field "listen")
 * for an address that is not an IPv4 or IPv6 literal; SJ_EIO when the port
 * cannot be bound (message says which and why). */
sj_rc http_server_start(const sj_config *cfg, const crypt_keys *keys, http_server **out,
    sj_err *e);

/* Graceful stop: stop accepting connections, let requests in flight finish
 * (waiting at most request-timeout seconds), close every worker's store
 * connection, free the server.  Accepts NULL. */
void http_server_stop(http_server *srv);

/* The port actually bound (useful when cfg->port was taken by the OS). */
int http_server_port(const http_server *srv);

/* The server's scan writer (domain/writer.h), owned by the server and
 * valid until http_server_stop: for a tool or test in the server's process
 * that submits scans or reads the writer's figures. */
struct scan_writer *http_server_scan_writer(http_server *srv);

#endif
