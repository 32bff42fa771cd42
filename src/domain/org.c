/*
 * org — units, the checks the whole module shares, and the row helpers
 * of org.h that org_region.c, org_place.c, person.c and group.c build
 * their reads, lists and deletes on.
 *
 * Invariants: a unit's kind is one of the four of DESIGN.md §2; names are
 * trimmed, valid single-line UTF-8 of 1–ORG_NAME_MAX code points without
 * invisible characters; every read or write of a unit passes the
 * SCOPE_UNIT test in its SQL; a unit is deleted only when nothing refers
 * to it (the delete's foreign keys, in its transaction).
 */
#include "domain/org.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"

enum {
	Q_UNIT_ADD, Q_UNIT_GET, Q_UNIT_FIND, Q_UNIT_LIST, Q_UNIT_UPDATE, Q_UNIT_REFS,
	Q_UNIT_DELETE,
};

#define UNIT_COLS \
	"u.id, u.region_id, u.kind, u.name, u.address, u.contact, r.name, u.created_at, u.name_sort"

static const char *const org_sql[] = {
	/* ?5..?11 the unit (unit_bind), ?12 created_at */
	[Q_UNIT_ADD] =
	"INSERT INTO unit (region_id, kind, name, name_key, name_sort, address, contact, created_at)"
	" VALUES (?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
	[Q_UNIT_GET] =
	"SELECT " UNIT_COLS " FROM unit u JOIN region r ON r.id = u.region_id"
	" WHERE u.id = ?4 AND " SCOPE_UNIT("u.id"),
	[Q_UNIT_FIND] =
	"SELECT " UNIT_COLS " FROM unit u JOIN region r ON r.id = u.region_id"
	" WHERE u.name_key = ?4 AND " SCOPE_UNIT("u.id") " ORDER BY u.id LIMIT 2",
	/* ?4 kind, ?5 region, ?6 group, ?7 LIKE pattern of the search key,
	 * ?8/?9 cursor, ?10 limit; NULL: no such filter */
	[Q_UNIT_LIST] =
	"SELECT " UNIT_COLS " FROM unit u JOIN region r ON r.id = u.region_id"
	" WHERE " SCOPE_UNIT("u.id")
	" AND (u.kind = ?4 OR ?4 IS NULL)"
	" AND (u.region_id = ?5 OR ?5 IS NULL)"
	" AND (u.id IN (SELECT unit_id FROM assignment WHERE group_id = ?6) OR ?6 IS NULL)"
	" AND (u.name_key LIKE ?7 ESCAPE '\\' OR ?7 IS NULL)"
	" AND (u.name_sort > ?8 OR (u.name_sort = ?8 AND u.id > ?9) OR ?8 IS NULL)"
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

static const char *const unit_kinds[] = { "community", "enterprise", "project", "village", NULL };

/* ---- checks ------------------------------------------------------------- */

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
	return text_check_name(s, field, max, e);
}

sj_rc
org_check_optional(const char *s, const char *field, size_t max, sj_err *e)
{
	return s == NULL ? SJ_OK : org_check_name(s, field, max, e);
}

sj_rc
org_clean_name(arena *a, const char **s, const char *field, size_t max, sj_err *e)
{
	char *trimmed;
	sj_rc rc;

	if (*s == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if ((rc = text_check_utf8(*s, strlen(*s), field, TEXT_SINGLE_LINE, e)) != SJ_OK)
		return rc;
	trimmed = text_trim(*s);
	*s = arena_strdup(a, trimmed);
	free(trimmed);
	return org_check_name(*s, field, max, e);
}

sj_rc
org_clean_optional(arena *a, const char **s, const char *field, size_t max, sj_err *e)
{
	return *s == NULL ? SJ_OK : org_clean_name(a, s, field, max, e);
}

/* ---- row helpers (org.h) ------------------------------------------------ */

int64_t
org_parse_id(const char *ref)
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

const char *
org_col_str(store_stmt *st, arena *a, int i)
{
	return arena_strdup(a, store_col_text(st, i));
}

sj_rc
org_range_limit(const org_range *r, int *limit, sj_err *e)
{
	*limit = r->limit ? r->limit : ORG_LIST_DEFAULT;
	if (*limit < 1 || *limit > ORG_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", *limit, ORG_LIST_MAX);
	return SJ_OK;
}

/* Bind the cursor's key at ?i: a TEXT key needs its terminating NUL. */
static void
bind_key(store_stmt *st, int i, const org_rows *k, const org_range *r)
{
	char *text;

	if (r->after_key == NULL) {
		store_bind_null(st, i);
	} else if (!k->key_text) {
		store_bind_blob(st, i, r->after_key, r->after_key_n);
	} else {
		text = sj_malloc(r->after_key_n + 1);
		memcpy(text, r->after_key, r->after_key_n);
		text[r->after_key_n] = '\0';
		store_bind_text(st, i, text);
		free(text);
	}
}

void
org_range_bind(store_stmt *st, int at, const org_rows *k, const org_range *r, int limit)
{
	if (k->key_col >= 0)
		bind_key(st, at++, k, r);
	store_bind_int(st, at, r->after_id);
	store_bind_int(st, at + 1, (int64_t)limit + 1);
}

/* Set the cursor of out to the current row of st. */
static void
page_cursor(store_stmt *st, arena *a, const org_rows *k, org_page *out)
{
	const void *key;
	size_t n;

	out->next.after_id = store_col_int(st, 0);
	if (k->key_col < 0)
		return;
	if (k->key_text) {
		key = store_col_text(st, k->key_col);
		n = strlen(key);
	} else
		key = store_col_blob(st, k->key_col, &n);
	out->next.after_key = memcpy(arena_alloc(a, n + 1), key, n);
	out->next.after_key_n = n;
}

sj_rc
org_page_read(store_stmt *st, arena *a, const org_rows *k, int limit, org_page *out, sj_err *e)
{
	size_t cap = 0;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->next.limit = limit;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n == (size_t)limit) {
			out->has_more = 1;
			store_reset(st);
			break;
		}
		out->rows = arena_grow(a, out->rows, &cap, out->n, k->size);
		k->read(st, a, (char *)out->rows + out->n++ * k->size);
		if (out->n == (size_t)limit)  /* the cursor, should another row follow */
			page_cursor(st, a, k, out);
	}
	return rc;
}

sj_rc
org_row_get(store *s, const scope *sc, arena *a, const char *sql, const org_rows *k,
    int64_t id, void *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, sql, &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, k->field, "no %s with id %lld", k->noun, (long long)id);
	k->read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
org_row_write(store *s, store_stmt *st, const org_rows *k, int64_t id, int64_t *new_id,
    sj_err *e)
{
	sj_rc rc;

	if (new_id)
		return store_insert_id(st, new_id, e);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) == 0)
		rc = sj_fail(e, SJ_ENOTFOUND, k->field, "no %s with id %lld", k->noun, (long long)id);
	return rc;
}

sj_rc
org_row_check(store *s, const scope *sc, const char *sql, const org_rows *k, int64_t id,
    const char *field, sj_err *e)
{
	arena a;
	sj_rc rc;

	arena_init(&a);
	rc = org_row_get(s, sc, &a, sql, k, id, arena_alloc(&a, k->size), e);
	arena_free(&a);
	if (rc == SJ_ENOTFOUND)
		return sj_fail(e, rc, field, "no %s with id %lld", k->noun, (long long)id);
	return rc;
}

/* Prepare and bind l's statement for a page of limit rows after r. */
static sj_rc
list_prepare(store *s, const scope *sc, const org_list *l, int64_t parent, const org_range *r,
    int limit, store_stmt **st, sj_err *e)
{
	sj_rc rc;

	if ((l->parent && (rc = l->parent(s, sc, parent, e)) != SJ_OK) ||
	    (rc = store_prepare(s, l->sql, st, e)) != SJ_OK)
		return rc;
	scope_bind(*st, sc);
	store_bind_int(*st, 4, parent);
	if (l->bind == NULL) {
		org_range_bind(*st, 5, l->rows, r, limit);
	} else if ((rc = l->bind(*st, r, limit, e)) != SJ_OK) {
		store_reset(*st);
		return rc;
	}
	return SJ_OK;
}

sj_rc
org_list_page(store *s, const scope *sc, arena *a, const org_list *l, int64_t parent,
    const org_range *r, org_page *out, sj_err *e)
{
	static const org_range first = {0};
	int limit = INT32_MAX - 1;  /* every row */
	store_stmt *st;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((r && (rc = org_range_limit(r, &limit, e)) != SJ_OK) ||
	    (rc = list_prepare(s, sc, l, parent, r ? r : &first, limit, &st, e)) != SJ_OK ||
	    (rc = org_page_read(st, a, l->rows, limit, out, e)) != SJ_OK)
		return rc;
	if (l->cursor && out->has_more)
		l->cursor(a, (const char *)out->rows + (out->n - 1) * l->rows->size, &out->next);
	return SJ_OK;
}

/* The delete was refused by a foreign key: say what still refers. */
static sj_rc
delete_refused(store *s, const org_delete *d, int64_t id, sj_err *e)
{
	sj_rc rc;

	if (d->refs && (rc = d->refs(s, id, e)) != SJ_OK)
		return rc;
	return sj_fail(e, SJ_ECONFLICT, d->rows->field, "%s still refer to the %s; remove them first",
	    d->others, d->rows->noun);
}

sj_rc
org_row_delete(store *s, const scope *sc, const org_delete *d, int64_t id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, d->sql, &st, e)) == SJ_OK) {
		scope_bind(st, sc);
		store_bind_int(st, 4, id);
		if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) == 0)
			rc = sj_fail(e, SJ_ENOTFOUND, d->rows->field, "no %s with id %lld", d->rows->noun,
			    (long long)id);
	}
	if (rc == SJ_OK)
		return store_commit(s, e);
	store_rollback(s);
	/* A foreign key refusing is SJ_EINVAL (store.h); counting what refers
	 * needs the savepoint the failed statement spoiled rolled back. */
	return rc == SJ_EINVAL ? delete_refused(s, d, id, e) : rc;
}

sj_rc
org_count_refs(store *s, const char *sql, int64_t id, int64_t *n, int cols, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, sql, &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	for (int i = 0; i < cols; i++)
		n[i] = row ? store_col_int(st, i) : 0;
	if (row)
		store_reset(st);
	return SJ_OK;
}

/* ---- units -------------------------------------------------------------- */

static void
unit_read(store_stmt *st, arena *a, void *rec)
{
	org_unit *u = rec;

	u->id = store_col_int(st, 0);
	u->region_id = store_col_int(st, 1);
	u->kind = org_col_str(st, a, 2);
	u->name = org_col_str(st, a, 3);
	u->address = org_col_str(st, a, 4);
	u->contact = org_col_str(st, a, 5);
	u->region_name = org_col_str(st, a, 6);
	u->created_at = store_col_int(st, 7);
}

static const org_rows unit_rows = {
	"unit", "unit", sizeof(org_unit), unit_read, 8, false,
};

static bool
bears_units(const char *level)
{
	return strcmp(level, "district") == 0 || strcmp(level, "subdistrict") == 0 ||
	    strcmp(level, "town") == 0;
}

sj_rc
org_unit_check_region(store *s, int64_t region_id, sj_err *e)
{
	org_region r;
	arena a;
	sj_rc rc;

	arena_init(&a);
	rc = org_region_get(s, &a, region_id, &r, e);
	if (rc == SJ_ENOTFOUND)
		rc = sj_fail(e, SJ_EINVAL, "region_id", "no region with id %lld", (long long)region_id);
	else if (rc == SJ_OK && !bears_units(r.level))
		rc = sj_fail(e, SJ_EINVAL, "region_id", "'%s' is a %s; units stand in a district, "
		    "subdistrict or town", r.name, r.level);
	arena_free(&a);
	return rc;
}

/* Trim and check the fields of u, whose strings then live in a. */
static sj_rc
unit_clean(arena *a, org_unit *u, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_check_enum(u->kind, unit_kinds, "kind", e)) != SJ_OK ||
	    (rc = org_clean_name(a, &u->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_clean_optional(a, &u->address, "address", 200, e)) != SJ_OK ||
	    (rc = org_clean_optional(a, &u->contact, "contact", 100, e)) != SJ_OK)
		return rc;
	if (u->region_id <= 0)
		return sj_fail(e, SJ_EINVAL, "region_id", "is required");
	return SJ_OK;
}

/* Bind a unit's stored columns at ?5..?11 in the order region_id, kind,
 * name, name_key, name_sort, address, contact. */
static void
unit_bind(store_stmt *st, const org_unit *u, const char *key, const uint8_t *sort,
    size_t sort_n)
{
	store_bind_int(st, 5, u->region_id);
	store_bind_text(st, 6, u->kind);
	store_bind_text(st, 7, u->name);
	store_bind_text(st, 8, key);
	store_bind_blob(st, 9, sort, sort_n);
	store_bind_text(st, 10, u->address);
	store_bind_text(st, 11, u->contact);
}

/* Add (q Q_UNIT_ADD, the new id into *new_id) or change (Q_UNIT_UPDATE,
 * unit id) a unit: trim and check in, derive the name's keys, write, and
 * name the field a failed write is about. */
static sj_rc
unit_write(store *s, const scope *sc, int q, int64_t id, const org_unit *in, int64_t *new_id,
    sj_err *e)
{
	org_unit u = *in;
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	char *key = NULL;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = unit_clean(&a, &u, e)) != SJ_OK ||
	    (rc = text_sort_key(u.name, &sort, &sort_n, e)) != SJ_OK ||
	    (rc = store_prepare(s, org_sql[q], &st, e)) != SJ_OK)
		goto out;
	key = text_search_key(u.name);
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	unit_bind(st, &u, key, sort, sort_n);
	store_bind_int(st, 12, dt_now());
	rc = org_row_write(s, st, &unit_rows, id, new_id, e);
	if (rc == SJ_EINVAL)
		rc = sj_fail(e, rc, "region_id", "no region with id %lld", (long long)u.region_id);
	else if (rc == SJ_ECONFLICT)
		rc = sj_fail(e, rc, "name", "the region already has a unit named '%s'", u.name);
out:
	free(key);
	free(sort);
	arena_free(&a);
	return rc;
}

sj_rc
org_unit_add(store *s, const scope *sc, const org_unit *in, int64_t *id, sj_err *e)
{
	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add units");
	return unit_write(s, sc, Q_UNIT_ADD, 0, in, id, e);
}

sj_rc
org_unit_update(store *s, const scope *sc, int64_t id, const org_unit *in, sj_err *e)
{
	sj_rc rc;

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may change units");
	if (in->region_id > 0 && (rc = org_unit_check_region(s, in->region_id, e)) != SJ_OK)
		return rc;
	return unit_write(s, sc, Q_UNIT_UPDATE, id, in, NULL, e);
}

/* The unit's own rows that refer to it (org_delete.refs). */
static sj_rc
unit_refs(store *s, int64_t id, sj_err *e)
{
	int64_t n[3];
	sj_rc rc;

	if ((rc = org_count_refs(s, org_sql[Q_UNIT_REFS], id, n, 3, e)) != SJ_OK)
		return rc;
	if (n[0] + n[1] + n[2] > 0)
		return sj_fail(e, SJ_ECONFLICT, "unit", "the unit still has %lld places, %lld people "
		    "and %lld work-group assignments; remove them first", (long long)n[0],
		    (long long)n[1], (long long)n[2]);
	return SJ_OK;
}

sj_rc
org_unit_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		org_sql[Q_UNIT_DELETE], &unit_rows, unit_refs,
		"records of other modules (users, scans, visits, requests, supplies)",
	};

	if (!scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may delete units");
	return org_row_delete(s, sc, &del, id, e);
}

sj_rc
org_unit_get(store *s, const scope *sc, arena *a, int64_t id, org_unit *out, sj_err *e)
{
	return org_row_get(s, sc, a, org_sql[Q_UNIT_GET], &unit_rows, id, out, e);
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
	int64_t id = org_parse_id(ref);

	return id > 0 ? org_unit_get(s, sc, a, id, out, e) : org_unit_find(s, sc, a, ref, out, e);
}

/* Check the filter of a unit list.  Errors: SJ_EINVAL ("kind", "q"). */
static sj_rc
unit_filter_check(const org_unit_filter *f, sj_err *e)
{
	if (f->kind && org_check_enum(f->kind, unit_kinds, "kind", e) != SJ_OK)
		return e->rc;
	if (f->q && text_check_utf8(f->q, strlen(f->q), "q", TEXT_SINGLE_LINE, e) != SJ_OK)
		return e->rc;
	return SJ_OK;
}

/* Bind the search key pattern of q at ?7 (none for an empty q). */
static void
bind_name_pattern(store_stmt *st, const char *q)
{
	char *key, *pattern;

	if (q == NULL || *q == '\0')
		return;
	key = text_search_key(q);
	pattern = store_like_contains(key);
	store_bind_text(st, 7, pattern);
	free(pattern);
	free(key);
}

sj_rc
org_unit_list(store *s, const scope *sc, arena *a, const org_unit_filter *f,
    org_page *out, sj_err *e)
{
	store_stmt *st;
	int limit;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = org_range_limit(&f->range, &limit, e)) != SJ_OK ||
	    (rc = unit_filter_check(f, e)) != SJ_OK ||
	    (rc = store_prepare(s, org_sql[Q_UNIT_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_text(st, 4, f->kind);
	if (f->region_id > 0)
		store_bind_int(st, 5, f->region_id);
	if (f->group_id > 0)
		store_bind_int(st, 6, f->group_id);
	bind_name_pattern(st, f->q);
	org_range_bind(st, 8, &unit_rows, &f->range, limit);
	return org_page_read(st, a, &unit_rows, limit, out, e);
}

int
org_unit_visible(store *s, const scope *sc, int64_t unit_id)
{
	return org_row_check(s, sc, org_sql[Q_UNIT_GET], &unit_rows, unit_id, "unit", NULL) == SJ_OK;
}
