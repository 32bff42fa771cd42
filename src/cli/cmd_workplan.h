/*
 * cmd_workplan.h — helpers shared by the work-plan commands
 * (cmd_workplan.c: plan, task, workplan; cmd_meeting.c: meeting).
 * Internal to the CLI.
 */
#ifndef SJ_CMD_WORKPLAN_H
#define SJ_CMD_WORKPLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "core/datetime.h"

/* A positive decimal id of at most 15 digits, or 0 when s is not one. */
int64_t wp_arg_id(const char *s);

/* Print label then the date (YYYY-MM-DD), or "-" for TASK_DATE_NONE. */
void wp_print_date(const char *label, sj_date d);

/* Make a change: fn(ctx, arg, id, detail, e) writes it and sets *id and
 * *detail (a JSON object the audit event takes over; left NULL, no audit
 * event is written — an edit that changed nothing). */
typedef sj_rc (*change_fn)(cli_ctx *ctx, void *arg, int64_t *id, json_t **detail, sj_err *e);

/* Run fn in one transaction with its audit event (action, record type,
 * the id fn set) and finish the command: the exit code of cli_finish
 * (0, or the error's exit code after printing it).  *id_out (may be NULL)
 * receives the id. */
int wp_change(cli_ctx *ctx, const char *action, const char *type, change_fn fn, void *arg,
    int64_t *id_out);

/* Parse --json and exactly one positional argument of command cmd into
 * *arg and *json.  Returns 0, or the usage error's exit code (printed). */
int wp_one_arg(const char *cmd, int argc, char **argv, const char **arg, bool *json);

#endif
