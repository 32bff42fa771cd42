/*
 * authn — who is calling: a Bearer API token (programs) or the session
 * cookie plus a CSRF token (browsers), and whether their role may use a
 * route.
 *
 * CSRF: a browser sends the session cookie with every request, including
 * ones forged by another site, so every state-changing request that is
 * authenticated by the cookie must also carry the session's CSRF token in
 * the X-CSRF-Token header, which another site cannot read.  SameSite=Strict
 * on the cookie is the second line.  Bearer tokens are never sent
 * automatically, so they need no CSRF token.
 *
 * Bearer tokens are cached: a scanning device sends its token with every
 * scan, and looking it up (its row and its user's) was ~10 % of the
 * server's CPU on the scan benchmark (bench/RESULTS.md).  Each worker
 * thread keeps TOKEN_CACHE_SLOTS principals, keyed by the token's keyed
 * hash, each for at most CACHEGEN_TTL_S seconds and never past the token's
 * expiry.  Revocation still takes effect: every state-changing request
 * answered by this process (revoking a token, disabling a user, changing a
 * role or scope, signing out) starts a new cache generation
 * (core/cachegen.h), which empties every thread's cache at once; a change
 * made by another process (the command line, a second server on
 * PostgreSQL) takes effect within CACHEGEN_TTL_S.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cachegen.h"
#include "core/datetime.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "http/req.h"

#define TOKEN_CACHE_SLOTS 64   /* per worker thread, direct-mapped by the token's hash */

typedef struct token_cached {
	unsigned char hash[CRYPT_HASH_BYTES];
	uint64_t generation;       /* cachegen_now() when looked up; 0 = empty slot */
	int64_t until;             /* seconds since the epoch: not used from then on */
	auth_principal p;
} token_cached;

static _Thread_local token_cached tl_tokens[TOKEN_CACHE_SLOTS];

/* The principal of a Bearer token: from this thread's cache when fresh,
 * else auth_token_lookup (whose errors it returns), then cached. */
static sj_rc
token_principal(http_req *r, const char *token, auth_principal *p, sj_err *e)
{
	unsigned char hash[CRYPT_HASH_BYTES];
	uint64_t gen = cachegen_now();
	int64_t now = dt_now();
	token_cached *c;
	sj_rc rc;

	crypt_token_hash(http_keys(r), token, hash);
	c = &tl_tokens[hash[0] % TOKEN_CACHE_SLOTS];
	if (c->generation == gen && now < c->until &&
	    sodium_memcmp(c->hash, hash, sizeof hash) == 0) {
		*p = c->p;
		return SJ_OK;
	}
	if ((rc = auth_token_lookup(http_store(r), http_keys(r), token, now, p, e)) != SJ_OK)
		return rc;
	memcpy(c->hash, hash, sizeof hash);
	c->p = *p;
	c->until = now + CACHEGEN_TTL_S;
	if (p->expires_at > 0 && p->expires_at < c->until)
		c->until = p->expires_at;
	c->generation = gen;
	return SJ_OK;
}

static bool
state_changing(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static bool
csrf_ok(const http_req *r, const char *want)
{
	const char *got = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	size_t n = strlen(want);

	return got && n > 0 && strlen(got) == n && sodium_memcmp(got, want, n) == 0;
}

sj_rc
http_authenticate(http_req *r, sj_err *e)
{
	const char *authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	store *s = http_store(r);
	auth_principal p;
	const char *cookie;
	sj_rc rc;

	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0)
			return sj_fail(e, SJ_EAUTH, "Authorization", "use Authorization: Bearer <token>");
		rc = token_principal(r, authz + 7, &p, e);
	} else {
		cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
		if (cookie == NULL)
			return sj_fail(e, SJ_EAUTH, NULL, "sign in first (POST /api/v1/session) or send "
			    "an API token");
		rc = auth_session_lookup(s, http_keys(r), cookie, dt_now(), &p, e);
		r->via_cookie = true;
	}
	if (rc != SJ_OK)
		return rc;
	r->user_id = p.user_id;
	r->username = arena_strdup(&r->a, p.username);
	r->sc = p.scope;
	r->csrf = arena_strdup(&r->a, p.csrf);
	if (r->via_cookie && state_changing(r->method) && !csrf_ok(r, p.csrf))
		return sj_fail(e, SJ_EFORBIDDEN, "X-CSRF-Token",
		    "missing or wrong CSRF token; send the csrf_token from sign-in in X-CSRF-Token");
	return SJ_OK;
}

bool
http_permitted(const http_req *r, int perm)
{
	if (perm == HTTP_SIGNED_IN)
		return r->user_id > 0;
	return auth_role_may(r->sc.role, (auth_perm)perm);
}

sj_rc
http_audit(http_req *r, const char *action, const char *object_type, int64_t object_id,
    json_t *before, json_t *after, sj_err *e)
{
	audit_event_input ev = {
		.user_id = r->user_id, .username = r->username ? r->username : "-",
		.ip = r->ip, .action = action, .object_type = object_type,
		.object_id = object_id, .request_id = r->request_id,
	};
	json_t *detail = NULL;
	char *text = NULL;
	sj_rc rc;

	if (before || after) {
		detail = json_object();
		if (before)
			json_object_set_new(detail, "before", before);
		if (after)
			json_object_set_new(detail, "after", after);
		text = json_dumps(detail, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(detail);
	}
	ev.detail = text;
	rc = audit_record(http_store(r), &ev, NULL, e);
	free(text);
	return rc;
}
