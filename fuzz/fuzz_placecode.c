/*
 * fuzz_placecode — placecode_token_of() and placecode_token_valid()
 * (domain/placecode.h): the reading of a place-code token from what a
 * phone scanned or a person typed at the self check-in page.
 * Contract checked: a token found is exactly PLACECODE_TOKEN_LEN characters
 * of base64url and is either the whole input or the last segment of a
 * "scheme://.../c/<token>[/]" URL; nothing found leaves out empty; a valid
 * input is its own token; the token's URL (placecode_url) reads back to the
 * same token.
 */
#include "fuzz/fuzz.h"

#include "core/arena.h"
#include "domain/placecode.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static bool
b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), out[CRYPT_TOKEN_SIZE], again[CRYPT_TOKEN_SIZE];
	size_t n = strlen(text);
	bool valid = placecode_token_valid(text);
	arena a;

	if (valid)
		FUZZ_REQUIRE(n == PLACECODE_TOKEN_LEN);
	if (placecode_token_of(text, out)) {
		FUZZ_REQUIRE(strlen(out) == PLACECODE_TOKEN_LEN && placecode_token_valid(out));
		for (size_t i = 0; i < PLACECODE_TOKEN_LEN; i++)
			FUZZ_REQUIRE(b64url(out[i]));
		if (strstr(text, "://") == NULL) {
			FUZZ_REQUIRE(strcmp(out, text) == 0);
		} else {
			size_t m = n - (text[n - 1] == '/');
			FUZZ_REQUIRE(m >= PLACECODE_TOKEN_LEN + 3);
			FUZZ_REQUIRE(memcmp(text + m - PLACECODE_TOKEN_LEN - 3, "/c/", 3) == 0);
			FUZZ_REQUIRE(memcmp(text + m - PLACECODE_TOKEN_LEN, out,
			    PLACECODE_TOKEN_LEN) == 0);
		}
		arena_init(&a);
		FUZZ_REQUIRE(placecode_token_of(placecode_url(&a, "https://sijin.example/x/", out),
		    again) && strcmp(again, out) == 0);
		arena_free(&a);
	} else {
		FUZZ_REQUIRE(out[0] == '\0');
		FUZZ_REQUIRE(!valid);
	}
	free(text);
	return 0;
}
