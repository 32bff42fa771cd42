/*
 * pass — issuing, revoking and verifying personal passes.
 *
 * Invariants: a payload is accepted only in its one canonical spelling
 * (shortest varints, canonical base64url, nothing after the signature),
 * so no two texts verify as the same pass; the Ed25519 public key is
 * derived from the signing seed once per thread and key file (a cache
 * keyed by a hash of the seed, never the seed itself); the secret key is
 * wiped from the stack after each signature.
 */
#include "domain/pass.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "core/qr.h"
#include "core/text.h"
#include "domain/org.h"

#define BODY_MAX 48        /* five varints of at most 9 bytes */
#define VARINT_MAX 9       /* bytes; values stay below 2^63 */
#define ID_MAX ((int64_t)1 << 53)
#define SIG_B64 86         /* characters of a 64-byte signature in base64url */

enum {
	Q_HOLDER, Q_INSERT, Q_GET, Q_LIST, Q_REVOKE, Q_REVOKED,
};

#define PASS_COLS \
	"ps.id, ps.person_id, ps.place_id, ps.valid_from, ps.valid_to, ps.issued_at," \
	" ps.issued_by, ps.revoked_at, ps.revoked_by, ps.revoke_reason, p.name, pl.name"

static const char *const pass_sql[] = {
	[Q_HOLDER] =
	"SELECT p.household_id, h.place_id FROM person p LEFT JOIN household h ON h.id = p.household_id"
	" WHERE p.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_INSERT] =
	"INSERT INTO pass (person_id, place_id, valid_from, valid_to, issued_at, issued_by)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	[Q_GET] =
	"SELECT " PASS_COLS " FROM pass ps JOIN person p ON p.id = ps.person_id"
	" JOIN place pl ON pl.id = ps.place_id WHERE ps.id = ?4 AND " SCOPE_UNIT("p.unit_id"),
	[Q_LIST] =
	"SELECT " PASS_COLS " FROM pass ps JOIN person p ON p.id = ps.person_id"
	" JOIN place pl ON pl.id = ps.place_id WHERE ps.person_id = ?4 AND "
	SCOPE_UNIT("p.unit_id") " ORDER BY ps.id DESC LIMIT 500",
	[Q_REVOKE] =
	"UPDATE pass SET revoked_at = ?2, revoked_by = ?3, revoke_reason = ?4"
	" WHERE id = ?1 AND revoked_at IS NULL",
	[Q_REVOKED] =
	"SELECT id FROM pass WHERE revoked_at IS NOT NULL AND valid_to >= ?1",
};

static const char *const verdict_codes[] = {
	[PASS_VALID] = "valid",
	[PASS_MALFORMED] = "malformed",
	[PASS_FORGED] = "forged",
	[PASS_NOT_YET_VALID] = "not_yet_valid",
	[PASS_EXPIRED] = "expired",
	[PASS_REVOKED] = "revoked",
	[PASS_WRONG_PLACE] = "wrong_place",
};

const char *
pass_verdict_code(pass_verdict v)
{
	if ((unsigned)v < sizeof verdict_codes / sizeof verdict_codes[0])
		return verdict_codes[v];
	return "malformed";
}

bool
pass_text_is_pass(const char *text)
{
	return text && strncmp(text, PASS_PREFIX, strlen(PASS_PREFIX)) == 0;
}

/* ---- keys --------------------------------------------------------------- */

/* The public key of k's signing seed, cached per thread. */
static void
public_key(const crypt_keys *k, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	static _Thread_local unsigned char cached_id[crypto_generichash_BYTES];
	static _Thread_local unsigned char cached_pk[crypto_sign_PUBLICKEYBYTES];
	static _Thread_local bool cached;
	unsigned char id[crypto_generichash_BYTES], sk[crypto_sign_SECRETKEYBYTES];

	crypto_generichash(id, sizeof id, crypt_keys_sign_seed(k), CRYPT_SEED_BYTES, NULL, 0);
	if (!cached || sodium_memcmp(id, cached_id, sizeof id) != 0) {
		crypto_sign_seed_keypair(cached_pk, sk, crypt_keys_sign_seed(k));
		sodium_memzero(sk, sizeof sk);
		memcpy(cached_id, id, sizeof id);
		cached = true;
	}
	memcpy(pk, cached_pk, crypto_sign_PUBLICKEYBYTES);
}

/* ---- the payload -------------------------------------------------------- */

static size_t
varint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			p[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* Read one shortest-form varint from p[*i..n); false when malformed. */
static bool
varint_get(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
	uint64_t x = 0;
	size_t start = *i;

	for (int shift = 0; *i < n && *i - start < VARINT_MAX; shift += 7) {
		unsigned char b = p[(*i)++];
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			/* A last byte of 0 after others is a longer spelling of a
			 * shorter number. */
			if (b == 0 && *i - start > 1)
				return false;
			*v = x;
			return true;
		}
	}
	return false;
}

static size_t
body_encode(const pass_claim *c, unsigned char body[BODY_MAX])
{
	size_t n = 0;

	n += varint_put(body + n, (uint64_t)c->person_id);
	n += varint_put(body + n, (uint64_t)c->place_id);
	n += varint_put(body + n, (uint64_t)c->valid_from);
	n += varint_put(body + n, (uint64_t)(c->valid_to - c->valid_from));
	n += varint_put(body + n, (uint64_t)c->serial);
	return n;
}

static bool
claim_sane(const pass_claim *c)
{
	return c->person_id >= 1 && c->person_id <= ID_MAX && c->place_id >= 1 &&
	    c->place_id <= ID_MAX && c->serial >= 1 && c->serial <= ID_MAX &&
	    c->valid_from >= 0 && c->valid_from <= DT_DATE_MAX && c->valid_to >= c->valid_from &&
	    c->valid_to - c->valid_from < PASS_DAYS_MAX && c->valid_to <= DT_DATE_MAX;
}

static bool
body_decode(const unsigned char *body, size_t n, pass_claim *c)
{
	uint64_t v[5];
	size_t i = 0;

	for (int k = 0; k < 5; k++)
		if (!varint_get(body, n, &i, &v[k]) || v[k] > (uint64_t)ID_MAX)
			return false;
	if (i != n)
		return false;
	c->person_id = (int64_t)v[0];
	c->place_id = (int64_t)v[1];
	c->valid_from = (sj_date)v[2];
	if (v[2] > (uint64_t)DT_DATE_MAX || v[3] >= PASS_DAYS_MAX)
		return false;
	c->valid_to = (sj_date)(v[2] + v[3]);
	c->serial = (int64_t)v[4];
	return claim_sane(c);
}

/* The signed message: PASS_PREFIX || body. */
static size_t
message_of(const unsigned char *body, size_t n, unsigned char *msg)
{
	size_t plen = strlen(PASS_PREFIX);

	memcpy(msg, PASS_PREFIX, plen);
	memcpy(msg + plen, body, n);
	return plen + n;
}

sj_rc
pass_encode(const crypt_keys *k, const pass_claim *c, char *out, size_t n, sj_err *e)
{
	unsigned char body[BODY_MAX], msg[BODY_MAX + 8], sig[crypto_sign_BYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char b64_body[sodium_base64_ENCODED_LEN(BODY_MAX, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	char b64_sig[sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	size_t body_n, msg_n;

	if (n > 0)
		out[0] = '\0';
	if (!claim_sane(c))
		return sj_fail(e, SJ_EINVAL, "pass", "ids must be positive and the dates a range of "
		    "1 to %d days from 1970 on", PASS_DAYS_MAX);
	if (n < PASS_TEXT_MAX)
		return sj_fail(e, SJ_EINTERNAL, "pass", "payload buffer too small");
	body_n = body_encode(c, body);
	msg_n = message_of(body, body_n, msg);
	public_key(k, pk);
	memcpy(sk, crypt_keys_sign_seed(k), CRYPT_SEED_BYTES);
	memcpy(sk + CRYPT_SEED_BYTES, pk, sizeof pk);
	crypto_sign_detached(sig, NULL, msg, msg_n, sk);
	sodium_memzero(sk, sizeof sk);
	sodium_bin2base64(b64_body, sizeof b64_body, body, body_n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(b64_sig, sizeof b64_sig, sig, sizeof sig,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, n, "%s%s.%s", PASS_PREFIX, b64_body, b64_sig);
	return SJ_OK;
}

/* Decode exactly the canonical base64url spelling of len characters at s
 * into out (room for max bytes); false otherwise. */
static bool
b64_exact(const char *s, size_t len, unsigned char *out, size_t max, size_t *n)
{
	char again[sodium_base64_ENCODED_LEN(BODY_MAX + crypto_sign_BYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	const char *end;

	if (len == 0 || sodium_base642bin(out, max, s, len, NULL, n, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || end != s + len)
		return false;
	/* Unused low bits of the last character must be zero: re-encode. */
	sodium_bin2base64(again, sizeof again, out, *n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return strlen(again) == len && memcmp(again, s, len) == 0;
}

pass_verdict
pass_decode(const crypt_keys *k, const char *text, pass_claim *out)
{
	unsigned char body[BODY_MAX], msg[BODY_MAX + 8], sig[crypto_sign_BYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	size_t plen = strlen(PASS_PREFIX), len, body_n, sig_n, msg_n;
	const char *dot, *b;
	pass_claim c;

	memset(out, 0, sizeof *out);
	if (!pass_text_is_pass(text) || (len = strlen(text)) >= PASS_TEXT_MAX)
		return PASS_MALFORMED;
	b = text + plen;
	if ((dot = strchr(b, '.')) == NULL || strlen(dot + 1) != SIG_B64 ||
	    !b64_exact(b, (size_t)(dot - b), body, sizeof body, &body_n) ||
	    !b64_exact(dot + 1, SIG_B64, sig, sizeof sig, &sig_n) || sig_n != sizeof sig ||
	    !body_decode(body, body_n, &c))
		return PASS_MALFORMED;
	msg_n = message_of(body, body_n, msg);
	public_key(k, pk);
	if (crypto_sign_verify_detached(sig, msg, msg_n, pk) != 0)
		return PASS_FORGED;
	*out = c;
	return PASS_VALID;
}

/* ---- the revocation list ------------------------------------------------ */

struct pass_revlist {
	pthread_mutex_t lock;
	int64_t *slots;   /* open addressing; 0 = empty */
	size_t n_slots;   /* a power of two */
	size_t n_used;
};

pass_revlist *
pass_revlist_new(void)
{
	pass_revlist *rl = sj_calloc(1, sizeof *rl);

	pthread_mutex_init(&rl->lock, NULL);
	rl->n_slots = 64;
	rl->slots = sj_calloc(rl->n_slots, sizeof *rl->slots);
	return rl;
}

void
pass_revlist_free(pass_revlist *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

static size_t
slot_find(const int64_t *slots, size_t n_slots, int64_t serial)
{
	size_t i = (size_t)((uint64_t)serial * 0x9E3779B97F4A7C15ull >> 20) & (n_slots - 1);

	while (slots[i] != 0 && slots[i] != serial)
		i = (i + 1) & (n_slots - 1);
	return i;
}

/* Insert with the lock held. */
static void
revlist_put(pass_revlist *rl, int64_t serial)
{
	size_t i;

	if (serial <= 0)
		return;
	if (2 * (rl->n_used + 1) > rl->n_slots) {
		size_t n = rl->n_slots * 2;
		int64_t *slots = sj_calloc(n, sizeof *slots);
		for (size_t j = 0; j < rl->n_slots; j++)
			if (rl->slots[j])
				slots[slot_find(slots, n, rl->slots[j])] = rl->slots[j];
		free(rl->slots);
		rl->slots = slots;
		rl->n_slots = n;
	}
	i = slot_find(rl->slots, rl->n_slots, serial);
	if (rl->slots[i] == 0) {
		rl->slots[i] = serial;
		rl->n_used++;
	}
}

void
pass_revlist_add(pass_revlist *rl, int64_t serial)
{
	pthread_mutex_lock(&rl->lock);
	revlist_put(rl, serial);
	pthread_mutex_unlock(&rl->lock);
}

bool
pass_revlist_has(pass_revlist *rl, int64_t serial)
{
	bool has;

	pthread_mutex_lock(&rl->lock);
	has = serial > 0 && rl->slots[slot_find(rl->slots, rl->n_slots, serial)] == serial;
	pthread_mutex_unlock(&rl->lock);
	return has;
}

size_t
pass_revlist_count(pass_revlist *rl)
{
	size_t n;

	pthread_mutex_lock(&rl->lock);
	n = rl->n_used;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

sj_rc
pass_revlist_load(store *s, pass_revlist *rl, sj_date since, sj_err *e)
{
	pass_revlist *fresh = pass_revlist_new();
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, pass_sql[Q_REVOKED], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, since);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		revlist_put(fresh, store_col_int(st, 0));
	if (rc != SJ_OK)
		goto out;
	/* Swap the content in under the lock. */
	pthread_mutex_lock(&rl->lock);
	{
		int64_t *slots = rl->slots;
		size_t n_slots = rl->n_slots, n_used = rl->n_used;
		rl->slots = fresh->slots;
		rl->n_slots = fresh->n_slots;
		rl->n_used = fresh->n_used;
		fresh->slots = slots;
		fresh->n_slots = n_slots;
		fresh->n_used = n_used;
	}
	pthread_mutex_unlock(&rl->lock);
out:
	pass_revlist_free(fresh);
	return rc;
}

typedef struct shared_list {
	struct shared_list *next;
	char *url;
	pass_revlist *rl;
	int64_t loaded_at;
} shared_list;

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_list *shared_head;

sj_rc
pass_revlist_shared(store *s, int64_t now, pass_revlist **out, sj_err *e)
{
	const char *url = store_url(s);
	shared_list *sl;
	sj_rc rc = SJ_OK;

	pthread_mutex_lock(&shared_lock);
	for (sl = shared_head; sl && strcmp(sl->url, url) != 0; sl = sl->next)
		;
	if (sl == NULL) {
		sl = sj_calloc(1, sizeof *sl);
		sl->url = sj_strdup(url);
		sl->rl = pass_revlist_new();
		sl->loaded_at = INT64_MIN;
		sl->next = shared_head;
		shared_head = sl;
	}
	if (sl->loaded_at == INT64_MIN || now - sl->loaded_at >= PASS_REVOKE_REFRESH_S ||
	    now < sl->loaded_at) {
		/* Passes that ended before yesterday fail on their dates anyway. */
		rc = pass_revlist_load(s, sl->rl, dt_date_of(now) - 1, e);
		if (rc == SJ_OK)
			sl->loaded_at = now;
	}
	*out = rc == SJ_OK ? sl->rl : NULL;
	pthread_mutex_unlock(&shared_lock);
	return rc;
}

/* ---- verifying ---------------------------------------------------------- */

pass_verdict
pass_verify(const crypt_keys *k, pass_revlist *rl, const char *text, sj_date today,
    int64_t place_id, pass_claim *out)
{
	pass_claim c;
	pass_verdict v = pass_decode(k, text, &c);

	if (out)
		*out = c;
	if (v != PASS_VALID)
		return v;
	if (today < c.valid_from)
		return PASS_NOT_YET_VALID;
	if (today > c.valid_to)
		return PASS_EXPIRED;
	if (rl && pass_revlist_has(rl, c.serial))
		return PASS_REVOKED;
	if (place_id > 0 && c.place_id != place_id)
		return PASS_WRONG_PLACE;
	return PASS_VALID;
}

sj_rc
pass_check(store *s, const crypt_keys *k, const char *text, int64_t now, int64_t place_id,
    pass_verdict *verdict, pass_claim *out, sj_err *e)
{
	char day[DT_DATE_LEN];
	pass_revlist *rl;
	pass_claim c;
	sj_rc rc;

	if ((rc = pass_revlist_shared(s, now, &rl, e)) != SJ_OK)
		return rc;
	*verdict = pass_verify(k, rl, text, dt_date_of(now), place_id, &c);
	if (out)
		*out = c;
	switch (*verdict) {
	case PASS_VALID:
		break;
	case PASS_MALFORMED:
		sj_fail(e, SJ_EINVAL, "code", "is not a pass code that sijin made (malformed)");
		break;
	case PASS_FORGED:
		sj_fail(e, SJ_EINVAL, "code", "the pass's signature does not verify: it was altered, "
		    "forged or made by another deployment");
		break;
	case PASS_NOT_YET_VALID:
		dt_date_format(c.valid_from, day);
		sj_fail(e, SJ_EINVAL, "code", "pass %lld is valid from %s", (long long)c.serial, day);
		break;
	case PASS_EXPIRED:
		dt_date_format(c.valid_to, day);
		sj_fail(e, SJ_EINVAL, "code", "pass %lld expired after %s", (long long)c.serial, day);
		break;
	case PASS_REVOKED:
		sj_fail(e, SJ_EINVAL, "code", "pass %lld has been revoked", (long long)c.serial);
		break;
	case PASS_WRONG_PLACE:
		sj_fail(e, SJ_EINVAL, "code", "pass %lld is for another place", (long long)c.serial);
		break;
	}
	return SJ_OK;
}

/* ---- records ------------------------------------------------------------ */

void
pass_claim_of(const pass *p, pass_claim *out)
{
	out->person_id = p->person_id;
	out->place_id = p->place_id;
	out->valid_from = p->valid_from;
	out->valid_to = p->valid_to;
	out->serial = p->id;
}

pass_verdict
pass_status(const pass *p, sj_date today)
{
	if (p->revoked_at)
		return PASS_REVOKED;
	if (today < p->valid_from)
		return PASS_NOT_YET_VALID;
	if (today > p->valid_to)
		return PASS_EXPIRED;
	return PASS_VALID;
}

sj_rc
pass_printable(const pass *p, sj_date today, sj_err *e)
{
	char day[DT_DATE_LEN];

	switch (pass_status(p, today)) {
	case PASS_REVOKED:
		return sj_fail(e, SJ_ENOTFOUND, "pass", "pass %lld has been revoked: its code is not "
		    "given out again; issue a new pass", (long long)p->id);
	case PASS_EXPIRED:
		dt_date_format(p->valid_to, day);
		return sj_fail(e, SJ_ENOTFOUND, "pass", "pass %lld expired after %s: its code is not "
		    "given out again; issue a new pass", (long long)p->id, day);
	default:
		return SJ_OK;
	}
}

static sj_rc
check_dates(const pass_input *in, sj_date today, sj_date *from, sj_err *e)
{
	char day[DT_DATE_LEN];

	*from = in->valid_from == PASS_DATE_NONE ? today : in->valid_from;
	if (in->valid_to == PASS_DATE_NONE)
		return sj_fail(e, SJ_EINVAL, "valid_to", "is required");
	if (in->valid_to < *from)
		return sj_fail(e, SJ_EINVAL, "valid_to", "is before valid_from");
	if (in->valid_to < today) {
		dt_date_format(today, day);
		return sj_fail(e, SJ_EINVAL, "valid_to", "is in the past (today is %s)", day);
	}
	if (in->valid_to - *from >= PASS_DAYS_MAX)
		return sj_fail(e, SJ_EINVAL, "valid_to", "makes the pass valid for %d days, at most %d",
		    in->valid_to - *from + 1, PASS_DAYS_MAX);
	return SJ_OK;
}

/* The holder's household place into *place (0 when none), if in scope. */
static sj_rc
holder_place(store *s, const scope *sc, int64_t person_id, int64_t *place, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, pass_sql[Q_HOLDER], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, person_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "person_id", "no person with id %lld",
		    (long long)person_id);
	*place = store_col_is_null(st, 0) ? 0 : store_col_int(st, 1);
	store_reset(st);
	if (*place == 0)
		return sj_fail(e, SJ_EINVAL, "person_id", "person %lld has no household; passes are "
		    "issued to household members", (long long)person_id);
	return SJ_OK;
}

sj_rc
pass_issue(store *s, const scope *sc, const pass_input *in, sj_date today, int64_t now,
    int64_t *id, sj_err *e)
{
	int64_t place = 0;
	org_place pl;
	store_stmt *st;
	sj_date from;
	arena a;
	sj_rc rc;

	if (in->issued_by == NULL || *in->issued_by == '\0')
		return sj_fail(e, SJ_EINVAL, "issued_by", "is required");
	if ((rc = check_dates(in, today, &from, e)) != SJ_OK ||
	    (rc = holder_place(s, sc, in->person_id, &place, e)) != SJ_OK)
		return rc;
	if (in->place_id > 0) {
		arena_init(&a);
		rc = org_place_get(s, sc, &a, in->place_id, &pl, e);
		arena_free(&a);
		if (rc == SJ_ENOTFOUND)
			return sj_fail(e, SJ_ENOTFOUND, "place_id", "no place with id %lld",
			    (long long)in->place_id);
		if (rc != SJ_OK)
			return rc;
		place = in->place_id;
	}
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, pass_sql[Q_INSERT], &st, e)) == SJ_OK) {
		store_bind_int(st, 1, in->person_id);
		store_bind_int(st, 2, place);
		store_bind_int(st, 3, from);
		store_bind_int(st, 4, in->valid_to);
		store_bind_int(st, 5, now);
		store_bind_text(st, 6, in->issued_by);
		rc = store_insert_id(st, id, e);
	}
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

static void
pass_row(store_stmt *st, arena *a, pass *p)
{
	const char *name = store_col_text(st, 10);
	char *mask = arena_alloc(a, strlen(name) + 1);

	p->id = store_col_int(st, 0);
	p->person_id = store_col_int(st, 1);
	p->place_id = store_col_int(st, 2);
	p->valid_from = (sj_date)store_col_int(st, 3);
	p->valid_to = (sj_date)store_col_int(st, 4);
	p->issued_at = store_col_int(st, 5);
	p->issued_by = arena_strdup(a, store_col_text(st, 6));
	p->revoked_at = store_col_is_null(st, 7) ? 0 : store_col_int(st, 7);
	p->revoked_by = arena_strdup(a, store_col_text(st, 8));
	p->revoke_reason = arena_strdup(a, store_col_text(st, 9));
	if (ident_name_mask(name, mask, strlen(name) + 1, NULL) != SJ_OK)
		strcpy(mask, "*");
	p->person_name = mask;
	p->place_name = arena_strdup(a, store_col_text(st, 11));
}

sj_rc
pass_get(store *s, const scope *sc, arena *a, int64_t id, pass *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, pass_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "pass", "no pass with id %lld", (long long)id);
	pass_row(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
pass_list(store *s, const scope *sc, arena *a, int64_t person_id, pass **out, size_t *n,
    sj_err *e)
{
	int64_t place;
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	/* Only the scope check matters here: a person without household can
	 * hold no pass, which an empty list says as well. */
	rc = holder_place(s, sc, person_id, &place, e);
	if (rc == SJ_ENOTFOUND)
		return rc;
	sj_err_clear(e);
	if ((rc = store_prepare(s, pass_sql[Q_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, person_id);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		pass_row(st, a, &(*out)[(*n)++]);
	}
	return rc;
}

sj_rc
pass_revoke(store *s, const scope *sc, int64_t id, const char *who, const char *reason,
    int64_t now, sj_err *e)
{
	pass_revlist *rl;
	store_stmt *st;
	pass p;
	arena a;
	sj_rc rc;

	if (reason && *reason == '\0')
		reason = NULL;
	if (reason && (rc = text_check_utf8_max(reason, strlen(reason), "reason", TEXT_SINGLE_LINE,
	    PASS_REASON_MAX, e)) != SJ_OK)
		return rc;
	if (who == NULL || *who == '\0')
		return sj_fail(e, SJ_EINVAL, "revoked_by", "is required");
	arena_init(&a);
	rc = pass_get(s, sc, &a, id, &p, e);
	arena_free(&a);
	if (rc != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, pass_sql[Q_REVOKE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, now);
	store_bind_text(st, 3, who);
	store_bind_text(st, 4, reason);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	/* Fail safe: the list learns of it now, even before the caller's
	 * commit; a rolled-back revocation leaves it at the next reload. */
	if (pass_revlist_shared(s, now, &rl, NULL) == SJ_OK)
		pass_revlist_add(rl, id);
	return SJ_OK;
}

sj_rc
pass_render(const crypt_keys *k, const pass *p, const char *format, const char *font, buf *out,
    bool *lettered, sj_err *e)
{
	char code[PASS_TEXT_MAX], from[DT_DATE_LEN], to[DT_DATE_LEN], dates[64], serial[64];
	char title[512];
	pass_claim c;
	qr_caption cap = { .font = font, .width_px = 480 };
	sj_rc rc;

	pass_claim_of(p, &c);
	if ((rc = pass_encode(k, &c, code, sizeof code, e)) != SJ_OK)
		return rc;
	dt_date_format(p->valid_from, from);
	dt_date_format(p->valid_to, to);
	snprintf(dates, sizeof dates, "%s 至 %s", from, to);
	snprintf(serial, sizeof serial, "出入证 Pass No. %lld", (long long)p->id);
	snprintf(title, sizeof title, "出入证 %s · %s", p->person_name, p->place_name);
	cap.heading = p->person_name;
	cap.lines[cap.n_lines++] = p->place_name;
	cap.lines[cap.n_lines++] = dates;
	cap.lines[cap.n_lines++] = serial;
	cap.title = title;
	cap.description = dates;
	return qr_render(code, &cap, format, out, lettered, e);
}
