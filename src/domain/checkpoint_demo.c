/*
 * checkpoint_demo — a day at the 华新新干线小区 monitoring point, made from
 * a fixed seed.
 *
 * Invariant: every random choice comes from one splitmix64 stream seeded
 * with CHECKPOINT_DEMO_SEED, in a fixed order, and the events are written
 * in time order, so the same binary always writes the same day.  All of it
 * is assumed (SCENARIO.md gives no residents or traffic); only the place,
 * the checkpoint, the date and the two visited households are facts.
 */
#include "domain/checkpoint_demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/disinfection.h"
#include "domain/org.h"
#include "domain/outsider.h"
#include "domain/person.h"
#include "domain/scan.h"

#define DEMO_DAY_Y 2020
#define DEMO_DAY_M 3
#define DEMO_DAY_D 23
#define HOUSEHOLDS 26
#define PEOPLE_MAX 128
#define EVENTS_MAX 512
#define FEVER_C10 376          /* the one fever of the day: 37.6 °C */

enum { Q_CHECKPOINT, Q_GATE, Q_RESIDENTS, Q_HOUSEHOLD_OF };

static const char *const demo_sql[] = {
	"SELECT c.id, c.place_id, p.unit_id FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE p.name = ?1 AND c.name = ?2",
	"SELECT id FROM app_user WHERE username_key = ?1",
	/* the compound's residents made by the organisation part */
	"SELECT pr.id FROM person pr JOIN household h ON h.id = pr.household_id"
	" WHERE h.place_id = ?1 ORDER BY pr.id",
	"SELECT h.id FROM household h JOIN person pr ON pr.household_id = h.id WHERE pr.name = ?1",
};

/* People by age group, which decides their day. */
enum age { ADULT, ELDER, CHILD };

typedef struct resident {
	int64_t id;
	enum age age;
	bool alone;             /* the only member of the household */
	bool quarantined;
} resident;

typedef struct event {
	int64_t at;
	int64_t person_id;      /* a resident, by pass */
	const char *id_number;  /* an outsider, typed */
	scan_direction dir;
	int temperature;
} event;

typedef struct demo_day {
	demo_ctx *ctx;
	uint64_t rng;
	int64_t checkpoint, place, unit, gate;
	int64_t day0;           /* 2020-03-23T00:00:00+08:00 */
	resident people[PEOPLE_MAX];
	int n_people;
	event events[EVENTS_MAX];
	int n_events;
} demo_day;

uint64_t
checkpoint_demo_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* A number in [lo, hi]. */
static int64_t
pick(demo_day *d, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(checkpoint_demo_next(&d->rng) % (uint64_t)(hi - lo + 1));
}

/* Minutes after local midnight of the demo day as an instant. */
static int64_t
at_min(const demo_day *d, int64_t minutes)
{
	return d->day0 + minutes * 60;
}

/* GB 11643-1999 §5.4 (ISO 7064 MOD 11-2): the check character. */
static void
id_number_of(const char *first17, char out[IDENT_ID_SIZE])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	memcpy(out, first17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* ---- finding the scenario's records ------------------------------------------ */

static sj_rc
find(demo_day *d, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(d->ctx->s, demo_sql[Q_CHECKPOINT], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, "华新新干线小区");
	store_bind_text(st, 2, "大门疫情监测点");
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "checkpoint", "大门疫情监测点 of 华新新干线小区 is missing");
	d->checkpoint = store_col_int(st, 0);
	d->place = store_col_int(st, 1);
	d->unit = store_col_int(st, 2);
	store_reset(st);
	if ((rc = store_prepare(d->ctx->s, demo_sql[Q_GATE], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, "gate");
	if ((rc = store_query_int(st, &d->gate, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "user", "the attendant gate is missing");
	return SJ_OK;
}

/* ---- residents -------------------------------------------------------------- */

/* No 张 or 李 and no 三 or 四: the scenario's 张三 and 李四 stay the only
 * people found by those names. */
static const char *const surnames[] = {
	"王", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
	"何", "高", "林", "罗", "郑", "梁",
};
static const char *const given[] = {
	"建国", "秀英", "桂兰", "志强", "海燕", "玉兰", "文杰", "丽娟", "永红", "晓明", "春花",
	"国华", "淑珍", "立新", "红梅", "德明", "雪梅", "子涵", "浩然", "欣怡", "宇轩", "梓萱",
	"明远", "静怡", "家豪", "秋菊", "凤英", "金山", "玉珍", "俊杰",
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static sj_rc
add_resident(demo_day *d, int64_t household, const char *surname, enum age age, bool alone,
    int seq, sj_err *e)
{
	static const char *const plain[] = { "resident" };
	char name[64], first17[32], idn[IDENT_ID_SIZE], mobile[32];
	int year = age == CHILD ? (int)pick(d, 2008, 2016) : age == ELDER ? (int)pick(d, 1935, 1954)
	    : (int)pick(d, 1960, 1998);
	int month = (int)pick(d, 1, 12), day = (int)pick(d, 1, 28);
	person_input in = { .name = name, .id_number = idn, .household_id = household,
	    .tags = plain, .n_tags = 1 };
	resident *r = &d->people[d->n_people];

	snprintf(name, sizeof name, "%s%s", surname, given[pick(d, 0, COUNT(given) - 1)]);
	/* sequence code 100 + seq keeps every number distinct */
	snprintf(first17, sizeof first17, "370911%04d%02d%02d%03d", year, month, day,
	    100 + seq % 900);
	id_number_of(first17, idn);
	if (age != CHILD) {
		snprintf(mobile, sizeof mobile, "1390538%04d", 2000 + seq % 8000);
		in.mobile = mobile;
	}
	r->age = age;
	r->alone = alone;
	if (person_add(d->ctx->s, d->ctx->keys, &scope_system, &in, 20200323, &r->id, e) != SJ_OK)
		return e->rc;
	d->n_people++;
	return SJ_OK;
}

/* Twenty-six more households in buildings 1-6 (entrances 1-2, floors 1-6,
 * doors 01-02), none at the addresses the organisation part used. */
static sj_rc
add_households(demo_day *d, sj_err *e)
{
	int seq = 0;
	sj_rc rc;

	for (int i = 0; i < HOUSEHOLDS; i++) {
		char building[16], entrance[16], room[8];
		org_household h = { .place_id = d->place, .building = building, .entrance = entrance,
		    .room = room };
		const char *surname = surnames[pick(d, 0, COUNT(surnames) - 1)];
		int64_t id;
		int members;

		snprintf(building, sizeof building, "%d号楼", 1 + i % 6);
		snprintf(entrance, sizeof entrance, "%d单元", 1 + (i / 6) % 2);
		snprintf(room, sizeof room, "%d0%d", 2 + (i / 12) % 5, 1 + i % 2);
		if ((rc = org_household_add(d->ctx->s, &scope_system, &h, &id, e)) != SJ_OK)
			return rc;
		members = (int)pick(d, 1, 4);
		for (int m = 0; m < members && d->n_people < PEOPLE_MAX - 8; m++) {
			enum age age = members == 1 ? ELDER : m < 2 ? ADULT : (pick(d, 0, 2) ? CHILD : ELDER);
			if ((rc = add_resident(d, id, surname, age, members == 1, seq++, e)) != SJ_OK)
				return rc;
		}
	}
	return SJ_OK;
}

/* The residents the organisation part made (张三, 李四): adults. */
static sj_rc
add_existing(demo_day *d, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(d->ctx->s, demo_sql[Q_RESIDENTS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, d->place);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row && d->n_people < PEOPLE_MAX) {
		resident *r = &d->people[d->n_people++];
		r->id = store_col_int(st, 0);
		r->age = ADULT;
	}
	if (rc == SJ_OK && row)
		store_reset(st);
	return rc;
}

/* Special groups: one adult back from another city under 14 days of home
 * quarantine (the first generated adult); the first two elderly people who
 * are the only members of their household live alone. */
static sj_rc
tag_groups(demo_day *d, sj_err *e)
{
	static const char *const quarantine[] = { "resident", "home_quarantine" };
	static const char *const alone[] = { "resident", "elderly", "living_alone" };
	person_input in = {0};
	bool quarantine_done = false;
	int alone_n = 0;
	sj_rc rc;

	/* From 2: the organisation part's 张三 and 李四 come first. */
	for (int i = 2; i < d->n_people; i++) {
		resident *r = &d->people[i];
		if (r->age == ADULT && !quarantine_done) {
			r->quarantined = quarantine_done = true;
			in.tags = quarantine;
			in.n_tags = 2;
		} else if (r->age == ELDER && r->alone && alone_n < 2) {
			alone_n++;
			in.tags = alone;
			in.n_tags = 3;
		} else
			continue;
		if ((rc = person_update(d->ctx->s, d->ctx->keys, &scope_system, r->id, &in, PERSON_TAGS,
		    0, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* ---- the day ---------------------------------------------------------------- */

static void
add_event(demo_day *d, int64_t at, int64_t person_id, const char *idn, scan_direction dir,
    int temperature)
{
	if (d->n_events == EVENTS_MAX)
		return;
	d->events[d->n_events++] = (event){ .at = at, .person_id = person_id, .id_number = idn,
	    .dir = dir, .temperature = temperature };
}

/* A normal reading taken at the gate on the way in: 36.0-36.9 °C. */
static int
normal_temp(demo_day *d)
{
	return (int)pick(d, 360, 369);
}

static void
plan_residents(demo_day *d)
{
	bool fever_done = false;

	for (int i = 0; i < d->n_people; i++) {
		/* The organisation part's 张三 and 李四 (first two) stay well. */
		bool may_fever = i >= 2;
		const resident *r = &d->people[i];
		int64_t out, back;
		if (r->quarantined || r->age == CHILD)
			continue;  /* quarantined at home; schools were closed */
		if (r->age == ELDER) {
			if (pick(d, 0, 9) < 6) {  /* the morning market */
				out = pick(d, 8 * 60 + 30, 10 * 60 + 30);
				back = out + pick(d, 30, 90);
				add_event(d, at_min(d, out) + pick(d, 0, 59), r->id, NULL, SCAN_OUT, 0);
				add_event(d, at_min(d, back) + pick(d, 0, 59), r->id, NULL, SCAN_IN,
				    normal_temp(d));
			}
			continue;
		}
		if (pick(d, 0, 19) < 3)
			continue;  /* works from home today */
		out = pick(d, 7 * 60, 9 * 60);
		add_event(d, at_min(d, out) + pick(d, 0, 59), r->id, NULL, SCAN_OUT, 0);
		if (pick(d, 0, 9) < 3) {  /* home for lunch, out again */
			back = pick(d, 11 * 60 + 30, 13 * 60);
			add_event(d, at_min(d, back) + pick(d, 0, 59), r->id, NULL, SCAN_IN,
			    normal_temp(d));
			add_event(d, at_min(d, back + pick(d, 30, 90)) + pick(d, 0, 59), r->id, NULL,
			    SCAN_OUT, 0);
		}
		back = pick(d, 17 * 60, 19 * 60 + 30);
		/* The day's one fever: the first adult back after 17:00 with
		 * an odd minute, so that it falls on someone ordinary. */
		if (!fever_done && may_fever && back % 2 == 1) {
			fever_done = true;
			add_event(d, at_min(d, back), r->id, NULL, SCAN_IN, FEVER_C10);
		} else
			add_event(d, at_min(d, back) + pick(d, 0, 59), r->id, NULL, SCAN_IN,
			    normal_temp(d));
	}
}

/* Three outsiders, registered at the gate two minutes before they pass. */
static const struct {
	const char *name, *first17, *mobile, *from, *reason, *host;
	bool host_lisi;           /* visits 李四's household */
	int in_min, out_min;      /* minutes after midnight */
} outsiders[] = {
	{ "周建军", "37090219881111321", "13853800101", "泰山区", "送快递（小区外代收点不收大件）",
	  "物业服务中心", false, 10 * 60 + 12, 10 * 60 + 24 },
	{ "马立强", "37091119790606503", "13853800102", "岱岳区粥店街道", "维修2号楼供水管道",
	  "物业服务中心", false, 9 * 60 + 5, 11 * 60 + 40 },
	{ "陈丽娟", "37098319920215242", "13853800103", "肥城市", "给父母送生活物资", NULL, true,
	  14 * 60 + 3, 16 * 60 + 31 },
};

static char outsider_ids[COUNT(outsiders)][IDENT_ID_SIZE];

static sj_rc
register_outsiders(demo_day *d, sj_err *e)
{
	store_stmt *st;
	int64_t lisi = 0, id;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(d->ctx->s, demo_sql[Q_HOUSEHOLD_OF], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, "李四");
	if ((rc = store_query_int(st, &lisi, &found, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < COUNT(outsiders); i++) {
		int64_t at = at_min(d, outsiders[i].in_min) - 120;
		outsider_input in = { .name = outsiders[i].name, .mobile = outsiders[i].mobile,
		    .id_number = outsider_ids[i], .checkpoint_id = d->checkpoint,
		    .from = outsiders[i].from, .reason = outsiders[i].reason,
		    .host = outsiders[i].host, .host_household_id = outsiders[i].host_lisi ? lisi : 0,
		    .valid_from = at, .registered_by = d->gate };
		id_number_of(outsiders[i].first17, outsider_ids[i]);
		if ((rc = outsider_register(d->ctx->s, d->ctx->keys, &scope_system, &in, at, 20200323,
		    &id, NULL, e)) != SJ_OK)
			return rc;
		add_event(d, at_min(d, outsiders[i].in_min), 0, outsider_ids[i], SCAN_IN,
		    normal_temp(d));
		add_event(d, at_min(d, outsiders[i].out_min), 0, outsider_ids[i], SCAN_OUT, 0);
	}
	return SJ_OK;
}

static int
by_time(const void *x, const void *y)
{
	const event *a = x, *b = y;

	return a->at < b->at ? -1 : a->at > b->at;
}

static sj_rc
record_events(demo_day *d, sj_err *e)
{
	scan_settings settings = { .fever_threshold = SCREEN_FEVER_DEFAULT,
	    .reentry_s = STAY_REENTRY_DEFAULT };
	scan_result res;
	sj_rc rc;

	qsort(d->events, (size_t)d->n_events, sizeof *d->events, by_time);
	for (int i = 0; i < d->n_events; i++) {
		const event *ev = &d->events[i];
		scan_input in = { .checkpoint_id = d->checkpoint, .person_id = ev->person_id,
		    .id_number = ev->id_number, .direction = ev->dir, .at = ev->at,
		    .temperature = ev->temperature, .operator_id = d->gate,
		    .source = ev->person_id ? SCAN_SRC_PASS : SCAN_SRC_ATTENDANT };
		if ((rc = scan_record(d->ctx->s, d->ctx->keys, &settings, &scope_system, &in,
		    ev->at + 1, &res, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* The gate's rounds with 84 disinfectant at 1:100, every four hours. */
static sj_rc
disinfect(demo_day *d, sj_err *e)
{
	static const int hours[] = { 8, 12, 16, 20 };
	int64_t id;
	sj_rc rc;

	for (size_t i = 0; i < COUNT(hours); i++) {
		disinfection in = { .place_id = d->place, .area = "大门岗亭及登记台",
		    .agent = "84消毒液", .concentration = "1:100",
		    .at = at_min(d, hours[i] * 60) + pick(d, 0, 9) * 60, .operator_id = d->gate };
		in.next_due_at = at_min(d, hours[i] * 60 + 240);
		if ((rc = disinfection_add(d->ctx->s, &scope_system, &in, in.at + 60, &id, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
checkpoint_demo_part(demo_ctx *ctx, sj_err *e)
{
	demo_day *d = sj_calloc(1, sizeof *d);
	sj_rc rc;

	d->ctx = ctx;
	d->rng = CHECKPOINT_DEMO_SEED;
	d->day0 = dt_date_start(dt_date_from_ymd(DEMO_DAY_Y, DEMO_DAY_M, DEMO_DAY_D));
	if ((rc = find(d, e)) == SJ_OK &&
	    (rc = add_existing(d, e)) == SJ_OK &&
	    (rc = add_households(d, e)) == SJ_OK &&
	    (rc = tag_groups(d, e)) == SJ_OK &&
	    (rc = register_outsiders(d, e)) == SJ_OK &&
	    (rc = disinfect(d, e)) == SJ_OK) {
		plan_residents(d);
		rc = record_events(d, e);
	}
	free(d);
	return rc;
}
