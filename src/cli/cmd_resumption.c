/*
 * cmd_resumption — `sijin resumption report|list|rate` (issue 9 "Work
 * resumption").
 *
 * `report` turns its flags into the JSON form the API takes and reads it
 * with the same reader (json/jresumption.h), so the command line and the
 * API check input the same way and name the same fields; the report is
 * written with its audit event (user "cli") in one transaction.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/org.h"
#include "domain/resumption.h"
#include "domain/workplan.h"
#include "json/jresumption.h"

static const char resumption_usage[] =
	"usage: sijin resumption report UNIT --date YYYY-MM-DD --status S\n"
	"                 [--on-site N --total N] [--capacity PCT] [--note TEXT] [--blocker REQUEST]...\n"
	"       sijin resumption list UNIT [--json]\n"
	"       sijin resumption rate [--date D | --from D --to D] [--region R] [--kind K]\n"
	"                 [--group G] [--json]\n\n"
	"A report says whether an enterprise's or project's work has resumed on a local\n"
	"date: --status not_resumed, partial or resumed; staff on site out of the total;\n"
	"capacity in percent; --blocker names an open service request of the unit that\n"
	"keeps it from resuming.  Reports are kept: a unit's status on a date is its\n"
	"latest report on or before it.  `rate` counts the units reporting and those\n"
	"fully and partially resumed on a date (default today), or one line per day\n"
	"from --from to --to.  UNIT is an id or exact name.\n";

/* A non-negative decimal number, or -1. */
static int64_t
arg_num(const char *s)
{
	int64_t v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 15)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static int
number_arg(json_t *body, const char *member, const char *flag, const char *v)
{
	if (arg_num(v) < 0)
		return cli_usage_error("resumption report", "%s: give a whole number", flag);
	json_object_set_new(body, member, json_integer(arg_num(v)));
	return 0;
}

/* Parse `resumption report` flags (after UNIT) into the JSON form. */
static int
report_args(int argc, char **argv, json_t *body)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "status", required_argument, NULL, 's' },
		{ "on-site", required_argument, NULL, 'o' },
		{ "total", required_argument, NULL, 't' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "note", required_argument, NULL, 'n' },
		{ "blocker", required_argument, NULL, 'b' },
		{ 0, 0, 0, 0 },
	};
	json_t *blockers = json_array();
	int c, status = 0;

	json_object_set_new(body, "blocker_ids", blockers);
	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd': json_object_set_new(body, "report_date", json_string(optarg)); break;
		case 's': json_object_set_new(body, "status", json_string(optarg)); break;
		case 'o': status = number_arg(body, "staff_on_site", "--on-site", optarg); break;
		case 't': status = number_arg(body, "staff_total", "--total", optarg); break;
		case 'c': status = number_arg(body, "capacity_pct", "--capacity", optarg); break;
		case 'n': json_object_set_new(body, "note", json_string(optarg)); break;
		case 'b':
			if (arg_num(optarg) < 1)
				status = cli_usage_error("resumption report", "--blocker: give a request id");
			else
				json_array_append_new(blockers, json_integer(arg_num(optarg)));
			break;
		default:
			status = cli_usage_error("resumption report", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (status == 0 && optind < argc)
		status = cli_usage_error("resumption report", "unexpected argument '%s'", argv[optind]);
	return status;
}

static int
report_cmd(cli_ctx *ctx, int argc, char **argv)
{
	json_t *body = json_object();
	resumption_input in;
	resumption_report rep;
	sj_err e = {0};
	int64_t id = 0;
	org_unit u;
	arena a;
	int status;
	sj_rc rc;

	arena_init(&a);
	if (argc < 2 || argv[1][0] == '-') {
		status = cli_usage_error("resumption report", "give the unit first");
		goto out;
	}
	if ((status = report_args(argc - 1, argv + 1, body)) != 0)
		goto out;
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    org_unit_lookup(ctx->s, &scope_system, &a, argv[1], &u, &e) != SJ_OK ||
	    jresumption_read_report(body, &a, u.id, &in, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	if ((rc = resumption_report_add(ctx->s, &scope_system, &in, 0, &id, &e)) == SJ_OK &&
	    (rc = resumption_report_get(ctx->s, &scope_system, &a, id, &rep, &e)) == SJ_OK)
		rc = cli_audit(ctx, "resumption.report", "resumption_report", id,
		    json_pack("{s:o}", "after", jresumption_report(&rep)), &e);
	if ((status = cli_finish(ctx, rc, &e)) == 0)
		printf("%lld\n", (long long)id);
out:
	json_decref(body);
	arena_free(&a);
	return status;
}

static void
print_report(const resumption_report *r)
{
	char day[DT_DATE_LEN];

	dt_date_format(r->report_date, day);
	printf("%-5lld %-10s %-11s ", (long long)r->id, day, r->status);
	if (r->staff_total != RESUMPTION_NONE)
		printf("%lld/%-6lld ", (long long)r->staff_on_site, (long long)r->staff_total);
	else
		printf("%-8s ", "-");
	if (r->capacity_pct != RESUMPTION_NONE)
		printf("%3lld%% ", (long long)r->capacity_pct);
	else
		printf("%4s ", "-");
	for (size_t i = 0; i < r->n_blockers; i++)
		printf("%srequest %lld", i ? "," : "blocked by ", (long long)r->blocker_ids[i]);
	printf("%s%s%s\n", r->n_blockers ? " " : "", r->assumed ? "(assumed) " : "", r->note);
}

static int
list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	resumption_report *reports;
	json_t *all;
	sj_err e = {0};
	org_unit u;
	size_t n;
	arena a;
	int status = 0;

	if ((argc != 2 && !json) || argv[1][0] == '-')
		return cli_usage_error("resumption list", "give one unit");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    org_unit_lookup(ctx->s, &scope_system, &a, argv[1], &u, &e) != SJ_OK ||
	    resumption_report_list(ctx->s, &scope_system, &a, u.id, &reports, &n, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		all = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(all, jresumption_report(&reports[i]));
		cli_json_print(all);
	} else {
		printf("%-5s %-10s %-11s %-8s %4s %s\n", "id", "date", "status", "staff", "cap",
		    "blockers / note");
		for (size_t i = 0; i < n; i++)
			print_report(&reports[i]);
	}
	arena_free(&a);
	return status;
}

static void
print_rate(const resumption_rate *r)
{
	char day[DT_DATE_LEN];

	dt_date_format(r->on, day);
	printf("%s  resumed %lld/%lld  partial %lld/%lld  not resumed %lld  units %lld"
	    "  staff %lld/%lld (%lld reports)\n", day, (long long)r->resumed,
	    (long long)r->reporting, (long long)r->partial, (long long)r->reporting,
	    (long long)r->not_resumed, (long long)r->units, (long long)r->staff_on_site,
	    (long long)r->staff_total, (long long)r->staff_reporting);
}

typedef struct rate_args {
	const char *date, *from, *to, *region, *group;
	resumption_filter f;
	bool json;
} rate_args;

static int
rate_parse(int argc, char **argv, rate_args *ra)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "kind", required_argument, NULL, 'k' },
		{ "group", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'd': ra->date = optarg; break;
		case 'f': ra->from = optarg; break;
		case 't': ra->to = optarg; break;
		case 'r': ra->region = optarg; break;
		case 'k': ra->f.kind = optarg; break;
		case 'g': ra->group = optarg; break;
		case 'j': ra->json = true; break;
		default: return cli_usage_error("resumption rate", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("resumption rate", "unexpected argument '%s'", argv[optind]);
	if (ra->date && (ra->from || ra->to))
		return cli_usage_error("resumption rate", "give --date or --from/--to, not both");
	if ((ra->from != NULL) != (ra->to != NULL))
		return cli_usage_error("resumption rate", "give --from and --to together");
	return 0;
}

static sj_rc
rate_run(cli_ctx *ctx, rate_args *ra, arena *a, sj_err *e)
{
	sj_date from, to;
	resumption_rate *rates, one;
	json_t *all = json_array();
	size_t n;
	sj_rc rc;

	from = to = dt_date_of(dt_now());
	if ((ra->region && (rc = org_region_lookup(ctx->s, ra->region, &ra->f.region_id, e)) != SJ_OK) ||
	    (ra->group && (rc = workplan_group_lookup(ctx->s, ra->group, &ra->f.group_id, e)) != SJ_OK) ||
	    (ra->date && (rc = dt_date_parse(ra->date, "date", &from, e)) != SJ_OK) ||
	    (ra->from && (rc = dt_date_parse(ra->from, "from", &from, e)) != SJ_OK) ||
	    (ra->to && (rc = dt_date_parse(ra->to, "to", &to, e)) != SJ_OK))
		goto out;
	if (ra->date)
		to = from;
	if (ra->from)
		rc = resumption_trend(ctx->s, &scope_system, a, &ra->f, from, to, &rates, &n, e);
	else {
		rc = resumption_rate_on(ctx->s, &scope_system, &ra->f, from, &one, e);
		rates = &one;
		n = 1;
	}
	if (rc != SJ_OK)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (ra->json)
			json_array_append_new(all, jresumption_rate(&rates[i]));
		else
			print_rate(&rates[i]);
	if (ra->json) {
		cli_json_print(ra->from ? json_pack("{s:O}", "points", all)
		    : json_incref(json_array_get(all, 0)));
	}
out:
	json_decref(all);
	return rc;
}

static int
rate_cmd(cli_ctx *ctx, int argc, char **argv)
{
	rate_args ra = {0};
	sj_err e = {0};
	arena a;
	int status;

	if ((status = rate_parse(argc, argv, &ra)) != 0)
		return status;
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || rate_run(ctx, &ra, &a, &e) != SJ_OK)
		status = cli_fail(&e);
	arena_free(&a);
	return status;
}

int
cmd_resumption(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(resumption_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "report") == 0)
		return report_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return list_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "rate") == 0)
		return rate_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("resumption", "unknown sub-command '%s'", argv[1]);
}
