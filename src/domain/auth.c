/*
 * auth — users, departments, permissions and passwords.  Sign-in,
 * sessions and API tokens are in auth_session.c (internal shared
 * helpers: auth_int.h).
 *
 * Invariants kept here beyond those of auth.h:
 * - Argon2id work (hash and verify) happens outside any transaction this
 *   module opens, and inside the pwhash semaphore.
 * - A clear token never reaches the database or a log: only
 *   crypt_token_hash of it, and for API tokens its first 8 characters.
 * - Unknown and known usernames cost the same Argon2id verification.
 */
#include "domain/auth.h"

#include <pthread.h>
#include <time.h>
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
	Q_USER_ADD, Q_USER_GET, Q_USER_FIND, Q_USER_LIST, Q_USER_HASH,
	Q_USER_SET_PW, Q_USER_DISABLE, Q_OTHER_ADMINS, Q_USER_SESSIONS_END,
	Q_GROUP_EXISTS, Q_UNIT_EXISTS, Q_DEPT_EXISTS, Q_CHECKPOINT_EXISTS, Q_ATTEND_ADD,
	Q_DEPT_ADD, Q_DEPT_LIST, Q_DEPT_BY_ID, Q_DEPT_BY_NAME,
	Q_DEMO_GROUP, Q_DEMO_CHECKPOINT,
};

#define USER_COLS \
	"u.id, u.username, u.display_name, u.role, u.group_id, u.unit_id, u.department_id," \
	" coalesce(g.name, n.name, d.name, ''), u.disabled, u.created_at, u.password_changed_at" \
	" FROM app_user u LEFT JOIN work_group g ON g.id = u.group_id" \
	" LEFT JOIN unit n ON n.id = u.unit_id LEFT JOIN department d ON d.id = u.department_id"

static const char *const auth_sql[] = {
	[Q_USER_ADD] =
	"INSERT INTO app_user (username, username_key, display_name, role, group_id, unit_id,"
	" department_id, password_hash, created_at, password_changed_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id",
	[Q_USER_GET] = "SELECT " USER_COLS " WHERE u.id = ?1",
	[Q_USER_FIND] = "SELECT " USER_COLS " WHERE u.username_key = ?1",
	[Q_USER_LIST] = "SELECT " USER_COLS " ORDER BY u.username_key",
	[Q_USER_HASH] = "SELECT password_hash, username_key FROM app_user WHERE id = ?1",
	[Q_USER_SET_PW] =
	"UPDATE app_user SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
	[Q_USER_DISABLE] = "UPDATE app_user SET disabled = 1 WHERE id = ?1",
	[Q_OTHER_ADMINS] =
	"SELECT count(*) FROM app_user WHERE role = 'admin' AND disabled = 0 AND id <> ?1",
	[Q_USER_SESSIONS_END] = "DELETE FROM session WHERE user_id = ?1",
	[Q_GROUP_EXISTS] = "SELECT 1 FROM work_group WHERE id = ?1",
	[Q_UNIT_EXISTS] = "SELECT 1 FROM unit WHERE id = ?1",
	[Q_DEPT_EXISTS] = "SELECT 1 FROM department WHERE id = ?1",
	[Q_CHECKPOINT_EXISTS] = "SELECT 1 FROM checkpoint WHERE id = ?1",
	[Q_ATTEND_ADD] =
	"INSERT INTO checkpoint_attendant (user_id, checkpoint_id) VALUES (?1, ?2)"
	" ON CONFLICT DO NOTHING",
	[Q_DEPT_ADD] =
	"INSERT INTO department (name, name_sort, kind, created_at) VALUES (?1, ?2, ?3, ?4)"
	" RETURNING id",
	[Q_DEPT_LIST] = "SELECT id, name, kind, created_at FROM department"
	    " WHERE ?1 = 0 OR id = ?1 ORDER BY name_sort, id",
	[Q_DEPT_BY_ID] = "SELECT id, name, kind, created_at FROM department WHERE id = ?1",
	[Q_DEPT_BY_NAME] = "SELECT id, name, kind, created_at FROM department WHERE name = ?1",
	[Q_DEMO_GROUP] = "SELECT id FROM work_group WHERE name = ?1",
	[Q_DEMO_CHECKPOINT] = "SELECT id FROM checkpoint WHERE name = ?1",
};

/* ---- permissions --------------------------------------------------------- */

#define R(role) (1u << ROLE_##role)
#define EVERYONE (R(ADMIN) | R(LEADER) | R(MEMBER) | R(CHECKPOINT) | R(UNIT) | R(DEPARTMENT) \
	| R(AUDITOR))

/* The one table of what each role may do (DESIGN.md §1; docs/roles.md
 * shows the same table).  ROLE_SYSTEM may do everything and is not
 * listed. */
static const struct {
	const char *name;
	unsigned roles;
	const char *what;   /* one line, as in docs/roles.md and GET /api/v1/roles */
} perm_table[PERM__COUNT] = {
	[PERM_ORG_READ] = { "org.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(CHECKPOINT) | R(UNIT) | R(AUDITOR),
	    "read units, places, checkpoints, households" },
	[PERM_ORG_WRITE] = { "org.write", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "add or change places, checkpoints, households" },
	[PERM_ORG_ADMIN] = { "org.admin", R(ADMIN),
	    "regions, units, work groups, assignments, departments, settings" },
	[PERM_PERSON_READ] = { "person.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT) | R(AUDITOR),
	    "people, identity data masked" },
	[PERM_PERSON_WRITE] = { "person.write", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "add or change people" },
	[PERM_PERSON_REVEAL] = { "person.reveal", R(ADMIN) | R(LEADER) | R(AUDITOR),
	    "see an identity number or mobile in clear (always audited)" },
	[PERM_SCAN_RECORD] = { "scan.record", R(ADMIN) | R(LEADER) | R(MEMBER) | R(CHECKPOINT),
	    "record scans, registrations, disinfection at a checkpoint" },
	[PERM_SCAN_READ] = { "scan.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(CHECKPOINT) | R(UNIT) | R(AUDITOR),
	    "read scans and stays" },
	[PERM_REQUEST_READ] = { "request.read", EVERYONE & ~R(CHECKPOINT),
	    "read service requests" },
	[PERM_REQUEST_RAISE] = { "request.raise", R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT),
	    "raise a request or need" },
	[PERM_REQUEST_REFER] = { "request.refer", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "refer a request to a department" },
	[PERM_REQUEST_REPLY] = { "request.reply", R(ADMIN) | R(DEPARTMENT),
	    "reply to and resolve a referred request" },
	[PERM_REQUEST_MANAGE] = { "request.manage", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "accept, reject, mark duplicate, resolve, close and reopen requests" },
	[PERM_SUPPLY_READ] = { "supply.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT) | R(AUDITOR),
	    "read supply sites, stock, documents, requests, ledgers and their exports" },
	[PERM_SUPPLY_WRITE] = { "supply.write", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "items, sites, minimum stock, receipts, distributions, transfers, adjustments, consumption" },
	[PERM_SUPPLY_CONFIRM] = { "supply.confirm", R(ADMIN) | R(UNIT),
	    "confirm receipt of supplies" },
	[PERM_REPORT_READ] = { "report.read", R(ADMIN) | R(LEADER) | R(MEMBER) | R(AUDITOR),
	    "reports and exports" },
	[PERM_USER_READ] = { "user.read", R(ADMIN) | R(AUDITOR),
	    "list users and their API tokens" },
	[PERM_USER_ADMIN] = { "user.admin", R(ADMIN),
	    "add users, set passwords, disable, manage any token" },
	[PERM_AUDIT_READ] = { "audit.read", R(ADMIN) | R(AUDITOR),
	    "read the audit log" },
	[PERM_VISIT_READ] = { "visit.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT) | R(AUDITOR),
	    "read visits and the needs found" },
	[PERM_VISIT_WRITE] = { "visit.write", R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT),
	    "record and change visits and their needs" },
	[PERM_INSPECTION_READ] = { "inspection.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT) | R(AUDITOR),
	    "read checklists, inspections, findings, re-checks" },
	[PERM_INSPECTION_WRITE] = { "inspection.write", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "record inspections and re-checks; checklists (global roles only)" },
	[PERM_WORKPLAN_READ] = { "workplan.read", R(ADMIN) | R(LEADER) | R(MEMBER) | R(AUDITOR),
	    "read a work group's plan, tasks, meetings, party branch and reporting in" },
	[PERM_WORKPLAN_WRITE] = { "workplan.write", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "draft the plan; tasks, progress notes, links, meetings, party branch, reporting in" },
	[PERM_PLAN_APPROVE] = { "plan.approve", R(ADMIN),
	    "approve or send back a group's submitted work plan" },
	[PERM_RESUMPTION_READ] = { "resumption.read",
	    R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT) | R(AUDITOR),
	    "read work-resumption reports, rates and trends" },
	[PERM_RESUMPTION_WRITE] = { "resumption.write", R(ADMIN) | R(LEADER) | R(MEMBER) | R(UNIT),
	    "file a work-resumption report (a unit liaison: for their own unit)" },
	[PERM_TRACE_RUN] = { "trace.run", R(ADMIN) | R(LEADER) | R(MEMBER),
	    "run an exposure trace (people in scope; contacts outside it masked; audited)" },
};

bool
auth_role_may(sj_role role, auth_perm perm)
{
	if ((int)perm < 0 || perm >= PERM__COUNT || (int)role <= ROLE_NONE || role >= ROLE__COUNT)
		return false;
	return role == ROLE_SYSTEM || (perm_table[perm].roles & (1u << role)) != 0;
}

const char *
auth_perm_name(auth_perm perm)
{
	return (int)perm >= 0 && perm < PERM__COUNT ? perm_table[perm].name : "?";
}

const char *
auth_perm_what(auth_perm perm)
{
	return (int)perm >= 0 && perm < PERM__COUNT ? perm_table[perm].what : "?";
}

/* ---- passwords: Argon2id behind a counting semaphore ----------------------- */

static pthread_mutex_t pwhash_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pwhash_cond = PTHREAD_COND_INITIALIZER;
static int pwhash_running, pwhash_waiting;

/* Take a slot, waiting at most AUTH_PWHASH_WAIT_MS and only when fewer
 * than AUTH_PWHASH_QUEUE others already wait: a burst of sign-ins must not
 * hold every HTTP worker thread (the API would stall).  false: busy. */
static bool
pwhash_enter(void)
{
	struct timespec until;
	bool ok = true;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)AUTH_PWHASH_WAIT_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&pwhash_mutex);
	if (pwhash_running >= AUTH_PWHASH_CONCURRENCY && pwhash_waiting >= AUTH_PWHASH_QUEUE)
		ok = false;
	pwhash_waiting++;
	while (ok && pwhash_running >= AUTH_PWHASH_CONCURRENCY)
		if (pthread_cond_timedwait(&pwhash_cond, &pwhash_mutex, &until) != 0)
			ok = pwhash_running < AUTH_PWHASH_CONCURRENCY;
	pwhash_waiting--;
	if (ok)
		pwhash_running++;
	pthread_mutex_unlock(&pwhash_mutex);
	return ok;
}

static void
pwhash_leave(void)
{
	pthread_mutex_lock(&pwhash_mutex);
	pwhash_running--;
	pthread_cond_signal(&pwhash_cond);
	pthread_mutex_unlock(&pwhash_mutex);
}

static sj_rc
pwhash_busy(sj_err *e)
{
	return sj_fail(e, SJ_EBUSY, "password", "too many sign-ins at this moment; try again in "
	    "a second");
}

sj_rc
auth_pw_hash(const char *password, char out[crypto_pwhash_STRBYTES], sj_err *e)
{
	int r;

	if (sodium_init() < 0)
		return sj_fail(e, SJ_EINTERNAL, NULL, "libsodium could not be initialised");
	if (!pwhash_enter())
		return pwhash_busy(e);
	r = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
	pwhash_leave();
	if (r != 0)
		return sj_fail(e, SJ_EINTERNAL, "password", "hashing the password failed (out of memory?)");
	return SJ_OK;
}

/* Check password against hash: SJ_OK, SJ_EAUTH (no match, field
 * "password", message "wrong password") or SJ_EBUSY. */
sj_rc
auth_pw_verify(const char *hash, const char *password, sj_err *e)
{
	int r;

	if (!pwhash_enter())
		return pwhash_busy(e);
	r = crypto_pwhash_str_verify(hash, password, strlen(password));
	pwhash_leave();
	return r == 0 ? SJ_OK : sj_fail(e, SJ_EAUTH, "password", "wrong password");
}

/* A hash of a random password at today's cost, verified against when the
 * username is unknown so that the answer takes as long as for a real one.
 * Made once per process. */
static char dummy_hash_str[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_hash_make(void)
{
	char pw[CRYPT_TOKEN_SIZE];

	if (crypt_random_token(pw, sizeof pw) != SJ_OK ||
	    auth_pw_hash(pw, dummy_hash_str, NULL) != SJ_OK)
		dummy_hash_str[0] = '\0';
}

const char *
auth_pw_dummy(void)
{
	pthread_once(&dummy_once, dummy_hash_make);
	return dummy_hash_str;
}

/* ---- users: checks --------------------------------------------------------- */

static bool
username_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == '-';
}

sj_rc
user_check_username(const char *username, sj_err *e)
{
	size_t n;

	if (username == NULL || *username == '\0')
		return sj_fail(e, SJ_EINVAL, "username", "is required");
	n = strlen(username);
	for (size_t i = 0; i < n; i++)
		if (!username_char_ok(username[i])) {
			unsigned char c = (unsigned char)username[i];
			if (c < 0x20 || c >= 0x7f)
				return sj_fail(e, SJ_EINVAL, "username", "character %zu is not allowed; use "
				    "only letters A-Z, digits, '.', '_' and '-'", i + 1);
			return sj_fail(e, SJ_EINVAL, "username", "character %zu is '%c'; use only "
			    "letters A-Z, digits, '.', '_' and '-'", i + 1, c);
		}
	if (n < AUTH_USERNAME_MIN || n > AUTH_USERNAME_MAX)
		return sj_fail(e, SJ_EINVAL, "username", "must be %d to %d characters, got %zu",
		    AUTH_USERNAME_MIN, AUTH_USERNAME_MAX, n);
	return SJ_OK;
}

/* The lower-case key of a well-formed username (user_check_username). */
void
auth_username_key(const char *username, char key[AUTH_USERNAME_MAX + 1])
{
	size_t i;

	for (i = 0; username[i] && i < AUTH_USERNAME_MAX; i++) {
		char c = username[i];
		key[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	key[i] = '\0';
}

static bool
ascii_equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

sj_rc
user_check_password(const char *username, const char *password, sj_err *e)
{
	size_t n, chars;
	sj_rc rc;

	if (password == NULL || *password == '\0')
		return sj_fail(e, SJ_EINVAL, "password", "is required");
	n = strlen(password);
	if (n > AUTH_PASSWORD_MAX)
		return sj_fail(e, SJ_EINVAL, "password", "must be at most %d bytes", AUTH_PASSWORD_MAX);
	if ((rc = text_check_utf8(password, n, "password", TEXT_NO_CONTROL, e)) != SJ_OK)
		return rc;
	chars = text_length(password);
	if (chars < AUTH_PASSWORD_MIN)
		return sj_fail(e, SJ_EINVAL, "password", "must be at least %d characters, got %zu",
		    AUTH_PASSWORD_MIN, chars);
	if (username && ascii_equal_nocase(username, password))
		return sj_fail(e, SJ_EINVAL, "password", "must not be the username");
	return SJ_OK;
}

/* SJ_OK when the row sql (Q_*_EXISTS) finds id, else SJ_ENOTFOUND. */
static sj_rc
row_exists(store *s, int q, int64_t id, const char *field, const char *what, sj_err *e)
{
	store_stmt *st;
	int64_t one;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_query_int(st, &one, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, field, "no %s with id %lld", what,
	    (long long)id);
}

/* One link of a user: required when the role uses it, else absent. */
static sj_rc
check_link(int64_t id, bool needed, const char *field, const char *need_msg,
    const char *other_msg, sj_err *e)
{
	if (needed && id <= 0)
		return sj_fail(e, SJ_EINVAL, field, "%s", need_msg);
	if (!needed && id != 0)
		return sj_fail(e, SJ_EINVAL, field, "%s", other_msg);
	return SJ_OK;
}

static sj_rc
check_user_input(const user_input *in, sj_role *role, sj_err *e)
{
	sj_rc rc;

	if ((rc = user_check_username(in->username, e)) != SJ_OK)
		return rc;
	if (in->display_name && *in->display_name &&
	    (rc = org_check_name(in->display_name, "display_name", AUTH_DISPLAY_NAME_MAX, e)) != SJ_OK)
		return rc;
	*role = in->role ? scope_role_parse(in->role) : ROLE_NONE;
	if (*role == ROLE_NONE || *role == ROLE_SYSTEM)
		return sj_fail(e, SJ_EINVAL, "role", "'%s' is not a role; use one of admin, leader, "
		    "member, checkpoint, unit, department, auditor", in->role ? in->role : "");
	if ((rc = check_link(in->group_id, *role == ROLE_LEADER || *role == ROLE_MEMBER,
	    "group_id", "a leader or member needs a work group",
	    "only leaders and members belong to a work group", e)) != SJ_OK ||
	    (rc = check_link(in->unit_id, *role == ROLE_UNIT, "unit_id",
	    "a unit liaison needs a unit", "only unit liaisons belong to a unit", e)) != SJ_OK ||
	    (rc = check_link(in->department_id, *role == ROLE_DEPARTMENT, "department_id",
	    "a department liaison needs a department",
	    "only department liaisons belong to a department", e)) != SJ_OK)
		return rc;
	return user_check_password(in->username, in->password, e);
}

static sj_rc
check_links_exist(store *s, const user_input *in, sj_err *e)
{
	sj_rc rc = SJ_OK;

	if (in->group_id > 0)
		rc = row_exists(s, Q_GROUP_EXISTS, in->group_id, "group_id", "work group", e);
	if (rc == SJ_OK && in->unit_id > 0)
		rc = row_exists(s, Q_UNIT_EXISTS, in->unit_id, "unit_id", "unit", e);
	if (rc == SJ_OK && in->department_id > 0)
		rc = row_exists(s, Q_DEPT_EXISTS, in->department_id, "department_id", "department", e);
	return rc;
}

static void
bind_link(store_stmt *st, int i, int64_t id)
{
	if (id > 0)
		store_bind_int(st, i, id);
	else
		store_bind_null(st, i);
}

/* ---- users: operations ----------------------------------------------------- */

sj_rc
user_add(store *s, const scope *sc, const user_input *in, int64_t *id, sj_err *e)
{
	char hash[crypto_pwhash_STRBYTES], key[AUTH_USERNAME_MAX + 1];
	store_stmt *st;
	sj_role role;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_USER_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add users");
	if ((rc = check_user_input(in, &role, e)) != SJ_OK ||
	    (rc = check_links_exist(s, in, e)) != SJ_OK ||
	    (rc = auth_pw_hash(in->password, hash, e)) != SJ_OK)
		return rc;
	auth_username_key(in->username, key);
	if ((rc = store_prepare(s, auth_sql[Q_USER_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, in->username);
	store_bind_text(st, 2, key);
	store_bind_text(st, 3, in->display_name ? in->display_name : "");
	store_bind_text(st, 4, scope_role_name(role));
	bind_link(st, 5, in->group_id);
	bind_link(st, 6, in->unit_id);
	bind_link(st, 7, in->department_id);
	store_bind_text(st, 8, hash);
	store_bind_int(st, 9, dt_now());
	rc = store_insert_id(st, id, e);
	sodium_memzero(hash, sizeof hash);
	if (rc == SJ_ECONFLICT)
		return sj_fail(e, rc, "username", "a user named '%s' exists", in->username);
	return rc;
}

static void
user_read(store_stmt *st, arena *a, app_user *u)
{
	u->id = store_col_int(st, 0);
	u->username = arena_strdup(a, store_col_text(st, 1));
	u->display_name = arena_strdup(a, store_col_text(st, 2));
	u->role = scope_role_parse(store_col_text(st, 3));
	u->group_id = store_col_int(st, 4);
	u->unit_id = store_col_int(st, 5);
	u->department_id = store_col_int(st, 6);
	u->link_name = arena_strdup(a, store_col_text(st, 7));
	u->disabled = store_col_int(st, 8) != 0;
	u->created_at = store_col_int(st, 9);
	u->password_changed_at = store_col_int(st, 10);
}

/* Run Q_USER_GET or Q_USER_FIND, already bound, into *out. */
static sj_rc
user_fetch(store_stmt *st, arena *a, app_user *out, bool *found, sj_err *e)
{
	sj_rc rc;

	if ((rc = store_step(st, found, e)) != SJ_OK || !*found)
		return rc;
	user_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

/* The user with this id, without a permission check (for this module). */
sj_rc
auth_user_load(store *s, arena *a, int64_t id, app_user *out, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_USER_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = user_fetch(st, a, out, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, "user", "no user with id %lld",
	    (long long)id);
}

static bool
may_read_user(const scope *sc, int64_t id)
{
	return auth_role_may(sc->role, PERM_USER_READ) || (sc->user_id > 0 && sc->user_id == id);
}

sj_rc
user_get(store *s, const scope *sc, arena *a, int64_t id, app_user *out, sj_err *e)
{
	if (!may_read_user(sc, id))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "you may not see other users");
	return auth_user_load(s, a, id, out, e);
}

sj_rc
user_find_by_username(store *s, const scope *sc, arena *a, const char *username,
    app_user *out, sj_err *e)
{
	char key[AUTH_USERNAME_MAX + 1];
	store_stmt *st;
	bool found = false;
	sj_rc rc;

	if (user_check_username(username, NULL) == SJ_OK) {
		auth_username_key(username, key);
		if ((rc = store_prepare(s, auth_sql[Q_USER_FIND], &st, e)) != SJ_OK)
			return rc;
		store_bind_text(st, 1, key);
		if ((rc = user_fetch(st, a, out, &found, e)) != SJ_OK)
			return rc;
	}
	/* Without user.read, unknown and other users look the same, so that
	 * names cannot be probed. */
	if (!may_read_user(sc, found ? out->id : 0))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "you may not see other users");
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "user", "no user named '%s'", username ? username : "");
	return SJ_OK;
}

sj_rc
user_list(store *s, const scope *sc, arena *a, app_user **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if (!auth_role_may(sc->role, PERM_USER_READ))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator or auditor may list users");
	if ((rc = store_prepare(s, auth_sql[Q_USER_LIST], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		user_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

/* Run a statement whose only parameter ?1 is a user id, as part of a
 * larger change. */
static sj_rc
run_for_user(store *s, int q, int64_t id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	return store_run(st, e);
}

sj_rc
auth_pw_store(store *s, int64_t id, const char *hash, int64_t now, bool end_sessions,
    sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, auth_sql[Q_USER_SET_PW], &st, e)) == SJ_OK) {
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, hash);
		store_bind_int(st, 3, now);
		rc = store_run(st, e);
	}
	if (rc == SJ_OK && end_sessions)
		rc = run_for_user(s, Q_USER_SESSIONS_END, id, e);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

sj_rc
user_set_password(store *s, const scope *sc, int64_t id, const char *password, sj_err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	app_user u;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_USER_ADMIN) && !(sc->user_id > 0 && sc->user_id == id))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may set another "
		    "user's password");
	arena_init(&a);
	if ((rc = auth_user_load(s, &a, id, &u, e)) != SJ_OK ||
	    (rc = user_check_password(u.username, password, e)) != SJ_OK ||
	    (rc = auth_pw_hash(password, hash, e)) != SJ_OK)
		goto out;
	rc = auth_pw_store(s, id, hash, dt_now(), true, e);
	sodium_memzero(hash, sizeof hash);
out:
	arena_free(&a);
	return rc;
}

sj_rc
user_verify_password(store *s, int64_t id, const char *password, sj_err *e)
{
	char hash[crypto_pwhash_STRBYTES], key[AUTH_USERNAME_MAX + 1];
	int64_t attempt, retry_at;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[Q_USER_HASH], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "user", "no user with id %lld", (long long)id);
	snprintf(hash, sizeof hash, "%s", store_col_text(st, 0));
	snprintf(key, sizeof key, "%s", store_col_text(st, 1));
	store_reset(st);
	/* Re-entering one's password is a sign-in by another door: the same
	 * per-username limit, so a stolen session cannot guess it. */
	if ((rc = auth_attempt_begin(s, key, "", dt_now(), &attempt, &retry_at, e)) != SJ_OK)
		return rc;
	if ((rc = auth_pw_verify(hash, password ? password : "", e)) == SJ_OK)
		rc = auth_attempt_succeeded(s, attempt, e);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

static sj_rc
disable_check(store *s, const scope *sc, const app_user *u, sj_err *e)
{
	store_stmt *st;
	int64_t others;
	sj_rc rc;

	if (sc->user_id > 0 && sc->user_id == u->id)
		return sj_fail(e, SJ_ECONFLICT, "user", "you cannot disable your own account");
	if (u->role != ROLE_ADMIN)
		return SJ_OK;
	if ((rc = store_prepare(s, auth_sql[Q_OTHER_ADMINS], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, u->id);
	if ((rc = store_query_int(st, &others, NULL, e)) != SJ_OK)
		return rc;
	if (others == 0)
		return sj_fail(e, SJ_ECONFLICT, "user", "the last enabled administrator cannot be "
		    "disabled; add another administrator first");
	return SJ_OK;
}

sj_rc
user_disable(store *s, const scope *sc, int64_t id, sj_err *e)
{
	app_user u;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_USER_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may disable users");
	arena_init(&a);
	if ((rc = store_begin(s, e)) != SJ_OK)
		goto out;
	if ((rc = auth_user_load(s, &a, id, &u, e)) != SJ_OK || u.disabled ||
	    (rc = disable_check(s, sc, &u, e)) != SJ_OK ||
	    (rc = run_for_user(s, Q_USER_DISABLE, id, e)) != SJ_OK ||
	    (rc = run_for_user(s, Q_USER_SESSIONS_END, id, e)) != SJ_OK) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
out:
	arena_free(&a);
	return rc;
}

sj_rc
user_checkpoint_add(store *s, const scope *sc, int64_t user_id, int64_t checkpoint_id,
    sj_err *e)
{
	store_stmt *st;
	app_user u;
	arena a;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_USER_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may assign checkpoints");
	arena_init(&a);
	if ((rc = auth_user_load(s, &a, user_id, &u, e)) != SJ_OK)
		goto out;
	if (u.role != ROLE_CHECKPOINT) {
		rc = sj_fail(e, SJ_EINVAL, "user", "only checkpoint users attend checkpoints; '%s' "
		    "is a%s %s", u.username, u.role == ROLE_ADMIN || u.role == ROLE_AUDITOR ||
		    u.role == ROLE_UNIT ? "n" : "", scope_role_name(u.role));
		goto out;
	}
	if ((rc = row_exists(s, Q_CHECKPOINT_EXISTS, checkpoint_id, "checkpoint_id", "checkpoint",
	    e)) != SJ_OK || (rc = store_prepare(s, auth_sql[Q_ATTEND_ADD], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, user_id);
	store_bind_int(st, 2, checkpoint_id);
	rc = store_run(st, e);
out:
	arena_free(&a);
	return rc;
}

void
principal_scope(const app_user *u, scope *out)
{
	memset(out, 0, sizeof *out);
	out->role = u->role;
	out->user_id = u->id;
	if (u->role == ROLE_LEADER || u->role == ROLE_MEMBER)
		out->group_id = u->group_id;
	else if (u->role == ROLE_UNIT)
		out->unit_id = u->unit_id;
	else if (u->role == ROLE_DEPARTMENT)
		out->department_id = u->department_id;
}

void
auth_principal_fill(const app_user *u, auth_principal *p)
{
	memset(p, 0, sizeof *p);
	p->user_id = u->id;
	snprintf(p->username, sizeof p->username, "%s", u->username);
	snprintf(p->display_name, sizeof p->display_name, "%s", u->display_name);
	p->role = u->role;
	principal_scope(u, &p->scope);
}

/* ---- departments ----------------------------------------------------------- */

sj_rc
department_add(store *s, const scope *sc, const department *in, int64_t *id, sj_err *e)
{
	const char *kind = in->kind ? in->kind : "government";
	uint8_t *sort = NULL;
	size_t sort_n = 0;
	store_stmt *st;
	sj_rc rc;

	if (!auth_role_may(sc->role, PERM_ORG_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may add departments");
	if ((rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK)
		return rc;
	if (strcmp(kind, "government") != 0 && strcmp(kind, "town") != 0)
		return sj_fail(e, SJ_EINVAL, "kind", "'%s': must be government (a government "
		    "department) or town (a town or subdistrict government)", kind);
	if ((rc = text_sort_key(in->name, &sort, &sort_n, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, auth_sql[Q_DEPT_ADD], &st, e)) == SJ_OK) {
		store_bind_text(st, 1, in->name);
		store_bind_blob(st, 2, sort, sort_n);
		store_bind_text(st, 3, kind);
		store_bind_int(st, 4, dt_now());
		rc = store_insert_id(st, id, e);
		if (rc == SJ_ECONFLICT)
			sj_fail(e, rc, "name", "a department named '%s' exists", in->name);
	}
	free(sort);
	return rc;
}

static void
department_read(store_stmt *st, arena *a, department *d)
{
	d->id = store_col_int(st, 0);
	d->name = arena_strdup(a, store_col_text(st, 1));
	d->kind = arena_strdup(a, store_col_text(st, 2));
	d->created_at = store_col_int(st, 3);
}

sj_rc
department_list(store *s, arena *a, department **out, size_t *n, sj_err *e)
{
	return department_list_visible(s, &scope_system, a, out, n, e);
}

sj_rc
department_list_visible(store *s, const scope *sc, arena *a, department **out, size_t *n,
    sj_err *e)
{
	/* DESIGN.md §1: a department liaison sees their own department's
	 * work only; every other role may name any department. */
	int64_t only = sc->role == ROLE_DEPARTMENT ? (sc->department_id > 0 ? sc->department_id : -1)
	    : 0;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, auth_sql[Q_DEPT_LIST], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, only);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		department_read(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

sj_rc
department_lookup(store *s, arena *a, const char *ref, department *out, sj_err *e)
{
	char *end;
	long long v = strtoll(ref, &end, 10);
	bool by_id = *ref >= '0' && *ref <= '9' && *end == '\0';
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[by_id ? Q_DEPT_BY_ID : Q_DEPT_BY_NAME], &st, e)) != SJ_OK)
		return rc;
	if (by_id)
		store_bind_int(st, 1, v);
	else
		store_bind_text(st, 1, ref);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "department", "no department %s '%s'",
		    by_id ? "with id" : "named", ref);
	department_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

/* ---- demo ------------------------------------------------------------------ */

/* The id of the row named name (Q_DEMO_GROUP, Q_DEMO_CHECKPOINT), made by
 * the organisation part. */
static sj_rc
demo_find(store *s, int q, const char *name, int64_t *id, sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, auth_sql[q], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, name);
	if ((rc = store_query_int(st, id, &found, e)) != SJ_OK)
		return rc;
	return found ? SJ_OK : sj_fail(e, SJ_ENOTFOUND, NULL, "'%s' is missing", name);
}

/* The demo accounts; README.md "Demo accounts" lists the same.  The
 * display names are assumed. */
enum { DEMO_NONE, DEMO_GROUP, DEMO_UNIT, DEMO_CULTURE, DEMO_GATE };
static const struct {
	const char *username, *password, *role, *display_name;
	int link;
} demo_users[] = {
	{ "admin", "admin-demo-2020", "admin", "系统管理员", DEMO_NONE },
	{ "leader", "leader-demo-2020", "leader", "工作二组组长", DEMO_GROUP },
	{ "auditor", "auditor-demo-2020", "auditor", "监督员", DEMO_NONE },
	{ "culture", "culture-demo-2020", "department", "市文化和旅游局联络员", DEMO_CULTURE },
	{ "gaotie", "gaotie-demo-2020", "unit", "高铁社区联络员", DEMO_UNIT },
	{ "gate", "gate-demo-2020", "checkpoint", "大门疫情监测点值守人员", DEMO_GATE },
};

typedef struct demo_links {
	int64_t group, unit, culture, gate;
} demo_links;

static sj_rc
demo_links_find(demo_ctx *ctx, demo_links *l, sj_err *e)
{
	department culture = { .name = "泰安市文化和旅游局", .kind = "government" };
	/* Assumed: the town government of the subdistrict the units are in. */
	department town = { .name = "粥店街道办事处", .kind = "town" };
	org_unit u;
	int64_t id;
	arena a;
	sj_rc rc;

	if ((rc = department_add(ctx->s, &scope_system, &culture, &l->culture, e)) != SJ_OK ||
	    (rc = department_add(ctx->s, &scope_system, &town, &id, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	rc = org_unit_find(ctx->s, &scope_system, &a, "高铁社区", &u, e);
	l->unit = rc == SJ_OK ? u.id : 0;
	arena_free(&a);
	if (rc != SJ_OK)
		return rc;
	if ((rc = demo_find(ctx->s, Q_DEMO_GROUP, "市派岱岳区市政协机关工作二组", &l->group, e)) != SJ_OK)
		return rc;
	return demo_find(ctx->s, Q_DEMO_CHECKPOINT, "大门疫情监测点", &l->gate, e);
}

sj_rc
auth_demo_part(demo_ctx *ctx, sj_err *e)
{
	demo_links l;
	int64_t id;
	sj_rc rc;

	if ((rc = demo_links_find(ctx, &l, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		user_input in = { .username = demo_users[i].username,
		    .password = demo_users[i].password, .role = demo_users[i].role,
		    .display_name = demo_users[i].display_name };
		if (demo_users[i].link == DEMO_GROUP)
			in.group_id = l.group;
		else if (demo_users[i].link == DEMO_UNIT)
			in.unit_id = l.unit;
		else if (demo_users[i].link == DEMO_CULTURE)
			in.department_id = l.culture;
		if ((rc = user_add(ctx->s, &scope_system, &in, &id, e)) != SJ_OK)
			return rc;
		if (demo_users[i].link == DEMO_GATE &&
		    (rc = user_checkpoint_add(ctx->s, &scope_system, id, l.gate, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}
