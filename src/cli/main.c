/*
 * main — sijin's entry point: settings, then the command table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "core/log.h"
#include "core/text.h"
#include "domain/calendar.h"
#include "domain/retention.h"
#include "domain/task_line.h"
#include "store/migrate.h"

#define SIJIN_VERSION "0.1.0"

static const struct {
	const char *name;
	cli_cmd_fn fn;
	const char *help;
} commands[] = {
	{ "init",    cmd_init,    "create a database and its key file" },
	{ "demo",    cmd_demo,    "create a database holding the reference scenario" },
	{ "migrate", cmd_migrate, "apply pending schema migrations" },
	{ "serve",   cmd_serve,   "serve the JSON API until SIGTERM or SIGINT" },
	{ "config",  cmd_config,  "print the effective settings and where each came from" },
	{ "unit",    cmd_unit,    "list, add or show units (unit --help)" },
	{ "person",  cmd_person,  "add or find people (person --help)" },
	{ "user",    cmd_user,    "add, list, disable users; passwords and API tokens (user --help)" },
	{ "department", cmd_department, "add or list departments (department --help)" },
	{ "scan",    cmd_scan,    "record a scan at a checkpoint (scan --help)" },
	{ "trace",   cmd_trace,   "who shared a place with a person (trace --help)" },
	{ "pass",    cmd_pass,    "issue, revoke, show, verify personal passes (pass --help)" },
	{ "placecode", cmd_placecode, "show, print or rotate a checkpoint's place code (placecode --help)" },
	{ "visit",   cmd_visit,   "add, list or show visits to units and households (visit --help)" },
	{ "need",    cmd_need,    "turn a need found on a visit into a service request (need --help)" },
	{ "inspection", cmd_inspection, "inspections, findings, re-checks, checklists (inspection --help)" },
	{ "supply",  cmd_supply,  "items, sites, stock documents, stock, ledger, requests, exports (supply --help)" },
	{ "request", cmd_service_request, "service requests: add, list, show, refer, reply, resolve (request --help)" },
	{ "service", cmd_service, "list the services requests are raised under (service --help)" },
	{ "calendar", cmd_calendar, "load or show the working-day calendar (calendar --help)" },
	{ "plan",    cmd_plan,    "a work group's work plan: create, submit, approve, return (plan --help)" },
	{ "task",    cmd_task,    "tasks of a work group: add, list, notes, links, overdue (task --help)" },
	{ "meeting", cmd_meeting, "a work group's meetings and decisions (meeting --help)" },
	{ "workplan", cmd_workplan, "a work group's record, party branch, reporting in (workplan --help)" },
	{ "resumption", cmd_resumption, "work resumption of enterprises and projects: report, list, rate (resumption --help)" },
	{ "report",     cmd_report, "the daily report and its ledgers: text, HTML, JSON, CSV, XLSX (report --help)" },
	{ "backup",  cmd_backup,  "copy the live SQLite database into a new file and verify it" },
	{ "restore", cmd_restore, "verify a backup and put it in place as the database" },
	{ "import",  cmd_import,  "bulk import of scans: paper ledgers (CSV, NDJSON), check-in data (import --help)" },
	{ "export",  cmd_export,  "scans as a CSV ledger that import reads back (export --help)" },
	{ "purge",   cmd_purge,   "delete rows past their retention period (purge --help)" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *out)
{
	fprintf(out, "usage: sijin [settings] <command> [args]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "  version    print the version\n\nsettings (also SIJIN_* variables "
	    "and a --config file; see docs/config.md):\n");
	config_usage(out);
	fprintf(out, "\nexit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 not found,\n"
	    "4 conflict, 5 permission, 6 schema too new, 7 unavailable\n");
}

sj_rc
cli_open(cli_ctx *ctx, bool need_keys, sj_err *e)
{
	char key_path[4096];
	sj_rc rc;

	if ((rc = store_open(ctx->cfg->db, 0, &ctx->s, e)) != SJ_OK)
		return rc;
	if ((rc = migrate_check(ctx->s, e)) != SJ_OK)
		return rc;
	if (!need_keys)
		return SJ_OK;
	if ((rc = config_key_file_path(ctx->cfg, key_path, sizeof key_path, e)) != SJ_OK)
		return rc;
	return crypt_keys_load(key_path, &ctx->keys, e);
}

void
cli_json_print(json_t *j)
{
	/* Reals with 15 significant digits (C's DBL_DIG), not Jansson's 17: a
	 * double read from a decimal of at most 15 digits prints as that
	 * decimal (0.3, not 0.30000000000000004; C17 5.2.4.2.2). */
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	putchar('\n');
	json_decref(j);
}

int
cli_finish(cli_ctx *ctx, sj_rc rc, sj_err *e)
{
	if (rc == SJ_OK)
		rc = store_commit(ctx->s, e);
	else
		store_rollback(ctx->s);
	return rc == SJ_OK ? 0 : cli_fail(e);
}

int
cli_fail(const sj_err *e)
{
	sj_err_print(e);
	return sj_rc_exit_code(e->rc);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("sijin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see sijin %s --help\n", cmd);
	return 2;
}

const char *
cli_task_line(const char *arg)
{
	const task_line *l = task_line_find(arg);

	return l ? l->code : arg;
}

bool
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

int
cli_today_ymd(void)
{
	int y, m, d;

	dt_date_to_ymd(dt_date_of(dt_now()), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

static int
run(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("sijin %s\n", SIJIN_VERSION);
		return 0;
	}
	log_set_level((sj_log_level)ctx->cfg->log_level);
	/* libpq takes the password of a postgresql:// URL that has none from
	 * PGPASSWORD (then ~/.pgpass): db-password never shows in the URL. */
	if (ctx->cfg->db_password && *ctx->cfg->db_password &&
	    setenv("PGPASSWORD", ctx->cfg->db_password, 1) != 0)
		return cli_fail(&(sj_err){ .rc = SJ_EINTERNAL, .msg = "cannot set PGPASSWORD" });
	if (dt_zone_set(ctx->cfg->tz, &e) != SJ_OK || dt_now_from_env(&e) != SJ_OK ||
	    crypt_init(&e) != SJ_OK)
		return cli_fail(&e);
	calendar_cutoff_set(ctx->cfg->request_cutoff);
	retention_configure(ctx->cfg);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(ctx, argc - 1, argv + 1);
	fprintf(stderr, "sijin: unknown command '%s'; see sijin --help\n", argv[1]);
	return 2;
}

int
main(int argc, char **argv)
{
	sj_config cfg;
	cli_ctx ctx = { .cfg = &cfg };
	sj_err e = {0};
	int status;

	/* The database, its WAL and exports hold personal data and password
	 * hashes: files sijin creates are for the service user only. */
	umask(077);
	config_defaults(&cfg);
	if (config_load(&cfg, &argc, argv, NULL, &e) != SJ_OK) {
		config_free(&cfg);
		return cli_fail(&e);
	}
	status = run(&ctx, argc, argv);
	crypt_keys_free(ctx.keys);
	store_close(ctx.s);
	config_free(&cfg);
	text_thread_cleanup();
	return status;
}
