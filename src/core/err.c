/*
 * err — error codes, their names, and the two maps (HTTP status, CLI exit
 * code).  The tables are indexed by sj_rc; a new code needs a row in each.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code;
	const char *title;
	int http;
	int exit;
} rc_table[SJ__NCODES] = {
	[SJ_OK]        = { "ok",              "OK",                     200, 0 },
	[SJ_EINVAL]    = { "invalid-input",   "Invalid input",          422, 2 },
	[SJ_ENOTFOUND] = { "not-found",       "Not found",              404, 3 },
	[SJ_ECONFLICT] = { "conflict",        "Conflict",               409, 4 },
	[SJ_EFORBIDDEN]= { "forbidden",       "Forbidden",              403, 5 },
	[SJ_EAUTH]     = { "unauthenticated", "Authentication required",401, 5 },
	[SJ_ETOOBIG]   = { "too-large",       "Input too large",        413, 2 },
	[SJ_ELIMIT]    = { "rate-limited",    "Too many requests",      429, 7 },
	[SJ_EDB]       = { "store-error",     "Store error",            500, 1 },
	[SJ_EBUSY]     = { "store-busy",      "Store busy",             503, 7 },
	[SJ_EUNAVAIL]  = { "store-unavailable","Store unavailable",     503, 7 },
	[SJ_ESCHEMA]   = { "schema-too-new",  "Database schema too new",500, 6 },
	[SJ_EIO]       = { "io-error",        "I/O error",              500, 1 },
	[SJ_ECONFIG]   = { "bad-config",      "Invalid configuration",  500, 2 },
	[SJ_ENOMEM]    = { "out-of-memory",   "Out of memory",          500, 1 },
	[SJ_EINTERNAL] = { "internal",        "Internal error",         500, 1 },
};

/* A message cut by the buffer may end inside a UTF-8 sequence; drop the
 * partial character so the message stays valid UTF-8 (JSON needs it). */
static void
cut_partial_utf8(char *s)
{
	size_t n = strlen(s), i = n, cont = 0, need;
	unsigned char lead;

	while (i > 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (need > 1 && cont + 1 < need)
		s[i - 1] = '\0';
}

sj_rc
sj_fail(sj_err *e, sj_rc rc, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return rc;
	e->rc = rc;
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	cut_partial_utf8(e->msg);
	cut_partial_utf8(e->field);
	return rc;
}

sj_rc
sj_err_prefix(sj_err *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	size_t n;
	va_list ap;

	if (e == NULL)
		return SJ_EINTERNAL;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof e->msg - n, "%s", old);
	cut_partial_utf8(e->msg);
	return e->rc;
}

void
sj_err_clear(sj_err *e)
{
	if (e == NULL)
		return;
	e->rc = SJ_OK;
	e->field[0] = '\0';
	e->msg[0] = '\0';
}

static int
rc_valid(sj_rc rc)
{
	return (int)rc >= 0 && rc < SJ__NCODES;
}

const char *
sj_rc_code(sj_rc rc)
{
	return rc_valid(rc) ? rc_table[rc].code : "internal";
}

const char *
sj_rc_title(sj_rc rc)
{
	return rc_valid(rc) ? rc_table[rc].title : "Internal error";
}

int
sj_rc_http_status(sj_rc rc)
{
	return rc_valid(rc) ? rc_table[rc].http : 500;
}

int
sj_rc_exit_code(sj_rc rc)
{
	return rc_valid(rc) ? rc_table[rc].exit : 1;
}

void
sj_err_print(const sj_err *e)
{
	const char *msg = e->msg[0] ? e->msg : sj_rc_title(e->rc);

	if (e->field[0])
		fprintf(stderr, "sijin: %s: %s\n", e->field, msg);
	else
		fprintf(stderr, "sijin: %s\n", msg);
}

_Noreturn void
sj_oom(size_t n)
{
	fprintf(stderr, "sijin: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
sj_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		sj_oom(n);
	return p;
}

void *
sj_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		sj_oom(n * size);
	return p;
}

void *
sj_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		sj_oom(n);
	return q;
}

char *
sj_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(sj_malloc(n), s, n);
}
