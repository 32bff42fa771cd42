/*
 * api_report — GET /api/v1/reports/daily: the daily report (日报) and
 * its ledgers (台账) (domain/report.h; docs/reports.md).
 *
 * Query: date (local date, required), to (last date, default date), one
 * of group, unit, region (ids), format (json default, html, text, csv,
 * xlsx), ledger (csv: required; xlsx: one ledger instead of all), reveal
 * (true: clear identity data in the ledgers; needs person.reveal).
 * Needs report.read.  The scope is applied by the list functions the
 * report is built from: a unit or group outside it is 404, and nothing
 * outside it is ever counted.  Every CSV/XLSX export (the ledgers hold
 * personal data) and every reveal is audited (`report.export`).
 *
 * Also the helper that streams a file written by a domain function
 * (api_reply_export, api.h), shared with the trace export.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/report.h"
#include "domain/sheet.h"
#include "http/api.h"
#include "json/jreport.h"

sj_rc
api_reply_export(http_req *r, int format, const char *filename, api_export_fn write, void *ctx,
    sj_err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	int fd;
	sj_rc rc;

	snprintf(path, sizeof path, "%s/sijin-export-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return sj_fail(e, SJ_EIO, NULL, "cannot make a temporary file for the export");
	close(fd);
	rc = write(ctx, path, e);
	fd = rc == SJ_OK ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	unlink(path);
	if (rc != SJ_OK)
		return rc;
	if (fd < 0)
		return sj_fail(e, SJ_EIO, NULL, "cannot read the export back");
	http_reply_header(r, "Content-Disposition", arena_printf(http_arena(r),
	    "attachment; filename=\"%s.%s\"", filename, sheet_format_ext(format)));
	return http_reply_file(r, 200, sheet_format_mime(format), fd);
}

typedef enum out_format { OUT_JSON, OUT_HTML, OUT_TEXT, OUT_CSV, OUT_XLSX } out_format;

static int
out_format_parse(const char *s)
{
	static const char *const names[] = { "json", "html", "text", "csv", "xlsx" };

	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static sj_rc
query_date(http_req *r, const char *name, sj_date def, sj_date *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = def;
	if (v == NULL && def == SHEET_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, name, "is required (YYYY-MM-DD)");
	return v ? dt_date_parse(v, name, out, e) : SJ_OK;
}

static sj_rc
query_bool(http_req *r, const char *name, bool *out, sj_err *e)
{
	const char *v = http_query(r, name);

	*out = false;
	if (v == NULL || strcmp(v, "false") == 0)
		return SJ_OK;
	if (strcmp(v, "true") != 0)
		return sj_fail(e, SJ_EINVAL, name, "use true or false");
	*out = true;
	return SJ_OK;
}

typedef struct ledger_job {
	const report_daily *rep;
	int format, ledger;
} ledger_job;

static sj_rc
ledger_write(void *ctx, const char *path, sj_err *e)
{
	ledger_job *j = ctx;

	return report_ledgers_write(j->rep, j->format, j->ledger, path, 0, NULL, e);
}

/* The audit event of an export of personal data (no transaction of its own
 * is needed by the reply; the event is committed before the file goes). */
static sj_rc
audit_export(http_req *r, const report_daily *rep, const char *format, int ledger, sj_err *e)
{
	json_t *detail = json_pack("{s:s, s:s, s:I, s:o, s:o, s:s, s:b}", "format", format,
	    "kind", rep->kind, "id", (json_int_t)(rep->sel.unit_id + rep->sel.group_id +
	    rep->sel.region_id), "from", json_string(""), "to", json_string(""),
	    "ledger", ledger < 0 ? "all" : report_ledger_name(ledger), "reveal", rep->sel.reveal);
	char d[DT_DATE_LEN];
	sj_rc rc;

	dt_date_format(rep->sel.from, d);
	json_object_set_new(detail, "from", json_string(d));
	dt_date_format(rep->sel.to, d);
	json_object_set_new(detail, "to", json_string(d));
	if ((rc = store_begin(http_store(r), e)) != SJ_OK) {
		json_decref(detail);
		return rc;
	}
	if ((rc = http_audit(r, "report.export", rep->kind, rep->sel.unit_id + rep->sel.group_id +
	    rep->sel.region_id, NULL, detail, e)) == SJ_OK)
		return store_commit(http_store(r), e);
	store_rollback(http_store(r));
	return rc;
}

static sj_rc
get_daily(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "date", "to", "group", "unit", "region", "format",
	    "ledger", "reveal", NULL };
	const char *fmt_name = http_query(r, "format"), *ledger_name = http_query(r, "ledger");
	report_selection sel = {0};
	report_daily rep;
	int format, ledger = -1;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = query_date(r, "date", SHEET_DATE_NONE, &sel.from, e)) != SJ_OK ||
	    (rc = query_date(r, "to", sel.from, &sel.to, e)) != SJ_OK ||
	    (rc = http_query_int(r, "group", 0, 1, INT64_MAX, &sel.group_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "unit", 0, 1, INT64_MAX, &sel.unit_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "region", 0, 1, INT64_MAX, &sel.region_id, e)) != SJ_OK ||
	    (rc = query_bool(r, "reveal", &sel.reveal, e)) != SJ_OK)
		return rc;
	if ((format = out_format_parse(fmt_name ? fmt_name : "json")) < 0)
		return sj_fail(e, SJ_EINVAL, "format", "use json, html, text, csv or xlsx");
	if (ledger_name && (ledger = report_ledger_parse(ledger_name)) < 0)
		return sj_fail(e, SJ_EINVAL, "ledger", "'%.40s' is not a ledger", ledger_name);
	if (format == OUT_CSV && ledger < 0)
		return sj_fail(e, SJ_EINVAL, "ledger", "a CSV file holds one ledger; name it");
	if (sel.reveal && format != OUT_CSV && format != OUT_XLSX)
		return sj_fail(e, SJ_EINVAL, "reveal", "identity data are revealed in csv or xlsx only");
	if ((rc = report_daily_build(http_store(r), http_keys(r), http_scope(r), http_arena(r), &sel,
	    dt_now(), &rep, e)) != SJ_OK)
		return rc;
	switch (format) {
	case OUT_JSON:
		return http_reply_json(r, 200, jreport_daily(&rep, http_arena(r)));
	case OUT_HTML: {
		const char *page = report_html(&rep, http_arena(r));
		return http_reply_bytes(r, 200, "text/html; charset=utf-8", page, strlen(page));
	}
	case OUT_TEXT: {
		const char *text = report_text(&rep, http_arena(r));
		return http_reply_bytes(r, 200, "text/plain; charset=utf-8", text, strlen(text));
	}
	default: {
		ledger_job job = { &rep, format == OUT_CSV ? SHEET_CSV : SHEET_XLSX, ledger };
		char d[DT_DATE_LEN];

		if ((rc = audit_export(r, &rep, fmt_name, ledger, e)) != SJ_OK)
			return rc;
		dt_date_format(sel.from, d);
		return api_reply_export(r, job.format, arena_printf(http_arena(r), "report-%s-%s%s%s",
		    d, rep.kind, ledger < 0 ? "" : "-", ledger < 0 ? "" : report_ledger_name(ledger)),
		    ledger_write, &job, e);
	}
	}
}

const http_route api_report_routes[] = {
	{ "GET", "/api/v1/reports/daily", get_daily, PERM_REPORT_READ, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
