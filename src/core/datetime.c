/*
 * datetime — instants, RFC 3339 text and local dates; see datetime.h.
 *
 * Calendar arithmetic is done here on day counts (proleptic Gregorian,
 * years 0000-9999), never with timegm; the C library is asked only for
 * the deployment zone's UTC offset at an instant (localtime_r,
 * tm_gmtoff; not after the zone file's last transition when the file's
 * rule is a standard time only: learn_tail) and for local midnight
 * (mktime), and both answers are checked against that offset.
 */
#include "core/datetime.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tzif.h"

_Static_assert(sizeof(time_t) == 8, "sijin needs a 64-bit time_t");

#define SECS_PER_DAY      INT64_C(86400)
#define DAYS_PER_400Y     146097     /* the Gregorian calendar's cycle */
#define DAYS_0000_TO_1970 719528     /* 0000-01-01 .. 1970-01-01 */
#define TZDIR_DEFAULT     "/usr/share/zoneinfo"
#define TZIF_READ_MAX     (256 * 1024)  /* zone files are a few KiB */

static char zone_name[DT_ZONE_NAME_MAX + 1];

/* What dt_zone_set learnt from the zone's file (core/tzif.h): when
 * fixed_tail, every instant after tail_after has the offset tail_offset,
 * and zone_offset answers it without the C library. */
static bool fixed_tail;
static int64_t tail_after;
static int32_t tail_offset;

/* Days before the first of each month in a common year; [12] = 365. */
static const int days_before_month[13] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365,
};

/* ---- calendar arithmetic ------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Gregorian rule: every 4th year, except centuries not divisible by 400. */
static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	return days_before_month[m] - days_before_month[m - 1] +
	    (m == 2 && is_leap(y));
}

/* Day of the year (0-365) of the first of month m (1-12) in year y. */
static int
month_start(int64_t y, int m)
{
	return days_before_month[m - 1] + (m > 2 && is_leap(y));
}

/* Days from 0000-01-01 to 1 January of year y >= 0: 365 a year plus one
 * per leap year in [0, y); (y + k - 1) / k counts the multiples of k
 * there (year 0 is one of them). */
static int64_t
days_before_year(int64_t y)
{
	return 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
}

/* Days since 1970-01-01 of y-m-d; y >= 0, m 1-12, d 1-31. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	return days_before_year(y) + month_start(y, m) + d - 1 -
	    DAYS_0000_TO_1970;
}

/* The inverse of days_from_civil, for days on or after 0000-01-01. */
static void
civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t n = days + DAYS_0000_TO_1970, cycles, yc;
	int doy, mo;

	assert(n >= 0);
	/* Every 400-year cycle starts like year 0 (a leap year), so
	 * days_before_year also works on the year within the cycle. */
	cycles = n / DAYS_PER_400Y;
	n %= DAYS_PER_400Y;
	yc = n / 366;  /* never too large; the loop adds the missing years */
	while (days_before_year(yc + 1) <= n)
		yc++;
	doy = (int)(n - days_before_year(yc));
	for (mo = 12; month_start(yc, mo) > doy; mo--)
		;
	*y = cycles * 400 + yc;
	*m = mo;
	*d = doy - month_start(yc, mo) + 1;
}

/* Write v as exactly `width` decimal digits at p; returns p + width. */
static char *
put_digits(char *p, int64_t v, int width)
{
	assert(v >= 0);
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	assert(v == 0);
	return p + width;
}

/* "YYYY-MM-DD" at p (no NUL); returns the end. */
static char *
put_date(char *p, int64_t days)
{
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	return put_digits(p, d, 2);
}

/* ---- the deployment's zone ----------------------------------------- */

/* An IANA name: '/'-separated non-empty components of [A-Za-z0-9_+-].
 * Excluding '.' rules out "." and ".." components, so the name cannot
 * climb out of the tz directory; excluding a leading '/' rules out
 * absolute paths. */
static int
zone_name_ok(const char *name)
{
	size_t len = strlen(name), comp = 0;

	if (len == 0 || len > DT_ZONE_NAME_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = name[i];

		if (c == '/' || c == '\0') {
			if (comp == 0)
				return 0;
			comp = 0;
		} else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-') {
			comp++;
		} else {
			return 0;
		}
	}
	return 1;
}

/* 1 when path is a readable TZif file (RFC 8536 §3.1: magic "TZif"). */
static int
zone_file_ok(const char *path)
{
	char magic[4];
	FILE *f = fopen(path, "rb");
	int ok = 0;

	if (f == NULL)
		goto out;
	ok = fread(magic, 1, sizeof magic, f) == sizeof magic &&
	    memcmp(magic, "TZif", sizeof magic) == 0;
	fclose(f);
out:
	return ok;
}

static int64_t libc_offset(int64_t t);

/* Learn the fixed tail of the zone file at path (core/tzif.h), and keep it
 * only when the C library, now reading the same file, agrees at the first
 * instant after the last transition and at instants up to 9999: the C
 * library stays the authority. */
static void
learn_tail(const char *path)
{
	static const int64_t later[] = { 0, 1, 86400, INT64_C(1700000000), INT64_C(4102444800),
	    DT_INSTANT_MAX };
	unsigned char *bytes = NULL;
	FILE *f = fopen(path, "rb");
	size_t n = 0;
	int64_t after;
	int32_t off;

	fixed_tail = false;
	if (f == NULL)
		return;
	bytes = sj_malloc(TZIF_READ_MAX);
	n = fread(bytes, 1, TZIF_READ_MAX, f);
	fclose(f);
	if (n < TZIF_READ_MAX && tzif_fixed_tail(bytes, n, &after, &off) &&
	    after < DT_INSTANT_MAX) {
		bool agree = true;
		int64_t from = after < DT_INSTANT_MIN ? DT_INSTANT_MIN : after + 1;
		for (size_t i = 0; agree && i < sizeof later / sizeof later[0]; i++) {
			int64_t t = i < 2 ? from + later[i] : later[i];
			if (t >= from && t <= DT_INSTANT_MAX)
				agree = libc_offset(t) == off;
		}
		if (agree) {
			tail_after = after < DT_INSTANT_MIN ? DT_INSTANT_MIN : after;
			tail_offset = off;
			fixed_tail = true;
		}
	}
	free(bytes);
}

sj_rc
dt_zone_set(const char *name, sj_err *err)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX], tz[DT_ZONE_NAME_MAX + 2];
	sj_rc rc = SJ_OK;

	if (dir == NULL || *dir == '\0')
		dir = TZDIR_DEFAULT;
	if (!zone_name_ok(name)) {
		rc = sj_fail(err, SJ_ECONFIG, "tz", "\"%.*s\" is not an IANA "
		    "time zone name such as Asia/Shanghai",
		    DT_ZONE_NAME_MAX, name);
		goto out;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path || !zone_file_ok(path)) {
		rc = sj_fail(err, SJ_ECONFIG, "tz", "unknown time zone \"%s\" "
		    "(no tz file in %.100s)", name, dir);
		goto out;
	}
	/* A leading ':' makes the C library read TZ as a file name, never
	 * as a POSIX rule string like "CST-8". */
	snprintf(tz, sizeof tz, ":%s", name);
	if (setenv("TZ", tz, 1) != 0)
		sj_oom(sizeof tz);
	tzset();
	learn_tail(path);
	memcpy(zone_name, name, strlen(name) + 1);
out:
	return rc;
}

const char *
dt_zone_name(void)
{
	return zone_name;
}

/* The C library's offset east of UTC at t, in seconds. */
static int64_t
libc_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	struct tm *ok = localtime_r(&tt, &tm);

	assert(ok != NULL);
	(void)ok;
	return tm.tm_gmtoff;
}

/* The deployment zone's offset east of UTC at t, in seconds: the zone
 * file's fixed tail after its last transition, else the C library's. */
static int64_t
zone_offset(int64_t t)
{
	return fixed_tail && t > tail_after ? tail_offset : libc_offset(t);
}

int64_t
dt_zone_offset(int64_t t)
{
	return zone_offset(t);
}

/* An offset east of UTC in seconds as "+hh:mm" (post-1970 offsets are
 * whole minutes). */
static void
format_offset(int64_t off, char out[8])
{
	int64_t a = off < 0 ? -off : off;

	snprintf(out, 8, "%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 3600) % 100,
	    (int)(a / 60 % 60));
}

sj_rc
dt_local_instant(int y, int mo, int d, int h, int mi, int sec, const char *field, int64_t *out,
    sj_err *err)
{
	/* the wall time read as if it were UTC; an instant t shows it when
	 * t + offset(t) == wall.  Every offset in force within two days of
	 * it (DST and zone changes are at most a day: Pacific/Apia skipped
	 * 2011-12-30) is among the four looked at, so every t is found. */
	int64_t wall = (int64_t)dt_date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	int64_t tried[4], found[4], off_of[4];
	int n_tried = 0, n_found = 0;
	char text[24], o1[8], o2[8];

	tried[n_tried++] = zone_offset(wall - 2 * 86400);
	tried[n_tried++] = zone_offset(wall + 2 * 86400);
	tried[n_tried++] = zone_offset(wall - tried[0]);
	tried[n_tried++] = zone_offset(wall - tried[1]);
	for (int i = 0; i < n_tried; i++) {
		int64_t t = wall - tried[i];
		bool seen = false;
		for (int k = 0; k < n_found; k++)
			seen |= found[k] == t;
		if (!seen && zone_offset(t) == tried[i]) {
			off_of[n_found] = tried[i];
			found[n_found++] = t;
		}
	}
	snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
	if (n_found == 1) {
		*out = found[0];
		return SJ_OK;
	}
	if (n_found == 0) {
		format_offset(tried[0], o1);
		format_offset(tried[1], o2);
		return sj_fail(err, SJ_EINVAL, field, "%s does not exist in the zone %s: the clocks "
		    "went from %s to %s and skipped it; add the offset meant (e.g. %s%s)", text,
		    dt_zone_name(), o1, o2, text, o1);
	}
	/* twice: the earlier instant has the larger offset */
	int first = found[0] < found[1] ? 0 : 1;
	format_offset(off_of[first], o1);
	format_offset(off_of[1 - first], o2);
	return sj_fail(err, SJ_EINVAL, field, "%s occurs twice in the zone %s: the clocks went "
	    "back from %s to %s; add the offset meant (%s%s for the first, %s%s for the second)",
	    text, dt_zone_name(), o1, o2, text, o1, text, o2);
}

/* The local day number at t; no range check (used for searching). */
static int64_t
local_days(int64_t t)
{
	return floor_div(t + zone_offset(t), SECS_PER_DAY);
}

/* ---- RFC 3339 parsing ---------------------------------------------- */

typedef struct cursor {
	const char *p;      /* next character to read */
	const char *field;  /* the caller's field name, for errors */
	sj_err *err;
} cursor;

/* The parts of a date-time as written. */
typedef struct civil {
	int y, mo, d, h, mi, s;
	int ms;   /* the first three fraction digits, 0-999 */
	int off;  /* offset east of UTC, seconds */
} civil;

static sj_rc
bad(cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static sj_rc
bad(cursor *c, const char *fmt, ...)
{
	char msg[sizeof c->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return sj_fail(c->err, SJ_EINVAL, c->field, "%s", msg);
}

/* Describe the character at p for a message: 'x', byte 0xNN, or end. */
static const char *
found(const char *p, char buf[16])
{
	unsigned char ch = (unsigned char)*p;

	if (ch == '\0')
		return "end of input";
	if (ch > ' ' && ch < 0x7f)
		snprintf(buf, 16, "'%c'", ch);
	else
		snprintf(buf, 16, "byte 0x%02X", ch);
	return buf;
}

/* Read exactly n ASCII digits into *v; 1 on success, else 0 with c->p
 * unmoved. */
static int
take_digits(cursor *c, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (c->p[i] < '0' || c->p[i] > '9')
			return 0;
		x = x * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*v = x;
	return 1;
}

/* Read an n-digit part named `part` and check lo <= *v <= hi. */
static sj_rc
take_part(cursor *c, const char *part, int n, int lo, int hi, int *v)
{
	if (!take_digits(c, n, v))
		return bad(c, "%s must be %d digits", part, n);
	if (*v < lo || *v > hi)
		return bad(c, "%s %0*d out of range (%0*d-%0*d)", part, n, *v,
		    n, lo, n, hi);
	return SJ_OK;
}

static sj_rc
expect(cursor *c, char ch, const char *after)
{
	char buf[16];

	if (*c->p == ch) {
		c->p++;
		return SJ_OK;
	}
	return bad(c, "expected '%c' after %s, found %s", ch, after,
	    found(c->p, buf));
}

/* full-date = YYYY "-" MM "-" DD (RFC 3339 §5.6), checked against the
 * month's length (§5.7). */
static sj_rc
parse_date(cursor *c, civil *v)
{
	sj_rc rc;

	if ((rc = take_part(c, "year", 4, 0, 9999, &v->y)) != SJ_OK ||
	    (rc = expect(c, '-', "year")) != SJ_OK ||
	    (rc = take_part(c, "month", 2, 1, 12, &v->mo)) != SJ_OK ||
	    (rc = expect(c, '-', "month")) != SJ_OK ||
	    (rc = take_part(c, "day", 2, 1, 31, &v->d)) != SJ_OK)
		goto out;
	if (v->d > days_in_month(v->y, v->mo))
		rc = bad(c, "day %02d out of range for %04d-%02d", v->d, v->y,
		    v->mo);
out:
	return rc;
}

/* time-secfrac = "." 1*DIGIT; keeps three digits, drops the rest. */
static sj_rc
parse_fraction(cursor *c, civil *v)
{
	int n = 0;

	v->ms = 0;
	if (*c->p != '.')
		return SJ_OK;
	c->p++;
	for (; *c->p >= '0' && *c->p <= '9'; c->p++, n++)
		if (n < 3)
			v->ms = v->ms * 10 + (*c->p - '0');
	if (n == 0)
		return bad(c, "fraction of a second needs a digit after '.'");
	for (; n < 3; n++)
		v->ms *= 10;
	return SJ_OK;
}

/* partial-time = hh ":" mm ":" ss [secfrac] (RFC 3339 §5.6). */
static sj_rc
parse_time(cursor *c, civil *v)
{
	sj_rc rc;

	if ((rc = take_part(c, "hour", 2, 0, 23, &v->h)) != SJ_OK ||
	    (rc = expect(c, ':', "hour")) != SJ_OK ||
	    (rc = take_part(c, "minute", 2, 0, 59, &v->mi)) != SJ_OK ||
	    (rc = expect(c, ':', "minute")) != SJ_OK)
		goto out;
	/* RFC 3339 §5.7 allows :60 for a leap second; Unix time cannot
	 * hold one, so say so rather than "out of range". */
	if (c->p[0] == '6' && c->p[1] == '0') {
		rc = bad(c, "leap second :60 is not supported (Unix time has "
		    "no leap seconds)");
		goto out;
	}
	if ((rc = take_part(c, "second", 2, 0, 59, &v->s)) != SJ_OK)
		goto out;
	rc = parse_fraction(c, v);
out:
	return rc;
}

/* time-offset = "Z" / ("+" / "-") hh ":" mm (RFC 3339 §5.6; "z" allowed
 * by the note there), then the end of the text. */
static sj_rc
parse_offset(cursor *c, civil *v)
{
	char buf[16];
	int sign, oh, om;
	sj_rc rc = SJ_OK;

	v->off = 0;
	if (*c->p == 'Z' || *c->p == 'z') {
		c->p++;
	} else if (*c->p == '+' || *c->p == '-') {
		sign = *c->p++ == '-' ? -1 : 1;
		if ((rc = take_part(c, "offset hour", 2, 0, 23, &oh)) != SJ_OK ||
		    (rc = expect(c, ':', "offset hour")) != SJ_OK ||
		    (rc = take_part(c, "offset minute", 2, 0, 59, &om)) != SJ_OK)
			goto out;
		v->off = sign * (oh * 3600 + om * 60);
	} else if (*c->p == '\0') {
		rc = bad(c, "missing time zone offset (Z, +hh:mm or -hh:mm)");
		goto out;
	} else {
		rc = bad(c, "expected time zone offset (Z, +hh:mm or -hh:mm), "
		    "found %s", found(c->p, buf));
		goto out;
	}
	if (*c->p != '\0')
		rc = bad(c, "trailing characters after offset");
out:
	return rc;
}

/* Whether s starts with an ASCII letter: a word ("now", "today",
 * "yesterday") where a date was due, answered as such rather than with
 * "year must be 4 digits". */
static bool
starts_with_word(const char *s)
{
	return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
}

/* date-time = full-date "T" full-time (RFC 3339 §5.6), into seconds. */
static sj_rc
parse_date_time(cursor *c, civil *v, int64_t *t)
{
	char buf[16];
	sj_rc rc;

	if (*c->p == '\0') {
		rc = bad(c, "empty; expected a date-time such as "
		    "2020-03-18T14:30:00+08:00");
		goto out;
	}
	if (starts_with_word(c->p)) {
		rc = bad(c, "'%.40s' is not a date-time: write it like "
		    "2020-03-18T14:30:00+08:00 (RFC 3339, with its offset)", c->p);
		goto out;
	}
	if ((rc = parse_date(c, v)) != SJ_OK)
		goto out;
	if (*c->p == '\0') {
		rc = bad(c, "missing time after the date (expected 'T')");
		goto out;
	}
	if (*c->p != 'T' && *c->p != 't' && *c->p != ' ') {
		rc = bad(c, "expected 'T' between date and time, found %s",
		    found(c->p, buf));
		goto out;
	}
	c->p++;
	if ((rc = parse_time(c, v)) != SJ_OK ||
	    (rc = parse_offset(c, v)) != SJ_OK)
		goto out;
	*t = days_from_civil(v->y, v->mo, v->d) * SECS_PER_DAY +
	    v->h * 3600 + v->mi * 60 + v->s - v->off;
	if (*t < DT_INSTANT_MIN || *t > DT_INSTANT_MAX)
		rc = bad(c, "instant outside the years 0000-9999 in UTC");
out:
	return rc;
}

sj_rc
dt_parse_rfc3339(const char *s, const char *field, int64_t *out,
                 sj_err *err)
{
	cursor c = { s, field, err };
	civil v;
	int64_t t;
	sj_rc rc = parse_date_time(&c, &v, &t);

	if (rc == SJ_OK)
		*out = t;
	return rc;
}

sj_rc
dt_parse_rfc3339_ms(const char *s, const char *field, int64_t *out_ms,
                    sj_err *err)
{
	cursor c = { s, field, err };
	civil v;
	int64_t t;
	sj_rc rc = parse_date_time(&c, &v, &t);

	if (rc == SJ_OK)
		*out_ms = t * 1000 + v.ms;
	return rc;
}

/* ---- RFC 3339 formatting ------------------------------------------- */

/* "hh:mm:ss" for secs (0-86399) into the day, and ".mmm" when ms >= 0;
 * returns the end. */
static char *
put_time(char *p, int64_t secs, int ms)
{
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	if (ms >= 0) {
		*p++ = '.';
		p = put_digits(p, ms, 3);
	}
	return p;
}

/* "+hh:mm" or "-hh:mm" for off (whole minutes, seconds east of UTC), or
 * "Z" for UTC; returns the end. */
static char *
put_offset(char *p, int64_t off, int utc)
{
	if (utc) {
		*p++ = 'Z';
		return p;
	}
	*p++ = off < 0 ? '-' : '+';
	off = off < 0 ? -off : off;
	p = put_digits(p, off / 3600, 2);
	*p++ = ':';
	return put_digits(p, off / 60 % 60, 2);
}

/* Write t as RFC 3339 at out (DT_RFC3339_MS_LEN bytes suffice): in the
 * deployment's zone when local, else UTC with "Z"; with ".mmm" when
 * ms >= 0. */
static void
format_instant(int64_t t, int ms, int local, char *out)
{
	int64_t off = 0, days;
	char *p;

	assert(t >= DT_INSTANT_MIN && t <= DT_INSTANT_MAX);
	if (local) {
		/* Round a local-mean-time offset like +08:05:43 to whole
		 * minutes (half away from zero): RFC 3339 has no seconds
		 * in offsets. */
		off = zone_offset(t);
		off = (off >= 0 ? off + 30 : off - 30) / 60 * 60;
	}
	days = floor_div(t + off, SECS_PER_DAY);
	if (days < DT_DATE_MIN || days > DT_DATE_MAX) {
		local = 0;  /* local year 10000 or -1: write UTC */
		off = 0;
		days = floor_div(t, SECS_PER_DAY);
	}
	p = put_date(out, days);
	*p++ = 'T';
	p = put_time(p, t + off - days * SECS_PER_DAY, ms);
	p = put_offset(p, off, !local);
	*p = '\0';
}

void
dt_format_rfc3339(int64_t t, char out[DT_RFC3339_LEN])
{
	format_instant(t, -1, 1, out);
}

void
dt_format_rfc3339_utc(int64_t t, char out[DT_RFC3339_LEN])
{
	format_instant(t, -1, 0, out);
}

void
dt_format_rfc3339_ms(int64_t ms, char out[DT_RFC3339_MS_LEN])
{
	int64_t t = floor_div(ms, 1000);

	format_instant(t, (int)(ms - t * 1000), 1, out);
}

void
dt_format_rfc3339_utc_ms(int64_t ms, char out[DT_RFC3339_MS_LEN])
{
	int64_t t = floor_div(ms, 1000);

	format_instant(t, (int)(ms - t * 1000), 0, out);
}

/* ---- dates --------------------------------------------------------- */

int
dt_ymd_valid(int y, int m, int d)
{
	return y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= days_in_month(y, m);
}

sj_date
dt_date_from_ymd(int y, int m, int d)
{
	assert(dt_ymd_valid(y, m, d));
	return (sj_date)days_from_civil(y, m, d);
}

void
dt_date_to_ymd(sj_date d, int *y, int *m, int *day)
{
	int64_t yy;
	int mm, dd;

	assert(d >= DT_DATE_MIN && d <= DT_DATE_MAX);
	civil_from_days(d, &yy, &mm, &dd);
	if (y)
		*y = (int)yy;
	if (m)
		*m = mm;
	if (day)
		*day = dd;
}

sj_rc
dt_date_parse(const char *s, const char *field, sj_date *out, sj_err *err)
{
	cursor c = { s, field, err };
	civil v;
	sj_rc rc;

	if (*s == '\0') {
		rc = bad(&c, "empty; expected a date such as 2020-03-18");
		goto out;
	}
	if (starts_with_word(s)) {
		rc = bad(&c, "'%.40s' is not a date: write it like 2020-03-18", s);
		goto out;
	}
	if ((rc = parse_date(&c, &v)) != SJ_OK)
		goto out;
	if (*c.p != '\0') {
		rc = bad(&c, "trailing characters after date");
		goto out;
	}
	*out = (sj_date)days_from_civil(v.y, v.mo, v.d);
out:
	return rc;
}

void
dt_date_format(sj_date d, char out[DT_DATE_LEN])
{
	assert(d >= DT_DATE_MIN && d <= DT_DATE_MAX);
	*put_date(out, d) = '\0';
}

int
dt_date_weekday(sj_date d)
{
	/* Day 0 (1970-01-01) was a Thursday, ISO weekday 4. */
	int64_t r = ((int64_t)d + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

sj_date
dt_date_add_days(sj_date d, int32_t n)
{
	int64_t r = (int64_t)d + n;

	assert(r >= DT_DATE_MIN && r <= DT_DATE_MAX);
	return (sj_date)r;
}

sj_date
dt_date_of(int64_t t)
{
	assert(t >= DT_INSTANT_MIN && t <= DT_INSTANT_MAX);
	return (sj_date)local_days(t);
}

/* 1 when t is the first instant of local day d. */
static int
is_day_start(int64_t t, int64_t d)
{
	return local_days(t) == d && local_days(t - 1) < d;
}

/* The first instant of local day d by bisection on local_days, which
 * never decreases across a day boundary.  UTC offsets stay within
 * ±26 hours, so two days either side of d's UTC midnight bracket it. */
static int64_t
day_start_search(int64_t d)
{
	int64_t lo = (d - 2) * SECS_PER_DAY, hi = (d + 2) * SECS_PER_DAY;

	assert(local_days(lo) < d && local_days(hi) >= d);
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (local_days(mid) < d)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

int64_t
dt_date_start(sj_date d)
{
	struct tm tm = { 0 };
	int64_t y;
	int m, day;
	time_t t;

	assert(d >= DT_DATE_MIN && d <= DT_DATE_MAX + 1);
	civil_from_days(d, &y, &m, &day);
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = m - 1;
	tm.tm_mday = day;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* Where a DST change skips local midnight, mktime normalises it
	 * to some other wall time (an hour later or earlier): keep its
	 * answer only when it is really the day's first instant. */
	if (is_day_start(t, d))
		return t;
	return day_start_search(d);
}

int64_t
dt_date_end(sj_date d)
{
	assert(d >= DT_DATE_MIN && d <= DT_DATE_MAX);
	return dt_date_start(d + 1);
}

/* The test clock's instant; 0 = the system clock. */
static int64_t fixed_now;

int64_t
dt_now(void)
{
	struct timespec ts;

	if (fixed_now > 0)
		return fixed_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
dt_now_ms(void)
{
	struct timespec ts;

	if (fixed_now > 0)
		return fixed_now * 1000;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
dt_now_fix(int64_t t)
{
	fixed_now = t > 0 ? t : 0;
}

sj_rc
dt_now_from_env(sj_err *e)
{
	const char *v = getenv("SIJIN_TEST_NOW");
	char *end;
	long long t;

	if (v == NULL || *v == '\0')
		return SJ_OK;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || t <= 0 || t > INT64_C(253402300799))
		return sj_fail(e, SJ_ECONFIG, "SIJIN_TEST_NOW", "\"%s\" is not a "
		    "positive number of seconds since the epoch", v);
	dt_now_fix((int64_t)t);
	return SJ_OK;
}
