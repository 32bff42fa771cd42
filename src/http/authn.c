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
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "http/req.h"


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
		rc = auth_token_lookup(s, http_keys(r), authz + 7, dt_now(), &p, e);
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
