/*
 * cmd_request — `sijin request add|list|show|refer|reply|resolve|update`,
 * `sijin service list`, `sijin calendar load|show|due`.
 *
 * The command line runs as `system` (domain/scope.h); every change is
 * written together with its audit event (cli_audit) in one transaction,
 * and the request's own history records the author "cli".
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/calendar.h"
#include "domain/org.h"
#include "domain/request.h"
#include "json/jrequest.h"

static const char request_usage[] =
	"usage: sijin request add --service CODE (--unit UNIT | --person ID | --reporter NAME)\n"
	"                         --description TEXT [--address A] [--place ID]\n"
	"                         [--priority low|normal|high|urgent] [--reported-at TIME]\n"
	"                         [--attr CODE=VALUE]... [--origin KIND:ID] [--task-line LINE]\n"
	"       sijin request list [--status S] [--open] [--service CODE] [--unit UNIT]\n"
	"                          [--department D] [--overdue] [--task-line LINE] [--json]\n"
	"       sijin request show ID [--json]\n"
	"       sijin request refer ID --department D [--due-days N] [--at TIME] [--comment C]\n"
	"       sijin request reply ID --department D --text TEXT [--outcome O] [--at TIME]\n"
	"       sijin request resolve ID [--comment C] [--at TIME]\n"
	"       sijin request update ID [--status S] [--comment C] [--at TIME] [--duplicate-of ID]\n\n"
	"TIME is RFC 3339 with an offset (2020-03-06T10:00:00+08:00); without --at a change\n"
	"happens now.  A change dated before the request's last status change is kept in\n"
	"the history without changing the status.  Statuses: submitted accepted referred\n"
	"in_progress replied resolved rejected duplicate closed; reopening (a closed,\n"
	"resolved, rejected or duplicate request back to accepted) needs --comment.\n"
	"Outcomes of a reply: solved answered partly declined.  D and UNIT are an id or\n"
	"an exact name.  Due dates count working days (docs/calendar.md).  LINE is a task\n"
	"line: prevention (疫情防控), economy (经济运行) or livelihood (保障民生).\n";

static const char service_usage[] =
	"usage: sijin service list [--all] [--json]\n\n"
	"The services (categories) requests are raised under, with their default\n"
	"department and response / resolution times in working days; --all includes\n"
	"inactive ones.\n";

static const char calendar_usage[] =
	"usage: sijin calendar load FILE\n"
	"       sijin calendar show YEAR [--json]\n"
	"       sijin calendar due --received TIME --days N\n\n"
	"FILE is the text format of docs/calendar.md (data/calendar/cn-2024.txt); loading\n"
	"a year replaces its holidays and make-up working days and recomputes the due\n"
	"dates of open requests and referrals.  `due` shows the due date N working days\n"
	"after something received at TIME (setting request-cutoff, default 17:00).\n";

/* ---- helpers ------------------------------------------------------------ */

static bool
parse_id_arg(const char *cmd, const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1) {
		cli_usage_error(cmd, "'%s' is not a request id", s);
		return false;
	}
	*id = v;
	return true;
}

static bool
parse_time_arg(const char *cmd, const char *name, const char *s, int64_t *t)
{
	sj_err e = {0};

	if (dt_parse_rfc3339(s, name, t, &e) != SJ_OK) {
		cli_usage_error(cmd, "--%s: %s", name, e.msg);
		return false;
	}
	return true;
}

static bool
parse_int_arg(const char *cmd, const char *name, const char *s, long max, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *v < 0 || *v > max) {
		cli_usage_error(cmd, "--%s: '%s' is not a number in 0..%ld", name, s, max);
		return false;
	}
	return true;
}

static void
print_date(const char *label, sj_date d)
{
	char buf[DT_DATE_LEN];

	dt_date_format(d, buf);
	printf("%s%s", label, buf);
}

static void
print_instant(const char *label, int64_t t)
{
	char buf[DT_RFC3339_LEN];

	dt_format_rfc3339(t, buf);
	printf("%s%s", label, buf);
}

/* Run change(ctx, arg) in a transaction with the audit event made by
 * audit(ctx, arg); the id printed on success when print_id. */
typedef sj_rc (*change_fn)(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e);

static int
run_change(cli_ctx *ctx, const char *action, change_fn change, void *arg, bool print_id)
{
	json_t *detail = NULL;
	sj_err e = {0};
	int64_t id = 0;
	int status;
	sj_rc rc;

	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = change(ctx, arg, &id, &detail, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, action, strncmp(action, "calendar.", 9) == 0 ? "calendar_year" :
		    "service_request", id, detail, &e);
	else
		json_decref(detail);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	if (print_id)
		printf("%lld\n", (long long)id);
	return 0;
}

/* ---- request add --------------------------------------------------------- */

typedef struct add_args {
	request_input in;
	const char *unit;
	request_attr attrs[REQUEST_ATTRS_MAX];
} add_args;

static sj_rc
add_change(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	add_args *aa = arg;
	org_unit u;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if (aa->unit && (rc = org_unit_lookup(ctx->s, &scope_system, &a, aa->unit, &u, e)) != SJ_OK)
		goto out;
	if (aa->unit)
		aa->in.unit_id = u.id;
	if ((rc = request_create(ctx->s, &scope_system, &aa->in, id, e)) == SJ_OK)
		*detail = json_pack("{s:s, s:I, s:s}", "service_code", aa->in.service_code,
		    "unit_id", (json_int_t)aa->in.unit_id, "source", "cli");
out:
	arena_free(&a);
	return rc;
}

static bool
add_attr(add_args *aa, const char *s)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL || eq == s || aa->in.n_attrs == REQUEST_ATTRS_MAX) {
		cli_usage_error("request add", "--attr takes CODE=VALUE (at most %d)",
		    REQUEST_ATTRS_MAX);
		return false;
	}
	aa->attrs[aa->in.n_attrs].code = strndup(s, (size_t)(eq - s));
	aa->attrs[aa->in.n_attrs++].value = eq + 1;
	return true;
}

static int
request_add(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "unit", required_argument, NULL, 'u' },
		{ "person", required_argument, NULL, 'p' },
		{ "reporter", required_argument, NULL, 'r' },
		{ "description", required_argument, NULL, 'd' },
		{ "address", required_argument, NULL, 'a' },
		{ "place", required_argument, NULL, 'P' },
		{ "priority", required_argument, NULL, 'y' },
		{ "reported-at", required_argument, NULL, 't' },
		{ "attr", required_argument, NULL, 'A' },
		{ "origin", required_argument, NULL, 'o' },
		{ "task-line", required_argument, NULL, 'l' },
		{ 0, 0, 0, 0 },
	};
	add_args aa = { .in = { .source = "cli" } };
	int c, status;

	aa.in.attrs = aa.attrs;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's': aa.in.service_code = optarg; break;
		case 'u': aa.unit = optarg; break;
		case 'p': if (!parse_id_arg("request add", optarg, &aa.in.person_id)) return 2; break;
		case 'r': aa.in.reporter_name = optarg; break;
		case 'd': aa.in.description = optarg; break;
		case 'a': aa.in.address = optarg; break;
		case 'P': if (!parse_id_arg("request add", optarg, &aa.in.place_id)) return 2; break;
		case 'y': aa.in.priority = optarg; break;
		case 't':
			if (!parse_time_arg("request add", "reported-at", optarg, &aa.in.reported_at))
				return 2;
			break;
		case 'A': if (!add_attr(&aa, optarg)) return 2; break;
		case 'o': aa.in.origin = optarg; break;
		case 'l': aa.in.task_line = cli_task_line(optarg); break;
		default: return cli_usage_error("request add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("request add", "unexpected argument '%s'", argv[optind]);
	status = run_change(ctx, "request.create", add_change, &aa, true);
	for (size_t i = 0; i < aa.in.n_attrs; i++)
		free((char *)aa.attrs[i].code);
	return status;
}

/* ---- request list / show ----------------------------------------------- */

static void
print_row(const service_request *r)
{
	char due[DT_DATE_LEN], rep[DT_RFC3339_LEN];

	dt_date_format(r->resolution_due, due);
	dt_format_rfc3339(r->reported_at, rep);
	printf("%-5lld %-12s %-14s %s %s%s  %s  %s\n", (long long)r->id,
	    request_status_name(r->status), r->service_code, rep, due, r->overdue ? "!" : " ",
	    *r->unit_name ? r->unit_name : *r->reporter_name ? r->reporter_name : "-",
	    r->description);
}

static int
list_print(cli_ctx *ctx, request_filter *f, bool json)
{
	json_t *all = json ? json_array() : NULL;
	request_page page;
	sj_err e = {0};
	arena a;
	int status = 0;

	arena_init(&a);
	if (!json)
		printf("%-5s %-12s %-14s %-25s %-11s  %s\n", "id", "status", "service", "reported",
		    "due", "from  description");
	do {
		if (request_list(ctx->s, &scope_system, &a, f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_requests; i++) {
			if (json)
				json_array_append_new(all, jrequest_request(&page.requests[i], false));
			else
				print_row(&page.requests[i]);
		}
		f->after_id = page.next_after_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
request_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "open", no_argument, NULL, 'o' },
		{ "service", required_argument, NULL, 'c' },
		{ "unit", required_argument, NULL, 'u' },
		{ "department", required_argument, NULL, 'd' },
		{ "overdue", no_argument, NULL, 'O' },
		{ "task-line", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	request_filter f = { .limit = REQUEST_LIST_MAX };
	const char *unit = NULL, *dep = NULL;
	bool json = false;
	sj_err e = {0};
	department d;
	org_unit u;
	arena a;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((f.status = request_status_parse(optarg)) == RS_NONE)
				return cli_usage_error("request list", "--status: '%s' is not a status",
				    optarg);
			break;
		case 'o': f.open = 1; break;
		case 'c': f.service_code = optarg; break;
		case 'u': unit = optarg; break;
		case 'd': dep = optarg; break;
		case 'O': f.overdue = true; break;
		case 'l': f.task_line = cli_task_line(optarg); break;
		case 'j': json = true; break;
		default: return cli_usage_error("request list", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("request list", "unexpected argument '%s'", argv[optind]);
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if ((unit && org_unit_lookup(ctx->s, &scope_system, &a, unit, &u, &e) != SJ_OK) ||
	    (dep && department_lookup(ctx->s, &a, dep, &d, &e) != SJ_OK)) {
		arena_free(&a);
		return cli_fail(&e);
	}
	f.unit_id = unit ? u.id : 0;
	f.department_id = dep ? d.id : 0;
	status = list_print(ctx, &f, json);
	arena_free(&a);
	return status;
}

static void
show_text(const service_request *r)
{
	printf("request %lld: %s (%s)\n", (long long)r->id, r->service_name, r->service_code);
	printf("  from        %s%s%s\n", *r->unit_name ? r->unit_name : "",
	    *r->person_name ? " " : "", r->person_name);
	if (*r->reporter_name)
		printf("  reporter    %s\n", r->reporter_name);
	printf("  description %s\n", r->description);
	if (*r->address)
		printf("  address     %s\n", r->address);
	print_instant("  reported    ", r->reported_at);
	printf("%s\n", r->reported_at_assumed ? " (assumed)" : "");
	if (r->task_line)
		printf("  task line   %s\n", r->task_line);
	printf("  priority    %s\n  status      %s", r->priority, request_status_name(r->status));
	print_instant(" since ", r->status_at);
	print_date("\n  due         response ", r->response_due);
	print_date(", resolution ", r->resolution_due);
	printf(" (%d working days)%s\n", r->resolution_days, r->overdue ? " OVERDUE" : "");
	for (size_t i = 0; i < r->n_attrs; i++)
		printf("  %-11s %s\n", r->attrs[i].code, r->attrs[i].value);
	for (size_t i = 0; i < r->n_referrals; i++) {
		const referral *f = &r->referrals[i];
		printf("  referral    %s", f->department_name);
		print_instant(", sent ", f->sent_at);
		print_date(", due ", f->due_on);
		if (f->reply) {
			print_instant(", replied ", f->replied_at);
			printf(" (%s): %s", f->outcome, f->reply);
		} else
			printf(", no reply%s", f->overdue ? " OVERDUE" : "");
		putchar('\n');
	}
	printf("  history\n");
	for (size_t i = 0; i < r->n_updates; i++) {
		const request_update *u = &r->updates[i];
		print_instant("    ", u->at);
		printf("  %-8s %s %s → %s%s%s%s%s\n", u->kind, u->author,
		    request_status_name(u->from_status), request_status_name(u->to_status),
		    u->applied ? "" : " (older than the last change: kept only)",
		    *u->department_name ? " " : "", u->department_name,
		    *u->comment ? "" : "");
		if (*u->comment)
			printf("      %s\n", u->comment);
	}
}

static int
request_show(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	service_request r;
	bool json = false;
	sj_err e = {0};
	int64_t id;
	arena a;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error("request show", "bad option '%s'", argv[optind - 1]);
		json = true;
	}
	if (optind != argc - 1)
		return cli_usage_error("request show", "give one request id");
	if (!parse_id_arg("request show", argv[optind], &id))
		return 2;
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (request_get(ctx->s, &scope_system, &a, id, &r, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	if (json)
		cli_json_print(jrequest_request(&r, true));
	else
		show_text(&r);
	arena_free(&a);
	return 0;
}

/* ---- refer, reply, resolve, update --------------------------------------- */

typedef struct change_args {
	int64_t id;
	const char *department;
	referral_input ref;
	reply_input reply;
	request_change change;
	int kind;                 /* 'f' refer, 'r' reply, 'u' update */
} change_args;

static sj_rc
change_apply(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	change_args *ca = arg;
	int64_t other = 0;
	bool applied = false;
	department d;
	arena a;
	sj_rc rc = SJ_OK;

	*id = ca->id;
	arena_init(&a);
	if (ca->department && (rc = department_lookup(ctx->s, &a, ca->department, &d, e)) != SJ_OK)
		goto out;
	if (ca->kind == 'f') {
		ca->ref.department_id = d.id;
		rc = request_refer(ctx->s, &scope_system, ca->id, &ca->ref, &other, e);
		*detail = json_pack("{s:I, s:I}", "department_id", (json_int_t)d.id,
		    "referral_id", (json_int_t)other);
	} else if (ca->kind == 'r') {
		ca->reply.department_id = d.id;
		rc = request_reply(ctx->s, &scope_system, ca->id, &ca->reply, &other, e);
		*detail = json_pack("{s:I, s:s}", "department_id", (json_int_t)d.id, "outcome",
		    ca->reply.outcome ? ca->reply.outcome : "answered");
	} else {
		rc = request_change_status(ctx->s, &scope_system, ca->id, &ca->change, &other,
		    &applied, e);
		*detail = json_pack("{s:o, s:b, s:I}", "status", ca->change.to ?
		    json_string(request_status_name(ca->change.to)) : json_null(), "applied", applied,
		    "update_id", (json_int_t)other);
	}
	if (rc == SJ_OK && ca->kind == 'u' && !applied)
		fprintf(stderr, "sijin: the change is older than the request's last status change: "
		    "kept in the history, status unchanged\n");
out:
	arena_free(&a);
	return rc;
}

static int
request_change_cmd(cli_ctx *ctx, int argc, char **argv, int kind)
{
	static const struct option opts[] = {
		{ "department", required_argument, NULL, 'd' },
		{ "due-days", required_argument, NULL, 'n' },
		{ "at", required_argument, NULL, 't' },
		{ "comment", required_argument, NULL, 'c' },
		{ "text", required_argument, NULL, 'x' },
		{ "outcome", required_argument, NULL, 'o' },
		{ "status", required_argument, NULL, 's' },
		{ "duplicate-of", required_argument, NULL, 'D' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = kind == 'f' ? "request refer" : kind == 'r' ? "request reply" :
	    kind == 'R' ? "request resolve" : "request update";
	const char *action = kind == 'f' ? "request.refer" : kind == 'r' ? "request.reply" :
	    "request.update";
	change_args ca = { .kind = kind == 'R' ? 'u' : kind };
	int64_t at = 0;
	long n;
	int c;

	if (kind == 'R')
		ca.change.to = RS_RESOLVED;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		/* Each sub-command takes only its own options. */
		if (!((kind == 'f' && strchr("dntc", c)) || (kind == 'r' && strchr("dtxo", c)) ||
		    (kind == 'R' && strchr("tc", c)) || (kind == 'u' && strchr("tcsD", c))) || c == 0)
			return cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
		switch (c) {
		case 'd': ca.department = optarg; break;
		case 'n':
			if (!parse_int_arg(cmd, "due-days", optarg, SERVICE_DAYS_MAX, &n))
				return 2;
			ca.ref.due_days = (int)n;
			break;
		case 't': if (!parse_time_arg(cmd, "at", optarg, &at)) return 2; break;
		case 'c': ca.ref.comment = ca.change.comment = optarg; break;
		case 'x': ca.reply.text = optarg; break;
		case 'o': ca.reply.outcome = optarg; break;
		case 's':
			if ((ca.change.to = request_status_parse(optarg)) == RS_NONE)
				return cli_usage_error(cmd, "--status: '%s' is not a status", optarg);
			break;
		case 'D': if (!parse_id_arg(cmd, optarg, &ca.change.duplicate_of)) return 2; break;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error(cmd, "give one request id");
	if (!parse_id_arg(cmd, argv[optind], &ca.id))
		return 2;
	if ((kind == 'f' || kind == 'r') && ca.department == NULL)
		return cli_usage_error(cmd, "--department is required");
	ca.ref.at = ca.reply.at = ca.change.at = at;
	return run_change(ctx, action, change_apply, &ca, false);
}

int
cmd_service_request(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(request_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return request_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return request_list_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return request_show(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "refer") == 0)
		return request_change_cmd(ctx, argc - 1, argv + 1, 'f');
	if (strcmp(argv[1], "reply") == 0)
		return request_change_cmd(ctx, argc - 1, argv + 1, 'r');
	if (strcmp(argv[1], "resolve") == 0)
		return request_change_cmd(ctx, argc - 1, argv + 1, 'R');
	if (strcmp(argv[1], "update") == 0)
		return request_change_cmd(ctx, argc - 1, argv + 1, 'u');
	return cli_usage_error("request", "unknown sub-command '%s'", argv[1]);
}

/* ---- service list ----------------------------------------------------------- */

static int
service_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	bool all = false, json = false;
	json_t *arr;
	service *list;
	sj_err e = {0};
	size_t n;
	arena a;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'j': json = true; break;
		default: return cli_usage_error("service list", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("service list", "unexpected argument '%s'", argv[optind]);
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (service_list(ctx->s, &a, all, &list, &n, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	if (json) {
		arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, jrequest_service(&list[i], false));
		cli_json_print(arr);
	} else {
		printf("%-14s %-16s %-9s %-10s %s\n", "code", "name", "response", "resolution",
		    "department");
		for (size_t i = 0; i < n; i++)
			printf("%-14s %s\t%d\t%d\t%s%s\n", list[i].code, list[i].name,
			    list[i].response_days, list[i].resolution_days,
			    *list[i].department_name ? list[i].department_name : "-",
			    list[i].active ? "" : " (inactive)");
	}
	arena_free(&a);
	return 0;
}

int
cmd_service(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(service_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return service_list_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("service", "unknown sub-command '%s'", argv[1]);
}

/* ---- calendar ------------------------------------------------------------- */

typedef struct load_args {
	calendar_load ld;
	int64_t changed;
} load_args;

static sj_rc
load_change(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	load_args *la = arg;
	json_t *years = json_array();
	sj_rc rc;

	for (size_t i = 0; i < la->ld.n_years; i++)
		json_array_append_new(years, json_integer(la->ld.years[i].year));
	*id = la->ld.years[0].year;
	if ((rc = calendar_store(ctx->s, &scope_system, &la->ld, &la->changed, e)) != SJ_OK) {
		json_decref(years);
		return rc;
	}
	*detail = json_pack("{s:o, s:I}", "years", years, "due_dates_changed",
	    (json_int_t)la->changed);
	return SJ_OK;
}

/* The whole of file path into *text (malloc'd) and *n. */
static sj_rc
read_file(const char *path, char **text, size_t *n, sj_err *e)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096;

	*n = 0;
	*text = NULL;
	if (f == NULL)
		return sj_fail(e, SJ_EIO, "file", "cannot open %s", path);
	*text = sj_malloc(cap + 1);
	for (size_t got; (got = fread(*text + *n, 1, cap - *n, f)) > 0; ) {
		*n += got;
		if (*n == cap && cap <= CALENDAR_TEXT_MAX)
			*text = sj_realloc(*text, (cap *= 2) + 1);
		else if (*n == cap)
			break;
	}
	fclose(f);
	(*text)[*n] = '\0';
	return SJ_OK;
}

static int
calendar_load_cmd(cli_ctx *ctx, int argc, char **argv)
{
	load_args la = {0};
	sj_err e = {0};
	char *text;
	size_t n;
	arena a;
	int status;

	if (argc != 2)
		return cli_usage_error("calendar load", "give one FILE");
	if (read_file(argv[1], &text, &n, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (calendar_parse(text, n, &a, &la.ld, &e) != SJ_OK) {
		free(text);
		arena_free(&a);
		return cli_fail(&e);
	}
	free(text);
	status = run_change(ctx, "calendar.load", load_change, &la, false);
	if (status == 0)
		for (size_t i = 0; i < la.ld.n_years; i++)
			printf("loaded %d: %zu days; due dates moved: %lld\n", la.ld.years[i].year,
			    la.ld.years[i].n_days, (long long)la.changed);
	arena_free(&a);
	return status;
}

static int
calendar_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	calendar_year y;
	sj_err e = {0};
	long year;
	arena a;

	if ((argc != 2 && !json) || !parse_int_arg("calendar show", "year", argv[1], 2200, &year))
		return argc != 2 && !json ? cli_usage_error("calendar show", "give one YEAR") : 2;
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (calendar_year_get(ctx->s, &a, (int)year, &y, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	if (json)
		cli_json_print(jrequest_calendar_year(&y, true));
	else {
		printf("%d: %s\n", y.year, y.loaded_at ? y.source : "not loaded (weekends only)");
		for (size_t i = 0; i < y.n_days; i++) {
			print_date("  ", y.days[i].day);
			printf("  %s  %s\n", y.days[i].working ? "work" : "off ", y.days[i].name);
		}
	}
	arena_free(&a);
	return 0;
}

static int
calendar_due_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "received", required_argument, NULL, 'r' },
		{ "days", required_argument, NULL, 'n' },
		{ 0, 0, 0, 0 },
	};
	int64_t t = 0;
	long days = -1;
	sj_date receipt, due;
	sj_err e = {0};
	calendar cal;
	arena a;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'r' && !parse_time_arg("calendar due", "received", optarg, &t))
			return 2;
		if (c == 'n' && !parse_int_arg("calendar due", "days", optarg, SERVICE_DAYS_MAX, &days))
			return 2;
		if (c != 'r' && c != 'n')
			return cli_usage_error("calendar due", "bad option '%s'", argv[optind - 1]);
	}
	if (optind < argc || t == 0 || days < 0)
		return cli_usage_error("calendar due", "give --received TIME and --days N");
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (calendar_read(ctx->s, &a, &cal, &e) != SJ_OK) {
		arena_free(&a);
		return cli_fail(&e);
	}
	due = calendar_due(&cal, t, (int)days, &receipt);
	print_date("receipt day ", receipt);
	print_date("\ndue         ", due);
	putchar('\n');
	arena_free(&a);
	return 0;
}

int
cmd_calendar(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(calendar_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "load") == 0)
		return calendar_load_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return calendar_show_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "due") == 0)
		return calendar_due_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("calendar", "unknown sub-command '%s'", argv[1]);
}
