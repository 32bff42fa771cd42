/*
 * jimport — the JSON side of bulk import (docs/import.md), shared by the
 * command line and the API: the report of an import, NDJSON ledgers, and
 * the reading of a whole ledger (CSV or NDJSON) into a scan_import.
 */
#ifndef SJ_JIMPORT_H
#define SJ_JIMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/scan_import.h"
#include "domain/scan_ledger.h"

typedef enum ledger_format {
	LEDGER_AUTO,     /* NDJSON when the first non-blank character is '{', else CSV */
	LEDGER_CSV,
	LEDGER_NDJSON,
} ledger_format;

/* {"rows", "accepted", "duplicates", "rejected", "stays", "alerts",
 *  "batches", "dry_run", "rejected_by_field": {"time": 2, ...},
 *  "rejects": [{"line", "field", "detail"}, ...] (the first
 *  IMPORT_REJECTS_MAX), "rejects_truncated": bool}.  A new reference. */
json_t *jimport_report(const import_report *r, bool dry_run);

/*
 * Parse NDJSON (one JSON object a line, RFC 8259 text; blank lines are
 * skipped) from the UTF-8 text s[0..n): each object's keys are column
 * headers as in a CSV ledger (ledger_column_of: "checkpoint", "时间", ...;
 * others are ignored), each value a string, an integer, a real or null
 * (blank).  Each object goes to row_fn as a ledger_row (has[] set for the
 * keys present); a line that is not a JSON object, or a value of another
 * type (the field named), goes to bad_fn.  Errors: what row_fn returns.
 */
sj_rc jimport_ndjson(const char *s, size_t n, ledger_row_fn row_fn, ledger_bad_fn bad_fn,
    void *cls, sj_err *e);

/*
 * Read the ledger bytes[0..n) (CSV in UTF-8 with or without BOM or
 * GB18030, or NDJSON in UTF-8: ledger_decode) and give every row to im
 * (ledger_row_input, then scan_import_add; a row whose fields do not parse
 * is rejected there, with its line).  default_checkpoint (0: none) is the
 * checkpoint of rows that name none.  The caller ends the import with
 * scan_import_finish.  Errors: SJ_EINVAL (field "file") for an encoding
 * error (nothing imported), an empty file, a header with no known column,
 * an unclosed quote; store errors from im.
 */
sj_rc jimport_ledger(const char *bytes, size_t n, ledger_format fmt, int64_t default_checkpoint,
    scan_import *im, sj_err *e);

#endif
