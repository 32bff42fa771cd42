/*
 * cmd_purge — `sijin purge [--dry-run] [--json]`: delete the rows whose
 * retention period has run out (domain/purge.h, docs/retention.md), print
 * the rows per table, and put the run on the audit log.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/audit.h"
#include "json/jpurge.h"

static const char purge_usage[] =
    "usage: sijin [settings] purge [--dry-run] [--json]\n\n"
    "Delete the rows whose retention period has run out (docs/retention.md):\n"
    "scans and scan alerts older than retention-days, outsider registrations that\n"
    "stopped being valid more than retention-outsider-days ago, household notes of\n"
    "visits more than retention-visit-note-days ago, service requests finished more\n"
    "than retention-requests-days ago (with their history, referrals, attributes,\n"
    "resumption blockers and task links), and then the person records left with no\n"
    "basis.  Prints the rows deleted per table; the run is audited.\n"
    "  --dry-run  count the same rows and delete nothing (one transaction, rolled back)\n"
    "  --json     print the report as JSON\n";

static void
print_text(const purge_report *r)
{
	char at[DT_RFC3339_LEN];
	int64_t total = 0;

	dt_format_rfc3339(r->now, at);
	printf("%s at %s\n", r->dry_run ? "purge --dry-run (nothing deleted)" : "purge", at);
	for (int k = 0; k < RETENTION__N; k++) {
		dt_format_rfc3339(r->cutoff[k], at);
		printf("  cut-off %-10s %s (%d days)\n", retention_class_name((retention_class)k),
		    at, retention_days((retention_class)k));
	}
	for (int t = 0; t < PURGE__N; t++) {
		printf("%-22s %lld\n", purge_table_name((purge_table)t), (long long)r->rows[t]);
		total += r->rows[t];
	}
	printf("%-22s %lld\n", "total", (long long)total);
}

int
cmd_purge(cli_ctx *ctx, int argc, char **argv)
{
	sj_err e = {0};
	purge_report r;
	bool dry_run = false, json = false;

	if (cli_wants_help(argc, argv)) {
		fputs(purge_usage, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else
			return cli_usage_error("purge", "unexpected argument '%s'", argv[i]);
	}
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	if (jpurge_run_audited(ctx->s, dt_now(), dry_run, AUDIT_USERNAME_CLI, &r, &e) != SJ_OK)
		return cli_fail(&e);
	if (json)
		cli_json_print(jpurge_report(&r));
	else
		print_text(&r);
	return 0;
}
