/*
 * cmd_codes — `sijin pass issue|revoke|show|verify` and `sijin placecode
 * show|print|rotate` (docs/codes.md).
 *
 * Changes run in one transaction with their audit event (username "cli").
 * Pictures go to the file named by --out, written whole or not at all (a
 * temporary file renamed over it), or to standard output with --out -.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/datetime.h"
#include "core/qr.h"
#include "domain/pass.h"
#include "domain/placecode.h"
#include "domain/scancode.h"
#include "json/jcodes.h"

/* A positive id from text.  Returns false after printing a usage error. */
static bool
arg_id(const char *cmd, const char *what, const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1) {
		cli_usage_error(cmd, "%s '%s' is not an id", what, s);
		return false;
	}
	*id = v;
	return true;
}

/* Parse a local date option.  Returns false after printing the error. */
static bool
arg_date(const char *field, const char *s, sj_date *d, int *status)
{
	sj_err e = {0};

	if (dt_date_parse(s, field, d, &e) != SJ_OK) {
		*status = cli_fail(&e);
		return false;
	}
	return true;
}

/* Write n bytes to path ("-" = standard output), whole or not at all. */
static sj_rc
write_out(const char *path, const void *p, size_t n, sj_err *e)
{
	char tmp[4096];
	FILE *f;
	bool ok;

	if (strcmp(path, "-") == 0) {
		if (fwrite(p, 1, n, stdout) != n || fflush(stdout) != 0)
			return sj_fail(e, SJ_EIO, "out", "cannot write to standard output");
		return SJ_OK;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= sizeof tmp)
		return sj_fail(e, SJ_EINVAL, "out", "path is too long");
	if ((f = fopen(tmp, "wb")) == NULL)
		return sj_fail(e, SJ_EIO, "out", "cannot create %s", tmp);
	ok = fwrite(p, 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
	}
	return SJ_OK;
}

/* Check --format and --out go together and name a known format. */
static bool
picture_args(const char *cmd, const char *format, const char *out, bool required)
{
	if (format == NULL && out == NULL && !required)
		return true;
	if (format == NULL || out == NULL) {
		cli_usage_error(cmd, "give both --format png|svg and --out FILE");
		return false;
	}
	if (qr_media_type(format) == NULL) {
		cli_usage_error(cmd, "--format must be png or svg, not '%s'", format);
		return false;
	}
	return true;
}

static void
warn_unlettered(const cli_ctx *ctx, bool lettered, const char *format)
{
	if (!lettered && strcmp(format, "png") == 0)
		fprintf(stderr, "sijin: poster-font: '%s' could not be used; the PNG names the place "
		    "in its metadata only (the SVG always names it)\n", ctx->cfg->poster_font);
}

/* ---- pass --------------------------------------------------------------- */

static const char pass_usage[] =
	"usage: sijin pass issue PERSON_ID --to YYYY-MM-DD [--from YYYY-MM-DD] [--place PLACE_ID]\n"
	"                        [--json]\n"
	"       sijin pass revoke PASS_ID [--reason TEXT]\n"
	"       sijin pass show PASS_ID [--json] [--format png|svg --out FILE]\n"
	"       sijin pass verify CODE [--place PLACE_ID]\n\n"
	"A pass (出入证) is issued to a household member for a place (default: the\n"
	"household's), valid from --from (default today) to --to inclusive, local dates.\n"
	"Its QR code is signed with the key file's signing key and checked without the\n"
	"database; `show --format png --out pass.png` prints it with the holder's masked\n"
	"name ('-' for standard output); a revoked or expired pass is shown without its\n"
	"code and not printed (exit 3).  `verify` prints valid, malformed, forged,\n"
	"not_yet_valid, expired, revoked or wrong_place and exits 0 only for valid.\n";

static int
pass_issue_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "place", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	pass_input in = { .valid_from = PASS_DATE_NONE, .valid_to = PASS_DATE_NONE, .issued_by = "cli" };
	sj_date today;
	bool json = false;
	sj_err e = {0};
	int64_t id = 0;
	pass p;
	arena a;
	int c, status = 0;
	sj_rc rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f': if (!arg_date("valid_from", optarg, &in.valid_from, &status)) return status; break;
		case 't': if (!arg_date("valid_to", optarg, &in.valid_to, &status)) return status; break;
		case 'p': if (!arg_id("pass issue", "--place", optarg, &in.place_id)) return 2; break;
		case 'j': json = true; break;
		default: return cli_usage_error("pass issue", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("pass issue", "give one person id");
	if (!arg_id("pass issue", "person", argv[optind], &in.person_id))
		return 2;
	if (in.valid_to == PASS_DATE_NONE)
		return cli_usage_error("pass issue", "--to is required");
	if (cli_open(ctx, true, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	today = dt_date_of(dt_now());
	arena_init(&a);
	rc = pass_issue(ctx->s, &scope_system, &in, today, dt_now(), &id, &e);
	if (rc == SJ_OK)
		rc = pass_get(ctx->s, &scope_system, &a, id, &p, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "pass.issue", "pass", id,
		    json_pack("{s:o}", "after", jcodes_pass(&p, today, NULL)), &e);
	if ((status = cli_finish(ctx, rc, &e)) == 0) {
		if (json)
			cli_json_print(jcodes_pass(&p, today, NULL));
		else
			printf("%lld\n", (long long)id);
	}
	arena_free(&a);
	return status;
}

static int
pass_revoke_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ 0, 0, 0, 0 },
	};
	const char *reason = NULL;
	sj_err e = {0};
	int64_t id;
	int c;
	sj_rc rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'r')
			return cli_usage_error("pass revoke", "bad option '%s'", argv[optind - 1]);
		reason = optarg;
	}
	if (optind + 1 != argc)
		return cli_usage_error("pass revoke", "give one pass id");
	if (!arg_id("pass revoke", "pass", argv[optind], &id))
		return 2;
	if (cli_open(ctx, false, &e) != SJ_OK || store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = pass_revoke(ctx->s, &scope_system, id, "cli", reason, dt_now(), &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "pass.revoke", "pass", id,
		    json_pack("{s:o}", "reason", reason ? json_string(reason) : json_null()), &e);
	return cli_finish(ctx, rc, &e);
}

/* Pass p as text; code NULL when it is not given out, said with why
 * (pass_printable). */
static void
pass_print_text(const pass *p, sj_date today, const char *code)
{
	sj_err why = {0};

	char from[DT_DATE_LEN], to[DT_DATE_LEN];

	dt_date_format(p->valid_from, from);
	dt_date_format(p->valid_to, to);
	printf("pass     %lld\nholder   %s (person %lld)\nplace    %s (%lld)\n"
	    "valid    %s to %s\nstatus   %s\n", (long long)p->id, p->person_name,
	    (long long)p->person_id, p->place_name, (long long)p->place_id, from, to,
	    pass_verdict_code(pass_status(p, today)));
	if (p->revoked_at)
		printf("revoked  by %s%s%s\n", p->revoked_by, p->revoke_reason ? ": " : "",
		    p->revoke_reason ? p->revoke_reason : "");
	if (code)
		printf("code     %s\n", code);
	else {
		pass_printable(p, today, &why);
		printf("code     none: %s\n", why.msg);
	}
}

static int
pass_show_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	const char *format = NULL, *out = NULL;
	char code[PASS_TEXT_MAX];
	pass_claim claim;
	sj_date today;
	bool json = false, lettered, given;
	sj_err e = {0};
	int64_t id;
	buf pic;
	pass p;
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_usage_error("pass show", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("pass show", "give one pass id");
	if (!arg_id("pass show", "pass", argv[optind], &id) ||
	    !picture_args("pass show", format, out, false))
		return 2;
	arena_init(&a);
	buf_init(&pic, QR_OUT_MAX);
	today = dt_date_of(dt_now());
	/* A revoked or expired pass is shown without its code and not
	 * printed (pass_printable). */
	if (cli_open(ctx, true, &e) != SJ_OK ||
	    pass_get(ctx->s, &scope_system, &a, id, &p, &e) != SJ_OK ||
	    (format && pass_printable(&p, today, &e) != SJ_OK) ||
	    (pass_claim_of(&p, &claim), pass_encode(ctx->keys, &claim, code, sizeof code, &e)) != SJ_OK ||
	    (format && (pass_render(ctx->keys, &p, format, ctx->cfg->poster_font, &pic, &lettered,
	    &e) != SJ_OK || write_out(out, pic.data, pic.len, &e) != SJ_OK))) {
		status = cli_fail(&e);
		goto done;
	}
	given = pass_printable(&p, today, NULL) == SJ_OK;
	if (format)
		warn_unlettered(ctx, lettered, format);
	if (json)
		cli_json_print(jcodes_pass(&p, today, given ? code : NULL));
	else if (format == NULL || strcmp(out, "-") != 0)
		pass_print_text(&p, today, given ? code : NULL);
done:
	buf_free(&pic);
	arena_free(&a);
	return status;
}

static int
pass_verify_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "place", required_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	char copy[SCANCODE_TEXT_MAX + 1];
	int64_t place = 0;
	pass_verdict v;
	pass_claim claim;
	sj_err e = {0}, why = {0};
	const char *code;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'p' || !arg_id("pass verify", "--place", optarg, &place))
			return c == 'p' ? 2 : cli_usage_error("pass verify", "bad option '%s'",
			    argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return cli_usage_error("pass verify", "give one code");
	/* spaces and tabs around it ignored, as sijin scan --code reads it */
	code = scancode_trim(argv[optind], copy, sizeof copy);
	if (cli_open(ctx, true, &e) != SJ_OK ||
	    pass_check(ctx->s, ctx->keys, code ? code : argv[optind], dt_now(), place, &v, &claim,
	    &why) != SJ_OK)
		return cli_fail(e.rc ? &e : &why);
	printf("%s\n", pass_verdict_code(v));
	if (v != PASS_VALID) {
		sj_err_print(&why);
		return 2;
	}
	return 0;
}

int
cmd_pass(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(pass_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "issue") == 0)
		return pass_issue_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return pass_revoke_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return pass_show_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return pass_verify_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("pass", "unknown sub-command '%s'", argv[1]);
}

/* ---- placecode ---------------------------------------------------------- */

static const char placecode_usage[] =
	"usage: sijin placecode show CHECKPOINT_ID [--json]\n"
	"       sijin placecode print CHECKPOINT_ID --format png|svg --out FILE\n"
	"       sijin placecode rotate CHECKPOINT_ID\n\n"
	"A place code (场所码) is an unguessable token per checkpoint; its poster is the QR\n"
	"code of <public-url>/c/<token>, which opens the self check-in page, with the\n"
	"place's name written under it.  `print` makes the code first when the checkpoint\n"
	"has none; `rotate` replaces the token, so posters printed before stop working.\n"
	"Set --public-url to the address phones reach the server at before printing.\n";

/* Make the checkpoint's code when missing (or rotate it), with its audit
 * event, in one transaction. */
static int
placecode_ensure(cli_ctx *ctx, int64_t checkpoint, bool rotate)
{
	bool created = false;
	sj_err e = {0};
	sj_rc rc;

	if (store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = placecode_issue(ctx->s, &scope_system, checkpoint, rotate, dt_now(), &created, &e);
	if (rc == SJ_OK && created)
		rc = cli_audit(ctx, rotate ? "place_code.rotate" : "place_code.create", "checkpoint",
		    checkpoint, NULL, &e);
	return cli_finish(ctx, rc, &e);
}

static int
placecode_cmd(cli_ctx *ctx, int argc, char **argv, const char *sub)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	const char *format = NULL, *out = NULL, *url;
	char cmd[32];
	bool json = false, lettered = false, print = strcmp(sub, "print") == 0;
	sj_err e = {0};
	int64_t checkpoint;
	placecode pc;
	buf pic;
	arena a;
	int c, status;

	snprintf(cmd, sizeof cmd, "placecode %s", sub);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_usage_error(cmd, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "give one checkpoint id");
	if (!print && (format || out))
		return cli_usage_error(cmd, "--format and --out are for placecode print");
	if (json && strcmp(sub, "show") != 0)
		return cli_usage_error(cmd, "--json is for placecode show");
	if (!arg_id(cmd, "checkpoint", argv[optind], &checkpoint) ||
	    !picture_args(cmd, format, out, print))
		return 2;
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	if (strcmp(sub, "show") != 0 &&
	    (status = placecode_ensure(ctx, checkpoint, strcmp(sub, "rotate") == 0)) != 0)
		return status;
	arena_init(&a);
	buf_init(&pic, QR_OUT_MAX);
	status = 0;
	if (placecode_get(ctx->s, &scope_system, &a, checkpoint, &pc, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto done;
	}
	url = placecode_url(&a, ctx->cfg->public_url, pc.token);
	if (print) {
		if (placecode_render(&pc, url, format, ctx->cfg->poster_font, &pic, &lettered, &e)
		    != SJ_OK || write_out(out, pic.data, pic.len, &e) != SJ_OK) {
			status = cli_fail(&e);
			goto done;
		}
		warn_unlettered(ctx, lettered, format);
	} else if (json)
		cli_json_print(jcodes_placecode(&pc, url));
	else
		printf("checkpoint %lld %s · %s\nurl        %s\n", (long long)pc.checkpoint_id,
		    pc.place_name, pc.checkpoint_name, url);
done:
	buf_free(&pic);
	arena_free(&a);
	return status;
}

int
cmd_placecode(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(placecode_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "show") == 0 || strcmp(argv[1], "print") == 0 ||
	    strcmp(argv[1], "rotate") == 0)
		return placecode_cmd(ctx, argc - 1, argv + 1, argv[1]);
	return cli_usage_error("placecode", "unknown sub-command '%s'", argv[1]);
}
