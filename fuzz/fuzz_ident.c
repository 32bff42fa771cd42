/*
 * fuzz_ident — the identity-number and phone-number parsers of
 * core/ident.h: ident_id_normalise() (GB 11643-1999 resident identity
 * numbers) and ident_phone_normalise() (mainland-China phone numbers), the
 * two identity fields every registration, scan and search takes.
 * Contract checked: a canonical identity number is 18 characters, is
 * accepted again unchanged, has a birth date and masks; a canonical phone
 * number (without an extension) is accepted again unchanged, and its national and masked forms
 * are produced (the national form is accepted again and gives the same
 * number).  Failures are SJ_EINVAL with the field and a message.
 */
#include "fuzz/fuzz.h"

#include "core/ident.h"

/* A fixed "today" (YYYYMMDD) so that a crash reproduces on any day. */
#define FUZZ_TODAY 20200320

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static void
check_id(const char *s)
{
	char id[IDENT_ID_SIZE], again[IDENT_ID_SIZE], masked[IDENT_ID_SIZE];
	sj_err e = {0};

	if (ident_id_normalise(s, FUZZ_TODAY, id, &e) != SJ_OK) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && e.msg[0] != '\0');
		return;
	}
	FUZZ_REQUIRE(strlen(id) == 18);
	FUZZ_REQUIRE(ident_id_normalise(id, FUZZ_TODAY, again, &e) == SJ_OK);
	FUZZ_REQUIRE(strcmp(id, again) == 0);
	FUZZ_REQUIRE(ident_id_birth_date(id) != 0);
	FUZZ_REQUIRE(ident_id_birth_date(id) <= FUZZ_TODAY);
	FUZZ_REQUIRE(ident_id_mask(id, masked, sizeof masked, &e) == SJ_OK);
}

static void
check_phone(const char *s)
{
	char phone[IDENT_PHONE_SIZE], again[IDENT_PHONE_SIZE], shown[IDENT_PHONE_SIZE];
	sj_err e = {0};

	if (ident_phone_normalise(s, "mobile", phone, &e) != SJ_OK) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && strcmp(e.field, "mobile") == 0);
		return;
	}
	/* The canonical form with an extension ("+861012345678;ext=123") is
	 * not input the parser takes (";" is refused; ident.h promises only
	 * the national form back), so only numbers without one re-parse. */
	if (strchr(phone, ';') == NULL) {
		FUZZ_REQUIRE(ident_phone_normalise(phone, "mobile", again, &e) == SJ_OK);
		FUZZ_REQUIRE(strcmp(phone, again) == 0);
	}
	FUZZ_REQUIRE(ident_phone_mask(phone, "mobile", shown, sizeof shown, &e) == SJ_OK);
	FUZZ_REQUIRE(ident_phone_national(phone, "mobile", shown, sizeof shown, &e) == SJ_OK);
	FUZZ_REQUIRE(ident_phone_normalise(shown, "mobile", again, &e) == SJ_OK);
	FUZZ_REQUIRE(strcmp(phone, again) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_id(s);
	check_phone(s);
	free(s);
	return 0;
}
