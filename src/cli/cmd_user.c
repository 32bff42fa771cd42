/*
 * cmd_user — `sijin user add|list|passwd|disable|token|token-revoke` and
 * `sijin department add|list`; audit events for command-line changes
 * (cli_audit).
 *
 * Invariants: a password never comes from the command line (see
 * password.c) and is wiped from memory after use; every change is written together with its audit event
 * (username "cli") in one transaction, or not at all.
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "domain/org.h"
#include "json/jauth.h"

#define TOKEN_DAYS_DEFAULT 90
#define TOKEN_DAYS_MAX 3650

/* ---- audit ------------------------------------------------------------------- */

sj_rc
cli_audit(cli_ctx *ctx, const char *action, const char *object_type, int64_t object_id,
    json_t *detail, sj_err *e)
{
	audit_event_input ev = { .username = AUDIT_USERNAME_CLI, .action = action,
	    .object_type = object_type, .object_id = object_id };
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	sj_rc rc;

	ev.detail = text;
	rc = audit_record(ctx->s, &ev, NULL, e);
	free(text);
	json_decref(detail);
	return rc;
}

/* Finish a change made since store_begin: commit when rc is SJ_OK, else
 * roll back.  Returns the exit code (printing the error). */
/* ---- user add ---------------------------------------------------------------- */

static const char user_usage[] =
	"usage: sijin user add USERNAME --role ROLE [--group G] [--unit U] [--department D]\n"
	"                      [--name DISPLAY] [--checkpoint ID]... [--password-file F]\n"
	"       sijin user list [--json]\n"
	"       sijin user passwd USERNAME [--password-file F]\n"
	"       sijin user disable USERNAME\n"
	"       sijin user token USERNAME --name NAME [--days D]\n"
	"       sijin user token-revoke ID\n\n"
	"ROLE is admin, leader, member, checkpoint, unit, department or auditor\n"
	"(docs/roles.md).  A leader or member needs --group (a work group id or name), a\n"
	"unit liaison --unit, a department liaison --department; a checkpoint attendant\n"
	"may be given the checkpoints they attend with --checkpoint.\n\n"
	"The password (at least 10 characters, not the username) is read from the first\n"
	"line of --password-file, else typed twice at the terminal (not echoed), else\n"
	"read from the first line of standard input.  It is never a command-line argument.\n\n"
	"`user token` prints a new API token once, on standard output; it is valid for D\n"
	"days (default 90) and only its hash is stored.  Every change is written to the\n"
	"audit log as user \"cli\".\n";

/* The id of the work group named by ref (an id or the exact name). */
static sj_rc
group_resolve(cli_ctx *ctx, arena *a, const char *ref, int64_t *id, sj_err *e)
{
	work_group *g;
	size_t n;
	sj_rc rc;

	if ((rc = group_list(ctx->s, &scope_system, a, &g, &n, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char idtext[24];
		snprintf(idtext, sizeof idtext, "%lld", (long long)g[i].id);
		if (strcmp(ref, idtext) == 0 || strcmp(ref, g[i].name) == 0) {
			*id = g[i].id;
			return SJ_OK;
		}
	}
	return sj_fail(e, SJ_ENOTFOUND, "group", "no work group '%s'", ref);
}

typedef struct user_add_args {
	user_input in;
	const char *group, *unit, *department, *password_file;
	int64_t checkpoints[16];
	size_t n_checkpoints;
} user_add_args;

static sj_rc
user_links_resolve(cli_ctx *ctx, arena *a, user_add_args *args, sj_err *e)
{
	org_unit u;
	department d;
	sj_rc rc;

	if (args->group && (rc = group_resolve(ctx, a, args->group, &args->in.group_id, e)) != SJ_OK)
		return rc;
	if (args->unit) {
		if ((rc = org_unit_lookup(ctx->s, &scope_system, a, args->unit, &u, e)) != SJ_OK)
			return rc;
		args->in.unit_id = u.id;
	}
	if (args->department) {
		if ((rc = department_lookup(ctx->s, a, args->department, &d, e)) != SJ_OK)
			return rc;
		args->in.department_id = d.id;
	}
	return SJ_OK;
}

/* Add the user, its checkpoints and the audit event, in one transaction. */
static int
user_add_write(cli_ctx *ctx, const user_add_args *args)
{
	sj_err e = {0};
	int64_t id;
	sj_rc rc;
	int status;

	if ((rc = store_begin(ctx->s, &e)) != SJ_OK)
		return cli_fail(&e);
	rc = user_add(ctx->s, &scope_system, &args->in, &id, &e);
	for (size_t i = 0; rc == SJ_OK && i < args->n_checkpoints; i++)
		rc = user_checkpoint_add(ctx->s, &scope_system, id, args->checkpoints[i], &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "user.create", "user", id, json_pack("{s:s, s:s}",
		    "username", args->in.username, "role", args->in.role), &e);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	printf("%lld\n", (long long)id);
	return 0;
}

static int
user_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "group", required_argument, NULL, 'g' },
		{ "unit", required_argument, NULL, 'u' },
		{ "department", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "password-file", required_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	char password[AUTH_PASSWORD_MAX + 3];
	user_add_args args = {0};
	sj_err e = {0};
	arena a;
	char *end;
	int c, status;

	if (!cli_password_args_ok("user add", argc, argv))
		return 2;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r': args.in.role = optarg; break;
		case 'g': args.group = optarg; break;
		case 'u': args.unit = optarg; break;
		case 'd': args.department = optarg; break;
		case 'n': args.in.display_name = optarg; break;
		case 'p': args.password_file = optarg; break;
		case 'c':
			if (args.n_checkpoints == sizeof args.checkpoints / sizeof args.checkpoints[0])
				return cli_usage_error("user add", "at most 16 checkpoints");
			args.checkpoints[args.n_checkpoints] = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || args.checkpoints[args.n_checkpoints] < 1)
				return cli_usage_error("user add", "--checkpoint: '%s' is not an id", optarg);
			args.n_checkpoints++;
			break;
		default: return cli_usage_error("user add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("user add", "give one USERNAME");
	if (args.in.role == NULL)
		return cli_usage_error("user add", "--role is required");
	args.in.username = argv[optind];
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || user_links_resolve(ctx, &a, &args, &e) != SJ_OK ||
	    cli_read_password(args.password_file, args.in.username, password, sizeof password,
		&e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	args.in.password = password;
	status = user_add_write(ctx, &args);
out:
	sodium_memzero(password, sizeof password);
	arena_free(&a);
	return status;
}

/* ---- user list --------------------------------------------------------------- */

static int
user_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	app_user *u;
	size_t n;
	sj_err e = {0};
	arena a;
	int status = 0;

	if (argc != 1 && !json)
		return cli_usage_error("user list", "unexpected argument '%s'", argv[1]);
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    user_list(ctx->s, &scope_system, &a, &u, &n, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, jauth_user(&u[i]));
		cli_json_print(arr);
	} else {
		printf("%-5s %-16s %-11s %-9s %-24s %s\n", "id", "username", "role", "status",
		    "of", "name");
		for (size_t i = 0; i < n; i++)
			printf("%-5lld %-16s %-11s %-9s %-24s %s\n", (long long)u[i].id, u[i].username,
			    scope_role_name(u[i].role), u[i].disabled ? "disabled" : "active",
			    *u[i].link_name ? u[i].link_name : "-", u[i].display_name);
	}
	arena_free(&a);
	return status;
}

/* ---- user passwd, disable ---------------------------------------------------- */

/* Parse "USERNAME [--password-file F]" (file NULL when not allowed). */
static bool
parse_username(const char *cmd, int argc, char **argv, const char **username,
    const char **file)
{
	static const struct option opts[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	static const struct option none[] = { { 0, 0, 0, 0 } };
	int c;

	if (file && !cli_password_args_ok(cmd, argc, argv))
		return false;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", file ? opts : none, NULL)) != -1) {
		if (c != 'p' || file == NULL) {
			cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
			return false;
		}
		*file = optarg;
	}
	if (optind + 1 != argc) {
		cli_usage_error(cmd, "give one USERNAME");
		return false;
	}
	*username = argv[optind];
	return true;
}

static int
user_passwd_cmd(cli_ctx *ctx, int argc, char **argv)
{
	char password[AUTH_PASSWORD_MAX + 3];
	const char *username, *file = NULL;
	app_user u;
	sj_err e = {0};
	arena a;
	sj_rc rc;
	int status;

	if (!parse_username("user passwd", argc, argv, &username, &file))
		return 2;
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    user_find_by_username(ctx->s, &scope_system, &a, username, &u, &e) != SJ_OK ||
	    cli_read_password(file, u.username, password, sizeof password, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	rc = user_set_password(ctx->s, &scope_system, u.id, password, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "user.password_set", "user", u.id,
		    json_pack("{s:s}", "username", u.username), &e);
	status = cli_finish(ctx, rc, &e);
	if (status == 0)
		printf("password of %s changed; their sessions have ended\n", u.username);
out:
	sodium_memzero(password, sizeof password);
	arena_free(&a);
	return status;
}

static int
user_disable_cmd(cli_ctx *ctx, int argc, char **argv)
{
	const char *username;
	app_user u;
	sj_err e = {0};
	arena a;
	sj_rc rc;
	int status;

	if (!parse_username("user disable", argc, argv, &username, NULL))
		return 2;
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    user_find_by_username(ctx->s, &scope_system, &a, username, &u, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	rc = user_disable(ctx->s, &scope_system, u.id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "user.disable", "user", u.id,
		    json_pack("{s:s}", "username", u.username), &e);
	status = cli_finish(ctx, rc, &e);
	if (status == 0)
		printf("%s is disabled\n", u.username);
out:
	arena_free(&a);
	return status;
}

/* ---- user token, token-revoke ------------------------------------------------ */

static int
token_write(cli_ctx *ctx, const app_user *u, const char *name, long days)
{
	char token[CRYPT_TOKEN_SIZE], when[DT_RFC3339_LEN];
	int64_t expires_at = dt_now() + (int64_t)days * 86400, id;
	sj_err e = {0};
	sj_rc rc;
	int status;

	if ((rc = store_begin(ctx->s, &e)) != SJ_OK)
		return cli_fail(&e);
	rc = auth_token_create(ctx->s, ctx->keys, &scope_system, u->id, name, expires_at, token,
	    &id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "token.create", "api_token", id, json_pack("{s:s, s:s, s:I}",
		    "username", u->username, "name", name, "expires_at", (json_int_t)expires_at), &e);
	if ((status = cli_finish(ctx, rc, &e)) != 0) {
		sodium_memzero(token, sizeof token);
		return status;
	}
	dt_format_rfc3339(expires_at, when);
	printf("%s\n", token);
	fprintf(stderr, "API token %lld '%s' for %s, valid until %s.\n"
	    "It is shown only this once: store it now.\n", (long long)id, name, u->username, when);
	sodium_memzero(token, sizeof token);
	return 0;
}

static int
user_token_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "days", required_argument, NULL, 'd' },
		{ 0, 0, 0, 0 },
	};
	const char *name = NULL;
	long days = TOKEN_DAYS_DEFAULT;
	app_user u;
	sj_err e = {0};
	arena a;
	char *end;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'd':
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || days < 1 || days > TOKEN_DAYS_MAX)
				return cli_usage_error("user token", "--days: '%s' is not a number in "
				    "1..%d", optarg, TOKEN_DAYS_MAX);
			break;
		default: return cli_usage_error("user token", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("user token", "give one USERNAME");
	if (name == NULL)
		return cli_usage_error("user token", "--name is required");
	arena_init(&a);
	if (cli_open(ctx, true, &e) != SJ_OK ||
	    user_find_by_username(ctx->s, &scope_system, &a, argv[optind], &u, &e) != SJ_OK)
		status = cli_fail(&e);
	else
		status = token_write(ctx, &u, name, days);
	arena_free(&a);
	return status;
}

static int
user_token_revoke_cmd(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};
	char *end;
	long long id;
	sj_rc rc;
	int status;

	if (argc != 2)
		return cli_usage_error("user token-revoke", "give one token ID");
	id = strtoll(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || id < 1)
		return cli_usage_error("user token-revoke", "'%s' is not a token id", argv[1]);
	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = auth_token_revoke(ctx->s, &scope_system, id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "token.revoke", "api_token", id, NULL, &e);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	printf("API token %lld is revoked\n", id);
	return 0;
}

int
cmd_user(cli_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		cli_cmd_fn fn;
	} subs[] = {
		{ "add", user_add_cmd }, { "list", user_list_cmd }, { "passwd", user_passwd_cmd },
		{ "disable", user_disable_cmd }, { "token", user_token_cmd },
		{ "token-revoke", user_token_revoke_cmd },
	};

	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(user_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(ctx, argc - 1, argv + 1);
	return cli_usage_error("user", "unknown sub-command '%s'", argv[1]);
}

/* ---- department -------------------------------------------------------------- */

static const char department_usage[] =
	"usage: sijin department add NAME [--kind government|town]\n"
	"       sijin department list [--json]\n\n"
	"A department is a government department (e.g. 泰安市文化和旅游局; kind\n"
	"government, the default) or a town or subdistrict government (kind town) that\n"
	"service requests are referred to.  Lists are in pinyin order.\n";

static int
department_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ 0, 0, 0, 0 },
	};
	department d = {0};
	sj_err e = {0};
	int64_t id;
	sj_rc rc;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'k')
			return cli_usage_error("department add", "bad option '%s'", argv[optind - 1]);
		d.kind = optarg;
	}
	if (optind + 1 != argc)
		return cli_usage_error("department add", "give one NAME");
	d.name = argv[optind];
	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = department_add(ctx->s, &scope_system, &d, &id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "department.create", "department", id, json_pack("{s:s, s:s}",
		    "name", d.name, "kind", d.kind ? d.kind : "government"), &e);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	printf("%lld\n", (long long)id);
	return 0;
}

static int
department_list_cmd(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
	department *d;
	size_t n;
	sj_err e = {0};
	arena a;
	int status = 0;

	if (argc != 1 && !json)
		return cli_usage_error("department list", "unexpected argument '%s'", argv[1]);
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK || department_list(ctx->s, &a, &d, &n, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, jauth_department(&d[i]));
		cli_json_print(arr);
	} else {
		printf("%-5s %-11s %s\n", "id", "kind", "name");
		for (size_t i = 0; i < n; i++)
			printf("%-5lld %-11s %s\n", (long long)d[i].id, d[i].kind, d[i].name);
	}
	arena_free(&a);
	return status;
}

int
cmd_department(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(department_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return department_add_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return department_list_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("department", "unknown sub-command '%s'", argv[1]);
}
