/*
 * fuzz_import — the bulk import parsers (docs/import.md): ledger_decode
 * (UTF-8 / BOM / GB18030), ledger_parse_csv (libcsv) and jimport_ndjson
 * (jansson) over the decoded text, and ledger_row_input on every row.
 * Contract checked: a decoded text is valid UTF-8 without NUL, NUL-
 * terminated at its length, and a BOM file decodes to its bytes after the
 * mark; a file-level failure is SJ_EINVAL on field "file"; every row's line
 * is ≥ 2 (the header is line 1) and never goes back; a row's cells are
 * valid UTF-8 of at most LEDGER_FIELD_MAX bytes; ledger_row_input succeeds
 * with a checkpoint ≥ 1, a direction in or out and a temperature 0 or in
 * range, or fails with SJ_EINVAL naming one of the row's fields.
 */
#include "fuzz/fuzz.h"

#include "core/datetime.h"
#include "core/text.h"
#include "domain/scan_ledger.h"
#include "domain/screening.h"
#include "json/jimport.h"

typedef struct seen {
	int64_t last_line;
	int n_rows, n_bad;
} seen;

static bool
known_field(const char *f)
{
	for (int c = 0; c < LEDGER_COL__COUNT; c++)
		if (strcmp(f, ledger_column_name((ledger_column)c)) == 0)
			return true;
	return false;
}

static sj_rc
on_row(void *cls, const ledger_row *row, sj_err *e)
{
	seen *s = cls;
	const char *name, *mobile;
	scan_input in;
	sj_err why = {0};

	(void)e;
	FUZZ_REQUIRE(row->line >= 1 && row->line >= s->last_line);
	s->last_line = row->line;
	s->n_rows++;
	for (int c = 0; c < LEDGER_COL__COUNT; c++)
		if (row->v[c]) {
			size_t n = strlen(row->v[c]);
			FUZZ_REQUIRE(row->has[c] && n > 0 && n <= LEDGER_FIELD_MAX);
			FUZZ_REQUIRE(text_check_utf8(row->v[c], n, NULL, 0, NULL) == SJ_OK);
		}
	if (ledger_row_input(row, 0, &in, &name, &mobile, &why) == SJ_OK) {
		FUZZ_REQUIRE(in.checkpoint_id >= 1);
		FUZZ_REQUIRE(in.direction == SCAN_IN || in.direction == SCAN_OUT);
		FUZZ_REQUIRE(in.temperature == 0 || (in.temperature >= SCREEN_TEMP_MIN &&
		    in.temperature <= SCREEN_TEMP_MAX));
		FUZZ_REQUIRE(name == row->v[LEDGER_NAME] && mobile == row->v[LEDGER_MOBILE]);
	} else {
		FUZZ_REQUIRE(why.rc == SJ_EINVAL && known_field(why.field) && why.msg[0]);
	}
	return SJ_OK;
}

static void
on_bad(void *cls, int64_t line, const sj_err *why)
{
	seen *s = cls;

	FUZZ_REQUIRE(line >= 1 && why->rc == SJ_EINVAL && why->field[0] && why->msg[0]);
	s->n_bad++;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return dt_zone_set("Asia/Shanghai", NULL) == SJ_OK ? 0 : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bytes = (const char *)data;
	ledger_encoding enc;
	seen csv = {0}, nd = {0};
	char *text;
	size_t n;
	sj_err e = {0};

	if (ledger_decode(bytes, size, &text, &n, &enc, &e) != SJ_OK) {
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && strcmp(e.field, "file") == 0);
		return 0;
	}
	FUZZ_REQUIRE(text[n] == '\0' && strlen(text) == n);
	FUZZ_REQUIRE(text_check_utf8(text, n, NULL, TEXT_NO_NUL, NULL) == SJ_OK);
	if (enc == LEDGER_UTF8_BOM)
		FUZZ_REQUIRE(n == size - 3 && memcmp(text, bytes + 3, n) == 0);
	if (enc == LEDGER_UTF8)
		FUZZ_REQUIRE(n == size && memcmp(text, bytes, n) == 0);
	sj_err_clear(&e);
	if (ledger_parse_csv(text, n, on_row, on_bad, &csv, &e) != SJ_OK)
		FUZZ_REQUIRE(e.rc == SJ_EINVAL && strcmp(e.field, "file") == 0);
	sj_err_clear(&e);
	FUZZ_REQUIRE(jimport_ndjson(text, n, on_row, on_bad, &nd, &e) == SJ_OK);
	free(text);
	return 0;
}
