/*
 * open311_form — urlencoded bodies and list parameters of Open311
 * (open311_form.h).  Invariant: every string handed out is NUL-terminated
 * inside the caller's arena and was checked as UTF-8 before it is.
 */
#include "http/open311_form.h"

#include <string.h>

#include "core/text.h"

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decode n bytes of s ('+' is a space) into the arena.  NULL when
 * an escape is malformed or decodes to NUL. */
static char *
form_decode(arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

sj_rc
open311_form_parse(arena *a, const char *body, size_t n, open311_form *fm, sj_err *e)
{
	size_t i = 0;

	fm->n = 0;
	/* A raw NUL would cut a name or value short unseen (fuzz_open311). */
	if (memchr(body, '\0', n) != NULL)
		return sj_fail(e, SJ_EINVAL, "body", "holds a NUL byte");
	while (i < n) {
		size_t end = i, eq;
		char *name, *value;
		while (end < n && body[end] != '&')
			end++;
		for (eq = i; eq < end && body[eq] != '='; eq++)
			;
		if (end > i) {
			if (fm->n == OPEN311_PARAMS_MAX)
				return sj_fail(e, SJ_EINVAL, "body", "more than %d parameters",
				    OPEN311_PARAMS_MAX);
			name = form_decode(a, body + i, eq - i);
			value = form_decode(a, body + (eq < end ? eq + 1 : end),
			    eq < end ? end - eq - 1 : 0);
			if (name == NULL || value == NULL)
				return sj_fail(e, SJ_EINVAL, "body", "malformed %%-escape");
			if (text_check_utf8(name, strlen(name), "body", TEXT_NO_CONTROL, e) != SJ_OK ||
			    text_check_utf8(value, strlen(value), *name ? name : "body", TEXT_NO_NUL,
			    e) != SJ_OK)
				return e->rc;
			fm->p[fm->n++] = (open311_param){ name, value };
		}
		i = end + 1;
	}
	return SJ_OK;
}

sj_rc
open311_form_get(const open311_form *fm, const char *name, const char **out, sj_err *e)
{
	*out = NULL;
	for (size_t i = 0; i < fm->n; i++)
		if (strcmp(fm->p[i].name, name) == 0) {
			if (*out)
				return sj_fail(e, SJ_EINVAL, name, "is given more than once");
			*out = fm->p[i].value;
		}
	return SJ_OK;
}

bool
open311_id_parse(const char *s, size_t n, int64_t *id)
{
	int64_t v = 0;

	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*id = v;
	return v > 0;
}

sj_rc
open311_ids_parse(arena *a, const char *list, size_t max, int64_t **ids, size_t *n, sj_err *e)
{
	int64_t *out = arena_zalloc(a, (strlen(list) / 2 + 2) * sizeof *out);
	const char *p = list;

	*n = 0;
	*ids = NULL;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (*n == max)
			return sj_fail(e, SJ_EINVAL, "service_request_id", "at most %zu ids", max);
		if (!open311_id_parse(p, len, &out[*n]))
			return sj_fail(e, SJ_EINVAL, "service_request_id", "give ids separated by ','");
		(*n)++;
		p += len + (p[len] == ',');
	}
	if (*n == 0)
		return sj_fail(e, SJ_EINVAL, "service_request_id", "give ids separated by ','");
	*ids = out;
	return SJ_OK;
}

sj_rc
open311_status_parse(const char *s, int *open, sj_err *e)
{
	bool o = false, c = false;

	for (const char *p = s; *p; ) {
		size_t n = strcspn(p, ",");
		if (n == 4 && strncmp(p, "open", 4) == 0)
			o = true;
		else if (n == 6 && strncmp(p, "closed", 6) == 0)
			c = true;
		else
			return sj_fail(e, SJ_EINVAL, "status", "must be open, closed or both");
		p += n + (p[n] == ',');
	}
	*open = o == c ? 0 : o ? 1 : -1;
	return SJ_OK;
}
