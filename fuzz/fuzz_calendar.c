/*
 * fuzz_calendar — calendar_parse() (domain/calendar.h), the parser of the
 * working-day calendar file (`sijin calendar load`, docs/calendar.md).
 * Contract checked: on success every year is in 1900..2200, its days lie
 * inside it, sorted, none twice, and calendar_check_year() (the API's check
 * of the same shape) accepts each year; failures carry a code of the
 * header (SJ_EINVAL or SJ_ETOOBIG) and a message.
 */
#include "fuzz/fuzz.h"

#include "core/arena.h"
#include "core/datetime.h"
#include "domain/calendar.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static calendar_load ld;  /* large; one per process is enough */
	arena a;
	sj_err e = {0};
	int y, m, d;

	arena_init(&a);
	memset(&ld, 0, sizeof ld);
	if (calendar_parse((const char *)data, size, &a, &ld, &e) != SJ_OK) {
		FUZZ_REQUIRE((e.rc == SJ_EINVAL || e.rc == SJ_ETOOBIG) && e.msg[0] != '\0');
		goto out;
	}
	for (size_t i = 0; i < ld.n_years; i++) {
		calendar_year *cy = &ld.years[i];

		FUZZ_REQUIRE(cy->year >= 1900 && cy->year <= 2200);
		for (size_t j = 0; j < cy->n_days; j++) {
			dt_date_to_ymd(cy->days[j].day, &y, &m, &d);
			FUZZ_REQUIRE(y == cy->year);
			FUZZ_REQUIRE(j == 0 || cy->days[j - 1].day < cy->days[j].day);
		}
		FUZZ_REQUIRE(calendar_check_year(cy, &e) == SJ_OK);
	}
out:
	arena_free(&a);
	return 0;
}
