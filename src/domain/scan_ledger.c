/*
 * scan_ledger — encodings, CSV rows and their fields (scan_ledger.h).
 *
 * The CSV text is read by core/csvrec.h (libcsv, with the line where
 * each row starts, even when a quoted cell holds line breaks or blank
 * lines come between rows).  Cells are copied into a per-row buffer; a row's columns are
 * mapped through the header's column table.
 */
#include "domain/scan_ledger.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/csvrec.h"
#include "core/datetime.h"
#include "core/text.h"
#include "domain/org.h"   /* ORG_NAME_MAX */
#include "domain/screening.h"

/* ---- columns -------------------------------------------------------------------- */

static const struct {
	const char *header;
	ledger_column col;
} headers[] = {
	{ "检查点", LEDGER_CHECKPOINT }, { "卡口", LEDGER_CHECKPOINT },
	{ "检查点编号", LEDGER_CHECKPOINT }, { "checkpoint", LEDGER_CHECKPOINT },
	{ "checkpoint_id", LEDGER_CHECKPOINT },
	{ "人员编号", LEDGER_PERSON }, { "person", LEDGER_PERSON }, { "person_id", LEDGER_PERSON },
	{ "身份证号", LEDGER_ID_NUMBER }, { "身份证号码", LEDGER_ID_NUMBER },
	{ "身份证", LEDGER_ID_NUMBER }, { "证件号码", LEDGER_ID_NUMBER },
	{ "id_number", LEDGER_ID_NUMBER },
	{ "姓名", LEDGER_NAME }, { "name", LEDGER_NAME },
	{ "电话", LEDGER_MOBILE }, { "手机", LEDGER_MOBILE }, { "手机号", LEDGER_MOBILE },
	{ "手机号码", LEDGER_MOBILE }, { "联系电话", LEDGER_MOBILE }, { "mobile", LEDGER_MOBILE },
	{ "phone", LEDGER_MOBILE },
	{ "时间", LEDGER_TIME }, { "登记时间", LEDGER_TIME }, { "扫码时间", LEDGER_TIME },
	{ "日期时间", LEDGER_TIME }, { "time", LEDGER_TIME }, { "at", LEDGER_TIME },
	{ "方向", LEDGER_DIRECTION }, { "进出", LEDGER_DIRECTION },
	{ "direction", LEDGER_DIRECTION },
	{ "体温", LEDGER_TEMPERATURE }, { "温度", LEDGER_TEMPERATURE },
	{ "temperature", LEDGER_TEMPERATURE }, { "temp", LEDGER_TEMPERATURE },
};

static const char *const column_names[LEDGER_COL__COUNT] = {
	"checkpoint", "person", "id_number", "name", "mobile", "time", "direction", "temperature",
};

/* s without leading and trailing spaces, tabs and ideographic spaces
 * (U+3000, which Chinese input methods type), in place. */
static char *
trim(char *s)
{
	char *end;

	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	end = s + strlen(s);
	for (;;) {
		if (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		else if (end - s >= 3 && strncmp(end - 3, "\xe3\x80\x80", 3) == 0)
			end -= 3;
		else
			break;
	}
	*end = '\0';
	return s;
}

ledger_column
ledger_column_of(const char *header)
{
	char buf[64];
	const char *h;

	if (strlen(header) >= sizeof buf)
		return LEDGER_IGNORED;
	strcpy(buf, header);
	h = trim(buf);
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		if (strcasecmp(headers[i].header, h) == 0)
			return headers[i].col;
	return LEDGER_IGNORED;
}

const char *
ledger_column_name(ledger_column c)
{
	return (int)c >= 0 && c < LEDGER_COL__COUNT ? column_names[c] : "?";
}

/* ---- encodings -------------------------------------------------------------------- */

static sj_rc
from_gb18030(const char *bytes, size_t n, char **out, size_t *out_n, sj_err *e)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = 2 * n + 16, in_left = n, out_left = cap;
	char *buf, *in = (char *)bytes, *o;
	sj_rc rc = SJ_OK;

	if (cd == (iconv_t)-1)
		return sj_fail(e, SJ_EINTERNAL, "file", "iconv cannot convert from GB18030: %s",
		    strerror(errno));
	buf = o = sj_malloc(cap + 1);
	while (in_left > 0) {
		if (iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1)
			continue;
		if (errno == E2BIG) {   /* GB18030 never takes more than 2× in UTF-8; be safe */
			size_t used = (size_t)(o - buf);
			cap *= 2;
			buf = sj_realloc(buf, cap + 1);
			o = buf + used;
			out_left = cap - used;
			continue;
		}
		rc = sj_fail(e, SJ_EINVAL, "file", "is neither UTF-8 nor GB18030 (byte 0x%02x at "
		    "offset %zu)", (unsigned char)*in, (size_t)(in - bytes));
		break;
	}
	iconv_close(cd);
	if (rc != SJ_OK) {
		free(buf);
		return rc;
	}
	*o = '\0';
	*out = buf;
	*out_n = (size_t)(o - buf);
	return SJ_OK;
}

sj_rc
ledger_decode(const char *bytes, size_t n, char **out, size_t *out_n, ledger_encoding *enc,
    sj_err *e)
{
	const char *nul = memchr(bytes, '\0', n);
	sj_rc rc;

	*out = NULL;
	*out_n = 0;
	/* UTF-16 with its byte order mark (FF FE, FE FF): what Excel saves as
	 * "Unicode Text"; said by name rather than as a stray byte */
	if (n >= 2 && ((unsigned char)bytes[0] == 0xff || (unsigned char)bytes[0] == 0xfe) &&
	    (unsigned char)bytes[1] == ((unsigned char)bytes[0] ^ 0x01))
		return sj_fail(e, SJ_EINVAL, "file", "is UTF-16 (Excel's \"Unicode Text\"), neither "
		    "UTF-8 nor GB18030: save it as \"CSV UTF-8\" or \"CSV\"");
	if (nul)
		return sj_fail(e, SJ_EINVAL, "file", "is neither UTF-8 nor GB18030 (byte 0x00 at "
		    "offset %zu)", (size_t)(nul - bytes));
	*enc = LEDGER_UTF8;
	if (n >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0) {
		*enc = LEDGER_UTF8_BOM;
		bytes += 3;
		n -= 3;
		if ((rc = text_check_utf8(bytes, n, "file", 0, e)) != SJ_OK)
			return sj_fail(e, SJ_EINVAL, "file", "starts with a UTF-8 byte order mark but "
			    "is not UTF-8: %s", e ? e->msg : "");
	} else if (text_check_utf8(bytes, n, NULL, 0, NULL) != SJ_OK) {
		*enc = LEDGER_GB18030;
		return from_gb18030(bytes, n, out, out_n, e);
	}
	*out = sj_malloc(n + 1);
	memcpy(*out, bytes, n);
	(*out)[n] = '\0';
	*out_n = n;
	return SJ_OK;
}

/* ---- CSV ---------------------------------------------------------------------------- */

typedef struct csv_state {
	ledger_column cols[LEDGER_COLUMNS_MAX];  /* of the header's columns */
	int n_cols;
	bool header_done;
	/* the row being read */
	char *cells[LEDGER_COLUMNS_MAX];
	int n_cells;
	bool bad;
	sj_err why;              /* why the row is bad */
	int64_t row_line;
	/* the outcome */
	ledger_row_fn row_fn;
	ledger_bad_fn bad_fn;
	void *cls;
	sj_rc rc;
	sj_err *e;
} csv_state;

static void
on_cell(void *cls, const char *p, size_t n)
{
	csv_state *st = cls;

	if (st->bad)
		return;
	if (st->n_cells == LEDGER_COLUMNS_MAX) {
		st->bad = true;
		sj_fail(&st->why, SJ_EINVAL, "row", "more than %d columns", LEDGER_COLUMNS_MAX);
		return;
	}
	if (n > LEDGER_FIELD_MAX) {
		st->bad = true;
		sj_fail(&st->why, SJ_EINVAL, "row", "a cell of more than %d bytes", LEDGER_FIELD_MAX);
		return;
	}
	st->cells[st->n_cells] = sj_malloc(n + 1);
	memcpy(st->cells[st->n_cells], p ? p : "", n);
	st->cells[st->n_cells++][n] = '\0';
}

static void
read_header(csv_state *st)
{
	bool seen[LEDGER_COL__COUNT] = {0};
	bool any = false;

	st->n_cols = st->n_cells;
	for (int i = 0; i < st->n_cells; i++) {
		ledger_column c = ledger_column_of(st->cells[i]);
		st->cols[i] = c;
		if (c == LEDGER_IGNORED)
			continue;
		if (seen[c] && st->rc == SJ_OK)
			st->rc = sj_fail(st->e, SJ_EINVAL, "file", "the header names %s twice (column %d)",
			    column_names[c], i + 1);
		seen[c] = any = true;
	}
	if (!any && st->rc == SJ_OK)
		st->rc = sj_fail(st->e, SJ_EINVAL, "file", "the first line names no known column: "
		    "expected headers such as 姓名, 电话, 身份证号, 时间, 方向, 体温, 检查点 "
		    "(docs/import.md)");
}

/* The length of s's first max bytes or fewer that ends on a character
 * boundary (s is UTF-8: ledger_decode's output), for quoting in a message. */
static int
utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Give the row just read to row_fn, or to bad_fn when a cell beyond the
 * header's columns holds a value (scan_ledger.h): that value has no column
 * to go to, and dropping it would hide a row shifted by a cell.  Cells
 * left out at the end read as blank. */
static void
emit_row(csv_state *st)
{
	ledger_row row = { .line = st->row_line };
	bool blank = true;
	int beyond = -1;   /* the first cell with a value beyond the header's, or -1 */
	const char *beyond_v = NULL;

	for (int i = 0; i < st->n_cols; i++)
		if (st->cols[i] != LEDGER_IGNORED)
			row.has[st->cols[i]] = true;
	for (int i = 0; i < st->n_cells; i++) {
		char *v = trim(st->cells[i]);
		if (*v)
			blank = false;
		if (*v && i >= st->n_cols && beyond < 0) {
			beyond = i;
			beyond_v = v;
		}
		if (i < st->n_cols && st->cols[i] != LEDGER_IGNORED && *v)
			row.v[st->cols[i]] = v;
	}
	if (beyond >= 0) {
		sj_err why = {0};
		sj_fail(&why, SJ_EINVAL, "row", "cell %d ('%.*s') is beyond the header's %d "
		    "column%s: a cell too many, or a row shifted?", beyond + 1,
		    utf8_prefix(beyond_v, 40), beyond_v, st->n_cols, st->n_cols == 1 ? "" : "s");
		st->bad_fn(st->cls, st->row_line, &why);
	} else if (!blank)
		st->rc = st->row_fn(st->cls, &row, st->e);
}

static void
on_row(void *cls, int64_t line)
{
	csv_state *st = cls;

	st->row_line = line;
	if (st->rc == SJ_OK) {
		if (st->bad)
			st->bad_fn(st->cls, st->row_line, &st->why);
		else if (!st->header_done) {
			read_header(st);
			st->header_done = true;
		} else
			emit_row(st);
	}
	for (int i = 0; i < st->n_cells; i++)
		free(st->cells[i]);
	st->n_cells = 0;
	st->bad = false;
}

/* Callbacks of the first reading, which only checks that the records
 * end. */
static void
skip_cell(void *cls, const char *p, size_t n)
{
	(void)cls;
	(void)p;
	(void)n;
}

static void
skip_row(void *cls, int64_t line)
{
	(void)cls;
	(void)line;
}

sj_rc
ledger_parse_csv(const char *s, size_t n, ledger_row_fn row_fn, ledger_bad_fn bad_fn, void *cls,
    sj_err *e)
{
	csv_state st = { .row_fn = row_fn, .bad_fn = bad_fn, .cls = cls, .e = e };
	csvrec r;
	sj_rc rc;

	/* First the whole text is read for its ends alone: a quote never
	 * closed refuses the file before any row is given (an import's
	 * batches commit as they fill, so a late refusal would leave half a
	 * file).  The text is in memory already: no bound on a record. */
	csvrec_init(&r, skip_cell, skip_row, NULL, 0);
	if ((rc = csvrec_feed(&r, s, n, e)) == SJ_OK)
		rc = csvrec_finish(&r, e);
	csvrec_free(&r);
	if (rc != SJ_OK)
		return rc;
	csvrec_init(&r, on_cell, on_row, &st, 0);
	if ((rc = csvrec_feed(&r, s, n, e)) == SJ_OK)
		rc = csvrec_finish(&r, e);
	/* (the callbacks' own error, st.rc, comes first: the finish may have
	 * given the last row) */
	if (st.rc == SJ_OK)
		st.rc = rc;
	if (st.rc != SJ_OK)
		for (int i = 0; i < st.n_cells; i++)
			free(st.cells[i]);
	csvrec_free(&r);
	if (st.rc == SJ_OK && !st.header_done)
		return sj_fail(e, SJ_EINVAL, "file", "is empty: the first line must name the columns");
	return st.rc;
}

/* ---- fields --------------------------------------------------------------------------- */

static bool
parse_pos_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 1)
		return false;
	*out = v;
	return true;
}

/* Up to max digits (at least 1) into *v; the text after them. */
static const char *
digits(const char *s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && *s >= '0' && *s <= '9') {
		*v = *v * 10 + (*s++ - '0');
		n++;
	}
	return n ? s : NULL;
}

/* "YYYY-MM-DD HH:MM[:SS]" and the variants of scan_ledger.h, local time. */
static sj_rc
parse_local(const char *s, int64_t *out, sj_err *e)
{
	int y, mo, d, h, mi, sec = 0;
	const char *p = s;
	char sep;

	if ((p = digits(p, 4, &y)) == NULL || (*p != '-' && *p != '/'))
		goto bad;
	sep = *p++;
	if ((p = digits(p, 2, &mo)) == NULL || *p++ != sep || (p = digits(p, 2, &d)) == NULL ||
	    (*p != ' ' && *p != 'T'))
		goto bad;
	p++;
	if ((p = digits(p, 2, &h)) == NULL || *p++ != ':' || (p = digits(p, 2, &mi)) == NULL)
		goto bad;
	if (*p == ':' && (p = digits(p + 1, 2, &sec)) == NULL)
		goto bad;
	if (*p != '\0')
		goto bad;
	if (y < 1970 || !dt_ymd_valid(y, mo, d) || h > 23 || mi > 59 || sec > 59)
		return sj_fail(e, SJ_EINVAL, "time", "'%.40s' is not a valid date and time", s);
	/* a time that the zone's clocks skipped or showed twice is refused,
	 * asking for an offset (dt_local_instant) */
	return dt_local_instant(y, mo, d, h, mi, sec, "time", out, e);
bad:
	return sj_fail(e, SJ_EINVAL, "time", "'%.40s' is not a time: write 2024-03-02 00:30 "
	    "(local) or 2024-03-02T00:30:00+08:00", s);
}

static sj_rc
parse_time(const char *s, int64_t *out, sj_err *e)
{
	size_t n = strlen(s);
	char last = n ? s[n - 1] : '\0';

	/* an offset at the end (Z, +hh:mm, -hh:mm) makes it RFC 3339 */
	if (last == 'Z' || last == 'z' || (n > 6 && (s[n - 6] == '+' || s[n - 6] == '-') &&
	    s[n - 3] == ':'))
		return dt_parse_rfc3339(s, "time", out, e);
	return parse_local(s, out, e);
}

static sj_rc
parse_direction(const char *s, scan_direction *out, sj_err *e)
{
	static const char *const ins[] = { "in", "进", "入", "进入", "进门", NULL };
	static const char *const outs[] = { "out", "出", "离开", "外出", "出门", NULL };

	for (int i = 0; ins[i]; i++)
		if (strcasecmp(s, ins[i]) == 0) {
			*out = SCAN_IN;
			return SJ_OK;
		}
	for (int i = 0; outs[i]; i++)
		if (strcasecmp(s, outs[i]) == 0) {
			*out = SCAN_OUT;
			return SJ_OK;
		}
	return sj_fail(e, SJ_EINVAL, "direction", "'%.40s' is not a direction: write in or out "
	    "(进 or 出)", s);
}

sj_rc
ledger_row_input(const ledger_row *row, int64_t default_checkpoint, scan_input *in,
    const char **name, const char **mobile, sj_err *e)
{
	const char *const *v = row->v;
	sj_rc rc;

	memset(in, 0, sizeof *in);
	*name = v[LEDGER_NAME];
	*mobile = v[LEDGER_MOBILE];
	in->checkpoint_id = default_checkpoint;
	if (v[LEDGER_CHECKPOINT] && !parse_pos_id(v[LEDGER_CHECKPOINT], &in->checkpoint_id))
		return sj_fail(e, SJ_EINVAL, "checkpoint", "'%.40s' is not a checkpoint id",
		    v[LEDGER_CHECKPOINT]);
	if (in->checkpoint_id == 0)
		return sj_fail(e, SJ_EINVAL, "checkpoint", "is required: a 检查点 column, or the "
		    "checkpoint of the whole file (sijin import scans --checkpoint ID; "
		    "POST /api/v1/imports/scans?checkpoint=ID)");
	if (v[LEDGER_PERSON] && !parse_pos_id(v[LEDGER_PERSON], &in->person_id))
		return sj_fail(e, SJ_EINVAL, "person", "'%.40s' is not a person id", v[LEDGER_PERSON]);
	/* a name is checked as registration checks it (control, invisible and
	 * replacement characters), so a damaged one is named as such, not as
	 * "no person on record" */
	if (*name && (rc = text_check_name(*name, "name", ORG_NAME_MAX, e)) != SJ_OK)
		return rc;
	in->id_number = v[LEDGER_ID_NUMBER];
	if (v[LEDGER_TIME] == NULL)
		return sj_fail(e, SJ_EINVAL, "time", "is required");
	if ((rc = parse_time(v[LEDGER_TIME], &in->at, e)) != SJ_OK)
		return rc;
	if (v[LEDGER_DIRECTION])
		rc = parse_direction(v[LEDGER_DIRECTION], &in->direction, e);
	else if (row->has[LEDGER_DIRECTION])
		rc = sj_fail(e, SJ_EINVAL, "direction", "is required: in or out (进 or 出)");
	if (rc != SJ_OK)
		return rc;
	if (v[LEDGER_TEMPERATURE])
		return screening_temp_parse(v[LEDGER_TEMPERATURE], &in->temperature, e);
	return SJ_OK;
}
