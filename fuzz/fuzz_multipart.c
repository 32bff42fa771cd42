/*
 * fuzz_multipart — multipart_file() (http/multipart.h): the one file of a
 * multipart/form-data upload (the photo of a code).  The input's first
 * line is the Content-Type, the rest the body (not NUL-terminated: the
 * parser takes a length).
 * Contract checked: a part found lies inside the body, is not preceded
 * by anything the body does not hold, and a second call on the same body
 * finds the same bytes; a failure is SJ_EINVAL naming "Content-Type",
 * "body", "photo" or a printable ASCII field of under 64 bytes, with a
 * message.
 */
#include "fuzz/fuzz.h"

#include "http/multipart.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - data) : size;
	char *ctype = fuzz_cstr(data, head);
	size_t n = nl ? size - head - 1 : 0;
	char *body = malloc(n ? n : 1);
	const char *part = NULL, *again = NULL;
	size_t part_n = 0, again_n = 0;
	sj_err e = {0};

	if (body == NULL)
		abort();
	memcpy(body, nl ? nl + 1 : data, n);
	if (multipart_file(ctype, body, n, "photo", &part, &part_n, &e) == SJ_OK) {
		FUZZ_REQUIRE(part >= body && part + part_n <= body + n);
		FUZZ_REQUIRE(multipart_file(ctype, body, n, "photo", &again, &again_n, &e) == SJ_OK);
		FUZZ_REQUIRE(again == part && again_n == part_n);
	} else {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && e.msg[0] != '\0' && e.field[0] != '\0');
		FUZZ_REQUIRE(part == NULL && strlen(e.field) < 64);
		for (const char *f = e.field; *f; f++)
			FUZZ_REQUIRE(*f >= 0x20 && *f < 0x7f);
	}
	free(body);
	free(ctype);
	return 0;
}
