/*
 * scan_export — scans as an importable CSV ledger (scan_export.h).
 */
#include "domain/scan_export.h"

#include <csv.h>
#include <string.h>

#include "domain/retention.h"
#include "domain/scan.h"
#include "domain/screening.h"

enum { Q_EXPORT };

static const char *const export_sql[] = {
	/* ?4 checkpoint, ?5 place, ?6 unit (0: any), [?7, ?8) instants */
	[Q_EXPORT] =
	"SELECT s.checkpoint_id, s.person_id, s.at, s.kind, s.temperature"
	" FROM scan s JOIN place p ON p.id = s.place_id"
	" WHERE " SCOPE_UNIT("p.unit_id") " AND s.person_id IS NOT NULL"
	" AND (s.checkpoint_id = ?4 OR ?4 = 0) AND (s.place_id = ?5 OR ?5 = 0)"
	" AND (p.unit_id = ?6 OR ?6 = 0) AND s.at >= ?7 AND s.at < ?8"
	" ORDER BY s.at, s.id",
};

sj_rc
scan_export_date(const char *s, const char *field, sj_date *out, sj_err *e)
{
	return dt_date_parse(s, field, out, e);
}

/* One cell, quoted as libcsv quotes, then sep. */
static bool
cell(FILE *out, const char *s, char sep)
{
	return csv_fwrite(out, s, strlen(s)) == 0 && fputc(sep, out) != EOF;
}

sj_rc
scan_export_csv(store *s, const scope *sc, const scan_export_filter *f, FILE *out, sj_err *e)
{
	int64_t from = f->has_from ? dt_date_start(f->from) : DT_INSTANT_MIN;
	int64_t to = f->has_to ? dt_date_end(f->to) : DT_INSTANT_MAX;
	store_stmt *st;
	bool row, ok;
	sj_rc rc;

	if (f->has_from && f->has_to && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if ((rc = store_prepare(s, export_sql[Q_EXPORT], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, f->checkpoint_id);
	store_bind_int(st, 5, f->place_id);
	store_bind_int(st, 6, f->unit_id);
	store_bind_int(st, 7, retention_from(RETENTION_SCAN, dt_now(), from));
	store_bind_int(st, 8, to);
	ok = fputs(SCAN_EXPORT_HEADER "\n", out) != EOF;
	while (ok && (rc = store_step(st, &row, e)) == SJ_OK && row) {
		char cp[24], person[24], at[DT_RFC3339_LEN], temp[8] = "";
		int t = store_col_is_null(st, 4) ? 0 : (int)store_col_int(st, 4);
		snprintf(cp, sizeof cp, "%lld", (long long)store_col_int(st, 0));
		snprintf(person, sizeof person, "%lld", (long long)store_col_int(st, 1));
		dt_format_rfc3339(store_col_int(st, 2), at);
		if (t)
			screening_temp_format(t, temp);
		ok = cell(out, cp, ',') && cell(out, person, ',') && cell(out, at, ',') &&
		    cell(out, scan_direction_name((scan_direction)(store_col_int(st, 3) & 1)), ',') &&
		    cell(out, temp, '\n');
	}
	if (!ok) {
		if (row)
			store_reset(st);
		return sj_fail(e, SJ_EIO, "out", "cannot write the export");
	}
	if (rc == SJ_OK && fflush(out) != 0)
		return sj_fail(e, SJ_EIO, "out", "cannot write the export");
	return rc;
}
