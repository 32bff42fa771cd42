/*
 * multipart — the one file of a multipart/form-data upload: the boundary
 * from the Content-Type, each body part between "CRLF--boundary"
 * delimiters, its Content-Disposition's name and whether it carries a file.
 * Every pointer stays inside the body's n bytes; nothing is allocated.
 */
#include "http/multipart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70  /* RFC 2046 §5.1.1: 1 to 70 characters */

/* A span of the body. */
typedef struct span {
	const char *p;
	size_t n;
} span;

/* What a part's headers say (Content-Disposition: form-data; name=...;
 * filename=...). */
typedef struct disposition {
	bool form_data;
	span name;       /* p NULL: no name parameter */
	bool has_file;   /* a filename or filename* parameter */
} disposition;

/* "\r\n--" and the boundary of ctype into delim (its length into *len);
 * false when there is no usable boundary parameter. */
static bool
delimiter_of(const char *ctype, char delim[BOUNDARY_MAX + 5], size_t *len)
{
	const char *b = ctype;
	size_t n;

	while ((b = strcasestr(b, "boundary=")) != NULL) {
		/* A parameter, not the tail of another one's name or value. */
		const char *q = b;
		while (q > ctype && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q > ctype && q[-1] == ';')
			break;
		b += 9;
	}
	if (b == NULL)
		return false;
	b += 9;
	if (*b == '"')
		n = strcspn(++b, "\"");
	else
		n = strcspn(b, "; \t");
	if (n == 0 || n > BOUNDARY_MAX)
		return false;
	*len = (size_t)snprintf(delim, BOUNDARY_MAX + 5, "\r\n--%.*s", (int)n, b);
	return true;
}

/* The next parameter of a header value at *p (before end): its name and
 * value, *p moved past it.  Values are tokens or quoted strings (RFC 9110
 * §5.6.4; a backslash escapes the next character, kept as it is). */
static bool
next_param(const char **p, const char *end, span *key, span *value)
{
	const char *s = *p;

	while (s < end && (*s == ';' || *s == ' ' || *s == '\t'))
		s++;
	if (s >= end)
		return false;
	key->p = s;
	while (s < end && *s != '=' && *s != ';')
		s++;
	key->n = (size_t)(s - key->p);
	while (key->n && (key->p[key->n - 1] == ' ' || key->p[key->n - 1] == '\t'))
		key->n--;
	value->p = s;
	value->n = 0;
	if (s < end && *s == '=') {
		s++;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s < end && *s == '"') {
			value->p = ++s;
			while (s < end && *s != '"')
				s += (*s == '\\' && s + 1 < end) ? 2 : 1;
			value->n = (size_t)((s < end ? s : end) - value->p);
			if (s < end)
				s++;
		} else {
			value->p = s;
			while (s < end && *s != ';' && *s != ' ' && *s != '\t')
				s++;
			value->n = (size_t)(s - value->p);
		}
	}
	while (s < end && *s != ';')
		s++;
	*p = s;
	return true;
}

static bool
span_is(span s, const char *text)
{
	return s.n == strlen(text) && strncasecmp(s.p, text, s.n) == 0;
}

/* The Content-Disposition of a part whose headers are [h, end). */
static disposition
disposition_of(const char *h, const char *end)
{
	disposition d = { 0 };
	static const char cd[] = "content-disposition:";

	while (h < end) {
		const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2), *v;
		span key, value;

		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - h) >= sizeof cd - 1 && strncasecmp(h, cd, sizeof cd - 1) == 0) {
			v = h + sizeof cd - 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			d.form_data = (size_t)(eol - v) >= 9 && strncasecmp(v, "form-data", 9) == 0 &&
			    (eol - v == 9 || v[9] == ';' || v[9] == ' ' || v[9] == '\t');
			v += d.form_data ? 9 : 0;
			while (d.form_data && next_param(&v, eol, &key, &value)) {
				if (span_is(key, "name"))
					d.name = value;
				else if (span_is(key, "filename") || span_is(key, "filename*"))
					d.has_file = true;
			}
			return d;
		}
		h = eol + 2;
	}
	return d;
}

/* A part's name as a problem's field: itself when it is printable ASCII
 * and fits, else "body". */
static void
field_of(span name, char out[64])
{
	bool ok = name.n > 0 && name.n < 64;

	for (size_t i = 0; ok && i < name.n; i++)
		ok = name.p[i] >= 0x20 && name.p[i] < 0x7f;
	if (ok)
		snprintf(out, 64, "%.*s", (int)name.n, name.p);
	else
		snprintf(out, 64, "body");
}

sj_rc
multipart_file(const char *ctype, const char *body, size_t n, const char *name,
    const char **part, size_t *part_n, sj_err *e)
{
	char delim[BOUNDARY_MAX + 5], field[64];
	const char *stop = body + n, *p, *found = NULL;
	size_t dlen, found_n = 0, want = strlen(name);

	if (ctype == NULL || !delimiter_of(ctype, delim, &dlen))
		return sj_fail(e, SJ_EINVAL, "Content-Type", "multipart/form-data needs a boundary "
		    "parameter of 1 to 70 characters");
	/* The first delimiter opens the body or follows a CRLF (RFC 2046). */
	if (body && n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if (body && (p = memmem(body, n, delim, dlen)) != NULL)
		p += dlen;
	else
		return sj_fail(e, SJ_EINVAL, "body", "is not a multipart/form-data body of its boundary");
	for (;;) {
		const char *head, *data, *end;
		disposition d;

		if (stop - p >= 2 && memcmp(p, "--", 2) == 0)
			break;  /* the close delimiter */
		while (p < stop && (*p == ' ' || *p == '\t'))
			p++;  /* transport padding */
		if (stop - p < 2 || memcmp(p, "\r\n", 2) != 0)
			return sj_fail(e, SJ_EINVAL, "body", "a delimiter is not followed by a line end");
		head = p + 2;
		if (stop - head >= 2 && memcmp(head, "\r\n", 2) == 0)
			data = head + 2;  /* a part without headers */
		else if ((data = memmem(head, (size_t)(stop - head), "\r\n\r\n", 4)) != NULL)
			data += 4;
		else
			return sj_fail(e, SJ_EINVAL, "body", "a part's headers do not end");
		if ((end = memmem(data, (size_t)(stop - data), delim, dlen)) == NULL)
			return sj_fail(e, SJ_EINVAL, "body", "a part is not closed by a delimiter");
		d = disposition_of(head, data);
		if (!d.form_data || d.name.p == NULL)
			return sj_fail(e, SJ_EINVAL, "body", "a part has no Content-Disposition "
			    "form-data name (RFC 7578 §4.2)");
		if (d.name.n == want && memcmp(d.name.p, name, want) == 0) {
			if (found)
				return sj_fail(e, SJ_EINVAL, name, "the form holds more than one part "
				    "named %s; send one", name);
			found = data;
			found_n = (size_t)(end - data);
		} else if (d.has_file) {
			field_of(d.name, field);
			return sj_fail(e, SJ_EINVAL, field, "carries a file; this form takes one "
			    "file, as the part named %s", name);
		}
		p = end + dlen;
	}
	if (found == NULL)
		return sj_fail(e, SJ_EINVAL, name, "the form holds no part named %s", name);
	*part = found;
	*part_n = found_n;
	return SJ_OK;
}
