/*
 * request — service requests (诉求) taken up by the work group and pushed
 * through the responsible departments until they are resolved
 * (DESIGN.md §2 `request`, §4 "Service requests"; issue 8).  Standard
 * terms follow Open311 GeoReport v2 and FixMyStreet: service (category),
 * service request, referral, agency responsible, reply, update, status,
 * expected (due) date.
 *
 * Records:
 * - A service is a category of request with a stable code ("accommodation",
 *   "staffing", "supplies", "permits", "finance", "livelihood", "other" are
 *   shipped by schema 0006), a zh-CN name, a default department, a response
 *   time and a resolution time in working days, and optional attributes
 *   (Open311 service definition) that a request of the service fills in.
 * - A service request comes from a unit or a person (or a named reporter):
 *   who, what (description, 1–4,000 characters), where (address, place),
 *   when reported (an instant), priority, and a status.  It keeps the
 *   working days of its service as they were when it was made, and its
 *   due dates (local dates) computed on the working-day calendar
 *   (domain/calendar.h).
 * - A referral sends a request to one department: sent (instant), due
 *   (local date: the service's resolution time in working days, counted
 *   from the sending), replied (instant), reply text and outcome.  A
 *   request may be referred to several departments, each once.
 * - An update is one entry of a request's history: who, when (`at`, the
 *   time the change happened, and when it was recorded), what kind, the
 *   status before and after, and a comment.  Every change to a request —
 *   its creation, a status change, a comment, a referral, a reply, a due
 *   date moved by a calendar change — is an update.
 *
 * Status lifecycle (one table, request_transition_allowed):
 *   submitted → accepted | rejected | duplicate
 *   accepted → referred (by referring) | in_progress | resolved | rejected | duplicate
 *   referred → in_progress | replied (by a reply) | resolved | rejected | duplicate
 *   in_progress → referred | replied | resolved | rejected | duplicate
 *   replied → referred | in_progress | resolved
 *   resolved | rejected | duplicate → closed
 *   resolved | rejected | duplicate | closed → accepted (reopen: a comment is required)
 * Another referral or a reply leaves a request in referred / in_progress /
 * replied where it is (referred → referred is not a change).  "Open" in
 * Open311's sense is every status but resolved, rejected, duplicate and
 * closed.
 *
 * Time rule (DESIGN.md §4): the request remembers the `at` of the update
 * that set its status (status_at).  An update whose `at` is before
 * status_at is kept in the history with applied = false and changes no
 * state; an update at or after it is applied.  A referral or reply dated
 * before status_at is recorded on the referral but moves no status.  `at`
 * may not lie before the request was reported nor more than
 * REQUEST_CLOCK_SKEW_S in the future.
 *
 * Scope: admin, auditor and the command line see every request; leaders
 * and members the requests of their group's units; a unit liaison their
 * unit's; a department liaison exactly the requests referred to their
 * department (SCOPE_UNIT plus a referral test in SQL).  Out of scope is
 * SJ_ENOTFOUND.
 *
 * Auditing: these functions write no audit events; the caller records one
 * per change in the same transaction ("request.create", "request.update",
 * "request.refer", "request.reply", "service.create", "service.update",
 * object type "service_request" or "service").
 */
#ifndef SJ_REQUEST_H
#define SJ_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/demo.h"
#include "domain/scope.h"
#include "store/store.h"

#define REQUEST_DESCRIPTION_MAX 4000   /* code points (issue 8) */
#define REQUEST_COMMENT_MAX 4000       /* code points */
#define REQUEST_ADDRESS_MAX 200        /* code points */
#define REQUEST_NAME_MAX 100           /* reporter name, code points */
#define REQUEST_ORIGIN_MAX 64          /* bytes, e.g. "need:42" */
#define REQUEST_ATTRS_MAX 32           /* attribute values on one request */
#define REQUEST_ATTR_VALUE_MAX 1000    /* code points */
#define REQUEST_LIST_MAX 1000          /* largest page (Open311's default page) */
#define REQUEST_CLOCK_SKEW_S 300       /* an update may be dated this far ahead */
#define SERVICE_CODE_MAX 40            /* bytes of [a-z0-9_-] */
#define SERVICE_DAYS_MAX 365           /* working days */

/* ---- statuses ------------------------------------------------------------- */

typedef enum request_status {
	RS_NONE = 0,
	RS_SUBMITTED,
	RS_ACCEPTED,
	RS_REFERRED,
	RS_IN_PROGRESS,
	RS_REPLIED,
	RS_RESOLVED,
	RS_REJECTED,
	RS_DUPLICATE,
	RS_CLOSED,
	RS__COUNT
} request_status;

/* The status's stored name ("submitted", "in_progress", ...), or NULL. */
const char *request_status_name(request_status st);

/* The status named s, or RS_NONE. */
request_status request_status_parse(const char *s);

/* True for submitted, accepted, referred, in_progress and replied: the
 * statuses Open311 calls "open" and whose due dates still run. */
bool request_status_open(request_status st);

/* True when the lifecycle table allows from → to (see the top of this
 * file).  Reopening (a final status → accepted) also needs a comment. */
bool request_transition_allowed(request_status from, request_status to);

/* ---- services ------------------------------------------------------------- */

typedef struct service_value {
	const char *key;    /* stored value, e.g. "hotel" */
	const char *name;   /* shown, e.g. "宾馆" */
} service_value;

typedef struct service_attr {
	const char *code;          /* [a-z0-9_], 1–40 bytes, unique within the service */
	const char *datatype;      /* Open311: "string", "number", "datetime", "text",
	                            * "singlevaluelist", "multivaluelist" */
	bool required;
	const char *description;   /* the question shown, zh-CN */
	int order;                 /* position, 1-based */
	service_value *values;     /* list types only */
	size_t n_values;
} service_attr;

typedef struct service {
	int64_t id;
	const char *code;          /* stable, [a-z0-9_-], 1–40 bytes */
	const char *name;          /* zh-CN, e.g. "住宿和后勤保障" */
	const char *name_en;       /* "" when none */
	const char *description;   /* "" when none */
	const char *group_name;    /* Open311 "group", "" when none */
	const char *keywords;      /* comma-separated, "" when none */
	int64_t department_id;     /* default department; 0 = none */
	const char *department_name; /* filled on reads; "" when none */
	int response_days;         /* working days to accept (受理), 0..365 */
	int resolution_days;       /* working days to resolve (办结), 1..365 */
	bool active;               /* inactive services take no new requests */
	int position;              /* list order */
	service_attr *attrs;       /* filled by service_get only */
	size_t n_attrs;
} service;

/* Every service (inactive ones too when all is true) in position order,
 * without attributes, into an arena array.  Any role may read services.
 * Errors: store errors. */
sj_rc service_list(store *s, arena *a, bool all, service **out, size_t *n, sj_err *e);

/* The service with this code, with its attributes and their values.
 * Errors: SJ_ENOTFOUND (field "service_code") "no service with code 'x'". */
sj_rc service_get(store *s, arena *a, const char *code, service *out, sj_err *e);

/* Which fields service_update changes. */
enum service_field {
	SERVICE_NAME        = 1u << 0,
	SERVICE_NAME_EN     = 1u << 1,
	SERVICE_DESCRIPTION = 1u << 2,
	SERVICE_GROUP       = 1u << 3,
	SERVICE_KEYWORDS    = 1u << 4,
	SERVICE_DEPARTMENT  = 1u << 5,
	SERVICE_RESPONSE    = 1u << 6,
	SERVICE_RESOLUTION  = 1u << 7,
	SERVICE_ACTIVE      = 1u << 8,
	SERVICE_ATTRS       = 1u << 9,  /* the whole attribute list is replaced */
	SERVICE_ALL         = 0x3ffu,
};

/* Add a service (in->code, in->name required; others as service_update
 * checks them; position after the last).  Needs PERM_ORG_ADMIN.  *id gets
 * the new id.  Errors: SJ_EFORBIDDEN; SJ_EINVAL naming "code" (not 1–40
 * of a-z 0-9 _ -), "name", "name_en", "description", "group",
 * "keywords", "department_id" (no such department), "response_days"
 * (0..365), "resolution_days" (1..365), "attributes[i].code" etc.;
 * SJ_ECONFLICT ("code") when taken; store errors.  Nothing is written on
 * error.  Changing days affects requests made afterwards only: a request
 * keeps the days it was made with. */
sj_rc service_add(store *s, const scope *sc, const service *in, int64_t *id, sj_err *e);

/* Change the fields (SERVICE_*) of the service with this code to in's;
 * the code never changes.  Checks and errors as service_add, plus
 * SJ_ENOTFOUND ("service_code"). */
sj_rc service_update(store *s, const scope *sc, const char *code, const service *in,
    unsigned fields, sj_err *e);

/* ---- requests ------------------------------------------------------------- */

typedef struct request_attr {
	const char *code;   /* a service attribute's code */
	const char *value;  /* as text; multivaluelist: keys separated by ',' */
} request_attr;

/* What request_create takes.  Zero / NULL fields are absent. */
typedef struct request_input {
	const char *service_code;  /* required: e.g. "accommodation" */
	int64_t unit_id;           /* the reporting unit (must be in scope) */
	int64_t person_id;         /* the reporting person (must be in scope); when
	                            * unit_id is 0 the person's unit is taken */
	const char *reporter_name; /* a name, when the reporter is not on record */
	const char *description;   /* required: 1–4,000 characters, may span lines */
	const char *address;       /* where, free text */
	int64_t place_id;          /* where, a place in scope */
	bool has_location;
	int64_t lat_e6, lon_e6;    /* WGS 84 in millionths of a degree, with has_location */
	int64_t reported_at;       /* when reported, seconds since the epoch; 0 = now */
	bool reported_at_assumed;  /* the time is an assumption (the demo) */
	const char *priority;      /* "low", "normal" (NULL), "high", "urgent" */
	const char *source;        /* required: "api", "open311", "cli", "visit", "demo" */
	const char *origin;        /* NULL, or what it was made from, e.g. "need:42"
	                            * (1–64 bytes of [a-z_]+ ":" id) */
	const request_attr *attrs; /* values of the service's attributes */
	size_t n_attrs;
	const char *task_line;     /* a task line code (task_line.h); NULL: none */
} request_input;

/*
 * Create a service request in status "submitted" with its first update
 * (kind "create", author from sc: the user's name, or "cli" for the
 * command line), and compute its due dates: response_due and resolution_due are
 * the service's response and resolution times in working days counted by
 * calendar_due() from reported_at.  Needs PERM_REQUEST_RAISE (admin,
 * leader, member, unit liaison, command line).  A unit liaison raises
 * requests of their own unit only (unit_id 0 means theirs).  Runs in one
 * transaction (a savepoint inside the caller's).  *id gets the new id.
 *
 * Errors, nothing written on any:
 *   SJ_EFORBIDDEN  "your role may not raise requests"
 *   SJ_EINVAL      "service_code" (missing; "no service with code 'x'";
 *                  "service 'x' takes no new requests"), "description"
 *                  (missing, blank, invalid UTF-8, "is 4001 characters
 *                  long; at most 4000"), "unit_id" ("give the reporting
 *                  unit or person, or a reporter name"), "reporter_name",
 *                  "address", "priority", "source", "origin", "lat"/"long"
 *                  (outside −90..90 / −180..180), "reported_at" (more than
 *                  5 minutes in the future), "attribute[code]" ("is
 *                  required", "is not a number", "'x' is not one of ...",
 *                  "the service has no attribute 'x'"), "task_line" (not a
 *                  task line code: task_line_check)
 *   SJ_ENOTFOUND   "unit_id", "person_id", "place_id" not in scope
 *   store errors.
 */
sj_rc request_create(store *s, const scope *sc, const request_input *in, int64_t *id,
    sj_err *e);

typedef struct referral {
	int64_t id;
	int64_t request_id;
	int64_t department_id;
	const char *department_name;
	int64_t sent_at;          /* seconds since the epoch */
	int due_days;             /* working days allowed */
	sj_date due_on;           /* local date the reply is due */
	int64_t replied_at;       /* 0 = no reply yet */
	const char *reply;        /* NULL = no reply yet */
	const char *outcome;      /* NULL, or "solved", "answered", "partly", "declined" */
	bool overdue;             /* no reply, request open, today after due_on */
} referral;

typedef struct request_update {
	int64_t id;
	int64_t request_id;
	int64_t at;               /* when it happened, seconds since the epoch */
	int64_t recorded_at;      /* when it was entered */
	int64_t user_id;          /* 0 for the command line */
	const char *author;       /* username, or "cli" for the command line */
	int64_t department_id;    /* a department liaison's or a reply's department; 0 */
	const char *department_name; /* "" when none */
	const char *kind;         /* "create", "status", "comment", "refer", "reply", "due" */
	request_status from_status;
	request_status to_status; /* the status asked for; == from when none */
	bool applied;             /* false: older than the last state change, kept only */
	const char *comment;      /* "" when none */
	int64_t referral_id;      /* refer, reply: the referral; 0 */
} request_update;

typedef struct service_request {
	int64_t id;
	int64_t service_id;
	const char *service_code;
	const char *service_name;
	int64_t unit_id;          /* 0 = none */
	const char *unit_name;    /* "" when none */
	int64_t person_id;        /* 0 = none */
	const char *person_name;  /* "" when none */
	const char *reporter_name;/* "" when none */
	const char *description;
	const char *address;      /* "" when none */
	int64_t place_id;         /* 0 = none */
	bool has_location;
	int64_t lat_e6, lon_e6;
	int64_t reported_at;
	bool reported_at_assumed;
	int64_t created_at;
	int64_t updated_at;       /* the latest update's recorded_at */
	const char *priority;
	request_status status;
	int64_t status_at;        /* `at` of the update that set the status */
	const char *source;
	const char *origin;       /* "" when none */
	int64_t duplicate_of;     /* 0 = none */
	int response_days, resolution_days;
	sj_date receipt_day;      /* the working day the count starts after (calendar.h) */
	sj_date response_due;
	sj_date resolution_due;
	bool overdue;             /* open and today after resolution_due */
	const char *task_line;    /* a task line code (task_line.h); NULL: none */
	/* filled by request_get only */
	referral *referrals;
	size_t n_referrals;
	request_update *updates;  /* by (at, id) */
	size_t n_updates;
	request_attr *attrs;
	size_t n_attrs;
} service_request;

/* The request with this id in scope, with its referrals, updates and
 * attribute values.  Errors: SJ_ENOTFOUND (field "request"); store errors. */
sj_rc request_get(store *s, const scope *sc, arena *a, int64_t id, service_request *out,
    sj_err *e);

/* What request_list may be narrowed to; zero / NULL fields do not narrow. */
typedef struct request_filter {
	const int64_t *ids;        /* these ids only */
	size_t n_ids;
	const char *service_code;
	request_status status;     /* one status */
	int open;                  /* 1 open statuses only, -1 final ones only, 0 both */
	int64_t unit_id;
	int64_t department_id;     /* referred to this department */
	bool overdue;              /* overdue only */
	int64_t reported_from;     /* reported_at >= this; with has_from */
	bool has_from;
	int64_t reported_to;       /* reported_at <= this; with has_to */
	bool has_to;
	int64_t resolved_from;     /* resolved in [resolved_from, resolved_to): an applied */
	int64_t resolved_to;       /* change to resolved then (seconds); with has_resolved */
	bool has_resolved;
	int64_t after_id;          /* cursor: ids below this (newest first); 0 = start */
	int limit;                 /* 1..REQUEST_LIST_MAX; 0 means 50 */
	sj_date today;             /* for overdue; 0 = the current local date */
	const char *task_line;     /* only requests of this task line; NULL: any */
} request_filter;

typedef struct request_page {
	service_request *requests; /* newest (highest id) first, without history */
	size_t n_requests;
	bool has_more;
	int64_t next_after_id;
} request_page;

/* One page of requests in scope matching f.  Errors: SJ_EINVAL ("limit",
 * "status", "service_code", "task_line"); store errors. */
sj_rc request_list(store *s, const scope *sc, arena *a, const request_filter *f,
    request_page *out, sj_err *e);

/* A status change or a comment. */
typedef struct request_change {
	request_status to;         /* RS_NONE: a comment only */
	const char *comment;       /* required for a comment and for reopening */
	int64_t at;                /* when it happened; 0 = now */
	int64_t duplicate_of;      /* with to == RS_DUPLICATE: the original request */
} request_change;

/*
 * Record a change of request id: a status change (needs
 * PERM_REQUEST_MANAGE; a department liaison may set only in_progress and
 * resolved, with PERM_REQUEST_REPLY) or a comment (anyone who may raise,
 * refer, reply or manage, on a request in scope).  The update is kept
 * always; it is applied (the status changes) unless it is older than the
 * last state change (see the top).  *update_id (may be NULL) gets the
 * update's id, *applied (may be NULL) whether it changed the status.
 * Errors, nothing written on any: SJ_ENOTFOUND ("request"); SJ_EFORBIDDEN;
 * SJ_EINVAL ("comment" missing for a comment or reopen, too long; "at"
 * before the request was reported or in the future; "duplicate_of");
 * SJ_ECONFLICT ("status") "cannot go from closed to resolved" for a
 * transition the lifecycle does not allow, or to the current status.
 */
sj_rc request_change_status(store *s, const scope *sc, int64_t id, const request_change *c,
    int64_t *update_id, bool *applied, sj_err *e);

/* A referral to make. */
typedef struct referral_input {
	int64_t department_id;     /* required */
	int due_days;              /* 0 = the request's resolution days */
	int64_t at;                /* when it was sent; 0 = now */
	const char *comment;       /* NULL or a note */
} referral_input;

/* Refer request id to a department (PERM_REQUEST_REFER): a referral with
 * due_on = calendar_due(at, due_days), an update of kind "refer", and the
 * request moves to "referred" from accepted or in_progress or replied
 * (a submitted request is accepted by being referred: submitted →
 * referred is allowed through this call only).  *referral_id (may be NULL)
 * gets the id.  Errors, nothing written on any: SJ_ENOTFOUND ("request",
 * "department_id"); SJ_EFORBIDDEN; SJ_EINVAL ("due_days" 1..365, "at",
 * "comment"); SJ_ECONFLICT ("department_id") "already referred to X";
 * ("status") when the request is resolved, rejected, duplicate or
 * closed. */
sj_rc request_refer(store *s, const scope *sc, int64_t id, const referral_input *in,
    int64_t *referral_id, sj_err *e);

/* A department's reply. */
typedef struct reply_input {
	int64_t department_id;     /* the replying department; 0 = the caller's (a
	                            * department liaison); required otherwise */
	const char *text;          /* required, 1–4,000 characters */
	const char *outcome;       /* "solved", "answered" (NULL), "partly", "declined" */
	int64_t at;                /* when it was replied; 0 = now */
} reply_input;

/* Record the reply of a department to request id (PERM_REQUEST_REPLY; a
 * department liaison replies only for their own department): the
 * referral's reply date, text and outcome, an update of kind "reply", and
 * the request moves to "replied" from referred or in_progress.  Errors,
 * nothing written on any: SJ_ENOTFOUND ("request"; for a department
 * liaison also a request not referred to them); SJ_EFORBIDDEN; SJ_EINVAL
 * ("text", "outcome", "at", "department_id" missing); SJ_ECONFLICT
 * ("department_id") "request 5 was not referred to 粥店街道办事处", or
 * "粥店街道办事处 already replied on 2020-03-16". */
sj_rc request_reply(store *s, const scope *sc, int64_t id, const reply_input *in,
    int64_t *update_id, sj_err *e);

/* The department view: referrals in scope (a department liaison: their
 * own), narrowed to department_id (0 = all), pending only (no reply) when
 * pending, overdue only when overdue; oldest due first.  Each referral's
 * request summary (without history) is in requests[i].  Errors: store
 * errors. */
sj_rc referral_list(store *s, const scope *sc, arena *a, int64_t department_id, bool pending,
    bool overdue, referral **out, service_request **requests, size_t *n, sj_err *e);

/*
 * Recompute the receipt day and due dates of every open request and every
 * unreplied referral of an open request on the calendar as it now is (call
 * it in the transaction that changed the calendar).  Each changed request
 * gets an update of kind "due" saying what moved ("resolution due
 * 2024-10-07 → 2024-10-12"), by sc's author.  *n_changed (may be NULL)
 * counts the requests and referrals whose dates moved.  Errors: store
 * errors.
 */
sj_rc request_recompute_due(store *s, const scope *sc, int64_t *n_changed, sj_err *e);

/* ---- demo --------------------------------------------------------------- */

/* The demo part "requests" (domain/demo.h), run after "users": the 2020
 * calendar, accommodation's default department, and the Taishan Gypsum
 * request of SCENARIO.md "The enterprise problem" with its referrals,
 * the reply of 2020-03-16, its resolution and closing. */
sj_rc request_demo_part(demo_ctx *ctx, sj_err *e);

/* The demo's 2020 calendar in the text format of calendar_parse: the
 * content of data/calendar/cn-2020.txt. */
extern const char request_demo_calendar_2020[];

#endif
