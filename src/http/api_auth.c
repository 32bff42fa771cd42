/*
 * api_auth — sign-in and sessions, API tokens, users and the audit log
 * over HTTP.  Thin: every rule lives in domain/auth.c and domain/audit.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/datetime.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "http/api.h"
#include "http/jbody.h"
#include "http/req.h"
#include "json/jauth.h"
#include "json/jorg.h"

#define TOKEN_DAYS_DEFAULT 90

static void
set_session_cookie(http_req *r, const char *token, int64_t max_age)
{
	const sj_config *c = http_server_config(r->srv);
	char cookie[256];

	/* Secure when asked to (behind a TLS proxy) and whenever sijin
	 * serves HTTPS itself (issue 3: "Secure when served over TLS"). */
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
	    HTTP_SESSION_COOKIE, token, (long long)max_age,
	    c->cookie_secure || c->tls_cert[0] ? "; Secure" : "");
	http_reply_header(r, "Set-Cookie", cookie);
}

/* ---- session ------------------------------------------------------------ */

typedef struct sign_in_body {
	const char *username;
	const char *password;
} sign_in_body;

static const jb_field sign_in_fields[] = {
	{ "username", JB_STRING, true, offsetof(sign_in_body, username), 0, 0 },
	{ "password", JB_STRING, true, offsetof(sign_in_body, password), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* Both session answers name the deployment's zone (the setting tz,
 * dt_zone_name): the web UI reckons its local days and times in it
 * (web/lib/time.js), not in the browser's zone nor in a constant. */
static sj_rc
post_session(http_req *r, sj_err *e)
{
	sign_in_body in = {0};
	auth_session ses;
	int64_t now = dt_now();
	char retry[24];
	sj_rc rc;

	if ((rc = jb_read(http_body(r), sign_in_fields, &in, &r->a, e)) != SJ_OK)
		return rc;
	rc = auth_sign_in(http_store(r), http_keys(r), in.username, in.password, r->ip,
	    r->request_id, now, &ses, e);
	if (rc == SJ_ELIMIT) {
		snprintf(retry, sizeof retry, "%lld",
		    (long long)(ses.retry_at > now ? ses.retry_at - now : 1));
		http_reply_header(r, "Retry-After", retry);
	}
	if (rc != SJ_OK)
		return rc;
	r->username = arena_strdup(&r->a, ses.principal.username);
	set_session_cookie(r, ses.token, AUTH_SESSION_ABSOLUTE_S);
	return http_reply_json(r, 200, json_pack("{s:o, s:s, s:o, s:s}",
	    "user", jauth_principal(&ses.principal), "csrf_token", ses.csrf,
	    "expires_at", jorg_instant(ses.expires_at), "tz", dt_zone_name()));
}

static sj_rc
get_session(http_req *r, sj_err *e)
{
	app_user u;
	sj_rc rc;

	if ((rc = user_get(http_store(r), &r->sc, &r->a, r->user_id, &u, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, json_pack("{s:o, s:o, s:s}", "user", jauth_user(&u),
	    "csrf_token", r->via_cookie ? json_string(r->csrf) : json_null(),
	    "tz", dt_zone_name()));
}

static sj_rc
delete_session(http_req *r, sj_err *e)
{
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
	sj_rc rc;

	if (r->via_cookie && cookie &&
	    (rc = auth_sign_out(http_store(r), http_keys(r), cookie, r->ip, r->request_id, e))
	    != SJ_OK)
		return rc;
	set_session_cookie(r, "", 0);
	return http_reply_empty(r);
}

/* ---- API tokens --------------------------------------------------------- */

static sj_rc
get_tokens(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "user_id", NULL };
	api_token *t;
	size_t n;
	int64_t user_id;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "user_id", r->user_id, 0, INT64_MAX, &user_id, e)) != SJ_OK ||
	    (rc = auth_token_list(http_store(r), &r->sc, &r->a, user_id, &t, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jauth_token(&t[i]));
	return http_reply_page(r, items, NULL);
}

typedef struct token_body {
	const char *name;
	int64_t expires_in_days;
	int64_t user_id;
} token_body;

static const jb_field token_fields[] = {
	{ "name", JB_STRING, true, offsetof(token_body, name), 0, 0 },
	{ "expires_in_days", JB_INT, false, offsetof(token_body, expires_in_days), 0, 0 },
	{ "user_id", JB_ID, false, offsetof(token_body, user_id), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_token(http_req *r, sj_err *e)
{
	token_body in = { .expires_in_days = TOKEN_DAYS_DEFAULT, .user_id = r->user_id };
	char clear[CRYPT_TOKEN_SIZE], loc[64];
	store *s = http_store(r);
	int64_t id;
	sj_rc rc;

	if ((rc = jb_read(http_body(r), token_fields, &in, &r->a, e)) != SJ_OK)
		return rc;
	if (in.expires_in_days < 1 || in.expires_in_days > 3650)
		return sj_fail(e, SJ_EINVAL, "expires_in_days", "%lld is out of range 1..3650",
		    (long long)in.expires_in_days);
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = auth_token_create(s, http_keys(r), &r->sc, in.user_id, in.name,
	    dt_now() + in.expires_in_days * 86400, clear, &id, e)) != SJ_OK ||
	    (rc = http_audit(r, "token.create", "api_token", id, NULL,
	    json_pack("{s:s, s:I}", "name", in.name, "user_id", (json_int_t)in.user_id), e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	snprintf(loc, sizeof loc, "/api/v1/tokens/%lld", (long long)id);
	http_reply_header(r, "Location", loc);
	return http_reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
	    "name", in.name, "token", clear,
	    "note", "this token is shown once; store it now"));
}

static sj_rc
delete_token(http_req *r, sj_err *e)
{
	store *s = http_store(r);
	int64_t id;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &id, e)) != SJ_OK || (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = auth_token_revoke(s, &r->sc, id, e)) != SJ_OK ||
	    (rc = http_audit(r, "token.revoke", "api_token", id, NULL, NULL, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	return http_reply_empty(r);
}

/* ---- users -------------------------------------------------------------- */

static sj_rc
get_users(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { NULL };
	app_user *u;
	size_t n;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = user_list(http_store(r), &r->sc, &r->a, &u, &n, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jauth_user(&u[i]));
	return http_reply_page(r, items, NULL);
}

static const jb_field user_fields[] = {
	{ "username", JB_STRING, true, offsetof(user_input, username), 0, 0 },
	{ "display_name", JB_STRING, false, offsetof(user_input, display_name), 0, 0 },
	{ "role", JB_STRING, true, offsetof(user_input, role), 0, 0 },
	{ "group_id", JB_ID, false, offsetof(user_input, group_id), 0, 0 },
	{ "unit_id", JB_ID, false, offsetof(user_input, unit_id), 0, 0 },
	{ "department_id", JB_ID, false, offsetof(user_input, department_id), 0, 0 },
	{ "password", JB_STRING, true, offsetof(user_input, password), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

static sj_rc
post_user(http_req *r, sj_err *e)
{
	user_input in = {0};
	store *s = http_store(r);
	app_user u;
	char loc[64];
	int64_t id;
	sj_rc rc;

	if ((rc = jb_read(http_body(r), user_fields, &in, &r->a, e)) != SJ_OK)
		return rc;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = user_add(s, &r->sc, &in, &id, e)) != SJ_OK ||
	    (rc = user_get(s, &r->sc, &r->a, id, &u, e)) != SJ_OK ||
	    (rc = http_audit(r, "user.create", "user", id, NULL, jauth_user(&u), e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	snprintf(loc, sizeof loc, "/api/v1/users/%lld", (long long)id);
	http_reply_header(r, "Location", loc);
	return http_reply_json(r, 201, jauth_user(&u));
}

static sj_rc
get_user(http_req *r, sj_err *e)
{
	app_user u;
	int64_t id;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &id, e)) != SJ_OK)
		return rc;
	if ((rc = user_get(http_store(r), &r->sc, &r->a, id, &u, e)) != SJ_OK)
		return rc == SJ_EFORBIDDEN ? sj_fail(e, SJ_ENOTFOUND, "user", "no user with id %lld",
		    (long long)id) : rc;
	return http_reply_json(r, 200, jauth_user(&u));
}

typedef struct user_patch {
	const char *password;
	const char *current_password;
	int disabled;       /* -1 when not given */
} user_patch;

static const jb_field user_patch_fields[] = {
	{ "password", JB_STRING, false, offsetof(user_patch, password), 0, 0 },
	{ "current_password", JB_STRING, false, offsetof(user_patch, current_password), 0, 0 },
	{ "disabled", JB_BOOL, false, offsetof(user_patch, disabled), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* Apply a PATCH: a new password (one's own needs the current one unless
 * one is an administrator) and/or disabling.  The password never goes into
 * the audit detail. */
static sj_rc
user_patch_apply(http_req *r, int64_t id, const user_patch *in, sj_err *e)
{
	store *s = http_store(r);
	bool admin = auth_role_may(r->sc.role, PERM_USER_ADMIN);
	sj_rc rc;

	if (in->password) {
		if (!admin && id == r->user_id &&
		    (in->current_password == NULL ||
		     user_verify_password(s, id, in->current_password, e) != SJ_OK))
			return sj_fail(e, SJ_EAUTH, "current_password",
			    "give your current password to set a new one");
		if ((rc = user_set_password(s, &r->sc, id, in->password, e)) != SJ_OK)
			return rc;
	}
	if (in->disabled == 1 && (rc = user_disable(s, &r->sc, id, e)) != SJ_OK)
		return rc;
	return http_audit(r, "user.update", "user", id, NULL,
	    json_pack("{s:b, s:b}", "password_changed", in->password != NULL,
	    "disabled", in->disabled == 1), e);
}

static sj_rc
patch_user(http_req *r, sj_err *e)
{
	user_patch in = { .disabled = -1 };
	store *s = http_store(r);
	app_user u;
	int64_t id;
	sj_rc rc;

	if ((rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), user_patch_fields, &in, &r->a, e)) != SJ_OK)
		return rc;
	if (in.disabled == 0)
		return sj_fail(e, SJ_EINVAL, "disabled", "only true is accepted: accounts are "
		    "disabled for good, never re-enabled (add a new user instead)");
	if (in.password == NULL && in.disabled != 1)
		return sj_fail(e, SJ_EINVAL, "body", "nothing to change: give password or disabled");
	if (id != r->user_id && !auth_role_may(r->sc.role, PERM_USER_ADMIN))
		return sj_fail(e, SJ_ENOTFOUND, "user", "no user with id %lld", (long long)id);
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = user_patch_apply(r, id, &in, e)) != SJ_OK ||
	    (rc = user_get(s, &r->sc, &r->a, id, &u, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, jauth_user(&u));
}

/* ---- audit -------------------------------------------------------------- */

static json_t *
audit_json(const audit_event *ev)
{
	json_t *detail = ev->detail ? json_loads(ev->detail, 0, NULL) : NULL;

	return json_pack("{s:I, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)ev->id, "at", jorg_instant(ev->at), "user_id", jorg_id(ev->user_id),
	    "username", ev->username, "ip", jorg_str(ev->ip), "action", ev->action,
	    "object_type", jorg_str(ev->object_type), "object_id", jorg_id(ev->object_id),
	    "detail", detail ? detail : json_null(), "request_id", jorg_str(ev->request_id));
}

/* An RFC 3339 query parameter as an instant; 0 when absent. */
static sj_rc
query_instant(http_req *r, const char *name, int64_t *out, sj_err *e)
{
	const char *s = http_query(r, name);

	*out = 0;
	return s ? dt_parse_rfc3339(s, name, out, e) : SJ_OK;
}

static sj_rc
get_audit(http_req *r, sj_err *e)
{
	static const char *const allowed[] = {
		"action", "user_id", "object_type", "object_id", "from", "to", "limit", "cursor", NULL,
	};
	audit_filter f = { .action_prefix = http_query(r, "action"),
	    .object_type = http_query(r, "object_type") };
	audit_page page;
	const void *key;
	size_t key_n;
	int64_t limit;
	json_t *items;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "user_id", 0, 1, INT64_MAX, &f.user_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "object_id", 0, 1, INT64_MAX, &f.object_id, e)) != SJ_OK ||
	    (rc = http_query_int(r, "limit", 50, 1, AUDIT_LIST_MAX, &limit, e)) != SJ_OK ||
	    (rc = query_instant(r, "from", &f.from, e)) != SJ_OK ||
	    (rc = query_instant(r, "to", &f.to, e)) != SJ_OK ||
	    (rc = http_cursor_decode(r, &key, &key_n, &f.after_id, e)) != SJ_OK)
		return rc;
	f.limit = (int)limit;
	if ((rc = audit_list(http_store(r), &r->sc, &r->a, &f, &page, e)) != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < page.n_events; i++)
		json_array_append_new(items, audit_json(&page.events[i]));
	return http_reply_page(r, items,
	    page.has_more ? http_cursor_encode(r, NULL, 0, page.next_after_id) : NULL);
}

const http_route api_auth_routes[] = {
	{ "POST", "/api/v1/session", post_session, HTTP_PUBLIC, 4096 },
	{ "GET", "/api/v1/session", get_session, HTTP_SIGNED_IN, 0 },
	{ "DELETE", "/api/v1/session", delete_session, HTTP_SIGNED_IN, 0 },
	{ "GET", "/api/v1/tokens", get_tokens, HTTP_SIGNED_IN, 0 },
	{ "POST", "/api/v1/tokens", post_token, HTTP_SIGNED_IN, 4096 },
	{ "DELETE", "/api/v1/tokens/{id}", delete_token, HTTP_SIGNED_IN, 0 },
	{ "GET", "/api/v1/users", get_users, PERM_USER_READ, 0 },
	{ "POST", "/api/v1/users", post_user, PERM_USER_ADMIN, 8192 },
	{ "GET", "/api/v1/users/{id}", get_user, HTTP_SIGNED_IN, 0 },
	{ "PATCH", "/api/v1/users/{id}", patch_user, HTTP_SIGNED_IN, 8192 },
	{ "GET", "/api/v1/audit", get_audit, PERM_AUDIT_READ, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
