/*
 * cmd_visit — `sijin visit add|list|show`, `sijin need request` and
 * `sijin inspection add|list|show|recheck|findings|checklists` (issue 8).
 *
 * The add commands turn their flags into the JSON form the API takes and
 * read it with the same readers (json/jvisit.h), so the command line and
 * the API check input the same way and name the same fields.  Every
 * change is written with its audit event (user "cli") in one transaction;
 * notes about a household stay out of the audit detail.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/inspection.h"
#include "domain/org.h"
#include "domain/visit.h"
#include "json/jvisit.h"

/* ---- shared --------------------------------------------------------------- */

/* A positive decimal id, or 0. */
static int64_t
arg_id(const char *s)
{
	int64_t v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 15)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* Add a member id (numeric ref or a member's name) to the JSON array. */
static sj_rc
member_append(cli_ctx *ctx, json_t *arr, const char *ref, const char *field, sj_err *e)
{
	int64_t id;
	sj_rc rc;

	if ((rc = visit_member_lookup(ctx->s, ref, field, &id, e)) == SJ_OK)
		json_array_append_new(arr, json_integer(id));
	return rc;
}

static void
print_need_text(const need *n)
{
	printf("  need %lld [%s%s%s] %s", (long long)n->id, n->category, n->task_line ? ", " : "",
	    n->task_line ? n->task_line : "", n->difficulty ? n->difficulty : "(note removed)");
	if (n->request_id > 0)
		printf(" → request %lld", (long long)n->request_id);
	putchar('\n');
}

static void
print_visit_text(const visit *v)
{
	char day[DT_DATE_LEN];

	dt_date_format(v->visited_on, day);
	printf("id        %lld\ndate      %s\nunit      %s\n", (long long)v->id, day, v->unit_name);
	if (v->household)
		printf("household %s (id %lld)\n", v->household, (long long)v->household_id);
	printf("purpose   %s\n", v->purpose);
	if (v->task_line)
		printf("task line %s\n", v->task_line);
	if (v->summary)
		printf("summary   %s\n", v->summary);
	for (size_t i = 0; i < v->n_visitors; i++)
		printf("visitor   %s (member %lld)\n", v->visitors[i].name,
		    (long long)v->visitors[i].member_id);
	for (size_t i = 0; i < v->n_needs; i++)
		print_need_text(&v->needs[i]);
}

/* ---- visit add ------------------------------------------------------------ */

static const char visit_usage[] =
	"usage: sijin visit add (--unit UNIT | --household ID) --on YYYY-MM-DD --purpose P\n"
	"                       --visitor MEMBER... [--summary S] [--need CATEGORY:TEXT]...\n"
	"                       [--task-line LINE]\n"
	"       sijin visit list [--unit UNIT] [--from DATE] [--to DATE] [--task-line LINE]\n"
	"                        [--json]\n"
	"       sijin visit show ID [--json]\n"
	"       sijin need request NEED_ID\n\n"
	"A visit goes to a unit (an id or exact name) or to a household (its id), on a\n"
	"local date, by work-group members (--visitor: a member's id or name, once per\n"
	"visitor).  Each --need records a difficulty found, with its category: the code\n"
	"of a service category (accommodation, staffing, supplies, permits, finance,\n"
	"livelihood, other).  --task-line classifies the visit and its needs: prevention\n"
	"(疫情防控), economy (经济运行) or livelihood (保障民生).  `need request` turns a\n"
	"need into a service request (of the need's task line) and prints its id.\n";

/* Parse `visit add` flags into the JSON form of a new visit. */
static int
visit_add_args(cli_ctx *ctx, int argc, char **argv, json_t *body, sj_err *e)
{
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "household", required_argument, NULL, 'H' },
		{ "on", required_argument, NULL, 'o' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "summary", required_argument, NULL, 's' },
		{ "visitor", required_argument, NULL, 'v' },
		{ "need", required_argument, NULL, 'n' },
		{ "task-line", required_argument, NULL, 'l' },
		{ 0, 0, 0, 0 },
	};
	json_t *visitors = json_array(), *needs = json_array();
	const char *colon;
	org_unit u;
	arena a;
	int c, status = 0;

	json_object_set_new(body, "visitor_ids", visitors);
	optind = 1;
	arena_init(&a);
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (org_unit_lookup(ctx->s, &scope_system, &a, optarg, &u, e) != SJ_OK)
				status = cli_fail(e);
			else
				json_object_set_new(body, "unit_id", json_integer(u.id));
			break;
		case 'H':
			if (arg_id(optarg) == 0)
				status = cli_usage_error("visit add", "--household: give the household's id");
			else
				json_object_set_new(body, "household_id", json_integer(arg_id(optarg)));
			break;
		case 'o': json_object_set_new(body, "visited_on", json_string(optarg)); break;
		case 'p': json_object_set_new(body, "purpose", json_string(optarg)); break;
		case 's': json_object_set_new(body, "summary", json_string(optarg)); break;
		case 'l':
			json_object_set_new(body, "task_line", json_string(cli_task_line(optarg)));
			break;
		case 'v':
			if (member_append(ctx, visitors, optarg, "visitor", e) != SJ_OK)
				status = cli_fail(e);
			break;
		case 'n':
			if ((colon = strchr(optarg, ':')) == NULL) {
				status = cli_usage_error("visit add", "--need: write CATEGORY:TEXT");
				break;
			}
			json_array_append_new(needs, json_pack("{s:s%, s:s}", "category", optarg,
			    (size_t)(colon - optarg), "difficulty", colon + 1));
			break;
		default:
			status = cli_usage_error("visit add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (status == 0 && optind < argc)
		status = cli_usage_error("visit add", "unexpected argument '%s'", argv[optind]);
	if (json_array_size(needs) > 0)
		json_object_set_new(body, "needs", needs);
	else
		json_decref(needs);
	arena_free(&a);
	return status;
}

static int
visit_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	json_t *body = json_object(), *after;
	visit_input in;
	sj_err e = {0};
	visit v;
	int64_t id = 0;
	arena a;
	int status;
	sj_rc rc;

	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	if ((status = visit_add_args(ctx, argc, argv, body, &e)) != 0)
		goto out;
	if (jvisit_read_visit(body, &a, &in, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	if ((rc = visit_add(ctx->s, &scope_system, &in, &id, &e)) == SJ_OK &&
	    (rc = visit_get(ctx->s, &scope_system, &a, id, &v, &e)) == SJ_OK) {
		after = jvisit_visit(&v);
		rc = cli_audit(ctx, "visit.create", "visit", id,
		    json_pack("{s:o}", "after", jvisit_redact(after)), &e);
		json_decref(after);
	}
	if ((status = cli_finish(ctx, rc, &e)) == 0)
		printf("%lld\n", (long long)id);
out:
	json_decref(body);
	arena_free(&a);
	return status;
}

/* ---- visit list / show ---------------------------------------------------- */

static int
visit_list_print(cli_ctx *ctx, visit_filter *f, bool json)
{
	json_t *all = json ? json_array() : NULL;
	char day[DT_DATE_LEN];
	visit_page page;
	sj_err e = {0};
	arena a;
	int status = 0;

	arena_init(&a);
	if (!json)
		printf("%-5s %-10s %-16s %-20s %-5s %s\n", "id", "date", "unit", "household", "needs",
		    "purpose");
	do {
		if (visit_list(ctx->s, &scope_system, &a, f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_visits; i++) {
			const visit *v = &page.visits[i];
			dt_date_format(v->visited_on, day);
			if (json)
				json_array_append_new(all, jvisit_visit(v));
			else
				printf("%-5lld %-10s %-16s %-20s %-5zu %s\n", (long long)v->id, day,
				    v->unit_name, v->household ? v->household : "-", v->n_needs,
				    v->purpose);
		}
		f->after_on = page.next_on;
		f->after_id = page.next_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
visit_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "task-line", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	visit_filter f = { .from = VISIT_DATE_NONE, .to = VISIT_DATE_NONE,
	    .limit = VISIT_LIST_MAX };
	const char *unit = NULL;
	sj_err e = {0};
	bool json = false;
	org_unit u;
	arena a;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u': unit = optarg; break;
		case 'f':
			if (dt_date_parse(optarg, "from", &f.from, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 't':
			if (dt_date_parse(optarg, "to", &f.to, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 'l': f.task_line = cli_task_line(optarg); break;
		case 'j': json = true; break;
		default: return cli_usage_error("visit list", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("visit list", "unexpected argument '%s'", argv[optind]);
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (unit && org_unit_lookup(ctx->s, &scope_system, &a, unit, &u, &e) != SJ_OK)
		status = cli_fail(&e);
	else {
		f.unit_id = unit ? u.id : 0;
		status = visit_list_print(ctx, &f, json);
	}
	arena_free(&a);
	return status;
}

static int
visit_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	sj_err e = {0};
	visit v;
	arena a;
	int status = 0;

	if ((argc != 2 && !json) || arg_id(argv[1]) == 0)
		return cli_usage_error("visit show", "give one visit id");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    visit_get(ctx->s, &scope_system, &a, arg_id(argv[1]), &v, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jvisit_visit(&v));
	else
		print_visit_text(&v);
	arena_free(&a);
	return status;
}

int
cmd_visit(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(visit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return visit_add_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return visit_list_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return visit_show_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("visit", "unknown sub-command '%s'", argv[1]);
}

/* ---- need request --------------------------------------------------------- */

int
cmd_need(cli_ctx *ctx, int argc, char **argv)
{
	json_t *before = NULL, *after = NULL;
	int64_t id, request_id = 0;
	sj_err e = {0};
	need n;
	arena a;
	int status;
	sj_rc rc;

	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(visit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "request") != 0)
		return cli_usage_error("need", "unknown sub-command '%s'", argv[1]);
	if (argc != 3 || (id = arg_id(argv[2])) == 0)
		return cli_usage_error("need request", "give one need id");
	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if ((rc = need_get(ctx->s, &scope_system, &a, id, &n, &e)) == SJ_OK) {
		before = jvisit_need(&n);
		if ((rc = need_request(ctx->s, &scope_system, id, &request_id, &e)) == SJ_OK &&
		    (rc = need_get(ctx->s, &scope_system, &a, id, &n, &e)) == SJ_OK) {
			after = jvisit_need(&n);
			if ((rc = cli_audit(ctx, "request.create", "service_request", request_id,
			    json_pack("{s:I}", "origin_need_id", (json_int_t)id), &e)) == SJ_OK)
				rc = cli_audit(ctx, "need.request", "need", id, json_pack("{s:o, s:o}",
				    "before", jvisit_redact(before), "after", jvisit_redact(after)), &e);
		}
	}
	json_decref(before);
	json_decref(after);
	if ((status = cli_finish(ctx, rc, &e)) == 0)
		printf("%lld\n", (long long)request_id);
	arena_free(&a);
	return status;
}

/* ---- inspection add ------------------------------------------------------- */

static const char inspection_usage[] =
	"usage: sijin inspection add (--checkpoint ID | --place ID) --checklist CODE\n"
	"                            --on YYYY-MM-DD --inspector MEMBER...\n"
	"                            --item CODE=RESULT[:NOTE]... [--rectify-by CODE=DATE]...\n"
	"                            [--summary S]\n"
	"       sijin inspection list [--unit UNIT] [--from DATE] [--to DATE] [--json]\n"
	"       sijin inspection show ID [--json]\n"
	"       sijin inspection recheck FINDING --on DATE --result pass|fail [--note N]\n"
	"                                [--rectify-by DATE]\n"
	"       sijin inspection findings [--open | --closed] [--overdue] [--on DATE]\n"
	"                                 [--unit UNIT] [--json]\n"
	"       sijin inspection checklists [--json]\n\n"
	"An inspection checks a checkpoint or a place (a canteen is a place) against a\n"
	"checklist (`inspection checklists`: checkpoint, canteen, ...).  Every item of the\n"
	"checklist needs one --item with RESULT pass, fail or na; a failed item needs a\n"
	"NOTE saying what was wrong and a --rectify-by date, and becomes a finding.  A\n"
	"later inspection of the same target re-checks open findings of the same item; a\n"
	"passing re-check closes a finding.  A finding is overdue when it is open after\n"
	"its rectify-by date (--on: the day to judge, default today).\n";

/* The item object of code in items, or NULL. */
static json_t *
item_find(json_t *items, const char *code, size_t n)
{
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *c = json_string_value(json_object_get(it, "item"));
		if (c && strlen(c) == n && strncmp(c, code, n) == 0)
			return it;
	}
	return NULL;
}

/* --item CODE=RESULT[:NOTE] */
static int
item_arg(json_t *items, const char *arg)
{
	const char *eq = strchr(arg, '='), *colon;
	json_t *it;

	if (eq == NULL)
		return cli_usage_error("inspection add", "--item: write CODE=RESULT[:NOTE]");
	colon = strchr(eq + 1, ':');
	it = json_pack("{s:s%, s:s%}", "item", arg, (size_t)(eq - arg), "result", eq + 1,
	    colon ? (size_t)(colon - eq - 1) : strlen(eq + 1));
	if (colon)
		json_object_set_new(it, "note", json_string(colon + 1));
	json_array_append_new(items, it);
	return 0;
}

/* --rectify-by CODE=DATE, after the items. */
static int
rectify_arg(json_t *items, const char *arg)
{
	const char *eq = strchr(arg, '=');
	json_t *it;

	if (eq == NULL)
		return cli_usage_error("inspection add", "--rectify-by: write CODE=YYYY-MM-DD");
	if ((it = item_find(items, arg, (size_t)(eq - arg))) == NULL)
		return cli_usage_error("inspection add", "--rectify-by %s: no --item for it", arg);
	json_object_set_new(it, "rectify_by", json_string(eq + 1));
	return 0;
}

static int
inspection_add_args(cli_ctx *ctx, int argc, char **argv, json_t *body, sj_err *e)
{
	static const struct option opts[] = {
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "place", required_argument, NULL, 'p' },
		{ "checklist", required_argument, NULL, 'l' },
		{ "on", required_argument, NULL, 'o' },
		{ "inspector", required_argument, NULL, 'i' },
		{ "item", required_argument, NULL, 'I' },
		{ "rectify-by", required_argument, NULL, 'r' },
		{ "summary", required_argument, NULL, 's' },
		{ 0, 0, 0, 0 },
	};
	json_t *inspectors = json_array(), *items = json_array();
	const char **rectify = sj_calloc((size_t)argc + 1, sizeof *rectify);
	size_t n_rectify = 0;
	int c, status = 0;

	json_object_set_new(body, "inspector_ids", inspectors);
	json_object_set_new(body, "items", items);
	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'p':
			if (arg_id(optarg) == 0)
				status = cli_usage_error("inspection add", "--%s: give an id",
				    c == 'c' ? "checkpoint" : "place");
			else
				json_object_set_new(body, c == 'c' ? "checkpoint_id" : "place_id",
				    json_integer(arg_id(optarg)));
			break;
		case 'l': json_object_set_new(body, "checklist", json_string(optarg)); break;
		case 'o': json_object_set_new(body, "inspected_on", json_string(optarg)); break;
		case 's': json_object_set_new(body, "summary", json_string(optarg)); break;
		case 'i':
			if (member_append(ctx, inspectors, optarg, "inspector", e) != SJ_OK)
				status = cli_fail(e);
			break;
		case 'I': status = item_arg(items, optarg); break;
		case 'r': rectify[n_rectify++] = optarg; break;
		default:
			status = cli_usage_error("inspection add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (status == 0 && optind < argc)
		status = cli_usage_error("inspection add", "unexpected argument '%s'", argv[optind]);
	for (size_t i = 0; status == 0 && i < n_rectify; i++)
		status = rectify_arg(items, rectify[i]);
	free(rectify);
	return status;
}

static int
inspection_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	json_t *body = json_object();
	inspection_input in;
	inspection n;
	sj_err e = {0};
	int64_t id = 0;
	arena a;
	int status;
	sj_rc rc;

	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	if ((status = inspection_add_args(ctx, argc, argv, body, &e)) != 0)
		goto out;
	if (jvisit_read_inspection(body, &a, &in, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	if ((rc = inspection_add(ctx->s, &scope_system, &in, &id, &e)) == SJ_OK &&
	    (rc = inspection_get(ctx->s, &scope_system, &a, id, &n, &e)) == SJ_OK)
		rc = cli_audit(ctx, "inspection.create", "inspection", id,
		    json_pack("{s:o}", "after", jvisit_inspection(&n)), &e);
	if ((status = cli_finish(ctx, rc, &e)) == 0)
		printf("%lld\n", (long long)id);
out:
	json_decref(body);
	arena_free(&a);
	return status;
}

/* ---- inspection list / show ----------------------------------------------- */

static void
print_inspection_text(const inspection *n)
{
	char day[DT_DATE_LEN];

	dt_date_format(n->inspected_on, day);
	printf("id         %lld\ndate       %s\nunit       %s\nplace      %s\n", (long long)n->id,
	    day, n->unit_name, n->place_name);
	if (n->checkpoint_name)
		printf("checkpoint %s (id %lld)\n", n->checkpoint_name, (long long)n->checkpoint_id);
	printf("checklist  %s\n", n->checklist);
	if (n->summary)
		printf("summary    %s\n", n->summary);
	for (size_t i = 0; i < n->n_inspectors; i++)
		printf("inspector  %s (member %lld)\n", n->inspectors[i].name,
		    (long long)n->inspectors[i].member_id);
	for (size_t i = 0; i < n->n_items; i++) {
		const item_result *r = &n->items[i];
		printf("  %-4s %-18s %s", r->result, r->item, r->label);
		if (r->note)
			printf(" — %s", r->note);
		if (r->finding_id > 0)
			printf(" (finding %lld)", (long long)r->finding_id);
		putchar('\n');
	}
	for (size_t i = 0; i < n->n_rechecks; i++)
		printf("  re-checked finding %lld: %s\n", (long long)n->rechecks[i].finding_id,
		    n->rechecks[i].result);
}

static int
inspection_list_print(cli_ctx *ctx, inspection_filter *f, bool json)
{
	json_t *all = json ? json_array() : NULL;
	char day[DT_DATE_LEN];
	inspection_page page;
	sj_err e = {0};
	arena a;
	int status = 0;

	arena_init(&a);
	if (!json)
		printf("%-5s %-10s %-12s %-16s %s\n", "id", "date", "checklist", "unit", "target");
	do {
		if (inspection_list(ctx->s, &scope_system, &a, f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_inspections; i++) {
			const inspection *n = &page.inspections[i];
			dt_date_format(n->inspected_on, day);
			if (json)
				json_array_append_new(all, jvisit_inspection(n));
			else
				printf("%-5lld %-10s %-12s %-16s %s%s%s\n", (long long)n->id, day,
				    n->checklist, n->unit_name, n->place_name,
				    n->checkpoint_name ? " / " : "",
				    n->checkpoint_name ? n->checkpoint_name : "");
		}
		f->after_on = page.next_on;
		f->after_id = page.next_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
inspection_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	inspection_filter f = { .from = INSPECTION_DATE_NONE, .to = INSPECTION_DATE_NONE,
	    .limit = INSPECTION_LIST_MAX };
	const char *unit = NULL;
	sj_err e = {0};
	bool json = false;
	org_unit u;
	arena a;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u': unit = optarg; break;
		case 'f':
			if (dt_date_parse(optarg, "from", &f.from, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 't':
			if (dt_date_parse(optarg, "to", &f.to, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 'j': json = true; break;
		default:
			return cli_usage_error("inspection list", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("inspection list", "unexpected argument '%s'", argv[optind]);
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (unit && org_unit_lookup(ctx->s, &scope_system, &a, unit, &u, &e) != SJ_OK)
		status = cli_fail(&e);
	else {
		f.unit_id = unit ? u.id : 0;
		status = inspection_list_print(ctx, &f, json);
	}
	arena_free(&a);
	return status;
}

static int
inspection_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	inspection n;
	sj_err e = {0};
	arena a;
	int status = 0;

	if ((argc != 2 && !json) || arg_id(argv[1]) == 0)
		return cli_usage_error("inspection show", "give one inspection id");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    inspection_get(ctx->s, &scope_system, &a, arg_id(argv[1]), &n, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jvisit_inspection(&n));
	else
		print_inspection_text(&n);
	arena_free(&a);
	return status;
}

/* ---- inspection recheck --------------------------------------------------- */

static int
recheck_args(int argc, char **argv, json_t *body, int64_t *finding_id)
{
	static const struct option opts[] = {
		{ "on", required_argument, NULL, 'o' },
		{ "result", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ "rectify-by", required_argument, NULL, 'b' },
		{ 0, 0, 0, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'o': json_object_set_new(body, "checked_on", json_string(optarg)); break;
		case 'r': json_object_set_new(body, "result", json_string(optarg)); break;
		case 'n': json_object_set_new(body, "note", json_string(optarg)); break;
		case 'b': json_object_set_new(body, "rectify_by", json_string(optarg)); break;
		default:
			return cli_usage_error("inspection recheck", "bad option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind + 1 != argc || (*finding_id = arg_id(argv[optind])) == 0)
		return cli_usage_error("inspection recheck", "give one finding id");
	return 0;
}

static int
inspection_recheck_cmd(cli_ctx *ctx, int argc, char **argv)
{
	json_t *body = json_object();
	sj_date today = dt_date_of(dt_now());
	recheck_input in;
	int64_t finding_id = 0, id = 0;
	sj_err e = {0};
	finding f;
	arena a;
	int status;
	sj_rc rc;

	arena_init(&a);
	if ((status = recheck_args(argc, argv, body, &finding_id)) != 0)
		goto out;
	if (cli_open(ctx, false, &e) != SJ_OK || jvisit_read_recheck(body, &a, &in, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	if ((rc = finding_recheck(ctx->s, &scope_system, finding_id, &in, &id, &e)) == SJ_OK &&
	    (rc = finding_get(ctx->s, &scope_system, &a, finding_id, &f, &e)) == SJ_OK)
		rc = cli_audit(ctx, "finding.recheck", "finding", finding_id,
		    json_pack("{s:o}", "after", jvisit_finding(&f, today)), &e);
	if ((status = cli_finish(ctx, rc, &e)) == 0)
		printf("%lld\n", (long long)id);
out:
	json_decref(body);
	arena_free(&a);
	return status;
}

/* ---- inspection findings / checklists ------------------------------------- */

static int
findings_print(cli_ctx *ctx, finding_filter *f, sj_date today, bool json)
{
	json_t *all = json ? json_array() : NULL;
	char by[DT_DATE_LEN];
	finding_page page;
	sj_err e = {0};
	arena a;
	int status = 0;

	arena_init(&a);
	if (!json)
		printf("%-5s %-6s %-10s %-7s %-16s %-18s %s\n", "id", "status", "rectify by",
		    "overdue", "unit", "item", "description");
	do {
		if (finding_list(ctx->s, &scope_system, &a, f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_findings; i++) {
			const finding *x = &page.findings[i];
			bool overdue = strcmp(x->status, "open") == 0 && x->rectify_by < today;
			dt_date_format(x->rectify_by, by);
			if (json)
				json_array_append_new(all, jvisit_finding(x, today));
			else
				printf("%-5lld %-6s %-10s %-7s %-16s %-18s %s\n", (long long)x->id,
				    x->status, by, overdue ? "yes" : "no", x->unit_name, x->item,
				    x->description);
		}
		f->after_by = page.next_by;
		f->after_id = page.next_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
inspection_findings_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "closed", no_argument, NULL, 'c' },
		{ "overdue", no_argument, NULL, 'd' },
		{ "on", required_argument, NULL, 'n' },
		{ "unit", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	finding_filter f = { .overdue_on = INSPECTION_DATE_NONE, .limit = INSPECTION_LIST_MAX };
	sj_date today = dt_date_of(dt_now());
	const char *unit = NULL;
	bool json = false, overdue = false;
	sj_err e = {0};
	org_unit u;
	arena a;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'o': f.status = "open"; break;
		case 'c': f.status = "closed"; break;
		case 'd': overdue = true; break;
		case 'n':
			if (dt_date_parse(optarg, "on", &today, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 'u': unit = optarg; break;
		case 'j': json = true; break;
		default:
			return cli_usage_error("inspection findings", "bad option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("inspection findings", "unexpected argument '%s'",
		    argv[optind]);
	if (overdue)
		f.overdue_on = today;
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (unit && org_unit_lookup(ctx->s, &scope_system, &a, unit, &u, &e) != SJ_OK)
		status = cli_fail(&e);
	else {
		f.unit_id = unit ? u.id : 0;
		status = findings_print(ctx, &f, today, json);
	}
	arena_free(&a);
	return status;
}

static int
inspection_checklists_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	json_t *all;
	checklist *c;
	size_t n;
	sj_err e = {0};
	arena a;
	int status = 0;

	if (argc != 1 && !json)
		return cli_usage_error("inspection checklists", "unexpected argument '%s'", argv[1]);
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    checklist_list(ctx->s, &scope_system, &a, &c, &n, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		all = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(all, jvisit_checklist(&c[i]));
		cli_json_print(all);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%s\t%s (for %s)\n", c[i].code, c[i].name, c[i].target);
			for (size_t k = 0; k < c[i].n_items; k++)
				printf("  %d %-18s %s\n", c[i].items[k].position, c[i].items[k].code,
				    c[i].items[k].label);
		}
	}
	arena_free(&a);
	return status;
}

int
cmd_inspection(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(inspection_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return inspection_add_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return inspection_list_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return inspection_show_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "recheck") == 0)
		return inspection_recheck_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "findings") == 0)
		return inspection_findings_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "checklists") == 0)
		return inspection_checklists_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("inspection", "unknown sub-command '%s'", argv[1]);
}
