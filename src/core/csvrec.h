/*
 * csvrec — the one reader of CSV records (RFC 4180) that sijin's
 * importers share: registration ledgers (domain/scan_ledger.c) and public
 * check-in data sets (domain/checkins.c).
 *
 * RFC 4180 §2 as Excel writes it: fields separated by commas; a field in
 * double quotes may hold commas, line breaks (LF, CR LF, CR) and doubled
 * quotes ("" stands for one "); records end at a line break outside
 * quotes.  Parsing is libcsv's (non-strict: a quote inside an unquoted
 * field is taken as it is; spaces and tabs around an unquoted field are
 * dropped, as libcsv does).  What this module adds:
 *
 * - Line numbers: the text may come in pieces of any size (a whole file,
 *   or blocks read from a gzip stream); the reader counts physical lines
 *   (ended by LF, CR LF or a lone CR, as a text editor shows them, a
 *   CR LF split between two pieces counted once) and gives each record
 *   the number of the line where it starts, so a row after a quoted line
 *   break gets its own line, not the count of records.  A line holding
 *   only spaces and tabs outside quotes is no record (libcsv skips it).
 * - A bound: a record longer than the reader's record_max bytes (a quote
 *   opened and never closed swallows the rest of the file into one
 *   field) ends the read with an error instead of buffering the file.
 * - The end: a quote still open at the end of the text is an error
 *   naming the line where its record starts.
 *
 * Lines with no double quote that begin outside a record are split
 * without libcsv (the same fields, faster: check-in files are millions
 * of such lines); tests/unit/test_csvrec.c checks both ways agree.
 */
#ifndef SJ_CSVREC_H
#define SJ_CSVREC_H

#include <csv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* One field of the record being read: the n bytes at p, not
 * NUL-terminated (p is the reader's or the text's, valid during the
 * call; NULL when n is 0). */
typedef void (*csvrec_cell_fn)(void *cls, const char *p, size_t n);
/* The record whose fields were just given has ended; line is the line
 * where it starts (the first line of the text is 1). */
typedef void (*csvrec_row_fn)(void *cls, int64_t line);

typedef struct csvrec {
	struct csv_parser p;
	csvrec_cell_fn cell_fn;
	csvrec_row_fn row_fn;
	void *cls;
	size_t record_max;    /* bytes of a record; 0 = no bound */
	int64_t line;         /* physical lines begun so far (a caller that read
	                         some lines itself sets it to their count) */
	int64_t row_line;     /* the line where the open record starts */
	size_t row_bytes;     /* bytes of the open record so far */
	bool in_row;          /* a record is open (libcsv's row not ended) */
	bool line_open;       /* the last piece ended inside a line */
	bool cr_last;         /* the last piece ended with CR (LF may follow) */
} csvrec;

/*
 * Start a reader: cell_fn gets each field, row_fn each record's end,
 * both with cls; record_max bounds a record (0: none, for text already
 * in memory).  Free with csvrec_free.
 */
void csvrec_init(csvrec *r, csvrec_cell_fn cell_fn, csvrec_row_fn row_fn, void *cls,
    size_t record_max);

/*
 * Read the next n bytes of the text (any cut: mid-line, mid-field, mid
 * CR LF).  Errors: SJ_EINVAL (field "file") "line N: a record longer
 * than M bytes (a quote opened there and never closed?)" when the open
 * record passes record_max; the reader is then spent (free it).
 */
sj_rc csvrec_feed(csvrec *r, const char *s, size_t n, sj_err *e);

/*
 * The end of the text: the last record, if it had no line break, goes
 * to the callbacks.  Errors: SJ_EINVAL (field "file") "a quote opened on
 * line N is never closed".
 */
sj_rc csvrec_finish(csvrec *r, sj_err *e);

/* Release r's buffers (r may be half-read; NULL is fine). */
void csvrec_free(csvrec *r);

#endif
