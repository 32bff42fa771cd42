/*
 * sheet — the cell writer of sheet.h over libcsv and libxlsxwriter.
 *
 * The writer is the only place that turns values into cells, so the
 * rules of sheet.h (formula neutralising, text ids, date cells, worksheet
 * overflow) hold for every export.
 */
#include "domain/sheet.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define TITLE_MAX 31   /* characters of an Excel worksheet name */

struct sheet {
	int format;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date_fmt, *time_fmt, *tenths_fmt;
	uint32_t cap;            /* data rows a worksheet holds */
	char title[4 * TITLE_MAX + 1];
	const sheet_column *cols;
	int n_cols;
	int n_tables;
	int n_parts;             /* worksheets of the current table */
	int n_worksheets;
	uint32_t row;            /* XLSX: next row of the current worksheet */
	int col;                 /* next column of the current row */
	int64_t rows;            /* data rows written */
	bool failed;
};

int
sheet_format_parse(const char *s)
{
	if (s && strcmp(s, "csv") == 0)
		return SHEET_CSV;
	if (s && strcmp(s, "xlsx") == 0)
		return SHEET_XLSX;
	return -1;
}

const char *
sheet_format_mime(int format)
{
	return format == SHEET_XLSX
	    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	    : "text/csv; charset=utf-8";
}

const char *
sheet_format_ext(int format)
{
	return format == SHEET_XLSX ? "xlsx" : "csv";
}

/* True when text would start a formula in a spreadsheet. */
static bool
formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	    s[0] == '\r';
}

static void
csv_field(sheet *sh, const char *s, size_t n)
{
	if (sh->col++ > 0 && fputc(',', sh->csv) == EOF)
		sh->failed = true;
	if (csv_fwrite(sh->csv, s, n) != 0)
		sh->failed = true;
}

/* Copy at most max characters of UTF-8 s into out (size ≥ 4·max + 1),
 * never cutting a character; '[]:*?/\' (refused in worksheet names)
 * become '_'. */
static void
title_copy(char *out, const char *s, int max)
{
	size_t o = 0;
	int chars = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && chars < max; chars++) {
		size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;

		for (size_t i = 0; i < len && p[i]; i++)
			out[o++] = strchr("[]:*?/\\", p[i]) && p[i] < 0x80 ? '_' : (char)p[i];
		p += strnlen((const char *)p, len);
	}
	out[o] = '\0';
}

/* Start a new XLSX worksheet of the current table with the header row. */
static void
xlsx_new_worksheet(sheet *sh)
{
	char name[4 * TITLE_MAX + 16], suffix[16];

	sh->n_parts++;
	sh->n_worksheets++;
	if (sh->n_parts == 1) {
		snprintf(name, sizeof name, "%s", sh->title);
	} else {
		snprintf(suffix, sizeof suffix, " (%d)", sh->n_parts);
		title_copy(name, sh->title, TITLE_MAX - (int)strlen(suffix));
		strcat(name, suffix);
	}
	if ((sh->ws = workbook_add_worksheet(sh->wb, name)) == NULL) {
		sh->failed = true;
		return;
	}
	for (int c = 0; c < sh->n_cols; c++) {
		worksheet_set_column(sh->ws, (lxw_col_t)c, (lxw_col_t)c, sh->cols[c].width, NULL);
		worksheet_write_string(sh->ws, 0, (lxw_col_t)c, sh->cols[c].header, NULL);
	}
	worksheet_freeze_panes(sh->ws, 1, 0);
	sh->row = 1;
}

/* True when an XLSX cell may be written: a worksheet that is full is
 * continued on a new one only when a cell of a further row comes, so a
 * table never ends with a worksheet holding the header alone. */
static bool
xlsx_ready(sheet *sh)
{
	if (!sh->failed && sh->col == 0 && sh->row > sh->cap)
		xlsx_new_worksheet(sh);
	return !sh->failed && sh->ws != NULL;
}

static void
cell_raw_text(sheet *sh, const char *s)
{
	if (sh->format == SHEET_CSV)
		csv_field(sh, s, strlen(s));
	else if (!xlsx_ready(sh) ||
	    worksheet_write_string(sh->ws, sh->row, (lxw_col_t)sh->col++, s, NULL) != LXW_NO_ERROR)
		sh->failed = true;
}

static void
cell_empty(sheet *sh)
{
	if (sh->format == SHEET_CSV)
		csv_field(sh, "", 0);
	else if (xlsx_ready(sh))
		sh->col++;
}

void
sheet_text(sheet *sh, const char *s)
{
	char *quoted;
	size_t n;

	if (s == NULL || *s == '\0') {
		cell_empty(sh);
		return;
	}
	if (!formula_like(s)) {
		cell_raw_text(sh, s);
		return;
	}
	n = strlen(s);
	quoted = sj_malloc(n + 2);
	quoted[0] = '\'';
	memcpy(quoted + 1, s, n + 1);
	cell_raw_text(sh, quoted);
	free(quoted);
}

void
sheet_id(sheet *sh, int64_t id)
{
	char buf[24];

	if (id == 0) {
		cell_empty(sh);
		return;
	}
	snprintf(buf, sizeof buf, "%lld", (long long)id);
	sheet_text(sh, buf);
}

void
sheet_int(sheet *sh, int64_t v)
{
	char buf[24];

	if (sh->format == SHEET_CSV) {
		snprintf(buf, sizeof buf, "%lld", (long long)v);
		csv_field(sh, buf, strlen(buf));
	} else if (!xlsx_ready(sh) || worksheet_write_number(sh->ws, sh->row,
	    (lxw_col_t)sh->col++, (double)v, NULL) != LXW_NO_ERROR)
		sh->failed = true;
}

void
sheet_tenths(sheet *sh, int64_t tenths)
{
	char buf[32];
	uint64_t m = tenths < 0 ? 0 - (uint64_t)tenths : (uint64_t)tenths;

	if (sh->format == SHEET_CSV) {
		/* in integers: no binary fraction can print 37.6 as 37.599... */
		snprintf(buf, sizeof buf, "%s%llu.%llu", tenths < 0 ? "-" : "",
		    (unsigned long long)(m / 10), (unsigned long long)(m % 10));
		csv_field(sh, buf, strlen(buf));
	} else if (!xlsx_ready(sh) || worksheet_write_number(sh->ws, sh->row,
	    (lxw_col_t)sh->col++, (double)tenths / 10.0, sh->tenths_fmt) != LXW_NO_ERROR)
		sh->failed = true;
}

void
sheet_date(sheet *sh, sj_date d)
{
	char buf[DT_DATE_LEN];
	lxw_datetime dt = {0};

	if (d == SHEET_DATE_NONE) {
		cell_empty(sh);
		return;
	}
	dt_date_format(d, buf);
	if (sh->format == SHEET_CSV) {
		csv_field(sh, buf, strlen(buf));
		return;
	}
	dt_date_to_ymd(d, &dt.year, &dt.month, &dt.day);
	if (!xlsx_ready(sh) || worksheet_write_datetime(sh->ws, sh->row,
	    (lxw_col_t)sh->col++, &dt, sh->date_fmt) != LXW_NO_ERROR)
		sh->failed = true;
}

void
sheet_instant(sheet *sh, int64_t t)
{
	char buf[DT_RFC3339_LEN], text[20];
	lxw_datetime dt;
	int y, mo, d, h, mi, s;

	if (t == 0) {
		cell_empty(sh);
		return;
	}
	dt_format_rfc3339(t, buf);  /* "2020-03-18T16:00:00+08:00": local wall time */
	if (sscanf(buf, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
		cell_raw_text(sh, buf);
		return;
	}
	if (sh->format == SHEET_CSV) {
		snprintf(text, sizeof text, "%.10s %.5s", buf, buf + 11);
		csv_field(sh, text, strlen(text));
		return;
	}
	dt = (lxw_datetime){ .year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = s };
	if (!xlsx_ready(sh) || worksheet_write_datetime(sh->ws, sh->row,
	    (lxw_col_t)sh->col++, &dt, sh->time_fmt) != LXW_NO_ERROR)
		sh->failed = true;
}

sj_rc
sheet_row_end(sheet *sh, sj_err *e)
{
	sh->rows++;
	sh->col = 0;
	if (sh->format == SHEET_CSV) {
		if (fputs("\r\n", sh->csv) == EOF)
			sh->failed = true;
	} else {
		sh->row++;
	}
	return sh->failed ? sj_fail(e, SJ_EIO, "out", "the export file could not be written")
	    : SJ_OK;
}

int64_t
sheet_rows(const sheet *sh)
{
	return sh->rows;
}

int
sheet_worksheets(const sheet *sh)
{
	return sh->n_worksheets;
}

sj_rc
sheet_open(int format, const char *path, uint32_t rows_per_sheet, sheet **out, sj_err *e)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	sheet *sh;

	*out = NULL;
	if (format != SHEET_CSV && format != SHEET_XLSX)
		return sj_fail(e, SJ_EINVAL, "format", "use csv or xlsx");
	sh = sj_calloc(1, sizeof *sh);
	sh->format = format;
	sh->cap = rows_per_sheet == 0 || rows_per_sheet > SHEET_ROWS_MAX ? SHEET_ROWS_MAX
	    : rows_per_sheet;
	if (format == SHEET_CSV) {
		if ((sh->csv = fopen(path, "wb")) == NULL) {
			free(sh);
			return sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
		}
		if (fputs("\xef\xbb\xbf", sh->csv) == EOF)  /* UTF-8 byte order mark */
			sh->failed = true;
	} else {
		if ((sh->wb = workbook_new_opt(path, &opt)) == NULL) {
			free(sh);
			return sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
		}
		sh->date_fmt = workbook_add_format(sh->wb);
		format_set_num_format(sh->date_fmt, "yyyy-mm-dd");
		sh->time_fmt = workbook_add_format(sh->wb);
		format_set_num_format(sh->time_fmt, "yyyy-mm-dd hh:mm");
		sh->tenths_fmt = workbook_add_format(sh->wb);
		format_set_num_format(sh->tenths_fmt, "0.0");
	}
	*out = sh;
	return SJ_OK;
}

sj_rc
sheet_table(sheet *sh, const char *title, const sheet_column *cols, int n_cols, sj_err *e)
{
	if (sh->format == SHEET_CSV && sh->n_tables > 0)
		return sj_fail(e, SJ_EINVAL, "ledger", "a CSV file holds one ledger; choose one");
	sh->n_tables++;
	sh->cols = cols;
	sh->n_cols = n_cols;
	sh->col = 0;
	if (sh->format == SHEET_CSV) {
		for (int c = 0; c < n_cols; c++)
			cell_raw_text(sh, cols[c].header);
		if (fputs("\r\n", sh->csv) == EOF)
			sh->failed = true;
		sh->col = 0;
	} else {
		title_copy(sh->title, title, TITLE_MAX);
		sh->n_parts = 0;
		xlsx_new_worksheet(sh);
	}
	return sh->failed ? sj_fail(e, SJ_EIO, "out", "the export file could not be written")
	    : SJ_OK;
}

sj_rc
sheet_close(sheet *sh, const char *path, sj_rc rc, sj_err *e)
{
	lxw_error lx = LXW_NO_ERROR;

	if (sh == NULL)
		return rc;
	if (sh->format == SHEET_CSV) {
		if (fclose(sh->csv) != 0)
			sh->failed = true;
	} else {
		/* a workbook without a worksheet is not a valid file */
		if (sh->n_worksheets == 0)
			workbook_add_worksheet(sh->wb, NULL);
		lx = workbook_close(sh->wb);
	}
	if (rc == SJ_OK && lx != LXW_NO_ERROR)
		rc = sj_fail(e, SJ_EIO, "out", "cannot write %s: %s", path, lxw_strerror(lx));
	else if (rc == SJ_OK && sh->failed)
		rc = sj_fail(e, SJ_EIO, "out", "cannot write %s", path);
	free(sh);
	return rc;
}
