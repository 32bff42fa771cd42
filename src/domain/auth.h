/*
 * auth — users, their roles and what each role may do, departments,
 * passwords, sign-in with rate limits, browser sessions and API tokens
 * (DESIGN.md §1 and §5; docs/roles.md).
 *
 * Invariants:
 * - A user has exactly one role.  Leaders and members belong to a work
 *   group, a unit liaison to a unit, a department liaison to a department;
 *   no user carries a link its role does not use (the schema checks it
 *   too).  Checkpoint attendants are linked to checkpoints through
 *   checkpoint_attendant.  Users are disabled, never deleted.
 * - Usernames are 3–64 characters of A-Z a-z 0-9 . _ - and unique without
 *   regard to ASCII case: "Admin" and "admin" are the same user.  The name
 *   is kept as typed; the lower-case key is stored beside it.
 * - Passwords are stored only as libsodium crypto_pwhash_str strings
 *   (Argon2id, RFC 9106) at OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE
 *   (2 passes over 64 MiB).  Session and API tokens are stored only as
 *   crypt_token_hash (keyed BLAKE2b) of the token; the clear token exists
 *   only in the caller's memory and the client's.
 * - At most AUTH_PWHASH_CONCURRENCY Argon2id computations (hash or verify)
 *   run at once in the process, whatever the number of threads: each needs
 *   64 MiB, so a burst of sign-ins cannot exhaust memory.  Further callers
 *   wait (a counting semaphore of a pthread mutex and condition variable).
 *   The slow work is never done while a database transaction is open.
 *
 * Auditing: these functions do not write audit events, except
 * auth_sign_in and auth_sign_out (which write "user.sign_in",
 * "user.sign_in_failed" and "user.sign_out" themselves, in the same
 * transaction, with the request id and address their caller gives).  A caller that changes users,
 * departments or tokens writes the event with audit_record() in the same
 * transaction as the change (see domain/audit.h).
 */
#ifndef SJ_AUTH_H
#define SJ_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/demo.h"
#include "domain/scope.h"
#include "store/store.h"

#define AUTH_USERNAME_MIN 3
#define AUTH_USERNAME_MAX 64        /* characters (= bytes: ASCII only) */
#define AUTH_DISPLAY_NAME_MAX 100   /* code points */
#define AUTH_PASSWORD_MIN 10        /* code points */
#define AUTH_PASSWORD_MAX 1024      /* bytes: bounds the work of hashing */
#define AUTH_TOKEN_NAME_MAX 100     /* code points */
#define AUTH_TOKEN_PREFIX_LEN 8     /* characters of a token shown in lists */

/* Sessions: a session ends 12 hours after it was last used (idle) and in
 * any case 7 days after sign-in (absolute), whichever comes first.  Use is
 * recorded at most once a minute (AUTH_TOUCH_S), so the idle end may come
 * up to a minute early. */
#define AUTH_SESSION_IDLE_S     (12 * 3600)
#define AUTH_SESSION_ABSOLUTE_S (7 * 86400)
#define AUTH_TOUCH_S            60

/* Sign-in rate limits: a sign-in is refused, before the password is
 * checked, when AUTH_LIMIT_USER failed attempts for the same username, or
 * AUTH_LIMIT_IP failed attempts from the same IP address, were made in the
 * AUTH_LIMIT_WINDOW_S seconds before it. */
#define AUTH_LIMIT_WINDOW_S (15 * 60)
#define AUTH_LIMIT_USER     5
#define AUTH_LIMIT_IP       20

/* Argon2id computations allowed to run at the same time (see above), how
 * many more callers may wait for a slot, and for how long; a caller beyond
 * that gets SJ_EBUSY (HTTP 503) at once, so sign-ins never occupy more
 * than CONCURRENCY + QUEUE server threads. */
#define AUTH_PWHASH_CONCURRENCY 2
#define AUTH_PWHASH_QUEUE 1
#define AUTH_PWHASH_WAIT_MS 1000

/* ---- permissions --------------------------------------------------------- */

/* What a role may do; the table is in auth.c and docs/roles.md.  Scope
 * (domain/scope.h) then limits *which* records: a leader with
 * PERM_ORG_WRITE writes the records of their group's units only. */
typedef enum auth_perm {
	PERM_ORG_READ,        /* read units, places, checkpoints, households in scope */
	PERM_ORG_WRITE,       /* add or change places, checkpoints, households in scope */
	PERM_ORG_ADMIN,       /* regions, units, work groups, assignments, departments, settings */
	PERM_PERSON_READ,     /* people in scope, identity data masked */
	PERM_PERSON_WRITE,    /* add or change people in scope */
	PERM_PERSON_REVEAL,   /* see a clear identity number or mobile (always audited) */
	PERM_SCAN_RECORD,     /* record scans, registrations, disinfection at a checkpoint */
	PERM_SCAN_READ,       /* read scans and stays in scope */
	PERM_REQUEST_READ,    /* read service requests in scope */
	PERM_REQUEST_RAISE,   /* raise a request or need */
	PERM_REQUEST_REFER,   /* refer a request to a department */
	PERM_REQUEST_REPLY,   /* reply to and resolve a request referred to the department */
	PERM_REQUEST_MANAGE,  /* accept, reject, mark duplicate, resolve, close, reopen requests */
	PERM_SUPPLY_READ,     /* read supply sites, stock, documents, requests in scope */
	PERM_SUPPLY_WRITE,    /* items, sites, supply documents (receipt ... consumption) in scope */
	PERM_SUPPLY_CONFIRM,  /* confirm receipt of supplies */
	PERM_REPORT_READ,     /* reports and exports in scope */
	PERM_USER_READ,       /* list users and their tokens */
	PERM_USER_ADMIN,      /* add users, set passwords, disable, manage any token */
	PERM_AUDIT_READ,      /* read the audit log */
	PERM_VISIT_READ,      /* read visits and needs in scope */
	PERM_VISIT_WRITE,     /* record and change visits and needs in scope */
	PERM_INSPECTION_READ, /* read checklists, inspections, findings in scope */
	PERM_INSPECTION_WRITE,/* record inspections and re-checks in scope */
	PERM_WORKPLAN_READ,   /* read the group's plan, tasks, meetings, branch, reporting in */
	PERM_WORKPLAN_WRITE,  /* draft the plan, tasks, notes, links, meetings, branch, reporting in */
	PERM_PLAN_APPROVE,    /* approve or return a group's submitted work plan (the organ) */
	PERM_RESUMPTION_READ, /* read work-resumption reports and rates in scope */
	PERM_RESUMPTION_WRITE,/* file work-resumption reports in scope (a liaison: their unit) */
	PERM_TRACE_RUN,       /* run an exposure trace (docs/trace.md) */
	PERM__COUNT
} auth_perm;

/* True when role may do perm.  ROLE_SYSTEM (the command line) may do
 * everything; ROLE_NONE and values outside the enums nothing. */
bool auth_role_may(sj_role role, auth_perm perm);

/* The permission's stable name, e.g. "person.reveal" for
 * PERM_PERSON_REVEAL (as in docs/roles.md); "?" outside the enum. */
const char *auth_perm_name(auth_perm perm);

/* What the permission allows, one line of English as in docs/roles.md
 * (e.g. "people, identity data masked" for PERM_PERSON_READ);
 * "?" outside the enum.  A static string. */
const char *auth_perm_what(auth_perm perm);

/* ---- departments --------------------------------------------------------- */

typedef struct department {
	int64_t id;
	const char *name;      /* e.g. "泰安市文化和旅游局" */
	const char *kind;      /* "government" (a government department) or "town" (a town
	                        * or subdistrict government) */
	int64_t created_at;    /* seconds since the epoch, UTC */
} department;

/* Add a department.  in->kind NULL means "government".  Needs
 * PERM_ORG_ADMIN.  *id receives the new id.  Errors: SJ_EFORBIDDEN;
 * SJ_EINVAL ("name": blank, not single-line UTF-8, over 100 characters;
 * "kind": not government or town); SJ_ECONFLICT ("name") when a department
 * of that name exists; store errors. */
sj_rc department_add(store *s, const scope *sc, const department *in, int64_t *id, sj_err *e);

/* Every department in pinyin order of the name (ties by id), into an
 * arena array of *n.  Any signed-in role may list them (a unit liaison
 * picks one to refer to).  Errors: store errors. */
sj_rc department_list(store *s, arena *a, department **out, size_t *n, sj_err *e);

/* The departments sc may see, in the order of department_list: a
 * department liaison (ROLE_DEPARTMENT) only their own department (none
 * when they have no link), every other role all of them (DESIGN.md §1: a
 * liaison deals with the requests referred to their department; the
 * others pick departments to refer to).  The scope is applied in SQL.
 * Errors: store errors. */
sj_rc department_list_visible(store *s, const scope *sc, arena *a, department **out,
    size_t *n, sj_err *e);

/* The department named by ref: a decimal id or the exact name.  Errors:
 * SJ_ENOTFOUND (field "department"). */
sj_rc department_lookup(store *s, arena *a, const char *ref, department *out, sj_err *e);

/* ---- users --------------------------------------------------------------- */

typedef struct app_user {
	int64_t id;
	const char *username;       /* as typed when added */
	const char *display_name;   /* "" when not given */
	sj_role role;
	int64_t group_id;           /* leader, member; else 0 */
	int64_t unit_id;            /* unit; else 0 */
	int64_t department_id;      /* department; else 0 */
	const char *link_name;      /* name of that group, unit or department; "" for none */
	bool disabled;
	int64_t created_at;         /* seconds since the epoch, UTC */
	int64_t password_changed_at;
} app_user;

typedef struct user_input {
	const char *username;       /* required: 3–64 of A-Z a-z 0-9 . _ - */
	const char *display_name;   /* NULL or "" for none; at most 100 characters */
	const char *role;           /* a role name: admin, leader, member, checkpoint, unit,
	                             * department, auditor */
	int64_t group_id;           /* required for leader and member, else must be 0 */
	int64_t unit_id;            /* required for unit, else must be 0 */
	int64_t department_id;      /* required for department, else must be 0 */
	const char *password;       /* clear; see user_check_password */
} user_input;

/* Check a username's form: 3–64 characters, each A-Z a-z 0-9 . _ or -.
 * Errors: SJ_EINVAL, field "username": "is required", "must be 3 to 64
 * characters, got 2", "character 4 is '@'; use only letters A-Z, digits,
 * '.', '_' and '-'". */
sj_rc user_check_username(const char *username, sj_err *e);

/* Check the password policy: valid UTF-8, at least AUTH_PASSWORD_MIN (10)
 * characters (code points), at most AUTH_PASSWORD_MAX (1024) bytes, and
 * not the username itself in any letter case.  Errors: SJ_EINVAL, field
 * "password": "is required", "must be at least 10 characters, got 7",
 * "must be at most 1024 bytes", "must not be the username", "is not valid
 * UTF-8 ...".  username may be NULL (then that rule is skipped). */
sj_rc user_check_password(const char *username, const char *password, sj_err *e);

/* Add a user, hashing the password (about 0.1 s of Argon2id, done before
 * the insert so no transaction is held during it).  Needs
 * PERM_USER_ADMIN (admin, or the command line).  *id receives the new id.
 * Errors, checked in this order:
 *   SJ_EFORBIDDEN  "only an administrator may add users"
 *   SJ_EINVAL      "username" (see user_check_username); "display_name"
 *                  (not single-line UTF-8 or over 100 characters);
 *                  "role": "'boss' is not a role; use one of admin, leader,
 *                  member, checkpoint, unit, department, auditor";
 *                  "group_id" "a leader or member needs a work group" /
 *                  "only leaders and members belong to a work group";
 *                  "unit_id", "department_id" likewise; "password" (see
 *                  user_check_password)
 *   SJ_ENOTFOUND   "group_id" / "unit_id" / "department_id": "no work group
 *                  with id 9" etc.
 *   SJ_ECONFLICT   "username": "a user named 'admin' exists"
 *   store errors.  Nothing is written on error. */
sj_rc user_add(store *s, const scope *sc, const user_input *in, int64_t *id, sj_err *e);

/* The user with this id into *out (strings in the arena).  Allowed with
 * PERM_USER_READ, or for one's own id.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND
 * (field "user"). */
sj_rc user_get(store *s, const scope *sc, arena *a, int64_t id, app_user *out, sj_err *e);

/* The user whose username matches (ASCII case ignored), as user_get.
 * Errors: SJ_EFORBIDDEN (also for an unknown name, when the caller lacks
 * PERM_USER_READ: names cannot be probed); SJ_ENOTFOUND (field "user")
 * "no user named 'x'". */
sj_rc user_find_by_username(store *s, const scope *sc, arena *a, const char *username,
    app_user *out, sj_err *e);

/* Every user, by username key, into an arena array of *n.  Needs
 * PERM_USER_READ (admin, auditor, command line).  Errors: SJ_EFORBIDDEN;
 * store errors. */
sj_rc user_list(store *s, const scope *sc, arena *a, app_user **out, size_t *n, sj_err *e);

/* Set a user's password (policy as user_check_password against the
 * user's own name) and end all of their sessions; API tokens stay.
 * Allowed with PERM_USER_ADMIN or for one's own id (the caller must then
 * have had the current password re-entered and checked with
 * user_verify_password).  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("user");
 * SJ_EINVAL ("password"); store errors. */
sj_rc user_set_password(store *s, const scope *sc, int64_t id, const char *password,
    sj_err *e);

/* Check password against the stored hash of user id (Argon2id, limited by
 * the semaphore).  Errors: SJ_ENOTFOUND ("user"); SJ_EAUTH ("password")
 * "wrong password"; store errors.  No rate limit: for a signed-in user
 * re-entering their password only. */
sj_rc user_verify_password(store *s, int64_t id, const char *password, sj_err *e);

/* Disable a user: they can no longer sign in, their sessions are deleted
 * and their API tokens stop working (the tokens are kept, for the record).
 * Needs PERM_USER_ADMIN.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND ("user");
 * SJ_ECONFLICT ("user") "you cannot disable your own account" or "the last
 * enabled administrator cannot be disabled"; store errors.  Disabling a
 * disabled user succeeds and changes nothing. */
sj_rc user_disable(store *s, const scope *sc, int64_t id, sj_err *e);

/* Let a checkpoint attendant (a user of role checkpoint) work at a
 * checkpoint.  Needs PERM_USER_ADMIN.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND
 * ("user", "checkpoint_id"); SJ_EINVAL ("user") "only checkpoint users
 * attend checkpoints"; adding a pair twice succeeds. */
sj_rc user_checkpoint_add(store *s, const scope *sc, int64_t user_id, int64_t checkpoint_id,
    sj_err *e);

/* Fill *out with the scope of user u: role, user_id, and group_id (leader,
 * member), unit_id (unit) or department_id (department); the other ids 0.
 * A checkpoint attendant's scope is their user_id: rules for checkpoints
 * join checkpoint_attendant on it. */
void principal_scope(const app_user *u, scope *out);

/* ---- sign-in, sessions --------------------------------------------------- */

/* Who is making a request, as a session or API token establishes it. */
typedef struct auth_principal {
	int64_t user_id;
	char username[AUTH_USERNAME_MAX + 1];
	char display_name[AUTH_DISPLAY_NAME_MAX * 4 + 1];
	sj_role role;
	scope scope;                  /* as principal_scope */
	char csrf[CRYPT_TOKEN_SIZE];  /* the session's CSRF token; "" for an API token */
	int64_t session_id;           /* 0 for an API token */
	int64_t token_id;             /* 0 for a session */
	int64_t expires_at;           /* an API token's end (seconds since the epoch;
	                               * 0 = none or a session), for the server's cache */
} auth_principal;

/* A new session, as auth_sign_in returns it. */
typedef struct auth_session {
	char token[CRYPT_TOKEN_SIZE]; /* the cookie value; stored only hashed */
	char csrf[CRYPT_TOKEN_SIZE];  /* CSRF token, another random value */
	auth_principal principal;     /* the user signed in */
	int64_t expires_at;           /* absolute end: sign-in + AUTH_SESSION_ABSOLUTE_S */
	int64_t retry_at;             /* on SJ_ELIMIT only: when to try again (for Retry-After) */
} auth_session;

/*
 * Sign a user in with a password.  now is the current instant (seconds
 * since the epoch; dt_now() outside tests); ip the client's address text
 * ("" or NULL when unknown: then the per-IP limit is not applied);
 * request_id the HTTP request's id for the audit event (NULL: none).
 * In order:
 *  1. Rate limits, before any password work: when AUTH_LIMIT_USER (5)
 *     failed attempts for this username (case ignored) or AUTH_LIMIT_IP
 *     (20) from this ip fall in (now - 900 s, now], SJ_ELIMIT (field
 *     "username" or "ip") "too many failed sign-ins for this username; try
 *     again in 12 minutes (after 2020-03-18T14:30:00+08:00)" and
 *     out->retry_at is that instant (when the oldest counted failure leaves
 *     the window).  A refused attempt is not recorded, so it does not
 *     extend the wait.
 *  2. The password is verified against the user's hash, or against a
 *     dummy hash of the same cost when no such user exists, so that both
 *     take the same time.  Wrong username or password: SJ_EAUTH (field
 *     "password") "wrong username or password", the same for both.  A
 *     disabled user with the right password: SJ_EAUTH "this account is
 *     disabled; ask an administrator".
 *  3. In one transaction: the attempt is recorded in login_attempt (ok or
 *     not) with now and ip; on success a session is stored (token hash,
 *     CSRF token, created_at = last_seen_at = now, expires_at = now +
 *     AUTH_SESSION_ABSOLUTE_S, ip); the audit event "user.sign_in" or
 *     "user.sign_in_failed" (detail {"reason": ...}) is written; attempts
 *     older than a day and ended sessions are deleted.
 * On SJ_OK *out holds the new clear session token and CSRF token (two
 * independent 43-character random tokens, crypt_random_token), the
 * principal and the expiry.  Store errors are returned as they are.
 * A password whose stored hash uses weaker parameters than today's is
 * re-hashed on success.
 */
sj_rc auth_sign_in(store *s, const crypt_keys *k, const char *username, const char *password,
    const char *ip, const char *request_id, int64_t now, auth_session *out, sj_err *e);

/* The principal of a session token (the cookie value) at instant now.
 * The session must exist, not have passed expires_at, have been used
 * within AUTH_SESSION_IDLE_S, and its user must not be disabled; otherwise
 * SJ_EAUTH (field "session") "not signed in or the session has ended; sign
 * in again" (an ended session is deleted).  Records the use (last_seen_at
 * = now) when the last record is AUTH_TOUCH_S (60 s) old or more.  *out
 * includes the session's CSRF token, to compare with the request's.
 * Errors: SJ_EAUTH; store errors. */
sj_rc auth_session_lookup(store *s, const crypt_keys *k, const char *token, int64_t now,
    auth_principal *out, sj_err *e);

/* End the session of this token (delete it) and write the audit event
 * "user.sign_out" with the client's address ip and the HTTP request's id
 * (each NULL: none).  An unknown or ended token succeeds and does nothing.
 * Errors: store errors. */
sj_rc auth_sign_out(store *s, const crypt_keys *k, const char *token, const char *ip,
    const char *request_id, sj_err *e);

/* ---- API tokens ---------------------------------------------------------- */

typedef struct api_token {
	int64_t id;
	int64_t user_id;
	const char *username;
	const char *name;           /* what the token is for, e.g. "report export" */
	const char *prefix;         /* its first AUTH_TOKEN_PREFIX_LEN characters */
	int64_t created_at;         /* seconds since the epoch, UTC */
	int64_t expires_at;         /* 0: never */
	int64_t revoked_at;         /* 0: not revoked */
	int64_t last_used_at;       /* 0: never used */
} api_token;

/* Create an API token for user_id, named name (1–100 characters, single
 * line), valid until expires_at (seconds since the epoch; 0 = no end).
 * Allowed with PERM_USER_ADMIN or for one's own user id.  token_clear
 * receives the token (43 characters, crypt_random_token): it is shown to
 * the user this once; only its hash and first 8 characters are stored.
 * *id receives the token's id.  Errors: SJ_EFORBIDDEN; SJ_ENOTFOUND
 * ("user"); SJ_EINVAL ("name"; "expires_at" "is in the past"; "user" for
 * a disabled user); store errors. */
sj_rc auth_token_create(store *s, const crypt_keys *k, const scope *sc, int64_t user_id,
    const char *name, int64_t expires_at, char token_clear[CRYPT_TOKEN_SIZE], int64_t *id,
    sj_err *e);

/* The principal of an API token (Authorization: Bearer) at instant now.
 * An unknown, revoked or expired token, or one whose user is disabled:
 * SJ_EAUTH (field "token") "unknown, revoked or expired API token".
 * Records the use (last_used_at = now) when the last record is 60 s old
 * or more.  Errors: SJ_EAUTH; store errors. */
sj_rc auth_token_lookup(store *s, const crypt_keys *k, const char *token, int64_t now,
    auth_principal *out, sj_err *e);

/* Revoke token id (revoked_at = now).  Allowed with PERM_USER_ADMIN or for
 * a token of one's own.  Revoking a revoked token succeeds and keeps the
 * first revocation time.  Errors: SJ_ENOTFOUND ("token") also for a token
 * the caller may not revoke; store errors. */
sj_rc auth_token_revoke(store *s, const scope *sc, int64_t id, sj_err *e);

/* The tokens of user_id (0 = every user's, which needs PERM_USER_READ),
 * newest first, without secrets, into an arena array of *n.  One's own
 * tokens may always be listed.  Errors: SJ_EFORBIDDEN; store errors. */
sj_rc auth_token_list(store *s, const scope *sc, arena *a, int64_t user_id, api_token **out,
    size_t *n, sj_err *e);

/* ---- demo ---------------------------------------------------------------- */

/* The demo part "users" (domain/demo.h), run after "organisation": the
 * departments 泰安市文化和旅游局 (government) and 粥店街道办事处 (town,
 * assumed), and six accounts, one per role except member, with the
 * passwords listed in README.md "Demo accounts": admin, leader (of
 * 市派岱岳区市政协机关工作二组), auditor, culture (department 泰安市文化和
 * 旅游局), gaotie (unit 高铁社区) and gate (attendant of 大门疫情监测点).
 * Errors: those of department_add, user_add, user_checkpoint_add;
 * SJ_ENOTFOUND when the organisation part's records are missing. */
sj_rc auth_demo_part(demo_ctx *ctx, sj_err *e);

#endif
