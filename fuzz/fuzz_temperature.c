/*
 * fuzz_temperature — screening_temp_parse() (domain/screening.h), the
 * parser of a temperature typed at a checkpoint or sent in a scan body.
 * Contract checked: success gives °C × 10 within [SCREEN_TEMP_MIN,
 * SCREEN_TEMP_MAX] that formats and parses back to itself; failure is
 * SJ_EINVAL on field "temperature" with a message.
 */
#include "fuzz/fuzz.h"

#include "domain/screening.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), shown[8];
	sj_err e = {0};
	int c10 = -1, again = -1;

	if (screening_temp_parse(text, &c10, &e) == SJ_OK) {
		FUZZ_REQUIRE(c10 >= SCREEN_TEMP_MIN && c10 <= SCREEN_TEMP_MAX);
		screening_temp_format(c10, shown);
		FUZZ_REQUIRE(screening_temp_parse(shown, &again, &e) == SJ_OK && again == c10);
	} else {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && strcmp(e.field, "temperature") == 0);
		FUZZ_REQUIRE(e.msg[0] != '\0');
	}
	free(text);
	return 0;
}
