/*
 * cmd_supply.h — helpers shared by the supply commands (cmd_supply.c:
 * items, sites, documents, requests, shortages; cmd_supply_ledger.c:
 * stock, ledger, export).  Internal to the CLI; every lookup runs in the
 * system scope, as every command does.
 */
#ifndef SJ_CMD_SUPPLY_H
#define SJ_CMD_SUPPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/datetime.h"
#include "domain/supply.h"

/* Parse the value s of option --name (YYYY-MM-DD) of command cmd into
 * *out.  False after printing the usage error. */
bool supply_opt_date(const char *cmd, const char *name, const char *s, sj_date *out);

/* A supply site by id or exact name into *id (0 on error).  Errors:
 * SJ_ENOTFOUND naming field, or the store's. */
sj_rc supply_site_ref(cli_ctx *ctx, arena *a, const char *ref, const char *field, int64_t *id,
    sj_err *e);

/* A unit by id or exact name into *id (0 on error).  Errors: SJ_ENOTFOUND
 * ("unit"), or the store's. */
sj_rc supply_unit_ref(cli_ctx *ctx, arena *a, const char *ref, int64_t *id, sj_err *e);

/* A supply item by id or exact name into *it, its strings in a.  Errors:
 * SJ_ENOTFOUND ("item"), or the store's. */
sj_rc supply_item_ref(cli_ctx *ctx, arena *a, const char *ref, supply_item *it, sj_err *e);

/* The sub-commands of cmd_supply_ledger.c: argv[0] is the sub-command's
 * name; each returns the exit code (0, 2 usage, or the error's). */
int supply_stock_cmd(cli_ctx *ctx, int argc, char **argv);
int supply_ledger_cmd(cli_ctx *ctx, int argc, char **argv);
int supply_export_cmd(cli_ctx *ctx, int argc, char **argv);

#endif
