/*
 * resumption — work resumption (复工复产) of enterprises and projects:
 * dated reports per unit, and the resumption rate and its trend (issue 9
 * "Work resumption"; SCENARIO.md "The enterprise problem" and the 94%
 * rate of the related report).
 *
 * A report is about one unit of kind enterprise or project, on a local
 * date: its status (not_resumed, partial, resumed), optionally the staff on
 * site out of the staff total, optionally its capacity in percent, a note,
 * and blockers: service requests (domain/request.h) of the same unit that
 * were open on the report's date.  Reports are never changed: the history
 * is the list of reports, and a unit's status on a date D is its report
 * with the greatest (report_date, id) among those dated on or before D
 * (a later correction for the same day is a new report, and wins).
 *
 * The rate on a date D over the units in scope that match a filter
 * (region: the region or any region under it; kind; work group): the
 * units reporting (a report on or before D) are the denominator; the units
 * whose status on D is resumed, and those whose status is partial, are the
 * two numerators.  Nothing is rounded here: callers show the fractions.
 * The staff return rate is the sum of staff on site over the sum of staff
 * total of those same status reports that state staff.
 *
 * Scope (domain/scope.h): every read and write tests the unit with
 * SCOPE_UNIT — leaders and members their group's units, a unit liaison
 * their own unit (and may file its reports), admin/auditor/system
 * everything.  Out of scope is SJ_ENOTFOUND, like a missing unit.
 * Permissions (domain/auth.h): PERM_RESUMPTION_READ to read,
 * PERM_RESUMPTION_WRITE to file a report.  These functions write no audit
 * event: the caller writes it in the same transaction (domain/audit.h).
 *
 * Records come back as plain structs whose strings and arrays live in the
 * caller's arena.
 */
#ifndef SJ_RESUMPTION_H
#define SJ_RESUMPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/demo.h"
#include "domain/scope.h"
#include "store/store.h"

#define RESUMPTION_NOTE_MAX     2000  /* code points */
#define RESUMPTION_BLOCKERS_MAX 20    /* blockers on one report */
#define RESUMPTION_STAFF_MAX    1000000
#define RESUMPTION_LIST_MAX     500   /* largest page of a unit's reports */
#define RESUMPTION_TREND_MAX    366   /* most days in a trend */
#define RESUMPTION_NONE         (-1)  /* a staff count or capacity not stated */
#define RESUMPTION_DATE_NONE    INT32_MIN

typedef struct resumption_report {
	int64_t id;
	int64_t unit_id;
	const char *unit_name;
	const char *unit_kind;   /* "enterprise" or "project" */
	sj_date report_date;     /* local date */
	const char *status;      /* "not_resumed", "partial", "resumed" */
	int64_t staff_on_site;   /* RESUMPTION_NONE when not stated */
	int64_t staff_total;     /* RESUMPTION_NONE when not stated */
	int64_t capacity_pct;    /* 0..100; RESUMPTION_NONE when not stated */
	const char *note;        /* "" when none */
	bool assumed;            /* demo data the source does not give */
	int64_t *blocker_ids;    /* arena array of service request ids, ascending */
	size_t n_blockers;
	int64_t created_at;      /* seconds since the epoch, UTC */
} resumption_report;

typedef struct resumption_input {
	int64_t unit_id;           /* required */
	sj_date report_date;       /* required; RESUMPTION_DATE_NONE when not given */
	const char *status;        /* required: one of the three */
	int64_t staff_on_site;     /* both or neither; RESUMPTION_NONE when not given */
	int64_t staff_total;
	int64_t capacity_pct;      /* 0..100; RESUMPTION_NONE when not given */
	const char *note;          /* optional (NULL) */
	bool assumed;
	const int64_t *blocker_ids;/* 0..RESUMPTION_BLOCKERS_MAX request ids */
	size_t n_blockers;
} resumption_input;

/* Which units a rate counts; zero fields do not narrow. */
typedef struct resumption_filter {
	int64_t region_id;   /* units of this region or of any region under it */
	const char *kind;    /* "enterprise" or "project"; NULL for both */
	int64_t group_id;    /* units assigned to this work group */
	int64_t unit_id;     /* this unit only */
} resumption_filter;

/* The rate on one date: fractions stated, not rounded. */
typedef struct resumption_rate {
	sj_date on;
	int64_t units;           /* enterprise/project units in scope and filter */
	int64_t reporting;       /* of them, with a report on or before `on` */
	int64_t resumed;         /* status on `on` is resumed */
	int64_t partial;         /* status on `on` is partial */
	int64_t not_resumed;     /* status on `on` is not_resumed */
	int64_t staff_on_site;   /* sums over those status reports that state staff */
	int64_t staff_total;
	int64_t staff_reporting; /* how many of them state staff */
} resumption_rate;

/* The status named s, or NULL when s names none (the stored spelling). */
const char *resumption_status_parse(const char *s);

/*
 * File a report (and its blockers) in one transaction: all or nothing.
 * Needs PERM_RESUMPTION_WRITE.  *id receives the report's id.  Errors, in
 * the order checked (nothing is written on any of them):
 *   SJ_EFORBIDDEN  the role may not file reports;
 *   SJ_EINVAL      "report_date" missing, out of range or after today; "status" not one
 *                  of not_resumed, partial, resumed; "staff_on_site" /
 *                  "staff_total" one without the other, negative, over
 *                  RESUMPTION_STAFF_MAX, or on site > total;
 *                  "capacity_pct" outside 0..100; "note" not valid text or
 *                  too long; "blocker_ids" too many or one listed twice;
 *   SJ_ENOTFOUND   "unit_id": no such unit in scope;
 *   SJ_EINVAL      "unit_id": the unit is not an enterprise or project;
 *   SJ_EINVAL      "blocker_ids[i]": not a service request of this unit, or
 *                  not open on the report's date (reported after it, or its
 *                  status by the end of that day resolved, rejected,
 *                  duplicate or closed);
 *   SJ_EDB         the store failed.
 * user_id is stored as the author (0: the command line or the demo).
 */
sj_rc resumption_report_add(store *s, const scope *sc, const resumption_input *in,
    int64_t user_id, int64_t *id, sj_err *e);

/* The report id in scope.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("id"). */
sj_rc resumption_report_get(store *s, const scope *sc, arena *a, int64_t id,
    resumption_report *out, sj_err *e);

/* One page of the reports of unit_id, newest first (report_date, then id,
 * descending): those after the cursor (after_on, after_id) in that order
 * (after_id 0 = from the newest), at most limit (1..RESUMPTION_LIST_MAX),
 * in the arena.  When more follow, out->has_more is set and (next_on,
 * next_id) is the cursor of the next page.  Errors: SJ_EFORBIDDEN;
 * SJ_EINVAL ("limit"); SJ_ENOTFOUND ("unit_id") for a unit not in scope. */
typedef struct resumption_page {
	resumption_report *reports;
	size_t n_reports;
	bool has_more;
	sj_date next_on;
	int64_t next_id;
} resumption_page;

sj_rc resumption_report_page(store *s, const scope *sc, arena *a, int64_t unit_id,
    sj_date after_on, int64_t after_id, int limit, resumption_page *out, sj_err *e);

/* Every report of unit_id, newest first, in the arena (the pages of
 * resumption_report_page joined).  Errors: as resumption_report_page. */
sj_rc resumption_report_list(store *s, const scope *sc, arena *a, int64_t unit_id,
    resumption_report **out, size_t *n, sj_err *e);

/* The rate on local date `on` over the units in scope matching f.
 * Errors: SJ_EFORBIDDEN; SJ_EINVAL ("kind" not enterprise or project,
 * "date" out of range); SJ_EDB. */
sj_rc resumption_rate_on(store *s, const scope *sc, const resumption_filter *f, sj_date on,
    resumption_rate *out, sj_err *e);

/* One rate per day from `from` to `to` inclusive, in the arena.  Errors:
 * those of resumption_rate_on; SJ_EINVAL ("to") when to < from or the
 * range is longer than RESUMPTION_TREND_MAX days. */
sj_rc resumption_trend(store *s, const scope *sc, arena *a, const resumption_filter *f,
    sj_date from, sj_date to, resumption_rate **out, size_t *n, sj_err *e);

/* The demo part "work resumption" (SCENARIO.md): 泰山石膏有限公司 not
 * resumed on 2020-03-06, blocked by its accommodation request, then
 * resumed the day after that request was resolved (read from the store);
 * 丰泽领秀城项目 partial on 2020-03-10 and resumed on 2020-03-20, both
 * assumed (the report gives no status for the project). */
sj_rc resumption_demo_part(demo_ctx *ctx, sj_err *e);

#endif
