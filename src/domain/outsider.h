/*
 * outsider — registrations of outsiders (外来人员登记; DESIGN.md §4, issue 5:
 * "outsiders (not registered residents or staff of the place) must be
 * registered (name, phone, where from, reason, host) before they pass").
 *
 * A registration says that a person may enter the places of one unit
 * during [valid_from, valid_until): where they come from, why, and whom
 * they visit — a household, a unit, or a host described in words.  The
 * person is found or made first: by identity number (refused when the
 * person on record with it has another name, unless the caller confirms),
 * else by mobile and name together, else a new person tagged "outsider"
 * in the visited unit.
 * Registrations are kept in the scope of that unit; a checkpoint
 * attendant sees and makes only those of the checkpoints they attend
 * (SCOPE_CHECKPOINT, domain/scope.h): one with no checkpoint is not theirs.
 */
#ifndef SJ_OUTSIDER_H
#define SJ_OUTSIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define OUTSIDER_TEXT_MAX 200        /* characters of from, reason, host */
#define OUTSIDER_LIST_MAX 500
#define OUTSIDER_VALID_MAX (30 * 86400)  /* longest registration, seconds */

typedef struct outsider_input {
	/* who: an existing person, or the fields to find or make one */
	int64_t person_id;          /* 0: find or make from the fields below */
	const char *name;           /* required without person_id */
	const char *mobile;         /* required without person_id (a mobile number) */
	const char *id_number;      /* optional; a person on record with it is the outsider
	                             * only when the names match (search keys) or ... */
	int confirm_person;         /* ... this is set (1): the caller confirms that the
	                             * outsider is the person the number is registered to */
	/* where to and why */
	int64_t unit_id;            /* the unit visited; 0 = the unit of checkpoint_id or of
	                             * host_household_id */
	int64_t checkpoint_id;      /* where the registration was made; 0 = none */
	const char *from;           /* required: where from (a place, a city) */
	const char *reason;         /* required: why */
	int64_t host_household_id;  /* the household visited, 0 = none */
	const char *host;           /* whom they visit, in words; required when no household */
	int64_t valid_from;         /* seconds since the epoch; 0 = now */
	int64_t valid_until;        /* 0 = the end of valid_from's local day */
	int64_t registered_by;      /* the user; 0 = command line or self check-in */
} outsider_input;

typedef struct outsider {
	int64_t id;
	int64_t unit_id;
	int64_t person_id;
	int64_t checkpoint_id;      /* 0 = none */
	int64_t host_household_id;  /* 0 = none */
	const char *person_name;    /* masked */
	const char *mobile_mask;    /* masked, NULL when none */
	const char *from;
	const char *reason;
	const char *host;           /* NULL when none */
	int64_t valid_from, valid_until;
	int64_t registered_at;
	int64_t registered_by;      /* 0 = none */
} outsider;

/*
 * Register in->... at instant now (validated, then written in one
 * transaction, nested in the caller's if any).  today is the local date as
 * YYYYMMDD for identity-number checks (0 skips the birth-date check).
 * Errors, each naming its field: SJ_EINVAL "name", "mobile", "id_number"
 * (as person_add), "from", "reason", "host" (blank or over 200
 * characters; "host" also when neither it nor host_household_id is
 * given), "valid_until" (not after valid_from, or more than 30 days
 * later), "unit_id" (none given or derivable), "checkpoint_id" (none
 * given by a checkpoint attendant); SJ_ECONFLICT "id_number" when the
 * number is on record for a person of another name (text_search_key of
 * the two differ) and confirm_person is 0 — the identity number is the
 * person's key (DESIGN.md §4 "People"); the message shows that name only
 * masked (ident_name_mask); SJ_ENOTFOUND "person_id",
 * "unit_id", "checkpoint_id", "host_household_id" when not in scope (the
 * household must be in the visited unit); store errors.  *id receives the
 * registration's id, *person_id (may be NULL) the person's.
 */
sj_rc outsider_register(store *s, const crypt_keys *k, const scope *sc,
    const outsider_input *in, int64_t now, int today, int64_t *id, int64_t *person_id,
    sj_err *e);

/* Whether person_id holds a registration for unit_id valid at instant t
 * (valid_from ≤ t < valid_until).  No scope: for the scan path.  Errors:
 * store errors. */
sj_rc outsider_is_registered(store *s, int64_t person_id, int64_t unit_id, int64_t t,
    bool *yes, sj_err *e);

/* The registration with this id, if in scope (its unit; an attendant: its
 * checkpoint).  Errors:
 * SJ_ENOTFOUND ("outsider"). */
sj_rc outsider_get(store *s, const scope *sc, arena *a, int64_t id, outsider *out, sj_err *e);

typedef struct outsider_filter {
	int64_t unit_id;            /* 0: every unit in scope */
	int64_t person_id;          /* 0: everyone */
	int64_t valid_at;           /* 0: any; else registrations valid at that instant */
	int64_t before_id;          /* cursor; 0 = newest first */
	int limit;                  /* 1..OUTSIDER_LIST_MAX; 0 means 50 */
} outsider_filter;

typedef struct outsider_page {
	outsider *items;
	size_t n_items;
	bool has_more;
	int64_t next_before_id;
} outsider_page;

/* One page of registrations in scope, newest first.  Errors: SJ_EINVAL
 * ("limit"); SJ_ENOTFOUND ("unit") out of scope; store errors. */
sj_rc outsider_list(store *s, const scope *sc, arena *a, const outsider_filter *f,
    outsider_page *out, sj_err *e);

#endif
