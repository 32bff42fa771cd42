/* Unit tests for the supplies module (issue 7), on SQLite and, with
 * SIJIN_TEST_DB=pg, PostgreSQL (tests/unit/testdb.h):
 *  - quantities as text: packs, full-width digits and spaces, English
 *    plurals, "1箱5瓶"; every kind of bad quantity refused naming the field;
 *    the display forms "6箱(240瓶)", "0箱19瓶";
 *  - the three cases, exactly: a back-dated distribution refused
 *    against a later balance; two simultaneous distributions of the last
 *    box (two threads, each with its own connection, 100 times); box = 24
 *    bottles with "0箱19瓶" left and a stocktake of 5 packs of 2;
 *  - a back-dated movement is checked against the lowest balance inside a
 *    later day, not only its end;
 *  - a brute-force oracle: random receipts, consumptions, transfers and
 *    stocktakes at random dates, each accepted or refused exactly when a
 *    from-scratch replay of the ledger says every balance stays >= 0, and
 *    stock on hand on every day equal to the replay's;
 *  - bad documents (unknown item, site, pack; zero or negative outside
 *    adjustments; one bad line among good ones) refused whole, one problem
 *    per bad line, nothing stored;
 *  - requests: status none → partial → complete, cancelled; a request of
 *    another item or unit refused; open shortages;
 *  - receipt confirmation by the receiving unit's liaison only, once;
 *  - scope: what a leader, a unit liaison and another group see;
 *  - the ledger's running balance, also from a date in the middle;
 *  - the demo (SCENARIO.md): requests complete, totals 600 / 240 / 180.
 * Expected values are worked out by hand (comments) or by the oracle. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/demo.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/supply.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define NONE SUPPLY_DATE_NONE

/* The fixture: group A assigned 高铁社区 and 小堰堤社区, group B assigned
 * 李家庄社区; sites: the organ's store, group A's and group B's stores, a
 * site for each unit; items 口罩 (piece, no pack), 酒精 (bottle, 箱 = 40)
 * and 防护服 (counted in boxes: base unit box). */
typedef struct fixture {
	store *s;
	arena a;
	int64_t group_a, group_b;
	int64_t gaotie, xiaoyandi, lijiazhuang;              /* units */
	int64_t organ, store_a, store_b;                     /* sites */
	int64_t site_gaotie, site_xiaoyandi, site_lijiazhuang;
	int64_t mask, alcohol, suit;                          /* items */
	scope leader_a, leader_b, liaison_gaotie;
} fixture;

#define OK(call) do { \
	sj_rc rc_ = (call); \
	if (rc_ != SJ_OK) \
		fail_msg("%s: %s: %s", #call, e.field, e.msg); \
} while (0)

static sj_date
day(int y, int m, int d)
{
	return dt_date_from_ymd(y, m, d);
}

static int64_t
add_unit(fixture *f, int64_t region, int64_t group, const char *name)
{
	org_unit u = { .region_id = region, .kind = "community", .name = name };
	assignment as = { .group_id = group, .reported_on = -1 };
	sj_err e = {0};
	int64_t id, aid;

	OK(org_unit_add(f->s, &scope_system, &u, &id, &e));
	as.unit_id = id;
	OK(group_assign(f->s, &scope_system, &as, &aid, &e));
	return id;
}

static int64_t
add_site(fixture *f, const char *kind, const char *name, int64_t group, int64_t unit)
{
	supply_site t = { .kind = kind, .name = name, .group_id = group, .unit_id = unit };
	sj_err e = {0};
	int64_t id;

	OK(supply_site_add(f->s, &scope_system, &t, &id, &e));
	return id;
}

/* An item with at most one pack, "名/english" (the English name may be
 * left out). */
static int64_t
add_item(fixture *f, const char *name, const char *unit, const char *pack, int64_t size)
{
	const char *slash = pack ? strchr(pack, '/') : NULL;
	supply_pack p = { .name = slash ? arena_strndup(&f->a, pack, (size_t)(slash - pack)) : pack,
	    .name_en = slash ? slash + 1 : NULL, .size = size };
	supply_item_input in = { .name = name, .base_unit = unit, .packs = &p,
	    .n_packs = pack ? 1 : 0 };
	sj_err e = {0};
	int64_t id;

	OK(supply_item_add(f->s, &scope_system, &in, &id, &e));
	return id;
}

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	org_region r = { .level = "subdistrict", .name = "粥店街道" };
	work_group ga = { .name = "工作A组", .set_up_on = -1 };
	work_group gb = { .name = "工作B组", .set_up_on = -1 };
	int64_t region;
	sj_err e = {0};

	dt_zone_set("Asia/Shanghai", NULL);
	f->s = testdb_open();
	if (migrate_apply(f->s, NULL, &e) != SJ_OK) {
		fprintf(stderr, "migrate on %s: %s: %s\n", testdb_name(), e.field, e.msg);
		return -1;
	}
	arena_init(&f->a);
	OK(org_region_add(f->s, &scope_system, &r, &region, &e));
	OK(group_add(f->s, &scope_system, &ga, &f->group_a, &e));
	OK(group_add(f->s, &scope_system, &gb, &f->group_b, &e));
	f->gaotie = add_unit(f, region, f->group_a, "高铁社区");
	f->xiaoyandi = add_unit(f, region, f->group_a, "小堰堤社区");
	f->lijiazhuang = add_unit(f, region, f->group_b, "李家庄社区");
	f->organ = add_site(f, "organ", "机关物资库", 0, 0);
	f->store_a = add_site(f, "group", "A组物资库", f->group_a, 0);
	f->store_b = add_site(f, "group", "B组物资库", f->group_b, 0);
	f->site_gaotie = add_site(f, "unit", NULL, 0, f->gaotie);
	f->site_xiaoyandi = add_site(f, "unit", NULL, 0, f->xiaoyandi);
	f->site_lijiazhuang = add_site(f, "unit", NULL, 0, f->lijiazhuang);
	f->mask = add_item(f, "口罩", "piece", NULL, 0);
	f->alcohol = add_item(f, "酒精", "bottle", "箱/box", 40);
	f->suit = add_item(f, "防护服", "box", NULL, 0);
	f->leader_a = (scope){ .role = ROLE_LEADER, .user_id = 0, .group_id = f->group_a };
	f->leader_b = (scope){ .role = ROLE_LEADER, .user_id = 0, .group_id = f->group_b };
	f->liaison_gaotie = (scope){ .role = ROLE_UNIT, .unit_id = f->gaotie };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	arena_free(&f->a);
	store_close(f->s);
	free(f);
	return 0;
}

/* Post a one-line document as the command line would: kind, date, sites,
 * item and quantity text; the problems land in *pr. */
static sj_rc
post1(fixture *f, const scope *sc, const char *kind, sj_date date, int64_t site, int64_t to,
    int64_t item, const char *qty, supply_problems *pr, int64_t *id, sj_err *e)
{
	supply_line_input l = { .item_id = item, .quantity = qty };
	supply_doc_input in = { .kind = kind, .date = date, .site_id = site, .to_site_id = to,
	    .lines = &l, .n_lines = 1, .username = "test" };
	int64_t dummy;

	if (strcmp(kind, "receipt") == 0)
		in.source = "donation";
	if (strcmp(kind, "adjustment") == 0) {
		in.reason = "盘点";
		l.count = true;
	}
	return supply_doc_post(f->s, sc, &f->a, &in, id ? id : &dummy, pr, e);
}

/* post1 that must succeed. */
static void
must_post(fixture *f, const char *kind, sj_date date, int64_t site, int64_t to, int64_t item,
    const char *qty)
{
	supply_problems pr;
	sj_err e = {0};

	if (post1(f, &scope_system, kind, date, site, to, item, qty, &pr, NULL, &e) != SJ_OK)
		fail_msg("%s of %s on %d: %s", kind, qty, (int)date, e.msg);
}

static int64_t
stock(fixture *f, int64_t site, int64_t item, sj_date date)
{
	sj_err e = {0};
	int64_t q = -1;

	OK(supply_stock_at(f->s, &scope_system, site, item, date, &q, &e));
	return q;
}

static supply_item
item(fixture *f, int64_t id)
{
	supply_item it;
	sj_err e = {0};

	OK(supply_item_get(f->s, &f->a, id, &it, &e));
	return it;
}

/* ---- quantities --------------------------------------------------------- */

static int64_t
parse(const supply_item *it, const char *text, int mode)
{
	sj_err e = {0};
	int64_t q = -1;

	if (supply_qty_parse(it, text, mode, "quantity", &q, &e) != SJ_OK)
		fail_msg("'%s': %s", text, e.msg);
	return q;
}

/* The message of a refused quantity; fails when it is accepted. */
static const char *
parse_err(const supply_item *it, const char *text, int mode)
{
	static sj_err e;
	int64_t q;

	memset(&e, 0, sizeof e);
	if (supply_qty_parse(it, text, mode, "quantity", &q, &e) == SJ_OK)
		fail_msg("'%s' was accepted as %lld", text, (long long)q);
	assert_int_equal(e.rc, SJ_EINVAL);
	assert_string_equal(e.field, "quantity");
	return e.msg;
}

static void
test_quantities(void **state)
{
	fixture *f = *state;
	supply_item alcohol = item(f, f->alcohol), mask = item(f, f->mask);

	/* 箱 = 40 瓶: 6 箱 = 240 瓶 however it is written */
	assert_int_equal(parse(&alcohol, "6 箱", 0), 240);
	assert_int_equal(parse(&alcohol, "6箱", 0), 240);
	assert_int_equal(parse(&alcohol, "240 瓶", 0), 240);
	assert_int_equal(parse(&alcohol, "240", 0), 240);
	assert_int_equal(parse(&alcohol, "6 box", 0), 240);
	assert_int_equal(parse(&alcohol, "6 boxes", 0), 240);
	assert_int_equal(parse(&alcohol, "6 BOX", 0), 240);
	assert_int_equal(parse(&alcohol, "６箱", 0), 240);            /* full-width 6 */
	assert_int_equal(parse(&alcohol, "２４０\xe3\x80\x80瓶", 0), 240);  /* ideographic space */
	assert_int_equal(parse(&alcohol, "  6 箱  ", 0), 240);
	assert_int_equal(parse(&alcohol, "1箱5瓶", 0), 45);          /* 40 + 5 */
	assert_int_equal(parse(&alcohol, "1 box 5 bottles", 0), 45);
	assert_int_equal(parse(&alcohol, "0", SUPPLY_QTY_NONNEGATIVE), 0);
	assert_int_equal(parse(&alcohol, "-3瓶", SUPPLY_QTY_SIGNED), -3);
	assert_int_equal(parse(&alcohol, "\xe2\x88\x92" "1箱", SUPPLY_QTY_SIGNED), -40);  /* U+2212 */
	assert_int_equal(parse(&mask, "200只", 0), 200);              /* 只 is read as 个 */

	assert_non_null(strstr(parse_err(&alcohol, "6桶", 0), "桶 is not a unit of 酒精"));
	assert_non_null(strstr(parse_err(&alcohol, "6 crates", 0), "not a unit of 酒精"));
	assert_non_null(strstr(parse_err(&mask, "2箱", 0), "not a unit of 口罩"));
	assert_non_null(strstr(parse_err(&alcohol, "2.5箱", 0), "fractional"));
	assert_non_null(strstr(parse_err(&alcohol, "2,5", 0), "fractional"));
	assert_non_null(strstr(parse_err(&alcohol, "0", 0), "greater than 0"));
	assert_non_null(strstr(parse_err(&alcohol, "0箱", 0), "greater than 0"));
	assert_non_null(strstr(parse_err(&alcohol, "-3", 0), "negative"));
	assert_non_null(strstr(parse_err(&alcohol, "-3", SUPPLY_QTY_NONNEGATIVE), "negative"));
	assert_non_null(strstr(parse_err(&alcohol, "0", SUPPLY_QTY_SIGNED), "not be 0"));
	assert_non_null(strstr(parse_err(&alcohol, "六箱", 0), "whole number"));
	assert_non_null(strstr(parse_err(&alcohol, "箱", 0), "whole number"));
	assert_non_null(strstr(parse_err(&alcohol, "", 0), "empty"));
	assert_non_null(strstr(parse_err(&alcohol, "5 6", 0), "followed by a unit"));
	assert_non_null(strstr(parse_err(&alcohol, "99999999999 箱", 0), "too large"));
}

static void
test_display(void **state)
{
	fixture *f = *state;
	supply_item alcohol = item(f, f->alcohol), mask = item(f, f->mask);

	assert_string_equal(supply_qty_text(&f->a, &alcohol, 240), "6箱(240瓶)");
	assert_string_equal(supply_qty_text(&f->a, &alcohol, 19), "0箱19瓶");
	assert_string_equal(supply_qty_text(&f->a, &alcohol, 45), "1箱5瓶");
	assert_string_equal(supply_qty_text(&f->a, &alcohol, 0), "0箱(0瓶)");
	assert_string_equal(supply_qty_text(&f->a, &alcohol, -3), "-0箱3瓶");
	assert_string_equal(supply_qty_text(&f->a, &mask, 600), "600个");
	assert_string_equal(supply_qty_text_en(&f->a, &alcohol, 240), "6 boxes (240 bottles)");
	assert_string_equal(supply_qty_text_en(&f->a, &alcohol, 41), "1 box 1 bottle");
	assert_string_equal(supply_qty_text_en(&f->a, &mask, 1), "1 piece");
}

static void
test_packs(void **state)
{
	fixture *f = *state;
	supply_pack p;
	supply_item_input in = { .name = "手套", .base_unit = "双", .packs = &p, .n_packs = 1 };
	sj_err e = {0};
	int64_t id;

	OK(supply_pack_parse(&f->a, "盒/box=2", "pack", &p, &e));
	assert_string_equal(p.name, "盒");
	assert_string_equal(p.name_en, "box");
	assert_int_equal(p.size, 2);
	/* 0, negative and fractional sizes are refused at parse and at add */
	assert_int_equal(supply_pack_parse(&f->a, "盒=0", "pack", &p, &e), SJ_EINVAL);
	assert_int_equal(supply_pack_parse(&f->a, "盒=-2", "pack", &p, &e), SJ_EINVAL);
	assert_int_equal(supply_pack_parse(&f->a, "盒=2.5", "pack", &p, &e), SJ_EINVAL);
	assert_int_equal(supply_pack_parse(&f->a, "盒=two", "pack", &p, &e), SJ_EINVAL);
	p = (supply_pack){ .name = "盒", .size = 0 };
	assert_int_equal(supply_item_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "packs[0].size");
	p.size = -2;
	assert_int_equal(supply_item_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	/* a pack may not reuse a word of the base unit (双 is the pair) */
	p = (supply_pack){ .name = "双", .size = 2 };
	assert_int_equal(supply_item_add(f->s, &scope_system, &in, &id, &e), SJ_ECONFLICT);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM supply_item WHERE name = '手套'"), 0);
	/* nor digits */
	p = (supply_pack){ .name = "3号箱", .size = 2 };
	assert_int_equal(supply_pack_add(f->s, &scope_system, f->alcohol, &p, NULL, &e), SJ_EINVAL);
	/* unknown unit of measure */
	in = (supply_item_input){ .name = "酒精棉", .base_unit = "kg" };
	assert_int_equal(supply_item_add(f->s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "base_unit");
}

/* ---- the cases -------------------------------------------------- */

/* Case 1: 100 boxes on 2024-03-01; 80 out dated 03-10 entered first; 50
 * out dated 03-05 entered second is refused: 03-10 would be 100-50-80 =
 * -30.  The balance on 03-10 is 100-80 = 20. */
static void
test_case_backdated(void **state)
{
	fixture *f = *state;
	supply_problems pr;
	sj_err e = {0};

	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->suit, "100");
	must_post(f, "distribution", day(2024, 3, 10), f->store_a, f->site_gaotie, f->suit, "80");
	assert_int_equal(post1(f, &scope_system, "distribution", day(2024, 3, 5), f->store_a,
	    f->site_xiaoyandi, f->suit, "50", &pr, NULL, &e), SJ_ECONFLICT);
	assert_int_equal(pr.n, 1);
	assert_int_equal(pr.v[0].line, 1);
	assert_non_null(strstr(pr.v[0].detail, "insufficient stock"));
	assert_non_null(strstr(pr.v[0].detail, "2024-03-10"));
	assert_non_null(strstr(pr.v[0].detail, "-30"));
	assert_int_equal(stock(f, f->store_a, f->suit, day(2024, 3, 10)), 20);
	assert_int_equal(stock(f, f->store_a, f->suit, day(2024, 3, 5)), 100);
	assert_int_equal(stock(f, f->store_a, f->suit, day(2024, 2, 29)), 0);
	assert_int_equal(stock(f, f->store_a, f->suit, NONE), 20);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM supply_doc"), 2);
	/* 20 may still go on 03-05: the 03-10 balance becomes exactly 0 */
	must_post(f, "distribution", day(2024, 3, 5), f->store_a, f->site_xiaoyandi, f->suit, "20");
	assert_int_equal(stock(f, f->store_a, f->suit, day(2024, 3, 10)), 0);
	assert_int_equal(stock(f, f->store_a, f->suit, day(2024, 3, 5)), 80);
}

/* Case 2: two threads, each with its own connection, distribute the last
 * box at the same moment; 100 rounds. */
typedef struct racer {
	pthread_barrier_t *go;
	int64_t site, to, item;
	sj_rc rc;
	char detail[256];
} racer;

static void *
race(void *arg)
{
	racer *r = arg;
	supply_line_input l = { .item_id = r->item, .quantity = "1" };
	supply_doc_input in = { .kind = "distribution", .date = NONE, .site_id = r->site,
	    .to_site_id = r->to, .lines = &l, .n_lines = 1, .username = "racer" };
	store *s = testdb_reopen();
	supply_problems pr;
	sj_err e = {0};
	int64_t id;
	arena a;

	arena_init(&a);
	pthread_barrier_wait(r->go);
	r->rc = supply_doc_post(s, &scope_system, &a, &in, &id, &pr, &e);
	snprintf(r->detail, sizeof r->detail, "%s", pr.n ? pr.v[0].detail : e.msg);
	arena_free(&a);
	store_close(s);
	return NULL;
}

static void
test_case_concurrent(void **state)
{
	static const char count_sql[] =
	    "SELECT count(*) FROM supply_doc WHERE kind = 'distribution'";
	fixture *f = *state;
	pthread_barrier_t go;

	for (int round = 0; round < 100; round++) {
		racer r[2] = {
			{ &go, f->store_a, f->site_gaotie, f->suit, SJ_OK, "" },
			{ &go, f->store_a, f->site_xiaoyandi, f->suit, SJ_OK, "" },
		};
		pthread_t t[2];
		int ok;
		must_post(f, "receipt", NONE, f->store_a, 0, f->suit, "1");
		pthread_barrier_init(&go, NULL, 2);
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&go);
		ok = (r[0].rc == SJ_OK) + (r[1].rc == SJ_OK);
		if (ok != 1)
			fail_msg("round %d: %d succeeded (%s / %s)", round, ok, r[0].detail, r[1].detail);
		for (int i = 0; i < 2; i++)
			if (r[i].rc != SJ_OK) {
				assert_int_equal(r[i].rc, SJ_ECONFLICT);
				assert_non_null(strstr(r[i].detail, "insufficient stock"));
			}
		assert_int_equal(stock(f, f->store_a, f->suit, NONE), 0);
		assert_int_equal(testdb_int(f->s, count_sql), round + 1);
	}
	assert_int_equal(testdb_int(f->s, "SELECT min(low) FROM supply_balance"), 0);
	assert_int_equal(testdb_int(f->s, "SELECT count(*) FROM supply_stock WHERE on_hand < 0"), 0);
}

/* Case 3: box = 24 bottles; receive 2 boxes (48); distribute 1 box and 5
 * bottles (29); 48 - 29 = 19 remain, shown "0箱19瓶".  A second item's
 * stocktake of 5 packs of 2 gives 10 and the pack stays 2. */
static void
test_case_packs(void **state)
{
	fixture *f = *state;
	int64_t water = add_item(f, "消毒水", "bottle", "箱", 24);
	int64_t gloves = add_item(f, "手套", "pair", "包", 2);
	supply_line_input lines[2] = {
		{ .item_id = water, .has_qty = true, .qty = 1, .pack = "箱" },
		{ .item_id = water, .quantity = "5瓶" },
	};
	supply_doc_input in = { .kind = "distribution", .date = day(2024, 3, 2),
	    .site_id = f->store_a, .to_site_id = f->site_gaotie, .lines = lines, .n_lines = 2,
	    .username = "test" };
	supply_stock_filter sf = { .site_id = f->store_a, .item_id = water, .date = NONE };
	supply_stock_row *rows;
	supply_item g;
	supply_problems pr;
	sj_err e = {0};
	int64_t id;
	size_t n;

	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, water, "2箱");
	assert_int_equal(stock(f, f->store_a, water, NONE), 48);
	OK(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e));
	assert_int_equal(stock(f, f->store_a, water, NONE), 19);
	OK(supply_stock_list(f->s, &scope_system, &f->a, &sf, &rows, &n, &e));
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].display, "0箱19瓶");
	/* the second item: counted 5 packs of 2 */
	must_post(f, "adjustment", day(2024, 3, 2), f->store_a, 0, gloves, "5包");
	assert_int_equal(stock(f, f->store_a, gloves, NONE), 10);
	g = item(f, gloves);
	assert_int_equal(g.n_packs, 1);
	assert_int_equal(g.packs[0].size, 2);
	assert_string_equal(supply_qty_text(&f->a, &g, 10), "5包(10双)");
	/* the stocktake line keeps the count and the change it made */
	assert_int_equal(testdb_int(f->s, "SELECT counted FROM supply_line l JOIN supply_doc d"
	    " ON d.id = l.doc_id WHERE d.kind = 'adjustment'"), 10);
}

/* A later day that dips to 0 inside the day: the end of day is not enough. */
static void
test_backdated_checks_low_within_day(void **state)
{
	fixture *f = *state;
	supply_problems pr;
	sj_err e = {0};

	/* 03-01 +20; 03-10 -20 (balance 0) then +20 (end 20, lowest 0) */
	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->mask, "20");
	must_post(f, "consumption", day(2024, 3, 10), f->store_a, 0, f->mask, "20");
	must_post(f, "receipt", day(2024, 3, 10), f->store_a, 0, f->mask, "20");
	/* 5 out on 03-05 would leave 03-10 at -5 after its first movement */
	assert_int_equal(post1(f, &scope_system, "consumption", day(2024, 3, 5), f->store_a, 0,
	    f->mask, "5", &pr, NULL, &e), SJ_ECONFLICT);
	assert_non_null(strstr(pr.v[0].detail, "2024-03-10"));
	assert_non_null(strstr(pr.v[0].detail, "-5个"));
	assert_int_equal(stock(f, f->store_a, f->mask, day(2024, 3, 10)), 20);
}

/* ---- the oracle --------------------------------------------------------- */

#define ORACLE_DAYS 20
#define ORACLE_MAX 600

/* One accepted movement as the oracle keeps it. */
typedef struct omove {
	int site;      /* 0 or 1 */
	int day;       /* 0..ORACLE_DAYS-1 */
	int seq;       /* entry order */
	int64_t qty;
} omove;

typedef struct oracle {
	omove v[ORACLE_MAX];
	int n, seq;
} oracle;

/* Balance of site at the end of day d, by replay. */
static int64_t
oracle_balance(const oracle *o, int site, int d)
{
	int64_t b = 0;

	for (int i = 0; i < o->n; i++)
		if (o->v[i].site == site && o->v[i].day <= d)
			b += o->v[i].qty;
	return b;
}

static int
omove_cmp(const void *x, const void *y)
{
	const omove *a = x, *b = y;

	if (a->day != b->day)
		return a->day - b->day;
	return a->seq - b->seq;
}

/* Whether every balance of site, after every movement in ledger order
 * (day, then entry), is >= 0: replay from scratch. */
static bool
oracle_never_negative(const oracle *o, int site)
{
	static omove v[ORACLE_MAX];
	int64_t b = 0;
	int n = 0;

	for (int i = 0; i < o->n; i++)
		if (o->v[i].site == site)
			v[n++] = o->v[i];
	qsort(v, (size_t)n, sizeof *v, omove_cmp);
	for (int i = 0; i < n; i++)
		if ((b += v[i].qty) < 0)
			return false;
	return true;
}

/* Try to add the movements m[0..k) (one document); keep them when every
 * balance stays >= 0.  Returns whether they were kept. */
static bool
oracle_try(oracle *o, const omove *m, int k)
{
	int n0 = o->n;

	o->seq++;
	for (int i = 0; i < k; i++) {
		o->v[o->n] = m[i];
		o->v[o->n++].seq = o->seq;
	}
	if (oracle_never_negative(o, 0) && oracle_never_negative(o, 1))
		return true;
	o->n = n0;
	return false;
}

static void
test_oracle(void **state)
{
	fixture *f = *state;
	static oracle o;
	int64_t sites[2] = { f->store_a, f->store_b };
	sj_date d0 = day(2024, 1, 1);
	unsigned seed = 20200318;
	char qty[24];
	int accepted = 0, refused = 0;

	memset(&o, 0, sizeof o);
	for (int step = 0; step < 250 && o.n < ORACLE_MAX - 2; step++) {
		int op = rand_r(&seed) % 5, d = rand_r(&seed) % ORACLE_DAYS;
		int64_t q = 1 + rand_r(&seed) % 30;
		supply_problems pr;
		sj_err e = {0};
		omove m[2];
		int k = 1;
		bool want;
		sj_rc rc;
		snprintf(qty, sizeof qty, "%lld", (long long)q);
		switch (op) {
		case 0:  /* receipt at store A */
			m[0] = (omove){ 0, d, 0, q };
			rc = post1(f, &scope_system, "receipt", d0 + d, sites[0], 0, f->mask, qty, &pr, NULL, &e);
			break;
		case 1:  /* consumption at store A */
			m[0] = (omove){ 0, d, 0, -q };
			rc = post1(f, &scope_system, "consumption", d0 + d, sites[0], 0, f->mask, qty, &pr, NULL, &e);
			break;
		case 2:  /* transfer A → B */
			m[0] = (omove){ 0, d, 0, -q };
			m[1] = (omove){ 1, d, 0, q };
			k = 2;
			rc = post1(f, &scope_system, "transfer", d0 + d, sites[0], sites[1], f->mask, qty, &pr, NULL, &e);
			break;
		case 3:  /* consumption at store B */
			m[0] = (omove){ 1, d, 0, -q };
			rc = post1(f, &scope_system, "consumption", d0 + d, sites[1], 0, f->mask, qty, &pr, NULL, &e);
			break;
		default: /* stocktake at store A: counted q, the change is q - balance */
			m[0] = (omove){ 0, d, 0, q - oracle_balance(&o, 0, d) };
			rc = post1(f, &scope_system, "adjustment", d0 + d, sites[0], 0, f->mask, qty, &pr, NULL, &e);
			break;
		}
		want = oracle_try(&o, m, k);
		if (want != (rc == SJ_OK))
			fail_msg("step %d op %d day %d qty %lld: oracle %s, sijin %s (%s)", step, op, d,
			    (long long)q, want ? "accepts" : "refuses", rc == SJ_OK ? "accepted" : "refused",
			    e.msg);
		if (!want)
			assert_int_equal(rc, SJ_ECONFLICT);
		accepted += want;
		refused += !want;
		for (int s = 0; s < 2; s++)
			for (int dd = 0; dd < ORACLE_DAYS; dd += 3)
				assert_int_equal(stock(f, sites[s], f->mask, d0 + dd), oracle_balance(&o, s, dd));
	}
	/* the walk must have exercised both outcomes */
	assert_true(accepted > 50);
	assert_true(refused > 20);
	for (int s = 0; s < 2; s++)
		assert_int_equal(stock(f, sites[s], f->mask, NONE),
		    oracle_balance(&o, s, ORACLE_DAYS - 1));
}

/* ---- bad input ---------------------------------------------------------- */

static const char *const table_counts[] = {
	"SELECT count(*) FROM supply_doc", "SELECT count(*) FROM supply_line",
	"SELECT count(*) FROM supply_move", "SELECT count(*) FROM supply_balance",
};

static void
counts(fixture *f, int64_t out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = testdb_int(f->s, table_counts[i]);
}

static void
assert_nothing_stored(fixture *f, const int64_t before[4])
{
	int64_t now[4];

	counts(f, now);
	for (int i = 0; i < 4; i++)
		assert_int_equal(now[i], before[i]);
}

static void
test_bad_documents(void **state)
{
	fixture *f = *state;
	supply_line_input lines[5] = {
		{ .item_id = f->alcohol, .quantity = "1箱" },               /* good */
		{ .item = "手电筒", .quantity = "3" },                        /* unknown item */
		{ .item = "口罩", .quantity = "10" },                         /* good */
		{ .item_id = f->alcohol, .quantity = "2桶" },                 /* unknown pack */
		{ .item_id = f->mask, .has_qty = true, .qty = 0 },            /* zero */
	};
	supply_doc_input in = { .kind = "receipt", .date = day(2024, 3, 1), .site_id = f->store_a,
	    .source = "purchase", .lines = lines, .n_lines = 5, .username = "test" };
	supply_problems pr;
	int64_t before[4], id;
	sj_err e = {0};

	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->mask, "100");
	counts(f, before);
	assert_int_equal(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e), SJ_EINVAL);
	assert_int_equal(id, 0);
	/* one problem per bad line: 2, 4, 5 */
	assert_int_equal(pr.n, 3);
	assert_int_equal(pr.v[0].line, 2);
	assert_string_equal(pr.v[0].field, "item");
	assert_int_equal(pr.v[1].line, 4);
	assert_string_equal(pr.v[1].field, "quantity");
	assert_non_null(strstr(pr.v[1].detail, "桶"));
	assert_int_equal(pr.v[2].line, 5);
	assert_string_equal(pr.v[2].field, "qty");
	assert_non_null(strstr(e.msg, "line 2"));
	assert_nothing_stored(f, before);

	/* a negative line outside an adjustment */
	lines[0] = (supply_line_input){ .item_id = f->mask, .quantity = "-5" };
	in = (supply_doc_input){ .kind = "consumption", .date = day(2024, 3, 2),
	    .site_id = f->store_a, .lines = lines, .n_lines = 1, .username = "test" };
	assert_int_equal(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e), SJ_EINVAL);
	assert_int_equal(pr.n, 1);
	assert_non_null(strstr(pr.v[0].detail, "negative"));
	/* the same line is fine in an adjustment with a reason, not without */
	in.kind = "adjustment";
	assert_int_equal(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e), SJ_EINVAL);
	assert_string_equal(pr.v[0].field, "reason");
	assert_nothing_stored(f, before);
	in.reason = "破损";
	OK(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e));
	assert_int_equal(stock(f, f->store_a, f->mask, NONE), 95);
	counts(f, before);

	/* unknown sites and sites out of scope; a date after today */
	lines[0] = (supply_line_input){ .item_id = f->mask, .quantity = "1" };
	in = (supply_doc_input){ .kind = "distribution", .date = day(2999, 1, 1),
	    .site_id = 9999, .to_site_id = f->site_lijiazhuang, .lines = lines, .n_lines = 1,
	    .username = "test" };
	assert_int_equal(supply_doc_post(f->s, &f->leader_a, &f->a, &in, &id, &pr, &e), SJ_EINVAL);
	assert_int_equal(pr.n, 3);
	assert_string_equal(pr.v[0].field, "date");
	assert_string_equal(pr.v[1].field, "site_id");
	assert_string_equal(pr.v[2].field, "to_site_id");  /* B's unit: not in A's scope */
	/* a distribution goes to a unit, not to a store */
	in = (supply_doc_input){ .kind = "distribution", .date = NONE, .site_id = f->store_a,
	    .to_site_id = f->organ, .lines = lines, .n_lines = 1, .username = "test" };
	assert_int_equal(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e), SJ_EINVAL);
	assert_string_equal(pr.v[0].field, "to_site_id");
	/* a unit liaison writes no stock documents */
	assert_int_equal(supply_doc_post(f->s, &f->liaison_gaotie, &f->a, &in, &id, &pr, &e),
	    SJ_EFORBIDDEN);
	assert_nothing_stored(f, before);

	/* insufficient stock on two lines of four: both reported */
	supply_line_input many[4] = {
		{ .item_id = f->mask, .quantity = "90" },   /* 95 on hand: fine, 5 left */
		{ .item_id = f->mask, .quantity = "6" },    /* 5 left: refused */
		{ .item_id = f->mask, .quantity = "5" },    /* still 5 left: fine */
		{ .item_id = f->alcohol, .quantity = "1" }, /* none at all: refused */
	};
	in = (supply_doc_input){ .kind = "consumption", .date = NONE, .site_id = f->store_a,
	    .lines = many, .n_lines = 4, .username = "test" };
	assert_int_equal(supply_doc_post(f->s, &scope_system, &f->a, &in, &id, &pr, &e),
	    SJ_ECONFLICT);
	assert_int_equal(pr.n, 2);
	assert_int_equal(pr.v[0].line, 2);
	assert_int_equal(pr.v[1].line, 4);
	assert_nothing_stored(f, before);
	assert_int_equal(stock(f, f->store_a, f->mask, NONE), 95);
}

/* ---- requests and confirmation ------------------------------------------ */

static int64_t
add_request(fixture *f, const scope *sc, int64_t unit, int64_t item_id, const char *qty)
{
	supply_request_input in = { .unit_id = unit, .item_id = item_id, .quantity = qty,
	    .needed_by = NONE, .raised_on = day(2024, 3, 1), .reason = "短缺", .username = "test" };
	sj_err e = {0};
	int64_t id;

	OK(supply_request_add(f->s, sc, &in, &id, &e));
	return id;
}

static const char *
status_of(fixture *f, int64_t id)
{
	supply_request r;
	sj_err e = {0};

	OK(supply_request_get(f->s, &scope_system, &f->a, id, &r, &e));
	return r.status;
}

/* Distribute qty of item from store A to the unit site `to`, fulfilling
 * request req (0: none). */
static sj_rc
deliver(fixture *f, int64_t to, int64_t item_id, const char *qty, int64_t req,
    supply_problems *pr, int64_t *id, sj_err *e)
{
	supply_line_input l = { .item_id = item_id, .quantity = qty, .request_id = req };
	supply_doc_input in = { .kind = "distribution", .date = day(2024, 3, 5),
	    .site_id = f->store_a, .to_site_id = to, .lines = &l, .n_lines = 1, .username = "test" };

	return supply_doc_post(f->s, &scope_system, &f->a, &in, id, pr, e);
}

static void
test_requests(void **state)
{
	fixture *f = *state;
	int64_t r1, r2, r3, id;
	supply_shortage *sh;
	supply_request *open;
	size_t n_sh, n_open;
	supply_problems pr;
	sj_err e = {0};

	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->alcohol, "10箱");
	/* the unit liaison raises their unit's need; not another unit's */
	r1 = add_request(f, &f->liaison_gaotie, f->gaotie, f->alcohol, "2箱");
	supply_request_input other = { .unit_id = f->xiaoyandi, .item_id = f->alcohol,
	    .quantity = "1", .needed_by = NONE, .raised_on = NONE, .reason = "x", .username = "t" };
	assert_int_equal(supply_request_add(f->s, &f->liaison_gaotie, &other, &id, &e), SJ_ENOTFOUND);
	r2 = add_request(f, &f->leader_a, f->xiaoyandi, f->alcohol, "40");
	r3 = add_request(f, &f->leader_a, f->xiaoyandi, f->mask, "100");
	assert_string_equal(status_of(f, r1), "none");
	/* 1 box of 2: partial; the second box: complete (80 of 80) */
	OK(deliver(f, f->site_gaotie, f->alcohol, "1箱", r1, &pr, &id, &e));
	assert_string_equal(status_of(f, r1), "partial");
	OK(deliver(f, f->site_gaotie, f->alcohol, "40瓶", r1, &pr, &id, &e));
	assert_string_equal(status_of(f, r1), "complete");
	/* a complete request takes no more; nor a request of another unit or item */
	assert_int_equal(deliver(f, f->site_gaotie, f->alcohol, "1", r1, &pr, &id, &e), SJ_EINVAL);
	assert_string_equal(pr.v[0].field, "request_id");
	assert_int_equal(deliver(f, f->site_gaotie, f->alcohol, "1", r2, &pr, &id, &e), SJ_EINVAL);
	assert_int_equal(deliver(f, f->site_xiaoyandi, f->alcohol, "1", r3, &pr, &id, &e), SJ_EINVAL);
	assert_non_null(strstr(pr.v[0].detail, "not for 酒精"));
	/* open shortages: r2 (40 瓶) and r3 (100 个) */
	OK(supply_shortages(f->s, &f->leader_a, &f->a, &sh, &n_sh, &open, &n_open, &e));
	assert_int_equal(n_open, 2);
	assert_int_equal(n_sh, 2);
	assert_string_equal(sh[0].item_name, "酒精");     /* pinyin: jiu before kou */
	assert_int_equal(sh[0].remaining, 40);
	assert_string_equal(sh[0].remaining_display, "1箱(40瓶)");
	assert_int_equal(sh[1].remaining, 100);
	/* group B sees none of A's shortages */
	OK(supply_shortages(f->s, &f->leader_b, &f->a, &sh, &n_sh, &open, &n_open, &e));
	assert_int_equal(n_open, 0);
	/* cancelled: out of the shortages, refused as a fulfilment */
	OK(supply_request_cancel(f->s, &f->leader_a, r3, "已从别处解决", "leader", &e));
	assert_string_equal(status_of(f, r3), "cancelled");
	assert_int_equal(supply_request_cancel(f->s, &f->leader_a, r3, "again", "leader", &e),
	    SJ_ECONFLICT);
	assert_int_equal(deliver(f, f->site_xiaoyandi, f->mask, "1", r3, &pr, &id, &e), SJ_EINVAL);
	OK(supply_shortages(f->s, &f->leader_a, &f->a, &sh, &n_sh, &open, &n_open, &e));
	assert_int_equal(n_open, 1);
	/* bad request input */
	other = (supply_request_input){ .unit_id = f->gaotie, .item_id = f->alcohol,
	    .quantity = "0", .needed_by = NONE, .raised_on = NONE, .reason = "x", .username = "t" };
	assert_int_equal(supply_request_add(f->s, &scope_system, &other, &id, &e), SJ_EINVAL);
	other.quantity = "1";
	other.reason = NULL;
	assert_int_equal(supply_request_add(f->s, &scope_system, &other, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "reason");
}

static void
test_confirmation(void **state)
{
	fixture *f = *state;
	supply_confirm_input in = { .user_id = 0, .username = "gaotie",
	    .discrepancy = "少1瓶，瓶身破损" };
	scope liaison_xiaoyandi = { .role = ROLE_UNIT, .unit_id = f->xiaoyandi };
	supply_problems pr;
	supply_doc d;
	sj_err e = {0};
	int64_t id, receipt;

	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->alcohol, "1箱");
	receipt = testdb_int(f->s, "SELECT max(id) FROM supply_doc");
	OK(deliver(f, f->site_gaotie, f->alcohol, "10", 0, &pr, &id, &e));
	/* another unit's liaison cannot even see it; a leader may not confirm */
	assert_int_equal(supply_doc_confirm(f->s, &liaison_xiaoyandi, id, &in, &e), SJ_ENOTFOUND);
	assert_int_equal(supply_doc_confirm(f->s, &f->leader_a, id, &in, &e), SJ_EFORBIDDEN);
	OK(supply_doc_confirm(f->s, &f->liaison_gaotie, id, &in, &e));
	OK(supply_doc_get(f->s, &f->liaison_gaotie, &f->a, id, &d, &e));
	assert_true(d.confirmed_at > 0);
	assert_string_equal(d.confirmed_by_name, "gaotie");
	assert_string_equal(d.discrepancy, "少1瓶，瓶身破损");
	assert_int_equal(supply_doc_confirm(f->s, &f->liaison_gaotie, id, &in, &e), SJ_ECONFLICT);
	assert_int_equal(supply_doc_confirm(f->s, &scope_system, receipt, &in, &e), SJ_EINVAL);
}

/* ---- scope -------------------------------------------------------------- */

static size_t
visible_sites(fixture *f, const scope *sc)
{
	supply_site *t;
	sj_err e = {0};
	size_t n;

	OK(supply_site_list(f->s, sc, &f->a, &t, &n, &e));
	return n;
}

static void
test_scope(void **state)
{
	fixture *f = *state;
	scope auditor = { .role = ROLE_AUDITOR }, dept = { .role = ROLE_DEPARTMENT, .department_id = 1 };
	supply_doc_page page;
	supply_doc_filter df = { .from = NONE, .to = NONE };
	supply_site t;
	supply_problems pr;
	sj_err e = {0};
	int64_t q, id;

	/* A: organ + A's store + 2 units = 4; B: organ + B's store + 1 unit = 3 */
	assert_int_equal(visible_sites(f, &f->leader_a), 4);
	assert_int_equal(visible_sites(f, &f->leader_b), 3);
	assert_int_equal(visible_sites(f, &f->liaison_gaotie), 1);
	assert_int_equal(visible_sites(f, &auditor), 6);
	assert_int_equal(visible_sites(f, &dept), 0);
	assert_int_equal(supply_site_get(f->s, &f->leader_a, &f->a, f->store_b, "site", &t, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(supply_stock_at(f->s, &f->liaison_gaotie, f->store_a, f->mask, NONE, &q, &e),
	    SJ_ENOTFOUND);
	/* documents: the liaison sees the delivery to their unit, not the receipt */
	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->mask, "100");
	OK(deliver(f, f->site_gaotie, f->mask, "10", 0, &pr, &id, &e));
	OK(deliver(f, f->site_xiaoyandi, f->mask, "10", 0, &pr, &id, &e));
	OK(supply_doc_list(f->s, &f->liaison_gaotie, &f->a, &df, &page, &e));
	assert_int_equal(page.n_docs, 1);
	assert_string_equal(page.docs[0].to_site_name, "高铁社区");
	OK(supply_doc_list(f->s, &f->leader_a, &f->a, &df, &page, &e));
	assert_int_equal(page.n_docs, 3);
	OK(supply_doc_list(f->s, &f->leader_b, &f->a, &df, &page, &e));
	assert_int_equal(page.n_docs, 0);
	assert_int_equal(supply_doc_get(f->s, &f->leader_b, &f->a, id, &(supply_doc){0}, &e),
	    SJ_ENOTFOUND);
	/* a leader of B may not write from A's store */
	assert_int_equal(post1(f, &f->leader_b, "consumption", NONE, f->store_a, 0, f->mask, "1",
	    &pr, NULL, &e), SJ_EINVAL);
	assert_string_equal(pr.v[0].field, "site_id");
	/* a leader may add a site for their unit, not for another group's */
	supply_site in = { .kind = "group", .name = "B组二号库", .group_id = f->group_b };
	assert_int_equal(supply_site_add(f->s, &f->leader_a, &in, &id, &e), SJ_ENOTFOUND);
	in = (supply_site){ .kind = "organ", .name = "二号机关库" };
	assert_int_equal(supply_site_add(f->s, &f->leader_a, &in, &id, &e), SJ_EFORBIDDEN);
}

/* ---- the ledger --------------------------------------------------------- */

typedef struct collected {
	int n;
	int64_t qty[16], balance[16];
} collected;

static sj_rc
collect(void *ctx, const supply_move *m, sj_err *e)
{
	collected *c = ctx;

	(void)e;
	if (c->n < 16) {
		c->qty[c->n] = m->qty;
		c->balance[c->n] = m->balance;
	}
	c->n++;
	return SJ_OK;
}

static void
test_ledger_running_balance(void **state)
{
	fixture *f = *state;
	supply_ledger_filter lf = { .site_id = f->store_a, .item_id = f->alcohol, .from = NONE,
	    .to = NONE };
	supply_ledger_page page;
	collected c = {0};
	sj_err e = {0};

	/* +3箱 03-01, -50 03-03, +1箱 03-02 (entered last, sorts second), -10 03-03 */
	must_post(f, "receipt", day(2024, 3, 1), f->store_a, 0, f->alcohol, "3箱");
	must_post(f, "consumption", day(2024, 3, 3), f->store_a, 0, f->alcohol, "50");
	must_post(f, "receipt", day(2024, 3, 2), f->store_a, 0, f->alcohol, "1箱");
	must_post(f, "consumption", day(2024, 3, 3), f->store_a, 0, f->alcohol, "10");
	OK(supply_ledger_each(f->s, &scope_system, &lf, collect, &c, &e));
	/* ledger order: 120, +40, -50, -10 → 120, 160, 110, 100 */
	assert_int_equal(c.n, 4);
	assert_int_equal(c.qty[1], 40);
	assert_int_equal(c.balance[0], 120);
	assert_int_equal(c.balance[1], 160);
	assert_int_equal(c.balance[2], 110);
	assert_int_equal(c.balance[3], 100);
	/* from 03-03: the opening balance is 160 */
	memset(&c, 0, sizeof c);
	lf.from = day(2024, 3, 3);
	OK(supply_ledger_each(f->s, &scope_system, &lf, collect, &c, &e));
	assert_int_equal(c.n, 2);
	assert_int_equal(c.balance[0], 110);
	assert_int_equal(c.balance[1], 100);
	/* pages of 3 then 1, the second starting after the cursor with 100 */
	lf = (supply_ledger_filter){ .site_id = f->store_a, .from = NONE, .to = NONE, .limit = 3 };
	OK(supply_ledger_list(f->s, &scope_system, &f->a, &lf, &page, &e));
	assert_int_equal(page.n_moves, 3);
	assert_true(page.has_more);
	lf.after_site = page.moves[2].site_id;
	lf.after_item = page.moves[2].item_id;
	lf.after_day = page.moves[2].date;
	lf.after_doc = page.moves[2].doc_id;
	lf.after_line = page.moves[2].line_no;
	OK(supply_ledger_list(f->s, &scope_system, &f->a, &lf, &page, &e));
	assert_int_equal(page.n_moves, 1);
	assert_false(page.has_more);
	assert_int_equal(page.moves[0].balance, 100);
	assert_string_equal(page.moves[0].balance_display, "2箱20瓶");
}

/* ---- the demo ----------------------------------------------------------- */

static void
test_demo_supplies(void **state)
{
	static const char *const totals[] = {
		/* delivered to the three communities, per item (SCENARIO.md) */
		"SELECT CAST(sum(l.qty) AS BIGINT) FROM supply_line l JOIN supply_doc d ON d.id = l.doc_id"
		" JOIN supply_item i ON i.id = l.item_id WHERE d.kind = 'distribution' AND i.name = '口罩'",
		"SELECT CAST(sum(l.qty) AS BIGINT) FROM supply_line l JOIN supply_doc d ON d.id = l.doc_id"
		" JOIN supply_item i ON i.id = l.item_id WHERE d.kind = 'distribution' AND i.name = '酒精'",
		"SELECT CAST(sum(l.qty) AS BIGINT) FROM supply_line l JOIN supply_doc d ON d.id = l.doc_id"
		" JOIN supply_item i ON i.id = l.item_id WHERE d.kind = 'distribution'"
		" AND i.name = '84消毒液'",
	};
	char key_path[1300];
	crypt_keys *keys = NULL;
	supply_request_filter rf = { .limit = 100 };
	supply_request_page page;
	store *s;
	sj_err e = {0};
	arena a;

	(void)state;
	s = testdb_open();
	OK(migrate_apply(s, NULL, &e));
	snprintf(key_path, sizeof key_path, "/tmp/sj-supply-demo-%ld.key", (long)getpid());
	unlink(key_path);
	OK(crypt_key_create(key_path, &e));
	OK(crypt_keys_load(key_path, &keys, &e));
	OK(demo_load(s, keys, NULL, &e));
	assert_int_equal(testdb_int(s, totals[0]), 600);
	assert_int_equal(testdb_int(s, totals[1]), 240);   /* 6 boxes of 40 */
	assert_int_equal(testdb_int(s, totals[2]), 180);   /* 6 boxes of 30 */
	assert_int_equal(testdb_int(s, "SELECT count(*) FROM supply_doc WHERE kind = 'distribution'"
	    " AND doc_date = 18339 AND confirmed_at IS NOT NULL"), 3);  /* 18339 = 2020-03-18 */
	arena_init(&a);
	OK(supply_request_list(s, &scope_system, &a, &rf, &page, &e));
	assert_int_equal(page.n_requests, 9);  /* 3 communities × 3 items */
	for (size_t i = 0; i < page.n_requests; i++)
		assert_string_equal(page.requests[i].status, "complete");
	/* every community holds 200 个, 2箱 alcohol, 2箱 disinfectant; the stores 0 */
	assert_int_equal(testdb_int(s, "SELECT count(*) FROM supply_stock k JOIN supply_site t"
	    " ON t.id = k.site_id WHERE t.kind = 'unit' AND k.on_hand IN (200, 80, 60)"), 9);
	assert_int_equal(testdb_int(s, "SELECT CAST(sum(on_hand) AS BIGINT) FROM supply_stock k"
	    " JOIN supply_site t ON t.id = k.site_id WHERE t.kind <> 'unit'"), 0);
	arena_free(&a);
	crypt_keys_free(keys);
	unlink(key_path);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quantities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_display, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_backdated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_packs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backdated_checks_low_within_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oracle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_confirmation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_running_balance, setup, teardown),
		cmocka_unit_test(test_demo_supplies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
