/*
 * cmd_meeting — `sijin meeting` (issue 11): meetings of a work group with
 * attendees, agenda and decisions; a decision can create tasks in one
 * step.  Changes go through the API's JSON readers (json/jworkplan.h) and
 * are written with their audit event in one transaction, as in
 * cmd_workplan.c.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_workplan.h"
#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/meeting.h"
#include "domain/org.h"
#include "domain/task.h"
#include "domain/visit.h"
#include "json/jworkplan.h"

static const char meeting_usage[] =
	"usage: sijin meeting add GROUP --kind KIND --on DATE --title T [--place P]\n"
	"                         [--agenda A] [--summary S] [--unit UNIT] [--department D]\n"
	"                         [--attendee MEMBER]... [--guest NAME[,AFFILIATION]]...\n"
	"                         [--decision KIND:TEXT]...\n"
	"       sijin meeting list GROUP [--json]\n"
	"       sijin meeting show ID [--json]\n\n"
	"KIND of a meeting is all_hands, branch (needs the party branch) or coordination\n"
	"(with --unit and/or --department); of a decision goal, task, mechanism,\n"
	"division, plan or other.  Make tasks from a decision with\n"
	"`sijin task add GROUP ... --decision ID`.\n";

static void
meeting_print(const meeting *m)
{
	wp_print_date("", m->held_on);
	printf(" meeting %lld [%s] %s", (long long)m->id, m->kind, m->title);
	if (m->unit_name || m->department_name)
		printf(" with %s%s%s", m->unit_name ? m->unit_name : "",
		    m->unit_name && m->department_name ? ", " : "",
		    m->department_name ? m->department_name : "");
	printf("\n");
	if (m->place)
		printf("  place: %s\n", m->place);
	if (m->agenda)
		printf("  agenda: %s\n", m->agenda);
	printf("  attendees:");
	for (size_t i = 0; i < m->n_attendees; i++)
		printf(" %s%s%s%s", m->attendees[i].name, m->attendees[i].affiliation ? "（" : "",
		    m->attendees[i].affiliation ? m->attendees[i].affiliation : "",
		    m->attendees[i].affiliation ? "）" : "");
	printf("\n");
	for (size_t i = 0; i < m->n_decisions; i++) {
		const meeting_decision *d = &m->decisions[i];
		printf("  decision %lld (%d, %s): %s", (long long)d->id, d->position, d->kind, d->body);
		if (d->n_task_ids)
			printf(" → tasks");
		for (size_t j = 0; j < d->n_task_ids; j++)
			printf(" %lld", (long long)d->task_ids[j]);
		printf("\n");
	}
}

typedef struct meeting_args {
	int64_t group;
	json_t *body;
	arena a;
} meeting_args;

static sj_rc
meeting_add_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	meeting_args *ma = arg;
	meeting_input in;
	sj_rc rc;

	if ((rc = jworkplan_read_meeting(ma->body, &ma->a, &in, e)) != SJ_OK ||
	    (rc = meeting_add(ctx->s, &scope_system, ma->group, &in, id, e)) != SJ_OK)
		return rc;
	*detail = json_pack("{s:I, s:s, s:s}", "group_id", (json_int_t)ma->group, "kind", in.kind,
	    "title", in.title);
	return SJ_OK;
}

/* Add one repeated option of meeting add to the body. */
static int
meeting_opt(cli_ctx *ctx, meeting_args *ma, int c, const char *v, json_t *attendees,
    json_t *decisions)
{
	const char *sep;
	department d;
	org_unit u;
	sj_err e = {0};
	int64_t id;

	switch (c) {
	case 'a':
		if (visit_member_lookup(ctx->s, v, "attendee", &id, &e) != SJ_OK)
			return cli_fail(&e);
		json_array_append_new(attendees, json_pack("{s:I}", "member_id", (json_int_t)id));
		return 0;
	case 'g':
		if ((sep = strchr(v, ',')) == NULL)
			json_array_append_new(attendees, json_pack("{s:s}", "name", v));
		else
			json_array_append_new(attendees, json_pack("{s:s%, s:s}", "name", v,
			    (size_t)(sep - v), "affiliation", sep + 1));
		return 0;
	case 'd':
		if ((sep = strchr(v, ':')) == NULL)
			return cli_usage_error("meeting add", "--decision: write KIND:TEXT");
		json_array_append_new(decisions, json_pack("{s:s%, s:s}", "kind", v,
		    (size_t)(sep - v), "body", sep + 1));
		return 0;
	case 'u':
		if (org_unit_lookup(ctx->s, &scope_system, &ma->a, v, &u, &e) != SJ_OK)
			return cli_fail(&e);
		json_object_set_new(ma->body, "unit_id", json_integer(u.id));
		return 0;
	case 'D':
		if (department_lookup(ctx->s, &ma->a, v, &d, &e) != SJ_OK)
			return cli_fail(&e);
		json_object_set_new(ma->body, "department_id", json_integer(d.id));
		return 0;
	}
	return 2;
}

static int
meeting_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "on", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ "place", required_argument, NULL, 'p' },
		{ "agenda", required_argument, NULL, 'A' },
		{ "summary", required_argument, NULL, 's' },
		{ "unit", required_argument, NULL, 'u' },
		{ "department", required_argument, NULL, 'D' },
		{ "attendee", required_argument, NULL, 'a' },
		{ "guest", required_argument, NULL, 'g' },
		{ "decision", required_argument, NULL, 'd' },
		{ 0, 0, 0, 0 },
	};
	meeting_args ma = { .body = json_object() };
	json_t *attendees = json_array(), *decisions = json_array();
	sj_err e = {0};
	int64_t id;
	int c, status = 0;

	arena_init(&ma.a);
	json_object_set_new(ma.body, "attendees", attendees);
	json_object_set_new(ma.body, "decisions", decisions);
	/* The options name members, units and departments: open the store first. */
	if (cli_open(ctx, false, &e) != SJ_OK)
		status = cli_fail(&e);
	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		const char *key = c == 'k' ? "kind" : c == 'o' ? "held_on" : c == 't' ? "title"
		    : c == 'p' ? "place" : c == 'A' ? "agenda" : c == 's' ? "summary" : NULL;
		if (key)
			json_object_set_new(ma.body, key, json_string(optarg));
		else if (c == 'a' || c == 'g' || c == 'd' || c == 'u' || c == 'D')
			status = meeting_opt(ctx, &ma, c, optarg, attendees, decisions);
		else
			status = cli_usage_error("meeting add", "bad option '%s'", argv[optind - 1]);
	}
	if (status == 0 && optind + 1 != argc)
		status = cli_usage_error("meeting add", "give one GROUP");
	if (status == 0 && workplan_group_lookup(ctx->s, argv[optind], &ma.group, &e) != SJ_OK)
		status = cli_fail(&e);
	if (status == 0 && (status = wp_change(ctx, "meeting.create", "meeting", meeting_add_write,
	    &ma, &id)) == 0)
		printf("%lld\n", (long long)id);
	json_decref(ma.body);
	arena_free(&ma.a);
	return status;
}

static int
meeting_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	const char *ref;
	meeting *m;
	size_t n;
	int64_t group;
	sj_err e = {0};
	bool json;
	arena a;
	int status;

	if ((status = wp_one_arg("meeting list", argc, argv, &ref, &json)) != 0)
		return status;
	if (cli_open(ctx, false, &e) != SJ_OK || workplan_group_lookup(ctx->s, ref, &group, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (meeting_list(ctx->s, &scope_system, &a, group, NULL, &m, &n, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		json_t *all = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(all, jworkplan_meeting(&m[i]));
		cli_json_print(all);
	} else {
		for (size_t i = 0; i < n; i++)
			meeting_print(&m[i]);
	}
	arena_free(&a);
	return status;
}

static int
meeting_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	const char *ref;
	sj_err e = {0};
	meeting m;
	bool json;
	arena a;
	int status;

	if ((status = wp_one_arg("meeting show", argc, argv, &ref, &json)) != 0)
		return status;
	if (wp_arg_id(ref) == 0)
		return cli_usage_error("meeting show", "give the meeting's id");
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (meeting_get(ctx->s, &scope_system, &a, wp_arg_id(ref), &m, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jworkplan_meeting(&m));
	else
		meeting_print(&m);
	arena_free(&a);
	return status;
}

int
cmd_meeting(cli_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    cli_wants_help(argc, argv)) {
		fputs(meeting_usage, sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (strcmp(sub, "add") == 0)
		return meeting_add_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return meeting_list_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return meeting_show_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("meeting", "unknown sub-command '%s'", sub);
}

