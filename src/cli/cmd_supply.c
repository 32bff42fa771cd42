/*
 * cmd_supply — `sijin supply ...`: items, sites, stock documents, stock,
 * the ledger, requests, shortages and exports (issue 7).
 *
 * Runs as the `system` scope like every command; each change is written
 * with its audit event (username "cli") in one transaction.  A refused
 * document prints one line per problem, "sijin: line 2: quantity: ...",
 * and exits 2 (invalid) or 4 (insufficient stock).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/audit.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/supply.h"
#include "json/jsupply.h"
#include "cli/cmd_supply.h"

#define MAX_LINES SUPPLY_LINES_MAX

static const char supply_usage[] =
	"usage: sijin supply item add --name N [--name-en E] --unit UNIT [--category C]\n"
	"                            [--pack NAME[/ENGLISH]=SIZE]...\n"
	"       sijin supply item list|show ITEM [--json]\n"
	"       sijin supply item pack ITEM --pack NAME[/ENGLISH]=SIZE\n"
	"       sijin supply site add --kind organ|group|unit [--name N] [--group G] [--unit U]\n"
	"       sijin supply site list [--json]\n"
	"       sijin supply site min SITE ITEM (QUANTITY | --clear)\n"
	"       sijin supply receive --site S --source SRC [--from DONOR] LINES...\n"
	"       sijin supply distribute --from S (--to SITE | --unit U) LINES...\n"
	"       sijin supply transfer --from S --to SITE LINES...\n"
	"       sijin supply adjust --site S --reason R (--line L | --count L)...\n"
	"       sijin supply consume --site S LINES...\n"
	"       sijin supply doc list [--kind K] [--site S] [--from D] [--to D] [--unconfirmed] [--json]\n"
	"       sijin supply doc show ID [--json]\n"
	"       sijin supply confirm ID --by NAME [--note DISCREPANCY] [--at RFC3339]\n"
	"       sijin supply stock [--site S] [--item I] [--date D] [--below-min] [--json]\n"
	"       sijin supply ledger [--site S] [--item I] [--from D] [--to D] [--json]\n"
	"       sijin supply request add --unit U --item I --qty Q --reason R [--needed-by D]\n"
	"                                [--raised-on D]\n"
	"       sijin supply request list [--unit U] [--item I] [--status S] [--open] [--json]\n"
	"       sijin supply request cancel ID --reason R\n"
	"       sijin supply shortages [--json]\n"
	"       sijin supply export ledger|stock|requests --format csv|xlsx [--out FILE]\n"
	"                           [--site S] [--item I] [--unit U] [--from D] [--to D] [--date D]\n\n"
	"Documents take [--date YYYY-MM-DD] (default today) [--note TEXT] and lines\n"
	"--line 'ITEM=QUANTITY[@REQUEST]': ITEM a name or id, QUANTITY in base units or\n"
	"packs ('240', '240瓶', '6箱', '6 box', '1箱5瓶'), REQUEST a request the line\n"
	"fulfils (distributions).  Adjustments take signed lines ('-3瓶', a loss) or\n"
	"stocktake counts (--count '口罩=5盒').  UNIT is piece, bottle, pair, box, set,\n"
	"bag, barrel, roll or sheet; SRC donation, purchase, allocation or raised.\n"
	"SITE, ITEM and U are ids or names.  CSV goes to standard output without --out.\n";

/* ---- helpers ------------------------------------------------------------ */

static int
usage_or_help(const char *cmd, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(supply_usage, stdout);
		return 0;
	}
	return cli_usage_error(cmd, "missing or unknown sub-command");
}

/* Parse a date option; false after printing a usage error. */
bool
supply_opt_date(const char *cmd, const char *name, const char *s, sj_date *out)
{
	sj_err e = {0};

	if (dt_date_parse(s, name, out, &e) == SJ_OK)
		return true;
	cli_usage_error(cmd, "--%s: %s", name, e.msg);
	return false;
}

static int64_t
arg_id(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *s && *end == '\0' && v > 0 ? v : 0;
}

/* Print a document's problems, one line each, and return the exit code. */
static int
problems_print(const supply_problems *pr, const sj_err *e)
{
	if (pr->n == 0)
		return cli_fail(e);
	for (size_t i = 0; i < pr->n; i++) {
		if (pr->v[i].line > 0)
			fprintf(stderr, "sijin: line %d: %s: %s\n", pr->v[i].line, pr->v[i].field,
			    pr->v[i].detail);
		else
			fprintf(stderr, "sijin: %s: %s\n", pr->v[i].field, pr->v[i].detail);
	}
	fprintf(stderr, "sijin: nothing was stored\n");
	return sj_rc_exit_code(e->rc);
}

sj_rc
supply_site_ref(cli_ctx *ctx, arena *a, const char *ref, const char *field, int64_t *id, sj_err *e)
{
	supply_site t;
	sj_rc rc = supply_site_lookup(ctx->s, &scope_system, a, ref, field, &t, e);

	*id = rc == SJ_OK ? t.id : 0;
	return rc;
}

sj_rc
supply_unit_ref(cli_ctx *ctx, arena *a, const char *ref, int64_t *id, sj_err *e)
{
	org_unit u;
	sj_rc rc = org_unit_lookup(ctx->s, &scope_system, a, ref, &u, e);

	*id = rc == SJ_OK ? u.id : 0;
	return rc;
}

sj_rc
supply_item_ref(cli_ctx *ctx, arena *a, const char *ref, supply_item *it, sj_err *e)
{
	return supply_item_lookup(ctx->s, a, ref, "item", it, e);
}

/* A work group by id or exact name. */
static sj_rc
group_ref(cli_ctx *ctx, arena *a, const char *ref, int64_t *id, sj_err *e)
{
	work_group *g;
	size_t n;
	sj_rc rc;

	*id = 0;
	if ((rc = group_list(ctx->s, &scope_system, a, &g, &n, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n && *id == 0; i++)
		if (g[i].id == arg_id(ref) || strcmp(g[i].name, ref) == 0)
			*id = g[i].id;
	return *id ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, "group", "no work group '%s'", ref);
}

/* ---- items -------------------------------------------------------------- */

static void
item_print(const supply_item *it)
{
	printf("%-5lld %-16s %-16s %-8s %s", (long long)it->id, it->name,
	    it->name_en ? it->name_en : "-", it->uom ? it->uom->zh : it->base_unit,
	    *it->category ? it->category : "-");
	for (size_t i = 0; i < it->n_packs; i++)
		printf("%s%s=%lld%s", i ? ", " : "  packs: ", it->packs[i].name,
		    (long long)it->packs[i].size, it->uom ? it->uom->zh : "");
	putchar('\n');
}

/* Parse the options of `supply item add` into *in (packs in a). */
static bool
item_add_args(arena *a, int argc, char **argv, supply_item_input *in, supply_pack *packs)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' }, { "name-en", required_argument, NULL, 'e' },
		{ "unit", required_argument, NULL, 'u' }, { "category", required_argument, NULL, 'c' },
		{ "pack", required_argument, NULL, 'p' }, { 0, 0, 0, 0 },
	};
	sj_err e = {0};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': in->name = optarg; break;
		case 'e': in->name_en = optarg; break;
		case 'u': in->base_unit = optarg; break;
		case 'c': in->category = optarg; break;
		case 'p':
			if (in->n_packs == SUPPLY_PACKS_MAX) {
				cli_usage_error("supply item add", "at most %d packs", SUPPLY_PACKS_MAX);
				return false;
			}
			if (supply_pack_parse(a, optarg, "pack", &packs[in->n_packs], &e) != SJ_OK) {
				cli_fail(&e);
				return false;
			}
			in->n_packs++;
			break;
		default:
			cli_usage_error("supply item add", "bad option '%s'", argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		cli_usage_error("supply item add", "unexpected '%s'", argv[optind]);
		return false;
	}
	return true;
}

static int
item_add(cli_ctx *ctx, int argc, char **argv)
{
	supply_pack packs[SUPPLY_PACKS_MAX];
	supply_item_input in = { .packs = packs };
	sj_err e = {0};
	arena a;
	int64_t id = 0;
	int status;
	sj_rc rc;

	arena_init(&a);
	if (!item_add_args(&a, argc, argv, &in, packs))
		status = 2;
	else if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		status = cli_fail(&e);
	else {
		rc = supply_item_add(ctx->s, &scope_system, &in, &id, &e);
		if (rc == SJ_OK)
			rc = cli_audit(ctx, "supply_item.create", "supply_item", id,
			    json_pack("{s:{s:s, s:s}}", "after", "name", in.name, "base_unit",
			    in.base_unit), &e);
		if ((status = cli_finish(ctx, rc, &e)) == 0)
			printf("%lld\n", (long long)id);
	}
	arena_free(&a);
	return status;
}

static int
item_list(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	supply_item *items;
	sj_err e = {0};
	json_t *all;
	size_t n;
	arena a;

	if (argc > 2 || (argc == 2 && !json))
		return cli_usage_error("supply item list", "unexpected arguments");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    supply_item_list(ctx->s, &a, &items, &n, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	all = json_array();
	for (size_t i = 0; i < n; i++)
		if (json)
			json_array_append_new(all, jsupply_item(&items[i]));
		else
			item_print(&items[i]);
	if (json)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return 0;
}

static int
item_show(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	supply_item it;
	sj_err e = {0};
	arena a;
	int status = 0;

	if (argc < 2 || argc > 3 || (argc == 3 && !json))
		return cli_usage_error("supply item show", "give one item");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || supply_item_ref(ctx, &a, argv[1], &it, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jsupply_item(&it));
	else
		item_print(&it);
	arena_free(&a);
	return status;
}

static int
item_pack(cli_ctx *ctx, int argc, char **argv)
{
	supply_item it;
	supply_pack p;
	sj_err e = {0};
	arena a;
	int status;
	sj_rc rc;

	if (argc != 4 || strcmp(argv[2], "--pack") != 0)
		return cli_usage_error("supply item pack", "give ITEM --pack NAME[/ENGLISH]=SIZE");
	arena_init(&a);
	if ((rc = supply_pack_parse(&a, argv[3], "pack", &p, &e)) != SJ_OK ||
	    cli_open(ctx, false, &e) != SJ_OK || supply_item_ref(ctx, &a, argv[1], &it, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	rc = supply_pack_add(ctx->s, &scope_system, it.id, &p, NULL, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "supply_item.add_pack", "supply_item", it.id,
		    json_pack("{s:{s:s, s:I}}", "pack", "name", p.name, "size", (json_int_t)p.size), &e);
	status = cli_finish(ctx, rc, &e);
	arena_free(&a);
	return status;
}

static int
cmd_item(cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return item_add(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return item_list(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return item_show(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "pack") == 0)
		return item_pack(ctx, argc - 1, argv + 1);
	return usage_or_help("supply item", argc, argv);
}

/* ---- sites -------------------------------------------------------------- */

static int
site_add(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' }, { "name", required_argument, NULL, 'n' },
		{ "group", required_argument, NULL, 'g' }, { "unit", required_argument, NULL, 'u' },
		{ 0, 0, 0, 0 },
	};
	const char *group = NULL, *unit = NULL;
	supply_site in = {0};
	sj_err e = {0};
	arena a;
	int64_t id;
	int c, status;
	sj_rc rc = SJ_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': in.kind = optarg; break;
		case 'n': in.name = optarg; break;
		case 'g': group = optarg; break;
		case 'u': unit = optarg; break;
		default: return cli_usage_error("supply site add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("supply site add", "unexpected '%s'", argv[optind]);
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    (group && group_ref(ctx, &a, group, &in.group_id, &e) != SJ_OK) ||
	    (unit && supply_unit_ref(ctx, &a, unit, &in.unit_id, &e) != SJ_OK) ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	rc = supply_site_add(ctx->s, &scope_system, &in, &id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "supply_site.create", "supply_site", id,
		    json_pack("{s:{s:s}}", "after", "kind", in.kind), &e);
	arena_free(&a);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	printf("%lld\n", (long long)id);
	return 0;
}

static int
site_list(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	json_t *all;
	supply_site *t;
	sj_err e = {0};
	size_t n;
	arena a;

	if (argc > 2 || (argc == 2 && !json))
		return cli_usage_error("supply site list", "unexpected arguments");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    supply_site_list(ctx->s, &scope_system, &a, &t, &n, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	all = json_array();
	for (size_t i = 0; i < n; i++)
		if (json)
			json_array_append_new(all, jsupply_site(&t[i]));
		else
			printf("%-5lld %-6s %s\n", (long long)t[i].id, t[i].kind, t[i].name);
	if (json)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return 0;
}

static int
site_min(cli_ctx *ctx, int argc, char **argv)
{
	bool clear = argc == 4 && strcmp(argv[3], "--clear") == 0;
	supply_item it;
	int64_t site, qty = -1;
	sj_err e = {0};
	arena a;
	int status;
	sj_rc rc;

	if (argc != 4)
		return cli_usage_error("supply site min", "give SITE ITEM and a quantity or --clear");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || supply_site_ref(ctx, &a, argv[1], "site", &site, &e) != SJ_OK ||
	    supply_item_ref(ctx, &a, argv[2], &it, &e) != SJ_OK ||
	    (!clear && supply_qty_parse(&it, argv[3], SUPPLY_QTY_NONNEGATIVE, "quantity", &qty, &e)
	    != SJ_OK) || store_begin(ctx->s, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	rc = supply_minimum_set(ctx->s, &scope_system, site, it.id, qty, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, clear ? "supply_site.clear_minimum" : "supply_site.set_minimum",
		    "supply_site", site, json_pack("{s:I, s:I}", "item_id", (json_int_t)it.id,
		    "min_qty", (json_int_t)qty), &e);
	status = cli_finish(ctx, rc, &e);
	arena_free(&a);
	return status;
}

static int
cmd_site(cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return site_add(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return site_list(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "min") == 0)
		return site_min(ctx, argc - 1, argv + 1);
	return usage_or_help("supply site", argc, argv);
}

/* ---- documents ---------------------------------------------------------- */

/* A line "ITEM=QUANTITY[@REQUEST]" into *l (strings in a). */
static bool
line_parse(arena *a, const char *text, bool count, supply_line_input *l)
{
	const char *eq = strchr(text, '='), *at = strrchr(text, '@');

	memset(l, 0, sizeof *l);
	l->count = count;
	if (eq == NULL || eq == text)
		return false;
	l->item = arena_strndup(a, text, (size_t)(eq - text));
	if (at && at > eq && arg_id(at + 1) > 0) {
		l->request_id = arg_id(at + 1);
		l->quantity = arena_strndup(a, eq + 1, (size_t)(at - eq - 1));
	} else
		l->quantity = arena_strdup(a, eq + 1);
	return true;
}

typedef struct doc_args {
	supply_doc_input in;
	supply_line_input lines[MAX_LINES];
	const char *site, *to, *unit;
	bool json;
} doc_args;

/* Parse the options of a document command for kind. */
static bool
doc_args_parse(const char *cmd, arena *a, int argc, char **argv, doc_args *d)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' }, { "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' }, { "unit", required_argument, NULL, 'u' },
		{ "date", required_argument, NULL, 'd' }, { "source", required_argument, NULL, 'S' },
		{ "reason", required_argument, NULL, 'r' }, { "note", required_argument, NULL, 'n' },
		{ "line", required_argument, NULL, 'l' }, { "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	bool receipt = strcmp(d->in.kind, "receipt") == 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's': d->site = optarg; break;
		/* a receipt's --from names the donor; elsewhere the sending site */
		case 'f': if (receipt) d->in.counterparty = optarg; else d->site = optarg; break;
		case 't': d->to = optarg; break;
		case 'u': d->unit = optarg; break;
		case 'd': if (!supply_opt_date(cmd, "date", optarg, &d->in.date)) return false; break;
		case 'S': d->in.source = optarg; break;
		case 'r': d->in.reason = optarg; break;
		case 'n': d->in.note = optarg; break;
		case 'j': d->json = true; break;
		case 'l': case 'c':
			if (d->in.n_lines == MAX_LINES) {
				cli_usage_error(cmd, "at most %d lines", MAX_LINES);
				return false;
			}
			if (!line_parse(a, optarg, c == 'c', &d->lines[d->in.n_lines])) {
				cli_usage_error(cmd, "--%s '%s': expected ITEM=QUANTITY[@REQUEST]",
				    c == 'c' ? "count" : "line", optarg);
				return false;
			}
			d->in.n_lines++;
			break;
		default:
			cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		cli_usage_error(cmd, "unexpected '%s'", argv[optind]);
		return false;
	}
	if (d->site == NULL) {
		cli_usage_error(cmd, receipt ? "--site is required" : "the site is required");
		return false;
	}
	return true;
}

/* Resolve the sites of d and post it; print problems. */
static int
doc_post(cli_ctx *ctx, arena *a, doc_args *d)
{
	supply_problems pr = {0};
	supply_doc doc;
	sj_err e = {0};
	int64_t id = 0;
	int status;
	sj_rc rc;

	d->in.lines = d->lines;
	d->in.username = AUDIT_USERNAME_CLI;
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    supply_site_ref(ctx, a, d->site, "site", &d->in.site_id, &e) != SJ_OK ||
	    (d->to && supply_site_ref(ctx, a, d->to, "to", &d->in.to_site_id, &e) != SJ_OK) ||
	    (d->unit && supply_unit_ref(ctx, a, d->unit, &d->in.to_unit_id, &e) != SJ_OK) ||
	    store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = supply_doc_post(ctx->s, &scope_system, a, &d->in, &id, &pr, &e);
	if (rc == SJ_OK && (rc = supply_doc_get(ctx->s, &scope_system, a, id, &doc, &e)) == SJ_OK)
		rc = cli_audit(ctx, "supply_document.create", "supply_document", id,
		    json_pack("{s:o}", "after", jsupply_doc(&doc)), &e);
	if (rc != SJ_OK && pr.n > 0) {
		store_rollback(ctx->s);
		return problems_print(&pr, &e);
	}
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	if (d->json)
		cli_json_print(jsupply_doc(&doc));
	else
		printf("%lld\n", (long long)id);
	return 0;
}

static int
doc_command(cli_ctx *ctx, const char *kind, const char *cmd, int argc, char **argv)
{
	doc_args *d = calloc(1, sizeof *d);
	arena a;
	int status;

	if (d == NULL)
		sj_oom(sizeof *d);
	if (cli_wants_help(argc, argv)) {
		free(d);
		fputs(supply_usage, stdout);
		return 0;
	}
	arena_init(&a);
	d->in.kind = kind;
	d->in.date = SUPPLY_DATE_NONE;
	status = doc_args_parse(cmd, &a, argc, argv, d) ? doc_post(ctx, &a, d) : 2;
	arena_free(&a);
	free(d);
	return status;
}

static void
doc_print(const supply_doc *d)
{
	char date[DT_DATE_LEN], at[DT_RFC3339_LEN];

	dt_date_format(d->date, date);
	printf("document %lld  %s (%s)  %s\n", (long long)d->id, d->kind,
	    supply_kind_label(d->kind), date);
	printf("site     %s\n", d->site_name);
	if (d->to_site_name)
		printf("to       %s\n", d->to_site_name);
	if (d->source)
		printf("source   %s%s%s\n", d->source, d->counterparty ? " — " : "",
		    d->counterparty ? d->counterparty : "");
	if (d->reason)
		printf("reason   %s\n", d->reason);
	if (d->note)
		printf("note     %s\n", d->note);
	printf("by       %s\n", d->created_by_name);
	if (d->confirmed_at) {
		dt_format_rfc3339(d->confirmed_at, at);
		printf("received %s by %s%s%s\n", at, d->confirmed_by_name,
		    d->discrepancy ? "; discrepancy: " : "", d->discrepancy ? d->discrepancy : "");
	}
	for (size_t i = 0; i < d->n_lines && d->lines; i++) {
		const supply_line *l = &d->lines[i];
		printf("  %3d  %-14s %-16s %lld", l->line_no, l->item_name, l->display,
		    (long long)l->qty);
		if (l->counted)
			printf("  (counted %lld)", (long long)l->count);
		if (l->request_id)
			printf("  (request %lld)", (long long)l->request_id);
		putchar('\n');
	}
}

static int
doc_show(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	supply_doc d;
	sj_err e = {0};
	arena a;
	int status = 0;

	if (argc < 2 || argc > 3 || (argc == 3 && !json) || arg_id(argv[1]) == 0)
		return cli_usage_error("supply doc show", "give one document id");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    supply_doc_get(ctx->s, &scope_system, &a, arg_id(argv[1]), &d, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jsupply_doc(&d));
	else
		doc_print(&d);
	arena_free(&a);
	return status;
}

static int
doc_list(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' }, { "site", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "unconfirmed", no_argument, NULL, 'u' }, { "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	supply_doc_filter f = { .from = SUPPLY_DATE_NONE, .to = SUPPLY_DATE_NONE,
	    .limit = SUPPLY_LIST_MAX };
	const char *site = NULL;
	supply_doc_page page;
	json_t *all = NULL;
	bool json = false;
	sj_err e = {0};
	char date[DT_DATE_LEN];
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': f.kind = optarg; break;
		case 's': site = optarg; break;
		case 'f': if (!supply_opt_date("supply doc list", "from", optarg, &f.from)) return 2; break;
		case 't': if (!supply_opt_date("supply doc list", "to", optarg, &f.to)) return 2; break;
		case 'u': f.unconfirmed = true; break;
		case 'j': json = true; break;
		default: return cli_usage_error("supply doc list", "bad option '%s'", argv[optind - 1]);
		}
	}
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    (site && supply_site_ref(ctx, &a, site, "site", &f.site_id, &e) != SJ_OK)) {
		arena_free(&a);
		return cli_fail(&e);
	}
	all = json_array();
	do {
		if (supply_doc_list(ctx->s, &scope_system, &a, &f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_docs; i++) {
			const supply_doc *d = &page.docs[i];
			dt_date_format(d->date, date);
			if (json)
				json_array_append_new(all, jsupply_doc(d));
			else
				printf("%-6lld %-12s %s  %s%s%s  %zu lines%s\n", (long long)d->id, d->kind,
				    date, d->site_name, d->to_site_name ? " → " : "",
				    d->to_site_name ? d->to_site_name : "", d->n_lines,
				    d->confirmed_at ? "  received" : "");
		}
		f.before_id = page.next_before_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
cmd_doc(cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return doc_list(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return doc_show(ctx, argc - 1, argv + 1);
	return usage_or_help("supply doc", argc, argv);
}

static int
confirm_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' }, { "note", required_argument, NULL, 'n' },
		{ "at", required_argument, NULL, 'a' }, { 0, 0, 0, 0 },
	};
	supply_confirm_input in = {0};
	sj_err e = {0};
	int64_t id;
	int c;
	sj_rc rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'b': in.username = optarg; break;
		case 'n': in.discrepancy = optarg; break;
		case 'a':
			if (dt_parse_rfc3339(optarg, "at", &in.at, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		default: return cli_usage_error("supply confirm", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1 || (id = arg_id(argv[optind])) == 0)
		return cli_usage_error("supply confirm", "give one document id");
	if (in.username == NULL)
		return cli_usage_error("supply confirm", "--by NAME (who received it) is required");
	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = supply_doc_confirm(ctx->s, &scope_system, id, &in, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "supply_document.confirm", "supply_document", id,
		    json_pack("{s:s, s:o}", "by", in.username,
		    "discrepancy", in.discrepancy ? json_string(in.discrepancy) : json_null()), &e);
	return cli_finish(ctx, rc, &e);
}

/* ---- requests ----------------------------------------------------------- */

static int
request_add(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' }, { "item", required_argument, NULL, 'i' },
		{ "qty", required_argument, NULL, 'q' }, { "reason", required_argument, NULL, 'r' },
		{ "needed-by", required_argument, NULL, 'n' },
		{ "raised-on", required_argument, NULL, 'o' }, { 0, 0, 0, 0 },
	};
	supply_request_input in = { .needed_by = SUPPLY_DATE_NONE, .raised_on = SUPPLY_DATE_NONE,
	    .username = AUDIT_USERNAME_CLI };
	const char *unit = NULL;
	sj_err e = {0};
	int64_t id;
	arena a;
	int c, status;
	sj_rc rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u': unit = optarg; break;
		case 'i': in.item = optarg; break;
		case 'q': in.quantity = optarg; break;
		case 'r': in.reason = optarg; break;
		case 'n': if (!supply_opt_date("supply request add", "needed-by", optarg, &in.needed_by)) return 2;
			break;
		case 'o': if (!supply_opt_date("supply request add", "raised-on", optarg, &in.raised_on)) return 2;
			break;
		default: return cli_usage_error("supply request add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc || unit == NULL)
		return cli_usage_error("supply request add", "--unit, --item, --qty and --reason are required");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || supply_unit_ref(ctx, &a, unit, &in.unit_id, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	rc = supply_request_add(ctx->s, &scope_system, &in, &id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "supply_request.create", "supply_request", id,
		    json_pack("{s:{s:I, s:s, s:s}}", "after", "unit_id", (json_int_t)in.unit_id,
		    "item", in.item ? in.item : "", "quantity", in.quantity ? in.quantity : ""), &e);
	arena_free(&a);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	printf("%lld\n", (long long)id);
	return 0;
}

static void
request_print(const supply_request *r)
{
	char needed[DT_DATE_LEN] = "-";

	if (r->needed_by != SUPPLY_DATE_NONE)
		dt_date_format(r->needed_by, needed);
	printf("%-5lld %-12s %-12s %-14s delivered %-14s %-9s by %s  %s\n", (long long)r->id,
	    r->unit_name, r->item_name ? r->item_name : "?", r->display ? r->display : "",
	    r->delivered_display ? r->delivered_display : "", r->status, needed, r->reason);
}

static int
request_list(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' }, { "item", required_argument, NULL, 'i' },
		{ "status", required_argument, NULL, 's' }, { "open", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	supply_request_filter f = { .limit = SUPPLY_LIST_MAX };
	const char *unit = NULL, *item = NULL;
	supply_request_page page;
	supply_item it;
	bool json = false;
	sj_err e = {0};
	json_t *all;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u': unit = optarg; break;
		case 'i': item = optarg; break;
		case 's': f.status = optarg; break;
		case 'o': f.open = true; break;
		case 'j': json = true; break;
		default: return cli_usage_error("supply request list", "bad option '%s'", argv[optind - 1]);
		}
	}
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    (unit && supply_unit_ref(ctx, &a, unit, &f.unit_id, &e) != SJ_OK) ||
	    (item && supply_item_ref(ctx, &a, item, &it, &e) != SJ_OK)) {
		arena_free(&a);
		return cli_fail(&e);
	}
	f.item_id = item ? it.id : 0;
	all = json_array();
	do {
		if (supply_request_list(ctx->s, &scope_system, &a, &f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_requests; i++)
			if (json)
				json_array_append_new(all, jsupply_request(&page.requests[i]));
			else
				request_print(&page.requests[i]);
		f.after_id = page.next_after_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
request_cancel(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};
	int64_t id;
	sj_rc rc;

	if (argc != 4 || (id = arg_id(argv[1])) == 0 || strcmp(argv[2], "--reason") != 0)
		return cli_usage_error("supply request cancel", "give ID --reason R");
	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = supply_request_cancel(ctx->s, &scope_system, id, argv[3], AUDIT_USERNAME_CLI, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "supply_request.cancel", "supply_request", id,
		    json_pack("{s:s}", "reason", argv[3]), &e);
	return cli_finish(ctx, rc, &e);
}

static int
cmd_request(cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return request_add(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return request_list(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "cancel") == 0)
		return request_cancel(ctx, argc - 1, argv + 1);
	return usage_or_help("supply request", argc, argv);
}

static int
shortages_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	supply_shortage *items;
	supply_request *reqs;
	size_t n_items, n_reqs;
	json_t *ji, *jr;
	sj_err e = {0};
	arena a;

	if (argc > 2 || (argc == 2 && !json))
		return cli_usage_error("supply shortages", "unexpected arguments");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || supply_shortages(ctx->s, &scope_system, &a, &items,
	    &n_items, &reqs, &n_reqs, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	if (json) {
		ji = json_array();
		jr = json_array();
		for (size_t i = 0; i < n_items; i++)
			json_array_append_new(ji, jsupply_shortage(&items[i]));
		for (size_t i = 0; i < n_reqs; i++)
			json_array_append_new(jr, jsupply_request(&reqs[i]));
		cli_json_print(json_pack("{s:o, s:o}", "items", ji, "requests", jr));
	} else {
		for (size_t i = 0; i < n_items; i++)
			printf("%-14s %lld open requests, %s still to deliver\n", items[i].item_name,
			    (long long)items[i].requests, items[i].remaining_display);
		for (size_t i = 0; i < n_reqs; i++)
			request_print(&reqs[i]);
	}
	arena_free(&a);
	return 0;
}

/* ---- entry -------------------------------------------------------------- */

int
cmd_supply(cli_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name, *kind;
	} docs[] = {
		{ "receive", "receipt" }, { "distribute", "distribution" }, { "transfer", "transfer" },
		{ "adjust", "adjustment" }, { "consume", "consumption" },
	};
	char cmd[40];

	if (argc < 2 || (argc == 2 && cli_wants_help(argc, argv))) {
		fputs(supply_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		if (strcmp(argv[1], docs[i].name) == 0) {
			snprintf(cmd, sizeof cmd, "supply %s", docs[i].name);
			return doc_command(ctx, docs[i].kind, cmd, argc - 1, argv + 1);
		}
	if (strcmp(argv[1], "item") == 0)
		return cmd_item(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "site") == 0)
		return cmd_site(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "doc") == 0)
		return cmd_doc(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "confirm") == 0)
		return confirm_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "stock") == 0)
		return supply_stock_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "ledger") == 0)
		return supply_ledger_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "request") == 0)
		return cmd_request(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "shortages") == 0)
		return shortages_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return supply_export_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("supply", "unknown sub-command '%s'", argv[1]);
}
