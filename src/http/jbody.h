/*
 * jbody — read a JSON request body into a C struct by a field table.
 *
 * A handler describes the body it takes as a table of fields (name, type,
 * required, where in the struct); jb_read() checks the body against it:
 * unknown fields are rejected, every type is checked, strings are copied
 * into the request arena and checked to be valid UTF-8 without control
 * characters.  Nothing is written to the struct's fields that are absent,
 * so the caller sets defaults first.
 */
#ifndef SJ_JBODY_H
#define SJ_JBODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/err.h"

typedef enum jb_type {
	JB_STRING,   /* const char *; JSON string (null allowed when optional: leaves NULL) */
	JB_TEXT,     /* const char *; like JB_STRING but newlines and tabs allowed */
	JB_INT,      /* int64_t; JSON integer */
	JB_BOOL,     /* int; JSON true/false → 1/0 */
	JB_ID,       /* int64_t; JSON integer ≥ 1 (null allowed when optional: leaves 0) */
	JB_DATE,     /* sj_date; "YYYY-MM-DD" local date */
	JB_INSTANT,  /* int64_t seconds UTC, ≥ 1; RFC 3339 string with offset */
	JB_STRINGS,  /* const char **, count at offset_n (size_t); array of strings */
} jb_type;

typedef struct jb_field {
	const char *name;
	jb_type type;
	bool required;
	size_t offset;    /* offsetof(struct, field) */
	size_t offset_n;  /* JB_STRINGS only: offsetof the size_t count */
	size_t max;       /* JB_STRINGS: most elements (0 = 32) */
} jb_field;

/* Read obj (a JSON object) into out by fields (terminated by a row with a
 * NULL name).  Errors, each SJ_EINVAL with the field named:
 *   "unknown field" for a member not in the table,
 *   "is required" for a missing required member,
 *   "must be a string/integer/boolean/array of strings/date YYYY-MM-DD",
 *   an instant not after 1970-01-01T00:00:00Z (0 stands for "absent: now"
 *   in every caller's struct, so it cannot be given),
 *   invalid UTF-8 or control characters in strings (byte offset given),
 *   ids below 1, too many array elements.
 * On error out may be partly filled; callers discard it. */
sj_rc jb_read(const json_t *obj, const jb_field *fields, void *out, arena *a, sj_err *e);

#endif
