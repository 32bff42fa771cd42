/*
 * request_demo — the demo part "requests": SCENARIO.md "The enterprise
 * problem" as a service request, on the 2020 working-day calendar.
 *
 * Facts (SCENARIO.md): after the 2020-03-05 survey at 泰山石膏有限公司, the
 * foreign supplier's 6 experts could not find accommodation of the required
 * standard, so the equipment of the 400,000-tonne face-paper project could
 * not be commissioned; the group reported it right away to 泰安市文化和旅游局
 * and asked the local town government for single rooms; on 2020-03-16 the
 * bureau replied that 东尊华美达, 泰安宝盛大酒店 and 蓝海御华 were operating
 * normally; the group passed the reply on; the experts moved into
 * 泰安宝盛大酒店 and the project resumed.
 * Assumed (the report gives no times): reported 2020-03-06 10:00+08:00
 * (marked reported_at_assumed), accepted 10:30 and referred to both at
 * 11:00 the same day, the town government 粥店街道办事处 (the name is
 * assumed, see domain/auth.h), the reply at 15:00 and passed on at 16:00,
 * resolved 2020-03-17 09:00 and closed 2020-03-18 09:00.  The town
 * government's reply is not in the report, so none is recorded.
 */
#include "domain/request.h"

#include <string.h>

#include "domain/auth.h"
#include "domain/calendar.h"
#include "domain/org.h"
#include "domain/task_line.h"

/* data/calendar/cn-2020.txt, byte for byte (tests/unit/test_request.c
 * checks that they agree). */
const char request_demo_calendar_2020[] =
	"# China, 2020: public holidays and make-up working days (调休).\n"
	"# Format: docs/calendar.md.  Sources: 国务院办公厅关于2020年部分节假日安排的通知\n"
	"# (国办发明电〔2019〕16号, 2019-11-21) and 国务院办公厅关于延长2020年春节假期的通知\n"
	"# (国办发明电〔2020〕1号, 2020-01-27), which extended the Spring Festival to\n"
	"# Sunday 02-02 and so cancelled the make-up working day Saturday 02-01.\n"
	"year 2020\n"
	"source 国办发明电〔2019〕16号；国办发明电〔2020〕1号（春节假期延长至2月2日）\n"
	"2020-01-01 off 元旦\n"
	"2020-01-19 work 春节调休\n"
	"2020-01-24..2020-02-02 off 春节（含延长假期）\n"
	"2020-04-04..2020-04-06 off 清明节\n"
	"2020-04-26 work 劳动节调休\n"
	"2020-05-01..2020-05-05 off 劳动节\n"
	"2020-05-09 work 劳动节调休\n"
	"2020-06-25..2020-06-27 off 端午节\n"
	"2020-06-28 work 端午节调休\n"
	"2020-09-27 work 国庆节、中秋节调休\n"
	"2020-10-01..2020-10-08 off 国庆节、中秋节\n"
	"2020-10-10 work 国庆节、中秋节调休\n";

#define BUREAU "泰安市文化和旅游局"
#define TOWN "粥店街道办事处"
#define COMPANY "泰山石膏有限公司"

/* 2020-03-DD hh:mm +08:00 as an instant. */
static int64_t
march(int day, int hour, int minute)
{
	return ((int64_t)dt_date_from_ymd(2020, 3, day) * 86400) + (hour - 8) * 3600 + minute * 60;
}

/* The scope of the demo account username (auth's demo part made it). */
static sj_rc
demo_scope(store *s, arena *a, const char *username, scope *out, sj_err *e)
{
	app_user u;
	sj_rc rc;

	if ((rc = user_find_by_username(s, &scope_system, a, username, &u, e)) != SJ_OK)
		return rc;
	principal_scope(&u, out);
	return SJ_OK;
}

static sj_rc
demo_calendar(store *s, arena *a, sj_err *e)
{
	calendar_load ld;
	sj_rc rc;

	if ((rc = calendar_parse(request_demo_calendar_2020, strlen(request_demo_calendar_2020), a,
	    &ld, e)) != SJ_OK)
		return rc;
	return calendar_store(s, &scope_system, &ld, NULL, e);
}

/* The bureau is the default department for accommodation requests. */
static sj_rc
demo_service(store *s, int64_t bureau, sj_err *e)
{
	service sv = { .department_id = bureau };

	return service_update(s, &scope_system, "accommodation", &sv, SERVICE_DEPARTMENT, e);
}

typedef struct demo_ids {
	int64_t company, bureau, town;
	scope leader, culture;
} demo_ids;

static sj_rc
demo_lookup(store *s, arena *a, demo_ids *d, sj_err *e)
{
	department dep;
	org_unit u;
	sj_rc rc;

	if ((rc = org_unit_find(s, &scope_system, a, COMPANY, &u, e)) != SJ_OK)
		return rc;
	d->company = u.id;
	if ((rc = department_lookup(s, a, BUREAU, &dep, e)) != SJ_OK)
		return rc;
	d->bureau = dep.id;
	if ((rc = department_lookup(s, a, TOWN, &dep, e)) != SJ_OK)
		return rc;
	d->town = dep.id;
	if ((rc = demo_scope(s, a, "leader", &d->leader, e)) != SJ_OK)
		return rc;
	return demo_scope(s, a, "culture", &d->culture, e);
}

static sj_rc
demo_raise(store *s, const demo_ids *d, int64_t *id, sj_err *e)
{
	static const request_attr headcount[] = { { "headcount", "6" } };
	request_input in = {
		.service_code = "accommodation", .unit_id = d->company,
		.description = "外方设备供应商的6名专家来泰调试设备，但泰安市内高端酒店均未营业，"
		    "找不到符合专家标准的住宿，公司40万吨护面纸项目设备无法调试，项目不能复工。",
		.reported_at = march(6, 10, 0), .reported_at_assumed = true,
		.priority = "high", .source = "visit",
		.attrs = headcount, .n_attrs = 1,
		/* the work of the task on work resumption (domain/workplan.c) */
		.task_line = TASK_LINE_ECONOMY,
	};

	return request_create(s, &d->leader, &in, id, e);
}

static sj_rc
demo_refer(store *s, const demo_ids *d, int64_t id, sj_err *e)
{
	request_change accept = { .to = RS_ACCEPTED, .at = march(6, 10, 30),
	    .comment = "工作组受理，当即向市有关部门反映。" };
	referral_input bureau = { .department_id = d->bureau, .at = march(6, 11, 0),
	    .comment = "请协调符合外方专家住宿标准的高端酒店。" };
	referral_input town = { .department_id = d->town, .at = march(6, 11, 0),
	    .comment = "请协助联系符合专家标准的单间。" };
	sj_rc rc;

	if ((rc = request_change_status(s, &d->leader, id, &accept, NULL, NULL, e)) != SJ_OK ||
	    (rc = request_refer(s, &d->leader, id, &bureau, NULL, e)) != SJ_OK)
		return rc;
	return request_refer(s, &d->leader, id, &town, NULL, e);
}

static sj_rc
demo_resolve(store *s, const demo_ids *d, int64_t id, sj_err *e)
{
	reply_input reply = { .text = "东尊华美达、泰安宝盛大酒店、蓝海御华等多家高端酒店已正常营业。",
	    .outcome = "answered", .at = march(16, 15, 0) };
	request_change passed = { .at = march(16, 16, 0),
	    .comment = "已将市文化和旅游局的答复转告泰山石膏有限公司。" };
	request_change resolved = { .to = RS_RESOLVED, .at = march(17, 9, 0),
	    .comment = "外方专家已入住泰安宝盛大酒店，设备正常调试，项目复工。" };
	request_change closed = { .to = RS_CLOSED, .at = march(18, 9, 0) };
	sj_rc rc;

	if ((rc = request_reply(s, &d->culture, id, &reply, NULL, e)) != SJ_OK ||
	    (rc = request_change_status(s, &d->leader, id, &passed, NULL, NULL, e)) != SJ_OK ||
	    (rc = request_change_status(s, &d->leader, id, &resolved, NULL, NULL, e)) != SJ_OK)
		return rc;
	return request_change_status(s, &d->leader, id, &closed, NULL, NULL, e);
}

sj_rc
request_demo_part(demo_ctx *ctx, sj_err *e)
{
	demo_ids d;
	int64_t id;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = demo_calendar(ctx->s, &a, e)) == SJ_OK &&
	    (rc = demo_lookup(ctx->s, &a, &d, e)) == SJ_OK &&
	    (rc = demo_service(ctx->s, d.bureau, e)) == SJ_OK &&
	    (rc = demo_raise(ctx->s, &d, &id, e)) == SJ_OK &&
	    (rc = demo_refer(ctx->s, &d, id, e)) == SJ_OK)
		rc = demo_resolve(ctx->s, &d, id, e);
	arena_free(&a);
	return rc;
}
