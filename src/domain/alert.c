/*
 * alert — the alert table and the in-memory live feed.
 *
 * Feed invariants: `next_seq` counts every alert ever published; the ring
 * holds the last min(next_seq, ALERT_FEED_KEEP) of them, alert number q at
 * ring[q % ALERT_FEED_KEEP]; a subscriber's `next` is the number of the
 * first alert it has not looked at.  One mutex guards all of it, and wake
 * callbacks run under it (they only signal).
 */
#include "domain/alert.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/text.h"
#include "domain/org.h"
#include "domain/retention.h"
#include "domain/scan.h"
#include "domain/screening.h"

enum { Q_INSERT, Q_LIST, Q_GET, Q_ACK, Q_UNITS, Q_ATTENDED };

#define ALERT_COLS \
	"a.id, a.place_id, p.unit_id, a.checkpoint_id, a.scan_id, a.person_id, a.at, a.reasons," \
	" a.decision, a.temperature, a.detail, a.acked_at, a.acked_by, a.ack_note, pr.name"
/* An alert of a scan belongs to its checkpoint; another (an overdue
 * disinfection) to its place (domain/scope.h). */
#define ALERT_SCOPE \
	"(" SCOPE_CHECKPOINT("p.unit_id", "a.checkpoint_id") \
	" OR (a.checkpoint_id IS NULL AND " SCOPE_PLACE("p.unit_id", "a.place_id") "))"

/* Not expired (retention.h, purge.h): an alert raised by a scan or naming
 * a person is personal data of the class "scan"; one that is neither (an
 * overdue disinfection) is kept. */
#define ALERT_KEPT(cut) \
	"(a.at >= " cut " OR (a.scan_id IS NULL AND a.person_id IS NULL))"

static const char *const alert_sql[] = {
	[Q_INSERT] =
	"INSERT INTO alert (place_id, id, at, reasons, decision, checkpoint_id, scan_id, person_id,"
	" temperature, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* ?4 before id, ?5 place, ?6 unit, ?7 state (0 all, 1 open, 2 acknowledged),
	 * ?8 from, ?9 to, ?10 limit, ?11 the retention cut-off */
	[Q_LIST] =
	"SELECT " ALERT_COLS " FROM alert a JOIN place p ON p.id = a.place_id"
	" LEFT JOIN person pr ON pr.id = a.person_id"
	" WHERE " ALERT_SCOPE
	" AND (a.id < ?4 OR ?4 IS NULL) AND (a.place_id = ?5 OR ?5 IS NULL)"
	" AND (p.unit_id = ?6 OR ?6 IS NULL)"
	" AND (?7 = 0 OR (?7 = 1 AND a.acked_at IS NULL) OR (?7 = 2 AND a.acked_at IS NOT NULL))"
	" AND (a.at >= ?8 OR ?8 IS NULL) AND (a.at < ?9 OR ?9 IS NULL)"
	" AND " ALERT_KEPT("?11") " ORDER BY a.id DESC LIMIT ?10",
	[Q_GET] =
	"SELECT " ALERT_COLS " FROM alert a JOIN place p ON p.id = a.place_id"
	" LEFT JOIN person pr ON pr.id = a.person_id"
	" WHERE a.id = ?4 AND " ALERT_SCOPE " AND " ALERT_KEPT("?5"),
	[Q_ACK] =
	"UPDATE alert SET acked_at = ?3, acked_by = ?4, ack_note = ?5"
	" WHERE place_id = ?1 AND id = ?2 AND acked_at IS NULL",
	[Q_UNITS] =
	"SELECT u.id FROM unit u WHERE (" SCOPE_BASE_("u.id") ") ORDER BY u.id",
	/* an attendant's checkpoints (kind 0) and their places (kind 1) */
	[Q_ATTENDED] =
	"SELECT 0, sa.checkpoint_id FROM checkpoint_attendant sa WHERE sa.user_id = ?1"
	" UNION SELECT 1, sk.place_id FROM checkpoint_attendant sa"
	" JOIN checkpoint sk ON sk.id = sa.checkpoint_id WHERE sa.user_id = ?1 ORDER BY 1, 2",
};

static void
bind_opt(store_stmt *st, int i, int64_t v);

sj_rc
alert_feed_publish_stored(store *s, int64_t id, sj_err *e)
{
	alert a;
	arena ar;
	sj_rc rc;

	if (id == 0)
		return SJ_OK;
	arena_init(&ar);
	if ((rc = alert_get(s, &scope_system, &ar, id, &a, e)) == SJ_OK)
		alert_feed_publish(&a);
	arena_free(&ar);
	return rc;
}

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

sj_rc
alert_raise(store *s, alert *a, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = scan_ids_reserve(s, "alert", 1, &a->id, e)) != SJ_OK ||
	    (rc = store_prepare(s, alert_sql[Q_INSERT], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, a->place_id);
	store_bind_int(st, 2, a->id);
	store_bind_int(st, 3, a->at);
	store_bind_int(st, 4, a->reasons);
	store_bind_int(st, 5, a->decision);
	bind_opt(st, 6, a->checkpoint_id);
	bind_opt(st, 7, a->scan_id);
	bind_opt(st, 8, a->person_id);
	bind_opt(st, 9, a->temperature);
	store_bind_text(st, 10, a->detail);
	store_bind_int(st, 11, dt_now());
	a->acked_at = a->acked_by = 0;
	a->ack_note = NULL;
	return store_run(st, e);
}

static void
alert_read(store_stmt *st, arena *a, alert *out)
{
	const char *name = store_col_text(st, 14), *detail = store_col_text(st, 10);

	memset(out, 0, sizeof *out);
	out->id = store_col_int(st, 0);
	out->place_id = store_col_int(st, 1);
	out->unit_id = store_col_int(st, 2);
	out->checkpoint_id = store_col_int(st, 3);
	out->scan_id = store_col_int(st, 4);
	out->person_id = store_col_int(st, 5);
	out->at = store_col_int(st, 6);
	out->reasons = (unsigned)store_col_int(st, 7);
	out->decision = (int)store_col_int(st, 8);
	out->temperature = (int)store_col_int(st, 9);
	snprintf(out->detail, sizeof out->detail, "%s", detail ? detail : "");
	out->acked_at = store_col_int(st, 11);
	out->acked_by = store_col_int(st, 12);
	out->ack_note = arena_strdup(a, store_col_text(st, 13));
	if (name == NULL ||
	    ident_name_mask(name, out->person_name, sizeof out->person_name, NULL) != SJ_OK)
		out->person_name[0] = '\0';
}

sj_rc
alert_list(store *s, const scope *sc, arena *a, const alert_filter *f, alert_page *out,
    sj_err *e)
{
	int limit = f->limit ? f->limit : 50;
	size_t cap = 0, n = 0, n_ids;
	int64_t *ids;
	store_stmt *st;
	bool row;
	sj_rc rc;

	memset(out, 0, sizeof *out);
	if (limit < 1 || limit > ALERT_LIST_MAX)
		return sj_fail(e, SJ_EINVAL, "limit", "%d is out of range 1..%d", limit,
		    ALERT_LIST_MAX);
	if (f->state < 0 || f->state > 2)
		return sj_fail(e, SJ_EINVAL, "state", "must be open, acknowledged or all");
	if (f->from && f->to && f->to < f->from)
		return sj_fail(e, SJ_EINVAL, "to", "is before from");
	if ((f->place_id || f->unit_id) &&
	    (rc = scan_places_in_scope(s, sc, a, f->place_id, f->unit_id, &ids, &n_ids, e)) != SJ_OK)
		return rc;
	if ((rc = store_prepare(s, alert_sql[Q_LIST], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	bind_opt(st, 4, f->before_id);
	bind_opt(st, 5, f->place_id);
	bind_opt(st, 6, f->unit_id);
	store_bind_int(st, 7, f->state);
	bind_opt(st, 8, f->from);
	bind_opt(st, 9, f->to);
	store_bind_int(st, 10, limit + 1);
	store_bind_int(st, 11, retention_cutoff(RETENTION_SCAN, dt_now()));
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		out->alerts = arena_grow(a, out->alerts, &cap, n, sizeof *out->alerts);
		alert_read(st, a, &out->alerts[n++]);
	}
	if (rc != SJ_OK)
		return rc;
	out->n_alerts = n > (size_t)limit ? (size_t)limit : n;
	out->has_more = n > (size_t)limit;
	if (out->has_more)
		out->next_before_id = out->alerts[limit - 1].id;
	return SJ_OK;
}

sj_rc
alert_get(store *s, const scope *sc, arena *a, int64_t id, alert *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, alert_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	store_bind_int(st, 5, retention_cutoff(RETENTION_SCAN, dt_now()));
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "alert", "no alert with id %lld", (long long)id);
	alert_read(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
alert_ack(store *s, const scope *sc, int64_t id, int64_t user_id, const char *note,
    int64_t now, sj_err *e)
{
	char at[DT_RFC3339_LEN];
	store_stmt *st;
	alert cur;
	arena a;
	sj_rc rc;

	if (note == NULL || text_is_blank(note))
		return sj_fail(e, SJ_EINVAL, "note", "is required: say what was done");
	if ((rc = text_check_utf8_max(note, strlen(note), "note", TEXT_NO_NUL, ALERT_NOTE_MAX, e))
	    != SJ_OK)
		return rc;
	arena_init(&a);
	if ((rc = alert_get(s, sc, &a, id, &cur, e)) != SJ_OK)
		goto out;
	if (cur.acked_at) {
		dt_format_rfc3339(cur.acked_at, at);
		rc = sj_fail(e, SJ_ECONFLICT, "alert", "was acknowledged at %s", at);
		goto out;
	}
	if ((rc = store_prepare(s, alert_sql[Q_ACK], &st, e)) != SJ_OK)
		goto out;
	store_bind_int(st, 1, cur.place_id);
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, now);
	bind_opt(st, 4, user_id);
	store_bind_text(st, 5, note);
	if ((rc = store_run(st, e)) == SJ_OK && store_changes(s) == 0)
		rc = sj_fail(e, SJ_ECONFLICT, "alert", "was acknowledged meanwhile");
out:
	arena_free(&a);
	return rc;
}

void
alert_reasons_text(unsigned reasons, char *out, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	for (int i = 0; i < SCAN_R_COUNT; i++) {
		const char *name = (reasons & (1u << i)) ? screening_reason_name(1u << i) : NULL;
		if (name && len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "", name);
	}
}

sj_rc
alert_feed_scope_of(store *s, const scope *sc, arena *a, alert_feed_scope *out, sj_err *e)
{
	size_t cap[ALERT_SEES__COUNT] = { 0 };
	int64_t user = scope_attendant(sc);
	store_stmt *st;
	bool row;
	sj_rc rc;
	int k;

	memset(out, 0, sizeof *out);
	if ((out->all = scope_is_global(sc)))
		return SJ_OK;
	if ((rc = store_prepare(s, alert_sql[user ? Q_ATTENDED : Q_UNITS], &st, e)) != SJ_OK)
		return rc;
	if (user)
		store_bind_int(st, 1, user);
	else
		scope_bind(st, sc);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		/* Q_UNITS has one column, the unit; Q_ATTENDED the kind first. */
		k = user ? (store_col_int(st, 0) ? ALERT_SEES_PLACE : ALERT_SEES_CHECKPOINT)
		    : ALERT_SEES_UNIT;
		out->ids[k] = arena_grow(a, out->ids[k], &cap[k], out->n[k], sizeof *out->ids[k]);
		out->ids[k][out->n[k]++] = store_col_int(st, user ? 1 : 0);
	}
	return rc;
}

/* ---- the live feed ----------------------------------------------------------- */

struct alert_sub {
	bool all;
	int64_t *ids[ALERT_SEES__COUNT];  /* each sorted */
	size_t n[ALERT_SEES__COUNT];
	uint64_t next;           /* the first alert number not yet looked at */
	alert_wake_fn wake;
	void *cls;
	alert_sub *prev_sub, *next_sub;
};

static struct {
	pthread_mutex_t lock;
	alert ring[ALERT_FEED_KEEP];
	uint64_t next_seq;
	alert_sub *subs;
} feed = { .lock = PTHREAD_MUTEX_INITIALIZER };

void
alert_feed_publish(const alert *a)
{
	pthread_mutex_lock(&feed.lock);
	feed.ring[feed.next_seq % ALERT_FEED_KEEP] = *a;
	feed.ring[feed.next_seq % ALERT_FEED_KEEP].ack_note = NULL;
	feed.next_seq++;
	for (alert_sub *s = feed.subs; s; s = s->next_sub)
		s->wake(s->cls);
	pthread_mutex_unlock(&feed.lock);
}

static int
cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

alert_sub *
alert_feed_subscribe(const alert_feed_scope *fs, alert_wake_fn wake, void *cls)
{
	alert_sub *sub = sj_calloc(1, sizeof *sub);

	sub->all = fs->all;
	for (int k = 0; k < ALERT_SEES__COUNT; k++) {
		if (fs->n[k] == 0)
			continue;
		sub->ids[k] = sj_malloc(fs->n[k] * sizeof *fs->ids[k]);
		memcpy(sub->ids[k], fs->ids[k], fs->n[k] * sizeof *fs->ids[k]);
		qsort(sub->ids[k], fs->n[k], sizeof *fs->ids[k], cmp_id);
		sub->n[k] = fs->n[k];
	}
	sub->wake = wake;
	sub->cls = cls;
	pthread_mutex_lock(&feed.lock);
	sub->next = feed.next_seq;
	sub->next_sub = feed.subs;
	if (feed.subs)
		feed.subs->prev_sub = sub;
	feed.subs = sub;
	pthread_mutex_unlock(&feed.lock);
	return sub;
}

void
alert_feed_unsubscribe(alert_sub *sub)
{
	if (sub == NULL)
		return;
	pthread_mutex_lock(&feed.lock);
	if (sub->prev_sub)
		sub->prev_sub->next_sub = sub->next_sub;
	else
		feed.subs = sub->next_sub;
	if (sub->next_sub)
		sub->next_sub->prev_sub = sub->prev_sub;
	pthread_mutex_unlock(&feed.lock);
	for (int k = 0; k < ALERT_SEES__COUNT; k++)
		free(sub->ids[k]);
	free(sub);
}

static bool
sub_has(const alert_sub *sub, int k, int64_t id)
{
	return sub->n[k] && bsearch(&id, sub->ids[k], sub->n[k], sizeof id, cmp_id);
}

/* As ALERT_SCOPE in SQL: the unit, else the checkpoint of a scan's alert,
 * else the place of another. */
static bool
sub_sees(const alert_sub *sub, const alert *a)
{
	return sub->all || sub_has(sub, ALERT_SEES_UNIT, a->unit_id) ||
	    (a->checkpoint_id ? sub_has(sub, ALERT_SEES_CHECKPOINT, a->checkpoint_id)
	    : sub_has(sub, ALERT_SEES_PLACE, a->place_id));
}

size_t
alert_feed_read(alert_sub *sub, alert *out, size_t max, uint64_t *missed)
{
	uint64_t oldest;
	size_t n = 0;

	pthread_mutex_lock(&feed.lock);
	oldest = feed.next_seq > ALERT_FEED_KEEP ? feed.next_seq - ALERT_FEED_KEEP : 0;
	if (missed)
		*missed = sub->next < oldest ? oldest - sub->next : 0;
	if (sub->next < oldest)
		sub->next = oldest;
	for (; sub->next < feed.next_seq && n < max; sub->next++) {
		const alert *a = &feed.ring[sub->next % ALERT_FEED_KEEP];
		if (sub_sees(sub, a))
			out[n++] = *a;
	}
	pthread_mutex_unlock(&feed.lock);
	return n;
}
