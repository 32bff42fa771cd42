/*
 * pass — personal passes (出入证): issued to a household member for a
 * place, valid on a range of local dates, revocable; carried as a QR code
 * whose text is verified without a database round trip (issue 5 "Codes
 * that can be scanned"; docs/codes.md).
 *
 * The QR text ("payload") is
 *     "SJP1." base64url(body) "." base64url(signature)
 * (RFC 4648 §5 alphabet, no padding).  body is five unsigned LEB128
 * varints, each in its shortest form: person id, place id, valid_from
 * (days since 1970-01-01, a local date), valid_to − valid_from (days), and
 * the pass serial (= the pass's id).  signature is Ed25519 (RFC 8032,
 * libsodium crypto_sign_detached) over "SJP1." || body, under the key pair
 * from the key file's signing seed (crypt_keys_sign_seed, subkey 3): the
 * prefix binds the version, so a signature cannot be replayed under
 * another format.  Ed25519 signatures are deterministic: the same pass
 * always gives the same text.  A payload is about 105 characters.
 *
 * Verification, in this order, gives one verdict with a stable code:
 *   malformed      not this format (prefix, base64url, varints, lengths)
 *   forged         the signature does not verify under this deployment's key
 *   not_yet_valid  today (local date in the deployment zone) < valid_from
 *   expired        today > valid_to (valid_to is the last valid day)
 *   revoked        the serial is on the revocation list
 *   wrong_place    valid, but for another place than the one checked
 *   valid
 * The revocation list lives in memory: loaded from the database on first
 * use, added to by pass_revoke in this process at once, and reloaded from
 * the database every PASS_REVOKE_REFRESH_S seconds so that revocations
 * made by another process (the command line) take effect within that.
 *
 * Scope: a pass is seen and changed through its holder, by the scope
 * rule of the holder's unit (domain/scope.h).
 */
#ifndef SJ_PASS_H
#define SJ_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/crypt.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define PASS_PREFIX "SJP1."
#define PASS_TEXT_MAX 192         /* bytes of a payload and its NUL, with room to spare */
#define PASS_DAYS_MAX 366         /* most days a pass is valid (valid_to − valid_from < 366) */
#define PASS_REASON_MAX 200       /* characters of a revocation reason */
#define PASS_REVOKE_REFRESH_S 30  /* seconds between reloads of the revocation list */
#define PASS_LIST_MAX 500

typedef enum pass_verdict {
	PASS_VALID = 0,
	PASS_MALFORMED,
	PASS_FORGED,
	PASS_NOT_YET_VALID,
	PASS_EXPIRED,
	PASS_REVOKED,
	PASS_WRONG_PLACE,
} pass_verdict;

/* What a payload says. */
typedef struct pass_claim {
	int64_t person_id;
	int64_t place_id;
	sj_date valid_from;   /* first valid local date */
	sj_date valid_to;     /* last valid local date */
	int64_t serial;       /* the pass's id */
} pass_claim;

/* A stored pass.  Strings live in the caller's arena. */
typedef struct pass {
	int64_t id;
	int64_t person_id;
	int64_t place_id;
	sj_date valid_from, valid_to;
	int64_t issued_at;          /* seconds since the epoch, UTC */
	const char *issued_by;      /* username or "cli" */
	int64_t revoked_at;         /* 0 when not revoked */
	const char *revoked_by;     /* NULL when not revoked */
	const char *revoke_reason;  /* NULL when none given */
	const char *person_name;    /* the holder's name, masked ("张*") */
	const char *place_name;
} pass;

/* "No date given" in a pass_input: below every date a parser makes
 * (DT_DATE_MIN), so that no real date — 1969-12-31 is day -1 — is taken
 * for a missing one. */
#define PASS_DATE_NONE INT32_MIN

typedef struct pass_input {
	int64_t person_id;          /* required: a person with a household, in scope */
	int64_t place_id;           /* 0 = the place of the person's household */
	sj_date valid_from;         /* PASS_DATE_NONE = today */
	sj_date valid_to;           /* required (PASS_DATE_NONE = missing) */
	const char *issued_by;      /* required: username or "cli" */
} pass_input;

/* The stable code of v: "valid", "malformed", "forged", "not_yet_valid",
 * "expired", "revoked", "wrong_place". */
const char *pass_verdict_code(pass_verdict v);

/* True when text starts with PASS_PREFIX (it is meant to be a pass,
 * whether or not it verifies). */
bool pass_text_is_pass(const char *text);

/* Write the signed payload of c into out (n ≥ PASS_TEXT_MAX bytes).
 * Errors: SJ_EINVAL (field "pass") when an id is < 1, valid_from < 0 or
 * the range is empty or over PASS_DAYS_MAX days; SJ_EINTERNAL when n is
 * too small. */
sj_rc pass_encode(const crypt_keys *k, const pass_claim *c, char *out, size_t n, sj_err *e);

/* Parse text and check its signature, nothing else.  Returns PASS_VALID
 * with *out filled, PASS_MALFORMED or PASS_FORGED (then *out is zeroed). */
pass_verdict pass_decode(const crypt_keys *k, const char *text, pass_claim *out);

/* A set of revoked serials; thread-safe (a mutex inside). */
typedef struct pass_revlist pass_revlist;

/* A new empty list; free with pass_revlist_free (accepts NULL). */
pass_revlist *pass_revlist_new(void);
void pass_revlist_free(pass_revlist *rl);
void pass_revlist_add(pass_revlist *rl, int64_t serial);
bool pass_revlist_has(pass_revlist *rl, int64_t serial);
size_t pass_revlist_count(pass_revlist *rl);

/* Replace the content of rl by the ids of every revoked pass in s whose
 * valid_to is on or after `since` (older ones are expired anyway).
 * Errors: store errors (rl unchanged). */
sj_rc pass_revlist_load(store *s, pass_revlist *rl, sj_date since, sj_err *e);

/* The process's revocation list for the database of s (one per
 * store_url), loaded on first use and reloaded when now is
 * PASS_REVOKE_REFRESH_S or more after the last load.  The list lives
 * until exit.  Errors: store errors of the load. */
sj_rc pass_revlist_shared(store *s, int64_t now, pass_revlist **out, sj_err *e);

/* Decode text and judge it on local date today against rl (may be NULL:
 * no revocations) and, when place_id > 0, that place.  *out (may be NULL)
 * receives the claim whenever the signature verified. */
pass_verdict pass_verify(const crypt_keys *k, pass_revlist *rl, const char *text,
    sj_date today, int64_t place_id, pass_claim *out);

/*
 * For the scan path: pass_verify of a scanned text at instant now (its
 * local date in the deployment zone) against the shared revocation list
 * of s's database and place place_id (0 = any).  *verdict receives the
 * verdict; when it is not PASS_VALID, e is filled (SJ_EINVAL, field
 * "code") with a message a person can act on, e.g. "pass 12 expired on
 * 2020-03-31", but SJ_OK is returned: the caller decides whether that is
 * a refusal of input or a deny decision.  Errors returned: store errors of
 * loading the revocation list.
 */
sj_rc pass_check(store *s, const crypt_keys *k, const char *text, int64_t now,
    int64_t place_id, pass_verdict *verdict, pass_claim *out, sj_err *e);

/*
 * Issue a pass (in one transaction).  Rules: the person exists in scope
 * and belongs to a household; the place (default: the household's) is in
 * scope; valid_from defaults to today; valid_from ≤ valid_to; valid_to ≥
 * today (a pass is never issued already expired); the range spans at most
 * PASS_DAYS_MAX days.  today is the local date, now the instant.
 * Errors: SJ_ENOTFOUND ("person_id", "place_id"); SJ_EINVAL ("person_id"
 * "has no household...", "valid_from", "valid_to", "issued_by"); store
 * errors.  Nothing is written on error.
 */
sj_rc pass_issue(store *s, const scope *sc, const pass_input *in, sj_date today, int64_t now,
    int64_t *id, sj_err *e);

/* The pass with this id, if its holder is in scope (strings in a).
 * Errors: SJ_ENOTFOUND (field "pass"). */
sj_rc pass_get(store *s, const scope *sc, arena *a, int64_t id, pass *out, sj_err *e);

/* The passes of a person in scope, newest first, at most PASS_LIST_MAX,
 * into an arena array.  Errors: SJ_ENOTFOUND ("person_id") for a person
 * out of scope. */
sj_rc pass_list(store *s, const scope *sc, arena *a, int64_t person_id, pass **out, size_t *n,
    sj_err *e);

/* Revoke pass id at instant now by who (a username or "cli") with an
 * optional reason (≤ 200 characters, single line), and add it to the
 * shared revocation list of s's database at once.  Revoking a revoked pass
 * succeeds and keeps the first revocation.  Errors: SJ_ENOTFOUND
 * ("pass"); SJ_EINVAL ("reason"); store errors. */
sj_rc pass_revoke(store *s, const scope *sc, int64_t id, const char *who, const char *reason,
    int64_t now, sj_err *e);

/* Draw pass p as a QR code of its payload in format "png" or "svg" into
 * out, lettered (PNG: in font; see qr_render_png) with the holder's
 * masked name, the place, the validity dates and the serial.  *lettered
 * (may be NULL) as qr_render_png.  Errors: those of pass_encode and
 * qr_render (SJ_EINVAL "format"). */
sj_rc pass_render(const crypt_keys *k, const pass *p, const char *format, const char *font,
    buf *out, bool *lettered, sj_err *e);

/*
 * Whether pass p's code may be given out — shown as text or printed — on
 * local date today: only while the pass can still pass a checkpoint, that
 * is valid or not yet valid (cards are handed out ahead of their first
 * day).  A revoked or expired pass would be refused at every checkpoint
 * (pass_verify), and docs/codes.md allows printing no such pass: a card
 * made from it misleads its holder, and a revoked pass's code would pass
 * any verifier whose revocation list is not yet reloaded.  The pass's
 * record stays readable (its code withheld).  Errors: SJ_ENOTFOUND (field
 * "pass": the code, not the pass, is gone — as a rotated place code is
 * 404) "pass 12 has been revoked: its code is not given out again; issue a
 * new pass", or "pass 12 expired after 2020-03-31: ...".
 */
sj_rc pass_printable(const pass *p, sj_date today, sj_err *e);

/* The claim of a stored pass (for pass_encode). */
void pass_claim_of(const pass *p, pass_claim *out);

/* The status of p on local date today: PASS_VALID, PASS_NOT_YET_VALID,
 * PASS_EXPIRED or PASS_REVOKED (revocation first). */
pass_verdict pass_status(const pass *p, sj_date today);

#endif
