/*
 * auth_session — sign-in (rate limits, Argon2id verification, session
 * creation), browser sessions and API tokens; the rest of auth.h is in
 * auth.c.  The invariants at the top of auth.c hold here too: no clear
 * token reaches the database or a log, unknown and known usernames cost
 * the same verification, and Argon2id work runs outside transactions.
 */
#include "domain/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/audit.h"
#include "domain/auth_int.h"
#include "domain/org.h"

enum {
	Q_USER_SECRET, Q_LIMIT_USER, Q_LIMIT_IP, Q_ATTEMPT_ADD, Q_ATTEMPT_OK, Q_ATTEMPT_PRUNE,
	Q_SESSION_ADD, Q_SESSION_GET, Q_SESSION_TOUCH, Q_SESSION_DELETE, Q_SESSION_PRUNE,
	Q_TOKEN_ADD, Q_TOKEN_GET, Q_TOKEN_TOUCH, Q_TOKEN_OWNER, Q_TOKEN_REVOKE, Q_TOKEN_LIST,
};

static const char *const auth_sql[] = {
	[Q_USER_SECRET] =
	"SELECT id, password_hash, disabled FROM app_user WHERE username_key = ?1",
	/* The at of the N-th most recent failure in the window (OFFSET N-1):
	 * a row means the limit is reached, and at + window is when it lifts. */
	[Q_LIMIT_USER] =
	"SELECT at FROM login_attempt WHERE username_key = ?1 AND ok = 0 AND at > ?2"
	" AND at <= ?3 ORDER BY at DESC LIMIT 1 OFFSET ?4",
	[Q_LIMIT_IP] =
	"SELECT at FROM login_attempt WHERE ip = ?1 AND ok = 0 AND at > ?2"
	" AND at <= ?3 ORDER BY at DESC LIMIT 1 OFFSET ?4",
	[Q_ATTEMPT_ADD] =
	"INSERT INTO login_attempt (username_key, ip, at, ok) VALUES (?1, ?2, ?3, ?4) RETURNING id",
	[Q_ATTEMPT_OK] = "UPDATE login_attempt SET ok = 1 WHERE id = ?1",
	[Q_ATTEMPT_PRUNE] = "DELETE FROM login_attempt WHERE at <= ?1",
	[Q_SESSION_ADD] =
	"INSERT INTO session (token_hash, csrf_token, user_id, created_at, last_seen_at,"
	" expires_at, ip) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6) RETURNING id",
	[Q_SESSION_GET] =
	"SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, s.user_id, u.username"
	" FROM session s JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = ?1",
	[Q_SESSION_TOUCH] = "UPDATE session SET last_seen_at = ?2 WHERE id = ?1",
	[Q_SESSION_DELETE] = "DELETE FROM session WHERE id = ?1",
	[Q_SESSION_PRUNE] = "DELETE FROM session WHERE expires_at <= ?1 OR last_seen_at <= ?2",
	[Q_TOKEN_ADD] =
	"INSERT INTO api_token (user_id, name, token_hash, prefix, created_at, expires_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	[Q_TOKEN_GET] =
	"SELECT id, user_id, expires_at, revoked_at, last_used_at FROM api_token"
	" WHERE token_hash = ?1",
	[Q_TOKEN_TOUCH] = "UPDATE api_token SET last_used_at = ?2 WHERE id = ?1",
	[Q_TOKEN_OWNER] = "SELECT user_id FROM api_token WHERE id = ?1",
	[Q_TOKEN_REVOKE] =
	"UPDATE api_token SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1",
	[Q_TOKEN_LIST] =
	"SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.expires_at,"
	" t.revoked_at, t.last_used_at FROM api_token t JOIN app_user u ON u.id = t.user_id"
	" WHERE ?1 = 0 OR t.user_id = ?1 ORDER BY t.id DESC",
};

/* ---- sign-in ------------------------------------------------------------- */

/* The stored secret of a user being signed in. */
typedef struct user_secret {
	bool found;
	int64_t id;
	bool disabled;
	char hash[crypto_pwhash_STRBYTES];
} user_secret;

static sj_rc
user_secret_get(store *s, const char *key, user_secret *u, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_USER_SECRET], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, key);
	if ((rc = store_step(st, &u->found, e)) != SJ_OK || !u->found)
		return rc;
	u->id = store_col_int(st, 0);
	snprintf(u->hash, sizeof u->hash, "%s", store_col_text(st, 1));
	u->disabled = store_col_int(st, 2) != 0;
	store_reset(st);
	return SJ_OK;
}

/* One limit: the limit-th most recent failure for value in the window.
 * *retry_at is 0 when the limit is not reached. */
static sj_rc
limit_reached(store *s, int q, const char *value, int limit, int64_t now, int64_t *retry_at,
    sj_err *e)
{
	store_stmt *st;
	int64_t at;
	bool found;
	sj_rc rc;

	*retry_at = 0;
	if ((rc = store_prepare(s, auth_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, value);
	store_bind_int(st, 2, now - AUTH_LIMIT_WINDOW_S);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, limit - 1);
	if ((rc = store_query_int(st, &at, &found, e)) != SJ_OK)
		return rc;
	if (found)
		*retry_at = at + AUTH_LIMIT_WINDOW_S;
	return SJ_OK;
}

static sj_rc
check_limits(store *s, const char *key, const char *ip, int64_t now, int64_t *retry_at,
    sj_err *e)
{
	char when[DT_RFC3339_LEN];
	const char *field = "username", *what = "this username";
	sj_rc rc;

	*retry_at = 0;
	if (*key && (rc = limit_reached(s, Q_LIMIT_USER, key, AUTH_LIMIT_USER, now, retry_at, e))
	    != SJ_OK)
		return rc;
	if (*retry_at == 0 && ip && *ip) {
		if ((rc = limit_reached(s, Q_LIMIT_IP, ip, AUTH_LIMIT_IP, now, retry_at, e)) != SJ_OK)
			return rc;
		field = "ip";
		what = "this address";
	}
	if (*retry_at == 0)
		return SJ_OK;
	dt_format_rfc3339(*retry_at, when);
	return sj_fail(e, SJ_ELIMIT, field, "too many failed sign-ins for %s; try again in %lld "
	    "minute%s (after %s)", what, (long long)((*retry_at - now + 59) / 60),
	    *retry_at - now > 60 ? "s" : "", when);
}

/*
 * Check the limits and, in the same write transaction, record this attempt
 * as failed before any password work, so that parallel attempts count each
 * other and cannot overshoot the limit; auth_attempt_succeeded() turns it into a
 * success.  *attempt_id receives the row.  Errors: SJ_ELIMIT (and
 * *retry_at) from check_limits; store errors.
 */
sj_rc
auth_attempt_begin(store *s, const char *key, const char *ip, int64_t now, int64_t *attempt_id,
    int64_t *retry_at, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = check_limits(s, key, ip, now, retry_at, e)) != SJ_OK ||
	    (rc = store_prepare(s, auth_sql[Q_ATTEMPT_ADD], &st, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, ip ? ip : "");
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, 0);
	if ((rc = store_insert_id(st, attempt_id, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

sj_rc
auth_attempt_succeeded(store *s, int64_t attempt_id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_ATTEMPT_OK], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, attempt_id);
	return store_run(st, e);
}

/* Forget attempts older than a day and sessions that have ended. */
static sj_rc
sign_in_prune(store *s, int64_t now, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_ATTEMPT_PRUNE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, now - 86400);
	if ((rc = store_run(st, e)) != SJ_OK ||
	    (rc = store_prepare(s, auth_sql[Q_SESSION_PRUNE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, now);
	store_bind_int(st, 2, now - AUTH_SESSION_IDLE_S);
	return store_run(st, e);
}

/* Store a new session for user u (in the caller's transaction) and fill
 * out with its tokens and principal. */
static sj_rc
session_create(store *s, const crypt_keys *k, const app_user *u, const char *ip, int64_t now,
    auth_session *out, sj_err *e)
{
	unsigned char hash[CRYPT_HASH_BYTES];
	store_stmt *st;
	sj_rc rc;

	if ((rc = crypt_random_token(out->token, sizeof out->token)) != SJ_OK ||
	    (rc = crypt_random_token(out->csrf, sizeof out->csrf)) != SJ_OK)
		return sj_fail(e, rc, NULL, "no random tokens could be made");
	crypt_token_hash(k, out->token, hash);
	out->expires_at = now + AUTH_SESSION_ABSOLUTE_S;
	if ((rc = store_prepare(s, auth_sql[Q_SESSION_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_blob(st, 1, hash, sizeof hash);
	store_bind_text(st, 2, out->csrf);
	store_bind_int(st, 3, u->id);
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, out->expires_at);
	store_bind_text(st, 6, ip ? ip : "");
	auth_principal_fill(u, &out->principal);
	memcpy(out->principal.csrf, out->csrf, sizeof out->csrf);
	return store_insert_id(st, &out->principal.session_id, e);
}

/* What happened at a sign-in, for the record. */
typedef struct sign_in_result {
	const char *key;       /* username key typed; "" when malformed */
	const char *ip;
	const char *request_id; /* NULL: none */
	int64_t now;
	const user_secret *secret;
	const char *reason;    /* NULL on success, else the audit detail's reason */
	int64_t attempt_id;    /* the login_attempt row reserved by attempt_begin */
} sign_in_result;

static sj_rc
sign_in_audit(store *s, const sign_in_result *r, const app_user *u, sj_err *e)
{
	char detail[64];
	audit_event_input ev = {
		.at = r->now, .ip = r->ip, .request_id = r->request_id, .object_type = "user",
		.action = r->reason ? "user.sign_in_failed" : "user.sign_in",
		.username = u ? u->username : (*r->key ? r->key : "(malformed username)"),
	};

	if (u)
		ev.user_id = ev.object_id = u->id;
	if (r->reason) {
		/* reason is one of this file's fixed words: no escaping needed. */
		snprintf(detail, sizeof detail, "{\"reason\":\"%s\"}", r->reason);
		ev.detail = detail;
	}
	return audit_record(s, &ev, NULL, e);
}

/* The transaction of a sign-in whose password has been checked. */
static sj_rc
sign_in_record(store *s, const crypt_keys *k, const sign_in_result *r, auth_session *out,
    sj_err *e)
{
	app_user u;
	arena a;
	sj_rc rc;

	arena_init(&a);
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((r->reason == NULL && (rc = auth_attempt_succeeded(s, r->attempt_id, e)) != SJ_OK) ||
	    (r->secret->found && (rc = auth_user_load(s, &a, r->secret->id, &u, e)) != SJ_OK) ||
	    (r->reason == NULL && (rc = session_create(s, k, &u, r->ip, r->now, out, e)) != SJ_OK) ||
	    (rc = sign_in_audit(s, r, r->secret->found ? &u : NULL, e)) != SJ_OK ||
	    (rc = sign_in_prune(s, r->now, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

/* Re-hash a password whose stored hash is weaker than today's cost. */
static sj_rc
rehash_if_needed(store *s, const user_secret *u, const char *password, int64_t now, sj_err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	sj_rc rc;

	if (crypto_pwhash_str_needs_rehash(u->hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
		return SJ_OK;
	if ((rc = auth_pw_hash(password, hash, e)) != SJ_OK)
		return rc;
	rc = auth_pw_store(s, u->id, hash, now, false, e);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

sj_rc
auth_sign_in(store *s, const crypt_keys *k, const char *username, const char *password,
    const char *ip, const char *request_id, int64_t now, auth_session *out, sj_err *e)
{
	char key[AUTH_USERNAME_MAX + 1] = "";
	user_secret u = {0};
	sign_in_result r = { .key = key, .ip = ip, .request_id = request_id, .now = now,
	    .secret = &u };
	bool verified;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (password == NULL)
		password = "";
	if (user_check_username(username, NULL) == SJ_OK)
		auth_username_key(username, key);
	if ((rc = auth_attempt_begin(s, key, ip, now, &r.attempt_id, &out->retry_at, e)) != SJ_OK)
		return rc;
	if (*key && (rc = user_secret_get(s, key, &u, e)) != SJ_OK)
		return rc;
	/* The same Argon2id work whether or not the user exists. */
	rc = auth_pw_verify(u.found ? u.hash : auth_pw_dummy(), password, e);
	if (rc == SJ_EBUSY)
		goto out;
	verified = rc == SJ_OK && u.found;
	rc = SJ_OK;
	if (!verified)
		r.reason = u.found ? "wrong_password" : "unknown_user";
	else if (u.disabled)
		r.reason = "disabled";
	if (r.reason == NULL && (rc = rehash_if_needed(s, &u, password, now, e)) != SJ_OK)
		goto out;
	if ((rc = sign_in_record(s, k, &r, out, e)) != SJ_OK)
		goto out;
	if (r.reason && strcmp(r.reason, "disabled") == 0)
		rc = sj_fail(e, SJ_EAUTH, "password", "this account is disabled; ask an administrator");
	else if (r.reason)
		rc = sj_fail(e, SJ_EAUTH, "password", "wrong username or password");
out:
	sodium_memzero(u.hash, sizeof u.hash);
	if (rc != SJ_OK) {
		int64_t retry_at = out->retry_at;
		sodium_memzero(out, sizeof *out);
		out->retry_at = retry_at;
	}
	return rc;
}

/* ---- sessions -------------------------------------------------------------- */

/* A token as it comes from a cookie or header: exactly 43 characters. */
static bool
token_well_formed(const char *token)
{
	return token && strlen(token) == CRYPT_TOKEN_SIZE - 1;
}

typedef struct session_row {
	int64_t id, last_seen_at, expires_at, user_id;
	char csrf[CRYPT_TOKEN_SIZE];
	char username[AUTH_USERNAME_MAX + 1];
} session_row;

static sj_rc
session_find(store *s, const crypt_keys *k, const char *token, session_row *r, bool *found,
    sj_err *e)
{
	unsigned char hash[CRYPT_HASH_BYTES];
	store_stmt *st;
	sj_rc rc;

	*found = false;
	if (!token_well_formed(token))
		return SJ_OK;
	crypt_token_hash(k, token, hash);
	if ((rc = store_prepare(s, auth_sql[Q_SESSION_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_blob(st, 1, hash, sizeof hash);
	if ((rc = store_step(st, found, e)) != SJ_OK || !*found)
		return rc;
	r->id = store_col_int(st, 0);
	snprintf(r->csrf, sizeof r->csrf, "%s", store_col_text(st, 1));
	r->last_seen_at = store_col_int(st, 2);
	r->expires_at = store_col_int(st, 3);
	r->user_id = store_col_int(st, 4);
	snprintf(r->username, sizeof r->username, "%s", store_col_text(st, 5));
	store_reset(st);
	return SJ_OK;
}

/* Set column ?2 of row ?1 to now with one of the touch statements. */
static sj_rc
touch(store *s, int q, int64_t id, int64_t now, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, now);
	return store_run(st, e);
}

static sj_rc
session_end(store *s, int64_t id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_SESSION_DELETE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	return store_run(st, e);
}

sj_rc
auth_session_lookup(store *s, const crypt_keys *k, const char *token, int64_t now,
    auth_principal *out, sj_err *e)
{
	session_row r;
	app_user u;
	bool found;
	arena a;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = session_find(s, k, token, &r, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		goto ended;
	arena_init(&a);
	rc = auth_user_load(s, &a, r.user_id, &u, e);
	if (rc == SJ_OK && !u.disabled && now < r.expires_at &&
	    now < r.last_seen_at + AUTH_SESSION_IDLE_S) {
		if (now - r.last_seen_at >= AUTH_TOUCH_S)
			rc = touch(s, Q_SESSION_TOUCH, r.id, now, e);
		auth_principal_fill(&u, out);
		memcpy(out->csrf, r.csrf, sizeof r.csrf);
		out->session_id = r.id;
		arena_free(&a);
		return rc;
	}
	arena_free(&a);
	if (rc != SJ_OK || (rc = session_end(s, r.id, e)) != SJ_OK)
		return rc;
ended:
	return sj_fail(e, SJ_EAUTH, "session", "not signed in or the session has ended; sign in "
	    "again");
}

sj_rc
auth_sign_out(store *s, const crypt_keys *k, const char *token, const char *ip,
    const char *request_id, sj_err *e)
{
	audit_event_input ev = { .action = "user.sign_out", .object_type = "user", .ip = ip,
	    .request_id = request_id };
	session_row r;
	bool found;
	sj_rc rc;

	if ((rc = session_find(s, k, token, &r, &found, e)) != SJ_OK || !found)
		return rc;
	ev.user_id = ev.object_id = r.user_id;
	ev.username = r.username;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = session_end(s, r.id, e)) != SJ_OK || (rc = audit_record(s, &ev, NULL, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

/* ---- API tokens ------------------------------------------------------------ */

static bool
may_manage_tokens_of(const scope *sc, int64_t user_id)
{
	return auth_role_may(sc->role, PERM_USER_ADMIN) || (sc->user_id > 0 && sc->user_id == user_id);
}

static sj_rc
token_insert(store *s, const crypt_keys *k, int64_t user_id, const char *name,
    int64_t expires_at, const char *token, int64_t *id, sj_err *e)
{
	unsigned char hash[CRYPT_HASH_BYTES];
	char prefix[AUTH_TOKEN_PREFIX_LEN + 1];
	store_stmt *st;
	sj_rc rc;

	crypt_token_hash(k, token, hash);
	snprintf(prefix, sizeof prefix, "%s", token);
	if ((rc = store_prepare(s, auth_sql[Q_TOKEN_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, user_id);
	store_bind_text(st, 2, name);
	store_bind_blob(st, 3, hash, sizeof hash);
	store_bind_text(st, 4, prefix);
	store_bind_int(st, 5, dt_now());
	if (expires_at > 0)
		store_bind_int(st, 6, expires_at);
	else
		store_bind_null(st, 6);
	return store_insert_id(st, id, e);
}

sj_rc
auth_token_create(store *s, const crypt_keys *k, const scope *sc, int64_t user_id,
    const char *name, int64_t expires_at, char token_clear[CRYPT_TOKEN_SIZE], int64_t *id,
    sj_err *e)
{
	app_user u;
	arena a;
	sj_rc rc;

	token_clear[0] = '\0';
	if (!may_manage_tokens_of(sc, user_id))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may make tokens for "
		    "another user");
	if ((rc = org_check_name(name, "name", AUTH_TOKEN_NAME_MAX, e)) != SJ_OK)
		return rc;
	if (expires_at != 0 && expires_at <= dt_now())
		return sj_fail(e, SJ_EINVAL, "expires_at", "is in the past");
	arena_init(&a);
	if ((rc = auth_user_load(s, &a, user_id, &u, e)) != SJ_OK)
		goto out;
	if (u.disabled) {
		rc = sj_fail(e, SJ_EINVAL, "user", "'%s' is disabled", u.username);
		goto out;
	}
	if ((rc = crypt_random_token(token_clear, CRYPT_TOKEN_SIZE)) != SJ_OK) {
		rc = sj_fail(e, rc, NULL, "no random token could be made");
		goto out;
	}
	rc = token_insert(s, k, user_id, name, expires_at, token_clear, id, e);
out:
	if (rc != SJ_OK)
		sodium_memzero(token_clear, CRYPT_TOKEN_SIZE);
	arena_free(&a);
	return rc;
}

sj_rc
auth_token_lookup(store *s, const crypt_keys *k, const char *token, int64_t now,
    auth_principal *out, sj_err *e)
{
	unsigned char hash[CRYPT_HASH_BYTES];
	int64_t id = 0, user_id = 0, expires_at = 0, revoked_at = 0, used_at = 0;
	store_stmt *st;
	bool found = false, usable;
	app_user u;
	arena a;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (token_well_formed(token)) {
		crypt_token_hash(k, token, hash);
		if ((rc = store_prepare(s, auth_sql[Q_TOKEN_GET], &st, e)) != SJ_OK)
			return rc;
		store_bind_blob(st, 1, hash, sizeof hash);
		if ((rc = store_step(st, &found, e)) != SJ_OK)
			return rc;
		if (found) {
			id = store_col_int(st, 0);
			user_id = store_col_int(st, 1);
			expires_at = store_col_int(st, 2);
			revoked_at = store_col_is_null(st, 3) ? 0 : store_col_int(st, 3);
			used_at = store_col_is_null(st, 4) ? -1 : store_col_int(st, 4);
			store_reset(st);
		}
	}
	usable = found && revoked_at == 0 && (expires_at == 0 || now < expires_at);
	arena_init(&a);
	rc = usable ? auth_user_load(s, &a, user_id, &u, e) : SJ_OK;
	if (rc == SJ_OK && usable && !u.disabled) {
		if (used_at < 0 || now - used_at >= AUTH_TOUCH_S)
			rc = touch(s, Q_TOKEN_TOUCH, id, now, e);
		auth_principal_fill(&u, out);
		out->token_id = id;
		out->expires_at = expires_at;
	} else if (rc == SJ_OK)
		rc = sj_fail(e, SJ_EAUTH, "token", "unknown, revoked or expired API token");
	arena_free(&a);
	return rc;
}

sj_rc
auth_token_revoke(store *s, const scope *sc, int64_t id, sj_err *e)
{
	store_stmt *st;
	int64_t owner;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_TOKEN_OWNER], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_query_int(st, &owner, &found, e)) != SJ_OK)
		return rc;
	if (!found || !may_manage_tokens_of(sc, owner))
		return sj_fail(e, SJ_ENOTFOUND, "token", "no API token with id %lld", (long long)id);
	return touch(s, Q_TOKEN_REVOKE, id, dt_now(), e);
}

static int64_t
col_int_or_zero(store_stmt *st, int i)
{
	return store_col_is_null(st, i) ? 0 : store_col_int(st, i);
}

sj_rc
auth_token_list(store *s, const scope *sc, arena *a, int64_t user_id, api_token **out,
    size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if (!auth_role_may(sc->role, PERM_USER_READ) && !(sc->user_id > 0 && sc->user_id == user_id))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "you may list only your own tokens");
	if ((rc = store_prepare(s, auth_sql[Q_TOKEN_LIST], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, user_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		api_token *t;
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		t = &(*out)[(*n)++];
		t->id = store_col_int(st, 0);
		t->user_id = store_col_int(st, 1);
		t->username = arena_strdup(a, store_col_text(st, 2));
		t->name = arena_strdup(a, store_col_text(st, 3));
		t->prefix = arena_strdup(a, store_col_text(st, 4));
		t->created_at = store_col_int(st, 5);
		t->expires_at = col_int_or_zero(st, 6);
		t->revoked_at = col_int_or_zero(st, 7);
		t->last_used_at = col_int_or_zero(st, 8);
	}
	return rc;
}

