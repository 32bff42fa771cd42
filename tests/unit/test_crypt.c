/*
 * Unit tests for core/crypt: the key file, subkeys, sealing, hashes.
 *
 * Known answers were computed independently of libsodium with Python's
 * hashlib (RFC 7693 BLAKE2b), following the documented construction of
 * crypto_kdf_derive_from_key in libsodium 1.0.18: subkey i of master key K
 * is BLAKE2b-256(message "", key K, salt LE64(i) || 0^8,
 * personal "sijinkey" || 0^8).  For K = 00 01 02 ... 1f:
 *   import hashlib, struct
 *   K = bytes(range(32))
 *   sub = lambda i: hashlib.blake2b(b"", digest_size=32, key=K,
 *       salt=struct.pack("<Q", i), person=b"sijinkey").digest()
 *   hashlib.blake2b(b"person.id_number\x00" b"11010519491231002X",
 *       digest_size=32, key=sub(2)).hexdigest()      # look-up hash
 *   hashlib.blake2b(b"abc", digest_size=32, key=sub(4)).hexdigest()
 * The AEAD format is checked by decrypting crypt_seal's output directly
 * with libsodium's crypto_aead_xchacha20poly1305_ietf_decrypt, and by
 * opening a value built by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/crypt.h"

#define KAT_MASTER_HEX \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KAT_SUB1 \
	"0efab0dd42a38217aa5456caf2624caa7217d16eb63a9b2ab1a59f399fb7aa14"
#define KAT_SUB3 \
	"9654f1f2073b00bf59942d09af45cb36fddeac556c96ad154fa9f7876b503d27"
#define KAT_SUB4 \
	"fd07f154eb9eb32bd1b38624ac95e810ec2889563dcdfe3f4500c68be0a17260"
#define KAT_LOOKUP_ID \
	"31cfb7cd4e6a44e82cd8e4f4dd076650db8020e203a07390876397979cbd1238"
#define KAT_LOOKUP_MOBILE \
	"4c372881fe3a0f10e3eaf6d024f0f0c592d3b9bfe1e9c4666f1e21dbe5f452a8"
#define KAT_TOKEN_ABC \
	"978d6dc7358cd91bc33601cabbb1a17f059d16614527ce7b44fba94aecdb8f74"

#define ID_CLASS "person.id_number"
#define AUTH_FAIL "cannot decrypt person.id_number: wrong key or corrupted data"

/* A temporary directory per test. */
struct fixture {
	char dir[64];
	char path[128];   /* dir/db.key */
	char path2[128];  /* dir/other.key */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/sijin-crypt-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/db.key", f->dir);
	snprintf(f->path2, sizeof f->path2, "%s/other.key", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char p[512];
	struct dirent *d;
	DIR *dir = opendir(f->dir);

	while (dir != NULL && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", f->dir, d->d_name);
		if (unlink(p) != 0)
			rmdir(p);
	}
	if (dir != NULL)
		closedir(dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write text to path with the given mode, replacing any file. */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static size_t
read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, cap - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;

	assert_int_equal(sodium_hex2bin(out, n, hex, strlen(hex), NULL, &got,
	    NULL), 0);
	assert_int_equal(got, n);
}

static crypt_keys *
load_ok(const char *path)
{
	crypt_keys *keys = NULL;
	sj_err e = {0};

	if (crypt_keys_load(path, &keys, &e) != SJ_OK)
		fail_msg("%s", e.msg);
	assert_non_null(keys);
	return keys;
}

/* A key file with the known master key 00 01 ... 1f. */
static crypt_keys *
load_kat(struct fixture *f)
{
	write_file(f->path, "sijin-key-v1 " KAT_MASTER_HEX "\n", 0600);
	return load_ok(f->path);
}

static crypt_keys *
create_and_load(const char *path)
{
	sj_err e = {0};

	assert_int_equal(crypt_key_create(path, &e), SJ_OK);
	return load_ok(path);
}

/* ---- the key file ------------------------------------------------------ */

static void
test_init(void **state)
{
	sj_err e = {0};

	(void)state;
	assert_int_equal(crypt_init(&e), SJ_OK);
	assert_int_equal(crypt_init(&e), SJ_OK);
}

static void
test_create_writes_key_file(void **state)
{
	struct fixture *f = *state;
	char text[256];
	struct stat st;
	sj_err e = {0};
	mode_t old = umask(0777);  /* the mode must be 0600 whatever the umask */

	assert_int_equal(crypt_key_create(f->path, &e), SJ_OK);
	umask(old);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	/* "sijin-key-v1 " (13) + 64 hex + "\n" = 78 bytes */
	assert_int_equal(st.st_size, 78);
	assert_int_equal(read_file(f->path, text, sizeof text), 78);
	assert_memory_equal(text, "sijin-key-v1 ", 13);
	for (size_t i = 13; i < 77; i++)
		assert_non_null(strchr("0123456789abcdef", text[i]));
	assert_int_equal(text[77], '\n');
}

static void
test_create_keys_differ(void **state)
{
	struct fixture *f = *state;
	char a[256], b[256];
	sj_err e = {0};

	assert_int_equal(crypt_key_create(f->path, &e), SJ_OK);
	assert_int_equal(crypt_key_create(f->path2, &e), SJ_OK);
	read_file(f->path, a, sizeof a);
	read_file(f->path2, b, sizeof b);
	assert_string_not_equal(a, b);
}

static void
test_create_refuses_overwrite(void **state)
{
	struct fixture *f = *state;
	char before[256], after[256], link[160], msg[512];
	sj_err e = {0};

	assert_int_equal(crypt_key_create(f->path, &e), SJ_OK);
	read_file(f->path, before, sizeof before);
	assert_int_equal(crypt_key_create(f->path, &e), SJ_ECONFLICT);
	assert_string_equal(e.field, "key_file");
	snprintf(msg, sizeof msg, "key file %s already exists; a key file is "
	    "never overwritten", f->path);
	assert_string_equal(e.msg, msg);
	read_file(f->path, after, sizeof after);
	assert_string_equal(before, after);

	/* Any existing file, and a symbolic link (even a dangling one). */
	write_file(f->path2, "not a key\n", 0600);
	assert_int_equal(crypt_key_create(f->path2, &e), SJ_ECONFLICT);
	read_file(f->path2, after, sizeof after);
	assert_string_equal(after, "not a key\n");
	snprintf(link, sizeof link, "%s/link.key", f->dir);
	assert_int_equal(symlink("nowhere.key", link), 0);
	assert_int_equal(crypt_key_create(link, &e), SJ_ECONFLICT);
	snprintf(link, sizeof link, "%s/nowhere.key", f->dir);
	assert_int_equal(access(link, F_OK), -1);
}

static void
test_create_missing_dir(void **state)
{
	struct fixture *f = *state;
	char path[160];
	sj_err e = {0};

	snprintf(path, sizeof path, "%s/no/such/dir.key", f->dir);
	assert_int_equal(crypt_key_create(path, &e), SJ_EIO);
	assert_string_equal(e.field, "key_file");
	assert_non_null(strstr(e.msg, "cannot create key file"));
}

static void
test_load_created(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = create_and_load(f->path);

	crypt_keys_free(keys);
	crypt_keys_free(NULL);
}

static void
test_load_refuses_open_permissions(void **state)
{
	static const mode_t bad[] = { 0644, 0640, 0604, 0660, 0620, 0602,
	    0610, 0601, 0666, 0440, 0404 };
	struct fixture *f = *state;
	crypt_keys *keys = (crypt_keys *)1;
	char msg[512];
	sj_err e = {0};

	assert_int_equal(crypt_key_create(f->path, &e), SJ_OK);
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(crypt_keys_load(f->path, &keys, &e), SJ_ECONFIG);
	assert_null(keys);
	assert_string_equal(e.field, "key_file");
	snprintf(msg, sizeof msg, "key file %s is accessible by group or "
	    "others (mode 0644); run chmod 600 %s", f->path, f->path);
	assert_string_equal(e.msg, msg);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(chmod(f->path, bad[i]), 0);
		assert_int_equal(crypt_keys_load(f->path, &keys, &e),
		    SJ_ECONFIG);
	}
	/* Owner-only modes are fine. */
	assert_int_equal(chmod(f->path, 0400), 0);
	crypt_keys_free(load_ok(f->path));
	assert_int_equal(chmod(f->path, 0600), 0);
	crypt_keys_free(load_ok(f->path));
}

static void
test_load_missing_and_not_regular(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = NULL;
	char msg[512];
	sj_err e = {0};

	assert_int_equal(crypt_keys_load(f->path, &keys, &e), SJ_ECONFIG);
	snprintf(msg, sizeof msg, "key file %s does not exist; create it with "
	    "sijin init", f->path);
	assert_string_equal(e.msg, msg);
	assert_null(keys);
	/* mkdtemp made the directory 0700, so only its type is wrong. */
	assert_int_equal(crypt_keys_load(f->dir, &keys, &e), SJ_ECONFIG);
	snprintf(msg, sizeof msg, "key file %s is not a regular file", f->dir);
	assert_string_equal(e.msg, msg);
}

static void
test_load_malformed(void **state)
{
#define HEX64 KAT_MASTER_HEX
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "", "it does not start with \"sijin-key-v1 \"" },
		{ "sijin-key-v2 " HEX64 "\n",
		  "it does not start with \"sijin-key-v1 \"" },
		{ "SIJIN-KEY-V1 " HEX64 "\n",
		  "it does not start with \"sijin-key-v1 \"" },
		{ " sijin-key-v1 " HEX64 "\n",
		  "it does not start with \"sijin-key-v1 \"" },
		{ "sijin-key-v1  " HEX64 "\n",
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 "
		  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\n",
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 " HEX64 "0\n",  /* 65 digits */
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 "
		  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n",
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 " HEX64,  /* no newline */
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 " HEX64 "\r\n",
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 " HEX64 " \n",
		  "the key is not 64 lowercase hex digits and a newline" },
		{ "sijin-key-v1 " HEX64 "\n\n",
		  "there is data after the first line" },
		{ "sijin-key-v1 " HEX64 "\nx",
		  "there is data after the first line" },
		{ "sijin-key-v1 " HEX64 "\nsijin-key-v1 " HEX64 "\n",
		  "there is data after the first line" },
	};
#undef HEX64
	struct fixture *f = *state;
	crypt_keys *keys = NULL;
	char msg[512];
	sj_err e = {0};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		write_file(f->path, cases[i].text, 0600);
		sj_err_clear(&e);
		assert_int_equal(crypt_keys_load(f->path, &keys, &e),
		    SJ_ECONFIG);
		assert_null(keys);
		snprintf(msg, sizeof msg, "key file %s is malformed: %s",
		    f->path, cases[i].why);
		if (strcmp(e.msg, msg) != 0)
			fail_msg("case %zu: got \"%s\"", i, e.msg);
	}
}

static void
test_derivation_known_answers(void **state)
{
	struct fixture *f = *state;
	unsigned char want[32], got[CRYPT_HASH_BYTES];
	crypt_keys *keys = load_kat(f);

	unhex(KAT_SUB3, want, sizeof want);
	assert_memory_equal(crypt_keys_sign_seed(keys), want, 32);
	unhex(KAT_SUB4, want, sizeof want);
	assert_memory_equal(crypt_keys_token_key(keys), want, 32);
	crypt_lookup_hash(keys, ID_CLASS, "11010519491231002X", got);
	unhex(KAT_LOOKUP_ID, want, sizeof want);
	assert_memory_equal(got, want, 32);
	crypt_lookup_hash(keys, "person.mobile", "+8613912345678", got);
	unhex(KAT_LOOKUP_MOBILE, want, sizeof want);
	assert_memory_equal(got, want, 32);
	crypt_token_hash(keys, "abc", got);
	unhex(KAT_TOKEN_ABC, want, sizeof want);
	assert_memory_equal(got, want, 32);
	crypt_keys_free(keys);
}

/* ---- sealing ----------------------------------------------------------- */

static void
seal_ok(const crypt_keys *keys, const char *cls, const void *p, size_t n,
    unsigned char **out, size_t *out_n)
{
	sj_err e = {0};

	assert_int_equal(crypt_seal(keys, cls, p, n, out, out_n, &e), SJ_OK);
	assert_non_null(*out);
	assert_int_equal(*out_n, n + 41);
}

static void
test_seal_round_trip(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = create_and_load(f->path);
	static const char bin[] = { 'a', '\0', 'b', '\xff' };
	unsigned char *s1, *s2;
	size_t n1, n2, pn;
	char *plain;
	sj_err e = {0};

	seal_ok(keys, ID_CLASS, "11010519491231002X", 18, &s1, &n1);
	assert_int_equal(n1, 18 + 1 + 24 + 16);
	assert_int_equal(s1[0], 1);
	assert_int_equal(crypt_open(keys, ID_CLASS, s1, n1, &plain, &pn, &e),
	    SJ_OK);
	assert_int_equal(pn, 18);
	assert_string_equal(plain, "11010519491231002X");  /* NUL-terminated */
	free(plain);
	/* A new nonce each time: the same plaintext seals differently. */
	seal_ok(keys, ID_CLASS, "11010519491231002X", 18, &s2, &n2);
	assert_memory_not_equal(s1, s2, n1);
	assert_memory_not_equal(s1 + 1, s2 + 1, 24);
	free(s1);
	free(s2);
	/* Empty plaintext. */
	seal_ok(keys, "person.note", NULL, 0, &s1, &n1);
	assert_int_equal(crypt_open(keys, "person.note", s1, n1, &plain, &pn,
	    &e), SJ_OK);
	assert_int_equal(pn, 0);
	assert_string_equal(plain, "");
	free(plain);
	free(s1);
	/* Bytes, including NUL and 0xff, and UTF-8 text. */
	seal_ok(keys, "x.bin", bin, sizeof bin, &s1, &n1);
	assert_int_equal(crypt_open(keys, "x.bin", s1, n1, &plain, &pn, &e),
	    SJ_OK);
	assert_int_equal(pn, sizeof bin);
	assert_memory_equal(plain, bin, sizeof bin);
	assert_int_equal(plain[pn], '\0');
	free(plain);
	free(s1);
	seal_ok(keys, "person.name", "欧阳娜娜", strlen("欧阳娜娜"), &s1, &n1);
	assert_int_equal(crypt_open(keys, "person.name", s1, n1, &plain, &pn,
	    &e), SJ_OK);
	assert_string_equal(plain, "欧阳娜娜");
	free(plain);
	free(s1);
	crypt_keys_free(keys);
}

static void
test_seal_format(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = load_kat(f);
	unsigned char k1[32], nonce[24], *s, built[1 + 24 + 5 + 16];
	unsigned char m[8];
	unsigned long long mlen;
	size_t n, pn;
	char *plain;
	sj_err e = {0};

	unhex(KAT_SUB1, k1, sizeof k1);
	/* crypt_seal's output opens with plain libsodium under subkey 1. */
	seal_ok(keys, ID_CLASS, "hello", 5, &s, &n);
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen,
	    NULL, s + 25, n - 25, (const unsigned char *)ID_CLASS,
	    strlen(ID_CLASS), s + 1, k1), 0);
	assert_int_equal(mlen, 5);
	assert_memory_equal(m, "hello", 5);
	free(s);
	/* A value built by hand: 0x01 || nonce || AEAD(k1, ad = class). */
	for (size_t i = 0; i < sizeof nonce; i++)
		nonce[i] = (unsigned char)(0xa0 + i);
	built[0] = 1;
	memcpy(built + 1, nonce, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(built + 25, NULL,
	    (const unsigned char *)"world", 5, (const unsigned char *)ID_CLASS,
	    strlen(ID_CLASS), NULL, nonce, k1);
	assert_int_equal(crypt_open(keys, ID_CLASS, built, sizeof built, &plain,
	    &pn, &e), SJ_OK);
	assert_int_equal(pn, 5);
	assert_string_equal(plain, "world");
	free(plain);
	crypt_keys_free(keys);
}

/* crypt_open must fail with SJ_EDB and the documented message. */
static void
open_fails_auth(const crypt_keys *keys, const char *cls,
    const unsigned char *s, size_t n, const char *msg)
{
	char *plain = (char *)1;
	size_t pn = 99;
	sj_err e = {0};

	assert_int_equal(crypt_open(keys, cls, s, n, &plain, &pn, &e), SJ_EDB);
	assert_null(plain);
	assert_int_equal(pn, 0);
	assert_string_equal(e.field, cls);
	assert_string_equal(e.msg, msg);
}

static void
test_open_rejects_tampering(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = create_and_load(f->path);
	unsigned char *s, *longer;
	size_t n;

	seal_ok(keys, ID_CLASS, "11010519491231002X", 18, &s, &n);
	/* Flip one bit anywhere after the version byte: nonce, ciphertext or
	 * tag.  Every one must fail authentication. */
	for (size_t i = 1; i < n; i++) {
		s[i] ^= 0x01;
		open_fails_auth(keys, ID_CLASS, s, n, AUTH_FAIL);
		s[i] ^= 0x01;
	}
	open_fails_auth(keys, ID_CLASS, s, n - 1, AUTH_FAIL);  /* truncated */
	longer = malloc(n + 1);
	assert_non_null(longer);
	memcpy(longer, s, n);
	longer[n] = 0;
	open_fails_auth(keys, ID_CLASS, longer, n + 1, AUTH_FAIL);
	free(longer);
	free(s);
	crypt_keys_free(keys);
}

static void
test_open_rejects_other_class_and_key(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = create_and_load(f->path);
	crypt_keys *other = create_and_load(f->path2);
	unsigned char *s;
	size_t n;

	seal_ok(keys, ID_CLASS, "11010519491231002X", 18, &s, &n);
	/* moved to another column */
	open_fails_auth(keys, "person.mobile", s, n, "cannot decrypt "
	    "person.mobile: wrong key or corrupted data");
	open_fails_auth(keys, "person.id_numbe", s, n, "cannot decrypt "
	    "person.id_numbe: wrong key or corrupted data");
	/* opened under another key file */
	open_fails_auth(other, ID_CLASS, s, n, AUTH_FAIL);
	free(s);
	crypt_keys_free(other);
	crypt_keys_free(keys);
}

static void
test_open_rejects_bad_format(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = create_and_load(f->path);
	unsigned char *s;
	size_t n, pn;
	char *plain;
	sj_err e = {0};

	seal_ok(keys, ID_CLASS, "x", 1, &s, &n);
	s[0] = 2;
	assert_int_equal(crypt_open(keys, ID_CLASS, s, n, &plain, &pn, &e),
	    SJ_EINVAL);
	assert_string_equal(e.msg, "unknown sealed format version 2");
	assert_null(plain);
	s[0] = 0;
	assert_int_equal(crypt_open(keys, ID_CLASS, s, n, &plain, &pn, &e),
	    SJ_EINVAL);
	assert_string_equal(e.msg, "unknown sealed format version 0");
	s[0] = 1;
	assert_int_equal(crypt_open(keys, ID_CLASS, s, 40, &plain, &pn, &e),
	    SJ_EINVAL);
	assert_string_equal(e.msg, "sealed value of 40 bytes is too short");
	assert_int_equal(crypt_open(keys, ID_CLASS, NULL, 0, &plain, &pn, &e),
	    SJ_EINVAL);
	assert_string_equal(e.msg, "sealed value of 0 bytes is too short");
	assert_string_equal(e.field, ID_CLASS);
	/* 41 bytes is a valid length (empty plaintext) but a forged tag. */
	open_fails_auth(keys, ID_CLASS, s, 41, AUTH_FAIL);
	free(s);
	crypt_keys_free(keys);
}

static void
test_seal_too_big(void **state)
{
	struct fixture *f = *state;
	crypt_keys *keys = create_and_load(f->path);
	unsigned char *s = (unsigned char *)1;
	size_t n = 99;
	sj_err e = {0};

	assert_int_equal(crypt_seal(keys, ID_CLASS, "", SIZE_MAX, &s, &n, &e),
	    SJ_ETOOBIG);
	assert_null(s);
	assert_int_equal(n, 0);
	assert_string_equal(e.field, ID_CLASS);
	crypt_keys_free(keys);
}

/* ---- hashes and tokens ------------------------------------------------- */

static void
test_lookup_hash(void **state)
{
	struct fixture *f = *state;
	unsigned char a[32], b[32];
	crypt_keys *k1 = create_and_load(f->path);
	crypt_keys *k1again = load_ok(f->path);
	crypt_keys *k2 = create_and_load(f->path2);

	/* deterministic, also across loads of the same file */
	crypt_lookup_hash(k1, ID_CLASS, "11010519491231002X", a);
	crypt_lookup_hash(k1again, ID_CLASS, "11010519491231002X", b);
	assert_memory_equal(a, b, 32);
	/* another class */
	crypt_lookup_hash(k1, "person.passport", "11010519491231002X", b);
	assert_memory_not_equal(a, b, 32);
	/* another value */
	crypt_lookup_hash(k1, ID_CLASS, "370983198801011237", b);
	assert_memory_not_equal(a, b, 32);
	/* another key file */
	crypt_lookup_hash(k2, ID_CLASS, "11010519491231002X", b);
	assert_memory_not_equal(a, b, 32);
	/* the 0x00 separator: ("ab", "c") is not ("a", "bc") */
	crypt_lookup_hash(k1, "ab", "c", a);
	crypt_lookup_hash(k1, "a", "bc", b);
	assert_memory_not_equal(a, b, 32);
	crypt_keys_free(k2);
	crypt_keys_free(k1again);
	crypt_keys_free(k1);
}

static void
test_token_hash(void **state)
{
	struct fixture *f = *state;
	unsigned char a[32], b[32];
	crypt_keys *k1 = create_and_load(f->path);
	crypt_keys *k2 = create_and_load(f->path2);

	crypt_token_hash(k1, "tok", a);
	crypt_token_hash(k1, "tok", b);
	assert_memory_equal(a, b, 32);
	crypt_token_hash(k1, "tok2", b);
	assert_memory_not_equal(a, b, 32);
	crypt_token_hash(k2, "tok", b);
	assert_memory_not_equal(a, b, 32);
	/* The token key is not the look-up key, nor the signing seed. */
	assert_memory_not_equal(crypt_keys_token_key(k1),
	    crypt_keys_sign_seed(k1), 32);
	crypt_keys_free(k2);
	crypt_keys_free(k1);
}

static void
test_random_token(void **state)
{
	char a[CRYPT_TOKEN_SIZE], b[CRYPT_TOKEN_SIZE], small[43] = "zz";

	(void)state;
	assert_int_equal(crypt_random_token(a, sizeof a), SJ_OK);
	assert_int_equal(crypt_random_token(b, sizeof b), SJ_OK);
	/* 32 bytes = 256 bits; base64 without padding: ceil(256 / 6) = 43 */
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
	assert_int_equal(crypt_random_token(small, sizeof small), SJ_EINTERNAL);
	assert_string_equal(small, "");
	assert_int_equal(crypt_random_token(NULL, 0), SJ_EINTERNAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init),
		T(test_create_writes_key_file),
		T(test_create_keys_differ),
		T(test_create_refuses_overwrite),
		T(test_create_missing_dir),
		T(test_load_created),
		T(test_load_refuses_open_permissions),
		T(test_load_missing_and_not_regular),
		T(test_load_malformed),
		T(test_derivation_known_answers),
		T(test_seal_round_trip),
		T(test_seal_format),
		T(test_open_rejects_tampering),
		T(test_open_rejects_other_class_and_key),
		T(test_open_rejects_bad_format),
		T(test_seal_too_big),
		T(test_lookup_hash),
		T(test_token_hash),
		T(test_random_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
