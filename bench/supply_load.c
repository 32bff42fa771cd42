/*
 * supply_load — the supply benchmark's loader and stock-on-hand timer
 * (bench/supply.sh; issue 7 "Speed").
 *
 *   supply_load DB MOVES [QUERIES]
 *
 * Makes a new database DB (it must not exist) with one work group, 8
 * units, 10 sites (the organ's store, the group's store, the 8 units) and
 * 20 items with packs, then writes documents through supply_doc_post —
 * the same validation, balance checks and writes as the API — until the
 * ledger holds MOVES movements: receipts into the organ's store,
 * transfers to the group's store, distributions to the units and
 * consumption there, 10 lines each, dated day by day from 2020-01-01, one
 * document in 20 back-dated by up to 30 days.  500 documents commit
 * together.  Then it times QUERIES (default 100,000) random stock-on-hand
 * questions supply_stock_at(site, item, date) and prints the figures.
 * The random sequence is fixed (seed 7), so runs load the same ledger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/datetime.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/supply.h"
#include "store/migrate.h"
#include "store/store.h"

#define N_UNITS 8
#define N_SITES (N_UNITS + 2)
#define N_ITEMS 20
#define LINES 10
#define BATCH 500

static int64_t sites[N_SITES], items[N_ITEMS];

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what, const sj_err *e)
{
	fprintf(stderr, "supply_load: %s: %s: %s\n", what, e->field, e->msg);
	exit(1);
}

static void
setup(store *s)
{
	org_region r = { .level = "district", .name = "岱岳区" };
	work_group g = { .name = "基准测试组", .set_up_on = -1 };
	supply_site organ = { .kind = "organ", .name = "机关物资库" };
	supply_site group_store = { .kind = "group", .name = "工作组物资库" };
	int64_t region, group, id;
	char name[64];
	sj_err e = {0};

	if (org_region_add(s, &scope_system, &r, &region, &e) != SJ_OK ||
	    group_add(s, &scope_system, &g, &group, &e) != SJ_OK)
		die("organisation", &e);
	group_store.group_id = group;
	if (supply_site_add(s, &scope_system, &organ, &sites[0], &e) != SJ_OK ||
	    supply_site_add(s, &scope_system, &group_store, &sites[1], &e) != SJ_OK)
		die("stores", &e);
	for (int i = 0; i < N_UNITS; i++) {
		org_unit u = { .region_id = region, .kind = "community" };
		assignment as = { .group_id = group, .reported_on = -1 };
		snprintf(name, sizeof name, "基准社区%02d", i + 1);
		u.name = name;
		if (org_unit_add(s, &scope_system, &u, &as.unit_id, &e) != SJ_OK ||
		    group_assign(s, &scope_system, &as, &id, &e) != SJ_OK ||
		    supply_site_of_unit(s, &scope_system, as.unit_id, true, "unit", &sites[2 + i], &e)
		    != SJ_OK)
			die("units", &e);
	}
	for (int i = 0; i < N_ITEMS; i++) {
		supply_pack p = { .name = "箱", .name_en = "box", .size = 10 + i };
		supply_item_input in = { .base_unit = i % 2 ? "bottle" : "piece", .packs = &p,
		    .n_packs = 1 };
		snprintf(name, sizeof name, "物资%02d", i + 1);
		in.name = name;
		if (supply_item_add(s, &scope_system, &in, &items[i], &e) != SJ_OK)
			die("items", &e);
	}
}

/* One document of the day's cycle; returns the movements it made, or 0
 * when it was refused for stock (a random consumption may ask too much). */
static int
post_one(store *s, arena *a, unsigned *seed, long n, sj_date d0, sj_date today)
{
	static const char *const kinds[] = { "receipt", "transfer", "distribution", "consumption" };
	supply_line_input lines[LINES];
	supply_doc_input in = { .username = "bench" };
	int kind = (int)(n % 4), unit = rand_r(seed) % N_UNITS;
	int64_t scale[] = { 4000, 800, 90, 8 };
	supply_problems pr;
	sj_err e = {0};
	int64_t id;
	sj_date d = d0 + (sj_date)(n / 40);
	sj_rc rc;

	if (n % 20 == 19)  /* back-dated */
		d -= (sj_date)(rand_r(seed) % 30);
	if (d > today)
		d = today;
	in.kind = kinds[kind];
	in.date = d;
	in.site_id = kind == 0 ? sites[0] : kind == 1 ? sites[0] : kind == 2 ? sites[1] : sites[2 + unit];
	in.to_site_id = kind == 1 ? sites[1] : kind == 2 ? sites[2 + unit] : 0;
	in.source = kind == 0 ? "purchase" : NULL;
	for (int i = 0; i < LINES; i++)
		lines[i] = (supply_line_input){ .item_id = items[(n + i) % N_ITEMS], .has_qty = true,
		    .qty = 1 + rand_r(seed) % scale[kind] };
	in.lines = lines;
	in.n_lines = LINES;
	rc = supply_doc_post(s, &scope_system, a, &in, &id, &pr, &e);
	if (rc == SJ_ECONFLICT)
		return 0;
	if (rc != SJ_OK)
		die("document", &e);
	return kind == 1 || kind == 2 ? 2 * LINES : LINES;
}

static long
load(store *s, long target)
{
	sj_date d0 = dt_date_from_ymd(2020, 1, 1), today = dt_date_of(dt_now());
	unsigned seed = 7;
	long moves = 0, docs = 0, refused = 0;
	double t0 = now_s();
	sj_err e = {0};
	arena a;

	arena_init(&a);
	for (long n = 0; moves < target; n++) {
		int m;
		if (n % BATCH == 0 && store_begin(s, &e) != SJ_OK)
			die("begin", &e);
		m = post_one(s, &a, &seed, n, d0, today);
		moves += m;
		docs += m > 0;
		refused += m == 0;
		if ((n % BATCH == BATCH - 1 || moves >= target) && store_commit(s, &e) != SJ_OK)
			die("commit", &e);
		if (n % BATCH == BATCH - 1)
			arena_free(&a);
	}
	arena_free(&a);
	printf("load: %ld movements in %ld documents (%ld refused for stock) in %.1f s: "
	    "%.0f movements/s\n", moves, docs, refused, now_s() - t0, moves / (now_s() - t0));
	return moves;
}

static void
time_queries(store *s, long n)
{
	sj_date d0 = dt_date_from_ymd(2020, 1, 1), today = dt_date_of(dt_now());
	unsigned seed = 11;
	int64_t qty, sum = 0;
	double t0 = now_s(), t;
	sj_err e = {0};

	for (long i = 0; i < n; i++) {
		sj_date d = d0 + (sj_date)(rand_r(&seed) % (today - d0 + 1));
		if (supply_stock_at(s, &scope_system, sites[rand_r(&seed) % N_SITES],
		    items[rand_r(&seed) % N_ITEMS], d, &qty, &e) != SJ_OK)
			die("stock", &e);
		sum += qty;
	}
	t = now_s() - t0;
	printf("stock on hand: %ld random (site, item, date) queries in %.2f s: %.1f µs each "
	    "(checksum %lld)\n", n, t, t / n * 1e6, (long long)sum);
}

int
main(int argc, char **argv)
{
	long target = argc > 2 ? atol(argv[2]) : 1000000, queries = argc > 3 ? atol(argv[3]) : 100000;
	store *s;
	sj_err e = {0};

	if (argc < 3) {
		fprintf(stderr, "usage: supply_load DB MOVES [QUERIES]\n");
		return 2;
	}
	if (access(argv[1], F_OK) == 0) {
		fprintf(stderr, "supply_load: %s exists\n", argv[1]);
		return 2;
	}
	if (dt_zone_set(DT_ZONE_DEFAULT, &e) != SJ_OK ||
	    store_open(argv[1], STORE_CREATE, &s, &e) != SJ_OK || migrate_apply(s, NULL, &e) != SJ_OK)
		die("open", &e);
	setup(s);
	load(s, target);
	time_queries(s, queries);
	store_close(s);
	return 0;
}
