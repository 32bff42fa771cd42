/*
 * raw_answer — an answer written on a connection's socket by sijin itself
 * rather than by libmicrohttpd, for the one case where libmicrohttpd
 * cannot write it: a request head so large that its per-connection memory
 * (server.c HEADER_MEMORY_LIMIT, which holds the head until the request
 * ends) has no room left for the answer's headers.  libmicrohttpd 0.9.75
 * then closed the connection unanswered ("failed to create response
 * header"), for heads between the size where sijin's 431 no longer fits
 * and the size where libmicrohttpd refuses the head with its own 431.
 * Under TLS the bytes go through the connection's GnuTLS session, which
 * libmicrohttpd lends (MHD_CONNECTION_INFO_GNUTLS_SESSION).
 */
#ifndef SJ_HTTP_RAW_ANSWER_H
#define SJ_HTTP_RAW_ANSWER_H

#include <stdbool.h>

#include "http/req.h"

/* The headers every answer carries besides its own (name, value): the
 * server's libmicrohttpd replies (server.c req_send) and raw_answer_write. */
#define HTTP_N_FIXED_HEADERS 3
extern const http_kv http_fixed_headers[HTTP_N_FIXED_HEADERS];

/* Write r's reply — its status, content type and bytes (r->reply, as
 * http_problem leaves them), with Date (RFC 9110 §6.6.1), Content-Length,
 * Connection: close, X-Request-Id, the fixed headers and Cache-Control:
 * no-store, the bytes left out for HEAD (RFC 9110 §9.3.2) — on r's
 * socket, waiting at most 1 s for it to take the bytes, then shut the
 * socket down for writing (the client reads the end of the
 * connection right after the answer; a body it sends can still be read,
 * and anything libmicrohttpd might still try to send fails).
 * Returns true when it wrote (or began to write) on the socket: the
 * connection must then be closed with nothing more sent on it (on_access
 * returns MHD_NO) — also when the client did not take every byte within
 * the second, the answer then cut short.  Returns false, having written
 * nothing, when its socket (srv_tls: its TLS session) is unknown or memory
 * is short: the caller answers through libmicrohttpd. */
bool raw_answer_write(http_req *r, bool srv_tls);

#endif
