/*
 * stubs — functions of domain files that clang 14 cannot compile (their
 * statement tables use initialisers gcc folds; see the Makefile's fuzz
 * targets) or that pull in most of the library (auth.c), referenced by
 * the store-backed functions of pass.c and calendar.c.  No driver reaches those: reaching a stub is a
 * driver bug, so each aborts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "domain/auth.h"
#include "domain/org.h"
#include "domain/request.h"

sj_rc
org_place_get(store *s, const scope *sc, arena *a, int64_t id, org_place *out, sj_err *e)
{
	(void)s, (void)sc, (void)a, (void)id, (void)out, (void)e;
	fprintf(stderr, "fuzz: org_place_get is not linked into the fuzz drivers\n");
	abort();
}

sj_rc
request_recompute_due(store *s, const scope *sc, int64_t *n_changed, sj_err *e)
{
	(void)s, (void)sc, (void)n_changed, (void)e;
	fprintf(stderr, "fuzz: request_recompute_due is not linked into the fuzz drivers\n");
	abort();
}

bool
auth_role_may(sj_role role, auth_perm perm)
{
	(void)role, (void)perm;
	fprintf(stderr, "fuzz: auth_role_may is not linked into the fuzz drivers\n");
	abort();
}
