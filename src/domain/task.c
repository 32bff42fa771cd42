/*
 * task — tasks, their units, progress notes and links; overdue on the
 * working-day calendar.
 *
 * Invariants kept here beyond those of task.h:
 * - task.status changes only with a task_note row that records the change
 *   (status_from, status_to), in the same transaction.
 * - drop_reason is the body of the note that dropped the task, done_on the
 *   date of the note that finished it; both are cleared when the task is
 *   reopened (the schema's CHECKs hold the pairing).
 * - Every check runs before the first write; a task is written whole
 *   (row and units) or not at all.
 */
#include "domain/task.h"

#include <stdio.h>
#include <string.h>

#include "domain/request.h"
#include "domain/retention.h"
#include "domain/task_line.h"
#include "domain/workplan.h"

const char *const task_statuses[] = { "open", "in_progress", "done", "dropped", NULL };

const char *const task_record_types[] = {
	"visit", "inspection", "distribution", "service_request", "need", NULL,
};

enum {
	Q_TASK_ADD, Q_TASK_UPDATE, Q_TASK_GET, Q_TASK_LIST, Q_TASK_STATUS, Q_TASK_TOUCH,
	Q_UNIT_CLEAR, Q_UNIT_ADD, Q_UNITS_OF,
	Q_NOTE_ADD, Q_NOTES_OF,
	Q_LINK_ADD, Q_LINK_DEL, Q_LINKS_OF, Q_LINKS_OF_RECORD,
	Q_PLAN_START, Q_DECISION_GROUP,
};

#define TASK_COLS \
	"t.id, t.group_id, t.task_line, t.title, t.description, t.owner_id, m.name, t.due_on," \
	" t.status, t.drop_reason, t.done_on, t.decision_id, d.meeting_id, t.created_at," \
	" t.updated_at, coalesce(u.username, 'cli')" \
	" FROM task t JOIN group_member m ON m.id = t.owner_id" \
	" LEFT JOIN meeting_decision d ON d.id = t.decision_id" \
	" LEFT JOIN app_user u ON u.id = t.created_by"

static const char *const task_sql[] = {
	[Q_TASK_ADD] =
	"INSERT INTO task (group_id, task_line, title, description, owner_id, due_on, status,"
	" decision_id, created_at, created_by, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?8) RETURNING id",
	[Q_TASK_UPDATE] =
	"UPDATE task SET task_line = ?2, title = ?3, description = ?4, owner_id = ?5, due_on = ?6,"
	" updated_at = ?7 WHERE id = ?1",
	[Q_TASK_GET] =
	"SELECT " TASK_COLS " WHERE t.id = ?3 AND " WP_SCOPE_GROUP("t.group_id"),
	/* ?3 group, ?4 line, ?5 status, ?6 owner, ?7 unit, ?8 overdue day
	 * (NULL: any), ?9 cursor, ?10 limit */
	[Q_TASK_LIST] =
	"SELECT " TASK_COLS " WHERE " WP_SCOPE_GROUP("t.group_id")
	" AND (t.group_id = ?3 OR ?3 IS NULL)"
	" AND (t.task_line = ?4 OR ?4 IS NULL)"
	" AND (t.status = ?5 OR ?5 IS NULL)"
	" AND (t.owner_id = ?6 OR ?6 IS NULL)"
	" AND (t.id IN (SELECT tu.task_id FROM task_unit tu WHERE tu.unit_id = ?7) OR ?7 IS NULL)"
	" AND ((t.due_on < ?8 AND t.status IN ('open', 'in_progress')) OR ?8 IS NULL)"
	" AND t.id > ?9 ORDER BY t.id LIMIT ?10",
	[Q_TASK_STATUS] =
	"UPDATE task SET status = ?2, drop_reason = ?3, done_on = ?4, updated_at = ?5 WHERE id = ?1",
	[Q_TASK_TOUCH] = "UPDATE task SET updated_at = ?2 WHERE id = ?1",
	[Q_UNIT_CLEAR] = "DELETE FROM task_unit WHERE task_id = ?1",
	[Q_UNIT_ADD] = "INSERT INTO task_unit (task_id, unit_id) VALUES (?1, ?2)",
	[Q_UNITS_OF] =
	"SELECT tu.unit_id, un.name FROM task_unit tu JOIN unit un ON un.id = tu.unit_id"
	" WHERE tu.task_id = ?1 ORDER BY un.name_sort, un.id",
	[Q_NOTE_ADD] =
	"INSERT INTO task_note (task_id, noted_on, body, status_from, status_to, created_at,"
	" created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	[Q_NOTES_OF] =
	"SELECT n.id, n.task_id, n.noted_on, n.body, n.status_from, n.status_to, n.created_at,"
	" coalesce(u.username, 'cli') FROM task_note n LEFT JOIN app_user u ON u.id = n.created_by"
	" WHERE n.task_id = ?1 ORDER BY n.id",
	[Q_LINK_ADD] =
	"INSERT INTO task_link (task_id, record_type, record_id, created_at, created_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_LINK_DEL] =
	"DELETE FROM task_link WHERE task_id = ?1 AND record_type = ?2 AND record_id = ?3",
	[Q_LINKS_OF] =
	"SELECT record_type, record_id, created_at FROM task_link WHERE task_id = ?1"
	" ORDER BY record_type, record_id",
	[Q_LINKS_OF_RECORD] =
	"SELECT l.task_id FROM task_link l JOIN task t ON t.id = l.task_id"
	" WHERE l.record_type = ?3 AND l.record_id = ?4 AND " WP_SCOPE_GROUP("t.group_id")
	" ORDER BY l.task_id",
	[Q_PLAN_START] = "SELECT starts_on FROM work_plan WHERE group_id = ?1",
	[Q_DECISION_GROUP] =
	"SELECT m.group_id FROM meeting_decision d JOIN meeting m ON m.id = d.meeting_id"
	" WHERE d.id = ?1",
};

/*
 * The records a task links to, one query per type, each taking the
 * record's id as ?1 and giving: 0 the record's unit (NULL or 0 when
 * none), 1 a work group whose own supply site it involves (0 when none),
 * 2 its local date (or instant, see date_is_instant), 3 the unit's name,
 * then what the title is made of.  The tables are the other modules'
 * (schemas 0005, 0006, 0007).
 */
typedef struct record_kind {
	const char *type;
	const char *label;     /* for messages */
	bool date_is_instant;  /* column 2 is an instant, not a local date */
	const char *sql;
	const char *(*title)(store_stmt *st, arena *a);
	/* NULL, or whether the row read has expired (domain/retention.h):
	 * an expired record reads as missing. */
	bool (*expired)(store_stmt *st);
} record_kind;

static const char *title_visit(store_stmt *st, arena *a);
static const char *title_inspection(store_stmt *st, arena *a);
static const char *title_distribution(store_stmt *st, arena *a);
static const char *title_request(store_stmt *st, arena *a);
static const char *title_need(store_stmt *st, arena *a);
static bool request_expired(store_stmt *st);

static const record_kind record_kinds[] = {
	{ "visit", "visit", false,
	  "SELECT v.unit_id, 0, v.visited_on, u.name, v.purpose, v.household_id"
	  " FROM visit v JOIN unit u ON u.id = v.unit_id WHERE v.id = ?1",
	  title_visit, NULL },
	{ "inspection", "inspection", false,
	  "SELECT i.unit_id, 0, i.inspected_on, u.name, cl.name, p.name, c.name"
	  " FROM inspection i JOIN unit u ON u.id = i.unit_id JOIN place p ON p.id = i.place_id"
	  " JOIN checklist cl ON cl.id = i.checklist_id"
	  " LEFT JOIN checkpoint c ON c.id = i.checkpoint_id WHERE i.id = ?1",
	  title_inspection, NULL },
	{ "distribution", "distribution", false,
	  "SELECT ts.unit_id, coalesce(ts.group_id, fs.group_id, 0), d.doc_date, u.name,"
	  " fs.name, ts.name, (SELECT count(*) FROM supply_line l WHERE l.doc_id = d.id)"
	  " FROM supply_doc d JOIN supply_site fs ON fs.id = d.site_id"
	  " JOIN supply_site ts ON ts.id = d.to_site_id LEFT JOIN unit u ON u.id = ts.unit_id"
	  " WHERE d.id = ?1 AND d.kind = 'distribution'",
	  title_distribution, NULL },
	{ "service_request", "service request", true,
	  "SELECT r.unit_id, 0, r.reported_at, u.name, r.description, r.status, r.status_at"
	  " FROM service_request r LEFT JOIN unit u ON u.id = r.unit_id WHERE r.id = ?1",
	  title_request, request_expired },
	{ "need", "need", false,
	  "SELECT n.unit_id, 0, v.visited_on, u.name, n.category"
	  " FROM need n JOIN visit v ON v.id = n.visit_id JOIN unit u ON u.id = n.unit_id"
	  " WHERE n.id = ?1",
	  title_need, NULL },
};

#define N_RECORD_KINDS (sizeof record_kinds / sizeof record_kinds[0])

/* ---- small helpers -------------------------------------------------------- */

static void
bind_date(store_stmt *st, int i, sj_date d)
{
	if (d == TASK_DATE_NONE)
		store_bind_null(st, i);
	else
		store_bind_int(st, i, d);
}

static sj_date
col_date(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? TASK_DATE_NONE : (sj_date)store_col_int(st, i);
}

static const char *
col_str(store_stmt *st, arena *a, int i)
{
	return store_col_is_null(st, i) ? NULL : arena_strdup(a, store_col_text(st, i));
}

/* The first line of s, at most max code points, with "…" when cut. */
static const char *
one_line(arena *a, const char *s, size_t max)
{
	size_t i = 0, n = 0;

	if (s == NULL)
		return "";
	while (s[i] && s[i] != '\n' && s[i] != '\r') {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max)
			break;
		i++;
	}
	if (s[i] == '\0')
		return arena_strdup(a, s);
	return arena_printf(a, "%.*s…", (int)i, s);
}

bool
task_status_valid(const char *status)
{
	for (size_t i = 0; status && task_statuses[i]; i++)
		if (strcmp(task_statuses[i], status) == 0)
			return true;
	return false;
}

bool
task_transition_allowed(const char *from, const char *to)
{
	static const struct { const char *from, *to; } allowed[] = {
		{ "open", "in_progress" }, { "open", "done" }, { "open", "dropped" },
		{ "in_progress", "done" }, { "in_progress", "dropped" },
		{ "done", "in_progress" }, { "dropped", "open" },
	};

	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strcmp(allowed[i].from, from) == 0 && strcmp(allowed[i].to, to) == 0)
			return true;
	return false;
}

sj_date
task_due_effective(const calendar *c, sj_date due)
{
	if (due == TASK_DATE_NONE)
		return due;
	/* The longest run of days off in a Chinese calendar is about ten
	 * (Spring Festival plus a weekend); a year bounds any data error. */
	for (int i = 0; i <= 366; i++)
		if (calendar_is_working(c, dt_date_add_days(due, i)))
			return dt_date_add_days(due, i);
	return due;
}

bool
task_is_overdue(const calendar *c, const char *status, sj_date due, sj_date today)
{
	if (due == TASK_DATE_NONE || due >= today)
		return false;
	if (strcmp(status, "open") != 0 && strcmp(status, "in_progress") != 0)
		return false;
	return today > task_due_effective(c, due);
}

sj_date
task_today(void)
{
	return dt_date_of(dt_now());
}

static const record_kind *
record_kind_find(const char *type)
{
	for (size_t i = 0; type && i < N_RECORD_KINDS; i++)
		if (strcmp(record_kinds[i].type, type) == 0)
			return &record_kinds[i];
	return NULL;
}

static sj_rc
record_type_check(const char *type, const record_kind **out, sj_err *e)
{
	if ((*out = record_kind_find(type)) != NULL)
		return SJ_OK;
	return sj_fail(e, SJ_EINVAL, "record_type", "%s; use visit, inspection, distribution, "
	    "service_request or need", type ? "is not a record type" : "is required");
}

/* ---- reading ---------------------------------------------------------------- */

static void
task_read(store_stmt *st, arena *a, task *t)
{
	memset(t, 0, sizeof *t);
	t->id = store_col_int(st, 0);
	t->group_id = store_col_int(st, 1);
	t->task_line = arena_strdup(a, store_col_text(st, 2));
	t->title = arena_strdup(a, store_col_text(st, 3));
	t->description = col_str(st, a, 4);
	t->owner_id = store_col_int(st, 5);
	t->owner_name = arena_strdup(a, store_col_text(st, 6));
	t->due_on = col_date(st, 7);
	t->status = arena_strdup(a, store_col_text(st, 8));
	t->drop_reason = col_str(st, a, 9);
	t->done_on = col_date(st, 10);
	t->decision_id = store_col_is_null(st, 11) ? 0 : store_col_int(st, 11);
	t->meeting_id = store_col_is_null(st, 12) ? 0 : store_col_int(st, 12);
	t->created_at = store_col_int(st, 13);
	t->updated_at = store_col_int(st, 14);
	t->created_by = arena_strdup(a, store_col_text(st, 15));
}

static void
task_mark(const calendar *c, sj_date today, task *t)
{
	t->due_effective = task_due_effective(c, t->due_on);
	t->overdue = task_is_overdue(c, t->status, t->due_on, today);
}

static sj_rc
units_load(store *s, arena *a, task *t, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_UNITS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		t->units = arena_grow(a, t->units, &cap, t->n_units, sizeof *t->units);
		t->units[t->n_units].unit_id = store_col_int(st, 0);
		t->units[t->n_units++].name = arena_strdup(a, store_col_text(st, 1));
	}
	return rc;
}

static sj_rc
notes_load(store *s, arena *a, task *t, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_NOTES_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		task_note *n;
		t->notes = arena_grow(a, t->notes, &cap, t->n_notes, sizeof *t->notes);
		n = &t->notes[t->n_notes++];
		n->id = store_col_int(st, 0);
		n->task_id = store_col_int(st, 1);
		n->noted_on = (sj_date)store_col_int(st, 2);
		n->body = arena_strdup(a, store_col_text(st, 3));
		n->status_from = col_str(st, a, 4);
		n->status_to = col_str(st, a, 5);
		n->created_at = store_col_int(st, 6);
		n->created_by = arena_strdup(a, store_col_text(st, 7));
	}
	return rc;
}

/* ---- link titles ---------------------------------------------------------- */

static const char *
title_visit(store_stmt *st, arena *a)
{
	return arena_printf(a, "走访%s %s：%s", store_col_is_null(st, 5) ? "" : "住户",
	    store_col_text(st, 3), store_col_text(st, 4));
}

static const char *
title_inspection(store_stmt *st, arena *a)
{
	const char *cp = store_col_text(st, 6);

	return arena_printf(a, "%s：%s %s%s%s", store_col_text(st, 4), store_col_text(st, 3),
	    store_col_text(st, 5), cp ? " " : "", cp ? cp : "");
}

static const char *
title_distribution(store_stmt *st, arena *a)
{
	return arena_printf(a, "发放 %s → %s（%lld 项）", store_col_text(st, 4),
	    store_col_text(st, 5), (long long)store_col_int(st, 6));
}

static const char *
title_request(store_stmt *st, arena *a)
{
	const char *unit = store_col_text(st, 3);

	return arena_printf(a, "诉求%s%s：%s（%s）", unit ? " " : "", unit ? unit : "",
	    one_line(a, store_col_text(st, 4), 40), store_col_text(st, 5));
}

/* A finished request (column 5 its status) whose status_at (column 6)
 * lies before the request retention cut-off. */
static bool
request_expired(store_stmt *st)
{
	return !request_status_open(request_status_parse(store_col_text(st, 5))) &&
	    store_col_int(st, 6) < retention_cutoff(RETENTION_REQUEST, dt_now());
}

static const char *
title_need(store_stmt *st, arena *a)
{
	return arena_printf(a, "需求（%s）：%s", store_col_text(st, 4), store_col_text(st, 3));
}

/* What a record is, for a link: its unit, group site, date and title.
 * *found false when there is no such record, or (hide_expired: a read of
 * a task's links) it has expired (domain/retention.h).  Making a link
 * does not hide expired records: the demo links its 2020 requests.  A type whose module's
 * table is missing from the database gives SJ_EINVAL. */
typedef struct record_ref {
	int64_t unit_id;
	int64_t group_id;
	sj_date on;
	const char *unit_name;
	const char *title;
} record_ref;

static sj_rc
record_lookup(store *s, arena *a, const record_kind *k, int64_t id, bool hide_expired,
    record_ref *out, bool *found, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->on = TASK_DATE_NONE;
	if ((rc = store_prepare(s, k->sql, &st, e)) != SJ_OK)
		return rc == SJ_EDB ? sj_fail(e, SJ_EINVAL, "record_type", "records of type %s "
		    "are not kept in this database yet", k->type) : rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, found, e)) != SJ_OK || !*found)
		return rc;
	if (hide_expired && k->expired && k->expired(st)) {
		*found = false;
		store_reset(st);
		return SJ_OK;
	}
	out->unit_id = store_col_is_null(st, 0) ? 0 : store_col_int(st, 0);
	out->group_id = store_col_int(st, 1);
	if (!store_col_is_null(st, 2))
		out->on = k->date_is_instant ? dt_date_of(store_col_int(st, 2))
		    : (sj_date)store_col_int(st, 2);
	out->unit_name = store_col_is_null(st, 3) ? "" : arena_strdup(a, store_col_text(st, 3));
	out->title = k->title(st, a);
	store_reset(st);
	return SJ_OK;
}

static sj_rc
links_load(store *s, arena *a, task *t, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_LINKS_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		t->links = arena_grow(a, t->links, &cap, t->n_links, sizeof *t->links);
		t->links[t->n_links].record_type = arena_strdup(a, store_col_text(st, 0));
		t->links[t->n_links].record_id = store_col_int(st, 1);
		t->links[t->n_links++].created_at = store_col_int(st, 2);
	}
	if (rc != SJ_OK)
		return rc;
	/* Titles after the list is read: each comes from another statement. */
	for (size_t i = 0; i < t->n_links; i++) {
		task_link *l = &t->links[i];
		const record_kind *k = record_kind_find(l->record_type);
		record_ref ref;
		bool found = false;
		if (k == NULL || (rc = record_lookup(s, a, k, l->record_id, true, &ref, &found, e)) != SJ_OK)
			return k == NULL ? sj_fail(e, SJ_EINTERNAL, NULL, "link of unknown type") : rc;
		l->on = found ? ref.on : TASK_DATE_NONE;
		l->unit_id = found ? ref.unit_id : 0;
		l->unit_name = found ? ref.unit_name : "";
		l->title = found ? ref.title : "(record missing)";
	}
	return SJ_OK;
}

/* The task in scope, without details. */
static sj_rc
task_load(store *s, const scope *sc, arena *a, int64_t id, task *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_TASK_GET], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_int(st, 3, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "task", "no task with id %lld", (long long)id);
	task_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
task_get(store *s, const scope *sc, arena *a, int64_t id, sj_date today, task *out, sj_err *e)
{
	calendar cal;
	sj_rc rc;

	if ((rc = workplan_may(sc, false, e)) != SJ_OK ||
	    (rc = task_load(s, sc, a, id, out, e)) != SJ_OK ||
	    (rc = calendar_read(s, a, &cal, e)) != SJ_OK ||
	    (rc = units_load(s, a, out, e)) != SJ_OK ||
	    (rc = notes_load(s, a, out, e)) != SJ_OK ||
	    (rc = links_load(s, a, out, e)) != SJ_OK)
		return rc;
	task_mark(&cal, today == TASK_DATE_NONE ? task_today() : today, out);
	return SJ_OK;
}

static sj_rc
list_check(const task_filter *f, int *limit, sj_err *e)
{
	*limit = f->limit == 0 ? 50 : f->limit;
	if (*limit < 1 || *limit > TASK_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "must be 1 to %d", TASK_LIST_MAX);
	if (f->task_line && !task_line_valid(f->task_line))
		return task_line_check(f->task_line, "task_line", e);
	if (f->status && !task_status_valid(f->status))
		return sj_fail(e, SJ_EINVAL, "status", "'%.40s' is not a status; use open, "
		    "in_progress, done or dropped", f->status);
	return SJ_OK;
}

/* Read up to want rows after *after into out, keeping those that pass the
 * overdue filter; *more says whether the query may have more rows. */
static sj_rc
list_batch(store *s, const scope *sc, arena *a, const task_filter *f, const calendar *cal,
    sj_date as_of, int64_t *after, int want, task_page *out, size_t *cap, bool *more,
    sj_err *e)
{
	store_stmt *st;
	int got = 0;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_TASK_LIST], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	if (f->group_id > 0)
		store_bind_int(st, 3, f->group_id);
	else
		store_bind_null(st, 3);
	store_bind_text(st, 4, f->task_line);
	store_bind_text(st, 5, f->status);
	if (f->owner_id > 0)
		store_bind_int(st, 6, f->owner_id);
	else
		store_bind_null(st, 6);
	if (f->unit_id > 0)
		store_bind_int(st, 7, f->unit_id);
	else
		store_bind_null(st, 7);
	bind_date(st, 8, f->overdue ? as_of : TASK_DATE_NONE);
	store_bind_int(st, 9, *after);
	store_bind_int(st, 10, want);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		task t;
		got++;
		task_read(st, a, &t);
		*after = t.id;
		task_mark(cal, as_of, &t);
		if (f->overdue && !t.overdue)
			continue;
		out->tasks = arena_grow(a, out->tasks, cap, out->n_tasks, sizeof *out->tasks);
		out->tasks[out->n_tasks++] = t;
	}
	*more = got == want;
	return rc;
}

sj_rc
task_list(store *s, const scope *sc, arena *a, const task_filter *f, task_page *out,
    sj_err *e)
{
	sj_date as_of = f->as_of == TASK_DATE_NONE ? task_today() : f->as_of;
	int64_t after = f->after_id;
	size_t cap = 0;
	calendar cal;
	bool more = true;
	int limit;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = workplan_may(sc, false, e)) != SJ_OK || (rc = list_check(f, &limit, e)) != SJ_OK ||
	    (rc = calendar_read(s, a, &cal, e)) != SJ_OK)
		return rc;
	/* One row beyond the page tells whether another page follows. */
	while (more && out->n_tasks < (size_t)limit + 1)
		if ((rc = list_batch(s, sc, a, f, &cal, as_of, &after,
		    limit + 1 - (int)out->n_tasks, out, &cap, &more, e)) != SJ_OK)
			return rc;
	if (out->n_tasks > (size_t)limit) {
		out->n_tasks = (size_t)limit;
		out->has_more = true;
		out->next_id = out->tasks[limit - 1].id;
	}
	for (size_t i = 0; i < out->n_tasks; i++)
		if ((rc = units_load(s, a, &out->tasks[i], e)) != SJ_OK)
			return rc;
	return SJ_OK;
}

/* ---- writing ---------------------------------------------------------------- */

/* The start of the group's work plan, or TASK_DATE_NONE without a plan. */
static sj_rc
plan_start(store *s, int64_t group_id, sj_date *start, sj_err *e)
{
	store_stmt *st;
	int64_t v = 0;
	bool found = false;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_PLAN_START], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group_id);
	rc = store_query_int(st, &v, &found, e);
	*start = found ? (sj_date)v : TASK_DATE_NONE;
	return rc;
}

static sj_rc
check_units(store *s, int64_t group_id, const char *group_name, const task_input *in,
    sj_err *e)
{
	char field[32];
	sj_rc rc;

	if (in->n_unit_ids > TASK_UNITS_MAX)
		return sj_fail(e, SJ_EINVAL, "unit_ids", "has %zu units; at most %d", in->n_unit_ids,
		    TASK_UNITS_MAX);
	for (size_t i = 0; i < in->n_unit_ids; i++) {
		snprintf(field, sizeof field, "unit_ids[%zu]", i);
		for (size_t j = 0; j < i; j++)
			if (in->unit_ids[j] == in->unit_ids[i])
				return sj_fail(e, SJ_EINVAL, field, "unit %lld is listed twice",
				    (long long)in->unit_ids[i]);
		if ((rc = workplan_unit_check(s, group_id, group_name, in->unit_ids[i], field,
		    e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* Every check of task.h's task_add on in, for group_id. */
static sj_rc
task_check(store *s, arena *a, int64_t group_id, const char *group_name, const task_input *in,
    sj_err *e)
{
	sj_date start;
	sj_rc rc;

	if (in->title == NULL)
		return sj_fail(e, SJ_EINVAL, "title", "is required");
	if ((rc = workplan_check_text(in->title, "title", TASK_TITLE_MAX, true, e)) != SJ_OK ||
	    (rc = workplan_check_text(in->description, "description", TASK_TEXT_MAX, false,
	    e)) != SJ_OK ||
	    (rc = task_line_check(in->task_line, "task_line", e)) != SJ_OK ||
	    (rc = workplan_member_check(s, a, group_id, group_name, in->owner_id, "owner_id", NULL,
	    e)) != SJ_OK ||
	    (rc = plan_start(s, group_id, &start, e)) != SJ_OK)
		return rc;
	if (in->due_on != TASK_DATE_NONE && start != TASK_DATE_NONE && in->due_on < start) {
		char due[DT_DATE_LEN], from[DT_DATE_LEN];
		dt_date_format(in->due_on, due);
		dt_date_format(start, from);
		return sj_fail(e, SJ_EINVAL, "due_on", "%s is before the start of the work plan, %s",
		    due, from);
	}
	return check_units(s, group_id, group_name, in, e);
}

static sj_rc
units_write(store *s, int64_t task_id, const task_input *in, bool clear, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (clear) {
		if ((rc = store_prepare(s, task_sql[Q_UNIT_CLEAR], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, task_id);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	for (size_t i = 0; i < in->n_unit_ids; i++) {
		if ((rc = store_prepare(s, task_sql[Q_UNIT_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, task_id);
		store_bind_int(st, 2, in->unit_ids[i]);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

static sj_rc
task_insert(store *s, const scope *sc, int64_t group_id, const task_input *in,
    int64_t decision_id, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_TASK_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, group_id);
	store_bind_text(st, 2, in->task_line);
	store_bind_text(st, 3, in->title);
	store_bind_text(st, 4, in->description);
	store_bind_int(st, 5, in->owner_id);
	bind_date(st, 6, in->due_on);
	if (decision_id > 0)
		store_bind_int(st, 7, decision_id);
	else
		store_bind_null(st, 7);
	store_bind_int(st, 8, dt_now());
	workplan_bind_user(st, 9, sc);
	if ((rc = store_insert_id(st, id, e)) != SJ_OK)
		return rc;
	return units_write(s, *id, in, false, e);
}

static sj_rc
decision_check(store *s, int64_t group_id, int64_t decision_id, sj_err *e)
{
	store_stmt *st;
	int64_t g = 0;
	bool found = false;
	sj_rc rc;

	if (decision_id <= 0)
		return SJ_OK;
	if ((rc = store_prepare(s, task_sql[Q_DECISION_GROUP], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, decision_id);
	if ((rc = store_query_int(st, &g, &found, e)) != SJ_OK)
		return rc;
	if (!found || g != group_id)
		return sj_fail(e, SJ_ENOTFOUND, "decision_id", "no decision %lld of a meeting of "
		    "this work group", (long long)decision_id);
	return SJ_OK;
}

sj_rc
task_add(store *s, const scope *sc, int64_t group_id, const task_input *in,
    int64_t decision_id, int64_t *id, sj_err *e)
{
	const char *group_name;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, group_id, &group_name, e)) != SJ_OK ||
	    (rc = decision_check(s, group_id, decision_id, e)) != SJ_OK ||
	    (rc = task_check(s, &a, group_id, group_name, in, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = task_insert(s, sc, group_id, in, decision_id, id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

static sj_rc
task_rewrite(store *s, int64_t id, const task_input *in, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_TASK_UPDATE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, in->task_line);
	store_bind_text(st, 3, in->title);
	store_bind_text(st, 4, in->description);
	store_bind_int(st, 5, in->owner_id);
	bind_date(st, 6, in->due_on);
	store_bind_int(st, 7, dt_now());
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	return units_write(s, id, in, true, e);
}

/* Whether in says what task t already holds (units as a set; task_check
 * has refused a unit listed twice). */
static bool
task_same(const task *t, const task_input *in)
{
	if (!workplan_text_same(t->title, in->title) ||
	    !workplan_text_same(t->description, in->description) ||
	    !workplan_text_same(t->task_line, in->task_line) || t->owner_id != in->owner_id ||
	    t->due_on != in->due_on || t->n_units != in->n_unit_ids)
		return false;
	for (size_t i = 0; i < in->n_unit_ids; i++) {
		size_t j = 0;

		while (j < t->n_units && t->units[j].unit_id != in->unit_ids[i])
			j++;
		if (j == t->n_units)
			return false;
	}
	return true;
}

sj_rc
task_update(store *s, const scope *sc, int64_t id, const task_input *in, sj_err *e)
{
	const char *group_name;
	task t;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = task_load(s, sc, &a, id, &t, e)) != SJ_OK ||
	    (rc = workplan_group_name(s, sc, &a, t.group_id, &group_name, e)) != SJ_OK ||
	    (rc = task_check(s, &a, t.group_id, group_name, in, e)) != SJ_OK ||
	    task_same(&t, in) || (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = task_rewrite(s, id, in, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

static sj_rc
note_check(const task *t, const task_note_input *in, sj_date *noted_on, sj_err *e)
{
	sj_rc rc;

	if (in->body == NULL)
		return sj_fail(e, SJ_EINVAL, "body", "is required%s",
		    in->status && strcmp(in->status, "dropped") == 0 ? ": say why the task is dropped"
		    : "");
	if ((rc = workplan_check_text(in->body, "body", TASK_TEXT_MAX, false, e)) != SJ_OK)
		return rc;
	*noted_on = in->noted_on == TASK_DATE_NONE ? task_today() : in->noted_on;
	if (*noted_on > task_today())
		return sj_fail(e, SJ_EINVAL, "noted_on", "is after today");
	if (in->status == NULL)
		return SJ_OK;
	if (!task_status_valid(in->status))
		return sj_fail(e, SJ_EINVAL, "status", "'%.40s' is not a status; use open, "
		    "in_progress, done or dropped", in->status);
	if (strcmp(in->status, t->status) == 0)
		return sj_fail(e, SJ_ECONFLICT, "status", "the task is already %s", t->status);
	if (!task_transition_allowed(t->status, in->status))
		return sj_fail(e, SJ_ECONFLICT, "status", "a task that is %s cannot become %s%s",
		    t->status, in->status, strcmp(t->status, "done") == 0 ||
		    strcmp(t->status, "dropped") == 0 ? "; reopen it first" : "");
	return SJ_OK;
}

static sj_rc
note_write(store *s, const scope *sc, const task *t, const task_note_input *in,
    sj_date noted_on, int64_t *note_id, sj_err *e)
{
	bool change = in->status != NULL;
	int64_t now = dt_now(), nid;
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, task_sql[Q_NOTE_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->id);
	store_bind_int(st, 2, noted_on);
	store_bind_text(st, 3, in->body);
	store_bind_text(st, 4, change ? t->status : NULL);
	store_bind_text(st, 5, in->status);
	store_bind_int(st, 6, now);
	workplan_bind_user(st, 7, sc);
	if ((rc = store_insert_id(st, &nid, e)) != SJ_OK)
		return rc;
	if (note_id)
		*note_id = nid;
	if ((rc = store_prepare(s, task_sql[change ? Q_TASK_STATUS : Q_TASK_TOUCH], &st,
	    e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, t->id);
	if (!change) {
		store_bind_int(st, 2, now);
		return store_run(st, e);
	}
	store_bind_text(st, 2, in->status);
	store_bind_text(st, 3, strcmp(in->status, "dropped") == 0 ? in->body : NULL);
	bind_date(st, 4, strcmp(in->status, "done") == 0 ? noted_on : TASK_DATE_NONE);
	store_bind_int(st, 5, now);
	return store_run(st, e);
}

sj_rc
task_note_add(store *s, const scope *sc, int64_t id, const task_note_input *in,
    int64_t *note_id, sj_err *e)
{
	sj_date noted_on = TASK_DATE_NONE;
	task t;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = task_load(s, sc, &a, id, &t, e)) != SJ_OK ||
	    (rc = note_check(&t, in, &noted_on, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = note_write(s, sc, &t, in, noted_on, note_id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* ---- links ---------------------------------------------------------------- */

static sj_rc
link_check(store *s, arena *a, const task *t, const record_kind *k, int64_t record_id,
    sj_err *e)
{
	const char *group_name = NULL;
	record_ref ref;
	bool found = false;
	sj_rc rc;

	if (record_id <= 0)
		return sj_fail(e, SJ_EINVAL, "record_id", "must be an id (1 or more)");
	if ((rc = record_lookup(s, a, k, record_id, false, &ref, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "record_id", "no %s with id %lld", k->label,
		    (long long)record_id);
	if (ref.group_id > 0 && ref.group_id == t->group_id)
		return SJ_OK;
	if ((rc = workplan_group_name(s, &scope_system, a, t->group_id, &group_name, e)) != SJ_OK)
		return rc;
	if (ref.unit_id > 0) {
		sj_err ignored = {0};
		if (workplan_unit_check(s, t->group_id, group_name, ref.unit_id, "record_id",
		    &ignored) == SJ_OK)
			return SJ_OK;
		if (ignored.rc != SJ_EINVAL)
			return sj_fail(e, ignored.rc, ignored.field, "%s", ignored.msg);
	}
	return sj_fail(e, SJ_EINVAL, "record_id", "%s %lld is of %s, which is not assigned to "
	    "work group %s", k->label, (long long)record_id,
	    *ref.unit_name ? ref.unit_name : "another work group", group_name);
}

sj_rc
task_link_add(store *s, const scope *sc, int64_t id, const char *record_type,
    int64_t record_id, sj_err *e)
{
	const record_kind *k;
	store_stmt *st;
	task t;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = task_load(s, sc, &a, id, &t, e)) != SJ_OK ||
	    (rc = record_type_check(record_type, &k, e)) != SJ_OK ||
	    (rc = link_check(s, &a, &t, k, record_id, e)) != SJ_OK ||
	    (rc = store_prepare(s, task_sql[Q_LINK_ADD], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, k->type);
	store_bind_int(st, 3, record_id);
	store_bind_int(st, 4, dt_now());
	workplan_bind_user(st, 5, sc);
	/* A duplicate fails the statement: inside a caller's transaction that
	 * would spoil it, so the insert runs in its own savepoint. */
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = store_run(st, e)) != SJ_OK) {
		store_rollback(s);
		if (rc == SJ_ECONFLICT)
			rc = sj_fail(e, rc, "record_id", "task %lld already links %s %lld",
			    (long long)id, k->label, (long long)record_id);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
task_link_remove(store *s, const scope *sc, int64_t id, const char *record_type,
    int64_t record_id, sj_err *e)
{
	const record_kind *k;
	store_stmt *st;
	task t;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = workplan_may(sc, true, e)) != SJ_OK ||
	    (rc = task_load(s, sc, &a, id, &t, e)) != SJ_OK ||
	    (rc = record_type_check(record_type, &k, e)) != SJ_OK ||
	    (rc = store_prepare(s, task_sql[Q_LINK_DEL], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, k->type);
	store_bind_int(st, 3, record_id);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) == 0)
		rc = sj_fail(e, SJ_ENOTFOUND, "record_id", "task %lld does not link %s %lld",
		    (long long)id, k->label, (long long)record_id);
out:
	arena_free(&a);
	return rc;
}

sj_rc
task_links_of_record(store *s, const scope *sc, arena *a, const char *record_type,
    int64_t record_id, int64_t **task_ids, size_t *n, sj_err *e)
{
	const record_kind *k;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*task_ids = NULL;
	*n = 0;
	if ((rc = record_type_check(record_type, &k, e)) != SJ_OK ||
	    (rc = store_prepare(s, task_sql[Q_LINKS_OF_RECORD], &st, e)) != SJ_OK)
		return rc;
	workplan_scope_bind(st, sc);
	store_bind_text(st, 3, k->type);
	store_bind_int(st, 4, record_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*task_ids = arena_grow(a, *task_ids, &cap, *n, sizeof **task_ids);
		(*task_ids)[(*n)++] = store_col_int(st, 0);
	}
	return rc;
}
