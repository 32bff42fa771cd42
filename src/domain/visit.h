/*
 * visit — the work group's visits (走访) to units and households, and the
 * needs (difficulties, 困难/诉求) found on them (DESIGN.md §2 `visit`;
 * issue 8; SCENARIO.md "Visits").
 *
 * A visit goes either to a unit (a community, enterprise, project or
 * village: talking with its leaders and some residents or staff) or to
 * one household at a place of a unit, on a local date, by one or more
 * work-group members (group_member rows of a group assigned to the unit).
 * It has a purpose and a summary, and records the needs found: each a
 * difficulty in the resident's or unit's own words with a category: the
 * code of a service of the request module (domain/request.h: accommodation,
 * staffing, supplies, permits, finance, livelihood, other, and any service
 * added since), so that the need can become a request of that service.
 * Visits and needs carry a task line (domain/task_line.h; issue 11 "Task
 * line as a shared classification"), optional: NULL is not classified; a
 * need given none takes its visit's, and the request made from a need
 * takes the need's.  A need can be turned into a
 * service request in one step (need_request): the need then shows the
 * request's id and the request's origin names the need.
 *
 * Personal data (issue 10, retention class "visit notes"): the summary of
 * a household visit and the difficulty text of its needs are notes about
 * the household.  They are stored only in table household_note (one row
 * per text, with the household and the visit date) so that the retention
 * purge can delete exactly them; after a purge they read back as NULL.
 *
 * Scope (domain/scope.h): every read and write tests the visit's unit with
 * SCOPE_UNIT — leaders and members their group's units, a unit liaison
 * their own unit, admin/auditor/system everything.  A record outside the
 * scope is SJ_ENOTFOUND, exactly like a missing one.  Permissions
 * (domain/auth.h): PERM_VISIT_READ to read, PERM_VISIT_WRITE to add or
 * change; turning a need into a request needs PERM_REQUEST_RAISE too.
 * These functions write no audit event: the caller writes it in the same
 * transaction (domain/audit.h).
 *
 * Records come back as plain structs whose strings and arrays live in the
 * caller's arena.
 */
#ifndef SJ_VISIT_H
#define SJ_VISIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/demo.h"
#include "domain/scope.h"
#include "store/store.h"

#define VISIT_PURPOSE_MAX    200   /* code points */
#define VISIT_SUMMARY_MAX    4000  /* code points; newlines allowed */
#define VISIT_DIFFICULTY_MAX 2000  /* code points; newlines allowed */
#define VISIT_VISITORS_MAX   20    /* visitors on one visit */
#define VISIT_NEEDS_MAX      50    /* needs recorded with one visit */
#define VISIT_LIST_MAX       500   /* largest page */
#define VISIT_DATE_NONE      INT32_MIN  /* an sj_date that was not given */

typedef struct visitor {
	int64_t member_id;     /* group_member.id */
	const char *name;      /* the member's name */
} visitor;

typedef struct need {
	int64_t id;
	int64_t visit_id;
	int64_t unit_id;       /* the visit's unit */
	int64_t household_id;  /* the visit's household; 0 for a unit visit */
	sj_date visited_on;    /* the visit's local date */
	const char *category;  /* a service code (request.h), e.g. "accommodation" */
	const char *difficulty;/* the words as recorded; NULL once a household note is purged */
	int64_t request_id;    /* the service request it became; 0 = none yet */
	int64_t created_at;    /* seconds since the epoch, UTC */
	const char *task_line; /* a task line code (task_line.h); NULL: none */
} need;

typedef struct visit {
	int64_t id;
	int64_t unit_id;
	const char *unit_name;
	int64_t household_id;  /* 0 for a visit to the unit */
	const char *household; /* "1号楼 1单元 101" (building, entrance, room); NULL for a unit */
	sj_date visited_on;    /* local date */
	const char *purpose;
	const char *summary;   /* NULL when none (or purged, for a household) */
	visitor *visitors;     /* arena array, by member id */
	size_t n_visitors;
	need *needs;           /* arena array, by id */
	size_t n_needs;
	int64_t created_at;    /* seconds since the epoch, UTC */
	int64_t updated_at;
	const char *task_line; /* a task line code (task_line.h); NULL: none */
} visit;

typedef struct need_input {
	const char *category;   /* required: the code of a service taking new requests */
	const char *difficulty; /* required: 1..VISIT_DIFFICULTY_MAX characters */
	const char *task_line;  /* optional: a task line code; NULL: the visit's */
} need_input;

typedef struct visit_input {
	int64_t unit_id;        /* exactly one of unit_id and household_id */
	int64_t household_id;
	sj_date visited_on;     /* required; VISIT_DATE_NONE when not given */
	const char *purpose;    /* required, single line */
	const char *summary;    /* optional (NULL) */
	const int64_t *visitor_ids;  /* 1..VISIT_VISITORS_MAX group member ids */
	size_t n_visitor_ids;
	const need_input *needs;     /* 0..VISIT_NEEDS_MAX */
	size_t n_needs;
	const char *task_line;  /* optional: a task line code; NULL: none */
} visit_input;

/* What visit_list returns; zero fields do not narrow. */
typedef struct visit_filter {
	int64_t unit_id;
	int64_t household_id;
	sj_date from;           /* visited_on >= from; VISIT_DATE_NONE = no bound */
	sj_date to;             /* visited_on <= to; VISIT_DATE_NONE = no bound */
	const char *task_line;  /* only visits of this task line; NULL: any */
	/* Cursor: visits after (after_on, after_id) in list order, which is
	 * newest date first, then highest id first.  after_id 0 = start. */
	sj_date after_on;
	int64_t after_id;
	int limit;              /* 1..VISIT_LIST_MAX; 0 means 50 */
} visit_filter;

typedef struct visit_page {
	visit *visits;          /* arena array, each with visitors and needs */
	size_t n_visits;
	bool has_more;          /* more rows: pass next_on/next_id back as after_* */
	sj_date next_on;
	int64_t next_id;
} visit_page;

/* What need_list returns; zero fields do not narrow. */
typedef struct need_filter {
	int64_t unit_id;
	const char *category;
	const char *task_line;  /* only needs of this task line; NULL: any */
	int open;               /* 1: only needs not yet turned into a request */
	int64_t after_id;       /* cursor: needs with id < after_id (newest first) */
	int limit;              /* 1..VISIT_LIST_MAX; 0 means 50 */
} need_filter;

typedef struct need_page {
	need *needs;
	size_t n_needs;
	bool has_more;
	int64_t next_id;
} need_page;

/*
 * Record a visit with its visitors and needs, in one transaction: all of
 * it or nothing.  Needs PERM_VISIT_WRITE.  *id receives the visit's id.
 * Errors, in the order checked:
 *   SJ_EFORBIDDEN  the role may not record visits;
 *   SJ_EINVAL      "unit_id" ("give exactly one of unit_id and
 *                  household_id"); "visited_on" (missing, or after today); "purpose"
 *                  (missing, blank, not single-line UTF-8, over 200);
 *                  "summary" (over 4000, control characters);
 *                  "visitor_ids" (none, over 20, "member 3 is listed
 *                  twice"); "needs" (over 50); "needs[i].category"
 *                  (missing); "needs[i].difficulty" (missing, blank, over
 *                  2000); "task_line", "needs[i].task_line" (not a task
 *                  line code: task_line_check);
 *   SJ_ENOTFOUND   "unit_id" / "household_id" (none in scope: "no household
 *                  with id 99"); "visitor_ids[i]" (no such group member);
 *   SJ_EINVAL      "visitor_ids[i]": "member 4 (name) is not in a work group
 *                  assigned to 高铁社区"; "needs[i].category": "'housing'
 *                  is not a service category; use one of accommodation,
 *                  staffing, ..." (no service of that code taking new
 *                  requests);
 *   store errors.
 * A household visit's summary and need texts go to household_note. */
sj_rc visit_add(store *s, const scope *sc, const visit_input *in, int64_t *id, sj_err *e);

/* Replace the changeable fields of visit id — visited_on, purpose,
 * summary, task_line and the visitors — with in (validated as visit_add; unit_id,
 * household_id and needs are ignored: a visit does not move, and needs
 * are added with need_add).  The household notes' dates follow
 * visited_on.  Needs PERM_VISIT_WRITE.  Errors: as visit_add, and
 * SJ_ENOTFOUND ("visit") when no visit id is in scope.  Nothing is
 * written on error. */
sj_rc visit_update(store *s, const scope *sc, int64_t id, const visit_input *in, sj_err *e);

/* The visit with this id, with its visitors and needs, into *out (arena).
 * Needs PERM_VISIT_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("visit"). */
sj_rc visit_get(store *s, const scope *sc, arena *a, int64_t id, visit *out, sj_err *e);

/* One page of the visits in scope narrowed by f, newest first (visited_on
 * descending, then id descending), each with visitors and needs.  Needs
 * PERM_VISIT_READ.  Errors: SJ_EFORBIDDEN; SJ_EINVAL ("limit" out of
 * 1..500, "to" before "from", "task_line" not a task line code); store
 * errors. */
sj_rc visit_list(store *s, const scope *sc, arena *a, const visit_filter *f, visit_page *out,
    sj_err *e);

/* Add one need to visit visit_id (validated as in visit_add, fields
 * "category" and "difficulty").  Needs PERM_VISIT_WRITE.  *id receives
 * the need's id.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("visit"); SJ_EINVAL;
 * store errors. */
sj_rc need_add(store *s, const scope *sc, int64_t visit_id, const need_input *in, int64_t *id,
    sj_err *e);

/* The need with this id into *out (arena).  Needs PERM_VISIT_READ.
 * Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("need"). */
sj_rc need_get(store *s, const scope *sc, arena *a, int64_t id, need *out, sj_err *e);

/* One page of needs in scope, newest (highest id) first.  Needs
 * PERM_VISIT_READ.  Errors: SJ_EFORBIDDEN; SJ_EINVAL ("limit",
 * "category", "task_line"); store errors. */
sj_rc need_list(store *s, const scope *sc, arena *a, const need_filter *f, need_page *out,
    sj_err *e);

/*
 * Turn need id into a service request in one step (issue 8), in one
 * transaction: request_create (domain/request.h) files a request from the
 * need's unit with the need's category as its service, its difficulty as
 * the description, reported now (source "visit"), and "need:<id>" as its
 * origin; the need records the request's id.  The text is copied: the
 * request keeps it when a household note is purged (request.h decides
 * the request's own retention).  Needs PERM_VISIT_READ and
 * PERM_REQUEST_RAISE.  *request_id receives the new request's id.
 * Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("need"); SJ_ECONFLICT ("need")
 * "need 4 was already turned into request 7"; SJ_EINVAL ("need") when the
 * difficulty text was purged; the errors of request_create; store errors.
 * Nothing is written on error.
 */
sj_rc need_request(store *s, const scope *sc, int64_t id, int64_t *request_id, sj_err *e);

/*
 * The demo part "visits and inspections" (domain/demo.h), run after the
 * organisation, users and requests parts: SCENARIO.md "Visits" — the
 * 2020-03-18 afternoon visits with the deliveries (走访慰问) to 高铁社区,
 * 小堰堤社区 and 李家庄社区; on 2020-03-23 the inspection of 华新新干线小区's
 * monitoring point (registration, code scan, temperature pass; the other
 * items not applicable), the talk with 高铁社区's leaders and residents
 * and the visits to the households of 张三 and 李四 (no difficulty
 * recorded: the report names none); and the inspection of 泰山石膏有限公司's
 * staff canteen (a place added here) on an assumed date, 2020-03-10.
 * Errors: those of the functions called; SJ_ENOTFOUND when an earlier
 * part's records are missing.
 */
sj_rc visit_demo_part(demo_ctx *ctx, sj_err *e);

/* The work-group member named by ref: a decimal id, or a name exactly
 * one member has.  For the command line.  Errors: SJ_ENOTFOUND (field)
 * "no work-group member 'x'"; SJ_ECONFLICT (field) when several members
 * share the name (give the id). */
sj_rc visit_member_lookup(store *s, const char *ref, const char *field, int64_t *id,
    sj_err *e);

/* Small helpers shared with domain/inspection.c. */

/* Check a list of group-member ids for a record of unit_id: 1..max ids,
 * no repeats, each a member of a work group assigned to the unit.  field
 * names the list ("visitor_ids", "inspector_ids").  Errors as visit_add's
 * for visitor_ids. */
sj_rc visit_check_members(store *s, int64_t unit_id, const char *unit_name,
    const int64_t *ids, size_t n, size_t max, const char *field, sj_err *e);

/* Check optional free text: NULL passes; else valid UTF-8 without control
 * characters (newlines and tabs allowed unless single_line), not blank,
 * at most max code points.  Errors: SJ_EINVAL naming field. */
sj_rc visit_check_text(const char *s, const char *field, size_t max, bool single_line,
    sj_err *e);

#endif
