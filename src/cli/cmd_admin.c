/*
 * cmd_admin — init, demo, migrate, config: setting a database up.
 */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "store/migrate.h"

/* Load the key file, creating it first when it does not exist. */
static sj_rc
keys_ensure(cli_ctx *ctx, bool *created, sj_err *e)
{
	char path[4096];
	struct stat st;
	sj_rc rc;

	*created = false;
	if ((rc = config_key_file_path(ctx->cfg, path, sizeof path, e)) != SJ_OK)
		return rc;
	if (stat(path, &st) != 0) {
		if ((rc = crypt_key_create(path, e)) != SJ_OK)
			return rc;
		*created = true;
	}
	return crypt_keys_load(path, &ctx->keys, e);
}

/* Create (or open) the database and bring it to the binary's schema. */
static sj_rc
db_create(cli_ctx *ctx, int *applied, sj_err *e)
{
	sj_rc rc;

	if ((rc = store_open(ctx->cfg->db, STORE_CREATE, &ctx->s, e)) != SJ_OK)
		return rc;
	return migrate_apply(ctx->s, applied, e);
}

/* The first administrator, with the event that records it, in one
 * transaction. */
static sj_rc
init_admin(cli_ctx *ctx, const char *username, const char *password, sj_err *e)
{
	user_input in = { .username = username, .role = "admin", .password = password };
	int64_t id;
	sj_rc rc;

	if ((rc = store_begin(ctx->s, e)) != SJ_OK)
		return rc;
	if ((rc = user_add(ctx->s, &scope_system, &in, &id, e)) != SJ_OK ||
	    (rc = cli_audit(ctx, "user.create", "user", id, json_pack("{s:s, s:s}",
		"username", username, "role", "admin"), e)) != SJ_OK) {
		store_rollback(ctx->s);
		return rc;
	}
	return store_commit(ctx->s, e);
}

/* Create the key file (unless one exists), the database and the first
 * administrator.  On failure remove what this run created. */
static sj_rc
init_create(cli_ctx *ctx, const char *admin, const char *password, int *applied,
    bool *created, sj_err *e)
{
	char key_path[4096];
	sj_rc rc;

	if ((rc = keys_ensure(ctx, created, e)) != SJ_OK ||
	    (rc = db_create(ctx, applied, e)) != SJ_OK ||
	    (rc = init_admin(ctx, admin, password, e)) != SJ_OK) {
		store_close(ctx->s);
		ctx->s = NULL;
		store_destroy(ctx->cfg->db, NULL);
		if (*created && config_key_file_path(ctx->cfg, key_path, sizeof key_path, NULL) == SJ_OK)
			unlink(key_path);
	}
	return rc;
}

int
cmd_init(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "admin", required_argument, NULL, 'a' },
		{ "admin-password-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	char password[AUTH_PASSWORD_MAX + 3];
	const char *admin = "admin", *file = NULL;
	sj_err e = {0};
	bool created = false, exists;
	char *shown;
	int c, applied, status = 0;

	if (!cli_password_args_ok("init", argc, argv))
		return 2;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': admin = optarg; break;
		case 'p': file = optarg; break;
		case 'h':
			printf("usage: sijin init [--db PATH] [--admin USERNAME] [--admin-password-file F]\n\n"
			    "Create an empty database at --db (default sijin.db) with the current schema,\n"
			    "the key file that protects personal data (default <db>.key, mode 0600;\n"
			    "see docs/keys.md), and the first administrator, USERNAME (default admin).\n"
			    "An existing key file is kept and used.  The administrator's password (at\n"
			    "least 10 characters) is the first line of F, else typed twice at the\n"
			    "terminal, else the first line of standard input; without one nothing is\n"
			    "written.\n");
			return 0;
		default:
			return cli_usage_error("init", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
	if (store_exists(ctx->cfg->db, &exists, &e) != SJ_OK)
		return cli_fail(&e);
	if (exists) {
		shown = store_url_mask(ctx->cfg->db);
		sj_fail(&e, SJ_ECONFLICT, "db", "%s already exists; use `sijin migrate` to upgrade it",
		    shown);
		free(shown);
		return cli_fail(&e);
	}
	/* Everything is checked before anything is written. */
	if (user_check_username(admin, &e) != SJ_OK ||
	    cli_read_password(file, admin, password, sizeof password, &e) != SJ_OK ||
	    user_check_password(admin, password, &e) != SJ_OK ||
	    init_create(ctx, admin, password, &applied, &created, &e) != SJ_OK)
		status = cli_fail(&e);
	else
		printf("created %s (schema version %d)%s with administrator %s\n",
		    store_url(ctx->s), applied, created ? " and its key file" : "", admin);
	sodium_memzero(password, sizeof password);
	return status;
}

static void
summary_print(const demo_summary *sum, bool json)
{
	json_t *o;

	if (!json) {
		printf("reference scenario loaded (SCENARIO.md):\n");
		for (int i = 0; i < sum->n_counts; i++)
			printf("  %-14s %lld\n", sum->counts[i].label, (long long)sum->counts[i].n);
		return;
	}
	o = json_object();
	for (int i = 0; i < sum->n_counts; i++)
		json_object_set_new(o, sum->counts[i].label, json_integer(sum->counts[i].n));
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

int
cmd_demo(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	bool force = false, json = false, created, exists;
	demo_summary sum;
	sj_err e = {0};
	char *shown;
	int c, applied;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":fjh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'j': json = true; break;
		case 'h':
			printf("usage: sijin demo [--db PATH] [--force] [--json]\n\n"
			    "Create a fresh database holding the reference scenario of SCENARIO.md:\n"
			    "the work group, its leader, its five units, 华新新干线小区 with its\n"
			    "monitoring point and the two visited households.  An existing database\n"
			    "is refused unless --force, which replaces it (the key file is kept).\n");
			return 0;
		default:
			return cli_usage_error("demo", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
	if (store_exists(ctx->cfg->db, &exists, &e) != SJ_OK)
		return cli_fail(&e);
	if (exists) {
		if (!force) {
			shown = store_url_mask(ctx->cfg->db);
			sj_fail(&e, SJ_ECONFLICT, "db", "%s already exists; add --force to replace it",
			    shown);
			free(shown);
			return cli_fail(&e);
		}
		if (store_destroy(ctx->cfg->db, &e) != SJ_OK)
			return cli_fail(&e);
	}
	if (keys_ensure(ctx, &created, &e) != SJ_OK || db_create(ctx, &applied, &e) != SJ_OK ||
	    demo_load(ctx->s, ctx->keys, &sum, &e) != SJ_OK)
		return cli_fail(&e);
	summary_print(&sum, json);
	return 0;
}

int
cmd_migrate(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};
	int applied, version;

	if (cli_wants_help(argc, argv)) {
		printf("usage: sijin migrate [--db PATH]\n\n"
		    "Apply the schema migrations the database lacks, each in its own transaction.\n"
		    "A database newer than this binary is refused (exit code 6).\n");
		return 0;
	}
	if (argc > 1)
		return cli_usage_error("migrate", "unexpected argument '%s'", argv[1]);
	if (store_open(ctx->cfg->db, 0, &ctx->s, &e) != SJ_OK ||
	    migrate_apply(ctx->s, &applied, &e) != SJ_OK ||
	    migrate_version(ctx->s, &version, &e) != SJ_OK)
		return cli_fail(&e);
	printf("applied %d migration%s; schema version %d\n", applied, applied == 1 ? "" : "s",
	    version);
	return 0;
}

int
cmd_config(cli_ctx *ctx, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: sijin [settings] config\n\n"
		    "Print every setting's effective value and the source that set it\n"
		    "(default, the config file, a SIJIN_* variable, or a flag).\n");
		return 0;
	}
	if (argc > 1)
		return cli_usage_error("config", "unexpected argument '%s'", argv[1]);
	config_print(ctx->cfg, stdout);
	return 0;
}
