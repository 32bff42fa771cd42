/*
 * supply_export — the supply ledgers (物资台账) as CSV and XLSX files
 * (issue 7 "Ledger exports"; DESIGN.md §4 "Reports": ledgers export
 * without loss).
 *
 * Three reports, each scoped like the lists they repeat:
 *   ledger    every movement with the running balance per site and item
 *             (supply_ledger_each), in ledger order;
 *   stock     stock on hand per site and item at a date (supply_stock_list);
 *   requests  requests with what was delivered, the status and the
 *             distributions that fulfilled them (supply_request_list).
 *
 * Rules for every cell (DESIGN.md §4):
 * - text is written byte-exact as stored (UTF-8, Chinese included), except
 *   that text beginning with '=', '+', '-', '@', a tab or a carriage
 *   return gets a leading apostrophe, so no spreadsheet runs it as a
 *   formula (OWASP "CSV injection");
 * - identity-like numbers (document and request numbers) are text cells;
 *   quantities are number cells; dates are date cells (yyyy-mm-dd) and
 *   instants date-time cells in the deployment's zone; in CSV they are
 *   "2020-03-18" and "2020-03-18 16:00";
 * - no row is dropped: XLSX sheets hold 1,048,575 rows under the header,
 *   so a longer report continues on further sheets ("台账 (2)", ...).
 * CSV is RFC 4180 (libcsv quoting every field, CRLF line ends) behind a
 * UTF-8 byte order mark so that spreadsheet programs read it as UTF-8.
 * XLSX is written with libxlsxwriter in constant-memory mode, so memory
 * stays bounded whatever the number of rows.
 */
#ifndef SJ_SUPPLY_EXPORT_H
#define SJ_SUPPLY_EXPORT_H

#include <stdint.h>

#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "domain/sheet.h"
#include "domain/supply_ledger.h"
#include "store/store.h"

typedef enum supply_report {
	SUPPLY_REPORT_LEDGER,
	SUPPLY_REPORT_STOCK,
	SUPPLY_REPORT_REQUESTS,
} supply_report;

typedef enum supply_format {
	SUPPLY_FORMAT_CSV,
	SUPPLY_FORMAT_XLSX,
} supply_format;

/* "ledger", "stock", "requests" / "csv", "xlsx" as an enum value, or -1. */
int supply_report_parse(const char *s);
int supply_format_parse(const char *s);

/* The MIME type and file extension of a format. */
const char *supply_format_mime(int format);
const char *supply_format_ext(int format);

typedef struct supply_export_filter {
	int64_t site_id;     /* ledger, stock: one site; 0 = every site in scope */
	int64_t item_id;     /* every report: one item; 0 = every item */
	int64_t unit_id;     /* requests: one unit; 0 = every unit in scope */
	sj_date from, to;    /* ledger: date range; SUPPLY_DATE_NONE = open */
	sj_date date;        /* stock: as at the end of this date; SUPPLY_DATE_NONE = now */
} supply_export_filter;

/* Write report (supply_report) in format (supply_format) for scope sc and
 * filter f to a new file at path (created, or truncated when it exists).
 * *rows (may be NULL) receives the number of data rows written.  Needs
 * PERM_SUPPLY_READ.  Errors: SJ_EFORBIDDEN; SJ_EINVAL ("report",
 * "format", "to"); SJ_ENOTFOUND ("site") for a site out of scope; SJ_EIO
 * (field "out") when the file cannot be written; store errors.  A failed
 * export may leave a partial file, which the caller removes. */
/* The columns of a ledger movement (站点 ... 备注, SUPPLY_MOVE_COLS of them)
 * and the cells of one movement m in them, uom the item's base unit in
 * Chinese (NULL: empty): shared by the ledger export and the daily
 * report's supplies ledger (report.h), which adds columns after these. */
#define SUPPLY_MOVE_COLS 14
extern const sheet_column supply_move_cols[SUPPLY_MOVE_COLS];
void supply_move_cells(sheet *sh, const supply_move *m, const char *uom);

sj_rc supply_export(store *s, const scope *sc, int report, int format,
    const supply_export_filter *f, const char *path, int64_t *rows, sj_err *e);

#endif
