/*
 * Unit tests for core/log: the exact line format, level filtering, log
 * injection, truncation at LOG_LINE_MAX, and whole lines under threads.
 *
 * Expected timestamps were worked out with `date -u -d ... +%s`:
 *   2026-11-29T10:20:00Z = 1795947600
 *   2024-02-29T23:59:59Z = 1709251199 (a leap day)
 *   1999-12-31T23:59:59Z =  946684799
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "core/log.h"

/* "2026-11-29T10:20:00.123Z level=info " is 24 + 1 + 6 + 4 + 1 bytes. */
#define INFO_PREFIX "2026-11-29T10:20:00.123Z level=info "
#define INFO_PREFIX_LEN 36

static struct timespec fixed_now;

static int
fixed_clock(struct timespec *now)
{
	*now = fixed_now;
	return 0;
}

static int
broken_clock(struct timespec *now)
{
	(void)now;
	return -1;
}

static int
setup(void **state)
{
	FILE *f = tmpfile();

	if (f == NULL)
		return -1;
	*state = f;
	fixed_now = (struct timespec){ 1795947600, 123456789 };
	log_set_output(f);
	log_set_clock(fixed_clock);
	log_set_level(SJ_LOG_INFO);
	return 0;
}

static int
teardown(void **state)
{
	log_set_output(NULL);
	log_set_clock(NULL);
	log_set_level(SJ_LOG_INFO);
	fclose(*state);
	return 0;
}

/* Everything written to f so far, NUL-terminated; free() it. */
static char *
slurp(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	assert_true(n >= 0);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	return s;
}

static void
assert_written(FILE *f, const char *expected)
{
	char *s = slurp(f);

	assert_string_equal(s, expected);
	free(s);
}

static void
test_line_format_exact(void **state)
{
	log_info("listening on %s:%d", "127.0.0.1", 8080);
	assert_written(*state,
	    "2026-11-29T10:20:00.123Z level=info listening on 127.0.0.1:8080\n");
}

static void
test_milliseconds_truncate_and_pad(void **state)
{
	fixed_now = (struct timespec){ 1709251199, 999999999 };
	log_warn("a");
	fixed_now = (struct timespec){ 946684799, 999999 };
	log_error("b");
	fixed_now = (struct timespec){ 0, 7000000 };
	log_info("c");
	assert_written(*state,
	    "2024-02-29T23:59:59.999Z level=warn a\n"
	    "1999-12-31T23:59:59.000Z level=error b\n"
	    "1970-01-01T00:00:00.007Z level=info c\n");
}

static void
test_bad_clock_gives_epoch(void **state)
{
	log_set_clock(broken_clock);
	log_info("x");
	log_set_clock(fixed_clock);
	/* Year 10000 cannot be written in four digits.  253402300800 is
	 * 10000-01-01T00:00:00Z: 2932897 days of 86400 s after the epoch
	 * (8030 years of 365 days plus 1947 leap days, 1970..9999). */
	fixed_now = (struct timespec){ 253402300800, 0 };
	log_info("y");
	fixed_now = (struct timespec){ 253402300799, 0 };
	log_info("z");
	assert_written(*state,
	    "1970-01-01T00:00:00.000Z level=info x\n"
	    "1970-01-01T00:00:00.000Z level=info y\n"
	    "9999-12-31T23:59:59.000Z level=info z\n");
}

static void
test_levels_filter(void **state)
{
	assert_int_equal(log_get_level(), SJ_LOG_INFO);
	log_debug("hidden %d", 1);
	log_info("i");
	log_set_level(SJ_LOG_DEBUG);
	assert_true(log_enabled(SJ_LOG_DEBUG));
	log_debug("d");
	log_set_level(SJ_LOG_ERROR);
	assert_false(log_enabled(SJ_LOG_WARN));
	assert_true(log_enabled(SJ_LOG_ERROR));
	log_warn("hidden");
	log_info("hidden");
	log_error("e");
	assert_written(*state,
	    "2026-11-29T10:20:00.123Z level=info i\n"
	    "2026-11-29T10:20:00.123Z level=debug d\n"
	    "2026-11-29T10:20:00.123Z level=error e\n");
}

static void
test_newlines_cannot_forge_events(void **state)
{
	const char *name = "bob\n2026-11-29T10:20:00.000Z level=error forged\r\n";

	log_info("login %s ok", name);
	/* Tab, ESC, DEL and an embedded NUL are control bytes too. */
	log_info("a\tb\x1b[31mc\x7f%c.", '\0');
	assert_written(*state,
	    INFO_PREFIX "login bob 2026-11-29T10:20:00.000Z level=error forged   ok\n"
	    INFO_PREFIX "a b [31mc  .\n");
}

static void
test_long_message_fits_exactly(void **state)
{
	/* 2048 - 36 (prefix) - 1 (newline) = 2011 bytes of message fit. */
	char msg[2012];
	char *s;

	memset(msg, 'a', 2011);
	msg[2011] = '\0';
	log_info("%s", msg);
	s = slurp(*state);
	assert_int_equal(strlen(s), LOG_LINE_MAX);
	assert_memory_equal(s, INFO_PREFIX, INFO_PREFIX_LEN);
	assert_memory_equal(s + INFO_PREFIX_LEN, msg, 2011);
	assert_string_equal(s + LOG_LINE_MAX - 2, "a\n");
	free(s);
}

static void
test_long_message_truncated_with_ellipsis(void **state)
{
	/* One byte more than fits: 2011 - 3 = 2008 'a' then "…" (3 bytes). */
	char msg[3001];
	char *s;

	memset(msg, 'a', 3000);
	msg[2012] = '\0';
	log_info("%s", msg);
	s = slurp(*state);
	assert_int_equal(strlen(s), LOG_LINE_MAX);
	assert_memory_equal(s + INFO_PREFIX_LEN, msg, 2008);
	assert_string_equal(s + INFO_PREFIX_LEN + 2008, "\xe2\x80\xa6\n");
	free(s);

	/* A much longer message gives the same line. */
	rewind(*state);
	msg[2012] = 'a';
	msg[3000] = '\0';
	log_info("%s", msg);
	s = slurp(*state);
	assert_string_equal(s + INFO_PREFIX_LEN + 2008, "\xe2\x80\xa6\n");
	free(s);
}

static void
test_truncation_keeps_utf8_whole(void **state)
{
	/* 1000 × "温" (3 bytes each).  The cut would fall at byte 2008, inside
	 * the character that starts at 2007 = 669 × 3, so 669 characters stay:
	 * 36 + 2007 + 3 + 1 = 2047 bytes. */
	char msg[3001];
	char *s;

	for (int i = 0; i < 1000; i++)
		memcpy(msg + 3 * i, "\xe6\xb8\xa9", 3);
	msg[3000] = '\0';
	log_info("%s", msg);
	s = slurp(*state);
	assert_int_equal(strlen(s), 2047);
	assert_memory_equal(s + INFO_PREFIX_LEN, msg, 2007);
	assert_string_equal(s + INFO_PREFIX_LEN + 2007, "\xe2\x80\xa6\n");
	free(s);
}

static void
test_unprintable_message(void **state)
{
	/* In the C locale a non-ASCII wide character has no multibyte form,
	 * so vsnprintf fails with EILSEQ. */
	log_error("%ls", L"\u00e9");
	assert_written(*state,
	    "2026-11-29T10:20:00.123Z level=error (unprintable log message)\n");
}

static void
test_real_clock_brackets_timestamp(void **state)
{
	struct timespec before, after;
	struct tm tm = {0};
	char *s, *end;
	long long ms, lo, hi;

	log_set_clock(NULL);
	clock_gettime(CLOCK_REALTIME, &before);
	log_info("now");
	clock_gettime(CLOCK_REALTIME, &after);
	s = slurp(*state);
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	assert_non_null(end);
	assert_int_equal(end[0], '.');
	assert_int_equal(strlen(s), 24 + strlen(" level=info now\n"));
	assert_string_equal(s + 23, "Z level=info now\n");
	ms = (long long)timegm(&tm) * 1000 + atoi(end + 1);
	lo = (long long)before.tv_sec * 1000 + before.tv_nsec / 1000000;
	hi = (long long)after.tv_sec * 1000 + after.tv_nsec / 1000000;
	assert_true(lo <= ms && ms <= hi);
	free(s);
}

static void
test_default_output_is_stderr(void **state)
{
	FILE *capture = tmpfile();
	int saved;

	(void)state;
	assert_non_null(capture);
	log_set_output(NULL);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
	log_warn("to stderr");
	dup2(saved, STDERR_FILENO);
	close(saved);
	fseek(capture, 0, SEEK_END);
	assert_written(capture, "2026-11-29T10:20:00.123Z level=warn to stderr\n");
	fclose(capture);
}

static void
test_level_parse(void **state)
{
	sj_log_level level = SJ_LOG_INFO;
	sj_err e = {0};

	(void)state;
	assert_int_equal(log_level_parse("debug", &level, &e), SJ_OK);
	assert_int_equal(level, SJ_LOG_DEBUG);
	assert_int_equal(log_level_parse("WARN", &level, &e), SJ_OK);
	assert_int_equal(level, SJ_LOG_WARN);
	assert_int_equal(log_level_parse("Error", &level, &e), SJ_OK);
	assert_int_equal(level, SJ_LOG_ERROR);
	assert_int_equal(log_level_parse("info", &level, NULL), SJ_OK);
	assert_int_equal(level, SJ_LOG_INFO);

	assert_int_equal(log_level_parse("verbose", &level, &e), SJ_ECONFIG);
	assert_int_equal(e.rc, SJ_ECONFIG);
	assert_string_equal(e.field, "log_level");
	assert_string_equal(e.msg,
	    "unknown log level \"verbose\"; use error, warn, info or debug");
	assert_int_equal(level, SJ_LOG_INFO);
	assert_int_equal(log_level_parse("", &level, &e), SJ_ECONFIG);
	assert_int_equal(log_level_parse("info ", &level, &e), SJ_ECONFIG);
	assert_int_equal(log_level_parse("warning", &level, &e), SJ_ECONFIG);
	assert_int_equal(log_level_parse(NULL, &level, &e), SJ_ECONFIG);
	assert_string_equal(e.field, "log_level");
	assert_int_equal(level, SJ_LOG_INFO);
}

static void
test_level_names(void **state)
{
	(void)state;
	assert_string_equal(log_level_name(SJ_LOG_ERROR), "error");
	assert_string_equal(log_level_name(SJ_LOG_WARN), "warn");
	assert_string_equal(log_level_name(SJ_LOG_INFO), "info");
	assert_string_equal(log_level_name(SJ_LOG_DEBUG), "debug");
	assert_string_equal(log_level_name((sj_log_level)4), "?");
	assert_string_equal(log_level_name((sj_log_level)-1), "?");
}

#define N_THREADS 4
#define N_LINES 300

static void *
log_many(void *arg)
{
	int t = (int)(intptr_t)arg;
	char pad[1200];

	/* Long lines make an interleaving, if there were one, likely. */
	memset(pad, 'a' + t, sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	for (int i = 0; i < N_LINES; i++)
		log_info("t=%d i=%d %s", t, i, pad);
	return NULL;
}

static void
test_threads_write_whole_lines(void **state)
{
	pthread_t th[N_THREADS];
	char seen[N_THREADS][N_LINES] = {{0}};
	char *s, *line, *next;
	int n = 0;

	for (int t = 0; t < N_THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, log_many,
		    (void *)(intptr_t)t), 0);
	for (int t = 0; t < N_THREADS; t++)
		pthread_join(th[t], NULL);
	s = slurp(*state);
	for (line = s; *line; line = next + 1, n++) {
		int t, i, off = 0;

		next = strchr(line, '\n');
		assert_non_null(next);
		assert_memory_equal(line, INFO_PREFIX, INFO_PREFIX_LEN);
		assert_int_equal(sscanf(line + INFO_PREFIX_LEN, "t=%d i=%d %n",
		    &t, &i, &off), 2);
		assert_true(t >= 0 && t < N_THREADS && i >= 0 && i < N_LINES);
		assert_int_equal(seen[t][i], 0);
		seen[t][i] = 1;
		/* The pad is 1199 copies of one letter, then the newline. */
		assert_int_equal(next - (line + INFO_PREFIX_LEN + off), 1199);
		for (char *p = line + INFO_PREFIX_LEN + off; p < next; p++)
			assert_int_equal(*p, 'a' + t);
	}
	assert_int_equal(n, N_THREADS * N_LINES);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_line_format_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_milliseconds_truncate_and_pad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_clock_gives_epoch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_levels_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newlines_cannot_forge_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_message_fits_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_message_truncated_with_ellipsis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_keeps_utf8_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprintable_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_clock_brackets_timestamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_output_is_stderr, setup, teardown),
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test_setup_teardown(test_threads_write_whole_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
