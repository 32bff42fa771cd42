/*
 * calendar — working days, the cut-off hour, the calendar text format and
 * the stored years (see calendar.h and docs/calendar.md).
 *
 * Invariants: calendar_day holds only days inside a row of calendar_year;
 * a "working" day is always a Saturday or Sunday (a weekday needs no mark
 * to be worked); loading a year replaces all of its days in one
 * transaction together with the recomputation of the due dates that
 * depend on them.
 */
#include "domain/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/auth.h"
#include "domain/request.h"

enum {
	Q_DAYS_ALL, Q_DAYS_OF_YEAR, Q_YEAR_GET, Q_YEAR_LIST, Q_YEAR_PUT, Q_DAYS_DELETE,
	Q_DAY_ADD,
};

static const char *const calendar_sql[] = {
	[Q_DAYS_ALL] = "SELECT day, working, name FROM calendar_day ORDER BY day",
	[Q_DAYS_OF_YEAR] =
	"SELECT day, working, name FROM calendar_day WHERE year = ?1 ORDER BY day",
	[Q_YEAR_GET] = "SELECT source, loaded_at FROM calendar_year WHERE year = ?1",
	[Q_YEAR_LIST] =
	"SELECT y.year, y.source, y.loaded_at, (SELECT count(*) FROM calendar_day d"
	" WHERE d.year = y.year) FROM calendar_year y ORDER BY y.year",
	[Q_YEAR_PUT] =
	"INSERT INTO calendar_year (year, source, loaded_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (year) DO UPDATE SET source = excluded.source,"
	" loaded_at = excluded.loaded_at",
	[Q_DAYS_DELETE] = "DELETE FROM calendar_day WHERE year = ?1",
	[Q_DAY_ADD] = "INSERT INTO calendar_day (day, year, working, name) VALUES (?1, ?2, ?3, ?4)",
};

#define YEAR_MIN 1900
#define YEAR_MAX 2200

static int cutoff_s = CALENDAR_CUTOFF_DEFAULT;

void
calendar_cutoff_set(int seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds > 86400)
		seconds = 86400;
	cutoff_s = seconds;
}

int
calendar_cutoff(void)
{
	return cutoff_s;
}

/* ---- counting ------------------------------------------------------------- */

/* The marked day d of c, or NULL (binary search: days are sorted). */
static const calendar_day *
marked(const calendar *c, sj_date d)
{
	size_t lo = 0, hi = c->n_days;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].day == d)
			return &c->days[mid];
		if (c->days[mid].day < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
calendar_is_working(const calendar *c, sj_date d)
{
	const calendar_day *m = c ? marked(c, d) : NULL;

	return m ? m->working : dt_date_weekday(d) <= 5;
}

/* The first working day on or after d.  Terminates: only loaded years are
 * marked, and after them every Monday is a working day. */
static sj_date
next_working(const calendar *c, sj_date d)
{
	while (!calendar_is_working(c, d))
		d = dt_date_add_days(d, 1);
	return d;
}

sj_date
calendar_receipt_day(const calendar *c, int64_t t, int cutoff)
{
	sj_date d = dt_date_of(t);

	/* Seconds since the local day began: the wall clock, also on days a
	 * DST change makes 23 or 25 hours long (then up to an hour off). */
	if (t - dt_date_start(d) >= cutoff)
		d = dt_date_add_days(d, 1);
	return next_working(c, d);
}

sj_date
calendar_add_working_days(const calendar *c, sj_date d, int n)
{
	for (int i = 0; i < n; i++)
		d = next_working(c, dt_date_add_days(d, 1));
	return d;
}

sj_date
calendar_due(const calendar *c, int64_t t, int n, sj_date *receipt)
{
	sj_date r = calendar_receipt_day(c, t, cutoff_s);

	if (receipt)
		*receipt = r;
	return calendar_add_working_days(c, r, n);
}

sj_rc
calendar_read(store *s, arena *a, calendar *c, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(c, 0, sizeof *c);
	if ((rc = store_prepare(s, calendar_sql[Q_DAYS_ALL], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		c->days = arena_grow(a, c->days, &cap, c->n_days, sizeof *c->days);
		c->days[c->n_days++] = (calendar_day){ .day = (sj_date)store_col_int(st, 0),
		    .working = store_col_int(st, 1) != 0,
		    .name = arena_strdup(a, store_col_text(st, 2)) };
	}
	return rc;
}

/* ---- checking ------------------------------------------------------------- */

static int
day_cmp(const void *x, const void *y)
{
	const calendar_day *a = x, *b = y;

	return (a->day > b->day) - (a->day < b->day);
}

static int
year_of(sj_date d)
{
	int y;

	dt_date_to_ymd(d, &y, NULL, NULL);
	return y;
}

/* Check an optional one-line text of at most max code points. */
static sj_rc
check_line(const char *v, const char *field, size_t max, sj_err *e)
{
	if (v == NULL)
		return SJ_OK;
	return text_check_utf8_max(v, strlen(v), field, TEXT_SINGLE_LINE, max, e);
}

/* One day's own checks: inside the year, "work" only on a weekend. */
static sj_rc
check_day(const calendar_year *y, const calendar_day *d, const char *field, sj_err *e)
{
	char date[DT_DATE_LEN];

	if (d->day < DT_DATE_MIN || d->day > DT_DATE_MAX || year_of(d->day) != y->year)
		return sj_fail(e, SJ_EINVAL, field, "the date is not in %d", y->year);
	dt_date_format(d->day, date);
	if (d->working && dt_date_weekday(d->day) <= 5)
		return sj_fail(e, SJ_EINVAL, field, "%s is a weekday, which is a working day "
		    "anyway; only a Saturday or Sunday can be made a working day (调休)", date);
	return SJ_OK;
}

sj_rc
calendar_check_year(calendar_year *y, sj_err *e)
{
	char field[48], date[DT_DATE_LEN];
	sj_rc rc;

	if (y->year < YEAR_MIN || y->year > YEAR_MAX)
		return sj_fail(e, SJ_EINVAL, "year", "%d is outside %d..%d", y->year, YEAR_MIN,
		    YEAR_MAX);
	if ((rc = check_line(y->source, "source", CALENDAR_SOURCE_MAX, e)) != SJ_OK)
		return rc;
	if (y->n_days > CALENDAR_DAYS_MAX)
		return sj_fail(e, SJ_ETOOBIG, "days", "%zu days; at most %d", y->n_days,
		    CALENDAR_DAYS_MAX);
	for (size_t i = 0; i < y->n_days; i++) {
		snprintf(field, sizeof field, "days[%zu].date", i);
		if ((rc = check_day(y, &y->days[i], field, e)) != SJ_OK)
			return rc;
		snprintf(field, sizeof field, "days[%zu].name", i);
		if ((rc = check_line(y->days[i].name, field, CALENDAR_NAME_MAX, e)) != SJ_OK)
			return rc;
	}
	if (y->n_days > 1)  /* days may be NULL when there are none */
		qsort(y->days, y->n_days, sizeof *y->days, day_cmp);
	for (size_t i = 1; i < y->n_days; i++)
		if (y->days[i].day == y->days[i - 1].day) {
			dt_date_format(y->days[i].day, date);
			return sj_fail(e, SJ_EINVAL, "days", "%s is given twice", date);
		}
	return SJ_OK;
}

/* ---- the text format ------------------------------------------------------ */

typedef struct parser {
	arena *a;
	calendar_load *out;
	size_t caps[CALENDAR_YEARS_MAX];
	size_t n_days;            /* over all years */
	int line;
	char field[32];           /* "line N" */
} parser;

static bool
is_blank_char(char c)
{
	return c == ' ' || c == '\t';
}

/* Cut the next blank-separated word from *p (NUL-terminating it in place). */
static char *
next_word(char **p)
{
	char *s = *p, *w;

	while (is_blank_char(*s))
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s && !is_blank_char(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

/* The rest of the line after blanks, with trailing blanks removed. */
static char *
rest_of_line(char *p)
{
	size_t n;

	while (is_blank_char(*p))
		p++;
	n = strlen(p);
	while (n > 0 && is_blank_char(p[n - 1]))
		p[--n] = '\0';
	return p;
}

static calendar_year *
current_year(parser *ps)
{
	return ps->out->n_years ? &ps->out->years[ps->out->n_years - 1] : NULL;
}

static sj_rc
parse_year_line(parser *ps, char *rest, sj_err *e)
{
	char *w = next_word(&rest), *end;
	long y;

	y = w ? strtol(w, &end, 10) : 0;
	if (w == NULL || *end != '\0' || next_word(&rest) != NULL || y < YEAR_MIN || y > YEAR_MAX)
		return sj_fail(e, SJ_EINVAL, ps->field, "write 'year YYYY' with a year in %d..%d",
		    YEAR_MIN, YEAR_MAX);
	for (size_t i = 0; i < ps->out->n_years; i++)
		if (ps->out->years[i].year == (int)y)
			return sj_fail(e, SJ_EINVAL, ps->field, "year %ld is given twice", y);
	if (ps->out->n_years == CALENDAR_YEARS_MAX)
		return sj_fail(e, SJ_ETOOBIG, ps->field, "at most %d years in one file",
		    CALENDAR_YEARS_MAX);
	ps->out->years[ps->out->n_years++] = (calendar_year){ .year = (int)y, .source = "" };
	return SJ_OK;
}

static sj_rc
parse_source_line(parser *ps, char *rest, sj_err *e)
{
	calendar_year *y = current_year(ps);
	char *text = rest_of_line(rest);

	if (y == NULL)
		return sj_fail(e, SJ_EINVAL, ps->field, "'source' comes after a 'year' line");
	if (*y->source)
		return sj_fail(e, SJ_EINVAL, ps->field, "year %d has a source already", y->year);
	if (*text == '\0')
		return sj_fail(e, SJ_EINVAL, ps->field, "'source' needs a text");
	if (text_length(text) > CALENDAR_SOURCE_MAX)
		return sj_fail(e, SJ_EINVAL, ps->field, "the source is over %d characters",
		    CALENDAR_SOURCE_MAX);
	y->source = arena_strdup(ps->a, text);
	return SJ_OK;
}

/* "D" or "D1..D2" into *from and *to. */
static sj_rc
parse_range(parser *ps, const char *w, sj_date *from, sj_date *to, sj_err *e)
{
	const char *dots = strstr(w, "..");
	char first[16];
	sj_rc rc;

	if (dots == NULL)
		return (rc = dt_date_parse(w, ps->field, from, e)) != SJ_OK ? rc :
		    (*to = *from, SJ_OK);
	if ((size_t)(dots - w) >= sizeof first)
		return sj_fail(e, SJ_EINVAL, ps->field, "'%s' is not a date or DATE..DATE", w);
	memcpy(first, w, (size_t)(dots - w));
	first[dots - w] = '\0';
	if ((rc = dt_date_parse(first, ps->field, from, e)) != SJ_OK ||
	    (rc = dt_date_parse(dots + 2, ps->field, to, e)) != SJ_OK)
		return rc;
	if (*to < *from)
		return sj_fail(e, SJ_EINVAL, ps->field, "the range %s ends before it starts", w);
	return SJ_OK;
}

static sj_rc
parse_day_line(parser *ps, char *word, char *rest, sj_err *e)
{
	calendar_year *y = current_year(ps);
	size_t yi = ps->out->n_years - 1;
	char *kind = next_word(&rest), *name;
	sj_date from, to;
	sj_rc rc;

	if (y == NULL)
		return sj_fail(e, SJ_EINVAL, ps->field, "a 'year YYYY' line must come first");
	if ((rc = parse_range(ps, word, &from, &to, e)) != SJ_OK)
		return rc;
	if (kind == NULL || (strcmp(kind, "off") != 0 && strcmp(kind, "work") != 0))
		return sj_fail(e, SJ_EINVAL, ps->field, "after the date write 'off' or 'work'");
	name = rest_of_line(rest);
	if (text_length(name) > CALENDAR_NAME_MAX)
		return sj_fail(e, SJ_EINVAL, ps->field, "the name is over %d characters",
		    CALENDAR_NAME_MAX);
	for (sj_date d = from; d <= to; d++) {
		calendar_day day = { .day = d, .working = strcmp(kind, "work") == 0,
		    .name = arena_strdup(ps->a, name) };
		if ((rc = check_day(y, &day, ps->field, e)) != SJ_OK)
			return rc;
		for (size_t i = 0; i < y->n_days; i++)
			if (y->days[i].day == d) {
				char date[DT_DATE_LEN];
				dt_date_format(d, date);
				return sj_fail(e, SJ_EINVAL, ps->field, "%s is given twice", date);
			}
		if (++ps->n_days > CALENDAR_DAYS_MAX)
			return sj_fail(e, SJ_ETOOBIG, ps->field, "more than %d days in one file",
			    CALENDAR_DAYS_MAX);
		y->days = arena_grow(ps->a, y->days, &ps->caps[yi], y->n_days, sizeof *y->days);
		y->days[y->n_days++] = day;
	}
	return SJ_OK;
}

static sj_rc
parse_line(parser *ps, char *line, sj_err *e)
{
	char *hash = strchr(line, '#'), *rest = line, *word;

	if (hash)
		*hash = '\0';
	if ((word = next_word(&rest)) == NULL)
		return SJ_OK;
	if (strcmp(word, "year") == 0)
		return parse_year_line(ps, rest, e);
	if (strcmp(word, "source") == 0)
		return parse_source_line(ps, rest, e);
	if (word[0] >= '0' && word[0] <= '9')
		return parse_day_line(ps, word, rest, e);
	return sj_fail(e, SJ_EINVAL, ps->field, "'%.40s' is not 'year', 'source' or a date", word);
}

sj_rc
calendar_parse(const char *text, size_t n, arena *a, calendar_load *out, sj_err *e)
{
	parser ps = { .a = a, .out = out };
	char *copy, *p, *nl;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (n > CALENDAR_TEXT_MAX)
		return sj_fail(e, SJ_ETOOBIG, "file", "%zu bytes; at most %d", n, CALENDAR_TEXT_MAX);
	if ((rc = text_check_utf8(text, n, "file", TEXT_NO_NUL, e)) != SJ_OK)
		return rc;
	copy = arena_strndup(a, text, n);
	if ((unsigned char)copy[0] == 0xEF && (unsigned char)copy[1] == 0xBB &&
	    (unsigned char)copy[2] == 0xBF)
		copy += 3;  /* a byte-order mark some editors write */
	for (p = copy; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		if (*p && p[strlen(p) - 1] == '\r')
			p[strlen(p) - 1] = '\0';
		ps.line++;
		snprintf(ps.field, sizeof ps.field, "line %d", ps.line);
		if ((rc = text_check_utf8(p, strlen(p), ps.field, TEXT_SINGLE_LINE, e)) != SJ_OK ||
		    (rc = parse_line(&ps, p, e)) != SJ_OK)
			return rc;
	}
	if (out->n_years == 0)
		return sj_fail(e, SJ_EINVAL, "file", "no 'year YYYY' line: nothing to load");
	for (size_t i = 0; i < out->n_years; i++)
		if (out->years[i].n_days > 1)
			qsort(out->years[i].days, out->years[i].n_days, sizeof(calendar_day), day_cmp);
	return SJ_OK;
}

/* ---- storing ---------------------------------------------------------- */

static sj_rc
store_year(store *s, const calendar_year *y, int64_t now, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, calendar_sql[Q_YEAR_PUT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, y->year);
	store_bind_text(st, 2, y->source ? y->source : "");
	store_bind_int(st, 3, now);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, calendar_sql[Q_DAYS_DELETE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, y->year);
	if ((rc = store_run(st, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < y->n_days; i++) {
		if ((rc = store_prepare(s, calendar_sql[Q_DAY_ADD], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, y->days[i].day);
		store_bind_int(st, 2, y->year);
		store_bind_int(st, 3, y->days[i].working);
		store_bind_text(st, 4, y->days[i].name ? y->days[i].name : "");
		if ((rc = store_run(st, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

sj_rc
calendar_store(store *s, const scope *sc, calendar_load *ld, int64_t *n_changed, sj_err *e)
{
	int64_t now = dt_now();
	sj_rc rc;

	if (n_changed)
		*n_changed = 0;
	if (!auth_role_may(sc->role, PERM_ORG_ADMIN))
		return sj_fail(e, SJ_EFORBIDDEN, NULL, "only an administrator may load calendars");
	for (size_t i = 0; i < ld->n_years; i++)
		if ((rc = calendar_check_year(&ld->years[i], e)) != SJ_OK)
			return rc;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < ld->n_years && rc == SJ_OK; i++)
		rc = store_year(s, &ld->years[i], now, e);
	if (rc == SJ_OK)
		rc = request_recompute_due(s, sc, n_changed, e);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

sj_rc
calendar_year_get(store *s, arena *a, int year, calendar_year *out, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->year = year;
	out->source = "";
	if (year < YEAR_MIN || year > YEAR_MAX)
		return sj_fail(e, SJ_EINVAL, "year", "%d is outside %d..%d", year, YEAR_MIN, YEAR_MAX);
	if ((rc = store_prepare(s, calendar_sql[Q_YEAR_GET], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, year);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return SJ_OK;
	out->source = arena_strdup(a, store_col_text(st, 0));
	out->loaded_at = store_col_int(st, 1);
	store_reset(st);
	if ((rc = store_prepare(s, calendar_sql[Q_DAYS_OF_YEAR], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, year);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		out->days = arena_grow(a, out->days, &cap, out->n_days, sizeof *out->days);
		out->days[out->n_days++] = (calendar_day){ .day = (sj_date)store_col_int(st, 0),
		    .working = store_col_int(st, 1) != 0,
		    .name = arena_strdup(a, store_col_text(st, 2)) };
	}
	return rc;
}

sj_rc
calendar_year_list(store *s, arena *a, calendar_year **out, size_t *n, sj_err *e)
{
	size_t cap = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, calendar_sql[Q_YEAR_LIST], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		*out = arena_grow(a, *out, &cap, *n, sizeof **out);
		(*out)[(*n)++] = (calendar_year){ .year = (int)store_col_int(st, 0),
		    .source = arena_strdup(a, store_col_text(st, 1)),
		    .loaded_at = store_col_int(st, 2), .n_days = (size_t)store_col_int(st, 3) };
	}
	return rc;
}
