/*
 * request_flow — what happens to a service request after it is made:
 * status changes and comments, referrals to departments and their
 * replies, the department view, and recomputing due dates when the
 * calendar changes (see request.h; the invariants are listed in
 * request.c).
 */
#include "domain/request.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/calendar.h"
#include "domain/org.h"
#include "domain/request_int.h"
#include "domain/retention.h"

enum {
	Q_STATE, Q_SET_STATUS, Q_REFERRAL_INSERT, Q_REFERRAL_FIND, Q_REFERRAL_REPLY,
	Q_REFERRAL_LIST, Q_OPEN_REQUESTS, Q_SET_DUE, Q_OPEN_REFERRALS, Q_SET_REFERRAL_DUE,
	Q_DEPARTMENT_NAME,
};

static const char *const flow_sql[] = {
	[Q_STATE] =
	"SELECT r.status, r.status_at, r.reported_at, r.resolution_days, r.unit_id"
	" FROM service_request r WHERE r.id = ?5 AND " REQUEST_SCOPE " AND " REQUEST_LIVE("?6"),
	[Q_SET_STATUS] =
	"UPDATE service_request SET status = ?2, status_at = ?3,"
	" duplicate_of = coalesce(?4, duplicate_of), updated_at = ?5 WHERE id = ?1",
	[Q_REFERRAL_INSERT] =
	"INSERT INTO referral (request_id, department_id, sent_at, due_days, due_on)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_REFERRAL_FIND] =
	"SELECT id, sent_at, replied_at FROM referral WHERE request_id = ?1 AND department_id = ?2",
	[Q_REFERRAL_REPLY] =
	"UPDATE referral SET replied_at = ?2, reply = ?3, outcome = ?4 WHERE id = ?1",
	/* ?4 caller's department or -1; ?5 department, ?6 pending only,
	 * ?7 overdue only with ?8 today, ?9 the retention cut-off */
	[Q_REFERRAL_LIST] =
	"SELECT " REFERRAL_COLS ", " REQUEST_COLS
	" JOIN referral f ON f.request_id = r.id JOIN department d ON d.id = f.department_id"
	" WHERE " REQUEST_SCOPE " AND (?4 < 0 OR f.department_id = ?4)"
	" AND (?5 = 0 OR f.department_id = ?5)"
	" AND (?6 = 0 OR f.replied_at IS NULL)"
	" AND (?7 = 0 OR (f.replied_at IS NULL AND r.status IN " OPEN_STATUSES
	" AND f.due_on < ?8)) AND " REQUEST_LIVE("?9")
	" ORDER BY f.due_on, f.id LIMIT 1000",
	[Q_OPEN_REQUESTS] =
	"SELECT id, reported_at, response_days, resolution_days, receipt_day, response_due,"
	" resolution_due FROM service_request WHERE status IN " OPEN_STATUSES " ORDER BY id",
	[Q_SET_DUE] =
	"UPDATE service_request SET receipt_day = ?2, response_due = ?3, resolution_due = ?4"
	" WHERE id = ?1",
	[Q_OPEN_REFERRALS] =
	"SELECT f.id, f.request_id, f.sent_at, f.due_days, f.due_on, d.name FROM referral f"
	" JOIN service_request r ON r.id = f.request_id JOIN department d ON d.id = f.department_id"
	" WHERE f.replied_at IS NULL AND r.status IN " OPEN_STATUSES " ORDER BY f.id",
	[Q_SET_REFERRAL_DUE] = "UPDATE referral SET due_on = ?2 WHERE id = ?1",
	[Q_DEPARTMENT_NAME] = "SELECT name FROM department WHERE id = ?1",
};

/* ---- the state a change starts from ------------------------------------- */

typedef struct request_state {
	request_status status;
	int64_t status_at;
	int64_t reported_at;
	int resolution_days;
	int64_t unit_id;
} request_state;

/* The state of request id in scope, for a change at instant at (0 = now).
 * Errors: SJ_ENOTFOUND "request" (none in scope, or expired); store's. */
static sj_rc
state_read(store *s, const scope *sc, int64_t id, int64_t at, request_state *out, sj_err *e)
{
	int64_t cut = retention_cutoff(RETENTION_REQUEST, dt_now());
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, flow_sql[Q_STATE], &st, e)) != SJ_OK)
		return rc;
	rq_bind_scope(st, sc);
	store_bind_int(st, 5, id);
	/* An expired request does not exist for a change made now; a change
	 * dated before the cut-off (the demo's history) sees it
	 * (retention_write_sees). */
	store_bind_int(st, 6, at != 0 && at < cut ? INT64_MIN : cut);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "request", "no service request with id %lld",
		    (long long)id);
	out->status = request_status_parse(store_col_text(st, 0));
	out->status_at = store_col_int(st, 1);
	out->reported_at = store_col_int(st, 2);
	out->resolution_days = (int)store_col_int(st, 3);
	out->unit_id = store_col_int(st, 4);
	store_reset(st);
	return SJ_OK;
}

/* The `at` of a change: given or now; not before the request was reported
 * (nor before `floor`), not more than the clock skew ahead. */
static sj_rc
check_at(int64_t given, int64_t floor, const char *what, int64_t *at, sj_err *e)
{
	int64_t now = dt_now();
	char when[DT_RFC3339_LEN];

	*at = given ? given : now;
	if (*at > now + REQUEST_CLOCK_SKEW_S)
		return sj_fail(e, SJ_EINVAL, "at", "is in the future");
	if (*at < floor) {
		dt_format_rfc3339(floor, when);
		return sj_fail(e, SJ_EINVAL, "at", "is before %s (%s)", what, when);
	}
	return SJ_OK;
}

/* ---- writing a change ---------------------------------------------------- */

static sj_rc
status_write(store *s, int64_t id, request_status to, int64_t at, int64_t duplicate_of,
    sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, flow_sql[Q_SET_STATUS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, request_status_name(to));
	store_bind_int(st, 3, at);
	rq_bind_opt(st, 4, duplicate_of);
	store_bind_int(st, 5, dt_now());
	return store_run(st, e);
}

/* Write the update u and, when it is applied and asks for a new status,
 * the status: in one savepoint. */
static sj_rc
change_write(store *s, const scope *sc, const rq_update *u, int64_t duplicate_of,
    int64_t *update_id, sj_err *e)
{
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	rc = rq_update_write(s, sc, u, update_id, e);
	if (rc == SJ_OK && u->applied && u->to != u->from)
		rc = status_write(s, u->request_id, u->to, u->at, duplicate_of, e);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- status changes and comments ----------------------------------------- */

static bool
may_comment(const scope *sc)
{
	return auth_role_may(sc->role, PERM_REQUEST_RAISE) ||
	    auth_role_may(sc->role, PERM_REQUEST_REFER) ||
	    auth_role_may(sc->role, PERM_REQUEST_REPLY) ||
	    auth_role_may(sc->role, PERM_REQUEST_MANAGE);
}

/* May sc set status to?  A department liaison works on and resolves
 * what is referred to them; changing the lifecycle otherwise is the work
 * group's. */
static bool
may_set(const scope *sc, request_status to)
{
	if (auth_role_may(sc->role, PERM_REQUEST_MANAGE))
		return true;
	return auth_role_may(sc->role, PERM_REQUEST_REPLY) &&
	    (to == RS_IN_PROGRESS || to == RS_RESOLVED);
}

static sj_rc
change_check(store *s, const scope *sc, int64_t id, const request_change *c, sj_err *e)
{
	service_request dup;
	arena a;
	sj_rc rc;

	if (c->to == RS_NONE)
		return may_comment(sc) ? rq_check_text(c->comment, "comment", REQUEST_COMMENT_MAX, true,
		    true, e) : sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not comment on "
		    "requests");
	if (request_status_name(c->to) == NULL)
		return sj_fail(e, SJ_EINVAL, "status", "unknown status");
	if (!may_set(sc, c->to))
		return sj_fail(e, SJ_EFORBIDDEN, "status", "your role may not set a request %s",
		    request_status_name(c->to));
	if (c->to == RS_SUBMITTED || c->to == RS_REFERRED || c->to == RS_REPLIED)
		return sj_fail(e, SJ_EINVAL, "status", "'%s' is %s", request_status_name(c->to),
		    c->to == RS_SUBMITTED ? "only where a request starts" : c->to == RS_REFERRED ?
		    "set by referring the request to a department" : "set by a department's reply");
	if ((rc = rq_check_text(c->comment, "comment", REQUEST_COMMENT_MAX, true, false, e)) != SJ_OK)
		return rc;
	if ((c->to == RS_DUPLICATE) != (c->duplicate_of != 0))
		return sj_fail(e, SJ_EINVAL, "duplicate_of", c->duplicate_of ? "only with status "
		    "duplicate" : "name the request this one duplicates");
	if (c->duplicate_of == id)
		return sj_fail(e, SJ_EINVAL, "duplicate_of", "a request cannot duplicate itself");
	if (c->duplicate_of == 0)
		return SJ_OK;
	arena_init(&a);
	rc = request_get(s, sc, &a, c->duplicate_of, &dup, e);
	arena_free(&a);
	return rc == SJ_ENOTFOUND ? sj_fail(e, SJ_EINVAL, "duplicate_of", "no service request "
	    "with id %lld", (long long)c->duplicate_of) : rc;
}

sj_rc
request_change_status(store *s, const scope *sc, int64_t id, const request_change *c,
    int64_t *update_id, bool *applied, sj_err *e)
{
	rq_update u = { .request_id = id, .comment = c->comment };
	request_state cur;
	int t;
	sj_rc rc;

	if (applied)
		*applied = false;
	if ((rc = state_read(s, sc, id, c->at, &cur, e)) != SJ_OK ||
	    (rc = change_check(s, sc, id, c, e)) != SJ_OK ||
	    (rc = check_at(c->at, cur.reported_at, "the request was reported", &u.at, e)) != SJ_OK)
		return rc;
	u.from = cur.status;
	u.to = c->to == RS_NONE ? cur.status : c->to;
	u.kind = c->to == RS_NONE ? "comment" : "status";
	/* DESIGN.md §4: an update older than the last state change is kept as
	 * history but does not change the state. */
	u.applied = u.at >= cur.status_at;
	if (c->to != RS_NONE && u.applied) {
		if (c->to == cur.status)
			return sj_fail(e, SJ_ECONFLICT, "status", "the request is %s already",
			    request_status_name(cur.status));
		if ((t = rq_transition_find(cur.status, c->to)) < 0)
			return sj_fail(e, SJ_ECONFLICT, "status", "cannot go from %s to %s",
			    request_status_name(cur.status), request_status_name(c->to));
		if (rq_transition_needs_comment(t) && (c->comment == NULL || text_is_blank(c->comment)))
			return sj_fail(e, SJ_EINVAL, "comment", "reopening a request needs a comment");
	}
	if ((rc = change_write(s, sc, &u, c->duplicate_of, update_id, e)) != SJ_OK)
		return rc;
	if (applied)
		*applied = u.applied;
	return SJ_OK;
}

/* ---- referrals and replies ----------------------------------------------- */

static sj_rc
department_name(store *s, arena *a, int64_t id, const char **name, sj_err *e)
{
	sj_rc rc;

	if (id <= 0)
		return sj_fail(e, SJ_EINVAL, "department_id", "is required");
	if ((rc = rq_query_name(s, flow_sql[Q_DEPARTMENT_NAME], id, a, name, e)) != SJ_OK)
		return rc;
	return *name ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, "department_id",
	    "no department with id %lld", (long long)id);
}

/* The referral of request id to department: *rid 0 when there is none. */
static sj_rc
referral_find(store *s, int64_t id, int64_t dep_id, int64_t *rid, int64_t *sent_at,
    int64_t *replied_at, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*rid = *sent_at = *replied_at = 0;
	if ((rc = store_prepare(s, flow_sql[Q_REFERRAL_FIND], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, dep_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK || !row)
		return rc;
	*rid = store_col_int(st, 0);
	*sent_at = store_col_int(st, 1);
	*replied_at = store_col_int(st, 2);
	store_reset(st);
	return SJ_OK;
}

static sj_rc
referral_insert(store *s, int64_t id, const referral_input *in, int64_t at, int days,
    int64_t *rid, sj_err *e)
{
	calendar c;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = calendar_read(s, &a, &c, e)) != SJ_OK ||
	    (rc = store_prepare(s, flow_sql[Q_REFERRAL_INSERT], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, in->department_id);
	store_bind_int(st, 3, at);
	store_bind_int(st, 4, days);
	store_bind_int(st, 5, calendar_due(&c, at, days, NULL));
	rc = store_insert_id(st, rid, e);
out:
	arena_free(&a);
	return rc;
}

static sj_rc
refer_check(store *s, const request_state *cur, int64_t id, const referral_input *in,
    const char *dname, sj_err *e)
{
	int64_t rid, sent, replied;
	sj_rc rc;

	if (!request_status_open(cur->status))
		return sj_fail(e, SJ_ECONFLICT, "status", "the request is %s; reopen it before "
		    "referring it", request_status_name(cur->status));
	if (in->due_days && (in->due_days < 1 || in->due_days > SERVICE_DAYS_MAX))
		return sj_fail(e, SJ_EINVAL, "due_days", "must be 1 to %d working days",
		    SERVICE_DAYS_MAX);
	if ((rc = rq_check_text(in->comment, "comment", REQUEST_COMMENT_MAX, true, false, e)) != SJ_OK ||
	    (rc = referral_find(s, id, in->department_id, &rid, &sent, &replied, e)) != SJ_OK)
		return rc;
	if (rid)
		return sj_fail(e, SJ_ECONFLICT, "department_id", "the request is referred to %s "
		    "already", dname);
	return SJ_OK;
}

sj_rc
request_refer(store *s, const scope *sc, int64_t id, const referral_input *in,
    int64_t *referral_id, sj_err *e)
{
	rq_update u = { .request_id = id, .kind = "refer", .comment = in->comment };
	request_state cur;
	const char *dname;
	int64_t rid = 0;
	arena a;
	sj_rc rc;

	if (referral_id)
		*referral_id = 0;
	if (!auth_role_may(sc->role, PERM_REQUEST_REFER))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not refer requests");
	arena_init(&a);
	if ((rc = state_read(s, sc, id, in->at, &cur, e)) != SJ_OK ||
	    (rc = department_name(s, &a, in->department_id, &dname, e)) != SJ_OK ||
	    (rc = refer_check(s, &cur, id, in, dname, e)) != SJ_OK ||
	    (rc = check_at(in->at, cur.reported_at, "the request was reported", &u.at, e)) != SJ_OK)
		goto out;
	u.from = cur.status;
	u.applied = u.at >= cur.status_at;
	/* Referring accepts a submitted request; a second referral keeps it
	 * where it is. */
	u.to = cur.status == RS_REFERRED ? RS_REFERRED : RS_REFERRED;
	u.department_id = in->department_id;
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	rc = referral_insert(s, id, in, u.at, in->due_days ? in->due_days : cur.resolution_days,
	    &rid, e);
	u.referral_id = rid;
	if (rc == SJ_OK)
		rc = change_write(s, sc, &u, 0, NULL, e);
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc == SJ_OK && referral_id)
		*referral_id = rid;
out:
	arena_free(&a);
	return rc;
}

static const char *const outcomes[] = { "solved", "answered", "partly", "declined", NULL };

/* The replying department: the liaison's own, else the one given. */
static sj_rc
reply_department(const scope *sc, const reply_input *in, int64_t *out, sj_err *e)
{
	*out = in->department_id;
	if (sc->role != ROLE_DEPARTMENT)
		return *out > 0 ? SJ_OK : sj_fail(e, SJ_EINVAL, "department_id", "name the "
		    "department that replied");
	if (*out && *out != sc->department_id)
		return sj_fail(e, SJ_EFORBIDDEN, "department_id", "you reply for your own "
		    "department only");
	*out = sc->department_id;
	return SJ_OK;
}

sj_rc
request_reply(store *s, const scope *sc, int64_t id, const reply_input *in, int64_t *update_id,
    sj_err *e)
{
	rq_update u = { .request_id = id, .kind = "reply", .comment = in->text };
	const char *outcome = in->outcome ? in->outcome : "answered", *dname;
	int64_t dep, sent, replied;
	char day[DT_DATE_LEN];
	request_state cur;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_REQUEST_REPLY))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not reply to requests");
	arena_init(&a);
	if ((rc = reply_department(sc, in, &dep, e)) != SJ_OK ||
	    (rc = state_read(s, sc, id, in->at, &cur, e)) != SJ_OK ||
	    (rc = department_name(s, &a, dep, &dname, e)) != SJ_OK ||
	    (rc = rq_check_text(in->text, "text", REQUEST_COMMENT_MAX, true, true, e)) != SJ_OK ||
	    (rc = org_check_enum(outcome, outcomes, "outcome", e)) != SJ_OK ||
	    (rc = referral_find(s, id, dep, &u.referral_id, &sent, &replied, e)) != SJ_OK)
		goto out;
	if (u.referral_id == 0) {
		rc = sj_fail(e, SJ_ECONFLICT, "department_id", "request %lld was not referred to %s",
		    (long long)id, dname);
		goto out;
	}
	if (replied) {
		dt_date_format(dt_date_of(replied), day);
		rc = sj_fail(e, SJ_ECONFLICT, "department_id", "%s replied already, on %s", dname,
		    day);
		goto out;
	}
	if ((rc = check_at(in->at, sent, "the referral was sent", &u.at, e)) != SJ_OK)
		goto out;
	u.from = cur.status;
	u.applied = u.at >= cur.status_at;
	u.to = cur.status == RS_REFERRED || cur.status == RS_IN_PROGRESS ? RS_REPLIED : cur.status;
	u.department_id = dep;
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = store_prepare(s, flow_sql[Q_REFERRAL_REPLY], &st, e)) == SJ_OK) {
		store_bind_int(st, 1, u.referral_id);
		store_bind_int(st, 2, u.at);
		store_bind_text(st, 3, in->text);
		store_bind_text(st, 4, outcome);
		rc = store_run(st, e);
	}
	if (rc == SJ_OK)
		rc = change_write(s, sc, &u, 0, update_id, e);
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
out:
	arena_free(&a);
	return rc;
}

sj_rc
referral_list(store *s, const scope *sc, arena *a, int64_t department_id, bool pending,
    bool overdue, referral **out, service_request **requests, size_t *n, sj_err *e)
{
	sj_date now_day = rq_today();
	size_t cap = 0, rcap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*requests = NULL;
	*n = 0;
	if ((rc = store_prepare(s, flow_sql[Q_REFERRAL_LIST], &st, e)) != SJ_OK)
		return rc;
	rq_bind_scope(st, sc);
	store_bind_int(st, 5, department_id);
	store_bind_int(st, 6, pending);
	store_bind_int(st, 7, overdue);
	store_bind_int(st, 8, now_day);
	rq_bind_live(st, 9);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		*requests = arena_grow(a, *requests, &rcap, *n, sizeof **requests);
		rq_request_read(st, 10, a, &(*requests)[*n], now_day);
		rq_referral_read(st, a, &(*out)[*n], request_status_open((*requests)[*n].status),
		    now_day);
		(*n)++;
	}
	return rc;
}

/* ---- recomputing due dates ----------------------------------------------- */

typedef struct due_row {
	int64_t id, request_id, t;
	int days[2];
	sj_date old[3];
	const char *department;
} due_row;

/* Collect the rows of query q first: the updates below must not run while
 * the query's statement is still stepping. */
static sj_rc
due_rows(store *s, arena *a, int q, due_row **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, flow_sql[q], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		due_row *d;
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		d = &(*out)[(*n)++];
		memset(d, 0, sizeof *d);
		d->id = store_col_int(st, 0);
		if (q == Q_OPEN_REQUESTS) {
			d->request_id = d->id;
			d->t = store_col_int(st, 1);
			d->days[0] = (int)store_col_int(st, 2);
			d->days[1] = (int)store_col_int(st, 3);
			for (int i = 0; i < 3; i++)
				d->old[i] = (sj_date)store_col_int(st, 4 + i);
		} else {
			d->request_id = store_col_int(st, 1);
			d->t = store_col_int(st, 2);
			d->days[0] = (int)store_col_int(st, 3);
			d->old[0] = (sj_date)store_col_int(st, 4);
			d->department = rq_col_str(st, a, 5);
		}
	}
	return rc;
}

/* A "due" update saying what moved from old to new. */
static sj_rc
due_note(store *s, const scope *sc, int64_t request_id, const char *what, sj_date old,
    sj_date new, sj_err *e)
{
	request_state cur;
	char a[DT_DATE_LEN], b[DT_DATE_LEN], comment[300];
	rq_update u = { .request_id = request_id, .kind = "due", .applied = true,
	    .at = dt_now(), .comment = comment };
	sj_rc rc;

	if ((rc = state_read(s, &scope_system, request_id, 0, &cur, e)) != SJ_OK)
		return rc;
	u.from = u.to = cur.status;
	dt_date_format(old, a);
	dt_date_format(new, b);
	snprintf(comment, sizeof comment, "%s %s → %s (calendar changed)", what, a, b);
	return rq_update_write(s, sc, &u, NULL, e);
}

static sj_rc
recompute_requests(store *s, const scope *sc, const calendar *c, arena *a, int64_t *n,
    sj_err *e)
{
	due_row *rows;
	size_t nrows;
	store_stmt *st;
	sj_rc rc;

	if ((rc = due_rows(s, a, Q_OPEN_REQUESTS, &rows, &nrows, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < nrows; i++) {
		sj_date receipt, resp = calendar_due(c, rows[i].t, rows[i].days[0], &receipt);
		sj_date reso = calendar_due(c, rows[i].t, rows[i].days[1], NULL);
		if (receipt == rows[i].old[0] && resp == rows[i].old[1] && reso == rows[i].old[2])
			continue;
		if ((rc = store_prepare(s, flow_sql[Q_SET_DUE], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, rows[i].id);
		store_bind_int(st, 2, receipt);
		store_bind_int(st, 3, resp);
		store_bind_int(st, 4, reso);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
		if (reso != rows[i].old[2])
			rc = due_note(s, sc, rows[i].id, "resolution due", rows[i].old[2], reso, e);
		else if (resp != rows[i].old[1])
			rc = due_note(s, sc, rows[i].id, "response due", rows[i].old[1], resp, e);
		if (rc != SJ_OK)
			return rc;
		(*n)++;
	}
	return SJ_OK;
}

static sj_rc
recompute_referrals(store *s, const scope *sc, const calendar *c, arena *a, int64_t *n,
    sj_err *e)
{
	char what[200];
	due_row *rows;
	size_t nrows;
	store_stmt *st;
	sj_rc rc;

	if ((rc = due_rows(s, a, Q_OPEN_REFERRALS, &rows, &nrows, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < nrows; i++) {
		sj_date due = calendar_due(c, rows[i].t, rows[i].days[0], NULL);
		if (due == rows[i].old[0])
			continue;
		if ((rc = store_prepare(s, flow_sql[Q_SET_REFERRAL_DUE], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, rows[i].id);
		store_bind_int(st, 2, due);
		snprintf(what, sizeof what, "reply of %s due", rows[i].department);
		if ((rc = store_run(st, e)) != SJ_OK ||
		    (rc = due_note(s, sc, rows[i].request_id, what, rows[i].old[0], due, e)) != SJ_OK)
			return rc;
		(*n)++;
	}
	return SJ_OK;
}

sj_rc
request_recompute_due(store *s, const scope *sc, int64_t *n_changed, sj_err *e)
{
	int64_t n = 0;
	calendar c;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = calendar_read(s, &a, &c, e)) == SJ_OK &&
	    (rc = recompute_requests(s, sc, &c, &a, &n, e)) == SJ_OK)
		rc = recompute_referrals(s, sc, &c, &a, &n, e);
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc == SJ_OK && n_changed)
		*n_changed = n;
out:
	arena_free(&a);
	return rc;
}
