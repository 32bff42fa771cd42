/*
 * cmd_workplan — `sijin plan`, `sijin task` and `sijin workplan`
 * (issue 11): the work group's plan and its approval, tasks with notes
 * and links, the party branch, reporting in, and the group's record.
 * `sijin meeting` is in cmd_meeting.c and shares the helpers of
 * cmd_workplan.h.
 *
 * The commands that add or change turn their flags into the JSON form the
 * API takes and read it with the same readers (json/jworkplan.h), so both
 * check input alike and name the same fields.  Every change is written
 * with its audit event (user "cli") in one transaction.  The command line
 * acts as `system`, except where a person must be named: a plan is
 * submitted or decided `--as` a user (approval needs one: workplan.h
 * "Who"), and the user's own scope and rules then apply.
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
#include "domain/workplan.h"
#include "json/jworkplan.h"

/* ---- shared --------------------------------------------------------------- */

int64_t
wp_arg_id(const char *s)
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

void
wp_print_date(const char *label, sj_date d)
{
	char buf[DT_DATE_LEN];

	if (d == TASK_DATE_NONE) {
		printf("%s-", label);
		return;
	}
	dt_date_format(d, buf);
	printf("%s%s", label, buf);
}

static const char *
wp_fmt_instant(int64_t t, char buf[DT_RFC3339_LEN])
{
	if (t <= 0)
		return "-";
	dt_format_rfc3339(t, buf);
	return buf;
}

/* The scope of user `username` (for --as), or the command line's. */
static sj_rc
as_scope(cli_ctx *ctx, arena *a, const char *username, scope *out, sj_err *e)
{
	app_user u;
	sj_rc rc;

	*out = scope_system;
	if (username == NULL)
		return SJ_OK;
	if ((rc = user_find_by_username(ctx->s, &scope_system, a, username, &u, e)) != SJ_OK)
		return rc;
	if (u.disabled)
		return sj_fail(e, SJ_EFORBIDDEN, "as", "user '%s' is disabled", username);
	principal_scope(&u, out);
	return SJ_OK;
}

int
wp_change(cli_ctx *ctx, const char *action, const char *type, change_fn fn, void *arg,
    int64_t *id_out)
{
	json_t *detail = NULL;
	int64_t id = 0;
	sj_err e = {0};
	sj_rc rc;

	if ((rc = store_begin(ctx->s, &e)) != SJ_OK)
		return cli_fail(&e);
	/* A change function leaves detail NULL for an edit that changed nothing:
	 * no audit event then, as through the API. */
	if ((rc = fn(ctx, arg, &id, &detail, &e)) == SJ_OK && detail != NULL)
		rc = cli_audit(ctx, action, type, id, detail, &e);
	else
		json_decref(detail);
	if (id_out)
		*id_out = id;
	return cli_finish(ctx, rc, &e);
}

/* Parse --json and one positional argument (the group, task or meeting). */
int
wp_one_arg(const char *cmd, int argc, char **argv, const char **arg, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	int c;

	*json = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
		*json = true;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, optind >= argc ? "missing argument" : "unexpected argument "
		    "'%s'", argv[argc - 1]);
	*arg = argv[optind];
	return 0;
}

/* ---- plan ------------------------------------------------------------------- */

static const char plan_usage[] =
	"usage: sijin plan show GROUP [--json]\n"
	"       sijin plan create GROUP --title T --goals G --starts-on DATE [--ends-on DATE]\n"
	"                         [--mechanism M]\n"
	"       sijin plan edit GROUP [--title T] [--goals G] [--mechanism M] [--starts-on DATE]\n"
	"                         [--ends-on DATE]\n"
	"       sijin plan submit GROUP [--as USER] [--note N]\n"
	"       sijin plan approve GROUP --as USER [--comment C]\n"
	"       sijin plan return GROUP --as USER --comment C\n"
	"       sijin plan version GROUP N [--json]\n\n"
	"GROUP is a work group's id or exact name; DATE is YYYY-MM-DD.  A plan is\n"
	"submitted by the group's leader and approved or returned (with a comment)\n"
	"by a user of the organ with the plan.approve permission who is not of the\n"
	"group and did not submit it (docs/workplan.md); --as names that user.\n";

static void
plan_print(const work_plan *p)
{
	char t1[DT_RFC3339_LEN], t2[DT_RFC3339_LEN];

	printf("plan %lld of %s: %s\n", (long long)p->id, p->group_name, p->title);
	printf("status %s, version %d, in force: ", p->status, p->version);
	if (p->approved_version)
		printf("version %d\n", p->approved_version);
	else
		printf("none\n");
	wp_print_date("period ", p->starts_on);
	wp_print_date(" .. ", p->ends_on);
	printf("\ngoals: %s\n", p->goals);
	if (p->mechanism)
		printf("mechanism: %s\n", p->mechanism);
	for (size_t i = 0; i < p->n_versions; i++) {
		const plan_version *v = &p->versions[i];
		printf("  v%d submitted %s by %s", v->version, wp_fmt_instant(v->submitted_at, t1),
		    v->submitted_by);
		if (v->decision)
			printf("; %s %s by %s%s%s", v->decision, wp_fmt_instant(v->decided_at, t2),
			    v->decided_by ? v->decided_by : "?", v->decision_comment ? ": " : "",
			    v->decision_comment ? v->decision_comment : "");
		else
			printf("; awaiting approval");
		printf("\n");
	}
}

static int
plan_show(cli_ctx *ctx, int argc, char **argv)
{
	const char *ref;
	int64_t group;
	work_plan p;
	sj_err e = {0};
	bool json;
	arena a;
	int status;

	if ((status = wp_one_arg("plan show", argc, argv, &ref, &json)) != 0)
		return status;
	if (cli_open(ctx, false, &e) != SJ_OK || workplan_group_lookup(ctx->s, ref, &group, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (plan_get(ctx->s, &scope_system, &a, group, &p, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jworkplan_plan(&p));
	else
		plan_print(&p);
	arena_free(&a);
	return status;
}

typedef struct plan_args {
	int64_t group;
	json_t *body;
	bool patch;
	arena a;
} plan_args;

static sj_rc
plan_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	plan_args *pa = arg;
	plan_input in = {0};
	work_plan p;
	sj_rc rc;

	json_t *before = NULL, *after;

	if (pa->patch) {
		if ((rc = plan_get(ctx->s, &scope_system, &pa->a, pa->group, &p, e)) != SJ_OK)
			return rc;
		before = jworkplan_plan(&p);
		in = (plan_input){ .title = p.title, .goals = p.goals, .mechanism = p.mechanism,
		    .starts_on = p.starts_on, .ends_on = p.ends_on };
	}
	if ((rc = jworkplan_read_plan(pa->body, &pa->a, &in, pa->patch, e)) != SJ_OK)
		goto out;
	rc = pa->patch ? plan_update(ctx->s, &scope_system, pa->group, &in, e)
	    : plan_create(ctx->s, &scope_system, pa->group, &in, id, e);
	if (rc != SJ_OK || (rc = plan_get(ctx->s, &scope_system, &pa->a, pa->group, &p, e)) != SJ_OK)
		goto out;
	*id = p.id;
	if (!pa->patch) {
		*detail = json_pack("{s:I, s:s, s:i}", "group_id", (json_int_t)pa->group, "status",
		    p.status, "version", p.version);
		return SJ_OK;
	}
	/* An edit: the whole plan before and after, as plan.update through the
	 * API (docs/workplan.md); nothing when it changed nothing. */
	after = jworkplan_plan(&p);
	if (json_equal(before, after)) {
		json_decref(after);
		goto out;
	}
	*detail = json_pack("{s:o, s:o}", "before", before, "after", after);
	return SJ_OK;
out:
	json_decref(before);
	return rc;
}

static int
plan_create_cmd(cli_ctx *ctx, int argc, char **argv, bool patch)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "goals", required_argument, NULL, 'g' },
		{ "mechanism", required_argument, NULL, 'm' },
		{ "starts-on", required_argument, NULL, 's' },
		{ "ends-on", required_argument, NULL, 'E' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = patch ? "plan edit" : "plan create";
	plan_args pa = { .body = json_object(), .patch = patch };
	sj_err e = {0};
	int64_t id;
	int c, status = 0;

	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		const char *key = c == 't' ? "title" : c == 'g' ? "goals" : c == 'm' ? "mechanism"
		    : c == 's' ? "starts_on" : c == 'E' ? "ends_on" : NULL;
		if (key == NULL)
			status = cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
		else
			json_object_set_new(pa.body, key, json_string(optarg));
	}
	if (status == 0 && optind + 1 != argc)
		status = cli_usage_error(cmd, "give one GROUP");
	if (status == 0 && (cli_open(ctx, false, &e) != SJ_OK ||
	    workplan_group_lookup(ctx->s, argv[optind], &pa.group, &e) != SJ_OK))
		status = cli_fail(&e);
	arena_init(&pa.a);
	if (status == 0 &&
	    (status = wp_change(ctx, patch ? "plan.update" : "plan.create", "work_plan", plan_write,
	    &pa, &id)) == 0)
		printf("%lld\n", (long long)id);
	arena_free(&pa.a);
	json_decref(pa.body);
	return status;
}

typedef struct step_args {
	int64_t group;
	const char *action;
	const char *text;
	scope sc;
	const char *as;
} step_args;

/* A plan's state for the audit of a step: group, status, version. */
static json_t *
step_summary(const work_plan *p)
{
	return json_pack("{s:I, s:s, s:i}", "group_id", (json_int_t)p->group_id, "status",
	    p->status, "version", p->version);
}

static sj_rc
plan_step_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	step_args *sa = arg;
	json_t *before;
	work_plan p;
	arena a;
	sj_rc rc;

	/* The plan's status and version before the step, for the audit event. */
	arena_init(&a);
	rc = plan_get(ctx->s, &sa->sc, &a, sa->group, &p, e);
	before = rc == SJ_OK ? step_summary(&p) : NULL;
	arena_free(&a);
	if (rc != SJ_OK)
		return rc;
	if (strcmp(sa->action, "plan.submit") == 0)
		rc = plan_submit(ctx->s, &sa->sc, sa->group, sa->text, 0, NULL, e);
	else
		rc = plan_decide(ctx->s, &sa->sc, sa->group, strcmp(sa->action, "plan.approve") == 0,
		    sa->text, 0, e);
	if (rc != SJ_OK) {
		json_decref(before);
		return rc;
	}
	arena_init(&a);
	if ((rc = plan_get(ctx->s, &scope_system, &a, sa->group, &p, e)) != SJ_OK)
		json_decref(before);
	else {
		*id = p.id;
		*detail = json_pack("{s:o, s:o, s:s?}", "before", before, "after", step_summary(&p),
		    "as", sa->as);
		printf("plan of %s: %s, version %d\n", p.group_name, p.status, p.version);
	}
	arena_free(&a);
	return rc;
}

static int
plan_step_cmd(cli_ctx *ctx, int argc, char **argv, const char *action)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'n' },
		{ "comment", required_argument, NULL, 'c' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = strchr(action, '.') + 1;
	bool submit = strcmp(action, "plan.submit") == 0;
	step_args sa = { .action = action };
	sj_err e = {0};
	arena a;
	int c, status = 0;

	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'a')
			sa.as = optarg;
		else if ((c == 'n' && submit) || (c == 'c' && !submit))
			sa.text = optarg;
		else
			status = cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
	}
	if (status == 0 && optind + 1 != argc)
		status = cli_usage_error(submit ? "plan submit" : "plan approve", "give one GROUP");
	if (status != 0)
		return status;
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    workplan_group_lookup(ctx->s, argv[optind], &sa.group, &e) != SJ_OK ||
	    as_scope(ctx, &a, sa.as, &sa.sc, &e) != SJ_OK)
		status = cli_fail(&e);
	else
		status = wp_change(ctx, action, "work_plan", plan_step_write, &sa, NULL);
	arena_free(&a);
	return status;
}

static int
plan_version_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	plan_version v;
	int64_t group, n;
	sj_err e = {0};
	bool json = false;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error("plan version", "bad option '%s'", argv[optind - 1]);
		json = true;
	}
	if (optind + 2 != argc || (n = wp_arg_id(argv[optind + 1])) == 0 || n > 100000)
		return cli_usage_error("plan version", "give GROUP and a version number");
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    workplan_group_lookup(ctx->s, argv[optind], &group, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (plan_version_get(ctx->s, &scope_system, &a, group, (int)n, &v, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		cli_json_print(jworkplan_version(&v, true));
	} else {
		printf("version %d: %s (%s)\n", v.version, v.title, v.decision ? v.decision
		    : "awaiting approval");
		for (size_t i = 0; i < v.n_tasks; i++) {
			printf("  task %lld [%s] %s — %s", (long long)v.tasks[i].task_id,
			    v.tasks[i].task_line, v.tasks[i].title, v.tasks[i].owner_name);
			wp_print_date(", due ", v.tasks[i].due_on);
			printf("\n");
		}
	}
	arena_free(&a);
	return status;
}

int
cmd_plan(cli_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    cli_wants_help(argc, argv)) {
		fputs(plan_usage, sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (strcmp(sub, "show") == 0)
		return plan_show(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "create") == 0)
		return plan_create_cmd(ctx, argc - 1, argv + 1, false);
	if (strcmp(sub, "edit") == 0)
		return plan_create_cmd(ctx, argc - 1, argv + 1, true);
	if (strcmp(sub, "submit") == 0)
		return plan_step_cmd(ctx, argc - 1, argv + 1, "plan.submit");
	if (strcmp(sub, "approve") == 0)
		return plan_step_cmd(ctx, argc - 1, argv + 1, "plan.approve");
	if (strcmp(sub, "return") == 0)
		return plan_step_cmd(ctx, argc - 1, argv + 1, "plan.return");
	if (strcmp(sub, "version") == 0)
		return plan_version_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("plan", "unknown sub-command '%s'", sub);
}

/* ---- task ------------------------------------------------------------------- */

static const char task_usage[] =
	"usage: sijin task add GROUP --title T --line LINE --owner MEMBER [--due DATE]\n"
	"                      [--unit UNIT]... [--description D] [--decision ID]\n"
	"       sijin task list [GROUP] [--line LINE] [--status S] [--overdue] [--as-of DATE]\n"
	"                       [--json]\n"
	"       sijin task show ID [--as-of DATE] [--json]\n"
	"       sijin task note ID --body TEXT [--status S] [--on DATE]\n"
	"       sijin task link ID TYPE RECORD_ID\n"
	"       sijin task unlink ID TYPE RECORD_ID\n\n"
	"LINE is prevention (疫情防控), economy (经济运行) or livelihood (保障民生);\n"
	"MEMBER a group member's id or name; UNIT a unit's id or name; S open,\n"
	"in_progress, done or dropped; TYPE visit, inspection, distribution,\n"
	"service_request or need.  --decision makes the task from that meeting\n"
	"decision.  Overdue is computed on the working-day calendar for --as-of\n"
	"(default today): docs/workplan.md.\n";

static void
task_print_line(const task *t)
{
	printf("%-5lld %-10s %-11s", (long long)t->id, t->task_line, t->status);
	wp_print_date(" due ", t->due_on);
	printf("%s  %s (%s)\n", t->overdue ? " OVERDUE" : "", t->title, t->owner_name);
}

static void
task_print(const task *t)
{
	char ts[DT_RFC3339_LEN];

	task_print_line(t);
	if (t->description)
		printf("  %s\n", t->description);
	printf("  units:");
	for (size_t i = 0; i < t->n_units; i++)
		printf(" %s", t->units[i].name);
	printf("\n");
	if (t->due_on != TASK_DATE_NONE)
		wp_print_date("  counted due ", t->due_effective), printf("\n");
	if (t->decision_id)
		printf("  from decision %lld of meeting %lld\n", (long long)t->decision_id,
		    (long long)t->meeting_id);
	for (size_t i = 0; i < t->n_notes; i++) {
		const task_note *n = &t->notes[i];
		wp_print_date("  note ", n->noted_on);
		if (n->status_to)
			printf(" [%s → %s]", n->status_from, n->status_to);
		printf(" %s (%s, %s)\n", n->body, n->created_by, wp_fmt_instant(n->created_at, ts));
	}
	for (size_t i = 0; i < t->n_links; i++) {
		const task_link *l = &t->links[i];
		printf("  link %s %lld", l->record_type, (long long)l->record_id);
		wp_print_date(" ", l->on);
		printf(" %s\n", l->title);
	}
}

typedef struct task_args {
	int64_t group, id, decision;
	json_t *body;
	const char *type;
	int64_t record_id;
	task_note_input note;
	arena a;
} task_args;

static sj_rc
task_add_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	task_args *ta = arg;
	task_input in;
	sj_rc rc;

	if ((rc = jworkplan_read_task(ta->body, "", &ta->a, &in, false, e)) != SJ_OK ||
	    (rc = task_add(ctx->s, &scope_system, ta->group, &in, ta->decision, id, e)) != SJ_OK)
		return rc;
	*detail = json_pack("{s:I, s:s, s:s}", "group_id", (json_int_t)ta->group, "title", in.title,
	    "task_line", in.task_line);
	return SJ_OK;
}

static int
task_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "line", required_argument, NULL, 'l' },
		{ "owner", required_argument, NULL, 'o' },
		{ "due", required_argument, NULL, 'd' },
		{ "unit", required_argument, NULL, 'u' },
		{ "description", required_argument, NULL, 'D' },
		{ "decision", required_argument, NULL, 'x' },
		{ 0, 0, 0, 0 },
	};
	task_args ta = { .body = json_object() };
	json_t *units = json_array();
	const char *owner = NULL;
	sj_err e = {0};
	int64_t id;
	int c, status = 0;

	arena_init(&ta.a);
	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 't': json_object_set_new(ta.body, "title", json_string(optarg)); break;
		case 'l': json_object_set_new(ta.body, "task_line", json_string(optarg)); break;
		case 'o': owner = optarg; break;
		case 'd': json_object_set_new(ta.body, "due_on", json_string(optarg)); break;
		case 'u': json_array_append_new(units, json_string(optarg)); break;
		case 'D': json_object_set_new(ta.body, "description", json_string(optarg)); break;
		case 'x':
			if ((ta.decision = wp_arg_id(optarg)) == 0)
				status = cli_usage_error("task add", "--decision: give the decision's id");
			break;
		default: status = cli_usage_error("task add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (status == 0 && optind + 1 != argc)
		status = cli_usage_error("task add", "give one GROUP");
	if (status == 0 && (cli_open(ctx, false, &e) != SJ_OK ||
	    workplan_group_lookup(ctx->s, argv[optind], &ta.group, &e) != SJ_OK))
		status = cli_fail(&e);
	if (status == 0 && owner) {
		if (visit_member_lookup(ctx->s, owner, "owner_id", &id, &e) != SJ_OK)
			status = cli_fail(&e);
		else
			json_object_set_new(ta.body, "owner_id", json_integer(id));
	}
	if (status == 0 && json_array_size(units) > 0) {
		json_t *ids = json_array(), *u;
		size_t i;
		json_array_foreach(units, i, u) {
			org_unit unit;
			if (status == 0 && org_unit_lookup(ctx->s, &scope_system, &ta.a,
			    json_string_value(u), &unit, &e) != SJ_OK)
				status = cli_fail(&e);
			else
				json_array_append_new(ids, json_integer(unit.id));
		}
		json_object_set_new(ta.body, "unit_ids", ids);
	}
	if (status == 0 && (status = wp_change(ctx, "task.create", "task", task_add_write, &ta,
	    &id)) == 0)
		printf("%lld\n", (long long)id);
	json_decref(units);
	json_decref(ta.body);
	arena_free(&ta.a);
	return status;
}

static int
task_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "line", required_argument, NULL, 'l' },
		{ "status", required_argument, NULL, 's' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	task_filter f = { .as_of = TASK_DATE_NONE, .limit = TASK_LIST_MAX };
	json_t *all = NULL;
	task_page page;
	sj_err e = {0};
	bool json = false;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'l': f.task_line = optarg; break;
		case 's': f.status = optarg; break;
		case 'o': f.overdue = true; break;
		case 'a':
			if (dt_date_parse(optarg, "as-of", &f.as_of, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 'j': json = true; break;
		default: return cli_usage_error("task list", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error("task list", "unexpected argument '%s'", argv[optind + 1]);
	if (cli_open(ctx, false, &e) != SJ_OK || (optind < argc &&
	    workplan_group_lookup(ctx->s, argv[optind], &f.group_id, &e) != SJ_OK))
		return cli_fail(&e);
	arena_init(&a);
	all = json ? json_array() : NULL;
	do {
		if (task_list(ctx->s, &scope_system, &a, &f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		for (size_t i = 0; i < page.n_tasks; i++)
			if (json)
				json_array_append_new(all, jworkplan_task(&page.tasks[i], false));
			else
				task_print_line(&page.tasks[i]);
		f.after_id = page.next_id;
	} while (page.has_more);
	if (json && status == 0)
		cli_json_print(all);
	else
		json_decref(all);
	arena_free(&a);
	return status;
}

static int
task_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	sj_date as_of = TASK_DATE_NONE;
	sj_err e = {0};
	bool json = false;
	int64_t id;
	task t;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'a') {
			if (dt_date_parse(optarg, "as-of", &as_of, &e) != SJ_OK)
				return cli_fail(&e);
		} else
			return cli_usage_error("task show", "bad option '%s'", argv[optind - 1]);
	}
	if (optind + 1 != argc || (id = wp_arg_id(argv[optind])) == 0)
		return cli_usage_error("task show", "give one task ID");
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (task_get(ctx->s, &scope_system, &a, id, as_of, &t, &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(jworkplan_task(&t, true));
	else
		task_print(&t);
	arena_free(&a);
	return status;
}

static sj_rc
task_note_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	task_args *ta = arg;
	int64_t note_id;
	sj_rc rc;

	if ((rc = task_note_add(ctx->s, &scope_system, ta->id, &ta->note, &note_id, e)) != SJ_OK)
		return rc;
	*id = ta->id;
	*detail = json_pack("{s:I, s:s?}", "note_id", (json_int_t)note_id, "status",
	    ta->note.status);
	return SJ_OK;
}

static int
task_note_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "body", required_argument, NULL, 'b' },
		{ "status", required_argument, NULL, 's' },
		{ "on", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	task_args ta = { .note = { .noted_on = TASK_DATE_NONE } };
	sj_err e = {0};
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'b': ta.note.body = optarg; break;
		case 's': ta.note.status = optarg; break;
		case 'o':
			if (dt_date_parse(optarg, "on", &ta.note.noted_on, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		default: return cli_usage_error("task note", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc || (ta.id = wp_arg_id(argv[optind])) == 0)
		return cli_usage_error("task note", "give one task ID");
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	status = wp_change(ctx, "task.note", "task", task_note_write, &ta, NULL);
	return status;
}

static sj_rc
task_link_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	task_args *ta = arg;
	sj_rc rc;

	rc = ta->decision ? task_link_remove(ctx->s, &scope_system, ta->id, ta->type,
	    ta->record_id, e) : task_link_add(ctx->s, &scope_system, ta->id, ta->type,
	    ta->record_id, e);
	if (rc != SJ_OK)
		return rc;
	*id = ta->id;
	*detail = json_pack("{s:s, s:I}", "record_type", ta->type, "record_id",
	    (json_int_t)ta->record_id);
	return SJ_OK;
}

/* link, or unlink when remove (carried in the decision field). */
static int
task_link_cmd(cli_ctx *ctx, int argc, char **argv, bool remove)
{
	const char *cmd = remove ? "task unlink" : "task link";
	task_args ta = { .decision = remove };
	sj_err e = {0};

	if (cli_wants_help(argc, argv) || argc != 4 || (ta.id = wp_arg_id(argv[1])) == 0 ||
	    (ta.record_id = wp_arg_id(argv[3])) == 0)
		return cli_usage_error(cmd, "give ID TYPE RECORD_ID");
	ta.type = argv[2];
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	return wp_change(ctx, remove ? "task.unlink" : "task.link", "task", task_link_write, &ta,
	    NULL);
}

int
cmd_task(cli_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    cli_wants_help(argc, argv)) {
		fputs(task_usage, sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (strcmp(sub, "add") == 0)
		return task_add_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return task_list_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return task_show_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "note") == 0)
		return task_note_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "link") == 0)
		return task_link_cmd(ctx, argc - 1, argv + 1, false);
	if (strcmp(sub, "unlink") == 0)
		return task_link_cmd(ctx, argc - 1, argv + 1, true);
	return cli_usage_error("task", "unknown sub-command '%s'", sub);
}

/* ---- workplan: the group's record, branch, reporting in ------------------------- */

static const char workplan_usage[] =
	"usage: sijin workplan show GROUP [--as-of DATE] [--gap-days N] [--json]\n"
	"       sijin workplan reporting GROUP [--as-of DATE] [--gap-days N] [--json]\n"
	"       sijin workplan report-in GROUP UNIT [--on DATE | --not-reported]\n"
	"                                [--contact NAME]\n"
	"       sijin workplan branch GROUP [--json]\n"
	"       sijin workplan branch-set GROUP --name N --founded-on DATE --secretary MEMBER\n"
	"                                 [--member MEMBER]...\n"
	"       sijin workplan task-lines\n\n"
	"show is the group's record: plan and approval, party branch, reporting in,\n"
	"tasks by task line, meetings.  reporting lists the units not reported to and\n"
	"those not visited for --gap-days days (setting visit-gap-days, default 14).\n";

static void
reporting_print(const reporting *r)
{
	printf("%zu units, %zu reported in, %zu not yet; %zu not visited for %d days or more\n",
	    r->n_units, r->n_reported, r->n_not_reported, r->n_visit_due, r->gap_days);
	for (size_t i = 0; i < r->n_units; i++) {
		const reporting_unit *u = &r->units[i];
		printf("  %-5lld %s", (long long)u->unit_id, u->unit_name);
		wp_print_date("  reported ", u->reported_on);
		wp_print_date("  last visit ", u->last_visit_on);
		printf("%s%s%s%s\n", u->not_reported ? "  NOT REPORTED" : "",
		    u->visit_due ? "  VISIT DUE" : "", u->contact ? "  contact " : "",
		    u->contact ? u->contact : "");
	}
}

static void
overview_print(const workplan_overview *o)
{
	printf("%s (%s)", o->group_name, o->organ);
	wp_print_date(", set up ", o->set_up_on);
	wp_print_date(", as of ", o->as_of);
	printf("\n");
	if (o->has_plan) {
		printf("plan: %s — %s, version %d", o->plan.title, o->plan.status, o->plan.version);
		for (size_t i = 0; i < o->plan.n_versions; i++)
			if (o->plan.versions[i].version == o->plan.approved_version) {
				char t[DT_RFC3339_LEN];
				printf("; version %d approved %s by %s", o->plan.approved_version,
				    wp_fmt_instant(o->plan.versions[i].decided_at, t),
				    o->plan.versions[i].decided_by ? o->plan.versions[i].decided_by : "?");
			}
		printf("\n");
	} else
		printf("plan: none\n");
	if (o->has_branch) {
		printf("party branch: %s", o->branch.name);
		wp_print_date(", founded ", o->branch.founded_on);
		printf(", secretary %s, %zu members\n", o->branch.secretary_name, o->branch.n_members);
	} else
		printf("party branch: none\n");
	printf("reporting in: ");
	reporting_print(&o->reporting);
	for (int l = 0; l < TASK_LINE_COUNT; l++)
		printf("%s %s: open %lld, in progress %lld, done %lld, dropped %lld\n",
		    task_lines[l].code, task_lines[l].name, (long long)o->tasks[l][0],
		    (long long)o->tasks[l][1], (long long)o->tasks[l][2], (long long)o->tasks[l][3]);
	printf("tasks %lld, overdue %lld, linked records %lld, meetings %lld\n",
	    (long long)o->n_tasks, (long long)o->n_overdue, (long long)o->n_links,
	    (long long)o->n_meetings);
}

static int
workplan_show_cmd(cli_ctx *ctx, int argc, char **argv, bool reporting_only)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "gap-days", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *cmd = reporting_only ? "workplan reporting" : "workplan show";
	sj_date as_of = TASK_DATE_NONE;
	workplan_overview ov;
	int64_t group, gap = ctx->cfg->visit_gap_days;
	sj_err e = {0};
	bool json = false;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'a') {
			if (dt_date_parse(optarg, "as-of", &as_of, &e) != SJ_OK)
				return cli_fail(&e);
		} else if (c == 'g') {
			if ((gap = wp_arg_id(optarg)) == 0 || gap > 365)
				return cli_usage_error(cmd, "--gap-days: give 1 to 365");
		} else
			return cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "give one GROUP");
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    workplan_group_lookup(ctx->s, argv[optind], &group, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (workplan_overview_get(ctx->s, &scope_system, &a, group, as_of, (int)gap, &ov,
	    &e) != SJ_OK)
		status = cli_fail(&e);
	else if (json)
		cli_json_print(reporting_only ? jworkplan_reporting(&ov.reporting)
		    : jworkplan_overview(&ov));
	else if (reporting_only)
		reporting_print(&ov.reporting);
	else
		overview_print(&ov);
	arena_free(&a);
	return status;
}

typedef struct report_args {
	int64_t group, unit;
	sj_date on;
	const char *contact;
} report_args;

static sj_rc
report_in_write(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	report_args *ra = arg;
	char d[DT_DATE_LEN] = "";
	sj_rc rc;

	if ((rc = reporting_record(ctx->s, &scope_system, ra->group, ra->unit, ra->on, ra->contact,
	    e)) != SJ_OK)
		return rc;
	if (ra->on != TASK_DATE_NONE)
		dt_date_format(ra->on, d);
	*id = ra->group;
	*detail = json_pack("{s:I, s:s}", "unit_id", (json_int_t)ra->unit, "reported_on", d);
	return SJ_OK;
}

static int
report_in_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "on", required_argument, NULL, 'o' },
		{ "not-reported", no_argument, NULL, 'n' },
		{ "contact", required_argument, NULL, 'c' },
		{ 0, 0, 0, 0 },
	};
	report_args ra = { .on = TASK_DATE_NONE };
	bool clear = false, dated = false;
	sj_err e = {0};
	org_unit u;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'o') {
			if (dt_date_parse(optarg, "on", &ra.on, &e) != SJ_OK)
				return cli_fail(&e);
			dated = true;
		} else if (c == 'n')
			clear = true;
		else if (c == 'c')
			ra.contact = optarg;
		else
			return cli_usage_error("workplan report-in", "bad option '%s'", argv[optind - 1]);
	}
	if (optind + 2 != argc || clear == dated)
		return cli_usage_error("workplan report-in", "give GROUP UNIT and one of --on, "
		    "--not-reported");
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    workplan_group_lookup(ctx->s, argv[optind], &ra.group, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (org_unit_lookup(ctx->s, &scope_system, &a, argv[optind + 1], &u, &e) != SJ_OK)
		status = cli_fail(&e);
	else {
		ra.unit = u.id;
		status = wp_change(ctx, "assignment.report_in", "work_group", report_in_write, &ra, NULL);
	}
	arena_free(&a);
	return status;
}

static int
branch_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	const char *ref;
	party_branch b;
	int64_t group;
	sj_err e = {0};
	bool json;
	arena a;
	int status;

	if ((status = wp_one_arg("workplan branch", argc, argv, &ref, &json)) != 0)
		return status;
	if (cli_open(ctx, false, &e) != SJ_OK || workplan_group_lookup(ctx->s, ref, &group, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	if (branch_get(ctx->s, &scope_system, &a, group, &b, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		cli_json_print(jworkplan_branch(&b));
	} else {
		printf("%s", b.name);
		wp_print_date(", founded ", b.founded_on);
		printf(", secretary %s\n", b.secretary_name);
		for (size_t i = 0; i < b.n_members; i++)
			printf("  %lld %s %s\n", (long long)b.members[i].member_id, b.members[i].name,
			    b.members[i].title);
	}
	arena_free(&a);
	return status;
}

typedef struct branch_args {
	int64_t group;
	json_t *body;
	arena a;
} branch_args;

static sj_rc
branch_write_cli(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e)
{
	branch_args *ba = arg;
	branch_input in;
	party_branch b;
	sj_rc rc;

	if ((rc = jworkplan_read_branch(ba->body, &ba->a, &in, e)) != SJ_OK ||
	    (rc = branch_set(ctx->s, &scope_system, ba->group, &in, NULL, e)) != SJ_OK ||
	    (rc = branch_get(ctx->s, &scope_system, &ba->a, ba->group, &b, e)) != SJ_OK)
		return rc;
	*id = b.id;
	*detail = json_pack("{s:I, s:s, s:I}", "group_id", (json_int_t)ba->group, "name", b.name,
	    "secretary_id", (json_int_t)b.secretary_id);
	return SJ_OK;
}

static int
branch_set_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "founded-on", required_argument, NULL, 'f' },
		{ "secretary", required_argument, NULL, 's' },
		{ "member", required_argument, NULL, 'm' },
		{ 0, 0, 0, 0 },
	};
	branch_args ba = { .body = json_object() };
	json_t *members = json_array();
	sj_err e = {0};
	int64_t id;
	int c, status = 0;

	arena_init(&ba.a);
	json_object_set_new(ba.body, "member_ids", members);
	if (cli_open(ctx, false, &e) != SJ_OK)
		status = cli_fail(&e);
	optind = 1;
	while (status == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'n')
			json_object_set_new(ba.body, "name", json_string(optarg));
		else if (c == 'f')
			json_object_set_new(ba.body, "founded_on", json_string(optarg));
		else if (c == 's' || c == 'm') {
			if (visit_member_lookup(ctx->s, optarg, c == 's' ? "secretary_id" : "member_ids",
			    &id, &e) != SJ_OK)
				status = cli_fail(&e);
			else if (c == 's')
				json_object_set_new(ba.body, "secretary_id", json_integer(id));
			else
				json_array_append_new(members, json_integer(id));
		} else
			status = cli_usage_error("workplan branch-set", "bad option '%s'",
			    argv[optind - 1]);
	}
	if (status == 0 && optind + 1 != argc)
		status = cli_usage_error("workplan branch-set", "give one GROUP");
	if (status == 0 && workplan_group_lookup(ctx->s, argv[optind], &ba.group, &e) != SJ_OK)
		status = cli_fail(&e);
	if (status == 0 && (status = wp_change(ctx, "branch.update", "party_branch", branch_write_cli,
	    &ba, &id)) == 0)
		printf("%lld\n", (long long)id);
	json_decref(ba.body);
	arena_free(&ba.a);
	return status;
}

int
cmd_workplan(cli_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    cli_wants_help(argc, argv)) {
		fputs(workplan_usage, sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (strcmp(sub, "show") == 0)
		return workplan_show_cmd(ctx, argc - 1, argv + 1, false);
	if (strcmp(sub, "reporting") == 0)
		return workplan_show_cmd(ctx, argc - 1, argv + 1, true);
	if (strcmp(sub, "report-in") == 0)
		return report_in_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "branch") == 0)
		return branch_show_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "branch-set") == 0)
		return branch_set_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "task-lines") == 0) {
		for (int i = 0; i < TASK_LINE_COUNT; i++)
			printf("%-10s %s  %s\n", task_lines[i].code, task_lines[i].name,
			    task_lines[i].name_en);
		return 0;
	}
	return cli_usage_error("workplan", "unknown sub-command '%s'", sub);
}
