/*
 * calendar — the working-day calendar that due dates count on (DESIGN.md
 * §4 "Service requests"; issue 8 "Working-day calendar"; docs/calendar.md).
 *
 * A day is a working day when it is Monday to Friday, unless the calendar
 * marks it off (a public holiday), or when it is a Saturday or Sunday the
 * calendar marks as worked (a make-up working day, 调休).  The calendar is
 * kept per year: loading a year replaces every marked day of that year.
 * A year never loaded has weekends only.
 *
 * Counting (the rule issue 8's cases fix; docs/calendar.md works them):
 *  1. The receipt day.  A request received on a working day before the
 *     cut-off hour (setting request-cutoff, default 17:00 local time) is
 *     received that day; one received at or after the cut-off, or on a
 *     day that is not a working day, counts as received on the next
 *     working day.
 *  2. The due date of N working days is the N-th working day after the
 *     receipt day: the receipt day itself is not counted (as 《民法典》
 *     art. 201: a period counted in days starts on the next day).  N = 0
 *     gives the receipt day.
 *  Received Mon 2024-09-30 09:00, 5 days, National Day off 10-01..10-07,
 *  Sat 10-12 worked: receipt day 09-30; working days after it 10-08,
 *  10-09, 10-10, 10-11, 10-12 → due 2024-10-12.  Received Fri 2024-09-27
 *  17:30: after the cut-off, so the receipt day is the next working day,
 *  Sun 09-29 (worked); then 09-30, 10-08, 10-09, 10-10, 10-11 → due
 *  2024-10-11.
 *
 * Dates are local dates (core/datetime.h) in the deployment's zone.
 */
#ifndef SJ_CALENDAR_H
#define SJ_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define CALENDAR_CUTOFF_DEFAULT (17 * 3600)  /* 17:00, seconds after local midnight */
#define CALENDAR_NAME_MAX 50                  /* holiday name, code points */
#define CALENDAR_SOURCE_MAX 300               /* source note, code points */
#define CALENDAR_DAYS_MAX 400                 /* marked days in one load */
#define CALENDAR_YEARS_MAX 20                 /* years in one load */
#define CALENDAR_TEXT_MAX (256 * 1024)        /* bytes of a calendar file */

/* Set the process-wide cut-off: seconds after local midnight, 0..86400
 * (86400: no cut-off).  Called once at start-up from the setting
 * request-cutoff; tests call it per test.  Not thread-safe. */
void calendar_cutoff_set(int seconds);

/* The cut-off in effect (CALENDAR_CUTOFF_DEFAULT until set). */
int calendar_cutoff(void);

typedef struct calendar_day {
	sj_date day;
	bool working;        /* true: a make-up working day; false: a day off */
	const char *name;    /* e.g. "国庆节", "国庆节调休"; "" when none */
} calendar_day;

typedef struct calendar_year {
	int year;
	const char *source;  /* where the dates come from; "" when not given */
	int64_t loaded_at;   /* seconds since the epoch; 0 when never loaded */
	calendar_day *days;  /* sorted by day */
	size_t n_days;
} calendar_year;

/* The marked days in effect, for counting (loaded once, used many times). */
typedef struct calendar {
	calendar_day *days;  /* every marked day of every loaded year, sorted */
	size_t n_days;
} calendar;

/* Read every marked day into c (arena memory).  Errors: store errors. */
sj_rc calendar_read(store *s, arena *a, calendar *c, sj_err *e);

/* True when d is a working day on c (see the top). */
bool calendar_is_working(const calendar *c, sj_date d);

/* The receipt day of something received at instant t (rule 1 above) with
 * the cut-off cutoff_s (seconds after local midnight). */
sj_date calendar_receipt_day(const calendar *c, int64_t t, int cutoff_s);

/* The n-th working day after day d (rule 2; n ≥ 0, n = 0 gives d). */
sj_date calendar_add_working_days(const calendar *c, sj_date d, int n);

/* The due date of n working days for something received at t, with the
 * process-wide cut-off; *receipt (may be NULL) gets the receipt day. */
sj_date calendar_due(const calendar *c, int64_t t, int n, sj_date *receipt);

/* A parsed calendar file or API body: one or more years. */
typedef struct calendar_load {
	calendar_year years[CALENDAR_YEARS_MAX];
	size_t n_years;
} calendar_load;

/*
 * Parse the calendar text format of docs/calendar.md (n bytes of UTF-8)
 * into *out (strings in a):
 *   # comment                     (also after a line's fields)
 *   year 2024                     starts a year; every date after it lies in it
 *   source 国办发明电〔2023〕7号    optional, once per year
 *   2024-10-01..2024-10-07 off 国庆节
 *   2024-09-29 work 国庆节调休
 * Blank lines are ignored; fields are separated by spaces or tabs; the
 * name is the rest of the line.  Errors: SJ_EINVAL (field "line N") for a
 * line that is none of these, a date outside its year or before any year
 * line, a range that ends before it starts, "work" on a Monday–Friday
 * (only a weekend day can be made a working day), a day given twice, a
 * year given twice, invalid UTF-8; SJ_ETOOBIG over CALENDAR_TEXT_MAX
 * bytes, CALENDAR_DAYS_MAX days or CALENDAR_YEARS_MAX years.
 */
sj_rc calendar_parse(const char *text, size_t n, arena *a, calendar_load *out, sj_err *e);

/* Check one year given in pieces (the API's JSON form): year 1900..2200,
 * every day inside it, no day twice, "work" only on a weekend day, names
 * and source valid single-line UTF-8 within their limits.  The days are
 * sorted in place.  Errors: SJ_EINVAL naming "year", "source",
 * "days[i].date", "days[i].name", "days[i].working". */
sj_rc calendar_check_year(calendar_year *y, sj_err *e);

/*
 * Store every year of ld, replacing each year's marked days, and then
 * recompute the due dates of open requests and referrals
 * (request_recompute_due) — all in one transaction.  Needs PERM_ORG_ADMIN
 * (admin, command line).  *n_changed (may be NULL) gets how many
 * requests and referrals had a due date moved.  Errors: SJ_EFORBIDDEN;
 * the checks of calendar_check_year; store errors.  Nothing is written on
 * error.
 */
sj_rc calendar_store(store *s, const scope *sc, calendar_load *ld, int64_t *n_changed,
    sj_err *e);

/* The stored year y (days sorted; loaded_at 0 and no days when never
 * loaded).  Any signed-in role may read it.  Errors: SJ_EINVAL ("year"
 * outside 1900..2200); store errors. */
sj_rc calendar_year_get(store *s, arena *a, int year, calendar_year *out, sj_err *e);

/* The years that have been loaded, ascending, without days.  Errors: store
 * errors. */
sj_rc calendar_year_list(store *s, arena *a, calendar_year **out, size_t *n, sj_err *e);

#endif
