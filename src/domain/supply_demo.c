/*
 * supply_demo — SCENARIO.md "Supplies delivered" as data (supply.h).
 *
 * Facts: the organ raised masks, alcohol and 84 disinfectant; on
 * 2020-03-18 the group delivered them to the 3 communities: 600 pieces,
 * 6 boxes = 240 bottles (40 a box), 6 boxes = 180 bottles (30 a box).
 * Assumed (marked in supply.h): the even split, one request per community
 * per item, the store names, the dates of request and receipt, the time
 * and names of the confirmations.
 */
#include <string.h>

#include "domain/auth.h"
#include "domain/org.h"
#include "domain/supply.h"

#define DEMO_GROUP "市派岱岳区市政协机关工作二组"
#define DEMO_ORGAN_STORE "泰安市政协机关物资库"  /* assumed name */
#define DEMO_GROUP_STORE "工作二组物资库"          /* assumed name */

static const char *const communities[] = { "高铁社区", "小堰堤社区", "李家庄社区" };
/* Who confirmed each community's receipt: a demo account or a name. */
static const char *const confirmers[] = { "gaotie", "小堰堤社区联络员", "李家庄社区联络员" };

#define N_COMMUNITIES 3
#define N_ITEMS 3

static const supply_pack box40 = { .name = "箱", .name_en = "box", .size = 40 };
static const supply_pack box30 = { .name = "箱", .name_en = "box", .size = 30 };

static const struct {
	supply_item_input item;
	const char *total;     /* raised and delivered in all */
	const char *share;     /* each community's request and delivery */
} demo_items[N_ITEMS] = {
	{ { .name = "口罩", .name_en = "mask", .category = "防护用品", .base_unit = "piece" },
	  "600个", "200个" },
	{ { .name = "酒精", .name_en = "alcohol", .category = "消毒用品", .base_unit = "bottle",
	    .packs = &box40, .n_packs = 1 }, "6箱", "2箱" },
	{ { .name = "84消毒液", .name_en = "84 disinfectant", .category = "消毒用品",
	    .base_unit = "bottle", .packs = &box30, .n_packs = 1 }, "6箱", "2箱" },
};

static const char demo_group_sql[] = "SELECT id FROM work_group WHERE name = ?1";

/* Everything the part makes, by index. */
typedef struct demo_supply {
	int64_t items[N_ITEMS];
	int64_t units[N_COMMUNITIES];
	int64_t requests[N_COMMUNITIES][N_ITEMS];
	int64_t organ_store, group_store;
	int64_t leader_id;
	arena a;
} demo_supply;

static sj_rc
demo_find_group(store *s, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, demo_group_sql, &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, DEMO_GROUP);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, "group", "no work group %s", DEMO_GROUP);
}

/* The user id of username, or 0 when there is no such user. */
static int64_t
demo_user(store *s, arena *a, const char *username)
{
	app_user u;

	return user_find_by_username(s, &scope_system, a, username, &u, NULL) == SJ_OK ? u.id : 0;
}

static sj_rc
demo_setup(demo_ctx *ctx, demo_supply *d, sj_err *e)
{
	supply_site organ = { .kind = "organ", .name = DEMO_ORGAN_STORE };
	supply_site group = { .kind = "group", .name = DEMO_GROUP_STORE };
	org_unit u;
	sj_rc rc;

	for (int i = 0; i < N_ITEMS; i++)
		if ((rc = supply_item_add(ctx->s, &scope_system, &demo_items[i].item, &d->items[i], e))
		    != SJ_OK)
			return rc;
	for (int c = 0; c < N_COMMUNITIES; c++) {
		if ((rc = org_unit_find(ctx->s, &scope_system, &d->a, communities[c], &u, e)) != SJ_OK)
			return rc;
		d->units[c] = u.id;
	}
	if ((rc = demo_find_group(ctx->s, &group.group_id, e)) != SJ_OK ||
	    (rc = supply_site_add(ctx->s, &scope_system, &organ, &d->organ_store, e)) != SJ_OK)
		return rc;
	d->leader_id = demo_user(ctx->s, &d->a, "leader");
	return supply_site_add(ctx->s, &scope_system, &group, &d->group_store, e);
}

static sj_rc
demo_requests(demo_ctx *ctx, demo_supply *d, sj_err *e)
{
	sj_rc rc;

	for (int c = 0; c < N_COMMUNITIES; c++)
		for (int i = 0; i < N_ITEMS; i++) {
			supply_request_input in = { .unit_id = d->units[c], .item_id = d->items[i],
			    .quantity = demo_items[i].share, .raised_on = dt_date_from_ymd(2020, 3, 17),
			    .needed_by = dt_date_from_ymd(2020, 3, 18),
			    .reason = "社区防疫物资短缺，防控压力大（工作组走访摸排）",
			    .user_id = d->leader_id, .username = "leader" };
			if ((rc = supply_request_add(ctx->s, &scope_system, &in, &d->requests[c][i], e))
			    != SJ_OK)
				return rc;
		}
	return SJ_OK;
}

/* Post a document of the three items in quantities qty[] (text), with
 * request ids req (NULL for none). */
static sj_rc
demo_post(demo_ctx *ctx, demo_supply *d, supply_doc_input *in, const char *const *qty,
    const int64_t *req, int64_t *id, sj_err *e)
{
	supply_line_input lines[N_ITEMS];
	supply_problems pr;

	for (int i = 0; i < N_ITEMS; i++)
		lines[i] = (supply_line_input){ .item_id = d->items[i], .quantity = qty[i],
		    .request_id = req ? req[i] : 0 };
	in->lines = lines;
	in->n_lines = N_ITEMS;
	in->user_id = d->leader_id;
	in->username = "leader";
	return supply_doc_post(ctx->s, &scope_system, &d->a, in, id, &pr, e);
}

static sj_rc
demo_movements(demo_ctx *ctx, demo_supply *d, sj_err *e)
{
	const char *total[N_ITEMS], *share[N_ITEMS];
	sj_date raised = dt_date_from_ymd(2020, 3, 17), day = dt_date_from_ymd(2020, 3, 18);
	int64_t at = dt_date_start(day) + 16 * 3600, id;
	sj_rc rc;

	for (int i = 0; i < N_ITEMS; i++) {
		total[i] = demo_items[i].total;
		share[i] = demo_items[i].share;
	}
	supply_doc_input receipt = { .kind = "receipt", .date = raised, .site_id = d->organ_store,
	    .source = "raised", .counterparty = "泰安市政协机关",
	    .note = "市政协党组安排机关筹集的防疫物资" };
	supply_doc_input transfer = { .kind = "transfer", .date = day, .site_id = d->organ_store,
	    .to_site_id = d->group_store, .note = "交工作二组送往社区" };
	if ((rc = demo_post(ctx, d, &receipt, total, NULL, &id, e)) != SJ_OK ||
	    (rc = demo_post(ctx, d, &transfer, total, NULL, &id, e)) != SJ_OK)
		return rc;
	for (int c = 0; c < N_COMMUNITIES; c++) {
		supply_doc_input dist = { .kind = "distribution", .date = day,
		    .site_id = d->group_store, .to_unit_id = d->units[c],
		    .note = "3月18日下午送达社区（走访慰问）" };
		supply_confirm_input conf = { .username = confirmers[c], .at = at };
		if ((rc = demo_post(ctx, d, &dist, share, d->requests[c], &id, e)) != SJ_OK)
			return rc;
		conf.user_id = demo_user(ctx->s, &d->a, confirmers[c]);
		if ((rc = supply_doc_confirm(ctx->s, &scope_system, id, &conf, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
supply_demo_part(demo_ctx *ctx, sj_err *e)
{
	demo_supply d;
	sj_rc rc;

	memset(&d, 0, sizeof d);
	arena_init(&d.a);
	if ((rc = demo_setup(ctx, &d, e)) == SJ_OK && (rc = demo_requests(ctx, &d, e)) == SJ_OK)
		rc = demo_movements(ctx, &d, e);
	arena_free(&d.a);
	return rc;
}
