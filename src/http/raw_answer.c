/*
 * raw_answer — an HTTP/1.1 answer written on the socket itself: the
 * status line and headers formatted here, the body appended, sent with
 * MSG_NOSIGNAL (a client gone is not a signal) on the non-blocking socket,
 * or under TLS through libmicrohttpd's GnuTLS session of the connection
 * (MHD_CONNECTION_INFO_GNUTLS_SESSION), polling for room for at most a
 * second.
 */
#include "http/raw_answer.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/log.h"

#define RAW_HEAD_MAX 1024
#define RAW_WAIT_MS 1000

const http_kv http_fixed_headers[HTTP_N_FIXED_HEADERS] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
};

/* "Date: <IMF-fixdate>\r\n" (RFC 9110 §5.6.7) of now into out; English
 * names whatever the locale. */
static void
date_header(char out[64])
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 64, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n", days[tm.tm_wday % 7],
	    tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

/* The reason phrase of the statuses written here (RFC 9110 §15, RFC 6585
 * §5). */
static const char *
reason_of(int status)
{
	return status == 431 ? "Request Header Fields Too Large" : status == 413 ?
	    "Content Too Large" : status == 400 ? "Bad Request" : "Error";
}

/* Send n bytes of p on fd — through the TLS session tls when not NULL —
 * waiting for room up to RAW_WAIT_MS in all. */
static bool
send_all(int fd, gnutls_session_t tls, const char *p, size_t n)
{
	struct timespec t0, t;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n > 0) {
		ssize_t k;
		bool again;
		long waited;

		if (tls) {
			k = gnutls_record_send(tls, p, n);
			again = k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED;
		} else {
			k = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
			again = k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
		}
		if (k > 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (!again)
			return false;
		clock_gettime(CLOCK_MONOTONIC, &t);
		waited = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= RAW_WAIT_MS || poll(&pfd, 1, (int)(RAW_WAIT_MS - waited)) < 0)
			return false;
	}
	return true;
}

bool
raw_answer_write(http_req *r, bool srv_tls)
{
	const union MHD_ConnectionInfo *ci, *ti = NULL;
	char head[RAW_HEAD_MAX], date[64], *all;
	size_t hn, body_n = r->reply ? r->reply_n : 0;
	gnutls_session_t tls = NULL;
	int k;

	if ((ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD)) == NULL ||
	    (srv_tls && ((ti = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION)) == NULL || ti->tls_session == NULL)))
		return false;
	if (srv_tls)
		tls = (gnutls_session_t)ti->tls_session;
	date_header(date);
	k = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n%sContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\nX-Request-Id: %s\r\n", r->status,
	    reason_of(r->status), date, r->content_type ? r->content_type : "text/plain",
	    body_n, r->request_id);
	for (int i = 0; i < HTTP_N_FIXED_HEADERS && k > 0 && (size_t)k < sizeof head; i++)
		k += snprintf(head + k, sizeof head - (size_t)k, "%s: %s\r\n",
		    http_fixed_headers[i].name, http_fixed_headers[i].value);
	if (k > 0 && (size_t)k < sizeof head)
		k += snprintf(head + k, sizeof head - (size_t)k, "Cache-Control: no-store\r\n\r\n");
	if (k <= 0 || (size_t)k >= sizeof head)
		return false;
	hn = (size_t)k;
	if (r->method && strcmp(r->method, "HEAD") == 0)
		body_n = 0;  /* its length said, no body (RFC 9110 §9.3.2) */
	if ((all = malloc(hn + body_n)) == NULL)
		return false;
	memcpy(all, head, hn);
	if (body_n)
		memcpy(all + hn, r->reply, body_n);
	if (!send_all(ci->connect_fd, tls, all, hn + body_n))
		log_warn("request %s: its %d answer could not be written whole on the socket",
		    r->request_id, r->status);
	/* The answer ends the connection's output: the client reads the FIN
	 * after it, and whatever libmicrohttpd might still try to send (its
	 * own error answer for a body it cannot hold) fails instead of
	 * trailing after the answer.  The body is still read (SHUT_WR).
	 * Under TLS the session's close_notify comes first (RFC 8446 §6.1;
	 * not waited for when the socket is full). */
	if (tls)
		gnutls_bye(tls, GNUTLS_SHUT_WR);
	shutdown(ci->connect_fd, SHUT_WR);
	free(all);
	return true;
}
