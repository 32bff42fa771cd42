/*
 * buf — growable buffer with a hard limit.  Capacity doubles so that n
 * appends cost O(n) amortised; the limit is checked before any growth so a
 * refused append leaves the buffer as it was.
 */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : BUF_DEFAULT_MAX;
}

/* Make room for n more bytes plus the NUL; the limit is already checked. */
static void
buf_grow(buf *b, size_t n)
{
	size_t need = b->len + n + 1, cap = b->cap ? b->cap : 64;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	b->data = sj_realloc(b->data, cap);
	b->cap = cap;
}

static sj_rc
buf_check(const buf *b, size_t n, sj_err *e)
{
	size_t max = b->max ? b->max : BUF_DEFAULT_MAX;

	if (n > max || b->len > max - n)
		return sj_fail(e, SJ_ETOOBIG, "body", "more than %zu bytes", max);
	return SJ_OK;
}

sj_rc
buf_append(buf *b, const void *p, size_t n, sj_err *e)
{
	sj_rc rc = buf_check(b, n, e);

	if (rc != SJ_OK)
		return rc;
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SJ_OK;
}

sj_rc
buf_puts(buf *b, const char *s, sj_err *e)
{
	return buf_append(b, s, strlen(s), e);
}

sj_rc
buf_vprintf(buf *b, sj_err *e, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	sj_rc rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return sj_fail(e, SJ_EINTERNAL, NULL, "bad format string");
	if ((rc = buf_check(b, (size_t)n, e)) != SJ_OK)
		return rc;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return SJ_OK;
}

sj_rc
buf_printf(buf *b, sj_err *e, const char *fmt, ...)
{
	va_list ap;
	sj_rc rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, e, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const buf *b)
{
	return b->data ? b->data : "";
}

void
buf_reset(buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *
buf_steal(buf *b)
{
	char *s = b->data ? b->data : sj_strdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_free(buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
