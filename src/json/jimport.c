/*
 * jimport — JSON forms of bulk import (jimport.h).
 */
#include "json/jimport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "json/jerror.h"

/* s as a JSON string.  A reject's detail may quote bytes of the input that
 * are not UTF-8 (a check-in file is read as bytes), or a value cut at 40
 * bytes inside a character ('%.40s'); Jansson refuses such a string, and
 * the reject would go missing from the report: invalid bytes become
 * U+FFFD (text_utf8_repair). */
static json_t *
text_json(const char *s)
{
	json_t *j = json_string(s);
	char *fixed;

	if (j != NULL)
		return j;
	fixed = text_utf8_repair(s);
	j = json_string(fixed);
	free(fixed);
	return j;
}

json_t *
jimport_report(const import_report *r, bool dry_run)
{
	json_t *by = json_object(), *rejects = json_array();

	for (size_t i = 0; i < r->n_by_field; i++)
		json_object_set_new(by, r->by_field[i].field, json_integer(r->by_field[i].n));
	for (size_t i = 0; i < r->n_rejects; i++)
		json_array_append_new(rejects, json_pack("{s:I, s:o, s:o}",
		    "line", (json_int_t)r->rejects[i].line, "field", text_json(r->rejects[i].field),
		    "detail", text_json(r->rejects[i].msg)));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o, s:b}",
	    "rows", (json_int_t)r->rows, "accepted", (json_int_t)r->accepted,
	    "duplicates", (json_int_t)r->duplicates, "rejected", (json_int_t)r->rejected,
	    "stays", (json_int_t)r->stays, "alerts", (json_int_t)r->alerts,
	    "batches", (json_int_t)r->batches, "dry_run", dry_run,
	    "rejected_by_field", by, "rejects", rejects,
	    "rejects_truncated", r->rejected > (int64_t)r->n_rejects);
}

/* ---- NDJSON ------------------------------------------------------------------------- */

/* The text of a scalar JSON value into buf (n bytes); NULL for null or a
 * blank string, with *ok false for another type. */
static const char *
scalar_text(json_t *v, char *buf, size_t n, bool *ok)
{
	*ok = true;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (json_string_length(v) >= n) {
			*ok = false;
			return NULL;
		}
		snprintf(buf, n, "%s", json_string_value(v));
		return buf[0] ? buf : NULL;
	case JSON_INTEGER:
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, n, "%.10g", json_real_value(v));
		return buf;
	case JSON_NULL:
		return NULL;
	default:
		*ok = false;
		return NULL;
	}
}

/* One NDJSON object as a ledger row; false (and *why) for a bad value. */
static bool
ndjson_row(json_t *obj, ledger_row *row, char cells[][LEDGER_FIELD_MAX + 1], sj_err *why)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		ledger_column c = ledger_column_of(key);
		bool ok;
		if (c == LEDGER_IGNORED)
			continue;
		row->has[c] = true;
		row->v[c] = scalar_text(v, cells[c], LEDGER_FIELD_MAX + 1, &ok);
		if (!ok) {
			sj_fail(why, SJ_EINVAL, ledger_column_name(c), "must be a string of at most %d "
			    "bytes or a number", LEDGER_FIELD_MAX);
			return false;
		}
	}
	return true;
}

sj_rc
jimport_ndjson(const char *s, size_t n, ledger_row_fn row_fn, ledger_bad_fn bad_fn, void *cls,
    sj_err *e)
{
	char (*cells)[LEDGER_FIELD_MAX + 1] = sj_malloc(LEDGER_COL__COUNT * sizeof *cells);
	const char *line = s, *end = s + n;
	int64_t lineno = 0;
	sj_rc rc = SJ_OK;

	for (; line < end && rc == SJ_OK; line++) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		ledger_row row = { .line = ++lineno };
		json_error_t jerr;
		sj_err why = {0};
		json_t *obj;
		if (strspn(line, " \t\r") >= len) {
			line += len;
			continue;
		}
		obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
		if (obj == NULL || !json_is_object(obj)) {
			sj_fail(&why, SJ_EINVAL, "row", obj ? "is not a JSON object" : "is not JSON: %s",
			    jerror_text(&jerr));
			bad_fn(cls, row.line, &why);
		} else if (!ndjson_row(obj, &row, cells, &why))
			bad_fn(cls, row.line, &why);
		else
			rc = row_fn(cls, &row, e);
		json_decref(obj);
		line += len;
	}
	free(cells);
	return rc;
}

/* ---- a ledger into an import ----------------------------------------------------------- */

typedef struct feed {
	scan_import *im;
	int64_t default_checkpoint;
} feed;

static sj_rc
feed_row(void *cls, const ledger_row *row, sj_err *e)
{
	feed *f = cls;
	const char *name, *mobile;
	scan_input in;
	sj_err why = {0};

	if (ledger_row_input(row, f->default_checkpoint, &in, &name, &mobile, &why) != SJ_OK) {
		scan_import_reject(f->im, row->line, &why);
		return SJ_OK;
	}
	return scan_import_add(f->im, row->line, &in, name, mobile, e);
}

static void
feed_bad(void *cls, int64_t line, const sj_err *why)
{
	feed *f = cls;

	scan_import_reject(f->im, line, why);
}

sj_rc
jimport_ledger(const char *bytes, size_t n, ledger_format fmt, int64_t default_checkpoint,
    scan_import *im, sj_err *e)
{
	feed f = { .im = im, .default_checkpoint = default_checkpoint };
	ledger_encoding enc;
	size_t text_n;
	char *text;
	sj_rc rc;

	if ((rc = ledger_decode(bytes, n, &text, &text_n, &enc, e)) != SJ_OK)
		return rc;
	if (fmt == LEDGER_AUTO)
		fmt = text[strspn(text, " \t\r\n")] == '{' ? LEDGER_NDJSON : LEDGER_CSV;
	if (fmt == LEDGER_NDJSON && enc == LEDGER_GB18030)
		rc = sj_fail(e, SJ_EINVAL, "file", "NDJSON must be UTF-8 (RFC 8259)");
	else if (fmt == LEDGER_NDJSON)
		rc = jimport_ndjson(text, text_n, feed_row, feed_bad, &f, e);
	else
		rc = ledger_parse_csv(text, text_n, feed_row, feed_bad, &f, e);
	free(text);
	return rc;
}
