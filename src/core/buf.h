/*
 * buf — one growable byte buffer with a hard maximum, for strings, JSON
 * and request bodies.
 *
 * Invariants: data is always NUL-terminated (data[len] == 0) once anything
 * has been appended, so a buffer of text can be used as a C string; len
 * never exceeds max.  A buffer that would grow past max refuses the append
 * and keeps its earlier content intact.
 */
#ifndef SJ_BUF_H
#define SJ_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

typedef struct buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;   /* bytes used, not counting the terminating NUL */
	size_t cap;   /* bytes allocated */
	size_t max;   /* hard limit on len; 0 means BUF_DEFAULT_MAX */
} buf;

#define BUF_DEFAULT_MAX ((size_t)64 << 20)  /* 64 MiB */

/* Initialise b empty with the limit max bytes (0 = BUF_DEFAULT_MAX). */
void buf_init(buf *b, size_t max);

/* Append n bytes.  Returns SJ_OK, or SJ_ETOOBIG (field "body") when len + n
 * would exceed the limit; then b is unchanged. */
sj_rc buf_append(buf *b, const void *p, size_t n, sj_err *e);

/* Append a NUL-terminated string; as buf_append. */
sj_rc buf_puts(buf *b, const char *s, sj_err *e);

/* Append printf-formatted text; as buf_append. */
sj_rc buf_printf(buf *b, sj_err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
sj_rc buf_vprintf(buf *b, sj_err *e, const char *fmt, va_list ap);

/* The content as a C string; "" for an empty buffer (never NULL).  Valid
 * until the next append or buf_free. */
const char *buf_str(const buf *b);

/* Empty the buffer, keeping its memory. */
void buf_reset(buf *b);

/* Hand the content to the caller as a malloc'd NUL-terminated string (free
 * with free()) and leave b empty.  Never NULL. */
char *buf_steal(buf *b);

/* Release the memory.  Accepts NULL. */
void buf_free(buf *b);

#endif
