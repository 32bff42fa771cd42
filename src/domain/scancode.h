/*
 * scancode — the text of a scanned code turned into the "who" of a scan
 * (issue 5 "Codes that can be scanned"; docs/codes.md), so that every way
 * a code arrives (a scanner, a photo) goes the same path:
 *   a personal pass ("SJP1.…")  its holder, once the pass verifies
 *                               offline (pass_check: signature, local
 *                               dates, revocation list, place);
 *   a place code (…/c/<token>)  refused: it names a checkpoint, not a
 *                               person; visitors scan it with their phone;
 *   an identity number          as typed, for scan_prepare to look up;
 *   anything else               refused.
 */
#ifndef SJ_SCANCODE_H
#define SJ_SCANCODE_H

#include <stdint.h>

#include "core/crypt.h"
#include "core/err.h"
#include "domain/scan.h"
#include "domain/scope.h"
#include "store/store.h"

/* What a code was found to be. */
typedef enum scancode_kind {
	SCANCODE_PASS,
	SCANCODE_PLACE_CODE,
	SCANCODE_ID_NUMBER,
	SCANCODE_OTHER,
} scancode_kind;

/* The longest scanned text, in bytes, that can be a code (after the
 * spaces and tabs around it are dropped): a pass is about 102 characters,
 * a place-code URL its public-url plus 46. */
#define SCANCODE_TEXT_MAX 1024

/* The kind of text (no verification), spaces and tabs around it ignored:
 * a pass by its prefix, a place code by placecode_token_of, an identity
 * number when ident_id_normalise accepts it (birth date not checked
 * against today); SCANCODE_OTHER for NULL or text over SCANCODE_TEXT_MAX. */
scancode_kind scancode_kind_of(const char *text);

/* Scanned text without the spaces and tabs around it (a hand scanner in
 * keyboard mode, or a paste, leaves them; an identity number typed with
 * them is accepted as well, ident_id_normalise): text itself when it has
 * none, else a copy in copy[size] (SCANCODE_TEXT_MAX + 1 holds any code);
 * NULL when the copy would not fit (no code is that long).  The scan path
 * and the checks of a scanned pass (POST /api/v1/passes/verify, sijin pass
 * verify) read a code through it alike. */
const char *scancode_trim(const char *text, char *copy, size_t size);

/* "pass", "place_code", "id_number", "other". */
const char *scancode_kind_name(scancode_kind k);

/* The place of the checkpoint where sc may record a scan, into *place_id:
 * the checkpoint in scope and, for a checkpoint attendant, one they attend
 * (as scan_prepare requires), so that a request for another checkpoint is
 * refused before any of its input is looked at.  Errors: SJ_ENOTFOUND
 * (field "checkpoint") — out of scope looks like missing; store errors. */
sj_rc scancode_checkpoint(store *s, const scope *sc, int64_t checkpoint_id, int64_t *place_id,
    sj_err *e);

/*
 * Fill the who of *in from text scanned at a checkpoint of place place_id
 * (0 = do not check the pass's place) at instant now: for a pass that
 * verifies, in->person_id = its holder and in->source = SCAN_SRC_PASS; for
 * an identity number, in->id_number = text (in->source unchanged).  Spaces
 * and tabs around text are ignored (scancode_kind_of).  Other
 * fields of *in are left as they are.  Errors (field "code"), nothing
 * changed in *in: SJ_EINVAL for a pass that does not verify, the message
 * naming the verdict ("pass 12 expired after 2020-03-31", "... has been
 * revoked", "... is for another place", forged, malformed); for a place
 * code ("is a place code ..."); for any other text; store errors of
 * loading the revocation list.
 */
sj_rc scancode_resolve(store *s, const crypt_keys *k, const char *text, int64_t place_id,
    int64_t now, scan_input *in, sj_err *e);

#endif
