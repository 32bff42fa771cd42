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

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Print j (stolen) as indented JSON on stdout, one document; reals with
 * 15 significant digits, so a value rounded to a few decimals prints as
 * those decimals. */
void cli_json_print(json_t *j);

/* End the transaction a command opened: commit when rc is SJ_OK, roll
 * back otherwise.  Returns 0, or the exit code after printing the error. */
int cli_finish(cli_ctx *ctx, sj_rc rc, sj_err *e);

/* Print e and return its exit code. */
int cli_fail(const sj_err *e);

/* Print a usage error ("sijin: <msg>; see sijin <cmd> --help") and return
 * exit code 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The code of the task line arg names, by code or by its Chinese name
 * ("保障民生" → "livelihood", domain/task_line.h); arg itself when it names
 * none, so that the module's check reports it with its field. */
const char *cli_task_line(const char *arg);

/* True when argv[i] is -h or --help for some i ≥ 1. */
bool cli_wants_help(int argc, char **argv);

/* Today's local date as YYYYMMDD, for identity-number checks. */
int cli_today_ymd(void);

/* Read a new password for username into out[n] (n at least
 * AUTH_PASSWORD_MAX + 3): the first line of file when file is not NULL;
 * else, when standard input is a terminal, typed twice with echo off
 * (termios) after a prompt on stderr; else the first line of standard
 * input.  The line end is removed.  The caller wipes out after use
 * (sodium_memzero).  Errors: SJ_EIO ("password_file") when the file
 * cannot be opened; SJ_EINVAL ("password") for an empty or missing line
 * ("no password given: ..."), a line over 1024 bytes, or two entries that
 * differ.  The policy (auth.h user_check_password) is not checked here. */
sj_rc cli_read_password(const char *file, const char *username, char *out, size_t n,
    sj_err *e);

/* False, after printing a usage error for cmd, when argv holds an option
 * "--password" or "--admin-password" (alone or with "=value"): GNU getopt
 * would take it as an abbreviation of --password-file, and the password
 * would end up in the process list and in the error message. */
bool cli_password_args_ok(const char *cmd, int argc, char **argv);

/* Append the audit event of a command-line change (username "cli", no
 * user, no address) in the open transaction: action e.g. "user.create",
 * object_type and object_id (0 = none) the record changed, detail a JSON
 * object of the parameters or NULL; detail's reference is taken (freed
 * here).  Errors: those of audit_record. */
sj_rc cli_audit(cli_ctx *ctx, const char *action, const char *object_type, int64_t object_id,
    json_t *detail, sj_err *e);

/* The commands, in src/cli/cmd_*.c. */
int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_demo(cli_ctx *ctx, int argc, char **argv);
int cmd_migrate(cli_ctx *ctx, int argc, char **argv);
int cmd_config(cli_ctx *ctx, int argc, char **argv);
int cmd_unit(cli_ctx *ctx, int argc, char **argv);
int cmd_person(cli_ctx *ctx, int argc, char **argv);
int cmd_user(cli_ctx *ctx, int argc, char **argv);
int cmd_department(cli_ctx *ctx, int argc, char **argv);
int cmd_serve(cli_ctx *ctx, int argc, char **argv);
int cmd_scan(cli_ctx *ctx, int argc, char **argv);       /* cmd_scan.c */
int cmd_trace(cli_ctx *ctx, int argc, char **argv);      /* cmd_trace.c */
int cmd_service_request(cli_ctx *ctx, int argc, char **argv); /* cmd_request.c: `request` */
int cmd_service(cli_ctx *ctx, int argc, char **argv);    /* cmd_request.c */
int cmd_calendar(cli_ctx *ctx, int argc, char **argv);   /* cmd_request.c */
int cmd_pass(cli_ctx *ctx, int argc, char **argv);       /* cmd_codes.c */
int cmd_placecode(cli_ctx *ctx, int argc, char **argv);  /* cmd_codes.c */
int cmd_visit(cli_ctx *ctx, int argc, char **argv);      /* cmd_visit.c */
int cmd_need(cli_ctx *ctx, int argc, char **argv);       /* cmd_visit.c */
int cmd_inspection(cli_ctx *ctx, int argc, char **argv); /* cmd_visit.c */
int cmd_supply(cli_ctx *ctx, int argc, char **argv);     /* cmd_supply.c */
int cmd_plan(cli_ctx *ctx, int argc, char **argv);       /* cmd_workplan.c */
int cmd_task(cli_ctx *ctx, int argc, char **argv);       /* cmd_workplan.c */
int cmd_meeting(cli_ctx *ctx, int argc, char **argv);    /* cmd_workplan.c */
int cmd_workplan(cli_ctx *ctx, int argc, char **argv);   /* cmd_workplan.c */
int cmd_resumption(cli_ctx *ctx, int argc, char **argv); /* cmd_resumption.c */
int cmd_report(cli_ctx *ctx, int argc, char **argv);     /* cmd_report.c */
int cmd_backup(cli_ctx *ctx, int argc, char **argv);     /* cmd_backup.c */
int cmd_restore(cli_ctx *ctx, int argc, char **argv);    /* cmd_backup.c */
int cmd_import(cli_ctx *ctx, int argc, char **argv);     /* cmd_import.c */
int cmd_export(cli_ctx *ctx, int argc, char **argv);     /* cmd_import.c */
int cmd_purge(cli_ctx *ctx, int argc, char **argv);      /* cmd_purge.c */

#endif
