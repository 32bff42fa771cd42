/*
 * org_place — the part of org (domain/org.h) below a unit: places,
 * checkpoints at a place and households at a place.
 *
 * Invariants: every read and write passes the SCOPE_UNIT test on the
 * place's unit in its SQL, so a place of a unit out of scope is
 * SJ_ENOTFOUND like one that does not exist; kinds are those of the
 * schema's CHECK constraints; names are checked by org_check_name.
 */
#include "domain/org.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"

enum {
	Q_PLACE_ADD, Q_PLACE_GET, Q_PLACE_LIST, Q_PLACE_UPDATE,
	Q_CHECKPOINT_ADD, Q_CHECKPOINT_GET, Q_CHECKPOINT_LIST,
	Q_HOUSEHOLD_ADD, Q_HOUSEHOLD_GET, Q_HOUSEHOLD_LIST,
};

#define PLACE_COLS \
	"p.id, p.unit_id, p.kind, p.name, p.address, p.records_exits, p.default_stay_s"
#define CHECKPOINT_COLS "c.id, c.place_id, c.name, c.kind"
#define HOUSEHOLD_COLS "h.id, h.place_id, h.building, h.entrance, h.room"

static const char *const place_sql[] = {
	[Q_PLACE_ADD] =
	"INSERT INTO place (unit_id, kind, name, name_key, address, records_exits,"
	" default_stay_s, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
	[Q_PLACE_GET] =
	"SELECT " PLACE_COLS " FROM place p WHERE p.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_PLACE_LIST] =
	"SELECT " PLACE_COLS " FROM place p WHERE p.unit_id = ?4 AND " SCOPE_UNIT("p.unit_id")
	" ORDER BY p.name_key, p.id",
	[Q_PLACE_UPDATE] =
	"UPDATE place SET kind = ?5, name = ?6, name_key = ?7, address = ?8, records_exits = ?9,"
	" default_stay_s = ?10 WHERE id = ?4 AND " SCOPE_UNIT("unit_id"),
	[Q_CHECKPOINT_ADD] =
	"INSERT INTO checkpoint (place_id, name, kind, created_at) VALUES (?1, ?2, ?3, ?4)"
	" RETURNING id",
	[Q_CHECKPOINT_GET] =
	"SELECT " CHECKPOINT_COLS " FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_CHECKPOINT_LIST] =
	"SELECT " CHECKPOINT_COLS " FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.place_id = ?4 AND " SCOPE_UNIT("p.unit_id") " ORDER BY c.id",
	[Q_HOUSEHOLD_ADD] =
	"INSERT INTO household (place_id, building, entrance, room, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_HOUSEHOLD_GET] =
	"SELECT " HOUSEHOLD_COLS " FROM household h JOIN place p ON p.id = h.place_id"
	" WHERE h.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_HOUSEHOLD_LIST] =
	"SELECT " HOUSEHOLD_COLS " FROM household h"
	" JOIN place p ON p.id = h.place_id"
	" WHERE h.place_id = ?4 AND " SCOPE_UNIT("p.unit_id")
	" ORDER BY h.building, h.entrance, h.room, h.id",
};

static const char *const place_kinds[] = {
	"residential", "workplace", "canteen", "site", "public", "other", NULL,
};
static const char *const checkpoint_kinds[] = { "gate", "monitoring_point", "door", NULL };

/* The text of column i copied into the arena (NULL stays NULL). */
static const char *
col_str(store_stmt *st, arena *a, int i)
{
	return arena_strdup(a, store_col_text(st, i));
}

/* ---- places ------------------------------------------------------------ */

/* The stay a place record asks for: 0 means the default of 2 h. */
static int64_t
place_stay(const org_place *in)
{
	return in->default_stay_s ? in->default_stay_s : 7200;
}

static sj_rc
place_validate(const org_place *in, sj_err *e)
{
	int64_t stay = place_stay(in);
	sj_rc rc;

	if ((rc = org_check_enum(in->kind, place_kinds, "kind", e)) != SJ_OK ||
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_check_optional(in->address, "address", 200, e)) != SJ_OK)
		return rc;
	if (stay < 60 || stay > 86400)
		return sj_fail(e, SJ_EINVAL, "default_stay_s",
		    "%lld s is out of range 60..86400", (long long)stay);
	return SJ_OK;
}

/* Bind a place's changeable columns at at..at+5 in the order kind, name,
 * name_key, address, records_exits, default_stay_s. */
static void
place_bind(store_stmt *st, int at, const org_place *in, const char *key)
{
	store_bind_text(st, at, in->kind);
	store_bind_text(st, at + 1, in->name);
	store_bind_text(st, at + 2, key);
	store_bind_text(st, at + 3, in->address);
	store_bind_int(st, at + 4, in->records_exits ? 1 : 0);
	store_bind_int(st, at + 5, place_stay(in));
}

sj_rc
org_place_add(store *s, const scope *sc, const org_place *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	char *key;
	sj_rc rc;

	if ((rc = place_validate(in, e)) != SJ_OK)
		return rc;
	if (!org_unit_visible(s, sc, in->unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld", (long long)in->unit_id);
	if ((rc = store_prepare(s, place_sql[Q_PLACE_ADD], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(in->name);
	store_bind_int(st, 1, in->unit_id);
	place_bind(st, 2, in, key);
	store_bind_int(st, 8, dt_now());
	free(key);
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "name", "the unit already has a place named '%s'", in->name);
	return rc;
}

sj_rc
org_place_update(store *s, const scope *sc, int64_t id, const org_place *in, sj_err *e)
{
	store_stmt *st;
	char *key;
	sj_rc rc;

	if ((rc = place_validate(in, e)) != SJ_OK ||
	    (rc = store_prepare(s, place_sql[Q_PLACE_UPDATE], &st, e)) != SJ_OK)
		return rc;
	key = text_search_key(in->name);
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	place_bind(st, 5, in, key);
	free(key);
	rc = store_run(st, e);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "name", "the unit already has a place named '%s'", in->name);
	if (rc == SJ_OK && store_changes(s) == 0)
		return sj_fail(e, SJ_ENOTFOUND, "place", "no place with id %lld", (long long)id);
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

	if ((rc = store_prepare(s, place_sql[Q_PLACE_GET], &st, e)) != SJ_OK)
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
	if ((rc = store_prepare(s, place_sql[Q_PLACE_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, unit_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		place_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

/* SJ_OK when place_id is a place the scope may see, else SJ_ENOTFOUND
 * naming field. */
static sj_rc
place_check(store *s, const scope *sc, int64_t place_id, const char *field, sj_err *e)
{
	arena a;
	org_place p;
	sj_rc rc;

	arena_init(&a);
	rc = org_place_get(s, sc, &a, place_id, &p, e);
	arena_free(&a);
	if (rc == SJ_ENOTFOUND)
		return sj_fail(e, rc, field, "no place with id %lld", (long long)place_id);
	return rc;
}

sj_rc
org_checkpoint_add(store *s, const scope *sc, const org_checkpoint *in, int64_t *id, sj_err *e)
{
	const char *kind = in->kind ? in->kind : "gate";
	store_stmt *st;
	sj_rc rc;

	if ((rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_check_enum(kind, checkpoint_kinds, "kind", e)) != SJ_OK ||
	    (rc = place_check(s, sc, in->place_id, "place_id", e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, place_sql[Q_CHECKPOINT_ADD], &st, e)) != SJ_OK)
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

static void
checkpoint_read(store_stmt *st, arena *a, org_checkpoint *c)
{
	c->id = store_col_int(st, 0);
	c->place_id = store_col_int(st, 1);
	c->name = col_str(st, a, 2);
	c->kind = col_str(st, a, 3);
}

sj_rc
org_checkpoint_get(store *s, const scope *sc, arena *a, int64_t id, org_checkpoint *out,
    sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, place_sql[Q_CHECKPOINT_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "checkpoint", "no checkpoint with id %lld",
		    (long long)id);
	checkpoint_read(st, a, out);
	store_reset(st);
	return SJ_OK;
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
	if ((rc = place_check(s, sc, place_id, "place", e)) != SJ_OK ||
	    (rc = store_prepare(s, place_sql[Q_CHECKPOINT_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, place_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		checkpoint_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

static sj_rc
household_validate(const org_household *in, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_check_name(in->room, "room", 20, e)) != SJ_OK ||
	    (in->building && *in->building &&
	     (rc = org_check_name(in->building, "building", 20, e)) != SJ_OK) ||
	    (in->entrance && *in->entrance &&
	     (rc = org_check_name(in->entrance, "entrance", 20, e)) != SJ_OK))
		return rc;
	return SJ_OK;
}

sj_rc
org_household_add(store *s, const scope *sc, const org_household *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = household_validate(in, e)) != SJ_OK ||
	    (rc = place_check(s, sc, in->place_id, "place_id", e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, place_sql[Q_HOUSEHOLD_ADD], &st, e)) != SJ_OK)
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

static void
household_read(store_stmt *st, arena *a, org_household *h)
{
	h->id = store_col_int(st, 0);
	h->place_id = store_col_int(st, 1);
	h->building = col_str(st, a, 2);
	h->entrance = col_str(st, a, 3);
	h->room = col_str(st, a, 4);
}

sj_rc
org_household_get(store *s, const scope *sc, arena *a, int64_t id, org_household *out,
    sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, place_sql[Q_HOUSEHOLD_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "household", "no household with id %lld",
		    (long long)id);
	household_read(st, a, out);
	store_reset(st);
	return SJ_OK;
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
	if ((rc = place_check(s, sc, place_id, "place", e)) != SJ_OK ||
	    (rc = store_prepare(s, place_sql[Q_HOUSEHOLD_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, place_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		household_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}
