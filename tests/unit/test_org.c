/* Unit tests for domain/org, org_region, org_place, person and group:
 * scope in the queries (the case: a member of group A with 3 units
 * sees 3, and B's unit by id is not found), cursor pagination over 1,205
 * units whose names sort equal and over every other list, the update and
 * delete rules, the reveal round trip of identity data after changes, and
 * the rules review found missing (issue 3): dates before 1970, the region
 * tree, names by search key, identity numbers per unit, contradictory
 * household and unit, and migration 0009 on a database that holds data.
 * Each test runs on a fresh database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypt.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/person.h"
#include "store/migrate.h"
#include "store/schema_files.h"
#include "store/store.h"
#include "unit/testdb.h"

#define TODAY 20200318  /* SCENARIO.md: mid-March 2020 */

static char dir[64];
static crypt_keys *keys;

typedef struct fixture {
	store *s;
	arena a;
	int64_t region;          /* 粥店街道 */
	int64_t group_a, group_b;
	int64_t units_a[3], units_b[2];
} fixture;

static int
group_setup(void **state)
{
	char key_path[160];

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sj-org-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(key_path, sizeof key_path, "%s/t.key", dir);
	if (crypt_key_create(key_path, NULL) != SJ_OK || crypt_keys_load(key_path, &keys, NULL) != SJ_OK)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[160];

	(void)state;
	crypt_keys_free(keys);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* ---- building blocks ---------------------------------------------------- */

static int64_t
add_region(store *s, int64_t parent, const char *level, const char *name)
{
	org_region r = { .parent_id = parent, .level = level, .name = name };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(org_region_add(s, &scope_system, &r, &id, &e), SJ_OK);
	return id;
}

static int64_t
add_unit(store *s, int64_t region, const char *name)
{
	org_unit u = { .region_id = region, .kind = "community", .name = name };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(org_unit_add(s, &scope_system, &u, &id, &e), SJ_OK);
	return id;
}

static int64_t
add_group(store *s, const char *name)
{
	work_group g = { .name = name, .set_up_on = GROUP_DATE_NONE };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(group_add(s, &scope_system, &g, &id, &e), SJ_OK);
	return id;
}

static void
assign(store *s, int64_t group, int64_t unit)
{
	assignment as = { .group_id = group, .unit_id = unit, .reported_on = GROUP_DATE_NONE };
	sj_err e = {0};
	int64_t id;

	assert_int_equal(group_assign(s, &scope_system, &as, &id, &e), SJ_OK);
}

static int64_t
add_place(store *s, int64_t unit, const char *name)
{
	org_place p = { .unit_id = unit, .kind = "residential", .name = name, .records_exits = 1 };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(org_place_add(s, &scope_system, &p, &id, &e), SJ_OK);
	return id;
}

static int64_t
count(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t n = -1;

	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_query_int(st, &n, NULL, &e), SJ_OK);
	return n;
}

/* A fresh database with 粥店街道, group A (3 units) and group B (2). */
static int
setup(void **state)
{
	static const char *const names_a[] = { "高铁社区", "小堰堤社区", "李家庄社区" };
	static const char *const names_b[] = { "泰山石膏有限公司", "丰泽领秀城项目" };
	fixture *f = calloc(1, sizeof *f);
	sj_err e = {0};

	if (f == NULL || (f->s = testdb_open()) == NULL || migrate_apply(f->s, NULL, &e) != SJ_OK)
		return -1;
	arena_init(&f->a);
	f->region = add_region(f->s, 0, "subdistrict", "粥店街道");
	f->group_a = add_group(f->s, "工作二组");
	f->group_b = add_group(f->s, "工作三组");
	for (int i = 0; i < 3; i++) {
		f->units_a[i] = add_unit(f->s, f->region, names_a[i]);
		assign(f->s, f->group_a, f->units_a[i]);
	}
	for (int i = 0; i < 2; i++) {
		f->units_b[i] = add_unit(f->s, f->region, names_b[i]);
		assign(f->s, f->group_b, f->units_b[i]);
	}
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

/* Every unit id sc sees, across pages of limit, into ids (n returned). */
static size_t
list_all(store *s, const scope *sc, arena *a, int limit, int64_t *ids, size_t max)
{
	org_unit_filter flt = { .range.limit = limit };
	org_page page;
	sj_err e = {0};
	size_t n = 0;

	do {
		const org_unit *u;
		assert_int_equal(org_unit_list(s, sc, a, &flt, &page, &e), SJ_OK);
		assert_true(page.n <= (size_t)limit);
		u = page.rows;
		for (size_t i = 0; i < page.n; i++) {
			assert_true(n < max);
			ids[n++] = u[i].id;
		}
		flt.range = page.next;
	} while (page.has_more);
	return n;
}

/* ---- scope -------------------------------------------------------------- */

static void
test_member_sees_own_group_units(void **state)
{
	fixture *f = *state;
	scope member_a = { .role = ROLE_MEMBER, .user_id = 7, .group_id = f->group_a };
	int64_t ids[16];
	org_unit u;
	sj_err e = {0};
	size_t n;

	/* Pages of 2, so the scope also holds across the cursor. */
	n = list_all(f->s, &member_a, &f->a, 2, ids, 16);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(ids[i] == f->units_a[0] || ids[i] == f->units_a[1] ||
		    ids[i] == f->units_a[2]);
	assert_int_equal(org_unit_get(f->s, &member_a, &f->a, f->units_b[0], &u, &e), SJ_ENOTFOUND);
	assert_int_equal(org_unit_get(f->s, &member_a, &f->a, f->units_a[1], &u, &e), SJ_OK);
	assert_string_equal(u.name, "小堰堤社区");
	/* A filter cannot widen the scope: group B's units through group_id. */
	{
		org_unit_filter flt = { .group_id = f->group_b };
		org_page page;
		assert_int_equal(org_unit_list(f->s, &member_a, &f->a, &flt, &page, &e), SJ_OK);
		assert_int_equal(page.n, 0);
	}
	assert_false(org_unit_visible(f->s, &member_a, f->units_b[1]));
}

static void
test_roles_scope(void **state)
{
	fixture *f = *state;
	scope unit_user = { .role = ROLE_UNIT, .user_id = 8, .unit_id = f->units_b[1] };
	scope dept = { .role = ROLE_DEPARTMENT, .user_id = 9, .department_id = 1 };
	scope auditor = { .role = ROLE_AUDITOR, .user_id = 10 };
	scope leader_b = { .role = ROLE_LEADER, .user_id = 11, .group_id = f->group_b };
	int64_t ids[16];

	assert_int_equal(list_all(f->s, &unit_user, &f->a, 50, ids, 16), 1);
	assert_int_equal(ids[0], f->units_b[1]);
	assert_int_equal(list_all(f->s, &dept, &f->a, 50, ids, 16), 0);
	assert_int_equal(list_all(f->s, &auditor, &f->a, 50, ids, 16), 5);
	assert_int_equal(list_all(f->s, &leader_b, &f->a, 50, ids, 16), 2);
}

/* A checkpoint attendant sees the unit of the checkpoint they attend
 * (scope.h), and nothing of the other units. */
static void
test_checkpoint_attendant_scope(void **state)
{
	fixture *f = *state;
	int64_t place = add_place(f->s, f->units_a[0], "华新新干线小区"), cp, ids[16];
	org_checkpoint c = { .place_id = place, .name = "大门", .kind = "gate" };
	scope gate = { .role = ROLE_CHECKPOINT, .user_id = 0 };
	char sql[256];
	sj_err e = {0};

	assert_int_equal(org_checkpoint_add(f->s, &scope_system, &c, &cp, &e), SJ_OK);
	assert_int_equal(store_exec(f->s, "INSERT INTO app_user (username, username_key, role,"
	    " password_hash, created_at, password_changed_at)"
	    " VALUES ('gate1', 'gate1', 'checkpoint', '$argon2id$test', 0, 0)", &e), SJ_OK);
	gate.user_id = count(f->s, "SELECT id FROM app_user WHERE username = 'gate1'");
	assert_int_equal(list_all(f->s, &gate, &f->a, 50, ids, 16), 0);
	snprintf(sql, sizeof sql, "INSERT INTO checkpoint_attendant VALUES (%lld, %lld)",
	    (long long)gate.user_id, (long long)cp);
	assert_int_equal(store_exec(f->s, sql, &e), SJ_OK);
	assert_int_equal(list_all(f->s, &gate, &f->a, 50, ids, 16), 1);
	assert_int_equal(ids[0], f->units_a[0]);
}

static void
test_place_lists_scoped(void **state)
{
	fixture *f = *state;
	scope member_b = { .role = ROLE_MEMBER, .user_id = 7, .group_id = f->group_b };
	int64_t place = add_place(f->s, f->units_a[0], "华新新干线小区");
	org_household h = { .place_id = place, .building = "1号楼", .room = "101" };
	org_checkpoint *cps;
	org_household *hs;
	org_place p;
	size_t n;
	int64_t id;
	sj_err e = {0};

	assert_int_equal(org_household_add(f->s, &scope_system, &h, &id, &e), SJ_OK);
	assert_int_equal(org_place_get(f->s, &member_b, &f->a, place, &p, &e), SJ_ENOTFOUND);
	assert_int_equal(org_checkpoint_list(f->s, &member_b, &f->a, place, &cps, &n, &e),
	    SJ_ENOTFOUND);
	assert_string_equal(e.field, "place");
	assert_int_equal(org_household_list(f->s, &member_b, &f->a, place, &hs, &n, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(org_household_get(f->s, &member_b, &f->a, id, &h, &e), SJ_ENOTFOUND);
	assert_int_equal(org_household_get(f->s, &scope_system, &f->a, id, &h, &e), SJ_OK);
	assert_string_equal(h.room, "101");
	assert_string_equal(h.entrance, "");
	/* Adding under a place out of scope is refused the same way. */
	h = (org_household){ .place_id = place, .room = "102" };
	assert_int_equal(org_household_add(f->s, &member_b, &h, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "place_id");
	assert_int_equal(count(f->s, "SELECT count(*) FROM household"), 1);
}

/* ---- pagination --------------------------------------------------------- */

#define N_SAME 1205

/* 1,205 units with one name, each in its own region (a region holds one
 * unit of a name), all created in the same second, plus three whose names
 * differ in bytes but not in sort key (NFC and NFD of "Café", and NFD with
 * a zero-width space at the end, which is trimmed), each in a region of
 * its own too, since in one region they are one name: every page boundary
 * falls inside a run of equal sort keys, so only the id breaks the
 * ties. */
static void
test_pagination_equal_names(void **state)
{
	fixture *f = *state;
	static int64_t made[N_SAME + 3], got[N_SAME + 16];
	int64_t district = add_region(f->s, 0, "district", "岱岳区");
	char name[32];
	sj_err e = {0};
	size_t n;

	assert_int_equal(store_begin(f->s, &e), SJ_OK);
	for (int i = 0; i < N_SAME; i++) {
		snprintf(name, sizeof name, "第%d村", i);
		made[i] = add_unit(f->s, add_region(f->s, district, "town", name), "同名社区");
	}
	made[N_SAME] = add_unit(f->s, add_region(f->s, district, "town", "甲镇"), "Caf\xc3\xa9");
	made[N_SAME + 1] = add_unit(f->s, add_region(f->s, district, "town", "乙镇"),
	    "Cafe\xcc\x81");
	made[N_SAME + 2] = add_unit(f->s, add_region(f->s, district, "town", "丙镇"),
	    "Cafe\xcc\x81\xe2\x80\x8b");  /* + U+200B */
	assert_int_equal(store_exec(f->s, "UPDATE unit SET created_at = 1584500000", &e), SJ_OK);
	assert_int_equal(store_commit(f->s, &e), SJ_OK);
	assert_int_equal(count(f->s, "SELECT count(DISTINCT name_sort) FROM unit"
	    " WHERE name = '同名社区'"), 1);

	for (int k = 0; k < 3; k++) {
		static const int limits[] = { 7, 50, 500 };
		n = list_all(f->s, &scope_system, &f->a, limits[k], got, N_SAME + 16);
		assert_int_equal(n, N_SAME + 3 + 5);
		/* Each made unit exactly once, and equal names in id order. */
		for (size_t i = 0; i < N_SAME + 3; i++) {
			size_t seen = 0;
			for (size_t j = 0; j < n; j++)
				seen += got[j] == made[i];
			assert_int_equal(seen, 1);
		}
		for (size_t j = 1; j < n; j++)
			for (size_t i = 1; i < N_SAME; i++)
				if (got[j] == made[i])
					assert_int_equal(got[j - 1], made[i - 1]);
	}
}

static void
test_list_filter_errors(void **state)
{
	fixture *f = *state;
	org_unit_filter flt = { .kind = "school" };
	org_page page;
	org_region_filter rf = { .range.limit = 501 };
	sj_err e = {0};

	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "kind");
	flt = (org_unit_filter){ .range.limit = 501 };
	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "limit");
	flt = (org_unit_filter){ .q = "a\xff" };
	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "q");
	flt = (org_unit_filter){ .q = "社区" };
	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_OK);
	assert_int_equal(page.n, 3);
	assert_int_equal(org_region_list(f->s, &f->a, &rf, &page, &e), SJ_EINVAL);
}

static void
test_region_list_pages(void **state)
{
	fixture *f = *state;
	int64_t city = add_region(f->s, 0, "city", "泰安市"), kids[5];
	org_region_filter rf = { .parent_id = city, .range.limit = 2 };
	org_page rp;
	char name[16];
	sj_err e = {0};
	size_t n = 0;

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "区%d", i);
		kids[i] = add_region(f->s, city, "district", name);
	}
	do {
		const org_region *reg;
		assert_int_equal(org_region_list(f->s, &f->a, &rf, &rp, &e), SJ_OK);
		reg = rp.rows;
		for (size_t i = 0; i < rp.n; i++, n++) {
			assert_int_equal(reg[i].id, kids[n]);
			assert_int_equal(reg[i].parent_id, city);
		}
		rf.range = rp.next;
	} while (rp.has_more);
	assert_int_equal(n, 5);
}

/* ---- update and delete -------------------------------------------------- */

static void
test_unit_update(void **state)
{
	fixture *f = *state;
	scope leader_a = { .role = ROLE_LEADER, .user_id = 7, .group_id = f->group_a };
	org_unit u;
	int64_t ids[8];
	sj_err e = {0};

	assert_int_equal(org_unit_get(f->s, &scope_system, &f->a, f->units_a[0], &u, &e), SJ_OK);
	u.name = "阿高铁社区";  /* "a" sorts first in pinyin: the sort key is recomputed */
	u.contact = "王主任";
	assert_int_equal(org_unit_update(f->s, &scope_system, u.id, &u, &e), SJ_OK);
	assert_int_equal(list_all(f->s, &scope_system, &f->a, 50, ids, 8), 5);
	assert_int_equal(ids[0], f->units_a[0]);
	assert_int_equal(org_unit_get(f->s, &scope_system, &f->a, u.id, &u, &e), SJ_OK);
	assert_string_equal(u.contact, "王主任");
	assert_null(u.address);

	/* Refusals name the field and change nothing. */
	u.name = "小堰堤社区";
	assert_int_equal(org_unit_update(f->s, &scope_system, u.id, &u, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "name");
	u.name = "阿高铁社区";
	u.kind = "school";
	assert_int_equal(org_unit_update(f->s, &scope_system, u.id, &u, &e), SJ_EINVAL);
	assert_string_equal(e.field, "kind");
	u.kind = "village";
	u.region_id = 999;
	assert_int_equal(org_unit_update(f->s, &scope_system, u.id, &u, &e), SJ_EINVAL);
	assert_string_equal(e.field, "region_id");
	u.region_id = f->region;
	u.name = "  ";
	assert_int_equal(org_unit_update(f->s, &scope_system, u.id, &u, &e), SJ_EINVAL);
	assert_string_equal(e.field, "name");
	u.name = "阿高铁社区";
	assert_int_equal(org_unit_update(f->s, &leader_a, u.id, &u, &e), SJ_EFORBIDDEN);
	assert_int_equal(org_unit_update(f->s, &scope_system, 999, &u, &e), SJ_ENOTFOUND);
	assert_int_equal(org_unit_get(f->s, &scope_system, &f->a, u.id, &u, &e), SJ_OK);
	assert_string_equal(u.kind, "community");
	assert_int_equal(u.region_id, f->region);
}

static void
test_unit_delete(void **state)
{
	fixture *f = *state;
	int64_t lone = add_unit(f->s, f->region, "空单位");
	int64_t with_place = add_unit(f->s, f->region, "有场所的单位");
	person_input pi = { .name = "王五", .unit_id = f->units_b[0] };
	int64_t pid;
	org_unit u;
	sj_err e = {0};

	add_place(f->s, with_place, "办公楼");
	assert_int_equal(person_add(f->s, keys, &scope_system, &pi, TODAY, &pid, &e), SJ_OK);
	/* Assigned (A's), holding a place, holding a person: all refused. */
	assert_int_equal(org_unit_delete(f->s, &scope_system, f->units_a[0], &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "1 work-group assignments"));
	assert_int_equal(org_unit_delete(f->s, &scope_system, with_place, &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "1 places"));
	assert_int_equal(org_unit_delete(f->s, &scope_system, f->units_b[0], &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "1 people"));
	/* Only an administrator, and a missing unit is not found. */
	{
		scope leader = { .role = ROLE_LEADER, .group_id = f->group_a };
		assert_int_equal(org_unit_delete(f->s, &leader, lone, &e), SJ_EFORBIDDEN);
	}
	assert_int_equal(org_unit_delete(f->s, &scope_system, 999, &e), SJ_ENOTFOUND);
	assert_int_equal(count(f->s, "SELECT count(*) FROM unit"), 7);
	assert_int_equal(org_unit_delete(f->s, &scope_system, lone, &e), SJ_OK);
	assert_int_equal(org_unit_get(f->s, &scope_system, &f->a, lone, &u, &e), SJ_ENOTFOUND);
	assert_int_equal(count(f->s, "SELECT count(*) FROM unit"), 6);
	assert_int_equal(store_tx_depth(f->s), 0);
}

/* A row of another module naming the unit (a unit liaison's account)
 * makes the foreign key refuse the delete: still a conflict. */
static void
test_unit_delete_foreign_reference(void **state)
{
	fixture *f = *state;
	int64_t lone = add_unit(f->s, f->region, "空单位");
	char sql[256];
	sj_err e = {0};

	snprintf(sql, sizeof sql, "INSERT INTO app_user (username, username_key, role, unit_id,"
	    " password_hash, created_at, password_changed_at)"
	    " VALUES ('liaison', 'liaison', 'unit', %lld, '$argon2id$test', 0, 0)", (long long)lone);
	assert_int_equal(store_exec(f->s, sql, &e), SJ_OK);
	assert_int_equal(org_unit_delete(f->s, &scope_system, lone, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "unit");
	assert_int_equal(count(f->s, "SELECT count(*) FROM unit"), 6);
}

static void
test_place_update(void **state)
{
	fixture *f = *state;
	scope member_a = { .role = ROLE_MEMBER, .group_id = f->group_a };
	scope member_b = { .role = ROLE_MEMBER, .group_id = f->group_b };
	int64_t p1 = add_place(f->s, f->units_a[0], "一号院"), p2 = add_place(f->s, f->units_a[0], "二号院");
	org_place p;
	sj_err e = {0};

	assert_int_equal(org_place_get(f->s, &member_a, &f->a, p1, &p, &e), SJ_OK);
	assert_int_equal(p.default_stay_s, 7200);
	p.name = "一号院东区";
	p.records_exits = 0;
	p.default_stay_s = 3600;
	p.unit_id = f->units_b[0];  /* ignored: a place never moves */
	assert_int_equal(org_place_update(f->s, &member_a, p1, &p, &e), SJ_OK);
	assert_int_equal(org_place_get(f->s, &scope_system, &f->a, p1, &p, &e), SJ_OK);
	assert_string_equal(p.name, "一号院东区");
	assert_int_equal(p.records_exits, 0);
	assert_int_equal(p.default_stay_s, 3600);
	assert_int_equal(p.unit_id, f->units_a[0]);

	p.default_stay_s = 59;
	assert_int_equal(org_place_update(f->s, &member_a, p1, &p, &e), SJ_EINVAL);
	assert_string_equal(e.field, "default_stay_s");
	p.default_stay_s = 3600;
	p.name = "二号院";
	assert_int_equal(org_place_update(f->s, &member_a, p1, &p, &e), SJ_ECONFLICT);
	p.name = "一号院东区";
	assert_int_equal(org_place_update(f->s, &member_b, p1, &p, &e), SJ_ENOTFOUND);
	assert_int_equal(org_place_get(f->s, &scope_system, &f->a, p2, &p, &e), SJ_OK);
	assert_string_equal(p.name, "二号院");
}

/* ---- people ------------------------------------------------------------- */

static void
test_person_reveal_round_trip(void **state)
{
	fixture *f = *state;
	static const char *const tags[] = { "resident", "elderly" };
	scope member_a = { .role = ROLE_MEMBER, .group_id = f->group_a };
	scope member_b = { .role = ROLE_MEMBER, .group_id = f->group_b };
	person_input in = { .name = "张三", .id_number = "３７０９１１198001010015",
	    .mobile = "+86 139-0538-0001", .unit_id = f->units_a[0], .tags = tags, .n_tags = 2 };
	const char *idn, *mob;
	person p;
	int64_t id;
	sj_err e = {0};

	assert_int_equal(person_add(f->s, keys, &member_a, &in, TODAY, &id, &e), SJ_OK);
	assert_int_equal(person_get(f->s, &member_a, &f->a, id, &p, &e), SJ_OK);
	assert_string_equal(p.id_number_mask, "3709**********0015");
	assert_string_equal(p.mobile_mask, "139****0001");
	assert_int_equal(person_reveal(f->s, keys, &member_a, &f->a, id, &idn, &mob, &e), SJ_OK);
	assert_string_equal(idn, "370911198001010015");
	assert_string_equal(mob, "+8613905380001");  /* E.164, ident.h */
	assert_int_equal(person_reveal(f->s, keys, &member_b, &f->a, id, &idn, &mob, &e),
	    SJ_ENOTFOUND);

	/* Change the mobile only: the number stays, the new mobile reveals. */
	in = (person_input){ .mobile = "13905380009" };
	assert_int_equal(person_update(f->s, keys, &member_a, id, &in, PERSON_MOBILE, TODAY, &e),
	    SJ_OK);
	assert_int_equal(person_reveal(f->s, keys, &scope_system, &f->a, id, &idn, &mob, &e), SJ_OK);
	assert_string_equal(idn, "370911198001010015");
	assert_string_equal(mob, "+8613905380009");
	assert_int_equal(person_get(f->s, &scope_system, &f->a, id, &p, &e), SJ_OK);
	assert_string_equal(p.name, "张三");
	assert_string_equal(p.mobile_mask, "139****0009");
	assert_int_equal(p.n_tags, 2);

	/* Clear the identity number: gone in all three forms. */
	in = (person_input){ .id_number = NULL };
	assert_int_equal(person_update(f->s, keys, &scope_system, id, &in, PERSON_ID_NUMBER, TODAY,
	    &e), SJ_OK);
	assert_int_equal(person_reveal(f->s, keys, &scope_system, &f->a, id, &idn, &mob, &e), SJ_OK);
	assert_null(idn);
	assert_int_equal(count(f->s, "SELECT count(*) FROM person WHERE id_number_enc IS NULL"
	    " AND id_number_hash IS NULL AND id_number_mask IS NULL"), 1);
	/* ... so the number is free for someone else. */
	in = (person_input){ .name = "李四", .id_number = "370911198001010015",
	    .unit_id = f->units_a[1] };
	assert_int_equal(person_add(f->s, keys, &scope_system, &in, TODAY, &id, &e), SJ_OK);
}

static void
test_person_update_rules(void **state)
{
	fixture *f = *state;
	static const char *const bad_tags[] = { "vip" };
	static const char *const new_tags[] = { "staff" };
	scope member_a = { .role = ROLE_MEMBER, .group_id = f->group_a };
	person_input a = { .name = "张三", .id_number = "370911199002150022",
	    .unit_id = f->units_a[0] };
	person_input b = { .name = "李四", .id_number = "370911200003100030",
	    .unit_id = f->units_a[0] };
	person_input in;
	const char *idn, *mob;
	int64_t ida, idb;
	person p;
	sj_err e = {0};

	assert_int_equal(person_add(f->s, keys, &scope_system, &a, TODAY, &ida, &e), SJ_OK);
	assert_int_equal(person_add(f->s, keys, &scope_system, &b, TODAY, &idb, &e), SJ_OK);

	in = (person_input){ .id_number = "370911199002150022" };  /* a's number */
	assert_int_equal(person_update(f->s, keys, &scope_system, idb, &in, PERSON_ID_NUMBER, TODAY,
	    &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "id_number");
	in = (person_input){ .id_number = "370911199002150023" };  /* wrong check character */
	assert_int_equal(person_update(f->s, keys, &scope_system, idb, &in, PERSON_ID_NUMBER, TODAY,
	    &e), SJ_EINVAL);
	assert_string_equal(e.field, "id_number");
	in = (person_input){ .name = "" };
	assert_int_equal(person_update(f->s, keys, &scope_system, idb, &in, PERSON_NAME, TODAY, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "name");
	in = (person_input){ .tags = bad_tags, .n_tags = 1 };
	assert_int_equal(person_update(f->s, keys, &scope_system, idb, &in, PERSON_TAGS, TODAY, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "tags");
	/* Moving out of one's scope, or changing someone out of it. */
	in = (person_input){ .unit_id = f->units_b[0] };
	assert_int_equal(person_update(f->s, keys, &member_a, idb, &in, PERSON_UNIT, TODAY, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "unit_id");
	in = (person_input){ .unit_id = 0 };
	assert_int_equal(person_update(f->s, keys, &member_a, idb, &in, PERSON_UNIT, TODAY, &e),
	    SJ_EINVAL);
	{
		scope member_b = { .role = ROLE_MEMBER, .group_id = f->group_b };
		in = (person_input){ .name = "赵六" };
		assert_int_equal(person_update(f->s, keys, &member_b, idb, &in, PERSON_NAME, TODAY,
		    &e), SJ_ENOTFOUND);
	}
	assert_int_equal(person_reveal(f->s, keys, &scope_system, &f->a, idb, &idn, &mob, &e), SJ_OK);
	assert_string_equal(idn, "370911200003100030");
	assert_int_equal(person_get(f->s, &scope_system, &f->a, idb, &p, &e), SJ_OK);
	assert_string_equal(p.name, "李四");
	assert_int_equal(p.unit_id, f->units_a[0]);

	/* A good change: name, unit within scope and the tag set together. */
	in = (person_input){ .name = "李四新", .unit_id = f->units_a[2], .tags = new_tags,
	    .n_tags = 1 };
	assert_int_equal(person_update(f->s, keys, &member_a, idb, &in,
	    PERSON_NAME | PERSON_UNIT | PERSON_TAGS, TODAY, &e), SJ_OK);
	assert_int_equal(person_get(f->s, &member_a, &f->a, idb, &p, &e), SJ_OK);
	assert_string_equal(p.name, "李四新");
	assert_int_equal(p.unit_id, f->units_a[2]);
	assert_int_equal(p.n_tags, 1);
	assert_string_equal(p.tags[0], "staff");
	assert_int_equal(store_tx_depth(f->s), 0);
}

/* ---- every list pages (issue 3, item 1) --------------------------------- */

typedef sj_rc (*page_fn)(store *, const scope *, arena *, int64_t, const org_range *,
    org_page *, sj_err *);

/* The ids of every row under parent, read by fn in pages of limit (each
 * record starts with its int64_t id); each page holds at most limit. */
static size_t
walk(fixture *f, page_fn fn, int64_t parent, size_t size, int limit, int64_t *ids)
{
	org_range r = { .limit = limit };
	org_page page;
	sj_err e = {0};
	size_t n = 0;

	do {
		assert_int_equal(fn(f->s, &scope_system, &f->a, parent, &r, &page, &e), SJ_OK);
		assert_true(page.n <= (size_t)limit);
		for (size_t i = 0; i < page.n; i++, n++) {
			assert_true(n < 16);
			memcpy(&ids[n], (char *)page.rows + i * size, sizeof ids[n]);
		}
		r = page.next;
	} while (page.has_more);
	return n;
}

/* Pages of 2 return the rows of one page of 500, in the same order:
 * each row once, whatever the page boundaries. */
static void
assert_pages(fixture *f, page_fn fn, int64_t parent, size_t size, size_t want)
{
	int64_t by2[16], all[16];

	assert_int_equal(walk(f, fn, parent, size, 500, all), want);
	assert_int_equal(walk(f, fn, parent, size, 2, by2), want);
	assert_memory_equal(by2, all, want * sizeof all[0]);
	for (size_t i = 1; i < want; i++)
		for (size_t j = 0; j < i; j++)
			assert_true(all[i] != all[j]);
}

static void
test_every_list_pages(void **state)
{
	fixture *f = *state;
	static const char *const addr[][3] = {
		{ "2号楼", "1单元", "101" }, { "1号楼", "2单元", "101" }, { "1号楼", "1单元", "102" },
		{ "", "", "9" }, { "1号楼", "1单元", "101" },
	};
	int64_t place = add_place(f->s, f->units_a[0], "华新新干线小区"), id, hs[16];
	member m = { .group_id = f->group_a, .name = "组长", .role = "leader" };
	sj_err e = {0};
	char name[32];

	for (int i = 0; i < 5; i++) {
		org_checkpoint c = { .place_id = place, .name = name };
		org_household h = { .place_id = place, .building = addr[i][0],
		    .entrance = addr[i][1], .room = addr[i][2] };
		snprintf(name, sizeof name, "门%d", i);
		assert_int_equal(org_checkpoint_add(f->s, &scope_system, &c, &id, &e), SJ_OK);
		assert_int_equal(org_household_add(f->s, &scope_system, &h, &id, &e), SJ_OK);
		snprintf(name, sizeof name, "场所%d", i);
		add_place(f->s, f->units_a[0], name);
		m.role = i ? "member" : "leader";
		assert_int_equal(group_member_add(f->s, &scope_system, &m, &id, &e), SJ_OK);
	}
	assert_pages(f, org_place_page, f->units_a[0], sizeof(org_place), 6);
	assert_pages(f, org_checkpoint_page, place, sizeof(org_checkpoint), 5);
	assert_pages(f, org_household_page, place, sizeof(org_household), 5);
	assert_pages(f, group_member_page, f->group_a, sizeof(member), 5);
	assert_pages(f, group_assignment_page, f->group_a, sizeof(assignment), 3);
	/* Households by address: "" < "1号楼" < "2号楼", then entrance, room. */
	walk(f, org_household_page, place, sizeof(org_household), 2, hs);
	{
		org_household h;
		assert_int_equal(org_household_get(f->s, &scope_system, &f->a, hs[0], &h, &e), SJ_OK);
		assert_string_equal(h.room, "9");
		assert_int_equal(org_household_get(f->s, &scope_system, &f->a, hs[1], &h, &e), SJ_OK);
		assert_string_equal(h.room, "101");
		assert_string_equal(h.entrance, "1单元");
	}
}

/* Seven people of one name (one sort key): pages of 3 give each once, in
 * id order; the cursor is refused past ORG_LIST_MAX. */
static void
test_people_search_pages(void **state)
{
	fixture *f = *state;
	person_input in = { .name = "王五", .unit_id = f->units_a[0] };
	org_range r = { .limit = 3 };
	int64_t made[7];
	size_t n = 0, pages = 0;
	org_page page;
	sj_err e = {0};

	for (int i = 0; i < 7; i++)
		assert_int_equal(person_add(f->s, keys, &scope_system, &in, TODAY, &made[i], &e), SJ_OK);
	do {
		const person *p;
		assert_int_equal(person_search(f->s, keys, &scope_system, &f->a, "王五", &r, &page, &e),
		    SJ_OK);
		p = page.rows;
		for (size_t i = 0; i < page.n; i++, n++) {
			assert_int_equal(p[i].id, made[n]);
			assert_string_equal(p[i].name, "王五");
		}
		r = page.next;
		pages++;
	} while (page.has_more);
	assert_int_equal(n, 7);
	assert_int_equal(pages, 3);
	r = (org_range){ .limit = ORG_LIST_MAX + 1 };
	assert_int_equal(person_search(f->s, keys, &scope_system, &f->a, "王五", &r, &page, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "limit");
	r = (org_range){ .limit = 1 };
	assert_int_equal(group_page(f->s, &scope_system, &f->a, &r, &page, &e), SJ_OK);
	assert_true(page.n == 1 && page.has_more);
}

/* ---- changes and deletes (item 2) ------------------------------------------ */

static void
exec_sql(fixture *f, const char *fmt, int64_t a, int64_t b)
{
	char sql[400];
	sj_err e = {0};

	snprintf(sql, sizeof sql, fmt, (long long)a, (long long)b);
	assert_int_equal(store_exec(f->s, sql, &e), SJ_OK);
}

static void
test_place_checkpoint_household_deletes(void **state)
{
	fixture *f = *state;
	scope member_b = { .role = ROLE_MEMBER, .group_id = f->group_b };
	int64_t place = add_place(f->s, f->units_a[0], "一号院"), cp, hh, pid;
	org_checkpoint c = { .place_id = place, .name = "东门" };
	org_household h = { .place_id = place, .building = " 1号楼 ", .room = "101" };
	person_input pi = { .name = "张三", .household_id = 0 };
	sj_err e = {0};

	assert_int_equal(org_checkpoint_add(f->s, &scope_system, &c, &cp, &e), SJ_OK);
	assert_int_equal(org_household_add(f->s, &scope_system, &h, &hh, &e), SJ_OK);
	pi.household_id = hh;
	assert_int_equal(person_add(f->s, keys, &scope_system, &pi, TODAY, &pid, &e), SJ_OK);
	/* Changes: trimmed, checked, in scope only. */
	c = (org_checkpoint){ .name = "东大门", .kind = "monitoring_point" };
	assert_int_equal(org_checkpoint_update(f->s, &scope_system, cp, &c, &e), SJ_OK);
	assert_int_equal(org_checkpoint_get(f->s, &scope_system, &f->a, cp, &c, &e), SJ_OK);
	assert_string_equal(c.kind, "monitoring_point");
	assert_int_equal(org_checkpoint_update(f->s, &member_b, cp, &c, &e), SJ_ENOTFOUND);
	assert_int_equal(org_household_get(f->s, &scope_system, &f->a, hh, &h, &e), SJ_OK);
	assert_string_equal(h.building, "1号楼");
	h.entrance = "2单元";
	assert_int_equal(org_household_update(f->s, &scope_system, hh, &h, &e), SJ_OK);
	/* Referred to by the module's own rows: refused, naming them. */
	assert_int_equal(org_place_delete(f->s, &scope_system, place, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "place");
	assert_non_null(strstr(e.msg, "1 checkpoints and 1 households"));
	assert_int_equal(org_household_delete(f->s, &scope_system, hh, &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "1 people"));
	/* By another module's rows: the foreign key, still a conflict. */
	exec_sql(f, "INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at,"
	    " issued_by) VALUES (%lld, %lld, 0, 1, 0, 'cli')", pid, place);
	assert_int_equal(person_delete(f->s, &scope_system, pid, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "person");
	assert_non_null(strstr(e.msg, "passes"));
	exec_sql(f, "DELETE FROM pass WHERE person_id = %lld AND place_id = %lld", pid, place);
	assert_int_equal(person_delete(f->s, &member_b, pid, &e), SJ_ENOTFOUND);
	assert_int_equal(person_delete(f->s, &scope_system, pid, &e), SJ_OK);
	assert_int_equal(count(f->s, "SELECT count(*) FROM person_tag"), 0);
	assert_int_equal(org_household_delete(f->s, &scope_system, hh, &e), SJ_OK);
	assert_int_equal(org_checkpoint_delete(f->s, &member_b, cp, &e), SJ_ENOTFOUND);
	assert_int_equal(org_checkpoint_delete(f->s, &scope_system, cp, &e), SJ_OK);
	assert_int_equal(org_place_delete(f->s, &scope_system, place, &e), SJ_OK);
	assert_int_equal(org_place_delete(f->s, &scope_system, place, &e), SJ_ENOTFOUND);
	assert_int_equal(store_tx_depth(f->s), 0);
}

/* The reviewer's case: a unit is deleted once its assignments are; a
 * group once its members and assignments are; a user of the group keeps
 * it (foreign key). */
static void
test_group_deletes(void **state)
{
	fixture *f = *state;
	member m = { .group_id = f->group_b, .name = "组员", .role = "member" };
	work_group g;
	assignment *as;
	size_t n;
	int64_t mid;
	sj_err e = {0};

	assert_int_equal(group_member_add(f->s, &scope_system, &m, &mid, &e), SJ_OK);
	assert_int_equal(org_unit_delete(f->s, &scope_system, f->units_b[0], &e), SJ_ECONFLICT);
	assert_int_equal(group_delete(f->s, &scope_system, f->group_b, &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "1 members and 2 unit assignments"));
	assert_int_equal(group_member_delete(f->s, &scope_system, f->group_a, mid, &e), SJ_ENOTFOUND);
	assert_int_equal(group_member_delete(f->s, &scope_system, f->group_b, mid, &e), SJ_OK);
	assert_int_equal(group_assignment_list(f->s, &scope_system, &f->a, f->group_b, &as, &n, &e),
	    SJ_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(group_assignment_delete(f->s, &scope_system, f->group_b, as[i].unit_id,
		    &e), SJ_OK);
	assert_int_equal(org_unit_delete(f->s, &scope_system, f->units_b[0], &e), SJ_OK);
	exec_sql(f, "INSERT INTO app_user (username, username_key, role, group_id, password_hash,"
	    " created_at, password_changed_at) VALUES ('member_b', 'member_b', 'member', %lld,"
	    " '$argon2id$test', 0, %lld)", f->group_b, 0);
	assert_int_equal(group_delete(f->s, &scope_system, f->group_b, &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "users"));
	exec_sql(f, "DELETE FROM app_user WHERE group_id = %lld AND id > %lld", f->group_b, 0);
	assert_int_equal(group_delete(f->s, &scope_system, f->group_b, &e), SJ_OK);
	assert_int_equal(group_get(f->s, &scope_system, &f->a, f->group_b, &g, &e), SJ_ENOTFOUND);
}

/* ---- dates before 1970 (item 3) ------------------------------------------ */

static void
test_dates_before_1970(void **state)
{
	fixture *f = *state;
	work_group g = { .name = "老工作组", .set_up_on = -1 };  /* 1969-12-31 */
	assignment as = { .unit_id = f->units_a[0], .reported_on = -365 };  /* 1969-01-01 */
	assignment *got;
	size_t n;
	int64_t id;
	sj_err e = {0};

	assert_int_equal(group_add(f->s, &scope_system, &g, &id, &e), SJ_OK);
	assert_int_equal(group_get(f->s, &scope_system, &f->a, id, &g, &e), SJ_OK);
	assert_int_equal(g.set_up_on, -1);
	as.group_id = id;
	assert_int_equal(group_assign(f->s, &scope_system, &as, &id, &e), SJ_OK);
	assert_int_equal(group_assignment_list(f->s, &scope_system, &f->a, as.group_id, &got, &n, &e),
	    SJ_OK);
	assert_int_equal(got[0].reported_on, -365);
	/* Not given stays not given; outside the calendar is refused. */
	g.set_up_on = GROUP_DATE_NONE;
	assert_int_equal(group_update(f->s, &scope_system, g.id, &g, &e), SJ_OK);
	assert_int_equal(count(f->s, "SELECT count(*) FROM work_group WHERE set_up_on IS NULL"), 3);
	g.set_up_on = DT_DATE_MAX + 1;
	assert_int_equal(group_update(f->s, &scope_system, g.id, &g, &e), SJ_EINVAL);
	assert_string_equal(e.field, "set_up_on");
}

/* ---- the region tree (item 4) -------------------------------------------- */

static int64_t
region_try(fixture *f, int64_t parent, const char *level, const char *name, const char *code,
    sj_rc want, const char *field)
{
	org_region r = { .parent_id = parent, .level = level, .name = name, .code = code };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(org_region_add(f->s, &scope_system, &r, &id, &e), want);
	if (field)
		assert_string_equal(e.field, field);
	return id;
}

static void
test_region_tree(void **state)
{
	fixture *f = *state;
	int64_t prov = region_try(f, 0, "province", "山东省", "37", SJ_OK, NULL);
	int64_t city = region_try(f, prov, "city", "泰安市", "3709", SJ_OK, NULL);
	int64_t dist = region_try(f, city, "district", "岱岳区", "370911", SJ_OK, NULL);
	int64_t sub = region_try(f, dist, "subdistrict", "粥店街道", "370911001", SJ_OK, NULL);
	org_region r = { .level = "city", .name = "济南市" };
	sj_err e = {0};

	region_try(f, sub, "province", "省", NULL, SJ_EINVAL, "level");
	region_try(f, dist, "district", "区", NULL, SJ_EINVAL, "level");  /* not strictly below */
	region_try(f, prov, "city", "市", "abc", SJ_EINVAL, "code");
	region_try(f, 0, "province", "省", "370", SJ_EINVAL, "code");
	region_try(f, city, "district", "区", "370811", SJ_EINVAL, "code");  /* not in 3709 */
	region_try(f, 999, "city", "市", NULL, SJ_EINVAL, "parent_id");
	region_try(f, prov, "district", "济源", "370990", SJ_OK, NULL);  /* a level skipped */
	/* Only a province at the top: the rule input from outside passes. */
	assert_int_equal(org_region_check_root(&r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "parent_id");
	r.level = "province";
	assert_int_equal(org_region_check_root(&r, &e), SJ_OK);
	/* Units stand in a district, subdistrict or town. */
	assert_int_equal(org_unit_check_region(f->s, city, &e), SJ_EINVAL);
	assert_string_equal(e.field, "region_id");
	assert_int_equal(org_unit_check_region(f->s, sub, &e), SJ_OK);
	assert_int_equal(org_unit_check_region(f->s, 999, &e), SJ_EINVAL);
	add_unit(f->s, dist, "某社区");
	/* A change keeps the tree: children below, codes extending, units. */
	assert_int_equal(org_region_get(f->s, &f->a, city, &r, &e), SJ_OK);
	r.level = "district";
	r.code = NULL;
	assert_int_equal(org_region_update(f->s, &scope_system, city, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "level");
	r.level = "city";
	r.code = "3708";
	assert_int_equal(org_region_update(f->s, &scope_system, city, &r, &e), SJ_EINVAL);
	assert_string_equal(e.field, "code");
	assert_non_null(strstr(e.msg, "岱岳区"));
	assert_int_equal(org_region_get(f->s, &f->a, dist, &r, &e), SJ_OK);
	r.level = "city";
	r.code = NULL;
	assert_int_equal(org_region_update(f->s, &scope_system, dist, &r, &e), SJ_EINVAL);
	assert_int_equal(org_region_get(f->s, &f->a, prov, &r, &e), SJ_OK);
	r.parent_id = sub;  /* a cycle is a province under a subdistrict */
	assert_int_equal(org_region_update(f->s, &scope_system, prov, &r, &e), SJ_EINVAL);
	r = (org_region){ .level = "province", .name = "山东", .code = "37" };
	assert_int_equal(org_region_update(f->s, &scope_system, prov, &r, &e), SJ_OK);
	assert_int_equal(org_region_delete(f->s, &scope_system, city, &e), SJ_ECONFLICT);
	assert_non_null(strstr(e.msg, "1 regions under it"));
	assert_int_equal(org_region_delete(f->s, &scope_system, sub, &e), SJ_OK);
}

/* ---- names (item 5) ------------------------------------------------------- */

static void
unit_try(fixture *f, const char *name, sj_rc want)
{
	org_unit u = { .region_id = f->region, .kind = "community", .name = name };
	sj_err e = {0};
	int64_t id;

	assert_int_equal(org_unit_add(f->s, &scope_system, &u, &id, &e), want);
	if (want != SJ_OK)
		assert_string_equal(e.field, "name");
}

static void
test_name_rules(void **state)
{
	fixture *f = *state;
	org_place p = { .unit_id = f->units_a[0], .kind = "residential", .name = "Ａ座" };
	org_unit u;
	int64_t id;
	sj_err e = {0};

	unit_try(f, "Caf\xc3\xa9村", SJ_OK);
	unit_try(f, "Cafe\xcc\x81村", SJ_ECONFLICT);        /* NFD of the same */
	unit_try(f, "CAF\xc3\x89村", SJ_ECONFLICT);         /* case folded */
	unit_try(f, "高铁社区 ", SJ_ECONFLICT);             /* trailing space, trimmed */
	unit_try(f, "\xe3\x80\x80高铁社区", SJ_ECONFLICT);  /* U+3000 leading */
	unit_try(f, "高铁\xe2\x80\x8b社区", SJ_EINVAL);     /* U+200B inside */
	unit_try(f, "\xe2\x80\xae区社铁高", SJ_EINVAL);     /* U+202E */
	unit_try(f, "高铁\xe2\x81\xa6社区", SJ_EINVAL);     /* U+2066 */
	unit_try(f, " 新社区\xe3\x80\x80", SJ_OK);
	assert_int_equal(org_unit_find(f->s, &scope_system, &f->a, "新社区", &u, &e), SJ_OK);
	assert_string_equal(u.name, "新社区");
	/* Places of a unit the same way: "Ａ座" (full width) is "A座". */
	assert_int_equal(org_place_add(f->s, &scope_system, &p, &id, &e), SJ_OK);
	p.name = "A座";
	assert_int_equal(org_place_add(f->s, &scope_system, &p, &id, &e), SJ_ECONFLICT);
	p.unit_id = f->units_a[1];
	assert_int_equal(org_place_add(f->s, &scope_system, &p, &id, &e), SJ_OK);
}

/* ---- identity numbers per unit (item 6) ----------------------------------- */

static void
test_identity_number_per_unit(void **state)
{
	fixture *f = *state;
	scope member_a = { .role = ROLE_MEMBER, .group_id = f->group_a };
	person_input in = { .name = "张三", .id_number = "370911198001010015",
	    .unit_id = f->units_b[0] };
	org_range r = { .limit = 10 };
	org_page page;
	int64_t in_b, in_a, again;
	sj_err e = {0};

	assert_int_equal(person_add(f->s, keys, &scope_system, &in, TODAY, &in_b, &e), SJ_OK);
	/* A member of A registers the number in A's unit: nothing of B's
	 * record shows through. */
	in.unit_id = f->units_a[0];
	assert_int_equal(person_add(f->s, keys, &member_a, &in, TODAY, &in_a, &e), SJ_OK);
	assert_int_equal(person_add(f->s, keys, &member_a, &in, TODAY, &again, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "id_number");
	assert_int_equal(person_search(f->s, keys, &member_a, &f->a, "370911198001010015", &r,
	    &page, &e), SJ_OK);
	assert_int_equal(page.n, 1);
	assert_int_equal(((person *)page.rows)[0].id, in_a);
	assert_int_equal(person_search(f->s, keys, &scope_system, &f->a, "370911198001010015", &r,
	    &page, &e), SJ_OK);
	assert_int_equal(page.n, 2);
	/* Moving A's record into B's unit meets B's: a conflict. */
	in = (person_input){ .unit_id = f->units_b[0] };
	assert_int_equal(person_update(f->s, keys, &scope_system, in_a, &in, PERSON_UNIT, TODAY, &e),
	    SJ_ECONFLICT);
	assert_int_equal(person_get(f->s, &scope_system, &f->a, in_a, &(person){0}, &e), SJ_OK);
}

/* ---- household and unit together (item 7) -------------------------------- */

static void
test_household_unit_contradiction(void **state)
{
	fixture *f = *state;
	int64_t place = add_place(f->s, f->units_a[0], "一号院"), hh, id;
	org_household h = { .place_id = place, .room = "101" };
	person_input in = { .name = "张三" };
	person p;
	sj_err e = {0};

	assert_int_equal(org_household_add(f->s, &scope_system, &h, &hh, &e), SJ_OK);
	in.household_id = hh;
	in.unit_id = f->units_a[1];
	assert_int_equal(person_add(f->s, keys, &scope_system, &in, TODAY, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "unit_id");
	in.unit_id = f->units_a[0];
	assert_int_equal(person_add(f->s, keys, &scope_system, &in, TODAY, &id, &e), SJ_OK);
	in = (person_input){ .household_id = hh, .unit_id = f->units_a[2] };
	assert_int_equal(person_update(f->s, keys, &scope_system, id, &in, PERSON_UNIT, TODAY, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "unit_id");
	assert_int_equal(person_get(f->s, &scope_system, &f->a, id, &p, &e), SJ_OK);
	assert_int_equal(p.unit_id, f->units_a[0]);
	assert_int_equal(p.household_id, hh);
}

/* ---- migration 0009 on a database with data ------------------------------- */

static const char *const sql_v8[] = {
	"INSERT INTO region (level, name, created_at) VALUES ('district', '岱岳区', 0) RETURNING id",
	"INSERT INTO unit (region_id, kind, name, name_key, name_sort, created_at)"
	" VALUES (?1, 'community', ?2, ?2, ?3, 0) RETURNING id",
	"INSERT INTO place (unit_id, kind, name, name_key, created_at)"
	" VALUES (?1, 'residential', '一号院', '一号院', 0) RETURNING id",
	"INSERT INTO person (name, name_key, name_sort, id_number_hash, unit_id, created_at)"
	" VALUES ('张三', '张三', ?1, ?2, ?3, 0) RETURNING id",
	"INSERT INTO person_tag (person_id, tag) VALUES (?1, 'elderly') RETURNING person_id",
	"INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at, issued_by)"
	" VALUES (?1, ?2, 0, 1, 0, 'cli') RETURNING id",
	"DELETE FROM person WHERE id = ?1",
};

/* Run sql_v8[q] with a, b, c bound as (int or text by q) and return the id. */
static int64_t
v8_insert(store *s, int q, int64_t a, const char *text, int64_t c)
{
	static const uint8_t hash[4] = { 1, 2, 3, 4 };
	store_stmt *st;
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(store_prepare(s, sql_v8[q], &st, &e), SJ_OK);
	if (q == 3) {
		store_bind_blob(st, 1, "k", 1);
		store_bind_blob(st, 2, hash, sizeof hash);
		store_bind_int(st, 3, c);
	} else {
		store_bind_int(st, 1, a);
		store_bind_text(st, 2, text);
		store_bind_blob(st, 3, "k", 1);
		if (q == 5)
			store_bind_int(st, 2, c);
	}
	assert_int_equal(store_insert_id(st, &id, &e), SJ_OK);
	return id;
}

/* A database at version 8 holding a person with a tag and a pass: 0009
 * rebuilds person (SQLite) keeping the id, the tag, the pass and the
 * foreign key, and the number becomes unique per unit. */
static void
test_migration_0009(void **state)
{
	struct schema_file v8[64] = {{0}};
	store *s = testdb_open();
	int64_t region, unit, other, place, pid;
	store_stmt *st;
	size_t n = 0;
	sj_err e = {0};

	(void)state;
	for (const struct schema_file *sf = schema_files; sf->dialect && n < 63; sf++)
		if (sf->version <= 8)
			v8[n++] = *sf;
	assert_int_equal(migrate_apply_files(s, v8, NULL, &e), SJ_OK);
	region = v8_insert(s, 0, 0, NULL, 0);
	unit = v8_insert(s, 1, region, "甲社区", 0);
	other = v8_insert(s, 1, region, "乙社区", 0);
	place = v8_insert(s, 2, unit, NULL, 0);
	pid = v8_insert(s, 3, 0, NULL, unit);
	v8_insert(s, 4, pid, NULL, 0);
	v8_insert(s, 5, pid, NULL, place);
	assert_int_equal(migrate_apply(s, NULL, &e), SJ_OK);
	assert_int_equal(testdb_int(s, "SELECT count(*) FROM person WHERE name = '张三'"), 1);
	assert_int_equal(testdb_int(s, "SELECT max(id) FROM person"), pid);
	assert_int_equal(testdb_int(s, "SELECT person_id FROM person_tag"), pid);
	assert_int_equal(testdb_int(s, "SELECT person_id FROM pass"), pid);
	assert_int_equal(store_prepare(s, sql_v8[6], &st, &e), SJ_OK);
	store_bind_int(st, 1, pid);
	assert_int_equal(store_run(st, &e), SJ_EINVAL);  /* the pass still holds it */
	assert_true(v8_insert(s, 3, 0, NULL, other) > pid);
	assert_int_equal(store_prepare(s, sql_v8[3], &st, &e), SJ_OK);
	store_bind_blob(st, 1, "k", 1);
	store_bind_blob(st, 2, (const uint8_t[]){ 1, 2, 3, 4 }, 4);
	store_bind_int(st, 3, unit);
	assert_int_equal(store_insert_id(st, &pid, &e), SJ_ECONFLICT);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_member_sees_own_group_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_attendant_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_lists_scoped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagination_equal_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filter_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_list_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_delete_foreign_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_reveal_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_update_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_list_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_people_search_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_checkpoint_household_deletes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dates_before_1970, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_number_per_unit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_household_unit_contradiction, setup, teardown),
		cmocka_unit_test(test_migration_0009),
	};
	fprintf(stderr, "test_org on %s\n", testdb_name());
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
