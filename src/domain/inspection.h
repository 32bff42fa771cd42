/*
 * inspection — supervision of checkpoints, places and canteens against a
 * checklist (督导检查; DESIGN.md §2 `inspection`; issue 8; SCENARIO.md
 * "What the group checks at checkpoints").
 *
 * A checklist (template) is an ordered list of items, each with a code
 * and a label.  Two are shipped as data in schema 0007:
 *   checkpoint  registration 登记, code_scan 扫码, temperature 测温,
 *               disinfection 消毒, outsider_register 外来人员登记,
 *               special_groups 特殊人群名单;
 *   canteen     boxed_meals 单独领取盒饭, separate_dining 分开就餐,
 *               disinfection 消毒.
 * More can be added (checklist_add); a checklist never changes once made,
 * so past inspections keep their meaning.
 *
 * An inspection checks one target — a checkpoint, or a place (a canteen
 * is a place of kind "canteen") — on a local date, by one or more
 * work-group members, and gives every item of its checklist exactly one
 * result: pass, fail or na (not applicable), with an optional note.
 * Every failed item is a finding, with a description (the item's note,
 * required) and a rectify-by local date (required, not before the
 * inspection).  A finding is open until a passing re-check closes it:
 *  - an explicit re-check (finding_recheck) on a date not before the
 *    inspection: pass closes the finding on that date; fail keeps it open
 *    with a new rectify-by date;
 *  - a later inspection of the same target (same place and checkpoint)
 *    with the same checklist item, dated on or after the finding: each
 *    such item re-checks every open finding of that target and item — a
 *    pass closes them, a fail records a failed re-check and moves their
 *    rectify-by to the new item's date, and then no second finding is
 *    opened for the same problem (the item links to the finding it
 *    continued).  na re-checks nothing.
 * A re-check links back to its finding (and to the inspection that made
 * it).  A finding is overdue on day d when it is open and its rectify-by
 * date is before d.
 *
 * Scope: the target's unit, tested with SCOPE_UNIT in every statement
 * (leaders and members their group's units, a unit liaison their unit,
 * admin/auditor/system everything); out of scope is SJ_ENOTFOUND.
 * Permissions: PERM_INSPECTION_READ to read, PERM_INSPECTION_WRITE to add
 * inspections, re-checks and checklists (unit liaisons and auditors read
 * only).  No audit events are written here: the caller writes them in the
 * same transaction.  Records live in the caller's arena.
 */
#ifndef SJ_INSPECTION_H
#define SJ_INSPECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define INSPECTION_ITEMS_MAX      50    /* items of a checklist */
#define INSPECTION_NOTE_MAX       2000  /* code points, a result's note or finding */
#define INSPECTION_SUMMARY_MAX    4000  /* code points */
#define INSPECTION_INSPECTORS_MAX 20
#define INSPECTION_LIST_MAX       500
#define INSPECTION_DATE_NONE      INT32_MIN  /* an sj_date not given (= VISIT_DATE_NONE) */

/* The result values of an item; NULL-terminated. */
extern const char *const inspection_results[];

typedef struct checklist_item {
	int64_t id;
	int position;          /* 1, 2, ... */
	const char *code;      /* e.g. "temperature" */
	const char *label;     /* e.g. "测温" */
} checklist_item;

typedef struct checklist {
	int64_t id;
	const char *code;      /* "checkpoint", "canteen", ... */
	const char *name;
	const char *target;    /* "checkpoint", "place" or "canteen": what it is for */
	checklist_item *items; /* arena array in position order */
	size_t n_items;
} checklist;

typedef struct checklist_item_input {
	const char *code;      /* 1..40 of a-z 0-9 _ */
	const char *label;     /* 1..100 characters, single line */
} checklist_item_input;

typedef struct checklist_input {
	const char *code;      /* 1..40 of a-z 0-9 _, unique */
	const char *name;      /* 1..100 characters */
	const char *target;    /* checkpoint, place or canteen */
	const checklist_item_input *items;  /* 1..INSPECTION_ITEMS_MAX, in order */
	size_t n_items;
} checklist_input;

/* One item's result as given. */
typedef struct item_result_input {
	const char *item;      /* the checklist item's code */
	const char *result;    /* pass, fail or na */
	const char *note;      /* optional; required for fail (the finding's description) */
	sj_date rectify_by;    /* fail only, required; else INSPECTION_DATE_NONE */
} item_result_input;

typedef struct inspection_input {
	int64_t checkpoint_id;  /* exactly one of checkpoint_id and place_id */
	int64_t place_id;
	const char *checklist;  /* checklist code, e.g. "checkpoint" */
	sj_date inspected_on;   /* required; INSPECTION_DATE_NONE when not given */
	const char *summary;    /* optional */
	const int64_t *inspector_ids;  /* 1..INSPECTION_INSPECTORS_MAX group members */
	size_t n_inspector_ids;
	const item_result_input *items; /* one per checklist item */
	size_t n_items;
} inspection_input;

typedef struct item_result {
	int64_t item_id;
	const char *item;      /* code */
	const char *label;
	const char *result;    /* pass, fail, na */
	const char *note;      /* NULL when none */
	int64_t finding_id;    /* fail: the finding it opened or continued; else 0 */
} item_result;

typedef struct recheck {
	int64_t id;
	int64_t finding_id;
	int64_t inspection_id; /* the later inspection that made it; 0 = explicit */
	sj_date checked_on;
	const char *result;    /* pass or fail */
	const char *note;      /* NULL when none */
	sj_date rectify_by;    /* fail: the new date; pass: INSPECTION_DATE_NONE */
	int64_t created_at;
} recheck;

typedef struct inspector {
	int64_t member_id;
	const char *name;
} inspector;

typedef struct inspection {
	int64_t id;
	int64_t unit_id;
	const char *unit_name;
	int64_t place_id;
	const char *place_name;
	int64_t checkpoint_id;  /* 0: the place itself */
	const char *checkpoint_name;  /* NULL when no checkpoint */
	const char *checklist;  /* code */
	sj_date inspected_on;
	const char *summary;    /* NULL when none */
	inspector *inspectors;  /* by member id */
	size_t n_inspectors;
	item_result *items;     /* in checklist order */
	size_t n_items;
	recheck *rechecks;      /* the re-checks this inspection made, by id */
	size_t n_rechecks;
	int64_t created_at;
	int64_t updated_at;
} inspection;

typedef struct finding {
	int64_t id;
	int64_t inspection_id;
	int64_t unit_id;
	const char *unit_name;
	int64_t place_id;
	const char *place_name;
	int64_t checkpoint_id;  /* 0 when the place itself */
	const char *checkpoint_name;
	const char *item;       /* checklist item code */
	const char *label;
	const char *description;
	sj_date found_on;       /* the inspection's date */
	sj_date rectify_by;     /* the current deadline */
	const char *status;     /* "open" or "closed" */
	sj_date closed_on;      /* INSPECTION_DATE_NONE while open */
	int64_t closed_by;      /* the passing re-check; 0 while open */
	recheck *rechecks;      /* by id; filled by finding_get only */
	size_t n_rechecks;
	int64_t created_at;
} finding;

typedef struct recheck_input {
	sj_date checked_on;     /* required; INSPECTION_DATE_NONE when not given */
	const char *result;     /* pass or fail */
	const char *note;       /* optional */
	sj_date rectify_by;     /* fail: required, not before checked_on; pass: INSPECTION_DATE_NONE */
} recheck_input;

/* What inspection_list returns; zero fields do not narrow. */
typedef struct inspection_filter {
	int64_t unit_id;
	int64_t place_id;
	int64_t checkpoint_id;
	sj_date from, to;       /* INSPECTION_DATE_NONE = no bound */
	sj_date after_on;       /* cursor, as visit_filter: newest first */
	int64_t after_id;
	int limit;              /* 1..500; 0 means 50 */
} inspection_filter;

typedef struct inspection_page {
	inspection *inspections;
	size_t n_inspections;
	bool has_more;
	sj_date next_on;
	int64_t next_id;
} inspection_page;

/* What finding_list returns. */
typedef struct finding_filter {
	const char *status;     /* "open", "closed" or NULL for both */
	sj_date overdue_on;     /* INSPECTION_DATE_NONE, or only findings overdue on this day
	                         * (open, rectify_by < overdue_on) */
	int64_t unit_id;
	int64_t inspection_id;
	/* Cursor: most urgent first — rectify_by ascending, then id. */
	sj_date after_by;
	int64_t after_id;       /* 0 = from the start */
	int limit;              /* 1..500; 0 means 50 */
} finding_filter;

typedef struct finding_page {
	finding *findings;
	size_t n_findings;
	bool has_more;
	sj_date next_by;
	int64_t next_id;
} finding_page;

/* Every checklist with its items, by id.  Any role that may read
 * inspections may read checklists.  Errors: SJ_EFORBIDDEN; store errors. */
sj_rc checklist_list(store *s, const scope *sc, arena *a, checklist **out, size_t *n,
    sj_err *e);

/* The checklist named by ref — its decimal id or its code — with items.
 * Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND (field "checklist"). */
sj_rc checklist_get(store *s, const scope *sc, arena *a, const char *ref, checklist *out,
    sj_err *e);

/* Add a checklist with its items, in one transaction.  Needs
 * PERM_INSPECTION_WRITE and a global role (admin or the command line):
 * checklists are shared by every group.  Errors: SJ_EFORBIDDEN; SJ_EINVAL
 * ("code", "name", "target", "items" none or over 50, "items[i].code",
 * "items[i].label", and "items[i].code" / "items[i].label" "is a duplicate
 * of items[j]"); SJ_ECONFLICT ("code") when a checklist has that code;
 * store errors.  Nothing is written on error. */
sj_rc checklist_add(store *s, const scope *sc, const checklist_input *in, int64_t *id,
    sj_err *e);

/*
 * Record an inspection, its results, the findings of its failed items and
 * the re-checks it makes of earlier findings (see the top), in one
 * transaction.  Needs PERM_INSPECTION_WRITE.  *id receives its id.
 * Errors, in the order checked:
 *   SJ_EFORBIDDEN  the role may not record inspections;
 *   SJ_EINVAL      "checkpoint_id" (give exactly one of it and place_id);
 *                  "inspected_on" (missing, or after today); "summary"; "checklist"
 *                  (missing); "inspector_ids" (none, over 20, repeated);
 *   SJ_ENOTFOUND   "checkpoint_id"/"place_id" (none in scope);
 *                  "checklist" (no such checklist); "inspector_ids[i]";
 *   SJ_EINVAL      "inspector_ids[i]" (not in a group assigned to the unit);
 *                  "items[i].item" (missing; "'x' is not an item of
 *                  checklist 'checkpoint'"; "'temperature' is given twice");
 *                  "items[i].result" (not pass, fail or na);
 *                  "items[i].note" (over 2000; required for fail);
 *                  "items[i].rectify_by" (required for fail: "a failed item
 *                  needs a rectify-by date"; before inspected_on; given
 *                  for pass or na);
 *                  "items" ("item 'disinfection' has no result");
 *   store errors.  Nothing is written on error.
 */
sj_rc inspection_add(store *s, const scope *sc, const inspection_input *in, int64_t *id,
    sj_err *e);

/* Replace the summary and the inspectors of inspection id (the date,
 * target and results stay: findings and re-checks depend on them).
 * in->summary NULL clears it; in->inspector_ids as inspection_add.
 * Needs PERM_INSPECTION_WRITE.  Errors: SJ_ENOTFOUND ("inspection"); as
 * inspection_add for "summary" and "inspector_ids".  Nothing is written on
 * error. */
sj_rc inspection_update(store *s, const scope *sc, int64_t id, const inspection_input *in,
    sj_err *e);

/* The inspection with this id, with inspectors, results and re-checks.
 * Needs PERM_INSPECTION_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND
 * ("inspection"). */
sj_rc inspection_get(store *s, const scope *sc, arena *a, int64_t id, inspection *out,
    sj_err *e);

/* One page of inspections in scope, newest first (date, then id, both
 * descending), each complete as inspection_get.  Errors: SJ_EFORBIDDEN;
 * SJ_EINVAL ("limit", "to"); store errors. */
sj_rc inspection_list(store *s, const scope *sc, arena *a, const inspection_filter *f,
    inspection_page *out, sj_err *e);

/* The finding with this id, with its re-checks.  Needs
 * PERM_INSPECTION_READ.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("finding"). */
sj_rc finding_get(store *s, const scope *sc, arena *a, int64_t id, finding *out, sj_err *e);

/* One page of findings in scope, most urgent first (rectify_by, then id,
 * ascending); rechecks are not filled.  Errors: SJ_EFORBIDDEN; SJ_EINVAL
 * ("status" not open or closed; "overdue_on" with status closed; "limit");
 * store errors. */
sj_rc finding_list(store *s, const scope *sc, arena *a, const finding_filter *f,
    finding_page *out, sj_err *e);

/*
 * Re-check finding id explicitly, in one transaction: a pass closes it on
 * in->checked_on; a fail keeps it open with the new rectify-by date.
 * Needs PERM_INSPECTION_WRITE.  *id receives the re-check's id.  Errors:
 * SJ_EFORBIDDEN; SJ_ENOTFOUND ("finding"); SJ_EINVAL ("checked_on"
 * missing, after today or before the finding's date; "result" not pass or fail;
 * "note"; "rectify_by" missing for a fail, before checked_on, or given
 * for a pass); SJ_ECONFLICT ("finding") "finding 3 was closed on
 * 2020-03-25"; store errors.  Nothing is written on error.
 */
sj_rc finding_recheck(store *s, const scope *sc, int64_t finding_id, const recheck_input *in,
    int64_t *id, sj_err *e);

#endif
