/*
 * jauth — the JSON form of users, API tokens and departments, shared by
 * the HTTP API and the command line.  Each function returns a new
 * reference the caller owns.  No secret (password hash, token hash) ever
 * appears; a token shows only its first characters.
 */
#ifndef SJ_JAUTH_H
#define SJ_JAUTH_H

#include <jansson.h>

#include "domain/auth.h"

json_t *jauth_user(const app_user *u);
json_t *jauth_token(const api_token *t);
json_t *jauth_department(const department *d);

/* The signed-in caller: id, username, display name, role and scope ids. */
json_t *jauth_principal(const auth_principal *p);

#endif
