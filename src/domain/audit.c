/*
 * audit — append and read audit events; the audited reveal of personal data.
 *
 * Invariant: this module only inserts into audit_event and reads it; the
 * schema's triggers make any UPDATE or DELETE fail, whoever tries.
 */
#include "domain/audit.h"

#include <sodium.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/auth.h"
#include "domain/person.h"

enum { Q_ADD, Q_LIST };

static const char *const audit_sql[] = {
	[Q_ADD] =
	"INSERT INTO audit_event (at, user_id, username, ip, action, object_type, object_id,"
	" detail, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
	[Q_LIST] =
	"SELECT id, at, user_id, username, ip, action, object_type, object_id, detail, request_id"
	" FROM audit_event"
	" WHERE (substr(action, 1, length(?1)) = ?1 OR ?1 IS NULL)"
	" AND (?2 = 0 OR user_id = ?2)"
	" AND (object_type = ?3 OR ?3 IS NULL)"
	" AND (?4 = 0 OR object_id = ?4)"
	" AND (?5 = 0 OR at >= ?5)"
	" AND (?6 = 0 OR at < ?6)"
	" AND (?7 = 0 OR id < ?7)"
	" ORDER BY id DESC LIMIT ?8",
};

/* "noun.verb": dot-separated words of a-z 0-9 _, at least two. */
static sj_rc
check_action(const char *action, sj_err *e)
{
	size_t n = action ? strlen(action) : 0, dots = 0;

	if (n == 0)
		return sj_fail(e, SJ_EINVAL, "action", "is required");
	if (n > AUDIT_ACTION_MAX)
		return sj_fail(e, SJ_EINVAL, "action", "must be at most %d bytes", AUDIT_ACTION_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = action[i];
		if (c == '.') {
			if (i == 0 || i == n - 1 || action[i - 1] == '.')
				goto bad;
			dots++;
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			goto bad;
	}
	if (dots > 0)
		return SJ_OK;
bad:
	return sj_fail(e, SJ_EINVAL, "action", "'%s' is not of the form noun.verb (lower-case "
	    "letters, digits and '_')", action);
}

static sj_rc
check_input(const audit_event_input *in, sj_err *e)
{
	sj_rc rc;

	if ((rc = check_action(in->action, e)) != SJ_OK)
		return rc;
	if (in->username == NULL || *in->username == '\0')
		return sj_fail(e, SJ_EINVAL, "username", "is required");
	if (in->object_id != 0 && in->object_type == NULL)
		return sj_fail(e, SJ_EINVAL, "object_id", "is given without object_type");
	if (in->detail && strlen(in->detail) > AUDIT_DETAIL_MAX)
		return sj_fail(e, SJ_EINVAL, "detail", "must be at most %d bytes", AUDIT_DETAIL_MAX);
	return SJ_OK;
}

/* Bind text, or NULL for NULL or "". */
static void
bind_opt_text(store_stmt *st, int i, const char *v)
{
	if (v && *v)
		store_bind_text(st, i, v);
	else
		store_bind_null(st, i);
}

static void
bind_opt_int(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

sj_rc
audit_record(store *s, const audit_event_input *in, int64_t *id, sj_err *e)
{
	store_stmt *st;
	int64_t new_id;
	sj_rc rc;

	if ((rc = check_input(in, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, audit_sql[Q_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->at ? in->at : dt_now());
	bind_opt_int(st, 2, in->user_id);
	store_bind_text(st, 3, in->username);
	bind_opt_text(st, 4, in->ip);
	store_bind_text(st, 5, in->action);
	bind_opt_text(st, 6, in->object_type);
	bind_opt_int(st, 7, in->object_id);
	bind_opt_text(st, 8, in->detail);
	bind_opt_text(st, 9, in->request_id);
	rc = store_insert_id(st, &new_id, e);
	/* The only CHECK on the table is that detail is JSON (json_valid on
	 * SQLite, a cast to json on PostgreSQL). */
	if (rc == SJ_EINVAL)
		return sj_fail(e, rc, "detail", "is not valid JSON");
	if (rc == SJ_OK && id)
		*id = new_id;
	return rc;
}

static const char *
col_opt_text(store_stmt *st, arena *a, int i)
{
	return store_col_is_null(st, i) ? NULL : arena_strdup(a, store_col_text(st, i));
}

static void
event_read(store_stmt *st, arena *a, audit_event *ev)
{
	ev->id = store_col_int(st, 0);
	ev->at = store_col_int(st, 1);
	ev->user_id = store_col_int(st, 2);
	ev->username = arena_strdup(a, store_col_text(st, 3));
	ev->ip = col_opt_text(st, a, 4);
	ev->action = arena_strdup(a, store_col_text(st, 5));
	ev->object_type = col_opt_text(st, a, 6);
	ev->object_id = store_col_int(st, 7);
	ev->detail = col_opt_text(st, a, 8);
	ev->request_id = col_opt_text(st, a, 9);
}

static sj_rc
list_prepare(store *s, const audit_filter *f, int limit, store_stmt **st, sj_err *e)
{
	sj_rc rc;

	if ((rc = store_prepare(s, audit_sql[Q_LIST], st, e)) != SJ_OK)
		return rc;
	bind_opt_text(*st, 1, f->action_prefix);
	store_bind_int(*st, 2, f->user_id);
	bind_opt_text(*st, 3, f->object_type);
	store_bind_int(*st, 4, f->object_id);
	store_bind_int(*st, 5, f->from);
	store_bind_int(*st, 6, f->to);
	store_bind_int(*st, 7, f->after_id);
	store_bind_int(*st, 8, limit + 1);  /* one more tells whether a next page exists */
	return SJ_OK;
}

sj_rc
audit_list(store *s, const scope *sc, arena *a, const audit_filter *f, audit_page *out,
    sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (!auth_role_may(sc->role, PERM_AUDIT_READ))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator or auditor may read the "
		    "audit log");
	if (f->limit < 0 || f->limit > AUDIT_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", f->limit,
		    AUDIT_LIST_MAX);
	if (f->from && f->to && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if ((rc = list_prepare(s, f, limit, &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		if (out->n_events == (size_t)limit) {
			out->has_more = true;
			out->next_after_id = out->events[limit - 1].id;
			store_reset(st);
			break;
		}
		out->events = arena_grow(a, out->events, &cap, out->n_events, sizeof *out->events);
		event_read(st, a, &out->events[out->n_events++]);
	}
	return rc;
}

/* The detail naming the fields shown, never their values:
 * {"fields":["id_number","mobile"]}. */
static const char *
reveal_fields(const char *id_number, const char *mobile)
{
	if (id_number && mobile)
		return "{\"fields\":[\"id_number\",\"mobile\"]}";
	if (id_number)
		return "{\"fields\":[\"id_number\"]}";
	return mobile ? "{\"fields\":[\"mobile\"]}" : "{\"fields\":[]}";
}

static void
wipe(const char *clear)
{
	if (clear)
		sodium_memzero((char *)clear, strlen(clear));
}

sj_rc
audit_person_reveal(store *s, const crypt_keys *k, const scope *sc, arena *a,
    int64_t person_id, const audit_event_input *who, const char **id_number,
    const char **mobile, sj_err *e)
{
	audit_event_input ev = *who;
	sj_rc rc;

	*id_number = *mobile = NULL;
	if (!auth_role_may(sc->role, PERM_PERSON_REVEAL))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "your role may not see identity numbers or "
		    "mobiles in clear");
	ev.at = 0;
	ev.action = "person.reveal";
	ev.object_type = "person";
	ev.object_id = person_id;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	rc = person_reveal(s, k, sc, a, person_id, id_number, mobile, e);
	if (rc == SJ_OK) {
		if (ev.detail == NULL)
			ev.detail = reveal_fields(*id_number, *mobile);
		rc = audit_record(s, &ev, NULL, e);
	}
	if (rc != SJ_OK) {
		store_rollback(s);
		goto fail;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		goto fail;
	return SJ_OK;
fail:
	/* Nothing is revealed without its event: wipe the arena copies. */
	wipe(*id_number);
	wipe(*mobile);
	*id_number = *mobile = NULL;
	return rc;
}
