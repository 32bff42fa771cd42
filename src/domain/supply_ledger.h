/*
 * supply_ledger — stock documents, the ledger they write, and stock on
 * hand at any date (issue 7 "Documents", "Stock on hand", "Receipt
 * confirmation"; DESIGN.md §4 "Supplies"; docs/supply.md).
 *
 * A document is one of five kinds, each saved whole or not at all:
 *   receipt       stock comes into site_id from a donor, purchase,
 *                 allocation or the organ's own raising (source);
 *   distribution  site_id → the site of a unit (to_site_id), optionally
 *                 fulfilling that unit's requests (supply_need.h);
 *   transfer      site_id → another site (to_site_id), e.g. organ → group;
 *   adjustment    at site_id, with a reason: a stocktake count (the line
 *                 says what was counted; the stored change is count minus
 *                 the balance on the document's date) or a signed change
 *                 (loss, damage, found); the only document with negative
 *                 lines;
 *   consumption   used up at site_id.
 *
 * Invariants:
 * - Every quantity is base units (supply_item.h).  A line becomes one
 *   movement per site it touches (two for distribution and transfer).
 * - The balance of a (site, item) never goes negative at any point in
 *   time: movements are ordered by (date, document id, line), so a new
 *   document goes last on its date, and it is refused when any balance
 *   from its date onwards would drop below 0 — a back-dated document is
 *   checked against every later balance (docs/supply.md explains the
 *   per-day balance rows that make this one index range).
 * - Concurrency: the check and the writes run in one transaction that
 *   first updates the supply_stock row of each (site, item) it touches,
 *   in (site, item) order: SQLite's BEGIN IMMEDIATE and PostgreSQL's row
 *   lock both make a second writer of the same pair wait and then see the
 *   first's rows, so two distributions of the last unit cannot both pass.
 * - Dates are local dates (core/datetime.h), never after today.
 * - Reads are scoped: a document is visible when either of its sites is
 *   (supply_site.h); ledger and stock rows when their site is.
 * - Every document write needs PERM_SUPPLY_WRITE and its sites in scope;
 *   the caller writes the audit event in the same transaction.
 */
#ifndef SJ_SUPPLY_LEDGER_H
#define SJ_SUPPLY_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "domain/supply_item.h"
#include "store/store.h"

#define SUPPLY_LINES_MAX 1000          /* lines of one document */
#define SUPPLY_DATE_NONE INT32_MIN     /* "no date": today where a date defaults */
#define SUPPLY_LIST_MAX 500            /* largest page */
#define SUPPLY_NOTE_MAX 500            /* characters of a note or discrepancy */

typedef enum supply_kind {
	SUPPLY_RECEIPT,
	SUPPLY_DISTRIBUTION,
	SUPPLY_TRANSFER,
	SUPPLY_ADJUSTMENT,
	SUPPLY_CONSUMPTION,
	SUPPLY__KINDS
} supply_kind;

/* "receipt", "distribution", ... for k; NULL outside the enum. */
const char *supply_kind_name(int k);

/* The Chinese label of kind name ("入库", "发放", "调拨", "调整", "消耗"),
 * or name itself when unknown. */
const char *supply_kind_label(const char *name);

/* The kind named s, or -1. */
int supply_kind_parse(const char *s);

/* One line of a document as given. */
typedef struct supply_line_input {
	int64_t item_id;         /* the item; 0 to name it with item */
	const char *item;        /* the item's name (Chinese or English) or id, when item_id is 0 */
	const char *quantity;    /* the quantity as text ("6 箱", "1箱5瓶"); or NULL and has_qty */
	int64_t qty;             /* with has_qty: that many packs (pack) or base units */
	bool has_qty;
	const char *pack;        /* with has_qty: a pack or base-unit word; NULL = base units */
	bool count;              /* adjustment: the quantity is a stocktake count */
	int64_t request_id;      /* distribution: the request this line fulfils; 0 = none */
	/* A line its reader could not read (a JSON member of the wrong type):
	 * the problem to report for it, so that it is counted with the others;
	 * NULL for a line that was read. */
	const char *read_field, *read_detail;
} supply_line_input;

typedef struct supply_doc_input {
	const char *kind;          /* a supply_kind_name */
	sj_date date;              /* local date; SUPPLY_DATE_NONE = today */
	int64_t site_id;           /* receiving site of a receipt, sending site of a
	                            * distribution or transfer, the site of the others */
	int64_t to_site_id;        /* distribution, transfer: the receiving site */
	int64_t to_unit_id;        /* distribution: instead of to_site_id, the unit whose
	                            * site receives (made when the unit has none) */
	const char *source;        /* receipt: "donation", "purchase", "allocation", "raised" */
	const char *counterparty;  /* receipt: donor or supplier; NULL for none */
	const char *reason;        /* adjustment: required, 1–200 characters */
	const char *note;          /* NULL for none; at most SUPPLY_NOTE_MAX characters */
	const supply_line_input *lines;
	size_t n_lines;            /* 1..SUPPLY_LINES_MAX */
	int64_t user_id;           /* who enters it; 0 for the command line */
	const char *username;      /* required: the user's name, or "cli" */
} supply_doc_input;

/* What is wrong with a refused document: one per bad line (the first
 * fault found on it), and one per bad document field. */
typedef struct supply_problem {
	int line;                  /* 1-based line number; 0 for the document itself */
	const char *field;         /* "item", "quantity", "request_id", "site_id", "date"... */
	const char *detail;        /* one line a user can act on */
} supply_problem;

typedef struct supply_problems {
	supply_problem *v;         /* arena array */
	size_t n;
	size_t cap;
} supply_problems;

typedef struct supply_line {
	int line_no;               /* 1-based */
	int64_t item_id;
	const char *item_name;
	int64_t qty;               /* base units; signed in adjustments */
	const char *display;       /* supply_qty_text: "6箱(240瓶)" */
	const char *display_en;    /* "6 boxes (240 bottles)" */
	const char *entered;       /* as given: "6 箱" */
	bool counted;              /* a stocktake line */
	int64_t count;             /* the count of a stocktake line, base units */
	int64_t request_id;        /* 0 = none */
} supply_line;

typedef struct supply_doc {
	int64_t id;
	const char *kind;
	sj_date date;
	int64_t site_id;
	const char *site_name;
	int64_t to_site_id;        /* 0 = none */
	const char *to_site_name;  /* NULL = none */
	const char *source;        /* receipt; else NULL */
	const char *counterparty;  /* NULL = none */
	const char *reason;        /* adjustment; else NULL */
	const char *note;          /* NULL = none */
	int64_t created_at;        /* seconds since the epoch, UTC */
	int64_t created_by;        /* user id; 0 = command line */
	const char *created_by_name;
	int64_t confirmed_at;      /* 0 = not confirmed */
	int64_t confirmed_by;      /* user id; 0 = none or command line */
	const char *confirmed_by_name;  /* NULL when not confirmed */
	const char *discrepancy;   /* NULL = none noted */
	size_t n_lines;            /* lines of the document */
	supply_line *lines;        /* supply_doc_get only; NULL in lists */
} supply_doc;

/*
 * Save a document: validate it whole, then write the document, its lines,
 * their movements and balances in one transaction (a savepoint inside the
 * caller's).  *id receives the id.  Strings of pr live in a.
 * Outcomes:
 *  SJ_OK
 *  SJ_EFORBIDDEN  the role may not write supply documents
 *  SJ_EINVAL      the document is malformed: pr holds one problem per bad
 *                 line (unknown item, quantity that does not parse, a unit
 *                 the item does not define, zero or negative outside an
 *                 adjustment, a request that does not fit) and one per bad
 *                 document field (kind, date after today, unknown or
 *                 out-of-scope site_id / to_site_id, source, reason);
 *                 e->msg names the first and the count
 *  SJ_ECONFLICT   some line would make a balance negative: pr holds one
 *                 problem per such line, detail "insufficient stock: ..."
 *                 naming the site, item and the first date whose balance
 *                 would go negative, and the amount
 *  store errors.
 * Nothing is stored unless SJ_OK.
 */
sj_rc supply_doc_post(store *s, const scope *sc, arena *a, const supply_doc_input *in,
    int64_t *id, supply_problems *pr, sj_err *e);

/* The document with this id and its lines, if either site is in scope.
 * Errors: SJ_ENOTFOUND ("document"). */
sj_rc supply_doc_get(store *s, const scope *sc, arena *a, int64_t id, supply_doc *out,
    sj_err *e);

typedef struct supply_doc_filter {
	const char *kind;          /* one kind; NULL = every kind */
	int64_t site_id;           /* documents from or to this site; 0 = any */
	sj_date from, to;          /* date range, inclusive; SUPPLY_DATE_NONE = open */
	bool unconfirmed;          /* distributions not yet confirmed only */
	int64_t before_id;         /* cursor: ids below this; 0 = from the newest */
	int limit;                 /* 1..SUPPLY_LIST_MAX; 0 means 50 */
} supply_doc_filter;

typedef struct supply_doc_page {
	supply_doc *docs;          /* arena array, newest (highest id) first, without lines */
	size_t n_docs;
	bool has_more;
	int64_t next_before_id;    /* when has_more: before_id of the next page */
} supply_doc_page;

/* One page of documents in scope matching f.  Errors: SJ_EINVAL ("kind",
 * "limit", "to" before "from"); store errors. */
sj_rc supply_doc_list(store *s, const scope *sc, arena *a, const supply_doc_filter *f,
    supply_doc_page *out, sj_err *e);

typedef struct supply_confirm_input {
	int64_t user_id;           /* 0 for the command line */
	const char *username;      /* required: who confirms (user name, or a name given at the CLI) */
	int64_t at;                /* instant of receipt; 0 = now */
	const char *discrepancy;   /* what differed from the document; NULL = nothing */
} supply_confirm_input;

/* Record that the receiving unit got distribution id (who, when, any
 * discrepancy).  Needs PERM_SUPPLY_CONFIRM; a unit liaison only for their
 * own unit's site.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("document");
 * SJ_EINVAL ("document" not a distribution; "discrepancy" over 500
 * characters; "confirmed_at" before the document's date or in the
 * future); SJ_ECONFLICT ("document") when already confirmed; store
 * errors. */
sj_rc supply_doc_confirm(store *s, const scope *sc, int64_t id, const supply_confirm_input *in,
    sj_err *e);

/* ---- stock on hand ------------------------------------------------------- */

/* Stock on hand of item_id at site_id at the end of local date date
 * (SUPPLY_DATE_NONE: after every movement), in base units, into *qty:
 * one index seek on the per-day balances, never a scan of the ledger.
 * Errors: SJ_ENOTFOUND ("site", "item"); store errors. */
sj_rc supply_stock_at(store *s, const scope *sc, int64_t site_id, int64_t item_id, sj_date date,
    int64_t *qty, sj_err *e);

typedef struct supply_stock_filter {
	int64_t site_id;           /* 0 = every site in scope */
	int64_t item_id;           /* 0 = every item */
	sj_date date;              /* SUPPLY_DATE_NONE = now */
	bool below_min;            /* only rows under their minimum level */
} supply_stock_filter;

typedef struct supply_stock_row {
	int64_t site_id;
	const char *site_name;
	const char *site_kind;
	int64_t item_id;
	const char *item_name;
	const char *category;
	const char *base_unit;     /* uom code */
	int64_t qty;               /* base units */
	const char *display;       /* "6箱(240瓶)" */
	const char *display_en;
	int64_t min_qty;           /* -1 = no minimum */
	bool below_min;            /* qty < min_qty */
} supply_stock_row;

/* Stock of every (site, item) in scope matching f that was ever stocked
 * or given a minimum, by site (organ, group, unit; pinyin) then item
 * (pinyin), into an arena array.  Errors: SJ_ENOTFOUND ("site") for a
 * site out of scope; store errors. */
sj_rc supply_stock_list(store *s, const scope *sc, arena *a, const supply_stock_filter *f,
    supply_stock_row **out, size_t *n, sj_err *e);

/* ---- the ledger ---------------------------------------------------------- */

typedef struct supply_move {
	int64_t site_id;
	const char *site_name;
	int64_t item_id;
	const char *item_name;
	sj_date date;
	int64_t doc_id;
	int line_no;
	const char *kind;          /* the document's kind */
	const char *counterpart;   /* the other site, the donor or supplier, or the
	                            * adjustment's reason; NULL when none */
	int64_t qty;               /* signed change at this site, base units */
	int64_t balance;           /* the site's balance of the item after this movement */
	const char *display;       /* qty as supply_qty_text */
	const char *balance_display;
	const char *entered;       /* the line's quantity as given */
	const char *note;          /* the document's note; NULL = none */
} supply_move;

typedef struct supply_ledger_filter {
	int64_t site_id;           /* 0 = every site in scope */
	int64_t item_id;           /* 0 = every item */
	sj_date from, to;          /* inclusive; SUPPLY_DATE_NONE = open */
	/* cursor: movements after this one in ledger order; after_site 0 = from the start */
	int64_t after_site, after_item, after_doc;
	sj_date after_day;
	int after_line;
	int limit;                 /* lists: 1..SUPPLY_LIST_MAX, 0 means 50; ignored by _each */
} supply_ledger_filter;

typedef struct supply_ledger_page {
	supply_move *moves;        /* arena array in ledger order */
	size_t n_moves;
	bool has_more;             /* then the last move is the cursor of the next page */
} supply_ledger_page;

/* Called for each movement by supply_ledger_each; m's strings are valid
 * during the call only.  A non-SJ_OK return stops the walk and is
 * returned. */
typedef sj_rc (*supply_move_fn)(void *ctx, const supply_move *m, sj_err *e);

/* Every movement in scope matching f, in ledger order: by site, item,
 * date, document, line, each with the running balance (the opening
 * balance of a range that starts after the first movement comes from the
 * per-day balances, so it is exact).  Memory stays bounded whatever the
 * number of movements.  Errors: SJ_EINVAL ("to" before "from");
 * SJ_ENOTFOUND ("site") for a site out of scope; fn's errors; store
 * errors. */
sj_rc supply_ledger_each(store *s, const scope *sc, const supply_ledger_filter *f,
    supply_move_fn fn, void *ctx, sj_err *e);

/* One page of supply_ledger_each into a. */
sj_rc supply_ledger_list(store *s, const scope *sc, arena *a, const supply_ledger_filter *f,
    supply_ledger_page *out, sj_err *e);

/* Append a problem to pr (strings copied into a). */
void supply_problem_add(supply_problems *pr, arena *a, int line, const char *field,
    const char *detail);

#endif
