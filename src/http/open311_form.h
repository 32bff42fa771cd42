/*
 * open311_form — the parsers of what an Open311 GeoReport v2 client sends
 * (http/open311.c; docs/open311.md): an application/x-www-form-urlencoded
 * body (POST requests) and the values of the list query's parameters.
 * Pure functions over text, so that fuzz/fuzz_open311.c drives them with
 * arbitrary bytes.  Strings land in the caller's arena.
 */
#ifndef SJ_OPEN311_FORM_H
#define SJ_OPEN311_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

#define OPEN311_PARAMS_MAX 64   /* parameters a body may hold */

typedef struct open311_param {
	const char *name, *value;   /* decoded, NUL-terminated, valid UTF-8 */
} open311_param;

typedef struct open311_form {
	open311_param p[OPEN311_PARAMS_MAX];
	size_t n;
} open311_form;

/* Parse n bytes of body (RFC 1866 §8.2.1 / WHATWG URL
 * "application/x-www-form-urlencoded": pairs split by '&', name and value
 * by the first '=', '+' a space, %XX a byte) into fm, in order; empty
 * pairs ("&&") are skipped, a pair without '=' has the value "".  Names
 * and values must be UTF-8; names without control characters, values
 * without NUL.  Errors (SJ_EINVAL): a NUL byte anywhere in body (field
 * "body"), more than OPEN311_PARAMS_MAX pairs ("body"), a malformed
 * escape or one decoding to NUL ("body"), bad UTF-8 or a control
 * character in a name ("body"), bad UTF-8 in a value (field = the name,
 * "body" for an empty name). */
sj_rc open311_form_parse(arena *a, const char *body, size_t n, open311_form *fm, sj_err *e);

/* The value of the parameter name in fm into *out, NULL when absent.
 * Errors: SJ_EINVAL (field name) when it is given more than once. */
sj_rc open311_form_get(const open311_form *fm, const char *name, const char **out, sj_err *e);

/* An id: 1 to 15 decimal digits, not 0, nothing else (n bytes of s).
 * True and *id set when it is one. */
bool open311_id_parse(const char *s, size_t n, int64_t *id);

/* service_request_id=1,2,3: ids (open311_id_parse) separated by ',', a
 * trailing ',' allowed, at most max of them, into *ids (arena) and *n.
 * Errors (SJ_EINVAL, field "service_request_id"): empty, an item that is
 * not an id, more than max items. */
sj_rc open311_ids_parse(arena *a, const char *list, size_t max, int64_t **ids, size_t *n,
    sj_err *e);

/* status=open, closed, or both separated by ',' into *open: 1 open only,
 * -1 closed only, 0 both (or neither: "status=" means no filter).
 * Errors: SJ_EINVAL (field "status") for any other word. */
sj_rc open311_status_parse(const char *s, int *open, sj_err *e);

#endif
