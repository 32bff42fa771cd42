/*
 * api_import — bulk import of scans over HTTP (issue 5 "Bulk import";
 * docs/import.md):
 *
 *   POST /api/v1/imports/scans[?checkpoint=ID][&dry_run=1]
 *        Content-Type: text/csv | application/x-ndjson
 *
 * The body is a ledger as `sijin import scans` reads it (CSV in UTF-8 with
 * or without BOM or GB18030, or NDJSON).  Every row goes through the rules
 * of the scan API with the caller's scope, so a row naming a checkpoint the
 * caller may not record at (out of scope, or not one a checkpoint attendant
 * attends) is rejected with field "checkpoint", like a missing one; the
 * caller is the rows' operator.  The answer is the import's report
 * (json/jimport.h); each batch's transaction carries an audit event
 * "scan.import" with its figures.
 */
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/scan_import.h"
#include "http/api.h"
#include "http/http.h"
#include "json/jimport.h"

#define IMPORT_BODY_MAX (32 * 1024 * 1024)  /* bytes of a ledger upload */
#define IMPORT_BATCH_HTTP 10000             /* rows a transaction: keeps the write lock short */

static sj_rc
audit_batch(void *cls, store *s, const import_report *total, const import_report *batch,
    sj_err *e)
{
	http_req *r = cls;

	(void)s;
	return http_audit(r, "scan.import", "import", 0, NULL, json_pack("{s:I, s:I, s:I, s:I, s:I}",
	    "batch", (json_int_t)total->batches, "rows", (json_int_t)batch->rows,
	    "accepted", (json_int_t)batch->accepted, "duplicates", (json_int_t)batch->duplicates,
	    "rejected", (json_int_t)batch->rejected), e);
}

/* The body's format from its Content-Type. */
static sj_rc
body_format(http_req *r, ledger_format *fmt, sj_err *e)
{
	const char *type = http_header(r, "Content-Type");

	if (type && strncasecmp(type, "text/csv", 8) == 0)
		*fmt = LEDGER_CSV;
	else if (type && (strncasecmp(type, "application/x-ndjson", 20) == 0 ||
	    strncasecmp(type, "application/jsonl", 17) == 0))
		*fmt = LEDGER_NDJSON;
	else
		return sj_fail(e, SJ_EINVAL, "Content-Type", "send text/csv or application/x-ndjson "
		    "(docs/import.md)");
	return SJ_OK;
}

/* POST /api/v1/imports/scans */
static sj_rc
post_import_scans(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "checkpoint", "dry_run", NULL };
	int64_t checkpoint_id, dry_run;
	scan_settings settings;
	ledger_format fmt = LEDGER_AUTO;
	scan_import *im;
	const char *body;
	size_t n;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "checkpoint", 0, 1, INT64_MAX, &checkpoint_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "dry_run", 0, 0, 1, &dry_run, e)) != SJ_OK ||
	    (rc = body_format(r, &fmt, e)) != SJ_OK)
		return rc;
	body = http_body_raw(r, &n);
	scan_settings_of(http_config(r), &settings);
	if ((rc = scan_import_open(http_store(r), http_keys(r), &settings, http_scope(r), dt_now(),
	    &(import_options){ .dry_run = dry_run != 0, .batch_rows = IMPORT_BATCH_HTTP,
	    .operator_id = http_user_id(r), .audit = audit_batch, .audit_cls = r }, &im, e))
	    != SJ_OK)
		return rc;
	if ((rc = jimport_ledger(body ? body : "", n, fmt, checkpoint_id, im, e)) == SJ_OK &&
	    (rc = scan_import_finish(im, e)) == SJ_OK)
		rc = http_reply_json(r, 200, jimport_report(scan_import_report(im), dry_run != 0));
	scan_import_free(im);
	return rc;
}

const http_route api_import_routes[] = {
	{ "POST", "/api/v1/imports/scans", post_import_scans, PERM_SCAN_RECORD,
	  HTTP_BODY_RAW | IMPORT_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
