/*
 * api — the route tables of the JSON API, one per module, each ending
 * with a row whose method is NULL.  The server flattens them in this
 * order at start-up (http_routes_init).
 *
 * Also the few helpers the API modules share for writes: every state
 * change runs in one transaction together with its audit event, so a
 * refused or failed request writes nothing, not even the audit row.
 */
#ifndef SJ_HTTP_API_H
#define SJ_HTTP_API_H

#include <jansson.h>

#include "core/datetime.h"
#include "http/http.h"
#include "http/jbody.h"

extern const http_route api_sys_routes[];    /* /healthz, /metrics, OpenAPI (api_sys.c) */
extern const http_route api_admin_routes[];  /* roles, departments, settings (api_admin.c) */
extern const http_route api_auth_routes[];   /* session, tokens, users, audit (api_auth.c) */
extern const http_route api_org_routes[];    /* regions, units, places, checkpoints,
                                              * households, work groups (api_org.c) */
extern const http_route api_people_routes[]; /* people, reveal (api_people.c) */
extern const http_route api_checkpoint_routes[]; /* scans, stays, alerts and their live
                                                  * feed, outsiders, disinfection
                                                  * (api_checkpoint.c) */
extern const http_route api_codes_routes[];  /* passes, place codes, self check-in,
                                              * photos of codes (api_codes.c) */
extern const http_route api_visit_routes[];  /* visits, needs, checklists, inspections,
                                              * findings (api_visit.c) */
extern const http_route api_supply_routes[]; /* supplies: items, sites, documents, stock,
                                              * ledger, requests, exports (api_supply.c) */
extern const http_route api_request_routes[]; /* services, requests, referrals,
                                               * calendar (api_request.c) */
extern const http_route api_open311_routes[]; /* Open311 GeoReport v2 (open311.c) */
extern const http_route api_trace_routes[];  /* exposure tracing (api_trace.c) */
extern const http_route api_workplan_routes[]; /* plans, tasks, meetings, party branch,
                                               * reporting in (api_workplan.c) */
extern const http_route api_resumption_routes[]; /* work resumption: reports, rate, trend
                                                 * (api_resumption.c) */
extern const http_route api_web_routes[];    /* the web UI: /, /web/... (web.c) */
extern const http_route api_import_routes[]; /* bulk import of scans (api_import.c) */
extern const http_route api_report_routes[]; /* the daily report and ledgers (api_report.c) */

/* ---- cursors of lists by date, then id (api_cursor.c) --------------------- */

/* The next_cursor of a list whose order is a local date then an id. */
const char *api_cursor_date(http_req *r, sj_date d, int64_t id);

/* The ?cursor= of such a list into *d and *id; both untouched when there
 * is none.  Errors: SJ_EINVAL ("cursor") for a cursor of another list or a
 * forged one. */
sj_rc api_cursor_date_decode(http_req *r, sj_date *d, int64_t *id, sj_err *e);

/* ---- exports (api_report.c) ---------------------------------------------- */

/* Writes an export file at path; returns its outcome. */
typedef sj_rc (*api_export_fn)(void *ctx, const char *path, sj_err *e);

/* Reply with a file made by write(ctx, path): written to a temporary file
 * (in $TMPDIR, else /tmp) which is unlinked as soon as it is open again,
 * then streamed as an attachment "<filename>.<ext>" with the MIME type of
 * format (a sheet_format, domain/sheet.h).  Errors: write's (nothing is
 * sent); SJ_EIO when no temporary file can be made or read. */
sj_rc api_reply_export(http_req *r, int format, const char *filename, api_export_fn write,
    void *ctx, sj_err *e);

/* ---- helpers for write handlers (api_org.c) ----------------------------- */

/* One state change, as a write handler describes it to api_write_end. */
typedef struct api_write {
	const char *action;       /* audit action, e.g. "unit.update" */
	const char *object_type;  /* audit object type, e.g. "unit" */
	int64_t id;               /* the record's id */
	json_t *before;           /* owned; the record before (NULL for a create) */
	json_t *after;            /* owned; the record after (NULL for a delete); also
	                           * the reply body */
	int status;               /* 201 (adds Location), 200 or 204 (no body) */
	const char *collection;   /* for 201: path of the collection, e.g. "/api/v1/units";
	                           * Location is collection + "/" + id */
	const char *location;     /* for 201: the Location instead, when the record has
	                           * no route of its own (a group member) */
} api_write;

/* Finish a write handler whose transaction (store_begin on the request's
 * store) is open.  When rc is SJ_OK: record the audit event of w
 * (http_audit), commit, and reply w->status with w->after.  Otherwise, or
 * when the audit or the commit fails: roll back and return the error (the
 * server turns it into a problem document).  Always takes ownership of
 * w->before and w->after. */
sj_rc api_write_end(http_req *r, sj_rc rc, api_write *w, sj_err *e);

/* A copy of fields (a jb_read table) in the request's arena with every
 * field optional: the table of a PATCH body made from that of the POST. */
const jb_field *api_patch_fields(http_req *r, const jb_field *fields);

/* After jb_read of a PATCH body into out: a member given as null clears
 * the field when its name is in nullable (a NULL-terminated list of
 * string, id or integer fields; strings become NULL, numbers 0), and is
 * refused for every other field (jb_read
 * leaves a null alone, which would silently keep the old value).
 * Errors: SJ_EINVAL naming the field, "must not be null". */
sj_rc api_patch_nulls(const json_t *body, const jb_field *fields, void *out,
    const char *const *nullable, sj_err *e);

/* True when the JSON body has a member called name (null included). */
bool api_body_has(const json_t *body, const char *name);

#endif
