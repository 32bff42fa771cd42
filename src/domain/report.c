/*
 * report — the daily report's figures and ledger rows (report.h), built
 * from the modules' own list functions unit by unit.
 *
 * Invariants kept here:
 * - every figure is counted from rows a list function returned for the
 *   caller's scope; nothing is read around the scope;
 * - "overdue" figures are judged at the end of the range, or now when the
 *   range reaches into the future (nothing is overdue ahead of the clock).
 */
#include "domain/report.h"

#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "domain/auth.h"
#include "domain/person.h"
#include "domain/supply_item.h"
#include "domain/supply_site.h"

enum { Q_UNITS, Q_GROUP, Q_REGION, Q_UNIT_NAME, Q_GROUP_SITE };

/* The units of a report: in scope (?1..?3), ?4 one unit, ?5 a work group's
 * units, ?6 a region with up to three levels under it (as
 * resumption.c's RATE_UNITS); 0 does not narrow. */
static const char *const report_sql[] = {
	[Q_UNITS] =
	"SELECT u.id, u.name, u.kind FROM unit u LEFT JOIN region g0 ON g0.id = u.region_id"
	" LEFT JOIN region g1 ON g1.id = g0.parent_id"
	" LEFT JOIN region g2 ON g2.id = g1.parent_id"
	" LEFT JOIN region g3 ON g3.id = g2.parent_id"
	" WHERE " SCOPE_UNIT("u.id")
	" AND (?4 = 0 OR u.id = ?4)"
	" AND (?5 = 0 OR u.id IN (SELECT a.unit_id FROM assignment a WHERE a.group_id = ?5))"
	" AND (?6 = 0 OR g0.id = ?6 OR g1.id = ?6 OR g2.id = ?6 OR g3.id = ?6)"
	" ORDER BY u.id",
	/* a work group the scope may report on: any for a global role, the
	 * caller's own otherwise */
	[Q_GROUP] = "SELECT name FROM work_group WHERE id = ?4 AND (?1 = 1 OR id = ?2)",
	[Q_REGION] = "SELECT name FROM region WHERE id = ?1",
	[Q_UNIT_NAME] = "SELECT u.name FROM unit u WHERE u.id = ?4 AND " SCOPE_UNIT("u.id"),
	[Q_GROUP_SITE] = "SELECT id FROM supply_site WHERE kind = 'group' AND group_id = ?1",
};

/* One name from a statement binding the scope and ?4 (or ?1 = id). */
static sj_rc
name_of(store *s, const scope *sc, arena *a, int q, int64_t id, const char **out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	if ((rc = store_prepare(s, report_sql[q], &st, e)) != SJ_OK)
		return rc;
	if (q == Q_REGION) {
		store_bind_int(st, 1, id);
	} else {
		scope_bind(st, sc);
		store_bind_int(st, 4, id);
	}
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row) {
		*out = arena_strdup(a, store_col_text(st, 0));
		store_reset(st);
	}
	return SJ_OK;
}

static sj_rc
selection_check(store *s, const scope *sc, arena *a, const report_selection *sel,
    report_daily *out, sj_err *e)
{
	int given = (sel->group_id != 0) + (sel->unit_id != 0) + (sel->region_id != 0);
	const char *name = NULL;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_REPORT_READ))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not read reports");
	if (sel->reveal && !auth_role_may(sc->role, PERM_PERSON_REVEAL))
		return sj_fail(e, SJ_EFORBIDDEN, "reveal", "your role may not reveal identity data");
	if (given != 1)
		return sj_fail(e, SJ_EINVAL, "group", "give exactly one of group, unit and region");
	if (sel->from < DT_DATE_MIN || sel->from > DT_DATE_MAX - REPORT_DAYS_MAX)
		return sj_fail(e, SJ_EINVAL, "date", "is out of range");
	if (sel->to < sel->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before date");
	if (sel->to - sel->from >= REPORT_DAYS_MAX)
		return sj_fail(e, SJ_EINVAL, "to", "a report covers at most %d days", REPORT_DAYS_MAX);
	if (sel->unit_id) {
		out->kind = "unit";
		if ((rc = name_of(s, sc, a, Q_UNIT_NAME, sel->unit_id, &name, e)) != SJ_OK)
			return rc;
		if (name == NULL)
			return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit %lld in your scope",
			    (long long)sel->unit_id);
	} else if (sel->group_id) {
		out->kind = "group";
		if ((rc = name_of(s, sc, a, Q_GROUP, sel->group_id, &name, e)) != SJ_OK)
			return rc;
		if (name == NULL)
			return sj_fail(e, SJ_ENOTFOUND, "group", "no work group %lld in your scope",
			    (long long)sel->group_id);
	} else {
		out->kind = "region";
		if ((rc = name_of(s, sc, a, Q_REGION, sel->region_id, &name, e)) != SJ_OK)
			return rc;
		if (name == NULL)
			return sj_fail(e, SJ_ENOTFOUND, "region", "no region %lld",
			    (long long)sel->region_id);
	}
	out->title = name;
	return SJ_OK;
}

static sj_rc
units_load(store *s, const scope *sc, arena *a, report_daily *out, sj_err *e)
{
	store_stmt *st;
	size_t cap = 0;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, report_sql[Q_UNITS], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, out->sel.unit_id);
	store_bind_int(st, 5, out->sel.group_id);
	store_bind_int(st, 6, out->sel.region_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		report_unit *u;

		out->units = arena_grow(a, out->units, &cap, out->n_units, sizeof *out->units);
		u = &out->units[out->n_units++];
		memset(u, 0, sizeof *u);
		u->id = store_col_int(st, 0);
		u->name = arena_strdup(a, store_col_text(st, 1));
		u->kind = arena_strdup(a, store_col_text(st, 2));
	}
	for (size_t i = 0; rc == SJ_OK && i < out->n_units; i++) {
		rc = supply_site_of_unit(s, sc, out->units[i].id, false, "unit", &out->units[i].site_id,
		    e);
		if (rc == SJ_ENOTFOUND) {  /* a unit that never received supplies has no site */
			out->units[i].site_id = 0;
			sj_err_clear(e);
			rc = SJ_OK;
		}
	}
	return rc;
}

/* Append one element of size sz to *arr (n, cap) in a; returns it. */
static void *
push(arena *a, void *arr_p, size_t *n, size_t *cap, size_t sz)
{
	void **arr = arr_p;

	*arr = arena_grow(a, *arr, cap, *n, sz);
	return (char *)*arr + sz * (*n)++;
}

/* ---- identity beside ledger rows ------------------------------------------ */

sj_rc
report_person_lookup(store *s, const crypt_keys *k, const scope *sc, arena *a, bool reveal,
    int64_t id, const char *masked_name, report_person *out, sj_err *e)
{
	person p;
	const char *idn = NULL, *mobile = NULL;
	sj_rc rc;

	out->name = masked_name ? masked_name : "";
	out->id_number = out->mobile = "";
	if (id <= 0)
		return SJ_OK;
	rc = person_get(s, sc, a, id, &p, e);
	if (rc == SJ_ENOTFOUND) {  /* a person outside the scope: the masked name only */
		sj_err_clear(e);
		return SJ_OK;
	}
	if (rc != SJ_OK)
		return rc;
	out->id_number = p.id_number_mask ? p.id_number_mask : "";
	out->mobile = p.mobile_mask ? p.mobile_mask : "";
	if (masked_name == NULL && p.name) {
		size_t n = strlen(p.name) + 1;
		char *m = arena_alloc(a, n);

		out->name = ident_name_mask(p.name, m, n, e) == SJ_OK ? m : "";
		sj_err_clear(e);
	}
	if (!reveal)
		return SJ_OK;
	if ((rc = person_reveal(s, k, sc, a, id, &idn, &mobile, e)) != SJ_OK)
		return rc;
	out->name = p.name ? p.name : "";
	out->id_number = idn ? idn : "";
	out->mobile = mobile ? mobile : "";
	return SJ_OK;
}

/* The slot of a task line code in the *_by_line arrays: its index, or
 * TASK_LINE_COUNT for none. */
static int
line_slot(const char *code)
{
	int i = code ? task_line_index(code) : -1;

	return i >= 0 && i < TASK_LINE_COUNT ? i : TASK_LINE_COUNT;
}

/* ---- registrations and alerts -------------------------------------------- */

typedef struct build {
	store *s;
	const crypt_keys *keys;
	const scope *sc;
	arena *a;
	report_daily *r;
	int64_t judged_at;       /* overdue figures: min(now, end) */
	size_t cap_scans, cap_alerts, cap_outsiders, cap_disinf, cap_insp, cap_find, cap_visits,
	    cap_moves, cap_requests, cap_resumption, cap_received, cap_delivered, cap_depts;
} build;

static sj_rc
scans_of(build *b, const report_unit *u, sj_err *e)
{
	scan_filter f = { .unit_id = u->id, .from = b->r->start, .to = b->r->end,
	    .limit = SCAN_LIST_MAX };
	scan_page page;
	sj_rc rc;

	do {
		if ((rc = scan_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_scans; i++) {
			report_scan *row = push(b->a, &b->r->scan_rows, &b->r->n_scan_rows,
			    &b->cap_scans, sizeof *row);

			row->scan = page.scans[i];
			row->unit_name = u->name;
			if ((rc = report_person_lookup(b->s, b->keys, b->sc, b->a, b->r->sel.reveal,
			    page.scans[i].person_id, page.scans[i].person_name, &row->who, e)) != SJ_OK)
				return rc;
			b->r->scans++;
			if (page.scans[i].direction == SCAN_IN)
				b->r->scans_in++;
			else
				b->r->scans_out++;
		}
		f.before_id = page.next_before_id;
	} while (page.has_more);
	return SJ_OK;
}

/* The registrations ledger's order: by scan time, then id (the unit
 * lists come newest id first, one unit after another). */
static int
scan_row_cmp(const void *pa, const void *pb)
{
	const scan_row *x = &((const report_scan *)pa)->scan, *y = &((const report_scan *)pb)->scan;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static sj_rc
alerts_of(build *b, const report_unit *u, sj_err *e)
{
	alert_filter f = { .unit_id = u->id, .from = b->r->start, .to = b->r->end,
	    .limit = ALERT_LIST_MAX };
	alert_page page;
	sj_rc rc;

	do {
		if ((rc = alert_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_alerts; i++) {
			alert *row = push(b->a, &b->r->alert_rows, &b->r->n_alert_rows, &b->cap_alerts,
			    sizeof *row);

			*row = page.alerts[i];
			b->r->alerts++;
			b->r->alerts_fever += (row->reasons & SCAN_R_FEVER) != 0;
			b->r->alerts_denied += row->decision == SCAN_DENY;
			b->r->alerts_outsider += (row->reasons & SCAN_R_OUTSIDER_UNREGISTERED) != 0;
		}
		f.before_id = page.next_before_id;
	} while (page.has_more);
	return SJ_OK;
}

/* Outsider registrations made in the range (the list has no date filter:
 * the unit's registrations, newest first, until one older than the range). */
static sj_rc
outsiders_of(build *b, const report_unit *u, sj_err *e)
{
	outsider_filter f = { .unit_id = u->id, .limit = OUTSIDER_LIST_MAX };
	outsider_page page;
	sj_rc rc;

	do {
		if ((rc = outsider_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_items; i++) {
			const outsider *o = &page.items[i];
			report_outsider *row;

			if (o->registered_at < b->r->start || o->registered_at >= b->r->end)
				continue;
			row = push(b->a, &b->r->outsider_rows, &b->r->n_outsider_rows, &b->cap_outsiders,
			    sizeof *row);
			row->reg = *o;
			row->unit_name = u->name;
			if ((rc = report_person_lookup(b->s, b->keys, b->sc, b->a, b->r->sel.reveal, o->person_id,
			    o->person_name, &row->who, e)) != SJ_OK)
				return rc;
			if (!b->r->sel.reveal && o->mobile_mask)
				row->who.mobile = o->mobile_mask;
			b->r->outsiders++;
		}
		f.before_id = page.next_before_id;
	} while (page.has_more);
	return SJ_OK;
}

/* ---- disinfection, inspections, visits ----------------------------------- */

static sj_rc
disinfection_of(build *b, const report_unit *u, bool overdue, sj_err *e)
{
	disinfection_filter f = { .unit_id = u->id, .limit = DISINF_LIST_MAX };
	disinfection_page page;
	sj_rc rc;

	if (overdue) {
		f.overdue = true;
		f.now = b->judged_at;
	} else {
		f.from = b->r->start;
		f.to = b->r->end;
	}
	do {
		if ((rc = disinfection_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_items; i++) {
			report_disinfection *row = push(b->a, &b->r->disinfection_rows,
			    &b->r->n_disinfection_rows, &b->cap_disinf, sizeof *row);

			row->log = page.items[i];
			row->unit_name = u->name;
			row->overdue = overdue;
			if (overdue)
				b->r->disinfection_overdue++;
			else
				b->r->disinfections++;
		}
		f.before_id = page.next_before_id;
	} while (page.has_more);
	return SJ_OK;
}

static sj_rc
inspections_of(build *b, const report_unit *u, sj_err *e)
{
	inspection_filter f = { .unit_id = u->id, .from = b->r->sel.from, .to = b->r->sel.to,
	    .limit = INSPECTION_LIST_MAX };
	inspection_page page;
	sj_rc rc;

	do {
		if ((rc = inspection_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_inspections; i++) {
			inspection *row = push(b->a, &b->r->inspection_rows, &b->r->n_inspection_rows,
			    &b->cap_insp, sizeof *row);

			*row = page.inspections[i];
			b->r->inspections++;
		}
		f.after_on = page.next_on;
		f.after_id = page.next_id;
	} while (page.has_more);
	return SJ_OK;
}

/* Findings found in the range (counted in `findings`), and open findings
 * overdue on `to` (counted in `findings_overdue`); a row once. */
static sj_rc
findings_of(build *b, const report_unit *u, sj_err *e)
{
	finding_filter f = { .unit_id = u->id, .overdue_on = INSPECTION_DATE_NONE,
	    .limit = INSPECTION_LIST_MAX };
	sj_date overdue_on = dt_date_of(b->judged_at - 1) < b->r->sel.to
	    ? dt_date_of(b->judged_at - 1) : b->r->sel.to;
	finding_page page;
	sj_rc rc;

	do {
		if ((rc = finding_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_findings; i++) {
			const finding *x = &page.findings[i];
			bool found = x->found_on >= b->r->sel.from && x->found_on <= b->r->sel.to;
			bool overdue = strcmp(x->status, "open") == 0 && x->rectify_by < overdue_on;

			if (!found && !overdue)
				continue;
			*(finding *)push(b->a, &b->r->finding_rows, &b->r->n_finding_rows, &b->cap_find,
			    sizeof *x) = *x;
			b->r->findings += found;
			b->r->findings_overdue += overdue;
		}
		f.after_by = page.next_by;
		f.after_id = page.next_id;
	} while (page.has_more);
	return SJ_OK;
}

static sj_rc
visits_of(build *b, const report_unit *u, sj_err *e)
{
	visit_filter f = { .unit_id = u->id, .from = b->r->sel.from, .to = b->r->sel.to,
	    .limit = VISIT_LIST_MAX };
	visit_page page;
	sj_rc rc;

	do {
		if ((rc = visit_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_visits; i++) {
			visit *row = push(b->a, &b->r->visit_rows, &b->r->n_visit_rows, &b->cap_visits,
			    sizeof *row);

			*row = page.visits[i];
			b->r->visits++;
			b->r->household_visits += row->household_id != 0;
			b->r->needs += (int64_t)row->n_needs;
			b->r->visits_by_line[line_slot(row->task_line)]++;
			for (size_t j = 0; j < row->n_needs; j++)
				b->r->needs_by_line[line_slot(row->needs[j].task_line)]++;
		}
		f.after_on = page.next_on;
		f.after_id = page.next_id;
	} while (page.has_more);
	return SJ_OK;
}

/* ---- supplies -------------------------------------------------------------- */

typedef struct move_ctx {
	build *b;
	bool unit_site;          /* the site walked is a unit's */
	const char *unit_name;
} move_ctx;

static const char *
dup_or_null(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* Add qty of item to the list (n, cap); count the unit once per item. */
static void
qty_add(arena *a, report_qty **list, size_t *n, size_t *cap, const supply_move *m,
    bool new_unit)
{
	for (size_t i = 0; i < *n; i++)
		if ((*list)[i].item_id == m->item_id) {
			(*list)[i].qty += m->qty;
			(*list)[i].units += new_unit;
			return;
		}
	*(report_qty *)push(a, list, n, cap, sizeof **list) = (report_qty){
		.item_id = m->item_id, .item_name = arena_strdup(a, m->item_name), .qty = m->qty,
		.units = new_unit };
}

static sj_rc
move_row(void *ctx, const supply_move *m, sj_err *e)
{
	move_ctx *c = ctx;
	build *b = c->b;
	report_move *row = push(b->a, &b->r->move_rows, &b->r->n_move_rows, &b->cap_moves,
	    sizeof *row);

	(void)e;
	row->move = *m;
	row->move.site_name = arena_strdup(b->a, m->site_name);
	row->move.item_name = arena_strdup(b->a, m->item_name);
	row->move.kind = arena_strdup(b->a, m->kind);
	row->move.counterpart = dup_or_null(b->a, m->counterpart);
	row->move.display = dup_or_null(b->a, m->display);
	row->move.balance_display = dup_or_null(b->a, m->balance_display);
	row->move.entered = dup_or_null(b->a, m->entered);
	row->move.note = dup_or_null(b->a, m->note);
	row->to_unit = c->unit_site && m->qty > 0 && strcmp(m->kind, "distribution") == 0;
	if (row->to_unit) {
		bool first = true;   /* the unit's first delivery of this item in the report */

		for (size_t i = 0; i + 1 < b->r->n_move_rows; i++) {
			const report_move *o = &b->r->move_rows[i];
			if (o->to_unit && o->move.site_id == m->site_id && o->move.item_id == m->item_id)
				first = false;
		}
		qty_add(b->a, &b->r->delivered, &b->r->n_delivered, &b->cap_delivered, m, first);
	} else if (!c->unit_site && m->qty > 0) {
		qty_add(b->a, &b->r->received, &b->r->n_received, &b->cap_received, m, false);
	}
	return SJ_OK;
}

static sj_rc
supplies_of_site(build *b, int64_t site_id, bool unit_site, sj_err *e)
{
	supply_ledger_filter f = { .site_id = site_id, .from = b->r->sel.from, .to = b->r->sel.to };
	move_ctx c = { .b = b, .unit_site = unit_site };

	return supply_ledger_each(b->s, b->sc, &f, move_row, &c, e);
}

/* The unit of measure and pack display of every quantity, and the unit of
 * every ledger movement. */
static sj_rc
qty_names(build *b, sj_err *e)
{
	supply_item_set items;
	report_qty *lists[] = { b->r->delivered, b->r->received };
	size_t ns[] = { b->r->n_delivered, b->r->n_received };
	sj_rc rc;

	if ((rc = supply_item_set_load(b->s, b->a, &items, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < b->r->n_move_rows; i++) {
		const supply_item *it = supply_item_set_get(&items, b->r->move_rows[i].move.item_id);

		b->r->move_rows[i].uom = it && it->uom ? it->uom->zh : NULL;
	}
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < ns[l]; i++) {
			const supply_item *it = supply_item_set_get(&items, lists[l][i].item_id);

			lists[l][i].uom = it && it->uom ? it->uom->zh : "";
			lists[l][i].display = it ? supply_qty_text(b->a, it, lists[l][i].qty) : "";
		}
	return SJ_OK;
}

static sj_rc
supplies(build *b, sj_err *e)
{
	store_stmt *st;
	int64_t group_site = 0;
	bool found;
	sj_rc rc = SJ_OK;

	for (size_t i = 0; i < b->r->n_units && rc == SJ_OK; i++)
		if (b->r->units[i].site_id)
			rc = supplies_of_site(b, b->r->units[i].site_id, true, e);
	if (rc != SJ_OK || b->r->sel.group_id == 0)
		goto count;
	if ((rc = store_prepare(b->s, report_sql[Q_GROUP_SITE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, b->r->sel.group_id);
	if ((rc = store_query_int(st, &group_site, &found, e)) != SJ_OK)
		return rc;
	if (found)
		rc = supplies_of_site(b, group_site, false, e);
count:
	if (rc == SJ_OK && b->r->n_move_rows)
		rc = qty_names(b, e);
	for (size_t i = 0; rc == SJ_OK && i < b->r->n_units; i++) {
		bool got = false;

		for (size_t j = 0; j < b->r->n_move_rows && !got; j++)
			got = b->r->move_rows[j].to_unit && b->r->move_rows[j].move.site_id ==
			    b->r->units[i].site_id;
		b->r->units_supplied += got;
	}
	return rc;
}

/* ---- requests -------------------------------------------------------------- */

enum { REQ_OPENED, REQ_RESOLVED, REQ_OVERDUE };

/* The request filter of one figure for unit_id (and a department). */
static void
request_filter_of(const build *b, int which, int64_t unit_id, int64_t dept, request_filter *f)
{
	memset(f, 0, sizeof *f);
	f->unit_id = unit_id;
	f->department_id = dept;
	f->limit = REQUEST_LIST_MAX;
	if (which == REQ_OPENED) {
		f->reported_from = b->r->start;
		f->has_from = true;
		f->reported_to = b->r->end - 1;   /* the list's range is inclusive */
		f->has_to = true;
	} else if (which == REQ_RESOLVED) {
		f->resolved_from = b->r->start;
		f->resolved_to = b->r->end;
		f->has_resolved = true;
	} else {
		f->overdue = true;
		f->today = dt_date_of(b->judged_at - 1) < b->r->sel.to ? dt_date_of(b->judged_at - 1)
		    : b->r->sel.to;
	}
}

/* Count the requests of one figure; with rows, add them to the ledger. */
static sj_rc
requests_count(build *b, int which, int64_t unit_id, int64_t dept, bool rows, int64_t *n,
    sj_err *e)
{
	request_filter f;
	request_page page;
	sj_rc rc;

	request_filter_of(b, which, unit_id, dept, &f);
	*n = 0;
	do {
		if ((rc = request_list(b->s, b->sc, b->a, &f, &page, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < page.n_requests; i++) {
			const service_request *q = &page.requests[i];
			report_request *row = NULL;

			if (q->status == RS_DUPLICATE)   /* voided */
				continue;
			(*n)++;
			if (!rows)
				continue;
			if (which == REQ_OPENED)
				b->r->requests_opened_by_line[line_slot(q->task_line)]++;
			else if (which == REQ_RESOLVED)
				b->r->requests_resolved_by_line[line_slot(q->task_line)]++;
			for (size_t j = 0; j < b->r->n_request_rows && !row; j++)
				if (b->r->request_rows[j].req.id == q->id)
					row = &b->r->request_rows[j];
			if (row == NULL) {
				row = push(b->a, &b->r->request_rows, &b->r->n_request_rows,
				    &b->cap_requests, sizeof *row);
				memset(row, 0, sizeof *row);
				row->req = *q;
			}
			row->opened |= which == REQ_OPENED;
			row->resolved |= which == REQ_RESOLVED;
			row->overdue |= which == REQ_OVERDUE;
		}
		f.after_id = page.next_after_id;
	} while (page.has_more);
	return SJ_OK;
}

/* The departments and latest reply of each request row. */
static sj_rc
request_details(build *b, sj_err *e)
{
	for (size_t i = 0; i < b->r->n_request_rows; i++) {
		report_request *row = &b->r->request_rows[i];
		service_request full;
		const char *names = "";
		sj_rc rc;

		if ((rc = request_get(b->s, b->sc, b->a, row->req.id, &full, e)) != SJ_OK)
			return rc;
		row->reply = row->replied_by = "";
		for (size_t j = 0; j < full.n_referrals; j++) {
			const referral *f = &full.referrals[j];

			names = arena_printf(b->a, "%s%s%s", names, *names ? "、" : "", f->department_name);
			if (f->reply && f->replied_at >= row->replied_at) {
				row->reply = f->reply;
				row->replied_at = f->replied_at;
				row->replied_by = f->department_name;
			}
		}
		row->departments = names;
	}
	return SJ_OK;
}

static sj_rc
requests(build *b, sj_err *e)
{
	static const int which[] = { REQ_OPENED, REQ_RESOLVED, REQ_OVERDUE };
	department *depts;
	size_t n_depts;
	sj_rc rc;

	for (size_t i = 0; i < b->r->n_units; i++)
		for (int w = 0; w < 3; w++) {
			int64_t n;
			int64_t *sum = w == 0 ? &b->r->requests_opened : w == 1
			    ? &b->r->requests_resolved : &b->r->requests_overdue;

			if ((rc = requests_count(b, which[w], b->r->units[i].id, 0, true, &n, e)) != SJ_OK)
				return rc;
			*sum += n;
		}
	if (b->r->n_request_rows == 0)
		return SJ_OK;
	if ((rc = department_list(b->s, b->a, &depts, &n_depts, e)) != SJ_OK)
		return rc;
	for (size_t d = 0; d < n_depts; d++) {
		report_department dep = { .id = depts[d].id, .name = depts[d].name };

		for (size_t i = 0; i < b->r->n_units; i++)
			for (int w = 0; w < 3; w++) {
				int64_t n;

				if ((rc = requests_count(b, which[w], b->r->units[i].id, depts[d].id, false,
				    &n, e)) != SJ_OK)
					return rc;
				*(w == 0 ? &dep.opened : w == 1 ? &dep.resolved : &dep.overdue) += n;
			}
		if (dep.opened || dep.resolved || dep.overdue)
			*(report_department *)push(b->a, &b->r->departments, &b->r->n_departments,
			    &b->cap_depts, sizeof dep) = dep;
	}
	return request_details(b, e);
}

/* ---- work resumption ------------------------------------------------------- */

static sj_rc
resumption(build *b, sj_err *e)
{
	resumption_filter f = { .region_id = b->r->sel.region_id, .group_id = b->r->sel.group_id,
	    .unit_id = b->r->sel.unit_id };
	sj_rc rc;

	if (!auth_role_may(b->sc->role, PERM_RESUMPTION_READ))
		return SJ_OK;
	if ((rc = resumption_rate_on(b->s, b->sc, &f, b->r->sel.to, &b->r->resumption, e)) != SJ_OK)
		return rc;
	b->r->has_resumption = true;
	for (size_t i = 0; i < b->r->n_units; i++) {
		resumption_report *reps;
		size_t n;

		if (strcmp(b->r->units[i].kind, "enterprise") != 0 &&
		    strcmp(b->r->units[i].kind, "project") != 0)
			continue;
		if ((rc = resumption_report_list(b->s, b->sc, b->a, b->r->units[i].id, &reps, &n, e))
		    != SJ_OK)
			return rc;
		/* newest first: keep those dated in the range, oldest first */
		for (size_t j = n; j-- > 0;)
			if (reps[j].report_date >= b->r->sel.from && reps[j].report_date <= b->r->sel.to)
				*(resumption_report *)push(b->a, &b->r->resumption_rows,
				    &b->r->n_resumption_rows, &b->cap_resumption, sizeof *reps) = reps[j];
	}
	return SJ_OK;
}

/* ---- entry ----------------------------------------------------------------- */

sj_rc
report_daily_build(store *s, const crypt_keys *keys, const scope *sc, arena *a,
    const report_selection *sel, int64_t now, report_daily *out, sj_err *e)
{
	build b = { .s = s, .keys = keys, .sc = sc, .a = a, .r = out };
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->sel = *sel;
	if (sel->reveal && keys == NULL)
		return sj_fail(e, SJ_EFORBIDDEN, "reveal", "identity data cannot be revealed here");
	if ((rc = selection_check(s, sc, a, sel, out, e)) != SJ_OK)
		return rc;
	out->start = dt_date_start(sel->from);
	out->end = dt_date_end(sel->to);
	b.judged_at = now < out->end ? now : out->end;
	if ((rc = units_load(s, sc, a, out, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < out->n_units && rc == SJ_OK; i++) {
		const report_unit *u = &out->units[i];

		if ((rc = scans_of(&b, u, e)) == SJ_OK && (rc = alerts_of(&b, u, e)) == SJ_OK &&
		    (rc = outsiders_of(&b, u, e)) == SJ_OK &&
		    (rc = disinfection_of(&b, u, false, e)) == SJ_OK &&
		    (rc = disinfection_of(&b, u, true, e)) == SJ_OK &&
		    (rc = inspections_of(&b, u, e)) == SJ_OK && (rc = findings_of(&b, u, e)) == SJ_OK)
			rc = visits_of(&b, u, e);
	}
	if (rc == SJ_OK && out->n_scan_rows > 1)
		qsort(out->scan_rows, out->n_scan_rows, sizeof *out->scan_rows, scan_row_cmp);
	if (rc == SJ_OK && (rc = supplies(&b, e)) == SJ_OK && (rc = requests(&b, e)) == SJ_OK)
		rc = resumption(&b, e);
	return rc;
}
