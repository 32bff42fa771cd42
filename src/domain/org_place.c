/*
 * org_place — the part of org (domain/org.h) below a unit: places,
 * checkpoints at a place and households at a place.
 *
 * Invariants: every read and write passes the scope test on the place's
 * unit in its SQL (SCOPE_PLACE for places and households, SCOPE_CHECKPOINT
 * for checkpoints, so that an attendant sees only their checkpoints and
 * their places), so a record out of scope is SJ_ENOTFOUND like one that
 * does not exist; kinds are those of the
 * schema's CHECK constraints; names are trimmed and checked by
 * org_clean_name; a place, checkpoint or household never moves to another
 * unit or place.
 */
#include "domain/org.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"

enum {
	Q_PLACE_ADD, Q_PLACE_GET, Q_PLACE_LIST, Q_PLACE_UPDATE, Q_PLACE_REFS, Q_PLACE_DELETE,
	Q_CHECKPOINT_ADD, Q_CHECKPOINT_GET, Q_CHECKPOINT_LIST, Q_CHECKPOINT_UPDATE,
	Q_CHECKPOINT_DELETE,
	Q_HOUSEHOLD_ADD, Q_HOUSEHOLD_GET, Q_HOUSEHOLD_LIST, Q_HOUSEHOLD_UPDATE, Q_HOUSEHOLD_REFS,
	Q_HOUSEHOLD_DELETE,
};

#define PLACE_COLS \
	"p.id, p.unit_id, p.kind, p.name, p.address, p.records_exits, p.default_stay_s, p.name_key"
#define CHECKPOINT_COLS "c.id, c.place_id, c.name, c.kind"
#define HOUSEHOLD_COLS "h.id, h.place_id, h.building, h.entrance, h.room"
/* The places of the units in scope, for rows that hang on a place. */
#define PLACES_IN_SCOPE "(SELECT p.id FROM place p WHERE " SCOPE_PLACE("p.unit_id", "p.id") ")"

/* Writes take the unit (add) or the record (change) at ?4 and the fields
 * from ?5 on; lists the parent at ?4 and the cursor from ?5 on. */
static const char *const place_sql[] = {
	[Q_PLACE_ADD] =
	"INSERT INTO place (unit_id, kind, name, name_key, address, records_exits,"
	" default_stay_s, created_at) VALUES (?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	[Q_PLACE_GET] =
	"SELECT " PLACE_COLS " FROM place p WHERE p.id = ?4 AND " SCOPE_PLACE("p.unit_id", "p.id"),
	[Q_PLACE_LIST] =
	"SELECT " PLACE_COLS " FROM place p WHERE p.unit_id = ?4"
	" AND " SCOPE_PLACE("p.unit_id", "p.id")
	" AND (p.name_key > ?5 OR (p.name_key = ?5 AND p.id > ?6) OR ?5 IS NULL)"
	" ORDER BY p.name_key, p.id LIMIT ?7",
	[Q_PLACE_UPDATE] =
	"UPDATE place SET kind = ?5, name = ?6, name_key = ?7, address = ?8, records_exits = ?9,"
	" default_stay_s = ?10 WHERE id = ?4 AND " SCOPE_PLACE("unit_id", "id"),
	[Q_PLACE_REFS] =
	"SELECT (SELECT count(*) FROM checkpoint WHERE place_id = ?1),"
	" (SELECT count(*) FROM household WHERE place_id = ?1)",
	[Q_PLACE_DELETE] =
	"DELETE FROM place WHERE id = ?4 AND " SCOPE_PLACE("unit_id", "id"),
	[Q_CHECKPOINT_ADD] =
	"INSERT INTO checkpoint (place_id, name, kind, created_at) VALUES (?4, ?5, ?6, ?7)"
	" RETURNING id",
	[Q_CHECKPOINT_GET] =
	"SELECT " CHECKPOINT_COLS " FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id"),
	[Q_CHECKPOINT_LIST] =
	"SELECT " CHECKPOINT_COLS " FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.place_id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id") " AND c.id > ?5"
	" ORDER BY c.id LIMIT ?6",
	[Q_CHECKPOINT_UPDATE] =
	"UPDATE checkpoint SET name = ?5, kind = ?6 WHERE id = ?4 AND place_id IN "
	PLACES_IN_SCOPE,
	[Q_CHECKPOINT_DELETE] =
	"DELETE FROM checkpoint WHERE id = ?4 AND place_id IN " PLACES_IN_SCOPE,
	[Q_HOUSEHOLD_ADD] =
	"INSERT INTO household (place_id, building, entrance, room, created_at)"
	" VALUES (?4, ?5, ?6, ?7, ?8) RETURNING id",
	[Q_HOUSEHOLD_GET] =
	"SELECT " HOUSEHOLD_COLS " FROM household h JOIN place p ON p.id = h.place_id"
	" WHERE h.id = ?4 AND " SCOPE_PLACE("p.unit_id", "p.id"),
	/* ?5..?8 the cursor's address and id, ?9 1 when there is a cursor */
	[Q_HOUSEHOLD_LIST] =
	"SELECT " HOUSEHOLD_COLS " FROM household h"
	" JOIN place p ON p.id = h.place_id"
	" WHERE h.place_id = ?4 AND " SCOPE_PLACE("p.unit_id", "p.id")
	" AND ((h.building, h.entrance, h.room, h.id) > (?5, ?6, ?7, ?8) OR ?9 = 0)"
	" ORDER BY h.building, h.entrance, h.room, h.id LIMIT ?10",
	[Q_HOUSEHOLD_UPDATE] =
	"UPDATE household SET building = ?5, entrance = ?6, room = ?7 WHERE id = ?4"
	" AND place_id IN " PLACES_IN_SCOPE,
	[Q_HOUSEHOLD_REFS] =
	"SELECT count(*) FROM person WHERE household_id = ?1",
	[Q_HOUSEHOLD_DELETE] =
	"DELETE FROM household WHERE id = ?4 AND place_id IN " PLACES_IN_SCOPE,
};

static const char *const place_kinds[] = {
	"residential", "workplace", "canteen", "site", "public", "other", NULL,
};
static const char *const checkpoint_kinds[] = { "gate", "monitoring_point", "door", NULL };

/* ---- places ------------------------------------------------------------ */

static void
place_read(store_stmt *st, arena *a, void *rec)
{
	org_place *p = rec;

	p->id = store_col_int(st, 0);
	p->unit_id = store_col_int(st, 1);
	p->kind = org_col_str(st, a, 2);
	p->name = org_col_str(st, a, 3);
	p->address = org_col_str(st, a, 4);
	p->records_exits = (int)store_col_int(st, 5);
	p->default_stay_s = store_col_int(st, 6);
}

static const org_rows place_rows = {
	"place", "place", sizeof(org_place), place_read, 7, true,
};

/* Trim and check p's fields (its strings then live in a); a stay of 0
 * becomes the default of 2 h. */
static sj_rc
place_clean(arena *a, org_place *p, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_check_enum(p->kind, place_kinds, "kind", e)) != SJ_OK ||
	    (rc = org_clean_name(a, &p->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_clean_optional(a, &p->address, "address", 200, e)) != SJ_OK)
		return rc;
	if (p->default_stay_s == 0)
		p->default_stay_s = 7200;
	if (p->default_stay_s < 60 || p->default_stay_s > 86400)
		return sj_fail(e, SJ_EINVAL, "default_stay_s",
		    "%lld s is out of range 60..86400", (long long)p->default_stay_s);
	return SJ_OK;
}

/* Add a place to unit at (new_id given) or change place at. */
static sj_rc
place_write(store *s, const scope *sc, int64_t at, const org_place *in, int64_t *new_id,
    sj_err *e)
{
	org_place p = *in;
	store_stmt *st;
	char *key;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = place_clean(&a, &p, e)) != SJ_OK)
		goto out;
	if (new_id && !org_unit_visible(s, sc, at)) {
		rc = sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld", (long long)at);
		goto out;
	}
	if ((rc = store_prepare(s, place_sql[new_id ? Q_PLACE_ADD : Q_PLACE_UPDATE], &st, e)) != SJ_OK)
		goto out;
	key = text_search_key(p.name);
	scope_bind(st, sc);
	store_bind_int(st, 4, at);
	store_bind_text(st, 5, p.kind);
	store_bind_text(st, 6, p.name);
	store_bind_text(st, 7, key);
	store_bind_text(st, 8, p.address);
	store_bind_int(st, 9, p.records_exits ? 1 : 0);
	store_bind_int(st, 10, p.default_stay_s);
	store_bind_int(st, 11, dt_now());
	free(key);
	if ((rc = org_row_write(s, st, &place_rows, at, new_id, e)) == SJ_ECONFLICT)
		rc = sj_fail(e, rc, "name", "the unit already has a place named '%s'", p.name);
out:
	arena_free(&a);
	return rc;
}

sj_rc
org_place_add(store *s, const scope *sc, const org_place *in, int64_t *id, sj_err *e)
{
	return place_write(s, sc, in->unit_id, in, id, e);
}

sj_rc
org_place_update(store *s, const scope *sc, int64_t id, const org_place *in, sj_err *e)
{
	return place_write(s, sc, id, in, NULL, e);
}

/* The place's own rows that refer to it (org_delete.refs). */
static sj_rc
place_refs(store *s, int64_t id, sj_err *e)
{
	int64_t n[2];
	sj_rc rc;

	if ((rc = org_count_refs(s, place_sql[Q_PLACE_REFS], id, n, 2, e)) != SJ_OK)
		return rc;
	if (n[0] + n[1] > 0)
		return sj_fail(e, SJ_ECONFLICT, "place", "the place still has %lld checkpoints and "
		    "%lld households; remove them first", (long long)n[0], (long long)n[1]);
	return SJ_OK;
}

sj_rc
org_place_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		place_sql[Q_PLACE_DELETE], &place_rows, place_refs,
		"records of other modules (scans, passes, visits, requests, inspections)",
	};

	return org_row_delete(s, sc, &del, id, e);
}

sj_rc
org_place_get(store *s, const scope *sc, arena *a, int64_t id, org_place *out, sj_err *e)
{
	return org_row_get(s, sc, a, place_sql[Q_PLACE_GET], &place_rows, id, out, e);
}

/* The unit of a list of places, which the scope must see. */
static sj_rc
unit_check(store *s, const scope *sc, int64_t unit_id, sj_err *e)
{
	return org_unit_visible(s, sc, unit_id) ? SJ_OK :
	    sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)unit_id);
}

static const org_list place_list = {
	place_sql[Q_PLACE_LIST], &place_rows, unit_check, NULL, NULL,
};

sj_rc
org_place_page(store *s, const scope *sc, arena *a, int64_t unit_id, const org_range *r,
    org_page *out, sj_err *e)
{
	return org_list_page(s, sc, a, &place_list, unit_id, r, out, e);
}

sj_rc
org_place_list(store *s, const scope *sc, arena *a, int64_t unit_id,
    org_place **out, size_t *n, sj_err *e)
{
	org_page page;
	sj_rc rc = org_list_page(s, sc, a, &place_list, unit_id, NULL, &page, e);

	*out = page.rows;
	*n = page.n;
	return rc;
}

/* SJ_OK when place_id is a place the scope may see, else SJ_ENOTFOUND
 * naming field. */
static sj_rc
place_check(store *s, const scope *sc, int64_t place_id, const char *field, sj_err *e)
{
	return org_row_check(s, sc, place_sql[Q_PLACE_GET], &place_rows, place_id, field, e);
}

/* The place of a list of checkpoints or households. */
static sj_rc
place_parent(store *s, const scope *sc, int64_t place_id, sj_err *e)
{
	return place_check(s, sc, place_id, "place", e);
}

/* ---- checkpoints -------------------------------------------------------- */

static void
checkpoint_read(store_stmt *st, arena *a, void *rec)
{
	org_checkpoint *c = rec;

	c->id = store_col_int(st, 0);
	c->place_id = store_col_int(st, 1);
	c->name = org_col_str(st, a, 2);
	c->kind = org_col_str(st, a, 3);
}

static const org_rows checkpoint_rows = {
	"checkpoint", "checkpoint", sizeof(org_checkpoint), checkpoint_read, -1, false,
};

/* Add a checkpoint to place at (new_id given) or change checkpoint at. */
static sj_rc
checkpoint_write(store *s, const scope *sc, int64_t at, const org_checkpoint *in,
    int64_t *new_id, sj_err *e)
{
	org_checkpoint c = *in;
	store_stmt *st;
	arena a;
	sj_rc rc;

	if (c.kind == NULL)
		c.kind = "gate";
	arena_init(&a);
	if ((rc = org_clean_name(&a, &c.name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = org_check_enum(c.kind, checkpoint_kinds, "kind", e)) != SJ_OK ||
	    (new_id && (rc = place_check(s, sc, at, "place_id", e)) != SJ_OK) ||
	    (rc = store_prepare(s, place_sql[new_id ? Q_CHECKPOINT_ADD : Q_CHECKPOINT_UPDATE], &st,
	    e)) != SJ_OK)
		goto out;
	scope_bind(st, sc);
	store_bind_int(st, 4, at);
	store_bind_text(st, 5, c.name);
	store_bind_text(st, 6, c.kind);
	store_bind_int(st, 7, dt_now());
	if ((rc = org_row_write(s, st, &checkpoint_rows, at, new_id, e)) == SJ_ECONFLICT)
		rc = sj_fail(e, rc, "name", "the place already has a checkpoint named '%s'", c.name);
out:
	arena_free(&a);
	return rc;
}

sj_rc
org_checkpoint_add(store *s, const scope *sc, const org_checkpoint *in, int64_t *id, sj_err *e)
{
	return checkpoint_write(s, sc, in->place_id, in, id, e);
}

sj_rc
org_checkpoint_update(store *s, const scope *sc, int64_t id, const org_checkpoint *in,
    sj_err *e)
{
	return checkpoint_write(s, sc, id, in, NULL, e);
}

sj_rc
org_checkpoint_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		place_sql[Q_CHECKPOINT_DELETE], &checkpoint_rows, NULL,
		"records of other modules (attendants, its place code, scans, inspections)",
	};

	return org_row_delete(s, sc, &del, id, e);
}

sj_rc
org_checkpoint_get(store *s, const scope *sc, arena *a, int64_t id, org_checkpoint *out,
    sj_err *e)
{
	return org_row_get(s, sc, a, place_sql[Q_CHECKPOINT_GET], &checkpoint_rows, id, out, e);
}

static const org_list checkpoint_list = {
	place_sql[Q_CHECKPOINT_LIST], &checkpoint_rows, place_parent, NULL, NULL,
};

sj_rc
org_checkpoint_page(store *s, const scope *sc, arena *a, int64_t place_id, const org_range *r,
    org_page *out, sj_err *e)
{
	return org_list_page(s, sc, a, &checkpoint_list, place_id, r, out, e);
}

sj_rc
org_checkpoint_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_checkpoint **out, size_t *n, sj_err *e)
{
	org_page page;
	sj_rc rc = org_list_page(s, sc, a, &checkpoint_list, place_id, NULL, &page, e);

	*out = page.rows;
	*n = page.n;
	return rc;
}

/* ---- households --------------------------------------------------------- */

static void
household_read(store_stmt *st, arena *a, void *rec)
{
	org_household *h = rec;

	h->id = store_col_int(st, 0);
	h->place_id = store_col_int(st, 1);
	h->building = org_col_str(st, a, 2);
	h->entrance = org_col_str(st, a, 3);
	h->room = org_col_str(st, a, 4);
}

/* In address order; the cursor's key is made by household_cursor. */
static const org_rows household_rows = {
	"household", "household", sizeof(org_household), household_read, -1, false,
};

/* Trim an optional part of an address: NULL or blank is "" (none). */
static sj_rc
clean_part(arena *a, const char **s, const char *field, sj_err *e)
{
	if (*s == NULL || (text_check_utf8(*s, strlen(*s), field, TEXT_SINGLE_LINE, NULL) == SJ_OK &&
	    text_is_blank(*s))) {
		*s = "";
		return SJ_OK;
	}
	return org_clean_name(a, s, field, 20, e);
}

static sj_rc
household_clean(arena *a, org_household *h, sj_err *e)
{
	sj_rc rc;

	if ((rc = org_clean_name(a, &h->room, "room", 20, e)) != SJ_OK ||
	    (rc = clean_part(a, &h->building, "building", e)) != SJ_OK ||
	    (rc = clean_part(a, &h->entrance, "entrance", e)) != SJ_OK)
		return rc;
	return SJ_OK;
}

/* Add a household at place at (new_id given) or change household at. */
static sj_rc
household_write(store *s, const scope *sc, int64_t at, const org_household *in,
    int64_t *new_id, sj_err *e)
{
	org_household h = *in;
	store_stmt *st;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = household_clean(&a, &h, e)) != SJ_OK ||
	    (new_id && (rc = place_check(s, sc, at, "place_id", e)) != SJ_OK) ||
	    (rc = store_prepare(s, place_sql[new_id ? Q_HOUSEHOLD_ADD : Q_HOUSEHOLD_UPDATE], &st,
	    e)) != SJ_OK)
		goto out;
	scope_bind(st, sc);
	store_bind_int(st, 4, at);
	store_bind_text(st, 5, h.building);
	store_bind_text(st, 6, h.entrance);
	store_bind_text(st, 7, h.room);
	store_bind_int(st, 8, dt_now());
	if ((rc = org_row_write(s, st, &household_rows, at, new_id, e)) == SJ_ECONFLICT)
		rc = sj_fail(e, rc, "room", "that address already has a household at this place");
out:
	arena_free(&a);
	return rc;
}

sj_rc
org_household_add(store *s, const scope *sc, const org_household *in, int64_t *id, sj_err *e)
{
	return household_write(s, sc, in->place_id, in, id, e);
}

sj_rc
org_household_update(store *s, const scope *sc, int64_t id, const org_household *in,
    sj_err *e)
{
	return household_write(s, sc, id, in, NULL, e);
}

/* The people who live in household id (org_delete.refs). */
static sj_rc
household_refs(store *s, int64_t id, sj_err *e)
{
	int64_t people;
	sj_rc rc;

	if ((rc = org_count_refs(s, place_sql[Q_HOUSEHOLD_REFS], id, &people, 1, e)) != SJ_OK)
		return rc;
	if (people > 0)
		return sj_fail(e, SJ_ECONFLICT, "household", "%lld people still live in the "
		    "household; move them out first", (long long)people);
	return SJ_OK;
}

sj_rc
org_household_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		place_sql[Q_HOUSEHOLD_DELETE], &household_rows, household_refs,
		"records of other modules (visits)",
	};

	return org_row_delete(s, sc, &del, id, e);
}

sj_rc
org_household_get(store *s, const scope *sc, arena *a, int64_t id, org_household *out,
    sj_err *e)
{
	return org_row_get(s, sc, a, place_sql[Q_HOUSEHOLD_GET], &household_rows, id, out, e);
}

/* The cursor key of household row: building, entrance and room, each
 * ended by NUL (no part holds one: names have no control characters). */
static void
household_cursor(arena *a, const void *row, org_range *next)
{
	const org_household *h = row;
	size_t nb = strlen(h->building) + 1, ne = strlen(h->entrance) + 1, nr = strlen(h->room) + 1;
	char *key = arena_alloc(a, nb + ne + nr);

	memcpy(key, h->building, nb);
	memcpy(key + nb, h->entrance, ne);
	memcpy(key + nb + ne, h->room, nr);
	next->after_key = key;
	next->after_key_n = nb + ne + nr;
}

/* Bind the cursor of r (a key from household_cursor) at ?5..?9 and
 * limit + 1 at ?10.  Errors: SJ_EINVAL ("cursor") for a key that is not
 * three parts. */
static sj_rc
household_bind(store_stmt *st, const org_range *r, int limit, sj_err *e)
{
	const char *k = r->after_key, *part[3];
	size_t at = 0;

	store_bind_int(st, 10, (int64_t)limit + 1);
	store_bind_int(st, 9, r->after_key != NULL);
	if (r->after_key == NULL)
		return SJ_OK;
	for (int i = 0; i < 3; i++) {
		const char *nul = at < r->after_key_n ? memchr(k + at, '\0', r->after_key_n - at) : NULL;
		if (nul == NULL)
			return sj_fail(e, SJ_EINVAL, "cursor", "is not a cursor of this list");
		part[i] = k + at;
		at = (size_t)(nul - k) + 1;
	}
	for (int i = 0; i < 3; i++)
		store_bind_text(st, 5 + i, part[i]);
	store_bind_int(st, 8, r->after_id);
	return SJ_OK;
}

static const org_list household_list = {
	place_sql[Q_HOUSEHOLD_LIST], &household_rows, place_parent, household_bind,
	household_cursor,
};

sj_rc
org_household_page(store *s, const scope *sc, arena *a, int64_t place_id, const org_range *r,
    org_page *out, sj_err *e)
{
	return org_list_page(s, sc, a, &household_list, place_id, r, out, e);
}

sj_rc
org_household_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_household **out, size_t *n, sj_err *e)
{
	org_page page;
	sj_rc rc = org_list_page(s, sc, a, &household_list, place_id, NULL, &page, e);

	*out = page.rows;
	*n = page.n;
	return rc;
}
