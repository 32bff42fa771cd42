/*
 * fuzz_json_body — jb_read() (http/jbody.h), the decoder of every JSON
 * request body, over what jansson parses from the input (the server does
 * the same: json_loadb, then jb_read with the route's field table).
 * The field table has one field of every jb_type, required and optional,
 * as the API's tables do.  Contract checked: success fills every required
 * field (strings non-NULL; a one-line string without control characters
 * but tab, ids ≥ 1, booleans 0/1, arrays within their
 * maximum); failure is SJ_EINVAL naming a field.
 */
#include "fuzz/fuzz.h"

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "http/jbody.h"

typedef struct body {
	const char *name;      /* JB_STRING, required */
	const char *note;      /* JB_TEXT */
	int64_t quantity;      /* JB_INT */
	int done;              /* JB_BOOL */
	int64_t unit_id;       /* JB_ID, required */
	int64_t place_id;      /* JB_ID, optional */
	sj_date due;           /* JB_DATE */
	int64_t at;            /* JB_INSTANT */
	const char **tags;     /* JB_STRINGS */
	size_t n_tags;
} body;

static const jb_field body_fields[] = {
	{ "name", JB_STRING, true, offsetof(body, name), 0, 0 },
	{ "note", JB_TEXT, false, offsetof(body, note), 0, 0 },
	{ "quantity", JB_INT, false, offsetof(body, quantity), 0, 0 },
	{ "done", JB_BOOL, false, offsetof(body, done), 0, 0 },
	{ "unit_id", JB_ID, true, offsetof(body, unit_id), 0, 0 },
	{ "place_id", JB_ID, false, offsetof(body, place_id), 0, 0 },
	{ "due", JB_DATE, false, offsetof(body, due), 0, 0 },
	{ "at", JB_INSTANT, false, offsetof(body, at), 0, 0 },
	{ "tags", JB_STRINGS, false, offsetof(body, tags), offsetof(body, n_tags), 4 },
	{ NULL, 0, 0, 0, 0, 0 },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return dt_zone_set("Asia/Shanghai", NULL) == SJ_OK ? 0 : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	body b = { .place_id = 0 };
	arena a;
	sj_err e = {0};

	if (j == NULL)
		return 0;
	arena_init(&a);
	if (json_is_object(j) && jb_read(j, body_fields, &b, &a, &e) == SJ_OK) {
		FUZZ_REQUIRE(b.name != NULL);
		FUZZ_REQUIRE(b.unit_id >= 1);
		FUZZ_REQUIRE(b.place_id == 0 || b.place_id >= 1);
		FUZZ_REQUIRE(b.done == 0 || b.done == 1);
		FUZZ_REQUIRE(b.n_tags <= 4);
		for (size_t i = 0; i < b.n_tags; i++)
			FUZZ_REQUIRE(b.tags[i] != NULL);
		/* One-line strings keep tab only (core/text.h TEXT_SINGLE_LINE). */
		for (const char *p = b.name; *p; p++)
			FUZZ_REQUIRE(((unsigned char)*p >= 0x20 || *p == '\t') && *p != 0x7f);
	} else if (json_is_object(j)) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && e.field[0] != '\0' && e.msg[0] != '\0');
	}
	arena_free(&a);
	json_decref(j);
	return 0;
}
