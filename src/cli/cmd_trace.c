/*
 * cmd_trace — `sijin trace`: exposure tracing from the command line
 * (domain/trace.h).  The command builds the stay index from the store (one
 * pass over the retention window's stays), runs one trace as `system`,
 * audits it (`trace.run`, as the server does) and prints it.  Identity data
 * is not printed (ids only); --format csv|xlsx --out FILE writes the answer
 * as a ledger (domain/trace_export.h), masked unless --reveal, and audits
 * the export (`trace.export`).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/datetime.h"
#include "domain/person.h"
#include "domain/sheet.h"
#include "domain/trace.h"
#include "domain/trace_export.h"
#include "domain/trace_who.h"
#include "json/jtrace.h"

static const char trace_usage[] =
	"usage: sijin trace (--person ID | --id-number X | --mobile M | --pass TEXT)\n"
	"                   [--days N] [--min-overlap M]\n"
	"                   [--margin M] [--depth 1|2] [--exclude-home] [--at T] [--json]\n"
	"                   [--format csv|xlsx --out FILE [--reveal]]\n\n"
	"Everyone who shared a place with the index person (docs/trace.md): each contact\n"
	"once, with degree, total overlap and every overlapping interval, most exposed first.\n"
	"  --pass TEXT      the text of the person's pass QR code\n"
	"  --days N         the window: the last N days before --at (default 14)\n"
	"  --min-overlap M  minutes a contact must share in all (default 15)\n"
	"  --margin M       minutes added after each of the index person's stays (default 0)\n"
	"  --depth D        1 (default) or 2: also whom the contacts met afterwards\n"
	"  --exclude-home   ignore people met at their own home place\n"
	"  --at T           trace as of instant T (RFC 3339; default now)\n"
	"  --format F       write the answer to --out as csv or xlsx (masked; --reveal: clear)\n"
	"Exit 0 with the answer; 2 for bad input (the message names the parameter).\n";

static bool
opt_int(const char *name, const char *s, int64_t *v)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0') {
		cli_usage_error("trace", "--%s: '%s' is not a whole number", name, s);
		return false;
	}
	*v = n;
	return true;
}

static void
print_text(const trace_result *r)
{
	char a[DT_RFC3339_LEN], b[DT_RFC3339_LEN];

	dt_format_rfc3339(r->params.from, a);
	dt_format_rfc3339(r->params.to, b);
	printf("person %lld  [%s, %s)  min overlap %lld min  margin %lld min  depth %d\n",
	    (long long)r->params.person_id, a, b, (long long)r->params.min_overlap_s / 60,
	    (long long)r->params.margin_s / 60, r->params.depth);
	for (size_t i = 0; i < r->n_own; i++) {
		dt_format_rfc3339(r->own[i].entry_at, a);
		dt_format_rfc3339(r->own[i].exit_at, b);
		printf("stay  place %lld  [%s, %s)\n", (long long)r->own[i].place_id, a, b);
	}
	printf("%zu contacts (%zu first degree, %zu second)\n", r->n_contacts, r->n_first,
	    r->n_second);
	for (size_t i = 0; i < r->n_contacts; i++) {
		const trace_contact *c = &r->contacts[i];

		printf("person %lld  degree %d  %lld s\n", (long long)c->person_id, c->degree,
		    (long long)c->total_s);
		for (size_t j = 0; j < c->n_intervals; j++) {
			trace_interval iv = trace_result_interval(r, c, j);

			dt_format_rfc3339(iv.from, a);
			dt_format_rfc3339(iv.to, b);
			printf("  place %lld  [%s, %s)  %lld s", (long long)iv.place_id, a, b,
			    (long long)iv.seconds);
			if (iv.via_person_id)
				printf("  via %lld", (long long)iv.via_person_id);
			putchar('\n');
		}
	}
}

/* The trace.run audit event: the parameters and the number of contacts. */
static sj_rc
audit_run(cli_ctx *ctx, const trace_result *r, sj_err *e)
{
	json_t *j = jtrace_result(r);
	json_t *detail = json_deep_copy(json_object_get(j, "params"));
	sj_rc rc;

	json_decref(j);
	json_object_set_new(detail, "n_contacts", json_integer((json_int_t)r->n_contacts));
	if ((rc = store_begin(ctx->s, e)) != SJ_OK) {
		json_decref(detail);
		return rc;
	}
	if ((rc = cli_audit(ctx, "trace.run", "person", r->params.person_id, detail, e)) != SJ_OK) {
		store_rollback(ctx->s);
		return rc;
	}
	return store_commit(ctx->s, e);
}

/* Write r to path as format and audit the export (`trace.export`). */
static sj_rc
export_answer(cli_ctx *ctx, const trace_result *r, int format, bool reveal, const char *path,
    sj_err *e)
{
	int64_t rows = 0;
	sj_rc rc = trace_export(ctx->s, ctx->keys, &scope_system, r, format, reveal, path, 0, &rows,
	    e);

	if (rc != SJ_OK) {
		remove(path);
		return rc;
	}
	if ((rc = store_begin(ctx->s, e)) != SJ_OK)
		return rc;
	rc = cli_audit(ctx, "trace.export", "person", r->params.person_id, json_pack(
	    "{s:s, s:b, s:I, s:I}", "format", sheet_format_ext(format), "reveal", reveal,
	    "contacts", (json_int_t)r->n_contacts, "rows", (json_int_t)rows), e);
	if (rc != SJ_OK) {
		store_rollback(ctx->s);
		return rc;
	}
	return store_commit(ctx->s, e);
}

int
cmd_trace(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "person", required_argument, NULL, 'p' },
		{ "id-number", required_argument, NULL, 'i' },
		{ "mobile", required_argument, NULL, 'M' },
		{ "pass", required_argument, NULL, 'P' },
		{ "days", required_argument, NULL, 'd' },
		{ "min-overlap", required_argument, NULL, 'm' },
		{ "margin", required_argument, NULL, 'g' },
		{ "depth", required_argument, NULL, 'D' },
		{ "exclude-home", no_argument, NULL, 'x' },
		{ "at", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "reveal", no_argument, NULL, 'R' },
		{ 0, 0, 0, 0 },
	};
	int64_t person_id = 0, days = 14, min_overlap = 15, margin = 0, depth = 1;
	int64_t at = dt_now();
	trace_who who = {0};
	arena a;
	const char *format = NULL, *out = NULL;
	bool json = false, exclude_home = false, reveal = false;
	trace_params p;
	trace_result r;
	sj_err e = {0};
	int c;

	if (cli_wants_help(argc, argv)) {
		fputs(trace_usage, stdout);
		return 0;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p': if (!opt_int("person", optarg, &person_id)) return 2; break;
		case 'i': who.id_number = optarg; break;
		case 'M': who.mobile = optarg; break;
		case 'P': who.pass = optarg; break;
		case 'd': if (!opt_int("days", optarg, &days)) return 2; break;
		case 'm': if (!opt_int("min-overlap", optarg, &min_overlap)) return 2; break;
		case 'g': if (!opt_int("margin", optarg, &margin)) return 2; break;
		case 'D': if (!opt_int("depth", optarg, &depth)) return 2; break;
		case 'x': exclude_home = true; break;
		case 'a':
			if (dt_parse_rfc3339(optarg, "at", &at, &e) != SJ_OK)
				return cli_fail(&e);
			break;
		case 'j': json = true; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'R': reveal = true; break;
		default: return cli_usage_error("trace", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("trace", "unexpected argument '%s'", argv[optind]);
	who.person_id = person_id;
	if ((person_id != 0) + (who.id_number != NULL) + (who.mobile != NULL) + (who.pass != NULL) != 1)
		return cli_usage_error("trace", "give one of --person, --id-number, --mobile or --pass");
	if (format && sheet_format_parse(format) < 0)
		return cli_usage_error("trace", "--format: use csv or xlsx");
	if ((format != NULL) != (out != NULL))
		return cli_usage_error("trace", "give --format and --out together");
	if (days < 1 || days > 3660)
		return cli_fail(&(sj_err){ SJ_EINVAL, "days", "must be 1 to 3660" });
	if (cli_open(ctx, person_id == 0 || reveal, &e) != SJ_OK)
		return cli_fail(&e);
	arena_init(&a);
	sj_rc rc = trace_who_resolve(ctx->s, ctx->keys, &scope_system, &a, &who, &person_id, &e);

	arena_free(&a);
	if (rc != SJ_OK)
		return cli_fail(&e);
	trace_params_default(&p, person_id, at);
	p.from = at - days * 86400;
	/* Checked here as int64: the cast would make 2^32 + 2 a depth of 2. */
	if (depth != 1 && depth != 2)
		return cli_fail(&(sj_err){ SJ_EINVAL, "depth", "must be 1 or 2" });
	p.depth = (int)depth;
	p.exclude_home = exclude_home;
	p.retention_s = (int64_t)ctx->cfg->retention_days * 86400;
	if (trace_params_minutes(&p, min_overlap, margin, &e) != SJ_OK ||
	    trace_params_check(&p, &e) != SJ_OK)
		return cli_fail(&e);
	/* Instants count from the retention horizon, 32-bit seconds ahead. */
	trace_index *ix = trace_index_new(at - p.retention_s);

	rc = trace_index_load(ix, ctx->s, at - p.retention_s, &e);
	if (rc == SJ_OK)
		rc = trace_run(ix, &p, &r, &e);
	trace_index_free(ix);
	if (rc == SJ_OK && (rc = audit_run(ctx, &r, &e)) != SJ_OK)
		trace_result_free(&r);
	if (rc != SJ_OK)
		return cli_fail(&e);
	if (format)
		rc = export_answer(ctx, &r, sheet_format_parse(format), reveal, out, &e);
	else if (json)
		cli_json_print(jtrace_result(&r));
	else
		print_text(&r);
	trace_result_free(&r);
	return rc == SJ_OK ? 0 : cli_fail(&e);
}
