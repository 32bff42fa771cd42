/*
 * jvisit — the JSON forms of visits, needs, checklists, inspections,
 * findings and re-checks, shared by the HTTP API and the command line (its
 * --json output, and its add commands, which build the same input object
 * from their flags and read it here), so both show and take one shape.
 *
 * Output: every function returns a new jansson reference the caller owns
 * (json_decref).  Instants are RFC 3339 with the deployment's offset;
 * local dates "YYYY-MM-DD"; absent values are JSON null.
 *
 * Input: the readers check a JSON object against its form — unknown
 * members are refused, every type is checked, strings must be valid UTF-8
 * (single-line unless the member is free text), dates "YYYY-MM-DD", ids
 * integers ≥ 1 — and fill the domain's input struct, with strings and
 * arrays copied into the arena.  Rules about values (lengths, enums,
 * required combinations) are the domain's.  Errors: SJ_EINVAL naming the
 * member, nested as "needs[1].category" or "items[0].rectify_by".
 */
#ifndef SJ_JVISIT_H
#define SJ_JVISIT_H

#include <jansson.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/inspection.h"
#include "domain/visit.h"

json_t *jvisit_visit(const visit *v);
json_t *jvisit_need(const need *n);
json_t *jvisit_checklist(const checklist *c);
json_t *jvisit_inspection(const inspection *n);
json_t *jvisit_recheck(const recheck *r);

/* A copy of the JSON of a visit or need (NULL gives NULL) without the
 * notes about a household — the summary and the needs' difficulty of a
 * household visit — for the audit log, which is never purged (visit.h
 * "Personal data").  The caller owns the copy. */
json_t *jvisit_redact(const json_t *j);

/* A finding; "overdue" is computed for the local day today (open and
 * rectify_by before today); its re-checks are included when filled. */
json_t *jvisit_finding(const finding *f, sj_date today);

/* The body of a new visit: unit_id | household_id, visited_on, purpose,
 * summary, visitor_ids, task_line, needs[{category, difficulty,
 * task_line}] (a task line is a string or null; checked by visit_add).  *out is reset
 * first (dates to VISIT_DATE_NONE). */
sj_rc jvisit_read_visit(const json_t *obj, arena *a, visit_input *out, sj_err *e);

/* A change to a visit: visited_on, purpose, summary and task_line (null
 * clears either), visitor_ids; members absent keep the values already in *inout (the
 * caller fills it from the stored visit first). */
sj_rc jvisit_read_visit_patch(const json_t *obj, arena *a, visit_input *inout, sj_err *e);

/* The body of a new need: category, difficulty, task_line. */
sj_rc jvisit_read_need(const json_t *obj, arena *a, need_input *out, sj_err *e);

/* The body of a new inspection: checkpoint_id | place_id, checklist,
 * inspected_on, summary, inspector_ids, items[{item, result, note,
 * rectify_by}]. */
sj_rc jvisit_read_inspection(const json_t *obj, arena *a, inspection_input *out, sj_err *e);

/* A change to an inspection: summary (null clears it), inspector_ids;
 * absent members keep *inout's values. */
sj_rc jvisit_read_inspection_patch(const json_t *obj, arena *a, inspection_input *inout,
    sj_err *e);

/* The body of a re-check: checked_on, result, note, rectify_by. */
sj_rc jvisit_read_recheck(const json_t *obj, arena *a, recheck_input *out, sj_err *e);

/* The body of a new checklist: code, name, target, items[{code, label}]. */
sj_rc jvisit_read_checklist(const json_t *obj, arena *a, checklist_input *out, sj_err *e);

#endif
