/*
 * resumption — work-resumption reports, their blockers, the rate on a
 * date and its trend (resumption.h).
 *
 * Invariants kept here beyond those of resumption.h:
 * - resumption_blocker.unit_id equals its report's unit_id, and every
 *   blocker was a request of that unit open on the report's date when the
 *   report was filed; every check runs before the first write.
 * - "The status on D" is one rule, written once (LATEST_ON): the report of
 *   the unit dated on or before D with no later (report_date, id) one.
 */
#include "domain/resumption.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/retention.h"

enum {
	Q_UNIT, Q_BLOCKER_CHECK, Q_REPORT_ADD, Q_BLOCKER_ADD, Q_REPORT_GET, Q_REPORT_LIST,
	Q_BLOCKERS_OF, Q_RATE, Q_UNITS, Q_DEMO_UNIT, Q_DEMO_REQUEST, Q_DEMO_RESOLVED,
};

#define REPORT_COLS \
	"r.id, r.unit_id, u.name, u.kind, r.report_date, r.status, r.staff_on_site," \
	" r.staff_total, r.capacity_pct, r.note, r.assumed, r.created_at" \
	" FROM resumption_report r JOIN unit u ON u.id = r.unit_id"

/* The units a rate counts: ?4 region (with up to three levels of regions
 * under it, the depth of the region tree below a province), ?5 kind, ?6
 * work group, ?7 one unit; NULL does not narrow. */
#define RATE_UNITS \
	" FROM unit u JOIN region g0 ON g0.id = u.region_id" \
	" LEFT JOIN region g1 ON g1.id = g0.parent_id" \
	" LEFT JOIN region g2 ON g2.id = g1.parent_id" \
	" LEFT JOIN region g3 ON g3.id = g2.parent_id" \
	" WHERE u.kind IN ('enterprise', 'project') AND " SCOPE_UNIT("u.id") \
	" AND (?4 IS NULL OR g0.id = ?4 OR g1.id = ?4 OR g2.id = ?4 OR g3.id = ?4)" \
	" AND (?5 IS NULL OR u.kind = ?5)" \
	" AND (?6 IS NULL OR u.id IN (SELECT a.unit_id FROM assignment a WHERE a.group_id = ?6))" \
	" AND (?7 IS NULL OR u.id = ?7)"

/* r is the status report of its unit on date ?8. */
#define LATEST_ON \
	" r.report_date <= ?8 AND NOT EXISTS (SELECT 1 FROM resumption_report r2" \
	" WHERE r2.unit_id = r.unit_id AND r2.report_date <= ?8" \
	" AND (r2.report_date > r.report_date OR (r2.report_date = r.report_date AND r2.id > r.id)))"

static const char *const resumption_sql[] = {
	[Q_UNIT] = "SELECT u.kind, u.name FROM unit u WHERE u.id = ?4 AND " SCOPE_UNIT("u.id"),
	/* Request ?1 of unit ?2, reported before the end ?3 of the report's
	 * date, its status at that instant (the last applied change before
	 * it) not final, and not expired at ?4, the request retention cut-off
	 * (domain/retention.h: an expired request does not exist). */
	[Q_BLOCKER_CHECK] =
	"SELECT count(*) FROM service_request q WHERE q.id = ?1 AND q.unit_id = ?2"
	" AND (q.status IN ('submitted', 'accepted', 'referred', 'in_progress', 'replied')"
	"  OR q.status_at >= ?4)"
	" AND q.reported_at < ?3 AND coalesce((SELECT w.to_status FROM request_update w"
	" WHERE w.request_id = q.id AND w.applied = 1 AND w.at < ?3"
	" ORDER BY w.at DESC, w.id DESC LIMIT 1), 'submitted')"
	" NOT IN ('resolved', 'rejected', 'duplicate', 'closed')",
	[Q_REPORT_ADD] =
	"INSERT INTO resumption_report (unit_id, report_date, status, staff_on_site, staff_total,"
	" capacity_pct, note, assumed, user_id, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
	[Q_BLOCKER_ADD] =
	"INSERT INTO resumption_blocker (report_id, request_id, unit_id) VALUES (?1, ?2, ?3)",
	[Q_REPORT_GET] = "SELECT " REPORT_COLS " WHERE r.id = ?4 AND " SCOPE_UNIT("r.unit_id"),
	/* ?6, ?7: the cursor (after_id, after_on); ?6 = 0 from the newest */
	[Q_REPORT_LIST] =
	"SELECT " REPORT_COLS " WHERE r.unit_id = ?4 AND " SCOPE_UNIT("r.unit_id")
	" AND (?6 = 0 OR r.report_date < ?7 OR (r.report_date = ?7 AND r.id < ?6))"
	" ORDER BY r.report_date DESC, r.id DESC LIMIT ?5",
	/* ?2 the request retention cut-off: an expired request is no
	 * longer named (the purge deletes its blocker rows) */
	[Q_BLOCKERS_OF] =
	"SELECT b.request_id FROM resumption_blocker b JOIN service_request q ON q.id = b.request_id"
	" WHERE b.report_id = ?1 AND (q.status IN ('submitted', 'accepted', 'referred',"
	" 'in_progress', 'replied') OR q.status_at >= ?2) ORDER BY b.request_id",
	[Q_RATE] =
	"SELECT count(*),"
	" coalesce(sum(CASE WHEN r.status = 'resumed' THEN 1 ELSE 0 END), 0),"
	" coalesce(sum(CASE WHEN r.status = 'partial' THEN 1 ELSE 0 END), 0),"
	" coalesce(sum(CASE WHEN r.status = 'not_resumed' THEN 1 ELSE 0 END), 0),"
	" coalesce(sum(r.staff_on_site), 0), coalesce(sum(r.staff_total), 0),"
	" count(r.staff_total)"
	" FROM resumption_report r WHERE " LATEST_ON
	" AND r.unit_id IN (SELECT u.id" RATE_UNITS ")",
	[Q_UNITS] = "SELECT count(*)" RATE_UNITS,
	[Q_DEMO_UNIT] = "SELECT id FROM unit WHERE name = ?1",
	[Q_DEMO_REQUEST] =
	"SELECT q.id FROM service_request q JOIN service v ON v.id = q.service_id"
	" WHERE q.unit_id = ?1 AND v.code = 'accommodation' ORDER BY q.id LIMIT 1",
	[Q_DEMO_RESOLVED] =
	"SELECT max(w.at) FROM request_update w WHERE w.request_id = ?1"
	" AND w.to_status = 'resolved' AND w.applied = 1",
};

static const char *const statuses[] = { "not_resumed", "partial", "resumed" };

const char *
resumption_status_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return statuses[i];
	return NULL;
}

static sj_rc
need_perm(const scope *sc, auth_perm perm, sj_err *e)
{
	if (auth_role_may(sc->role, perm))
		return SJ_OK;
	return sj_fail(e, SJ_EFORBIDDEN, NULL, perm == PERM_RESUMPTION_READ
	    ? "your role may not read work resumption" : "your role may not file resumption reports");
}

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v == RESUMPTION_NONE)
		store_bind_null(st, i);
	else
		store_bind_int(st, i, v);
}

/* ---- checks ------------------------------------------------------------- */

static sj_rc
staff_check(const resumption_input *in, sj_err *e)
{
	bool on = in->staff_on_site != RESUMPTION_NONE, total = in->staff_total != RESUMPTION_NONE;

	if (on != total)
		return sj_fail(e, SJ_EINVAL, on ? "staff_total" : "staff_on_site",
		    "give staff_on_site and staff_total together");
	if (!on)
		return SJ_OK;
	if (in->staff_on_site < 0 || in->staff_on_site > RESUMPTION_STAFF_MAX)
		return sj_fail(e, SJ_EINVAL, "staff_on_site", "must be 0..%d", RESUMPTION_STAFF_MAX);
	if (in->staff_total < 0 || in->staff_total > RESUMPTION_STAFF_MAX)
		return sj_fail(e, SJ_EINVAL, "staff_total", "must be 0..%d", RESUMPTION_STAFF_MAX);
	if (in->staff_on_site > in->staff_total)
		return sj_fail(e, SJ_EINVAL, "staff_on_site", "is %lld, more than staff_total %lld",
		    (long long)in->staff_on_site, (long long)in->staff_total);
	return SJ_OK;
}

/* The checks of resumption_report_add that need no database. */
static sj_rc
input_check(const resumption_input *in, sj_err *e)
{
	size_t n;
	sj_rc rc;

	if (in->report_date == RESUMPTION_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "report_date", "is required");
	if (in->report_date < DT_DATE_MIN || in->report_date > DT_DATE_MAX)
		return sj_fail(e, SJ_EINVAL, "report_date", "is out of range");
	if (in->report_date > dt_date_of(dt_now()))
		return sj_fail(e, SJ_EINVAL, "report_date", "is after today");
	if (in->status == NULL)
		return sj_fail(e, SJ_EINVAL, "status", "is required");
	if (resumption_status_parse(in->status) == NULL)
		return sj_fail(e, SJ_EINVAL, "status", "'%.40s' is not a status; use one of "
		    "not_resumed, partial, resumed", in->status);
	if ((rc = staff_check(in, e)) != SJ_OK)
		return rc;
	if (in->capacity_pct != RESUMPTION_NONE && (in->capacity_pct < 0 || in->capacity_pct > 100))
		return sj_fail(e, SJ_EINVAL, "capacity_pct", "is %lld; must be 0..100",
		    (long long)in->capacity_pct);
	if (in->note) {
		if ((rc = text_check_utf8(in->note, strlen(in->note), "note", TEXT_NO_CONTROL, e)) !=
		    SJ_OK)
			return rc;
		if ((n = text_length(in->note)) > RESUMPTION_NOTE_MAX)
			return sj_fail(e, SJ_EINVAL, "note", "is %zu characters long; at most %d", n,
			    RESUMPTION_NOTE_MAX);
	}
	if (in->n_blockers > RESUMPTION_BLOCKERS_MAX)
		return sj_fail(e, SJ_EINVAL, "blocker_ids", "has %zu requests; at most %d",
		    in->n_blockers, RESUMPTION_BLOCKERS_MAX);
	for (size_t i = 0; i < in->n_blockers; i++)
		for (size_t j = 0; j < i; j++)
			if (in->blocker_ids[i] == in->blocker_ids[j])
				return sj_fail(e, SJ_EINVAL, "blocker_ids", "request %lld is listed twice",
				    (long long)in->blocker_ids[i]);
	return SJ_OK;
}

/* The unit in scope, and of kind enterprise or project. */
static sj_rc
unit_check(store *s, const scope *sc, int64_t unit_id, sj_err *e)
{
	store_stmt *st;
	bool row, ok;
	sj_rc rc;

	if ((rc = store_prepare(s, resumption_sql[Q_UNIT], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, unit_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld", (long long)unit_id);
	ok = strcmp(store_col_text(st, 0), "enterprise") == 0 ||
	    strcmp(store_col_text(st, 0), "project") == 0;
	rc = ok ? SJ_OK : sj_fail(e, SJ_EINVAL, "unit_id", "%s is a %s; resumption is reported "
	    "for enterprises and projects only", store_col_text(st, 1), store_col_text(st, 0));
	store_reset(st);
	return rc;
}

static sj_rc
blockers_check(store *s, const resumption_input *in, sj_err *e)
{
	int64_t open, cut = retention_cutoff(RETENTION_REQUEST, dt_now());
	store_stmt *st;
	bool found;
	sj_rc rc;

	for (size_t i = 0; i < in->n_blockers; i++) {
		if ((rc = store_prepare(s, resumption_sql[Q_BLOCKER_CHECK], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, in->blocker_ids[i]);
		store_bind_int(st, 2, in->unit_id);
		store_bind_int(st, 3, dt_date_end(in->report_date));
		/* a report dated before the cut-off (the demo's history) still
		 * sees the requests that have expired since (retention_write_sees) */
		store_bind_int(st, 4, dt_date_end(in->report_date) < cut ? INT64_MIN : cut);
		if ((rc = store_query_int(st, &open, &found, e)) != SJ_OK)
			return rc;
		if (!found || open == 0) {
			char field[48];

			snprintf(field, sizeof field, "blocker_ids[%zu]", i);
			return sj_fail(e, SJ_EINVAL, field, "request %lld is not an open service "
			    "request of this unit on the report's date", (long long)in->blocker_ids[i]);
		}
	}
	return SJ_OK;
}

/* ---- writes ------------------------------------------------------------- */

static sj_rc
report_write(store *s, const resumption_input *in, int64_t user_id, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, resumption_sql[Q_REPORT_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->unit_id);
	store_bind_int(st, 2, in->report_date);
	store_bind_text(st, 3, resumption_status_parse(in->status));
	bind_opt(st, 4, in->staff_on_site);
	bind_opt(st, 5, in->staff_total);
	bind_opt(st, 6, in->capacity_pct);
	store_bind_text(st, 7, in->note ? in->note : "");
	store_bind_int(st, 8, in->assumed ? 1 : 0);
	bind_opt(st, 9, user_id > 0 ? user_id : RESUMPTION_NONE);
	store_bind_int(st, 10, dt_now());
	if ((rc = store_insert_id(st, id, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < in->n_blockers; i++) {
		if ((rc = store_prepare(s, resumption_sql[Q_BLOCKER_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, *id);
		store_bind_int(st, 2, in->blocker_ids[i]);
		store_bind_int(st, 3, in->unit_id);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
resumption_report_add(store *s, const scope *sc, const resumption_input *in, int64_t user_id,
    int64_t *id, sj_err *e)
{
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_RESUMPTION_WRITE, e)) != SJ_OK ||
	    (rc = input_check(in, e)) != SJ_OK ||
	    (rc = unit_check(s, sc, in->unit_id, e)) != SJ_OK ||
	    (rc = blockers_check(s, in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = report_write(s, in, user_id, id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- reads -------------------------------------------------------------- */

static int64_t
col_opt(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? RESUMPTION_NONE : store_col_int(st, i);
}

static void
report_from_row(store_stmt *st, arena *a, resumption_report *r)
{
	memset(r, 0, sizeof *r);
	r->id = store_col_int(st, 0);
	r->unit_id = store_col_int(st, 1);
	r->unit_name = arena_strdup(a, store_col_text(st, 2));
	r->unit_kind = arena_strdup(a, store_col_text(st, 3));
	r->report_date = (sj_date)store_col_int(st, 4);
	r->status = resumption_status_parse(store_col_text(st, 5));
	r->staff_on_site = col_opt(st, 6);
	r->staff_total = col_opt(st, 7);
	r->capacity_pct = col_opt(st, 8);
	r->note = arena_strdup(a, store_col_text(st, 9));
	r->assumed = store_col_int(st, 10) != 0;
	r->created_at = store_col_int(st, 11);
}

static sj_rc
blockers_fill(store *s, arena *a, resumption_report *r, sj_err *e)
{
	int64_t ids[RESUMPTION_BLOCKERS_MAX];
	store_stmt *st;
	bool row;
	sj_rc rc;

	r->n_blockers = 0;
	if ((rc = store_prepare(s, resumption_sql[Q_BLOCKERS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, r->id);
	store_bind_int(st, 2, retention_cutoff(RETENTION_REQUEST, dt_now()));
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		if (r->n_blockers < RESUMPTION_BLOCKERS_MAX)
			ids[r->n_blockers++] = store_col_int(st, 0);
	if (rc != SJ_OK)
		return rc;
	r->blocker_ids = arena_alloc(a, (r->n_blockers + 1) * sizeof *r->blocker_ids);
	memcpy(r->blocker_ids, ids, r->n_blockers * sizeof *ids);
	return SJ_OK;
}

sj_rc
resumption_report_get(store *s, const scope *sc, arena *a, int64_t id, resumption_report *out,
    sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = need_perm(sc, PERM_RESUMPTION_READ, e)) != SJ_OK ||
	    (rc = store_prepare(s, resumption_sql[Q_REPORT_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "id", "no resumption report with id %lld",
		    (long long)id);
	report_from_row(st, a, out);
	store_reset(st);
	return blockers_fill(s, a, out, e);
}

sj_rc
resumption_report_page(store *s, const scope *sc, arena *a, int64_t unit_id, sj_date after_on,
    int64_t after_id, int limit, resumption_page *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = need_perm(sc, PERM_RESUMPTION_READ, e)) != SJ_OK)
		return rc;
	if (limit < 1 || limit > RESUMPTION_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "must be 1 to %d", RESUMPTION_LIST_MAX);
	if ((rc = unit_check(s, sc, unit_id, e)) != SJ_OK ||
	    (rc = store_prepare(s, resumption_sql[Q_REPORT_LIST], &st, e)) != SJ_OK)
		return rc;
	out->reports = arena_alloc(a, (size_t)limit * sizeof *out->reports);
	scope_bind(st, sc);
	store_bind_int(st, 4, unit_id);
	store_bind_int(st, 5, limit + 1);
	store_bind_int(st, 6, after_id);
	store_bind_int(st, 7, after_id ? after_on : 0);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_reports == (size_t)limit) {
			out->has_more = true;
			out->next_on = out->reports[limit - 1].report_date;
			out->next_id = out->reports[limit - 1].id;
			store_reset(st);
			break;
		}
		report_from_row(st, a, &out->reports[out->n_reports++]);
	}
	if (rc != SJ_OK)
		return rc;
	for (size_t i = 0; i < out->n_reports; i++)
		if ((rc = blockers_fill(s, a, &out->reports[i], e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

sj_rc
resumption_report_list(store *s, const scope *sc, arena *a, int64_t unit_id,
    resumption_report **out, size_t *n, sj_err *e)
{
	resumption_page page = { .has_more = true };
	size_t cap = 0;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	while (page.has_more) {
		if ((rc = resumption_report_page(s, sc, a, unit_id, page.next_on, page.next_id,
		    RESUMPTION_LIST_MAX, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_reports; i++) {
			*out = arena_grow(a, *out, &cap, *n, sizeof **out);
			(*out)[(*n)++] = page.reports[i];
		}
	}
	return SJ_OK;
}

static void
bind_filter(store_stmt *st, const scope *sc, const resumption_filter *f)
{
	scope_bind(st, sc);
	if (f->region_id > 0)
		store_bind_int(st, 4, f->region_id);
	else
		store_bind_null(st, 4);
	store_bind_text(st, 5, f->kind);
	if (f->group_id > 0)
		store_bind_int(st, 6, f->group_id);
	else
		store_bind_null(st, 6);
	if (f->unit_id > 0)
		store_bind_int(st, 7, f->unit_id);
	else
		store_bind_null(st, 7);
}

static sj_rc
filter_check(const resumption_filter *f, sj_date on, sj_err *e)
{
	if (f->kind && strcmp(f->kind, "enterprise") != 0 && strcmp(f->kind, "project") != 0)
		return sj_fail(e, SJ_EINVAL, "kind", "'%.40s' is not enterprise or project", f->kind);
	if (on < DT_DATE_MIN || on > DT_DATE_MAX)
		return sj_fail(e, SJ_EINVAL, "date", "is out of range");
	return SJ_OK;
}

sj_rc
resumption_rate_on(store *s, const scope *sc, const resumption_filter *f, sj_date on,
    resumption_rate *out, sj_err *e)
{
	store_stmt *st;
	bool row, found;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->on = on;
	if ((rc = need_perm(sc, PERM_RESUMPTION_READ, e)) != SJ_OK ||
	    (rc = filter_check(f, on, e)) != SJ_OK ||
	    (rc = store_prepare(s, resumption_sql[Q_UNITS], &st, e)) != SJ_OK)
		return rc;
	bind_filter(st, sc, f);
	if ((rc = store_query_int(st, &out->units, &found, e)) != SJ_OK ||
	    (rc = store_prepare(s, resumption_sql[Q_RATE], &st, e)) != SJ_OK)
		return rc;
	bind_filter(st, sc, f);
	store_bind_int(st, 8, on);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row) {
		out->reporting = store_col_int(st, 0);
		out->resumed = store_col_int(st, 1);
		out->partial = store_col_int(st, 2);
		out->not_resumed = store_col_int(st, 3);
		out->staff_on_site = store_col_int(st, 4);
		out->staff_total = store_col_int(st, 5);
		out->staff_reporting = store_col_int(st, 6);
		store_reset(st);
	}
	return SJ_OK;
}

sj_rc
resumption_trend(store *s, const scope *sc, arena *a, const resumption_filter *f, sj_date from,
    sj_date to, resumption_rate **out, size_t *n, sj_err *e)
{
	resumption_rate *arr;
	size_t days;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = filter_check(f, from, e)) != SJ_OK || (rc = filter_check(f, to, e)) != SJ_OK)
		return rc;
	if (to < from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	days = (size_t)(to - from) + 1;
	if (days > RESUMPTION_TREND_MAX)
		return sj_fail(e, SJ_EINVAL, "to", "the range is %zu days; at most %d", days,
		    RESUMPTION_TREND_MAX);
	arr = arena_alloc(a, days * sizeof *arr);
	for (size_t i = 0; i < days; i++)
		if ((rc = resumption_rate_on(s, sc, f, dt_date_add_days(from, (int32_t)i), &arr[i],
		    e)) != SJ_OK)
			return rc;
	*out = arr;
	*n = days;
	return SJ_OK;
}

/* ---- demo --------------------------------------------------------------- */

static sj_rc
demo_id(store *s, int q, int64_t key, const char *name, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, resumption_sql[q], &st, e)) != SJ_OK)
		return rc;
	if (name)
		store_bind_text(st, 1, name);
	else
		store_bind_int(st, 1, key);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	if (!found || *id == 0)
		return sj_fail(e, SJ_EINTERNAL, NULL, "demo: %s not found", name ? name : "request");
	return SJ_OK;
}

static sj_rc
demo_report(store *s, int64_t unit, sj_date on, const char *status, bool assumed,
    const char *note, const int64_t *blocker, sj_err *e)
{
	resumption_input in = {
		.unit_id = unit, .report_date = on, .status = status,
		.staff_on_site = RESUMPTION_NONE, .staff_total = RESUMPTION_NONE,
		.capacity_pct = RESUMPTION_NONE, .note = note, .assumed = assumed,
		.blocker_ids = blocker, .n_blockers = blocker ? 1 : 0,
	};
	int64_t id;

	return resumption_report_add(s, &scope_system, &in, 0, &id, e);
}

sj_rc
resumption_demo_part(demo_ctx *ctx, sj_err *e)
{
	int64_t company, project, request, resolved_at;
	sj_date resolved_on;
	sj_rc rc;

	if ((rc = demo_id(ctx->s, Q_DEMO_UNIT, 0, "泰山石膏有限公司", &company, e)) != SJ_OK ||
	    (rc = demo_id(ctx->s, Q_DEMO_UNIT, 0, "丰泽领秀城项目", &project, e)) != SJ_OK ||
	    (rc = demo_id(ctx->s, Q_DEMO_REQUEST, company, NULL, &request, e)) != SJ_OK ||
	    (rc = demo_id(ctx->s, Q_DEMO_RESOLVED, request, NULL, &resolved_at, e)) != SJ_OK)
		return rc;
	resolved_on = dt_date_of(resolved_at);
	/* SCENARIO.md: not resumed, blocked by the accommodation request, from
	 * the survey after 2020-03-05 (the request is dated 2020-03-06); resumed
	 * once the request was resolved — dated the day after. */
	if ((rc = demo_report(ctx->s, company, dt_date_from_ymd(2020, 3, 6), "not_resumed", false,
	    "外方专家找不到符合标准的住宿，护面纸项目设备无法调试，不能复工。", &request, e)) != SJ_OK ||
	    (rc = demo_report(ctx->s, company, dt_date_add_days(resolved_on, 1), "resumed", false,
	    "外方专家入住泰安宝盛大酒店，设备正常调试，项目复工。", NULL, e)) != SJ_OK)
		return rc;
	/* Assumed: the report gives no status for the construction project. */
	if ((rc = demo_report(ctx->s, project, dt_date_from_ymd(2020, 3, 10), "partial", true,
	    "假定：部分复工。", NULL, e)) != SJ_OK)
		return rc;
	return demo_report(ctx->s, project, dt_date_from_ymd(2020, 3, 20), "resumed", true,
	    "假定：全面复工。", NULL, e);
}
