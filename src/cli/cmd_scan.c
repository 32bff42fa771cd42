/*
 * cmd_scan — `sijin scan`: record one scan at a checkpoint from the command
 * line, through the same domain code as the HTTP path (scan_record: checked,
 * screened, written with its stays and alert in one durable transaction).
 * The command line runs as `system` (domain/scope.h), with no operator.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "domain/scan.h"
#include "domain/scancode.h"
#include "json/jscan.h"

static const char scan_usage[] =
	"usage: sijin scan --checkpoint ID (--id-number X | --person ID | --code C)\n"
	"                  --direction in|out\n"
	"                  [--temperature T] [--time T] [--key K] [--source S] [--json]\n\n"
	"Record a scan at checkpoint ID and print the decision (pass, alert or deny) with\n"
	"its reasons, the person (masked) and what the scan did to their stay.\n"
	"  --id-number X    an identity number as typed (18 characters; x or X last)\n"
	"  --person ID      a registered person by id instead\n"
	"  --code C         a scanned code: a personal pass (SJP1...), verified offline\n"
	"                   (docs/codes.md), or an identity number\n"
	"  --temperature T  as read: 36.8, 37,5, 36.8°C or 98.6°F (°F needs its unit)\n"
	"  --time T         RFC 3339 with an offset, e.g. 2020-03-23T09:00:00+08:00;\n"
	"                   default now\n"
	"  --key K          idempotency key: the same key again stores nothing and\n"
	"                   prints the first answer\n"
	"  --source S       attendant (default) or import\n"
	"Exit 0 when the scan was recorded (whatever the decision); 2 for bad input\n"
	"(the message names the field), 3 for an unknown checkpoint or person.\n";

static void
print_text(const scan_result *r)
{
	char at[DT_RFC3339_LEN], t[DT_RFC3339_LEN], reasons[160], temp[16] = "";
	size_t len = 0;

	reasons[0] = '\0';
	for (int i = 0; i < SCAN_R_COUNT; i++)
		if (r->reasons & (1u << i))
			len += (size_t)snprintf(reasons + len, sizeof reasons - len, "%s%s",
			    len ? "," : "", screening_reason_name(1u << i));
	if (r->temperature) {
		screening_temp_format(r->temperature, temp);
		strcat(temp, " °C");
	}
	dt_format_rfc3339(r->at, at);
	printf("%s%s%s  scan %lld  %s  %s  %s  %s%s\n", screening_decision_name(r->decision),
	    reasons[0] ? " " : "", reasons, (long long)r->id, scan_direction_name(r->direction), at,
	    r->person_name[0] ? r->person_name : (r->id_number_mask[0] ? r->id_number_mask : "?"),
	    temp, r->replayed ? "  (replayed: already recorded)" : "");
	if (r->stay_action != STAY_NONE && r->stay_id) {
		dt_format_rfc3339(r->stay_entry_at, at);
		dt_format_rfc3339(r->stay_exit_at, t);
		printf("stay %lld %s  [%s, %s)%s\n", (long long)r->stay_id,
		    jscan_stay_action(r->stay_action), at, t,
		    r->stay_exit_recorded ? "" : "  exit not recorded");
	}
	if (r->alert_id)
		printf("alert %lld raised\n", (long long)r->alert_id);
}

/* Parse --checkpoint / --person. */
static bool
opt_id(const char *name, const char *s, int64_t *v)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 1) {
		cli_usage_error("scan", "--%s: '%s' is not an id", name, s);
		return false;
	}
	*v = n;
	return true;
}

int
cmd_scan(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "id-number", required_argument, NULL, 'i' },
		{ "person", required_argument, NULL, 'p' },
		{ "code", required_argument, NULL, 'C' },
		{ "direction", required_argument, NULL, 'd' },
		{ "temperature", required_argument, NULL, 't' },
		{ "time", required_argument, NULL, 'T' },
		{ "key", required_argument, NULL, 'k' },
		{ "source", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *direction = NULL, *temperature = NULL, *time = NULL, *source = NULL;
	const char *code = NULL;
	int64_t place_id, now;
	scan_input in = { .source = SCAN_SRC_ATTENDANT };
	scan_settings settings;
	scan_result res;
	sj_err e = {0};
	bool json = false;
	int c;

	if (cli_wants_help(argc, argv)) {
		fputs(scan_usage, stdout);
		return 0;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c': if (!opt_id("checkpoint", optarg, &in.checkpoint_id)) return 2; break;
		case 'i': in.id_number = optarg; break;
		case 'p': if (!opt_id("person", optarg, &in.person_id)) return 2; break;
		case 'C': code = optarg; break;
		case 'd': direction = optarg; break;
		case 't': temperature = optarg; break;
		case 'T': time = optarg; break;
		case 'k': in.key = optarg; break;
		case 's': source = optarg; break;
		case 'j': json = true; break;
		default: return cli_usage_error("scan", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("scan", "unexpected argument '%s'", argv[optind]);
	if (in.checkpoint_id == 0)
		return cli_usage_error("scan", "--checkpoint is required");
	if (direction == NULL)
		return cli_usage_error("scan", "--direction is required (in or out)");
	if (!!in.id_number + !!in.person_id + !!code > 1)
		return cli_usage_error("scan", "give one of --id-number, --person or --code");
	if ((source && scan_source_parse(source, &in.source, &e) != SJ_OK) ||
	    scan_direction_parse(direction, &in.direction, &e) != SJ_OK ||
	    (temperature && screening_temp_parse(temperature, &in.temperature, &e) != SJ_OK) ||
	    (time && dt_parse_rfc3339(time, "time", &in.at, &e) != SJ_OK))
		return cli_fail(&e);
	/* in.at 0 is "no --time: now" (scan_record), so the epoch cannot be
	 * given: what a device whose clock was never set writes (as jb_read) */
	if (time && in.at <= 0) {
		sj_fail(&e, SJ_EINVAL, "time", "must be after 1970-01-01T00:00:00Z (a clock that was "
		    "never set?)");
		return cli_fail(&e);
	}
	if (cli_open(ctx, true, &e) != SJ_OK)
		return cli_fail(&e);
	scan_settings_of(ctx->cfg, &settings);
	now = dt_now();
	/* a code names its holder as over HTTP: a pass is verified for the
	 * checkpoint's place at the time of the scan */
	if (code && (scancode_checkpoint(ctx->s, &scope_system, in.checkpoint_id, &place_id, &e)
	    != SJ_OK || scancode_resolve(ctx->s, ctx->keys, code, place_id, now, &in, &e) != SJ_OK))
		return cli_fail(&e);
	if (scan_record(ctx->s, ctx->keys, &settings, &scope_system, &in, now, &res, &e) != SJ_OK)
		return cli_fail(&e);
	if (json)
		cli_json_print(jscan_result(&res));
	else
		print_text(&res);
	return 0;
}
