/*
 * audit — the append-only record of who did what (DESIGN.md §1: "every
 * personal-data reveal still audited"; issue 3 "Audit").
 *
 * An event says when (seconds since the epoch, UTC), who (user id and the
 * username as it was then, or "cli" for the command line), from where (IP
 * address, request id), what (an action "noun.verb": "unit.create",
 * "person.reveal", "user.sign_in"), on what (object type and id) and a
 * detail: JSON text the caller builds (before/after values or
 * parameters).  The database refuses to change or delete an event
 * (triggers in schema/sqlite/0002_auth.sql); nothing in sijin tries.
 *
 * The pattern for a change: store_begin(); the domain call; audit_record();
 * store_commit() — so that a change is never kept without its event.
 * Reading the log needs PERM_AUDIT_READ (admin, auditor, the command line).
 */
#ifndef SJ_AUDIT_H
#define SJ_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define AUDIT_ACTION_MAX 64          /* bytes */
#define AUDIT_DETAIL_MAX (64 * 1024) /* bytes */
#define AUDIT_LIST_MAX 500           /* largest page */
#define AUDIT_USERNAME_CLI "cli"     /* username of events from the command line */

typedef struct audit_event_input {
	int64_t at;              /* seconds since the epoch; 0 = now */
	int64_t user_id;         /* 0 = no user (command line, failed sign-in of no one) */
	const char *username;    /* required: the user's name as now, or "cli" */
	const char *ip;          /* NULL or "" when not over the network */
	const char *action;      /* required: lower-case "noun.verb", e.g. "unit.create" */
	const char *object_type; /* NULL when the event is about no single record */
	int64_t object_id;       /* 0 = none */
	const char *detail;      /* NULL, or JSON text (checked by the database) */
	const char *request_id;  /* NULL when not from an HTTP request */
} audit_event_input;

typedef struct audit_event {
	int64_t id;
	int64_t at;              /* seconds since the epoch, UTC */
	int64_t user_id;         /* 0 = none */
	const char *username;
	const char *ip;          /* NULL when none */
	const char *action;
	const char *object_type; /* NULL when none */
	int64_t object_id;       /* 0 = none */
	const char *detail;      /* NULL or JSON text */
	const char *request_id;  /* NULL when none */
} audit_event;

/* What audit_list returns; zero / NULL fields do not narrow. */
typedef struct audit_filter {
	const char *action_prefix; /* e.g. "person." or "user.sign_in" (byte prefix) */
	int64_t user_id;
	const char *object_type;
	int64_t object_id;         /* only with object_type */
	int64_t from;              /* at >= from (seconds since the epoch); 0 = no bound */
	int64_t to;                /* at < to; 0 = no bound */
	int64_t after_id;          /* cursor: events with id < after_id (newest first) */
	int limit;                 /* 1..AUDIT_LIST_MAX; 0 means 50 */
} audit_filter;

typedef struct audit_page {
	audit_event *events;       /* arena array, newest (highest id) first */
	size_t n_events;
	bool has_more;             /* more events match after this page */
	int64_t next_after_id;     /* when has_more: the after_id of the next page */
} audit_page;

/* Append one event.  *id (may be NULL) receives its id.  Runs in the
 * caller's transaction when one is open.  Errors: SJ_EINVAL naming
 * "action" (missing, over 64 bytes, not lower-case letters, digits and
 * '_' in dot-separated words with at least one dot), "username"
 * (missing), "detail" (over 64 KiB or not JSON: "is not valid JSON"),
 * "object_id" (given without object_type); store errors. */
sj_rc audit_record(store *s, const audit_event_input *in, int64_t *id, sj_err *e);

/* One page of events matching f, newest first (by id), strings in the
 * arena.  Needs PERM_AUDIT_READ.  Errors: SJ_EFORBIDDEN "only an
 * administrator or auditor may read the audit log"; SJ_EINVAL ("limit"
 * out of 0..500, "to" before "from"); store errors. */
sj_rc audit_list(store *s, const scope *sc, arena *a, const audit_filter *f,
    audit_page *out, sj_err *e);

/*
 * person_reveal (domain/person.h) with its permission check and audit
 * event: needs PERM_PERSON_REVEAL (admin, leader, auditor, command line;
 * else SJ_EFORBIDDEN), and within one transaction reads the clear
 * identity number and mobile of person person_id in scope and appends the
 * event "person.reveal" (object "person", person_id) with who's user,
 * username, ip, request_id and detail (who->action, object and at are set
 * here); when who->detail is NULL the detail names the fields shown, never
 * their values: {"fields":["id_number","mobile"]}.  If the event cannot be written nothing is revealed: *id_number
 * and *mobile stay NULL.  Strings are copied into the arena.  Errors: as
 * person_reveal (SJ_ENOTFOUND also outside scope) and audit_record.
 */
sj_rc audit_person_reveal(store *s, const crypt_keys *k, const scope *sc, arena *a,
    int64_t person_id, const audit_event_input *who, const char **id_number,
    const char **mobile, sj_err *e);

#endif
