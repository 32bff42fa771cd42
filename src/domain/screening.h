/*
 * screening — what a checkpoint decides about one scan (DESIGN.md §4
 * "Scans and stays"; issue 5 "Screening rules"): the temperature reading,
 * the fever threshold, outsiders and the rules of special groups, giving
 * one decision (pass / alert / deny) and the machine-readable reasons for
 * it.
 *
 * Everything here is pure: no store, no clock.  The scan module gathers the
 * facts (who the person is, their tags, whether an outsider is registered)
 * and asks screening_decide().
 *
 * Temperatures are kept in tenths of a degree Celsius (°C × 10) as ints:
 * 36.8 °C is 368.
 */
#ifndef SJ_SCREENING_H
#define SJ_SCREENING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* The plausible range of a human body temperature, in °C × 10, inclusive.
 * Clinical thermometers for body temperature cover 32-42 °C (ISO 80601-2-56
 * requires at least 34.0-42.0 °C of a clinical thermometer's rated output
 * range); readings below 34.0 °C at a gate mean a cold forehead or a missed
 * reading, and above 43.0 °C no living person is measured.  A value outside
 * this range is refused (never stored) as a typing or device error. */
#define SCREEN_TEMP_MIN 340
#define SCREEN_TEMP_MAX 430

/* The default fever threshold (°C × 10): a reading at or above it raises a
 * fever alert (DESIGN.md §4; the setting fever-threshold overrides it). */
#define SCREEN_FEVER_DEFAULT 373

/* The decision shown to the attendant, in increasing severity. */
typedef enum scan_decision {
	SCAN_PASS = 0,   /* let through */
	SCAN_ALERT = 1,  /* let through, but the work group is alerted */
	SCAN_DENY = 2,   /* do not let through; the work group is alerted */
} scan_decision;

/* Reasons, as bits of an unsigned mask.  Each has a stable name
 * (screening_reason_name) used in the API, the CLI and the alert list. */
enum scan_reason {
	SCAN_R_FEVER = 1u << 0,                 /* temperature at or above the threshold */
	SCAN_R_OUTSIDER_UNREGISTERED = 1u << 1, /* an outsider (or an unknown identity number)
	                                         * without a valid registration, entering */
	SCAN_R_HOME_QUARANTINE_EXIT = 1u << 2,  /* under home quarantine, leaving */
	SCAN_R_HOME_QUARANTINE_ENTRY = 1u << 3, /* under home quarantine, coming back: was out */
	SCAN_R_KEY_GROUP = 1u << 4,             /* a member of a key group passed the point */
	SCAN_R_DISINFECTION_OVERDUE = 1u << 5,  /* alerts only: a place's disinfection is overdue */
};
#define SCAN_R_COUNT 6

/* Person tags as bits (the tags of domain/person.h, in its order). */
enum screening_tag {
	TAG_RESIDENT = 1u << 0,
	TAG_STAFF = 1u << 1,
	TAG_OUTSIDER = 1u << 2,
	TAG_HOME_QUARANTINE = 1u << 3,
	TAG_LIVING_ALONE = 1u << 4,
	TAG_ELDERLY = 1u << 5,
	TAG_DISABLED = 1u << 6,
	TAG_KEY_GROUP = 1u << 7,
};

/* What the scan module knows about one scan when it decides. */
typedef struct screening_facts {
	bool exit;           /* direction: false entering, true leaving */
	int temperature;     /* °C × 10, or 0 when none was taken */
	bool person_known;   /* the identity number or code named a registered person */
	unsigned tags;       /* TAG_* bits of the person */
	bool outsider;       /* the person is not a resident or staff of the place's unit:
	                      * tagged outsider, or of another unit (or of none) */
	bool registered;     /* an outsider registration for the place's unit is valid now */
} screening_facts;

/*
 * Parse a temperature as typed at a gate into °C × 10.
 *
 * Accepted: optional white space (ASCII, U+3000) around; digits (ASCII or
 * full-width U+FF10-U+FF19) with at most one decimal separator — '.',
 * ',' (a decimal comma), '．' (U+FF0E) or '，' (U+FF0C) — and any number of
 * decimals; then optionally a unit: "°C", "℃" (U+2103), "C", "c" for
 * Celsius, or "°F", "℉" (U+2109), "F", "f" for Fahrenheit, with optional
 * spaces before it ("36.8°C", "98.6 F").  Without a unit the value is
 * Celsius: a Fahrenheit reading needs its unit (DESIGN.md §4), so "98.6"
 * alone is an implausible Celsius value and is refused.
 *
 * Fahrenheit is converted exactly, C = (F − 32) × 5 / 9, computed on the
 * decimal digits in integers (no floating point).  Rounding to 0.1 °C is
 * half up, away from zero: 36.75 → 36.8, 36.749 → 36.7 (all plausible
 * values are positive, so half up and half away from zero agree).
 *
 * The rounded value must lie in [SCREEN_TEMP_MIN, SCREEN_TEMP_MAX]
 * (34.0-43.0 °C).  Errors: SJ_EINVAL, field "temperature", with messages
 * such as "is empty", "'abc' is not a temperature; write it like 36.8 or
 * 98.6°F", "has more than one decimal separator", "36.8°K: unknown unit;
 * use °C or °F", "33.1 °C is below the plausible range 34.0-43.0 °C",
 * "98.6 °C is above the plausible range 34.0-43.0 °C (a Fahrenheit
 * reading needs its unit: 98.6°F)".  *c10 is set on success only.
 */
sj_rc screening_temp_parse(const char *text, int *c10, sj_err *e);

/* Write t (°C × 10, ≥ 0) as a decimal "36.8" into out (at least 8 bytes). */
void screening_temp_format(int t, char out[8]);

/*
 * The decision and reasons for f under the fever threshold (°C × 10; a
 * reading ≥ threshold is a fever: the boundary counts, DESIGN.md §4).
 * Rules, each adding a reason with its own severity; the decision is the
 * most severe of them (pass when none applies):
 *   fever                   any direction, temperature ≥ threshold → alert
 *   outsider_unregistered   entering, and the person is unknown, or an
 *                           outsider without a valid registration → deny
 *                           (issue 5: outsiders are registered before they
 *                           pass); leaving is never stopped for it
 *   special groups, one table (screening.c `tag_rules`):
 *     home_quarantine       leaving → deny (home_quarantine_exit);
 *                           entering → alert (home_quarantine_entry: the
 *                           person had been out)
 *     key_group             any direction → alert (key_group)
 *     living_alone, elderly, disabled, resident, staff, outsider: no rule
 *                           on scan (visits look after them)
 * *reasons receives the SCAN_R_* bits.
 */
void screening_decide(const screening_facts *f, int fever_threshold, scan_decision *decision,
    unsigned *reasons);

/* The stable name of one reason bit ("fever", "outsider_unregistered",
 * "home_quarantine_exit", "home_quarantine_entry", "key_group",
 * "disinfection_overdue"), or NULL for anything else. */
const char *screening_reason_name(unsigned bit);

/* The reason bit named name, or 0. */
unsigned screening_reason_parse(const char *name);

/* "pass", "alert" or "deny": the machine code of the API, the CLI and the
 * alert list. */
const char *screening_decision_name(scan_decision d);

/* The decision as the exports show it to people, in Chinese, the
 * language of their headers (docs/reports.md): "通行", "注意", "禁止通行"
 * — the zh-CN labels the web UI shows for the same codes
 * (web/i18n/zh-CN.json decision.pass, .alert, .deny; test_screening
 * checks they agree).  "?" for anything else. */
const char *screening_decision_label(scan_decision d);

/* One reason bit's label for people, as screening_decision_label: the
 * zh-CN reason.<name> of web/i18n/zh-CN.json ("体温异常（发热）", ...), or
 * NULL for anything else. */
const char *screening_reason_label(unsigned bit);

/* The TAG_* bit of a person tag name, or 0 for an unknown one. */
unsigned screening_tag_bit(const char *tag);

#endif
