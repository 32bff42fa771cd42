/*
 * trace_export — the trace answer through the shared cell writer
 * (trace_export.h).  Reads the result struct only; identities come from
 * report_person_lookup (masked unless revealed), place names from the
 * organisation in the caller's scope.
 */
#include "domain/trace_export.h"

#include <string.h>

#include "core/arena.h"
#include "core/idmap.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/person.h"
#include "domain/report.h"
#include "domain/sheet.h"

static const sheet_column contact_cols[] = {
	{ "序号", 6 }, { "密接程度", 8 }, { "姓名", 10 }, { "证件号码", 20 }, { "手机", 14 },
	{ "累计接触(分钟)", 12 }, { "场所", 20 }, { "自", 17 }, { "至", 17 }, { "分钟", 8 },
	{ "经由(序号)", 10 },
};
static const sheet_column own_cols[] = { { "场所", 20 }, { "进入", 17 }, { "离开", 17 } };
static const sheet_column param_cols[] = { { "参数", 20 }, { "值", 30 } };

/* The place's name in scope, or "场所 <id>". */
static const char *
place_name(store *s, const scope *sc, arena *a, int64_t id)
{
	org_place p;
	sj_err e = {0};

	if (org_place_get(s, sc, a, id, &p, &e) == SJ_OK && p.name)
		return p.name;
	return arena_printf(a, "场所 %lld", (long long)id);
}

/* What every interval row repeats, looked up once: a person's contact
 * number (the "经由" column) and a place's name.  A depth-2 answer has
 * millions of rows over a few thousand places, so a store read or a scan
 * of the contacts a row would make the export quadratic or bound by
 * round trips. */
typedef struct export_memo {
	idmap contact_no;        /* person id → contact number (1-based) */
	idmap place_ix;          /* place id → 1 + index into names */
	const char **names;      /* in a */
	size_t n_names, cap_names;
} export_memo;

static void
memo_init(export_memo *m, const trace_result *t)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < t->n_contacts; i++)
		idmap_put(&m->contact_no, t->contacts[i].person_id, (int64_t)i + 1);
}

static const char *
memo_place_name(export_memo *m, store *s, const scope *sc, arena *a, int64_t id)
{
	int64_t ix = idmap_get(&m->place_ix, id);

	if (ix == 0) {
		m->names = arena_grow(a, m->names, &m->cap_names, m->n_names, sizeof *m->names);
		m->names[m->n_names++] = place_name(s, sc, a, id);
		idmap_put(&m->place_ix, id, ix = (int64_t)m->n_names);
	}
	return m->names[ix - 1];
}

static void
memo_free(export_memo *m)
{
	idmap_free(&m->contact_no);
	idmap_free(&m->place_ix);
}

static sj_rc
contacts_write(store *s, const crypt_keys *k, const scope *sc, arena *a, const trace_result *t,
    bool reveal, sheet *sh, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "密接", contact_cols,
	    (int)(sizeof contact_cols / sizeof *contact_cols), e);
	export_memo m;

	memo_init(&m, t);
	for (size_t i = 0; rc == SJ_OK && i < t->n_contacts; i++) {
		const trace_contact *c = &t->contacts[i];
		report_person who = { "范围外", "", "" };
		arena ca;   /* this contact's identity, freed after its rows */
		person p;

		arena_init(&ca);
		if ((rc = person_get(s, sc, &ca, c->person_id, &p, e)) == SJ_OK)
			rc = report_person_lookup(s, k, sc, &ca, reveal, c->person_id, NULL, &who, e);
		else if (rc == SJ_ENOTFOUND) {
			sj_err_clear(e);
			rc = SJ_OK;
		}
		for (size_t j = 0; rc == SJ_OK && j < c->n_intervals; j++) {
			trace_interval v = trace_result_interval(t, c, j);

			sheet_int(sh, (int64_t)i + 1);
			sheet_text(sh, c->degree == 1 ? "密接" : "次密接");
			sheet_text(sh, who.name);
			sheet_text(sh, who.id_number);
			sheet_text(sh, who.mobile);
			sheet_int(sh, c->total_s / 60);
			sheet_text(sh, memo_place_name(&m, s, sc, a, v.place_id));
			sheet_instant(sh, v.from);
			sheet_instant(sh, v.to);
			sheet_int(sh, v.seconds / 60);
			if (v.via_person_id)
				sheet_int(sh, idmap_get(&m.contact_no, v.via_person_id));
			else
				sheet_text(sh, NULL);
			rc = sheet_row_end(sh, e);
		}
		arena_free(&ca);
	}
	memo_free(&m);
	return rc;
}

static sj_rc
own_write(store *s, const scope *sc, arena *a, const trace_result *t, sheet *sh, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "本人行程", own_cols, 3, e);

	for (size_t i = 0; rc == SJ_OK && i < t->n_own; i++) {
		sheet_text(sh, place_name(s, sc, a, t->own[i].place_id));
		sheet_instant(sh, t->own[i].entry_at);
		sheet_instant(sh, t->own[i].exit_at);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
params_write(const trace_result *t, bool reveal, sheet *sh, arena *a, sj_err *e)
{
	const trace_params *p = &t->params;
	const char *rows[][2] = {
		{ "密接人数", arena_printf(a, "%zu", t->n_first) },
		{ "次密接人数", arena_printf(a, "%zu", t->n_second) },
		{ "最短接触(分钟)", arena_printf(a, "%lld", (long long)(p->min_overlap_s / 60)) },
		{ "离开后延长(分钟)", arena_printf(a, "%lld", (long long)(p->margin_s / 60)) },
		{ "排除本人住所", p->exclude_home ? "是" : "否" },
		{ "追踪深度", arena_printf(a, "%d", p->depth) },
		{ "身份信息", reveal ? "明文" : "已脱敏" },
	};
	sj_rc rc = sheet_table(sh, "参数", param_cols, 2, e);

	if (rc == SJ_OK) {
		sheet_text(sh, "时间窗自");
		sheet_instant(sh, p->from);
		rc = sheet_row_end(sh, e);
	}
	if (rc == SJ_OK) {
		sheet_text(sh, "时间窗至");
		sheet_instant(sh, p->to);
		rc = sheet_row_end(sh, e);
	}
	for (size_t i = 0; rc == SJ_OK && i < sizeof rows / sizeof rows[0]; i++) {
		sheet_text(sh, rows[i][0]);
		sheet_text(sh, rows[i][1]);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

sj_rc
trace_export(store *s, const crypt_keys *keys, const scope *sc, const trace_result *t,
    int format, bool reveal, const char *path, uint32_t rows_per_sheet, int64_t *rows,
    sj_err *e)
{
	sheet *sh = NULL;
	arena a;
	sj_rc rc;

	if (rows)
		*rows = 0;
	if (reveal && (keys == NULL || !auth_role_may(sc->role, PERM_PERSON_REVEAL)))
		return sj_fail(e, SJ_EFORBIDDEN, "reveal", "your role may not reveal identity data");
	if ((rc = sheet_open(format, path, rows_per_sheet, &sh, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	rc = contacts_write(s, keys, sc, &a, t, reveal, sh, e);
	if (rc == SJ_OK && format == SHEET_XLSX)
		rc = own_write(s, sc, &a, t, sh, e);
	if (rc == SJ_OK && format == SHEET_XLSX)
		rc = params_write(t, reveal, sh, &a, e);
	arena_free(&a);
	if (rows)
		*rows = sheet_rows(sh);
	return sheet_close(sh, path, rc, e);
}
