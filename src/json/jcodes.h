/*
 * jcodes — the JSON form of passes and place codes, shared by the HTTP
 * API and the command line's --json output.
 *
 * Every function returns a new jansson reference the caller owns
 * (json_decref).  Dates are local "YYYY-MM-DD", instants RFC 3339 with
 * the deployment's offset; the holder's name appears masked only.
 */
#ifndef SJ_JCODES_H
#define SJ_JCODES_H

#include <jansson.h>

#include "core/datetime.h"
#include "domain/pass.h"
#include "domain/placecode.h"

/* A pass: {id, person_id, person_name, place_id, place_name, valid_from,
 * valid_to, status (pass_status on today: "valid", "not_yet_valid",
 * "expired", "revoked"), issued_at, issued_by, revoked_at, revoked_by,
 * revoke_reason, code}; code is the payload text or null when NULL. */
json_t *jcodes_pass(const pass *p, sj_date today, const char *code);

/* A claim read from a payload: {person_id, place_id, valid_from,
 * valid_to, serial}. */
json_t *jcodes_claim(const pass_claim *c);

/* A place code: {checkpoint_id, checkpoint_name, place_id, place_name,
 * unit_name, token, url, created_at}. */
json_t *jcodes_placecode(const placecode *pc, const char *url);

#endif
