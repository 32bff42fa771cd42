/*
 * scancode — from scanned text to the who of a scan, and the checkpoint a
 * scan may be recorded at.
 */
#include "domain/scancode.h"

#include <stddef.h>
#include <string.h>

#include "core/ident.h"
#include "domain/pass.h"
#include "domain/placecode.h"

static const char *const scancode_sql[] = {
	/* ?4 checkpoint (an attendant: one they attend) */
	"SELECT c.place_id FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id"),
};

sj_rc
scancode_checkpoint(store *s, const scope *sc, int64_t checkpoint_id, int64_t *place_id,
    sj_err *e)
{
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, scancode_sql[0], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, checkpoint_id);
	if ((rc = store_query_int(st, place_id, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "checkpoint", "no checkpoint with id %lld",
		    (long long)checkpoint_id);
	return SJ_OK;
}

const char *
scancode_trim(const char *text, char *copy, size_t size)
{
	size_t n = strlen(text), lead = strspn(text, " \t");

	while (n > lead && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (lead == 0 && text[n] == '\0')
		return text;
	if (n - lead >= size)
		return NULL;
	memcpy(copy, text + lead, n - lead);
	copy[n - lead] = '\0';
	return copy;
}

scancode_kind
scancode_kind_of(const char *text)
{
	char token[CRYPT_TOKEN_SIZE], id[IDENT_ID_SIZE], copy[SCANCODE_TEXT_MAX + 1];

	if (text == NULL || (text = scancode_trim(text, copy, sizeof copy)) == NULL)
		return SCANCODE_OTHER;
	if (pass_text_is_pass(text))
		return SCANCODE_PASS;
	if (placecode_token_of(text, token))
		return SCANCODE_PLACE_CODE;
	if (ident_id_normalise(text, 0, id, NULL) == SJ_OK)
		return SCANCODE_ID_NUMBER;
	return SCANCODE_OTHER;
}

const char *
scancode_kind_name(scancode_kind k)
{
	switch (k) {
	case SCANCODE_PASS: return "pass";
	case SCANCODE_PLACE_CODE: return "place_code";
	case SCANCODE_ID_NUMBER: return "id_number";
	default: return "other";
	}
}

sj_rc
scancode_resolve(store *s, const crypt_keys *k, const char *text, int64_t place_id, int64_t now,
    scan_input *in, sj_err *e)
{
	char copy[SCANCODE_TEXT_MAX + 1];
	const char *code = text ? scancode_trim(text, copy, sizeof copy) : NULL;
	pass_verdict v;
	pass_claim c;
	sj_rc rc;

	switch (scancode_kind_of(code)) {
	case SCANCODE_PASS:
		if ((rc = pass_check(s, k, code, now, place_id, &v, &c, e)) != SJ_OK)
			return rc;
		if (v != PASS_VALID)
			return e ? e->rc : SJ_EINVAL;  /* pass_check filled e, field "code" */
		in->person_id = c.person_id;
		in->id_number = NULL;
		in->source = SCAN_SRC_PASS;
		return SJ_OK;
	case SCANCODE_PLACE_CODE:
		return sj_fail(e, SJ_EINVAL, "code", "is a place code (场所码): it names a checkpoint, "
		    "not a person; visitors scan it with their own phone");
	case SCANCODE_ID_NUMBER:
		in->person_id = 0;
		in->id_number = text;
		return SJ_OK;
	default:
		return sj_fail(e, SJ_EINVAL, "code", "is not a sijin pass, a place code or an identity "
		    "number");
	}
}
