/*
 * person — the people a work group deals with: residents, staff,
 * outsiders, members of special groups (DESIGN.md §4 "People and identity
 * data").
 *
 * Identity numbers (GB 11643) and mobiles are validated and normalised
 * (core/ident.h), then stored three ways: sealed with the deployment's key
 * (core/crypt.h, data classes "person.id_number" and "person.mobile"), as
 * a keyed look-up hash for exact search, and as a masked text for display.
 * Clear values leave this module only through person_reveal().
 *
 * A person belongs to a unit (where they live or work), given directly or
 * through their household; scope is applied on that unit.  People with no
 * unit are visible to global roles only.
 *
 * Identity numbers are unique per unit, not across the deployment: a unit
 * holds at most one person record with a given number (people with no
 * unit count as one more "unit"), and the same number may be registered
 * in several units — a person who lives in one community and works in an
 * enterprise has a record in each.  Decided so because uniqueness across
 * units made a registration in a unit the caller cannot see answer "already
 * registered", which told a leader or a liaison that the number exists
 * elsewhere (issue 3): now a conflict only ever names a record of the
 * unit being written to, which the caller may see.  Looking a number up
 * (person_search) returns every record in the caller's scope that has it.
 * Enforced by the unique index person_id_number_per_unit
 * (schema/sqlite/0009_org_rules.sql).
 */
#ifndef SJ_PERSON_H
#define SJ_PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/org.h"
#include "domain/scope.h"
#include "store/store.h"

#define PERSON_TAGS_MAX 8

typedef struct person {
	int64_t id;
	const char *name;
	const char *id_number_mask; /* "3709**********123X", or NULL when none stored */
	const char *mobile_mask;    /* "139****5678", or NULL */
	int64_t household_id;       /* 0 when none */
	int64_t unit_id;            /* 0 when none */
	const char *tags[PERSON_TAGS_MAX];
	size_t n_tags;
	int64_t created_at;         /* seconds since the epoch, UTC */
} person;

typedef struct person_input {
	const char *name;           /* required, 1–100 code points */
	const char *id_number;      /* any form ident_id_normalise accepts; NULL for none */
	const char *mobile;         /* any form ident_phone_normalise accepts; NULL for none */
	int64_t household_id;       /* 0 for none; sets unit_id from the household's place */
	int64_t unit_id;            /* 0 for none; with a household, 0 or the household's unit */
	const char *const *tags;    /* person tags (see person_tag_valid) */
	size_t n_tags;
} person_input;

/* Which fields of a person_input person_update applies (person_add
 * always takes all of them). */
enum person_field {
	PERSON_NAME      = 1u << 0,
	PERSON_ID_NUMBER = 1u << 1,  /* NULL clears the stored number */
	PERSON_MOBILE    = 1u << 2,  /* NULL clears the stored mobile */
	PERSON_UNIT      = 1u << 3,  /* household_id and unit_id together */
	PERSON_TAGS      = 1u << 4,  /* the whole set is replaced */
	PERSON_ALL       = 0x1fu,
};

/* True when tag is one of: resident, staff, outsider, home_quarantine,
 * living_alone, elderly, disabled, key_group. */
int person_tag_valid(const char *tag);

/* Validate, normalise, encrypt and store a person with their tags, in one
 * transaction; the name is trimmed.  today is the local date as YYYYMMDD
 * for the birth-date plausibility check (0 skips it).  Errors: SJ_EINVAL
 * naming "name", "id_number", "mobile", "tags", "household_id" (not found
 * or out of scope) or "unit_id" (not found, out of scope, or not the unit
 * of the household given with it); SJ_ECONFLICT (field "id_number") when
 * the unit already has a person with that identity number; store errors.
 * Nothing is written on error. */
sj_rc person_add(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    int today, int64_t *id, sj_err *e);

/* person_add for in[0..n) at once, set-based: each input validated,
 * normalised and sealed exactly as person_add does it (the same code),
 * then, in one transaction, n ids taken (store_ids_next) and the people
 * and their tags written with the store's bulk insert (COPY on
 * PostgreSQL: a few round trips in all, where person_add takes ~5 a
 * person).  ids[0..n) (the caller's array) receive the new ids, ascending
 * in input order.  All or nothing: on error nothing is written and ids
 * mean nothing.  Errors: those of person_add, the message prefixed with
 * "person I of N: " for a refused input; SJ_ECONFLICT (field "id_number")
 * when an identity number is already registered or given twice (which
 * one is not said); store errors. */
sj_rc person_add_many(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    size_t n, int today, int64_t *ids, sj_err *e);

/* Change the fields of person id that fields (PERSON_*) selects to those
 * of in, validated exactly as person_add validates them, in one
 * transaction; other fields keep their stored values.  A selected
 * id_number or mobile of NULL clears it (sealed value, hash and mask
 * together).  PERSON_UNIT moves the person: to the unit of in->household_id
 * when it is given (in->unit_id must then be 0 or that unit), else to
 * in->unit_id (0 leaves no unit and no household, which only global roles
 * may).  PERSON_TAGS replaces the set of tags.  today is the local date as
 * YYYYMMDD for the birth-date check (0 skips it).  Errors: SJ_EINVAL as
 * person_add; SJ_ECONFLICT (field "id_number") when another person of the
 * unit has that identity number; SJ_ENOTFOUND (field "person") when the
 * person is not in scope; store errors.  Nothing is written on error. */
sj_rc person_update(store *s, const crypt_keys *k, const scope *sc, int64_t id,
    const person_input *in, unsigned fields, int today, sj_err *e);

/* Delete person id (and their tags) when no row of another module refers
 * to them (passes, scans, service requests).  Errors: SJ_ECONFLICT (field
 * "person"); SJ_ENOTFOUND when not in scope; store errors. */
sj_rc person_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* The person with this id, if in scope.  Errors: SJ_ENOTFOUND. */
sj_rc person_get(store *s, const scope *sc, arena *a, int64_t id, person *out, sj_err *e);

/* One page of the people in scope found by query q: an identity number or
 * a mobile (exact, through the look-up hash, in any accepted form; every
 * record in scope that has it) or else a part of the name (search key
 * substring).  person rows with their tags, in name order (the "zh"
 * collation key) then id, which is the cursor's order.  Errors: SJ_EINVAL
 * ("q" empty or not single-line UTF-8, "limit"). */
sj_rc person_search(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    const org_range *r, org_page *out, sj_err *e);

/* The first page of person_search with at most limit (1..500) people,
 * into an arena array. */
sj_rc person_find(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    int limit, person **out, size_t *n, sj_err *e);

/* The person who has both this mobile (canonical, ident_phone_normalise)
 * and this name (search keys equal, docs/text.md), lowest id first, among
 * every person (no scope: the answer is an id for a scan, never shown);
 * *id 0 when none.  A mobile registered under another name counts as
 * unknown, so the answer never tells whose number it is.  Used by the self
 * check-in page and by bulk import (a paper ledger has 姓名 and 电话, no
 * identity number).  Errors: store errors. */
sj_rc person_match(store *s, const crypt_keys *k, arena *a, const char *name, const char *mobile,
    int64_t *id, sj_err *e);

/* The clear identity number and mobile of a person in scope (either may be
 * NULL when none is stored), copied into the arena.  The caller is
 * responsible for the permission check and the audit event.  Errors:
 * SJ_ENOTFOUND; SJ_EDB when the stored value cannot be decrypted (wrong
 * key file). */
sj_rc person_reveal(store *s, const crypt_keys *k, const scope *sc, arena *a, int64_t id,
    const char **id_number, const char **mobile, sj_err *e);

#endif
