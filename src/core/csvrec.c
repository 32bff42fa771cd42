/*
 * csvrec — CSV records with their line numbers (csvrec.h).
 *
 * The text is cut into physical lines; each piece of a line goes to
 * libcsv as it comes, so that libcsv's callbacks for a record run while
 * the reader still knows the line the record started on.  A record can
 * end only at a line break (outside quotes), so at most one record ends
 * in a piece, at its end.
 */
#include "core/csvrec.h"

#include <stdlib.h>
#include <string.h>

/* libcsv's own callbacks, passed on with the reader's state. */
static void
on_cell(void *p, size_t n, void *cls)
{
	csvrec *r = cls;

	r->cell_fn(r->cls, n ? p : NULL, n);
}

static void
on_row(int c, void *cls)
{
	csvrec *r = cls;

	(void)c;
	r->in_row = false;
	r->row_fn(r->cls, r->row_line);
}

void
csvrec_init(csvrec *r, csvrec_cell_fn cell_fn, csvrec_row_fn row_fn, void *cls, size_t record_max)
{
	*r = (csvrec){ .cell_fn = cell_fn, .row_fn = row_fn, .cls = cls, .record_max = record_max };
	if (csv_init(&r->p, CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
		sj_oom(sizeof r->p);
}

void
csvrec_free(csvrec *r)
{
	if (r != NULL)
		csv_free(&r->p);
}

/* libcsv's spaces (csv.h's default is_space): dropped around an unquoted
 * field, and a line of nothing else outside a record is no record. */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i]) && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* A whole line s[0..n) (its break included) that starts outside a record
 * and holds no quote: its fields are the text between commas, spaces and
 * tabs at their ends dropped — what libcsv gives for it. */
static void
split_line(csvrec *r, const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	for (const char *end = s + n;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *a = s, *b = comma ? comma : end;
		while (a < b && is_space(*a))
			a++;
		while (b > a && is_space(b[-1]))
			b--;
		r->cell_fn(r->cls, b > a ? a : NULL, (size_t)(b - a));
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	r->row_fn(r->cls, r->row_line);
}

/* The length of the piece of a line at s: up to and including its break
 * (LF, CR LF, or CR), else the rest of the text. */
static size_t
piece_len(const char *s, const char *end, bool *ended)
{
	size_t n = (size_t)(end - s);
	const char *lf = memchr(s, '\n', n);
	const char *cr = memchr(s, '\r', lf ? (size_t)(lf - s) : n);

	*ended = cr != NULL || lf != NULL;
	if (cr != NULL)
		return (size_t)(cr - s) + (cr + 1 < end && cr[1] == '\n' ? 2 : 1);
	return lf != NULL ? (size_t)(lf - s) + 1 : n;
}

sj_rc
csvrec_feed(csvrec *r, const char *s, size_t n, sj_err *e)
{
	const char *end = s + n;

	if (r->cr_last && n > 0 && *s == '\n') {
		/* the LF of a CR LF cut between pieces: the same line's end */
		if (csv_parse(&r->p, s, 1, on_cell, on_row, r) != 1)
			sj_oom(1);   /* without CSV_STRICT, libcsv fails only for memory */
		s++;
	}
	r->cr_last = false;
	while (s < end) {
		bool ended;
		size_t len = piece_len(s, end, &ended);
		bool line_start = !r->line_open;
		if (line_start)
			r->line++;
		r->line_open = !ended;
		if (!r->in_row && !is_blank(s, len)) {
			r->in_row = true;
			r->row_line = r->line;
			r->row_bytes = 0;
		}
		if (r->in_row) {
			r->row_bytes += len;
			if (r->record_max > 0 && r->row_bytes > r->record_max)
				return sj_fail(e, SJ_EINVAL, "file", "line %lld: a record longer than %zu "
				    "bytes (a quote opened there and never closed?)",
				    (long long)r->row_line, r->record_max);
		}
		if (r->in_row && line_start && ended && r->row_bytes == len && !memchr(s, '"', len)) {
			split_line(r, s, len);
			r->in_row = false;
		} else if (csv_parse(&r->p, s, len, on_cell, on_row, r) != len)
			sj_oom(len);
		r->cr_last = ended && s[len - 1] == '\r';
		s += len;
	}
	return SJ_OK;
}

sj_rc
csvrec_finish(csvrec *r, sj_err *e)
{
	/* libcsv's csv_fini reports a quoted field left open only in strict
	 * mode (CSV_STRICT with CSV_STRICT_FINI): switched on for the end
	 * alone, so quotes inside unquoted fields stay as they are above */
	csv_set_opts(&r->p, (unsigned char)(csv_get_opts(&r->p) | CSV_STRICT));
	if (csv_fini(&r->p, on_cell, on_row, r) != 0)
		return sj_fail(e, SJ_EINVAL, "file", "a quote opened on line %lld is never closed",
		    (long long)r->row_line);
	return SJ_OK;
}
