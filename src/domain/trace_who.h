/*
 * trace_who — naming the index person of a trace (issue 6: "the index
 * person by person id, identity number, mobile or pass"), shared by
 * `sijin trace` and POST /api/v1/traces.
 */
#ifndef SJ_TRACE_WHO_H
#define SJ_TRACE_WHO_H

#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

/* Exactly one of these names the index person. */
typedef struct trace_who {
	int64_t person_id;      /* 0: not given */
	const char *id_number;  /* an identity number in any form ident_id_normalise accepts */
	const char *mobile;     /* a mobile in any form ident_phone_normalise accepts */
	const char *pass;       /* the text of a personal pass's QR code (domain/pass.h) */
} trace_who;

/*
 * The id of the person w names, who must be visible in scope sc; *id is
 * set.  A pass names its holder when its signature verifies, whether or not
 * it is still valid (an expired or revoked pass still says whose it was).
 * Errors, all SJ_EINVAL and naming the parameter given (an out-of-scope
 * person looks exactly like an unknown one):
 *   "person_id"  none or more than one of the four given ("give exactly one
 *                of person_id, id_number, mobile or pass"), or no such person;
 *   "id_number"  not a valid identity number, or not exactly one person has it;
 *   "mobile"     not a valid mobile number, or not exactly one person has it;
 *   "pass"       not a pass of this deployment (malformed or forged), or its
 *                holder is gone.
 * Store errors otherwise.  Strings go into arena a.
 */
sj_rc trace_who_resolve(store *s, const crypt_keys *k, const scope *sc, arena *a,
    const trace_who *w, int64_t *id, sj_err *e);

#endif
