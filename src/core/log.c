/*
 * log — one-line events on stderr (see log.h for the line format).
 *
 * A line is built in a stack buffer of LOG_LINE_MAX bytes: timestamp and
 * level first, then the message, which is cut to fit and cleaned of control
 * characters, then "\n".  The buffer goes to the stream in one fwrite (stdio
 * locks the stream for the call) followed by fflush, so each event reaches
 * the file descriptor as one write and concurrent lines never mix.  The
 * level, stream and clock are atomics so that readers on other threads
 * always see a whole value.
 */
#include "core/log.h"

#include <assert.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

static const char *const level_names[] = {
	[SJ_LOG_ERROR] = "error",
	[SJ_LOG_WARN]  = "warn",
	[SJ_LOG_INFO]  = "info",
	[SJ_LOG_DEBUG] = "debug",
};
#define N_LEVELS (sizeof level_names / sizeof level_names[0])

/* "…", U+2026, in UTF-8. */
static const char ellipsis[] = "\xe2\x80\xa6";
#define ELLIPSIS_LEN (sizeof ellipsis - 1)

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
#define TIMESTAMP_LEN 24

static _Atomic int current_level = SJ_LOG_INFO;
static _Atomic(FILE *) output;          /* NULL means stderr */
static _Atomic(log_clock_fn) clock_fn;  /* NULL means the real clock */

static bool
level_valid(sj_log_level level)
{
	return (int)level >= 0 && (size_t)level < N_LEVELS;
}

void
log_set_level(sj_log_level level)
{
	assert(level_valid(level));
	atomic_store_explicit(&current_level, (int)level, memory_order_relaxed);
}

sj_log_level
log_get_level(void)
{
	return (sj_log_level)atomic_load_explicit(&current_level,
	    memory_order_relaxed);
}

bool
log_enabled(sj_log_level level)
{
	return (int)level <= (int)log_get_level();
}

const char *
log_level_name(sj_log_level level)
{
	return level_valid(level) ? level_names[level] : "?";
}

sj_rc
log_level_parse(const char *name, sj_log_level *level, sj_err *e)
{
	for (size_t i = 0; name != NULL && i < N_LEVELS; i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*level = (sj_log_level)i;
			return SJ_OK;
		}
	}
	return sj_fail(e, SJ_ECONFIG, "log_level",
	    "unknown log level \"%s\"; use error, warn, info or debug",
	    name ? name : "(null)");
}

void
log_set_output(FILE *out)
{
	atomic_store(&output, out);
}

void
log_set_clock(log_clock_fn clock)
{
	atomic_store(&clock_fn, clock);
}

static int
real_clock(struct timespec *now)
{
	return clock_gettime(CLOCK_REALTIME, now);
}

/* Write the current time as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out, which has
 * room for TIMESTAMP_LEN + 1 bytes.  Milliseconds are truncated.  A clock
 * or calendar failure, or a year outside 1000..9999, gives the epoch, so that
 * the line keeps its shape. */
static void
format_timestamp(char *out)
{
	log_clock_fn clock = atomic_load(&clock_fn);
	struct timespec now = {0};
	struct tm tm;

	if ((clock ? clock : real_clock)(&now) != 0 || now.tv_nsec < 0 ||
	    now.tv_nsec >= 1000000000L)
		now = (struct timespec){0};
	if (gmtime_r(&now.tv_sec, &tm) == NULL || tm.tm_year < 1000 - 1900 ||
	    tm.tm_year > 9999 - 1900) {
		now = (struct timespec){0};
		gmtime_r(&now.tv_sec, &tm);
	}
	strftime(out, TIMESTAMP_LEN + 1, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + 19, TIMESTAMP_LEN + 1 - 19, ".%03uZ",
	    (unsigned)(now.tv_nsec / 1000000L) % 1000u);
}

/* Cut a message of more than `room` bytes (its first `room` bytes are in
 * msg) so that it ends in "…" and fits in room bytes.  The cut backs up to
 * the start of a UTF-8 character so that no character is split.  Returns
 * the new length. */
static size_t
cut_message(char *msg, size_t room)
{
	size_t cut = room - ELLIPSIS_LEN;

	while (cut > 0 && ((unsigned char)msg[cut] & 0xC0) == 0x80)
		cut--;
	memcpy(msg + cut, ellipsis, ELLIPSIS_LEN);
	return cut + ELLIPSIS_LEN;
}

/* Replace every control byte (below 0x20, and DEL) with a space: one event
 * must stay one line whatever the message quotes. */
static void
clean_message(char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)msg[i];

		if (ch < 0x20 || ch == 0x7F)
			msg[i] = ' ';
	}
}

/* Format the message into msg, which has `size` bytes: room for the text
 * and the newline that follows it.  Returns the text's length (< size). */
static size_t __attribute__((format(printf, 3, 0)))
format_message(char *msg, size_t size, const char *fmt, va_list ap)
{
	static const char unprintable[] = "(unprintable log message)";
	int n = vsnprintf(msg, size, fmt, ap);
	size_t len;

	if (n < 0) {
		len = sizeof unprintable - 1;
		memcpy(msg, unprintable, len);
	} else if ((size_t)n < size) {
		len = (size_t)n;
	} else {
		len = cut_message(msg, size - 1);
	}
	clean_message(msg, len);
	return len;
}

static void __attribute__((format(printf, 2, 0)))
log_emit(sj_log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	FILE *out;
	int n;
	size_t len;

	if (!log_enabled(level))
		return;
	format_timestamp(line);
	n = snprintf(line + TIMESTAMP_LEN, sizeof line - TIMESTAMP_LEN,
	    " level=%s ", log_level_name(level));
	len = TIMESTAMP_LEN + (size_t)n;
	len += format_message(line + len, sizeof line - len, fmt, ap);
	line[len++] = '\n';
	out = atomic_load(&output);
	if (out == NULL)
		out = stderr;
	fwrite(line, 1, len, out);
	fflush(out);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(SJ_LOG_ERROR, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(SJ_LOG_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(SJ_LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(SJ_LOG_DEBUG, fmt, ap);
	va_end(ap);
}
