/*
 * cmd_report — `sijin report daily` (issue 9 "Reports and ledgers";
 * docs/reports.md): the daily report of a work group, a unit or a region
 * for a local day or a range, as text (default), HTML, JSON, or its
 * ledgers as CSV (one ledger) or XLSX (every ledger, or one).
 *
 * The command line runs as `system` (every record).  HTML, text and JSON
 * go to standard output unless --out names a file; CSV and XLSX need
 * --out.  An export of the ledgers is audited (user "cli").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/org.h"
#include "domain/report.h"
#include "domain/sheet.h"
#include "json/jreport.h"

static const char report_usage[] =
	"usage: sijin report daily --date YYYY-MM-DD [--to YYYY-MM-DD]\n"
	"                 (--group ID | --unit UNIT | --region ID)\n"
	"                 [--format text|html|json|csv|xlsx] [--ledger NAME] [--out FILE] [--reveal]\n\n"
	"The daily report (日报) of a work group, a unit or a region for one local day\n"
	"or the days --date to --to: registrations and alerts, disinfection,\n"
	"inspections, visits, supplies, service requests by department, and the\n"
	"work-resumption rate, with a brief in Chinese.  --format csv writes one\n"
	"ledger (--ledger registrations, outsiders, disinfection, inspections, visits,\n"
	"supplies, requests or resumption); xlsx writes every ledger, one sheet each,\n"
	"or the one named.  --reveal puts clear identity numbers and phones in the\n"
	"ledgers.  UNIT is an id or exact name.\n";

typedef struct report_args {
	const char *date, *to, *group, *unit, *region, *format, *ledger, *out;
	bool reveal;
} report_args;

static int
args_read(int argc, char **argv, report_args *a)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' }, { "to", required_argument, NULL, 't' },
		{ "group", required_argument, NULL, 'g' }, { "unit", required_argument, NULL, 'u' },
		{ "region", required_argument, NULL, 'r' }, { "format", required_argument, NULL, 'f' },
		{ "ledger", required_argument, NULL, 'l' }, { "out", required_argument, NULL, 'o' },
		{ "reveal", no_argument, NULL, 'R' }, { 0, 0, 0, 0 },
	};
	int c;

	memset(a, 0, sizeof *a);
	a->format = "text";
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->date = optarg; break;
		case 't': a->to = optarg; break;
		case 'g': a->group = optarg; break;
		case 'u': a->unit = optarg; break;
		case 'r': a->region = optarg; break;
		case 'f': a->format = optarg; break;
		case 'l': a->ledger = optarg; break;
		case 'o': a->out = optarg; break;
		case 'R': a->reveal = true; break;
		default: return cli_usage_error("report daily", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("report daily", "unexpected argument '%s'", argv[optind]);
	if (a->date == NULL)
		return cli_usage_error("report daily", "--date is required");
	if ((a->group != NULL) + (a->unit != NULL) + (a->region != NULL) != 1)
		return cli_usage_error("report daily", "give one of --group, --unit, --region");
	return 0;
}

/* A positive id, or -1. */
static int64_t
arg_id(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *s && *end == '\0' && v > 0 ? v : -1;
}

static sj_rc
selection_of(cli_ctx *ctx, arena *a, const report_args *ra, report_selection *sel, sj_err *e)
{
	org_unit u;
	sj_rc rc;

	memset(sel, 0, sizeof *sel);
	sel->reveal = ra->reveal;
	if ((rc = dt_date_parse(ra->date, "date", &sel->from, e)) != SJ_OK)
		return rc;
	sel->to = sel->from;
	if (ra->to && (rc = dt_date_parse(ra->to, "to", &sel->to, e)) != SJ_OK)
		return rc;
	if (ra->unit) {
		if ((rc = org_unit_lookup(ctx->s, &scope_system, a, ra->unit, &u, e)) != SJ_OK)
			return rc;
		sel->unit_id = u.id;
	} else if (ra->group && (sel->group_id = arg_id(ra->group)) < 0) {
		return sj_fail(e, SJ_EINVAL, "group", "give the work group's id");
	} else if (ra->region && (sel->region_id = arg_id(ra->region)) < 0) {
		return sj_fail(e, SJ_EINVAL, "region", "give the region's id");
	}
	return SJ_OK;
}

/* Write text to --out, or standard output. */
static sj_rc
put_text(const char *out, const char *text, sj_err *e)
{
	FILE *f = out ? fopen(out, "wb") : stdout;

	if (f == NULL)
		return sj_fail(e, SJ_EIO, "out", "cannot write %s", out);
	fputs(text, f);
	if ((out ? fclose(f) : fflush(f)) != 0)
		return sj_fail(e, SJ_EIO, "out", "cannot write %s", out ? out : "standard output");
	return SJ_OK;
}

static sj_rc
export_ledgers(cli_ctx *ctx, const report_daily *rep, const report_args *ra, int format,
    sj_err *e)
{
	int ledger = -1;
	int64_t rows = 0;
	sj_rc rc;

	if (ra->out == NULL)
		return sj_fail(e, SJ_EINVAL, "out", "give --out FILE for %s", ra->format);
	if (ra->ledger && (ledger = report_ledger_parse(ra->ledger)) < 0)
		return sj_fail(e, SJ_EINVAL, "ledger", "'%s' is not a ledger", ra->ledger);
	if ((rc = report_ledgers_write(rep, format, ledger, ra->out, 0, &rows, e)) != SJ_OK) {
		unlink(ra->out);
		return rc;
	}
	if ((rc = store_begin(ctx->s, e)) != SJ_OK)
		return rc;
	rc = cli_audit(ctx, "report.export", rep->kind, rep->sel.unit_id + rep->sel.group_id +
	    rep->sel.region_id, json_pack("{s:s, s:s, s:s, s:b, s:I}", "format", ra->format,
	    "from", ra->date, "ledger", ra->ledger ? ra->ledger : "all", "reveal", ra->reveal,
	    "rows", (json_int_t)rows), e);
	return rc == SJ_OK ? store_commit(ctx->s, e) : (store_rollback(ctx->s), rc);
}

static int
daily_cmd(cli_ctx *ctx, int argc, char **argv)
{
	report_args ra;
	report_selection sel;
	report_daily rep;
	sj_err e = {0};
	arena a;
	int status, format;
	sj_rc rc;

	if ((status = args_read(argc, argv, &ra)) != 0)
		return status;
	arena_init(&a);
	if ((rc = cli_open(ctx, ra.reveal, &e)) == SJ_OK &&
	    (rc = selection_of(ctx, &a, &ra, &sel, &e)) == SJ_OK)
		rc = report_daily_build(ctx->s, ctx->keys, &scope_system, &a, &sel, dt_now(), &rep, &e);
	if (rc == SJ_OK) {
		if (strcmp(ra.format, "text") == 0)
			rc = put_text(ra.out, report_text(&rep, &a), &e);
		else if (strcmp(ra.format, "html") == 0)
			rc = put_text(ra.out, report_html(&rep, &a), &e);
		else if (strcmp(ra.format, "json") == 0) {
			json_t *j = jreport_daily(&rep, &a);
			char *s = json_dumps(j, JSON_INDENT(2));

			json_decref(j);
			rc = put_text(ra.out, arena_printf(&a, "%s\n", s), &e);
			free(s);
		} else if ((format = sheet_format_parse(ra.format)) >= 0)
			rc = export_ledgers(ctx, &rep, &ra, format, &e);
		else
			rc = sj_fail(&e, SJ_EINVAL, "format", "use text, html, json, csv or xlsx");
	}
	arena_free(&a);
	return rc == SJ_OK ? 0 : cli_fail(&e);
}

int
cmd_report(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(report_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "daily") == 0) {
		if (cli_wants_help(argc - 1, argv + 1)) {
			fputs(report_usage, stdout);
			return 0;
		}
		return daily_cmd(ctx, argc - 1, argv + 1);
	}
	return cli_usage_error("report", "unknown sub-command '%s'", argv[1]);
}
