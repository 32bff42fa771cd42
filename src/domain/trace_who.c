/*
 * trace_who — the index person of a trace from one of four names
 * (trace_who.h).
 */
#include "domain/trace_who.h"

#include <stdio.h>

#include "core/ident.h"
#include "domain/pass.h"
#include "domain/person.h"

/* The one person in scope whose identity number or mobile is q (already
 * validated), else SJ_EINVAL naming field. */
static sj_rc
find_one(store *s, const crypt_keys *k, const scope *sc, arena *a, const char *q,
    const char *field, int64_t *id, sj_err *e)
{
	person *found;
	size_t n;
	sj_rc rc = person_find(s, k, sc, a, q, 2, &found, &n, e);

	if (rc == SJ_OK && n != 1)
		return sj_fail(e, SJ_EINVAL, field, n ? "more than one person in scope has it"
		                                      : "no person in scope has it");
	if (rc == SJ_OK)
		*id = found[0].id;
	return rc;
}

/* The person id in scope, else SJ_EINVAL naming field. */
static sj_rc
get_one(store *s, const scope *sc, arena *a, int64_t pid, const char *field, int64_t *id,
    sj_err *e)
{
	person p;
	sj_rc rc = person_get(s, sc, a, pid, &p, e);

	if (rc == SJ_ENOTFOUND)
		return sj_fail(e, SJ_EINVAL, field, "no such person in scope");
	if (rc == SJ_OK)
		*id = pid;
	return rc;
}

sj_rc
trace_who_resolve(store *s, const crypt_keys *k, const scope *sc, arena *a, const trace_who *w,
    int64_t *id, sj_err *e)
{
	int given = (w->person_id != 0) + (w->id_number != NULL) + (w->mobile != NULL) +
	    (w->pass != NULL);
	char norm[IDENT_ID_SIZE > IDENT_PHONE_SIZE ? IDENT_ID_SIZE : IDENT_PHONE_SIZE];
	pass_claim claim;
	sj_rc rc;

	*id = 0;
	if (given != 1)
		return sj_fail(e, SJ_EINVAL, "person_id",
		    "give exactly one of person_id, id_number, mobile or pass");
	if (w->person_id != 0)
		return get_one(s, sc, a, w->person_id, "person_id", id, e);
	if (w->id_number != NULL) {
		if ((rc = ident_id_normalise(w->id_number, 0, norm, e)) != SJ_OK) {
			if (e)
				snprintf(e->field, sizeof e->field, "id_number");
			return rc;
		}
		return find_one(s, k, sc, a, norm, "id_number", id, e);
	}
	if (w->mobile != NULL) {
		if ((rc = ident_phone_normalise(w->mobile, "mobile", norm, e)) != SJ_OK)
			return rc;
		return find_one(s, k, sc, a, w->mobile, "mobile", id, e);
	}
	if (pass_decode(k, w->pass, &claim) != PASS_VALID)
		return sj_fail(e, SJ_EINVAL, "pass", "is not a pass of this deployment");
	return get_one(s, sc, a, claim.person_id, "pass", id, e);
}
