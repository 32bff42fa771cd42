/*
 * org_region — the region tree of org (domain/org.h): province → city →
 * district → subdistrict/town.
 *
 * Invariants kept on every add and change: a region's level ranks
 * strictly below its parent's; a code has the digits of its level and
 * extends its parent's code; a change leaves the region's children below
 * it and its units in a level that bears units.  Regions are reference
 * data: every role reads them, only global roles write them.
 */
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

#include "core/datetime.h"

enum {
	Q_REGION_ADD, Q_REGION_UPDATE, Q_REGION_GET, Q_REGION_FIND, Q_REGION_FIND_TOP,
	Q_REGION_BY_NAME, Q_REGION_LIST, Q_REGION_CHILDREN, Q_REGION_UNITS, Q_REGION_REFS,
	Q_REGION_DELETE,
};

#define REGION_COLS "id, parent_id, level, name, code"

static const char *const region_sql[] = {
	/* ?5..?8 the region (region_bind), ?9 created_at */
	[Q_REGION_ADD] =
	"INSERT INTO region (parent_id, level, name, code, created_at)"
	" VALUES (?5, ?6, ?7, ?8, ?9) RETURNING id",
	[Q_REGION_UPDATE] =
	"UPDATE region SET parent_id = ?5, level = ?6, name = ?7, code = ?8 WHERE id = ?4",
	[Q_REGION_GET] =
	"SELECT " REGION_COLS " FROM region WHERE id = ?4",
	[Q_REGION_FIND] =
	"SELECT id FROM region WHERE parent_id = ?1 AND name = ?2",
	[Q_REGION_FIND_TOP] =
	"SELECT id FROM region WHERE parent_id IS NULL AND name = ?1",
	[Q_REGION_BY_NAME] =
	"SELECT id FROM region WHERE name = ?1 ORDER BY id LIMIT 2",
	/* ?4 parent (NULL: any), ?5 cursor id, ?6 limit */
	[Q_REGION_LIST] =
	"SELECT " REGION_COLS " FROM region"
	" WHERE (parent_id = ?4 OR ?4 IS NULL) AND id > ?5 ORDER BY id LIMIT ?6",
	[Q_REGION_CHILDREN] =
	"SELECT " REGION_COLS " FROM region WHERE parent_id = ?4 ORDER BY id",
	[Q_REGION_UNITS] =
	"SELECT count(*) FROM unit WHERE region_id = ?1",
	[Q_REGION_REFS] =
	"SELECT (SELECT count(*) FROM region WHERE parent_id = ?1),"
	" (SELECT count(*) FROM unit WHERE region_id = ?1),"
	" (SELECT count(*) FROM work_group WHERE region_id = ?1)",
	[Q_REGION_DELETE] =
	"DELETE FROM region WHERE id = ?4",
};

/* The levels from the top, with the digits of their division codes:
 * GB/T 2260 for provinces, cities and districts, GB/T 10114 (the county's
 * six and three more) for subdistricts and towns. */
static const struct level {
	const char *name;
	int rank;
	size_t code_digits;
} levels[] = {
	{ "province", 1, 2 },
	{ "city", 2, 4 },
	{ "district", 3, 6 },
	{ "subdistrict", 4, 9 },
	{ "town", 4, 9 },
};

static const char *const level_names[] = {
	"province", "city", "district", "subdistrict", "town", NULL,
};

/* The level named name (which org_check_enum accepted). */
static const struct level *
level_of(const char *name)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcmp(levels[i].name, name) == 0)
			return &levels[i];
	return &levels[0];  /* not reached for a checked level */
}

static void
region_read(store_stmt *st, arena *a, void *rec)
{
	org_region *r = rec;

	r->id = store_col_int(st, 0);
	r->parent_id = store_col_int(st, 1);
	r->level = org_col_str(st, a, 2);
	r->name = org_col_str(st, a, 3);
	r->code = org_col_str(st, a, 4);
}

static const org_rows region_rows = {
	"region", "region", sizeof(org_region), region_read, -1, false,
};

sj_rc
org_region_get(store *s, arena *a, int64_t id, org_region *out, sj_err *e)
{
	return org_row_get(s, &scope_system, a, region_sql[Q_REGION_GET], &region_rows, id, out, e);
}

/* ---- the rules of the tree ---------------------------------------------- */

/* Check the code of a region of level lv: its digits, and that it extends
 * the code of the parent (may be NULL). */
static sj_rc
check_code(const char *code, const struct level *lv, const org_region *parent, sj_err *e)
{
	size_t n = strspn(code, "0123456789");

	if (code[n] != '\0' || n != lv->code_digits)
		return sj_fail(e, SJ_EINVAL, "code", "'%s': the code of a %s is %zu digits",
		    code, lv->name, lv->code_digits);
	if (parent && parent->code && strncmp(code, parent->code, strlen(parent->code)) != 0)
		return sj_fail(e, SJ_EINVAL, "code", "'%s' does not begin with %s, the code of %s",
		    code, parent->code, parent->name);
	return SJ_OK;
}

/* Check that child may stand under parent: level and code. */
static sj_rc
check_under(const org_region *child, const org_region *parent, sj_err *e)
{
	const struct level *lv = level_of(child->level);

	if (lv->rank <= level_of(parent->level)->rank)
		return sj_fail(e, SJ_EINVAL, "level", "a %s cannot stand under %s, a %s: a region's "
		    "level is below its parent's", child->level, parent->name, parent->level);
	return child->code ? check_code(child->code, lv, parent, e) : SJ_OK;
}

sj_rc
org_region_check_root(const org_region *in, sj_err *e)
{
	if (in->parent_id <= 0 && in->level && strcmp(in->level, "province") != 0)
		return sj_fail(e, SJ_EINVAL, "parent_id", "only a province stands at the top; "
		    "give the region this %s belongs to", in->level);
	return SJ_OK;
}

/* Trim and check r's fields (its strings then live in a) and its place
 * under its parent. */
static sj_rc
region_clean(store *s, arena *a, org_region *r, sj_err *e)
{
	org_region parent;
	sj_rc rc;

	if ((rc = org_check_enum(r->level, level_names, "level", e)) != SJ_OK ||
	    (rc = org_clean_name(a, &r->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_clean_optional(a, &r->code, "code", 12, e)) != SJ_OK)
		return rc;
	if (r->parent_id <= 0)
		return r->code ? check_code(r->code, level_of(r->level), NULL, e) : SJ_OK;
	if ((rc = org_region_get(s, a, r->parent_id, &parent, e)) == SJ_ENOTFOUND)
		return sj_fail(e, SJ_EINVAL, "parent_id", "no region with id %lld",
		    (long long)r->parent_id);
	return rc == SJ_OK ? check_under(r, &parent, e) : rc;
}

/* The refusal in e, said of the child region named child. */
static sj_rc
misfit(const char *child, sj_err *e)
{
	char field[sizeof e->field], msg[sizeof e->msg];

	snprintf(field, sizeof field, "%s", e->field);
	snprintf(msg, sizeof msg, "%s", e->msg);
	return sj_fail(e, e->rc, field, "its region %s would no longer fit: %s", child, msg);
}

/* Check that the children and units of region id still fit under r. */
static sj_rc
check_descendants(store *s, arena *a, int64_t id, const org_region *r, sj_err *e)
{
	org_region child;
	store_stmt *st;
	int64_t units;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, region_sql[Q_REGION_CHILDREN], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 4, id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		region_read(st, a, &child);
		if ((rc = check_under(&child, r, e)) != SJ_OK) {
			store_reset(st);
			return e ? misfit(child.name, e) : rc;
		}
	}
	if (rc != SJ_OK ||
	    (rc = org_count_refs(s, region_sql[Q_REGION_UNITS], id, &units, 1, e)) != SJ_OK)
		return rc;
	if (units > 0 && level_of(r->level)->rank < level_of("district")->rank)
		return sj_fail(e, SJ_EINVAL, "level", "it holds %lld units, which stand in a district, "
		    "subdistrict or town", (long long)units);
	return SJ_OK;
}

/* ---- writes ------------------------------------------------------------- */

/* Add (new_id given) or change region id: bind and run, naming the field
 * of a refusal. */
static sj_rc
region_write(store *s, int64_t id, const org_region *r, int64_t *new_id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, region_sql[new_id ? Q_REGION_ADD : Q_REGION_UPDATE], &st, e)) !=
	    SJ_OK)
		return rc;
	store_bind_int(st, 4, id);
	if (r->parent_id > 0)
		store_bind_int(st, 5, r->parent_id);
	store_bind_text(st, 6, r->level);
	store_bind_text(st, 7, r->name);
	store_bind_text(st, 8, r->code);
	store_bind_int(st, 9, dt_now());
	rc = org_row_write(s, st, &region_rows, id, new_id, e);
	if (rc == SJ_EINVAL)
		return sj_fail(e, rc, "parent_id", "no region with id %lld", (long long)r->parent_id);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "name", "a region named '%s' already exists there", r->name);
	return rc;
}

sj_rc
org_region_add(store *s, const scope *sc, const org_region *in, int64_t *id, sj_err *e)
{
	org_region r = *in;
	arena a;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add regions");
	arena_init(&a);
	if ((rc = region_clean(s, &a, &r, e)) == SJ_OK)
		rc = region_write(s, 0, &r, id, e);
	arena_free(&a);
	return rc;
}

sj_rc
org_region_update(store *s, const scope *sc, int64_t id, const org_region *in, sj_err *e)
{
	org_region r = *in, old;
	arena a;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may change regions");
	arena_init(&a);
	if ((rc = org_region_get(s, &a, id, &old, e)) == SJ_OK &&
	    (rc = region_clean(s, &a, &r, e)) == SJ_OK &&
	    (rc = org_region_check_root(&r, e)) == SJ_OK &&
	    (rc = check_descendants(s, &a, id, &r, e)) == SJ_OK)
		rc = region_write(s, id, &r, NULL, e);
	arena_free(&a);
	return rc;
}

/* The region's own rows that refer to it (org_delete.refs). */
static sj_rc
region_refs(store *s, int64_t id, sj_err *e)
{
	int64_t n[3];
	sj_rc rc;

	if ((rc = org_count_refs(s, region_sql[Q_REGION_REFS], id, n, 3, e)) != SJ_OK)
		return rc;
	if (n[0] + n[1] + n[2] > 0)
		return sj_fail(e, SJ_ECONFLICT, "region", "the region still has %lld regions under "
		    "it, %lld units and %lld work groups dispatched to it; remove them first",
		    (long long)n[0], (long long)n[1], (long long)n[2]);
	return SJ_OK;
}

sj_rc
org_region_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		region_sql[Q_REGION_DELETE], &region_rows, region_refs, "records of other modules",
	};

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may delete regions");
	return org_row_delete(s, sc, &del, id, e);
}

/* ---- reads -------------------------------------------------------------- */

sj_rc
org_region_find(store *s, int64_t parent_id, const char *name, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	rc = store_prepare(s, region_sql[parent_id ? Q_REGION_FIND : Q_REGION_FIND_TOP], &st, e);
	if (rc != SJ_OK)
		return rc;
	if (parent_id) {
		store_bind_int(st, 1, parent_id);
		store_bind_text(st, 2, name);
	} else
		store_bind_text(st, 1, name);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "region", "no region named '%s'", name);
	return SJ_OK;
}

sj_rc
org_region_lookup(store *s, const char *ref, int64_t *id, sj_err *e)
{
	arena a;
	org_region r;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((*id = org_parse_id(ref)) > 0) {
		arena_init(&a);
		rc = org_region_get(s, &a, *id, &r, e);
		arena_free(&a);
		return rc;
	}
	if ((rc = org_check_name(ref, "region", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = store_prepare(s, region_sql[Q_REGION_BY_NAME], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, ref);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "region", "no region named '%s'", ref);
	*id = store_col_int(st, 0);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row) {
		store_reset(st);
		return sj_fail(e, SJ_ECONFLICT, "region",
		    "several regions are named '%s'; give the region's id", ref);
	}
	return SJ_OK;
}

sj_rc
org_region_list(store *s, arena *a, const org_region_filter *f, org_page *out, sj_err *e)
{
	store_stmt *st;
	int limit;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = org_range_limit(&f->range, &limit, e)) != SJ_OK ||
	    (rc = store_prepare(s, region_sql[Q_REGION_LIST], &st, e)) != SJ_OK)
		return rc;
	if (f->parent_id > 0)
		store_bind_int(st, 4, f->parent_id);
	org_range_bind(st, 5, &region_rows, &f->range, limit);
	return org_page_read(st, a, &region_rows, limit, out, e);
}
