/*
 * crypt — the key file, subkey derivation, sealing of personal data, and
 * keyed hashes, on libsodium.
 *
 * Invariants: key material lives only in sodium_malloc'd memory (made
 * read-only once derived) or in stack buffers wiped with sodium_memzero
 * before return; the key file is created exclusively with mode 0600 and
 * never rewritten; a sealed value is version || nonce || ciphertext+tag.
 */
#include "core/crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/fsync.h"

#define F_KEY "key_file"

#define KEY_PREFIX     "sijin-key-v1 "
#define KEY_PREFIX_LEN (sizeof KEY_PREFIX - 1)
#define KEY_HEX_LEN    (2 * CRYPT_KEY_BYTES)
#define KEY_LINE_LEN   (KEY_PREFIX_LEN + KEY_HEX_LEN + 1)  /* 78 */

/* crypto_kdf context: exactly crypto_kdf_CONTEXTBYTES characters. */
static const char kdf_context[crypto_kdf_CONTEXTBYTES + 1] = "sijinkey";

/* Subkey ids: part of the stored-data format (crypt.h); never renumber. */
enum subkey_id {
	SUBKEY_AEAD = 1,
	SUBKEY_LOOKUP = 2,
	SUBKEY_SIGN = 3,
	SUBKEY_TOKEN = 4
};

_Static_assert(CRYPT_KEY_BYTES == crypto_kdf_KEYBYTES, "master key size");
_Static_assert(CRYPT_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "AEAD key size");
_Static_assert(CRYPT_KEY_BYTES == crypto_generichash_KEYBYTES, "hash key");
_Static_assert(CRYPT_SEED_BYTES == crypto_sign_SEEDBYTES, "seed size");
_Static_assert(CRYPT_NONCE_BYTES ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(CRYPT_TAG_BYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
    "tag size");
_Static_assert(CRYPT_SEAL_OVERHEAD == 1 + CRYPT_NONCE_BYTES + CRYPT_TAG_BYTES,
    "seal overhead");
_Static_assert(CRYPT_TOKEN_SIZE == sodium_base64_ENCODED_LEN(32,
    sodium_base64_VARIANT_URLSAFE_NO_PADDING), "token size");

struct crypt_keys {
	unsigned char aead[CRYPT_KEY_BYTES];
	unsigned char lookup[CRYPT_KEY_BYTES];
	unsigned char sign_seed[CRYPT_SEED_BYTES];
	unsigned char token[CRYPT_KEY_BYTES];
};

sj_rc
crypt_init(sj_err *err)
{
	if (sodium_init() < 0)
		return sj_fail(err, SJ_EINTERNAL, NULL,
		    "libsodium could not be initialised");
	return SJ_OK;
}

/* ---- creating the key file -------------------------------------------- */

/* Write all n bytes of buf to fd, retrying short writes and EINTR. */
static int
write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Fill line[KEY_LINE_LEN + 1] with a new key file line. */
static void
key_line_new(char line[KEY_LINE_LEN + 1])
{
	unsigned char key[CRYPT_KEY_BYTES];

	crypto_kdf_keygen(key);
	memcpy(line, KEY_PREFIX, KEY_PREFIX_LEN);
	sodium_bin2hex(line + KEY_PREFIX_LEN, KEY_HEX_LEN + 1, key, sizeof key);
	line[KEY_LINE_LEN - 1] = '\n';
	line[KEY_LINE_LEN] = '\0';
	sodium_memzero(key, sizeof key);
}

/* Write line to the new file fd and make it durable. */
static sj_rc
key_file_write(int fd, const char *path, const char *line, sj_err *err)
{
	const char *what = NULL;

	if (fchmod(fd, 0600) != 0)  /* exact, whatever the umask */
		what = "set the mode of";
	else if (write_all(fd, line, KEY_LINE_LEN) != 0)
		what = "write";
	else if (fsync(fd) != 0)
		what = "fsync";
	if (what != NULL)
		return sj_fail(err, SJ_EIO, F_KEY, "cannot %s key file %s: %s",
		    what, path, strerror(errno));
	return SJ_OK;
}

sj_rc
crypt_key_create(const char *path, sj_err *err)
{
	char line[KEY_LINE_LEN + 1];
	int fd = -1;
	sj_rc rc;

	if ((rc = crypt_init(err)) != SJ_OK)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0 && errno == EEXIST)
		return sj_fail(err, SJ_ECONFLICT, F_KEY, "key file %s already "
		    "exists; a key file is never overwritten", path);
	if (fd < 0)
		return sj_fail(err, SJ_EIO, F_KEY,
		    "cannot create key file %s: %s", path, strerror(errno));
	key_line_new(line);
	if ((rc = key_file_write(fd, path, line, err)) != SJ_OK)
		goto out;
	if (close(fd) != 0 || sj_sync_dir(path) != 0)
		rc = sj_fail(err, SJ_EIO, F_KEY, "cannot save key file %s: %s",
		    path, strerror(errno));
	fd = -1;
out:
	sodium_memzero(line, sizeof line);
	if (fd >= 0)
		close(fd);
	if (rc != SJ_OK)
		unlink(path);  /* we created it: leave no half-written key */
	return rc;
}

/* ---- loading the key file ---------------------------------------------- */

static sj_rc
key_file_open(const char *path, int *fd, sj_err *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT)
		return sj_fail(err, SJ_ECONFIG, F_KEY, "key file %s does not "
		    "exist; create it with sijin init", path);
	if (*fd < 0)
		return sj_fail(err, SJ_EIO, F_KEY, "cannot open key file %s: %s",
		    path, strerror(errno));
	if (fstat(*fd, &st) != 0)
		return sj_fail(err, SJ_EIO, F_KEY, "cannot stat key file %s: %s",
		    path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sj_fail(err, SJ_ECONFIG, F_KEY,
		    "key file %s is not a regular file", path);
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return sj_fail(err, SJ_ECONFIG, F_KEY, "key file %s is "
		    "accessible by group or others (mode %04o); run chmod 600 "
		    "%s", path, (unsigned)(st.st_mode & 07777), path);
	return SJ_OK;
}

/* Read up to cap bytes of fd into buf; *n is the count.  Reading stops at
 * end of file or when buf is full. */
static int
read_upto(int fd, char *buf, size_t cap, size_t *n)
{
	ssize_t r;

	*n = 0;
	while (*n < cap) {
		r = read(fd, buf + *n, cap - *n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return 0;
}

static bool
lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Check a key file's bytes; NULL when well-formed, else what is wrong. */
static const char *
key_line_problem(const char *buf, size_t n)
{
	size_t i;

	if (n < KEY_PREFIX_LEN || memcmp(buf, KEY_PREFIX, KEY_PREFIX_LEN) != 0)
		return "it does not start with \"" KEY_PREFIX "\"";
	for (i = KEY_PREFIX_LEN; i < n && lower_hex(buf[i]); i++)
		;
	if (i != KEY_PREFIX_LEN + KEY_HEX_LEN || i >= n || buf[i] != '\n')
		return "the key is not 64 lowercase hex digits and a newline";
	if (n != KEY_LINE_LEN)
		return "there is data after the first line";
	return NULL;
}

static int
hex_value(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Read, check and decode the master key from the open key file. */
static sj_rc
key_file_read(int fd, const char *path, unsigned char *master, sj_err *err)
{
	char buf[KEY_LINE_LEN + 1];  /* one more: detects a longer file */
	const char *problem;
	size_t n;
	sj_rc rc = SJ_OK;

	if (read_upto(fd, buf, sizeof buf, &n) != 0) {
		rc = sj_fail(err, SJ_EIO, F_KEY, "cannot read key file %s: %s",
		    path, strerror(errno));
		goto out;
	}
	if ((problem = key_line_problem(buf, n)) != NULL) {
		rc = sj_fail(err, SJ_ECONFIG, F_KEY,
		    "key file %s is malformed: %s", path, problem);
		goto out;
	}
	for (size_t i = 0; i < CRYPT_KEY_BYTES; i++)
		master[i] = (unsigned char)(hex_value(buf[KEY_PREFIX_LEN + 2 * i])
		    << 4 | hex_value(buf[KEY_PREFIX_LEN + 2 * i + 1]));
out:
	sodium_memzero(buf, sizeof buf);
	return rc;
}

/* Derive every subkey of master into a new read-only crypt_keys. */
static crypt_keys *
keys_derive(const unsigned char *master)
{
	crypt_keys *k = sodium_malloc(sizeof *k);

	if (k == NULL)
		sj_oom(sizeof *k);
	crypto_kdf_derive_from_key(k->aead, sizeof k->aead, SUBKEY_AEAD,
	    kdf_context, master);
	crypto_kdf_derive_from_key(k->lookup, sizeof k->lookup, SUBKEY_LOOKUP,
	    kdf_context, master);
	crypto_kdf_derive_from_key(k->sign_seed, sizeof k->sign_seed,
	    SUBKEY_SIGN, kdf_context, master);
	crypto_kdf_derive_from_key(k->token, sizeof k->token, SUBKEY_TOKEN,
	    kdf_context, master);
	sodium_mprotect_readonly(k);
	return k;
}

sj_rc
crypt_keys_load(const char *path, crypt_keys **keys, sj_err *err)
{
	unsigned char *master = NULL;
	int fd = -1;
	sj_rc rc;

	*keys = NULL;
	if ((rc = crypt_init(err)) != SJ_OK)
		goto out;
	if ((rc = key_file_open(path, &fd, err)) != SJ_OK)
		goto out;
	if ((master = sodium_malloc(CRYPT_KEY_BYTES)) == NULL)
		sj_oom(CRYPT_KEY_BYTES);
	if ((rc = key_file_read(fd, path, master, err)) != SJ_OK)
		goto out;
	*keys = keys_derive(master);
out:
	sodium_free(master);  /* wipes it; accepts NULL */
	if (fd >= 0)
		close(fd);
	return rc;
}

void
crypt_keys_free(crypt_keys *keys)
{
	sodium_free(keys);  /* wipes, and accepts NULL */
}

const unsigned char *
crypt_keys_sign_seed(const crypt_keys *keys)
{
	return keys->sign_seed;
}

const unsigned char *
crypt_keys_token_key(const crypt_keys *keys)
{
	return keys->token;
}

/* ---- sealing ----------------------------------------------------------- */

sj_rc
crypt_seal(const crypt_keys *keys, const char *data_class,
    const void *plaintext, size_t n, unsigned char **out, size_t *out_n,
    sj_err *err)
{
	unsigned char *sealed, *nonce;

	*out = NULL;
	*out_n = 0;
	if (n > SIZE_MAX - CRYPT_SEAL_OVERHEAD ||
	    n > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		return sj_fail(err, SJ_ETOOBIG, data_class,
		    "value of %zu bytes is too large to encrypt", n);
	sealed = sj_malloc(n + CRYPT_SEAL_OVERHEAD);
	sealed[0] = CRYPT_SEAL_VERSION;
	nonce = sealed + 1;
	randombytes_buf(nonce, CRYPT_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + CRYPT_NONCE_BYTES,
	    NULL, plaintext, n, (const unsigned char *)data_class,
	    strlen(data_class), NULL, nonce, keys->aead);
	*out = sealed;
	*out_n = n + CRYPT_SEAL_OVERHEAD;
	return SJ_OK;
}

sj_rc
crypt_open(const crypt_keys *keys, const char *data_class,
    const unsigned char *sealed, size_t n, char **out, size_t *out_n,
    sj_err *err)
{
	const unsigned char *nonce;
	size_t plain_n;
	char *plain;

	*out = NULL;
	*out_n = 0;
	if (n > 0 && sealed[0] != CRYPT_SEAL_VERSION)
		return sj_fail(err, SJ_EINVAL, data_class,
		    "unknown sealed format version %u", (unsigned)sealed[0]);
	if (n < CRYPT_SEAL_OVERHEAD)
		return sj_fail(err, SJ_EINVAL, data_class,
		    "sealed value of %zu bytes is too short", n);
	nonce = sealed + 1;
	plain_n = n - CRYPT_SEAL_OVERHEAD;
	plain = sj_malloc(plain_n + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain,
	    NULL, NULL, nonce + CRYPT_NONCE_BYTES, n - 1 - CRYPT_NONCE_BYTES,
	    (const unsigned char *)data_class, strlen(data_class), nonce,
	    keys->aead) != 0) {
		free(plain);
		return sj_fail(err, SJ_EDB, data_class, "cannot decrypt %s: "
		    "wrong key or corrupted data", data_class);
	}
	plain[plain_n] = '\0';
	*out = plain;
	*out_n = plain_n;
	return SJ_OK;
}

/* ---- hashes and tokens -------------------------------------------------- */

void
crypt_lookup_hash(const crypt_keys *keys, const char *data_class,
    const char *value, unsigned char out[CRYPT_HASH_BYTES])
{
	crypto_generichash_state st;

	/* The 0x00 separator cannot occur in data_class, so (class, value)
	 * pairs never collide by moving bytes across the boundary. */
	crypto_generichash_init(&st, keys->lookup, sizeof keys->lookup,
	    CRYPT_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)data_class,
	    strlen(data_class) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value,
	    strlen(value));
	crypto_generichash_final(&st, out, CRYPT_HASH_BYTES);
	sodium_memzero(&st, sizeof st);
}

void
crypt_token_hash(const crypt_keys *keys, const char *token,
    unsigned char out[CRYPT_HASH_BYTES])
{
	crypto_generichash(out, CRYPT_HASH_BYTES, (const unsigned char *)token,
	    strlen(token), keys->token, sizeof keys->token);
}

sj_rc
crypt_random_token(char *out, size_t n)
{
	unsigned char bytes[32];

	if (n > 0)
		out[0] = '\0';
	if (n < CRYPT_TOKEN_SIZE || crypt_init(NULL) != SJ_OK)
		return SJ_EINTERNAL;
	randombytes_buf(bytes, sizeof bytes);
	sodium_bin2base64(out, n, bytes, sizeof bytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bytes, sizeof bytes);
	return SJ_OK;
}
