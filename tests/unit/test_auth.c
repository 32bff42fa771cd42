/*
 * Unit tests for domain/auth: username and password rules, Argon2id
 * hashes, sign-in and its rate limits, sessions (idle and absolute
 * expiry), API tokens, the permission table and scopes.
 *
 * Expected values are worked out from the rules, not printed by the code:
 * - crypto_pwhash_str at OPSLIMIT_INTERACTIVE (2) and MEMLIMIT_INTERACTIVE
 *   (67108864 bytes = 65536 KiB) writes "$argon2id$v=19$m=65536,t=2,p=1$"
 *   (libsodium 1.0.18 documentation; PHC string format); the hash is
 *   checked with libsodium's crypto_pwhash_str_verify directly.
 * - Rate limit: 5 failures at t0, t0+60, ..., t0+240 all lie in the
 *   15-minute window of an attempt at t0+300, so it is refused; the oldest
 *   leaves the window (at > now - 900) at now = t0 + 900, so the limit
 *   lifts exactly then: at t0+899 still refused, "in 10 minutes" at t0+300
 *   (600 s), allowed at t0+900.
 * - Sessions: idle 12 h = 43200 s after the last recorded use; absolute
 *   7 d = 604800 s after sign-in; use is recorded only when 60 s or more
 *   have passed since the last record.
 * - A clear token must not occur anywhere in the database: on SQLite the
 *   test reads the database and its WAL byte by byte and searches for it,
 *   on PostgreSQL every row of every table as text (testdb_contains).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "domain/org.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

#define T0 INT64_C(1584500000)   /* 2020-03-18T02:53:20Z */
#define ALICE_PW "correct horse 2020"
#define BOB_PW "member password 1"

static char dir[64], key_path[128];
static store *s;
static crypt_keys *keys;
static int64_t group_id, unit_id, alice_id, bob_id;

static void
org_fixture(void)
{
	org_region r = { .level = "city", .name = "泰安市" };
	org_unit u = { .kind = "community", .name = "高铁社区" };
	work_group g = { .name = "工作二组", .set_up_on = -1 };
	sj_err e = {0};

	assert_int_equal(org_region_add(s, &scope_system, &r, &u.region_id, &e), SJ_OK);
	assert_int_equal(org_unit_add(s, &scope_system, &u, &unit_id, &e), SJ_OK);
	assert_int_equal(group_add(s, &scope_system, &g, &group_id, &e), SJ_OK);
}

static int
group_setup(void **state)
{
	user_input alice = { .username = "Alice", .role = "admin", .password = ALICE_PW,
	    .display_name = "管理员" };
	user_input bob = { .username = "bob", .role = "member", .password = BOB_PW };
	sj_err e = {0};

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sj-auth-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(key_path, sizeof key_path, "%s/t.key", dir);
	if (dt_zone_set("Asia/Shanghai", &e) != SJ_OK || crypt_key_create(key_path, &e) != SJ_OK ||
	    crypt_keys_load(key_path, &keys, &e) != SJ_OK ||
	    (s = testdb_open()) == NULL || migrate_apply(s, NULL, &e) != SJ_OK)
		return -1;
	org_fixture();
	bob.group_id = group_id;
	if (user_add(s, &scope_system, &alice, &alice_id, &e) != SJ_OK ||
	    user_add(s, &scope_system, &bob, &bob_id, &e) != SJ_OK)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[160];

	(void)state;
	store_close(s);
	crypt_keys_free(keys);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int64_t
count(const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t n;

	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_query_int(st, &n, NULL, &e), SJ_OK);
	return n;
}

/* Whether text is stored anywhere in the database (testdb.h). */
static bool
db_contains(const char *text)
{
	return testdb_contains(s, text);
}

/* ---- usernames, passwords, hashes ------------------------------------------ */

static void
test_username_rules(void **state)
{
	char long_name[70];
	sj_err e = {0};

	(void)state;
	assert_int_equal(user_check_username("ab", &e), SJ_EINVAL);
	assert_string_equal(e.field, "username");
	assert_string_equal(e.msg, "must be 3 to 64 characters, got 2");
	assert_int_equal(user_check_username("a@b", &e), SJ_EINVAL);
	assert_string_equal(e.msg, "character 2 is '@'; use only letters A-Z, digits, '.', '_' and '-'");
	assert_int_equal(user_check_username("张三三", &e), SJ_EINVAL);
	assert_int_equal(user_check_username("", &e), SJ_EINVAL);
	assert_string_equal(e.msg, "is required");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	assert_int_equal(user_check_username(long_name, &e), SJ_OK);
	long_name[64] = 'a';
	long_name[65] = '\0';
	assert_int_equal(user_check_username(long_name, &e), SJ_EINVAL);
	assert_int_equal(user_check_username("li.lei_2-x", &e), SJ_OK);
}

static void
test_password_policy(void **state)
{
	sj_err e = {0};

	(void)state;
	assert_int_equal(user_check_password("alice", "short", &e), SJ_EINVAL);
	assert_string_equal(e.field, "password");
	assert_string_equal(e.msg, "must be at least 10 characters, got 5");
	assert_int_equal(user_check_password("alice", "123456789", &e), SJ_EINVAL);
	assert_int_equal(user_check_password("alice", "1234567890", &e), SJ_OK);
	/* Characters, not bytes: 9 Han characters are 27 bytes but too few. */
	assert_int_equal(user_check_password("alice", "一二三四五六七八九", &e), SJ_EINVAL);
	assert_string_equal(e.msg, "must be at least 10 characters, got 9");
	assert_int_equal(user_check_password("alice", "一二三四五六七八九十", &e), SJ_OK);
	/* Not the username, whatever the letter case. */
	assert_int_equal(user_check_password("Wang.Wu-2020", "wang.wu-2020", &e), SJ_EINVAL);
	assert_string_equal(e.msg, "must not be the username");
	assert_int_equal(user_check_password("alice", NULL, &e), SJ_EINVAL);
	assert_string_equal(e.msg, "is required");
}

static void
test_hash_is_argon2id_interactive(void **state)
{
	store_stmt *st;
	char hash[crypto_pwhash_STRBYTES];
	sj_err e = {0};
	bool row;

	(void)state;
	assert_int_equal(store_prepare(s, "SELECT password_hash FROM app_user WHERE id = ?1", &st, &e),
	    SJ_OK);
	store_bind_int(st, 1, alice_id);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	snprintf(hash, sizeof hash, "%s", store_col_text(st, 0));
	store_reset(st);
	assert_memory_equal(hash, "$argon2id$v=19$m=65536,t=2,p=1$", 31);
	assert_int_equal(crypto_pwhash_str_verify(hash, ALICE_PW, strlen(ALICE_PW)), 0);
	assert_int_not_equal(crypto_pwhash_str_verify(hash, "wrong", 5), 0);
	assert_false(db_contains(ALICE_PW));
	assert_int_equal(user_verify_password(s, alice_id, ALICE_PW, &e), SJ_OK);
	assert_int_equal(user_verify_password(s, alice_id, "not it at all", &e), SJ_EAUTH);
}

/* ---- users ------------------------------------------------------------------ */

static void
test_user_add_rules(void **state)
{
	scope member_sc = { .role = ROLE_MEMBER, .user_id = 2, .group_id = 1 };
	scope auditor = { .role = ROLE_AUDITOR, .user_id = 3 };
	user_input in = { .username = "carol", .role = "boss", .password = "long enough pw" };
	sj_err e = {0};
	int64_t id;

	(void)state;
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "role");
	assert_string_equal(e.msg, "'boss' is not a role; use one of admin, leader, member, "
	    "checkpoint, unit, department, auditor");
	in.role = "leader";
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "group_id");
	assert_string_equal(e.msg, "a leader or member needs a work group");
	in.group_id = 9999;
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "group_id");
	in.role = "admin";
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.msg, "only leaders and members belong to a work group");
	in = (user_input){ .username = "carol", .role = "unit", .password = "carol" };
	in.unit_id = unit_id;
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "password");
	in.role = "system";
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "role");
	/* Only user administrators; an auditor sees everything but changes nothing. */
	in = (user_input){ .username = "carol", .role = "auditor", .password = "long enough pw" };
	assert_int_equal(user_add(s, &member_sc, &in, &id, &e), SJ_EFORBIDDEN);
	assert_int_equal(user_add(s, &auditor, &in, &id, &e), SJ_EFORBIDDEN);
	/* Case-insensitive uniqueness: "ALICE" is Alice. */
	in.username = "ALICE";
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "username");
	assert_int_equal(count("SELECT count(*) FROM app_user"), 2);
}

static void
test_user_read_and_scope(void **state)
{
	scope bob_sc = { .role = ROLE_MEMBER, .user_id = bob_id, .group_id = group_id };
	app_user u, *all;
	scope sc;
	size_t n;
	sj_err e = {0};
	arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(user_find_by_username(s, &scope_system, &a, "aLiCe", &u, &e), SJ_OK);
	assert_int_equal(u.id, alice_id);
	assert_string_equal(u.username, "Alice");
	assert_string_equal(u.display_name, "管理员");
	assert_int_equal(u.role, ROLE_ADMIN);
	assert_int_equal(user_get(s, &scope_system, &a, bob_id, &u, &e), SJ_OK);
	assert_int_equal(u.group_id, group_id);
	assert_string_equal(u.link_name, "工作二组");
	principal_scope(&u, &sc);
	assert_int_equal(sc.role, ROLE_MEMBER);
	assert_int_equal(sc.group_id, group_id);
	assert_int_equal(sc.unit_id, 0);
	assert_int_equal(sc.user_id, bob_id);
	/* A member sees themself only, and may not list users. */
	assert_int_equal(user_get(s, &bob_sc, &a, bob_id, &u, &e), SJ_OK);
	assert_int_equal(user_get(s, &bob_sc, &a, alice_id, &u, &e), SJ_EFORBIDDEN);
	assert_int_equal(user_list(s, &bob_sc, &a, &all, &n, &e), SJ_EFORBIDDEN);
	assert_int_equal(user_list(s, &scope_system, &a, &all, &n, &e), SJ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].username, "Alice");  /* by lower-case key: alice < bob */
	assert_int_equal(user_find_by_username(s, &scope_system, &a, "nobody", &u, &e), SJ_ENOTFOUND);
	assert_string_equal(e.msg, "no user named 'nobody'");
	assert_int_equal(user_find_by_username(s, &bob_sc, &a, "BOB", &u, &e), SJ_OK);
	assert_int_equal(user_find_by_username(s, &bob_sc, &a, "alice", &u, &e), SJ_EFORBIDDEN);
	assert_int_equal(user_find_by_username(s, &bob_sc, &a, "nobody", &u, &e), SJ_EFORBIDDEN);
	arena_free(&a);

	/* Scope of other roles, from hand-made rows. */
	u = (app_user){ .id = 7, .role = ROLE_UNIT, .unit_id = 3, .group_id = 5 };
	principal_scope(&u, &sc);
	assert_int_equal(sc.unit_id, 3);
	assert_int_equal(sc.group_id, 0);
	u = (app_user){ .id = 8, .role = ROLE_CHECKPOINT };
	principal_scope(&u, &sc);
	assert_int_equal(sc.user_id, 8);
	assert_int_equal(sc.role, ROLE_CHECKPOINT);
	u = (app_user){ .id = 9, .role = ROLE_DEPARTMENT, .department_id = 4 };
	principal_scope(&u, &sc);
	assert_int_equal(sc.department_id, 4);
}

static void
test_disable_rules(void **state)
{
	scope alice_sc = { .role = ROLE_ADMIN, .user_id = alice_id };
	sj_err e = {0};

	(void)state;
	/* Alice is the only administrator. */
	assert_int_equal(user_disable(s, &scope_system, alice_id, &e), SJ_ECONFLICT);
	assert_string_equal(e.msg, "the last enabled administrator cannot be disabled; add "
	    "another administrator first");
	assert_int_equal(user_disable(s, &alice_sc, alice_id, &e), SJ_ECONFLICT);
	assert_string_equal(e.msg, "you cannot disable your own account");
	assert_int_equal(user_disable(s, &scope_system, 9999, &e), SJ_ENOTFOUND);
	assert_int_equal(count("SELECT count(*) FROM app_user WHERE disabled = 1"), 0);
}

/* ---- sign-in ----------------------------------------------------------------- */

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_sign_in(void **state)
{
	auth_session ses;
	unsigned char hash[CRYPT_HASH_BYTES];
	store_stmt *st;
	sj_err e = {0}, e2 = {0};
	struct timespec t;
	double wrong_s, unknown_s;
	bool row;

	(void)state;
	assert_int_equal(auth_sign_in(s, keys, "alice", ALICE_PW, "10.0.0.1", NULL, T0, &ses, &e), SJ_OK);
	assert_int_equal(strlen(ses.token), 43);
	assert_int_equal(strlen(ses.csrf), 43);
	assert_string_not_equal(ses.token, ses.csrf);
	assert_string_equal(ses.principal.username, "Alice");
	assert_int_equal(ses.principal.role, ROLE_ADMIN);
	assert_int_equal(ses.principal.user_id, alice_id);
	assert_int_equal(ses.expires_at, T0 + 7 * 86400);
	/* Stored: the keyed hash, never the token. */
	crypt_token_hash(keys, ses.token, hash);
	assert_int_equal(store_prepare(s, "SELECT token_hash, csrf_token FROM session WHERE id = ?1",
	    &st, &e), SJ_OK);
	store_bind_int(st, 1, ses.principal.session_id);
	assert_int_equal(store_step(st, &row, &e), SJ_OK);
	assert_true(row);
	assert_memory_equal(store_col_blob(st, 0, &(size_t){0}), hash, sizeof hash);
	assert_string_equal(store_col_text(st, 1), ses.csrf);
	store_reset(st);
	assert_false(db_contains(ses.token));
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'user.sign_in'"), 1);

	/* Warm the dummy hash up, then time a wrong password and an unknown user. */
	assert_int_equal(auth_sign_in(s, keys, "nobody", "x", "10.0.0.1", NULL, T0, &ses, &e), SJ_EAUTH);
	clock_gettime(CLOCK_MONOTONIC, &t);
	assert_int_equal(auth_sign_in(s, keys, "alice", "wrong password", "10.0.0.1", NULL, T0, &ses, &e),
	    SJ_EAUTH);
	wrong_s = seconds_since(&t);
	clock_gettime(CLOCK_MONOTONIC, &t);
	assert_int_equal(auth_sign_in(s, keys, "nobody", ALICE_PW, "10.0.0.1", NULL, T0, &ses, &e2),
	    SJ_EAUTH);
	unknown_s = seconds_since(&t);
	assert_string_equal(e.msg, "wrong username or password");
	assert_string_equal(e2.msg, e.msg);
	assert_string_equal(e2.field, e.field);
	/* Both do one Argon2id verification (~0.1 s); without the dummy hash
	 * the unknown user would answer ~100 times faster. */
	assert_true(unknown_s > wrong_s / 4 && unknown_s < wrong_s * 4);
	assert_int_equal(ses.token[0], '\0');
	assert_int_equal(count("SELECT count(*) FROM login_attempt WHERE ok = 0 AND ip = '10.0.0.1'"), 3);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'user.sign_in_failed'"
	    " AND detail = '{\"reason\":\"unknown_user\"}'"), 2);
}

static void
test_sign_in_disabled(void **state)
{
	user_input in = { .username = "dora", .role = "auditor", .password = "dora's password" };
	auth_session ses;
	sj_err e = {0};
	int64_t id;

	(void)state;
	assert_int_equal(user_add(s, &scope_system, &in, &id, &e), SJ_OK);
	assert_int_equal(auth_sign_in(s, keys, "dora", in.password, NULL, NULL, T0 + 10, &ses, &e), SJ_OK);
	assert_int_equal(user_disable(s, &scope_system, id, &e), SJ_OK);
	/* Her session ended with it. */
	assert_int_equal(auth_session_lookup(s, keys, ses.token, T0 + 20, &ses.principal, &e),
	    SJ_EAUTH);
	assert_int_equal(auth_sign_in(s, keys, "dora", in.password, NULL, NULL, T0 + 30, &ses, &e),
	    SJ_EAUTH);
	assert_string_equal(e.msg, "this account is disabled; ask an administrator");
	assert_int_equal(auth_sign_in(s, keys, "dora", "not her password", NULL, NULL, T0 + 40, &ses, &e),
	    SJ_EAUTH);
	assert_string_equal(e.msg, "wrong username or password");
}

static void
test_rate_limit_username(void **state)
{
	const int64_t t0 = T0 + 3600;
	auth_session ses;
	sj_err e = {0};

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(auth_sign_in(s, keys, "bob", "not bob's password", "10.0.0.2", NULL,
		    t0 + 60 * i, &ses, &e), SJ_EAUTH);
	/* The 6th attempt is refused before the password is looked at, even
	 * the right one, and from another address. */
	assert_int_equal(auth_sign_in(s, keys, "BOB", BOB_PW, "10.0.0.3", NULL, t0 + 300, &ses, &e),
	    SJ_ELIMIT);
	assert_string_equal(e.field, "username");
	assert_non_null(strstr(e.msg, "too many failed sign-ins for this username; try again in 10 "
	    "minutes (after 2020-03-18T12:08:20+08:00)"));
	assert_int_equal(ses.retry_at, t0 + 900);
	assert_int_equal(auth_sign_in(s, keys, "bob", BOB_PW, "10.0.0.3", NULL, t0 + 899, &ses, &e),
	    SJ_ELIMIT);
	assert_int_equal(ses.retry_at, t0 + 900);
	/* Refused attempts were not recorded: the limit lifts as promised. */
	assert_int_equal(count("SELECT count(*) FROM login_attempt WHERE username_key = 'bob'"), 5);
	assert_int_equal(auth_sign_in(s, keys, "bob", BOB_PW, "10.0.0.3", NULL, t0 + 900, &ses, &e), SJ_OK);
	assert_int_equal(ses.principal.user_id, bob_id);
}

static void
test_rate_limit_ip(void **state)
{
	const int64_t t0 = T0 + 7200;
	store_stmt *st;
	auth_session ses;
	sj_err e = {0};

	(void)state;
	/* 20 failures from one address, for 20 names, in the last 15 minutes. */
	for (int i = 0; i < 20; i++) {
		char name[24];
		snprintf(name, sizeof name, "guess%02d", i);
		assert_int_equal(store_prepare(s, "INSERT INTO login_attempt (username_key, ip, at, ok)"
		    " VALUES (?1, '192.0.2.9', ?2, 0)", &st, &e), SJ_OK);
		store_bind_text(st, 1, name);
		store_bind_int(st, 2, t0 - 800 + i);
		assert_int_equal(store_run(st, &e), SJ_OK);
	}
	assert_int_equal(auth_sign_in(s, keys, "alice", ALICE_PW, "192.0.2.9", NULL, t0, &ses, &e),
	    SJ_ELIMIT);
	assert_string_equal(e.field, "ip");
	/* The oldest (at t0 - 800) leaves the window at t0 + 100. */
	assert_int_equal(ses.retry_at, t0 + 100);
	assert_non_null(strstr(e.msg, "for this address; try again in 2 minutes"));
	/* Another address is not affected. */
	assert_int_equal(auth_sign_in(s, keys, "alice", ALICE_PW, "192.0.2.10", NULL, t0, &ses, &e), SJ_OK);
}

/* ---- sessions -------------------------------------------------------------- */

/* The session's last_seen_at, or -1 when it no longer exists. */
static int64_t
last_seen(int64_t session_id)
{
	store_stmt *st;
	bool found;
	sj_err e = {0};
	int64_t v;

	assert_int_equal(store_prepare(s, "SELECT last_seen_at FROM session WHERE id = ?1", &st, &e),
	    SJ_OK);
	store_bind_int(st, 1, session_id);
	assert_int_equal(store_query_int(st, &v, &found, &e), SJ_OK);
	return found ? v : -1;
}

static void
test_session_idle_expiry(void **state)
{
	const int64_t t1 = T0 + 86400;
	auth_session ses;
	auth_principal p;
	sj_err e = {0};

	(void)state;
	assert_int_equal(auth_sign_in(s, keys, "alice", ALICE_PW, "10.0.0.1", NULL, t1, &ses, &e), SJ_OK);
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t1 + 30, &p, &e), SJ_OK);
	assert_int_equal(p.user_id, alice_id);
	assert_string_equal(p.csrf, ses.csrf);
	assert_int_equal(p.session_id, ses.principal.session_id);
	assert_int_equal(last_seen(p.session_id), t1);       /* under a minute: not recorded */
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t1 + 60, &p, &e), SJ_OK);
	assert_int_equal(last_seen(p.session_id), t1 + 60);  /* a minute: recorded */
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t1 + 60 + 43199, &p, &e), SJ_OK);
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t1 + 60 + 43199 + 43200, &p, &e),
	    SJ_EAUTH);
	assert_string_equal(e.field, "session");
	assert_int_equal(last_seen(ses.principal.session_id), -1);  /* an ended session is deleted */
	/* Wrong or malformed tokens. */
	assert_int_equal(auth_session_lookup(s, keys, ses.csrf, t1, &p, &e), SJ_EAUTH);
	assert_int_equal(auth_session_lookup(s, keys, "short", t1, &p, &e), SJ_EAUTH);
	assert_int_equal(auth_session_lookup(s, keys, NULL, t1, &p, &e), SJ_EAUTH);
}

static void
test_session_absolute_expiry(void **state)
{
	const int64_t t2 = T0 + 2 * 86400;
	auth_session ses;
	auth_principal p;
	sj_err e = {0};

	(void)state;
	assert_int_equal(auth_sign_in(s, keys, "alice", ALICE_PW, "10.0.0.1", NULL, t2, &ses, &e), SJ_OK);
	/* In use every 11 hours: never idle for 12. */
	for (int k = 1; k <= 15; k++)
		assert_int_equal(auth_session_lookup(s, keys, ses.token, t2 + k * 11 * 3600, &p, &e),
		    SJ_OK);
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t2 + 604800 - 1, &p, &e), SJ_OK);
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t2 + 604800, &p, &e), SJ_EAUTH);
}

static void
test_sign_out(void **state)
{
	const int64_t t3 = T0 + 10 * 86400;
	auth_session ses;
	auth_principal p;
	sj_err e = {0};

	(void)state;
	assert_int_equal(auth_sign_in(s, keys, "bob", BOB_PW, NULL, NULL, t3, &ses, &e), SJ_OK);
	assert_int_equal(auth_sign_out(s, keys, ses.token, NULL, NULL, &e), SJ_OK);
	assert_int_equal(auth_session_lookup(s, keys, ses.token, t3 + 1, &p, &e), SJ_EAUTH);
	assert_int_equal(auth_sign_out(s, keys, ses.token, NULL, NULL, &e), SJ_OK);  /* again: nothing */
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'user.sign_out'"), 1);
}

/* ---- API tokens ------------------------------------------------------------ */

static void
test_api_tokens(void **state)
{
	scope bob_sc = { .role = ROLE_MEMBER, .user_id = bob_id, .group_id = group_id };
	char token[CRYPT_TOKEN_SIZE], token2[CRYPT_TOKEN_SIZE];
	int64_t now = dt_now(), id, id2;
	auth_principal p;
	api_token *list;
	size_t n;
	sj_err e = {0};
	arena a;

	(void)state;
	assert_int_equal(auth_token_create(s, keys, &scope_system, alice_id, "export", 0, token, &id,
	    &e), SJ_OK);
	assert_int_equal(strlen(token), 43);
	assert_false(db_contains(token));
	arena_init(&a);
	assert_int_equal(auth_token_list(s, &scope_system, &a, alice_id, &list, &n, &e), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(list[0].prefix), 8);
	assert_memory_equal(list[0].prefix, token, 8);
	assert_int_equal(list[0].expires_at, 0);
	assert_int_equal(list[0].last_used_at, 0);
	assert_int_equal(auth_token_lookup(s, keys, token, now, &p, &e), SJ_OK);
	assert_int_equal(p.user_id, alice_id);
	assert_int_equal(p.token_id, id);
	assert_string_equal(p.csrf, "");
	assert_int_equal(count("SELECT count(*) FROM api_token WHERE last_used_at IS NOT NULL"), 1);

	/* Others' tokens: not for a member. */
	assert_int_equal(auth_token_create(s, keys, &bob_sc, alice_id, "x", 0, token2, &id2, &e),
	    SJ_EFORBIDDEN);
	assert_int_equal(auth_token_list(s, &bob_sc, &a, alice_id, &list, &n, &e), SJ_EFORBIDDEN);
	assert_int_equal(auth_token_revoke(s, &bob_sc, id, &e), SJ_ENOTFOUND);
	assert_int_equal(auth_token_create(s, keys, &scope_system, alice_id, "old", now - 1, token2,
	    &id2, &e), SJ_EINVAL);
	assert_string_equal(e.field, "expires_at");

	/* Revoked: refused. */
	assert_int_equal(auth_token_revoke(s, &scope_system, id, &e), SJ_OK);
	assert_int_equal(auth_token_lookup(s, keys, token, now, &p, &e), SJ_EAUTH);
	assert_string_equal(e.msg, "unknown, revoked or expired API token");

	/* Expiring: good until the instant it expires. */
	assert_int_equal(auth_token_create(s, keys, &bob_sc, bob_id, "scanner", now + 100, token2,
	    &id2, &e), SJ_OK);
	assert_int_equal(auth_token_lookup(s, keys, token2, now + 99, &p, &e), SJ_OK);
	assert_int_equal(p.scope.group_id, group_id);
	assert_int_equal(auth_token_lookup(s, keys, token2, now + 100, &p, &e), SJ_EAUTH);
	assert_int_equal(auth_token_list(s, &bob_sc, &a, bob_id, &list, &n, &e), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].expires_at, now + 100);
	assert_false(db_contains(token2));
	assert_int_equal(auth_token_lookup(s, keys, "", now, &p, &e), SJ_EAUTH);
	arena_free(&a);
}

/* ---- permissions, departments ------------------------------------------------ */

static void
test_permission_table(void **state)
{
	(void)state;
	for (int p = 0; p < PERM__COUNT; p++) {
		assert_true(auth_role_may(ROLE_ADMIN, (auth_perm)p));
		assert_true(auth_role_may(ROLE_SYSTEM, (auth_perm)p));
		assert_false(auth_role_may(ROLE_NONE, (auth_perm)p));
	}
	/* DESIGN.md §1: reveal for admin, leader, auditor only. */
	assert_true(auth_role_may(ROLE_LEADER, PERM_PERSON_REVEAL));
	assert_true(auth_role_may(ROLE_AUDITOR, PERM_PERSON_REVEAL));
	assert_false(auth_role_may(ROLE_MEMBER, PERM_PERSON_REVEAL));
	assert_false(auth_role_may(ROLE_UNIT, PERM_PERSON_REVEAL));
	assert_false(auth_role_may(ROLE_CHECKPOINT, PERM_PERSON_REVEAL));
	/* Auditor: reads everything, changes nothing. */
	assert_true(auth_role_may(ROLE_AUDITOR, PERM_AUDIT_READ));
	assert_true(auth_role_may(ROLE_AUDITOR, PERM_USER_READ));
	assert_false(auth_role_may(ROLE_AUDITOR, PERM_USER_ADMIN));
	assert_false(auth_role_may(ROLE_AUDITOR, PERM_ORG_WRITE));
	assert_false(auth_role_may(ROLE_AUDITOR, PERM_SCAN_RECORD));
	/* Leader and member: the group's records, not users or the audit log. */
	assert_true(auth_role_may(ROLE_MEMBER, PERM_ORG_WRITE));
	assert_true(auth_role_may(ROLE_LEADER, PERM_PERSON_WRITE));
	assert_false(auth_role_may(ROLE_LEADER, PERM_USER_ADMIN));
	assert_false(auth_role_may(ROLE_MEMBER, PERM_AUDIT_READ));
	/* Checkpoint: scans at their checkpoints; no people lists. */
	assert_true(auth_role_may(ROLE_CHECKPOINT, PERM_SCAN_RECORD));
	assert_false(auth_role_may(ROLE_CHECKPOINT, PERM_PERSON_READ));
	assert_false(auth_role_may(ROLE_CHECKPOINT, PERM_ORG_WRITE));
	/* Unit raises requests; department answers them, sees no organisation. */
	assert_true(auth_role_may(ROLE_UNIT, PERM_REQUEST_RAISE));
	assert_true(auth_role_may(ROLE_DEPARTMENT, PERM_REQUEST_REPLY));
	assert_false(auth_role_may(ROLE_DEPARTMENT, PERM_ORG_READ));
	assert_false(auth_role_may(ROLE_UNIT, PERM_REQUEST_REPLY));
	assert_false(auth_role_may(ROLE_ADMIN, PERM__COUNT));
	assert_false(auth_role_may(ROLE__COUNT, PERM_ORG_READ));
	assert_string_equal(auth_perm_name(PERM_PERSON_REVEAL), "person.reveal");
}

static void
test_departments(void **state)
{
	department d = { .name = "泰安市文化和旅游局" }, *list;
	scope leader = { .role = ROLE_LEADER, .user_id = 5, .group_id = 1 };
	size_t n;
	sj_err e = {0};
	int64_t id;
	arena a;

	(void)state;
	assert_int_equal(department_add(s, &scope_system, &d, &id, &e), SJ_OK);
	assert_int_equal(department_add(s, &scope_system, &d, &id, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "name");
	d = (department){ .name = "粥店街道办事处", .kind = "town" };
	assert_int_equal(department_add(s, &scope_system, &d, &id, &e), SJ_OK);
	d = (department){ .name = "岱岳区卫生健康局", .kind = "ministry" };
	assert_int_equal(department_add(s, &scope_system, &d, &id, &e), SJ_EINVAL);
	assert_string_equal(e.field, "kind");
	d.kind = NULL;
	assert_int_equal(department_add(s, &leader, &d, &id, &e), SJ_EFORBIDDEN);
	assert_int_equal(department_add(s, &scope_system, &d, &id, &e), SJ_OK);
	arena_init(&a);
	assert_int_equal(department_list(s, &a, &list, &n, &e), SJ_OK);
	/* Pinyin: dai (岱) < tai (泰) < zhou (粥). */
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "岱岳区卫生健康局");
	assert_string_equal(list[0].kind, "government");
	assert_string_equal(list[1].name, "泰安市文化和旅游局");
	assert_string_equal(list[2].name, "粥店街道办事处");
	assert_string_equal(list[2].kind, "town");
	arena_free(&a);
}

/* Re-entering one's password (PATCH of one's own password) is limited like
 * a sign-in: AUTH_LIMIT_USER (5) failures in 15 minutes, then even the right
 * password is refused, so a stolen session cannot guess it.  The failures
 * are recorded at the real clock; the sign-in tests use T0, far away. */
static void
test_verify_password_rate_limited(void **state)
{
	sj_err e = {0};
	int refused_at = -1;

	(void)state;
	for (int i = 0; i < 8 && refused_at < 0; i++)
		if (user_verify_password(s, alice_id, "a wrong guess", &e) == SJ_ELIMIT)
			refused_at = i;
	/* test_password_policy already failed once with "not it at all": 4
	 * more failures make 5, so the 5th call here is the first refused. */
	assert_int_equal(refused_at, 4);
	assert_int_equal(user_verify_password(s, alice_id, ALICE_PW, &e), SJ_ELIMIT);
	assert_string_equal(e.field, "username");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username_rules),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_hash_is_argon2id_interactive),
		cmocka_unit_test(test_user_add_rules),
		cmocka_unit_test(test_user_read_and_scope),
		cmocka_unit_test(test_disable_rules),
		cmocka_unit_test(test_sign_in),
		cmocka_unit_test(test_sign_in_disabled),
		cmocka_unit_test(test_rate_limit_username),
		cmocka_unit_test(test_rate_limit_ip),
		cmocka_unit_test(test_session_idle_expiry),
		cmocka_unit_test(test_session_absolute_expiry),
		cmocka_unit_test(test_sign_out),
		cmocka_unit_test(test_api_tokens),
		cmocka_unit_test(test_permission_table),
		cmocka_unit_test(test_departments),
		cmocka_unit_test(test_verify_password_rate_limited),
	};
	fprintf(stderr, "test_auth on %s\n", testdb_name());
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
