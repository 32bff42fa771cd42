/*
 * supply_site — the places that hold stock (issue 7 "Sites"): the organ's
 * store (organ), a work group's store (group) and each unit (unit), and
 * the minimum stock level of an item at a site.
 *
 * Scope (issue 3, docs/roles.md): global roles see every site; a leader
 * or member sees the organ's stores, their own group's store and the sites
 * of their group's units; a unit liaison sees their unit's site; other
 * roles see none.  SUPPLY_SITE_VISIBLE puts that rule into SQL with the
 * parameters ?1..?3 of scope_bind(); every read of this module and of the
 * ledger applies it, and a site out of scope is SJ_ENOTFOUND, exactly
 * like a site that does not exist.
 *
 * Invariants: a unit has at most one site; a group site names its work
 * group; site names are unique (after NFKC and case folding).
 */
#ifndef SJ_SUPPLY_SITE_H
#define SJ_SUPPLY_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

/* The scope test of a supply_site row aliased s (?1..?3 as scope_bind). */
#define SUPPLY_SITE_VISIBLE(s) \
	"(?1 = 1 OR " s ".unit_id = ?3 OR (?2 > 0 AND (" s ".kind = 'organ' OR " s ".group_id = ?2" \
	" OR " s ".unit_id IN (SELECT sa.unit_id FROM assignment sa WHERE sa.group_id = ?2))))"

typedef struct supply_site {
	int64_t id;
	const char *kind;        /* "organ", "group" or "unit" */
	const char *name;        /* e.g. "泰安市政协机关物资库", "高铁社区" */
	int64_t group_id;        /* kind "group": the work group; else 0 */
	int64_t unit_id;         /* kind "unit": the unit; else 0 */
	int64_t created_at;      /* seconds since the epoch, UTC */
} supply_site;

/* Add a site.  in->kind says which; in->name may be NULL for a unit site
 * (then the unit's name).  Needs PERM_SUPPLY_WRITE, and: an organ store a
 * global role; a group store a global role or a leader or member of that
 * group; a unit site a unit in scope.  *id receives the id.  Errors:
 * SJ_EFORBIDDEN; SJ_EINVAL ("kind", "name", "group_id" / "unit_id"
 * missing or given for the wrong kind); SJ_ENOTFOUND ("group_id",
 * "unit_id"); SJ_ECONFLICT ("name" in use, "unit_id" when the unit has a
 * site); store errors. */
sj_rc supply_site_add(store *s, const scope *sc, const supply_site *in, int64_t *id, sj_err *e);

/* The site with this id, if in scope.  Errors: SJ_ENOTFOUND (field). */
sj_rc supply_site_get(store *s, const scope *sc, arena *a, int64_t id, const char *field,
    supply_site *out, sj_err *e);

/* The site named by ref: a decimal id, or its name (after NFKC and case
 * folding), if in scope.  Errors: SJ_ENOTFOUND (field). */
sj_rc supply_site_lookup(store *s, const scope *sc, arena *a, const char *ref,
    const char *field, supply_site *out, sj_err *e);

/* The id of unit unit_id's site.  When the unit has none and create is
 * true, it is made (named after the unit) in the caller's transaction; a
 * unit that may receive supplies needs no separate step.  The unit must
 * be in scope.  Errors: SJ_ENOTFOUND (field) for a unit out of scope, or
 * without a site when !create; store errors. */
sj_rc supply_site_of_unit(store *s, const scope *sc, int64_t unit_id, bool create,
    const char *field, int64_t *site_id, sj_err *e);

/* Every site in scope: organ stores, group stores, unit sites, each by
 * name in pinyin order; into an arena array.  Errors: store errors. */
sj_rc supply_site_list(store *s, const scope *sc, arena *a, supply_site **out, size_t *n,
    sj_err *e);

/* Set the minimum stock level of item_id at site_id to qty base units
 * (qty < 0 clears it).  Needs PERM_SUPPLY_WRITE and the site in scope.
 * Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("site", "item"); store errors. */
sj_rc supply_minimum_set(store *s, const scope *sc, int64_t site_id, int64_t item_id,
    int64_t qty, sj_err *e);

#endif
