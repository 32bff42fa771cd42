/*
 * crypt — encryption of personal data at rest, keyed look-up hashes, and
 * the key file they come from (libsodium).  docs/keys.md explains the key
 * file to operators.
 *
 * One 32-byte master key lives in a key file.  Loading it derives
 * independent subkeys (crypto_kdf_derive_from_key, context "sijinkey");
 * the subkey ids are part of the stored-data format and never change:
 *   1  AEAD key for crypt_seal / crypt_open (XChaCha20-Poly1305-IETF)
 *   2  key of the look-up hash (keyed BLAKE2b, crypt_lookup_hash)
 *   3  Ed25519 signing seed (crypt_keys_sign_seed)
 *   4  key of the session / API token hash (crypt_token_hash)
 * The master key itself is wiped as soon as the subkeys are derived.
 *
 * A loaded crypt_keys is read-only and may be shared between threads.
 */
#ifndef SJ_CRYPT_H
#define SJ_CRYPT_H

#include <stddef.h>

#include "core/err.h"

/* Sizes, in bytes. */
#define CRYPT_KEY_BYTES   32  /* master key and every subkey */
#define CRYPT_SEED_BYTES  32  /* Ed25519 seed, crypto_sign_SEEDBYTES */
#define CRYPT_HASH_BYTES  32  /* look-up and token hashes */
#define CRYPT_NONCE_BYTES 24  /* XChaCha20 nonce */
#define CRYPT_TAG_BYTES   16  /* Poly1305 tag */
/* A sealed value is CRYPT_SEAL_OVERHEAD bytes longer than its plaintext:
 * version (1) + nonce (24) + tag (16). */
#define CRYPT_SEAL_OVERHEAD 41
#define CRYPT_SEAL_VERSION  1
/* A random token: 43 URL-safe base64 characters and the NUL. */
#define CRYPT_TOKEN_SIZE 44

/* The loaded subkeys (opaque; in sodium_malloc'd, read-only memory). */
typedef struct crypt_keys crypt_keys;

/*
 * Initialise libsodium (sodium_init).  Safe to call more than once and
 * from several threads; crypt_key_create, crypt_keys_load and
 * crypt_random_token call it themselves.
 * Returns SJ_OK, or SJ_EINTERNAL "libsodium could not be initialised"
 * (e.g. no source of randomness).
 */
sj_rc crypt_init(sj_err *err);

/*
 * Create a new key file at path holding a fresh random master key.
 * The file is created with O_CREAT|O_EXCL (an existing file, or a symbolic
 * link, is never overwritten), mode 0600 whatever the umask, and holds
 * exactly one line of 78 bytes:
 *     "sijin-key-v1 " <64 lowercase hex digits> "\n"
 * It is fsync'd, and so is its directory, before SJ_OK is returned.
 * Errors (field "key_file"):
 *   SJ_ECONFLICT  "key file <path> already exists; a key file is never
 *                 overwritten"
 *   SJ_EIO        "cannot create key file <path>: <strerror>", or a write
 *                 or fsync failure (the partial file is removed)
 *   SJ_EINTERNAL  libsodium could not be initialised
 */
sj_rc crypt_key_create(const char *path, sj_err *err);

/*
 * Load the key file at path and derive the subkeys into *keys, which the
 * caller frees with crypt_keys_free().  *keys is NULL on failure.
 * The file must be a regular file that neither group nor others may
 * read, write or execute (mode 0600 or 0400), holding exactly the line
 * crypt_key_create writes.
 * Errors (field "key_file"):
 *   SJ_ECONFIG  "key file <path> does not exist; create it with sijin
 *               init"; "key file <path> is not a regular file"; "key file
 *               <path> is accessible by group or others (mode 0644); run
 *               chmod 600 <path>"; "key file <path> is malformed: <what>"
 *               where <what> is "it does not start with \"sijin-key-v1 \"",
 *               "the key is not 64 lowercase hex digits and a newline" or
 *               "there is data after the first line"
 *   SJ_EIO      the file cannot be opened (other than missing) or read
 *   SJ_EINTERNAL libsodium could not be initialised
 */
sj_rc crypt_keys_load(const char *path, crypt_keys **keys, sj_err *err);

/* Wipe and free keys (sodium_free).  Accepts NULL. */
void crypt_keys_free(crypt_keys *keys);

/*
 * The 32-byte (CRYPT_SEED_BYTES) Ed25519 seed for crypto_sign_seed_keypair
 * (subkey 3).  Owned by keys: valid until crypt_keys_free, read-only.
 */
const unsigned char *crypt_keys_sign_seed(const crypt_keys *keys);

/*
 * The 32-byte (CRYPT_KEY_BYTES) key for hashing session and API tokens
 * (subkey 4), as used by crypt_token_hash.  Owned by keys: valid until
 * crypt_keys_free, read-only.
 */
const unsigned char *crypt_keys_token_key(const crypt_keys *keys);

/*
 * Encrypt n bytes of plaintext for storage in the column named by
 * data_class (e.g. "person.id_number"), with XChaCha20-Poly1305-IETF
 * (libsodium crypto_aead_xchacha20poly1305_ietf) under subkey 1.
 * data_class is the additional data: a value sealed for one class does not
 * open as another, so ciphertexts cannot be moved between columns.
 * *out receives a malloc'd buffer of *out_n = n + CRYPT_SEAL_OVERHEAD
 * bytes: version byte CRYPT_SEAL_VERSION (1) || 24-byte random nonce ||
 * ciphertext and 16-byte tag.  The caller frees *out with free().
 * Sealing the same plaintext twice gives different outputs (new nonce).
 * plaintext may be NULL when n is 0.
 * Returns SJ_OK; SJ_ETOOBIG (field data_class) when n is so large that the
 * output size would overflow.  *out is NULL and *out_n 0 on failure.
 */
sj_rc crypt_seal(const crypt_keys *keys, const char *data_class,
    const void *plaintext, size_t n, unsigned char **out, size_t *out_n,
    sj_err *err);

/*
 * Decrypt a value sealed by crypt_seal for the same data_class.
 * *out receives a malloc'd buffer of *out_n + 1 bytes: the *out_n bytes
 * of plaintext followed by a NUL, so that text can be used as a string.
 * The caller frees *out with free().
 * Errors (field data_class); *out is NULL and *out_n 0 on failure:
 *   SJ_EINVAL  "unknown sealed format version 2" (first byte is not 1);
 *              "sealed value of 12 bytes is too short" (under 41 bytes)
 *   SJ_EDB     "cannot decrypt person.id_number: wrong key or corrupted
 *              data" — authentication failed: the bytes were changed, were
 *              sealed for another class, or under another key.
 */
sj_rc crypt_open(const crypt_keys *keys, const char *data_class,
    const unsigned char *sealed, size_t n, char **out, size_t *out_n,
    sj_err *err);

/*
 * The look-up hash of a normalised value (e.g. a canonical identity
 * number), for exact-match search without decrypting: keyed BLAKE2b-256
 * (libsodium crypto_generichash, RFC 7693) under subkey 2 over
 *     data_class || 0x00 || value
 * (value without its NUL).  The same inputs always give the same 32 bytes
 * (CRYPT_HASH_BYTES) in out; another data_class, value or key file gives
 * another hash.  Callers must normalise value first (ident_*_normalise).
 */
void crypt_lookup_hash(const crypt_keys *keys, const char *data_class,
    const char *value, unsigned char out[CRYPT_HASH_BYTES]);

/*
 * The hash stored in place of a session or API token: keyed BLAKE2b-256
 * under subkey 4 over the token's bytes (without the NUL), into out
 * (CRYPT_HASH_BYTES).  Deterministic, so a presented token is found by
 * hashing it again.
 */
void crypt_token_hash(const crypt_keys *keys, const char *token,
    unsigned char out[CRYPT_HASH_BYTES]);

/*
 * Write a new random token into out[n]: 32 bytes from the system CSPRNG
 * (randombytes_buf) in URL-safe base64 without padding (RFC 4648 §5,
 * sodium_bin2base64 URLSAFE_NO_PADDING): 43 characters of A-Z a-z 0-9 - _
 * and a NUL.  n must be at least CRYPT_TOKEN_SIZE (44).
 * Returns SJ_OK; SJ_EINTERNAL when n is too small (out is "" when n > 0)
 * or libsodium cannot be initialised.
 */
sj_rc crypt_random_token(char *out, size_t n);

#endif
