/*
 * multipart — the one file of a multipart/form-data upload (RFC 7578,
 * delimiters and body parts as RFC 2046 §5.1.1 defines them).
 *
 * An upload that takes a file takes it in one part of a documented name
 * (the photo of a code: "photo").  A form whose file is in a part of
 * another name, or that holds two files, is refused naming the field,
 * rather than taking whichever part came first: the client learns that
 * its form does not match the API.  Parts without a file (no filename
 * parameter) and of other names — a text field such as a note — are
 * ignored.  Pure: no I/O, no allocation; safe on any bytes.
 */
#ifndef SJ_MULTIPART_H
#define SJ_MULTIPART_H

#include <stddef.h>

#include "core/err.h"

/*
 * The content of the part named name (the value of Content-Disposition's
 * name parameter, compared exactly) of the multipart/form-data body
 * (body, n bytes) whose Content-Type header is ctype.  *part points into
 * body, *part_n its length; both are set only on success.
 * Errors, each SJ_EINVAL:
 *   "Content-Type"  no boundary parameter, or one of 0 or more than 70
 *                   characters (RFC 2046 §5.1.1);
 *   "body"          not a multipart body of that boundary: no first
 *                   delimiter, a part without the blank line ending its
 *                   headers or without a delimiter after it, a part
 *                   without a Content-Disposition form-data name (RFC
 *                   7578 §4.2);
 *   the part's name (cut to 63 bytes; "body" when it is not printable
 *                   ASCII) when a part carrying a file (a filename or
 *                   filename* parameter) has another name than name;
 *   name            two parts named name, or none.
 */
sj_rc multipart_file(const char *ctype, const char *body, size_t n, const char *name,
    const char **part, size_t *part_n, sj_err *e);

#endif
