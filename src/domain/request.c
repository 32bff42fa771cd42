/*
 * request — service requests: statuses and the lifecycle table, reading,
 * listing and creating, and the history rows every change writes (see
 * request.h; status changes, referrals, replies and due-date
 * recomputation are in request_flow.c, services in request_service.c,
 * the demo part in request_demo.c; request_int.h is what they share).
 *
 * Invariants:
 * - status changes only through the transition table below, and only by
 *   an update whose `at` is not before the request's status_at; every
 *   change writes exactly one request_update row in the same transaction
 *   as the change itself;
 * - a referral exists at most once per (request, department); a reply is
 *   written once, and only to a referral that exists;
 * - receipt_day, response_due and resolution_due of an open request, and
 *   due_on of an unreplied referral of an open request, are what
 *   calendar_due() gives on the stored calendar (request_recompute_due
 *   restores this after every calendar change).
 */
#include "domain/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/calendar.h"
#include "domain/org.h"
#include "domain/person.h"
#include "domain/retention.h"
#include "domain/request_int.h"
#include "domain/task_line.h"

enum {
	Q_GET, Q_LIST, Q_INSERT, Q_ATTR_INSERT, Q_ATTRS, Q_UPDATE_INSERT, Q_UPDATES, Q_TOUCH,
	Q_REFERRALS, Q_USERNAME,
};

static const char *const request_sql[] = {
	/* ?6 the retention cut-off (REQUEST_LIVE) */
	[Q_GET] = "SELECT " REQUEST_COLS " WHERE r.id = ?5 AND " REQUEST_SCOPE
	" AND " REQUEST_LIVE("?6"),
	/* ?5 service code ('' any), ?6 status ('' any), ?7 open (1) / final
	 * (-1) / both (0), ?8 unit (0 any), ?9 department (0 any), ?10 overdue
	 * with ?11 today, ?12..?13 reported range (inclusive), ?14 cursor,
	 * ?15 limit, ?16 resolved in [?17, ?18) only (an applied change to
	 * resolved at an instant in that range), ?19 task line ('' any),
	 * ?20 the retention cut-off (REQUEST_LIVE).
	 * Absent filters are '' or 0, not NULL: PostgreSQL cannot type a
	 * parameter that only meets IS NULL. */
	[Q_LIST] =
	"SELECT " REQUEST_COLS " WHERE " REQUEST_SCOPE
	" AND (?5 = '' OR s.code = ?5)"
	" AND (?6 = '' OR r.status = ?6)"
	" AND (?7 = 0 OR (?7 = 1 AND r.status IN " OPEN_STATUSES ")"
	"  OR (?7 = -1 AND r.status NOT IN " OPEN_STATUSES "))"
	" AND (?8 = 0 OR r.unit_id = ?8)"
	" AND (?9 = 0 OR r.id IN (SELECT request_id FROM referral WHERE department_id = ?9))"
	" AND (?10 = 0 OR (r.status IN " OPEN_STATUSES " AND r.resolution_due < ?11))"
	" AND r.reported_at >= ?12 AND r.reported_at <= ?13"
	" AND (?16 = 0 OR EXISTS (SELECT 1 FROM request_update w WHERE w.request_id = r.id"
	"  AND w.applied = 1 AND w.to_status = 'resolved' AND w.at >= ?17 AND w.at < ?18))"
	" AND (?14 = 0 OR r.id < ?14) AND (?19 = '' OR r.task_line = ?19)"
	" AND " REQUEST_LIVE("?20")
	" ORDER BY r.id DESC LIMIT ?15",
	[Q_INSERT] =
	"INSERT INTO service_request (service_id, unit_id, person_id, reporter_name, description,"
	" address, place_id, lat_e6, lon_e6, reported_at, reported_at_assumed, created_at,"
	" updated_at, priority, status, status_at, source, origin, response_days,"
	" resolution_days, receipt_day, response_due, resolution_due, task_line)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, 'submitted', ?10,"
	" ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) RETURNING id",
	[Q_ATTR_INSERT] =
	"INSERT INTO request_attribute (request_id, code, value) VALUES (?1, ?2, ?3)",
	[Q_ATTRS] = "SELECT code, value FROM request_attribute WHERE request_id = ?1 ORDER BY code",
	[Q_UPDATE_INSERT] =
	"INSERT INTO request_update (request_id, at, recorded_at, user_id, author, department_id,"
	" kind, from_status, to_status, applied, comment, referral_id)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
	[Q_UPDATES] =
	"SELECT n.id, n.request_id, n.at, n.recorded_at, n.user_id, n.author, n.department_id,"
	" coalesce(d.name, ''), n.kind, n.from_status, n.to_status, n.applied, n.comment,"
	" n.referral_id FROM request_update n LEFT JOIN department d ON d.id = n.department_id"
	" WHERE n.request_id = ?1 ORDER BY n.at, n.id",
	[Q_TOUCH] = "UPDATE service_request SET updated_at = ?2 WHERE id = ?1",
	[Q_REFERRALS] =
	"SELECT " REFERRAL_COLS " FROM referral f JOIN department d ON d.id = f.department_id"
	" WHERE f.request_id = ?1 ORDER BY f.sent_at, f.id",
	[Q_USERNAME] = "SELECT username FROM app_user WHERE id = ?1",
};

/* ---- statuses and the lifecycle ------------------------------------------ */

static const char *const status_names[RS__COUNT] = {
	[RS_SUBMITTED] = "submitted", [RS_ACCEPTED] = "accepted", [RS_REFERRED] = "referred",
	[RS_IN_PROGRESS] = "in_progress", [RS_REPLIED] = "replied", [RS_RESOLVED] = "resolved",
	[RS_REJECTED] = "rejected", [RS_DUPLICATE] = "duplicate", [RS_CLOSED] = "closed",
};

/* The lifecycle (issue 8; DESIGN.md §4): every allowed change, and whether
 * it needs a comment (reopening does).  submitted → referred and → replied
 * happen by referring and replying only (request_change_status refuses
 * those targets). */
static const struct {
	request_status from, to;
	bool comment;
} transitions[] = {
	{ RS_SUBMITTED, RS_ACCEPTED, false }, { RS_SUBMITTED, RS_REFERRED, false },
	{ RS_SUBMITTED, RS_REJECTED, false }, { RS_SUBMITTED, RS_DUPLICATE, false },
	{ RS_ACCEPTED, RS_REFERRED, false }, { RS_ACCEPTED, RS_IN_PROGRESS, false },
	{ RS_ACCEPTED, RS_RESOLVED, false }, { RS_ACCEPTED, RS_REJECTED, false },
	{ RS_ACCEPTED, RS_DUPLICATE, false },
	{ RS_REFERRED, RS_IN_PROGRESS, false }, { RS_REFERRED, RS_REPLIED, false },
	{ RS_REFERRED, RS_RESOLVED, false }, { RS_REFERRED, RS_REJECTED, false },
	{ RS_REFERRED, RS_DUPLICATE, false },
	{ RS_IN_PROGRESS, RS_REFERRED, false }, { RS_IN_PROGRESS, RS_REPLIED, false },
	{ RS_IN_PROGRESS, RS_RESOLVED, false }, { RS_IN_PROGRESS, RS_REJECTED, false },
	{ RS_IN_PROGRESS, RS_DUPLICATE, false },
	{ RS_REPLIED, RS_REFERRED, false }, { RS_REPLIED, RS_IN_PROGRESS, false },
	{ RS_REPLIED, RS_RESOLVED, false },
	{ RS_RESOLVED, RS_CLOSED, false }, { RS_REJECTED, RS_CLOSED, false },
	{ RS_DUPLICATE, RS_CLOSED, false },
	{ RS_RESOLVED, RS_ACCEPTED, true }, { RS_REJECTED, RS_ACCEPTED, true },
	{ RS_DUPLICATE, RS_ACCEPTED, true }, { RS_CLOSED, RS_ACCEPTED, true },
};

#define N_TRANSITIONS (sizeof transitions / sizeof transitions[0])

const char *
request_status_name(request_status st)
{
	return (int)st > 0 && st < RS__COUNT ? status_names[st] : NULL;
}

request_status
request_status_parse(const char *s)
{
	for (int i = 1; s && i < RS__COUNT; i++)
		if (strcmp(status_names[i], s) == 0)
			return (request_status)i;
	return RS_NONE;
}

bool
request_status_open(request_status st)
{
	return st >= RS_SUBMITTED && st <= RS_REPLIED;
}

/* The row of from → to, or -1. */
int
rq_transition_find(request_status from, request_status to)
{
	for (size_t i = 0; i < N_TRANSITIONS; i++)
		if (transitions[i].from == from && transitions[i].to == to)
			return (int)i;
	return -1;
}

bool
rq_transition_needs_comment(int row)
{
	return row >= 0 && (size_t)row < N_TRANSITIONS && transitions[row].comment;
}

bool
request_transition_allowed(request_status from, request_status to)
{
	return rq_transition_find(from, to) >= 0;
}

/* ---- small helpers ------------------------------------------------------- */

const char *
rq_col_str(store_stmt *st, arena *a, int i)
{
	const char *v = store_col_text(st, i);

	return arena_strdup(a, v ? v : "");
}

void
rq_bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v > 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

/* Bind ?1..?4: the unit scope and the caller's department. */
void
rq_bind_scope(store_stmt *st, const scope *sc)
{
	scope_bind(st, sc);
	store_bind_int(st, 4, sc->role == ROLE_DEPARTMENT ? sc->department_id : -1);
}

void
rq_bind_live(store_stmt *st, int i)
{
	store_bind_int(st, i, retention_cutoff(RETENTION_REQUEST, dt_now()));
}

sj_date
rq_today(void)
{
	return dt_date_of(dt_now());
}

sj_rc
rq_query_name(store *s, const char *sql, int64_t id, arena *a, const char **out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	if ((rc = store_prepare(s, sql, &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row) {
		*out = rq_col_str(st, a, 0);
		store_reset(st);
	}
	return SJ_OK;
}

/* Check a text of 1..max code points (multi-line when lines). */
sj_rc
rq_check_text(const char *v, const char *field, size_t max, bool lines, bool required, sj_err *e)
{
	size_t n;
	sj_rc rc;

	if (v == NULL)
		return required ? sj_fail(e, SJ_EINVAL, field, "is required") : SJ_OK;
	if ((rc = text_check_utf8(v, strlen(v), field, lines ? TEXT_NO_CONTROL : TEXT_SINGLE_LINE,
	    e)) != SJ_OK)
		return rc;
	if (required && text_is_blank(v))
		return sj_fail(e, SJ_EINVAL, field, "must not be empty");
	if ((n = text_length(v)) > max)
		return sj_fail(e, SJ_EINVAL, field, "is %zu characters long; at most %zu", n, max);
	return SJ_OK;
}

/* ---- reading ------------------------------------------------------------- */

void
rq_request_read(store_stmt *st, int c, arena *a, service_request *r, sj_date now_day)
{
	memset(r, 0, sizeof *r);
	r->id = store_col_int(st, c + 0);
	r->service_id = store_col_int(st, c + 1);
	r->service_code = rq_col_str(st, a, c + 2);
	r->service_name = rq_col_str(st, a, c + 3);
	r->unit_id = store_col_int(st, c + 4);
	r->unit_name = rq_col_str(st, a, c + 5);
	r->person_id = store_col_int(st, c + 6);
	r->person_name = rq_col_str(st, a, c + 7);
	r->reporter_name = rq_col_str(st, a, c + 8);
	r->description = rq_col_str(st, a, c + 9);
	r->address = rq_col_str(st, a, c + 10);
	r->place_id = store_col_int(st, c + 11);
	r->has_location = !store_col_is_null(st, c + 12);
	r->lat_e6 = store_col_int(st, c + 12);
	r->lon_e6 = store_col_int(st, c + 13);
	r->reported_at = store_col_int(st, c + 14);
	r->reported_at_assumed = store_col_int(st, c + 15) != 0;
	r->created_at = store_col_int(st, c + 16);
	r->updated_at = store_col_int(st, c + 17);
	r->priority = rq_col_str(st, a, c + 18);
	r->status = request_status_parse(store_col_text(st, c + 19));
	r->status_at = store_col_int(st, c + 20);
	r->source = rq_col_str(st, a, c + 21);
	r->origin = rq_col_str(st, a, c + 22);
	r->duplicate_of = store_col_int(st, c + 23);
	r->response_days = (int)store_col_int(st, c + 24);
	r->resolution_days = (int)store_col_int(st, c + 25);
	r->receipt_day = (sj_date)store_col_int(st, c + 26);
	r->response_due = (sj_date)store_col_int(st, c + 27);
	r->resolution_due = (sj_date)store_col_int(st, c + 28);
	r->task_line = store_col_is_null(st, c + 29) ? NULL : rq_col_str(st, a, c + 29);
	r->overdue = request_status_open(r->status) && now_day > r->resolution_due;
}

void
rq_referral_read(store_stmt *st, arena *a, referral *f, bool request_open, sj_date now_day)
{
	f->id = store_col_int(st, 0);
	f->request_id = store_col_int(st, 1);
	f->department_id = store_col_int(st, 2);
	f->department_name = rq_col_str(st, a, 3);
	f->sent_at = store_col_int(st, 4);
	f->due_days = (int)store_col_int(st, 5);
	f->due_on = (sj_date)store_col_int(st, 6);
	f->replied_at = store_col_int(st, 7);
	f->reply = arena_strdup(a, store_col_text(st, 8));
	f->outcome = arena_strdup(a, store_col_text(st, 9));
	f->overdue = f->reply == NULL && request_open && now_day > f->due_on;
}

static sj_rc
referrals_read(store *s, arena *a, service_request *r, sj_date now_day, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, request_sql[Q_REFERRALS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, r->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		r->referrals = arena_grow(a, r->referrals, &cap, r->n_referrals,
		    sizeof *r->referrals);
		rq_referral_read(st, a, &r->referrals[r->n_referrals++],
		    request_status_open(r->status), now_day);
	}
	return rc;
}

static sj_rc
updates_read(store *s, arena *a, service_request *r, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, request_sql[Q_UPDATES], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, r->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		request_update *u;
		r->updates = arena_grow(a, r->updates, &cap, r->n_updates, sizeof *r->updates);
		u = &r->updates[r->n_updates++];
		*u = (request_update){ .id = store_col_int(st, 0),
		    .request_id = store_col_int(st, 1), .at = store_col_int(st, 2),
		    .recorded_at = store_col_int(st, 3), .user_id = store_col_int(st, 4),
		    .author = rq_col_str(st, a, 5), .department_id = store_col_int(st, 6),
		    .department_name = rq_col_str(st, a, 7), .kind = rq_col_str(st, a, 8),
		    .from_status = request_status_parse(store_col_text(st, 9)),
		    .to_status = request_status_parse(store_col_text(st, 10)),
		    .applied = store_col_int(st, 11) != 0, .comment = rq_col_str(st, a, 12),
		    .referral_id = store_col_int(st, 13) };
	}
	return rc;
}

static sj_rc
attrs_read(store *s, arena *a, service_request *r, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, request_sql[Q_ATTRS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, r->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		r->attrs = arena_grow(a, r->attrs, &cap, r->n_attrs, sizeof *r->attrs);
		r->attrs[r->n_attrs++] = (request_attr){ .code = rq_col_str(st, a, 0),
		    .value = rq_col_str(st, a, 1) };
	}
	return rc;
}

sj_rc
request_get(store *s, const scope *sc, arena *a, int64_t id, service_request *out, sj_err *e)
{
	sj_date now_day = rq_today();
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, request_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	rq_bind_scope(st, sc);
	store_bind_int(st, 5, id);
	rq_bind_live(st, 6);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "request", "no service request with id %lld",
		    (long long)id);
	rq_request_read(st, 0, a, out, now_day);
	store_reset(st);
	if ((rc = referrals_read(s, a, out, now_day, e)) != SJ_OK ||
	    (rc = updates_read(s, a, out, e)) != SJ_OK)
		return rc;
	return attrs_read(s, a, out, e);
}

/* The requests of f->ids, each when in scope (Open311: a list of ids
 * overrides every other parameter). */
static sj_rc
list_by_ids(store *s, const scope *sc, arena *a, const request_filter *f, request_page *out,
    sj_err *e)
{
	service_request r;
	sj_rc rc;

	out->requests = arena_zalloc(a, (f->n_ids ? f->n_ids : 1) * sizeof *out->requests);
	for (size_t i = 0; i < f->n_ids; i++) {
		rc = request_get(s, sc, a, f->ids[i], &r, e);
		if (rc == SJ_ENOTFOUND)
			continue;
		if (rc != SJ_OK)
			return rc;
		out->requests[out->n_requests++] = r;
	}
	sj_err_clear(e);
	return SJ_OK;
}

static void
list_bind(store_stmt *st, const scope *sc, const request_filter *f, int limit)
{
	rq_bind_scope(st, sc);
	store_bind_text(st, 5, f->service_code ? f->service_code : "");
	store_bind_text(st, 6, f->status ? request_status_name(f->status) : "");
	store_bind_int(st, 7, f->open);
	store_bind_int(st, 8, f->unit_id > 0 ? f->unit_id : 0);
	store_bind_int(st, 9, f->department_id > 0 ? f->department_id : 0);
	store_bind_int(st, 10, f->overdue);
	store_bind_int(st, 11, f->today ? f->today : rq_today());
	store_bind_int(st, 12, f->has_from ? f->reported_from : INT64_MIN);
	store_bind_int(st, 13, f->has_to ? f->reported_to : INT64_MAX);
	store_bind_int(st, 14, f->after_id);
	store_bind_int(st, 15, limit + 1);
	store_bind_int(st, 16, f->has_resolved);
	store_bind_int(st, 17, f->has_resolved ? f->resolved_from : 0);
	store_bind_int(st, 18, f->has_resolved ? f->resolved_to : 0);
	store_bind_text(st, 19, f->task_line ? f->task_line : "");
	rq_bind_live(st, 20);
}

sj_rc
request_list(store *s, const scope *sc, arena *a, const request_filter *f, request_page *out,
    sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	sj_date now_day = f->today ? f->today : rq_today();
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > REQUEST_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "must be 1 to %d", REQUEST_LIST_MAX);
	if (f->status != RS_NONE && request_status_name(f->status) == NULL)
		return sj_fail(e, SJ_EINVAL, "status", "unknown status");
	if (f->task_line && (rc = task_line_check(f->task_line, "task_line", e)) != SJ_OK)
		return rc;
	if (f->ids)
		return list_by_ids(s, sc, a, f, out, e);
	if ((rc = store_prepare(s, request_sql[Q_LIST], &st, e)) != SJ_OK)
		return rc;
	list_bind(st, sc, f, limit);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_requests == (size_t)limit) {
			out->has_more = true;
			out->next_after_id = out->requests[limit - 1].id;
			store_reset(st);
			break;
		}
		out->requests = arena_grow(a, out->requests, &cap, out->n_requests,
		    sizeof *out->requests);
		rq_request_read(st, 0, a, &out->requests[out->n_requests++], now_day);
	}
	return rc;
}

/* ---- updates ------------------------------------------------------------- */

/* The author of sc's changes: the user's name, or "cli" for the command
 * line (as in the audit log). */
static sj_rc
author_of(store *s, const scope *sc, arena *a, const char **out, sj_err *e)
{
	sj_rc rc;

	*out = AUDIT_USERNAME_CLI;
	if (sc->user_id <= 0)
		return SJ_OK;
	if ((rc = rq_query_name(s, request_sql[Q_USERNAME], sc->user_id, a, out, e)) != SJ_OK)
		return rc;
	if (*out == NULL)
		*out = "?";
	return SJ_OK;
}

sj_rc
rq_update_write(store *s, const scope *sc, const rq_update *u, int64_t *id, sj_err *e)
{
	int64_t now = dt_now(), uid;
	const char *author;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = author_of(s, sc, &a, &author, e)) != SJ_OK ||
	    (rc = store_prepare(s, request_sql[Q_UPDATE_INSERT], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, u->request_id);
	store_bind_int(st, 2, u->at);
	store_bind_int(st, 3, now);
	rq_bind_opt(st, 4, sc->user_id);
	store_bind_text(st, 5, author);
	rq_bind_opt(st, 6, u->department_id ? u->department_id :
	    sc->role == ROLE_DEPARTMENT ? sc->department_id : 0);
	store_bind_text(st, 7, u->kind);
	store_bind_text(st, 8, request_status_name(u->from));
	store_bind_text(st, 9, request_status_name(u->to));
	store_bind_int(st, 10, u->applied);
	store_bind_text(st, 11, u->comment ? u->comment : "");
	rq_bind_opt(st, 12, u->referral_id);
	if ((rc = store_insert_id(st, &uid, e)) != SJ_OK)
		goto out;
	if (id)
		*id = uid;
	/* The request's updated_at: when anything was last recorded on it. */
	if ((rc = store_prepare(s, request_sql[Q_TOUCH], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, u->request_id);
	store_bind_int(st, 2, now);
	rc = store_run(st, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- creating ------------------------------------------------------------ */

static const char *const priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *const sources[] = { "api", "open311", "cli", "visit", "demo", NULL };

/* "kind:id": a lower-case word, a colon, a positive decimal id. */
static bool
origin_ok(const char *s)
{
	const char *p = s;

	if (strlen(s) > REQUEST_ORIGIN_MAX)
		return false;
	while ((*p >= 'a' && *p <= 'z') || *p == '_')
		p++;
	if (p == s || *p++ != ':' || *p < '1' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

/* A decimal number: optional sign, digits, optional fraction. */
static bool
number_ok(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	bool digits = false;

	while (*p >= '0' && *p <= '9')
		p++, digits = true;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = true;
	return digits && *p == '\0';
}

static bool
value_listed(const service_attr *at, const char *v, size_t n)
{
	for (size_t i = 0; i < at->n_values; i++)
		if (strlen(at->values[i].key) == n && strncmp(at->values[i].key, v, n) == 0)
			return true;
	return false;
}

/* Check one attribute value against its definition. */
static sj_rc
attr_value_check(const service_attr *at, const char *v, const char *field, sj_err *e)
{
	int64_t t;
	sj_rc rc;

	if ((rc = rq_check_text(v, field, REQUEST_ATTR_VALUE_MAX, strcmp(at->datatype, "text") == 0,
	    true, e)) != SJ_OK)
		return rc;
	if (strcmp(at->datatype, "number") == 0 && !number_ok(v))
		return sj_fail(e, SJ_EINVAL, field, "'%.40s' is not a number", v);
	if (strcmp(at->datatype, "datetime") == 0)
		return dt_parse_rfc3339(v, field, &t, e);
	if (strcmp(at->datatype, "singlevaluelist") == 0 && !value_listed(at, v, strlen(v)))
		return sj_fail(e, SJ_EINVAL, field, "'%.40s' is not one of the service's values", v);
	if (strcmp(at->datatype, "multivaluelist") == 0)
		for (const char *p = v; *p; ) {
			size_t n = strcspn(p, ",");
			if (!value_listed(at, p, n))
				return sj_fail(e, SJ_EINVAL, field, "'%.*s' is not one of the "
				    "service's values", (int)(n > 40 ? 40 : n), p);
			p += n + (p[n] == ',');
		}
	return SJ_OK;
}

/* Every given attribute known and valid, every required one given. */
static sj_rc
attrs_check(const service *sv, const request_input *in, sj_err *e)
{
	char field[64];
	sj_rc rc;

	if (in->n_attrs > REQUEST_ATTRS_MAX)
		return sj_fail(e, SJ_EINVAL, "attributes", "at most %d", REQUEST_ATTRS_MAX);
	for (size_t i = 0; i < in->n_attrs; i++) {
		const service_attr *at = NULL;
		snprintf(field, sizeof field, "attribute[%.40s]", in->attrs[i].code ?
		    in->attrs[i].code : "");
		for (size_t j = 0; j < sv->n_attrs && at == NULL; j++)
			if (in->attrs[i].code && strcmp(sv->attrs[j].code, in->attrs[i].code) == 0)
				at = &sv->attrs[j];
		if (at == NULL)
			return sj_fail(e, SJ_EINVAL, field, "service '%s' has no such attribute",
			    sv->code);
		for (size_t k = 0; k < i; k++)
			if (strcmp(in->attrs[k].code, in->attrs[i].code) == 0)
				return sj_fail(e, SJ_EINVAL, field, "is given twice");
		if ((rc = attr_value_check(at, in->attrs[i].value, field, e)) != SJ_OK)
			return rc;
	}
	for (size_t j = 0; j < sv->n_attrs; j++) {
		bool given = false;
		if (!sv->attrs[j].required)
			continue;
		for (size_t i = 0; i < in->n_attrs && !given; i++)
			given = strcmp(in->attrs[i].code, sv->attrs[j].code) == 0;
		if (!given) {
			snprintf(field, sizeof field, "attribute[%s]", sv->attrs[j].code);
			return sj_fail(e, SJ_EINVAL, field, "is required (%s)",
			    sv->attrs[j].description);
		}
	}
	return SJ_OK;
}

/* The plain field checks of a new request. */
static sj_rc
input_check(const request_input *in, sj_err *e)
{
	sj_rc rc;

	if ((rc = rq_check_text(in->description, "description", REQUEST_DESCRIPTION_MAX, true, true,
	    e)) != SJ_OK ||
	    (rc = rq_check_text(in->reporter_name, "reporter_name", REQUEST_NAME_MAX, false, false,
	    e)) != SJ_OK ||
	    (rc = rq_check_text(in->address, "address", REQUEST_ADDRESS_MAX, false, false, e)) != SJ_OK)
		return rc;
	if (in->priority && (rc = org_check_enum(in->priority, priorities, "priority", e)) != SJ_OK)
		return rc;
	if ((rc = org_check_enum(in->source, sources, "source", e)) != SJ_OK)
		return rc;
	if (in->origin && !origin_ok(in->origin))
		return sj_fail(e, SJ_EINVAL, "origin", "must be like 'need:42'");
	if (in->task_line && (rc = task_line_check(in->task_line, "task_line", e)) != SJ_OK)
		return rc;
	if (in->has_location && (in->lat_e6 < -90000000 || in->lat_e6 > 90000000))
		return sj_fail(e, SJ_EINVAL, "lat", "must lie in -90..90");
	if (in->has_location && (in->lon_e6 < -180000000 || in->lon_e6 > 180000000))
		return sj_fail(e, SJ_EINVAL, "long", "must lie in -180..180");
	if (in->reported_at > dt_now() + REQUEST_CLOCK_SKEW_S)
		return sj_fail(e, SJ_EINVAL, "reported_at", "is in the future");
	if (in->reported_at && (in->reported_at < DT_INSTANT_MIN ||
	    in->reported_at > DT_INSTANT_MAX))
		return sj_fail(e, SJ_EINVAL, "reported_at", "is out of range");
	return SJ_OK;
}

/* Who: the unit (from the caller, the person or the place when not
 * given), each in scope.  Fills *unit_id. */
static sj_rc
reporter_resolve(store *s, const scope *sc, const request_input *in, int64_t *unit_id,
    sj_err *e)
{
	person p;
	org_place pl;
	arena a;
	sj_rc rc = SJ_OK;

	*unit_id = in->unit_id;
	if (sc->role == ROLE_UNIT && *unit_id == 0)
		*unit_id = sc->unit_id;
	arena_init(&a);
	if (in->unit_id && !org_unit_visible(s, sc, in->unit_id))
		rc = sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld",
		    (long long)in->unit_id);
	else if (in->person_id && (rc = person_get(s, sc, &a, in->person_id, &p, e)) != SJ_OK)
		sj_fail(e, rc, "person_id", "no person with id %lld", (long long)in->person_id);
	else if (in->place_id && (rc = org_place_get(s, sc, &a, in->place_id, &pl, e)) != SJ_OK)
		sj_fail(e, rc, "place_id", "no place with id %lld", (long long)in->place_id);
	if (rc == SJ_OK && *unit_id == 0 && in->person_id)
		*unit_id = p.unit_id;
	if (rc == SJ_OK && *unit_id == 0 && in->place_id)
		*unit_id = pl.unit_id;
	arena_free(&a);
	if (rc != SJ_OK)
		return rc;
	if (*unit_id == 0 && in->person_id == 0 && (in->reporter_name == NULL ||
	    text_is_blank(in->reporter_name)))
		return sj_fail(e, SJ_EINVAL, "unit_id", "give the reporting unit or person, or a "
		    "reporter name");
	/* Outside the global roles a request must name a unit: the unit is
	 * what puts it in its raiser's scope. */
	if (*unit_id == 0 && !scope_is_global(sc))
		return sj_fail(e, SJ_EINVAL, "unit_id", "give the unit the request comes from");
	return SJ_OK;
}

typedef struct due_dates {
	sj_date receipt, response, resolution;
} due_dates;

static sj_rc
dues_compute(store *s, int64_t t, int response_days, int resolution_days, due_dates *out,
    sj_err *e)
{
	calendar c;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = calendar_read(s, &a, &c, e)) == SJ_OK) {
		out->response = calendar_due(&c, t, response_days, &out->receipt);
		out->resolution = calendar_due(&c, t, resolution_days, NULL);
	}
	arena_free(&a);
	return rc;
}

static sj_rc
request_insert(store *s, const request_input *in, const service *sv, int64_t unit_id,
    int64_t reported_at, const due_dates *due, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, request_sql[Q_INSERT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, sv->id);
	rq_bind_opt(st, 2, unit_id);
	rq_bind_opt(st, 3, in->person_id);
	store_bind_text(st, 4, in->reporter_name ? in->reporter_name : "");
	store_bind_text(st, 5, in->description);
	store_bind_text(st, 6, in->address ? in->address : "");
	rq_bind_opt(st, 7, in->place_id);
	if (in->has_location) {
		store_bind_int(st, 8, in->lat_e6);
		store_bind_int(st, 9, in->lon_e6);
	} else {
		store_bind_null(st, 8);
		store_bind_null(st, 9);
	}
	store_bind_int(st, 10, reported_at);
	store_bind_int(st, 11, in->reported_at_assumed);
	store_bind_int(st, 12, dt_now());
	store_bind_text(st, 13, in->priority ? in->priority : "normal");
	store_bind_text(st, 14, in->source);
	store_bind_text(st, 15, in->origin ? in->origin : "");
	store_bind_int(st, 16, sv->response_days);
	store_bind_int(st, 17, sv->resolution_days);
	store_bind_int(st, 18, due->receipt);
	store_bind_int(st, 19, due->response);
	store_bind_int(st, 20, due->resolution);
	store_bind_text(st, 21, in->task_line);
	return store_insert_id(st, id, e);
}

static sj_rc
attrs_insert(store *s, int64_t id, const request_input *in, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	for (size_t i = 0; i < in->n_attrs; i++) {
		if ((rc = store_prepare(s, request_sql[Q_ATTR_INSERT], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, in->attrs[i].code);
		store_bind_text(st, 3, in->attrs[i].value);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* The service of a new request: known and taking requests. */
static sj_rc
service_for_new(store *s, arena *a, const char *code, service *sv, sj_err *e)
{
	sj_rc rc;

	if (code == NULL || *code == '\0')
		return sj_fail(e, SJ_EINVAL, "service_code", "is required");
	if ((rc = service_get(s, a, code, sv, e)) == SJ_ENOTFOUND)
		return sj_fail(e, SJ_EINVAL, "service_code", "no service with code '%.40s'", code);
	if (rc == SJ_OK && !sv->active)
		return sj_fail(e, SJ_EINVAL, "service_code", "service '%s' takes no new requests",
		    code);
	return rc;
}

sj_rc
request_create(store *s, const scope *sc, const request_input *in, int64_t *id, sj_err *e)
{
	int64_t unit_id, reported_at = in->reported_at ? in->reported_at : dt_now();
	rq_update u = { .kind = "create", .from = RS_SUBMITTED, .to = RS_SUBMITTED,
	    .applied = true, .at = reported_at };
	due_dates due;
	service sv;
	arena a;
	sj_rc rc;

	*id = 0;
	if (!auth_role_may(sc->role, PERM_REQUEST_RAISE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not raise requests");
	arena_init(&a);
	if ((rc = service_for_new(s, &a, in->service_code, &sv, e)) != SJ_OK ||
	    (rc = input_check(in, e)) != SJ_OK ||
	    (rc = attrs_check(&sv, in, e)) != SJ_OK ||
	    (rc = reporter_resolve(s, sc, in, &unit_id, e)) != SJ_OK ||
	    (rc = dues_compute(s, reported_at, sv.response_days, sv.resolution_days, &due, e))
	    != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = request_insert(s, in, &sv, unit_id, reported_at, &due, id, e)) == SJ_OK &&
	    (rc = attrs_insert(s, *id, in, e)) == SJ_OK) {
		u.request_id = *id;
		rc = rq_update_write(s, sc, &u, NULL, e);
	}
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc != SJ_OK)
		*id = 0;
out:
	arena_free(&a);
	return rc;
}
