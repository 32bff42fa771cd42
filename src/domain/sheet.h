/*
 * sheet — the one cell writer of every ledger export, over two formats:
 * CSV (one table a file) and XLSX (one or more worksheets a workbook).
 * Shared by the supply ledgers (supply_export.h), the daily report's
 * ledgers (report.h) and trace exports (trace_export.h), so the rules
 * below hold for every file sijin writes (DESIGN.md §4 "Reports").
 *
 * Rules for every cell:
 * - text is written byte-exact as stored (UTF-8, Chinese included), except
 *   that text beginning with '=', '+', '-', '@', a tab or a carriage
 *   return gets a leading apostrophe, so no spreadsheet runs it as a
 *   formula (OWASP "CSV injection").  Numbers are number cells and are
 *   never touched: -200 stays the number -200;
 * - identity-like values (identity numbers, phones, document numbers) are
 *   text cells (sheet_id, sheet_text), so no leading zero or digit is lost
 *   to a spreadsheet's number conversion;
 * - dates are date cells (yyyy-mm-dd) and instants date-time cells
 *   (yyyy-mm-dd hh:mm) in the deployment's zone; in CSV "2020-03-18" and
 *   "2020-03-18 16:00";
 * - no row is dropped: an XLSX worksheet holds rows_per_sheet data rows
 *   under its header (Excel's limit, 1,048,575, unless a smaller cap is
 *   given), and a longer table continues on further worksheets named
 *   "<title> (2)", "<title> (3)", ... each with the header row again.
 * CSV is RFC 4180 (libcsv quoting, CRLF line ends) behind a UTF-8 byte
 * order mark so that spreadsheet programs read it as UTF-8.  XLSX is
 * written with libxlsxwriter in constant-memory mode: memory stays bounded
 * whatever the number of rows (cells of a row must be written left to
 * right, rows top to bottom, which is how this writer works).
 */
#ifndef SJ_SHEET_H
#define SJ_SHEET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/datetime.h"
#include "core/err.h"

typedef enum sheet_format {
	SHEET_CSV = 0,
	SHEET_XLSX = 1,
} sheet_format;

#define SHEET_ROWS_MAX 1048575u   /* data rows of an XLSX worksheet: 2^20 less the header */
#define SHEET_DATE_NONE INT32_MIN /* a missing date: an empty cell */

typedef struct sheet sheet;

/* One column of a table: its header and its XLSX width in characters. */
typedef struct sheet_column {
	const char *header;
	double width;
} sheet_column;

/* "csv" / "xlsx" as a sheet_format, or -1. */
int sheet_format_parse(const char *s);

/* The MIME type ("text/csv; charset=utf-8", the XLSX type) and the file
 * extension ("csv", "xlsx") of a format. */
const char *sheet_format_mime(int format);
const char *sheet_format_ext(int format);

/* Create the file at path (truncated when it exists) for format.
 * rows_per_sheet caps the data rows of one XLSX worksheet (0 = the
 * SHEET_ROWS_MAX; a test passes a small cap to see the overflow).  The
 * caller frees the writer with sheet_close.  Errors: SJ_EINVAL ("format");
 * SJ_EIO ("out") when the file cannot be created. */
sj_rc sheet_open(int format, const char *path, uint32_t rows_per_sheet, sheet **out,
    sj_err *e);

/* Start a table (cols must stay valid until the next sheet_table or
 * sheet_close): in XLSX a new worksheet called title (at most 31
 * characters; a longer one is cut, whole characters only) with the header
 * row; in CSV the header row (a CSV file holds one table: a second call
 * is SJ_EINVAL "ledger").  Errors: SJ_EINVAL; SJ_EIO ("out"). */
sj_rc sheet_table(sheet *sh, const char *title, const sheet_column *cols, int n_cols,
    sj_err *e);

/* The cells of the current row, left to right.  Write errors are kept and
 * reported by sheet_row_end / sheet_close. */
void sheet_text(sheet *sh, const char *s);      /* NULL or "": an empty cell */
void sheet_id(sheet *sh, int64_t id);           /* a number as a text cell; 0: empty */
void sheet_int(sheet *sh, int64_t v);           /* a number cell */
/* A number kept in tenths (a temperature in 0.1 °C: 376) as the number it
 * stands for, with one decimal: "37.6" in CSV, the number 37.6 shown
 * "0.0" in XLSX. */
void sheet_tenths(sheet *sh, int64_t tenths);
void sheet_date(sheet *sh, sj_date d);          /* SHEET_DATE_NONE: empty */
void sheet_instant(sheet *sh, int64_t t);       /* seconds since the epoch; 0: empty */

/* End the row (in XLSX, moving to a new worksheet when this one is full).
 * Errors: SJ_EIO ("out") once any write of the file has failed. */
sj_rc sheet_row_end(sheet *sh, sj_err *e);

/* Data rows written so far (every table), and worksheets made. */
int64_t sheet_rows(const sheet *sh);
int sheet_worksheets(const sheet *sh);

/* Finish the file and free sh (NULL is accepted and returns rc).  rc is
 * the caller's outcome so far: when it is not SJ_OK it is returned
 * unchanged (the caller removes the partial file); otherwise SJ_EIO
 * ("out") when any write failed. */
sj_rc sheet_close(sheet *sh, const char *path, sj_rc rc, sj_err *e);

#endif
