/* Unit tests for domain/org, org_place, person and group: scope in the
 * queries (the case: a member of group A with 3 units sees 3, and
 * B's unit by id is not found), cursor pagination over 1,205 units whose
 * names sort equal, the update and delete rules, and the reveal round trip
 * of identity data after changes.  Each test runs on a fresh database. */
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
#include "store/store.h"

#define TODAY 20200318  /* SCENARIO.md: mid-March 2020 */

static char dir[64];
static char db_path[128];
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
	snprintf(db_path, sizeof db_path, "%s/t.db", dir);
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
	work_group g = { .name = name, .set_up_on = -1 };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(group_add(s, &scope_system, &g, &id, &e), SJ_OK);
	return id;
}

static void
assign(store *s, int64_t group, int64_t unit)
{
	assignment as = { .group_id = group, .unit_id = unit, .reported_on = -1 };
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

	unlink(db_path);
	if (f == NULL || store_open(db_path, STORE_CREATE, &f->s, &e) != SJ_OK ||
	    migrate_apply(f->s, NULL, &e) != SJ_OK)
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
	org_unit_filter flt = { .limit = limit };
	org_unit_page page;
	sj_err e = {0};
	size_t n = 0;

	do {
		assert_int_equal(org_unit_list(s, sc, a, &flt, &page, &e), SJ_OK);
		assert_true(page.n_units <= (size_t)limit);
		for (size_t i = 0; i < page.n_units; i++) {
			assert_true(n < max);
			ids[n++] = page.units[i].id;
		}
		flt.after_sort = page.next_sort;
		flt.after_sort_n = page.next_sort_n;
		flt.after_id = page.next_id;
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
		org_unit_page page;
		assert_int_equal(org_unit_list(f->s, &member_a, &f->a, &flt, &page, &e), SJ_OK);
		assert_int_equal(page.n_units, 0);
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
 * differ in bytes but not in sort key (NFC and NFD of "Café" and a
 * fully-ignorable character): every page boundary falls inside a run of
 * equal sort keys, so only the id breaks the ties. */
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
	made[N_SAME] = add_unit(f->s, district, "Caf\xc3\xa9");
	made[N_SAME + 1] = add_unit(f->s, district, "Cafe\xcc\x81");
	made[N_SAME + 2] = add_unit(f->s, district, "Caf\xc3\xa9\xe2\x80\x8b");  /* + U+200B */
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
	org_unit_page page;
	org_region_filter rf = { .limit = 501 };
	org_region_page rp;
	sj_err e = {0};

	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "kind");
	flt = (org_unit_filter){ .limit = 501 };
	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "limit");
	flt = (org_unit_filter){ .q = "a\xff" };
	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_EINVAL);
	assert_string_equal(e.field, "q");
	flt = (org_unit_filter){ .q = "社区" };
	assert_int_equal(org_unit_list(f->s, &scope_system, &f->a, &flt, &page, &e), SJ_OK);
	assert_int_equal(page.n_units, 3);
	assert_int_equal(org_region_list(f->s, &f->a, &rf, &rp, &e), SJ_EINVAL);
}

static void
test_region_list_pages(void **state)
{
	fixture *f = *state;
	int64_t city = add_region(f->s, 0, "city", "泰安市"), kids[5];
	org_region_filter rf = { .parent_id = city, .limit = 2 };
	org_region_page rp;
	char name[16];
	sj_err e = {0};
	size_t n = 0;

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "区%d", i);
		kids[i] = add_region(f->s, city, "district", name);
	}
	do {
		assert_int_equal(org_region_list(f->s, &f->a, &rf, &rp, &e), SJ_OK);
		for (size_t i = 0; i < rp.n_regions; i++, n++) {
			assert_int_equal(rp.regions[i].id, kids[n]);
			assert_int_equal(rp.regions[i].parent_id, city);
		}
		rf.after_id = rp.next_id;
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
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
