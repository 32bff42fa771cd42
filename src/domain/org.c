/*
 * org — regions and units, and the checks the whole module shares (places,
 * checkpoints and households are in org_place.c).
 *
 * Invariants: a unit's kind is one of the four of DESIGN.md §2; names are
 * valid single-line UTF-8 of 1–ORG_NAME_MAX code points; every read or
 * write of a unit passes the SCOPE_UNIT test in its SQL; a unit is deleted
 * only when nothing refers to it (checked in the deleting transaction).
 */
#include "domain/org.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"

enum {
	Q_REGION_ADD, Q_REGION_GET, Q_REGION_FIND, Q_REGION_FIND_TOP, Q_REGION_BY_NAME,
	Q_REGION_LIST,
	Q_UNIT_ADD, Q_UNIT_GET, Q_UNIT_FIND, Q_UNIT_LIST, Q_UNIT_UPDATE, Q_UNIT_REFS,
	Q_UNIT_DELETE,
};

#define UNIT_COLS \
	"u.id, u.region_id, u.kind, u.name, u.address, u.contact, r.name, u.created_at, u.name_sort"

static const char *const org_sql[] = {
	[Q_REGION_ADD] =
	"INSERT INTO region (parent_id, level, name, code, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_REGION_GET] =
	"SELECT id, parent_id, level, name, code FROM region WHERE id = ?1",
	[Q_REGION_FIND] =
	"SELECT id FROM region WHERE parent_id = ?1 AND name = ?2",
	[Q_REGION_FIND_TOP] =
	"SELECT id FROM region WHERE parent_id IS NULL AND name = ?1",
	[Q_REGION_BY_NAME] =
	"SELECT id FROM region WHERE name = ?1 ORDER BY id LIMIT 2",
	/* ?1 parent (NULL: any), ?2 cursor id, ?3 limit */
	[Q_REGION_LIST] =
	"SELECT id, parent_id, level, name, code FROM region"
	" WHERE (?1 IS NULL OR parent_id = ?1) AND id > ?2 ORDER BY id LIMIT ?3",
	[Q_UNIT_ADD] =
	"INSERT INTO unit (region_id, kind, name, name_key, name_sort, address, contact, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
	[Q_UNIT_GET] =
	"SELECT " UNIT_COLS " FROM unit u JOIN region r ON r.id = u.region_id"
	" WHERE u.id = ?4 AND " SCOPE_UNIT("u.id"),
	[Q_UNIT_FIND] =
	"SELECT " UNIT_COLS " FROM unit u JOIN region r ON r.id = u.region_id"
	" WHERE u.name_key = ?4 AND " SCOPE_UNIT("u.id") " ORDER BY u.id LIMIT 2",
	/* ?4 kind, ?5 region, ?6 group, ?7 search key, ?8/?9 cursor, ?10 limit */
	[Q_UNIT_LIST] =
	"SELECT " UNIT_COLS " FROM unit u JOIN region r ON r.id = u.region_id"
	" WHERE " SCOPE_UNIT("u.id")
	" AND (?4 IS NULL OR u.kind = ?4)"
	" AND (?5 IS NULL OR u.region_id = ?5)"
	" AND (?6 IS NULL OR u.id IN (SELECT unit_id FROM assignment WHERE group_id = ?6))"
	" AND (?7 IS NULL OR instr(u.name_key, ?7) > 0)"
	" AND (?8 IS NULL OR u.name_sort > ?8 OR (u.name_sort = ?8 AND u.id > ?9))"
	" ORDER BY u.name_sort, u.id LIMIT ?10",
	[Q_UNIT_UPDATE] =
	"UPDATE unit SET region_id = ?5, kind = ?6, name = ?7, name_key = ?8, name_sort = ?9,"
	" address = ?10, contact = ?11 WHERE id = ?4 AND " SCOPE_UNIT("id"),
	[Q_UNIT_REFS] =
	"SELECT (SELECT count(*) FROM place WHERE unit_id = ?1),"
	" (SELECT count(*) FROM person WHERE unit_id = ?1),"
	" (SELECT count(*) FROM assignment WHERE unit_id = ?1)",
	[Q_UNIT_DELETE] =
	"DELETE FROM unit WHERE id = ?4 AND " SCOPE_UNIT("id"),
};

static const char *const region_levels[] = { "province", "city", "district", "subdistrict", "town", NULL };
static const char *const unit_kinds[] = { "community", "enterprise", "project", "village", NULL };

sj_rc
org_check_enum(const char *v, const char *const *allowed, const char *field, sj_err *e)
{
	char list[200] = "";

	if (v != NULL)
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(v, *a) == 0)
				return SJ_OK;
	for (const char *const *a = allowed; *a; a++) {
		strncat(list, *a, sizeof list - strlen(list) - 3);
		if (a[1])
			strncat(list, ", ", sizeof list - strlen(list) - 1);
	}
	return sj_fail(e, SJ_EINVAL, field, "%s%s%s: must be one of %s",
	    v ? "'" : "missing", v ? v : "", v ? "'" : "", list);
}

sj_rc
org_check_name(const char *s, const char *field, size_t max, sj_err *e)
{
	sj_rc rc;
	size_t n;

	if (s == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if ((rc = text_check_utf8(s, strlen(s), field, TEXT_SINGLE_LINE, e)) != SJ_OK)
		return rc;
	n = text_length(s);
	if (n == 0 || text_is_blank(s))
		return sj_fail(e, SJ_EINVAL, field, "must not be empty");
	if (n > max)
		return sj_fail(e, SJ_EINVAL, field, "is %zu characters long; at most %zu", n, max);
	return SJ_OK;
}

sj_rc
org_check_optional(const char *s, const char *field, size_t max, sj_err *e)
{
	return s == NULL ? SJ_OK : org_check_name(s, field, max, e);
}

/* The text of column i copied into the arena (NULL stays NULL). */
static const char *
col_str(store_stmt *st, arena *a, int i)
{
	return arena_strdup(a, store_col_text(st, i));
}

static void
bind_opt_id(store_stmt *st, int i, int64_t id)
{
	if (id > 0)
		store_bind_int(st, i, id);
	else
		store_bind_null(st, i);
}

/* ---- regions ---------------------------------------------------------- */

sj_rc
org_region_add(store *s, const scope *sc, const org_region *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add regions");
	if ((rc = org_check_enum(in->level, region_levels, "level", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_check_optional(in->code, "code", 12, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, org_sql[Q_REGION_ADD], &st, e)) != SJ_OK)
		return rc;
	bind_opt_id(st, 1, in->parent_id);
	store_bind_text(st, 2, in->level);
	store_bind_text(st, 3, in->name);
	store_bind_text(st, 4, in->code);
	store_bind_int(st, 5, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_EINVAL)
		return sj_fail(e, rc, "parent_id", "no region with id %lld", (long long)in->parent_id);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "name", "a region named '%s' already exists there", in->name);
	return rc;
}

static void
region_read(store_stmt *st, arena *a, org_region *r)
{
	r->id = store_col_int(st, 0);
	r->parent_id = store_col_int(st, 1);
	r->level = col_str(st, a, 2);
	r->name = col_str(st, a, 3);
	r->code = col_str(st, a, 4);
}

sj_rc
org_region_get(store *s, arena *a, int64_t id, org_region *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, org_sql[Q_REGION_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "region", "no region with id %lld", (long long)id);
	region_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
org_region_find(store *s, int64_t parent_id, const char *name, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	rc = store_prepare(s, org_sql[parent_id ? Q_REGION_FIND : Q_REGION_FIND_TOP], &st, e);
	if (rc != SJ_OK)
		return rc;
	if (parent_id) {
		store_bind_int(st, 1, parent_id);
		store_bind_text(st, 2, name);
	} else
		store_bind_text(st, 1, name);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "region", "no region named '%s'", name);
	*id = store_col_int(st, 0);
	store_reset(st);
	return SJ_OK;
}

/* The decimal id in ref, or 0 when ref is not a plain positive number. */
static int64_t
parse_id(const char *ref)
{
	int64_t v = 0;

	if (ref == NULL || *ref == '\0' || strlen(ref) > 18)
		return 0;
	for (const char *p = ref; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

sj_rc
org_region_lookup(store *s, const char *ref, int64_t *id, sj_err *e)
{
	arena a;
	org_region r;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((*id = parse_id(ref)) > 0) {
		arena_init(&a);
		rc = org_region_get(s, &a, *id, &r, e);
		arena_free(&a);
		return rc;
	}
	if ((rc = org_check_name(ref, "region", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = store_prepare(s, org_sql[Q_REGION_BY_NAME], &st, e)) != SJ_OK)
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
org_region_list(store *s, arena *a, const org_region_filter *f, org_region_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > ORG_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit, ORG_LIST_MAX);
	if ((rc = store_prepare(s, org_sql[Q_REGION_LIST], &st, e)) != SJ_OK)
		return rc;
	bind_opt_id(st, 1, f->parent_id);
	store_bind_int(st, 2, f->after_id);
	store_bind_int(st, 3, limit + 1);  /* one more tells whether a next page exists */
	out->regions = arena_alloc(a, (size_t)limit * sizeof *out->regions);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_regions == (size_t)limit) {
			out->has_more = 1;
			store_reset(st);
			break;
		}
		region_read(st, a, &out->regions[out->n_regions++]);
		out->next_id = out->regions[out->n_regions - 1].id;
	}
	return rc;
}

/* ---- units ------------------------------------------------------------ */

static sj_rc
unit_validate(const org_unit *in, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_check_enum(in->kind, unit_kinds, "kind", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_check_optional(in->address, "address", 200, e)) != SJ_OK ||
	    (rc = org_check_optional(in->contact, "contact", 100, e)) != SJ_OK)
		return rc;
	if (in->region_id <= 0)
		return sj_fail(e, SJ_EINVAL, "region_id", "is required");
	return SJ_OK;
}

/* The derived keys of a name (docs/text.md), malloc'd; free with
 * name_keys_free. */
typedef struct name_keys {
	char *key;       /* search key */
	uint8_t *sort;   /* collation key */
	size_t sort_n;
} name_keys;

static sj_rc
name_keys_make(const char *name, name_keys *k, sj_err *e)
{
	sj_rc rc = text_sort_key(name, &k->sort, &k->sort_n, e);

	k->key = rc == SJ_OK ? text_search_key(name) : NULL;
	return rc;
}

static void
name_keys_free(name_keys *k)
{
	free(k->key);
	free(k->sort);
}

/* Bind a unit's stored columns at parameters at..at+6 in the order
 * region_id, kind, name, name_key, name_sort, address, contact. */
static void
unit_bind(store_stmt *st, int at, const org_unit *in, const name_keys *k)
{
	store_bind_int(st, at, in->region_id);
	store_bind_text(st, at + 1, in->kind);
	store_bind_text(st, at + 2, in->name);
	store_bind_text(st, at + 3, k->key);
	store_bind_blob(st, at + 4, k->sort, k->sort_n);
	store_bind_text(st, at + 5, in->address);
	store_bind_text(st, at + 6, in->contact);
}

/* Name the field a failed unit write is about. */
static sj_rc
unit_write_error(sj_rc rc, const org_unit *in, sj_err *e)
{
	if (rc == SJ_EINVAL)
		return sj_fail(e, rc, "region_id", "no region with id %lld", (long long)in->region_id);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "name", "the region already has a unit named '%s'", in->name);
	return rc;
}

sj_rc
org_unit_add(store *s, const scope *sc, const org_unit *in, int64_t *id, sj_err *e)
{
	name_keys k = {0};
	store_stmt *st;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add units");
	if ((rc = unit_validate(in, e)) != SJ_OK)
		return rc;
	if ((rc = name_keys_make(in->name, &k, e)) != SJ_OK ||
	    (rc = store_prepare(s, org_sql[Q_UNIT_ADD], &st, e)) != SJ_OK)
		goto out;
	unit_bind(st, 1, in, &k);
	store_bind_int(st, 8, dt_now());
	rc = unit_write_error(store_insert_id(st, id, e), in, e);
out:
	name_keys_free(&k);
	return rc;
}

sj_rc
org_unit_update(store *s, const scope *sc, int64_t id, const org_unit *in, sj_err *e)
{
	name_keys k = {0};
	store_stmt *st;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may change units");
	if ((rc = unit_validate(in, e)) != SJ_OK)
		return rc;
	if ((rc = name_keys_make(in->name, &k, e)) != SJ_OK ||
	    (rc = store_prepare(s, org_sql[Q_UNIT_UPDATE], &st, e)) != SJ_OK)
		goto out;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	unit_bind(st, 5, in, &k);
	if ((rc = unit_write_error(store_run(st, e), in, e)) == SJ_OK && store_changes(s) == 0)
		rc = sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)id);
out:
	name_keys_free(&k);
	return rc;
}

/* SJ_ECONFLICT naming what still hangs on unit id, or SJ_OK. */
static sj_rc
unit_check_unused(store *s, int64_t id, sj_err *e)
{
	store_stmt *st;
	int64_t places, people, assignments;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, org_sql[Q_UNIT_REFS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	places = store_col_int(st, 0);
	people = store_col_int(st, 1);
	assignments = store_col_int(st, 2);
	store_reset(st);
	if (places + people + assignments > 0)
		return sj_fail(e, SJ_ECONFLICT, "unit", "the unit still has %lld places, %lld people "
		    "and %lld work-group assignments; remove them first", (long long)places,
		    (long long)people, (long long)assignments);
	return SJ_OK;
}

/* Inside the caller's transaction: the checks and the delete. */
static sj_rc
unit_delete_tx(store *s, const scope *sc, int64_t id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if (!org_unit_visible(s, sc, id))
		return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)id);
	if ((rc = unit_check_unused(s, id, e)) != SJ_OK ||
	    (rc = store_prepare(s, org_sql[Q_UNIT_DELETE], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	rc = store_run(st, e);
	/* A row of another module (a user's unit, a scan) still names it. */
	if (rc == SJ_EINVAL)
		return sj_fail(e, SJ_ECONFLICT, "unit", "other records still refer to the unit");
	return rc;
}

sj_rc
org_unit_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may delete units");
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = unit_delete_tx(s, sc, id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

static void
unit_read(store_stmt *st, arena *a, org_unit *u)
{
	u->id = store_col_int(st, 0);
	u->region_id = store_col_int(st, 1);
	u->kind = col_str(st, a, 2);
	u->name = col_str(st, a, 3);
	u->address = col_str(st, a, 4);
	u->contact = col_str(st, a, 5);
	u->region_name = col_str(st, a, 6);
	u->created_at = store_col_int(st, 7);
}

sj_rc
org_unit_get(store *s, const scope *sc, arena *a, int64_t id, org_unit *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, org_sql[Q_UNIT_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)id);
	unit_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
org_unit_find(store *s, const scope *sc, arena *a, const char *name, org_unit *out, sj_err *e)
{
	store_stmt *st;
	char *key;
	bool row;
	sj_rc rc;

	if ((rc = org_check_name(name, "unit", ORG_NAME_MAX, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, org_sql[Q_UNIT_FIND], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(name);
	scope_bind(st, sc);
	store_bind_text(st, 4, key);
	free(key);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit named '%s'", name);
	unit_read(st, a, out);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (row) {
		store_reset(st);
		return sj_fail(e, SJ_ECONFLICT, "unit",
		    "several units are named '%s'; give the unit's id", name);
	}
	return SJ_OK;
}

sj_rc
org_unit_lookup(store *s, const scope *sc, arena *a, const char *ref, org_unit *out, sj_err *e)
{
	int64_t id = parse_id(ref);

	return id > 0 ? org_unit_get(s, sc, a, id, out, e) : org_unit_find(s, sc, a, ref, out, e);
}

static sj_rc
unit_list_bind(store_stmt *st, const scope *sc, const org_unit_filter *f, int limit, sj_err *e)
{
	char *key = NULL;

	if (f->kind && org_check_enum(f->kind, unit_kinds, "kind", e) != SJ_OK)
		return e->rc;
	if (f->q && text_check_utf8(f->q, strlen(f->q), "q", TEXT_SINGLE_LINE, e) != SJ_OK)
		return e->rc;
	scope_bind(st, sc);
	store_bind_text(st, 4, f->kind);
	bind_opt_id(st, 5, f->region_id);
	bind_opt_id(st, 6, f->group_id);
	if (f->q && *f->q) {
		key = text_search_key(f->q);
		store_bind_text(st, 7, key);
		free(key);
	}
	if (f->after_sort) {
		store_bind_blob(st, 8, f->after_sort, f->after_sort_n);
		store_bind_int(st, 9, f->after_id);
	}
	store_bind_int(st, 10, limit + 1);  /* one more tells whether a next page exists */
	return SJ_OK;
}

sj_rc
org_unit_list(store *s, const scope *sc, arena *a, const org_unit_filter *f,
    org_unit_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > ORG_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit, ORG_LIST_MAX);
	if ((rc = store_prepare(s, org_sql[Q_UNIT_LIST], &st, e)) != SJ_OK)
		return rc;
	if ((rc = unit_list_bind(st, sc, f, limit, e)) != SJ_OK)
		return rc;
	out->units = arena_alloc(a, (size_t)limit * sizeof *out->units);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		size_t n;
		const void *sort;
		if (out->n_units == (size_t)limit) {
			out->has_more = 1;
			store_reset(st);
			break;
		}
		unit_read(st, a, &out->units[out->n_units++]);
		sort = store_col_blob(st, 8, &n);
		out->next_sort = memcpy(arena_alloc(a, n), sort, n);
		out->next_sort_n = n;
		out->next_id = out->units[out->n_units - 1].id;
	}
	return rc;
}

int
org_unit_visible(store *s, const scope *sc, int64_t unit_id)
{
	arena a;
	org_unit u;
	int ok;

	arena_init(&a);
	ok = org_unit_get(s, sc, &a, unit_id, &u, NULL) == SJ_OK;
	arena_free(&a);
	return ok;
}
