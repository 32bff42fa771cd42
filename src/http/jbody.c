/*
 * jbody — table-driven reading of JSON request bodies.
 */
#include "http/jbody.h"

#include <string.h>

#include "core/datetime.h"
#include "core/text.h"

static const jb_field *
field_find(const jb_field *fields, const char *name)
{
	for (const jb_field *f = fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static sj_rc
read_string(const jb_field *f, const json_t *v, const char **dst, arena *a, sj_err *e)
{
	const char *s;
	size_t n;
	sj_rc rc;

	if (!json_is_string(v))
		return sj_fail(e, SJ_EINVAL, f->name, "must be a string");
	s = json_string_value(v);
	n = json_string_length(v);
	if (strlen(s) != n)
		return sj_fail(e, SJ_EINVAL, f->name, "must not contain NUL characters");
	rc = text_check_utf8(s, n, f->name, f->type == JB_TEXT ? 0 : TEXT_SINGLE_LINE, e);
	if (rc == SJ_OK)
		*dst = arena_strndup(a, s, n);
	return rc;
}

static sj_rc
read_strings(const jb_field *f, const json_t *v, void *out, arena *a, sj_err *e)
{
	size_t max = f->max ? f->max : 32, n = json_array_size(v), i;
	const char **arr;
	const json_t *el;
	sj_rc rc;

	if (!json_is_array(v))
		return sj_fail(e, SJ_EINVAL, f->name, "must be an array of strings");
	if (n > max)
		return sj_fail(e, SJ_EINVAL, f->name, "has %zu elements; at most %zu", n, max);
	arr = arena_alloc(a, (n + 1) * sizeof *arr);
	json_array_foreach(v, i, el) {
		if ((rc = read_string(f, el, &arr[i], a, e)) != SJ_OK)
			return sj_fail(e, SJ_EINVAL, f->name, "element %zu must be a valid string", i);
	}
	arr[n] = NULL;
	memcpy((char *)out + f->offset, &arr, sizeof arr);
	memcpy((char *)out + f->offset_n, &n, sizeof n);
	return SJ_OK;
}

static sj_rc
read_int(const jb_field *f, const json_t *v, int64_t *dst, sj_err *e)
{
	if (!json_is_integer(v))
		return sj_fail(e, SJ_EINVAL, f->name, "must be an integer");
	*dst = json_integer_value(v);
	if (f->type == JB_ID && *dst < 1)
		return sj_fail(e, SJ_EINVAL, f->name, "must be an id (1 or more)");
	return SJ_OK;
}

static sj_rc
read_time(const jb_field *f, const json_t *v, void *dst, sj_err *e)
{
	sj_date d;
	int64_t t;
	sj_rc rc;

	if (!json_is_string(v))
		return sj_fail(e, SJ_EINVAL, f->name, f->type == JB_DATE
		    ? "must be a date YYYY-MM-DD" : "must be an RFC 3339 date-time with offset");
	if (f->type == JB_DATE) {
		if ((rc = dt_date_parse(json_string_value(v), f->name, &d, e)) == SJ_OK)
			memcpy(dst, &d, sizeof d);
		return rc;
	}
	/* An instant of 0 is every caller's "absent: now" (scan times,
	 * disinfection rounds, registrations, trace windows; dates have
	 * *_DATE_NONE instead), so the epoch itself — what a device whose clock
	 * was never set sends — was replaced by the server's clock unseen.
	 * Nothing sijin records happened at or before it. */
	if ((rc = dt_parse_rfc3339(json_string_value(v), f->name, &t, e)) != SJ_OK)
		return rc;
	if (t <= 0)
		return sj_fail(e, SJ_EINVAL, f->name, "must be after 1970-01-01T00:00:00Z (a clock "
		    "that was never set?)");
	memcpy(dst, &t, sizeof t);
	return SJ_OK;
}

static sj_rc
read_one(const jb_field *f, const json_t *v, void *out, arena *a, sj_err *e)
{
	void *dst = (char *)out + f->offset;
	int64_t i64 = 0;
	int b;
	sj_rc rc;

	if (json_is_null(v) && !f->required)
		return SJ_OK;
	switch (f->type) {
	case JB_STRING:
	case JB_TEXT:
		return read_string(f, v, (const char **)dst, a, e);
	case JB_INT:
	case JB_ID:
		if ((rc = read_int(f, v, &i64, e)) == SJ_OK)
			memcpy(dst, &i64, sizeof i64);
		return rc;
	case JB_BOOL:
		if (!json_is_boolean(v))
			return sj_fail(e, SJ_EINVAL, f->name, "must be true or false");
		b = json_is_true(v);
		memcpy(dst, &b, sizeof b);
		return SJ_OK;
	case JB_DATE:
	case JB_INSTANT:
		return read_time(f, v, dst, e);
	case JB_STRINGS:
		return read_strings(f, v, out, a, e);
	}
	return sj_fail(e, SJ_EINTERNAL, f->name, "unknown field type");
}

sj_rc
jb_read(const json_t *obj, const jb_field *fields, void *out, arena *a, sj_err *e)
{
	const char *key;
	const json_t *v;
	sj_rc rc;

	if (!json_is_object(obj))
		return sj_fail(e, SJ_EINVAL, "body", "must be a JSON object");
	json_object_foreach((json_t *)obj, key, v) {
		const jb_field *f = field_find(fields, key);
		/* An empty member name would give a problem with no field. */
		if (f == NULL && *key == '\0')
			return sj_fail(e, SJ_EINVAL, "body", "unknown field \"\" (an empty member name)");
		if (f == NULL)
			return sj_fail(e, SJ_EINVAL, key, "unknown field");
		if ((rc = read_one(f, v, out, a, e)) != SJ_OK)
			return rc;
	}
	for (const jb_field *f = fields; f->name; f++)
		if (f->required && json_object_get(obj, f->name) == NULL)
			return sj_fail(e, SJ_EINVAL, f->name, "is required");
	return SJ_OK;
}
