/*
 * ident — identity numbers (GB 11643-1999), phone numbers (mainland China,
 * E.164 canonical form) and names: validation, normalisation, masking.
 *
 * Invariants: a function that fails leaves "" in its output buffer; every
 * output is NUL-terminated and fits the size the header documents; input
 * is decoded as UTF-8 with utf8proc and invalid UTF-8 is an error, never
 * copied through.
 */
#include "core/ident.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#define F_ID "id_number"
#define F_NAME "name"

/* ---- UTF-8 and characters --------------------------------------------- */

/* Decode the code point at *p and advance *p past it.  Returns the code
 * point, or -1 for invalid UTF-8 (and *p is not advanced). */
static int32_t
next_cp(const char **p)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t len;

	len = utf8proc_iterate((const utf8proc_uint8_t *)*p, -1, &cp);
	if (len <= 0)
		return -1;
	*p += len;
	return cp;
}

/* Full-width digits U+FF10–U+FF19 become ASCII; other code points are
 * returned unchanged. */
static int32_t
ascii_digit(int32_t cp)
{
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return '0' + (cp - 0xFF10);
	return cp;
}

static bool
is_digit(int32_t cp)
{
	return cp >= '0' && cp <= '9';
}

static bool
all_digits(const char *s)
{
	for (; *s; s++)
		if (!is_digit((unsigned char)*s))
			return false;
	return true;
}

/* Whitespace trimmed around an identity number: ASCII, no-break space and
 * the ideographic space a Chinese input method produces. */
static bool
is_space(int32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 ||
	    cp == 0x3000;
}

/* Write cp as UTF-8 into buf[5] for a message; invalid ones as U+FFFD. */
static const char *
cp_text(int32_t cp, char buf[5])
{
	utf8proc_ssize_t len;

	len = utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf);
	if (len <= 0)
		len = utf8proc_encode_char(0xFFFD, (utf8proc_uint8_t *)buf);
	buf[len] = '\0';
	return buf;
}

/* Copy s into out[n], or fail with SJ_EINTERNAL when it does not fit. */
static sj_rc
put(const char *s, char *out, size_t n, sj_err *err)
{
	size_t len = strlen(s);

	if (len >= n) {
		if (n > 0)
			out[0] = '\0';
		return sj_fail(err, SJ_EINTERNAL, NULL,
		    "output buffer of %zu bytes is too small; need %zu", n,
		    len + 1);
	}
	memcpy(out, s, len + 1);
	return SJ_OK;
}

static void
clear_out(char *out, size_t n)
{
	if (out != NULL && n > 0)
		out[0] = '\0';
}

/* ---- identity numbers (GB 11643-1999) --------------------------------- */

/* The code points of an identity number after trimming and mapping:
 * only the first IDENT_ID_LEN are kept, but all are counted. */
struct id_chars {
	int32_t cp[IDENT_ID_LEN];
	size_t n;
};

/* Map one code point of an identity number to its canonical form. */
static int32_t
id_map(int32_t cp)
{
	cp = ascii_digit(cp);
	if (cp == 'x' || cp == 0xFF38 || cp == 0xFF58)
		return 'X';
	return cp;
}

/* Decode in into c, trimming surrounding whitespace. */
static sj_rc
id_decode(const char *in, struct id_chars *c, sj_err *err)
{
	size_t seen = 0;
	int32_t cp;

	c->n = 0;
	while (in != NULL && *in) {
		if ((cp = next_cp(&in)) < 0)
			return sj_fail(err, SJ_EINVAL, F_ID, "is not valid UTF-8");
		if (seen == 0 && is_space(cp))
			continue;
		if (seen < IDENT_ID_LEN)
			c->cp[seen] = id_map(cp);
		seen++;
		if (!is_space(cp))
			c->n = seen;  /* trailing whitespace is not counted */
	}
	if (c->n == 0)
		return sj_fail(err, SJ_EINVAL, F_ID, "is empty");
	return SJ_OK;
}

static bool
id_all_digits(const struct id_chars *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(c->cp[i]))
			return false;
	return true;
}

static sj_rc
id_check_shape(const struct id_chars *c, sj_err *err)
{
	char t[5];

	if (c->n == 15 && id_all_digits(c, 15))
		return sj_fail(err, SJ_EINVAL, F_ID, "is a 15-digit "
		    "first-generation number; enter the 18-character number "
		    "from the current card");
	if (c->n != IDENT_ID_LEN)
		return sj_fail(err, SJ_EINVAL, F_ID,
		    "must be 18 characters, got %zu", c->n);
	for (size_t i = 0; i < IDENT_ID_LEN - 1; i++)
		if (!is_digit(c->cp[i]))
			return sj_fail(err, SJ_EINVAL, F_ID, "character %zu is "
			    "'%s'; the first 17 characters must be digits",
			    i + 1, cp_text(c->cp[i], t));
	if (!is_digit(c->cp[17]) && c->cp[17] != 'X')
		return sj_fail(err, SJ_EINVAL, F_ID, "character 18 is '%s'; "
		    "it must be a digit or X", cp_text(c->cp[17], t));
	return SJ_OK;
}

/* Province-level codes of GB/T 2260, the first two digits of the address
 * code. */
static bool
province_valid(int code)
{
	static const struct { int lo, hi; } ranges[] = {
		{ 11, 15 }, { 21, 23 }, { 31, 37 }, { 41, 46 }, { 50, 54 },
		{ 61, 65 }, { 71, 71 }, { 81, 82 },
	};

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (code >= ranges[i].lo && code <= ranges[i].hi)
			return true;
	return false;
}

/* The number formed by n ASCII digits at s. */
static int
digits_value(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Whether YYYYMMDD is a date of the Gregorian calendar. */
static bool
date_valid(int ymd)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static sj_rc
id_check_date(const char *id, int today, sj_err *err)
{
	int birth = digits_value(id + 6, 8);

	if (!date_valid(birth))
		return sj_fail(err, SJ_EINVAL, F_ID,
		    "birth date %08d is not a real date", birth);
	if (birth < 19000101)
		return sj_fail(err, SJ_EINVAL, F_ID,
		    "birth date %08d is before 1900-01-01", birth);
	if (today != 0 && birth > today)
		return sj_fail(err, SJ_EINVAL, F_ID,
		    "birth date %08d is after today (%08d)", birth, today);
	return SJ_OK;
}

/* ISO 7064 MOD 11-2 check character over the first 17 digits, with the
 * weights 2^(18-i) mod 11 that GB 11643-1999 §5.4 tabulates. */
static char
id_check_char(const char *id)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9,
	    10, 5, 8, 4, 2 };
	int sum = 0;

	for (size_t i = 0; i < 17; i++)
		sum += (id[i] - '0') * weight[i];
	return "10X98765432"[sum % 11];
}

static sj_rc
id_check_content(const char *id, int today, sj_err *err)
{
	char want;
	sj_rc rc;

	if (!province_valid(digits_value(id, 2)))
		return sj_fail(err, SJ_EINVAL, F_ID, "region code %.6s does "
		    "not start with a province-level code", id);
	if ((rc = id_check_date(id, today, err)) != SJ_OK)
		return rc;
	want = id_check_char(id);
	if (id[17] != want)
		return sj_fail(err, SJ_EINVAL, F_ID,
		    "check character is %c, expected %c", id[17], want);
	return SJ_OK;
}

sj_rc
ident_id_normalise(const char *in, int today, char out[IDENT_ID_SIZE],
    sj_err *err)
{
	struct id_chars c;
	char id[IDENT_ID_SIZE];
	sj_rc rc;

	out[0] = '\0';
	if ((rc = id_decode(in, &c, err)) != SJ_OK)
		goto out;
	if ((rc = id_check_shape(&c, err)) != SJ_OK)
		goto out;
	for (size_t i = 0; i < IDENT_ID_LEN; i++)
		id[i] = (char)c.cp[i];  /* all ASCII after the shape check */
	id[IDENT_ID_LEN] = '\0';
	if ((rc = id_check_content(id, today, err)) != SJ_OK)
		goto out;
	memcpy(out, id, IDENT_ID_SIZE);
out:
	return rc;
}

/* Whether id has the canonical shape: 17 digits, then a digit or 'X'. */
static bool
id_canonical_shape(const char *id)
{
	if (id == NULL || strlen(id) != IDENT_ID_LEN)
		return false;
	for (size_t i = 0; i < IDENT_ID_LEN - 1; i++)
		if (!is_digit((unsigned char)id[i]))
			return false;
	return is_digit((unsigned char)id[17]) || id[17] == 'X';
}

int
ident_id_birth_date(const char *id)
{
	if (id == NULL || strlen(id) != IDENT_ID_LEN)
		return 0;
	for (size_t i = 6; i < 14; i++)
		if (!is_digit((unsigned char)id[i]))
			return 0;
	return digits_value(id + 6, 8);
}

ident_sex
ident_id_sex(const char *id)
{
	if (id == NULL || strlen(id) != IDENT_ID_LEN ||
	    !is_digit((unsigned char)id[16]))
		return IDENT_SEX_UNKNOWN;
	return (id[16] - '0') % 2 ? IDENT_SEX_MALE : IDENT_SEX_FEMALE;
}

sj_rc
ident_id_mask(const char *id, char *out, size_t n, sj_err *err)
{
	char masked[IDENT_ID_SIZE];

	clear_out(out, n);
	if (!id_canonical_shape(id))
		return sj_fail(err, SJ_EINVAL, F_ID,
		    "is not a canonical identity number");
	snprintf(masked, sizeof masked, "%.4s**********%s", id, id + 14);
	return put(masked, out, n, err);
}

/* ---- phone numbers ----------------------------------------------------- */

/* Longest compacted input considered; real numbers are far shorter. */
#define PHONE_COMPACT_MAX 40

/* The compact form has digits, '+', '-' (group separators kept for the
 * trailing-extension rule) and EXT_MARK for any extension marker. */
#define EXT_MARK ';'

/* A parsed number.  nsn is the national significant number: no country
 * code, no trunk 0 ("13912345678", "5388221234"). */
struct phone {
	char nsn[12];
	size_t area_len;  /* 0 for a mobile, else 2 or 3 */
	char ext[IDENT_EXT_MAX + 1];
};

/* What one code point of a phone number turns into in the compact form:
 * a character to append, 0 to skip it, or -1 when it is not allowed. */
static int
phone_char(int32_t cp)
{
	cp = ascii_digit(cp);
	if (is_digit(cp) || cp == '+' || cp == '-')
		return (int)cp;
	switch (cp) {
	case ' ': case '\t': case '.': case '(': case ')':
	case 0xA0: case 0x3000: case 0xFF08: case 0xFF09: case 0xFF0E:
		return 0;
	case 0xFF0B:
		return '+';
	case 0xFF0D: case 0x2010: case 0x2011: case 0x2012: case 0x2013:
	case 0x2014: case 0x2015:
		return '-';
	case '#': case 0xFF03: case 'x': case 'X': case 0x8F6C: /* 转 */
		return EXT_MARK;
	}
	return -1;
}

/* Whether s starts with "ext" in any case. */
static bool
starts_ext(const char *s)
{
	return (s[0] == 'e' || s[0] == 'E') && (s[1] == 'x' || s[1] == 'X') &&
	    (s[2] == 't' || s[2] == 'T');
}

/* Turn what was typed into the compact form in buf[PHONE_COMPACT_MAX+1]. */
static sj_rc
phone_compact(const char *in, char *buf, const char *field, sj_err *err)
{
	size_t n = 0;
	const char *at;
	int32_t cp;
	int c;

	while (in != NULL && *in) {
		at = in;
		if (in[0] == ';' && starts_ext(in + 1) && in[4] == '=') {
			in += 5;  /* the stored form's ";ext=" (RFC 3966) */
			c = EXT_MARK;
		} else if (starts_ext(in)) {
			in += 3;
			c = EXT_MARK;
		} else if ((cp = next_cp(&in)) < 0) {
			return sj_fail(err, SJ_EINVAL, field, "is not valid UTF-8");
		} else if ((c = phone_char(cp)) < 0) {
			return sj_fail(err, SJ_EINVAL, field, "contains '%.*s', "
			    "which is not part of a phone number",
			    (int)(in - at), at);
		}
		if (c == 0)
			continue;
		if (n == PHONE_COMPACT_MAX)
			return sj_fail(err, SJ_EINVAL, field, "is too long");
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (strspn(buf, "-") == n)  /* nothing but separators */
		return sj_fail(err, SJ_EINVAL, field, "is empty");
	return SJ_OK;
}

/* Copy s without its hyphens into out (which has room for s). */
static void
drop_hyphens(const char *s, char *out)
{
	for (; *s; s++)
		if (*s != '-')
			*out++ = *s;
	*out = '\0';
}

static bool
mobile_shape(const char *nsn)
{
	return strlen(nsn) == 11 && all_digits(nsn) && nsn[0] == '1' &&
	    nsn[1] >= '3' && nsn[1] <= '9';
}

static sj_rc
nsn_mobile(const char *nsn, struct phone *p, const char *field, sj_err *err)
{
	size_t len = strlen(nsn);

	if (len != 11)
		return sj_fail(err, SJ_EINVAL, field,
		    "mobile number must be 11 digits, got %zu", len);
	if (nsn[1] < '3')
		return sj_fail(err, SJ_EINVAL, field,
		    "mobile number must start with 13 to 19");
	p->area_len = 0;
	return SJ_OK;
}

/* nsn without the trunk 0: area code then subscriber number. */
static sj_rc
nsn_landline(const char *nsn, struct phone *p, const char *field,
    sj_err *err)
{
	size_t len = strlen(nsn), area = 3, sub;

	if (nsn[0] == '0')
		return sj_fail(err, SJ_EINVAL, field,
		    "area code must not start with 00");
	if (nsn[0] == '1' || nsn[0] == '2')
		area = 2;  /* 010 and 020–029 */
	sub = len > area ? len - area : 0;
	if (len < area || sub < 7 || sub > 8)
		return sj_fail(err, SJ_EINVAL, field, "subscriber number after "
		    "area code 0%.*s must be 7 or 8 digits, got %zu",
		    (int)(len < area ? len : area), nsn, sub);
	p->area_len = area;
	return SJ_OK;
}

/* Classify a national significant number (digits only).  trunk says
 * whether a trunk 0 preceded it, national whether it was dialled without
 * a country code: a national number is a landline exactly when it had
 * the trunk 0. */
static sj_rc
nsn_classify(const char *nsn, bool trunk, bool national, struct phone *p,
    const char *field, sj_err *err)
{
	bool mobile = nsn[0] == '1' && nsn[1] != '0';
	sj_rc rc;

	if (nsn[0] == '\0')
		return sj_fail(err, SJ_EINVAL, field, "has no digits after the "
		    "prefix");
	if (mobile && trunk)
		return sj_fail(err, SJ_EINVAL, field,
		    "area code 0%.2s does not exist", nsn);
	if (national && !trunk && !mobile)
		return sj_fail(err, SJ_EINVAL, field, "must start with 13 "
		    "to 19 (mobile), 0 (landline with area code) or +86");
	if (mobile)
		rc = nsn_mobile(nsn, p, field, err);
	else
		rc = nsn_landline(nsn, p, field, err);
	if (rc == SJ_OK)  /* both checked a length of at most 11 */
		memcpy(p->nsn, nsn, strlen(nsn) + 1);
	return rc;
}

/* Strip a country prefix from digits ("+86", "0086", or "86" before a
 * mobile) and return what follows; *national says none was there. */
static const char *
strip_country(const char *s, bool *national)
{
	*national = false;
	if (strncmp(s, "+86", 3) == 0)
		return s + 3;
	if (strncmp(s, "0086", 4) == 0)
		return s + 4;
	if (strncmp(s, "86", 2) == 0 && mobile_shape(s + 2))
		return s + 2;
	*national = true;
	return s;
}

/* Parse one complete number (no extension) of the compact form. */
static sj_rc
phone_parse_number(const char *compact, struct phone *p, const char *field,
    sj_err *err)
{
	char digits[PHONE_COMPACT_MAX + 1];
	const char *rest;
	bool national, trunk;

	drop_hyphens(compact, digits);
	if (digits[0] == '+' && strncmp(digits, "+86", 3) != 0)
		return sj_fail(err, SJ_EINVAL, field,
		    "only mainland China numbers (+86) are accepted");
	rest = strip_country(digits, &national);
	if (strchr(rest, '+') != NULL)
		return sj_fail(err, SJ_EINVAL, field,
		    "'+' may only start the number");
	trunk = rest[0] == '0';
	return nsn_classify(rest + trunk, trunk, national, p, field, err);
}

static sj_rc
phone_set_ext(const char *text, struct phone *p, const char *field,
    sj_err *err)
{
	char digits[PHONE_COMPACT_MAX + 1];
	size_t len;

	drop_hyphens(text, digits);
	len = strlen(digits);
	if (len < 1 || len > IDENT_EXT_MAX || !all_digits(digits))
		return sj_fail(err, SJ_EINVAL, field,
		    "extension must be 1 to %d digits", IDENT_EXT_MAX);
	memcpy(p->ext, digits, len + 1);
	return SJ_OK;
}

/* The trailing "-123" rule: when the text before the last hyphen is a
 * complete landline number and 1–6 digits follow, they are an extension.
 * Returns true (and fills p) when it applies. */
static bool
phone_trailing_ext(const char *compact, struct phone *p)
{
	char head[PHONE_COMPACT_MAX + 1];
	const char *dash = strrchr(compact, '-');
	size_t tail;

	if (dash == NULL)
		return false;
	tail = strlen(dash + 1);
	if (tail < 1 || tail > IDENT_EXT_MAX || !all_digits(dash + 1))
		return false;
	memcpy(head, compact, (size_t)(dash - compact));
	head[dash - compact] = '\0';
	if (phone_parse_number(head, p, NULL, NULL) != SJ_OK ||
	    p->area_len == 0)
		return false;
	memcpy(p->ext, dash + 1, tail + 1);
	return true;
}

/* Parse the compact form: number, then an optional extension. */
static sj_rc
phone_parse(char *compact, struct phone *p, const char *field, sj_err *err)
{
	char *mark = strchr(compact, EXT_MARK);
	sj_rc rc;

	p->ext[0] = '\0';
	if (mark != NULL) {
		if (strchr(mark + 1, EXT_MARK) != NULL)
			return sj_fail(err, SJ_EINVAL, field,
			    "has more than one extension");
		*mark = '\0';
		if ((rc = phone_set_ext(mark + 1, p, field, err)) != SJ_OK)
			return rc;
	} else if (phone_trailing_ext(compact, p)) {
		return SJ_OK;
	}
	if ((rc = phone_parse_number(compact, p, field, err)) != SJ_OK)
		return rc;
	if (p->area_len == 0 && p->ext[0] != '\0')
		return sj_fail(err, SJ_EINVAL, field,
		    "a mobile number has no extension");
	return SJ_OK;
}

sj_rc
ident_phone_normalise(const char *in, const char *field,
    char out[IDENT_PHONE_SIZE], sj_err *err)
{
	char compact[PHONE_COMPACT_MAX + 1];
	struct phone p;
	sj_rc rc;

	out[0] = '\0';
	if ((rc = phone_compact(in, compact, field, err)) != SJ_OK)
		goto out;
	if ((rc = phone_parse(compact, &p, field, err)) != SJ_OK)
		goto out;
	snprintf(out, IDENT_PHONE_SIZE, "+86%s%s%s", p.nsn,
	    p.ext[0] ? ";ext=" : "", p.ext);
out:
	return rc;
}

/* Parse a canonical number back; false when phone is not canonical. */
static bool
phone_from_canonical(const char *phone, struct phone *p)
{
	char nsn[PHONE_COMPACT_MAX + 1];
	const char *ext;
	size_t len;

	if (phone == NULL || strncmp(phone, "+86", 3) != 0)
		return false;
	phone += 3;
	ext = strstr(phone, ";ext=");
	len = ext ? (size_t)(ext - phone) : strlen(phone);
	if (len == 0 || len > PHONE_COMPACT_MAX || phone[0] == '0')
		return false;
	memcpy(nsn, phone, len);
	nsn[len] = '\0';
	if (!all_digits(nsn) ||
	    nsn_classify(nsn, false, false, p, NULL, NULL) != SJ_OK)
		return false;
	p->ext[0] = '\0';
	if (ext == NULL)
		return true;
	return phone_set_ext(ext + 5, p, NULL, NULL) == SJ_OK &&
	    strchr(ext + 5, '-') == NULL && p->area_len != 0;
}

bool
ident_phone_is_mobile(const char *phone)
{
	struct phone p;

	return phone_from_canonical(phone, &p) && p.area_len == 0;
}

static sj_rc
phone_display(const char *phone, bool masked, const char *field, char *out,
    size_t n, sj_err *err)
{
	char text[64];  /* more than any result; put() checks n */
	struct phone p;
	const char *sub;
	size_t sub_len;

	clear_out(out, n);
	if (!phone_from_canonical(phone, &p))
		return sj_fail(err, SJ_EINVAL, field,
		    "is not a canonical phone number");
	if (p.area_len == 0) {
		snprintf(text, sizeof text, "%.3s%s%s", p.nsn,
		    masked ? "****" : "", masked ? p.nsn + 7 : p.nsn + 3);
		return put(text, out, n, err);
	}
	sub = p.nsn + p.area_len;
	sub_len = strlen(sub);
	snprintf(text, sizeof text, "0%.*s-%.*s%s%s%s", (int)p.area_len, p.nsn,
	    (int)(sub_len - 4), masked ? "****" : sub, sub + sub_len - 4,
	    p.ext[0] && !masked ? "转" : "", masked ? "" : p.ext);
	return put(text, out, n, err);
}

sj_rc
ident_phone_national(const char *phone, const char *field, char *out,
    size_t n, sj_err *err)
{
	return phone_display(phone, false, field, out, n, err);
}

sj_rc
ident_phone_mask(const char *phone, const char *field, char *out, size_t n,
    sj_err *err)
{
	return phone_display(phone, true, field, out, n, err);
}

/* ---- names ------------------------------------------------------------- */

sj_rc
ident_name_mask(const char *name, char *out, size_t n, sj_err *err)
{
	const char *p = name, *first_end = name;
	size_t count = 0, need;

	clear_out(out, n);
	while (*p) {
		if (next_cp(&p) < 0)
			return sj_fail(err, SJ_EINVAL, F_NAME,
			    "is not valid UTF-8");
		if (count++ == 0)
			first_end = p;
	}
	if (count == 0)
		return sj_fail(err, SJ_EINVAL, F_NAME, "is empty");
	if (count == 1)
		return put("*", out, n, err);
	need = (size_t)(first_end - name) + (count - 1) + 1;
	if (need > n)
		return sj_fail(err, SJ_EINTERNAL, NULL, "output buffer of %zu "
		    "bytes is too small; need %zu", n, need);
	memcpy(out, name, (size_t)(first_end - name));
	memset(out + (first_end - name), '*', count - 1);
	out[need - 1] = '\0';
	return SJ_OK;
}
