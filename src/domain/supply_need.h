/*
 * supply_need — requests (needs) for supplies from a unit, and their
 * fulfilment by distributions (issue 7 "Requests"; SCENARIO.md "Supplies
 * delivered": each community reported its shortage, one request per item).
 *
 * A request says which unit needs how much of which item, by when, and
 * why.  Distribution lines that name it (supply_line_input.request_id)
 * fulfil it; its status is computed, never stored:
 *   cancelled  when cancelled (whatever was delivered);
 *   complete   delivered >= requested;
 *   partial    0 < delivered < requested;
 *   none       nothing delivered yet.
 * Open shortages are the requests that are none or partial.
 *
 * Scope: a request belongs to its unit (SCOPE_UNIT): the unit's liaison
 * sees and raises their unit's requests, leaders and members their
 * group's units'.  Raising and cancelling need PERM_REQUEST_RAISE ("raise
 * a request or need", docs/roles.md).
 */
#ifndef SJ_SUPPLY_NEED_H
#define SJ_SUPPLY_NEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "domain/supply_ledger.h"
#include "store/store.h"

#define SUPPLY_REASON_MAX 500  /* characters */

typedef struct supply_request_input {
	int64_t unit_id;           /* the unit in need */
	int64_t item_id;           /* the item; 0 to name it with item */
	const char *item;          /* name or id as text, when item_id is 0 */
	const char *quantity;      /* as text ("2箱"); or NULL and has_qty */
	int64_t qty;               /* with has_qty: packs (pack) or base units */
	bool has_qty;
	const char *pack;          /* with has_qty; NULL = base units */
	sj_date needed_by;         /* local date; SUPPLY_DATE_NONE = not said */
	sj_date raised_on;         /* local date; SUPPLY_DATE_NONE = today */
	const char *reason;        /* required, 1–500 characters */
	int64_t user_id;           /* who raises it; 0 for the command line */
	const char *username;      /* required */
} supply_request_input;

typedef struct supply_request {
	int64_t id;
	int64_t unit_id;
	const char *unit_name;
	int64_t site_id;           /* the unit's supply site */
	int64_t item_id;
	const char *item_name;
	int64_t qty;               /* requested, base units */
	int64_t delivered;         /* by distribution lines naming it, base units */
	int64_t remaining;         /* max(0, qty - delivered) */
	const char *status;        /* "none", "partial", "complete", "cancelled" */
	const char *display;       /* qty as supply_qty_text */
	const char *delivered_display;
	const char *remaining_display;
	const char *entered;       /* the quantity as given */
	sj_date needed_by;         /* SUPPLY_DATE_NONE when not said */
	sj_date raised_on;
	const char *reason;
	int64_t created_at;
	const char *created_by_name;
	int64_t cancelled_at;      /* 0 = not cancelled */
	const char *cancelled_by_name;
	const char *cancel_reason;
} supply_request;

/* Raise a request; the unit's supply site is made when it has none.
 * Needs PERM_REQUEST_RAISE and the unit in scope.  *id receives the id.
 * Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("unit_id", "item"); SJ_EINVAL
 * ("quantity"/"qty"/"pack" as supply_qty_parse, positive only; "reason";
 * "needed_by" before raised_on; "raised_on" after today); store errors.
 * Nothing is written on error. */
sj_rc supply_request_add(store *s, const scope *sc, const supply_request_input *in, int64_t *id,
    sj_err *e);

/* The request with this id, if its unit is in scope.  Errors:
 * SJ_ENOTFOUND ("request"). */
sj_rc supply_request_get(store *s, const scope *sc, arena *a, int64_t id, supply_request *out,
    sj_err *e);

typedef struct supply_request_filter {
	int64_t unit_id;           /* 0 = every unit in scope */
	int64_t item_id;           /* 0 = every item */
	const char *status;        /* one status; NULL = any */
	bool open;                 /* only none and partial (open shortages) */
	int64_t after_id;          /* cursor: ids above this; 0 = from the start */
	int limit;                 /* 1..SUPPLY_LIST_MAX; 0 means 50; -1 = no limit (exports) */
} supply_request_filter;

typedef struct supply_request_page {
	supply_request *requests;  /* arena array, by id */
	size_t n_requests;
	bool has_more;
	int64_t next_after_id;
} supply_request_page;

/* One page of the requests in scope matching f, by id.  Errors:
 * SJ_EINVAL ("status", "limit"); store errors. */
sj_rc supply_request_list(store *s, const scope *sc, arena *a, const supply_request_filter *f,
    supply_request_page *out, sj_err *e);

/* Cancel request id with a reason.  Needs PERM_REQUEST_RAISE and the
 * unit in scope.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("request");
 * SJ_EINVAL ("reason"); SJ_ECONFLICT ("request") when already cancelled
 * or complete; store errors. */
sj_rc supply_request_cancel(store *s, const scope *sc, int64_t id, const char *reason,
    const char *username, sj_err *e);

/* What one item lacks across the open requests in scope. */
typedef struct supply_shortage {
	int64_t item_id;
	const char *item_name;
	int64_t requests;          /* open requests */
	int64_t requested;         /* base units requested by them */
	int64_t delivered;         /* delivered against them so far */
	int64_t remaining;         /* still to deliver */
	const char *remaining_display;
} supply_shortage;

/* The open shortages in scope, one row per item by pinyin order, plus
 * the open requests themselves (oldest needed_by first, then id; none
 * dated last) into arena arrays.  Errors: store errors. */
sj_rc supply_shortages(store *s, const scope *sc, arena *a, supply_shortage **items,
    size_t *n_items, supply_request **requests, size_t *n_requests, sj_err *e);

#endif
