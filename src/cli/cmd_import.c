/*
 * cmd_import — `sijin import scans|checkins FILE` and `sijin export scans`
 * (issue 5 "Bulk import", "Real input"; docs/import.md).  The command line
 * imports as `system`, with no operator; each batch's transaction carries
 * an audit event "scan.import" with the batch's figures.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "core/log.h"
#include "domain/checkins.h"
#include "domain/scan_export.h"
#include "domain/scan_import.h"
#include "json/jimport.h"

static const char import_usage[] =
	"usage: sijin import scans FILE [--checkpoint ID] [--format csv|ndjson] [--dry-run]\n"
	"                          [--batch-rows N] [--memory MIB] [--[no-]overlap] [--json]\n"
	"       sijin import checkins FILE.csv.gz --unit ID [--source NAME]\n"
	"                          [--default-stay SECONDS] [--batch-rows N] [--memory MIB]\n"
	"                          [--dry-run] [--[no-]overlap] [--json]\n\n"
	"scans: registrations made on paper or offline, as CSV (UTF-8 with or without\n"
	"  BOM, or GB18030; Chinese or English headers) or NDJSON; FILE - reads\n"
	"  standard input.  --checkpoint names the checkpoint of rows without one.\n"
	"checkins: a public check-in data set (gzip CSV user_id,venue_id,\n"
	"  checkin_utc_epoch,...): each venue becomes a place of unit ID that records\n"
	"  entries only (default stay 3600 s), each user a person; names carry the\n"
	"  source (default: the file name without .csv.gz).\n"
	"Every row is validated as a scan; rejected rows are listed with their line\n"
	"number and reason.  Importing the same file again adds nothing.  --dry-run\n"
	"checks and derives everything and keeps nothing.\n"
	"--batch-rows: rows per transaction (default on SQLite as many as --memory\n"
	"  holds: 1000000 at its default, ~200000 with --overlap; 250000 on\n"
	"  PostgreSQL; at most 1000000).\n"
	"  A batch holds the store's write lock while it\n"
	"  is written (on SQLite, about 10 s a million rows), and a server's scans wait\n"
	"  at most 5 s for it: into a SQLite store that is serving, import with\n"
	"  --batch-rows 10000 (or through the API, which does).\n"
	"--memory: MiB for the import's own memory on SQLite: its page cache (half,\n"
	"  at most 48; the second connection a third of that, a sixth without\n"
	"  --overlap) and a batch's rows\n"
	"  (104 bytes a row, ~230 with --overlap, which holds two batches);\n"
	"  default 158: 1000000 rows in one batch (the least CPU), peak ~165 MiB\n"
	"  (< 200 MB); at most 4096.\n"
	"--overlap / --no-overlap: read and check the next batch on a second\n"
	"  connection while one is written (the default on PostgreSQL; on SQLite only\n"
	"  with --overlap; by default there the second connection reads only each\n"
	"  batch's stored scans while the batch is written), or everything on one\n"
	"  connection, one step after the other; the result is the same.\n"
	"Exit 0 when the import ran (even with rejected rows); 2 for bad arguments or\n"
	"a file of the wrong form (encoding, header, a quote never closed); 1 when the\n"
	"file cannot be opened or read to its end (a truncated gzip); 3 for an unknown\n"
	"unit.\n";

static const char export_usage[] =
	"usage: sijin export scans [--checkpoint ID | --place ID | --unit ID]\n"
	"                          [--from DATE] [--to DATE] [--out FILE]\n\n"
	"Write scans as CSV (UTF-8, the header import reads: checkpoint, id_number or\n"
	"person, time with the deployment's offset, direction, temperature), oldest\n"
	"first.  DATE is a local date YYYY-MM-DD; --to is inclusive.\n";

/* Audit each batch (scan_import.h import_audit_fn). */
static sj_rc
audit_batch(void *cls, store *s, const import_report *total, const import_report *batch,
    sj_err *e)
{
	cli_ctx *ctx = cls;

	(void)s;
	return cli_audit(ctx, "scan.import", "import", 0, json_pack("{s:I, s:I, s:I, s:I, s:I}",
	    "batch", (json_int_t)total->batches, "rows", (json_int_t)batch->rows,
	    "accepted", (json_int_t)batch->accepted, "duplicates", (json_int_t)batch->duplicates,
	    "rejected", (json_int_t)batch->rejected), e);
}

/* The seconds since t0, to the millisecond: the report's figure is a
 * count of milliseconds shown as seconds with three decimals, never the
 * binary fraction's noise (0.30000000000000004). */
static int64_t
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	int64_t ns = (int64_t)(t1.tv_sec - t0->tv_sec) * 1000000000 + (t1.tv_nsec - t0->tv_nsec);
	return (ns + 500000) / 1000000;
}

static void
print_report(const import_report *r, bool dry_run, int64_t ms)
{
	printf("%srows %lld  accepted %lld  duplicates %lld  rejected %lld  stays %lld  "
	    "alerts %lld\n", dry_run ? "dry run (nothing kept): " : "", (long long)r->rows,
	    (long long)r->accepted, (long long)r->duplicates, (long long)r->rejected,
	    (long long)r->stays, (long long)r->alerts);
	for (size_t i = 0; i < r->n_by_field; i++)
		printf("rejected %s: %lld\n", r->by_field[i].field, (long long)r->by_field[i].n);
	for (size_t i = 0; i < r->n_rejects; i++)
		printf("line %lld: %s%s%s\n", (long long)r->rejects[i].line, r->rejects[i].field,
		    r->rejects[i].field[0] ? ": " : "", r->rejects[i].msg);
	if (r->rejected > (int64_t)r->n_rejects)
		printf("(%lld more rejected rows not listed)\n",
		    (long long)(r->rejected - (int64_t)r->n_rejects));
	printf("seconds %lld.%03lld  rows/s %.0f\n", (long long)(ms / 1000), (long long)(ms % 1000),
	    ms > 0 ? (double)r->rows * 1000.0 / (double)ms : 0.0);
}

/* Print the report of im and return the exit code of rc. */
static int
import_done(scan_import *im, store *reader, sj_rc rc, const sj_err *e, bool json, bool dry_run,
    const struct timespec *t0)
{
	const import_report *r = scan_import_report(im);
	int64_t ms = ms_since(t0);

	if (json) {
		json_t *j = jimport_report(r, dry_run);
		/* ms / 1000.0 is the double nearest the 3-decimal figure, which
		 * cli_json_print's 15 digits print exactly as that figure */
		json_object_set_new(j, "seconds", json_real((double)ms / 1000.0));
		cli_json_print(j);
	} else
		print_report(r, dry_run, ms);
	scan_import_free(im);
	store_close(reader);
	return rc == SJ_OK ? 0 : cli_fail(e);
}

typedef struct import_args {
	const char *file, *format, *source;
	int64_t checkpoint_id, unit_id, default_stay_s;
	int64_t batch_rows;    /* 0 = scan_import's default for the store */
	int64_t memory_mib;    /* 0 = scan_import's default (IMPORT_MEMORY_MIB) */
	bool dry_run, json;
	bool no_overlap;       /* --no-overlap: read and write one batch after the other */
	bool overlap;          /* --overlap: overlap on SQLite too */
} import_args;

/* The second connection of the overlap (import_options.reader), or NULL:
 * none for a dry run or with --no-overlap, nor when it cannot be opened
 * (the import then runs on one connection, with a warning).  On SQLite
 * without --overlap it reads only each batch's pairs while the batch is
 * written (*pairs_only; a batch's other reads are the process's own CPU
 * work, and the overlap's smaller batches cost more than it hides:
 * bench/RESULTS.md "Bulk import: the next batch read while one is
 * written"). */
static store *
open_reader(cli_ctx *ctx, const import_args *x, bool *pairs_only)
{
	store *r = NULL;
	sj_err e = {0};

	*pairs_only = !x->overlap && store_get_dialect(ctx->s) == STORE_SQLITE;
	if (x->dry_run || x->no_overlap)
		return NULL;
	if (store_open_sibling(ctx->s, ctx->cfg->db, &r, &e) != SJ_OK)
		log_warn("import: no second connection (%s): batches are read and written one "
		    "after the other", e.msg);
	return r;
}

static bool
opt_int(const char *cmd, const char *name, const char *s, int64_t *v)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (*s < '0' || *s > '9' || *end != '\0' || n < 1) {  /* no sign, no blank */
		cli_usage_error(cmd, "--%s: '%s' is not a positive integer", name, s);
		return false;
	}
	*v = n;
	return true;
}

static bool
import_args_parse(int argc, char **argv, import_args *x)
{
	static const struct option opts[] = {
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "unit", required_argument, NULL, 'u' },
		{ "source", required_argument, NULL, 's' },
		{ "default-stay", required_argument, NULL, 'S' },
		{ "batch-rows", required_argument, NULL, 'b' },
		{ "memory", required_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-overlap", no_argument, NULL, 'O' },
		{ "overlap", no_argument, NULL, 'V' },
		{ 0, 0, 0, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c': if (!opt_int("import", "checkpoint", optarg, &x->checkpoint_id)) return false;
			break;
		case 'u': if (!opt_int("import", "unit", optarg, &x->unit_id)) return false; break;
		case 'S': if (!opt_int("import", "default-stay", optarg, &x->default_stay_s))
				return false;
			break;
		case 'b': if (!opt_int("import", "batch-rows", optarg, &x->batch_rows))
				return false;
			if (x->batch_rows > IMPORT_BATCH_SQLITE) {
				cli_usage_error("import", "--batch-rows: at most %d rows a batch",
				    IMPORT_BATCH_SQLITE);
				return false;
			}
			break;
		case 'm': if (!opt_int("import", "memory", optarg, &x->memory_mib))
				return false;
			if (x->memory_mib > IMPORT_MEMORY_MAX_MIB) {
				cli_usage_error("import", "--memory: at most %d MiB",
				    IMPORT_MEMORY_MAX_MIB);
				return false;
			}
			break;
		case 'f': x->format = optarg; break;
		case 's': x->source = optarg; break;
		case 'n': x->dry_run = true; break;
		case 'j': x->json = true; break;
		case 'O': x->no_overlap = true; break;
		case 'V': x->overlap = true; break;
		default:
			cli_usage_error("import", "bad option '%s'", argv[optind - 1]);
			return false;
		}
	}
	if (optind + 1 != argc) {
		cli_usage_error("import", optind >= argc ? "name the FILE to import"
		    : "one FILE at a time");
		return false;
	}
	x->file = argv[optind];
	return true;
}

/* The source name of a check-ins file: its base name without .csv.gz / .gz / .csv. */
static void
source_of(const char *path, char *out, size_t n)
{
	const char *base = strrchr(path, '/');
	size_t len;

	snprintf(out, n, "%s", base ? base + 1 : path);
	len = strlen(out);
	if (len > 7 && strcmp(out + len - 7, ".csv.gz") == 0)
		out[len - 7] = '\0';
	else if (len > 3 && strcmp(out + len - 3, ".gz") == 0)
		out[len - 3] = '\0';
}

static int
import_checkins(cli_ctx *ctx, const import_args *x)
{
	char source[256];
	checkins_options o = { .unit_id = x->unit_id, .source = x->source,
	    .default_stay_s = x->default_stay_s, .dry_run = x->dry_run };
	import_options io = { .dry_run = x->dry_run, .batch_rows = (int)x->batch_rows,
	    .memory_mib = (int)x->memory_mib,
	    .audit = audit_batch, .audit_cls = ctx };
	scan_settings settings;
	struct timespec t0;
	scan_import *im;
	sj_err e = {0};
	sj_rc rc;

	if (x->unit_id == 0)
		return cli_usage_error("import", "--unit is required: the unit the venues and "
		    "people are made in");
	if (o.source == NULL) {
		source_of(x->file, source, sizeof source);
		o.source = source;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cli_open(ctx, true, &e) != SJ_OK)
		return cli_fail(&e);
	scan_settings_of(ctx->cfg, &settings);
	io.reader = open_reader(ctx, x, &io.pairs_only);
	if (scan_import_open(ctx->s, ctx->keys, &settings, &scope_system, dt_now(), &io, &im, &e)
	    != SJ_OK) {
		store_close(io.reader);
		return cli_fail(&e);
	}
	rc = checkins_import(ctx->s, ctx->keys, &scope_system, x->file, &o, im, &e);
	if (rc != SJ_OK && (e.rc == SJ_EIO || strcmp(e.field, "file") == 0 ||
	    strcmp(e.field, "source") == 0 || strcmp(e.field, "unit_id") == 0)) {
		scan_import_free(im);
		store_close(io.reader);
		return cli_fail(&e);
	}
	return import_done(im, io.reader, rc, &e, x->json, x->dry_run, &t0);
}

/* The largest ledger file `import scans` reads, bytes: the whole file is
 * held in memory.  A sheet exported from Excel has at most 1,048,576 rows
 * (~100 MiB of ledger rows); /dev/zero or a mistaken file of gigabytes is
 * refused instead of exhausting memory (check-in files are streamed). */
#define LEDGER_FILE_MAX ((size_t)256 << 20)

/* The whole of path ("-": standard input) into a malloc'd buffer.
 * Errors: SJ_EIO (field "file") when it cannot be opened or read;
 * SJ_ETOOBIG ("file") past LEDGER_FILE_MAX. */
static sj_rc
read_all(const char *path, char **out, size_t *n, sj_err *e)
{
	bool own = strcmp(path, "-") != 0;   /* a file we open, not standard input */
	FILE *fp = own ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, len = 0, got;
	char *buf;
	sj_rc rc = SJ_OK;

	*out = NULL;
	*n = 0;
	if (fp == NULL)
		return sj_fail(e, SJ_EIO, "file", "cannot open %s: %s", path, strerror(errno));
	buf = sj_malloc(cap);
	while (rc == SJ_OK && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len > LEDGER_FILE_MAX)
			rc = sj_fail(e, SJ_ETOOBIG, "file", "%s is over %zu MiB: split it (a "
			    "sheet holds at most 1,048,576 rows)", path, LEDGER_FILE_MAX >> 20);
		else if (len == cap)
			buf = sj_realloc(buf, cap *= 2);
	}
	if (rc == SJ_OK && ferror(fp))
		rc = sj_fail(e, SJ_EIO, "file", "cannot read %s", path);
	if (own)
		fclose(fp);
	if (rc != SJ_OK) {
		free(buf);
		return rc;
	}
	*out = buf;
	*n = len;
	return SJ_OK;
}

static int
import_scans(cli_ctx *ctx, const import_args *x)
{
	ledger_format fmt = LEDGER_AUTO;
	import_options io = { .dry_run = x->dry_run, .batch_rows = (int)x->batch_rows,
	    .memory_mib = (int)x->memory_mib,
	    .audit = audit_batch, .audit_cls = ctx };
	scan_settings settings;
	struct timespec t0;
	scan_import *im;
	char *bytes;
	size_t n;
	sj_err e = {0};
	sj_rc rc;

	if (x->format && strcmp(x->format, "csv") == 0)
		fmt = LEDGER_CSV;
	else if (x->format && strcmp(x->format, "ndjson") == 0)
		fmt = LEDGER_NDJSON;
	else if (x->format)
		return cli_usage_error("import", "--format: use csv or ndjson");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cli_open(ctx, true, &e) != SJ_OK)
		return cli_fail(&e);
	scan_settings_of(ctx->cfg, &settings);
	io.reader = open_reader(ctx, x, &io.pairs_only);
	if (scan_import_open(ctx->s, ctx->keys, &settings, &scope_system, dt_now(), &io, &im, &e)
	    != SJ_OK) {
		store_close(io.reader);
		return cli_fail(&e);
	}
	if (read_all(x->file, &bytes, &n, &e) != SJ_OK) {
		scan_import_free(im);
		store_close(io.reader);
		return cli_fail(&e);
	}
	/* A dry run is one transaction of its own, rolled back at the end, so
	 * that each batch sees the ones before it (import_options.dry_run), as
	 * checkins_import does.  A batch an error left open is a savepoint in
	 * it: this rollback ends that one, scan_import_free the rest. */
	if (x->dry_run && store_begin(ctx->s, &e) != SJ_OK) {
		free(bytes);
		scan_import_free(im);
		store_close(io.reader);
		return cli_fail(&e);
	}
	rc = jimport_ledger(bytes, n, fmt, x->checkpoint_id, im, &e);
	free(bytes);
	if (rc == SJ_OK)
		rc = scan_import_finish(im, &e);
	if (x->dry_run)
		store_rollback(ctx->s);
	if (rc != SJ_OK && (e.rc == SJ_EIO || e.rc == SJ_EINVAL)) {
		scan_import_free(im);
		store_close(io.reader);
		return cli_fail(&e);
	}
	return import_done(im, io.reader, rc, &e, x->json, x->dry_run, &t0);
}

int
cmd_import(cli_ctx *ctx, int argc, char **argv)
{
	import_args x = {0};

	if (cli_wants_help(argc, argv) || argc < 2) {
		fputs(import_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!import_args_parse(argc - 1, argv + 1, &x))
		return 2;
	if (strcmp(argv[1], "checkins") == 0)
		return import_checkins(ctx, &x);
	if (strcmp(argv[1], "scans") == 0) {
		if (x.unit_id || x.source || x.default_stay_s)
			return cli_usage_error("import", "--unit, --source and --default-stay are "
			    "for import checkins");
		return import_scans(ctx, &x);
	}
	return cli_usage_error("import", "unknown kind '%s': use scans or checkins", argv[1]);
}

int
cmd_export(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "place", required_argument, NULL, 'p' },
		{ "unit", required_argument, NULL, 'u' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	scan_export_filter f = {0};
	const char *out = NULL, *from = NULL, *to = NULL;
	FILE *fp = stdout;
	sj_err e = {0};
	sj_rc rc;
	int c;

	if (cli_wants_help(argc, argv) || argc < 2) {
		fputs(export_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "scans") != 0)
		return cli_usage_error("export", "unknown kind '%s': use scans", argv[1]);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c': if (!opt_int("export", "checkpoint", optarg, &f.checkpoint_id)) return 2; break;
		case 'p': if (!opt_int("export", "place", optarg, &f.place_id)) return 2; break;
		case 'u': if (!opt_int("export", "unit", optarg, &f.unit_id)) return 2; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_usage_error("export", "bad option '%s'", argv[optind]);
		}
	}
	if (optind < argc - 1)
		return cli_usage_error("export", "unexpected argument '%s'", argv[optind + 1]);
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	if ((from && scan_export_date(from, "from", &f.from, &e) != SJ_OK) ||
	    (to && scan_export_date(to, "to", &f.to, &e) != SJ_OK))
		return cli_fail(&e);
	f.has_from = from != NULL;
	f.has_to = to != NULL;
	if (out && (fp = fopen(out, "w")) == NULL)
		return cli_fail(&(sj_err){ .rc = SJ_EIO, .field = "out", .msg = "cannot create the file" });
	rc = scan_export_csv(ctx->s, &scope_system, &f, fp, &e);
	if (fp != stdout && fclose(fp) != 0 && rc == SJ_OK)
		rc = sj_fail(&e, SJ_EIO, "out", "cannot write %s", out);
	return rc == SJ_OK ? 0 : cli_fail(&e);
}
