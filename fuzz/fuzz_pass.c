/*
 * fuzz_pass — pass payload verification (domain/pass.h): the text read
 * from a scanned QR code, checked without the database.
 * Two halves, chosen by the first byte:
 *  - any text through pass_decode() and pass_verify(): a verdict of the
 *    enum, never PASS_VALID for text this key did not sign (the fuzzer
 *    cannot forge Ed25519), and a zeroed claim when not verified;
 *  - a claim made from the input's bytes through pass_encode() and back:
 *    an accepted claim decodes to itself (PASS_VALID), and any one byte of
 *    its text changed is never accepted as a different claim.
 * The key is a fixed one written to a temporary key file at start, so a
 * crash reproduces.
 */
#include "fuzz/fuzz.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypt.h"
#include "domain/pass.h"

static crypt_keys *keys;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char line[] = "sijin-key-v1 "
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
	char dir[] = "/tmp/sijin-fuzz-XXXXXX", path[64];
	sj_err e = {0};
	int fd;

	(void)argc, (void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/key", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1))
		abort();
	close(fd);
	if (crypt_keys_load(path, &keys, &e) != SJ_OK) {
		fprintf(stderr, "fuzz_pass: %s\n", e.msg);
		abort();
	}
	unlink(path);
	rmdir(dir);
	return 0;
}

static int64_t
take(const uint8_t **p, size_t *n, int bytes)
{
	int64_t v = 0;

	for (int i = 0; i < bytes && *n > 0; i++, (*p)++, (*n)--)
		v = (v << 8) | **p;
	return v;
}

static void
check_round_trip(const uint8_t *data, size_t size)
{
	char text[PASS_TEXT_MAX];
	pass_claim c, back;
	sj_err e = {0};
	size_t at;

	c.person_id = take(&data, &size, 4) - 8;
	c.place_id = take(&data, &size, 3) - 8;
	c.valid_from = (sj_date)(take(&data, &size, 3) - 8);
	c.valid_to = c.valid_from + (sj_date)(take(&data, &size, 2) - 8);
	c.serial = take(&data, &size, 4) - 8;
	if (pass_encode(keys, &c, text, sizeof text, &e) != SJ_OK) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL);
		return;
	}
	FUZZ_REQUIRE(pass_text_is_pass(text));
	FUZZ_REQUIRE(pass_decode(keys, text, &back) == PASS_VALID);
	FUZZ_REQUIRE(memcmp(&back, &c, sizeof c) == 0);
	if (size == 0 || strlen(text) == 0)
		return;
	at = take(&data, &size, 1) % strlen(text);
	text[at] = (char)(text[at] ^ (take(&data, &size, 1) | 1));
	if (pass_decode(keys, text, &back) == PASS_VALID)
		FUZZ_REQUIRE(memcmp(&back, &c, sizeof c) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pass_claim c;
	pass_verdict v;
	char *text;

	if (size > 0 && data[0] == 'E') {
		check_round_trip(data + 1, size - 1);
		return 0;
	}
	text = fuzz_cstr(data, size);
	memset(&c, 0xa5, sizeof c);
	v = pass_decode(keys, text, &c);
	FUZZ_REQUIRE(v == PASS_VALID || v == PASS_MALFORMED || v == PASS_FORGED);
	if (v != PASS_VALID)
		FUZZ_REQUIRE(c.person_id == 0 && c.serial == 0);
	v = pass_verify(keys, NULL, text, 18341, 1, NULL);
	FUZZ_REQUIRE(pass_verdict_code(v) != NULL);
	free(text);
	return 0;
}
