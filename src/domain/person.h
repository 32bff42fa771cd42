/*
 * person — the people a work group deals with: residents, staff,
 * outsiders, members of special groups (DESIGN.md §4 "People and identity
 * data").
 *
 * Identity numbers (GB 11643) and mobiles are validated and normalised
 * (core/ident.h), then stored three ways: sealed with the deployment's key
 * (core/crypt.h, data classes "person.id_number" and "person.mobile"), as
 * a keyed look-up hash for exact search, and as a masked text for display.
 * Clear values leave this module only through person_reveal().  One
 * identity number belongs to at most one person.
 *
 * A person belongs to a unit (where they live or work), given directly or
 * through their household; scope is applied on that unit.  People with no
 * unit are visible to global roles only.
 */
#ifndef SJ_PERSON_H
#define SJ_PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/err.h"
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
	int64_t unit_id;            /* 0 for none (ignored when household_id is given) */
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
 * transaction.  today is the local date as YYYYMMDD for the birth-date
 * plausibility check (0 skips it).  Errors: SJ_EINVAL naming "name",
 * "id_number", "mobile", "tags" or "household_id"/"unit_id" (not found or
 * out of scope); SJ_ECONFLICT (field "id_number") when the identity number
 * is already registered; store errors.  Nothing is written on error. */
sj_rc person_add(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    int today, int64_t *id, sj_err *e);

/* Change the fields of person id that fields (PERSON_*) selects to those
 * of in, validated exactly as person_add validates them, in one
 * transaction; other fields keep their stored values.  A selected
 * id_number or mobile of NULL clears it (sealed value, hash and mask
 * together).  PERSON_UNIT moves the person: to the unit of in->household_id
 * when it is given, else to in->unit_id (0 leaves no unit and no
 * household, which only global roles may).  PERSON_TAGS replaces the set
 * of tags.  today is the local date as YYYYMMDD for the birth-date check
 * (0 skips it).  Errors: SJ_EINVAL as person_add; SJ_ECONFLICT (field
 * "id_number") when another person has that identity number;
 * SJ_ENOTFOUND (field "person") when the person is not in scope; store
 * errors.  Nothing is written on error. */
sj_rc person_update(store *s, const crypt_keys *k, const scope *sc, int64_t id,
    const person_input *in, unsigned fields, int today, sj_err *e);

/* The person with this id, if in scope.  Errors: SJ_ENOTFOUND. */
sj_rc person_get(store *s, const scope *sc, arena *a, int64_t id, person *out, sj_err *e);

/* Find people in scope by query: an identity number or a mobile (exact,
 * through the look-up hash, in any accepted form) or else a part of the
 * name (search key substring).  At most limit (1..500) people, by name
 * order then id, into an arena array.  Errors: SJ_EINVAL ("q" empty,
 * "limit"). */
sj_rc person_find(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    int limit, person **out, size_t *n, sj_err *e);

/* The clear identity number and mobile of a person in scope (either may be
 * NULL when none is stored), copied into the arena.  The caller is
 * responsible for the permission check and the audit event.  Errors:
 * SJ_ENOTFOUND; SJ_EDB when the stored value cannot be decrypted (wrong
 * key file). */
sj_rc person_reveal(store *s, const crypt_keys *k, const scope *sc, arena *a, int64_t id,
    const char **id_number, const char **mobile, sj_err *e);

#endif
