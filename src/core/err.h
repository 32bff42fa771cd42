/*
 * err — the project-wide error codes and the error record that carries a
 * message a user can act on.
 *
 * Every fallible function in sijin returns an sj_rc and, when it fails,
 * fills the caller's sj_err with the code, the name of the offending field
 * (empty when no single field is at fault) and a one-line message.  The
 * HTTP layer maps the code to a status and an RFC 9457 problem type; the
 * CLI maps it to an exit code.  Both maps live here so that they agree.
 */
#ifndef SJ_ERR_H
#define SJ_ERR_H

#include <stddef.h>

typedef enum sj_rc {
	SJ_OK = 0,
	SJ_EINVAL,     /* bad input: a field is malformed or out of range */
	SJ_ENOTFOUND,  /* no such record (or not in the caller's scope) */
	SJ_ECONFLICT,  /* the change contradicts stored state (duplicate, stale) */
	SJ_EFORBIDDEN, /* signed in, but the role may not do this */
	SJ_EAUTH,      /* not signed in, or the credentials are wrong */
	SJ_ETOOBIG,    /* input over a size limit */
	SJ_ELIMIT,     /* rate limit reached; retry later */
	SJ_EDB,        /* the store failed (I/O, corruption, SQL error) */
	SJ_EBUSY,      /* the store is locked or overloaded; retry */
	SJ_EUNAVAIL,   /* the store cannot take writes now (disk full, read-only) */
	SJ_ESCHEMA,    /* the database schema is newer than this binary */
	SJ_EIO,        /* a file outside the store could not be read or written */
	SJ_ECONFIG,    /* the configuration is invalid */
	SJ_ENOMEM,     /* out of memory (normally fatal; see sj_oom) */
	SJ_EINTERNAL,  /* a bug: an invariant that should hold did not */
	SJ__NCODES
} sj_rc;

/* A failure's details.  Zero-initialise before use; the first failure wins
 * unless the caller clears it with sj_err_clear(). */
typedef struct sj_err {
	sj_rc rc;
	char field[64];  /* the input field at fault, e.g. "id_number"; may be "" */
	char msg[256];   /* one line, no trailing newline, e.g. "check character is 5, expected X" */
} sj_err;

/* Record a failure in e (which may be NULL) and return rc.  field may be
 * NULL or ""; fmt is a printf format for the message.  Overwrites any
 * earlier failure in e.  Returns rc so that callers can write
 * `return sj_fail(e, SJ_EINVAL, "temp", "not a number");`. */
sj_rc sj_fail(sj_err *e, sj_rc rc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Put printf-formatted context in front of e's message ("demo part
 * 'org': " + old message), keeping its code and field.  Returns e->rc
 * (SJ_EINTERNAL when e is NULL). */
sj_rc sj_err_prefix(sj_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset e to SJ_OK with empty field and message.  Accepts NULL. */
void sj_err_clear(sj_err *e);

/* The stable machine-readable name of rc, e.g. "invalid-input" for
 * SJ_EINVAL.  Used as the last segment of the problem `type` URI and in
 * logs.  Never NULL. */
const char *sj_rc_code(sj_rc rc);

/* A short human title for rc, e.g. "Invalid input".  Never NULL. */
const char *sj_rc_title(sj_rc rc);

/* The HTTP status for rc: EINVAL 422... see err.c for the full map. */
int sj_rc_http_status(sj_rc rc);

/* The CLI exit code for rc.  Documented in README.md ("Exit codes"):
 * 0 ok, 1 internal or store failure, 2 usage / invalid input,
 * 3 not found, 4 conflict, 5 permission, 6 schema too new, 7 unavailable. */
int sj_rc_exit_code(sj_rc rc);

/* Print "sijin: <field>: <msg>" (or without the field) to stderr,
 * one line.  For the CLI. */
void sj_err_print(const sj_err *e);

/* Abort the process after printing that an allocation of n bytes failed.
 * Out of memory is not an error sijin recovers from (STYLE.md). */
_Noreturn void sj_oom(size_t n);

/* malloc/calloc/realloc/strdup that never return NULL (they call sj_oom).
 * Free with free(). */
void *sj_malloc(size_t n);
void *sj_calloc(size_t n, size_t size);
void *sj_realloc(void *p, size_t n);
char *sj_strdup(const char *s);

#endif
