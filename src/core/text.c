/*
 * text — UTF-8 checks, trimming, search keys (utf8proc) and sort keys
 * (ICU); see text.h and docs/text.md.
 *
 * The UTF-8 decoder here is the one used for checking and trimming: it
 * follows the well-formed byte sequences table of RFC 3629 §4 exactly,
 * so it accepts what utf8proc and ICU accept and reports where it stops.
 * ICU collators are not safe to share between threads: each thread gets
 * its own, in a _Thread_local, opened lazily.  The same pointer is also
 * kept under a pthread key whose destructor closes it, so a thread that
 * ends without text_thread_cleanup() (a worker of the HTTP server's
 * thread pool) does not leak it.
 */
#include "core/text.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>
#include <utf8proc.h>

_Static_assert(TEXT_SORT_VERSION_LEN >= U_MAX_VERSION_STRING_LENGTH,
    "version buffer too small");

static _Thread_local UCollator *thread_collator;
static pthread_once_t collator_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t collator_key;

/* ---- UTF-8 --------------------------------------------------------- */

/* Decode the sequence at p (n >= 1 bytes left) into *cp and return its
 * length, or return 0 when it is not well-formed.  RFC 3629 §4: the
 * second byte's range depends on the first (E0 A0-BF excludes overlong
 * 3-byte forms, ED 80-9F excludes surrogates, F0 90-BF overlong 4-byte
 * forms, F4 80-8F code points above U+10FFFF); C0, C1 and F5-FF never
 * occur. */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xBF;
	size_t len;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b < 0xC2 || b > 0xF4)
		return 0;
	len = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
	c = b & (0x7F >> len);
	if (b == 0xE0)
		lo = 0xA0;
	else if (b == 0xED)
		hi = 0x9F;
	else if (b == 0xF0)
		lo = 0x90;
	else if (b == 0xF4)
		hi = 0x8F;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	*cp = c;
	return len;
}

/* Unicode general category Cc. */
static int
is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* UAX #14 mandatory breaks (BK, CR, LF, NL). */
static int
is_line_break(uint32_t c)
{
	return (c >= 0x0A && c <= 0x0D) || c == 0x85 || c == 0x2028 ||
	    c == 0x2029;
}

/* White_Space (PropList.txt) plus ZERO WIDTH SPACE and BOM. */
static int
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 ||
	    c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	    c == 0x3000 || c == 0xFEFF;
}

/* Apply flags to code point c found at byte off. */
static sj_rc
check_code_point(uint32_t c, size_t off, const char *field, unsigned flags,
                 sj_err *err)
{
	if (flags & TEXT_SINGLE_LINE)
		flags |= TEXT_NO_CONTROL | TEXT_NO_REPLACEMENT;
	if (flags & TEXT_NO_CONTROL)
		flags |= TEXT_NO_NUL;
	if (c == 0 && (flags & TEXT_NO_NUL))
		return sj_fail(err, SJ_EINVAL, field, "NUL character (U+0000) "
		    "at byte %zu is not allowed", off);
	if ((flags & TEXT_SINGLE_LINE) && is_line_break(c))
		return sj_fail(err, SJ_EINVAL, field, "line break U+%04X at "
		    "byte %zu is not allowed in a single-line field",
		    (unsigned)c, off);
	if ((flags & TEXT_NO_CONTROL) && is_control(c) && c != '\t' &&
	    c != '\n')
		return sj_fail(err, SJ_EINVAL, field, "control character "
		    "U+%04X at byte %zu is not allowed", (unsigned)c, off);
	if (c == 0xFFFD && (flags & TEXT_NO_REPLACEMENT))
		return sj_fail(err, SJ_EINVAL, field, "replacement character U+FFFD at byte %zu "
		    "is not allowed: the text lost characters in a conversion before it came "
		    "here; type it again", off);
	return SJ_OK;
}

sj_rc
text_check_utf8(const char *s, size_t n, const char *field, unsigned flags,
                sj_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, len;
	uint32_t c;
	sj_rc rc = SJ_OK;

	while (off < n) {
		len = utf8_decode(p + off, n - off, &c);
		if (len == 0) {
			rc = sj_fail(err, SJ_EINVAL, field,
			    "invalid UTF-8 at byte %zu", off);
			goto out;
		}
		if ((rc = check_code_point(c, off, field, flags, err)) != SJ_OK)
			goto out;
		off += len;
	}
out:
	return rc;
}

/* True for the characters a name may not hold (text_check_name). */
static bool
is_invisible(uint32_t c)
{
	return c == 0x00AD || c == 0x061C || c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

sj_rc
text_check_name(const char *s, const char *field, size_t max, sj_err *e)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len;
	uint32_t c;
	sj_rc rc;

	if (s == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if ((rc = text_check_utf8(s, strlen(s), field, TEXT_SINGLE_LINE, e)) != SJ_OK)
		return rc;
	n = text_length(s);
	if (n == 0 || text_is_blank(s))
		return sj_fail(e, SJ_EINVAL, field, "must not be empty");
	if (n > max)
		return sj_fail(e, SJ_EINVAL, field, "is %zu characters long; at most %zu", n, max);
	for (size_t off = 0; p[off]; off += len) {
		len = utf8_decode(p + off, strlen(s + off), &c);
		assert(len > 0);   /* checked above */
		if (is_invisible(c))
			return sj_fail(e, SJ_EINVAL, field, "invisible or bidirectional control "
			    "character U+%04X at byte %zu is not allowed", (unsigned)c, off);
	}
	return SJ_OK;
}

/* Code points in n bytes of valid UTF-8: the bytes that are not
 * continuation bytes (10xxxxxx). */
static size_t
count_code_points(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}

sj_rc
text_check_utf8_max(const char *s, size_t n, const char *field,
                    unsigned flags, size_t max_chars, sj_err *err)
{
	size_t count;
	sj_rc rc;

	if ((rc = text_check_utf8(s, n, field, flags, err)) != SJ_OK)
		goto out;
	count = count_code_points(s, n);
	if (count > max_chars)
		rc = sj_fail(err, SJ_EINVAL, field, "too long: %zu characters, "
		    "at most %zu", count, max_chars);
out:
	return rc;
}

size_t
text_length(const char *s)
{
	return count_code_points(s, strlen(s));
}

/* ---- trimming ------------------------------------------------------ */

/* The byte range [*start, *end) of s without white space at either
 * end; an all-space s gives an empty range. */
static void
trim_span(const char *s, size_t *start, size_t *end)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), off = 0, len, first = n, last = n;
	uint32_t c;

	while (off < n) {
		len = utf8_decode(p + off, n - off, &c);
		if (len == 0) {
			/* An invalid byte is content, not space. */
			len = 1;
			c = 0xFFFD;
		}
		if (!is_space(c)) {
			if (first == n)
				first = off;
			last = off + len;
		}
		off += len;
	}
	*start = first;
	*end = last;
}

char *
text_trim(const char *s)
{
	size_t start, end;
	char *out;

	trim_span(s, &start, &end);
	out = sj_malloc(end - start + 1);
	memcpy(out, s + start, end - start);
	out[end - start] = '\0';
	return out;
}

int
text_is_blank(const char *s)
{
	size_t start, end;

	trim_span(s, &start, &end);
	return start == end;
}

/* ---- normalisation (utf8proc) -------------------------------------- */

/* utf8proc_map s with options; the result is malloc'd by utf8proc. */
static char *
map_utf8proc(const char *s, utf8proc_option_t options)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	    options | UTF8PROC_NULLTERM | UTF8PROC_STABLE);
	if (n == UTF8PROC_ERROR_NOMEM)
		sj_oom(strlen(s) * 4);
	/* Anything else is invalid UTF-8 that should have been refused
	 * where it came in (text_check_utf8). */
	assert(n >= 0 && out != NULL);
	return (char *)out;
}

char *
text_search_key(const char *s)
{
	return map_utf8proc(s, UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
}

char *
text_nfc(const char *s)
{
	return map_utf8proc(s, UTF8PROC_COMPOSE);
}

/* ---- collation (ICU) ----------------------------------------------- */

/* Run by the thread library when a thread that holds a collator ends. */
static void
collator_destroy(void *c)
{
	ucol_close(c);
}

static void
collator_key_make(void)
{
	if (pthread_key_create(&collator_key, collator_destroy) != 0)
		abort();  /* only when the process is out of keys: nothing to recover */
}

/* The calling thread's collator, opened on first use. */
static sj_rc
collator(UCollator **out, sj_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	UCollator *c = thread_collator;
	sj_rc rc = SJ_OK;

	if (c != NULL)
		goto out;
	c = ucol_open(TEXT_COLLATION_LOCALE, &st);
	/* A default-locale warning means ICU fell back to the root
	 * collation: Han would sort by code point, not pinyin. */
	if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING)
		goto fail;
	/* Canonically equivalent texts (NFC, NFD) get equal keys. */
	ucol_setAttribute(c, UCOL_NORMALIZATION_MODE, UCOL_ON, &st);
	if (U_FAILURE(st))
		goto fail;
	thread_collator = c;
	pthread_once(&collator_key_once, collator_key_make);
	pthread_setspecific(collator_key, c);
	goto out;
fail:
	ucol_close(c);
	c = NULL;
	rc = sj_fail(err, SJ_EINTERNAL, NULL, "ICU cannot open the \"%s\" "
	    "collation: %s", TEXT_COLLATION_LOCALE, u_errorName(st));
out:
	*out = c;
	return rc;
}

/* s as a malloc'd UTF-16 string of *len units. */
static UChar *
to_utf16(const char *s, int32_t *len)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar *u;
	int32_t n = 0;

	assert(strlen(s) < INT32_MAX / 2);
	u_strFromUTF8(NULL, 0, &n, s, -1, &st);
	assert(st != U_INVALID_CHAR_FOUND);  /* not valid UTF-8 */
	u = sj_malloc(((size_t)n + 1) * sizeof *u);
	st = U_ZERO_ERROR;
	u_strFromUTF8(u, n + 1, &n, s, -1, &st);
	assert(U_SUCCESS(st));
	*len = n;
	return u;
}

sj_rc
text_sort_key(const char *s, uint8_t **key, size_t *n, sj_err *err)
{
	UCollator *c;
	UChar *u = NULL;
	uint8_t *k = NULL;
	int32_t ulen, need;
	sj_rc rc;

	*key = NULL;
	*n = 0;
	if ((rc = collator(&c, err)) != SJ_OK)
		goto out;
	u = to_utf16(s, &ulen);
	/* The first call measures; the length counts a final zero byte. */
	need = ucol_getSortKey(c, u, ulen, NULL, 0);
	if (need <= 0) {
		rc = sj_fail(err, SJ_EINTERNAL, NULL, "ICU could not make a "
		    "sort key");
		goto out;
	}
	k = sj_malloc((size_t)need);
	if (ucol_getSortKey(c, u, ulen, k, need) != need) {
		rc = sj_fail(err, SJ_EINTERNAL, NULL, "ICU sort key changed "
		    "length");
		goto out;
	}
	*key = k;
	*n = (size_t)need - 1;
	k = NULL;
out:
	free(k);
	free(u);
	return rc;
}

int
text_sort_key_cmp(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	size_t m = na < nb ? na : nb;
	int r = m > 0 ? memcmp(a, b, m) : 0;

	if (r != 0)
		return r;
	return na < nb ? -1 : na > nb;
}

sj_rc
text_sort_version(char out[TEXT_SORT_VERSION_LEN], sj_err *err)
{
	UVersionInfo v;
	UCollator *c;
	sj_rc rc;

	out[0] = '\0';
	if ((rc = collator(&c, err)) != SJ_OK)
		goto out;
	ucol_getVersion(c, v);
	u_versionToString(v, out);
out:
	return rc;
}

void
text_thread_cleanup(void)
{
	if (thread_collator == NULL)
		return;
	ucol_close(thread_collator);
	thread_collator = NULL;
	pthread_setspecific(collator_key, NULL);
}

char *
text_utf8_repair(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = sj_malloc(3 * n + 1);  /* each bad byte becomes 3 bytes */
	utf8proc_int32_t cp;
	utf8proc_ssize_t len;

	for (size_t i = 0; i < n;) {
		len = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len > 0 && cp != 0) {
			memcpy(out + o, s + i, (size_t)len);
			o += (size_t)len;
			i += (size_t)len;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);  /* U+FFFD */
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

char *
text_url_mask(const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *colon, *p;
	char *out = sj_malloc(2 * strlen(url) + 8), *o;

	strcpy(out, url);
	if (scheme != NULL && (at = strchr(scheme + 3, '@')) != NULL &&
	    (colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3))) != NULL)
		sprintf(out, "%.*s***%s", (int)(colon + 1 - url), url, at);
	/* "password=" right after ? or &: keep up to '=', hide up to the next &. */
	for (p = strchr(out, '?'); p && (p = strstr(p, "password=")) != NULL; p += 9) {
		if (p[-1] != '?' && p[-1] != '&')
			continue;
		o = (char *)p + 9;
		memmove(o + 3, o + strcspn(o, "&"), strlen(o + strcspn(o, "&")) + 1);
		memcpy(o, "***", 3);
	}
	return out;
}
