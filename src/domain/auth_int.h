/*
 * auth_int — helpers shared by auth.c (users, passwords) and auth_session.c
 * (sign-in, sessions, API tokens).  Internal to the auth module: nothing
 * outside those two files includes this header.
 */
#ifndef SJ_AUTH_INT_H
#define SJ_AUTH_INT_H

#include <sodium.h>

#include "domain/auth.h"

/* Argon2id hash of password into out (libsodium's encoded string), inside
 * the semaphore that caps concurrent hashing.  Errors: SJ_EBUSY (field
 * "password") when too many run at once; SJ_EINTERNAL when out of memory. */
sj_rc auth_pw_hash(const char *password, char out[crypto_pwhash_STRBYTES], sj_err *e);

/* Check password against an encoded hash: SJ_OK; SJ_EAUTH (field
 * "password", "wrong password"); SJ_EBUSY as auth_pw_hash. */
sj_rc auth_pw_verify(const char *hash, const char *password, sj_err *e);

/* A hash of a random password, made once, verified against when the
 * username is unknown so that unknown and known names cost the same.
 * Static storage; "" if it could not be made. */
const char *auth_pw_dummy(void);

/* Store a new hash for user id at now (seconds); with end_sessions, end
 * every session of the user in the same transaction.  Errors: store
 * errors (nothing changed). */
sj_rc auth_pw_store(store *s, int64_t id, const char *hash, int64_t now, bool end_sessions,
    sj_err *e);

/* The lower-case key of a well-formed username (user_check_username). */
void auth_username_key(const char *username, char key[AUTH_USERNAME_MAX + 1]);

/* The user with this id, without a permission check; strings in a.
 * Errors: SJ_ENOTFOUND (field "user"); store errors. */
sj_rc auth_user_load(store *s, arena *a, int64_t id, app_user *out, sj_err *e);

/* Fill p (user, role, scope) from u. */
void auth_principal_fill(const app_user *u, auth_principal *p);

/* Check the sign-in limits per account key and per address at now and
 * record this attempt as failed in the same transaction; *attempt_id
 * receives its row.  Errors: SJ_ELIMIT with *retry_at (seconds) when a
 * limit is reached; store errors. */
sj_rc auth_attempt_begin(store *s, const char *key, const char *ip, int64_t now,
    int64_t *attempt_id, int64_t *retry_at, sj_err *e);

/* Mark the attempt row as a success.  Errors: store errors. */
sj_rc auth_attempt_succeeded(store *s, int64_t attempt_id, sj_err *e);

#endif
