/*
 * person — people with encrypted identity data.
 *
 * Invariants: (unit, id_number_hash) is unique (person.h); a stored
 * identity number or mobile is always canonical before it is sealed and
 * hashed, so the same number typed in any accepted form finds the same
 * people; a person's unit is their household's when they have one.
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
	Q_REVEAL, Q_HOUSEHOLD_UNIT, Q_UPDATE, Q_TAGS_CLEAR, Q_DELETE,
};

#define PERSON_COLS \
	"p.id, p.name, p.id_number_mask, p.mobile_mask, p.household_id, p.unit_id, p.created_at," \
	" p.name_sort"
/* After a find's condition on ?4: the cursor at ?5/?6, the limit at ?7. */
#define FIND_PAGE \
	" AND " SCOPE_UNIT("p.unit_id") \
	" AND (p.name_sort > ?5 OR (p.name_sort = ?5 AND p.id > ?6) OR ?5 IS NULL)" \
	" ORDER BY p.name_sort, p.id LIMIT ?7"

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
	"SELECT " PERSON_COLS " FROM person p WHERE p.id_number_hash = ?4" FIND_PAGE,
	[Q_FIND_MOBILE] =
	"SELECT " PERSON_COLS " FROM person p WHERE p.mobile_hash = ?4" FIND_PAGE,
	[Q_FIND_NAME] =
	"SELECT " PERSON_COLS " FROM person p WHERE p.name_key LIKE ?4 ESCAPE '\\'" FIND_PAGE,
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
	" name = CASE WHEN ?5 = 1 THEN ?6 ELSE name END,"
	" name_key = CASE WHEN ?5 = 1 THEN ?7 ELSE name_key END,"
	" name_sort = CASE WHEN ?5 = 1 THEN ?8 ELSE name_sort END,"
	" id_number_enc = CASE WHEN ?9 = 1 THEN ?10 ELSE id_number_enc END,"
	" id_number_hash = CASE WHEN ?9 = 1 THEN ?11 ELSE id_number_hash END,"
	" id_number_mask = CASE WHEN ?9 = 1 THEN ?12 ELSE id_number_mask END,"
	" mobile_enc = CASE WHEN ?13 = 1 THEN ?14 ELSE mobile_enc END,"
	" mobile_hash = CASE WHEN ?13 = 1 THEN ?15 ELSE mobile_hash END,"
	" mobile_mask = CASE WHEN ?13 = 1 THEN ?16 ELSE mobile_mask END,"
	" household_id = CASE WHEN ?17 = 1 THEN ?18 ELSE household_id END,"
	" unit_id = CASE WHEN ?17 = 1 THEN ?19 ELSE unit_id END"
	" WHERE id = ?4 AND " SCOPE_UNIT("unit_id"),
	[Q_TAGS_CLEAR] =
	"DELETE FROM person_tag WHERE person_id = ?1",
	[Q_DELETE] =
	"DELETE FROM person WHERE id = ?4 AND " SCOPE_UNIT("unit_id"),
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

/* A person_input made ready to store, by prepare(): fields checked, the
 * name trimmed with its keys, the personal fields sealed, the unit found.
 * Free with prepared_free. */
typedef struct prepared {
	arena a;                /* holds the trimmed name */
	person_input in;        /* the input, its name trimmed */
	char *key;              /* search key of the name; NULL when no name is written */
	uint8_t *sort;          /* collation key of the name */
	size_t sort_n;
	sealed_field idn, mob;  /* enc NULL when absent or not written */
	int64_t unit_id;        /* the person's unit (PERSON_UNIT); 0 for none */
} prepared;

static void
prepared_free(prepared *p)
{
	free(p->key);
	free(p->sort);
	free(p->idn.enc);
	free(p->mob.enc);
	arena_free(&p->a);
}

/* Trim and check the name and check the tags of p->in, as fields selects
 * (PERSON_NAME, PERSON_TAGS); the same rules for adding and changing. */
static sj_rc
clean_input(prepared *p, unsigned fields, sj_err *e)
{
	sj_rc rc;

	if (fields & PERSON_NAME) {
		if ((rc = org_clean_name(&p->a, &p->in.name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
		    (rc = text_sort_key(p->in.name, &p->sort, &p->sort_n, e)) != SJ_OK)
			return rc;
		p->key = text_search_key(p->in.name);
	}
	if (fields & PERSON_TAGS)
		return check_tags(p->in.tags, p->in.n_tags, e);
	return SJ_OK;
}

/* Validate, normalise and seal the identity number and mobile of in that
 * fields selects; an absent one leaves its sealed_field empty (enc NULL). */
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

/* The unit of household_id, which must be in scope. */
static sj_rc
household_unit(store *s, const scope *sc, int64_t household_id, int64_t *unit_id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, person_sql[Q_HOUSEHOLD_UNIT], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, household_id);
	if ((rc = store_query_int(st, unit_id, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_EINVAL, "household_id", "no household with id %lld",
		    (long long)household_id);
	return SJ_OK;
}

/* The unit a person belongs to: their household's (in->unit_id, when
 * given too, must be that one), or the one given; either must be in
 * scope, and only global roles may leave it out. */
static sj_rc
resolve_unit(store *s, const scope *sc, const person_input *in, int64_t *unit_id, sj_err *e)
{
	sj_rc rc;

	*unit_id = 0;
	if (in->household_id > 0) {
		if ((rc = household_unit(s, sc, in->household_id, unit_id, e)) != SJ_OK)
			return rc;
		if (in->unit_id > 0 && in->unit_id != *unit_id)
			return sj_fail(e, SJ_EINVAL, "unit_id", "household %lld is in unit %lld, not "
			    "%lld; give the household's unit or none", (long long)in->household_id,
			    (long long)*unit_id, (long long)in->unit_id);
		return SJ_OK;
	}
	if (in->unit_id > 0 && !org_unit_visible(s, sc, in->unit_id))
		return sj_fail(e, SJ_EINVAL, "unit_id", "no unit with id %lld", (long long)in->unit_id);
	*unit_id = in->unit_id;
	if (*unit_id == 0 && !scope_is_global(sc))
		return sj_fail(e, SJ_EINVAL, "unit_id", "is required");
	return SJ_OK;
}

/* Make in ready to store, as fields selects. */
static sj_rc
prepare(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    unsigned fields, int today, prepared *p, sj_err *e)
{
	sj_rc rc;

	memset(p, 0, sizeof *p);
	arena_init(&p->a);
	p->in = *in;
	if ((rc = clean_input(p, fields, e)) != SJ_OK ||
	    (rc = prepare_personal(k, in, fields, today, &p->idn, &p->mob, e)) != SJ_OK)
		return rc;
	return (fields & PERSON_UNIT) ? resolve_unit(s, sc, in, &p->unit_id, e) : SJ_OK;
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

/* Bind the household and the unit of p at ?at and ?at+1 (NULL for none). */
static void
bind_unit(store_stmt *st, int at, const prepared *p)
{
	if (p->in.household_id > 0)
		store_bind_int(st, at, p->in.household_id);
	if (p->unit_id > 0)
		store_bind_int(st, at + 1, p->unit_id);
}

static sj_rc
insert_person(store *s, const prepared *p, int64_t *id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, person_sql[Q_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, p->in.name);
	store_bind_text(st, 2, p->key);
	store_bind_blob(st, 3, p->sort, p->sort_n);
	bind_field(st, 4, &p->idn);
	bind_field(st, 7, &p->mob);
	bind_unit(st, 10, p);
	store_bind_int(st, 12, dt_now());
	rc = store_insert_id(st, id, e);
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "id_number", "a person with this identity number is already "
		    "registered in this unit");
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
	prepared p;
	sj_rc rc;

	if ((rc = prepare(s, k, sc, in, PERSON_ALL, today, &p, e)) == SJ_OK &&
	    (rc = store_begin(s, e)) == SJ_OK) {
		if ((rc = insert_person(s, &p, id, e)) == SJ_OK &&
		    (rc = insert_tags(s, *id, &p.in, e)) == SJ_OK)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	prepared_free(&p);
	return rc;
}

/* ---- many people at once (person_add_many) ----------------------------------- */

static const char *const person_cols[] = {
	"id", "name", "name_key", "name_sort", "id_number_enc", "id_number_hash", "id_number_mask",
	"mobile_enc", "mobile_hash", "mobile_mask", "household_id", "unit_id", "created_at",
};
#define N_PERSON_COLS 13
static const char *const tag_cols[] = { "person_id", "tag" };

static store_cell
cell_int_or_null(int64_t v)
{
	return v > 0 ? (store_cell){ .type = STORE_CELL_INT, .i = v }
	    : (store_cell){ .type = STORE_CELL_NULL };
}

/* The three cells of a sealed field, as bind_field binds them (all NULL
 * when absent). */
static void
field_cells(const sealed_field *f, store_cell *c)
{
	if (f->enc == NULL) {
		c[0] = c[1] = c[2] = (store_cell){ .type = STORE_CELL_NULL };
		return;
	}
	c[0] = (store_cell){ .type = STORE_CELL_BLOB, .p = f->enc, .n = f->enc_n };
	c[1] = (store_cell){ .type = STORE_CELL_BLOB, .p = f->hash, .n = sizeof f->hash };
	c[2] = (store_cell){ .type = STORE_CELL_TEXT, .p = f->mask };
}

/* The rows of p[0..n) under ids[0..n), the columns of Q_ADD. */
static sj_rc
insert_people(store *s, const prepared *p, size_t n, const int64_t *ids, sj_err *e)
{
	int64_t now = dt_now();
	store_bulk *b;
	sj_rc rc;

	if ((rc = store_bulk_begin(s, "person", person_cols, N_PERSON_COLS, &b, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		store_cell c[N_PERSON_COLS] = {
			{ .type = STORE_CELL_INT, .i = ids[i] },
			{ .type = STORE_CELL_TEXT, .p = p[i].in.name },
			{ .type = STORE_CELL_TEXT, .p = p[i].key },
			{ .type = STORE_CELL_BLOB, .p = p[i].sort, .n = p[i].sort_n },
		};
		field_cells(&p[i].idn, &c[4]);
		field_cells(&p[i].mob, &c[7]);
		c[10] = cell_int_or_null(p[i].in.household_id);
		c[11] = cell_int_or_null(p[i].unit_id);
		c[12] = (store_cell){ .type = STORE_CELL_INT, .i = now };
		if ((rc = store_bulk_put(b, c, e)) != SJ_OK)
			break;
	}
	if (rc == SJ_OK)
		rc = store_bulk_end(b, NULL, e);
	else
		store_bulk_abort(b);
	/* at the row on SQLite, at the end of the COPY on PostgreSQL */
	if (rc == SJ_ECONFLICT)
		sj_fail(e, rc, "id_number", "a person with one of these identity numbers is already "
		    "registered, or two of them have the same one");
	return rc;
}

/* The tags of p[0..n) under ids[0..n), each once a person (Q_TAG_ADD's
 * ON CONFLICT DO NOTHING). */
static sj_rc
insert_tags_many(store *s, const prepared *p, size_t n, const int64_t *ids, sj_err *e)
{
	store_bulk *b;
	sj_rc rc;

	if ((rc = store_bulk_begin(s, "person_tag", tag_cols, 2, &b, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < p[i].in.n_tags; t++) {
			const char *tag = p[i].in.tags[t];
			size_t u = 0;
			while (u < t && strcmp(p[i].in.tags[u], tag) != 0)
				u++;
			if (u < t)
				continue;
			store_cell c[2] = { { .type = STORE_CELL_INT, .i = ids[i] },
			    { .type = STORE_CELL_TEXT, .p = tag } };
			if ((rc = store_bulk_put(b, c, e)) != SJ_OK) {
				store_bulk_abort(b);
				return rc;
			}
		}
	return store_bulk_end(b, NULL, e);
}

/* prepare() for each of in[0..n): the unit is resolved once for a run of
 * inputs with the same household and unit. */
static sj_rc
prepare_many(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    size_t n, int today, prepared *p, sj_err *e)
{
	sj_rc rc;

	for (size_t i = 0; i < n; i++) {
		if ((rc = prepare(s, k, sc, &in[i], PERSON_ALL & ~PERSON_UNIT, today, &p[i], e)) ==
		    SJ_OK) {
			if (i > 0 && in[i].household_id == in[i - 1].household_id &&
			    in[i].unit_id == in[i - 1].unit_id)
				p[i].unit_id = p[i - 1].unit_id;
			else
				rc = resolve_unit(s, sc, &in[i], &p[i].unit_id, e);
		}
		if (rc != SJ_OK) {
			sj_err_prefix(e, "person %zu of %zu: ", i + 1, n);
			return rc;
		}
	}
	return SJ_OK;
}

sj_rc
person_add_many(store *s, const crypt_keys *k, const scope *sc, const person_input *in,
    size_t n, int today, int64_t *ids, sj_err *e)
{
	prepared *p = sj_calloc(n ? n : 1, sizeof *p);
	sj_rc rc;

	for (size_t i = 0; i < n; i++)
		arena_init(&p[i].a);
	if ((rc = prepare_many(s, k, sc, in, n, today, p, e)) == SJ_OK && n > 0 &&
	    (rc = store_begin(s, e)) == SJ_OK) {
		if ((rc = store_ids_next(s, "person", n, ids, e)) == SJ_OK &&
		    (rc = insert_people(s, p, n, ids, e)) == SJ_OK &&
		    (rc = insert_tags_many(s, p, n, ids, e)) == SJ_OK)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	for (size_t i = 0; i < n; i++)
		prepared_free(&p[i]);
	free(p);
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

/* Bind Q_UPDATE for person id from p, as fields selects. */
static void
bind_update(store_stmt *st, const scope *sc, int64_t id, const prepared *p, unsigned fields)
{
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, (fields & PERSON_NAME) != 0);
	if (fields & PERSON_NAME) {
		store_bind_text(st, 6, p->in.name);
		store_bind_text(st, 7, p->key);
		store_bind_blob(st, 8, p->sort, p->sort_n);
	}
	bind_update_field(st, 9, fields & PERSON_ID_NUMBER, &p->idn);
	bind_update_field(st, 13, fields & PERSON_MOBILE, &p->mob);
	store_bind_int(st, 17, (fields & PERSON_UNIT) != 0);
	bind_unit(st, 18, p);
}

/* Inside the caller's transaction: the row, then the tags. */
static sj_rc
update_tx(store *s, const scope *sc, int64_t id, const prepared *p, unsigned fields, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, person_sql[Q_UPDATE], &st, e)) != SJ_OK)
		return rc;
	bind_update(st, sc, id, p, fields);
	if ((rc = store_run(st, e)) == SJ_ECONFLICT)
		return sj_fail(e, rc, "id_number",
		    "another person of the unit has this identity number");
	if (rc == SJ_OK && store_changes(s) == 0)
		return sj_fail(e, SJ_ENOTFOUND, "person", "no person with id %lld", (long long)id);
	if (rc != SJ_OK || !(fields & PERSON_TAGS))
		return rc;
	if ((rc = store_prepare(s, person_sql[Q_TAGS_CLEAR], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	return insert_tags(s, id, &p->in, e);
}

sj_rc
person_update(store *s, const crypt_keys *k, const scope *sc, int64_t id,
    const person_input *in, unsigned fields, int today, sj_err *e)
{
	prepared p;
	sj_rc rc;

	if ((rc = prepare(s, k, sc, in, fields, today, &p, e)) == SJ_OK &&
	    (rc = store_begin(s, e)) == SJ_OK) {
		if ((rc = update_tx(s, sc, id, &p, fields, e)) == SJ_OK)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	prepared_free(&p);
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
			p->tags[p->n_tags++] = org_col_str(st, a, 0);
	}
	return rc;
}

/* The row of a person without their tags (read_tags adds them). */
static void
person_read(store_stmt *st, arena *a, void *rec)
{
	person *p = rec;

	memset(p, 0, sizeof *p);
	p->id = store_col_int(st, 0);
	p->name = org_col_str(st, a, 1);
	p->id_number_mask = org_col_str(st, a, 2);
	p->mobile_mask = org_col_str(st, a, 3);
	p->household_id = store_col_int(st, 4);
	p->unit_id = store_col_int(st, 5);
	p->created_at = store_col_int(st, 6);
}

static const org_rows person_rows = {
	"person", "person", sizeof(person), person_read, 7, false,
};

sj_rc
person_get(store *s, const scope *sc, arena *a, int64_t id, person *out, sj_err *e)
{
	sj_rc rc = org_row_get(s, sc, a, person_sql[Q_GET], &person_rows, id, out, e);

	return rc == SJ_OK ? read_tags(s, a, out, e) : rc;
}

/* Pick the statement for q and bind its search parameter ?4. */
static sj_rc
find_prepare(store *s, const crypt_keys *k, const char *q, store_stmt **st, sj_err *e)
{
	char canon[IDENT_PHONE_SIZE];
	unsigned char hash[CRYPT_HASH_BYTES];
	char *key, *pattern;
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
		pattern = store_like_contains(key);
		store_bind_text(*st, 4, pattern);
		free(pattern);
		free(key);
		return SJ_OK;
	}
	if (rc == SJ_OK)
		store_bind_blob(*st, 4, hash, sizeof hash);
	return rc;
}

sj_rc
person_search(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    const org_range *r, org_page *out, sj_err *e)
{
	store_stmt *st;
	person *p;
	int limit;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (q == NULL || text_is_blank(q))
		return sj_fail(e, SJ_EINVAL, "q", "give a name, identity number or mobile to find");
	if ((rc = text_check_utf8(q, strlen(q), "q", TEXT_SINGLE_LINE, e)) != SJ_OK ||
	    (rc = org_range_limit(r, &limit, e)) != SJ_OK ||
	    (rc = find_prepare(s, k, q, &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	org_range_bind(st, 5, &person_rows, r, limit);
	if ((rc = org_page_read(st, a, &person_rows, limit, out, e)) != SJ_OK)
		return rc;
	p = out->rows;
	for (size_t i = 0; rc == SJ_OK && i < out->n; i++)
		rc = read_tags(s, a, &p[i], e);
	return rc;
}

sj_rc
person_find(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    int limit, person **out, size_t *n, sj_err *e)
{
	org_range r = { .limit = limit };
	org_page page;
	sj_rc rc;

	if (limit == 0)  /* org_range's "default" is not a limit person_find takes */
		return sj_fail(e, SJ_EINVAL, "limit", "0 is out of range 1..%d", ORG_LIST_MAX);
	rc = person_search(s, k, sc, a, q, &r, &page, e);
	*out = page.rows;
	*n = page.n;
	return rc;
}

sj_rc
person_delete(store *s, const scope *sc, int64_t id, sj_err *e)
{
	static const org_delete del = {
		person_sql[Q_DELETE], &person_rows, NULL,
		"records of other modules (passes, scans, alerts, service requests)",
	};

	return org_row_delete(s, sc, &del, id, e);
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

sj_rc
person_match(store *s, const crypt_keys *k, arena *a, const char *name, const char *mobile,
    int64_t *id, sj_err *e)
{
	char mask[IDENT_PHONE_SIZE];
	char *want = text_search_key(name);
	person *found;
	size_t n;
	sj_rc rc;

	*id = 0;
	ident_phone_mask(mobile, "mobile", mask, sizeof mask, NULL);
	rc = person_find(s, k, &scope_system, a, mobile, ORG_LIST_MAX, &found, &n, e);
	for (size_t i = 0; rc == SJ_OK && i < n; i++) {
		char *key;
		if (found[i].mobile_mask == NULL || strcmp(found[i].mobile_mask, mask) != 0)
			continue;
		key = text_search_key(found[i].name);
		if (strcmp(key, want) == 0 && (*id == 0 || found[i].id < *id))
			*id = found[i].id;
		free(key);
	}
	free(want);
	return rc;
}
