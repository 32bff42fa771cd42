/*
 * cli — the command line: `sijin <command> [args]`.
 *
 * A thin translator: it parses arguments, calls domain modules with the
 * `system` scope, and prints results as aligned text or, with --json, as
 * JSON built with jansson.  Errors print one line, "sijin: <field>:
 * <reason>", to stderr and exit with the code of sj_rc_exit_code() (the
 * table is in README.md).  Settings flags (--db, --tz, ...) are handled by
 * core/config before a command sees its arguments.
 */
#ifndef SJ_CLI_H
#define SJ_CLI_H

#include <stdbool.h>

#include "core/config.h"
#include "core/crypt.h"
#include "core/err.h"
#include "store/store.h"

typedef struct cli_ctx {
	sj_config *cfg;
	store *s;           /* opened by cli_open() */
	crypt_keys *keys;   /* loaded by cli_open() when asked */
} cli_ctx;

/* A command: argv[0] is the command's name (or sub-command's), the rest
 * its arguments.  Returns the process exit code. */
typedef int (*cli_cmd_fn)(cli_ctx *ctx, int argc, char **argv);

/* Open the configured database (which must exist and be at the binary's
 * schema version) and, when need_keys, the key file.  Errors as store_open,
 * migrate_check, crypt_keys_load. */
sj_rc cli_open(cli_ctx *ctx, bool need_keys, sj_err *e);

/* Print e and return its exit code. */
int cli_fail(const sj_err *e);

/* Print a usage error ("sijin: <msg>; see sijin <cmd> --help") and return
 * exit code 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* True when argv[i] is -h or --help for some i ≥ 1. */
bool cli_wants_help(int argc, char **argv);

/* Today's local date as YYYYMMDD, for identity-number checks. */
int cli_today_ymd(void);

/* The commands, in src/cli/cmd_*.c. */
int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_demo(cli_ctx *ctx, int argc, char **argv);
int cmd_migrate(cli_ctx *ctx, int argc, char **argv);
int cmd_config(cli_ctx *ctx, int argc, char **argv);
int cmd_unit(cli_ctx *ctx, int argc, char **argv);
int cmd_person(cli_ctx *ctx, int argc, char **argv);

#endif
