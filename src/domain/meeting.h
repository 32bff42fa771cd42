/*
 * meeting — the work group's meetings and its temporary party branch
 * (DESIGN.md §2 `workplan`; issue 11 "Meetings"; SCENARIO.md
 * "Organisation": the 2020-03-05 all-hands meeting, the temporary party
 * branch with the leader as secretary, regular branch meetings).
 *
 * A meeting is of one kind — all_hands (全体会议), branch (支部会议, needs
 * the group's party branch) or coordination (协调会, with one of the
 * group's units and/or a department) — on a local date, with a title, an
 * optional place, agenda and summary, attendees (members of the group, or
 * guests named with their affiliation) and decisions in order.  A
 * decision has a kind (goal, task, mechanism, division of
 * responsibilities, plan, other) and a text, and can create tasks in the
 * same step (domain/task.h; each task then names the decision).
 *
 * The party branch (临时党支部) is part of the group's record: a name, the
 * date it was founded, its secretary (a member of the group) and its
 * members (members of the group; the secretary is always one).
 *
 * Scope and permissions as domain/task.h: the group's leader and members
 * and the global roles see a meeting or branch; others get SJ_ENOTFOUND.
 * Reading needs PERM_WORKPLAN_READ, changes PERM_WORKPLAN_WRITE.  No audit
 * events are written here.
 */
#ifndef SJ_MEETING_H
#define SJ_MEETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "domain/task.h"
#include "store/store.h"

#define MEETING_TITLE_MAX     200   /* code points */
#define MEETING_TEXT_MAX      4000  /* agenda, summary */
#define MEETING_ATTENDEES_MAX 100
#define MEETING_DECISIONS_MAX 50
#define DECISION_TEXT_MAX     2000
#define DECISION_TASKS_MAX    50
#define MEETING_LIST_MAX      500
#define BRANCH_MEMBERS_MAX    100

/* Meeting kinds and decision kinds; NULL-terminated. */
extern const char *const meeting_kinds[];   /* all_hands, branch, coordination */
extern const char *const decision_kinds[];  /* goal, task, mechanism, division, plan, other */

typedef struct attendee_input {
	int64_t member_id;          /* a member of the group, or 0 for a guest */
	const char *name;           /* guest: required, 1..100 */
	const char *affiliation;    /* guest: optional, 1..100 */
} attendee_input;

typedef struct decision_input {
	const char *kind;           /* required: one of decision_kinds */
	const char *body;           /* required, 1..2000 */
	const task_input *tasks;    /* 0..DECISION_TASKS_MAX tasks to create */
	size_t n_tasks;
} decision_input;

typedef struct meeting_input {
	const char *kind;           /* required: one of meeting_kinds */
	sj_date held_on;            /* required (TASK_DATE_NONE = missing); not after today */
	const char *title;          /* required, single line */
	const char *place;          /* optional, single line */
	const char *agenda;         /* optional */
	const char *summary;        /* optional */
	int64_t unit_id;            /* coordination: a unit assigned to the group, or 0 */
	int64_t department_id;      /* coordination: a department, or 0 */
	const attendee_input *attendees;
	size_t n_attendees;
	const decision_input *decisions;
	size_t n_decisions;
} meeting_input;

typedef struct meeting_attendee {
	int64_t id;
	int64_t member_id;          /* 0 for a guest */
	const char *name;           /* the member's or guest's name */
	const char *affiliation;    /* guest's; NULL for a member or when not given */
} meeting_attendee;

typedef struct meeting_decision {
	int64_t id;
	int64_t meeting_id;
	int position;               /* 1, 2, ... in the order given */
	const char *kind;
	const char *body;
	int64_t *task_ids;          /* the tasks made from it, by id */
	size_t n_task_ids;
} meeting_decision;

typedef struct meeting {
	int64_t id;
	int64_t group_id;
	const char *kind;
	sj_date held_on;
	const char *title;
	const char *place;          /* NULL when none, likewise agenda and summary */
	const char *agenda;
	const char *summary;
	int64_t unit_id;            /* 0 when none */
	const char *unit_name;      /* NULL when none */
	int64_t department_id;
	const char *department_name;
	int64_t created_at;
	meeting_attendee *attendees;
	size_t n_attendees;
	meeting_decision *decisions;
	size_t n_decisions;
} meeting;

/*
 * Record a meeting of group group_id with its attendees and decisions,
 * and the tasks each decision creates, in one transaction.  Needs
 * PERM_WORKPLAN_WRITE.  *id receives the meeting's id.  Errors, in order:
 *   SJ_EFORBIDDEN;
 *   SJ_ENOTFOUND   "group";
 *   SJ_EINVAL      "kind" (with the list), "held_on" (missing, after
 *                  today), "title", "place", "agenda", "summary";
 *                  "unit_id" / "department_id" (given for a kind other than
 *                  coordination; neither given for coordination; a unit
 *                  not assigned to the group); "attendees" (over 100),
 *                  "attendees[i].member_id" (not a member of the group;
 *                  listed twice), "attendees[i].name" (a guest without a
 *                  name; a name given with a member id);
 *                  "decisions" (over 50), "decisions[i].kind",
 *                  "decisions[i].body", "decisions[i].tasks" (over 50),
 *                  "decisions[i].tasks[j].<field>" as task_add;
 *   SJ_ENOTFOUND   "department_id";
 *   SJ_ECONFLICT   "kind": "work group X has no party branch; record it
 *                  first" for a branch meeting;
 *   store errors.  Nothing is written on error.
 */
sj_rc meeting_add(store *s, const scope *sc, int64_t group_id, const meeting_input *in,
    int64_t *id, sj_err *e);

/* Meeting id with attendees and decisions (each with its task ids).
 * Needs PERM_WORKPLAN_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND
 * ("meeting"). */
sj_rc meeting_get(store *s, const scope *sc, arena *a, int64_t id, meeting *out, sj_err *e);

/* The meetings of group group_id, newest first (held_on, then id,
 * descending), with attendees and decisions; kind NULL for all.  At most
 * MEETING_LIST_MAX.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("group");
 * SJ_EINVAL ("kind"). */
sj_rc meeting_list(store *s, const scope *sc, arena *a, int64_t group_id, const char *kind,
    meeting **out, size_t *n, sj_err *e);

/* Add one decision (and its tasks) to meeting meeting_id, after the
 * existing ones.  *decision_id receives its id.  Errors: as meeting_add's
 * for decisions (fields "kind", "body", "tasks", "tasks[j].<field>"),
 * SJ_ENOTFOUND ("meeting"). */
sj_rc meeting_decision_add(store *s, const scope *sc, int64_t meeting_id,
    const decision_input *in, int64_t *decision_id, sj_err *e);

/* Create tasks from decision decision_id in one step; task_ids (room for
 * n) receives their ids.  Errors: SJ_ENOTFOUND ("decision");
 * "tasks[j].<field>" as task_add; SJ_EINVAL ("tasks") for none or over
 * DECISION_TASKS_MAX. */
sj_rc decision_tasks_add(store *s, const scope *sc, int64_t decision_id,
    const task_input *tasks, size_t n, int64_t *task_ids, sj_err *e);

/* ---- the party branch ----------------------------------------------------- */

typedef struct branch_member {
	int64_t member_id;
	const char *name;
	const char *title;          /* the member's title in the group, "" when none */
} branch_member;

typedef struct party_branch {
	int64_t id;
	int64_t group_id;
	const char *name;           /* e.g. "市政协机关工作二组临时党支部" */
	sj_date founded_on;
	int64_t secretary_id;
	const char *secretary_name;
	branch_member *members;     /* secretary first, then by member id */
	size_t n_members;
	int64_t created_at;
	int64_t updated_at;
} party_branch;

typedef struct branch_input {
	const char *name;           /* required, single line, 1..200 */
	sj_date founded_on;         /* required; not after today */
	int64_t secretary_id;       /* required: a member of the group */
	const int64_t *member_ids;  /* further members of the group (the secretary may be
	                             * listed or not) */
	size_t n_member_ids;
} branch_input;

/* Found the party branch of group group_id, or replace its record (name,
 * date, secretary, members) when it exists.  Needs PERM_WORKPLAN_WRITE.
 * *created (may be NULL) says which.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND
 * ("group"); SJ_EINVAL ("name", "founded_on", "secretary_id" "member 9 is
 * not a member of work group X", "member_ids" over 100, "member_ids[i]"
 * not a member, listed twice); store errors. */
sj_rc branch_set(store *s, const scope *sc, int64_t group_id, const branch_input *in,
    bool *created, sj_err *e);

/* The party branch of group group_id.  Needs PERM_WORKPLAN_READ.  Errors:
 * SJ_EFORBIDDEN; SJ_ENOTFOUND ("group"; "branch" "work group X has no
 * party branch"). */
sj_rc branch_get(store *s, const scope *sc, arena *a, int64_t group_id, party_branch *out,
    sj_err *e);

#endif
