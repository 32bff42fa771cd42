/*
 * Unit tests for core/config: defaults, the four sources and their
 * precedence, argv compaction, every value type with bad input, the INI
 * file rules, config_print (with secret masking) and config_usage.
 *
 * Expected values come from the settings list in the issue (names,
 * defaults, ranges) and from arithmetic done here in the comments, never
 * from running the code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

struct fixture {
	char dir[64];
	char path[128];   /* the INI file, once written */
	char env_config[160]; /* "SIJIN_CONFIG=<path>" */
	sj_config c;
	sj_err e;
	int argc;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/sijin-config-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/sijin.ini", fx->dir);
	snprintf(fx->env_config, sizeof fx->env_config, "SIJIN_CONFIG=%s",
	    fx->path);
	config_defaults(&fx->c);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	config_free(&fx->c);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
write_ini(struct fixture *fx, const char *text)
{
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int
count_args(char **argv)
{
	int n = 0;

	while (argv[n] != NULL)
		n++;
	return n;
}

/* config_load with argc taken from the NULL-terminated argv. */
static sj_rc
load(struct fixture *fx, char **argv, char **envp)
{
	fx->argc = count_args(argv);
	return config_load(&fx->c, &fx->argc, argv, envp, &fx->e);
}

static void
assert_fails(struct fixture *fx, sj_rc rc, const char *field, const char *msg)
{
	assert_int_equal(rc, SJ_ECONFIG);
	assert_int_equal(fx->e.rc, SJ_ECONFIG);
	assert_string_equal(fx->e.field, field);
	assert_string_equal(fx->e.msg, msg);
}

/* "<path>:<line>: <rest>", the prefix every file error carries. */
static const char *
at_line(struct fixture *fx, int line, const char *rest)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s:%d: %s", fx->path, line, rest);
	return buf;
}

/* Everything config_print writes, NUL-terminated; free() it. */
static char *
printed(const sj_config *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	config_print(c, f);
	fclose(f);
	return s;
}

/* ---- Defaults ---- */

static void
test_defaults(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;
	char path[64];

	assert_string_equal(c->config_file, "");
	assert_string_equal(c->db, "sijin.db");
	assert_string_equal(c->db_password, "");
	assert_string_equal(c->key_file, "");
	assert_string_equal(c->tz, "Asia/Shanghai");
	assert_int_equal(c->log_level, SJ_LOG_INFO);
	assert_string_equal(c->listen, "127.0.0.1");
	assert_int_equal(c->port, 8080);
	assert_int_equal(c->threads, 4);
	assert_int_equal(c->max_connections, 1024);
	assert_int_equal(c->max_connections_per_address, 256);
	assert_int_equal(c->max_streams_per_address, 16);
	assert_int_equal(c->request_timeout, 30);
	assert_int_equal(c->max_body, 1048576);
	assert_string_equal(c->trusted_proxies, "");
	assert_int_equal(c->fever_threshold, 373);
	assert_int_equal(c->retention_days, 28);
	assert_false(c->cookie_secure);
	assert_string_equal(config_source(c, "port"), "default");
	assert_string_equal(config_source(c, "cookie-secure"), "default");
	assert_null(config_source(c, "nope"));
	assert_int_equal(config_key_file_path(c, path, sizeof path, &fx->e),
	    SJ_OK);
	assert_string_equal(path, "sijin.db.key");
}

static void
test_defaults_printed(void **state)
{
	struct fixture *fx = *state;
	char *s = printed(&fx->c);

	assert_string_equal(s,
	    "config =   # default\n"
	    "db = sijin.db  # default\n"
	    "db-password = (unset)  # default\n"
	    "key-file =   # default\n"
	    "tz = Asia/Shanghai  # default\n"
	    "log-level = info  # default\n"
	    "listen = 127.0.0.1  # default\n"
	    "port = 8080  # default\n"
	    "threads = 4  # default\n"
	    "max-connections = 1024  # default\n"
	    "max-connections-per-address = 256  # default\n"
	    "max-streams-per-address = 16  # default\n"
	    "request-timeout = 30  # default\n"
	    "max-body = 1048576  # default\n"
	    "trusted-proxies =   # default\n"
	    "fever-threshold = 373  # default\n"
	    "reentry-window = 600  # default\n"
	    "retention-days = 28  # default\n"
	    "retention-outsider-days = 0  # default\n"
	    "retention-trace-days = 0  # default\n"
	    "retention-visit-note-days = 0  # default\n"
	    "retention-requests-days = 0  # default\n"
	    "purge-interval = 86400  # default\n"
	    "visit-gap-days = 14  # default\n"
	    "cookie-secure = false  # default\n"
	    "tls-cert =   # default\n"
	    "tls-key =   # default\n"
	    "public-url = http://127.0.0.1:8080  # default\n"
	    "poster-font = /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf  # default\n"
	    "request-cutoff = 61200  # default\n"
	    "open311-jurisdiction = sijin  # default\n"
	    "web-root =   # default\n");
	free(s);
}

/* ---- Precedence ---- */

static void
test_precedence_default_file_env_flag(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;
	char *envp[] = { fx->env_config, "SIJIN_PORT=2222",
	    "SIJIN_THREADS=16", NULL };
	char *argv[] = { "sijin", "--port", "3333", "serve", NULL };
	char src[160];

	write_ini(fx,
	    "; sijin test file\n"
	    "port = 1111\n"
	    "threads = 8\n"
	    "db = file.db\n"
	    "max-body = 2048\n");
	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_int_equal(c->port, 3333);         /* flag over env and file */
	assert_int_equal(c->threads, 16);        /* env over file */
	assert_string_equal(c->db, "file.db");   /* file over default */
	assert_int_equal(c->max_body, 2048);
	assert_int_equal(c->retention_days, 28); /* default */
	assert_string_equal(config_source(c, "port"), "--port");
	assert_string_equal(config_source(c, "threads"), "SIJIN_THREADS");
	snprintf(src, sizeof src, "%s:4", fx->path);
	assert_string_equal(config_source(c, "db"), src);
	snprintf(src, sizeof src, "%s:5", fx->path);
	assert_string_equal(config_source(c, "max-body"), src);
	assert_string_equal(config_source(c, "retention-days"), "default");
	assert_string_equal(config_source(c, "config"), "SIJIN_CONFIG");
	assert_string_equal(c->config_file, fx->path);
	assert_int_equal(fx->argc, 2);
	assert_string_equal(argv[1], "serve");
}

static void
test_print_after_load_names_sources(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_LOG_LEVEL=DEBUG", "SIJIN_DB_PASSWORD=hunter2",
	    "SIJIN_COOKIE_SECURE=yes", NULL };
	char *argv[] = { "sijin", "--config", fx->path, "--max-body=64M",
	    "config", NULL };
	char expected[2048], *s;

	write_ini(fx,
	    "db = /var/lib/sijin/sijin.db\n"
	    "trusted-proxies = 10.0.0.1,10.0.0.2\n"
	    "request-timeout = 2m\n");
	assert_int_equal(load(fx, argv, envp), SJ_OK);
	s = printed(&fx->c);
	/* 64M = 64 × 1048576 = 67108864; 2m = 120 s. */
	snprintf(expected, sizeof expected,
	    "config = %s  # --config\n"
	    "db = /var/lib/sijin/sijin.db  # %s:1\n"
	    "db-password = (set)  # SIJIN_DB_PASSWORD\n"
	    "key-file =   # default\n"
	    "tz = Asia/Shanghai  # default\n"
	    "log-level = debug  # SIJIN_LOG_LEVEL\n"
	    "listen = 127.0.0.1  # default\n"
	    "port = 8080  # default\n"
	    "threads = 4  # default\n"
	    "max-connections = 1024  # default\n"
	    "max-connections-per-address = 256  # default\n"
	    "max-streams-per-address = 16  # default\n"
	    "request-timeout = 120  # %s:3\n"
	    "max-body = 67108864  # --max-body\n"
	    "trusted-proxies = 10.0.0.1,10.0.0.2  # %s:2\n"
	    "fever-threshold = 373  # default\n"
	    "reentry-window = 600  # default\n"
	    "retention-days = 28  # default\n"
	    "retention-outsider-days = 0  # default\n"
	    "retention-trace-days = 0  # default\n"
	    "retention-visit-note-days = 0  # default\n"
	    "retention-requests-days = 0  # default\n"
	    "purge-interval = 86400  # default\n"
	    "visit-gap-days = 14  # default\n"
	    "cookie-secure = true  # SIJIN_COOKIE_SECURE\n"
	    "tls-cert =   # default\n"
	    "tls-key =   # default\n"
	    "public-url = http://127.0.0.1:8080  # default\n"
	    "poster-font = /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf  # default\n"
	    "request-cutoff = 61200  # default\n"
	    "open311-jurisdiction = sijin  # default\n"
	    "web-root =   # default\n",
	    fx->path, fx->path, fx->path, fx->path);
	assert_string_equal(s, expected);
	assert_null(strstr(s, "hunter2"));
	assert_string_equal(fx->c.db_password, "hunter2");
	free(s);
}

static void
test_secret_never_in_errors(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_DB_PASSWORD=hunter2\x01", NULL };
	char *argv[] = { "sijin", NULL };

	assert_fails(fx, load(fx, argv, envp), "db-password",
	    "SIJIN_DB_PASSWORD: the value contains a control character "
	    "(byte 0x01)");
	assert_null(strstr(fx->e.msg, "hunter2"));
	assert_string_equal(fx->c.db_password, "");
}

/* config_print never shows a password given inside the db URL (user:pw@
 * or password=), found by a reviewer: `sijin config` printed it. */
static void
test_print_masks_db_url(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "sijin", "--db", "postgresql://u:secretpw@h/x?sslmode=require&password=pw2",
	    "--key-file", "/etc/sijin/key", NULL };
	char *s;

	assert_int_equal(load(fx, argv, NULL), SJ_OK);
	s = printed(&fx->c);
	assert_non_null(strstr(s, "db = postgresql://u:***@h/x?sslmode=require&password=***  # --db\n"));
	assert_null(strstr(s, "secretpw"));
	assert_null(strstr(s, "pw2"));
	free(s);
}

/* config_shown_at: the rows of the work's rules in table order (the list
 * of config.h, which GET /api/v1/settings shows), with the value, unit
 * and source of each; no secret, path, address or database among them. */
static void
test_shown_settings(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_FEVER_THRESHOLD=380", "SIJIN_DB_PASSWORD=hunter2", NULL };
	char *argv[] = { "sijin", "--purge-interval", "2h", NULL };
	static const char *const want[] = { "tz", "request-timeout", "max-body",
	    "fever-threshold", "reentry-window", "retention-days", "retention-outsider-days",
	    "retention-trace-days", "retention-visit-note-days", "retention-requests-days",
	    "purge-interval", "visit-gap-days", "cookie-secure", "public-url", "request-cutoff",
	    "open311-jurisdiction" };
	const size_t n_want = sizeof want / sizeof want[0];
	config_shown c;

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	for (size_t i = 0; i < n_want; i++) {
		assert_true(config_shown_at(&fx->c, i, &c));
		assert_string_equal(c.name, want[i]);
	}
	c.name = "unchanged";
	assert_false(config_shown_at(&fx->c, n_want, &c));
	assert_string_equal(c.name, "unchanged");

	assert_true(config_shown_at(&fx->c, 3, &c));   /* fever-threshold: 38.0 °C */
	assert_int_equal(c.kind, CONFIG_SHOWN_NUMBER);
	assert_int_equal(c.number, 380);
	assert_string_equal(c.unit, "tenths of a °C");
	assert_string_equal(c.default_text, "373");
	assert_string_equal(c.source, "SIJIN_FEVER_THRESHOLD");
	assert_true(config_shown_at(&fx->c, 10, &c));  /* purge-interval: 2 h */
	assert_int_equal(c.number, 7200);
	assert_string_equal(c.source, "--purge-interval");
	assert_true(config_shown_at(&fx->c, 12, &c));  /* cookie-secure */
	assert_int_equal(c.kind, CONFIG_SHOWN_BOOL);
	assert_false(c.flag);
	assert_string_equal(c.source, "default");
	assert_true(config_shown_at(&fx->c, 0, &c));   /* tz */
	assert_int_equal(c.kind, CONFIG_SHOWN_TEXT);
	assert_string_equal(c.text, "Asia/Shanghai");
	assert_null(c.unit);
}

/* ---- argv ---- */

static void
test_flags_removed_rest_kept_in_order(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { NULL };
	char *argv[] = { "sijin", "--db", "x.db", "serve", "--json",
	    "--port=9000", "extra", "--cookie-secure", "--unknown", "v",
	    "--", "--port", "1", NULL };

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	/* Kept: sijin serve --json extra --unknown v -- --port 1 (nine). */
	assert_int_equal(fx->argc, 9);
	assert_string_equal(argv[0], "sijin");
	assert_string_equal(argv[1], "serve");
	assert_string_equal(argv[2], "--json");
	assert_string_equal(argv[3], "extra");
	assert_string_equal(argv[4], "--unknown");
	assert_string_equal(argv[5], "v");
	assert_string_equal(argv[6], "--");
	assert_string_equal(argv[7], "--port");
	assert_string_equal(argv[8], "1");
	assert_null(argv[9]);
	assert_string_equal(fx->c.db, "x.db");
	assert_int_equal(fx->c.port, 9000);
	assert_true(fx->c.cookie_secure);
}

static void
test_flag_forms(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { NULL };
	char *argv[] = { "sijin", "--threads", "7", "--max-connections=99",
	    "--tz=Europe/Berlin", "--trusted-proxies", "", "--port", "1",
	    "--port=2", "--cookie-secure=off", "--listen", "--json",
	    "--log-level=warn", NULL };

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_int_equal(fx->c.threads, 7);
	assert_int_equal(fx->c.max_connections, 99);
	assert_string_equal(fx->c.tz, "Europe/Berlin");
	assert_string_equal(fx->c.trusted_proxies, "");
	assert_string_equal(config_source(&fx->c, "trusted-proxies"),
	    "--trusted-proxies");
	assert_int_equal(fx->c.port, 2);                /* last one wins */
	assert_false(fx->c.cookie_secure);
	/* "--name value" takes the next argument whatever it looks like. */
	assert_string_equal(fx->c.listen, "--json");
	assert_int_equal(fx->c.log_level, SJ_LOG_WARN);
	assert_int_equal(fx->argc, 1);
}

/* public-url not set is the server's own address (docs/config.md): the
 * scheme by TLS, the host by listen (a wildcard is the loopback address of
 * its family, an IPv6 address in brackets), the port unless it is the
 * scheme's own (80, 443).  Set by a file, the environment or a flag, it is
 * kept as given.  Each case worked out by hand from its flags. */
static void
test_public_url_follows_listen_and_port(void **state)
{
	static const struct {
		const char *args[7];
		const char *want;
	} cases[] = {
		{ { NULL }, "http://127.0.0.1:8080" },
		{ { "--port", "8081" }, "http://127.0.0.1:8081" },
		{ { "--listen", "192.168.1.20", "--port=9000" }, "http://192.168.1.20:9000" },
		{ { "--listen", "0.0.0.0", "--port", "8082" }, "http://127.0.0.1:8082" },
		{ { "--listen", "::" }, "http://[::1]:8080" },
		{ { "--listen", "2001:db8::5", "--port", "80" }, "http://[2001:db8::5]" },
		{ { "--tls-cert", "c.pem", "--tls-key", "k.pem", "--port", "8443" },
		  "https://127.0.0.1:8443" },
		{ { "--tls-cert", "c.pem", "--tls-key", "k.pem", "--port", "443" },
		  "https://127.0.0.1" },
		{ { "--port", "8081", "--public-url", "https://sijin.example.cn/" },
		  "https://sijin.example.cn/" },
		{ { "--port", "8081", "--public-url", "http://127.0.0.1:8080" },
		  "http://127.0.0.1:8080" },
	};
	struct fixture *fx = *state;
	char *envp[] = { NULL };

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[9] = { "sijin" };
		int n = 1;

		for (int k = 0; cases[i].args[k]; k++)
			argv[n++] = (char *)cases[i].args[k];
		argv[n] = NULL;
		config_free(&fx->c);
		config_defaults(&fx->c);
		assert_int_equal(load(fx, argv, envp), SJ_OK);
		if (strcmp(fx->c.public_url, cases[i].want) != 0)
			fail_msg("case %zu: %s, want %s", i, fx->c.public_url, cases[i].want);
	}
	/* The environment, as a flag. */
	{
		char *env2[] = { "SIJIN_PUBLIC_URL=http://gate.example.cn", "SIJIN_PORT=8081", NULL };
		char *argv[] = { "sijin", NULL };

		config_free(&fx->c);
		config_defaults(&fx->c);
		assert_int_equal(load(fx, argv, env2), SJ_OK);
		assert_string_equal(fx->c.public_url, "http://gate.example.cn");
		assert_string_equal(config_source(&fx->c, "public-url"), "SIJIN_PUBLIC_URL");
	}
}

static void
test_bool_flag_alone_takes_no_value(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { NULL };
	char *argv[] = { "sijin", "--cookie-secure", "false", NULL };

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_true(fx->c.cookie_secure);
	assert_int_equal(fx->argc, 2);
	assert_string_equal(argv[1], "false");
}

static void
test_lookalike_flags_are_kept(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { NULL };
	char *argv[] = { "sijin", "--portx", "5", "-port", "6", "port", "7",
	    "--PORT", "8", "--max_body", "9", "---port", "10", NULL };

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_int_equal(fx->argc, 13);
	assert_int_equal(fx->c.port, 8080);
	assert_int_equal(fx->c.max_body, 1048576);
}

static void
test_flag_without_value_leaves_argv(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_PORT=81", NULL };
	char *argv[] = { "sijin", "serve", "--db", "a.db", "--port", NULL };

	assert_fails(fx, load(fx, argv, envp), "port", "--port needs a value");
	assert_int_equal(fx->argc, 5);
	assert_string_equal(argv[1], "serve");
	assert_string_equal(argv[2], "--db");
	assert_string_equal(argv[4], "--port");
}

static void
test_bad_flag_value_leaves_argv(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { NULL };
	char *argv[] = { "sijin", "--db", "a.db", "--threads=0", "serve", NULL };

	assert_fails(fx, load(fx, argv, envp), "threads",
	    "--threads: 0 is below the minimum 1");
	assert_int_equal(fx->argc, 5);
	assert_string_equal(argv[1], "--db");
	assert_string_equal(argv[3], "--threads=0");
	assert_int_equal(fx->c.threads, 4);
}

static void
test_config_flag_beats_env_and_is_removed(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_CONFIG=/nonexistent/sijin.ini", NULL };
	char flag[160];
	char *argv[] = { "sijin", "report", flag, NULL };

	snprintf(flag, sizeof flag, "--config=%s", fx->path);
	write_ini(fx, "retention-days = 14\n");
	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_int_equal(fx->c.retention_days, 14);
	assert_string_equal(config_source(&fx->c, "config"), "--config");
	assert_int_equal(fx->argc, 2);
	assert_string_equal(argv[1], "report");
	assert_null(argv[2]);
}

/* ---- Environment ---- */

static void
test_env_custom_array(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "PATH=/usr/bin", "SIJIN_BIN=/x/sijin",
	    "SIJIN_PORTX=1", "sijin_port=2", "SIJIN_PORT=4443",
	    "SIJIN_PORT=5555", "SIJIN_MAX_BODY=2M", "SIJIN_KEY_FILE=",
	    "SIJIN_FEVER_THRESHOLD=375", "SIJIN_REQUEST_TIMEOUT=1h", NULL };
	char *argv[] = { "sijin", NULL };

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_int_equal(fx->c.port, 4443);            /* first one wins */
	assert_int_equal(fx->c.max_body, 2097152);     /* 2 × 1048576 */
	assert_string_equal(fx->c.key_file, "");
	assert_string_equal(config_source(&fx->c, "key-file"), "SIJIN_KEY_FILE");
	assert_int_equal(fx->c.fever_threshold, 375);
	assert_int_equal(fx->c.request_timeout, 3600);
	assert_string_equal(config_source(&fx->c, "fever-threshold"),
	    "SIJIN_FEVER_THRESHOLD");
}

static void
test_env_null_means_process_environment(void **state)
{
	struct fixture *fx = *state;
	char *argv[] = { "sijin", NULL };
	sj_rc rc;

	setenv("SIJIN_RETENTION_DAYS", "14", 1);
	unsetenv("SIJIN_CONFIG");
	rc = load(fx, argv, NULL);
	unsetenv("SIJIN_RETENTION_DAYS");
	assert_int_equal(rc, SJ_OK);
	assert_int_equal(fx->c.retention_days, 14);
	assert_string_equal(config_source(&fx->c, "retention-days"),
	    "SIJIN_RETENTION_DAYS");
}

static void
test_env_out_of_range(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_PORT=99999", NULL };
	char *argv[] = { "sijin", NULL };

	assert_fails(fx, load(fx, argv, envp), "port",
	    "SIJIN_PORT: 99999 is above the maximum 65535");
	assert_int_equal(fx->c.port, 8080);
	assert_string_equal(config_source(&fx->c, "port"), "default");
}

static void
test_empty_config_env_means_no_file(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_CONFIG=", NULL };
	char *argv[] = { "sijin", NULL };

	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_string_equal(fx->c.config_file, "");
}

/* ---- Values by type ---- */

static void
test_int_values(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;

	assert_int_equal(config_set(c, "port", "1", "t", &fx->e), SJ_OK);
	assert_int_equal(c->port, 1);
	assert_int_equal(config_set(c, "port", "65535", "t", &fx->e), SJ_OK);
	assert_int_equal(c->port, 65535);
	assert_int_equal(config_set(c, "port", "08080", "t", &fx->e), SJ_OK);
	assert_int_equal(c->port, 8080);
	assert_fails(fx, config_set(c, "port", "0", "t", &fx->e), "port",
	    "t: 0 is below the minimum 1");
	assert_fails(fx, config_set(c, "port", "65536", "t", &fx->e), "port",
	    "t: 65536 is above the maximum 65535");
	assert_fails(fx, config_set(c, "port", "-1", "t", &fx->e), "port",
	    "t: -1 is below the minimum 1");
	/* Past the range of long long: still "above", not wrapped. */
	assert_fails(fx, config_set(c, "port", "99999999999999999999999", "t",
	    &fx->e), "port", "t: 99999999999999999999999 is above the maximum "
	    "65535");
	assert_fails(fx, config_set(c, "port", "", "t", &fx->e), "port",
	    "t: \"\" is not a whole number");
	assert_fails(fx, config_set(c, "port", "80a", "t", &fx->e), "port",
	    "t: \"80a\" is not a whole number");
	assert_fails(fx, config_set(c, "port", " 80", "t", &fx->e), "port",
	    "t: \" 80\" is not a whole number");
	assert_fails(fx, config_set(c, "port", "0x50", "t", &fx->e), "port",
	    "t: \"0x50\" is not a whole number");
	assert_fails(fx, config_set(c, "port", "+80", "t", &fx->e), "port",
	    "t: \"+80\" is not a whole number");
	assert_fails(fx, config_set(c, "port", "-", "t", &fx->e), "port",
	    "t: \"-\" is not a whole number");
	assert_fails(fx, config_set(c, "port", "80s", "t", &fx->e), "port",
	    "t: \"80s\" is not a whole number");
	assert_fails(fx, config_set(c, "fever-threshold", "37.3", "t", &fx->e),
	    "fever-threshold",
	    "t: \"37.3\" is not a whole number of tenths of a °C");
	assert_fails(fx, config_set(c, "fever-threshold", "421", "t", &fx->e),
	    "fever-threshold",
	    "t: 421 is above the maximum 420 tenths of a °C");
	assert_fails(fx, config_set(c, "retention-days", "3651", "t", &fx->e),
	    "retention-days", "t: 3651 is above the maximum 3650 days");
	/* Failures left the last good value and its source. */
	assert_int_equal(c->port, 8080);
	assert_string_equal(config_source(c, "port"), "t");
	assert_int_equal(c->fever_threshold, 373);
	assert_string_equal(config_source(c, "fever-threshold"), "default");
}

static void
test_duration_values(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;

	assert_int_equal(config_set(c, "request-timeout", "90s", "t", &fx->e),
	    SJ_OK);
	assert_int_equal(c->request_timeout, 90);
	assert_int_equal(config_set(c, "request-timeout", "15m", "t", &fx->e),
	    SJ_OK);
	assert_int_equal(c->request_timeout, 900);
	assert_int_equal(config_set(c, "request-timeout", "1h", "t", &fx->e),
	    SJ_OK);
	assert_int_equal(c->request_timeout, 3600);
	/* 61 × 60 = 3660 > 3600. */
	assert_fails(fx, config_set(c, "request-timeout", "61m", "t", &fx->e),
	    "request-timeout", "t: 61m is above the maximum 3600 seconds");
	assert_fails(fx, config_set(c, "request-timeout", "0s", "t", &fx->e),
	    "request-timeout", "t: 0s is below the minimum 1 seconds");
	assert_fails(fx, config_set(c, "request-timeout", "2d", "t", &fx->e),
	    "request-timeout", "t: \"2d\" is not a duration (seconds, or a "
	    "number with s, m or h)");
	assert_fails(fx, config_set(c, "request-timeout", "1hs", "t", &fx->e),
	    "request-timeout", "t: \"1hs\" is not a duration (seconds, or a "
	    "number with s, m or h)");
	assert_fails(fx, config_set(c, "request-timeout", "h", "t", &fx->e),
	    "request-timeout", "t: \"h\" is not a duration (seconds, or a "
	    "number with s, m or h)");
	/* 9223372036854775807 / 3600 is about 2.6e15: this overflows. */
	assert_fails(fx, config_set(c, "request-timeout", "9000000000000000h",
	    "t", &fx->e), "request-timeout",
	    "t: 9000000000000000h is above the maximum 3600 seconds");
	assert_fails(fx, config_set(c, "request-timeout", "-9000000000000000h",
	    "t", &fx->e), "request-timeout",
	    "t: -9000000000000000h is below the minimum 1 seconds");
	assert_int_equal(c->request_timeout, 3600);
}

static void
test_size_values(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;

	assert_int_equal(config_set(c, "max-body", "1K", "t", &fx->e), SJ_OK);
	assert_int_equal(c->max_body, 1024);
	/* 64 × 1024 × 1024 = 67108864, the maximum itself. */
	assert_int_equal(config_set(c, "max-body", "64M", "t", &fx->e), SJ_OK);
	assert_int_equal(c->max_body, 67108864);
	assert_int_equal(config_set(c, "max-body", "65536K", "t", &fx->e),
	    SJ_OK);
	assert_int_equal(c->max_body, 67108864);
	assert_fails(fx, config_set(c, "max-body", "65537K", "t", &fx->e),
	    "max-body", "t: 65537K is above the maximum 67108864 bytes");
	assert_fails(fx, config_set(c, "max-body", "1G", "t", &fx->e),
	    "max-body", "t: 1G is above the maximum 67108864 bytes");
	assert_fails(fx, config_set(c, "max-body", "1023", "t", &fx->e),
	    "max-body", "t: 1023 is below the minimum 1024 bytes");
	assert_fails(fx, config_set(c, "max-body", "5k", "t", &fx->e),
	    "max-body", "t: \"5k\" is not a size (bytes, or a number with K, "
	    "M or G)");
	assert_fails(fx, config_set(c, "max-body", "5MB", "t", &fx->e),
	    "max-body", "t: \"5MB\" is not a size (bytes, or a number with K, "
	    "M or G)");
	assert_int_equal(c->max_body, 67108864);
}

static void
test_bool_values(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;
	const char *yes[] = { "true", "yes", "on", "1", "TRUE", "Yes", "ON" };
	const char *no[] = { "false", "no", "off", "0", "FALSE", "No", "Off" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		assert_int_equal(config_set(c, "cookie-secure", no[i], "t",
		    &fx->e), SJ_OK);
		assert_false(c->cookie_secure);
		assert_int_equal(config_set(c, "cookie-secure", yes[i], "t",
		    &fx->e), SJ_OK);
		assert_true(c->cookie_secure);
	}
	assert_fails(fx, config_set(c, "cookie-secure", "maybe", "t", &fx->e),
	    "cookie-secure", "t: \"maybe\" is not a boolean (use true/false, "
	    "yes/no, on/off or 1/0)");
	assert_fails(fx, config_set(c, "cookie-secure", "", "t", &fx->e),
	    "cookie-secure", "t: \"\" is not a boolean (use true/false, "
	    "yes/no, on/off or 1/0)");
	assert_fails(fx, config_set(c, "cookie-secure", "2", "t", &fx->e),
	    "cookie-secure", "t: \"2\" is not a boolean (use true/false, "
	    "yes/no, on/off or 1/0)");
	assert_fails(fx, config_set(c, "cookie-secure", "y", "t", &fx->e),
	    "cookie-secure", "t: \"y\" is not a boolean (use true/false, "
	    "yes/no, on/off or 1/0)");
	assert_true(c->cookie_secure);
}

static void
test_enum_values(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;

	assert_int_equal(config_set(c, "log-level", "error", "t", &fx->e), SJ_OK);
	assert_int_equal(c->log_level, SJ_LOG_ERROR);
	assert_int_equal(config_set(c, "log-level", "DEBUG", "t", &fx->e), SJ_OK);
	assert_int_equal(c->log_level, SJ_LOG_DEBUG);
	assert_int_equal(config_set(c, "log-level", "Warn", "t", &fx->e), SJ_OK);
	assert_int_equal(c->log_level, SJ_LOG_WARN);
	assert_fails(fx, config_set(c, "log-level", "verbose", "SIJIN_LOG_LEVEL",
	    &fx->e), "log-level", "SIJIN_LOG_LEVEL: \"verbose\" is not one of "
	    "error, warn, info, debug");
	assert_fails(fx, config_set(c, "log-level", "warning", "t", &fx->e),
	    "log-level", "t: \"warning\" is not one of error, warn, info, debug");
	assert_fails(fx, config_set(c, "log-level", "2", "t", &fx->e),
	    "log-level", "t: \"2\" is not one of error, warn, info, debug");
	assert_int_equal(c->log_level, SJ_LOG_WARN);
}

static void
test_string_values(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;

	assert_int_equal(config_set(c, "tz", "America/Argentina/Buenos_Aires",
	    "t", &fx->e), SJ_OK);
	assert_string_equal(c->tz, "America/Argentina/Buenos_Aires");
	assert_int_equal(config_set(c, "db", "数据/四进.db", "t", &fx->e), SJ_OK);
	assert_string_equal(c->db, "数据/四进.db");
	assert_fails(fx, config_set(c, "tz", "../../etc/passwd", "--tz", &fx->e),
	    "tz", "--tz: must not contain \"..\"");
	assert_fails(fx, config_set(c, "tz", "", "SIJIN_TZ", &fx->e), "tz",
	    "SIJIN_TZ: must not be empty; give an IANA name such as "
	    "Asia/Shanghai");
	assert_fails(fx, config_set(c, "db", "", "t", &fx->e), "db",
	    "t: must not be empty");
	assert_fails(fx, config_set(c, "listen", "", "t", &fx->e), "listen",
	    "t: must not be empty");
	assert_fails(fx, config_set(c, "listen", "0.0.0.0\nport = 1", "t",
	    &fx->e), "listen",
	    "t: the value contains a control character (byte 0x0a)");
	assert_fails(fx, config_set(c, "trusted-proxies", "a\x7f", "t", &fx->e),
	    "trusted-proxies",
	    "t: the value contains a control character (byte 0x7f)");
	assert_string_equal(c->tz, "America/Argentina/Buenos_Aires");
	assert_string_equal(c->listen, "127.0.0.1");
}

static void
test_set_unknown_name(void **state)
{
	struct fixture *fx = *state;

	assert_fails(fx, config_set(&fx->c, "colour", "red", "t", &fx->e),
	    "colour", "t: unknown setting \"colour\"");
	/* Only the canonical name: not a flag or environment spelling. */
	assert_fails(fx, config_set(&fx->c, "max_body", "2048", "t", &fx->e),
	    "max_body", "t: unknown setting \"max_body\"");
	assert_fails(fx, config_set(&fx->c, "--port", "1", "t", &fx->e),
	    "--port", "t: unknown setting \"--port\"");
}

/* ---- The config file ---- */

static void
test_file_syntax_accepted(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };
	char src[160];

	write_ini(fx,
	    "# comment\r\n"
	    "; another\r\n"
	    "\r\n"
	    "  db   =   spaced.db   \r\n"
	    "port: 9090\r\n"
	    "listen = 0.0.0.0 ; inline comment\r\n"
	    "db-password = \"10.0.0.1\"\r\n"
	    "key-file = a;b.key\r\n"
	    "tz =\r\n"
	    "retention-days = 7");
	/* tz is empty: the file is right but the value is not. */
	assert_fails(fx, load(fx, argv, envp), "tz",
	    at_line(fx, 9, "must not be empty; give an IANA name such as "
	    "Asia/Shanghai"));
	write_ini(fx,
	    "# comment\r\n"
	    "; another\r\n"
	    "\r\n"
	    "  db   =   spaced.db   \r\n"
	    "port: 9090\r\n"
	    "listen = 0.0.0.0 ; inline comment\r\n"
	    "db-password = \"10.0.0.1\"\r\n"
	    "key-file = a;b.key\r\n"
	    "retention-days = 7");
	config_free(&fx->c);
	config_defaults(&fx->c);
	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_string_equal(fx->c.db, "spaced.db");
	assert_int_equal(fx->c.port, 9090);
	assert_string_equal(fx->c.listen, "0.0.0.0");
	assert_string_equal(fx->c.db_password, "\"10.0.0.1\"");
	assert_string_equal(fx->c.key_file, "a;b.key");
	assert_int_equal(fx->c.retention_days, 7);
	snprintf(src, sizeof src, "%s:9", fx->path);
	assert_string_equal(config_source(&fx->c, "retention-days"), src);
}

static void
test_file_unknown_key_names_line(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };

	write_ini(fx, "# sijin\ndb = a.db\n\nprot = 80\nport = 81\n");
	assert_fails(fx, load(fx, argv, envp), "prot",
	    at_line(fx, 4, "unknown setting \"prot\""));
}

static void
test_file_section_means_dotted_name(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };

	/* No setting is called server.port, so the key is unknown. */
	write_ini(fx, "db = a.db\n[server]\nport = 80\n");
	assert_fails(fx, load(fx, argv, envp), "server.port",
	    at_line(fx, 3, "unknown setting \"server.port\""));
}

static void
test_file_value_errors_name_line(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };

	write_ini(fx, "threads = 8\ncookie-secure = sometimes\n");
	assert_fails(fx, load(fx, argv, envp), "cookie-secure",
	    at_line(fx, 2, "\"sometimes\" is not a boolean (use true/false, "
	    "yes/no, on/off or 1/0)"));
}

static void
test_file_duplicate_and_continuation(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };

	write_ini(fx, "port = 80\nthreads = 2\nport = 81\n");
	assert_fails(fx, load(fx, argv, envp), "port",
	    at_line(fx, 3, "port is already set on line 1"));
	/* libinih reads an indented line as more of the value before it. */
	write_ini(fx, "db = a.db\n  port = 80\n");
	assert_fails(fx, load(fx, argv, envp), "db",
	    at_line(fx, 2, "an indented line continues the value of db; "
	    "write each value on one line"));
}

static void
test_file_cannot_name_config(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };

	write_ini(fx, "config = other.ini\n");
	assert_fails(fx, load(fx, argv, envp), "config",
	    at_line(fx, 1, "config cannot be set in a config file"));
}

static void
test_file_syntax_error(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };

	write_ini(fx, "port = 80\n\njust some words\n");
	assert_fails(fx, load(fx, argv, envp), "config",
	    at_line(fx, 3, "expected \"key = value\" or \"[section]\""));
	write_ini(fx, "[unclosed\nport = 80\n");
	assert_fails(fx, load(fx, argv, envp), "config",
	    at_line(fx, 1, "expected \"key = value\" or \"[section]\""));
}

static void
test_file_long_line(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { fx->env_config, NULL };
	char *argv[] = { "sijin", NULL };
	char text[512];

	/* "db = " (5) + 193 'x' = 198 bytes before the newline: fits. */
	memcpy(text, "port = 80\ndb = ", 15);
	memset(text + 15, 'x', 193);
	strcpy(text + 15 + 193, "\n");
	write_ini(fx, text);
	assert_int_equal(load(fx, argv, envp), SJ_OK);
	assert_int_equal(strlen(fx->c.db), 193);
	/* The same without the final newline, at the end of the file. */
	text[15 + 193] = '\0';
	write_ini(fx, text);
	assert_int_equal(load(fx, argv, envp), SJ_OK);
	/* One byte more does not. */
	memset(text + 15, 'x', 194);
	strcpy(text + 15 + 194, "\nport = 81\n");
	write_ini(fx, text);
	assert_fails(fx, load(fx, argv, envp), "config",
	    at_line(fx, 2, "line is longer than 198 bytes"));
}

static void
test_file_missing(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_CONFIG=/nonexistent/sijin.ini", NULL };
	char *argv[] = { "sijin", NULL };
	char *argv2[] = { "sijin", "--config", "/nonexistent/b.ini", NULL };

	assert_fails(fx, load(fx, argv, envp), "config",
	    "SIJIN_CONFIG: cannot open /nonexistent/sijin.ini: "
	    "No such file or directory");
	assert_fails(fx, load(fx, argv2, envp), "config",
	    "--config: cannot open /nonexistent/b.ini: "
	    "No such file or directory");
}

static void
test_file_is_directory(void **state)
{
	struct fixture *fx = *state;
	char env[100];
	char *envp[] = { env, NULL };
	char *argv[] = { "sijin", NULL };
	char msg[200];

	snprintf(env, sizeof env, "SIJIN_CONFIG=%s", fx->dir);
	snprintf(msg, sizeof msg, "SIJIN_CONFIG: cannot read %s", fx->dir);
	assert_fails(fx, load(fx, argv, envp), "config", msg);
}

/* ---- Derived values and help ---- */

static void
test_key_file_path(void **state)
{
	struct fixture *fx = *state;
	sj_config *c = &fx->c;
	char path[32];

	assert_int_equal(config_set(c, "db", "/srv/a.db", "t", &fx->e), SJ_OK);
	assert_int_equal(config_key_file_path(c, path, sizeof path, &fx->e),
	    SJ_OK);
	assert_string_equal(path, "/srv/a.db.key");
	assert_int_equal(config_set(c, "key-file", "/etc/sijin/keys", "t",
	    &fx->e), SJ_OK);
	assert_int_equal(config_key_file_path(c, path, sizeof path, &fx->e),
	    SJ_OK);
	assert_string_equal(path, "/etc/sijin/keys");
	/* "/etc/sijin/keys" is 15 bytes: 16 with the NUL fit, 15 do not. */
	assert_int_equal(config_key_file_path(c, path, 16, &fx->e), SJ_OK);
	assert_int_equal(config_key_file_path(c, path, 15, &fx->e), SJ_ETOOBIG);
	assert_string_equal(fx->e.field, "key-file");
	assert_string_equal(path, "");
}

static void
test_url_db_needs_key_file(void **state)
{
	struct fixture *fx = *state;
	char *envp[] = { "SIJIN_DB=postgresql://db.example/sijin", NULL };
	char *argv[] = { "sijin", "serve", NULL };
	char *argv2[] = { "sijin", "--key-file", "/etc/sijin.key", "serve", NULL };
	char path[64];

	assert_fails(fx, load(fx, argv, envp), "key-file",
	    "SIJIN_DB: db is a URL, so key-file must name the key file");
	assert_int_equal(fx->argc, 2);
	assert_int_equal(config_key_file_path(&fx->c, path, sizeof path,
	    &fx->e), SJ_ECONFIG);
	assert_int_equal(load(fx, argv2, envp), SJ_OK);
	assert_int_equal(config_key_file_path(&fx->c, path, sizeof path,
	    &fx->e), SJ_OK);
	assert_string_equal(path, "/etc/sijin.key");
}

static void
test_usage_lines(void **state)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	(void)state;
	assert_non_null(f);
	config_usage(f);
	fclose(f);
	assert_non_null(strstr(s, "  --port N  TCP port the HTTP server listens "
	    "on (SIJIN_PORT; 1..65535; default \"8080\")\n"));
	assert_non_null(strstr(s, "  --log-level error|warn|info|debug  most "
	    "verbose log level written (SIJIN_LOG_LEVEL; default \"info\")\n"));
	assert_non_null(strstr(s, "  --cookie-secure[=BOOL]  give session "
	    "cookies the Secure attribute (for HTTPS) (SIJIN_COOKIE_SECURE; "
	    "default \"false\")\n"));
	assert_non_null(strstr(s, "  --max-body SIZE  largest HTTP request body "
	    "accepted (SIJIN_MAX_BODY; 1024..67108864 bytes; "
	    "default \"1048576\")\n"));
	assert_non_null(strstr(s, "  --config TEXT  "));
	assert_non_null(strstr(s, "  --max-connections-per-address N  most HTTP "
	    "connections one client address may hold open at once "
	    "(SIJIN_MAX_CONNECTIONS_PER_ADDRESS; 1..100000; default \"256\")\n"));
	/* One line per setting shown: 32 (30, and tls-cert and tls-key). */
	n = 0;
	for (char *p = s; *p; p++)
		n += *p == '\n';
	assert_int_equal(n, 32);
	free(s);
}

static void
test_free_accepts_null_and_zeroed(void **state)
{
	sj_config c;

	(void)state;
	config_free(NULL);
	config_defaults(&c);
	config_free(&c);
	assert_null(c.db);
	assert_null(c.source);
	config_free(&c);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_defaults_printed),
		T(test_precedence_default_file_env_flag),
		T(test_print_after_load_names_sources),
		T(test_secret_never_in_errors),
		T(test_shown_settings),
		T(test_print_masks_db_url),
		T(test_flags_removed_rest_kept_in_order),
		T(test_flag_forms),
		T(test_public_url_follows_listen_and_port),
		T(test_bool_flag_alone_takes_no_value),
		T(test_lookalike_flags_are_kept),
		T(test_flag_without_value_leaves_argv),
		T(test_bad_flag_value_leaves_argv),
		T(test_config_flag_beats_env_and_is_removed),
		T(test_env_custom_array),
		T(test_env_null_means_process_environment),
		T(test_env_out_of_range),
		T(test_empty_config_env_means_no_file),
		T(test_int_values),
		T(test_duration_values),
		T(test_size_values),
		T(test_bool_values),
		T(test_enum_values),
		T(test_string_values),
		T(test_set_unknown_name),
		T(test_file_syntax_accepted),
		T(test_file_unknown_key_names_line),
		T(test_file_section_means_dotted_name),
		T(test_file_value_errors_name_line),
		T(test_file_duplicate_and_continuation),
		T(test_file_cannot_name_config),
		T(test_file_syntax_error),
		T(test_file_long_line),
		T(test_file_missing),
		T(test_file_is_directory),
		T(test_key_file_path),
		T(test_url_db_needs_key_file),
		T(test_usage_lines),
		cmocka_unit_test(test_free_accepts_null_and_zeroed),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
