/*
 * jscan_text — the answer to a scan written straight to text, for the scan
 * route's hot path (issue 5 "Speed"): building a jansson tree of ~20
 * values, dumping it and freeing it was ~9 % of a request thread's CPU on
 * the scan benchmark (bench/RESULTS.md).
 *
 * The text is byte for byte what json_dumps(jscan_result(r), JSON_COMPACT |
 * JSON_PRESERVE_ORDER) gives: tests/unit/test_jscan_text.c checks that
 * against jansson for ordinary and hostile names (quotes, backslashes,
 * every control character, DEL, U+2028, four-byte characters, and
 * ill-formed UTF-8, which both refuse).  Only two values are text from
 * outside the program — the masked name and masked identity number — and
 * they go through one escaper that checks UTF-8 as jansson does (Unicode
 * Table 3-7, well-formed byte sequences) and escapes as jansson does
 * without JSON_ENSURE_ASCII: '"', '\\', and code points below U+0020
 * (\b \f \n \r \t or \u00XX with upper-case hex).  Everything else written
 * is a constant name, a number or an RFC 3339 instant.
 */
#include "json/jscan.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/datetime.h"

typedef struct emit {
	char *p, *end;
	bool bad;          /* the text did not fit, or a string was not UTF-8 */
} emit;

static void
put(emit *w, const char *s, size_t n)
{
	if (w->bad || (size_t)(w->end - w->p) < n) {
		w->bad = true;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

static void
puts_(emit *w, const char *s)
{
	put(w, s, strlen(s));
}

static void
put_int(emit *w, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%" PRId64, v);

	put(w, num, (size_t)n);
}

/* The length of the well-formed UTF-8 sequence at s (Unicode Table 3-7),
 * or 0 when ill-formed. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/* s as a JSON string, or null when NULL or empty (as jscan_result). */
static void
put_text(emit *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t n;

	if (s == NULL || *s == '\0') {
		puts_(w, "null");
		return;
	}
	put(w, "\"", 1);
	while (*u && !w->bad) {
		if ((n = utf8_len(u)) == 0) {
			w->bad = true;
			return;
		}
		if (*u == '"' || *u == '\\')
			put(w, *u == '"' ? "\\\"" : "\\\\", 2);
		else if (*u < 0x20) {
			switch (*u) {
			case '\b': put(w, "\\b", 2); break;
			case '\f': put(w, "\\f", 2); break;
			case '\n': put(w, "\\n", 2); break;
			case '\r': put(w, "\\r", 2); break;
			case '\t': put(w, "\\t", 2); break;
			default:
				esc[4] = hex[*u >> 4];
				esc[5] = hex[*u & 0xF];
				put(w, esc, sizeof esc);
			}
		} else
			put(w, (const char *)u, n);
		u += n;
	}
	put(w, "\"", 1);
}

static void
put_id(emit *w, int64_t id)
{
	if (id > 0)
		put_int(w, id);
	else
		puts_(w, "null");
}

static void
put_instant(emit *w, int64_t t)
{
	char at[DT_RFC3339_LEN];

	dt_format_rfc3339(t, at);
	put(w, "\"", 1);
	puts_(w, at);
	put(w, "\"", 1);
}

/* key, then ':' (keys are constants: no escaping). */
static void
put_key(emit *w, const char *key, bool first)
{
	if (!first)
		put(w, ",", 1);
	put(w, "\"", 1);
	puts_(w, key);
	put(w, "\":", 2);
}

static void
put_stay(emit *w, const scan_result *r)
{
	if (r->stay_action == STAY_NONE || r->stay_id <= 0) {
		puts_(w, "null");
		return;
	}
	put(w, "{", 1);
	put_key(w, "action", true);
	put(w, "\"", 1);
	puts_(w, jscan_stay_action(r->stay_action));
	put(w, "\"", 1);
	put_key(w, "id", false);
	put_int(w, r->stay_id);
	put_key(w, "entry_at", false);
	put_instant(w, r->stay_entry_at);
	put_key(w, "exit_at", false);
	put_instant(w, r->stay_exit_at);
	put_key(w, "exit_recorded", false);
	puts_(w, r->stay_exit_recorded ? "true" : "false");
	put(w, "}", 1);
}

static void
put_reasons(emit *w, unsigned reasons)
{
	bool first = true;

	put(w, "[", 1);
	for (int i = 0; i < SCAN_R_COUNT; i++) {
		if (!(reasons & (1u << i)))
			continue;
		if (!first)
			put(w, ",", 1);
		first = false;
		put(w, "\"", 1);
		puts_(w, screening_reason_name(1u << i));
		put(w, "\"", 1);
	}
	put(w, "]", 1);
}

size_t
jscan_result_text(const scan_result *r, char *out, size_t size)
{
	emit w = { out, out + size, false };
	char t[8];

	put(&w, "{", 1);
	put_key(&w, "id", true);
	put_int(&w, r->id);
	put_key(&w, "checkpoint_id", false);
	put_int(&w, r->checkpoint_id);
	put_key(&w, "place_id", false);
	put_int(&w, r->place_id);
	put_key(&w, "person", false);
	put(&w, "{", 1);
	put_key(&w, "id", true);
	put_id(&w, r->person_id);
	put_key(&w, "name", false);
	put_text(&w, r->person_name);
	put_key(&w, "id_number_masked", false);
	put_text(&w, r->id_number_mask);
	put(&w, "}", 1);
	put_key(&w, "direction", false);
	put(&w, "\"", 1);
	puts_(&w, scan_direction_name(r->direction));
	put(&w, "\"", 1);
	put_key(&w, "at", false);
	put_instant(&w, r->at);
	put_key(&w, "temperature", false);
	if (r->temperature <= 0)
		puts_(&w, "null");
	else {
		screening_temp_format(r->temperature, t);
		put(&w, "\"", 1);
		puts_(&w, t);
		put(&w, "\"", 1);
	}
	put_key(&w, "decision", false);
	put(&w, "\"", 1);
	puts_(&w, screening_decision_name(r->decision));
	put(&w, "\"", 1);
	put_key(&w, "reasons", false);
	put_reasons(&w, r->reasons);
	put_key(&w, "source", false);
	put(&w, "\"", 1);
	puts_(&w, scan_source_name(r->source));
	put(&w, "\"", 1);
	put_key(&w, "stay", false);
	put_stay(&w, r);
	put_key(&w, "alert_id", false);
	put_id(&w, r->alert_id);
	put_key(&w, "replayed", false);
	puts_(&w, r->replayed ? "true" : "false");
	put(&w, "}", 1);
	return w.bad ? 0 : (size_t)(w.p - out);
}
