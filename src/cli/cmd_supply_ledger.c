/*
 * cmd_supply_ledger — `sijin supply stock`, `supply ledger` and `supply
 * export` (issue 7): what is on hand, the moves behind it, and the ledgers
 * as CSV or XLSX.  Split from cmd_supply.c, whose entry dispatches here.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_supply.h"
#include "domain/org.h"
#include "domain/supply.h"
#include "json/jsupply.h"

/* ---- stock and ledger --------------------------------------------------- */

int
supply_stock_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' }, { "item", required_argument, NULL, 'i' },
		{ "date", required_argument, NULL, 'd' }, { "below-min", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	supply_stock_filter f = { .date = SUPPLY_DATE_NONE };
	const char *site = NULL, *item = NULL;
	supply_stock_row *rows;
	supply_item it;
	bool json = false;
	sj_err e = {0};
	json_t *all;
	size_t n;
	arena a;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's': site = optarg; break;
		case 'i': item = optarg; break;
		case 'd': if (!supply_opt_date("supply stock", "date", optarg, &f.date)) return 2; break;
		case 'b': f.below_min = true; break;
		case 'j': json = true; break;
		default: return cli_usage_error("supply stock", "bad option '%s'", argv[optind - 1]);
		}
	}
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    (site && supply_site_ref(ctx, &a, site, "site", &f.site_id, &e) != SJ_OK) ||
	    (item && supply_item_ref(ctx, &a, item, &it, &e) != SJ_OK)) {
		arena_free(&a);
		return cli_fail(&e);
	}
	f.item_id = item ? it.id : 0;
	if (supply_stock_list(ctx->s, &scope_system, &a, &f, &rows, &n, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	all = json_array();
	for (size_t i = 0; i < n; i++)
		if (json)
			json_array_append_new(all, jsupply_stock(&rows[i]));
		else
			printf("%-18s %-14s %-16s %lld%s\n", rows[i].site_name,
			    rows[i].item_name ? rows[i].item_name : "?", rows[i].display ? rows[i].display : "",
			    (long long)rows[i].qty, rows[i].below_min ? "  below minimum" : "");
	if (json)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return 0;
}

typedef struct ledger_print {
	json_t *all;   /* with --json */
} ledger_print;

static sj_rc
ledger_line(void *ctx, const supply_move *m, sj_err *e)
{
	ledger_print *lp = ctx;
	char date[DT_DATE_LEN];

	(void)e;
	if (lp->all) {
		json_array_append_new(lp->all, jsupply_move(m));
		return SJ_OK;
	}
	dt_date_format(m->date, date);
	printf("%-16s %-12s %s  #%-5lld %-12s %-16s %8lld  %-14s = %lld (%s)\n", m->site_name,
	    m->item_name ? m->item_name : "?", date, (long long)m->doc_id, m->kind,
	    m->counterpart ? m->counterpart : "-", (long long)m->qty, m->display ? m->display : "",
	    (long long)m->balance, m->balance_display ? m->balance_display : "");
	return SJ_OK;
}

int
supply_ledger_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' }, { "item", required_argument, NULL, 'i' },
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	supply_ledger_filter f = { .from = SUPPLY_DATE_NONE, .to = SUPPLY_DATE_NONE };
	const char *site = NULL, *item = NULL;
	ledger_print lp = {0};
	supply_item it;
	sj_err e = {0};
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's': site = optarg; break;
		case 'i': item = optarg; break;
		case 'f': if (!supply_opt_date("supply ledger", "from", optarg, &f.from)) return 2; break;
		case 't': if (!supply_opt_date("supply ledger", "to", optarg, &f.to)) return 2; break;
		case 'j': lp.all = json_array(); break;
		default: return cli_usage_error("supply ledger", "bad option '%s'", argv[optind - 1]);
		}
	}
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    (site && supply_site_ref(ctx, &a, site, "site", &f.site_id, &e) != SJ_OK) ||
	    (item && supply_item_ref(ctx, &a, item, &it, &e) != SJ_OK))
		status = cli_fail(&e);
	else {
		f.item_id = item ? it.id : 0;
		if (supply_ledger_each(ctx->s, &scope_system, &f, ledger_line, &lp, &e) != SJ_OK)
			status = cli_fail(&e);
	}
	if (lp.all && status == 0)
		cli_json_print(lp.all);
	else
		json_decref(lp.all);
	arena_free(&a);
	return status;
}

/* ---- export ------------------------------------------------------------- */

/* Copy the file at path to standard output. */
static sj_rc
copy_to_stdout(const char *path, sj_err *e)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	bool ok = f != NULL;

	while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
		ok = fwrite(buf, 1, n, stdout) == n;
	if (f)
		fclose(f);
	return ok && fflush(stdout) == 0 ? SJ_OK : sj_fail(e, SJ_EIO, "out", "cannot write the export");
}

typedef struct export_args {
	supply_export_filter f;
	const char *out, *format, *site, *item, *unit;
} export_args;

static bool
export_args_parse(int argc, char **argv, export_args *x)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "out", required_argument, NULL, 'o' },
		{ "site", required_argument, NULL, 's' }, { "item", required_argument, NULL, 'i' },
		{ "unit", required_argument, NULL, 'u' }, { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' }, { "date", required_argument, NULL, 'd' },
		{ 0, 0, 0, 0 },
	};
	int c;

	optind = 2;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'F': x->format = optarg; break;
		case 'o': x->out = optarg; break;
		case 's': x->site = optarg; break;
		case 'i': x->item = optarg; break;
		case 'u': x->unit = optarg; break;
		case 'f': if (!supply_opt_date("supply export", "from", optarg, &x->f.from)) return false; break;
		case 't': if (!supply_opt_date("supply export", "to", optarg, &x->f.to)) return false; break;
		case 'd': if (!supply_opt_date("supply export", "date", optarg, &x->f.date)) return false; break;
		default:
			cli_usage_error("supply export", "bad option '%s'", argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		cli_usage_error("supply export", "unexpected '%s'", argv[optind]);
		return false;
	}
	return true;
}

int
supply_export_cmd(cli_ctx *ctx, int argc, char **argv)
{
	export_args x = { .f = { .from = SUPPLY_DATE_NONE, .to = SUPPLY_DATE_NONE,
	    .date = SUPPLY_DATE_NONE }, .format = "csv" };
	char tmp[] = "/tmp/sijin-export-XXXXXX";
	supply_item it;
	int report = argc >= 2 ? supply_report_parse(argv[1]) : -1, format, fd;
	sj_err e = {0};
	int64_t rows;
	arena a;
	sj_rc rc;

	if (report < 0)
		return cli_usage_error("supply export", "name the report: ledger, stock or requests");
	if (!export_args_parse(argc, argv, &x))
		return 2;
	if ((format = supply_format_parse(x.format)) < 0)
		return cli_usage_error("supply export", "--format: use csv or xlsx");
	if (format == SUPPLY_FORMAT_XLSX && x.out == NULL)
		return cli_usage_error("supply export", "an XLSX export needs --out FILE");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    (x.site && supply_site_ref(ctx, &a, x.site, "site", &x.f.site_id, &e) != SJ_OK) ||
	    (x.unit && supply_unit_ref(ctx, &a, x.unit, &x.f.unit_id, &e) != SJ_OK) ||
	    (x.item && supply_item_ref(ctx, &a, x.item, &it, &e) != SJ_OK)) {
		arena_free(&a);
		return cli_fail(&e);
	}
	x.f.item_id = x.item ? it.id : 0;
	arena_free(&a);
	if (x.out == NULL && (fd = mkstemp(tmp)) >= 0)
		close(fd);
	rc = supply_export(ctx->s, &scope_system, report, format, &x.f, x.out ? x.out : tmp, &rows, &e);
	if (rc == SJ_OK && x.out == NULL)
		rc = copy_to_stdout(tmp, &e);
	if (x.out == NULL)
		unlink(tmp);
	if (rc != SJ_OK)
		return cli_fail(&e);
	if (x.out)
		fprintf(stderr, "sijin: %lld rows written to %s\n", (long long)rows, x.out);
	return 0;
}
