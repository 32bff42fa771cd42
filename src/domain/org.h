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
 * (admin, system) may add regions and units.
 *
 * Names are UTF-8, 1–100 characters, stored byte-exact as given; a search
 * key and a collation key (docs/text.md) are stored beside them.  Unit
 * lists are ordered by name in the "zh" collation (pinyin), ties broken by
 * id, which is also the cursor order.
 */
#ifndef SJ_ORG_H
#define SJ_ORG_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define ORG_NAME_MAX 100  /* code points */
#define ORG_LIST_MAX 500  /* largest page a list returns */

typedef struct org_region {
	int64_t id;
	int64_t parent_id;   /* 0 for a top-level region */
	const char *level;   /* "province", "city", "district", "subdistrict", "town" */
	const char *name;
	const char *code;    /* GB/T 2260 division code, or NULL */
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

/* What a unit list may be narrowed to; zero/NULL fields do not narrow. */
typedef struct org_unit_filter {
	const char *kind;       /* one unit kind */
	int64_t region_id;      /* direct children of this region only */
	int64_t group_id;       /* units assigned to this work group */
	const char *q;          /* substring of the name, matched on the search key */
	/* Cursor: return units after (after_sort, after_id) in list order. */
	const void *after_sort;
	size_t after_sort_n;
	int64_t after_id;
	int limit;              /* 1..ORG_LIST_MAX; 0 means 50 */
} org_unit_filter;

typedef struct org_unit_page {
	org_unit *units;        /* arena-allocated array */
	size_t n_units;
	/* When more rows follow, the cursor of the last row returned
	 * (has_more true); pass it back as after_* for the next page. */
	int has_more;
	const void *next_sort;
	size_t next_sort_n;
	int64_t next_id;
} org_unit_page;

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

/* Check that s is valid UTF-8 without control characters, not blank, and
 * at most max code points.  Errors: SJ_EINVAL naming field ("is required"
 * when s is NULL). */
sj_rc org_check_name(const char *s, const char *field, size_t max, sj_err *e);

/* org_check_name for an optional field: NULL passes. */
sj_rc org_check_optional(const char *s, const char *field, size_t max, sj_err *e);

/* Check that v is one of allowed (a NULL-terminated list).  Errors:
 * SJ_EINVAL naming field, with the allowed values in the message (also
 * when v is NULL). */
sj_rc org_check_enum(const char *v, const char *const *allowed, const char *field, sj_err *e);

/* Add a region under parent_id (0 for top level).  Errors: SJ_EINVAL
 * (field "level", "name" or "parent_id": unknown level, bad name, no such
 * parent); SJ_ECONFLICT when the parent already has a region of that name;
 * SJ_EFORBIDDEN for a non-global scope. */
sj_rc org_region_add(store *s, const scope *sc, const org_region *in, int64_t *id, sj_err *e);

/* What a region list may be narrowed to. */
typedef struct org_region_filter {
	int64_t parent_id;  /* direct children of this region; 0 = every region */
	int64_t after_id;   /* cursor: only regions with a greater id; 0 = from the start */
	int limit;          /* 1..ORG_LIST_MAX; 0 means 50 */
} org_region_filter;

typedef struct org_region_page {
	org_region *regions;  /* arena-allocated array */
	size_t n_regions;
	int has_more;         /* more rows follow: pass next_id back as after_id */
	int64_t next_id;      /* id of the last region returned */
} org_region_page;

/* One page of regions in id order, narrowed by f.  Regions are reference
 * data every role may read, so no scope applies.  out->regions lives in
 * a.  Errors: SJ_EINVAL ("limit" out of range); store errors. */
sj_rc org_region_list(store *s, arena *a, const org_region_filter *f, org_region_page *out,
    sj_err *e);

/* The region with this id.  Errors: SJ_ENOTFOUND. */
sj_rc org_region_get(store *s, arena *a, int64_t id, org_region *out, sj_err *e);

/* The id of the region named name under parent_id (0 = top level).
 * Errors: SJ_ENOTFOUND (field "region"). */
sj_rc org_region_find(store *s, int64_t parent_id, const char *name, int64_t *id, sj_err *e);

/* The region named by ref: a decimal id, or a name that exactly one
 * region has (at any level).  Errors: SJ_ENOTFOUND (field "region");
 * SJ_ECONFLICT when several regions have that name (give the id). */
sj_rc org_region_lookup(store *s, const char *ref, int64_t *id, sj_err *e);

/* Add a unit.  Errors: SJ_EINVAL naming "kind", "name", "address",
 * "contact" or "region_id"; SJ_ECONFLICT when the region already has a
 * unit of that name; SJ_EFORBIDDEN for a non-global scope. */
sj_rc org_unit_add(store *s, const scope *sc, const org_unit *in, int64_t *id, sj_err *e);

/* Replace the stored fields of unit id (region_id, kind, name, address,
 * contact; in->id and in->created_at are ignored) with in, validated
 * exactly as org_unit_add validates, recomputing the search and sort keys
 * of the name.  A caller changing some fields reads the unit first and
 * passes it back with those fields changed.  Errors: SJ_EINVAL naming
 * "kind", "name", "address", "contact" or "region_id" (also for a region
 * that does not exist); SJ_ECONFLICT (field "name") when the region
 * already has another unit of that name; SJ_ENOTFOUND when no unit id is
 * in scope; SJ_EFORBIDDEN for a non-global scope.  Nothing is written on
 * error. */
sj_rc org_unit_update(store *s, const scope *sc, int64_t id, const org_unit *in, sj_err *e);

/* Delete unit id, in one transaction, only when nothing refers to it: no
 * place, person or work-group assignment (counted first, so the message
 * says what remains) and no row of another module (the foreign key
 * refuses it).  Errors: SJ_ECONFLICT (field "unit") while referred to;
 * SJ_ENOTFOUND when not in scope; SJ_EFORBIDDEN for a non-global scope;
 * store errors.  Nothing is deleted on error. */
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

/* One page of the units the scope may see, narrowed by f, in (name_sort,
 * id) order.  Errors: SJ_EINVAL for a bad filter ("kind" unknown, "limit"
 * out of range, "q" not valid single-line UTF-8). */
sj_rc org_unit_list(store *s, const scope *sc, arena *a, const org_unit_filter *f,
    org_unit_page *out, sj_err *e);

/* True when the scope may see unit_id (a cheap check for other modules). */
int org_unit_visible(store *s, const scope *sc, int64_t unit_id);

/* Add a place to a unit the scope may see.  default_stay_s 0 means
 * 7200 (2 h).  Errors: SJ_EINVAL ("kind", "name", "default_stay_s");
 * SJ_ENOTFOUND (field "unit_id"); SJ_ECONFLICT for a duplicate name. */
sj_rc org_place_add(store *s, const scope *sc, const org_place *in, int64_t *id, sj_err *e);

/* Replace the changeable fields of place id (kind, name, address,
 * records_exits, default_stay_s; a place never moves to another unit, so
 * in->unit_id and in->id are ignored) with in, validated exactly as
 * org_place_add validates (default_stay_s 0 means 7200).  Errors:
 * SJ_EINVAL ("kind", "name", "address", "default_stay_s"); SJ_ECONFLICT
 * (field "name") for a name another place of the unit has; SJ_ENOTFOUND
 * when the place's unit is not in scope.  Nothing is written on error. */
sj_rc org_place_update(store *s, const scope *sc, int64_t id, const org_place *in, sj_err *e);

/* The place with this id, if its unit is in scope.  Errors: SJ_ENOTFOUND. */
sj_rc org_place_get(store *s, const scope *sc, arena *a, int64_t id, org_place *out, sj_err *e);

/* Every place of a unit in scope, by name.  Errors: SJ_ENOTFOUND for a
 * unit out of scope. */
sj_rc org_place_list(store *s, const scope *sc, arena *a, int64_t unit_id,
    org_place **out, size_t *n, sj_err *e);

/* Add a checkpoint to a place in scope.  Errors: SJ_EINVAL ("name",
 * "kind"); SJ_ENOTFOUND ("place_id"); SJ_ECONFLICT for a duplicate. */
sj_rc org_checkpoint_add(store *s, const scope *sc, const org_checkpoint *in, int64_t *id, sj_err *e);

/* The checkpoint with this id, if its place's unit is in scope.  Strings
 * live in a.  Errors: SJ_ENOTFOUND (field "checkpoint"). */
sj_rc org_checkpoint_get(store *s, const scope *sc, arena *a, int64_t id, org_checkpoint *out,
    sj_err *e);

/* Every checkpoint of a place in scope, by id, into an arena array.
 * Errors: SJ_ENOTFOUND (field "place") for a place out of scope. */
sj_rc org_checkpoint_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_checkpoint **out, size_t *n, sj_err *e);

/* Add a household (building–entrance–room address) at a place in scope.
 * Errors: SJ_EINVAL ("room", "building", "entrance"); SJ_ENOTFOUND
 * ("place_id"); SJ_ECONFLICT when the address exists at that place. */
sj_rc org_household_add(store *s, const scope *sc, const org_household *in, int64_t *id, sj_err *e);

/* The household with this id, if its place's unit is in scope.  Strings
 * live in a.  Errors: SJ_ENOTFOUND (field "household"). */
sj_rc org_household_get(store *s, const scope *sc, arena *a, int64_t id, org_household *out,
    sj_err *e);

/* Every household of a place in scope, by address, into an arena array.
 * Errors: SJ_ENOTFOUND (field "place") for a place out of scope. */
sj_rc org_household_list(store *s, const scope *sc, arena *a, int64_t place_id,
    org_household **out, size_t *n, sj_err *e);

#endif
