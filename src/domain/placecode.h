/*
 * placecode — place codes (场所码): one unguessable token per checkpoint,
 * printed as a QR poster of the URL <public-url>/c/<token> that opens the
 * self check-in page on a visitor's phone (issue 5; docs/codes.md).
 *
 * A token is 43 characters of base64url (32 random bytes from the system
 * CSPRNG, crypt_random_token): guessing one is hopeless, so the token
 * alone names the checkpoint on the public routes.  Rotating a checkpoint's
 * code replaces its token; the old URL stops working at once.  Reads and
 * changes by id take the caller's scope through the checkpoint's unit;
 * placecode_resolve is the public look-up by token and has no scope.
 */
#ifndef SJ_PLACECODE_H
#define SJ_PLACECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/crypt.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

#define PLACECODE_TOKEN_LEN 43   /* characters; CRYPT_TOKEN_SIZE with its NUL */

typedef struct placecode {
	int64_t checkpoint_id;
	const char *token;            /* 43 characters */
	int64_t created_at;           /* when this token was made, seconds since the epoch */
	/* Filled on reads, for the poster and the check-in page: */
	const char *checkpoint_name;
	const char *checkpoint_kind;  /* "gate", "monitoring_point", "door" */
	int64_t place_id;
	const char *place_name;
	int records_exits;            /* 1 when the place scans exits too */
	int64_t unit_id;
	const char *unit_name;
} placecode;

/* True when s is a well-formed token: exactly 43 of A-Z a-z 0-9 - _. */
bool placecode_token_valid(const char *s);

/* The token in a scanned or typed text: the text itself when it is a
 * token, or the last path segment of a URL whose path ends in
 * "/c/<token>" (any scheme and host, so a poster printed under another
 * public-url still scans).  Copies it into out (CRYPT_TOKEN_SIZE bytes)
 * and returns true; false (out "") when the text holds none. */
bool placecode_token_of(const char *text, char out[CRYPT_TOKEN_SIZE]);

/* The URL of a token: public_url without a trailing '/', "/c/", token,
 * in the arena. */
const char *placecode_url(arena *a, const char *public_url, const char *token);

/* The place code of checkpoint_id, if the checkpoint is in scope.
 * Errors: SJ_ENOTFOUND (field "checkpoint") for a checkpoint out of
 * scope; SJ_ENOTFOUND (field "place_code") when it has none yet. */
sj_rc placecode_get(store *s, const scope *sc, arena *a, int64_t checkpoint_id, placecode *out,
    sj_err *e);

/* Give checkpoint_id a place code at instant now: a new token when it has
 * none, or when rotate is true a new token in place of the old one; when
 * it has one and rotate is false nothing changes.  *created (may be NULL)
 * says whether a token was made.  In one transaction.  Errors:
 * SJ_ENOTFOUND ("checkpoint"); store errors. */
sj_rc placecode_issue(store *s, const scope *sc, int64_t checkpoint_id, bool rotate, int64_t now,
    bool *created, sj_err *e);

/* The place code whose token is token (no scope: the token is the
 * credential), with its checkpoint, place and unit.  Errors:
 * SJ_ENOTFOUND (field "token") for a malformed or unknown token. */
sj_rc placecode_resolve(store *s, arena *a, const char *token, placecode *out, sj_err *e);

/* Draw the poster of pc: the QR code of url in format "png" or "svg" into
 * out, headed by the place's name, then the checkpoint's name and "扫码登记
 * Scan to check in"; the PNG lettered in font (see qr_render_png; *lettered
 * may be NULL), with the names also in its iTXt chunks and the SVG's
 * <title>.  Errors: those of qr_render (SJ_EINVAL "format"). */
sj_rc placecode_render(const placecode *pc, const char *url, const char *format,
    const char *font, buf *out, bool *lettered, sj_err *e);

#endif
