/*
 * workplan — the work group's own work (DESIGN.md §2 `workplan`; issue 11;
 * SCENARIO.md "Organisation"): its work plan (工作方案) with versions and
 * approval, its reporting in (报到) to the units assigned to it, and the
 * group's record that puts plan, party branch, reporting in, tasks and
 * meetings side by side.  Tasks are in domain/task.h, meetings and the
 * party branch in domain/meeting.h.
 *
 * The work plan.  A group has at most one plan: a title, goals, the work
 * mechanism (工作机制), and the period it covers (starts_on, optional
 * ends_on); the group's tasks, under the three task lines, are its
 * division of responsibilities.  Lifecycle:
 *   draft --submit--> submitted --approve--> approved
 *                     submitted --return (with a comment)--> returned
 *   returned --submit--> submitted      (resubmission: a new version)
 *   approved --edit--> draft            (a revision; the approved version
 *                                        stays in force until the next)
 *   draft, returned --edit--> unchanged status
 * A submitted plan cannot be edited until it is decided.  Each submission
 * makes version n+1, a frozen copy of the plan's text and of its task list
 * as it stood; the decision (approved or returned, by whom, when, with
 * what comment) is recorded on that version.  Versions are never changed
 * afterwards or deleted.
 *
 * Who (DESIGN.md §1; docs/roles.md).  The group's leader and members draft
 * and edit the plan (PERM_WORKPLAN_WRITE); the leader submits it (or an
 * administrator, or the command line).  The plan is approved by the organ
 * that dispatched the group (SCENARIO.md: "approved by the CPPCC organ's
 * party committee"): in sijin by a user holding PERM_PLAN_APPROVE — the
 * organ's administrator, acting for its party committee — who is not a
 * leader or member of the group and did not submit that version
 * ("approving one's own plan" is refused).  The command line approves only
 * in a named user's name (its scope must carry a user id).
 *
 * Reporting in.  Each assignment of a unit to a group (domain/group.h)
 * carries the local date the group reported in and the unit's contact
 * person.  reporting_list gives, for a day, every assigned unit with
 * those, its last visit on or before the day (the visit module's table),
 * and flags the units not yet reported to and the units not visited for
 * gap_days days or more (setting visit-gap-days, default 14) — the
 * leader's list.
 *
 * Scope: as domain/task.h — the group's own leader and members and the
 * global roles; SJ_ENOTFOUND for everyone else.  No audit events are
 * written here.
 */
#ifndef SJ_WORKPLAN_H
#define SJ_WORKPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/demo.h"
#include "domain/meeting.h"
#include "domain/scope.h"
#include "domain/task.h"
#include "domain/task_line.h"
#include "store/store.h"

#define PLAN_TITLE_MAX    200    /* code points */
#define PLAN_TEXT_MAX     4000   /* goals, mechanism */
#define PLAN_COMMENT_MAX  2000   /* submission note, decision comment */
#define REPORT_CONTACT_MAX 100   /* code points */
#define VISIT_GAP_DAYS_DEFAULT 14
#define PLAN_CLOCK_SKEW_S 300    /* a decision may be dated this far ahead */

/* The group-level scope test of this module's SQL: ?1 is 1 for a global
 * role, ?2 the caller's work group (leader, member; else 0, no group).
 * Bind both with workplan_scope_bind. */
#define WP_SCOPE_GROUP(col) "(?1 = 1 OR " col " = ?2)"

void workplan_scope_bind(store_stmt *st, const scope *sc);

typedef struct plan_input {
	const char *title;       /* required, single line */
	const char *goals;       /* required, 1..4000 */
	const char *mechanism;   /* optional (NULL) */
	sj_date starts_on;       /* required (TASK_DATE_NONE = missing) */
	sj_date ends_on;         /* TASK_DATE_NONE: open-ended; else >= starts_on */
} plan_input;

typedef struct plan_version_task {
	int64_t task_id;
	const char *task_line;
	const char *title;
	int64_t owner_id;
	const char *owner_name;
	sj_date due_on;          /* TASK_DATE_NONE when none */
	const char *status;      /* when the version was submitted */
} plan_version_task;

typedef struct plan_version {
	int version;
	const char *title;
	const char *goals;
	const char *mechanism;   /* NULL when none */
	sj_date starts_on;
	sj_date ends_on;         /* TASK_DATE_NONE when none */
	int64_t submitted_at;    /* seconds since the epoch, UTC */
	const char *submitted_by;/* username, or "cli" */
	int64_t submitted_by_id; /* the user's id; 0 for the command line */
	const char *submit_note; /* NULL when none */
	const char *decision;    /* "approved", "returned", or NULL while awaiting */
	int64_t decided_at;      /* 0 while awaiting */
	const char *decided_by;  /* username; NULL while awaiting */
	const char *decided_by_display; /* the approver's display name ("" when none) */
	const char *decision_comment;   /* NULL when none */
	plan_version_task *tasks;/* plan_version_get only */
	size_t n_tasks;
} plan_version;

typedef struct work_plan {
	int64_t id;
	int64_t group_id;
	const char *group_name;
	const char *title;
	const char *goals;
	const char *mechanism;   /* NULL when none */
	sj_date starts_on;
	sj_date ends_on;         /* TASK_DATE_NONE when none */
	const char *status;      /* draft, submitted, approved, returned */
	int version;             /* last version submitted; 0 = never */
	int approved_version;    /* the version in force; 0 = none */
	int64_t created_at;
	int64_t updated_at;
	plan_version *versions;  /* every version, oldest first, without tasks */
	size_t n_versions;
} work_plan;

/* Draft the plan of group group_id.  Needs PERM_WORKPLAN_WRITE.  *id
 * receives its id.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("group");
 * SJ_EINVAL ("title", "goals", "mechanism", "starts_on" missing,
 * "ends_on" before starts_on); SJ_ECONFLICT ("group") "work group X
 * already has a work plan; change it instead"; store errors. */
sj_rc plan_create(store *s, const scope *sc, int64_t group_id, const plan_input *in,
    int64_t *id, sj_err *e);

/* Replace the text and period of group_id's plan with in (checked as
 * plan_create; also SJ_EINVAL "starts_on" when a task of the group is due
 * before the new start).  An approved plan becomes a draft (a revision).
 * An input equal to the stored plan writes nothing: no revision, no new
 * updated_at (so an edit that changes nothing is no change to audit).
 * Errors: as plan_create; SJ_ENOTFOUND ("plan"); SJ_ECONFLICT ("status")
 * "the plan is awaiting approval; it can be changed once it is approved or
 * returned". */
sj_rc plan_update(store *s, const scope *sc, int64_t group_id, const plan_input *in,
    sj_err *e);

/* The plan of group group_id, with every version (no task lists).  Needs
 * PERM_WORKPLAN_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("group";
 * "plan" "work group X has no work plan yet"). */
sj_rc plan_get(store *s, const scope *sc, arena *a, int64_t group_id, work_plan *out,
    sj_err *e);

/* Version `version` of group_id's plan, with its frozen task list.
 * Errors: as plan_get; SJ_ENOTFOUND ("version"). */
sj_rc plan_version_get(store *s, const scope *sc, arena *a, int64_t group_id, int version,
    plan_version *out, sj_err *e);

/* Submit group_id's plan for approval at instant at (0: now): version
 * n+1 freezes the plan and its tasks; the status becomes submitted.  note
 * (may be NULL) goes with it.  Needs PERM_WORKPLAN_WRITE, and the group's
 * leader, an administrator or the command line.  *version (may be NULL)
 * receives the new version number.  Errors: SJ_EFORBIDDEN ("only the
 * group's leader submits its work plan"); SJ_ENOTFOUND ("group", "plan");
 * SJ_EINVAL ("note", "at" in the future); SJ_ECONFLICT ("status") "the
 * plan is already awaiting approval" / "the plan is approved and
 * unchanged; change it to submit a revision"; store errors. */
sj_rc plan_submit(store *s, const scope *sc, int64_t group_id, const char *note, int64_t at,
    int *version, sj_err *e);

/* Decide the submitted version of group_id's plan at instant at (0: now):
 * approve it (it comes into force; status approved) or return it (sent
 * back for changes; status returned; comment required).  The caller is a
 * superior: see "Who" at the top.  Errors, in order:
 *   SJ_ENOTFOUND   "group", "plan" (not in scope);
 *   SJ_ECONFLICT   "status" "the plan is not awaiting approval (it is
 *                  draft)";
 *   SJ_EFORBIDDEN  "approver": "a work plan cannot be approved by a leader
 *                  or member of its own work group"; "the user who
 *                  submitted this version cannot approve it"; "approving
 *                  work plans needs the plan.approve permission (the organ's
 *                  administrator)"; "a plan is approved in a named user's
 *                  name" (the command line without a user);
 *   SJ_EINVAL      "comment" (required to return, at most 2000), "at"
 *                  (in the future, or before the submission);
 *   store errors.  Nothing is written on error. */
sj_rc plan_decide(store *s, const scope *sc, int64_t group_id, bool approve,
    const char *comment, int64_t at, sj_err *e);

/* ---- reporting in ----------------------------------------------------- */

typedef struct reporting_unit {
	int64_t unit_id;
	const char *unit_name;
	const char *unit_kind;
	sj_date reported_on;     /* TASK_DATE_NONE: not reported to yet */
	const char *contact;     /* NULL when none */
	sj_date last_visit_on;   /* TASK_DATE_NONE: never visited (up to the day) */
	int days_since_visit;    /* -1 when never visited */
	bool not_reported;       /* no reporting in on or before the day */
	bool visit_due;          /* never visited, or not for gap_days days or more */
} reporting_unit;

typedef struct reporting {
	int64_t group_id;
	sj_date as_of;
	int gap_days;
	reporting_unit *units;   /* by unit name (pinyin) */
	size_t n_units;
	size_t n_reported;
	size_t n_not_reported;
	size_t n_visit_due;
} reporting;

/* The reporting-in list of group group_id for day as_of (TASK_DATE_NONE:
 * today) with gap_days (1..365) — see the top.  Needs
 * PERM_WORKPLAN_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("group");
 * SJ_EINVAL ("gap_days"). */
sj_rc reporting_list(store *s, const scope *sc, arena *a, int64_t group_id, sj_date as_of,
    int gap_days, reporting *out, sj_err *e);

/* Record the reporting in to unit unit_id: the date (TASK_DATE_NONE:
 * not reported; not after today) and the unit's contact person (NULL:
 * none).  Both are replaced.  Needs PERM_WORKPLAN_WRITE.  Errors:
 * SJ_EFORBIDDEN; SJ_ENOTFOUND ("group"; "unit_id" "unit 4 is not assigned
 * to work group X"); SJ_EINVAL ("reported_on" after today, "contact");
 * store errors. */
sj_rc reporting_record(store *s, const scope *sc, int64_t group_id, int64_t unit_id,
    sj_date reported_on, const char *contact, sj_err *e);

/* ---- the group's record ----------------------------------------------- */

#define TASK_STATUS_COUNT 4

typedef struct workplan_overview {
	int64_t group_id;
	const char *group_name;
	const char *organ;
	sj_date set_up_on;       /* TASK_DATE_NONE when not given */
	sj_date as_of;
	bool has_plan;
	work_plan plan;          /* when has_plan, with versions */
	bool has_branch;
	party_branch branch;     /* when has_branch */
	reporting reporting;     /* for as_of and gap_days */
	int64_t tasks[TASK_LINE_COUNT][TASK_STATUS_COUNT]; /* by line, by task_statuses */
	int64_t n_tasks;
	int64_t n_overdue;       /* on as_of */
	int64_t n_links;         /* records linked to the group's tasks */
	int64_t n_meetings;
	sj_date last_meeting_on; /* TASK_DATE_NONE when none */
} workplan_overview;

/* The group's record for day as_of (TASK_DATE_NONE: today).  Needs
 * PERM_WORKPLAN_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("group");
 * SJ_EINVAL ("gap_days"); store errors. */
sj_rc workplan_overview_get(store *s, const scope *sc, arena *a, int64_t group_id,
    sj_date as_of, int gap_days, workplan_overview *out, sj_err *e);

/* ---- shared with task.c and meeting.c --------------------------------- */

/* SJ_OK when sc may read (write = false) or change (true) the group's own
 * work; else SJ_EFORBIDDEN. */
sj_rc workplan_may(const scope *sc, bool write, sj_err *e);

/* The name of work group group_id when sc may see it.  Errors:
 * SJ_ENOTFOUND ("group") "no work group with id 9". */
sj_rc workplan_group_name(store *s, const scope *sc, arena *a, int64_t group_id,
    const char **name, sj_err *e);

/* Check that member_id is a member of group group_id (group_name for the
 * message); *name (may be NULL) gets the member's name (arena).  Errors:
 * SJ_EINVAL (field) "is required" for 0, "member 9 is not a member of work
 * group X". */
sj_rc workplan_member_check(store *s, arena *a, int64_t group_id, const char *group_name,
    int64_t member_id, const char *field, const char **name, sj_err *e);

/* Check that unit_id is assigned to group group_id.  Errors: SJ_EINVAL
 * (field) "unit 4 is not assigned to work group X". */
sj_rc workplan_unit_check(store *s, int64_t group_id, const char *group_name, int64_t unit_id,
    const char *field, sj_err *e);

/* Check optional text (NULL passes): valid UTF-8 without control
 * characters (newlines and tabs allowed unless single_line), not blank,
 * at most max code points.  Errors: SJ_EINVAL naming field. */
sj_rc workplan_check_text(const char *s, const char *field, size_t max, bool single_line,
    sj_err *e);

/* Whether a and b are both NULL or the same bytes. */
bool workplan_text_same(const char *a, const char *b);

/* Bind the acting user of sc (its user id, or NULL for the command line)
 * to parameter i. */
void workplan_bind_user(store_stmt *st, int i, const scope *sc);

/* The work group named ref (a decimal id or the exact name) for the
 * command line.  Errors: SJ_ENOTFOUND ("group"). */
sj_rc workplan_group_lookup(store *s, const char *ref, int64_t *id, sj_err *e);

/* ---- demo --------------------------------------------------------------- */

/*
 * The demo part "work plan" (domain/demo.h), run last, after every other
 * part: SCENARIO.md "Organisation" — the 2020-03-05 morning all-hands
 * meeting of 市派岱岳区市政协机关工作二组 with its decisions (goals, tasks,
 * work mechanism, division of responsibilities, the work plan, founding the
 * branch), the temporary party branch founded that day with the leader as
 * secretary, the work plan submitted by the leader and approved the same
 * day by the organ (assumed: the demo user "admin", acting for the CPPCC
 * organ's party committee), the units' reporting in of 2020-03-05 (already
 * on the assignments), and tasks under the three task lines created from
 * the meeting's decisions, linked to the later records that exist when
 * the part runs: the 2020-03-18 distributions of supplies, the
 * inspections, the visits, and the 泰山石膏有限公司 service request.
 * Errors: those of the functions called; SJ_ENOTFOUND when the
 * organisation or users parts' records are missing.
 */
sj_rc workplan_demo_part(demo_ctx *ctx, sj_err *e);

#endif
