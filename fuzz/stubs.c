/*
 * stubs — functions of domain files that clang 14 cannot compile (their
 * statement tables use initialisers gcc folds; see the Makefile's fuzz
 * targets) or that pull in most of the library (auth.c), referenced by
 * the store-backed functions of pass.c and calendar.c, and the import
 * engine jimport_ledger feeds.  No driver reaches those: reaching a stub is a
 * driver bug, so each aborts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "domain/auth.h"
#include "domain/org.h"
#include "domain/request.h"
#include "domain/scan_import.h"

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

/* jimport_ledger's (json/jimport.c): fuzz_import drives the parsers only. */
sj_rc
scan_import_add(scan_import *im, int64_t line, const scan_input *in, const char *name,
    const char *mobile, sj_err *e)
{
	(void)im, (void)line, (void)in, (void)name, (void)mobile, (void)e;
	fprintf(stderr, "fuzz: scan_import_add is not linked into the fuzz drivers\n");
	abort();
}

void
scan_import_reject(scan_import *im, int64_t line, const sj_err *why)
{
	(void)im, (void)line, (void)why;
	fprintf(stderr, "fuzz: scan_import_reject is not linked into the fuzz drivers\n");
	abort();
}
