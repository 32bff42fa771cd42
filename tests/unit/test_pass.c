/* Unit tests for domain/pass and domain/placecode.
 *
 * Passes: the payload round trip, byte for byte determinism, a forgery by
 * flipping any one bit of body or signature (never valid; a flipped
 * signature bit is always "forged"), a payload signed by another
 * deployment's key, non-canonical spellings that carry a good signature
 * (made here with libsodium directly, so only the format can reject
 * them), the validity boundaries on local dates in Asia/Shanghai
 * (2020-03-31T15:59:59Z is still 03-31 there, 16:00:00Z is 04-01),
 * revocation through the in-memory list and the database, the issue rules
 * with nothing stored on refusal, and scope.  Place codes: tokens in URLs,
 * create / keep / rotate, the public look-up, and the poster.  Scanned
 * codes: a pass resolves to its holder, refusals name the field "code".
 * Each test gets its own database (the revocation list is kept per
 * database for the life of the process), on SQLite or PostgreSQL
 * (tests/unit/testdb.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First: its helpers have a local named buf, which would shadow
 * core/buf.h's type (pulled in by pass.h) under -Wshadow. */
#include "unit/testdb.h"

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/pass.h"
#include "domain/person.h"
#include "domain/placecode.h"
#include "domain/scancode.h"
#include "store/migrate.h"
#include "store/store.h"

static char dir[64];
static crypt_keys *keys, *other_keys;

typedef struct fixture {
	store *s;
	arena a;
	int64_t unit_a, unit_b, place_a, place_b, checkpoint_a, group_a;
	int64_t resident, lodger, stranger;  /* with household at A; no household; at B */
} fixture;

static int
group_setup(void **state)
{
	char path[160];

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sj-pass-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/a.key", dir);
	if (crypt_key_create(path, NULL) != SJ_OK || crypt_keys_load(path, &keys, NULL) != SJ_OK)
		return -1;
	snprintf(path, sizeof path, "%s/b.key", dir);
	if (crypt_key_create(path, NULL) != SJ_OK ||
	    crypt_keys_load(path, &other_keys, NULL) != SJ_OK)
		return -1;
	return dt_zone_set("Asia/Shanghai", NULL) == SJ_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	char cmd[160];

	(void)state;
	crypt_keys_free(keys);
	crypt_keys_free(other_keys);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int64_t
count(store *s, const char *sql)
{
	store_stmt *st;
	sj_err e = {0};
	int64_t n = -1;

	assert_int_equal(store_prepare(s, sql, &st, &e), SJ_OK);
	assert_int_equal(store_query_int(st, &n, NULL, &e), SJ_OK);
	return n;
}

static int64_t
add_person(fixture *f, const char *name, int64_t household, int64_t unit)
{
	person_input in = { .name = name, .household_id = household, .unit_id = unit };
	sj_err e = {0};
	int64_t id = 0;

	assert_int_equal(person_add(f->s, keys, &scope_system, &in, 0, &id, &e), SJ_OK);
	return id;
}

/* Two units A and B, each with a place; A has a checkpoint and a
 * household; group A is assigned unit A. */
static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	org_region r = { .level = "subdistrict", .name = "粥店街道" };
	org_unit u = { .kind = "community", .name = "高铁社区" };
	org_place p = { .kind = "residential", .name = "华新新干线小区", .records_exits = 1 };
	org_checkpoint c = { .name = "大门疫情监测点", .kind = "monitoring_point" };
	org_household h = { .building = "1号楼", .entrance = "1单元", .room = "101" };
	work_group g = { .name = "工作二组", .set_up_on = -1 };
	assignment as = { .reported_on = -1 };
	sj_err e = {0};
	int64_t hid, id;

	if (f == NULL || (f->s = testdb_open()) == NULL || migrate_apply(f->s, NULL, &e) != SJ_OK)
		return -1;
	arena_init(&f->a);
	assert_int_equal(org_region_add(f->s, &scope_system, &r, &u.region_id, &e), SJ_OK);
	assert_int_equal(org_unit_add(f->s, &scope_system, &u, &f->unit_a, &e), SJ_OK);
	u.name = "泰山石膏有限公司";
	u.kind = "enterprise";
	assert_int_equal(org_unit_add(f->s, &scope_system, &u, &f->unit_b, &e), SJ_OK);
	p.unit_id = f->unit_a;
	assert_int_equal(org_place_add(f->s, &scope_system, &p, &f->place_a, &e), SJ_OK);
	p.unit_id = f->unit_b;
	p.name = "厂区";
	assert_int_equal(org_place_add(f->s, &scope_system, &p, &f->place_b, &e), SJ_OK);
	c.place_id = f->place_a;
	assert_int_equal(org_checkpoint_add(f->s, &scope_system, &c, &f->checkpoint_a, &e), SJ_OK);
	h.place_id = f->place_a;
	assert_int_equal(org_household_add(f->s, &scope_system, &h, &hid, &e), SJ_OK);
	assert_int_equal(group_add(f->s, &scope_system, &g, &f->group_a, &e), SJ_OK);
	as.group_id = f->group_a;
	as.unit_id = f->unit_a;
	assert_int_equal(group_assign(f->s, &scope_system, &as, &id, &e), SJ_OK);
	f->resident = add_person(f, "张三", hid, 0);
	f->lodger = add_person(f, "李四", 0, f->unit_a);
	h.place_id = f->place_b;
	assert_int_equal(org_household_add(f->s, &scope_system, &h, &hid, &e), SJ_OK);
	f->stranger = add_person(f, "王五", hid, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	arena_free(&f->a);
	store_close(f->s);
	free(f);
	return 0;
}

static sj_date
ymd(int y, int m, int d)
{
	return dt_date_from_ymd(y, m, d);
}

static int64_t
instant(const char *rfc3339)
{
	int64_t t = 0;

	assert_int_equal(dt_parse_rfc3339(rfc3339, NULL, &t, NULL), SJ_OK);
	return t;
}

/* The claim of the issue's scenario: valid 2020-03-01 to 2020-03-31. */
static pass_claim
march_claim(void)
{
	pass_claim c = { .person_id = 5, .place_id = 300, .valid_from = ymd(2020, 3, 1),
	    .valid_to = ymd(2020, 3, 31), .serial = 12 };
	return c;
}

/* ---- payload ------------------------------------------------------------ */

static void
test_round_trip_and_format(void **state)
{
	pass_claim c = march_claim(), back;
	char text[PASS_TEXT_MAX], again[PASS_TEXT_MAX];
	sj_err e = {0};
	const char *dot;

	(void)state;
	assert_int_equal(pass_encode(keys, &c, text, sizeof text, &e), SJ_OK);
	assert_true(pass_text_is_pass(text));
	assert_int_equal(strncmp(text, "SJP1.", 5), 0);
	/* Body, worked out by hand: person 5 → 05; place 300 = 0x12C → AC 02;
	 * 2020-03-01 is day 18262 + 31 + 29 = 18322 = 0x4792 → 92 8F 01
	 * (7 bits at a time, low first, 0x80 on all but the last); 30 more
	 * days → 1E; serial 12 → 0C. */
	{
		unsigned char body[16];
		size_t n;
		dot = strchr(text + 5, '.');
		assert_non_null(dot);
		assert_int_equal(sodium_base642bin(body, sizeof body, text + 5, (size_t)(dot - text - 5),
		    NULL, &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
		assert_int_equal(ymd(2020, 3, 1), 18322);
		assert_int_equal(n, 8);
		assert_memory_equal(body, "\x05\xac\x02\x92\x8f\x01\x1e\x0c", 8);
	}
	assert_int_equal(strlen(dot + 1), 86);  /* 64 bytes in base64url without padding */
	assert_int_equal(pass_decode(keys, text, &back), PASS_VALID);
	assert_memory_equal(&back, &c, sizeof c);
	/* Ed25519 is deterministic: the same pass, the same text. */
	assert_int_equal(pass_encode(keys, &c, again, sizeof again, &e), SJ_OK);
	assert_string_equal(again, text);
	/* Another key file signs differently and does not verify here. */
	assert_int_equal(pass_encode(other_keys, &c, again, sizeof again, &e), SJ_OK);
	assert_string_not_equal(again, text);
	assert_int_equal(pass_decode(keys, again, &back), PASS_FORGED);
}

/* Flip bit `bit` of the raw bytes of part (0 body, 1 signature) and
 * re-spell the payload canonically. */
static void
flip(const char *text, int part, size_t bit, char *out, size_t *n_bits)
{
	unsigned char raw[128];
	char b64[200];
	const char *dot = strchr(text + 5, '.');
	const char *s = part == 0 ? text + 5 : dot + 1;
	size_t len = part == 0 ? (size_t)(dot - text - 5) : strlen(dot + 1), n;

	assert_int_equal(sodium_base642bin(raw, sizeof raw, s, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	*n_bits = n * 8;
	if (bit < n * 8)
		raw[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	sodium_bin2base64(b64, sizeof b64, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (part == 0)
		snprintf(out, PASS_TEXT_MAX * 2, "SJP1.%s%s", b64, dot);
	else
		snprintf(out, PASS_TEXT_MAX * 2, "%.*s%s", (int)(dot + 1 - text), text, b64);
}

static void
test_one_bit_forgeries(void **state)
{
	pass_claim c = march_claim(), back;
	char text[PASS_TEXT_MAX], forged[PASS_TEXT_MAX * 2];
	size_t n_bits = 1, forged_n = 0, malformed_n = 0;
	sj_err e = {0};

	(void)state;
	assert_int_equal(pass_encode(keys, &c, text, sizeof text, &e), SJ_OK);
	for (size_t bit = 0; bit < n_bits; bit++) {
		flip(text, 1, bit, forged, &n_bits);
		assert_int_equal(pass_decode(keys, forged, &back), PASS_FORGED);
	}
	assert_int_equal(n_bits, 512);
	n_bits = 1;
	for (size_t bit = 0; bit < n_bits; bit++) {
		pass_verdict v;
		flip(text, 0, bit, forged, &n_bits);
		v = pass_decode(keys, forged, &back);
		assert_true(v == PASS_FORGED || v == PASS_MALFORMED);
		forged_n += v == PASS_FORGED;
		malformed_n += v == PASS_MALFORMED;
	}
	/* 64 body bits: a flipped continuation bit or one that leaves a field
	 * out of range makes the body unreadable; every other flip reads as
	 * another pass and is caught by the signature. */
	assert_int_equal(forged_n + malformed_n, 64);
	assert_true(forged_n >= 40);
	/* The plainest forgery: person 5 → 4 (bit 0 of the first byte). */
	flip(text, 0, 0, forged, &n_bits);
	assert_int_equal(pass_decode(keys, forged, &back), PASS_FORGED);
}

/* Sign an arbitrary body under keys' seed, as pass.c would. */
static void
sign_body(const unsigned char *body, size_t n, char *out)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char msg[64], sig[crypto_sign_BYTES];
	char b_body[128], b_sig[128];

	crypto_sign_seed_keypair(pk, sk, crypt_keys_sign_seed(keys));
	memcpy(msg, "SJP1.", 5);
	memcpy(msg + 5, body, n);
	crypto_sign_detached(sig, NULL, msg, n + 5, sk);
	sodium_bin2base64(b_body, sizeof b_body, body, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(b_sig, sizeof b_sig, sig, sizeof sig,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sprintf(out, "SJP1.%s.%s", b_body, b_sig);
}

static void
test_malformed(void **state)
{
	/* Well signed, badly formed bodies. */
	static const struct { const char *why; const char *body; size_t n; } bodies[] = {
		{ "good (control)", "\x05\xac\x02\x92\x8f\x01\x1e\x0c", 8 },
		{ "person 5 as a two-byte varint", "\x85\x00\xac\x02\x92\x8f\x01\x1e\x0c", 9 },
		{ "a sixth field", "\x05\xac\x02\x92\x8f\x01\x1e\x0c\x01", 9 },
		{ "four fields", "\x05\xac\x02\x92\x8f\x01\x1e", 7 },
		{ "366 days", "\x05\xac\x02\x92\x8f\x01\xee\x02\x0c", 9 },
		{ "person 0", "\x00\xac\x02\x92\x8f\x01\x1e\x0c", 8 },
		{ "serial 0", "\x05\xac\x02\x92\x8f\x01\x1e\x00", 8 },
		{ "a varint running off the end", "\x05\xac\x02\x92\x8f\x01\x1e\x8c", 8 },
	};
	char text[PASS_TEXT_MAX * 2], good[PASS_TEXT_MAX];
	pass_claim c = march_claim(), back;
	sj_err e = {0};

	(void)state;
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		sign_body((const unsigned char *)bodies[i].body, bodies[i].n, text);
		if (pass_decode(keys, text, &back) != (i == 0 ? PASS_VALID : PASS_MALFORMED))
			fail_msg("%s: %s", bodies[i].why, pass_verdict_code(pass_decode(keys, text, &back)));
	}
	/* 365 days is the most (a span of 366 dates). */
	sign_body((const unsigned char *)"\x05\xac\x02\x92\x8f\x01\xed\x02\x0c", 9, text);
	assert_int_equal(pass_decode(keys, text, &back), PASS_VALID);
	assert_int_equal(back.valid_to - back.valid_from, 365);
	/* Texts that are not the format at all. */
	assert_int_equal(pass_encode(keys, &c, good, sizeof good, &e), SJ_OK);
	{
		const char *bad[] = { "", "SJP1.", "SJP1..", "SJP2.AAAA.AAAA", "sjp1.x.y",
			"11010519491231002X", "SJP1.BayCko8BHgw" };
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			assert_int_equal(pass_decode(keys, bad[i], &back), PASS_MALFORMED);
	}
	/* Trailing text, padding, a non-canonical last base64 character
	 * (the signature's last character carries 2 unused bits: 'A' → 'B'
	 * decodes to the same bytes but is not the canonical spelling). */
	snprintf(text, sizeof text, "%s ", good);
	assert_int_equal(pass_decode(keys, text, &back), PASS_MALFORMED);
	snprintf(text, sizeof text, "%s==", good);
	assert_int_equal(pass_decode(keys, text, &back), PASS_MALFORMED);
	snprintf(text, sizeof text, "%s", good);
	{
		size_t n = strlen(text);
		char last = text[n - 1];
		/* The last of 86 characters holds 4 bits of the last byte and 2
		 * zero bits; adding 1 sets an unused bit. */
		text[n - 1] = (char)(last == 'z' ? '0' : last == '9' ? '-' : last + 1);
		if (pass_decode(keys, text, &back) == PASS_VALID)
			fail_msg("non-canonical spelling %s accepted", text);
	}
	/* Claims pass_encode refuses. */
	c.valid_to = c.valid_from + PASS_DAYS_MAX;
	assert_int_equal(pass_encode(keys, &c, good, sizeof good, &e), SJ_EINVAL);
	c = march_claim();
	c.serial = 0;
	assert_int_equal(pass_encode(keys, &c, good, sizeof good, &e), SJ_EINVAL);
}

static void
test_date_boundaries(void **state)
{
	pass_claim c = march_claim();
	char text[PASS_TEXT_MAX];
	sj_err e = {0};

	(void)state;
	assert_int_equal(pass_encode(keys, &c, text, sizeof text, &e), SJ_OK);
	assert_int_equal(pass_verify(keys, NULL, text, ymd(2020, 2, 29), 0, NULL), PASS_NOT_YET_VALID);
	assert_int_equal(pass_verify(keys, NULL, text, ymd(2020, 3, 1), 0, NULL), PASS_VALID);
	assert_int_equal(pass_verify(keys, NULL, text, ymd(2020, 3, 31), 0, NULL), PASS_VALID);
	assert_int_equal(pass_verify(keys, NULL, text, ymd(2020, 4, 1), 0, NULL), PASS_EXPIRED);
	assert_int_equal(pass_verify(keys, NULL, text, ymd(2020, 3, 15), 300, NULL), PASS_VALID);
	assert_int_equal(pass_verify(keys, NULL, text, ymd(2020, 3, 15), 301, NULL), PASS_WRONG_PLACE);
	/* A forged pass stays forged whatever the date. */
	assert_int_equal(pass_verify(other_keys, NULL, text, ymd(2020, 3, 15), 0, NULL), PASS_FORGED);
}

/* pass_check judges by the local date in Asia/Shanghai (UTC+8), not the
 * UTC date. */
static void
test_local_date_boundaries(void **state)
{
	static const struct { const char *at; pass_verdict v; } cases[] = {
		{ "2020-02-29T15:59:59Z", PASS_NOT_YET_VALID },  /* 02-29 23:59:59 local */
		{ "2020-02-29T16:00:00Z", PASS_VALID },          /* 03-01 00:00 local, UTC still 02-29 */
		{ "2020-03-31T15:59:59Z", PASS_VALID },          /* 03-31 23:59:59 local */
		{ "2020-03-31T16:00:00Z", PASS_EXPIRED },        /* 04-01 00:00 local, UTC still 03-31 */
	};
	fixture *f = *state;
	pass_claim c = march_claim(), back;
	char text[PASS_TEXT_MAX];
	pass_verdict v;
	sj_err e = {0};

	assert_int_equal(pass_encode(keys, &c, text, sizeof text, &e), SJ_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sj_err why = {0};
		assert_int_equal(pass_check(f->s, keys, text, instant(cases[i].at), 0, &v, &back, &why),
		    SJ_OK);
		if (v != cases[i].v)
			fail_msg("%s: %s, want %s", cases[i].at, pass_verdict_code(v),
			    pass_verdict_code(cases[i].v));
		if (v != PASS_VALID) {
			assert_int_equal(why.rc, SJ_EINVAL);
			assert_string_equal(why.field, "code");
		}
	}
	{
		sj_err why = {0};
		assert_int_equal(pass_check(f->s, keys, text, instant("2020-04-01T00:00:00+08:00"), 0,
		    &v, &back, &why), SJ_OK);
		assert_string_equal(why.msg, "pass 12 expired after 2020-03-31");
	}
}

/* ---- issuing and revoking ----------------------------------------------- */

static int64_t
issue(fixture *f, sj_date from, sj_date to, sj_date today)
{
	pass_input in = { .person_id = f->resident, .valid_from = from, .valid_to = to,
	    .issued_by = "leader" };
	sj_err e = {0};
	int64_t id = 0;

	if (pass_issue(f->s, &scope_system, &in, today, instant("2020-03-01T09:00:00+08:00"), &id,
	    &e) != SJ_OK)
		fail_msg("%s: %s", e.field, e.msg);
	return id;
}

static void
test_issue_and_revoke(void **state)
{
	fixture *f = *state;
	sj_date today = ymd(2020, 3, 1);
	int64_t id = issue(f, PASS_DATE_NONE, ymd(2020, 3, 31), today), noon;
	char text[PASS_TEXT_MAX], want[160];
	pass_revlist *rl;
	pass_claim c;
	pass_verdict v;
	sj_err e = {0};
	pass p;

	assert_int_equal(pass_get(f->s, &scope_system, &f->a, id, &p, &e), SJ_OK);
	assert_int_equal(p.person_id, f->resident);
	assert_int_equal(p.place_id, f->place_a);  /* the household's place */
	assert_int_equal(p.valid_from, today);     /* default: today */
	assert_string_equal(p.person_name, "张*");
	assert_string_equal(p.place_name, "华新新干线小区");
	assert_int_equal(pass_status(&p, today), PASS_VALID);
	/* Printable while it can pass: valid, or not yet valid (the day
	 * before); not once expired (2020-04-01, the day after valid_to). */
	assert_int_equal(pass_printable(&p, today, &e), SJ_OK);
	assert_int_equal(pass_printable(&p, ymd(2020, 2, 29), &e), SJ_OK);
	assert_int_equal(pass_printable(&p, ymd(2020, 3, 31), &e), SJ_OK);
	assert_int_equal(pass_printable(&p, ymd(2020, 4, 1), &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "pass");
	snprintf(want, sizeof want, "pass %lld expired after 2020-03-31: its code is not given "
	    "out again; issue a new pass", (long long)id);
	assert_string_equal(e.msg, want);
	pass_claim_of(&p, &c);
	assert_int_equal(c.serial, id);
	assert_int_equal(pass_encode(keys, &c, text, sizeof text, &e), SJ_OK);
	noon = instant("2020-03-10T12:00:00+08:00");
	assert_int_equal(pass_check(f->s, keys, text, noon, f->place_a, &v, NULL, &e), SJ_OK);
	assert_int_equal(v, PASS_VALID);
	/* Revoked: known to this process at once, without a reload. */
	assert_int_equal(pass_revoke(f->s, &scope_system, id, "leader", "card lost", noon, &e), SJ_OK);
	assert_int_equal(pass_check(f->s, keys, text, noon + 1, f->place_a, &v, NULL, &e), SJ_OK);
	assert_int_equal(v, PASS_REVOKED);
	/* And in the database, for a list loaded afresh. */
	rl = pass_revlist_new();
	assert_int_equal(pass_revlist_load(f->s, rl, today, &e), SJ_OK);
	assert_true(pass_revlist_has(rl, id));
	assert_int_equal(pass_revlist_count(rl), 1);
	assert_int_equal(pass_verify(keys, rl, text, ymd(2020, 3, 10), 0, NULL), PASS_REVOKED);
	/* An expired pass is no longer loaded (it fails on its dates). */
	assert_int_equal(pass_revlist_load(f->s, rl, ymd(2020, 4, 1), &e), SJ_OK);
	assert_int_equal(pass_revlist_count(rl), 0);
	pass_revlist_free(rl);
	/* Revoking again keeps the first revocation. */
	assert_int_equal(pass_revoke(f->s, &scope_system, id, "admin", "again", noon + 60, &e), SJ_OK);
	assert_int_equal(pass_get(f->s, &scope_system, &f->a, id, &p, &e), SJ_OK);
	assert_int_equal(p.revoked_at, noon);
	assert_string_equal(p.revoked_by, "leader");
	assert_string_equal(p.revoke_reason, "card lost");
	assert_int_equal(pass_status(&p, today), PASS_REVOKED);
	/* Never printable again, whatever the day. */
	assert_int_equal(pass_printable(&p, today, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "pass");
	snprintf(want, sizeof want, "pass %lld has been revoked: its code is not given out "
	    "again; issue a new pass", (long long)id);
	assert_string_equal(e.msg, want);
	/* Unknown pass; a bad reason. */
	assert_int_equal(pass_revoke(f->s, &scope_system, id + 1, "x", NULL, noon, &e), SJ_ENOTFOUND);
	assert_int_equal(pass_revoke(f->s, &scope_system, id, "x", "two\nlines", noon, &e), SJ_EINVAL);
	assert_string_equal(e.field, "reason");
}

static void
test_revlist_set(void **state)
{
	pass_revlist *rl = pass_revlist_new();

	(void)state;
	/* Enough serials to grow the table several times. */
	for (int64_t i = 1; i <= 5000; i += 2)
		pass_revlist_add(rl, i * 7919);
	pass_revlist_add(rl, 7919);  /* twice */
	assert_int_equal(pass_revlist_count(rl), 2500);
	for (int64_t i = 1; i <= 5000; i++)
		assert_int_equal(pass_revlist_has(rl, i * 7919), i % 2 == 1);
	assert_false(pass_revlist_has(rl, 0));
	pass_revlist_free(rl);
	pass_revlist_free(NULL);
}

static void
test_issue_rules(void **state)
{
	fixture *f = *state;
	sj_date today = ymd(2020, 3, 10);
	scope member_a = { .role = ROLE_MEMBER, .user_id = 9, .group_id = f->group_a };
	struct { pass_input in; sj_rc rc; const char *field; } cases[] = {
		{ { .person_id = f->lodger, .valid_from = PASS_DATE_NONE, .valid_to = today }, SJ_EINVAL,
		  "person_id" },
		{ { .person_id = 999, .valid_from = PASS_DATE_NONE, .valid_to = today }, SJ_ENOTFOUND, "person_id" },
		{ { .person_id = f->resident, .valid_from = PASS_DATE_NONE, .valid_to = PASS_DATE_NONE }, SJ_EINVAL, "valid_to" },
		{ { .person_id = f->resident, .valid_from = today + 2, .valid_to = today + 1 },
		  SJ_EINVAL, "valid_to" },
		{ { .person_id = f->resident, .valid_from = today - 9, .valid_to = today - 1 },
		  SJ_EINVAL, "valid_to" },
		{ { .person_id = f->resident, .valid_from = today, .valid_to = today + 366 },
		  SJ_EINVAL, "valid_to" },
		/* 1969-12-31 is day -1, a real date and not "none" (before, -1
		 * was the mark of a missing date and became today): from it to
		 * today is far more than 366 days; to it is in the past */
		{ { .person_id = f->resident, .valid_from = -1, .valid_to = today },
		  SJ_EINVAL, "valid_to" },
		{ { .person_id = f->resident, .valid_from = -400, .valid_to = today },
		  SJ_EINVAL, "valid_to" },
		{ { .person_id = f->resident, .valid_from = -5, .valid_to = -1 },
		  SJ_EINVAL, "valid_to" },
		{ { .person_id = f->resident, .place_id = 999, .valid_from = PASS_DATE_NONE, .valid_to = today },
		  SJ_ENOTFOUND, "place_id" },
		{ { .person_id = f->resident, .valid_from = PASS_DATE_NONE, .valid_to = today }, SJ_EINVAL,
		  "issued_by" },
	};
	sj_err e = {0};
	int64_t id;
	pass p;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (i + 1 < sizeof cases / sizeof cases[0])
			cases[i].in.issued_by = "leader";
		sj_err_clear(&e);
		if (pass_issue(f->s, &scope_system, &cases[i].in, today, 0, &id, &e) != cases[i].rc ||
		    strcmp(e.field, cases[i].field) != 0)
			fail_msg("case %zu: %d %s: %s", i, e.rc, e.field, e.msg);
	}
	assert_int_equal(count(f->s, "SELECT count(*) FROM pass"), 0);
	assert_int_equal(store_tx_depth(f->s), 0);
	/* The longest pass: 366 days; a pass may begin in the past. */
	{
		pass_input in = { .person_id = f->resident, .valid_from = today - 5,
		    .valid_to = today + 360, .issued_by = "leader" };
		assert_int_equal(pass_issue(f->s, &scope_system, &in, today, 0, &id, &e), SJ_OK);
	}
	/* Scope: member of group A sees A's resident, not B's, nor places of B. */
	{
		pass_input in = { .person_id = f->stranger, .valid_from = PASS_DATE_NONE, .valid_to = today,
		    .issued_by = "member" };
		assert_int_equal(pass_issue(f->s, &member_a, &in, today, 0, &id, &e), SJ_ENOTFOUND);
		in.person_id = f->resident;
		in.place_id = f->place_b;
		assert_int_equal(pass_issue(f->s, &member_a, &in, today, 0, &id, &e), SJ_ENOTFOUND);
		assert_string_equal(e.field, "place_id");
		in.place_id = 0;
		assert_int_equal(pass_issue(f->s, &member_a, &in, today, 0, &id, &e), SJ_OK);
		assert_int_equal(pass_get(f->s, &member_a, &f->a, id, &p, &e), SJ_OK);
	}
	{
		pass_input in = { .person_id = f->stranger, .valid_from = PASS_DATE_NONE, .valid_to = today,
		    .issued_by = "admin" };
		pass *list;
		size_t n;
		assert_int_equal(pass_issue(f->s, &scope_system, &in, today, 0, &id, &e), SJ_OK);
		assert_int_equal(pass_get(f->s, &member_a, &f->a, id, &p, &e), SJ_ENOTFOUND);
		assert_int_equal(pass_list(f->s, &member_a, &f->a, f->stranger, &list, &n, &e),
		    SJ_ENOTFOUND);
		assert_int_equal(pass_list(f->s, &member_a, &f->a, f->resident, &list, &n, &e), SJ_OK);
		assert_int_equal(n, 2);
		assert_true(list[0].id > list[1].id);  /* newest first */
		assert_int_equal(pass_list(f->s, &member_a, &f->a, f->lodger, &list, &n, &e), SJ_OK);
		assert_int_equal(n, 0);
		assert_int_equal(pass_revoke(f->s, &member_a, id, "member", NULL, 0, &e), SJ_ENOTFOUND);
	}
}

/* ---- place codes -------------------------------------------------------- */

static void
test_token_of(void **state)
{
	static const char tok[] = "5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5UU";
	char out[CRYPT_TOKEN_SIZE];

	(void)state;
	assert_true(placecode_token_valid(tok));
	assert_true(placecode_token_of(tok, out));
	assert_string_equal(out, tok);
	assert_true(placecode_token_of("http://127.0.0.1:8080/c/5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQ"
	    "pkQdb5UU", out));
	assert_string_equal(out, tok);
	assert_true(placecode_token_of("https://sijin.example.cn/x/c/5bgFJjKJlKMR9kLV6L5lk6ZE4Gmiwzg"
	    "zBCQpkQdb5UU/", out));
	assert_string_equal(out, tok);
	assert_false(placecode_token_of("https://h/d/5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5UU", out));
	assert_string_equal(out, "");
	assert_false(placecode_token_of("5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5U", out));
	assert_false(placecode_token_of("5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5U=", out));
	assert_false(placecode_token_of("http://h/c/5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5U?", out));
	assert_false(placecode_token_of(NULL, out));
	assert_false(placecode_token_valid("SJP1.AQGyogFcAQ"));
}

static void
test_placecode_lifecycle(void **state)
{
	fixture *f = *state;
	scope member_b = { .role = ROLE_UNIT, .user_id = 4, .unit_id = f->unit_b };
	placecode pc, again;
	bool created;
	sj_err e = {0};
	const char *old;

	assert_int_equal(placecode_get(f->s, &scope_system, &f->a, f->checkpoint_a, &pc, &e),
	    SJ_ENOTFOUND);
	assert_string_equal(e.field, "place_code");
	assert_int_equal(placecode_get(f->s, &scope_system, &f->a, 999, &pc, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "checkpoint");
	assert_int_equal(placecode_issue(f->s, &scope_system, f->checkpoint_a, false, 100, &created,
	    &e), SJ_OK);
	assert_true(created);
	assert_int_equal(placecode_get(f->s, &scope_system, &f->a, f->checkpoint_a, &pc, &e), SJ_OK);
	assert_true(placecode_token_valid(pc.token));
	assert_int_equal(pc.created_at, 100);
	assert_string_equal(pc.place_name, "华新新干线小区");
	assert_string_equal(pc.checkpoint_name, "大门疫情监测点");
	assert_string_equal(pc.unit_name, "高铁社区");
	/* Issuing again without rotating keeps the token. */
	assert_int_equal(placecode_issue(f->s, &scope_system, f->checkpoint_a, false, 200, &created,
	    &e), SJ_OK);
	assert_false(created);
	assert_int_equal(placecode_get(f->s, &scope_system, &f->a, f->checkpoint_a, &again, &e), SJ_OK);
	assert_string_equal(again.token, pc.token);
	/* The public look-up. */
	assert_int_equal(placecode_resolve(f->s, &f->a, pc.token, &again, &e), SJ_OK);
	assert_int_equal(again.checkpoint_id, f->checkpoint_a);
	assert_int_equal(again.place_id, f->place_a);
	assert_int_equal(again.records_exits, 1);
	/* Out of scope: as missing. */
	assert_int_equal(placecode_get(f->s, &member_b, &f->a, f->checkpoint_a, &again, &e),
	    SJ_ENOTFOUND);
	assert_int_equal(placecode_issue(f->s, &member_b, f->checkpoint_a, true, 300, &created, &e),
	    SJ_ENOTFOUND);
	assert_false(created);
	/* Rotation: a new token, the old one stops resolving. */
	old = pc.token;
	assert_int_equal(placecode_issue(f->s, &scope_system, f->checkpoint_a, true, 300, &created,
	    &e), SJ_OK);
	assert_true(created);
	assert_int_equal(placecode_get(f->s, &scope_system, &f->a, f->checkpoint_a, &pc, &e), SJ_OK);
	assert_string_not_equal(pc.token, old);
	assert_int_equal(pc.created_at, 300);
	assert_int_equal(placecode_resolve(f->s, &f->a, old, &again, &e), SJ_ENOTFOUND);
	assert_string_equal(e.field, "token");
	assert_int_equal(placecode_resolve(f->s, &f->a, "not a token", &again, &e), SJ_ENOTFOUND);
	assert_int_equal(count(f->s, "SELECT count(*) FROM place_code"), 1);
	assert_string_equal(placecode_url(&f->a, "https://sijin.example.cn/", "T"),
	    "https://sijin.example.cn/c/T");
	assert_string_equal(placecode_url(&f->a, "http://127.0.0.1:8080", "T"),
	    "http://127.0.0.1:8080/c/T");
}

static void
test_poster_and_pass_pictures(void **state)
{
	fixture *f = *state;
	placecode pc;
	bool created, lettered = true;
	sj_err e = {0};
	const char *url;
	pass p;
	buf out;
	int64_t id = issue(f, PASS_DATE_NONE, ymd(2020, 3, 31), ymd(2020, 3, 1));

	assert_int_equal(placecode_issue(f->s, &scope_system, f->checkpoint_a, false, 1, &created, &e),
	    SJ_OK);
	assert_int_equal(placecode_get(f->s, &scope_system, &f->a, f->checkpoint_a, &pc, &e), SJ_OK);
	url = placecode_url(&f->a, "http://127.0.0.1:8080", pc.token);
	buf_init(&out, 1 << 22);
	assert_int_equal(placecode_render(&pc, url, "svg", NULL, &out, &lettered, &e), SJ_OK);
	assert_false(lettered);
	assert_non_null(strstr(out.data, ">华新新干线小区</text>"));
	assert_non_null(strstr(out.data, ">大门疫情监测点</text>"));
	assert_non_null(strstr(out.data, url));
	buf_reset(&out);
	assert_int_equal(placecode_render(&pc, url, "pdf", NULL, &out, NULL, &e), SJ_EINVAL);
	assert_string_equal(e.field, "format");
	assert_int_equal(pass_get(f->s, &scope_system, &f->a, id, &p, &e), SJ_OK);
	assert_int_equal(pass_render(keys, &p, "svg", NULL, &out, NULL, &e), SJ_OK);
	assert_non_null(strstr(out.data, ">张*</text>"));
	assert_null(strstr(out.data, "张三"));
	assert_non_null(strstr(out.data, "2020-03-01 至 2020-03-31"));
	buf_reset(&out);
	assert_int_equal(pass_render(keys, &p, "png", "", &out, &lettered, &e), SJ_OK);
	assert_int_equal(memcmp(out.data, "\x89PNG", 4), 0);
	buf_free(&out);
}

/* ---- scanned codes ------------------------------------------------------ */

static void
test_scancode_resolve(void **state)
{
	fixture *f = *state;
	int64_t id = issue(f, PASS_DATE_NONE, ymd(2020, 3, 31), ymd(2020, 3, 1));
	int64_t in_march = instant("2020-03-10T08:00:00+08:00");
	char text[PASS_TEXT_MAX];
	scan_input in;
	pass_claim c;
	sj_err e = {0};
	pass p;

	assert_int_equal(pass_get(f->s, &scope_system, &f->a, id, &p, &e), SJ_OK);
	pass_claim_of(&p, &c);
	assert_int_equal(pass_encode(keys, &c, text, sizeof text, &e), SJ_OK);
	/* A pass: its holder, source pass. */
	memset(&in, 0, sizeof in);
	in.source = SCAN_SRC_ATTENDANT;
	assert_int_equal(scancode_kind_of(text), SCANCODE_PASS);
	assert_int_equal(scancode_resolve(f->s, keys, text, f->place_a, in_march, &in, &e), SJ_OK);
	assert_int_equal(in.person_id, f->resident);
	assert_null(in.id_number);
	assert_int_equal(in.source, SCAN_SRC_PASS);
	/* The same pass at another place, after its dates, forged: refused on
	 * the field "code", *in untouched. */
	memset(&in, 0, sizeof in);
	assert_int_equal(scancode_resolve(f->s, keys, text, f->place_b, in_march, &in, &e), SJ_EINVAL);
	assert_string_equal(e.field, "code");
	assert_non_null(strstr(e.msg, "another place"));
	assert_int_equal(scancode_resolve(f->s, keys, text, f->place_a,
	    instant("2020-04-01T00:00:00+08:00"), &in, &e), SJ_EINVAL);
	assert_string_equal(e.msg, "pass 1 expired after 2020-03-31");
	assert_int_equal(scancode_resolve(f->s, other_keys, text, 0, in_march, &in, &e), SJ_EINVAL);
	assert_non_null(strstr(e.msg, "does not verify"));
	assert_int_equal(in.person_id, 0);
	/* An identity number passes through for scan_prepare. */
	assert_int_equal(scancode_kind_of("11010519491231002X"), SCANCODE_ID_NUMBER);
	assert_int_equal(scancode_resolve(f->s, keys, "11010519491231002X", 0, in_march, &in, &e),
	    SJ_OK);
	assert_string_equal(in.id_number, "11010519491231002X");
	/* A place code names no person; other text is no code. */
	assert_int_equal(scancode_resolve(f->s, keys,
	    "http://127.0.0.1:8080/c/5bgFJjKJlKMR9kLV6L5lk6ZE4GmiwzgzBCQpkQdb5UU", 0, in_march, &in,
	    &e), SJ_EINVAL);
	assert_non_null(strstr(e.msg, "place code"));
	assert_int_equal(scancode_kind_of("https://example.com/"), SCANCODE_OTHER);
	assert_int_equal(scancode_resolve(f->s, keys, "https://example.com/", 0, in_march, &in, &e),
	    SJ_EINVAL);
	assert_string_equal(e.field, "code");
	assert_string_equal(scancode_kind_name(SCANCODE_PLACE_CODE), "place_code");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_format),
		cmocka_unit_test(test_one_bit_forgeries),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_date_boundaries),
		cmocka_unit_test(test_revlist_set),
		cmocka_unit_test_setup_teardown(test_local_date_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issue_and_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issue_rules, setup, teardown),
		cmocka_unit_test(test_token_of),
		cmocka_unit_test_setup_teardown(test_placecode_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poster_and_pass_pictures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scancode_resolve, setup, teardown),
	};
	fprintf(stderr, "test_pass on %s\n", testdb_name());
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
