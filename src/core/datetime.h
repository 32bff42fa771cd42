/*
 * datetime — instants, RFC 3339 text, and local calendar dates
 * (DESIGN.md §4 "Time").
 *
 * Invariants:
 * - An instant is an int64_t count of seconds since 1970-01-01T00:00:00Z
 *   (Unix time, leap seconds not counted); the _ms functions use
 *   milliseconds since the same epoch.  Instants handled here lie in
 *   [DT_INSTANT_MIN, DT_INSTANT_MAX], i.e. UTC years 0000-9999.
 * - A date (sj_date) is a day count since 1970-01-01 in the proleptic
 *   Gregorian calendar, with no time and no zone.  A date that describes
 *   "a day" in sijin (visit date, due date, report day) is a local day in
 *   the deployment's zone, and goes to and from instants only through
 *   that zone (dt_date_of, dt_date_start): never through midnight UTC.
 * - The deployment's zone is the process-wide TZ, set once at start-up by
 *   dt_zone_set() from the system tz database.
 * - Text <-> instant conversion is pure arithmetic; only the offset of the
 *   deployment's zone at an instant comes from the C library
 *   (localtime_r's tm_gmtoff, mktime), or, after the zone's last
 *   transition when its rule has no daylight saving time, from the zone's
 *   file as read once by dt_zone_set and checked against the C library
 *   (dt_zone_offset).
 */
#ifndef SJ_DATETIME_H
#define SJ_DATETIME_H

#include <stdint.h>

#include "core/err.h"

/* Days since 1970-01-01 (1970-01-01 is 0, 1969-12-31 is -1). */
typedef int32_t sj_date;

/* The zone used when the configuration names none (DESIGN.md §4). */
#define DT_ZONE_DEFAULT "Asia/Shanghai"

/* Buffer sizes including the NUL: "2020-03-18T14:30:00+08:00",
 * "2020-03-18T14:30:00.123+08:00", "2020-03-18". */
#define DT_RFC3339_LEN    26
#define DT_RFC3339_MS_LEN 30
#define DT_DATE_LEN       11

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define DT_INSTANT_MIN INT64_C(-62167219200)
#define DT_INSTANT_MAX INT64_C(253402300799)

/* 0000-01-01 and 9999-12-31 as sj_date. */
#define DT_DATE_MIN (-719528)
#define DT_DATE_MAX 2932896

/* The longest zone name dt_zone_set accepts, in bytes. */
#define DT_ZONE_NAME_MAX 64

/*
 * Make the IANA time zone `name` (e.g. "Asia/Shanghai") the deployment's
 * zone: sets the environment variable TZ to ":name" and calls tzset(), so
 * localtime_r and mktime use it from then on.
 *
 * The name must be 1..DT_ZONE_NAME_MAX bytes of [A-Za-z0-9_+-] in
 * '/'-separated components: no leading '/', no empty, "." or ".."
 * component (so it can never leave the tz directory).  It must name a
 * TZif file (magic "TZif", RFC 8536 §3.1) under $TZDIR when that is set
 * and non-empty, else under /usr/share/zoneinfo.
 *
 * Returns SJ_OK, or SJ_ECONFIG with field "tz" when the name is malformed
 * or no such zone file exists; the zone in effect is then unchanged.
 * Not thread-safe (it changes the environment): call it once at start-up
 * before any thread starts; tests call it per test.
 */
sj_rc dt_zone_set(const char *name, sj_err *err);

/* The deployment zone's offset east of UTC at instant t, in seconds (the
 * C library's tm_gmtoff under the zone dt_zone_set made current; +28800
 * for Asia/Shanghai since 1991).  After the zone file's last transition,
 * when its rule has no daylight-saving part, the offset dt_zone_set read
 * from the file (and checked against the C library) is answered without
 * asking the C library again (core/tzif.h says why).  Changing TZ other
 * than through dt_zone_set is not seen by that answer. */
int64_t dt_zone_offset(int64_t t);

/*
 * The instant (seconds since the epoch) at which the deployment's zone
 * shows the wall time y-m-d h:mi:sec (valid: dt_ymd_valid, h 0-23, mi and
 * sec 0-59; years 1970-9999), from the tz database whatever the process's
 * own TZ was before dt_zone_set.  A wall time without an offset names
 * one instant only when the zone's clocks showed it once (DESIGN.md §4
 * "Time": instants carry an offset), so both other cases are errors, not
 * a guess: SJ_EINVAL naming field with
 *   "2024-03-31T02:30:00 does not exist in the zone Europe/Berlin: the
 *   clocks went from +01:00 to +02:00 and skipped it; add the offset
 *   meant (e.g. 2024-03-31T02:30:00+01:00)"   (a spring-forward gap), or
 *   "2024-10-27T02:30:00 occurs twice in the zone Europe/Berlin: the
 *   clocks went back from +02:00 to +01:00; add the offset meant
 *   (2024-10-27T02:30:00+02:00 for the first, ...+01:00 for the
 *   second)"   (a fall-back fold).
 * Asia/Shanghai had both in 1986-1991 (China's daylight saving time).
 * *out is set on success only.
 */
sj_rc dt_local_instant(int y, int mo, int d, int h, int mi, int sec, const char *field,
    int64_t *out, sj_err *err);

/* The name last set by dt_zone_set, or "" when it has not been called
 * (then the C library's own TZ is in effect).  Static storage; valid
 * until the next dt_zone_set.  Never NULL. */
const char *dt_zone_name(void);

/*
 * Parse an RFC 3339 date-time (RFC 3339 §5.6 "date-time") into seconds
 * since the epoch, stored in *out on success only.
 *
 * Accepted: "YYYY-MM-DDThh:mm:ss[.f...]" followed by an offset "Z", "z"
 * or "+hh:mm" / "-hh:mm".  The separator may be 'T', 't' or one space
 * (RFC 3339 §5.6 note).  A fraction has one or more digits and is
 * dropped: the result is the start of the containing second (floor, also
 * before 1970).  "-00:00" (RFC 3339 §4.3, unknown local offset) is taken
 * as UTC.
 *
 * Range checks: year 0000-9999, month 01-12, day 01..days in that month
 * (Gregorian leap years: divisible by 4, except centuries not divisible
 * by 400), hour 00-23, minute 00-59, second 00-59, offset hour 00-23,
 * offset minute 00-59.  The instant must lie in
 * [DT_INSTANT_MIN, DT_INSTANT_MAX].  A leap second ":60" (allowed by
 * RFC 3339 §5.7) is rejected: Unix time cannot represent it.
 *
 * Returns SJ_OK, or SJ_EINVAL with the caller's `field` (may be NULL) and
 * a message naming the part at fault, e.g. "month 13 out of range
 * (01-12)", "day 30 out of range for 2023-02", "missing time zone offset
 * (Z or +hh:mm)", "trailing characters after offset", "leap second :60
 * is not supported".  s must not be NULL.
 */
sj_rc dt_parse_rfc3339(const char *s, const char *field, int64_t *out,
                       sj_err *err);

/* As dt_parse_rfc3339, but *out_ms is milliseconds since the epoch: the
 * first three fraction digits are kept (".5" is 500 ms) and further
 * digits are dropped (toward the earlier millisecond). */
sj_rc dt_parse_rfc3339_ms(const char *s, const char *field, int64_t *out_ms,
                          sj_err *err);

/*
 * Write instant t (seconds since the epoch, within
 * [DT_INSTANT_MIN, DT_INSTANT_MAX], asserted) as RFC 3339 in the
 * deployment's zone, with the zone's UTC offset at that instant
 * (tm_gmtoff): "2020-03-18T14:30:00+08:00".  A zero offset is written
 * "+00:00" (local time that happens to equal UTC, RFC 3339 §4.3).
 *
 * Before standard time (local mean time, e.g. Asia/Shanghai before 1901
 * at +08:05:43) the offset has seconds, which RFC 3339 cannot express:
 * it is rounded to the nearest minute and the wall time is computed from
 * the rounded offset, so the text still names exactly t.  When the local
 * year would leave 0000-9999 (the last or first hours of the range) the
 * UTC form is written instead.  out receives a NUL-terminated string of
 * at most DT_RFC3339_LEN - 1 bytes.
 */
void dt_format_rfc3339(int64_t t, char out[DT_RFC3339_LEN]);

/* As dt_format_rfc3339 but in UTC with "Z": "2020-03-18T06:30:00Z". */
void dt_format_rfc3339_utc(int64_t t, char out[DT_RFC3339_LEN]);

/* As dt_format_rfc3339 / _utc for ms (milliseconds since the epoch),
 * always with three fraction digits: "2020-03-18T14:30:00.120+08:00".
 * ms / 1000 (floor) must be within the instant range (asserted). */
void dt_format_rfc3339_ms(int64_t ms, char out[DT_RFC3339_MS_LEN]);
void dt_format_rfc3339_utc_ms(int64_t ms, char out[DT_RFC3339_MS_LEN]);

/* 1 when y-m-d is a real date with y in 0000-9999 (Gregorian leap rule
 * as above), else 0.  Use it before dt_date_from_ymd on untrusted
 * values. */
int dt_ymd_valid(int y, int m, int d);

/* The date y-m-d (month 1-12, day 1-31).  The date must be valid
 * (dt_ymd_valid; asserted).  Pure arithmetic, no zone. */
sj_date dt_date_from_ymd(int y, int m, int d);

/* Split d (within [DT_DATE_MIN, DT_DATE_MAX], asserted) into year,
 * month 1-12 and day 1-31.  Any of the out pointers may be NULL. */
void dt_date_to_ymd(sj_date d, int *y, int *m, int *day);

/*
 * Parse a date "YYYY-MM-DD" (RFC 3339 §5.6 "full-date"; ISO 8601
 * extended calendar date) into *out, on success only.  Strict: exactly
 * 10 characters, ASCII digits, with the range checks of
 * dt_parse_rfc3339 for year, month and day.  Returns SJ_OK, or SJ_EINVAL
 * with the caller's `field` and a message naming the part, e.g.
 * "day 29 out of range for 2023-02", "trailing characters after date".
 */
sj_rc dt_date_parse(const char *s, const char *field, sj_date *out,
                    sj_err *err);

/* Write d (within [DT_DATE_MIN, DT_DATE_MAX], asserted) as "YYYY-MM-DD"
 * plus a NUL into out. */
void dt_date_format(sj_date d, char out[DT_DATE_LEN]);

/* ISO 8601 day of the week of d: 1 = Monday ... 7 = Sunday.
 * (1970-01-01 was a Thursday.) */
int dt_date_weekday(sj_date d);

/* d plus n days (n may be negative).  The result must stay within
 * [DT_DATE_MIN, DT_DATE_MAX] (asserted). */
sj_date dt_date_add_days(sj_date d, int32_t n);

/* The local calendar date in the deployment's zone at instant t
 * (seconds since the epoch, within the instant range; asserted). */
sj_date dt_date_of(int64_t t);

/*
 * The first instant (seconds since the epoch) of local day d in the
 * deployment's zone: normally local midnight; where a DST change skips
 * midnight, the first instant that exists on that day (America/Santiago
 * 2024-09-08 starts at 01:00 local, 04:00Z).  Every t with
 * dt_date_start(d) <= t < dt_date_end(d) has dt_date_of(t) == d.
 * d must lie within [DT_DATE_MIN, DT_DATE_MAX + 1] (asserted).
 */
int64_t dt_date_start(sj_date d);

/* dt_date_start(d + 1), for d within [DT_DATE_MIN, DT_DATE_MAX]: a local
 * day is the half-open interval [dt_date_start(d), dt_date_end(d)),
 * 23 or 25 hours long on DST days (DESIGN.md §4: intervals are
 * half-open). */
int64_t dt_date_end(sj_date d);

/* The current instant from the system clock (CLOCK_REALTIME), in
 * seconds / milliseconds since the epoch (floor); or, after dt_now_fix(t)
 * with t > 0, always t (× 1000). */
int64_t dt_now(void);
int64_t dt_now_ms(void);

/* Test clock: make dt_now() return t (seconds since the epoch) from now
 * on; t = 0 returns to the system clock.  Set once at start-up, before
 * threads start (not thread-safe).  The CLI calls it when the environment
 * holds SIJIN_TEST_NOW (docs/config.md "Test hooks"), so that black-box
 * tests can place rows exactly one second either side of a retention
 * cut-off; production never sets it. */
void dt_now_fix(int64_t t);

/* Read SIJIN_TEST_NOW (decimal seconds since the epoch, > 0) from the
 * environment and fix the clock to it with dt_now_fix.  Returns SJ_OK when
 * the variable is unset or empty (the clock stays the system's) or valid;
 * SJ_ECONFIG (field "SIJIN_TEST_NOW") when it is not such a number. */
sj_rc dt_now_from_env(sj_err *e);

#endif
