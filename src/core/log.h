/*
 * log — one-line events for operators, on stderr.
 *
 * Each event is one line, written with one write, of the form
 *
 *     2026-11-29T10:20:00.123Z level=info listening on 127.0.0.1:8080
 *
 * The timestamp is UTC in RFC 3339 with milliseconds (truncated, not
 * rounded).  Invariants the module keeps, whatever the caller passes:
 *   - a line is at most LOG_LINE_MAX bytes including its newline; a longer
 *     message is cut at a UTF-8 character boundary and ends in "…";
 *   - the message holds no control characters: newline, carriage return and
 *     every other byte below 0x20 (tab too) and DEL become a space, so that
 *     input quoted in a message cannot forge a second event (log injection);
 *   - lines from concurrent threads never interleave (each is formatted on
 *     the stack and handed to stdio in one fwrite, which locks the stream).
 *
 * This module depends on nothing else in sijin except the error record, so
 * that every layer can log.
 */
#ifndef SJ_LOG_H
#define SJ_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "core/err.h"

/* Levels in increasing verbosity.  A message is written when its level is
 * at most the current level (default SJ_LOG_INFO).  The order is fixed:
 * config stores a level as its index in "error", "warn", "info", "debug". */
typedef enum sj_log_level {
	SJ_LOG_ERROR = 0, /* the operation failed; someone should look */
	SJ_LOG_WARN,      /* something is off but work goes on */
	SJ_LOG_INFO,      /* start-up, shutdown, jobs done: the normal story */
	SJ_LOG_DEBUG      /* detail for finding a bug */
} sj_log_level;

/* The longest line, in bytes, including the trailing newline. */
#define LOG_LINE_MAX 2048

/* Write one event at the named level if that level is enabled.  fmt and
 * its arguments are as for printf.  The line is the timestamp, " level=",
 * the level's name, one space, the formatted message (sanitised and cut as
 * described above) and "\n".  Never fails: an unprintable format (vsnprintf
 * returning an error) logs "(unprintable log message)"; an error writing to
 * the stream is ignored, because there is nowhere left to report it. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set the most verbose level that is written.  level must be one of the
 * enum's values (asserted).  Safe to call from any thread at any time. */
void log_set_level(sj_log_level level);

/* The current level.  Safe from any thread. */
sj_log_level log_get_level(void);

/* Whether a message at level would be written now: lets a caller skip
 * costly work that only feeds a debug message. */
bool log_enabled(sj_log_level level);

/* The level's name as written in lines and accepted by log_level_parse:
 * "error", "warn", "info" or "debug"; "?" for a value outside the enum. */
const char *log_level_name(sj_log_level level);

/* Parse a level name: "error", "warn", "info" or "debug", ignoring ASCII
 * case.  On success stores the level in *level and returns SJ_OK.  Returns
 * SJ_ECONFIG with field "log_level" when name is NULL or not one of those
 * (the message lists the four names); *level is then left unchanged. */
sj_rc log_level_parse(const char *name, sj_log_level *level, sj_err *e);

/* Send lines to out instead of stderr; NULL restores stderr.  The caller
 * keeps ownership of out and must keep it open until it sets another
 * stream.  Meant for start-up and tests: set it before other threads log. */
void log_set_output(FILE *out);

/* The clock that timestamps lines: fills *now with the current UTC time
 * (seconds and nanoseconds since the epoch) and returns 0, or returns
 * nonzero when it cannot, in which case the line carries the epoch. */
typedef int (*log_clock_fn)(struct timespec *now);

/* Use clock instead of clock_gettime(CLOCK_REALTIME); NULL restores the
 * real clock.  For tests that need an exact timestamp; set it before other
 * threads log. */
void log_set_clock(log_clock_fn clock);

#endif
