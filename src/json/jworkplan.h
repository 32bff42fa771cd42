/*
 * jworkplan — the JSON forms of the work group's own work: plans and their
 * versions, tasks with notes and links, meetings, the party branch,
 * reporting in, the group's record and the task lines; shared by the HTTP
 * API and the command line's --json output.
 *
 * Output: every function returns a new jansson reference the caller owns
 * (json_decref).  Instants are RFC 3339 with the deployment's offset,
 * local dates "YYYY-MM-DD", absent values JSON null.
 *
 * Input: the readers check a JSON object against its form — unknown
 * members are refused, every type is checked, strings must be valid UTF-8
 * (single-line unless the member is free text), dates "YYYY-MM-DD",
 * instants RFC 3339, ids integers ≥ 1 — and fill the domain's input
 * struct, strings and arrays copied into the arena.  Rules about values
 * (lengths, enums, membership) are the domain's.  Errors: SJ_EINVAL naming
 * the member, nested as "decisions[0].tasks[1].owner_id".
 */
#ifndef SJ_JWORKPLAN_H
#define SJ_JWORKPLAN_H

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/meeting.h"
#include "domain/task.h"
#include "domain/workplan.h"

json_t *jworkplan_task_lines(void);
/* A plan version; its frozen task list when with_tasks. */
json_t *jworkplan_version(const plan_version *v, bool with_tasks);
json_t *jworkplan_plan(const work_plan *p);
json_t *jworkplan_note(const task_note *n);
json_t *jworkplan_link(const task_link *l);
/* A task; notes and links are included when detail is true. */
json_t *jworkplan_task(const task *t, bool detail);
json_t *jworkplan_meeting(const meeting *m);
json_t *jworkplan_branch(const party_branch *b);
json_t *jworkplan_reporting(const reporting *r);
json_t *jworkplan_overview(const workplan_overview *o);

/* A plan: title, goals, mechanism, starts_on, ends_on.  With patch,
 * members absent keep *inout's values and mechanism / ends_on may be null
 * (cleared); without, *inout is reset first. */
sj_rc jworkplan_read_plan(const json_t *obj, arena *a, plan_input *inout, bool patch,
    sj_err *e);

/* A task: title, description, task_line, owner_id, due_on, unit_ids.
 * prefix ("" or e.g. "tasks[2].") goes in front of field names.  patch as
 * for plans (description and due_on may be null). */
sj_rc jworkplan_read_task(const json_t *obj, const char *prefix, arena *a, task_input *inout,
    bool patch, sj_err *e);

/* A progress note: body, noted_on, status. */
sj_rc jworkplan_read_note(const json_t *obj, arena *a, task_note_input *out, sj_err *e);

/* A link: record_type, record_id (both required). */
sj_rc jworkplan_read_link(const json_t *obj, arena *a, const char **record_type,
    int64_t *record_id, sj_err *e);

/* A meeting: kind, held_on, title, place, agenda, summary, unit_id,
 * department_id, attendees[{member_id} | {name, affiliation}],
 * decisions[{kind, body, tasks[task]}]. */
sj_rc jworkplan_read_meeting(const json_t *obj, arena *a, meeting_input *out, sj_err *e);

/* A decision: kind, body, tasks[task]. */
sj_rc jworkplan_read_decision(const json_t *obj, arena *a, decision_input *out, sj_err *e);

/* The tasks of a decision: {"tasks": [task, ...]}. */
sj_rc jworkplan_read_tasks(const json_t *obj, arena *a, task_input **tasks, size_t *n,
    sj_err *e);

/* The party branch: name, founded_on, secretary_id, member_ids. */
sj_rc jworkplan_read_branch(const json_t *obj, arena *a, branch_input *out, sj_err *e);

/* A change to an assignment's reporting in: reported_on, contact (each
 * may be null to clear; absent keeps *reported_on / *contact). */
sj_rc jworkplan_read_reporting(const json_t *obj, arena *a, sj_date *reported_on,
    const char **contact, sj_err *e);

/* A submission {note, at} or a decision {comment, at}: text_name names
 * the text member ("note" or "comment"); *at is 0 when absent. */
sj_rc jworkplan_read_step(const json_t *obj, arena *a, const char *text_name,
    const char **text, int64_t *at, sj_err *e);

#endif
