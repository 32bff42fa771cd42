/*
 * screening — temperature input and the decision rules of a scan.
 *
 * The rules are data: the fever threshold and the outsider rule are fixed
 * by DESIGN.md §4 and issue 5; the special groups are one table,
 * `tag_rules`, so that a new group or a changed rule is one row.
 */
#include "domain/screening.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- temperature ------------------------------------------------------------ */

#define TEMP_INT_DIGITS 4   /* more integer digits than this is not a temperature */
#define TEMP_FRAC_DIGITS 9  /* decimals kept; more are not a temperature either */

enum temp_unit { UNIT_NONE, UNIT_C, UNIT_F };

/* The spellings accepted, longest first where one is a prefix of another. */
static const struct {
	const char *text;
	enum temp_unit unit;
} unit_words[] = {
	{ "\xC2\xB0" "C", UNIT_C }, { "\xC2\xB0" "c", UNIT_C }, { "\xE2\x84\x83", UNIT_C },
	{ "\xE5\xBA\xA6", UNIT_C },  /* 度: "36.8度" is how a Chinese form is filled in */
	{ "C", UNIT_C }, { "c", UNIT_C },
	{ "\xC2\xB0" "F", UNIT_F }, { "\xC2\xB0" "f", UNIT_F }, { "\xE2\x84\x89", UNIT_F },
	{ "F", UNIT_F }, { "f", UNIT_F },
};

/* Length of the white space at s (ASCII space or tab, U+3000), or 0. */
static size_t
space_at(const char *s)
{
	if (*s == ' ' || *s == '\t')
		return 1;
	if (strncmp(s, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* The digit at s (ASCII or full-width U+FF10-U+FF19) into *d and its byte
 * length, or 0 when s holds no digit. */
static size_t
digit_at(const char *s, int *d)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u >= '0' && *u <= '9') {
		*d = *u - '0';
		return 1;
	}
	if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
		*d = u[2] - 0x90;
		return 3;
	}
	return 0;
}

/* Length of a decimal separator at s: '.', ',', U+FF0E '．', U+FF0C '，',
 * U+3002 '。' (what a Chinese input method types for '.'), or 0. */
static size_t
separator_at(const char *s)
{
	if (*s == '.' || *s == ',')
		return 1;
	if (strncmp(s, "\xEF\xBC\x8E", 3) == 0 || strncmp(s, "\xEF\xBC\x8C", 3) == 0 ||
	    strncmp(s, "\xE3\x80\x82", 3) == 0)
		return 3;
	return 0;
}

/* The decimal number at the front of s: *n (all digits as one integer) and
 * *k (how many of them are decimals).  Returns the bytes read, or 0 after
 * filling e when s does not start with a well-formed number. */
static size_t
number_at(const char *s, const char *text, int64_t *n, int *k, sj_err *e)
{
	size_t i = 0, len;
	int d, int_digits = 0, seps = 0;

	*n = 0;
	*k = 0;
	for (;;) {
		if ((len = digit_at(s + i, &d)) > 0) {
			if (seps ? ++*k > TEMP_FRAC_DIGITS : ++int_digits > TEMP_INT_DIGITS)
				goto not_number;
			*n = *n * 10 + d;
			i += len;
		} else if ((len = separator_at(s + i)) > 0) {
			if (++seps > 1) {
				sj_fail(e, SJ_EINVAL, "temperature",
				    "'%s' has more than one decimal separator", text);
				return 0;
			}
			i += len;
		} else
			break;
	}
	if (int_digits == 0 || (seps && *k == 0))
		goto not_number;
	return i;
not_number:
	sj_fail(e, SJ_EINVAL, "temperature",
	    "'%s' is not a temperature; write it like 36.8 or 98.6°F", text);
	return 0;
}

/* The unit word at s, or UNIT_NONE; *len its byte length. */
static enum temp_unit
unit_at(const char *s, size_t *len)
{
	for (size_t i = 0; i < sizeof unit_words / sizeof unit_words[0]; i++) {
		size_t n = strlen(unit_words[i].text);
		if (strncmp(s, unit_words[i].text, n) == 0) {
			*len = n;
			return unit_words[i].unit;
		}
	}
	*len = 0;
	return UNIT_NONE;
}

static int64_t
pow10_of(int k)
{
	int64_t p = 1;

	while (k-- > 0)
		p *= 10;
	return p;
}

/* floor((2 num + den) / (2 den)) for num ≥ 0, den > 0: num / den rounded
 * half up. */
static int64_t
round_half_up(int64_t num, int64_t den)
{
	return (2 * num + den) / (2 * den);
}

/* Tenths of a °C of n / 10^k in unit u; -1 when below 0 °C. */
static int64_t
to_tenths(int64_t n, int k, enum temp_unit u)
{
	int64_t den = pow10_of(k), num;

	if (u != UNIT_F)
		return round_half_up(n * 10, den);
	/* C × 10 = (F − 32) × 50 / 9 with F = n / 10^k */
	num = (n - 32 * den) * 50;
	if (num < 0)
		return -1;
	return round_half_up(num, 9 * den);
}

sj_rc
screening_temp_parse(const char *text, int *c10, sj_err *e)
{
	const char *s = text ? text : "";
	enum temp_unit unit;
	size_t len, ulen;
	int64_t n, t;
	int k;
	char shown[8];

	while ((len = space_at(s)) > 0)
		s += len;
	if (*s == '\0')
		return sj_fail(e, SJ_EINVAL, "temperature", "is empty");
	if ((len = number_at(s, text, &n, &k, e)) == 0)
		return e ? e->rc : SJ_EINVAL;
	s += len;
	while ((len = space_at(s)) > 0)
		s += len;
	unit = unit_at(s, &ulen);
	s += ulen;
	while ((len = space_at(s)) > 0)
		s += len;
	if (*s != '\0') {
		if (unit == UNIT_NONE && (*s == '\xC2' || *s == 'K' || *s == 'k'))
			return sj_fail(e, SJ_EINVAL, "temperature", "'%s': unknown unit; use °C or °F",
			    text);
		return sj_fail(e, SJ_EINVAL, "temperature",
		    "'%s' is not a temperature; write it like 36.8 or 98.6°F", text);
	}
	t = to_tenths(n, k, unit);
	if (t >= SCREEN_TEMP_MIN && t <= SCREEN_TEMP_MAX) {
		*c10 = (int)t;
		return SJ_OK;
	}
	if (t < SCREEN_TEMP_MIN) {
		if (t < 0)
			return sj_fail(e, SJ_EINVAL, "temperature",
			    "'%s' is below the plausible range 34.0-43.0 °C", text);
		screening_temp_format((int)t, shown);
		return sj_fail(e, SJ_EINVAL, "temperature",
		    "%s °C is below the plausible range 34.0-43.0 °C", shown);
	}
	if (unit == UNIT_NONE && to_tenths(n, k, UNIT_F) >= SCREEN_TEMP_MIN &&
	    to_tenths(n, k, UNIT_F) <= SCREEN_TEMP_MAX)
		return sj_fail(e, SJ_EINVAL, "temperature", "'%s' °C is above the plausible range "
		    "34.0-43.0 °C (a Fahrenheit reading needs its unit: %s°F)", text, text);
	if (t > 99999)
		return sj_fail(e, SJ_EINVAL, "temperature",
		    "'%s' is above the plausible range 34.0-43.0 °C", text);
	screening_temp_format((int)t, shown);
	return sj_fail(e, SJ_EINVAL, "temperature", "%s °C is above the plausible range "
	    "34.0-43.0 °C", shown);
}

void
screening_temp_format(int t, char out[8])
{
	unsigned u = t < 0 ? 0u : (unsigned)t;

	snprintf(out, 8, "%u.%u", (u / 10) % 10000, u % 10);
}

/* ---- decisions -------------------------------------------------------------- */

enum { DIR_IN = 1, DIR_OUT = 2, DIR_ANY = 3 };

/* Special groups (DESIGN.md §4: "special groups (e.g. under home
 * quarantine, living alone, elderly) carry rules (deny exit, alert,
 * notify) configured per tag"; issue 5: "home quarantine: deny exit and
 * alert; living alone: no rule on scan").  A tag without a row has no rule
 * on scan. */
static const struct tag_rule {
	unsigned tag;            /* TAG_* */
	int directions;          /* DIR_* */
	scan_decision decision;
	unsigned reason;         /* SCAN_R_* */
} tag_rules[] = {
	{ TAG_HOME_QUARANTINE, DIR_OUT, SCAN_DENY, SCAN_R_HOME_QUARANTINE_EXIT },
	{ TAG_HOME_QUARANTINE, DIR_IN, SCAN_ALERT, SCAN_R_HOME_QUARANTINE_ENTRY },
	{ TAG_KEY_GROUP, DIR_ANY, SCAN_ALERT, SCAN_R_KEY_GROUP },
};

static void
apply(scan_decision d, unsigned reason, scan_decision *decision, unsigned *reasons)
{
	*reasons |= reason;
	if (d > *decision)
		*decision = d;
}

void
screening_decide(const screening_facts *f, int fever_threshold, scan_decision *decision,
    unsigned *reasons)
{
	int dir = f->exit ? DIR_OUT : DIR_IN;

	*decision = SCAN_PASS;
	*reasons = 0;
	if (f->temperature > 0 && f->temperature >= fever_threshold)
		apply(SCAN_ALERT, SCAN_R_FEVER, decision, reasons);
	if (!f->exit && (!f->person_known || (f->outsider && !f->registered)))
		apply(SCAN_DENY, SCAN_R_OUTSIDER_UNREGISTERED, decision, reasons);
	if (!f->person_known)
		return;
	for (size_t i = 0; i < sizeof tag_rules / sizeof tag_rules[0]; i++)
		if ((f->tags & tag_rules[i].tag) && (tag_rules[i].directions & dir))
			apply(tag_rules[i].decision, tag_rules[i].reason, decision, reasons);
}

static const char *const reason_names[SCAN_R_COUNT] = {
	"fever", "outsider_unregistered", "home_quarantine_exit", "home_quarantine_entry",
	"key_group", "disinfection_overdue",
};

const char *
screening_reason_name(unsigned bit)
{
	for (int i = 0; i < SCAN_R_COUNT; i++)
		if (bit == 1u << i)
			return reason_names[i];
	return NULL;
}

unsigned
screening_reason_parse(const char *name)
{
	for (int i = 0; name && i < SCAN_R_COUNT; i++)
		if (strcmp(reason_names[i], name) == 0)
			return 1u << i;
	return 0;
}

/* In the order of reason_names (the SCAN_R_* bits). */
static const char *const reason_labels[SCAN_R_COUNT] = {
	"体温异常（发热）", "外来人员未登记", "居家隔离人员外出", "居家隔离人员返回",
	"重点人群", "消毒超期",
};

const char *
screening_reason_label(unsigned bit)
{
	for (int i = 0; i < SCAN_R_COUNT; i++)
		if (bit == 1u << i)
			return reason_labels[i];
	return NULL;
}

const char *
screening_decision_label(scan_decision d)
{
	switch (d) {
	case SCAN_PASS: return "通行";
	case SCAN_ALERT: return "注意";
	case SCAN_DENY: return "禁止通行";
	}
	return "?";
}

const char *
screening_decision_name(scan_decision d)
{
	switch (d) {
	case SCAN_PASS: return "pass";
	case SCAN_ALERT: return "alert";
	case SCAN_DENY: return "deny";
	}
	return "?";
}

/* In the order of person.c's tag list and of TAG_*. */
static const char *const tag_names[] = {
	"resident", "staff", "outsider", "home_quarantine", "living_alone", "elderly",
	"disabled", "key_group",
};

unsigned
screening_tag_bit(const char *tag)
{
	for (size_t i = 0; tag && i < sizeof tag_names / sizeof tag_names[0]; i++)
		if (strcmp(tag_names[i], tag) == 0)
			return 1u << i;
	return 0;
}
