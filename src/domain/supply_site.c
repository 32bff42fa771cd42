/*
 * supply_site — sites and minimum stock levels.
 *
 * Every read binds the caller's scope (?1..?3) and tests
 * SUPPLY_SITE_VISIBLE in its SQL.
 */
#include "domain/supply_site.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/supply_item.h"

enum {
	Q_SITE_ADD, Q_SITE_GET, Q_SITE_FIND, Q_SITE_OF_UNIT, Q_SITE_LIST, Q_SITE_NAME_USED,
	Q_MIN_SET, Q_GROUP_EXISTS,
};

#define SITE_COLS "t.id, t.kind, t.name, t.group_id, t.unit_id, t.created_at"

static const char *const site_sql[] = {
	[Q_SITE_ADD] =
	"INSERT INTO supply_site (kind, name, name_key, name_sort, group_id, unit_id, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	[Q_SITE_GET] =
	"SELECT " SITE_COLS " FROM supply_site t WHERE t.id = ?4 AND " SUPPLY_SITE_VISIBLE("t"),
	[Q_SITE_FIND] =
	"SELECT " SITE_COLS " FROM supply_site t WHERE t.name_key = ?4 AND "
	SUPPLY_SITE_VISIBLE("t"),
	/* no scope: the caller checked the unit */
	[Q_SITE_OF_UNIT] =
	"SELECT id FROM supply_site WHERE unit_id = ?1",
	[Q_SITE_LIST] =
	"SELECT " SITE_COLS " FROM supply_site t WHERE " SUPPLY_SITE_VISIBLE("t")
	" ORDER BY CASE t.kind WHEN 'organ' THEN 0 WHEN 'group' THEN 1 ELSE 2 END, t.name_sort, t.id",
	[Q_SITE_NAME_USED] =
	"SELECT count(*) FROM supply_site WHERE name_key = ?1",
	[Q_MIN_SET] =
	"INSERT INTO supply_stock (site_id, item_id, on_hand, min_qty, writes)"
	" VALUES (?1, ?2, 0, ?3, 1) ON CONFLICT (site_id, item_id)"
	" DO UPDATE SET min_qty = ?3, writes = supply_stock.writes + 1",
	[Q_GROUP_EXISTS] =
	"SELECT count(*) FROM work_group WHERE id = ?1",
};

static const char *const site_kinds[] = { "organ", "group", "unit", NULL };

static void
bind_opt_id(store_stmt *st, int i, int64_t id)
{
	if (id > 0)
		store_bind_int(st, i, id);
	else
		store_bind_null(st, i);
}

/* The links in must carry for its kind; checks scope for each. */
static sj_rc
site_check_links(store *s, const scope *sc, const supply_site *in, sj_err *e)
{
	bool organ = strcmp(in->kind, "organ") == 0, group = strcmp(in->kind, "group") == 0;
	store_stmt *st;
	int64_t n = 0;
	sj_rc rc;

	if ((in->group_id > 0) != group)
		return sj_fail(e, SJ_EINVAL, "group_id", group ? "a group store needs its work group"
		    : "only a group store names a work group");
	if ((in->unit_id > 0) != (!organ && !group))
		return sj_fail(e, SJ_EINVAL, "unit_id", organ || group
		    ? "only a unit site names a unit" : "a unit site needs its unit");
	if (organ && !scope_is_global(sc))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add the organ's store");
	if (group) {
		/* a leader or member adds only their own group's store */
		if (scope_is_global(sc) || sc->group_id == in->group_id) {
			if ((rc = store_prepare(s, site_sql[Q_GROUP_EXISTS], &st, e)) != SJ_OK)
				return rc;
			store_bind_int(st, 1, in->group_id);
			if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
				return rc;
		}
		if (n == 0)
			return sj_fail(e, SJ_ENOTFOUND, "group_id", "no work group with id %lld",
			    (long long)in->group_id);
		return SJ_OK;
	}
	if (in->unit_id > 0 && !org_unit_visible(s, sc, in->unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld",
		    (long long)in->unit_id);
	return SJ_OK;
}

/* Insert a checked site. */
static sj_rc
site_insert(store *s, const supply_site *in, const char *name, int64_t *id, sj_err *e)
{
	char *key = text_search_key(name);
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	store_stmt *st;
	sj_rc rc;

	if ((rc = text_sort_key(name, &sort, &sort_n, e)) == SJ_OK &&
	    (rc = store_prepare(s, site_sql[Q_SITE_ADD], &st, e)) == SJ_OK) {
		store_bind_text(st, 1, in->kind);
		store_bind_text(st, 2, name);
		store_bind_text(st, 3, key);
		store_bind_blob(st, 4, sort, sort_n);
		bind_opt_id(st, 5, in->group_id);
		bind_opt_id(st, 6, in->unit_id);
		store_bind_int(st, 7, dt_now());
		rc = store_insert_id(st, id, e);
	}
	free(key);
	free(sort);
	return rc;
}

/* SJ_ECONFLICT when a site has name's key or the unit has a site. */
static sj_rc
site_check_free(store *s, const supply_site *in, const char *name, sj_err *e)
{
	store_stmt *st;
	int64_t n;
	char *key;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, site_sql[Q_SITE_NAME_USED], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(name);
	store_bind_text(st, 1, key);
	free(key);
	if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
		return rc;
	if (n > 0)
		return sj_fail(e, SJ_ECONFLICT, "name", "a site named '%s' exists", name);
	if (in->unit_id <= 0)
		return SJ_OK;
	if ((rc = store_prepare(s, site_sql[Q_SITE_OF_UNIT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->unit_id);
	if ((rc = store_query_int(st, &n, &found, e)) != SJ_OK)
		return rc;
	if (found)
		return sj_fail(e, SJ_ECONFLICT, "unit_id", "the unit already has site %lld",
		    (long long)n);
	return SJ_OK;
}

/* The name a unit site gets: the unit's. */
static sj_rc
unit_site_name(store *s, const scope *sc, arena *a, int64_t unit_id, const char **name,
    sj_err *e)
{
	org_unit u;
	sj_rc rc = org_unit_get(s, sc, a, unit_id, &u, e);

	if (rc == SJ_ENOTFOUND)
		return sj_fail(e, rc, "unit_id", "no unit with id %lld", (long long)unit_id);
	*name = u.name;
	return rc;
}

sj_rc
supply_site_add(store *s, const scope *sc, const supply_site *in, int64_t *id, sj_err *e)
{
	const char *name = in->name;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_SUPPLY_WRITE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not add supply sites");
	if ((rc = org_check_enum(in->kind, site_kinds, "kind", e)) != SJ_OK ||
	    (rc = site_check_links(s, sc, in, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	if (name == NULL && in->unit_id > 0)
		rc = unit_site_name(s, sc, &a, in->unit_id, &name, e);
	if (rc == SJ_OK && (rc = org_check_name(name, "name", SUPPLY_NAME_MAX, e)) == SJ_OK &&
	    (rc = site_check_free(s, in, name, e)) == SJ_OK)
		rc = site_insert(s, in, name, id, e);
	if (rc == SJ_ECONFLICT && e && e->field[0] == '\0')
		rc = sj_fail(e, rc, "name", "a site named '%s' exists", name);
	arena_free(&a);
	return rc;
}

static void
site_read(store_stmt *st, arena *a, supply_site *t)
{
	t->id = store_col_int(st, 0);
	t->kind = arena_strdup(a, store_col_text(st, 1));
	t->name = arena_strdup(a, store_col_text(st, 2));
	t->group_id = store_col_int(st, 3);
	t->unit_id = store_col_int(st, 4);
	t->created_at = store_col_int(st, 5);
}

sj_rc
supply_site_get(store *s, const scope *sc, arena *a, int64_t id, const char *field,
    supply_site *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, site_sql[Q_SITE_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, field, "no site with id %lld", (long long)id);
	site_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
supply_site_lookup(store *s, const scope *sc, arena *a, const char *ref, const char *field,
    supply_site *out, sj_err *e)
{
	store_stmt *st;
	int64_t id = 0;
	char *key;
	bool row;
	sj_rc rc;

	if (ref && *ref && strlen(ref) <= 15 && strspn(ref, "0123456789") == strlen(ref))
		id = strtoll(ref, NULL, 10);
	if (id > 0)
		return supply_site_get(s, sc, a, id, field, out, e);
	if ((rc = org_check_name(ref, field, SUPPLY_NAME_MAX, e)) != SJ_OK ||
	    (rc = store_prepare(s, site_sql[Q_SITE_FIND], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(ref);
	scope_bind(st, sc);
	store_bind_text(st, 4, key);
	free(key);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, field, "no site named '%s'", ref);
	site_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
supply_site_of_unit(store *s, const scope *sc, int64_t unit_id, bool create, const char *field,
    int64_t *site_id, sj_err *e)
{
	supply_site in = { .kind = "unit", .unit_id = unit_id };
	const char *name = NULL;
	store_stmt *st;
	bool found;
	arena a;
	sj_rc rc;

	*site_id = 0;
	if (!org_unit_visible(s, sc, unit_id))
		return sj_fail(e, SJ_ENOTFOUND, field, "no unit with id %lld", (long long)unit_id);
	if ((rc = store_prepare(s, site_sql[Q_SITE_OF_UNIT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, unit_id);
	if ((rc = store_query_int(st, site_id, &found, e)) != SJ_OK)
		return rc;
	if (found)
		return SJ_OK;
	if (!create)
		return sj_fail(e, SJ_ENOTFOUND, field, "unit %lld has no supply site",
		    (long long)unit_id);
	arena_init(&a);
	if ((rc = unit_site_name(s, sc, &a, unit_id, &name, e)) == SJ_OK &&
	    (rc = site_check_free(s, &in, name, e)) == SJ_OK &&
	    (rc = store_begin(s, e)) == SJ_OK) {
		/* in a savepoint of its own: a concurrent writer may have made the
		 * site first, and a failed insert must not spoil the caller's
		 * transaction (store.h) */
		if ((rc = site_insert(s, &in, name, site_id, e)) == SJ_OK)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	arena_free(&a);
	return rc;
}

sj_rc
supply_site_list(store *s, const scope *sc, arena *a, supply_site **out, size_t *n, sj_err *e)
{
	store_stmt *st;
	size_t cap = 0;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, site_sql[Q_SITE_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		site_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

sj_rc
supply_minimum_set(store *s, const scope *sc, int64_t site_id, int64_t item_id, int64_t qty,
    sj_err *e)
{
	supply_site t;
	supply_item it;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_SUPPLY_WRITE))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not set minimum stock levels");
	arena_init(&a);
	if ((rc = supply_site_get(s, sc, &a, site_id, "site", &t, e)) == SJ_OK &&
	    (rc = supply_item_get(s, &a, item_id, &it, e)) == SJ_OK &&
	    (rc = store_prepare(s, site_sql[Q_MIN_SET], &st, e)) == SJ_OK) {
		store_bind_int(st, 1, site_id);
		store_bind_int(st, 2, item_id);
		if (qty >= 0)
			store_bind_int(st, 3, qty);
		else
			store_bind_null(st, 3);
		rc = store_run(st, e);
	}
	arena_free(&a);
	return rc;
}
