/*
 * scan_ledger — reading registration ledgers: paper or offline
 * registrations typed into Excel and saved as CSV (issue 5 "Bulk import";
 * docs/import.md).  Pure parsing, no store: the rows go to a callback
 * (json/jimport.h feeds them to scan_import; fuzz/fuzz_import.c checks the
 * contracts).
 *
 * Encodings (ledger_decode): a file starting with the UTF-8 byte order mark
 * EF BB BF is UTF-8 (the mark is dropped); else a file that is valid UTF-8
 * (RFC 3629) is UTF-8; else it is converted from GB18030 (GB 18030-2005,
 * which Excel on Chinese Windows writes as "ANSI") with iconv; bytes valid
 * in neither are an encoding error and nothing is imported.
 *
 * CSV (RFC 4180 as Excel writes it: comma, double quotes, CRLF or LF),
 * parsed with libcsv.  The first row names the columns; a header may be
 * Chinese or English and is matched after trimming, English without case
 * (ledger_column_of):
 *
 *   checkpoint   检查点 卡口 检查点编号 checkpoint checkpoint_id
 *   person       人员编号 person person_id
 *   id_number    身份证号 身份证号码 身份证 证件号码 id_number
 *   name         姓名 name
 *   mobile       电话 手机 手机号 手机号码 联系电话 mobile phone
 *   time         时间 登记时间 扫码时间 日期时间 time at
 *   direction    方向 进出 direction
 *   temperature  体温 温度 temperature temp
 *
 * Other columns (序号, 备注, ...) are ignored.  Row numbers are the line
 * number in the file where the row starts (the header is line 1).
 *
 * Cells against the header: a row with a value in a cell beyond the
 * header's columns is refused (bad_fn, field "row": the value would have
 * no column, and dropping it would hide a row shifted by a cell); blank
 * cells beyond the header (trailing commas) carry nothing and are
 * allowed.  A row with fewer cells than the header reads the missing ones
 * as blank: Excel leaves out the commas of trailing blank cells in parts
 * of a file (StataCorp FAQ "How Excel writes empty cells"), so a short
 * row is how a spreadsheet writes blanks; each blank is then checked as a
 * blank cell is (a required time or direction is refused by
 * ledger_row_input).  Check-in files (checkins.h) are machine-written
 * with fixed fields and refuse any other count.
 */
#ifndef SJ_SCAN_LEDGER_H
#define SJ_SCAN_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "domain/scan.h"

#define LEDGER_FIELD_MAX 1024      /* bytes of one field */
#define LEDGER_COLUMNS_MAX 64      /* columns of a row */

typedef enum ledger_column {
	LEDGER_CHECKPOINT, LEDGER_PERSON, LEDGER_ID_NUMBER, LEDGER_NAME, LEDGER_MOBILE,
	LEDGER_TIME, LEDGER_DIRECTION, LEDGER_TEMPERATURE,
	LEDGER_COL__COUNT,
	LEDGER_IGNORED = -1,
} ledger_column;

typedef enum ledger_encoding { LEDGER_UTF8, LEDGER_UTF8_BOM, LEDGER_GB18030 } ledger_encoding;

/* One data row: the text of each known column, NULL when the file has no
 * such column or the cell is blank (after trimming). */
typedef struct ledger_row {
	int64_t line;
	const char *v[LEDGER_COL__COUNT];
	bool has[LEDGER_COL__COUNT];   /* the file has this column (the cell may be blank) */
} ledger_row;

/* Called for each data row; an error ends the parse with it. */
typedef sj_rc (*ledger_row_fn)(void *cls, const ledger_row *row, sj_err *e);
/* Called for a row that cannot be read at all (a field over
 * LEDGER_FIELD_MAX bytes, more than LEDGER_COLUMNS_MAX fields, a value in
 * a cell beyond the header's columns), why naming field "row". */
typedef void (*ledger_bad_fn)(void *cls, int64_t line, const sj_err *why);

/* The column a header names, or LEDGER_IGNORED. */
ledger_column ledger_column_of(const char *header);

/* The English name of a column ("checkpoint", ..., as the list above). */
const char *ledger_column_name(ledger_column c);

/*
 * The n bytes at bytes as UTF-8 text: *out is a malloc'd NUL-terminated
 * copy (free()), *out_n its length, *enc what it was.  Errors: SJ_EINVAL
 * (field "file") "is neither UTF-8 nor GB18030 (byte 0xNN at offset K)";
 * NUL bytes are refused the same way (field "file"); text that starts with
 * a UTF-16 byte order mark (FF FE or FE FF) "is UTF-16 (Excel's ...)".
 */
sj_rc ledger_decode(const char *bytes, size_t n, char **out, size_t *out_n,
    ledger_encoding *enc, sj_err *e);

/*
 * Parse the UTF-8 CSV text s[0..n) (ledger_decode's output): header, then
 * each row to row_fn (rows whose cells are all blank are skipped), each
 * unreadable row and each row with a value beyond the header's columns
 * (above) to bad_fn.  Errors: SJ_EINVAL (field "file") for an
 * empty file, a header with no known column, a column named twice, or a
 * quote left open at the end ("a quote opened on line N is never
 * closed": found before any row is given, so nothing is imported); what
 * row_fn returns.  The CSV is read by core/csvrec.h.
 */
sj_rc ledger_parse_csv(const char *s, size_t n, ledger_row_fn row_fn, ledger_bad_fn bad_fn,
    void *cls, sj_err *e);

/*
 * The scan a row describes, for scan_import_add: checkpoint (the row's,
 * else default_checkpoint), person id, identity number, time, direction
 * (in when the file has no direction column), temperature; *name and
 * *mobile point into the row.  Times: RFC 3339 with an offset, or a local
 * time in the deployment's zone (DESIGN.md §4 "Time") written
 * "YYYY-MM-DD HH:MM[:SS]", with '/' or '-' between date parts, 'T' or a
 * space before the time, one- or two-digit month, day and hour (as Excel
 * writes "2024/3/2 0:30").  Directions: in, out, 进, 入, 进入, 出, 离开, 外出
 * (English without case).  Errors: SJ_EINVAL naming the field —
 * "checkpoint" (missing, not a positive integer), "person" (not a positive
 * integer), "name" (as registration checks it, text_check_name: control,
 * invisible or replacement characters, over ORG_NAME_MAX), "time"
 * (missing, malformed, a local time the zone's clocks skipped or showed
 * twice: dt_local_instant), "direction",
 * "temperature" (screening_temp_parse).
 */
sj_rc ledger_row_input(const ledger_row *row, int64_t default_checkpoint, scan_input *in,
    const char **name, const char **mobile, sj_err *e);

#endif
