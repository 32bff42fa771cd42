/*
 * org — regions, units, places, checkpoints and households.
 *
 * Invariants: a unit's kind is one of the four of DESIGN.md §2; names are
 * valid single-line UTF-8 of 1–ORG_NAME_MAX code points; every read of a
 * unit or of what hangs under it passes the SCOPE_UNIT test in its SQL.
 */
#include "domain/org.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"

enum {
	Q_REGION_ADD, Q_REGION_GET, Q_REGION_FIND, Q_REGION_FIND_TOP, Q_REGION_BY_NAME,
	Q_UNIT_ADD, Q_UNIT_GET, Q_UNIT_FIND, Q_UNIT_LIST,
	Q_PLACE_ADD, Q_PLACE_GET, Q_PLACE_LIST,
	Q_CHECKPOINT_ADD, Q_CHECKPOINT_LIST,
	Q_HOUSEHOLD_ADD, Q_HOUSEHOLD_LIST,
};

#define UNIT_COLS \
	"u.id, u.region_id, u.kind, u.name, u.address, u.contact, r.name, u.created_at, u.name_sort"
#define PLACE_COLS \
	"p.id, p.unit_id, p.kind, p.name, p.address, p.records_exits, p.default_stay_s"

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
	[Q_PLACE_ADD] =
	"INSERT INTO place (unit_id, kind, name, name_key, address, records_exits,"
	" default_stay_s, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
	[Q_PLACE_GET] =
	"SELECT " PLACE_COLS " FROM place p WHERE p.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_PLACE_LIST] =
	"SELECT " PLACE_COLS " FROM place p WHERE p.unit_id = ?4 AND " SCOPE_UNIT("p.unit_id")
	" ORDER BY p.name_key, p.id",
	[Q_CHECKPOINT_ADD] =
	"INSERT INTO checkpoint (place_id, name, kind, created_at) VALUES (?1, ?2, ?3, ?4)"
	" RETURNING id",
	[Q_CHECKPOINT_LIST] =
	"SELECT c.id, c.place_id, c.name, c.kind FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.place_id = ?4 AND " SCOPE_UNIT("p.unit_id") " ORDER BY c.id",
	[Q_HOUSEHOLD_ADD] =
	"INSERT INTO household (place_id, building, entrance, room, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_HOUSEHOLD_LIST] =
	"SELECT h.id, h.place_id, h.building, h.entrance, h.room FROM household h"
	" JOIN place p ON p.id = h.place_id"
	" WHERE h.place_id = ?4 AND " SCOPE_UNIT("p.unit_id")
	" ORDER BY h.building, h.entrance, h.room, h.id",
};

static const char *const region_levels[] = { "province", "city", "district", "subdistrict", "town", NULL };
static const char *const unit_kinds[] = { "community", "enterprise", "project", "village", NULL };
static const char *const place_kinds[] = { "residential", "workplace", "canteen", "site", "public", "other", NULL };
static const char *const checkpoint_kinds[] = { "gate", "monitoring_point", "door", NULL };

static sj_rc
check_enum(const char *v, const char *const *allowed, const char *field, sj_err *e)
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

/* An optional text field: NULL is fine, otherwise a name-like check. */
static sj_rc
check_optional(const char *s, const char *field, size_t max, sj_err *e)
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
	if ((rc = check_enum(in->level, region_levels, "level", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = check_optional(in->code, "code", 12, e)) != SJ_OK)
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
	out->id = store_col_int(st, 0);
	out->parent_id = store_col_int(st, 1);
	out->level = col_str(st, a, 2);
	out->name = col_str(st, a, 3);
	out->code = col_str(st, a, 4);
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

/* ---- units ------------------------------------------------------------ */

static sj_rc
unit_validate(const org_unit *in, sj_err *e)
{
	sj_rc rc;

	if ((rc = check_enum(in->kind, unit_kinds, "kind", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = check_optional(in->address, "address", 200, e)) != SJ_OK ||
	    (rc = check_optional(in->contact, "contact", 100, e)) != SJ_OK)
		return rc;
	if (in->region_id <= 0)
		return sj_fail(e, SJ_EINVAL, "region_id", "is required");
	return SJ_OK;
}

sj_rc
org_unit_add(store *s, const scope *sc, const org_unit *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	char *key = NULL;
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add units");
	if ((rc = unit_validate(in, e)) != SJ_OK)
		return rc;
	if ((rc = text_sort_key(in->name, &sort, &sort_n, e)) != SJ_OK)
		return rc;
	key = text_search_key(in->name);
	if ((rc = store_prepare(s, org_sql[Q_UNIT_ADD], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, in->region_id);
	store_bind_text(st, 2, in->kind);
	store_bind_text(st, 3, in->name);
	store_bind_text(st, 4, key);
	store_bind_blob(st, 5, sort, sort_n);
	store_bind_text(st, 6, in->address);
	store_bind_text(st, 7, in->contact);
	store_bind_int(st, 8, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_EINVAL)
		sj_fail(e, rc, "region_id", "no region with id %lld", (long long)in->region_id);
	else if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "name", "the region already has a unit named '%s'", in->name);
out:
	free(key);
	free(sort);
	return rc;
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

	if (f->kind && check_enum(f->kind, unit_kinds, "kind", e) != SJ_OK)
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

/* ---- places, checkpoints, households --------------------------------- */

sj_rc
org_place_add(store *s, const scope *sc, const org_place *in, int64_t *id, sj_err *e)
{
	int64_t stay = in->default_stay_s ? in->default_stay_s : 7200;
	store_stmt *st;
	char *key;
	sj_rc rc;

	if ((rc = check_enum(in->kind, place_kinds, "kind", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = check_optional(in->address, "address", 200, e)) != SJ_OK)
		return rc;
	if (stay < 60 || stay > 86400)
		return sj_fail(e, SJ_EINVAL, "default_stay_s",
		    "%lld s is out of range 60..86400", (long long)stay);
	if (!org_unit_visible(s, sc, in->unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld", (long long)in->unit_id);
	if ((rc = store_prepare(s, org_sql[Q_PLACE_ADD], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(in->name);
	store_bind_int(st, 1, in->unit_id);
	store_bind_text(st, 2, in->kind);
	store_bind_text(st, 3, in->name);
	store_bind_text(st, 4, key);
	store_bind_text(st, 5, in->address);
	store_bind_int(st, 6, in->records_exits ? 1 : 0);
	store_bind_int(st, 7, stay);
	store_bind_int(st, 8, dt_now());
	free(key);
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "name", "the unit already has a place named '%s'", in->name);
	return rc;
}

static void
place_read(store_stmt *st, arena *a, org_place *p)
{
	p->id = store_col_int(st, 0);
	p->unit_id = store_col_int(st, 1);
	p->kind = col_str(st, a, 2);
	p->name = col_str(st, a, 3);
	p->address = col_str(st, a, 4);
	p->records_exits = (int)store_col_int(st, 5);
	p->default_stay_s = store_col_int(st, 6);
}

sj_rc
org_place_get(store *s, const scope *sc, arena *a, int64_t id, org_place *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, org_sql[Q_PLACE_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "place", "no place with id %lld", (long long)id);
	place_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
org_place_list(store *s, const scope *sc, arena *a, int64_t unit_id,
    org_place **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if (!org_unit_visible(s, sc, unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)unit_id);
	if ((rc = store_prepare(s, org_sql[Q_PLACE_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, unit_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		place_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

sj_rc
org_checkpoint_add(store *s, const scope *sc, const org_checkpoint *in, int64_t *id, sj_err *e)
{
	const char *kind = in->kind ? in->kind : "gate";
	arena a;
	org_place p;
	store_stmt *st;
	sj_rc rc;

	if ((rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = check_enum(kind, checkpoint_kinds, "kind", e)) != SJ_OK)
		return rc;
	arena_init(&a);
	rc = org_place_get(s, sc, &a, in->place_id, &p, e);
	arena_free(&a);
	if (rc != SJ_OK)
		return sj_fail(e, rc, "place_id", "no place with id %lld", (long long)in->place_id);
	if ((rc = store_prepare(s, org_sql[Q_CHECKPOINT_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->place_id);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, kind);
	store_bind_int(st, 4, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "name", "the place already has a checkpoint named '%s'", in->name);
	return rc;
}

sj_rc
org_checkpoint_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_checkpoint **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, org_sql[Q_CHECKPOINT_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, place_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		org_checkpoint *c;
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		c = &(*out)[(*n)++];
		c->id = store_col_int(st, 0);
		c->place_id = store_col_int(st, 1);
		c->name = col_str(st, a, 2);
		c->kind = col_str(st, a, 3);
	}
	return rc;
}

sj_rc
org_household_add(store *s, const scope *sc, const org_household *in, int64_t *id, sj_err *e)
{
	arena a;
	org_place p;
	store_stmt *st;
	sj_rc rc;

	if ((rc = org_check_name(in->room, "room", 20, e)) != SJ_OK ||
	    (in->building && *in->building &&
	     (rc = org_check_name(in->building, "building", 20, e)) != SJ_OK) ||
	    (in->entrance && *in->entrance &&
	     (rc = org_check_name(in->entrance, "entrance", 20, e)) != SJ_OK))
		return rc;
	arena_init(&a);
	rc = org_place_get(s, sc, &a, in->place_id, &p, e);
	arena_free(&a);
	if (rc != SJ_OK)
		return sj_fail(e, rc, "place_id", "no place with id %lld", (long long)in->place_id);
	if ((rc = store_prepare(s, org_sql[Q_HOUSEHOLD_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->place_id);
	store_bind_text(st, 2, in->building ? in->building : "");
	store_bind_text(st, 3, in->entrance ? in->entrance : "");
	store_bind_text(st, 4, in->room);
	store_bind_int(st, 5, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "room", "that address already has a household at this place");
	return rc;
}

sj_rc
org_household_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_household **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, org_sql[Q_HOUSEHOLD_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, place_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		org_household *h;
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		h = &(*out)[(*n)++];
		h->id = store_col_int(st, 0);
		h->place_id = store_col_int(st, 1);
		h->building = col_str(st, a, 2);
		h->entrance = col_str(st, a, 3);
		h->room = col_str(st, a, 4);
	}
	return rc;
}
