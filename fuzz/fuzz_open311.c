/*
 * fuzz_open311 — the Open311 GeoReport v2 parsers of outside input
 * (http/open311_form.h): an application/x-www-form-urlencoded body or
 * query string, and the values of the list query's service_request_id,
 * status, start_date and end_date parameters, as http/open311.c reads them.
 * Contract checked: a parsed form has at most OPEN311_PARAMS_MAX pairs,
 * each name and value NUL-terminated UTF-8 (names without control
 * characters) no longer than the input; form_get finds the first of a name
 * or refuses a repeated one; parsed ids are 1..10^15−1, at most the max;
 * status gives -1, 0 or 1; every failure is SJ_EINVAL with a field and a
 * message.
 */
#include "fuzz/fuzz.h"

#include "core/datetime.h"
#include "core/text.h"
#include "http/open311_form.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static void
require_failure(const sj_err *e)
{
	FUZZ_REQUIRE(e->rc == SJ_EINVAL && e->field[0] != '\0' && e->msg[0] != '\0');
}

/* The list query's parameters, each as open311.c reads it. */
static void
values(arena *a, const open311_form *fm)
{
	static const char *const names[] = { "service_request_id", "status", "start_date",
	    "end_date", "jurisdiction_id" };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const char *v;
		sj_err e = {0};
		if (open311_form_get(fm, names[k], &v, &e) != SJ_OK) {
			require_failure(&e);
			continue;
		}
		if (v == NULL)
			continue;
		if (k == 0) {
			int64_t *ids;
			size_t n;
			if (open311_ids_parse(a, v, 1000, &ids, &n, &e) == SJ_OK) {
				FUZZ_REQUIRE(n >= 1 && n <= 1000 && ids != NULL);
				for (size_t i = 0; i < n; i++)
					FUZZ_REQUIRE(ids[i] >= 1 && ids[i] < INT64_C(1000000000000000));
			} else
				require_failure(&e);
		} else if (k == 1) {
			int open = 7;
			if (open311_status_parse(v, &open, &e) == SJ_OK)
				FUZZ_REQUIRE(open >= -1 && open <= 1);
			else
				require_failure(&e);
		} else if (k < 4) {
			int64_t t;
			if (dt_parse_rfc3339(v, names[k], &t, &e) != SJ_OK)
				require_failure(&e);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	open311_form fm;
	sj_err e = {0};
	arena a;

	arena_init(&a);
	if (open311_form_parse(&a, (const char *)data, size, &fm, &e) == SJ_OK) {
		FUZZ_REQUIRE(fm.n <= OPEN311_PARAMS_MAX);
		for (size_t i = 0; i < fm.n; i++) {
			size_t nn = strlen(fm.p[i].name), nv = strlen(fm.p[i].value);
			FUZZ_REQUIRE(nn <= size && nv <= size);
			FUZZ_REQUIRE(text_check_utf8(fm.p[i].name, nn, "n", TEXT_NO_CONTROL, NULL) == SJ_OK);
			FUZZ_REQUIRE(text_check_utf8(fm.p[i].value, nv, "v", TEXT_NO_NUL, NULL) == SJ_OK);
		}
		values(&a, &fm);
	} else
		require_failure(&e);
	arena_free(&a);
	return 0;
}
