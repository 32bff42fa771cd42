/*
 * cpfix — the small world the checkpoint tests run in (test_scan.c,
 * test_writer.c): a migrated database (tests/unit/testdb.h: SQLite, or
 * PostgreSQL with SIJIN_TEST_DB=pg), a key file, and
 *   unit A (community) with place P (records exits, default stay 2 h),
 *   place Q (entries only, default stay 60 min) and a household at P;
 *   unit B (enterprise) with place R;
 *   a checkpoint at each place;
 *   people: a resident of A (household at P), one under home quarantine
 *   in A, a key-group member of A, and a resident of B (an outsider to A);
 *   a checkpoint attendant who attends P's checkpoint only.
 * Identity numbers are made here with their own GB 11643 check character
 * (cpfix_id), independently of core/ident.c.  Static functions only, so a
 * test includes just this header.
 */
#ifndef SJ_CPFIX_H
#define SJ_CPFIX_H

#include <stdio.h>
#include <string.h>

#include "unit/testdb.h"

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/org.h"
#include "domain/person.h"
#include "domain/retention.h"
#include "domain/scan.h"
#include "store/migrate.h"

typedef struct cpfix {
	store *s;
	crypt_keys *keys;
	char key_dir[64];
	int64_t unit_a, unit_b, place_p, place_q, place_r, cp_p, cp_q, cp_r, household;
	int64_t resident, quarantined, key_member, visitor;
	char id_resident[19], id_quarantined[19], id_key[19], id_visitor[19], id_stranger[19];
	int64_t attendant;     /* user id, attends cp_p only */
	scope attendant_scope;
	scan_settings settings;
} cpfix;

/* GB 11643-1999 §5.4: the check character of the first 17 digits. */
static inline void
cpfix_id(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	memcpy(out, first17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static const char *const cpfix_sql[] = {
	"INSERT INTO app_user (username, username_key, display_name, role, password_hash, disabled,"
	" created_at, password_changed_at) VALUES ('gate1', 'gate1', '', 'checkpoint',"
	" '$argon2id$not-a-real-hash', 0, 0, 0) RETURNING id",
	"INSERT INTO checkpoint_attendant (user_id, checkpoint_id) VALUES (?1, ?2)",
};

static inline int64_t
cpfix_person(cpfix *f, const char *name, const char *id17, char id[19], int64_t household,
    int64_t unit, const char *tag1, const char *tag2)
{
	const char *tags[2] = { tag1, tag2 };
	person_input in = { .name = name, .id_number = id, .household_id = household,
	    .unit_id = household ? 0 : unit, .tags = tags, .n_tags = tag2 ? 2 : 1 };
	sj_err e = {0};
	int64_t pid = 0;

	cpfix_id(id17, id);
	if (person_add(f->s, f->keys, &scope_system, &in, 20200323, &pid, &e) != SJ_OK)
		fprintf(stderr, "cpfix: person %s: %s: %s\n", name, e.field, e.msg);
	return pid;
}

static inline int64_t
cpfix_place(cpfix *f, int64_t unit, const char *name, int records_exits, int64_t stay,
    int64_t *checkpoint)
{
	org_place p = { .unit_id = unit, .kind = "residential", .name = name,
	    .records_exits = records_exits, .default_stay_s = stay };
	org_checkpoint c = { .name = "大门", .kind = "gate" };
	sj_err e = {0};
	int64_t id = 0;

	if (org_place_add(f->s, &scope_system, &p, &id, &e) != SJ_OK)
		fprintf(stderr, "cpfix: place: %s\n", e.msg);
	c.place_id = id;
	if (org_checkpoint_add(f->s, &scope_system, &c, checkpoint, &e) != SJ_OK)
		fprintf(stderr, "cpfix: checkpoint: %s\n", e.msg);
	return id;
}

/* Build the world into f; 0 on success. */
static inline int
cpfix_setup(cpfix *f)
{
	org_region rg = { .level = "district", .name = "测试区" };
	org_unit ua = { .kind = "community", .name = "甲社区" };
	org_unit ub = { .kind = "enterprise", .name = "乙公司" };
	org_household h = { .building = "1号楼", .room = "101" };
	char path[128];
	store_stmt *st;
	sj_err e = {0};
	int64_t region = 0;

	memset(f, 0, sizeof *f);
	/* The tests' scans are of March 2020: keep 10 years, so that retention
	 * (domain/retention.h) does not hide them; test_purge sets its own. */
	for (int k = 0; k < RETENTION__N; k++)
		retention_set((retention_class)k, 3650);
	snprintf(f->key_dir, sizeof f->key_dir, "/tmp/sj-cp-XXXXXX");
	if (mkdtemp(f->key_dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/k.key", f->key_dir);
	if (crypt_key_create(path, &e) != SJ_OK || crypt_keys_load(path, &f->keys, &e) != SJ_OK)
		return -1;
	f->s = testdb_open();
	if (migrate_apply(f->s, NULL, &e) != SJ_OK) {
		fprintf(stderr, "cpfix: migrate: %s\n", e.msg);
		return -1;
	}
	if (org_region_add(f->s, &scope_system, &rg, &region, &e) != SJ_OK)
		return -1;
	ua.region_id = ub.region_id = region;
	if (org_unit_add(f->s, &scope_system, &ua, &f->unit_a, &e) != SJ_OK ||
	    org_unit_add(f->s, &scope_system, &ub, &f->unit_b, &e) != SJ_OK)
		return -1;
	f->place_p = cpfix_place(f, f->unit_a, "华新新干线小区", 1, 7200, &f->cp_p);
	f->place_q = cpfix_place(f, f->unit_a, "便民超市", 0, 3600, &f->cp_q);
	f->place_r = cpfix_place(f, f->unit_b, "乙公司厂区", 1, 7200, &f->cp_r);
	h.place_id = f->place_p;
	if (org_household_add(f->s, &scope_system, &h, &f->household, &e) != SJ_OK)
		return -1;
	f->resident = cpfix_person(f, "王小明", "37091119800101001", f->id_resident, f->household,
	    0, "resident", NULL);
	f->quarantined = cpfix_person(f, "赵隔离", "37091119850505002", f->id_quarantined, 0,
	    f->unit_a, "resident", "home_quarantine");
	f->key_member = cpfix_person(f, "钱重点", "37091119900909003", f->id_key, 0, f->unit_a,
	    "key_group", NULL);
	f->visitor = cpfix_person(f, "孙来访", "11010519750303004", f->id_visitor, 0, f->unit_b,
	    "resident", NULL);
	cpfix_id("44030119880808005", f->id_stranger);  /* registered nowhere */
	if (store_prepare(f->s, cpfix_sql[0], &st, &e) != SJ_OK ||
	    store_insert_id(st, &f->attendant, &e) != SJ_OK ||
	    store_prepare(f->s, cpfix_sql[1], &st, &e) != SJ_OK)
		return -1;
	store_bind_int(st, 1, f->attendant);
	store_bind_int(st, 2, f->cp_p);
	if (store_run(st, &e) != SJ_OK)
		return -1;
	f->attendant_scope = (scope){ .role = ROLE_CHECKPOINT, .user_id = f->attendant };
	f->settings = (scan_settings){ .fever_threshold = 373, .reentry_s = 600 };
	return f->resident && f->quarantined && f->key_member && f->visitor ? 0 : -1;
}

static inline void
cpfix_teardown(cpfix *f)
{
	char cmd[128];

	store_close(f->s);
	crypt_keys_free(f->keys);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->key_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cpfix: could not remove %s\n", f->key_dir);
}

/* cmocka set-up: a new cpfix built (cpfix_setup) into *state; -1 when it
 * cannot be.  Ends with cpfix_state_teardown. */
static inline int
cpfix_state_setup(void **state)
{
	cpfix *f = calloc(1, sizeof *f);

	if (f == NULL || cpfix_setup(f) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* cmocka tear-down of cpfix_state_setup: the world removed, *state freed. */
static inline int
cpfix_state_teardown(void **state)
{
	cpfix_teardown(*state);
	free(*state);
	return 0;
}

/* Count rows with a static statement (testdb_int). */
#define CPFIX_COUNT_SCANS "SELECT count(*) FROM scan"
#define CPFIX_COUNT_ALERTS "SELECT count(*) FROM alert"

#endif
