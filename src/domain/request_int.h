/*
 * request_int — what request.c and request_flow.c share, and nothing else
 * includes: the SQL fragments both use, small column and binding helpers,
 * the reading of a request row, and the writing of a history row.
 */
#ifndef SJ_REQUEST_INT_H
#define SJ_REQUEST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/request.h"

#define OPEN_STATUSES "('submitted', 'accepted', 'referred', 'in_progress', 'replied')"

#define REQUEST_COLS \
	"r.id, r.service_id, s.code, s.name, r.unit_id, coalesce(u.name, ''), r.person_id," \
	" coalesce(p.name, ''), r.reporter_name, r.description, r.address, r.place_id, r.lat_e6," \
	" r.lon_e6, r.reported_at, r.reported_at_assumed, r.created_at, r.updated_at, r.priority," \
	" r.status, r.status_at, r.source, r.origin, r.duplicate_of, r.response_days," \
	" r.resolution_days, r.receipt_day, r.response_due, r.resolution_due, r.task_line" \
	" FROM service_request r JOIN service s ON s.id = r.service_id" \
	" LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN person p ON p.id = r.person_id"

/* The scope test of a request r: SCOPE_UNIT on its unit, or (?4) referred
 * to the caller's department. */
#define REQUEST_SCOPE \
	"(" SCOPE_UNIT("r.unit_id") \
	" OR r.id IN (SELECT sf.request_id FROM referral sf WHERE sf.department_id = ?4))"

/* Not expired (domain/retention.h, RETENTION_REQUEST): a request r still
 * open, or finished at or after the cut-off bound to parameter p (bind it
 * with rq_bind_live).  Every read of a request ANDs it, so an expired
 * request is gone from lists, gets, Open311 and changes at once. */
#define REQUEST_LIVE(p) "(r.status IN " OPEN_STATUSES " OR r.status_at >= " p ")"

#define REFERRAL_COLS \
	"f.id, f.request_id, f.department_id, d.name, f.sent_at, f.due_days, f.due_on," \
	" f.replied_at, f.reply, f.outcome"

/* The row of the lifecycle table for from → to, or -1; whether that row
 * needs a comment (reopening does). */
int rq_transition_find(request_status from, request_status to);
bool rq_transition_needs_comment(int row);

/* Column i as an arena string; NULL reads as "". */
const char *rq_col_str(store_stmt *st, arena *a, int i);

/* Bind v, or NULL when v <= 0. */
void rq_bind_opt(store_stmt *st, int i, int64_t v);

/* Bind ?1..?3 for SCOPE_UNIT and ?4 for REQUEST_SCOPE (the caller's
 * department, or -1). */
void rq_bind_scope(store_stmt *st, const scope *sc);

/* Bind parameter i of REQUEST_LIVE: the request retention cut-off now
 * (retention_cutoff(RETENTION_REQUEST, dt_now())). */
void rq_bind_live(store_stmt *st, int i);

/* Today's local date in the deployment's zone. */
sj_date rq_today(void);

/* The first column of sql (one ?1 = id) as an arena string, *out NULL
 * when there is no row.  Errors: store errors. */
sj_rc rq_query_name(store *s, const char *sql, int64_t id, arena *a, const char **out,
    sj_err *e);

/* v: valid UTF-8 without control characters (line breaks allowed when
 * lines), at most max code points; required: present and not blank.
 * Errors: SJ_EINVAL naming field. */
sj_rc rq_check_text(const char *v, const char *field, size_t max, bool lines, bool required,
    sj_err *e);

/* Read the REQUEST_COLS of the current row, starting at column c, into
 * *r (strings in a); overdue is judged against now_day. */
void rq_request_read(store_stmt *st, int c, arena *a, service_request *r, sj_date now_day);

/* Read the REFERRAL_COLS of the current row (from column 0). */
void rq_referral_read(store_stmt *st, arena *a, referral *f, bool request_open,
    sj_date now_day);

/* One row of a request's history, as rq_update_write takes it. */
typedef struct rq_update {
	int64_t request_id;
	int64_t at;               /* when it happened */
	const char *kind;         /* "create", "status", "comment", "refer", "reply", "due" */
	request_status from, to;
	bool applied;             /* false: older than the last state change */
	const char *comment;
	int64_t department_id;    /* 0: a department liaison's own, else none */
	int64_t referral_id;
} rq_update;

/* Append u to the history (author from sc) and set the request's
 * updated_at to now; *id (may be NULL) gets the row's id.  Runs in the
 * caller's transaction.  Errors: store errors. */
sj_rc rq_update_write(store *s, const scope *sc, const rq_update *u, int64_t *id, sj_err *e);

#endif
