/*
 * disinfection — the disinfection log and the overdue check.
 *
 * "Overdue" is judged on the latest entry of a place (latest `at`, ties by
 * id): its next_due_at has passed.  The check raises one alert per overdue
 * round, dated at that next_due_at, so running it again (or from two
 * processes) finds the alert and raises nothing.
 */
#include "domain/disinfection.h"

#include <string.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/scan.h"
#include "domain/screening.h"

#define AT_FUTURE_S 300
#define AT_PAST_S (30 * 86400)

enum { Q_PLACE, Q_INSERT, Q_LIST, Q_OVERDUE };

/* The latest entry of its place: no later one (by at, then id). */
#define LATEST(d) \
	"NOT EXISTS (SELECT 1 FROM disinfection d2 WHERE d2.place_id = " d ".place_id" \
	" AND (d2.at > " d ".at OR (d2.at = " d ".at AND d2.id > " d ".id)))"

static const char *const disinfection_sql[] = {
	/* ?4 place (an attendant: the place of a checkpoint they attend) */
	[Q_PLACE] =
	"SELECT p.id FROM place p WHERE p.id = ?4 AND " SCOPE_PLACE("p.unit_id", "p.id"),
	[Q_INSERT] =
	"INSERT INTO disinfection (place_id, area, agent, concentration, at, next_due_at,"
	" operator_id, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
	/* ?4 place, ?5 unit, ?6 from, ?7 to, ?8 overdue (1) at ?9, ?10 before, ?11 limit */
	[Q_LIST] =
	"SELECT d.id, d.place_id, d.area, d.agent, d.concentration, d.at, d.next_due_at,"
	" d.operator_id, d.note, p.name FROM disinfection d JOIN place p ON p.id = d.place_id"
	" WHERE " SCOPE_PLACE("p.unit_id", "d.place_id")
	" AND (d.place_id = ?4 OR ?4 IS NULL) AND (p.unit_id = ?5 OR ?5 IS NULL)"
	" AND (d.at >= ?6 OR ?6 IS NULL) AND (d.at < ?7 OR ?7 IS NULL)"
	" AND (?8 = 0 OR (d.next_due_at <= ?9 AND " LATEST("d") "))"
	" AND (d.id < ?10 OR ?10 IS NULL) ORDER BY d.id DESC LIMIT ?11",
	/* ?1 now, ?2 the overdue reason bit, ?3 the oldest due time still alerted */
	[Q_OVERDUE] =
	"SELECT d.place_id, p.unit_id, d.next_due_at, d.area FROM disinfection d"
	" JOIN place p ON p.id = d.place_id"
	" WHERE d.next_due_at <= ?1 AND d.next_due_at > ?3 AND " LATEST("d")
	" AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.place_id = d.place_id"
	" AND a.at >= d.next_due_at AND (a.reasons & ?2) <> 0)"
	" ORDER BY d.place_id",
};

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

static sj_rc
check_text(const char *s, const char *field, bool required, size_t max, unsigned flags,
    sj_err *e)
{
	if (s == NULL || text_is_blank(s))
		return required ? sj_fail(e, SJ_EINVAL, field, "is required") : SJ_OK;
	return text_check_utf8_max(s, strlen(s), field, flags, max, e);
}

static sj_rc
check_input(const disinfection *in, int64_t now, int64_t *at, int64_t *due, sj_err *e)
{
	sj_rc rc;

	if ((rc = check_text(in->area, "area", true, DISINF_TEXT_MAX, TEXT_SINGLE_LINE, e)) != SJ_OK ||
	    (rc = check_text(in->agent, "agent", true, DISINF_TEXT_MAX, TEXT_SINGLE_LINE, e)) != SJ_OK ||
	    (rc = check_text(in->concentration, "concentration", false, DISINF_TEXT_MAX,
	    TEXT_SINGLE_LINE, e)) != SJ_OK ||
	    (rc = check_text(in->note, "note", false, DISINF_NOTE_MAX, TEXT_NO_NUL, e)) != SJ_OK)
		return rc;
	*at = in->at ? in->at : now;
	if (*at > now + AT_FUTURE_S)
		return sj_fail(e, SJ_EINVAL, "at", "is in the future");
	if (*at < now - AT_PAST_S)
		return sj_fail(e, SJ_EINVAL, "at", "is more than 30 days ago");
	*due = in->next_due_at ? in->next_due_at : *at + DISINF_INTERVAL_DEFAULT;
	if (*due <= *at)
		return sj_fail(e, SJ_EINVAL, "next_due_at", "must be after the disinfection");
	if (*due - *at > DISINF_INTERVAL_MAX)
		return sj_fail(e, SJ_EINVAL, "next_due_at", "must be within 7 days of it");
	return SJ_OK;
}

sj_rc
disinfection_add(store *s, const scope *sc, const disinfection *in, int64_t now, int64_t *id,
    sj_err *e)
{
	int64_t at = 0, due = 0, place;
	store_stmt *st;
	bool found;
	sj_rc rc;

	if ((rc = check_input(in, now, &at, &due, e)) != SJ_OK ||
	    (rc = store_prepare(s, disinfection_sql[Q_PLACE], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, in->place_id);
	if ((rc = store_query_int(st, &place, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_ENOTFOUND, "place", "no place with id %lld",
		    (long long)in->place_id);
	if ((rc = store_prepare(s, disinfection_sql[Q_INSERT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, in->place_id);
	store_bind_text(st, 2, in->area);
	store_bind_text(st, 3, in->agent);
	store_bind_text(st, 4, in->concentration && !text_is_blank(in->concentration)
	    ? in->concentration : NULL);
	store_bind_int(st, 5, at);
	store_bind_int(st, 6, due);
	bind_opt(st, 7, in->operator_id);
	store_bind_text(st, 8, in->note && !text_is_blank(in->note) ? in->note : NULL);
	store_bind_int(st, 9, now);
	return store_insert_id(st, id, e);
}

static void
disinfection_read(store_stmt *st, arena *a, disinfection *d)
{
	memset(d, 0, sizeof *d);
	d->id = store_col_int(st, 0);
	d->place_id = store_col_int(st, 1);
	d->area = arena_strdup(a, store_col_text(st, 2));
	d->agent = arena_strdup(a, store_col_text(st, 3));
	d->concentration = arena_strdup(a, store_col_text(st, 4));
	d->at = store_col_int(st, 5);
	d->next_due_at = store_col_int(st, 6);
	d->operator_id = store_col_int(st, 7);
	d->note = arena_strdup(a, store_col_text(st, 8));
	d->place_name = arena_strdup(a, store_col_text(st, 9));
}

sj_rc
disinfection_list(store *s, const scope *sc, arena *a, const disinfection_filter *f,
    disinfection_page *out, sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	size_t cap = 0, n = 0, n_ids;
	int64_t *ids;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > DISINF_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit,
		    DISINF_LIST_MAX);
	if (f->from && f->to && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if ((f->place_id || f->unit_id) &&
	    (rc = scan_places_in_scope(s, sc, a, f->place_id, f->unit_id, &ids, &n_ids, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, disinfection_sql[Q_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, f->place_id);
	bind_opt(st, 5, f->unit_id);
	bind_opt(st, 6, f->from);
	bind_opt(st, 7, f->to);
	store_bind_int(st, 8, f->overdue ? 1 : 0);
	store_bind_int(st, 9, f->now ? f->now : dt_now());
	bind_opt(st, 10, f->before_id);
	store_bind_int(st, 11, limit + 1);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		out->items = arena_grow(a, out->items, &cap, n, sizeof *out->items);
		disinfection_read(st, a, &out->items[n++]);
	}
	if (rc != SJ_OK)
		return rc;
	out->n_items = n > (size_t)limit ? (size_t)limit : n;
	out->has_more = n > (size_t)limit;
	if (out->has_more)
		out->next_before_id = out->items[limit - 1].id;
	return SJ_OK;
}

/* Copy src into dst[n] without cutting a UTF-8 sequence. */
static void
copy_utf8(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The overdue places found by Q_OVERDUE, read before any alert is
 * written (the statement must be done before the table changes). */
typedef struct overdue {
	int64_t place_id, unit_id, due;
	char area[ALERT_DETAIL_SIZE];
} overdue;

#define OVERDUE_BATCH 256

sj_rc
disinfection_check_overdue(store *s, int64_t now, alert *out, size_t max, size_t *n,
    sj_err *e)
{
	overdue found[OVERDUE_BATCH];
	size_t n_found = 0;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*n = 0;
	if ((rc = store_prepare(s, disinfection_sql[Q_OVERDUE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, now);
	store_bind_int(st, 2, SCAN_R_DISINFECTION_OVERDUE);
	store_bind_int(st, 3, now - DISINF_STALE_S);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		overdue *o = &found[n_found++];
		o->place_id = store_col_int(st, 0);
		o->unit_id = store_col_int(st, 1);
		o->due = store_col_int(st, 2);
		copy_utf8(o->area, sizeof o->area, store_col_text(st, 3));
		if (n_found == OVERDUE_BATCH) {
			store_reset(st);  /* the rest on the next check */
			break;
		}
	}
	if (rc != SJ_OK || n_found == 0)
		return rc;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n_found; i++) {
		alert a = { .place_id = found[i].place_id, .unit_id = found[i].unit_id,
		    .at = found[i].due, .reasons = SCAN_R_DISINFECTION_OVERDUE,
		    .decision = SCAN_ALERT };
		memcpy(a.detail, found[i].area, sizeof a.detail);
		if ((rc = alert_raise(s, &a, e)) != SJ_OK) {
			store_rollback(s);
			*n = 0;
			return rc;
		}
		if (out && *n < max)
			out[*n] = a;
		(*n)++;
	}
	return store_commit(s, e);
}
