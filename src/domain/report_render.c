/*
 * report_render — the daily report as a brief (简报), plain text, an HTML
 * page, and its ledgers as CSV or XLSX (report.h).
 *
 * Every string that came from the store goes through esc() in HTML and
 * through the cell writer (sheet.h) in CSV and XLSX; nothing is written
 * raw.  The figures are only read here, never computed.
 */
#include "domain/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/sheet.h"
#include "domain/supply_export.h"
#include "domain/supply_ledger.h"

static const char *const ledger_names[REPORT_LEDGER__COUNT] = {
	[REPORT_LEDGER_REGISTRATIONS] = "registrations",
	[REPORT_LEDGER_OUTSIDERS] = "outsiders",
	[REPORT_LEDGER_DISINFECTION] = "disinfection",
	[REPORT_LEDGER_INSPECTIONS] = "inspections",
	[REPORT_LEDGER_VISITS] = "visits",
	[REPORT_LEDGER_SUPPLIES] = "supplies",
	[REPORT_LEDGER_REQUESTS] = "requests",
	[REPORT_LEDGER_RESUMPTION] = "resumption",
};

int
report_ledger_parse(const char *s)
{
	for (int i = 0; s && i < REPORT_LEDGER__COUNT; i++)
		if (strcmp(s, ledger_names[i]) == 0)
			return i;
	return -1;
}

const char *
report_ledger_name(int ledger)
{
	return ledger >= 0 && ledger < REPORT_LEDGER__COUNT ? ledger_names[ledger] : "?";
}

/* ---- words ----------------------------------------------------------------- */

/* "2020年3月18日" */
static const char *
date_zh(arena *a, sj_date d)
{
	int y, m, day;

	dt_date_to_ymd(d, &y, &m, &day);
	return arena_printf(a, "%d年%d月%d日", y, m, day);
}

static const char *
range_zh(const report_daily *r, arena *a)
{
	if (r->sel.from == r->sel.to)
		return date_zh(a, r->sel.from);
	return arena_printf(a, "%s至%s", date_zh(a, r->sel.from), date_zh(a, r->sel.to));
}

static const char *
status_zh(const char *status)
{
	return strcmp(status, "resumed") == 0 ? "已复工" : strcmp(status, "partial") == 0
	    ? "部分复工" : "未复工";
}

/* "口罩600个、酒精240瓶" */
static const char *
qty_list(arena *a, const report_qty *q, size_t n)
{
	const char *s = "";

	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s%s%s%lld%s", s, i ? "、" : "", q[i].item_name,
		    (long long)q[i].qty, q[i].uom);
	return s;
}

static const char *
resolved_details(const report_daily *r, arena *a)
{
	const char *s = "";

	for (size_t i = 0; i < r->n_request_rows; i++) {
		const report_request *q = &r->request_rows[i];

		if (!q->resolved)
			continue;
		if (q->replied_at)
			s = arena_printf(a, "%s，其中%s的%s诉求经%s于%s答复后办结", s,
			    *q->req.unit_name ? q->req.unit_name : "群众", q->req.service_name,
			    q->replied_by, date_zh(a, dt_date_of(q->replied_at)));
	}
	return s;
}

static const char *
line_name(int i)
{
	return i < TASK_LINE_COUNT ? task_lines[i].name : "未分类";
}

/* "；分任务线：保障民生走访3次、诉求0件；…" — the lines with any figure. */
static const char *
lines_brief(const report_daily *r, arena *a)
{
	const char *s = "";

	for (int i = 0; i <= TASK_LINE_COUNT; i++) {
		if (!r->visits_by_line[i] && !r->needs_by_line[i] && !r->requests_opened_by_line[i] &&
		    !r->requests_resolved_by_line[i])
			continue;
		s = arena_printf(a, "%s%s%s走访%lld次、困难诉求%lld项、受理诉求%lld件、办结%lld件", s,
		    *s ? "；" : "；分任务线：", line_name(i), (long long)r->visits_by_line[i],
		    (long long)r->needs_by_line[i], (long long)r->requests_opened_by_line[i],
		    (long long)r->requests_resolved_by_line[i]);
	}
	return s;
}

const char *
report_brief(const report_daily *r, arena *a)
{
	const char *s;

	s = arena_printf(a, "%s，%s（%zu个单位）：扫码登记%lld人次（进%lld、出%lld），"
	    "预警%lld起（发热%lld起、劝返%lld起、外来人员未登记%lld起），外来人员登记%lld人；"
	    "消毒%lld次，逾期未消毒%lld处；督导检查%lld次，发现问题%lld个，逾期未整改%lld个；"
	    "走访%lld次（入户%lld次），收集困难诉求%lld项；",
	    range_zh(r, a), r->title, r->n_units, (long long)r->scans, (long long)r->scans_in,
	    (long long)r->scans_out, (long long)r->alerts, (long long)r->alerts_fever,
	    (long long)r->alerts_denied, (long long)r->alerts_outsider, (long long)r->outsiders,
	    (long long)r->disinfections, (long long)r->disinfection_overdue,
	    (long long)r->inspections, (long long)r->findings, (long long)r->findings_overdue,
	    (long long)r->visits, (long long)r->household_visits, (long long)r->needs);
	if (r->n_received)
		s = arena_printf(a, "%s物资入库%s；", s, qty_list(a, r->received, r->n_received));
	if (r->n_delivered)
		s = arena_printf(a, "%s向%lld个单位发放防疫物资%s；", s, (long long)r->units_supplied,
		    qty_list(a, r->delivered, r->n_delivered));
	else
		s = arena_printf(a, "%s未发放物资；", s);
	s = arena_printf(a, "%s新受理诉求%lld件，办结%lld件%s，逾期未办结%lld件", s,
	    (long long)r->requests_opened, (long long)r->requests_resolved, resolved_details(r, a),
	    (long long)r->requests_overdue);
	if (r->has_resumption && r->resumption.units > 0)
		s = arena_printf(a, "%s；复工复产：%lld家企业和项目中%lld家报告，已复工%lld家、"
		    "部分复工%lld家、未复工%lld家", s, (long long)r->resumption.units,
		    (long long)r->resumption.reporting, (long long)r->resumption.resumed,
		    (long long)r->resumption.partial, (long long)r->resumption.not_resumed);
	return arena_printf(a, "%s%s。", s, lines_brief(r, a));
}

/* ---- the figures as label/value rows, shared by text and HTML --------------- */

typedef struct figure {
	const char *label;
	int64_t value;
} figure;

static size_t
figures_of(const report_daily *r, figure *f)
{
	size_t n = 0;

#define FIG(l, v) (f[n++] = (figure){ (l), (v) })
	FIG("扫码登记（人次）", r->scans);
	FIG("　进", r->scans_in);
	FIG("　出", r->scans_out);
	FIG("预警（起）", r->alerts);
	FIG("　发热", r->alerts_fever);
	FIG("　劝返", r->alerts_denied);
	FIG("　外来人员未登记", r->alerts_outsider);
	FIG("外来人员登记（人）", r->outsiders);
	FIG("消毒（次）", r->disinfections);
	FIG("逾期未消毒（处）", r->disinfection_overdue);
	FIG("督导检查（次）", r->inspections);
	FIG("发现问题（个）", r->findings);
	FIG("逾期未整改（个）", r->findings_overdue);
	FIG("走访（次）", r->visits);
	FIG("　入户", r->household_visits);
	FIG("困难诉求（项）", r->needs);
	FIG("收到物资的单位（个）", r->units_supplied);
	FIG("新受理诉求（件）", r->requests_opened);
	FIG("办结诉求（件）", r->requests_resolved);
	FIG("逾期未办结（件）", r->requests_overdue);
#undef FIG
	return n;
}

#define FIGURES_MAX 24

const char *
report_text(const report_daily *r, arena *a)
{
	figure f[FIGURES_MAX];
	size_t n = figures_of(r, f);
	const char *s = arena_printf(a, "日报：%s  %s\n", r->title, range_zh(r, a));

	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s%s\t%lld\n", s, f[i].label, (long long)f[i].value);
	for (size_t i = 0; i < r->n_received; i++)
		s = arena_printf(a, "%s物资入库 %s\t%lld%s\n", s, r->received[i].item_name,
		    (long long)r->received[i].qty, r->received[i].uom);
	for (size_t i = 0; i < r->n_delivered; i++)
		s = arena_printf(a, "%s发放到单位 %s\t%lld%s（%lld个单位）\n", s,
		    r->delivered[i].item_name, (long long)r->delivered[i].qty, r->delivered[i].uom,
		    (long long)r->delivered[i].units);
	for (size_t i = 0; i < r->n_departments; i++)
		s = arena_printf(a, "%s部门 %s\t受理%lld 办结%lld 逾期%lld\n", s, r->departments[i].name,
		    (long long)r->departments[i].opened, (long long)r->departments[i].resolved,
		    (long long)r->departments[i].overdue);
	for (int i = 0; i <= TASK_LINE_COUNT; i++)
		s = arena_printf(a, "%s任务线 %s\t走访%lld 困难诉求%lld 受理%lld 办结%lld\n", s,
		    line_name(i), (long long)r->visits_by_line[i], (long long)r->needs_by_line[i],
		    (long long)r->requests_opened_by_line[i], (long long)r->requests_resolved_by_line[i]);
	if (r->has_resumption)
		s = arena_printf(a, "%s复工率\t%lld/%lld（已复工/报告单位），部分复工 %lld/%lld\n", s,
		    (long long)r->resumption.resumed, (long long)r->resumption.reporting,
		    (long long)r->resumption.partial, (long long)r->resumption.reporting);
	return arena_printf(a, "%s\n%s\n", s, report_brief(r, a));
}

/* ---- HTML ------------------------------------------------------------------- */

/* s with & < > " ' as character references: safe in text and in quoted
 * attribute values. */
static const char *
esc(arena *a, const char *s)
{
	size_t n = 0;
	char *out, *o;

	if (s == NULL)
		return "";
	for (const char *p = s; *p; p++)
		n += strchr("&<>\"'", *p) ? 6 : 1;
	o = out = arena_alloc(a, n + 1);
	for (const char *p = s; *p; p++) {
		const char *rep = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;"
		    : *p == '"' ? "&quot;" : *p == '\'' ? "&#39;" : NULL;

		if (rep) {
			memcpy(o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static const char *
html_requests(const report_daily *r, arena *a)
{
	const char *s = "<h2>诉求</h2><table><tr><th>编号</th><th>单位</th><th>类别</th>"
	    "<th>状态</th><th>转办部门</th><th>答复</th><th>答复日期</th></tr>";
	char day[DT_DATE_LEN];

	for (size_t i = 0; i < r->n_request_rows; i++) {
		const report_request *q = &r->request_rows[i];

		day[0] = '\0';
		if (q->replied_at)
			dt_date_format(dt_date_of(q->replied_at), day);
		s = arena_printf(a, "%s<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		    "<td>%s</td><td>%s</td></tr>", s, (long long)q->req.id, esc(a, q->req.unit_name),
		    esc(a, q->req.service_name), esc(a, request_status_name(q->req.status)),
		    esc(a, q->departments), esc(a, q->reply), day);
	}
	return arena_printf(a, "%s</table>", s);
}

const char *
report_html(const report_daily *r, arena *a)
{
	figure f[FIGURES_MAX];
	size_t n = figures_of(r, f);
	const char *title = esc(a, arena_printf(a, "日报：%s %s", r->title, range_zh(r, a)));
	const char *s = arena_printf(a, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><title>%s</title>"
	    "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
	    "td,th{border:1px solid #999;padding:.2em .6em;text-align:left}"
	    "td.n{text-align:right}</style></head><body><h1>%s</h1>"
	    "<p class=\"brief\">%s</p><h2>指标</h2><table>", title, title,
	    esc(a, report_brief(r, a)));

	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s<tr><th>%s</th><td class=\"n\">%lld</td></tr>", s,
		    esc(a, f[i].label), (long long)f[i].value);
	s = arena_printf(a, "%s</table><h2>物资</h2><table><tr><th>去向</th><th>物品</th>"
	    "<th>数量</th><th>单位数</th></tr>", s);
	for (size_t i = 0; i < r->n_received; i++)
		s = arena_printf(a, "%s<tr><td>入库</td><td>%s</td><td class=\"n\">%lld%s</td><td></td>"
		    "</tr>", s, esc(a, r->received[i].item_name), (long long)r->received[i].qty,
		    esc(a, r->received[i].uom));
	for (size_t i = 0; i < r->n_delivered; i++)
		s = arena_printf(a, "%s<tr><td>发放到单位</td><td>%s</td><td class=\"n\">%lld%s</td>"
		    "<td class=\"n\">%lld</td></tr>", s, esc(a, r->delivered[i].item_name),
		    (long long)r->delivered[i].qty, esc(a, r->delivered[i].uom),
		    (long long)r->delivered[i].units);
	s = arena_printf(a, "%s</table><h2>转办部门</h2><table><tr><th>部门</th><th>受理</th>"
	    "<th>办结</th><th>逾期</th></tr>", s);
	for (size_t i = 0; i < r->n_departments; i++)
		s = arena_printf(a, "%s<tr><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
		    "</td><td class=\"n\">%lld</td></tr>", s, esc(a, r->departments[i].name),
		    (long long)r->departments[i].opened, (long long)r->departments[i].resolved,
		    (long long)r->departments[i].overdue);
	s = arena_printf(a, "%s</table><h2>任务线</h2><table><tr><th>任务线</th><th>走访</th>"
	    "<th>困难诉求</th><th>受理诉求</th><th>办结诉求</th></tr>", s);
	for (int i = 0; i <= TASK_LINE_COUNT; i++)
		s = arena_printf(a, "%s<tr><td>%s</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		    "<td class=\"n\">%lld</td><td class=\"n\">%lld</td></tr>", s, esc(a, line_name(i)),
		    (long long)r->visits_by_line[i], (long long)r->needs_by_line[i],
		    (long long)r->requests_opened_by_line[i], (long long)r->requests_resolved_by_line[i]);
	s = arena_printf(a, "%s</table>%s", s, html_requests(r, a));
	if (r->has_resumption)
		s = arena_printf(a, "%s<h2>复工复产（%s）</h2><p>报告单位 %lld / %lld，已复工 %lld，"
		    "部分复工 %lld，未复工 %lld</p>", s, esc(a, date_zh(a, r->sel.to)),
		    (long long)r->resumption.reporting, (long long)r->resumption.units,
		    (long long)r->resumption.resumed, (long long)r->resumption.partial,
		    (long long)r->resumption.not_resumed);
	s = arena_printf(a, "%s<h2>单位</h2><ul>", s);
	for (size_t i = 0; i < r->n_units; i++)
		s = arena_printf(a, "%s<li>%s</li>", s, esc(a, r->units[i].name));
	return arena_printf(a, "%s</ul></body></html>\n", s);
}

/* ---- ledgers ---------------------------------------------------------------- */

static const sheet_column registration_cols[] = {
	{ "时间", 17 }, { "单位", 16 }, { "场所编号", 8 }, { "检查点编号", 8 }, { "方向", 5 },
	{ "姓名", 10 }, { "证件号码", 20 }, { "手机", 14 }, { "体温(°C)", 8 },
	{ "结果", 6 }, { "原因", 20 },
};
static const sheet_column outsider_cols[] = {
	{ "登记时间", 17 }, { "单位", 16 }, { "姓名", 10 }, { "证件号码", 20 }, { "手机", 14 },
	{ "来自", 16 }, { "事由", 20 }, { "探访对象", 16 }, { "有效期自", 17 }, { "有效期至", 17 },
};
static const sheet_column disinfection_cols[] = {
	{ "时间", 17 }, { "单位", 16 }, { "场所", 16 }, { "区域", 14 }, { "消毒剂", 12 },
	{ "浓度", 8 }, { "下次应消毒", 17 }, { "逾期", 6 }, { "备注", 24 },
};
static const sheet_column inspection_cols[] = {
	{ "日期", 12 }, { "检查编号", 8 }, { "单位", 16 }, { "场所", 16 }, { "检查点", 14 },
	{ "检查表", 10 }, { "问题编号", 8 }, { "问题", 30 }, { "整改期限", 12 }, { "状态", 6 },
};
static const sheet_column visit_cols[] = {
	{ "日期", 12 }, { "走访编号", 8 }, { "单位", 16 }, { "住户", 16 }, { "目的", 24 },
	{ "小结", 30 }, { "困难诉求", 8 }, { "诉求类别", 20 },
};
static const sheet_column request_cols[] = {
	{ "编号", 8 }, { "单位", 16 }, { "类别", 16 }, { "受理时间", 17 }, { "状态", 10 },
	{ "办结期限", 12 }, { "转办部门", 24 }, { "答复", 40 }, { "答复时间", 17 },
	{ "本期受理", 6 }, { "本期办结", 6 }, { "逾期", 6 },
};
static const sheet_column resumption_cols[] = {
	{ "日期", 12 }, { "单位", 16 }, { "类型", 8 }, { "状态", 8 }, { "在岗人数", 8 },
	{ "职工总数", 8 }, { "产能(%)", 8 }, { "阻碍诉求", 12 }, { "备注", 30 },
};

#define COLS(c) c, (int)(sizeof c / sizeof *c)

static const char *
yes(bool b)
{
	return b ? "是" : "否";
}

static sj_rc
ledger_registrations(const report_daily *r, sheet *sh, arena *a, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "扫码登记", COLS(registration_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_scan_rows; i++) {
		const report_scan *x = &r->scan_rows[i];
		const char *why = "";

		for (int b = 0; b < SCAN_R_COUNT; b++)
			if (x->scan.reasons & (1u << b))
				why = arena_printf(a, "%s%s%s", why, *why ? "、" : "",
				    screening_reason_label(1u << b));
		sheet_instant(sh, x->scan.at);
		sheet_text(sh, x->unit_name);
		sheet_id(sh, x->scan.place_id);
		sheet_id(sh, x->scan.checkpoint_id);
		sheet_text(sh, x->scan.direction == SCAN_IN ? "进" : "出");
		sheet_text(sh, x->who.name);
		sheet_text(sh, x->who.id_number);
		sheet_text(sh, x->who.mobile);
		if (x->scan.temperature)
			sheet_tenths(sh, x->scan.temperature);
		else
			sheet_text(sh, NULL);
		sheet_text(sh, screening_decision_label(x->scan.decision));
		sheet_text(sh, why);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_outsiders(const report_daily *r, sheet *sh, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "外来人员登记", COLS(outsider_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_outsider_rows; i++) {
		const report_outsider *x = &r->outsider_rows[i];

		sheet_instant(sh, x->reg.registered_at);
		sheet_text(sh, x->unit_name);
		sheet_text(sh, x->who.name);
		sheet_text(sh, x->who.id_number);
		sheet_text(sh, x->who.mobile);
		sheet_text(sh, x->reg.from);
		sheet_text(sh, x->reg.reason);
		sheet_text(sh, x->reg.host);
		sheet_instant(sh, x->reg.valid_from);
		sheet_instant(sh, x->reg.valid_until);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_disinfection(const report_daily *r, sheet *sh, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "消毒", COLS(disinfection_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_disinfection_rows; i++) {
		const report_disinfection *x = &r->disinfection_rows[i];

		sheet_instant(sh, x->log.at);
		sheet_text(sh, x->unit_name);
		sheet_text(sh, x->log.place_name);
		sheet_text(sh, x->log.area);
		sheet_text(sh, x->log.agent);
		sheet_text(sh, x->log.concentration);
		sheet_instant(sh, x->log.next_due_at);
		sheet_text(sh, yes(x->overdue));
		sheet_text(sh, x->log.note);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_inspections(const report_daily *r, sheet *sh, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "督导检查", COLS(inspection_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_inspection_rows; i++) {
		const inspection *x = &r->inspection_rows[i];

		sheet_date(sh, x->inspected_on);
		sheet_id(sh, x->id);
		sheet_text(sh, x->unit_name);
		sheet_text(sh, x->place_name);
		sheet_text(sh, x->checkpoint_name);
		sheet_text(sh, x->checklist);
		for (int c = 0; c < 4; c++)
			sheet_text(sh, NULL);
		rc = sheet_row_end(sh, e);
	}
	for (size_t i = 0; rc == SJ_OK && i < r->n_finding_rows; i++) {
		const finding *x = &r->finding_rows[i];

		sheet_date(sh, x->found_on);
		sheet_id(sh, x->inspection_id);
		sheet_text(sh, x->unit_name);
		sheet_text(sh, x->place_name);
		sheet_text(sh, x->checkpoint_name);
		sheet_text(sh, x->label);
		sheet_id(sh, x->id);
		sheet_text(sh, x->description);
		sheet_date(sh, x->rectify_by);
		sheet_text(sh, strcmp(x->status, "open") == 0 ? "未整改" : "已整改");
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_visits(const report_daily *r, sheet *sh, arena *a, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "走访", COLS(visit_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_visit_rows; i++) {
		const visit *x = &r->visit_rows[i];
		const char *cats = "";

		for (size_t j = 0; j < x->n_needs; j++)
			cats = arena_printf(a, "%s%s%s", cats, j ? "," : "", x->needs[j].category);
		sheet_date(sh, x->visited_on);
		sheet_id(sh, x->id);
		sheet_text(sh, x->unit_name);
		sheet_text(sh, x->household);
		sheet_text(sh, x->purpose);
		sheet_text(sh, x->summary);
		sheet_int(sh, (int64_t)x->n_needs);
		sheet_text(sh, cats);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_supplies(const report_daily *r, sheet *sh, sj_err *e)
{
	/* the supply ledger's columns (supply_export.h), then 发放到单位; the
	 * writer reads them only while this table is written */
	sheet_column supply_cols[SUPPLY_MOVE_COLS + 1];
	sj_rc rc;

	memcpy(supply_cols, supply_move_cols, sizeof supply_move_cols);
	supply_cols[SUPPLY_MOVE_COLS] = (sheet_column){ "发放到单位", 8 };
	rc = sheet_table(sh, "物资", COLS(supply_cols), e);
	for (size_t i = 0; rc == SJ_OK && i < r->n_move_rows; i++) {
		supply_move_cells(sh, &r->move_rows[i].move, r->move_rows[i].uom);
		sheet_text(sh, yes(r->move_rows[i].to_unit));
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_requests(const report_daily *r, sheet *sh, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "诉求", COLS(request_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_request_rows; i++) {
		const report_request *x = &r->request_rows[i];

		sheet_id(sh, x->req.id);
		sheet_text(sh, x->req.unit_name);
		sheet_text(sh, x->req.service_name);
		sheet_instant(sh, x->req.reported_at);
		sheet_text(sh, request_status_name(x->req.status));
		sheet_date(sh, x->req.resolution_due);
		sheet_text(sh, x->departments);
		sheet_text(sh, x->reply);
		sheet_instant(sh, x->replied_at);
		sheet_text(sh, yes(x->opened));
		sheet_text(sh, yes(x->resolved));
		sheet_text(sh, yes(x->overdue));
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static void
opt_int(sheet *sh, int64_t v)
{
	if (v == RESUMPTION_NONE)
		sheet_text(sh, NULL);
	else
		sheet_int(sh, v);
}

static sj_rc
ledger_resumption(const report_daily *r, sheet *sh, arena *a, sj_err *e)
{
	sj_rc rc = sheet_table(sh, "复工复产", COLS(resumption_cols), e);

	for (size_t i = 0; rc == SJ_OK && i < r->n_resumption_rows; i++) {
		const resumption_report *x = &r->resumption_rows[i];
		const char *blockers = "";

		for (size_t j = 0; j < x->n_blockers; j++)
			blockers = arena_printf(a, "%s%s%lld", blockers, j ? "," : "",
			    (long long)x->blocker_ids[j]);
		sheet_date(sh, x->report_date);
		sheet_text(sh, x->unit_name);
		sheet_text(sh, strcmp(x->unit_kind, "project") == 0 ? "项目" : "企业");
		sheet_text(sh, status_zh(x->status));
		opt_int(sh, x->staff_on_site);
		opt_int(sh, x->staff_total);
		opt_int(sh, x->capacity_pct);
		sheet_text(sh, blockers);
		sheet_text(sh, x->note);
		rc = sheet_row_end(sh, e);
	}
	return rc;
}

static sj_rc
ledger_write(const report_daily *r, sheet *sh, int ledger, arena *a, sj_err *e)
{
	switch (ledger) {
	case REPORT_LEDGER_REGISTRATIONS: return ledger_registrations(r, sh, a, e);
	case REPORT_LEDGER_OUTSIDERS: return ledger_outsiders(r, sh, e);
	case REPORT_LEDGER_DISINFECTION: return ledger_disinfection(r, sh, e);
	case REPORT_LEDGER_INSPECTIONS: return ledger_inspections(r, sh, e);
	case REPORT_LEDGER_VISITS: return ledger_visits(r, sh, a, e);
	case REPORT_LEDGER_SUPPLIES: return ledger_supplies(r, sh, e);
	case REPORT_LEDGER_REQUESTS: return ledger_requests(r, sh, e);
	default: return ledger_resumption(r, sh, a, e);
	}
}

sj_rc
report_ledgers_write(const report_daily *r, int format, int ledger, const char *path,
    uint32_t rows_per_sheet, int64_t *rows, sj_err *e)
{
	sheet *sh = NULL;
	arena a;
	sj_rc rc;

	if (rows)
		*rows = 0;
	if (ledger >= REPORT_LEDGER__COUNT)
		return sj_fail(e, SJ_EINVAL, "ledger", "unknown ledger");
	if (format == SHEET_CSV && ledger < 0)
		return sj_fail(e, SJ_EINVAL, "ledger", "a CSV file holds one ledger; name it (one of "
		    "registrations, outsiders, disinfection, inspections, visits, supplies, requests, "
		    "resumption)");
	if ((rc = sheet_open(format, path, rows_per_sheet, &sh, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	for (int l = 0; rc == SJ_OK && l < REPORT_LEDGER__COUNT; l++)
		if (ledger < 0 || ledger == l)
			rc = ledger_write(r, sh, l, &a, e);
	arena_free(&a);
	if (rows)
		*rows = sheet_rows(sh);
	return sheet_close(sh, path, rc, e);
}
