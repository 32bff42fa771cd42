/*
 * outsider — outsider registrations: validate, find or make the person,
 * store; the check the scan path makes; lists.
 */
#include "domain/outsider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/ident.h"
#include "core/text.h"
#include "domain/org.h"
#include "domain/person.h"
#include "domain/retention.h"

enum { Q_INSERT, Q_VALID, Q_GET, Q_LIST, Q_CHECKPOINT_UNIT, Q_HOUSEHOLD_UNIT, Q_PERSON };

#define OUTSIDER_COLS \
	"o.id, o.unit_id, o.person_id, o.checkpoint_id, o.host_household_id, pr.name," \
	" pr.mobile_mask, o.came_from, o.reason, o.host, o.valid_from, o.valid_until," \
	" o.registered_at, o.registered_by"

static const char *const outsider_sql[] = {
	[Q_INSERT] =
	"INSERT INTO outsider_registration (unit_id, person_id, checkpoint_id, came_from, reason,"
	" host_household_id, host, valid_from, valid_until, registered_at, registered_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	[Q_VALID] =
	"SELECT count(*) FROM outsider_registration WHERE person_id = ?1 AND unit_id = ?2"
	" AND valid_until > ?3 AND valid_from <= ?3",
	[Q_GET] =
	"SELECT " OUTSIDER_COLS " FROM outsider_registration o JOIN person pr ON pr.id = o.person_id"
	" WHERE o.id = ?4 AND " SCOPE_CHECKPOINT("o.unit_id", "o.checkpoint_id")
	" AND o.valid_until >= ?5",
	/* ?4 unit, ?5 person, ?6 valid at, ?7 before id, ?8 limit, ?9 the retention
	 * cut-off (retention.h: a registration expires from its valid_until) */
	[Q_LIST] =
	"SELECT " OUTSIDER_COLS " FROM outsider_registration o JOIN person pr ON pr.id = o.person_id"
	" WHERE " SCOPE_CHECKPOINT("o.unit_id", "o.checkpoint_id")
	" AND (o.unit_id = ?4 OR ?4 IS NULL) AND (o.person_id = ?5 OR ?5 IS NULL)"
	" AND ((o.valid_from <= ?6 AND o.valid_until > ?6) OR ?6 IS NULL)"
	" AND (o.id < ?7 OR ?7 IS NULL) AND o.valid_until >= ?9 ORDER BY o.id DESC LIMIT ?8",
	/* ?4 checkpoint (an attendant: one they attend) */
	[Q_CHECKPOINT_UNIT] =
	"SELECT p.unit_id FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id"),
	[Q_HOUSEHOLD_UNIT] =
	"SELECT p.unit_id FROM household h JOIN place p ON p.id = h.place_id"
	" WHERE h.id = ?4 AND " SCOPE_PLACE("p.unit_id", "p.id"),
	[Q_PERSON] =
	"SELECT count(*) FROM person WHERE id = ?1",
};

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

static sj_rc
check_text(const char *s, const char *field, bool required, sj_err *e)
{
	if (s == NULL || text_is_blank(s))
		return required ? sj_fail(e, SJ_EINVAL, field, "is required") : SJ_OK;
	return text_check_utf8_max(s, strlen(s), field, TEXT_SINGLE_LINE, OUTSIDER_TEXT_MAX, e);
}

/* A query with scope parameters ?1..?3 and an id ?4 whose first column is
 * a unit id. */
static sj_rc
unit_of(store *s, const scope *sc, int q, int64_t id, const char *field, int64_t *unit,
    sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, outsider_sql[q], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_query_int(st, unit, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, field, "no %s with id %lld",
		    q == Q_CHECKPOINT_UNIT ? "checkpoint" : "household", (long long)id);
	return SJ_OK;
}

/* The unit visited: given, else the checkpoint's, else the household's;
 * each given one must agree and be in scope. */
static sj_rc
visited_unit(store *s, const scope *sc, const outsider_input *in, int64_t *unit, sj_err *e)
{
	int64_t u;
	sj_rc rc;

	*unit = in->unit_id;
	/* An attendant's records are those of their checkpoints (scope.h). */
	if (scope_attendant(sc) && in->checkpoint_id == 0)
		return sj_fail(e, SJ_EINVAL, "checkpoint_id", "is required: a checkpoint attendant "
		    "registers at a checkpoint they attend");
	if (in->unit_id && !org_unit_visible(s, sc, in->unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld",
		    (long long)in->unit_id);
	if (in->checkpoint_id) {
		if ((rc = unit_of(s, sc, Q_CHECKPOINT_UNIT, in->checkpoint_id, "checkpoint_id", &u, e))
		    != SJ_OK)
			return rc;
		if (*unit && *unit != u)
			return sj_fail(e, SJ_EINVAL, "checkpoint_id", "is not in unit %lld",
			    (long long)*unit);
		*unit = u;
	}
	if (in->host_household_id) {
		if ((rc = unit_of(s, sc, Q_HOUSEHOLD_UNIT, in->host_household_id, "host_household_id",
		    &u, e)) != SJ_OK)
			return rc;
		if (*unit && *unit != u)
			return sj_fail(e, SJ_ENOTFOUND, "host_household_id",
			    "no household with id %lld in the visited unit",
			    (long long)in->host_household_id);
		*unit = u;
	}
	if (*unit == 0)
		return sj_fail(e, SJ_EINVAL, "unit_id", "is required: give the unit visited, the "
		    "checkpoint or the host household");
	return SJ_OK;
}

static sj_rc
check_validity(const outsider_input *in, int64_t now, int64_t *from, int64_t *until, sj_err *e)
{
	*from = in->valid_from ? in->valid_from : now;
	*until = in->valid_until ? in->valid_until : dt_date_end(dt_date_of(*from));
	if (*until <= *from)
		return sj_fail(e, SJ_EINVAL, "valid_until", "must be after valid_from");
	if (*until - *from > OUTSIDER_VALID_MAX)
		return sj_fail(e, SJ_EINVAL, "valid_until", "a registration lasts at most 30 days");
	return SJ_OK;
}

/* Whether two names are the same name: their search keys (Unicode
 * normalisation and case folding, docs/text.md) are equal. */
static bool
same_name(const char *a, const char *b)
{
	char *ka = text_search_key(a), *kb = text_search_key(b);
	bool same = strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return same;
}

/* The person on record p, found by in->id_number, unless the names differ
 * and in->confirm_person is not set: the identity number is the person's
 * key (DESIGN.md §4 "People"), so a registration under another name is
 * either a mistyped number or a mistyped name, and attaching it silently
 * would put the outsider's visit on someone else's record.  The refusal
 * names the registered person only masked (ident_name_mask). */
static sj_rc
check_id_owner(const person *p, const outsider_input *in, sj_err *e)
{
	char mask[512];

	if (in->confirm_person || same_name(p->name, in->name))
		return SJ_OK;
	if (ident_name_mask(p->name, mask, sizeof mask, NULL) != SJ_OK)
		snprintf(mask, sizeof mask, "*");
	return sj_fail(e, SJ_ECONFLICT, "id_number", "is registered to another name (%s): check "
	    "the number and the name, or confirm that this is that person (confirm_person)", mask);
}

/* An existing person with this identity number (whose name must match:
 * check_id_owner), or this mobile and name; 0 when none. */
static sj_rc
find_person(store *s, const crypt_keys *k, const outsider_input *in, int64_t *id, sj_err *e)
{
	person *found;
	size_t n;
	arena a;
	sj_rc rc = SJ_OK;

	*id = 0;
	arena_init(&a);
	if (in->id_number) {
		rc = person_find(s, k, &scope_system, &a, in->id_number, 1, &found, &n, e);
		if (rc == SJ_OK && n == 1 && (rc = check_id_owner(&found[0], in, e)) == SJ_OK)
			*id = found[0].id;
	}
	if (rc == SJ_OK && *id == 0 && in->mobile) {
		rc = person_find(s, k, &scope_system, &a, in->mobile, ORG_LIST_MAX, &found, &n, e);
		for (size_t i = 0; rc == SJ_OK && i < n; i++)
			if (same_name(found[i].name, in->name) && (*id == 0 || found[i].id < *id))
				*id = found[i].id;
	}
	arena_free(&a);
	return rc;
}

static sj_rc
resolve_person(store *s, const crypt_keys *k, const scope *sc, const outsider_input *in,
    int64_t unit, int today, int64_t *id, sj_err *e)
{
	static const char *const tags[] = { "outsider" };
	person_input p = { .name = in->name, .mobile = in->mobile, .id_number = in->id_number,
	    .unit_id = unit, .tags = tags, .n_tags = 1 };
	store_stmt *st;
	int64_t n;
	sj_rc rc;

	if (in->person_id) {
		if ((rc = store_prepare(s, outsider_sql[Q_PERSON], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, in->person_id);
		if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
			return rc;
		if (n == 0)
			return sj_fail(e, SJ_ENOTFOUND, "person_id", "no person with id %lld",
			    (long long)in->person_id);
		*id = in->person_id;
		return SJ_OK;
	}
	if ((rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK)
		return rc;
	if (in->mobile == NULL)
		return sj_fail(e, SJ_EINVAL, "mobile", "is required: an outsider gives a phone number");
	if ((rc = find_person(s, k, in, id, e)) != SJ_OK || *id)
		return rc;
	return person_add(s, k, sc, &p, today, id, e);
}

sj_rc
outsider_register(store *s, const crypt_keys *k, const scope *sc, const outsider_input *in,
    int64_t now, int today, int64_t *id, int64_t *person_id, sj_err *e)
{
	int64_t unit, from, until, pid = 0;
	store_stmt *st;
	sj_rc rc;

	if ((rc = check_text(in->from, "from", true, e)) != SJ_OK ||
	    (rc = check_text(in->reason, "reason", true, e)) != SJ_OK ||
	    (rc = check_text(in->host, "host", false, e)) != SJ_OK)
		return rc;
	if ((in->host == NULL || text_is_blank(in->host)) && in->host_household_id == 0)
		return sj_fail(e, SJ_EINVAL, "host", "is required: whom the outsider visits (a "
		    "household, or in words)");
	if ((rc = check_validity(in, now, &from, &until, e)) != SJ_OK ||
	    (rc = visited_unit(s, sc, in, &unit, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = resolve_person(s, k, sc, in, unit, today, &pid, e)) != SJ_OK ||
	    (rc = store_prepare(s, outsider_sql[Q_INSERT], &st, e)) != SJ_OK)
		goto fail;
	store_bind_int(st, 1, unit);
	store_bind_int(st, 2, pid);
	bind_opt(st, 3, in->checkpoint_id);
	store_bind_text(st, 4, in->from);
	store_bind_text(st, 5, in->reason);
	bind_opt(st, 6, in->host_household_id);
	store_bind_text(st, 7, in->host && !text_is_blank(in->host) ? in->host : NULL);
	store_bind_int(st, 8, from);
	store_bind_int(st, 9, until);
	store_bind_int(st, 10, now);
	bind_opt(st, 11, in->registered_by);
	if ((rc = store_insert_id(st, id, e)) != SJ_OK)
		goto fail;
	if (person_id)
		*person_id = pid;
	return store_commit(s, e);
fail:
	store_rollback(s);
	return rc;
}

sj_rc
outsider_is_registered(store *s, int64_t person_id, int64_t unit_id, int64_t t, bool *yes,
    sj_err *e)
{
	store_stmt *st;
	int64_t n;
	sj_rc rc;

	*yes = false;
	if ((rc = store_prepare(s, outsider_sql[Q_VALID], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, person_id);
	store_bind_int(st, 2, unit_id);
	store_bind_int(st, 3, t);
	if ((rc = store_query_int(st, &n, NULL, e)) != SJ_OK)
		return rc;
	*yes = n > 0;
	return SJ_OK;
}

static void
outsider_read(store_stmt *st, arena *a, outsider *o)
{
	char mask[512];
	const char *name = store_col_text(st, 5);

	memset(o, 0, sizeof *o);
	o->id = store_col_int(st, 0);
	o->unit_id = store_col_int(st, 1);
	o->person_id = store_col_int(st, 2);
	o->checkpoint_id = store_col_int(st, 3);
	o->host_household_id = store_col_int(st, 4);
	if (name && ident_name_mask(name, mask, sizeof mask, NULL) == SJ_OK)
		o->person_name = arena_strdup(a, mask);
	o->mobile_mask = arena_strdup(a, store_col_text(st, 6));
	o->from = arena_strdup(a, store_col_text(st, 7));
	o->reason = arena_strdup(a, store_col_text(st, 8));
	o->host = arena_strdup(a, store_col_text(st, 9));
	o->valid_from = store_col_int(st, 10);
	o->valid_until = store_col_int(st, 11);
	o->registered_at = store_col_int(st, 12);
	o->registered_by = store_col_int(st, 13);
}

sj_rc
outsider_get(store *s, const scope *sc, arena *a, int64_t id, outsider *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, outsider_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, retention_cutoff(RETENTION_OUTSIDER, dt_now()));
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "outsider", "no outsider registration with id %lld",
		    (long long)id);
	outsider_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
outsider_list(store *s, const scope *sc, arena *a, const outsider_filter *f,
    outsider_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	size_t cap = 0, n = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > OUTSIDER_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit,
		    OUTSIDER_LIST_MAX);
	if (f->unit_id && !org_unit_visible(s, sc, f->unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit", "no unit with id %lld", (long long)f->unit_id);
	if ((rc = store_prepare(s, outsider_sql[Q_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, f->unit_id);
	bind_opt(st, 5, f->person_id);
	bind_opt(st, 6, f->valid_at);
	bind_opt(st, 7, f->before_id);
	store_bind_int(st, 8, limit + 1);
	store_bind_int(st, 9, retention_cutoff(RETENTION_OUTSIDER, dt_now()));
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		out->items = arena_grow(a, out->items, &cap, n, sizeof *out->items);
		outsider_read(st, a, &out->items[n++]);
	}
	if (rc != SJ_OK)
		return rc;
	out->n_items = n > (size_t)limit ? (size_t)limit : n;
	out->has_more = n > (size_t)limit;
	if (out->has_more)
		out->next_before_id = out->items[limit - 1].id;
	return SJ_OK;
}
