/*
 * org — the organisation a work group works in (DESIGN.md §2 `org`):
 * regions (province → city → district → subdistrict/town), units of four
 * kinds under a region, places under a unit, checkpoints (gates,
 * monitoring points) at a place, and households at a place.
 *
 * Records come back as plain structs whose strings live in the caller's
 * arena.  Every read takes a scope (domain/scope.h) and applies it in SQL:
 * a record outside the caller's scope is SJ_ENOTFOUND, exactly like a
 * record that does not exist, so ids cannot be probed.  Only global roles
 * (admin, system) may add, change or delete regions and units.
 *
 * Names are UTF-8, 1–100 characters, trimmed of leading and trailing
 * white space when written (text_trim) and stored otherwise byte-exact; a
 * name holding an invisible or bidirectional control character is
 * refused (org_check_name).  A search key (NFKC + case folding) and a
 * collation key (docs/text.md) are stored beside a unit's name; two units
 * of a region, or two places of a unit, may not have the same search key
 * (schema/sqlite/0009_org_rules.sql), so "Café村" in NFC and in NFD, or
 * "高铁社区" and "高铁社区 ", are one name.
 *
 * Lists page with a cursor (org_range, org_page): a stable order whose
 * ties are broken by id, at most ORG_LIST_MAX rows a page.  Unit lists are
 * ordered by name in the "zh" collation (pinyin).
 *
 * Deleting a record is refused (SJ_ECONFLICT) while anything refers to it:
 * the module's own rows are counted so that the message says what
 * remains; rows of other modules are found by their foreign keys.
 */
#ifndef SJ_ORG_H
#define SJ_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define ORG_NAME_MAX 100      /* code points */
#define ORG_LIST_MAX 500      /* largest page a list returns */
#define ORG_LIST_DEFAULT 50   /* the page a list returns when no limit is given */

typedef struct org_region {
	int64_t id;
	int64_t parent_id;   /* 0 for a top-level region */
	const char *level;   /* "province", "city", "district", "subdistrict", "town" */
	const char *name;
	const char *code;    /* division code (org_region_add), or NULL */
} org_region;

typedef struct org_unit {
	int64_t id;
	int64_t region_id;
	const char *kind;        /* "community", "enterprise", "project", "village" */
	const char *name;
	const char *address;     /* may be NULL */
	const char *contact;     /* liaison, free text; may be NULL */
	const char *region_name; /* filled on reads */
	int64_t created_at;      /* seconds since the epoch, UTC */
} org_unit;

typedef struct org_place {
	int64_t id;
	int64_t unit_id;
	const char *kind;       /* "residential", "workplace", "canteen", "site", "public", "other" */
	const char *name;
	const char *address;    /* may be NULL */
	int records_exits;      /* 1 when exits are scanned; 0 entries only */
	int64_t default_stay_s; /* seconds a stay lasts when no exit is recorded; 60..86400 */
} org_place;

typedef struct org_checkpoint {
	int64_t id;
	int64_t place_id;
	const char *name;
	const char *kind;       /* "gate", "monitoring_point", "door" */
} org_checkpoint;

typedef struct org_household {
	int64_t id;
	int64_t place_id;
	const char *building;   /* 楼/栋; "" when none */
	const char *entrance;   /* 单元; "" when none */
	const char *room;       /* 室; required */
} org_household;

/* ---- lists -------------------------------------------------------------- */

/* Which page of a list to return: the rows after the cursor (the last row
 * of the previous page), at most limit of them. */
typedef struct org_range {
	const void *after_key;  /* sort key of the cursor's row; NULL: the first page */
	size_t after_key_n;     /* bytes of after_key */
	int64_t after_id;       /* id of the cursor's row (lists in id order use only this;
	                         * 0 with after_key NULL: the first page) */
	int limit;              /* 1..ORG_LIST_MAX; 0 means ORG_LIST_DEFAULT */
} org_range;

/* One page of a list. */
typedef struct org_page {
	void *rows;             /* arena array of n records of the list's type */
	size_t n;
	int has_more;           /* more rows follow: pass next for the next page */
	org_range next;         /* the cursor of the last row returned, same limit */
} org_page;

/* ---- checks shared by the modules --------------------------------------- */

/* Check that s is valid UTF-8 without control characters, not blank, at
 * most max code points, and free of invisible and bidirectional control
 * characters (zero-width U+200B–U+200F, U+2060–U+2064, U+FEFF, soft hyphen
 * U+00AD, U+061C, U+180E; embeddings and overrides U+202A–U+202E;
 * isolates U+2066–U+2069), which make two names look alike or one name
 * display reversed (Unicode TR #36 §2; "Trojan Source"), and of U+FFFD
 * (a lossy decode upstream).  Errors: SJ_EINVAL naming field ("is
 * required" when s is NULL).  It is text_check_name (core/text.h), which
 * modules without the store (the ledger's rows) call directly. */
sj_rc org_check_name(const char *s, const char *field, size_t max, sj_err *e);

/* org_check_name for an optional field: NULL passes. */
sj_rc org_check_optional(const char *s, const char *field, size_t max, sj_err *e);

/* Check *s as org_check_name does after trimming it (text_trim: Unicode
 * white space, and U+200B/U+FEFF at the ends); *s then points at the
 * trimmed copy, in a.  The UTF-8 check runs on the text as given, so its
 * byte offsets are those of the input. */
sj_rc org_clean_name(arena *a, const char **s, const char *field, size_t max, sj_err *e);

/* org_clean_name for an optional field: NULL stays NULL. */
sj_rc org_clean_optional(arena *a, const char **s, const char *field, size_t max, sj_err *e);

/* Check that v is one of allowed (a NULL-terminated list).  Errors:
 * SJ_EINVAL naming field, with the allowed values in the message (also
 * when v is NULL). */
sj_rc org_check_enum(const char *v, const char *const *allowed, const char *field, sj_err *e);

/* ---- regions ------------------------------------------------------------ */

/* Add a region under parent_id (0 for top level), in the tree's rules:
 * levels rank province > city > district > subdistrict = town, and a
 * region's level is strictly below its parent's (a level may be skipped:
 * a county-level city directly under a province); the code, when given,
 * is the region's division code — 2 digits for a province, 4 for a city,
 * 6 for a district (GB/T 2260), 9 for a subdistrict or town (GB/T 10114:
 * the county's 6 and 3 more) — and extends its parent's code when the
 * parent has one.  That a top-level region must be a province is
 * org_region_check_root(), which callers taking outside input call first
 * (the API); tests of other modules build partial trees.  Errors:
 * SJ_EINVAL (field "level", "name", "code" or "parent_id": unknown level,
 * bad name or code, no such parent, level not below the parent's);
 * SJ_ECONFLICT when the parent already has a region of that name;
 * SJ_EFORBIDDEN for a non-global scope. */
sj_rc org_region_add(store *s, const scope *sc, const org_region *in, int64_t *id, sj_err *e);

/* SJ_OK when in may stand where it says: a region with no parent must be
 * a province.  Errors: SJ_EINVAL (field "parent_id"). */
sj_rc org_region_check_root(const org_region *in, sj_err *e);

/* Replace the fields of region id (parent_id, level, name, code) with in,
 * checked as org_region_add and org_region_check_root check them, and so
 * that the region's children still fit under it (their levels below its
 * level, their codes extending its code) and its units still may stand
 * in it (org_unit_check_region).  Errors: as org_region_add, and SJ_EINVAL
 * ("level", "code") when a child or unit would no longer fit;
 * SJ_ENOTFOUND (field "region") when there is no region id.  Nothing is
 * written on error. */
sj_rc org_region_update(store *s, const scope *sc, int64_t id, const org_region *in, sj_err *e);

/* Delete region id when nothing refers to it: no child region, unit or
 * work group (counted, so the message says what remains) and no row of
 * another module.  Errors: SJ_ECONFLICT (field "region") while referred
 * to; SJ_ENOTFOUND; SJ_EFORBIDDEN for a non-global scope.  Nothing is
 * deleted on error. */
sj_rc org_region_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* What a region list may be narrowed to. */
typedef struct org_region_filter {
	int64_t parent_id;  /* direct children of this region; 0 = every region */
	org_range range;    /* in id order: only after_id counts */
} org_region_filter;

/* One page of regions (org_region rows) in id order, narrowed by f.
 * Regions are reference data every role may read, so no scope applies.
 * Errors: SJ_EINVAL ("limit" out of range); store errors. */
sj_rc org_region_list(store *s, arena *a, const org_region_filter *f, org_page *out, sj_err *e);

/* The region with this id.  Errors: SJ_ENOTFOUND. */
sj_rc org_region_get(store *s, arena *a, int64_t id, org_region *out, sj_err *e);

/* The id of the region named name under parent_id (0 = top level).
 * Errors: SJ_ENOTFOUND (field "region"). */
sj_rc org_region_find(store *s, int64_t parent_id, const char *name, int64_t *id, sj_err *e);

/* The region named by ref: a decimal id, or a name that exactly one
 * region has (at any level).  Errors: SJ_ENOTFOUND (field "region");
 * SJ_ECONFLICT when several regions have that name (give the id). */
sj_rc org_region_lookup(store *s, const char *ref, int64_t *id, sj_err *e);

/* ---- units -------------------------------------------------------------- */

/* What a unit list may be narrowed to; zero/NULL fields do not narrow. */
typedef struct org_unit_filter {
	const char *kind;       /* one unit kind */
	int64_t region_id;      /* direct children of this region only */
	int64_t group_id;       /* units assigned to this work group */
	const char *q;          /* substring of the name, matched on the search key */
	org_range range;        /* cursor: (name_sort, id) */
} org_unit_filter;

/* SJ_OK when units may stand in region_id: a district, subdistrict or
 * town (a unit is a community, enterprise, project or village of the
 * grass roots, DESIGN.md §2).  org_unit_add leaves this to its callers
 * taking outside input (the API, the command line), as
 * org_region_check_root.  Errors: SJ_EINVAL (field "region_id"), also for
 * a region that does not exist. */
sj_rc org_unit_check_region(store *s, int64_t region_id, sj_err *e);

/* Add a unit, its name trimmed.  Errors: SJ_EINVAL naming "kind",
 * "name", "address", "contact" or "region_id"; SJ_ECONFLICT when the
 * region already has a unit of that name (same search key);
 * SJ_EFORBIDDEN for a non-global scope. */
sj_rc org_unit_add(store *s, const scope *sc, const org_unit *in, int64_t *id, sj_err *e);

/* Replace the stored fields of unit id (region_id, kind, name, address,
 * contact; in->id and in->created_at are ignored) with in, validated
 * exactly as org_unit_add validates and with org_unit_check_region,
 * recomputing the search and sort keys of the name.  A caller changing
 * some fields reads the unit first and passes it back with those fields
 * changed.  Errors: SJ_EINVAL naming "kind", "name", "address", "contact"
 * or "region_id"; SJ_ECONFLICT (field "name") when the region already has
 * another unit of that name; SJ_ENOTFOUND when no unit id is in scope;
 * SJ_EFORBIDDEN for a non-global scope.  Nothing is written on error. */
sj_rc org_unit_update(store *s, const scope *sc, int64_t id, const org_unit *in, sj_err *e);

/* Delete unit id, in one transaction, only when nothing refers to it: no
 * place, person or work-group assignment and no row of another module.
 * Errors: SJ_ECONFLICT (field "unit") while referred to, naming what
 * remains; SJ_ENOTFOUND when not in scope; SJ_EFORBIDDEN for a non-global
 * scope; store errors.  Nothing is deleted on error. */
sj_rc org_unit_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* The unit with this id, if the scope may see it.  Errors: SJ_ENOTFOUND. */
sj_rc org_unit_get(store *s, const scope *sc, arena *a, int64_t id, org_unit *out, sj_err *e);

/* The unit whose name is name (exact, after NFKC and case folding), if the
 * scope may see it.  Errors: SJ_ENOTFOUND (field "unit"); SJ_ECONFLICT
 * when several visible units share the name (give the id instead). */
sj_rc org_unit_find(store *s, const scope *sc, arena *a, const char *name, org_unit *out, sj_err *e);

/* The unit named by ref: a decimal id, or a name as org_unit_find takes. */
sj_rc org_unit_lookup(store *s, const scope *sc, arena *a, const char *ref, org_unit *out,
    sj_err *e);

/* One page of the units (org_unit rows) the scope may see, narrowed by f,
 * in (name_sort, id) order.  Errors: SJ_EINVAL for a bad filter ("kind"
 * unknown, "limit" out of range, "q" not valid single-line UTF-8). */
sj_rc org_unit_list(store *s, const scope *sc, arena *a, const org_unit_filter *f,
    org_page *out, sj_err *e);

/* True when the scope may see unit_id (a cheap check for other modules). */
int org_unit_visible(store *s, const scope *sc, int64_t unit_id);

/* ---- places ------------------------------------------------------------- */

/* Add a place to a unit the scope may see.  default_stay_s 0 means
 * 7200 (2 h).  Errors: SJ_EINVAL ("kind", "name", "default_stay_s");
 * SJ_ENOTFOUND (field "unit_id"); SJ_ECONFLICT for a name the unit's
 * places already have (same search key). */
sj_rc org_place_add(store *s, const scope *sc, const org_place *in, int64_t *id, sj_err *e);

/* Replace the changeable fields of place id (kind, name, address,
 * records_exits, default_stay_s; a place never moves to another unit, so
 * in->unit_id and in->id are ignored) with in, validated exactly as
 * org_place_add validates (default_stay_s 0 means 7200).  Errors:
 * SJ_EINVAL ("kind", "name", "address", "default_stay_s"); SJ_ECONFLICT
 * (field "name") for a name another place of the unit has; SJ_ENOTFOUND
 * when the place's unit is not in scope.  Nothing is written on error. */
sj_rc org_place_update(store *s, const scope *sc, int64_t id, const org_place *in, sj_err *e);

/* Delete place id when nothing refers to it: no checkpoint or household
 * (counted) and no row of another module (scans, passes, visits...).
 * Errors: SJ_ECONFLICT (field "place"); SJ_ENOTFOUND when not in scope. */
sj_rc org_place_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* The place with this id, if its unit is in scope.  Errors: SJ_ENOTFOUND. */
sj_rc org_place_get(store *s, const scope *sc, arena *a, int64_t id, org_place *out, sj_err *e);

/* One page of the places (org_place rows) of a unit in scope, by search
 * key of the name then id.  Errors: SJ_ENOTFOUND (field "unit") for a
 * unit out of scope; SJ_EINVAL ("limit"). */
sj_rc org_place_page(store *s, const scope *sc, arena *a, int64_t unit_id, const org_range *r,
    org_page *out, sj_err *e);

/* Every place of a unit in scope, in the order of org_place_page, into
 * an arena array.  Errors: SJ_ENOTFOUND for a unit out of scope. */
sj_rc org_place_list(store *s, const scope *sc, arena *a, int64_t unit_id,
    org_place **out, size_t *n, sj_err *e);

/* ---- checkpoints -------------------------------------------------------- */

/* Add a checkpoint to a place in scope.  Errors: SJ_EINVAL ("name",
 * "kind"); SJ_ENOTFOUND ("place_id"); SJ_ECONFLICT for a duplicate. */
sj_rc org_checkpoint_add(store *s, const scope *sc, const org_checkpoint *in, int64_t *id, sj_err *e);

/* Replace the name and kind of checkpoint id (it never moves to another
 * place: in->place_id is ignored), checked as org_checkpoint_add checks
 * them.  Errors: SJ_EINVAL ("name", "kind"); SJ_ECONFLICT (field "name");
 * SJ_ENOTFOUND (field "checkpoint") when not in scope. */
sj_rc org_checkpoint_update(store *s, const scope *sc, int64_t id, const org_checkpoint *in,
    sj_err *e);

/* Delete checkpoint id when no row of another module refers to it (its
 * attendants, place code, scans...).  Errors: SJ_ECONFLICT (field
 * "checkpoint"); SJ_ENOTFOUND when not in scope. */
sj_rc org_checkpoint_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* The checkpoint with this id, if its place's unit is in scope.  Strings
 * live in a.  Errors: SJ_ENOTFOUND (field "checkpoint"). */
sj_rc org_checkpoint_get(store *s, const scope *sc, arena *a, int64_t id, org_checkpoint *out,
    sj_err *e);

/* One page of the checkpoints (org_checkpoint rows) of a place in scope,
 * by id.  Errors: SJ_ENOTFOUND (field "place") for a place out of scope;
 * SJ_EINVAL ("limit"). */
sj_rc org_checkpoint_page(store *s, const scope *sc, arena *a, int64_t place_id,
    const org_range *r, org_page *out, sj_err *e);

/* Every checkpoint of a place in scope, by id, into an arena array.
 * Errors: SJ_ENOTFOUND (field "place") for a place out of scope. */
sj_rc org_checkpoint_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_checkpoint **out, size_t *n, sj_err *e);

/* ---- households --------------------------------------------------------- */

/* Add a household (building–entrance–room address) at a place in scope;
 * the parts are trimmed, an empty building or entrance meaning none.
 * Errors: SJ_EINVAL ("room", "building", "entrance"); SJ_ENOTFOUND
 * ("place_id"); SJ_ECONFLICT when the address exists at that place. */
sj_rc org_household_add(store *s, const scope *sc, const org_household *in, int64_t *id, sj_err *e);

/* Replace the address of household id (building, entrance, room; it
 * never moves to another place), checked as org_household_add checks it.
 * Errors: as org_household_add; SJ_ENOTFOUND (field "household"). */
sj_rc org_household_update(store *s, const scope *sc, int64_t id, const org_household *in,
    sj_err *e);

/* Delete household id when nobody lives in it (people counted) and no row
 * of another module refers to it (visits).  Errors: SJ_ECONFLICT (field
 * "household"); SJ_ENOTFOUND when not in scope. */
sj_rc org_household_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* The household with this id, if its place's unit is in scope.  Strings
 * live in a.  Errors: SJ_ENOTFOUND (field "household"). */
sj_rc org_household_get(store *s, const scope *sc, arena *a, int64_t id, org_household *out,
    sj_err *e);

/* One page of the households (org_household rows) of a place in scope,
 * by address (building, entrance, room) then id; the cursor's key holds
 * the address.  Errors: SJ_ENOTFOUND (field "place"); SJ_EINVAL ("limit",
 * "cursor" for a key that is no address). */
sj_rc org_household_page(store *s, const scope *sc, arena *a, int64_t place_id,
    const org_range *r, org_page *out, sj_err *e);

/* Every household of a place in scope, by address, into an arena array.
 * Errors: SJ_ENOTFOUND (field "place") for a place out of scope. */
sj_rc org_household_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_household **out, size_t *n, sj_err *e);

/* ---- row helpers: for org's files and the modules built on it ---------- */

/* How to read one kind of record from a statement: its name for
 * messages, its size, the function that reads the current row (whose
 * column 0 is the id) and where its list's cursor key is. */
typedef struct org_rows {
	const char *noun;       /* "no <noun> with id 7" */
	const char *field;      /* the field a missing record is reported under */
	size_t size;            /* bytes of one record */
	void (*read)(store_stmt *st, arena *a, void *rec);
	int key_col;            /* column of the sort key; -1: the list is in id order */
	bool key_text;          /* that column is TEXT (else BLOB) */
} org_rows;

/* The limit r asks for (0 gives ORG_LIST_DEFAULT) into *limit.  Errors:
 * SJ_EINVAL ("limit") outside 1..ORG_LIST_MAX. */
sj_rc org_range_limit(const org_range *r, int *limit, sj_err *e);

/* Bind r's cursor and limit + 1 (one more row tells whether a next page
 * exists) to st.  For a list with a key (k->key_col >= 0) the key goes to
 * ?at (NULL for the first page), the id to ?at+1, the limit to ?at+2; in
 * id order the id goes to ?at and the limit to ?at+1. */
void org_range_bind(store_stmt *st, int at, const org_rows *k, const org_range *r, int limit);

/* Step through st (bound by org_range_bind) and read at most limit rows
 * into out->rows (an arena array), setting has_more and the cursor of the
 * last row.  Errors: store errors. */
sj_rc org_page_read(store_stmt *st, arena *a, const org_rows *k, int limit, org_page *out,
    sj_err *e);

/* Run sql, a statement with the scope at ?1..?3 (scope_bind) and id at
 * ?4, and read its one row into out.  Errors: SJ_ENOTFOUND (k->field)
 * "no <noun> with id <id>"; store errors. */
sj_rc org_row_get(store *s, const scope *sc, arena *a, const char *sql, const org_rows *k,
    int64_t id, void *out, sj_err *e);

/* Run st, a bound INSERT ... RETURNING id when new_id is given (the id
 * into *new_id), else an UPDATE of record id.  Errors: SJ_ENOTFOUND
 * (k->field) when the update changed no row; store errors. */
sj_rc org_row_write(store *s, store_stmt *st, const org_rows *k, int64_t id, int64_t *new_id,
    sj_err *e);

/* SJ_OK when sql (as org_row_get runs it) finds record id in scope, else
 * SJ_ENOTFOUND naming field: "no <noun> with id <id>". */
sj_rc org_row_check(store *s, const scope *sc, const char *sql, const org_rows *k, int64_t id,
    const char *field, sj_err *e);

/* How to list the rows of one kind under a parent record (the places of
 * a unit, the members of a group). */
typedef struct org_list {
	const char *sql;        /* scope at ?1..?3, the parent at ?4, the cursor from ?5 on */
	const org_rows *rows;
	/* SJ_OK when the scope may see the parent, else SJ_ENOTFOUND naming
	 * the parent's field; NULL for a list with no parent. */
	sj_rc (*parent)(store *s, const scope *sc, int64_t parent, sj_err *e);
	/* NULL when org_range_bind binds the cursor at ?5; else bind the
	 * cursor and limit + 1 from ?5 on (errors: SJ_EINVAL "cursor"), and
	 * make the cursor of a row. */
	sj_rc (*bind)(store_stmt *st, const org_range *r, int limit, sj_err *e);
	void (*cursor)(arena *a, const void *row, org_range *next);
} org_list;

/* One page of l under parent, in r (its limit checked by org_range_limit)
 * or, when r is NULL, every row.  Errors: SJ_ENOTFOUND from l->parent;
 * SJ_EINVAL ("limit", "cursor"); store errors. */
sj_rc org_list_page(store *s, const scope *sc, arena *a, const org_list *l, int64_t parent,
    const org_range *r, org_page *out, sj_err *e);

/* How to delete one kind of record. */
typedef struct org_delete {
	const char *sql;        /* DELETE with the scope at ?1..?3 and the id at ?4 */
	const org_rows *rows;   /* noun and field of the record */
	/* After a foreign key refused the delete: SJ_ECONFLICT naming the
	 * module's own rows that still refer to id, or SJ_OK; NULL for none. */
	sj_rc (*refs)(store *s, int64_t id, sj_err *e);
	const char *others;     /* the rows of other modules that may refer to it */
} org_delete;

/* Delete record id by d, in its own transaction (a savepoint inside the
 * caller's).  Errors: SJ_ENOTFOUND when no row is in scope; SJ_ECONFLICT
 * (field d->rows->field) when a foreign key refuses, naming the rows that
 * remain (d->refs) or else d->others; store errors. */
sj_rc org_row_delete(store *s, const scope *sc, const org_delete *d, int64_t id, sj_err *e);

/* Run sql, a one-row statement with id at ?1, and read its first cols
 * integer columns (counts of the rows referring to id) into n.  Errors:
 * store errors. */
sj_rc org_count_refs(store *s, const char *sql, int64_t id, int64_t *n, int cols, sj_err *e);

/* The decimal id in ref, or 0 when ref is not a plain positive number. */
int64_t org_parse_id(const char *ref);

/* The text of column i of st's current row copied into a (NULL stays
 * NULL). */
const char *org_col_str(store_stmt *st, arena *a, int i);

#endif
