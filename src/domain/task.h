/*
 * task — the work group's tasks (责任分工; DESIGN.md §2 `workplan`; issue 11
 * "Tasks"): each task belongs to one work group, falls under one task line
 * (domain/task_line.h), has an owner among the group's members, the units
 * it concerns (units assigned to the group), an optional due date on the
 * working-day calendar, a status, progress notes, and links to the records
 * of other modules that serve it (a visit, an inspection, a distribution
 * of supplies, a service request, a need).
 *
 * Status:   open → in_progress | done | dropped
 *           in_progress → done | dropped
 *           done → in_progress (reopened)
 *           dropped → open (reopened)
 * Every change of status is made by a progress note (task_note_add) that
 * says why; dropping needs that reason, and it is kept as the task's
 * drop_reason.  A task done records the note's date as done_on.
 *
 * Due dates and overdue (issue 11: "a task due on a make-up working day is
 * not overdue that day").  A due date is a local date.  When it falls on a
 * day that is not a working day on the calendar (domain/calendar.h: a
 * weekend, a public holiday) the task is due on the next working day, as
 * a period whose last day is a holiday ends on the first day after it
 * (《民法典》 art. 203); that is the effective due date.  A task is overdue
 * on day D when it is open or in progress and D is after its effective due
 * date.  So a task due on a make-up working day (调休, a worked Saturday) is
 * due that very day: not overdue on it, overdue the day after, even a
 * Sunday; and a task due on the first day of a holiday is not overdue
 * until the first working day after the holiday has passed.
 *
 * A task's due date may not lie before the start of the group's work plan
 * (when the group has one; domain/workplan.h).
 *
 * Links.  A link names a record by type and id; it is checked when made:
 * the record must exist (looked up in the owning module's table: visit,
 * inspection, supply_doc of kind distribution, service_request, need) and
 * belong to a unit assigned to the task's work group (for a distribution,
 * the receiving unit, or a supply site of the group itself).  A task shows
 * its links with a one-line title fetched per type.
 *
 * Scope: a task is visible to global roles (admin, auditor, the command
 * line) and to the leader and members of its work group; to anyone else
 * it does not exist (SJ_ENOTFOUND).  Reading needs PERM_WORKPLAN_READ,
 * every change PERM_WORKPLAN_WRITE.  No audit events are written here:
 * the caller writes one per change in the same transaction.  Users who
 * acted are recorded by id from the scope (0: the command line, shown as
 * "cli").
 */
#ifndef SJ_TASK_H
#define SJ_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/calendar.h"
#include "domain/scope.h"
#include "store/store.h"

#define TASK_TITLE_MAX 200       /* code points, single line */
#define TASK_TEXT_MAX  4000      /* description, note body: code points */
#define TASK_UNITS_MAX 50        /* units of one task */
#define TASK_LIST_MAX  500       /* largest page */
#define TASK_DATE_NONE INT32_MIN /* an sj_date that was not given */

/* The statuses, in lifecycle order; NULL-terminated. */
extern const char *const task_statuses[];

/* The record types a task may link to; NULL-terminated:
 * "visit", "inspection", "distribution", "service_request", "need". */
extern const char *const task_record_types[];

typedef struct task_input {
	const char *title;         /* required, single line, 1..200 */
	const char *description;   /* optional (NULL), 1..4000 */
	const char *task_line;     /* required: a task line code (task_line.h) */
	int64_t owner_id;          /* required: a group_member of the task's group */
	sj_date due_on;            /* TASK_DATE_NONE: no due date */
	const int64_t *unit_ids;   /* 0..TASK_UNITS_MAX units assigned to the group */
	size_t n_unit_ids;
} task_input;

typedef struct task_unit_ref {
	int64_t unit_id;
	const char *name;
} task_unit_ref;

typedef struct task_note {
	int64_t id;
	int64_t task_id;
	sj_date noted_on;          /* local date of the progress */
	const char *body;
	const char *status_from;   /* NULL when the note changed no status */
	const char *status_to;
	int64_t created_at;        /* seconds since the epoch, UTC */
	const char *created_by;    /* username, or "cli" */
} task_note;

typedef struct task_link {
	const char *record_type;   /* one of task_record_types */
	int64_t record_id;
	sj_date on;                /* the record's date; TASK_DATE_NONE when it has none */
	int64_t unit_id;           /* the record's unit; 0 when none (a group's own site) */
	const char *unit_name;     /* "" when none */
	const char *title;         /* one line made per type, e.g. "走访 高铁社区：…",
	                            * "发放 工作二组物资库 → 高铁社区（3 项）";
	                            * "(record missing)" when the record is gone */
	int64_t created_at;
} task_link;

typedef struct task {
	int64_t id;
	int64_t group_id;
	const char *task_line;
	const char *title;
	const char *description;   /* NULL when none */
	int64_t owner_id;
	const char *owner_name;
	sj_date due_on;            /* TASK_DATE_NONE when none */
	const char *status;
	const char *drop_reason;   /* NULL unless dropped */
	sj_date done_on;           /* TASK_DATE_NONE unless done */
	int64_t decision_id;       /* the meeting decision it came from; 0 = none */
	int64_t meeting_id;        /* that decision's meeting; 0 = none */
	int64_t created_at;
	int64_t updated_at;
	const char *created_by;    /* username, or "cli" */
	/* computed for the day `today` given to the read (see the top): */
	sj_date due_effective;     /* TASK_DATE_NONE when no due date */
	bool overdue;
	task_unit_ref *units;      /* by unit name order of the store (pinyin) */
	size_t n_units;
	task_note *notes;          /* task_get only: oldest first */
	size_t n_notes;
	task_link *links;          /* task_get only: by type, then record id */
	size_t n_links;
} task;

typedef struct task_note_input {
	const char *body;          /* required, 1..4000 (the reason, when dropping) */
	sj_date noted_on;          /* TASK_DATE_NONE: today; never after today */
	const char *status;        /* NULL: no change; else the new status */
} task_note_input;

/* What task_list returns; zero / NULL fields do not narrow. */
typedef struct task_filter {
	int64_t group_id;
	const char *task_line;
	const char *status;
	int64_t owner_id;
	int64_t unit_id;
	bool overdue;              /* only tasks overdue on as_of */
	sj_date as_of;             /* the day overdue is computed for; TASK_DATE_NONE: today */
	int64_t after_id;          /* cursor: tasks with id > after_id (list is by id) */
	int limit;                 /* 1..TASK_LIST_MAX; 0 means 50 */
} task_filter;

typedef struct task_page {
	task *tasks;               /* with units; without notes and links */
	size_t n_tasks;
	bool has_more;
	int64_t next_id;           /* when has_more: after_id of the next page */
} task_page;

/* True when status is one of task_statuses. */
bool task_status_valid(const char *status);

/* True when the lifecycle (top of this file) allows from → to. */
bool task_transition_allowed(const char *from, const char *to);

/* The effective due date of due on calendar c: due when it is a working
 * day, else the next working day after it (searched at most 366 days
 * ahead; beyond that due itself).  TASK_DATE_NONE stays so. */
sj_date task_due_effective(const calendar *c, sj_date due);

/* True when a task of this status and due date is overdue on day today
 * (see the top). */
bool task_is_overdue(const calendar *c, const char *status, sj_date due, sj_date today);

/* The local date today in the deployment's zone. */
sj_date task_today(void);

/*
 * Add a task to work group group_id, from meeting decision decision_id
 * (0 = none; it must be a decision of a meeting of the same group).
 * Needs PERM_WORKPLAN_WRITE.  *id receives the task's id.  Errors, in the
 * order checked:
 *   SJ_EFORBIDDEN  the role may not change the work plan;
 *   SJ_ENOTFOUND   "group" (none in scope); "decision_id";
 *   SJ_EINVAL      "title", "description" (missing, blank, too long, control
 *                  characters); "task_line" (task_line_check); "owner_id"
 *                  ("is required"; "member 9 is not a member of work group
 *                  X"); "due_on" ("2020-03-01 is before the start of the
 *                  work plan, 2020-03-05"); "unit_ids" (over 50);
 *                  "unit_ids[i]" ("unit 4 is not assigned to work group X",
 *                  "unit 4 is listed twice");
 *   store errors.  Nothing is written on error.
 */
sj_rc task_add(store *s, const scope *sc, int64_t group_id, const task_input *in,
    int64_t decision_id, int64_t *id, sj_err *e);

/* Replace the changeable fields of task id — title, description,
 * task_line, owner_id, due_on, unit_ids — with in, checked as task_add.
 * Status changes go through task_note_add.  An input equal to the stored
 * task (the same units in any order) writes nothing, not even updated_at.
 * Errors: as task_add, and SJ_ENOTFOUND ("task").  Nothing is written on
 * error. */
sj_rc task_update(store *s, const scope *sc, int64_t id, const task_input *in, sj_err *e);

/* Task id with its units, notes and links into *out (arena), overdue
 * computed for local day today on the stored calendar.  Needs
 * PERM_WORKPLAN_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("task");
 * store errors. */
sj_rc task_get(store *s, const scope *sc, arena *a, int64_t id, sj_date today, task *out,
    sj_err *e);

/* One page of the tasks in scope narrowed by f, by id.  Needs
 * PERM_WORKPLAN_READ.  Errors: SJ_EFORBIDDEN; SJ_EINVAL ("limit",
 * "task_line", "status"); store errors. */
sj_rc task_list(store *s, const scope *sc, arena *a, const task_filter *f, task_page *out,
    sj_err *e);

/* Add a progress note to task id, changing its status when in->status is
 * given.  Needs PERM_WORKPLAN_WRITE.  *note_id (may be NULL) receives the
 * note's id.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("task"); SJ_EINVAL
 * ("body"; "noted_on" after today; "status" not a status); SJ_ECONFLICT
 * ("status") "a done task cannot become dropped; reopen it first" or "the
 * task is already done"; store errors. */
sj_rc task_note_add(store *s, const scope *sc, int64_t id, const task_note_input *in,
    int64_t *note_id, sj_err *e);

/* Link task id to record record_id of record_type.  Needs
 * PERM_WORKPLAN_WRITE.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("task");
 * SJ_EINVAL ("record_type": not a type, with the list); SJ_ENOTFOUND
 * ("record_id") "no distribution with id 9"; SJ_EINVAL ("record_id") "visit
 * 9 is of 丁公司, which is not assigned to work group X"; SJ_ECONFLICT
 * ("record_id") when already linked; store errors. */
sj_rc task_link_add(store *s, const scope *sc, int64_t id, const char *record_type,
    int64_t record_id, sj_err *e);

/* Remove the link.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("task", or
 * "record_id" when there is no such link). */
sj_rc task_link_remove(store *s, const scope *sc, int64_t id, const char *record_type,
    int64_t record_id, sj_err *e);

/* The ids of the tasks in scope that link record (record_type,
 * record_id), ascending, into an arena array.  For other modules that
 * show "serves task …".  Errors: SJ_EINVAL ("record_type"); store
 * errors. */
sj_rc task_links_of_record(store *s, const scope *sc, arena *a, const char *record_type,
    int64_t record_id, int64_t **task_ids, size_t *n, sj_err *e);

#endif
