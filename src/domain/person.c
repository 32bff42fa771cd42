/*
 * person — people with encrypted identity data.
 *
 * Invariants: id_number_hash is unique; a stored identity number or mobile
 * is always canonical before it is sealed and hashed, so the same number
 * typed in any accepted form finds the same person.
 */
#include "domain/person.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include <sodium.h>

#include "core/ident.h"
#include "core/text.h"
#include "domain/org.h"

#define CLASS_ID     "person.id_number"
#define CLASS_MOBILE "person.mobile"

enum {
	Q_ADD, Q_TAG_ADD, Q_GET, Q_TAGS, Q_FIND_ID, Q_FIND_MOBILE, Q_FIND_NAME,
	Q_REVEAL, Q_HOUSEHOLD_UNIT, Q_UPDATE, Q_TAGS_CLEAR,
};

#define PERSON_COLS \
	"p.id, p.name, p.id_number_mask, p.mobile_mask, p.household_id, p.unit_id, p.created_at"

static const char *const person_sql[] = {
	[Q_ADD] =
	"INSERT INTO person (name, name_key, name_sort, id_number_enc, id_number_hash,"
	" id_number_mask, mobile_enc, mobile_hash, mobile_mask, household_id, unit_id, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
	[Q_TAG_ADD] =
	"INSERT INTO person_tag (person_id, tag) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
	[Q_GET] =
	"SELECT " PERSON_COLS " FROM person p WHERE p.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_TAGS] =
	"SELECT tag FROM person_tag WHERE person_id = ?1 ORDER BY tag",
	[Q_FIND_ID] =
	"SELECT " PERSON_COLS " FROM person p WHERE p.id_number_hash = ?4 AND "
	SCOPE_UNIT("p.unit_id") " ORDER BY p.name_sort, p.id LIMIT ?5",
	[Q_FIND_MOBILE] =
	"SELECT " PERSON_COLS " FROM person p WHERE p.mobile_hash = ?4 AND "
	SCOPE_UNIT("p.unit_id") " ORDER BY p.name_sort, p.id LIMIT ?5",
	[Q_FIND_NAME] =
	"SELECT " PERSON_COLS " FROM person p WHERE instr(p.name_key, ?4) > 0 AND "
	SCOPE_UNIT("p.unit_id") " ORDER BY p.name_sort, p.id LIMIT ?5",
	[Q_REVEAL] =
	"SELECT p.id_number_enc, p.mobile_enc FROM person p WHERE p.id = ?4 AND "
	SCOPE_UNIT("p.unit_id"),
	[Q_HOUSEHOLD_UNIT] =
	"SELECT pl.unit_id FROM household h JOIN place pl ON pl.id = h.place_id"
	" WHERE h.id = ?4 AND " SCOPE_UNIT("pl.unit_id"),
	/* ?5 name given: ?6-?8; ?9 id number given: ?10-?12; ?13 mobile
	 * given: ?14-?16; ?17 unit given: ?18 household, ?19 unit.  A NULL
	 * value under a true flag clears the column. */
	[Q_UPDATE] =
	"UPDATE person SET"
	" name = CASE WHEN ?5 THEN ?6 ELSE name END,"
	" name_key = CASE WHEN ?5 THEN ?7 ELSE name_key END,"
	" name_sort = CASE WHEN ?5 THEN ?8 ELSE name_sort END,"
	" id_number_enc = CASE WHEN ?9 THEN ?10 ELSE id_number_enc END,"
	" id_number_hash = CASE WHEN ?9 THEN ?11 ELSE id_number_hash END,"
	" id_number_mask = CASE WHEN ?9 THEN ?12 ELSE id_number_mask END,"
	" mobile_enc = CASE WHEN ?13 THEN ?14 ELSE mobile_enc END,"
	" mobile_hash = CASE WHEN ?13 THEN ?15 ELSE mobile_hash END,"
	" mobile_mask = CASE WHEN ?13 THEN ?16 ELSE mobile_mask END,"
	" household_id = CASE WHEN ?17 THEN ?18 ELSE household_id END,"
	" unit_id = CASE WHEN ?17 THEN ?19 ELSE unit_id END"
	" WHERE id = ?4 AND " SCOPE_UNIT("unit_id"),
	[Q_TAGS_CLEAR] =
	"DELETE FROM person_tag WHERE person_id = ?1",
};

static const char *const person_tags[] = {
	"resident", "staff", "outsider", "home_quarantine", "living_alone", "elderly",
	"disabled", "key_group", NULL,
};

int
person_tag_valid(const char *tag)
{
	for (const char *const *t = person_tags; *t; t++)
		if (strcmp(*t, tag) == 0)
			return 1;
	return 0;
}

/* One personal field made ready for storage: sealed, hashed, masked. */
typedef struct sealed_field {
	unsigned char *enc;  /* malloc'd; NULL when the field is absent */
	size_t enc_n;
	unsigned char hash[CRYPT_HASH_BYTES];
	char mask[IDENT_PHONE_SIZE];
} sealed_field;

static sj_rc
seal_field(const crypt_keys *k, const char *class, const char *canon, sealed_field *f, sj_err *e)
{
	crypt_lookup_hash(k, class, canon, f->hash);
	return crypt_seal(k, class, canon, strlen(canon), &f->enc, &f->enc_n, e);
}

static sj_rc
prepare_id_number(const crypt_keys *k, const char *in, int today, sealed_field *f, sj_err *e)
{
	char canon[IDENT_ID_SIZE];
	sj_rc rc;

	if ((rc = ident_id_normalise(in, today, canon, e)) != SJ_OK ||
	    (rc = ident_id_mask(canon, f->mask, sizeof f->mask, e)) != SJ_OK)
		return rc;
	return seal_field(k, CLASS_ID, canon, f, e);
}

static sj_rc
prepare_mobile(const crypt_keys *k, const char *in, sealed_field *f, sj_err *e)
{
	char canon[IDENT_PHONE_SIZE];
	sj_rc rc;

	if ((rc = ident_phone_normalise(in, "mobile", canon, e)) != SJ_OK)
		return rc;
	if (!ident_phone_is_mobile(canon))
		return sj_fail(e, SJ_EINVAL, "mobile", "'%s' is a landline; give a mobile number", in);
	if ((rc = ident_phone_mask(canon, "mobile", f->mask, sizeof f->mask, e)) != SJ_OK)
		return rc;
	return seal_field(k, CLASS_MOBILE, canon, f, e);
}

static sj_rc
check_tags(const char *const *tags, size_t n_tags, sj_err *e)
{
	if (n_tags > PERSON_TAGS_MAX)
		return sj_fail(e, SJ_EINVAL, "tags", "at most %d tags", PERSON_TAGS_MAX);
	for (size_t i = 0; i < n_tags; i++)
		if (tags[i] == NULL || !person_tag_valid(tags[i]))
			return sj_fail(e, SJ_EINVAL, "tags", "unknown tag '%s'; known: resident, "
			    "staff, outsider, home_quarantine, living_alone, elderly, disabled, "
			    "key_group", tags[i] ? tags[i] : "");
	return SJ_OK;
}

/* Check the plain fields of in that fields selects (PERSON_NAME,
 * PERSON_TAGS); the same rules for adding and for changing a person. */
static sj_rc
check_input(const person_input *in, unsigned fields, sj_err *e)
{
	sj_rc rc;

	if ((fields & PERSON_NAME) &&
	    (rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK)
		return rc;
	if (fields & PERSON_TAGS)
		return check_tags(in->tags, in->n_tags, e);
	return SJ_OK;
}

/* Validate, normalise and seal the identity number and mobile of in that
 * fields selects; an absent one leaves its sealed_field empty (enc NULL).
 * The caller frees idn->enc and mob->enc. */
static sj_rc
prepare_personal(const crypt_keys *k, const person_input *in, unsigned fields, int today,
    sealed_field *idn, sealed_field *mob, sj_err *e)
{
	sj_rc rc;

	if ((fields & PERSON_ID_NUMBER) && in->id_number &&
	    (rc = prepare_id_number(k, in->id_number, today, idn, e)) != SJ_OK)
		return rc;
	if ((fields & PERSON_MOBILE) && in->mobile &&
	    (rc = prepare_mobile(k, in->mobile, mob, e)) != SJ_OK)
		return rc;
	return SJ_OK;
}

/* The unit a new person belongs to: their household's, or the one given;
 * either must be in scope. */
static sj_rc
resolve_unit(store *s, const scope *sc, const person_input *in, int64_t *unit_id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	*unit_id = 0;
	if (in->household_id > 0) {
		if ((rc = store_prepare(s, person_sql[Q_HOUSEHOLD_UNIT], &st, e)) != SJ_OK)
			return rc;
		scope_bind(st, sc);
		store_bind_int(st, 4, in->household_id);
		if ((rc = store_query_int(st, unit_id, &found, e)) != SJ_OK)
			return rc;
		if (!found)
			return sj_fail(e, SJ_EINVAL, "household_id", "no household with id %lld",
			    (long long)in->household_id);
		return SJ_OK;
	}
	if (in->unit_id > 0 && !org_unit_visible(s, sc, in->unit_id))
		return sj_fail(e, SJ_EINVAL, "unit_id", "no unit with id %lld", (long long)in->unit_id);
	*unit_id = in->unit_id;
	if (*unit_id == 0 && !scope_is_global(sc))
		return sj_fail(e, SJ_EINVAL, "unit_id", "is required");
	return SJ_OK;
}

static void
bind_field(store_stmt *st, int i, const sealed_field *f)
{
	if (f->enc == NULL)
		return;  /* the three parameters stay NULL */
	store_bind_blob(st, i, f->enc, f->enc_n);
	store_bind_blob(st, i + 1, f->hash, sizeof f->hash);
	store_bind_text(st, i + 2, f->mask);
}

static sj_rc
insert_person(store *s, const person_input *in, const sealed_field *idn, const sealed_field *mob,
    int64_t unit_id, int64_t *id, sj_err *e)
{
	store_stmt *st;
	char *key = text_search_key(in->name);
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	sj_rc rc;

	if ((rc = text_sort_key(in->name, &sort, &sort_n, e)) != SJ_OK)
		goto out;
	if ((rc = store_prepare(s, person_sql[Q_ADD], &st, e)) != SJ_OK)
		goto out;
	store_bind_text(st, 1, in->name);
	store_bind_text(st, 2, key);
	store_bind_blob(st, 3, sort, sort_n);
	bind_field(st, 4, idn);
	bind_field(st, 7, mob);
	if (in->household_id > 0)
		store_bind_int(st, 10, in->household_id);
	if (unit_id > 0)
		store_bind_int(st, 11, unit_id);
	store_bind_int(st, 12, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "id_number", "a person with this identity number is already registered");
out:
	free(key);
	free(sort);
	return rc;
}

static sj_rc
insert_tags(store *s, int64_t id, const person_input *in, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	for (size_t i = 0; i < in->n_tags; i++) {
		if ((rc = store_prepare(s, person_sql[Q_TAG_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, in->tags[i]);
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
person_add(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    int today, int64_t *id, sj_err *e)
{
	sealed_field idn = {0}, mob = {0};
	int64_t unit_id;
	sj_rc rc;

	if ((rc = check_input(in, PERSON_ALL, e)) != SJ_OK ||
	    (rc = prepare_personal(k, in, PERSON_ALL, today, &idn, &mob, e)) != SJ_OK ||
	    (rc = resolve_unit(s, sc, in, &unit_id, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = insert_person(s, in, &idn, &mob, unit_id, id, e)) != SJ_OK ||
	    (rc = insert_tags(s, *id, in, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	free(idn.enc);
	free(mob.enc);
	return rc;
}

/* Bind ?flag and the three columns after it for one personal field of
 * Q_UPDATE: a given field with no value clears the columns. */
static void
bind_update_field(store_stmt *st, int flag, bool given, const sealed_field *f)
{
	store_bind_int(st, flag, given);
	if (given)
		bind_field(st, flag + 1, f);
}

/* Bind the name columns ?5..?8 of Q_UPDATE.  Errors: those of
 * text_sort_key. */
static sj_rc
bind_update_name(store_stmt *st, const person_input *in, unsigned fields, sj_err *e)
{
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	char *key;
	sj_rc rc;

	store_bind_int(st, 5, (fields & PERSON_NAME) != 0);
	if (!(fields & PERSON_NAME))
		return SJ_OK;
	if ((rc = text_sort_key(in->name, &sort, &sort_n, e)) != SJ_OK)
		return rc;
	key = text_search_key(in->name);
	store_bind_text(st, 6, in->name);
	store_bind_text(st, 7, key);
	store_bind_blob(st, 8, sort, sort_n);
	free(key);
	free(sort);
	return SJ_OK;
}

/* Inside the caller's transaction: the row, then the tags. */
static sj_rc
update_tx(store *s, const scope *sc, int64_t id, const person_input *in, unsigned fields,
    const sealed_field *idn, const sealed_field *mob, int64_t unit_id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, person_sql[Q_UPDATE], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = bind_update_name(st, in, fields, e)) != SJ_OK) {
		store_reset(st);
		return rc;
	}
	bind_update_field(st, 9, fields & PERSON_ID_NUMBER, idn);
	bind_update_field(st, 13, fields & PERSON_MOBILE, mob);
	store_bind_int(st, 17, (fields & PERSON_UNIT) != 0);
	if (in->household_id > 0)
		store_bind_int(st, 18, in->household_id);
	if (unit_id > 0)
		store_bind_int(st, 19, unit_id);
	if ((rc = store_run(st, e)) == SJ_ECONFLICT)
		return sj_fail(e, rc, "id_number",
		    "another person with this identity number is registered");
	if (rc == SJ_OK && store_changes(s) == 0)
		return sj_fail(e, SJ_ENOTFOUND, "person", "no person with id %lld", (long long)id);
	if (rc != SJ_OK || !(fields & PERSON_TAGS))
		return rc;
	if ((rc = store_prepare(s, person_sql[Q_TAGS_CLEAR], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	return insert_tags(s, id, in, e);
}

sj_rc
person_update(store *s, const crypt_keys *k, const scope *sc, int64_t id,
    const person_input *in, unsigned fields, int today, sj_err *e)
{
	sealed_field idn = {0}, mob = {0};
	int64_t unit_id = 0;
	sj_rc rc;

	if ((rc = check_input(in, fields, e)) != SJ_OK ||
	    (rc = prepare_personal(k, in, fields, today, &idn, &mob, e)) != SJ_OK ||
	    ((fields & PERSON_UNIT) && (rc = resolve_unit(s, sc, in, &unit_id, e)) != SJ_OK) ||
	    (rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = update_tx(s, sc, id, in, fields, &idn, &mob, unit_id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	free(idn.enc);
	free(mob.enc);
	return rc;
}

static sj_rc
read_tags(store *s, arena *a, person *p, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	p->n_tags = 0;
	if ((rc = store_prepare(s, person_sql[Q_TAGS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, p->id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (p->n_tags < PERSON_TAGS_MAX)
			p->tags[p->n_tags++] = arena_strdup(a, store_col_text(st, 0));
	}
	return rc;
}

static void
person_read(store_stmt *st, arena *a, person *p)
{
	memset(p, 0, sizeof *p);
	p->id = store_col_int(st, 0);
	p->name = arena_strdup(a, store_col_text(st, 1));
	p->id_number_mask = arena_strdup(a, store_col_text(st, 2));
	p->mobile_mask = arena_strdup(a, store_col_text(st, 3));
	p->household_id = store_col_int(st, 4);
	p->unit_id = store_col_int(st, 5);
	p->created_at = store_col_int(st, 6);
}

sj_rc
person_get(store *s, const scope *sc, arena *a, int64_t id, person *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, person_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "person", "no person with id %lld", (long long)id);
	person_read(st, a, out);
	store_reset(st);
	return read_tags(s, a, out, e);
}

/* Bind the search parameter ?4 for q and pick the statement. */
static sj_rc
find_prepare(store *s, const crypt_keys *k, const char *q, store_stmt **st, sj_err *e)
{
	char canon[IDENT_PHONE_SIZE];
	unsigned char hash[CRYPT_HASH_BYTES];
	char *key;
	sj_rc rc;

	if (ident_id_normalise(q, 0, canon, NULL) == SJ_OK) {
		crypt_lookup_hash(k, CLASS_ID, canon, hash);
		rc = store_prepare(s, person_sql[Q_FIND_ID], st, e);
	} else if (ident_phone_normalise(q, "q", canon, NULL) == SJ_OK) {
		crypt_lookup_hash(k, CLASS_MOBILE, canon, hash);
		rc = store_prepare(s, person_sql[Q_FIND_MOBILE], st, e);
	} else {
		if ((rc = store_prepare(s, person_sql[Q_FIND_NAME], st, e)) != SJ_OK)
			return rc;
		key = text_search_key(q);
		store_bind_text(*st, 4, key);
		free(key);
		return SJ_OK;
	}
	if (rc == SJ_OK)
		store_bind_blob(*st, 4, hash, sizeof hash);
	return rc;
}

sj_rc
person_find(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    int limit, person **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if (q == NULL || text_is_blank(q))
		return sj_fail(e, SJ_EINVAL, "q", "give a name, identity number or mobile to find");
	if ((rc = text_check_utf8(q, strlen(q), "q", TEXT_SINGLE_LINE, e)) != SJ_OK)
		return rc;
	if (limit < 1 || limit > ORG_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit, ORG_LIST_MAX);
	if ((rc = find_prepare(s, k, q, &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 5, limit);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		person_read(st, a, &(*out)[(*n)++]);
	}
	for (size_t i = 0; rc == SJ_OK && i < *n; i++)
		rc = read_tags(s, a, &(*out)[i], e);
	return rc;
}

/* Decrypt column i of the current row, or leave *out NULL when it is NULL. */
static sj_rc
open_column(store_stmt *st, int i, const crypt_keys *k, const char *class, arena *a,
    const char **out, sj_err *e)
{
	const unsigned char *sealed;
	char *clear = NULL;
	size_t n, clear_n;
	sj_rc rc;

	*out = NULL;
	if (store_col_is_null(st, i))
		return SJ_OK;
	sealed = store_col_blob(st, i, &n);
	if ((rc = crypt_open(k, class, sealed, n, &clear, &clear_n, e)) != SJ_OK)
		return rc;
	*out = arena_strdup(a, clear);
	sodium_memzero(clear, clear_n);
	free(clear);
	return SJ_OK;
}

sj_rc
person_reveal(store *s, const crypt_keys *k, const scope *sc, arena *a, int64_t id,
    const char **id_number, const char **mobile, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	*id_number = *mobile = NULL;
	if ((rc = store_prepare(s, person_sql[Q_REVEAL], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "person", "no person with id %lld", (long long)id);
	if ((rc = open_column(st, 0, k, CLASS_ID, a, id_number, e)) == SJ_OK)
		rc = open_column(st, 1, k, CLASS_MOBILE, a, mobile, e);
	store_reset(st);
	return rc;
}
