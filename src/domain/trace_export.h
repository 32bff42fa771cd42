/*
 * trace_export — an exposure trace's answer (trace.h) as CSV or XLSX
 * (issue 6 "Export as CSV and XLSX"), written through the shared cell
 * writer (sheet.h), so the ledger rules hold: identity numbers and phones
 * are text cells, instants date-time cells, text that could run as a
 * formula neutralised, no row dropped.
 *
 * Rows: one per overlapping interval of each contact, in the answer's
 * order (risk first): contact number, degree, the person (masked, or
 * clear when revealed), their total overlap in minutes, the place, from,
 * to, minutes, and for the second degree the first-degree contact met
 * (by contact number).  A contact outside the caller's scope shows no
 * identity ("范围外").  XLSX has two more worksheets: the index person's
 * own stays, and the parameters.  CSV holds the contacts' table only.
 */
#ifndef SJ_TRACE_EXPORT_H
#define SJ_TRACE_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/crypt.h"
#include "core/err.h"
#include "domain/scope.h"
#include "domain/trace.h"
#include "store/store.h"

/*
 * Write t as format (a sheet_format) to a new file at path.  reveal puts
 * clear names, identity numbers and mobiles (needs PERM_PERSON_REVEAL and
 * keys); otherwise they are masked.  rows_per_sheet as sheet_open (0 =
 * Excel's limit).  *rows (may be NULL) receives the data rows written.
 * Errors: SJ_EFORBIDDEN ("reveal"); SJ_EINVAL ("format"); SJ_EIO ("out");
 * store errors.  A failed export may leave a partial file, which the
 * caller removes.
 */
sj_rc trace_export(store *s, const crypt_keys *keys, const scope *sc, const trace_result *t,
    int format, bool reveal, const char *path, uint32_t rows_per_sheet, int64_t *rows,
    sj_err *e);

#endif
