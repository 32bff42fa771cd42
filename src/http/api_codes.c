/*
 * api_codes — codes that can be scanned, over HTTP (issue 5; docs/codes.md):
 * personal passes (issue, list, show, revoke, print, verify), place codes
 * (show, make or rotate, print the poster), the public self check-in
 * behind a place code (the page, its assets, the check-in itself) and the
 * photo of a code decoded into a scan.
 *
 * Public routes (/c/{token}, /api/v1/checkin/{token}; the page's files
 * are under /web/, http/web.c) are
 * named by the place code's token alone; the check-in routes are rate
 * limited per client address and per token in memory (a fixed window per
 * minute in a table of hashed keys, so memory stays bounded whatever the
 * traffic; two keys that share a slot share a count, which only ever
 * makes the limit stricter).  Every other route goes through the
 * caller's permission and scope.  Pictures are made on demand and never
 * stored.  Writes run in one transaction with their audit event.
 */
#include <pthread.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "core/ident.h"
#include "core/qr.h"
#include "core/text.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/pass.h"
#include "domain/person.h"
#include "domain/placecode.h"
#include "domain/outsider.h"
#include "domain/scan.h"
#include "domain/scancode.h"
#include "domain/screening.h"
#include "http/api.h"
#include "http/multipart.h"
#include "http/web.h"
#include "json/jcodes.h"
#include "json/jscan.h"

#define PASS_BODY_MAX 4096          /* bytes: a pass request */
#define CHECKIN_BODY_MAX 4096       /* bytes: a self check-in */
#define PHOTO_BODY_MAX ((size_t)8 << 20)  /* bytes: a photo (also capped by max-body) */

/* Self check-in limits, per minute (a fixed window). */
#define LIMIT_WINDOW_S 60
#define LIMIT_PER_IP 30             /* check-ins from one client address */
#define LIMIT_INFO_PER_IP 120       /* page look-ups from one client address */
#define LIMIT_PER_TOKEN 600         /* check-ins at one place code */
#define LIMIT_SLOTS 4096            /* a power of two */

#define CHECKIN_TEXT_MAX 100        /* characters of from and host */
#define CHECKIN_REASON_MAX 200      /* characters of reason */

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

static sj_date
today(void)
{
	return dt_date_of(dt_now());
}

/* ---- rate limits -------------------------------------------------------- */

typedef struct limit_slot {
	uint64_t key;      /* SipHash of kind and value */
	int64_t window;    /* now / LIMIT_WINDOW_S */
	int count;
} limit_slot;

static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;
static limit_slot limit_slots[LIMIT_SLOTS];
static unsigned char limit_key[crypto_shorthash_KEYBYTES];
static bool limit_keyed;

/* Count one use of (kind, value) at now; SJ_ELIMIT (field) with a
 * Retry-After header when limit uses were already counted this window.
 * The key is hashed with a random per-process key (SipHash-2-4), so
 * clients cannot aim their keys at one slot. */
static sj_rc
limit_take(http_req *r, const char *kind, const char *value, int limit, const char *field,
    sj_err *e)
{
	unsigned char h[crypto_shorthash_BYTES];
	int64_t now = dt_now(), window = now / LIMIT_WINDOW_S;
	char msg[256], retry[24];
	limit_slot *slot;
	uint64_t key;
	bool over;

	snprintf(msg, sizeof msg, "%s\n%s", kind, value);
	pthread_mutex_lock(&limit_lock);
	if (!limit_keyed) {
		randombytes_buf(limit_key, sizeof limit_key);
		limit_keyed = true;
	}
	crypto_shorthash(h, (const unsigned char *)msg, strlen(msg), limit_key);
	memcpy(&key, h, sizeof key);
	slot = &limit_slots[key & (LIMIT_SLOTS - 1)];
	if (slot->key != key || slot->window != window) {
		slot->key = key;
		slot->window = window;
		slot->count = 0;
	}
	over = slot->count >= limit;
	if (!over)
		slot->count++;
	pthread_mutex_unlock(&limit_lock);
	if (!over)
		return SJ_OK;
	snprintf(retry, sizeof retry, "%lld", (long long)((window + 1) * LIMIT_WINDOW_S - now));
	http_reply_header(r, "Retry-After", retry);
	return sj_fail(e, SJ_ELIMIT, field, "too many check-ins; try again in %s seconds", retry);
}

/* End a write whose transaction is open: on rc == SJ_OK write the audit
 * event (action on object_type id, before/after stolen), commit and reply
 * status with reply (stolen; Location when location is not NULL);
 * otherwise roll back.  For writes whose reply holds what the audit log
 * must not (a pass's code, a place code's token). */
static sj_rc
write_finish(http_req *r, sj_rc rc, const char *action, const char *object_type, int64_t id,
    json_t *before, json_t *after, int status, const char *location, json_t *reply, sj_err *e)
{
	store *s = http_store(r);

	if (rc == SJ_OK)
		rc = http_audit(r, action, object_type, id, before, after, e);
	else {
		json_decref(before);
		json_decref(after);
	}
	if (rc == SJ_OK)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	if (rc != SJ_OK) {
		json_decref(reply);
		return rc;
	}
	if (location)
		http_reply_header(r, "Location", location);
	return http_reply_json(r, status, reply);
}

/* ---- passes ------------------------------------------------------------- */

static const jb_field pass_fields[] = {
	{ "person_id", JB_ID, true, offsetof(pass_input, person_id), 0, 0 },
	{ "place_id", JB_ID, false, offsetof(pass_input, place_id), 0, 0 },
	{ "valid_from", JB_DATE, false, offsetof(pass_input, valid_from), 0, 0 },
	{ "valid_to", JB_DATE, true, offsetof(pass_input, valid_to), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

typedef struct revoke_body {
	const char *reason;
} revoke_body;

static const jb_field revoke_fields[] = {
	{ "reason", JB_STRING, false, offsetof(revoke_body, reason), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

typedef struct verify_body {
	const char *code;
	int64_t place_id;
} verify_body;

static const jb_field verify_fields[] = {
	{ "code", JB_STRING, true, offsetof(verify_body, code), 0, 0 },
	{ "place_id", JB_ID, false, offsetof(verify_body, place_id), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* The JSON of pass id with its payload, code null when it is not given
 * out (pass_printable: revoked, expired). */
static sj_rc
pass_json(http_req *r, int64_t id, json_t **out, sj_err *e)
{
	char code[PASS_TEXT_MAX];
	pass_claim c;
	pass p;
	sj_rc rc;

	*out = NULL;
	if ((rc = pass_get(http_store(r), http_scope(r), http_arena(r), id, &p, e)) != SJ_OK)
		return rc;
	if (pass_printable(&p, today(), NULL) != SJ_OK) {
		*out = jcodes_pass(&p, today(), NULL);
		return SJ_OK;
	}
	pass_claim_of(&p, &c);
	if ((rc = pass_encode(http_keys(r), &c, code, sizeof code, e)) != SJ_OK)
		return rc;
	*out = jcodes_pass(&p, today(), code);
	return SJ_OK;
}

static sj_rc
post_pass(http_req *r, sj_err *e)
{
	pass_input in = { .valid_from = PASS_DATE_NONE, .valid_to = PASS_DATE_NONE, .issued_by = http_username(r) };
	store *s = http_store(r);
	json_t *reply = NULL, *after = NULL;
	int64_t id = 0;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), pass_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = pass_issue(s, http_scope(r), &in, today(), dt_now(), &id, e)) == SJ_OK &&
	    (rc = pass_json(r, id, &reply, e)) == SJ_OK) {
		/* The audit log keeps the pass, not its code (a credential). */
		after = json_deep_copy(reply);
		json_object_del(after, "code");
	}
	return write_finish(r, rc, "pass.issue", "pass", id, NULL, after, 201,
	    arena_printf(http_arena(r), "/api/v1/passes/%lld", (long long)id), reply, e);
}

static sj_rc
get_passes(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "person_id", NULL };
	int64_t person_id;
	json_t *items;
	pass *p;
	size_t n;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_query_int(r, "person_id", 0, 1, INT64_MAX, &person_id, e)) != SJ_OK)
		return rc;
	if (person_id == 0)
		return sj_fail(e, SJ_EINVAL, "person_id", "is required");
	if ((rc = pass_list(http_store(r), http_scope(r), http_arena(r), person_id, &p, &n, e))
	    != SJ_OK)
		return rc;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, jcodes_pass(&p[i], today(), NULL));
	return http_reply_page(r, items, NULL);
}

static sj_rc
get_pass(http_req *r, sj_err *e)
{
	json_t *body;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = pass_json(r, id, &body, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, body);
}

static sj_rc
post_pass_revoke(http_req *r, sj_err *e)
{
	api_write w = { .action = "pass.revoke", .object_type = "pass", .status = 200 };
	revoke_body in = {0};
	store *s = http_store(r);
	pass p;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &w.id, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), revoke_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = pass_get(s, http_scope(r), http_arena(r), w.id, &p, e)) == SJ_OK) {
		w.before = jcodes_pass(&p, today(), NULL);
		rc = pass_revoke(s, http_scope(r), w.id, http_username(r), in.reason, dt_now(), e);
	}
	if (rc == SJ_OK && (rc = pass_get(s, http_scope(r), http_arena(r), w.id, &p, e)) == SJ_OK)
		w.after = jcodes_pass(&p, today(), NULL);
	return api_write_end(r, rc, &w, e);
}

/* The ?format= of a picture route: "png" (default) or "svg". */
static sj_rc
picture_format(http_req *r, const char **format, sj_err *e)
{
	static const char *const allowed[] = { "format", NULL };
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK)
		return rc;
	*format = http_query(r, "format") ? http_query(r, "format") : "png";
	if (qr_media_type(*format) == NULL)
		return sj_fail(e, SJ_EINVAL, "format", "must be png or svg");
	return SJ_OK;
}

static sj_rc
reply_picture(http_req *r, const char *format, buf *pic, const char *filename)
{
	char disposition[160];

	snprintf(disposition, sizeof disposition, "inline; filename=\"%s.%s\"", filename, format);
	http_reply_header(r, "Content-Disposition", disposition);
	return http_reply_bytes(r, 200, qr_media_type(format), pic->data, pic->len);
}

static sj_rc
get_pass_qr(http_req *r, sj_err *e)
{
	const char *format;
	char name[32];
	int64_t id;
	buf pic;
	pass p;
	sj_rc rc;

	if ((rc = picture_format(r, &format, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = pass_get(http_store(r), http_scope(r), http_arena(r), id, &p, e)) != SJ_OK ||
	    (rc = pass_printable(&p, today(), e)) != SJ_OK)
		return rc;
	buf_init(&pic, QR_OUT_MAX);
	rc = pass_render(http_keys(r), &p, format, http_config(r)->poster_font, &pic, NULL, e);
	snprintf(name, sizeof name, "pass-%lld", (long long)id);
	if (rc == SJ_OK)
		rc = reply_picture(r, format, &pic, name);
	buf_free(&pic);
	return rc;
}

static sj_rc
post_pass_verify(http_req *r, sj_err *e)
{
	char copy[SCANCODE_TEXT_MAX + 1];
	verify_body in = {0};
	sj_err why = {0};
	const char *code;
	pass_verdict v;
	pass_claim c;
	json_t *body;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), verify_fields, &in, http_arena(r), e)) != SJ_OK)
		return rc;
	/* As the scan path reads it: a wedge scanner's or a paste's spaces
	 * around a valid pass do not make it malformed here and valid there. */
	code = scancode_trim(in.code, copy, sizeof copy);
	if ((rc = pass_check(http_store(r), http_keys(r), code ? code : in.code, dt_now(),
	    in.place_id, &v, &c, &why)) != SJ_OK)
		return rc;
	/* The claim is shown only when the signature held: a forged text's
	 * content is not this deployment's word. */
	body = json_pack("{s:b, s:s, s:o, s:o}", "valid", v == PASS_VALID,
	    "verdict", pass_verdict_code(v),
	    "detail", v == PASS_VALID ? json_null() : json_string(why.msg),
	    "pass", v == PASS_MALFORMED || v == PASS_FORGED ? json_null() : jcodes_claim(&c));
	return http_reply_json(r, 200, body);
}

/* ---- place codes -------------------------------------------------------- */

static sj_rc
placecode_json(http_req *r, int64_t checkpoint_id, json_t **out, sj_err *e)
{
	placecode pc;
	sj_rc rc;

	*out = NULL;
	if ((rc = placecode_get(http_store(r), http_scope(r), http_arena(r), checkpoint_id, &pc, e))
	    != SJ_OK)
		return rc;
	*out = jcodes_placecode(&pc, placecode_url(http_arena(r), http_config(r)->public_url,
	    pc.token));
	return SJ_OK;
}

static sj_rc
get_placecode(http_req *r, sj_err *e)
{
	json_t *body;
	int64_t id;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK || (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = placecode_json(r, id, &body, e)) != SJ_OK)
		return rc;
	return http_reply_json(r, 200, body);
}

/* POST: make the checkpoint's place code (201), or with ?rotate=true
 * replace its token (200); an existing code without rotate is 200 and
 * unchanged.  The audit event never holds the token. */
static sj_rc
post_placecode(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "rotate", NULL };
	const char *rotate_q;
	bool rotate, created = false;
	store *s = http_store(r);
	json_t *reply = NULL;
	int64_t id;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK)
		return rc;
	rotate_q = http_query(r, "rotate");
	if (rotate_q && strcmp(rotate_q, "true") != 0 && strcmp(rotate_q, "false") != 0)
		return sj_fail(e, SJ_EINVAL, "rotate", "must be true or false");
	rotate = rotate_q && strcmp(rotate_q, "true") == 0;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = placecode_issue(s, http_scope(r), id, rotate, dt_now(), &created, e)) == SJ_OK)
		rc = placecode_json(r, id, &reply, e);
	if (rc == SJ_OK && !created) {
		store_rollback(s);  /* nothing changed: no audit event */
		return http_reply_json(r, 200, reply);
	}
	return write_finish(r, rc, rotate ? "place_code.rotate" : "place_code.create",
	    "checkpoint", id, NULL, NULL, rotate ? 200 : 201,
	    rotate ? NULL : arena_printf(http_arena(r), "/api/v1/checkpoints/%lld/place-code",
	    (long long)id), reply, e);
}

static sj_rc
get_placecode_poster(http_req *r, sj_err *e)
{
	const char *format, *url;
	char name[48];
	placecode pc;
	int64_t id;
	buf pic;
	sj_rc rc;

	if ((rc = picture_format(r, &format, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = placecode_get(http_store(r), http_scope(r), http_arena(r), id, &pc, e)) != SJ_OK)
		return rc;
	url = placecode_url(http_arena(r), http_config(r)->public_url, pc.token);
	buf_init(&pic, QR_OUT_MAX);
	rc = placecode_render(&pc, url, format, http_config(r)->poster_font, &pic, NULL, e);
	snprintf(name, sizeof name, "place-code-%lld", (long long)id);
	if (rc == SJ_OK)
		rc = reply_picture(r, format, &pic, name);
	buf_free(&pic);
	return rc;
}

/* ---- the scan path (domain/scan.h) --------------------------------------- */

/* One scan as this module hands it to the scan path: a code (a photo's
 * text) or a person already known (a self check-in). */
typedef struct codes_scan {
	int64_t checkpoint_id;
	int64_t place_id;             /* the checkpoint's place, for the pass's place check */
	const char *code;             /* decoded text, or NULL with person_id */
	int64_t person_id;            /* 0 with code */
	const char *direction;        /* "in" or "out" */
	const char *temperature;      /* as typed, or NULL */
	scan_source source;           /* for person_id; a code sets its own */
	const char *idempotency_key;  /* or NULL */
	const scope *sc;              /* whose scan: the caller's, or scope_system when public */
	int64_t operator_id;          /* the user recording it; 0 for a self check-in */
} codes_scan;

/* The scan_input of sc, the who resolved from its code when it has one. */
static sj_rc
codes_scan_input(http_req *r, const codes_scan *sc, int64_t now, scan_input *in, sj_err *e)
{
	sj_rc rc;

	memset(in, 0, sizeof *in);
	in->checkpoint_id = sc->checkpoint_id;
	in->person_id = sc->person_id;
	in->operator_id = sc->operator_id;
	in->source = sc->source;
	in->key = sc->idempotency_key;
	if ((rc = scan_direction_parse(sc->direction, &in->direction, e)) != SJ_OK)
		return rc;
	if (sc->temperature && (rc = screening_temp_parse(sc->temperature, &in->temperature, e))
	    != SJ_OK)
		return rc;
	if (sc->code)
		return scancode_resolve(http_store(r), http_keys(r), sc->code, sc->place_id, now, in, e);
	return SJ_OK;
}

/* Record sc through the scan path (scan_record: checked, screened, written
 * with its stays and alert in one transaction, nested in the caller's when
 * one is open); *answer receives the answer as JSON (the caller owns it).
 * Photos and self check-ins are few, so they are written on the request's
 * own connection rather than through the group-commit writer. */
static sj_rc
codes_scan_record(http_req *r, const codes_scan *sc, json_t **answer, sj_err *e)
{
	int64_t now = dt_now();
	scan_settings settings;
	scan_input in;
	scan_result res;
	sj_rc rc;

	*answer = NULL;
	scan_settings_of(http_config(r), &settings);
	if ((rc = codes_scan_input(r, sc, now, &in, e)) != SJ_OK ||
	    (rc = scan_record(http_store(r), http_keys(r), &settings, sc->sc, &in, now, &res, e))
	    != SJ_OK)
		return rc;
	*answer = jscan_result(&res);
	return SJ_OK;
}

/* ---- the self check-in page --------------------------------------------- */

/* GET /c/{token}: the page, 200 for a known token and 404 (the same page,
 * which then says the code is not valid) for another. */
static sj_rc
get_checkin_page(http_req *r, sj_err *e)
{
	placecode pc;
	sj_err miss = {0};
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	rc = placecode_resolve(http_store(r), http_arena(r), http_param(r, "token"), &pc, &miss);
	if (rc != SJ_OK && rc != SJ_ENOTFOUND) {
		*e = miss;
		return rc;
	}
	return web_reply_file(r, "checkin.html", rc == SJ_OK ? 200 : 404, e);
}

/* GET /api/v1/checkin/{token}: what the page shows before anyone checks in. */
static sj_rc
get_checkin(http_req *r, sj_err *e)
{
	placecode pc;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = limit_take(r, "info-ip", http_client_ip(r), LIMIT_INFO_PER_IP, "ip", e)) != SJ_OK ||
	    (rc = placecode_resolve(http_store(r), http_arena(r), http_param(r, "token"), &pc, e))
	    != SJ_OK)
		return rc;
	return http_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:b}", "place_name", pc.place_name,
	    "checkpoint_name", pc.checkpoint_name, "unit_name", pc.unit_name,
	    "records_exits", pc.records_exits));
}

typedef struct checkin_body {
	const char *name;
	const char *mobile;
	const char *direction;
	const char *from;             /* outsider registration: where from */
	const char *reason;           /* outsider registration: why */
	const char *host;             /* outsider registration: whom they visit */
	const char *idempotency_key;
} checkin_body;

static const jb_field checkin_fields[] = {
	{ "name", JB_STRING, true, offsetof(checkin_body, name), 0, 0 },
	{ "mobile", JB_STRING, true, offsetof(checkin_body, mobile), 0, 0 },
	{ "direction", JB_STRING, true, offsetof(checkin_body, direction), 0, 0 },
	{ "from", JB_STRING, false, offsetof(checkin_body, from), 0, 0 },
	{ "reason", JB_STRING, false, offsetof(checkin_body, reason), 0, 0 },
	{ "host", JB_STRING, false, offsetof(checkin_body, host), 0, 0 },
	{ "idempotency_key", JB_STRING, false, offsetof(checkin_body, idempotency_key), 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 },
};

/* Check the body's fields; canonical mobile into mobile. */
static sj_rc
checkin_check(const checkin_body *in, const placecode *pc, char mobile[IDENT_PHONE_SIZE],
    sj_err *e)
{
	static const char *const directions[] = { "in", "out", NULL };
	sj_rc rc;

	if ((rc = org_check_name(in->name, "name", ORG_NAME_MAX, e)) != SJ_OK ||
	    (rc = ident_phone_normalise(in->mobile, "mobile", mobile, e)) != SJ_OK ||
	    (rc = org_check_enum(in->direction, directions, "direction", e)) != SJ_OK)
		return rc;
	if (!ident_phone_is_mobile(mobile))
		return sj_fail(e, SJ_EINVAL, "mobile", "must be a mobile number (11 digits, 13 to 19)");
	if (strcmp(in->direction, "out") == 0 && !pc->records_exits)
		return sj_fail(e, SJ_EINVAL, "direction", "this place records entries only");
	if ((rc = org_check_optional(in->from, "from", CHECKIN_TEXT_MAX, e)) != SJ_OK ||
	    (rc = org_check_optional(in->reason, "reason", CHECKIN_REASON_MAX, e)) != SJ_OK ||
	    (rc = org_check_optional(in->host, "host", CHECKIN_TEXT_MAX, e)) != SJ_OK)
		return rc;
	if (in->idempotency_key && (strlen(in->idempotency_key) < 8 ||
	    strlen(in->idempotency_key) > 64))
		return sj_fail(e, SJ_EINVAL, "idempotency_key", "must be 8 to 64 characters");
	return SJ_OK;
}

/* The person on record with this name and mobile (person_match), or 0. */
static sj_rc
checkin_person(http_req *r, const char *name, const char *mobile, int64_t *id, sj_err *e)
{
	return person_match(http_store(r), http_keys(r), http_arena(r), name, mobile, id, e);
}

/* Register the visitor as an outsider of the place's unit for today, with
 * where from, why and whom they visit (issue 5: outsiders are registered
 * before they pass): outsider_register finds the person by mobile and
 * name, or makes one tagged outsider.  *person_id: the known person, or 0;
 * then the person registered.  Inside the caller's transaction, with its
 * audit event (no identity data in it). */
static sj_rc
checkin_register(http_req *r, const checkin_body *in, const placecode *pc, int64_t *person_id,
    sj_err *e)
{
	outsider_input o = { .person_id = *person_id, .name = in->name, .mobile = in->mobile,
	    .checkpoint_id = pc->checkpoint_id, .from = in->from, .reason = in->reason,
	    .host = in->host };
	int64_t id = 0;
	sj_rc rc;

	if ((rc = outsider_register(http_store(r), http_keys(r), &scope_system, &o, dt_now(), 0, &id,
	    person_id, e)) != SJ_OK)
		return rc;
	return http_audit(r, "outsider.register", "outsider", id, NULL,
	    json_pack("{s:I, s:I, s:s}", "person_id", (json_int_t)*person_id,
	    "checkpoint_id", (json_int_t)pc->checkpoint_id, "source", "self_checkin"), e);
}

/* Whether the scan sc would be refused for want of an outsider
 * registration (scan_prepare: reads only). */
static sj_rc
checkin_needs_registration(http_req *r, const codes_scan *sc, bool *needs, sj_err *e)
{
	int64_t now = dt_now();
	scan_settings settings;
	scan_prepared p;
	scan_input in;
	sj_rc rc;

	*needs = false;
	scan_settings_of(http_config(r), &settings);
	if ((rc = codes_scan_input(r, sc, now, &in, e)) != SJ_OK ||
	    (rc = scan_prepare(http_store(r), http_keys(r), &settings, sc->sc, &in, now, &p, e))
	    != SJ_OK)
		return rc;
	*needs = (p.reasons & SCAN_R_OUTSIDER_UNREGISTERED) != 0;
	return SJ_OK;
}

static sj_rc
reply_registration_required(http_req *r)
{
	return http_reply_json(r, 200, json_pack("{s:s, s:[sss], s:s}",
	    "result", "registration_required", "fields", "from", "reason", "host",
	    "detail", "visitors register before they pass: say where you come from, why and whom "
	    "you visit"));
}

/* Who the visitor of in is (sc->person_id: the person on record with the
 * name and mobile, or 0) and whether they must be registered before this
 * scan (*needs: unknown, or an outsider without a registration valid
 * now).  Reads only. */
static sj_rc
checkin_who(http_req *r, const checkin_body *in, const char *mobile, codes_scan *sc,
    bool *needs, sj_err *e)
{
	sj_rc rc;

	if ((rc = checkin_person(r, in->name, mobile, &sc->person_id, e)) != SJ_OK)
		return rc;
	*needs = sc->person_id == 0;
	if (!*needs)
		return checkin_needs_registration(r, sc, needs, e);
	return SJ_OK;
}

/* POST /api/v1/checkin/{token}: a visitor checks in or out on their phone.
 * A visitor on record (mobile and name) who may pass is scanned at once.
 * Anyone else — unknown, or an outsider without a registration valid now —
 * is first asked for the registration fields ({"result":
 * "registration_required"}, nothing stored); sent with them, the visitor
 * is registered for the day and scanned, in one transaction.  The
 * screening rules then decide as for any scan.
 *
 * Who the visitor is and whether they need a registration is decided
 * again inside the transaction: a phone that sends the same check-in
 * several times at once (a double tap, a retry while the first is under
 * way) has every copy pass the first look before any commits, and each
 * would register the visitor once more (the scan itself is kept once by
 * its idempotency key).  store_begin takes the store's write lock (SQLite
 * BEGIN IMMEDIATE; on PostgreSQL the advisory lock at READ COMMITTED,
 * store.h), so the second look sees every registration committed before
 * it and none can be committed until this transaction ends: exactly one
 * copy registers, the others find the registration valid and only scan. */
static sj_rc
post_checkin(http_req *r, sj_err *e)
{
	checkin_body in = {0};
	char mobile[IDENT_PHONE_SIZE];
	const char *token = http_param(r, "token");
	store *s = http_store(r);
	json_t *answer = NULL;
	codes_scan sc = { .source = SCAN_SRC_SELF_CHECKIN, .sc = &scope_system };
	bool needs, fields;
	placecode pc;
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK ||
	    (rc = limit_take(r, "checkin-ip", http_client_ip(r), LIMIT_PER_IP, "ip", e)) != SJ_OK ||
	    (rc = placecode_resolve(s, http_arena(r), token, &pc, e)) != SJ_OK ||
	    (rc = limit_take(r, "checkin-token", token, LIMIT_PER_TOKEN, "token", e)) != SJ_OK ||
	    (rc = jb_read(http_body(r), checkin_fields, &in, http_arena(r), e)) != SJ_OK ||
	    (rc = checkin_check(&in, &pc, mobile, e)) != SJ_OK)
		return rc;
	sc.checkpoint_id = pc.checkpoint_id;
	sc.place_id = pc.place_id;
	sc.direction = in.direction;
	sc.idempotency_key = in.idempotency_key;
	fields = in.from && in.reason && in.host;
	/* The first look, without the write lock: asking for the fields
	 * stores nothing and need not wait for other writers. */
	if ((rc = checkin_who(r, &in, mobile, &sc, &needs, e)) != SJ_OK)
		return rc;
	if (needs && !fields)
		return reply_registration_required(r);
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = checkin_who(r, &in, mobile, &sc, &needs, e)) == SJ_OK && needs && !fields) {
		/* A registration that ran out between the two looks. */
		store_rollback(s);
		return reply_registration_required(r);
	}
	if (rc == SJ_OK && needs)
		rc = checkin_register(r, &in, &pc, &sc.person_id, e);
	if (rc == SJ_OK)
		rc = codes_scan_record(r, &sc, &answer, e);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK) {
		json_decref(answer);
		return rc;
	}
	json_object_set_new(answer, "result", json_string("recorded"));
	json_object_set_new(answer, "place_name", json_string(pc.place_name));
	json_object_set_new(answer, "checkpoint_name", json_string(pc.checkpoint_name));
	return http_reply_json(r, 200, answer);
}

/* ---- photos of codes ---------------------------------------------------- */

/* The image of a photo request: the body itself (image/png, image/jpeg)
 * or the multipart/form-data part named photo, the form's only file
 * (http/multipart.h: another file part, or two photos, are refused naming
 * the field). */
static sj_rc
photo_bytes(http_req *r, const void **img, size_t *n, sj_err *e)
{
	const char *ctype = http_header(r, "Content-Type");
	const void *body = http_body_raw(r, n);

	*img = body;
	if (ctype && (strncasecmp(ctype, "image/png", 9) == 0 ||
	    strncasecmp(ctype, "image/jpeg", 10) == 0))
		return SJ_OK;
	if (ctype && strncasecmp(ctype, "multipart/form-data", 19) == 0) {
		const char *part;
		sj_rc rc = multipart_file(ctype, body, *n, "photo", &part, n, e);
		if (rc == SJ_OK)
			*img = part;
		return rc;
	}
	return sj_fail(e, SJ_EINVAL, "Content-Type", "send the photo as image/png, image/jpeg or "
	    "multipart/form-data with a part named photo");
}

/* POST /api/v1/checkpoints/{id}/scans/photo?direction=in|out
 * [&temperature=T][&idempotency_key=K]: the photo of a code, decoded and
 * recorded as a scan of that code at the checkpoint. */
static sj_rc
post_scan_photo(http_req *r, sj_err *e)
{
	static const char *const allowed[] = { "direction", "temperature", "idempotency_key", NULL };
	const char *direction = http_query(r, "direction");
	store *s = http_store(r);
	int64_t id, place_id;
	const void *img;
	json_t *answer = NULL;
	char *text = NULL;
	size_t n;
	sj_rc rc;

	if ((rc = http_query_check(r, allowed, e)) != SJ_OK ||
	    (rc = http_param_id(r, "id", &id, e)) != SJ_OK ||
	    (rc = scancode_checkpoint(s, http_scope(r), id, &place_id, e)) != SJ_OK ||
	    (rc = photo_bytes(r, &img, &n, e)) != SJ_OK)
		return rc;
	if (direction == NULL)
		direction = "in";
	if ((rc = qr_decode_image(img, n, &text, e)) != SJ_OK)
		return rc;
	rc = codes_scan_record(r, &(codes_scan){ .checkpoint_id = id, .place_id = place_id,
	    .code = text, .direction = direction, .temperature = http_query(r, "temperature"),
	    .source = SCAN_SRC_ATTENDANT, .idempotency_key = http_query(r, "idempotency_key"),
	    .sc = http_scope(r), .operator_id = http_user_id(r) }, &answer, e);
	if (rc == SJ_OK) {
		json_object_set_new(answer, "decoded", json_pack("{s:s, s:s}",
		    "kind", scancode_kind_name(scancode_kind_of(text)), "text", text));
		rc = http_reply_json(r, 200, answer);
	}
	free(text);
	return rc;
}

/* ---- the route table ---------------------------------------------------- */

const http_route api_codes_routes[] = {
	{ "POST", "/api/v1/passes", post_pass, PERM_PERSON_WRITE, PASS_BODY_MAX },
	{ "GET", "/api/v1/passes", get_passes, PERM_PERSON_READ, 0 },
	{ "GET", "/api/v1/passes/{id}", get_pass, PERM_PERSON_READ, 0 },
	{ "POST", "/api/v1/passes/{id}/revoke", post_pass_revoke, PERM_PERSON_WRITE, PASS_BODY_MAX },
	{ "GET", "/api/v1/passes/{id}/qr", get_pass_qr, PERM_PERSON_READ, 0 },
	{ "POST", "/api/v1/passes/verify", post_pass_verify, PERM_SCAN_RECORD, PASS_BODY_MAX },
	{ "GET", "/api/v1/checkpoints/{id}/place-code", get_placecode, PERM_ORG_READ, 0 },
	{ "POST", "/api/v1/checkpoints/{id}/place-code", post_placecode, PERM_ORG_WRITE, 0 },
	{ "GET", "/api/v1/checkpoints/{id}/place-code/poster", get_placecode_poster, PERM_ORG_READ,
	  0 },
	{ "POST", "/api/v1/checkpoints/{id}/scans/photo", post_scan_photo, PERM_SCAN_RECORD,
	  HTTP_BODY_RAW | PHOTO_BODY_MAX },
	{ "GET", "/c/{token}", get_checkin_page, HTTP_PUBLIC, 0 },
	{ "GET", "/api/v1/checkin/{token}", get_checkin, HTTP_PUBLIC, 0 },
	{ "POST", "/api/v1/checkin/{token}", post_checkin, HTTP_PUBLIC, CHECKIN_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
