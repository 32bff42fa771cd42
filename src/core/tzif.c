/*
 * tzif — the fixed tail of a TZif file (RFC 8536); see tzif.h.
 *
 * Layout read here (RFC 8536 §3.1–3.3): a 44-byte header ("TZif", the
 * version, 15 unused bytes, six 32-bit big-endian counts isutcnt,
 * isstdcnt, leapcnt, timecnt, typecnt, charcnt), the version 1 data block
 * (32-bit times), then for version 2+ a second header and data block with
 * 64-bit times, then the footer "\n<POSIX TZ rule>\n".
 */
#include "core/tzif.h"

#include <string.h>

#define HEADER_LEN 44

/* The six counts of a header, in file order. */
enum { ISUTCNT, ISSTDCNT, LEAPCNT, TIMECNT, TYPECNT, CHARCNT, N_COUNTS };

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Read the header at p[0..n) into c; false unless it is a TZif header. */
static bool
header(const unsigned char *p, size_t n, uint32_t c[N_COUNTS])
{
	if (n < HEADER_LEN || memcmp(p, "TZif", 4) != 0)
		return false;
	for (int i = 0; i < N_COUNTS; i++)
		c[i] = be32(p + 20 + 4 * i);
	return true;
}

/* Bytes of a data block with time_size-byte times (4 or 8). */
static uint64_t
block_len(const uint32_t c[N_COUNTS], unsigned time_size)
{
	return (uint64_t)c[TIMECNT] * time_size + c[TIMECNT] + (uint64_t)c[TYPECNT] * 6 +
	    c[CHARCNT] + (uint64_t)c[LEAPCNT] * (time_size + 4) + c[ISSTDCNT] + c[ISUTCNT];
}

static bool
is_alpha(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool
is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Read 1–2 digits at *s, at most max; false when there are none or more. */
static bool
number(const unsigned char **s, const unsigned char *end, int max, int *v)
{
	int x = 0, k = 0;

	while (*s < end && is_digit(**s) && k < 2) {
		x = x * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	if (k == 0 || x > max || (*s < end && is_digit(**s)))
		return false;
	*v = x;
	return true;
}

/* A POSIX TZ rule s[0..end) with a standard time only: name and offset.
 * Stores the offset east of UTC in seconds. */
static bool
standard_only(const unsigned char *s, const unsigned char *end, int32_t *east)
{
	const unsigned char *name = s;
	int h, m = 0, sec = 0, sign = 1;

	if (s < end && *s == '<') {
		for (name = ++s; s < end && (is_alpha(*s) || is_digit(*s) || *s == '+' ||
		    *s == '-'); s++)
			;
		if (s == end || *s != '>' || s - name < 3)
			return false;
		s++;
	} else {
		while (s < end && is_alpha(*s))
			s++;
		if (s - name < 3)
			return false;
	}
	if (s < end && (*s == '+' || *s == '-'))
		sign = *s++ == '-' ? -1 : 1;
	if (!number(&s, end, 24, &h))
		return false;
	if (s < end && *s == ':') {
		s++;
		if (!number(&s, end, 59, &m))
			return false;
		if (s < end && *s == ':') {
			s++;
			if (!number(&s, end, 59, &sec))
				return false;
		}
	}
	if (s != end)
		return false;  /* a daylight-saving part, or anything else */
	*east = -sign * (h * 3600 + m * 60 + sec);
	return true;
}

bool
tzif_fixed_tail(const unsigned char *p, size_t n, int64_t *after, int32_t *offset)
{
	uint32_t c[N_COUNTS];
	const unsigned char *d, *foot, *nl;
	uint64_t at;
	int64_t last = INT64_MIN;
	int32_t east;

	if (!header(p, n, c) || p[4] < '2')
		return false;
	at = HEADER_LEN + block_len(c, 4);
	if (at > n || !header(p + at, n - at, c) || c[LEAPCNT] != 0)
		return false;
	d = p + at + HEADER_LEN;
	at += HEADER_LEN + block_len(c, 8);
	if (at >= n || p[at] != '\n')
		return false;
	if (c[TIMECNT] > 0) {
		const unsigned char *t = d + (size_t)(c[TIMECNT] - 1) * 8;
		uint64_t u = (uint64_t)be32(t) << 32 | be32(t + 4);
		last = (int64_t)u;  /* two's complement, as RFC 8536 §3.2 writes it */
	}
	foot = p + at + 1;
	if ((nl = memchr(foot, '\n', n - (size_t)(at + 1))) == NULL ||
	    !standard_only(foot, nl, &east))
		return false;
	*after = last;
	*offset = east;
	return true;
}
