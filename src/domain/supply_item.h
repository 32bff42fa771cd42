/*
 * supply_item — what supplies are counted in: units of measure, items and
 * their packs, and quantities written in either (DESIGN.md §4 "Supplies";
 * issue 7 "Items").
 *
 * Invariants:
 * - A quantity is an int64_t count of the item's base unit (piece,
 *   bottle, pair...), |qty| <= SUPPLY_QTY_MAX.  Packs (箱 = 40 瓶) are
 *   conversions: "6 箱" is read as 240 and stored as 240.
 * - A pack size is an integer 1..SUPPLY_PACK_MAX (issue 7: "pack sizes
 *   positive integers"); a pack never changes once made, and an item has
 *   at most SUPPLY_PACKS_MAX packs whose names (Chinese and English, after
 *   NFKC and case folding) differ from each other and from the names of
 *   the item's base unit, so every unit word in a quantity names exactly
 *   one thing.
 * - Items are reference data: every role that reads supplies reads every
 *   item; adding or changing one needs PERM_SUPPLY_WRITE.
 * - Item names are 1–100 characters of single-line UTF-8, stored
 *   byte-exact; a search key (docs/text.md) of the Chinese and of the
 *   English name is unique, so "酒精", "alcohol" and "ALCOHOL" each name
 *   one item.
 */
#ifndef SJ_SUPPLY_ITEM_H
#define SJ_SUPPLY_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define SUPPLY_QTY_MAX   INT64_C(1000000000000)  /* 10^12 base units */
#define SUPPLY_PACK_MAX  1000000                 /* base units in one pack */
#define SUPPLY_PACKS_MAX 8                       /* packs of one item */
#define SUPPLY_NAME_MAX  100                     /* characters of an item or site name */
#define SUPPLY_QTY_TEXT_MAX 64                   /* bytes of a quantity as text */

/* A unit of measure an item is counted in.  The table is in
 * supply_item.c; codes are stored (supply_item.base_unit). */
typedef struct supply_uom {
	const char *code;        /* "bottle" */
	const char *zh;          /* "瓶": how quantities are shown */
	const char *en;          /* "bottle" */
	const char *en_plural;   /* "bottles" */
	const char *aliases;     /* other words read as this unit, space-separated
	                          * ("件 只 支" for piece); "" for none */
} supply_uom;

/* The unit of measure with this code, or NULL. */
const supply_uom *supply_uom_find(const char *code);

/* The codes of every unit of measure, comma-separated, for messages. */
const char *supply_uom_codes(void);

typedef struct supply_pack {
	int64_t id;
	int64_t item_id;
	const char *name;        /* "箱" */
	const char *name_en;     /* "box", or NULL */
	int64_t size;            /* base units in one pack, 1..SUPPLY_PACK_MAX */
} supply_pack;

typedef struct supply_item {
	int64_t id;
	const char *name;        /* "酒精" */
	const char *name_en;     /* "alcohol", or NULL */
	const char *category;    /* free text, "" when none */
	const char *base_unit;   /* a supply_uom code */
	const supply_uom *uom;   /* filled on reads */
	supply_pack *packs;      /* filled on reads: largest size first, ties by id */
	size_t n_packs;
	int64_t created_at;      /* seconds since the epoch, UTC */
} supply_item;

/* What supply_item_add takes: the item and its first packs. */
typedef struct supply_item_input {
	const char *name;
	const char *name_en;     /* NULL for none */
	const char *category;    /* NULL for none */
	const char *base_unit;   /* a supply_uom code, or any of its words ("瓶") */
	const supply_pack *packs;/* name, name_en, size of each; may be NULL */
	size_t n_packs;
} supply_item_input;

/* Every item with its packs, loaded once for a long run of formatting
 * (lists, exports).  Items are few (reference data). */
typedef struct supply_item_set {
	supply_item *items;      /* by id */
	size_t n_items;
} supply_item_set;

/* Add an item with its packs in one transaction.  Needs PERM_SUPPLY_WRITE.
 * *id receives the new id.  Errors: SJ_EFORBIDDEN; SJ_EINVAL naming
 * "name", "name_en", "category" (over 50 characters), "base_unit" ("'kg'
 * is not a unit of measure; use one of piece, bottle, ..."), "packs"
 * (more than SUPPLY_PACKS_MAX) or "packs[i].name" / "packs[i].size" as
 * supply_pack_add; SJ_ECONFLICT ("name", "name_en") when another item
 * has that name; store errors.  Nothing is written on error. */
sj_rc supply_item_add(store *s, const scope *sc, const supply_item_input *in, int64_t *id,
    sj_err *e);

/* Change an item's names and category (in->name, in->name_en and
 * in->category replace the stored values; base unit and packs never
 * change).  Needs PERM_SUPPLY_WRITE.  Errors: as supply_item_add;
 * SJ_ENOTFOUND ("item"). */
sj_rc supply_item_update(store *s, const scope *sc, int64_t id, const supply_item_input *in,
    sj_err *e);

/* Add a pack to item item_id.  in->name: 1–10 characters, in->name_en
 * NULL or 1–20; neither may contain digits, white space, signs, '.', ','
 * or brackets (a quantity "6箱" must read unambiguously), nor name the
 * base unit or another pack of the item; in->size 1..SUPPLY_PACK_MAX.
 * Needs PERM_SUPPLY_WRITE.  *id (may be NULL) receives the pack's id.
 * Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("item"); SJ_EINVAL ("name",
 * "name_en", "size": "must be a positive whole number of base units, got
 * 0"; "packs" when the item has SUPPLY_PACKS_MAX); SJ_ECONFLICT ("name",
 * "name_en") when the word already names the base unit or a pack. */
sj_rc supply_pack_add(store *s, const scope *sc, int64_t item_id, const supply_pack *in,
    int64_t *id, sj_err *e);

/* Parse a pack definition "箱=40", "箱/box=40" or "箱/box = 40" into *out
 * (strings in a).  Errors: SJ_EINVAL (field) "expected NAME[/ENGLISH]=SIZE";
 * size as supply_pack_add ("0", "-2", "2.5" rejected). */
sj_rc supply_pack_parse(arena *a, const char *text, const char *field, supply_pack *out,
    sj_err *e);

/* The item with this id, with its packs, strings in a.  Errors:
 * SJ_ENOTFOUND ("item"). */
sj_rc supply_item_get(store *s, arena *a, int64_t id, supply_item *out, sj_err *e);

/* The item named by ref: a decimal id, or its Chinese or English name
 * (after NFKC and case folding).  Errors: SJ_ENOTFOUND (field) "no item
 * named '...'"; SJ_EINVAL (field) for text that is not single-line UTF-8. */
sj_rc supply_item_lookup(store *s, arena *a, const char *ref, const char *field,
    supply_item *out, sj_err *e);

/* Every item with its packs, in pinyin order of the name, into an arena
 * array.  Errors: store errors. */
sj_rc supply_item_list(store *s, arena *a, supply_item **out, size_t *n, sj_err *e);

/* Load every item (supply_item_list) into set, sorted by id for
 * supply_item_set_get.  Errors: store errors. */
sj_rc supply_item_set_load(store *s, arena *a, supply_item_set *set, sj_err *e);

/* The item with this id in set, or NULL. */
const supply_item *supply_item_set_get(const supply_item_set *set, int64_t id);

/* ---- quantities ---------------------------------------------------------- */

/* What a quantity may be. */
enum {
	SUPPLY_QTY_POSITIVE = 0,     /* 1 or more (receipts, distributions, requests) */
	SUPPLY_QTY_NONNEGATIVE = 1,  /* 0 or more (stocktake counts, minimum levels) */
	SUPPLY_QTY_SIGNED = 2,       /* any but 0 (adjustment lines) */
};

/*
 * Read a quantity of item it from text into *out (base units).
 * The text, after NFKC (full-width digits and spaces become ASCII) and
 * case folding, is an optional sign ('-', '+', U+2212; the sign only
 * with SUPPLY_QTY_SIGNED) followed by one or more terms "N unit", each a
 * whole number and a word naming the base unit or a pack of the item,
 * with or without white space between them: "6 箱", "6箱", "240 瓶",
 * "6 box", "6 boxes", "1箱5瓶", "1 box 5 bottles".  A bare number "240"
 * is base units.  The sum must lie within SUPPLY_QTY_MAX and obey mode
 * (SUPPLY_QTY_*).  Errors, each SJ_EINVAL naming field:
 *   "is empty"; "'2.5箱': fractional quantities are not allowed";
 *   "'六箱' must start with a whole number"; "'6桶': 桶 is not a unit of
 *   酒精; use 箱 (40 瓶), 瓶"; "must be greater than 0, got 0";
 *   "must not be negative"; "is too large (at most 10^12 base units)";
 *   "a number must be followed by a unit (as in 1箱5瓶)".
 */
sj_rc supply_qty_parse(const supply_item *it, const char *text, int mode, const char *field,
    int64_t *out, sj_err *e);

/* n packs named pack (a pack or base-unit word of it, as in
 * supply_qty_parse; NULL = base units) of item it, into *out base units,
 * checked as supply_qty_parse checks.  Errors: as supply_qty_parse, the
 * unit errors naming field_pack. */
sj_rc supply_qty_of(const supply_item *it, int64_t n, const char *pack, int mode,
    const char *field, const char *field_pack, int64_t *out, sj_err *e);

/*
 * qty base units of item it as shown in every view (issue 7): with no
 * pack, the count and the base unit ("600个"); with packs, in the largest
 * pack: a whole number of packs with the base units in brackets
 * ("6箱(240瓶)", "0箱(0瓶)"), else packs and the rest ("0箱19瓶",
 * "1箱5瓶").  Negative quantities get a leading '-' ("-(0箱3瓶)" is
 * never written: "-0箱3瓶").  The _en form: "6 boxes (240 bottles)",
 * "0 boxes 19 bottles", "600 pieces".  Returns an arena string.
 */
const char *supply_qty_text(arena *a, const supply_item *it, int64_t qty);
const char *supply_qty_text_en(arena *a, const supply_item *it, int64_t qty);

#endif
